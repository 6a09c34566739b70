// Explanations for the scheduler loop, run queues, goroutine state changes,
// stop-the-world and deadlock detection. Pure data, in our own words from Go's
// runtime/proc.go (schedule, findRunnable, runqput, stopTheWorldWithSema,
// checkdead); see docs/model.md.

import type { Explanation } from "./catalog.js";

export const schedEntries: readonly Explanation[] = [
  {
    fn: "schedule",
    goFile: "runtime/proc.go",
    summary:
      "One round of the scheduler on g0: find a runnable goroutine and run " +
      "it. Never returns. A locked M only runs its locked G; a G locked to " +
      "another M is handed over with this M's P.",
    steps: [
      {
        text:
          "If m.lockedg != 0: stoplockedm() then execute(lockedg) - this M " +
          "runs nothing else.",
        changes: "see stoplockedm",
      },
      {
        text: "p.preempt = false; gp, inheritTime, tryWakeP = findRunnable().",
        changes: "P.preempt = false; may block in findRunnable",
      },
      {
        text: "If m.spinning: resetspinning(). If tryWakeP: wakep().",
        changes: "M.spinning = false; sched.nmspinning -= 1",
      },
      {
        text: "If gp.lockedm != 0: startlockedm(gp) and start over.",
        changes: "P handed to the locked M",
      },
      {
        text: "execute(gp, inheritTime).",
        changes: "G: _Grunnable -> _Grunning",
      },
    ],
    versions: [
      {
        profile: "go1.10",
        note:
          "schedule itself handled gcwaiting, the trace reader, GC workers, " +
          "the schedtick % 61 global check and runqget before calling " +
          "findrunnable.",
      },
      {
        profile: "go1.19",
        note: "findrunnable renamed findRunnable and returns tryWakeP.",
      },
    ],
    related: ["findRunnable", "execute", "resetspinning", "startlockedm"],
  },
  {
    fn: "findRunnable",
    goFile: "runtime/proc.go",
    summary:
      "Finds a goroutine to run, blocking if there is none. Order: stop for " +
      "GC, timers, trace reader and GC worker, every 61st tick the global " +
      "queue (fairness), the local queue (runnext first), the global queue, " +
      "a non-blocking netpoll, then stealing from other Ps as a spinning M. " +
      "If all fail the P is released to the idle list and the M re-checks " +
      "everything, possibly blocks in netpoll, and finally stopm()s.",
    steps: [
      {
        text:
          "gcwaiting -> gcstopm and restart; run safe-point fn; checkTimers.",
        changes: "expired timers fire (may ready Gs)",
      },
      {
        text: "Trace reader; GC background mark worker (tryWakeP = true).",
        changes: "G: _Gwaiting -> _Grunnable for the worker",
      },
      {
        text:
          "p.schedtick % 61 == 0 and global queue non-empty: globrunqget(p, 1).",
        changes: "sched.runqsize -= 1",
      },
      {
        text: "runqget(p): runnext (inheritTime = true) then the ring head.",
        changes: "local queue pop",
      },
      {
        text: "globrunqget(p, 0) under sched.lock.",
        changes: "batch moved from global to local queue",
      },
      {
        text:
          "netpoll(0) if there are waiters and nobody is blocked in netpoll: " +
          "run the first ready G, inject the rest.",
        changes: "Gs _Gwaiting -> _Grunnable",
      },
      {
        text:
          "Become spinning if m.spinning or 2*nmspinning < gomaxprocs - " +
          "npidle; stealWork.",
        changes: "M.spinning = true; sched.nmspinning += 1",
      },
      {
        text:
          "Idle-priority GC work. Then under the lock: re-check gcwaiting and " +
          "the global queue, releasep(), pidleput(p).",
        changes: "P: _Prunning -> _Pidle; sched.npidle += 1",
      },
      {
        text:
          "If it was spinning: stop spinning, re-check all run queues (take an " +
          "idle P and spin again if work appeared), GC work and timers.",
        changes: "M.spinning = false; sched.nmspinning -= 1",
      },
      {
        text:
          "Blocking netpoll if there are waiters or timers and Xchg(lastpoll, " +
          "0) != 0 (only one M blocks there); on return take an idle P or " +
          "inject the Gs and stop.",
        changes: "sched.lastpoll = 0 while blocked",
      },
      { text: "stopm(); on wake restart from the top.", changes: "M idle" },
    ],
    versions: [
      {
        profile: "go1.10",
        note:
          "Named findrunnable; no per-P timers; trace reader, GC worker and " +
          "the % 61 check live in schedule; extra rule: do not spin if " +
          "npidle == gomaxprocs-1; the netpoll block is indefinite.",
      },
      {
        profile: "go1.26",
        note: "Only one M at a time does the non-blocking netpoll (1.25+).",
      },
    ],
    related: [
      "schedule",
      "stealWork",
      "runqget",
      "globrunqget",
      "netpoll",
      "stopm",
      "gcstopm",
      "pidleput",
    ],
  },
  {
    fn: "stealWork",
    goFile: "runtime/proc.go",
    summary:
      "The work-stealing part of findRunnable for a spinning M: up to 4 " +
      "rounds over all other Ps in a random order (random start, random " +
      "coprime step). Only the last round runs the victims' expired timers " +
      "and may take a victim's runnext. Idle Ps (idlepMask) are skipped.",
    steps: [
      {
        text: "For 4 rounds, for each P in random order except our own:",
        changes: "none",
      },
      {
        text: "gcwaiting set -> return so findRunnable stops for the GC.",
        changes: "none",
      },
      {
        text:
          "Last round: if the victim may have timers, checkTimers(victim); " +
          "return a G that this made runnable on our P.",
        changes: "victim's timers fire",
      },
      {
        text:
          "If the victim is not idle: runqsteal(pp, victim, lastRound).",
        changes: "half of victim's queue moved to ours",
      },
    ],
    versions: [
      {
        profile: "go1.10",
        note:
          "Inline in findrunnable; runnext stealing enabled when i > 2 (the " +
          "last of 4 rounds).",
      },
    ],
    related: ["findRunnable", "runqsteal"],
  },
  {
    fn: "runqput",
    goFile: "runtime/proc.go",
    summary:
      "Adds a G to a P's local queue. With next=true (newproc, ready) the G " +
      "goes into p.runnext and the previous runnext, if any, is kicked to " +
      "the tail of the 256-slot ring. If the ring is full, runqputslow moves " +
      "half of it to the global queue.",
    steps: [
      {
        text: "next: CAS p.runnext to gp; if a G was there, continue with it.",
        changes: "P.runnext = gp",
      },
      {
        text: "Ring not full: store at tail, release-store runqtail+1.",
        changes: "P.runq tail += 1",
      },
      {
        text: "Full: runqputslow; if that lost a race, retry.",
        changes: "see runqputslow",
      },
    ],
    related: ["runqputslow", "runqget", "ready", "newproc"],
  },
  {
    fn: "runqputslow",
    goFile: "runtime/proc.go",
    summary:
      "Overflow path of runqput: moves the first half of the full local " +
      "ring (128 Gs) plus the new G (129 in all) to the global queue in one " +
      "locked batch.",
    steps: [
      {
        text: "Copy runq[head .. head+128) into a batch; CAS runqhead += 128.",
        changes: "P.runq head += 128",
      },
      {
        text:
          "Append gp; link the batch; lock; globrunqputbatch(129); unlock.",
        changes: "sched.runqsize += 129",
      },
    ],
    related: ["runqput", "globrunqput"],
  },
  {
    fn: "runqget",
    goFile: "runtime/proc.go",
    summary:
      "Takes the next G from the local queue: runnext first (the G inherits " +
      "the current time slice), else the ring head.",
    steps: [
      {
        text: "runnext != 0 and CAS to 0 wins: return it, inheritTime = true.",
        changes: "P.runnext = nil",
      },
      {
        text: "Else CAS runqhead+1 and return that G, inheritTime = false.",
        changes: "P.runq head += 1",
      },
    ],
    related: ["runqput", "findRunnable", "execute"],
  },
  {
    fn: "runqsteal",
    goFile: "runtime/proc.go",
    summary:
      "Steals half (rounded up) of another P's ring into ours and returns " +
      "the last stolen G to run. The victim's runnext is taken only when " +
      "allowed (last steal round) and its ring is empty; if the victim is " +
      "running, the thief first sleeps ~3 us so the victim can run it.",
    steps: [
      {
        text:
          "runqgrab: n = size - size/2. n == 0 and stealRunNextG: usleep(3) " +
          "if victim _Prunning, then CAS its runnext away.",
        changes: "victim P.runnext = nil",
      },
      {
        text: "Copy n Gs, CAS victim.runqhead += n.",
        changes: "victim P.runq head += n",
      },
      {
        text: "Publish n-1 of them in our ring; return the last one.",
        changes: "our P.runq tail += n-1",
      },
    ],
    versions: [
      {
        profile: "go1.26",
        note: "No 3 us sleep if the victim's G is in a syscall.",
      },
    ],
    related: ["stealWork", "runqget"],
  },
  {
    fn: "globrunqput",
    goFile: "runtime/proc.go",
    summary:
      "Appends a G to the tail of the global run queue (sched.lock held). " +
      "Used by Gosched/preemption, exitsyscall0, and overflow batches.",
    steps: [
      {
        text: "sched.runq.pushBack(gp); runqsize++.",
        changes: "sched.runqsize += 1",
      },
    ],
    related: ["globrunqget", "goschedImpl", "exitsyscall0"],
  },
  {
    fn: "globrunqget",
    goFile: "runtime/proc.go",
    summary:
      "Takes a batch from the global queue (sched.lock held): n = " +
      "min(runqsize, runqsize/gomaxprocs + 1, max if > 0, 128). Returns the " +
      "first and puts the other n-1 on the P's local ring.",
    steps: [
      {
        text: "Compute n; runqsize -= n; pop the first G.",
        changes: "sched.runqsize -= n",
      },
      {
        text: "Pop n-1 more and runqput(p, g, false) each.",
        changes: "local queue += n-1",
      },
    ],
    versions: [
      {
        profile: "go1.26",
        note:
          "Split into globrunqget() (one G) and globrunqgetbatch(n) (1.25+).",
      },
    ],
    related: ["globrunqput", "findRunnable"],
  },
  {
    fn: "execute",
    goFile: "runtime/proc.go",
    summary:
      "Switches the M to run gp: binds them, marks gp _Grunning, resets " +
      "preemption, starts a new time slice unless inheritTime (runnext), " +
      "and jumps to gp's saved context with gogo. Never returns.",
    steps: [
      {
        text: "m.curg = gp; gp.m = m; casgstatus(_Grunnable -> _Grunning).",
        changes: "M.curg = G; G.m = M; G: _Grunnable -> _Grunning",
      },
      {
        text:
          "waitsince = 0; preempt = false; stackguard0 = stack.lo + " +
          "StackGuard; if !inheritTime: p.schedtick++.",
        changes: "P.schedtick += 1 (new 10 ms slice)",
      },
      {
        text:
          "Trace: GoSysExit if returning from a blocked syscall (old " +
          "tracer), then GoStart; gogo(&gp.sched).",
        changes: "trace: GoStart",
      },
    ],
    related: ["schedule", "exitsyscall0", "runqget"],
  },
  {
    fn: "newproc",
    goFile: "runtime/proc.go",
    summary:
      "Implements the go statement. newproc1 builds a G (reused from the " +
      "free list or allocated), moves it _Gdead -> _Grunnable and puts it in " +
      "runnext of the current P, so the new G runs next; then wakep if " +
      "main has started.",
    steps: [
      {
        text:
          "newproc1 on the system stack: gfget or malg; set up sched so it " +
          "starts at fn and returns to goexit; new goid; trace GoCreate.",
        changes: "G: _Gidle/_Gdead -> _Grunnable",
      },
      {
        text: "runqput(p, newg, true).",
        changes: "P.runnext = newg (old runnext to ring tail)",
      },
      { text: "If mainStarted: wakep().", changes: "maybe spinning M" },
    ],
    related: ["runqput", "wakep", "goexit0"],
  },
  {
    fn: "gopark",
    goFile: "runtime/proc.go",
    summary:
      "Blocks the current goroutine (channels, mutexes, sleep, netpoll). " +
      "Records the wait reason and an unlock function, then mcall(park_m): " +
      "the G becomes _Gwaiting, is detached from the M, and the M schedules " +
      "something else. Someone must later goready it.",
    steps: [
      {
        text: "Record waitlock, waitunlockf, waitreason; mcall(park_m).",
        changes: "none yet",
      },
      {
        text: "park_m: trace GoBlock*; casgstatus(_Grunning -> _Gwaiting).",
        changes: "G: _Grunning -> _Gwaiting",
      },
      { text: "dropg().", changes: "M.curg = nil; G.m = nil" },
      {
        text:
          "Call unlockf; if it returns false the park is cancelled: G -> " +
          "_Grunnable and execute(gp, true).",
        changes: "maybe G: _Gwaiting -> _Grunnable -> _Grunning",
      },
      { text: "schedule().", changes: "see schedule" },
    ],
    related: ["goready", "dropg", "schedule"],
  },
  {
    fn: "goready",
    goFile: "runtime/proc.go",
    summary:
      "Makes a parked goroutine runnable: on the system stack calls " +
      "ready(gp, traceskip, true), so the G goes into runnext and runs soon.",
    steps: [
      {
        text: "systemstack(ready(gp, next = true)).",
        changes: "G: _Gwaiting -> _Grunnable; P.runnext = G",
      },
    ],
    related: ["ready", "gopark"],
  },
  {
    fn: "ready",
    goFile: "runtime/proc.go",
    summary:
      "Marks gp runnable and puts it on the current P's queue (runnext if " +
      "next), then wakep so an idle P can pick up work.",
    steps: [
      {
        text: "Throw unless gp is _Gwaiting; trace GoUnblock.",
        changes: "none",
      },
      {
        text: "casgstatus(_Gwaiting -> _Grunnable); runqput(p, gp, next).",
        changes: "G: _Gwaiting -> _Grunnable; local queue += 1",
      },
      { text: "wakep().", changes: "maybe spinning M" },
    ],
    versions: [
      {
        profile: "go1.10",
        note: "wakep only if npidle != 0 && nmspinning == 0.",
      },
    ],
    related: ["goready", "runqput", "wakep"],
  },
  {
    fn: "goschedImpl",
    goFile: "runtime/proc.go",
    summary:
      "Shared body of runtime.Gosched (via gosched_m, trace GoSched) and " +
      "preemption (gopreempt_m, trace GoPreempt): the running G becomes " +
      "runnable and goes to the tail of the GLOBAL queue, and the M " +
      "schedules another G.",
    steps: [
      {
        text: "Throw unless gp is _Grunning; casgstatus(-> _Grunnable).",
        changes: "G: _Grunning -> _Grunnable",
      },
      { text: "dropg().", changes: "M.curg = nil; G.m = nil" },
      {
        text: "lock; globrunqput(gp); unlock; schedule().",
        changes: "sched.runqsize += 1",
      },
    ],
    related: ["gopreempt_m", "globrunqput", "schedule", "dropg"],
  },
  {
    fn: "gopreempt_m",
    goFile: "runtime/proc.go",
    summary:
      "Where a preempted goroutine ends up (from newstack seeing " +
      "stackPreempt with g.preempt, or from the async SIGURG handler at a " +
      "safe point): trace GoPreempt and goschedImpl.",
    steps: [
      {
        text: "Trace GoPreempt; goschedImpl(gp).",
        changes: "G: _Grunning -> _Grunnable (global queue)",
      },
    ],
    related: ["preemptone", "goschedImpl"],
  },
  {
    fn: "goexit0",
    goFile: "runtime/proc.go",
    summary:
      "Runs on g0 when a goroutine returns from its function: the G becomes " +
      "_Gdead, its fields are cleared, it is detached and put on the P's " +
      "free list for reuse. If it exited while locked to its thread, the " +
      "thread is destroyed.",
    steps: [
      {
        text: "casgstatus(_Grunning -> _Gdead); clear m, lockedm, waitreason...",
        changes: "G: _Grunning -> _Gdead",
      },
      { text: "dropg(); gfput(p, gp).", changes: "P.gFree += 1" },
      {
        text:
          "If it was locked: return to mstart so the thread exits; else " +
          "schedule().",
        changes: "maybe thread exit (sched.nmfreed += 1)",
      },
    ],
    related: ["newproc", "dropg", "schedule"],
  },
  {
    fn: "dropg",
    goFile: "runtime/proc.go",
    summary:
      "Breaks the link between the M and its current goroutine: m.curg = " +
      "nil and gp.m = nil, using stores without write barriers because the " +
      "M may not own a P. Callers first move the G out of _Grunning and " +
      "arrange for it to be run again later.",
    steps: [
      {
        text: "setMNoWB(&curg.m, nil); setGNoWB(&m.curg, nil).",
        changes: "G.m = nil; M.curg = nil",
      },
    ],
    related: ["exitsyscall0", "gopark", "goschedImpl", "goexit0"],
  },
  {
    fn: "stopTheWorldWithSema",
    goFile: "runtime/proc.go",
    summary:
      "Stops all Ps for a GC phase change or similar: sets gcwaiting, " +
      "preempts everyone, takes its own P, every P in _Psyscall and every " +
      "idle P directly, then waits for running Ps to stop themselves " +
      "(gcstopm). Syscalls are not interrupted; their Ps are simply taken.",
    steps: [
      {
        text: "lock; stopwait = gomaxprocs; gcwaiting = 1; preemptall().",
        changes: "sched.gcwaiting = 1; all running Gs asked to preempt",
      },
      {
        text: "Own P -> _Pgcstop; stopwait--.",
        changes: "own P: _Prunning -> _Pgcstop",
      },
      {
        text:
          "Each _Psyscall P: CAS -> _Pgcstop, trace GoSysBlock + ProcStop, " +
          "syscalltick++, stopwait--.",
        changes: "P: _Psyscall -> _Pgcstop",
      },
      {
        text: "Each idle P (pidleget loop): -> _Pgcstop, stopwait--.",
        changes: "P: _Pidle -> _Pgcstop; sched.npidle -> 0",
      },
      {
        text:
          "unlock; while stopwait > 0 sleep on stopnote 100 us, preemptall " +
          "on timeout. Throw if any P is not _Pgcstop at the end.",
        changes: "sched.stopwait -> 0",
      },
    ],
    versions: [
      {
        profile: "go1.26",
        note:
          "No _Psyscall: Ps whose G is in _Gsyscall are taken with " +
          "setBlockOnExitSyscall + gcstopP.",
      },
    ],
    related: [
      "startTheWorldWithSema",
      "gcstopm",
      "entersyscall_gcwait",
      "preemptone",
      "exitsyscall0",
    ],
  },
  {
    fn: "startTheWorldWithSema",
    goFile: "runtime/proc.go",
    summary:
      "Restarts the world: polls the network, procresize puts Ps with work " +
      "back to running (pairing each with an idle M if one exists) and the " +
      "rest on the idle list, clears gcwaiting, wakes sysmon, then wakes or " +
      "creates an M for each runnable P and calls wakep.",
    steps: [
      {
        text: "netpoll(0) and injectglist the ready Gs.",
        changes: "Gs _Gwaiting -> _Grunnable",
      },
      {
        text:
          "lock; procresize: Ps with empty queues -> idle list, others get " +
          "mget(); gcwaiting = 0; wake sysmon if sysmonwait; unlock.",
        changes: "P: _Pgcstop -> _Pidle / _Prunning; sched.gcwaiting = 0",
      },
      {
        text:
          "For each runnable P: m.nextp = p + notewakeup, or newm(nil, p).",
        changes: "Ms woken or created",
      },
      { text: "wakep().", changes: "maybe spinning M" },
    ],
    versions: [
      {
        profile: "go1.26",
        note: "procresize prefers each P's previous M (p.oldm).",
      },
    ],
    related: ["stopTheWorldWithSema", "injectglist", "newm", "wakep"],
  },
  {
    fn: "gcstopm",
    goFile: "runtime/proc.go",
    summary:
      "A running M's answer to a pending stop-the-world (checked in " +
      "findRunnable): stop spinning, release the P into _Pgcstop, count it " +
      "in stopwait and park.",
    steps: [
      {
        text: "If spinning: m.spinning = false; nmspinning--.",
        changes: "sched.nmspinning -= 1",
      },
      {
        text: "p = releasep(); lock; p.status = _Pgcstop; stopwait--.",
        changes: "P: _Prunning -> _Pidle -> _Pgcstop",
      },
      {
        text: "Wake the STW if stopwait == 0; unlock; stopm().",
        changes: "M parked",
      },
    ],
    related: ["stopTheWorldWithSema", "stopm", "findRunnable"],
  },
  {
    fn: "forEachP",
    goFile: "runtime/proc.go",
    summary:
      "Runs a function on every P at a safe point (GC phase transitions). " +
      "Sets runSafePointFn on all Ps, runs it itself for idle Ps, and takes " +
      "Ps out of syscalls (CAS _Psyscall -> _Pidle, handoffp runs the fn) - " +
      "so the GC can take a P from a syscall long before sysmon would.",
    steps: [
      {
        text:
          "lock; safePointWait = gomaxprocs-1; set p.runSafePointFn = 1 on " +
          "other Ps; run fn for idle Ps; unlock; run fn on own P.",
        changes: "P.runSafePointFn = 1",
      },
      {
        text:
          "Each _Psyscall P with the flag: CAS -> _Pidle, trace, " +
          "syscalltick++, handoffp(p).",
        changes: "P: _Psyscall -> _Pidle; P.syscalltick += 1",
      },
      {
        text:
          "preemptall; wait on safePointNote in 100 us slices, preemptall " +
          "on each timeout.",
        changes: "sched.safePointWait -> 0",
      },
    ],
    related: ["handoffp", "entersyscall", "preemptone"],
  },
  {
    fn: "checkdead",
    goFile: "runtime/proc.go",
    summary:
      "Deadlock detector, run with sched.lock held when an M goes idle " +
      "(mput, incidlelocked) and when sysmon starts. If no M is running Go " +
      "code (mcount - nmidle - nmidlelocked - nmsys == 0) and no G can make " +
      "progress, it reports the deadlock.",
    steps: [
      {
        text:
          "run = mcount() - nmidle - nmidlelocked - nmsys; if run > 0 (> 1 " +
          "with a cgo extra M) return.",
        changes: "none",
      },
      {
        text:
          "Any G runnable, running or in a syscall -> throw 'checkdead: " +
          "runnable g'; no waiting G -> 'no goroutines (main called " +
          "runtime.Goexit) - deadlock!'.",
        changes: "fatal",
      },
      {
        text:
          "If any P has timers, return (a timer will wake someone). Else " +
          "fatal 'all goroutines are asleep - deadlock!'.",
        changes: "fatal",
      },
    ],
    related: ["mput", "sysmon", "retake"],
  },
  {
    fn: "injectglist",
    goFile: "runtime/proc.go",
    summary:
      "Makes a list of goroutines runnable at once (netpoll results, forcegc). " +
      "Without a P all go to the global queue and one idle P per G is " +
      "started. With a P, as many Gs as there are idle Ps go to the global " +
      "queue (with an M started for each) and the rest to the local queue.",
    steps: [
      {
        text: "Trace GoUnblock each; casgstatus each _Gwaiting -> _Grunnable.",
        changes: "Gs: _Gwaiting -> _Grunnable",
      },
      {
        text:
          "No P: lock; globrunqputbatch(all); unlock; startm(nil, false) per " +
          "G while npidle > 0.",
        changes: "sched.runqsize += n; idle Ps started",
      },
      {
        text:
          "With P: npidle Gs to global + startm each; rest runqputbatch " +
          "locally (overflow to global).",
        changes: "global and local queues grow",
      },
    ],
    versions: [
      { profile: "go1.26", note: "Calls wakep at the end (1.23+)." },
    ],
    related: ["netpoll", "sysmon", "globrunqput", "startm"],
  },
  {
    fn: "netpoll",
    goFile: "runtime/netpoll_epoll.go",
    summary:
      "Asks the OS poller (epoll_wait on Linux) which fds are ready and " +
      "returns the goroutines parked on them (still _Gwaiting; the caller " +
      "injects them). delay < 0 blocks, 0 polls, > 0 waits at most that " +
      "long. Blocking network I/O never sits in a syscall: the goroutine " +
      "parks on the poller ('IO wait') and no thread is held. Four callers: " +
      "findRunnable without blocking, findRunnable blocking (at most one M " +
      "at a time), sysmon every 10 ms, and startTheWorld.",
    steps: [
      {
        text:
          "A network read/write/accept that would block: the goroutine parks " +
          "(gopark, netpollblock) and netpollWaiters++ (model reason " +
          "'park' with the site and latencyNs, the time until the fd is ready).",
        changes: "G _Grunning -> _Gwaiting",
      },
      {
        text:
          "findRunnable step 7: if netpollWaiters > 0 and no M is blocked in " +
          "netpoll, netpoll(0); run the first G, injectglist the rest (model " +
          "reason 'findRunnable').",
        changes: "Gs _Gwaiting -> _Grunnable; sched.lastpoll = now",
      },
      {
        text:
          "findRunnable step 12, P released: if Gs wait on the network or a " +
          "timer is pending and Xchg(lastpoll, 0) != 0, this M blocks in " +
          "netpoll until the earliest timer (pollUntil) or forever (model " +
          "'block', timeoutNs or -1). On return ('woken'): store " +
          "lastpoll, take an idle P and run the first G; with no P, inject " +
          "all and stopm.",
        changes:
          "sched.lastpoll = 0 while blocked; M holds no P; then P acquired",
      },
      {
        text:
          "Inside netpoll: epoll_wait with a timeout from delay (millisecond " +
          "resolution); the break fd is drained (netpollBreak); for each " +
          "ready fd netpollready collects the waiting Gs.",
        changes: "returned list of Gs; netpollWaiters -= n",
      },
      {
        text:
          "sysmon: if lastpoll is older than 10 ms, netpoll(0) and " +
          "injectglist without a P (model reason 'sysmon').",
        changes: "Gs to the global queue; startm per idle P",
      },
    ],
    versions: [
      {
        profile: "go1.10",
        note:
          "netpoll(block bool): the blocking poll in findrunnable waits " +
          "without a deadline (no timers, no netpollBreak).",
      },
      {
        profile: "go1.26",
        note:
          "Only one M polls at a time in findRunnable (pollingNet, go1.25+).",
      },
    ],
    related: [
      "findRunnable",
      "sysmon",
      "injectglist",
      "netpollBreak",
      "wakeNetPoller",
    ],
  },
];

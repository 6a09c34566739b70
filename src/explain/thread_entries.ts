// Explanations for sysmon, P hand-off and thread (M) start/stop.
// Pure data, in our own words from Go's runtime/proc.go (sysmon, retake,
// handoffp, startm, stopm, wakep, newm); see docs/model.md.

import type { Explanation } from "./catalog.js";

export const threadEntries: readonly Explanation[] = [
  {
    fn: "sysmon",
    goFile: "runtime/proc.go",
    summary:
      "The system monitor: one dedicated thread started by runtime.main with " +
      "newm(sysmon, nil, -1). It never holds a P (so it can run while the " +
      "world is stopped and is not counted by checkdead). In a loop with an " +
      "adaptive sleep (20 us, doubling after 50 idle rounds, capped at 10 ms) " +
      "it polls the network if nobody did for 10 ms, retakes Ps stuck in " +
      "syscalls, preempts Gs that ran 10 ms, and forces a GC every 2 minutes.",
    steps: [
      {
        text:
          "Back-off: if idle == 0 delay = 20 us, else if idle > 50 delay *= 2; " +
          "cap 10 ms; usleep(delay). idle counts rounds in which retake took " +
          "no P from a syscall (preemptions do not count).",
        changes: "local idle/delay",
      },
      {
        text:
          "Deep sleep: if a STW is pending or all Ps are idle (and no " +
          "schedtrace), set sched.sysmonwait = 1 and sleep on sysmonnote until " +
          "the next timer or 60 s; a notewakeup (entersyscall, exitsyscall " +
          "with an idle P, startTheWorld) resets the back-off to 20 us.",
        changes: "sched.sysmonwait 0 -> 1 -> 0",
      },
      {
        text:
          "Network: if lastpoll is older than 10 ms, netpoll(0) and inject the " +
          "ready Gs (global queue + startm per idle P).",
        changes: "sched.lastpoll = now; Gs _Gwaiting -> _Grunnable",
      },
      {
        text: "retake(now): preempt long runners, take Ps from syscalls.",
        changes: "idle = 0 if a P was retaken, else idle += 1",
      },
      {
        text:
          "forcegc: if the last GC is older than 2 minutes, make the forcegc " +
          "helper goroutine runnable. schedtrace output if requested.",
        changes: "forcegc G -> _Grunnable (global queue)",
      },
    ],
    versions: [
      {
        profile: "go1.10",
        note:
          "Deep sleep is a fixed 60 s max and every wake resets the back-off; " +
          "periodic heap scavenging every 2.5 min.",
      },
      {
        profile: "go1.19",
        note:
          "Sleep bounded by the next timer (1.14+); back-off reset only on a " +
          "notewakeup (1.16+); sysmonlock held around each round (1.15+).",
      },
      {
        profile: "go1.26",
        note: "Also re-checks the CPU limit for GOMAXPROCS once a second (1.25+).",
      },
    ],
    related: ["retake", "preemptone", "netpoll", "injectglist", "checkdead"],
  },
  {
    fn: "retake",
    goFile: "runtime/proc.go",
    summary:
      "sysmon's per-round scan of all Ps. A P whose schedtick has not moved " +
      "for 10 ms has a G running too long: preemptone it. A P in _Psyscall " +
      "whose syscalltick has not moved since the previous sysmon pass is " +
      "stuck in one syscall: unless it has no local work and someone else " +
      "(idle P or spinning M) could take new work and the call is younger " +
      "than 10 ms, CAS it to _Pidle and hand it off. Returns the number of " +
      "Ps taken from syscalls.",
    steps: [
      {
        text:
          "For each P in _Prunning or _Psyscall: if p.schedtick != the value " +
          "sysmon saw last, record it with schedwhen = now; else if schedwhen " +
          "+ 10 ms <= now, preemptone(p) and set sysretake (preemptone fails " +
          "for a syscall P since p.m == 0).",
        changes: "sysmontick.schedtick/schedwhen; G.preempt = true",
      },
      {
        text:
          "If _Psyscall and not sysretake and p.syscalltick changed since the " +
          "last pass: record syscalltick/syscallwhen = now and skip. So a P is " +
          "taken only after two passes saw the same syscall (>= 1 tick).",
        changes: "sysmontick.syscalltick/syscallwhen",
      },
      {
        text:
          "Skip if runqempty(p) and nmspinning + npidle > 0 and syscallwhen + " +
          "10 ms > now: nothing waits on this P and others can pick up work.",
        changes: "none",
      },
      {
        text:
          "Otherwise drop allpLock, incidlelocked(-1) (so checkdead does not " +
          "fire in between), CAS p.status _Psyscall -> _Pidle; on success " +
          "trace GoSysBlock + ProcStop, n++, p.syscalltick++, handoffp(p); " +
          "incidlelocked(1); relock.",
        changes: "P: _Psyscall -> _Pidle -> handoffp; P.syscalltick += 1",
      },
    ],
    versions: [
      {
        profile: "go1.10",
        note:
          "No sysretake: a G doing many short syscalls without rescheduling " +
          "is never caught by the 10 ms rule.",
      },
      {
        profile: "go1.19",
        note: "sysretake bypass (go1.13+) as described.",
      },
      {
        profile: "go1.26",
        note:
          "Only _Prunning Ps are visited; a syscall is detected by " +
          "setBlockOnExitSyscall on the G, then takeP + handoffp.",
      },
    ],
    related: ["sysmon", "preemptone", "handoffp", "entersyscall", "exitsyscall"],
  },
  {
    fn: "preemptone",
    goFile: "runtime/proc.go",
    summary:
      "Asks the G running on a P to stop. Cooperative part: set g.preempt and " +
      "poison g.stackguard0 with stackPreempt so the next function prologue " +
      "enters morestack -> newstack, which sees the request and calls " +
      "gopreempt_m. Asynchronous part (go1.14+): set p.preempt and send " +
      "SIGURG to the thread so even a tight loop stops at a safe point.",
    steps: [
      {
        text:
          "Fail if the P has no M, the M is the caller's own M, or its curg is " +
          "nil or g0.",
        changes: "none",
      },
      {
        text: "gp.preempt = true; gp.stackguard0 = stackPreempt.",
        changes: "G.preempt = true; G.stackguard0 = stackPreempt",
      },
      {
        text:
          "If async preemption is supported and not disabled by GODEBUG " +
          "asyncpreemptoff: p.preempt = true; preemptM(m) (tgkill SIGURG).",
        changes: "P.preempt = true; signal sent",
      },
    ],
    versions: [
      { profile: "go1.10", note: "Cooperative only (function prologues)." },
      { profile: "go1.26", note: "Also skips a G that is in _Gsyscall." },
    ],
    related: ["retake", "gopreempt_m", "stopTheWorldWithSema"],
  },
  {
    fn: "handoffp",
    goFile: "runtime/proc.go",
    summary:
      "Decides what to do with a P that has no M (taken from a syscall, " +
      "released by entersyscallblock or stoplockedm, or by forEachP). If " +
      "there is any work, or nobody is looking for work, start an M for it; " +
      "otherwise park it on the idle P list. The first matching rule wins.",
    steps: [
      {
        text: "Local or global run queue non-empty: startm(p, false).",
        changes: "M woken or created with nextp = P",
      },
      {
        text:
          "Trace reader waiting, or GC mark work available: startm(p, false).",
        changes: "as above",
      },
      {
        text:
          "nmspinning + npidle == 0 and CAS nmspinning 0 -> 1: startm(p, " +
          "true) - someone must be able to notice future work.",
        changes: "sched.nmspinning += 1; spinning M started",
      },
      {
        text:
          "lock(sched.lock). gcwaiting: p.status = _Pgcstop, stopwait--, " +
          "wake STW at 0; return.",
        changes: "P -> _Pgcstop; sched.stopwait -= 1",
      },
      {
        text:
          "Run a pending safe-point function; global queue non-empty now: " +
          "startm(p, false).",
        changes: "P.runSafePointFn 1 -> 0",
      },
      {
        text:
          "Last running P and nobody is blocked in netpoll (npidle == " +
          "gomaxprocs-1 and lastpoll != 0): startm(p, false).",
        changes: "M started",
      },
      {
        text:
          "Else pidleput(p); unlock; if the P has timers, wakeNetPoller(when) " +
          "so their expiry is not missed.",
        changes: "P on sched.pidle; sched.npidle += 1",
      },
    ],
    versions: [
      { profile: "go1.10", note: "No trace-reader rule, no timer wake-up." },
    ],
    related: ["startm", "pidleput", "retake", "entersyscallblock", "forEachP"],
  },
  {
    fn: "startm",
    goFile: "runtime/proc.go",
    summary:
      "Runs a P on some M: takes an idle P if none was given, then wakes an " +
      "idle M (mget + notewakeup) or creates a new thread (newm). A spinning " +
      "start marks the M as spinning so it will look for work.",
    steps: [
      {
        text:
          "acquirem; lock(sched.lock). If p == nil: pidleget(); none -> " +
          "unlock, undo nmspinning if spinning, return.",
        changes: "sched.npidle -= 1 (if an idle P was taken)",
      },
      {
        text:
          "nmp = mget(). None: id = mReserveID() (thread-limit check), " +
          "unlock, newm(spinning ? mspinning : nil, p, id); return.",
        changes: "sched.mnext += 1; new OS thread (clone)",
      },
      {
        text:
          "Else unlock; nmp.spinning = spinning; nmp.nextp = p; " +
          "notewakeup(nmp.park).",
        changes: "sched.nmidle -= 1; M.nextp = P; M woken (futex)",
      },
    ],
    versions: [
      {
        profile: "go1.22",
        note:
          "Signature startm(pp, spinning, lockheld) (1.21+); a spinning start " +
          "must be given a P (1.20+).",
      },
    ],
    related: ["mget", "newm", "mReserveID", "pidleget", "stopm", "wakep"],
  },
  {
    fn: "stopm",
    goFile: "runtime/proc.go",
    summary:
      "Parks the current M when it has nothing to do: pushes it on the idle " +
      "M list and sleeps on m.park. When woken by startm it finds a P in " +
      "m.nextp and acquires it. Threads are never destroyed by this.",
    steps: [
      {
        text: "Throw if the M holds locks, a P, or is spinning.",
        changes: "none",
      },
      {
        text: "lock; mput(m) (push on midle, nmidle++, checkdead); unlock.",
        changes: "sched.midle push; sched.nmidle += 1",
      },
      {
        text: "mPark(): notesleep(m.park) then noteclear.",
        changes: "thread sleeps (futex wait)",
      },
      {
        text: "On wake: acquirep(m.nextp) (ProcStart); m.nextp = 0.",
        changes: "P: _Pidle -> _Prunning; M.p = P; M.nextp = nil",
      },
    ],
    related: ["mput", "startm", "acquirep", "checkdead"],
  },
  {
    fn: "newm",
    goFile: "runtime/proc.go",
    summary:
      "Creates a new M (OS thread) that will start with fn (for example " +
      "mspinning or sysmon) and then run the given P. If the calling thread " +
      "is locked to a goroutine or is running cgo, the clone is delegated " +
      "to the template thread so the new thread does not inherit odd state.",
    steps: [
      {
        text:
          "allocm: new m with a g0 stack; m.nextp = p; signal mask set.",
        changes: "M allocated; M.nextp = P",
      },
      {
        text:
          "Caller locked (lockedExt) or in cgo: queue on newmHandoff and wake " +
          "the template thread; return.",
        changes: "template thread woken",
      },
      {
        text:
          "Else newm1 -> newosproc: clone(CLONE_VM|FS|FILES|SIGHAND|THREAD...) " +
          "(pthread_create under cgo).",
        changes: "new OS thread",
      },
      {
        text:
          "The thread runs mstart1: fn() (mspinning sets m.spinning), then " +
          "acquirep(nextp) and schedule().",
        changes: "P: _Pidle -> _Prunning on the new M",
      },
    ],
    related: ["startm", "mReserveID", "schedule", "acquirep"],
  },
  {
    fn: "mReserveID",
    goFile: "runtime/proc.go",
    summary:
      "Reserves the next M id under sched.lock (sched.mnext++) and calls " +
      "checkmcount, which enforces the thread limit: if mcount() (= mnext - " +
      "nmfreed, counting m0, sysmon, the template thread and every M ever " +
      "created minus exited ones) exceeds sched.maxmcount (10000 by default, " +
      "debug.SetMaxThreads), it prints 'runtime: program exceeds " +
      "10000-thread limit' and throws 'thread exhaustion'. The check runs " +
      "before the clone, so the 10001st M is fatal.",
    steps: [
      {
        text: "Assert sched.lock held; id = sched.mnext; sched.mnext++.",
        changes: "sched.mnext += 1",
      },
      {
        text:
          "checkmcount(): mcount() > maxmcount -> print and " +
          "throw('thread exhaustion').",
        changes: "fatal error if over the limit",
      },
    ],
    versions: [
      {
        profile: "go1.10",
        note: "No mReserveID: mcommoninit assigns the id and calls checkmcount.",
      },
      {
        profile: "go1.22",
        note: "Extra Ms for C-created threads are excluded from the count (1.21+).",
      },
    ],
    related: ["newm", "startm"],
  },
  {
    fn: "wakep",
    goFile: "runtime/proc.go",
    summary:
      "Called when new work appears (ready, newproc, resetspinning, " +
      "schedule with tryWakeP, startTheWorld...). Starts one spinning M if " +
      "there is an idle P and no M is already spinning; at most one M is " +
      "woken per submission, and a spinner that finds work wakes the next.",
    steps: [
      { text: "Return if sched.npidle == 0.", changes: "none" },
      {
        text: "Return if nmspinning != 0 or CAS(nmspinning 0 -> 1) fails.",
        changes: "sched.nmspinning 0 -> 1",
      },
      {
        text: "startm(nil, true): an idle P is taken inside startm.",
        changes: "idle P popped; spinning M woken/created",
      },
    ],
    versions: [
      {
        profile: "go1.10",
        note: "ready only calls wakep if npidle != 0 && nmspinning == 0.",
      },
      {
        profile: "go1.22",
        note:
          "CAS first, then pidlegetSpinning under the lock; no idle P sets " +
          "needspinning (1.20+).",
      },
    ],
    related: ["startm", "resetspinning", "ready", "newproc"],
  },
  {
    fn: "resetspinning",
    goFile: "runtime/proc.go",
    summary:
      "Called by schedule when a spinning M has found work. The M stops " +
      "spinning and, because it may have been the last spinner, calls wakep " +
      "so that another M looks for the remaining work.",
    steps: [
      {
        text: "m.spinning = false; nmspinning-- (throw if negative).",
        changes: "M.spinning = false; sched.nmspinning -= 1",
      },
      { text: "wakep().", changes: "maybe one spinning M started" },
    ],
    versions: [
      {
        profile: "go1.10",
        note: "wakep only if nmspinning == 0 && npidle > 0.",
      },
    ],
    related: ["wakep", "schedule"],
  },
  {
    fn: "acquirep",
    goFile: "runtime/proc.go",
    summary:
      "Binds an idle P to the current M (wirep: check p.m == 0 and " +
      "_Pidle, link both ways, set _Prunning), prepares the P's mcache for " +
      "sweeping and emits ProcStart. From here write barriers are allowed " +
      "again (yeswritebarrierrec).",
    steps: [
      {
        text: "wirep(p): throw if m.p set or p not (_Pidle, p.m == 0).",
        changes: "M.p = P; P.m = M; P: _Pidle -> _Prunning",
      },
      { text: "p.mcache.prepareForSweep(); trace ProcStart.", changes: "none" },
    ],
    versions: [
      { profile: "go1.10", note: "Also sets m.mcache = p.mcache." },
    ],
    related: ["releasep", "pidleget", "stopm"],
  },
  {
    fn: "releasep",
    goFile: "runtime/proc.go",
    summary:
      "Unbinds the current M from its P and returns the P, which is now " +
      "_Pidle but on no list: the caller must pidleput it, hand it off or " +
      "give it to another M.",
    steps: [
      {
        text: "Throw unless m.p is set, p.m == m and p is _Prunning.",
        changes: "none",
      },
      {
        text: "Trace ProcStop; m.p = 0; p.m = 0; p.status = _Pidle.",
        changes: "M.p = nil; P.m = nil; P: _Prunning -> _Pidle",
      },
    ],
    versions: [{ profile: "go1.10", note: "Also clears m.mcache." }],
    related: ["acquirep", "pidleput", "handoffp"],
  },
  {
    fn: "pidleput",
    goFile: "runtime/proc.go",
    summary:
      "Puts a P on the idle P list (LIFO) with sched.lock held. An idle P " +
      "must have an empty run queue. Updates the idle and timer masks that " +
      "work stealing uses to skip idle Ps.",
    steps: [
      {
        text: "Throw 'pidleput: P has non-empty run queue' if runq not empty.",
        changes: "none",
      },
      {
        text:
          "updateTimerPMask; idlepMask.set(p); p.link = sched.pidle; " +
          "sched.pidle = p; npidle++.",
        changes: "sched.pidle push; sched.npidle += 1",
      },
    ],
    related: ["pidleget", "handoffp", "findRunnable"],
  },
  {
    fn: "pidleget",
    goFile: "runtime/proc.go",
    summary:
      "Pops a P from the idle list (LIFO) with sched.lock held, clearing " +
      "its idle-mask bit and setting its timer-mask bit. Returns nil if no " +
      "P is idle.",
    steps: [
      {
        text: "p = sched.pidle; if non-nil: sched.pidle = p.link; npidle--.",
        changes: "sched.pidle pop; sched.npidle -= 1",
      },
    ],
    related: ["pidleput", "startm", "exitsyscall0", "exitsyscallfast_pidle"],
  },
  {
    fn: "mput",
    goFile: "runtime/proc.go",
    summary:
      "Pushes an M on the idle M list (LIFO) with sched.lock held and then " +
      "runs checkdead, since one fewer thread is running.",
    steps: [
      {
        text: "m.schedlink = sched.midle; sched.midle = m; nmidle++.",
        changes: "sched.midle push; sched.nmidle += 1",
      },
      { text: "checkdead().", changes: "may throw a deadlock error" },
    ],
    related: ["mget", "stopm", "checkdead"],
  },
  {
    fn: "mget",
    goFile: "runtime/proc.go",
    summary:
      "Pops an M from the idle M list (LIFO) with sched.lock held; nil if " +
      "no thread is idle (the caller then creates one with newm).",
    steps: [
      {
        text: "m = sched.midle; if non-nil: midle = m.schedlink; nmidle--.",
        changes: "sched.midle pop; sched.nmidle -= 1",
      },
    ],
    related: ["mput", "startm"],
  },
  {
    fn: "stoplockedm",
    goFile: "runtime/proc.go",
    summary:
      "Parks an M whose goroutine is locked to it (LockOSThread) until some " +
      "other M hands it a P to run that goroutine. Any P it holds is handed " +
      "off first.",
    steps: [
      {
        text: "If m.p: handoffp(releasep()).",
        changes: "P: _Prunning -> _Pidle -> handoffp",
      },
      {
        text: "incidlelocked(1); mPark(); acquirep(m.nextp).",
        changes: "sched.nmidlelocked += 1 while parked",
      },
    ],
    related: ["startlockedm", "handoffp", "exitsyscall0"],
  },
  {
    fn: "startlockedm",
    goFile: "runtime/proc.go",
    summary:
      "Used by schedule when the chosen G is locked to another M: gives this " +
      "M's P directly to that M, wakes it, and parks this M (two thread " +
      "switches per reschedule of a locked G).",
    steps: [
      {
        text: "incidlelocked(-1); p = releasep(); lockedm.nextp = p.",
        changes: "P: _Prunning -> _Pidle; locked M.nextp = P",
      },
      {
        text: "notewakeup(lockedm.park); stopm().",
        changes: "locked M woken; this M parked",
      },
    ],
    related: ["stoplockedm", "schedule", "stopm"],
  },
];

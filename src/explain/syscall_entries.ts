// Explanations for the system-call path (entersyscall ... exitsyscall0, cgo).
// Pure data. Written in our own words from reading Go's runtime/proc.go and
// runtime/cgocall.go at go1.10, go1.19, go1.22 and go1.26; see docs/model.md and
// docs/profiles.md. "Seed point N" is point N of the 2018 article that started
// the project, summarized in docs/seed-article.md.

import type { Explanation } from "./catalog.js";

export const syscallEntries: readonly Explanation[] = [
  {
    fn: "entersyscall",
    goFile: "runtime/proc.go",
    summary:
      "Called by syscall.Syscall/Syscall6 (and by cgocall) just before the " +
      "thread enters the kernel. It is a one-line nosplit wrapper that passes " +
      "the caller's PC and SP to reentersyscall, which does the work: it marks " +
      "the goroutine _Gsyscall, records where its user frame is " +
      "(syscallsp/syscallpc), and detaches the P, leaving it in _Psyscall so " +
      "that sysmon, a stop-the-world or forEachP can take it if the call " +
      "blocks. No hand-off happens here: if the call is short, exitsyscall " +
      "simply takes the same P back. The steps below are the nine points of " +
      "the 2018 article that started this project (docs/seed-article.md), " +
      "mapped onto the go1.19 code, plus the steps it did not list.",
    steps: [
      {
        text:
          "Seed point 1 (NOSPLIT): entersyscall and reentersyscall are " +
          "//go:nosplit, so they have no stack-growth check. go1.19 takes the " +
          "caller's PC/SP with getcallerpc()/getcallersp(); go1.10 derived SP " +
          "from the address of a dummy int32 argument. Unchanged in spirit.",
        changes: "none (entry into reentersyscall(pc, sp))",
      },
      {
        text:
          "Seed point 2 (disable preemption): m.locks++ so that nothing " +
          "preempts or reschedules the G while g.sched is inconsistent and " +
          "its status says _Gsyscall. Unchanged since 2018.",
        changes: "M.locks += 1",
      },
      {
        text:
          "Seed point 8 (stack trap), now done first: g.stackguard0 = " +
          "stackPreempt and g.throwsplit = true. Any function that would " +
          "check for stack growth now calls morestack, and newstack throws " +
          "'stack split at bad time' instead of moving the stack. Changed: " +
          "go1.10 also stored stackPreempt a second time at the very end; " +
          "go1.19 sets it only here at the top.",
        changes: "G.stackguard0 = stackPreempt; G.throwsplit = true",
      },
      {
        text:
          "Seed point 3 (remember SP/PC): save(pc, sp) writes g.sched, then " +
          "g.syscallsp = sp and g.syscallpc = pc. GC stack scans, tracebacks " +
          "and profilers start from these while the G is in the kernel. " +
          "Changed: the old syscallstack/syscallguard fields the seed mentions " +
          "belonged to segmented stacks and disappeared in go1.4 (contiguous " +
          "stacks); go1.23+ also saves syscallbp (frame pointer).",
        changes: "G.sched.pc/sp saved; G.syscallsp, G.syscallpc set",
      },
      {
        text:
          "Seed point 4 (status): casgstatus(g, _Grunning, _Gsyscall). The " +
          "CAS spins if the GC holds the _Gscan bit. A sanity check then " +
          "throws 'entersyscall inconsistent' if syscallsp lies outside " +
          "[stack.lo, stack.hi].",
        changes: "G: _Grunning -> _Gsyscall",
      },
      {
        text:
          "Not in the seed's list: if the execution tracer is on, emit the " +
          "syscall-begin event (EvGoSysCall; GoSyscallBegin in the go1.22+ " +
          "tracer) on the system stack, then save(pc, sp) again because " +
          "systemstack clobbers g.sched.",
        changes: "trace: GoSysCall / GoSyscallBegin",
      },
      {
        text:
          "Seed point 5 (wake sysmon), corrected: sysmon is woken only if it " +
          "is in its deep sleep (sched.sysmonwait != 0). entersyscall_sysmon " +
          "takes sched.lock, clears sysmonwait and notewakeup(sysmonnote). " +
          "A P in a syscall must be watched, so a sleeping sysmon is woken; " +
          "otherwise sysmon is already polling every 20 us - 10 ms.",
        changes: "if sched.sysmonwait: sysmonwait = 0, sysmon woken (futex)",
      },
      {
        text:
          "Not in the seed's list: if the P has a pending safe-point function " +
          "(p.runSafePointFn, set by forEachP), run it now on the system " +
          "stack, since it may not be run by anyone else while we sit in the " +
          "kernel with the P still attached by affinity.",
        changes: "P.runSafePointFn 1 -> 0 (if it was set)",
      },
      {
        text:
          "Seed point 6 (detach P): m.syscalltick = p.syscalltick (sysmon and " +
          "exitsyscall use it to tell 'same syscall' from 'a new one'); " +
          "sysblocktraced = true; p.m = 0; m.oldp = p; m.p = 0; then an atomic " +
          "store of p.status = _Psyscall. Changed since 2018: go1.10 did " +
          "m.mcache = nil here and KEPT m.p (the M still pointed at its P); " +
          "go1.19 no longer touches mcache (m.mcache was removed in go1.16, " +
          "the mcache belongs to the P) and clears m.p, remembering the P in " +
          "m.oldp (go1.12+).",
        changes:
          "M.syscalltick = P.syscalltick; P.m = nil; M.oldp = P; M.p = nil; " +
          "P: _Prunning -> _Psyscall",
      },
      {
        text:
          "Seed point 7 ('check whether GC is needed'), corrected: this checks " +
          "sched.gcwaiting, i.e. whether a stop-the-world is in progress. If " +
          "so, entersyscall_gcwait gives the P to the STW at once " +
          "(_Psyscall -> _Pgcstop, stopwait--) instead of making the STW wait " +
          "for sysmon or the syscall to return.",
        changes: "if gcwaiting: P -> _Pgcstop, sched.stopwait -= 1",
      },
      {
        text:
          "Seed point 8, second half: in go1.10 the function ended with " +
          "another g.stackguard0 = stackPreempt so the first split-stack check " +
          "in _Gsyscall reaches morestack, which throws. go1.19 relies on the " +
          "store made at the top (step 3) and throwsplit.",
        changes: "go1.10 only: G.stackguard0 = stackPreempt (again)",
      },
      {
        text:
          "Seed point 9 (re-enable preemption): m.locks--. The wrapper " +
          "returns and the thread executes the real kernel call with no P. " +
          "From now on sysmon's retake may take the P after it has seen the " +
          "same syscall on two passes (see retake).",
        changes: "M.locks -= 1; M now 'in syscall' (no P)",
      },
    ],
    versions: [
      {
        profile: "go1.10",
        note:
          "entersyscall(dummy int32); m.mcache = nil; p.m = 0; p.status = " +
          "_Psyscall but m.p is kept (no m.oldp); stackPreempt stored twice.",
      },
      {
        profile: "go1.19",
        note:
          "Reference: m.p = 0, m.oldp = p, no mcache; syscall.Syscall is Go " +
          "code calling runtime_entersyscall, RawSyscall6, runtime_exitsyscall.",
      },
      {
        profile: "go1.22",
        note:
          "Same state changes as go1.19; the new tracer emits GoSyscallBegin " +
          "(the P is implicitly in ProcSyscall).",
      },
      {
        profile: "go1.26",
        note:
          "_Psyscall is gone: the P stays _Prunning with p.m/m.p intact and " +
          "m.oldp = p; 'in syscall' is the G status _Gsyscall. gcwaiting is " +
          "handled before the G status CAS (entersyscallHandleGCWait puts the " +
          "P in _Pgcstop directly). One atomic store and one CAS fewer.",
      },
    ],
    related: [
      "reentersyscall",
      "exitsyscall",
      "entersyscallblock",
      "entersyscall_sysmon",
      "entersyscall_gcwait",
      "retake",
      "RawSyscall",
      "cgocall",
    ],
  },
  {
    fn: "reentersyscall",
    goFile: "runtime/proc.go",
    summary:
      "The body of entersyscall, taking an explicit PC and SP. entersyscall " +
      "passes its caller's values; cgo callbacks (cgocallbackg) call it with " +
      "the PC/SP saved when C called into Go, to re-enter the 'in syscall' " +
      "state before returning to C. All the state changes listed under " +
      "entersyscall happen here.",
    steps: [
      {
        text:
          "Disable preemption and arm the stack trap (m.locks++, stackguard0 = " +
          "stackPreempt, throwsplit = true).",
        changes: "M.locks += 1; G.stackguard0 = stackPreempt",
      },
      {
        text: "save(pc, sp); record syscallsp/syscallpc; G to _Gsyscall.",
        changes: "G: _Grunning -> _Gsyscall; G.syscallsp/pc set",
      },
      {
        text:
          "Trace event, wake a deep-sleeping sysmon, run a pending safe-point " +
          "function.",
        changes: "sched.sysmonwait -> 0 if it was set",
      },
      {
        text:
          "Detach the P and publish _Psyscall; if a STW is waiting, give the P " +
          "up at once; m.locks--.",
        changes:
          "P.m = nil; M.oldp = P; M.p = nil; P -> _Psyscall " +
          "(or _Pgcstop via entersyscall_gcwait)",
      },
    ],
    versions: [
      {
        profile: "go1.10",
        note: "Keeps m.p; clears m.mcache; stores stackPreempt twice.",
      },
      {
        profile: "go1.26",
        note:
          "No P status change; m.oldp = p; syscalltick copied first; CAS of " +
          "the G status is the publishing step.",
      },
    ],
    related: ["entersyscall", "cgocall", "exitsyscall"],
  },
  {
    fn: "entersyscall_sysmon",
    goFile: "runtime/proc.go",
    summary:
      "Helper run on the system stack by reentersyscall when sysmon is in its " +
      "deep sleep (sched.sysmonwait set because every P was idle or a STW was " +
      "pending). A P about to enter _Psyscall must be watched for retake, so " +
      "sysmon is woken. The wake-up also resets sysmon's back-off to 20 us " +
      "(go1.16+: only a notewakeup, not a timer expiry, resets it).",
    steps: [
      {
        text: "lock(sched.lock); re-check sysmonwait.",
        changes: "sched.lock held",
      },
      {
        text: "If still set: sysmonwait = 0 and notewakeup(sched.sysmonnote).",
        changes: "sched.sysmonwait 1 -> 0; sysmon thread woken (futex wake)",
      },
      { text: "unlock(sched.lock).", changes: "sched.lock released" },
    ],
    related: ["entersyscall", "sysmon"],
  },
  {
    fn: "entersyscall_gcwait",
    goFile: "runtime/proc.go",
    summary:
      "Helper run by reentersyscall when sched.gcwaiting is set (a " +
      "stop-the-world is collecting Ps). Instead of leaving the P in " +
      "_Psyscall for the STW to notice, the entering M hands it over " +
      "immediately by moving it to _Pgcstop and decrementing stopwait.",
    steps: [
      {
        text: "Take the P from m.oldp (go1.10: m.p); lock(sched.lock).",
        changes: "sched.lock held",
      },
      {
        text:
          "If stopwait > 0 and CAS(p.status, _Psyscall -> _Pgcstop) wins: " +
          "trace GoSysBlock + ProcStop (go1.22: ProcSteal), p.syscalltick++.",
        changes: "P: _Psyscall -> _Pgcstop; P.syscalltick += 1",
      },
      {
        text: "stopwait--; if it reaches 0, notewakeup(stopnote) wakes the STW.",
        changes: "sched.stopwait -= 1; STW caller woken at 0",
      },
      { text: "unlock(sched.lock).", changes: "sched.lock released" },
    ],
    versions: [
      {
        profile: "go1.26",
        note:
          "Replaced by entersyscallHandleGCWait, called before the G status " +
          "change: unlinks p/m and sets _Pgcstop directly, emits ProcStop.",
      },
    ],
    related: ["entersyscall", "stopTheWorldWithSema"],
  },
  {
    fn: "entersyscallblock",
    goFile: "runtime/proc.go",
    summary:
      "Variant of entersyscall for calls that are known to block for a long " +
      "time (notetsleepg, used by os/signal's signal_recv and the CPU " +
      "profile reader; some Solaris/AIX/darwin libc paths; in go1.10 also the " +
      "timerproc goroutines). Rather than leaving the P in _Psyscall for " +
      "sysmon, it releases the P and hands it off immediately, so another M " +
      "can run Go code at once.",
    steps: [
      {
        text:
          "m.locks++; throwsplit = true; stackguard0 = stackPreempt (as in " +
          "entersyscall).",
        changes: "M.locks += 1; G.stackguard0 = stackPreempt",
      },
      {
        text:
          "m.syscalltick = p.syscalltick; sysblocktraced = true; then " +
          "p.syscalltick++ because this syscall is 'already blocked'.",
        changes: "M.syscalltick = P.syscalltick; P.syscalltick += 1",
      },
      {
        text: "save pc/sp; syscallsp/syscallpc set; G to _Gsyscall.",
        changes: "G: _Grunning -> _Gsyscall",
      },
      {
        text:
          "On the system stack: entersyscallblock_handoff = trace GoSysCall + " +
          "GoSysBlock, then handoffp(releasep()).",
        changes: "P: _Prunning -> _Pidle -> (handoffp decides); M.p = nil",
      },
      {
        text:
          "save again for traceback; m.locks--. m.oldp is NOT set, so " +
          "exitsyscall can only obtain an idle P (or go slow).",
        changes: "M.locks -= 1; M.oldp stays nil",
      },
    ],
    versions: [
      {
        profile: "go1.10",
        note: "Also used by every timerproc goroutine while it sleeps.",
      },
      {
        profile: "go1.26",
        note:
          "Order is trace, handoffp(releasep()), then the G status CAS, so the " +
          "G is briefly _Grunning without a P.",
      },
    ],
    related: ["entersyscallblock_handoff", "handoffp", "releasep", "entersyscall"],
  },
  {
    fn: "entersyscallblock_handoff",
    goFile: "runtime/proc.go",
    summary:
      "The system-stack half of entersyscallblock: writes the trace events " +
      "for a syscall that blocks and calls handoffp(releasep()), detaching " +
      "the P from this M and letting handoffp decide whether to start another " +
      "M for it or put it on the idle list.",
    steps: [
      {
        text: "If tracing: GoSysCall then GoSysBlock for this P.",
        changes: "trace: GoSysCall, GoSysBlock",
      },
      {
        text: "releasep(): ProcStop, unlink m.p/p.m, P to _Pidle.",
        changes: "P: _Prunning -> _Pidle; M.p = nil; P.m = nil",
      },
      {
        text: "handoffp(p): start an M for the P or park it on sched.pidle.",
        changes: "see handoffp",
      },
    ],
    related: ["entersyscallblock", "handoffp", "releasep"],
  },
  {
    fn: "exitsyscall",
    goFile: "runtime/proc.go",
    summary:
      "Called when the kernel call returns. The G must get a P before it may " +
      "run Go code again. The fast path (exitsyscallfast) retakes the P it " +
      "had before the call if that P is still in _Psyscall, or grabs an idle " +
      "P; then the G simply continues. Otherwise the slow path switches to g0 " +
      "(mcall(exitsyscall0)), puts the G on the global run queue and parks " +
      "the thread. The function is nosplit and nowritebarrierrec: until a P " +
      "is owned again, no write barrier may run (see the questions).",
    steps: [
      {
        text:
          "m.locks++; throw 'exitsyscall: syscall frame is no longer valid' " +
          "if the caller's SP is above g.syscallsp.",
        changes: "M.locks += 1",
      },
      {
        text: "g.waitsince = 0; oldp = m.oldp; m.oldp = 0.",
        changes: "M.oldp = nil (local oldp remembered)",
      },
      {
        text:
          "Fast path: if exitsyscallfast(oldp) succeeds, trace GoStart when " +
          "the P is a different one or its syscalltick moved; p.syscalltick++; " +
          "casgstatus(_Gsyscall -> _Grunning) (spins while the GC scans the " +
          "stack); syscallsp = 0; m.locks--; stackguard0 = stackPreempt if " +
          "g.preempt was requested meanwhile, else stack.lo + StackGuard; " +
          "throwsplit = false; return to the caller.",
        changes:
          "P.syscalltick += 1; G: _Gsyscall -> _Grunning; G.syscallsp = 0; " +
          "M.locks -= 1",
      },
      {
        text:
          "Slow path: with the old tracer, spin (osyield) until oldp's " +
          "syscalltick changed, i.e. the GoSysBlock event was written, and " +
          "note sysexitticks; m.locks--; mcall(exitsyscall0).",
        changes: "M.locks -= 1; switch to g0",
      },
      {
        text:
          "When the G is eventually run again (by execute, on some M with a " +
          "P) control returns here: syscallsp = 0; p.syscalltick++; " +
          "throwsplit = false.",
        changes: "G.syscallsp = 0; P.syscalltick += 1",
      },
    ],
    versions: [
      {
        profile: "go1.10",
        note:
          "exitsyscallfast CASes m.p from _Psyscall straight to _Prunning; " +
          "m.p and m.mcache are cleared on the failure path.",
      },
      {
        profile: "go1.22",
        note:
          "Tracer v2: GoSyscallEnd when the P was never lost, " +
          "GoSyscallEndBlocked (+ GoStart) otherwise.",
      },
      {
        profile: "go1.26",
        note:
          "CAS the G to _Grunning first; if m.p is still set the fast path " +
          "needs no P atomics at all. Else exitsyscallTryGetP steals oldp " +
          "back (setBlockOnExitSyscall) or takes an idle P; slow path is " +
          "mcall(exitsyscallNoP).",
      },
    ],
    related: [
      "exitsyscallfast",
      "exitsyscall0",
      "entersyscall",
      "retake",
      "execute",
    ],
  },
  {
    fn: "exitsyscallfast",
    goFile: "runtime/proc.go",
    summary:
      "Tries to give the returning M a P without blocking: first the P it " +
      "had before the syscall (if still in _Psyscall, nobody took it), then " +
      "any idle P. Returns false when the world is frozen, or when the old " +
      "P was retaken and no P is idle.",
    steps: [
      {
        text:
          "If sched.stopwait == freezeStopWait (fatal panic froze the world): " +
          "return false.",
        changes: "none",
      },
      {
        text:
          "If oldp != nil and oldp.status == _Psyscall and CAS(_Psyscall -> " +
          "_Pidle) wins: wirep(oldp) (links m.p/p.m, _Prunning), then " +
          "exitsyscallfast_reacquired; return true.",
        changes: "P: _Psyscall -> _Pidle -> _Prunning; M.p = P; P.m = M",
      },
      {
        text:
          "Else if sched.pidle != 0: exitsyscallfast_pidle on the system " +
          "stack; on success (old tracer) wait until oldp's syscalltick moved, " +
          "then GoSysExit; return true.",
        changes: "idle P: _Pidle -> _Prunning; sched.npidle -= 1",
      },
      { text: "Return false (take the slow path).", changes: "none" },
    ],
    versions: [
      {
        profile: "go1.10",
        note:
          "Works on m.p: CAS _Psyscall -> _Prunning; before trying an idle P " +
          "it clears m.mcache and m.p.",
      },
      {
        profile: "go1.26",
        note: "Replaced by exitsyscallTryGetP (no _Psyscall state to CAS).",
      },
    ],
    related: [
      "exitsyscall",
      "exitsyscallfast_reacquired",
      "exitsyscallfast_pidle",
      "acquirep",
    ],
  },
  {
    fn: "exitsyscallfast_reacquired",
    goFile: "runtime/proc.go",
    summary:
      "Runs after exitsyscallfast won back its old P. If m.syscalltick " +
      "differs from p.syscalltick the P was taken away during the call and " +
      "has since gone into _Psyscall again for another M (an ABA case): in " +
      "effect we just stole it from that M's syscall, so the trace must say " +
      "so. Otherwise nothing happens.",
    steps: [
      {
        text:
          "If m.syscalltick != p.syscalltick: trace GoSysBlock(p) + " +
          "GoSysExit (go1.22: ProcSteal + ProcStart); p.syscalltick++.",
        changes: "P.syscalltick += 1 (only in the ABA case)",
      },
    ],
    related: ["exitsyscallfast", "exitsyscall"],
  },
  {
    fn: "exitsyscallfast_pidle",
    goFile: "runtime/proc.go",
    summary:
      "Takes any idle P for a returning syscall whose own P was retaken. " +
      "If sysmon is deep-sleeping it is woken, since a P is becoming busy.",
    steps: [
      {
        text: "lock(sched.lock); p = pidleget().",
        changes: "sched.pidle pop; sched.npidle -= 1",
      },
      {
        text: "If got a P and sysmonwait: sysmonwait = 0; wake sysmon.",
        changes: "sched.sysmonwait 1 -> 0; sysmon woken",
      },
      {
        text: "unlock; if got a P: acquirep(p) (ProcStart) and return true.",
        changes: "P: _Pidle -> _Prunning; M.p = P",
      },
    ],
    related: ["exitsyscallfast", "pidleget", "acquirep", "sysmon"],
  },
  {
    fn: "exitsyscall0",
    goFile: "runtime/proc.go",
    summary:
      "Slow path of exitsyscall, run on g0 via mcall when no P could be had " +
      "cheaply. The G becomes runnable and is detached from this M (dropg); " +
      "under sched.lock one more attempt is made to get an idle P. Failing " +
      "that the G goes to the GLOBAL run queue and this M parks on the idle " +
      "M list (stopm); the G is later run by whichever M next takes work " +
      "from the global queue.",
    steps: [
      {
        text:
          "casgstatus(gp, _Gsyscall -> _Grunnable) (go1.22: eager " +
          "GoSyscallEndBlocked).",
        changes: "G: _Gsyscall -> _Grunnable",
      },
      {
        text: "dropg(): m.curg = nil; gp.m = nil (no-write-barrier stores).",
        changes: "M.curg = nil; G.m = nil",
      },
      {
        text:
          "lock(sched.lock); pp = pidleget() if scheduling is enabled for gp. " +
          "None: globrunqput(gp) and remember whether gp is locked to this " +
          "M. Got one and sysmon deep-sleeps: wake sysmon. unlock.",
        changes:
          "either sched.runq += gp (runqsize += 1) or idle P popped " +
          "(npidle -= 1)",
      },
      {
        text: "Got a P: acquirep(pp); execute(gp, false) - new time slice.",
        changes: "P: _Pidle -> _Prunning; G: _Grunnable -> _Grunning",
      },
      {
        text:
          "gp locked to this M (LockOSThread): stoplockedm() waits until " +
          "another M hands it a P, then execute(gp, false).",
        changes: "sched.nmidlelocked += 1 while parked",
      },
      {
        text: "Otherwise stopm() (park on sched.midle), then schedule().",
        changes: "M pushed on sched.midle; sched.nmidle += 1; thread sleeps",
      },
    ],
    versions: [
      {
        profile: "go1.10",
        note: "Reads gp.lockedm after unlocking; no schedEnabled check.",
      },
      {
        profile: "go1.26",
        note:
          "Renamed exitsyscallNoP and starts from _Grunning (exitsyscall " +
          "already CASed the G): _Grunning -> _Grunnable, same queueing.",
      },
    ],
    related: [
      "exitsyscall",
      "dropg",
      "globrunqput",
      "stopm",
      "execute",
      "pidleget",
      "stoplockedm",
    ],
  },
  {
    fn: "RawSyscall",
    goFile: "syscall/syscall_linux.go",
    summary:
      "Direct system call with no scheduler involvement: no entersyscall, no " +
      "exitsyscall. The G stays _Grunning and its P _Prunning for the whole " +
      "call, so a long RawSyscall blocks the P; sysmon can only try to " +
      "preempt it (SIGURG), which does nothing useful while the thread is in " +
      "the kernel. Used for calls that never block (getpid, kill, pipe2, " +
      "epoll_ctl...) and in post-fork child code. In go1.19 on Linux it is " +
      "Go code calling runtime/internal/syscall.Syscall6; in go1.10 it was " +
      "assembly in syscall/asm_linux_amd64.s.",
    steps: [
      {
        text: "Load the arguments and trap into the kernel.",
        changes: "none: G stays _Grunning, P stays _Prunning",
      },
      {
        text: "Return r1, r2 and the errno.",
        changes: "none",
      },
    ],
    versions: [
      {
        profile: "go1.10",
        note: "Assembly (syscall/asm_linux_amd64.s), same scheduler effect.",
      },
    ],
    related: ["entersyscall", "preemptone"],
  },
  {
    fn: "cgocall",
    goFile: "runtime/cgocall.go",
    summary:
      "Calls a C function from Go. To the scheduler a cgo call is a " +
      "syscall: it runs entersyscall, switches to the g0 stack with " +
      "asmcgocall, calls the C code, then exitsyscall. So a slow C call " +
      "loses its P to sysmon exactly like a blocking read. Windows " +
      "syscall.Syscall* and darwin/openbsd libc syscalls use the same path.",
    steps: [
      {
        text: "m.ncgocall++; m.ncgo++; entersyscall().",
        changes: "M.ncgo += 1; G -> _Gsyscall; P -> _Psyscall",
      },
      {
        text: "m.incgo = true; asmcgocall(fn, arg) runs C on the g0 stack.",
        changes: "M.incgo = true",
      },
      {
        text: "m.incgo = false; m.ncgo--; exitsyscall().",
        changes: "M.incgo = false; G -> _Grunning (fast) or requeued (slow)",
      },
    ],
    versions: [
      {
        profile: "go1.26",
        note:
          "Same call shape; the entersyscall/exitsyscall pair is cheaper (the " +
          "change landed with a cgo benchmark improvement).",
      },
    ],
    related: ["entersyscall", "exitsyscall", "reentersyscall"],
  },
];

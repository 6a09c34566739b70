// Explanations for LockOSThread and thread exit, preemption by signal, and
// go1.26's syscall path without _Psyscall. Pure data, in our own words from
// Go's runtime/proc.go (LockOSThread, goexit0, preemptone), runtime/preempt.go
// and runtime/signal_unix.go (doSigPreempt); see docs/profiles.md (go1.26) and
// the model's src/runtime/lockosthread.ts, syscall.ts and proc.ts.

import type { Explanation } from "./catalog.js";

export const lockPreemptEntries: readonly Explanation[] = [
  {
    fn: "LockOSThread",
    goFile: "runtime/proc.go",
    summary:
      "runtime.LockOSThread wires the calling goroutine to its current " +
      "thread: until as many UnlockOSThread calls, the goroutine runs only " +
      "on this M and the M runs no other goroutine. Used for thread-local " +
      "OS state (namespaces, GUI main loops, C libraries). The cost is in " +
      "scheduling: every time the goroutine blocks, its M parks " +
      "(stoplockedm) and has to be handed a P again (startlockedm) - two " +
      "thread switches instead of none. The model's 'lockOSThread' event is " +
      "this exported call (its lockedExt field is m.lockedExt); Go's " +
      "lower-case " +
      "lockOSThread is the runtime-internal variant (m.lockedInt).",
    steps: [
      {
        text:
          "First use in the process: startTemplateThread, so that later " +
          "threads can be cloned from a clean thread instead of this " +
          "possibly modified one.",
        changes: "template thread created (sched.nmsys += 1)",
      },
      {
        text: "m.lockedExt++ (nesting; overflow panics).",
        changes: "M.lockedExt += 1",
      },
      {
        text: "dolockOSThread: m.lockedg = g; g.lockedm = m.",
        changes: "G and M wired",
      },
    ],
    versions: [
      {
        profile: "go1.10",
        note:
          "The nesting counter, the template thread and killing the thread " +
          "of a goroutine that exits locked all arrived in go1.10; the " +
          "three profiles behave alike.",
      },
    ],
    related: [
      "UnlockOSThread",
      "stoplockedm",
      "startlockedm",
      "startTemplateThread",
      "mexit",
    ],
  },
  {
    fn: "UnlockOSThread",
    goFile: "runtime/proc.go",
    summary:
      "Undoes one LockOSThread. When both counters (external lockedExt and " +
      "runtime-internal lockedInt) reach zero the goroutine and thread are " +
      "unwired and schedule normally again. Without a matching LockOSThread " +
      "it does nothing. The model's 'unlockOSThread' event carries the " +
      "remaining count in its lockedExt field.",
    steps: [
      {
        text: "If m.lockedExt == 0 return; else m.lockedExt--.",
        changes: "M.lockedExt -= 1",
      },
      {
        text:
          "dounlockOSThread: if lockedInt and lockedExt are both 0: " +
          "m.lockedg = 0; g.lockedm = 0.",
        changes: "G and M unwired",
      },
    ],
    related: ["LockOSThread", "mexit", "goexit0"],
  },
  {
    fn: "startTemplateThread",
    goFile: "runtime/proc.go",
    summary:
      "Starts, once per process, the template thread: a system M (no P, " +
      "counted in sched.nmsys so checkdead ignores it) that sleeps on " +
      "newmHandoff.wake. When newm is asked for a thread by a locked M or a " +
      "cgo thread, it does not clone the caller (whose kernel state may be " +
      "odd) but queues the new M on newmHandoff and wakes the template " +
      "thread, which creates it. The model shows it as a newm event with " +
      "reason 'template'.",
    steps: [
      {
        text:
          "CAS newmHandoff.haveTemplateThread 0 -> 1 (else already " +
          "running); newm(templateThread, nil, -1).",
        changes: "one more thread",
      },
      {
        text:
          "templateThread: nmsys++; loop: create every queued M (newm1), " +
          "then set waiting and notesleep(newmHandoff.wake).",
        changes: "sched.nmsys += 1",
      },
      {
        text:
          "Model: new Ms requested from a locked M are created directly, " +
          "not through the template thread (same thread count, one futex " +
          "wake less).",
      },
    ],
    related: ["LockOSThread", "newm", "checkdead"],
  },
  {
    fn: "mexit",
    goFile: "runtime/proc.go",
    summary:
      "Tears down the current thread. The scheduler uses it when a goroutine " +
      "exits while still locked to its thread (LockOSThread without " +
      "UnlockOSThread): the goroutine may have left the thread in a strange " +
      "kernel state, so rather than returning it to the idle M pool, goexit0 " +
      "jumps back to the M's g0 (mstart) and the thread exits. Its P is " +
      "handed off first. Ms are otherwise never destroyed.",
    steps: [
      {
        text:
          "goexit0 sees gp was locked: after freeing the G it does gogo(" +
          "m.g0.sched) instead of schedule(); mstart returns into mexit.",
        changes: "G _Grunning -> _Gdead",
      },
      {
        text:
          "m0 (the main thread) cannot exit: handoffp(releasep()), " +
          "nmfreed++, checkdead, park forever.",
        changes: "P handed off; M wedged",
      },
      {
        text:
          "Otherwise: block signals, unlink the M from allm (freed later by " +
          "allocm via sched.freem), handoffp(releasep()), sched.nmfreed++ " +
          "(mcount drops), checkdead, then exit the OS thread.",
        changes:
          "P: _Prunning -> _Pidle -> handoffp; mcount -= 1; thread gone",
      },
      {
        text:
          "Model: reason 'locked-goroutine-exited'; mcount is the count after the " +
          "exit.",
      },
    ],
    related: ["goexit0", "LockOSThread", "handoffp", "checkdead"],
  },
  {
    fn: "doSigPreempt",
    goFile: "runtime/signal_unix.go",
    summary:
      "The SIGURG half of preemption (go1.14+). preemptone asks twice: it " +
      "poisons g.stackguard0 so the goroutine stops at its next function " +
      "prologue (cooperative: newstack -> gopreempt_m), and it sends SIGURG " +
      "(preemptM) for code that calls no functions - a tight loop. The " +
      "signal handler calls doSigPreempt: if the goroutine still wants " +
      "preemption and the interrupted instruction is an async safe point, it " +
      "edits the signal context so that, on return, the thread calls " +
      "asyncPreempt, which saves all registers and reschedules via " +
      "asyncPreempt2 -> gopreempt_m. The model's doSigPreempt covers both " +
      "ways: at the prologue (ignored for tight loops) and at the signal.",
    steps: [
      {
        text:
          "preemptM: CAS m.signalPending 0 -> 1, then tgkill(SIGURG). SIGURG " +
          "is used because programs rarely rely on it and it is harmless if " +
          "it arrives spuriously.",
        changes: "M.signalPending = 1",
      },
      {
        text:
          "wantAsyncPreempt: (g.preempt or p.preempt) and G _Grunning. " +
          "isAsyncSafePoint: the signal hit the user goroutine (not g0 or " +
          "gsignal), the M holds no locks and has a running P, the PC is in " +
          "Go code with register maps (not runtime/assembly/nosplit code) " +
          "and the stack has room.",
        changes: "none",
      },
      {
        text:
          "Safe: pushCall(asyncPreempt, pc) - the handler returns into " +
          "asyncPreempt, which spills registers and calls asyncPreempt2: " +
          "mcall(gopreempt_m), or preemptPark when the GC suspends the G.",
        changes: "G _Grunning -> _Grunnable (global queue)",
      },
      {
        text:
          "In all cases acknowledge: m.preemptGen++, signalPending = 0. Not " +
          "safe: nothing happens now; sysmon asks again later, and the " +
          "cooperative check still works at the next call.",
        changes: "M.preemptGen += 1",
      },
      {
        text:
          "Model: a compute op with noCalls (a tight loop) is preempted only " +
          "by the signal; one that calls functions also by the prologue " +
          "check. Preemption ends in a gopreempt_m event.",
      },
    ],
    versions: [
      {
        profile: "go1.10",
        note:
          "No asynchronous preemption: a tight loop cannot be preempted and " +
          "can hold up a stop-the-world indefinitely.",
      },
      {
        profile: "go1.26",
        note: "Same; GODEBUG asyncpreemptoff=1 still turns the signal off.",
      },
    ],
    related: ["preemptone", "gopreempt_m", "retake", "stopTheWorldWithSema"],
  },
  {
    fn: "setBlockOnExitSyscall",
    goFile: "runtime/proc.go",
    summary:
      "go1.26+: how another thread safely takes the P of a goroutine that is " +
      "in a syscall, now that there is no _Psyscall. The P stays _Prunning " +
      "and attached (p.m, m.p) during the call; 'in a syscall' is read from " +
      "the G's status. The caller locks the G by setting its _Gscan bit: " +
      "while it is set, exitsyscall's CAS _Gsyscall -> _Grunning fails and " +
      "the returning thread waits, so the P can be taken without a race, " +
      "then resume() clears the bit.",
    steps: [
      {
        text:
          "Fail unless p is _Prunning, p.m != nil and m.curg != nil with " +
          "status _Gsyscall (or _Gdeadextra, a cgo extra M).",
        changes: "none",
      },
      {
        text:
          "castogscanstatus(gp, s, s|_Gscan); fail if the G moved on. " +
          "Re-check g.m == p.m and m.p == p (the G may be in a later " +
          "syscall on another P); if not, drop the bit and fail.",
        changes: "G _Gsyscall -> _Gscansyscall",
      },
      {
        text:
          "Return a syscallingThread handle; the caller does takeP (retake, " +
          "forEachP, exitsyscallTryGetP) or gcstopP (stopTheWorld), then " +
          "resume().",
        changes: "G _Gscansyscall -> _Gsyscall on resume",
      },
      {
        text:
          "Model: not an event of its own; the model tests the same " +
          "condition (pInSyscall) and emits takeP when it succeeds.",
      },
    ],
    versions: [
      {
        profile: "go1.19",
        note:
          "Not needed: the P is _Psyscall and is taken with one CAS " +
          "_Psyscall -> _Pidle.",
      },
    ],
    related: ["takeP", "retake", "exitsyscallTryGetP", "forEachP"],
  },
  {
    fn: "takeP",
    goFile: "runtime/proc.go",
    summary:
      "go1.26+ (syscallingThread.takeP): after setBlockOnExitSyscall has " +
      "frozen a goroutine in its syscall, unlink its P from its M so the " +
      "caller can hand it off (sysmon's retake, forEachP) or use it " +
      "(exitsyscallTryGetP taking its old P back). The thread in the " +
      "syscall will find m.p == nil when it returns and go the slow way. " +
      "This replaces go1.19's CAS of the P from _Psyscall to _Pidle; the " +
      "model's takeP event's reason names the caller.",
    steps: [
      {
        text:
          "releaseP: p.m = 0, m.p = 0, p.status = _Pidle, trace ProcSteal; " +
          "count the G in sched.nGsyscallNoP.",
        changes: "P: _Prunning -> _Pidle; M.p = nil; P.m = nil",
      },
      {
        text:
          "p.syscalltick++ (so retake does not count the same syscall " +
          "twice); the caller then resumes the G's status.",
        changes: "P.syscalltick += 1",
      },
    ],
    versions: [
      {
        profile: "go1.19",
        note:
          "The same effect is a CAS p.status _Psyscall -> _Pidle (retake, " +
          "forEachP, exitsyscallfast's ABA case).",
      },
    ],
    related: [
      "setBlockOnExitSyscall",
      "retake",
      "handoffp",
      "exitsyscallTryGetP",
      "forEachP",
    ],
  },
  {
    fn: "exitsyscallTryGetP",
    goFile: "runtime/proc.go",
    summary:
      "go1.26+: exitsyscall's middle path, taken when the goroutine is back " +
      "from the kernel but its M no longer has a P (someone took it). First " +
      "try to take the old P back - if the M now holding it is itself in a " +
      "syscall, freeze that one and take the P from it - else take any idle " +
      "P. Failing both, exitsyscall goes on to exitsyscallNoP.",
    steps: [
      {
        text:
          "oldp != nil and setBlockOnExitSyscall(oldp) succeeds: takeP, " +
          "resume the other G (which will now lose its P), return oldp.",
        changes:
          "old P taken back (model reason 'old-p-from-syscall')",
      },
      {
        text:
          "sched.pidle != 0: lock; pidleget; wake sysmon if it deep-sleeps; " +
          "unlock; return that P.",
        changes: "idle P popped, npidle -= 1 (model reason 'idle-p')",
      },
      {
        text:
          "The caller acquirep's the P, traces ProcStart + " +
          "GoSyscallEndBlocked + GoStart and returns to user code.",
        changes: "P: _Pidle -> _Prunning; G keeps running",
      },
    ],
    versions: [
      {
        profile: "go1.19",
        note:
          "exitsyscallfast: CAS the old P _Psyscall -> _Pidle and wirep it, " +
          "else exitsyscallfast_pidle.",
      },
    ],
    related: [
      "exitsyscall",
      "setBlockOnExitSyscall",
      "takeP",
      "exitsyscallNoP",
      "exitsyscallfast",
    ],
  },
  {
    fn: "exitsyscallNoP",
    goFile: "runtime/proc.go",
    summary:
      "go1.26+: exitsyscall's slowest path, run on g0 via mcall when no P " +
      "could be had. It is go1.19's exitsyscall0 except that exitsyscall " +
      "has already switched the G to _Grunning, so it starts from there: " +
      "the G becomes runnable, is detached from the M, runs at once if an " +
      "idle P turned up, otherwise waits in the global run queue while the " +
      "M stops (or, if the G is locked to it, waits in stoplockedm).",
    steps: [
      {
        text:
          "casgstatus(gp, _Grunning -> _Grunnable); trace " +
          "GoSyscallEndBlocked; uncount it from sched.nGsyscallNoP; dropg.",
        changes: "G: _Grunning -> _Grunnable; M.curg = nil",
      },
      {
        text:
          "lock; pidleget (if scheduling is enabled for gp), else " +
          "globrunqput(gp); wake sysmon if it deep-sleeps and a P was found; " +
          "unlock.",
        changes: "idle P popped, or sched.runq += gp",
      },
      {
        text:
          "Got a P: acquirep; execute(gp). Else locked G: stoplockedm; " +
          "otherwise stopm, then schedule.",
        changes: "G runs, or M parked",
      },
    ],
    versions: [
      {
        profile: "go1.19",
        note: "exitsyscall0, starting from _Gsyscall.",
      },
    ],
    related: [
      "exitsyscall0",
      "exitsyscallTryGetP",
      "stopm",
      "stoplockedm",
      "globrunqput",
    ],
  },
];

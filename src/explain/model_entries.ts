// Explanations for events whose names are the model's own (compute,
// syscallthread, exit, findRunnable_spin, ...) and for small runtime helpers
// the model reports (notewakeup, schedtrace). Each says plainly what the
// model event means and which Go function it stands for. Pure data.

import type { Explanation } from "./catalog.js";

export const modelEntries: readonly Explanation[] = [
  {
    fn: "compute",
    goFile: "runtime/preempt.go",
    summary:
      "Model event, not a Go function: the running goroutine executes user " +
      "code for the given CPU time (durationNs; site: the workload's site " +
      "label). The runtime does nothing during it, except that the " +
      "goroutine can be preempted, as runtime/preempt.go describes: " +
      "cooperatively at a function prologue that sees stackPreempt, or, " +
      "for a tight loop without calls (noCalls), only asynchronously by " +
      "SIGURG (go1.14+).",
    steps: [
      {
        text:
          "The goroutine occupies its M and P for the duration (processor " +
          "sharing when there are more running threads than CPUs).",
        changes: "none (G stays _Grunning)",
      },
      {
        text:
          "If preemptone asks it to stop meanwhile, the remaining time is " +
          "saved and the goroutine is rescheduled via gopreempt_m; it " +
          "continues the same compute when it runs again.",
        changes: "G _Grunning -> _Grunnable (on preemption)",
      },
    ],
    versions: [
      {
        profile: "go1.10",
        note: "Only the prologue check: a tight loop runs to its end.",
      },
    ],
    related: ["execute", "preemptone", "doSigPreempt", "gopreempt_m"],
  },
  {
    fn: "syscallthread",
    goFile: "runtime/proc.go",
    summary:
      "Model policy, not in any Go release: the 'dedicated-syscall-thread' " +
      "design of Go issue 58492 ('Eliminate the syscall state'), which " +
      "would replace entersyscall/exitsyscall in proc.go. Each M gets a " +
      "companion thread; a goroutine making a syscall parks, the companion " +
      "makes the call while the M keeps its P and runs other goroutines, " +
      "and on return the goroutine is readied through the global queue. In " +
      "the event log it appears as newm/notewakeup (reason " +
      "'syscall-thread'), entersyscall and exitsyscall.",
    steps: [
      {
        text:
          "Pick the M's idle syscall thread, else any idle one, else create " +
          "one (so blocking calls never queue behind each other); wake it.",
        changes:
          "newm (thread start cost) or notewakeup (futex wake cost)",
      },
      {
        text:
          "The goroutine parks like any waiting goroutine; the M schedules " +
          "something else on its P. No _Psyscall, no retake.",
        changes: "G _Grunning -> _Gwaiting; P stays with the M",
      },
      {
        text:
          "The call returns: the syscall thread has no P, so the goroutine " +
          "goes to the global run queue and wakep finds it an M.",
        changes: "G _Gwaiting -> _Grunnable (global queue)",
      },
    ],
    versions: [
      {
        profile: "go1.26",
        note:
          "What landed instead (no _Psyscall, setBlockOnExitSyscall) keeps " +
          "the syscall on the calling thread and sysmon's retake; the " +
          "maintainers objected that the proposal costs a thread wake-up per " +
          "syscall.",
      },
    ],
    related: ["entersyscall", "exitsyscall", "ready", "wakep", "setBlockOnExitSyscall"],
  },
  {
    fn: "main",
    goFile: "runtime/proc.go",
    summary:
      "runtime.main, the main goroutine's body. It stands for the model's " +
      "'exit' event (reason 'main-returned'): main.main returned, so " +
      "runtime.main calls exit(0) and the process ends at once - other " +
      "goroutines are not waited for and simply vanish, whatever state " +
      "they are in.",
    steps: [
      {
        text:
          "Before main.main: start sysmon (newm), lock the main goroutine to " +
          "m0 during package init, start the GC's helpers (forcegchelper, " +
          "background sweeper and scavenger), run init tasks.",
        changes: "sysmon thread; helper goroutines parked",
      },
      {
        text: "Call main.main.",
        changes: "the program runs",
      },
      {
        text:
          "After it returns: let panicking goroutines finish printing (a few " +
          "Gosched rounds, or park if a panic is in progress), then exit(0).",
        changes: "process exits; every G, M and P is gone",
      },
    ],
    related: ["sysmon", "forcegchelper", "goexit0", "newm"],
  },
  {
    fn: "becomeSpinning",
    goFile: "runtime/proc.go",
    summary:
      "Marks the M as spinning: it holds a P, found no work in its own and " +
      "the global queues, and is about to look for work on other Ps. It " +
      "stands for the model's 'findRunnable_spin' event. Spinning is " +
      "limited to half the busy Ps (2*nmspinning < GOMAXPROCS - npidle) so " +
      "that idle Ms do not burn CPU; while any M spins, wakep starts no new " +
      "one.",
    steps: [
      {
        text:
          "findRunnable after the local, global and netpoll checks: if the M " +
          "is spinning already or the limit allows it, m.spinning = true; " +
          "nmspinning++ (model reason 'become-spinning'), then stealWork.",
        changes: "M.spinning = true; sched.nmspinning += 1",
      },
      {
        text:
          "go1.20+: just before giving up its P, an M that sees " +
          "sched.needspinning (a wakep found no idle P) becomes spinning " +
          "instead and starts over (model reason 'needspinning').",
        changes: "sched.needspinning = 0",
      },
      {
        text:
          "When a spinning M finds work, resetspinning ends the spin and " +
          "wakes another spinner if Ps are idle.",
        changes: "M.spinning = false; sched.nmspinning -= 1",
      },
    ],
    versions: [
      {
        profile: "go1.10",
        note:
          "Inline in findrunnable, with one more rule: do not spin when all " +
          "other Ps are idle (npidle == gomaxprocs-1).",
      },
      {
        profile: "go1.19",
        note: "Inline in findRunnable; the method exists since go1.21.",
      },
    ],
    related: ["findRunnable", "stealWork", "resetspinning", "wakep"],
  },
  {
    fn: "notewakeup",
    goFile: "runtime/lock_futex.go",
    summary:
      "Wakes the thread sleeping on a note, the runtime's one-shot event for " +
      "parking an M (m.park in stopm/startm), sysmon's deep sleep " +
      "(sched.sysmonnote), a stop-the-world (stopnote), go1.10's timerproc " +
      "(waitnote) and the template thread. On Linux it is a futex wake, " +
      "whose cost is mostly the woken thread's wake-up latency. The model's " +
      "reason names the note: 'm.park', 'sysmonnote', 'timerproc', " +
      "'syscall-thread'.",
    steps: [
      {
        text:
          "Xchg note.key 0 -> 1; an old value of 1 is a double wake-up " +
          "(throw).",
        changes: "note.key = 1",
      },
      {
        text:
          "futexwakeup(&note.key, 1): the thread in notesleep / " +
          "notetsleep(g) returns; it clears the note before sleeping again.",
        changes: "sleeping thread runnable in the OS",
      },
    ],
    versions: [
      {
        profile: "go1.19",
        note:
          "On macOS and Windows notes are semaphores (lock_sema.go); same " +
          "semantics.",
      },
    ],
    related: ["startm", "stopm", "sysmon", "timerproc", "startlockedm"],
  },
  {
    fn: "schedtrace",
    goFile: "runtime/proc.go",
    summary:
      "GODEBUG=schedtrace=X: sysmon prints one line about the scheduler " +
      "every X ms - 'SCHED <t>ms: gomaxprocs= idleprocs= threads= " +
      "spinningthreads= idlethreads= runqueue= [local runq sizes]' - and, " +
      "with scheddetail=1, every P, M and G. While it is on, sysmon never " +
      "deep-sleeps. The model emits a schedtrace event at the same moments " +
      "and an observer formats the line.",
    steps: [
      {
        text:
          "sysmon: debug.schedtrace > 0 and lasttrace + schedtrace ms <= " +
          "now -> lasttrace = now; schedtrace(debug.scheddetail > 0).",
        changes: "none (output only)",
      },
      {
        text:
          "Lock sched.lock; print the counters and each P's local queue " +
          "length (runqtail - runqhead); unlock.",
        changes: "none",
      },
    ],
    versions: [
      {
        profile: "go1.26",
        note: "More fields (e.g. needspinning); same cadence.",
      },
    ],
    related: ["sysmon", "runqput", "globrunqput"],
  },
];

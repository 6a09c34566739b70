// Runtime events: every modeled runtime function reports what it did as one flat record, so that
// observers (metrics, schedtrace, trace writers, the UI's step-through) see exactly what the model
// did and why. The core formats nothing.
//
// The model reuses one event object for every emission (no allocation on the hot path): an observer
// that keeps events must copy the fields it needs.

/** Runtime functions that emit events; names are the Go runtime's. */
export const runtimeFns = [
  "newproc",
  "execute",
  "goexit0",
  "gopark",
  "ready",
  "goschedImpl",
  "gopreempt_m",
  "runqputslow",
  "globrunqget",
  "runqsteal",
  "entersyscall",
  "entersyscall_sysmon",
  "entersyscall_gcwait",
  "entersyscallblock",
  "exitsyscall",
  "exitsyscallfast",
  "exitsyscallfast_reacquired",
  "exitsyscallfast_pidle",
  "exitsyscall0",
  "exitsyscallTryGetP",
  "exitsyscallNoP",
  "takeP",
  "syscallthread",
  "netpoll",
  "lockOSThread",
  "unlockOSThread",
  "stoplockedm",
  "startlockedm",
  "mexit",
  "gcMarkWorker",
  "forEachP",
  "rawsyscall",
  "rawsyscall_return",
  "cgocall",
  "sysmon",
  "retake",
  "preemptone",
  "handoffp",
  "startm",
  "newm",
  "stopm",
  "wakep",
  "notewakeup",
  "acquirep",
  "releasep",
  "resetspinning",
  "findRunnable_spin",
  "gcstopm",
  "stopTheWorldWithSema",
  "startTheWorldWithSema",
  "gcStart",
  "gcMarkDone",
  "timer_fire",
  "compute",
  "schedtrace",
  "exit",
] as const;

export type RuntimeFn = (typeof runtimeFns)[number];

export interface RuntimeEvent {
  timeNs: number;
  fn: RuntimeFn;
  /** Go-visible goroutine id, or -1. */
  goid: number;
  /** M id, or -1. */
  m: number;
  /** P id, or -1. */
  p: number;
  /** G status before and after (-1 when this event does not concern a G's status). */
  gFrom: number;
  gTo: number;
  /** P status before and after (-1 when not concerned). */
  pFrom: number;
  pTo: number;
  /** A short machine-readable reason, e.g. "runq-not-empty", "syscall-keeps-p". */
  reason: string;
  /** Function-specific number (a count, a duration in ns, an M id…), or 0. */
  arg: number;
}

export interface Observer {
  onEvent(event: Readonly<RuntimeEvent>): void;
  /** Called once when the simulation ends (normally or not). */
  onEnd?(endTimeNs: number): void;
}

// The go1.10 profile: the seed article's era (2018, docs/seed-article.md). What differs from go1.19 (docs/profiles.md):
// reentersyscall keeps m.p and exitsyscallfast CASes _Psyscall straight to _Prunning; no sysretake
// (added in go1.13); no asynchronous preemption (go1.14); timers live in timerproc goroutines, one per
// bucket, that sleep through entersyscallblock — a blocked thread per active bucket; sysmon's deep
// sleep always resets its backoff.
import type { Rules, RuntimeConstants } from "../runtime/config.js";
import { go119Constants } from "./go1_19.js";

export const go110Constants: RuntimeConstants = {
  ...go119Constants,
  asyncPreemption: false,
  sysretake: false,
};

export const go110Rules: Rules = {
  syscallP: "psyscall",
  keepMpInSyscall: true,
  needspinning: false,
  timers: "timerproc",
  sysmonBackoffResetOnNoteOnly: false,
  initSyscallsOnP0: 0, // os.NewFile made no syscall before IsNonblock (2018)
};

// The go1.19 profile: the reference, validated against Debian's golang-1.19-go on this machine.
// Constants are runtime/proc.go's (see RuntimeConstants); costs and the machine come from testdata/calibration.
import type { Costs, GcSettings, Machine, Rules, RuntimeConstants } from "../runtime/config.js";

export const go119Constants: RuntimeConstants = {
  sysmonDelayUsMin: 20,
  sysmonIdlePassesBeforeBackoff: 50,
  sysmonDelayUsMax: 10_000,
  sysmonDeepSleepNsMax: 60e9,
  syscallKeepPNs: 10e6,
  forcePreemptNs: 10e6,
  stealTries: 4,
  globalRunqFairnessTicks: 61,
  runnextStealSleepUs: 3,
  forcegcPeriodNs: 120e9,
  maxmcount: 10_000,
  asyncPreemption: true,
  sysretake: true,
};

// calibration/go1.19-syscall-overhead.json: Syscall(getpid) 254.7 ns vs RawSyscall(getpid) 153.9 ns
// ⇒ entersyscall + exitsyscall ≈ 100 ns; cgo getpid 253.8 ns ⇒ no cgo cost beyond that pair.
// calibration/go1.19-thread-creation.json (1 ns slack): go f() until f runs = 27.3 µs when an idle
// thread is woken, 62.1 µs when one is created; both include the spinning M's usleep(3) (≈ 9 µs
// with 1 ns slack) before it steals runnext ⇒ wake ≈ 18 µs, thread start ≈ 53 µs.
export const go119Costs: Costs = {
  entersyscallNs: 50,
  exitsyscallNs: 50,
  cgocallExtraNs: 0,
  futexWakeNs: 18_000,
  threadStartNs: 53_000,
  scheduleNs: 200,
  newprocNs: 300,
  syncOpNs: 50,
  preemptSignalNs: 5_000,
  preemptPrologueNs: 1_000,
  gcSweepTermNs: 30_000,
  // A small heap's concurrent mark. Not measured directly: 100 µs puts the lost-P fraction of
  // testdata/go/stw (a GC every 20 ms while Ps sit in 1 ms syscalls) between Go 1.19's and 1.23's
  // measurements (0.48 predicted vs 0.56 and 0.43 measured; 1 ms predicted 0.64–0.66).
  gcMarkNs: 100_000,
  gcMarkTermNs: 50_000,
};

// calibration/README.md: nanosleep(d) lasts d + 57 µs here (1 → 57, 20 → 76, 100 → 157, 1000 → 1071,
// 10000 → 10131 µs); with 1 ns slack about d + 6 µs. So: 6 µs + 50 µs slack + a measured extra
// that grows for long sleeps (15 µs at 1 ms, 75 µs at 10 ms).
export const thisMachine: Machine = {
  ncpu: 2,
  timerSlackNs: 50_000,
  sleepBaseOverheadNs: 6_000,
  sleepExtraNsPoints: [
    [100_000, 0],
    [1_000_000, 15_000],
    [10_000_000, 75_000],
  ],
};

export const defaultGc: GcSettings = {
  gogc: 100,
  minHeapBytes: 4 << 20,
  liveHeapBytes: 0,
};

export const go119Rules: Rules = {
  syscallP: "psyscall",
  keepMpInSyscall: false,
  needspinning: false,
  timers: "per-p",
  sysmonBackoffResetOnNoteOnly: true,
};

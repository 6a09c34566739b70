// The go1.19 profile: the reference, validated against Debian's golang-1.19-go on this machine.
// Constants are runtime/proc.go's (see RuntimeConstants); costs and the machine come from testdata/calibration.
import type { Costs, GcSettings, Machine, Rules, RuntimeConstants, Spread } from "../runtime/config.js";

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
// with 1 ns slack) before it steals runnext ⇒ wake ≈ 18 µs, thread start ≈ 53 µs (superseded: threadStartNs
// below is measured in real traces, where wakep/startm and the usleep are not in it). That wake mixes
// wakes onto the waker's CPU with wakes onto an idle one; futexWakeNs is the latter, measured alone
// (thisMachine), and the kernel model decides which applies.
export const go119Costs: Costs = {
  entersyscallNs: 50,
  exitsyscallNs: 50,
  // A thread back from its syscall takes its old P from the thread now in a syscall with it (the relay of
  // a P among many threads in short-lived syscalls). Real traces of 256 goroutines × 100
  // Syscall(nanosleep 1 ms) at GOMAXPROCS 1 (go1.23.5, go1.26.11, go1.27.4 on this VM, 2 runs each,
  // 2026-12-06 16:40 UTC, load average 1.1–1.8; 140,307 take-backs): ProcSteal → the G's next
  // GoSyscallBegin, the P busy, p1 256, p10 320, p25 448, p50 640, p75 960, p90 1280, p95 1472, p99
  // 4096 ns. The fastest (p1, 256 ns) holds the 4 trace events on the way and the exit, loop body and
  // entry the model already charges; the take-back adds the rest: median 384 ns (takeBackSpread).
  exitsyscallTakeBackNs: 384,
  cgocallExtraNs: 0,
  // FUTEX_WAKE onto an idle CPU until the woken thread runs, end to end (thisMachine's futexWakeSpread).
  futexWakeNs: 31_500,
  // newm → the new thread runs, measured in real traces (testdata/go/newm with go1.26.11 on this VM,
  // 2026-12-06 11:45 UTC, load average 1.2 and falling, nothing else running: 10 processes × 63
  // threads): sysmon's take of a P → the thread newm created for it takes the P (ProcStart), with
  // allocm, clone() and the thread's start inside. Medians of the processes' quantiles: p5 59.0,
  // p25 67.4, p50 75.3, p75 87.1, p95 110.3 µs (thisMachine.threadStartSpread). The lead's trace of
  // `syscall -procs 1 -g 256 -d 10000 -n 1` (11:30 UTC, load 0.5) gave p50 71 µs. It replaces the
  // indirect 53 µs (go f() via a new M, 62.1 µs with 1 ns slack, minus usleep(3)). The new thread
  // mostly starts on the other, idle vCPU: pinned to one CPU (taskset -c 0) the same program gives
  // p50 55–61 µs against 64–85 µs on both (5 processes each, 11:57 UTC, load average 0.9) — the
  // wake of a halted vCPU (ipiWakeNs) is inside the figure, which the model takes out when no CPU is
  // idle (machine.ts threadStartNs).
  threadStartNs: 75_000,
  // Of threadStartNs, the new thread's own start-up on a CPU (mstart, minit): an estimate.
  mstartNs: 5_000,
  // The creating thread's CPU in newm: allocm's borrow of the P for its mallocs (sysmon's ProcStart →
  // ProcStop in the same traces: p50 12.5 µs) + the parent's clone() as newosproc calls it, every
  // signal blocked around it (testdata/go/clone, cgo, 5 × 290 clones: p50 14.1 µs, p90 18.2 µs).
  cloneNs: 26_600,
  // sysmon's pass interval with usleep(20) is 76.0 µs [75.5–78.9] = 20 + 50 slack + 6 overhead: the
  // pass's own CPU time is inside the sleep model's measured overhead, so it is not charged again.
  sysmonPassNs: 0,
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
//
// Spreads (offsets from the median, ns, at probabilities p): the body of every sleep's spread is the
// distribution of go1.19-sysmon-pass-intervals-us.json (175 usleep(20) passes of 5 processes, default
// slack: p0 74.8, p5 75.3, p25 75.8, p50 76.0, p75 76.7, p95 79.1, max 81.3 µs); the tail p99 is the
// matrix's RawSyscall(nanosleep d) p99 − p50 for one goroutine at GOMAXPROCS 1 (median of 5
// processes, go1.19-matrix-gomaxprocs1and4.csv): 13.7, 13.4, 26.6, 324, 311 µs for d = 1, 20, 100,
// 1000, 10000 µs; the maximum is taken as twice the p99 offset.
const sleepSpread = (p99Ns: number): Spread => [
  [0, -1_200],
  [0.05, -700],
  [0.25, -200],
  [0.5, 0],
  [0.75, 700],
  [0.95, 3_100],
  [0.99, p99Ns],
  [1, 2 * p99Ns],
];

export const thisMachine: Machine = {
  ncpu: 2,
  timerSlackNs: 50_000,
  sleepBaseOverheadNs: 6_000,
  sleepExtraNsPoints: [
    [100_000, 0],
    [1_000_000, 15_000],
    [10_000_000, 75_000],
  ],
  sleepSpreads: [
    [1_000, sleepSpread(13_700)],
    [20_000, sleepSpread(13_400)],
    [100_000, sleepSpread(26_600)],
    [1_000_000, sleepSpread(324_000)],
    [10_000_000, sleepSpread(311_000)],
  ],
  // A futex wake onto an idle CPU, end to end (FUTEX_WAKE until the woken thread runs; two threads
  // pinned to the two vCPUs, the waker then nanosleeps; 3000 and 1000 wakes 200 µs and 1 ms apart,
  // 2026-12-06 09:30 UTC, load average 1.9): p1 11.1/16.3, p10 20.4/21.8, p25 23.9/25.5, p50
  // 31.5/31.8, p75 36.6/40.6, p90 52.7/49.7, p99 98/82 µs — the IPI to a halted vCPU (cpuidle
  // haltpoll, no guest polling). Both threads on one vCPU (the woken one runs when the waker sleeps):
  // p50 3.3/6.0, p90 9.9/16.6 µs. Below: the two runs' mean quantiles around Costs.futexWakeNs.
  futexWakeSpread: [
    [0, -20_000],
    [0.01, -17_900],
    [0.05, -13_300],
    [0.1, -10_500],
    [0.25, -6_900],
    [0.5, 0],
    [0.75, 7_000],
    [0.9, 19_600],
    [0.95, 31_300],
    [0.99, 58_500],
    [1, 70_000],
  ],
  // Sysmon's take → the new thread's ProcStart in real traces (Costs.threadStartNs): medians of 10
  // processes' quantiles (µs) min 54.0, p5 59.0, p10 60.8, p25 67.4, p50 75.3, p75 87.1, p90 102.8,
  // p95 110.3, p99 and max 169.6, as offsets from the median.
  threadStartSpread: [
    [0, -21_300],
    [0.05, -16_300],
    [0.1, -14_500],
    [0.25, -7_900],
    [0.5, 0],
    [0.75, 11_800],
    [0.9, 27_500],
    [0.95, 35_000],
    [0.99, 94_300],
    [1, 94_300],
  ],
  // go1.19-syscall-overhead.json: RawSyscall(getpid) 153.9 ns [144.9–212.8], Syscall 254.7 [247.8–277.4].
  syscallSpread: [
    [0, -10],
    [0.5, 0],
    [0.95, 25],
    [1, 60],
  ],
  // Not measured: the signal's delivery is taken as exact.
  preemptSignalSpread: [],
  // The take-back's quantiles above less the fastest (256 ns), as offsets from its median 384 ns.
  takeBackSpread: [
    [0, -384],
    [0.1, -320],
    [0.25, -192],
    [0.5, 0],
    [0.75, 320],
    [0.9, 640],
    [0.95, 832],
    [0.99, 3_456],
    [1, 3_456],
  ],
  // kernel/sched/fair.c: sysctl_sched_base_slice = 0.75 ms, scaled by 1 + ilog2(min(ncpu, 8))
  // (SCHED_TUNABLESCALING_LOG): 1.5 ms on 2 CPUs.
  schedSliceNs: 1_500_000,
  // A switch between two runnable threads (not measured here; a few µs on a VM).
  contextSwitchNs: 1_000,
  // The kernel's work per block-and-wake: a C thread's runs on a CPU, each one wake, return, the next
  // nanosleep's entry and the switch away (tools/machine/nanosleep-loop.c, 16 threads × 2000 ×
  // nanosleep(1 µs), under tools/machine/sched-trace.mjs: sched_switch to sched_switch, 1 µs
  // resolution). Four runs, 2026-12-06 19:05 UTC on this VM, load < 1: p10 2, p25 2–3, p50 3, p75
  // 3–4, p90 8, p95 8–12, p99 13–27, p99.9 60–65 µs; mean 3.8–4.6 µs, as the CPU time per round
  // trip untraced (getrusage: 4.1–4.4 µs).
  wakeCpuNs: 3_000,
  wakeCpuSpread: [
    [0, -1_000],
    [0.1, -1_000],
    [0.25, 0],
    [0.5, 0],
    [0.75, 1_000],
    [0.9, 5_000],
    [0.95, 8_000],
    [0.99, 12_000],
    [0.999, 61_000],
    [1, 61_000],
  ],
  // The host's state per run, as offsets from the calibrated sleep (its fast state). 1000 runs of
  // 2000 × nanosleep(1 µs) in one C thread, one run a second (tools/machine/sleep-drift.c, 2026-12-06
  // 20:28–20:50 UTC, load < 1; testdata/machine/, `node tools/machine/drift-summary.mjs`), fall in
  // two states by their median: fast, 69.1–76.5 µs (p50 72.2; a Go RawSyscall loop in that state:
  // 69–71 µs, the calibration's 70.7), and slow, 76.5–90.1 µs (p50 81.5), with runs hardly agreeing
  // with the one before (autocorrelation 0.23 at one run, 0.03 at 30). Which state a run gets changes
  // by the hour: 84 % of those runs were slow; of the stored matrix's single-goroutine cells, 15, 52,
  // 41 and 59 % (Go 1.19 at 04:00, 1.23 at 10:47, 1.26 at 03:51, 1.27 at 18:17 UTC). The spread mixes
  // the two states half and half (the five windows' mean), each state as measured, offsets from the
  // fast state's median.
  sleepRunSpread: [
    [0, -3_100],
    [0.01, -2_000],
    [0.05, -900],
    [0.1, -600],
    [0.25, 0],
    [0.4, 1_400],
    [0.5, 4_300],
    [0.6, 7_200],
    [0.75, 9_300],
    [0.9, 11_600],
    [0.95, 13_400],
    [0.99, 15_900],
    [1, 17_800],
  ],
  // The same state's futex wakes onto the halted other vCPU (tools/machine/futex-drift.c, 400 batches
  // of 400 wakes, 21:20 UTC; testdata/machine/): the medians of the batches' p50 are 26.2 µs when the
  // batch's sleeps were in the fast state, 34.6 µs in the slow one (p10 22.0 / 27.1, p90 38.8 /
  // 44.7). The run quantiles below 0.5 are sleepRunSpread's fast state, those above its slow one.
  futexWakeRunSpread: [
    [0, 0],
    [0.5, 0],
    [0.5, 8_400],
    [1, 8_400],
  ],
  // RawSyscall(nanosleep 1 µs), p50 of 3000 calls: 67.1 / 66.4 µs with both CPUs idle, 64.9 / 64.7
  // µs with both kept busy by nice-19 spinners (the sleeper preempts them at once); 2 runs each,
  // 2026-12-06 on this VM, load average 5.
  idleExitNs: 2_000,
  // The reference machine's whole sleep overhead (6 µs): its timer interrupts are taken to come on
  // time. On the VMs calibrated since, the overhead is 17–28 µs and the rest is the interrupt's
  // lateness (machine.ts timerIrqDelayNs). Measured on the fourth VM (overhead 23.0 µs, so 17 µs
  // late), kernel trace (tools/machine/sched-trace.mjs: an interrupt's sched_waking after the
  // earliest hard expiry it fired, 2026-12-07), p10 / p50 / p90: one sleeper (`raw -procs 1 -g 1
  // -d 1`) 13.5 / 14.1 / 16.6 µs; `syscall -procs 1 -g 1 -d 100` 14.2–15.0 / 15.2–21.4 / 24.8–27.8
  // µs; `-procs 2 -g 1 -d 100` 16.1 / 17.3 / 28.9 µs; `-procs 4 -g 16 -d 1` p50 16.4 µs.
  sleepWakePathNs: 6_000,
  // A wake onto another, idle CPU against one onto the waker's CPU: 31.5 against 3.3–6.0 µs at the
  // median (the futex measurement above). Added when a timer interrupt sends a thread to another idle
  // CPU; a futex wake's and a new thread's start's draws include it (taken out when no CPU is idle).
  ipiWakeNs: 27_000,
  // A woken thread's run is longer the idler its CPU was. Runs on a CPU (sched_switch to sched_switch,
  // tools/machine/sched-trace.mjs, 2026-12-07 on a VM of this kind), p50 / p90 and CPU busy: 16 C
  // threads in a nanosleep(1 µs) loop 3 / 8 µs (busy: wakeCpuSpread); Go `syscall -procs 4 -g 16 -d 1`
  // 5–6 / 18–20 µs (42 %); `raw -procs 4 -g 16 -d 1` 10 / 18 µs (22 %); `syscall -procs 1 -g 1 -d 1`
  // 15 / 19 µs (14 %, nearly every wake from idle). A lone sleeper's measured latency, taken with the
  // CPU idle, holds that slow run; this much of it is the run's CPU work when a timer wake lands on an
  // idle CPU (the model's runs then, with futexWaker* below: 13 / 19 µs at 12–13 % busy, 5 / 14 µs
  // at 41–45 %).
  idleRunNs: 10_000,
  // The waker's own CPU for a futex wake. sysmon's passes (switched in → its next usleep armed,
  // sched-trace.mjs's passes line, the same day), own CPU p50 with no wake / one wake onto its CPU /
  // one onto the other: 4 / 12 / 16 µs at `syscall -procs 4 -g 16 -d 1`, 3 / 9 / 20 µs at `syscall
  // -procs 1 -g 1 -d 100`.
  futexWakerNs: 7_000,
  futexWakerIpiNs: 10_000,
};

/**
 * A machine without noise or contention: exact latencies (the medians) and a CPU for every thread.
 * For rule tests that check exact timings; predictions use thisMachine.
 */
export const exactMachine: Machine = {
  ...thisMachine,
  ncpu: 1024,
  sleepSpreads: [],
  futexWakeSpread: [],
  threadStartSpread: [],
  syscallSpread: [],
  preemptSignalSpread: [],
  takeBackSpread: [],
  wakeCpuSpread: [],
  sleepRunSpread: [],
  futexWakeRunSpread: [],
  contextSwitchNs: 0,
  wakeCpuNs: 0,
  idleExitNs: 0,
  sleepWakePathNs: 6_000,
  ipiWakeNs: 0,
  idleRunNs: 0,
  futexWakerNs: 0,
  futexWakerIpiNs: 0,
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
  initSyscallsOnP0: 3, // stdin, stdout, stderr: os.NewFile → unix.IsNonblock → syscall.Syscall(SYS_FCNTL)
};

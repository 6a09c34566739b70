// What a simulation is run with: the Go version profile's constants and rules, the costs of runtime
// steps, and the machine. Profiles (src/profiles/) provide defaults; every figure can be overridden.

/** Constants of the runtime that a version profile fixes (each cites its place in runtime/proc.go). */
export interface RuntimeConstants {
  /** sysmon's first and minimum usleep (µs): proc.go sysmon `delay = 20`. */
  readonly sysmonDelayUsMin: number;
  /** sysmon doubles its sleep after this many consecutive idle passes (`idle > 50`). */
  readonly sysmonIdlePassesBeforeBackoff: number;
  /** sysmon's maximum usleep (µs): `delay > 10*1000`. */
  readonly sysmonDelayUsMax: number;
  /** sysmon's deep-sleep cap: forcegcperiod/2. */
  readonly sysmonDeepSleepNsMax: number;
  /** retake: a _Psyscall P with an empty runq is spared this long while someone spins or a P idles. */
  readonly syscallKeepPNs: number;
  /** forcePreemptNS: a G running this long without rescheduling is preempted. */
  readonly forcePreemptNs: number;
  /** stealWork: rounds over all Ps; the last also steals runnext. */
  readonly stealTries: number;
  /** findRunnable: the global queue is checked every this many schedticks. */
  readonly globalRunqFairnessTicks: number;
  /** runqgrab: usleep before stealing a running P's runnext (µs). */
  readonly runnextStealSleepUs: number;
  /** forcegcperiod: sysmon forces a GC cycle if none ran for this long. */
  readonly forcegcPeriodNs: number;
  /** sched.maxmcount: the thread limit. */
  readonly maxmcount: number;
  /** Asynchronous preemption by signal (go1.14+). */
  readonly asyncPreemption: boolean;
  /** retake's sysretake bypass of rule a after a 10 ms slice (go1.13+). */
  readonly sysretake: boolean;
}

/** Costs of runtime steps, in nanoseconds (defaults from testdata/calibration, see docs/model.md). */
export interface Costs {
  /** entersyscall's own cost (half of Syscall(getpid) − RawSyscall(getpid) ≈ 100 ns). */
  readonly entersyscallNs: number;
  /** exitsyscall's fast-path cost. */
  readonly exitsyscallNs: number;
  /**
   * exitsyscall taking its old P back from the thread now holding it in a syscall (go1.26+
   * exitsyscallTryGetP; before, exitsyscallfast's CAS on a P another M left in _Psyscall): the time
   * the P stays busy beyond the fastest such exit, median (spread: Machine.takeBackSpread).
   */
  readonly exitsyscallTakeBackNs: number;
  /** cgocall's cost beyond entersyscall/exitsyscall (cgo getpid ≈ Syscall getpid here). */
  readonly cgocallExtraNs: number;
  /** FUTEX_WAKE (notewakeup) onto another, idle CPU until the woken thread runs, end to end (machine.ts futexWakeNs). */
  readonly futexWakeNs: number;
  /** newm until the new thread runs mstart (clone + thread start), median; includes mstartNs. */
  readonly threadStartNs: number;
  /** The new thread's own CPU work before it schedules (mstart, minit): the on-CPU part of threadStartNs. */
  readonly mstartNs: number;
  /** newm's clone() on the creating thread's CPU (allocm, the g0 stack, clone). */
  readonly cloneNs: number;
  /** One sysmon pass's CPU work (retake over all Ps, the netpoll and forced-GC checks). */
  readonly sysmonPassNs: number;
  /** One pass through schedule()/findRunnable up to execute. */
  readonly scheduleNs: number;
  /** The `go` statement (newproc). */
  readonly newprocNs: number;
  /** A channel, WaitGroup or mutex operation that does not block, Gosched, an allocation. */
  readonly syncOpNs: number;
  /** preemptM: SIGURG sent until the goroutine stops at an async safe point. */
  readonly preemptSignalNs: number;
  /** Cooperative preemption: until a computing goroutine's next function prologue sees stackPreempt. */
  readonly preemptPrologueNs: number;
  /** GC: the sweep-termination stop-the-world's work while stopped. */
  readonly gcSweepTermNs: number;
  /** GC: concurrent mark phase duration. */
  readonly gcMarkNs: number;
  /** GC: the mark-termination stop-the-world's work while stopped. */
  readonly gcMarkTermNs: number;
}

/**
 * A latency's spread around its median: points [p, offsetNs] of a piecewise-linear inverse CDF,
 * p ascending from 0 to 1, offsets ascending, offset 0 at p = 0.5 (machine.ts draws from it).
 */
export type Spread = readonly (readonly [number, number])[];

/** The machine the program runs on; real outcomes depend on it. */
export interface Machine {
  /** CPUs: every thread's CPU work runs on these under the kernel's scheduler (kernel.ts). */
  readonly ncpu: number;
  /** Linux timer slack added to every sleep (default 50 µs; /proc/<tid>/timerslack_ns). */
  readonly timerSlackNs: number;
  /** Sleep overhead beyond the slack: a 1 ns-slack nanosleep lasts about request + 6 µs here. */
  readonly sleepBaseOverheadNs: number;
  /** Extra overhead of long sleeps, measured: [requestNs, extraNs] points, interpolated linearly. */
  readonly sleepExtraNsPoints: readonly (readonly [number, number])[];
  /** Spread of a sleep's real duration by request size: [requestNs, spread], interpolated. */
  readonly sleepSpreads: readonly (readonly [number, Spread])[];
  /**
   * How the host's state moves a whole run's sleeps: one offset drawn per run (machine.ts
   * hostState) and added to every timed sleep's wake-up. Runs of one loop of nanosleep(1 µs)
   * differ by this much at the median, while sleepSpreads is the spread within one run. Unlike the
   * other spreads its offsets are from the calibrated sleep (the host's fast state), not its median.
   */
  readonly sleepRunSpread: Spread;
  /**
   * The same host state's offset to every futex wake onto an idle CPU (Costs.futexWakeNs), read at
   * the run's same quantile as sleepRunSpread; offsets from the calibrated wake (the fast state).
   */
  readonly futexWakeRunSpread: Spread;
  /** Spread of a futex wake-up onto an idle CPU until the woken thread runs (median Costs.futexWakeNs). */
  readonly futexWakeSpread: Spread;
  /** Spread of a thread's start (median Costs.threadStartNs). */
  readonly threadStartSpread: Spread;
  /** Spread of entersyscall + exitsyscall's own cost (median their sum in Costs). */
  readonly syscallSpread: Spread;
  /** Spread of a preemption signal's delivery (median Costs.preemptSignalNs). */
  readonly preemptSignalSpread: Spread;
  /** Spread of exitsyscall's take-back of its P from another thread's syscall (median Costs.exitsyscallTakeBackNs). */
  readonly takeBackSpread: Spread;
  /** The kernel's base time slice (Linux EEVDF: sysctl_sched_base_slice × (1 + ilog2(min(ncpu, 8)))). */
  readonly schedSliceNs: number;
  /** A context switch: a CPU going from one runnable thread to another. */
  readonly contextSwitchNs: number;
  /**
   * The kernel's CPU work to block a thread and wake it again (schedule out and in, the timer or
   * futex), run by the woken thread before its step: the median of wakeCpuSpread's draws.
   */
  readonly wakeCpuNs: number;
  /** Spread of that work per wake (median wakeCpuNs): a C thread's runs on a CPU, measured. */
  readonly wakeCpuSpread: Spread;
  /**
   * A CPU's exit from idle when its own timer interrupt wakes it. The measured sleep latency (taken
   * with the CPU idle) includes it; a timer firing on a busy CPU wakes its thread this much sooner
   * (kernel.ts kTimer).
   */
  readonly idleExitNs: number;
  /**
   * Of sleepBaseOverheadNs, the kernel's part after the timer interrupt (waking the thread, switching
   * to it, the return to user space). The rest is the interrupt's lateness after the hard expiry it
   * was programmed for — on a VM, the hypervisor's emulation of the guest's timer (timerIrqDelayNs).
   */
  readonly sleepWakePathNs: number;
  /**
   * Waking a thread onto another CPU that is idle, against onto the waker's: the inter-processor
   * interrupt and that CPU's exit from idle. A timer interrupt that sends a thread to another idle CPU
   * adds it (kernel.ts kTimer); the measured futex wake (Costs.futexWakeNs, onto an idle CPU) and
   * thread start (Costs.threadStartNs) include it, and with no CPU idle the woken or new thread queues
   * without it (machine.ts futexWakeNs, threadStartNs).
   */
  readonly ipiWakeNs: number;
  /**
   * A thread's run on a CPU its timer wake took from idle is slower than on a busy CPU: this much of
   * the measured sleep latency (taken with the CPU idle) is moved into that run as CPU work (kernel.ts
   * kTimer), so a lone sleeper's call lasts as long and its CPU is busy as long as measured.
   */
  readonly idleRunNs: number;
  /**
   * The waker's own CPU for a futex wake of a parked thread (FUTEX_WAKE: the syscall, try_to_wake_up),
   * charged to the waking thread (kernel.ts kWakeup); futexWakerIpiNs more when the wakee is placed on
   * another CPU (the inter-processor interrupt: a VM exit on a VM).
   */
  readonly futexWakerNs: number;
  readonly futexWakerIpiNs: number;
}

export interface GcSettings {
  /** GOGC percent; heap goal = max(minHeapBytes, marked × (1 + gogc/100)). */
  readonly gogc: number;
  readonly minHeapBytes: number;
  /** Heap that survives each cycle (the workload's live set). */
  readonly liveHeapBytes: number;
}

export type ProfileName = "go1.10" | "go1.19" | "go1.23" | "go1.26" | "go1.27";

/**
 * Rule variants a version profile swaps (docs/profiles.md). Whole code paths differ, not only
 * numbers: each flag selects one path in the model, cited where it branches.
 */
export interface Rules {
  /**
   * Where a syscall leaves its P. "psyscall" (go1.1–go1.25): the P goes _Psyscall, unowned.
   * "running" (go1.26+, CL 646198 "eliminate _Psyscall"): the P stays _Prunning and attached; whoever
   * takes it first claims the G's scan bit (setBlockOnExitSyscall) and takes the P (takeP).
   */
  readonly syscallP: "psyscall" | "running";
  /** go1.10: the M keeps m.p during the syscall, and exitsyscallfast CASes _Psyscall → _Prunning. */
  readonly keepMpInSyscall: boolean;
  /** go1.20+: wakep takes the idle P itself (pidlegetSpinning) and sets sched.needspinning if none. */
  readonly needspinning: boolean;
  /** go1.14+: per-P timer heaps run by the scheduler; go1.10: a timerproc goroutine per bucket that sleeps in entersyscallblock. */
  readonly timers: "per-p" | "timerproc";
  /** go1.16+: a deep-sleep wake-up resets sysmon's backoff only when woken by notewakeup; go1.10: always. */
  readonly sysmonBackoffResetOnNoteOnly: boolean;
  /**
   * P0's p.syscalltick when main.main starts: the os package's init makes one fcntl(F_GETFL) per
   * standard file through syscall.Syscall (os.NewFile → internal/syscall/unix.IsNonblock, 2018 on),
   * each ending in exitsyscall's syscalltick++ on m0's P. By go1.23 unix.Fcntl is runtime.fcntl, a
   * raw call that leaves the count alone. It matters to sysmon's first sighting of a syscall on P0:
   * retake takes the P at once when the P's count equals sysmontick's (both start at 0). Measured
   * with the loop harness reading the Ps' syscalltick at its window's start: 3 under Go 1.19, 0 under
   * Go 1.26 (2026-12-07). Simplified: real Go 1.19 at more Ps has them on whichever P main held
   * during the inits (gcenable hands main's locked m0 a P back), the model on P0, where main starts.
   */
  readonly initSyscallsOnP0: number;
}

/** What-if syscall designs (src/policies/). */
export type Policy =
  /** Today's design: the P stays by the syscall until sysmon (or a stop-the-world) takes it. */
  | { readonly name: "sysmon-retake" }
  /** Every syscall hands its P off at once, as entersyscallblock does (Go proposal 29734's idea). */
  | { readonly name: "immediate-handoff" }
  /** As if every call were RawSyscall: the P is never taken. */
  | { readonly name: "never-retake" }
  /** Go issue 58492: each M has a syscall thread that makes the call while the goroutine parks. */
  | { readonly name: "dedicated-syscall-thread" }
  /** sysmon's minimum sleep is tickNs instead of 20 µs (Go issue 18236). */
  | { readonly name: "sysmon-tick"; readonly tickNs: number };

export interface RuntimeConfig {
  readonly profile: ProfileName;
  readonly rules: Rules;
  readonly policy: Policy;
  readonly gomaxprocs: number;
  readonly seed: number;
  readonly constants: RuntimeConstants;
  readonly costs: Costs;
  readonly machine: Machine;
  readonly gc: GcSettings;
  /**
   * Idle Ms parked at start (-1 = min(GOMAXPROCS, 3)). Real programs reach main with threads left over
   * from start-up (the wakeps of the runtime's own goroutines): the stored matrices show m0 + sysmon
   * + 1, 2, 2–4 and 3–4 threads at the window's start for GOMAXPROCS 1, 2, 4 and 8–32 (simulate.ts,
   * startUpIdleThreadsMax). They count in threadsPeak, not in threadsCreated.
   */
  readonly startIdleThreads: number;
  /** GODEBUG=schedtrace=X: sysmon emits a schedtrace event every X ns (0 = off); keeps sysmon awake as in Go. */
  readonly schedtraceNs: number;
  /** Stop conditions: the run ends (stoppedBy says why) when either is reached. */
  readonly maxTimeNs: number;
  readonly maxEvents: number;
  /** A memory cap: the run stops (stoppedBy "max-goroutines") rather than have more goroutines alive at once. */
  readonly maxGoroutines: number;
}

/** Real duration of nanosleep(request) on the machine: request + overhead + timer slack (+ measured extra). */
export function sleepActualNs(machine: Machine, requestNs: number): number {
  return requestNs + machine.sleepBaseOverheadNs + machine.timerSlackNs + interpolate(machine.sleepExtraNsPoints, requestNs);
}

function interpolate(points: readonly (readonly [number, number])[], x: number): number {
  if (points.length === 0) return 0;
  const first = points[0]!;
  if (x <= first[0]) return first[1];
  for (let i = 1; i < points.length; i++) {
    const [x1, y1] = points[i]!;
    if (x <= x1) {
      const [x0, y0] = points[i - 1]!;
      return Math.round(y0 + ((y1 - y0) * (x - x0)) / (x1 - x0));
    }
  }
  return points[points.length - 1]![1];
}

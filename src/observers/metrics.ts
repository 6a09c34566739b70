// The metrics report, computed from runtime events alone (names as in docs/cli.md and docs/validation-programs.md, the same that
// the validation suite reads from real Go programs).
import type { Histogram } from "hdr-histogram-js";
// The histogram class alone: hdr-histogram-js's main entry also loads its WebAssembly build, log
// reader and writer and pako (44 files), and the log writer creates an Intl.NumberFormat at load —
// ICU's first use, ~35 ms of every start-up on this machine.
import * as int32HistogramModule from "hdr-histogram-js/dist/Int32Histogram.js";
import { _Grunnable, _Grunning } from "../runtime/runtime2.js";
import type { Observer, RuntimeEvent } from "../runtime/events.js";

export interface LatencySummary {
  readonly count: number;
  readonly meanNs: number;
  readonly p50Ns: number;
  readonly p90Ns: number;
  readonly p99Ns: number;
  readonly maxNs: number;
}

export interface Metrics {
  readonly makespanNs: number;
  /** OS threads created by newm after start-up (m0 and sysmon excluded). */
  readonly threadsCreated: number;
  /** Most OS threads at once: m0, sysmon and start-up threads included (Ms are never freed, so also the end count). */
  readonly threadsPeak: number;
  readonly goroutines: number;
  readonly syscalls: {
    /** Calls through entersyscall: Syscall/Read/Write, cgo calls, entersyscallblock. */
    readonly total: number;
    readonly raw: number;
    readonly fastSameP: number;
    readonly fastIdleP: number;
    readonly slow: number;
    /** Calls whose P was taken (retake, stop-the-world, entersyscallblock): Σ Δsyscalltick − calls in Go. */
    readonly lostP: number;
  };
  readonly handoffs: { readonly sysmonRetake: number; readonly blockingSyscall: number };
  readonly sysmon: { readonly wakeups: number; readonly preemptions: number };
  /** notewakeup of a parked thread (an idle M, a locked M, a syscall thread, or sysmon from deep sleep). */
  readonly threadWakeups: number;
  /** Threads going to sleep on a futex: stopm, stoplockedm, blocking in netpoll, sysmon's deep sleep. */
  readonly threadSleeps: number;
  readonly schedLatencyNs: LatencySummary;
  readonly syscallLatencyNs: LatencySummary;
  /** Fraction of P-time a goroutine held a P (running, or in a RawSyscall). */
  readonly pUtilization: number;
  readonly gc: { readonly cycles: number; readonly forced: number; readonly stwTotalNs: number };
}

type HistogramClass = new (lowestDiscernibleValue: number, highestTrackableValue: number, numberOfSignificantValueDigits: number) => Histogram;
// A CommonJS module with exports.default: Node's ESM import gives its exports object as the default,
// the web UI's bundler gives exports.default itself.
const int32Default = (int32HistogramModule as { default: unknown }).default;
const Int32Histogram = (typeof int32Default === "function" ? int32Default : (int32Default as { default: unknown }).default) as HistogramClass;

/** What hdr-histogram-js's build({ lowestDiscernibleValue: 1, highestTrackableValue: 2^44, 3 digits }) makes: an Int32Histogram (its default 32-bit buckets) that resizes. */
export function latencyHistogram(): Histogram {
  const h = new Int32Histogram(1, 2 ** 44, 3);
  h.autoResize = true;
  return h;
}

function summarize(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { count: 0, meanNs: 0, p50Ns: 0, p90Ns: 0, p99Ns: 0, maxNs: 0 };
  return {
    count: h.totalCount,
    meanNs: Math.round(h.mean),
    p50Ns: h.getValueAtPercentile(50),
    p90Ns: h.getValueAtPercentile(90),
    p99Ns: h.getValueAtPercentile(99),
    maxNs: h.maxValue,
  };
}

export class MetricsObserver implements Observer {
  private threadsCreated = 0;
  private threadsPeak = 2;
  private goroutines = 0;
  private syscallsTotal = 0;
  private syscallsRaw = 0;
  private fastSameP = 0;
  private fastIdleP = 0;
  private slow = 0;
  private lostP = 0;
  private sysmonRetake = 0;
  private blockingSyscall = 0;
  private sysmonWakeups = 0;
  private sysmonPreemptions = 0;
  private threadWakeups = 0;
  private threadSleeps = 0;
  private gcForced = 0;
  private gcCycles = 0;
  private stwTotalNs = 0;
  private endNs = 0;
  private readonly runnableSince = new Map<number, number>();
  private readonly syscallSince = new Map<number, number>();
  private readonly busySince: number[];
  private busyTotalNs = 0;
  private readonly sched = latencyHistogram();
  private readonly syscall = latencyHistogram();

  constructor(private readonly gomaxprocs: number) {
    this.busySince = new Array<number>(gomaxprocs).fill(-1);
  }

  onEvent(e: Readonly<RuntimeEvent>): void {
    if (e.gTo === _Grunnable && e.gFrom !== _Grunnable) this.runnableSince.set(e.goid, e.timeNs);
    if (e.gFrom === _Grunning && e.gTo !== _Grunning) this.stopBusy(e.p, e.timeNs);
    switch (e.fn) {
      case "newproc":
        this.goroutines++;
        break;
      case "newm":
        if (e.reason !== "sysmon" && e.reason !== "start-up") this.threadsCreated++;
        if (e.mcount > this.threadsPeak) this.threadsPeak = e.mcount;
        break;
      case "execute": {
        const since = this.runnableSince.get(e.goid);
        if (since !== undefined) {
          this.sched.recordValue(Math.max(1, e.timeNs - since));
          this.runnableSince.delete(e.goid);
        }
        this.startBusy(e.p, e.timeNs);
        break;
      }
      case "entersyscall":
      case "entersyscallblock":
        this.syscallsTotal++;
        this.syscallSince.set(e.goid, e.timeNs);
        if (e.fn === "entersyscallblock") {
          this.blockingSyscall++;
          this.lostP++;
        }
        break;
      case "rawsyscall":
        this.syscallsRaw++;
        this.syscallSince.set(e.goid, e.timeNs);
        break;
      case "rawsyscall_return":
      case "exitsyscall": {
        const since = this.syscallSince.get(e.goid);
        if (since !== undefined) {
          this.syscall.recordValue(Math.max(1, e.timeNs - since));
          this.syscallSince.delete(e.goid);
        }
        if (e.fn === "exitsyscall" && e.reason === "fast") this.startBusy(e.p, e.timeNs);
        break;
      }
      case "exitsyscallfast":
        this.fastSameP++;
        break;
      case "exitsyscallfast_pidle":
        this.fastIdleP++;
        break;
      case "exitsyscall0":
      case "exitsyscallNoP":
        this.slow++;
        break;
      case "exitsyscallTryGetP":
        // go1.26+: its old P back from a thread holding it in a syscall (that call lost it), or an idle P.
        if (e.reason === "idle-p") this.fastIdleP++;
        else {
          this.fastSameP++;
          this.lostP++;
        }
        break;
      case "exitsyscallfast_reacquired":
      case "entersyscall_gcwait":
        this.lostP++;
        break;
      case "retake":
        if (e.reason === "preempt-long-running") this.sysmonPreemptions++;
        else {
          this.sysmonRetake++;
          this.lostP++;
        }
        break;
      case "stopTheWorldWithSema":
        if (e.reason === "took-syscall-p") this.lostP++;
        break;
      case "startTheWorldWithSema":
        this.stwTotalNs += e.durationNs;
        break;
      case "gcStart":
        this.gcCycles++;
        break;
      case "sysmon":
        if (e.reason === "wake") this.sysmonWakeups++;
        else if (e.reason === "deep-sleep") this.threadSleeps++;
        else if (e.reason === "forcegc") this.gcForced++;
        break;
      case "notewakeup":
        this.threadWakeups++;
        break;
      case "stopm":
        this.threadSleeps++;
        break;
      case "stoplockedm":
        if (e.reason !== "already-woken") this.threadSleeps++;
        break;
      case "netpoll":
        if (e.reason === "block") this.threadSleeps++;
        break;
      case "forEachP":
        this.lostP++;
        break;
      default:
        break;
    }
  }

  private startBusy(p: number, t: number): void {
    if (p >= 0 && this.busySince[p] === -1) this.busySince[p] = t;
  }

  private stopBusy(p: number, t: number): void {
    if (p < 0) return;
    const since = this.busySince[p]!;
    if (since >= 0) this.busyTotalNs += t - since;
    this.busySince[p] = -1;
  }

  onEnd(endTimeNs: number): void {
    this.endNs = endTimeNs;
    for (let p = 0; p < this.gomaxprocs; p++) this.stopBusy(p, endTimeNs);
  }

  metrics(): Metrics {
    const span = this.endNs;
    return {
      makespanNs: span,
      threadsCreated: this.threadsCreated,
      threadsPeak: this.threadsPeak,
      goroutines: this.goroutines,
      syscalls: {
        total: this.syscallsTotal,
        raw: this.syscallsRaw,
        fastSameP: this.fastSameP,
        fastIdleP: this.fastIdleP,
        slow: this.slow,
        lostP: this.lostP,
      },
      handoffs: { sysmonRetake: this.sysmonRetake, blockingSyscall: this.blockingSyscall },
      sysmon: { wakeups: this.sysmonWakeups, preemptions: this.sysmonPreemptions },
      threadWakeups: this.threadWakeups,
      threadSleeps: this.threadSleeps,
      schedLatencyNs: summarize(this.sched),
      syscallLatencyNs: summarize(this.syscall),
      pUtilization: span > 0 ? Math.round((this.busyTotalNs / (span * this.gomaxprocs)) * 1e4) / 1e4 : 0,
      gc: { cycles: this.gcCycles, forced: this.gcForced, stwTotalNs: this.stwTotalNs },
    };
  }
}

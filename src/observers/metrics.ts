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

/**
 * A histogram's summary in one pass over its buckets, with the library's own arithmetic: the mean as
 * its `mean` getter sums it (each recorded bucket's median equivalent value × count, in bucket order,
 * over the total count) and each percentile as `getValueAtPercentile` finds it (the highest value
 * equivalent to the first bucket where the running count reaches ⌈p/100 × total⌉, computed with its
 * ulp guard). The getters walk the buckets once each, through an iterator that allocates per bucket:
 * ≈ 50 ms of a cold `gosched run` of the seed workload, against ≈ 1 ms for this pass.
 * test/observers/histogram.test.ts checks the two agree.
 */
/** The bucket methods of hdr-histogram-js's JsHistogram class (public there, not in its Histogram interface). */
interface Buckets {
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
  highestEquivalentValue(value: number): number;
  medianEquivalentValue(value: number): number;
}

export function latencySummary(h: Histogram): LatencySummary {
  const n = h.totalCount;
  if (n === 0) return { count: 0, meanNs: 0, p50Ns: 0, p90Ns: 0, p99Ns: 0, maxNs: 0 };
  const jh = h as unknown as Buckets;
  const targets = [countAtPercentile(50, n), countAtPercentile(90, n), countAtPercentile(99, n)];
  const values = [0, 0, 0];
  let k = 0;
  let cum = 0;
  let total = 0;
  for (let i = 0; cum < n; i++) {
    const c = jh.getCountAtIndex(i);
    if (c === 0) continue;
    cum += c;
    const highest = jh.highestEquivalentValue(jh.valueFromIndex(i));
    total += jh.medianEquivalentValue(highest) * c;
    while (k < targets.length && cum >= targets[k]!) values[k++] = highest;
  }
  return { count: n, meanNs: Math.round(total / n), p50Ns: values[0]!, p90Ns: values[1]!, p99Ns: values[2]!, maxNs: h.maxValue };
}

/** getValueAtPercentile's count: ⌈p/100 × total⌉, guarded against a 1-ulp excess of the product, at least 1. */
function countAtPercentile(percentile: number, totalCount: number): number {
  const fp = (percentile / 100) * totalCount;
  return Math.max(Math.ceil(fp - 2 ** (Math.floor(Math.log2(fp)) - 52)), 1);
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
      schedLatencyNs: latencySummary(this.sched),
      syscallLatencyNs: latencySummary(this.syscall),
      pUtilization: span > 0 ? Math.round((this.busyTotalNs / (span * this.gomaxprocs)) * 1e4) / 1e4 : 0,
      gc: { cycles: this.gcCycles, forced: this.gcForced, stwTotalNs: this.stwTotalNs },
    };
  }
}

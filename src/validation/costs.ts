// Cost profiles: the JSON that `gosched calibrate` writes and `run`/`validate --costs <file>` read.
// Only the figures a profile carries are overridden; everything else keeps the version profile's
// defaults (src/profiles/).
import { GoschedError } from "../base/errors.js";
import type { Costs, Machine, Spread } from "../runtime/config.js";
import { medianOf } from "./judge.js";

export const costProfileFormat = "gosched-costs/1";

export interface CostProfile {
  readonly format: typeof costProfileFormat;
  readonly costs: Partial<Costs>;
  readonly machine: Partial<Machine>;
  /** How each figure was obtained (free-form, for people). */
  readonly measured?: Readonly<Record<string, unknown>>;
  readonly goVersion?: string;
  readonly date?: string;
}

const costKeys: readonly (keyof Costs)[] = [
  "entersyscallNs", "exitsyscallNs", "cgocallExtraNs", "futexWakeNs", "threadStartNs", "scheduleNs", "newprocNs",
  "syncOpNs", "preemptSignalNs", "gcSweepTermNs", "gcMarkNs", "gcMarkTermNs", "mstartNs", "cloneNs", "sysmonPassNs", "exitsyscallTakeBackNs",
];
const machineNumberKeys: readonly (keyof Machine)[] = ["ncpu", "timerSlackNs", "sleepBaseOverheadNs", "schedSliceNs", "contextSwitchNs", "wakeCpuNs", "idleExitNs", "sleepWakePathNs", "ipiWakeNs", "idleRunNs", "futexWakerNs", "futexWakerIpiNs"];
const spreadKeys: readonly (keyof Machine)[] = ["futexWakeSpread", "threadStartSpread", "syscallSpread", "preemptSignalSpread", "takeBackSpread", "wakeCpuSpread", "sleepRunSpread", "futexWakeRunSpread"];

/** A spread: [[p, offsetNs], …] with p from 0 to 1 and both ascending; null if malformed. */
function parseSpread(v: unknown): Spread | null {
  if (!Array.isArray(v)) return null;
  const pts: [number, number][] = [];
  for (const x of v) {
    if (!Array.isArray(x) || x.length !== 2 || !x.every((y) => typeof y === "number" && Number.isFinite(y))) return null;
    const [p, o] = x as [number, number];
    if (p < 0 || p > 1) return null;
    const last = pts[pts.length - 1];
    if (last !== undefined && (p < last[0] || o < last[1])) return null;
    pts.push([p, Math.round(o)]);
  }
  return pts;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Checks a parsed cost profile; `where` names the file in errors. */
export function parseCostProfile(json: unknown, where: string): CostProfile {
  const bad = (msg: string): never => {
    throw new GoschedError("OPTION_INVALID", `${where}: ${msg}`);
  };
  if (!isObj(json)) return bad("a cost profile is a JSON object");
  if (json.format !== costProfileFormat) bad(`"format" must be "${costProfileFormat}" (written by gosched calibrate)`);
  const costs: Record<string, number> = {};
  const c = json.costs ?? {};
  if (!isObj(c)) return bad(`"costs" must be an object`);
  for (const [k, v] of Object.entries(c)) {
    if (!(costKeys as readonly string[]).includes(k)) bad(`unknown cost "${k}" (known: ${costKeys.join(", ")})`);
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) bad(`costs.${k} must be a number of ns ≥ 0`);
    costs[k] = Math.round(v as number);
  }
  const machine: Record<string, unknown> = {};
  const m = json.machine ?? {};
  if (!isObj(m)) return bad(`"machine" must be an object`);
  for (const [k, v] of Object.entries(m)) {
    if (k === "sleepExtraNsPoints") {
      const ok = Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === "number" && Number.isFinite(x)));
      if (!ok) bad("machine.sleepExtraNsPoints must be [[requestNs, extraNs], …]");
      const pts = (v as [number, number][]).map(([x, y]) => [Math.round(x), Math.round(y)] as const);
      for (let i = 1; i < pts.length; i++) if (pts[i]![0] <= pts[i - 1]![0]) bad("machine.sleepExtraNsPoints must be sorted by request");
      machine[k] = pts;
    } else if ((spreadKeys as readonly string[]).includes(k)) {
      const sp = parseSpread(v);
      if (sp === null) bad(`machine.${k} must be [[p, offsetNs], …] with p in [0, 1] and both ascending`);
      machine[k] = sp;
    } else if (k === "sleepSpreads") {
      const ok = Array.isArray(v) && v.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === "number" && parseSpread(e[1]) !== null);
      if (!ok) bad("machine.sleepSpreads must be [[requestNs, [[p, offsetNs], …]], …]");
      const sp = (v as [number, unknown][]).map(([r, x]) => [Math.round(r), parseSpread(x)!] as const);
      for (let i = 1; i < sp.length; i++) if (sp[i]![0] <= sp[i - 1]![0]) bad("machine.sleepSpreads must be sorted by request");
      machine[k] = sp;
    } else if ((machineNumberKeys as readonly string[]).includes(k)) {
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0) bad(`machine.${k} must be a number ≥ 0`);
      machine[k] = k === "ncpu" ? Math.max(1, Math.round(v as number)) : Math.round(v as number);
    } else bad(`unknown machine figure "${k}" (known: ${[...machineNumberKeys, "sleepExtraNsPoints", "sleepSpreads", ...spreadKeys].join(", ")})`);
  }
  return {
    format: costProfileFormat,
    costs: costs as Partial<Costs>,
    machine: machine as Partial<Machine>,
    ...(isObj(json.measured) ? { measured: json.measured } : {}),
    ...(typeof json.goVersion === "string" ? { goVersion: json.goVersion } : {}),
    ...(typeof json.date === "string" ? { date: json.date } : {}),
  };
}

/** What `gosched calibrate` measured (medians over repetitions), in ns. */
export interface CalibrationMeasurements {
  /** Syscall(getpid) − RawSyscall(getpid) per call, one process (short -mode both). */
  readonly enterExitNs: number;
  readonly syscallGetpidNs: number;
  readonly rawGetpidNs: number;
  readonly cgoGetpidNs: number;
  /** nanosleep(request) − request as seen by a goroutine in RawSyscall (p50), per request (ns). */
  readonly sleepOverheadNs: readonly (readonly [number, number])[];
  readonly timerSlackNs: number;
  readonly ncpu: number;
  /**
   * `go f()` → f running on another thread: a new thread created / an idle thread woken (p50). The
   * idle one is the Go-level wake (usleep(3) + a futex wake onto either CPU): reported, not written.
   * The new one is thread start's fallback when newmStartQuantilesNs was not measured.
   */
  readonly spawnNewNs: number;
  readonly spawnIdleNs: number;
  /** Quantiles (medians over repetitions) of the same latencies, when measured: the spreads. */
  readonly sleepQuantilesNs?: readonly (readonly [number, LatencyQuantiles])[];
  readonly spawnNewQuantilesNs?: LatencyQuantiles;
  readonly spawnIdleQuantilesNs?: LatencyQuantiles;
  /**
   * Thread creation in a real trace (testdata/go/newm, Go ≥ 1.22; src/gotrace/newm_latency.ts):
   * sysmon's take of a P → a thread newm created for it takes the P (ProcStart), and allocm's borrow
   * of the P (sysmon's ProcStart → ProcStop) within it.
   */
  readonly newmStartQuantilesNs?: LatencyQuantiles;
  readonly allocmBorrowQuantilesNs?: LatencyQuantiles;
  /** The toolchain whose trace measured them: another one when the calibrated Go writes the old trace format. */
  readonly newmGoVersion?: string;
  /**
   * exitsyscall's take-back of its old P in a real trace (the syscall program under GOSCHED_TRACE,
   * Go ≥ 1.22; src/gotrace/takeback.ts): ProcSteal → the goroutine's next GoSyscallBegin, and the
   * toolchain whose trace it was.
   */
  readonly takeBackQuantilesNs?: LatencyQuantiles;
  readonly takeBackGoVersion?: string;
  /**
   * clone() as newosproc calls it (testdata/go/clone, cgo): on the parent's thread, and clone()
   * called → the child running.
   */
  readonly cloneParentQuantilesNs?: LatencyQuantiles;
  readonly cloneChildStartQuantilesNs?: LatencyQuantiles;
  /** Measurements not made, by name, with the reason (reported in `measured`). */
  readonly skipped?: Readonly<Record<string, string>>;
  /**
   * FUTEX_WAKE → the woken thread runs (testdata/go/futex, two pinned threads): onto another, idle
   * CPU (absent with fewer than 2 CPUs) and onto the waker's own CPU.
   */
  readonly futexOtherCpuQuantilesNs?: LatencyQuantiles;
  readonly futexSameCpuQuantilesNs?: LatencyQuantiles;
}

/**
 * Quantiles of a latency as the Go programs report them (min, p50, p99, max, and where printed the
 * body p5 … p99.9), ns.
 */
export interface LatencyQuantiles {
  readonly min: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly p5?: number;
  readonly p10?: number;
  readonly p25?: number;
  readonly p75?: number;
  readonly p90?: number;
  readonly p95?: number;
  readonly p999?: number;
}

/** The optional body quantiles and their probabilities. */
const bodyQuantiles = [["p5", 0.05], ["p10", 0.1], ["p25", 0.25], ["p75", 0.75], ["p90", 0.9], ["p95", 0.95], ["p999", 0.999]] as const;
export const bodyQuantileKeys: readonly string[] = bodyQuantiles.map(([k]) => k);

/**
 * The spread of measured quantiles around their median: [[0, min], …, [0.5, 0], …, [0.99, p99], …,
 * [1, max]] − p50, offsets made non-decreasing (medians over repetitions need not be). With only
 * min/p50/p99/max the body between p50 and p99 is a straight line; on a loaded VM whose tail is
 * milliseconds (p95 85 µs, p99 2.5 ms for nanosleep(1 µs)) that line makes the mean several times
 * too long, so the programs print the body quantiles too.
 */
export function spreadFromQuantiles(q: LatencyQuantiles): Spread {
  const pts: [number, number][] = [[0, q.min], [0.5, q.p50], [0.99, q.p99], [1, q.max]];
  for (const [k, p] of bodyQuantiles) if (typeof q[k] === "number" && Number.isFinite(q[k])) pts.push([p, q[k]]);
  pts.sort((a, b) => a[0] - b[0]);
  let floor = -Infinity;
  return pts.map(([p, v]) => {
    // below the median at most 0, at the median 0, above it at least the offset before
    floor = p === 0.5 ? 0 : p < 0.5 ? Math.min(0, Math.max(floor, Math.round(v - q.p50))) : Math.max(floor, Math.round(v - q.p50));
    return [p, floor] as const;
  });
}

/**
 * The machine's sleep model from measured nanosleep overheads ([requestNs, actual − request]):
 * slack + base overhead = the smallest overhead, and the extra of longer sleeps interpolated.
 */
export function sleepModel(overheadNs: readonly (readonly [number, number])[], timerSlackNs: number): Pick<Machine, "timerSlackNs" | "sleepBaseOverheadNs" | "sleepExtraNsPoints"> & { baseNs: number } {
  const pts = [...overheadNs].sort((a, b) => a[0] - b[0]);
  const base = pts.length > 0 ? Math.min(...pts.map((p) => p[1])) : 56_000;
  return {
    timerSlackNs,
    sleepBaseOverheadNs: Math.max(0, Math.round(base - timerSlackNs)),
    sleepExtraNsPoints: pts.map(([d, o]) => [d, Math.max(0, Math.round(o - base))] as const),
    baseNs: base,
  };
}

/**
 * Whether a latency has one mode. On this kind of VM `go f()` → f running is sometimes 90–280 µs
 * and sometimes 2.5–3.8 ms in the same process (measured at load 7: thread start p50 143 µs, p75
 * 2.86 ms, p90 3.84 ms): the slow trials waited for something other than the thread start or the
 * futex wake being measured, and a spread drawn from them made a third of all thread starts
 * milliseconds long (the seed workload at GOMAXPROCS 1: 13.3 s predicted, 1.05 s real). Such a spread
 * is not written; the median is. p95 is looked at too: a slow mode in 3 of 5 processes gave a
 * thread start p50 95 µs with p90 within 5× but p95 1.67 ms.
 */
function oneMode(q: LatencyQuantiles): boolean {
  const upper = Math.max(q.p75 ?? q.p50, q.p90 ?? q.p50, q.p95 ?? q.p50);
  return upper <= 5 * q.p50;
}
const twoModes = "not written: two modes (p75/p90/p95 over 5× the median)";

/**
 * Nearest-rank quantiles of samples (ns), as the Go programs compute them (gosched_measure.go
 * quantiles): the k-th smallest with k = ⌈q·n⌉. Null without samples.
 */
export function latencyQuantilesOf(samples: readonly number[]): LatencyQuantiles | null {
  if (samples.length === 0) return null;
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  return { min: s[0]!, p5: at(0.05), p10: at(0.1), p25: at(0.25), p50: at(0.5), p75: at(0.75), p90: at(0.9), p95: at(0.95), p99: at(0.99), p999: at(0.999), max: s[s.length - 1]! };
}

/** The median of each quantile over repetitions (keys present in every repetition). */
export function medianQuantiles(qs: readonly LatencyQuantiles[]): LatencyQuantiles | null {
  if (qs.length === 0) return null;
  const keys = Object.keys(qs[0]!).filter((k) => qs.every((q) => typeof (q as unknown as Record<string, unknown>)[k] === "number"));
  return Object.fromEntries(keys.map((k) => [k, medianOf(qs.map((q) => (q as unknown as Record<string, number>)[k]!))])) as unknown as LatencyQuantiles;
}

/** The sleep model and costs that reproduce the measurements (see docs/validation.md). */
export function costProfileFrom(x: CalibrationMeasurements, meta: { goVersion: string; date: string }): CostProfile {
  const { sleepBaseOverheadNs, sleepExtraNsPoints, baseNs: base } = sleepModel(x.sleepOverheadNs, x.timerSlackNs);
  // usleep(3) of the spinning M before it steals runnext from a running P (runqgrab).
  const usleep3 = 3000 + base + interp(sleepExtraNsPoints, 3000);
  const half = Math.max(0, Math.round(x.enterExitNs / 2));
  // The futex wake is measured below the runtime, by where the woken thread runs. Costs.futexWakeNs
  // and its spread are the wake onto another, idle CPU (end to end, the IPI to a halted CPU
  // included); ipiWakeNs is what that costs over a wake onto the waker's own CPU. The Go-level wake
  // (spawn -mode idle) mixes both kinds and was bimodal on a quiet VM (90 µs or 3.7 ms per trial),
  // so it is not used. With fewer than 2 CPUs there is no other CPU to wake: nothing is written.
  const other = x.futexOtherCpuQuantilesNs;
  const same = x.futexSameCpuQuantilesNs;
  const oneCpu = "not written: fewer than 2 CPUs allowed, no wake onto another CPU to measure (the profile's default stays)";
  // Thread start: sysmon's take → the new thread takes the P, measured in a real trace (newm) — the
  // model's newm → new M runs, with allocm, clone and mstart inside (proc.ts newm). Without it (Go
  // < 1.22), the indirect figure: `go f()` → f on a new thread (spawn -mode new) minus the spinning
  // M's usleep(3), which still includes wakep/startm and the usleep's slack.
  const traced = x.newmStartQuantilesNs;
  const start = traced ?? x.spawnNewQuantilesNs;
  const threadStartNs = traced !== undefined ? Math.round(traced.p50) : Math.max(1000, Math.round(x.spawnNewNs - usleep3));
  // cloneNs, the creating thread's CPU in newm: allocm's borrow of the P (its mallocs: the M, its g0
  // and signal stacks) + the parent's clone() (the signal mask calls included), at the medians.
  const borrow = x.allocmBorrowQuantilesNs;
  const clone = x.cloneParentQuantilesNs;
  const cloneNs = borrow !== undefined && clone !== undefined ? Math.round(borrow.p50 + clone.p50) : undefined;
  const takeBack = x.takeBackQuantilesNs;
  const cloneNote = borrow === undefined ? "allocm's borrow was not measured (no trace)" : "clone() was not measured";
  return {
    format: costProfileFormat,
    costs: {
      entersyscallNs: half,
      exitsyscallNs: Math.max(0, Math.round(x.enterExitNs - half)),
      cgocallExtraNs: Math.max(0, Math.round(x.cgoGetpidNs - x.syscallGetpidNs)),
      threadStartNs,
      ...(cloneNs !== undefined ? { cloneNs } : {}),
      ...(other !== undefined ? { futexWakeNs: Math.round(other.p50) } : {}),
      // The fastest take-backs (p5) hold the trace's own events and the exit, loop body and entry the
      // model charges anyway: the take-back costs the rest.
      ...(takeBack !== undefined ? { exitsyscallTakeBackNs: Math.max(0, Math.round(takeBack.p50 - (takeBack.p5 ?? takeBack.min))) } : {}),
    },
    machine: {
      ncpu: x.ncpu,
      timerSlackNs: x.timerSlackNs,
      sleepBaseOverheadNs,
      sleepExtraNsPoints,
      ...(x.sleepQuantilesNs !== undefined ? { sleepSpreads: x.sleepQuantilesNs.map(([d, q]) => [d, spreadFromQuantiles(q)] as const) } : {}),
      ...(start !== undefined && oneMode(start) ? { threadStartSpread: spreadFromQuantiles(start) } : {}),
      ...(other !== undefined && oneMode(other) ? { futexWakeSpread: spreadFromQuantiles(other) } : {}),
      ...(other !== undefined && same !== undefined ? { ipiWakeNs: Math.max(0, Math.round(other.p50 - same.p50)) } : {}),
      ...(takeBack !== undefined ? { takeBackSpread: spreadFromQuantiles(takeBack) } : {}),
    },
    measured: {
      ...x,
      usleep3Ns: Math.round(usleep3),
      threadStart: traced !== undefined
        ? `sysmon's take → the new thread's ProcStart in a real trace (newm${x.newmGoVersion !== undefined && x.newmGoVersion !== meta.goVersion ? `, traced with ${x.newmGoVersion}` : ""}): threadStartNs its median, threadStartSpread its quantiles`
        : "from spawn -mode new (no trace measurement): go f() → f on a new thread minus usleep(3)",
      ...(cloneNs === undefined ? { cloneNs: `not written: ${cloneNote} (the profile's default stays)` } : {}),
      ...(takeBack === undefined ? { exitsyscallTakeBackNs: "not written: no traced take-back (the profile's default stays)" } : {}),
      spawnIdle: "go f() via a woken idle thread: the Go-level wake (usleep(3) + a futex wake onto either CPU), not written",
      ...(other === undefined ? { futexWakeNs: oneCpu, futexWakeSpread: oneCpu, ipiWakeNs: oneCpu } : {}),
      ...(other !== undefined && same === undefined ? { ipiWakeNs: "not written: the same-CPU wake was not measured" } : {}),
      ...(start !== undefined && !oneMode(start) ? { threadStartSpread: twoModes } : {}),
      ...(other !== undefined && !oneMode(other) ? { futexWakeSpread: twoModes } : {}),
    },
    goVersion: meta.goVersion,
    date: meta.date,
  };
}

function interp(points: readonly (readonly [number, number])[], x: number): number {
  if (points.length === 0) return 0;
  if (x <= points[0]![0]) return points[0]![1];
  for (let i = 1; i < points.length; i++) {
    const [x1, y1] = points[i]!;
    if (x <= x1) {
      const [x0, y0] = points[i - 1]!;
      return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
    }
  }
  return points[points.length - 1]![1];
}

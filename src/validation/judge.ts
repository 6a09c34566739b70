// The pass rule: a prediction passes when it falls inside the measured [min, max] over the
// repetitions, widened by the metric's tolerance. Bimodal cases are judged as distributions: the
// predictions over several seeds (start-up offsets) against the measured range — pass when at
// least half of them fall inside it and their median does too.
import type { MetricSpec, Tolerance, ValidationCase } from "./cases.js";

/** A measured metric over repetitions: [median, min, max]. */
export type Measured = readonly [number, number, number];

export interface MetricResult {
  readonly key: string;
  readonly measured: Measured | null;
  /** Prediction (median over seeds when bimodal). */
  readonly predicted: number;
  /** All predictions (one per seed). */
  readonly predictions: readonly number[];
  /** The widened range a prediction must fall in. */
  readonly allowed: readonly [number, number] | null;
  /** "PASS" | "FAIL" | "INFO" (not judged) | "N/A" (not measured). */
  readonly verdict: "PASS" | "FAIL" | "INFO" | "N/A";
  /** A known gap: judged, never asserted. */
  readonly gap?: string;
  readonly tolerance: string;
}

export interface CaseResult {
  readonly id: string;
  readonly goVersion: string;
  readonly asserted: boolean;
  readonly bimodal: boolean;
  readonly gap?: string;
  readonly reps: number;
  readonly seeds: readonly number[];
  readonly offsetsNs: readonly number[];
  readonly metrics: readonly MetricResult[];
  /** Every judged metric passed (known-gap metrics aside). */
  readonly pass: boolean;
  /** Known-gap metrics outside tolerance (reported, not asserted). */
  readonly gapMetricsOutside: readonly string[];
  readonly profile: string;
  readonly note?: string;
}

export function widen(t: Tolerance, lo: number, hi: number): [number, number] {
  switch (t.kind) {
    case "count":
      return [Math.min(lo * 0.9, lo - 1), Math.max(hi * 1.1, hi + 1)];
    case "frac":
      return [lo - t.abs, hi + t.abs];
    case "rel":
      return [lo * (1 - t.rel), hi * (1 + t.rel)];
  }
}

export function describeTolerance(t: Tolerance): string {
  switch (t.kind) {
    case "count":
      return "±10 % or ±1";
    case "frac":
      return `±${t.abs}`;
    case "rel":
      return `±${Math.round(t.rel * 100)} %`;
  }
}

export function medianOf(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

export function judgeMetric(spec: MetricSpec, measured: Measured | undefined, predictions: readonly number[], bimodal: boolean): MetricResult {
  const predicted = medianOf(predictions);
  const tolerance = describeTolerance(spec.tol);
  if (measured === undefined || !measured.every(Number.isFinite)) {
    return { key: spec.key, measured: null, predicted, predictions, allowed: null, verdict: "N/A", tolerance };
  }
  const allowed = widen(spec.tol, measured[1], measured[2]);
  const inside = (x: number) => x >= allowed[0] && x <= allowed[1];
  let ok: boolean;
  if (bimodal && predictions.length > 1) ok = inside(predicted) && predictions.filter(inside).length * 2 >= predictions.length;
  else ok = inside(predicted);
  return { key: spec.key, measured, predicted, predictions, allowed, verdict: spec.info === true ? "INFO" : ok ? "PASS" : "FAIL", tolerance, ...(spec.gap !== undefined ? { gap: spec.gap } : {}) };
}

/**
 * Start-up offsets for the seeds: the measured window started windowStartAfterInitNs after the
 * runtime started sysmon; one seed at the median, bimodal cases spread over the measured range.
 */
export function offsetsFor(c: ValidationCase, windowStart: Measured | undefined, seeds: number): number[] {
  const [med, lo, hi] = windowStart ?? [500_000, 400_000, 1_000_000];
  // runs whose window opened late (a stalled start) are outliers; keep to 0.3–2 ms
  const clamp = (x: number) => Math.min(2_000_000, Math.max(300_000, Math.round(x)));
  if (!c.bimodal || seeds <= 1) return [clamp(med)];
  return Array.from({ length: seeds }, (_, i) => clamp(lo + ((Math.min(hi, 2_000_000) - lo) * i) / (seeds - 1)));
}

/** Metrics some programs report only as counts: lostPFrac = syscalls.lostP / syscalls.total. */
export function withDerived(m: Readonly<Record<string, Measured>>): Record<string, Measured> {
  const out: Record<string, Measured> = { ...m };
  const lost = m["syscalls.lostP"];
  const total = m["syscalls.total"];
  if (out.lostPFrac === undefined && lost !== undefined && total !== undefined && total[0] > 0) {
    out.lostPFrac = [lost[0] / total[0], lost[1] / total[2], lost[2] / total[1]];
  }
  return out;
}

export function judgeCase(
  c: ValidationCase,
  goVersion: string,
  profile: string,
  measured: Readonly<Record<string, Measured>>,
  reps: number,
  predictions: readonly Record<string, number>[],
  seeds: readonly number[],
  offsetsNs: readonly number[],
  note?: string,
): CaseResult {
  const metrics = c.metrics.map((spec) =>
    judgeMetric(
      spec,
      measured[spec.key],
      predictions.map((p) => p[spec.key]).filter((x): x is number => x !== undefined),
      c.bimodal,
    ),
  );
  return {
    id: c.id,
    goVersion,
    asserted: c.asserted,
    bimodal: c.bimodal,
    ...(c.gap !== undefined ? { gap: c.gap } : {}),
    reps,
    seeds,
    offsetsNs,
    metrics,
    pass: metrics.every((m) => m.verdict !== "FAIL" || m.gap !== undefined),
    gapMetricsOutside: metrics.filter((m) => m.verdict === "FAIL" && m.gap !== undefined).map((m) => m.key),
    profile,
    ...(note !== undefined ? { note } : {}),
  };
}

/** Runs the simulator for a case (several seeds when bimodal) and judges it against the measurement. */
export function validateCase(
  c: ValidationCase,
  o: {
    goVersion: string;
    profile: import("../runtime/config.js").ProfileName;
    costs?: Partial<import("../runtime/config.js").Costs>;
    machine?: Partial<import("../runtime/config.js").Machine>;
    measured: Readonly<Record<string, Measured>>;
    reps: number;
    seeds: number;
    note?: string;
  },
): CaseResult {
  const measured = withDerived(o.measured);
  const offsets = offsetsFor(c, measured.windowStartAfterInitNs, o.seeds);
  const seeds = offsets.map((_, i) => i + 1);
  const sim = { profile: o.profile, ...(o.costs !== undefined ? { costs: o.costs } : {}), ...(o.machine !== undefined ? { machine: o.machine } : {}) };
  const preds = offsets.map((off, i) => c.predict(sim, seeds[i]!, off));
  return judgeCase(c, o.goVersion, o.profile, measured, o.reps, preds, seeds, offsets, o.note);
}

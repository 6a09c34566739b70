// The pass rule: predictions and measurements are both distributions — the model's over seeds
// (each seed draws its own machine timings and starts main at its own offset after the runtime's
// start), real Go's over repetitions (separate processes). A metric passes when the predicted median
// lies in the measured [min, max] widened by the tolerance AND the measured median lies in the
// predicted p5–p95 widened the same way: the model lands where real Go lands, and real Go's typical
// outcome is one the model produces.
import { distributionOf, seedRange, type Distribution } from "../base/distribution.js";
import type { Costs, Machine, ProfileName } from "../runtime/config.js";
import type { MetricSpec, Tolerance, ValidationCase } from "./cases.js";

/** A measured metric over repetitions: [median, min, max]. */
export type Measured = readonly [number, number, number];

export interface MetricResult {
  readonly key: string;
  readonly measured: Measured | null;
  /** The predicted median over seeds. */
  readonly predicted: number;
  /** All predictions, one per seed (in seed order). */
  readonly predictions: readonly number[];
  /** The predictions' median, p5–p95, min, max and modes (when bimodal). */
  readonly distribution: Distribution;
  /** The widened measured [min, max] the predicted median must fall in. */
  readonly allowed: readonly [number, number] | null;
  /** The widened predicted p5–p95 the measured median must fall in. */
  readonly allowedForMeasured: readonly [number, number] | null;
  /** "PASS" | "FAIL" | "INFO" (not judged) | "N/A" (not measured). */
  readonly verdict: "PASS" | "FAIL" | "INFO" | "N/A";
  /** Which half of the rule failed. */
  readonly why?: string;
  /** A known gap: judged and reported, does not fail validation. */
  readonly gap?: string;
  readonly tolerance: string;
}

export interface CaseResult {
  readonly id: string;
  readonly goVersion: string;
  /** False for a known gap of the whole cell (`gap`): judged and reported, never failing. */
  readonly asserted: boolean;
  /** Some judged metric's predictions have two modes (base/distribution.ts: bimodalSplit). */
  readonly bimodal: boolean;
  readonly gap?: string;
  readonly reps: number;
  readonly seeds: readonly number[];
  readonly offsetsNs: readonly number[];
  readonly metrics: readonly MetricResult[];
  /** Every judged metric passed (known-gap metrics aside). */
  readonly pass: boolean;
  /** Known-gap metrics outside tolerance (reported, not failing). */
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
  return distributionOf(xs).median;
}

const inside = (x: number, r: readonly [number, number]) => x >= r[0] && x <= r[1];

/** Judges one metric: the predictions over seeds against the measured [median, min, max]. */
export function judgeMetric(spec: MetricSpec, measured: Measured | undefined, predictions: readonly number[]): MetricResult {
  const distribution = distributionOf(predictions);
  const predicted = distribution.median;
  const tolerance = describeTolerance(spec.tol);
  const gap = spec.gap !== undefined ? { gap: spec.gap } : {};
  if (measured === undefined || !measured.every(Number.isFinite) || predictions.length === 0) {
    return { key: spec.key, measured: null, predicted, predictions, distribution, allowed: null, allowedForMeasured: null, verdict: "N/A", tolerance, ...gap };
  }
  const allowed = widen(spec.tol, measured[1], measured[2]);
  const allowedForMeasured = widen(spec.tol, distribution.p5, distribution.p95);
  const misses = [
    ...(inside(predicted, allowed) ? [] : ["predicted median outside the measured range"]),
    ...(inside(measured[0], allowedForMeasured) ? [] : ["measured median outside the predicted p5–p95"]),
  ];
  const verdict = spec.info === true ? "INFO" : misses.length === 0 ? "PASS" : "FAIL";
  return {
    key: spec.key,
    measured,
    predicted,
    predictions,
    distribution,
    allowed,
    allowedForMeasured,
    verdict,
    tolerance,
    ...(verdict === "FAIL" ? { why: misses.join("; ") } : {}),
    ...gap,
  };
}

/** Simulator seeds per case unless `validate --seeds` says otherwise. */
export const defaultValidationSeeds = 10;

/**
 * The runs that predict a case: seeds 1…n, each with a start-up offset (when main opens the window
 * after the runtime started sysmon) spread evenly over the measured windowStartAfterInitNs range —
 * real runs differ in it, and sysmon's start-up back-off makes some cells depend on it.
 */
export function predictionPlan(windowStart: Measured | undefined, seeds: number): { seed: number; offsetNs: number }[] {
  const [med, lo, hi] = windowStart ?? [500_000, 400_000, 1_000_000];
  // runs whose window opened late (a stalled start) are outliers; keep to 0.3–2 ms
  const clamp = (x: number) => Math.min(2_000_000, Math.max(300_000, Math.round(x)));
  const top = Math.min(hi, 2_000_000);
  return seedRange(1, seeds).map((seed, i) => ({ seed, offsetNs: seeds <= 1 ? clamp(med) : clamp(lo + ((top - lo) * i) / (seeds - 1)) }));
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
    ),
  );
  return {
    id: c.id,
    goVersion,
    asserted: c.gap === undefined,
    bimodal: metrics.some((m) => m.verdict !== "INFO" && m.distribution.modes !== undefined),
    ...(c.gap !== undefined ? { gap: c.gap } : {}),
    reps,
    seeds,
    offsetsNs,
    metrics,
    pass: metrics.every((m) => m.verdict !== "FAIL" || m.gap !== undefined || c.gap !== undefined),
    gapMetricsOutside: metrics.filter((m) => m.verdict === "FAIL" && (m.gap !== undefined || c.gap !== undefined)).map((m) => m.key),
    profile,
    ...(note !== undefined ? { note } : {}),
  };
}

export interface CaseSettings {
  readonly goVersion: string;
  readonly profile: ProfileName;
  readonly costs?: Partial<Costs>;
  readonly machine?: Partial<Machine>;
  readonly measured: Readonly<Record<string, Measured>>;
  readonly reps: number;
  readonly seeds: number;
  readonly note?: string;
}

/** Runs the simulator for a case over its seeds (in this thread) and judges it against the measurement. */
export function validateCase(c: ValidationCase, o: CaseSettings): CaseResult {
  const measured = withDerived(o.measured);
  const plan = predictionPlan(measured.windowStartAfterInitNs, o.seeds);
  const sim = { profile: o.profile, ...(o.costs !== undefined ? { costs: o.costs } : {}), ...(o.machine !== undefined ? { machine: o.machine } : {}) };
  const preds = plan.map((p) => c.predict(sim, p.seed, p.offsetNs));
  return judgeCase(c, o.goVersion, o.profile, measured, o.reps, preds, plan.map((p) => p.seed), plan.map((p) => p.offsetNs), o.note);
}

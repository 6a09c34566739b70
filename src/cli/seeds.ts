// --seeds N on run, compare and sweep: each configuration simulated with seeds s, s+1, …, s+N−1
// (s = the scenario's seed after overrides), every metric summed up as median and p5–p95 across the
// seeds and flagged when bimodal (src/base/distribution.ts). The runs go through the sweep's worker
// pool; each is a pure function of its task, so the output does not depend on the workers.
import { distributionsOf, seedRange, type Distribution } from "../base/distribution.js";
import { GoschedError } from "../base/errors.js";
import { formatNs } from "../base/time.js";
import type { Override } from "../scenario/core.js";
import type { SweepResult, SweepTask } from "./sweep_task.js";

/** --seeds as given (undefined: one run per configuration, the single-seed output). */
export function seedsOption(v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < 1 || v > 10_000) throw new GoschedError("OPTION_INVALID", `--seeds ${v}: expected a whole number from 1 to 10000`);
  return v;
}

/** The tasks of one configuration over its seeds (indices from `first`). */
export function seededTasks(t: Omit<SweepTask, "index">, baseSeed: number, n: number, first: number): SweepTask[] {
  return seedRange(baseSeed, n).map((seed, i) => ({ ...t, index: first + i, overrides: [...t.overrides, seedOverride(seed)] }));
}

export const seedOverride = (seed: number): Override => ({ key: "seed", value: String(seed), source: `--seeds (seed ${seed})` });

/** One configuration over its seeds. */
export interface SeededResult {
  readonly seeds: readonly number[];
  /** Every seed's end, when they differ: "main-exited" or e.g. "main-exited (8), max-time (2)". */
  readonly stoppedBy: string;
  /** The first seed's fatal error, named by seed. */
  readonly fatal: string | null;
  /** Engine events summed over the seeds. */
  readonly eventCount: number;
  /** Per metric (report order): its distribution over the seeds and each seed's value. */
  readonly metrics: readonly { readonly name: string; readonly distribution: Distribution; readonly values: readonly number[] }[];
}

export function aggregateSeeds(results: readonly SweepResult[], seeds: readonly number[]): SeededResult {
  const ends = new Map<string, number>();
  for (const r of results) ends.set(r.stoppedBy, (ends.get(r.stoppedBy) ?? 0) + 1);
  const stoppedBy = ends.size === 1 ? [...ends.keys()][0]! : [...ends].map(([k, c]) => `${k} (${c})`).join(", ");
  const fi = results.findIndex((r) => r.fatal !== null);
  const dists = distributionsOf(results.map((r) => r.metrics));
  return {
    seeds,
    stoppedBy,
    fatal: fi >= 0 ? `seed ${seeds[fi]!}: ${results[fi]!.fatal!}` : null,
    eventCount: results.reduce((a, r) => a + r.eventCount, 0),
    metrics: dists.map(([name, distribution], j) => ({ name, distribution, values: results.map((r) => r.metrics[j]![1]) })),
  };
}

/** A metric's value in a report: ns as durations, fractions as percentages, counts as numbers. */
export function formatValue(name: string, v: number): string {
  if (name.endsWith("Ns")) return formatNs(Math.round(v));
  if (name === "pUtilization") return `${(v * 100).toFixed(1)}%`;
  return Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2);
}

/** "median [p5–p95]", with "bimodal: a | b" when the seeds form two modes. */
export function formatDistribution(name: string, d: Distribution): string {
  const f = (x: number) => formatValue(name, x);
  const body = d.p5 === d.p95 ? f(d.median) : `${f(d.median)} [${f(d.p5)}–${f(d.p95)}]`;
  return d.modes !== undefined ? `${body} bimodal: ${f(d.modes[0])} | ${f(d.modes[1])}` : body;
}

/** The JSON form of one configuration over seeds. */
export function seededJson(r: SeededResult): object {
  return {
    seeds: r.seeds,
    stoppedBy: r.stoppedBy,
    fatal: r.fatal,
    eventCount: r.eventCount,
    metrics: Object.fromEntries(r.metrics.map((m) => [m.name, { ...m.distribution, bimodal: m.distribution.modes !== undefined, values: m.values }])),
  };
}

/**
 * A side-by-side table: one row per metric, one column per configuration (median [p5–p95]); with
 * `deltas`, the change of each median against the first column (compare).
 */
export function formatSeededTable(labels: readonly string[], runs: readonly SeededResult[], deltas = false): string {
  const names = runs[0]!.metrics.map((m) => m.name);
  const header = ["metric", ...labels];
  const delta = (a: number, b: number) => (a === b ? " (=)" : a !== 0 ? ` (${b > a ? "+" : "-"}${Math.abs(((b - a) / a) * 100).toFixed(0)}%)` : "");
  const body = names.map((k, j) => [
    k,
    ...runs.map((r, i) => formatDistribution(k, r.metrics[j]!.distribution) + (deltas && i > 0 ? delta(runs[0]!.metrics[j]!.distribution.median, r.metrics[j]!.distribution.median) : "")),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c]!.length)));
  const line = (r: readonly string[]) => r.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join("  ");
  const lines = [line(header), ...body.map(line)];
  runs.forEach((r, i) => {
    if (r.fatal !== null) lines.push(`${labels[i]!}: ${r.fatal}`);
    else if (r.stoppedBy !== "main-exited") lines.push(`${labels[i]!}: stopped by ${r.stoppedBy}`);
  });
  const bimodal = runs.flatMap((r, i) => r.metrics.filter((m) => m.distribution.modes !== undefined).map((m) => `${labels[i]!}: ${m.name}`));
  lines.push("", `median [p5–p95] over seeds ${runs[0]!.seeds[0]!}…${runs[0]!.seeds[runs[0]!.seeds.length - 1]!} (${runs[0]!.seeds.length} seeds)`);
  if (deltas) lines.push(`(±%): the median's change against '${labels[0]!}'`);
  if (bimodal.length > 0) lines.push(`bimodal (two modes across seeds, shown low | high): ${bimodal.join("; ")}`);
  return lines.join("\n");
}

/** sweep --seeds as CSV: per metric its median, then name.p5 and name.p95; `bimodal` lists the bimodal metrics. */
export function seededCsv(keys: readonly string[], points: readonly { values: Readonly<Record<string, string>>; result: { stoppedBy: string; fatal: string | null } }[], runs: readonly SeededResult[]): string {
  const cell = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const names = runs[0]!.metrics.map((m) => m.name);
  const lines = [[...keys, "stoppedBy", "fatal", "seeds", "bimodal", ...names.flatMap((k) => [k, `${k}.p5`, `${k}.p95`])].map(cell).join(",")];
  points.forEach((p, i) => {
    const r = runs[i]!;
    const bimodal = r.metrics.filter((m) => m.distribution.modes !== undefined).map((m) => m.name).join(" ");
    const seeds = `${r.seeds[0]!}-${r.seeds[r.seeds.length - 1]!}`;
    const stats = r.metrics.flatMap((m) => [m.distribution.median, m.distribution.p5, m.distribution.p95].map(String));
    lines.push([...keys.map((k) => p.values[k] ?? ""), p.result.stoppedBy, p.result.fatal ?? "", seeds, bimodal, ...stats].map(cell).join(","));
  });
  return lines.join("\n") + "\n";
}

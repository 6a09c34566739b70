// Text and Markdown forms of validation results.
import { profileNames } from "../profiles/index.js";
import type { ProfileName } from "../runtime/config.js";
import type { CaseResult, MetricResult } from "./judge.js";

/** The version profile for a Go toolchain, falling back to go1.19 while a profile is missing. */
export function profileFor(goVersion: string): { profile: ProfileName; note?: string } {
  const m = /^go(\d+)\.(\d+)/.exec(goVersion);
  const minor = m !== null && m[1] === "1" ? Number(m[2]) : 19;
  const wanted: ProfileName = minor >= 27 ? "go1.27" : minor >= 26 ? "go1.26" : minor >= 23 ? "go1.23" : minor >= 19 ? "go1.19" : "go1.10";
  if ((profileNames as readonly string[]).includes(wanted)) return { profile: wanted };
  return { profile: "go1.19", note: `profile ${wanted} is not available yet: predicted with go1.19` };
}

const unitOf = (key: string): { scale: number; unit: string } =>
  /Ns(\.|$)/.test(key) || key.endsWith("Ns") ? (key.startsWith("makespan") ? { scale: 1e-6, unit: "ms" } : { scale: 1e-3, unit: "µs" }) : { scale: 1, unit: "" };

export function fmtNum(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 100) return String(Math.round(x));
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toFixed(3);
}

/** A metric's cells: predicted "median [p5–p95]" (with the two modes when bimodal), measured "median [min–max]". */
export function fmtMetric(m: MetricResult): { label: string; predicted: string; measured: string; allowed: string; modes: string } {
  const { scale, unit } = unitOf(m.key);
  const u = unit !== "" ? ` ${unit}` : "";
  const d = m.distribution;
  const f = (x: number) => fmtNum(x * scale);
  const pred = d.n > 1 ? `${f(d.median)} [${f(d.p5)}–${f(d.p95)}]` : f(d.median);
  const modes = d.modes !== undefined ? `${f(d.modes[0])} | ${f(d.modes[1])}` : "";
  const meas = m.measured === null ? "—" : `${f(m.measured[0])} [${f(m.measured[1])}–${f(m.measured[2])}]`;
  const allowed = m.allowed === null ? "" : `[${f(m.allowed[0])}–${f(m.allowed[1])}]`;
  return { label: `${m.key}${u}`, predicted: pred, measured: meas, allowed, modes };
}

export interface Summary {
  /** Cases (cells of the matrix). */
  readonly cases: number;
  /** Cases with a metric outside tolerance that is not a known gap: these fail validation. */
  readonly casesFailed: number;
  /** Judged metric cells (every case's PASS/FAIL metrics). */
  readonly metrics: number;
  readonly metricsInside: number;
  /** Metric cells outside tolerance that are known gaps (reported, not failing). */
  readonly metricsGapOutside: number;
  /** Metric cells whose predictions have two modes. */
  readonly metricsBimodal: number;
  /** The historical fields: cases without / with a known gap of the whole cell. */
  readonly asserted: number;
  readonly assertedFailed: number;
  readonly gaps: number;
  readonly gapsInside: number;
}

const judged = (r: CaseResult) => r.metrics.filter((m) => m.verdict === "PASS" || m.verdict === "FAIL");

export function summarize(results: readonly CaseResult[]): Summary {
  const a = results.filter((r) => r.asserted);
  const g = results.filter((r) => !r.asserted);
  const ms = results.flatMap(judged);
  const isGap = (r: CaseResult, m: MetricResult) => !r.asserted || m.gap !== undefined;
  return {
    cases: results.length,
    casesFailed: results.filter((r) => !r.pass).length,
    metrics: ms.length,
    metricsInside: ms.filter((m) => m.verdict === "PASS").length,
    metricsGapOutside: results.flatMap((r) => judged(r).filter((m) => m.verdict === "FAIL" && isGap(r, m))).length,
    metricsBimodal: ms.filter((m) => m.distribution.modes !== undefined).length,
    asserted: a.length,
    assertedFailed: a.filter((r) => !r.pass).length,
    gaps: g.length,
    gapsInside: g.filter((r) => r.pass).length,
  };
}

const pct = (a: number, b: number) => (b > 0 ? `${((100 * a) / b).toFixed(1)} %` : "—");

export function summaryLine(s: Summary): string {
  return (
    `metric cells inside tolerance: ${s.metricsInside} of ${s.metrics} (${pct(s.metricsInside, s.metrics)}); ` +
    `cases: ${s.cases - s.casesFailed} of ${s.cases} pass${s.casesFailed > 0 ? ` — ${s.casesFailed} FAIL` : ""}` +
    (s.metricsGapOutside > 0 ? `; ${s.metricsGapOutside} metric cells outside are known gaps (not failing)` : "") +
    (s.metricsBimodal > 0 ? `; ${s.metricsBimodal} predicted bimodal` : "")
  );
}

export function formatText(results: readonly CaseResult[]): string {
  const lines: string[] = [];
  let lastGo = "";
  for (const r of results) {
    if (r.goVersion !== lastGo) {
      lines.push(`== ${r.goVersion} (gosched profile ${r.profile}) ==`);
      lastGo = r.goVersion;
    }
    const tag = (!r.asserted ? "known gap" : r.pass ? "PASS" : "FAIL") + (r.gapMetricsOutside.length > 0 ? `; known-gap metrics outside: ${r.gapMetricsOutside.join(", ")}` : "");
    lines.push(`${r.id}  — ${tag}; ${r.seeds.length} seeds, ${r.reps} reps`);
    for (const m of r.metrics) {
      const f = fmtMetric(m);
      const isGap = (m.gap !== undefined || !r.asserted) && m.verdict !== "INFO";
      const v = isGap && m.verdict === "FAIL" ? "outside (known gap)" : m.verdict;
      lines.push(
        `  ${f.label.padEnd(28)} predicted ${f.predicted.padEnd(26)} measured ${f.measured.padEnd(26)} ${m.tolerance.padEnd(11)} ${v}` +
          (f.modes !== "" ? `  bimodal: ${f.modes}` : ""),
      );
      if (m.why !== undefined && m.verdict === "FAIL") lines.push(`    ${m.why}`);
      if (m.gap !== undefined && m.verdict === "FAIL") lines.push(`    known gap: ${m.gap}`);
    }
    if (!r.asserted && r.gap !== undefined) lines.push(`  known gap: ${r.gap}`);
    if (r.note !== undefined) lines.push(`  note: ${r.note}`);
  }
  lines.push("");
  for (const v of [...new Set(results.map((r) => r.goVersion))]) lines.push(`${v}: ${summaryLine(summarize(results.filter((r) => r.goVersion === v)))}`);
  return lines.join("\n");
}

/** The accuracy table of docs/validation.md: one row per judged metric, per Go version. */
export function formatMarkdown(results: readonly CaseResult[]): string {
  const lines: string[] = [];
  const versions = [...new Set(results.map((r) => r.goVersion))];
  for (const v of versions) {
    const rs = results.filter((r) => r.goVersion === v);
    const s = summarize(rs);
    lines.push(`### ${v} (gosched profile ${rs[0]!.profile})`, "");
    const note = rs.find((r) => r.note !== undefined)?.note;
    if (note !== undefined) lines.push(`_${note}._`, "");
    lines.push(
      `**${s.metricsInside} of ${s.metrics} metric cells inside tolerance (${pct(s.metricsInside, s.metrics)})**; ` +
        `${s.cases - s.casesFailed} of ${s.cases} cases pass` +
        (s.metricsGapOutside > 0 ? ` (${s.metricsGapOutside} metric cells outside are known gaps ¹)` : "") +
        `; ${rs[0]!.seeds.length} seeds per case, ${s.metricsBimodal} metric cells predicted bimodal ².`,
      "",
    );
    lines.push("| case | metric | predicted median [p5–p95] | measured median [min–max] | tolerance | verdict |", "|---|---|---|---|---|---|");
    for (const r of rs) {
      judged(r).forEach((m, i) => {
        const f = fmtMetric(m);
        const isGap = !r.asserted || m.gap !== undefined;
        const verdict = m.verdict === "FAIL" && isGap ? "outside (gap ¹)" : m.verdict;
        const name = i === 0 ? `\`${r.id}\`${r.asserted ? "" : " ¹"}` : "";
        lines.push(`| ${name} | ${f.label} | ${f.predicted}${f.modes !== "" ? ` ² (${f.modes})` : ""} | ${f.measured} | ${m.tolerance} | ${verdict} |`);
      });
    }
    lines.push("");
  }
  const gaps = new Map<string, string[]>();
  for (const r of results) {
    if (!r.asserted && r.gap !== undefined) gaps.set(r.gap, [...(gaps.get(r.gap) ?? []), r.id]);
    for (const m of r.metrics) if (m.gap !== undefined) gaps.set(`${m.key}: ${m.gap}`, [...(gaps.get(`${m.key}: ${m.gap}`) ?? []), r.id]);
  }
  if (gaps.size > 0) {
    lines.push("¹ known gaps (measured and explained; judged and counted above, never failing validation):", "");
    for (const [why, ids] of gaps) lines.push(`- ${why} (${[...new Set(ids)].map((id) => `\`${id}\``).join(", ")})`);
    lines.push("");
  }
  lines.push(
    "² bimodal: the predictions over seeds form two modes (n ≥ 10, Sarle's coefficient > 5/9 and a gap of at least a third of the range between two groups of ≥ 10 % of the seeds; src/base/distribution.ts), shown as (low mode | high mode).",
  );
  return lines.join("\n");
}

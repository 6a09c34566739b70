// Text and Markdown forms of validation results.
import { profileNames } from "../profiles/index.js";
import type { ProfileName } from "../runtime/config.js";
import type { CaseResult, MetricResult } from "./judge.js";

/** The version profile for a Go toolchain, falling back to go1.19 while a profile is missing. */
export function profileFor(goVersion: string): { profile: ProfileName; note?: string } {
  const m = /^go(\d+)\.(\d+)/.exec(goVersion);
  const minor = m !== null && m[1] === "1" ? Number(m[2]) : 19;
  const wanted: ProfileName = minor >= 26 ? "go1.26" : minor >= 23 ? "go1.23" : minor >= 19 ? "go1.19" : "go1.10";
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

export function fmtMetric(m: MetricResult): { label: string; predicted: string; measured: string; allowed: string } {
  const { scale, unit } = unitOf(m.key);
  const u = unit !== "" ? ` ${unit}` : "";
  const pred = m.predictions.length > 1 ? `${fmtNum(m.predicted * scale)} {${m.predictions.map((p) => fmtNum(p * scale)).join(" ")}}` : fmtNum(m.predicted * scale);
  const meas = m.measured === null ? "—" : `${fmtNum(m.measured[0] * scale)} [${fmtNum(m.measured[1] * scale)}–${fmtNum(m.measured[2] * scale)}]`;
  const allowed = m.allowed === null ? "" : `[${fmtNum(m.allowed[0] * scale)}–${fmtNum(m.allowed[1] * scale)}]`;
  return { label: `${m.key}${u}`, predicted: pred, measured: meas, allowed };
}

export interface Summary {
  readonly asserted: number;
  readonly assertedFailed: number;
  readonly gaps: number;
  readonly gapsInside: number;
}

export function summarize(results: readonly CaseResult[]): Summary {
  const a = results.filter((r) => r.asserted);
  const g = results.filter((r) => !r.asserted);
  return { asserted: a.length, assertedFailed: a.filter((r) => !r.pass).length, gaps: g.length, gapsInside: g.filter((r) => r.pass).length };
}

export function formatText(results: readonly CaseResult[]): string {
  const lines: string[] = [];
  let lastGo = "";
  for (const r of results) {
    if (r.goVersion !== lastGo) {
      lines.push(`== ${r.goVersion} (gosched profile ${r.profile}) ==`);
      lastGo = r.goVersion;
    }
    const tag = (r.asserted ? (r.pass ? "PASS" : "FAIL") : r.pass ? "gap (inside)" : "gap (outside, not asserted)") + (r.gapMetricsOutside.length > 0 ? `; known-gap metrics outside: ${r.gapMetricsOutside.join(", ")}` : "");
    lines.push(`${r.id}  — ${tag}${r.bimodal ? `, bimodal: ${r.seeds.length} seeds` : ""}, ${r.reps} reps`);
    for (const m of r.metrics) {
      const f = fmtMetric(m);
      const v = m.gap !== undefined && m.verdict !== "INFO" ? `${m.verdict === "FAIL" ? "outside" : "inside"} (known gap, not asserted)` : m.verdict;
      lines.push(`  ${f.label.padEnd(28)} predicted ${f.predicted.padEnd(14)} measured ${f.measured.padEnd(26)} allowed ${f.allowed.padEnd(20)} ${m.tolerance.padEnd(11)} ${v}`);
      if (m.gap !== undefined && m.verdict === "FAIL") lines.push(`    known gap: ${m.gap}`);
    }
    if (!r.asserted && r.gap !== undefined) lines.push(`  known gap: ${r.gap}`);
    if (r.note !== undefined) lines.push(`  note: ${r.note}`);
  }
  const s = summarize(results);
  lines.push("");
  lines.push(`asserted cells: ${s.asserted - s.assertedFailed} of ${s.asserted} pass${s.assertedFailed > 0 ? ` — ${s.assertedFailed} FAIL` : ""}; known gaps (not asserted): ${s.gapsInside} of ${s.gaps} inside tolerance anyway`);
  return lines.join("\n");
}

/** The accuracy table of docs/validation.md: one row per case, per Go version. */
export function formatMarkdown(results: readonly CaseResult[]): string {
  const lines: string[] = [];
  const versions = [...new Set(results.map((r) => r.goVersion))];
  for (const v of versions) {
    const rs = results.filter((r) => r.goVersion === v);
    const s = summarize(rs);
    lines.push(`### ${v} (gosched profile ${rs[0]!.profile})`, "");
    const note = rs.find((r) => r.note !== undefined)?.note;
    if (note !== undefined) lines.push(`_${note}._`, "");
    lines.push(`Asserted (calibrated region): **${s.asserted - s.assertedFailed} of ${s.asserted} pass**. Known gaps: ${s.gapsInside} of ${s.gaps} inside tolerance anyway.`, "");
    lines.push("| case | metric | predicted | measured median [min–max] | tolerance | verdict |", "|---|---|---|---|---|---|");
    for (const r of rs) {
      const judged = r.metrics.filter((m) => m.verdict !== "INFO");
      judged.forEach((m, i) => {
        const f = fmtMetric(m);
        const isGap = !r.asserted || m.gap !== undefined;
        const verdict = !isGap ? m.verdict : m.verdict === "FAIL" ? "outside (gap)" : m.verdict === "PASS" ? "inside (gap)" : m.verdict;
        const name = i === 0 ? `\`${r.id}\`${r.asserted ? "" : " ¹"}${r.bimodal ? " ²" : ""}` : "";
        lines.push(`| ${name} | ${f.label} | ${f.predicted} | ${f.measured} | ${m.tolerance} | ${verdict} |`);
      });
    }
    lines.push("");
  }
  const gaps = new Map<string, string[]>();
  for (const r of results) {
    if (!r.asserted && r.gap !== undefined) gaps.set(r.gap, [...(gaps.get(r.gap) ?? []), r.id]);
    for (const m of r.metrics) if (m.gap !== undefined) gaps.set(`${m.key}: ${m.gap}`, [...(gaps.get(`${m.key}: ${m.gap}`) ?? []), r.id]);
  }
  lines.push("¹ known gap (a whole cell, or one metric marked “(gap)”), reported and not asserted:", "");
  for (const [why, ids] of gaps) lines.push(`- ${why} (${[...new Set(ids)].length} cells)`);
  lines.push("", "² bimodal: predicted over several seeds (start-up offsets spread over the measured window start), shown as median {each seed}; passes when the median and at least half of the seeds fall inside.");
  return lines.join("\n");
}

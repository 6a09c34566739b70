// The trace-replay validation family (`gosched validate --family replay`): predictions from real
// traces checked against real Go. A program of testdata/go/whatif runs traced at setting A; gosched
// replays that trace under setting B (GOMAXPROCS, Go version profile, a call site scaled); the same
// program runs (untraced) at B; predicted and real B are compared. The runs are done by
// src/cli/validate_replay.ts; this module holds the pairs, the goal bands and the verdicts.
// No node:* here.

/** A setting of the Go program: toolchain (minor version), GOMAXPROCS and the program's flags. */
export interface WhatIfSetting {
  /** Go minor version of the toolchain, e.g. 23 for go1.23. */
  readonly go: number;
  readonly procs: number;
  /** Extra program flags at this setting (e.g. -slow 3). */
  readonly flags?: readonly string[];
}

export interface ReplayPair {
  /** "pool 2→4" … unique. */
  readonly id: string;
  readonly kind: "pool" | "pipeline" | "server";
  /** Program flags common to A and B (besides -kind and -procs). */
  readonly flags: readonly string[];
  readonly a: WhatIfSetting;
  readonly b: WhatIfSetting;
  /** The replay's --scale-site (site substring, factor). */
  readonly scaleSite?: readonly [string, number];
  /** In the quick subset (CI). */
  readonly quick: boolean;
}

/** The goal bands of docs/trace-replay.md (issue: predictions from traces). */
export const replayGoal = {
  makespanRel: 0.15,
  threadsRel: 0.2,
  lostPRel: 0.2,
  lostPAbs: 3,
} as const;

const kinds = {
  pool: ["-workers", "16", "-items", "800", "-spin", "20", "-io", "200"],
  pipeline: ["-workers", "4", "-items", "800", "-spin", "30", "-io", "150"],
  server: ["-workers", "8", "-items", "800", "-spin", "20", "-io", "100"],
} as const;

/** The pairs: GOMAXPROCS 2→1, 2→4, 4→2, 1→8 on each program; Go 1.23 ↔ 1.26; a scaled call site. */
export function replayPairs(): ReplayPair[] {
  const pairs: ReplayPair[] = [];
  for (const kind of ["pool", "pipeline", "server"] as const) {
    for (const [a, b] of [
      [2, 1],
      [2, 4],
      [4, 2],
      [1, 8],
    ] as const) {
      pairs.push({ id: `${kind} ${a}→${b}`, kind, flags: kinds[kind], a: { go: 23, procs: a }, b: { go: 23, procs: b }, quick: (kind === "pool" && a === 2 && b === 4) || (kind === "pipeline" && a === 2 && b === 1) });
    }
  }
  pairs.push({ id: "pool go1.23→go1.26", kind: "pool", flags: kinds.pool, a: { go: 23, procs: 2 }, b: { go: 26, procs: 2 }, quick: false });
  pairs.push({ id: "pool go1.26→go1.23", kind: "pool", flags: kinds.pool, a: { go: 26, procs: 2 }, b: { go: 23, procs: 2 }, quick: false });
  // The scaled call sleeps 1 ms: the timer slack and wake-up (~60–80 µs here) that a 3× longer
  // request does not triple stay small next to it.
  pairs.push({ id: "pool diskRead×3", kind: "pool", flags: ["-workers", "16", "-items", "400", "-spin", "20", "-io", "1000"], a: { go: 23, procs: 2 }, b: { go: 23, procs: 2, flags: ["-slow", "3"] }, scaleSite: ["main.diskRead", 3], quick: true });
  return pairs;
}

/**
 * A miss with a measured cause (docs/trace-replay.md, "What the misses come from"): the pairs and the
 * metric it concerns, and why. A pair's MISS is excused only if every missed metric has one; a miss
 * nobody has explained fails the command.
 */
export interface ReplayGap {
  readonly pairs: readonly string[];
  /** makespanNs | threadsPeak | syscalls.lostP */
  readonly metric: string;
  readonly reason: string;
}

const BIMODAL =
  "real Go at B is bimodal, and no trace at A can tell which mode a run at B is in: sysmon backs off (after 50 idle passes its sleep doubles up to 10 ms) while the program calibrates before its window, and a sysmon that sleeps longer than a syscall never sees the same call twice and retakes nothing (proc.go retake) — runs at B with 0–180 lost Ps against ~800: pool at 4 Ps 62–64 ms with 6 threads (1 of 12 runs at load 2.7, 2 of 3 at load 2.3) against 18–29 ms, pool at 2 Ps 96.7 ms, pipeline at 1 P 220–271 ms (2 of 8 runs at load 2.4, 3 of 7 at load 7.7) against 100–134 ms, server at 1 P 185–194 ms with no P lost (Σ syscalltick − calls) and 4 threads (1 of 8 untraced runs and 1 of 4 traced at load 1.9) against 106–150 ms with ~800; the replay starts sysmon with the trace, retaking";

export const replayGaps: readonly ReplayGap[] = [
  {
    pairs: ["pool 2→4", "pool 4→2", "server 2→1"],
    metric: "makespanNs",
    reason:
      BIMODAL,
  },
  {
    pairs: ["pool 2→4"],
    metric: "threadsPeak",
    reason: "real Go at B is bimodal (see makespan): a run at 4 Ps whose sysmon retakes nothing needs no thread beyond the Ps' — 6 threads against 18–21",
  },
  {
    pairs: ["pool 2→4", "pool 4→2", "pipeline 2→1"],
    metric: "syscalls.lostP",
    reason: "real Go at B is bimodal (see makespan): 0–180 Ps lost in the runs whose sysmon backed off before the window, ~800 in the others",
  },
  {
    pairs: ["pipeline 2→1"],
    metric: "makespanNs",
    reason:
      `${BIMODAL}; and the machine model (issue on the machine): at GOMAXPROCS=1 each writer's nanosleep holds the only P with a parser it just readied queued behind it until sysmon retakes the P; on a quiet machine real Go takes longer to (syscall entry → P taken, traced at 1 P, load 1.5: p50 108–127 µs, p90 187–211 µs, runs 130–146 ms traced, 108–114 ms untraced) than the model (p50 88–92 µs, p90 141 µs; the what-if 101–104 ms); at load 7.7 real Go retakes as fast as the model (p50 88 µs) and runs 100–115 ms`,
  },
  {
    pairs: ["pipeline 1→8"],
    metric: "syscalls.lostP",
    reason:
      "replay derivation: a receive that did not block in trace A does not block in the replay — in a GOMAXPROCS=1 trace the pipeline's sink was woken 140 times in 800 items, in one taken at 8 513 times; fewer wake-ups into a P's runnext just before a writer's syscall, fewer Ps retaken at 8 (sysmon does not retake a P in a syscall with an empty run queue while another P is idle, proc.go retake): 22–129 lost against 45–65 real; the trace taken at 8 and replayed at 8 loses 95 against its own 73",
  },
];

/** The reasons of the gaps that cover every missed metric of a pair, or null if some miss has none. */
export function gapOf(id: string, metrics: readonly PairMetric[]): string | null {
  const reasons: string[] = [];
  for (const m of metrics) {
    if (m.verdict !== "MISS") continue;
    const g = replayGaps.find((x) => x.metric === m.key && x.pairs.includes(id));
    if (g === undefined) return null;
    reasons.push(`${metricLabel(m.key)}: ${g.reason}`);
  }
  return reasons.length === 0 ? null : reasons.join("; ");
}

/** [median, min, max] over the real runs. */
export type Real = readonly [number, number, number];

export interface PairMetric {
  readonly key: string;
  /** Median over the traces at A × the replay's seeds. */
  readonly predicted: number;
  /** Every prediction (per trace at A and seed), in run order. */
  readonly samples: readonly number[];
  readonly real: Real | null;
  /** The band in words ("±15 %"), or "info" for a metric shown but not judged. */
  readonly band: string;
  /** predicted − real median, relative to it. */
  readonly relErr: number | null;
  readonly verdict: "ok" | "MISS" | "info" | "n/a";
}

export interface PairResult {
  readonly id: string;
  /** The trace replayed: "whatif -kind pool (go1.23, GOMAXPROCS=2)". */
  readonly trace: string;
  /** "GOMAXPROCS 2 → 4", "go1.23 → go1.26", "main.diskRead ×3". */
  readonly change: string;
  readonly metrics: readonly PairMetric[];
  readonly realRuns: number;
  /** Traced runs at A; each is replayed with every seed. */
  readonly traces: number;
  readonly seeds: number;
  /** Every judged metric ok. */
  readonly pass: boolean;
  /** Why the pair could not run (a missing toolchain, an unreadable trace), or null. */
  readonly skipped: string | null;
  /** A known, measured cause of a miss (docs/trace-replay.md), or null. */
  readonly gap: string | null;
}

export function changeOf(p: ReplayPair): string {
  const parts: string[] = [];
  if (p.a.go !== p.b.go) parts.push(`go1.${p.a.go} → go1.${p.b.go}`);
  if (p.a.procs !== p.b.procs) parts.push(`GOMAXPROCS ${p.a.procs} → ${p.b.procs}`);
  if (p.scaleSite !== undefined) parts.push(`${p.scaleSite[0]} ×${p.scaleSite[1]}`);
  return parts.join(", ");
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/** Judges one metric: predicted (median over seeds) against the real median. */
export function judgeReplayMetric(key: string, predictedBySeed: readonly number[], real: Real | null): PairMetric {
  const predicted = median(predictedBySeed);
  const samples = [...predictedBySeed];
  if (real === null) return { key, predicted, samples, real, band: "", relErr: null, verdict: "n/a" };
  const relErr = real[0] === 0 ? null : (predicted - real[0]) / real[0];
  const err = Math.abs(predicted - real[0]);
  let band = "info";
  let ok: boolean | null = null;
  if (key === "makespanNs") {
    band = `±${replayGoal.makespanRel * 100} %`;
    ok = err <= replayGoal.makespanRel * real[0];
  } else if (key === "threadsPeak") {
    band = `±${replayGoal.threadsRel * 100} %`;
    ok = err <= replayGoal.threadsRel * real[0];
  } else if (key === "syscalls.lostP") {
    band = `±${replayGoal.lostPRel * 100} % or ±${replayGoal.lostPAbs}`;
    ok = err <= Math.max(replayGoal.lostPAbs, replayGoal.lostPRel * real[0]);
  }
  return { key, predicted, samples, real, band, relErr, verdict: ok === null ? "info" : ok ? "ok" : "MISS" };
}

const fmtValue = (key: string, v: number): string => {
  if (key.endsWith("Ns") || key.includes(".p50") || key.includes(".p99")) {
    if (v >= 1e6) return `${(v / 1e6).toFixed(1)} ms`;
    if (v >= 1e3) return `${(v / 1e3).toFixed(0)} µs`;
    return `${Math.round(v)} ns`;
  }
  return String(Math.round(v));
};

const metricLabel = (key: string): string =>
  key === "makespanNs" ? "makespan" : key === "threadsPeak" ? "threads" : key === "syscalls.lostP" ? "lost P" : key.replace(/^site\./, "").replace(/\.(p50|p99)$/, " $1");

/** docs/trace-replay.md's table: trace, A → B, metric, predicted, real median [min–max], verdict. */
export function formatReplayMarkdown(results: readonly PairResult[]): string {
  const lines = ["| trace (A) | A → B | metric | predicted | real B median [min–max] | error | verdict |", "|---|---|---|---|---|---|---|"];
  for (const r of results) {
    if (r.skipped !== null) {
      lines.push(`| ${r.trace} | ${r.change} | | | | | skipped: ${r.skipped} |`);
      continue;
    }
    for (const [i, m] of r.metrics.entries()) {
      const real = m.real === null ? "n/a" : `${fmtValue(m.key, m.real[0])} [${fmtValue(m.key, m.real[1])}–${fmtValue(m.key, m.real[2])}]`;
      const err = m.relErr === null ? "" : `${m.relErr >= 0 ? "+" : ""}${(m.relErr * 100).toFixed(0)} %`;
      const verdict = m.verdict === "info" ? "(shown)" : m.verdict === "MISS" && r.gap !== null ? "MISS (gap)" : m.verdict;
      lines.push(`| ${i === 0 ? r.trace : ""} | ${i === 0 ? r.change : ""} | ${metricLabel(m.key)} | ${fmtValue(m.key, m.predicted)} | ${real} | ${err} | ${verdict} |`);
    }
  }
  return lines.join("\n") + "\n";
}

export function formatReplayText(results: readonly PairResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    if (r.skipped !== null) {
      out.push(`${r.id}: skipped (${r.skipped})`);
      continue;
    }
    out.push(`${r.id}: ${r.trace}, ${r.change} — ${r.pass ? "PASS" : r.gap !== null ? "MISS (known gap)" : "MISS"} (${r.traces} traces × ${r.seeds} seeds, ${r.realRuns} real runs)`);
    for (const m of r.metrics) {
      const real = m.real === null ? "n/a" : `${fmtValue(m.key, m.real[0])} [${fmtValue(m.key, m.real[1])}–${fmtValue(m.key, m.real[2])}]`;
      const err = m.relErr === null ? "" : ` ${m.relErr >= 0 ? "+" : ""}${(m.relErr * 100).toFixed(1)} %`;
      out.push(`  ${metricLabel(m.key).padEnd(16)} predicted ${fmtValue(m.key, m.predicted).padStart(9)}  real ${real}${err}  ${m.band === "info" ? "" : m.band} ${m.verdict}`);
    }
    if (r.gap !== null) out.push(`  gap: ${r.gap}`);
  }
  return out.join("\n") + "\n";
}

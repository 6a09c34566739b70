#!/usr/bin/env node
// Summarizes the output of tools/machine/sleep-drift.c or futex-drift.c into the figures behind
// Machine.sleepRunSpread and futexWakeRunSpread (docs/model.md, "The host's state moves whole runs").
// A batch is in the slow state when its sleeps' median is at least --split ns (default 76500).
//
//   node tools/machine/drift-summary.mjs [--split NS] [--slow-share F] FILE
//
// sleep-drift lines (unixSeconds medianNs p90Ns meanNs stealTicks): the batch medians' quantiles,
// each state's share and median, the autocorrelation of neighbouring batches, the steal time, and
// the spread the two states make mixed slow-share : 1 − slow-share (default half and half), as
// offsets from the fast state's median. futex-drift lines (wake p10 p25 p50 p75 p90, sleep p50):
// per state the medians of the batches' wake quantiles, the wake's shift from the fast state to the
// slow one, and how the batches' wake and sleep medians correlate. Exit 2 on bad input.
import fs from "node:fs";
import { fileURLToPath } from "node:url";

/** Nearest-rank quantile of sorted numbers. */
const quantile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const sortedOf = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => quantile(sortedOf(xs), 0.5);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

function correlation(xs, ys) {
  const mx = mean(xs);
  const my = mean(ys);
  let c = 0;
  let vx = 0;
  let vy = 0;
  for (let i = 0; i < xs.length; i++) {
    c += (xs[i] - mx) * (ys[i] - my);
    vx += (xs[i] - mx) ** 2;
    vy += (ys[i] - my) ** 2;
  }
  return c / Math.sqrt(vx * vy);
}

function autocorrelation(xs, lag) {
  const m = mean(xs);
  let c = 0;
  let v = 0;
  for (let i = 0; i < xs.length; i++) {
    v += (xs[i] - m) ** 2;
    if (i >= lag) c += (xs[i] - m) * (xs[i - lag] - m);
  }
  return c / v;
}

/** Parses the lines of either tool: { kind: "sleep" | "futex", rows: number[][] }; throws with the line on bad input. */
export function parseDrift(text) {
  const rows = [];
  let width = 0;
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const cols = line.trim().split(/\s+/).map(Number);
    if (!cols.every(Number.isFinite) || (cols.length !== 5 && cols.length !== 6)) throw new Error(`line ${i + 1}: expected 5 (sleep-drift) or 6 (futex-drift) numbers, got "${line}"`);
    if (width !== 0 && cols.length !== width) throw new Error(`line ${i + 1}: ${cols.length} numbers after lines of ${width}`);
    width = cols.length;
    rows.push(cols);
  });
  if (rows.length < 2) throw new Error("fewer than two batches");
  return { kind: width === 5 ? "sleep" : "futex", rows };
}

const ps = [0, 0.01, 0.05, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.95, 0.99, 1];

/** The figures of a sleep-drift run; mixture points are [p, offsetNs] from the fast state's median. */
export function summarizeSleep(rows, splitNs = 76_500, slowShare = 0.5) {
  const medians = rows.map((r) => r[1]);
  const fast = sortedOf(medians.filter((x) => x < splitNs));
  const slow = sortedOf(medians.filter((x) => x >= splitNs));
  const fastMedianNs = fast.length > 0 ? quantile(fast, 0.5) : NaN;
  // the mixture's inverse CDF: each state's own quantiles, weighted by its share
  const n = 10_000;
  const mix = [];
  if (fast.length > 0 && slow.length > 0) {
    const nSlow = Math.round(n * slowShare);
    for (let i = 0; i < n - nSlow; i++) mix.push(quantile(fast, (i + 0.5) / (n - nSlow)));
    for (let i = 0; i < nSlow; i++) mix.push(quantile(slow, (i + 0.5) / nSlow));
    mix.sort((a, b) => a - b);
  }
  return {
    batches: rows.length,
    mediansNs: Object.fromEntries(ps.map((p) => [p, quantile(sortedOf(medians), p)])),
    slowShare: slow.length / rows.length,
    fastMedianNs,
    slowMedianNs: slow.length > 0 ? quantile(slow, 0.5) : NaN,
    autocorrelation: { 1: autocorrelation(medians, 1), 30: autocorrelation(medians, 30) },
    stealTicks: rows.reduce((a, r) => a + r[4], 0),
    mixture: mix.length === 0 ? [] : ps.map((p) => [p, quantile(mix, p === 1 ? 0.99999 : p) - fastMedianNs]),
  };
}

/** The figures of a futex-drift run: per state the medians of the batches' wake p10, p50 and p90. */
export function summarizeFutex(rows, splitNs = 76_500) {
  const state = (sel) => {
    const g = rows.filter(sel);
    return { batches: g.length, p10Ns: median(g.map((r) => r[0])), p50Ns: median(g.map((r) => r[2])), p90Ns: median(g.map((r) => r[4])) };
  };
  const fast = state((r) => r[5] < splitNs);
  const slow = state((r) => r[5] >= splitNs);
  return { batches: rows.length, fast, slow, slowShiftNs: slow.p50Ns - fast.p50Ns, correlation: correlation(rows.map((r) => r[2]), rows.map((r) => r[5])) };
}

const us = (ns) => (ns / 1000).toFixed(1);

function main() {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = args.indexOf(`--${name}`);
    if (i < 0) return dflt;
    const v = Number(args[i + 1]);
    args.splice(i, 2);
    return v;
  };
  const splitNs = opt("split", 76_500);
  const slowShare = opt("slow-share", 0.5);
  const fail = (msg) => {
    console.error(`drift-summary: ${msg}`);
    process.exit(2);
  };
  if (!Number.isFinite(splitNs) || !(slowShare >= 0 && slowShare <= 1)) fail("--split takes ns, --slow-share a fraction in [0, 1]");
  if (args.length !== 1) fail("usage: drift-summary.mjs [--split NS] [--slow-share F] FILE");
  let parsed;
  try {
    parsed = parseDrift(fs.readFileSync(args[0], "utf8"));
  } catch (e) {
    fail(`${args[0]}: ${e.message}`);
  }
  if (parsed.kind === "sleep") {
    const s = summarizeSleep(parsed.rows, splitNs, slowShare);
    console.log(`${s.batches} batches; their medians (µs): ${ps.map((p) => `p${p * 100} ${us(s.mediansNs[p])}`).join(", ")}`);
    console.log(`slow (≥ ${us(splitNs)} µs): ${(s.slowShare * 100).toFixed(0)} %; fast p50 ${us(s.fastMedianNs)}, slow p50 ${us(s.slowMedianNs)} µs`);
    console.log(`autocorrelation: ${s.autocorrelation[1].toFixed(2)} at one batch, ${s.autocorrelation[30].toFixed(2)} at 30; steal ${s.stealTicks} ticks`);
    console.log(`mixed ${slowShare} slow, offsets from the fast state (µs): ${s.mixture.map(([p, o]) => `p${p * 100} ${us(o)}`).join(", ")}`);
  } else {
    const f = summarizeFutex(parsed.rows, splitNs);
    const line = (name, x) => `${name}: ${x.batches} batches, wake p10 / p50 / p90 ${us(x.p10Ns)} / ${us(x.p50Ns)} / ${us(x.p90Ns)} µs`;
    console.log(line("fast", f.fast));
    console.log(line("slow", f.slow));
    console.log(`slow − fast at the median: ${us(f.slowShiftNs)} µs; batch medians of wake and sleep correlate ${f.correlation.toFixed(2)}`);
  }
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) main();

#!/usr/bin/env node
// How well real Go agrees with itself: judges one measured results file against another of the same
// Go version with the matrix's pass rule, each run standing in for the model — a metric agrees when
// each run's median lies in the other's [min, max] over its repetitions, widened by the metric's
// tolerance (the model's rule uses its p5–p95 over seeds in place of one side's [min, max]). Only
// the asserted metrics count, as in the matrix. The share that agrees is what a model that
// reproduced one run perfectly would score against the other: the ceiling that the machine's
// run-to-run drift puts on the matrix (docs/validation.md, "Reproducibility").
//   node tools/measured-agreement.mjs A.json B.json [--misses]
// Needs a build (npm run build).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { fullMatrix, widen, withDerived } = await import(path.join(root, "dist", "src", "validation", "index.js"));

const [fileA, fileB] = process.argv.slice(2).filter((a) => !a.startsWith("--"));
if (fileA === undefined || fileB === undefined) {
  console.error("usage: node tools/measured-agreement.mjs A.json B.json [--misses]");
  process.exit(2);
}
const read = (f) => {
  try {
    return JSON.parse(fs.readFileSync(f, "utf8"));
  } catch (e) {
    console.error(`${f}: ${e.message}`);
    process.exit(2);
  }
};
const [a, b] = [read(fileA), read(fileB)];
if (a.goVersion !== b.goVersion) console.error(`note: different Go versions (${a.goVersion}, ${b.goVersion})`);
const byId = (r) => new Map(r.cases.filter((c) => c.m !== undefined).map((c) => [`${c.program} ${c.args}`, withDerived(c.m)]));
const [runsA, runsB] = [byId(a), byId(b)];

let judged = 0;
const misses = [];
for (const c of fullMatrix()) {
  const ma = runsA.get(c.id);
  const mb = runsB.get(c.id);
  if (ma === undefined || mb === undefined || c.gap !== undefined) continue;
  for (const s of c.metrics) {
    const x = ma[s.key];
    const y = mb[s.key];
    if (s.info || s.gap !== undefined || x === undefined || y === undefined) continue;
    judged++;
    const [loA, hiA] = widen(s.tol, x[1], x[2]);
    const [loB, hiB] = widen(s.tol, y[1], y[2]);
    if (!(y[0] >= loA && y[0] <= hiA && x[0] >= loB && x[0] <= hiB)) misses.push(`${c.id} ${s.key}: [${x.join(", ")}] vs [${y.join(", ")}]`);
  }
}
const agree = judged - misses.length;
console.log(`${a.goVersion} ${a.date} vs ${b.goVersion} ${b.date}: ${agree} of ${judged} asserted metrics agree (${((100 * agree) / judged).toFixed(1)} %)`);
if (process.argv.includes("--misses")) for (const m of misses) console.log(`  ${m}`);

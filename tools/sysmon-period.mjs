#!/usr/bin/env node
// Issue #14's phase-lock check: 16 goroutines × 1 ms Syscall(nanosleep) on GOMAXPROCS=1 (the
// validation cell `syscall -procs 1 -g 16 -d 1000`) predicted for every sysmon period from 70 to
// 100 µs, against real Go's measured range. sysmon's period is its usleep(20) as the machine
// stretches it; the sweep moves the machine's base sleep overhead (every sleep shifts with it, as on
// a VM whose nanosleep is slower), with the profile's default machine otherwise.
//   node tools/sysmon-period.mjs [--profile go1.19] [--seeds 10] [--from 70] [--to 100] [--step 2]
// Needs a build (npm run build). Prints one line per period and how many fall inside.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { caseById, predictionPlan, widen, tolerances } = await import(path.join(root, "dist", "src", "validation", "index.js"));
const { resolveConfig } = await import(path.join(root, "dist", "src", "profiles", "index.js"));
const { sleepActualNs } = await import(path.join(root, "dist", "src", "runtime", "config.js"));
const { distributionOf } = await import(path.join(root, "dist", "src", "base", "distribution.js"));

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const profile = arg("profile", "go1.19");
const seeds = Number(arg("seeds", "10"));
const from = Number(arg("from", "70"));
const to = Number(arg("to", "100"));
const step = Number(arg("step", "2"));
const id = "syscall -procs 1 -g 16 -d 1000";
const c = caseById(id);

const machine = resolveConfig({ profile }).machine;
const periodNow = sleepActualNs(machine, 20_000);
const measured = fs
  .readdirSync(path.join(root, "testdata", "go"))
  .filter((f) => f === `results-${profile}.json`) // the toolchain the profile stands for
  .map((f) => {
    const j = JSON.parse(fs.readFileSync(path.join(root, "testdata", "go", f), "utf8"));
    const m = j.cases.find((x) => `${x.program} ${x.args}` === id)?.m;
    return m === undefined ? null : { goVersion: j.goVersion, makespan: m.makespanNs, windowStart: m.windowStartAfterInitNs };
  })
  .filter((x) => x !== null);
if (measured.length === 0) throw new Error(`testdata/go/results-${profile}.json with ${id} is missing`);
// the measured range, widened by the tolerance
const lo = Math.min(...measured.map((m) => m.makespan[1]));
const hi = Math.max(...measured.map((m) => m.makespan[2]));
const allowed = widen(tolerances.time, lo, hi);
const ms = (x) => (x / 1e6).toFixed(1);
console.log(`${id}, profile ${profile}, ${seeds} seeds; measured makespan ${measured.map((m) => `${m.goVersion} ${ms(m.makespan[0])} [${ms(m.makespan[1])}–${ms(m.makespan[2])}]`).join(", ")} ms → allowed ${ms(allowed[0])}–${ms(allowed[1])} ms`);
let inside = 0;
let n = 0;
for (let p = from; p <= to; p += step) {
  const sim = { profile, machine: { sleepBaseOverheadNs: Math.max(0, machine.sleepBaseOverheadNs + p * 1000 - periodNow) } };
  const plan = predictionPlan(measured[0].windowStart, seeds);
  const d = distributionOf(plan.map((x) => c.predict(sim, x.seed, x.offsetNs).makespanNs));
  const ok = d.median >= allowed[0] && d.median <= allowed[1];
  inside += ok ? 1 : 0;
  n++;
  console.log(`sysmon period ${p} µs: makespan ${ms(d.median)} [${ms(d.p5)}–${ms(d.p95)}] ms${d.modes ? ` bimodal ${ms(d.modes[0])} | ${ms(d.modes[1])}` : ""} ${ok ? "inside" : "OUTSIDE"}`);
}
console.log(`${inside} of ${n} periods inside real Go's range`);

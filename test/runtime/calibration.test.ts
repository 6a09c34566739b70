// Scenario tests against real Go 1.19 measured on this kind of machine (testdata/calibration/, see its README):
// N goroutines each making n nanosleep(d) calls through Syscall, RawSyscall or cgo, GOMAXPROCS 1 and 4.
// A prediction passes when it falls inside the measured [min, max] over 5 runs, widened by the
// tolerance: thread counts ±10 % (or ±1), fraction of calls that lost their P ±0.05, makespan ±10 %.
//
// Asserted here: calls of 1 ms and 10 ms with up to 16 goroutines (Syscall, cgo) and every RawSyscall
// cell. Outside for now (printed, not asserted; see docs/model.md): many goroutines (64, 256) making
// Syscall/cgo calls, where real Go creates threads more slowly than the model on 2 vCPUs, and short
// calls (≤ 100 µs), whose real outcome depends on sysmon's start-up backoff state.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { RawSyscall, Syscall, WaitGroup, cgocall, go, program, simulate, wgAdd, wgDone, wgWait, type Metrics } from "../../src/index.js";
import { thisMachine } from "../../src/profiles/go1_19.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const csvPath = resolve(repo, "testdata/calibration/go1.19-matrix-gomaxprocs1and4.csv");

interface Cell {
  kind: "syscall" | "raw" | "cgo";
  procs: number;
  g: number;
  dUs: number;
  n: number;
  row: Record<string, string>;
}

function cells(): Cell[] {
  const [header, ...lines] = readFileSync(csvPath, "utf8").trim().split("\n");
  const names = header!.split(",");
  return lines.map((line) => {
    const row = Object.fromEntries(line.split(",").map((v, i) => [names[i]!, v]));
    return { kind: row.kind as Cell["kind"], procs: +row.procs!, g: +row.g!, dUs: +row.d_us!, n: +row.n!, row };
  });
}

// The default machine's sleep figures come from these runs, so their host state is the calibration's:
// no run offset (Machine.sleepRunSpread and futexWakeRunSpread hold how other runs differ from it).
const calibrationState = { ...thisMachine, sleepRunSpread: [], futexWakeRunSpread: [] };

function run(c: Cell): Metrics {
  const call = c.kind === "syscall" ? Syscall : c.kind === "raw" ? RawSyscall : cgocall;
  const wg = new WaitGroup();
  const worker = program("worker", function* () {
    for (let i = 0; i < c.n; i++) yield call(c.dUs * 1000, { timing: "nanosleep" });
    yield wgDone(wg);
  });
  const main = program("main", function* () {
    yield wgAdd(wg, c.g);
    for (let i = 0; i < c.g; i++) yield go(worker);
    yield wgWait(wg);
  });
  return simulate({ gomaxprocs: c.procs, seed: 1, main, machine: calibrationState }).metrics;
}

const within = (x: number, lo: number, hi: number, rel: number, abs: number) =>
  x >= Math.min(lo * (1 - rel), lo - abs) && x <= Math.max(hi * (1 + rel), hi + abs);

function check(c: Cell, m: Metrics): string[] {
  const r = c.row;
  const bad: string[] = [];
  const threads = [+r.threads_created_min!, +r.threads_created_max!] as const;
  if (!within(m.threadsCreated, threads[0], threads[1], 0.1, 1)) bad.push(`threadsCreated ${m.threadsCreated} vs [${threads.join("–")}]`);
  const wall = [+r.wall_ms_min! * 1e6, +r.wall_ms_max! * 1e6] as const;
  if (!within(m.makespanNs, wall[0], wall[1], 0.1, 0)) bad.push(`makespan ${(m.makespanNs / 1e6).toFixed(1)} ms vs [${r.wall_ms_min}–${r.wall_ms_max}]`);
  if (c.kind !== "raw" && r.blocked_frac_min !== "") {
    const lost = m.syscalls.lostP / m.syscalls.total;
    if (!within(lost, +r.blocked_frac_min!, +r.blocked_frac_max!, 0, 0.05)) bad.push(`lostP fraction ${lost.toFixed(3)} vs [${r.blocked_frac_min}–${r.blocked_frac_max}]`);
  }
  return bad;
}

const asserted = (c: Cell) => c.kind === "raw" || (c.dUs >= 1000 && c.g <= 16);

test("predictions fall inside real Go 1.19's measured range (calibrated cells)", () => {
  const failures: string[] = [];
  let checked = 0;
  for (const c of cells().filter(asserted)) {
    if (c.g * c.n > 20_000) continue; // keep the suite quick: the biggest cells take seconds each
    checked++;
    const bad = check(c, run(c));
    if (bad.length > 0) failures.push(`${c.kind} procs=${c.procs} g=${c.g} d=${c.dUs}µs: ${bad.join("; ")}`);
  }
  assert.ok(checked >= 30, `checked ${checked} cells`);
  assert.deepEqual(failures, []);
});

test("cells outside the calibrated region are reported (known gaps, not asserted)", (t) => {
  const outside = cells().filter((c) => !asserted(c) && c.kind !== "raw" && c.g * c.n <= 20_000 && c.dUs >= 1000);
  const report = outside.map((c) => `${c.kind} procs=${c.procs} g=${c.g} d=${c.dUs}µs: ${check(c, run(c)).join("; ") || "inside"}`);
  t.diagnostic(report.join("\n"));
  assert.ok(outside.length > 0);
});

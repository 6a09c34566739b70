// gosched validate against real Go toolchains (CI): the --quick matrix — calibration of this machine
// first, then every program kind with short and long calls, 1 and 256 goroutines, each cell judged
// as distributions (10 seeds vs 5 processes). Every run prints its share of metric cells inside
// tolerance and every miss with which half of the pass rule failed.
//
// What is asserted: no regression below a floor of 30 % of metric cells inside. The live figure
// moves with the machine (docs/validation.md, "Where gosched misses today"): with the calibration
// fixes and the kernel's previous-CPU rule (2026-12-06) one live run for Go 1.26 gave 63.3 % at load
// average 4.9; before them, clean-clone runs gave 34.7–73.5 %, and a calibration taken under load
// (bimodal spawn spreads) 42.9 %. Issue #14's goal is 90 %: it is not met, and each run prints its
// figure. Raise the floor as the model improves; never lower it to pass.
// About 1–2 min per toolchain. Without a toolchain the test is skipped with how to install it; it
// never passes without having run.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { judgeMetric, parseCostProfile, predictionPlan, quickMatrix, fullMatrix, spreadFromQuantiles, widen, validateCase, type CaseResult, type Summary } from "../../src/validation/index.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const bin = resolve(repo, "bin/gosched.js");
const toolchains = [
  ["Go 1.19", "/usr/lib/go-1.19/bin/go"],
  ["Go 1.23", "/usr/lib/go-1.23/bin/go"],
  ["Go 1.26", "/usr/lib/go-1.26/bin/go"],
  ["Go 1.27", "/usr/lib/go-1.27/bin/go"],
] as const;
const install = "install it with `sudo tools/install-go.sh` (Debian golang-1.19-go; golang-1.23-go from bookworm-backports; golang-1.26-go and golang-1.27-go from trixie-backports; plus gcc)";

/** The regression floor (see the header): the share of metric cells that must stay inside. */
const accuracyFloor = 0.30;

interface Out {
  summary: Summary;
  results: CaseResult[];
}

function describe(r: CaseResult): string {
  return `${r.id}: ${r.metrics
    .filter((m) => m.verdict === "FAIL")
    .map((m) => `${m.key} predicted ${m.predicted} [${m.distribution.p5}–${m.distribution.p95}] vs measured ${JSON.stringify(m.measured)}: ${m.why ?? ""}${m.gap !== undefined || !r.asserted ? " [known gap]" : ""}`)
    .join("; ")}`;
}

for (const [name, go] of toolchains) {
  test(`validate --quick: gosched predicts real ${name} on this machine, calibrated first`, { timeout: 15 * 60_000 }, (t) => {
    if (!existsSync(go)) {
      t.skip(`${name} is not installed (${go}): ${install}`);
      return;
    }
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [bin, "validate", "--quick", "--json", "--go", go], { encoding: "utf8", timeout: 14 * 60_000, maxBuffer: 64 << 20 });
    assert.ok(r.status === 0 || r.status === 1, `validate exited ${r.status ?? r.signal}: ${r.stderr}`);
    const out = JSON.parse(r.stdout) as Out;
    t.diagnostic(`${name}: ${out.results.length} cases in ${Math.round((Date.now() - t0) / 1000)} s; ${out.summary.metricsInside} of ${out.summary.metrics} metric cells inside tolerance`);
    for (const g of out.results.filter((x) => x.gapMetricsOutside.length > 0)) t.diagnostic(`known gap outside: ${describe(g)}`);
    for (const f of out.results.filter((x) => !x.pass)) t.diagnostic(`outside: ${describe(f)}`);
    assert.ok(out.summary.cases >= 15, `only ${out.summary.cases} cases ran`);
    const s = out.summary;
    const share = s.metricsInside / s.metrics;
    t.diagnostic(`${name}: ${(100 * share).toFixed(1)} % of metric cells inside tolerance; issue #14's goal is 90 %${share >= 0.9 ? " (met)" : " (not met)"}`);
    assert.ok(
      share >= accuracyFloor,
      `${name}: ${s.metricsInside} of ${s.metrics} metric cells inside tolerance (${(100 * share).toFixed(1)} %), below the regression floor of ${100 * accuracyFloor} %; the misses:\n${out.results.filter((x) => !x.pass || x.gapMetricsOutside.length > 0).map(describe).join("\n")}`,
    );
  });
}

// The pass rule and the stored measurements (no Go needed).
test("pass rule: measured [min, max] widened by the tolerance", () => {
  assert.deepEqual(widen({ kind: "count" }, 0, 0), [-1, 1]);
  assert.deepEqual(widen({ kind: "count" }, 100, 200).map(Math.round), [90, 220]);
  assert.deepEqual(widen({ kind: "frac", abs: 0.05 }, 0.5, 0.6).map((x) => +x.toFixed(3)), [0.45, 0.65]);
  assert.deepEqual(widen({ kind: "rel", rel: 0.1 }, 100, 200).map(Math.round), [90, 220]);
});

test("pass rule: predicted median in the measured range and measured median in the predicted p5–p95", () => {
  const spec = { key: "lostPFrac", tol: { kind: "frac", abs: 0.05 } } as const;
  // one seed: p5 = p95 = the prediction, so both halves ask |predicted − measured median| ≤ 0.05 (and in range)
  assert.equal(judgeMetric(spec, [0.6, 0.4, 0.6], [0.64]).verdict, "PASS");
  assert.equal(judgeMetric(spec, [0.5, 0.4, 0.6], [0.64]).verdict, "FAIL");
  // ten seeds 0.40, 0.42, …, 0.58: median 0.49, p5 0.409, p95 0.571 (type-7 quantiles)
  const ten = Array.from({ length: 10 }, (_, i) => 0.4 + 0.02 * i);
  const r = judgeMetric(spec, [0.5, 0.45, 0.55], ten);
  assert.equal(r.verdict, "PASS");
  assert.ok(Math.abs(r.distribution.p5 - 0.409) < 1e-9 && Math.abs(r.distribution.p95 - 0.571) < 1e-9, JSON.stringify(r.distribution));
  // the predicted median (0.49) inside the measured range, but the measured median 0.65 beyond p95 + 0.05 = 0.621
  const miss = judgeMetric(spec, [0.65, 0.3, 0.7], ten);
  assert.equal(miss.verdict, "FAIL");
  assert.match(miss.why!, /measured median outside the predicted p5–p95/);
  assert.doesNotMatch(miss.why!, /predicted median outside/);
  // the measured median inside the predicted spread, but the predicted median off the measured range
  const off = judgeMetric(spec, [0.5, 0.48, 0.52], [0.0, 0.0, 0.0, 0.1, 0.6, 0.7, 0.7, 0.9, 0.9, 0.9]);
  assert.equal(off.verdict, "FAIL");
  assert.match(off.why!, /^predicted median outside the measured range$/);
});

test("the quick matrix covers every program kind, short and long calls, 1 and 256 goroutines; the whole matrix the issue's cells", () => {
  const q = quickMatrix();
  for (const p of ["syscall", "raw", "cgo", "behind", "lostp", "stw", "netpoll", "locked", "tightloop"]) assert.ok(q.some((c) => c.program === p), `quick lacks ${p}`);
  const loop = q.filter((c) => ["syscall", "raw", "cgo"].includes(c.program));
  const arg = (c: { args: readonly string[] }, k: string) => Number(c.args[c.args.indexOf(`-${k}`) + 1]);
  assert.ok(loop.some((c) => arg(c, "d") <= 20) && loop.some((c) => arg(c, "d") >= 1000), "short and long calls");
  assert.ok(loop.some((c) => arg(c, "g") === 1) && loop.some((c) => arg(c, "g") === 256), "1 and 256 goroutines");
  const all = fullMatrix();
  // Syscall/RawSyscall/cgo × GOMAXPROCS 1/2/4 × g 1/4/16/64/256 × d 1/20/100/1000/10000 µs
  for (const kind of ["syscall", "raw", "cgo"])
    for (const procs of [1, 2, 4]) for (const g of [1, 4, 16, 64, 256]) for (const d of [1, 20, 100, 1000, 10000]) assert.ok(all.some((c) => c.id === `${kind} -procs ${procs} -g ${g} -d ${d}`), `${kind} ${procs} ${g} ${d}`);
  // the seed workload at GOMAXPROCS 1…32
  for (const procs of [1, 2, 4, 8, 16, 32]) assert.ok(all.some((c) => c.id === `syscall -procs ${procs} -g 256 -d 1000 -n 100`));
  // every loop cell is asserted: known gaps only where measured and explained (whole netpoll cells, single metrics)
  const gapCells = all.filter((c) => c.gap !== undefined);
  assert.deepEqual(gapCells.map((c) => c.program), ["netpoll", "netpoll"]);
  for (const c of all) for (const m of c.metrics) if (m.gap !== undefined) assert.ok(m.gap.length > 40, `${c.id} ${m.key} needs a reason`);
});

test("the sysretake lock-in cell's lost-P fraction is a known gap; its other metrics stay asserted", () => {
  const c = fullMatrix().find((x) => x.id === "syscall -procs 2 -g 1 -d 20")!;
  const gapped = c.metrics.filter((m) => m.gap !== undefined).map((m) => m.key);
  assert.deepEqual(gapped, ["lostPFrac"]);
  // a neighbour of the same program keeps every metric asserted
  assert.ok(fullMatrix().find((x) => x.id === "syscall -procs 2 -g 1 -d 100")!.metrics.every((m) => m.gap === undefined));
});

test("the loop workload runs Go code between calls, so sysmon can break a sysretake lock-in (some seeds of the lock-in cell do)", () => {
  const c = fullMatrix().find((x) => x.id === "syscall -procs 2 -g 1 -d 20")!;
  const lost = predictionPlan(undefined, 10).map((p) => c.predict({ profile: "go1.26" }, p.seed, p.offsetNs).lostPFrac!);
  // Without the loop body (20 ns of exitsyscall only) 1 of these 10 seeds breaks; with it, 5.
  assert.ok(lost.filter((x) => x < 0.6).length >= 3, lost.join(" "));
  // Inside what real Go gives on this cell: 0.16 (the stored Go 1.26 minimum) to 0.86 (its lock-in mode).
  assert.ok(lost.every((x) => x > 0.15 && x < 0.87), lost.join(" "));
});

test("a stored measurement is judged like a live one (raw 16 × 1 ms, GOMAXPROCS 1)", () => {
  const c = fullMatrix().find((x) => x.id === "raw -procs 1 -g 16 -d 1000")!;
  const r = validateCase(c, { goVersion: "go1.19.8", profile: "go1.19", measured: { makespanNs: [530e6, 526e6, 532e6], threadsCreated: [0, 0, 0] }, reps: 5, seeds: 1 });
  assert.equal(r.pass, true, JSON.stringify(r.metrics));
  const tooFast = validateCase(c, { goVersion: "go1.19.8", profile: "go1.19", measured: { makespanNs: [300e6, 290e6, 310e6], threadsCreated: [0, 0, 0] }, reps: 5, seeds: 1 });
  assert.equal(tooFast.pass, false);
});

test("the netpoll, LockOSThread and tight-loop cases predict what the issue's rules say (no Go needed)", () => {
  const byId = (id: string) => fullMatrix().find((x) => x.id === id)!;
  const np = byId("netpoll -procs 4 -g 1000").predict({ profile: "go1.19" }, 1, 400_000);
  assert.ok(np.threadsPeak! <= 4 + 3, `netpoll: threads near GOMAXPROCS, got ${np.threadsPeak}`);
  const blocking = byId("netpoll -procs 4 -g 1000 -mode blocking").predict({ profile: "go1.19" }, 1, 400_000);
  assert.ok(blocking.threadsCreated! > 500, `blocking reads: a thread per waiting connection, got ${blocking.threadsCreated}`);
  const locked = byId("locked -procs 2 -g 16").predict({ profile: "go1.19" }, 1, 400_000);
  assert.ok(locked.threadsCreated! >= 16, `locked: one thread per locked goroutine, got ${locked.threadsCreated}`);
  const tight = byId("tightloop -procs 1 -d 50000");
  assert.equal(tight.predict({ profile: "go1.19" }, 1, 400_000).preemptedFrac, 1, "go1.19: asynchronous preemption");
  assert.equal(tight.predict({ profile: "go1.10" }, 1, 400_000).preemptedFrac, 0, "go1.10: no asynchronous preemption");
});

test("validate --measured: distributions in the JSON, the same bytes whatever the workers (no Go needed)", () => {
  const dir = mkdtempSync(join(tmpdir(), "gosched-validate-"));
  const file = join(dir, "results.json");
  const cell = (args: string, m: Record<string, [number, number, number]>) => ({ program: args.split(" ")[0], args: args.slice(args.indexOf(" ") + 1), reps: 5, ok: 5, m });
  writeFileSync(
    file,
    JSON.stringify({
      goVersion: "go1.19.8",
      cases: [
        cell("raw -procs 1 -g 16 -d 1000", { makespanNs: [530e6, 526e6, 532e6], threadsCreated: [0, 0, 0], windowStartAfterInitNs: [5e5, 4e5, 9e5] }),
        cell("syscall -procs 1 -g 16 -d 10000", { makespanNs: [34e6, 33e6, 35e6], threadsCreated: [15, 14, 15], lostPFrac: [1, 1, 1], windowStartAfterInitNs: [5e5, 4e5, 9e5] }),
      ],
    }),
  );
  const run = (workers: string) => spawnSync(process.execPath, [bin, "validate", "--measured", file, "--json", "--workers", workers], { encoding: "utf8" });
  const a = run("2");
  assert.ok(a.status === 0 || a.status === 1, a.stderr);
  assert.equal(run("0").stdout, a.stdout);
  const out = JSON.parse(a.stdout) as Out & { seeds: number };
  assert.equal(out.seeds, 10);
  assert.equal(out.results.length, 2);
  for (const r of out.results) {
    assert.deepEqual(r.seeds, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // offsets spread over the measured window start, 0.4–0.9 ms
    assert.equal(r.offsetsNs[0], 400_000);
    assert.equal(r.offsetsNs[9], 900_000);
    for (const m of r.metrics) {
      assert.equal(m.predictions.length, 10);
      const s = [...m.predictions].sort((x, y) => x - y);
      assert.equal(m.distribution.median, (s[4]! + s[5]!) / 2);
      assert.equal(m.predicted, m.distribution.median);
    }
  }
  rmSync(dir, { recursive: true });
});

test("calibrate's sleep spreads: offsets from the median with the body quantiles, never falling", () => {
  // nanosleep(1 µs) on a loaded VM: a flat body and a millisecond tail
  const q = { min: 44_000, p5: 65_000, p25: 65_400, p50: 66_100, p75: 67_200, p95: 77_000, p99: 2_105_000, max: 3_969_000 };
  assert.deepEqual(spreadFromQuantiles(q), [[0, -22_100], [0.05, -1_100], [0.25, -700], [0.5, 0], [0.75, 1_100], [0.95, 10_900], [0.99, 2_038_900], [1, 3_902_900]]);
  // without the body: a straight line from p50 to p99
  assert.deepEqual(spreadFromQuantiles({ min: 44_000, p50: 66_100, p99: 2_105_000, max: 3_969_000 }), [[0, -22_100], [0.5, 0], [0.99, 2_038_900], [1, 3_902_900]]);
  // medians over processes may cross: offsets are made non-decreasing
  assert.deepEqual(spreadFromQuantiles({ min: 10, p25: 30, p50: 20, p75: 25, p99: 24, max: 24 }), [[0, -10], [0.25, 0], [0.5, 0], [0.75, 5], [0.99, 5], [1, 5]]);
  const profile = parseCostProfile({ format: "gosched-costs/1", costs: {}, machine: { sleepSpreads: [[1000, spreadFromQuantiles(q)]] } }, "t.json");
  assert.equal(profile.machine.sleepSpreads![0]![1][7]![1], 3_902_900);
});

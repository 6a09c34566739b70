// tools/return-structure.mjs: how a loop program's calls come back, from a GOSCHED_RETURNS file.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const tool = path.join(repoRoot, "tools", "return-structure.mjs");

// Four calls, worked out by hand: latencies 100, 102, 112 and 1000 µs (median 112 µs: the last is
// over twice it); returns at 100 (CPU 0), 102 (CPU 0: 2 µs, same CPU), 112 (CPU 1: 10 µs, other
// CPU) and 1000 µs (888 µs later); threads 7, 8, 7, 8 — thread 7 came back on CPU 0 then 1 (moved),
// thread 8 on CPU 0 then 1 (moved): both of the two pairs.
const file = ["# gosched returns v2", "c 0 0 100000 0 7", "c 1 0 102000 0 8", "c 2 0 112000 1 7", "c 3 0 1000000 1 8", ""].join("\n");

test("the statistics of a hand-made file: one call in four without a P, the gaps by CPU and length; sysmon's back-off from schedtrace", async () => {
  const { parseReturns, returnStats, schedtraceBackedOff } = (await import(pathToFileURL(tool).href)) as {
    parseReturns: (t: string, w: string) => unknown[];
    schedtraceBackedOff: (stderr: string) => number | undefined;
    returnStats: (c: unknown[]) => { calls: number; medianNs: number; slowFrac: number; cpu0Share: number; movedFrac: number; gapShares: number[] };
  };
  const s = returnStats(parseReturns(file, "f"));
  assert.equal(s.medianNs, 112_000);
  assert.equal(s.slowFrac, 0.25);
  assert.equal(s.cpu0Share, 0.5);
  assert.equal(s.movedFrac, 1);
  // same <5 µs, same 5–40, other <5, other 5–40, ≥40 µs
  assert.deepEqual(s.gapShares, [1 / 3, 0, 0, 1 / 3, 1 / 3]);
  assert.throws(() => parseReturns(file.replace("c 2 0 112000 1 7", "c 2 zero 112000 1 7"), "f"), /^Error: f:4: expected "c <goroutine>/);
  assert.throws(() => parseReturns("c 0 0 1 0", "f"), /f:1: not a GOSCHED_RETURNS file/);
  // schedtrace lines at 0, 1, 2, 12 and 13 ms: one 10 ms gap of the 13 ms backed off.
  const stderr = ["SCHED 0ms: gomaxprocs=1", "SCHED 1ms: gomaxprocs=1", "SCHED 2ms: gomaxprocs=1", "other", "SCHED 12ms: gomaxprocs=1", "SCHED 13ms: gomaxprocs=1"].join("\n");
  assert.equal(schedtraceBackedOff(stderr), 10 / 13);
  assert.equal(schedtraceBackedOff("SCHED 5ms: x"), undefined);
});

test("the model's runs on a CPU read as sched-trace.mjs prints a real kernel's: its rank rule on the 1 µs histogram", async () => {
  const { runsLine } = (await import(pathToFileURL(tool).href)) as { runsLine: (k: unknown, endNs: number) => string };
  // Five runs of 2, 3, 3, 10 and 50 µs (68 µs in all); sorted, sched-trace's p is element ⌊p·4⌋:
  // p10 → 2, p50 → 3, p90 and p99 → 10 µs. CPU 0 busy 50 of 200 µs, CPU 1 18.
  const byUs = new Uint32Array(4097);
  for (const us of [2, 3, 3, 10, 50]) byUs[us]!++;
  const kernel = { runs: { count: 5, totalNs: 68_000, byUs }, cpus: [{ busyNs: 50_000 }, { busyNs: 18_000 }] };
  assert.equal(runsLine(kernel, 200_000), "runs on a CPU: 5, p10 2 p50 3 p90 10 p99 10 µs, mean 13.60 µs, total 0.1 ms; CPU busy: cpu0 25.0 %, cpu1 9.0 %");
});

test("sysmon's passes by CPU and the futex wakes onto the waker's CPU read in sched-trace.mjs's terms", async () => {
  const { sysmonLine } = (await import(pathToFileURL(tool).href)) as { sysmonLine: (p: Map<number, number>, w: unknown) => string };
  const w = { sysmon: { preempted: 1, waited: 9 }, others: { preempted: 3, waited: 4 } };
  assert.equal(
    sysmonLine(
      new Map([
        [1, 7],
        [0, 2],
      ]),
      w,
    ),
    "sysmon's passes by CPU: cpu0 2, cpu1 7; futex wakes onto the waker's running CPU: sysmon preempting it 1, waiting 9; the others preempting it 3, waiting 4",
  );
  assert.match(sysmonLine(new Map(), w), /^sysmon's passes by CPU: none;/);
});

test("the CLI reads a file and runs the model on the same cell; bad input exits 2 naming the line", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gosched-returns-test-"));
  try {
    const good = path.join(dir, "good.txt");
    writeFileSync(good, file);
    const ok = spawnSync(process.execPath, [tool, "--file", good, "--seeds", "1", "--", "-procs", "1", "-g", "4", "-d", "1000", "-n", "5"], { encoding: "utf8" });
    assert.equal(ok.status, 0, ok.stderr);
    const fileRow = ok.stdout.split("\n").find((l) => l.startsWith("good.txt"));
    assert.ok(fileRow !== undefined, ok.stdout);
    // 1.0 ms from the first start to the last return; no P 25 %; half on CPU 0; all moved; no sysmon figure
    assert.match(fileRow, /^good\.txt\s+1\.0\s+-\s+25\.0 %\s+50\.0 %\s+100\.0 %\s+33\.3 %\s+0\.0 %\s+0\.0 %\s+33\.3 %\s+33\.3 %\s+-$/);
    assert.match(ok.stdout, /\nmodel go1\.26 seed 1\s+\d+\.\d\s+\d+\s+\d+\.\d %/);

    const bad = path.join(dir, "bad.txt");
    writeFileSync(bad, file.replace("c 3 0 1000000 1 8", "c 3 0 1000000 one 8"));
    const r = spawnSync(process.execPath, [tool, "--file", bad, "--no-model", "--", "-procs", "1", "-g", "4", "-d", "1000"], { encoding: "utf8" });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bad\.txt:5: expected/);
    const help = spawnSync(process.execPath, [tool, "--help"], { encoding: "utf8" });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^How a loop program's syscalls come back/);
    assert.match(help.stdout, /\nusage: node tools\/return-structure\.mjs /);
    const noCell = spawnSync(process.execPath, [tool, "--no-model"], { encoding: "utf8" });
    assert.equal(noCell.status, 2);
    assert.match(noCell.stderr, /needs -procs, -g and -d/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

interface Runner {
  goVersion(go: string): string;
  build(go: string, version: string, program: string, log: (s: string) => void): string;
  runOnce(bin: string, flags: readonly string[], timeoutS: number): Record<string, unknown>;
}

// The recording itself, against real Go (skipped, saying how to install, without the toolchain):
// the oldest and a current toolchain build it; each call is inside its goroutine's sequence.
for (const [name, go] of [["Go 1.19", "/usr/lib/go-1.19/bin/go"], ["Go 1.26", "/usr/lib/go-1.26/bin/go"]] as const) {
  test(`GOSCHED_RETURNS (${name}): one line per call, each goroutine's calls in sequence`, { timeout: 5 * 60_000 }, async (t) => {
    if (!existsSync(go)) {
      t.skip(`${name} is not installed (${go}): install it with \`sudo tools/install-go.sh\``);
      return;
    }
    const r = (await import(pathToFileURL(path.join(repoRoot, "tools", "run-go-validation.mjs")).href)) as Runner;
    const { parseReturns } = (await import(pathToFileURL(tool).href)) as {
      parseReturns: (t: string, w: string) => { g: number; startNs: number; endNs: number; cpu: number; tid: number }[];
    };
    const bin = r.build(go, r.goVersion(go), "syscall", () => {});
    const dir = mkdtempSync(path.join(os.tmpdir(), "gosched-returns-go-"));
    try {
      const out = path.join(dir, "returns.txt");
      process.env.GOSCHED_RETURNS = out;
      const res = r.runOnce(bin, ["-procs", "1", "-g", "4", "-d", "100", "-n", "20"], 60);
      delete process.env.GOSCHED_RETURNS;
      assert.equal(res.error, undefined, JSON.stringify(res));
      assert.equal(res["syscalls.total"], 80);
      const calls = parseReturns(readFileSync(out, "utf8"), out);
      assert.equal(calls.length, 80);
      for (let g = 0; g < 4; g++) {
        const mine = calls.filter((c) => c.g === g);
        assert.equal(mine.length, 20);
        for (let i = 1; i < mine.length; i++) assert.ok(mine[i]!.startNs >= mine[i - 1]!.endNs, `goroutine ${g}, call ${i} starts before the previous returned`);
      }
      for (const c of calls) assert.ok(c.cpu >= -1 && c.tid > 0 && c.endNs - c.startNs >= 100_000, JSON.stringify(c));
      // The same latencies the program summarizes: its p50 lies between the two middle ones.
      const lat = calls.map((c) => c.endNs - c.startNs).sort((a, b) => a - b);
      const p50 = res["syscallLatencyNs.p50"] as number;
      assert.ok(p50 >= lat[39]! && p50 <= lat[40]!, `p50 ${p50} not between ${lat[39]} and ${lat[40]}`);
    } finally {
      delete process.env.GOSCHED_RETURNS;
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test("the CLI runs real Go with GOSCHED_RETURNS and schedtrace: a row per run with sysmon's back-off", { timeout: 5 * 60_000 }, (t) => {
  const go = "/usr/lib/go-1.26/bin/go";
  if (!existsSync(go)) {
    t.skip(`Go 1.26 is not installed (${go}): install it with \`sudo tools/install-go.sh\``);
    return;
  }
  const r = spawnSync(process.execPath, [tool, "--go", go, "--runs", "1", "--schedtrace", "--no-model", "--", "-procs", "1", "-g", "4", "-d", "1000", "-n", "20"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  // 80 calls of ≥ 1 ms, 4 at a time at one P: at least 20 ms; the back-off share is a percentage
  const m = /\ngo1\.26\.\d+ run 1 \(st\)\s+(\d+\.\d)\s+\d+\s+\d+\.\d %\s+\d+\.\d %\s+\d+\.\d %(?:\s+\d+\.\d %){5}\s+(\d+\.\d) %/.exec(r.stdout);
  assert.ok(m !== null, r.stdout);
  assert.ok(Number(m[1]) >= 20, m[1]);
  assert.ok(Number(m[2]) >= 0 && Number(m[2]) <= 100, m[2]);
});

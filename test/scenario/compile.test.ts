// Scenario compilation: units, op-array shapes, variants and params, the published schema.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { ScenarioError, loadScenario, parseDuration, parseRate, parseSize, scenarioSchema } from "../../src/scenario/index.js";
import { simulate } from "../../src/simulate.js";
import type { Instr, OpArrayProgram } from "../../src/runtime/ops.js";

test("durations with units", () => {
  const ok = (v: unknown, ns: number) => assert.deepEqual(parseDuration(v), { ok: true, value: ns });
  ok("300ns", 300);
  ok("50us", 50_000);
  ok("50µs", 50_000);
  ok("2ms", 2_000_000);
  ok("1.5s", 1_500_000_000);
  ok(0, 0);
  assert.equal(parseDuration("10").ok, false);
  assert.equal(parseDuration(10).ok, false);
  assert.deepEqual(parseDuration(10, true), { ok: true, value: 10 });
  assert.equal(parseDuration("-1ms").ok, false);
  assert.deepEqual(parseSize("64KiB"), { ok: true, value: 65536 });
  assert.deepEqual(parseRate("2/ms"), { ok: true, value: 2000 });
  assert.deepEqual(parseRate(500), { ok: true, value: 500 });
});

test("the published schema file equals the schema the validator uses", () => {
  const published = JSON.parse(readFileSync(new URL("../../../schema/scenario.schema.json", import.meta.url), "utf8")) as unknown;
  assert.deepEqual(published, JSON.parse(JSON.stringify(scenarioSchema)));
});

test("every example compiles, and says what it shows", () => {
  const dir = new URL("../../../examples/", import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));
  assert.ok(files.length >= 8, `${files.length} examples`);
  for (const f of files) {
    const text = readFileSync(new URL(f, dir), "utf8");
    assert.match(text, /^# .*\n#.*\S/m, `${f} starts with a comment`);
    const sc = loadScenario(text, f);
    assert.ok(sc.runs.length >= 1);
  }
});

const find = (code: readonly Instr[], op: string) => code.filter((i) => i.op === op);

test("repeat, choice and groups compile to loop/endloop/choose/jump and a WaitGroup main", () => {
  const sc = loadScenario(
    `programs:
  w:
    - repeat:
        count: 3
        do:
          - repeat: { count: 2, do: [{ compute: 1us }] }
          - choice:
              - { weight: 3, do: [{ syscall: 1ms }] }
              - { weight: 1, do: [{ rawSyscall: 2ms }, exit] }
goroutines:
  - program: w
    count: 4
`,
    "t.yaml",
  );
  const main = sc.runs[0]!.options.main as OpArrayProgram;
  assert.deepEqual(main.code.map((i) => i.op), ["wgAdd", "loop", "go", "endloop", "wgWait"]);
  const w = (main.code[2] as { program: OpArrayProgram }).program;
  assert.equal(w.registers, 2);
  assert.equal(find(w.code, "loop").length, 2);
  assert.equal(find(w.code, "choose").length, 1);
  assert.deepEqual((find(w.code, "choose")[0] as unknown as { weights: number[] }).weights, [3, 1]);
  // `exit` in a waited goroutine jumps to the final wgDone.
  const last = w.code[w.code.length - 1]!;
  assert.deepEqual([last.op, (last as { delta: number }).delta], ["wgAdd", -1]);
  assert.ok(find(w.code, "jump").some((j) => (j as { pc: number }).pc === w.code.length - 1));
  assert.equal(sc.runs[0]!.waitedGoroutines, 4);
  const sim = simulate({ ...sc.runs[0]!.options, check: true });
  assert.equal(sim.result.stoppedBy, "main-exited");
});

test("netpoll, LockOSThread and tight-loop ops compile to the core's ops", () => {
  const sc = loadScenario(
    `programs:
  w:
    - lockOSThread
    - accept: 1ms
    - netRead: { latency: { dist: uniform, min: 1ms, max: 2ms }, site: conn.Read }
    - netWrite: 10us
    - tightLoop: 5ms
    - tightLoop: { duration: 1ms, site: spin }
    - compute: 1ms
    - unlockOSThread: {}
goroutines:
  - program: w
    count: 3
`,
    "t.yaml",
  );
  const main = sc.runs[0]!.options.main as OpArrayProgram;
  const w = (main.code[2] as { program: OpArrayProgram }).program;
  assert.deepEqual(w.code.slice(0, 8), [
    { op: "lockOSThread" },
    { op: "accept", latencyNs: 1_000_000 },
    { op: "netRead", latencyNs: { dist: "uniform", minNs: 1_000_000, maxNs: 2_000_000 }, site: "conn.Read" },
    { op: "netWrite", latencyNs: 10_000 },
    { op: "compute", durationNs: 5_000_000, noCalls: true },
    { op: "compute", durationNs: 1_000_000, noCalls: true, site: "spin" },
    { op: "compute", durationNs: 1_000_000 },
    { op: "unlockOSThread" },
  ]);
  const sim = simulate({ ...sc.runs[0]!.options, check: true });
  assert.equal(sim.result.stoppedBy, "main-exited");
  // each locked goroutine needed its own thread
  assert.ok(sim.metrics.threadsCreated >= 2, `threads created ${sim.metrics.threadsCreated}`);
});

test("the new examples show what their comments say", () => {
  const run = (f: string) => {
    const sc = loadScenario(readFileSync(new URL(`../../../examples/${f}`, import.meta.url), "utf8"), f);
    return new Map(sc.runs.map((r) => [r.label, simulate({ ...r.options }).metrics]));
  };
  const net = run("netpoll-server.yaml");
  assert.ok(net.get("netpoll")!.threadsPeak <= 8, "netpoll: threads near GOMAXPROCS=4");
  assert.ok(net.get("blocking-read")!.threadsCreated > 500, "blocking reads: a thread per waiting connection");
  const lk = run("lockosthread.yaml");
  assert.ok(lk.get("locked")!.threadsCreated >= 16);
  assert.ok(lk.get("unlocked")!.threadsCreated <= 2);
  const tl = run("tight-loop-preemption.yaml");
  assert.ok(tl.get("go1.19")!.schedLatencyNs.maxNs < 40e6, "go1.19: the waiter runs before the loop ends");
  assert.ok(tl.get("go1.10")!.schedLatencyNs.maxNs >= 49e6, "go1.10: the waiter waits for the whole loop");
});

test("variants substitute params (also in op names) and override settings", () => {
  const sc = loadScenario(
    `settings: { gomaxprocs: 2 }
params: { call: syscall, d: 1ms }
programs:
  w: [{ "\${call}": "\${d}" }]
goroutines: [{ program: w, count: 2 }]
variants:
  - name: base
  - name: raw
    params: { call: rawSyscall, d: 3ms }
    settings: { gomaxprocs: 1 }
`,
    "v.yaml",
  );
  assert.deepEqual(sc.runs.map((r) => r.label), ["base", "raw"]);
  assert.equal(sc.runs[0]!.options.gomaxprocs, 2);
  assert.equal(sc.runs[1]!.options.gomaxprocs, 1);
  const op = (i: number) => ((sc.runs[i]!.options.main as OpArrayProgram).code.find((x) => x.op === "go") as { program: OpArrayProgram }).program.code[0]!;
  assert.deepEqual([op(0).op, (op(0) as { durationNs: number }).durationNs], ["syscall", 1_000_000]);
  assert.deepEqual([op(1).op, (op(1) as { durationNs: number }).durationNs], ["rawSyscall", 3_000_000]);
});

test("arrivals: a generator sleeping exponential gaps spawns the handler per request", () => {
  const sc = loadScenario(
    `settings: { seed: 5 }
programs:
  h: [{ compute: 10us }, { read: { dist: lognormal, median: 100us, sigma: 0.5 } }]
arrivals:
  - { handler: h, rate: 1000/s, process: poisson, requests: 50 }
`,
    "a.yaml",
  );
  const sim = simulate(sc.runs[0]!.options);
  assert.equal(sim.result.stoppedBy, "main-exited");
  assert.equal(sim.metrics.goroutines, 1 + 1 + 50);
  assert.equal(sim.metrics.syscalls.total, 50);
  // 50 requests at 1000/s: about 50 ms of arrivals.
  assert.ok(sim.metrics.makespanNs > 20e6 && sim.metrics.makespanNs < 120e6, String(sim.metrics.makespanNs));
  const fixed = loadScenario(`programs: { h: [gosched] }\narrivals: [{ handler: h, rate: 100/s, process: fixed, duration: 1s }]\n`, "f.yaml");
  assert.equal(fixed.runs[0]!.waitedGoroutines, 100);
});

test("overrides apply to settings and params", () => {
  const text = readFileSync(new URL("../../../examples/default.yaml", import.meta.url), "utf8");
  const sc = loadScenario(text, "default.yaml", {
    variants: ["Syscall"],
    overrides: [
      { key: "gomaxprocs", value: "4", source: "--gomaxprocs 4" },
      { key: "costs.futexWakeNs", value: "5us", source: "--set costs.futexWakeNs=5us" },
      { key: "maxTime", value: "1s", source: "--max-time 1s" },
    ],
  });
  const o = sc.runs[0]!.options;
  assert.equal(o.gomaxprocs, 4);
  assert.equal(o.costs?.futexWakeNs, 5000);
  assert.equal(o.maxTimeNs, 1e9);
});

test("an override that makes variants the same configuration is refused, naming it and them", () => {
  const doc = `
programs: { w: [{ compute: 1ms }] }
goroutines: [{ program: w }]
variants:
  - { name: a, settings: { gomaxprocs: 1, seed: 2 } }
  - { name: b, settings: { seed: 2, gomaxprocs: 2 } }
  - { name: c, settings: { gomaxprocs: 1, seed: 3 } }
`;
  const gmp = { key: "gomaxprocs", value: "4", source: "--gomaxprocs 4" };
  // a and b differ only in GOMAXPROCS (their keys in another order): merged; c keeps its seed.
  assert.throws(
    () => loadScenario(doc, "v.yaml", { overrides: [gmp, { key: "maxTime", value: "1s", source: "--max-time 1s" }] }),
    (e: unknown) => e instanceof ScenarioError && e.code === "OPTION_INVALID" && e.message === "v.yaml: --gomaxprocs 4: overrides what the variants set, so variants a, b would run the same configuration: choose one with --variant (e.g. --variant a), or vary the setting with gosched sweep --variant a --param <key>=v1,v2,…",
  );
  // Every pair merged by two overrides: both named, both groups listed.
  assert.throws(
    () => loadScenario(doc, "v.yaml", { overrides: [gmp, { key: "seed", value: "1", source: "--seed 1" }] }),
    (e: unknown) => e instanceof ScenarioError && /^v\.yaml: --gomaxprocs 4 --seed 1: .* variants a, b, c would run/.test(e.message),
  );
  // Distinct configurations, or one variant chosen: compiled.
  assert.equal(loadScenario(doc, "v.yaml", { variants: ["a", "c"], overrides: [gmp] }).runs.length, 2);
  assert.equal(loadScenario(doc, "v.yaml", { variants: ["a"], overrides: [gmp] }).runs[0]!.options.gomaxprocs, 4);
  assert.equal(loadScenario(doc, "v.yaml").runs.length, 3);
});

test("timer: a select times out through a time.After channel", () => {
  const doc = `
channels: { never: 0, timeout: 1 }
programs:
  waiter:
    - timer: { chan: timeout, duration: 2ms }
    - select: { cases: [ { recv: never }, { recv: timeout } ] }
goroutines: [{ program: waiter }]
`;
  const sc = loadScenario(doc, "timer.yaml");
  const sim = simulate({ ...sc.runs[0]!.options, check: true });
  assert.equal(sim.result.stoppedBy, "main-exited");
  assert.ok(sim.metrics.makespanNs >= 2e6 && sim.metrics.makespanNs < 3.5e6, `${sim.metrics.makespanNs}`);
});

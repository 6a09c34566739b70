// Malformed scenarios: each must fail with a ScenarioError naming the expected line, column, path and
// an explanatory message — never an uncaught exception.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadScenario, ScenarioError } from "../../src/scenario/index.js";

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly line: number;
  readonly col: number;
  readonly path: string;
  readonly message: RegExp;
}

const worker = (body: string) => `programs:\n  w:\n${body}goroutines:\n  - program: w\n`;

const cases: Case[] = [
  { name: "YAML syntax error", yaml: "programs:\n  w: [compute: 1ms\n", line: 3, col: 1, path: "", message: /YAML syntax error/ },
  { name: "duplicate key", yaml: "settings:\n  seed: 1\n  seed: 2\nprograms:\n  w: [gosched]\ngoroutines: [{program: w}]\n", line: 3, col: 3, path: "", message: /unique/ },
  { name: "unknown op", yaml: worker("    - compute: 1ms\n    - sycall: 1ms\n"), line: 4, col: 7, path: "programs.w[1].sycall", message: /unknown op 'sycall' \(expected one of: compute, syscall/ },
  { name: "unknown bare op", yaml: worker("    - yield\n"), line: 3, col: 7, path: "programs.w[0]", message: /unknown op 'yield'/ },
  { name: "negative duration", yaml: worker("    - compute: -5ms\n"), line: 3, col: 16, path: "programs.w[0].compute", message: /durations cannot be negative/ },
  { name: "wrong unit", yaml: worker("    - sleep: 5mins\n"), line: 3, col: 14, path: "programs.w[0].sleep", message: /unknown duration unit 'mins'/ },
  { name: "missing unit", yaml: worker("    - syscall: 10\n"), line: 3, col: 16, path: "programs.w[0].syscall", message: /needs a unit/ },
  { name: "unknown top-level field", yaml: "programs:\n  w: [gosched]\ngoroutines: [{program: w}]\nsetings:\n  seed: 1\n", line: 4, col: 1, path: "setings", message: /unknown field 'setings' \(expected one of: .*settings/ },
  { name: "unknown settings field", yaml: "settings:\n  gomaxproc: 2\nprograms:\n  w: [gosched]\ngoroutines: [{program: w}]\n", line: 2, col: 3, path: "settings.gomaxproc", message: /unknown field 'gomaxproc'.*gomaxprocs/ },
  { name: "gomaxprocs zero", yaml: "settings:\n  gomaxprocs: 0\nprograms:\n  w: [gosched]\ngoroutines: [{program: w}]\n", line: 2, col: 15, path: "settings.gomaxprocs", message: /expected a number >= 1/ },
  { name: "gomaxprocs not a number", yaml: "settings:\n  gomaxprocs: many\nprograms:\n  w: [gosched]\ngoroutines: [{program: w}]\n", line: 2, col: 15, path: "settings.gomaxprocs", message: /expected a whole number, got 'many'/ },
  { name: "unknown profile", yaml: "settings:\n  profile: go1.99\nprograms:\n  w: [gosched]\ngoroutines: [{program: w}]\n", line: 2, col: 12, path: "settings.profile", message: /expected one of go1.10, go1.19, go1.23, go1.26/ },
  { name: "unknown policy", yaml: "settings:\n  policy: fast-handoff\nprograms:\n  w: [gosched]\ngoroutines: [{program: w}]\n", line: 2, col: 11, path: "settings.policy", message: /expected one of sysmon-retake, immediate-handoff/ },
  { name: "unknown distribution", yaml: worker("    - compute: { dist: pareto, mean: 1ms }\n"), line: 3, col: 24, path: "programs.w[0].compute.dist", message: /expected one of constant, uniform/ },
  { name: "distribution missing parameter", yaml: worker("    - compute: { dist: uniform, min: 1ms }\n"), line: 3, col: 16, path: "programs.w[0].compute", message: /missing field 'max'/ },
  { name: "uniform min above max", yaml: worker("    - compute: { dist: uniform, min: 5ms, max: 1ms }\n"), line: 3, col: 48, path: "programs.w[0].compute.max", message: /max \(1ms\) must not be below min \(5ms\)/ },
  { name: "negative sigma", yaml: worker("    - read: { dist: lognormal, median: 1ms, sigma: -1 }\n"), line: 3, col: 52, path: "programs.w[0].read.sigma", message: /expected a number >= 0/ },
  { name: "empty empirical list", yaml: worker("    - compute: { dist: empirical, values: [] }\n"), line: 3, col: 43, path: "programs.w[0].compute.values", message: /at least 1 item/ },
  { name: "empty program", yaml: "programs:\n  w: []\ngoroutines: [{program: w}]\n", line: 2, col: 6, path: "programs.w", message: /at least one op/ },
  { name: "empty repeat body", yaml: worker("    - repeat: { count: 3, do: [] }\n"), line: 3, col: 31, path: "programs.w[0].repeat.do", message: /at least one op/ },
  { name: "two ops in one item", yaml: worker("    - compute: 1ms\n      syscall: 1ms\n"), line: 3, col: 7, path: "programs.w[0]", message: /exactly one key/ },
  { name: "go cycle", yaml: "programs:\n  a:\n    - go: b\n  b:\n    - compute: 1us\n    - go: a\ngoroutines: [{program: a}]\n", line: 6, col: 11, path: "programs.b[1].go", message: /cycle in go references: a → b → a/ },
  { name: "go self", yaml: "programs:\n  a:\n    - go: a\ngoroutines: [{program: a}]\n", line: 3, col: 11, path: "programs.a[0].go", message: /cycle in go references: a → a/ },
  { name: "go unknown program", yaml: worker("    - go: nobody\n"), line: 3, col: 11, path: "programs.w[0].go", message: /unknown program 'nobody'/ },
  { name: "group of unknown program", yaml: "programs:\n  w: [gosched]\ngoroutines:\n  - program: x\n", line: 4, col: 14, path: "goroutines[0].program", message: /unknown program 'x' \(programs: w\)/ },
  { name: "undeclared channel", yaml: worker("    - send: jobs\n"), line: 3, col: 13, path: "programs.w[0].send", message: /unknown channel 'jobs'/ },
  { name: "undeclared mutex", yaml: worker("    - lock: mu\n"), line: 3, col: 13, path: "programs.w[0].lock", message: /unknown mutex 'mu'/ },
  { name: "unknown param", yaml: worker("    - ${kind}: 1ms\n"), line: 3, col: 7, path: "programs.w[0]", message: /unknown param '\$\{kind\}'/ },
  { name: "zero goroutine count", yaml: "programs:\n  w: [gosched]\ngoroutines:\n  - program: w\n    count: 0\n", line: 5, col: 12, path: "goroutines[0].count", message: /expected a number >= 1/ },
  { name: "bad rate", yaml: "programs:\n  h: [gosched]\narrivals:\n  - handler: h\n    rate: fast\n    requests: 10\n", line: 5, col: 11, path: "arrivals[0].rate", message: /expected a rate like 1000\/s/ },
  { name: "arrival without count or duration", yaml: "programs:\n  h: [gosched]\narrivals:\n  - handler: h\n    rate: 100/s\n", line: 4, col: 5, path: "arrivals[0]", message: /needs `requests:`/ },
  { name: "nothing to run", yaml: "programs:\n  w: [gosched]\n", line: 1, col: 1, path: "", message: /nothing to run/ },
  { name: "choice weight zero", yaml: worker("    - choice:\n        - weight: 0\n          do: [gosched]\n"), line: 4, col: 19, path: "programs.w[0].choice[0].weight", message: /expected a number >= 1/ },
  { name: "top level is a list", yaml: "- compute: 1ms\n", line: 1, col: 1, path: "", message: /expected a mapping at the top level/ },
  { name: "empty file", yaml: "", line: 1, col: 1, path: "", message: /the file is empty/ },
  { name: "variant with bad setting", yaml: "programs:\n  w: [gosched]\ngoroutines: [{program: w}]\nvariants:\n  - name: a\n  - name: b\n    settings: { gomaxprocs: -1 }\n", line: 7, col: 29, path: "variants[1].settings.gomaxprocs", message: /expected a number >= 1/ },
  { name: "netRead without latency", yaml: worker("    - netRead: { site: conn.Read }\n"), line: 3, col: 16, path: "programs.w[0].netRead", message: /missing field 'latency'/ },
  { name: "netWrite with duration instead of latency", yaml: worker("    - netWrite: { duration: 5ms }\n"), line: 3, col: 17, path: "programs.w[0].netWrite", message: /missing field 'latency'/ },
  { name: "accept missing unit", yaml: worker("    - accept: 10\n"), line: 3, col: 15, path: "programs.w[0].accept", message: /needs a unit/ },
  { name: "tightLoop negative", yaml: worker("    - tightLoop: -50ms\n"), line: 3, col: 18, path: "programs.w[0].tightLoop", message: /durations cannot be negative/ },
  { name: "lockOSThread with an argument", yaml: worker("    - lockOSThread: { thread: 1 }\n"), line: 3, col: 21, path: "programs.w[0].lockOSThread", message: /expected no arguments/ },
  { name: "misspelled bare unlockOSThread", yaml: worker("    - unlockOsThread\n"), line: 3, col: 7, path: "programs.w[0]", message: /unknown op 'unlockOsThread' \(ops written alone: gosched, gc, exit, lockOSThread, unlockOSThread/ },
  { name: "gc op with an argument", yaml: worker("    - gc: { full: true }\n"), line: 3, col: 11, path: "programs.w[0].gc", message: /expected no arguments/ },
];

test("at least 20 malformed scenarios are covered", () => {
  assert.ok(cases.length >= 20);
});

for (const c of cases) {
  test(`malformed: ${c.name}`, () => {
    let err: unknown;
    try {
      loadScenario(c.yaml, "bad.yaml");
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ScenarioError, `expected a ScenarioError, got ${String(err)}`);
    assert.match(err.detail, c.message);
    assert.equal(err.path, c.path, err.message);
    assert.deepEqual([err.where.line, err.where.col], [c.line, c.col], err.message);
    assert.equal(err.where.file, "bad.yaml");
    assert.ok(err.message.startsWith(c.line > 0 ? `bad.yaml:${c.line}:${c.col}: ` : "bad.yaml"), err.message);
  });
}

test("command-line overrides are named in errors", () => {
  const yaml = "programs:\n  w: [gosched]\ngoroutines: [{program: w}]\n";
  assert.throws(
    () => loadScenario(yaml, "s.yaml", { overrides: [{ key: "gomaxprocs", value: "x", source: "--gomaxprocs x" }] }),
    (e: unknown) => e instanceof ScenarioError && e.message.startsWith("s.yaml: --gomaxprocs x: settings.gomaxprocs: expected a whole number"),
  );
  assert.throws(
    () => loadScenario(yaml, "s.yaml", { overrides: [{ key: "gomaxprox", value: "2", source: "--vs gomaxprox=2" }] }),
    (e: unknown) => e instanceof ScenarioError && e.code === "OPTION_INVALID" && /unknown key 'gomaxprox'/.test(e.message),
  );
});

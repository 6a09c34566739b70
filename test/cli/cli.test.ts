// The CLI as a user runs it: a spawned process on fixture scenarios, its output checked against the
// runtime's rules rather than against a snapshot of itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { commandTable, optionsFor, subcommandTable } from "../../src/cli/options.js";
import { schedtraceLineRe } from "../../src/observers/schedtrace.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const bin = `${root}bin/gosched.js`;
const fixture = (f: string) => `${root}test/cli/fixtures/${f}`;
const example = (f: string) => `${root}examples/${f}`;

function gosched(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", cwd: root, env: { ...process.env, GOSCHED_NO_PROGRESS: "1" } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface RunJson {
  label: string;
  config: { gomaxprocs: number };
  result: { stoppedBy: string; fatal: string | null };
  metrics: {
    makespanNs: number;
    threadsCreated: number;
    syscalls: { total: number; raw: number };
    handoffs: { sysmonRetake: number; blockingSyscall: number };
    schedLatencyNs: { maxNs: number };
  };
}

const runJson = (...args: string[]): RunJson[] => {
  const r = gosched("run", ...args, "--json");
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { runs: RunJson[] }).runs;
};

test("default scenario: RawSyscall serializes on the Ps, Syscall hands Ps off to new threads", () => {
  const runs = runJson(example("default.yaml"));
  const by = Object.fromEntries(runs.map((r) => [r.label, r]));
  const raw = by.RawSyscall!;
  const sys = by.Syscall!;
  const block = by.entersyscallblock!;
  const calls = 8 * 5;
  const callNs = 10e6;
  // RawSyscall: no handoff, no new thread; the 40 calls run 2 at a time (GOMAXPROCS=2).
  assert.ok(raw.metrics.threadsCreated <= raw.config.gomaxprocs, `threads ${raw.metrics.threadsCreated}`);
  assert.equal(raw.metrics.syscalls.raw, calls);
  assert.equal(raw.metrics.handoffs.sysmonRetake, 0);
  const serialized = (calls * callNs) / raw.config.gomaxprocs;
  assert.ok(Math.abs(raw.metrics.makespanNs - serialized) / serialized < 0.05, `raw makespan ${raw.metrics.makespanNs} vs ${serialized}`);
  // Syscall: sysmon retakes Ps, threads are created, calls overlap: ≈ 5 calls' worth.
  assert.ok(sys.metrics.threadsCreated > 0);
  assert.ok(sys.metrics.handoffs.sysmonRetake > 0);
  assert.equal(sys.metrics.syscalls.total, calls);
  assert.ok(sys.metrics.makespanNs < 0.4 * serialized && sys.metrics.makespanNs >= 5 * callNs, `syscall makespan ${sys.metrics.makespanNs}`);
  // entersyscallblock: every call hands its P off at once; sysmon never needs to.
  assert.equal(block.metrics.handoffs.blockingSyscall, calls);
  assert.equal(block.metrics.handoffs.sysmonRetake, 0);
});

test("fixture: a runnable goroutine waits behind a RawSyscall, not behind a Syscall", () => {
  const runs = runJson(fixture("raw-vs-syscall.yaml"));
  const [sys, raw] = runs;
  assert.ok(raw!.metrics.schedLatencyNs.maxNs >= 5e6 * 0.9, `raw max sched latency ${raw!.metrics.schedLatencyNs.maxNs}`);
  assert.ok(sys!.metrics.schedLatencyNs.maxNs < 1e6, `syscall max sched latency ${sys!.metrics.schedLatencyNs.maxNs}`);
  assert.ok(raw!.metrics.threadsCreated <= 2);
});

test("the report's header names the host's state the seed drew: one sleep offset per run, within the machine's spread", () => {
  const offsets = [1, 2].map((seed) => {
    const r = gosched("run", "--seed", String(seed));
    assert.equal(r.code, 0, r.stderr);
    const m = /^seed=\d+ .* host=([+-]?[\d.]+)(ns|µs)\/sleep$/m.exec(r.stdout);
    assert.ok(m !== null, `no host= in the header:\n${r.stdout.slice(0, 300)}`);
    return Number(m[1]) * (m[2] === "µs" ? 1000 : 1);
  });
  // thisMachine's sleepRunSpread runs from −3.1 to +17.8 µs
  for (const o of offsets) assert.ok(o >= -3_100 && o <= 17_800, `offset ${o} ns`);
  assert.notEqual(offsets[0], offsets[1]);
});

test("no arguments: runs examples/default.yaml and prints the report", () => {
  const r = gosched();
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Syscall\s+RawSyscall\s+entersyscallblock/);
  assert.match(r.stdout, /What happened:/);
  assert.equal(r.stderr, "");
});

test("overrides: --gomaxprocs, --seed, --variant", () => {
  const runs = runJson(example("default.yaml"), "--variant", "RawSyscall", "--gomaxprocs", "4", "--seed", "3");
  assert.equal(runs.length, 1);
  assert.equal(runs[0]!.config.gomaxprocs, 4);
  // 40 raw calls of 10 ms, at most 4 at a time: no faster than 100 ms, and faster than 2 at a time.
  const m = runs[0]!.metrics.makespanNs;
  assert.ok(m >= 100e6 && m < 190e6, String(m));
});

test("bad input: exit 2, file:line:col and the field path, no stack trace", () => {
  const r = gosched("run", fixture("bad-unit.yaml"));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad-unit\.yaml:5:16: programs\.w\[1\]\.syscall: unknown duration unit 'parsecs'/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  const missing = gosched("run", "no/such/file.yaml");
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file/);
  assert.equal(gosched("run", example("default.yaml"), "--gomaxprocs", "two").code, 2);
  assert.equal(gosched("run", example("default.yaml"), "--frobnicate").code, 2);
  const badVariant = gosched("run", example("default.yaml"), "--variant", "Nope");
  assert.equal(badVariant.code, 2);
  assert.match(badVariant.stderr, /unknown variant 'Nope' \(variants: Syscall, RawSyscall, entersyscallblock\)/);
});

test("an override of what every variant sets is refused (exit 2), not run as identical columns", () => {
  // seed-workload.yaml's variants P1…P32 differ only in GOMAXPROCS: --gomaxprocs 4 would make six identical runs.
  const r = gosched("run", example("seed-workload.yaml"), "--gomaxprocs", "4", "--max-events", "1");
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /seed-workload\.yaml: --gomaxprocs 4: overrides what the variants set, so variants P1, P2, P4, P8, P16, P32 would run the same configuration: choose one with --variant \(e\.g\. --variant P1\)/);
  assert.equal(r.stdout, "");
  // The same for sweep (a swept setting), --seeds and compare's variant columns.
  const sweep = gosched("sweep", example("seed-workload.yaml"), "--param", "gomaxprocs=1,2", "--workers", "0");
  assert.equal(sweep.code, 2, sweep.stderr);
  assert.match(sweep.stderr, /--param gomaxprocs=1,2: overrides what the variants set/);
  assert.equal(gosched("compare", example("seed-workload.yaml"), "--gomaxprocs", "4").code, 2);
  // One variant chosen, or an override the variants do not set (default.yaml's differ in a param): runs.
  const one = runJson(example("seed-workload.yaml"), "--variant", "P4", "--gomaxprocs", "2", "--max-events", "1000");
  assert.equal(one.length, 1);
  assert.equal(one[0]!.config.gomaxprocs, 2);
  const all = runJson(example("default.yaml"), "--gomaxprocs", "4", "--max-events", "1000");
  assert.deepEqual(all.map((x) => [x.label, x.config.gomaxprocs]), [["Syscall", 4], ["RawSyscall", 4], ["entersyscallblock", 4]]);
  // An override of what some variants set still runs when it leaves them different: --set call=… makes default.yaml's three one.
  const param = gosched("run", example("default.yaml"), "--set", "call=syscall");
  assert.equal(param.code, 2);
  assert.match(param.stderr, /--set call=syscall: overrides what the variants set, so variants Syscall, RawSyscall, entersyscallblock would run/);
});

test("fatal runtime conditions exit 1: deadlock, thread exhaustion", () => {
  const d = gosched("run", fixture("deadlock.yaml"));
  assert.equal(d.code, 1);
  assert.match(d.stdout, /all goroutines are asleep - deadlock!/);
  const t = gosched("run", example("thread-limit.yaml"), "--json");
  assert.equal(t.code, 1);
  const run = (JSON.parse(t.stdout) as { runs: RunJson[] }).runs[0]!;
  assert.match(run.result.fatal ?? "", /thread exhaustion/);
});

test("--schedtrace prints lines in the runtime's format (go1.19: no needspinning)", () => {
  const r = gosched("run", example("default.yaml"), "--variant", "Syscall", "--schedtrace", "10ms");
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split("\n").filter((l) => l.startsWith("SCHED "));
  assert.ok(lines.length >= 4, `${lines.length} lines`);
  let last = -Infinity;
  for (const l of lines) {
    const m = schedtraceLineRe.exec(l);
    assert.ok(m !== null, `unparsed: ${l}`);
    const [ms, gomaxprocs, idleprocs, threads, spinning, needspinning, idlethreads, runqueue, runqs] = m.slice(1);
    assert.equal(needspinning, undefined, "go1.19 prints no needspinning");
    assert.equal(Number(gomaxprocs), 2);
    assert.ok(Number(idleprocs) <= 2);
    assert.ok(Number(threads) >= 2 && Number(threads) >= Number(idlethreads) + Number(spinning));
    assert.ok(Number(runqueue) >= 0);
    assert.equal(runqs!.split(" ").length, 2, "one run queue length per P");
    assert.ok(Number(ms) - last >= 10 || last === -Infinity, `${ms} after ${last}`);
    last = Number(ms);
  }
});

test("--scheddetail prints the header's detail fields, a line per P, M (newest first) and G", () => {
  const r = gosched("run", example("default.yaml"), "--variant", "Syscall", "--schedtrace", "20ms", "--scheddetail", "--max-time", "25ms");
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split("\n");
  const i = lines.findIndex((l) => l.startsWith("SCHED 2"));
  assert.match(lines[i]!, /^SCHED \d+ms: gomaxprocs=2 idleprocs=\d+ threads=\d+ spinningthreads=\d+ idlethreads=\d+ runqueue=\d+ gcwaiting=[01] nmidlelocked=0 stopwait=\d+ sysmonwait=[01]$/);
  assert.match(lines[i + 1]!, /^ {2}P0: status=\d schedtick=\d+ syscalltick=\d+ m=-?\d+ runqsize=\d+ gfreecnt=\d+ timerslen=\d+$/);
  assert.match(lines[i + 2]!, /^ {2}P1: /);
  const ms = lines.slice(i + 3).filter((l) => /^ {2}M\d+: /.test(l));
  for (const l of ms) assert.match(l, /^ {2}M\d+: p=-?\d+ curg=-?\d+ mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning=(true|false) blocked=(true|false) lockedg=-1$/);
  const ids = ms.map((l) => Number(/M(\d+):/.exec(l)![1]));
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
  assert.equal(ids[ids.length - 1], 0);
  const gs = lines.filter((l) => /^ {2}G\d+: /.test(l));
  assert.ok(gs.length >= 9);
  for (const l of gs) assert.match(l, /^ {2}G\d+: status=\d+\([a-z .A-Z]*\) m=-?\d+ lockedm=-1$/);
});

test("compare: every metric with a delta against the first configuration", () => {
  const r = gosched("compare", example("default.yaml"), "--variant", "Syscall", "--vs", "gomaxprocs=4", "--vs", "call=rawSyscall", "--json");
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { runs: RunJson[]; deltas: { label: string; metrics: Record<string, { delta: number }> }[] };
  assert.equal(j.runs.length, 3);
  assert.deepEqual(j.deltas.map((d) => d.label), ["gomaxprocs=4", "call=rawSyscall"]);
  const raw = j.deltas[1]!.metrics;
  assert.equal(raw["syscalls.raw"]!.delta, 40);
  assert.equal(raw["syscalls.total"]!.delta, -40);
  assert.ok("schedLatencyNs.p99Ns" in raw && "pUtilization" in raw && "makespanNs" in raw);
  const human = gosched("compare", example("default.yaml"));
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /makespanNs\s+5\d\.\dms\s+20\dms \(\+1[45]\dms \+\d+%\)/);
});

test("sweep: the same numbers whatever the number of worker threads", () => {
  const args = ["sweep", example("gomaxprocs-sweep.yaml"), "--param", "gomaxprocs=1,2,4", "--param", "seed=1,2"];
  const one = gosched(...args, "--workers", "1");
  const three = gosched(...args, "--workers", "3");
  const inline = gosched(...args, "--workers", "0");
  assert.equal(one.code, 0, one.stderr);
  assert.equal(three.stdout, one.stdout);
  assert.equal(inline.stdout, one.stdout);
  const rows = one.stdout.trim().split("\n");
  assert.equal(rows.length, 1 + 3 * 2);
  assert.match(rows[0]!, /^gomaxprocs,seed,stoppedBy,fatal,makespanNs,/);
});

test("explain: catalog entries, questions, unknown names", () => {
  const e = gosched("explain", "entersyscall");
  assert.equal(e.code, 0);
  assert.match(e.stdout, /runtime\/proc\.go/);
  assert.equal(gosched("explain", "--questions").code, 0);
  const u = gosched("explain", "frobnicate");
  assert.equal(u.code, 2);
  assert.match(u.stderr, /no explanation for 'frobnicate'/);
});

test("--help of every command lists exactly the table's options", () => {
  for (const c of commandTable) {
    const h = gosched(c.name, "--help");
    assert.equal(h.code, 0);
    for (const o of optionsFor(c.name)) assert.ok(h.stdout.includes(o.flags.split(" ")[0]!), `${c.name} --help lacks ${o.flags}`);
  }
  // trace's subcommands and serve take their options from the same table.
  for (const c of subcommandTable) {
    const h = gosched(...c.name.split(" "), "--help");
    assert.equal(h.code, 0, h.stderr);
    for (const o of optionsFor(c.name)) assert.ok(h.stdout.includes(o.flags.split(" ")[0]!), `${c.name} --help lacks ${o.flags}`);
  }
  const top = gosched("--help");
  for (const c of commandTable) assert.match(top.stdout, new RegExp(`\\b${c.name}\\b`));
});

test("docs/cli.md documents every command and option of the table", () => {
  const doc = readFileSync(`${root}docs/cli.md`, "utf8");
  for (const c of [...commandTable, ...subcommandTable]) {
    assert.ok(doc.includes(`gosched ${c.name}`), `docs/cli.md lacks gosched ${c.name}`);
    for (const o of optionsFor(c.name)) assert.ok(doc.includes(o.flags.split(" ")[0]!), `docs/cli.md lacks ${o.flags}`);
  }
});

test("--seeds: every metric over consecutive seeds, each seed's value the single-seed run's, the same bytes whatever the workers", () => {
  const file = example("gomaxprocs-sweep.yaml"); // uniform compute times: the seed matters
  const r = gosched("run", file, "--seeds", "5", "--json", "--workers", "2");
  assert.equal(r.code, 0, r.stderr);
  type Dist = { n: number; median: number; p5: number; p95: number; min: number; max: number; bimodal: boolean; values: number[] };
  const j = JSON.parse(r.stdout) as { seeds: number[]; runs: { metrics: Record<string, Dist> }[] };
  assert.deepEqual(j.seeds, [1, 2, 3, 4, 5]);
  const mk = j.runs[0]!.metrics.makespanNs!;
  for (const seed of [1, 3, 5]) assert.equal(mk.values[seed - 1], runJson(file, "--seed", String(seed))[0]!.metrics.makespanNs, `seed ${seed}`);
  const sorted = [...mk.values].sort((a, b) => a - b);
  assert.equal(mk.median, sorted[2]);
  assert.equal(mk.min, sorted[0]);
  assert.equal(mk.max, sorted[4]);
  assert.ok(mk.p5 >= mk.min && mk.p5 <= mk.median && mk.p95 >= mk.median && mk.p95 <= mk.max);
  assert.ok(new Set(mk.values).size > 1, "uniform compute times: the seeds differ");
  assert.equal(gosched("run", file, "--seeds", "5", "--json", "--workers", "0").stdout, r.stdout);
  // the text form: median [p5–p95]
  const text = gosched("run", file, "--seeds", "5");
  assert.match(text.stdout, /makespanNs\s+\S+ \[\S+–\S+\]/);
  assert.match(text.stdout, /over seeds 1…5 \(5 seeds\)/);
  // compare and sweep carry the same distributions
  const cmp = gosched("compare", file, "--vs", "gomaxprocs=2", "--seeds", "5", "--json");
  assert.equal(cmp.code, 0, cmp.stderr);
  const c = JSON.parse(cmp.stdout) as { runs: { metrics: Record<string, Dist> }[]; deltas: { medians: Record<string, { delta: number }> }[] };
  assert.deepEqual(c.runs[0]!.metrics.makespanNs!.values, mk.values);
  assert.equal(c.deltas[0]!.medians.makespanNs!.delta, c.runs[1]!.metrics.makespanNs!.median - mk.median);
  const sw = gosched("sweep", file, "--param", "gomaxprocs=1,2", "--seeds", "5");
  assert.equal(sw.code, 0, sw.stderr);
  const [head, row1] = sw.stdout.trim().split("\n");
  const cols = head!.split(",");
  const cells = row1!.split(",");
  assert.equal(Number(cells[cols.indexOf("makespanNs")]), mk.median);
  assert.equal(Number(cells[cols.indexOf("makespanNs.p5")]), mk.p5);
  assert.equal(Number(cells[cols.indexOf("makespanNs.p95")]), mk.p95);
  // outputs of one run need one seed
  const bad = gosched("run", file, "--seeds", "3", "--trace", "/tmp/x.trace");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--trace describes one run/);
  assert.equal(gosched("run", file, "--seeds", "0").code, 2);
});

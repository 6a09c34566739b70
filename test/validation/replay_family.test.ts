// gosched validate --family replay: the pairs and the goal bands (no Go needed), and the quick subset
// against real Go 1.23 (CI): testdata/go/whatif traced at A, replayed under B, run at B.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { loadGoRunner } from "../../src/cli/validate.js";
import { readTrace } from "../../src/gotrace/reader.js";
import { deriveWorkload, type Action } from "../../src/gotrace/replay.js";
import { formatReplayMarkdown, gapOf, judgeReplayMetric, replayGaps, replayPairs, type PairResult } from "../../src/validation/replay_family.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const bin = resolve(repo, "bin/gosched.js");
const go123 = "/usr/lib/go-1.23/bin/go";

test("replay pairs: GOMAXPROCS 2→1, 2→4, 4→2, 1→8 on each program, Go 1.23 ↔ 1.26, a scaled call site", () => {
  const ids = replayPairs().map((p) => p.id);
  for (const kind of ["pool", "pipeline", "server"]) for (const ab of ["2→1", "2→4", "4→2", "1→8"]) assert.ok(ids.includes(`${kind} ${ab}`), `${kind} ${ab}`);
  const versions = replayPairs().filter((p) => p.a.go !== p.b.go).map((p) => `${p.a.go}→${p.b.go}`);
  assert.deepEqual(versions.sort(), ["23→26", "26→23"]);
  const scaled = replayPairs().find((p) => p.scaleSite !== undefined)!;
  assert.deepEqual(scaled.b.flags, ["-slow", String(scaled.scaleSite![1])], "the real program's call is as much slower as the replay scales it");
  assert.ok(replayPairs().filter((p) => p.quick).length <= 3, "the CI subset stays small");
});

test("replay goal bands: makespan ±15 %, threads ±20 %, lost P ±20 % or ±3", () => {
  assert.equal(judgeReplayMetric("makespanNs", [114, 116, 200], [100, 90, 110]).verdict, "MISS"); // median 116
  assert.equal(judgeReplayMetric("makespanNs", [100, 115, 300], [100, 90, 110]).verdict, "ok");
  assert.equal(judgeReplayMetric("threadsPeak", [12], [10, 10, 10]).verdict, "ok");
  assert.equal(judgeReplayMetric("threadsPeak", [13], [10, 10, 10]).verdict, "MISS");
  assert.equal(judgeReplayMetric("syscalls.lostP", [3], [0, 0, 0]).verdict, "ok");
  assert.equal(judgeReplayMetric("syscalls.lostP", [4], [0, 0, 0]).verdict, "MISS");
  assert.equal(judgeReplayMetric("syscalls.lostP", [119], [100, 90, 110]).verdict, "ok");
  assert.equal(judgeReplayMetric("syscalls.lostP", [121], [100, 90, 110]).verdict, "MISS");
  assert.equal(judgeReplayMetric("site.diskRead.p50", [5], [1, 1, 1]).verdict, "info");
  assert.equal(judgeReplayMetric("makespanNs", [5], null).verdict, "n/a");
  const md = formatReplayMarkdown([
    { id: "x", trace: "T", change: "GOMAXPROCS 2 → 4", realRuns: 3, traces: 1, seeds: 2, pass: true, skipped: null, gap: null, metrics: [judgeReplayMetric("makespanNs", [2e6], [2.1e6, 2e6, 2.5e6])] },
  ]);
  assert.match(md, /\| T \| GOMAXPROCS 2 → 4 \| makespan \| 2\.0 ms \| 2\.1 ms \[2\.0 ms–2\.5 ms\] \| -5 % \| ok \|/);
});

test("replay gaps: each names existing pairs and a judged metric with a reason; a miss is excused only if every missed metric has one", () => {
  const ids = new Set(replayPairs().map((p) => p.id));
  for (const g of replayGaps) {
    for (const id of g.pairs) assert.ok(ids.has(id), `gap for unknown pair ${id}`);
    assert.ok(["makespanNs", "threadsPeak", "syscalls.lostP"].includes(g.metric), g.metric);
    assert.ok(g.reason.length > 40, "a reason, not a label");
  }
  const keys = ["makespanNs", "threadsPeak", "syscalls.lostP"];
  const listed = (k: string, id: string) => replayGaps.some((x) => x.metric === k && x.pairs.includes(id));
  // A listed (pair, metric) whose pair has an unlisted metric too.
  const g = replayGaps.find((x) => x.pairs.some((id) => keys.some((k) => !listed(k, id))))!;
  const pair = g.pairs.find((id) => keys.some((k) => !listed(k, id)))!;
  const unlisted = keys.find((k) => !listed(k, pair))!;
  const miss = judgeReplayMetric(g.metric, [1e9], [1, 1, 1]);
  assert.equal(miss.verdict, "MISS");
  const otherMiss = judgeReplayMetric(unlisted, [1e9], [1, 1, 1]);
  const ok = judgeReplayMetric(unlisted, [1], [1, 1, 1]);
  assert.ok(gapOf(pair, [miss, ok])?.includes(g.reason), "a listed miss is excused with its reason");
  assert.equal(gapOf(pair, [miss, otherMiss]), null, "an unlisted miss beside it is not");
  assert.equal(gapOf("no such pair", [miss]), null);
  assert.equal(gapOf(pair, [ok]), null, "nothing missed: no gap");
});

test("validate --family replay --quick: predictions from real Go 1.23 traces", { timeout: 10 * 60_000 }, (t) => {
  if (!existsSync(go123)) {
    t.skip(`Go 1.23 is not installed (${go123}): install it with \`sudo tools/install-go.sh\``);
    return;
  }
  // Five real runs, not quick's three: at `pool 2→4` real Go's sysmon backs off for the whole run (no
  // lost P, 6–7 threads) in about one run in four (6 of 24 runs on 2026-12-07), a mode the replay does
  // not predict (17–20 threads, ~800 lost Ps, in every trace and seed, before and after that day's
  // model change); all three of three runs in it (~1.6 %) failed a newcomer rehearsal, all five
  // (~0.1 %) is rarer still. The check below stays as it was.
  const r = spawnSync(process.execPath, [bin, "validate", "--family", "replay", "--quick", "--reps", "5", "--json"], { encoding: "utf8", timeout: 9 * 60_000, maxBuffer: 64 << 20 });
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status ?? r.signal}: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { results: PairResult[] };
  assert.equal(out.results.length, replayPairs().filter((p) => p.quick).length);
  for (const p of out.results) {
    assert.equal(p.skipped, null, `${p.id}: ${p.skipped}`);
    for (const m of p.metrics) t.diagnostic(`${p.id} ${m.key}: predicted ${m.predicted} real ${JSON.stringify(m.real)} ${m.verdict}`);
    const get = (k: string) => p.metrics.find((m) => m.key === k);
    for (const k of ["makespanNs", "threadsPeak", "syscalls.lostP"]) assert.ok(get(k) !== undefined && Number.isFinite(get(k)!.predicted), `${p.id}: ${k}`);
    // Threads and lost Ps must be within their bands of the real runs' median — or, on a machine
    // loaded by other work, some prediction (a trace at A, a seed) of some real run ([min, max]
    // widened by the band, the matrix's rule): lost P is bimodal in Go and in the model (sysmon's
    // back-off), and a trace made on a loaded machine can tip the replay into the other mode. The
    // makespan (wall time on 2 shared CPUs) is judged by the command's exit status below and listed
    // in docs/trace-replay.md.
    for (const [k, rel, abs] of [["threadsPeak", 0.2, 0], ["syscalls.lostP", 0.2, 3]] as const) {
      const m = get(k)!;
      const [, lo, hi] = m.real!;
      const inRange = (x: number) => x >= lo - Math.max(abs, rel * lo) && x <= hi + Math.max(abs, rel * hi);
      assert.ok(m.verdict === "ok" || m.samples.some(inRange), `${p.id}: ${k} predicted ${JSON.stringify(m.samples)}, real ${JSON.stringify(m.real)}`);
    }
  }
  const allOk = out.results.every((p) => p.pass || p.gap !== null);
  assert.equal(r.status, allOk ? 0 : 1, "exit status follows the verdicts");
});

test("a loopback server traced with Go 1.23: each network wait replays after its peer's socket write", { timeout: 5 * 60_000 }, async (t) => {
  if (!existsSync(go123)) {
    t.skip(`Go 1.23 is not installed (${go123}): install it with \`sudo tools/install-go.sh\``);
    return;
  }
  const runner = await loadGoRunner();
  const bin = runner.build(go123, runner.goVersion(go123), "whatif", () => {});
  const file = join(mkdtempSync(join(tmpdir(), "gosched-replay-net-")), "server.trace");
  const clients = 4;
  const run = runner.runOnce(bin, ["-kind", "server", "-procs", "2", "-workers", String(clients), "-items", "200", "-spin", "20", "-io", "100", "-trace", file], 60) as { error?: string };
  assert.equal(run.error, undefined, JSON.stringify(run));
  const w = deriveWorkload(readTrace(new Uint8Array(readFileSync(file))));
  // The program's structure, not the derivation's: main.server.func2 are the clients, each talking
  // to one connection goroutine (main.server.func1.1) and to nobody else.
  const funcOf = new Map(w.goroutines.map((g) => [g.g, g.func]));
  const cs = w.goroutines.filter((g) => g.func === "main.server.func2");
  const conns = w.goroutines.filter((g) => g.func === "main.server.func1.1");
  assert.equal(cs.length, clients, w.goroutines.map((g) => g.func).join(", "));
  assert.equal(conns.length, clients);
  const peers = new Set<number>();
  for (const c of cs) {
    const from = c.actions.filter((a): a is Extract<Action, { a: "wait" }> => a.a === "wait").map((a) => a.from);
    // 50 requests: a reply wait each (a reply already there when read needs no wait).
    assert.ok(from.length >= 25, `client g${c.g}: ${from.length} waits replayed after a write`);
    const who = new Set(from);
    assert.equal(who.size, 1, `client g${c.g} waits on ${[...who].map((g) => `g${g} ${funcOf.get(g)}`).join(", ")}`);
    const peer = [...who][0]!;
    assert.equal(funcOf.get(peer), "main.server.func1.1");
    peers.add(peer);
    // And the connection goroutine's requests come from this client (its other waits: sitesMu at the end).
    const back = w.goroutines.find((g) => g.g === peer)!.actions.filter((a): a is Extract<Action, { a: "wait" }> => a.a === "wait").map((a) => a.from);
    assert.ok(back.filter((g) => g === c.g).length >= 25 && back.filter((g) => g !== c.g).length <= 1, `g${peer} waits on ${back.join(", ")}`);
  }
  assert.equal(peers.size, clients, "a different connection per client");
  assert.ok(w.netWaits.linked >= 0.8 * w.netWaits.total - clients - 1, `${w.netWaits.linked} of ${w.netWaits.total} network waits linked`);
});

// gosched validate --family replay: the pairs and the goal bands (no Go needed), and the quick subset
// against real Go 1.23 (CI): testdata/go/whatif traced at A, replayed under B, run at B.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { formatReplayMarkdown, judgeReplayMetric, replayPairs, type PairResult } from "../../src/validation/replay_family.js";

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
    { id: "x", trace: "T", change: "GOMAXPROCS 2 → 4", realRuns: 3, seeds: 2, pass: true, skipped: null, gap: null, metrics: [judgeReplayMetric("makespanNs", [2e6], [2.1e6, 2e6, 2.5e6])] },
  ]);
  assert.match(md, /\| T \| GOMAXPROCS 2 → 4 \| makespan \| 2\.0 ms \| 2\.1 ms \[2\.0 ms–2\.5 ms\] \| -5 % \| ok \|/);
});

test("validate --family replay --quick: predictions from real Go 1.23 traces", { timeout: 10 * 60_000 }, (t) => {
  if (!existsSync(go123)) {
    t.skip(`Go 1.23 is not installed (${go123}): install it with \`sudo tools/install-go.sh\``);
    return;
  }
  const r = spawnSync(process.execPath, [bin, "validate", "--family", "replay", "--quick", "--json"], { encoding: "utf8", timeout: 9 * 60_000, maxBuffer: 64 << 20 });
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status ?? r.signal}: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { results: PairResult[] };
  assert.equal(out.results.length, replayPairs().filter((p) => p.quick).length);
  for (const p of out.results) {
    assert.equal(p.skipped, null, `${p.id}: ${p.skipped}`);
    for (const m of p.metrics) t.diagnostic(`${p.id} ${m.key}: predicted ${m.predicted} real ${JSON.stringify(m.real)} ${m.verdict}`);
    const get = (k: string) => p.metrics.find((m) => m.key === k);
    for (const k of ["makespanNs", "threadsPeak", "syscalls.lostP"]) assert.ok(get(k) !== undefined && Number.isFinite(get(k)!.predicted), `${p.id}: ${k}`);
    // Threads and lost Ps must be within their bands of the real runs' median — or, on a machine
    // loaded by other work, of some real run ([min, max] widened by the band, the matrix's rule). The
    // makespan (wall time on 2 shared CPUs) is judged by the command's exit status below and listed
    // in docs/trace-replay.md.
    for (const [k, rel, abs] of [["threadsPeak", 0.2, 0], ["syscalls.lostP", 0.2, 3]] as const) {
      const m = get(k)!;
      const [, lo, hi] = m.real!;
      const inRange = m.predicted >= lo - Math.max(abs, rel * lo) && m.predicted <= hi + Math.max(abs, rel * hi);
      assert.ok(m.verdict === "ok" || inRange, `${p.id}: ${k} predicted ${m.predicted}, real ${JSON.stringify(m.real)}`);
    }
  }
  const allOk = out.results.every((p) => p.pass || p.gap !== null);
  assert.equal(r.status, allOk ? 0 : 1, "exit status follows the verdicts");
});

// gosched validate against real Go toolchains (CI): the --quick matrix — the calibrated cells are
// asserted (a prediction out of tolerance fails the build), the known gaps are printed, not asserted.
// Each toolchain takes about 30–60 s here (5 processes per case). Without a toolchain the test is
// skipped with how to install it; it never passes without having run.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { judgeMetric, quickMatrix, fullMatrix, widen, validateCase, type CaseResult } from "../../src/validation/index.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const bin = resolve(repo, "bin/gosched.js");
const toolchains = [
  ["Go 1.19", "/usr/lib/go-1.19/bin/go"],
  ["Go 1.23", "/usr/lib/go-1.23/bin/go"],
] as const;
const install = "install it with `sudo tools/install-go.sh` (Debian golang-1.19-go and golang-1.23-go from bookworm-backports, plus gcc)";

interface Out {
  summary: { asserted: number; assertedFailed: number; gaps: number };
  results: CaseResult[];
}

function describe(r: CaseResult): string {
  return `${r.id}: ${r.metrics
    .filter((m) => m.verdict === "FAIL")
    .map((m) => `${m.key} predicted ${m.predicted} vs measured ${JSON.stringify(m.measured)} (allowed ${JSON.stringify(m.allowed)})${m.gap !== undefined ? " [known gap]" : ""}`)
    .join("; ")}`;
}

for (const [name, go] of toolchains) {
  test(`validate --quick: gosched predicts real ${name} in the calibrated cells`, { timeout: 10 * 60_000 }, (t) => {
    if (!existsSync(go)) {
      t.skip(`${name} is not installed (${go}): ${install}`);
      return;
    }
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [bin, "validate", "--quick", "--json", "--go", go], { encoding: "utf8", timeout: 9 * 60_000, maxBuffer: 64 << 20 });
    assert.ok(r.status === 0 || r.status === 1, `validate exited ${r.status ?? r.signal}: ${r.stderr}`);
    const out = JSON.parse(r.stdout) as Out;
    const gaps = out.results.filter((x) => !x.asserted || x.gapMetricsOutside.length > 0);
    t.diagnostic(`${name}: ${out.results.length} cases in ${Math.round((Date.now() - t0) / 1000)} s`);
    for (const g of gaps) t.diagnostic(`known gap (not asserted) ${g.pass && g.gapMetricsOutside.length === 0 ? "inside" : "outside"}: ${describe(g) || g.id}${g.gap !== undefined ? ` — ${g.gap}` : ""}`);
    const failed = out.results.filter((x) => x.asserted && !x.pass);
    assert.ok(out.summary.asserted >= 8, `only ${out.summary.asserted} asserted cases ran`);
    assert.deepEqual(failed.map(describe), [], "predictions out of tolerance in the calibrated region");
    assert.equal(r.status, 0);
  });
}

// The pass rule and the stored measurements (no Go needed).
test("pass rule: measured [min, max] widened by the tolerance", () => {
  assert.deepEqual(widen({ kind: "count" }, 0, 0), [-1, 1]);
  assert.deepEqual(widen({ kind: "count" }, 100, 200).map(Math.round), [90, 220]);
  assert.deepEqual(widen({ kind: "frac", abs: 0.05 }, 0.5, 0.6).map((x) => +x.toFixed(3)), [0.45, 0.65]);
  assert.deepEqual(widen({ kind: "rel", rel: 0.1 }, 100, 200).map(Math.round), [90, 220]);
  const spec = { key: "lostPFrac", tol: { kind: "frac", abs: 0.05 } } as const;
  assert.equal(judgeMetric(spec, [0.5, 0.4, 0.6], [0.64], false).verdict, "PASS");
  assert.equal(judgeMetric(spec, [0.5, 0.4, 0.6], [0.66], false).verdict, "FAIL");
  // bimodal: the median and at least half of the seeds inside
  assert.equal(judgeMetric(spec, [0.5, 0.1, 0.8], [0.0, 0.5, 0.6, 0.7, 0.01], true).verdict, "PASS");
  assert.equal(judgeMetric(spec, [0.5, 0.3, 0.8], [0.0, 0.01, 0.6, 0.7, 0.02], true).verdict, "FAIL");
});

test("the quick matrix asserts only the calibrated region and reports known gaps", () => {
  const q = quickMatrix();
  assert.ok(q.filter((c) => c.asserted).length >= 8);
  assert.ok(q.some((c) => !c.asserted));
  for (const c of q.filter((x) => !x.asserted)) assert.ok(c.gap !== undefined && c.gap.length > 20, `${c.id} needs a reason`);
  assert.ok(fullMatrix().length > 100);
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

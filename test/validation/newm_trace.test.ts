// The thread-creation programs of gosched calibrate against real Go (skipped, saying how to install,
// without the toolchain): testdata/go/newm's trace read by src/gotrace/newm_latency.ts must find one
// new thread per thread the runtime says it created in the window (pprof's threadcreate count, an
// independent count), each after an allocm borrow; testdata/go/clone (cgo) must time its clones.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { test } from "node:test";
import { newmLatencies } from "../../src/gotrace/newm_latency.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const install = "install it with `sudo tools/install-go.sh` (plus gcc for the cgo program)";

interface Runner {
  goVersion(go: string): string;
  build(go: string, version: string, program: string, log: (s: string) => void): string;
  runOnce(bin: string, flags: readonly string[], timeoutS: number): Record<string, unknown>;
}
const runner = async (): Promise<Runner> => (await import(pathToFileURL(join(repo, "tools/run-go-validation.mjs")).href)) as Runner;

// Go ≥ 1.22 writes the trace format with ProcSteal events.
for (const [name, go] of [["Go 1.23", "/usr/lib/go-1.23/bin/go"], ["Go 1.26", "/usr/lib/go-1.26/bin/go"], ["Go 1.27", "/usr/lib/go-1.27/bin/go"]] as const) {
  test(`newm (${name}): every thread the runtime created is a traced take → new thread start, after allocm`, { timeout: 5 * 60_000 }, async (t) => {
    if (!existsSync(go)) {
      t.skip(`${name} is not installed (${go}): ${install}`);
      return;
    }
    const r = await runner();
    const bin = r.build(go, r.goVersion(go), "newm", () => {});
    const dir = mkdtempSync(join(tmpdir(), "gosched-newm-test-"));
    try {
      const file = join(dir, "newm.trace");
      const g = 16;
      const out = r.runOnce(bin, ["-procs", "1", "-g", String(g), "-d", "20000", "-trace", file], 60);
      assert.equal(out.error, undefined, JSON.stringify(out));
      const created = out.threadsCreated as number;
      const x = newmLatencies(new Uint8Array(readFileSync(file)));
      t.diagnostic(`${name}: ${x.takes} takes, ${created} threads created; take → new thread p50 ${Math.round(x.newmStartNs.sort((a, b) => a - b)[x.newmStartNs.length >> 1]! / 1000)} µs`);
      assert.ok(created >= g / 2, `only ${created} threads created for ${g} goroutines`);
      assert.equal(x.newmStartNs.length, created);
      assert.equal(x.allocmBorrowNs.length, created);
      assert.ok(x.takes >= created);
      for (const ns of [...x.newmStartNs, ...x.allocmBorrowNs]) assert.ok(ns > 0 && ns < 1e9, `${ns} ns`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test("clone (cgo): the parent's clone() and clone → child running are timed", { timeout: 5 * 60_000 }, async (t) => {
  const go = ["/usr/lib/go-1.26/bin/go", "/usr/lib/go-1.27/bin/go", "/usr/lib/go-1.23/bin/go", "/usr/lib/go-1.19/bin/go"].find((g) => existsSync(g));
  if (go === undefined) {
    t.skip(`no Go toolchain is installed: ${install}`);
    return;
  }
  const r = await runner();
  const out = r.runOnce(r.build(go, r.goVersion(go), "clone", () => {}), ["-n", "40", "-gap", "200"], 60);
  assert.equal(out.error, undefined, JSON.stringify(out));
  for (const k of ["parentNs", "childStartNs"]) {
    const [min, p50, max] = ["min", "p50", "max"].map((q) => out[`${k}.${q}`] as number);
    assert.ok(min! > 0 && min! <= p50! && p50! <= max! && max! < 1e9, `${k}: ${min} ${p50} ${max}`);
  }
});

// tools/measured-agreement.mjs: real Go judged against itself with the matrix's rule.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const tool = path.join(repoRoot, "tools", "measured-agreement.mjs");
const stored = path.join(repoRoot, "testdata", "go", "results-go1.26.json");

function agreement(a: string, b: string): { agree: number; judged: number; misses: string[] } {
  const outText = execFileSync(process.execPath, [tool, a, b, "--misses"], { encoding: "utf8" });
  const m = /: (\d+) of (\d+) asserted metrics agree/.exec(outText);
  assert.ok(m !== null, outText);
  return { agree: Number(m[1]), judged: Number(m[2]), misses: outText.split("\n").filter((l) => l.startsWith("  ")) };
}

test("a measurement agrees with itself on every asserted cell; a cell moved out of range is one disagreement", () => {
  const same = agreement(stored, stored);
  assert.ok(same.judged > 600, String(same.judged));
  assert.equal(same.agree, same.judged);

  // Move one cell's makespan 2× (median, min and max): outside the other's range widened by ±10 %.
  const dir = mkdtempSync(path.join(os.tmpdir(), "gosched-agreement-"));
  try {
    const moved = JSON.parse(readFileSync(stored, "utf8")) as { cases: { program: string; args: string; m: Record<string, number[]> }[] };
    const cell = moved.cases.find((c) => c.program === "syscall" && c.args === "-procs 1 -g 1 -d 1000")!;
    cell.m.makespanNs = cell.m.makespanNs!.map((x) => x * 2);
    const file = path.join(dir, "moved.json");
    writeFileSync(file, JSON.stringify(moved));
    const one = agreement(stored, file);
    assert.equal(one.judged, same.judged);
    assert.equal(one.agree, same.judged - 1);
    assert.equal(one.misses.length, 1);
    assert.match(one.misses[0]!, /^ {2}syscall -procs 1 -g 1 -d 1000 makespanNs: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a missing file is a clear error, exit 2", () => {
  try {
    execFileSync(process.execPath, [tool, stored, path.join(repoRoot, "no-such-results.json")], { encoding: "utf8", stdio: "pipe" });
    assert.fail("expected exit 2");
  } catch (e) {
    const err = e as { status: number; stderr: string };
    assert.equal(err.status, 2);
    assert.match(err.stderr, /no-such-results\.json: ENOENT/);
  }
});

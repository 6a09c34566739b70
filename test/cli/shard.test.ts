// Sharded sweeps: 3 shards run as separate processes, merged, must give byte for byte what the
// unsharded sweep gives (CSV and JSON); parts of another grid or gosched version are refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const bin = `${root}bin/gosched.js`;
const scenario = `${root}examples/gomaxprocs-sweep.yaml`;
const grid = ["--param", "gomaxprocs=1,2,4", "--param", "seed=1,2"];

function gosched(cwd: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", cwd, env: { ...process.env, GOSCHED_NO_PROGRESS: "1" } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test("sweep --shard i/3 × 3, merged: byte for byte the unsharded sweep (CSV and JSON); foreign parts refused", () => {
  const dir = mkdtempSync(join(tmpdir(), "gosched-shard-"));
  try {
    const full = gosched(dir, "sweep", scenario, ...grid, "--workers", "0", "--out", "full.csv");
    assert.equal(full.code, 0, full.stderr);
    const fullJson = gosched(dir, "sweep", scenario, ...grid, "--workers", "0", "--format", "json", "--out", "full.json");
    assert.equal(fullJson.code, 0, fullJson.stderr);
    const parts: string[] = [];
    const unitsPerShard: number[] = [];
    for (const i of [0, 1, 2]) {
      const r = gosched(dir, "sweep", scenario, ...grid, "--workers", "1", "--shard", `${i}/3`, "--out", `part-${i}.json`);
      assert.equal(r.code, 0, r.stderr);
      parts.push(`part-${i}.json`);
      unitsPerShard.push((JSON.parse(readFileSync(join(dir, `part-${i}.json`), "utf8")) as { results: unknown[] }).results.length);
    }
    // 6 units over 3 shards: each shard ran its own 2, none ran the whole grid.
    assert.deepEqual(unitsPerShard, [2, 2, 2]);

    // Parts given in any order.
    const merged = gosched(dir, "merge", parts[2]!, parts[0]!, parts[1]!, "--out", "merged.csv");
    assert.equal(merged.code, 0, merged.stderr);
    assert.equal(merged.stdout, full.stdout);
    assert.equal(readFileSync(join(dir, "merged.csv"), "utf8"), readFileSync(join(dir, "full.csv"), "utf8"));
    assert.equal(full.stdout.trim().split("\n").length, 1 + 6);
    const mergedJson = gosched(dir, "merge", ...parts, "--format", "json", "--out", "merged.json");
    assert.equal(mergedJson.code, 0, mergedJson.stderr);
    assert.equal(mergedJson.stdout, fullJson.stdout);
    assert.equal(readFileSync(join(dir, "merged.json"), "utf8"), readFileSync(join(dir, "full.json"), "utf8"));

    // Refusals, each exit 2 with the reason.
    const other = gosched(dir, "sweep", scenario, "--param", "gomaxprocs=1,2,8", "--param", "seed=1,2", "--workers", "0", "--shard", "0/3", "--out", "other-0.json");
    assert.equal(other.code, 0, other.stderr);
    const foreign = gosched(dir, "merge", "other-0.json", parts[1]!, parts[2]!);
    assert.equal(foreign.code, 2);
    assert.match(foreign.stderr, /a different sweep/);
    const missing = gosched(dir, "merge", parts[0]!, parts[2]!);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /shard 1\/3 missing/);
    const part1 = JSON.parse(readFileSync(join(dir, parts[1]!), "utf8")) as { gosched: string };
    writeFileSync(join(dir, "old-1.json"), JSON.stringify({ ...part1, gosched: `${part1.gosched}-old` }));
    const old = gosched(dir, "merge", parts[0]!, "old-1.json", parts[2]!);
    assert.equal(old.code, 2);
    assert.match(old.stderr, /written by gosched .*-old/);
    assert.equal(merged.stderr, "");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("sweep --seeds 3 in 4 shards: a unit is a (grid point, seed); the merge is the unsharded --seeds sweep", () => {
  const dir = mkdtempSync(join(tmpdir(), "gosched-shard-"));
  try {
    const args = ["sweep", scenario, "--param", "gomaxprocs=1,2", "--seeds", "3", "--workers", "0"];
    const full = gosched(dir, ...args, "--format", "json");
    assert.equal(full.code, 0, full.stderr);
    const units: number[][] = [];
    for (const i of [0, 1, 2, 3]) {
      const r = gosched(dir, ...args, "--shard", `${i}/4`, "--out", `part-${i}.json`);
      assert.equal(r.code, 0, r.stderr);
      units.push((JSON.parse(readFileSync(join(dir, `part-${i}.json`), "utf8")) as { results: { index: number }[] }).results.map((x) => x.index));
    }
    // 2 points × 3 seeds = 6 units, round robin over 4 shards.
    assert.deepEqual(units, [[0, 4], [1, 5], [2], [3]]);
    const merged = gosched(dir, "merge", "part-0.json", "part-1.json", "part-2.json", "part-3.json", "--format", "json");
    assert.equal(merged.code, 0, merged.stderr);
    assert.equal(merged.stdout, full.stdout);
    assert.equal((JSON.parse(full.stdout) as { seeds: number }).seeds, 3);
    const csv = gosched(dir, "merge", "part-3.json", "part-2.json", "part-1.json", "part-0.json");
    assert.equal(csv.stdout, gosched(dir, ...args).stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

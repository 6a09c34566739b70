// tools/machine/drift-summary.mjs: the host's two states from sleep-drift.c and futex-drift.c output,
// and the committed measurements that Machine.sleepRunSpread and futexWakeRunSpread come from.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { thisMachine } from "../../src/profiles/go1_19.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
type Rows = number[][];
interface Tool {
  parseDrift: (text: string) => { kind: "sleep" | "futex"; rows: Rows };
  summarizeSleep: (rows: Rows) => { slowShare: number; fastMedianNs: number; slowMedianNs: number; stealTicks: number; mixture: [number, number][] };
  summarizeFutex: (rows: Rows) => { fast: { p50Ns: number }; slow: { p50Ns: number }; slowShiftNs: number; correlation: number };
}
const load = async () => (await import(pathToFileURL(path.join(repoRoot, "tools", "machine", "drift-summary.mjs")).href)) as Tool;

test("hand-made batches: the states split at 76.5 µs, their medians, the mixture's ends, the futex shift", async () => {
  const { parseDrift, summarizeSleep, summarizeFutex } = await load();
  // three fast batches (70, 72, 74 µs) and three slow (80, 82, 84 µs), 1 steal tick each
  const sleep = parseDrift([70, 80, 72, 82, 74, 84].map((us, i) => `${1000 + i} ${us * 1000} 0 0 1`).join("\n"));
  assert.equal(sleep.kind, "sleep");
  const s = summarizeSleep(sleep.rows);
  assert.equal(s.slowShare, 0.5);
  assert.equal(s.fastMedianNs, 72_000);
  assert.equal(s.slowMedianNs, 82_000);
  assert.equal(s.stealTicks, 6);
  // half and half, offsets from the fast median: from 70 − 72 to 84 − 72 µs
  assert.deepEqual(s.mixture[0], [0, -2_000]);
  assert.deepEqual(s.mixture[s.mixture.length - 1], [1, 12_000]);
  // futex batches: wakes 20/22/24 µs at the median with fast sleeps, 30/32/34 with slow ones
  const futex = parseDrift([[20, 70], [30, 80], [22, 71], [32, 81], [24, 72], [34, 82]].map(([w, sl]) => `0 0 ${w! * 1000} 0 0 ${sl! * 1000}`).join("\n"));
  assert.equal(futex.kind, "futex");
  const f = summarizeFutex(futex.rows);
  assert.equal(f.fast.p50Ns, 22_000);
  assert.equal(f.slow.p50Ns, 32_000);
  assert.equal(f.slowShiftNs, 10_000);
  assert.ok(f.correlation > 0.9, `correlation ${f.correlation}`);
});

test("bad lines are errors naming the line", async () => {
  const { parseDrift } = await load();
  assert.throws(() => parseDrift("1 2 3 4 5\n1 2 x 4 5\n"), /line 2/);
  assert.throws(() => parseDrift("1 2 3 4 5\n1 2 3 4 5 6\n"), /line 2: 6 numbers after lines of 5/);
  assert.throws(() => parseDrift("1 2 3\n"), /line 1/);
  assert.throws(() => parseDrift("1 2 3 4 5\n"), /fewer than two batches/);
});

test("the committed measurements give the machine's run spreads (testdata/machine/, 2026-12-06)", async () => {
  const { parseDrift, summarizeSleep, summarizeFutex } = await load();
  const read = (f: string) => parseDrift(readFileSync(path.join(repoRoot, "testdata", "machine", f), "utf8")).rows;
  const s = summarizeSleep(read("sleep-drift-2026-12-06.txt"));
  const round100 = (ns: number) => Math.round(ns / 100) * 100;
  assert.deepEqual(s.mixture.map(([p, o]) => [p, round100(o)]), thisMachine.sleepRunSpread.map(([p, o]) => [p, o]));
  const f = summarizeFutex(read("futex-drift-2026-12-06.txt"));
  assert.equal(round100(f.slowShiftNs), thisMachine.futexWakeRunSpread[thisMachine.futexWakeRunSpread.length - 1]![1]);
});

// The metrics' latency histogram is hdr-histogram-js's Int32Histogram, constructed directly (its main
// entry costs start-up): it must be what the library's own build() gives for the same options.
import assert from "node:assert/strict";
import { test } from "node:test";
import { build } from "hdr-histogram-js";
import { latencyHistogram, latencySummary } from "../../src/observers/metrics.js";

test("latencyHistogram records and summarizes exactly as build() with the same options", () => {
  const ours = latencyHistogram();
  const lib = build({ lowestDiscernibleValue: 1, highestTrackableValue: 2 ** 44, numberOfSignificantValueDigits: 3 });
  assert.equal(ours.constructor, lib.constructor);
  let x = 12345;
  for (let i = 0; i < 50_000; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    // From 1 ns to ~17 min, spread over the magnitudes (and past the initial range: it must resize).
    const v = 1 + Math.floor((x / 2147483648) ** 6 * 1e12);
    ours.recordValue(v);
    lib.recordValue(v);
  }
  assert.equal(ours.totalCount, lib.totalCount);
  assert.equal(ours.mean, lib.mean);
  assert.equal(ours.maxValue, lib.maxValue);
  for (const p of [0, 1, 50, 90, 99, 99.9, 100]) assert.equal(ours.getValueAtPercentile(p), lib.getValueAtPercentile(p), `p${p}`);
});

test("latencySummary's one pass gives the library's mean and percentiles, to the bit", () => {
  const cases: [string, (i: number, r: () => number) => number][] = [
    ["one value", () => 1_070_000],
    ["1 ns values", () => 1],
    ["uniform over 1 µs–2 ms", (_i, r) => 1000 + Math.floor(r() * 2e6)],
    ["heavy tail to ~17 min", (_i, r) => 1 + Math.floor(r() ** 6 * 1e12)],
    ["two modes", (i, r) => (i % 3 === 0 ? 50_000 : 1_000_000) + Math.floor(r() * 1000)],
  ];
  for (const n of [1, 2, 3, 7, 99, 100, 101, 1000, 25_600]) {
    for (const [name, gen] of cases) {
      let x = 987654321 + n;
      const r = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
      const h = latencyHistogram();
      for (let i = 0; i < n; i++) h.recordValue(gen(i, r));
      const s = latencySummary(h);
      const what = `${name}, ${n} values`;
      assert.equal(s.count, h.totalCount, what);
      assert.equal(s.meanNs, Math.round(h.mean), what);
      assert.equal(s.p50Ns, h.getValueAtPercentile(50), what);
      assert.equal(s.p90Ns, h.getValueAtPercentile(90), what);
      assert.equal(s.p99Ns, h.getValueAtPercentile(99), what);
      assert.equal(s.maxNs, h.maxValue, what);
    }
  }
  assert.deepEqual(latencySummary(latencyHistogram()), { count: 0, meanNs: 0, p50Ns: 0, p90Ns: 0, p99Ns: 0, maxNs: 0 });
});

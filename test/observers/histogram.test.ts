// The metrics' latency histogram is hdr-histogram-js's Int32Histogram, constructed directly (its main
// entry costs start-up): it must be what the library's own build() gives for the same options.
import assert from "node:assert/strict";
import { test } from "node:test";
import { build } from "hdr-histogram-js";
import { latencyHistogram } from "../../src/observers/metrics.js";

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

// Distributions over seeds: quantiles, Sarle's bimodality coefficient and the two-mode test,
// checked against values worked out by hand.
import assert from "node:assert/strict";
import { test } from "node:test";
import { bimodalSplit, bimodalityCoefficient, distributionOf, quantileSorted, seedRange } from "../../src/base/distribution.js";

test("seeds are consecutive from the base seed", () => {
  assert.deepEqual(seedRange(7, 4), [7, 8, 9, 10]);
});

test("quantiles interpolate between order statistics (type 7)", () => {
  const s = [10, 20, 30, 40, 50];
  assert.equal(quantileSorted(s, 0.5), 30);
  assert.equal(quantileSorted(s, 0), 10);
  assert.equal(quantileSorted(s, 1), 50);
  // h = 4 × 0.05 = 0.2 → 10 + 0.2 × 10
  assert.equal(quantileSorted(s, 0.05), 12);
  assert.equal(quantileSorted(s, 0.95), 48);
  const d = distributionOf([3, 1, 2, 4]);
  assert.equal(d.median, 2.5);
  assert.equal(d.min, 1);
  assert.equal(d.max, 4);
  assert.equal(d.n, 4);
});

test("Sarle's coefficient: a symmetric two-point sample vs a normal-like one", () => {
  // n = 10, five 0s and five 1s: skewness 0, g2 = −2, G2 = ((11 × −2 + 6) × 9) / (8 × 7) = −144/56;
  // BC = 1 / (−144/56 + 3 × 81 / 56) = 56 / 99
  const two = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
  assert.ok(Math.abs(bimodalityCoefficient(two)! - 56 / 99) < 1e-12);
  assert.ok(bimodalityCoefficient(two)! > 5 / 9);
  // a bell-shaped sample stays well below 5/9
  const bell = [-2, -1, -1, 0, 0, 0, 0, 1, 1, 2];
  assert.ok(bimodalityCoefficient(bell)! < 0.4, String(bimodalityCoefficient(bell)));
  assert.equal(bimodalityCoefficient([5, 5, 5, 5, 5]), null);
  assert.equal(bimodalityCoefficient([1, 2, 3]), null);
});

test("two modes: far-apart clumps are bimodal; spreads, small steps, outliers and small samples are not", () => {
  const lostP = [0.004, 0.005, 0.004, 0.941, 0.941, 0.911, 0.941, 0.004, 0.941, 0.93];
  assert.deepEqual(bimodalSplit(lostP), [0.004, 0.941]);
  assert.deepEqual(distributionOf(lostP).modes, [0.004, 0.941]);
  // one mode: evenly spread
  assert.equal(bimodalSplit([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), null);
  // 14 vs 15 threads: the step is under 10 % of the values
  assert.equal(bimodalSplit([14, 14, 14, 14, 14, 15, 15, 15, 15, 15]), null);
  // a single outlier is not a mode (each group needs ≥ 2 values)
  assert.equal(bimodalSplit([1, 1, 1, 1, 1, 1, 1, 1, 1, 100]), null);
  // fewer than 10 seeds: no claim
  assert.equal(bimodalSplit([0, 0, 0, 1, 1, 1]), null);
  assert.equal(distributionOf([1, 2, 3]).modes, undefined);
});

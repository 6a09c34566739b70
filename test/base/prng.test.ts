// Prng.float takes the low bits of the generator's outputs itself; it must give exactly what pure-rand's
// uniform integer distribution gives (the streams every seed's results depend on).
import assert from "node:assert/strict";
import { test } from "node:test";
import { unsafeUniformIntDistribution, xoroshiro128plus } from "pure-rand";
import { Prng, seedState } from "../../src/base/prng.js";

test("Prng.float draws what unsafeUniformIntDistribution over 2^26 and 2^27 values gives", () => {
  for (const seed of [0, 1, 7, 0xffffffff, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER]) {
    const p = new Prng(seed);
    const rng = xoroshiro128plus.fromState(seedState(seed));
    for (let i = 0; i < 20_000; i++) {
      const hi = unsafeUniformIntDistribution(0, (1 << 26) - 1, rng);
      const low = unsafeUniformIntDistribution(0, (1 << 27) - 1, rng);
      assert.equal(p.float(), (hi * 134217728 + low) / 9007199254740992, `seed ${seed}, draw ${i}`);
    }
  }
});

test("a seed's state is splitmix64's first two outputs: the published vectors for seed 0, every bit of the seed counts", () => {
  // splitmix64 seeded with 0: 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4 (Vigna's reference code)
  assert.deepEqual(seedState(0), [0xe220a839 | 0, 0x7b1dcdaf | 0, 0x6e789e6a | 0, 0xa1b965f4 | 0]);
  assert.notDeepEqual(seedState(1), seedState(2 ** 32 + 1));
});

test("the first draws of a run are as random as later ones: over 1000 seeds each of the first three floats averages ~0.5", () => {
  for (let k = 0; k < 3; k++) {
    let sum = 0;
    for (let seed = 1; seed <= 1000; seed++) {
      const p = new Prng(seed);
      for (let i = 0; i < k; i++) p.float();
      sum += p.float();
    }
    // the mean of 1000 uniforms: 0.5 ± 0.009 (one standard error); 0.45–0.55 is over 5 of them
    assert.ok(Math.abs(sum / 1000 - 0.5) < 0.05, `draw ${k}: mean ${sum / 1000}`);
  }
});

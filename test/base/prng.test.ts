// Prng.float takes the low bits of the generator's outputs itself; it must give exactly what pure-rand's
// uniform integer distribution gives (the streams every seed's results depend on).
import assert from "node:assert/strict";
import { test } from "node:test";
import { unsafeUniformIntDistribution, xoroshiro128plus } from "pure-rand";
import { Prng } from "../../src/base/prng.js";

test("Prng.float draws what unsafeUniformIntDistribution over 2^26 and 2^27 values gives", () => {
  for (const seed of [0, 1, 7, 0xffffffff, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER]) {
    const p = new Prng(seed);
    const lo = seed % 0x100000000 | 0;
    const rng = xoroshiro128plus.fromState([-1, ~lo, lo, Math.floor(seed / 0x100000000) | 0]);
    for (let i = 0; i < 20_000; i++) {
      const hi = unsafeUniformIntDistribution(0, (1 << 26) - 1, rng);
      const low = unsafeUniformIntDistribution(0, (1 << 27) - 1, rng);
      assert.equal(p.float(), (hi * 134217728 + low) / 9007199254740992, `seed ${seed}, draw ${i}`);
    }
  }
});

// The one seeded random source of a simulation (xoroshiro128+ from pure-rand). Every random choice
// the model makes — steal order, select case order, distributions — is drawn from it, in event order.
// The two modules used, by pure-rand's published subpaths: its main entry loads every generator and
// distribution (~20 files), paid at every start-up.
import { unsafeUniformIntDistribution } from "pure-rand/distribution/UnsafeUniformIntDistribution";
import { xoroshiro128plus } from "pure-rand/generator/XoroShiro";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

/** Seeds are integers in [0, 2^53): every bit of them counts (2^32 + 1 is not seed 1). */
export const maxSeed = Number.MAX_SAFE_INTEGER;

/**
 * The generator's initial state for a seed: four 32-bit words from two outputs of splitmix64 over the
 * seed, as xoroshiro's authors advise. Taken straight from the seed's bits, a state starts so
 * unmixed that every run's first float was ~1.0 and its second ~0.85.
 */
export function seedState(seed: number): [number, number, number, number] {
  const mask = (1n << 64n) - 1n;
  let x = BigInt(seed);
  const next = (): bigint => {
    x = (x + 0x9e3779b97f4a7c15n) & mask;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
    return z ^ (z >> 31n);
  };
  const a = next();
  const b = next();
  const word = (v: bigint, shift: bigint) => Number((v >> shift) & 0xffffffffn) | 0;
  return [word(a, 32n), word(a, 0n), word(b, 32n), word(b, 0n)];
}

export class Prng {
  private readonly rng: RandomGenerator;
  constructor(readonly seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be an integer in [0, 2^53), got ${seed}`);
    this.rng = xoroshiro128plus.fromState(seedState(seed));
  }
  /** Uniform integer in [0, n). n ≥ 1. Like the runtime's fastrandn. */
  intn(n: number): number {
    return n <= 1 ? 0 : unsafeUniformIntDistribution(0, n - 1, this.rng);
  }
  /** Uniform 32-bit unsigned, like fastrand. */
  uint32(): number {
    return unsafeUniformIntDistribution(0, 0xffffffff, this.rng);
  }
  /** Uniform in [0, 1) with 53 bits of precision; only for drawing from distributions. */
  float(): number {
    // What unsafeUniformIntDistribution(0, 2^26 − 1) and (0, 2^27 − 1) return, without the call: over
    // a power-of-two range it never rejects and keeps the low bits of the next 32-bit output.
    const hi = this.rng.unsafeNext() & 0x3ffffff;
    const lo = this.rng.unsafeNext() & 0x7ffffff;
    return (hi * 134217728 + lo) / 9007199254740992;
  }
}

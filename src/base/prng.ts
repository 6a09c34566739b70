// The one seeded random source of a simulation (xoroshiro128+ from pure-rand). Every random choice
// the model makes — steal order, select case order, distributions — is drawn from it, in event order.
import { unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from "pure-rand";

export class Prng {
  private readonly rng: RandomGenerator;
  constructor(readonly seed: number) {
    this.rng = xoroshiro128plus(seed | 0);
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
    const hi = unsafeUniformIntDistribution(0, (1 << 26) - 1, this.rng);
    const lo = unsafeUniformIntDistribution(0, (1 << 27) - 1, this.rng);
    return (hi * 134217728 + lo) / 9007199254740992;
  }
}

// Predictions as distributions: a metric over several seeds summed up as median and p5–p95, and a
// test for two modes. Seeds are consecutive (seed, seed+1, …): the same options give the same bytes.

/** One metric over seeds. */
export interface Distribution {
  /** Number of values (seeds). */
  readonly n: number;
  readonly median: number;
  readonly p5: number;
  readonly p95: number;
  readonly min: number;
  readonly max: number;
  /** Two separated modes (see `bimodalSplit`); their medians, low then high. */
  readonly modes?: readonly [number, number];
}

/** The seeds of a `--seeds n` run: base, base+1, …, base+n−1. */
export function seedRange(base: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => base + i);
}

/**
 * Quantile q ∈ [0, 1] of sorted values, linear between order statistics (Hyndman–Fan type 7, the
 * default of R and NumPy): with 10 seeds p5 lies between the smallest and the second smallest.
 */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** The fewest values for which `bimodalSplit` says anything: below it, no claim of two modes. */
export const minBimodalN = 10;

/**
 * Sarle's bimodality coefficient with the finite-sample skewness G1 and excess kurtosis G2:
 * BC = (G1² + 1) / (G2 + 3(n−1)²/((n−2)(n−3))). A uniform distribution gives 5/9; above it the
 * mass sits in two clumps (or one clump with a long tail). null when n < 4 or every value is equal.
 */
export function bimodalityCoefficient(xs: readonly number[]): number | null {
  const n = xs.length;
  if (n < 4) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const x of xs) {
    const d = x - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  if (!(m2 > 1e-12 * Math.max(1, mean * mean))) return null;
  const g1 = m3 / m2 ** 1.5;
  const g2 = m4 / (m2 * m2) - 3;
  const G1 = (g1 * Math.sqrt(n * (n - 1))) / (n - 2);
  const G2 = (((n + 1) * g2 + 6) * (n - 1)) / ((n - 2) * (n - 3));
  return (G1 * G1 + 1) / (G2 + (3 * (n - 1) ** 2) / ((n - 2) * (n - 3)));
}

/**
 * Two modes, or null. A sample of n ≥ 10 values is bimodal when (1) Sarle's coefficient exceeds
 * 5/9 (more mass in the tails than a uniform spread), and (2) the sorted values split at one gap
 * into a low and a high group, each with at least max(2, ⌈n/10⌉) values, where the gap is at least
 * a third of the whole range and at least 10 % of the largest magnitude — so 14 vs 15 threads, a
 * smooth spread or one outlier are one mode, and 0.004 vs 0.94 lost-P fractions are two. Returns
 * the groups' medians.
 */
export function bimodalSplit(xs: readonly number[]): readonly [number, number] | null {
  const n = xs.length;
  if (n < minBimodalN) return null;
  const bc = bimodalityCoefficient(xs);
  if (bc === null || !(bc > 5 / 9)) return null;
  const s = [...xs].sort((a, b) => a - b);
  const minGroup = Math.max(2, Math.ceil(n / 10));
  const scale = Math.max(Math.abs(s[0]!), Math.abs(s[n - 1]!));
  const range = s[n - 1]! - s[0]!;
  let best: { i: number; gap: number } | null = null;
  for (let i = minGroup; i <= n - minGroup; i++) {
    const gap = s[i]! - s[i - 1]!;
    if (gap >= range / 3 && gap >= 0.1 * scale && (best === null || gap > best.gap)) best = { i, gap };
  }
  if (best === null) return null;
  return [quantileSorted(s.slice(0, best.i), 0.5), quantileSorted(s.slice(best.i), 0.5)];
}

/** The distribution of one metric over seeds. */
export function distributionOf(xs: readonly number[]): Distribution {
  const s = [...xs].sort((a, b) => a - b);
  const modes = bimodalSplit(s);
  return {
    n: s.length,
    median: quantileSorted(s, 0.5),
    p5: quantileSorted(s, 0.05),
    p95: quantileSorted(s, 0.95),
    min: s[0] ?? NaN,
    max: s[s.length - 1] ?? NaN,
    ...(modes !== null ? { modes } : {}),
  };
}

/** Per metric name, the distribution of its values over runs (every run has the same names). */
export function distributionsOf(runs: readonly (readonly (readonly [string, number])[])[]): [string, Distribution][] {
  if (runs.length === 0) return [];
  return runs[0]!.map(([name], j) => [name, distributionOf(runs.map((r) => r[j]![1]))]);
}

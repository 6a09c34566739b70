// Every bound on what a scenario, a flag or a run may ask for, in one place (docs/limits.md gives
// each its reason and the memory it implies). Inputs beyond a bound are refused with a positioned
// error before anything runs; the run-time caps stop a run with a message naming the cap.

/**
 * The longest duration anywhere (a program's op, a setting, maxTime, a sampled draw): 10^15 ns,
 * about 11.6 days. Event times stay below maxTime + a few such durations < 2^53 ns, where a double
 * still counts every nanosecond exactly.
 */
export const maxDurationNs = 1e15;

/** The most a count may be (repeat counts, arrival requests, channel capacities): loop registers are int32. */
export const maxCount = 1_000_000_000;

/** Bytes of one `alloc` or a heap setting: 2^48, the x86-64 user address space. */
export const maxSizeBytes = 2 ** 48;

/** A rate's gaps are at most maxDurationNs (so at least 10^-6 per second) and at least 1 ns. */
export const minRatePerSec = 1e9 / maxDurationNs;
export const maxRatePerSec = 1e9;

/** Seeds: integers in [0, 2^53), every bit of them counts (src/base/prng.ts). */
export { maxSeed } from "./prng.js";

/**
 * Live goroutines (settings.maxGoroutines): the run stops at the cap with stoppedBy "max-goroutines".
 * The default keeps the goroutine table and its queues near goroutineBytes × 4e6 ≈ 0.4 GB.
 */
export const defaultMaxGoroutines = 4_000_000;
/** The highest cap a scenario may set (≈ 2 GB of goroutine state). */
export const maxMaxGoroutines = 20_000_000;
/** Measured bytes per live goroutine parked on a channel: 91 retained, 92–101 of peak RSS (docs/limits.md). */
export const goroutineBytes = 100;

/** Threads (constants.maxmcount, Go's debug.SetMaxThreads): Go's default is 10,000. */
export const maxThreads = 100_000;
/** Measured bytes per simulated M (thread): 374–465 retained, 750–780 of peak RSS (docs/limits.md). */
export const threadBytes = 800;

/** Bytes as a short text: 950 kB, 400 MB, 2.0 GB. */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${Math.round(n / 1e6)} MB`;
  return `${Math.max(1, Math.round(n / 1e3))} kB`;
}

/** Engine events (settings.maxEvents): a count of steps, exact in a double. */
export const maxEvents = 2 ** 53 - 1;

/** Nesting of a scenario's YAML (mappings and lists inside one another). */
export const maxNesting = 100;

/** YAML nodes after expanding aliases (a "billion laughs" file is refused, not expanded). */
export const maxYamlNodes = 1_000_000;

/** Scenario file size: a 1 MiB scenario loads in about 3 s of CPU and 250 MB (docs/limits.md). */
export const maxScenarioBytes = 1024 * 1024;

/** GOMAXPROCS and the machine's CPUs. */
export const maxProcs = 1024;

// gosched's public API: simulate a workload under the Go runtime's scheduler rules.
export { simulate, type SimulateOptions, type Simulation, type ObserverSpec } from "./simulate.js";
export * from "./workloads/api.js";
export { ns, us, ms, sec, formatNs, type Ns } from "./base/time.js";
export type { Metrics, LatencySummary } from "./observers/metrics.js";
export type { RuntimeEvent, RuntimeFn, Observer } from "./runtime/events.js";
export { runtimeFns } from "./runtime/events.js";
export type { Op, Program, Duration, Distribution } from "./runtime/ops.js";
export type { RuntimeConfig, Costs, Machine, RuntimeConstants } from "./runtime/config.js";
export { resolveConfig, profileNames, type ConfigOptions } from "./profiles/index.js";
export { GoschedError, RuntimeFatal } from "./base/errors.js";
export { InvariantError } from "./base/assert.js";

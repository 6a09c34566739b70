// simulate(): one call from a workload and options to the run's result and metrics.
import { MetricsObserver, type Metrics } from "./observers/metrics.js";
import { resolveConfig, type ConfigOptions } from "./profiles/index.js";
import type { RuntimeConfig } from "./runtime/config.js";
import type { Observer } from "./runtime/events.js";
import type { Program } from "./runtime/ops.js";
import type { Runtime } from "./runtime/runtime.js";
import { createRuntime, run, type SimulationResult } from "./runtime/simulate.js";
import { checkInvariants } from "./runtime/invariants.js";

/** An observer, or a factory that builds one with the runtime (to read G/M/P state, e.g. schedtrace). */
export type ObserverSpec = Observer | ((rt: Runtime) => Observer);

export interface SimulateOptions extends ConfigOptions {
  readonly main: Program;
  readonly observers?: readonly ObserverSpec[];
  /** Check the model's invariants after every event (slow; tests and --check). */
  readonly check?: boolean;
}

export interface Simulation {
  readonly config: RuntimeConfig;
  readonly result: SimulationResult;
  readonly metrics: Metrics;
  readonly runtime: Runtime;
}

export function simulate(options: SimulateOptions): Simulation {
  const config = resolveConfig(options);
  const metrics = new MetricsObserver(config.gomaxprocs);
  const rt = createRuntime(config, options.main, (r) => {
    r.subscribe(metrics);
    for (const o of options.observers ?? []) r.subscribe(typeof o === "function" ? o(r) : o);
    if (options.check === true) r.afterEvent = checkInvariants;
  });
  const result = run(rt);
  return { config, result, metrics: metrics.metrics(), runtime: rt };
}

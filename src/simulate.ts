// simulate(): the one way to run a simulation — from a workload and options to the run's result and
// metrics. The CLI, the UI's worker, validation and the benchmarks all come through here; what they
// add is observers (trace writers, the UI's recorder, schedtrace), hooks after every event
// (invariant checks) and a progress callback.
import { MetricsObserver, type Metrics } from "./observers/metrics.js";
import { resolveConfig, type ConfigOptions } from "./profiles/index.js";
import type { RuntimeConfig } from "./runtime/config.js";
import type { Observer } from "./runtime/events.js";
import { Buggify, type BuggifyOptions } from "./runtime/buggify.js";
import { checkInvariants } from "./runtime/invariants.js";
import type { Program } from "./runtime/ops.js";
import type { Runtime } from "./runtime/runtime.js";
import { advance, createRuntime, finish, run, type SimulationResult } from "./runtime/simulate.js";

/** An observer, or a factory that builds one with the runtime (to read G/M/P state, e.g. schedtrace). */
export type ObserverSpec = Observer | ((rt: Runtime) => Observer);

export interface SimulateOptions extends ConfigOptions {
  readonly main: Program;
  readonly observers?: readonly ObserverSpec[];
  /** Check the model's invariants after every event (slow; tests and --check). */
  readonly check?: boolean;
  /** Called after every event, in order, after the invariant check. */
  readonly afterEvent?: readonly ((rt: Runtime) => void)[];
  /** Called every `progressEveryEvents` events (default 16384) with the runtime: time and count so far. */
  readonly onProgress?: (rt: Runtime) => void;
  readonly progressEveryEvents?: number;
  /** false: no metrics observer (benchmarks of the bare model); `metrics` is then null. */
  readonly metrics?: boolean;
  /** Fault injection (runtime/buggify.ts): perturb the machine within its legal envelope; implies `check`. */
  readonly buggify?: BuggifyOptions;
}

export interface Simulation<M extends Metrics | null = Metrics> {
  readonly config: RuntimeConfig;
  readonly result: SimulationResult;
  readonly metrics: M;
  readonly runtime: Runtime;
  /** With the buggify option: which perturbation points were on and what fired. */
  readonly buggify?: Buggify;
}

export function simulate(options: SimulateOptions & { readonly metrics: false }): Simulation<null>;
export function simulate(options: SimulateOptions): Simulation;
export function simulate(options: SimulateOptions): Simulation<Metrics | null> {
  const { config, metrics, rt, buggify } = start(options);
  const result = run(rt);
  return { config, result, metrics: metrics === null ? null : metrics.metrics(), runtime: rt, ...(buggify !== null ? { buggify } : {}) };
}

/**
 * simulate() in slices of `sliceEvents` events, awaiting `pause()` between them: the CLI yields to
 * its event loop there, so Ctrl-C is handled mid-run. The events and the result are the same.
 */
export async function simulateSliced(options: SimulateOptions, pause: () => Promise<void>, sliceEvents = 1 << 17): Promise<Simulation> {
  const { config, metrics, rt, buggify } = start(options);
  while (!advance(rt, sliceEvents)) await pause();
  const result = finish(rt);
  return { config, result, metrics: metrics!.metrics(), runtime: rt, ...(buggify !== null ? { buggify } : {}) };
}

function start(options: SimulateOptions): { config: RuntimeConfig; metrics: MetricsObserver | null; rt: Runtime; buggify: Buggify | null } {
  const config = resolveConfig(options);
  const metrics = options.metrics === false ? null : new MetricsObserver(config.gomaxprocs);
  let buggify: Buggify | null = null;
  const rt = createRuntime(config, options.main, (r) => {
    if (metrics !== null) r.subscribe(metrics);
    for (const o of options.observers ?? []) r.subscribe(typeof o === "function" ? o(r) : o);
    if (options.buggify !== undefined) {
      // Perturbations first, then the invariants are checked on the state they leave.
      const b = (buggify = new Buggify(r, options.buggify));
      r.subscribe(b);
      r.engine.afterEach(() => b.afterEvent());
      r.latencyHook = (kind, ns) => b.latency(kind, ns);
      r.sleepRequestHook = (ns) => b.sleepRequest(ns);
    }
    if (options.check === true || options.buggify !== undefined) {
      r.checkTransitions = true;
      r.engine.afterEach(() => checkInvariants(r));
    }
    for (const hook of options.afterEvent ?? []) r.engine.afterEach(() => hook(r));
    const progress = options.onProgress;
    if (progress !== undefined) {
      const every = options.progressEveryEvents ?? 16384;
      r.engine.afterEach(() => {
        if (r.eventCount % every === 0) progress(r);
      });
    }
  });
  return { config, metrics, rt, buggify };
}

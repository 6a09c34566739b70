// Running one compiled configuration through simulate(), with the CLI's extras: schedtrace (which
// reads the runtime through the observer factory) and a progress display.
import type { Metrics } from "../observers/metrics.js";
import { SchedtraceObserver } from "../observers/schedtrace.js";
import type { Runtime } from "../runtime/runtime.js";
import type { CompiledRun } from "../scenario/core.js";
import { simulate, simulateSliced, type ObserverSpec, type SimulateOptions, type Simulation } from "../simulate.js";

export interface RunOptions {
  readonly check?: boolean;
  readonly schedtraceNs?: number;
  readonly scheddetail?: boolean;
  /** Where schedtrace text goes. */
  readonly write?: (text: string) => void;
  /** Called every few thousand events with the runtime (progress display). */
  readonly onProgress?: (rt: Runtime) => void;
  /** More observers (trace writers, …), or factories taking the runtime. */
  readonly observers?: readonly ObserverSpec[];
  /** --buggify: the seed of the fault injection. */
  readonly buggifySeed?: number;
}

export function runCompiled(cr: CompiledRun, o: RunOptions = {}): Simulation {
  return simulate(simulateOptions(cr, o));
}

/** runCompiled in slices, yielding to the event loop between them so signals are handled mid-run. */
export function runCompiledAsync(cr: CompiledRun, o: RunOptions = {}): Promise<Simulation> {
  return simulateSliced(simulateOptions(cr, o), () => new Promise<void>((ok) => setImmediate(ok)));
}

function simulateOptions(cr: CompiledRun, o: RunOptions): SimulateOptions {
  const schedtraceNs = o.schedtraceNs ?? 0;
  const schedtrace: ObserverSpec[] =
    schedtraceNs > 0 ? [(r) => new SchedtraceObserver(() => r, o.scheddetail === true, o.write ?? ((t) => process.stdout.write(t)))] : [];
  return {
    ...cr.options,
    ...(schedtraceNs > 0 ? { schedtraceNs } : {}),
    observers: [...schedtrace, ...(o.observers ?? [])],
    check: o.check === true,
    ...(o.onProgress !== undefined ? { onProgress: o.onProgress } : {}),
    ...(o.buggifySeed !== undefined ? { buggify: { seed: o.buggifySeed } } : {}),
  };
}

/** Metrics flattened to dotted names (makespanNs, syscalls.total, schedLatencyNs.p99Ns…), in report order. */
export function flattenMetrics(m: Metrics): [string, number][] {
  const out: [string, number][] = [];
  const walk = (v: unknown, prefix: string): void => {
    if (typeof v === "number") out.push([prefix, v]);
    else if (typeof v === "object" && v !== null) for (const [k, x] of Object.entries(v)) walk(x, prefix === "" ? k : `${prefix}.${k}`);
  };
  walk(m, "");
  return out;
}

/** The machine-readable form of a run (--json). */
export function runJson(label: string, cr: CompiledRun | null, sim: Simulation): object {
  const c = sim.config;
  return {
    label,
    ...(cr !== null ? { params: cr.params, policy: cr.policy } : {}),
    config: { profile: c.profile, gomaxprocs: c.gomaxprocs, seed: c.seed, ncpu: c.machine.ncpu, maxmcount: c.constants.maxmcount, maxTimeNs: c.maxTimeNs, maxEvents: c.maxEvents },
    result: sim.result,
    metrics: sim.metrics,
  };
}

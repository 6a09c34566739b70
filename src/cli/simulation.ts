// Running one compiled configuration. Like simulate(), but the CLI keeps the Runtime at hand from
// the start (schedtrace reads it through a closure) and may watch progress between events.
import { MetricsObserver, type Metrics } from "../observers/metrics.js";
import { SchedtraceObserver } from "../observers/schedtrace.js";
import { resolveConfig } from "../profiles/index.js";
import { checkInvariants } from "../runtime/invariants.js";
import type { Runtime } from "../runtime/runtime.js";
import { createRuntime, run } from "../runtime/simulate.js";
import type { CompiledRun } from "../scenario/index.js";
import type { ObserverSpec, Simulation } from "../simulate.js";

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
}

export function runCompiled(cr: CompiledRun, o: RunOptions = {}): Simulation {
  const schedtraceNs = o.schedtraceNs ?? 0;
  const config = resolveConfig({ ...cr.options, ...(schedtraceNs > 0 ? { schedtraceNs } : {}) });
  const metrics = new MetricsObserver(config.gomaxprocs);
  const rt = createRuntime(config, cr.options.main, (r) => {
    r.subscribe(metrics);
    if (schedtraceNs > 0) r.subscribe(new SchedtraceObserver(() => r, o.scheddetail === true, o.write ?? ((t) => process.stdout.write(t))));
    for (const x of o.observers ?? []) r.subscribe(typeof x === "function" ? x(r) : x);
    const check = o.check === true ? checkInvariants : null;
    const progress = o.onProgress;
    if (progress !== undefined) {
      r.afterEvent = (x) => {
        if (check !== null) check(x);
        if ((x.eventCount & 0x3fff) === 0) progress(x);
      };
    } else if (check !== null) r.afterEvent = check;
  });
  const result = run(rt);
  return { config, result, metrics: metrics.metrics(), runtime: rt };
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

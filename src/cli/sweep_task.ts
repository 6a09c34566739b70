// One grid point of a sweep: compile the scenario with the point's overrides and simulate. Pure
// function of its input, so results do not depend on which worker runs it or in what order.
import { parseScenario, compileScenario, type Override, type ParsedScenario } from "../scenario/core.js";
import type { Costs, Machine } from "../runtime/config.js";
import { simulate } from "../simulate.js";
import { flattenMetrics } from "./simulation.js";

export interface SweepTask {
  readonly index: number;
  readonly file: string;
  readonly text: string;
  readonly variant: string | null;
  readonly overrides: readonly Override[];
  /** A cost profile (--costs): its figures under the scenario's own settings, which win. */
  readonly costProfile?: { readonly costs: Partial<Costs>; readonly machine: Partial<Machine> };
}

export interface SweepResult {
  readonly index: number;
  readonly stoppedBy: string;
  readonly fatal: string | null;
  readonly eventCount: number;
  readonly metrics: [string, number][];
}

/**
 * The last scenario parsed, by file and text: a worker runs many points of one scenario, and
 * compiling reads the parsed document without changing it (each point builds its own from it).
 */
let lastParsed: { readonly file: string; readonly text: string; readonly parsed: ParsedScenario } | null = null;

function parsedOf(t: SweepTask): ParsedScenario {
  if (lastParsed === null || lastParsed.file !== t.file || lastParsed.text !== t.text) lastParsed = { file: t.file, text: t.text, parsed: parseScenario(t.text, t.file) };
  return lastParsed.parsed;
}

export function runSweepTask(t: SweepTask): SweepResult {
  const sc = compileScenario(parsedOf(t), { variants: t.variant === null ? [] : [t.variant], overrides: t.overrides });
  const o = sc.runs[0]!.options;
  const p = t.costProfile;
  const sim = simulate(p === undefined ? o : { ...o, costs: { ...p.costs, ...o.costs }, machine: { ...p.machine, ...o.machine } });
  return { index: t.index, stoppedBy: sim.result.stoppedBy, fatal: sim.result.fatal, eventCount: sim.result.eventCount, metrics: flattenMetrics(sim.metrics) };
}

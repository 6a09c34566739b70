// gosched run <scenario>: every selected variant, the report side by side (or JSON).
import { availableParallelism } from "node:os";
import { seedRange } from "../base/distribution.js";
import { GoschedError } from "../base/errors.js";
import { formatReport } from "../observers/report.js";
import { compileScenario, parseDuration, type CompiledScenario } from "../scenario/core.js";
import type { Simulation } from "../simulate.js";
import { out, overridesFrom, readScenario } from "./common.js";
import { exitCodes, type CliOptions } from "./options.js";
import type { CostProfile } from "../validation/index.js";
import { Progress } from "./progress.js";
import { runCompiledAsync, runJson, type RunOptions } from "./simulation.js";
import { aggregateSeeds, formatSeededTable, seededJson, seededTasks, seedsOption, type SeededResult } from "./seeds.js";
import type { SweepTask } from "./sweep_task.js";

export async function runCommand(file: string, o: CliOptions): Promise<number> {
  const { text, parsed } = readScenario(file);
  const sc = compileScenario(parsed, { variants: o.variant ?? [], overrides: overridesFrom(o) });
  const seeds = seedsOption(o.seeds);
  if (seeds !== undefined) return runSeeds(file, text, sc, o, seeds);
  const schedtraceNs = o.schedtrace === undefined ? 0 : parseDurationFlag(o.schedtrace, "--schedtrace");
  const runs: { label: string; sim: Simulation }[] = [];
  const costs = await costProfile(o.costs);
  // The writers are loaded only when an output is asked for. Every output file is checked before
  // the first run: a bad path costs no simulation.
  const wanted = o.trace !== undefined || o.perfetto !== undefined || o.pprofSyscall !== undefined;
  const outputsModule = wanted ? await import("./outputs.js") : null;
  const fileLabelOf = sc.runs.map((r) => r.label);
  if (outputsModule !== null) {
    fileLabelOf.splice(0, fileLabelOf.length, ...outputsModule.fileLabels(fileLabelOf));
    outputsModule.checkRunOutputs(outputsModule.outputPaths(o), fileLabelOf, [file, ...(o.costs !== undefined ? [o.costs] : [])]);
  }
  for (const [runIndex, cr0] of sc.runs.entries()) {
    // --costs: the file's figures under the scenario's own settings (which win)
    const cr = costs === undefined ? cr0 : { ...cr0, options: { ...cr0.options, costs: { ...costs.costs, ...cr0.options.costs }, machine: { ...costs.machine, ...cr0.options.machine } } };
    if (schedtraceNs > 0 && sc.runs.length > 1 && o.json !== true) out(`== ${cr.label} ==`);
    const progress = Progress.enabled() ? new Progress(cr.label) : null;
    const traceLines: string[] = [];
    const ro: RunOptions = {
      check: o.check === true,
      schedtraceNs,
      scheddetail: o.scheddetail === true,
      write: o.json === true ? (t) => traceLines.push(t) : (t) => process.stdout.write(t),
      ...(progress !== null ? { onProgress: (rt) => progress.sim(rt) } : {}),
      ...(o.buggify !== undefined ? { buggifySeed: o.buggify } : {}),
    };
    // --trace/--perfetto/--pprof-syscall: streamed to temporary files, renamed when the run is over.
    const outputs = outputsModule === null ? noOutputs : outputsModule.openOutputs(outputsModule.outputPaths(o), fileLabelOf[runIndex]!, sc.runs.length > 1);
    let sim: Simulation;
    try {
      sim = await runCompiledAsync(cr, { ...ro, observers: outputs.observers });
    } catch (e) {
      outputs.abort();
      throw e;
    }
    for (const w of outputs.finish()) process.stderr.write(`gosched: wrote ${w.path} (${w.bytes} bytes)\n`);
    progress?.done();
    if (sim.buggify !== undefined) process.stderr.write(buggifyReport(cr.label, o.buggify!, sim.buggify.summary()));
    runs.push({ label: cr.label, sim });
    if (o.json === true && schedtraceNs > 0) (sim as { schedtrace?: string }).schedtrace = traceLines.join("");
  }
  if (o.json === true) {
    out(
      JSON.stringify(
        {
          scenario: sc.name,
          file: sc.file,
          runs: runs.map((r, i) => ({ ...runJson(r.label, sc.runs[i]!, r.sim), ...((r.sim as { schedtrace?: string }).schedtrace !== undefined ? { schedtrace: (r.sim as { schedtrace?: string }).schedtrace } : {}) })),
        },
        null,
        2,
      ),
    );
  } else {
    if (schedtraceNs > 0) out("");
    out(`${sc.name}${sc.description !== "" ? ` — ${sc.description}` : ""}\n`);
    out(formatReport(runs));
  }
  return runs.some((r) => r.sim.result.fatal !== null) ? exitCodes.fatal : exitCodes.ok;
}

/** What --buggify did in one run: the points that were on and how often each fired. */
function buggifyReport(label: string, seed: number, points: readonly { point: string; enabled: boolean; chances: number; fired: number }[]): string {
  const on = points.filter((p) => p.enabled);
  const fired = on.filter((p) => p.fired > 0);
  const total = fired.reduce((s, p) => s + p.fired, 0);
  const lines = [`gosched: ${label}: buggify seed ${seed}: ${on.length} of ${points.length} perturbation points on, ${fired.length} fired (${total} times); every invariant held after every event`];
  for (const p of fired) lines.push(`  ${p.point}: ${p.fired} of ${p.chances}`);
  return `${lines.join("\n")}\n`;
}

/** --costs: read by validate.ts's reader, loaded only then. */
async function costProfile(file: string | undefined): Promise<CostProfile | undefined> {
  return file === undefined ? undefined : (await import("./validate.js")).readCostProfile(file);
}

const noOutputs = { observers: [], finish: () => [], abort: () => {} };

export function parseDurationFlag(v: string, flag: string): number {
  const r = parseDuration(v);
  if (!r.ok) throw new GoschedError("OPTION_INVALID", `${flag} ${v}: ${r.message}`);
  if (r.value <= 0) throw new GoschedError("OPTION_INVALID", `${flag} ${v}: expected a positive duration`);
  return r.value;
}

/** Outputs that describe one run: not with --seeds (pick the seed with --seed). */
const singleRunFlags = [
  ["trace", "--trace"],
  ["perfetto", "--perfetto"],
  ["pprofSyscall", "--pprof-syscall"],
  ["schedtrace", "--schedtrace"],
  ["check", "--check"],
  ["buggify", "--buggify"],
] as const;

/** run --seeds N: every variant over seeds s…s+N−1, each metric as median [p5–p95]. */
async function runSeeds(file: string, text: string, sc: CompiledScenario, o: CliOptions, n: number): Promise<number> {
  for (const [key, flag] of singleRunFlags) if (o[key] !== undefined && o[key] !== false) throw new GoschedError("OPTION_INVALID", `${flag} describes one run: use it with --seed, not --seeds`);
  const costs = await costProfile(o.costs);
  const overrides = overridesFrom(o);
  const tasks: SweepTask[] = [];
  for (const cr of sc.runs) {
    const base = { file, text, variant: cr.label === "" || sc.variants.length === 0 ? null : cr.label, overrides, ...(costs !== undefined ? { costProfile: { costs: costs.costs, machine: costs.machine } } : {}) };
    tasks.push(...seededTasks(base, cr.options.seed ?? 1, n, tasks.length));
  }
  const { runTasks } = await import("./sweep.js");
  const results = await runTasks(tasks, Math.min(o.workers ?? availableParallelism(), tasks.length), undefined, "seeds");
  const runs: SeededResult[] = sc.runs.map((cr, i) => aggregateSeeds(results.slice(i * n, (i + 1) * n), seedRange(cr.options.seed ?? 1, n)));
  if (o.json === true) {
    out(JSON.stringify({ scenario: sc.name, file: sc.file, seeds: runs[0]!.seeds, runs: sc.runs.map((cr, i) => ({ label: cr.label, params: cr.params, policy: cr.policy, ...seededJson(runs[i]!) })) }, null, 2));
  } else {
    out(`${sc.name}${sc.description !== "" ? ` — ${sc.description}` : ""}\n`);
    out(formatSeededTable(sc.runs.map((cr) => cr.label), runs));
  }
  return runs.some((r) => r.fatal !== null) ? exitCodes.fatal : exitCodes.ok;
}

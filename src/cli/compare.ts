// gosched compare <scenario> --vs k=v,… : configurations side by side, every metric with its delta
// against the first column. Without --vs, the scenario's variants are compared.
import { availableParallelism } from "node:os";
import { seedRange } from "../base/distribution.js";
import { GoschedError } from "../base/errors.js";
import { formatNs } from "../base/time.js";
import { compileScenario, variantNames, type CompiledRun, type Override } from "../scenario/core.js";
import type { Simulation } from "../simulate.js";
import { out, overridesFrom, parseAssignment, readScenario } from "./common.js";
import { exitCodes, type CliOptions } from "./options.js";
import { Progress } from "./progress.js";
import { aggregateSeeds, formatSeededTable, seededJson, seededTasks, seedsOption } from "./seeds.js";
import { flattenMetrics, runCompiled, runJson } from "./simulation.js";
import { runTasks } from "./sweep.js";
import type { SweepTask } from "./sweep_task.js";

export async function compareCommand(file: string, o: CliOptions): Promise<number> {
  const { text, parsed } = readScenario(file);
  const base = overridesFrom(o);
  const configs: CompiledRun[] = [];
  // How each configuration was compiled (variant, overrides): --seeds recompiles it per seed.
  const specs: { variant: string | null; overrides: Override[] }[] = [];
  // --policy a,b,…: one column per policy, the rest of the configuration shared.
  const policies = (o.policy ?? "").split(",").map((p) => p.trim()).filter((p) => p !== "");
  // With --vs or several policies, the first configuration is one variant: --variant's, or the first.
  const oneVariant = (o.variant ?? []).length > 0 ? o.variant! : variantNames(parsed).slice(0, 1);
  if (policies.length > 1) {
    const shared = base.filter((ov) => ov.key !== "policy");
    const first = compileScenario(parsed, { variants: oneVariant, overrides: shared }).runs[0]!;
    const variant = first.label === "" ? [] : oneVariant;
    for (const p of policies) {
      const overrides = [...shared, { key: "policy", value: p, source: `--policy ${p}` }];
      const c = compileScenario(parsed, { variants: variant, overrides }).runs[0]!;
      configs.push({ ...c, label: p });
      specs.push({ variant: variant[0] ?? null, overrides });
    }
  } else if ((o.vs ?? []).length > 0) {
    const sc = compileScenario(parsed, { variants: oneVariant, overrides: base });
    const first = sc.runs[0]!;
    const variant = sc.variants.length > 0 ? [first.label] : [];
    configs.push(first);
    specs.push({ variant: variant[0] ?? null, overrides: base });
    for (const vs of o.vs ?? []) {
      const ovs = vs.split(",").filter((s) => s.trim() !== "").map((s) => parseAssignment(s, `--vs ${vs}:`));
      const c = compileScenario(parsed, { variants: variant, overrides: [...base, ...ovs] }).runs[0]!;
      configs.push({ ...c, label: vs });
      specs.push({ variant: variant[0] ?? null, overrides: [...base, ...ovs] });
    }
  } else {
    const sc = compileScenario(parsed, { variants: o.variant ?? [], overrides: base });
    if (sc.runs.length < 2) throw new GoschedError("OPTION_INVALID", `${file}: nothing to compare: give one or more --vs key=value (e.g. --vs gomaxprocs=8)`);
    configs.push(...sc.runs);
    specs.push(...sc.runs.map((r) => ({ variant: r.label, overrides: base })));
  }
  const seeds = seedsOption(o.seeds);
  if (seeds !== undefined) return compareSeeds(file, text, configs, specs, o, seeds);
  const sims: Simulation[] = configs.map((c) => {
    const p = Progress.enabled() ? new Progress(c.label) : null;
    const sim = runCompiled(c, p !== null ? { onProgress: (rt) => p.sim(rt) } : {});
    p?.done();
    return sim;
  });
  const rows = sims.map((s) => flattenMetrics(s.metrics));
  const names = rows[0]!.map(([k]) => k);
  if (o.json === true) {
    const deltas = sims.slice(1).map((_, i) => {
      const d: Record<string, { delta: number; ratio: number | null }> = {};
      names.forEach((k, j) => {
        const a = rows[0]![j]![1];
        const b = rows[i + 1]![j]![1];
        d[k] = { delta: b - a, ratio: a !== 0 ? b / a : null };
      });
      return { label: configs[i + 1]!.label, against: configs[0]!.label, metrics: d };
    });
    out(JSON.stringify({ scenario: file, runs: sims.map((s, i) => runJson(configs[i]!.label, configs[i]!, s)), deltas }, null, 2));
  } else out(formatCompare(configs.map((c) => c.label), names, rows, sims));
  return sims.some((s) => s.result.fatal !== null) ? exitCodes.fatal : exitCodes.ok;
}

export function formatMetric(name: string, v: number): string {
  if (name.endsWith("Ns")) return formatNs(v);
  if (name === "pUtilization") return `${(v * 100).toFixed(1)}%`;
  return String(v);
}

function formatDelta(name: string, a: number, b: number): string {
  if (a === b) return "=";
  const d = b - a;
  const abs = name.endsWith("Ns") ? formatNs(Math.abs(d)) : name === "pUtilization" ? `${(Math.abs(d) * 100).toFixed(1)}pt` : String(Math.abs(d));
  const pct = a !== 0 ? ` ${d > 0 ? "+" : "-"}${Math.abs((d / a) * 100).toFixed(0)}%` : "";
  return `${d > 0 ? "+" : "-"}${abs}${pct}`;
}

function formatCompare(labels: string[], names: string[], rows: [string, number][][], sims: Simulation[]): string {
  const header = ["metric", ...labels.map((l, i) => (i === 0 ? l : `${l}`))];
  const body = names.map((k, j) => {
    const a = rows[0]![j]![1];
    return [k, ...rows.map((r, i) => (i === 0 ? formatMetric(k, r[j]![1]) : `${formatMetric(k, r[j]![1])} (${formatDelta(k, a, r[j]![1])})`))];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join("  ");
  const lines = [line(header), ...body.map(line)];
  sims.forEach((s, i) => {
    if (s.result.fatal !== null) lines.push(`${labels[i]!}: ${s.result.fatal}`);
    else if (s.result.stoppedBy !== "main-exited") lines.push(`${labels[i]!}: stopped by ${s.result.stoppedBy} at ${formatNs(s.result.endTimeNs)}`);
  });
  lines.push("", `deltas are against '${labels[0]!}'`);
  return lines.join("\n");
}

/** compare --seeds N: every configuration over seeds s…s+N−1; medians [p5–p95] and the medians' deltas. */
async function compareSeeds(file: string, text: string, configs: readonly CompiledRun[], specs: readonly { variant: string | null; overrides: Override[] }[], o: CliOptions, n: number): Promise<number> {
  const tasks: SweepTask[] = [];
  configs.forEach((c, i) => tasks.push(...seededTasks({ file, text, variant: specs[i]!.variant, overrides: specs[i]!.overrides }, c.options.seed ?? 1, n, tasks.length)));
  const results = await runTasks(tasks, Math.min(o.workers ?? availableParallelism(), tasks.length), undefined, "seeds");
  const runs = configs.map((c, i) => aggregateSeeds(results.slice(i * n, (i + 1) * n), seedRange(c.options.seed ?? 1, n)));
  const labels = configs.map((c) => c.label);
  if (o.json === true) {
    const deltas = runs.slice(1).map((r, i) => ({
      label: labels[i + 1]!,
      against: labels[0]!,
      medians: Object.fromEntries(
        r.metrics.map((m, j) => {
          const a = runs[0]!.metrics[j]!.distribution.median;
          const b = m.distribution.median;
          return [m.name, { delta: b - a, ratio: a !== 0 ? b / a : null }];
        }),
      ),
    }));
    out(JSON.stringify({ scenario: file, seeds: runs[0]!.seeds, runs: configs.map((c, i) => ({ label: c.label, params: c.params, policy: c.policy, ...seededJson(runs[i]!) })), deltas }, null, 2));
  } else {
    out(formatSeededTable(labels, runs, true));
  }
  return runs.some((r) => r.fatal !== null) ? exitCodes.fatal : exitCodes.ok;
}

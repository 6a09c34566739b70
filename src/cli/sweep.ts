// gosched sweep <scenario> --param k=v1,v2 …: the grid (product of the params, and the scenario's
// variants unless one is chosen) run over worker threads, one per core. Each point is compiled and
// simulated from scratch with the scenario's seed (or a swept `seed`), so the numbers do not depend
// on the number of workers or on the order points finish.
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { GoschedError } from "../base/errors.js";
import { formatNs } from "../base/time.js";
import { seedRange } from "../base/distribution.js";
import { compileScenario, type Override, type ParsedScenario } from "../scenario/index.js";
import { out, overridesFrom, readScenario } from "./common.js";
import { formatMetric } from "./compare.js";
import { exitCodes, type CliOptions } from "./options.js";
import { Progress } from "./progress.js";
import { aggregateSeeds, seededCsv, seededJson, seededTasks, seedsOption } from "./seeds.js";
import { lineChartSvg, type Series } from "./svg.js";
import { runSweepTask, type SweepResult, type SweepTask } from "./sweep_task.js";

export interface SweepPoint {
  /** Param name → value as given. */
  readonly values: Readonly<Record<string, string>>;
  readonly variant: string | null;
  readonly result: SweepResult;
}

export async function sweepCommand(file: string, o: CliOptions): Promise<number> {
  const { text, parsed } = readScenario(file);
  const base = overridesFrom(o);
  const dims: { key: string; values: string[] }[] = [];
  for (const p of o.param ?? []) {
    const i = p.indexOf("=");
    if (i <= 0) throw new GoschedError("OPTION_INVALID", `--param ${p}: expected key=v1,v2,…`);
    const values = p.slice(i + 1).split(",").map((s) => s.trim()).filter((s) => s !== "");
    if (values.length === 0) throw new GoschedError("OPTION_INVALID", `--param ${p}: no values`);
    dims.push({ key: p.slice(0, i).trim(), values });
  }
  const probe = compileScenario(parsed, { variants: o.variant ?? [], overrides: base });
  const hasVariantDim = dims.some((d) => d.key === "variant");
  if (!hasVariantDim && probe.variants.length > 0) dims.push({ key: "variant", values: probe.runs.map((r) => r.label) });
  if (dims.length === 0) throw new GoschedError("OPTION_INVALID", `${file}: nothing to sweep: give --param key=v1,v2,… (e.g. --param gomaxprocs=1,2,4,8)`);

  // The grid, first param varying slowest.
  let grid: Record<string, string>[] = [{}];
  for (const d of dims) grid = grid.flatMap((g) => d.values.map((v) => ({ ...g, [d.key]: v })));
  const tasks: SweepTask[] = grid.map((g, index) => {
    const overrides: Override[] = [...base];
    for (const [k, v] of Object.entries(g)) if (k !== "variant") overrides.push({ key: k, value: v, source: `--param ${k}=${v}` });
    return { index, file, text, variant: g.variant ?? (probe.variants.length > 0 ? probe.runs[0]!.label : null), overrides };
  });
  // Every point compiles here first: bad values are reported (exit 2) before any worker starts.
  for (const t of tasks) compileScenario(parsed, { variants: t.variant === null ? [] : [t.variant], overrides: t.overrides });

  // --seeds N: every point over seeds s…s+N−1 (seeds.ts); its metrics are the medians.
  const seeds = seedsOption(o.seeds);
  const runTasksOf = seeds === undefined ? tasks : tasks.flatMap((t, i) => seededTasks(t, seedOf(parsed, t), seeds, i * seeds));
  const workers = Math.min(o.workers ?? availableParallelism(), runTasksOf.length);
  const ran = await runTasks(runTasksOf, workers);
  const seeded = seeds === undefined ? null : tasks.map((t, i) => aggregateSeeds(ran.slice(i * seeds, (i + 1) * seeds), seedRange(seedOf(parsed, t), seeds)));
  const results = seeded === null ? ran : seeded.map((r, i) => ({ index: i, stoppedBy: r.stoppedBy, fatal: r.fatal, eventCount: r.eventCount, metrics: r.metrics.map((m) => [m.name, m.distribution.median] as [string, number]) }));
  const points: SweepPoint[] = tasks.map((t, i) => ({ values: grid[i]!, variant: t.variant, result: results[i]! }));

  const metric = o.metric ?? "makespanNs";
  const metricNames = points[0]!.result.metrics.map(([k]) => k);
  if (!metricNames.includes(metric)) throw new GoschedError("OPTION_INVALID", `--metric ${metric}: unknown metric (metrics: ${metricNames.join(", ")})`);
  const format = o.format ?? "csv";
  if (format !== "csv" && format !== "json") throw new GoschedError("OPTION_INVALID", `--format ${format}: expected csv or json`);
  const keys = dims.map((d) => d.key);
  const csv = seeded === null ? toCsv(keys, points) : seededCsv(keys, points, seeded);
  const json = JSON.stringify(
    {
      scenario: probe.name,
      file,
      params: dims,
      ...(seeded !== null ? { seeds } : {}),
      points: points.map((p, i) => ({ params: p.values, stoppedBy: p.result.stoppedBy, fatal: p.result.fatal, eventCount: p.result.eventCount, metrics: Object.fromEntries(p.result.metrics), ...(seeded !== null ? { distributions: seededJson(seeded[i]!) } : {}) })),
    },
    null,
    2,
  );
  if (o.json === true || format === "json") out(json);
  else out(csv);
  if (o.out !== undefined) writeFileSync(o.out, o.out.endsWith(".json") ? `${json}\n` : csv);
  if (o.plot !== undefined) writeFileSync(o.plot, plot(probe.name, dims, points, metric));
  return points.some((p) => p.result.fatal !== null) ? exitCodes.fatal : exitCodes.ok;
}

/**
 * Runs the tasks over `workers` threads (0: in this thread); results in task order. Sweep points by
 * default; `local` runs another kind of task in this thread (sweep_worker.ts dispatches on `kind`).
 */
export async function runTasks<T extends { readonly index: number } = SweepTask, R extends { readonly index: number } = SweepResult>(
  tasks: readonly T[],
  workers: number,
  local: (t: T) => R = runSweepTask as unknown as (t: T) => R,
): Promise<R[]> {
  const results: R[] = new Array<R>(tasks.length);
  const progress = Progress.enabled() ? new Progress("sweep") : null;
  let done = 0;
  if (workers <= 0) {
    for (const t of tasks) {
      results[t.index] = local(t);
      done++;
      progress?.bar(done, tasks.length);
    }
    progress?.done();
    return results;
  }
  const url = new URL("./sweep_worker.js", import.meta.url);
  let next = 0;
  await new Promise<void>((resolve, reject) => {
    let live = 0;
    const start = (): void => {
      const w = new Worker(url);
      live++;
      const feed = (): void => {
        if (next < tasks.length) w.postMessage(tasks[next++]);
        else w.postMessage(null);
      };
      w.on("message", (m: { ok: true; result: R } | { ok: false; index: number; error: string }) => {
        if (!m.ok) {
          reject(new GoschedError("OPTION_INVALID", `sweep point ${m.index}: ${m.error}`));
          void w.terminate();
          return;
        }
        results[m.result.index] = m.result;
        done++;
      progress?.bar(done, tasks.length);
        feed();
      });
      w.on("error", reject);
      w.on("exit", () => {
        if (--live === 0) resolve();
      });
      feed();
    };
    for (let i = 0; i < workers; i++) start();
  });
  progress?.done();
  if (done !== tasks.length) throw new GoschedError("OPTION_INVALID", `sweep: ${tasks.length - done} points did not finish`);
  return results;
}

/** The seed a point starts from: its `seed` override (--seed, --param seed=…), else the scenario's. */
function seedOf(parsed: ParsedScenario, t: SweepTask): number {
  return compileScenario(parsed, { variants: t.variant === null ? [] : [t.variant], overrides: t.overrides }).runs[0]!.options.seed ?? 1;
}

const csvCell = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function toCsv(keys: readonly string[], points: readonly SweepPoint[]): string {
  const names = points[0]!.result.metrics.map(([k]) => k);
  const lines = [[...keys, "stoppedBy", "fatal", ...names].map(csvCell).join(",")];
  for (const p of points) {
    lines.push([...keys.map((k) => p.values[k] ?? ""), p.result.stoppedBy, p.result.fatal ?? "", ...p.result.metrics.map(([, v]) => String(v))].map(csvCell).join(","));
  }
  return lines.join("\n") + "\n";
}

function plot(title: string, dims: readonly { key: string; values: string[] }[], points: readonly SweepPoint[], metric: string): string {
  const x = dims[0]!;
  const numeric = x.values.every((v) => Number.isFinite(Number(v)));
  const rest = dims.slice(1);
  const byName = new Map<string, [number, number][]>();
  for (const p of points) {
    const name = rest.length === 0 ? metric : rest.map((d) => `${d.key}=${p.values[d.key]!}`).join(" ");
    const xv = numeric ? Number(p.values[x.key]) : x.values.indexOf(p.values[x.key]!);
    const y = p.result.metrics.find(([k]) => k === metric)![1];
    if (!byName.has(name)) byName.set(name, []);
    byName.get(name)!.push([xv, y]);
  }
  const series: Series[] = [...byName].map(([name, pts]) => ({ name, points: pts }));
  return lineChartSvg({
    title: `${title}: ${metric} vs ${x.key}`,
    xLabel: x.key,
    yLabel: metric,
    series,
    ...(numeric ? {} : { xLabels: x.values }),
    formatY: (y) => (metric.endsWith("Ns") ? formatNs(y) : formatMetric(metric, y)),
  });
}

// gosched sweep <scenario> --param k=v1,v2 …: the grid (product of the params, and the scenario's
// variants unless one is chosen) run over worker threads, one per core. Each point is compiled and
// simulated from scratch with the scenario's seed (or a swept `seed`), so the numbers do not depend
// on the number of workers or on the order points finish.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { GoschedError } from "../base/errors.js";
import { formatNs } from "../base/time.js";
import { seedRange } from "../base/distribution.js";
import { compileScenario, type Override, type ParsedScenario } from "../scenario/core.js";
import { out, overridesFrom, readScenario } from "./common.js";
import { formatMetric } from "./compare.js";
import { exitCodes, type CliOptions } from "./options.js";
import { checkDistinct, checkOutputPath, writeFileAtomic } from "./outputs.js";
import { Progress } from "./progress.js";
import { packageVersion } from "./package_version.js";
import { digest, parseShard, runShard } from "./sweep_shard.js";
import { aggregateSeeds, seededCsv, seededJson, seededTasks, seedsOption } from "./seeds.js";
import { lineChartSvg, type Series } from "./svg.js";
import { runSweepTask, type SweepResult, type SweepTask } from "./sweep_task.js";

export interface SweepPoint {
  /** Param name → value as given. */
  readonly values: Readonly<Record<string, string>>;
  readonly result: SweepResult;
}

/** A swept dimension: a setting or param (or `variant`) and its values, as given. */
export interface SweepDim {
  readonly key: string;
  readonly values: readonly string[];
}

/** What the sweep's output needs besides the units' results (a part file carries it). */
export interface SweepOutline {
  readonly scenario: string;
  readonly file: string;
  readonly dims: readonly SweepDim[];
  /** The grid points, first param varying slowest: param name → value. */
  readonly grid: readonly Readonly<Record<string, string>>[];
  /** --seeds: units per point and each point's first seed; null: one unit per point. */
  readonly seeds: { readonly count: number; readonly first: readonly number[] } | null;
}

/**
 * A sweep, ready to run. A unit (task) is one simulation: one (grid point, seed); units are in
 * point order, a point's seeds together. Shards split the units (sweep_shard.ts).
 */
export interface SweepPlan extends SweepOutline {
  readonly units: readonly SweepTask[];
  /** A digest of what determines the results (scenario text, grid, overrides, gosched version). */
  readonly fingerprint: string;
}

/** Compiles the grid of a sweep command; every point is compiled, so bad values are exit 2 up front. */
export function planSweep(file: string, o: CliOptions): SweepPlan {
  const { text, parsed } = readScenario(file);
  checkSweepOutputs(file, o);
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
  // A swept key the variants set makes them one configuration at every point (gomaxprocs over the
  // seed workload's P1…P32): refused as run refuses the override (scenario/core.ts), checked once
  // with each swept key at its first value.
  const variantDim = dims.find((d) => d.key === "variant");
  if (variantDim !== undefined && variantDim.values.length > 1) {
    const swept = dims.filter((d) => d.key !== "variant").map((d) => ({ key: d.key, value: d.values[0]!, source: `--param ${d.key}=${d.values.join(",")}` }));
    compileScenario(parsed, { variants: variantDim.values, overrides: [...base, ...swept] });
  }

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
  const count = seedsOption(o.seeds);
  const seeds = count === undefined ? null : { count, first: tasks.map((t) => seedOf(parsed, t)) };
  const units = seeds === null ? tasks : tasks.flatMap((t, i) => seededTasks(t, seeds.first[i]!, seeds.count, i * seeds.count));
  // Every field of a unit but its position and the scenario's text (hashed once) enters the digest.
  const unitKeys = units.map(({ index: _i, file: _f, text: _t, ...unit }) => unit);
  const fingerprint = digest({ gosched: packageVersion(), scenario: probe.name, file, text, dims, seeds, units: unitKeys });
  return { scenario: probe.name, file, dims, grid, seeds, units, fingerprint };
}

export async function sweepCommand(file: string, o: CliOptions): Promise<number> {
  // The worker threads start loading the CLI while this thread reads and compiles the grid (this
  // thread is one of the `--workers` threads: at most one per other core now; any more, and the ones
  // the grid does not need, are settled once it is known).
  const wanted = o.shard === undefined ? (o.workers ?? availableParallelism()) : 0;
  const early = startWorkers(Math.min(wanted, availableParallelism()) - 1);
  try {
    const plan = planSweep(file, o);
    if (o.shard !== undefined) return await runShard(plan, parseShard(o.shard), o);
    checkFormat(o);
    const results = await runTasks(plan.units, Math.min(wanted, plan.units.length), undefined, "sweep", early);
    return writeSweepOutputs(plan, results, o);
  } finally {
    for (const w of early) void w.terminate();
  }
}

const workerUrl = (): URL => new URL("./sweep_worker.js", import.meta.url);

/** An error a worker raised before runTasks listened (it failed to load), by worker. */
const earlyErrors = new WeakMap<Worker, unknown>();

/** Worker threads started ahead of their tasks; runTasks takes them. */
function startWorkers(n: number): Worker[] {
  return Array.from({ length: Math.max(0, n) }, () => {
    const w = new Worker(workerUrl());
    w.once("error", (e) => {
      if (!earlyErrors.has(w)) earlyErrors.set(w, e);
    });
    return w;
  });
}

/** --format is csv or json (checked before any work). */
function checkFormat(o: CliOptions): void {
  const format = o.format ?? "csv";
  if (format !== "csv" && format !== "json") throw new GoschedError("OPTION_INVALID", `--format ${format}: expected csv or json`);
}

/**
 * The sweep's outputs from its outline and every unit's result (in unit order): stdout, --out and
 * --plot. `gosched merge` calls this too, so a merged sweep is byte for byte the unsharded one.
 */
export function writeSweepOutputs(plan: SweepOutline, ran: readonly SweepResult[], o: CliOptions): number {
  checkFormat(o);
  const seeds = plan.seeds;
  const seeded = seeds === null ? null : plan.grid.map((_, i) => aggregateSeeds(ran.slice(i * seeds.count, (i + 1) * seeds.count), seedRange(seeds.first[i]!, seeds.count)));
  const results = seeded === null ? ran : seeded.map((r, i) => ({ index: i, stoppedBy: r.stoppedBy, fatal: r.fatal, eventCount: r.eventCount, metrics: r.metrics.map((m) => [m.name, m.distribution.median] as [string, number]) }));
  const points: SweepPoint[] = plan.grid.map((values, i) => ({ values, result: results[i]! }));

  const metric = o.metric ?? "makespanNs";
  const metricNames = points[0]!.result.metrics.map(([k]) => k);
  if (!metricNames.includes(metric)) throw new GoschedError("OPTION_INVALID", `--metric ${metric}: unknown metric (metrics: ${metricNames.join(", ")})`);
  const keys = plan.dims.map((d) => d.key);
  const csv = seeded === null ? toCsv(keys, points) : seededCsv(keys, points, seeded);
  const json = JSON.stringify(
    {
      scenario: plan.scenario,
      file: plan.file,
      params: plan.dims,
      ...(seeds !== null ? { seeds: seeds.count } : {}),
      points: points.map((p, i) => ({ params: p.values, stoppedBy: p.result.stoppedBy, fatal: p.result.fatal, eventCount: p.result.eventCount, metrics: Object.fromEntries(p.result.metrics), ...(seeded !== null ? { distributions: seededJson(seeded[i]!) } : {}) })),
    },
    null,
    2,
  );
  if (o.json === true || (o.format ?? "csv") === "json") out(json);
  else out(csv);
  if (o.out !== undefined) writeFileAtomic(o.out, o.out.endsWith(".json") ? `${json}\n` : csv, "--out");
  if (o.plot !== undefined) writeFileAtomic(o.plot, plot(plan.scenario, plan.dims, points, metric), "--plot");
  return points.some((p) => p.result.fatal !== null) ? exitCodes.fatal : exitCodes.ok;
}

/** Bad flags and output paths are refused before any point runs. */
function checkSweepOutputs(file: string, o: CliOptions): void {
  const outs: { flag: string; path: string }[] = [];
  if (o.out !== undefined) outs.push({ flag: "--out", path: o.out });
  if (o.plot !== undefined) outs.push({ flag: "--plot", path: o.plot });
  for (const x of outs) checkOutputPath(x.path, x.flag);
  checkDistinct(outs, [file]);
}

/**
 * Runs the tasks on `threads` threads — this one and threads − 1 worker threads (0 or 1: this thread
 * alone); results in the order of `tasks`. This thread is loaded and starts at once, while a worker
 * first loads the CLI and warms up its own JIT (each worker is kept two tasks ahead, so it does not
 * wait while this thread runs one). Sweep points by default; `local` runs another kind of task in
 * this thread (sweep_worker.ts dispatches on `kind`). `started`: worker threads already loading.
 */
export async function runTasks<T extends { readonly index: number } = SweepTask, R extends { readonly index: number } = SweepResult>(
  tasks: readonly T[],
  threads: number,
  local: (t: T) => R = runSweepTask as unknown as (t: T) => R,
  label = "sweep",
  started: readonly Worker[] = [],
): Promise<R[]> {
  // By index, not position: a shard runs a subset of the units (indices not 0…n−1).
  const byIndex = new Map<number, R>();
  const progress = Progress.enabled() ? new Progress(label) : null;
  let done = 0;
  let next = 0;
  const finishOne = (r: R): void => {
    byIndex.set(r.index, r);
    done++;
    progress?.bar(done, tasks.length);
  };
  const workers = started.slice(0, Math.max(0, threads - 1));
  for (let i = workers.length; i < threads - 1; i++) workers.push(new Worker(workerUrl()));
  for (const w of started.slice(workers.length)) void w.terminate();
  await new Promise<void>((resolve, reject) => {
    let live = workers.length;
    let localDone = false;
    let failed = false;
    const fail = (e: unknown): void => {
      if (failed) return;
      failed = true;
      for (const w of workers) void w.terminate();
      reject(e);
    };
    const settle = (): void => {
      if (!failed && localDone && live === 0) resolve();
    };
    for (const w of workers) {
      if (earlyErrors.has(w)) {
        fail(earlyErrors.get(w));
        return;
      }
      let closed = false;
      const feed = (): void => {
        if (closed) return;
        if (next < tasks.length) w.postMessage(tasks[next++]);
        else {
          w.postMessage(null);
          closed = true;
        }
      };
      w.on("message", (m: { ok: true; result: R } | { ok: false; index: number; error: string }) => {
        if (!m.ok) {
          fail(new GoschedError("OPTION_INVALID", `sweep point ${m.index}: ${m.error}`));
          return;
        }
        finishOne(m.result);
        feed();
      });
      w.on("error", fail);
      w.on("exit", () => {
        live--;
        settle();
      });
      feed();
      feed();
    }
    // This thread's share: a task at a time, taking the workers' results between tasks.
    void (async () => {
      while (!failed && next < tasks.length) {
        finishOne(local(tasks[next++]!));
        if (workers.length > 0) await new Promise<void>((ok) => setImmediate(ok));
      }
      localDone = true;
      settle();
    })().catch(fail);
  });
  progress?.done();
  if (done !== tasks.length) throw new GoschedError("OPTION_INVALID", `sweep: ${tasks.length - done} points did not finish`);
  return tasks.map((t) => byIndex.get(t.index)!);
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

function plot(title: string, dims: readonly SweepDim[], points: readonly SweepPoint[], metric: string): string {
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

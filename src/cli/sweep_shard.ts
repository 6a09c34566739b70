// Sharded sweeps: `gosched sweep … --shard i/n` runs a deterministic slice of the sweep's units
// (one unit = one simulation: a grid point and a seed) and writes a part file; `gosched merge
// part-*.json` checks that the parts are the n slices of one sweep, made by this gosched version,
// and prints exactly what the unsharded sweep prints (docs/scale.md).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { GoschedError } from "../base/errors.js";
import { out } from "./common.js";
import { exitCodes, type CliOptions } from "./options.js";
import { writeFileAtomic } from "./outputs.js";
import { packageVersion } from "./package_version.js";
import { runTasks, writeSweepOutputs, type SweepOutline, type SweepPlan } from "./sweep.js";
import type { SweepResult, SweepTask } from "./sweep_task.js";

export interface Shard {
  /** 0-based: 0 ≤ index < count (a Kubernetes completion index as it is). */
  readonly index: number;
  readonly count: number;
}

/** The part file (JSON). `format` changes when its layout does. */
export interface SweepPart {
  readonly kind: "gosched-sweep-part";
  readonly format: 1;
  readonly gosched: string;
  readonly fingerprint: string;
  readonly shard: Shard;
  /** Units of the whole sweep (all shards). */
  readonly units: number;
  readonly outline: SweepOutline;
  readonly results: readonly SweepResult[];
}

const partKind = "gosched-sweep-part";


/** A short SHA-256 of a JSON value (key order as built: the callers build it deterministically). */
export function digest(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 32);
}

export function parseShard(s: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  if (m === null) throw new GoschedError("OPTION_INVALID", `--shard ${s}: expected i/n with 0 ≤ i < n, e.g. --shard 0/4`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new GoschedError("OPTION_INVALID", `--shard ${s}: expected i/n with 0 ≤ i < n (shards are numbered from 0)`);
  return { index, count };
}

/**
 * The units of one shard: every count-th unit from its index (round robin, so costly regions of the
 * grid — say the largest GOMAXPROCS — are spread over the shards rather than landing on one).
 */
export function shardTasks(tasks: readonly SweepTask[], shard: Shard): SweepTask[] {
  return tasks.filter((t) => t.index % shard.count === shard.index);
}

/** --shard: run this shard's units and write the part file (to --out, else stdout). */
export async function runShard(plan: SweepPlan, shard: Shard, o: CliOptions): Promise<number> {
  if (o.plot !== undefined || o.format !== undefined || o.metric !== undefined || o.json === true) {
    throw new GoschedError("OPTION_INVALID", "--shard writes a part file (JSON, to --out or stdout); give --format, --json, --metric and --plot to gosched merge");
  }
  const mine = shardTasks(plan.units, shard);
  const results = mine.length === 0 ? [] : await runTasks(mine, Math.min(o.workers ?? availableParallelism(), mine.length));
  const part: SweepPart = {
    kind: partKind,
    format: 1,
    gosched: packageVersion(),
    fingerprint: plan.fingerprint,
    shard,
    units: plan.units.length,
    outline: { scenario: plan.scenario, file: plan.file, dims: plan.dims, grid: plan.grid, seeds: plan.seeds },
    results,
  };
  const text = `${JSON.stringify(part)}\n`;
  // Through an exclusive temporary file renamed into place: a killed shard leaves no half part file,
  // and two shards given one --out never write into each other's temporary file.
  if (o.out !== undefined) writeFileAtomic(o.out, text, "--out");
  else out(text);
  return results.some((r) => r.fatal !== null) ? exitCodes.fatal : exitCodes.ok;
}

function readPart(path: string): SweepPart {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GoschedError("FILE_NOT_FOUND", code === "ENOENT" ? `${path}: no such file` : `${path}: cannot read (${code ?? String(e)})`);
  }
  let part: Partial<SweepPart>;
  try {
    part = JSON.parse(text) as Partial<SweepPart>;
  } catch (e) {
    throw new GoschedError("OPTION_INVALID", `${path}: not a sweep part file (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof part !== "object" || part === null || part.kind !== partKind) throw new GoschedError("OPTION_INVALID", `${path}: not a sweep part file (written by gosched sweep --shard i/n)`);
  if (part.format !== 1) throw new GoschedError("OPTION_INVALID", `${path}: part file format ${String(part.format)}; this gosched reads format 1`);
  const ok =
    typeof part.gosched === "string" &&
    typeof part.fingerprint === "string" &&
    typeof part.units === "number" &&
    typeof part.shard?.index === "number" &&
    typeof part.shard.count === "number" &&
    Array.isArray(part.results) &&
    Array.isArray(part.outline?.grid) &&
    Array.isArray(part.outline.dims) &&
    part.outline.seeds !== undefined;
  if (!ok) throw new GoschedError("OPTION_INVALID", `${path}: a damaged part file (a field is missing)`);
  return part as SweepPart;
}

/**
 * The parts of one sweep, checked: same gosched version (this one's), same grid (fingerprint), each
 * of the n shards exactly once and each unit exactly once. Returns the outline and the results in
 * unit order.
 */
export function mergeParts(paths: readonly string[]): { outline: SweepOutline; results: SweepResult[] } {
  if (paths.length === 0) throw new GoschedError("OPTION_INVALID", "merge: give the part files (gosched merge part-*.json)");
  const version = packageVersion();
  const parts = paths.map((p) => ({ path: p, part: readPart(p) }));
  const first = parts[0]!;
  const byShard = new Map<number, string>();
  for (const { path, part } of parts) {
    if (part.gosched !== version) throw new GoschedError("OPTION_INVALID", `${path}: written by gosched ${part.gosched}, this is gosched ${version}: run every shard and the merge with one version`);
    if (part.fingerprint !== first.part.fingerprint) throw new GoschedError("OPTION_INVALID", `${path}: a different sweep from ${first.path} (scenario, grid or options differ)`);
    if (part.shard.count !== first.part.shard.count) throw new GoschedError("OPTION_INVALID", `${path}: shard ${part.shard.index}/${part.shard.count}, but ${first.path} is one of ${first.part.shard.count} shards`);
    const twin = byShard.get(part.shard.index);
    if (twin !== undefined) throw new GoschedError("OPTION_INVALID", `${path}: shard ${part.shard.index}/${part.shard.count} is also ${twin}`);
    byShard.set(part.shard.index, path);
  }
  const count = first.part.shard.count;
  const missing = [...Array(count).keys()].filter((i) => !byShard.has(i));
  if (missing.length > 0) throw new GoschedError("OPTION_INVALID", `merge: shard${missing.length > 1 ? "s" : ""} ${missing.map((i) => `${i}/${count}`).join(", ")} missing`);
  const units = first.part.units;
  const results = new Array<SweepResult | undefined>(units).fill(undefined);
  for (const { path, part } of parts) {
    for (const r of part.results) {
      if (!Number.isInteger(r.index) || r.index < 0 || r.index >= units || r.index % count !== part.shard.index || results[r.index] !== undefined) {
        throw new GoschedError("OPTION_INVALID", `${path}: unit ${String(r.index)} does not belong to shard ${part.shard.index}/${count} or is there twice`);
      }
      results[r.index] = r;
    }
  }
  const lost = results.findIndex((r) => r === undefined);
  if (lost >= 0) throw new GoschedError("OPTION_INVALID", `merge: unit ${lost} (shard ${lost % count}/${count}) has no result: a damaged part file`);
  return { outline: first.part.outline, results: results as SweepResult[] };
}

/** gosched merge part-*.json: the outputs of the whole sweep, as `gosched sweep` writes them. */
export function mergeCommand(paths: readonly string[], o: CliOptions): number {
  const { outline, results } = mergeParts(paths);
  return writeSweepOutputs(outline, results, o);
}

// Scenario files: YAML → validated, positioned, compiled runs (one per variant). Pure: no node:*
// imports, so the web UI's editor can use it; reading files is the CLI's job. This is everything but
// loading ajv, which explains a rejected document (load.ts useAjv): scenario/index.ts loads it with
// the rest; the CLI imports this module and loads ajv only for a document its precompiled
// validator rejects (cli/common.ts), so a plain run does not load ajv's ~80 files.
import { compileRun, type CompiledRun } from "./compile.js";
import { buildRunDoc, checkVariantNames, parseScenario, topString, validateDoc, variantNames, variantSets, type JsonObject, type Override, type ParsedScenario } from "./load.js";
import { ScenarioError } from "./errors.js";

export { ScenarioError, type Where } from "./errors.js";
export { scenarioSchema } from "./schema.js";
export { parseDuration, parseRate, parseSize } from "./units.js";
export type { CompiledRun } from "./compile.js";
export type { Override, ParsedScenario } from "./load.js";
export { parseScenario, useAjv, usePrecompiledValidator, variantNames } from "./load.js";

export interface CompiledScenario {
  readonly file: string;
  readonly name: string;
  readonly description: string;
  readonly variants: readonly string[];
  readonly runs: readonly CompiledRun[];
}

export interface CompileOptions {
  /** Only these variants (by name), in this order; default: all (or the base when there are none). */
  readonly variants?: readonly string[];
  readonly overrides?: readonly Override[];
}

/** Compiles every selected configuration (each variant, or the base scenario when it has none). */
export function compileScenario(ps: ParsedScenario, o: CompileOptions = {}): CompiledScenario {
  checkVariantNames(ps);
  const names = variantNames(ps);
  const name = topString(ps, "name") ?? baseName(ps.file);
  const description = topString(ps, "description") ?? "";
  // Validate the base document first so mistakes outside variants are reported once, plainly.
  const base = buildRunDoc(ps, -1, names.length === 0 ? (o.overrides ?? []) : []);
  validateDoc(base);
  let picks: number[];
  if (names.length === 0) {
    if (o.variants !== undefined && o.variants.length > 0) {
      throw new ScenarioError("OPTION_INVALID", { file: ps.file, line: 0, col: 0, source: `--variant ${o.variants[0]!}` }, "", "this scenario has no variants");
    }
    return { file: ps.file, name, description, variants: [], runs: [compileRun(base, name)] };
  }
  if (o.variants !== undefined && o.variants.length > 0) {
    picks = o.variants.map((v) => {
      const i = names.indexOf(v);
      if (i < 0) throw new ScenarioError("OPTION_INVALID", { file: ps.file, line: 0, col: 0, source: `--variant ${v}` }, "", `unknown variant '${v}' (variants: ${names.join(", ")})`);
      return i;
    });
  } else picks = names.map((_, i) => i);
  const docs: JsonObject[] = [];
  const runs = picks.map((i) => {
    const loc = buildRunDoc(ps, i, o.overrides ?? []);
    validateDoc(loc);
    docs.push(loc.value);
    return compileRun(loc, names[i]!);
  });
  refuseMergedVariants(ps, picks, names, docs, o.overrides ?? []);
  return { file: ps.file, name, description, variants: names, runs };
}

/**
 * An override of what the variants set (`run seed-workload.yaml --gomaxprocs 4`, whose variants
 * differ only in GOMAXPROCS) would run the same configuration under several labels: refused (exit
 * 2), naming the overrides and the variants, rather than printing identical columns.
 */
function refuseMergedVariants(ps: ParsedScenario, picks: readonly number[], names: readonly string[], docs: readonly JsonObject[], overrides: readonly Override[]): void {
  if (overrides.length === 0 || picks.length < 2) return;
  const byConfig = new Map<string, number[]>();
  docs.forEach((d, k) => {
    const key = canonicalJson(d);
    byConfig.set(key, [...(byConfig.get(key) ?? []), picks[k]!]);
  });
  const merged = [...byConfig.values()].filter((g) => g.length > 1);
  if (merged.length === 0) return;
  const culprits = overrides.filter((ov) => merged.some((g) => g.some((i) => variantSets(ps, i, ov.key))));
  const source = (culprits.length > 0 ? culprits : overrides).map((ov) => ov.source).join(" ");
  const groups = merged.map((g) => g.map((i) => names[i]!).join(", ")).join("; ");
  const one = names[merged[0]![0]!]!;
  throw new ScenarioError(
    "OPTION_INVALID",
    { file: ps.file, line: 0, col: 0, source },
    "",
    `overrides what the variants set, so variants ${groups} would run the same configuration: choose one with --variant (e.g. --variant ${one}), or vary the setting with gosched sweep --variant ${one} --param <key>=v1,v2,…`,
  );
}

/** JSON with object keys sorted: two documents that differ only in key order give the same text. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/** Parses and compiles scenario text in one step. */
export function loadScenario(text: string, file: string, o: CompileOptions = {}): CompiledScenario {
  return compileScenario(parseScenario(text, file), o);
}

function baseName(file: string): string {
  const b = file.split(/[\\/]/).pop() ?? file;
  return b.replace(/\.ya?ml$/, "");
}

// Reading a scenario: YAML text → a plain value per run configuration (base, or one variant), with
// params substituted, overrides applied, and every value's position remembered so that errors found
// later (schema, compiler) can name the line and column. No node:* imports: it runs in browsers too.
import { InvariantError } from "../base/assert.js";
import type { ErrorObject, ValidateFunction } from "ajv";
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parse as parseYamlValue, parseDocument, type Document, type Node } from "yaml";
import { maxNesting, maxYamlNodes } from "../base/limits.js";
import { ScenarioError, displayPath, pointerJoin, type Where } from "./errors.js";
import { bareOpArg, bareOps, scenarioSchema, validatorOptions } from "./schema.js";
import { describe, parseDuration, parseRate, parseSize } from "./units.js";

export interface ParsedScenario {
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };
export type { Json };

/** Where each value of a built document came from: a [start, end) source range, or a command line. */
interface Origin {
  readonly value?: readonly [number, number] | undefined;
  readonly key?: readonly [number, number] | undefined;
  readonly source?: string | undefined;
}

/** A built document (one run configuration) and the origin of each of its values, by JSON pointer. */
export class Located {
  readonly origins = new Map<string, Origin>();
  constructor(
    readonly scenario: ParsedScenario,
    public value: JsonObject = {},
  ) {}

  /** Where the value at `pointer` (or, failing that, its nearest ancestor) came from. */
  where(pointer: string, atKey = false): Where {
    const file = this.scenario.file;
    for (let p = pointer; ; p = p.slice(0, Math.max(0, p.lastIndexOf("/")))) {
      const o = this.origins.get(p);
      if (o !== undefined) {
        if (o.source !== undefined) return { file, line: 0, col: 0, source: o.source };
        const r = (atKey ? o.key : undefined) ?? o.value;
        if (r !== undefined) {
          const lp = this.scenario.lineCounter.linePos(r[0]);
          return { file, line: lp.line, col: lp.col };
        }
      }
      if (p === "") return { file, line: 1, col: 1 };
    }
  }

  fail(pointer: string, detail: string, atKey = false, code: "SCENARIO_FIELD_INVALID" | "PROGRAM_INVALID" = "SCENARIO_FIELD_INVALID"): never {
    throw new ScenarioError(code, this.where(pointer, atKey), displayPath(pointer), detail);
  }
}

/** Parses YAML; a syntax error or a duplicate key becomes a ScenarioError with its position. */
export function parseScenario(text: string, file: string): ParsedScenario {
  const lineCounter = new LineCounter();
  // Duplicate keys are found by checkStructure in linear time (yaml's uniqueKeys is quadratic).
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  // Warnings (an unknown tag or YAML version) would silently change what the file means: errors too.
  const err = doc.errors[0] ?? doc.warnings[0];
  if (err !== undefined) {
    const lp = lineCounter.linePos(err.pos[0]);
    const first = err.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    // The parser's own recursion ran out: far beyond the nesting limit checked below.
    if (/call stack/i.test(first)) throw new ScenarioError("SCENARIO_SYNTAX", { file, line: lp.line, col: lp.col }, "", nestingMessage);
    throw new ScenarioError("SCENARIO_SYNTAX", { file, line: lp.line, col: lp.col }, "", `YAML syntax error: ${first}`);
  }
  if (doc.contents === null) throw new ScenarioError("SCENARIO_SYNTAX", { file, line: 1, col: 1 }, "", "the file is empty (expected a mapping with at least `programs:`)");
  if (!isMap(doc.contents)) {
    const r = (doc.contents as Node).range;
    const lp = lineCounter.linePos(r?.[0] ?? 0);
    throw new ScenarioError("SCENARIO_FIELD_INVALID", { file, line: lp.line, col: lp.col }, "", "expected a mapping at the top level (settings:, programs:, goroutines: …)");
  }
  checkStructure(doc, lineCounter, file);
  return { file, doc, lineCounter };
}

const nestingMessage = `nested deeper than ${maxNesting} levels of mappings and lists (the limit, docs/limits.md)`;

/**
 * Refuses, with the position, what would make later steps (which expand aliases and recurse) fail or
 * blow up: aliases without an anchor or inside their own anchor, collections as mapping keys, nesting
 * beyond maxNesting and more than maxYamlNodes nodes once aliases are expanded ("billion laughs").
 * Recursion here is bounded by maxNesting: it stops descending at the limit.
 */
function checkStructure(doc: Document.Parsed, lineCounter: LineCounter, file: string): void {
  type Shape = { readonly size: number; readonly height: number };
  const shapes = new Map<unknown, Shape | "open">();
  const fail = (node: unknown, detail: string): never => {
    const lp = lineCounter.linePos((node as Node | null)?.range?.[0] ?? 0);
    throw new ScenarioError("SCENARIO_SYNTAX", { file, line: lp.line, col: lp.col }, "", detail);
  };
  const walk = (node: unknown, depth: number): Shape => {
    if (node === null || node === undefined || isScalar(node)) return { size: 1, height: 0 };
    if (depth > maxNesting) fail(node, nestingMessage);
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (target === undefined) fail(node, `unknown alias '*${node.source}' (an anchor '&${node.source}' must come before it)`);
      const shape = shapes.get(target);
      if (shape === "open" || shape === undefined) return fail(node, `alias '*${node.source}' refers to a node that contains it (it would repeat without end)`);
      if (depth + shape.height > maxNesting) fail(node, `${nestingMessage}, counting what alias '*${node.source}' repeats`);
      return shape;
    }
    shapes.set(node, "open");
    let size = 1;
    let height = 0;
    const add = (child: unknown): void => {
      const s = walk(child, depth + 1);
      size += s.size;
      height = Math.max(height, s.height + 1);
      if (size > maxYamlNodes) fail(child, `the document grows beyond ${maxYamlNodes} values once its aliases are expanded (the limit, docs/limits.md)`);
    };
    if (isMap(node)) {
      const keys = new Set<unknown>();
      for (const pair of node.items) {
        if (pair.key !== null && !isScalar(pair.key)) fail(pair.key, "mapping keys must be plain names, not lists, mappings or aliases");
        const k = isScalar(pair.key) ? pair.key.value : null;
        if (k === null) fail(pair.key ?? pair.value ?? node, "a mapping key is missing (expected 'name: value')");
        if (keys.has(k)) fail(pair.key, `duplicate key '${String(k)}' (map keys must be unique)`);
        keys.add(k);
        add(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) add(item);
    }
    const shape = { size, height };
    shapes.set(node, shape);
    return shape;
  };
  walk(doc.contents, 0);
}

/** A command-line override: `gomaxprocs=8`, `costs.futexWakeNs=5us`, `kind=rawSyscall` (a param). */
export interface Override {
  readonly key: string;
  readonly value: string;
  /** How the user wrote it, for error messages: "--vs gomaxprocs=8". */
  readonly source: string;
}

const settingsTop = new Set(Object.keys(scenarioSchema.definitions.Settings.properties));
const settingsSections = new Set(["costs", "constants", "machine", "gc"]);

type ParamValue = string | number | boolean;
type Subst = (s: string, pointer: string) => Json;

/** The base params of a scenario (no substitution inside params). */
export function baseParams(ps: ParsedScenario): Map<string, ParamValue> {
  const out = new Map<string, ParamValue>();
  const params = (ps.doc.contents as unknown as { get(k: string, keep: boolean): unknown }).get("params", true);
  if (isMap(params)) {
    for (const pair of params.items) {
      if (isScalar(pair.key) && isScalar(pair.value)) {
        const v = pair.value.value;
        if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out.set(String(pair.key.value), v);
      }
    }
  }
  return out;
}

/** Names and descriptions of the scenario's variants (empty when it has none). */
export function variantNames(ps: ParsedScenario): string[] {
  const variants = topValue(ps, "variants");
  if (!isSeq(variants)) return [];
  return variants.items.map((v, i) => {
    const node = isAlias(v) ? v.resolve(ps.doc) : v;
    const name = isMap(node) ? node.items.find((p) => isScalar(p.key) && p.key.value === "name")?.value : undefined;
    return isScalar(name) && typeof name.value === "string" ? name.value : `variant${i + 1}`;
  });
}

/** Two variants with one name would run twice and write the same output files: refused, positioned. */
export function checkVariantNames(ps: ParsedScenario): void {
  const variants = topValue(ps, "variants");
  if (!isSeq(variants)) return;
  const seen = new Set<string>();
  variants.items.forEach((v, i) => {
    const node = isAlias(v) ? v.resolve(ps.doc) : v;
    const name = isMap(node) ? node.items.find((p) => isScalar(p.key) && p.key.value === "name")?.value : undefined;
    if (!isScalar(name) || typeof name.value !== "string") return;
    if (seen.has(name.value)) {
      const lp = ps.lineCounter.linePos((name as Node).range?.[0] ?? 0);
      throw new ScenarioError("SCENARIO_FIELD_INVALID", { file: ps.file, line: lp.line, col: lp.col }, `variants[${i}].name`, `duplicate variant name '${name.value}' (each variant needs its own name)`);
    }
    seen.add(name.value);
  });
}

/**
 * Whether variant `variant` (index into `variants`) sets what the override `key` overrides, read as
 * buildRunDoc reads it: a declared param (`call`, `params.call`) or a setting (`gomaxprocs`,
 * `settings.costs.futexWakeNs`).
 */
export function variantSets(ps: ParsedScenario, variant: number, key: string): boolean {
  const variants = topValue(ps, "variants");
  if (!isSeq(variants)) return false;
  const v = variants.items[variant];
  const node = isAlias(v) ? v.resolve(ps.doc) : v;
  if (!isMap(node)) return false;
  const parts = key.split(".");
  const isParam = (parts[0] === "params" && parts.length > 1) || baseParams(ps).has(key);
  const path = isParam ? ["params", parts[0] === "params" ? parts.slice(1).join(".") : key] : ["settings", ...(parts[0] === "settings" ? parts.slice(1) : parts)];
  return node.hasIn(path);
}

/** A top-level value as a node (aliases resolved; checkStructure made sure they resolve). */
export function topValue(ps: ParsedScenario, key: string): Node | null {
  const root = ps.doc.contents;
  if (!isMap(root)) return null;
  const v = root.items.find((p) => isScalar(p.key) && p.key.value === key)?.value as Node | null | undefined;
  if (v === null || v === undefined) return null;
  return isAlias(v) ? ((v.resolve(ps.doc) as Node | undefined) ?? null) : v;
}

/** A top-level string (name:, description:), or undefined. */
export function topString(ps: ParsedScenario, key: string): string | undefined {
  const v = topValue(ps, key);
  return isScalar(v) && typeof v.value === "string" ? v.value : undefined;
}

/**
 * Builds the document of one run configuration: the base scenario, the variant's settings and params
 * merged over it (variant = index into `variants`, or -1), then the overrides; `${param}` substituted.
 */
export function buildRunDoc(ps: ParsedScenario, variant: number, overrides: readonly Override[]): Located {
  const out = new Located(ps);
  const root = ps.doc.contents as unknown as Node;
  if (!isMap(root)) throw new InvariantError("unreachable: root checked in parseScenario");

  // Params: base, then the variant's, then overrides of declared params.
  const params = new Map<string, ParamValue>(baseParams(ps));
  const paramOrigin = new Map<string, Origin>();
  let variantNode: Node | null = null;
  const variantsPair = root.items.find((p) => isScalar(p.key) && p.key.value === "variants");
  if (variant >= 0 && variantsPair !== undefined && isSeq(variantsPair.value)) {
    variantNode = (variantsPair.value.items[variant] as Node | undefined) ?? null;
    if (variantNode !== null && isMap(variantNode)) {
      const vp = variantNode.items.find((p) => isScalar(p.key) && p.key.value === "params");
      if (vp !== undefined && isMap(vp.value)) {
        for (const pair of vp.value.items) {
          if (isScalar(pair.key) && isScalar(pair.value)) {
            const v = pair.value.value;
            if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") {
              params.set(String(pair.key.value), v);
              paramOrigin.set(String(pair.key.value), { value: rangeOf(pair.value) });
            }
          }
        }
      }
    }
  }
  const settingsOverrides: { path: string[]; value: Json; source: string }[] = [];
  for (const o of overrides) {
    const value = parseOverrideValue(o);
    const parts = o.key.split(".");
    if (parts[0] === "params" && parts.length > 1) {
      params.set(parts.slice(1).join("."), value as ParamValue);
      paramOrigin.set(parts.slice(1).join("."), { source: o.source });
    } else if (params.has(o.key)) {
      params.set(o.key, value as ParamValue);
      paramOrigin.set(o.key, { source: o.source });
    } else {
      const path = parts[0] === "settings" ? parts.slice(1) : parts;
      const okTop = path.length === 1 ? settingsTop.has(path[0]!) && !settingsSections.has(path[0]!) : path.length === 2 && settingsSections.has(path[0]!);
      if (!okTop) {
        const known = [...settingsTop].filter((k) => !settingsSections.has(k)).join(", ");
        const ps_ = [...params.keys()];
        throw new ScenarioError("OPTION_INVALID", { file: ps.file, line: 0, col: 0, source: o.source }, "", `unknown key '${o.key}' (expected a setting: ${known}, costs.<name>, constants.<name>, machine.<name>, gc.<name>${ps_.length > 0 ? `; or a param: ${ps_.join(", ")}` : ""})`);
      }
      settingsOverrides.push({ path, value, source: o.source });
    }
  }

  const subst: Subst = (s, pointer) => substitute(s, params, (name) => out.fail(pointer, `unknown param '\${${name}}' (declared params: ${[...params.keys()].join(", ") || "none"})`));

  for (const pair of root.items) {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : out.fail("", "keys must be plain names");
    const ptr = pointerJoin("", key);
    out.origins.set(ptr, { key: rangeOf(keyNode), value: rangeOf(pair.value as Node) });
    if (key === "params") {
      // Params are read from the node (baseParams): anything but a mapping of scalars is refused here.
      const pv = pair.value as Node | null;
      if (pv !== null && !isMap(pv)) out.fail(ptr, "expected a mapping of param names to values, e.g. 'params: { d: 1ms }'");
      if (isMap(pv)) for (const p of pv.items) if (!isScalar(p.value)) out.fail(pointerJoin(ptr, String(isScalar(p.key) ? p.key.value : "")), "a param's value must be a string, a number or true/false");
      const obj: JsonObject = {};
      for (const [k, v] of params) obj[k] = v;
      out.value[key] = obj;
      convert(pair.value as Node, ptr, null, out);
      for (const [k, o] of paramOrigin) out.origins.set(pointerJoin(ptr, k), o);
    } else if (key === "variants") out.value[key] = convert(pair.value as Node, ptr, null, out);
    else out.value[key] = convert(pair.value as Node, ptr, subst, out);
  }

  // The variant's settings, merged over the base's.
  if (variantNode !== null && isMap(variantNode)) {
    const sp = variantNode.items.find((p) => isScalar(p.key) && p.key.value === "settings");
    if (sp !== undefined) {
      const vs = convert(sp.value as Node, "/settings", subst, out);
      const base = out.value.settings;
      out.value.settings = isObject(base) && isObject(vs) ? deepMerge(base, vs) : vs;
    }
  }
  for (const so of settingsOverrides) {
    let obj = out.value.settings;
    if (!isObject(obj)) obj = out.value.settings = {};
    let ptr = "/settings";
    for (let i = 0; i < so.path.length - 1; i++) {
      const k = so.path[i]!;
      ptr = pointerJoin(ptr, k);
      if (!isObject(obj[k])) obj[k] = {};
      obj = obj[k] as JsonObject;
    }
    const last = so.path[so.path.length - 1]!;
    obj[last] = so.value;
    out.origins.set(pointerJoin(ptr, last), { source: so.source });
  }
  return out;
}

function parseOverrideValue(o: Override): Json {
  try {
    const v = parseYamlValue(o.value) as unknown;
    if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  } catch {
    // fall through: take the text as a string
  }
  return o.value;
}

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

function deepMerge(a: JsonObject, b: JsonObject): JsonObject {
  const out: JsonObject = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const av = out[k];
    out[k] = isObject(av) && isObject(v) ? deepMerge(av, v) : v;
  }
  return out;
}

const rangeOf = (n: Node | null | undefined): readonly [number, number] | undefined => (n?.range ? [n.range[0], n.range[1]] : undefined);

const paramRe = /\$\{([A-Za-z_][A-Za-z0-9_.]*)\}/g;
const wholeParamRe = /^\s*\$\{([A-Za-z_][A-Za-z0-9_.]*)\}\s*$/;

function substitute(s: string, params: Map<string, ParamValue>, unknown: (name: string) => never): Json {
  if (!s.includes("${")) return s;
  const whole = wholeParamRe.exec(s);
  if (whole !== null) {
    const v = params.get(whole[1]!);
    return v === undefined ? unknown(whole[1]!) : v;
  }
  return s.replace(paramRe, (_m, name: string) => {
    const v = params.get(name);
    return v === undefined ? unknown(name) : String(v);
  });
}

/** YAML node → plain value, recording each value's (and map key's) source range. */
function convert(node: Node | null, ptr: string, subst: Subst | null, out: Located): Json {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return convert(node.resolve(out.scenario.doc) as Node, ptr, subst, out);
  const prev = out.origins.get(ptr);
  out.origins.set(ptr, { ...prev, value: rangeOf(node) });
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === "string") return subst === null ? v : subst(v, ptr);
    if (typeof v === "number" || typeof v === "boolean" || v === null) return v;
    return String(v);
  }
  if (isSeq(node)) return node.items.map((item, i) => convert(item as Node, pointerJoin(ptr, i), subst, out));
  if (isMap(node)) {
    const obj: JsonObject = {};
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      let key: string;
      if (isScalar(pair.key)) key = String(pair.key.value);
      else out.fail(ptr, "mapping keys must be plain names");
      if (subst !== null) {
        const k = subst(key, ptr);
        key = String(k);
      }
      const kp = pointerJoin(ptr, key);
      if (Object.prototype.hasOwnProperty.call(obj, key)) out.fail(kp, `duplicate key '${key}' after substituting params`, true);
      out.origins.set(kp, { key: rangeOf(pair.key as Node) });
      obj[key] = convert(pair.value as Node, kp, subst, out);
    }
    return obj;
  }
  return null;
}

// ─── Schema validation ─────────────────────────────────────────────────────────────────────────

/** ajv's class, as its entry gives it (scenario/index.ts imports it; the CLI requires it on first need). */
export type AjvClass = new (options: typeof validatorOptions) => { compile(schema: object): ValidateFunction };
let loadAjv: (() => AjvClass) | null = null;
export function useAjv(load: () => AjvClass): void {
  loadAjv = load;
}

let validator: ValidateFunction | null = null;
function getValidator(): ValidateFunction {
  if (validator === null) {
    if (loadAjv === null) throw new InvariantError("scenario validation: ajv was not given (import scenario/index.js, or useAjv)");
    const Ajv = loadAjv();
    validator = new Ajv(validatorOptions).compile(scenarioSchema);
  }
  return validator;
}

/** A validator compiled ahead of time from the same schema and options (the CLI's, start-up). */
let precompiled: ((data: unknown) => boolean) | null = null;
export function usePrecompiledValidator(v: (data: unknown) => boolean): void {
  precompiled = v;
}

/** Validates a built document against the published schema; the first error, positioned, is thrown. */
export function validateDoc(loc: Located): void {
  // A precompiled validator decides; a rejected document is explained by the schema compiled here,
  // whose errors point at scenarioSchema's own objects (definitionOf below needs them).
  if (precompiled !== null && precompiled(loc.value)) return;
  const validate = getValidator();
  if (validate(loc.value)) return;
  const errors = (validate.errors ?? []).filter((e) => !["if", "anyOf", "oneOf", "not", "allOf"].includes(e.keyword));
  const e = errors[0] ?? validate.errors?.[0];
  if (e === undefined) loc.fail("", "invalid scenario");
  const { pointer, detail, atKey } = explainError(e);
  loc.fail(pointer, detail, atKey);
}

// ajv reports schema paths relative to each referenced definition, so definitions are told apart by
// the identity of the failing schema object (verbose mode gives it).
const definitionByObject = new Map<unknown, string>();
{
  const defs = scenarioSchema.definitions as Record<string, Record<string, unknown>>;
  for (const [name, d] of Object.entries(defs)) {
    definitionByObject.set(d, name);
    if (d.then !== undefined) definitionByObject.set(d.then, name);
    if (d.else !== undefined) definitionByObject.set(d.else, name);
  }
  definitionByObject.set(scenarioSchema.definitions.Arrival.properties.rate, "Rate");
  definitionByObject.set(scenarioSchema.definitions.OpMap.properties.compute.then, "CallObject");
  definitionByObject.set(scenarioSchema.definitions.OpMap.properties.tightLoop.then, "CallObject");
  definitionByObject.set(bareOpArg, "BareOp");
}

function definitionOf(e: ErrorObject): string {
  return definitionByObject.get(e.parentSchema) ?? "";
}

function explainError(e: ErrorObject): { pointer: string; detail: string; atKey: boolean } {
  const def = definitionOf(e);
  const data: unknown = e.data;
  const p = e.params as Record<string, unknown>;
  const ptr = e.instancePath;
  switch (e.keyword) {
    case "additionalProperties": {
      const prop = String(p.additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const pointer = pointerJoin(ptr, prop);
      if (def === "OpMap") return { pointer, atKey: true, detail: `unknown op '${prop}' (expected one of: ${allowed.join(", ")})` };
      return { pointer, atKey: true, detail: allowed.length > 0 ? `unknown field '${prop}' (expected one of: ${allowed.join(", ")})` : `unknown field '${prop}'` };
    }
    case "required":
      return { pointer: ptr, atKey: false, detail: `missing field '${String(p.missingProperty)}'` };
    case "type": {
      if (def === "OpMap") return { pointer: ptr, atKey: false, detail: `expected an op: a name (${bareOps.join(", ")}) or a mapping like 'compute: 1ms', got ${describe(data)}` };
      if (def === "Block") return { pointer: ptr, atKey: false, detail: `expected a list of ops, got ${describe(data)}` };
      return { pointer: ptr, atKey: false, detail: `expected ${typeText(String(p.type))}, got ${describe(data)}` };
    }
    case "enum": {
      const allowed = (p.allowedValues as unknown[]).map(String);
      if (def === "Op") return { pointer: ptr, atKey: false, detail: `unknown op ${describe(data)} (ops written alone: ${allowed.join(", ")}; the others are mappings like 'compute: 1ms')` };
      return { pointer: ptr, atKey: false, detail: `expected one of ${allowed.join(", ")}, got ${describe(data)}` };
    }
    case "pattern": {
      let r: { ok: false; message: string } | { ok: true } = { ok: true };
      if (def === "Duration" || def === "NsValue") r = parseDuration(data, def === "NsValue");
      else if (def === "Size") r = parseSize(data);
      else if (def === "Rate") r = parseRate(data);
      if (!r.ok) return { pointer: ptr, atKey: false, detail: r.message };
      return { pointer: ptr, atKey: false, detail: `expected a name (letters, digits, '_', '.', '-'; not starting with a digit), got ${describe(data)}` };
    }
    case "propertyNames":
      return { pointer: pointerJoin(ptr, String(p.propertyName)), atKey: true, detail: `'${String(p.propertyName)}' is not a valid name (letters, digits, '_', '.', '-'; not starting with a digit)` };
    case "minimum":
    case "maximum":
    case "exclusiveMinimum": {
      if ((def === "Duration" || def === "NsValue") && typeof data === "number" && data < 0) return { pointer: ptr, atKey: false, detail: `durations cannot be negative, got ${data}` };
      const why = e.keyword === "maximum" ? " (the limit; docs/limits.md)" : "";
      return { pointer: ptr, atKey: false, detail: `expected a number ${String(p.comparison)} ${String(p.limit)}${why}, got ${describe(data)}` };
    }
    case "minItems":
      if (def === "Block") return { pointer: ptr, atKey: false, detail: "expected at least one op (an empty program or block does nothing)" };
      return { pointer: ptr, atKey: false, detail: `expected at least ${String(p.limit)} item(s), got ${Array.isArray(data) ? data.length : 0}` };
    case "maxItems":
      return { pointer: ptr, atKey: false, detail: `expected at most ${String(p.limit)} item(s)` };
    case "minProperties":
    case "maxProperties": {
      if (def === "OpMap" || ptr.includes("/cases/")) {
        const keys = typeof data === "object" && data !== null ? Object.keys(data) : [];
        return { pointer: ptr, atKey: false, detail: `an op is a mapping with exactly one key, the op's name; got ${keys.length === 0 ? "none" : keys.join(", ")} (a list item per op: '- compute: 1ms')` };
      }
      if (e.keyword === "maxProperties") return { pointer: ptr, atKey: false, detail: `expected no arguments, got ${describe(data)}` };
      return { pointer: ptr, atKey: false, detail: `expected at least ${String(p.limit)} entr${p.limit === 1 ? "y" : "ies"}` };
    }
    case "uniqueItems":
      return { pointer: ptr, atKey: false, detail: "names must be unique" };
    default:
      return { pointer: ptr, atKey: false, detail: e.message ?? "invalid" };
  }
}

function typeText(t: string): string {
  return t
    .split(",")
    .map((x) => ({ object: "a mapping", array: "a list", integer: "a whole number", number: "a number", string: "a string", boolean: "true or false", null: "nothing" })[x] ?? x)
    .join(" or ");
}

// Units in scenario files: durations (`300ns`, `50us`, `2ms`, `1.5s`), sizes (`64KiB`), rates
// (`1000/s`). Each parser returns the value or a message saying what was expected; the caller adds
// the position.

import { maxDurationNs, maxRatePerSec, maxSizeBytes, minRatePerSec } from "../base/limits.js";

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const durationUnits: Record<string, number> = { ns: 1, us: 1e3, "µs": 1e3, "μs": 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
export const durationUnitList = "ns, us (µs), ms, s, m, h";
/** Regex source of a duration string, used by the JSON Schema too. */
export const durationPattern = "^\\s*[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?\\s*(ns|us|µs|μs|ms|s|m|h)\\s*$";
const durationRe = new RegExp(durationPattern);

/**
 * A duration in integer nanoseconds. `allowBareNumber`: settings whose name ends in `Ns` take plain
 * numbers as nanoseconds; in programs a unit is required (only 0 may go without).
 */
export function parseDuration(v: unknown, allowBareNumber = false): Parsed<number> {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return { ok: false, message: `expected a finite duration, got ${v}` };
    if (v < 0) return { ok: false, message: `durations cannot be negative, got ${v}` };
    if (v === 0 || allowBareNumber) return bounded(Math.round(v), String(v));
    return { ok: false, message: `a duration needs a unit (${durationUnitList}), e.g. ${v}ms; got the bare number ${v}` };
  }
  if (typeof v !== "string") return { ok: false, message: `expected a duration like 300ns, 50us, 2ms or 1.5s, got ${describe(v)}` };
  const s = v.trim();
  if (s.startsWith("-")) return { ok: false, message: `durations cannot be negative, got '${v}'` };
  const m = durationRe.exec(s);
  if (m === null) {
    const u = /^[0-9.eE+]+\s*([^\s0-9.].*)$/.exec(s);
    if (u !== null) return { ok: false, message: `unknown duration unit '${u[1]}' in '${v}' (expected one of ${durationUnitList})` };
    if (/^[0-9.]+$/.test(s)) return { ok: false, message: `a duration needs a unit (${durationUnitList}), e.g. ${s}ms; got '${v}'` };
    return { ok: false, message: `expected a duration like 300ns, 50us, 2ms or 1.5s, got '${v}'` };
  }
  const unit = m[3]!;
  const num = Number(s.slice(0, s.length - unit.length).trim());
  return bounded(Math.round(num * durationUnits[unit]!), `'${v}'`);
}

/** Durations are whole nanoseconds, finite and at most maxDurationNs (src/base/limits.ts). */
function bounded(ns: number, shown: string): Parsed<number> {
  if (!Number.isFinite(ns) || ns > maxDurationNs) return { ok: false, message: `a duration may be at most ${maxDurationNs} ns (about 11.6 days; docs/limits.md), got ${shown}` };
  return { ok: true, value: ns };
}

const sizeUnits: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
export const sizePattern = "^\\s*[0-9]+(\\.[0-9]+)?\\s*(B|KB|MB|GB|KiB|MiB|GiB)\\s*$";

/** A size in bytes: a plain integer, or a number with B, KB, MB, GB, KiB, MiB, GiB. */
export function parseSize(v: unknown): Parsed<number> {
  if (typeof v === "number") {
    if (!Number.isInteger(v) || v < 0) return { ok: false, message: `expected a non-negative whole number of bytes, got ${v}` };
    return boundedSize(v, String(v));
  }
  if (typeof v !== "string") return { ok: false, message: `expected a size like 4096, 64KiB or 4MB, got ${describe(v)}` };
  const m = new RegExp(sizePattern).exec(v);
  if (m === null) return { ok: false, message: `expected a size like 4096, 64KiB or 4MB (units B, KB, MB, GB, KiB, MiB, GiB), got '${v}'` };
  const unit = m[2]!;
  return boundedSize(Math.round(Number(v.trim().slice(0, -unit.length)) * sizeUnits[unit]!), `'${v}'`);
}

function boundedSize(bytes: number, shown: string): Parsed<number> {
  if (!Number.isFinite(bytes) || bytes > maxSizeBytes) return { ok: false, message: `a size may be at most 2^48 bytes (256 TiB, the x86-64 address space; docs/limits.md), got ${shown}` };
  return { ok: true, value: bytes };
}

const rateUnits: Record<string, number> = { s: 1, ms: 1e3, us: 1e6, "µs": 1e6, m: 1 / 60, min: 1 / 60 };
export const ratePattern = "^\\s*[0-9]+(\\.[0-9]+)?\\s*/\\s*(s|ms|us|µs|m|min)\\s*$";

/** A rate in events per second: a number (per second) or `1000/s`, `2/ms`. */
export function parseRate(v: unknown): Parsed<number> {
  let perSec: number;
  if (typeof v === "number") perSec = v;
  else if (typeof v === "string") {
    const m = new RegExp(ratePattern).exec(v);
    if (m === null) return { ok: false, message: `expected a rate like 1000/s or 2/ms, got '${v}'` };
    perSec = Number(v.slice(0, v.indexOf("/")).trim()) * rateUnits[m[2]!]!;
  } else return { ok: false, message: `expected a rate like 1000/s, got ${describe(v)}` };
  if (!(perSec > 0) || !Number.isFinite(perSec)) return { ok: false, message: `a rate must be positive, got ${String(v)}` };
  if (perSec < minRatePerSec || perSec > maxRatePerSec) return { ok: false, message: `a rate must lie between ${minRatePerSec}/s and ${maxRatePerSec}/s (a gap between 1 ns and the longest duration; docs/limits.md), got ${String(v)}` };
  return { ok: true, value: perSec };
}

export function describe(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `'${v}'`;
  return `${typeof v} ${String(v)}`;
}

// Durations as users write them — 300ns, 50us (µs), 2ms, 1.5s, 2m, 1h — parsed in one place for
// scenarios, command-line flags and policy names (sysmon-tick=<duration>). Each parser returns the
// value or a message saying what was expected; the caller adds where it was written.
import { maxDurationNs } from "./limits.js";

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

export function describe(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `'${v}'`;
  return `${typeof v} ${String(v)}`;
}

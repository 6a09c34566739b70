// Units in scenario files: durations (`300ns`, `50us`, `2ms`, `1.5s`), sizes (`64KiB`), rates
// (`1000/s`). Each parser returns the value or a message saying what was expected; the caller adds
// the position.

import { type Parsed, describe } from "../base/duration.js";
import { maxRatePerSec, maxSizeBytes, minRatePerSec } from "../base/limits.js";

export { describe, durationPattern, durationUnitList, parseDuration, type Parsed } from "../base/duration.js";

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


// Shared pieces of the Go execution-trace reader: the error type, the typed
// event record, and a bounds-checked LEB128 cursor over a Uint8Array.
//
// This module is part of the core: no `node:*` imports, input is a Uint8Array.

import { GoschedError } from '../base/errors.js';

/**
 * Error thrown for any malformed trace input, or a valid header of a version this reader does not
 * know (UnsupportedTraceVersion): a user input error (exit 2).
 */
export class TraceError extends GoschedError {
  declare readonly code: 'TRACE_MALFORMED' | 'TRACE_UNSUPPORTED_VERSION';
  /** Byte offset in the input where the problem was found (-1 if not tied to a byte). */
  readonly byteOffset: number;
  constructor(byteOffset: number, what: string, unsupported = false) {
    super(unsupported ? 'TRACE_UNSUPPORTED_VERSION' : 'TRACE_MALFORMED', unsupported ? what : `malformed trace at byte offset ${byteOffset}: ${what}`);
    this.byteOffset = byteOffset;
  }
}

/** The trace header versions this reader knows: "go 1.NN trace" headers Go wrote (1.11–1.21 old format, 1.22+ new). */
export const SUPPORTED_TRACE_VERSIONS = { old: [1011, 1019, 1021], new: [1022, 1023, 1025, 1026] } as const;

/** The range named in messages and help texts. */
export const SUPPORTED_RANGE = '1.11–1.26';

/** A well-formed header whose version this reader does not know (older than 1.11, or newer than 1.26). */
export class UnsupportedTraceVersion extends TraceError {
  /** The header's minor version (1.NN). */
  readonly minor: number;
  constructor(minor: number) {
    super(5, `unsupported trace version go 1.${minor} (this gosched reads ${SUPPORTED_RANGE})`, true);
    this.minor = minor;
  }
}

/**
 * The value used for an all-ones 64-bit varint (2^64-1), i.e. Go's
 * NoThread / NoProc / "no P" sentinels. Any other value above 2^53 is
 * returned as the nearest double (imprecise); real traces never need that.
 */
export const ALL_ONES = -1;

const TWO28 = 268435456; // 2^28
const HI_ALL_ONES = 68719476735; // 2^36 - 1

/** A read position over a byte range [pos, end) of a buffer. */
export class Cursor {
  buf: Uint8Array;
  pos: number;
  end: number;
  constructor(buf: Uint8Array, pos: number, end: number) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Read one byte; throws on end of data. */
  byte(what: string): number {
    if (this.pos >= this.end) throw new TraceError(this.pos, `unexpected end of data, expected ${what}`);
    return this.buf[this.pos++]!;
  }

  /**
   * Read an unsigned LEB128 varint (at most 10 bytes). Values up to 2^53 are
   * exact; 2^64-1 is returned as ALL_ONES (-1). Throws TraceError on
   * truncation or a value that does not fit in 64 bits.
   */
  uv(what: string): number {
    // Values of one to three bytes (most of a trace's) here, small enough to be inlined; the rest below.
    const pos = this.pos;
    if (pos + 2 < this.end) {
      const buf = this.buf;
      const b0 = buf[pos]!;
      if (b0 < 0x80) {
        this.pos = pos + 1;
        return b0;
      }
      const b1 = buf[pos + 1]!;
      if (b1 < 0x80) {
        this.pos = pos + 2;
        return (b0 & 0x7f) | (b1 << 7);
      }
      const b2 = buf[pos + 2]!;
      if (b2 < 0x80) {
        this.pos = pos + 3;
        return (b0 & 0x7f) | ((b1 & 0x7f) << 7) | (b2 << 14);
      }
    }
    return this.uvLong(what);
  }

  private uvLong(what: string): number {
    const buf = this.buf;
    const end = this.end;
    let pos = this.pos;
    if (pos >= end) throw new TraceError(pos, `unexpected end of data, expected varint (${what})`);
    let b = buf[pos++]!;
    if (b < 0x80) {
      this.pos = pos;
      return b;
    }
    const start = pos - 1;
    let lo = b & 0x7f;
    let shift = 7;
    // Low 28 bits: plain int32 arithmetic.
    for (;;) {
      if (pos >= end) throw new TraceError(pos, `unexpected end of data inside varint (${what}) starting at ${start}`);
      b = buf[pos++]!;
      lo |= (b & 0x7f) << shift;
      shift += 7;
      if (b < 0x80) {
        this.pos = pos;
        return lo;
      }
      if (shift === 28) break;
    }
    // Bits 28..63 as a double (36 bits, exact).
    let hi = 0;
    let mul = 1;
    for (let i = 4; ; i++) {
      if (pos >= end) throw new TraceError(pos, `unexpected end of data inside varint (${what}) starting at ${start}`);
      b = buf[pos++]!;
      if (i === 9) {
        if (b > 1) throw new TraceError(start, `varint overflows 64 bits (${what})`);
        hi += b * mul;
        break;
      }
      hi += (b & 0x7f) * mul;
      mul *= 128;
      if (b < 0x80) break;
    }
    this.pos = pos;
    if (hi === HI_ALL_ONES && lo === TWO28 - 1) return ALL_ONES;
    return hi * TWO28 + lo;
  }
}

/** A frame of a stack: leaf first. */
export interface Frame {
  readonly pc: number;
  readonly func: string;
  readonly file: string;
  readonly line: number;
}

const EMPTY_STRINGS: readonly string[] = Object.freeze([]);
const EMPTY_NUMBERS = Object.freeze([]) as unknown as number[];

/**
 * One decoded trace event, in the reader's final (ordered) order.
 *
 * - `p`, `g`, `m`: the P, goroutine and thread the event belongs to; -1 when
 *   there is none. (Old format: `g` 0 means "no goroutine" as in Go's v1
 *   parser, and `m` is always -1.)
 * - `args`: payload arguments after the timestamp, without the trailing stack
 *   id. String ids stay numeric; resolved strings are in `sargs`. Treat
 *   `args` as read-only (empty lists are a shared frozen array).
 */
export class TraceEvent {
  type: string;
  code: number;
  tsNs: number;
  p: number;
  g: number;
  /**
   * Old format: the goroutine running on the P whose batch holds the event. A GC-wide event (GCStart)
   * belongs to no goroutine (g 0), but gcStart writes it from the goroutine that started the cycle,
   * on that goroutine's P. 0 when none ran; −1 in the new format, whose GCBegin names its goroutine.
   */
  batchG: number;
  m: number;
  args: number[];
  stackId: number;
  gen: number;
  offset: number;
  sargs: readonly string[];
  /** Internal: raw tick timestamp (old format only; 0 otherwise). */
  ticks: number;
  constructor(type: string, code: number, offset: number) {
    this.type = type;
    this.code = code;
    this.tsNs = 0;
    this.p = -1;
    this.g = -1;
    this.batchG = -1;
    this.m = -1;
    this.args = EMPTY_NUMBERS;
    this.stackId = 0;
    this.gen = 0;
    this.offset = offset;
    this.sargs = EMPTY_STRINGS;
    this.ticks = 0;
  }
}

/** Per-generation tables of a new-format trace. */
export interface GenerationInfo {
  readonly gen: number;
  readonly ticksPerSec: number;
  readonly strings: ReadonlyMap<number, string>;
  readonly stacks: ReadonlyMap<number, readonly Frame[]>;
  /** Byte offset of the generation's first batch. */
  readonly offset: number;
  /** Go 1.25+: the clock snapshot of the generation's sync batch (null before 1.25). */
  readonly clockSnapshot?: (ClockSnapshot & { readonly traceNs: number }) | null;
}

/** Go 1.25+: trace, monotonic and wall clocks read at (nearly) the same moment. */
export interface ClockSnapshot {
  /** Trace clock, in ticks (absolute, as in batch timestamps). */
  readonly traceTicks: number;
  /** CLOCK_MONOTONIC in ns. */
  readonly monoNs: number;
  /** Wall clock: Unix seconds and nanoseconds. */
  readonly wallSec: number;
  readonly wallNsec: number;
}

export interface ParsedTrace {
  readonly format: 'old' | 'new';
  /** 1000*major + minor, e.g. 1019 or 1022. */
  readonly version: number;
  /** Ticks per second (old format; for the new format the first generation's). */
  readonly ticksPerSec: number;
  /**
   * Events in Go's consistent order; `tsNs` is relative to the trace start.
   * A lazy read-only array: each access creates a new TraceEvent, decoded again
   * from `bytes` on each walk (nothing is stored per event but, in the old
   * format, a byte saying which P's list it came from). Walk it in order
   * (for…of, Array methods); positions far behind the last one read start a
   * new walk from the beginning.
   */
  readonly events: TraceEvent[];
  /** Old format: the global string table. New format: the union over generations is NOT kept; see `generations`. */
  readonly strings: ReadonlyMap<number, string>;
  /** Old format: the global stack table. New format: empty; see `generations`. */
  readonly stacks: ReadonlyMap<number, readonly Frame[]>;
  /** New format only. */
  readonly generations: readonly GenerationInfo[];
  /** New format: absolute trace-clock time (ns) that `tsNs` 0 corresponds to. */
  readonly startNs: number;
  /** The input bytes (kept for dumping, and decoded again on each walk of `events`). */
  readonly bytes: Uint8Array;
}

type Decoder = { decode(b: Uint8Array): string };
let utf8: Decoder | null | undefined;

/** Decode UTF-8 bytes (lenient, like Go's string(bytes) when printed). */
export function decodeUtf8(buf: Uint8Array, start: number, end: number): string {
  let ascii = true;
  for (let i = start; i < end; i++) {
    if (buf[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    let s = '';
    for (let i = start; i < end; i += 4096) {
      s += String.fromCharCode.apply(null, buf.subarray(i, Math.min(end, i + 4096)) as unknown as number[]);
    }
    return s;
  }
  if (utf8 === undefined) {
    const TD = (globalThis as { TextDecoder?: new () => Decoder }).TextDecoder;
    utf8 = TD ? new TD() : null;
  }
  if (utf8) return utf8.decode(buf.subarray(start, end));
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
  return s;
}

/** Format a uint64-ish value the way Go prints it (ALL_ONES -> 18446744073709551615). */
export function fmtU64(v: number): string {
  if (v === ALL_ONES) return '18446744073709551615';
  if (v <= Number.MAX_SAFE_INTEGER) return String(v);
  return BigInt(v).toString();
}

/** Detect the header: returns { version, headerLen } or throws. */
export function readHeader(bytes: Uint8Array): { version: number; isNew: boolean } {
  // "go 1.NN trace\0\0\0" (16 bytes).
  const prefix = 'go 1.';
  if (bytes.length < 16) throw new TraceError(bytes.length, 'expected a 16-byte header "go 1.NN trace" (input too short)');
  for (let i = 0; i < prefix.length; i++) {
    if (bytes[i] !== prefix.charCodeAt(i)) throw new TraceError(i, 'expected header "go 1.NN trace"');
  }
  let i = prefix.length;
  let minor = 0;
  let digits = 0;
  while (i < 16 && bytes[i]! >= 0x30 && bytes[i]! <= 0x39 && digits < 2) {
    minor = minor * 10 + (bytes[i]! - 0x30);
    i++;
    digits++;
  }
  if (digits === 0) throw new TraceError(i, 'expected a minor version number in the header');
  const suffix = ' trace';
  for (let k = 0; k < suffix.length; k++, i++) {
    if (bytes[i] !== suffix.charCodeAt(k)) throw new TraceError(i, 'expected " trace" in the header');
  }
  for (; i < 16; i++) {
    if (bytes[i] !== 0) throw new TraceError(i, 'expected NUL padding in the header');
  }
  const version = 1000 + minor;
  if ((SUPPORTED_TRACE_VERSIONS.old as readonly number[]).includes(version)) return { version, isNew: false };
  if ((SUPPORTED_TRACE_VERSIONS.new as readonly number[]).includes(version)) return { version, isNew: true };
  // Go writes only the headers above (1.12–1.18 wrote "go 1.11", 1.20 "go 1.19", 1.24 "go 1.23",
  // 1.27 "go 1.26"); anything else is a version we do not know, not a corrupt file.
  throw new UnsupportedTraceVersion(minor);
}

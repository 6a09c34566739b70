// Entry points of the Go execution-trace reader. Detects the format from the
// 16-byte header and dispatches to the old (v1) or new (v2) parser.
//
// Core module: no `node:*` imports; input is a Uint8Array.

import { TraceError, readHeader } from './common.js';
import type { ParsedTrace } from './common.js';
import { iterateOld, parseOldFormat } from './old_format.js';
import { NewFormatReader, parseNewFormat } from './new_format.js';

import { TraceEvent } from './common.js';
export { SUPPORTED_RANGE, TraceError, TraceEvent, UnsupportedTraceVersion } from './common.js';
export type { ClockSnapshot, Frame, GenerationInfo, ParsedTrace } from './common.js';

/** Largest input accepted (the reader keeps the whole trace in memory). */
export const MAX_TRACE_BYTES = 1 << 30;

function check(bytes: Uint8Array): { version: number; isNew: boolean } {
  if (!(bytes instanceof Uint8Array)) throw new TraceError(0, 'expected a Uint8Array');
  if (bytes.length > MAX_TRACE_BYTES) throw new TraceError(MAX_TRACE_BYTES, `trace larger than ${MAX_TRACE_BYTES} bytes`);
  return readHeader(bytes);
}

/** Format detection only: 'old' (go 1.11–1.21), 'new' (go 1.22–1.26), or throws (UnsupportedTraceVersion for other versions). */
export function detectFormat(bytes: Uint8Array): { format: 'old' | 'new'; version: number } {
  const h = check(bytes);
  return { format: h.isNew ? 'new' : 'old', version: h.version };
}

/**
 * Parse a whole trace. Throws TraceError (code 'TRACE_MALFORMED') for any
 * malformed, inconsistent or unsupported input; never any other error for
 * byte-level garbage.
 */
export function readTrace(bytes: Uint8Array): ParsedTrace {
  const h = check(bytes);
  try {
    return h.isNew ? parseNewFormat(bytes, h.version) : parseOldFormat(bytes, h.version);
  } catch (e) {
    throw asTraceError(e);
  }
}

/**
 * Iterate events in order. For the new format this is streaming (one
 * generation is decoded at a time, events come out as they are ordered;
 * `tsNs` is then absolute trace-clock ns, not rebased). For the old format the
 * whole trace must be ordered (and checked) before the first event comes out;
 * the events are then decoded again from the input as they come out. Each event is
 * a new TraceEvent (callers may keep them). Nothing is read before the first
 * `next()`; errors are TraceErrors thrown from `next()`.
 */
export function iterateTrace(bytes: Uint8Array): IterableIterator<TraceEvent> {
  return new TraceIterator(bytes);
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true as const });

/** A plain iterator object (cheaper per event than a generator). */
class TraceIterator implements IterableIterator<TraceEvent> {
  private bytes: Uint8Array | null;
  private old: IterableIterator<TraceEvent> | null = null;
  private r: NewFormatReader | null = null;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
  next(): IteratorResult<TraceEvent, undefined> {
    const old = this.old;
    if (old !== null) return old.next();
    const r = this.r;
    if (r !== null) {
      let ev: TraceEvent | undefined;
      try {
        ev = r.next();
      } catch (e) {
        this.r = null;
        throw asTraceError(e);
      }
      if (ev !== undefined) return { value: ev, done: false };
      this.r = null;
      return DONE;
    }
    const bytes = this.bytes;
    if (bytes === null) return DONE;
    this.bytes = null;
    const h = check(bytes);
    try {
      if (h.isNew) this.r = new NewFormatReader(bytes, h.version);
      else this.old = iterateOld(bytes, h.version);
    } catch (e) {
      throw asTraceError(e);
    }
    return this.next();
  }
  return(): IteratorResult<TraceEvent, undefined> {
    this.bytes = null;
    this.old = null;
    this.r = null;
    return DONE;
  }
  [Symbol.iterator](): IterableIterator<TraceEvent> {
    return this;
  }
}

function asTraceError(e: unknown): TraceError {
  if (e instanceof TraceError) return e;
  // Defensive: any internal failure on garbage input is still a clean TraceError.
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new TraceError(-1, `internal reader failure on malformed input (${msg})`);
}

// Reading a trace from what a user hands over, whatever the file is called. Detected by content:
// - Go's binary trace (header "go 1.NN trace");
// - the text form of the new (1.22+) wire format that `gosched trace dump` prints and Go's golden
//   tests use (first line "Trace Go1.NN"), turned back into wire bytes (text_format.ts);
// - a txtar archive such as Go's `.test` golden cases: its "-- trace --" part, in the text form;
// - what `gosched trace dump` prints for an old-format trace (first line "# go 1.NN trace, old
//   format, …"; Go has no text form for the old format), read back by dump.ts.
//
// Core module: no `node:*` imports; input is a Uint8Array.

import { TraceError, decodeUtf8 } from './common.js';
import type { ParsedTrace } from './common.js';
import { isOldDump, readOldDump } from './dump.js';
import { MAX_TRACE_BYTES, readTrace } from './reader.js';
import { parseTextTrace } from './text_format.js';

export type TraceInputKind = 'binary' | 'text' | 'txtar' | 'old-dump';

/** Words for a kind, for messages: "text form" etc. */
export const traceInputLabel: Record<TraceInputKind, string> = {
  binary: 'binary trace',
  text: 'text form',
  txtar: 'txtar archive, its "-- trace --" part',
  'old-dump': 'dump of an old-format trace',
};

const TRACE_PART = /^-- trace --\r?$/m;

function startsWithBinaryHeader(bytes: Uint8Array): boolean {
  const prefix = 'go 1.';
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix.charCodeAt(i)) return false;
  return true;
}

/** The first line that is neither blank nor a `#` comment (the text form's header line). */
function firstContentLine(text: string): string {
  for (const line of text.split('\n', 64)) {
    const l = line.trim();
    if (l !== '' && !l.startsWith('#')) return l;
  }
  return '';
}

/** What kind of input this is. Anything unrecognised counts as binary (its header error then says why). */
export function detectTraceInput(bytes: Uint8Array): TraceInputKind {
  if (startsWithBinaryHeader(bytes)) return 'binary';
  const text = decodeUtf8(bytes, 0, bytes.length);
  if (isOldDump(text)) return 'old-dump';
  if (/^Trace Go1\.\d+\b/.test(firstContentLine(text))) return 'text';
  if (TRACE_PART.test(text)) return 'txtar';
  return 'binary';
}

/**
 * The text of a txtar archive's "-- trace --" part, with everything before it blanked (newlines
 * kept) so that line numbers and offsets in errors are those of the whole file.
 */
export function txtarTracePart(text: string): string {
  const m = TRACE_PART.exec(text);
  if (m === null) throw new TraceError(0, 'txtar archive without a "-- trace --" part');
  const start = m.index + m[0].length;
  const rest = text.slice(start);
  const next = /^-- .+ --\r?$/m.exec(rest);
  const body = next === null ? rest : rest.slice(0, next.index);
  return text.slice(0, start).replace(/[^\n]/g, ' ') + body;
}

/** A text-form trace: parse it into wire bytes, then read those; errors say which step failed. */
function readTextForm(text: string): ParsedTrace {
  const wire = parseTextTrace(text); // errors name the line
  try {
    return readTrace(wire.bytes);
  } catch (e) {
    if (e instanceof TraceError) e.message = `in the binary form of the text (offsets count its bytes): ${e.message}`;
    throw e;
  }
}

/**
 * Parse a trace given in any of the forms above. Throws TraceError for malformed input (for
 * text, the offset is that of the offending line and the message names the line).
 */
export function readTraceInput(bytes: Uint8Array): { kind: TraceInputKind; trace: ParsedTrace } {
  if (bytes.length > MAX_TRACE_BYTES) throw new TraceError(MAX_TRACE_BYTES, `trace larger than ${MAX_TRACE_BYTES} bytes`);
  const kind = detectTraceInput(bytes);
  switch (kind) {
    case 'binary':
      return { kind, trace: readTrace(bytes) };
    case 'old-dump':
      return { kind, trace: readOldDump(decodeUtf8(bytes, 0, bytes.length), bytes) };
    case 'text':
      return { kind, trace: readTextForm(decodeUtf8(bytes, 0, bytes.length)) };
    case 'txtar':
      return { kind, trace: readTextForm(txtarTracePart(decodeUtf8(bytes, 0, bytes.length))) };
  }
}

// Text dumps of parsed traces.

import { fmtU64 } from './common.js';
import type { ParsedTrace, TraceEvent } from './common.js';
import { printTextTrace } from './text_format.js';

/**
 * Dump a parsed trace as text.
 * - New format: the wire-level text form of Go's golden tests (`Trace Go1.22`,
 *   `EventBatch ...`, one event per line), i.e. the batches in file order.
 * - Old format: one line per ordered event (see `dumpEvents`).
 */
export function dumpTrace(parsed: ParsedTrace): string {
  if (parsed.format === 'new') return printTextTrace(parsed.bytes, { lenient: true });
  return dumpEvents(parsed);
}

/** One line per ordered event: `<tsNs> <Type> p=.. g=.. [m=..] args=[..] stk=..`. */
export function dumpEvents(parsed: ParsedTrace): string {
  const lines: string[] = [`# go 1.${parsed.version - 1000} trace, ${parsed.format} format, ${parsed.events.length} events`];
  for (const ev of parsed.events) lines.push(formatEvent(ev));
  return lines.join('\n') + '\n';
}

export function formatEvent(ev: TraceEvent): string {
  let s = `${ev.tsNs} ${ev.type} p=${ev.p} g=${ev.g}`;
  if (ev.m !== -1) s += ` m=${fmtU64(ev.m)}`;
  if (ev.args.length > 0) s += ` args=[${ev.args.map(fmtU64).join(' ')}]`;
  if (ev.stackId !== 0) s += ` stk=${ev.stackId}`;
  if (ev.sargs.length > 0) s += ` sargs=${JSON.stringify(ev.sargs)}`;
  return s;
}

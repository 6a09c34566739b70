// Text dumps of parsed traces, and reading the old format's dump back.

import { ALL_ONES, TraceError, TraceEvent, fmtU64 } from './common.js';
import type { Frame, ParsedTrace } from './common.js';
import { OLD_SPECS } from './old_format.js';
import { printTextTrace } from './text_format.js';

/**
 * Dump a parsed trace as text.
 * - New format: the wire-level text form of Go's golden tests (`Trace Go1.22`,
 *   `EventBatch ...`, one event per line), i.e. the batches in file order.
 * - Old format (Go has no text form for it): one line per ordered event (see
 *   `dumpEvents`), then the stack table; `readOldDump` reads it back.
 */
export function dumpTrace(parsed: ParsedTrace): string {
  if (parsed.format === 'new') return printTextTrace(parsed.bytes, { lenient: true });
  return dumpEvents(parsed) + dumpStacks(parsed.stacks);
}

/** One line per ordered event: `<tsNs> <Type> p=.. g=.. [m=..] args=[..] stk=..`, after a `#` header line. */
export function dumpEvents(parsed: ParsedTrace): string {
  const lines: string[] = [`# go 1.${parsed.version - 1000} trace, ${parsed.format} format, ${parsed.events.length} events, ${parsed.ticksPerSec} ticks/s`];
  for (const ev of parsed.events) lines.push(formatEvent(ev));
  return lines.join('\n') + '\n';
}

/** The stack table: `Stack id=N nframes=K`, then one `\tpc=.. func=".." file=".." line=..` line per frame (leaf first). */
function dumpStacks(stacks: ReadonlyMap<number, readonly Frame[]>): string {
  const lines: string[] = [];
  for (const id of [...stacks.keys()].sort((a, b) => a - b)) {
    const frames = stacks.get(id)!;
    lines.push(`Stack id=${id} nframes=${frames.length}`);
    for (const f of frames) lines.push(`\tpc=${fmtU64(f.pc)} func=${JSON.stringify(f.func)} file=${JSON.stringify(f.file)} line=${f.line}`);
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}

const OLD_DUMP_HEADER = /^# go 1\.(\d+) trace, old format, (\d+) events, (\d+(?:\.\d+)?) ticks\/s\s*$/;

/** Whether text starts like the dump of an old-format trace (`# go 1.NN trace, old format, ...`). */
export function isOldDump(text: string): boolean {
  return /^# go 1\.\d+ trace, old format\b/.test(text);
}

const num = (s: string): number | undefined => (s === '18446744073709551615' ? ALL_ONES : /^-?\d+(\.\d+)?(e[+-]?\d+)?$/.test(s) ? Number(s) : undefined);
const EVENT_LINE = /^(\S+) (\w+) p=(-?\d+) g=(-?\d+)(?: m=(\d+))?(?: args=\[([^\]]*)\])?(?: stk=(\d+))?(?: sargs=(\[.*\]))?\s*$/;
const FRAME_LINE = /^\tpc=(\d+) func=("(?:[^"\\]|\\.)*") file=("(?:[^"\\]|\\.)*") line=(\d+)\s*$/;

/**
 * Read back what `dumpTrace` prints for an old-format trace: the events, already in order, and
 * the stack table — everything the analysis and the replay use, so a dump analyzes like its
 * trace. Not a trace in Go's sense: Go's tools do not read it. Errors name the line (`byteOffset`
 * is the character offset of the line's start).
 */
export function readOldDump(text: string, bytes: Uint8Array): ParsedTrace {
  const lines = text.split('\n');
  let offset = 0;
  const fail = (i: number, what: string): never => {
    throw new TraceError(offset, `old-format dump line ${i + 1}: ${what}`);
  };
  const h = OLD_DUMP_HEADER.exec(lines[0] ?? '');
  if (h === null) fail(0, 'expected "# go 1.NN trace, old format, N events, F ticks/s"');
  const version = 1000 + Number(h![1]);
  const eventCount = Number(h![2]);
  const ticksPerSec = Number(h![3]);
  const codes = new Map(OLD_SPECS.map((s, code) => [s.name, code]));
  const events: TraceEvent[] = [];
  const stacks = new Map<number, Frame[]>();
  let frames: Frame[] | null = null;
  let framesLeft = 0;
  offset = (lines[0]?.length ?? 0) + 1;
  for (let i = 1; i < lines.length; offset += lines[i]!.length + 1, i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (framesLeft > 0) {
      const f = FRAME_LINE.exec(line);
      if (f === null) fail(i, `expected a frame "\\tpc=.. func=".." file=".." line=.." (${framesLeft} more in the stack)`);
      frames!.push({ pc: num(f![1]!)!, func: JSON.parse(f![2]!) as string, file: JSON.parse(f![3]!) as string, line: Number(f![4]) });
      framesLeft--;
      continue;
    }
    if (line.trim() === '' || line.startsWith('#')) continue;
    const st = /^Stack id=(\d+) nframes=(\d+)\s*$/.exec(line);
    if (st !== null) {
      const id = Number(st[1]);
      if (stacks.has(id)) fail(i, `stack ${id} listed twice`);
      frames = [];
      stacks.set(id, frames);
      framesLeft = Number(st[2]);
      continue;
    }
    if (stacks.size > 0) fail(i, 'an event after the stack table');
    const m = EVENT_LINE.exec(line);
    if (m === null) fail(i, 'expected "<tsNs> <Type> p=.. g=.. [args=[..]] [stk=..] [sargs=[..]]"');
    const code = codes.get(m![2]!);
    const tsNs = num(m![1]!);
    if (code === undefined || code === 0) fail(i, `unknown event type ${m![2]}`);
    if (tsNs === undefined) fail(i, `bad time ${m![1]}`);
    const ev = new TraceEvent(m![2]!, code!, offset);
    ev.tsNs = tsNs!;
    ev.p = Number(m![3]);
    ev.g = Number(m![4]);
    if (m![5] !== undefined) ev.m = Number(m![5]);
    if (m![6] !== undefined) {
      const args = m![6].split(' ').filter((a) => a !== '').map(num);
      if (args.some((a) => a === undefined)) fail(i, `bad argument in [${m![6]}]`);
      ev.args = args as number[];
    }
    if (m![7] !== undefined) ev.stackId = Number(m![7]);
    if (m![8] !== undefined) {
      let sargs: unknown;
      try {
        sargs = JSON.parse(m![8]);
      } catch {
        fail(i, 'sargs is not a JSON list of strings');
      }
      if (!Array.isArray(sargs) || !sargs.every((x) => typeof x === 'string')) fail(i, 'sargs is not a JSON list of strings');
      ev.sargs = sargs as string[];
    }
    if (events.length > 0 && ev.tsNs < events[events.length - 1]!.tsNs) fail(i, `time ${ev.tsNs} is before the previous event's`);
    events.push(ev);
  }
  if (framesLeft > 0) fail(lines.length - 1, `the last stack lacks ${framesLeft} frames`);
  if (events.length !== eventCount) fail(0, `the header says ${eventCount} events, the dump has ${events.length}`);
  for (const ev of events) {
    if (ev.stackId !== 0 && !stacks.has(ev.stackId)) throw new TraceError(ev.offset, `old-format dump: an event names stack ${ev.stackId}, which is not in the stack table`);
  }
  return { format: 'old', version, ticksPerSec, events, strings: new Map(), stacks, generations: [], startNs: 0, bytes };
}

export function formatEvent(ev: TraceEvent): string {
  let s = `${ev.tsNs} ${ev.type} p=${ev.p} g=${ev.g}`;
  if (ev.m !== -1) s += ` m=${fmtU64(ev.m)}`;
  if (ev.args.length > 0) s += ` args=[${ev.args.map(fmtU64).join(' ')}]`;
  if (ev.stackId !== 0) s += ` stk=${ev.stackId}`;
  if (ev.sargs.length > 0) s += ` sargs=${JSON.stringify(ev.sargs)}`;
  return s;
}

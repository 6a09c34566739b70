/// <reference types="node" />
// The old-format reader against a reference: what the reader of commit 7770892 (the one-event
// EventStore decoder, replaced by plain-field records for speed) made of Go's old-format test
// traces, of a trace with CPU samples, and of ~450 mutants of them (type bytes swapped for others of
// the same arity, bytes changed, inputs cut short) — every event (dump line, byte offset, tick time)
// through a SHA-256, or the error's byte offset and message. Made by
// test/gotrace/fixtures/make_old_format_golden.mjs with that reader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { iterateTrace, readTrace, TraceError } from '../../src/gotrace/reader.js';
import type { TraceEvent } from '../../src/gotrace/reader.js';
import { formatEvent } from '../../src/gotrace/dump.js';
import { FUSED_CHECK } from '../../src/gotrace/old_format.js';
import { repoRoot } from './helpers.js';

interface GoldenCase {
  readonly file: string;
  /** Bytes changed: [offset, new value]. */
  readonly set?: readonly (readonly [number, number])[];
  /** The input cut to this many bytes. */
  readonly cut?: number;
  /** `ok <events> <digest>` or `error <byte offset> <message>`. */
  readonly expect: string;
}

function digest(events: Iterable<TraceEvent>): string {
  const h = createHash('sha256');
  let n = 0;
  for (const e of events) {
    h.update(`${formatEvent(e)} o=${e.offset} t=${e.ticks}\n`);
    n++;
  }
  return `${n} ${h.digest('hex').slice(0, 32)}`;
}

function outcome(bytes: Uint8Array): string {
  let t;
  try {
    t = readTrace(bytes);
  } catch (e) {
    if (!(e instanceof TraceError)) throw e;
    return `error ${e.byteOffset} ${e.message}`;
  }
  const a = digest(t.events);
  assert.equal(digest(iterateTrace(bytes)), a, 'iterateTrace gives what readTrace gives');
  return `ok ${a}`;
}

const cases = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/gotrace/fixtures/old_format_golden.json'), 'utf8')) as GoldenCase[];

/** Every case, with the state-machine check (step 4) as `FUSED_CHECK` says. */
function checkAll(what: string): void {
  assert.ok(cases.length >= 400, `${cases.length} cases`);
  const files = new Map<string, Uint8Array>();
  const kinds = new Set<string>();
  for (const c of cases) {
    let bytes = files.get(c.file);
    if (bytes === undefined) files.set(c.file, (bytes = new Uint8Array(fs.readFileSync(path.join(repoRoot, c.file)))));
    let input = bytes;
    if (c.cut !== undefined) input = bytes.subarray(0, c.cut);
    if (c.set !== undefined) {
      input = bytes.slice();
      for (const [off, v] of c.set) input[off] = v;
    }
    const name = `${what}: ${c.file}${c.cut !== undefined ? ` cut at ${c.cut}` : ''}${c.set !== undefined ? ` with ${JSON.stringify(c.set)}` : ''}`;
    assert.equal(outcome(input), c.expect, name);
    kinds.add(c.expect.startsWith('ok') ? 'ok' : c.expect.replace(/^error -?\d+ malformed trace at byte offset -?\d+: /, '').split(/ \d| [a-z]+ \d/)[0]!);
  }
  // The cases reach every step: accepted traces, record errors (step 1), the merge, the time order,
  // and the state machine (step 4).
  for (const k of ['ok', 'no consistent ordering of events possible (goroutine sequence numbers or states do not match)', 'time stamps out of order: GoStart at tick', 'bogus GC end (GCDone at', 'unexpected end of data inside varint (event argument) starting at']) {
    assert.ok([...kinds].some((x) => k.startsWith(x)), `no case of "${k}" among ${JSON.stringify([...kinds])}`);
  }
  assert.ok(files.size === 6, `${files.size} traces`);
}

test('old format: the events and errors of the reference reader, on Go\'s traces and their mutants', () => {
  checkAll('step 4 during the merge');
});

test('old format: the same with step 4 on a walk of its own, and during the merge with no window (exits checked out of the merge order, fallbacks)', () => {
  const saved = { ...FUSED_CHECK };
  try {
    FUSED_CHECK.enabled = false;
    checkAll('step 4 on its own walk');
    FUSED_CHECK.enabled = true;
    FUSED_CHECK.window = 0;
    checkAll('step 4 during the merge, no window');
  } finally {
    Object.assign(FUSED_CHECK, saved);
  }
});

test('old format: the CPU-sample trace has what it is kept for (samples, moved syscall exits, user regions and logs)', () => {
  const t = readTrace(new Uint8Array(fs.readFileSync(path.join(repoRoot, 'test/gotrace/fixtures/cpu_sample_1_19.trace'))));
  const n = (type: string): number => t.events.filter((e) => e.type === type).length;
  assert.ok(n('CPUSample') >= 5, `${n('CPUSample')} CPU samples`);
  assert.ok(n('GoSysExit') >= 10 && n('UserRegion') >= 100 && n('UserLog') >= 10 && n('GCStart') >= 2);
  // Samples keep their own P and goroutine, and their time: the events stay in time order.
  for (let i = 1; i < t.events.length; i++) assert.ok(t.events[i]!.tsNs >= t.events[i - 1]!.tsNs);
  const s = t.events.find((e) => e.type === 'CPUSample')!;
  assert.equal(s.args.length, 3);
  assert.equal(s.p, s.args[1]);
  assert.equal(s.g, s.args[2]);
});

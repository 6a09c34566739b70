/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readTrace, TraceError } from '../../src/gotrace/reader.js';
import type { ParsedTrace } from '../../src/gotrace/reader.js';
import { parseTextTrace, parseTxtar } from '../../src/gotrace/text_format.js';
import { dumpTrace } from '../../src/gotrace/dump.js';
import { listDir, readBytes, readText, readFuzzInput, hex, MINIMAL_V1_HEX, MINIMAL_V2_HEX } from './helpers.js';

/** Either a clean TraceError or a parse whose basic invariants hold. */
function acceptOrReject(bytes: Uint8Array): 'ok' | 'rejected' {
  let t: ParsedTrace;
  try {
    t = readTrace(bytes);
  } catch (e) {
    assert.ok(e instanceof TraceError, `non-TraceError thrown: ${String(e)}`);
    assert.ok(Number.isInteger(e.byteOffset) && e.byteOffset >= -1 && e.byteOffset <= bytes.length, `offset ${e.byteOffset}`);
    if (e.code === 'TRACE_UNSUPPORTED_VERSION') {
      // A mutated header digit can make a well-formed header of a version we do not read.
      assert.match(e.message, /^unsupported trace version go 1\.\d+ \(this gosched reads 1\.11–1\.26\)$/);
      return 'rejected';
    }
    assert.equal(e.code, 'TRACE_MALFORMED');
    assert.match(e.message, /byte offset -?\d+/);
    return 'rejected';
  }
  assert.ok(t.events.length <= bytes.length, 'more events than input bytes');
  for (let i = 1; i < t.events.length; i++) assert.ok(t.events[i]!.tsNs >= t.events[i - 1]!.tsNs);
  dumpTrace(t);
  return 'ok';
}

const fuzzInputs = listDir('fuzz-corpus');

test('fuzz corpus: all 9 inputs are accepted or rejected cleanly and quickly', () => {
  assert.equal(fuzzInputs.length, 9);
  for (const name of fuzzInputs) {
    const bytes = readFuzzInput(name);
    const t0 = Date.now();
    const r = acceptOrReject(bytes);
    assert.ok(Date.now() - t0 < 1000, `${name} took too long`);
    assert.ok(r === 'ok' || r === 'rejected');
  }
});

test('fuzz corpus: the malformed-state inputs are rejected', () => {
  for (const name of ['invalid-proc-state', 'malformed-timestamp']) {
    assert.equal(acceptOrReject(readFuzzInput(name)), 'rejected', name);
  }
});

test('truncated traces: the error names a byte offset inside the input', () => {
  const v1 = hex(MINIMAL_V1_HEX);
  // Cut inside the GoSysExit event's length-prefixed block.
  const cut = v1.subarray(0, 52);
  try {
    readTrace(cut);
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof TraceError);
    assert.equal(e.code, 'TRACE_MALFORMED');
    assert.ok(e.byteOffset >= 49 && e.byteOffset <= 52, `offset ${e.byteOffset}`);
    assert.match(e.message, new RegExp(`byte offset ${e.byteOffset}\\b`));
    assert.match(e.message, /expected|exceeds/);
  }
  const v2 = hex(MINIMAL_V2_HEX);
  for (const n of [10, 17, 40, 100, 150]) {
    try {
      readTrace(v2.subarray(0, n));
      assert.fail(`expected an error for ${n} bytes`);
    } catch (e) {
      assert.ok(e instanceof TraceError, String(e));
      assert.ok(e.byteOffset >= 0 && e.byteOffset <= n, `offset ${e.byteOffset} for length ${n}`);
      assert.match(e.message, /byte offset \d+/);
    }
  }
});

test('huge declared lengths do not allocate or read past the input', () => {
  // v1 String with a 1e6 length but 3 bytes of data.
  const s = hex('676f20312e3139207472616365000000 4100e807 2501c0843d 616263');
  assert.throws(() => readTrace(s), (e: unknown) => e instanceof TraceError && /truncated string/.test(e.message));
  // v2 batch declaring 65536 bytes.
  const b = hex('676f20312e3232207472616365000000 01010000808004 00');
  assert.throws(() => readTrace(b), (e: unknown) => e instanceof TraceError && /failed to read full batch/.test(e.message));
  // v1 event length far beyond the input.
  const l = hex('676f20312e3139207472616365000000 4100e807 cdffffffff0f 01');
  assert.throws(() => readTrace(l), (e: unknown) => e instanceof TraceError && /exceeds/.test(e.message));
});

/** Seeds for the mutation property: real traces of both formats. */
function seeds(): Uint8Array[] {
  const out = [hex(MINIMAL_V1_HEX), hex(MINIMAL_V2_HEX)];
  for (const f of ['http_1_11_good', 'user_task_region_1_19_good', 'stress_start_stop_1_19_good']) out.push(readBytes('old-format', f));
  for (const f of ['go122-annotations.test', 'go122-syscall-steal-proc-simple.test', 'go122-task-across-generations.test']) {
    out.push(parseTextTrace(parseTxtar(readText('new-format', f)).files.get('trace')!).bytes);
  }
  for (const f of fuzzInputs) out.push(readFuzzInput(f));
  return out;
}

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'splice'; from: number; to: number; len: number; other: number }
  | { kind: 'set'; at: number; value: number };

function applyMutations(base: Uint8Array, all: Uint8Array[], muts: Mutation[]): Uint8Array {
  let b = base.slice();
  for (const m of muts) {
    if (b.length === 0) break;
    switch (m.kind) {
      case 'flip': {
        const i = m.at % b.length;
        b[i] = b[i]! ^ (1 << m.bit);
        break;
      }
      case 'set':
        b[m.at % b.length] = m.value;
        break;
      case 'truncate':
        b = b.slice(0, m.at % (b.length + 1));
        break;
      case 'splice': {
        const other = all[m.other % all.length]!;
        const from = m.from % (other.length + 1);
        const piece = other.subarray(from, Math.min(other.length, from + m.len));
        const to = m.to % (b.length + 1);
        const nb = new Uint8Array(b.length + piece.length);
        nb.set(b.subarray(0, to));
        nb.set(piece, to);
        nb.set(b.subarray(to), to + piece.length);
        b = nb;
        break;
      }
    }
  }
  return b;
}

test('property: mutated traces give a clean TraceError or a valid parse', () => {
  const all = seeds();
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(0, 1, 0x7f, 0x80, 0xff) }),
    fc.record({
      kind: fc.constant('splice' as const),
      from: fc.nat(),
      to: fc.nat(),
      len: fc.integer({ min: 1, max: 64 }),
      other: fc.nat(),
    }),
  );
  // Mutations after the 16-byte header mostly (keep the format detectable).
  const started = Date.now();
  let ok = 0;
  let rejected = 0;
  fc.assert(
    fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (which, muts) => {
      const base = all[which % all.length]!;
      const fixed = muts.map((m) => (m.kind === 'flip' || m.kind === 'set' ? { ...m, at: 16 + (m.at % Math.max(1, base.length - 16)) } : m));
      const input = applyMutations(base, all, fixed);
      if (acceptOrReject(input) === 'ok') ok++;
      else rejected++;
    }),
    { seed: 20240607, numRuns: 5000, endOnFailure: true },
  );
  assert.ok(Date.now() - started < 20000, 'property run must stay under 20 s');
  assert.ok(ok > 0 && rejected > 0 && ok + rejected === 5000, `ok=${ok} rejected=${rejected}`);
  console.log(`# mutation property: ${ok} accepted, ${rejected} rejected`);
});

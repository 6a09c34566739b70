/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTrace, iterateTrace, detectFormat, TraceError, UnsupportedTraceVersion } from '../../src/gotrace/reader.js';
import { goUnquote, parseTextTrace, parseTxtar, printTextTrace } from '../../src/gotrace/text_format.js';
import { dumpTrace } from '../../src/gotrace/dump.js';
import { listDir, readText, hex, MINIMAL_V2_HEX } from './helpers.js';

interface Golden {
  name: string;
  expect: { ok: true } | { ok: false; re: RegExp };
  text: string;
}

function loadGolden(name: string): Golden {
  const ar = parseTxtar(readText('new-format', name));
  const exp = (ar.files.get('expect') ?? '').trim();
  const text = ar.files.get('trace');
  assert.ok(text !== undefined, `${name}: no trace part`);
  if (exp === 'SUCCESS') return { name, expect: { ok: true }, text };
  const m = /^FAILURE (".*")$/.exec(exp);
  assert.ok(m, `${name}: bad expect part ${exp}`);
  const re = new TextDecoder().decode(goUnquote(m[1]!)!);
  return { name, expect: { ok: false, re: new RegExp(re) }, text };
}

const goldens = listDir('new-format').filter((f) => f.endsWith('.test'));

test('new format: golden cases are present', () => {
  assert.ok(goldens.length >= 22, `${goldens.length} golden cases`);
  assert.ok(goldens.includes('go125-sync.test') && goldens.includes('go123-sync.test'), 'the Go 1.25 cases are vendored');
});

for (const name of goldens) {
  test(`new format golden: ${name} gives its expected result`, () => {
    const g = loadGolden(name);
    const { bytes } = parseTextTrace(g.text);
    let err: unknown;
    let n = 0;
    try {
      n = readTrace(bytes).events.length;
    } catch (e) {
      err = e;
    }
    if (g.expect.ok) {
      assert.equal(err, undefined, `expected SUCCESS, got ${String(err)}`);
      assert.ok(n > 0);
    } else {
      assert.ok(err instanceof TraceError, `expected a failure matching ${g.expect.re}, got success`);
      assert.equal(err.code, 'TRACE_MALFORMED');
      assert.match(err.message, g.expect.re);
    }
  });

  test(`new format golden: ${name} prints back to the same text`, () => {
    const g = loadGolden(name);
    const { bytes } = parseTextTrace(g.text);
    assert.equal(printTextTrace(bytes), g.text.endsWith('\n') ? g.text : g.text + '\n');
  });
}

test('new format: parsed golden trace has sane contexts and increasing times', () => {
  const { bytes } = parseTextTrace(loadGolden('go122-gc-stress.test').text);
  const t = readTrace(bytes);
  assert.equal(t.format, 'new');
  assert.equal(t.version, 1022);
  assert.ok(t.generations.length >= 1);
  for (let i = 1; i < t.events.length; i++) assert.ok(t.events[i]!.tsNs > t.events[i - 1]!.tsNs, 'strictly increasing');
  for (const ev of t.events) {
    if (ev.type === 'GoStart' || ev.type === 'GoSyscallBegin' || ev.type === 'GoBlock') assert.ok(ev.p >= 0, `${ev.type} without P`);
    if (ev.type === 'GoBlock') assert.ok(ev.g >= 0 && ev.sargs.length === 1);
  }
  // Stacks resolve through the generation table.
  const withStack = t.events.find((e) => e.stackId !== 0)!;
  const gen = t.generations.find((x) => x.gen === withStack.gen)!;
  assert.ok(gen.stacks.get(withStack.stackId)!.length > 0);
  // dumpTrace gives the golden text form.
  assert.match(dumpTrace(t), /^Trace Go1\.22\nEventBatch gen=\d+ m=\d+ time=\d+ size=\d+\n/);
});

test('new format: minimal hand-built syscall trace orders the steal before the reacquire', () => {
  const bytes = hex(MINIMAL_V2_HEX);
  assert.equal(bytes.length, 151);
  const t = readTrace(bytes);
  assert.equal(t.startNs, 64000);
  const got = t.events.map((e) => `${e.type}@${t.startNs + e.tsNs}/m${e.m}`);
  assert.deepEqual(got, [
    'ProcStatus@64064/m1',
    'GoCreate@64192/m1',
    'GoStart@64320/m1',
    'GoSyscallBegin@64960/m1',
    'ProcSteal@84800/m2',
    'ProcStart@148160/m1',
    'GoSyscallEndBlocked@148224/m1',
    'GoStart@148288/m1',
    'GoDestroy@148608/m1',
    'ProcStop@148672/m1',
  ]);
  const begin = t.events[3]!;
  assert.equal(begin.g, 1);
  assert.equal(begin.p, 0);
  assert.deepEqual(t.generations[0]!.stacks.get(begin.stackId), [{ pc: 0x401000, func: 'main.worker', file: 'main.go', line: 7 }]);
  // The streaming form yields the same sequence.
  assert.deepEqual(
    [...iterateTrace(bytes)].map((e) => e.type),
    t.events.map((e) => e.type),
  );
});

test('text form: rejects malformed text with a clean error', () => {
  assert.throws(() => parseTextTrace('Trace Go1.99\n'), TraceError);
  assert.throws(() => parseTextTrace('Trace Go1.22\nNoSuchEvent dt=1\n'), /unidentified event/);
  assert.throws(() => parseTextTrace('Trace Go1.22\nProcStop dt=x\n'), /failed to parse argument/);
  assert.throws(() => parseTextTrace('Trace Go1.22\nProcStart dt=1 p_seq=1 p=0\n'), /expected argument "p"/);
});

// Go 1.25's sync batches: Go's reader_test.go (TestTraceGenSync) expects these clock snapshots of
// go125-sync.test: trace time 10, 40, 60 ns; mono 99, 199, 299; wall 2025-02-28 15:04:09/10/11.000000123 UTC.
const WANT_SNAPSHOTS = [
  { traceNs: 10, monoNs: 99, wall: Date.UTC(2025, 1, 28, 15, 4, 9) / 1000, nsec: 123 },
  { traceNs: 40, monoNs: 199, wall: Date.UTC(2025, 1, 28, 15, 4, 10) / 1000, nsec: 123 },
  { traceNs: 60, monoNs: 299, wall: Date.UTC(2025, 1, 28, 15, 4, 11) / 1000, nsec: 123 },
];

function snapshots(text: string): { traceNs: number; monoNs: number; wall: number; nsec: number }[] {
  const t = readTrace(parseTextTrace(text).bytes);
  return t.generations.map((g) => {
    const c = g.clockSnapshot;
    assert.ok(c, `generation ${g.gen} has a clock snapshot`);
    return { traceNs: c.traceNs, monoNs: c.monoNs, wall: c.wallSec, nsec: c.wallNsec };
  });
}

test('go 1.25 format: sync batches give the frequency and the clock snapshots Go expects', () => {
  const g = loadGolden('go125-sync.test');
  assert.deepEqual(snapshots(g.text), WANT_SNAPSHOTS);
  const t = readTrace(parseTextTrace(g.text).bytes);
  assert.equal(t.version, 1025);
  assert.deepEqual(t.generations.map((x) => x.ticksPerSec), [1e9, 5e8, 5e8]);
  assert.deepEqual(t.events.map((e) => `${e.type}/p${e.args[0]}`), ['ProcStatus/p0', 'ProcStatus/p0']);
  // Before 1.25 there is no snapshot.
  assert.deepEqual(readTrace(parseTextTrace(loadGolden('go123-sync.test').text).bytes).generations.map((x) => x.clockSnapshot), [null, null, null]);
});

test('go 1.25 format: a generation without a clock snapshot, or with two, is rejected as Go does', () => {
  const g = loadGolden('go125-sync.test').text;
  const noSnap = g.replace('EventBatch gen=1 m=18446744073709551615 time=9 size=16\nSync\nFrequency freq=1000000000\nClockSnapshot dt=1 mono=99 sec=1740755049 nsec=123\n', 'EventBatch gen=1 m=18446744073709551615 time=9 size=7\nSync\nFrequency freq=1000000000\n');
  assert.notEqual(noSnap, g);
  assert.throws(() => readTrace(parseTextTrace(noSnap).bytes), /no clock snapshot event found in generation 1/);
  // A lone Frequency batch (the pre-1.25 form) is not a sync batch in a 1.25 trace.
  const bare = g.replace('size=16\nSync\nFrequency freq=1000000000\nClockSnapshot', 'size=15\nFrequency freq=1000000000\nClockSnapshot');
  assert.notEqual(bare, g);
  assert.throws(() => readTrace(parseTextTrace(bare).bytes), /no frequency event found in generation 1/);
  const twice = g.replace('ClockSnapshot dt=1 mono=99 sec=1740755049 nsec=123\n', 'ClockSnapshot dt=1 mono=99 sec=1740755049 nsec=123\n'.repeat(2)).replace('time=9 size=16', 'time=9 size=25');
  assert.throws(() => readTrace(parseTextTrace(twice).bytes), /found multiple clock snapshot events/);
});

/** go125-sync.test in the Go 1.26 form: each generation closed by an EndOfGeneration byte. */
function as126(text: string): string {
  const lines = text.trimEnd().split('\n');
  const out: string[] = ['Trace Go1.26'];
  let gen = 0;
  for (const l of lines.slice(1)) {
    const m = /^EventBatch gen=(\d+) /.exec(l);
    if (m && Number(m[1]) !== gen) {
      if (gen !== 0) out.push('EndOfGeneration');
      gen = Number(m[1]);
    }
    out.push(l);
  }
  out.push('EndOfGeneration');
  return out.join('\n') + '\n';
}

test('go 1.26 format: generations end with EndOfGeneration; text and binary round-trip', () => {
  const text = as126(loadGolden('go125-sync.test').text);
  assert.equal(text.split('\n').filter((l) => l === 'EndOfGeneration').length, 3);
  const { bytes, version } = parseTextTrace(text);
  assert.equal(version, 1026);
  assert.deepEqual(detectFormat(bytes), { format: 'new', version: 1026 });
  assert.equal(printTextTrace(bytes), text);
  assert.deepEqual(snapshots(text), WANT_SNAPSHOTS);
  assert.deepEqual(readTrace(bytes).generations.map((g) => g.gen), [1, 2, 3]);
  assert.deepEqual([...iterateTrace(bytes)].map((e) => e.type), ['ProcStatus', 'ProcStatus']);
  // The end-of-generation byte is the only thing between batches that is not a batch.
  assert.equal(bytes.filter((b, i) => b === 52 && (i === bytes.length - 1 || bytes[i + 1] === 1)).length >= 3, true);
});

test('go 1.26 format: a missing EndOfGeneration is an error (truncated, or generations interleaved)', () => {
  const text = as126(loadGolden('go125-sync.test').text);
  const truncated = text.replace(/EndOfGeneration\n$/, '');
  assert.throws(() => readTrace(parseTextTrace(truncated).bytes), /incomplete generation 3 \(no EndOfGeneration\): trace likely truncated/);
  const merged = text.replace('EndOfGeneration\n', '');
  assert.throws(() => readTrace(parseTextTrace(merged).bytes), /missing end-of-generation event, or generations are interleaved/);
  // EndOfGeneration is not a batch before 1.26.
  const in125 = text.replace('Trace Go1.26', 'Trace Go1.25');
  assert.throws(() => parseTextTrace(in125), /unidentified event: EndOfGeneration/);
});

test('an unknown trace version is an unsupported-version error, not a malformed trace', () => {
  const header = (minor: string) => {
    const b = new Uint8Array(64);
    const s = `go 1.${minor} trace`;
    for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
    return b;
  };
  for (const minor of ['99', '27', '24', '20', '10', '5']) {
    let err: unknown;
    try {
      readTrace(header(minor));
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof UnsupportedTraceVersion, `go 1.${minor}: ${String(err)}`);
    assert.ok(err instanceof TraceError);
    assert.equal(err.code, 'TRACE_UNSUPPORTED_VERSION');
    assert.equal(err.message, `unsupported trace version go 1.${minor} (this gosched reads 1.11–1.26)`);
    assert.doesNotMatch(err.message, /malformed/);
    assert.throws(() => [...iterateTrace(header(minor))], UnsupportedTraceVersion);
  }
  // A broken header is still malformed.
  assert.throws(() => readTrace(header('x')), (e: unknown) => e instanceof TraceError && e.code === 'TRACE_MALFORMED');
  assert.throws(() => printTextTrace(header('99')), UnsupportedTraceVersion);
});

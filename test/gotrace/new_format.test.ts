/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTrace, iterateTrace, TraceError } from '../../src/gotrace/reader.js';
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
  assert.ok(goldens.length >= 17, `${goldens.length} golden cases`);
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

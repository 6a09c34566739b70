/// <reference types="node" />
// The struct-of-arrays event store (lazy TraceEvent views that behave like a read-only array, ids
// that do not fit an Int32 column), and readTrace's events of both formats, decoded again from the
// input on each walk (#17): they agree with iterateTrace however they are walked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iterateTrace, readTrace, TraceEvent } from '../../src/gotrace/reader.js';
import { EventStore, IdColumn, eventList } from '../../src/gotrace/event_store.js';
import { formatEvent } from '../../src/gotrace/dump.js';
import { parseTextTrace, parseTxtar } from '../../src/gotrace/text_format.js';
import { listDir, readBytes, readText } from './helpers.js';

test('event store: ids outside int32 are kept exactly (overflow map)', () => {
  const c = new IdColumn(4);
  const vals = [0, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 53, 1e10 + 0.5, 2 ** 64];
  c.grow(vals.length);
  vals.forEach((v, i) => c.set(i, v));
  vals.forEach((v, i) => assert.equal(c.get(i), v));
  c.set(3, 7);
  assert.equal(c.get(3), 7);
});

test('event store: grows past its reservation; views are TraceEvents; the list is a read-only array', () => {
  const st = new EventStore(['None', 'A', 'B'], true, 0);
  const n = 3000; // more than the minimum reservation of 1024
  for (let i = 0; i < n; i++) {
    st.add(1 + (i % 2), i * 10, i % 3, 2 ** 40 + i, -1, i % 5, 16 + i);
    for (let k = 0; k < i % 5; k++) st.arg(i * 100 + k);
    if (i === 7) st.setSargs(i, ['x']);
  }
  st.tsBase = 10;
  const list = eventList(st);
  assert.ok(Array.isArray(list));
  assert.equal(list.length, n);
  const e = list[7]!;
  assert.ok(e instanceof TraceEvent);
  assert.deepEqual([e.type, e.code, e.tsNs, e.p, e.g, e.m, e.args, e.stackId, e.offset, e.sargs], ['B', 2, 60, 1, 2 ** 40 + 7, -1, [700, 701], 2, 23, ['x']]);
  assert.equal(list[n], undefined);
  assert.equal(list.filter((x) => x.type === 'A').length, n / 2);
  assert.deepEqual(list.map((x) => x.args.length).slice(0, 6), [0, 1, 2, 3, 4, 0]);
  assert.equal(list.find((x) => x.tsNs === 990)?.offset, 16 + 100);
  let k = 0;
  for (const x of list) assert.equal(x.offset, 16 + k++);
  assert.equal(k, n);
  assert.throws(() => {
    (list as TraceEvent[])[0] = e;
  }, TypeError);
  assert.throws(() => list.push(e), TypeError);
});

test('readTrace and iterateTrace agree event by event on Go\'s old-format traces', () => {
  for (const name of listDir('old-format')) {
    const bytes = readBytes('old-format', name);
    const t = readTrace(bytes);
    const a = t.events.map(formatEvent);
    const b = [...iterateTrace(bytes)].map(formatEvent);
    assert.deepEqual(b, a, name);
    // Random access gives the same as iteration.
    for (const i of [0, 1, a.length >> 1, a.length - 1]) assert.equal(formatEvent(t.events[i]!), a[i]);
  }
});

test('new format: readTrace\'s events are iterateTrace\'s, rebased, however they are walked', () => {
  let checked = 0;
  for (const name of listDir('new-format').filter((f) => f.endsWith('.test'))) {
    const files = parseTxtar(readText('new-format', name)).files;
    if (!/SUCCESS/.test(files.get('expect') ?? '')) continue;
    const { bytes } = parseTextTrace(files.get('trace')!);
    const t = readTrace(bytes);
    const streamed = [...iterateTrace(bytes)].map((e) => {
      e.tsNs -= t.startNs;
      return formatEvent(e);
    });
    const a = t.events.map(formatEvent);
    assert.equal(a.length, t.events.length, name);
    assert.deepEqual(a, streamed, name);
    // A second walk gives the same events again.
    assert.deepEqual([...t.events].map(formatEvent), a, name);
    // Positions: forward, a step back within the window, far back (starts over), past the end.
    const n = a.length;
    for (const i of [0, n >> 1, (n >> 1) - 1, n - 1, Math.max(0, n - 70), 1, n - 1]) {
      if (i < n) assert.equal(formatEvent(t.events[i]!), a[i], `${name} [${i}]`);
    }
    assert.equal(t.events[n], undefined);
    // Each access is a new object: changing one does not change the list.
    t.events[0]!.tsNs = -1;
    assert.equal(formatEvent(t.events[0]!), a[0]);
    checked++;
  }
  assert.ok(checked >= 10, `${checked} traces`);
});

/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTrace, TraceError } from '../../src/gotrace/reader.js';
import { SyscallP } from '../../src/gotrace/old_format.js';
import { dumpTrace } from '../../src/gotrace/dump.js';
import { listDir, readBytes, hex, MINIMAL_V1_HEX } from './helpers.js';

// Lower bounds on per-type counts for each of Go's old-format test traces.
// `exact` = the event count Go 1.19's `go tool trace -d` prints for the file.
const expectations: Record<string, { version: number; minEvents: number; exact: number; mustHave: string[] }> = {
  http_1_11_good: { exact: 55, version: 1011, minEvents: 50, mustHave: ['GoCreate', 'ProcStart', 'GoStart', 'GoSysCall'] },
  http_1_19_good: { exact: 2005, version: 1019, minEvents: 1000, mustHave: ['GoCreate', 'GoStart', 'GoSysCall', 'GoSysBlock', 'GoSysExit', 'GCStart'] },
  stress_1_19_good: { exact: 85206, version: 1019, minEvents: 50000, mustHave: ['GoCreate', 'GoStart', 'GoUnblock', 'GoSysCall', 'GCStart', 'ProcStop'] },
  stress_start_stop_1_19_good: { exact: 1199, version: 1019, minEvents: 500, mustHave: ['GoCreate', 'GoStart', 'GoSched', 'GCStart'] },
  user_task_region_1_19_good: { exact: 36, version: 1019, minEvents: 30, mustHave: ['UserTaskCreate', 'UserTaskEnd', 'UserRegion', 'UserLog'] },
};

for (const name of listDir('old-format')) {
  test(`old format: ${name} parses with plausible content`, () => {
    const t = readTrace(readBytes('old-format', name));
    assert.equal(t.format, 'old');
    const exp = expectations[name];
    const counts = new Map<string, number>();
    for (const ev of t.events) counts.set(ev.type, (counts.get(ev.type) ?? 0) + 1);
    if (exp !== undefined) {
      assert.equal(t.version, exp.version);
      assert.ok(t.events.length >= exp.minEvents, `${t.events.length} events`);
      assert.equal(t.events.length, exp.exact);
      for (const ty of exp.mustHave) assert.ok((counts.get(ty) ?? 0) > 0, `missing ${ty}`);
    }
    assert.ok(t.ticksPerSec > 0);
    // "Local" variants are folded into the plain event types by ordering.
    assert.equal(counts.get('GoStartLocal'), undefined);
    assert.equal(counts.get('GoUnblockLocal'), undefined);
    // Ordered and normalised: time is non-decreasing and starts at 0.
    assert.equal(t.events[0]!.tsNs, 0);
    for (let i = 1; i < t.events.length; i++) assert.ok(t.events[i]!.tsNs >= t.events[i - 1]!.tsNs);
    // Every GoStart is for a goroutine created (or present at start) before it.
    const created = new Set<number>();
    for (const ev of t.events) {
      if (ev.type === 'GoCreate') created.add(ev.args[0]!);
      if (ev.type === 'GoStart') assert.ok(created.has(ev.g), `GoStart of unknown g ${ev.g}`);
      if (ev.type === 'GoSysExit') assert.equal(ev.p, SyscallP);
    }
    // Stacks resolve to frames with names.
    const withStack = t.events.find((e) => e.stackId !== 0 && t.stacks.has(e.stackId));
    if (withStack) assert.ok(t.stacks.get(withStack.stackId)!.every((f) => typeof f.func === 'string'));
    assert.ok(dumpTrace(t).split('\n').length > t.events.length);
  });
}

test('old format: user regions and logs carry their strings', () => {
  const t = readTrace(readBytes('old-format', 'user_task_region_1_19_good'));
  const task = t.events.find((e) => e.type === 'UserTaskCreate')!;
  assert.ok(task.sargs[0]!.length > 0);
  const log = t.events.find((e) => e.type === 'UserLog')!;
  assert.equal(log.sargs.length, 2);
});

test('old format: minimal hand-built syscall trace gives the expected times', () => {
  const t = readTrace(hex(MINIMAL_V1_HEX));
  assert.equal(t.version, 1019);
  assert.equal(t.ticksPerSec, 15625000);
  const got = t.events.map((e) => `${e.type}@${e.tsNs}`);
  assert.deepEqual(got, [
    'ProcStart@0',
    'Gomaxprocs@64',
    'GoCreate@192',
    'GoStart@320',
    'GoSysCall@960',
    'GoSysBlock@20992',
    'ProcStop@21056',
    'ProcStart@85056',
    'GoSysExit@85120',
    'GoStart@85184',
    'GoEnd@85504',
    'ProcStop@85568',
  ]);
  const sc = t.events[4]!;
  assert.equal(sc.g, 1);
  assert.equal(sc.stackId, 1);
  assert.deepEqual(t.stacks.get(1), [{ pc: 0x401000, func: 'main.worker', file: 'main.go', line: 7 }]);
  const exit = t.events[8]!;
  assert.equal(exit.g, 1);
  assert.equal(exit.p, SyscallP);
});

test('old format: GoSysExit real ticks move the exit back; too early is rejected', () => {
  // Same trace with realticks 1400 (varint f8 0a) instead of 0: len grows to 5.
  const base = MINIMAL_V1_HEX.replace('dd0401010200', 'dd050101 02f80a');
  const t = readTrace(hex(base));
  const exit = t.events.find((e) => e.type === 'GoSysExit')!;
  assert.equal(exit.tsNs, 25536);
  // A stable sort by ticks in which only the exit moved: it goes back to its time, between the
  // ProcStop and the next ProcStart; on a tie it stays after the events it followed in the merge.
  const order = (realTicksHex: string): string[] =>
    readTrace(hex(MINIMAL_V1_HEX.replace('dd0401010200', `dd050101 02${realTicksHex}`))).events.map((e) => `${e.type}@${e.tsNs}`);
  const head = ['ProcStart@0', 'Gomaxprocs@64', 'GoCreate@192', 'GoStart@320', 'GoSysCall@960'];
  const tail = ['ProcStart@85056', 'GoStart@85184', 'GoEnd@85504', 'ProcStop@85568'];
  assert.deepEqual(order('f80a'), [...head, 'GoSysBlock@20992', 'ProcStop@21056', 'GoSysExit@25536', ...tail]);
  // 1330 ticks: the ProcStop's time (1329 is the GoSysBlock's; 64 ns per tick).
  assert.deepEqual(order('b20a'), [...head, 'GoSysBlock@20992', 'ProcStop@21056', 'GoSysExit@21056', ...tail]);
  assert.deepEqual(order('b10a'), [...head, 'GoSysBlock@20992', 'GoSysExit@20992', 'ProcStop@21056', ...tail]);
  // realticks 1200 is before the GoSysBlock at tick 1329.
  const bad = MINIMAL_V1_HEX.replace('dd0401010200', 'dd050101 02b009');
  assert.throws(() => readTrace(hex(bad)), (e: unknown) => e instanceof TraceError && /time stamps out of order/.test(e.message));
});

test('old format: wrong argument count and inconsistent sequences are rejected', () => {
  // GoStart with seq 2 instead of 1: no consistent ordering.
  const badSeq = MINIMAL_V1_HEX.replace('8e020101', '8e020102');
  assert.throws(() => readTrace(hex(badSeq)), (e: unknown) => e instanceof TraceError && /no consistent ordering/.test(e.message));
  // ProcStop written with 2 args (0x46) instead of 1.
  const badArity = MINIMAL_V1_HEX.replace('0601 45e8', '460100 45e8');
  assert.throws(() => readTrace(hex(badArity)), (e: unknown) => e instanceof TraceError && /wrong number of arguments/.test(e.message));
  // No Frequency event.
  const noFreq = MINIMAL_V1_HEX.replace('02a8d6b907', '');
  assert.throws(() => readTrace(hex(noFreq)), (e: unknown) => e instanceof TraceError && /Frequency/.test(e.message));
});

/// <reference types="node" />
// exitsyscall's take-backs read from a real trace (src/gotrace/takeback.ts, for gosched calibrate).
// fixtures/takeback_go1_26_g4.trace: GOSCHED_TRACE=… testdata/go/syscall -procs 1 -g 4 -d 1000 -n 6
// with go1.26.11 on the 2-vCPU VM, 2026-12-06 16:56 UTC. Read by hand from `gosched trace dump`
// (ticks of 64 ns, events of each M in time order): M 30408 is sysmon (its ProcSteals have no
// goroutine and are followed by allocm's ProcStart/ProcStop); every other ProcSteal is a thread back
// from its syscall taking the P from the thread in a syscall with it, then on the same M ProcStart,
// GoSyscallEndBlocked, GoStart and the next GoSyscallBegin — 15 of them, ticks after the ProcSteal:
//   M 30409 17, M 30410 12, M 30411 11 (ProcSteal at 913978432919 … 433112);
//   M 30406 23, M 30410 18, M 30409 10 (472636 …);  M 30410 16, M 30406 14, M 30411 16 (490079 …);
//   M 30410 12, M 30411 15, M 30409 12 (507507 …);  M 30410 12, M 30409 11, M 30406 12 (524633 …).
// The last round's returns end their goroutines (GoDestroy) instead of another call: no window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { takeBackWindows } from '../../src/gotrace/takeback.js';
import { TraceError } from '../../src/gotrace/reader.js';
import { repoRoot } from './helpers.js';

const fixture = (name: string) => new Uint8Array(fs.readFileSync(path.join(repoRoot, 'test/gotrace/fixtures', name)));

test('takeBackWindows: each take-back until the next syscall, as read by hand from the trace; sysmon takes are not take-backs', () => {
  const ticks = [17, 12, 11, 23, 18, 10, 16, 14, 16, 12, 15, 12, 12, 11, 12];
  assert.deepEqual(takeBackWindows(fixture('takeback_go1_26_g4.trace')), ticks.map((t) => t * 64));
});

test('takeBackWindows refuses an old-format trace with a clear error', () => {
  assert.throws(() => takeBackWindows(fixture('cpu_sample_1_19.trace')), (e: unknown) => e instanceof TraceError && /take-backs need a Go ≥ 1\.22 trace/.test(e.message));
});

/// <reference types="node" />
// Thread creation read from a real trace (src/gotrace/newm_latency.ts, for gosched calibrate).
// fixtures/newm_go1_26_g8.trace: testdata/go/newm -procs 1 -g 8 -d 20000 with go1.26.11 on the
// 2-vCPU VM, 2026-12-06 11:42 UTC, while a `gosched validate` kept both vCPUs busy (load average
// 1.9): each new thread waited ~4 ms for a CPU. The expected figures were read by hand from the
// trace's Proc* events (ProcSteal / ProcStart / ProcStop with their M, in trace order):
//   take 1  2432.704 µs → ProcStart by M 23993, an M not seen before and no allocm: an idle M that
//           existed before the trace started — counted in neither list;
//   takes 2–6 (sysmon = M 23994 borrows the P, then a new M starts it):
//     take 2660.736  borrow 2661.632 → 2679.552  new M 23996 at 6746.432
//     take 6904.768  borrow 6906.304 → 6928.256  new M 23997 at 10693.184
//     take 10844.672 borrow 10846.336 → 10871.680 new M 23998 at 14686.208
//     take 14823.232 borrow 14824.448 → 14847.936 new M 23999 at 18700.480
//     take 18815.168 borrow 18816.448 → 18834.624 new M 24000 at 22691.776
//   takes 7–8: no borrow, an M seen before starts the P (back from its syscall, parked, woken):
//     take 22824.768 → M 23993 at 22841.792; take 23013.952 → M 23995 at 23030.336.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { newmLatencies } from '../../src/gotrace/newm_latency.js';
import { TraceError } from '../../src/gotrace/reader.js';
import { repoRoot } from './helpers.js';

const fixture = (name: string) => new Uint8Array(fs.readFileSync(path.join(repoRoot, 'test/gotrace/fixtures', name)));

test('newmLatencies: sysmon takes, allocm borrows and new threads starting, as read by hand from the trace', () => {
  const t = newmLatencies(fixture('newm_go1_26_g8.trace'));
  assert.equal(t.takes, 8);
  assert.deepEqual(t.newmStartNs, [4_085_696, 3_788_416, 3_841_536, 3_877_248, 3_876_608]);
  assert.deepEqual(t.allocmBorrowNs, [17_920, 21_952, 25_344, 23_488, 18_176]);
  assert.deepEqual(t.idleStartNs, [17_024, 16_384]);
});

test('newmLatencies refuses an old-format trace (no ProcSteal, no threads) with a clear error', () => {
  assert.throws(() => newmLatencies(fixture('cpu_sample_1_19.trace')), (e: unknown) => e instanceof TraceError && /needs a Go ≥ 1\.22 trace/.test(e.message));
});

// The Go trace writer when forEachP (the GC's mark-done flush) takes a P from a goroutine in a
// syscall: Go writes GoSysBlock and ProcStop then (proc.go forEachP), so the goroutine's later
// GoSysExit finds it blocked. Without them `go tool trace` finds no consistent order of events.
import assert from "node:assert/strict";
import { test } from "node:test";
import { V1Writer } from "../../src/gotrace/writer_v1.js";
import { readTrace } from "../../src/gotrace/reader.js";
import { GC, Syscall, compute, go, ms, program, simulate, sleep, us } from "../../src/index.js";
import { GoTraceObserver, TraceEv } from "../../src/observers/gotrace_writer.js";
import { EventLog } from "../helpers.js";
import { concat } from "./helpers.js";

test("forEachP taking a _Psyscall P writes GoSysBlock and ProcStop on that P; the trace reads back in order", () => {
  // The scenario of gcwork.test.ts: sysmon ticks every 5 ms, so forEachP at mark termination (a 1 ms
  // mark) is the one to take the syscall's P.
  const main = program("main", function* () {
    yield go(program("sys", function* () { yield compute(us(100)); yield Syscall(ms(30)); }));
    yield GC();
    yield sleep(ms(40)); // the call returns (GoSysExit) before the run ends
  });
  const chunks: Uint8Array[] = [];
  const enc = new V1Writer((c) => chunks.push(c.slice()), { batchBytes: 4096 });
  const log = new EventLog();
  let writer: GoTraceObserver | null = null;
  simulate({ gomaxprocs: 4, policy: "sysmon-tick=5ms", costs: { gcMarkNs: ms(1) }, main, check: true, observers: [log, (rt) => (writer = new GoTraceObserver(rt, enc, { record: true }))] });
  const took = log.first("forEachP", "took-syscall-p");
  const written = writer!.written;
  const ticksOf = (ns: number) => written.find((e) => e.type === TraceEv.GoSysCall)!.ticks - (log.first("entersyscall").timeNs - ns);
  const at = (type: number) => written.filter((e) => e.type === type && e.pid === took.p && Math.abs(e.ticks - ticksOf(took.timeNs)) <= 1);
  assert.equal(at(TraceEv.GoSysBlock).length, 1, "GoSysBlock on the P forEachP took, when it took it");
  assert.equal(at(TraceEv.ProcStop).length, 1, "and its ProcStop");
  assert.equal(written.filter((e) => e.type === TraceEv.GoSysExit).length, 1, "the call's return is a GoSysExit (it lost its P)");
  // Our reader orders events by Go's rules (goroutine sequence numbers and states) and throws when it cannot.
  const t = readTrace(concat(chunks));
  assert.equal(t.events.length, written.length);
});

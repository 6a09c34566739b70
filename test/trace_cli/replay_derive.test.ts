// Trace → replay derivation on traces the simulator writes itself (go1.19 format, synthetic stacks:
// test/writers), so no Go toolchain is needed: how a syscall entered the runtime is read from its
// stack, and --scale-site scales a site's typical duration.
import assert from "node:assert/strict";
import { test } from "node:test";
import { V1Writer } from "../../src/gotrace/writer_v1.js";
import { readTrace } from "../../src/gotrace/reader.js";
import { deriveWorkload, scaleSite, type Action } from "../../src/gotrace/replay.js";
import { GoTraceObserver } from "../../src/observers/gotrace_writer.js";
import { Syscall, cgocall, compute, ms, simulate, us } from "../../src/index.js";
import { buildReplayPrograms } from "../../src/workloads/trace_replay.js";
import { concat } from "../writers/helpers.js";
import { WaitGroup, type Instr, type OpArrayProgram } from "../../src/runtime/ops.js";

/** n workers running `body` (an op array: its ops have pcs, so the writer knows each op), traced. */
function traceOf(body: readonly Instr[], n = 2) {
  const chunks: Uint8Array[] = [];
  const enc = new V1Writer((c) => chunks.push(c.slice()));
  const wg = new WaitGroup();
  const worker: OpArrayProgram = { kind: "ops", name: "worker", code: [...body, { op: "wgAdd", wg, delta: -1 }], registers: 0 };
  const main: OpArrayProgram = { kind: "ops", name: "main", code: [{ op: "wgAdd", wg, delta: n }, ...Array.from({ length: n }, () => ({ op: "go" as const, program: worker })), { op: "wgWait", wg }], registers: 0 };
  simulate({ gomaxprocs: 1, main, observers: [(rt) => new GoTraceObserver(rt, enc, { record: false })] });
  return readTrace(concat(chunks));
}

const syscalls = (acts: readonly Action[]) => acts.filter((a): a is Extract<Action, { a: "syscall" }> => a.a === "syscall");

test("a cgo call (runtime.cgocall on its stack) replays as a cgo call, syscall.Syscall as a Syscall", () => {
  const t = traceOf([compute(us(50)), cgocall(ms(2), { site: "main.cquery" }), Syscall(ms(2), { site: "main.pread" })] as Instr[]);
  const w = deriveWorkload(t);
  const calls = w.goroutines.flatMap((g) => syscalls(g.actions));
  const cgo = calls.filter((a) => a.site.startsWith("main.cquery"));
  const sys = calls.filter((a) => a.site.startsWith("main.pread"));
  assert.ok(cgo.length === 2 && sys.length === 2, `sites: ${calls.map((a) => a.site).join("; ")}`);
  assert.ok(cgo.every((a) => a.via === "cgo"));
  assert.ok(sys.every((a) => a.via === "syscall"));
  const ops = [...buildReplayPrograms(w).programs.values()].flatMap((p) => p.code.map((i) => i.op));
  assert.equal(ops.filter((o) => o === "cgocall").length, 2);
  assert.equal(ops.filter((o) => o === "syscall").length, 2);
});

test("--scale-site adds (factor − 1) × the site's median duration to each timed call", () => {
  // 2 ms calls on one P: each loses its P (sysmon), so even the old format times them.
  const t = traceOf([Syscall(ms(2), { site: "main.pread" }), Syscall(ms(2), { site: "main.pread" })] as Instr[]);
  const w = deriveWorkload(t);
  const calls = w.goroutines.flatMap((g) => syscalls(g.actions)).filter((a) => a.timed);
  assert.ok(calls.length >= 3, `${calls.length} timed calls`);
  const before = calls.map((a) => a.ns);
  const sorted = [...before].sort((a, b) => a - b);
  const median = sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  assert.equal(scaleSite(w, "main.pread", 3), w.goroutines.flatMap((g) => syscalls(g.actions)).length);
  calls.forEach((a, i) => assert.equal(a.ns, Math.round(before[i]! + 2 * median)));
  assert.ok(median >= ms(2), `median ${median}`);
});


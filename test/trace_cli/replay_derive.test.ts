// Trace → replay derivation on traces the simulator writes itself (go1.19 format, synthetic stacks:
// test/writers), so no Go toolchain is needed: how a syscall entered the runtime is read from its
// stack, and --scale-site scales a site's typical duration.
import assert from "node:assert/strict";
import { test } from "node:test";
import { V1Writer } from "../../src/gotrace/writer_v1.js";
import { readTrace } from "../../src/gotrace/reader.js";
import { actionLists, deriveWorkload, scaleSite, type Action } from "../../src/gotrace/replay.js";
import { GoTraceObserver } from "../../src/observers/gotrace_writer.js";
import { Syscall, cgocall, compute, ms, simulate, us } from "../../src/index.js";
import { buildReplayPrograms } from "../../src/workloads/trace_replay.js";
import { concat } from "../writers/helpers.js";
import { Chan, Mutex, WaitGroup, type Instr, type OpArrayProgram } from "../../src/runtime/ops.js";
import type { Observer } from "../../src/runtime/events.js";
import { replayTrace } from "../../src/whatif.js";

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
  const calls = actionLists(w).flatMap((acts) => syscalls(acts));
  const cgo = calls.filter((a) => a.site.startsWith("main.cquery"));
  const sys = calls.filter((a) => a.site.startsWith("main.pread"));
  assert.ok(cgo.length === 2 && sys.length === 2, `sites: ${calls.map((a) => a.site).join("; ")}`);
  assert.ok(cgo.every((a) => a.via === "cgo"));
  assert.ok(sys.every((a) => a.via === "syscall"));
  const ops = [...buildReplayPrograms(w).programs.values()].flatMap((p) => (p.kind === "ops" ? p.code.map((i) => i.op) : []));
  assert.equal(ops.filter((o) => o === "cgocall").length, 2);
  assert.equal(ops.filter((o) => o === "syscall").length, 2);
});

test("--scale-site adds (factor − 1) × the site's median duration to each timed call", () => {
  // 2 ms calls on one P: each loses its P (sysmon), so even the old format times them.
  const t = traceOf([Syscall(ms(2), { site: "main.pread" }), Syscall(ms(2), { site: "main.pread" })] as Instr[]);
  const w = deriveWorkload(t);
  const calls = actionLists(w).flatMap((acts) => syscalls(acts)).filter((a) => a.timed);
  assert.ok(calls.length >= 3, `${calls.length} timed calls`);
  const before = calls.map((a) => a.ns);
  const sorted = [...before].sort((a, b) => a - b);
  const median = sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  assert.equal(scaleSite(w, "main.pread", 3), actionLists(w).flatMap((acts) => syscalls(acts)).length);
  calls.forEach((a, i) => assert.equal(a.ns, Math.round(before[i]! + 2 * median)));
  assert.ok(median >= ms(2), `median ${median}`);
});


test("a running burst far over its code path's median (the OS took the thread away) replays at the median", () => {
  // 2 workers × 40 items on 2 Ps: 20 µs of compute and a 1 µs call per item, but one compute in ten
  // draws 1.5 ms (what a trace from a loaded machine shows: the same code, its thread descheduled).
  const longNs = ms(1.5);
  const chunks: Uint8Array[] = [];
  const enc = new V1Writer((c) => chunks.push(c.slice()));
  const wg = new WaitGroup();
  const draw = { dist: "empirical" as const, valuesNs: [...Array.from({ length: 9 }, () => us(20)), longNs] };
  const worker: OpArrayProgram = {
    kind: "ops",
    name: "worker",
    code: [{ op: "loop", count: 40, register: 0, endPc: 3 }, { op: "compute", durationNs: draw }, Syscall(us(1), { site: "main.stat" }) as Instr, { op: "endloop", startPc: 0, register: 0 }, { op: "wgAdd", wg, delta: -1 }],
    registers: 1,
  };
  const main: OpArrayProgram = { kind: "ops", name: "main", code: [{ op: "wgAdd", wg, delta: 2 }, { op: "go", program: worker }, { op: "go", program: worker }, { op: "wgWait", wg }], registers: 0 };
  simulate({ gomaxprocs: 2, main, seed: 3, observers: [(rt) => new GoTraceObserver(rt, enc, { record: false })] });
  const t = readTrace(concat(chunks));
  // Independently of the derivation: the running time between a goroutine's consecutive syscalls
  // (a preemption in between does not count) over 1 ms. Before its first syscall a goroutine's burst
  // has no such path: one per worker, too few to have a median, and never shortened.
  const run = new Map<number, { ns: number; from: number; calls: number }>();
  let long = 0;
  for (const e of t.events) {
    if (e.g <= 0) continue;
    const r = run.get(e.g) ?? { ns: 0, from: -1, calls: 0 };
    run.set(e.g, r);
    if (e.type === "GoSysCall") {
      if (r.calls > 0 && r.from >= 0 && r.ns + e.tsNs - r.from > ms(1)) long++;
      r.calls++;
      r.ns = 0;
      r.from = e.tsNs;
    } else if (e.type === "GoPreempt") {
      r.ns += e.tsNs - r.from;
      r.from = -1;
    } else if (e.type === "GoStart") r.from = r.from < 0 ? e.tsNs : r.from;
  }
  assert.ok(long >= 3, `${long} long bursts in the trace`);
  const w = deriveWorkload(t);
  assert.equal(w.deinflated.bursts, long);
  assert.ok(w.deinflated.removedNs > long * (longNs - us(100)) && w.deinflated.removedNs < long * (longNs + us(50)), `removed ${w.deinflated.removedNs} ns of ${long} bursts`);
  const workers = w.goroutines.filter((g) => g.func.endsWith("worker"));
  assert.equal(workers.length, 2);
  for (const g of workers) {
    const compute = g.actions.filter((a): a is Extract<Action, { a: "compute" }> => a.a === "compute");
    assert.ok(compute.length >= 39, `${compute.length} bursts`);
    // (The first burst, from the goroutine's start, is a path of its own with too few samples.)
    assert.ok(compute.slice(1).every((a) => a.ns < us(100)), `bursts ${compute.map((a) => a.ns).join(", ")}`);
  }
  assert.ok(w.notes.some((n) => n.includes("replay at the median")), w.notes.join("\n"));
});

test("workers receiving from one channel replay as a pool: any free worker takes the next item", () => {
  // 4 workers of one program take items from one channel (each item: 20 µs of compute and a 500 µs
  // call), a worker taking 4 or 20 items (its loop count, drawn per worker), then each holds a mutex
  // over a 2 ms call (the workers that end together hand it on: a chain of wakes among them);
  // traced at GOMAXPROCS=1.
  const chunks: Uint8Array[] = [];
  const enc = new V1Writer((c) => chunks.push(c.slice()));
  const items = new Chan(4, "items");
  const wg = new WaitGroup();
  const mu = new Mutex();
  const worker: OpArrayProgram = {
    kind: "ops",
    name: "worker",
    code: [
      { op: "loop", count: { dist: "empirical", valuesNs: [4, 20] }, register: 0, endPc: 4 },
      { op: "recv", chan: items },
      compute(us(20)) as Instr,
      Syscall(us(500), { site: "main.diskRead" }) as Instr,
      { op: "endloop", startPc: 0, register: 0 },
      { op: "lock", mutex: mu },
      Syscall(ms(2), { site: "main.flush" }) as Instr,
      { op: "unlock", mutex: mu },
      { op: "wgAdd", wg, delta: -1 },
    ],
    registers: 1,
  };
  const producer: OpArrayProgram = { kind: "ops", name: "producer", code: [{ op: "loop", count: 200, register: 0, endPc: 2 }, { op: "send", chan: items }, { op: "endloop", startPc: 0, register: 0 }], registers: 1 };
  const main: OpArrayProgram = { kind: "ops", name: "main", code: [{ op: "wgAdd", wg, delta: 4 }, ...Array.from({ length: 4 }, () => ({ op: "go" as const, program: worker })), { op: "go", program: producer }, { op: "wgWait", wg }], registers: 0 };
  simulate({ gomaxprocs: 1, main, seed: 1, observers: [(rt) => new GoTraceObserver(rt, enc, { record: false })] });
  const t = readTrace(concat(chunks));
  // What each worker did in the trace, from the trace's own events (not the derivation).
  const perWorker = new Map<number, number>();
  const funcOf = new Map(deriveWorkload(t, { pools: false }).goroutines.map((g) => [g.g, g.func]));
  for (const e of t.events) if (e.type === "GoSysCall" && funcOf.get(e.g) === "main.worker") perWorker.set(e.g, (perWorker.get(e.g) ?? 0) + 1);
  // (Each worker's last call is main.flush.)
  const traced = [...perWorker.values()].map((n) => n - 1);
  const total = traced.reduce((a, b) => a + b, 0);
  assert.ok(Math.max(...traced) - Math.min(...traced) >= 10, `items per worker in the trace: ${traced.join(", ")}`);
  const w = deriveWorkload(t);
  assert.equal(w.pools.length, 1, w.notes.join("\n"));
  const pool = w.pools[0]!;
  assert.deepEqual([...pool.members].sort(), [...perWorker.keys()].sort());
  assert.equal(pool.items.length, total);
  assert.ok(pool.items.every((it) => syscalls(it).length === 1 && syscalls(it)[0]!.site.startsWith("main.diskRead")), "an item per call");
  assert.ok(pool.anchor?.startsWith("main.diskRead"), `anchor ${pool.anchor}`);
  // Replayed at 4 Ps: every worker does about a quarter of the items (entersyscall per goroutine),
  // where the unpooled replay keeps the trace's split; the invariants hold after every event.
  class PerG {
    readonly calls = new Map<number, number>();
    onEvent(e: { fn: string; goid: number }) {
      if (e.fn === "entersyscall") this.calls.set(e.goid, (this.calls.get(e.goid) ?? 0) + 1);
    }
  }
  const per = new PerG();
  const r = replayTrace(t, { gomaxprocs: 4, check: true, whatIfObservers: [per as unknown as Observer] });
  assert.equal(r.whatIf!.result.stoppedBy, "main-exited");
  assert.ok(!r.workload.notes.some((n) => n.includes("deadlocked")), r.workload.notes.join("\n"));
  assert.ok(w.edges.size > 0 && actionLists(w).flat().some((a) => a.a === "wait" && /^\d+>\d+$/.test(a.chan) && pool.members.includes(a.from)), "the mutex hand-offs among the workers keep their pairs");
  assert.equal(r.whatIf!.metrics.syscalls.total, total + 4);
  const split = [...per.calls.values()];
  assert.equal(split.length, 4);
  assert.ok(Math.max(...split) - Math.min(...split) <= 2, `calls per worker in the what-if: ${split.join(", ")}`);
  // Independently: 4 workers, `total` items of ≥ 520 µs each → at least total/4 × 520 µs (+ the
  // last worker's 2 ms call under the mutex); at most the busiest traced worker's share and the 4
  // calls under the mutex one after the other.
  const m = r.whatIf!.metrics.makespanNs;
  assert.ok(m >= (total / 4) * us(520) + ms(2) && m < Math.max(...traced) * us(520) + 4 * ms(2), `makespan ${m} ns for ${total} items (traced split ${traced.join(", ")})`);
});

// npm run bench: simulator speed (runtime events per second) and memory (bytes per goroutine).
// Goals (issues #2, #14): ≥ 5 M events/s at 1e4 goroutines, ≥ 2 M at 1e6, ≤ 96 B per op-array goroutine.
// Speed is given per second of wall clock and per second of the process's CPU time (process.cpuUsage:
// on a shared machine the wall clock counts the time other processes hold the CPUs). A 1e4 run is
// ~30 ms, shorter than V8's tier-up (which a loaded machine slows further): it is run 15 times after
// the warm-up and the first of them (cold) and the median of the last 7 (warm) are reported.
import { performance } from "node:perf_hooks";
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { Chan, WaitGroup } from "../src/runtime/ops.js";
import type { Instr, OpArrayProgram, Program } from "../src/runtime/ops.js";
import { simulate } from "../src/simulate.js";
import type { Observer } from "../src/runtime/events.js";
import { program, compute, Syscall, wgDone, wgAdd, wgWait, go, recv } from "../src/workloads/api.js";

const ops = (name: string, code: Instr[], registers = 0): OpArrayProgram => ({ kind: "ops", name, code, registers });

/** main: wg.Add(n); repeat n { go worker }; wg.Wait() — as an op array. */
function fanOutOps(n: number, worker: Program, wg: WaitGroup): OpArrayProgram {
  return ops("main", [
    { op: "wgAdd", wg, delta: n },
    { op: "loop", count: n, register: 0, endPc: 3 },
    { op: "go", program: worker },
    { op: "endloop", startPc: 1, register: 0 },
    { op: "wgWait", wg },
  ], 1);
}

function workerOps(wg: WaitGroup): OpArrayProgram {
  return ops("worker", [
    { op: "loop", count: 3, register: 0, endPc: 3 },
    { op: "compute", durationNs: 2000 },
    { op: "syscall", wrapper: "Syscall", durationNs: 5000, timing: "exact", site: "bench" },
    { op: "endloop", startPc: 0, register: 0 },
    { op: "wgAdd", wg, delta: -1 },
  ], 1);
}

function workerGen(wg: WaitGroup): Program {
  return program("worker", function* () {
    for (let i = 0; i < 3; i++) {
      yield compute(2000);
      yield Syscall(5000);
    }
    yield wgDone(wg);
  });
}

class Counter implements Observer {
  n = 0;
  onEvent(): void {
    this.n++;
  }
}

function speed(label: string, n: number, generator: boolean, reps = 1): void {
  const runs = Array.from({ length: reps }, () => speedOnce(n, generator));
  const m = (x: number): string => (x / 1e6).toFixed(2).padStart(6);
  const line = (what: string, r: (typeof runs)[number]): void =>
    console.log(
      `${`${label}${what}`.padEnd(46)} ${String(r.events).padStart(10)} runtime events  ${String(r.engineEvents).padStart(9)} engine events  ${m(r.wallPerSec)} M runtime events/s (wall), ${m(r.cpuPerSec)} per CPU-second  (${r.stoppedBy})`,
    );
  if (reps === 1) return line("", runs[0]!);
  line(", first run", runs[0]!);
  const warm = runs.slice(-7).sort((a, b) => a.cpuPerSec - b.cpuPerSec);
  line(`, median of last ${warm.length}`, warm[warm.length >> 1]!);
}

function speedOnce(n: number, generator: boolean): { events: number; engineEvents: number; wallPerSec: number; cpuPerSec: number; stoppedBy: string } {
  const wg = new WaitGroup();
  const worker = generator ? workerGen(wg) : workerOps(wg);
  const main = generator
    ? program("main", function* () {
        yield wgAdd(wg, n);
        for (let i = 0; i < n; i++) yield go(worker);
        yield wgWait(wg);
      })
    : fanOutOps(n, worker, wg);
  const counter = new Counter();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const { result } = simulate({ gomaxprocs: 8, seed: 1, main, observers: [counter], metrics: false });
  const cpu = process.cpuUsage(c0);
  const seconds = (performance.now() - t0) / 1000;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { events: counter.n, engineEvents: result.eventCount, wallPerSec: counter.n / seconds, cpuPerSec: counter.n / cpuSeconds, stoppedBy: result.stoppedBy };
}

function memory(label: string, n: number, generator: boolean): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    console.log("memory: run with node --expose-gc (npm run bench does)");
    return;
  }
  // Every goroutine blocks on one channel, so all n are alive at once.
  const block = new Chan(0);
  const worker = generator
    ? program("worker", function* () {
        yield recv(block);
      })
    : ops("worker", [{ op: "recv", chan: block }]);
  const main = generator
    ? program("main", function* () {
        for (let i = 0; i < n; i++) yield go(worker);
        yield recv(new Chan(0));
      })
    : ops("main", [
        { op: "loop", count: n, register: 0, endPc: 2 },
        { op: "go", program: worker },
        { op: "endloop", startPc: 0, register: 0 },
        { op: "recv", chan: new Chan(0) },
      ], 1);
  gc();
  gc();
  const before = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const { runtime: rt } = simulate({ gomaxprocs: 4, seed: 1, maxEvents: 50 * n, main, metrics: false });
  gc();
  gc();
  const after = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  console.log(`${label.padEnd(46)} ${n} goroutines alive: ${((after - before) / n).toFixed(1)} B per goroutine (${rt.liveGoroutines} live)`);
}

// Each memory figure is taken in a fresh process, so no earlier garbage skews the heap delta.
const which = process.argv[2];
if (which === "memory-ops") memory("memory, op-array", 1e6, false);
else if (which === "memory-generator") memory("memory, generator", 2e5, true);
else {
  console.log(`node ${process.version}; load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  speed("(warm-up)", 2e4, false);
  speed("(warm-up)", 2e4, true);
  speed("op-array, 1e4 goroutines", 1e4, false, 15);
  speed("op-array, 1e6 goroutines", 1e6, false);
  speed("generator, 1e4 goroutines", 1e4, true, 15);
  speed("generator, 1e6 goroutines", 1e6, true);
  for (const m of ["memory-ops", "memory-generator"]) {
    const r = spawnSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), m], { encoding: "utf8" });
    process.stdout.write(r.stdout + r.stderr);
  }
}

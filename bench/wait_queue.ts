// node dist/bench/wait_queue.js: wait-queue cost with many goroutines parked on one channel or
// one Mutex (issue #17). n goroutines park, then main wakes them one by one (n sends; or one
// Unlock that starts a hand-off chain). With O(1) dequeue the time per goroutine stays flat as n
// grows tenfold; with Array.shift (O(n) per dequeue) it grows with n.
import { performance } from "node:perf_hooks";
import { Chan, Mutex } from "../src/runtime/ops.js";
import type { Instr, OpArrayProgram } from "../src/runtime/ops.js";
import { simulate } from "../src/simulate.js";

const ops = (name: string, code: Instr[], registers = 0): OpArrayProgram => ({ kind: "ops", name, code, registers });

/** n receivers park on ch; after 1 s (all parked) main sends n times, each send readying the head. */
function channel(n: number): OpArrayProgram {
  const ch = new Chan(0);
  const worker = ops("receiver", [{ op: "recv", chan: ch }]);
  return ops("main", [
    { op: "loop", count: n, register: 0, endPc: 2 },
    { op: "go", program: worker },
    { op: "endloop", startPc: 0, register: 0 },
    { op: "sleep", durationNs: 1e9 },
    { op: "loop", count: n, register: 0, endPc: 6 },
    { op: "send", chan: ch },
    { op: "endloop", startPc: 4, register: 0 },
  ], 1);
}

/** main holds mu while n goroutines park in Lock; its Unlock starts a chain of n hand-offs. */
function mutex(n: number): OpArrayProgram {
  const mu = new Mutex();
  const worker = ops("locker", [{ op: "lock", mutex: mu }, { op: "unlock", mutex: mu }]);
  return ops("main", [
    { op: "lock", mutex: mu },
    { op: "loop", count: n, register: 0, endPc: 3 },
    { op: "go", program: worker },
    { op: "endloop", startPc: 1, register: 0 },
    { op: "sleep", durationNs: 1e9 },
    { op: "unlock", mutex: mu },
    { op: "sleep", durationNs: 1e9 },
  ], 1);
}

function measure(label: string, n: number, make: (n: number) => OpArrayProgram): void {
  const main = make(n);
  const t0 = performance.now();
  const { result } = simulate({ gomaxprocs: 4, seed: 1, maxEvents: 100 * n, main, metrics: false });
  const ms = performance.now() - t0;
  console.log(`${label.padEnd(28)} n=${String(n).padStart(6)}  ${ms.toFixed(0).padStart(6)} ms  ${((ms * 1e6) / n).toFixed(0).padStart(6)} ns per goroutine  (${result.stoppedBy})`);
}

console.log(`node ${process.version}`);
measure("(warm-up)", 1e4, channel);
measure("(warm-up)", 1e4, mutex);
for (const n of [1e4, 1e5]) measure("channel: n receivers parked", n, channel);
for (const n of [1e4, 1e5]) measure("mutex: n lockers parked", n, mutex);

// A syscall shorter than blocking and waking would cost stays on its thread's CPU (src/runtime/
// syscall.ts staysOnCpu): a 1 µs getpid-like call costs about 1 µs, not a sleep and a 5 µs wake-up.
import assert from "node:assert/strict";
import { test } from "node:test";
import { us } from "../../src/base/time.js";
import { simulate } from "../../src/simulate.js";
import { RawSyscall, Syscall, program } from "../../src/workloads/api.js";

const calls = 200;
function perCallNs(call: typeof Syscall, durationNs: number): number {
  const main = program("main", function* () {
    for (let i = 0; i < calls; i++) yield call(durationNs);
  });
  const sim = simulate({ gomaxprocs: 1, seed: 1, main, check: true });
  return sim.metrics.makespanNs / calls;
}

test("a short call stays on the CPU; a long one blocks and pays the wake-up", () => {
  const { machine } = simulate({ gomaxprocs: 1, main: program("m", function* () {}) }).config;
  const wakeNs = machine.wakeCpuNs + machine.contextSwitchNs;
  assert.ok(wakeNs > us(2), `the default machine charges a wake-up (${wakeNs} ns)`);
  for (const call of [Syscall, RawSyscall]) {
    const short = perCallNs(call, us(1));
    assert.ok(short < us(1) + wakeNs / 2, `${call.name}(1µs): ${short} ns per call`);
    const long = perCallNs(call, wakeNs + us(20));
    assert.ok(long >= wakeNs + us(20) + machine.wakeCpuNs, `${call.name}(${wakeNs + us(20)} ns): ${long} ns per call`);
  }
});

// The GC's work between its stop-the-worlds (go1.19): dedicated mark workers, forEachP taking Ps out
// of syscalls at mark termination, sysmon's forced GC.
import assert from "node:assert/strict";
import { test } from "node:test";
import { GC, Syscall, compute, go, ms, program, sec, simulate, sleep, us } from "../../src/index.js";
import { dedicatedMarkWorkers } from "../../src/runtime/gcwork.js";
import { go119Costs } from "../../src/profiles/go1_19.js";
import { _Psyscall } from "../../src/runtime/runtime2.js";
import { EventLog } from "../helpers.js";

test("dedicated mark workers: int(GOMAXPROCS×0.25 + 0.5), one less when that overshoots 25 % by 30 %", () => {
  const got = [1, 2, 3, 4, 5, 6, 8, 16].map(dedicatedMarkWorkers);
  assert.deepEqual(got, [0, 0, 0, 1, 1, 1, 2, 4]);
});

test("GOMAXPROCS=4: one P runs a dedicated mark worker for the whole mark phase", () => {
  const log = new EventLog();
  const main = program("main", function* () {
    yield go(program("busy", function* () { yield compute(ms(5)); }));
    yield GC();
  });
  simulate({ gomaxprocs: 4, main, observers: [log], check: true });
  const dedicated = log.of("gcMarkWorker").filter((e) => e.mode === "dedicated");
  assert.equal(dedicated.length, 1);
  const restart = log.first("startTheWorldWithSema");
  const worker = dedicated[0]!;
  assert.ok(worker.timeNs - restart.timeNs < 100_000, "it starts as soon as the world restarts");
  // It computes until marking ends, then parks.
  const park = log.of("gopark").find((e) => e.goid === worker.goid)!;
  assert.ok(Math.abs(park.timeNs - (restart.timeNs + go119Costs.gcMarkNs)) <= 1000, `parked at ${park.timeNs}`);
});

test("forEachP at mark termination takes a P out of _Psyscall before sysmon does", () => {
  // While marking, idle mark workers fill the idle Ps, so sysmon would take the syscall's P on its
  // second look; a 5 ms sysmon tick leaves it to forEachP at mark termination (a 1 ms mark here).
  const log = new EventLog();
  const main = program("main", function* () {
    // The syscall starts while marking (a sleeping G would wait: idle mark workers hold the idle Ps and
    // only look for runnable goroutines, not timers — pollWork).
    yield go(program("sys", function* () { yield compute(us(100)); yield Syscall(ms(30)); }));
    yield GC();
  });
  const sim = simulate({ gomaxprocs: 4, policy: "sysmon-tick=5ms", costs: { gcMarkNs: ms(1) }, main, observers: [log], check: true });
  const took = log.first("forEachP", "took-syscall-p");
  assert.equal(took.pFrom, _Psyscall);
  const markDone = log.first("gcMarkDone");
  assert.equal(took.timeNs, markDone.timeNs);
  assert.ok(took.timeNs < ms(3));
  assert.equal(log.of("retake").filter((e) => e.reason !== "preempt-long-running").length, 0, "sysmon never had to");
  assert.ok(sim.metrics.syscalls.lostP >= 1);
});

test("sysmon forces a GC cycle every 2 minutes when none ran", () => {
  const main = program("main", function* () {
    for (let i = 0; i < 26; i++) yield sleep(sec(10));
  });
  const sim = simulate({ gomaxprocs: 2, main, check: true });
  assert.equal(sim.metrics.gc.forced, 2);
  assert.equal(sim.metrics.gc.cycles, 2);
});

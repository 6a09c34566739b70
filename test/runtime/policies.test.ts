// Per syscall policy, a scenario where its documented effect shows (docs/policies.md).
import assert from "node:assert/strict";
import { test } from "node:test";
import { Syscall, compute, go, ms, program, simulate, us } from "../../src/index.js";
import { exactMachine, go119Costs } from "../../src/profiles/go1_19.js";
import { parsePolicy } from "../../src/policies/index.js";
import { EventLog, fanOut } from "../helpers.js";


/** GOMAXPROCS=1: a goroutine blocks 50 ms in a syscall while another is runnable behind it. */
const behind = program("main", function* () {
  yield go(program("behind", function* () { yield compute(us(100)); }));
  yield Syscall(ms(50));
});

test("immediate-handoff: no runnable goroutine waits behind a syscall longer than a thread wake", () => {
  // Exact latencies (no spread, a CPU per thread): the bound is one median thread wake.
  const sim = simulate({ gomaxprocs: 1, policy: "immediate-handoff", main: behind, machine: exactMachine, check: true });
  assert.equal(sim.metrics.handoffs.blockingSyscall, 1);
  assert.equal(sim.metrics.handoffs.sysmonRetake, 0);
  const bound = go119Costs.futexWakeNs + 2 * go119Costs.scheduleNs;
  assert.ok(sim.metrics.schedLatencyNs.maxNs <= bound, `waited ${sim.metrics.schedLatencyNs.maxNs} ns > ${bound}`);
  // Today's design makes it wait for sysmon's second look (≥ one 76 µs period).
  const today = simulate({ gomaxprocs: 1, main: behind, check: true });
  assert.ok(today.metrics.schedLatencyNs.maxNs > 76_000);
});

test("never-retake: on GOMAXPROCS=1 the makespan is the serialized sum of the calls", () => {
  const main = fanOut(8, function* () { for (let i = 0; i < 5; i++) yield Syscall(ms(10)); });
  const sim = simulate({ gomaxprocs: 1, policy: "never-retake", main, check: true });
  assert.equal(sim.metrics.syscalls.total, 0);
  assert.equal(sim.metrics.handoffs.sysmonRetake, 0);
  assert.ok(Math.abs(sim.metrics.makespanNs - ms(400)) < ms(1), `makespan ${sim.metrics.makespanNs}`);
  assert.equal(sim.metrics.threadsCreated, 0);
});

test("sysmon-tick=1ms: the retake behind a syscall comes one to two 1 ms ticks late", () => {
  const log = new EventLog();
  simulate({ gomaxprocs: 1, policy: "sysmon-tick=1ms", main: behind, observers: [log], check: true });
  const enter = log.first("entersyscall");
  const retake = log.first("retake");
  const delay = retake.timeNs - enter.timeNs;
  assert.ok(delay >= ms(1) && delay <= ms(2.2), `retaken after ${delay} ns`);
  const ticks = log.of("sysmon", "wake").map((e) => e.delayUs);
  assert.ok(ticks.every((t) => t >= 1000), "sysmon never sleeps less than 1 ms");
});

test("dedicated-syscall-thread: no P ever waits on a syscall, at the cost of a thread wake-up per call", () => {
  const main = fanOut(4, function* () { for (let i = 0; i < 10; i++) { yield compute(us(20)); yield Syscall(us(500)); } });
  const log = new EventLog();
  const sim = simulate({ gomaxprocs: 2, policy: "dedicated-syscall-thread", main, observers: [log], check: true });
  assert.equal(sim.metrics.syscalls.total, 40);
  assert.equal(sim.metrics.syscalls.lostP, 0);
  assert.equal(sim.metrics.handoffs.sysmonRetake, 0);
  const created = log.of("newm", "syscall-thread").length;
  const woken = log.of("notewakeup", "syscall-thread").length;
  assert.equal(created + woken, 40, "each call starts or wakes a syscall thread");
  assert.ok(woken > created);
});

test("policies parse; a bad one is a clear error", () => {
  assert.deepEqual(parsePolicy("sysmon-tick=250us"), { name: "sysmon-tick", tickNs: 250_000 });
  assert.throws(() => parsePolicy("handoff-later"), /unknown policy "handoff-later"; expected one of: sysmon-retake/);
  assert.throws(() => parsePolicy("sysmon-tick=10ns"), /at least 1us/);
});

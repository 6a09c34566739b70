// Worked examples of the go1.19 syscall rules (runtime/proc.go: reentersyscall, retake, handoffp,
// exitsyscallfast, exitsyscall0), each built as a scenario and checked step by step against them. Invariants are checked after every event.
import assert from "node:assert/strict";
import { test } from "node:test";
import { simulate, program, compute, go, Read, Syscall, ms } from "../../src/index.js";
import { sleepActualNs } from "../../src/runtime/config.js";
import { thisMachine } from "../../src/profiles/go1_19.js";
import { _Grunnable, _Psyscall } from "../../src/runtime/runtime2.js";
import { EventLog } from "../helpers.js";

const sysmonPeriodNs = sleepActualNs(thisMachine, 20_000); // 76 µs here

test("example 1: GOMAXPROCS=1, G1 blocks in Read with G2 in runnext → retake, new M runs G2, G1 exits slow", () => {
  const log = new EventLog();
  const g2 = program("G2", function* () {
    yield compute(ms(300));
  });
  const main = program("G1", function* () {
    yield go(g2);
    yield Read(ms(100));
  });
  const sim = simulate({ gomaxprocs: 1, main, observers: [log], check: true, startIdleThreads: 0 });
  assert.equal(sim.result.stoppedBy, "main-exited");

  const enter = log.first("entersyscall");
  const retake = log.first("retake");
  assert.equal(retake.reason, "runq-not-empty", "retaken because G2 waits in the P's runq");
  assert.equal(retake.pFrom, _Psyscall);
  // First sight on the first pass during the call (main's P has counted the os package's start-up
  // syscalls, go1.19), retake on the next pass.
  const passes = log.of("sysmon", "wake").map((e) => e.timeNs).filter((t) => t > enter.timeNs);
  assert.equal(retake.timeNs, passes[1], `retake after ${retake.timeNs - enter.timeNs} ns, on the second pass`);
  // handoffp: runq not empty → startm(P, false) → no idle M → newm.
  assert.equal(log.first("handoffp").reason, "has-work");
  assert.equal(sim.metrics.threadsCreated, 1);
  // The new M runs G2 taken from runnext (it inherits the time slice).
  const exec2 = log.of("execute").find((e) => e.goid === 2)!;
  assert.equal(exec2.inheritTime, true);
  // At 100 ms the old P is running G2 and no P is idle: exitsyscall0 queues G1 globally and the M stops.
  assert.equal(sim.metrics.syscalls.slow, 1);
  const slow = log.first("exitsyscall0");
  assert.equal(slow.reason, "no-p");
  assert.equal(slow.gTo, _Grunnable);
  // G1 runs again once sysmon preempts G2 (10 ms slices), never more than one slice after its return.
  const resumed = log.of("execute").filter((e) => e.goid === 1).at(-1)!;
  assert.ok(resumed.timeNs - slow.timeNs <= ms(10) + 2 * sysmonPeriodNs * 200, `G1 waited ${resumed.timeNs - slow.timeNs} ns`);
  assert.ok(sim.metrics.sysmon.preemptions >= 1);
  assert.ok(log.of("gopreempt_m").some((e) => e.goid === 2));
});

test("example 2: GOMAXPROCS=1, G1 blocks and nothing else is runnable → retake, spinning M, P idle, fastIdleP", () => {
  const log = new EventLog();
  const main = program("G1", function* () {
    yield Syscall(ms(5));
  });
  const sim = simulate({ gomaxprocs: 1, main, observers: [log], check: true, startIdleThreads: 0 });
  const retake = log.first("retake");
  assert.equal(retake.reason, "no-spinning-m-or-idle-p");
  assert.equal(log.first("handoffp").reason, "start-spinning");
  const newm = log.first("newm", "spinning");
  assert.ok(newm.timeNs === retake.timeNs);
  // The spinning M finds nothing: its P goes idle and it parks.
  assert.ok(log.of("stopm").length >= 1);
  // sysmon then sleeps deeply: every P is idle.
  assert.ok(log.of("sysmon", "deep-sleep").length >= 1);
  // On return the old P is idle, not _Psyscall: exitsyscallfast takes an idle P and wakes sysmon.
  assert.equal(sim.metrics.syscalls.fastIdleP, 1);
  assert.equal(sim.metrics.syscalls.fastSameP, 0);
  assert.ok(log.of("notewakeup", "sysmonnote").length >= 1);
});

test("example 3: GOMAXPROCS=4 with 3 idle Ps → the syscall keeps its P for 10 ms after sysmon first saw it", () => {
  const short = new EventLog();
  const s1 = simulate({ gomaxprocs: 4, main: program("G1", function* () { yield Syscall(ms(8)); }), observers: [short], check: true });
  assert.equal(s1.metrics.handoffs.sysmonRetake, 0, "an 8 ms call never loses its P");
  assert.equal(s1.metrics.syscalls.fastSameP, 1);

  const long = new EventLog();
  const s2 = simulate({ gomaxprocs: 4, main: program("G1", function* () { yield Syscall(ms(30)); }), observers: [long], check: true });
  const enter = long.first("entersyscall");
  const retake = long.first("retake");
  // Both 10 ms rules fire on the same pass here: the syscall's keep-P window (rule b) and the P's
  // unchanged schedtick (the sysretake bypass); sysretake is checked first, as in proc.go.
  assert.ok(["syscall-over-10ms", "sysretake"].includes(retake.reason), retake.reason);
  // sysmon saw the call on its first pass after entry; the retake comes on the first pass ≥ 10 ms later.
  const passes = long.of("sysmon", "wake").map((e) => e.timeNs);
  const firstSight = passes.find((t) => t > enter.timeNs)!;
  assert.ok(retake.timeNs >= firstSight + ms(10));
  const before = passes.filter((t) => t < retake.timeNs).at(-1)!;
  assert.ok(before < firstSight + ms(10), "no earlier pass qualified");
  // handoffp step 8: the last running P and nobody polls the network → startm(P, false).
  assert.equal(long.first("handoffp").reason, "last-running-p");
  assert.equal(s2.metrics.syscalls.fastIdleP + s2.metrics.syscalls.fastSameP, 1);
});

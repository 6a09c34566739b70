// Per version profile, a test of the rule that differs from go1.19 (docs/profiles.md).
import assert from "node:assert/strict";
import { test } from "node:test";
import { Syscall, compute, go, ms, program, simulate, sleep, tightLoop, us } from "../../src/index.js";
import type { Observer, RuntimeEvent } from "../../src/runtime/events.js";
import type { Runtime } from "../../src/runtime/runtime.js";
import { _Prunning, _Psyscall } from "../../src/runtime/runtime2.js";
import { EventLog, fanOut } from "../helpers.js";


test("go1.10: reentersyscall keeps m.p; exitsyscallfast CASes _Psyscall straight to _Prunning", () => {
  const log = new EventLog();
  let keptMp = false;
  const watch = (rt: Runtime): Observer => ({
    onEvent(e: Readonly<RuntimeEvent>) {
      if (e.fn === "entersyscall") keptMp = rt.allm[e.m]!.p?.id === e.p && rt.allm[e.m]!.oldp === null;
    },
  });
  simulate({ profile: "go1.10", gomaxprocs: 2, main: program("main", function* () { yield Syscall(us(30)); }), observers: [log, watch], check: true });
  assert.ok(keptMp, "m.p still points at the P in _Psyscall");
  const fast = log.first("exitsyscallfast");
  assert.equal(fast.pFrom, _Psyscall);
  assert.equal(fast.pTo, _Prunning, "no _Pidle step, no wirep");
  assert.equal(log.of("acquirep").filter((e) => e.timeNs === fast.timeNs).length, 0);
});

test("go1.10: no sysretake — a goroutine making many short syscalls keeps its P past 10 ms", () => {
  // GOMAXPROCS=4 with idle Ps: rule b spares each short syscall; go1.19's sysretake takes the P once
  // the goroutine has run 10 ms on one schedtick, go1.10 never does.
  const main = program("main", function* () {
    for (let i = 0; i < 400; i++) yield Syscall(us(100));
  });
  const v19 = simulate({ profile: "go1.19", gomaxprocs: 4, main, check: true }).metrics;
  const v10 = simulate({ profile: "go1.10", gomaxprocs: 4, main, check: true }).metrics;
  assert.ok(v19.handoffs.sysmonRetake > 0, `go1.19 retakes ${v19.handoffs.sysmonRetake}`);
  assert.equal(v10.handoffs.sysmonRetake, 0);
});

test("go1.10: a tight loop is never preempted; go1.19 preempts it asynchronously", () => {
  const spinner = program("spinner", function* () { yield tightLoop(ms(50)); });
  const main = program("main", function* () {
    yield go(spinner);
    yield sleep(us(100)); // let the spinner take the only P
    yield compute(us(10));
  });
  const l10 = new EventLog();
  const l19 = new EventLog();
  const r10 = simulate({ profile: "go1.10", gomaxprocs: 1, main, check: true, observers: [l10] });
  const r19 = simulate({ profile: "go1.19", gomaxprocs: 1, main, check: true, observers: [l19] });
  // go1.10: sysmon asks, but nothing stops a loop without calls; the request lands when it returns.
  assert.ok(l10.of("gopreempt_m").every((e) => e.timeNs >= ms(50)), "no preemption inside the loop");
  assert.ok(l10.of("preemptone").length > 0);
  assert.ok(r10.metrics.makespanNs >= ms(50), `go1.10 main waits for the loop: ${r10.metrics.makespanNs}`);
  // go1.19: SIGURG stops the loop preemptSignalNs after sysmon's request.
  const req = l19.first("preemptone");
  const stop = l19.first("gopreempt_m");
  assert.ok(req.timeNs >= ms(10));
  assert.equal(stop.timeNs - req.timeNs, 5_000);
  assert.ok(r19.metrics.makespanNs < r10.metrics.makespanNs);
});

test("go1.10: timerproc goroutines sleep in entersyscallblock — a blocked thread per active bucket", () => {
  // 4 sleepers on 4 Ps use 4 timer buckets; each bucket's timerproc holds a thread in notetsleepg.
  const main = fanOut(4, function* () {
    yield compute(us(200));
    for (let i = 0; i < 5; i++) yield sleep(ms(2));
  });
  const v10 = simulate({ profile: "go1.10", gomaxprocs: 4, main, check: true, startIdleThreads: 0 }).metrics;
  const v19 = simulate({ profile: "go1.19", gomaxprocs: 4, main, check: true, startIdleThreads: 0 }).metrics;
  assert.ok(v10.handoffs.blockingSyscall >= 4, `timerprocs slept via entersyscallblock ${v10.handoffs.blockingSyscall} times`);
  assert.equal(v19.handoffs.blockingSyscall, 0);
  assert.ok(v10.threadsPeak > v19.threadsPeak, `threads ${v10.threadsPeak} (go1.10) vs ${v19.threadsPeak} (go1.19)`);
});

test("go1.26: no P is ever _Psyscall; syscalls are taken with takeP and counts match go1.19", () => {
  let sawPsyscall = false;
  const watch = (rt: Runtime): Observer => ({
    onEvent() {
      if (rt.allp.some((p) => p.status === _Psyscall)) sawPsyscall = true;
    },
  });
  const log = new EventLog();
  const main = fanOut(8, function* () { for (let i = 0; i < 5; i++) { yield compute(us(20)); yield Syscall(ms(10)); } });
  const v26 = simulate({ profile: "go1.26", gomaxprocs: 2, main, observers: [watch, log], check: true }).metrics;
  const v19 = simulate({ profile: "go1.19", gomaxprocs: 2, main, check: true }).metrics;
  assert.equal(sawPsyscall, false);
  assert.ok(log.of("takeP").length > 0);
  assert.equal(v26.syscalls.total, v19.syscalls.total);
  assert.ok(Math.abs(v26.threadsCreated - v19.threadsCreated) <= 1, `threads ${v26.threadsCreated} vs ${v19.threadsCreated}`);
  assert.ok(Math.abs(v26.makespanNs - v19.makespanNs) / v19.makespanNs < 0.02);
});

test("go1.27 is go1.26 on every modeled path: identical runs, event for event", () => {
  const main = fanOut(8, function* () { for (let i = 0; i < 5; i++) { yield compute(us(20)); yield Syscall(ms(3)); yield sleep(us(300)); } });
  const runOf = (profile: "go1.26" | "go1.27") => {
    const log = new EventLog();
    const m = simulate({ profile, gomaxprocs: 2, main, observers: [log], check: true }).metrics;
    return { m, events: log.events.map((e) => JSON.stringify(e)) };
  };
  const a = runOf("go1.26");
  const b = runOf("go1.27");
  assert.ok(a.events.length > 100);
  assert.deepEqual(b.events, a.events);
  assert.deepEqual(b.m, a.m);
});

test("go1.23: wakep with no idle P records sched.needspinning (go1.19 just returns)", () => {
  // GOMAXPROCS=2, both Ps busy: goroutines readied while no P idles record needspinning.
  const log = new EventLog();
  const main = fanOut(6, function* () {
    for (let i = 0; i < 20; i++) {
      yield compute(us(30));
      yield sleep(us(50));
    }
  });
  simulate({ profile: "go1.23", gomaxprocs: 2, main, observers: [log], check: true });
  assert.ok(log.of("wakep", "needspinning").length > 0, "wakep found no idle P and recorded the need");
  const log19 = new EventLog();
  simulate({ profile: "go1.19", gomaxprocs: 2, main, observers: [log19], check: true });
  assert.equal(log19.of("wakep", "needspinning").length, 0, "go1.19 has no needspinning");
});

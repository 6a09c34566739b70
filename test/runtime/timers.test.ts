// Per-P timers (go1.14+, go1.19 rules): time.Sleep and time.After on the P's heap, run by checkTimers
// on the scheduler's thread, stolen by spinning Ms, and waited for in netpoll with epoll_wait's
// millisecond timeout.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Chan, Gosched, compute, go, ms, program, recv, select, send, simulate, sleep, timer, us } from "../../src/index.js";
import type { Runtime } from "../../src/runtime/runtime.js";
import { _Gwaiting } from "../../src/runtime/runtime2.js";
import { runqempty } from "../../src/runtime/runq.js";
import { exactMachine, go119Costs } from "../../src/profiles/go1_19.js";
import { EventLog } from "../helpers.js";

test("an idle process sleeping 100 µs wakes after epoll_wait's 1 ms timeout (Go issue 44343)", () => {
  const log = new EventLog();
  const main = program("main", function* () {
    yield sleep(us(100));
    yield compute(us(1));
  });
  simulate({ gomaxprocs: 1, main, observers: [log], check: true });
  const park = log.first("gopark");
  const fire = log.first("timer_fire");
  const waited = fire.timeNs - park.timeNs;
  // netpoll(100 µs): waitms = 1 → epoll_wait(1 ms), an hrtimer that fires between its soft expiry
  // (1 ms + the measured extra) and the timer slack later, whichever CPU interrupt comes first.
  assert.ok(waited >= ms(1) && waited < ms(1.2), `woke after ${waited} ns`);
  assert.ok(log.of("netpoll", "block").length >= 1);
});

test("a busy P's timer is stolen by a spinning M on another P", () => {
  const log = new EventLog();
  const main = program("main", function* () {
    yield go(program("sleeper", function* () { yield sleep(ms(1)); yield compute(us(5)); }));
    yield Gosched(); // the sleeper runs here first and puts its timer on this P…
    yield compute(ms(20)); // …which main then holds
  });
  simulate({ gomaxprocs: 2, main, observers: [log], check: true });
  const fire = log.of("timer_fire").find((e) => e.goid === 2)!;
  assert.equal(fire.reason, "sleep");
  assert.ok(fire.victimP >= 0 && fire.victimP !== fire.p, `stolen from P${fire.victimP} by P${fire.p}`);
  assert.ok(fire.timeNs < ms(3), `fired at ${fire.timeNs}, not after the 20 ms computation`);
});

test("time.After in a select: the timer's case wins when nothing else is ready", () => {
  const never = new Chan(0);
  const after = new Chan(1);
  let chosen = -9;
  const main = program("main", function* () {
    yield timer(after, ms(2));
    chosen = yield select([{ dir: "recv", chan: never }, { dir: "recv", chan: after }]);
  });
  const sim = simulate({ gomaxprocs: 2, main, check: true });
  assert.equal(chosen, 1);
  assert.ok(sim.metrics.makespanNs >= ms(2) && sim.metrics.makespanNs < ms(3.5), `${sim.metrics.makespanNs}`);
  void recv;
});

test("sysmon's deep sleep stops at the next timer", () => {
  const log = new EventLog();
  const main = program("main", function* () { yield sleep(ms(50)); });
  simulate({ gomaxprocs: 1, main, observers: [log], check: true });
  const deep = log.first("sysmon", "deep-sleep");
  assert.ok(deep.sleepNs <= ms(50) && deep.sleepNs > ms(45), `slept ${deep.sleepNs} ns`);
});

// An M in stealWork's runnext-steal usleep while its own P's timer expires (this once broke
// `pidleput: P has non-empty run queue`: the timer readied its goroutine onto that P behind the M's
// back). In Go, timers run only on the M that holds their P or steals them (proc.go: checkTimers at
// the top of findRunnable, stealWork's last round); nothing touches the P's queue during the usleep.
// GOMAXPROCS=2: main (P0) starts `sleeper` (it runs on P1, sleeps 200 µs: a timer on P1), then at
// `goAtUs` starts `b` into P0's runnext; the M that wakep starts for P1 finds b in the runnext of a
// running P and usleeps before stealing it — across the sleeper's deadline.
function stealSleepScenario(goAtUs: number, mainAfterUs: number) {
  const c = new Chan(0);
  const main = program("main", function* () {
    yield go(program("sleeper", function* () { yield sleep(us(200)); yield compute(us(5)); }));
    yield compute(us(goAtUs));
    yield go(program("b", function* () { yield compute(us(5)); yield send(c); }));
    yield compute(us(mainAfterUs));
    yield recv(c);
    yield compute(ms(2));
  });
  const log = new EventLog();
  // The state the test is about: an M in the runnext-steal usleep, its P's earliest timer expired.
  const found: { during: { timeNs: number; m: number; p: number; sleeperWaiting: boolean; runqEmpty: boolean } | null } = { during: null };
  const probe = (rt: Runtime) => ({
    onEvent() {
      for (const mp of rt.allm) {
        const pp = mp.p;
        if (found.during !== null || mp.steal.victim < 0 || pp === null || pp.timers.size === 0 || pp.timers.peekTimeNs() > rt.nowNs) continue;
        found.during = { timeNs: rt.nowNs, m: mp.id, p: pp.id, sleeperWaiting: rt.gs.status[2] === _Gwaiting, runqEmpty: runqempty(pp) };
      }
    },
  });
  // Exact latencies (no spread, a CPU per thread) and an 18 µs futex wake: the timings are set to the µs.
  const costs = { ...go119Costs, futexWakeNs: 18_000 };
  const sim = simulate({ gomaxprocs: 2, main, observers: [log, probe], machine: exactMachine, costs, check: true });
  return { sim, log, during: found.during };
}

test("a timer that expires while its P's M sleeps before a runnext steal is run by checkTimers, not queued behind the M", () => {
  // b is still in P0's runnext after the usleep: the M steals it, and runs the expired timer at its
  // next findRunnable (checkTimers on its own P).
  const kept = stealSleepScenario(240, 100);
  assert.ok(kept.during !== null, "the M was in the steal usleep with an expired timer on its P");
  assert.ok(kept.during.sleeperWaiting && kept.during.runqEmpty, "during the usleep the sleeper still waits and the P's queue is empty");
  const steal = kept.log.of("runqsteal", "runnext-after-usleep").find((e) => e.timeNs >= kept.during!.timeNs)!;
  const fire = kept.log.of("timer_fire").find((e) => e.goid === 2)!;
  assert.equal(fire.m, kept.during.m);
  assert.equal(fire.p, kept.during.p);
  assert.ok(fire.timeNs > steal.timeNs && fire.timeNs < steal.timeNs + us(20), `fired at ${fire.timeNs}, steal at ${steal.timeNs}`);
  assert.equal(kept.sim.result.stoppedBy, "main-exited");

  // main ran b itself meanwhile: the M finds nothing and gives up its P — with an empty run queue
  // (checked after every event); the timer stays on the idle P for the M blocked in netpoll.
  const gone = stealSleepScenario(250, 30);
  assert.ok(gone.during !== null, "the M was in the steal usleep with an expired timer on its P");
  assert.ok(!gone.log.of("runqsteal", "runnext-after-usleep").some((e) => e.timeNs >= gone.during!.timeNs), "b was no longer in the runnext");
  const idled = gone.log.events.find((e) => e.fn === "releasep" && e.m === gone.during!.m && e.timeNs >= gone.during!.timeNs);
  assert.ok(idled !== undefined, "the M released its P after the usleep");
  const fired = gone.log.of("timer_fire").find((e) => e.goid === 2)!;
  assert.ok(fired.timeNs > idled.timeNs, "the sleeper was readied by a later checkTimers");
  assert.equal(gone.sim.result.stoppedBy, "main-exited");
});

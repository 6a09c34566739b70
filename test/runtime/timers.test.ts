// Per-P timers (go1.14+, go1.19 rules): time.Sleep and time.After on the P's heap, run by checkTimers
// on the scheduler's thread, stolen by spinning Ms, and waited for in netpoll with epoll_wait's
// millisecond timeout.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Chan, Gosched, compute, go, ms, program, recv, select, simulate, sleep, timer, us } from "../../src/index.js";
import { sleepActualNs } from "../../src/runtime/config.js";
import { thisMachine } from "../../src/profiles/go1_19.js";
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
  // netpoll(100 µs): waitms = 1 → epoll_wait(1 ms) + the timer slack.
  assert.ok(waited >= sleepActualNs(thisMachine, ms(1)) && waited < ms(1.2), `woke after ${waited} ns`);
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
  assert.match(fire.reason, /^stolen-from-P/);
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
  assert.ok(deep.arg <= ms(50) && deep.arg > ms(45), `slept ${deep.arg} ns`);
});

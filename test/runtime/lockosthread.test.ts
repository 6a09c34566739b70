// LockOSThread (go1.19): a locked goroutine keeps its M; rescheduling it goes through startlockedm /
// stoplockedm; a goroutine exiting while locked takes its thread with it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { LockOSThread, Syscall, UnlockOSThread, WaitGroup, compute, go, ms, program, simulate, sleep, us, wgAdd, wgDone, wgWait } from "../../src/index.js";
import { EventLog } from "../helpers.js";

test("each locked goroutine holds its own thread; its reschedules go through startlockedm", () => {
  const log = new EventLog();
  const wg = new WaitGroup();
  const locked = program("locked", function* () {
    yield LockOSThread();
    for (let i = 0; i < 5; i++) {
      yield compute(us(50));
      yield sleep(us(300)); // parks: its M must stoplockedm and hand the P away
    }
    yield UnlockOSThread();
    yield wgDone(wg);
  });
  const main = program("main", function* () {
    yield wgAdd(wg, 6);
    for (let i = 0; i < 6; i++) yield go(locked);
    yield wgWait(wg);
  });
  const sim = simulate({ gomaxprocs: 2, main, observers: [log], check: true, startIdleThreads: 0 });
  assert.equal(sim.result.stoppedBy, "main-exited");
  // One thread per locked goroutine (+ the template thread), whatever GOMAXPROCS is.
  assert.ok(sim.metrics.threadsPeak >= 2 + 6 + 1, `threads ${sim.metrics.threadsPeak}`);
  assert.equal(log.of("newm", "template").length, 1);
  assert.ok(log.of("stoplockedm").length >= 6 * 5);
  assert.ok(log.of("startlockedm").length >= 6 * 4);
  // Every execute of a locked goroutine after its LockOSThread happens on its own M.
  const lockedOn = new Map<number, number>();
  for (const e of log.events) {
    if (e.fn === "lockOSThread") lockedOn.set(e.goid, e.m);
    if (e.fn === "unlockOSThread") lockedOn.delete(e.goid);
    if (e.fn === "execute" && lockedOn.has(e.goid)) assert.equal(e.m, lockedOn.get(e.goid), `G${e.goid} ran on M${e.m}`);
  }
});

test("a locked goroutine's slow syscall exit parks its M in stoplockedm", () => {
  const log = new EventLog();
  const main = program("main", function* () {
    yield go(program("busy", function* () { yield compute(ms(30)); }));
    yield LockOSThread();
    yield Syscall(ms(5)); // GOMAXPROCS=1: sysmon hands the P to busy; no P at the exit
    yield compute(us(10));
  });
  simulate({ gomaxprocs: 1, main, observers: [log], check: true });
  const slow = log.first("exitsyscall0");
  const stop = log.of("stoplockedm").find((e) => e.timeNs === slow.timeNs);
  assert.ok(stop !== undefined, "the locked M parks instead of stopm");
  assert.ok(log.of("startlockedm").some((e) => e.timeNs > slow.timeNs));
});

test("a goroutine that exits while locked takes its thread with it", () => {
  const log = new EventLog();
  const wg = new WaitGroup();
  const main = program("main", function* () {
    yield wgAdd(wg, 1);
    yield go(program("leaky", function* () { yield LockOSThread(); yield compute(us(20)); yield wgDone(wg); }));
    yield wgWait(wg);
    yield sleep(ms(1));
  });
  const sim = simulate({ gomaxprocs: 2, main, observers: [log], check: true });
  assert.equal(log.of("mexit").length, 1);
  assert.equal(sim.result.stoppedBy, "main-exited");
});

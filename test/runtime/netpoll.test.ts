// The network poller (go1.19): network waits park goroutines instead of blocking threads; readiness
// comes back through netpoll in findRunnable, the M blocked in netpoll, or sysmon.
import { exactMachine } from "../../src/profiles/go1_19.js";
import assert from "node:assert/strict";
import { test } from "node:test";
import { Read, WaitGroup, compute, go, ms, netRead, program, simulate, us, wgAdd, wgDone, wgWait, type Op } from "../../src/index.js";
import { EventLog } from "../helpers.js";

function server(n: number, wait: (i: number) => Op) {
  const wg = new WaitGroup();
  return program("main", function* () {
    yield wgAdd(wg, n);
    for (let i = 0; i < n; i++) {
      yield go(
        program("conn", function* () {
          for (let k = 0; k < 3; k++) {
            yield wait(i);
            yield compute(us(20));
          }
          yield wgDone(wg);
        }),
      );
    }
    yield wgWait(wg);
  });
}

test("thousands of connections waiting on the network keep threads near GOMAXPROCS", () => {
  const latency = { dist: "uniform", minNs: ms(1), maxNs: ms(30) } as const;
  const net = simulate({ gomaxprocs: 4, main: server(2000, () => netRead(latency)), check: false }).metrics;
  const blocking = simulate({ gomaxprocs: 4, main: server(200, () => Read(latency)), check: false }).metrics;
  assert.ok(net.threadsCreated <= 2, `netpoll: ${net.threadsCreated} threads created for 2000 connections`);
  assert.ok(blocking.threadsCreated > 50, `blocking reads: ${blocking.threadsCreated} threads for 200`);
  assert.equal(net.syscalls.total, 0);
});

test("an idle M blocks in netpoll; a ready fd wakes it, and it runs the goroutine on an idle P", () => {
  const log = new EventLog();
  const main = program("main", function* () { yield netRead(ms(5)); yield compute(us(10)); });
  // Exact latencies: the poller wakes one median futex wake-up after the fd is ready.
  const sim = simulate({ gomaxprocs: 2, main, observers: [log], machine: exactMachine, check: true });
  const block = log.first("netpoll", "block");
  const woken = log.first("netpoll", "woken");
  assert.ok(block.timeNs < ms(1));
  const wakeNs = sim.runtime.config.costs.futexWakeNs;
  assert.ok(woken.timeNs >= ms(5) && woken.timeNs <= ms(5) + wakeNs + 2_000, `woken at ${woken.timeNs}, futex wake ${wakeNs} ns`);
  assert.equal(woken.count, 1);
  assert.equal(sim.result.stoppedBy, "main-exited");
});

test("with an M blocked in netpoll, handoffp lets the last P go idle (lastpoll == 0)", () => {
  // GOMAXPROCS=2: a goroutine waits on the network (an M blocks in netpoll); another makes a 30 ms
  // syscall that sysmon retakes after 10 ms: handoffp's step 8 does not start an M for it.
  const log = new EventLog();
  const main = program("main", function* () {
    yield go(program("net", function* () { yield netRead(ms(60)); }));
    yield compute(us(300));
    yield Read(ms(30));
  });
  simulate({ gomaxprocs: 2, main, observers: [log], check: true, startIdleThreads: 0 });
  assert.ok(log.of("netpoll", "block").length >= 1);
  const retake = log.first("retake");
  const handoff = log.of("handoffp").find((e) => e.timeNs === retake.timeNs)!;
  assert.equal(handoff.reason, "idle", "the poller will notice new work: no M started");
});

test("sysmon polls the network when nobody has for 10 ms", () => {
  // GOMAXPROCS=1: the net goroutine parks, then a 40 ms computation holds the only P, so no M blocks
  // in netpoll and findRunnable does not run: sysmon's 10 ms rule collects the ready fd.
  const log = new EventLog();
  const wg = new WaitGroup();
  const main = program("main", function* () {
    yield wgAdd(wg, 2);
    yield go(program("spin", function* () { yield compute(ms(40)); yield wgDone(wg); }));
    yield go(program("net", function* () { yield netRead(ms(2)); yield wgDone(wg); }));
    yield wgWait(wg);
  });
  simulate({ gomaxprocs: 1, main, observers: [log], check: true });
  const polled = log.first("netpoll", "sysmon");
  assert.ok(polled.timeNs >= ms(10), `sysmon polled at ${polled.timeNs}`);
  const netEnd = log.of("goexit0").find((e) => e.goid === 3)!;
  assert.ok(netEnd.timeNs < ms(40), "the net goroutine ran before the computation ended");
});

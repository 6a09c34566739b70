// Focused tests of single runtime rules (go1.19), each building the situation and checking the
// runtime's outcome. Invariants are checked after every event.
import assert from "node:assert/strict";
import { test } from "node:test";
import { GC, RawSyscall, Syscall, blockingSyscall, cgocall, compute, go, ms, program, simulate, sleep, us } from "../../src/index.js";
import { sleepActualNs } from "../../src/runtime/config.js";
import { exactMachine, thisMachine } from "../../src/profiles/go1_19.js";
import { _Pgcstop, _Psyscall } from "../../src/runtime/runtime2.js";
import { EventLog, fanOut } from "../helpers.js";

const period = sleepActualNs(thisMachine, 20_000);


test("exitsyscallfast takes the old P back when it is still _Psyscall", () => {
  const log = new EventLog();
  const sim = simulate({ gomaxprocs: 2, main: program("main", function* () { yield Syscall(us(10)); }), observers: [log], check: true });
  const enter = log.first("entersyscall");
  const fast = log.first("exitsyscallfast");
  assert.equal(fast.reason, "same-p");
  assert.equal(fast.p, enter.p);
  assert.equal(fast.pFrom, _Psyscall);
  assert.equal(sim.metrics.syscalls.fastSameP, 1);
  assert.equal(sim.metrics.handoffs.sysmonRetake, 0);
});

test("a syscall P is not retaken on sysmon's first sight of the syscall (needs two passes)", () => {
  // GOMAXPROCS=1, nothing else runnable: rule b never spares the P, so only rule a protects it.
  // A warm-up call first: sysmon's record of p.syscalltick starts at 0 like the P's own counter, so
  // a fresh P's very first syscall looks "already seen" (as in proc.go; go1.23+'s P0 too, below).
  for (const d of [us(20), us(60), us(100), us(150), us(300)]) {
    const log = new EventLog();
    simulate({ gomaxprocs: 1, main: program("main", function* () { yield Syscall(1); yield Syscall(d); }), observers: [log], check: true });
    const enter = log.of("entersyscall")[1]!;
    const passes = log.of("sysmon", "wake").map((e) => e.timeNs).filter((t) => t > enter.timeNs && t < enter.timeNs + d + 100);
    const retakes = log.of("retake");
    if (passes.length < 2) assert.equal(retakes.length, 0, `${d} ns: ${passes.length} pass(es) in the call, no retake`);
    else assert.equal(retakes[0]!.timeNs, passes[1], `${d} ns: retaken on the second pass`);
  }
});

test("main's first syscall: go1.19's os init leaves P0 counted (two passes needed), go1.23+ does not", () => {
  // os.NewFile's fcntl for stdin, stdout and stderr goes through syscall.Syscall up to go1.22 and
  // through runtime.fcntl (a raw call) since: P0's syscalltick at main.main is 3 or 0, and sysmon's
  // record of it starts at 0 (Rules.initSyscallsOnP0, measured 3 / 0 under Go 1.19 / 1.26).
  for (const [profile, pass] of [["go1.19", 1], ["go1.23", 0], ["go1.26", 0], ["go1.27", 0]] as const) {
    const log = new EventLog();
    simulate({ profile, gomaxprocs: 1, main: program("main", function* () { yield Syscall(us(400)); }), observers: [log], check: true });
    const enter = log.first("entersyscall");
    assert.equal(enter.syscalltick, pass === 1 ? 3 : 0, profile);
    const passes = log.of("sysmon", "wake").map((e) => e.timeNs).filter((t) => t > enter.timeNs);
    assert.ok(passes.length > pass, profile);
    assert.equal(log.first("retake").timeNs, passes[pass], `${profile}: retaken on pass ${pass + 1} of the call`);
  }
});

test("a spared syscall P is retaken one sysmon tick after its spare condition ends", () => {
  // GOMAXPROCS=2: G1 in a 30 ms syscall on P0 is spared while P1 idles; at 3 ms a sleeper wakes and
  // keeps P1 busy, so npidle + nmspinning = 0 and the next pass takes P0.
  const log = new EventLog();
  const busy = program("busy", function* () {
    yield sleep(ms(3));
    yield compute(ms(40));
  });
  const main = program("main", function* () {
    yield go(busy);
    yield compute(us(500));
    yield Syscall(ms(30));
  });
  simulate({ gomaxprocs: 2, main, observers: [log], check: true });
  const retake = log.first("retake");
  assert.equal(retake.reason, "no-spinning-m-or-idle-p");
  const woke = log.of("execute").find((e) => e.goid === 2 && e.timeNs > ms(3))!;
  assert.ok(retake.timeNs > woke.timeNs, "not before P1 got busy");
  // The sleeping G woke while sysmon was backing off; allow one backed-off period plus the spinning M's wake-up.
  const passBefore = log.of("sysmon", "wake").filter((e) => e.timeNs <= retake.timeNs).at(-2)!;
  assert.ok(passBefore.timeNs <= woke.timeNs + 1, "retaken on the first pass after the spare ended");
});

test("RawSyscall: no scheduler involvement — threads stay near GOMAXPROCS and the calls serialize", () => {
  const sim = simulate({ gomaxprocs: 2, main: fanOut(8, function* () { for (let i = 0; i < 5; i++) yield RawSyscall(ms(10)); }), check: true });
  assert.equal(sim.metrics.syscalls.total, 0);
  assert.equal(sim.metrics.syscalls.raw, 40);
  assert.ok(sim.metrics.threadsCreated <= 1, `threads created ${sim.metrics.threadsCreated}`);
  // 40 calls × 10 ms on 2 Ps = 200 ms.
  assert.ok(Math.abs(sim.metrics.makespanNs - ms(200)) < ms(2), `makespan ${sim.metrics.makespanNs}`);
});

test("Syscall: many goroutines blocked in the kernel grow the thread count to about their number", () => {
  const sim = simulate({ gomaxprocs: 2, main: fanOut(16, function* () { yield Syscall(ms(20)); }), check: true });
  // Each blocked goroutine holds a thread; with 2 Ps and 16 blocked, ~16 threads + m0/sysmon.
  assert.ok(sim.metrics.threadsCreated >= 14 && sim.metrics.threadsCreated <= 17, `created ${sim.metrics.threadsCreated}`);
  assert.ok(sim.metrics.makespanNs < ms(25), "the calls overlap");
});

test("entersyscallblock hands the P off at entry: no retake needed", () => {
  const log = new EventLog();
  const sim = simulate({ gomaxprocs: 1, main: fanOut(3, function* () { yield blockingSyscall(ms(5)); }), observers: [log], check: true });
  assert.equal(sim.metrics.handoffs.blockingSyscall, 3);
  assert.equal(sim.metrics.handoffs.sysmonRetake, 0);
  const enter = log.first("entersyscallblock");
  const handoff = log.first("handoffp");
  assert.equal(handoff.timeNs, enter.timeNs, "handoffp at the same instant");
  assert.equal(sim.metrics.syscalls.fastSameP, 0, "m.oldp is not set: never the same-P fast path");
});

test("cgo calls go through entersyscall like Syscall", () => {
  const sim = simulate({ gomaxprocs: 1, main: fanOut(4, function* () { yield cgocall(ms(5)); }), check: true });
  assert.equal(sim.metrics.syscalls.total, 4);
  assert.ok(sim.metrics.handoffs.sysmonRetake >= 1);
});

test("the thread limit: the 10001st M is fatal with the runtime's message", () => {
  // The calls outlast the 10 000 thread creations (one per sysmon retake, each ~75 µs + a sysmon period).
  const sim = simulate({ gomaxprocs: 2, main: fanOut(10_050, function* () { yield cgocall(ms(3000)); }) });
  assert.equal(sim.result.stoppedBy, "fatal");
  assert.equal(sim.result.fatal, "runtime: program exceeds 10000-thread limit\nfatal error: thread exhaustion");
  assert.equal(sim.metrics.threadsPeak, 10_000);
});

test("runqputslow: a full local ring moves half of it plus the new G to the global queue", () => {
  const log = new EventLog();
  const idle = program("idle", function* () { yield compute(us(1)); });
  const main = program("main", function* () {
    for (let i = 0; i < 300; i++) yield go(idle);
  });
  simulate({ gomaxprocs: 1, main, observers: [log], check: true });
  const slow = log.first("runqputslow");
  assert.equal(slow.count, 129, "128 from the ring + the displaced G");
});

test("stop-the-world takes Ps in syscalls at once; a syscall returning meanwhile exits slow", () => {
  // GOMAXPROCS=4: one G is in a 5 ms RawSyscall (the world must wait for it), another in a 2 ms
  // Syscall whose P sysmon spares (a P idles); main calls runtime.GC at ~1 ms.
  const log = new EventLog();
  const raw = program("raw", function* () { yield RawSyscall(ms(5)); });
  const sys = program("sys", function* () { yield Syscall(ms(2)); yield compute(us(10)); });
  const main = program("main", function* () {
    yield go(raw);
    yield go(sys);
    yield compute(ms(1));
    yield GC();
  });
  const sim = simulate({ gomaxprocs: 4, main, observers: [log], check: true });
  const begin = log.first("stopTheWorldWithSema", "begin");
  const took = log.first("stopTheWorldWithSema", "took-syscall-p");
  assert.equal(took.timeNs, begin.timeNs);
  assert.equal(took.pTo, _Pgcstop);
  const slow = log.first("exitsyscall0");
  assert.equal(slow.reason, "no-p", "returned while the world is stopped: no P for it");
  assert.ok(slow.timeNs > begin.timeNs);
  const stopped = log.first("stopTheWorldWithSema", "stopped");
  assert.ok(stopped.timeNs >= ms(5), "the world stops only after the RawSyscall returns");
  const sysG = log.of("exitsyscall").find((e) => e.reason === "rescheduled")!;
  assert.ok(sysG.timeNs > stopped.timeNs, "the slow-exited G runs after the world restarts");
  assert.equal(sim.metrics.gc.cycles, 1);
});

test("sysmon backs off after 50 idle passes: 20 µs ×51, then 40, 80, … 10 ms", () => {
  const log = new EventLog();
  // GOMAXPROCS=2 with one G computing keeps one P busy (no deep sleep) and never retakes anything.
  simulate({ gomaxprocs: 2, machine: exactMachine, main: program("main", function* () { for (let i = 0; i < 40; i++) yield compute(ms(1)); }), observers: [log], check: true });
  const delays = log.of("sysmon", "wake").map((e) => e.delayUs);
  assert.deepEqual(delays.slice(0, 51), new Array(51).fill(20));
  assert.deepEqual(delays.slice(51, 60), [40, 80, 160, 320, 640, 1280, 2560, 5120, 10000]);
  const times = log.of("sysmon", "wake").map((e) => e.timeNs);
  assert.equal(times[1]! - times[0]!, period, "each 20 µs sleep lasts 76 µs on this machine");
});

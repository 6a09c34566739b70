// The kernel model's per-CPU run queues (kernel.ts): where select_task_rq places a woken thread, and
// how an idle CPU takes waiting threads from a busy one. Threads here are bare kernel threads driven
// by the kernel's own events (no Go runtime on top), so each rule is seen alone.
import assert from "node:assert/strict";
import { test } from "node:test";
import { exactMachine } from "../../src/profiles/go1_19.js";
import { resolveConfig } from "../../src/profiles/index.js";
import type { Machine } from "../../src/runtime/config.js";
import { KState, placementIndex, kBlock, kDone, kPick, kRun, kSleep, kSleepTimer, kSlice, kStepEnd, kTick, kTimer, kWake, kWakeup, kWorkLeft, type KThread } from "../../src/runtime/kernel.js";
import { checkKernelInvariants } from "../../src/runtime/invariants.js";
import { timerIrqDelayNs } from "../../src/runtime/machine.js";
import { Ev, Runtime } from "../../src/runtime/runtime.js";
import { simulate } from "../../src/simulate.js";
import { loopProgram } from "../../src/validation/cases.js";

/** A runtime whose engine runs only the kernel's events; a thread's finished step calls `onStep`. */
function kernelOnly(ncpu: number, sliceNs = exactMachine.schedSliceNs, onStep: (t: KThread) => void = () => {}, machine: Partial<Machine> = {}, seed = 1): Runtime {
  const rt = new Runtime(resolveConfig({ gomaxprocs: 1, seed, machine: { ...exactMachine, ncpu, schedSliceNs: sliceNs, wakeCpuNs: 1_000, ipiWakeNs: 20_000, idleExitNs: 2_000, ...machine } }));
  const e = rt.engine;
  e.on(Ev.KDone, (id, token) => {
    const t = kDone(rt, id, token);
    if (t === null) return;
    rt.kernel.current = t;
    onStep(t);
    rt.kernel.current = null;
    kStepEnd(rt, t);
  });
  e.on(Ev.KWake, (id, token) => kWake(rt, id, token));
  e.on(Ev.KTimer, (id, token) => kTimer(rt, id, token));
  e.on(Ev.KPick, (cpu, token) => kPick(rt, cpu, token));
  e.on(Ev.KSlice, (cpu, token) => kSlice(rt, cpu, token));
  e.on(Ev.KTick, (cpu, token) => kTick(rt, cpu, token));
  return rt;
}

/** Steps that do nothing: the event of a bare thread's step (no M answers to it). */
const step = [Ev.M, 0, -1] as const;

function runTo(rt: Runtime, tNs: number): void {
  rt.engine.run(tNs, 1_000_000);
}

/** Starts a thread computing `workNs` and lets the CPUs pick. */
function startOn(rt: Runtime, id: number, workNs: number): KThread {
  const t = rt.kernel.thread(id);
  kRun(rt, t, workNs, ...step);
  runTo(rt, rt.nowNs);
  return t;
}

test("a futex wakee that last ran on the waker's lightly used CPU is queued there at once", () => {
  const rt = kernelOnly(2);
  const wakee = startOn(rt, 1, 10_000);
  const cpu = wakee.cpu;
  runTo(rt, 20_000); // its work done, it parks: CPU `cpu` idles
  assert.equal(wakee.state, KState.Blocked);
  const waker = startOn(rt, 2, 100_000);
  assert.equal(waker.cpu, cpu, "the waker runs where the wakee last ran (its previous CPU, idle)");
  rt.kernel.current = waker;
  kWakeup(rt, wakee, 30_000, 0, ...step);
  rt.kernel.current = null;
  assert.equal(wakee.state, KState.Runnable, "queued at once, no IPI");
  assert.equal(wakee.cpu, cpu, "on the waker's CPU, although the other CPU idles");
  assert.equal(rt.kernel.idleCpus.length, 1);
  // Placed at V with no lag, it ties with the waker, which keeps its CPU (counted as sched-trace.mjs counts a real kernel's).
  assert.deepEqual(rt.kernel.wakeeOnWaker, { sysmon: { preempted: 0, waited: 0 }, others: { preempted: 0, waited: 1 } });
});

/**
 * At 20 µs a thread computing on its CPU (FUTEX_WAKE costs it 7 µs) wakes one that last ran there
 * and slept owed CPU time — placed before V, it is what pick_eevdf would run.
 */
function wakeOwedThread(preemptsWaker: boolean): { rt: Runtime; waker: KThread; wakee: KThread; c: Runtime["kernel"]["cpus"][number] } {
  const rt = kernelOnly(2, exactMachine.schedSliceNs, () => {}, { futexWakerNs: 7_000 });
  const waker = startOn(rt, 1, 100_000);
  runTo(rt, 20_000);
  const wakee = rt.kernel.thread(2);
  wakee.prevCpu = waker.cpu;
  wakee.fresh = false;
  wakee.vlagNs = 2_000_000;
  rt.kernel.current = waker;
  kWakeup(rt, wakee, 30_000, 0, ...step, preemptsWaker);
  rt.kernel.current = null;
  assert.equal(wakee.cpu, waker.cpu, "queued on the waker's CPU");
  return { rt, waker, wakee, c: rt.kernel.cpus[waker.cpu]! };
}

test("a futex wakee that would preempt its waker on the waker's CPU runs when the waker is back from FUTEX_WAKE (CONFIG_PREEMPT_NONE)", () => {
  const { rt, waker, wakee, c } = wakeOwedThread(true);
  assert.equal(c.curr, waker, "the waker keeps its CPU while it is in the kernel");
  runTo(rt, 26_999);
  assert.equal(c.curr, waker);
  runTo(rt, 27_001);
  assert.equal(c.curr, wakee, "7 µs later, back to user space, it is switched out");
  assert.equal(waker.state, KState.Runnable);
  assert.deepEqual(rt.kernel.wakeeOnWaker.others, { preempted: 1, waited: 0 });
});

test("a futex wakee whose previous CPU idles goes there through the IPI", () => {
  const rt = kernelOnly(2);
  const wakee = startOn(rt, 1, 10_000);
  runTo(rt, 20_000);
  const waker = startOn(rt, 2, 100_000);
  // Move the wakee's history to the other CPU.
  wakee.prevCpu = 1 - waker.cpu;
  rt.kernel.current = waker;
  kWakeup(rt, wakee, 30_000, 0, ...step);
  rt.kernel.current = null;
  assert.equal(wakee.state, KState.Sleeping, "in flight: the IPI to the idle CPU");
  assert.equal(wakee.wakeCpu, 1 - waker.cpu);
  assert.equal(rt.kernel.isIdle(1 - waker.cpu), false, "a CPU a wake-up is on its way to is not idle to the next select_task_rq");
  runTo(rt, rt.nowNs + 30_000);
  assert.equal(wakee.state, KState.Running);
  assert.equal(wakee.cpu, 1 - waker.cpu);
});

/**
 * Two threads that last ran on CPU 0 (as threads that slept from it do) arm their timers there: a's
 * soft/hard expiry 100/150 µs from t0, b's bSoftNs (110 µs) and 50 µs later, with the wake-up
 * latencies each drew.
 */
function twoSleepersOnCpu0(aLatencyNs: number, bLatencyNs: number, rt = kernelOnly(2), bSoftNs = 110_000): { rt: Runtime; a: KThread; b: KThread; t0: number } {
  const a = startOn(rt, 1, 1_000);
  const b = startOn(rt, 2, 1_000);
  runTo(rt, 2_000);
  a.prevCpu = 0;
  b.prevCpu = 0;
  const t0 = rt.nowNs;
  kSleepTimer(rt, a, 100_000, 150_000, aLatencyNs, 3_000, ...step);
  kSleepTimer(rt, b, bSoftNs, bSoftNs + 50_000, bLatencyNs, 3_000, ...step);
  return { rt, a, b, t0 };
}

test("the sleepers one timer interrupt wakes on an idle CPU stay on it and run one after another", () => {
  const { rt, a, b, t0 } = twoSleepersOnCpu0(5_000, 5_000);
  runTo(rt, t0 + 150_000); // the interrupt at a's hard expiry fires b's timer too
  assert.equal(a.wakeCpu, 0);
  assert.equal(b.wakeCpu, 0, "the second sleeper stays on the interrupt's CPU though CPU 1 idles");
  runTo(rt, t0 + 155_000 + 1);
  const running = [a, b].filter((t) => t.state === KState.Running);
  assert.equal(running.length, 1, "one runs, the other waits behind it on CPU 0");
  assert.ok([a, b].every((t) => t.cpu === 0));
});

test("an interrupt that fires sysmon's sleep with another's is counted, and whether sysmon ran first (sched-trace.mjs's figure)", () => {
  for (const [sysmonIs, ranFirst] of [["a", 1], ["b", 0]] as const) {
    const { rt, a, b, t0 } = twoSleepersOnCpu0(5_000, 5_000);
    (rt as unknown as { sysmonM: { kt: KThread } }).sysmonM = { kt: sysmonIs === "a" ? a : b };
    runTo(rt, t0 + 160_000); // one interrupt fires both; a, the first onto the idle CPU, runs first
    assert.deepEqual([rt.kernel.timerFires.sysmonWithOthers, rt.kernel.timerFires.sysmonRanFirst], [1, ranFirst], `sysmon is ${sysmonIs}`);
  }
});

test("the sleepers one timer interrupt wakes are runnable together, after the latency drawn for the timer that raised it", () => {
  // a's hard expiry raises the interrupt; b's timer (soft expiry passed) fires with it. Each drew its
  // own wake-up latency when it went to sleep (5 µs and 40 µs here): both wake after a's, the
  // interrupt's (tools/machine/coalesced-wakes.c: the first of k wakes as late as a lone sleeper).
  const { rt, a, b, t0 } = twoSleepersOnCpu0(5_000, 40_000);
  runTo(rt, t0 + 150_000);
  assert.equal(a.state, KState.Sleeping, "fired, its wake-up in flight");
  // idleExitNs is part of the drawn latency and CPU 0 was idle: runnable at 150 + 5 µs.
  runTo(rt, t0 + 155_000 - 1);
  assert.ok([a, b].every((t) => t.state === KState.Sleeping), "neither is runnable before the interrupt's latency");
  runTo(rt, t0 + 155_000 + 1);
  assert.ok([a, b].every((t) => t.state === KState.Running || t.state === KState.Runnable), "b is runnable with a, not 35 µs later with its own draw");
  assert.deepEqual([a.cpu, b.cpu], [0, 0]);
});

test("a timer wake onto an idle CPU runs Machine.idleRunNs of its latency as CPU work: the sleeper ends as before, its CPU busy longer", () => {
  // a and b sleep from CPU 0 (soft/hard expiry 100/150 and 110/160 µs, latency 10 µs, then 3 µs of
  // work); the interrupt at 150 µs fires both onto the idle CPU 0. Each run: 1 µs of wake work + 3 µs.
  function run(idleRunNs: number): { aRunningAt157: boolean; ends: number[] } {
    const endAt = new Map<number, number>();
    const rt: Runtime = kernelOnly(2, undefined, (t) => endAt.set(t.id, rt.nowNs), { idleRunNs });
    const { a, t0 } = twoSleepersOnCpu0(10_000, 10_000, rt);
    runTo(rt, t0 + 157_000);
    const aRunningAt157 = a.state === KState.Running;
    runTo(rt, t0 + 300_000);
    return { aRunningAt157, ends: [endAt.get(1)! - t0, endAt.get(2)! - t0] };
  }
  // Without it both are runnable at 160 µs and end at 164 and 168 µs, in pick_eevdf's order.
  const plain = run(0);
  assert.equal(plain.aRunningAt157, false);
  assert.deepEqual([...plain.ends].sort((x, y) => x - y), [164_000, 168_000]);
  // With 4 µs: a, first onto the idle CPU, is runnable at 156 µs and runs 1 + 4 + 3 µs, ending at 164 µs
  // as before; b, onto a CPU no longer idle, keeps its latency and its run (160 µs, then after a).
  const cold = run(4_000);
  assert.equal(cold.aRunningAt157, true);
  assert.deepEqual(cold.ends, [164_000, 168_000]);
});

test("a futex wake costs the waker Machine.futexWakerNs of CPU, futexWakerIpiNs more onto another CPU", () => {
  for (const [ontoOther, chargeNs] of [[false, 5_000], [true, 12_000]] as const) {
    const rt = kernelOnly(2, undefined, () => {}, { futexWakerNs: 5_000, futexWakerIpiNs: 7_000 });
    const wakee = startOn(rt, 1, 10_000);
    runTo(rt, 20_000);
    const waker = startOn(rt, 2, 100_000);
    if (ontoOther) wakee.prevCpu = 1 - waker.cpu;
    const before = kWorkLeft(rt, waker); // its 100 µs and the kernel's work of its own start
    rt.kernel.current = waker;
    kWakeup(rt, wakee, 30_000, 0, ...step);
    rt.kernel.current = null;
    assert.equal(wakee.state === KState.Sleeping ? wakee.wakeCpu : wakee.cpu, ontoOther ? 1 - waker.cpu : waker.cpu);
    assert.equal(kWorkLeft(rt, waker) - before, chargeNs, ontoOther ? "onto the other CPU" : "onto the waker's CPU");
  }
});

test("a timer interrupt on a busy CPU sends its sleeper to the idle CPU", () => {
  const rt = kernelOnly(2);
  const sleeper = startOn(rt, 1, 1_000);
  runTo(rt, 1_000);
  sleeper.prevCpu = 0;
  const t0 = rt.nowNs;
  kSleepTimer(rt, sleeper, 100_000, 150_000, 5_000, 3_000, ...step);
  const spinner = rt.kernel.thread(2);
  spinner.prevCpu = 0;
  kRun(rt, spinner, 1_000_000, ...step);
  runTo(rt, t0 + 1_000);
  assert.equal(spinner.cpu, 0);
  runTo(rt, t0 + 150_000);
  assert.equal(sleeper.wakeCpu, 1, "CPU 0 was busy at the interrupt: the idle CPU 1");
});

/** Makes CPU `cpu` look used `util` of the time lately (its PELT-like average, as of now). */
function usedLately(rt: Runtime, cpu: number, util: number): void {
  rt.kernel.cpus[cpu]!.util = util;
  rt.kernel.cpus[cpu]!.utilAtNs = rt.nowNs;
}

test("a CPU about to idle pulls a waiting thread that is not cache-hot, and leaves a hot one", () => {
  for (const sleptNs of [100_000, 1_000_000]) {
    const rt = kernelOnly(2);
    const hog = startOn(rt, 1, 5_000_000); // keeps CPU 0 busy
    assert.equal(hog.cpu, 0);
    usedLately(rt, 0, 0.9); // and has been: no room to pack on
    const other = startOn(rt, 2, 10_000_000); // keeps CPU 1 busy
    assert.equal(other.cpu, 1);
    const waiter = rt.kernel.thread(3);
    waiter.prevCpu = 0;
    // It ran more than its share before (negative lag): woken, it does not preempt the hog.
    waiter.fresh = false;
    waiter.vlagNs = -100_000;
    kSleep(rt, waiter, sleptNs, 1_000, ...step);
    waiter.lastRanNs = rt.nowNs; // it left CPU 0 now
    runTo(rt, sleptNs + 1);
    // Woken: its previous CPU 0 is busy, CPU 1 too: it waits on CPU 0's queue (a no-IPI wake).
    assert.equal(waiter.state, KState.Runnable);
    assert.equal(waiter.cpu, 0);
    // CPU 1's thread parks: newidle balance.
    kBlock(rt, other);
    const hot = sleptNs < 500_000;
    assert.equal(waiter.cpu, hot ? 0 : 1, hot ? "left it a hot thread (it ran 100 µs ago)" : "pulled a thread that left its CPU 1 ms ago");
    assert.equal(rt.kernel.migrations, hot ? 0 : 1);
  }
});

test("a CPU used under three quarters keeps a waiting thread: no balancing spreads it (vCPU packing)", () => {
  for (const util of [0.5, 0.8]) {
    const rt = kernelOnly(2);
    const hog = startOn(rt, 1, 5_000_000);
    const other = startOn(rt, 2, 10_000_000);
    usedLately(rt, hog.cpu, util);
    const waiter = rt.kernel.thread(3);
    waiter.prevCpu = hog.cpu;
    waiter.fresh = false;
    waiter.vlagNs = -100_000;
    kSleep(rt, waiter, 1_000_000, 1_000, ...step);
    waiter.lastRanNs = rt.nowNs;
    runTo(rt, 1_000_001);
    assert.equal(waiter.cpu, hog.cpu, "woken behind the hog");
    kBlock(rt, other); // the other CPU idles: newidle balance
    const packs = util < 0.75;
    assert.equal(waiter.cpu, packs ? hog.cpu : other.prevCpu, packs ? `a CPU used ${util} has room: the thread waits there` : `a CPU used ${util} is full: the idle CPU pulls it`);
    assert.equal(rt.kernel.migrations, packs ? 0 : 1);
  }
});

test("a busy CPU's tick has an idle CPU take a thread waiting behind it", () => {
  const rt = kernelOnly(2, 20_000_000); // a slice longer than the tick: only the balance moves it
  const hog = startOn(rt, 1, 50_000_000);
  const idle = 1 - hog.cpu;
  usedLately(rt, hog.cpu, 0.9);
  const waiter = rt.kernel.thread(2);
  waiter.prevCpu = hog.cpu;
  waiter.fresh = false;
  waiter.vlagNs = -100_000;
  // The waiter wakes while a wake-up is on its way to the idle CPU: it queues behind the hog.
  rt.kernel.cpus[idle]!.incoming++;
  kRun(rt, waiter, 1_000, ...step);
  rt.kernel.cpus[idle]!.incoming--;
  assert.equal(waiter.cpu, hog.cpu);
  runTo(rt, 3_900_000);
  assert.equal(waiter.state, KState.Runnable, "nothing pulls it before the tick: the idle CPU does not balance");
  runTo(rt, 4_000_000 + 20_000 + 10_000); // the tick at 4 ms, the IPI (20 µs), its work
  assert.equal(waiter.prevCpu, idle, "the kicked idle CPU pulled it and ran it");
  assert.equal(rt.kernel.migrations, 1);
});

test("a woken thread first runs the kernel's wake work, drawn per wake from wakeCpuSpread", () => {
  // Spread points [p, offset]: the inverse CDF is linear between them, so the draws' quantiles are
  // read off the points: p50 = the median 3 µs, p90 = 3 + 6 µs, min ≥ 3 − 1 µs.
  const spread: [number, number][] = [[0, -1_000], [0.5, 0], [0.9, 6_000], [1, 20_000]];
  const rt = new Runtime(resolveConfig({ gomaxprocs: 1, seed: 7, machine: { ...exactMachine, ncpu: 1, wakeCpuNs: 3_000, wakeCpuSpread: spread } }));
  const runs: number[] = [];
  let wokeAt = 0;
  rt.engine.on(Ev.KDone, (id, token) => {
    const t = kDone(rt, id, token);
    if (t === null) return;
    runs.push(rt.nowNs - wokeAt);
    rt.kernel.current = t;
    kStepEnd(rt, t);
    rt.kernel.current = null;
    kSleep(rt, t, 100_000, 0, ...step); // off CPU 100 µs, then woken with no work of its own
    wokeAt = rt.nowNs + 100_000;
  });
  rt.engine.on(Ev.KWake, (id, token) => kWake(rt, id, token));
  rt.engine.on(Ev.KPick, (cpu, token) => kPick(rt, cpu, token));
  rt.engine.on(Ev.KTick, (cpu, token) => kTick(rt, cpu, token));
  kRun(rt, rt.kernel.thread(1), 1, ...step);
  rt.engine.run(2_000 * 200_000, 10_000_000);
  runs.shift(); // the first step was kRun's own work, not a wake
  assert.ok(runs.length > 1_500, `${runs.length} wakes`);
  const sorted = [...runs].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.floor(p * (sorted.length - 1))]!;
  assert.ok(Math.abs(q(0.5) - 3_000) < 300, `p50 ${q(0.5)}`);
  assert.ok(Math.abs(q(0.9) - 9_000) < 1_000, `p90 ${q(0.9)}`);
  assert.ok(sorted[0]! >= 2_000 && sorted.at(-1)! <= 23_000, `min ${sorted[0]} max ${sorted.at(-1)}`);
  assert.ok(new Set(runs).size > 100, "a draw per wake, not one figure");
});

test("the kernel counts each thread's run on a CPU and each CPU's busy time, as sched-trace.mjs does on a real kernel", () => {
  // One CPU; a computes 30 µs, b 10 µs, both started at 0. a runs first from idle: 1 µs of wake work
  // + 30 µs; b then pays the context switch (1 µs), its wake work and its 10 µs: 12 µs.
  const rt = kernelOnly(1, undefined, () => {}, { contextSwitchNs: 1_000 });
  kRun(rt, rt.kernel.thread(1), 30_000, ...step);
  kRun(rt, rt.kernel.thread(2), 10_000, ...step);
  runTo(rt, 100_000);
  const runs = rt.kernel.runs;
  assert.equal(runs.count, 2);
  assert.equal(runs.totalNs, 43_000);
  assert.equal(runs.byUs[31], 1);
  assert.equal(runs.byUs[12], 1);
  assert.equal(rt.kernel.cpus[0]!.busyNs, 43_000);
});

test("the kernel counts each wake-up's placement by kind, as sched-trace.mjs does on a real kernel", () => {
  // A futex wake from CPU w of a thread whose last CPU (the other) idles: it goes there. Then its
  // timer, armed from that CPU, fires while both CPUs idle: it stays.
  const rt = kernelOnly(2);
  const waker = startOn(rt, 1, 100_000);
  const other = 1 - waker.cpu;
  const wakee = rt.kernel.thread(2);
  wakee.prevCpu = other;
  rt.kernel.current = waker;
  kWakeup(rt, wakee, 30_000, 0, ...step);
  rt.kernel.current = null;
  runTo(rt, 200_000); // the wakee ran its (empty) step; the waker finished at 100 µs
  assert.equal(wakee.prevCpu, other);
  kSleepTimer(rt, wakee, 100_000, 150_000, 5_000, 1_000, ...step);
  runTo(rt, 400_000);
  const expected = new Uint32Array(32);
  expected[placementIndex(false, false, true, false, false)] = 1; // futex, waker on another (busy), its CPU idle: stayed
  expected[placementIndex(true, true, true, true, false)] = 1; // timer, on its CPU, both idle: stayed
  assert.deepEqual(rt.kernel.placements, expected);
});

test("a futex wakee whose previous CPU is the other, idle one queues behind its waker in about one wake in ten", () => {
  // tools/machine/wake-placement.c `futex 0 other`: 88–92 % ran on the idle previous CPU, the rest on
  // the waker's. One wake per seed, 1000 seeds.
  let behindWaker = 0;
  for (let seed = 1; seed <= 1000; seed++) {
    const rt = kernelOnly(2, undefined, () => {}, {}, seed);
    const waker = startOn(rt, 1, 100_000);
    const wakee = rt.kernel.thread(2);
    wakee.prevCpu = 1 - waker.cpu;
    rt.kernel.current = waker;
    kWakeup(rt, wakee, 30_000, 0, ...step);
    rt.kernel.current = null;
    if ((wakee.state === KState.Sleeping ? wakee.wakeCpu : wakee.cpu) === waker.cpu) behindWaker++;
  }
  assert.ok(behindWaker >= 70 && behindWaker <= 130, `${behindWaker} of 1000 behind the waker`);
});

test("a sleeper whose timer interrupt finds its CPU busy stays there in about one wake in fourteen, else goes to the idle CPU", () => {
  // tools/machine/wake-placement.c `busy`: 93 % of the sleeps from a busy CPU woke on the idle one.
  let stayed = 0;
  for (let seed = 1; seed <= 1000; seed++) {
    const rt = kernelOnly(2, undefined, () => {}, {}, seed);
    const sleeper = startOn(rt, 1, 1_000);
    const cpu = sleeper.cpu;
    runTo(rt, 5_000);
    kSleepTimer(rt, sleeper, 100_000, 150_000, 10_000, 1_000, ...step); // sleeps from its CPU
    const spinner = rt.kernel.thread(3);
    spinner.prevCpu = cpu;
    kRun(rt, spinner, 10_000_000, ...step); // keeps that CPU busy
    runTo(rt, rt.nowNs);
    assert.equal(spinner.cpu, cpu);
    runTo(rt, 160_000); // the interrupt at the hard expiry, on the busy CPU
    if (sleeper.wakeCpu === cpu || sleeper.cpu === cpu) stayed++;
  }
  assert.ok(stayed >= 45 && stayed <= 95, `${stayed} of 1000 stayed on the busy CPU`);
});

test("a thread that sleeps ineligible stays on its CPU's run queue, counted in V, until the CPU picks it; it leaves with zero lag (DELAY_DEQUEUE, DELAY_ZERO)", () => {
  const rt = kernelOnly(1);
  const a = startOn(rt, 1, 20_000);
  const b = startOn(rt, 2, 100_000); // queued behind a, placed at the same vruntime
  const cpu = rt.kernel.cpus[0]!;
  assert.equal(b.state, KState.Runnable);
  runTo(rt, 30_000); // a ran 21 µs (1 µs of wake work) and parked: ahead of b, so not eligible
  assert.equal(a.state, KState.Blocked);
  assert.equal(a.delayed, true, "kept on the run queue");
  assert.equal(a.cpu, 0);
  assert.equal(b.state, KState.Running);
  assert.equal(cpu.n, 2, "V still counts a");
  checkKernelInvariants(rt);
  runTo(rt, 200_000); // b parks too: nothing runnable, so the CPU takes both off and idles
  assert.equal(b.state, KState.Blocked);
  assert.ok(!a.delayed && !b.delayed);
  assert.deepEqual([a.vlagNs, b.vlagNs, cpu.n], [0, 0, 0], "their lag clipped to zero");
  assert.equal(rt.kernel.isIdle(0), true);
  checkKernelInvariants(rt);
});

test("a delayed thread that is woken stays on its CPU although another idles, and keeps its vruntime", () => {
  const rt = kernelOnly(2);
  const a = startOn(rt, 1, 20_000);
  const h = startOn(rt, 2, 25_000); // the other CPU, for 26 µs
  assert.notEqual(h.cpu, a.cpu);
  kRun(rt, rt.kernel.thread(3), 100_000, ...step); // no CPU idles: queued behind a
  const b = rt.kernel.thread(3);
  assert.equal(b.cpu, a.cpu);
  runTo(rt, 30_000); // a parked ineligible (delayed); h parked and its CPU idles
  assert.equal(a.delayed, true);
  assert.equal(rt.kernel.isIdle(h.prevCpu), true);
  const vruntime = a.vruntimeNs;
  kRun(rt, a, 5_000, ...step); // woken while b has run less than a: its lag is still negative
  assert.equal(a.delayed, false);
  assert.equal(a.state, KState.Runnable);
  assert.equal(a.cpu, b.cpu, "requeued where it was (ttwu_runnable), not sent to the idle CPU");
  assert.equal(a.vruntimeNs, vruntime, "its place kept");
  checkKernelInvariants(rt);
});

test("the kernel counts the other threads' timed sleeps by where sysmon's was pending when armed, as sched-trace.mjs does", () => {
  // 4 goroutines × 50 Syscall(nanosleep 1 µs) at GOMAXPROCS 1: their 200 sleeps are the only timed
  // sleeps besides sysmon's, each counted once.
  const sim = simulate({ profile: "go1.26", gomaxprocs: 1, seed: 1, main: loopProgram("syscall", 4, 1, 50) });
  const b = sim.runtime.kernel.timerFires.besideSysmon;
  assert.equal(sim.metrics.syscalls.total, 200);
  assert.equal(b.same + b.other + b.none, 200);
  assert.ok(b.other > 0 && b.none > 0, JSON.stringify(b));
});

test("a timer interrupt comes timerIrqDelayNs (the sleep overhead beyond the wake path) after the earliest hard expiry and fires every timer whose soft expiry has passed by then", () => {
  // a: soft/hard expiry 100/150 µs; b: 160/210 µs, both from CPU 0, latency 20 µs each.
  function run(irqDelayNs: number): { aAt: number; bAt: number } {
    const at = new Map<number, number>();
    const machine = { sleepBaseOverheadNs: 21_000, sleepWakePathNs: 21_000 - irqDelayNs };
    const rt: Runtime = kernelOnly(2, undefined, (t) => at.set(t.id, rt.nowNs), machine);
    assert.equal(timerIrqDelayNs(rt.config.machine), irqDelayNs);
    const { t0 } = twoSleepersOnCpu0(20_000, 20_000, rt, 160_000);
    runTo(rt, t0 + 400_000);
    return { aAt: at.get(1)! - t0, bAt: at.get(2)! - t0 };
  }
  // At once: the interrupt at 150 µs finds b's soft expiry 10 µs ahead; b waits for its own at 210 µs.
  const atOnce = run(0);
  assert.ok(atOnce.bAt > 230_000, JSON.stringify(atOnce));
  // 15 µs late: the interrupt at 165 µs fires both. a's step ends as before: the delay is part of its latency.
  const late = run(15_000);
  assert.equal(late.aAt, atOnce.aAt, "a lone sleeper's call lasts as long");
  assert.ok(late.bAt < 200_000, JSON.stringify(late));
});

test("a futex wakee that does not preempt its waker (sysmon's note wake) waits on the waker's CPU until the waker sleeps", () => {
  const { rt, waker, wakee, c } = wakeOwedThread(false); // as in the test above, where it preempts 7 µs later
  assert.equal(wakee.state, KState.Runnable);
  runTo(rt, 60_000);
  assert.equal(c.curr, waker, "still the waker's, well past its FUTEX_WAKE");
  rt.kernel.current = waker;
  kSleep(rt, waker, 1_000_000, 0, ...step);
  rt.kernel.current = null;
  runTo(rt, rt.nowNs + 1);
  assert.equal(c.curr, wakee, "it runs once the waker sleeps");
  assert.deepEqual(rt.kernel.wakeeOnWaker.others, { preempted: 0, waited: 1 });
});

test("sysmon woken from its deep sleep by the goroutine's thread joins that thread's CPU and waits for it to sleep", () => {
  // One goroutine × Syscall(nanosleep 100 µs) at GOMAXPROCS 2: every return wakes sysmon from its
  // deep sleep (exitsyscallfast_pidle). Real Go 1.26 here: 1085 of 1087 such wakes waited.
  const sim = simulate({ profile: "go1.26", gomaxprocs: 2, seed: 1, main: loopProgram("syscall", 1, 100, 400) });
  const w = sim.runtime.kernel.wakeeOnWaker.sysmon;
  assert.equal(w.preempted, 0);
  assert.ok(w.waited > 100, JSON.stringify(w));
});

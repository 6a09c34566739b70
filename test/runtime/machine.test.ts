// The machine under the runtime: latency draws (machine.ts), threads competing for CPUs and
// hrtimers with slack, coalesced per CPU (kernel.ts), and cost profiles carrying the spreads `gosched calibrate` measures.
import assert from "node:assert/strict";
import { test } from "node:test";
import { RawSyscall, Syscall, compute, ms, simulate, us } from "../../src/index.js";
import { exactMachine, thisMachine } from "../../src/profiles/go1_19.js";
import { futexWakeNs, futexWakeUnplacedNs, sleepNs, sleepWakeLatencyNs, spreadAt, spreadMean, threadStartNs } from "../../src/runtime/machine.js";
import { costProfileFrom, latencyQuantilesOf, medianQuantiles, parseCostProfile, spreadFromQuantiles } from "../../src/validation/index.js";
import { EventHash, EventLog, fanOut } from "../helpers.js";

test("a spread is a piecewise-linear inverse CDF", () => {
  const sp = [[0, -10], [0.5, 0], [0.9, 40], [1, 100]] as const;
  assert.equal(spreadAt(sp, 0), -10);
  assert.equal(spreadAt(sp, 0.25), -5);
  assert.equal(spreadAt(sp, 0.5), 0);
  assert.ok(Math.abs(spreadAt(sp, 0.7) - 20) < 1e-9);
  assert.ok(Math.abs(spreadAt(sp, 0.95) - 70) < 1e-9);
  assert.equal(spreadAt([], 0.3), 0);
});

test("latencies are drawn from the run's seed: same seed same run, another seed another run", () => {
  const main = fanOut(8, function* () { for (let i = 0; i < 5; i++) yield Syscall(ms(1), { timing: "nanosleep" }); });
  const hash = (seed: number) => {
    const h = new EventHash();
    simulate({ gomaxprocs: 2, seed, main, observers: [h] });
    return h.hex;
  };
  assert.equal(hash(3), hash(3));
  assert.notEqual(hash(3), hash(4));
});

test("threads compete for CPUs: two 10 ms computations share one CPU, or run side by side on two", () => {
  const main = fanOut(2, function* () { yield compute(ms(10)); });
  const one = simulate({ gomaxprocs: 2, main, machine: { ...exactMachine, ncpu: 1 }, check: true });
  const two = simulate({ gomaxprocs: 2, main, machine: { ...exactMachine, ncpu: 2 }, check: true });
  // One CPU: 20 ms of work in time slices of 0.75 ms; two CPUs: 10 ms (plus start-up latencies).
  assert.ok(one.result.endTimeNs >= ms(20) && one.result.endTimeNs < ms(21), `one CPU: ${one.result.endTimeNs}`);
  assert.ok(two.result.endTimeNs >= ms(10) && two.result.endTimeNs < ms(10.5), `two CPUs: ${two.result.endTimeNs}`);
  assert.ok(one.runtime.kernel.switches > 10, "the CPU switched between the threads at slice ends");
});

test("a woken thread waits for a CPU: with one CPU busy computing, a returning syscall's thread is late", () => {
  const log = new EventLog();
  const busy = fanOut(2, function* () { yield RawSyscall(us(100)); yield compute(ms(5)); });
  simulate({ gomaxprocs: 2, main: busy, machine: { ...exactMachine, ncpu: 1 }, observers: [log], check: true });
  const returns = log.of("rawsyscall_return").map((e) => e.timeNs);
  assert.equal(returns.length, 2);
  // The first thread to return computes 5 ms on the only CPU; the other returns only when it gets the
  // CPU — after a slice (EEVDF: the running thread keeps the CPU until its deadline), not at 100 µs.
  assert.ok(returns[1]! - returns[0]! > us(300), `returns at ${returns.join(", ")}`);
});

test("timed sleeps coalesce per CPU: a sleeper whose soft expiry has passed wakes with another's timer interrupt", () => {
  // One CPU (one hrtimer queue), exact latencies: two goroutines each sleep 1 ms in RawSyscall
  // nanosleep (50 µs slack), the second after 20 µs of Go code. The interrupt comes at the earlier
  // hard expiry (soft + 50 µs) and fires the other timer too, its soft expiry having passed
  // (__hrtimer_run_queues): both return together.
  const log = new EventLog();
  let started = 0;
  const main = fanOut(2, function* () {
    if (started++ === 1) yield compute(us(20));
    yield RawSyscall(ms(1), { timing: "nanosleep" });
  });
  simulate({ gomaxprocs: 2, main, machine: { ...exactMachine, ncpu: 1 }, observers: [log], check: true });
  const calls = log.of("rawsyscall").map((e) => e.timeNs);
  const rets = log.of("rawsyscall_return").map((e) => e.timeNs);
  assert.equal(calls.length, 2);
  const softNs = (t: number) => t + ms(1) + 15_000; // request + the measured extra of a 1 ms sleep
  const hardA = softNs(calls[0]!) + 50_000;
  assert.ok(calls[1]! > calls[0]! && softNs(calls[1]!) <= hardA, `the second call (at ${calls[1]}) starts within the slack of the first (at ${calls[0]})`);
  // Both return together (one interrupt, then a wake-up latency of 6 µs and the one CPU they share),
  // after the later soft expiry and no later than the first hard expiry (sysmon's usleep timers on the
  // same CPU may bring the interrupt earlier).
  assert.ok(Math.abs(rets[0]! - rets[1]!) < 2_000, `returns at ${rets.join(", ")}`);
  assert.ok(rets.every((t) => t >= softNs(calls[1]!) && t <= hardA + 10_000), `returns at ${rets.join(", ")}, first hard expiry ${hardA}`);
  assert.ok(rets[1]! < softNs(calls[1]!) + 50_000, `the second returned at ${rets[1]}, not at its own hard expiry`);
});

test("a futex wake's drawn latency is the measured wake less its CPU work; an unplaced one is immediate with no CPU idle", () => {
  // The measured wake (Costs.futexWakeNs, onto an idle CPU) is end to end: the kernel model runs the
  // wake's own CPU work (wakeCpuNs) after the off-CPU part, and uses the draw only when it places the
  // thread on another, idle CPU (kernel.ts kWakeup; test/runtime/kernel.test.ts). A wake of something
  // the kernel does not place (the GC's waiter) is immediate when every CPU is busy.
  const machine = { ...exactMachine, ncpu: 2, wakeCpuNs: 5_000 };
  const sim = simulate({ gomaxprocs: 1, main: fanOut(1, function* () { yield compute(us(10)); }), machine });
  const rt = sim.runtime;
  const medianNs = rt.config.costs.futexWakeNs;
  assert.equal(rt.kernel.idleCpus.length, 2);
  assert.equal(futexWakeNs(rt), medianNs - 5_000);
  assert.equal(futexWakeUnplacedNs(rt), medianNs - 5_000);
  const idle = rt.kernel.idleCpus.splice(0);
  assert.equal(futexWakeNs(rt), medianNs - 5_000);
  assert.equal(futexWakeUnplacedNs(rt), 0);
  rt.kernel.idleCpus.push(...idle);
});

test("a new thread's start includes the wake of an idle CPU only when one is idle; else it queues without it", () => {
  // The measured start (Costs.threadStartNs, traced on a quiet machine) has the new thread woken onto
  // the other, halted vCPU; with every CPU busy the thread is queued at once, without that wake.
  const machine = { ...exactMachine, ncpu: 2, ipiWakeNs: 27_000 };
  const sim = simulate({ gomaxprocs: 1, main: fanOut(1, function* () { yield compute(us(10)); }), machine });
  const rt = sim.runtime;
  const { threadStartNs: startNs, mstartNs } = rt.config.costs;
  assert.equal(rt.kernel.idleCpus.length, 2);
  assert.equal(threadStartNs(rt), startNs - mstartNs);
  const idle = rt.kernel.idleCpus.splice(0);
  assert.equal(threadStartNs(rt), startNs - mstartNs - 27_000);
  rt.kernel.idleCpus.push(...idle);
});

test("cost profiles carry the measured sleep spreads; the Go-level wake is reported, not written", () => {
  const q = { min: 56_000, p50: 57_000, p99: 70_000, max: 170_000 };
  assert.deepEqual(spreadFromQuantiles(q), [[0, -1000], [0.5, 0], [0.99, 13_000], [1, 113_000]]);
  const profile = costProfileFrom(
    {
      enterExitNs: 100, syscallGetpidNs: 255, rawGetpidNs: 154, cgoGetpidNs: 254,
      sleepOverheadNs: [[1000, 56_000], [1_000_000, 71_000]], timerSlackNs: 50_000, ncpu: 2,
      spawnNewNs: 62_000, spawnIdleNs: 27_000,
      sleepQuantilesNs: [[1000, q], [1_000_000, { min: 1_060_000, p50: 1_072_000, p99: 1_300_000, max: 1_500_000 }]],
      spawnNewQuantilesNs: { min: 50_000, p50: 62_000, p99: 80_000, max: 90_000 },
      spawnIdleQuantilesNs: { min: 26_000, p50: 27_000, p99: 35_000, max: 40_000 },
    },
    { goVersion: "go1.19", date: "2026-12-06" },
  );
  const back = parseCostProfile(JSON.parse(JSON.stringify(profile)), "costs.json");
  assert.deepEqual(back.machine.sleepSpreads, [[1000, [[0, -1000], [0.5, 0], [0.99, 13_000], [1, 113_000]]], [1_000_000, [[0, -12_000], [0.5, 0], [0.99, 228_000], [1, 428_000]]]]);
  // The Go-level wake (go f() via an idle thread) is reported, not written: no futex measurement here.
  assert.equal(back.costs.futexWakeNs, undefined);
  assert.equal(back.machine.futexWakeSpread, undefined);
  assert.match(String((profile.measured as Record<string, unknown>).spawnIdle), /Go-level wake/);
});

/** What calibrate measures besides the futex wake and thread creation (this VM's figures, rounded). */
const measuredBase = {
  enterExitNs: 40, syscallGetpidNs: 207, rawGetpidNs: 181, cgoGetpidNs: 225,
  sleepOverheadNs: [[1000, 66_760]] as [number, number][], timerSlackNs: 50_000, ncpu: 2,
  spawnNewNs: 165_095, spawnIdleNs: 102_412,
};

test("calibrate writes the futex wake measured below the runtime: onto another, idle CPU, and the IPI over a same-CPU wake", () => {
  const base = {
    ...measuredBase,
    // a bimodal Go-level wake (quiet 2-vCPU VM: 90 µs or 3.7 ms per trial) must not matter any more
    spawnIdleQuantilesNs: { min: 90_695, p50: 1_401_264, p99: 3_765_628, max: 3_765_628 },
  };
  // this VM's figures (2026-12-06, futex -cpus cross / same), rounded
  const otherCpu = { min: 11_000, p10: 20_500, p25: 24_000, p50: 31_500, p75: 36_500, p90: 51_000, p99: 90_000, max: 120_000 };
  const sameCpu = { min: 2_500, p10: 3_000, p50: 4_500, p90: 10_000, p99: 17_000, max: 55_000 };
  const p = parseCostProfile(JSON.parse(JSON.stringify(costProfileFrom({ ...base, futexOtherCpuQuantilesNs: otherCpu, futexSameCpuQuantilesNs: sameCpu }, { goVersion: "go1.26", date: "2026-12-06" }))), "costs.json");
  assert.equal(p.costs.futexWakeNs, 31_500); // the other-CPU median, end to end
  assert.equal(p.machine.ipiWakeNs, 27_000); // 31.5 − 4.5 µs
  // offsets from the other-CPU median: min −20.5, p10 −11, p25 −7.5, p75 +5, p90 +19.5, p99 +58.5, max +88.5 µs
  assert.deepEqual(p.machine.futexWakeSpread, [[0, -20_500], [0.1, -11_000], [0.25, -7_500], [0.5, 0], [0.75, 5_000], [0.9, 19_500], [0.99, 58_500], [1, 88_500]]);
  // A same-CPU wake measured slower than the other-CPU one (a busy machine): no negative IPI.
  const slowSame = costProfileFrom({ ...base, futexOtherCpuQuantilesNs: otherCpu, futexSameCpuQuantilesNs: { ...sameCpu, p50: 40_000 } }, { goVersion: "go1.26", date: "2026-12-06" });
  assert.equal(slowSame.machine.ipiWakeNs, 0);
  // Two modes in the other-CPU wake (p90 over 5× the median): the median is written, the spread is not.
  const twoModes = costProfileFrom({ ...base, futexOtherCpuQuantilesNs: { ...otherCpu, p90: 3_000_000, p99: 3_500_000, max: 4_000_000 }, futexSameCpuQuantilesNs: sameCpu }, { goVersion: "go1.26", date: "2026-12-06" });
  assert.equal(twoModes.costs.futexWakeNs, 31_500);
  assert.equal(twoModes.machine.futexWakeSpread, undefined);
  assert.match(String((twoModes.measured as Record<string, unknown>).futexWakeSpread), /two modes/);
  // One CPU: only the same-CPU wake can be measured; no futex figure and no IPI is written, each with the note.
  const oneCpu = costProfileFrom({ ...base, ncpu: 1, futexSameCpuQuantilesNs: sameCpu }, { goVersion: "go1.26", date: "2026-12-06" });
  assert.equal(oneCpu.costs.futexWakeNs, undefined);
  assert.equal(oneCpu.machine.futexWakeSpread, undefined);
  assert.equal(oneCpu.machine.ipiWakeNs, undefined);
  for (const k of ["futexWakeNs", "futexWakeSpread", "ipiWakeNs"]) assert.match(String((oneCpu.measured as Record<string, unknown>)[k]), /not written: fewer than 2 CPUs/);
  assert.deepEqual((oneCpu.measured as Record<string, unknown>).futexSameCpuQuantilesNs, sameCpu); // still reported
});

test("calibrate writes thread creation measured directly: the traced take → new thread start, and cloneNs = allocm + clone()", () => {
  const base = { ...measuredBase, spawnNewQuantilesNs: { min: 0, p50: 165_095, p99: 300_000, max: 400_000 } };
  // a quiet go1.26 trace's take → new thread ProcStart (µs: 63.3 … 69.8 … 153.9), rounded
  const start = { min: 63_300, p5: 64_300, p10: 65_000, p25: 66_500, p50: 69_800, p75: 72_500, p90: 78_100, p95: 83_300, p99: 153_900, max: 153_900 };
  const borrow = { min: 10_400, p10: 11_300, p50: 13_500, p90: 22_400, p99: 31_500, max: 31_500 };
  const clone = { min: 7_600, p10: 8_000, p50: 9_500, p90: 13_700, p99: 17_800, max: 27_000 };
  const p = parseCostProfile(JSON.parse(JSON.stringify(costProfileFrom({ ...base, newmStartQuantilesNs: start, allocmBorrowQuantilesNs: borrow, cloneParentQuantilesNs: clone }, { goVersion: "go1.26", date: "2026-12-06" }))), "costs.json");
  assert.equal(p.costs.threadStartNs, 69_800); // the traced median, not spawn's 165 µs − usleep(3)
  assert.equal(p.costs.cloneNs, 23_000); // 13.5 + 9.5 µs
  // offsets from 69.8 µs: min −6.5, p5 −5.5, p10 −4.8, p25 −3.3, p75 +2.7, p90 +8.3, p95 +13.5, p99 and max +84.1 µs
  assert.deepEqual(p.machine.threadStartSpread, [[0, -6_500], [0.05, -5_500], [0.1, -4_800], [0.25, -3_300], [0.5, 0], [0.75, 2_700], [0.9, 8_300], [0.95, 13_500], [0.99, 84_100], [1, 84_100]]);
  assert.match(String((p.measured as Record<string, unknown>).threadStart), /real trace/);
  // No trace (Go < 1.22) and no clone: spawn's figure minus usleep(3) (3 + 66.76 µs), no cloneNs; both say why.
  const old = costProfileFrom({ ...base, skipped: { newm: "go1.19 writes the old trace format", clone: "no cgo" } }, { goVersion: "go1.19", date: "2026-12-06" });
  assert.equal(old.costs.threadStartNs, 165_095 - 69_760);
  assert.equal(old.costs.cloneNs, undefined);
  const m = old.measured as Record<string, unknown>;
  assert.match(String(m.threadStart), /spawn -mode new/);
  assert.match(String(m.cloneNs), /not written: allocm's borrow was not measured/);
  assert.deepEqual(m.skipped, { newm: "go1.19 writes the old trace format", clone: "no cgo" });
  // The trace but no clone (no cgo): threadStartNs written, cloneNs not.
  const noCgo = costProfileFrom({ ...base, newmStartQuantilesNs: start, allocmBorrowQuantilesNs: borrow }, { goVersion: "go1.26", date: "2026-12-06" });
  assert.equal(noCgo.costs.threadStartNs, 69_800);
  assert.equal(noCgo.costs.cloneNs, undefined);
  assert.match(String((noCgo.measured as Record<string, unknown>).cloneNs), /clone\(\) was not measured/);
  // Go 1.19's calibration, its thread creation traced with Go 1.23: the profile says which toolchain.
  const borrowed = costProfileFrom({ ...base, newmStartQuantilesNs: start, newmGoVersion: "go1.23.5" }, { goVersion: "go1.19.8", date: "2026-12-06" });
  assert.equal(borrowed.costs.threadStartNs, 69_800);
  assert.equal((borrowed.measured as Record<string, unknown>).newmGoVersion, "go1.23.5");
  assert.match(String((borrowed.measured as Record<string, unknown>).threadStart), /real trace \(newm, traced with go1\.23\.5\)/);
  const own = costProfileFrom({ ...base, newmStartQuantilesNs: start, newmGoVersion: "go1.26" }, { goVersion: "go1.26", date: "2026-12-06" });
  assert.match(String((own.measured as Record<string, unknown>).threadStart), /real trace \(newm\):/);
});

test("calibrate writes exitsyscall's take-back from its trace: the median less the fastest (p5), its spread around the median", () => {
  const q = { min: 192, p5: 256, p10: 320, p25: 448, p50: 640, p75: 960, p90: 1280, p95: 1472, p99: 4096, max: 9000 };
  const with_ = costProfileFrom({ ...measuredBase, takeBackQuantilesNs: q, takeBackGoVersion: "go1.26.11" }, { goVersion: "go1.19.8", date: "2026-12-06" });
  assert.equal(with_.costs.exitsyscallTakeBackNs, 384);
  assert.deepEqual(with_.machine.takeBackSpread, [[0, -448], [0.05, -384], [0.1, -320], [0.25, -192], [0.5, 0], [0.75, 320], [0.9, 640], [0.95, 832], [0.99, 3456], [1, 8360]]);
  const back = parseCostProfile(JSON.parse(JSON.stringify(with_)), "costs.json");
  assert.equal(back.costs.exitsyscallTakeBackNs, 384);
  const without = costProfileFrom(measuredBase, { goVersion: "go1.19.8", date: "2026-12-06" });
  assert.equal(without.costs.exitsyscallTakeBackNs, undefined);
  assert.match(String((without.measured as Record<string, unknown>).exitsyscallTakeBackNs), /not written/);
});

test("the one-mode guard looks at p95 too: a slow mode in a few processes keeps the spread out", () => {
  // The 10:13 UTC calibration: thread start p50 95 µs, p75/p90 within 5× of it, p95 1.67 ms.
  const q = { min: 0, p50: 95_321, p75: 120_000, p90: 400_000, p95: 1_670_000, p99: 3_000_000, max: 3_500_000 };
  const x = {
    enterExitNs: 40, syscallGetpidNs: 207, rawGetpidNs: 181, cgoGetpidNs: 225,
    sleepOverheadNs: [[1000, 66_760]] as [number, number][], timerSlackNs: 50_000, ncpu: 2,
    spawnNewNs: 165_095, spawnIdleNs: 102_412, newmStartQuantilesNs: q,
  };
  const p = costProfileFrom(x, { goVersion: "go1.26", date: "2026-12-06" });
  assert.equal(p.costs.threadStartNs, 95_321);
  assert.equal(p.machine.threadStartSpread, undefined);
  assert.match(String((p.measured as Record<string, unknown>).threadStartSpread), /two modes \(p75\/p90\/p95 over 5× the median\)/);
  // within 5× at p95: written
  assert.notEqual(costProfileFrom({ ...x, newmStartQuantilesNs: { ...q, p95: 470_000 } }, { goVersion: "go1.26", date: "2026-12-06" }).machine.threadStartSpread, undefined);
});

test("latencyQuantilesOf is nearest-rank like the Go programs; medianQuantiles takes each quantile's median over runs", () => {
  const xs = Array.from({ length: 20 }, (_, i) => 20 - i); // 20 … 1, unsorted
  assert.deepEqual(latencyQuantilesOf(xs), { min: 1, p5: 1, p10: 2, p25: 5, p50: 10, p75: 15, p90: 18, p95: 19, p99: 20, p999: 20, max: 20 });
  assert.equal(latencyQuantilesOf([]), null);
  assert.deepEqual(
    medianQuantiles([{ min: 1, p50: 10, p99: 30, max: 40, p90: 20 }, { min: 3, p50: 14, p99: 31, max: 90 }, { min: 2, p50: 11, p99: 50, max: 41, p90: 22 }]),
    { min: 2, p50: 11, p99: 31, max: 41 }, // p90 is not in every run: left out
  );
  assert.equal(medianQuantiles([]), null);
});

test("a thread start with two modes writes its median, not its spread; a malformed spread is a clear error", () => {
  // Measured at load 7: thread starts of 70–280 µs and of 2.5–3.8 ms in the same processes. The median
  // is a thread start's; the slow mode is not, and its spread is not written.
  const twoModes = costProfileFrom(
    {
      enterExitNs: 40, syscallGetpidNs: 207, rawGetpidNs: 181, cgoGetpidNs: 225,
      sleepOverheadNs: [[1000, 66_760]], timerSlackNs: 50_000, ncpu: 2,
      spawnNewNs: 142_521, spawnIdleNs: 89_132,
      spawnNewQuantilesNs: { min: 79_000, p50: 142_521, p75: 2_862_000, p90: 3_836_000, p99: 3_848_000, max: 3_848_000 },
    },
    { goVersion: "go1.26", date: "2026-12-06" },
  );
  assert.equal(twoModes.costs.threadStartNs, 142_521 - 69_760);
  assert.equal(twoModes.machine.threadStartSpread, undefined);
  assert.match(String((twoModes.measured as Record<string, unknown>).threadStartSpread), /two modes/);
  assert.throws(
    () => parseCostProfile({ format: "gosched-costs/1", machine: { futexWakeSpread: [[0.5, 0], [0.2, 10]] } }, "costs.json"),
    /costs\.json: machine\.futexWakeSpread must be \[\[p, offsetNs\], …\] with p in \[0, 1\] and both ascending/,
  );
});

test("spreadMean integrates the inverse CDF: what a spread adds to its median on average", () => {
  assert.equal(spreadMean([]), 0);
  assert.equal(spreadMean([[0, -1_000], [1, 1_000]]), 0);
  // flat at 0 up to p50, then linear to +2 µs: the upper half averages +1 µs
  assert.equal(spreadMean([[0, 0], [0.5, 0], [1, 2_000]]), 500);
  // points that stop before p = 1 hold their last offset; before the first, its offset
  assert.equal(spreadMean([[0.5, 100]]), 100);
  // the reference machine's wake work, by hand: −100 −75 +0 +125 +450 +325 +400 +328.5 +61 ns
  assert.ok(Math.abs(spreadMean(thisMachine.wakeCpuSpread) - 1_514.5) < 1e-6);
});

test("a run's timed sleeps and futex wakes share one host state drawn per run (sleepRunSpread, futexWakeRunSpread)", () => {
  // Exact latencies but for the run's offset, uniform in ±10 µs: every sleep of a run wakes the same
  // time after its timer, the base overhead + the run's offset; over seeds the offsets fill the range.
  // The same run quantile moves futex wakes: +8 µs in the runs whose sleep offset is above the median.
  const drifting = {
    ...exactMachine,
    ncpu: 2,
    sleepBaseOverheadNs: 20_000,
    sleepRunSpread: [[0, -10_000], [0.5, 0], [1, 10_000]] as const,
    futexWakeRunSpread: [[0, 0], [0.5, 0], [0.5, 8_000], [1, 8_000]] as const,
  };
  const offsets: number[] = [];
  for (let seed = 1; seed <= 200; seed++) {
    const { runtime: rt } = simulate({ gomaxprocs: 1, seed, main: fanOut(1, function* () { yield compute(us(1)); }), machine: drifting });
    const futexExtraNs = futexWakeNs(rt) - rt.config.costs.futexWakeNs;
    assert.equal(futexExtraNs, rt.host.sleepOffsetNs > 0 ? 8_000 : 0, `seed ${seed}: sleep offset ${rt.host.sleepOffsetNs}, futex +${futexExtraNs}`);
    const wakes = [us(1), us(1), ms(1), ms(10)].map((d) => sleepWakeLatencyNs(rt, d));
    const offsetNs = wakes[0]! - 20_000;
    assert.ok(wakes.every((w) => w === wakes[0]), `seed ${seed}: one offset per run, got ${wakes.join(", ")}`);
    // a whole nanosleep: request + slack + base + the 1 ms sleep's extra (by hand) + the offset
    const extra1msNs = exactMachine.sleepExtraNsPoints.find(([d]) => d === ms(1))![1];
    assert.equal(sleepNs(rt, ms(1)), ms(1) + exactMachine.timerSlackNs + 20_000 + extra1msNs + offsetNs);
    offsets.push(offsetNs);
  }
  offsets.sort((a, b) => a - b);
  assert.ok(offsets[0]! >= -10_000 && offsets[199]! <= 10_000, `offsets within the spread: ${offsets[0]} … ${offsets[199]}`);
  // uniform: the p10 / p50 / p90 of 200 draws near −8 / 0 / +8 µs (sampling error ~1.5 µs)
  for (const [i, want] of [[19, -8_000], [99, 0], [179, 8_000]] as const) {
    assert.ok(Math.abs(offsets[i]! - want) < 2_500, `quantile ${(i + 1) / 200}: ${offsets[i]} vs ${want}`);
  }
  // without a spread (the exact machine) no draw is made and the offset is 0
  const { runtime: exact } = simulate({ gomaxprocs: 1, seed: 5, main: fanOut(1, function* () { yield compute(us(1)); }), machine: exactMachine });
  assert.deepEqual(exact.host, { sleepOffsetNs: 0, futexWakeOffsetNs: 0 });
});

// tools/machine/sched-trace.mjs: the kernel's scheduling of a program's threads, from tracefs.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { placementIndex as modelPlacementIndex } from "../../src/runtime/kernel.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const tool = path.join(repoRoot, "tools", "machine", "sched-trace.mjs");

// Thread group 100 (threads 100 and 101) on 2 CPUs, worked out by hand:
//   t=0      cpu0: idle → 100 (runs 10 µs)        t=10 cpu0: 100 → idle (sleeps)
//   t=20     101 woken onto cpu1 (it last ran: never) ; t=25 cpu1: idle → 101 (waited 5 µs)
//   t=38     100 waking (the waker's side), t=40 woken onto cpu1 (last ran on cpu0: a migration);
//            cpu1: 101 → 100 at t=42 (waited 4 µs from its waking)
//   t=50     cpu1: 100 → idle
const trace = [
  "# tracer: nop",
  "          <idle>-0       (-------) [000] d..2. 1.000000: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=prog next_pid=100 next_prio=120",
  "            prog-100     (    100) [000] d..2. 1.000010: sched_switch: prev_comm=prog prev_pid=100 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
  "          <idle>-0       (-------) [001] dNh2. 1.000020: sched_wakeup: comm=prog pid=101 prio=120 target_cpu=001",
  "          <idle>-0       (-------) [001] d..2. 1.000025: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=prog next_pid=101 next_prio=120",
  "            prog-101     (    100) [001] d..3. 1.000038: sched_waking: comm=prog pid=100 prio=120 target_cpu=001",
  "            prog-101     (    100) [001] dNh2. 1.000040: sched_wakeup: comm=prog pid=100 prio=120 target_cpu=001",
  "            prog-101     (    100) [001] d..2. 1.000042: sched_switch: prev_comm=prog prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=prog next_pid=100 next_prio=120",
  "            prog-100     (    100) [001] d..2. 1.000050: sched_switch: prev_comm=prog prev_pid=100 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120",
  "",
].join("\n");

type Order = { asleep: number; preempted: number; other: number };

test("a hand-made trace: two threads, one migration in two wake-ups, their waits, runs and the CPUs' busy time", async () => {
  const { parseTrace, summarize } = (await import(pathToFileURL(tool).href)) as {
    parseTrace: (t: string) => unknown[];
    summarize: (e: unknown[], tgid: number) => {
      threads: number;
      spanUs: number;
      wakeups: number;
      migrationFrac: number;
      wakeToRunUs: { n: number; p10: number; p50: number };
      runUs: { n: number; totalUs: number };
      cpuBusyFrac: [number, number][];
      secondThread: { tid: number; runs: number; runsByCpu: [number, number][] } | null;
      wakeeOnWakersCpu: { second: Order; others: Order };
    };
  };
  const evs = parseTrace(trace);
  assert.equal(evs.length, 8);
  const s = summarize(evs, 100);
  assert.equal(s.threads, 2);
  assert.ok(Math.abs(s.spanUs - 50) < 1e-6);
  assert.equal(s.wakeups, 2);
  assert.equal(s.migrationFrac, 0.5); // 100 last ran on cpu0, woken onto cpu1; 101 had no last CPU
  assert.equal(s.wakeToRunUs.n, 2);
  // 100 waited 4 µs from its waking (2 µs from its wakeup would make this 2), 101 5 µs (no waking line)
  assert.equal(Math.round(s.wakeToRunUs.p10), 4);
  // runs: 100 for 10 µs, 101 for 17 µs (25 → 42), 100 for 8 µs (42 → 50)
  assert.equal(s.runUs.n, 3);
  assert.ok(Math.abs(s.runUs.totalUs - 35) < 1e-6);
  // cpu0 busy 0–10 of 50 µs, cpu1 25–50
  assert.deepEqual(
    s.cpuBusyFrac.map(([c, f]) => [c, Math.round(f * 100)]),
    [
      [0, 20],
      [1, 50],
    ],
  );
  assert.deepEqual({ tid: s.secondThread?.tid, runs: s.secondThread?.runs, runsByCpu: s.secondThread?.runsByCpu }, { tid: 101, runs: 1, runsByCpu: [[1, 1]] });
  // 101 (task context, cpu1) woke 100 at t=38; 100 ran on cpu1 once 101 slept. 101's own wake-up at
  // t=20 came from an interrupt: not a thread's.
  assert.deepEqual(s.wakeeOnWakersCpu, { second: { asleep: 0, preempted: 0, other: 0 }, others: { asleep: 1, preempted: 0, other: 0 } });
});

test("a hand-made trace's wake placement: a futex wake from another CPU that took the thread off its idle last CPU", async () => {
  const { parseTrace, summarize, placementIndex, placementLines } = (await import(pathToFileURL(tool).href)) as {
    parseTrace: (t: string) => unknown[];
    summarize: (e: unknown[], tgid: number) => { placements: number[] };
    placementIndex: (timer: boolean, wakerOnPrev: boolean, prevIdle: boolean, otherIdle: boolean, moved: boolean) => number;
    placementLines: (counts: number[]) => string[];
  };
  // At t=38 101 (task context, on cpu1) wakes 100, whose last CPU (cpu0) is idle while cpu1 runs 101;
  // it is put on cpu1. 101's own wake-up at t=20 is not counted: it had not run yet.
  const { placements } = summarize(parseTrace(trace), 100);
  const expected = new Array(32).fill(0);
  expected[placementIndex(false, false, true, false, true)] = 1;
  assert.deepEqual(placements, expected);
  assert.deepEqual(placementLines(placements), ["  futex, waker on another, its CPU idle, another busy: 1, 100.0 % elsewhere"]);
});

test("the tool's placement counts are laid out as the model's (Kernel.placements), so one formatter reads both", async () => {
  const { placementIndex } = (await import(pathToFileURL(tool).href)) as {
    placementIndex: (timer: boolean, wakerOnPrev: boolean, prevIdle: boolean, otherIdle: boolean, moved: boolean) => number;
  };
  const seen = new Set<number>();
  for (let bits = 0; bits < 32; bits++) {
    const args = [16, 8, 4, 2, 1].map((b) => (bits & b) !== 0) as [boolean, boolean, boolean, boolean, boolean];
    assert.equal(placementIndex(...args), modelPlacementIndex(...args));
    seen.add(placementIndex(...args));
  }
  assert.equal(seen.size, 32);
});

// The timed sleeps of thread group 100 (100, and 101 its second thread), worked out by hand:
//   100 arms A on cpu0: soft 950 µs, hard 1000 µs; 101 arms B on cpu0: soft 970, hard 1020 µs;
//   another process's sleep (pid 200) is not the group's.
//   The interrupt at A's hard expiry (now = 1000 µs) fires A (not early) and B (20 µs early): one
//   interrupt, two sleeps. 100 arms A again (hard 2000 µs); cpu1's interrupt at 2000.5 µs fires it
//   alone, late. So 3 sleeps fired, 1 early (by 20 µs), the second thread's 1 of 1; 2 interrupts.
const timerTrace = [
  "            prog-100     (    100) [000] d..1. 1.000000: hrtimer_start: hrtimer=00000000aaaa0001 function=hrtimer_wakeup expires=1000000 softexpires=950000 mode=REL was_armed=0",
  "            prog-101     (    100) [000] d..1. 1.000001: hrtimer_start: hrtimer=00000000aaaa0002 function=hrtimer_wakeup expires=1020000 softexpires=970000 mode=REL was_armed=0",
  "           other-200     (    200) [000] d..1. 1.000002: hrtimer_start: hrtimer=00000000aaaa0003 function=hrtimer_wakeup expires=1010000 softexpires=960000 mode=REL was_armed=0",
  "          <idle>-0       (-------) [000] d.h1. 1.001000: hrtimer_expire_entry: hrtimer=00000000aaaa0001 function=hrtimer_wakeup now=1000000",
  "          <idle>-0       (-------) [000] d.h1. 1.001001: hrtimer_expire_entry: hrtimer=00000000aaaa0003 function=hrtimer_wakeup now=1000000",
  "          <idle>-0       (-------) [000] d.h1. 1.001002: hrtimer_expire_entry: hrtimer=00000000aaaa0002 function=hrtimer_wakeup now=1000000",
  "          <idle>-0       (-------) [000] d.h1. 1.001003: hrtimer_expire_entry: hrtimer=00000000bbbb0001 function=tick_nohz_handler now=1000000",
  "            prog-100     (    100) [000] d..1. 1.001100: hrtimer_start: hrtimer=00000000aaaa0001 function=hrtimer_wakeup expires=2000000 softexpires=1950000 mode=REL was_armed=0",
  "          <idle>-0       (-------) [001] d.h1. 1.002000: hrtimer_expire_entry: hrtimer=00000000aaaa0001 function=hrtimer_wakeup now=2000500",
  "",
].join("\n");

test("a hand-made trace's timed sleeps: fired before their hard expiry, the second thread's, and per interrupt", async () => {
  const { parseTrace, summarize } = (await import(pathToFileURL(tool).href)) as {
    parseTrace: (t: string) => unknown[];
    summarize: (
      e: unknown[],
      tgid: number,
    ) => {
      timers: {
        fired: number;
        earlyFrac: number;
        earlyByUs: { p50: number };
        secondFired: number;
        secondEarlyFrac: number;
        interrupts: number;
        perInterrupt: number;
        byGroupSize: number[];
        afterSoftUs: { p25: number; p50: number; p90: number };
        irqDelayUs: { n: number; mean: number };
      };
    };
  };
  const t = summarize(parseTrace(trace + timerTrace), 100).timers;
  // Fired 50, 30 and 50.5 µs after their soft expiries; the two interrupts 0 and 0.5 µs after the
  // earliest hard expiry each fired.
  assert.deepEqual([t.afterSoftUs.p25, t.afterSoftUs.p50, t.afterSoftUs.p90], [30, 50, 50]);
  assert.deepEqual([t.irqDelayUs.n, t.irqDelayUs.mean], [2, 0.25]);
  assert.equal(t.fired, 3);
  assert.ok(Math.abs(t.earlyFrac - 1 / 3) < 1e-9);
  assert.equal(t.earlyByUs.p50, 20);
  assert.deepEqual([t.secondFired, t.secondEarlyFrac], [1, 1]);
  assert.equal(t.interrupts, 2);
  assert.equal(t.perInterrupt, 1.5);
  assert.deepEqual(t.byGroupSize, [0.5, 0.5, 0, 0, 0, 0, 0, 0]);
});

// The second thread's (101's) passes, worked out by hand (thread group 100):
//   pass 1: switched in on cpu0 at 100 µs, arms its sleep at 103: no wake, 3 µs of CPU;
//   pass 2: in at 200; an interrupt in its context wakes 100 at 201 (hardirq: not its wake); it
//           wakes 100 onto cpu1 at 205 (a futex wake onto another CPU); arms its sleep at 215: 15 µs;
//   pass 3: in at 300; wakes 100 onto its own cpu0 at 302; 100 preempts it 303–310; arms its sleep
//           at 314: 3 + 4 = 7 µs of CPU over 14 µs.
const passTrace = [
  "          <idle>-0       (-------) [000] d..2. 1.000100: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=prog next_pid=101 next_prio=120",
  "            prog-101     (    100) [000] d..1. 1.000103: hrtimer_start: hrtimer=00000000cccc0001 function=hrtimer_wakeup expires=2000000 softexpires=1950000 mode=REL was_armed=0",
  "            prog-101     (    100) [000] d..2. 1.000104: sched_switch: prev_comm=prog prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
  "          <idle>-0       (-------) [000] d..2. 1.000200: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=prog next_pid=101 next_prio=120",
  "            prog-101     (    100) [000] d.h2. 1.000201: sched_waking: comm=prog pid=100 prio=120 target_cpu=000",
  "            prog-101     (    100) [000] d..3. 1.000205: sched_waking: comm=prog pid=100 prio=120 target_cpu=001",
  "            prog-101     (    100) [000] d..1. 1.000215: hrtimer_start: hrtimer=00000000cccc0001 function=hrtimer_wakeup expires=3000000 softexpires=2950000 mode=REL was_armed=0",
  "            prog-101     (    100) [000] d..2. 1.000216: sched_switch: prev_comm=prog prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
  "          <idle>-0       (-------) [000] d..2. 1.000300: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=prog next_pid=101 next_prio=120",
  "            prog-101     (    100) [000] d..3. 1.000302: sched_waking: comm=prog pid=100 prio=120 target_cpu=000",
  "            prog-101     (    100) [000] d..2. 1.000303: sched_switch: prev_comm=prog prev_pid=101 prev_prio=120 prev_state=R ==> next_comm=prog next_pid=100 next_prio=120",
  "            prog-100     (    100) [000] d..2. 1.000310: sched_switch: prev_comm=prog prev_pid=100 prev_prio=120 prev_state=S ==> next_comm=prog next_pid=101 next_prio=120",
  "            prog-101     (    100) [000] d..1. 1.000314: hrtimer_start: hrtimer=00000000cccc0001 function=hrtimer_wakeup expires=4000000 softexpires=3950000 mode=REL was_armed=0",
  "            prog-101     (    100) [000] d..2. 1.000315: sched_switch: prev_comm=prog prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
  "",
].join("\n");

test("a hand-made trace: the second thread's passes, their own CPU by the futex wakes they made", async () => {
  type Q = { n: number; p50: number };
  const { parseTrace, summarize } = (await import(pathToFileURL(tool).href)) as {
    parseTrace: (t: string) => unknown[];
    summarize: (
      e: unknown[],
      tgid: number,
    ) => { secondThread: { tid: number; passes: { none: Q; same: Q; other: Q; more: Q } } | null; wakeeOnWakersCpu: { second: Order; others: Order } };
  };
  const s = summarize(parseTrace(passTrace), 100);
  // Pass 3's wake of 100 onto 101's own cpu0 preempted 101 (switched out runnable); pass 2's went to
  // cpu1, where 100 never ran after it (the later wake replaced it).
  assert.deepEqual(s.wakeeOnWakersCpu.others, { asleep: 0, preempted: 1, other: 0 });
  const g = s.secondThread;
  assert.equal(g?.tid, 101);
  const p = g.passes;
  assert.deepEqual(
    [p.none, p.other, p.same, p.more].map((x) => [x.n, Math.round(x.p50 ?? NaN)]),
    [
      [1, 3],
      [1, 15],
      [1, 7],
      [0, NaN],
    ],
  );
});

// Thread group 100 (100, 101 its second thread, 102), worked out by hand: 101 arms its sleep S on
// cpu0; then 100 arms a sleep on cpu0 (S pending on its CPU) and 102 one on cpu1 (S pending on
// another); S fires; 100 arms again (none pending). Then 100, running on cpu1, wakes 101 (a futex
// wake, task context), which runs on cpu1 after 100 sleeps.
const besideTrace = [
  "            prog-101     (    100) [000] d..1. 1.000000: hrtimer_start: hrtimer=00000000dddd0001 function=hrtimer_wakeup expires=70000 softexpires=20000 mode=REL was_armed=0",
  "            prog-100     (    100) [000] d..1. 1.000001: hrtimer_start: hrtimer=00000000dddd0002 function=hrtimer_wakeup expires=51000 softexpires=1000 mode=REL was_armed=0",
  "            prog-102     (    100) [001] d..1. 1.000002: hrtimer_start: hrtimer=00000000dddd0003 function=hrtimer_wakeup expires=52000 softexpires=2000 mode=REL was_armed=0",
  "          <idle>-0       (-------) [000] d.h1. 1.000051: hrtimer_expire_entry: hrtimer=00000000dddd0002 function=hrtimer_wakeup now=51000",
  "          <idle>-0       (-------) [000] d.h1. 1.000052: hrtimer_expire_entry: hrtimer=00000000dddd0001 function=hrtimer_wakeup now=51000",
  "            prog-100     (    100) [000] d..1. 1.000060: hrtimer_start: hrtimer=00000000dddd0002 function=hrtimer_wakeup expires=111000 softexpires=61000 mode=REL was_armed=0",
  "          <idle>-0       (-------) [001] d..2. 1.000070: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=prog next_pid=100 next_prio=120",
  "            prog-100     (    100) [001] d..3. 1.000071: sched_waking: comm=prog pid=101 prio=120 target_cpu=001",
  "            prog-100     (    100) [001] d..2. 1.000075: sched_switch: prev_comm=prog prev_pid=100 prev_prio=120 prev_state=S ==> next_comm=prog next_pid=101 next_prio=120",
  "",
].join("\n");

test("a hand-made trace: the other threads' sleeps by where the second's was pending, and the second woken onto its waker's CPU", async () => {
  const { parseTrace, summarize, besideLine } = (await import(pathToFileURL(tool).href)) as {
    parseTrace: (t: string) => unknown[];
    summarize: (e: unknown[], tgid: number) => { timers: { besideSecond: { same: number; other: number; none: number } }; wakeeOnWakersCpu: { second: Order; others: Order } };
    besideLine: (b: { same: number; other: number; none: number }) => string[];
  };
  const s = summarize(parseTrace(besideTrace), 100);
  assert.deepEqual(s.timers.besideSecond, { same: 1, other: 1, none: 1 });
  assert.deepEqual(s.wakeeOnWakersCpu.second, { asleep: 1, preempted: 0, other: 0 });
  assert.deepEqual(besideLine(s.timers.besideSecond), ["  the other threads' 3 sleeps armed while the second's was pending on their CPU 33.3 %, on another 33.3 %, none pending 33.3 %"]);
  assert.deepEqual(besideLine({ same: 0, other: 0, none: 0 }), []);
});

test("the CLI summarizes a kept trace; a file that is not one exits 2", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gosched-sched-trace-"));
  try {
    const kept = path.join(dir, "kept.txt");
    writeFileSync(kept, `# command pid 100: prog\n${trace}`);
    const ok = spawnSync(process.execPath, [tool, "--file", kept], { encoding: "utf8" });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^threads 2, 0\.1 ms traced\nwake-ups 2: on another CPU than the last run 50\.0 %/);
    const bad = path.join(dir, "bad.txt");
    writeFileSync(bad, "hello\n");
    const r = spawnSync(process.execPath, [tool, "--file", bad], { encoding: "utf8" });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /not a trace kept by sched-trace\.mjs/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("live: a command's threads traced through tracefs (skipped without root and tracefs)", (t) => {
  try {
    accessSync("/sys/kernel/tracing/tracing_on", constants.W_OK);
  } catch {
    t.skip("/sys/kernel/tracing is not writable here (needs root and tracefs)");
    return;
  }
  // A shell that sleeps twice: its own thread group, woken by its timer.
  const r = spawnSync(process.execPath, [tool, "--", "sh", "-c", "sleep 0.01; sleep 0.01"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\(exit 0\)\nthreads [1-9]\d*, [\d.]+ ms traced\nwake-ups [1-9]/);
});

// New threads of thread group 100, worked out by hand: the second thread 101 runs on cpu1; 102
// first runs on cpu1 (the second's CPU), 103 on cpu0 (another); 101 then runs on cpu0, and 104 first
// runs there (its CPU again); 102 running again is not a start.
const startTrace = [
  "          <idle>-0       (-------) [000] d..2. 1.000000: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=prog next_pid=100 next_prio=120",
  "          <idle>-0       (-------) [001] d..2. 1.000001: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=prog next_pid=101 next_prio=120",
  "            prog-101     (    100) [001] d..2. 1.000005: sched_switch: prev_comm=prog prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=prog next_pid=102 next_prio=120",
  "            prog-100     (    100) [000] d..2. 1.000006: sched_switch: prev_comm=prog prev_pid=100 prev_prio=120 prev_state=S ==> next_comm=prog next_pid=103 next_prio=120",
  "            prog-103     (    100) [000] d..2. 1.000010: sched_switch: prev_comm=prog prev_pid=103 prev_prio=120 prev_state=S ==> next_comm=prog next_pid=101 next_prio=120",
  "            prog-101     (    100) [000] d..2. 1.000012: sched_switch: prev_comm=prog prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=prog next_pid=104 next_prio=120",
  "            prog-102     (    100) [001] d..2. 1.000013: sched_switch: prev_comm=prog prev_pid=102 prev_prio=120 prev_state=S ==> next_comm=prog next_pid=102 next_prio=120",
  "            prog-104     (    100) [000] d..2. 1.000015: sched_switch: prev_comm=prog prev_pid=104 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
  "",
].join("\n");

test("a hand-made trace: where the threads created after the second first ran, against the second's CPU", async () => {
  const { parseTrace, summarize } = (await import(pathToFileURL(tool).href)) as {
    parseTrace: (t: string) => unknown[];
    summarize: (e: unknown[], tgid: number) => { threads: number; newThreads: { onSecondsCpu: number; elsewhere: number } };
  };
  const s = summarize(parseTrace(startTrace), 100);
  assert.equal(s.threads, 5);
  assert.deepEqual(s.newThreads, { onSecondsCpu: 2, elsewhere: 1 });
});

// One timer interrupt on idle cpu0 wakes 100, 101 and 102 (thread group 100) at 100, 102 and 104 µs;
// the CPU runs 102 at 120 µs, then 101 at 130, then 100 at 140: waits 16, 28 and 40 µs by their
// order in the interrupt 3rd, 2nd, 1st — the first sleeper ran last.
const burstTrace = [
  "          <idle>-0       (-------) [000] d.h2. 2.000100: sched_waking: comm=prog pid=100 prio=120 target_cpu=000",
  "          <idle>-0       (-------) [000] d.h3. 2.000101: sched_wakeup: comm=prog pid=100 prio=120 target_cpu=000",
  "          <idle>-0       (-------) [000] d.h2. 2.000102: sched_waking: comm=prog pid=101 prio=120 target_cpu=000",
  "          <idle>-0       (-------) [000] d.h3. 2.000103: sched_wakeup: comm=prog pid=101 prio=120 target_cpu=000",
  "          <idle>-0       (-------) [000] d.h2. 2.000104: sched_waking: comm=prog pid=102 prio=120 target_cpu=000",
  "          <idle>-0       (-------) [000] d.h3. 2.000105: sched_wakeup: comm=prog pid=102 prio=120 target_cpu=000",
  "          <idle>-0       (-------) [000] d..2. 2.000120: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=prog next_pid=102 next_prio=120",
  "            prog-102     (    100) [000] d..2. 2.000130: sched_switch: prev_comm=prog prev_pid=102 prev_prio=120 prev_state=S ==> next_comm=prog next_pid=101 next_prio=120",
  "            prog-101     (    100) [000] d..2. 2.000140: sched_switch: prev_comm=prog prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=prog next_pid=100 next_prio=120",
  "            prog-100     (    100) [000] d..2. 2.000150: sched_switch: prev_comm=prog prev_pid=100 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
  "",
].join("\n");

test("a hand-made trace: the sleepers of one timer interrupt, their waits by their order in it, and which ran first", async () => {
  const { parseTrace, summarize } = (await import(pathToFileURL(tool).href)) as {
    parseTrace: (t: string) => unknown[];
    summarize: (e: unknown[], tgid: number) => { bursts: { byRank: { n: number; p50: number }[]; bursts3: number; firstRanFirstFrac: number; withSecond: number; secondRanFirstFrac: number } };
  };
  const b = summarize(parseTrace(burstTrace), 100).bursts;
  // 101 is the group's second thread (sysmon in Go): the interrupt woke it with others, 102 ran first.
  assert.deepEqual([b.withSecond, b.secondRanFirstFrac], [1, 0]);
  const secondFirst = burstTrace.replace("next_pid=102", "next_pid=TMP").replace("next_pid=101", "next_pid=102").replace("next_pid=TMP", "next_pid=101");
  assert.deepEqual([summarize(parseTrace(secondFirst), 100).bursts.secondRanFirstFrac], [1]);
  assert.deepEqual(
    b.byRank.slice(0, 3).map((x) => Math.round(x.p50)),
    [40, 28, 16],
  );
  assert.deepEqual(b.byRank.slice(3).map((x) => x.n), [0, 0, 0]);
  assert.deepEqual([b.bursts3, b.firstRanFirstFrac], [1, 0]);
});

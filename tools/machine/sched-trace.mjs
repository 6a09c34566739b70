#!/usr/bin/env node
// What the kernel's scheduler did with a program's threads, from the kernel's own trace (tracefs:
// sched_switch, sched_waking, sched_wakeup), for comparing the machine model with this machine (docs/model.md,
// "Where a woken thread runs"). Runs the command with the events on (needs root and tracefs at
// /sys/kernel/tracing) and prints, for the command's threads (its thread group):
//   - how often a wake-up put a thread on another CPU than the one it last ran on (migrations);
//   - how long a woken thread waited from its wake-up until it ran (sched_waking, in the waker's
//     context — before any IPI to another CPU — to the sched_switch onto it);
//   - how long each run on a CPU lasted, and their total (the threads' CPU time); for a C loop of
//     sleeps (tools/machine/nanosleep-loop.c) each run is one block-and-wake, the runs' quantiles
//     Machine.wakeCpuSpread;
//   - each CPU's busy share over the run (time not in the idle task, any process);
//   - the runs of the thread created second — sysmon in a Go program — by CPU; the gaps between them are its
//     passes (and any lock waits), so a backed-off sysmon shows as gaps of milliseconds; and its
//     passes' own CPU time (switched in → its next usleep armed) by the futex wakes it made in them,
//     onto its CPU or another (what a wake costs the waker);
//   - where a woken thread was placed (select_task_rq), by the kind of wake (a timer interrupt's, or a
//     thread's futex wake), whether the waker's CPU was the thread's last one, and whether that CPU
//     and another were idle then: the share put elsewhere than its last CPU (Kernel.placements in the
//     model counts the same);
//   - where the threads created after the second first ran: on the CPU the second thread (sysmon,
//     which creates most of a Go program's threads: newm from retake's handoffp) last ran on, or
//     another (wake_up_new_task's placement, when sysmon was their creator);
//   - the threads' timed sleeps (hrtimers whose callback is hrtimer_wakeup, armed by one of them):
//     how many a timer interrupt fired before their hard expiry (another timer's interrupt on that
//     CPU, after their soft expiry: timer slack), the second thread's alone, and how many of them one
//     interrupt fired together (the expire events of one interrupt share its `now`); when each fired
//     after its soft expiry, and each interrupt after the earliest hard expiry it fired (its own delay);
//     the other threads' sleeps by where the second thread's was pending when they were armed (on their
//     CPU, where one interrupt can fire both; on another; none);
//   - a thread woken by another of the group (a futex wake) that ran on its waker's CPU: whether it
//     waited until the waker slept, or preempted it (wake-up preemption), the second thread apart;
//   - the sleepers one timer interrupt woke on a CPU (sched_waking in hardirq context, one after
//     another on that CPU), wake-up → running by their order in the interrupt: which of them the CPU
//     ran first, and, of those that woke the second thread with others, how often it ran first.
//
//   sudo node tools/machine/sched-trace.mjs [--keep FILE] -- COMMAND [ARGS…]
//   node tools/machine/sched-trace.mjs --file FILE          (summarize a kept trace)
//
// ftrace adds about a microsecond per event; the command's own output goes to stderr. Exit 2 on bad
// input or when tracing is not available.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { fileURLToPath } from "node:url";

const tracefs = "/sys/kernel/tracing";
const events = ["sched/sched_switch", "sched/sched_waking", "sched/sched_wakeup", "timer/hrtimer_start", "timer/hrtimer_expire_entry"];

/**
 * Parses ftrace text with record-tgid lines ("comm-pid (tgid) [cpu] flags seconds: event: fields")
 * into { tUs, cpu, pid, tgid, flags, event, fields }; other lines are skipped.
 */
export function parseTrace(text) {
  const out = [];
  const re = /^\s*.+?-(\d+)\s+\(\s*([\d-]+)\)\s+\[(\d+)\]\s+(\S+)\s+([\d.]+): (\w+): (.*)$/;
  for (const line of text.split("\n")) {
    const m = re.exec(line);
    if (m === null) continue;
    // flags: irqs-off, need-resched, hardirq (h) / softirq (s) context, preempt depth (ftrace's irq-info)
    out.push({ tUs: Number(m[5]) * 1e6, cpu: Number(m[3]), pid: Number(m[1]), tgid: m[2].startsWith("-") ? -1 : Number(m[2]), flags: m[4], event: m[6], fields: m[7] });
  }
  return out;
}

const field = (fields, name) => {
  const m = new RegExp(`(?:^|\\s)${name}=(\\S+)`).exec(fields);
  return m === null ? undefined : m[1];
};

const quantiles = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => (s.length === 0 ? NaN : s[Math.floor(p * (s.length - 1))]);
  const mean = s.length === 0 ? NaN : s.reduce((a, b) => a + b, 0) / s.length;
  return { n: s.length, mean, p10: q(0.1), p25: q(0.25), p50: q(0.5), p75: q(0.75), p90: q(0.9), p95: q(0.95), p99: q(0.99), p999: q(0.999) };
};

/** The summary of one thread group's scheduling (see the header). tgid: the command's pid. */
export function summarize(evs, tgid) {
  const tids = new Set(evs.filter((e) => e.tgid === tgid).map((e) => e.pid));
  const sorted = [...tids].sort((a, b) => a - b);
  const second = sorted.length > 1 ? sorted[1] : undefined;
  const lastCpu = new Map();
  const wokenAt = new Map();
  const runningSince = new Map();
  const cpuBusySince = new Map();
  const busyUs = new Map();
  let migrations = 0;
  let wakeups = 0;
  const waits = [];
  const runs = [];
  const secondRuns = [];
  const secondRunsByCpu = new Map();
  let secondCpu = -1;
  const started = new Set(sorted.slice(0, 2));
  const newThreads = { onSecondsCpu: 0, elsewhere: 0 };
  // What each CPU runs (0: idle), and each woken thread's placement question, from its sched_waking
  const onCpu = new Map();
  const asked = new Map();
  const placements = new Array(32).fill(0);
  const t0 = evs.length > 0 ? evs[0].tUs : 0;
  const t1 = evs.length > 0 ? evs[evs.length - 1].tUs : 0;
  for (const e of evs) {
    if (e.event === "sched_waking") {
      const pid = Number(field(e.fields, "pid"));
      if (tids.has(pid) && !wokenAt.has(pid)) wokenAt.set(pid, e.tUs);
      const prev = lastCpu.get(pid);
      if (tids.has(pid) && prev !== undefined) {
        const idle = (c) => (onCpu.get(c) ?? 0) === 0;
        // hardirq or softirq context (ftrace's irq-info: the third flag), or the idle task: a timer's wake
        const timer = /[hsHT]/.test(e.flags.charAt(2)) || e.pid === 0;
        asked.set(pid, { prev, timer, wakerOnPrev: e.cpu === prev, prevIdle: idle(prev), otherIdle: [...onCpu.keys()].some((c) => c !== prev && idle(c)) });
      }
    } else if (e.event === "sched_wakeup") {
      const pid = Number(field(e.fields, "pid"));
      const target = Number(field(e.fields, "target_cpu"));
      if (!tids.has(pid)) continue;
      const a = asked.get(pid);
      if (a !== undefined) {
        placements[placementIndex(a.timer, a.wakerOnPrev, a.prevIdle, a.otherIdle, target !== a.prev)]++;
        asked.delete(pid);
      }
      wakeups++;
      if (lastCpu.has(pid) && lastCpu.get(pid) !== target) migrations++;
      if (!wokenAt.has(pid)) wokenAt.set(pid, e.tUs);
    } else if (e.event === "sched_switch") {
      const prev = Number(field(e.fields, "prev_pid"));
      const next = Number(field(e.fields, "next_pid"));
      onCpu.set(e.cpu, next);
      if (cpuBusySince.has(e.cpu)) busyUs.set(e.cpu, (busyUs.get(e.cpu) ?? 0) + e.tUs - cpuBusySince.get(e.cpu));
      if (next !== 0) cpuBusySince.set(e.cpu, e.tUs);
      else cpuBusySince.delete(e.cpu);
      if (tids.has(prev)) {
        lastCpu.set(prev, e.cpu);
        if (runningSince.has(prev)) runs.push(e.tUs - runningSince.get(prev));
        runningSince.delete(prev);
      }
      if (tids.has(next)) {
        runningSince.set(next, e.tUs);
        if (wokenAt.has(next)) waits.push(e.tUs - wokenAt.get(next));
        wokenAt.delete(next);
        if (next === second) {
          secondRuns.push(e.tUs);
          secondRunsByCpu.set(e.cpu, (secondRunsByCpu.get(e.cpu) ?? 0) + 1);
          secondCpu = e.cpu;
        } else if (!started.has(next)) {
          started.add(next);
          if (secondCpu === e.cpu) newThreads.onSecondsCpu++;
          else if (secondCpu >= 0) newThreads.elsewhere++;
        }
      }
    }
  }
  for (const [cpu, since] of cpuBusySince) busyUs.set(cpu, (busyUs.get(cpu) ?? 0) + t1 - since);
  const gaps = secondRuns.slice(1).map((t, i) => t - secondRuns[i]);
  return {
    timers: timerStats(evs, tids, second),
    bursts: burstStats(evs, tids, second),
    threads: tids.size,
    spanUs: t1 - t0,
    wakeups,
    migrationFrac: wakeups > 0 ? migrations / wakeups : 0,
    wakeToRunUs: quantiles(waits),
    runUs: { ...quantiles(runs), totalUs: runs.reduce((a, b) => a + b, 0) },
    newThreads,
    placements,
    cpuBusyFrac: [...busyUs].sort((a, b) => a[0] - b[0]).map(([cpu, us]) => [cpu, us / Math.max(1, t1 - t0)]),
    wakeeOnWakersCpu: wakeeOrder(evs, tids, second),
    secondThread: second === undefined ? null : { tid: second, runs: secondRuns.length, runsByCpu: [...secondRunsByCpu].sort((a, b) => a[0] - b[0]), gapUs: quantiles(gaps), gapsOver2msUs: gaps.filter((g) => g >= 2000).reduce((a, b) => a + b, 0), passes: passStats(evs, second) },
  };
}

/**
 * The second thread's passes — sysmon's in Go: from its switch-in after a sleep to the next timed
 * sleep it arms (its usleep), with its own CPU time inside (a wake-up preemption can split a pass
 * into runs) — by the threads it woke meanwhile from process context (a futex wake: sched_waking in
 * its context, not in an interrupt), onto its own CPU or another: what a futex wake costs the waker.
 */
function passStats(evs, second) {
  const byKind = { none: [], same: [], other: [], more: [] };
  let pass = null;
  let runSince = null;
  for (const e of evs) {
    if (e.event === "sched_switch") {
      const prev = Number(field(e.fields, "prev_pid"));
      const next = Number(field(e.fields, "next_pid"));
      if (prev === second && runSince !== null) {
        if (pass !== null) pass.cpuUs += e.tUs - runSince;
        runSince = null;
      }
      if (next === second) {
        runSince = e.tUs;
        if (pass === null) pass = { cpuUs: 0, same: 0, other: 0 };
      }
    } else if (e.pid === second && pass !== null) {
      if (e.event === "sched_waking" && !/[hs]/.test(e.flags ?? "")) {
        if (Number(field(e.fields, "target_cpu")) === e.cpu) pass.same++;
        else pass.other++;
      } else if (e.event === "hrtimer_start" && field(e.fields, "function") === "hrtimer_wakeup") {
        if (runSince !== null) {
          pass.cpuUs += e.tUs - runSince;
          runSince = e.tUs;
        }
        const woke = pass.same + pass.other;
        byKind[woke === 0 ? "none" : woke > 1 ? "more" : pass.same === 1 ? "same" : "other"].push(pass.cpuUs);
        pass = null;
      }
    }
  }
  return Object.fromEntries(Object.entries(byKind).map(([k, xs]) => [k, quantiles(xs)]));
}

/**
 * The thread group's timed sleeps: hrtimer_start (in the sleeper's context) gives a timer's hard
 * expiry (`expires`) and soft one (`softexpires`, the hard less the thread's slack);
 * hrtimer_expire_entry (in the interrupt) gives the interrupt's `now`, one value for every timer it fires.
 */
function timerStats(evs, tids, second) {
  const armed = new Map(); // hrtimer pointer → { pid, hardNs, softNs }
  const perIrq = new Map(); // "cpu now" → sleeps fired
  const earliestHard = new Map(); // "cpu now" → { nowNs, hardNs: the earliest hard expiry it fired }
  const afterSoftUs = [];
  let fired = 0;
  let early = 0;
  let secondFired = 0;
  let secondEarly = 0;
  const earlyByUs = [];
  // The other threads' sleeps by where the second thread's sleep was pending when they were armed:
  // on the same CPU (one interrupt can fire both), on another, or none pending.
  let secondPending = null;
  const beside = { same: 0, other: 0, none: 0 };
  for (const e of evs) {
    if (e.event !== "hrtimer_start" && e.event !== "hrtimer_expire_entry") continue;
    if (field(e.fields, "function") !== "hrtimer_wakeup") continue;
    const ptr = field(e.fields, "hrtimer");
    if (e.event === "hrtimer_start") {
      if (tids.has(e.pid)) armed.set(ptr, { pid: e.pid, hardNs: Number(field(e.fields, "expires")), softNs: Number(field(e.fields, "softexpires")) });
      else armed.delete(ptr);
      if (e.pid === second) secondPending = { ptr, cpu: e.cpu };
      else {
        if (secondPending !== null && secondPending.ptr === ptr) secondPending = null;
        if (tids.has(e.pid)) beside[secondPending === null ? "none" : secondPending.cpu === e.cpu ? "same" : "other"]++;
      }
      continue;
    }
    if (secondPending !== null && secondPending.ptr === ptr) secondPending = null;
    const a = armed.get(ptr);
    if (a === undefined) continue;
    armed.delete(ptr);
    const nowNs = Number(field(e.fields, "now"));
    const isEarly = nowNs < a.hardNs;
    fired++;
    afterSoftUs.push((nowNs - a.softNs) / 1000);
    if (isEarly) {
      early++;
      earlyByUs.push((a.hardNs - nowNs) / 1000);
    }
    if (a.pid === second) {
      secondFired++;
      if (isEarly) secondEarly++;
    }
    const key = `${e.cpu} ${nowNs}`;
    perIrq.set(key, (perIrq.get(key) ?? 0) + 1);
    const g = earliestHard.get(key);
    earliestHard.set(key, { nowNs, hardNs: g === undefined ? a.hardNs : Math.min(g.hardNs, a.hardNs) });
  }
  // An interrupt raised for a timer of the group comes at or after its hard expiry; one that fired only
  // sleeps still in their slack was raised by another timer and says nothing of its own delay.
  const irqDelayUs = [...earliestHard.values()].filter((g) => g.nowNs >= g.hardNs).map((g) => (g.nowNs - g.hardNs) / 1000);
  const groups = [...perIrq.values()];
  const byGroupSize = [0, 0, 0, 0, 0, 0, 0, 0];
  for (const g of groups) byGroupSize[Math.min(8, g) - 1]++;
  return {
    fired,
    earlyFrac: fired > 0 ? early / fired : 0,
    earlyByUs: quantiles(earlyByUs),
    afterSoftUs: quantiles(afterSoftUs),
    irqDelayUs: quantiles(irqDelayUs),
    secondFired,
    secondEarlyFrac: secondFired > 0 ? secondEarly / secondFired : 0,
    besideSecond: beside,
    interrupts: groups.length,
    perInterrupt: groups.length > 0 ? fired / groups.length : 0,
    /** Shares of the interrupts that fired 1, 2, …, 7 and 8 or more of the group's sleeps. */
    byGroupSize: byGroupSize.map((n) => (groups.length > 0 ? n / groups.length : 0)),
  };
}

/**
 * A thread of the group woken by another one's futex wake (sched_waking in task context) that then ran
 * on the waker's CPU: did it wait until the waker left the CPU asleep, preempt the waker (the waker
 * switched out runnable: wake-up preemption), or run after another thread? Counted apart for the
 * second thread as the wakee (sysmon, woken by a Go thread's notewakeup(&sched.sysmonnote)) and the others.
 */
function wakeeOrder(evs, tids, second) {
  const pending = new Map(); // wakee → { cpu, waker }: its last waking by a thread of the group
  const count = () => ({ asleep: 0, preempted: 0, other: 0 });
  const out = { second: count(), others: count() };
  for (const e of evs) {
    if (e.event === "sched_waking") {
      const pid = Number(field(e.fields, "pid"));
      if (!tids.has(pid)) continue;
      if (tids.has(e.pid) && !/[hsHT]/.test(e.flags.charAt(2))) pending.set(pid, { cpu: e.cpu, waker: e.pid });
      else pending.delete(pid);
    } else if (e.event === "sched_switch") {
      const next = Number(field(e.fields, "next_pid"));
      const w = pending.get(next);
      if (w === undefined) continue;
      pending.delete(next);
      if (w.cpu !== e.cpu) continue;
      const c = next === second ? out.second : out.others;
      if (Number(field(e.fields, "prev_pid")) !== w.waker) c.other++;
      else if (field(e.fields, "prev_state").startsWith("R")) c.preempted++;
      else c.asleep++;
    }
  }
  return out;
}

/**
 * The sleepers one timer interrupt woke on a CPU — the group's sched_waking events in hardirq context
 * on that CPU with none of its other events between (its sched_wakeup and hrtimer events aside) — and
 * each one's wait from its wake-up to its switch-in, by its order in the interrupt (1st … 6th and
 * later, index 5); `firstRanFirstFrac`: after interrupts that woke 3 or more (`bursts3`), how often the
 * first sleeper was the first of them the CPU ran; `secondRanFirstFrac`: after interrupts that woke the
 * second thread (sysmon in Go) with others (`withSecond`), how often it ran before them — when sysmon's
 * pass comes before a goroutine's return from the syscall that interrupt ended, it can take that P.
 */
function burstStats(evs, tids, second) {
  const open = new Map(); // cpu → the wakes of the interrupt being read
  const pending = new Map(); // pid → { tUs, rank, burst }
  const byRank = [[], [], [], [], [], []];
  let bursts3 = 0;
  let firstRanFirst = 0;
  let withSecond = 0;
  let secondRanFirst = 0;
  for (const e of evs) {
    if (e.event === "sched_waking" && /[hH]/.test(e.flags.charAt(2))) {
      const pid = Number(field(e.fields, "pid"));
      if (!tids.has(pid)) continue;
      let b = open.get(e.cpu);
      if (b === undefined) open.set(e.cpu, (b = { pids: [], firstDone: false }));
      pending.set(pid, { tUs: e.tUs, rank: b.pids.length, burst: b });
      b.pids.push(pid);
      continue;
    }
    if (e.event === "sched_wakeup" || e.event === "hrtimer_start" || e.event === "hrtimer_expire_entry") continue;
    open.delete(e.cpu);
    if (e.event !== "sched_switch") continue;
    const next = Number(field(e.fields, "next_pid"));
    const w = pending.get(next);
    if (w === undefined) continue;
    pending.delete(next);
    byRank[Math.min(5, w.rank)].push(e.tUs - w.tUs);
    const b = w.burst;
    if (b.firstDone) continue;
    b.firstDone = true;
    if (b.pids.length >= 3) {
      bursts3++;
      if (w.rank === 0) firstRanFirst++;
    }
    if (b.pids.length >= 2 && b.pids.includes(second)) {
      withSecond++;
      if (next === second) secondRanFirst++;
    }
  }
  const frac = (n, of) => (of > 0 ? n / of : 0);
  return { byRank: byRank.map(quantiles), bursts3, firstRanFirstFrac: frac(firstRanFirst, bursts3), withSecond, secondRanFirstFrac: frac(secondRanFirst, withSecond) };
}

/** The index of a placement count, as the model's Kernel.placements (src/runtime/kernel.ts placementIndex; a copy, so the tool runs without a build: test/validation/sched_trace.test.ts holds the two equal). */
export function placementIndex(timer, wakerOnPrev, prevIdle, otherIdle, moved) {
  return (timer << 4) | (wakerOnPrev << 3) | (prevIdle << 2) | (otherIdle << 1) | +moved;
}

/**
 * Placement counts (32, by placementIndex) as lines: for each kind of wake seen, how many and the
 * share put elsewhere than the thread's last CPU.
 */
export function placementLines(counts) {
  const lines = [];
  for (let i = 0; i < 32; i += 2) {
    const stayed = counts[i], moved = counts[i + 1];
    if (stayed + moved === 0) continue;
    const kind = `${i & 16 ? "timer" : "futex"}, waker on ${i & 8 ? "its CPU" : "another"}, its CPU ${i & 4 ? "idle" : "busy"}, another ${i & 2 ? "idle" : "busy"}`;
    lines.push(`  ${kind}: ${stayed + moved}, ${((100 * moved) / (stayed + moved)).toFixed(1)} % elsewhere`);
  }
  return lines;
}

function format(s) {
  const q = (x) => `p10 ${x.p10.toFixed(0)} p50 ${x.p50.toFixed(0)} p90 ${x.p90.toFixed(0)} p99 ${x.p99.toFixed(0)} µs`;
  const lines = [
    `threads ${s.threads}, ${(s.spanUs / 1000).toFixed(1)} ms traced`,
    `wake-ups ${s.wakeups}: on another CPU than the last run ${(100 * s.migrationFrac).toFixed(1)} %`,
    `wake-up → running: ${q(s.wakeToRunUs)}`,
    `runs on a CPU: ${s.runUs.n}, ${q(s.runUs)}, total ${(s.runUs.totalUs / 1000).toFixed(1)} ms`,
    `  their spread (a C sleep loop's is Machine.wakeCpuSpread): ${["p25", "p75", "p95", "p999"].map((k) => `${k.replace("p999", "p99.9")} ${s.runUs[k].toFixed(0)}`).join(" ")} µs, mean ${s.runUs.mean.toFixed(2)} µs`,
    `CPU busy: ${s.cpuBusyFrac.map(([c, f]) => `cpu${c} ${(100 * f).toFixed(1)} %`).join(", ")}`,
  ];
  const placed = placementLines(s.placements);
  if (placed.length > 0) lines.push("wake-ups placed (select_task_rq), by kind: how many, and the share put elsewhere than the thread's last CPU", ...placed);
  if (s.newThreads.onSecondsCpu + s.newThreads.elsewhere > 0)
    lines.push(`threads started after the second: first ran on the CPU the second last ran on ${s.newThreads.onSecondsCpu}, on another ${s.newThreads.elsewhere}`);
  if (s.secondThread !== null) {
    const g = s.secondThread;
    lines.push(`second thread (sysmon in Go) ${g.tid}: ${g.runs} runs (${byCpuText(g.runsByCpu)}), gaps ${q(g.gapUs)}; in gaps of 2 ms or more ${(g.gapsOver2msUs / 1000).toFixed(1)} ms`);
    const p = g.passes;
    const kinds = [["none", "no futex wake"], ["same", "one onto its CPU"], ["other", "one onto another"], ["more", "more"]].filter(([k]) => p[k].n > 0);
    if (kinds.length > 0) lines.push(`  its passes' own CPU (switched in → its next timed sleep armed), p50 / mean: ${kinds.map(([k, label]) => `${label} ${p[k].p50.toFixed(0)} / ${p[k].mean.toFixed(1)} µs (${p[k].n})`).join("; ")}`);
  }
  const t = s.timers;
  if (t.fired > 0) {
    const pct = (f) => `${(100 * f).toFixed(1)} %`;
    lines.push(
      `timed sleeps fired ${t.fired}: before their hard expiry ${pct(t.earlyFrac)} (by p50 ${t.earlyByUs.p50.toFixed(0)} µs)${t.secondFired > 0 ? `; the second thread's ${pct(t.secondEarlyFrac)} of ${t.secondFired}` : ""}`,
      ...besideLine(t.besideSecond),
      `  by ${t.interrupts} interrupts, ${t.perInterrupt.toFixed(2)} each; firing 1 / 2 / … / 7 / 8+: ${t.byGroupSize.map((f) => (100 * f).toFixed(0)).join(" / ")} %`,
      `  fired after their soft expiry p25 / p50 / p90 ${[t.afterSoftUs.p25, t.afterSoftUs.p50, t.afterSoftUs.p90].map((x) => x.toFixed(1)).join(" / ")} µs; an interrupt after the earliest hard expiry it fired p10 / p50 / p90 ${[t.irqDelayUs.p10, t.irqDelayUs.p50, t.irqDelayUs.p90].map((x) => x.toFixed(1)).join(" / ")} µs`,
    );
  }
  const w = s.wakeeOnWakersCpu;
  const order = (c) => `after the waker slept ${c.asleep}, preempting it ${c.preempted}, after another ${c.other}`;
  if (Object.values(w.second).some((n) => n > 0) || Object.values(w.others).some((n) => n > 0))
    lines.push(`woken by a thread of the group and run on its CPU: the second thread ${order(w.second)}; the others ${order(w.others)}`);
  const b = s.bursts;
  if (b.byRank[0].n > 0) {
    lines.push(
      `an interrupt's sleepers on a CPU, wake-up → running p50 by their order in it, 1st / 2nd / … / 6th+: ${b.byRank.map((x) => (x.n > 0 ? x.p50.toFixed(0) : "-")).join(" / ")} µs; of ${b.bursts3} interrupts that woke 3 or more, the first sleeper ran first in ${(100 * b.firstRanFirstFrac).toFixed(1)} %`,
    );
    if (b.withSecond > 0) lines.push(`  of ${b.withSecond} interrupts that woke the second thread with others, it ran first in ${(100 * b.secondRanFirstFrac).toFixed(1)} %`);
  }
  return lines.join("\n");
}

/**
 * The other threads' sleeps by where the second thread's sleep (`whose`: return-structure.mjs names it
 * sysmon's) was pending when they were armed; none if they never were.
 */
export function besideLine(b, whose = "the second's") {
  const n = b.same + b.other + b.none;
  if (n === 0) return [];
  const pct = (k) => `${((100 * b[k]) / n).toFixed(1)} %`;
  return [`  the other threads' ${n} sleeps armed while ${whose} was pending on their CPU ${pct("same")}, on another ${pct("other")}, none pending ${pct("none")}`];
}

/** Counts by CPU ([cpu, n] pairs) as "cpu0 a, cpu1 b", in CPU order. */
export function byCpuText(counts) {
  return [...counts].sort((a, b) => a[0] - b[0]).map(([c, n]) => `cpu${c} ${n}`).join(", ");
}

function fail(msg) {
  console.error(`${msg}\nusage: sudo node tools/machine/sched-trace.mjs [--keep FILE] -- COMMAND [ARGS…] | node tools/machine/sched-trace.mjs --file FILE`);
  process.exit(2);
}

function write(name, value) {
  fs.writeFileSync(`${tracefs}/${name}`, value);
}

function main() {
  const argv = process.argv.slice(2);
  const dash = argv.indexOf("--");
  const own = dash < 0 ? argv : argv.slice(0, dash);
  const command = dash < 0 ? [] : argv.slice(dash + 1);
  let keep;
  let file;
  for (let i = 0; i < own.length; i++) {
    if (own[i] === "--keep" && i + 1 < own.length) keep = own[++i];
    else if (own[i] === "--file" && i + 1 < own.length) file = own[++i];
    else fail(`unknown or incomplete option ${own[i]}`);
  }
  if (file !== undefined) {
    let text;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      fail(`${file}: ${e.message}`);
    }
    const evs = parseTrace(text);
    const tgid = /^# command pid (\d+)/m.exec(text);
    if (evs.length === 0 || tgid === null) fail(`${file}: not a trace kept by sched-trace.mjs (no "# command pid" line or no events)`);
    console.log(format(summarize(evs, Number(tgid[1]))));
    return;
  }
  if (command.length === 0) fail("no command after --");
  try {
    fs.accessSync(`${tracefs}/tracing_on`, fs.constants.W_OK);
  } catch {
    fail(`${tracefs} is not writable: the kernel trace needs root and tracefs (mount -t tracefs nodev ${tracefs})`);
  }
  const sizeBefore = fs.readFileSync(`${tracefs}/buffer_size_kb`, "utf8").trim().replace(/\D.*$/, "");
  write("tracing_on", "0");
  write("trace", "");
  write("buffer_size_kb", "65536");
  write("options/record-tgid", "1");
  for (const e of events) write(`events/${e}/enable`, "1");
  let run;
  let text;
  try {
    write("tracing_on", "1");
    run = spawnSync(command[0], command.slice(1), { stdio: ["ignore", 2, 2] });
    write("tracing_on", "0");
    text = fs.readFileSync(`${tracefs}/trace`, "utf8");
  } finally {
    write("tracing_on", "0");
    for (const e of events) write(`events/${e}/enable`, "0");
    write("options/record-tgid", "0");
    write("trace", "");
    write("buffer_size_kb", sizeBefore);
  }
  if (run.error !== undefined) fail(`${command[0]}: ${run.error.message}`);
  if (/LOST \d+ EVENTS/.test(text)) console.error("note: the trace buffer overflowed; figures cover what was kept");
  if (keep !== undefined) {
    const tmp = `${keep}.tmp`;
    fs.writeFileSync(tmp, `# command pid ${run.pid}: ${command.join(" ")}\n${text}`);
    fs.renameSync(tmp, keep);
  }
  console.log(`${command.join(" ")} (exit ${run.status ?? run.signal})`);
  console.log(format(summarize(parseTrace(text), run.pid)));
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) main();

// The model's invariants, checked after every engine event in tests and under --check, the way the
// runtime throws: each rule is named, and a failure dumps G/M/P, the seed and how to reproduce it.
import { KState } from "./kernel.js";
import { InvariantError } from "../base/assert.js";
import { mcount } from "./proc.js";
import type { Runtime } from "./runtime.js";
import {
  WaitReason,
  _Gdead,
  _Grunnable,
  _Grunning,
  _Gsyscall,
  _Gwaiting,
  _Pgcstop,
  _Pidle,
  _Prunning,
  _Psyscall,
  gStatusName,
  nilG,
  pStatusName,
  runqSize,
} from "./runtime2.js";

export function checkInvariants(rt: Runtime): void {
  const fail = failer(rt);
  const s = rt.sched;

  // Idle P list: exactly the _Pidle Ps with no M, each with an empty run queue.
  const idle = new Set<number>();
  let n = 0;
  for (let pp = s.pidle; pp !== null; pp = pp.link) {
    if (++n > rt.gomaxprocs) fail("idle P list", "cycle");
    if (pp.status !== _Pidle) fail("idle P list", `P${pp.id} on pidle is ${pStatusName(pp.status)}`);
    if (pp.runqhead !== pp.runqtail || pp.runnext !== nilG) fail("idle P has empty runq", `P${pp.id}`);
    idle.add(pp.id);
  }
  if (n !== s.npidle) fail("npidle", `npidle=${s.npidle} but ${n} Ps on the list`);

  checkKernel(rt, fail);

  let running = 0;
  for (const pp of rt.allp) {
    switch (pp.status) {
      case _Prunning:
        running++;
        if (pp.m === null || pp.m.p !== pp) fail("running P has its M", `P${pp.id}`);
        break;
      case _Psyscall: {
        if (pp.m !== null) fail("_Psyscall P has no M", `P${pp.id} m=M${pp.m.id}`);
        // go1.10 keeps m.p during the call; later versions keep the P in m.oldp.
        const keepMp = rt.config.rules.keepMpInSyscall;
        const owner = rt.allm.find((mp) => (keepMp ? mp.p === pp && mp.state === "syscall" : mp.oldp === pp));
        if (owner === undefined) fail("_Psyscall P has an M in a syscall", `P${pp.id}: no M has oldp=P${pp.id}`);
        else if (rt.gs.status[owner.curg] !== _Gsyscall) fail("_Psyscall P's G is _Gsyscall", `P${pp.id} M${owner.id} G status ${gStatusName(rt.gs.status[owner.curg]!)}`);
        break;
      }
      case _Pidle:
        // Idle but off the list is allowed only for a P handed to a starting or waking M via nextp.
        if (!idle.has(pp.id) && !rt.allm.some((mp) => mp.nextp === pp)) fail("idle P is on pidle or in an M's nextp", `P${pp.id}`);
        break;
      case _Pgcstop:
        if (!s.gcwaiting) fail("_Pgcstop only during stop-the-world", `P${pp.id}`);
        break;
      default:
        fail("P status", `P${pp.id} ${pp.status}`);
    }
  }
  if (running > rt.gomaxprocs) fail("at most GOMAXPROCS Ps running", `${running}`);

  // Ms: idle list consistent; nmspinning equals the spinning Ms; m.p and p.m agree.
  let nidle = 0;
  for (let mp = s.midle; mp !== null; mp = mp.schedlink) {
    if (++nidle > rt.allm.length) fail("idle M list", "cycle");
    if (mp.p !== null || mp.curg !== nilG || mp.spinning || mp.nextp !== null) fail("idle M holds nothing", `M${mp.id}`);
  }
  if (nidle !== s.nmidle) fail("nmidle", `nmidle=${s.nmidle} but ${nidle} Ms on the list`);
  let spinning = 0;
  for (const mp of rt.allm) {
    if (mp.spinning) spinning++;
    // go1.10: an M in a syscall keeps a stale m.p after its P was taken.
    const staleMp = rt.config.rules.keepMpInSyscall && mp.state === "syscall";
    if (mp.p !== null && mp.p.m !== mp && !staleMp) fail("m.p.m == m", `M${mp.id} P${mp.p.id}`);
    if (mp.curg !== nilG && rt.gs.m[mp.curg] !== mp.id) fail("curg.m == m", `M${mp.id} G${rt.gs.goid[mp.curg]}`);
  }
  if (spinning !== s.nmspinning) fail("nmspinning", `nmspinning=${s.nmspinning} but ${spinning} Ms spin`);
  const alive = rt.allm.filter((mp) => mp.state !== "dead").length;
  if (mcount(rt) !== alive) fail("mcount", `${mcount(rt)} vs ${alive} live Ms`);
  const lockedIdle = rt.allm.filter((mp) => mp.state === "lockedidle").length;
  if (lockedIdle !== s.nmidlelocked) fail("nmidlelocked", `nmidlelocked=${s.nmidlelocked} but ${lockedIdle} Ms in stoplockedm`);

  checkGoroutinePlaces(rt, fail);
}

function failer(rt: Runtime): (rule: string, detail: string) => never {
  return (rule, detail) => {
    throw new InvariantError(`invariant "${rule}" broken at t=${rt.nowNs}ns: ${detail}`, dumpState(rt));
  };
}

/** The kernel model's invariants alone (checkKernel below), for runs of bare kernel threads with no Go runtime on top. */
export function checkKernelInvariants(rt: Runtime): void {
  checkKernel(rt, failer(rt));
}

/**
 * The kernel's CPUs (kernel.ts): each running thread on exactly the CPU that names it; idle CPUs exactly
 * those neither running nor about to pick; each CPU's queue holds runnable threads that name it, once
 * each, and an idle CPU's queue is empty; its delayed threads (asleep, DELAY_DEQUEUE) name it too and
 * an idle CPU has none; every runnable thread is queued; each CPU's counts and vruntime sum match; a
 * wake-up in flight is counted on the CPU it was placed on; an armed timer is on its CPU's queue.
 */
function checkKernel(rt: Runtime, fail: (rule: string, detail: string) => never): void {
  const k = rt.kernel;
  const queued = new Set<number>();
  const incoming = new Int32Array(k.ncpu);
  for (const t of k.threads) if (t !== undefined && t.wakeCpu >= 0) incoming[t.wakeCpu]!++;
  let idle = 0;
  for (const c of k.cpus) {
    const t = c.curr;
    let sumVr = 0;
    if (t !== null) {
      if (t.state !== KState.Running || t.cpu !== c.id) fail("kernel: CPU's thread", `CPU${c.id} holds thread ${t.id} (state ${t.state}, cpu ${t.cpu})`);
      if (c.picking) fail("kernel: picking CPU", `CPU${c.id} about to pick holds thread ${t.id}`);
      sumVr += t.vruntimeNs;
    }
    const isIdle = t === null && !c.picking;
    if (isIdle) idle++;
    if (isIdle !== k.idleCpus.includes(c.id)) fail("kernel: idle CPUs", `CPU${c.id} ${isIdle ? "idle but not listed" : "listed idle but busy"}: [${k.idleCpus.join(",")}]`);
    if (isIdle && c.queue.length > 0) fail("kernel: idle CPU with a queue", `CPU${c.id} idles with ${c.queue.length} runnable`);
    for (const q of c.queue) {
      if (q.state !== KState.Runnable || q.cpu !== c.id || queued.has(q.id)) fail("kernel: run queue", `thread ${q.id} (state ${q.state}, cpu ${q.cpu}) on CPU${c.id}'s queue twice, elsewhere or not runnable`);
      queued.add(q.id);
      sumVr += q.vruntimeNs;
    }
    for (const d of c.delayed) {
      if (!d.delayed || d.cpu !== c.id || (d.state !== KState.Sleeping && d.state !== KState.Blocked) || queued.has(d.id)) fail("kernel: delayed dequeue", `thread ${d.id} (state ${d.state}, cpu ${d.cpu}) on CPU${c.id}'s delayed list twice, elsewhere or not asleep`);
      queued.add(d.id);
      sumVr += d.vruntimeNs;
    }
    if (isIdle && c.delayed.length > 0) fail("kernel: delayed dequeue", `CPU${c.id} idles with ${c.delayed.length} delayed`);
    if (c.n !== c.queue.length + c.delayed.length + (t !== null ? 1 : 0)) fail("kernel: queued count", `CPU${c.id}: n=${c.n}, ${t !== null ? 1 : 0} running + ${c.queue.length} runnable + ${c.delayed.length} delayed`);
    if (Math.abs(sumVr - c.sumVr) > 1e-3 * Math.max(1, Math.abs(sumVr))) fail("kernel: vruntime sums", `CPU${c.id}: Σvruntime ${sumVr} vs ${c.sumVr}`);
    if (c.incoming !== incoming[c.id]) fail("kernel: wake-ups in flight", `CPU${c.id}: incoming=${c.incoming}, ${incoming[c.id]} threads placed on it`);
    const list = c.timers;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      if (s.timerCpu !== c.id || s.timerIdx !== i || s.state !== KState.Sleeping) fail("kernel: timers", `thread ${s.id} on CPU${c.id}'s timer queue at ${i} (timerCpu ${s.timerCpu}, timerIdx ${s.timerIdx}, state ${s.state})`);
      const parent = i > 0 ? list[(i - 1) >> 1]! : null;
      if (parent !== null && (parent.hardNs > s.hardNs || (parent.hardNs === s.hardNs && parent.timerSeq > s.timerSeq))) fail("kernel: timers", `CPU${c.id}'s timer heap out of order at ${i}`);
    }
  }
  if (idle !== k.idleCpus.length) fail("kernel: idle CPUs", `[${k.idleCpus.join(",")}] lists ${k.idleCpus.length}, ${idle} idle`);
  for (const t of k.threads) {
    if (t === undefined) continue;
    if (t.state === KState.Runnable && !queued.has(t.id)) fail("kernel: run queue", `runnable thread ${t.id} not queued`);
    if (t.delayed && !queued.has(t.id)) fail("kernel: delayed dequeue", `delayed thread ${t.id} on no CPU's list`);
    if (t.wakeCpu >= 0 && t.state !== KState.Sleeping) fail("kernel: wake-ups in flight", `thread ${t.id} placed on CPU${t.wakeCpu} is not waking (state ${t.state})`);
  }
}

/** Every live G is in exactly one place, and the place matches its status. */
function checkGoroutinePlaces(rt: Runtime, fail: (rule: string, detail: string) => never): void {
  const gs = rt.gs;
  const seen = new Uint8Array(gs.count);
  const place = (gp: number, where: string, status: number) => {
    if (gp <= 0 || gp >= gs.count) fail("G in one place", `bad G slot ${gp} in ${where}`);
    if (seen[gp]! > 0) fail("G in one place", `G${gs.goid[gp]} is twice (again in ${where})`);
    seen[gp] = 1;
    if (gs.status[gp] !== status) fail("G place matches status", `G${gs.goid[gp]} in ${where} is ${gStatusName(gs.status[gp]!)}`);
  };
  for (const pp of rt.allp) {
    if (pp.runnext !== nilG) place(pp.runnext, `P${pp.id}.runnext`, _Grunnable);
    if (pp.runqtail - pp.runqhead > runqSize || pp.runqtail < pp.runqhead) fail("runq bounds", `P${pp.id}`);
    for (let i = pp.runqhead; i < pp.runqtail; i++) place(pp.runq[i % runqSize]!, `P${pp.id}.runq`, _Grunnable);
  }
  let len = 0;
  for (let gp = rt.sched.runqhead; gp !== nilG; gp = gs.schedlink[gp]!) {
    if (++len > gs.count) fail("global runq", "cycle");
    place(gp, "sched.runq", _Grunnable);
  }
  if (len !== rt.sched.runqsize) fail("runqsize", `runqsize=${rt.sched.runqsize} but ${len} Gs queued`);
  for (const mp of rt.allm) {
    if (mp.curg === nilG) continue;
    const st = gs.status[mp.curg]!;
    if (st !== _Grunning && st !== _Gsyscall) fail("curg is running or in a syscall", `M${mp.id} G${gs.goid[mp.curg]} ${gStatusName(st)}`);
    place(mp.curg, `M${mp.id}.curg`, st);
  }
  const selecting = new Set<number>();
  for (const st of rt.chans.values()) {
    for (const q of [st.recvq, st.sendq]) {
      for (const sg of q) {
        if (typeof sg === "number") place(sg, "chan wait queue", _Gwaiting);
        else if (!sg.sel.done) selecting.add(sg.gp);
      }
    }
  }
  for (const gp of selecting) place(gp, "select", _Gwaiting);
  for (const st of rt.waitGroups.values()) for (const gp of st.waiters) place(gp, "WaitGroup", _Gwaiting);
  for (const st of rt.mutexes.values()) for (const w of st.waiters) place(w.gp, "Mutex", _Gwaiting);
  for (let gp = rt.gc.waiters; gp !== nilG; gp = gs.schedlink[gp]!) place(gp, "GC waiters", _Gwaiting);
  for (const st of rt.syscallThreads) if (st.gp !== nilG) place(st.gp, `syscall thread ${st.id}`, _Gwaiting);
  // startlockedm handed the G and a P to its locked M, which has not run yet.
  for (const mp of rt.allm) if (mp.lockedg !== nilG && mp.curg === nilG && mp.nextp !== null && gs.status[mp.lockedg] === _Grunnable) place(mp.lockedg, `M${mp.id}.lockedg (woken)`, _Grunnable);
  for (const tb of rt.timerBuckets.values()) if (tb.state === "parked") place(tb.timerproc, `timerproc[${tb.id}] (idle)`, _Gwaiting);
  for (let gp = 1; gp < gs.count; gp++) {
    const st = gs.status[gp]!;
    if (st === _Gdead) continue;
    if (seen[gp] === 0) {
      const wr = gs.waitReason[gp];
      if (st === _Gwaiting && (wr === WaitReason.Sleep || wr === WaitReason.Select || wr === WaitReason.IOWait || wr === WaitReason.GCWorkerIdle)) continue;
      fail("no G lost", `G${gs.goid[gp]} (${gStatusName(st)}) is nowhere`);
    }
  }
}

/** A compact dump of G/M/P state, like the runtime's schedtrace with scheddetail. */
export function dumpState(rt: Runtime): string {
  const s = rt.sched;
  const lines = [
    `seed=${rt.config.seed} t=${rt.nowNs}ns gomaxprocs=${rt.gomaxprocs} profile=${rt.config.profile}`,
    `sched: npidle=${s.npidle} nmidle=${s.nmidle} nmspinning=${s.nmspinning} runqsize=${s.runqsize} gcwaiting=${s.gcwaiting} stopwait=${s.stopwait} sysmonwait=${s.sysmonwait}`,
  ];
  for (const pp of rt.allp) {
    lines.push(`  P${pp.id}: status=${pStatusName(pp.status)} m=${pp.m?.id ?? -1} schedtick=${pp.schedtick} syscalltick=${pp.syscalltick} runqsize=${pp.runqtail - pp.runqhead} runnext=${pp.runnext === nilG ? 0 : rt.gs.goid[pp.runnext]}`);
  }
  for (const mp of rt.allm) {
    const g = mp.curg === nilG ? -1 : rt.gs.goid[mp.curg];
    lines.push(`  M${mp.id}: state=${mp.state} p=${mp.p?.id ?? -1} oldp=${mp.oldp?.id ?? -1} nextp=${mp.nextp?.id ?? -1} curg=${g} spinning=${mp.spinning}`);
  }
  let shown = 0;
  for (let gp = 1; gp < rt.gs.count && shown < 50; gp++) {
    if (rt.gs.status[gp] === _Gdead) continue;
    shown++;
    lines.push(`  G${rt.gs.goid[gp]}: status=${gStatusName(rt.gs.status[gp]!)} m=${rt.gs.m[gp]} wait=${rt.gs.waitReason[gp]}`);
  }
  return lines.join("\n");
}

// The GC's work between its two stop-the-worlds, at the level that changes scheduling (mgc.go,
// mgcpacer.go, go1.19): background mark workers, forEachP at mark termination, and sysmon's forced
// GC every 2 minutes.
//
// - Mark workers: one worker goroutine per P (gcBgMarkStartWorkers). While marking,
//   gcController.dedicatedMarkWorkersNeeded = int(GOMAXPROCS×0.25 + 0.5), minus one if that
//   overshoots 25 % by more than 30 % (so 0 for GOMAXPROCS 1–2, 1 for 4, 2 for 8): findRunnable runs a
//   dedicated worker first, which keeps its P until marking ends. A P with nothing else to do runs an
//   idle-priority worker, which yields as soon as other work appears. handoffp starts an M for a P
//   while there is mark work (so Ps taken from syscalls during marking get threads).
// - forEachP (gcMarkDone's flush): every P runs a safe-point function; a P sitting in a syscall is
//   taken out of _Psyscall to run it (and handed off) — long before sysmon would take it.
// - forcegc: sysmon starts a cycle when none ran for forcegcperiod (2 min), through the forcegc
//   helper goroutine.
//
// Fidelity (docs/model.md): the mark phase lasts gcMarkNs whatever the workers do; fractional
// workers (the 25 % goal's remainder) and mark assists are not modeled.
import { casgstatus, caspstatus } from "./status.js";
import type { GeneratorProgram, Op } from "./ops.js";
import { gopark, handoffp, newprocParked, readyStatus } from "./proc.js";
import { gostepAfter } from "./program.js";
import { cpuRemove, cpuStart } from "./cpu.js";
import type { Runtime } from "./runtime.js";
import { WaitReason, _Grunnable, _Grunning, _Gwaiting, _Pidle, _Psyscall, nilG, type M, type P } from "./runtime2.js";
import { runqempty } from "./runq.js";
import { injectglist } from "./netpoll.js";
import { gcStart } from "./stw.js";
import { pInSyscall, takeP } from "./syscall.js";

/** How long an idle-priority worker marks before it checks for other work (pollWork). */
const idleWorkerSliceNs = 100_000;

/** mgcpacer.go startCycle: dedicated workers for a 25 % background utilization goal. */
export function dedicatedMarkWorkers(gomaxprocs: number): number {
  const goal = gomaxprocs * 0.25;
  let n = Math.floor(goal + 0.5);
  const utilError = n / goal - 1;
  if ((utilError < -0.3 || utilError > 0.3) && n > goal) n--;
  return n;
}

/** At the start of marking (before the world restarts): how many dedicated workers to run. */
export function gcMarkStart(rt: Runtime): void {
  rt.gc.dedicatedNeeded = dedicatedMarkWorkers(rt.gomaxprocs);
  rt.gc.markEndNs = rt.nowNs + rt.config.costs.gcMarkNs;
}

/** The worker goroutine of pp, created on first use (gcBgMarkStartWorkers), parked when unused. */
function workerFor(rt: Runtime, mp: M, pp: P): number {
  let gp = rt.gc.workers.get(pp.id);
  if (gp === undefined) {
    gp = newprocParked(rt, workerProgram(), mp.curg, WaitReason.GCWorkerIdle);
    rt.gc.workers.set(pp.id, gp);
    rt.gc.freshWorkers.add(gp);
  }
  return gp;
}

/**
 * findRunnable's GC worker steps (findRunnableGCWorker, and the idle-time marking before giving up
 * the P): a worker of this P to run now, or nilG. `idle`: only an idle-priority worker.
 */
export function findRunnableGCWorker(rt: Runtime, mp: M, idle: boolean): number {
  const gc = rt.gc;
  if (gc.phase !== "mark" || rt.nowNs >= gc.markEndNs) return nilG;
  const pp = mp.p!;
  const gp = workerFor(rt, mp, pp);
  if (rt.gs.status[gp] !== _Gwaiting) return nilG; // already running or queued
  if (!idle) {
    if (gc.dedicatedNeeded <= 0) return nilG;
    gc.dedicatedNeeded--;
    gc.workerMode.set(gp, "dedicated");
  } else gc.workerMode.set(gp, "idle");
  // A worker that parked in an earlier cycle is readied; a new one just starts (go gcBgMarkWorker).
  if (!rt.gc.freshWorkers.delete(gp)) readyStatus(rt, gp, mp, pp, "gcMarkWorker");
  else {
    casgstatus(rt, gp, _Gwaiting, _Grunnable);
    rt.gs.waitReason[gp] = 0;
  }
  rt.ev("gcMarkWorker", gp, mp, pp, gc.workerMode.get(gp)!);
  return gp;
}

function workerProgram(): GeneratorProgram {
  const step: Op = { op: "native", name: "gcBgMarkWorker", step: gcBgMarkWorkerStep };
  return {
    kind: "generator",
    name: "runtime.gcBgMarkWorker",
    start: function* () {
      for (;;) yield step;
    },
  };
}

/** One turn of gcBgMarkWorker: mark (occupying the P) or park until the next cycle needs it. */
function gcBgMarkWorkerStep(rt: Runtime, mp: M): void {
  const gc = rt.gc;
  const gp = mp.curg;
  const leftNs = gc.phase === "mark" ? gc.markEndNs - rt.nowNs : 0;
  const mode = gc.workerMode.get(gp);
  const otherWork = rt.sched.runqsize > 0 || (mp.p !== null && !runqempty(mp.p));
  if (leftNs <= 0 || mode === undefined || (mode === "idle" && otherWork)) {
    // Marking is over (or an idle worker sees other work, pollWork): park until needed again.
    gc.workerMode.delete(gp);
    rt.gs.waitReason[gp] = WaitReason.GCWorkerIdle;
    gopark(rt, mp, WaitReason.GCWorkerIdle);
    return;
  }
  cpuStart(rt, mp, gp, mode === "dedicated" ? leftNs : Math.min(leftNs, idleWorkerSliceNs));
}

/**
 * Marking is over (gcMarkDone): workers still marking stop and park. Their CPU time is shared with
 * other threads (processor sharing), so they may not have used up their slice by then.
 */
export function stopMarkWorkers(rt: Runtime): void {
  for (const mp of rt.allm) {
    const gp = mp.curg;
    if (gp === nilG || !rt.gc.workerMode.has(gp) || rt.gs.status[gp] !== _Grunning) continue;
    if (!cpuRemove(rt, mp, gp)) continue;
    rt.gs.remainingNs[gp] = 0;
    rt.gc.workerMode.delete(gp);
    gopark(rt, mp, WaitReason.GCWorkerIdle);
  }
}

/** handoffp step 3: the P has GC mark work available (gcBlackenEnabled && gcMarkWorkAvailable). */
export function gcMarkWorkAvailable(rt: Runtime): boolean {
  return rt.gc.phase === "mark" && rt.nowNs < rt.gc.markEndNs;
}

/**
 * forEachP (proc.go) at mark termination: every P runs the flush at a safe point. Running Ps do it at
 * their next preemption point (not modeled: it costs them nothing here); a P in a syscall is taken
 * out of _Psyscall (CAS → _Pidle, syscalltick++), runs the function and is handed off.
 */
export function forEachP(rt: Runtime): void {
  for (const pp of rt.allp) {
    if (pp.status === _Psyscall) {
      caspstatus(rt, pp, _Psyscall, _Pidle);
      pp.syscalltick++;
      rt.ev("forEachP", nilG, null, pp, "took-syscall-p");
      handoffp(rt, pp, "forEachP");
    } else if (rt.config.rules.syscallP === "running" && pInSyscall(rt, pp)) {
      rt.ev("forEachP", nilG, pp.m, pp, "took-syscall-p");
      takeP(rt, pp, "forEachP");
      handoffp(rt, pp, "forEachP");
    }
  }
}

/**
 * sysmon's forced GC (proc.go sysmon, go1.19): no cycle for forcegcperiod → the parked forcegc helper
 * goroutine is made runnable with injectglist (no P: the global queue and startm(nil, false) per idle
 * P). Fidelity: the helper is created parked for each period and exits after starting its cycle (Go's
 * helper loops forever), which changes no scheduling.
 */
export function sysmonForceGC(rt: Runtime): void {
  const gc = rt.gc;
  if (gc.phase !== "off" || rt.config.gc.gogc < 0 || rt.nowNs - gc.lastEndNs < rt.config.constants.forcegcPeriodNs) return;
  gc.lastEndNs = rt.nowNs; // one helper per period
  rt.ev("sysmon", nilG, rt.sysmonM, null, "forcegc", gc.cycles);
  const helper = newprocParked(rt, forcegcHelper, nilG, WaitReason.ForceGCIdle);
  injectglist(rt, [helper], null);
}

const forcegcHelper: GeneratorProgram = {
  kind: "generator",
  name: "runtime.forcegchelper",
  start: function* () {
    yield { op: "native", name: "forcegchelper", step: (rt, mp) => (rt.gc.phase === "off" ? gcStart(rt, mp, false) : gostepAfter(rt, mp, 0)) };
  },
};

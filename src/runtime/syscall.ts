// The system-call path, after runtime/proc.go: reentersyscall (entersyscall), its helpers
// entersyscall_sysmon and entersyscall_gcwait, entersyscallblock(+_handoff), exitsyscall with
// exitsyscallfast (+_reacquired, _pidle) and the slow path exitsyscall0; RawSyscall (no scheduler
// involvement) and cgocall (entersyscall/exitsyscall around the C call).
//
// Profiles swap whole paths (RuntimeConfig.rules): go1.19 is the reference; go1.10 keeps m.p during
// the call and exits by CAS _Psyscall → _Prunning; go1.26 has no _Psyscall — the P stays _Prunning
// and attached, and is taken with takeP (see also sysmon.ts retake and stw.ts).
// Policies (RuntimeConfig.policy) swap the design: immediate-handoff, never-retake,
// dedicated-syscall-thread (syscall_thread.ts).
//
// A syscall is modeled as: entry at the op (state changes at once), then the thread is in the kernel
// for entersyscallNs + the call's duration (+ cgo's extra), then exitsyscall runs at return time.
import { casgstatus, casmstate, caspstatus } from "./status.js";
import { sleepNs, syscallOverheadNs, takeBackNs } from "./machine.js";
import { sample } from "./program.js";
import type { ReasonOf } from "./events.js";
import type { Op } from "./ops.js";
import { Resume, acquirep, dropg, execute, handoffp, pidleget, releasep, stopm, stopwaitDone } from "./proc.js";
import { gostepAfter } from "./program.js";
import type { Runtime } from "./runtime.js";
import { _Grunnable, _Grunning, _Gsyscall, _Pgcstop, _Pidle, _Prunning, _Psyscall, freezeStopWait, type M, type P } from "./runtime2.js";
import { globrunqput } from "./runq.js";
import { sysmonNoteWakeup } from "./sysmon.js";
import { syscallThreadOp } from "./syscall_thread.js";
import { stoplockedm } from "./lockosthread.js";

export type SyscallOp = Extract<Op, { op: "syscall" | "rawSyscall" | "blockingSyscall" | "cgocall" }>;

/** Kernel time of one call: the sampled duration, stretched by the timer slack for a nanosleep. */
export function kernelNs(rt: Runtime, op: SyscallOp): number {
  const d = sample(rt, op.durationNs);
  return op.timing === "nanosleep" ? sleepNs(rt, d) : d;
}

/** Syscall/Syscall6/Read/Write, cgocall and entersyscallblock calls, as the policy directs them. */
export function syscallOp(rt: Runtime, mp: M, op: SyscallOp): void {
  switch (rt.config.policy.name) {
    case "never-retake":
      return rawSyscallOp(rt, mp, op);
    case "dedicated-syscall-thread":
      return syscallThreadOp(rt, mp, op, kernelNs(rt, op));
    default:
      break;
  }
  if (op.op === "blockingSyscall" || rt.config.policy.name === "immediate-handoff") entersyscallblock(rt, mp, op.site);
  else reentersyscall(rt, mp, op.site);
  const extraNs = op.op === "cgocall" ? rt.config.costs.cgocallExtraNs : 0;
  // The thread is off its CPU for the call (blocked in the kernel), then runs the entry's cost and exits.
  const cpuNs = syscallOverheadNs(rt, rt.config.costs.entersyscallNs + extraNs);
  if (op.timing === "nanosleep") return rt.mSleepTimer(mp, sample(rt, op.durationNs), Resume.SyscallReturn, cpuNs);
  const callNs = sample(rt, op.durationNs);
  if (staysOnCpu(rt, callNs)) rt.mAfter(mp, callNs + cpuNs, Resume.SyscallReturn);
  else rt.mSleep(mp, callNs, Resume.SyscallReturn, cpuNs);
}

/**
 * A call shorter than blocking and waking would cost on average (the kernel's wake-up work, its
 * spread's mean included, plus a context switch) cannot have slept: it is kernel work on the thread's CPU (getpid, stat of a cached file, a
 * read that finds data), as Linux runs a syscall that does not block without leaving the CPU.
 * Longer calls of unknown kind are taken to block. Simplification: the kind of a call is not known,
 * only its duration (docs/model.md, "The machine").
 */
function staysOnCpu(rt: Runtime, callNs: number): boolean {
  return callNs <= rt.kernel.blockWakeMeanNs;
}

/** RawSyscall/RawSyscall6: the G stays _Grunning and the M keeps its P for the whole call. */
export function rawSyscallOp(rt: Runtime, mp: M, op: SyscallOp): void {
  const requestNs = sample(rt, op.durationNs);
  casmstate(rt, mp, "running", "rawsyscall");
  rt.ev("rawsyscall", mp.curg, mp, mp.p, op.site, requestNs);
  if (op.timing === "nanosleep") rt.mSleepTimer(mp, requestNs, Resume.RawSyscallReturn);
  else if (staysOnCpu(rt, requestNs)) rt.mAfter(mp, requestNs, Resume.RawSyscallReturn);
  else rt.mSleep(mp, requestNs, Resume.RawSyscallReturn);
}

export function rawSyscallReturn(rt: Runtime, mp: M): void {
  casmstate(rt, mp, "rawsyscall", "running");
  rt.ev("rawsyscall_return", mp.curg, mp, mp.p);
  gostepAfter(rt, mp, 0);
}

/**
 * reentersyscall (proc.go, go1.19): the G goes _Grunning → _Gsyscall; a deep-sleeping sysmon is woken
 * (a syscall P must be watched); the M snapshots p.syscalltick, unlinks from the P (p.m = 0,
 * m.oldp = p, m.p = 0) and the P becomes _Psyscall — still attached by affinity, so exitsyscall can
 * take it back cheaply unless sysmon, a stop-the-world or forEachP takes it first.
 * go1.10: m.p is kept (no m.oldp). go1.26: reentersyscallNoPsyscall.
 */
export function reentersyscall(rt: Runtime, mp: M, site: string): void {
  if (rt.config.rules.syscallP === "running") return reentersyscallNoPsyscall(rt, mp, site);
  const gp = mp.curg;
  const pp = mp.p!;
  const gs = rt.gs;
  casgstatus(rt, gp, _Grunning, _Gsyscall);
  gs.inSyscall[gp] = 1;
  if (rt.sched.sysmonwait) entersyscall_sysmon(rt, mp);
  mp.syscalltick = pp.syscalltick;
  pp.m = null;
  if (!rt.config.rules.keepMpInSyscall) {
    mp.oldp = pp;
    mp.p = null;
  }
  caspstatus(rt, pp, _Prunning, _Psyscall);
  casmstate(rt, mp, "running", "syscall");
  rt.ev("entersyscall", gp, mp, pp, site, pp.syscalltick, -1);
  if (rt.sched.gcwaiting) entersyscall_gcwait(rt, mp, pp);
}

/**
 * reentersyscall (proc.go, go1.26+): no P state change. m.syscalltick = p.syscalltick, m.oldp = p; a
 * pending stop-the-world takes the P first (entersyscallHandleGCWait); then the G's CAS
 * _Grunning → _Gsyscall, which is what tells retake and the GC that this P may be taken; sysmon is
 * woken if it sleeps.
 */
function reentersyscallNoPsyscall(rt: Runtime, mp: M, site: string): void {
  const gp = mp.curg;
  const pp = mp.p!;
  mp.syscalltick = pp.syscalltick;
  mp.oldp = pp;
  if (rt.sched.gcwaiting && rt.sched.stopwait > 0) {
    // entersyscallHandleGCWait: unlink, _Pgcstop, syscalltick++, stopwait--.
    pp.m = null;
    mp.p = null;
    caspstatus(rt, pp, _Prunning, _Pgcstop);
    pp.syscalltick++;
    rt.ev("entersyscall_gcwait", gp, mp, pp, "entersyscallHandleGCWait");
    stopwaitDone(rt);
  }
  casgstatus(rt, gp, _Grunning, _Gsyscall);
  rt.gs.inSyscall[gp] = 1;
  casmstate(rt, mp, "running", "syscall");
  rt.ev("entersyscall", gp, mp, pp, site, pp.syscalltick, -1);
  if (rt.sched.sysmonwait) entersyscall_sysmon(rt, mp);
}

/** entersyscall_sysmon (proc.go): wake sysmon from its deep sleep. */
function entersyscall_sysmon(rt: Runtime, mp: M): void {
  rt.ev("entersyscall_sysmon", mp.curg, mp, mp.p);
  sysmonNoteWakeup(rt);
}

/** entersyscall_gcwait (proc.go): a stop-the-world is pending, so give the P up for it at once. */
function entersyscall_gcwait(rt: Runtime, mp: M, pp: P): void {
  if (rt.sched.stopwait > 0 && pp.status === _Psyscall) {
    caspstatus(rt, pp, _Psyscall, _Pgcstop);
    pp.syscalltick++;
    if (rt.config.rules.keepMpInSyscall) mp.p = null;
    rt.ev("entersyscall_gcwait", mp.curg, mp, pp, "");
    stopwaitDone(rt);
  }
}

/**
 * entersyscallblock (proc.go): for calls known to block. The P is handed off at once
 * (entersyscallblock_handoff: handoffp(releasep())) and m.oldp is not set, so the exit can only get an
 * idle P or take the slow path. (go1.26 hands off before the G's status change; same effect here.)
 */
export function entersyscallblock(rt: Runtime, mp: M, site: string): void {
  const gp = mp.curg;
  const pp = mp.p!;
  mp.syscalltick = pp.syscalltick;
  pp.syscalltick++;
  casgstatus(rt, gp, _Grunning, _Gsyscall);
  rt.gs.inSyscall[gp] = 1;
  casmstate(rt, mp, "running", "syscall");
  rt.ev("entersyscallblock", gp, mp, pp, site);
  handoffp(rt, releasep(rt, mp), "entersyscallblock");
}

/**
 * exitsyscall (proc.go, go1.19) at the kernel's return: the fast path re-acquires a P
 * (exitsyscallfast) and the G runs on; otherwise the slow path exitsyscall0 queues it globally.
 */
export function exitsyscall(rt: Runtime, mp: M): void {
  if (rt.config.rules.syscallP === "running") return exitsyscallNoPsyscall(rt, mp);
  const gp = mp.curg;
  const oldp = rt.config.rules.keepMpInSyscall ? mp.p : mp.oldp;
  mp.oldp = null;
  const extraNs = exitsyscallfast(rt, mp, oldp);
  if (extraNs >= 0) {
    casmstate(rt, mp, "syscall", "running");
    exitsyscallTail(rt, mp, gp);
    gostepAfter(rt, mp, rt.config.costs.exitsyscallNs + extraNs);
    return;
  }
  exitsyscall0(rt, mp);
}

/** The end of exitsyscall once the G has a P again: p.syscalltick++, _Gsyscall → _Grunning. */
export function exitsyscallTail(rt: Runtime, mp: M, gp: number): void {
  const gs = rt.gs;
  const pp = mp.p!;
  pp.syscalltick++;
  // _Gsyscall on the fast path; _Grunnable when exitsyscall0 requeued the G and execute ran it.
  const from = gs.status[gp]!;
  if (from === _Gsyscall) casgstatus(rt, gp, _Gsyscall, _Grunning);
  else rt.noteGStatus(gp, from);
  gs.inSyscall[gp] = 0;
  rt.ev("exitsyscall", gp, mp, pp, from === _Gsyscall ? "fast" : "rescheduled");
}

/**
 * exitsyscallfast (proc.go, go1.19): take the old P back if it is still _Psyscall (CAS to _Pidle,
 * then wirep), else any idle P. Returns −1 if neither, else the CPU work of getting the P beyond the
 * fast path: a take-back's when the old P was in another M's syscall (exitsyscallfast_reacquired).
 * go1.10: the CAS goes _Psyscall → _Prunning on m.p, which the M kept; on failure m.p is dropped.
 */
function exitsyscallfast(rt: Runtime, mp: M, oldp: P | null): number {
  const keepMp = rt.config.rules.keepMpInSyscall;
  if (rt.sched.stopwait === freezeStopWait) {
    if (keepMp) mp.p = null;
    return -1;
  }
  if (oldp !== null && oldp.status === _Psyscall) {
    if (keepMp) {
      caspstatus(rt, oldp, _Psyscall, _Prunning);
      oldp.m = mp;
      rt.ev("exitsyscallfast", mp.curg, mp, oldp, "same-p");
    } else {
      caspstatus(rt, oldp, _Psyscall, _Pidle);
      rt.ev("exitsyscallfast", mp.curg, mp, oldp, "same-p");
      acquirep(rt, mp, oldp);
    }
    return exitsyscallfast_reacquired(rt, mp, oldp) ? takeBackNs(rt) : 0;
  }
  if (keepMp) mp.p = null;
  if (rt.sched.pidle !== null && exitsyscallfast_pidle(rt, mp)) return 0;
  return -1;
}

/**
 * exitsyscallfast_reacquired (proc.go): if p.syscalltick moved, the P was taken and is back in
 * _Psyscall for another M — we took it from that M's syscall (the ABA case); count it as a loss.
 * Returns whether it was (a take-back).
 */
function exitsyscallfast_reacquired(rt: Runtime, mp: M, pp: P): boolean {
  if (mp.syscalltick === pp.syscalltick) return false;
  rt.ev("exitsyscallfast_reacquired", mp.curg, mp, pp, "p-was-taken-meanwhile");
  pp.syscalltick++;
  return true;
}

/** exitsyscallfast_pidle (proc.go): take an idle P; wake sysmon if it sleeps deeply. */
function exitsyscallfast_pidle(rt: Runtime, mp: M): boolean {
  const pp = pidleget(rt);
  if (pp === null) return false;
  if (rt.sched.sysmonwait) sysmonNoteWakeup(rt);
  acquirep(rt, mp, pp);
  rt.ev("exitsyscallfast_pidle", mp.curg, mp, pp, "idle-p");
  return true;
}

/**
 * exitsyscall0 (proc.go, go1.19), the slow path on g0: the G becomes runnable and is unbound from
 * the M (dropg); with an idle P it runs at once, otherwise it waits in the *global* queue — no wakep —
 * and the M stops. (go1.26's exitsyscallNoP is the same, starting from _Grunning.)
 */
function exitsyscall0(rt: Runtime, mp: M): void {
  const gp = mp.curg;
  // _Gsyscall (go1.19), or _Grunning when go1.26's exitsyscall already CASed it back.
  const from = rt.gs.status[gp]!;
  casgstatus(rt, gp, from === _Gsyscall ? _Gsyscall : _Grunning, _Grunnable);
  dropg(rt, mp);
  casmstate(rt, mp, "syscall", "running");
  const pp = pidleget(rt);
  rt.ev(from === _Gsyscall ? "exitsyscall0" : "exitsyscallNoP", gp, mp, pp, pp === null ? "no-p" : "idle-p");
  if (pp === null) {
    globrunqput(rt, gp);
  } else if (rt.sched.sysmonwait) {
    sysmonNoteWakeup(rt);
  }
  if (pp !== null) {
    acquirep(rt, mp, pp);
    execute(rt, mp, gp, false);
    return;
  }
  // A locked G waits in the global queue for an M to hand its P to this one (stoplockedm).
  if (rt.gs.lockedm[gp] === mp.id) return stoplockedm(rt, mp);
  stopm(rt, mp);
}

// ─── go1.26+: no _Psyscall ──────────────────────────────────────────────────────────────────────

/**
 * takeP (proc.go, go1.26+): after winning the G's scan bit (setBlockOnExitSyscall), unlink a P from
 * the M whose G is in a syscall: p.m = m.p = 0, _Pidle, syscalltick++. The caller hands it off or
 * uses it.
 */
export function takeP(rt: Runtime, pp: P, why: ReasonOf<"takeP">): void {
  const holder = pp.m!;
  holder.p = null;
  pp.m = null;
  caspstatus(rt, pp, _Prunning, _Pidle);
  pp.syscalltick++;
  rt.ev("takeP", holder.curg, holder, pp, why);
}

/** setBlockOnExitSyscall's test (go1.26+): pp is running and its M's G is in a syscall. */
export function pInSyscall(rt: Runtime, pp: P): boolean {
  const mp = pp.m;
  return pp.status === _Prunning && mp !== null && mp.curg !== 0 && rt.gs.status[mp.curg] === _Gsyscall && mp.p === pp;
}

/**
 * exitsyscall (proc.go, go1.26+): CAS the G back to _Grunning; if the M still has its P nobody took
 * it (fast, no P atomics); else exitsyscallTryGetP — the old P back from whoever now holds it in a
 * syscall, or an idle P — else exitsyscallNoP.
 */
function exitsyscallNoPsyscall(rt: Runtime, mp: M): void {
  const gp = mp.curg;
  const oldp = mp.oldp;
  mp.oldp = null;
  let extraNs = 0;
  if (mp.p !== null) {
    rt.ev("exitsyscallfast", gp, mp, mp.p, "same-p");
  } else {
    extraNs = exitsyscallTryGetP(rt, mp, oldp);
    if (extraNs < 0) {
      casgstatus(rt, gp, _Gsyscall, _Grunning);
      return exitsyscall0(rt, mp);
    }
  }
  casmstate(rt, mp, "syscall", "running");
  exitsyscallTail(rt, mp, gp);
  gostepAfter(rt, mp, rt.config.costs.exitsyscallNs + extraNs);
}

/** Returns −1 without a P, else the CPU work of getting it beyond the fast path (a take-back's). */
function exitsyscallTryGetP(rt: Runtime, mp: M, oldp: P | null): number {
  if (oldp !== null && pInSyscall(rt, oldp)) {
    // The thread now holding our old P is itself in a syscall: take it back (its call loses the P).
    takeP(rt, oldp, "exitsyscallTryGetP");
    acquirep(rt, mp, oldp);
    rt.ev("exitsyscallTryGetP", mp.curg, mp, oldp, "old-p-from-syscall");
    return takeBackNs(rt);
  }
  const pp = pidleget(rt);
  if (pp === null) return -1;
  if (rt.sched.sysmonwait) sysmonNoteWakeup(rt);
  acquirep(rt, mp, pp);
  rt.ev("exitsyscallTryGetP", mp.curg, mp, pp, "idle-p");
  return 0;
}

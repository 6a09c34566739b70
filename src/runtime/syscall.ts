// The system-call path, after runtime/proc.go (go1.19): reentersyscall (entersyscall), its helpers
// entersyscall_sysmon and entersyscall_gcwait, entersyscallblock(+_handoff), exitsyscall with
// exitsyscallfast (+_reacquired, _pidle) and the slow path exitsyscall0; RawSyscall (no scheduler
// involvement) and cgocall (entersyscall/exitsyscall around the C call).
//
// A syscall is modeled as: entry at the op (state changes at once), then the thread is in the kernel
// for entersyscallNs + the call's duration (+ cgo's extra), then exitsyscall runs at return time.
import { sleepActualNs } from "./config.js";
import { sample } from "./program.js";
import type { Op } from "./ops.js";
import { Resume, acquirep, dropg, execute, handoffp, pidleget, releasep, stopm, stopwaitDone } from "./proc.js";
import { gostepAfter } from "./program.js";
import type { Runtime } from "./runtime.js";
import { _Grunnable, _Grunning, _Gsyscall, _Pgcstop, _Pidle, _Prunning, _Psyscall, freezeStopWait, type M, type P } from "./runtime2.js";
import { globrunqput } from "./runq.js";
import { sysmonNoteWakeup } from "./sysmon.js";

type SyscallOp = Extract<Op, { op: "syscall" | "rawSyscall" | "blockingSyscall" | "cgocall" }>;

/** Kernel time of one call: the sampled duration, stretched by the timer slack for a nanosleep. */
export function kernelNs(rt: Runtime, op: SyscallOp): number {
  const d = sample(rt, op.durationNs);
  return op.timing === "nanosleep" ? sleepActualNs(rt.config.machine, d) : d;
}

/** Syscall/Syscall6/Read/Write and cgocall: entersyscall, the kernel, then exitsyscall. */
export function syscallOp(rt: Runtime, mp: M, op: SyscallOp): void {
  const durationNs = kernelNs(rt, op);
  if (op.op === "blockingSyscall") entersyscallblock(rt, mp, op.site);
  else reentersyscall(rt, mp, op.op === "cgocall" ? "cgocall" : op.site);
  const extraNs = op.op === "cgocall" ? rt.config.costs.cgocallExtraNs : 0;
  rt.mAfter(mp, rt.config.costs.entersyscallNs + extraNs + durationNs, Resume.SyscallReturn);
}

/** RawSyscall/RawSyscall6: the G stays _Grunning and the M keeps its P for the whole call. */
export function rawSyscallOp(rt: Runtime, mp: M, op: SyscallOp): void {
  const durationNs = kernelNs(rt, op);
  mp.state = "rawsyscall";
  rt.ev("rawsyscall", mp.curg, mp, mp.p, -1, -1, op.site, durationNs);
  rt.mAfter(mp, durationNs, Resume.RawSyscallReturn);
}

export function rawSyscallReturn(rt: Runtime, mp: M): void {
  mp.state = "running";
  rt.ev("rawsyscall_return", mp.curg, mp, mp.p, -1, -1, "");
  gostepAfter(rt, mp, 0);
}

/**
 * reentersyscall (proc.go, go1.19): the G goes _Grunning → _Gsyscall; a deep-sleeping sysmon is woken
 * (a syscall P must be watched); the M snapshots p.syscalltick, unlinks from the P (p.m = 0,
 * m.oldp = p, m.p = 0) and the P becomes _Psyscall — still attached by affinity, so exitsyscall can
 * take it back cheaply unless sysmon, a stop-the-world or forEachP takes it first.
 */
export function reentersyscall(rt: Runtime, mp: M, site: string): void {
  const gp = mp.curg;
  const pp = mp.p!;
  const gs = rt.gs;
  gs.status[gp] = _Gsyscall;
  gs.inSyscall[gp] = 1;
  if (rt.sched.sysmonwait) entersyscall_sysmon(rt, mp);
  mp.syscalltick = pp.syscalltick;
  pp.m = null;
  mp.oldp = pp;
  mp.p = null;
  pp.status = _Psyscall;
  mp.state = "syscall";
  rt.ev("entersyscall", gp, mp, pp, _Grunning, _Prunning, site, pp.syscalltick);
  if (rt.sched.gcwaiting) entersyscall_gcwait(rt, mp);
}

/** entersyscall_sysmon (proc.go): wake sysmon from its deep sleep. */
function entersyscall_sysmon(rt: Runtime, mp: M): void {
  rt.ev("entersyscall_sysmon", mp.curg, mp, mp.p, -1, -1, "");
  sysmonNoteWakeup(rt);
}

/** entersyscall_gcwait (proc.go): a stop-the-world is pending, so give the P up for it at once. */
function entersyscall_gcwait(rt: Runtime, mp: M): void {
  const pp = mp.oldp!;
  if (rt.sched.stopwait > 0 && pp.status === _Psyscall) {
    pp.status = _Pgcstop;
    pp.syscalltick++;
    rt.ev("entersyscall_gcwait", mp.curg, mp, pp, -1, _Psyscall, "");
    stopwaitDone(rt);
  }
}

/**
 * entersyscallblock (proc.go): for calls known to block. The P is handed off at once
 * (entersyscallblock_handoff: handoffp(releasep())) and m.oldp is not set, so the exit can only get an
 * idle P or take the slow path.
 */
function entersyscallblock(rt: Runtime, mp: M, site: string): void {
  const gp = mp.curg;
  const pp = mp.p!;
  mp.syscalltick = pp.syscalltick;
  pp.syscalltick++;
  rt.gs.status[gp] = _Gsyscall;
  rt.gs.inSyscall[gp] = 1;
  mp.state = "syscall";
  rt.ev("entersyscallblock", gp, mp, pp, _Grunning, -1, site);
  handoffp(rt, releasep(rt, mp), "entersyscallblock");
}

/**
 * exitsyscall (proc.go, go1.19) at the kernel's return: the fast path re-acquires a P
 * (exitsyscallfast) and the G runs on; otherwise the slow path exitsyscall0 queues it globally.
 */
export function exitsyscall(rt: Runtime, mp: M): void {
  const gp = mp.curg;
  const oldp = mp.oldp;
  mp.oldp = null;
  if (exitsyscallfast(rt, mp, oldp)) {
    mp.state = "running";
    exitsyscallTail(rt, mp, gp);
    gostepAfter(rt, mp, rt.config.costs.exitsyscallNs);
    return;
  }
  exitsyscall0(rt, mp);
}

/** The end of exitsyscall once the G has a P again: p.syscalltick++, _Gsyscall → _Grunning. */
export function exitsyscallTail(rt: Runtime, mp: M, gp: number): void {
  const gs = rt.gs;
  const pp = mp.p!;
  pp.syscalltick++;
  const from = gs.status[gp]!;
  gs.status[gp] = _Grunning;
  gs.inSyscall[gp] = 0;
  rt.ev("exitsyscall", gp, mp, pp, from, -1, from === _Gsyscall ? "fast" : "rescheduled");
}

/**
 * exitsyscallfast (proc.go, go1.19): take the old P back if it is still _Psyscall (CAS to _Pidle,
 * then wirep), else any idle P; false if neither.
 */
function exitsyscallfast(rt: Runtime, mp: M, oldp: P | null): boolean {
  if (rt.sched.stopwait === freezeStopWait) return false;
  if (oldp !== null && oldp.status === _Psyscall) {
    oldp.status = _Pidle;
    acquirep(rt, mp, oldp);
    rt.ev("exitsyscallfast", mp.curg, mp, oldp, -1, _Psyscall, "same-p");
    exitsyscallfast_reacquired(rt, mp, oldp);
    return true;
  }
  if (rt.sched.pidle !== null && exitsyscallfast_pidle(rt, mp)) return true;
  return false;
}

/**
 * exitsyscallfast_reacquired (proc.go): if p.syscalltick moved, the P was taken and is back in
 * _Psyscall for another M — we took it from that M's syscall (the ABA case); count it as a loss.
 */
function exitsyscallfast_reacquired(rt: Runtime, mp: M, pp: P): void {
  if (mp.syscalltick !== pp.syscalltick) {
    rt.ev("exitsyscallfast_reacquired", mp.curg, mp, pp, -1, -1, "p-was-taken-meanwhile");
    pp.syscalltick++;
  }
}

/** exitsyscallfast_pidle (proc.go): take an idle P; wake sysmon if it sleeps deeply. */
function exitsyscallfast_pidle(rt: Runtime, mp: M): boolean {
  const pp = pidleget(rt);
  if (pp === null) return false;
  if (rt.sched.sysmonwait) sysmonNoteWakeup(rt);
  acquirep(rt, mp, pp);
  rt.ev("exitsyscallfast_pidle", mp.curg, mp, pp, -1, -1, "idle-p");
  return true;
}

/**
 * exitsyscall0 (proc.go, go1.19), the slow path on g0: the G becomes runnable and is unbound from
 * the M (dropg); with an idle P it runs at once, otherwise it waits in the *global* queue — no wakep —
 * and the M stops.
 */
function exitsyscall0(rt: Runtime, mp: M): void {
  const gp = mp.curg;
  rt.gs.status[gp] = _Grunnable;
  dropg(rt, mp);
  mp.state = "running";
  const pp = pidleget(rt);
  rt.ev("exitsyscall0", gp, mp, pp, _Gsyscall, -1, pp === null ? "no-p" : "idle-p");
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
  stopm(rt, mp);
}

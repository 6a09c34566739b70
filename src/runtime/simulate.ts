// Starting the simulated process and running it: schedinit/procresize, m0 and sysmon, the main
// goroutine, then the event loop that dispatches each engine event to the runtime actor it wakes.
import { InvariantError } from "../base/assert.js";
import { RuntimeFatal, SimulationLimit } from "../base/errors.js";
import type { RuntimeConfig } from "./config.js";
import { kDone, kSlice, kStepEnd, kTimer, kPick, kTick, kWake } from "./kernel.js";
import type { Program } from "./ops.js";
import {
  Resume,
  acquirep,
  allocm,
  doSigPreempt,
  mcount,
  mput,
  mstartOrWake,
  newproc,
  pidleput,
  schedule,
  stealSleepDone,
} from "./proc.js";
import { gostep } from "./program.js";
import { casmstate } from "./status.js";
import { Ev, Runtime, type StoppedBy } from "./runtime.js";
import type { M } from "./runtime2.js";
import { gcParkCaller, gcStep } from "./stw.js";
import { exitsyscall, rawSyscallReturn } from "./syscall.js";
import { syscallThreadDone } from "./syscall_thread.js";
import { netReady, netpollWoken } from "./netpoll.js";
import { lockedmWoken } from "./lockosthread.js";
import { sysmonStart, sysmonWake } from "./sysmon.js";

export interface SimulationResult {
  readonly stoppedBy: StoppedBy;
  readonly endTimeNs: number;
  readonly eventCount: number;
  /** What the Go runtime would have printed for a fatal condition, or null. */
  readonly fatal: string | null;
  /** With stoppedBy "max-goroutines": the cap that stopped the run, in words. */
  readonly limit?: string;
}

/**
 * Idle Ms a real program has at main's start besides m0 and sysmon, at most: the wakeps of the
 * runtime's own start-up goroutines (bgsweep, bgscavenge, forcegc) start one M per idle P they find,
 * no more than there are of them. Measured as threads peak − threads created in every loop cell of the
 * four stored matrices (Go 1.19–1.27, no thread exits): 3, 4, 4–6 and 5–6 threads in all at GOMAXPROCS
 * 1, 2, 4 and 8–32 — m0 + sysmon + 1, 2, 2–4 and 3–4.
 */
const startUpIdleThreadsMax = 3;

/** schedinit + runtime.main's start: m0 runs P0, the other Ps idle, sysmon starts, main is queued. */
export function createRuntime(config: RuntimeConfig, main: Program, setup?: (rt: Runtime) => void): Runtime {
  const rt = new Runtime(config);
  registerHandlers(rt);
  setup?.(rt);
  const m0 = allocm(rt);
  casmstate(rt, m0, "starting", "running");
  // procresize: P0 for the current M; the rest onto the idle list, highest id first (so P1 is on top).
  for (let i = config.gomaxprocs - 1; i >= 1; i--) pidleput(rt, rt.allp[i]!);
  acquirep(rt, m0, rt.allp[0]!);
  // The os package's init has made its syscalls on P0 by main.main (Rules.initSyscallsOnP0).
  rt.allp[0]!.syscalltick = config.rules.initSyscallsOnP0;
  // runtime.main: newm(sysmon, nil, -1) — a system M that never holds a P.
  const sysmon = allocm(rt);
  casmstate(rt, sysmon, "starting", "sysmon");
  rt.sched.nmsys++;
  rt.sysmonM = sysmon;
  rt.ev("newm", 0, sysmon, null, "sysmon", 2);
  sysmonStart(rt);
  // Threads left from start-up, parked on the idle M list (see RuntimeConfig.startIdleThreads).
  const idleThreads = config.startIdleThreads < 0 ? Math.min(config.gomaxprocs, startUpIdleThreadsMax) : config.startIdleThreads;
  for (let i = 0; i < idleThreads; i++) {
    const mp = allocm(rt);
    rt.ev("newm", 0, mp, null, "start-up", mcount(rt));
    // It ran (mstart, schedule) and found nothing to do (stopm).
    casmstate(rt, mp, "starting", "running");
    mput(rt, mp);
  }
  rt.mainG = newproc(rt, main, rt.allp[0]!, 0);
  rt.mAfter(m0, 0, Resume.Schedule);
  return rt;
}

/** Runs until main returns, a stop condition, or a fatal runtime error. */
export function run(rt: Runtime): SimulationResult {
  advance(rt, Infinity);
  return finish(rt);
}

/**
 * Runs at most `events` more engine events; true once the run has stopped. A caller that must stay
 * responsive (the CLI handling Ctrl-C) runs slices and yields between them; the events are the same.
 */
export function advance(rt: Runtime, events: number): boolean {
  const { maxTimeNs, maxEvents } = rt.config;
  const sliceEnd = Math.min(maxEvents, rt.eventCount + events);
  try {
    const why = rt.engine.run(maxTimeNs, sliceEnd);
    if (why === "max-events" && rt.eventCount < maxEvents) return false;
    if (why === "empty") {
      rt.stoppedBy = "deadlock";
      rt.fatal = "fatal error: all goroutines are asleep - deadlock!";
    } else if (why !== "stopped") rt.stoppedBy = why;
  } catch (e) {
    if (e instanceof InvariantError) e.addContext(`at ${rt.nowNs} ns (engine event ${rt.eventCount}), seed ${rt.config.seed}, ${rt.config.profile}, GOMAXPROCS ${rt.gomaxprocs}`);
    if (e instanceof SimulationLimit) {
      rt.stoppedBy = e.stoppedBy;
      rt.limit = e.message;
    } else {
      if (!(e instanceof RuntimeFatal)) throw e;
      rt.stoppedBy = "fatal";
      rt.fatal = e.goMessage;
    }
  }
  return true;
}

/** Ends a stopped run: observers flush, the result. */
export function finish(rt: Runtime): SimulationResult {
  rt.endObservers();
  return { stoppedBy: rt.stoppedBy!, endTimeNs: rt.nowNs, eventCount: rt.eventCount, fatal: rt.fatal, ...(rt.limit !== null ? { limit: rt.limit } : {}) };
}

/** The runtime's handler for each engine event kind: the actor the event wakes. */
function registerHandlers(rt: Runtime): void {
  const on = (kind: Ev, handle: (target: number, token: number) => void): void => rt.engine.on(kind, handle);
  on(Ev.M, (target, token) => {
    const mp = rt.allm[target]!;
    if (token === mp.gen) resumeM(rt, mp);
  });
  on(Ev.Sysmon, (target, token) => sysmonWake(rt, target, token));
  // A thread's CPU work is done: its step (an M's resume or a sysmon pass) runs now, on its CPU.
  on(Ev.KDone, (target, token) => {
    const t = kDone(rt, target, token);
    if (t === null) return;
    rt.kernel.current = t;
    if (t.evKind === Ev.M) {
      const mp = rt.allm[t.evTarget]!;
      if (t.evToken === mp.gen) resumeM(rt, mp);
    } else sysmonWake(rt, t.evTarget, t.evToken);
    rt.kernel.current = null;
    kStepEnd(rt, t);
  });
  on(Ev.KWake, (target, token) => kWake(rt, target, token));
  on(Ev.KSlice, (target, token) => kSlice(rt, target, token));
  on(Ev.KTimer, (target, token) => kTimer(rt, target, token));
  on(Ev.KPick, (target, token) => kPick(rt, target, token));
  on(Ev.KTick, (target, token) => kTick(rt, target, token));
  on(Ev.Gc, (target, token) => gcStep(rt, target, token));
  on(Ev.Signal, (target, token) => doSigPreempt(rt, rt.allm[target]!, token, false));
  on(Ev.Prologue, (target, token) => doSigPreempt(rt, rt.allm[target]!, token, true));
  on(Ev.SyscallThread, (target, token) => syscallThreadDone(rt, target, token));
  on(Ev.NetReady, (target, token) => netReady(rt, target, token));
}

/** An M's pending step fires: continue where it left off (proc.ts Resume). */
function resumeM(rt: Runtime, mp: M): void {
  switch (mp.resume as Resume) {
    case Resume.MStart:
    case Resume.Woken:
      return mstartOrWake(rt, mp);
    case Resume.Schedule:
      return schedule(rt, mp);
    case Resume.Op:
      mp.computingG = 0;
      return gostep(rt, mp);
    case Resume.SyscallReturn:
      return exitsyscall(rt, mp);
    case Resume.RawSyscallReturn:
      return rawSyscallReturn(rt, mp);
    case Resume.StealSleepDone:
      return stealSleepDone(rt, mp);
    case Resume.GcPark:
      return gcParkCaller(rt, mp);
    case Resume.NetpollWoken:
      return netpollWoken(rt, mp);
    case Resume.LockedWoken:
      return lockedmWoken(rt, mp);
  }
  throw new InvariantError(`M${mp.id}: unknown resume ${mp.resume}`);
}

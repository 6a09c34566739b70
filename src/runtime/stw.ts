// Stop-the-world and the GC cycle around it, after runtime/proc.go (stopTheWorldWithSema,
// startTheWorldWithSema, procresize) and mgc.go (gcStart, gcMarkDone), go1.19.
//
// A cycle: (1) sweep termination — the G that starts the cycle stops the world on its own M, works
// gcSweepTermNs, starts the world; (2) concurrent mark for gcMarkNs; (3) mark termination — a second
// stop-the-world, gcMarkTermNs of work, start the world; runtime.GC() callers then resume.
//
// Stopping: gcwaiting is set, every running G is asked to preempt, the caller's own P, every _Psyscall
// P (a syscall is never waited for) and every idle P are stopped at once; running Ps stop themselves
// in findRunnable (gcstopm) or handoffp; the initiator sleeps on stopnote in 100 µs slices,
// re-preempting all on each timeout.
//
// Mark workers and forEachP are modeled in gcwork.ts. Fidelity (docs/model.md): mark assists are not
// modeled; the mark termination stop-the-world is initiated by the GC itself rather than by a worker
// goroutine on a P; the GC's own work (gcSweepTermNs, gcMarkTermNs) is not charged to a CPU.
import { casmstate, caspstatus } from "./status.js";
import { Resume, gopark, newm, pidleget, pidleput, preemptone, ready, wakep } from "./proc.js";
import { gostepAfter } from "./program.js";
import { Ev, type Runtime } from "./runtime.js";
import { WaitReason, _Gwaiting, _Pgcstop, _Pidle, _Prunning, _Psyscall, nilG, type M, type P } from "./runtime2.js";
import { runqempty } from "./runq.js";
import { sysmonNoteWakeup } from "./sysmon.js";
import { pInSyscall } from "./syscall.js";
import { forEachP, gcMarkStart, stopMarkWorkers } from "./gcwork.js";
import { injectglist, netpoll } from "./netpoll.js";

/** The target field of an Ev.Gc event. */
const enum GcStep {
  /** stopwait reached 0 and the initiator was woken. */
  Stopped = 0,
  /** The initiator's 100 µs notetsleep on stopnote timed out. */
  StopTimeout = 1,
  /** The work done while the world is stopped is over. */
  StoppedWorkDone = 2,
  /** Concurrent mark is over. */
  MarkDone = 3,
}

const stopWaitSliceNs = 100_000;

/** gcStart: from runtime.GC() (wait = true) or an allocation crossing the heap goal. */
export function gcStart(rt: Runtime, mp: M, wait: boolean): void {
  const gc = rt.gc;
  const gp = mp.curg;
  if (gc.phase !== "off") {
    // A cycle is already running: runtime.GC() waits for it, an allocation just goes on.
    if (wait) parkOnGc(rt, mp);
    else gostepAfter(rt, mp, rt.config.costs.syncOpNs);
    return;
  }
  gc.cycles++;
  gc.phase = "stw1";
  gc.initiator = mp;
  gc.starter = wait ? gp : nilG;
  rt.ev("gcStart", gp, mp, mp.p, wait ? "runtime.GC" : "heap-goal", gc.cycles);
  casmstate(rt, mp, "running", "stw");
  stopTheWorldWithSema(rt, mp);
}

/**
 * A GC cycle started by a thread the model does not run (runtime.GC or ReadMemStats on another M,
 * the forcegc helper): its stop-the-world arrives now, wherever the Ms are. Buggify (buggify.ts)
 * calls it between the steps of the syscall path; the cycle then runs as any other, with the GC's
 * own actor as initiator (as mark termination already is). False if a cycle is running. `site` says
 * who started it (the event's reason is "elsewhere").
 */
export function gcStartElsewhere(rt: Runtime, site: string): boolean {
  const gc = rt.gc;
  if (gc.phase !== "off") return false;
  gc.cycles++;
  gc.phase = "stw1";
  gc.initiator = null;
  gc.starter = nilG;
  rt.ev("gcStart", nilG, null, null, "elsewhere", site, gc.cycles);
  stopTheWorldWithSema(rt, null);
  return true;
}

function parkOnGc(rt: Runtime, mp: M): void {
  const gp = mp.curg;
  rt.gs.schedlink[gp] = rt.gc.waiters;
  rt.gc.waiters = gp;
  gopark(rt, mp, WaitReason.GCWait);
}

/** preemptall (proc.go): preemptone on every running P. */
function preemptall(rt: Runtime, self: M | null): void {
  for (const pp of rt.allp) if (pp.status === _Prunning) preemptone(rt, pp, self);
}

/** stopTheWorldWithSema (proc.go): mp is the initiator, or null for the GC's own actor. */
function stopTheWorldWithSema(rt: Runtime, mp: M | null): void {
  const s = rt.sched;
  const gc = rt.gc;
  gc.gen++;
  gc.stwStartNs = rt.nowNs;
  s.stopwait = rt.gomaxprocs;
  s.gcwaiting = true;
  rt.ev("stopTheWorldWithSema", mp?.curg ?? nilG, mp, mp?.p ?? null, "begin", s.stopwait);
  preemptall(rt, mp);
  if (mp !== null && mp.p !== null) {
    const own = mp.p;
    caspstatus(rt, own, _Prunning, _Pgcstop);
    s.stopwait--;
  }
  for (const pp of rt.allp) {
    if (pp.status === _Psyscall) {
      // A syscall is never waited for: its P is taken at once.
      caspstatus(rt, pp, _Psyscall, _Pgcstop);
      pp.syscalltick++;
      s.stopwait--;
      rt.ev("stopTheWorldWithSema", nilG, null, pp, "took-syscall-p");
    } else if (rt.config.rules.syscallP === "running" && pp !== mp?.p && pInSyscall(rt, pp)) {
      // go1.26+ gcstopP: claim the G's scan bit, unlink the P from its M, _Pgcstop.
      const holder = pp.m!;
      holder.p = null;
      pp.m = null;
      caspstatus(rt, pp, _Prunning, _Pgcstop);
      pp.syscalltick++;
      s.stopwait--;
      rt.ev("stopTheWorldWithSema", nilG, holder, pp, "took-syscall-p");
    }
  }
  for (let pp = pidleget(rt); pp !== null; pp = pidleget(rt)) {
    caspstatus(rt, pp, _Pidle, _Pgcstop);
    s.stopwait--;
  }
  if (s.stopwait === 0) rt.queue.push(rt.nowNs, Ev.Gc, GcStep.Stopped, gc.gen);
  else rt.queue.push(rt.nowNs + stopWaitSliceNs, Ev.Gc, GcStep.StopTimeout, gc.gen);
}

/** Ev.Gc. */
export function gcStep(rt: Runtime, step: number, token: number): void {
  const gc = rt.gc;
  if (token !== gc.gen || rt.stoppedBy !== null) return;
  const costs = rt.config.costs;
  switch (step) {
    case GcStep.StopTimeout:
      if (rt.sched.stopwait === 0) return; // the Stopped event is on its way
      preemptall(rt, gc.initiator);
      rt.queue.push(rt.nowNs + stopWaitSliceNs, Ev.Gc, GcStep.StopTimeout, gc.gen);
      return;
    case GcStep.Stopped:
      if (rt.sched.stopwait !== 0) return;
      gc.gen++;
      rt.ev("stopTheWorldWithSema", nilG, gc.initiator, null, "stopped", rt.nowNs - gc.stwStartNs);
      rt.queue.push(rt.nowNs + (gc.phase === "stw1" ? costs.gcSweepTermNs : costs.gcMarkTermNs), Ev.Gc, GcStep.StoppedWorkDone, gc.gen);
      return;
    case GcStep.StoppedWorkDone: {
      gc.gen++;
      const mp = gc.initiator;
      // gcStart: _GCmark and gcBlackenEnabled before the world restarts, so workers run at once.
      const marking = gc.phase === "stw1";
      if (marking) {
        gc.phase = "mark";
        gcMarkStart(rt);
      }
      startTheWorldWithSema(rt, mp);
      if (marking) {
        // 1 ns after marking ends, so the mark workers finish their work and park first.
        rt.queue.push(gc.markEndNs + 1, Ev.Gc, GcStep.MarkDone, gc.gen);
        if (mp !== null) {
          casmstate(rt, mp, "stw", "running");
          if (gc.starter !== nilG && mp.curg === gc.starter) {
            // runtime.GC: gcWaitOnMark — the caller sleeps until the cycle ends.
            rt.mAfter(mp, 0, Resume.GcPark);
          } else gostepAfter(rt, mp, 0);
        }
      } else {
        gcCycleEnd(rt);
      }
      return;
    }
    case GcStep.MarkDone:
      gc.gen++;
      rt.ev("gcMarkDone", nilG, null, null);
      // gcMarkDone: the workers stop, every P's buffers are flushed with forEachP, the world stops.
      stopMarkWorkers(rt);
      forEachP(rt);
      gc.phase = "stw2";
      gc.initiator = null;
      stopTheWorldWithSema(rt, null);
      return;
  }
}

/** Resume.GcPark: the runtime.GC() caller waits for the end of the cycle. */
export function gcParkCaller(rt: Runtime, mp: M): void {
  parkOnGc(rt, mp);
}

function gcCycleEnd(rt: Runtime): void {
  const gc = rt.gc;
  gc.phase = "off";
  gc.lastEndNs = rt.nowNs;
  const settings = rt.config.gc;
  const marked = Math.min(gc.heapLiveBytes, settings.liveHeapBytes);
  gc.heapLiveBytes = marked;
  gc.heapGoalBytes = Math.max(settings.minHeapBytes, Math.floor(marked * (1 + settings.gogc / 100)));
  // Wake runtime.GC() callers (no P here: they go to the global queue and wakep finds them an M).
  let gp = gc.waiters;
  gc.waiters = nilG;
  while (gp !== nilG) {
    const next = rt.gs.schedlink[gp]!;
    rt.gs.schedlink[gp] = nilG;
    if (rt.gs.status[gp] === _Gwaiting) ready(rt, gp, null);
    gp = next;
  }
}

/**
 * startTheWorldWithSema (proc.go) with procresize: the initiator's P runs again; Ps with local work
 * get an idle M (or a new one), the others go idle; gcwaiting clears, sysmon is woken, and wakep
 * starts one spinning M for any global work.
 */
function startTheWorldWithSema(rt: Runtime, mp: M | null): void {
  const s = rt.sched;
  // netpoll(0) + injectglist: goroutines whose fds became ready during the stop go to the global queue.
  if (rt.netpoll.inited && rt.netpoll.blockedM === null) injectglist(rt, netpoll(rt), null);
  const runnable: P[] = [];
  for (let i = rt.gomaxprocs - 1; i >= 0; i--) {
    const pp = rt.allp[i]!;
    if (mp !== null && mp.p === pp) {
      caspstatus(rt, pp, _Pgcstop, _Prunning);
      continue;
    }
    caspstatus(rt, pp, _Pgcstop, _Pidle);
    if (runqempty(pp)) pidleput(rt, pp);
    else runnable.push(pp);
  }
  s.gcwaiting = false;
  s.stopwait = 0;
  rt.ev("startTheWorldWithSema", mp?.curg ?? nilG, mp, mp?.p ?? null, rt.nowNs - rt.gc.stwStartNs);
  sysmonNoteWakeup(rt);
  for (const pp of runnable) startMForP(rt, pp);
  wakep(rt);
}

function startMForP(rt: Runtime, pp: P): void {
  const s = rt.sched;
  const nmp = s.midle;
  if (nmp === null) {
    newm(rt, false, pp);
    return;
  }
  s.midle = nmp.schedlink;
  nmp.schedlink = null;
  s.nmidle--;
  nmp.nextp = pp;
  casmstate(rt, nmp, "idle", "waking");
  rt.ev("notewakeup", nilG, nmp, pp, "m.park");
  rt.mWake(nmp, Resume.Woken);
}

/** Allocation: heap grows; crossing the goal starts a cycle (the allocating G continues after STW 1). */
export function allocOp(rt: Runtime, mp: M, bytes: number): void {
  const gc = rt.gc;
  if (gc.heapGoalBytes === 0) gc.heapGoalBytes = rt.config.gc.minHeapBytes;
  gc.heapLiveBytes += bytes;
  if (gc.phase === "off" && gc.heapLiveBytes >= gc.heapGoalBytes) {
    gcStart(rt, mp, false);
    return;
  }
  gostepAfter(rt, mp, rt.config.costs.syncOpNs);
}

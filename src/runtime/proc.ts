// The scheduler, after runtime/proc.go (go1.19): Ms, Ps and the loop that matches them to runnable
// goroutines — schedule, findRunnable, stealWork, execute, wakep, startm, stopm, newm, handoffp,
// acquirep, releasep, pidleput/pidleget, mput/mget, resetspinning, newproc, goexit0, gopark, ready,
// goschedImpl, gopreempt_m, checkdead.
//
// Time: runtime code runs in zero simulated time at an event; what takes time is charged as CPU work
// of the M's thread before its next step (Costs, run on the machine's CPUs by kernel.ts) or as an
// off-CPU wait (a sleep, a wake-up's latency: machine.ts). An M's step is one of the Resume codes below.
//
// Modeled elsewhere: the network poller (netpoll.ts), LockOSThread (lockosthread.ts), GC workers and
// the forcegc helper (gcwork.ts), timers (time.ts). Left out (docs/model.md): the trace reader,
// bgsweep and the scavenger, safe-point functions other than forEachP's.
import { casgstatus, casmstate, caspstatus } from "./status.js";
import { RuntimeFatal, SimulationLimit } from "../base/errors.js";
import { formatBytes, goroutineBytes } from "../base/limits.js";
import { assert, InvariantError } from "../base/assert.js";
import type { ReasonOf } from "./events.js";
import type { Program } from "./ops.js";
import { cpuRemove } from "./cpu.js";
import { Ev, type Runtime } from "./runtime.js";
import {
  _Gdead,
  _Grunnable,
  _Grunning,
  _Gsyscall,
  _Gwaiting,
  _Pgcstop,
  _Pidle,
  _Prunning,
  M,
  nilG,
  noM,
  type P,
  type WaitReason,
} from "./runtime2.js";
import { globrunqget, globrunqput, runqempty, runqget, runqput, runqstealRing } from "./runq.js";
import { gostep, programStart } from "./program.js";
import { exitsyscallTail } from "./syscall.js";
import { netpollBlock, netpollBreakBefore, netpollNonBlocking } from "./netpoll.js";
import { mexit, startlockedm, stoplockedm } from "./lockosthread.js";
import { findRunnableGCWorker, gcMarkWorkAvailable } from "./gcwork.js";
import { anyTimers, checkTimers, nextTimerNs, wakeNetPoller } from "./time.js";
import { futexWakeUnplacedNs, preemptSignalNs, threadStartNs } from "./machine.js";
import { kCharge } from "./kernel.js";

/** What an M does when its pending engine event fires. */
export const enum Resume {
  /** A new thread runs mstart: acquirep(nextp), then schedule. */
  MStart = 1,
  /** Woken from stopm: acquirep(nextp), then schedule (findRunnable's `goto top`). */
  Woken,
  /** Run schedule() (after its cost). */
  Schedule,
  /** The current G continues with its next op. */
  Op,
  /** The kernel returned from a Syscall/cgo call: exitsyscall. */
  SyscallReturn,
  /** The kernel returned from a RawSyscall: the G just continues. */
  RawSyscallReturn,
  /** runqgrab's usleep(3) before stealing runnext is over. */
  StealSleepDone,
  /** runtime.GC()'s caller, after the first stop-the-world, waits for the cycle (stw.ts). */
  GcPark,
  /** epoll_wait returned for the M blocked in netpoll (netpoll.ts). */
  NetpollWoken,
  /** A locked M woken by startlockedm: acquirep(nextp), execute(lockedg) (lockosthread.ts). */
  LockedWoken,
}

// ─── P and M lists ──────────────────────────────────────────────────────────────────────────────

/** pidleput (proc.go): put pp on the idle list; its run queue must be empty. */
export function pidleput(rt: Runtime, pp: P): void {
  if (!runqempty(pp)) throw new InvariantError("pidleput: P has non-empty run queue");
  // Go's callers store _Pidle first (releasep, retake's CAS, startTheWorld); here pidleput does it.
  const from = pp.status;
  if (from !== _Pidle) caspstatus(rt, pp, from, _Pidle);
  pp.link = rt.sched.pidle;
  rt.sched.pidle = pp;
  rt.sched.npidle++;
  pp.onIdleList = true;
  if (from !== _Pidle) rt.ev("releasep", nilG, null, pp, "pidleput");
}

/** pidleget (proc.go): take a P from the idle list (LIFO), or null. */
export function pidleget(rt: Runtime): P | null {
  const pp = rt.sched.pidle;
  if (pp === null) return null;
  rt.sched.pidle = pp.link;
  pp.onIdleList = false;
  pp.link = null;
  rt.sched.npidle--;
  return pp;
}

/** mput (proc.go): put mp on the idle M list, then checkdead. */
export function mput(rt: Runtime, mp: M): void {
  mp.schedlink = rt.sched.midle;
  rt.sched.midle = mp;
  rt.sched.nmidle++;
  casmstate(rt, mp, "running", "idle");
  checkdead(rt);
}

/** mget (proc.go): take an idle M (LIFO), or null. */
function mget(rt: Runtime): M | null {
  const mp = rt.sched.midle;
  if (mp === null) return null;
  rt.sched.midle = mp.schedlink;
  mp.schedlink = null;
  rt.sched.nmidle--;
  return mp;
}

export function mcount(rt: Runtime): number {
  return rt.sched.mnext - rt.sched.nmfreed;
}

// ─── acquirep / releasep ────────────────────────────────────────────────────────────────────────

/** acquirep/wirep (proc.go): associate pp (which must be _Pidle with no M) with mp and run it. */
export function acquirep(rt: Runtime, mp: M, pp: P): void {
  if (mp.p !== null || pp.m !== null || pp.status !== _Pidle) {
    throw new InvariantError(`wirep: invalid p state (M${mp.id} P${pp.id} status=${pp.status})`);
  }
  mp.p = pp;
  pp.m = mp;
  caspstatus(rt, pp, _Pidle, _Prunning);
  rt.ev("acquirep", nilG, mp, pp);
}

/** releasep (proc.go): disassociate mp from its P, which becomes _Pidle (not yet on the idle list). */
export function releasep(rt: Runtime, mp: M): P {
  const pp = mp.p;
  if (pp === null || pp.m !== mp || pp.status !== _Prunning) throw new InvariantError("releasep: invalid arg");
  mp.p = null;
  pp.m = null;
  caspstatus(rt, pp, _Prunning, _Pidle);
  rt.ev("releasep", nilG, mp, pp, "");
  return pp;
}

// ─── Threads ────────────────────────────────────────────────────────────────────────────────────

/**
 * mReserveID/checkmcount (proc.go): every new M's id is checked against sched.maxmcount; the
 * 10001st thread is fatal.
 */
function mReserveID(rt: Runtime): number {
  const id = rt.sched.mnext++;
  if (mcount(rt) > rt.sched.maxmcount) {
    throw new RuntimeFatal(
      `runtime: program exceeds ${rt.sched.maxmcount}-thread limit\nfatal error: thread exhaustion`,
      rt.nowNs,
    );
  }
  return id;
}

/** The M for m0 (the main thread) or sysmon: created at start-up, not by newm's clone path. */
export function allocm(rt: Runtime): M {
  const id = mReserveID(rt);
  const mp = new M(id, rt.kernel.thread(id));
  rt.allm.push(mp);
  return mp;
}

/**
 * newm (proc.go): create a thread that will run with pp; `spinning` is mspinning (the caller already
 * counted it in nmspinning). The thread runs after the clone and start latency.
 */
export function newm(rt: Runtime, spinning: boolean, pp: P | null): M {
  const mp = allocm(rt);
  mp.nextp = pp;
  // Fidelity: Go sets m.spinning when the new thread runs mspinning; we set it at creation so that
  // nmspinning always equals the number of spinning Ms.
  mp.spinning = spinning; // allocm's M is "starting"
  rt.ev("newm", nilG, mp, pp, spinning ? "spinning" : "", mcount(rt));
  // clone() runs on the creating thread's CPU; the new thread becomes runnable after its start latency
  // and then runs mstart/minit on a CPU.
  if (rt.kernel.current !== null) kCharge(rt, rt.kernel.current, rt.config.costs.cloneNs);
  rt.mSleep(mp, threadStartNs(rt), Resume.MStart, rt.config.costs.mstartNs);
  return mp;
}

/** notewakeup(&mp.park): the parked M runs after the futex wake-up latency. */
function notewakeupM(rt: Runtime, mp: M): void {
  casmstate(rt, mp, "idle", "waking");
  rt.ev("notewakeup", nilG, mp, mp.nextp, "m.park");
  rt.mWake(mp, Resume.Woken);
}

/**
 * startm (proc.go): run pp (or an idle P if pp is null) on some M — an idle one woken, or a new
 * thread. With spinning, the caller has incremented nmspinning; if no P is free that is undone.
 */
export function startm(rt: Runtime, pp: P | null, spinning: boolean, reason: ReasonOf<"startm">): void {
  if (pp === null) {
    pp = pidleget(rt);
    if (pp === null) {
      if (spinning) rt.sched.nmspinning--;
      return;
    }
  }
  const nmp = mget(rt);
  rt.ev("startm", nilG, nmp, pp, reason, spinning);
  if (nmp === null) {
    newm(rt, spinning, pp);
    return;
  }
  assert(!nmp.spinning && nmp.nextp === null, "startm: m is spinning or has nextp");
  nmp.spinning = spinning;
  nmp.nextp = pp;
  notewakeupM(rt, nmp);
}

/** stopm (proc.go): park mp on the idle list until startm hands it a P. */
export function stopm(rt: Runtime, mp: M): void {
  assert(mp.p === null && !mp.spinning, "stopm: holding p or spinning");
  rt.ev("stopm", nilG, mp, null);
  mput(rt, mp);
  rt.mWait(mp);
}

/** Resume.MStart / Resume.Woken: the M got a P via nextp and goes to schedule. */
export function mstartOrWake(rt: Runtime, mp: M): void {
  const pp = mp.nextp;
  mp.nextp = null;
  casmstate(rt, mp, mp.resume === Resume.MStart ? "starting" : "waking", "running");
  if (pp === null) throw new InvariantError(`mstart: M${mp.id} has no nextp`);
  acquirep(rt, mp, pp);
  schedule(rt, mp);
}

/**
 * handoffp (proc.go, go1.19): pp has no M (taken from a syscall, or released by a blocking call).
 * Start an M for it if there is work or nobody could notice new work; otherwise it goes idle.
 * First match wins.
 */
export function handoffp(rt: Runtime, pp: P, why: "" | "entersyscallblock" | "forEachP" | "stoplockedm" | "mexit"): void {
  const s = rt.sched;
  // 1. Local or global work: start an M right away.
  if (!runqempty(pp) || s.runqsize !== 0) {
    rt.ev("handoffp", nilG, null, pp, "has-work");
    startm(rt, pp, false, "handoffp");
    return;
  }
  // 3. GC mark work for this P: start an M to run a mark worker on it.
  if (gcMarkWorkAvailable(rt)) {
    rt.ev("handoffp", nilG, null, pp, "gc-mark-work");
    startm(rt, pp, false, "handoffp");
    return;
  }
  // 4. No spinning M and no idle P: somebody must watch for new work.
  if (s.nmspinning + s.npidle === 0) {
    s.nmspinning = 1;
    s.needspinning = false;
    rt.ev("handoffp", nilG, null, pp, "start-spinning");
    startm(rt, pp, true, "handoffp");
    return;
  }
  // 5. A stop-the-world is waiting: the P stops here.
  if (s.gcwaiting) {
    caspstatus(rt, pp, _Pidle, _Pgcstop);
    rt.ev("handoffp", nilG, null, pp, "gcwaiting");
    stopwaitDone(rt);
    return;
  }
  // 7. Work appeared in the global queue meanwhile.
  if (s.runqsize !== 0) {
    rt.ev("handoffp", nilG, null, pp, "global-work");
    startm(rt, pp, false, "handoffp");
    return;
  }
  // 8. The last running P, and nobody polls the network: keep an M around to poll it.
  if (s.npidle === rt.gomaxprocs - 1 && rt.netpoll.blockedM === null) {
    rt.ev("handoffp", nilG, null, pp, "last-running-p");
    startm(rt, pp, false, "handoffp");
    return;
  }
  // 9. Nothing to do: the P goes idle.
  rt.ev("handoffp", nilG, null, pp, why === "" ? "idle" : why);
  // The P's earliest timer (nobarrierWakeTime): someone must be there to run it (wakeNetPoller).
  const whenNs = pp.timers.peekTimeNs();
  pidleput(rt, pp);
  if (whenNs !== Infinity) wakeNetPoller(rt, whenNs);
}

/**
 * wakep (proc.go): if a P is idle and no M is spinning, start one spinning M to look for the work just
 * made ready. At most one M is woken per submission.
 * go1.19: return if npidle == 0; CAS nmspinning 0→1; startm(nil, true).
 * go1.20+ (rules.needspinning): CAS first, then take the P (pidlegetSpinning); with no idle P record
 * sched.needspinning so the next M about to release its P spins instead.
 */
export function wakep(rt: Runtime): void {
  const s = rt.sched;
  if (rt.config.rules.needspinning) {
    if (s.nmspinning !== 0) return;
    s.nmspinning = 1;
    const pp = pidleget(rt);
    if (pp === null) {
      s.needspinning = true;
      s.nmspinning--;
      rt.ev("wakep", nilG, null, null, "needspinning");
      return;
    }
    rt.ev("wakep", nilG, null, pp, "");
    startm(rt, pp, true, "wakep");
    return;
  }
  if (s.npidle === 0) return;
  if (s.nmspinning !== 0) return;
  s.nmspinning = 1;
  rt.ev("wakep", nilG, null, null, "");
  startm(rt, null, true, "wakep");
}

/** becomeSpinning (proc.go, go1.20+): m.spinning, nmspinning++, and the need for a spinner is met. */
export function becomeSpinning(rt: Runtime, mp: M): void {
  mp.spinning = true;
  rt.sched.nmspinning++;
  rt.sched.needspinning = false;
}

/** resetspinning (proc.go): a spinning M found work; the last spinner wakes a replacement. */
function resetspinning(rt: Runtime, mp: M): void {
  assert(mp.spinning, "resetspinning: not a spinning m");
  mp.spinning = false;
  rt.sched.nmspinning--;
  assert(rt.sched.nmspinning >= 0, "findrunnable: negative nmspinning");
  rt.ev("resetspinning", nilG, mp, mp.p);
  wakep(rt);
}

// ─── Goroutines ─────────────────────────────────────────────────────────────────────────────────

/** newproc (proc.go): a new G, runnable, in the creator's runnext; wakep once main has started. */
export function newproc(rt: Runtime, program: Program, pp: P | null, creator: number): number {
  const gs = rt.gs;
  checkGoroutineCap(rt);
  const gp = gs.alloc();
  if (rt.nextGoid === 0x7fffffff) throw new InvariantError("newproc: goid overflow (2^31 goroutines)");
  gs.goid[gp] = rt.nextGoid++;
  programStart(rt, gp, rt.programId(program));
  casgstatus(rt, gp, _Gdead, _Grunnable);
  rt.liveGoroutines++;
  rt.ev("newproc", gp, pp?.m ?? null, pp, program.name, creator === nilG ? 0 : gs.goid[creator]!);
  if (pp === null) globrunqput(rt, gp);
  else runqput(rt, pp, gp, true);
  if (rt.mainG !== nilG) wakep(rt);
  return gp;
}

/** The simulator's memory cap on live goroutines (not Go's: a real program would run out of memory first). */
function checkGoroutineCap(rt: Runtime): void {
  const cap = rt.config.maxGoroutines;
  if (rt.liveGoroutines >= cap) {
    throw new SimulationLimit("max-goroutines", `stopped at the cap of ${cap} live goroutines (settings.maxGoroutines, about ${formatBytes(cap * goroutineBytes)}; docs/limits.md)`);
  }
}

/** A runtime goroutine created parked (gcBgMarkWorker: `go` then gopark until the scheduler wants it). */
export function newprocParked(rt: Runtime, program: Program, creator: number, reason: WaitReason): number {
  const gs = rt.gs;
  checkGoroutineCap(rt);
  const gp = gs.alloc();
  gs.goid[gp] = rt.nextGoid++;
  programStart(rt, gp, rt.programId(program));
  casgstatus(rt, gp, _Gdead, _Gwaiting);
  gs.waitReason[gp] = reason;
  rt.liveGoroutines++;
  rt.ev("newproc", gp, null, null, program.name, creator === nilG ? 0 : gs.goid[creator]!);
  return gp;
}

/** execute (proc.go): run gp on mp; a G not from runnext starts a new time slice (schedtick++). */
export function execute(rt: Runtime, mp: M, gp: number, inheritTime: boolean): void {
  const pp = mp.p!;
  const gs = rt.gs;
  mp.curg = gp;
  gs.m[gp] = mp.id;
  casgstatus(rt, gp, _Grunnable, _Grunning);
  gs.preempt[gp] = 0;
  if (!inheritTime) pp.schedtick++;
  rt.ev("execute", gp, mp, pp, inheritTime, pp.schedtick);
  // A G rescheduled after exitsyscall0 finishes exitsyscall's tail on its new P.
  if (gs.inSyscall[gp] === 1) exitsyscallTail(rt, mp, gp);
  gostep(rt, mp);
}

/** dropg (proc.go): unbind the M's current G. */
export function dropg(rt: Runtime, mp: M): void {
  const gp = mp.curg;
  if (gp !== nilG) rt.gs.m[gp] = noM;
  mp.curg = nilG;
}

/** gopark/park_m (proc.go): the running G waits; its M schedules something else. */
export function gopark(rt: Runtime, mp: M, reason: WaitReason): void {
  const gp = mp.curg;
  casgstatus(rt, gp, _Grunning, _Gwaiting);
  rt.gs.waitReason[gp] = reason;
  rt.ev("gopark", gp, mp, mp.p, reason);
  dropg(rt, mp);
  rt.mAfter(mp, rt.config.costs.scheduleNs, Resume.Schedule);
}

/**
 * ready/goready (proc.go): a waiting G becomes runnable in runnext of the readying P, and a spinning M
 * is woken if a P idles. Without a P (timers, the GC's own actor) it goes to the global queue.
 */
export function ready(rt: Runtime, gp: number, pp: P | null): void {
  readyStatus(rt, gp, pp?.m ?? null, pp, "");
  if (pp === null) globrunqput(rt, gp);
  else runqput(rt, pp, gp, true);
  wakep(rt);
}

/**
 * ready's first half (proc.go ready: casgstatus _Gwaiting → _Grunnable, traced as GoUnblock), for
 * the callers that then place the G themselves: netpoll's first G runs at once, injectglist spreads
 * a list, a GC mark worker is run by the scheduler that picked it.
 */
export function readyStatus(rt: Runtime, gp: number, mp: M | null, pp: P | null, reason: ReasonOf<"ready">): void {
  casgstatus(rt, gp, _Gwaiting, _Grunnable);
  rt.gs.waitReason[gp] = 0;
  rt.ev("ready", gp, mp, pp, reason);
}

/** goschedImpl (proc.go): Gosched — the G goes to the global queue; the M schedules. */
export function goschedImpl(rt: Runtime, mp: M, preempted: boolean): void {
  const gp = mp.curg;
  casgstatus(rt, gp, _Grunning, _Grunnable);
  rt.ev(preempted ? "gopreempt_m" : "goschedImpl", gp, mp, mp.p);
  dropg(rt, mp);
  globrunqput(rt, gp);
  rt.mAfter(mp, rt.config.costs.scheduleNs, Resume.Schedule);
}

/** goexit0 (proc.go): the G is dead and its slot reusable; main's exit ends the process. */
export function goexit0(rt: Runtime, mp: M): void {
  const gp = mp.curg;
  const gs = rt.gs;
  casgstatus(rt, gp, _Grunning, _Gdead);
  rt.ev("goexit0", gp, mp, mp.p);
  dropg(rt, mp);
  rt.liveGoroutines--;
  // Exiting while locked (lockedExt > 0): the thread exits with the goroutine (mexit).
  const lockedExit = mp.lockedg === gp && mp.lockedExt > 0;
  gs.lockedm[gp] = noM;
  if (mp.lockedg === gp) mp.lockedg = nilG;
  rt.iterators.delete(gp);
  rt.extraRegisters.delete(gp);
  if (gp === rt.mainG) {
    // runtime.main: main.main returned, exit(0) — other goroutines die with the process.
    rt.ev("exit", gp, mp, mp.p, "main-returned");
    rt.stop("main-exited");
    return;
  }
  gs.free(gp);
  if (lockedExit) return mexit(rt, mp);
  rt.mAfter(mp, rt.config.costs.scheduleNs, Resume.Schedule);
}

// ─── schedule / findRunnable ────────────────────────────────────────────────────────────────────

/** schedule (proc.go): find a runnable G and execute it, or park the M. */
export function schedule(rt: Runtime, mp: M): void {
  if (rt.stoppedBy !== null) return;
  // A locked M runs nothing but its own G: park until that G is runnable again (stoplockedm).
  if (mp.lockedg !== nilG) return stoplockedm(rt, mp);
  assert(mp.p !== null, "schedule: M without P");
  mp.p.preempt = false;
  findRunnable(rt, mp);
}

/** After findRunnable returned gp: resetspinning if we were spinning, then execute. */
export function runFound(rt: Runtime, mp: M, gp: number, inheritTime: boolean): void {
  if (mp.spinning) resetspinning(rt, mp);
  // gp is locked to another M: hand it our P and stop (startlockedm).
  if (rt.gs.lockedm[gp] !== noM && rt.gs.lockedm[gp] !== mp.id) return startlockedm(rt, mp, gp);
  execute(rt, mp, gp, inheritTime);
}

/**
 * findRunnable (proc.go, go1.19), top: stop for GC; the global queue every 61st schedtick; runnext and
 * the local ring; the global queue; then spin and steal. Ends in runFound, in a suspended steal
 * (usleep before stealing runnext), or with the M stopped.
 */
export function findRunnable(rt: Runtime, mp: M): void {
  const s = rt.sched;
  const pp = mp.p!;
  if (s.gcwaiting) {
    gcstopm(rt, mp);
    return;
  }
  // checkTimers: run this P's expired timers (their goroutines land in our runnext).
  checkTimers(rt, pp, pp);
  const c = rt.config.constants;
  // A dedicated GC mark worker comes first (findRunnableGCWorker); the M then wakes another (tryWakeP).
  const worker = findRunnableGCWorker(rt, mp, false);
  if (worker !== nilG) {
    runFound(rt, mp, worker, false);
    wakep(rt);
    return;
  }
  if (pp.schedtick % c.globalRunqFairnessTicks === 0 && s.runqsize > 0) {
    const gp = globrunqget(rt, pp, 1);
    if (gp !== nilG) return runFound(rt, mp, gp, false);
  }
  const local = runqget(pp);
  if (local !== null) return runFound(rt, mp, local.gp, local.inheritTime);
  if (s.runqsize !== 0) {
    const gp = globrunqget(rt, pp, 0);
    if (gp !== nilG) return runFound(rt, mp, gp, false);
  }
  // Poll the network without blocking if goroutines wait on it and no M is blocked in netpoll.
  const polled = netpollNonBlocking(rt, mp);
  if (polled !== nilG) return runFound(rt, mp, polled, false);
  // Spinning Ms: at most half the busy Ps' worth (2*nmspinning < gomaxprocs - npidle).
  if (mp.spinning || 2 * s.nmspinning < rt.gomaxprocs - s.npidle) {
    if (!mp.spinning) {
      becomeSpinning(rt, mp);
      rt.ev("findRunnable_spin", nilG, mp, pp, "become-spinning");
    }
    const st = mp.steal;
    st.round = 0;
    st.k = 0;
    st.victim = -1;
    st.ranTimer = false;
    startStealRound(rt, mp);
    stealWork(rt, mp);
    return;
  }
  findRunnableIdle(rt, mp);
}

function startStealRound(rt: Runtime, mp: M): void {
  // proc.go randomOrder.start(fastrand()): position i % count, step coprimes[i / count % len].
  const n = rt.gomaxprocs;
  const i = rt.prng.uint32();
  mp.steal.start = i % n;
  mp.steal.step = rt.stealCoprimes[Math.floor(i / n) % rt.stealCoprimes.length]!;
  mp.steal.k = 0;
}

/**
 * stealWork (proc.go): stealTries rounds over all Ps in random order, stealing half a victim's ring;
 * on the last round also its runnext — after usleep(3) if the victim is running, to let it run the G
 * it just readied. Resumable: the usleep suspends the M (Resume.StealSleepDone).
 */
function stealWork(rt: Runtime, mp: M): void {
  const pp = mp.p!;
  const st = mp.steal;
  const n = rt.gomaxprocs;
  const tries = rt.config.constants.stealTries;
  while (st.round < tries) {
    const lastRound = st.round === tries - 1;
    while (st.k < n) {
      if (rt.sched.gcwaiting) return findRunnable(rt, mp); // newWork: goto top
      const victim = rt.allp[(st.start + st.k * st.step) % n]!;
      st.k++;
      if (victim === pp) continue;
      // Last round: run the victim's expired timers here (even an idle P's); what they ready is ours.
      if (lastRound && victim.timers.size > 0 && victim.timers.peekTimeNs() <= rt.nowNs && checkTimers(rt, victim, pp)) {
        const local = runqget(pp);
        if (local !== null) return runFound(rt, mp, local.gp, local.inheritTime);
        st.ranTimer = true;
      }
      // Only Ps on the idle list are skipped (idlepMask): a P handed to an M that has not started yet
      // is _Pidle too, and its run queue can be robbed.
      if (victim.onIdleList) continue;
      const gp = runqstealRing(pp, victim);
      if (gp !== nilG) {
        rt.ev("runqsteal", gp, mp, pp, "ring", victim.id);
        return runFound(rt, mp, gp, false);
      }
      if (lastRound && victim.runnext !== nilG) {
        if (victim.status === _Prunning) {
          st.victim = victim.id;
          st.g = victim.runnext;
          rt.mSleepTimer(mp, rt.config.constants.runnextStealSleepUs * 1000, Resume.StealSleepDone);
          return;
        }
        const next = victim.runnext;
        victim.runnext = nilG;
        rt.ev("runqsteal", next, mp, pp, "runnext", victim.id);
        return runFound(rt, mp, next, false);
      }
    }
    st.round++;
    if (st.round < tries) startStealRound(rt, mp);
  }
  // stealWork's newWork: a timer ran (and readied nothing here): `goto top` to look again.
  if (st.ranTimer) return findRunnable(rt, mp);
  findRunnableIdle(rt, mp);
}

/** Resume.StealSleepDone: the CAS on the victim's runnext succeeds only if it still holds that G. */
export function stealSleepDone(rt: Runtime, mp: M): void {
  const st = mp.steal;
  const victim = rt.allp[st.victim]!;
  st.victim = -1;
  if (rt.stoppedBy !== null) return;
  if (victim.runnext === st.g && st.g !== nilG) {
    victim.runnext = nilG;
    rt.ev("runqsteal", st.g, mp, mp.p, "runnext-after-usleep", victim.id);
    return runFound(rt, mp, st.g, false);
  }
  // runqgrab's `continue`: look at the same victim again (its ring may have filled), then go on.
  st.k--;
  stealWork(rt, mp);
}

/**
 * findRunnable's end (proc.go): nothing found. Under sched.lock recheck gcwaiting and the global
 * queue, release the P to the idle list; a spinning M stops spinning and checks every run queue once
 * more (the spinning → non-spinning handshake with wakep), then stops.
 */
function findRunnableIdle(rt: Runtime, mp: M): void {
  const s = rt.sched;
  const pp = mp.p!;
  if (s.gcwaiting) return findRunnable(rt, mp);
  if (s.runqsize !== 0) {
    const gp = globrunqget(rt, pp, 0);
    return runFound(rt, mp, gp, false);
  }
  // Idle-time marking rather than giving up the P (gcBlackenEnabled && gcMarkWorkAvailable).
  const idleWorker = findRunnableGCWorker(rt, mp, true);
  if (idleWorker !== nilG) return runFound(rt, mp, idleWorker, false);
  // go1.20+: a wakep found no idle P while we held ours: spin instead of releasing it ("delicate dance").
  if (rt.config.rules.needspinning && !mp.spinning && s.needspinning) {
    becomeSpinning(rt, mp);
    rt.ev("findRunnable_spin", nilG, mp, pp, "needspinning");
    return findRunnable(rt, mp);
  }
  // pollUntil: our own P's next timer (checkTimers at the top ran the expired ones); a spinning M also
  // looks at every other P's timers (checkTimersNoP) — a non-spinning one leaves them to their Ms.
  let pollUntilNs = pp.timers.peekTimeNs();
  const wasSpinning = mp.spinning;
  releasep(rt, mp);
  pidleput(rt, pp);
  if (mp.spinning) {
    mp.spinning = false;
    s.nmspinning--;
    assert(s.nmspinning >= 0, "findrunnable: negative nmspinning");
    // checkRunqsNoP: a P with work appeared while we were giving up.
    for (const p2 of rt.allp) {
      if (p2.status !== _Pidle && !runqempty(p2)) {
        const pp2 = pidleget(rt);
        if (pp2 !== null) {
          acquirep(rt, mp, pp2);
          becomeSpinning(rt, mp);
          return findRunnable(rt, mp);
        }
        break;
      }
    }
  }
  if (wasSpinning) pollUntilNs = Math.min(pollUntilNs, nextTimerNs(rt));
  // Block in netpoll — until a fd is ready or pollUntil — if anything waits on it and nobody else
  // blocks there (lastpoll.Swap(0) != 0).
  if (netpollBlock(rt, mp, pollUntilNs, wasSpinning)) return;
  // Another M is blocked in netpoll: if our deadline is earlier than the one it sleeps to, break its
  // wait so it recomputes it (proc.go findRunnable: `pollerPollUntil > pollUntil` → netpollBreak).
  if (pollUntilNs !== Infinity) netpollBreakBefore(rt, pollUntilNs);
  stopm(rt, mp);
}

// ─── Stop-the-world hooks used by the scheduler ─────────────────────────────────────────────────

/** stopwait-- under sched.lock; the last P to stop wakes the stop-the-world initiator. */
export function stopwaitDone(rt: Runtime): void {
  rt.sched.stopwait--;
  if (rt.sched.stopwait === 0) {
    rt.queue.push(rt.nowNs + futexWakeUnplacedNs(rt), Ev.Gc, 0, rt.gc.gen);
  }
}

/** gcstopm (proc.go): stop the current M for a stop-the-world, its P to _Pgcstop. */
export function gcstopm(rt: Runtime, mp: M): void {
  assert(rt.sched.gcwaiting, "gcstopm: not waiting for gc");
  if (mp.spinning) {
    mp.spinning = false;
    rt.sched.nmspinning--;
  }
  const pp = releasep(rt, mp);
  caspstatus(rt, pp, _Pidle, _Pgcstop);
  rt.ev("gcstopm", nilG, mp, pp);
  stopwaitDone(rt);
  stopm(rt, mp);
}

// ─── Preemption ─────────────────────────────────────────────────────────────────────────────────

/**
 * preemptone (proc.go): ask the G running on pp to stop. Fails for a P with no M (a _Psyscall P) and
 * for the caller's own M (`self`).
 * Sets g.preempt (the stackPreempt request checked at the next function call) and, with async
 * preemption (go1.14+), sends SIGURG to the M.
 */
export function preemptone(rt: Runtime, pp: P, self: M | null): boolean {
  const mp = pp.m;
  if (mp === null || mp === self) return false;
  const gp = mp.curg;
  if (gp === nilG) return false;
  // go1.26+: a P may be attached to an M in a syscall; preemptone skips a G in _Gsyscall.
  if (rt.gs.status[gp] === _Gsyscall) return false;
  rt.gs.preempt[gp] = 1;
  pp.preempt = true;
  rt.ev("preemptone", gp, mp, pp);
  // Cooperative: stackPreempt is seen at the next function prologue — unless the G runs a tight loop.
  if (rt.gs.noCalls[gp] === 0) rt.queue.push(rt.nowNs + rt.config.costs.preemptPrologueNs, Ev.Prologue, mp.id, gp);
  // Asynchronous (go1.14+): preemptM sends SIGURG.
  if (rt.config.constants.asyncPreemption) {
    rt.queue.push(rt.nowNs + preemptSignalNs(rt), Ev.Signal, mp.id, gp);
  }
  return true;
}

/**
 * The SIGURG handler (signal_unix.go doSigPreempt), or the cooperative check at a function prologue
 * (newstack sees stackPreempt): if gp is still running user code — here: in a compute op — it is
 * preempted (gopreempt_m). Anywhere else (in a syscall, in the runtime) the request waits for the next
 * cooperative check at an op boundary.
 */
export function doSigPreempt(rt: Runtime, mp: M, gp: number, prologue: boolean): void {
  if (rt.stoppedBy !== null) return;
  if (mp.curg !== gp || rt.gs.preempt[gp] !== 1 || rt.gs.status[gp] !== _Grunning) return;
  if (prologue && rt.gs.noCalls[gp] === 1) return;
  if (!cpuRemove(rt, mp, gp)) return;
  rt.gs.preempt[gp] = 0;
  goschedImpl(rt, mp, true);
}

// ─── checkdead ──────────────────────────────────────────────────────────────────────────────────

/**
 * checkdead (proc.go): with no M running, the program can make no progress unless a timer or the GC
 * will wake something: "all goroutines are asleep - deadlock!".
 */
export function checkdead(rt: Runtime): void {
  const s = rt.sched;
  const run = mcount(rt) - s.nmidle - s.nmidlelocked - s.nmsys;
  if (run > 0) return;
  if (anyTimers(rt) || rt.gc.phase !== "off") return;
  if (rt.syscallThreads.some((t) => t.gp !== nilG)) return;
  if (rt.netpoll.waiters > 0) return;
  for (const tb of rt.timerBuckets.values()) if (tb.heap.size > 0) return;
  const gs = rt.gs;
  for (let gp = 1; gp < gs.count; gp++) {
    const st = gs.status[gp]!;
    if (st === _Grunnable || st === _Grunning) throw new InvariantError("checkdead: runnable g");
  }
  rt.fatal = "fatal error: all goroutines are asleep - deadlock!";
  rt.stop("deadlock");
}


// LockOSThread, after runtime/proc.go (go1.19): a locked goroutine runs only on its M. When it blocks
// or yields, its M gives its P away and parks (stoplockedm, counted in sched.nmidlelocked); an M that
// later dequeues the goroutine hands its own P to the locked M and stops (startlockedm) — two thread
// switches per reschedule. The first LockOSThread starts the template thread. A goroutine that exits
// still locked takes its thread with it (goexit0 → mexit).
//
// Fidelity (docs/model.md): new Ms requested from a locked M are created directly, not through the
// template thread (same thread count, a futex wake less).
import { casmstate } from "./status.js";
import { Resume, acquirep, allocm, execute, handoffp, mcount, releasep, stopm } from "./proc.js";
import { gostepAfter } from "./program.js";
import type { Runtime } from "./runtime.js";
import { nilG, noM, type M } from "./runtime2.js";

/** runtime.LockOSThread: wire the G to its M (lockedExt++), starting the template thread once. */
export function lockOSThreadOp(rt: Runtime, mp: M): void {
  const gp = mp.curg;
  if (rt.templateThread === null) {
    // startTemplateThread: a system M (nmsys) that creates threads for locked Ms; it sleeps until asked.
    const tm = allocm(rt);
    casmstate(rt, tm, "starting", "system");
    rt.sched.nmsys++;
    rt.templateThread = tm;
    rt.ev("newm", nilG, tm, null, "template", mcount(rt));
  }
  mp.lockedExt++;
  mp.lockedg = gp;
  rt.gs.lockedm[gp] = mp.id;
  rt.ev("lockOSThread", gp, mp, mp.p, mp.lockedExt);
  gostepAfter(rt, mp, rt.config.costs.syncOpNs);
}

/** runtime.UnlockOSThread: lockedExt--; at zero the G and M are unwired. */
export function unlockOSThreadOp(rt: Runtime, mp: M): void {
  const gp = mp.curg;
  if (mp.lockedExt > 0) mp.lockedExt--;
  if (mp.lockedExt === 0) {
    mp.lockedg = nilG;
    rt.gs.lockedm[gp] = noM;
  }
  rt.ev("unlockOSThread", gp, mp, mp.p, mp.lockedExt);
  gostepAfter(rt, mp, rt.config.costs.syncOpNs);
}

/**
 * stoplockedm (proc.go): the locked M has nothing to run but its own G, which cannot run now: hand
 * the P off and park until startlockedm gives us a P with our G ready.
 */
export function stoplockedm(rt: Runtime, mp: M): void {
  if (mp.p !== null) handoffp(rt, releasep(rt, mp), "stoplockedm");
  rt.ev("stoplockedm", mp.lockedg, mp, null, mp.noteWoken ? "already-woken" : "");
  if (mp.noteWoken) {
    // startlockedm ran before we parked: the sticky note lets mPark return at once.
    mp.noteWoken = false;
    casmstate(rt, mp, "running", "waking");
    rt.mAfter(mp, 0, Resume.LockedWoken);
    return;
  }
  rt.sched.nmidlelocked++;
  casmstate(rt, mp, "running", "lockedidle");
  rt.mWait(mp);
}

/** Resume.LockedWoken: acquirep(nextp); execute(lockedg). */
export function lockedmWoken(rt: Runtime, mp: M): void {
  const pp = mp.nextp!;
  mp.nextp = null;
  casmstate(rt, mp, "waking", "running");
  acquirep(rt, mp, pp);
  execute(rt, mp, mp.lockedg, false);
}

/**
 * startlockedm (proc.go): gp is locked to another M. Give that M our P and wake it (incidlelocked(-1)),
 * then stop this M.
 */
export function startlockedm(rt: Runtime, mp: M, gp: number): void {
  const lm = rt.allm[rt.gs.lockedm[gp]!]!;
  const pp = releasep(rt, mp);
  lm.nextp = pp;
  rt.ev("startlockedm", gp, lm, pp);
  rt.ev("notewakeup", nilG, lm, pp, "m.park");
  if (lm.state === "lockedidle") {
    rt.sched.nmidlelocked--;
    casmstate(rt, lm, "lockedidle", "waking");
    rt.mWake(lm, Resume.LockedWoken);
  } else lm.noteWoken = true;
  stopm(rt, mp);
}

/** mexit (proc.go): a goroutine exited while locked; its thread exits too, releasing its P. */
export function mexit(rt: Runtime, mp: M): void {
  if (mp.p !== null) handoffp(rt, releasep(rt, mp), "mexit");
  mp.lockedg = nilG;
  mp.lockedExt = 0;
  casmstate(rt, mp, "running", "dead");
  rt.sched.nmfreed++;
  rt.mWait(mp);
  rt.ev("mexit", nilG, mp, null, "locked-goroutine-exited", mcount(rt));
}

// Run queues, after proc.go: each P's runnext slot and 256-entry ring, and the global FIFO.
// runqput / runqputslow / runqget / runqgrab / runqsteal, globrunqput / globrunqget.
import type { Runtime } from "./runtime.js";
import { nilG, runqSize, type P } from "./runtime2.js";

/** runqempty: no G in the ring and no runnext. */
export function runqempty(pp: P): boolean {
  return pp.runqhead === pp.runqtail && pp.runnext === nilG;
}

export function runqlen(pp: P): number {
  return pp.runqtail - pp.runqhead;
}

/**
 * runqput (proc.go): with next, gp goes into runnext and the G it displaces goes to the ring's tail;
 * a full ring sends half of it plus the G to the global queue (runqputslow).
 */
export function runqput(rt: Runtime, pp: P, gp: number, next: boolean): void {
  if (next) {
    const old = pp.runnext;
    pp.runnext = gp;
    if (old === nilG) return;
    gp = old;
  }
  if (pp.runqtail - pp.runqhead < runqSize) {
    pp.runq[pp.runqtail % runqSize] = gp;
    pp.runqtail++;
    return;
  }
  runqputslow(rt, pp, gp);
}

/** runqputslow (proc.go): move half the local ring (128 Gs) and gp to the global queue in one batch. */
function runqputslow(rt: Runtime, pp: P, gp: number): void {
  const n = (pp.runqtail - pp.runqhead) >> 1;
  for (let i = 0; i < n; i++) globrunqput(rt, pp.runq[(pp.runqhead + i) % runqSize]!);
  pp.runqhead += n;
  globrunqput(rt, gp);
  rt.ev("runqputslow", gp, pp.m, pp, "local-runq-full", n + 1);
}

/** runqget (proc.go): runnext first (the G inherits the time slice), then the ring's head. */
export function runqget(pp: P): { gp: number; inheritTime: boolean } | null {
  const next = pp.runnext;
  if (next !== nilG) {
    pp.runnext = nilG;
    return { gp: next, inheritTime: true };
  }
  if (pp.runqhead === pp.runqtail) return null;
  const gp = pp.runq[pp.runqhead % runqSize]!;
  pp.runqhead++;
  return { gp, inheritTime: false };
}

/**
 * runqsteal's ring part (runqgrab without runnext): moves ceil(n/2) of the victim's ring into pp's
 * ring and returns the last of them (to run at once), or nilG.
 */
export function runqstealRing(pp: P, victim: P): number {
  const available = victim.runqtail - victim.runqhead;
  const n = available - (available >> 1);
  if (n === 0) return nilG;
  const t = pp.runqtail;
  for (let i = 0; i < n; i++) pp.runq[(t + i) % runqSize] = victim.runq[(victim.runqhead + i) % runqSize]!;
  victim.runqhead += n;
  const gp = pp.runq[(t + n - 1) % runqSize]!;
  pp.runqtail = t + n - 1;
  return gp;
}

/** globrunqput (proc.go): append to the global queue (sched.lock held). */
export function globrunqput(rt: Runtime, gp: number): void {
  const s = rt.sched;
  rt.gs.schedlink[gp] = nilG;
  if (s.runqtail !== nilG) rt.gs.schedlink[s.runqtail] = gp;
  else s.runqhead = gp;
  s.runqtail = gp;
  s.runqsize++;
}

function globrunqpop(rt: Runtime): number {
  const s = rt.sched;
  const gp = s.runqhead;
  s.runqhead = rt.gs.schedlink[gp]!;
  if (s.runqhead === nilG) s.runqtail = nilG;
  rt.gs.schedlink[gp] = nilG;
  s.runqsize--;
  return gp;
}

/**
 * globrunqget (proc.go): take n = min(runqsize, runqsize/gomaxprocs + 1, max, 128) Gs from the global
 * queue; return the first and put the rest on pp's ring.
 */
export function globrunqget(rt: Runtime, pp: P, max: number): number {
  const s = rt.sched;
  if (s.runqsize === 0) return nilG;
  let n = Math.min(s.runqsize, Math.floor(s.runqsize / rt.gomaxprocs) + 1);
  if (max > 0 && n > max) n = max;
  if (n > runqSize / 2) n = runqSize / 2;
  const gp = globrunqpop(rt);
  for (let i = 1; i < n; i++) runqput(rt, pp, globrunqpop(rt), false);
  if (n > 1) rt.ev("globrunqget", gp, pp.m, pp, "batch", n);
  return gp;
}

/** The Gs in the global queue, in order (for checks and schedtrace). */
export function* globrunqItems(rt: Runtime): Generator<number> {
  for (let gp = rt.sched.runqhead; gp !== nilG; gp = rt.gs.schedlink[gp]!) yield gp;
}

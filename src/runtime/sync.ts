// Goroutine synchronisation that parks and readies goroutines: channels (chan.go: chansend,
// chanrecv, closechan), select (select.go: selectgo), sync.WaitGroup and sync.Mutex (sema.go). Values are not carried: only who waits and who is woken matters to
// the scheduler.
//
// Fidelity (docs/model.md): sync.Mutex does not spin; a Mutex waiter woken in normal mode competes
// again, and after waiting 1 ms the mutex hands off directly (starvation mode). Timers: time.ts.
import { Deque } from "../base/deque.js";
import { RuntimeFatal } from "../base/errors.js";
import type { Chan, Mutex, SelectCase, WaitGroup } from "./ops.js";
import { gopark, ready } from "./proc.js";
import { gostepAfter } from "./program.js";
import type { Runtime } from "./runtime.js";
import { WaitReason, type M, type P } from "./runtime2.js";

/**
 * A waiting goroutine on a channel queue (runtime.sudog). A plain send/receive waiter is just its G
 * slot (a number: no allocation per blocked goroutine); a select's waiters are objects sharing `sel`.
 */
export type Sudog = number | SelectSudog;
interface SelectSudog {
  gp: number;
  sel: SelectWait;
  caseIndex: number;
}
interface SelectWait {
  done: boolean;
}

export interface ChanState {
  capacity: number;
  count: number;
  closed: boolean;
  /** Wait queues are ring buffers: O(1) enqueue and dequeue (Array.shift would be O(n)). */
  recvq: Deque<Sudog>;
  sendq: Deque<Sudog>;
}
export interface WaitGroupState {
  counter: number;
  /** Only appended to, and drained whole at zero: a plain array is O(1) per waiter. */
  waiters: number[];
}
export interface MutexState {
  locked: boolean;
  starving: boolean;
  /** Waiters: G slot and the time it started waiting. */
  waiters: Deque<{ gp: number; sinceNs: number }>;
}

const starvationThresholdNs = 1e6; // sync/mutex.go starvationThresholdNs

function chanState(rt: Runtime, ch: Chan): ChanState {
  let st = rt.chans.get(ch);
  if (st === undefined) {
    st = { capacity: ch.capacity, count: 0, closed: false, recvq: new Deque(), sendq: new Deque() };
    rt.chans.set(ch, st);
  }
  return st;
}

/** Dequeues the first waiter still waiting (select sudogs of a finished select are skipped). */
function dequeue(q: Deque<Sudog>): Sudog | null {
  for (let sg = q.shift(); sg !== undefined; sg = q.shift()) {
    if (typeof sg === "number") return sg;
    if (!sg.sel.done) {
      sg.sel.done = true;
      return sg;
    }
  }
  return null;
}

function hasWaiter(q: Deque<Sudog>): boolean {
  for (const sg of q) if (typeof sg === "number" || !sg.sel.done) return true;
  return false;
}

function wake(rt: Runtime, pp: P | null, sg: Sudog, result: number): void {
  if (typeof sg === "number") {
    rt.gs.result[sg] = result;
    ready(rt, sg, pp);
  } else {
    rt.gs.result[sg.gp] = sg.caseIndex;
    ready(rt, sg.gp, pp);
  }
}

/** A timer's sendTime (time.go): a non-blocking send on the timer's channel, from the P running it. */
export function timerChanSend(rt: Runtime, ch: Chan, pp: P): void {
  const st = chanState(rt, ch);
  if (st.closed) return;
  const receiver = dequeue(st.recvq);
  if (receiver !== null) wake(rt, pp, receiver, 1);
  else if (st.count < st.capacity) st.count++;
}

function panicking(rt: Runtime, what: string): never {
  throw new RuntimeFatal(`panic: ${what}`, rt.nowNs);
}

/** chansend without blocking; false if it would block. */
function trySend(rt: Runtime, mp: M, st: ChanState): boolean {
  if (st.closed) panicking(rt, "send on closed channel");
  const receiver = dequeue(st.recvq);
  if (receiver !== null) {
    wake(rt, mp.p, receiver, 1);
    return true;
  }
  if (st.count < st.capacity) {
    st.count++;
    return true;
  }
  return false;
}

/** chanrecv without blocking: the ok result (1/0), or -1 if it would block. */
function tryRecv(rt: Runtime, mp: M, st: ChanState): number {
  const sender = dequeue(st.sendq);
  if (sender !== null) {
    // Unbuffered: take the sender's value. Buffered (full): take the head, the sender's value fills the tail.
    wake(rt, mp.p, sender, 1);
    return 1;
  }
  if (st.count > 0) {
    st.count--;
    return 1;
  }
  if (st.closed) return 0;
  return -1;
}

export function sendOp(rt: Runtime, mp: M, ch: Chan): void {
  const st = chanState(rt, ch);
  if (trySend(rt, mp, st)) return gostepAfter(rt, mp, rt.config.costs.syncOpNs);
  st.sendq.push(mp.curg);
  gopark(rt, mp, WaitReason.ChanSend);
}

export function recvOp(rt: Runtime, mp: M, ch: Chan): void {
  const st = chanState(rt, ch);
  const ok = tryRecv(rt, mp, st);
  if (ok >= 0) {
    rt.gs.result[mp.curg] = ok;
    return gostepAfter(rt, mp, rt.config.costs.syncOpNs);
  }
  st.recvq.push(mp.curg);
  gopark(rt, mp, WaitReason.ChanReceive);
}

export function closeOp(rt: Runtime, mp: M, ch: Chan): void {
  const st = chanState(rt, ch);
  if (st.closed) panicking(rt, "close of closed channel");
  st.closed = true;
  for (let sg = dequeue(st.recvq); sg !== null; sg = dequeue(st.recvq)) wake(rt, mp.p, sg, 0);
  if (hasWaiter(st.sendq)) panicking(rt, "send on closed channel");
  gostepAfter(rt, mp, rt.config.costs.syncOpNs);
}

/**
 * selectgo (select.go): poll the cases in a random order; the first ready one wins; else default;
 * else wait on all of them — the first to fire wins and the others are abandoned.
 */
export function selectOp(rt: Runtime, mp: M, cases: readonly SelectCase[], hasDefault: boolean): void {
  const gp = mp.curg;
  const order = cases.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rt.prng.intn(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  for (const i of order) {
    const c = cases[i]!;
    const st = chanState(rt, c.chan);
    const done = c.dir === "send" ? trySend(rt, mp, st) : tryRecv(rt, mp, st) >= 0;
    if (done) {
      rt.gs.result[gp] = i;
      return gostepAfter(rt, mp, rt.config.costs.syncOpNs);
    }
  }
  if (hasDefault) {
    rt.gs.result[gp] = -1;
    return gostepAfter(rt, mp, rt.config.costs.syncOpNs);
  }
  if (cases.length === 0) {
    // select {} blocks forever.
    gopark(rt, mp, WaitReason.Select);
    return;
  }
  const sel: SelectWait = { done: false };
  cases.forEach((c, i) => {
    const st = chanState(rt, c.chan);
    (c.dir === "send" ? st.sendq : st.recvq).push({ gp, sel, caseIndex: i });
  });
  gopark(rt, mp, WaitReason.Select);
}

function wgState(rt: Runtime, wg: WaitGroup): WaitGroupState {
  let st = rt.waitGroups.get(wg);
  if (st === undefined) {
    st = { counter: 0, waiters: [] };
    rt.waitGroups.set(wg, st);
  }
  return st;
}

/** WaitGroup.Add/Done: at zero every waiter is readied (runtime_Semrelease → goready). */
export function wgAddOp(rt: Runtime, mp: M, wg: WaitGroup, delta: number): void {
  const st = wgState(rt, wg);
  st.counter += delta;
  if (st.counter < 0) panicking(rt, "sync: negative WaitGroup counter");
  if (st.counter === 0) {
    const waiters = st.waiters;
    st.waiters = [];
    for (const gp of waiters) ready(rt, gp, mp.p);
  }
  gostepAfter(rt, mp, rt.config.costs.syncOpNs);
}

export function wgWaitOp(rt: Runtime, mp: M, wg: WaitGroup): void {
  const st = wgState(rt, wg);
  if (st.counter === 0) return gostepAfter(rt, mp, rt.config.costs.syncOpNs);
  st.waiters.push(mp.curg);
  gopark(rt, mp, WaitReason.SyncWaitGroupWait);
}

function mutexState(rt: Runtime, mu: Mutex): MutexState {
  let st = rt.mutexes.get(mu);
  if (st === undefined) {
    st = { locked: false, starving: false, waiters: new Deque() };
    rt.mutexes.set(mu, st);
  }
  return st;
}

export function lockOp(rt: Runtime, mp: M, mu: Mutex): void {
  lockState(rt, mp, mutexState(rt, mu), rt.nowNs);
}

function lockState(rt: Runtime, mp: M, st: MutexState, sinceNs: number): void {
  if (!st.locked) {
    st.locked = true;
    return gostepAfter(rt, mp, rt.config.costs.syncOpNs);
  }
  // A woken waiter that lost the race goes back to the front (LIFO), keeping its wait start.
  const waiter = { gp: mp.curg, sinceNs };
  if (sinceNs < rt.nowNs) st.waiters.unshift(waiter);
  else st.waiters.push(waiter);
  gopark(rt, mp, WaitReason.SyncMutexLock);
}

/** A goroutine woken from Lock in normal mode retries; true if the M's step was taken care of. */
export function retryLock(rt: Runtime, mp: M): boolean {
  const retry = rt.mutexRetry.get(mp.curg);
  if (retry === undefined) return false;
  rt.mutexRetry.delete(mp.curg);
  lockState(rt, mp, retry.state, retry.sinceNs);
  return true;
}

export function unlockOp(rt: Runtime, mp: M, mu: Mutex): void {
  const st = mutexState(rt, mu);
  if (!st.locked) panicking(rt, "sync: unlock of unlocked mutex");
  const w = st.waiters.shift();
  if (w === undefined) {
    st.locked = false;
  } else if (rt.nowNs - w.sinceNs > starvationThresholdNs) {
    // Starvation mode: ownership passes directly to the waiter.
    st.starving = true;
    ready(rt, w.gp, mp.p);
  } else {
    st.starving = false;
    st.locked = false;
    rt.mutexRetry.set(w.gp, { state: st, sinceNs: w.sinceNs });
    ready(rt, w.gp, mp.p);
  }
  gostepAfter(rt, mp, rt.config.costs.syncOpNs);
}

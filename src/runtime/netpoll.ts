// The network poller, after runtime/netpoll.go and proc.go (go1.19): network I/O never blocks a
// thread — the goroutine parks (gopark, "IO wait") and its fd becomes ready later. Ready goroutines
// are collected by netpoll: non-blocking in findRunnable when netpollWaiters > 0 and nobody is blocked
// in netpoll; blocking by the one M that has nothing else to do (sched.lastpoll = 0 while it waits);
// by sysmon when nobody polled for 10 ms; and by startTheWorld. injectglist makes them runnable.
//
// An fd's readiness is an engine event at the op's latency; a blocked poller wakes after the futex /
// epoll wake-up latency; a timed block (the earliest timer) wakes at epoll_wait's millisecond timeout.
import { Resume, acquirep, becomeSpinning, gopark, pidleget, readyStatus, runFound, startm, stopm } from "./proc.js";
import { casmstate } from "./status.js";
import { gostepAfter, sample } from "./program.js";
import type { Duration } from "./ops.js";
import { Ev, type Runtime } from "./runtime.js";
import { WaitReason, _Gwaiting, nilG, type M, type P } from "./runtime2.js";
import { globrunqput, runqput } from "./runq.js";
import { netpollTimeoutNs } from "./time.js";

/** netRead / netWrite / accept: park on the poller until the fd is ready after latencyNs. */
export function netOp(rt: Runtime, mp: M, latency: Duration, site: string): void {
  const np = rt.netpoll;
  np.inited = true;
  const latencyNs = sample(rt, latency);
  if (latencyNs === 0) return gostepAfter(rt, mp, rt.config.costs.syncOpNs); // ready at once: no park
  const gp = mp.curg;
  const gen = ++rt.gs.timerGen[gp]!;
  np.waiters++;
  rt.queue.push(rt.nowNs + latencyNs, Ev.NetReady, gp, gen);
  rt.ev("netpoll", gp, mp, mp.p, "park", site, latencyNs);
  gopark(rt, mp, WaitReason.IOWait);
}

/** Ev.NetReady: the kernel has the fd ready; a poller blocked in epoll_wait wakes up. */
export function netReady(rt: Runtime, gp: number, gen: number): void {
  if (rt.gs.timerGen[gp] !== gen || rt.gs.status[gp] !== _Gwaiting) return;
  const np = rt.netpoll;
  np.ready.push(gp);
  const mp = np.blockedM;
  if (mp !== null && !np.blockedMWaking) {
    np.blockedMWaking = true;
    rt.mWake(mp, Resume.NetpollWoken);
  }
}

/** netpoll(0): the goroutines whose fds are ready, taken off the poller. */
export function netpoll(rt: Runtime): number[] {
  const np = rt.netpoll;
  const list = np.ready;
  np.ready = [];
  np.waiters -= list.length;
  return list;
}

/** Non-blocking poll in findRunnable (go1.19 step 7): only if someone waits and no M blocks in netpoll. */
export function netpollNonBlocking(rt: Runtime, mp: M): number {
  const np = rt.netpoll;
  if (!np.inited || np.waiters === 0 || np.blockedM !== null || np.ready.length === 0) return nilG;
  // netpoll(0) here leaves sched.lastpoll alone (only a blocking poll and sysmon's set it).
  const list = netpoll(rt);
  const gp = list.shift()!;
  rt.ev("netpoll", gp, mp, mp.p, "findRunnable", list.length + 1);
  readyStatus(rt, gp, mp, mp.p, "netpoll");
  injectglist(rt, list, mp.p);
  return gp;
}

/**
 * findRunnable's blocking poll (go1.19 step 12): the M has released its P; if goroutines wait on the
 * network and nobody else is blocked in netpoll, this M blocks in epoll_wait (sched.lastpoll = 0).
 * Returns false if the M should stopm instead.
 */
export function netpollBlock(rt: Runtime, mp: M, pollUntilNs: number, wasSpinning: boolean): boolean {
  const np = rt.netpoll;
  const timed = pollUntilNs !== Infinity;
  if (!np.inited || (np.waiters === 0 && !timed) || np.blockedM !== null) return false;
  np.blockedM = mp;
  mp.pollWasSpinning = wasSpinning;
  np.blockedMWaking = false;
  np.pollUntilNs = timed ? pollUntilNs : 0;
  casmstate(rt, mp, "running", "netpoll");
  rt.ev("netpoll", nilG, mp, null, "block", timed ? pollUntilNs - rt.nowNs : -1);
  if (np.ready.length > 0 || (timed && pollUntilNs <= rt.nowNs)) {
    np.blockedMWaking = true;
    rt.mAfter(mp, 0, Resume.NetpollWoken);
  } else if (timed) rt.mSleepTimer(mp, netpollTimeoutNs(pollUntilNs - rt.nowNs), Resume.NetpollWoken);
  else rt.mWait(mp);
  return true;
}

/**
 * netpollBreak for a deadline (proc.go wakeNetPoller / findRunnable): the M blocked in netpoll sleeps
 * until a later deadline (or none) — wake it to recompute its timeout. Returns whether an M is blocked
 * in netpoll at all.
 */
export function netpollBreakBefore(rt: Runtime, whenNs: number): boolean {
  const np = rt.netpoll;
  const mp = np.blockedM;
  if (mp === null) return false;
  if ((np.pollUntilNs === 0 || np.pollUntilNs > whenNs) && !np.blockedMWaking) {
    np.blockedMWaking = true;
    rt.ev("netpoll", nilG, mp, null, "netpollBreak");
    rt.mWake(mp, Resume.NetpollWoken);
  }
  return true;
}

/** Resume.NetpollWoken: epoll_wait returned; take an idle P and run the first ready goroutine. */
export function netpollWoken(rt: Runtime, mp: M): void {
  const np = rt.netpoll;
  np.blockedM = null;
  np.blockedMWaking = false;
  np.pollUntilNs = 0;
  rt.sched.lastpollNs = rt.nowNs;
  casmstate(rt, mp, "netpoll", "running");
  const list = netpoll(rt);
  const pp = pidleget(rt);
  rt.ev("netpoll", nilG, mp, pp, "woken", list.length);
  if (pp === null) {
    injectglist(rt, list, null);
    stopm(rt, mp);
    return;
  }
  acquirep(rt, mp, pp);
  if (list.length > 0) {
    const gp = list.shift()!;
    injectglist(rt, list, pp);
    readyStatus(rt, gp, mp, pp, "netpoll");
    runFound(rt, mp, gp, false);
    return;
  }
  // Woken with nothing ready (a timer is due, or netpollBreak): a spinning M spins again; goto top.
  if (mp.pollWasSpinning) becomeSpinning(rt, mp);
  rt.mAfter(mp, 0, Resume.Schedule);
}

/**
 * injectglist (proc.go, go1.19): make the list runnable. Without a P: all to the global queue and
 * startm per idle P. With a P: npidle of them to the global queue with a startm each, the rest onto
 * the local ring.
 */
export function injectglist(rt: Runtime, list: readonly number[], pp: P | null): void {
  if (list.length === 0) return;
  for (const gp of list) {
    readyStatus(rt, gp, null, pp, "injectglist");
  }
  const startIdle = (n: number) => {
    for (; n !== 0 && rt.sched.npidle !== 0; n--) startm(rt, null, false, "injectglist");
  };
  if (pp === null) {
    for (const gp of list) globrunqput(rt, gp);
    startIdle(list.length);
    return;
  }
  const n = Math.min(rt.sched.npidle, list.length);
  for (let i = 0; i < n; i++) globrunqput(rt, list[i]!);
  startIdle(n);
  for (let i = n; i < list.length; i++) runqput(rt, pp, list[i]!, false);
}

/** sysmon: poll the network if nobody has for 10 ms (proc.go sysmon). */
export function sysmonNetpoll(rt: Runtime): void {
  const np = rt.netpoll;
  if (!np.inited || np.blockedM !== null || rt.sched.lastpollNs + 10e6 >= rt.nowNs) return;
  rt.sched.lastpollNs = rt.nowNs;
  const list = netpoll(rt);
  if (list.length > 0) {
    rt.ev("netpoll", nilG, rt.sysmonM, null, "sysmon", list.length);
    injectglist(rt, list, null);
  }
}

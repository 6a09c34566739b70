// Timers, after runtime/time.go and proc.go (go1.14–go1.22 design, go1.19 reference): each P keeps a
// heap of its timers. time.Sleep and time.NewTimer/After add one to the current P (addtimer) and call
// wakeNetPoller. Timers run on the scheduler's thread: checkTimers at the top of findRunnable for its
// own P, and for other Ps on the last round of stealWork; a readied goroutine goes to the running P's
// runnext. With nothing to run, the M blocks in netpoll until the earliest timer of any P (pollUntil),
// with epoll_wait's millisecond timeout stretched by the timer slack. sysmon's deep sleep stops at the
// next timer. (go1.19's sysmon starts an M for overdue timers only on NetBSD.)
//
// go1.10 keeps its timerproc goroutines instead (timerproc.ts).
import type { Chan } from "./ops.js";
import { netpollBreakBefore } from "./netpoll.js";
import { gopark, ready, wakep } from "./proc.js";
import type { Runtime } from "./runtime.js";
import { WaitReason, _Gwaiting, nilG, type M, type P } from "./runtime2.js";
import { timerChanSend } from "./sync.js";

/** What a timer does when it fires (the `kind` of its heap entry). */
export const enum TimerKind {
  /** time.Sleep: ready the goroutine (target: G slot, token: its timer generation). */
  Sleep = 0,
  /** time.NewTimer / time.After: send on a channel (target: index in rt.timerChans). */
  Chan = 1,
}

/** addtimer (time.go) on pp, then wakeNetPoller(when). */
export function addtimer(rt: Runtime, pp: P, whenNs: number, kind: TimerKind, target: number, token: number): void {
  pp.timers.push(whenNs, kind, target, token);
  // doaddtimer: the first timer initializes the netpoller (the idle M's timed sleep is epoll_wait).
  rt.netpoll.inited = true;
  wakeNetPoller(rt, whenNs);
}

/**
 * wakeNetPoller (proc.go): an M blocked in netpoll with a later deadline is woken (netpollBreak) to
 * recompute its timeout; with no M in netpoll, wakep.
 */
export function wakeNetPoller(rt: Runtime, whenNs: number): void {
  if (!netpollBreakBefore(rt, whenNs)) wakep(rt);
}

/** time.Sleep (timeSleep): park with a timer on the current P. */
export function sleepOp(rt: Runtime, mp: M, durationNs: number): void {
  const gp = mp.curg;
  const gen = ++rt.gs.timerGen[gp]!;
  addtimer(rt, mp.p!, rt.nowNs + durationNs, TimerKind.Sleep, gp, gen);
  gopark(rt, mp, WaitReason.Sleep);
}

/** time.NewTimer(d).C / time.After(d): the channel receives once, d from now. */
export function timerChanOp(rt: Runtime, mp: M, ch: Chan, durationNs: number): number {
  let id = rt.timerChans.indexOf(ch);
  if (id < 0) id = rt.timerChans.push(ch) - 1;
  addtimer(rt, mp.p!, rt.nowNs + durationNs, TimerKind.Chan, id, 0);
  return id;
}

/**
 * checkTimers (proc.go): run pp's expired timers on the current M, whose P is runOn (pp itself, or
 * a spinning M's P stealing them). Returns true if any ran.
 */
export function checkTimers(rt: Runtime, pp: P, runOn: P): boolean {
  const heap = pp.timers;
  let ran = false;
  while (heap.size > 0 && heap.peekTimeNs() <= rt.nowNs) {
    heap.pop();
    const kind = heap.poppedKind;
    const target = heap.poppedTarget;
    const token = heap.poppedToken;
    if (kind === TimerKind.Sleep) {
      if (rt.gs.timerGen[target] !== token || rt.gs.status[target] !== _Gwaiting || rt.gs.waitReason[target] !== WaitReason.Sleep) continue;
      rt.ev("timer_fire", target, runOn.m, runOn, "sleep", pp === runOn ? -1 : pp.id);
      ready(rt, target, runOn);
    } else {
      rt.ev("timer_fire", nilG, runOn.m, runOn, "chan", pp === runOn ? -1 : pp.id);
      timerChanSend(rt, rt.timerChans[target]!, runOn);
    }
    ran = true;
  }
  return ran;
}

/** timeSleepUntil / checkTimersNoP: the earliest timer of any P, or Infinity. */
export function nextTimerNs(rt: Runtime): number {
  let next = Infinity;
  for (const pp of rt.allp) {
    const t = pp.timers.peekTimeNs();
    if (t < next) next = t;
  }
  return next;
}

/** Whether any P has a timer (checkdead: timers will wake someone). */
export function anyTimers(rt: Runtime): boolean {
  return rt.allp.some((pp) => pp.timers.size > 0);
}

/**
 * epoll_wait's timeout for a deadline `delayNs` ahead (netpoll_epoll.go, go1.19): milliseconds —
 * under 1 ms waits 1 ms, else it rounds down; the kernel's timer adds the slack (a timed sleep).
 */
export function netpollTimeoutNs(delayNs: number): number {
  return (delayNs < 1e6 ? 1 : Math.floor(delayNs / 1e6)) * 1e6;
}

// sysmon, after runtime/proc.go (go1.19): the monitor thread that holds no P. Each pass it sleeps
// (20 µs, doubling after 50 idle passes up to 10 ms — stretched by the machine's timer slack), sleeps
// deeply while every P is idle or the world is stopping, and calls retake: Ps sitting in syscalls are
// taken and handed off, and goroutines running over 10 ms are preempted. Each pass also polls the
// network if nobody has for 10 ms (netpoll.ts sysmonNetpoll) and forces a GC cycle when none ran for
// forcegcperiod (gcwork.ts sysmonForceGC). sysmon's thread sleeps and runs its passes on the machine's
// CPUs like any thread (kernel.ts).
//
// Left out (docs/model.md): the scavenger, and the timer-driven startm of go1.14–1.15 (its timers are
// run by the Ms that hold the Ps).
import { caspstatus } from "./status.js";
import { futexWakeNs } from "./machine.js";
import { kSleep, kWakeup } from "./kernel.js";
import { handoffp, preemptone } from "./proc.js";
import { nextTimerNs } from "./time.js";
import { Ev, type Runtime } from "./runtime.js";
import { _Pidle, _Prunning, _Psyscall, nilG } from "./runtime2.js";
import { runqempty } from "./runq.js";
import { pInSyscall, takeP } from "./syscall.js";
import { sysmonNetpoll } from "./netpoll.js";
import { sysmonForceGC } from "./gcwork.js";

/** What the sysmon event that is pending means (kept in the event's target field). */
const enum SysmonWake {
  /** The usleep(delay) at the top of the loop is over. */
  Usleep = 0,
  /** The deep-sleep timeout (min(60 s, next timer)) expired. */
  DeepTimeout = 1,
  /** notewakeup(&sched.sysmonnote) ended the deep sleep. */
  DeepNote = 2,
}

export function sysmonStart(rt: Runtime): void {
  sysmonUsleep(rt);
}

function sysmonUsleep(rt: Runtime): void {
  const sm = rt.sysmon;
  const c = rt.config.constants;
  // if idle == 0 { delay = 20 } else if idle > 50 { delay *= 2 }; if delay > 10*1000 { delay = 10*1000 }
  if (sm.idle === 0) sm.delayUs = c.sysmonDelayUsMin;
  else if (sm.idle > c.sysmonIdlePassesBeforeBackoff) sm.delayUs *= 2;
  if (sm.delayUs > c.sysmonDelayUsMax) sm.delayUs = c.sysmonDelayUsMax;
  sm.gen++;
  rt.sleepTimer(rt.sysmonM!.kt, sm.delayUs * 1000, rt.config.costs.sysmonPassNs, Ev.Sysmon, SysmonWake.Usleep, sm.gen);
}

/** sysmon's thread leaves its CPU for offCpuNs, then runs a pass (its CPU work) when it gets a CPU. */
function sysmonSleep(rt: Runtime, offCpuNs: number, wake: SysmonWake): void {
  kSleep(rt, rt.sysmonM!.kt, offCpuNs, rt.config.costs.sysmonPassNs, Ev.Sysmon, wake, rt.sysmon.gen);
}

/** Ev.Sysmon. */
export function sysmonWake(rt: Runtime, wake: number, token: number): void {
  const sm = rt.sysmon;
  if (token !== sm.gen || rt.stoppedBy !== null) return;
  const s = rt.sched;
  if (wake === SysmonWake.Usleep) {
    // Deep sleep while nothing can need retaking (unless schedtrace keeps sysmon awake).
    if (rt.config.schedtraceNs <= 0 && (s.gcwaiting || s.npidle === rt.gomaxprocs)) {
      const nextNs = nextTimerNs(rt);
      if (nextNs > rt.nowNs) {
        s.sysmonwait = true;
        sm.deepSleeping = true;
        const sleepNs = Math.min(rt.config.constants.sysmonDeepSleepNsMax, nextNs - rt.nowNs);
        sm.gen++;
        rt.ev("sysmon", nilG, rt.sysmonM, null, "deep-sleep", sleepNs);
        sysmonSleep(rt, sleepNs, SysmonWake.DeepTimeout);
        return;
      }
    }
  } else {
    // notetsleep returned: sysmonwait = 0; a wake by notewakeup (syscallWake) resets the backoff.
    s.sysmonwait = false;
    sm.deepSleeping = false;
    // go1.16+: only a wake by notewakeup (a syscall needs watching) resets the backoff; go1.10: any wake.
    if (wake === SysmonWake.DeepNote || !rt.config.rules.sysmonBackoffResetOnNoteOnly) {
      sm.idle = 0;
      sm.delayUs = rt.config.constants.sysmonDelayUsMin;
    }
  }
  sysmonPass(rt);
  sysmonUsleep(rt);
}

function sysmonPass(rt: Runtime): void {
  const sm = rt.sysmon;
  rt.ev("sysmon", nilG, rt.sysmonM, null, "wake", sm.delayUs);
  sysmonNetpoll(rt);
  sysmonForceGC(rt);
  if (retake(rt, rt.nowNs) !== 0) sm.idle = 0;
  else sm.idle++;
  if (rt.config.schedtraceNs > 0 && rt.nowNs - sm.lastTraceNs >= rt.config.schedtraceNs) {
    sm.lastTraceNs = rt.nowNs;
    rt.ev("schedtrace", nilG, rt.sysmonM, null);
  }
}

/** notewakeup(&sched.sysmonnote) by entersyscall_sysmon, exitsyscallfast_pidle, exitsyscall0, startTheWorld. */
export function sysmonNoteWakeup(rt: Runtime): void {
  const s = rt.sched;
  if (!s.sysmonwait) return;
  s.sysmonwait = false;
  const sm = rt.sysmon;
  sm.gen++;
  rt.ev("notewakeup", nilG, rt.sysmonM, null, "sysmonnote");
  // A futex wake placed in the waker's context. Onto the waker's CPU sysmon runs only once the waker
  // has left it: measured, it never preempts (docs/model.md, "Sysmon's note wake and the late
  // interrupt"); an M woken so by sysmon does, as EEVDF decides.
  kWakeup(rt, rt.sysmonM!.kt, futexWakeNs(rt), rt.config.costs.sysmonPassNs, Ev.Sysmon, SysmonWake.DeepNote, sm.gen, false);
}

/**
 * retake (proc.go, go1.19), for each P:
 * - running or in a syscall with the same schedtick for forcePreemptNS (10 ms): preemptone, and
 *   mark sysretake (a G making many short syscalls never reschedules);
 * - in _Psyscall: (a) first sight of this syscall (syscalltick changed): record it and move on — so a
 *   P is taken only after sysmon saw the same syscall on two passes; (b) spare it while its runq is
 *   empty, someone spins or idles, and the syscall is under 10 ms old; (c) otherwise CAS it to
 *   _Pidle, p.syscalltick++, and handoffp.
 * Returns the number of Ps taken from syscalls (preemptions do not count).
 */
export function retake(rt: Runtime, nowNs: number): number {
  const c = rt.config.constants;
  const s = rt.sched;
  const noPsyscall = rt.config.rules.syscallP === "running";
  let n = 0;
  for (const pp of rt.allp) {
    const pd = pp.sysmontick;
    // go1.26+: "in a syscall" is the G's status on a _Prunning P (setBlockOnExitSyscall), not _Psyscall.
    const status = noPsyscall && pInSyscall(rt, pp) ? _Psyscall : pp.status;
    let sysretake = false;
    // go1.13+ watches schedtick for running and syscall Ps (sysretake); go1.10 only for _Prunning ones.
    if (status === _Prunning || (status === _Psyscall && c.sysretake)) {
      const t = pp.schedtick;
      if (pd.schedtick !== t) {
        pd.schedtick = t;
        pd.schedwhenNs = nowNs;
      } else if (pd.schedwhenNs + c.forcePreemptNs <= nowNs) {
        if (preemptone(rt, pp, rt.sysmonM)) rt.ev("retake", pp.m?.curg ?? nilG, pp.m, pp, "preempt-long-running");
        sysretake = c.sysretake;
      }
    }
    if (status !== _Psyscall) continue;
    const t = pp.syscalltick;
    if (!sysretake && pd.syscalltick !== t) {
      pd.syscalltick = t;
      pd.syscallwhenNs = nowNs;
      continue;
    }
    if (runqempty(pp) && s.nmspinning + s.npidle > 0 && pd.syscallwhenNs + c.syscallKeepPNs > nowNs) continue;
    const reason = sysretake
      ? "sysretake"
      : !runqempty(pp)
        ? "runq-not-empty"
        : s.nmspinning + s.npidle === 0
          ? "no-spinning-m-or-idle-p"
          : "syscall-over-10ms";
    n++;
    if (noPsyscall) {
      rt.ev("retake", nilG, null, pp, reason);
      takeP(rt, pp, "retake");
    } else {
      caspstatus(rt, pp, _Psyscall, _Pidle);
      pp.syscalltick++;
      rt.ev("retake", nilG, null, pp, reason);
    }
    handoffp(rt, pp, "");
  }
  return n;
}

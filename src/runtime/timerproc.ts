// go1.10 timers (runtime/time.go, go1.10): time.Sleep adds a timer to bucket P.id % 64; each bucket
// has a timerproc goroutine that runs expired timers (readying sleepers) and otherwise sleeps until
// the next one with notetsleepg — entersyscallblock, so its P is handed off and its thread blocks:
// one blocked thread per active bucket. An earlier timer added while it sleeps wakes it
// (notewakeup(&tb.waitnote)); with no timers it parks ("timer goroutine (idle)") until addtimer readies
// it. go1.14 replaced all of this with per-P timer heaps.
import type { GeneratorProgram, Op } from "./ops.js";
import { Resume, gopark, newproc, ready } from "./proc.js";
import type { Runtime } from "./runtime.js";
import { EventQueue } from "../sim/event_queue.js";
import { WaitReason, _Gwaiting, nilG, type M } from "./runtime2.js";
import { entersyscallblock } from "./syscall.js";

/** go1.10 time.go: timersLen buckets; a timer goes to bucket P.id % timersLen. */
const timerprocBuckets = 64;

export interface TimerBucket {
  readonly id: number;
  /** (whenNs, G slot of the sleeper). */
  readonly heap: EventQueue;
  /** The bucket's timerproc goroutine (G slot), or 0 before it is created. */
  timerproc: number;
  state: "running" | "parked" | "sleeping";
  sleepUntilNs: number;
  /** The M blocked in notetsleepg while sleeping. */
  sleeper: M | null;
}

/** time.Sleep → addtimer (time.go, go1.10): park the caller on its P's bucket. */
export function addtimer(rt: Runtime, mp: M, durationNs: number): void {
  const id = mp.p!.id % timerprocBuckets;
  let tb = rt.timerBuckets.get(id);
  if (tb === undefined) {
    tb = { id, heap: new EventQueue(16), timerproc: nilG, state: "running", sleepUntilNs: 0, sleeper: null };
    rt.timerBuckets.set(id, tb);
  }
  const whenNs = rt.nowNs + durationNs;
  tb.heap.push(whenNs, 0, mp.curg, 0);
  if (tb.timerproc === nilG) {
    tb.timerproc = newproc(rt, timerprocProgram(tb), mp.p, mp.curg);
  } else if (tb.state === "parked") {
    tb.state = "running";
    ready(rt, tb.timerproc, mp.p);
  } else if (tb.state === "sleeping" && whenNs < tb.sleepUntilNs && tb.sleeper !== null) {
    // notewakeup(&tb.waitnote): the sleeping thread returns from its notetsleepg early.
    rt.ev("notewakeup", nilG, tb.sleeper, null, "timerproc");
    tb.state = "running";
    rt.mWake(tb.sleeper, Resume.SyscallReturn);
  }
  gopark(rt, mp, WaitReason.Sleep);
}

function timerprocProgram(tb: TimerBucket): GeneratorProgram {
  const step: Op = { op: "native", name: "timerproc", step: (rt, mp) => timerprocStep(rt, mp, tb) };
  return {
    kind: "generator",
    name: `timerproc[${tb.id}]`,
    start: function* () {
      for (;;) yield step;
    },
  };
}

/** One turn of timerproc's loop. */
function timerprocStep(rt: Runtime, mp: M, tb: TimerBucket): void {
  tb.state = "running";
  tb.sleeper = null;
  const heap = tb.heap;
  while (heap.size > 0 && heap.peekTimeNs() <= rt.nowNs) {
    heap.pop();
    const gp = heap.poppedTarget;
    if (rt.gs.status[gp] === _Gwaiting && rt.gs.waitReason[gp] === WaitReason.Sleep) {
      rt.ev("timer_fire", gp, mp, mp.p, "timerproc", -1);
      ready(rt, gp, mp.p);
    }
  }
  if (heap.size === 0) {
    tb.state = "parked";
    gopark(rt, mp, WaitReason.TimerGoroutineIdle);
    return;
  }
  // notetsleepg(&tb.waitnote, delta): entersyscallblock, a futex sleep (stretched by the timer slack).
  const deltaNs = heap.peekTimeNs() - rt.nowNs;
  tb.state = "sleeping";
  tb.sleepUntilNs = heap.peekTimeNs();
  tb.sleeper = mp;
  entersyscallblock(rt, mp, "notetsleepg");
  rt.mSleepTimer(mp, deltaNs, Resume.SyscallReturn, rt.config.costs.entersyscallNs);
}

// The dedicated-syscall-thread policy: the design proposed in Go issue 58492 ("Eliminate the syscall
// state"). Every M gets a companion syscall thread; a goroutine making a syscall parks like any
// waiting goroutine, and the syscall thread makes the call while the M keeps running other goroutines
// on its P. When the call returns the goroutine is readied through the global queue (the syscall thread
// has no P) and a spinning M is woken if a P idles.
//
// What it costs, as the maintainers pointed out on the issue: a thread wake-up for every syscall
// (unless the syscall thread is already awake), and the goroutine's return through the run queue.
// Interpretation where the proposal is silent (docs/policies.md): if the M's syscall thread is busy
// with another goroutine's call, an idle syscall thread of another M is borrowed, else a new one is
// created — so blocking calls never serialize behind each other.
import { futexWakeUnplacedNs, threadStartNs } from "./machine.js";
import { gopark, mcount } from "./proc.js";
import { ready } from "./proc.js";
import { Ev, type Runtime } from "./runtime.js";
import { WaitReason, _Gwaiting, type M } from "./runtime2.js";
import type { SyscallOp } from "./syscall.js";

export interface SyscallThread {
  readonly id: number;
  /** The M this thread belongs to. */
  readonly owner: M;
  /** The goroutine whose call it is making, or 0 when idle (parked on its note). */
  gp: number;
  /** The M whose P the goroutine should return to. */
  caller: M | null;
  gen: number;
}

export function syscallThreadOp(rt: Runtime, mp: M, op: SyscallOp, durationNs: number): void {
  const gp = mp.curg;
  let st = rt.syscallThreads.find((t) => t.owner === mp && t.gp === 0) ?? rt.syscallThreads.find((t) => t.gp === 0);
  let startNs: number;
  if (st === undefined) {
    st = { id: rt.syscallThreads.length, owner: mp, gp: 0, caller: null, gen: 0 };
    rt.syscallThreads.push(st);
    rt.ev("newm", 0, mp, null, "syscall-thread", mcount(rt) + rt.syscallThreads.length);
    startNs = threadStartNs(rt);
  } else {
    rt.ev("notewakeup", 0, mp, null, "syscall-thread");
    startNs = futexWakeUnplacedNs(rt);
  }
  st.gp = gp;
  st.caller = mp;
  st.gen++;
  rt.ev("entersyscall", gp, mp, mp.p, op.site, mp.p?.syscalltick ?? 0, st.id);
  rt.queue.push(rt.nowNs + startNs + durationNs, Ev.SyscallThread, st.id, st.gen);
  gopark(rt, mp, WaitReason.Syscall);
}

/** Ev.SyscallThread: the call returned; the goroutine is readied and the syscall thread parks. */
export function syscallThreadDone(rt: Runtime, id: number, token: number): void {
  const st = rt.syscallThreads[id]!;
  if (st.gen !== token || st.gp === 0 || rt.stoppedBy !== null) return;
  const gp = st.gp;
  const caller = st.caller!;
  st.gp = 0;
  st.caller = null;
  if (rt.gs.status[gp] !== _Gwaiting) return;
  // The syscall thread holds no P, and only a P's owner may use its local queue: the goroutine goes to
  // the global queue and wakep finds it an M.
  rt.gs.inSyscall[gp] = 0;
  ready(rt, gp, null);
  rt.ev("exitsyscall", gp, caller, null, "syscall-thread", id);
}

// The runtime's data structures, after runtime/runtime2.go: G, M, P, schedt and their status words.
//
// Ownership (as runtime2.go documents it):
// - A G in _Grunnable is in exactly one run queue (a P's runnext or ring, or the global queue).
// - A G in _Grunning or _Gsyscall is the curg of exactly one M. A G in _Gsyscall may have a P
//   attached by affinity (m.oldp, P in _Psyscall) but does not own it.
// - A G in _Gwaiting sits in exactly one wait structure (channel, WaitGroup, mutex, timer, GC).
// - An idle P (_Pidle) is on sched.pidle with an empty run queue; a _Prunning P has one M with m.p == P;
//   a _Psyscall P has no M (p.m == null) and its last M has m.oldp == P.
// - An idle M is on sched.midle, parked on its note, holding no P.
//
// Goroutines are stored column-wise (GTable) so a million of them cost a few dozen bytes each.

// G statuses (runtime2.go).
export const _Gidle = 0;
export const _Grunnable = 1;
export const _Grunning = 2;
export const _Gsyscall = 3;
export const _Gwaiting = 4;
export const _Gdead = 6;
export const _Gpreempted = 9;
export const _Gscan = 0x1000;

// P statuses (runtime2.go).
export const _Pidle = 0;
export const _Prunning = 1;
export const _Psyscall = 2;
export const _Pgcstop = 3;
export const _Pdead = 4;

const gStatusNames: Record<number, string> = {
  [_Gidle]: "_Gidle",
  [_Grunnable]: "_Grunnable",
  [_Grunning]: "_Grunning",
  [_Gsyscall]: "_Gsyscall",
  [_Gwaiting]: "_Gwaiting",
  [_Gdead]: "_Gdead",
  [_Gpreempted]: "_Gpreempted",
};
const pStatusNames = ["_Pidle", "_Prunning", "_Psyscall", "_Pgcstop", "_Pdead"];

export const gStatusName = (s: number): string => gStatusNames[s] ?? `G(${s})`;
export const pStatusName = (s: number): string => pStatusNames[s] ?? `P(${s})`;

/** Why a G is waiting (a subset of runtime2.go's waitReason). */
export const enum WaitReason {
  None = 0,
  ChanSend,
  ChanReceive,
  Select,
  SyncWaitGroupWait,
  SyncMutexLock,
  Sleep,
  GCWait,
  /** dedicated-syscall-thread policy: the call is made by another thread. */
  Syscall,
  /** go1.10: a timerproc with no timers (waitReasonTimerGoroutineIdle). */
  TimerGoroutineIdle,
  /** Parked on the network poller (waitReasonIOWait). */
  IOWait,
  /** A GC mark worker with nothing to do (waitReasonGCWorkerIdle). */
  GCWorkerIdle,
  /** The forcegc helper, parked until sysmon injects it (waitReasonForceGCIdle). */
  ForceGCIdle,
}

export const nilG = 0; // G slot 0 is never used: 0 means "no G", as a nil *g.
export const noP = -1;
export const noM = -1;

/**
 * All goroutines, one column per field, indexed by slot. Slots of dead Gs are reused (gfget/gfput);
 * goid is the Go-visible id and is never reused.
 */
export class GTable {
  capacity: number;
  count = 1; // slots in use or freed; slot 0 is nil
  status: Uint16Array;
  goid: Int32Array;
  /** M id running this G (curg), or -1. */
  m: Int32Array;
  /** Intrusive link for the global run queue and wait queues (0 = end). */
  schedlink: Int32Array;
  /** Index of the G's program in Runtime.programs. */
  program: Int32Array;
  pc: Int32Array;
  /** Two loop registers inline; deeper nesting spills to Runtime.extraRegisters. */
  reg0: Int32Array;
  reg1: Int32Array;
  /** Compute left to do when a compute op was preempted (ns of CPU work). */
  remainingNs: Float64Array;
  /** The op result handed back to the program on its next step (recv ok, select index). */
  result: Int32Array;
  /** Generation of the G's pending timer; a fired timer with another token is stale. */
  timerGen: Int32Array;
  waitReason: Uint8Array;
  /** g.preempt: a preemption request is pending. */
  preempt: Uint8Array;
  /** Syscall-in-progress flag (g.syscallsp != 0 in Go). */
  inSyscall: Uint8Array;
  /** The current compute op is a tight loop without calls (no cooperative preemption point). */
  noCalls: Uint8Array;
  /** g.lockedm: the M this G is locked to (LockOSThread), or -1. */
  lockedm: Int32Array;
  private freeHead = 0;

  constructor(initialCapacity = 1024) {
    this.capacity = initialCapacity;
    this.status = new Uint16Array(initialCapacity);
    this.goid = new Int32Array(initialCapacity);
    this.m = new Int32Array(initialCapacity);
    this.schedlink = new Int32Array(initialCapacity);
    this.program = new Int32Array(initialCapacity);
    this.pc = new Int32Array(initialCapacity);
    this.reg0 = new Int32Array(initialCapacity);
    this.reg1 = new Int32Array(initialCapacity);
    this.remainingNs = new Float64Array(initialCapacity);
    this.result = new Int32Array(initialCapacity);
    this.timerGen = new Int32Array(initialCapacity);
    this.waitReason = new Uint8Array(initialCapacity);
    this.preempt = new Uint8Array(initialCapacity);
    this.inSyscall = new Uint8Array(initialCapacity);
    this.noCalls = new Uint8Array(initialCapacity);
    this.lockedm = new Int32Array(initialCapacity).fill(noM);
  }

  /** gfget/malg: a slot for a new G in _Gdead, reusing a freed one if any. */
  alloc(): number {
    if (this.freeHead !== 0) {
      const gp = this.freeHead;
      this.freeHead = this.schedlink[gp]!;
      this.schedlink[gp] = 0;
      return gp;
    }
    if (this.count === this.capacity) this.grow();
    const gp = this.count++;
    this.status[gp] = _Gdead;
    this.m[gp] = noM;
    return gp;
  }

  /** gfput: the slot of a dead G becomes reusable. */
  free(gp: number): void {
    this.schedlink[gp] = this.freeHead;
    this.freeHead = gp;
  }

  *freeSlots(): Generator<number> {
    for (let gp = this.freeHead; gp !== 0; gp = this.schedlink[gp]!) yield gp;
  }

  private grow(): void {
    // Grow by half, not double, to keep the bytes per goroutine close to the live count.
    const n = Math.ceil(this.capacity * 1.5);
    const g16 = (a: Uint16Array) => copyInto(new Uint16Array(n), a);
    const g8 = (a: Uint8Array) => copyInto(new Uint8Array(n), a);
    const g32 = (a: Int32Array) => copyInto(new Int32Array(n), a);
    const g64 = (a: Float64Array) => copyInto(new Float64Array(n), a);
    this.status = g16(this.status);
    this.goid = g32(this.goid);
    this.m = g32(this.m);
    this.schedlink = g32(this.schedlink);
    this.program = g32(this.program);
    this.pc = g32(this.pc);
    this.reg0 = g32(this.reg0);
    this.reg1 = g32(this.reg1);
    this.remainingNs = g64(this.remainingNs);
    this.result = g32(this.result);
    this.timerGen = g32(this.timerGen);
    this.waitReason = g8(this.waitReason);
    this.preempt = g8(this.preempt);
    this.inSyscall = g8(this.inSyscall);
    this.noCalls = g8(this.noCalls);
    const lockedm = new Int32Array(n).fill(noM);
    lockedm.set(this.lockedm);
    this.lockedm = lockedm;
    this.capacity = n;
  }
}

function copyInto<T extends { set(a: T): void }>(to: T, from: T): T {
  to.set(from);
  return to;
}

import { EventQueue } from "../sim/event_queue.js";
import type { KThread } from "./kernel.js";

export const runqSize = 256; // runtime2.go: p.runq [256]guintptr

export class P {
  status = _Pidle;
  /** Back-link to the M running this P (p.m), or null. */
  m: M | null = null;
  /** p.link: next P on sched.pidle. */
  link: P | null = null;
  /** On sched.pidle (the P's bit in idlepMask). */
  onIdleList = false;
  /**
   * Incremented on every non-inherited execute (a new time slice). Starts at 1: by the time main runs,
   * the runtime's start-up goroutines have been scheduled (a fresh 0 would make the first schedule
   * take the global queue first, the schedtick%61 rule — a state real programs are never in).
   */
  schedtick = 1;
  /** Incremented on every syscall exit, at entersyscallblock, and whenever the P is taken from a syscall. */
  syscalltick = 0;
  runqhead = 0;
  runqtail = 0;
  readonly runq = new Int32Array(runqSize);
  runnext = 0;
  /** The P's timer heap (go1.14+): (whenNs, TimerKind, target, token) — time.ts. */
  readonly timers = new EventQueue(8);
  /** p.preempt: an asynchronous preemption was requested for this P (go1.14+). */
  preempt = false;
  /** sysmon's last observation of this P (proc.go sysmontick). */
  readonly sysmontick = { schedtick: 0, schedwhenNs: 0, syscalltick: 0, syscallwhenNs: 0 };
  constructor(readonly id: number) {}
}

/** What an M is doing, derived from its fields in Go; kept explicit here for observers and checks (transitions: status.ts mTransitions). */
export type MState =
  | "running" // has a P, executing Go code or the scheduler
  | "syscall" // in the kernel via entersyscall (no P, classic)
  | "rawsyscall" // in the kernel via RawSyscall (keeps its P)
  | "idle" // on sched.midle, parked on m.park
  | "starting" // clone()d, not yet running mstart
  | "waking" // notewakeup(m.park) sent, not yet running
  | "stw" // waiting in stopTheWorldWithSema for Ps to stop
  | "netpoll" // blocked in netpoll (epoll_wait) without a P
  | "lockedidle" // parked in stoplockedm, waiting for its locked G (nmidlelocked)
  | "system" // the template thread
  | "dead" // exited (mexit)
  | "sysmon";

export class M {
  p: P | null = null;
  nextp: P | null = null;
  oldp: P | null = null;
  curg = nilG;
  spinning = false;
  /** m.schedlink: next M on sched.midle. */
  schedlink: M | null = null;
  syscalltick = 0;
  /** m.lockedg: the G locked to this M (LockOSThread), or 0; lockedExt counts LockOSThread calls. */
  lockedg = nilG;
  lockedExt = 0;
  /** m.park was notewakeup'd before the M parked (notes are sticky): stoplockedm returns at once. */
  noteWoken = false;
  /** Generation of the M's pending event; bumping it cancels that event. */
  gen = 0;
  /** Written only by casmstate (status.ts); allocm's M starts "starting". */
  state: MState = "starting";
  /** What the M does when its pending event fires (see proc.ts Resume). */
  resume = 0;
  /** Steal iteration left suspended in runqgrab's usleep(3). */
  readonly steal = { round: 0, start: 0, step: 0, k: 0, victim: -1, g: 0, ranTimer: false };
  /** The M was spinning when it blocked in netpoll (findRunnable's wasSpinning). */
  pollWasSpinning = false;
  /** The G whose compute op this M's pending step is (cpu.ts), or 0. */
  computingG = nilG;
  /** id: the M's id; kt: its kernel thread (kernel.ts). */
  constructor(
    readonly id: number,
    readonly kt: KThread,
  ) {}
}

/** sched (schedt in runtime2.go): the global scheduler state. */
export class Schedt {
  /** Next M id (mnext); mcount() = mnext - nmfreed. */
  mnext = 0;
  nmfreed = 0;
  maxmcount = 10000;
  /** System Ms (sysmon, template thread) that never run Go code. */
  nmsys = 0;
  /** Ms parked in stoplockedm. */
  nmidlelocked = 0;
  midle: M | null = null;
  nmidle = 0;
  pidle: P | null = null;
  npidle = 0;
  nmspinning = 0;
  /** go1.20+: a wakep found no idle P; the next M to release its P must spin instead. */
  needspinning = false;
  /** Global run queue: intrusive FIFO through GTable.schedlink. */
  runqhead = nilG;
  runqtail = nilG;
  runqsize = 0;
  gcwaiting = false;
  stopwait = 0;
  sysmonwait = false;
  /** Last time netpoll ran (Go's sched.lastpoll; "0" there — an M blocked in netpoll — is netpoll.blockedM here). */
  lastpollNs = 0;
}

export const freezeStopWait = 0x7fffffff;

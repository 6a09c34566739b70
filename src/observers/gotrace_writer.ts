// The simulated run as a Go execution trace (old format, "go 1.19 trace"): runtime events → the
// trace events Go 1.19's runtime would have written at the same points (proc.go's traceGo*/traceProc*
// calls), with the sequence numbers and per-P placement Go 1.19's parser demands
// (Go 1.19's internal/trace/parser.go: parseEvents, and order.go: order1007; docs/outputs.md).
//
// The mapping, one runtime function at a time (Go 1.19 writes):
//   acquirep                → ProcStart(thread = M id), unless the P is still started in the trace
//                             (exitsyscallfast re-wiring its own P writes nothing, as wirep doesn't)
//   releasep                → ProcStop
//   newproc                 → GoCreate(g, start-function stack, creator's `go` site)
//   execute                 → [GoSysExit(g, seq, exit ticks) if the G comes back from a blocked
//                             syscall through exitsyscall0], GoStart(g, seq)
//   goexit0 / gopark        → GoEnd / GoBlockSend|Recv|Select|Sync, GoSleep, GoBlock, GoStop (select{})
//   ready                   → GoUnblock(g, seq) on the readying P, or in the "no P" batch
//   goschedImpl/gopreempt_m → GoSched / GoPreempt
//   entersyscall            → GoSysCall(site stack); nothing more if the call returns on the same P
//   retake, stop-the-world, forEachP or entersyscall_gcwait taking a _Psyscall P
//                           → GoSysBlock, ProcStop on that P (sysmon writes into the P's buffer)
//   entersyscallblock       → GoSysCall, GoSysBlock (then releasep's ProcStop)
//   exitsyscallfast_pidle   → (acquirep's ProcStart) GoSysExit(g, seq, 0), GoStart
//   takeP (go1.26+: the P of an M in a syscall taken by sysmon, forEachP or a returning thread)
//                           → GoSysBlock, ProcStop on that P, as for a _Psyscall P
//   exitsyscallTryGetP (go1.26+: its old P taken back, or an idle P) → as exitsyscallfast_pidle
//   exitsyscallfast_reacquired → GoSysBlock (the other G's syscall), GoSysExit(0), GoStart
//   exitsyscall0            → nothing; the real exit time is written by execute's GoSysExit
//   gcStart, stop/startTheWorld, the cycle's end → GCStart, GCSTWStart(1 sweep term / 0 mark term),
//                             GCSTWDone, GCDone
// At the end every running G gets GoSched (a G in a syscall GoSysBlock), every P ProcStop, open
// GC/STW phases their end: no G is left running, as the 1.19 viewer requires.
//
// The encoder is passed in (src/gotrace/writer_v1.ts's V1Writer fits `TraceEncoder`): this layer
// may not import src/gotrace (tools/check_imports.mjs).
import type { Observer, RuntimeEvent } from "../runtime/events.js";
import type { Runtime } from "../runtime/runtime.js";
import { WaitReason, _Psyscall } from "../runtime/runtime2.js";
import { currentOp, siteFrames, siteKey } from "./trace_sites.js";

/** What the observer needs from a v1 encoder (V1Writer implements it). */
export interface TraceEncoder {
  event(pid: number, type: number, ticks: number, args: readonly number[]): void;
  stack(frames: readonly { func: string; file: string; line: number }[]): number;
  finish(): void;
}

/** v1 event types (Go 1.19 internal/trace). */
export const TraceEv = {
  Gomaxprocs: 4,
  ProcStart: 5,
  ProcStop: 6,
  GCStart: 7,
  GCDone: 8,
  GCSTWStart: 9,
  GCSTWDone: 10,
  GoCreate: 13,
  GoStart: 14,
  GoEnd: 15,
  GoStop: 16,
  GoSched: 17,
  GoPreempt: 18,
  GoSleep: 19,
  GoBlock: 20,
  GoUnblock: 21,
  GoBlockSend: 22,
  GoBlockRecv: 23,
  GoBlockSelect: 24,
  GoBlockSync: 25,
  GoSysCall: 28,
  GoSysExit: 29,
  GoSysBlock: 30,
} as const;

const NO_P = -1;

const enum GS {
  Runnable,
  Running,
  /** In a syscall, its P still attached (only GoSysCall written). */
  Syscall,
  /** In a syscall after GoSysBlock (waiting, for the parser). */
  SysBlocked,
  Waiting,
  Dead,
}

interface GTrace {
  seq: number;
  state: GS;
  /** P the G last ran on. */
  p: number;
  /** Ticks when its blocked syscall returned (exitsyscall0), or 0. */
  exitTicks: number;
}

interface PTrace {
  started: boolean;
  /** The parser's "current G" of this P (0 = none). */
  lastG: number;
}

/** A recorded trace event (tests: round trip against the reader). */
export interface WrittenEvent {
  readonly pid: number;
  readonly type: number;
  readonly ticks: number;
  readonly args: readonly number[];
}

export interface GoTraceOptions {
  /** Keep a copy of every written event (tests). */
  readonly record?: boolean;
}

export class GoTraceObserver implements Observer {
  readonly written: WrittenEvent[] = [];
  /** endSysBlocks: GoSysBlock written at the end for calls still in progress; blockedAtEnd: calls blocked with no GoSysExit. */
  readonly stats = { endSysBlocks: 0, blockedAtEnd: 0 };
  private readonly record: boolean;
  private readonly gs = new Map<number, GTrace>();
  private readonly ps: PTrace[];
  private readonly noP: PTrace = { started: false, lastG: 0 };
  private begun = false;
  private gcCount = 0;
  private gcOpen = false;
  private stwOpen = false;
  /** The next stop-the-world is mark termination (kind 0) rather than sweep termination (kind 1). */
  private markTermination = false;
  private ended = false;
  private readonly stackCache = new Map<string, number>();

  constructor(
    private readonly rt: Runtime,
    private readonly enc: TraceEncoder,
    o: GoTraceOptions = {},
  ) {
    this.record = o.record === true;
    this.ps = Array.from({ length: rt.gomaxprocs }, () => ({ started: false, lastG: 0 }));
  }

  private ticks(ns: number): number {
    return Math.round(ns) + 1;
  }

  private pt(p: number): PTrace {
    return p < 0 ? this.noP : this.ps[p]!;
  }

  private g(goid: number): GTrace {
    let g = this.gs.get(goid);
    if (g === undefined) {
      g = { seq: 0, state: GS.Dead, p: -1, exitTicks: 0 };
      this.gs.set(goid, g);
    }
    return g;
  }

  private put(p: number, type: number, ticks: number, ...args: number[]): void {
    this.enc.event(p < 0 ? NO_P : p, type, ticks, args);
    if (this.record) this.written.push({ pid: p, type, ticks, args });
  }

  private begin(ticks: number, p: number): void {
    if (this.begun) return;
    this.begun = true;
    this.put(p, TraceEv.Gomaxprocs, ticks, this.rt.gomaxprocs, 0);
  }

  /** The stack of G slot `gp` at its current op (src/observers/trace_sites.ts). */
  private opStack(gp: number, site = ""): number {
    if (gp <= 0) return 0;
    const key = siteKey(this.rt, gp, site);
    let id = this.stackCache.get(key);
    if (id === undefined) {
      id = this.enc.stack(siteFrames(this.rt, gp, site));
      this.stackCache.set(key, id);
    }
    return id;
  }

  /** The running G slot of M `m` (the G an event is about, before the runtime drops it). */
  private curg(m: number): number {
    return m < 0 ? 0 : (this.rt.allm[m]?.curg ?? 0);
  }

  private startStack(program: string): number {
    const key = `start:${program}`;
    let id = this.stackCache.get(key);
    if (id === undefined) {
      id = this.enc.stack([{ func: `main.${program}`, file: `${program}.go`, line: 1 }]);
      this.stackCache.set(key, id);
    }
    return id;
  }

  private procStop(p: number, t: number): void {
    const pt = this.pt(p);
    if (p < 0 || !pt.started) return;
    pt.started = false;
    this.put(p, TraceEv.ProcStop, t);
  }

  /** The G attached to a _Psyscall P loses it: GoSysBlock, ProcStop in that P's batch. */
  private sysBlockP(p: number, t: number): void {
    const pt = this.pt(p);
    if (pt.lastG !== 0) {
      const g = this.g(pt.lastG);
      if (g.state === GS.Syscall) {
        this.put(p, TraceEv.GoSysBlock, t);
        g.state = GS.SysBlocked;
        pt.lastG = 0;
      }
    }
    this.procStop(p, t);
  }

  private start(goid: number, p: number, t: number): void {
    const g = this.g(goid);
    const pt = this.pt(p);
    g.seq++;
    this.put(p, TraceEv.GoStart, t, goid, g.seq);
    g.state = GS.Running;
    g.p = p;
    pt.lastG = goid;
  }

  private sysExit(goid: number, p: number, t: number, realTicks: number): void {
    const g = this.g(goid);
    g.seq++;
    this.put(p, TraceEv.GoSysExit, t, goid, g.seq, realTicks);
    g.state = GS.Runnable;
    g.exitTicks = 0;
  }

  /** The running G of P `p` stops with `type` and becomes `state`. */
  private stopG(e: Readonly<RuntimeEvent>, type: number, state: GS, stk: number): void {
    const t = this.ticks(e.timeNs);
    const pt = this.pt(e.p);
    this.put(e.p, type, t, ...(type === TraceEv.GoEnd ? [] : [stk]));
    const g = this.g(e.goid);
    g.state = state;
    pt.lastG = 0;
  }

  onEvent(e: Readonly<RuntimeEvent>): void {
    if (this.ended) return;
    const t = this.ticks(e.timeNs);
    switch (e.fn) {
      case "acquirep": {
        const pt = this.pt(e.p);
        if (!pt.started) {
          pt.started = true;
          this.put(e.p, TraceEv.ProcStart, t, e.m);
        }
        this.begin(t, e.p);
        return;
      }
      case "releasep":
        this.procStop(e.p, t);
        return;
      case "newproc": {
        this.begin(t, 0);
        const g = this.g(e.goid);
        g.seq = 0;
        g.state = GS.Runnable;
        g.p = e.p;
        const creator = this.curg(e.m);
        this.put(e.p, TraceEv.GoCreate, t, e.goid, this.startStack(e.program), creator !== 0 && e.creatorGoid !== 0 ? this.opStack(creator) : 0);
        return;
      }
      case "execute": {
        const g = this.g(e.goid);
        if (g.state === GS.SysBlocked) this.sysExit(e.goid, e.p, t, g.exitTicks);
        this.start(e.goid, e.p, t);
        return;
      }
      case "goexit0":
        this.stopG(e, TraceEv.GoEnd, GS.Dead, 0);
        return;
      case "gopark": {
        const gp = this.curg(e.m);
        const stk = this.opStack(gp);
        let type: number = TraceEv.GoBlock;
        switch (e.waitReason) {
          case WaitReason.ChanSend:
            type = TraceEv.GoBlockSend;
            break;
          case WaitReason.ChanReceive:
            type = TraceEv.GoBlockRecv;
            break;
          case WaitReason.Select: {
            const op = currentOp(this.rt, gp);
            // select {} parks forever: GoStop, as block() writes.
            type = op !== undefined && op.op === "select" && op.cases.length === 0 ? TraceEv.GoStop : TraceEv.GoBlockSelect;
            break;
          }
          case WaitReason.SyncMutexLock:
          case WaitReason.SyncWaitGroupWait:
            type = TraceEv.GoBlockSync;
            break;
          case WaitReason.Sleep:
            type = TraceEv.GoSleep;
            break;
          default:
            type = TraceEv.GoBlock;
        }
        this.stopG(e, type, type === TraceEv.GoStop ? GS.Dead : GS.Waiting, stk);
        return;
      }
      case "ready": {
        const g = this.g(e.goid);
        g.seq++;
        const stk = e.p >= 0 && this.pt(e.p).lastG !== 0 ? this.opStack(this.curg(e.m)) : 0;
        this.put(e.p, TraceEv.GoUnblock, t, e.goid, g.seq, stk);
        g.state = GS.Runnable;
        return;
      }
      case "goschedImpl":
      case "gopreempt_m":
        this.stopG(e, e.fn === "goschedImpl" ? TraceEv.GoSched : TraceEv.GoPreempt, GS.Runnable, this.opStack(this.curg(e.m)));
        return;
      case "entersyscall":
      case "entersyscallblock": {
        const gp = this.curg(e.m);
        const g = this.g(e.goid);
        this.put(e.p, TraceEv.GoSysCall, t, this.opStack(gp, e.site === "cgocall" ? "" : e.site));
        g.state = GS.Syscall;
        if (e.fn === "entersyscallblock") {
          this.put(e.p, TraceEv.GoSysBlock, t);
          g.state = GS.SysBlocked;
          this.pt(e.p).lastG = 0;
        }
        return;
      }
      case "retake":
      case "entersyscall_gcwait":
        if (e.pFrom === _Psyscall) this.sysBlockP(e.p, t);
        return;
      case "takeP":
        // go1.26+ (no _Psyscall): sysmon, forEachP or a returning thread takes the P from the M whose G
        // is in a syscall on it — that call blocks, as a retaken _Psyscall P's does in 1.19's terms.
        this.sysBlockP(e.p, t);
        return;
      case "forEachP":
        // forEachP (the GC's mark-done flush) takes a _Psyscall P as STW does (proc.go: traceGoSysBlock, traceProcStop).
        this.sysBlockP(e.p, t);
        return;
      case "stopTheWorldWithSema":
        if (e.reason === "took-syscall-p") this.sysBlockP(e.p, t);
        else if (e.reason === "begin") {
          this.put(e.p, TraceEv.GCSTWStart, t, this.markTermination ? 0 : 1);
          this.stwOpen = true;
        }
        return;
      case "startTheWorldWithSema":
        if (this.markTermination) {
          this.put(e.p, TraceEv.GCDone, t);
          this.gcOpen = false;
          this.markTermination = false;
        }
        this.put(e.p, TraceEv.GCSTWDone, t);
        this.stwOpen = false;
        return;
      case "gcStart":
        this.put(e.p, TraceEv.GCStart, t, this.gcCount++, this.opStack(this.curg(e.m)));
        this.gcOpen = true;
        this.markTermination = false;
        return;
      case "gcMarkDone":
        this.markTermination = true;
        return;
      case "exitsyscallfast_reacquired": {
        // Our P was taken and is back in _Psyscall for another G's call: that call blocks now.
        this.sysBlockOther(e.p, e.goid, t);
        this.sysExit(e.goid, e.p, t, 0);
        this.start(e.goid, e.p, t);
        return;
      }
      case "exitsyscallfast_pidle":
      case "exitsyscallTryGetP": {
        const g = this.g(e.goid);
        if (g.state !== GS.SysBlocked) this.forceBlocked(e.goid, t);
        this.sysExit(e.goid, e.p, t, 0);
        this.start(e.goid, e.p, t);
        return;
      }
      case "exitsyscall0": {
        const g = this.g(e.goid);
        if (g.state !== GS.SysBlocked) this.forceBlocked(e.goid, t);
        g.exitTicks = t;
        return;
      }
      case "exitsyscall":
        if (e.reason === "fast") {
          const g = this.g(e.goid);
          if (g.state === GS.Syscall) g.state = GS.Running;
        }
        return;
      default:
        return;
    }
  }

  /** exitsyscallfast_reacquired: the P's current G (another G in a syscall) blocks. */
  private sysBlockOther(p: number, self: number, t: number): void {
    const pt = this.pt(p);
    if (pt.lastG !== 0 && pt.lastG !== self) {
      const other = this.g(pt.lastG);
      if (other.state === GS.Syscall) {
        this.put(p, TraceEv.GoSysBlock, t);
        other.state = GS.SysBlocked;
      }
      pt.lastG = 0;
    }
  }

  /** Defensive: a syscall leaves without its P having been seen taken; block it on its P first. */
  private forceBlocked(goid: number, t: number): void {
    const g = this.g(goid);
    if (g.state !== GS.Syscall) return;
    const pt = this.pt(g.p);
    if (pt.lastG === goid) {
      this.put(g.p, TraceEv.GoSysBlock, t);
      pt.lastG = 0;
    }
    g.state = GS.SysBlocked;
  }

  onEnd(endTimeNs: number): void {
    if (this.ended) return;
    const t = this.ticks(Math.max(endTimeNs, this.rt.nowNs));
    this.begin(t, 0);
    for (let p = 0; p < this.ps.length; p++) {
      const pt = this.ps[p]!;
      if (pt.lastG !== 0) {
        const g = this.g(pt.lastG);
        if (g.state === GS.Running) {
          this.put(p, TraceEv.GoSched, t, 0);
          g.state = GS.Runnable;
        } else if (g.state === GS.Syscall) {
          this.put(p, TraceEv.GoSysBlock, t);
          g.state = GS.SysBlocked;
          this.stats.endSysBlocks++;
        }
        pt.lastG = 0;
      }
      this.procStop(p, t);
    }
    for (const g of this.gs.values()) if (g.state === GS.SysBlocked) this.stats.blockedAtEnd++;
    if (this.gcOpen) this.put(NO_P, TraceEv.GCDone, t);
    if (this.stwOpen) this.put(NO_P, TraceEv.GCSTWDone, t);
    this.ended = true;
    this.enc.finish();
  }
}

/** An observer factory for simulate()'s `observers`: the run as a v1 trace through `enc`. */
export function goTraceObserver(enc: TraceEncoder, o: GoTraceOptions = {}): (rt: Runtime) => GoTraceObserver {
  return (rt) => new GoTraceObserver(rt, enc, o);
}

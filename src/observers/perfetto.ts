// The simulated run as Chrome trace-event JSON (opens in ui.perfetto.dev and chrome://tracing),
// streamed to a sink in chunks (docs/outputs.md).
//
// Processes and tracks:
//   pid 1 "Ps"          a track per P: "G<id> <program>" while a goroutine runs on it (green),
//                       "syscall G<id>" while the P sits in _Psyscall attached to a thread in the
//                       kernel (orange); "GC" and "STW" tracks; counters "runqueue" (global and per-P
//                       run-queue lengths) and "threads" (running / in syscall / idle Ms).
//   pid 2 "Ms"          a track per M: "P<n>" while it holds a P, "syscall <site> G<id>" while it is
//                       in the kernel through entersyscall, "rawsyscall <site>", "idle" parked on
//                       m.park; sysmon's track has an instant per retake.
//   pid 3 "Goroutines"  a track per goroutine, one slice per state: runnable, running, syscall,
//                       syscall (P lost), waiting (<reason>), coloured by state.
// Flow arrows ("s"/"f", category "handoff"): from the thread whose syscall lost its P (sysmon
// retake, entersyscallblock, stop-the-world, entersyscall_gcwait) to the thread that acquires that
// P next.
//
// Slices are written as B/E pairs, one open slice per track at most: a track's next state ends the
// previous one, and the end of the run closes every open slice, so B/E always balance.
import type { Observer, RuntimeEvent } from "../runtime/events.js";
import type { Runtime } from "../runtime/runtime.js";
import { _Psyscall } from "../runtime/runtime2.js";

export type TextSink = (text: string) => void;

const PID_P = 1;
const PID_M = 2;
const PID_G = 3;
const TID_GC = 100000;
const TID_STW = 100001;

/** Chrome's reserved colour names, by state. */
const colour = {
  running: "thread_state_running",
  runnable: "thread_state_runnable",
  syscall: "thread_state_iowait",
  lost: "thread_state_uninterruptible",
  waiting: "thread_state_sleeping",
  idle: "grey",
  gc: "bad",
} as const;

const waitReasons = ["", "chan send", "chan receive", "select", "semacquire (WaitGroup)", "semacquire (Mutex)", "sleep", "wait for GC cycle"];

interface Open {
  name: string;
}

export interface PerfettoOptions {
  /** A track per goroutine (default true). */
  readonly goroutineTracks?: boolean;
  /** Flush to the sink when the buffer reaches this many characters (default 64 Ki). */
  readonly chunkChars?: number;
}

export class PerfettoObserver implements Observer {
  private buf = "";
  private first = true;
  private readonly chunk: number;
  private readonly gTracks: boolean;
  private readonly open = new Map<string, Open>();
  private readonly names = new Map<number, string>();
  /** Per P: the goid in a syscall attached to it, or 0. */
  private readonly pSyscallG: number[];
  /** Per P: the flow id waiting for the P's next acquirer, or 0. */
  private readonly pFlow: number[];
  private readonly mSite = new Map<number, string>();
  private readonly seenM = new Set<number>();
  private flowId = 0;
  private inSyscall = 0;
  private lastThreads = "";
  private lastRunq = "";
  private ended = false;
  /** Events written (tests, figures). */
  count = 0;

  constructor(
    private readonly rt: Runtime,
    private readonly sink: TextSink,
    o: PerfettoOptions = {},
  ) {
    this.chunk = o.chunkChars ?? 64 * 1024;
    this.gTracks = o.goroutineTracks ?? true;
    this.pSyscallG = new Array<number>(rt.gomaxprocs).fill(0);
    this.pFlow = new Array<number>(rt.gomaxprocs).fill(0);
    this.buf = '{"displayTimeUnit":"ns","otherData":{"generator":"gosched"},"traceEvents":[\n';
    this.meta(PID_P, null, "process_name", "Ps");
    this.meta(PID_M, null, "process_name", "Ms (threads)");
    this.meta(PID_G, null, "process_name", "Goroutines");
    for (const [pid, i] of [
      [PID_P, 0],
      [PID_M, 1],
      [PID_G, 2],
    ] as const) {
      this.write({ name: "process_sort_index", ph: "M", pid, args: { sort_index: i } });
    }
    for (let p = 0; p < rt.gomaxprocs; p++) this.meta(PID_P, p, "thread_name", `P${p}`);
    this.meta(PID_P, TID_GC, "thread_name", "GC");
    this.meta(PID_P, TID_STW, "thread_name", "STW");
  }

  private write(ev: object): void {
    this.buf += (this.first ? "" : ",\n") + JSON.stringify(ev);
    this.first = false;
    this.count++;
    if (this.buf.length >= this.chunk) {
      this.sink(this.buf);
      this.buf = "";
    }
  }

  private meta(pid: number, tid: number | null, name: string, value: string): void {
    this.write(tid === null ? { name, ph: "M", pid, args: { name: value } } : { name, ph: "M", pid, tid, args: { name: value } });
  }

  private static us(ns: number): number {
    return Math.round(ns) / 1000;
  }

  /** Sets the one open slice of track (pid, tid): ends the current one, begins `name` (null: none). */
  private slice(pid: number, tid: number, ns: number, name: string | null, cname?: string, args?: object): void {
    const key = `${pid}:${tid}`;
    const cur = this.open.get(key);
    const ts = PerfettoObserver.us(ns);
    if (cur !== undefined) {
      if (name === cur.name) return;
      this.write({ name: cur.name, ph: "E", ts, pid, tid });
      this.open.delete(key);
    }
    if (name === null) return;
    const ev: Record<string, unknown> = { name, cat: pid === PID_P ? "p" : pid === PID_M ? "m" : "g", ph: "B", ts, pid, tid };
    if (cname !== undefined) ev.cname = cname;
    if (args !== undefined) ev.args = args;
    this.write(ev);
    this.open.set(key, { name });
  }

  private gName(goid: number): string {
    return `G${goid}${this.names.has(goid) ? ` ${this.names.get(goid)!}` : ""}`;
  }

  private gState(goid: number, ns: number, state: string | null, cname?: string): void {
    if (!this.gTracks || goid < 0) return;
    this.slice(PID_G, goid, ns, state, cname);
  }

  private seeM(m: number, reason = ""): void {
    if (m < 0 || this.seenM.has(m)) return;
    this.seenM.add(m);
    this.meta(PID_M, m, "thread_name", `M${m}${reason === "sysmon" ? " sysmon" : ""}`);
  }

  private flowStart(p: number, m: number, ns: number, why: string): void {
    if (p < 0 || m < 0) return;
    const id = ++this.flowId;
    this.pFlow[p] = id;
    this.write({ name: `P${p} ${why}`, cat: "handoff", ph: "s", id, ts: PerfettoObserver.us(ns), pid: PID_M, tid: m });
  }

  /** The P lost by a syscall: its P track, the G's state, the arrow's start. */
  private syscallLost(p: number, ns: number, why: string): void {
    const goid = this.pSyscallG[p]!;
    this.slice(PID_P, p, ns, null);
    if (goid !== 0) {
      this.gState(goid, ns, "syscall (P lost)", colour.lost);
      this.pSyscallG[p] = 0;
      const gp = this.slotOf(goid);
      const m = gp === 0 ? -1 : this.rt.gs.m[gp]!;
      this.flowStart(p, m, ns, why);
    }
  }

  private slotOf(goid: number): number {
    // Gs in syscalls are the curg of their M: search the Ms (few).
    for (const mp of this.rt.allm) if (mp.curg !== 0 && this.rt.gs.goid[mp.curg] === goid) return mp.curg;
    return 0;
  }

  onEvent(e: Readonly<RuntimeEvent>): void {
    if (this.ended) return;
    const t = e.timeNs;
    switch (e.fn) {
      case "newm":
        this.seeM(e.m, e.reason);
        break;
      case "newproc":
        this.names.set(e.goid, e.reason);
        if (this.gTracks) this.meta(PID_G, e.goid, "thread_name", this.gName(e.goid));
        this.gState(e.goid, t, "runnable", colour.runnable);
        break;
      case "acquirep": {
        this.seeM(e.m);
        const site = this.mSite.get(e.m);
        if (site === undefined) this.slice(PID_M, e.m, t, `P${e.p}`, colour.running);
        const flow = this.pFlow[e.p]!;
        if (flow !== 0) {
          this.pFlow[e.p] = 0;
          this.write({ name: `P${e.p} handoff`, cat: "handoff", ph: "f", bp: "e", id: flow, ts: PerfettoObserver.us(t), pid: PID_M, tid: e.m });
        }
        break;
      }
      case "releasep":
        if (e.m >= 0 && !this.mSite.has(e.m)) this.slice(PID_M, e.m, t, null);
        if (e.p >= 0) this.slice(PID_P, e.p, t, null);
        break;
      case "stopm":
        this.slice(PID_M, e.m, t, "idle", colour.idle);
        break;
      case "execute":
        this.slice(PID_P, e.p, t, this.gName(e.goid), colour.running, { goid: e.goid });
        this.gState(e.goid, t, "running", colour.running);
        break;
      case "goexit0":
        this.slice(PID_P, e.p, t, null);
        this.gState(e.goid, t, null);
        this.names.delete(e.goid);
        break;
      case "gopark":
        this.slice(PID_P, e.p, t, null);
        this.gState(e.goid, t, `waiting (${waitReasons[e.arg] ?? "park"})`, colour.waiting);
        break;
      case "goschedImpl":
      case "gopreempt_m":
        this.slice(PID_P, e.p, t, null);
        this.gState(e.goid, t, e.fn === "gopreempt_m" ? "runnable (preempted)" : "runnable", colour.runnable);
        break;
      case "ready":
        this.gState(e.goid, t, "runnable", colour.runnable);
        break;
      case "entersyscall":
      case "entersyscallblock": {
        const site = e.reason;
        this.mSite.set(e.m, site);
        this.slice(PID_M, e.m, t, `syscall ${site} G${e.goid}`, colour.syscall, { goid: e.goid, site });
        this.gState(e.goid, t, "syscall", colour.syscall);
        if (e.fn === "entersyscall") {
          this.pSyscallG[e.p] = e.goid;
          this.slice(PID_P, e.p, t, `syscall G${e.goid}`, colour.syscall, { goid: e.goid, site });
        } else {
          this.slice(PID_P, e.p, t, null);
          this.gState(e.goid, t, "syscall (P lost)", colour.lost);
          this.flowStart(e.p, e.m, t, "entersyscallblock");
        }
        break;
      }
      case "rawsyscall":
        this.slice(PID_M, e.m, t, `rawsyscall ${e.reason}`, colour.syscall, { goid: e.goid });
        break;
      case "rawsyscall_return":
        this.slice(PID_M, e.m, t, `P${e.p}`, colour.running);
        break;
      case "retake":
        if (e.pFrom === _Psyscall) {
          const m = this.rt.sysmonM?.id ?? -1;
          if (m >= 0) this.write({ name: `retake P${e.p}`, cat: "sysmon", ph: "i", s: "t", ts: PerfettoObserver.us(t), pid: PID_M, tid: m, args: { reason: e.reason } });
          this.syscallLost(e.p, t, `retake (${e.reason})`);
        }
        break;
      case "entersyscall_gcwait":
        if (e.pFrom === _Psyscall) this.syscallLost(e.p, t, "gcwait");
        break;
      case "stopTheWorldWithSema":
        if (e.reason === "took-syscall-p") this.syscallLost(e.p, t, "stop-the-world");
        else if (e.reason === "begin") this.slice(PID_P, TID_STW, t, this.rt.gc.phase === "stw2" ? "STW mark termination" : "STW sweep termination", colour.gc);
        break;
      case "startTheWorldWithSema":
        this.slice(PID_P, TID_STW, t, null);
        if (this.rt.gc.phase === "stw2") this.slice(PID_P, TID_GC, t, null);
        break;
      case "gcStart":
        this.slice(PID_P, TID_GC, t, `GC ${e.arg}`, colour.gc);
        break;
      case "exitsyscallfast_reacquired":
        // The other G's syscall on our P loses it.
        if (this.pSyscallG[e.p] !== 0 && this.pSyscallG[e.p] !== e.goid) this.gState(this.pSyscallG[e.p]!, t, "syscall (P lost)", colour.lost);
        this.pSyscallG[e.p] = 0;
        break;
      case "exitsyscall0":
        this.mSite.delete(e.m);
        this.slice(PID_M, e.m, t, null);
        this.gState(e.goid, t, "runnable (after syscall)", colour.lost);
        this.inSyscall--;
        break;
      case "exitsyscall":
        if (e.reason === "fast") {
          this.mSite.delete(e.m);
          this.inSyscall--;
          this.slice(PID_M, e.m, t, `P${e.p}`, colour.running);
          if (this.pSyscallG[e.p] === e.goid) this.pSyscallG[e.p] = 0;
          this.slice(PID_P, e.p, t, this.gName(e.goid), colour.running, { goid: e.goid });
          this.gState(e.goid, t, "running", colour.running);
        }
        break;
      default:
        break;
    }
    if (e.fn === "entersyscall" || e.fn === "entersyscallblock") this.inSyscall++;
    this.counters(t);
  }

  private counters(t: number): void {
    const rt = this.rt;
    const s = rt.sched;
    const total = s.mnext - s.nmfreed;
    const idle = s.nmidle;
    const running = total - idle - s.nmsys - this.inSyscall;
    const threads = `${running},${this.inSyscall},${idle}`;
    if (threads !== this.lastThreads) {
      this.lastThreads = threads;
      this.write({ name: "threads", ph: "C", ts: PerfettoObserver.us(t), pid: PID_P, args: { running, syscall: this.inSyscall, idle } });
    }
    let key = `${s.runqsize}`;
    for (const pp of rt.allp) key += `,${pp.runqtail - pp.runqhead + (pp.runnext !== 0 ? 1 : 0)}`;
    if (key !== this.lastRunq) {
      this.lastRunq = key;
      const args: Record<string, number> = { global: s.runqsize };
      for (const pp of rt.allp) args[`P${pp.id}`] = pp.runqtail - pp.runqhead + (pp.runnext !== 0 ? 1 : 0);
      this.write({ name: "runqueue", ph: "C", ts: PerfettoObserver.us(t), pid: PID_P, args });
    }
  }

  onEnd(endTimeNs: number): void {
    if (this.ended) return;
    this.ended = true;
    const ts = PerfettoObserver.us(endTimeNs);
    for (const [key, o] of this.open) {
      const [pid, tid] = key.split(":").map(Number) as [number, number];
      this.write({ name: o.name, ph: "E", ts, pid, tid });
    }
    this.open.clear();
    this.buf += "\n]}\n";
    this.sink(this.buf);
    this.buf = "";
  }
}

/** An observer factory for simulate()'s `observers`. */
export function perfettoObserver(sink: TextSink, o: PerfettoOptions = {}): (rt: Runtime) => PerfettoObserver {
  return (rt) => new PerfettoObserver(rt, sink, o);
}

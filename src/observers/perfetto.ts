// The simulated run as a Perfetto trace, streamed to a sink in chunks (docs/outputs.md): what goes
// on which track is decided here once; an encoder writes it as Chrome trace-event JSON (below: opens
// in ui.perfetto.dev and chrome://tracing) or as Perfetto's protobuf format (perfetto_proto.ts).
//
// Processes and tracks:
//   pid 1 "Ps"          a track per P: "<program>" while a goroutine runs on it (green),
//                       "syscall <site>" while the P sits in _Psyscall attached to a thread in the
//                       kernel (orange); "GC" and "STW" tracks; counters "runqueue" (global and per-P
//                       run-queue lengths) and "threads" (running / in syscall / idle Ms).
//   pid 2 "Ms"          a track per M: "P<n>" while it holds a P, "syscall <site>" while it is
//                       in the kernel through entersyscall, "rawsyscall <site>", "idle" parked on
//                       m.park; sysmon's track has an instant per retake.
// A slice about a goroutine carries its id as the argument `goid`, not in its name: names repeat
// (one per program or call site, not per goroutine), so the protobuf form interns each once.
//   pid 3 "Goroutines"  a track per goroutine, one slice per state: runnable, running, syscall,
//                       syscall (P lost), waiting (<reason>), coloured by state.
// Flow arrows ("s"/"f", category "handoff"): from the thread whose syscall lost its P (sysmon
// retake, entersyscallblock, stop-the-world, entersyscall_gcwait, forEachP) to the thread that acquires that
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
  /** The goroutine the slice is about (its `goid` argument), or -1. */
  goid: number;
}

export interface PerfettoOptions {
  /** A track per goroutine (default true). */
  readonly goroutineTracks?: boolean;
  /** Flush to the sink when the buffer reaches this many characters (default 64 Ki). */
  readonly chunkChars?: number;
}

/** Slice arguments (debug annotations). */
export type TraceArgs = Readonly<Record<string, number | string>>;

/**
 * How the tracks are written. pid groups tracks (Ps, Ms, Goroutines), tid names a track within its
 * group; times are simulated ns. Calls come in time order.
 */
export interface PerfettoEncoder {
  processName(pid: number, name: string): void;
  processSortIndex(pid: number, index: number): void;
  trackName(pid: number, tid: number, name: string): void;
  begin(pid: number, tid: number, ns: number, name: string, cat: string, cname?: string, args?: TraceArgs): void;
  end(pid: number, tid: number, ns: number, name: string): void;
  instant(pid: number, tid: number, ns: number, name: string, cat: string, args: TraceArgs): void;
  /** A flow arrow's start, bound to the track's current slice. */
  flowStart(pid: number, tid: number, ns: number, id: number, name: string, cat: string): void;
  flowEnd(pid: number, tid: number, ns: number, id: number, name: string, cat: string): void;
  /** A counter group: one value per series. */
  counter(pid: number, ns: number, name: string, values: Readonly<Record<string, number>>): void;
  /** The end: flushes everything to the sink. */
  finish(): void;
  /** Events written. */
  readonly count: number;
}

/** Chrome trace-event JSON: `{"displayTimeUnit":"ns","traceEvents":[…]}`, ts in µs (ns precision). */
export class PerfettoJsonEncoder implements PerfettoEncoder {
  private buf = '{"displayTimeUnit":"ns","otherData":{"generator":"gosched"},"traceEvents":[\n';
  private first = true;
  private readonly chunk: number;
  count = 0;

  constructor(
    private readonly sink: TextSink,
    o: { readonly chunkChars?: number } = {},
  ) {
    this.chunk = o.chunkChars ?? 64 * 1024;
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

  private static us(ns: number): number {
    return Math.round(ns) / 1000;
  }

  processName(pid: number, name: string): void {
    this.write({ name: "process_name", ph: "M", pid, args: { name } });
  }
  processSortIndex(pid: number, index: number): void {
    this.write({ name: "process_sort_index", ph: "M", pid, args: { sort_index: index } });
  }
  trackName(pid: number, tid: number, name: string): void {
    this.write({ name: "thread_name", ph: "M", pid, tid, args: { name } });
  }
  begin(pid: number, tid: number, ns: number, name: string, cat: string, cname?: string, args?: TraceArgs): void {
    const ev: Record<string, unknown> = { name, cat, ph: "B", ts: PerfettoJsonEncoder.us(ns), pid, tid };
    if (cname !== undefined) ev.cname = cname;
    if (args !== undefined) ev.args = args;
    this.write(ev);
  }
  end(pid: number, tid: number, ns: number, name: string): void {
    this.write({ name, ph: "E", ts: PerfettoJsonEncoder.us(ns), pid, tid });
  }
  instant(pid: number, tid: number, ns: number, name: string, cat: string, args: TraceArgs): void {
    this.write({ name, cat, ph: "i", s: "t", ts: PerfettoJsonEncoder.us(ns), pid, tid, args });
  }
  flowStart(pid: number, tid: number, ns: number, id: number, name: string, cat: string): void {
    this.write({ name, cat, ph: "s", id, ts: PerfettoJsonEncoder.us(ns), pid, tid });
  }
  flowEnd(pid: number, tid: number, ns: number, id: number, name: string, cat: string): void {
    this.write({ name, cat, ph: "f", bp: "e", id, ts: PerfettoJsonEncoder.us(ns), pid, tid });
  }
  counter(pid: number, ns: number, name: string, values: Readonly<Record<string, number>>): void {
    this.write({ name, ph: "C", ts: PerfettoJsonEncoder.us(ns), pid, args: values });
  }
  finish(): void {
    this.buf += "\n]}\n";
    this.sink(this.buf);
    this.buf = "";
  }
}

export class PerfettoObserver implements Observer {
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
  private readonly enc: PerfettoEncoder;

  /** `out`: a text sink (Chrome JSON) or an encoder (e.g. PerfettoProtoEncoder). */
  constructor(
    private readonly rt: Runtime,
    out: TextSink | PerfettoEncoder,
    o: PerfettoOptions = {},
  ) {
    this.enc = typeof out === "function" ? new PerfettoJsonEncoder(out, o) : out;
    this.gTracks = o.goroutineTracks ?? true;
    this.pSyscallG = new Array<number>(rt.gomaxprocs).fill(0);
    this.pFlow = new Array<number>(rt.gomaxprocs).fill(0);
    this.enc.processName(PID_P, "Ps");
    this.enc.processName(PID_M, "Ms (threads)");
    this.enc.processName(PID_G, "Goroutines");
    for (const [pid, i] of [
      [PID_P, 0],
      [PID_M, 1],
      [PID_G, 2],
    ] as const) {
      this.enc.processSortIndex(pid, i);
    }
    for (let p = 0; p < rt.gomaxprocs; p++) this.enc.trackName(PID_P, p, `P${p}`);
    this.enc.trackName(PID_P, TID_GC, "GC");
    this.enc.trackName(PID_P, TID_STW, "STW");
  }

  /** Events written (tests, figures). */
  get count(): number {
    return this.enc.count;
  }

  /** Sets the one open slice of track (pid, tid): ends the current one, begins `name` (null: none). */
  private slice(pid: number, tid: number, ns: number, name: string | null, cname?: string, args?: TraceArgs): void {
    const key = `${pid}:${tid}`;
    const cur = this.open.get(key);
    const goid = typeof args?.goid === "number" ? args.goid : -1;
    if (cur !== undefined) {
      if (name === cur.name && goid === cur.goid) return;
      this.enc.end(pid, tid, ns, cur.name);
      this.open.delete(key);
    }
    if (name === null) return;
    this.enc.begin(pid, tid, ns, name, pid === PID_P ? "p" : pid === PID_M ? "m" : "g", cname, args);
    this.open.set(key, { name, goid });
  }

  private gName(goid: number): string {
    return `G${goid}${this.names.has(goid) ? ` ${this.names.get(goid)!}` : ""}`;
  }

  /** A P's slice while goroutine goid runs on it: its program (the goid is the slice's argument). */
  private runName(goid: number): string {
    const program = this.names.get(goid);
    return program === undefined || program === "" ? "goroutine" : program;
  }

  private gState(goid: number, ns: number, state: string | null, cname?: string): void {
    if (!this.gTracks || goid < 0) return;
    this.slice(PID_G, goid, ns, state, cname);
  }

  private seeM(m: number, reason = ""): void {
    if (m < 0 || this.seenM.has(m)) return;
    this.seenM.add(m);
    this.enc.trackName(PID_M, m, `M${m}${reason === "sysmon" ? " sysmon" : ""}`);
  }

  private flowStart(p: number, m: number, ns: number, why: string): void {
    if (p < 0 || m < 0) return;
    const id = ++this.flowId;
    this.pFlow[p] = id;
    this.enc.flowStart(PID_M, m, ns, id, `P${p} ${why}`, "handoff");
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

  /** A thread back from its syscall (G `self`) took its old P: the other G's syscall on it loses it. */
  private takenBack(p: number, self: number, ns: number): void {
    const other = this.pSyscallG[p]!;
    if (other !== 0 && other !== self) this.gState(other, ns, "syscall (P lost)", colour.lost);
    this.pSyscallG[p] = 0;
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
        this.names.set(e.goid, e.program);
        if (this.gTracks) this.enc.trackName(PID_G, e.goid, this.gName(e.goid));
        this.gState(e.goid, t, "runnable", colour.runnable);
        break;
      case "acquirep": {
        this.seeM(e.m);
        const site = this.mSite.get(e.m);
        if (site === undefined) this.slice(PID_M, e.m, t, `P${e.p}`, colour.running);
        const flow = this.pFlow[e.p]!;
        if (flow !== 0) {
          this.pFlow[e.p] = 0;
          this.enc.flowEnd(PID_M, e.m, t, flow, `P${e.p} handoff`, "handoff");
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
        this.slice(PID_P, e.p, t, this.runName(e.goid), colour.running, { goid: e.goid });
        this.gState(e.goid, t, "running", colour.running);
        break;
      case "goexit0":
        this.slice(PID_P, e.p, t, null);
        this.gState(e.goid, t, null);
        this.names.delete(e.goid);
        break;
      case "gopark":
        this.slice(PID_P, e.p, t, null);
        this.gState(e.goid, t, `waiting (${waitReasons[e.waitReason] ?? "park"})`, colour.waiting);
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
        const site = e.site;
        this.mSite.set(e.m, site);
        this.slice(PID_M, e.m, t, `syscall ${site}`, colour.syscall, { goid: e.goid });
        this.gState(e.goid, t, "syscall", colour.syscall);
        if (e.fn === "entersyscall") {
          this.pSyscallG[e.p] = e.goid;
          this.slice(PID_P, e.p, t, `syscall ${site}`, colour.syscall, { goid: e.goid });
        } else {
          this.slice(PID_P, e.p, t, null);
          this.gState(e.goid, t, "syscall (P lost)", colour.lost);
          this.flowStart(e.p, e.m, t, "entersyscallblock");
        }
        break;
      }
      case "rawsyscall":
        this.slice(PID_M, e.m, t, `rawsyscall ${e.site}`, colour.syscall, { goid: e.goid });
        break;
      case "rawsyscall_return":
        this.slice(PID_M, e.m, t, `P${e.p}`, colour.running);
        break;
      case "retake":
        // go1.26+ has no _Psyscall: a retake (not a preemption) takes the P from the M in a syscall on
        // it, with the P still attached when this event comes (takeP follows).
        if (e.pFrom === _Psyscall || (e.reason !== "preempt-long-running" && this.rt.config.rules.syscallP === "running")) {
          const m = this.rt.sysmonM?.id ?? -1;
          if (m >= 0) this.enc.instant(PID_M, m, t, `retake P${e.p}`, "sysmon", { reason: e.reason });
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
        this.slice(PID_P, TID_GC, t, `GC ${e.cycle}`, colour.gc);
        break;
      case "forEachP":
        this.syscallLost(e.p, t, "forEachP");
        break;
      case "takeP":
        // go1.26+: a returning thread takes its old P back from the M now in a syscall on it.
        // The event is about the G that loses the P; the returning one is not among pSyscallG.
        if (e.reason === "exitsyscallTryGetP") this.takenBack(e.p, -1, t);
        break;
      case "exitsyscallfast_reacquired":
        this.takenBack(e.p, e.goid, t);
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
          this.slice(PID_P, e.p, t, this.runName(e.goid), colour.running, { goid: e.goid });
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
      this.enc.counter(PID_P, t, "threads", { running, syscall: this.inSyscall, idle });
    }
    let key = `${s.runqsize}`;
    for (const pp of rt.allp) key += `,${pp.runqtail - pp.runqhead + (pp.runnext !== 0 ? 1 : 0)}`;
    if (key !== this.lastRunq) {
      this.lastRunq = key;
      const args: Record<string, number> = { global: s.runqsize };
      for (const pp of rt.allp) args[`P${pp.id}`] = pp.runqtail - pp.runqhead + (pp.runnext !== 0 ? 1 : 0);
      this.enc.counter(PID_P, t, "runqueue", args);
    }
  }

  onEnd(endTimeNs: number): void {
    if (this.ended) return;
    this.ended = true;
    for (const [key, o] of this.open) {
      const [pid, tid] = key.split(":").map(Number) as [number, number];
      this.enc.end(pid, tid, endTimeNs, o.name);
    }
    this.open.clear();
    this.enc.finish();
  }
}

/** An observer factory for simulate()'s `observers`. */
export function perfettoObserver(sink: TextSink, o: PerfettoOptions = {}): (rt: Runtime) => PerfettoObserver {
  return (rt) => new PerfettoObserver(rt, sink, o);
}

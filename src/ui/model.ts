// The UI's data model: what the timeline, the charts and the step-through draw, as flat typed arrays
// (cheap to build, transferable from the worker, fast to search). Built from runtime events by
// TimelineRecorder (simulations) or from a Go trace by traceToTimeline (trace_import.ts).
// No DOM and no node:* here: it runs in the worker and in node tests.
import { buildLod } from "./lod.js";

/** What a lane shows during a span. */
export const enum SpanKind {
  /** A goroutine runs (P: on this P; M: on this thread). */
  Run = 1,
  /** P: left in _Psyscall by entersyscall; M: in the kernel through entersyscall. */
  Syscall = 2,
  /** In the kernel through RawSyscall: the P stays _Prunning, the M keeps it. */
  Raw = 3,
  /** Runtime code with no goroutine: the scheduler, acquirep…releasep. */
  Sched = 4,
  /** M spinning in findRunnable, looking for work. */
  Spin = 5,
  /** P stopped for a stop-the-world (_Pgcstop). */
  GcStop = 6,
  /** M created or woken (clone / futex wake), not yet running. */
  Starting = 7,
}

export const spanKindNames: Record<number, string> = {
  1: "running",
  2: "syscall",
  3: "raw syscall",
  4: "scheduler",
  5: "spinning",
  6: "gc stop",
  7: "starting",
};

export const enum ArrowKind {
  /** sysmon's retake of a P in _Psyscall. */
  Retake = 1,
  /** handoffp/startm: a P given to an M. */
  Handoff = 2,
  /** sysmon asks a long-running goroutine to yield. */
  Preempt = 3,
}

export const enum MarkKind {
  SysmonWake = 1,
  SysmonDeepSleep = 2,
  ThreadCreate = 3,
}

export interface Lane {
  readonly label: string;
  readonly kind: "P" | "M";
  readonly id: number;
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly kinds: Uint8Array;
  readonly goid: Int32Array;
  /** Pre-aggregated zoom levels (lod.ts), coarsest first; built in the worker. */
  lod?: readonly LodLevel[];
}

/**
 * One zoom level of a lane: the time cut into equal buckets, each with the state that covers most
 * of it (kind 0 when the lane is mostly idle there). Drawing a zoomed-out lane reads a level with
 * one to four buckets per pixel instead of its spans (as Perfetto pre-aggregates per zoom level).
 */
export interface LodLevel {
  readonly bucketNs: number;
  readonly kinds: Uint8Array;
  readonly goid: Int32Array;
}

/** Run-wide figures for the summary bar, when the run has no metrics (a real trace). */
export interface TraceStats {
  /** System calls entered (GoSyscallBegin / GoSysCall). */
  readonly syscalls: number;
  /** Ps taken from a syscall (ProcSteal; old format: GoSysBlock). */
  readonly lostP: number;
  /** Peak threads; null when the trace does not name threads (old format). */
  readonly threadsPeak: number | null;
}

/** Step-function counters over time (a sample when a value changes). */
export interface Series {
  readonly time: Float64Array;
  readonly threads: Int32Array;
  readonly idleP: Int32Array;
  readonly spinning: Int32Array;
  readonly runqGlobal: Int32Array;
  readonly runqLocal: Int32Array;
}

export const seriesNames = ["threads", "idleP", "spinning", "runqGlobal", "runqLocal"] as const;
export type SeriesName = (typeof seriesNames)[number];

/** Every event, column-wise, with the scheduler's counters just after it (the step-through). */
export interface EventLog {
  readonly n: number;
  /** Names for the fn column (runtime functions, or trace event types). */
  readonly fnNames: readonly string[];
  readonly reasons: readonly string[];
  readonly time: Float64Array;
  readonly fn: Uint16Array;
  /** Events per fn (index as fnNames), counted in the worker. */
  readonly fnCounts: Uint32Array;
  readonly goid: Int32Array;
  readonly m: Int32Array;
  readonly p: Int32Array;
  readonly gFrom: Int16Array;
  readonly gTo: Int16Array;
  readonly pFrom: Int16Array;
  readonly pTo: Int16Array;
  readonly reason: Uint16Array;
  /** The event's numeric payload field (a count, an id, a duration), named by `valueField`. */
  readonly value: Float64Array;
  /** Index into `valueFields`: the name of `value` (0: the event has none). */
  readonly valueField: Uint8Array;
  /** Names of the numeric fields (runtime/events.ts eventSpec names; trace argument names); [0] is "". */
  readonly valueFields: readonly string[];
  /** Index into `stacks` of the event's stack (0: none). */
  readonly stack: Int32Array;
  /** Stacks, leaf first, as `func file:line` (a trace's), or the program's call site (a simulation's); [0] is empty. */
  readonly stacks: readonly (readonly string[])[];
  /** Counters after the event (threads, idle Ps, spinning Ms, global and local run queue lengths). */
  readonly threads: Int32Array;
  readonly idleP: Int32Array;
  readonly spinning: Int32Array;
  readonly runqGlobal: Int32Array;
  readonly runqLocal: Int32Array;
  /** True when the run had more events than the log keeps. */
  readonly truncated: boolean;
}

export interface TimelineData {
  readonly title: string;
  readonly source: "simulation" | "trace";
  readonly endNs: number;
  readonly nP: number;
  readonly lanes: readonly Lane[];
  readonly arrows: { readonly time: Float64Array; readonly from: Int32Array; readonly to: Int32Array; readonly kind: Uint8Array };
  readonly marks: { readonly time: Float64Array; readonly lane: Int32Array; readonly kind: Uint8Array };
  /** The marks' times grouped by lane·4 + kind (built in the worker: the timeline searches them per lane). */
  readonly marksByLane: readonly { readonly key: number; readonly time: Float64Array }[];
  /** Stop-the-world bands. */
  readonly bands: { readonly start: Float64Array; readonly end: Float64Array };
  /** Wake-ups: from the lane that readied goroutine `goid` (at t0) to the lane it next ran on (t1). */
  readonly flows: { readonly t0: Float64Array; readonly lane0: Int32Array; readonly t1: Float64Array; readonly lane1: Int32Array; readonly goid: Int32Array };
  readonly series: Series;
  readonly log: EventLog;
  /** Trace-derived figures (null for simulations: they have metrics). */
  readonly stats: TraceStats | null;
  /** True when the threads series is a lower bound (old-format traces name no threads). */
  readonly threadsEstimated: boolean;
}

/** A growable typed column. */
export class Column<T extends Float64Array | Int32Array | Uint8Array | Uint16Array | Int16Array> {
  length = 0;
  private buf: T;
  constructor(private readonly make: (n: number) => T, initial = 256) {
    this.buf = make(initial);
  }
  push(v: number): void {
    if (this.length === this.buf.length) {
      const b = this.make(this.buf.length * 2);
      b.set(this.buf as never);
      this.buf = b;
    }
    this.buf[this.length++] = v;
  }
  set(i: number, v: number): void {
    this.buf[i] = v;
  }
  get(i: number): number {
    return this.buf[i]!;
  }
  /** A right-sized copy. */
  done(): T {
    return this.buf.slice(0, this.length) as T;
  }
}

export const f64 = (n = 256) => new Column((k) => new Float64Array(k), n);
export const i32 = (n = 256) => new Column((k) => new Int32Array(k), n);
export const u8 = (n = 256) => new Column((k) => new Uint8Array(k), n);
export const u16 = (n = 256) => new Column((k) => new Uint16Array(k), n);
export const i16 = (n = 256) => new Column((k) => new Int16Array(k), n);

/** Builds one lane: consecutive spans, each opened by a state change and closed by the next. */
export class LaneBuilder {
  readonly start = f64();
  readonly end = f64();
  readonly kinds = u8();
  readonly goid = i32();
  kind = 0;
  g = -1;
  since = 0;
  constructor(
    readonly label: string,
    readonly laneKind: "P" | "M",
    readonly id: number,
  ) {}

  /** Changes the lane's state at time t (kind 0 = nothing drawn). */
  to(t: number, kind: number, g: number): void {
    if (kind === this.kind && g === this.g) return;
    this.close(t);
    this.kind = kind;
    this.g = g;
    this.since = t;
  }

  close(t: number): void {
    if (this.kind !== 0 && t > this.since) {
      // Merge with an identical span that ended exactly here.
      const n = this.start.length;
      if (n > 0 && this.end.get(n - 1) === this.since && this.kinds.get(n - 1) === this.kind && this.goid.get(n - 1) === this.g) {
        this.end.set(n - 1, t);
      } else {
        this.start.push(this.since);
        this.end.push(t);
        this.kinds.push(this.kind);
        this.goid.push(this.g);
      }
    }
    this.since = t;
  }

  build(endNs: number): Lane {
    this.close(endNs);
    return { label: this.label, kind: this.laneKind, id: this.id, start: this.start.done(), end: this.end.done(), kinds: this.kinds.done(), goid: this.goid.done() };
  }
}

/** Collects arrows, marks, bands, series and the event log; lanes are kept by the caller. */
export class TimelineBuilder {
  readonly pLanes: LaneBuilder[] = [];
  readonly mLanes: LaneBuilder[] = [];
  readonly arrowTime = f64();
  readonly arrowFrom = i32();
  readonly arrowTo = i32();
  readonly arrowKind = u8();
  readonly markTime = f64();
  readonly markLane = i32();
  readonly markKind = u8();
  readonly bandStart = f64();
  readonly bandEnd = f64();
  private bandOpen = -1;
  readonly flowT0 = f64();
  readonly flowLane0 = i32();
  readonly flowT1 = f64();
  readonly flowLane1 = i32();
  readonly flowG = i32();
  /** Wake-ups waiting for the goroutine to run: goid → [time, lane key]. */
  private readonly pendingWake = new Map<number, [number, number]>();
  stats: TraceStats | null = null;
  threadsEstimated = false;

  readonly sTime = f64();
  readonly sCols = [i32(), i32(), i32(), i32(), i32()];
  private last = [-1, -1, -1, -1, -1];

  readonly fnIndex = new Map<string, number>();
  readonly fnNames: string[] = [];
  readonly reasonIndex = new Map<string, number>([["", 0]]);
  readonly reasons: string[] = [""];
  readonly log = {
    time: f64(1024),
    fn: u16(1024),
    goid: i32(1024),
    m: i32(1024),
    p: i32(1024),
    gFrom: i16(1024),
    gTo: i16(1024),
    pFrom: i16(1024),
    pTo: i16(1024),
    reason: u16(1024),
    value: f64(1024),
    valueField: u8(1024),
    stack: i32(1024),
    c: [i32(1024), i32(1024), i32(1024), i32(1024), i32(1024)],
  };
  readonly valueFieldIndex = new Map<string, number>([["", 0]]);
  readonly valueFields: string[] = [""];
  readonly stacks: (readonly string[])[] = [[]];
  truncated = false;

  constructor(
    readonly nP: number,
    readonly maxLog: number,
    fnNames: readonly string[] = [],
    readonly mLabel: (m: number) => string = (m) => `M${m}`,
  ) {
    for (const f of fnNames) this.fnId(f);
    for (let p = 0; p < nP; p++) this.pLanes.push(new LaneBuilder(`P${p}`, "P", p));
  }

  fnId(name: string): number {
    let i = this.fnIndex.get(name);
    if (i === undefined) {
      i = this.fnNames.length;
      this.fnNames.push(name);
      this.fnIndex.set(name, i);
    }
    return i;
  }

  reasonId(r: string): number {
    let i = this.reasonIndex.get(r);
    if (i === undefined) {
      i = this.reasons.length;
      this.reasons.push(r);
      this.reasonIndex.set(r, i);
    }
    return i;
  }

  /** The index of a numeric field's name (at most 255 names). */
  valueFieldId(name: string): number {
    let i = this.valueFieldIndex.get(name);
    if (i === undefined) {
      if (this.valueFields.length >= 256) return 0;
      i = this.valueFields.length;
      this.valueFields.push(name);
      this.valueFieldIndex.set(name, i);
    }
    return i;
  }

  /** Adds a stack (the caller interns: one call per distinct stack) and returns its index. */
  addStack(frames: readonly string[]): number {
    if (frames.length === 0) return 0;
    this.stacks.push(frames);
    return this.stacks.length - 1;
  }

  p(id: number): LaneBuilder {
    while (this.pLanes.length <= id) this.pLanes.push(new LaneBuilder(`P${this.pLanes.length}`, "P", this.pLanes.length));
    return this.pLanes[id]!;
  }

  m(id: number): LaneBuilder {
    while (this.mLanes.length <= id) this.mLanes.push(new LaneBuilder(this.mLabel(this.mLanes.length), "M", this.mLanes.length));
    return this.mLanes[id]!;
  }

  /** Lane index of a P (P lanes come first) or an M (after all P lanes; resolved at build time). */
  pLaneKey(p: number): number {
    return p;
  }
  mLaneKey(m: number): number {
    return -1 - m;
  }

  arrow(t: number, from: number, to: number, kind: ArrowKind): void {
    this.arrowTime.push(t);
    this.arrowFrom.push(from);
    this.arrowTo.push(to);
    this.arrowKind.push(kind);
  }

  mark(t: number, laneKey: number, kind: MarkKind): void {
    this.markTime.push(t);
    this.markLane.push(laneKey);
    this.markKind.push(kind);
  }

  /** A goroutine was made runnable from a lane (ready / GoUnblock). */
  wake(t: number, goid: number, laneKey: number): void {
    if (goid >= 0) this.pendingWake.set(goid, [t, laneKey]);
  }

  /** A goroutine starts running on a lane: closes its pending wake-up into a flow arrow. */
  runs(t: number, goid: number, laneKey: number): void {
    const w = this.pendingWake.get(goid);
    if (w === undefined) return;
    this.pendingWake.delete(goid);
    this.flowT0.push(w[0]);
    this.flowLane0.push(w[1]);
    this.flowT1.push(t);
    this.flowLane1.push(laneKey);
    this.flowG.push(goid);
  }

  bandBegin(t: number): void {
    if (this.bandOpen < 0) this.bandOpen = t;
  }
  bandFinish(t: number): void {
    if (this.bandOpen >= 0) {
      this.bandStart.push(this.bandOpen);
      this.bandEnd.push(t);
      this.bandOpen = -1;
    }
  }

  /** Records the counters at time t if any changed. */
  sample(t: number, v: readonly number[]): void {
    const last = this.last;
    let same = true;
    for (let i = 0; i < 5; i++) if (last[i] !== v[i]) same = false;
    if (same) return;
    const n = this.sTime.length;
    if (n > 0 && this.sTime.get(n - 1) === t) {
      for (let i = 0; i < 5; i++) this.sCols[i]!.set(n - 1, v[i]!);
    } else {
      this.sTime.push(t);
      for (let i = 0; i < 5; i++) this.sCols[i]!.push(v[i]!);
    }
    for (let i = 0; i < 5; i++) last[i] = v[i]!;
  }

  /**
   * Logs one event: `reason` is its label (reason, call site…), `value` its numeric field named by
   * `valueField` (valueFieldId; 0 = none), `stack` an index from addStack (0 = none).
   */
  logEvent(t: number, fn: number, goid: number, m: number, p: number, gFrom: number, gTo: number, pFrom: number, pTo: number, reason: string, value: number, valueField: number, stack: number, counters: readonly number[]): void {
    const L = this.log;
    if (L.time.length >= this.maxLog) {
      this.truncated = true;
      return;
    }
    L.time.push(t);
    L.fn.push(fn);
    L.goid.push(goid);
    L.m.push(m);
    L.p.push(p);
    L.gFrom.push(gFrom);
    L.gTo.push(gTo);
    L.pFrom.push(pFrom);
    L.pTo.push(pTo);
    L.reason.push(this.reasonId(reason));
    L.value.push(value);
    L.valueField.push(valueField);
    L.stack.push(stack);
    for (let i = 0; i < 5; i++) L.c[i]!.push(counters[i]!);
  }

  build(title: string, source: "simulation" | "trace", endNs: number): TimelineData {
    if (this.bandOpen >= 0) this.bandFinish(endNs);
    const nP = this.pLanes.length;
    const resolve = (key: number): number => (key >= 0 ? key : nP + (-1 - key));
    const lanes = [...this.pLanes.map((l) => l.build(endNs)), ...this.mLanes.map((l) => l.build(endNs))];
    for (const l of lanes) l.lod = buildLod(l, endNs);
    const marks = { time: this.markTime.done(), lane: this.markLane.done().map(resolve), kind: this.markKind.done() };
    const from = this.arrowFrom.done().map(resolve);
    const to = this.arrowTo.done().map(resolve);
    const L = this.log;
    const fn = L.fn.done();
    const fnCounts = new Uint32Array(this.fnNames.length);
    for (let i = 0; i < fn.length; i++) fnCounts[fn[i]!]!++;
    return {
      title,
      source,
      endNs,
      nP,
      lanes,
      arrows: { time: this.arrowTime.done(), from, to, kind: this.arrowKind.done() },
      marks,
      marksByLane: groupMarks(marks),
      bands: { start: this.bandStart.done(), end: this.bandEnd.done() },
      flows: { t0: this.flowT0.done(), lane0: this.flowLane0.done().map(resolve), t1: this.flowT1.done(), lane1: this.flowLane1.done().map(resolve), goid: this.flowG.done() },
      stats: this.stats,
      threadsEstimated: this.threadsEstimated,
      series: {
        time: this.sTime.done(),
        threads: this.sCols[0]!.done(),
        idleP: this.sCols[1]!.done(),
        spinning: this.sCols[2]!.done(),
        runqGlobal: this.sCols[3]!.done(),
        runqLocal: this.sCols[4]!.done(),
      },
      log: {
        n: L.time.length,
        fnNames: this.fnNames,
        reasons: this.reasons,
        time: L.time.done(),
        fn,
        fnCounts,
        goid: L.goid.done(),
        m: L.m.done(),
        p: L.p.done(),
        gFrom: L.gFrom.done(),
        gTo: L.gTo.done(),
        pFrom: L.pFrom.done(),
        pTo: L.pTo.done(),
        reason: L.reason.done(),
        value: L.value.done(),
        valueField: L.valueField.done(),
        valueFields: this.valueFields,
        stack: L.stack.done(),
        stacks: this.stacks,
        threads: L.c[0]!.done(),
        idleP: L.c[1]!.done(),
        spinning: L.c[2]!.done(),
        runqGlobal: L.c[3]!.done(),
        runqLocal: L.c[4]!.done(),
        truncated: this.truncated,
      },
    };
  }
}

/** Mark times grouped by lane·4 + kind, each in time order (the marks are). */
function groupMarks(m: TimelineData["marks"]): { key: number; time: Float64Array }[] {
  const counts = new Map<number, number>();
  for (let i = 0; i < m.time.length; i++) {
    const key = m.lane[i]! * 4 + (m.kind[i]! & 3);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const groups = new Map<number, { key: number; time: Float64Array; n: number }>();
  for (const [key, n] of counts) groups.set(key, { key, time: new Float64Array(n), n: 0 });
  for (let i = 0; i < m.time.length; i++) {
    const g = groups.get(m.lane[i]! * 4 + (m.kind[i]! & 3))!;
    g.time[g.n++] = m.time[i]!;
  }
  return [...groups.values()].map((g) => ({ key: g.key, time: g.time }));
}

/** The typed arrays of a timeline, for postMessage's transfer list. */
export function transferables(d: TimelineData): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const add = (a: { buffer: ArrayBufferLike }) => out.push(a.buffer as ArrayBuffer);
  for (const l of d.lanes) {
    [l.start, l.end, l.kinds, l.goid].forEach(add);
    for (const lv of l.lod ?? []) [lv.kinds, lv.goid].forEach(add);
  }
  [d.flows.t0, d.flows.lane0, d.flows.t1, d.flows.lane1, d.flows.goid].forEach(add);
  for (const g of d.marksByLane) add(g.time);
  [d.arrows.time, d.arrows.from, d.arrows.to, d.arrows.kind, d.marks.time, d.marks.lane, d.marks.kind, d.bands.start, d.bands.end].forEach(add);
  const s = d.series;
  [s.time, s.threads, s.idleP, s.spinning, s.runqGlobal, s.runqLocal].forEach(add);
  const L = d.log;
  [L.time, L.fn, L.fnCounts, L.goid, L.m, L.p, L.gFrom, L.gTo, L.pFrom, L.pTo, L.reason, L.value, L.valueField, L.stack, L.threads, L.idleP, L.spinning, L.runqGlobal, L.runqLocal].forEach(add);
  return out;
}

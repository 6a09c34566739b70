// Deriving a replayable workload from a parsed trace: for every goroutine, the sequence of what it
// did — compute bursts (time it ran), syscalls with their durations and call sites, the goroutines it
// created, the goroutines it woke, its waits (on a goroutine that later woke it, or a timer) — as
// plain data. src/workloads/trace_replay.ts turns this into simulator programs (this module may not
// import the runtime's op types: layer rule "gotrace imports only base").
//
// How trace events become actions (both formats, via steps.ts):
// - running time between a goroutine's GoStart and its next stop/block/syscall/create/unblock point
//   becomes `compute`;
// - GoSyscallBegin … End/EndBlocked (new format) and GoSysCall … GoSysExit (old format, calls that
//   lost their P) become `syscall` with the measured duration. Old-format calls that kept their P
//   have no recorded duration: they become a zero-length syscall and the time up to the goroutine's
//   next event stays compute (the P was held throughout either way);
// - a block woken by goroutine W becomes `wait W` here and `wake G` at the same point of W's
//   sequence (a happens-before edge); a block woken by a timer (time.Sleep) or with no waking
//   goroutine (the scheduler) becomes `sleep` of the blocked time (replayed as an external wake at
//   that time, src/workloads/trace_replay.ts);
// - a network wait ended by the netpoller becomes `wait W` after the socket write of its peer W
//   that readied it (linkNetWaits below), when the trace shows a steady peer; otherwise a `sleep`;
// - running bursts far longer than their code path's median lose the excess (deinflateBursts).
// - GoCreate becomes `go`; Gosched becomes `yield`; preemptions just end a compute burst (the
//   simulator preempts by its own rules).
//
// Core module: no `node:*` imports.

import type { ParsedTrace } from './common.js';
import { callSite, startFunc, traceSteps, type InitialState, type StackTable, type Step, type TraceFacts } from './steps.js';

export type Action =
  | { readonly a: 'compute'; ns: number }
  /** `via`: how the call entered the runtime, from its stack — a cgo call (runtime.cgocall) or syscall.Syscall & co. */
  | { readonly a: 'syscall'; ns: number; readonly site: string; readonly via: 'syscall' | 'cgo'; lostP: boolean; timed: boolean }
  | { readonly a: 'go'; readonly g: number }
  /**
   * Wake goroutine g (the other end of its `wait`). `chan`: the replay channel's key,
   * `${waker}>${wakee}` with a consumer pool's id for its members (poolConsumers).
   */
  | { readonly a: 'wake'; readonly g: number; chan: string }
  /** Wait until goroutine `from` wakes this one (through `chan`, as for `wake`). */
  | { readonly a: 'wait'; readonly from: number; chan: string }
  /** A consumer pool's member takes the pool's items, one at a time, until none is left (poolConsumers). */
  | { readonly a: 'pool'; readonly pool: string }
  | { readonly a: 'sleep'; readonly ns: number }
  | { readonly a: 'yield' }
  /** A GC cycle starts here: runtime.GC() (`wait`: the goroutine waits for the cycle) or an allocation. */
  | { readonly a: 'gc'; readonly wait: boolean };

export interface DerivedGoroutine {
  readonly g: number;
  /** The goroutine's function (start stack), or '' when unknown. */
  readonly func: string;
  /** Existed when the trace started (the replay's root starts it at time 0). */
  readonly atStart: boolean;
  /**
   * Exists only because the program was traced (runtime/trace's writer, the runtime's trace
   * advancer and CPU-sample reader): replayed, but the replay's end does not wait for it — a what-if
   * predicts the program, untraced.
   */
  readonly tracer: boolean;
  readonly initial: InitialState | 'created';
  readonly actions: Action[];
  /** Trace time (ns since the first event) of the goroutine's first and last recorded step. */
  readonly firstNs: number;
  readonly lastNs: number;
}

export interface TraceFigures {
  /** First event → the last step of any goroutine (what a replay's makespan corresponds to). */
  readonly makespanNs: number;
  readonly syscalls: number;
  readonly lostP: number;
  /** Of those, taken by sysmon's retake (new format), or null (old format: not recorded). */
  readonly lostPBySysmon: number | null;
  /** Threads seen (new format), or null (old format: not recorded). */
  readonly threads: number | null;
  readonly gomaxprocs: number;
}

export interface DerivedWorkload {
  readonly format: 'old' | 'new';
  readonly version: number;
  /** At-start goroutines first (by goroutine id), then the others in creation order. */
  readonly goroutines: readonly DerivedGoroutine[];
  /** The trace's own figures to compare a replay with. */
  readonly trace: TraceFigures;
  /** The replay's wake channels (a wake action's `chan`: `${waker}>${wakee}`, pools by their id) → wake-ups. */
  readonly edges: ReadonlyMap<string, number>;
  /** Goroutines replayed as consumers of one channel (poolConsumers). */
  readonly pools: readonly ConsumerPool[];
  /** Call sites of the syscalls with their counts (for --scale-site). */
  readonly sites: ReadonlyMap<string, number>;
  /** GC cycles in the trace and their median duration (GCBegin → GCEnd), or null without any. */
  readonly gc: { readonly cycles: number; readonly medianNs: number } | null;
  /** Running bursts replayed at their code path's median (the OS took the thread away), and the time removed. */
  readonly deinflated: { readonly bursts: number; readonly removedNs: number; readonly runningNs: number };
  /** Network waits ended by the netpoller: how many replay after their peer's write, of all. */
  readonly netWaits: { readonly linked: number; readonly total: number };
  readonly notes: readonly string[];
}

interface Gs {
  g: number;
  func: string;
  atStart: boolean;
  initial: InitialState | 'created';
  actions: Action[];
  running: boolean;
  mark: number;
  first: number;
  last: number;
  /** Index of an unresolved wait placeholder, and when/why it blocked. */
  blockedAt: number;
  blockedSleep: boolean;
  blockIdx: number;
  sys: { readonly act: Extract<Action, { a: 'syscall' }>; readonly begin: number } | null;
  order: number;
  /** A GC mark worker (runtime.gcBgMarkWorker): the model runs its own, so it is not replayed. */
  gcWorker: boolean;
  /** Where the goroutine is in its code: the stack of its latest event (a running burst's start). */
  loc: string;
  /** The current block is a network wait (netpoller). */
  blockedNet: boolean;
  /** The current block's channel-receive site (recvSiteOf), or null. */
  blockRecv: string | null;
  /** Start of the latest syscall (a network wait's failed read attempt). */
  sysBeginAt: number;
  /** The running burst so far (across preemptions) and its compute action. */
  burstNs: number;
  burstAct: Extract<Action, { a: 'compute' }> | null;
}

/** A running interval (GoStart or a syscall's return … the next event), part of a compute action. */
interface Burst {
  readonly act: Extract<Action, { a: 'compute' }>;
  readonly ns: number;
  /** The code path: the goroutine's function, the stack it started at and the stack it ended at. */
  readonly path: string;
}

/** A socket write (or connect, or close) that can ready another goroutine's network wait. */
interface FdWrite {
  readonly g: number;
  readonly act: Extract<Action, { a: 'syscall' }>;
  readonly beginNs: number;
}

/** A network wait ended by the netpoller, with the writes of other goroutines while it waited. */
interface NetWait {
  readonly reader: Gs;
  readonly idx: number;
  /** Per writer goroutine: its first write in the wait's window, and whether it was the last write before the wake. */
  readonly cands: ReadonlyMap<number, { readonly act: FdWrite['act']; readonly last: boolean }>;
}

/** The runtime's GC mark workers (in a simulator-written trace the frame is `main.runtime.gcBgMarkWorker`). */
const isGcWorker = (frames: readonly { readonly func: string }[]): boolean => frames.some((f) => f.func.endsWith('runtime.gcBgMarkWorker'));

const PLACEHOLDER = -2;

/** The goroutines tracing itself starts (Go 1.19–1.27): runtime/trace.Start's writer, traceAdvancer, traceStartReadCPU. */
const TRACER_FUNC = /^(runtime\/trace\.Start\.func\d+|runtime\.\(\*traceAdvancerState\)\.start\.func\d+|runtime\.traceStartReadCPU\.func\d+)$/;

/**
 * Syscalls that make a socket (or pipe) readable for its peer: internal/poll's writes, a connect
 * (readies the listener's accept) and the close of a descriptor (the peer reads EOF).
 */
const FD_WRITE = /^(internal\/poll\.\(\*FD\)\.(Write|Writev|WriteTo|WriteMsg|WriteMsgInet4|WriteMsgInet6|WriteToInet4|WriteToInet6|destroy)|net\.\(\*netFD\)\.connect)$/;
const isFdWrite = (frames: readonly { readonly func: string }[]): boolean => frames.some((f) => FD_WRITE.test(f.func));

/** A code path's running intervals are judged once it has this many. */
const BURST_MIN_SAMPLES = 10;
/** An interval longer than this many times its path's median … */
const BURST_OUTLIER_FACTOR = 4;
/** … by more than this (shorter excesses are tracing and cache noise, not the OS) is an outlier. */
const BURST_MIN_EXCESS_NS = 50_000;
/** A writer is a reader's peer if it wrote during at least this share of the reader's network waits. */
const PEER_MIN_SHARE = 0.8;

/**
 * `pools: false` replays every goroutine with exactly the work it did in the trace (no consumer
 * pools, see poolConsumers): the fallback when a pooled replay deadlocks.
 */
export function deriveWorkload(t: ParsedTrace, o: { readonly pools?: boolean } = {}): DerivedWorkload {
  const { steps, facts, stacks } = traceSteps(t);
  const b = new WorkloadBuilder(t.format === 'new', facts.firstNs, stacks);
  for (const st of steps) b.step(st);
  return b.finish(t, facts, o.pools ?? true);
}

type SyscallAction = Extract<Action, { a: 'syscall' }>;
type WakeAction = Extract<Action, { a: 'wake' }>;
type WaitAction = Extract<Action, { a: 'wait' }>;

/** A wait that another goroutine ended: by whom, and its wake action. */
interface WaitInfo {
  readonly waker: number;
  readonly wake: WakeAction;
}

/** Go's channel receive (`<-c`, `v, ok := <-c` and `for range c`); a simulator-written trace prefixes `main.`. */
const CHANRECV = /(^|\.)runtime\.chanrecv[12]?$/;

/** Turns the steps of a trace into each goroutine's actions, one step at a time. */
class WorkloadBuilder {
  private readonly gs = new Map<number, Gs>();
  private readonly sites = new Map<string, number>();
  /** Goroutines in the order first seen. */
  private order = 0;
  private syscalls = 0;
  private lostP = 0;
  private lostPBySysmon = 0;
  private lastStep: number;
  private gcBegin = -1;
  /** The goroutine of the latest start or other event (old format: who started a GC). */
  private lastActive = -1;
  private gcUnattributed = 0;
  private readonly gcDurations: number[] = [];
  private readonly bursts: Burst[] = [];
  private readonly fdWrites: FdWrite[] = [];
  private readonly netWaits: NetWait[] = [];
  private readonly locs = new Map<number, string>();
  /** When each action began (trace time, ns): orders a consumer pool's items. */
  private readonly at = new Map<Action, number>();
  /** The waits a goroutine ended, with their waker. */
  private readonly waits = new Map<WaitAction, WaitInfo>();
  /**
   * Channel receives the trace shows, by their site: a wait blocked receiving, and a wake made by
   * a receive (it took from a full channel and readied a blocked sender).
   */
  private readonly recvs = new Map<Action, string>();

  constructor(
    private readonly isNew: boolean,
    /** The trace's first event (ns). */
    private readonly t0: number,
    private readonly stacks: StackTable,
  ) {
    this.lastStep = t0;
  }

  step(st: Step): void {
    switch (st.k) {
      case 'initial':
        this.onInitial(st);
        break;
      case 'create':
        this.onCreate(st);
        break;
      case 'start': {
        this.lastActive = st.g;
        const s = this.get(st.g, st.t, true, 'runnable');
        s.running = true;
        s.mark = st.t;
        this.seen(s, st.t);
        break;
      }
      case 'stop': {
        const s = this.gs.get(st.g);
        if (s === undefined) break;
        this.flush(s, st.t, st.yield ? 'yield' : 'preempt');
        if (st.yield) this.push(s, { a: 'yield' }, st.t);
        s.running = false;
        break;
      }
      case 'block': {
        const s = this.gs.get(st.g) ?? this.get(st.g, st.t, true, 'running');
        this.flush(s, st.t, this.locOf(st.stack, `block ${st.reason}`));
        this.block(s, st.t, st.sleep, st.reason, st.stack);
        break;
      }
      case 'unblock':
        this.onUnblock(st);
        break;
      case 'end': {
        const s = this.gs.get(st.g);
        if (s === undefined) break;
        this.flush(s, st.t, 'end');
        s.running = false;
        break;
      }
      case 'sysBegin':
        this.onSysBegin(st);
        break;
      case 'lostP':
        this.onLostP(st);
        break;
      case 'sysEnd':
        this.onSysEnd(st);
        break;
      case 'touch': {
        this.lastActive = st.g;
        const s = this.gs.get(st.g);
        if (s !== undefined) this.seen(s, st.t);
        break;
      }
      case 'gcBegin':
        this.onGcBegin(st);
        break;
      case 'gcEnd':
        if (this.gcBegin >= 0) this.gcDurations.push(st.t - this.gcBegin);
        this.gcBegin = -1;
        break;
      case 'pUse':
        break;
    }
  }

  /** The end: running goroutines compute up to their last step; unresolved waits end a program. */
  finish(t: ParsedTrace, facts: TraceFacts, pools: boolean): DerivedWorkload {
    const t0 = this.t0;
    for (const s of this.gs.values()) {
      if (s.running) this.flush(s, s.last, 'trace end');
      if (s.blockIdx >= 0) s.actions.length = s.blockIdx;
    }
    const deinflated = deinflateBursts(this.bursts);
    const linked = linkNetWaits(this.netWaits, this.gs, this.waits);
    const list = [...this.gs.values()].filter((s) => !s.gcWorker).sort((a, b) => (a.atStart !== b.atStart ? (a.atStart ? -1 : 1) : a.atStart ? a.g - b.g : a.order - b.order));
    const tracerOwn = this.dropTracerSyscalls(list);
    const consumerPools = pools ? poolConsumers(list, this.waits, this.recvs, this.at) : [];
    const edges = new Map<string, number>();
    for (const acts of [...list.map((s) => s.actions), ...consumerPools.flatMap((p) => p.items)]) for (const a of acts) if (a.a === 'wake') edges.set(a.chan, (edges.get(a.chan) ?? 0) + 1);
    const gcDurations = this.gcDurations.sort((a, b) => a - b);
    const gc = gcDurations.length === 0 ? null : { cycles: gcDurations.length, medianNs: gcDurations[Math.floor((gcDurations.length - 1) / 2)]! };
    return {
      format: t.format,
      version: t.version,
      goroutines: list.map((s) => ({ g: s.g, func: s.func, atStart: s.atStart, tracer: TRACER_FUNC.test(s.func), initial: s.initial, actions: s.actions, firstNs: s.first - t0, lastNs: s.last - t0 })),
      trace: traceFigures(facts, this.lastStep - t0, this.syscalls - tracerOwn.calls, this.lostP - tracerOwn.lostP, this.isNew ? this.lostPBySysmon : null),
      edges,
      pools: consumerPools,
      sites: this.sites,
      gc,
      deinflated,
      netWaits: { linked, total: this.netWaits.length },
      notes: this.notes(deinflated, linked, consumerPools),
    };
  }

  /**
   * The tracer's own writes (runtime/trace's writer) are not the program's: an untraced run — what a
   * what-if predicts — makes none, and whether the replay would reach the last one (written as the
   * trace stops) is a race with the program's end. They are not replayed, nor counted in the
   * trace's figures.
   */
  private dropTracerSyscalls(list: readonly Gs[]): { calls: number; lostP: number } {
    const own = { calls: 0, lostP: 0 };
    for (const s of list) {
      if (!TRACER_FUNC.test(s.func)) continue;
      const kept = s.actions.filter((a) => a.a !== 'syscall');
      for (const a of s.actions) {
        if (a.a !== 'syscall') continue;
        own.calls++;
        if (a.lostP) own.lostP++;
        const n = (this.sites.get(a.site) ?? 1) - 1;
        if (n > 0) this.sites.set(a.site, n);
        else this.sites.delete(a.site);
      }
      s.actions.length = 0;
      for (const a of kept) s.actions.push(a);
    }
    return own;
  }

  private notes(deinflated: DerivedWorkload['deinflated'], linked: number, pools: readonly ConsumerPool[]): string[] {
    const notes: string[] = [];
    if (!this.isNew) notes.push('old trace format: syscalls that kept their P have no recorded duration; they replay as zero-length calls with the time up to the next event as compute.');
    if (deinflated.bursts > 0)
      notes.push(
        `${deinflated.bursts} running burst(s) over ${BURST_OUTLIER_FACTOR}× their code path's median replay at the median: ${(deinflated.removedNs / 1e6).toFixed(1)} ms of ${(deinflated.runningNs / 1e6).toFixed(1)} ms running time removed (the OS took the thread away while Go counted the goroutine as running).`,
      );
    const waits = this.netWaits.length;
    if (waits > 0) notes.push(`${linked} of ${waits} network wait(s) replay after their peer's socket write; the others at their traced time.`);
    for (const p of pools)
      notes.push(
        `${p.members.length} goroutines of ${p.func} replay as consumers of one channel (they receive at the same site, with a goroutine in common): any free one takes the next of their ${p.items.length} items${p.anchor !== null ? ` (an item starts at a receive the trace shows or a ${p.anchor} call)` : ' (an item starts at a receive the trace shows)'}.`,
      );
    if (this.gcUnattributed > 0) notes.push(`${this.gcUnattributed} GC cycle(s) started outside any replayed goroutine (sysmon's forced GC, a mark worker): not replayed.`);
    return notes;
  }

  /** A channel receive's site: the code location of its caller (the frames below runtime.chanrecv), or null. */
  private recvSiteOf(stack: number): string | null {
    if (stack === 0) return null;
    const frames = this.stacks.frames(stack);
    let i = -1;
    frames.forEach((f, k) => {
      if (CHANRECV.test(f.func)) i = k;
    });
    return i < 0 || i === frames.length - 1 ? null : frames.slice(i + 1).map((f) => `${f.func}:${f.line}`).join('<');
  }

  /** A stack as a code location, equal across generations (stack ids are per generation). */
  private locOf(stack: number, what: string): string {
    if (stack === 0) return what;
    let l = this.locs.get(stack);
    if (l === undefined) this.locs.set(stack, (l = this.stacks.frames(stack).map((f) => `${f.func}:${f.line}`).join('<')));
    return l;
  }

  private get(g: number, at: number, atStart: boolean, initial: InitialState | 'created', func = ''): Gs {
    let s = this.gs.get(g);
    if (s === undefined) {
      s = { g, func, atStart, initial, actions: [], running: false, mark: at, first: at, last: at, blockedAt: -1, blockedSleep: false, blockIdx: -1, sys: null, order: this.order++, gcWorker: false, loc: '(start)', blockedNet: false, blockRecv: null, sysBeginAt: -1, burstNs: 0, burstAct: null };
      this.gs.set(g, s);
    }
    return s;
  }

  private seen(s: Gs, at: number): void {
    if (at > s.last) s.last = at;
    if (at > this.lastStep) this.lastStep = at;
  }

  /**
   * The running time up to `at` becomes compute; `loc` is where it ended (the goroutine's new
   * location). A preemption does not end the burst: the code runs on from where it was.
   */
  private flush(s: Gs, at: number, loc: string): void {
    if (s.running && at > s.mark) {
      const ns = at - s.mark;
      const prev = s.actions[s.actions.length - 1];
      if (prev !== undefined && prev.a === 'compute') (s.burstAct = prev).ns += ns;
      else {
        s.actions.push((s.burstAct = { a: 'compute', ns }));
        this.at.set(s.burstAct, s.mark);
      }
      s.burstNs += ns;
    }
    if (s.running) s.mark = at;
    if (loc !== 'preempt') {
      if (s.burstAct !== null) this.bursts.push({ act: s.burstAct, ns: s.burstNs, path: `${s.func}|${s.loc}>${loc}` });
      s.burstAct = null;
      s.burstNs = 0;
      s.loc = loc;
    }
    this.seen(s, at);
  }

  /** The goroutine waits; what it waits for (a waker, or a sleep) is known when it is unblocked. */
  private block(s: Gs, at: number, sleep: boolean, reason: string, stack = 0): void {
    s.running = false;
    s.blockedAt = at;
    s.blockedSleep = sleep;
    s.blockedNet = reason === 'network';
    s.blockRecv = this.recvSiteOf(stack);
    s.blockIdx = s.actions.length;
    s.actions.push({ a: 'wait', from: PLACEHOLDER, chan: '' });
  }

  /** The writes of goroutines other than `reader` that began in [fromNs, toNs]: each writer's first, and who wrote last. */
  private writesDuring(reader: number, fromNs: number, toNs: number): Map<number, { act: FdWrite['act']; last: boolean }> {
    const fdWrites = this.fdWrites;
    const cands = new Map<number, { act: FdWrite['act']; last: boolean }>();
    let lastG = -1;
    for (let i = fdWrites.length - 1; i >= 0 && fdWrites[i]!.beginNs >= fromNs; i--) {
      const w = fdWrites[i]!;
      if (w.g === reader || w.beginNs > toNs) continue;
      if (lastG < 0) lastG = w.g;
      cands.set(w.g, { act: w.act, last: w.g === lastG });
    }
    return cands;
  }

  /** A syscall of goroutine s entered at `begin` with the stack `stackKey`; returns its action. */
  private enterSyscall(s: Gs, stackKey: number, begin: number): SyscallAction {
    const frames = this.stacks.frames(stackKey);
    const act: SyscallAction = { a: 'syscall', ns: 0, site: callSite(frames), via: viaOf(frames), lostP: false, timed: false };
    this.push(s, act, begin);
    s.sys = { act, begin };
    this.syscalls++;
    this.sites.set(act.site, (this.sites.get(act.site) ?? 0) + 1);
    return act;
  }

  private onInitial(st: Extract<Step, { k: 'initial' }>): void {
    const stacks = this.stacks;
    const s = this.get(st.g, st.t, true, st.state, st.stack !== 0 && st.state === 'runnable' && !this.isNew ? startFunc(stacks.frames(st.stack)) : '');
    if (st.stack !== 0 && isGcWorker(stacks.frames(st.stack))) s.gcWorker = true;
    if (st.state === 'running') {
      s.running = true;
      s.mark = st.t;
    } else if (st.state === 'waiting') this.block(s, this.t0, false, 'initial');
    else if (st.state === 'syscall') this.enterSyscall(s, st.stack, this.t0);
  }

  private onCreate(st: Extract<Step, { k: 'create' }>): void {
    const at = st.t;
    const fn = st.startStack !== 0 ? startFunc(this.stacks.frames(st.startStack)) : '';
    const by = st.by >= 0 ? this.gs.get(st.by) : undefined;
    const s = this.get(st.g, at, by === undefined, 'created', fn);
    if (st.startStack !== 0 && isGcWorker(this.stacks.frames(st.startStack))) {
      s.gcWorker = true;
      return;
    }
    if (by !== undefined) {
      this.flush(by, at, this.locOf(st.stack, 'go'));
      this.push(by, { a: 'go', g: st.g }, at);
    } else if (at > this.t0) s.actions.push({ a: 'sleep', ns: at - this.t0 });
  }

  private onUnblock(st: Extract<Step, { k: 'unblock' }>): void {
    const at = st.t;
    const s = this.gs.get(st.g);
    if (s === undefined || s.blockIdx < 0) return;
    const w = st.by >= 0 && st.by !== st.g ? this.gs.get(st.by) : undefined;
    // A wake by a GC mark worker (the end of a GC assist) is a wake from outside the replay.
    if (w !== undefined && !s.blockedSleep && !w.gcWorker && !s.gcWorker) {
      this.flush(w, at, this.locOf(st.stack, 'wake'));
      const wake: WakeAction = { a: 'wake', g: s.g, chan: `${w.g}>${s.g}` };
      w.actions.push(wake);
      this.at.set(wake, at);
      const wait: WaitAction = { a: 'wait', from: w.g, chan: wake.chan };
      s.actions[s.blockIdx] = wait;
      this.waits.set(wait, { waker: w.g, wake });
      if (s.blockRecv !== null) this.recvs.set(wait, s.blockRecv);
      const wakerRecv = this.recvSiteOf(st.stack);
      if (wakerRecv !== null) this.recvs.set(wake, wakerRecv);
      this.at.set(wait, at);
    } else {
      s.actions[s.blockIdx] = { a: 'sleep', ns: Math.max(0, at - s.blockedAt) };
      // The netpoller readied it: some goroutine's write in the meantime may have been the cause.
      if (s.blockedNet && st.by < 0) this.netWaits.push({ reader: s, idx: s.blockIdx, cands: this.writesDuring(s.g, s.sysBeginAt >= 0 ? s.sysBeginAt : s.blockedAt, at) });
    }
    s.blockIdx = -1;
    this.seen(s, at);
  }

  private onSysBegin(st: Extract<Step, { k: 'sysBegin' }>): void {
    const at = st.t;
    const s = this.gs.get(st.g) ?? this.get(st.g, at, true, 'running');
    this.flush(s, at, this.locOf(st.stack, 'syscall'));
    s.sysBeginAt = at;
    const act = this.enterSyscall(s, st.stack, at);
    if (isFdWrite(this.stacks.frames(st.stack))) this.fdWrites.push({ g: s.g, act, beginNs: at });
    // New format: the goroutine is in the kernel until the End event. Old format: it may have kept
    // its P without an end event, so its time stays compute until its next event.
    if (this.isNew) s.running = false;
  }

  private onLostP(st: Extract<Step, { k: 'lostP' }>): void {
    const s = this.gs.get(st.g);
    if (s?.sys == null || s.sys.act.lostP) return;
    s.sys.act.lostP = true;
    this.lostP++;
    if (st.by === 'sysmon') this.lostPBySysmon++;
    // Old format: the call is in the kernel from GoSysCall on (no compute after it).
    if (!this.isNew) s.running = false;
  }

  private onSysEnd(st: Extract<Step, { k: 'sysEnd' }>): void {
    const at = st.t;
    const s = this.gs.get(st.g);
    if (s?.sys == null) return;
    const { act, begin } = s.sys;
    act.ns = Math.max(0, at - begin);
    act.timed = true;
    if (st.blocked && !act.lostP) {
      act.lostP = true;
      this.lostP++;
    }
    s.sys = null;
    this.seen(s, at);
    if (st.blocked) s.running = false;
    else {
      s.running = true;
      s.mark = at;
    }
  }

  private onGcBegin(st: Extract<Step, { k: 'gcBegin' }>): void {
    this.gcBegin = st.t;
    // Old format: GCStart names no goroutine; the reader gives the one running in the batch that
    // wrote it. Failing that (none ran there), the running goroutine with the latest event.
    const latest = this.gs.get(this.lastActive);
    const s = st.g >= 0 ? this.gs.get(st.g) : latest?.running === true ? latest : undefined;
    if (s === undefined || s.gcWorker) {
      this.gcUnattributed++;
      return;
    }
    this.flush(s, st.t, this.locOf(st.stack, 'gc'));
    this.push(s, { a: 'gc', wait: st.stack !== 0 && this.stacks.frames(st.stack).some((f) => f.func === 'runtime.GC' || f.func.endsWith('.runtime.GC')) }, st.t);
  }

  private push(s: Gs, act: Action, at: number): void {
    s.actions.push(act);
    this.at.set(act, at);
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

/**
 * The trace records when a goroutine ran, not how much CPU it got: a thread the OS took away while
 * its goroutine ran (a loaded machine, more threads than CPUs) shows as a long running burst, which
 * the replay would take for CPU demand. The same code path (the goroutine's function, the stack it
 * resumed at, the stack it stopped at) does about the same work each time; a burst over
 * BURST_OUTLIER_FACTOR × its path's median (and by more than BURST_MIN_EXCESS_NS) keeps only the
 * median. Paths with fewer than BURST_MIN_SAMPLES bursts are left alone (nothing to compare with).
 * A program whose work per path really varies that much is replayed with too little of it.
 */
function deinflateBursts(bursts: readonly Burst[]): DerivedWorkload['deinflated'] {
  const byPath = new Map<string, Burst[]>();
  let runningNs = 0;
  for (const b of bursts) {
    runningNs += b.ns;
    let xs = byPath.get(b.path);
    if (xs === undefined) byPath.set(b.path, (xs = []));
    xs.push(b);
  }
  let n = 0;
  let removedNs = 0;
  for (const xs of byPath.values()) {
    if (xs.length < BURST_MIN_SAMPLES) continue;
    const med = median(xs.map((b) => b.ns));
    for (const b of xs) {
      const excess = b.ns - med;
      if (b.ns <= BURST_OUTLIER_FACTOR * med || excess <= BURST_MIN_EXCESS_NS) continue;
      b.act.ns -= excess;
      removedNs += excess;
      n++;
    }
  }
  return { bursts: n, removedNs, runningNs };
}

/**
 * A network wait ended by the netpoller has no waker in the trace, only its time — which under
 * another setting is wrong: the peer that wrote to the socket may run later (fewer Ps) or sooner.
 * Two goroutines are peers (a conversation: requests one way, replies the other) when each wrote
 * (internal/poll's Write, a connect, a close) during at least PEER_MIN_SHARE of the other's waits;
 * a goroutine has at most one peer, pairs matched best first (the smaller share, then how often
 * each wrote last before the other's wake). Each wait during which the peer wrote becomes `wait peer` after the peer's first write in
 * the wait; the others stay sleeps of the traced time (an accept, data from outside the process).
 */
function linkNetWaits(waits: readonly NetWait[], gs: ReadonlyMap<number, Gs>, waitInfo: Map<WaitAction, WaitInfo>): number {
  const score = new Map<number, Map<number, [number, number]>>();
  const total = new Map<number, number>();
  for (const w of waits) {
    const r = w.reader.g;
    total.set(r, (total.get(r) ?? 0) + 1);
    let m = score.get(r);
    if (m === undefined) score.set(r, (m = new Map()));
    for (const [g, c] of w.cands) {
      const sc = m.get(g) ?? [0, 0];
      sc[0]++;
      if (c.last) sc[1]++;
      m.set(g, sc);
    }
  }
  // Pairs where each wrote during PEER_MIN_SHARE of the other's waits, matched one to one, best
  // first: the smaller of the two shares, then how often each wrote last before the other's wake.
  // (On one busy P every writer may write during a long wait: shares alone tie.)
  const share = (r: number, g: number) => (score.get(r)?.get(g)?.[0] ?? 0) / (total.get(r) ?? 1);
  const lasts = (r: number, g: number) => (score.get(r)?.get(g)?.[1] ?? 0) + (score.get(g)?.get(r)?.[1] ?? 0);
  const pairs: [number, number, number, number][] = [];
  for (const [r, m] of score) for (const g of m.keys()) if (r < g && share(r, g) >= PEER_MIN_SHARE && share(g, r) >= PEER_MIN_SHARE) pairs.push([r, g, Math.min(share(r, g), share(g, r)), lasts(r, g)]);
  pairs.sort((x, y) => y[2] - x[2] || y[3] - x[3] || x[0] - y[0] || x[1] - y[1]);
  const peer = new Map<number, number>();
  for (const [r, g] of pairs)
    if (!peer.has(r) && !peer.has(g)) {
      peer.set(r, g);
      peer.set(g, r);
    }
  // Writes that survived the end-of-trace truncation (a write after a never-ended wait cannot be).
  const alive = new Set<Action>();
  for (const s of gs.values()) for (const a of s.actions) alive.add(a);
  const wakesAfter = new Map<Action, { readonly wait: WaitAction; readonly g: number }[]>();
  let linked = 0;
  for (const w of waits) {
    const r = w.reader;
    const p = peer.get(r.g);
    if (p === undefined || peer.get(p) !== r.g) continue;
    const c = w.cands.get(p);
    if (c === undefined || !alive.has(c.act) || r.actions[w.idx]?.a !== 'sleep') continue;
    const wait: WaitAction = { a: 'wait', from: p, chan: `${p}>${r.g}` };
    r.actions[w.idx] = wait;
    let xs = wakesAfter.get(c.act);
    if (xs === undefined) wakesAfter.set(c.act, (xs = []));
    xs.push({ wait, g: r.g });
    linked++;
  }
  if (linked === 0) return 0;
  for (const s of gs.values()) {
    if (!s.actions.some((a) => wakesAfter.has(a))) continue;
    const out: Action[] = [];
    for (const a of s.actions) {
      out.push(a);
      for (const { wait, g } of wakesAfter.get(a) ?? []) {
        const wake: WakeAction = { a: 'wake', g, chan: wait.chan };
        waitInfo.set(wait, { waker: s.g, wake });
        out.push(wake);
      }
    }
    s.actions.length = 0;
    for (const a of out) s.actions.push(a);
  }
  return linked;
}

/** Goroutines replayed as consumers of one channel: any free member takes the next item. */
export interface ConsumerPool {
  /** The pool's end of its wake channels (`chan` keys: `pool0`, `g>pool0`, `pool0>g`, `g>pool0.end`). */
  readonly id: string;
  readonly func: string;
  /** Where the members block receiving (a stack as a code location). */
  readonly site: string;
  readonly members: readonly number[];
  /** The members' items in the order the trace took them. */
  readonly items: readonly (readonly Action[])[];
  /** The syscall site an item starts with (how items taken without blocking are found), or null. */
  readonly anchor: string | null;
}

/**
 * Worker pools. A trace does not name channels, so the wake edges pin each item to the goroutine
 * that took it in the trace; under another setting Go's channel hands the next item to whichever
 * worker is free (a GOMAXPROCS=1 trace of 16 workers had them take 23–76 items each). The trace
 * shows some of a goroutine's channel receives: one that blocked (GoBlock in runtime.chanrecv), and
 * one that took from a full channel and readied a blocked sender (GoUnblock in runtime.chanrecv);
 * their site is the caller's code location. Goroutines of one function whose most frequent receive
 * site is the same, where some goroutine woke two or more of them there or two or more of them woke
 * one goroutine from there, are taken for consumers of one channel: their work is cut into items
 * and any free member takes the next (src/workloads/trace_replay.ts), in the order the trace took
 * them. An item starts at a receive the trace shows, or — a receive that neither blocked nor woke
 * anyone leaves no event — at the anchor: the syscall site that most often comes first after a
 * shown receive (with the running burst just before the call, which holds the receive). Each
 * member keeps what it did before its first item, and from its last blocked receive on when no
 * anchor follows it (the loop's end, woken by close) — or, when its loop ended without blocking,
 * what follows the syscalls an item has (their median count) in its last item. The waits and wakes inside items use the pool
 * as their end (any member's wake ends a wait on the pool, a wake for a member goes to whichever
 * member waits); what a member keeps keeps its own channels (a member that is done cannot take a
 * wake-up an item waits for), and so does a wake from one member to another (a chain of mutex
 * hand-offs as the members finish stays a chain). Limits: a loop body without a syscall is cut only at the receives the
 * trace shows; a body with its anchor site twice is cut twice; per-worker channels fed by one
 * dispatcher (same function, same site) are pooled as one; an item that did not wait for its
 * producer in the trace does not wait for it in the replay.
 */
function poolConsumers(list: readonly Gs[], waits: ReadonlyMap<WaitAction, WaitInfo>, recvs: ReadonlyMap<Action, string>, at: ReadonlyMap<Action, number>): ConsumerPool[] {
  // Each goroutine's most frequent receive site; the groups by function and site.
  const groups = new Map<string, Gs[]>();
  for (const s of list) {
    if (s.func === '' || TRACER_FUNC.test(s.func)) continue;
    const n = new Map<string, number>();
    for (const a of s.actions) {
      const r = recvs.get(a);
      if (r !== undefined) n.set(r, (n.get(r) ?? 0) + 1);
    }
    let best = '';
    let bn = 0;
    for (const [r, c] of n) if (c > bn) [best, bn] = [r, c];
    if (bn === 0) continue;
    const key = `${s.func}\n${best}`;
    let xs = groups.get(key);
    if (xs === undefined) groups.set(key, (xs = []));
    xs.push(s);
  }
  interface Cut {
    readonly s: Gs;
    readonly starts: number[];
    readonly epilogue: number;
  }
  const pools: { pool: ConsumerPool; cuts: Cut[] }[] = [];
  const poolOf = new Map<number, string>();
  for (const [key, members] of groups) {
    if (members.length < 2) continue;
    const site = key.slice(key.indexOf('\n') + 1);
    const isRecv = (a: Action) => recvs.get(a) === site;
    // One channel: a goroutine woke two or more members there, or two or more woke one from there.
    const peers = new Map<string, Set<number>>();
    for (const m of members)
      for (const a of m.actions) {
        if (!isRecv(a)) continue;
        const k = a.a === 'wait' ? `by ${waits.get(a)?.waker}` : a.a === 'wake' ? `woke ${a.g}` : '';
        let xs = peers.get(k);
        if (xs === undefined) peers.set(k, (xs = new Set()));
        xs.add(m.g);
      }
    if (![...peers.values()].some((xs) => xs.size >= 2)) continue;
    // The anchor: the syscall site first after most shown receives (each member's last excluded).
    const first = new Map<string, number>();
    let samples = 0;
    for (const m of members) {
      const idx = m.actions.flatMap((a, i) => (isRecv(a) ? [i] : []));
      for (const i of idx.slice(0, -1)) {
        samples++;
        for (let j = i + 1; j < m.actions.length && !isRecv(m.actions[j]!); j++) {
          const a = m.actions[j]!;
          if (a.a !== 'syscall') continue;
          first.set(a.site, (first.get(a.site) ?? 0) + 1);
          break;
        }
      }
    }
    let anchor: string | null = null;
    let an = 0;
    for (const [callSite, c] of first) if (c > an) [anchor, an] = [callSite, c];
    if (an * 2 < samples) anchor = null;
    const isAnchor = (a: Action) => anchor !== null && a.a === 'syscall' && a.site === anchor;
    const cuts: Cut[] = [];
    for (const m of members) {
      const acts = m.actions;
      const starts: number[] = [];
      let cur = -1;
      let anchored = false;
      let lastRecv = -1;
      for (let i = 0; i < acts.length; i++) {
        const a = acts[i]!;
        if (isRecv(a)) {
          starts.push((cur = lastRecv = i));
          anchored = false;
        } else if (isAnchor(a)) {
          if (cur < 0 || anchored) {
            // The running burst before the call holds the receive (and the previous item's tail).
            const j = i - 1 > cur && acts[i - 1]!.a === 'compute' ? i - 1 : i;
            starts.push((cur = j));
          }
          anchored = true;
        }
      }
      let epilogue = acts.length;
      if (lastRecv >= 0 && acts[lastRecv]!.a === 'wait' && !acts.slice(lastRecv + 1).some(isAnchor)) {
        epilogue = lastRecv;
        starts.pop();
      }
      cuts.push({ s: m, starts, epilogue });
    }
    // A member whose loop ended without a blocked receive (the channel was closed when it looked)
    // has its end in its last item: that item keeps the syscalls an item has (the median of the
    // other items), the rest is the member's own.
    const counts = cuts.flatMap(({ s: m, starts, epilogue }) => starts.slice(0, -1).map((from, n) => m.actions.slice(from, starts[n + 1] ?? epilogue).filter((a) => a.a === 'syscall').length));
    const perItem = counts.length === 0 ? 0 : median(counts);
    if (anchor !== null && perItem > 0)
      for (const c of cuts) {
        const from = c.starts[c.starts.length - 1];
        if (from === undefined || c.epilogue < c.s.actions.length) continue;
        let calls = 0;
        for (let i = from; i < c.s.actions.length; i++)
          if (c.s.actions[i]!.a === 'syscall' && ++calls === perItem) {
            (c as { epilogue: number }).epilogue = i + 1;
            break;
          }
      }
    if (cuts.reduce((n, c) => n + c.starts.length, 0) < 2) continue;
    const id = `pool${pools.length}`;
    for (const m of members) poolOf.set(m.g, id);
    pools.push({ pool: { id, func: members[0]!.func, site, members: members.map((m) => m.g), items: [], anchor }, cuts });
  }
  if (pools.length === 0) return [];
  // Every wake channel by its ends: a member's end is its pool for the actions of its items (whoever
  // runs them), itself for what it keeps; a wake from one member to another of the same pool keeps
  // its pair (a chain of mutex hand-offs as the members finish stays a chain: tokens any member
  // could take would let the last of the chain take the first's, and the middle one wait forever).
  const moved = new Set<Action>();
  for (const { cuts } of pools) for (const { s, starts, epilogue } of cuts) for (let i = starts[0] ?? epilogue; i < epilogue; i++) moved.add(s.actions[i]!);
  const end = (g: number, a: Action) => (moved.has(a) ? poolOf.get(g)! : String(g));
  for (const s of list)
    for (const a of s.actions) {
      if (a.a !== 'wait') continue;
      const i = waits.get(a);
      if (i === undefined) continue;
      const own = poolOf.has(s.g) && poolOf.get(s.g) === poolOf.get(i.waker);
      a.chan = i.wake.chan = own ? `${i.waker}>${s.g}` : `${end(i.waker, i.wake)}>${end(s.g, a)}`;
    }
  const out: ConsumerPool[] = [];
  for (const { pool, cuts } of pools) {
    const items: { acts: Action[]; t: number; k: number }[] = [];
    for (const { s, starts, epilogue } of cuts) {
      const acts = s.actions;
      for (const [n, from] of starts.entries()) {
        const item = acts.slice(from, starts[n + 1] ?? epilogue);
        // When the item was taken: its receive (a blocked one's end), or its first action.
        const t = item.map((a) => at.get(a)).find((x) => x !== undefined) ?? Infinity;
        items.push({ acts: item, t, k: items.length });
      }
      const rest = [...acts.slice(0, starts[0] ?? epilogue), { a: 'pool' as const, pool: pool.id }, ...acts.slice(epilogue)];
      acts.length = 0;
      for (const a of rest) acts.push(a);
    }
    items.sort((a, b) => a.t - b.t || a.k - b.k);
    out.push({ ...pool, items: items.map((x) => x.acts) });
  }
  return out;
}

/**
 * How a traced syscall entered the runtime: a cgo call has runtime.cgocall on its stack (cgocall →
 * entersyscall); everything else that the trace shows went through syscall.Syscall's entersyscall.
 * RawSyscall never calls entersyscall, so the trace has no event for it: its time is inside the
 * goroutine's running time and replays as compute.
 */
function viaOf(frames: readonly { readonly func: string }[]): 'syscall' | 'cgo' {
  return frames.some((f) => f.func === 'runtime.cgocall') ? 'cgo' : 'syscall';
}

function traceFigures(f: TraceFacts, makespanNs: number, syscalls: number, lostP: number, lostPBySysmon: number | null): TraceFigures {
  return { makespanNs, syscalls, lostP, lostPBySysmon, threads: f.threads, gomaxprocs: f.gomaxprocs };
}

/** Every replayed action: each goroutine's, and the items of its consumer pools. */
export function actionLists(w: DerivedWorkload): (readonly Action[])[] {
  return [...w.goroutines.map((g) => g.actions), ...w.pools.flatMap((p) => p.items)];
}

/**
 * Makes the syscalls whose call site contains `match` `factor` times slower; returns how many matched.
 * What scales is the site's typical (median) duration: each timed call gets (factor − 1) × median
 * added (never below zero). A measured duration also holds scheduling noise of the traced run (the
 * thread preempted by the OS, a late wake-up), which a slower call would not multiply. Untimed calls
 * (old format, kept their P) stay zero-length.
 */
export function scaleSite(w: DerivedWorkload, match: string, factor: number): number {
  const calls: Extract<Action, { a: 'syscall' }>[] = [];
  for (const acts of actionLists(w)) for (const a of acts) if (a.a === 'syscall' && a.site.includes(match)) calls.push(a);
  const timed = calls.filter((a) => a.timed).map((a) => a.ns).sort((x, y) => x - y);
  const medianNs = timed.length === 0 ? 0 : timed.length % 2 === 1 ? timed[(timed.length - 1) / 2]! : (timed[timed.length / 2 - 1]! + timed[timed.length / 2]!) / 2;
  for (const a of calls) if (a.timed) a.ns = Math.max(0, Math.round(a.ns + (factor - 1) * medianNs));
  return calls.length;
}

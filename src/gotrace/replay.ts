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
  /** Wake goroutine g (the other end of its `wait`). */
  | { readonly a: 'wake'; readonly g: number }
  /** Wait until goroutine `from` wakes this one. */
  | { readonly a: 'wait'; readonly from: number }
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
  /** Wake edges per (waker, wakee) pair: `${from}>${to}` → count. */
  readonly edges: ReadonlyMap<string, number>;
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

export function deriveWorkload(t: ParsedTrace): DerivedWorkload {
  const { steps, facts, stacks } = traceSteps(t);
  const b = new WorkloadBuilder(t.format === 'new', facts.firstNs, stacks);
  for (const st of steps) b.step(st);
  return b.finish(t, facts);
}

type SyscallAction = Extract<Action, { a: 'syscall' }>;

/** Turns the steps of a trace into each goroutine's actions, one step at a time. */
class WorkloadBuilder {
  private readonly gs = new Map<number, Gs>();
  private readonly edges = new Map<string, number>();
  private readonly sites = new Map<string, number>();
  /** Goroutines in the order first seen. */
  private order = 0;
  private syscalls = 0;
  private lostP = 0;
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
        if (st.yield) s.actions.push({ a: 'yield' });
        s.running = false;
        break;
      }
      case 'block': {
        const s = this.gs.get(st.g) ?? this.get(st.g, st.t, true, 'running');
        this.flush(s, st.t, this.locOf(st.stack, `block ${st.reason}`));
        this.block(s, st.t, st.sleep, st.reason === 'network');
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
  finish(t: ParsedTrace, facts: TraceFacts): DerivedWorkload {
    const t0 = this.t0;
    for (const s of this.gs.values()) {
      if (s.running) this.flush(s, s.last, 'trace end');
      if (s.blockIdx >= 0) s.actions.length = s.blockIdx;
    }
    const deinflated = deinflateBursts(this.bursts);
    const linked = linkNetWaits(this.netWaits, this.gs, this.edges);
    const list = [...this.gs.values()].filter((s) => !s.gcWorker).sort((a, b) => (a.atStart !== b.atStart ? (a.atStart ? -1 : 1) : a.atStart ? a.g - b.g : a.order - b.order));
    const gcDurations = this.gcDurations.sort((a, b) => a - b);
    const gc = gcDurations.length === 0 ? null : { cycles: gcDurations.length, medianNs: gcDurations[Math.floor((gcDurations.length - 1) / 2)]! };
    return {
      format: t.format,
      version: t.version,
      goroutines: list.map((s) => ({ g: s.g, func: s.func, atStart: s.atStart, tracer: TRACER_FUNC.test(s.func), initial: s.initial, actions: s.actions, firstNs: s.first - t0, lastNs: s.last - t0 })),
      trace: traceFigures(facts, this.lastStep - t0, this.syscalls, this.lostP),
      edges: this.edges,
      sites: this.sites,
      gc,
      deinflated,
      netWaits: { linked, total: this.netWaits.length },
      notes: this.notes(deinflated, linked),
    };
  }

  private notes(deinflated: DerivedWorkload['deinflated'], linked: number): string[] {
    const notes: string[] = [];
    if (!this.isNew) notes.push('old trace format: syscalls that kept their P have no recorded duration; they replay as zero-length calls with the time up to the next event as compute.');
    if (deinflated.bursts > 0)
      notes.push(
        `${deinflated.bursts} running burst(s) over ${BURST_OUTLIER_FACTOR}× their code path's median replay at the median: ${(deinflated.removedNs / 1e6).toFixed(1)} ms of ${(deinflated.runningNs / 1e6).toFixed(1)} ms running time removed (the OS took the thread away while Go counted the goroutine as running).`,
      );
    const waits = this.netWaits.length;
    if (waits > 0) notes.push(`${linked} of ${waits} network wait(s) replay after their peer's socket write; the others at their traced time.`);
    if (this.gcUnattributed > 0) notes.push(`${this.gcUnattributed} GC cycle(s) started outside any replayed goroutine (sysmon's forced GC, a mark worker): not replayed.`);
    return notes;
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
      s = { g, func, atStart, initial, actions: [], running: false, mark: at, first: at, last: at, blockedAt: -1, blockedSleep: false, blockIdx: -1, sys: null, order: this.order++, gcWorker: false, loc: '(start)', blockedNet: false, sysBeginAt: -1, burstNs: 0, burstAct: null };
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
      else s.actions.push((s.burstAct = { a: 'compute', ns }));
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
  private block(s: Gs, at: number, sleep: boolean, net = false): void {
    s.running = false;
    s.blockedAt = at;
    s.blockedSleep = sleep;
    s.blockedNet = net;
    s.blockIdx = s.actions.length;
    s.actions.push({ a: 'wait', from: PLACEHOLDER });
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
    s.actions.push(act);
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
    } else if (st.state === 'waiting') this.block(s, this.t0, false);
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
      by.actions.push({ a: 'go', g: st.g });
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
      w.actions.push({ a: 'wake', g: s.g });
      s.actions[s.blockIdx] = { a: 'wait', from: w.g };
      const key = `${w.g}>${s.g}`;
      this.edges.set(key, (this.edges.get(key) ?? 0) + 1);
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
    // Old format: GCStart is on the GC's pseudo-P and names no goroutine; the goroutine that
    // started the cycle is the running one with the latest event (its HeapAlloc, just before).
    const latest = this.gs.get(this.lastActive);
    const s = st.g >= 0 ? this.gs.get(st.g) : latest?.running === true ? latest : undefined;
    if (s === undefined || s.gcWorker) {
      this.gcUnattributed++;
      return;
    }
    this.flush(s, st.t, this.locOf(st.stack, 'gc'));
    s.actions.push({ a: 'gc', wait: st.stack !== 0 && this.stacks.frames(st.stack).some((f) => f.func === 'runtime.GC' || f.func.endsWith('.runtime.GC')) });
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
 * A reader's peer is the goroutine that wrote (internal/poll's Write, a connect, a close) during at
 * least PEER_MIN_SHARE of its waits (ties: the one that wrote last before the wake more often), and
 * whose own peer, by the same rule, is the reader (a conversation: requests one way, replies the
 * other). Each wait during which the peer wrote becomes `wait peer` after the peer's first write in
 * the wait; the others stay sleeps of the traced time (an accept, data from outside the process).
 */
function linkNetWaits(waits: readonly NetWait[], gs: ReadonlyMap<number, Gs>, edges: Map<string, number>): number {
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
  const peer = new Map<number, number>();
  for (const [r, m] of score) {
    let best = -1;
    let bs: [number, number] = [0, 0];
    for (const [g, sc] of m) if (sc[0] > bs[0] || (sc[0] === bs[0] && sc[1] > bs[1])) [best, bs] = [g, sc];
    if (best >= 0 && bs[0] >= PEER_MIN_SHARE * total.get(r)!) peer.set(r, best);
  }
  // Writes that survived the end-of-trace truncation (a write after a never-ended wait cannot be).
  const alive = new Set<Action>();
  for (const s of gs.values()) for (const a of s.actions) alive.add(a);
  const wakesAfter = new Map<Action, number[]>();
  let linked = 0;
  for (const w of waits) {
    const r = w.reader;
    const p = peer.get(r.g);
    if (p === undefined || peer.get(p) !== r.g) continue;
    const c = w.cands.get(p);
    if (c === undefined || !alive.has(c.act) || r.actions[w.idx]?.a !== 'sleep') continue;
    r.actions[w.idx] = { a: 'wait', from: p };
    let xs = wakesAfter.get(c.act);
    if (xs === undefined) wakesAfter.set(c.act, (xs = []));
    xs.push(r.g);
    const key = `${p}>${r.g}`;
    edges.set(key, (edges.get(key) ?? 0) + 1);
    linked++;
  }
  if (linked === 0) return 0;
  for (const s of gs.values()) {
    if (!s.actions.some((a) => wakesAfter.has(a))) continue;
    const out: Action[] = [];
    for (const a of s.actions) {
      out.push(a);
      for (const g of wakesAfter.get(a) ?? []) out.push({ a: 'wake', g });
    }
    s.actions.length = 0;
    for (const a of out) s.actions.push(a);
  }
  return linked;
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

function traceFigures(f: TraceFacts, makespanNs: number, syscalls: number, lostP: number): TraceFigures {
  return { makespanNs, syscalls, lostP, threads: f.threads, gomaxprocs: f.gomaxprocs };
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
  for (const g of w.goroutines) for (const a of g.actions) if (a.a === 'syscall' && a.site.includes(match)) calls.push(a);
  const timed = calls.filter((a) => a.timed).map((a) => a.ns).sort((x, y) => x - y);
  const medianNs = timed.length === 0 ? 0 : timed.length % 2 === 1 ? timed[(timed.length - 1) / 2]! : (timed[timed.length / 2 - 1]! + timed[timed.length / 2]!) / 2;
  for (const a of calls) if (a.timed) a.ns = Math.max(0, Math.round(a.ns + (factor - 1) * medianNs));
  return calls.length;
}

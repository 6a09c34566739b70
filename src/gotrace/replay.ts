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
import { callSite, startFunc, traceSteps, type InitialState, type TraceFacts } from './steps.js';

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
  const isNew = t.format === 'new';
  const t0 = facts.firstNs;
  const gs = new Map<number, Gs>();
  const edges = new Map<string, number>();
  const sites = new Map<string, number>();
  let order = 0;
  let syscalls = 0;
  let lostP = 0;
  let lastStep = t0;
  let gcBegin = -1;
  /** The goroutine of the latest start or other event (old format: who started a GC). */
  let lastActive = -1;
  let gcUnattributed = 0;
  const gcDurations: number[] = [];
  const bursts: Burst[] = [];
  const fdWrites: FdWrite[] = [];
  const netWaits: NetWait[] = [];
  const locs = new Map<number, string>();
  /** A stack as a code location, equal across generations (stack ids are per generation). */
  const locOf = (stack: number, what: string): string => {
    if (stack === 0) return what;
    let l = locs.get(stack);
    if (l === undefined) locs.set(stack, (l = stacks.frames(stack).map((f) => `${f.func}:${f.line}`).join('<')));
    return l;
  };

  const get = (g: number, at: number, atStart: boolean, initial: InitialState | 'created', func = ''): Gs => {
    let s = gs.get(g);
    if (s === undefined) {
      s = { g, func, atStart, initial, actions: [], running: false, mark: at, first: at, last: at, blockedAt: -1, blockedSleep: false, blockIdx: -1, sys: null, order: order++, gcWorker: false, loc: '(start)', blockedNet: false, sysBeginAt: -1, burstNs: 0, burstAct: null };
      gs.set(g, s);
    }
    return s;
  };
  const seen = (s: Gs, at: number) => {
    if (at > s.last) s.last = at;
    if (at > lastStep) lastStep = at;
  };
  /**
   * The running time up to `at` becomes compute; `loc` is where it ended (the goroutine's new
   * location). A preemption does not end the burst: the code runs on from where it was.
   */
  const flush = (s: Gs, at: number, loc: string) => {
    if (s.running && at > s.mark) {
      const ns = at - s.mark;
      const prev = s.actions[s.actions.length - 1];
      if (prev !== undefined && prev.a === 'compute') (s.burstAct = prev).ns += ns;
      else s.actions.push((s.burstAct = { a: 'compute', ns }));
      s.burstNs += ns;
    }
    if (s.running) s.mark = at;
    if (loc !== 'preempt') {
      if (s.burstAct !== null) bursts.push({ act: s.burstAct, ns: s.burstNs, path: `${s.func}|${s.loc}>${loc}` });
      s.burstAct = null;
      s.burstNs = 0;
      s.loc = loc;
    }
    seen(s, at);
  };
  const block = (s: Gs, at: number, sleep: boolean, net = false) => {
    s.running = false;
    s.blockedAt = at;
    s.blockedSleep = sleep;
    s.blockedNet = net;
    s.blockIdx = s.actions.length;
    s.actions.push({ a: 'wait', from: PLACEHOLDER });
  };
  /** The writes of goroutines other than `reader` that began in [fromNs, toNs]: each writer's first, and who wrote last. */
  const writesDuring = (reader: number, fromNs: number, toNs: number): Map<number, { act: FdWrite['act']; last: boolean }> => {
    const cands = new Map<number, { act: FdWrite['act']; last: boolean }>();
    let lastG = -1;
    for (let i = fdWrites.length - 1; i >= 0 && fdWrites[i]!.beginNs >= fromNs; i--) {
      const w = fdWrites[i]!;
      if (w.g === reader || w.beginNs > toNs) continue;
      if (lastG < 0) lastG = w.g;
      cands.set(w.g, { act: w.act, last: w.g === lastG });
    }
    return cands;
  };

  for (const st of steps) {
    const at = st.t;
    switch (st.k) {
      case 'initial': {
        const s = get(st.g, at, true, st.state, st.stack !== 0 && st.state === 'runnable' && !isNew ? startFunc(stacks.frames(st.stack)) : '');
        if (st.stack !== 0 && isGcWorker(stacks.frames(st.stack))) s.gcWorker = true;
        if (st.state === 'running') {
          s.running = true;
          s.mark = at;
        } else if (st.state === 'waiting') block(s, t0, false);
        else if (st.state === 'syscall') {
          const frames = stacks.frames(st.stack);
          const act: Extract<Action, { a: 'syscall' }> = { a: 'syscall', ns: 0, site: callSite(frames), via: viaOf(frames), lostP: false, timed: false };
          s.actions.push(act);
          s.sys = { act, begin: t0 };
          syscalls++;
          sites.set(act.site, (sites.get(act.site) ?? 0) + 1);
        }
        break;
      }
      case 'create': {
        const fn = st.startStack !== 0 ? startFunc(stacks.frames(st.startStack)) : '';
        const by = st.by >= 0 ? gs.get(st.by) : undefined;
        const s = get(st.g, at, by === undefined, 'created', fn);
        if (st.startStack !== 0 && isGcWorker(stacks.frames(st.startStack))) {
          s.gcWorker = true;
          break;
        }
        if (by !== undefined) {
          flush(by, at, locOf(st.stack, 'go'));
          by.actions.push({ a: 'go', g: st.g });
        } else if (at > t0) s.actions.push({ a: 'sleep', ns: at - t0 });
        break;
      }
      case 'start': {
        lastActive = st.g;
        const s = get(st.g, at, true, 'runnable');
        s.running = true;
        s.mark = at;
        seen(s, at);
        break;
      }
      case 'stop': {
        const s = gs.get(st.g);
        if (s === undefined) break;
        flush(s, at, st.yield ? 'yield' : 'preempt');
        if (st.yield) s.actions.push({ a: 'yield' });
        s.running = false;
        break;
      }
      case 'block': {
        const s = gs.get(st.g) ?? get(st.g, at, true, 'running');
        flush(s, at, locOf(st.stack, `block ${st.reason}`));
        block(s, at, st.sleep, st.reason === 'network');
        break;
      }
      case 'unblock': {
        const s = gs.get(st.g);
        if (s === undefined || s.blockIdx < 0) break;
        const w = st.by >= 0 && st.by !== st.g ? gs.get(st.by) : undefined;
        // A wake by a GC mark worker (the end of a GC assist) is a wake from outside the replay.
        if (w !== undefined && !s.blockedSleep && !w.gcWorker && !s.gcWorker) {
          flush(w, at, locOf(st.stack, 'wake'));
          w.actions.push({ a: 'wake', g: s.g });
          s.actions[s.blockIdx] = { a: 'wait', from: w.g };
          const key = `${w.g}>${s.g}`;
          edges.set(key, (edges.get(key) ?? 0) + 1);
        } else {
          s.actions[s.blockIdx] = { a: 'sleep', ns: Math.max(0, at - s.blockedAt) };
          // The netpoller readied it: some goroutine's write in the meantime may have been the cause.
          if (s.blockedNet && st.by < 0) netWaits.push({ reader: s, idx: s.blockIdx, cands: writesDuring(s.g, s.sysBeginAt >= 0 ? s.sysBeginAt : s.blockedAt, at) });
        }
        s.blockIdx = -1;
        seen(s, at);
        break;
      }
      case 'end': {
        const s = gs.get(st.g);
        if (s === undefined) break;
        flush(s, at, 'end');
        s.running = false;
        break;
      }
      case 'sysBegin': {
        const s = gs.get(st.g) ?? get(st.g, at, true, 'running');
        flush(s, at, locOf(st.stack, 'syscall'));
        s.sysBeginAt = at;
        const frames = stacks.frames(st.stack);
        const act: Extract<Action, { a: 'syscall' }> = { a: 'syscall', ns: 0, site: callSite(frames), via: viaOf(frames), lostP: false, timed: false };
        s.actions.push(act);
        s.sys = { act, begin: at };
        syscalls++;
        sites.set(act.site, (sites.get(act.site) ?? 0) + 1);
        if (isFdWrite(frames)) fdWrites.push({ g: s.g, act, beginNs: at });
        // New format: the goroutine is in the kernel until the End event. Old format: it may have kept
        // its P without an end event, so its time stays compute until its next event.
        if (isNew) s.running = false;
        break;
      }
      case 'lostP': {
        const s = gs.get(st.g);
        if (s?.sys == null || s.sys.act.lostP) break;
        s.sys.act.lostP = true;
        lostP++;
        // Old format: the call is in the kernel from GoSysCall on (no compute after it).
        if (!isNew) s.running = false;
        break;
      }
      case 'sysEnd': {
        const s = gs.get(st.g);
        if (s?.sys == null) break;
        const { act, begin } = s.sys;
        act.ns = Math.max(0, at - begin);
        act.timed = true;
        if (st.blocked && !act.lostP) {
          act.lostP = true;
          lostP++;
        }
        s.sys = null;
        seen(s, at);
        if (st.blocked) s.running = false;
        else {
          s.running = true;
          s.mark = at;
        }
        break;
      }
      case 'touch': {
        lastActive = st.g;
        const s = gs.get(st.g);
        if (s !== undefined) seen(s, at);
        break;
      }
      case 'gcBegin': {
        gcBegin = at;
        // Old format: GCStart is on the GC's pseudo-P and names no goroutine; the goroutine that
        // started the cycle is the running one with the latest event (its HeapAlloc, just before).
        const latest = gs.get(lastActive);
        const s = st.g >= 0 ? gs.get(st.g) : latest?.running === true ? latest : undefined;
        if (s === undefined || s.gcWorker) {
          gcUnattributed++;
          break;
        }
        flush(s, at, locOf(st.stack, 'gc'));
        s.actions.push({ a: 'gc', wait: st.stack !== 0 && stacks.frames(st.stack).some((f) => f.func === 'runtime.GC' || f.func.endsWith('.runtime.GC')) });
        break;
      }
      case 'gcEnd':
        if (gcBegin >= 0) gcDurations.push(at - gcBegin);
        gcBegin = -1;
        break;
      case 'pUse':
        break;
    }
  }

  // The end: running goroutines compute up to their last step; unresolved waits end a program.
  for (const s of gs.values()) {
    if (s.running) flush(s, s.last, 'trace end');
    if (s.blockIdx >= 0) s.actions.length = s.blockIdx;
  }
  const deinflated = deinflateBursts(bursts);
  const linked = linkNetWaits(netWaits, gs, edges);
  const list = [...gs.values()].filter((s) => !s.gcWorker).sort((a, b) => (a.atStart !== b.atStart ? (a.atStart ? -1 : 1) : a.atStart ? a.g - b.g : a.order - b.order));
  const notes: string[] = [];
  if (!isNew) notes.push('old trace format: syscalls that kept their P have no recorded duration; they replay as zero-length calls with the time up to the next event as compute.');
  if (deinflated.bursts > 0)
    notes.push(
      `${deinflated.bursts} running burst(s) over ${BURST_OUTLIER_FACTOR}× their code path's median replay at the median: ${(deinflated.removedNs / 1e6).toFixed(1)} ms of ${(deinflated.runningNs / 1e6).toFixed(1)} ms running time removed (the OS took the thread away while Go counted the goroutine as running).`,
    );
  if (netWaits.length > 0) notes.push(`${linked} of ${netWaits.length} network wait(s) replay after their peer's socket write; the others at their traced time.`);
  if (gcUnattributed > 0) notes.push(`${gcUnattributed} GC cycle(s) started outside any replayed goroutine (sysmon's forced GC, a mark worker): not replayed.`);
  gcDurations.sort((a, b) => a - b);
  const gc = gcDurations.length === 0 ? null : { cycles: gcDurations.length, medianNs: gcDurations[Math.floor((gcDurations.length - 1) / 2)]! };
  return {
    format: t.format,
    version: t.version,
    goroutines: list.map((s) => ({ g: s.g, func: s.func, atStart: s.atStart, tracer: TRACER_FUNC.test(s.func), initial: s.initial, actions: s.actions, firstNs: s.first - t0, lastNs: s.last - t0 })),
    trace: traceFigures(facts, lastStep - t0, syscalls, lostP),
    edges,
    sites,
    gc,
    deinflated,
    netWaits: { linked, total: netWaits.length },
    notes,
  };
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

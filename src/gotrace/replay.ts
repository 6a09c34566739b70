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
//   goroutine (netpoll, the scheduler) becomes `sleep` of the blocked time (replayed as an external
//   wake at that time, src/workloads/trace_replay.ts);
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
}

/** The runtime's GC mark workers (in a simulator-written trace the frame is `main.runtime.gcBgMarkWorker`). */
const isGcWorker = (frames: readonly { readonly func: string }[]): boolean => frames.some((f) => f.func.endsWith('runtime.gcBgMarkWorker'));

const PLACEHOLDER = -2;

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

  const get = (g: number, at: number, atStart: boolean, initial: InitialState | 'created', func = ''): Gs => {
    let s = gs.get(g);
    if (s === undefined) {
      s = { g, func, atStart, initial, actions: [], running: false, mark: at, first: at, last: at, blockedAt: -1, blockedSleep: false, blockIdx: -1, sys: null, order: order++, gcWorker: false };
      gs.set(g, s);
    }
    return s;
  };
  const seen = (s: Gs, at: number) => {
    if (at > s.last) s.last = at;
    if (at > lastStep) lastStep = at;
  };
  const flush = (s: Gs, at: number) => {
    if (s.running && at > s.mark) {
      const prev = s.actions[s.actions.length - 1];
      if (prev !== undefined && prev.a === 'compute') prev.ns += at - s.mark;
      else s.actions.push({ a: 'compute', ns: at - s.mark });
    }
    if (s.running) s.mark = at;
    seen(s, at);
  };
  const block = (s: Gs, at: number, sleep: boolean) => {
    s.running = false;
    s.blockedAt = at;
    s.blockedSleep = sleep;
    s.blockIdx = s.actions.length;
    s.actions.push({ a: 'wait', from: PLACEHOLDER });
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
          flush(by, at);
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
        flush(s, at);
        if (st.yield) s.actions.push({ a: 'yield' });
        s.running = false;
        break;
      }
      case 'block': {
        const s = gs.get(st.g) ?? get(st.g, at, true, 'running');
        flush(s, at);
        block(s, at, st.sleep);
        break;
      }
      case 'unblock': {
        const s = gs.get(st.g);
        if (s === undefined || s.blockIdx < 0) break;
        const w = st.by >= 0 && st.by !== st.g ? gs.get(st.by) : undefined;
        // A wake by a GC mark worker (the end of a GC assist) is a wake from outside the replay.
        if (w !== undefined && !s.blockedSleep && !w.gcWorker && !s.gcWorker) {
          flush(w, at);
          w.actions.push({ a: 'wake', g: s.g });
          s.actions[s.blockIdx] = { a: 'wait', from: w.g };
          const key = `${w.g}>${s.g}`;
          edges.set(key, (edges.get(key) ?? 0) + 1);
        } else {
          s.actions[s.blockIdx] = { a: 'sleep', ns: Math.max(0, at - s.blockedAt) };
        }
        s.blockIdx = -1;
        seen(s, at);
        break;
      }
      case 'end': {
        const s = gs.get(st.g);
        if (s === undefined) break;
        flush(s, at);
        s.running = false;
        break;
      }
      case 'sysBegin': {
        const s = gs.get(st.g) ?? get(st.g, at, true, 'running');
        flush(s, at);
        const frames = stacks.frames(st.stack);
        const act: Extract<Action, { a: 'syscall' }> = { a: 'syscall', ns: 0, site: callSite(frames), via: viaOf(frames), lostP: false, timed: false };
        s.actions.push(act);
        s.sys = { act, begin: at };
        syscalls++;
        sites.set(act.site, (sites.get(act.site) ?? 0) + 1);
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
        flush(s, at);
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
    if (s.running) flush(s, s.last);
    if (s.blockIdx >= 0) s.actions.length = s.blockIdx;
  }
  const list = [...gs.values()].filter((s) => !s.gcWorker).sort((a, b) => (a.atStart !== b.atStart ? (a.atStart ? -1 : 1) : a.atStart ? a.g - b.g : a.order - b.order));
  const notes: string[] = [];
  if (!isNew) notes.push('old trace format: syscalls that kept their P have no recorded duration; they replay as zero-length calls with the time up to the next event as compute.');
  if (gcUnattributed > 0) notes.push(`${gcUnattributed} GC cycle(s) started outside any replayed goroutine (sysmon's forced GC, a mark worker): not replayed.`);
  gcDurations.sort((a, b) => a - b);
  const gc = gcDurations.length === 0 ? null : { cycles: gcDurations.length, medianNs: gcDurations[Math.floor((gcDurations.length - 1) / 2)]! };
  return {
    format: t.format,
    version: t.version,
    goroutines: list.map((s) => ({ g: s.g, func: s.func, atStart: s.atStart, initial: s.initial, actions: s.actions, firstNs: s.first - t0, lastNs: s.last - t0 })),
    trace: traceFigures(facts, lastStep - t0, syscalls, lostP),
    edges,
    sites,
    gc,
    notes,
  };
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

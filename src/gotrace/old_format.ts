// Reader for the old (v1) Go execution trace format: headers "go 1.11 trace",
// "go 1.19 trace" and "go 1.21 trace".
//
// Steps (same semantics as Go's v1 parser, our own implementation):
//  1. Decode the flat event stream: string table, stack table, Batch/Frequency,
//     and every other event with its exact argument count for the version.
//     Each event gets P = current batch's P, G = the P's current goroutine,
//     and an absolute tick time.
//  2. Merge the per-P event lists into one consistent order using the
//     per-goroutine (seq, state) rules (see docs/trace-reader.md).
//  3. Apply GoSysExit real-ticks, check time order, convert ticks to ns.
//  4. Validate the goroutine / P state machine.

import { ALL_ONES, Cursor, TraceError, decodeUtf8 } from './common.js';
import { EventStore, eventList } from './event_store.js';
import type { Frame, ParsedTrace } from './common.js';

// Event type numbers of the v1 format.
export const EvBatch = 1;
export const EvFrequency = 2;
export const EvStack = 3;
export const EvGomaxprocs = 4;
export const EvProcStart = 5;
export const EvProcStop = 6;
export const EvGCStart = 7;
export const EvGCDone = 8;
export const EvGCSTWStart = 9;
export const EvGCSTWDone = 10;
export const EvGCSweepStart = 11;
export const EvGCSweepDone = 12;
export const EvGoCreate = 13;
export const EvGoStart = 14;
export const EvGoEnd = 15;
export const EvGoStop = 16;
export const EvGoSched = 17;
export const EvGoPreempt = 18;
export const EvGoSleep = 19;
export const EvGoBlock = 20;
export const EvGoUnblock = 21;
export const EvGoBlockSend = 22;
export const EvGoBlockRecv = 23;
export const EvGoBlockSelect = 24;
export const EvGoBlockSync = 25;
export const EvGoBlockCond = 26;
export const EvGoBlockNet = 27;
export const EvGoSysCall = 28;
export const EvGoSysExit = 29;
export const EvGoSysBlock = 30;
export const EvGoWaiting = 31;
export const EvGoInSyscall = 32;
export const EvHeapAlloc = 33;
export const EvHeapGoal = 34;
export const EvTimerGoroutine = 35;
export const EvFutileWakeup = 36;
export const EvString = 37;
export const EvGoStartLocal = 38;
export const EvGoUnblockLocal = 39;
export const EvGoSysExitLocal = 40;
export const EvGoStartLabel = 41;
export const EvGoBlockGC = 42;
export const EvGCMarkAssistStart = 43;
export const EvGCMarkAssistDone = 44;
export const EvUserTaskCreate = 45;
export const EvUserTaskEnd = 46;
export const EvUserRegion = 47;
export const EvUserLog = 48;
export const EvCPUSample = 49;
const EvCount = 50;

/** Fake P ids, as in Go's v1 parser. */
export const FakeP = 1000000;
export const TimerP = FakeP + 1;
export const NetpollP = FakeP + 2;
export const SyscallP = FakeP + 3;
export const GCP = FakeP + 4;
export const ProfileP = FakeP + 5;

interface OldSpec {
  name: string;
  /** Payload args (without timestamp and stack). */
  nargs: number;
  stack: boolean;
  timed: boolean;
  minVersion: number;
}

function spec(name: string, nargs: number, stack: boolean, minVersion = 1005, timed = true): OldSpec {
  return { name, nargs, stack, timed, minVersion };
}

/** The v1 event table (as of Go 1.19/1.21). */
export const OLD_SPECS: readonly OldSpec[] = [
  spec('None', 0, false),
  spec('Batch', 2, false, 1005, false),
  spec('Frequency', 1, false, 1005, false),
  spec('Stack', 2, false, 1005, false),
  spec('Gomaxprocs', 1, true),
  spec('ProcStart', 1, false),
  spec('ProcStop', 0, false),
  spec('GCStart', 1, true),
  spec('GCDone', 0, false),
  spec('GCSTWStart', 1, false),
  spec('GCSTWDone', 0, false),
  spec('GCSweepStart', 0, true),
  spec('GCSweepDone', 2, false),
  spec('GoCreate', 2, true),
  spec('GoStart', 2, false),
  spec('GoEnd', 0, false),
  spec('GoStop', 0, true),
  spec('GoSched', 0, true),
  spec('GoPreempt', 0, true),
  spec('GoSleep', 0, true),
  spec('GoBlock', 0, true),
  spec('GoUnblock', 2, true),
  spec('GoBlockSend', 0, true),
  spec('GoBlockRecv', 0, true),
  spec('GoBlockSelect', 0, true),
  spec('GoBlockSync', 0, true),
  spec('GoBlockCond', 0, true),
  spec('GoBlockNet', 0, true),
  spec('GoSysCall', 0, true),
  spec('GoSysExit', 3, false),
  spec('GoSysBlock', 0, false),
  spec('GoWaiting', 1, false),
  spec('GoInSyscall', 1, false),
  spec('HeapAlloc', 1, false),
  spec('HeapGoal', 1, false),
  spec('TimerGoroutine', 1, false, 1005, false),
  spec('FutileWakeup', 0, false),
  spec('String', 0, false, 1007, false),
  spec('GoStartLocal', 1, false, 1007),
  spec('GoUnblockLocal', 1, true, 1007),
  spec('GoSysExitLocal', 2, false, 1007),
  spec('GoStartLabel', 3, false, 1008),
  spec('GoBlockGC', 0, true, 1008),
  spec('GCMarkAssistStart', 0, true, 1009),
  spec('GCMarkAssistDone', 0, false, 1009),
  spec('UserTaskCreate', 3, true, 1011),
  spec('UserTaskEnd', 1, true, 1011),
  spec('UserRegion', 3, true, 1011),
  spec('UserLog', 2, true, 1011),
  spec('CPUSample', 3, true, 1019),
];

/** Number of wire arguments (after the type byte) that event `typ` must have. */
function wireArgCount(s: OldSpec): number {
  return s.nargs + (s.stack ? 1 : 0) + (s.timed ? 1 : 0);
}

const MAX_STRING_LEN = 1e6;
const MAX_STACK_FRAMES = 1000;

// ---------------------------------------------------------------------------
// Ordering (per-goroutine sequence rules), on event indices of the store.

const G_DEAD = 0;
const G_RUNNABLE = 1;
const G_RUNNING = 2;
const G_WAITING = 3;

/** Sentinels for the ordering rules. */
const NOSEQ = -1; // ready whatever the current seq is
const SEQINC = -2; // next seq = current + 1
const KEY_UNORDERED = -1; // event has no ordering constraint
const KEY_GC = -2; // global GC sequence

interface GState {
  seq: number;
  status: number;
}

interface Transition {
  key: number;
  initSeq: number;
  initStatus: number;
  nextSeq: number;
  nextStatus: number;
}

const scratchTr: Transition = { key: 0, initSeq: 0, initStatus: 0, nextSeq: 0, nextStatus: 0 };

function stateTransition(st: EventStore, i: number, tr: Transition): void {
  const a = st.args;
  const o = st.argOff[i]!;
  switch (st.code[i]) {
    case EvGoCreate:
      set(tr, a[o]!, 0, G_DEAD, 1, G_RUNNABLE);
      return;
    case EvGoWaiting:
    case EvGoInSyscall:
      set(tr, st.g.get(i), 1, G_RUNNABLE, 2, G_WAITING);
      return;
    case EvGoStart:
    case EvGoStartLabel:
      set(tr, st.g.get(i), a[o + 1]!, G_RUNNABLE, a[o + 1]! + 1, G_RUNNING);
      return;
    case EvGoStartLocal:
      set(tr, st.g.get(i), NOSEQ, G_RUNNABLE, SEQINC, G_RUNNING);
      return;
    case EvGoBlock:
    case EvGoBlockSend:
    case EvGoBlockRecv:
    case EvGoBlockSelect:
    case EvGoBlockSync:
    case EvGoBlockCond:
    case EvGoBlockNet:
    case EvGoSleep:
    case EvGoSysBlock:
    case EvGoBlockGC:
      set(tr, st.g.get(i), NOSEQ, G_RUNNING, NOSEQ, G_WAITING);
      return;
    case EvGoSched:
    case EvGoPreempt:
      set(tr, st.g.get(i), NOSEQ, G_RUNNING, NOSEQ, G_RUNNABLE);
      return;
    case EvGoUnblock:
    case EvGoSysExit:
      set(tr, a[o]!, a[o + 1]!, G_WAITING, a[o + 1]! + 1, G_RUNNABLE);
      return;
    case EvGoUnblockLocal:
    case EvGoSysExitLocal:
      set(tr, a[o]!, NOSEQ, G_WAITING, SEQINC, G_RUNNABLE);
      return;
    case EvGCStart:
      set(tr, KEY_GC, a[o]!, G_DEAD, a[o]! + 1, G_DEAD);
      return;
    default:
      tr.key = KEY_UNORDERED;
  }
}

function set(tr: Transition, key: number, initSeq: number, initStatus: number, nextSeq: number, nextStatus: number): void {
  // Goroutine ids are non-negative in valid traces; map the "all ones" id
  // (-1) away from our internal sentinel keys.
  tr.key = key < 0 ? -1000 + key : key;
  tr.initSeq = initSeq;
  tr.initStatus = initStatus;
  tr.nextSeq = nextSeq;
  tr.nextStatus = nextStatus;
}

const DEAD0: GState = { seq: 0, status: G_DEAD };

function ready(tr: Transition, gs: Map<number, GState>): boolean {
  if (tr.key === KEY_UNORDERED) return true;
  const cur = gs.get(tr.key) ?? DEAD0;
  return (tr.initSeq === NOSEQ || tr.initSeq === cur.seq) && tr.initStatus === cur.status;
}

/** Min-heap of batch indices keyed by (head event ticks, batch index). */
class FrontierHeap {
  idx: number[] = [];
  key: number[] = [];
  push(i: number, k: number): void {
    const idx = this.idx;
    const key = this.key;
    let n = idx.length;
    idx.push(i);
    key.push(k);
    while (n > 0) {
      const parent = (n - 1) >> 1;
      const pk = key[parent]!;
      if (pk < k || (pk === k && idx[parent]! < i)) break;
      idx[n] = idx[parent]!;
      key[n] = pk;
      n = parent;
    }
    idx[n] = i;
    key[n] = k;
  }
  pop(): number {
    const idx = this.idx;
    const key = this.key;
    const top = idx[0]!;
    const li = idx.pop()!;
    const lk = key.pop()!;
    const n = idx.length;
    if (n > 0) {
      let pos = 0;
      for (;;) {
        let c = 2 * pos + 1;
        if (c >= n) break;
        const r = c + 1;
        if (r < n && (key[r]! < key[c]! || (key[r] === key[c] && idx[r]! < idx[c]!))) c = r;
        if (key[c]! > lk || (key[c] === lk && idx[c]! > li)) break;
        idx[pos] = idx[c]!;
        key[pos] = key[c]!;
        pos = c;
      }
      idx[pos] = li;
      key[pos] = lk;
    }
    return top;
  }
  get size(): number {
    return this.idx.length;
  }
}

/**
 * The events of one P (or of the profile pseudo-P), in file order: segments
 * [start, end) of store indices (a segment per Batch record of the P).
 */
interface PList {
  segs: number[];
  /** Current segment (index into segs, step 2) and current event index; cur = -1 when exhausted. */
  k: number;
  cur: number;
}

function listStart(l: PList): void {
  l.k = 0;
  l.cur = l.segs.length > 0 ? l.segs[0]! : -1;
}

function listAdvance(l: PList): void {
  const segs = l.segs;
  l.cur++;
  if (l.cur >= segs[l.k + 1]!) {
    l.k += 2;
    l.cur = l.k < segs.length ? segs[l.k]! : -1;
  }
}

function orderEvents(st: EventStore, lists: PList[], total: number): Int32Array {
  const out = new Int32Array(total);
  let nOut = 0;
  const gs = new Map<number, GState>();
  const heap = new FrontierHeap();
  // Lists whose head is not ready, keyed by the goroutine key they wait on.
  const waiting = new Map<number, number[]>();
  const tr = scratchTr;
  const ts = st.ts;
  let budget = 64 * total + 1_000_000;

  const consider = (bi: number): void => {
    const h = lists[bi]!.cur;
    if (h < 0) return;
    stateTransition(st, h, tr);
    if (ready(tr, gs)) {
      heap.push(bi, ts[h]!);
    } else {
      let w = waiting.get(tr.key);
      if (w === undefined) {
        w = [];
        waiting.set(tr.key, w);
      }
      w.push(bi);
    }
  };

  for (const l of lists) listStart(l);
  for (let bi = 0; bi < lists.length; bi++) consider(bi);

  while (nOut < total) {
    if (heap.size === 0) {
      // Find an offending event for the message.
      let off = -1;
      for (const l of lists) {
        if (l.cur >= 0) {
          off = st.offset[l.cur]!;
          break;
        }
      }
      throw new TraceError(off, 'no consistent ordering of events possible (goroutine sequence numbers or states do not match)');
    }
    const bi = heap.pop();
    const l = lists[bi]!;
    const i = l.cur;
    listAdvance(l);
    stateTransition(st, i, tr);
    // Get rid of the "Local" variants, they only serve ordering (their
    // arguments were stored in the non-Local layout).
    const code = st.code[i]!;
    if (code === EvGoStartLocal) st.code[i] = EvGoStart;
    else if (code === EvGoUnblockLocal) st.code[i] = EvGoUnblock;
    else if (code === EvGoSysExitLocal) st.code[i] = EvGoSysExit;
    if (tr.key !== KEY_UNORDERED) {
      const cur = gs.get(tr.key) ?? DEAD0;
      if (!((tr.initSeq === NOSEQ || tr.initSeq === cur.seq) && tr.initStatus === cur.status)) {
        throw new TraceError(st.offset[i]!, `event sequences are broken: ${OLD_SPECS[st.code[i]!]!.name} for goroutine ${tr.key} is no longer ready`);
      }
      let ns = tr.nextSeq;
      if (ns === NOSEQ) ns = cur.seq;
      else if (ns === SEQINC) ns = cur.seq + 1;
      const s = gs.get(tr.key);
      if (s === undefined) gs.set(tr.key, { seq: ns, status: tr.nextStatus });
      else {
        s.seq = ns;
        s.status = tr.nextStatus;
      }
      const w = waiting.get(tr.key);
      if (w !== undefined) {
        waiting.delete(tr.key);
        budget -= w.length;
        if (budget < 0) throw new TraceError(st.offset[i]!, 'giving up: ordering the events takes too long (trace is likely corrupt)');
        for (const wb of w) consider(wb);
      }
    }
    out[nOut++] = i;
    consider(bi);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Decoding.

export interface OldParseOptions {
  /** Skip the goroutine/P state-machine validation (step 4). */
  readonly skipStateCheck?: boolean;
}

const OLD_NAMES: readonly string[] = OLD_SPECS.map((s) => s.name);

export function parseOldFormat(bytes: Uint8Array, version: number, opts: OldParseOptions = {}): ParsedTrace {
  const st = parseOldStore(bytes, version, opts);
  return {
    format: 'old',
    version,
    ticksPerSec: st.ticksPerSec,
    events: eventList(st.store),
    strings: st.strings,
    stacks: st.stacks,
    generations: [],
    startNs: 0,
    bytes,
    store: st.store,
  };
}

interface OldStoreResult {
  store: EventStore;
  ticksPerSec: number;
  strings: Map<number, string>;
  stacks: Map<number, readonly Frame[]>;
}

/** Decoder state shared by the record handlers (step 1). */
interface Decoder {
  readonly bytes: Uint8Array;
  readonly version: number;
  readonly cur: Cursor;
  readonly store: EventStore;
  readonly strings: Map<number, string>;
  readonly rawStacks: Map<number, { off: number; args: number[] }>;
  /** Event lists by P, and in the order they were first seen (the merge's tie-break). */
  readonly listOf: Map<number, PList>;
  readonly lists: PList[];
  /** CPU samples (store indices), re-sorted by their own time before the merge. */
  readonly samples: number[];
  readonly userLogValues: Map<number, string>;
  readonly timerGoids: Set<number>;
  /** Each P's current goroutine when its batch was left. */
  readonly lastGs: Map<number, number>;
  lastP: number;
  lastG: number;
  lastTs: number;
  ticksPerSec: number;
  sawBatch: boolean;
  /** Open segment of the current batch's P list (null: none open). */
  curList: PList | null;
  /** The current record's arguments: args[0, nargs); sarg is UserLog's value. */
  args: number[];
  nargs: number;
  sarg: string;
}

/** One handler per record type; `off` is the record's byte offset, `s` its spec. */
type RecordHandler = (d: Decoder, off: number, typ: number, s: OldSpec) => void;

function newDecoder(bytes: Uint8Array, version: number): Decoder {
  return {
    bytes,
    version,
    cur: new Cursor(bytes, 16, bytes.length),
    store: new EventStore(OLD_NAMES, false, bytes.length / 2),
    strings: new Map(),
    rawStacks: new Map(),
    listOf: new Map(),
    lists: [],
    samples: [],
    userLogValues: new Map(),
    timerGoids: new Set(),
    lastGs: new Map(),
    lastP: 0,
    lastG: 0,
    lastTs: 0,
    ticksPerSec: 0,
    sawBatch: false,
    curList: null,
    args: new Array<number>(64).fill(0),
    nargs: 0,
    sarg: '',
  };
}

function getList(d: Decoder, p: number): PList {
  let l = d.listOf.get(p);
  if (l === undefined) {
    l = { segs: [], k: 0, cur: -1 };
    d.listOf.set(p, l);
    d.lists.push(l);
  }
  return l;
}

/** Reads a record's arguments (the header byte `b` at `off` already read) into d.args. */
function readArgs(d: Decoder, off: number, b: number, typ: number): void {
  const cur = d.cur;
  const narg = (b >> 6) + 1;
  d.nargs = 0;
  if (narg < 4) {
    for (let i = 0; i < narg; i++) d.args[d.nargs++] = cur.uv('event argument');
  } else {
    const evLen = cur.uv('event length');
    if (evLen > cur.remaining) {
      throw new TraceError(cur.pos, `event length ${evLen} exceeds the ${cur.remaining} remaining bytes`);
    }
    const start = cur.pos;
    const stop = start + evLen;
    // Read arguments only inside the declared block.
    const saveEnd = cur.end;
    cur.end = stop;
    while (cur.pos < stop) {
      if (d.nargs === d.args.length) d.args = d.args.concat(new Array<number>(d.args.length).fill(0));
      d.args[d.nargs++] = cur.uv('event argument');
    }
    cur.end = saveEnd;
    if (cur.pos !== stop) throw new TraceError(start, `event has wrong length: declared ${evLen}, decoded ${cur.pos - start}`);
  }
  if (typ === EvUserLog) {
    const ln = cur.uv('user log value length');
    if (ln > MAX_STRING_LEN) throw new TraceError(off, `user log value has too large length ${ln}`);
    if (ln > cur.remaining) throw new TraceError(cur.pos, `truncated user log value: expected ${ln} bytes`);
    d.sarg = decodeUtf8(d.bytes, cur.pos, cur.pos + ln);
    cur.pos += ln;
  }
}

function checkArity(d: Decoder, off: number, s: OldSpec): void {
  const want = wireArgCount(s);
  if (d.nargs !== want) throw new TraceError(off, `${s.name} has wrong number of arguments: want ${want}, got ${d.nargs}`);
}

// Records that are not events.

const onString: RecordHandler = (d, off) => {
  const cur = d.cur;
  const id = cur.uv('string id');
  if (id === 0) throw new TraceError(off, 'string has invalid id 0');
  if (d.strings.has(id)) throw new TraceError(off, `string has duplicate id ${id}`);
  const ln = cur.uv('string length');
  if (ln === 0) throw new TraceError(off, 'string has invalid length 0');
  if (ln > MAX_STRING_LEN) throw new TraceError(off, `string has too large length ${ln}`);
  if (ln > cur.remaining) throw new TraceError(cur.pos, `truncated string: expected ${ln} bytes, only ${cur.remaining} left`);
  d.strings.set(id, decodeUtf8(d.bytes, cur.pos, cur.pos + ln));
  cur.pos += ln;
};

const onStack: RecordHandler = (d, off) => {
  const args = d.args;
  const nargs = d.nargs;
  if (nargs < 2) throw new TraceError(off, `Stack has wrong number of arguments: want at least 2, got ${nargs}`);
  const n = args[1]!;
  if (n > MAX_STACK_FRAMES) throw new TraceError(off, `Stack has bad number of frames: ${n}`);
  if (nargs !== 2 + 4 * n) throw new TraceError(off, `Stack has wrong number of arguments: want ${2 + 4 * n}, got ${nargs}`);
  const id = args[0]!;
  if (id !== 0 && n > 0) d.rawStacks.set(id, { off, args: args.slice(2, nargs) });
};

const onBatch: RecordHandler = (d, off, _typ, s) => {
  checkArity(d, off, s);
  d.lastGs.set(d.lastP, d.lastG);
  d.lastP = d.args[0]!; // 2^64-1 ("no P") decodes as -1
  d.lastG = d.lastGs.get(d.lastP) ?? 0;
  d.lastTs = d.args[1]!;
  d.sawBatch = true;
  d.curList = null;
};

const onFrequency: RecordHandler = (d, off, _typ, s) => {
  checkArity(d, off, s);
  d.ticksPerSec = d.args[0]!;
  if (d.ticksPerSec <= 0) throw new TraceError(off, `Frequency contains invalid frequency ${d.ticksPerSec}`);
};

const onTimerGoroutine: RecordHandler = (d, off, _typ, s) => {
  checkArity(d, off, s);
  d.timerGoids.add(d.args[0]!);
};

// Events: each is stored with its tick time, P and G (Go's attribution rules per type).

/** Checks the arity, advances the batch clock and returns the event's tick time. */
function eventTicks(d: Decoder, off: number, s: OldSpec): number {
  checkArity(d, off, s);
  d.lastTs += d.args[0]!;
  return d.lastTs;
}

/** Stores an event and appends it to its P's list. */
function addEvent(d: Decoder, off: number, typ: number, s: OldSpec, ticks: number, p: number, g: number): void {
  const store = d.store;
  const args = d.args;
  const i = store.add(typ, ticks, p, g, -1, s.stack ? args[d.nargs - 1]! : 0, off);
  for (let k = 1; k <= s.nargs; k++) store.arg(args[k]!);
  if (typ === EvCPUSample) {
    getList(d, ProfileP); // listed where the first sample appears (tie-breaking in the merge)
    d.samples.push(i);
    d.curList = null;
  } else if (d.curList === null) {
    d.curList = getList(d, d.lastP);
    d.curList.segs.push(i, i + 1);
  } else {
    d.curList.segs[d.curList.segs.length - 1] = i + 1;
  }
}

/** On the batch's P, by the P's current goroutine. */
const onEvent: RecordHandler = (d, off, typ, s) => {
  addEvent(d, off, typ, s, eventTicks(d, off, s), d.lastP, d.lastG);
};

/** GoStart*: the started goroutine becomes the P's current one. */
const onGoStart: RecordHandler = (d, off, typ, s) => {
  const ticks = eventTicks(d, off, s);
  d.lastG = d.args[1]!;
  addEvent(d, off, typ, s, ticks, d.lastP, d.lastG);
  // GoStartLocal is stored in the layout of the GoStart it becomes.
  if (typ === EvGoStartLocal) d.store.arg(0);
};

/** The P's goroutine stops running (end, stop, yield, block). */
const onGoLeave: RecordHandler = (d, off, typ, s) => {
  const g = d.lastG;
  d.lastG = 0;
  addEvent(d, off, typ, s, eventTicks(d, off, s), d.lastP, g);
};

/** GC-wide events belong to no goroutine. */
const onGlobal: RecordHandler = (d, off, typ, s) => {
  addEvent(d, off, typ, s, eventTicks(d, off, s), d.lastP, 0);
};

const onSTWStart: RecordHandler = (d, off, typ, s) => {
  const ticks = eventTicks(d, off, s);
  const kind = d.args[1]!;
  if (kind !== 0 && kind !== 1) throw new TraceError(off, `unknown STW kind ${kind} (expected 0 or 1)`);
  addEvent(d, off, typ, s, ticks, d.lastP, 0);
  d.store.setSargs(d.store.n - 1, [kind === 0 ? 'mark termination' : 'sweep termination']);
};

/** Events about another goroutine (its id is the first argument). */
const onOtherG: RecordHandler = (d, off, typ, s) => {
  addEvent(d, off, typ, s, eventTicks(d, off, s), d.lastP, d.args[1]!);
};

/** GoSysExitLocal: on the P's goroutine, stored in GoSysExit's layout (g, seq 0, real ticks). */
const onGoSysExitLocal: RecordHandler = (d, off, typ, s) => {
  onEvent(d, off, typ, s);
  d.store.args[d.store.nArgs - 1] = 0;
  d.store.arg(d.args[2]!);
};

/** GoUnblockLocal: on the P's goroutine, stored in GoUnblock's layout (seq 0). */
const onGoUnblockLocal: RecordHandler = (d, off, typ, s) => {
  onEvent(d, off, typ, s);
  d.store.arg(0);
};

/** CPU samples carry their own time, P and G. */
const onCPUSample: RecordHandler = (d, off, typ, s) => {
  eventTicks(d, off, s);
  addEvent(d, off, typ, s, d.args[1]!, d.args[2]!, d.args[3]!);
};

const onUserLog: RecordHandler = (d, off, typ, s) => {
  onEvent(d, off, typ, s);
  d.userLogValues.set(d.store.n - 1, d.sarg);
};

const DECODE: readonly RecordHandler[] = (() => {
  const t = new Array<RecordHandler>(EvCount).fill(onEvent);
  const on = (h: RecordHandler, ...types: number[]): void => {
    for (const typ of types) t[typ] = h;
  };
  on(onString, EvString);
  on(onStack, EvStack);
  on(onBatch, EvBatch);
  on(onFrequency, EvFrequency);
  on(onTimerGoroutine, EvTimerGoroutine);
  on(onGoStart, EvGoStart, EvGoStartLocal, EvGoStartLabel);
  on(onSTWStart, EvGCSTWStart);
  on(onGlobal, EvGCStart, EvGCDone, EvGCSTWDone);
  on(onGoLeave, EvGoEnd, EvGoStop, EvGoSched, EvGoPreempt, EvGoSleep, EvGoBlock, EvGoBlockSend, EvGoBlockRecv);
  on(onGoLeave, EvGoBlockSelect, EvGoBlockSync, EvGoBlockCond, EvGoBlockNet, EvGoSysBlock, EvGoBlockGC);
  on(onOtherG, EvGoSysExit, EvGoWaiting, EvGoInSyscall);
  on(onGoSysExitLocal, EvGoSysExitLocal);
  on(onGoUnblockLocal, EvGoUnblockLocal);
  on(onCPUSample, EvCPUSample);
  on(onUserLog, EvUserLog);
  return t;
})();

/** Step 1: decodes every record of the file into the store and the per-P lists. */
function decodeRecords(bytes: Uint8Array, version: number): Decoder {
  const d = newDecoder(bytes, version);
  const cur = d.cur;
  while (cur.pos < cur.end) {
    const off = cur.pos;
    const b = cur.buf[cur.pos++]!;
    const typ = b & 0x3f;
    const s = OLD_SPECS[typ];
    if (typ === 0 || typ >= EvCount || s === undefined || s.minVersion > version) {
      throw new TraceError(off, `unknown event type ${typ} for go 1.${version - 1000} (expected 1..49)`);
    }
    if (typ !== EvString) readArgs(d, off, b, typ);
    DECODE[typ]!(d, off, typ, s);
  }
  if (d.store.n === 0) {
    throw new TraceError(cur.pos, d.sawBatch ? 'trace is empty (no events)' : 'trace is empty (expected at least one Batch)');
  }
  if (d.ticksPerSec === 0) throw new TraceError(cur.pos, 'no Frequency event (expected exactly one)');
  return d;
}

/** Decode, order and check an old-format trace into an event store (positions in Go's order). */
export function parseOldStore(bytes: Uint8Array, version: number, opts: OldParseOptions = {}): OldStoreResult {
  const d = decodeRecords(bytes, version);
  const store = d.store;
  resolveStringArgs(d);
  const stacks = buildStacks(d);
  sortSamples(d);
  let order = orderEvents(store, d.lists, store.n);
  checkTimeOrder(store, order);
  order = applySysExitTimes(store, order);
  store.order = order;
  store.tsBase = store.ts[order[0]!]!;
  store.nsPerTick = 1e9 / d.ticksPerSec;
  assignPseudoPs(store, d.timerGoids);
  if (!opts.skipStateCheck) checkStates(store);
  return { store, ticksPerSec: d.ticksPerSec, strings: d.strings, stacks };
}

/** String arguments, resolved now that all strings are known. */
function resolveStringArgs(d: Decoder): void {
  const store = d.store;
  const str = (id: number): string => d.strings.get(id) ?? '';
  const sa = store.args;
  for (let i = 0; i < store.n; i++) {
    switch (store.code[i]) {
      case EvGoStartLabel:
      case EvUserTaskCreate:
      case EvUserRegion:
        store.setSargs(i, [str(sa[store.argOff[i]! + 2]!)]);
        break;
      case EvUserLog:
        store.setSargs(i, [str(sa[store.argOff[i]! + 1]!), d.userLogValues.get(i) ?? '']);
        break;
    }
  }
}

function buildStacks(d: Decoder): Map<number, readonly Frame[]> {
  const str = (id: number): string => d.strings.get(id) ?? '';
  const stacks = new Map<number, readonly Frame[]>();
  for (const [id, raw] of d.rawStacks) {
    const n = raw.args.length / 4;
    const frames: Frame[] = new Array<Frame>(n);
    for (let i = 0; i < n; i++) {
      const a = raw.args;
      frames[i] = { pc: a[4 * i]!, func: str(a[4 * i + 1]!), file: str(a[4 * i + 2]!), line: a[4 * i + 3]! };
    }
    stacks.set(id, frames);
  }
  return stacks;
}

/** CPU samples are re-sorted by the time captured in the signal handler. */
function sortSamples(d: Decoder): void {
  if (d.samples.length === 0) return;
  const tsc = d.store.ts;
  const l = getList(d, ProfileP);
  // (A Batch of P ProfileP in a garbage trace shares the list, as in Go.)
  const all = d.samples;
  for (let k = 0; k < l.segs.length; k += 2) for (let i = l.segs[k]!; i < l.segs[k + 1]!; i++) all.push(i);
  all.sort((x, y) => tsc[x]! - tsc[y]! || x - y);
  l.segs = [];
  for (const i of all) l.segs.push(i, i + 1);
}

/** Time order must agree with the merged order. */
function checkTimeOrder(store: EventStore, order: Int32Array): void {
  const ts = store.ts;
  for (let k = 1; k < order.length; k++) {
    const i = order[k]!;
    const j = order[k - 1]!;
    if (ts[i]! < ts[j]!) {
      throw new TraceError(store.offset[i]!, `time stamps out of order: ${OLD_NAMES[store.code[i]!]} at tick ${ts[i]} after tick ${ts[j]}`);
    }
  }
}

/** GoSysExit carries the real exit time; applies it and re-sorts (stably). */
function applySysExitTimes(store: EventStore, order: Int32Array): Int32Array {
  const ts = store.ts;
  const sa = store.args;
  const lastSysBlock = new Map<number, number>();
  const moved: number[] = [];
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const code = store.code[i]!;
    if (code === EvGoSysBlock || code === EvGoInSyscall) {
      lastSysBlock.set(store.g.get(i), ts[i]!);
    } else if (code === EvGoSysExit) {
      const real = sa[store.argOff[i]! + 2]!;
      if (real === 0) continue;
      const g = store.g.get(i);
      const block = lastSysBlock.get(g);
      if (block === undefined || block === 0) throw new TraceError(store.offset[i]!, `stray syscall exit for goroutine ${g} (expected an earlier GoSysBlock or GoInSyscall)`);
      if (real < block) throw new TraceError(store.offset[i]!, `time stamps out of order: syscall exit real time ${real} before block at ${block}`);
      ts[i] = real;
      moved.push(k);
    }
  }
  return moved.length > 0 ? stableResort(order, ts, moved) : order;
}

/** Timer unblocks and syscall exits are shown on Go's pseudo-Ps. */
function assignPseudoPs(store: EventStore, timerGoids: Set<number>): void {
  const order = store.order!;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const code = store.code[i];
    if (code === EvGoUnblock && timerGoids.has(store.g.get(i))) store.p.set(i, TimerP);
    if (code === EvGoSysExit) store.p.set(i, SyscallP);
  }
}

/**
 * The stable sort by ticks of `order`, in place, where only the positions in
 * `moved` (ascending) changed their ticks and all others are already in order:
 * the others are packed at the end, then merged with the moved ones (sorted
 * by new ticks, then old position) from the front.
 */
export function stableResort(order: Int32Array, ts: Float64Array, moved: number[]): Int32Array {
  const n = order.length;
  const nm = moved.length;
  // Moved events as (store index, old position), sorted by (new ticks, old position).
  const mvIdx = moved.map((k) => order[k]!);
  const perm = moved.map((_, j) => j).sort((x, y) => ts[mvIdx[x]!]! - ts[mvIdx[y]!]! || moved[x]! - moved[y]!);
  // Pack the others at [nm, n), keeping their order.
  let w = n;
  let q = nm - 1;
  for (let k = n - 1; k >= 0; k--) {
    if (q >= 0 && moved[q] === k) {
      q--;
      continue;
    }
    order[--w] = order[k]!;
  }
  // Merge; w <= r always holds (w = taken others + taken moved, r = nm + taken others).
  let r = nm;
  let m = 0;
  let kOld = 0; // old position of the other at r
  let qa = 0; // pointer into moved (ascending) to recover old positions of the others
  w = 0;
  while (r < n) {
    while (qa < nm && moved[qa] === kOld) {
      qa++;
      kOld++;
    }
    const i = order[r]!;
    const t = ts[i]!;
    while (m < nm) {
      const j = perm[m]!;
      const mt = ts[mvIdx[j]!]!;
      if (mt < t || (mt === t && moved[j]! < kOld)) {
        order[w++] = mvIdx[j]!;
        m++;
      } else break;
    }
    order[w++] = i;
    r++;
    kOld++;
  }
  while (m < nm) order[w++] = mvIdx[perm[m++]!]!;
  return order;
}

// ---------------------------------------------------------------------------
// State-machine validation (step 4): one handler per event type, on a small shared state.

interface GDesc {
  state: number;
  lastEv: number; // code of the last blocking/unblocking event, -1 if none
  markAssist: boolean;
}
interface PDesc {
  running: boolean;
  g: number;
  sweep: boolean;
}

interface Checker {
  readonly st: EventStore;
  readonly gs: Map<number, GDesc>;
  readonly ps: Map<number, PDesc>;
  readonly tasks: Set<number>;
  readonly regions: Map<number, number[]>;
  inGC: boolean;
  inSTW: boolean;
  /** The current event: store index, type, G, P and offset of its arguments. */
  i: number;
  code: number;
  evG: number;
  evP: number;
  ao: number;
}

type CheckHandler = (c: Checker) => void;

function fail(c: Checker, msg: string): never {
  throw new TraceError(c.st.offset[c.i]!, `${msg} (${OLD_NAMES[c.code]} at ${c.st.tsNsAt(c.i)} ns)`);
}

function getG(c: Checker, id: number): GDesc {
  let g = c.gs.get(id);
  if (g === undefined) {
    g = { state: G_DEAD, lastEv: -1, markAssist: false };
    c.gs.set(id, g);
  }
  return g;
}

function getP(c: Checker, id: number): PDesc {
  let p = c.ps.get(id);
  if (p === undefined) {
    p = { running: false, g: 0, sweep: false };
    c.ps.set(id, p);
  }
  return p;
}

/** The event's goroutine must be running on the event's P. */
function checkRunning(c: Checker, p: PDesc, g: GDesc, allowG0: boolean): void {
  if (g.state !== G_RUNNING) fail(c, `g ${c.evG} is not running while ${OLD_NAMES[c.code]}`);
  if (p.g !== c.evG) fail(c, `p ${c.evP} is not running g ${c.evG} while ${OLD_NAMES[c.code]}`);
  if (!allowG0 && c.evG === 0) fail(c, `g 0 did ${OLD_NAMES[c.code]}`);
}

const checkProcStart: CheckHandler = (c) => {
  const p = getP(c, c.evP);
  if (p.running) fail(c, `p ${c.evP} is running before start`);
  p.running = true;
};

const checkProcStop: CheckHandler = (c) => {
  const p = getP(c, c.evP);
  if (!p.running) fail(c, `p ${c.evP} is not running before stop`);
  if (p.g !== 0) fail(c, `p ${c.evP} is running a goroutine ${p.g} during stop`);
  p.running = false;
};

const checkGCStart: CheckHandler = (c) => {
  if (c.inGC) fail(c, 'previous GC is not ended before a new one');
  c.inGC = true;
  c.st.p.set(c.i, GCP);
};

const checkGCDone: CheckHandler = (c) => {
  if (!c.inGC) fail(c, 'bogus GC end');
  c.inGC = false;
};

const checkSTWStart: CheckHandler = (c) => {
  if (c.inSTW) fail(c, 'previous STW is not ended before a new one');
  c.inSTW = true;
};

const checkSTWDone: CheckHandler = (c) => {
  if (!c.inSTW) fail(c, 'bogus STW end');
  c.inSTW = false;
};

const checkSweepStart: CheckHandler = (c) => {
  const p = getP(c, c.evP);
  if (p.sweep) fail(c, 'previous sweeping is not ended before a new one');
  p.sweep = true;
};

const checkSweepDone: CheckHandler = (c) => {
  const p = getP(c, c.evP);
  if (!p.sweep) fail(c, 'bogus sweeping end');
  p.sweep = false;
};

const checkMarkAssistStart: CheckHandler = (c) => {
  const g = getG(c, c.evG);
  if (g.markAssist) fail(c, 'previous mark assist is not ended before a new one');
  g.markAssist = true;
};

const checkMarkAssistDone: CheckHandler = (c) => {
  getG(c, c.evG).markAssist = false;
};

/** GoWaiting, GoInSyscall: a goroutine already blocked when tracing started. */
const checkAlreadyWaiting: CheckHandler = (c) => {
  const g = getG(c, c.evG);
  if (g.state !== G_RUNNABLE) fail(c, `g ${c.evG} is not runnable before ${OLD_NAMES[c.code]}`);
  g.state = G_WAITING;
  g.lastEv = c.code;
};

const checkGoCreate: CheckHandler = (c) => {
  checkRunning(c, getP(c, c.evP), getG(c, c.evG), true);
  const ng = c.st.args[c.ao]!;
  if (c.gs.has(ng)) fail(c, `g ${ng} already exists`);
  c.gs.set(ng, { state: G_RUNNABLE, lastEv: c.code, markAssist: false });
};

const checkGoStart: CheckHandler = (c) => {
  const g = getG(c, c.evG);
  const p = getP(c, c.evP);
  if (g.state !== G_RUNNABLE) fail(c, `g ${c.evG} is not runnable before start`);
  if (p.g !== 0) fail(c, `p ${c.evP} is already running g ${p.g} while start g ${c.evG}`);
  g.state = G_RUNNING;
  g.lastEv = -1;
  p.g = c.evG;
};

/** GoEnd, GoStop: the goroutine leaves its P for good. */
const checkGoEnd: CheckHandler = (c) => {
  const g = getG(c, c.evG);
  const p = getP(c, c.evP);
  checkRunning(c, p, g, false);
  g.state = G_DEAD;
  p.g = 0;
  if (c.code === EvGoEnd) c.regions.delete(c.evG);
};

/** GoSched, GoPreempt: running -> runnable. */
const checkGoYield: CheckHandler = (c) => {
  const g = getG(c, c.evG);
  const p = getP(c, c.evP);
  checkRunning(c, p, g, false);
  g.state = G_RUNNABLE;
  p.g = 0;
  g.lastEv = c.code;
};

const checkGoUnblock: CheckHandler = (c) => {
  const g = getG(c, c.evG);
  const p = getP(c, c.evP);
  if (g.state !== G_RUNNING) fail(c, `g ${c.evG} is not running while unpark`);
  if (c.evP !== TimerP && p.g !== c.evG) fail(c, `p ${c.evP} is not running g ${c.evG} while unpark`);
  const tg = c.st.args[c.ao]!;
  const g1 = getG(c, tg);
  if (g1.state !== G_WAITING) fail(c, `g ${tg} is not waiting before unpark`);
  if (g1.lastEv === EvGoBlockNet && c.evP !== TimerP) c.st.p.set(c.i, NetpollP);
  g1.state = G_RUNNABLE;
  g1.lastEv = c.code;
};

const checkGoSysCall: CheckHandler = (c) => {
  const g = getG(c, c.evG);
  checkRunning(c, getP(c, c.evP), g, false);
  g.lastEv = c.code;
};

const checkGoSysBlock: CheckHandler = (c) => {
  const g = getG(c, c.evG);
  const p = getP(c, c.evP);
  checkRunning(c, p, g, false);
  g.state = G_WAITING;
  p.g = 0;
};

const checkGoSysExit: CheckHandler = (c) => {
  const g = getG(c, c.evG);
  if (g.state !== G_WAITING) fail(c, `g ${c.evG} is not waiting during syscall exit`);
  g.state = G_RUNNABLE;
  g.lastEv = c.code;
};

/** GoSleep, GoBlock*: running -> waiting. */
const checkGoBlock: CheckHandler = (c) => {
  const g = getG(c, c.evG);
  const p = getP(c, c.evP);
  checkRunning(c, p, g, false);
  g.state = G_WAITING;
  g.lastEv = c.code;
  p.g = 0;
};

const checkTaskCreate: CheckHandler = (c) => {
  const id = c.st.args[c.ao]!;
  if (c.tasks.has(id)) fail(c, `task id conflicts (id:${id})`);
  c.tasks.add(id);
};

const checkTaskEnd: CheckHandler = (c) => {
  c.tasks.delete(c.st.args[c.ao]!);
};

/** UserRegion: starts (mode 0) and ends (mode 1) nest per goroutine. */
const checkRegion: CheckHandler = (c) => {
  const st = c.st;
  const sa = st.args;
  const mode = sa[c.ao + 1]!;
  let stack = c.regions.get(c.evG);
  const name = st.sargs.get(c.i)?.[0];
  if (mode === 0) {
    if (stack === undefined) {
      stack = [];
      c.regions.set(c.evG, stack);
    }
    stack.push(c.i);
  } else if (mode === 1) {
    if (stack !== undefined && stack.length > 0) {
      const s = stack[stack.length - 1]!;
      const sName = st.sargs.get(s)?.[0];
      if (sa[st.argOff[s]!] !== sa[c.ao] || sName !== name) {
        fail(c, `misuse of region in goroutine ${c.evG}: region end "${name ?? ''}" does not match the innermost region start "${sName ?? ''}"`);
      }
      stack.pop();
    }
  } else {
    fail(c, `invalid user region mode ${mode} (expected 0 or 1)`);
  }
};

const checkNothing: CheckHandler = () => {};

const CHECK: readonly CheckHandler[] = (() => {
  const t = new Array<CheckHandler>(EvCount).fill(checkNothing);
  const on = (h: CheckHandler, ...types: number[]): void => {
    for (const typ of types) t[typ] = h;
  };
  on(checkProcStart, EvProcStart);
  on(checkProcStop, EvProcStop);
  on(checkGCStart, EvGCStart);
  on(checkGCDone, EvGCDone);
  on(checkSTWStart, EvGCSTWStart);
  on(checkSTWDone, EvGCSTWDone);
  on(checkSweepStart, EvGCSweepStart);
  on(checkSweepDone, EvGCSweepDone);
  on(checkMarkAssistStart, EvGCMarkAssistStart);
  on(checkMarkAssistDone, EvGCMarkAssistDone);
  on(checkAlreadyWaiting, EvGoWaiting, EvGoInSyscall);
  on(checkGoCreate, EvGoCreate);
  on(checkGoStart, EvGoStart, EvGoStartLabel);
  on(checkGoEnd, EvGoEnd, EvGoStop);
  on(checkGoYield, EvGoSched, EvGoPreempt);
  on(checkGoUnblock, EvGoUnblock);
  on(checkGoSysCall, EvGoSysCall);
  on(checkGoSysBlock, EvGoSysBlock);
  on(checkGoSysExit, EvGoSysExit);
  on(checkGoBlock, EvGoSleep, EvGoBlock, EvGoBlockSend, EvGoBlockRecv, EvGoBlockSelect, EvGoBlockSync, EvGoBlockCond, EvGoBlockNet, EvGoBlockGC);
  on(checkTaskCreate, EvUserTaskCreate);
  on(checkTaskEnd, EvUserTaskEnd);
  on(checkRegion, EvUserRegion);
  return t;
})();

function checkStates(st: EventStore): void {
  const c: Checker = { st, gs: new Map(), ps: new Map(), tasks: new Set(), regions: new Map(), inGC: false, inSTW: false, i: 0, code: 0, evG: 0, evP: 0, ao: 0 };
  c.gs.set(0, { state: G_RUNNING, lastEv: -1, markAssist: false });
  const order = st.order!;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    c.i = i;
    c.code = st.code[i]!;
    c.evG = st.g.get(i);
    c.evP = st.p.get(i);
    c.ao = st.argOff[i]!;
    CHECK[c.code]!(c);
  }
}

export { ALL_ONES };

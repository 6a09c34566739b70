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
// No event is stored (see "Decoding" below): steps 2–4 and every walk over
// the events decode them again from the input.

import { ALL_ONES, Cursor, TraceError, TraceEvent, decodeUtf8 } from './common.js';
import { EventStore, WalkedEvents, eventList } from './event_store.js';
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
// Ordering (per-goroutine sequence rules), on the lists' head events.

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

// The ordering rule of each event type: ORDER_KIND.
const O_NONE = 0;
/** GoCreate: the new goroutine (first argument) goes dead → runnable. */
const O_CREATE = 1;
/** GoWaiting, GoInSyscall: runnable (seq 1) → waiting. */
const O_ALREADY_WAITING = 2;
/** GoStart, GoStartLabel: runnable at the seq (second argument) → running. */
const O_START = 3;
/** GoStartLocal: runnable, any seq → running. */
const O_START_LOCAL = 4;
/** GoSleep, GoBlock*, GoSysBlock: running → waiting. */
const O_BLOCK = 5;
/** GoSched, GoPreempt: running → runnable. */
const O_YIELD = 6;
/** GoUnblock, GoSysExit: the goroutine (first argument) waiting at the seq (second) → runnable. */
const O_UNBLOCK = 7;
/** GoUnblockLocal, GoSysExitLocal: waiting, any seq → runnable. */
const O_UNBLOCK_LOCAL = 8;
/** GCStart: the global GC seq (first argument). */
const O_GC = 9;

const ORDER_KIND: Uint8Array = (() => {
  const t = new Uint8Array(EvCount);
  const on = (k: number, ...types: number[]): void => {
    for (const typ of types) t[typ] = k;
  };
  on(O_CREATE, EvGoCreate);
  on(O_ALREADY_WAITING, EvGoWaiting, EvGoInSyscall);
  on(O_START, EvGoStart, EvGoStartLabel);
  on(O_START_LOCAL, EvGoStartLocal);
  on(O_BLOCK, EvGoBlock, EvGoBlockSend, EvGoBlockRecv, EvGoBlockSelect, EvGoBlockSync, EvGoBlockCond, EvGoBlockNet, EvGoSleep, EvGoSysBlock, EvGoBlockGC);
  on(O_YIELD, EvGoSched, EvGoPreempt);
  on(O_UNBLOCK, EvGoUnblock, EvGoSysExit);
  on(O_UNBLOCK_LOCAL, EvGoUnblockLocal, EvGoSysExitLocal);
  on(O_GC, EvGCStart);
  return t;
})();

function stateTransition(r: OldRecord, tr: Transition): void {
  switch (ORDER_KIND[r.code]) {
    case O_NONE:
      tr.key = KEY_UNORDERED;
      return;
    case O_CREATE:
      set(tr, r.a0, 0, G_DEAD, 1, G_RUNNABLE);
      return;
    case O_ALREADY_WAITING:
      set(tr, r.g, 1, G_RUNNABLE, 2, G_WAITING);
      return;
    case O_START:
      set(tr, r.g, r.a1, G_RUNNABLE, r.a1 + 1, G_RUNNING);
      return;
    case O_START_LOCAL:
      set(tr, r.g, NOSEQ, G_RUNNABLE, SEQINC, G_RUNNING);
      return;
    case O_BLOCK:
      set(tr, r.g, NOSEQ, G_RUNNING, NOSEQ, G_WAITING);
      return;
    case O_YIELD:
      set(tr, r.g, NOSEQ, G_RUNNING, NOSEQ, G_RUNNABLE);
      return;
    case O_UNBLOCK:
      set(tr, r.a0, r.a1, G_WAITING, r.a1 + 1, G_RUNNABLE);
      return;
    case O_UNBLOCK_LOCAL:
      set(tr, r.a0, NOSEQ, G_WAITING, SEQINC, G_RUNNABLE);
      return;
    case O_GC:
      set(tr, KEY_GC, r.a0, G_DEAD, r.a0 + 1, G_DEAD);
      return;
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

/**
 * Objects by numeric id (goroutines, Ps): a Map with a direct-mapped cache in front, for the few
 * ids most events are about. Entries are only added, never removed or replaced.
 */
class IdTable<T> {
  private readonly map = new Map<number, T>();
  private readonly ids = new Float64Array(256).fill(NaN);
  private readonly vals = new Array<T | undefined>(256).fill(undefined);
  get(id: number): T | undefined {
    const h = id & 255;
    if (this.ids[h] === id) return this.vals[h];
    const v = this.map.get(id);
    if (v !== undefined) {
      this.ids[h] = id;
      this.vals[h] = v;
    }
    return v;
  }
  has(id: number): boolean {
    return this.get(id) !== undefined;
  }
  /** Adds an entry for an id that has none. */
  add(id: number, v: T): void {
    this.map.set(id, v);
  }
}

const DEAD0: GState = { seq: 0, status: G_DEAD };

function ready(tr: Transition, gs: IdTable<GState>): boolean {
  if (tr.key === KEY_UNORDERED) return true;
  const cur = gs.get(tr.key) ?? DEAD0;
  return (tr.initSeq === NOSEQ || tr.initSeq === cur.seq) && tr.initStatus === cur.status;
}

/**
 * Min-heap of list indices keyed by (head event ticks, list index). Each list is in it at most once:
 * fixed arrays of the number of lists (growing and shrinking plain arrays by one element per event
 * reallocated them).
 */
class FrontierHeap {
  readonly idx: Int32Array;
  readonly key: Float64Array;
  size = 0;
  constructor(lists: number) {
    this.idx = new Int32Array(lists);
    this.key = new Float64Array(lists);
  }
  push(i: number, k: number): void {
    const idx = this.idx;
    const key = this.key;
    let n = this.size++;
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
    const n = --this.size;
    if (n > 0) {
      const li = idx[n]!;
      const lk = key[n]!;
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
}


/** The events of one P (or of the profile pseudo-P) in file order, as the merge sees them. */
interface MergeList {
  /** The head event (while `live`). */
  readonly head: OldRecord;
  /** False when the list is exhausted. */
  live: boolean;
  /** Puts the first event at the head. */
  start(): void;
  /** Puts the next event at the head. */
  advance(): void;
}

/**
 * Merges the lists into Go's consistent order (the per-goroutine sequence rules above); `sink`
 * gets each event in order while it is its list's head.
 */
/** What the merge gives its events to. */
interface MergeSink {
  /** Event `r`, from list `bi`, is the next in the merge (the `…Local` codes already folded). */
  emit(bi: number, r: OldRecord): void;
}

function orderEvents(lists: MergeList[], total: number, sink: MergeSink): void {
  let nOut = 0;
  const gs = new IdTable<GState>();
  const heap = new FrontierHeap(lists.length);
  // Lists whose head is not ready, keyed by the goroutine key they wait on.
  const waiting = new Map<number, number[]>();
  const tr = scratchTr;
  let budget = 64 * total + 1_000_000;

  /** Whether list bi's head is ready (its transition is then in `tr`); if not, it waits. */
  const readyOrWait = (bi: number): boolean => {
    const l = lists[bi]!;
    if (!l.live) return false;
    stateTransition(l.head, tr);
    if (ready(tr, gs)) return true;
    let w = waiting.get(tr.key);
    if (w === undefined) {
      w = [];
      waiting.set(tr.key, w);
    }
    w.push(bi);
    return false;
  };

  for (const l of lists) l.start();
  for (let bi = 0; bi < lists.length; bi++) if (readyOrWait(bi)) heap.push(bi, lists[bi]!.head.ticks);

  // The list whose head is next without going through the heap (-1: pop the heap): the list just
  // advanced, when its new head is ready and before the heap's top (what a push and a pop would give).
  let next = -1;
  while (nOut < total) {
    let bi = next;
    if (bi < 0) {
      if (heap.size === 0) {
        // Find an offending event for the message.
        const l = lists.find((x) => x.live);
        throw new TraceError(l === undefined ? -1 : l.head.off, 'no consistent ordering of events possible (goroutine sequence numbers or states do not match)');
      }
      bi = heap.pop();
    }
    next = -1;
    const l = lists[bi]!;
    const r = l.head;
    stateTransition(r, tr);
    // Get rid of the "Local" variants, they only serve ordering (their
    // arguments were decoded in the non-Local layout).
    foldLocal(r);
    if (tr.key !== KEY_UNORDERED) {
      const key = tr.key;
      const s = gs.get(key);
      const cur = s ?? DEAD0;
      if (!((tr.initSeq === NOSEQ || tr.initSeq === cur.seq) && tr.initStatus === cur.status)) {
        throw new TraceError(r.off, `event sequences are broken: ${OLD_NAMES[r.code]!} for goroutine ${key} is no longer ready`);
      }
      let ns = tr.nextSeq;
      if (ns === NOSEQ) ns = cur.seq;
      else if (ns === SEQINC) ns = cur.seq + 1;
      if (s === undefined) gs.add(key, { seq: ns, status: tr.nextStatus });
      else {
        s.seq = ns;
        s.status = tr.nextStatus;
      }
      const w = waiting.size > 0 ? waiting.get(key) : undefined;
      if (w !== undefined) {
        waiting.delete(key);
        budget -= w.length;
        if (budget < 0) throw new TraceError(r.off, 'giving up: ordering the events takes too long (trace is likely corrupt)');
        for (const wb of w) if (readyOrWait(wb)) heap.push(wb, lists[wb]!.head.ticks);
      }
    }
    sink.emit(bi, r);
    nOut++;
    l.advance();
    if (readyOrWait(bi)) {
      const ticks = l.head.ticks;
      if (heap.size === 0 || ticks < heap.key[0]! || (ticks === heap.key[0] && bi < heap.idx[0]!)) next = bi;
      else heap.push(bi, ticks);
    }
  }
}

function foldLocal(r: OldRecord): void {
  const code = r.code;
  if (code === EvGoStartLocal) r.code = EvGoStart;
  else if (code === EvGoUnblockLocal) r.code = EvGoUnblock;
  else if (code === EvGoSysExitLocal) r.code = EvGoSysExit;
}

// ---------------------------------------------------------------------------
// Decoding.
//
// Nothing is stored per event (#17: memory within 2× the input): step 1 reads the file once,
// checking every record and noting, per P, the byte offsets of its Batch records; the merge then
// decodes each P's events again from the input (a `ByteList` per P, with a reader of its own) and
// keeps only which list each event in order came from (a byte per event for up to 256 lists) and
// the few `GoSysExit`s that move. Every walk over the events (the state check of step 4, then each
// walk of `events`) replays that: the lists are decoded again and interleaved as the merge chose.
// Only CPU samples (and events of a Batch of the profile pseudo-P, in garbage) are stored: they are
// re-sorted by their own time. An event is decoded into an `OldRecord`, plain fields reused for
// each event of a list.

const OLD_NAMES: readonly string[] = OLD_SPECS.map((s) => s.name);
/** Wire argument count of each event type. */
const WIRE_ARGS: readonly number[] = OLD_SPECS.map(wireArgCount);

const EMPTY_NUMBERS = Object.freeze([]) as unknown as number[];
const EMPTY_STRINGS: readonly string[] = Object.freeze([]);

/**
 * One event decoded from the input: its type, byte offset, tick time, P, goroutine, stack id and
 * payload (the arguments after the time stamp, without the stack id). The `…Local` variants are in
 * the argument layout of the event they become (their code is folded when they are ordered).
 */
class OldRecord {
  code = 0;
  off = 0;
  ticks = 0;
  p = 0;
  g = 0;
  /** The goroutine the batch's P was running when the record was written (GC-wide records have g 0). */
  batchG = 0;
  stack = 0;
  /** Payload: `na` (≤ 3) arguments a0, a1, a2. */
  na = 0;
  a0 = 0;
  a1 = 0;
  a2 = 0;
  /** UserLog's value. */
  logValue = '';
  /** Index in the profile store (-1: decoded from the input). */
  profile = -1;
  /** FusedCheck: the event's position in the merge. */
  k = 0;
}

function copyRecord(to: OldRecord, r: OldRecord): void {
  to.code = r.code;
  to.off = r.off;
  to.ticks = r.ticks;
  to.p = r.p;
  to.g = r.g;
  to.batchG = r.batchG;
  to.stack = r.stack;
  to.na = r.na;
  to.a0 = r.a0;
  to.a1 = r.a1;
  to.a2 = r.a2;
  to.logValue = r.logValue;
  to.profile = r.profile;
  to.k = r.k;
}

/** Reads records: the batch's P, clock and current goroutine, and the arguments of the current record. */
class RecordReader {
  readonly cur: Cursor;
  lastP = 0;
  lastG = 0;
  lastTs = 0;
  /** The current record's arguments: args[0, nargs); sarg is UserLog's value. */
  args: number[] = new Array<number>(64).fill(0);
  nargs = 0;
  sarg = '';
  constructor(readonly bytes: Uint8Array) {
    this.cur = new Cursor(bytes, 16, bytes.length);
  }
}

/** Reads a record's arguments (the header byte `b` at `off` already read) into rd.args. */
function readArgs(rd: RecordReader, off: number, b: number, typ: number): void {
  const cur = rd.cur;
  const narg = (b >> 6) + 1;
  rd.nargs = 0;
  if (narg < 4) {
    for (let i = 0; i < narg; i++) rd.args[rd.nargs++] = cur.uv('event argument');
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
      if (rd.nargs === rd.args.length) rd.args = rd.args.concat(new Array<number>(rd.args.length).fill(0));
      rd.args[rd.nargs++] = cur.uv('event argument');
    }
    cur.end = saveEnd;
    if (cur.pos !== stop) throw new TraceError(start, `event has wrong length: declared ${evLen}, decoded ${cur.pos - start}`);
  }
  if (typ === EvUserLog) {
    const ln = cur.uv('user log value length');
    if (ln > MAX_STRING_LEN) throw new TraceError(off, `user log value has too large length ${ln}`);
    if (ln > cur.remaining) throw new TraceError(cur.pos, `truncated user log value: expected ${ln} bytes`);
    rd.sarg = decodeUtf8(rd.bytes, cur.pos, cur.pos + ln);
    cur.pos += ln;
  }
}

/**
 * The wire arguments of the event being decoded (an event has at most 5; a record with more fails
 * its arity check, which needs only their count).
 */
const W = new Float64Array(8);

/**
 * Reads the 1–3 arguments of a record in its short form (the header byte at `cur.pos − 1`) into W:
 * values of one or two bytes inline, the others (and every error) by `Cursor.uv`.
 */
function readShortArgs(cur: Cursor, narg: number): void {
  const buf = cur.buf;
  const end = cur.end;
  let pos = cur.pos;
  for (let i = 0; i < narg; i++) {
    if (pos + 1 < end) {
      const x = buf[pos]!;
      if (x < 0x80) {
        W[i] = x;
        pos++;
        continue;
      }
      const y = buf[pos + 1]!;
      if (y < 0x80) {
        W[i] = (x & 0x7f) | (y << 7);
        pos += 2;
        continue;
      }
    }
    cur.pos = pos;
    W[i] = cur.uv('event argument');
    pos = cur.pos;
  }
  cur.pos = pos;
}

/** Reads an event record's arguments (the header byte `b` at `off` already read) into W; returns their number. */
function readEventArgs(rd: RecordReader, off: number, b: number, typ: number): number {
  const narg = (b >> 6) + 1;
  if (narg < 4 && typ !== EvUserLog) {
    readShortArgs(rd.cur, narg);
    return narg;
  }
  readArgs(rd, off, b, typ);
  const n = rd.nargs;
  for (let k = 0; k < n && k < W.length; k++) W[k] = rd.args[k]!;
  return n;
}

function checkArity(rd: RecordReader, off: number, typ: number): void {
  const want = WIRE_ARGS[typ]!;
  if (rd.nargs !== want) throw new TraceError(off, `${OLD_NAMES[typ]!} has wrong number of arguments: want ${want}, got ${rd.nargs}`);
}

// How an event gets its P and goroutine (Go's attribution rules), by type: DECODE_KIND.
/** On the batch's P, by the P's current goroutine. */
const K_PLAIN = 0;
/** GoStart, GoStartLabel: the started goroutine (the first argument) becomes the P's current one. */
const K_START = 1;
/** GoStartLocal: as GoStart, in its layout (g, seq 0). */
const K_START_LOCAL = 2;
/** The P's goroutine stops running (end, stop, yield, block). */
const K_LEAVE = 3;
/** GC-wide events belong to no goroutine. */
const K_GLOBAL = 4;
/** GCSTWStart: GC-wide, and its kind must be 0 or 1. */
const K_STW = 5;
/** About another goroutine, the first argument. */
const K_OTHER_G = 6;
/** GoSysExitLocal: on the P's goroutine, in GoSysExit's layout (g, seq 0, real ticks). */
const K_SYSEXIT_LOCAL = 7;
/** GoUnblockLocal: on the P's goroutine, in GoUnblock's layout (g, seq 0). */
const K_UNBLOCK_LOCAL = 8;
/** CPU samples carry their own time, P and goroutine. */
const K_CPU = 9;
/** UserLog: its value follows the arguments. */
const K_LOG = 10;

const DECODE_KIND: Uint8Array = (() => {
  const t = new Uint8Array(EvCount);
  const on = (k: number, ...types: number[]): void => {
    for (const typ of types) t[typ] = k;
  };
  on(K_START, EvGoStart, EvGoStartLabel);
  on(K_START_LOCAL, EvGoStartLocal);
  on(K_LEAVE, EvGoEnd, EvGoStop, EvGoSched, EvGoPreempt, EvGoSleep, EvGoBlock, EvGoBlockSend, EvGoBlockRecv);
  on(K_LEAVE, EvGoBlockSelect, EvGoBlockSync, EvGoBlockCond, EvGoBlockNet, EvGoSysBlock, EvGoBlockGC);
  on(K_GLOBAL, EvGCStart, EvGCDone, EvGCSTWDone);
  on(K_STW, EvGCSTWStart);
  on(K_OTHER_G, EvGoSysExit, EvGoWaiting, EvGoInSyscall);
  on(K_SYSEXIT_LOCAL, EvGoSysExitLocal);
  on(K_UNBLOCK_LOCAL, EvGoUnblockLocal);
  on(K_CPU, EvCPUSample);
  on(K_LOG, EvUserLog);
  return t;
})();
const HAS_STACK: Uint8Array = Uint8Array.from(OLD_SPECS, (s) => (s.stack ? 1 : 0));
const PAYLOAD_ARGS: Uint8Array = Uint8Array.from(OLD_SPECS, (s) => s.nargs);
/** 1 for events, 0 for the other records (Batch, Frequency, Stack, TimerGoroutine, String). */
const TIMED: Uint8Array = Uint8Array.from(OLD_SPECS, (s) => (s.timed ? 1 : 0));
/** 1 for the events whose short form (1–3 arguments) needs nothing else read: all but UserLog (a value follows) and CPUSample (on the profile list). */
const SHORT_EVENT: Uint8Array = Uint8Array.from(OLD_SPECS, (s, typ) => (s.timed && typ !== EvUserLog && typ !== EvCPUSample && typ !== 0 ? 1 : 0));

/**
 * Decodes event `typ` at `off` from its `nw` arguments in W into `r`: checks their number, advances
 * the batch clock and gives the event its tick time, P and goroutine (DECODE_KIND).
 */
function decodeEvent(rd: RecordReader, r: OldRecord, off: number, typ: number, nw: number): void {
  const want = WIRE_ARGS[typ]!;
  if (nw !== want) throw new TraceError(off, `${OLD_NAMES[typ]!} has wrong number of arguments: want ${want}, got ${nw}`);
  const ticks = rd.lastTs + W[0]!;
  rd.lastTs = ticks;
  r.code = typ;
  r.off = off;
  r.ticks = ticks;
  r.p = rd.lastP;
  r.g = rd.lastG;
  r.batchG = rd.lastG;
  r.stack = HAS_STACK[typ] === 1 ? W[nw - 1]! : 0;
  const na = PAYLOAD_ARGS[typ]!;
  r.na = na;
  r.a0 = na > 0 ? W[1]! : 0;
  r.a1 = na > 1 ? W[2]! : 0;
  r.a2 = na > 2 ? W[3]! : 0;
  const kind = DECODE_KIND[typ]!;
  if (kind === K_PLAIN) return;
  switch (kind) {
    case K_START:
      rd.lastG = r.g = W[1]!;
      return;
    case K_START_LOCAL:
      rd.lastG = r.g = W[1]!;
      r.na = 2;
      return;
    case K_LEAVE:
      rd.lastG = 0;
      return;
    case K_GLOBAL:
      r.g = 0;
      return;
    case K_STW:
      if (r.a0 !== 0 && r.a0 !== 1) throw new TraceError(off, `unknown STW kind ${r.a0} (expected 0 or 1)`);
      r.g = 0;
      return;
    case K_OTHER_G:
      r.g = W[1]!;
      return;
    case K_SYSEXIT_LOCAL:
      r.na = 3;
      r.a1 = 0;
      r.a2 = W[2]!;
      return;
    case K_UNBLOCK_LOCAL:
      r.na = 2;
      return;
    case K_CPU:
      r.ticks = W[1]!;
      r.p = W[2]!;
      r.g = W[3]!;
      return;
    case K_LOG:
      r.logValue = rd.sarg;
      return;
  }
}

/** What step 1 found: the tables, the lists and their Batch records, the profile's events. */
interface Records {
  ticksPerSec: number;
  readonly strings: Map<number, string>;
  readonly rawStacks: Map<number, { off: number; args: number[] }>;
  readonly timerGoids: Set<number>;
  /** List index by P, and each list's P in the order first seen (the merge's tie-break). */
  readonly listOf: Map<number, number>;
  readonly listPs: number[];
  readonly batchesOf: Map<number, number[]>;
  implicitStart: boolean;
  events: number;
  /** CPU samples and events of ProfileP batches; UserLog values by index there. */
  readonly profile: EventStore;
  readonly profileLogs: Map<number, string>;
}

function noteList(d: Records, p: number): void {
  if (!d.listOf.has(p)) {
    d.listOf.set(p, d.listPs.length);
    d.listPs.push(p);
  }
}

function onString(d: Records, rd: RecordReader, off: number): void {
  const cur = rd.cur;
  const id = cur.uv('string id');
  if (id === 0) throw new TraceError(off, 'string has invalid id 0');
  if (d.strings.has(id)) throw new TraceError(off, `string has duplicate id ${id}`);
  const ln = cur.uv('string length');
  if (ln === 0) throw new TraceError(off, 'string has invalid length 0');
  if (ln > MAX_STRING_LEN) throw new TraceError(off, `string has too large length ${ln}`);
  if (ln > cur.remaining) throw new TraceError(cur.pos, `truncated string: expected ${ln} bytes, only ${cur.remaining} left`);
  d.strings.set(id, decodeUtf8(rd.bytes, cur.pos, cur.pos + ln));
  cur.pos += ln;
}

function onStack(d: Records, rd: RecordReader, off: number): void {
  const args = rd.args;
  const nargs = rd.nargs;
  if (nargs < 2) throw new TraceError(off, `Stack has wrong number of arguments: want at least 2, got ${nargs}`);
  const n = args[1]!;
  if (n > MAX_STACK_FRAMES) throw new TraceError(off, `Stack has bad number of frames: ${n}`);
  if (nargs !== 2 + 4 * n) throw new TraceError(off, `Stack has wrong number of arguments: want ${2 + 4 * n}, got ${nargs}`);
  const id = args[0]!;
  if (id !== 0 && n > 0) d.rawStacks.set(id, { off, args: args.slice(2, nargs) });
}

/** Stores an event of the profile list (its arguments in the layout of `r`). */
function storeProfile(d: Records, r: OldRecord): void {
  const st = d.profile;
  const i = st.add(r.code, r.ticks, r.p, r.g, -1, r.stack, r.off);
  if (r.na > 0) st.arg(r.a0);
  if (r.na > 1) st.arg(r.a1);
  if (r.na > 2) st.arg(r.a2);
  if (r.code === EvUserLog) d.profileLogs.set(i, r.logValue);
}

/** Step 1: checks every record of the file; notes the strings, stacks, lists and Batch offsets; stores the profile's events. */
function decodeRecords(bytes: Uint8Array, version: number): Records {
  const d: Records = { ticksPerSec: 0, strings: new Map(), rawStacks: new Map(), timerGoids: new Set(), listOf: new Map(), listPs: [], batchesOf: new Map(), implicitStart: false, events: 0, profile: new EventStore(OLD_NAMES, false, 0, 16), profileLogs: new Map() };
  const rd = new RecordReader(bytes);
  const r = new OldRecord();
  /** Each P's current goroutine when its batch was left. */
  const lastGs = new Map<number, number>();
  let sawBatch = false;
  let notedP = NaN; // the P whose list is known to be noted
  const cur = rd.cur;
  while (cur.pos < cur.end) {
    const off = cur.pos;
    const b = bytes[cur.pos++]!;
    const typ = b & 0x3f;
    const s = OLD_SPECS[typ];
    if (typ === 0 || typ >= EvCount || s === undefined || s.minVersion > version) {
      throw new TraceError(off, `unknown event type ${typ} for go 1.${version - 1000} (expected 1..49)`);
    }
    if (typ === EvString) {
      onString(d, rd, off);
      continue;
    }
    if (!s.timed) {
      readArgs(rd, off, b, typ);
      if (typ === EvStack) onStack(d, rd, off);
      else {
        checkArity(rd, off, typ);
        if (typ === EvBatch) {
          lastGs.set(rd.lastP, rd.lastG);
          rd.lastP = rd.args[0]!; // 2^64-1 ("no P") decodes as -1
          rd.lastG = lastGs.get(rd.lastP) ?? 0;
          rd.lastTs = rd.args[1]!;
          sawBatch = true;
          let batches = d.batchesOf.get(rd.lastP);
          if (batches === undefined) d.batchesOf.set(rd.lastP, (batches = []));
          batches.push(off);
        } else if (typ === EvFrequency) {
          d.ticksPerSec = rd.args[0]!;
          if (d.ticksPerSec <= 0) throw new TraceError(off, `Frequency contains invalid frequency ${d.ticksPerSec}`);
        } else d.timerGoids.add(rd.args[0]!); // TimerGoroutine
      }
      continue;
    }
    decodeEvent(rd, r, off, typ, readEventArgs(rd, off, b, typ));
    d.events++;
    if (!sawBatch) d.implicitStart = true;
    if (typ === EvCPUSample || rd.lastP === ProfileP) {
      noteList(d, ProfileP); // listed where the first sample appears (tie-breaking in the merge)
      storeProfile(d, r);
    } else if (rd.lastP !== notedP) {
      noteList(d, rd.lastP);
      notedP = rd.lastP;
    }
  }
  if (d.events === 0) {
    throw new TraceError(cur.pos, sawBatch ? 'trace is empty (no events)' : 'trace is empty (expected at least one Batch)');
  }
  if (d.ticksPerSec === 0) throw new TraceError(cur.pos, 'no Frequency event (expected exactly one)');
  return d;
}

/** Parse a whole old-format trace: decode, order and check it; `events` decodes it again on each walk. */
export function parseOldFormat(bytes: Uint8Array, version: number): ParsedTrace {
  const t = parseOld(bytes, version);
  return {
    format: 'old',
    version,
    ticksPerSec: t.ticksPerSec,
    events: eventList(new WalkedEvents(t.total, () => new OldWalk(t, null))),
    strings: t.strings,
    stacks: t.stacks,
    generations: [],
    startNs: 0,
    bytes,
  };
}

/** The events of an old-format trace in Go's order, decoded from the input (streaming after the whole trace is ordered). */
export function iterateOld(bytes: Uint8Array, version: number): IterableIterator<TraceEvent> {
  return new OldWalk(parseOld(bytes, version), null);
}

/** What a walk over the events needs: the lists, the merge's choices, the moved GoSysExits. */
interface OldParse {
  readonly bytes: Uint8Array;
  readonly version: number;
  readonly ticksPerSec: number;
  readonly strings: Map<number, string>;
  readonly stacks: Map<number, readonly Frame[]>;
  readonly timerGoids: Set<number>;
  /** Per list (merge order of first appearance): its P, and the byte offsets of the P's Batch records. */
  readonly listPs: readonly number[];
  readonly batchesOf: ReadonlyMap<number, number[]>;
  /** Events before the first Batch record belong to P 0's list, from byte 16 on. */
  readonly implicitStart: boolean;
  /** CPU samples and events of ProfileP batches, their UserLog values, and their order on the ProfileP list. */
  readonly profile: EventStore;
  readonly profileLogs: ReadonlyMap<number, string>;
  readonly profileOrder: readonly number[];
  readonly total: number;
  /** The merge: for each position in Go's order (before the GoSysExit re-sort), the list of the event. */
  readonly choice: Uint8Array | Uint16Array | Uint32Array;
  readonly moved: Moved;
  /** Merge positions of the GoUnblocks shown on NetpollP (known after step 4's check). */
  netpoll: Int32Array;
  /** Tick time of the first event (tsNs 0). */
  readonly tsBase: number;
  readonly nsPerTick: number;
}

/**
 * GoSysExits that carry their real exit time move to it (a stable re-sort in which only they
 * moved): by merge position (ascending) `pos`, and in their final order `byTime` (indices into
 * the others: real ticks, then merge position). `ref` is the event's byte offset, or −(index + 1)
 * in the profile store.
 */
interface Moved {
  readonly pos: number[];
  readonly ref: number[];
  readonly g: number[];
  readonly ticks: number[];
  readonly byTime: Int32Array;
}

/** Decode, order and check an old-format trace (steps 1–4), keeping what a walk over its events needs. */
function parseOld(bytes: Uint8Array, version: number): OldParse {
  const d = decodeRecords(bytes, version);
  const stacks = buildStacks(d);
  const profileOrder = sortProfile(d.profile);
  const base = { bytes, version, ticksPerSec: d.ticksPerSec, strings: d.strings, stacks, timerGoids: d.timerGoids, listPs: d.listPs, batchesOf: d.batchesOf, implicitStart: d.implicitStart, profile: d.profile, profileLogs: d.profileLogs, profileOrder, total: d.events };
  const fused = new FusedCheck(base);
  const m = mergeLists(base, fused);
  const t: OldParse = { ...base, choice: m.choice, moved: m.moved, netpoll: new Int32Array(0), tsBase: m.tsBase, nsPerTick: 1e9 / d.ticksPerSec };
  // Step 4: the state machine in the final order (it also finds the netpoll unblocks): done during
  // the merge, or else on a walk of its own.
  let netpoll = fused.netpoll;
  let failure = fused.failure;
  if (!fused.valid) {
    netpoll = [];
    failure = null;
    const w = new OldWalk(t, newChecker(netpoll, t));
    try {
      while (w.step());
    } catch (e) {
      if (!(e instanceof CheckFailure)) throw e;
      failure = e;
    }
  }
  if (failure !== null) throw failure.error(t);
  t.netpoll = Int32Array.from(netpoll);
  return t;
}

function buildStacks(d: Records): Map<number, readonly Frame[]> {
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

/** CPU samples are re-sorted by the time captured in the signal handler (with a ProfileP batch's events, in garbage, as in Go). */
function sortProfile(st: EventStore): number[] {
  const tsc = st.ts;
  return Array.from({ length: st.n }, (_, i) => i).sort((x, y) => tsc[x]! - tsc[y]! || x - y);
}

/** The string arguments of an event, resolved (UserLog's value is in the record itself). */
function sargsOf(r: OldRecord, strings: ReadonlyMap<number, string>): readonly string[] {
  switch (r.code) {
    case EvGCSTWStart:
      return [r.a0 === 0 ? 'mark termination' : 'sweep termination'];
    case EvGoStartLabel:
    case EvUserTaskCreate:
    case EvUserRegion:
      return [strings.get(r.a2) ?? ''];
    case EvUserLog:
      return [strings.get(r.a1) ?? '', r.logValue];
    default:
      return EMPTY_STRINGS;
  }
}

// ---------------------------------------------------------------------------
// The lists, decoded again from the input.

/**
 * A P's events, decoded from the input: the P's Batch records (byte offsets, in file order) and
 * the records after each up to the next Batch, with a reader of its own (the batch clock and the
 * P's current goroutine follow from the bytes exactly as in step 1). The head is `head`.
 */
class ByteList implements MergeList {
  readonly head = new OldRecord();
  live = false;
  private readonly rd: RecordReader;
  private nextBatch = 0;
  /** The cursor is at one of the P's own Batch records (any other Batch ends the P's run). */
  private atOwnBatch = false;
  constructor(
    bytes: Uint8Array,
    private readonly batches: readonly number[],
    private readonly fromHeader: boolean,
  ) {
    this.rd = new RecordReader(bytes);
  }

  start(): void {
    const rd = this.rd;
    // The P's current goroutine carries over from one of its batches to the next (as in step 1).
    rd.lastP = 0;
    rd.lastG = 0;
    rd.lastTs = 0;
    this.nextBatch = 0;
    if (this.fromHeader) {
      rd.cur.pos = 16;
      this.atOwnBatch = false;
    } else this.jump();
    this.advance();
  }

  advance(): void {
    this.live = this.decodeNext();
  }

  /** Moves to the P's next Batch record; false when there is none. */
  private jump(): boolean {
    const cur = this.rd.cur;
    if (this.nextBatch >= this.batches.length) {
      cur.pos = cur.end;
      return false;
    }
    cur.pos = this.batches[this.nextBatch++]!;
    this.atOwnBatch = true;
    return true;
  }

  /** Decodes records up to the P's next event (all were checked in step 1). */
  private decodeNext(): boolean {
    const rd = this.rd;
    const cur = rd.cur;
    const buf = rd.bytes;
    for (;;) {
      if (cur.pos >= cur.end) {
        if (!this.jump()) return false;
        continue;
      }
      const off = cur.pos;
      const b = buf[off]!;
      const typ = b & 0x3f;
      if (b < 0xc0 && SHORT_EVENT[typ] === 1) {
        // The common case: an event in the short form (1–3 arguments).
        cur.pos = off + 1;
        const nw = (b >> 6) + 1;
        readShortArgs(cur, nw);
        decodeEvent(rd, this.head, off, typ, nw);
        return true;
      }
      if (typ === EvBatch && !this.atOwnBatch) {
        if (!this.jump()) return false;
        continue;
      }
      this.atOwnBatch = false;
      cur.pos++;
      if (typ === EvString) {
        cur.uv('string id');
        const ln = cur.uv('string length');
        cur.pos += ln;
        continue;
      }
      if (TIMED[typ] === 0) {
        readArgs(rd, off, b, typ);
        if (typ === EvBatch) {
          rd.lastP = rd.args[0]!;
          rd.lastTs = rd.args[1]!;
        }
        continue;
      }
      const nw = readEventArgs(rd, off, b, typ);
      if (typ === EvCPUSample) {
        rd.lastTs += W[0]!; // on the profile list, but it advances the batch clock
        continue;
      }
      decodeEvent(rd, this.head, off, typ, nw);
      return true;
    }
  }
}

/** Copies event i of the profile store into `r`. */
function loadProfile(r: OldRecord, t: Pick<OldParse, 'profile' | 'profileLogs'>, i: number): void {
  const st = t.profile;
  r.code = st.code[i]!;
  r.off = st.offset[i]!;
  r.ticks = st.ts[i]!;
  r.p = st.p.get(i);
  r.g = st.g.get(i);
  r.batchG = r.g;
  r.stack = st.stack.get(i);
  const na = st.nargs[i]!;
  const o = st.argOff[i]!;
  r.na = na;
  r.a0 = na > 0 ? st.args[o]! : 0;
  r.a1 = na > 1 ? st.args[o + 1]! : 0;
  r.a2 = na > 2 ? st.args[o + 2]! : 0;
  r.logValue = t.profileLogs.get(i) ?? '';
  r.profile = i;
}

/** The ProfileP list: stored events, in their sorted order. */
class ProfileList implements MergeList {
  readonly head = new OldRecord();
  live = false;
  private k = 0;
  constructor(private readonly t: Pick<OldParse, 'profile' | 'profileLogs' | 'profileOrder'>) {}
  start(): void {
    this.k = 0;
    this.load();
  }
  advance(): void {
    this.k++;
    this.load();
  }
  private load(): void {
    const order = this.t.profileOrder;
    this.live = this.k < order.length;
    if (this.live) loadProfile(this.head, this.t, order[this.k]!);
  }
}

function makeLists(t: Pick<OldParse, 'bytes' | 'listPs' | 'batchesOf' | 'implicitStart' | 'profile' | 'profileLogs' | 'profileOrder'>): MergeList[] {
  return t.listPs.map((p) => (p === ProfileP ? new ProfileList(t) : new ByteList(t.bytes, t.batchesOf.get(p) ?? [], p === 0 && t.implicitStart)));
}

// ---------------------------------------------------------------------------
// Step 2 and 3: the merge, the time order, the GoSysExit real times.

type MergeInput = Pick<OldParse, 'bytes' | 'listPs' | 'batchesOf' | 'implicitStart' | 'profile' | 'profileLogs' | 'profileOrder' | 'total'>;

/**
 * Merges the lists (step 2) and, on the way, checks the time order of the merged events and finds
 * the GoSysExits that move to their real exit time (step 3). Errors of step 3 are thrown only when
 * the whole merge succeeded (a merge error comes first, as when the steps ran one after the other).
 */
function mergeLists(t: MergeInput, fused: FusedCheck): { choice: Uint8Array | Uint16Array | Uint32Array; moved: Moved; tsBase: number } {
  const steps = new TimeSteps(t, fused);
  orderEvents(makeLists(t), t.total, steps);
  if (steps.timeErr !== null) throw steps.timeErr;
  if (steps.sysErr !== null) throw steps.sysErr;
  fused.finish();
  const mv = steps.mv;
  const byTime = Int32Array.from(mv.pos.keys()).sort((x, y) => mv.ticks[x]! - mv.ticks[y]! || mv.pos[x]! - mv.pos[y]!);
  const firstMoved = byTime.length > 0 ? mv.ticks[byTime[0]!]! : NaN;
  const first = steps.firstOtherTs;
  const tsBase = Number.isNaN(first) ? firstMoved : Number.isNaN(firstMoved) ? first : Math.min(first, firstMoved);
  return { choice: steps.choice, moved: { ...mv, byTime }, tsBase };
}

/**
 * Step 3 on the events as the merge gives them (and each passed on to step 4): notes the list of
 * each, checks the time order and finds the GoSysExits that move. (Fields, not a closure's
 * variables: a tick time kept in a closure's variable would be a new heap number per event.)
 */
class TimeSteps implements MergeSink {
  readonly choice: Uint8Array | Uint16Array | Uint32Array;
  timeErr: TraceError | null = null;
  sysErr: TraceError | null = null;
  private prevTs = 0;
  firstOtherTs = NaN;
  private k = 0;
  private readonly lastSysBlock = new Map<number, number>();
  readonly mv = { pos: [] as number[], ref: [] as number[], g: [] as number[], ticks: [] as number[] };
  constructor(
    private readonly t: MergeInput,
    private readonly fused: FusedCheck,
  ) {
    const n = t.listPs.length;
    this.choice = n <= 256 ? new Uint8Array(t.total) : n <= 65536 ? new Uint16Array(t.total) : new Uint32Array(t.total);
  }

  emit(bi: number, r: OldRecord): void {
    const k = this.k;
    this.choice[k] = bi;
    const ts = r.ticks;
    const code = r.code;
    if (k > 0 && ts < this.prevTs && this.timeErr === null) this.timeErr = new TraceError(r.off, `time stamps out of order: ${OLD_NAMES[code]!} at tick ${ts} after tick ${this.prevTs}`);
    this.prevTs = ts;
    let real = NaN; // the real time a GoSysExit moves to
    if (code === EvGoSysBlock || code === EvGoInSyscall) {
      this.lastSysBlock.set(r.g, ts);
    } else if (code === EvGoSysExit && this.sysErr === null && r.a2 !== 0) {
      real = this.sysExit(r, k);
    }
    if (Number.isNaN(real) && Number.isNaN(this.firstOtherTs)) this.firstOtherTs = ts;
    // (After an error of step 3, step 4's result would not be used.)
    if (this.timeErr === null && this.sysErr === null) this.fused.add(r, k, !Number.isNaN(real));
    this.k = k + 1;
  }

  /** A GoSysExit with a real time: where it moves (NaN after an error). */
  private sysExit(r: OldRecord, k: number): number {
    const real = r.a2;
    const g = r.g;
    const block = this.lastSysBlock.get(g);
    if (block === undefined || block === 0) this.sysErr = new TraceError(r.off, `stray syscall exit for goroutine ${g} (expected an earlier GoSysBlock or GoInSyscall)`);
    else if (real < block) this.sysErr = new TraceError(r.off, `time stamps out of order: syscall exit real time ${real} before block at ${block}`);
    else {
      const mv = this.mv;
      mv.pos.push(k);
      mv.ref.push(r.profile >= 0 ? -(r.profile + 1) : r.off);
      mv.g.push(g);
      mv.ticks.push(real);
      if (r.profile >= 0) this.t.profile.ts[r.profile] = real;
      return real;
    }
    return NaN;
  }
}

// ---------------------------------------------------------------------------
// Step 4 during the merge.

/**
 * Step 4 during the merge: `window`, the events a FusedCheck holds back at most before it checks the
 * oldest anyway. (Tests turn it off, or set the window to 0, to see that the walk of its own and the
 * fallback give the same.)
 */
export const FUSED_CHECK = { enabled: true, window: 1 << 10 };

/**
 * Records held back by a FusedCheck, oldest first: a ring of columns, plain numbers (objects with
 * number fields would put each tick time in a heap number of its own, spread over memory).
 */
class RecordRing {
  n = 0;
  private first = 0;
  private mask = -1;
  private code = new Uint8Array(0);
  private na = new Uint8Array(0);
  private num = new Float64Array(0);
  private logValue: string[] = [];

  /** Fields per record in `num`: off, ticks, p, g, stack, a0, a1, a2, profile, k, batchG. */
  private static readonly W = 11;

  ticksOfFirst(): number {
    return this.num[this.first * RecordRing.W + 1]!;
  }
  kOfFirst(): number {
    return this.num[this.first * RecordRing.W + 9]!;
  }

  push(r: OldRecord, k: number): void {
    if (this.n === this.mask + 1) this.grow();
    const i = (this.first + this.n) & this.mask;
    this.n++;
    this.code[i] = r.code;
    this.na[i] = r.na;
    this.logValue[i] = r.logValue;
    const num = this.num;
    const o = i * RecordRing.W;
    num[o] = r.off;
    num[o + 1] = r.ticks;
    num[o + 2] = r.p;
    num[o + 3] = r.g;
    num[o + 4] = r.stack;
    num[o + 5] = r.a0;
    num[o + 6] = r.a1;
    num[o + 7] = r.a2;
    num[o + 8] = r.profile;
    num[o + 9] = k;
    num[o + 10] = r.batchG;
  }

  /** Takes the oldest record out, into `r`. */
  shift(r: OldRecord): void {
    const i = this.first;
    this.first = (i + 1) & this.mask;
    this.n--;
    r.code = this.code[i]!;
    r.na = this.na[i]!;
    r.logValue = this.logValue[i]!;
    const num = this.num;
    const o = i * RecordRing.W;
    r.off = num[o]!;
    r.ticks = num[o + 1]!;
    r.p = num[o + 2]!;
    r.g = num[o + 3]!;
    r.stack = num[o + 4]!;
    r.a0 = num[o + 5]!;
    r.a1 = num[o + 6]!;
    r.a2 = num[o + 7]!;
    r.profile = num[o + 8]!;
    r.k = num[o + 9]!;
    r.batchG = num[o + 10]!;
  }

  private grow(): void {
    const cap = this.mask + 1;
    const bigger = Math.max(64, 2 * cap);
    const code = new Uint8Array(bigger);
    const na = new Uint8Array(bigger);
    const num = new Float64Array(bigger * RecordRing.W);
    const logValue = new Array<string>(bigger).fill('');
    for (let j = 0; j < this.n; j++) {
      const i = (this.first + j) & this.mask;
      code[j] = this.code[i]!;
      na[j] = this.na[i]!;
      logValue[j] = this.logValue[i]!;
      num.set(this.num.subarray(i * RecordRing.W, (i + 1) * RecordRing.W), j * RecordRing.W);
    }
    this.code = code;
    this.na = na;
    this.num = num;
    this.logValue = logValue;
    this.first = 0;
    this.mask = bigger - 1;
  }
}

/**
 * Step 4 run on the events as the merge gives them, which saves a decoding of the whole input. The
 * check needs the final order: the merge's, but with each moved GoSysExit before the first other
 * event that is later than its real time. So an event is held back while a GoSysExit merged later
 * could still go before it: an exit's real time is not before its goroutine's GoSysBlock (step 3),
 * so while goroutines are in blocking syscalls, the earliest of their blocks bounds the real times
 * to come; events after it wait (at most FUSED_CHECK.window of them, then the oldest is checked).
 * A moved exit that goes before events already checked (its goroutine waited long for a P) is
 * checked at once if none of those looked at its goroutine: its check reads and sets only that
 * goroutine's state, so the order makes no difference. Any other event merged later must go after
 * all those checked; if one does not (corrupt traces), the result is dropped (`valid` false) and
 * step 4 runs on a walk of its own.
 */
class FusedCheck {
  valid = true;
  /** The first state-machine error in the final order. */
  failure: CheckFailure | null = null;
  readonly netpoll: number[] = [];
  private readonly checker: Checker;
  private readonly timerGoids: Set<number>;
  /** Events held back, not moved, in merge order; the one taken out of it to be checked. */
  private readonly held = new RecordRing();
  private readonly next = new OldRecord();
  /** Moved GoSysExits held back (ticks = real time), in their final order (real time, merge position). */
  private readonly moved: OldRecord[] = [];
  /** Goroutines in a blocking syscall (GoSysBlock or GoInSyscall, no GoSysExit yet) → its tick time. */
  private readonly blocked = new Map<number, number>();
  /** The blocks in merge order (so in time order), from `first` on; those no longer in `blocked` are skipped. */
  private blockG: number[] = [];
  private blockTicks: number[] = [];
  private first = 0;
  /** The earliest of `blocked` (Infinity: none). */
  private minBlock = Infinity;
  /** Tick time of the last event merged. */
  private lastTicks = -Infinity;
  /** The latest time of the events checked: not moved, and moved (real time). */
  private maxChecked = -Infinity;
  private maxCheckedMoved = -Infinity;

  constructor(t: Pick<OldParse, 'strings' | 'timerGoids'>) {
    this.checker = newChecker(this.netpoll, t);
    this.timerGoids = t.timerGoids;
    this.valid = FUSED_CHECK.enabled;
  }

  /**
   * The event merged at position k (its list's head); `moves`: a GoSysExit that moves to its real
   * time (its third argument). (A flag, not the time: a double passed to a call is a heap number.)
   */
  add(r: OldRecord, k: number, moves: boolean): void {
    if (!this.valid) return;
    const code = r.code;
    const real = moves ? r.a2 : 0;
    r.k = k;
    // Would it go before an event already checked? A moved exit may still be checked now if none of
    // the events checked that it goes before looked at its goroutine: its check reads and sets only
    // the goroutine's state, so the order of the two makes no difference.
    let now = false;
    if (moves ? real < this.maxChecked || real < this.maxCheckedMoved : r.ticks < this.maxCheckedMoved) {
      const gd = moves && this.failure === null ? this.checker.gs.get(r.g) : undefined;
      if (!moves || this.failure !== null || (gd !== undefined && gd.lastTicks > real)) {
        this.valid = false;
        return;
      }
      now = true;
    }
    this.lastTicks = r.ticks;
    if (code === EvGoSysBlock || code === EvGoInSyscall) {
      this.blocked.set(r.g, r.ticks);
      this.blockG.push(r.g);
      this.blockTicks.push(r.ticks);
      this.updateMinBlock();
    } else if (code === EvGoSysExit && this.blocked.delete(r.g)) {
      this.updateMinBlock();
    }
    if (now || (!moves && this.held.n === 0 && this.moved.length === 0 && r.ticks <= this.minBlock)) {
      // Nothing to wait for (the merge's head, not copied).
      if (moves) r.ticks = real; // (the merge is done with it)
      this.check(r, moves);
      return;
    }
    if (moves) {
      const m = new OldRecord();
      copyRecord(m, r);
      m.ticks = real;
      m.k = k;
      let i = this.moved.length;
      while (i > 0 && this.moved[i - 1]!.ticks > real) {
        // (Exits far out of their time order: not worth sorting them here.)
        if (--i < this.moved.length - 64) {
          this.valid = false;
          return;
        }
      }
      this.moved.splice(i, 0, m);
    } else this.held.push(r, k);
    this.release(false);
  }

  /** The earliest block still open (amortized O(1): each block is passed once). */
  private updateMinBlock(): void {
    const gs = this.blockG;
    const ts = this.blockTicks;
    let i = this.first;
    while (i < gs.length && this.blocked.get(gs[i]!) !== ts[i]) i++;
    this.minBlock = i < gs.length ? ts[i]! : Infinity;
    if (i > 1024 && i > gs.length >> 1) {
      this.blockG = gs.slice(i);
      this.blockTicks = ts.slice(i);
      i = 0;
    }
    this.first = i;
  }

  /** After the merge: checks the events still held. */
  finish(): void {
    if (this.valid) this.release(true);
  }

  /** Checks the held events that nothing merged later can go before (all of them at the end). */
  private release(all: boolean): void {
    const held = this.held;
    for (;;) {
      const hasE = held.n > 0;
      const m = this.moved.length > 0 ? this.moved[0]! : null;
      if (!hasE && m === null) return;
      // The next in the final order: a moved exit goes before the first other event later than it.
      const eTicks = hasE ? held.ticksOfFirst() : 0;
      const isMoved = m !== null && (!hasE || m.ticks < eTicks || (m.ticks === eTicks && m.k < held.kOfFirst()));
      const ticks = isMoved ? m!.ticks : eTicks;
      // Safe: no exit to come has an earlier real time, and (moved) no other event to come is earlier.
      const safe = ticks <= this.minBlock && (!isMoved || ticks <= this.lastTicks);
      if (!safe && !all && held.n + this.moved.length <= FUSED_CHECK.window) return;
      if (isMoved) this.check(this.moved.shift()!, true);
      else {
        held.shift(this.next);
        this.check(this.next, false);
      }
    }
  }

  /** Step 4 on the next event of the final order (as a walk prepares it). */
  private check(r: OldRecord, isMoved: boolean): void {
    if (isMoved) this.maxCheckedMoved = Math.max(this.maxCheckedMoved, r.ticks);
    else this.maxChecked = Math.max(this.maxChecked, r.ticks);
    if (this.failure !== null) return;
    const code = r.code;
    if (code === EvGoUnblock && this.timerGoids.size > 0 && this.timerGoids.has(r.g)) r.p = TimerP;
    if (code === EvGoSysExit) r.p = SyscallP;
    try {
      checkEvent(this.checker, r, isMoved ? -1 : r.k);
    } catch (e) {
      if (!(e instanceof CheckFailure)) throw e;
      this.failure = e;
    }
  }
}

// ---------------------------------------------------------------------------
// A walk over the events in Go's order.

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true as const });

/**
 * Replays the merge over freshly decoded lists and puts each moved GoSysExit where the stable
 * re-sort by ticks puts it: before the first other event that is later (or as late, but after it
 * in the merge). Each event then gets the pseudo-P Go's v1 parser shows it on; with a checker,
 * step 4 runs on it.
 */
class OldWalk implements IterableIterator<TraceEvent> {
  private readonly lists: MergeList[];
  /** Reads the moved GoSysExits from their records. */
  private readonly mvReader: RecordReader;
  private readonly mvRecord = new OldRecord();
  /** Merge position of the next other event; next moved event in final order; next moved in merge order. */
  private k = 0;
  private mvNext = 0;
  private mvSkip = 0;
  private pending: MergeList | null = null;
  private netpollNext = 0;
  /** The event `step` prepared. */
  r: OldRecord | null = null;

  constructor(
    private readonly t: OldParse,
    private readonly checker: Checker | null,
  ) {
    this.lists = makeLists(t);
    for (const l of this.lists) l.start();
    this.mvReader = new RecordReader(t.bytes);
  }

  next(): IteratorResult<TraceEvent, undefined> {
    if (!this.step()) return DONE;
    return { value: this.event(this.r!), done: false };
  }

  return(): IteratorResult<TraceEvent, undefined> {
    this.k = this.t.total;
    this.mvNext = this.t.moved.byTime.length;
    return DONE;
  }

  [Symbol.iterator](): IterableIterator<TraceEvent> {
    return this;
  }

  /** A new TraceEvent of the prepared record. */
  private event(r: OldRecord): TraceEvent {
    const t = this.t;
    const ev = new TraceEvent(OLD_NAMES[r.code]!, r.code, r.off);
    ev.tsNs = Math.trunc((r.ticks - t.tsBase) * t.nsPerTick);
    ev.p = r.p;
    ev.g = r.g;
    ev.batchG = r.batchG;
    const na = r.na;
    ev.args = na === 0 ? EMPTY_NUMBERS : na === 1 ? [r.a0] : na === 2 ? [r.a0, r.a1] : [r.a0, r.a1, r.a2];
    ev.stackId = r.stack;
    ev.sargs = sargsOf(r, t.strings);
    ev.ticks = r.ticks;
    return ev;
  }

  /** Prepares the next event in order (`r`); false at the end. */
  step(): boolean {
    if (this.pending !== null) {
      this.pending.advance();
      this.pending = null;
    }
    const t = this.t;
    const mv = t.moved;
    const nm = mv.byTime.length;
    while (this.k < t.total) {
      const l = this.lists[t.choice[this.k]!]!;
      if (this.mvSkip < nm && mv.pos[this.mvSkip] === this.k) {
        // A moved event at its merge position: it is put at its time instead.
        this.mvSkip++;
        this.k++;
        l.advance();
        continue;
      }
      if (this.mvNext < nm) {
        const j = mv.byTime[this.mvNext]!;
        const ts = l.head.ticks;
        if (mv.ticks[j]! < ts || (mv.ticks[j] === ts && mv.pos[j]! < this.k)) return this.prepareMoved(j);
      }
      this.k++;
      this.pending = l;
      return this.prepare(l.head, this.k - 1);
    }
    if (this.mvNext < nm) return this.prepareMoved(mv.byTime[this.mvNext]!);
    this.r = null;
    return false;
  }

  /** A moved GoSysExit: decoded again from its record, at its real time. */
  private prepareMoved(j: number): boolean {
    const mv = this.t.moved;
    this.mvNext++;
    const ref = mv.ref[j]!;
    const r = this.mvRecord;
    if (ref < 0) {
      loadProfile(r, this.t, -ref - 1);
      return this.prepare(r, -1);
    }
    const rd = this.mvReader;
    const cur = rd.cur;
    cur.pos = ref;
    const b = cur.buf[cur.pos++]!;
    const typ = b & 0x3f;
    decodeEvent(rd, r, ref, typ, readEventArgs(rd, ref, b, typ));
    r.g = mv.g[j]!;
    r.ticks = mv.ticks[j]!;
    return this.prepare(r, -1);
  }

  /** Folds the Local codes, sets the pseudo-Ps of the event (`k`: its merge position, −1 for a moved one); runs the check. */
  private prepare(r: OldRecord, k: number): boolean {
    const t = this.t;
    foldLocal(r);
    const code = r.code;
    if (code === EvGoUnblock && t.timerGoids.size > 0 && t.timerGoids.has(r.g)) r.p = TimerP;
    if (code === EvGoSysExit) r.p = SyscallP;
    if (this.checker !== null) {
      checkEvent(this.checker, r, k);
    } else {
      if (code === EvGCStart) r.p = GCP;
      const np = t.netpoll;
      if (this.netpollNext < np.length && np[this.netpollNext] === k) {
        r.p = NetpollP;
        this.netpollNext++;
      }
    }
    this.r = r;
    return true;
  }
}

// ---------------------------------------------------------------------------
// State-machine validation (step 4): one handler per event type, on a small shared state.

interface GDesc {
  state: number;
  lastEv: number; // code of the last blocking/unblocking event, -1 if none
  markAssist: boolean;
  /** The latest tick time of the events checked that looked at this goroutine (FusedCheck). */
  lastTicks: number;
}
interface PDesc {
  running: boolean;
  g: number;
  sweep: boolean;
}

/** A user region open in a goroutine: its task id and name. */
interface OpenRegion {
  readonly task: number;
  readonly name: string | undefined;
}

interface Checker {
  readonly gs: IdTable<GDesc>;
  readonly ps: IdTable<PDesc>;
  readonly tasks: Set<number>;
  readonly regions: Map<number, OpenRegion[]>;
  /** Merge positions of the GoUnblocks put on NetpollP (in order). */
  readonly netpoll: number[];
  inGC: boolean;
  inSTW: boolean;
  readonly strings: ReadonlyMap<number, string>;
  /** The current event, its merge position (−1: a moved GoSysExit), type, G and P. */
  r: OldRecord;
  pos: number;
  code: number;
  evG: number;
  evP: number;
}

type CheckHandler = (c: Checker) => void;

/**
 * A state-machine error: its message names the event's time in ns, known only once the merge has
 * found the first event (tsBase), so the check may run before (FusedCheck).
 */
class CheckFailure {
  constructor(
    readonly off: number,
    readonly msg: string,
    readonly code: number,
    readonly ticks: number,
  ) {}
  error(t: Pick<OldParse, 'tsBase' | 'nsPerTick'>): TraceError {
    return new TraceError(this.off, `${this.msg} (${OLD_NAMES[this.code]!} at ${Math.trunc((this.ticks - t.tsBase) * t.nsPerTick)} ns)`);
  }
}

function fail(c: Checker, msg: string): never {
  throw new CheckFailure(c.r.off, msg, c.code, c.r.ticks);
}

function getG(c: Checker, id: number): GDesc {
  let g = c.gs.get(id);
  if (g === undefined) {
    g = { state: G_DEAD, lastEv: -1, markAssist: false, lastTicks: -Infinity };
    c.gs.add(id, g);
  }
  if (c.r.ticks > g.lastTicks) g.lastTicks = c.r.ticks;
  return g;
}

function getP(c: Checker, id: number): PDesc {
  let p = c.ps.get(id);
  if (p === undefined) {
    p = { running: false, g: 0, sweep: false };
    c.ps.add(id, p);
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
  c.r.p = GCP;
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
  const ng = c.r.a0;
  if (c.gs.has(ng)) fail(c, `g ${ng} already exists`);
  c.gs.add(ng, { state: G_RUNNABLE, lastEv: c.code, markAssist: false, lastTicks: c.r.ticks });
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
  const tg = c.r.a0;
  const g1 = getG(c, tg);
  if (g1.state !== G_WAITING) fail(c, `g ${tg} is not waiting before unpark`);
  if (g1.lastEv === EvGoBlockNet && c.evP !== TimerP) {
    c.r.p = NetpollP;
    c.netpoll.push(c.pos);
  }
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
  const id = c.r.a0;
  if (c.tasks.has(id)) fail(c, `task id conflicts (id:${id})`);
  c.tasks.add(id);
};

const checkTaskEnd: CheckHandler = (c) => {
  c.tasks.delete(c.r.a0);
};

/** UserRegion: starts (mode 0) and ends (mode 1) nest per goroutine. */
const checkRegion: CheckHandler = (c) => {
  const r = c.r;
  const mode = r.a1;
  let stack = c.regions.get(c.evG);
  const name = c.strings.get(r.a2) ?? '';
  if (mode === 0) {
    if (stack === undefined) {
      stack = [];
      c.regions.set(c.evG, stack);
    }
    stack.push({ task: r.a0, name });
  } else if (mode === 1) {
    if (stack !== undefined && stack.length > 0) {
      const s = stack[stack.length - 1]!;
      if (s.task !== r.a0 || s.name !== name) {
        fail(c, `misuse of region in goroutine ${c.evG}: region end "${name ?? ''}" does not match the innermost region start "${s.name ?? ''}"`);
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

function newChecker(netpoll: number[], t: Pick<OldParse, 'strings'>): Checker {
  const c: Checker = { gs: new IdTable(), ps: new IdTable(), tasks: new Set(), regions: new Map(), netpoll, inGC: false, inSTW: false, strings: t.strings, r: new OldRecord(), pos: 0, code: 0, evG: 0, evP: 0 };
  c.gs.add(0, { state: G_RUNNING, lastEv: -1, markAssist: false, lastTicks: -Infinity });
  return c;
}

/** Step 4 on event `r` (the next in the final order), at merge position `pos`. */
function checkEvent(c: Checker, r: OldRecord, pos: number): void {
  c.r = r;
  c.pos = pos;
  c.code = r.code;
  c.evG = r.g;
  c.evP = r.p;
  CHECK[c.code]!(c);
}

export { ALL_ONES };

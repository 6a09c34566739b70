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

import { ALL_ONES, Cursor, TraceError, TraceEvent, decodeUtf8 } from './common.js';
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
// Shared (frozen) empty argument list of events without payload arguments.
const EMPTY_ARGS = Object.freeze([]) as unknown as number[];
const MAX_STACK_FRAMES = 1000;

// ---------------------------------------------------------------------------
// Ordering (per-goroutine sequence rules).

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

function stateTransition(ev: TraceEvent, tr: Transition): void {
  const a = ev.args;
  switch (ev.code) {
    case EvGoCreate:
      set(tr, a[0]!, 0, G_DEAD, 1, G_RUNNABLE);
      return;
    case EvGoWaiting:
    case EvGoInSyscall:
      set(tr, ev.g, 1, G_RUNNABLE, 2, G_WAITING);
      return;
    case EvGoStart:
    case EvGoStartLabel:
      set(tr, ev.g, a[1]!, G_RUNNABLE, a[1]! + 1, G_RUNNING);
      return;
    case EvGoStartLocal:
      set(tr, ev.g, NOSEQ, G_RUNNABLE, SEQINC, G_RUNNING);
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
      set(tr, ev.g, NOSEQ, G_RUNNING, NOSEQ, G_WAITING);
      return;
    case EvGoSched:
    case EvGoPreempt:
      set(tr, ev.g, NOSEQ, G_RUNNING, NOSEQ, G_RUNNABLE);
      return;
    case EvGoUnblock:
    case EvGoSysExit:
      set(tr, a[0]!, a[1]!, G_WAITING, a[1]! + 1, G_RUNNABLE);
      return;
    case EvGoUnblockLocal:
    case EvGoSysExitLocal:
      set(tr, a[0]!, NOSEQ, G_WAITING, SEQINC, G_RUNNABLE);
      return;
    case EvGCStart:
      set(tr, KEY_GC, a[0]!, G_DEAD, a[0]! + 1, G_DEAD);
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

function orderEvents(batches: TraceEvent[][], total: number): TraceEvent[] {
  const out: TraceEvent[] = new Array<TraceEvent>(total);
  let nOut = 0;
  const gs = new Map<number, GState>();
  const heads = new Int32Array(batches.length);
  const heap = new FrontierHeap();
  // Batches whose head is not ready, keyed by the goroutine key they wait on.
  const waiting = new Map<number, number[]>();
  const tr = scratchTr;
  let budget = 64 * total + 1_000_000;

  const consider = (bi: number): void => {
    const list = batches[bi]!;
    const h = heads[bi]!;
    if (h >= list.length) return;
    const ev = list[h]!;
    stateTransition(ev, tr);
    if (ready(tr, gs)) {
      heap.push(bi, ev.ticks);
    } else {
      let w = waiting.get(tr.key);
      if (w === undefined) {
        w = [];
        waiting.set(tr.key, w);
      }
      w.push(bi);
    }
  };

  for (let bi = 0; bi < batches.length; bi++) consider(bi);

  while (nOut < total) {
    if (heap.size === 0) {
      // Find an offending event for the message.
      let off = -1;
      for (let bi = 0; bi < batches.length; bi++) {
        const l = batches[bi]!;
        if (heads[bi]! < l.length) {
          off = l[heads[bi]!]!.offset;
          break;
        }
      }
      throw new TraceError(off, 'no consistent ordering of events possible (goroutine sequence numbers or states do not match)');
    }
    const bi = heap.pop();
    const list = batches[bi]!;
    const ev = list[heads[bi]!]!;
    heads[bi]!++;
    stateTransition(ev, tr);
    // Get rid of the "Local" variants, they only serve ordering.
    if (ev.code === EvGoStartLocal) retype(ev, EvGoStart);
    else if (ev.code === EvGoUnblockLocal) retype(ev, EvGoUnblock);
    else if (ev.code === EvGoSysExitLocal) retype(ev, EvGoSysExit);
    if (tr.key !== KEY_UNORDERED) {
      const cur = gs.get(tr.key) ?? DEAD0;
      if (!((tr.initSeq === NOSEQ || tr.initSeq === cur.seq) && tr.initStatus === cur.status)) {
        throw new TraceError(ev.offset, `event sequences are broken: ${ev.type} for goroutine ${tr.key} is no longer ready`);
      }
      let ns = tr.nextSeq;
      if (ns === NOSEQ) ns = cur.seq;
      else if (ns === SEQINC) ns = cur.seq + 1;
      const st = gs.get(tr.key);
      if (st === undefined) gs.set(tr.key, { seq: ns, status: tr.nextStatus });
      else {
        st.seq = ns;
        st.status = tr.nextStatus;
      }
      const w = waiting.get(tr.key);
      if (w !== undefined) {
        waiting.delete(tr.key);
        budget -= w.length;
        if (budget < 0) throw new TraceError(ev.offset, 'giving up: ordering the events takes too long (trace is likely corrupt)');
        for (const wb of w) consider(wb);
      }
    }
    out[nOut++] = ev;
    consider(bi);
  }
  return out;
}

function retype(ev: TraceEvent, code: number): void {
  ev.code = code;
  ev.type = OLD_SPECS[code]!.name;
  if (code === EvGoSysExit && ev.args.length === 2) {
    // GoSysExitLocal [g, ts] -> GoSysExit [g, seq(unknown: 0), ts]
    ev.args = [ev.args[0]!, 0, ev.args[1]!];
  } else if (code === EvGoStart && ev.args.length === 1) {
    ev.args = [ev.args[0]!, 0];
  } else if (code === EvGoUnblock && ev.args.length === 1) {
    ev.args = [ev.args[0]!, 0];
  }
}

// ---------------------------------------------------------------------------
// Decoding.

export interface OldParseOptions {
  /** Skip the goroutine/P state-machine validation (step 4). */
  readonly skipStateCheck?: boolean;
}

export function parseOldFormat(bytes: Uint8Array, version: number, opts: OldParseOptions = {}): ParsedTrace {
  const cur = new Cursor(bytes, 16, bytes.length);
  const strings = new Map<number, string>();
  const rawStacks = new Map<number, { off: number; args: number[] }>();
  const batchOf = new Map<number, TraceEvent[]>();
  const batchList: TraceEvent[][] = [];
  const timerGoids = new Set<number>();
  const lastGs = new Map<number, number>();
  let lastP = 0;
  let lastG = 0;
  let lastTs = 0;
  let ticksPerSec = 0;
  let total = 0;
  let sawBatch = false;
  let curBatch: TraceEvent[] | undefined;
  let args: number[] = new Array<number>(64).fill(0);
  let nargs = 0;
  const pushArg = (v: number): void => {
    if (nargs === args.length) args = args.concat(new Array<number>(args.length).fill(0));
    args[nargs++] = v;
  };

  const getBatch = (p: number): TraceEvent[] => {
    let b = batchOf.get(p);
    if (b === undefined) {
      b = [];
      batchOf.set(p, b);
      batchList.push(b);
    }
    return b;
  };

  while (cur.pos < cur.end) {
    const off = cur.pos;
    const b = cur.buf[cur.pos++]!;
    const typ = b & 0x3f;
    const s = OLD_SPECS[typ];
    if (typ === 0 || typ >= EvCount || s === undefined || s.minVersion > version) {
      throw new TraceError(off, `unknown event type ${typ} for go 1.${version - 1000} (expected 1..49)`);
    }
    if (typ === EvString) {
      const id = cur.uv('string id');
      if (id === 0) throw new TraceError(off, 'string has invalid id 0');
      if (strings.has(id)) throw new TraceError(off, `string has duplicate id ${id}`);
      const ln = cur.uv('string length');
      if (ln === 0) throw new TraceError(off, 'string has invalid length 0');
      if (ln > MAX_STRING_LEN) throw new TraceError(off, `string has too large length ${ln}`);
      if (ln > cur.remaining) throw new TraceError(cur.pos, `truncated string: expected ${ln} bytes, only ${cur.remaining} left`);
      strings.set(id, decodeUtf8(bytes, cur.pos, cur.pos + ln));
      cur.pos += ln;
      continue;
    }
    const narg = (b >> 6) + 1;
    nargs = 0;
    if (narg < 4) {
      for (let i = 0; i < narg; i++) args[nargs++] = cur.uv('event argument');
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
      while (cur.pos < stop) pushArg(cur.uv('event argument'));
      cur.end = saveEnd;
      if (cur.pos !== stop) throw new TraceError(start, `event has wrong length: declared ${evLen}, decoded ${cur.pos - start}`);
    }
    let sarg: string | undefined;
    if (typ === EvUserLog) {
      const ln = cur.uv('user log value length');
      if (ln > MAX_STRING_LEN) throw new TraceError(off, `user log value has too large length ${ln}`);
      if (ln > cur.remaining) throw new TraceError(cur.pos, `truncated user log value: expected ${ln} bytes`);
      sarg = decodeUtf8(bytes, cur.pos, cur.pos + ln);
      cur.pos += ln;
    }

    // Arity check.
    if (typ === EvStack) {
      if (nargs < 2) throw new TraceError(off, `Stack has wrong number of arguments: want at least 2, got ${nargs}`);
      const n = args[1]!;
      if (n > MAX_STACK_FRAMES) throw new TraceError(off, `Stack has bad number of frames: ${n}`);
      if (nargs !== 2 + 4 * n) throw new TraceError(off, `Stack has wrong number of arguments: want ${2 + 4 * n}, got ${nargs}`);
      const id = args[0]!;
      if (id !== 0 && n > 0) rawStacks.set(id, { off, args: args.slice(2, nargs) });
      continue;
    }
    const want = wireArgCount(s);
    if (nargs !== want) {
      throw new TraceError(off, `${s.name} has wrong number of arguments: want ${want}, got ${nargs}`);
    }
    switch (typ) {
      case EvBatch: {
        lastGs.set(lastP, lastG);
        lastP = args[0]!; // 2^64-1 ("no P") decodes as -1
        lastG = lastGs.get(lastP) ?? 0;
        lastTs = args[1]!;
        sawBatch = true;
        curBatch = undefined;
        continue;
      }
      case EvFrequency:
        ticksPerSec = args[0]!;
        if (ticksPerSec <= 0) throw new TraceError(off, `Frequency contains invalid frequency ${ticksPerSec}`);
        continue;
      case EvTimerGoroutine:
        timerGoids.add(args[0]!);
        continue;
    }
    const ev = new TraceEvent(s.name, typ, off);
    ev.p = lastP;
    ev.g = lastG;
    ev.m = -1;
    const ts = lastTs + args[0]!;
    lastTs = ts;
    ev.ticks = ts;
    const nPayload = s.nargs;
    const payload: number[] =
      nPayload === 0
        ? EMPTY_ARGS
        : nPayload === 1
          ? [args[1]!]
          : nPayload === 2
            ? [args[1]!, args[2]!]
            : [args[1]!, args[2]!, args[3]!];
    ev.args = payload;
    if (s.stack) ev.stackId = args[want - 1]!;
    switch (typ) {
      case EvGoStart:
      case EvGoStartLocal:
      case EvGoStartLabel:
        lastG = payload[0]!;
        ev.g = lastG;
        break;
      case EvGCSTWStart:
        ev.g = 0;
        if (payload[0] !== 0 && payload[0] !== 1) throw new TraceError(off, `unknown STW kind ${payload[0]} (expected 0 or 1)`);
        ev.sargs = [payload[0] === 0 ? 'mark termination' : 'sweep termination'];
        break;
      case EvGCStart:
      case EvGCDone:
      case EvGCSTWDone:
        ev.g = 0;
        break;
      case EvGoEnd:
      case EvGoStop:
      case EvGoSched:
      case EvGoPreempt:
      case EvGoSleep:
      case EvGoBlock:
      case EvGoBlockSend:
      case EvGoBlockRecv:
      case EvGoBlockSelect:
      case EvGoBlockSync:
      case EvGoBlockCond:
      case EvGoBlockNet:
      case EvGoSysBlock:
      case EvGoBlockGC:
        lastG = 0;
        break;
      case EvGoSysExit:
      case EvGoWaiting:
      case EvGoInSyscall:
        ev.g = payload[0]!;
        break;
      case EvCPUSample:
        ev.ticks = payload[0]!;
        ev.p = payload[1]!;
        ev.g = payload[2]!;
        break;
    }
    if (typ === EvUserLog) ev.sargs = ['', sarg ?? ''];
    if (typ === EvCPUSample) {
      getBatch(ProfileP).push(ev);
    } else {
      if (curBatch === undefined) curBatch = getBatch(lastP);
      curBatch.push(ev);
    }
    total++;
  }

  if (total === 0) {
    throw new TraceError(cur.pos, sawBatch ? 'trace is empty (no events)' : 'trace is empty (expected at least one Batch)');
  }
  if (ticksPerSec === 0) throw new TraceError(cur.pos, 'no Frequency event (expected exactly one)');

  // Resolve string arguments now that all strings are known.
  const str = (id: number): string => strings.get(id) ?? '';
  for (const list of batchList) {
    for (const ev of list) {
      switch (ev.code) {
        case EvGoStartLabel:
          ev.sargs = [str(ev.args[2]!)];
          break;
        case EvUserTaskCreate:
        case EvUserRegion:
          ev.sargs = [str(ev.args[2]!)];
          break;
        case EvUserLog:
          ev.sargs = [str(ev.args[1]!), ev.sargs[1] ?? ''];
          break;
      }
    }
  }
  const stacks = new Map<number, readonly Frame[]>();
  for (const [id, raw] of rawStacks) {
    const n = raw.args.length / 4;
    const frames: Frame[] = new Array<Frame>(n);
    for (let i = 0; i < n; i++) {
      const a = raw.args;
      frames[i] = { pc: a[4 * i]!, func: str(a[4 * i + 1]!), file: str(a[4 * i + 2]!), line: a[4 * i + 3]! };
    }
    stacks.set(id, frames);
  }

  // CPU samples are re-sorted by the time captured in the signal handler.
  const prof = batchOf.get(ProfileP);
  if (prof !== undefined) stableSortByTicks(prof);

  const events = orderEvents(batchList, total);

  // Time order must agree with the merged order.
  for (let i = 1; i < events.length; i++) {
    if (events[i]!.ticks < events[i - 1]!.ticks) {
      throw new TraceError(events[i]!.offset, `time stamps out of order: ${events[i]!.type} at tick ${events[i]!.ticks} after tick ${events[i - 1]!.ticks}`);
    }
  }
  // GoSysExit carries the real exit time; apply it and re-sort.
  const lastSysBlock = new Map<number, number>();
  let moved = false;
  for (const ev of events) {
    if (ev.code === EvGoSysBlock || ev.code === EvGoInSyscall) {
      lastSysBlock.set(ev.g, ev.ticks);
    } else if (ev.code === EvGoSysExit) {
      const real = ev.args[2]!;
      if (real === 0) continue;
      const block = lastSysBlock.get(ev.g);
      if (block === undefined || block === 0) throw new TraceError(ev.offset, `stray syscall exit for goroutine ${ev.g} (expected an earlier GoSysBlock or GoInSyscall)`);
      if (real < block) throw new TraceError(ev.offset, `time stamps out of order: syscall exit real time ${real} before block at ${block}`);
      ev.ticks = real;
      moved = true;
    }
  }
  if (moved) stableSortByTicks(events);

  if (events.length > 0) {
    const minTs = events[0]!.ticks;
    const nsPerTick = 1e9 / ticksPerSec;
    for (const ev of events) {
      ev.tsNs = Math.trunc((ev.ticks - minTs) * nsPerTick);
      if (ev.code === EvGoUnblock && timerGoids.has(ev.g)) ev.p = TimerP;
      if (ev.code === EvGoSysExit) ev.p = SyscallP;
    }
  }

  if (!opts.skipStateCheck) checkStates(events);

  return {
    format: 'old',
    version,
    ticksPerSec,
    events,
    strings,
    stacks,
    generations: [],
    startNs: 0,
    bytes,
  };
}

function stableSortByTicks(list: TraceEvent[]): void {
  // Array.prototype.sort is stable (ES2019+).
  list.sort((a, b) => a.ticks - b.ticks);
}

// ---------------------------------------------------------------------------
// State-machine validation.

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

function checkStates(events: TraceEvent[]): void {
  const gs = new Map<number, GDesc>();
  const ps = new Map<number, PDesc>();
  const tasks = new Set<number>();
  const regions = new Map<number, TraceEvent[]>();
  gs.set(0, { state: G_RUNNING, lastEv: -1, markAssist: false });
  let inGC = false;
  let inSTW = false;

  const fail: (ev: TraceEvent, msg: string) => never = (ev, msg) => {
    throw new TraceError(ev.offset, `${msg} (${ev.type} at ${ev.tsNs} ns)`);
  };
  const getG = (id: number): GDesc => {
    let g = gs.get(id);
    if (g === undefined) {
      g = { state: G_DEAD, lastEv: -1, markAssist: false };
      gs.set(id, g);
    }
    return g;
  };
  const getP = (id: number): PDesc => {
    let p = ps.get(id);
    if (p === undefined) {
      p = { running: false, g: 0, sweep: false };
      ps.set(id, p);
    }
    return p;
  };
  const checkRunning = (p: PDesc, g: GDesc, ev: TraceEvent, allowG0: boolean): void => {
    if (g.state !== G_RUNNING) fail(ev, `g ${ev.g} is not running while ${ev.type}`);
    if (p.g !== ev.g) fail(ev, `p ${ev.p} is not running g ${ev.g} while ${ev.type}`);
    if (!allowG0 && ev.g === 0) fail(ev, `g 0 did ${ev.type}`);
  };

  for (const ev of events) {
    switch (ev.code) {
      case EvProcStart: {
        const p = getP(ev.p);
        if (p.running) fail(ev, `p ${ev.p} is running before start`);
        p.running = true;
        break;
      }
      case EvProcStop: {
        const p = getP(ev.p);
        if (!p.running) fail(ev, `p ${ev.p} is not running before stop`);
        if (p.g !== 0) fail(ev, `p ${ev.p} is running a goroutine ${p.g} during stop`);
        p.running = false;
        break;
      }
      case EvGCStart:
        if (inGC) fail(ev, 'previous GC is not ended before a new one');
        inGC = true;
        ev.p = GCP;
        break;
      case EvGCDone:
        if (!inGC) fail(ev, 'bogus GC end');
        inGC = false;
        break;
      case EvGCSTWStart:
        if (inSTW) fail(ev, 'previous STW is not ended before a new one');
        inSTW = true;
        break;
      case EvGCSTWDone:
        if (!inSTW) fail(ev, 'bogus STW end');
        inSTW = false;
        break;
      case EvGCSweepStart: {
        const p = getP(ev.p);
        if (p.sweep) fail(ev, 'previous sweeping is not ended before a new one');
        p.sweep = true;
        break;
      }
      case EvGCSweepDone: {
        const p = getP(ev.p);
        if (!p.sweep) fail(ev, 'bogus sweeping end');
        p.sweep = false;
        break;
      }
      case EvGCMarkAssistStart: {
        const g = getG(ev.g);
        if (g.markAssist) fail(ev, 'previous mark assist is not ended before a new one');
        g.markAssist = true;
        break;
      }
      case EvGCMarkAssistDone:
        getG(ev.g).markAssist = false;
        break;
      case EvGoWaiting:
      case EvGoInSyscall: {
        const g = getG(ev.g);
        if (g.state !== G_RUNNABLE) fail(ev, `g ${ev.g} is not runnable before ${ev.type}`);
        g.state = G_WAITING;
        g.lastEv = ev.code;
        break;
      }
      case EvGoCreate: {
        checkRunning(getP(ev.p), getG(ev.g), ev, true);
        const ng = ev.args[0]!;
        if (gs.has(ng)) fail(ev, `g ${ng} already exists`);
        gs.set(ng, { state: G_RUNNABLE, lastEv: ev.code, markAssist: false });
        break;
      }
      case EvGoStart:
      case EvGoStartLabel: {
        const g = getG(ev.g);
        const p = getP(ev.p);
        if (g.state !== G_RUNNABLE) fail(ev, `g ${ev.g} is not runnable before start`);
        if (p.g !== 0) fail(ev, `p ${ev.p} is already running g ${p.g} while start g ${ev.g}`);
        g.state = G_RUNNING;
        g.lastEv = -1;
        p.g = ev.g;
        break;
      }
      case EvGoEnd:
      case EvGoStop: {
        const g = getG(ev.g);
        const p = getP(ev.p);
        checkRunning(p, g, ev, false);
        g.state = G_DEAD;
        p.g = 0;
        if (ev.code === EvGoEnd) regions.delete(ev.g);
        break;
      }
      case EvGoSched:
      case EvGoPreempt: {
        const g = getG(ev.g);
        const p = getP(ev.p);
        checkRunning(p, g, ev, false);
        g.state = G_RUNNABLE;
        p.g = 0;
        g.lastEv = ev.code;
        break;
      }
      case EvGoUnblock: {
        const g = getG(ev.g);
        const p = getP(ev.p);
        if (g.state !== G_RUNNING) fail(ev, `g ${ev.g} is not running while unpark`);
        if (ev.p !== TimerP && p.g !== ev.g) fail(ev, `p ${ev.p} is not running g ${ev.g} while unpark`);
        const tg = ev.args[0]!;
        const g1 = getG(tg);
        if (g1.state !== G_WAITING) fail(ev, `g ${tg} is not waiting before unpark`);
        if (g1.lastEv === EvGoBlockNet && ev.p !== TimerP) ev.p = NetpollP;
        g1.state = G_RUNNABLE;
        g1.lastEv = ev.code;
        break;
      }
      case EvGoSysCall: {
        const g = getG(ev.g);
        checkRunning(getP(ev.p), g, ev, false);
        g.lastEv = ev.code;
        break;
      }
      case EvGoSysBlock: {
        const g = getG(ev.g);
        const p = getP(ev.p);
        checkRunning(p, g, ev, false);
        g.state = G_WAITING;
        p.g = 0;
        break;
      }
      case EvGoSysExit: {
        const g = getG(ev.g);
        if (g.state !== G_WAITING) fail(ev, `g ${ev.g} is not waiting during syscall exit`);
        g.state = G_RUNNABLE;
        g.lastEv = ev.code;
        break;
      }
      case EvGoSleep:
      case EvGoBlock:
      case EvGoBlockSend:
      case EvGoBlockRecv:
      case EvGoBlockSelect:
      case EvGoBlockSync:
      case EvGoBlockCond:
      case EvGoBlockNet:
      case EvGoBlockGC: {
        const g = getG(ev.g);
        const p = getP(ev.p);
        checkRunning(p, g, ev, false);
        g.state = G_WAITING;
        g.lastEv = ev.code;
        p.g = 0;
        break;
      }
      case EvUserTaskCreate: {
        const id = ev.args[0]!;
        if (tasks.has(id)) fail(ev, `task id conflicts (id:${id})`);
        tasks.add(id);
        break;
      }
      case EvUserTaskEnd:
        tasks.delete(ev.args[0]!);
        break;
      case EvUserRegion: {
        const mode = ev.args[1]!;
        let stack = regions.get(ev.g);
        if (mode === 0) {
          if (stack === undefined) {
            stack = [];
            regions.set(ev.g, stack);
          }
          stack.push(ev);
        } else if (mode === 1) {
          if (stack !== undefined && stack.length > 0) {
            const s = stack[stack.length - 1]!;
            if (s.args[0] !== ev.args[0] || s.sargs[0] !== ev.sargs[0]) {
              fail(ev, `misuse of region in goroutine ${ev.g}: region end "${ev.sargs[0] ?? ''}" does not match the innermost region start "${s.sargs[0] ?? ''}"`);
            }
            stack.pop();
          }
        } else {
          fail(ev, `invalid user region mode ${mode} (expected 0 or 1)`);
        }
        break;
      }
    }
  }
}

export { ALL_ONES };

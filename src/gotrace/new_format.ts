// Reader for the new (v2) Go execution trace format, headers "go 1.22 trace",
// "go 1.23 trace" (Go 1.22–1.24), "go 1.25 trace" (Go 1.25: the frequency comes in a
// sync batch with a clock snapshot) and "go 1.26 trace" (Go 1.26–1.27: generations end
// with an in-band EndOfGeneration byte instead of being recognised by the next one's number).
//
// The file is a sequence of batches grouped into generations. For each
// generation we index the batches (without copying), decode the string,
// stack, CPU-sample and frequency batches, then merge the per-thread (M)
// event streams: the M whose next event has the lowest timestamp advances if
// the scheduler state machine allows it, otherwise the other Ms are tried in
// timestamp order. The state machine (per-G, per-P and per-M state with
// per-generation sequence numbers) follows the semantics of Go's
// internal/trace ordering so that Go's golden cases give the same result.

import { ALL_ONES, Cursor, TraceError, TraceEvent, decodeUtf8 } from './common.js';
import type { ClockSnapshot, Frame, GenerationInfo, ParsedTrace } from './common.js';
import * as S from './specs_v2.js';
import type { V2Spec } from './specs_v2.js';
import { WalkedEvents, eventList } from './event_store.js';

const NO = -1; // NoThread / NoProc / NoGoroutine

interface Batch {
  m: number;
  time: number;
  start: number; // payload start offset
  end: number; // payload end offset
  exp: number;
}

interface CPUSampleRec {
  time: number;
  m: number;
  p: number;
  g: number;
  stack: number;
  offset: number;
}

interface PcFrame {
  funcID: number;
  fileID: number;
  line: number;
}

interface Generation {
  gen: number;
  batches: Map<number, Batch[]>;
  batchMs: number[];
  cpuSamples: CPUSampleRec[];
  minTs: number;
  nsPerTick: number;
  ticksPerSec: number;
  strings: Map<number, string>;
  stackPcs: Map<number, number[]>;
  pcs: Map<number, PcFrame>;
  offset: number;
  eventBytes: number;
  /** Go 1.25+: the sync batch's clock snapshot (required). */
  clock: ClockSnapshot | null;
}

/** A Go 1.26+ end-of-generation marker (a lone EvEndOfGeneration byte between batches). */
const END_OF_GENERATION: Batch = Object.freeze({ m: NO, time: 0, start: 0, end: 0, exp: 0 });

/** Reads one batch header + indexes its payload (Go 1.26+: or an end-of-generation marker, gen 0). */
function readBatch(cur: Cursor, version: number): { batch: Batch; gen: number } {
  const off = cur.pos;
  const b = cur.byte('batch header');
  if (b === S.EvEndOfGeneration && version >= 1026) return { batch: END_OF_GENERATION, gen: 0 };
  if (b !== S.EvEventBatch && b !== S.EvExperimentalBatch) {
    throw new TraceError(off, `expected batch event (type 1 or 49${version >= 1026 ? ', or 52 EndOfGeneration' : ''}), got event ${b}`);
  }
  let exp = 0;
  if (b === S.EvExperimentalBatch) exp = cur.byte('experiment id');
  const gen = cur.uv('batch generation');
  const m = cur.uv('batch M id');
  const time = cur.uv('batch timestamp');
  const size = cur.uv('batch size');
  if (size > S.MAX_BATCH_SIZE) throw new TraceError(off, `invalid batch size ${size}, maximum is ${S.MAX_BATCH_SIZE}`);
  if (size > cur.remaining) {
    throw new TraceError(cur.pos, `failed to read full batch: wanted ${size} bytes, only ${cur.remaining} left`);
  }
  const start = cur.pos;
  cur.pos += size;
  return { batch: { m, time, start, end: start + size, exp }, gen };
}

interface Spill {
  gen: number;
  batch: Batch;
  offset: number;
}

function newGeneration(offset: number): Generation {
  return {
    gen: 0,
    batches: new Map(),
    batchMs: [],
    cpuSamples: [],
    minTs: 0,
    nsPerTick: 0,
    ticksPerSec: 0,
    strings: new Map(),
    stackPcs: new Map(),
    pcs: new Map(),
    offset,
    eventBytes: 0,
    clock: null,
  };
}

/**
 * Go 1.26+: reads batches up to the generation's EndOfGeneration marker. Returns null at the end
 * of the input (no batch left); a generation cut off before its marker is an error.
 */
function readGenerationWithEnd(bytes: Uint8Array, cur: Cursor, version: number): Generation | null {
  if (cur.pos >= cur.end) return null;
  const g = newGeneration(cur.pos);
  for (;;) {
    if (cur.pos >= cur.end) throw new TraceError(cur.pos, `incomplete generation ${g.gen} (no EndOfGeneration): trace likely truncated`);
    const off = cur.pos;
    const r = readBatch(cur, version);
    if (r.batch === END_OF_GENERATION) break;
    if (r.gen === 0) throw new TraceError(off, 'invalid generation number 0');
    if (g.gen === 0) g.gen = r.gen;
    if (r.gen !== g.gen) throw new TraceError(off, `broken trace: missing end-of-generation event, or generations are interleaved (generation ${g.gen}, then a batch of ${r.gen})`);
    if (g.minTs === 0 || r.batch.time < g.minTs) g.minTs = r.batch.time;
    processBatch(bytes, g, r.batch, version);
  }
  finishGeneration(g, cur.pos, version);
  return g;
}

/** Go 1.22–1.25: a generation ends where a batch of the next one starts (the spilled batch). */
function readGeneration(
  bytes: Uint8Array,
  cur: Cursor,
  spill: Spill | null,
  version: number,
): { g: Generation; spill: Spill | null; spillErr: TraceError | null } {
  const g = newGeneration(spill ? spill.offset : cur.pos);
  if (spill) {
    g.gen = spill.gen;
    g.minTs = spill.batch.time;
    processBatch(bytes, g, spill.batch, version);
    spill = null;
  }
  let spillErr: TraceError | null = null;
  while (cur.pos < cur.end) {
    const off = cur.pos;
    let r: { batch: Batch; gen: number };
    try {
      r = readBatch(cur, version);
    } catch (e) {
      if (g.gen !== 0 && e instanceof TraceError) {
        // Error in the first batch of the next generation: report it only
        // after this generation has been processed.
        spillErr = e;
        cur.pos = cur.end;
        break;
      }
      throw e;
    }
    if (r.gen === 0) throw new TraceError(off, 'invalid generation number 0');
    if (g.gen === 0) g.gen = r.gen;
    if (r.gen === g.gen + 1) {
      spill = { gen: r.gen, batch: r.batch, offset: off };
      break;
    }
    if (r.gen !== g.gen) throw new TraceError(off, `generations out of order: expected ${g.gen} or ${g.gen + 1}, got ${r.gen}`);
    if (g.minTs === 0 || r.batch.time < g.minTs) g.minTs = r.batch.time;
    processBatch(bytes, g, r.batch, version);
  }
  finishGeneration(g, cur.pos, version);
  return { g, spill, spillErr };
}

/** The checks and fix-ups once a generation's batches are all read. */
function finishGeneration(g: Generation, pos: number, version: number): void {
  if (g.ticksPerSec === 0) throw new TraceError(pos, `no frequency event found in generation ${g.gen}`);
  if (version >= 1025 && g.clock === null) throw new TraceError(pos, `no clock snapshot event found in generation ${g.gen}`);
  // Validate that stack frames reference known strings.
  for (const [id, pcs] of g.stackPcs) {
    for (const pc of pcs) {
      const f = g.pcs.get(pc);
      if (f === undefined) throw new TraceError(g.offset, `found unknown pc ${pc} for stack ${id}`);
      if (f.funcID !== 0 && !g.strings.has(f.funcID)) throw new TraceError(g.offset, `found invalid func string ID ${f.funcID} for stack ${id}`);
      if (f.fileID !== 0 && !g.strings.has(f.fileID)) throw new TraceError(g.offset, `found invalid file string ID ${f.fileID} for stack ${id}`);
    }
  }
  for (const s of g.cpuSamples) s.time = Math.trunc(s.time * g.nsPerTick);
  g.cpuSamples.sort((a, b) => a.time - b.time);
}

function setFrequency(g: Generation, f: number, off: number): void {
  if (g.ticksPerSec !== 0) throw new TraceError(off, 'found multiple frequency events');
  if (f <= 0) throw new TraceError(off, `invalid frequency ${f} (expected > 0)`);
  g.ticksPerSec = f;
  g.nsPerTick = 1.0 / (f / 1e9);
}

/** Go 1.25+: a sync batch (EvSync, then EvFrequency and EvClockSnapshot in any order). */
function readSyncBatch(g: Generation, b: Batch, cur: Cursor): void {
  let lastTs = b.time;
  while (cur.pos < cur.end) {
    const off = cur.pos;
    const t = cur.byte('sync batch event');
    if (t === S.EvFrequency) {
      setFrequency(g, cur.uv('frequency'), off);
    } else if (t === S.EvClockSnapshot) {
      if (g.clock !== null) throw new TraceError(off, 'found multiple clock snapshot events');
      lastTs += cur.uv('clock snapshot time delta');
      const mono = cur.uv('clock snapshot mono');
      const sec = cur.uv('clock snapshot wall seconds');
      const nsec = cur.uv('clock snapshot wall nanoseconds');
      g.clock = { traceTicks: lastTs, monoNs: mono, wallSec: sec, wallNsec: nsec };
    } else {
      throw new TraceError(off, `expected frequency or clock snapshot event, got ${t}`);
    }
  }
}

function processBatch(bytes: Uint8Array, g: Generation, b: Batch, version: number): void {
  const first = b.end > b.start ? bytes[b.start]! : -1;
  if (b.exp !== 0) return; // experimental data: kept opaque
  const cur = new Cursor(bytes, b.start + 1, b.end);
  // Go 1.25+ carries the frequency in a sync batch; before, a batch that starts with EvFrequency.
  if (first === S.EvSync && version >= 1025) {
    readSyncBatch(g, b, cur);
    return;
  }
  switch (version >= 1025 && first === S.EvFrequency ? -1 : first) {
    case S.EvStrings:
      while (cur.pos < cur.end) {
        const off = cur.pos;
        const t = cur.byte('string event');
        if (t !== S.EvString) throw new TraceError(off, `expected string event (5), got ${t}`);
        const id = cur.uv('string id');
        const len = cur.uv('string length');
        if (len > S.MAX_STRING_SIZE) throw new TraceError(off, `invalid string size ${len}, maximum is ${S.MAX_STRING_SIZE}`);
        if (len > cur.remaining) throw new TraceError(cur.pos, `failed to read full string: wanted ${len} bytes, only ${cur.remaining} left`);
        if (g.strings.has(id)) throw new TraceError(off, `multiple strings with the same ID: id=${id}`);
        g.strings.set(id, decodeUtf8(bytes, cur.pos, cur.pos + len));
        cur.pos += len;
      }
      return;
    case S.EvStacks:
      while (cur.pos < cur.end) {
        const off = cur.pos;
        const t = cur.byte('stack event');
        if (t !== S.EvStack) throw new TraceError(off, `expected stack event (3), got ${t}`);
        const id = cur.uv('stack id');
        const n = cur.uv('stack frame count');
        if (n > S.MAX_FRAMES_PER_STACK || n < 0) throw new TraceError(off, `invalid stack size ${n}, maximum is ${S.MAX_FRAMES_PER_STACK}`);
        const pcs = new Array<number>(n);
        for (let i = 0; i < n; i++) {
          const pc = cur.uv('frame pc');
          const funcID = cur.uv('frame func id');
          const fileID = cur.uv('frame file id');
          const line = cur.uv('frame line');
          pcs[i] = pc;
          if (!g.pcs.has(pc)) g.pcs.set(pc, { funcID, fileID, line });
        }
        if (g.stackPcs.has(id)) throw new TraceError(off, `multiple stacks with the same ID: id=${id}`);
        g.stackPcs.set(id, pcs);
      }
      return;
    case S.EvCPUSamples:
      while (cur.pos < cur.end) {
        const off = cur.pos;
        const t = cur.byte('CPU sample event');
        if (t !== S.EvCPUSample) throw new TraceError(off, `expected CPU sample event (7), got ${t}`);
        const time = cur.uv('sample time');
        const m = cur.uv('sample M');
        const p = cur.uv('sample P');
        const gid = cur.uv('sample G');
        const stack = cur.uv('sample stack');
        g.cpuSamples.push({ time, m, p, g: gid === 0 ? NO : gid, stack, offset: off });
      }
      return;
    case S.EvFrequency:
      setFrequency(g, cur.uv('frequency'), b.start);
      return;
    default: {
      let list = g.batches.get(b.m);
      if (list === undefined) {
        list = [];
        g.batches.set(b.m, list);
        g.batchMs.push(b.m);
      }
      list.push(b);
      g.eventBytes += b.end - b.start;
    }
  }
}

/** Per-M cursor over the M's batches of a generation. */
class MCursor {
  m: number;
  /** The M's index in the generation's batchMs (what a GenerationPlan's steps name). */
  slot = 0;
  /** The M's state in the ordering machine (found on the first advance). */
  ms: MState | undefined = undefined;
  batches: Batch[];
  idx = 0;
  pos = 0;
  lastTs = 0;
  // Current event.
  typ = 0;
  time = 0;
  off = 0;
  args: number[] = [0, 0, 0, 0, 0];
  nargs = 0;
  private cur: Cursor;
  constructor(bytes: Uint8Array, m: number, batches: Batch[]) {
    this.m = m;
    this.batches = batches;
    this.pos = batches.length > 0 ? batches[0]!.start : 0;
    this.cur = new Cursor(bytes, 0, 0);
  }


  next(specs: readonly V2Spec[], nsPerTick: number): boolean {
    let b = this.batches[this.idx];
    while (b !== undefined && this.pos >= b.end) {
      this.idx++;
      b = this.batches[this.idx];
      if (b !== undefined) this.pos = b.start;
      this.lastTs = 0;
    }
    if (b === undefined) return false;
    if (this.lastTs === 0) this.lastTs = Math.trunc(b.time * nsPerTick);
    const cur = this.cur;
    cur.pos = this.pos;
    cur.end = b.end;
    const off = this.pos;
    const typ = cur.byte('event type');
    const spec = specs[typ];
    if (spec === undefined) throw new TraceError(off, `found invalid event type: ${typ}`);
    if (spec.args.length === 0 || !spec.timed) throw new TraceError(off, `found event without a timestamp: type=${typ} (expected a timed event)`);
    const dt = cur.uv('timestamp delta');
    const n = spec.args.length - 1;
    const args = this.args;
    const labels = spec.argLabels;
    for (let i = 0; i < n; i++) args[i] = cur.uv(labels[i]!);
    this.nargs = n;
    this.typ = typ;
    this.off = off;
    this.time = Math.trunc(dt * nsPerTick) + this.lastTs;
    this.lastTs = this.time;
    this.pos = cur.pos;
    return true;
  }
}

interface GState {
  status: number;
  seqGen: number;
  seq: number;
  regions: { task: number; name: string }[];
  ranges: number[]; // encoded range types
}
interface PState {
  status: number;
  seqGen: number;
  seq: number;
  ranges: number[];
}
interface MState {
  g: number;
  p: number;
}

const GC_UNDETERMINED = 0;
const GC_NOT_RUNNING = 1;
const GC_RUNNING = 2;

/** Encode (range start type, description string id) as one number. */
function rangeKey(typ: number, specs: readonly V2Spec[], desc: number): number {
  const st = specs[typ]!.startEv;
  return (st !== 0 ? st : typ) + 256 * desc;
}

/** The events produced by one ordering step, in columns (reused; a few entries). */
class EvQueue {
  n = 0;
  m: number[] = [];
  p: number[] = [];
  g: number[] = [];
  typ: number[] = [];
  off: number[] = [];
  time: number[] = [];
  stack: number[] = [];
  argOff: number[] = [];
  nargs: number[] = [];
  args: number[] = [];
  nArgs = 0;
}

/** Ids below this are array indices in an IdMap. */
const SMALL_ID = 1 << 16;

/**
 * Goroutine or proc id -> state: an array slot for small ids (procs always, goroutines in most
 * traces: Go numbers them from 1), a Map for the others. A Map lookup per event was a tenth of
 * the reader's time on a syscall-heavy trace.
 */
class IdMap<T> {
  private readonly small = new Array<T | undefined>(SMALL_ID);
  private readonly large = new Map<number, T>();
  get(id: number): T | undefined {
    return id >= 0 && id < SMALL_ID ? this.small[id] : this.large.get(id);
  }
  has(id: number): boolean {
    return this.get(id) !== undefined;
  }
  set(id: number, v: T): void {
    if (id >= 0 && id < SMALL_ID) this.small[id] = v;
    else this.large.set(id, v);
  }
  delete(id: number): void {
    if (id >= 0 && id < SMALL_ID) this.small[id] = undefined;
    else this.large.delete(id);
  }
}

/** The scheduler-state ordering machine. */
class Ordering {
  gStates = new IdMap<GState>();
  pStates = new IdMap<PState>();
  mStates = new Map<number, MState>();
  activeTasks = new Map<number, string>();
  gcSeq = 0;
  gcState = GC_UNDETERMINED;
  initialGen = 0;
  queue = new EvQueue();
  specs: readonly V2Spec[];
  // Per-call context: the M's (M, P, G) before the event, and its P and G after it.
  ctxM = NO;
  ctxP = NO;
  ctxG = NO;
  newP = NO;
  newG = NO;
  g!: Generation;
  c!: MCursor;

  constructor(specs: readonly V2Spec[]) {
    this.specs = specs;
  }

  err(msg: string): never {
    throw new TraceError(this.c.off, `${msg} (event ${this.specs[this.c.typ]!.name} on M ${this.c.m === NO ? 'none' : this.c.m})`);
  }

  need(m: number, p: number, g: number): void {
    // 0 mustNotHave, 1 mayHave, 2 mustHave
    if (m === 2 && this.ctxM === NO) this.err("expected a thread but didn't have one");
    if (p === 2 && this.ctxP === NO) this.err("expected a proc but didn't have one");
    else if (p === 0 && this.ctxP !== NO) this.err('expected no proc but had one');
    if (g === 2 && this.ctxG === NO) this.err("expected a goroutine but didn't have one");
    else if (g === 0 && this.ctxG !== NO) this.err('expected no goroutine but had one');
  }

  userGo(): void {
    this.need(2, 2, 2);
  }

  push(m: number, p: number, g: number, typ: number, args: number[] | null): void {
    const c = this.c;
    const spec = this.specs[typ]!;
    const q = this.queue;
    const k = q.n++;
    q.m[k] = m;
    q.p[k] = p;
    q.g[k] = g;
    q.typ[k] = typ;
    q.off[k] = c.off;
    q.time[k] = c.time;
    q.argOff[k] = q.nArgs;
    q.stack[k] = 0;
    if (args !== null) {
      for (let i = 0; i < args.length; i++) q.args[q.nArgs++] = args[i]!;
      q.nargs[k] = args.length;
    } else {
      const sa = c.args;
      // Payload = args after dt, minus the trailing stack id (always last).
      let n = c.nargs;
      if (spec.stackIdx > 0) {
        q.stack[k] = sa[spec.stackIdx - 1]!;
        n--;
      }
      for (let i = 0; i < n; i++) q.args[q.nArgs++] = sa[i]!;
      q.nargs[k] = n;
    }
  }

  pushCur(): void {
    this.push(this.ctxM, this.ctxP, this.ctxG, this.c.typ, null);
  }

  str(id: number): string {
    if (id === 0) return '';
    const s = this.g.strings.get(id);
    if (s === undefined) this.err(`invalid string ID ${id}`);
    return s;
  }

  gState(id: number, what: string): GState {
    const s = this.gStates.get(id);
    if (s === undefined) this.err(`${what}: goroutine ${id} that doesn't exist`);
    return s;
  }

  pState(id: number, what: string): PState {
    const s = this.pStates.get(id);
    if (s === undefined) this.err(`${what}: proc ${id} that doesn't exist`);
    return s;
  }

  /** Returns true if the event could be advanced; throws on a broken trace. */
  advance(c: MCursor, g: Generation): boolean {
    const gen = g.gen;
    if (this.initialGen === 0) this.initialGen = gen;
    this.c = c;
    this.g = g;
    const m = c.m;
    let ms: MState | undefined;
    if (m === NO) {
      this.ctxM = NO;
      this.ctxP = NO;
      this.ctxG = NO;
    } else {
      ms = c.ms ?? this.mStates.get(m);
      if (ms === undefined) {
        ms = { g: NO, p: NO };
        this.mStates.set(m, ms);
      }
      c.ms = ms;
      this.ctxM = m;
      this.ctxP = ms.p;
      this.ctxG = ms.g;
    }
    this.newP = this.ctxP;
    this.newG = this.ctxG;
    const typ = c.typ;
    if (!(ORDER[typ] ?? onBadEvent)(this, c.args, typ, gen)) return false;
    if (ms !== undefined) {
      ms.p = this.newP;
      ms.g = this.newG;
    }
    return true;
  }

  fail(msg: string): never {
    this.err(msg);
  }
}

function succeeds(gen: number, seq: number, st: { seqGen: number; seq: number }): boolean {
  return st.seqGen === gen && seq === st.seq + 1;
}

function beginRange(o: Ordering, ranges: number[], key: number): void {
  if (ranges.includes(key)) o.fail('discovered event already in-flight when starting a range');
  ranges.push(key);
}

function activeRange(o: Ordering, ranges: number[], key: number, initial: boolean): void {
  if (initial) {
    if (ranges.includes(key)) o.fail('found named active range already in first gen');
    ranges.push(key);
  } else if (!ranges.includes(key)) {
    o.fail('resource is missing active range');
  }
}

function endRange(o: Ordering, ranges: number[], key: number): void {
  // Match on the start type only (the description is carried by the begin).
  const st = key % 256;
  let idx = -1;
  for (let i = 0; i < ranges.length; i++) {
    if (ranges[i]! % 256 === st) {
      idx = i;
      break;
    }
  }
  if (idx < 0) o.fail('tried to end a range that is not in-flight');
  ranges[idx] = ranges[ranges.length - 1]!;
  ranges.pop();
}

// ---------------------------------------------------------------------------
// The streaming reader.

type Steps = Uint8Array | Uint16Array | Uint32Array;

/**
 * How the first read ordered one generation, kept so that a later walk only decodes (#17): the
 * generation's batch index and CPU samples, and its steps — per ordering step, the index (in
 * `g.batchMs`) of the M whose event advanced, or `g.batchMs.length` for a CPU sample. A byte per
 * step (two above 255 Ms); an event takes at least two bytes of input, so this is at most half
 * the input's size, and about a quarter in practice.
 */
interface GenerationPlan {
  readonly g: Generation;
  /** The steps in chunks of STEP_CHUNK (the last one shorter): recorded without copies. */
  readonly steps: readonly Steps[];
}

const STEP_CHUNK = 1 << 16;

/** Room for n steps of a generation with `ms` Ms (step values 0..ms). */
function newSteps(ms: number, n: number): Steps {
  return ms < 0x100 ? new Uint8Array(n) : ms < 0x10000 ? new Uint16Array(n) : new Uint32Array(n);
}

/** The steps of the generation being read, noted as they are taken. */
class StepRecorder {
  private readonly full: Steps[] = [];
  private chunk: Steps;
  private n = 0;
  constructor(private readonly ms: number) {
    this.chunk = newSteps(ms, STEP_CHUNK);
  }
  add(step: number): void {
    if (this.n === STEP_CHUNK) {
      this.full.push(this.chunk);
      this.chunk = newSteps(this.ms, STEP_CHUNK);
      this.n = 0;
    }
    this.chunk[this.n++] = step;
  }
  take(): Steps[] {
    return [...this.full, this.chunk.subarray(0, this.n)];
  }
}

function heapLess(a: MCursor, b: MCursor): boolean {
  return a.time < b.time;
}

function siftUp(h: MCursor[], i: number): number {
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!heapLess(h[i]!, h[p]!)) break;
    const t = h[p]!;
    h[p] = h[i]!;
    h[i] = t;
    i = p;
  }
  return i;
}

function siftDown(h: MCursor[], i: number): void {
  for (;;) {
    let m = i;
    let mt = i < h.length ? h[i]!.time : Infinity;
    const l = 2 * i + 1;
    const r = l + 1;
    if (l < h.length && h[l]!.time < mt) {
      m = l;
      mt = h[l]!.time;
    }
    if (r < h.length && h[r]!.time < mt) m = r;
    if (m === i) return;
    const t = h[m]!;
    h[m] = h[i]!;
    h[i] = t;
    i = m;
  }
}

function heapRemove(h: MCursor[], i: number): void {
  while (i > 0) {
    const p = (i - 1) >> 1;
    const t = h[p]!;
    h[p] = h[i]!;
    h[i] = t;
    i = p;
  }
  const last = h.pop()!;
  if (h.length > 0) {
    h[0] = last;
    siftDown(h, 0);
  }
}

function buildStacks(g: Generation): Map<number, readonly Frame[]> {
  const out = new Map<number, readonly Frame[]>();
  for (const [id, pcs] of g.stackPcs) {
    const frames: Frame[] = pcs.map((pc) => {
      const f = g.pcs.get(pc)!;
      return { pc, func: g.strings.get(f.funcID) ?? '', file: g.strings.get(f.fileID) ?? '', line: f.line };
    });
    out.set(id, frames);
  }
  return out;
}

/**
 * Streaming reader over a v2 trace. Call `next()` until it returns
 * `undefined`. Events carry absolute trace-clock ns in `tsNs` until
 * `readNewFormat` rebases them; `startNs` is known after the first event.
 */
export class NewFormatReader {
  readonly version: number;
  readonly generations: GenerationInfo[] = [];
  startNs = 0;
  private bytes: Uint8Array;
  private specs: readonly V2Spec[];
  private cur: Cursor;
  private order: Ordering;
  private gen: Generation | null = null;
  private spill: Spill | null = null;
  private spillErr: TraceError | null = null;
  private frontier: MCursor[] = [];
  private cpu: CPUSampleRec[] = [];
  private cpuIdx = 0;
  private qIdx = 0;
  private lastTs = 0;
  private done = false;
  private budget = 0;
  /** Recording (`plans` given to a first read): each generation's plan, appended when it is read. */
  private readonly record: GenerationPlan[] | null;
  private recorder: StepRecorder | null = null;
  /** Replaying (a walk after the first read): the plans, the current one and the position in it. */
  private readonly replay: readonly GenerationPlan[] | null;
  private planIdx = -1;
  private chunks: readonly Steps[] = [];
  private chunkIdx = 0;
  private steps: Steps = new Uint8Array(0);
  private stepIdx = 0;
  private cursors: MCursor[] = [];

  /**
   * `plans`: with `mode` 'record', each generation's plan is appended to it as the generation is
   * read; with 'replay', the plans of an earlier (recording) read of the same bytes: the events
   * come out in the same order, decoded but not searched for nor checked again.
   */
  constructor(bytes: Uint8Array, version: number, plans?: { mode: 'record' | 'replay'; plans: GenerationPlan[] }) {
    this.bytes = bytes;
    this.version = version;
    this.specs = S.specsFor(version);
    this.cur = new Cursor(bytes, 16, bytes.length);
    this.order = new Ordering(this.specs);
    this.record = plans?.mode === 'record' ? plans.plans : null;
    this.replay = plans?.mode === 'replay' ? plans.plans : null;
  }

  /** The next event in order, or undefined at the end. Throws TraceError. */
  next(): TraceEvent | undefined {
    if (!this.fill()) return undefined;
    const q = this.order.queue;
    const k = this.qIdx++;
    const code = q.typ[k]!;
    const ev = new TraceEvent(this.specs[code]?.name ?? 'CPUSample', code, q.off[k]!);
    if (code === S.EvCPUSample) ev.type = 'CPUSample';
    ev.m = q.m[k]!;
    ev.p = q.p[k]!;
    ev.g = q.g[k]!;
    ev.gen = this.gen!.gen;
    ev.tsNs = q.time[k]!;
    ev.stackId = q.stack[k]!;
    const na = q.nargs[k]!;
    if (na > 0) {
      const o = q.argOff[k]!;
      const a = q.args;
      ev.args = na === 1 ? [a[o]!] : na === 2 ? [a[o]!, a[o + 1]!] : na === 3 ? [a[o]!, a[o + 1]!, a[o + 2]!] : a.slice(o, o + na);
    }
    const spec = this.specs[code]!;
    if (code !== S.EvCPUSample && spec.stringArgs.length > 0) ev.sargs = this.strings(spec, q.argOff[k]!);
    return ev;
  }

  /** Steps over the next event in order (checked like `next()`, no TraceEvent made); false at the end. Throws TraceError. */
  skip(): boolean {
    if (!this.fill()) return false;
    this.qIdx++;
    return true;
  }

  /** Makes the queue head (qIdx) the next finished event; false at the end. */
  private fill(): boolean {
    const q = this.order.queue;
    if (this.qIdx < q.n) {
      this.finish(this.qIdx);
      return true;
    }
    q.n = 0;
    q.nArgs = 0;
    this.qIdx = 0;
    if (this.replay !== null) return this.fillReplay();
    for (;;) {
      if (q.n > 0) {
        this.finish(0);
        return true;
      }
      if (this.done) return false;
      if (this.frontier.length === 0 && this.cpuIdx >= this.cpu.length) {
        this.endRecording();
        if (this.spillErr) throw this.spillErr;
        if (this.version < 1026 && this.gen !== null && this.spill === null) {
          this.done = true;
          return false;
        }
        if (!this.loadGeneration()) {
          this.done = true;
          return false;
        }
        continue;
      }
      const g = this.gen!;
      if (this.cpuIdx < this.cpu.length) {
        const s = this.cpu[this.cpuIdx]!;
        if (this.frontier.length === 0 || s.time < this.frontier[0]!.time) {
          this.pushCpuSample();
          this.recorder?.add(g.batchMs.length);
          continue;
        }
      }
      const f = this.frontier;
      if (!this.tryAdvance(0)) {
        f.sort((x, y) => x.time - y.time);
        this.budget -= f.length;
        let ok = false;
        for (let i = 1; i < f.length; i++) {
          if (this.tryAdvance(i)) {
            ok = true;
            break;
          }
        }
        if (!ok) {
          const heads = f.map((c) => `M ${c.m === NO ? 'none' : c.m} [${this.specs[c.typ]!.name} at byte ${c.off}]`).join(', ');
          throw new TraceError(f[0]!.off, `broken trace: failed to advance in generation ${g.gen}; no thread can make progress: ${heads}`);
        }
      }
    }
  }

  /** Queues the next CPU sample of the generation. */
  private pushCpuSample(): void {
    const q = this.order.queue;
    const s = this.cpu[this.cpuIdx++]!;
    const k = q.n++;
    q.m[k] = s.m;
    q.p[k] = s.p;
    q.g[k] = s.g;
    q.typ[k] = S.EvCPUSample;
    q.off[k] = s.offset;
    q.time[k] = s.time;
    q.stack[k] = s.stack;
    q.argOff[k] = 0;
    q.nargs[k] = 0;
  }

  /** Recording: the generation just ordered becomes a plan. */
  private endRecording(): void {
    if (this.recorder === null) return;
    const g = this.gen!;
    // What a replay needs of the generation: its batch index, samples, clock and strings.
    g.stackPcs = new Map();
    g.pcs = new Map();
    this.record!.push({ g, steps: this.recorder.take() });
    this.recorder = null;
  }

  /** Replaying: the next step of the plans (the queue is empty). */
  private fillReplay(): boolean {
    const q = this.order.queue;
    while (this.stepIdx >= this.steps.length) {
      if (++this.chunkIdx < this.chunks.length) {
        this.steps = this.chunks[this.chunkIdx]!;
        this.stepIdx = 0;
        continue;
      }
      if (++this.planIdx >= this.replay!.length) return false;
      this.startPlan(this.replay![this.planIdx]!);
    }
    const step = this.steps[this.stepIdx++]!;
    if (step === this.cursors.length) {
      this.pushCpuSample();
    } else {
      const c = this.cursors[step]!;
      // The first read took this step here: it cannot wait nor fail now.
      if (!this.order.advance(c, this.gen!)) throw new Error(`internal error: the walk left the first read's order at byte ${c.off}`);
      c.next(this.specs, this.gen!.nsPerTick);
    }
    this.finish(0);
    return q.n > 0;
  }

  /** Replaying: sets up the cursors of a plan's generation, as loadGeneration does. */
  private startPlan(plan: GenerationPlan): void {
    const g = plan.g;
    this.gen = g;
    this.cpu = g.cpuSamples;
    this.cpuIdx = 0;
    this.chunks = plan.steps;
    this.chunkIdx = 0;
    this.steps = plan.steps[0]!;
    this.stepIdx = 0;
    this.cursors = g.batchMs.map((m) => {
      const c = new MCursor(this.bytes, m, g.batches.get(m)!);
      c.next(this.specs, g.nsPerTick);
      return c;
    });
    if (this.planIdx === 0) {
      this.lastTs = Math.trunc(g.minTs * g.nsPerTick);
      this.startNs = this.lastTs;
    }
    this.lastTs += 1;
  }

  private tryAdvance(i: number): boolean {
    const c = this.frontier[i]!;
    if (--this.budget < 0) throw new TraceError(c.off, 'giving up: ordering the events takes too long (trace is likely corrupt)');
    if (!this.order.advance(c, this.gen!)) return false;
    this.recorder?.add(c.slot);
    if (c.next(this.specs, this.gen!.nsPerTick)) {
      if (siftUp(this.frontier, i) === i) siftDown(this.frontier, i);
    } else {
      heapRemove(this.frontier, i);
    }
    return true;
  }

  /** Validates the table references of queued event k, resolves its strings, makes its time strictly increasing. */
  private finish(k: number): void {
    const q = this.order.queue;
    const code = q.typ[k]!;
    // (A replay's ids were checked by the first read, which then let go of the pc tables.)
    if (code !== S.EvCPUSample && this.replay === null) {
      const spec = this.specs[code]!;
      const g = this.gen!;
      const o = q.argOff[k]!;
      for (const ai of spec.stackArgs) {
        const id = spec.args[ai] === 'stack' ? q.stack[k]! : q.args[o + ai - 1]!;
        if (id !== 0 && !g.stackPcs.has(id)) throw new TraceError(q.off[k]!, `found invalid stack ID ${id} for event ${spec.name}`);
      }
      for (const ai of spec.stringArgs) {
        const id = q.args[o + ai - 1]!;
        if (id !== 0 && !g.strings.has(id)) throw new TraceError(q.off[k]!, `found invalid string ID ${id} for event ${spec.name}`);
      }
    }
    let t = q.time[k]!;
    if (t <= this.lastTs) t = this.lastTs + 1;
    q.time[k] = t;
    this.lastTs = t;
  }

  /** The string arguments of a queued event (ids checked by finish()). */
  private strings(spec: V2Spec, argOff: number): string[] {
    const q = this.order.queue;
    const g = this.gen!;
    return spec.stringArgs.map((ai) => {
      const id = q.args[argOff + ai - 1]!;
      return id === 0 ? '' : g.strings.get(id)!;
    });
  }

  /** Reads the next generation; false when there is none (Go 1.26+: end of input after a marker). */
  private loadGeneration(): boolean {
    let g: Generation;
    if (this.version >= 1026) {
      const next = readGenerationWithEnd(this.bytes, this.cur, this.version);
      if (next === null) {
        if (this.gen === null) throw new TraceError(this.cur.pos, 'no generation in the trace');
        return false;
      }
      g = next;
    } else {
      const r = readGeneration(this.bytes, this.cur, this.spill, this.version);
      g = r.g;
      this.spill = r.spill;
      this.spillErr = r.spillErr;
    }
    this.gen = g;
    this.cpu = g.cpuSamples;
    this.cpuIdx = 0;
    this.budget = 64 * g.eventBytes + 100000;
    this.frontier = [];
    if (this.record !== null) this.recorder = new StepRecorder(g.batchMs.length);
    for (const [slot, m] of g.batchMs.entries()) {
      const c = new MCursor(this.bytes, m, g.batches.get(m)!);
      c.slot = slot;
      if (!c.next(this.specs, g.nsPerTick)) continue;
      this.frontier.push(c);
      siftUp(this.frontier, this.frontier.length - 1);
    }
    if (this.generations.length === 0) {
      this.lastTs = Math.trunc(g.minTs * g.nsPerTick);
      this.startNs = this.lastTs;
    }
    // Go emits a sync event here, which bumps the clock by one.
    this.lastTs += 1;
    this.generations.push({
      gen: g.gen,
      ticksPerSec: g.ticksPerSec,
      strings: g.strings,
      stacks: buildStacks(g),
      offset: g.offset,
      clockSnapshot: g.clock === null ? null : { ...g.clock, traceNs: Math.trunc(g.clock.traceTicks * g.nsPerTick) },
    });
    return true;
  }
}

/**
 * Parse a whole v2 trace. `tsNs` of events is relative to `startNs`.
 *
 * The trace is read (ordered and checked) once here, keeping the generations' tables and how each
 * generation was ordered (a GenerationPlan: a byte per event, which M's event came next); the
 * events are not stored: each walk of `events` decodes them again from the input in that order,
 * with neither the search for the next event nor the checks (they passed), so memory stays that
 * of streaming plus a quarter of the input (#17).
 */
export function parseNewFormat(bytes: Uint8Array, version: number): ParsedTrace {
  const plans: GenerationPlan[] = [];
  const r = new NewFormatReader(bytes, version, { mode: 'record', plans });
  let n = 0;
  while (r.skip()) n++;
  const start = r.startNs;
  return {
    format: 'new',
    version,
    ticksPerSec: r.generations[0]?.ticksPerSec ?? 0,
    events: eventList(new WalkedEvents(n, () => new RebasedEvents(new NewFormatReader(bytes, version, { mode: 'replay', plans }), start))),
    strings: new Map(),
    stacks: new Map(),
    generations: r.generations,
    startNs: start,
    bytes,
  };
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true as const });

/** The reader's events with `tsNs` relative to `startNs` (a plain iterator object). */
class RebasedEvents implements IterableIterator<TraceEvent> {
  constructor(
    private r: NewFormatReader | null,
    private readonly startNs: number,
  ) {}
  next(): IteratorResult<TraceEvent, undefined> {
    const ev = this.r?.next();
    if (ev === undefined) {
      this.r = null;
      return DONE;
    }
    ev.tsNs -= this.startNs;
    return { value: ev, done: false };
  }
  return(): IteratorResult<TraceEvent, undefined> {
    this.r = null;
    return DONE;
  }
  [Symbol.iterator](): IterableIterator<TraceEvent> {
    return this;
  }
}

export { ALL_ONES };

// ---------------------------------------------------------------------------
// Ordering rules: one handler per event type (Go's orderer keeps the same table, orderingDispatch).
// A handler checks the event against the machine's state with the M's context (o.ctxM/ctxP/ctxG),
// updates the state, sets the M's context after the event (o.newP/newG), queues the event(s) and
// returns true; it returns false when the event must wait for another M's events.

type OrderHandler = (o: Ordering, a: number[], typ: number, gen: number) => boolean;

/** ProcStatus. */
function onProcStatus(o: Ordering, a: number[], _typ: number, gen: number): boolean {
  const pid = a[0]!;
  const status = a[1]!;
  if (status < 0 || status >= 5) o.err(`invalid status for proc ${pid}: ${status}`);
  let promoted = false;
  const s = o.pStates.get(pid);
  if (s !== undefined) {
    if (status === S.ProcSyscallAbandoned && s.status === S.ProcSyscall) {
      promoted = true;
    } else if (status === S.ProcSyscallAbandoned && s.status === S.ProcSyscallAbandoned) {
      // passes through as idle
    } else if (s.status !== status) {
      o.err(`inconsistent status for proc ${pid}: old ${s.status} vs. new ${status}`);
    }
    s.seqGen = gen;
    s.seq = 0;
  } else {
    o.pStates.set(pid, { status, seqGen: gen, seq: 0, ranges: [] });
  }
  if (status === S.ProcRunning || status === S.ProcSyscall) o.newP = pid;
  if (promoted) {
    // Emit in the context of the M the P is bound to.
    let found = false;
    for (const [mid, st] of o.mStates) {
      if (st.p === pid) {
        o.ctxM = mid;
        o.ctxP = pid;
        o.ctxG = st.g;
        found = true;
      }
    }
    if (!found) o.err(`failed to find sched context for proc ${pid} that's about to be stolen`);
  }
  o.pushCur();
  return true;
}

/** ProcStart. */
function onProcStart(o: Ordering, a: number[], _typ: number, gen: number): boolean {
  const pid = a[0]!;
  const st = o.pStates.get(pid);
  if (st === undefined || st.status !== S.ProcIdle || !succeeds(gen, a[1]!, st) || o.ctxP !== NO) return false;
  o.need(2, 0, 1);
  st.status = S.ProcRunning;
  st.seqGen = gen;
  st.seq = a[1]!;
  o.newP = pid;
  o.pushCur();
  return true;
}

/** ProcStop. */
function onProcStop(o: Ordering, _a: number[], _typ: number, _gen: number): boolean {
  const st = o.pStates.get(o.ctxP);
  if (st === undefined) o.err(`event ProcStop for proc (${o.ctxP}) that doesn't exist`);
  if (st.status !== S.ProcRunning && st.status !== S.ProcSyscall) o.err('ProcStop event for proc that is not Running or Syscall');
  o.need(2, 2, 1);
  st.status = S.ProcIdle;
  o.newP = NO;
  o.pushCur();
  return true;
}

/** ProcSteal. */
function onProcSteal(o: Ordering, a: number[], _typ: number, gen: number): boolean {
  const pid = a[0]!;
  const st = o.pStates.get(pid);
  if (st === undefined || (st.status !== S.ProcSyscall && st.status !== S.ProcSyscallAbandoned) || !succeeds(gen, a[1]!, st)) return false;
  o.need(2, 1, 1);
  const oldStatus = st.status;
  st.status = S.ProcIdle;
  st.seqGen = gen;
  st.seq = a[1]!;
  if (oldStatus === S.ProcSyscallAbandoned) {
    o.pushCur();
    return true;
  }
  const mid = a[2]!;
  if (mid === o.ctxM) {
    if (o.ctxP !== pid) o.err(`tried to self-steal proc ${pid} (thread ${mid}), but got proc ${o.ctxP} instead`);
    o.newP = NO;
    o.pushCur();
    return true;
  }
  const vm = o.mStates.get(mid);
  if (vm === undefined) o.err(`stole proc from non-existent thread ${mid}`);
  if (vm.p !== pid) o.err(`tried to steal proc ${pid} from thread ${mid}, but got proc ${vm.p} instead`);
  vm.p = NO;
  o.pushCur();
  return true;
}

/** GoStatus, GoStatusStack. */
function onGoStatus(o: Ordering, a: number[], _typ: number, gen: number): boolean {
  const gid = a[0]!;
  const mid = a[1]!;
  const status = a[2]!;
  if (status < 0 || status >= 5) o.err(`invalid status for goroutine ${gid}: ${status}`);
  const s = o.gStates.get(gid);
  if (s !== undefined) {
    if (s.status !== status) o.err(`inconsistent status for goroutine ${gid}: old ${s.status} vs. new ${status}`);
    s.seqGen = gen;
    s.seq = 0;
  } else if (gen === o.initialGen) {
    o.gStates.set(gid, { status, seqGen: gen, seq: 0, regions: [], ranges: [] });
  } else {
    o.err(`found goroutine status for new goroutine after the first generation: id=${gid} status=${status}`);
  }
  if (status === S.GoRunning) {
    o.newG = gid;
  } else if (status === S.GoSyscall) {
    if (mid === NO) o.err(`found goroutine ${gid} in syscall without a thread`);
    if (mid === o.ctxM) {
      if (gen !== o.initialGen && o.ctxG !== gid) {
        o.err(`inconsistent thread for syscalling goroutine ${gid}: thread has goroutine ${o.ctxG}`);
      }
      o.newG = gid;
    } else {
      const om = o.mStates.get(mid);
      if (om !== undefined) {
        if (om.g !== gid) o.err(`inconsistent thread for syscalling goroutine ${gid}: thread has goroutine ${om.g}`);
        o.ctxG = om.g;
      } else {
        o.mStates.set(mid, { g: gid, p: NO });
      }
      o.ctxM = mid;
    }
  }
  o.pushCur();
  return true;
}

/** GoCreate, GoCreateBlocked. */
function onGoCreate(o: Ordering, a: number[], typ: number, gen: number): boolean {
  o.need(2, 2, 1);
  const cs = o.gStates.get(o.ctxG);
  if (cs !== undefined && cs.status !== S.GoRunning) o.err(`${o.specs[typ]!.name} event for goroutine that's not Running`);
  const ng = a[0]!;
  if (o.gStates.has(ng)) o.err(`tried to create goroutine (${ng}) that already exists`);
  o.gStates.set(ng, {
    status: typ === S.EvGoCreateBlocked ? S.GoWaiting : S.GoRunnable,
    seqGen: gen,
    seq: 0,
    regions: [],
    ranges: [],
  });
  o.pushCur();
  return true;
}

/** GoDestroy, GoStop, GoBlock. */
function onGoDestroy(o: Ordering, _a: number[], typ: number, _gen: number): boolean {
  o.userGo();
  const s = o.gState(o.ctxG, `event ${o.specs[typ]!.name}`);
  if (s.status !== S.GoRunning) o.err(`${o.specs[typ]!.name} event for goroutine that's not Running`);
  if (typ === S.EvGoDestroy) o.gStates.delete(o.ctxG);
  else if (typ === S.EvGoStop) s.status = S.GoRunnable;
  else s.status = S.GoWaiting;
  o.newG = NO;
  o.pushCur();
  return true;
}

/** GoStart. */
function onGoStart(o: Ordering, a: number[], _typ: number, gen: number): boolean {
  const gid = a[0]!;
  const s = o.gStates.get(gid);
  if (s === undefined || s.status !== S.GoRunnable || !succeeds(gen, a[1]!, s)) return false;
  o.need(2, 2, 0);
  s.status = S.GoRunning;
  s.seqGen = gen;
  s.seq = a[1]!;
  o.newG = gid;
  o.pushCur();
  return true;
}

/** GoUnblock. */
function onGoUnblock(o: Ordering, a: number[], _typ: number, gen: number): boolean {
  const gid = a[0]!;
  const s = o.gStates.get(gid);
  if (s === undefined || s.status !== S.GoWaiting || !succeeds(gen, a[1]!, s)) return false;
  s.status = S.GoRunnable;
  s.seqGen = gen;
  s.seq = a[1]!;
  o.pushCur();
  return true;
}

/** GoSwitch, GoSwitchDestroy. */
function onGoSwitch(o: Ordering, a: number[], typ: number, gen: number): boolean {
  o.userGo();
  const cs = o.gState(o.ctxG, `event ${o.specs[typ]!.name}`);
  if (cs.status !== S.GoRunning) o.err(`${o.specs[typ]!.name} event for goroutine that's not Running`);
  const next = a[0]!;
  const seq = a[1]!;
  const ns = o.gStates.get(next);
  if (ns === undefined || ns.status !== S.GoWaiting || !succeeds(gen, seq, ns)) return false;
  o.pushCur();
  if (typ === S.EvGoSwitch) {
    cs.status = S.GoWaiting;
    o.push(o.ctxM, o.ctxP, o.ctxG, S.EvGoBlock, [0]);
  } else {
    o.gStates.delete(o.ctxG);
    o.push(o.ctxM, o.ctxP, o.ctxG, S.EvGoDestroy, []);
  }
  ns.status = S.GoRunning;
  ns.seqGen = gen;
  ns.seq = seq;
  o.newG = next;
  o.push(o.ctxM, o.ctxP, NO, S.EvGoStart, [next, seq]);
  return true;
}

/** GoSyscallBegin. */
function onGoSyscallBegin(o: Ordering, a: number[], _typ: number, gen: number): boolean {
  o.userGo();
  const s = o.gState(o.ctxG, 'event GoSyscallBegin');
  if (s.status !== S.GoRunning) o.err("GoSyscallBegin event for goroutine that's not Running");
  s.status = S.GoSyscall;
  const ps = o.pStates.get(o.ctxP);
  if (ps === undefined) o.err(`uninitialized proc ${o.ctxP} found during GoSyscallBegin`);
  ps.status = S.ProcSyscall;
  if (!succeeds(gen, a[0]!, ps)) {
    o.err(`failed to advance GoSyscallBegin: can't make sequence: ${ps.seq} (gen=${ps.seqGen}) -> ${a[0]} (gen=${gen})`);
  }
  ps.seqGen = gen;
  ps.seq = a[0]!;
  o.pushCur();
  return true;
}

/** GoSyscallEnd. */
function onGoSyscallEnd(o: Ordering, _a: number[], _typ: number, _gen: number): boolean {
  o.userGo();
  const s = o.gState(o.ctxG, 'event GoSyscallEnd');
  if (s.status !== S.GoSyscall) o.err("GoSyscallEnd event for goroutine that's not in a syscall");
  s.status = S.GoRunning;
  const ps = o.pStates.get(o.ctxP);
  if (ps === undefined) o.err(`uninitialized proc ${o.ctxP} found during GoSyscallEnd`);
  if (ps.status !== S.ProcSyscall) o.err(`expected proc ${o.ctxP} in state Syscall, but got ${ps.status} instead`);
  ps.status = S.ProcRunning;
  o.pushCur();
  return true;
}

/** GoSyscallEndBlocked. */
function onGoSyscallEndBlocked(o: Ordering, _a: number[], _typ: number, _gen: number): boolean {
  if (o.ctxP !== NO) {
    const ps = o.pStates.get(o.ctxP);
    if (ps === undefined) o.err(`uninitialized proc ${o.ctxP} found during GoSyscallEndBlocked`);
    if (ps.status === S.ProcSyscall) return false;
  }
  o.need(2, 1, 2);
  const s = o.gState(o.ctxG, 'event GoSyscallEndBlocked');
  if (s.status !== S.GoSyscall) o.err("GoSyscallEndBlocked event for goroutine that's not in a syscall");
  o.newG = NO;
  s.status = S.GoRunnable;
  o.pushCur();
  return true;
}

/** GoCreateSyscall. */
function onGoCreateSyscall(o: Ordering, a: number[], _typ: number, gen: number): boolean {
  o.need(2, 1, 0);
  const ng = a[0]!;
  if (o.gStates.has(ng)) o.err(`tried to create goroutine (${ng}) in syscall that already exists`);
  o.gStates.set(ng, { status: S.GoSyscall, seqGen: gen, seq: 0, regions: [], ranges: [] });
  o.newG = ng;
  o.pushCur();
  return true;
}

/** GoDestroySyscall. */
function onGoDestroySyscall(o: Ordering, _a: number[], _typ: number, _gen: number): boolean {
  o.need(2, 1, 2);
  const s = o.gState(o.ctxG, 'event GoDestroySyscall');
  if (s.status !== S.GoSyscall) o.err("GoDestroySyscall event for goroutine that's not in a syscall");
  o.gStates.delete(o.ctxG);
  o.newG = NO;
  if (o.ctxP !== NO) {
    const ps = o.pStates.get(o.ctxP);
    if (ps === undefined) o.err(`found invalid proc ${o.ctxP} during GoDestroySyscall`);
    if (ps.status !== S.ProcSyscall) o.err(`proc ${o.ctxP} in unexpected state ${ps.status} during GoDestroySyscall`);
    ps.status = S.ProcSyscallAbandoned;
    o.newP = NO;
    // An implicit self-steal of the P.
    o.push(o.ctxM, o.ctxP, o.ctxG, S.EvProcSteal, [o.ctxP, 0, 0]);
  }
  o.pushCur();
  return true;
}

/** UserTaskBegin. */
function onUserTaskBegin(o: Ordering, a: number[], _typ: number, _gen: number): boolean {
  const id = a[0]!;
  if (o.activeTasks.has(id)) o.err(`task ID conflict: ${id}`);
  const name = o.str(a[2]!);
  o.activeTasks.set(id, name);
  o.userGo();
  o.pushCur();
  return true;
}

/** UserTaskEnd. */
function onUserTaskEnd(o: Ordering, a: number[], _typ: number, _gen: number): boolean {
  o.activeTasks.delete(a[0]!);
  o.userGo();
  o.pushCur();
  return true;
}

/** UserRegionBegin, UserRegionEnd. */
function onUserRegionBegin(o: Ordering, a: number[], typ: number, _gen: number): boolean {
  o.userGo();
  const name = o.str(a[1]!);
  const s = o.gStates.get(o.ctxG);
  if (s === undefined) o.err(`encountered ${o.specs[typ]!.name} without known state for current goroutine ${o.ctxG}`);
  if (typ === S.EvUserRegionBegin) {
    s.regions.push({ task: a[0]!, name });
  } else if (s.regions.length > 0) {
    const top = s.regions[s.regions.length - 1]!;
    if (top.task !== a[0] || top.name !== name) {
      o.err(`misuse of region in goroutine ${o.ctxG}: region end {${a[0]} ${name}} when the inner-most active region start event is {${top.task} ${top.name}}`);
    }
    s.regions.pop();
  }
  o.pushCur();
  return true;
}

/** GCActive. */
function onGCActive(o: Ordering, a: number[], _typ: number, gen: number): boolean {
  const seq = a[0]!;
  if (gen === o.initialGen) {
    if (o.gcState !== GC_UNDETERMINED) o.err("GCActive in the first generation isn't first GC event");
    o.gcSeq = seq;
    o.gcState = GC_RUNNING;
    o.pushCur();
    return true;
  }
  if (seq !== o.gcSeq + 1) return false;
  if (o.gcState !== GC_RUNNING) o.err('encountered GCActive while GC was not in progress');
  o.gcSeq = seq;
  o.userGo();
  o.pushCur();
  return true;
}

/** GCBegin. */
function onGCBegin(o: Ordering, a: number[], _typ: number, _gen: number): boolean {
  const seq = a[0]!;
  if (o.gcState === GC_UNDETERMINED) {
    o.gcSeq = seq;
    o.gcState = GC_RUNNING;
    o.pushCur();
    return true;
  }
  if (seq !== o.gcSeq + 1) return false;
  if (o.gcState === GC_RUNNING) o.err('encountered GCBegin while GC was already in progress');
  o.gcSeq = seq;
  o.gcState = GC_RUNNING;
  o.userGo();
  o.pushCur();
  return true;
}

/** GCEnd. */
function onGCEnd(o: Ordering, a: number[], _typ: number, _gen: number): boolean {
  const seq = a[0]!;
  if (seq !== o.gcSeq + 1) return false;
  if (o.gcState === GC_NOT_RUNNING) o.err('encountered GCEnd when GC was not in progress');
  if (o.gcState === GC_UNDETERMINED) o.err('encountered GCEnd when GC was in an undetermined state');
  o.gcSeq = seq;
  o.gcState = GC_NOT_RUNNING;
  o.userGo();
  o.pushCur();
  return true;
}

/** ProcsChange, GoLabel, UserLog. */
function onProcsChange(o: Ordering, _a: number[], _typ: number, _gen: number): boolean {
  o.userGo();
  o.pushCur();
  return true;
}

/** HeapAlloc, HeapGoal. */
function onHeapAlloc(o: Ordering, _a: number[], _typ: number, _gen: number): boolean {
  o.need(2, 2, 1);
  o.pushCur();
  return true;
}

/** GCSweepBegin. */
function onGCSweepBegin(o: Ordering, _a: number[], typ: number, _gen: number): boolean {
  o.need(2, 2, 1);
  const ps = o.pState(o.ctxP, 'event GCSweepBegin');
  beginRange(o, ps.ranges, rangeKey(typ, o.specs, 0));
  o.pushCur();
  return true;
}

/** GCSweepActive. */
function onGCSweepActive(o: Ordering, a: number[], typ: number, gen: number): boolean {
  const ps = o.pStates.get(a[0]!);
  if (ps === undefined) o.err(`encountered GCSweepActive for unknown proc ${a[0]}`);
  activeRange(o, ps.ranges, rangeKey(typ, o.specs, 0), gen === o.initialGen);
  o.pushCur();
  return true;
}

/** GCSweepEnd. */
function onGCSweepEnd(o: Ordering, _a: number[], typ: number, _gen: number): boolean {
  o.need(2, 2, 1);
  const ps = o.pState(o.ctxP, 'event GCSweepEnd');
  endRange(o, ps.ranges, rangeKey(typ, o.specs, 0));
  o.pushCur();
  return true;
}

/** STWBegin, GCMarkAssistBegin. */
function onSTWBegin(o: Ordering, a: number[], typ: number, _gen: number): boolean {
  o.userGo();
  const desc = typ === S.EvSTWBegin ? a[0]! : 0;
  const s = o.gStates.get(o.ctxG);
  if (s === undefined) o.err(`encountered event of type ${typ} without known state for current goroutine ${o.ctxG}`);
  beginRange(o, s.ranges, rangeKey(typ, o.specs, desc));
  o.pushCur();
  return true;
}

/** GCMarkAssistActive. */
function onGCMarkAssistActive(o: Ordering, a: number[], typ: number, gen: number): boolean {
  const s = o.gStates.get(a[0]!);
  if (s === undefined) o.err(`uninitialized goroutine ${a[0]} found during GCMarkAssistActive`);
  activeRange(o, s.ranges, rangeKey(typ, o.specs, 0), gen === o.initialGen);
  o.pushCur();
  return true;
}

/** STWEnd, GCMarkAssistEnd. */
function onSTWEnd(o: Ordering, _a: number[], typ: number, _gen: number): boolean {
  o.userGo();
  const s = o.gStates.get(o.ctxG);
  if (s === undefined) o.err(`encountered event of type ${typ} without known state for current goroutine ${o.ctxG}`);
  endRange(o, s.ranges, rangeKey(typ, o.specs, 0));
  o.pushCur();
  return true;
}

/** Experimental events (spans, heap objects, goroutine stacks): recorded, not ordered. */
function onExperimental(o: Ordering): boolean {
  o.need(2, 1, 1);
  o.pushCur();
  return true;
}

function onBadEvent(o: Ordering, _a: number[], typ: number): boolean {
  return o.err(`bad event type found while ordering: ${typ}`);
}

const ORDER: readonly OrderHandler[] = (() => {
  const t = new Array<OrderHandler>(256).fill(onBadEvent);
  const on = (h: OrderHandler, ...types: number[]): void => {
    for (const typ of types) t[typ] = h;
  };
  on(onProcStatus, S.EvProcStatus);
  on(onProcStart, S.EvProcStart);
  on(onProcStop, S.EvProcStop);
  on(onProcSteal, S.EvProcSteal);
  on(onGoStatus, S.EvGoStatus, S.EvGoStatusStack);
  on(onGoCreate, S.EvGoCreate, S.EvGoCreateBlocked);
  on(onGoDestroy, S.EvGoDestroy, S.EvGoStop, S.EvGoBlock);
  on(onGoStart, S.EvGoStart);
  on(onGoUnblock, S.EvGoUnblock);
  on(onGoSwitch, S.EvGoSwitch, S.EvGoSwitchDestroy);
  on(onGoSyscallBegin, S.EvGoSyscallBegin);
  on(onGoSyscallEnd, S.EvGoSyscallEnd);
  on(onGoSyscallEndBlocked, S.EvGoSyscallEndBlocked);
  on(onGoCreateSyscall, S.EvGoCreateSyscall);
  on(onGoDestroySyscall, S.EvGoDestroySyscall);
  on(onUserTaskBegin, S.EvUserTaskBegin);
  on(onUserTaskEnd, S.EvUserTaskEnd);
  on(onUserRegionBegin, S.EvUserRegionBegin, S.EvUserRegionEnd);
  on(onGCActive, S.EvGCActive);
  on(onGCBegin, S.EvGCBegin);
  on(onGCEnd, S.EvGCEnd);
  on(onProcsChange, S.EvProcsChange, S.EvGoLabel, S.EvUserLog);
  on(onHeapAlloc, S.EvHeapAlloc, S.EvHeapGoal);
  on(onGCSweepBegin, S.EvGCSweepBegin);
  on(onGCSweepActive, S.EvGCSweepActive);
  on(onGCSweepEnd, S.EvGCSweepEnd);
  on(onSTWBegin, S.EvSTWBegin, S.EvGCMarkAssistBegin);
  on(onGCMarkAssistActive, S.EvGCMarkAssistActive);
  on(onSTWEnd, S.EvSTWEnd, S.EvGCMarkAssistEnd);
  for (let typ = S.EvSpan; typ <= S.EvGoroutineStackFree; typ++) t[typ] = onExperimental;
  return t;
})();

// Events of the Go execution-trace reader: a struct-of-arrays store (one
// column per field, arguments in one shared Float64Array) — the old format's
// CPU samples —, and the lazy read-only `events` list of a parsed trace, over
// a store or over events decoded again from the input on each walk
// (`WalkedEvents`). `TraceEvent` objects are created only when a caller looks
// at an event.
//
// Core module: no `node:*` imports.

import { TraceEvent } from './common.js';

/** Int32 column marker: the real value is in the overflow map (not an int32, or this very value). */
const OVF = -0x80000000;

/**
 * A growable Int32 column for ids (P, G, M, stack) that are small in real
 * traces; any other double (2^64-1 is -1, garbage ids can be huge) is kept
 * exactly in a side map.
 */
export class IdColumn {
  a: Int32Array;
  ovf: Map<number, number> | null = null;
  constructor(cap: number) {
    this.a = new Int32Array(cap);
  }
  set(i: number, v: number): void {
    if ((v | 0) === v && v !== OVF) {
      this.a[i] = v;
    } else {
      this.a[i] = OVF;
      (this.ovf ??= new Map()).set(i, v);
    }
  }
  get(i: number): number {
    const x = this.a[i]!;
    return x !== OVF ? x : this.ovf!.get(i)!;
  }
  grow(cap: number): void {
    const b = new Int32Array(cap);
    b.set(this.a.subarray(0, Math.min(cap, this.a.length)));
    this.a = b;
  }
}

function growF64(a: Float64Array, cap: number): Float64Array {
  const b = new Float64Array(cap);
  b.set(a.subarray(0, Math.min(cap, a.length)));
  return b;
}
function growU32(a: Uint32Array, cap: number): Uint32Array {
  const b = new Uint32Array(cap);
  b.set(a.subarray(0, Math.min(cap, a.length)));
  return b;
}
function growU8(a: Uint8Array, cap: number): Uint8Array {
  const b = new Uint8Array(cap);
  b.set(a.subarray(0, Math.min(cap, a.length)));
  return b;
}

const EMPTY_NUMBERS = Object.freeze([]) as unknown as number[];

/**
 * Events in columns. Index `i` is the order of insertion; `order` (if set)
 * maps an output position to an index.
 */
export class EventStore implements EventSource {
  n = 0;
  cap: number;
  code: Uint8Array;
  /** Old format: ticks (tsNs = trunc((ts - tsBase) * nsPerTick)); new format: ns (tsNs = ts - tsBase). */
  ts: Float64Array;
  p: IdColumn;
  g: IdColumn;
  /** null: m is always -1 (old format). */
  m: IdColumn | null;
  stack: IdColumn;
  offset: Uint32Array;
  nargs: Uint8Array;
  argOff: Uint32Array;
  args: Float64Array;
  nArgs = 0;
  /** Resolved string arguments, by index (set them with `setSargs`). */
  readonly sargs = new Map<number, readonly string[]>();
  /** Codes of the events that have an entry in `sargs` (saves a lookup per event). */
  private readonly sargsCodes = new Uint8Array(256);
  /** Type names by code. */
  readonly names: readonly string[];
  /** Output position -> index (old format: the consistent order); null = identity. */
  order: Int32Array | null = null;
  tsBase = 0;
  /** Old format: ns per tick; 0 = `ts` already holds ns. */
  nsPerTick = 0;
  /** Generation boundaries: events at positions >= genPos[k] have generation genVal[k]. */
  genPos: number[] = [];
  genVal: number[] = [];

  /**
   * `capHint`: an upper bound of the event count (e.g. input bytes / 2: every
   * event takes at least two bytes). Capacity is reserved up to 2^26 events;
   * fresh typed arrays are zero pages that cost no resident memory until
   * written, so a generous reservation is cheap and saves the copies of growing.
   */
  constructor(names: readonly string[], hasM: boolean, capHint: number, minCap = 1024) {
    const cap = Math.max(minCap, Math.min(Math.ceil(capHint), 1 << 26));
    this.names = names;
    this.cap = cap;
    this.code = new Uint8Array(cap);
    this.ts = new Float64Array(cap);
    this.p = new IdColumn(cap);
    this.g = new IdColumn(cap);
    this.m = hasM ? new IdColumn(cap) : null;
    this.stack = new IdColumn(cap);
    this.offset = new Uint32Array(cap);
    this.nargs = new Uint8Array(cap);
    this.argOff = new Uint32Array(cap);
    this.args = new Float64Array(2 * cap);
  }

  private grow(): void {
    const cap = Math.ceil(this.cap * 1.5);
    this.cap = cap;
    this.code = growU8(this.code, cap);
    this.ts = growF64(this.ts, cap);
    this.p.grow(cap);
    this.g.grow(cap);
    this.m?.grow(cap);
    this.stack.grow(cap);
    this.offset = growU32(this.offset, cap);
    this.nargs = growU8(this.nargs, cap);
    this.argOff = growU32(this.argOff, cap);
  }

  /** Appends an event without arguments; add them with `arg`. Returns its index. */
  add(code: number, ts: number, p: number, g: number, m: number, stack: number, offset: number): number {
    const i = this.n;
    if (i === this.cap) this.grow();
    this.n = i + 1;
    this.code[i] = code;
    this.ts[i] = ts;
    this.p.set(i, p);
    this.g.set(i, g);
    if (this.m !== null) this.m.set(i, m);
    this.stack.set(i, stack);
    this.offset[i] = offset < 0 ? 0xffffffff : offset;
    this.argOff[i] = this.nArgs;
    this.nargs[i] = 0;
    return i;
  }

  /** Empties the store (its columns are reused). */
  clear(): void {
    this.n = 0;
    this.nArgs = 0;
    if (this.sargs.size > 0) this.sargs.clear(); // (clearing an empty Map is not free)
  }

  setSargs(i: number, v: readonly string[]): void {
    this.sargs.set(i, v);
    this.sargsCodes[this.code[i]!] = 1;
  }

  /** Appends an argument to the last added event. */
  arg(v: number): void {
    const k = this.nArgs;
    if (k === this.args.length) this.args = growF64(this.args, Math.ceil(k * 1.5) + 16);
    this.args[k] = v;
    this.nArgs = k + 1;
    this.nargs[this.n - 1]!++;
  }

  /** Number of events visible (positions). */
  get length(): number {
    return this.order !== null ? this.order.length : this.n;
  }

  index(pos: number): number {
    return this.order !== null ? this.order[pos]! : pos;
  }

  tsNsAt(i: number): number {
    return this.nsPerTick !== 0 ? Math.trunc((this.ts[i]! - this.tsBase) * this.nsPerTick) : this.ts[i]! - this.tsBase;
  }

  genAt(pos: number): number {
    const gp = this.genPos;
    let lo = 0;
    let hi = gp.length - 1;
    if (hi < 0 || pos < gp[0]!) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (gp[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return this.genVal[lo]!;
  }

  /** Fill `ev` with the event at output position `pos` (gen `gen`, or looked up when -1). */
  fill(ev: TraceEvent, pos: number, gen = -1): TraceEvent {
    const i = this.index(pos);
    const code = this.code[i]!;
    ev.type = this.names[code] ?? `Unknown${code}`;
    ev.code = code;
    ev.tsNs = this.tsNsAt(i);
    ev.p = this.p.get(i);
    ev.g = this.g.get(i);
    ev.m = this.m !== null ? this.m.get(i) : -1;
    const na = this.nargs[i]!;
    if (na === 0) ev.args = EMPTY_NUMBERS;
    else {
      const o = this.argOff[i]!;
      const a = this.args;
      ev.args = na === 1 ? [a[o]!] : na === 2 ? [a[o]!, a[o + 1]!] : na === 3 ? [a[o]!, a[o + 1]!, a[o + 2]!] : Array.from(a.subarray(o, o + na));
    }
    ev.stackId = this.stack.get(i);
    ev.gen = gen >= 0 ? gen : this.genAt(pos);
    const off = this.offset[i]!;
    ev.offset = off === 0xffffffff ? -1 : off;
    ev.sargs = this.sargsCodes[code] === 1 ? (this.sargs.get(i) ?? EMPTY_STRINGS) : EMPTY_STRINGS;
    ev.ticks = this.nsPerTick !== 0 ? this.ts[i]! : 0;
    return ev;
  }

  /** A new TraceEvent for output position `pos`. */
  view(pos: number): TraceEvent {
    return this.fill(new TraceEvent('', 0, 0), pos);
  }

  /** Fresh TraceEvent objects in order (a plain iterator object; cheaper than a generator). */
  iterate(from = 0): IterableIterator<TraceEvent> {
    return new StoreIterator(this, from);
  }
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true as const });

class StoreIterator implements IterableIterator<TraceEvent> {
  private pos: number;
  private k = 0;
  private gen = 0;
  constructor(
    private readonly st: EventStore,
    from: number,
  ) {
    this.pos = from;
  }
  next(): IteratorResult<TraceEvent, undefined> {
    const st = this.st;
    const pos = this.pos;
    if (pos >= st.length) return DONE;
    this.pos = pos + 1;
    const gp = st.genPos;
    while (this.k < gp.length && gp[this.k]! <= pos) this.gen = st.genVal[this.k++]!;
    return { value: st.fill(new TraceEvent('', 0, 0), pos, this.gen), done: false };
  }
  return(): IteratorResult<TraceEvent, undefined> {
    this.pos = this.st.length;
    return DONE;
  }
  [Symbol.iterator](): IterableIterator<TraceEvent> {
    return this;
  }
}

const EMPTY_STRINGS: readonly string[] = Object.freeze([]);

/** Events kept in a window behind the last position read, for short steps back (`events[i - 1]`). */
const WINDOW = 64;

/**
 * Events that are not stored but decoded again on each walk (`walk()` starts a new one). Positional
 * access reads forward from the last position (Array methods visit positions in order) and keeps
 * the last WINDOW events; going further back starts a new walk.
 */
export class WalkedEvents implements EventSource {
  private w: Iterator<TraceEvent> | null = null;
  /** The position `w` yields next. */
  private pos = 0;
  private readonly window: TraceEvent[] = [];
  constructor(
    readonly length: number,
    private readonly walk: () => IterableIterator<TraceEvent>,
  ) {}

  iterate(): IterableIterator<TraceEvent> {
    return this.walk();
  }

  view(pos: number): TraceEvent {
    if (this.w === null || pos < this.pos - WINDOW) {
      this.w = this.walk();
      this.pos = 0;
    }
    while (this.pos <= pos) {
      this.window[this.pos % WINDOW] = this.w.next().value as TraceEvent;
      this.pos++;
    }
    return copyEvent(this.window[pos % WINDOW]!);
  }
}

function copyEvent(ev: TraceEvent): TraceEvent {
  const c = new TraceEvent(ev.type, ev.code, ev.offset);
  c.tsNs = ev.tsNs;
  c.p = ev.p;
  c.g = ev.g;
  c.m = ev.m;
  c.args = ev.args;
  c.stackId = ev.stackId;
  c.gen = ev.gen;
  c.sargs = ev.sargs;
  c.ticks = ev.ticks;
  return c;
}

function isIndex(prop: string | symbol): boolean {
  if (typeof prop !== 'string' || prop.length === 0 || prop.length > 10) return false;
  const c = prop.charCodeAt(0);
  if (c < 48 || c > 57 || (c === 48 && prop.length > 1)) return false;
  for (let i = 1; i < prop.length; i++) {
    const d = prop.charCodeAt(i);
    if (d < 48 || d > 57) return false;
  }
  return true;
}

/**
 * What an event list reads from: the store (old format), or a re-run of the
 * streaming reader (new format: no per-event storage at all).
 */
export interface EventSource {
  readonly length: number;
  /** A new TraceEvent for output position `pos` (0 ≤ pos < length). */
  view(pos: number): TraceEvent;
  /** Fresh TraceEvent objects in order. */
  iterate(): IterableIterator<TraceEvent>;
}

/**
 * A read-only array of events backed by a source: `length`, indexing,
 * iteration and the usual Array methods work (`Array.isArray` is true); each
 * access creates a new TraceEvent. Writes are ignored (strict mode: TypeError).
 */
export function eventList(store: EventSource): TraceEvent[] {
  const target: TraceEvent[] = [];
  const handler: ProxyHandler<TraceEvent[]> = {
    get(t, prop, receiver) {
      if (prop === 'length') return store.length;
      if (isIndex(prop)) {
        const pos = Number(prop as string);
        return pos < store.length ? store.view(pos) : undefined;
      }
      if (prop === Symbol.iterator || prop === 'values') return () => store.iterate();
      return Reflect.get(t, prop, receiver) as unknown;
    },
    has(t, prop) {
      if (isIndex(prop)) return Number(prop as string) < store.length;
      return Reflect.has(t, prop);
    },
    getOwnPropertyDescriptor(t, prop) {
      if (isIndex(prop) && Number(prop as string) < store.length) {
        return { value: store.view(Number(prop as string)), writable: false, enumerable: true, configurable: true };
      }
      return Reflect.getOwnPropertyDescriptor(t, prop);
    },
    ownKeys(t) {
      const keys: (string | symbol)[] = [];
      for (let i = 0; i < store.length; i++) keys.push(String(i));
      return keys.concat(Reflect.ownKeys(t));
    },
    set() {
      return false;
    },
    defineProperty() {
      return false;
    },
    deleteProperty() {
      return false;
    },
  };
  return new Proxy(target, handler);
}

// Writer for the old (v1) Go execution trace format, header "go 1.19 trace" — the format every
// `go tool trace` from 1.19 to today opens (Go 1.19's runtime/trace.go writes it, internal/trace/parser.go reads it; docs/outputs.md).
//
// Low-level and streaming: events are appended to a per-P buffer that is flushed as a `Batch` when
// it grows past `batchBytes`, so memory stays bounded whatever the run's length. Strings and stacks
// are interned and written at the end, after `Frequency`, in a last pid-0 batch, as the runtime does.
// What the events mean (sequence numbers, which P a G belongs to…) is the caller's business
// (src/observers/gotrace_writer.ts); this module only guarantees the wire rules: exact argument
// counts, the length-prefixed form for 4+ arguments, per-batch tick deltas, string ids ≥ 1.
//
// Core module: no `node:*` imports; output goes to a sink as Uint8Array chunks.

import { InvariantError } from '../base/assert.js';

/** Receives the file's bytes in order. A chunk may be reused after the call returns: copy it to keep it. */
export type ByteSink = (chunk: Uint8Array) => void;

export interface V1WriterOptions {
  /** Ticks per second written in the `Frequency` event (default 1e9: one tick per ns). */
  readonly ticksPerSec?: number;
  /** A P's buffer is flushed as a batch when it reaches this many bytes (default 64 KiB). */
  readonly batchBytes?: number;
}

/** A frame of a synthetic stack (leaf first in a stack). */
export interface WriterFrame {
  readonly func: string;
  readonly file: string;
  readonly line: number;
}

/** "no P": the pid written as 2^64-1 (a 10-byte varint), parsed as P -1. */
export const NO_P = -1;

const EvBatch = 1;
const EvFrequency = 2;
const EvStack = 3;
const EvString = 37;

/** Types without a timestamp argument (everything else takes a tick delta first). */
const untimed = new Set([EvBatch, EvFrequency, EvStack, EvString, 35 /* TimerGoroutine */]);

const HEADER = "go 1.19 trace";

/** Growable byte buffer with LEB128 helpers. */
class Bytes {
  buf: Uint8Array;
  len = 0;
  constructor(cap: number) {
    this.buf = new Uint8Array(cap);
  }
  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }
  /** Unsigned LEB128 of a non-negative integer ≤ 2^53, or -1 for 2^64-1. */
  uv(v: number): void {
    this.ensure(10);
    const buf = this.buf;
    if (v === -1) {
      for (let i = 0; i < 9; i++) buf[this.len++] = 0xff;
      buf[this.len++] = 0x01;
      return;
    }
    if (!(v >= 0) || !Number.isInteger(v) || v > Number.MAX_SAFE_INTEGER) throw new RangeError(`trace writer: bad varint ${v}`);
    while (v >= 0x80) {
      buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    buf[this.len++] = v;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
}

function uvLen(v: number): number {
  if (v === -1) return 10;
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}

function utf8(s: string): Uint8Array {
  const TE = (globalThis as { TextEncoder?: new () => { encode(s: string): Uint8Array } }).TextEncoder;
  if (TE !== undefined) return new TE().encode(s);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0x7f;
  return out;
}

interface PBuf {
  readonly pid: number;
  readonly data: Bytes;
  /** Absolute ticks of the batch start (the first event's time). */
  batchTicks: number;
  /** Ticks of the last timed event in this P's stream. */
  lastTicks: number;
  events: number;
}

export class V1Writer {
  readonly ticksPerSec: number;
  private readonly batchBytes: number;
  private readonly ps = new Map<number, PBuf>();
  private readonly strings = new Map<string, number>();
  private readonly stacks = new Map<string, number>();
  private readonly stackList: { id: number; frames: readonly WriterFrame[] }[] = [];
  private readonly pcs = new Map<string, number>();
  private batches = 0;
  private finished = false;
  private readonly scratch = new Bytes(64);
  /** Bytes handed to the sink so far. */
  bytesWritten = 0;
  /** Timed events written so far. */
  eventCount = 0;

  constructor(
    private readonly sink: ByteSink,
    o: V1WriterOptions = {},
  ) {
    this.ticksPerSec = o.ticksPerSec ?? 1e9;
    this.batchBytes = o.batchBytes ?? 64 * 1024;
    const h = new Uint8Array(16);
    for (let i = 0; i < HEADER.length; i++) h[i] = HEADER.charCodeAt(i);
    this.emit(h);
  }

  private emit(chunk: Uint8Array): void {
    this.bytesWritten += chunk.length;
    this.sink(chunk);
  }

  /** The id of a string in the table (0 for ""). */
  string(s: string): number {
    if (s === "") return 0;
    let id = this.strings.get(s);
    if (id === undefined) {
      id = this.strings.size + 1;
      this.strings.set(s, id);
    }
    return id;
  }

  /** The id of a stack (frames leaf first); identical stacks share an id. 0 for an empty stack. */
  stack(frames: readonly WriterFrame[]): number {
    if (frames.length === 0) return 0;
    const key = frames.map((f) => `${f.func}\u0000${f.file}\u0000${f.line}`).join("\u0001");
    let id = this.stacks.get(key);
    if (id === undefined) {
      id = this.stacks.size + 1;
      this.stacks.set(key, id);
      this.stackList.push({ id, frames: frames.slice(0, 100) });
    }
    return id;
  }

  /** A distinct fake PC per (func, file, line): Go 1.23's converter keys frames by PC. */
  private pc(f: WriterFrame): number {
    const key = `${f.func}\u0000${f.file}\u0000${f.line}`;
    let pc = this.pcs.get(key);
    if (pc === undefined) {
      pc = 0x401000 + this.pcs.size * 0x10;
      this.pcs.set(key, pc);
    }
    return pc;
  }

  private pbuf(pid: number, ticks: number): PBuf {
    let b = this.ps.get(pid);
    if (b === undefined) {
      b = { pid, data: new Bytes(4096), batchTicks: ticks, lastTicks: ticks, events: 0 };
      this.ps.set(pid, b);
    }
    return b;
  }

  /**
   * Appends a timed event to P `pid`'s stream (NO_P for "no P"). `ticks` is absolute and must not be
   * less than the previous event's of the same P. `args` are the payload arguments after the
   * timestamp, including the trailing stack id where the event has one.
   */
  event(pid: number, type: number, ticks: number, args: readonly number[]): void {
    if (this.finished) throw new InvariantError("trace writer: event after finish");
    if (untimed.has(type)) throw new InvariantError(`trace writer: event type ${type} has no timestamp`);
    const b = this.pbuf(pid, ticks);
    if (b.data.len >= this.batchBytes) this.flush(b, ticks);
    if (ticks < b.lastTicks) throw new RangeError(`trace writer: P ${pid} time went back (${ticks} < ${b.lastTicks})`);
    const dt = b.events === 0 ? ticks - b.batchTicks : ticks - b.lastTicks;
    b.lastTicks = ticks;
    b.events++;
    this.eventCount++;
    const d = b.data;
    const n = args.length + 1;
    if (n < 4) {
      d.byte(type | ((n - 1) << 6));
      d.uv(dt);
      for (const a of args) d.uv(a);
    } else {
      d.byte(type | (3 << 6));
      let len = uvLen(dt);
      for (const a of args) len += uvLen(a);
      d.uv(len);
      d.uv(dt);
      for (const a of args) d.uv(a);
    }
  }

  /** Writes P `b`'s buffered events as one batch, and starts a new batch at `nextTicks`. */
  private flush(b: PBuf, nextTicks: number): void {
    if (b.events > 0) {
      const s = this.scratch;
      s.len = 0;
      s.byte(EvBatch | (1 << 6));
      s.uv(b.pid);
      s.uv(b.batchTicks);
      this.emit(s.buf.slice(0, s.len));
      this.emit(b.data.buf.subarray(0, b.data.len));
      this.batches++;
    }
    b.data.len = 0;
    b.events = 0;
    b.batchTicks = nextTicks;
    b.lastTicks = nextTicks;
  }

  /** Flushes every P, then writes Frequency and the string and stack tables. */
  finish(): void {
    if (this.finished) return;
    let last = 0;
    const pids = [...this.ps.keys()].sort((a, b) => a - b);
    for (const pid of pids) {
      const b = this.ps.get(pid)!;
      if (b.lastTicks > last) last = b.lastTicks;
      this.flush(b, b.lastTicks);
    }
    this.finished = true;
    const out = new Bytes(1024);
    if (this.batches === 0) {
      // Frequency must follow a batch (Go 1.23+): an empty one for P 0.
      out.byte(EvBatch | (1 << 6));
      out.uv(0);
      out.uv(last);
    }
    out.byte(EvFrequency);
    out.uv(this.ticksPerSec);
    out.byte(EvBatch | (1 << 6));
    out.uv(0);
    out.uv(last);
    // Intern the frames' strings first so that the string table below is complete.
    for (const st of this.stackList) {
      for (const f of st.frames) {
        this.string(f.func);
        this.string(f.file);
      }
    }
    for (const [s, id] of this.strings) {
      const bytes = utf8(s);
      out.byte(EvString);
      out.uv(id);
      out.uv(bytes.length);
      out.bytes(bytes);
    }
    const body = new Bytes(256);
    for (const st of this.stackList) {
      body.len = 0;
      body.uv(st.id);
      body.uv(st.frames.length);
      for (const f of st.frames) {
        body.uv(this.pc(f));
        body.uv(this.string(f.func));
        body.uv(this.string(f.file));
        body.uv(f.line);
      }
      out.byte(EvStack | (3 << 6));
      out.uv(body.len);
      out.bytes(body.buf.subarray(0, body.len));
    }
    this.emit(out.buf.slice(0, out.len));
  }
}

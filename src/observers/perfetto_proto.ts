// Perfetto's native trace format (protobuf TracePackets with TrackEvents, docs/outputs.md): the
// encoder behind `gosched run --perfetto out.pftrace`, fed by PerfettoObserver like the JSON one.
// Written by hand (a few fields of a few messages, on the hot path); checked in a test by decoding
// with protobufjs against Perfetto's own .proto definitions (testdata/perfetto-protos/).
//
// What makes it small: every event name, category, debug-annotation name and string value is
// interned (sent once in the packet's InternedData, then referred to by a small id); names repeat
// because the goroutine a slice is about is its `goid` argument, not part of its name; timestamps
// are deltas from the previous packet's, on a sequence-scoped incremental clock
// (ClockSnapshot.Clock.is_incremental, made the sequence's default by TracePacketDefaults); all
// packets are on one sequence whose first packet clears the incremental state
// (SEQ_INCREMENTAL_STATE_CLEARED) — the event packets do not repeat SEQ_NEEDS_INCREMENTAL_STATE
// (2 bytes a packet): the flag only asks a reader to skip the packet while the sequence's state is
// invalid after lost data (trace processor's proto_trace_reader.cc ParsePacket), and a file written
// in one go loses none; the interned data, the defaults and the incremental clock apply either way.
// Fixed costs, which dominate a small run: a track is declared on its first event (a track with
// none, such as GC in a run without a GC, is left out), its descriptor packet without the sequence
// id; tracks get small sequential uuids in the order they are named (Ps and Ms first: one-byte
// varints on the busiest tracks); no field equal to its default (the clock snapshot's 0s). A
// slice's end carries no name and a slice no category (the JSON's p/m/g is the track's process); a
// counter series is written only when its value changes, and then inside the TrackEvent of the
// same instant (extra_counter_track_uuids / extra_counter_values) when there is one, once: its
// last value there (a counter track declared at that instant goes in before the event).
//
// Mapping from the JSON form: a pid is a process track (ProcessDescriptor), a tid a named child
// track of it; B/E → TYPE_SLICE_BEGIN/END; an instant → TYPE_INSTANT; a flow's start is an instant
// carrying flow_ids; its end is terminating_flow_ids on the slice that begins on that track at that
// instant (the slice the JSON's "f" binds to), or on an instant when none does; a counter group
// "runqueue" {global, P0, …} is a counter track per series ("runqueue global", …). Colours (cname)
// and process sort order are JSON-only: Perfetto colours slices by name.
import type { PerfettoEncoder, TraceArgs } from "./perfetto.js";

export type ByteSink = (chunk: Uint8Array) => void;

// Field numbers (perfetto/trace/*.proto).
const TRACE_PACKET = 1; // Trace.packet
const P_CLOCK_SNAPSHOT = 6;
const P_TIMESTAMP = 8;
const P_SEQUENCE_ID = 10; // trusted_packet_sequence_id
const P_TRACK_EVENT = 11;
const P_INTERNED_DATA = 12;
const P_SEQUENCE_FLAGS = 13;
const P_TRACK_DESCRIPTOR = 60;
const P_TRACE_PACKET_DEFAULTS = 59;
const P_FIRST_PACKET_ON_SEQUENCE = 87;
const DEFAULTS_TIMESTAMP_CLOCK_ID = 58;
const CS_CLOCKS = 1;
const CLOCK_ID = 1;
const CLOCK_IS_INCREMENTAL = 3;
const BUILTIN_CLOCK_BOOTTIME = 6;
/** A sequence-scoped clock (ids 64–127): incremental, ns, starting at 0 = BOOTTIME 0. */
const DELTA_CLOCK_ID = 64;
const SEQ_INCREMENTAL_STATE_CLEARED = 1;
/** TrackEventData::kMaxNumExtraCounters in trace processor: an event with more is dropped whole. */
const MAX_EXTRA_COUNTERS = 8;
const E_CATEGORY_IIDS = 3;
const E_DEBUG_ANNOTATIONS = 4;
const E_TYPE = 9;
const E_NAME_IID = 10;
const E_TRACK_UUID = 11;
const E_COUNTER_VALUE = 30;
const E_EXTRA_COUNTER_TRACK_UUIDS = 31;
const E_EXTRA_COUNTER_VALUES = 12;
const E_DOUBLE_COUNTER_VALUE = 44;
const E_FLOW_IDS = 47;
const E_TERMINATING_FLOW_IDS = 48;
const TYPE_SLICE_BEGIN = 1;
const TYPE_SLICE_END = 2;
const TYPE_INSTANT = 3;
const TYPE_COUNTER = 4;
const A_NAME_IID = 1;
const A_INT_VALUE = 4;
const A_DOUBLE_VALUE = 5;
const A_STRING_VALUE_IID = 17;
const I_EVENT_CATEGORIES = 1;
const I_EVENT_NAMES = 2;
const I_DEBUG_ANNOTATION_NAMES = 3;
const I_DEBUG_ANNOTATION_STRING_VALUES = 29;
const D_UUID = 1;
const D_NAME = 2;
const D_PROCESS = 3;
const D_PARENT_UUID = 5;
const D_COUNTER = 8;
const PD_PID = 1;
const PD_PROCESS_NAME = 6;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;

const SEQUENCE_ID = 1;
const utf8 = new TextEncoder();

/** A protobuf writer into one growing buffer; nested messages get their length patched in at the end. */
class ProtoWriter {
  buf = new Uint8Array(1 << 17);
  pos = 0;
  private readonly view8 = new DataView(new ArrayBuffer(8));

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** An unsigned varint (exact up to 2^53). Negative numbers: 10-byte two's complement (int64). */
  varint(n: number): void {
    if (n < 0) {
      let b = BigInt.asUintN(64, BigInt(n));
      this.ensure(10);
      while (b >= 0x80n) {
        this.buf[this.pos++] = Number(b & 0x7fn) | 0x80;
        b >>= 7n;
      }
      this.buf[this.pos++] = Number(b);
      return;
    }
    this.ensure(8);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  uint(field: number, n: number): void {
    this.tag(field, WIRE_VARINT);
    this.varint(n);
  }

  fixed64(field: number, n: number): void {
    this.tag(field, WIRE_FIXED64);
    this.ensure(8);
    const lo = n % 0x100000000;
    const hi = Math.floor(n / 0x100000000);
    for (let i = 0; i < 4; i++) this.buf[this.pos++] = (lo >>> (8 * i)) & 0xff;
    for (let i = 0; i < 4; i++) this.buf[this.pos++] = (hi >>> (8 * i)) & 0xff;
  }

  double(field: number, x: number): void {
    this.tag(field, WIRE_FIXED64);
    this.view8.setFloat64(0, x, true);
    this.ensure(8);
    for (let i = 0; i < 8; i++) this.buf[this.pos++] = this.view8.getUint8(i);
  }

  string(field: number, s: string): void {
    const bytes = utf8.encode(s);
    this.tag(field, WIRE_LEN);
    this.varint(bytes.length);
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Starts a nested message: returns its mark for end(). One byte is reserved for the length. */
  begin(field: number): number {
    this.tag(field, WIRE_LEN);
    this.ensure(1);
    return this.pos++;
  }

  /** Ends a nested message: writes its length, moving the body if the length needs > 1 byte. */
  end(mark: number): void {
    const len = this.pos - mark - 1;
    if (len < 0x80) {
      this.buf[mark] = len;
      return;
    }
    let extra = 0;
    for (let n = len; n >= 0x80; n = Math.floor(n / 0x80)) extra++;
    this.ensure(extra);
    this.buf.copyWithin(mark + 1 + extra, mark + 1, this.pos);
    let n = len;
    let p = mark;
    while (n >= 0x80) {
      this.buf[p++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[p] = n;
    this.pos += extra;
  }
}

/** An interning table: string → iid (1, 2, …), with the entries new since the last take(). */
class Interner {
  private readonly ids = new Map<string, number>();
  fresh: [number, string][] = [];
  iid(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.ids.size + 1;
      this.ids.set(s, id);
      this.fresh.push([id, s]);
    }
    return id;
  }
}

/**
 * A track. Its uuid is taken when it is named (the tracks named first, Ps and Ms, are the busiest:
 * one-byte varints); its descriptor is written on its first event.
 */
interface Track {
  readonly uuid: number;
  name: string;
  declared: boolean;
}

export interface PerfettoProtoOptions {
  /** Flush to the sink when the buffer reaches this many bytes (default 64 KiB). */
  readonly chunkBytes?: number;
}

export class PerfettoProtoEncoder implements PerfettoEncoder {
  private readonly w = new ProtoWriter();
  private readonly chunk: number;
  private readonly names = new Interner();
  private readonly categories = new Interner();
  private readonly argNames = new Interner();
  private readonly argStrings = new Interner();
  /** Tracks per pid, by tid; uuids are sequential, in the order tracks are named (small varints). */
  private readonly tracks = new Map<number, Track[]>();
  private readonly processes = new Map<number, Track>();
  private readonly counterUuid = new Map<string, number>();
  private readonly counterLast = new Map<number, number>();
  private nextUuid = 1;
  private firstPacket = true;
  /** The last timestamp written (ns): the base of the next delta. */
  private lastNs = 0;
  /** The last TrackEvent packet, still open for counter values at its time. */
  private open: { packet: number; event: number; ns: number; uuid: number; type: number } | null = null;
  /** Counter values for the open packet, by track uuid: written when it closes, once per series (the last value of that instant). */
  private readonly openCounters = new Map<number, number>();
  count = 0;

  constructor(
    private readonly sink: ByteSink,
    o: PerfettoProtoOptions = {},
  ) {
    this.chunk = o.chunkBytes ?? 64 * 1024;
    this.start();
  }

  /** Starts a packet on the sequence (closing the open event first); the first one clears the incremental state. */
  private packet(): number {
    this.closeOpen();
    return this.beginPacket();
  }

  /**
   * Starts a packet. A TrackDescriptor packet goes without the sequence id: trace processor reads
   * descriptors from any sequence (track_event_tokenizer.cc TokenizeTrackDescriptorPacket), while
   * events, interned data, the defaults and the incremental clock need it (proto_trace_reader.cc).
   */
  private beginPacket(onSequence = true): number {
    const w = this.w;
    const mark = w.begin(TRACE_PACKET);
    if (onSequence) w.uint(P_SEQUENCE_ID, SEQUENCE_ID);
    if (this.firstPacket) {
      this.firstPacket = false;
      w.uint(P_SEQUENCE_FLAGS, SEQ_INCREMENTAL_STATE_CLEARED);
      w.uint(P_FIRST_PACKET_ON_SEQUENCE, 1);
    }
    return mark;
  }

  /** The packet's timestamp, as a delta on the incremental clock (simulated time never goes back). */
  private timestamp(ns: number): void {
    const t = Math.round(ns);
    this.w.uint(P_TIMESTAMP, Math.max(0, t - this.lastNs));
    if (t > this.lastNs) this.lastNs = t;
  }

  /** The first packet: the incremental clock and the sequence's default clock. */
  private start(): void {
    const w = this.w;
    const p = this.packet();
    const cs = w.begin(P_CLOCK_SNAPSHOT);
    const c1 = w.begin(CS_CLOCKS);
    w.uint(CLOCK_ID, DELTA_CLOCK_ID); // timestamp 0: left out, the default
    w.uint(CLOCK_IS_INCREMENTAL, 1);
    w.end(c1);
    const c2 = w.begin(CS_CLOCKS);
    w.uint(CLOCK_ID, BUILTIN_CLOCK_BOOTTIME);
    w.end(c2);
    w.end(cs);
    const d = w.begin(P_TRACE_PACKET_DEFAULTS);
    w.uint(DEFAULTS_TIMESTAMP_CLOCK_ID, DELTA_CLOCK_ID);
    w.end(d);
    this.endPacket(p);
  }

  private endPacket(mark: number): void {
    this.w.end(mark);
    this.count++;
    if (this.w.pos >= this.chunk) this.flush();
  }

  private flush(): void {
    if (this.w.pos === 0) return;
    this.sink(this.w.buf.slice(0, this.w.pos));
    this.w.pos = 0;
  }

  /**
   * A TrackDescriptor packet. Declared while an event is open (a counter's first value at that
   * instant), it goes in before that event's packet, which stays open: the value can still join it.
   */
  private descriptor(uuid: number, name: string, parent: number, process: { pid: number } | null, counter: boolean): void {
    const w = this.w;
    const from = w.pos;
    const p = this.beginPacket(false);
    const d = w.begin(P_TRACK_DESCRIPTOR);
    w.uint(D_UUID, uuid);
    if (parent !== 0) w.uint(D_PARENT_UUID, parent);
    if (process !== null) {
      const pd = w.begin(D_PROCESS);
      w.uint(PD_PID, process.pid);
      w.string(PD_PROCESS_NAME, name);
      w.end(pd);
    } else {
      w.string(D_NAME, name);
    }
    if (counter) w.end(w.begin(D_COUNTER));
    w.end(d);
    w.end(p);
    this.count++;
    const o = this.open;
    if (o === null) {
      if (w.pos >= this.chunk) this.flush();
      return;
    }
    // Rotate it in front of the open packet (whose one-byte tag precedes its length mark).
    const start = o.packet - 1;
    const bytes = w.buf.slice(from, w.pos);
    w.buf.copyWithin(start + bytes.length, start, from);
    w.buf.set(bytes, start);
    o.packet += bytes.length;
    o.event += bytes.length;
  }

  /** The process track of pid, declared on first use. */
  private process(pid: number): number {
    let p = this.processes.get(pid);
    if (p === undefined) {
      p = { uuid: this.nextUuid++, name: `pid ${pid}`, declared: false };
      this.processes.set(pid, p);
    }
    if (!p.declared) {
      p.declared = true;
      this.descriptor(p.uuid, p.name, 0, { pid }, false);
    }
    return p.uuid;
  }

  private trackOf(pid: number, tid: number): Track {
    let byTid = this.tracks.get(pid);
    if (byTid === undefined) {
      byTid = [];
      this.tracks.set(pid, byTid);
    }
    let t = byTid[tid];
    if (t === undefined) {
      t = { uuid: this.nextUuid++, name: `${tid}`, declared: false };
      byTid[tid] = t;
    }
    return t;
  }

  /** The track (pid, tid), declared (with its process) on its first event: a track with none is left out. */
  private track(pid: number, tid: number): number {
    const t = this.trackOf(pid, tid);
    if (!t.declared) {
      t.declared = true;
      this.descriptor(t.uuid, t.name, this.process(pid), null, false);
    }
    return t.uuid;
  }

  /** Writes the interned entries new in this packet (before the packet's end). */
  private internedData(): void {
    const n = this.names.fresh;
    const c = this.categories.fresh;
    const a = this.argNames.fresh;
    const v = this.argStrings.fresh;
    if (n.length + c.length + a.length + v.length === 0) return;
    const w = this.w;
    const mark = w.begin(P_INTERNED_DATA);
    for (const [field, list] of [
      [I_EVENT_CATEGORIES, c],
      [I_EVENT_NAMES, n],
      [I_DEBUG_ANNOTATION_NAMES, a],
      [I_DEBUG_ANNOTATION_STRING_VALUES, v],
    ] as const) {
      for (const [iid, name] of list) {
        const m = w.begin(field);
        w.uint(1, iid);
        w.string(2, name);
        w.end(m);
      }
    }
    w.end(mark);
    this.names.fresh = [];
    this.categories.fresh = [];
    this.argNames.fresh = [];
    this.argStrings.fresh = [];
  }

  /**
   * One TrackEvent packet, left open: counter values that change at the same time are appended to
   * it (extra_counter_values) instead of taking a packet each. The next packet closes it.
   */
  private event(ns: number, uuid: number, type: number, name: string | null, cat: string | null, args: TraceArgs | undefined, flow: number, flowEnd: number): void {
    const w = this.w;
    // Interning first, so the packet's new entries precede the event that uses them.
    const nameIid = name === null ? 0 : this.names.iid(name);
    const catIid = cat === null ? 0 : this.categories.iid(cat);
    // A string argument's value is interned too (a retake's reason: a few distinct values).
    const argList = args === undefined ? [] : Object.entries(args).map(([k, v]) => ({ name: this.argNames.iid(k), value: v, valueIid: typeof v === "string" ? this.argStrings.iid(v) : 0 }));
    const p = this.packet();
    this.timestamp(ns);
    this.internedData();
    const e = w.begin(P_TRACK_EVENT);
    w.uint(E_TYPE, type);
    w.uint(E_TRACK_UUID, uuid);
    if (nameIid !== 0) w.uint(E_NAME_IID, nameIid);
    if (catIid !== 0) w.uint(E_CATEGORY_IIDS, catIid);
    for (const { name: iid, value: v, valueIid } of argList) {
      const a = w.begin(E_DEBUG_ANNOTATIONS);
      w.uint(A_NAME_IID, iid);
      if (typeof v === "string") w.uint(A_STRING_VALUE_IID, valueIid);
      else if (Number.isInteger(v)) w.uint(A_INT_VALUE, v);
      else w.double(A_DOUBLE_VALUE, v);
      w.end(a);
    }
    if (flow !== 0) w.fixed64(E_FLOW_IDS, flow);
    if (flowEnd !== 0) w.fixed64(E_TERMINATING_FLOW_IDS, flowEnd);
    this.open = { packet: p, event: e, ns: Math.round(ns), uuid, type };
  }

  /** Closes the TrackEvent packet left open by event(). */
  private closeOpen(): void {
    const o = this.open;
    if (o === null) return;
    this.open = null;
    // Trace processor keeps an event's extra counter values only up to the first 0 (the rest read
    // back as 0: TraceTokenBuffer stores TrackEventData::CountExtraCounterValues() of them) and
    // drops an event with more than 8 (kMaxNumExtraCounters): zeros go last, and past 8 a value
    // takes a counter packet of its own.
    const values = [...this.openCounters].sort((a, b) => Number(a[1] === 0) - Number(b[1] === 0));
    this.openCounters.clear();
    const inEvent = Math.min(values.length, MAX_EXTRA_COUNTERS);
    for (let i = 0; i < inEvent; i++) {
      this.w.uint(E_EXTRA_COUNTER_TRACK_UUIDS, values[i]![0]);
      this.w.uint(E_EXTRA_COUNTER_VALUES, values[i]![1]);
    }
    this.w.end(o.event);
    this.endPacket(o.packet);
    for (let i = inEvent; i < values.length; i++) this.counterPacket(o.ns, values[i]![0], values[i]![1]);
  }

  processName(pid: number, name: string): void {
    const p = this.processes.get(pid);
    if (p === undefined) this.processes.set(pid, { uuid: this.nextUuid++, name, declared: false });
    else {
      p.name = name;
      if (p.declared) this.descriptor(p.uuid, name, 0, { pid }, false); // renamed: the last name wins
    }
  }
  processSortIndex(): void {
    // JSON only (see the header).
  }
  trackName(pid: number, tid: number, name: string): void {
    const t = this.trackOf(pid, tid);
    t.name = name;
    if (t.declared) this.descriptor(t.uuid, name, this.process(pid), null, false); // renamed: the last name wins
  }
  begin(pid: number, tid: number, ns: number, name: string, _cat: string, _cname?: string, args?: TraceArgs): void {
    // A slice's category (p, m, g) is its track's process: left out.
    this.event(ns, this.track(pid, tid), TYPE_SLICE_BEGIN, name, null, args, 0, 0);
  }
  end(pid: number, tid: number, ns: number): void {
    this.event(ns, this.track(pid, tid), TYPE_SLICE_END, null, null, undefined, 0, 0);
  }
  instant(pid: number, tid: number, ns: number, name: string, cat: string, args: TraceArgs): void {
    this.event(ns, this.track(pid, tid), TYPE_INSTANT, name, cat, args, 0, 0);
  }
  flowStart(pid: number, tid: number, ns: number, id: number, name: string, cat: string): void {
    this.event(ns, this.track(pid, tid), TYPE_INSTANT, name, cat, undefined, id, 0);
  }
  flowEnd(pid: number, tid: number, ns: number, id: number, name: string, cat: string): void {
    // The arrow ends on the slice that begins on this track at this instant, when one does (the
    // acquiring M's "P<n>"): the slice the JSON's "f" (bp "e") binds to, without an instant of its own.
    const uuid = this.track(pid, tid);
    const o = this.open;
    if (o !== null && o.uuid === uuid && o.type === TYPE_SLICE_BEGIN && o.ns === Math.round(ns)) this.w.fixed64(E_TERMINATING_FLOW_IDS, id);
    else this.event(ns, uuid, TYPE_INSTANT, name, cat, undefined, 0, id);
  }
  counter(pid: number, ns: number, name: string, values: Readonly<Record<string, number>>): void {
    for (const [series, v] of Object.entries(values)) {
      const key = `${pid}:${name} ${series}`;
      let uuid = this.counterUuid.get(key);
      if (uuid === undefined) {
        uuid = this.nextUuid++;
        this.counterUuid.set(key, uuid);
        this.descriptor(uuid, `${name} ${series}`, this.process(pid), null, true);
      } else if (this.counterLast.get(uuid) === v) {
        continue;
      }
      this.counterLast.set(uuid, v);
      if (this.open !== null && this.open.ns === Math.round(ns) && Number.isInteger(v)) {
        this.openCounters.set(uuid, v);
        continue;
      }
      this.counterPacket(ns, uuid, v);
    }
  }

  /** A counter value in a TYPE_COUNTER event of its own. */
  private counterPacket(ns: number, uuid: number, v: number): void {
    const w = this.w;
    const p = this.packet();
    this.timestamp(ns);
    const e = w.begin(P_TRACK_EVENT);
    w.uint(E_TYPE, TYPE_COUNTER);
    w.uint(E_TRACK_UUID, uuid);
    if (Number.isInteger(v)) w.uint(E_COUNTER_VALUE, v);
    else w.double(E_DOUBLE_COUNTER_VALUE, v);
    w.end(e);
    this.endPacket(p);
  }
  finish(): void {
    this.closeOpen();
    this.flush();
  }
}

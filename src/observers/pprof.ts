// A pprof profile of simulated time spent in syscalls and waiting for a P afterwards, by call site —
// the counterpart of `go tool trace -pprof=syscall`, but exact: gosched knows when each call
// returned from the kernel and when its goroutine ran again (docs/outputs.md).
//
// Per call site (the synthetic stack: the call's function, then the goroutine's program), four
// sample values:
//   syscalls/count          calls made (entersyscall, entersyscallblock and cgo calls; RawSyscall too)
//   syscall/nanoseconds     time in the kernel: entry → the kernel's return
//   wait_for_p/nanoseconds  the kernel's return → the goroutine running again (0 on the fast path;
//                           the slow path's wait in the global run queue for a P)
//   delay/nanoseconds       the sum (the default sample type, like go tool trace's "delay")
// Calls still in progress at the end are counted up to the end time.
//
// The profile.proto message is written by hand (a few fields); the bytes are not gzipped here (core
// code: no node:*) — the CLI compresses them.
import type { Observer, RuntimeEvent } from "../runtime/events.js";
import type { Runtime } from "../runtime/runtime.js";
import { siteFrames, type SiteFrame } from "./trace_sites.js";

interface Open {
  readonly key: string;
  readonly startNs: number;
  returnNs: number;
}

interface SiteStats {
  readonly frames: readonly SiteFrame[];
  count: number;
  syscallNs: number;
  waitNs: number;
}

export class SyscallProfileObserver implements Observer {
  private readonly open = new Map<number, Open>();
  readonly sites = new Map<string, SiteStats>();
  private endNs = 0;

  constructor(private readonly rt: Runtime) {}

  private enter(e: Readonly<RuntimeEvent>, site: string): void {
    const gp = e.m < 0 ? 0 : (this.rt.allm[e.m]?.curg ?? 0);
    const frames = siteFrames(this.rt, gp, site);
    const key = frames.map((f) => `${f.func}@${f.line}`).join(";");
    let s = this.sites.get(key);
    if (s === undefined) {
      s = { frames, count: 0, syscallNs: 0, waitNs: 0 };
      this.sites.set(key, s);
    }
    s.count++;
    this.open.set(e.goid, { key, startNs: e.timeNs, returnNs: -1 });
  }

  private kernelReturn(goid: number, t: number): void {
    const o = this.open.get(goid);
    if (o !== undefined && o.returnNs < 0) o.returnNs = t;
  }

  private running(goid: number, t: number): void {
    const o = this.open.get(goid);
    if (o === undefined) return;
    this.open.delete(goid);
    if (o.returnNs < 0) o.returnNs = t;
    const s = this.sites.get(o.key)!;
    s.syscallNs += o.returnNs - o.startNs;
    s.waitNs += t - o.returnNs;
  }

  onEvent(e: Readonly<RuntimeEvent>): void {
    switch (e.fn) {
      case "entersyscall":
      case "entersyscallblock":
        this.enter(e, e.site === "cgocall" ? "" : e.site);
        return;
      case "rawsyscall":
        this.enter(e, e.site);
        return;
      case "exitsyscallfast":
      case "exitsyscallfast_pidle":
      case "exitsyscall0":
        this.kernelReturn(e.goid, e.timeNs);
        return;
      case "exitsyscall":
      case "rawsyscall_return":
        this.running(e.goid, e.timeNs);
        return;
      default:
        return;
    }
  }

  onEnd(endTimeNs: number): void {
    this.endNs = endTimeNs;
    for (const goid of [...this.open.keys()]) this.running(goid, endTimeNs);
  }

  /** Totals over all sites (tests, reports). */
  totals(): { count: number; syscallNs: number; waitNs: number } {
    let count = 0;
    let syscallNs = 0;
    let waitNs = 0;
    for (const s of this.sites.values()) {
      count += s.count;
      syscallNs += s.syscallNs;
      waitNs += s.waitNs;
    }
    return { count, syscallNs, waitNs };
  }

  /** The profile as profile.proto bytes (not compressed). */
  encode(): Uint8Array {
    const strings = new Map<string, number>([["", 0]]);
    const str = (s: string): number => {
      let i = strings.get(s);
      if (i === undefined) {
        i = strings.size;
        strings.set(s, i);
      }
      return i;
    };
    const p = new Proto();
    const valueType = (type: string, unit: string): Proto => new Proto().int(1, str(type)).int(2, str(unit));
    for (const [t, u] of [
      ["syscalls", "count"],
      ["syscall", "nanoseconds"],
      ["wait_for_p", "nanoseconds"],
      ["delay", "nanoseconds"],
    ] as const) {
      p.msg(1, valueType(t, u));
    }
    const functions = new Map<string, number>();
    const locations = new Map<string, number>();
    const fnMsgs: Proto[] = [];
    const locMsgs: Proto[] = [];
    const location = (f: SiteFrame): number => {
      const lkey = `${f.func}\u0000${f.file}\u0000${f.line}`;
      let id = locations.get(lkey);
      if (id !== undefined) return id;
      const fkey = `${f.func}\u0000${f.file}`;
      let fid = functions.get(fkey);
      if (fid === undefined) {
        fid = functions.size + 1;
        functions.set(fkey, fid);
        fnMsgs.push(new Proto().int(1, fid).int(2, str(f.func)).int(3, str(f.func)).int(4, str(f.file)));
      }
      id = locations.size + 1;
      locations.set(lkey, id);
      locMsgs.push(new Proto().int(1, id).int(3, 0x401000 + id * 0x10).msg(4, new Proto().int(1, fid).int(2, f.line)));
      return id;
    };
    const keys = [...this.sites.keys()].sort();
    for (const k of keys) {
      const s = this.sites.get(k)!;
      const locs = s.frames.map(location);
      const sw = Math.round(s.syscallNs);
      const ww = Math.round(s.waitNs);
      p.msg(2, new Proto().packed(1, locs).packed(2, [s.count, sw, ww, sw + ww]));
    }
    for (const m of locMsgs) p.msg(4, m);
    for (const m of fnMsgs) p.msg(5, m);
    const delay = str("delay");
    const periodType = valueType("syscalls", "count");
    for (const s of strings.keys()) p.str(6, s);
    p.int(10, Math.round(this.endNs));
    p.msg(11, periodType);
    p.int(12, 1);
    p.int(14, delay);
    return p.bytes();
  }
}

/** A minimal protobuf message builder (varint, length-delimited and packed fields). */
class Proto {
  private readonly parts: number[] = [];

  private uv(v: number): void {
    if (!(v >= 0) || !Number.isInteger(v)) throw new RangeError(`pprof: bad varint ${v}`);
    while (v >= 0x80) {
      this.parts.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.parts.push(v);
  }

  int(field: number, v: number): this {
    this.uv(field << 3);
    this.uv(v);
    return this;
  }

  private raw(field: number, bytes: ArrayLike<number>): this {
    this.uv((field << 3) | 2);
    this.uv(bytes.length);
    for (let i = 0; i < bytes.length; i++) this.parts.push(bytes[i]!);
    return this;
  }

  msg(field: number, m: Proto): this {
    return this.raw(field, m.parts);
  }

  str(field: number, s: string): this {
    const TE = (globalThis as { TextEncoder?: new () => { encode(s: string): Uint8Array } }).TextEncoder;
    return this.raw(field, TE !== undefined ? new TE().encode(s) : Array.from(s, (c) => c.charCodeAt(0) & 0x7f));
  }

  packed(field: number, vs: readonly number[]): this {
    const inner = new Proto();
    for (const v of vs) inner.uv(v);
    return this.raw(field, inner.parts);
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

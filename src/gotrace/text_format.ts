// The text form of the v2 wire format used by Go's trace golden tests:
//
//   Trace Go1.22   (Go1.23, Go1.25, Go1.26: the versions of specs_v2.ts)
//   EventBatch gen=1 m=0 time=0 size=5
//   Frequency freq=15625000
//   Stack id=1 nframes=1
//   	pc=4198400 func=1 file=2 line=7
//   String id=1
//   	data="main.worker"
//
// `parseTextTrace` turns it into wire bytes (one event per line, written
// verbatim: batch sizes are taken from the text, not recomputed), and
// `printTextTrace` turns wire bytes back into text. Also a tiny txtar reader.

import { ALL_ONES, Cursor, TraceError, UnsupportedTraceVersion, fmtU64 } from './common.js';
import { EvEventBatch, EvExperimentalBatch, V2_VERSIONS, namesFor, specsFor } from './specs_v2.js';

const FRAME_FIELDS = ['pc', 'func', 'file', 'line'];

/** Growable byte buffer. */
class ByteWriter {
  buf = new Uint8Array(256);
  len = 0;
  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.len));
    this.buf = nb;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  uv(v: number): void {
    if (v === ALL_ONES) {
      for (let i = 0; i < 9; i++) this.byte(0xff);
      this.byte(0x01);
      return;
    }
    if (v > Number.MAX_SAFE_INTEGER) {
      let b = BigInt(v);
      while (b >= 0x80n) {
        this.byte(Number(b & 0x7fn) | 0x80);
        b >>= 7n;
      }
      this.byte(Number(b));
      return;
    }
    while (v >= 0x80) {
      this.byte((v % 128) | 0x80);
      v = Math.floor(v / 128);
    }
    this.byte(v);
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Encode a uint64 given as text; "18446744073709551615" -> ALL_ONES. */
function parseU64(s: string): number | undefined {
  if (!/^[0-9]+$/.test(s)) return undefined;
  if (s.length < 16) return Number(s);
  const b = BigInt(s);
  if (b > 0xffffffffffffffffn) return undefined;
  if (b === 0xffffffffffffffffn) return ALL_ONES;
  return Number(b);
}

function tokens(line: string): string[] {
  const hash = line.indexOf('#');
  const l = hash >= 0 ? line.slice(0, hash) : line;
  return l.split(/\s+/).filter((t) => t.length > 0);
}

const utf8Enc = (s: string): Uint8Array => {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    pushRune(out, c);
  }
  return Uint8Array.from(out);
};

function pushRune(out: number[], c: number): void {
  if (c < 0x80) out.push(c);
  else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
  else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
}

/** Go's strconv.Unquote for double-quoted and back-quoted strings, to bytes. */
export function goUnquote(q: string): Uint8Array | undefined {
  if (q.length < 2) return undefined;
  if (q[0] === '`') {
    if (q[q.length - 1] !== '`') return undefined;
    return utf8Enc(q.slice(1, -1).replace(/\r/g, ''));
  }
  if (q[0] !== '"' || q[q.length - 1] !== '"') return undefined;
  const out: number[] = [];
  const s = q.slice(1, -1);
  const cps = Array.from(s);
  for (let i = 0; i < cps.length; i++) {
    const ch = cps[i]!;
    if (ch === '"' || ch === '\n') return undefined;
    if (ch !== '\\') {
      pushRune(out, ch.codePointAt(0)!);
      continue;
    }
    const e = cps[++i];
    if (e === undefined) return undefined;
    const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34, "'": 39 };
    if (e in simple) {
      if (e === "'") return undefined; // not valid in a double-quoted string
      out.push(simple[e]!);
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = cps.slice(i + 1, i + 1 + n).join('');
      if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) return undefined;
      const v = parseInt(hex, 16);
      i += n;
      if (e === 'x') out.push(v);
      else {
        if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) return undefined;
        pushRune(out, v);
      }
    } else if (e >= '0' && e <= '7') {
      const oct = cps.slice(i, i + 3).join('');
      if (!/^[0-7]{3}$/.test(oct)) return undefined;
      const v = parseInt(oct, 8);
      if (v > 255) return undefined;
      out.push(v);
      i += 2;
    } else {
      return undefined;
    }
  }
  return Uint8Array.from(out);
}

const HEX = '0123456789abcdef';

function isPrintRune(c: number): boolean {
  if (c < 0x20 || c === 0x7f) return false;
  if (c < 0x7f) return true;
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(String.fromCodePoint(c));
}

/** Go's strconv.Quote applied to raw bytes. */
export function goQuote(b: Uint8Array): string {
  let s = '"';
  let i = 0;
  while (i < b.length) {
    const c0 = b[i]!;
    let r = -1;
    let size = 1;
    if (c0 < 0x80) r = c0;
    else if (c0 >= 0xc2 && c0 < 0xe0 && i + 1 < b.length && (b[i + 1]! & 0xc0) === 0x80) {
      r = ((c0 & 0x1f) << 6) | (b[i + 1]! & 0x3f);
      size = 2;
    } else if (c0 >= 0xe0 && c0 < 0xf0 && i + 2 < b.length && (b[i + 1]! & 0xc0) === 0x80 && (b[i + 2]! & 0xc0) === 0x80) {
      r = ((c0 & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f);
      size = 3;
      if (r < 0x800 || (r >= 0xd800 && r < 0xe000)) r = -1;
    } else if (c0 >= 0xf0 && c0 < 0xf5 && i + 3 < b.length && (b[i + 1]! & 0xc0) === 0x80 && (b[i + 2]! & 0xc0) === 0x80 && (b[i + 3]! & 0xc0) === 0x80) {
      r = ((c0 & 0x07) << 18) | ((b[i + 1]! & 0x3f) << 12) | ((b[i + 2]! & 0x3f) << 6) | (b[i + 3]! & 0x3f);
      size = 4;
      if (r < 0x10000 || r > 0x10ffff) r = -1;
    }
    if (r < 0) {
      s += '\\x' + HEX[c0 >> 4]! + HEX[c0 & 15]!;
      i++;
      continue;
    }
    i += size;
    switch (r) {
      case 0x22:
        s += '\\"';
        continue;
      case 0x5c:
        s += '\\\\';
        continue;
      case 7:
        s += '\\a';
        continue;
      case 8:
        s += '\\b';
        continue;
      case 12:
        s += '\\f';
        continue;
      case 10:
        s += '\\n';
        continue;
      case 13:
        s += '\\r';
        continue;
      case 9:
        s += '\\t';
        continue;
      case 11:
        s += '\\v';
        continue;
    }
    if (isPrintRune(r)) s += String.fromCodePoint(r);
    else if (r < 0x20 || r === 0x7f) s += '\\x' + HEX[r >> 4]! + HEX[r & 15]!;
    else if (r < 0x10000) s += '\\u' + r.toString(16).padStart(4, '0');
    else s += '\\U' + r.toString(16).padStart(8, '0');
  }
  return s + '"';
}

const HEADER_BYTES = (version: number): Uint8Array => {
  const h = new Uint8Array(16);
  const s = `go 1.${version - 1000} trace`;
  for (let i = 0; i < s.length; i++) h[i] = s.charCodeAt(i);
  return h;
};

/**
 * Parse the text form into wire bytes (with the 16-byte binary header).
 * Throws TraceError whose byteOffset is the character offset in the text.
 */
export function parseTextTrace(text: string): { version: number; bytes: Uint8Array } {
  const lines = text.split('\n');
  let li = 0;
  let off = 0;
  const lineOffsets: number[] = [];
  for (const l of lines) {
    lineOffsets.push(off);
    off += l.length + 1;
  }
  const fail: (i: number, msg: string) => never = (i, msg) => {
    throw new TraceError(lineOffsets[Math.min(i, lineOffsets.length - 1)] ?? 0, `text trace line ${i + 1}: ${msg}`);
  };
  const nextLine = (): { toks: string[]; raw: string; idx: number } | undefined => {
    while (li < lines.length) {
      const raw = lines[li]!;
      const toks = tokens(raw);
      li++;
      if (toks.length > 0) return { toks, raw, idx: li - 1 };
    }
    return undefined;
  };
  const hdr = nextLine();
  if (hdr === undefined) throw new TraceError(0, 'text trace: expected header "Trace Go1.NN"');
  if (hdr.toks[0] !== 'Trace') fail(hdr.idx, 'failed to parse header (expected "Trace Go1.NN")');
  const gover = hdr.toks[1] ?? '';
  if (!gover.startsWith('Go1.') || !/^[0-9]+$/.test(gover.slice(4))) fail(hdr.idx, 'failed to parse header Go version');
  if (hdr.toks.length > 2) fail(hdr.idx, 'encountered unexpected non-space at the end of the header');
  const version = 1000 + Number(gover.slice(4));
  if (!V2_VERSIONS.includes(version)) throw new UnsupportedTraceVersion(version - 1000);
  const specs = specsFor(version);
  const names = namesFor(version);
  const w = new ByteWriter();
  w.bytes(HEADER_BYTES(version));

  const readArgs = (toks: string[], from: number, want: readonly string[], idx: number): number[] => {
    const out: number[] = [];
    for (let k = 0; k < want.length; k++) {
      const t = toks[from + k];
      if (t === undefined) fail(idx, 'no argument');
      const eq = t.indexOf('=');
      if (eq < 0) fail(idx, `malformed argument: ${JSON.stringify(t)}`);
      const name = t.slice(0, eq);
      if (name !== want[k]) fail(idx, `expected argument ${JSON.stringify(want[k])}, but got ${JSON.stringify(name)}`);
      const v = parseU64(t.slice(eq + 1));
      if (v === undefined) fail(idx, `failed to parse argument value ${JSON.stringify(t.slice(eq + 1))} for arg ${JSON.stringify(name)}`);
      out.push(v);
    }
    if (toks.length > from + want.length) fail(idx, 'encountered unexpected non-space at the end of an event');
    return out;
  };

  for (let l = nextLine(); l !== undefined; l = nextLine()) {
    const typ = names.get(l.toks[0]!);
    if (typ === undefined) fail(l.idx, `unidentified event: ${l.toks[0]}`);
    const spec = specs[typ]!;
    const args = readArgs(l.toks, 1, spec.args, l.idx);
    w.byte(typ);
    for (const a of args) w.uv(a);
    if (spec.isStack) {
      const n = args[1]!;
      if (n > 1_000_000 || n < 0) fail(l.idx, `too many frames: ${n}`);
      for (let k = 0; k < n; k++) {
        const fl = nextLine();
        if (fl === undefined) fail(lines.length - 1, 'unexpected EOF while reading stack');
        for (const a of readArgs(fl.toks, 0, FRAME_FIELDS, fl.idx)) w.uv(a);
      }
    }
    if (spec.hasData) {
      const dl = nextLine();
      if (dl === undefined) fail(lines.length - 1, `unexpected EOF while reading data for ${spec.name}`);
      const eq = dl.raw.indexOf('=');
      if (eq < 0 || dl.raw.slice(0, eq).trim() !== 'data') fail(dl.idx, `malformed data: ${JSON.stringify(dl.raw)}`);
      const data = goUnquote(dl.raw.slice(eq + 1).trim());
      if (data === undefined) fail(dl.idx, `failed to parse data: ${JSON.stringify(dl.raw)}`);
      w.uv(data.length);
      w.bytes(data);
    }
  }
  return { version, bytes: w.result() };
}

export interface PrintOptions {
  /**
   * Lenient mode (used by dumpTrace): bytes that do not decode as events are
   * printed as a `# undecodable ...` comment line and skipped up to the end
   * of the enclosing batch, instead of throwing.
   */
  readonly lenient?: boolean;
}

/**
 * Print v2 wire bytes (with header) in the text form, one event per line,
 * exactly as Go's raw text writer does.
 */
export function printTextTrace(bytes: Uint8Array, opts: PrintOptions = {}): string {
  if (bytes.length < 16) throw new TraceError(bytes.length, 'expected a 16-byte header');
  let minor = '';
  for (let i = 5; i < 16 && bytes[i]! >= 0x30 && bytes[i]! <= 0x39; i++) minor += String.fromCharCode(bytes[i]!);
  const version = 1000 + Number(minor);
  if (minor === '') throw new TraceError(5, 'expected a minor version number in the header');
  if (!V2_VERSIONS.includes(version)) throw new UnsupportedTraceVersion(Number(minor));
  const specs = specsFor(version);
  const cur = new Cursor(bytes, 16, bytes.length);
  const out: string[] = [`Trace Go1.${version - 1000}`];
  let batchEnd = -1; // end of the current batch payload, if inside one
  while (cur.pos < cur.end) {
    const off = cur.pos;
    try {
      if (batchEnd >= 0 && off >= batchEnd) batchEnd = -1;
      cur.end = batchEnd >= 0 ? batchEnd : bytes.length;
      out.push(printOne(cur, specs, off));
      cur.end = bytes.length;
      // Track the payload of a batch so lenient mode can resynchronise.
      const typ = bytes[off]!;
      if (typ === EvEventBatch || typ === EvExperimentalBatch) {
        const line = out[out.length - 1]!;
        const m = / size=(\d+)$/.exec(line);
        if (m && typ === EvEventBatch) batchEnd = Math.min(bytes.length, cur.pos + Number(m[1]));
      }
    } catch (e) {
      cur.end = bytes.length;
      if (!opts.lenient || !(e instanceof TraceError)) throw e;
      const stop = batchEnd > off ? batchEnd : bytes.length;
      const shown = Array.from(bytes.subarray(off, Math.min(stop, off + 32)), (b) => b.toString(16).padStart(2, '0')).join('');
      out.push(`# undecodable: ${stop - off} bytes at offset ${off}: ${shown}${stop - off > 32 ? '...' : ''}`);
      cur.pos = stop;
      batchEnd = -1;
    }
  }
  return out.join('\n') + '\n';
}

function printOne(cur: Cursor, specs: ReturnType<typeof specsFor>, off: number): string {
  const bytes = cur.buf;
  const typ = cur.byte('event type');
  const spec = specs[typ];
  if (spec === undefined || spec.name === '') throw new TraceError(off, `unknown event type ${typ}`);
  let line = spec.name;
  const args: number[] = [];
  for (const name of spec.args) {
    const v = cur.uv(`argument ${name} of ${spec.name}`);
    args.push(v);
    line += ` ${name}=${fmtU64(v)}`;
  }
  if (spec.isStack) {
    const n = args[1]!;
    if (n < 0 || n * 4 > cur.remaining) throw new TraceError(off, `stack with ${fmtU64(n)} frames does not fit in the remaining ${cur.remaining} bytes`);
    for (let k = 0; k < n * 4; k++) {
      line += k % 4 === 0 ? '\n\t' : ' ';
      line += `${FRAME_FIELDS[k % 4]!}=${fmtU64(cur.uv('stack frame field'))}`;
    }
  }
  if (spec.hasData) {
    const len = cur.uv('data length');
    if (len < 0 || len > cur.remaining) throw new TraceError(cur.pos, `data length ${fmtU64(len)} exceeds the ${cur.remaining} remaining bytes`);
    line += '\n\tdata=' + goQuote(bytes.subarray(cur.pos, cur.pos + len));
    cur.pos += len;
  }
  return line;
}

/** A txtar archive: a comment and named files. */
export interface Txtar {
  readonly comment: string;
  readonly files: ReadonlyMap<string, string>;
}

/** Parse the txtar format ("-- name --" marker lines). */
export function parseTxtar(text: string): Txtar {
  const files = new Map<string, string>();
  const lines = text.split('\n');
  let comment = '';
  let name: string | undefined;
  let buf: string[] = [];
  const flush = (): void => {
    const body = buf.length > 0 ? buf.join('\n') + '\n' : '';
    if (name === undefined) comment = body;
    else files.set(name, body);
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const m = /^-- (.+) --$/.exec(l.replace(/\r$/, ''));
    if (m) {
      flush();
      name = m[1]!.trim();
      buf = [];
      continue;
    }
    if (i === lines.length - 1 && l === '') continue;
    buf.push(l);
  }
  flush();
  return { comment, files };
}

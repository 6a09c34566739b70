// `gosched run --trace out.trace --perfetto out.json --pprof-syscall out.pb.gz`: the writers of
// src/observers attached to a run, streaming to a temporary file next to the target that is renamed
// when the run is over — an interrupted run (Ctrl-C, a crash) never leaves a half file under the
// requested name (docs/outputs.md).
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { GoschedError } from "../base/errors.js";
import { V1Writer } from "../gotrace/writer_v1.js";
import { GoTraceObserver } from "../observers/gotrace_writer.js";
import { PerfettoObserver } from "../observers/perfetto.js";
import { PerfettoProtoEncoder } from "../observers/perfetto_proto.js";
import { SyscallProfileObserver } from "../observers/pprof.js";
import type { ObserverSpec } from "../simulate.js";

const pending = new Set<FileSink>();
let hooks = false;

/** Exit codes of a run ended by a signal, as a shell reports them (128 + the signal's number). */
export const signalExitCodes = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

/** Removes every temporary file still open (an exception, an exit, a signal). */
export function abortPending(): void {
  for (const s of [...pending]) s.abort();
}

function installHooks(): void {
  if (hooks) return;
  hooks = true;
  process.on("exit", abortPending);
  for (const [sig, code] of Object.entries(signalExitCodes)) {
    process.on(sig, () => {
      abortPending();
      process.exit(code);
    });
  }
}

const escapeRe = (s: string): string => s.replace(/[.*+?^$()|[\]{}\\]/g, "\\$&");
const tmpRe = (base: string): RegExp => new RegExp(`^\\.${escapeRe(base)}\\.tmp-(\\d+)-[0-9a-f]+$`);

/** True unless no process has this id (kill -0 answers ESRCH): a live or foreign process keeps its files. */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** Temporary files of this output left by a process that is gone (kill -9, a power cut): removed. */
export function removeStaleTemps(path: string): string[] {
  const dir = dirname(path);
  const re = tmpRe(basename(path));
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const n of names) {
    const m = re.exec(n);
    if (m === null || Number(m[1]) === process.pid || processAlive(Number(m[1]))) continue;
    try {
      unlinkSync(join(dir, n));
      removed.push(join(dir, n));
    } catch {
      // another run removed it first
    }
  }
  return removed;
}

const why = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException).code;
  return code === "EACCES" || code === "EPERM" ? "permission denied" : code === "ENOSPC" ? "no space left on the device" : code === "EROFS" ? "read-only file system" : (code ?? String(e));
};

/**
 * Checks an output path before anything runs: not empty, not a directory, in a folder that exists.
 * `flag` names it in the message ("--trace").
 */
export function checkOutputPath(path: string, flag: string): void {
  if (path.trim() === "") throw new GoschedError("OPTION_INVALID", `${flag} '${path}': expected a file name`);
  if (path.endsWith("/") || basename(path) === "." || basename(path) === "..") throw new GoschedError("OPTION_INVALID", `${flag} ${path}: expected a file, not a folder`);
  let st;
  try {
    st = statSync(path);
  } catch {
    st = null;
  }
  if (st?.isDirectory() === true) throw new GoschedError("OPTION_INVALID", `${flag} ${path}: is a folder; expected a file name (e.g. ${join(path, "out")}${flag === "--plot" ? ".svg" : ""})`);
  const dir = dirname(path);
  let dst;
  try {
    dst = statSync(dir);
  } catch {
    dst = null;
  }
  if (dst === null) throw new GoschedError("OPTION_INVALID", `${flag} ${path}: the folder ${dir} does not exist`);
  if (!dst.isDirectory()) throw new GoschedError("OPTION_INVALID", `${flag} ${path}: ${dir} is not a folder`);
}

/** Refuses two outputs to one file, or an output onto an input. */
export function checkDistinct(outputs: readonly { readonly flag: string; readonly path: string }[], inputs: readonly string[] = []): void {
  const seen = new Map<string, string>();
  for (const i of inputs) seen.set(resolve(i), "the input");
  for (const o of outputs) {
    const r = resolve(o.path);
    const prev = seen.get(r);
    if (prev !== undefined) throw new GoschedError("OPTION_INVALID", `${o.flag} ${o.path}: ${prev} is the same file; give each output its own file`);
    seen.set(r, `${o.flag} ${o.path}`);
  }
}

/**
 * A file written under a temporary name and renamed into place by commit(). The temporary file is
 * created exclusively ("wx": never through a planted symlink or over another file) with a random
 * suffix, in the destination's folder (so the rename stays on one file system); a signal, an
 * exception or the exit removes it, and the next run of the same output removes those of dead runs.
 */
export class FileSink {
  private fd: number;
  readonly tmp: string;
  bytes = 0;
  constructor(
    readonly path: string,
    private readonly flag = "output",
  ) {
    installHooks();
    removeStaleTemps(path);
    this.tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`);
    try {
      this.fd = openSync(this.tmp, "wx", 0o644);
    } catch (e) {
      throw new GoschedError("OPTION_INVALID", `${this.flag} ${path}: cannot create a file in ${dirname(path)} (${why(e)})`);
    }
    pending.add(this);
  }
  write(chunk: Uint8Array | string): void {
    this.bytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
    try {
      if (typeof chunk === "string") writeSync(this.fd, chunk);
      else writeSync(this.fd, chunk);
    } catch (e) {
      throw new GoschedError("OPTION_INVALID", `${this.flag} ${this.path}: cannot write (${why(e)})`);
    }
  }
  commit(): void {
    closeSync(this.fd);
    this.fd = -1;
    try {
      renameSync(this.tmp, this.path);
    } catch (e) {
      this.abort();
      throw new GoschedError("OPTION_INVALID", `${this.flag} ${this.path}: cannot replace the file (${why(e)})`);
    }
    pending.delete(this);
  }
  abort(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    try {
      unlinkSync(this.tmp);
    } catch {
      // already gone
    }
    pending.delete(this);
  }
}

/** Writes a whole file through a FileSink: the old file stays until the new one is complete. */
export function writeFileAtomic(path: string, data: string | Uint8Array, flag: string): number {
  const f = new FileSink(path, flag);
  try {
    f.write(data);
    f.commit();
  } catch (e) {
    f.abort();
    throw e;
  }
  return f.bytes;
}

export interface OutputPaths {
  readonly trace?: string;
  readonly perfetto?: string;
  readonly pprofSyscall?: string;
}

/** Labels as file-name parts: unsafe characters become '_', and names that then collide get -2, -3… */
export function fileLabels(labels: readonly string[]): string[] {
  const used = new Set<string>();
  return labels.map((l) => {
    const safe = l.replace(/[^A-Za-z0-9_.-]+/g, "_").replace(/^\.+/, "_") || "_";
    let name = safe;
    for (let k = 2; used.has(name.toLowerCase()); k++) name = `${safe}-${k}`;
    used.add(name.toLowerCase());
    return name;
  });
}

/** out.trace → out.<label>.trace when a scenario has several runs (.pb.gz kept together). */
export function pathFor(path: string, label: string, multi: boolean): string {
  if (!multi) return path;
  const safe = label.replace(/[^A-Za-z0-9_.-]+/g, "_");
  const dir = dirname(path);
  const base = basename(path);
  const m = /^(.*?)((?:\.pb)?\.gz|\.[^.]*)?$/.exec(base)!;
  return join(dir, `${m[1]!}.${safe}${m[2] ?? ""}`);
}

export interface Outputs {
  readonly observers: ObserverSpec[];
  /** Renames the files into place; returns what was written. */
  finish(): { path: string; bytes: number }[];
  abort(): void;
}

/** The writers for one run. */
export function openOutputs(paths: OutputPaths, label: string, multi: boolean): Outputs {
  const observers: ObserverSpec[] = [];
  const done: (() => { path: string; bytes: number })[] = [];
  const sinks: FileSink[] = [];
  try {
    return open(paths, label, multi, observers, done, sinks);
  } catch (e) {
    for (const s of sinks) s.abort();
    throw e;
  }
}

function open(paths: OutputPaths, label: string, multi: boolean, observers: ObserverSpec[], done: (() => { path: string; bytes: number })[], sinks: FileSink[]): Outputs {
  if (paths.trace !== undefined) {
    const f = new FileSink(pathFor(paths.trace, label, multi), "--trace");
    sinks.push(f);
    const enc = new V1Writer((c) => f.write(c));
    observers.push((rt) => new GoTraceObserver(rt, enc));
    done.push(() => (f.commit(), { path: f.path, bytes: f.bytes }));
  }
  if (paths.perfetto !== undefined) {
    const f = new FileSink(pathFor(paths.perfetto, label, multi), "--perfetto");
    sinks.push(f);
    // out.json: Chrome trace-event JSON; any other name (out.pftrace): Perfetto's protobuf format.
    const json = f.path.toLowerCase().endsWith(".json");
    observers.push((rt) => new PerfettoObserver(rt, json ? (s) => f.write(s) : new PerfettoProtoEncoder((b) => f.write(b))));
    done.push(() => (f.commit(), { path: f.path, bytes: f.bytes }));
  }
  if (paths.pprofSyscall !== undefined) {
    const f = new FileSink(pathFor(paths.pprofSyscall, label, multi), "--pprof-syscall");
    sinks.push(f);
    let prof: SyscallProfileObserver | null = null;
    observers.push((rt) => (prof = new SyscallProfileObserver(rt)));
    done.push(() => {
      const raw = prof!.encode();
      f.write(f.path.endsWith(".gz") ? gzipSync(raw) : raw);
      f.commit();
      return { path: f.path, bytes: f.bytes };
    });
  }
  return {
    observers,
    finish: () => {
      try {
        return done.map((d) => d());
      } catch (e) {
        for (const s of sinks) s.abort();
        throw e;
      }
    },
    abort: () => {
      for (const s of sinks) s.abort();
    },
  };
}

/** Every file the runs will write, checked before any runs: valid paths, no two the same, none an input. */
export function checkRunOutputs(paths: OutputPaths, labels: readonly string[], inputs: readonly string[]): void {
  const flags: [keyof OutputPaths, string][] = [
    ["trace", "--trace"],
    ["perfetto", "--perfetto"],
    ["pprofSyscall", "--pprof-syscall"],
  ];
  const all: { flag: string; path: string }[] = [];
  for (const [k, flag] of flags) {
    const p = paths[k];
    if (p === undefined) continue;
    checkOutputPath(p, flag);
    for (const l of labels) all.push({ flag, path: pathFor(p, l, labels.length > 1) });
  }
  checkDistinct(all, inputs);
}

/** The output flags of `gosched run`. */
export function outputPaths(o: { trace?: string; perfetto?: string; pprofSyscall?: string }): OutputPaths {
  return {
    ...(o.trace !== undefined ? { trace: o.trace } : {}),
    ...(o.perfetto !== undefined ? { perfetto: o.perfetto } : {}),
    ...(o.pprofSyscall !== undefined ? { pprofSyscall: o.pprofSyscall } : {}),
  };
}

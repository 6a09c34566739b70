// `gosched run --trace out.trace --perfetto out.json --pprof-syscall out.pb.gz`: the writers of
// src/observers attached to a run, streaming to a temporary file next to the target that is renamed
// when the run is over — an interrupted run (Ctrl-C, a crash) never leaves a half file under the
// requested name (docs/outputs.md).
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { V1Writer } from "../gotrace/writer_v1.js";
import { GoTraceObserver } from "../observers/gotrace_writer.js";
import { PerfettoObserver } from "../observers/perfetto.js";
import { PerfettoProtoEncoder } from "../observers/perfetto_proto.js";
import { SyscallProfileObserver } from "../observers/pprof.js";
import type { ObserverSpec } from "../simulate.js";

const pending = new Set<FileSink>();
let exitHook = false;

/** A file written under a temporary name and renamed into place by commit(). */
export class FileSink {
  private fd: number;
  readonly tmp: string;
  bytes = 0;
  constructor(readonly path: string) {
    this.tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
    this.fd = openSync(this.tmp, "w");
    pending.add(this);
    if (!exitHook) {
      exitHook = true;
      process.on("exit", () => {
        for (const s of pending) s.abort();
      });
    }
  }
  write(chunk: Uint8Array | string): void {
    this.bytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
    if (typeof chunk === "string") writeSync(this.fd, chunk);
    else writeSync(this.fd, chunk);
  }
  commit(): void {
    closeSync(this.fd);
    this.fd = -1;
    renameSync(this.tmp, this.path);
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

export interface OutputPaths {
  readonly trace?: string;
  readonly perfetto?: string;
  readonly pprofSyscall?: string;
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
  if (paths.trace !== undefined) {
    const f = new FileSink(pathFor(paths.trace, label, multi));
    sinks.push(f);
    const enc = new V1Writer((c) => f.write(c));
    observers.push((rt) => new GoTraceObserver(rt, enc));
    done.push(() => (f.commit(), { path: f.path, bytes: f.bytes }));
  }
  if (paths.perfetto !== undefined) {
    const f = new FileSink(pathFor(paths.perfetto, label, multi));
    sinks.push(f);
    // out.json: Chrome trace-event JSON; any other name (out.pftrace): Perfetto's protobuf format.
    const json = f.path.toLowerCase().endsWith(".json");
    observers.push((rt) => new PerfettoObserver(rt, json ? (s) => f.write(s) : new PerfettoProtoEncoder((b) => f.write(b))));
    done.push(() => (f.commit(), { path: f.path, bytes: f.bytes }));
  }
  if (paths.pprofSyscall !== undefined) {
    const f = new FileSink(pathFor(paths.pprofSyscall, label, multi));
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
    finish: () => done.map((d) => d()),
    abort: () => {
      for (const s of sinks) s.abort();
    },
  };
}

/** The output flags of `gosched run`. */
export function outputPaths(o: { trace?: string; perfetto?: string; pprofSyscall?: string }): OutputPaths {
  return {
    ...(o.trace !== undefined ? { trace: o.trace } : {}),
    ...(o.perfetto !== undefined ? { perfetto: o.perfetto } : {}),
    ...(o.pprofSyscall !== undefined ? { pprofSyscall: o.pprofSyscall } : {}),
  };
}

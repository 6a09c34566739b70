// Shared by the writer tests: run a scenario (examples/*.yaml or YAML text) with the three writers
// attached, collecting their output in memory; locate the Go toolchains.
import type { Machine } from "../../src/runtime/config.js";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { V1Writer } from "../../src/gotrace/writer_v1.js";
import { GoTraceObserver } from "../../src/observers/gotrace_writer.js";
import { PerfettoObserver } from "../../src/observers/perfetto.js";
import { SyscallProfileObserver } from "../../src/observers/pprof.js";
import { loadScenario, type Override } from "../../src/scenario/index.js";
import { simulate, type Simulation } from "../../src/simulate.js";

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/test/writers → repository root. */
export const repoRoot = path.resolve(here, "..", "..", "..");

export interface Written {
  readonly label: string;
  readonly sim: Simulation;
  readonly trace: Uint8Array;
  readonly traceObserver: GoTraceObserver;
  readonly perfetto: string;
  readonly pprof: Uint8Array;
  readonly profile: SyscallProfileObserver;
  /** Sizes of the chunks the trace writer handed to its sink. */
  readonly chunkSizes: number[];
}

export function concat(chunks: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** Runs every variant (or the named ones) of a scenario with all writers attached. */
export function runWithWriters(text: string, file: string, variants: string[] = [], record = true, batchBytes = 4096, machine?: Machine, overrides: Override[] = []): Written[] {
  const sc = loadScenario(text, file, { variants, overrides });
  return sc.runs.map((cr) => {
    const chunks: Uint8Array[] = [];
    const enc = new V1Writer((c) => chunks.push(c.slice()), { batchBytes });
    const json: string[] = [];
    let traceObserver: GoTraceObserver | null = null;
    let perfetto: PerfettoObserver | null = null;
    let profile: SyscallProfileObserver | null = null;
    const sim = simulate({
      ...cr.options,
      ...(machine !== undefined ? { machine: { ...cr.options.machine, ...machine } } : {}),
      observers: [
        (rt) => (traceObserver = new GoTraceObserver(rt, enc, { record })),
        (rt) => (perfetto = new PerfettoObserver(rt, (s) => json.push(s))),
        (rt) => (profile = new SyscallProfileObserver(rt)),
      ],
    });
    return {
      label: cr.label,
      sim,
      trace: concat(chunks),
      traceObserver: traceObserver!,
      perfetto: json.join(""),
      pprof: profile!.encode(),
      profile: profile!,
      chunkSizes: chunks.map((c) => c.length),
    };
    void perfetto;
  });
}

/** Runs an example's variants; `profile` overrides the Go version profile (as `--profile` does). */
export function runExample(name: string, variants: string[] = [], profile?: string): Written[] {
  const file = path.join(repoRoot, "examples", name);
  const overrides = profile === undefined ? [] : [{ key: "profile", value: profile, source: `--profile ${profile}` }];
  return runWithWriters(readFileSync(file, "utf8"), file, variants, true, 4096, undefined, overrides);
}

export const go119 = "/usr/lib/go-1.19/bin/go";
export const go123 = "/usr/lib/go-1.23/bin/go";
export const go126 = "/usr/lib/go-1.26/bin/go";
export const go127 = "/usr/lib/go-1.27/bin/go";

/** Why a Go toolchain test cannot run, or null when it can. */
export function missingGo(bin: string): string | null {
  if (!existsSync(bin)) return `${bin} not found: install it with tools/install-go.sh (Debian golang-1.19-go; golang-1.23-go from bookworm-backports; golang-1.26-go, golang-1.27-go from trixie-backports)`;
  const r = spawnSync(bin, ["version"], { encoding: "utf8", env: { ...process.env, GOTOOLCHAIN: "local" } });
  if (r.status !== 0) return `${bin} version failed: ${r.stderr}`;
  return null;
}

export function tmpFile(name: string, bytes: Uint8Array | string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "gosched-writers-"));
  const p = path.join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

/** Runs a Go tool; returns stdout, or throws with its stderr. */
export function goTool(bin: string, args: string[]): string {
  return execFileSync(bin, args, {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, GOTOOLCHAIN: "local", HOME: process.env.HOME ?? tmpdir() },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

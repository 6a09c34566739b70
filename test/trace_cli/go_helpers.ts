// Building and running testdata/go/traced with the installed Go toolchains (tools/install-go.sh), for the trace CLI tests
// and the parse benchmark. Binaries are cached in os.tmpdir() by a hash of the source and the Go
// version; a missing toolchain is reported by the caller (skip with a message, never a silent pass).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository root (this file runs from dist/test/trace_cli or dist/bench). */
export const repoRoot = path.resolve(here, "..", "..", "..");
export const tracedDir = path.join(repoRoot, "testdata", "go", "traced");

export const goToolchains = {
  "1.19": "/usr/lib/go-1.19/bin/go",
  "1.23": "/usr/lib/go-1.23/bin/go",
  "1.25": "/usr/lib/go-1.25/bin/go",
  "1.26": "/usr/lib/go-1.26/bin/go",
  "1.27": "/usr/lib/go-1.27/bin/go",
} as const;
export type GoVersion = keyof typeof goToolchains;

/** The go binary of a version, or null when it is not installed. */
export function goBinary(v: GoVersion): string | null {
  const p = process.env[`GOSCHED_GO_${v.replace(".", "_")}`] ?? goToolchains[v];
  return existsSync(p) ? p : null;
}

function goEnv(): NodeJS.ProcessEnv {
  const cache = path.join(tmpdir(), "gosched-go-cache");
  return { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod", GOCACHE: path.join(cache, "build"), GOPATH: path.join(cache, "path"), GO111MODULE: "on" };
}

/** Builds testdata/go/traced with Go `v` (cached); returns the binary's path. */
export function buildTraced(v: GoVersion): string {
  const go = goBinary(v);
  if (go === null) throw new Error(`Go ${v} is not installed at ${goToolchains[v]}`);
  const src = readFileSync(path.join(tracedDir, "main.go"));
  const hash = createHash("sha256").update(src).update(readFileSync(path.join(tracedDir, "go.mod"))).update(go).digest("hex").slice(0, 16);
  const dir = path.join(tmpdir(), "gosched-traced");
  mkdirSync(dir, { recursive: true });
  const bin = path.join(dir, `traced-go${v}-${hash}`);
  if (existsSync(bin)) return bin;
  const tmp = `${bin}.${process.pid}.tmp`;
  const r = spawnSync(go, ["build", "-o", tmp, "."], { cwd: tracedDir, env: goEnv(), encoding: "utf8" });
  if (r.status !== 0) throw new Error(`go ${v} build failed:\n${r.stderr}`);
  renameSync(tmp, bin);
  return bin;
}

/** What the traced program says it did while tracing (its last line of output). */
export interface TracedDid {
  readonly getpid: number;
  readonly nanosleep: number;
  readonly gomaxprocs: number;
  readonly workers: number;
  /** Goroutines main started while tracing. */
  readonly goroutines: number;
}

/** Runs the traced program; returns the trace file's path and what it did. GOGC=off: no GC cycles in the trace. */
export function runTracedDid(v: GoVersion, out: string, args: readonly string[] = []): { file: string; did: TracedDid } {
  const bin = buildTraced(v);
  // GOGC=off: no GC cycles in the trace — unless the run asks for heap garbage (-garbage).
  const r = spawnSync(bin, ["-o", out, ...args], { env: { ...process.env, GOGC: args.includes("-garbage") ? "100" : "off" }, encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`traced (go ${v}) failed: ${r.stderr}`);
  const last = r.stdout.trim().split("\n").pop() ?? "";
  return { file: out, did: JSON.parse(last) as TracedDid };
}

/** Runs the traced program; returns the trace file's path. */
export function runTraced(v: GoVersion, out: string, args: readonly string[] = []): string {
  return runTracedDid(v, out, args).file;
}

/** The trace header Go `v` writes (Go 1.24 writes 1.23's format, 1.27 writes 1.26's). */
export function traceHeaderOf(v: GoVersion): string {
  return { "1.19": "go 1.19", "1.23": "go 1.23", "1.25": "go 1.25", "1.26": "go 1.26", "1.27": "go 1.26" }[v];
}

// Trace parse benchmark: node dist/bench/trace_parse.js [--mb 110] [--keep]
//
// Generates a large execution trace (≥ --mb MB, default 110) with testdata/go/traced -bench, in
// both formats (Go 1.19: old, Go 1.23: new), into os.tmpdir() (not committed), then times on the
// same file in the same run:
//   - ours: iterateTrace (streaming; events counted), readTrace (whole trace parsed into the
//     columnar store), and readTrace + a walk over `events` (a TraceEvent per event), each in its
//     own child process so that its peak RSS is its own;
//   - Go's: `go tool trace -pprof=syscall` of the same Go version (its reader + the syscall profile).
// Reported: MB/s, wall time, peak RSS, peak RSS above an idle node process (ours) relative to the
// file size (the input buffer included), and what the parsed trace still holds after a full GC
// (child run with --expose-gc: JS heap + external memory above the same before parsing, the input
// excluded) relative to the file size. Goals (issue #5): ≥ 3× Go's throughput, memory ≤ 2× the file size.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { iterateTrace, readTrace } from "../src/gotrace/reader.js";
import { buildTraced, goBinary, runTraced, type GoVersion } from "../test/trace_cli/go_helpers.js";

const self = fileURLToPath(import.meta.url);

interface ChildResult {
  readonly ms: number;
  readonly events: number;
  readonly maxRssKB: number;
  /** After a full GC with the result still held: JS heap + external memory above the same before parsing (the input excluded). */
  readonly retainedBytes: number;
}

/** JS heap + memory outside it (typed arrays' buffers…), after a full GC (node --expose-gc). */
function heldBytes(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** The parsed trace, reachable until its memory is measured. */
export let keepAlive: unknown = null;

/** In the child: parse once, print the time, event count and peak RSS. */
function child(mode: string, file: string): void {
  // A view of the read buffer, not a copy (a copy would double the input's share of the peak RSS).
  const buf = readFileSync(file);
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const before = heldBytes();
  const t0 = performance.now();
  let events = 0;
  if (mode === "iterate") {
    for (const ev of iterateTrace(bytes)) if (ev.tsNs >= 0) events++;
  } else if (mode === "read") {
    const t = readTrace(bytes);
    events = t.events.length;
    keepAlive = t;
  } else if (mode === "read+walk") {
    // readTrace, then every event as a TraceEvent (the events list creates them on access).
    const t = readTrace(bytes);
    for (const ev of t.events) if (ev.tsNs >= 0) events++;
    keepAlive = t;
  }
  const ms = performance.now() - t0;
  const retainedBytes = heldBytes() - before;
  const r: ChildResult = { ms, events, maxRssKB: process.resourceUsage().maxRSS, retainedBytes };
  process.stdout.write(JSON.stringify(r));
}

function runChild(mode: string, file: string): ChildResult {
  const r = spawnSync(process.execPath, ["--max-old-space-size=8192", "--expose-gc", self, "--child", mode, file], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`child ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ChildResult;
}

/** `go tool trace -pprof=syscall` under /usr/bin/time: wall seconds and peak RSS (kB). */
function runGo(v: GoVersion, file: string): { ms: number; maxRssKB: number } | string {
  const go = goBinary(v)!;
  if (!existsSync("/usr/bin/time")) return "/usr/bin/time not installed";
  const t0 = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%M", go, "tool", "trace", "-pprof=syscall", file], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
    env: { ...process.env, GOTOOLCHAIN: "local" },
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) return `go ${v} tool trace failed: ${r.stderr.slice(-500)}`;
  const lines = r.stderr.trim().split("\n");
  return { ms, maxRssKB: Number(lines[lines.length - 1]) };
}

function generate(v: GoVersion, targetMB: number): string {
  const file = path.join(tmpdir(), `gosched-bench-go${v}.trace`);
  if (existsSync(file) && statSync(file).size >= targetMB * 1e6) return file;
  buildTraced(v);
  // Calibrate bytes per call on a small run, then size the real one.
  const probe = path.join(tmpdir(), `gosched-bench-go${v}-probe.trace`);
  runTraced(v, probe, ["-bench", "-procs", "2", "-workers", "8", "-iters", "20000"]);
  const perCall = statSync(probe).size / (8 * 20000);
  rmSync(probe);
  const iters = Math.ceil((targetMB * 1e6 * 1.05) / perCall / 8);
  runTraced(v, file, ["-bench", "-procs", "2", "-workers", "8", "-iters", String(iters)]);
  return file;
}

function main(): void {
  const argv = process.argv.slice(2);
  if (argv[0] === "--child") return child(argv[1]!, argv[2]!);
  const mbArg = argv.indexOf("--mb");
  const targetMB = mbArg >= 0 ? Number(argv[mbArg + 1]) : 110;
  const keep = argv.includes("--keep");
  const idle = runChild("none", self);
  const rows: string[][] = [["trace", "size", "reader", "events", "time", "MB/s", "peak RSS", "RSS−idle / size", "held / size", "vs Go"]];
  const findings: string[] = [];
  for (const v of ["1.19", "1.23"] as GoVersion[]) {
    if (goBinary(v) === null) {
      findings.push(`go${v}: not installed — skipped (no trace of this format generated)`);
      continue;
    }
    const t0 = performance.now();
    const file = generate(v, targetMB);
    const size = statSync(file).size;
    const mb = size / 1e6;
    process.stderr.write(`go${v}: ${mb.toFixed(1)} MB trace ready (${((performance.now() - t0) / 1e3).toFixed(1)} s)\n`);
    const goRes = runGo(v, file);
    const goMBs = typeof goRes === "string" ? NaN : mb / (goRes.ms / 1e3);
    if (typeof goRes === "string") findings.push(`go${v}: ${goRes}`);
    else rows.push([`go${v}`, `${mb.toFixed(1)} MB`, `go tool trace -pprof=syscall (go${v})`, "", `${(goRes.ms / 1e3).toFixed(2)} s`, goMBs.toFixed(1), `${(goRes.maxRssKB / 1024).toFixed(0)} MB`, `${((goRes.maxRssKB * 1024) / size).toFixed(2)}×`, "", "1.00×"]);
    for (const mode of ["iterate", "read", "read+walk"]) {
      const r = runChild(mode, file);
      const mbs = mb / (r.ms / 1e3);
      const extra = ((r.maxRssKB - idle.maxRssKB) * 1024) / size;
      rows.push([`go${v}`, `${mb.toFixed(1)} MB`, mode === "iterate" ? "gosched iterateTrace" : mode === "read" ? "gosched readTrace" : "gosched readTrace + walk events", String(r.events), `${(r.ms / 1e3).toFixed(2)} s`, mbs.toFixed(1), `${(r.maxRssKB / 1024).toFixed(0)} MB`, `${extra.toFixed(2)}×`, mode === "iterate" ? "" : `${(r.retainedBytes / size).toFixed(2)}×`, Number.isNaN(goMBs) ? "" : `${(mbs / goMBs).toFixed(2)}×`]);
      const heldNote = mode === "iterate" ? "" : `; the parsed trace holds ${(r.retainedBytes / size).toFixed(2)}× the file besides the input (heap + external after a full GC)`;
      findings.push(`go${v} ${mode}: ${mbs >= 3 * goMBs ? "meets" : "misses"} ≥3× Go (${(mbs / goMBs).toFixed(2)}×); memory ${extra <= 2 ? "meets" : "misses"} ≤2× file (peak ${extra.toFixed(2)}×, RSS above an idle node of ${(idle.maxRssKB / 1024).toFixed(0)} MB; the input buffer itself is 1×${heldNote})`);
    }
    if (!keep) rmSync(file);
  }
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  process.stdout.write(rows.map((r) => r.map((c, i) => (i < 3 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join("  ")).join("\n") + "\n\n");
  for (const f of findings) process.stdout.write(`- ${f}\n`);
}

main();

// node dist/bench/startup.js [runs]: gosched against the real Go program, process to process
// (issue #17; method in docs/performance.md). Builds testdata/go/syscall with Go 1.23, then times,
// alternating A and B and taking the median of the pair-by-pair ratios:
//   1. the seed workload (256 goroutines × 100 × Syscall(nanosleep 1 ms), GOMAXPROCS 4):
//      `gosched run examples/seed-workload.yaml --variant P4` vs `syscall -procs 4 -g 256 -d 1000 -n 100`;
//   2. a 16-value GOMAXPROCS sweep of it: one `gosched sweep … --param gomaxprocs=1,…,16` vs the
//      real program run 16 times, one GOMAXPROCS each.
//   3. the same sweep in gosched's own thread (--workers 0: one module load and one JIT warm-up
//      instead of one per worker thread);
//   4. the floor under any gosched command: `node -e 0`, and `gosched run` of a one-goroutine
//      scenario (Node's start-up plus loading the CLI, no simulation to speak of).
// Wall-clock seconds, whole processes (start-up included). The load average is printed: on a
// loaded machine a CPU-bound process (gosched) is slowed far more than a sleeping one (the Go
// program mostly waits in nanosleep), so compare ratios taken on a quiet machine.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const goBin = process.env.GO ?? "/usr/lib/go-1.23/bin/go";
const runs = Number(process.argv[2] ?? 5);

function buildSyscallProgram(): string {
  const dir = mkdtempSync(join(tmpdir(), "gosched-bench-"));
  for (const sub of ["syscall", "_shared"]) {
    for (const f of readdirSync(join(root, "testdata", "go", sub))) if (!existsSync(join(dir, f))) cpSync(join(root, "testdata", "go", sub, f), join(dir, f));
  }
  writeFileSync(join(dir, "go.mod"), "module gosched.bench/syscall\n\ngo 1.19\n");
  const bin = join(dir, "syscall");
  // The programs read runtime.allp through //go:linkname (Go ≥ 1.23 needs the check off).
  const r = spawnSync(goBin, ["build", "-ldflags=-checklinkname=0", "-o", bin, "."], { cwd: dir, encoding: "utf8", env: { ...process.env, GOFLAGS: "-mod=mod" } });
  if (r.status !== 0) throw new Error(`go build failed: ${r.stderr}`);
  return bin;
}

function wallSeconds(cmd: readonly string[][]): number {
  const t0 = performance.now();
  for (const [file, ...args] of cmd) {
    const r = spawnSync(file!, args, { stdio: "ignore" });
    if (r.status !== 0) throw new Error(`${file} ${args.join(" ")}: exit ${r.status}`);
  }
  return (performance.now() - t0) / 1000;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function compare(label: string, a: string[][], b: string[][]): void {
  wallSeconds(a); // warm-up (file cache)
  wallSeconds(b);
  const ta: number[] = [];
  const tb: number[] = [];
  const ratio: number[] = [];
  for (let i = 0; i < runs; i++) {
    const x = wallSeconds(a);
    const y = wallSeconds(b);
    ta.push(x);
    tb.push(y);
    ratio.push(y / x);
  }
  console.log(`${label}: gosched ${median(ta).toFixed(3)} s, real Go ${median(tb).toFixed(3)} s; gosched is ${median(ratio).toFixed(2)}× faster (median of ${runs} pairs; ratio min ${Math.min(...ratio).toFixed(2)}, max ${Math.max(...ratio).toFixed(2)})`);
}

function floor(label: string, cmd: string[]): void {
  wallSeconds([cmd]);
  const t = Array.from({ length: Math.max(runs, 5) }, () => wallSeconds([cmd]));
  console.log(`${label}: ${median(t).toFixed(3)} s (median of ${t.length}; min ${Math.min(...t).toFixed(3)})`);
}

const gosched = [process.execPath, join(root, "bin", "gosched.js")];
const scenario = join(root, "examples", "seed-workload.yaml");
const prog = buildSyscallProgram();
console.log(`node ${process.version}, ${goBin}; load average ${loadavg().map((x) => x.toFixed(2)).join(" ")} (before)`);
compare("seed workload, GOMAXPROCS 4", [[...gosched, "run", scenario, "--variant", "P4"]], [[prog, "-procs", "4", "-g", "256", "-d", "1000", "-n", "100"]]);
const procs = Array.from({ length: 16 }, (_, i) => i + 1);
const sweep = [...gosched, "sweep", scenario, "--variant", "P4", "--param", `gomaxprocs=${procs.join(",")}`];
const goSweep = procs.map((p) => [prog, "-procs", String(p), "-g", "256", "-d", "1000", "-n", "100"]);
compare("16-value GOMAXPROCS sweep", [sweep], goSweep);
compare("16-value GOMAXPROCS sweep, --workers 0", [[...sweep, "--workers", "0"]], goSweep);
// The floor: Node alone, and gosched with (almost) nothing to simulate.
const tinyDir = mkdtempSync(join(tmpdir(), "gosched-bench-"));
const tiny = join(tinyDir, "tiny.yaml");
writeFileSync(tiny, "name: tiny\nprograms:\n  w: [{ compute: 1us }]\ngoroutines: [{ program: w }]\n");
floor("node -e 0", [process.execPath, "-e", "0"]);
floor("gosched run of a one-goroutine scenario", [...gosched, "run", tiny]);
rmSync(tinyDir, { recursive: true, force: true });
console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(" ")} (after)`);

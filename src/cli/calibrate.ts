// gosched calibrate: measure this machine's costs with a Go toolchain (programs of testdata/go/,
// run through tools/run-go-validation.mjs) and write a cost profile for `run`/`validate --costs`.
//   entersyscall+exitsyscall = Syscall(getpid) − RawSyscall(getpid) per call (short -mode both);
//   cgocall's extra = cgo getpid() − Syscall(getpid);
//   the sleep model = RawSyscall(nanosleep d) latency − d for d = 1 µs … 10 ms (raw -g 1), with the
//     thread's timer slack from /proc/self/timerslack_ns;
//   thread start = sysmon's take of a P → the thread newm created for it takes the P, in a real
//     execution trace (newm, Go ≥ 1.22: src/gotrace/newm_latency.ts), and within it allocm's borrow
//     of the P; clone() as newosproc calls it, on the parent's thread (clone, cgo): cloneNs = allocm +
//     clone. With an older Go the trace is taken with an installed Go ≥ 1.22; without one, thread
//     start falls back to `go f()` → f running on a new thread
//     (spawn -mode new, the method of testdata/calibration) minus the spinning M's usleep(3); the
//     same via a woken idle thread (spawn -mode idle, the Go-level wake) is reported only;
//   futex wake = FUTEX_WAKE → the woken thread runs, two pinned threads (futex -cpus cross|same):
//     onto another, idle CPU (the wake's median and spread) against onto the waker's CPU (the IPI);
//   exitsyscall's take-back of its old P = ProcSteal → the goroutine's next GoSyscallBegin in a real
//     trace of the P's relay among 256 goroutines' 1 ms syscalls (syscall under GOSCHED_TRACE, Go ≥
//     1.22: src/gotrace/takeback.ts), less its fastest (p5), with an installed Go ≥ 1.22 for older ones.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { GoschedError } from "../base/errors.js";
import { newmLatencies } from "../gotrace/newm_latency.js";
import { takeBackWindows } from "../gotrace/takeback.js";
import { bodyQuantileKeys, costProfileFrom, latencyQuantilesOf, medianOf, medianQuantiles, type CalibrationMeasurements, type CostProfile, type LatencyQuantiles } from "../validation/index.js";
import { out } from "./common.js";
import { exitCodes, type CliOptions } from "./options.js";
import { checkOutputPath, writeFileAtomic } from "./outputs.js";
import { findToolchains, installHint, loadGoRunner, type GoRunner } from "./validate.js";

const SLEEP_DS_US = [1, 10, 100, 1000, 10_000];

export async function calibrateCommand(o: CliOptions): Promise<number> {
  if (o.write !== undefined) checkOutputPath(o.write, "--write"); // refused before minutes of measuring
  const runner = await loadGoRunner();
  const gos = findToolchains(runner, o.go);
  if (gos.length === 0) {
    process.stderr.write(`gosched calibrate: no Go toolchain found (looked for ${runner.DEFAULT_GOS.join(", ")}); ${installHint}, or pass --go PATH\n`);
    return exitCodes.badInput;
  }
  const goBin = gos[0]!;
  const reps = o.reps ?? 5;
  const timeoutS = o.timeout ?? 60;
  if (!(reps >= 1)) throw new GoschedError("OPTION_INVALID", `--reps ${reps}: expected ≥ 1`);
  const log = o.quiet === true ? () => {} : (s: string) => process.stderr.write(`[calibrate] ${s}\n`);
  const profile = measureMachine(runner, goBin, { reps, timeoutS }, log);
  const text = JSON.stringify(profile, null, 2);
  if (o.write !== undefined) {
    writeFileAtomic(o.write, `${text}\n`, "--write"); // the old profile stays until the new one is whole
    log(`wrote ${o.write}`);
  } else out(text);
  return exitCodes.ok;
}

/** Measures this machine with one Go toolchain: the cost profile `run`/`validate --costs` read (validate calls it first). */
export function measureMachine(runner: GoRunner, goBin: string, o: { reps: number; timeoutS: number }, log: (s: string) => void): CostProfile {
  const { reps, timeoutS } = o;
  const version = runner.goVersion(goBin);
  const run = (program: string, flags: string[], key: string): number => {
    const r = runner.runCase(goBin, version, program, flags, { reps, timeoutS }, log);
    const v = r.median[key];
    if (r.ok === 0 || v === undefined) throw new GoschedError("OPTION_INVALID", `calibrate: ${program} ${flags.join(" ")} gave no ${key}`);
    log(`${program} ${flags.join(" ")}: ${key} = ${Math.round(v)} (median of ${r.ok})`);
    return v;
  };
  const load = os.loadavg()[0]!;
  log(`measuring with ${version} (${goBin}); load average ${load.toFixed(2)} on ${os.cpus().length} CPUs${load > 0.5 ? " — other work is running: figures will be noisier" : ""}`);
  const enterExitNs = run("short", ["-procs", "1", "-mode", "both"], "entersyscallExitsyscallNs");
  const syscallGetpidNs = run("short", ["-procs", "1", "-mode", "syscall"], "syscall.nsPerCall");
  const rawGetpidNs = run("short", ["-procs", "1", "-mode", "raw"], "raw.nsPerCall");
  const cgoGetpidNs = run("cgo", ["-procs", "1", "-mode", "getpid"], "nsPerCall");
  // nanosleep(d) in RawSyscall, one goroutine: the median overhead and the latency's quantiles.
  const sleepQuantilesNs: [number, LatencyQuantiles][] = [];
  const sleepOverheadNs = SLEEP_DS_US.map((d) => {
    const n = Math.min(500, Math.max(20, Math.round(100_000 / (d + 60))));
    const flags = ["-procs", "1", "-g", "1", "-d", String(d), "-n", String(n)];
    const r = runner.runCase(goBin, version, "raw", flags, { reps, timeoutS }, log);
    const q = r.ok > 0 ? quantiles(r, "syscallLatencyNs") : null;
    if (q === null) throw new GoschedError("OPTION_INVALID", `calibrate: raw ${flags.join(" ")} gave no syscallLatencyNs quantiles`);
    log(`raw ${flags.join(" ")}: latency min ${Math.round(q.min)} p50 ${Math.round(q.p50)} p99 ${Math.round(q.p99)} max ${Math.round(q.max)} (medians of ${r.ok})`);
    sleepQuantilesNs.push([d * 1000, q]);
    return [d * 1000, Math.round(q.p50 - d * 1000 - rawGetpidNs)] as const;
  });
  // spawn: several processes; the idle wake is sensitive to the other CPU's load, so take the
  // lowest median of the repetitions' p50s as the uncontended figure (reported with the median)
  const spawn = (mode: string): { p50: number; low: number; q: LatencyQuantiles | null } => {
    const r = runner.runCase(goBin, version, "spawn", ["-procs", "3", "-mode", mode, "-gap", "20000", "-n", "15"], { reps, timeoutS }, log);
    const xs = (r.reps as Record<string, unknown>[]).map((x) => x["latencyNs.p50"]).filter((x): x is number => typeof x === "number");
    if (xs.length === 0) throw new GoschedError("OPTION_INVALID", `calibrate: spawn -mode ${mode} failed`);
    const p50 = medianOf(xs);
    const low = Math.min(...xs);
    log(`spawn -mode ${mode}: go f() → f running p50 ${Math.round(p50)} ns (lowest rep ${Math.round(low)})`);
    return { p50, low, q: r.ok > 0 ? quantiles(r, "latencyNs") : null };
  };
  const spawnNew = spawn("new");
  const spawnIdle = spawn("idle");
  // a futex wake below the runtime: onto the waker's own CPU, then (with 2 CPUs allowed) another one
  const futex = (cpus: "same" | "cross"): { q: LatencyQuantiles | null; allowedCpus: number } => {
    const flags = ["-cpus", cpus, "-n", "1000", "-gap", "200"];
    const r = runner.runCase(goBin, version, "futex", flags, { reps, timeoutS }, log);
    if (r.ok === 0) throw new GoschedError("OPTION_INVALID", `calibrate: futex ${flags.join(" ")} failed`);
    const q = quantiles(r, "latencyNs");
    if (q !== null) log(`futex ${flags.join(" ")}: wake → woken thread running min ${Math.round(q.min)} p50 ${Math.round(q.p50)} p90 ${Math.round(q.p90 ?? NaN)} p99 ${Math.round(q.p99)} ns (medians of ${r.ok})`);
    return { q, allowedCpus: r.median.allowedCpus ?? 0 };
  };
  const threads = measureNewm(runner, goBin, version, { reps, timeoutS }, log);
  const clone = measureClone(runner, goBin, version, { reps, timeoutS }, log);
  const takeBack = measureTakeBack(runner, goBin, version, { reps, timeoutS }, log);
  const futexSame = futex("same");
  const futexCross = futexSame.allowedCpus >= 2 ? futex("cross") : null;
  if (futexCross === null) log(`futex -cpus cross: skipped, ${futexSame.allowedCpus} CPU allowed — no wake onto another CPU to measure`);
  const machine = runner.machineInfo();
  const x: CalibrationMeasurements = {
    enterExitNs,
    syscallGetpidNs,
    rawGetpidNs,
    cgoGetpidNs,
    sleepOverheadNs,
    timerSlackNs: machine.timerslackNs ?? 50_000,
    ncpu: machine.cpus,
    spawnNewNs: spawnNew.p50,
    spawnIdleNs: spawnIdle.low,
    sleepQuantilesNs,
    ...(spawnNew.q !== null ? { spawnNewQuantilesNs: spawnNew.q } : {}),
    ...(spawnIdle.q !== null ? { spawnIdleQuantilesNs: spawnIdle.q } : {}),
    ...(futexSame.q !== null ? { futexSameCpuQuantilesNs: futexSame.q } : {}),
    ...(futexCross !== null && futexCross.q !== null ? { futexOtherCpuQuantilesNs: futexCross.q } : {}),
    ...("skipped" in threads ? {} : { newmStartQuantilesNs: threads.start, newmGoVersion: threads.goVersion, ...(threads.borrow !== null ? { allocmBorrowQuantilesNs: threads.borrow } : {}) }),
    ...("skipped" in clone ? {} : { cloneParentQuantilesNs: clone.parent, cloneChildStartQuantilesNs: clone.childStart }),
    ...("skipped" in takeBack ? {} : { takeBackQuantilesNs: takeBack.q, takeBackGoVersion: takeBack.goVersion }),
    ...("skipped" in threads || "skipped" in clone || "skipped" in takeBack
      ? { skipped: { ...("skipped" in threads ? { newm: threads.skipped } : {}), ...("skipped" in clone ? { clone: clone.skipped } : {}), ...("skipped" in takeBack ? { takeBack: takeBack.skipped } : {}) } }
      : {}),
  };
  const profile = costProfileFrom(x, { goVersion: version, date: new Date().toISOString() });
  return { ...profile, measured: { ...profile.measured, loadAverage: load, cpu: machine.cpu, kernel: machine.kernel, ...(machine.schedVcpuPack !== null ? { schedVcpuPack: machine.schedVcpuPack } : {}), reps } };
}

/** A latency's quantiles as a program printed them (medians over its runs), or null. */
function quantiles(r: { median: Record<string, number> }, prefix: string): LatencyQuantiles | null {
  const q = { min: r.median[`${prefix}.min`], p50: r.median[`${prefix}.p50`], p99: r.median[`${prefix}.p99`], max: r.median[`${prefix}.max`] };
  if (![q.min, q.p50, q.p99, q.max].every((v) => typeof v === "number")) return null;
  // the body between p50 and p99 where the programs print it (p5 … p99.9)
  const body = Object.fromEntries(bodyQuantileKeys.flatMap((k) => (typeof r.median[`${prefix}.${k}`] === "number" ? [[k, r.median[`${prefix}.${k}`]!]] : [])));
  return { ...(q as LatencyQuantiles), ...body };
}

const newmGoroutines = 64;
const q3 = (q: LatencyQuantiles): string => `p10 ${(q.p10! / 1000).toFixed(1)} p50 ${(q.p50 / 1000).toFixed(1)} p90 ${(q.p90! / 1000).toFixed(1)} µs`;

/**
 * Thread creation as the runtime does it: testdata/go/newm under runtime/trace (GOMAXPROCS 1, 64
 * goroutines each in one 20 ms Syscall(nanosleep): sysmon retakes each P and newm creates a thread
 * for it), one trace per process; the quantiles of each process's take → new thread's ProcStart and
 * allocm borrows, medians over the processes. Go ≤ 1.21 writes the old trace format, which has no
 * ProcSteal: the first installed toolchain ≥ Go 1.22 measures it instead, or it is skipped, saying why.
 */
function measureNewm(runner: GoRunner, goBin: string, version: string, o: { reps: number; timeoutS: number }, log: (s: string) => void): { start: LatencyQuantiles; borrow: LatencyQuantiles | null; goVersion: string } | { skipped: string } {
  const skip = (why: string) => {
    log(`newm: skipped, ${why}; thread start from spawn -mode new instead`);
    return { skipped: why };
  };
  if (!runner.versionAtLeast(version, 1, 22)) {
    // newm (allocm borrowing the P, newosproc's clone) is the same in every version since Go 1.19:
    // measure it with an installed toolchain whose trace shows it.
    const newer = newerTracer(runner, goBin);
    if (newer === undefined) return skip(`${version} writes the old trace format (no ProcSteal events) and no installed toolchain ≥ Go 1.22 was found: the traced thread creation needs one`);
    const newerVersion = runner.goVersion(newer);
    log(`newm: ${version} writes the old trace format (no ProcSteal events); thread creation, the same since Go 1.19, is measured with ${newerVersion}`);
    return measureNewm(runner, newer, newerVersion, o, log);
  }
  const bin = runner.build(goBin, version, "newm", log);
  const starts: LatencyQuantiles[] = [];
  const borrows: LatencyQuantiles[] = [];
  let threadsCreated = 0;
  let newThreads = 0;
  const unread = tracedRuns(runner, bin, "newm", (file) => ({ flags: ["-procs", "1", "-g", String(newmGoroutines), "-d", "20000", "-trace", file] }), o, log, (r, bytes) => {
    const t = newmLatencies(bytes);
    threadsCreated += typeof r.threadsCreated === "number" ? r.threadsCreated : 0;
    newThreads += t.newmStartNs.length;
    const s = latencyQuantilesOf(t.newmStartNs);
    const b = latencyQuantilesOf(t.allocmBorrowNs);
    if (s !== null) starts.push(s);
    if (b !== null) borrows.push(b);
  });
  if (unread !== null) return skip(unread);
  const start = medianQuantiles(starts);
  if (start === null) return skip("no thread creation was found in its traces");
  const borrow = medianQuantiles(borrows);
  log(`newm -procs 1 -g ${newmGoroutines} -d 20000 (traced): take → new thread's ProcStart ${q3(start)}; allocm borrow ${borrow !== null ? q3(borrow) : "none seen"} (${newThreads} new threads in the traces, ${threadsCreated} created; medians of ${starts.length})`);
  return { start, borrow, goVersion: version };
}

/**
 * Runs a program that writes an execution trace o.reps times, in a temporary directory removed after;
 * `read` gets each successful run's output and trace. Returns why a trace could not be read, or null.
 */
function tracedRuns(runner: GoRunner, bin: string, what: string, args: (traceFile: string) => { flags: readonly string[]; env?: Record<string, string> }, o: { reps: number; timeoutS: number }, log: (s: string) => void, read: (out: Record<string, unknown>, trace: Uint8Array) => void): string | null {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gosched-trace-"));
  try {
    for (let i = 0; i < o.reps; i++) {
      const file = path.join(dir, `run-${i}.trace`);
      const a = args(file);
      const r = runner.runOnce(bin, a.flags, o.timeoutS, a.env);
      if (r.error !== undefined) {
        log(`${what}: run ${i + 1} failed: ${JSON.stringify(r)}`);
        continue;
      }
      try {
        read(r, new Uint8Array(readFileSync(file)));
      } catch (e) {
        return `its trace could not be read: ${(e as Error).message}`;
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return null;
}

/** The first installed toolchain ≥ Go 1.22 other than goBin (its trace has ProcSteal), or undefined. */
function newerTracer(runner: GoRunner, goBin: string): string | undefined {
  return runner.DEFAULT_GOS.filter((g) => g !== goBin && existsSync(g)).find((g) => runner.versionAtLeast(runner.goVersion(g), 1, 22));
}

/**
 * exitsyscall's take-back of its old P from the thread now in a syscall with it: testdata/go/syscall
 * -procs 1 -g 256 -d 1000 -n 20 under GOSCHED_TRACE (the P relayed among the threads back from their
 * calls), one trace per process; the quantiles of ProcSteal → the goroutine's next GoSyscallBegin,
 * medians over the processes. Go ≤ 1.21 writes the old trace format: the first installed toolchain
 * ≥ Go 1.22 measures it instead (the take-back is a CAS on a P another M left in _Psyscall there,
 * exitsyscallTryGetP's steal from go1.26 on), or it is skipped, saying why.
 */
function measureTakeBack(runner: GoRunner, goBin: string, version: string, o: { reps: number; timeoutS: number }, log: (s: string) => void): { q: LatencyQuantiles; goVersion: string } | { skipped: string } {
  const skip = (why: string) => {
    log(`take-back: skipped, ${why}; exitsyscallTakeBackNs stays the profile's`);
    return { skipped: why };
  };
  if (!runner.versionAtLeast(version, 1, 22)) {
    const newer = newerTracer(runner, goBin);
    if (newer === undefined) return skip(`${version} writes the old trace format (no ProcSteal events) and no installed toolchain ≥ Go 1.22 was found`);
    log(`take-back: ${version} writes the old trace format (no ProcSteal events); measured with ${runner.goVersion(newer)}`);
    return measureTakeBack(runner, newer, runner.goVersion(newer), o, log);
  }
  const bin = runner.build(goBin, version, "syscall", log);
  const qs: LatencyQuantiles[] = [];
  let n = 0;
  const flags = ["-procs", "1", "-g", "256", "-d", "1000", "-n", "20"];
  const unread = tracedRuns(runner, bin, "take-back", (file) => ({ flags, env: { GOSCHED_TRACE: file } }), o, log, (_r, bytes) => {
    const w = takeBackWindows(bytes);
    n += w.length;
    const q = latencyQuantilesOf(w);
    if (q !== null) qs.push(q);
  });
  if (unread !== null) return skip(unread);
  const q = medianQuantiles(qs);
  if (q === null) return skip("no take-back was found in its traces");
  log(`syscall -procs 1 -g 256 -d 1000 -n 20 (traced): take-back → next syscall p5 ${Math.round(q.p5!)} p50 ${Math.round(q.p50)} p90 ${Math.round(q.p90!)} p99 ${Math.round(q.p99)} ns (${n} take-backs; medians of ${qs.length})`);
  return { q, goVersion: version };
}

/**
 * clone() as newosproc calls it, timed in C (testdata/go/clone, cgo): the parent's call and clone →
 * the child running, medians of the processes' quantiles. Without cgo (the build fails): skipped.
 */
function measureClone(runner: GoRunner, goBin: string, version: string, o: { reps: number; timeoutS: number }, log: (s: string) => void): { parent: LatencyQuantiles; childStart: LatencyQuantiles } | { skipped: string } {
  const skip = (why: string) => {
    log(`clone: skipped, ${why}; cloneNs stays the profile's`);
    return { skipped: why };
  };
  try {
    runner.build(goBin, version, "clone", log);
  } catch (e) {
    return skip(`the cgo program did not build (${(e as Error).message}; cgo needs a C compiler and CGO_ENABLED=1)`);
  }
  const r = runner.runCase(goBin, version, "clone", ["-n", "300", "-gap", "200"], o, log);
  const parent = r.ok > 0 ? quantiles(r, "parentNs") : null;
  const childStart = r.ok > 0 ? quantiles(r, "childStartNs") : null;
  if (parent === null || childStart === null) return skip("its runs failed");
  log(`clone -n 300 -gap 200: the parent's clone() ${q3(parent)}; clone → child running ${q3(childStart)} (medians of ${r.ok})`);
  return { parent, childStart };
}

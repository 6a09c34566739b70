#!/usr/bin/env node
// How a loop program's syscalls come back, real Go (untraced) against the model — the observables
// that decide sysmon's takes and the failed returns behind them (docs/model.md, "Where a woken
// thread runs"): the share of calls that came back without a P (their latency over twice the
// median: the goroutine waited in the run queue), how consecutive returns follow each other (on
// the same CPU or the other, within 5 µs, 5–40 µs or later; the share that came back on CPU 0; how
// often a thread's return came on another CPU than its previous one — the kernel moved it), and
// how much of the run sysmon slept backed off (its usleep doubled to 2.5–10 ms after 50 passes without a
// take).
//
//   node tools/return-structure.mjs [--go PATH] [--runs N] [--schedtrace] [--file DUMP]… [--seeds N]
//        [--costs FILE] [--profile NAME] [--no-model] -- -procs P -g G -d D_US [-n N]
//
// --go builds testdata/go/syscall with that toolchain (tools/run-go-validation.mjs) and runs it
// --runs times (default 3) with GOSCHED_RETURNS set, which makes the program write each call's
// return time and CPU (testdata/go/_shared/gosched_measure.go). --schedtrace adds GODEBUG=schedtrace=1:
// sysmon prints a line at its first pass after each ms, so lines 3 ms or more apart mark it backed
// off — but the printing slows the seed workload by up to 20 %, so take the other figures from runs
// without it. --file reads a GOSCHED_RETURNS file instead. The model runs the same program (the
// validation's loop program) for --seeds seeds (default 3) with --costs (default: testdata/go/
// calibration.json) and the Go version's profile (--profile, default: the toolchain's as validate
// picks it, else go1.26).
// The model's figure is the share of the run sysmon slept with a delay of 2.56 ms or more. Under each
// model row, its timed sleeps as tools/machine/sched-trace.mjs counts a real kernel's (run that on the
// real program for the other side): the share fired before their hard expiry, sysmon's alone, and
// how many one timer interrupt fired, and the other threads' sleeps by where sysmon's was pending when
// they were armed; sysmon's passes by CPU, and its futex wakes onto the waker's running CPU (did the
// wakee preempt the waker: sched-trace's "woken by a thread of the group" line); then its threads' runs
// on a CPU and the CPUs' busy share; then where its wake-ups were placed, by kind (Kernel.placements,
// sched-trace's "wake-ups placed" lines).
// Needs a build (npm run build). Exit 2 on bad input.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { besideLine, byCpuText, placementLines } from "./machine/sched-trace.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Parses a GOSCHED_RETURNS file into its calls: { g, startNs, endNs, cpu, tid } (cpu −1: unknown).
 * Throws an Error naming the line on anything else.
 */
export function parseReturns(text, where) {
  const lines = text.split("\n");
  if (lines[0] !== "# gosched returns v2") throw new Error(`${where}:1: not a GOSCHED_RETURNS file (its first line must be "# gosched returns v2")`);
  const calls = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === "") continue;
    const f = line.split(" ");
    const nums = f.slice(1).map(Number);
    const ok = nums.every((x) => Number.isInteger(x));
    if (f[0] === "c" && f.length === 6 && ok && nums[2] >= nums[1]) calls.push({ g: nums[0], startNs: nums[1], endNs: nums[2], cpu: nums[3], tid: nums[4] });
    else throw new Error(`${where}:${i + 1}: expected "c <goroutine> <start ns> <end ns> <cpu> <tid>", got "${line.slice(0, 80)}"`);
  }
  if (calls.length < 2) throw new Error(`${where}: fewer than 2 calls`);
  return calls;
}

/**
 * The share of a run sysmon slept backed off, from GODEBUG=schedtrace=1's stderr: its "SCHED <t>ms:"
 * lines come at its first pass after each ms, so gaps of 3 ms or more are usleeps of 2.56–10 ms.
 */
export function schedtraceBackedOff(stderr) {
  const ts = [...stderr.matchAll(/^SCHED (\d+)ms:/gm)].map((m) => Number(m[1]));
  if (ts.length < 2) return undefined;
  let offMs = 0;
  for (let i = 1; i < ts.length; i++) if (ts[i] - ts[i - 1] >= 3) offMs += ts[i] - ts[i - 1];
  return offMs / (ts[ts.length - 1] - ts[0]);
}

const gapClasses = ["same CPU <5 µs", "same CPU 5–40 µs", "other CPU <5 µs", "other CPU 5–40 µs", "≥40 µs"];

/**
 * The statistics of a list of calls: slowFrac (latency > 2 × the median), and the shares of the
 * gaps between consecutive returns (in return order, all goroutines) by class (gapClasses).
 */
export function returnStats(calls) {
  const lat = calls.map((c) => c.endNs - c.startNs).sort((a, b) => a - b);
  const medianNs = lat[Math.floor(lat.length / 2)];
  const slowFrac = lat.filter((x) => x > 2 * medianNs).length / lat.length;
  const byEnd = [...calls].sort((a, b) => a.endNs - b.endNs);
  const counts = new Array(gapClasses.length).fill(0);
  for (let i = 1; i < byEnd.length; i++) {
    const gapNs = byEnd[i].endNs - byEnd[i - 1].endNs;
    const same = byEnd[i].cpu === byEnd[i - 1].cpu && byEnd[i].cpu >= 0;
    counts[gapNs >= 40_000 ? 4 : (same ? 0 : 2) + (gapNs < 5_000 ? 0 : 1)]++;
  }
  const cpu0Share = calls.filter((c) => c.cpu === 0).length / calls.length;
  // a thread's consecutive returns on different CPUs (the kernel moved it between them)
  const lastCpu = new Map();
  let moved = 0;
  let pairs = 0;
  for (const c of byEnd) {
    if (c.cpu < 0) continue;
    if (lastCpu.has(c.tid)) {
      pairs++;
      if (lastCpu.get(c.tid) !== c.cpu) moved++;
    }
    lastCpu.set(c.tid, c.cpu);
  }
  return { calls: calls.length, medianNs, slowFrac, cpu0Share, movedFrac: pairs > 0 ? moved / pairs : 0, gapShares: counts.map((n) => n / (byEnd.length - 1)) };
}

const usageLine = "usage: node tools/return-structure.mjs [--go PATH] [--runs N] [--schedtrace] [--file DUMP]… [--seeds N] [--costs FILE] [--profile NAME] [--no-model] -- -procs P -g G -d D_US [-n N]";

function usage(msg) {
  console.error(`${msg}\n${usageLine}`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { gos: [], files: [], runs: 3, schedtrace: false, seeds: 3, costs: path.join(root, "testdata", "go", "calibration.json"), profile: undefined, model: true, flags: [] };
  const dash = argv.indexOf("--");
  const own = dash < 0 ? argv : argv.slice(0, dash);
  o.flags = dash < 0 ? [] : argv.slice(dash + 1);
  for (let i = 0; i < own.length; i++) {
    const a = own[i];
    const val = () => (i + 1 < own.length ? own[++i] : usage(`${a} needs a value`));
    const count = () => {
      const v = val();
      const n = Number(v);
      return Number.isInteger(n) && n >= 1 ? n : usage(`${a}: expected a count ≥ 1, got "${v}"`);
    };
    if (a === "--help" || a === "-h") {
      // the header comment of this file, then the usage line
      const text = fs.readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n");
      console.log(text.slice(1, text.findIndex((l) => l.startsWith("import "))).map((l) => l.replace(/^\/\/ ?/, "")).join("\n") + "\n" + usageLine);
      process.exit(0);
    }
    if (a === "--go") o.gos.push(val());
    else if (a === "--file") o.files.push(val());
    else if (a === "--runs") o.runs = count();
    else if (a === "--seeds") o.seeds = count();
    else if (a === "--costs") o.costs = val();
    else if (a === "--profile") o.profile = val();
    else if (a === "--no-model") o.model = false;
    else if (a === "--schedtrace") o.schedtrace = true;
    else usage(`unknown option ${a}`);
  }
  const cell = {};
  for (let i = 0; i < o.flags.length; i += 2) {
    const k = o.flags[i].replace(/^--?/, "");
    const v = Number(o.flags[i + 1]);
    if (!["procs", "g", "d", "n"].includes(k) || !Number.isInteger(v) || v < 1) usage(`program flags: expected -procs P -g G -d D_US [-n N], got "${o.flags.join(" ")}"`);
    cell[k] = v;
  }
  if (cell.procs === undefined || cell.g === undefined || cell.d === undefined) usage("the cell needs -procs, -g and -d after --");
  o.cell = cell;
  return o;
}

const pct = (x) => `${(100 * x).toFixed(1)} %`.padStart(8);

function row(label, s, makespanNs, threads, backedOff) {
  return [label.padEnd(22), `${(makespanNs / 1e6).toFixed(1)}`.padStart(9), `${threads ?? "-"}`.padStart(8), pct(s.slowFrac), pct(s.cpu0Share), pct(s.movedFrac), ...s.gapShares.map(pct), (backedOff === undefined ? "-" : pct(backedOff)).padStart(10)].join(" ");
}

function header() {
  return ["".padEnd(22), "ms".padStart(9), "threads".padStart(8), "no P".padStart(8), "on CPU 0".padStart(8), "moved".padStart(8), ...["same<5", "same5-40", "other<5", "oth5-40", "≥40µs"].map((h) => h.padStart(8)), "sysmon off".padStart(10)].join(" ");
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const { cell } = o;
  const val = await import(path.join(root, "dist", "src", "validation", "index.js"));
  const { loopN } = val;
  const n = cell.n ?? loopN(cell.procs, cell.g, cell.d);
  const flags = ["-procs", String(cell.procs), "-g", String(cell.g), "-d", String(cell.d), "-n", String(n)];
  console.log(`syscall ${flags.join(" ")}: how its ${cell.g * n} calls came back ("no P": latency over twice the median; gaps between consecutive returns, all goroutines)`);
  console.log(header());
  let profile = o.profile;
  for (const file of o.files) {
    let text;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      usage(`${file}: ${e.message}`);
    }
    let calls;
    try {
      calls = parseReturns(text, file);
    } catch (e) {
      usage(e.message);
    }
    const spanNs = Math.max(...calls.map((c) => c.endNs)) - Math.min(...calls.map((c) => c.startNs));
    console.log(row(path.basename(file).slice(0, 22), returnStats(calls), spanNs, undefined, undefined));
  }
  if (o.gos.length > 0) {
    const v = await import(path.join(root, "tools", "run-go-validation.mjs"));
    for (const goBin of o.gos) {
      const version = v.goVersion(goBin);
      profile ??= val.profileFor(version).profile;
      const bin = v.build(goBin, version, "syscall", (m) => console.error(m));
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gosched-returns-"));
      try {
        for (let r = 0; r < o.runs; r++) {
          const file = path.join(dir, `run${r}.txt`);
          const env = { ...process.env, GOMAXPROCS: String(cell.procs), GOSCHED_RETURNS: file };
          if (o.schedtrace) env.GODEBUG = "schedtrace=1";
          else delete env.GODEBUG;
          const run = spawnSync(bin, flags, { env, encoding: "utf8", timeout: 120_000, killSignal: "SIGKILL", maxBuffer: 1 << 28 });
          if (run.status !== 0) throw new Error(`${version} run ${r + 1}: exit ${run.status ?? run.signal}: ${(run.stderr ?? "").slice(-300)}`);
          const out = JSON.parse(run.stdout.trim().split("\n").pop());
          const label = `${version} run ${r + 1}${o.schedtrace ? " (st)" : ""}`;
          console.log(row(label, returnStats(parseReturns(fs.readFileSync(file, "utf8"), file)), out.makespanNs, out.threadsCreated, o.schedtrace ? schedtraceBackedOff(run.stderr) : undefined));
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  if (!o.model) return;
  profile ??= "go1.26";
  const lib = await import(path.join(root, "dist", "src", "index.js"));
  let prof;
  try {
    prof = val.parseCostProfile(JSON.parse(fs.readFileSync(o.costs, "utf8")), o.costs);
  } catch (e) {
    usage(`${o.costs}: ${e.message}`);
  }
  for (let seed = 1; seed <= o.seeds; seed++) {
    const calls = [];
    const started = new Map();
    let backedOffNs = 0;
    const sysmonPassesByCpu = new Map();
    const observer = (rt) => ({
      onEvent(e) {
        if (e.fn === "sysmon" && e.reason === "wake" && rt.kernel.current !== null) sysmonPassesByCpu.set(rt.kernel.current.cpu, (sysmonPassesByCpu.get(rt.kernel.current.cpu) ?? 0) + 1);
        if (e.fn === "entersyscall") started.set(e.goid, e.timeNs);
        else if (e.fn === "exitsyscall" && started.has(e.goid)) {
          calls.push({ g: e.goid, startNs: started.get(e.goid), endNs: e.timeNs, cpu: rt.kernel.current?.cpu ?? -1, tid: rt.kernel.current?.id ?? -1 });
          started.delete(e.goid);
        } else if (e.fn === "sysmon" && e.reason === "wake" && e.delayUs >= 2560) {
          backedOffNs += e.delayUs * 1000;
        }
      },
    });
    const sim = lib.simulate({ profile, gomaxprocs: cell.procs, seed, costs: prof.costs, machine: prof.machine, main: val.loopProgram("syscall", cell.g, cell.d, n), observers: [observer] });
    const m = sim.metrics;
    console.log(row(`model ${profile} seed ${seed}`, returnStats(calls), m.makespanNs, m.threadsCreated, Math.min(1, backedOffNs / m.makespanNs)));
    console.log(`  ${timersLine(sim.runtime.kernel.timerFires)}`);
    for (const l of besideLine(sim.runtime.kernel.timerFires.besideSysmon, "sysmon's")) console.log(l);
    console.log(`  ${sysmonLine(sysmonPassesByCpu, sim.runtime.kernel.wakeeOnWaker)}`);
    console.log(`  ${runsLine(sim.runtime.kernel, sim.runtime.nowNs)}`);
    console.log(["  wake-ups placed, by kind:", ...placementLines(sim.runtime.kernel.placements)].join("\n  "));
  }
}

/** The model's runs on a CPU and CPU busy (Kernel.runs, KCpu.busyNs) in sched-trace.mjs's words. */
export function runsLine(kernel, endNs) {
  const r = kernel.runs;
  // sched-trace's rank: the sorted runs' element ⌊p·(n − 1)⌋, here found in the 1 µs histogram
  const q = (p) => {
    const rank = Math.floor(p * (r.count - 1));
    let seen = 0;
    for (let us = 0; us < r.byUs.length; us++) if ((seen += r.byUs[us]) > rank) return us;
    return NaN;
  };
  const busy = kernel.cpus.map((c, i) => `cpu${i} ${((100 * c.busyNs) / Math.max(1, endNs)).toFixed(1)} %`).join(", ");
  const mean = r.count > 0 ? r.totalNs / r.count / 1000 : NaN;
  return `runs on a CPU: ${r.count}, p10 ${q(0.1)} p50 ${q(0.5)} p90 ${q(0.9)} p99 ${q(0.99)} µs, mean ${mean.toFixed(2)} µs, total ${(r.totalNs / 1e6).toFixed(1)} ms; CPU busy: ${busy}`;
}

/**
 * Where the model's sysmon passed (its passes by CPU: sched-trace.mjs counts the second thread's runs),
 * and its futex wakes onto the waker's running CPU (Kernel.wakeeOnWaker): whether the wakee preempted the waker.
 */
export function sysmonLine(passesByCpu, w) {
  return `sysmon's passes by CPU: ${byCpuText(passesByCpu) || "none"}; futex wakes onto the waker's running CPU: sysmon preempting it ${w.sysmon.preempted}, waiting ${w.sysmon.waited}; the others preempting it ${w.others.preempted}, waiting ${w.others.waited}`;
}

/** The model's timer statistics (Kernel.timerFires) in sched-trace.mjs's words. */
export function timersLine(f) {
  const pct = (a, b) => `${b > 0 ? ((100 * a) / b).toFixed(1) : "-"} %`;
  const sizes = f.bySize.map((n) => (f.interrupts > 0 ? ((100 * n) / f.interrupts).toFixed(0) : "-")).join(" / ");
  return `timed sleeps fired ${f.fired}: before their hard expiry ${pct(f.early, f.fired)}; sysmon's ${pct(f.sysmonEarly, f.sysmon)} of ${f.sysmon}; by ${f.interrupts} interrupts, ${f.interrupts > 0 ? (f.fired / f.interrupts).toFixed(2) : "-"} each; firing 1 / 2 / … / 7 / 8+: ${sizes} %`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}

#!/usr/bin/env node
// Build and run the Go validation programs in testdata/go/ with a real Go toolchain.
//
//   node tools/run-go-validation.mjs [options] <program> [program flags…]
//       Builds <program> (cached) and runs it --reps times; prints one JSON object
//       {program, args, goVersion, reps:[…], median, min, max} (metrics flattened to dotted keys).
//   node tools/run-go-validation.mjs [options] --matrix small|full|seed [--out FILE]
//       Runs the built-in matrix (see matrixCases; seed: the seed workload alone, GOMAXPROCS 1–32,
//       e.g. with --reps 15 where its runs spread widely) and writes a compact results file
//       {goVersion, machine, cases:[{program, args, reps, m:{metric:[median,min,max]}}]}.
//   node tools/run-go-validation.mjs compare RESULTS.json [CALIBRATION.csv]
//       Compares a results file with testdata/calibration/go1.19-matrix-gomaxprocs1and4.csv.
//
// Options:
//   --go PATH        go binary (repeatable, or comma-separated, or "all"); default: the first of
//                    /usr/lib/go-1.19/bin/go, /usr/lib/go-1.23/bin/go, …/go-1.26/…, …/go-1.27/… that exists
//   --reps N         repetitions, each a separate process (default 5)
//   --timeout S      per-run timeout in seconds (default 60); a run that times out is recorded
//                    as {error:"timeout"} and left out of the statistics
//   --no-reps        with a single case: print only median/min/max, not every rep
// A program flag -procs N also sets GOMAXPROCS=N in the program's environment, so the runtime
// starts with N Ps (no runtime.GOMAXPROCS stop-the-world before the measured window).
//   --programs a,b   with --matrix: only these programs; if --out exists, their cases replace
//                    the ones in it (the file keeps its first run's date; each re-run is
//                    listed under "remeasured" with its own date and load)
//   --quiet          no progress on stderr
//
// Builds go to os.tmpdir()/gosched-go-build-<goversion>/<program> (outside the repository), from
// a copy of testdata/go/<program>/ (in a fresh src-* directory there, removed after) with symlinks
// resolved and a generated go.mod; Go ≥ 1.23 needs
// -ldflags=-checklinkname=0 because the programs read runtime.allp via //go:linkname.
import { spawnSync, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PROGRAMS_DIR = path.join(ROOT, "testdata", "go");
// The toolchains validated, each against its version profile (src/validation/report.ts profileFor):
// 1.19 → go1.19, 1.23 → go1.23, 1.26 → go1.26, 1.27 → go1.27. tools/install-go.sh installs them.
const DEFAULT_GOS = ["/usr/lib/go-1.19/bin/go", "/usr/lib/go-1.23/bin/go", "/usr/lib/go-1.26/bin/go", "/usr/lib/go-1.27/bin/go"];
const PROGRAMS = ["syscall", "raw", "cgo", "short", "behind", "lostp", "stw", "spawn", "futex", "newm", "clone", "netpoll", "locked", "tightloop", "whatif"];
const DEFAULT_CALIBRATION = path.join(ROOT, "testdata", "calibration", "go1.19-matrix-gomaxprocs1and4.csv");

// Metrics kept in compact results files (per case: [median, min, max]).
const COMPACT_KEYS = [
  "makespanNs", "threadsCreated", "threadsPeak", "syscalls.total", "syscalls.lostP", "lostPFrac",
  "effParallelism", "eintr", "syscallLatencyNs.p50", "syscallLatencyNs.p99",
  "schedLatencyNs.p50", "schedLatencyNs.p99", "schedLatencyNs.count", "windowStartAfterInitNs",
  "nsPerCall", "cpuNsPerCall", "syscall.nsPerCall", "raw.nsPerCall", "syscall.cpuNsPerCall",
  "raw.cpuNsPerCall", "behindWaitNs.first", "behindWaitNs.p50", "behindWaitNs.p99",
  "behindWaitNs.min", "behindWaitNs.max", "retakenFrac", "gcCount", "gcWallNs.p50",
  "gcWallNs.max", "gcPauseNs.p50", "gcPauseNs.max", "gcPauseNs.count", "stwPauseNsPerGC.mean",
  "stwPauseNsPerGC.max", "syscalls.lostPDuringGC", "lostPPerGC", "pInSyscallAtGC",
  "waitNs.p50", "waitNs.max", "waitNs.min", "preemptedFrac", "loopNs.p50", "threadsLocked", "waitingPeak",
  "rttNs.p50", "rttNs.p99", "errors",
];

const NOTE = "per metric [median, min, max] over reps separate processes; see docs/validation-programs.md";

// Used as a library (gosched validate / calibrate import this file): errors throw instead of exiting.
let libraryMode = true;

function usage(msg) {
  if (libraryMode) throw new Error(`run-go-validation: ${msg ?? "usage"}`);
  if (msg) process.stderr.write(`run-go-validation: ${msg}\n`);
  process.stderr.write(
    "usage: node tools/run-go-validation.mjs [--go PATH] [--reps N] [--timeout S] <program> [flags…]\n" +
      "       node tools/run-go-validation.mjs [--go PATH|all] [--reps N] --matrix small|full|seed [--out FILE]\n" +
      "       node tools/run-go-validation.mjs compare RESULTS.json [CALIBRATION.csv]\n" +
      `programs: ${PROGRAMS.join(", ")}\n`,
  );
  process.exit(2);
}

function parseArgs(argv) {
  const o = { gos: [], reps: 5, timeoutS: 60, quiet: false, reps_out: true, matrix: null, out: null, rest: [] };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--go") o.gos.push(...next().split(",").filter(Boolean));
    else if (a === "--reps") o.reps = Number(next());
    else if (a === "--timeout") o.timeoutS = Number(next());
    else if (a === "--matrix") o.matrix = next();
    else if (a === "--out") o.out = next();
    else if (a === "--programs") o.programs = next().split(",");
    else if (a === "--quiet") o.quiet = true;
    else if (a === "--no-reps") o.reps_out = false;
    else if (a === "--full") o.reps_out = true;
    else if (a === "-h" || a === "--help") usage();
    else break;
  }
  o.rest = argv.slice(i);
  if (!(o.reps >= 1)) usage("--reps must be >= 1");
  if (!(o.timeoutS > 0)) usage("--timeout must be > 0");
  return o;
}

function resolveGos(list) {
  if (list.length === 0) {
    const found = DEFAULT_GOS.find((g) => fs.existsSync(g));
    if (!found) usage(`no go binary found (tried ${DEFAULT_GOS.join(", ")}); run tools/install-go.sh`);
    return [found];
  }
  if (list.includes("all")) {
    const found = DEFAULT_GOS.filter((g) => fs.existsSync(g));
    if (found.length === 0) usage("no go binary found; run tools/install-go.sh");
    return found;
  }
  for (const g of list) if (!fs.existsSync(g)) usage(`go binary not found: ${g}`);
  return list;
}

const goEnvBase = {
  ...process.env,
  GOTOOLCHAIN: "local",
  GO111MODULE: "on",
  GOFLAGS: "",
  CGO_ENABLED: "1",
};

function goVersion(goBin) {
  return execFileSync(goBin, ["env", "GOVERSION"], { env: goEnvBase, encoding: "utf8" }).trim();
}

function versionAtLeast(v, major, minor) {
  const m = /^go(\d+)\.(\d+)/.exec(v);
  if (!m) return true;
  return Number(m[1]) > major || (Number(m[1]) === major && Number(m[2]) >= minor);
}

// build returns the path of the program's binary, building it if sources or toolchain changed.
function build(goBin, version, program, log) {
  const srcDir = path.join(PROGRAMS_DIR, program);
  if (!fs.existsSync(srcDir)) usage(`unknown program ${program}`);
  const cache = path.join(os.tmpdir(), `gosched-go-build-${version}`, program);
  const bin = path.join(cache, program);
  const files = fs
    .readdirSync(srcDir)
    .filter((f) => /\.(go|s|c|h)$/.test(f) && !f.endsWith("_test.go"))
    .sort();
  const ldflags = versionAtLeast(version, 1, 23) ? ["-ldflags=-checklinkname=0"] : [];
  const hash = createHash("sha256");
  hash.update(`${goBin}\0${version}\0${ldflags.join(" ")}\0`);
  const contents = files.map((f) => {
    const c = fs.readFileSync(path.join(srcDir, f)); // follows symlinks into _shared/
    hash.update(`${f}\0`).update(c);
    return [f, c];
  });
  const stamp = hash.digest("hex");
  const stampFile = path.join(cache, "stamp");
  if (fs.existsSync(bin) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === stamp) {
    return bin;
  }
  // Another process (a second validate, a test) may build the same program at the same time: each
  // builds in its own directory and renames its binary, then its stamp, into place (atomic on one
  // file system), so nobody runs or deletes a half-written one.
  fs.mkdirSync(cache, { recursive: true });
  const work = fs.mkdtempSync(path.join(cache, "src-"));
  try {
    for (const [f, c] of contents) fs.writeFileSync(path.join(work, f), c);
    fs.writeFileSync(path.join(work, "go.mod"), `module gosched.validation/${program}\n\ngo 1.19\n`);
    log(`building ${program} with ${version}`);
    const built = path.join(work, program);
    const r = spawnSync(goBin, ["build", ...ldflags, "-o", built, "."], {
      cwd: work,
      env: goEnvBase,
      encoding: "utf8",
      timeout: 300_000,
    });
    if (r.status !== 0) {
      process.stderr.write(r.stderr || String(r.error));
      throw new Error(`go build of ${program} failed`);
    }
    fs.renameSync(built, bin);
    fs.writeFileSync(path.join(work, "stamp"), stamp);
    fs.renameSync(path.join(work, "stamp"), stampFile);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return bin;
}

function flagValue(flags, name) {
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i].replace(/^--?/, "-");
    if (f === `-${name}` && i + 1 < flags.length) return flags[i + 1];
    if (f.startsWith(`-${name}=`)) return f.slice(name.length + 2);
  }
  return undefined;
}

function runOnce(bin, flags, timeoutS, extraEnv = {}) {
  const env = { ...process.env, ...extraEnv };
  delete env.GODEBUG;
  const procs = flagValue(flags, "procs");
  if (procs !== undefined) env.GOMAXPROCS = String(procs);
  else delete env.GOMAXPROCS;
  const r = spawnSync(bin, flags, { env, encoding: "utf8", timeout: timeoutS * 1000, killSignal: "SIGKILL" });
  if (r.error && r.error.code === "ETIMEDOUT") return { error: "timeout" };
  if (r.status !== 0) return { error: `exit ${r.status ?? r.signal}`, stderr: (r.stderr || "").slice(-500) };
  const lines = r.stdout.trim().split("\n");
  try {
    return JSON.parse(lines[lines.length - 1]);
  } catch {
    return { error: "bad output", stdout: r.stdout.slice(-500) };
  }
}

// flatten numeric leaves to dotted keys (args and strings left out).
function flatten(obj, prefix = "", out = {}) {
  for (const [k, v] of Object.entries(obj)) {
    if (prefix === "" && (k === "args" || k === "program" || k === "goVersion")) continue;
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "number" && Number.isFinite(v)) out[key] = v;
    else if (v && typeof v === "object" && !Array.isArray(v)) flatten(v, key, out);
  }
  return out;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

function stats(reps) {
  const ok = reps.filter((r) => !r.error).map((r) => flatten(r));
  const keys = [...new Set(ok.flatMap((r) => Object.keys(r)))].sort();
  const med = {}, min = {}, max = {};
  for (const k of keys) {
    const xs = ok.map((r) => r[k]).filter((x) => x !== undefined);
    if (xs.length === 0) continue;
    med[k] = median(xs);
    min[k] = Math.min(...xs);
    max[k] = Math.max(...xs);
  }
  return { ok: ok.length, median: med, min, max };
}

function runCase(goBin, version, program, flags, o, log) {
  const bin = build(goBin, version, program, log);
  const reps = [];
  for (let i = 0; i < o.reps; i++) reps.push(runOnce(bin, flags, o.timeoutS));
  const st = stats(reps);
  const errors = reps.filter((r) => r.error).length;
  if (errors) log(`${program} ${flags.join(" ")}: ${errors} of ${reps.length} runs failed: ${JSON.stringify(reps.find((r) => r.error))}`);
  return { program, args: flags, goVersion: version, reps, ...st };
}

function round(x) {
  if (!Number.isFinite(x)) return x;
  if (Math.abs(x) >= 100) return Math.round(x);
  return Math.round(x * 10000) / 10000;
}

function compactCase(c) {
  const m = {};
  for (const k of COMPACT_KEYS) {
    if (c.median[k] === undefined) continue;
    m[k] = [round(c.median[k]), round(c.min[k]), round(c.max[k])];
  }
  // lostp sweeps in one process keep their per-d fraction; behind keeps its early/late split
  for (const k of Object.keys(c.median)) {
    if (/^byD\.\d+\.(lostPFrac|syscallLatencyNs\.p50)$|^behindWaitNs\.(early|late)\.(p50|p99|min|max)$|^behindWaitNs\.earlyCount$/.test(k)) m[k] = [round(c.median[k]), round(c.min[k]), round(c.max[k])];
  }
  return { program: c.program, args: c.args.join(" "), reps: c.reps.length, ok: c.ok, m };
}

// ---- matrices ------------------------------------------------------------------------------

const SEED_PROCS = [1, 2, 4, 8, 16, 32];
const LOSTP_DS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000];

function matrixCases(name) {
  const cases = [];
  if (name === "seed") {
    for (const procs of SEED_PROCS) cases.push(["syscall", ["-procs", `${procs}`, "-g", "256", "-d", "1000", "-n", "100"]]);
    return cases;
  }
  const loopProcs = name === "full" ? [1, 2, 4] : [1, 2, 4];
  const loopG = name === "full" ? [1, 4, 16, 64, 256] : [1, 16, 256];
  const loopD = name === "full" ? [1, 20, 100, 1000, 10000] : [1, 100, 1000, 10000];
  for (const program of ["syscall", "raw", "cgo"])
    for (const procs of loopProcs)
      for (const g of loopG)
        for (const d of loopD) cases.push([program, ["-procs", `${procs}`, "-g", `${g}`, "-d", `${d}`]]);
  // the seed's workload (examples/seed-workload.yaml): 256 goroutines × 100 × Syscall(nanosleep 1 ms)
  if (name === "full") for (const procs of SEED_PROCS) cases.push(["syscall", ["-procs", `${procs}`, "-g", "256", "-d", "1000", "-n", "100"]]);
  for (const procs of [1, 2]) {
    for (const mode of ["syscall", "raw"]) cases.push(["short", ["-procs", `${procs}`, "-mode", mode]]);
    cases.push(["cgo", ["-procs", `${procs}`, "-mode", "getpid"]]);
  }
  for (const d of [1000, 10000]) cases.push(["behind", ["-procs", "1", "-d", `${d}`]]);
  cases.push(["behind", ["-procs", "1", "-d", "1000", "-gap", "2000"]]);
  for (const procs of [1, 4]) {
    for (const d of LOSTP_DS) cases.push(["lostp", ["-procs", `${procs}`, "-d", `${d}`]]);
    cases.push(["lostp", ["-procs", `${procs}`]]); // the whole sweep in one process
  }
  for (const procs of [2, 4]) for (const n of [10, 0]) cases.push(["stw", ["-procs", `${procs}`, "-n", `${n}`]]);
  for (const mode of [[], ["-mode", "blocking"]]) cases.push(["netpoll", ["-procs", "4", "-g", "1000", ...mode]]);
  for (const g of [16, 64]) cases.push(["locked", ["-procs", "2", "-g", `${g}`]]);
  cases.push(["tightloop", ["-procs", "1", "-d", "50000"]]);
  return cases;
}

function readOr(file, otherwise = "") {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return otherwise;
  }
}

/** The `sched_vcpu_pack=N` setting on a kernel command line, or null. */
function vcpuPackIn(cmdline) {
  const m = /(?:^|\s)sched_vcpu_pack=(\d+)(?=\s|$)/.exec(cmdline);
  return m ? Number(m[1]) : null;
}

function machineInfo() {
  let cpu = "";
  try {
    cpu = /model name\s*:\s*(.*)/.exec(fs.readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "";
  } catch {}
  let slack = null;
  try {
    slack = Number(fs.readFileSync("/proc/self/timerslack_ns", "utf8").trim());
  } catch {}
  // A kernel patched to pack threads onto few vCPUs (not in mainline Linux) says so here; its setting
  // changes where woken threads run (docs/model.md, "The kernel packs threads onto a vCPU").
  // The sysctl is readable by root only; the boot command line by anyone.
  const sysctl = readOr("/proc/sys/kernel/sched_vcpu_pack").trim();
  const vcpuPack = /^\d+$/.test(sysctl) ? Number(sysctl) : vcpuPackIn(readOr("/proc/cmdline"));
  return { cpus: os.cpus().length, cpu, kernel: os.release(), timerslackNs: slack, schedVcpuPack: vcpuPack };
}

// ---- comparison with the calibration CSV -----------------------------------------------------

function parseCsv(file) {
  const lines = fs.readFileSync(file, "utf8").trim().split(/\r?\n/);
  const head = lines[0].split(",");
  return lines.slice(1).map((l) => Object.fromEntries(l.split(",").map((v, i) => [head[i], isNaN(Number(v)) ? v : Number(v)])));
}

function compare(resultsFile, csvFile) {
  const res = JSON.parse(fs.readFileSync(resultsFile, "utf8"));
  const calib = parseCsv(csvFile);
  const cols = [
    ["makespan ms", "wall_ms", "makespanNs", 1e-6, 1],
    ["thr created", "threads_created", "threadsCreated", 1, 1],
    ["thr end", "threads_end", "threadsPeak", 1, 1],
    ["lostP frac", "blocked_frac", "lostPFrac", 1, 1],
    ["eff par", "eff_parallelism", "effParallelism", 1, 1],
    ["lat p50 µs", "lat_ns.p50", "syscallLatencyNs.p50", 1e-3, 1e-3],
    ["lat p99 µs", "lat_ns.p99", "syscallLatencyNs.p99", 1e-3, 1e-3],
  ];
  const rows = [];
  const ratios = Object.fromEntries(cols.map((c) => [c[0], []]));
  for (const c of res.cases) {
    if (!["syscall", "raw", "cgo"].includes(c.program) || /-mode/.test(c.args)) continue;
    const a = Object.fromEntries(c.args.split(" ").reduce((acc, x, i, arr) => (i % 2 ? acc : [...acc, [x.slice(1), Number(arr[i + 1])]]), []));
    const cal = calib.find((r) => r.kind === c.program && r.procs === a.procs && r.g === a.g && r.d_us === a.d);
    if (!cal) continue;
    const row = { kind: c.program, procs: a.procs, g: a.g, d: a.d, cells: [] };
    for (const [label, ck, mk, scale, cscale] of cols) {
      const ours = c.m[mk];
      const cm = cal[`${ck}_median`] * cscale;
      if (!ours || !Number.isFinite(cm)) {
        row.cells.push(`${label}: -`);
        continue;
      }
      const om = ours[0] * scale;
      const overlap = ours[1] * scale <= cal[`${ck}_max`] * cscale && ours[2] * scale >= cal[`${ck}_min`] * cscale;
      if (cm !== 0) ratios[label].push(om / cm);
      row.cells.push(`${label}: ${fmt(om)} vs ${fmt(cm)}${overlap ? "" : " !"}`);
    }
    rows.push(row);
  }
  const out = [`# ${res.goVersion} vs calibration (go1.19.8); "ours vs calibration", "!" = ranges [min–max] do not overlap`];
  for (const r of rows) out.push(`${r.kind} p${r.procs} g${r.g} d${r.d}: ${r.cells.join(" | ")}`);
  out.push("", "median ratio ours/calibration (quartiles) per metric:");
  for (const [label, xs] of Object.entries(ratios)) {
    if (!xs.length) continue;
    const s = [...xs].sort((a, b) => a - b);
    const q = (p) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))];
    out.push(`  ${label}: ${fmt(median(s))} (${fmt(q(0.25))}–${fmt(q(0.75))}) over ${s.length} cells`);
  }
  return out.join("\n");
}

function fmt(x) {
  if (Math.abs(x) >= 100) return String(Math.round(x));
  if (Math.abs(x) >= 1) return x.toFixed(2);
  return x.toFixed(3);
}

// ---- main ------------------------------------------------------------------------------------

function main() {
  libraryMode = false;
  const argv = process.argv.slice(2);
  if (argv[0] === "compare") {
    if (!argv[1]) usage("compare needs a results file");
    process.stdout.write(compare(argv[1], argv[2] || DEFAULT_CALIBRATION) + "\n");
    return;
  }
  const o = parseArgs(argv);
  const log = o.quiet ? () => {} : (s) => process.stderr.write(`[run-go-validation] ${s}\n`);
  const gos = resolveGos(o.gos);
  if (o.matrix) {
    if (!["small", "full", "seed"].includes(o.matrix)) usage(`unknown matrix ${o.matrix}`);
    const cases = matrixCases(o.matrix).filter(([p]) => !o.programs || o.programs.includes(p));
    for (const goBin of gos) {
      const version = goVersion(goBin);
      for (const p of PROGRAMS) build(goBin, version, p, log);
      const loadBefore = os.loadavg()[0];
      let outCases = [];
      const t0 = Date.now();
      cases.forEach(([program, flags], i) => {
        const load = round(os.loadavg()[0]);
        const c = runCase(goBin, version, program, flags, o, log);
        outCases.push({ ...compactCase(c), load }); // the 1-min load average when the case started
        log(`${version} ${i + 1}/${cases.length} ${program} ${flags.join(" ")} (${Math.round((Date.now() - t0) / 1000)} s)`);
      });
      const out = o.out ? (gos.length > 1 ? o.out.replace(/(\.json)?$/, `-${version}.json`) : o.out) : null;
      const run = {
        date: new Date().toISOString(),
        machine: machineInfo(),
        // 1-minute load average before and after: the VM is shared, other work skews the timings
        loadAverage: [round(loadBefore), round(os.loadavg()[0])],
        minutes: round((Date.now() - t0) / 60000),
      };
      let result = { goVersion: version, goBinary: goBin, ...run, note: NOTE, cases: outCases };
      if (out && o.programs && fs.existsSync(out)) {
        // --programs with an existing --out: replace those cases, keep the others. The header keeps
        // the first run's date and machine; each partial re-run is listed under "remeasured".
        const old = JSON.parse(fs.readFileSync(out, "utf8"));
        if (old.goVersion !== version) throw new Error(`${out} holds ${old.goVersion}, not ${version}`);
        const fresh = new Map(outCases.map((c) => [`${c.program} ${c.args}`, c]));
        const cases = old.cases.map((c) => fresh.get(`${c.program} ${c.args}`) ?? c);
        for (const c of fresh.values()) if (!cases.includes(c)) cases.push(c);
        const remeasured = [...(old.remeasured ?? []), { programs: o.programs, ...run }];
        result = { ...old, cases, remeasured };
      }
      const text = JSON.stringify(result) + "\n";
      if (out) {
        fs.writeFileSync(out, text.replace(/\},\{"program"/g, '},\n{"program"'));
        log(`wrote ${out} (${text.length} bytes)`);
      } else process.stdout.write(text);
    }
    return;
  }
  if (o.rest.length === 0) usage("no program given");
  const [program, ...flags] = o.rest;
  if (!PROGRAMS.includes(program)) usage(`unknown program ${program}`);
  for (const goBin of gos) {
    const version = goVersion(goBin);
    const c = runCase(goBin, version, program, flags, o, log);
    const failed = c.reps.length - c.ok;
    const out = { program, args: flags, goVersion: version, reps: o.reps_out ? c.reps : undefined, failed, median: c.median, min: c.min, max: c.max };
    process.stdout.write(JSON.stringify(out) + "\n");
    if (c.ok === 0) process.exitCode = 1;
  }
}

// The library interface (src/cli/validate.ts, src/cli/calibrate.ts): one implementation of building
// and running the programs, shared with this script's command line.
export { ROOT, PROGRAMS, DEFAULT_GOS, COMPACT_KEYS, goVersion, versionAtLeast, build, runOnce, runCase, stats, flatten, median, compactCase, machineInfo, vcpuPackIn, parseCsv, matrixCases };

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();

// Issue 19's defects, each reproduced: YAML aliases, counts and durations beyond their bounds, output
// paths (collisions, folders, missing folders, symlinked temps, signals, stale temps), option
// validation at the edge, memory caps, and the small ones (nesting, complex keys, timers, seeds,
// workers, the server's Content-Security-Policy).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { maxCount, maxDurationNs } from "../../src/base/limits.js";
import { optionTable } from "../../src/cli/options.js";
import { FileSink, fileLabels, removeStaleTemps } from "../../src/cli/outputs.js";
import { contentSecurityPolicy, createUiServer, listenLoopback } from "../../src/cli/serve.js";
import { resolveConfig } from "../../src/profiles/index.js";
import { sample } from "../../src/runtime/program.js";
import { Runtime } from "../../src/runtime/runtime.js";
import { loadScenario, ScenarioError } from "../../src/scenario/index.js";
import { simulate } from "../../src/simulate.js";
import { assertCleanRejection, cliInProcess } from "./cli_helpers.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const bin = join(root, "bin", "gosched.js");
const work = mkdtempSync(join(tmpdir(), "gosched-harden-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));

const worker = (ops: string, extra = "") => `${extra}programs:\n  w:\n${ops}goroutines:\n  - program: w\n`;
const small = join(work, "small.yaml");
writeFileSync(small, worker("    - compute: 1ms\n    - syscall: 1ms\n"));
const twoVariants = join(work, "two.yaml");
writeFileSync(twoVariants, `${worker("    - syscall: 1ms\n")}variants:\n  - name: x y\n  - name: x/y\n`);

function rejects(yaml: string, line: number, detail: RegExp): ScenarioError {
  let err: unknown;
  try {
    loadScenario(yaml, "bad.yaml");
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof ScenarioError, `expected a ScenarioError, got ${String(err)}`);
  assert.equal(err.where.line, line, err.message);
  assert.match(err.detail, detail);
  return err;
}

const tempsIn = (dir: string) => readdirSync(dir).filter((f) => f.includes(".tmp-"));

// ─── 1. YAML aliases ───────────────────────────────────────────────────────────────────────────

test("1: alias bombs and undefined aliases are scenario errors with a line, in bounded time", () => {
  const levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i < 9; i++) levels.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(", ")}]`);
  const cpu0 = process.cpuUsage();
  rejects(`params:\n${levels.map((l) => `  ${l}`).join("\n")}\n${worker("    - gosched\n")}`, 7, /grows beyond 1000000 values/);
  rejects(`${levels.join("\n")}\n${worker("    - gosched\n")}`, 6, /grows beyond/);
  const cpu = process.cpuUsage(cpu0);
  assert.ok(cpu.user + cpu.system < 5e6, "two bombs took more than 5 s of CPU");
  rejects("programs:\n  w: [gosched]\ngoroutines: [{program: *nope}]\n", 3, /unknown alias '\*nope'/);
  rejects("programs:\n  w: &a [gosched, {sequence: *a}]\ngoroutines: [{program: w}]\n", 2, /refers to a node that contains it/);
  // A legal alias still works, and its expansion is what runs.
  const sc = loadScenario("programs:\n  v: &ops [gosched, {compute: 1ms}]\n  w: *ops\ngoroutines: [{program: w}]\n", "ok.yaml");
  assert.equal(sc.runs.length, 1);
});

// ─── 2. Counts ─────────────────────────────────────────────────────────────────────────────────

test("2: counts at or above 2^31 are refused, not wrapped", () => {
  for (const n of ["2147483648", "4294967301"]) {
    rejects(worker(`    - repeat: { count: ${n}, do: [gosched] }\n`), 3, /<= 1000000000 \(the limit/);
    rejects(`programs:\n  w: [gosched]\ngoroutines:\n  - program: w\n    count: ${n}\n`, 5, /<= 20000000/);
    rejects(`programs:\n  h: [gosched]\narrivals:\n  - handler: h\n    rate: 10/s\n    requests: ${n}\n`, 6, /<= 1000000000/);
  }
  // The bound itself is accepted, and a drawn count is clamped to it (int32 registers never wrap).
  loadScenario(worker(`    - repeat: { count: ${maxCount}, do: [gosched] }\n`), "ok.yaml");
  rejects(worker("    - repeat: { count: { dist: constant, value: 1e12 }, do: [gosched] }\n"), 3, /repeat count/);
});

// ─── 3. Durations ──────────────────────────────────────────────────────────────────────────────

test("3: durations are finite whole nanoseconds at most 10^15", () => {
  rejects(worker("    - compute: 1e400ms\n"), 3, /at most 1000000000000000 ns/);
  rejects(worker("    - compute: 1e300h\n"), 3, /at most/);
  rejects(worker("    - sleep: 1e18h\n"), 3, /at most/);
  rejects(worker("    - sleep: 1ms\n", "settings:\n  machine: { timerSlackNs: 1e400s }\n"), 2, /at most/);
  rejects("programs:\n  h: [gosched]\narrivals:\n  - handler: h\n    rate: 1000/s\n    duration: 1e400s\n", 6, /at most/);
  const ok = loadScenario(worker("    - sleep: 1000000s\n"), "ok.yaml");
  assert.ok(ok.runs.length === 1);
  rejects(worker("    - sleep: 1000001s\n"), 3, /at most/);
  // A long-tailed draw is clamped to the bound, never Infinity.
  const rt = new Runtime(resolveConfig({}));
  for (let i = 0; i < 200; i++) {
    const v = sample(rt, { dist: "lognormal", medianNs: 1e14, sigma: 20 });
    assert.ok(Number.isInteger(v) && v >= 0 && v <= maxDurationNs, String(v));
  }
});

// ─── 4, 5, 7, 8. Output paths ──────────────────────────────────────────────────────────────────

test("4: two outputs to one path are refused before anything is written", async () => {
  const x = join(work, "same-x");
  const r = await cliInProcess(["run", small, "--trace", x, "--perfetto", x]);
  assertCleanRejection(r, "same path");
  assert.match(r.stderr, /is the same file/);
  assert.ok(!existsSync(x));
  assert.deepEqual(tempsIn(work), []);
  // Each writer has its own temporary file, even for one destination.
  const a = new FileSink(join(work, "shared.out"));
  const b = new FileSink(join(work, "shared.out"));
  assert.notEqual(a.tmp, b.tmp);
  a.abort();
  b.abort();
});

test("5: bad output paths exit 2 with a sentence, before any run", async () => {
  for (const args of [
    ["run", small, "--trace", "/nonexistent/dir/x.trace"],
    ["sweep", small, "--param", "gomaxprocs=1,2", "--workers", "0", "--plot", "/nonexistent/x.svg"],
    ["sweep", small, "--param", "gomaxprocs=1,2", "--workers", "0", "--out", "/nonexistent/x.csv"],
    ["serve", "/nonexistent.yaml", "--no-report", "--no-build"],
  ]) {
    const r = await cliInProcess(args);
    assertCleanRejection(r, args.join(" "));
    assert.match(r.stderr, /does not exist|no such file/, r.stderr);
    assert.equal(r.stdout, "", "nothing ran");
  }
  // --out and --plot go through a temporary file and a rename: no temp left, the files whole.
  const csv = join(work, "sweep.csv");
  const svg = join(work, "sweep.svg");
  const r = await cliInProcess(["sweep", small, "--param", "gomaxprocs=1,2", "--workers", "0", "--out", csv, "--plot", svg]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(readFileSync(csv, "utf8"), /^gomaxprocs,/);
  assert.match(readFileSync(svg, "utf8"), /<\/svg>\s*$/);
  assert.deepEqual(tempsIn(work), []);
});

test("7: duplicate variant names are refused; names that sanitize alike get distinct files; folders and empty paths are refused", async () => {
  rejects(`${worker("    - gosched\n")}variants:\n  - name: a\n  - name: a\n`, 8, /duplicate variant name 'a'/);
  assert.deepEqual(fileLabels(["x y", "x/y", "x_y", "X_Y"]), ["x_y", "x_y-2", "x_y-3", "X_Y-4"]);
  const out = join(work, "v.trace");
  const r = await cliInProcess(["run", twoVariants, "--trace", out]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(work, "v.x_y.trace")) && existsSync(join(work, "v.x_y-2.trace")), readdirSync(work).join(" "));
  for (const [flag, path, why] of [
    ["--trace", work, /is a folder/],
    ["--perfetto", "", /expected a file name/],
    ["--pprof-syscall", `${work}/`, /not a folder|is a folder/],
  ] as const) {
    const e = await cliInProcess(["run", small, flag, path]);
    assertCleanRejection(e, `${flag} '${path}'`);
    assert.match(e.stderr, why);
  }
  assert.ok(!existsSync(`${work}.Syscall`) && !readdirSync(work).some((f) => f.startsWith(".Syscall")));
});

test("8: temporary files are created exclusively, with a random name, next to the target", async () => {
  const target = join(work, "sym.trace");
  const victim = join(work, "victim.txt");
  writeFileSync(victim, "precious\n");
  // The old predictable name, planted as a symlink to the victim.
  symlinkSync(victim, join(work, `.sym.trace.tmp-${process.pid}`));
  const r = await cliInProcess(["run", small, "--trace", target]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(victim, "utf8"), "precious\n");
  assert.ok(readFileSync(target).length > 100);
  const s = new FileSink(target);
  assert.match(s.tmp, /\/\.sym\.trace\.tmp-\d+-[0-9a-f]{12}$/);
  assert.equal(join(s.tmp, ".."), work);
  s.abort();
  rmSync(join(work, `.sym.trace.tmp-${process.pid}`));
});

// ─── 9. Signals and stale temps ────────────────────────────────────────────────────────────────

test("9: SIGINT, SIGTERM and SIGHUP remove the temporary files and exit 130, 143, 129", async () => {
  const long = join(work, "long.yaml");
  writeFileSync(long, worker("    - repeat: { count: 100000000, do: [{syscall: 1us}, {compute: 1us}] }\n").replace("- program: w\n", "- program: w\n    count: 4\n"));
  const dir = mkdtempSync(join(work, "sig-"));
  for (const [sig, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const) {
    const child = spawn(process.execPath, [bin, "run", long, "--trace", join(dir, "x.trace"), "--perfetto", join(dir, "x.json")], { stdio: "ignore", env: { ...process.env, GOSCHED_NO_PROGRESS: "1" } });
    const exited = new Promise<number | null>((ok) => child.on("exit", (c) => ok(c)));
    // Wait until both temporary files exist (the run is under way), then signal.
    for (let i = 0; i < 600 && tempsIn(dir).length < 2; i++) await new Promise((ok) => setTimeout(ok, 100));
    assert.equal(tempsIn(dir).length, 2, `${sig}: the run did not start`);
    child.kill(sig);
    assert.equal(await exited, code, sig);
    assert.deepEqual(readdirSync(dir), [], `${sig}: left ${readdirSync(dir).join(", ")}`);
  }
});

test("9: the next run of an output removes temporary files of dead processes, not of live ones", () => {
  const dir = mkdtempSync(join(work, "stale-"));
  const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  const deadPid = Number(dead.stdout);
  const stale = join(dir, `.x.trace.tmp-${deadPid}-0123456789ab`);
  const live = join(dir, `.x.trace.tmp-${process.ppid}-0123456789ab`);
  const other = join(dir, `.y.trace.tmp-${deadPid}-0123456789ab`);
  for (const f of [stale, live, other]) writeFileSync(f, "half a trace");
  assert.deepEqual(removeStaleTemps(join(dir, "x.trace")), [stale]);
  assert.ok(!existsSync(stale) && existsSync(live) && existsSync(other));
});

// ─── 6. Option validation at the edge ──────────────────────────────────────────────────────────

test("6: trace replay options are checked before the trace is read", async () => {
  for (const args of [
    ["--gomaxprocs", "0"],
    ["--gomaxprocs", "2000"],
    ["--seed", "-1"],
    ["--profile", "go9"],
    ["--policy", "yolo"],
    ["--scale-site", "x=1e300"],
  ]) {
    const r = await cliInProcess(["trace", "replay", "/nonexistent.trace", ...args]);
    assertCleanRejection(r, args.join(" "));
    assert.match(r.stderr, new RegExp(`${args[0]!}|policy`), r.stderr);
    assert.doesNotMatch(r.stderr, /no such file/);
  }
});

// ─── 10. Memory caps ───────────────────────────────────────────────────────────────────────────

test("10: a cap on live goroutines stops the run with a message naming it; caps are checked before the run", () => {
  const sc = loadScenario(
    "settings: { maxGoroutines: 1000 }\nchannels: { never: 0 }\nprograms:\n  b: [{recv: never}]\n  w:\n    - repeat: { count: 100000000, do: [{go: b}] }\ngoroutines: [{program: w}]\n",
    "cap.yaml",
  );
  const sim = simulate(sc.runs[0]!.options);
  assert.equal(sim.result.stoppedBy, "max-goroutines");
  assert.match(sim.result.limit ?? "", /cap of 1000 live goroutines \(settings\.maxGoroutines/);
  assert.ok(sim.runtime.liveGoroutines <= 1000);
  rejects("programs:\n  w: [gosched]\ngoroutines:\n  - program: w\n    count: 5000000\n", 5, /exceed the cap of 4000000 live goroutines.*MB/);
  rejects(worker("    - gosched\n", "settings:\n  constants: { maxmcount: 100000000 }\n"), 2, /<= 100000/);
  assert.throws(() => resolveConfig({ maxGoroutines: 1e9 }), /maxGoroutines: expected a whole number from 1 to 20000000/);
  assert.throws(() => resolveConfig({ constants: { maxmcount: 1e8 } }), /maxmcount/);
});

// ─── 11. Small ones ────────────────────────────────────────────────────────────────────────────

test("11: nesting states its limit; complex keys print no Node warning; timers need a buffered channel; seeds and workers are bounded", async () => {
  const deep = `programs:\n  w: [{sequence: ${"[{sequence: ".repeat(300)}[gosched]${"}]".repeat(300)}}]\ngoroutines: [{program: w}]\n`;
  rejects(deep, 2, /nested deeper than 100 levels/);
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on("warning", onWarning);
  try {
    rejects("programs:\n  w: [gosched]\n  ? [a, b]\n  : [gosched]\ngoroutines: [{program: w}]\n", 3, /plain names/);
    await new Promise((ok) => setImmediate(ok));
  } finally {
    process.off("warning", onWarning);
  }
  assert.deepEqual(warnings, []);
  rejects(worker("    - timer: { chan: t, duration: 1ms }\n    - recv: t\n", "channels: { t: 0 }\n"), 4, /capacity >= 1/);
  rejects(worker("    - gosched\n", "settings: { seed: 1e30 }\n"), 1, /<= 9007199254740991/);
  for (const args of [
    ["run", small, "--seed", "-1"],
    ["sweep", small, "--param", "gomaxprocs=1,2", "--workers", "-1"],
  ]) {
    const r = await cliInProcess(args);
    assertCleanRejection(r, args.join(" "));
    assert.match(r.stderr, /--seed -1|--workers -1/);
  }
});

test("11: the UI server sends a Content-Security-Policy with frame-ancestors 'none'", async () => {
  const dir = mkdtempSync(join(work, "ui-"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>ui</title>");
  const server = createUiServer({ root: dir });
  const port = await listenLoopback(server, 0);
  try {
    for (const target of ["/", "/missing"]) {
      const headers = await new Promise<Record<string, unknown>>((ok, fail) => {
        const req = request({ host: "127.0.0.1", port, path: target }, (res) => {
          res.resume();
          res.on("end", () => ok(res.headers));
        });
        req.on("error", fail);
        req.end();
      });
      assert.equal(headers["content-security-policy"], contentSecurityPolicy, target);
      assert.match(String(headers["content-security-policy"]), /frame-ancestors 'none'/);
      assert.match(String(headers["content-security-policy"]), /default-src 'self'/);
      assert.equal(headers["x-frame-options"], "DENY");
    }
  } finally {
    server.close();
  }
});

test("11: --workers out of 0…256 is refused (exit 2, the flag named) by every command that takes it, before any work", async () => {
  const commands = optionTable.filter((d) => d.key === "workers").flatMap((d) => d.commands);
  assert.deepEqual([...commands].sort(), ["compare", "run", "sweep", "validate"]);
  const argsOf: Record<string, string[]> = {
    run: ["run", small],
    compare: ["compare", small, "--vs", "gomaxprocs=2"],
    sweep: ["sweep", small, "--param", "gomaxprocs=1,2"],
    // --measured of a missing file: were --workers let through, validate would fail on the file instead.
    validate: ["validate", "--measured", join(work, "missing-results.json")],
  };
  for (const c of commands) {
    for (const bad of ["-1", "257", "100000"]) {
      const args = [...argsOf[c]!, "--workers", bad];
      const r = await cliInProcess(args);
      assertCleanRejection(r, args.join(" "));
      assert.match(r.stderr, new RegExp(`--workers ${bad}: expected a whole number from 0 to 256`), args.join(" "));
    }
    const r = await cliInProcess([...argsOf[c]!, "--workers", "1.5"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--workers.*expected a whole number/);
  }
});

test("sweep --shard --out writes through its own exclusive temporary file: another writer's temp is not touched, no temp is left", async () => {
  const dir = mkdtempSync(join(work, "shard-out-"));
  const out = join(dir, "part-0.json");
  // What a writer naming its temp after the pid alone would have used (and clobbered, then renamed away).
  const planted = `${out}.tmp-${process.pid}`;
  writeFileSync(planted, "another writer's half-written part");
  const r = await cliInProcess(["sweep", small, "--param", "gomaxprocs=1,2", "--workers", "0", "--shard", "0/2", "--out", out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(planted, "utf8"), "another writer's half-written part");
  const part = JSON.parse(readFileSync(out, "utf8")) as { kind: string; shard: { index: number; count: number }; results: unknown[] };
  assert.equal(part.kind, "gosched-sweep-part");
  assert.deepEqual(part.shard, { index: 0, count: 2 });
  assert.equal(part.results.length, 1);
  assert.deepEqual(tempsIn(dir), [`part-0.json.tmp-${process.pid}`]);
  // A folder as --out is refused before any unit runs.
  const folder = await cliInProcess(["sweep", small, "--param", "gomaxprocs=1,2", "--workers", "0", "--shard", "0/2", "--out", dir]);
  assertCleanRejection(folder, "--out folder");
  assert.match(folder.stderr, /--out .*is a folder/);
});

test("calibrate --write: a folder or a missing folder is refused before any measuring (no Go needed)", async () => {
  const dir = mkdtempSync(join(work, "calibrate-"));
  for (const [path, why] of [
    [dir, /--write .*is a folder/],
    [join(dir, "missing", "costs.json"), /--write .*does not exist/],
  ] as const) {
    // --go of a missing binary: were --write not checked first, this would fail on the toolchain instead.
    const r = await cliInProcess(["calibrate", "--go", join(dir, "no-such-go"), "--write", path]);
    assertCleanRejection(r, `calibrate --write ${path}`);
    assert.match(r.stderr, why);
  }
  assert.deepEqual(readdirSync(dir), []);
});

// gosched validate: build and run the Go programs of testdata/go/ with real toolchains, run the
// same workloads in gosched with the matching version profile and this machine's costs, and print
// predicted vs measured with PASS/FAIL. The Go side is tools/run-go-validation.mjs (one
// implementation shared with that script); the cases and the pass rule are src/validation/.
import { existsSync, readFileSync } from "node:fs";
import { GoschedError } from "../base/errors.js";
import {
  formatMarkdown,
  formatText,
  fullMatrix,
  parseCostProfile,
  profileFor,
  quickMatrix,
  summarize,
  validateCase,
  type CaseResult,
  type CostProfile,
  type Measured,
  type ValidationCase,
} from "../validation/index.js";
import { out } from "./common.js";
import { exitCodes, type CliOptions } from "./options.js";

/** What tools/run-go-validation.mjs exports (it is plain JavaScript). */
export interface GoRunner {
  readonly ROOT: string;
  readonly DEFAULT_GOS: readonly string[];
  readonly PROGRAMS: readonly string[];
  goVersion(goBin: string): string;
  build(goBin: string, version: string, program: string, log: (s: string) => void): string;
  runCase(
    goBin: string,
    version: string,
    program: string,
    flags: readonly string[],
    o: { reps: number; timeoutS: number },
    log: (s: string) => void,
  ): { ok: number; reps: unknown[]; median: Record<string, number>; min: Record<string, number>; max: Record<string, number> };
  machineInfo(): { cpus: number; cpu: string; kernel: string; timerslackNs: number | null };
}

export const installHint = "install them with `sudo tools/install-go.sh` (Debian golang-1.19-go, golang-1.23-go from bookworm-backports, gcc)";

export async function loadGoRunner(): Promise<GoRunner> {
  const url = new URL("../../../tools/run-go-validation.mjs", import.meta.url);
  return (await import(url.href)) as GoRunner;
}

/** The Go toolchains to use: --go paths, or every default one installed. */
export function findToolchains(runner: GoRunner, given: readonly string[] | undefined): string[] {
  if (given !== undefined && given.length > 0) {
    for (const g of given) if (!existsSync(g)) throw new GoschedError("OPTION_INVALID", `--go ${g}: no such file`);
    return [...given];
  }
  return runner.DEFAULT_GOS.filter((g) => existsSync(g));
}

export function readCostProfile(file: string | undefined): CostProfile | undefined {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new GoschedError("FILE_NOT_FOUND", `--costs ${file}: cannot read`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new GoschedError("OPTION_INVALID", `--costs ${file}: not JSON (${(e as Error).message})`);
  }
  return parseCostProfile(json, `--costs ${file}`);
}

type SleepPoints = readonly (readonly [number, number])[];

/** nanosleep(d) − d as a goroutine in RawSyscall sees it (p50), for the sleep model. */
export function measureSleep(runner: GoRunner, goBin: string, version: string, reps: number, timeoutS: number, log: (s: string) => void): [number, number][] {
  const pts: [number, number][] = [];
  for (const d of [1, 10, 100, 1000, 10_000]) {
    const n = Math.min(500, Math.max(20, Math.round(100_000 / (d + 60))));
    const r = runner.runCase(goBin, version, "raw", ["-procs", "1", "-g", "1", "-d", String(d), "-n", String(n)], { reps, timeoutS }, log);
    const p50 = r.median["syscallLatencyNs.p50"];
    if (p50 !== undefined) pts.push([d * 1000, Math.round(p50 - d * 1000)]);
  }
  log(`${version}: nanosleep overhead (request µs → µs): ${pts.map(([d, o]) => `${d / 1000} → ${(o / 1000).toFixed(1)}`).join(", ")}`);
  return pts;
}

function positive(v: number | undefined, flag: string, def: number): number {
  if (v === undefined) return def;
  if (!(v >= 1)) throw new GoschedError("OPTION_INVALID", `${flag} ${v}: expected a whole number ≥ 1`);
  return v;
}

interface StoredCase {
  program: string;
  args: string;
  reps: number;
  ok: number;
  m: Record<string, Measured>;
}

export async function validateCommand(o: CliOptions): Promise<number> {
  const cases: ValidationCase[] = o.quick === true ? quickMatrix() : fullMatrix();
  const reps = positive(o.reps, "--reps", 5);
  const seeds = positive(o.seeds, "--seeds", 5);
  const costs = readCostProfile(o.costs);
  // Without --costs: the version profile's calibrated costs (src/profiles). The nanosleep overheads
  // measured now (or, with --measured, read from the file's raw one-goroutine cells) are reported
  // next to them; --sleep-model=measured would apply them, but the model is sensitive to how short
  // sleeps (sysmon's usleep(20)) stretch, which these points do not pin down (docs/validation.md).
  const simFor = (sleep: SleepPoints | null) => {
    void sleep;
    return costs !== undefined ? { costs: costs.costs, machine: costs.machine } : ({} as { costs?: never; machine?: never });
  };
  const log = o.json === true || o.markdown === true || o.quiet === true ? () => {} : (s: string) => process.stderr.write(`[validate] ${s}\n`);
  const results: CaseResult[] = [];
  const sources: object[] = [];

  if (o.measured !== undefined && o.measured.length > 0) {
    // Stored measurements (a results file of tools/run-go-validation.mjs --matrix): no Go run.
    for (const file of o.measured) {
      let res: { goVersion: string; machine?: object; date?: string; cases: StoredCase[] };
      try {
        res = JSON.parse(readFileSync(file, "utf8")) as typeof res;
      } catch (e) {
        throw new GoschedError("FILE_NOT_FOUND", `--measured ${file}: ${(e as Error).message}`);
      }
      sources.push({ file, goVersion: res.goVersion, machine: res.machine, date: res.date });
      const { profile, note } = profileFor(res.goVersion);
      const sleep: [number, number][] = [];
      for (const sc of res.cases) {
        const m = /^raw -procs 1 -g 1 -d (\d+)$/.exec(`${sc.program} ${sc.args}`);
        const p50 = sc.m["syscallLatencyNs.p50"];
        if (m !== null && p50 !== undefined) sleep.push([Number(m[1]) * 1000, p50[0] - Number(m[1]) * 1000]);
      }
      const sim = simFor(sleep);
      sources.push({ file, measuredSleepOverheadNs: sleep, sleepModelUsed: sim.machine ?? "profile default" });
      for (const c of cases) {
        const stored = res.cases.find((s) => `${s.program} ${s.args}` === c.id);
        if (stored === undefined) continue;
        results.push(validateCase(c, { goVersion: res.goVersion, profile, ...sim, measured: stored.m, reps: stored.ok, seeds, ...(note !== undefined ? { note } : {}) }));
      }
    }
  } else {
    const runner = await loadGoRunner();
    const gos = findToolchains(runner, o.go);
    if (gos.length === 0) {
      process.stderr.write(`gosched validate: no Go toolchain found (looked for ${runner.DEFAULT_GOS.join(", ")}); ${installHint}, or pass --go PATH\n`);
      return exitCodes.badInput;
    }
    const timeoutS = positive(o.timeout, "--timeout", 60);
    for (const goBin of gos) {
      const version = runner.goVersion(goBin);
      const { profile, note } = profileFor(version);
      const sleep = costs === undefined ? measureSleep(runner, goBin, version, 2, timeoutS, log) : null;
      const sim = simFor(sleep);
      sources.push({ goBinary: goBin, goVersion: version, machine: runner.machineInfo(), measuredSleepOverheadNs: sleep, sleepModelUsed: sim.machine ?? "profile default" });
      const t0 = Date.now();
      for (const [i, c] of cases.entries()) {
        const r = runner.runCase(goBin, version, c.program, c.args, { reps, timeoutS }, log);
        const measured: Record<string, Measured> = {};
        for (const k of Object.keys(r.median)) measured[k] = [r.median[k]!, r.min[k]!, r.max[k]!];
        if (r.ok === 0) {
          log(`${version} ${c.id}: every run failed`);
          continue;
        }
        const res = validateCase(c, { goVersion: version, profile, ...sim, measured, reps: r.ok, seeds, ...(note !== undefined ? { note } : {}) });
        results.push(res);
        log(`${version} ${i + 1}/${cases.length} ${c.id}: ${res.asserted ? (res.pass ? "PASS" : "FAIL") : res.pass ? "gap, inside" : "gap, outside"} (${Math.round((Date.now() - t0) / 1000)} s)`);
      }
    }
  }

  const s = summarize(results);
  if (o.json === true) out(JSON.stringify({ sources, costs: costs ?? null, summary: s, results }, null, 2));
  else if (o.markdown === true) out(formatMarkdown(results));
  else out(formatText(results));
  if (results.length === 0) {
    process.stderr.write("gosched validate: no case was measured\n");
    return exitCodes.fatal;
  }
  return s.assertedFailed > 0 ? exitCodes.fatal : exitCodes.ok;
}

// gosched validate: calibrate this machine, build and run the Go programs of testdata/go/ with real
// toolchains, predict the same workloads in gosched over several seeds with the matching version
// profile and this machine's costs, and print predicted vs measured distributions with PASS/FAIL. The Go side is tools/run-go-validation.mjs (one
// implementation shared with that script); the cases and the pass rule are src/validation/.
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { GoschedError } from "../base/errors.js";
import {
  defaultValidationSeeds,
  formatMarkdown,
  formatText,
  fullMatrix,
  judgeCase,
  parseCostProfile,
  predictionPlan,
  profileFor,
  quickMatrix,
  summarize,
  withDerived,
  type CaseResult,
  type CaseSettings,
  type CostProfile,
  type Measured,
  type ValidationCase,
} from "../validation/index.js";
import { measureMachine } from "./calibrate.js";
import { out } from "./common.js";
import { exitCodes, type CliOptions } from "./options.js";
import { formatEta } from "./progress.js";
import { runTasks } from "./sweep.js";
import { runValidationTask, type ValidationTask } from "./validate_task.js";

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
  machineInfo(): { cpus: number; cpu: string; kernel: string; timerslackNs: number | null; schedVcpuPack: number | null };
  /** One run of a built binary: the program's JSON, or {error}. */
  runOnce(bin: string, flags: readonly string[], timeoutS: number, env?: Readonly<Record<string, string>>): Record<string, unknown>;
  /** Whether a `go version` string ("go1.23.5") is at least major.minor (an unparsable one is). */
  versionAtLeast(version: string, major: number, minor: number): boolean;
}

export const installHint = "install them with `sudo tools/install-go.sh` (Debian golang-1.19-go, golang-1.23-go from bookworm-backports, golang-1.26-go and golang-1.27-go from trixie-backports, gcc)";

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

/** A case measured on one toolchain, waiting for its predictions. */
interface Job {
  readonly c: ValidationCase;
  readonly settings: Omit<CaseSettings, "seeds">;
}

export async function validateCommand(o: CliOptions): Promise<number> {
  if (o.family !== undefined && o.family !== "matrix") {
    if (o.family !== "replay") throw new GoschedError("OPTION_INVALID", `--family ${o.family}: expected matrix or replay`);
    const { validateReplayCommand } = await import("./validate_replay.js");
    return validateReplayCommand(o);
  }
  const cases: ValidationCase[] = o.quick === true ? quickMatrix() : fullMatrix();
  const reps = positive(o.reps, "--reps", 5);
  const seeds = positive(o.seeds, "--seeds", defaultValidationSeeds);
  const workers = o.workers ?? availableParallelism();
  const given = readCostProfile(o.costs);
  const simOf = (p: CostProfile) => ({ costs: p.costs, machine: p.machine });
  const log = o.json === true || o.markdown === true || o.quiet === true ? () => {} : (s: string) => process.stderr.write(`[validate] ${s}\n`);
  const jobs: Job[] = [];
  const sources: object[] = [];

  if (o.measured !== undefined && o.measured.length > 0) {
    // Stored measurements (a results file of tools/run-go-validation.mjs --matrix): no Go run. The
    // machine is --costs (calibrated where the measurements were made) or the profile's default.
    for (const file of o.measured) {
      let res: { goVersion: string; machine?: object; date?: string; loadAverage?: unknown; cases: StoredCase[] };
      try {
        res = JSON.parse(readFileSync(file, "utf8")) as typeof res;
      } catch (e) {
        throw new GoschedError("FILE_NOT_FOUND", `--measured ${file}: ${(e as Error).message}`);
      }
      sources.push({ file, goVersion: res.goVersion, machine: res.machine, date: res.date, loadAverage: res.loadAverage, calibration: given !== undefined ? o.costs : "none: the profile's default machine (give --costs)" });
      const { profile, note } = profileFor(res.goVersion);
      for (const c of cases) {
        const stored = res.cases.find((s) => `${s.program} ${s.args}` === c.id);
        if (stored === undefined) continue;
        jobs.push({ c, settings: { goVersion: res.goVersion, profile, ...(given !== undefined ? simOf(given) : {}), measured: stored.m, reps: stored.ok, ...(note !== undefined ? { note } : {}) } });
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
      // Predictions are for the machine the real runs happen on: calibrate it first (gosched calibrate).
      const t0 = Date.now();
      const machine = given ?? measureMachine(runner, goBin, { reps, timeoutS }, log);
      if (given === undefined) log(`${version}: calibrated this machine in ${Math.round((Date.now() - t0) / 1000)} s`);
      sources.push({ goBinary: goBin, goVersion: version, machine: runner.machineInfo(), loadAverage: loadavg()[0], calibration: given !== undefined ? o.costs : machine });
      for (const [i, c] of cases.entries()) {
        const r = runner.runCase(goBin, version, c.program, c.args, { reps, timeoutS }, log);
        const measured: Record<string, Measured> = {};
        for (const k of Object.keys(r.median)) measured[k] = [r.median[k]!, r.min[k]!, r.max[k]!];
        if (r.ok === 0) {
          log(`${version} ${c.id}: every run failed`);
          continue;
        }
        jobs.push({ c, settings: { goVersion: version, profile, ...simOf(machine), measured, reps: r.ok, ...(note !== undefined ? { note } : {}) } });
        const elapsedS = (Date.now() - t0) / 1000;
        const eta = i + 1 < cases.length ? `, ETA ${formatEta((elapsedS / (i + 1)) * (cases.length - i - 1))}` : "";
        log(`${version} ${i + 1}/${cases.length} ${c.id} measured (${Math.round(elapsedS)} s${eta})`);
      }
    }
  }

  // The predictions, after every Go run (they would take the CPUs the measurements need), over the
  // worker pool: one task per case and seed.
  const plans = jobs.map((j) => predictionPlan(withDerived(j.settings.measured).windowStartAfterInitNs, seeds));
  const tasks: ValidationTask[] = [];
  jobs.forEach((j, ji) => {
    const sim = { profile: j.settings.profile, ...(j.settings.costs !== undefined ? { costs: j.settings.costs } : {}), ...(j.settings.machine !== undefined ? { machine: j.settings.machine } : {}) };
    for (const p of plans[ji]!) tasks.push({ kind: "validate", index: tasks.length, caseId: j.c.id, sim, seed: p.seed, offsetNs: p.offsetNs });
  });
  const predicted = await runTasks(tasks, Math.min(workers, tasks.length), runValidationTask, "validate: predictions");
  const results: CaseResult[] = [];
  let k = 0;
  jobs.forEach((j, ji) => {
    const plan = plans[ji]!;
    const preds = predicted.slice(k, k + plan.length).map((r) => r.predicted);
    k += plan.length;
    const st = j.settings;
    results.push(judgeCase(j.c, st.goVersion, st.profile, withDerived(st.measured), st.reps, preds, plan.map((p) => p.seed), plan.map((p) => p.offsetNs), st.note));
  });

  const s = summarize(results);
  const byVersion = Object.fromEntries([...new Set(results.map((r) => r.goVersion))].map((v) => [v, summarize(results.filter((r) => r.goVersion === v))]));
  if (o.json === true) out(JSON.stringify({ sources, costs: given ?? null, seeds, summary: s, summaryByGoVersion: byVersion, results }, null, 2));
  else if (o.markdown === true) out(formatMarkdown(results));
  else out(formatText(results));
  if (results.length === 0) {
    process.stderr.write("gosched validate: no case was measured\n");
    return exitCodes.fatal;
  }
  return s.casesFailed > 0 ? exitCodes.fatal : exitCodes.ok;
}

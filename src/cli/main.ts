// The gosched command line, built from the option and command tables in options.ts.
import { Command, CommanderError } from "commander";
import { InvariantError } from "../base/assert.js";
import { GoschedError } from "../base/errors.js";
import { addOptions, commandTable, exitCodes, type CliOptions, type TopCommandName } from "./options.js";
import { packageVersion } from "./package_version.js";
import { Progress } from "./progress.js";

// Start-up: each command's module (and what it needs: the scenario compiler, the simulator, the
// trace reader, the validation suite, the UI server…) is imported when that command runs, so
// `gosched run` loads neither the trace reader nor the validation code nor the UI server
// (docs/performance.md).

type Action = (arg: string | undefined, o: CliOptions, args: readonly string[]) => number | Promise<number>;

/** For the commands that read scenarios: the precompiled schema validator (common.ts). */
const scenarios = async (): Promise<typeof import("./common.js")> => {
  const common = await import("./common.js");
  await common.usePrecompiledSchema();
  return common;
};

const actions: Record<TopCommandName, Action> = {
  run: async (file, o) => {
    const common = await scenarios();
    return (await import("./run.js")).runCommand(file ?? common.defaultScenarioPath(), o);
  },
  compare: async (file, o) => (await scenarios(), (await import("./compare.js")).compareCommand(file!, o)),
  sweep: async (file, o) => (await scenarios(), (await import("./sweep.js")).sweepCommand(file!, o)),
  merge: async (_a, o, parts) => (await import("./sweep_shard.js")).mergeCommand(parts, o),
  explain: async (fn, o) => (await import("./explain.js")).explainCommand(fn, o),
  validate: async (_a, o) => (await import("./validate.js")).validateCommand(o),
  calibrate: async (_a, o) => (await import("./calibrate.js")).calibrateCommand(o),
  schema: async () => {
    const { scenarioSchema } = await import("../scenario/core.js");
    (await import("./common.js")).out(JSON.stringify(scenarioSchema, null, 2));
    return exitCodes.ok;
  },
};

/**
 * Builds the commander program; `result` receives the chosen command's exit code promise. `trace`
 * and `serve` are built by their own modules, loaded only when `first` (the command line's first
 * word) is not one of the table's commands (it may be them, --help, version…).
 */
export async function buildProgram(result: { code?: Promise<number> | number }, first?: string): Promise<Command> {
  const program = new Command("gosched")
    .description("Simulate the Go runtime scheduler and its syscall path.\nWith no arguments: gosched run examples/default.yaml.\n" +
      "gosched --version (-V) prints the version; gosched version also Node's and the Go versions supported.")
    .version(packageVersion(), "-V, --version", "print gosched's version")
    .exitOverride()
    .showHelpAfterError("(gosched --help lists the commands; gosched <command> --help their options)");
  for (const c of commandTable) {
    const cmd = program.command(`${c.name}${c.args !== "" ? ` ${c.args}` : ""}`).description(c.summary).exitOverride();
    addOptions(cmd, c.name);
    cmd.action((arg: unknown, opts: unknown) => {
      const o = (typeof arg === "object" && arg !== null && !Array.isArray(arg) && !(arg instanceof Command) ? arg : opts) as CliOptions;
      // --json: machine-readable output, no progress lines on stderr either.
      if (o.json === true) Progress.silenced = true;
      result.code = actions[c.name](typeof arg === "string" ? arg : undefined, o, Array.isArray(arg) ? (arg as string[]) : []);
    });
  }
  if (first === undefined || !commandTable.some((c) => c.name === first)) {
    program.addCommand((await import("./trace.js")).traceCommand(result));
    program.addCommand((await import("./serve.js")).serveCommand(result));
  }
  program
    .command("version")
    .description("gosched's version, Node's, the Go version profiles and the trace versions it reads")
    .exitOverride()
    .action(() => {
      result.code = import("./version.js").then((v) => v.versionCommand());
    });
  return program;
}

/** Runs the CLI on argv (without node and the script); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  // `gosched … | head`: a closed pipe ends the output quietly (one listener, however often main runs).
  if (!process.stdout.listeners("error").includes(onStdoutError)) process.stdout.on("error", onStdoutError);
  const args = argv.length === 0 ? ["run"] : [...argv];
  const result: { code?: Promise<number> | number } = {};
  try {
    (await buildProgram(result, args[0])).parse(args, { from: "user" });
    return await (result.code ?? exitCodes.ok);
  } catch (e) {
    return reportError(e, args);
  }
}

/**
 * The command line that reruns a failed run with invariant checks after every event: `run`'s own
 * arguments plus --check; for other commands, a `gosched run` of the configuration (the error's
 * context names its seed, profile and GOMAXPROCS).
 */
export function rerunCommand(args: readonly string[]): string {
  const quoted = args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`));
  if (args[0] !== "run") return "gosched run <scenario> --seed <seed> --profile <profile> --gomaxprocs <n> --check (values above)";
  return ["gosched", ...quoted, ...(args.includes("--check") ? [] : ["--check"])].join(" ");
}

function onStdoutError(e: NodeJS.ErrnoException): void {
  if (e.code === "EPIPE") process.exit(exitCodes.ok);
  throw e;
}

function reportError(e: unknown, args: readonly string[]): number {
  if (e instanceof CommanderError) {
    return e.exitCode === 0 ? exitCodes.ok : exitCodes.badInput;
  }
  if (e instanceof GoschedError) {
    process.stderr.write(`gosched: ${e.message}\n`);
    return exitCodes.badInput;
  }
  if (e instanceof InvariantError) {
    process.stderr.write(`gosched: the model broke an invariant (a bug in gosched, please report it):\n${e.message}\n`);
    process.stderr.write(`rerun it with checks after every event: ${rerunCommand(args)}\n`);
    return exitCodes.fatal;
  }
  process.stderr.write(`gosched: internal error (a bug in gosched, please report it):\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return exitCodes.fatal;
}

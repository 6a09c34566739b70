// The gosched command line, built from the option and command tables in options.ts.
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { InvariantError } from "../base/assert.js";
import { GoschedError } from "../base/errors.js";
import { scenarioSchema } from "../scenario/index.js";
import { defaultScenarioPath, out } from "./common.js";
import { compareCommand } from "./compare.js";
import { explainCommand } from "./explain.js";
import { commandTable, exitCodes, optionsFor, type CliOptions, type CommandName, type OptionDef } from "./options.js";
import { runCommand } from "./run.js";
import { serveCommand } from "./serve.js";
import { sweepCommand } from "./sweep.js";
import { mergeCommand } from "./sweep_shard.js";
import { traceCommand } from "./trace.js";
import { calibrateCommand } from "./calibrate.js";
import { validateCommand } from "./validate.js";
import { packageVersion, versionCommand } from "./version.js";

function parseIntOption(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`expected a whole number, got '${v}'`);
  return n;
}

function addOption(cmd: Command, d: OptionDef): void {
  switch (d.kind) {
    case "boolean":
      cmd.option(d.flags, d.description);
      break;
    case "int":
      cmd.option(d.flags, d.description, parseIntOption);
      break;
    case "repeatable":
      cmd.option(d.flags, d.description, (v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
      break;
    default:
      cmd.option(d.flags, d.description);
  }
}

type Action = (arg: string | undefined, o: CliOptions, args: readonly string[]) => number | Promise<number>;

const actions: Record<CommandName, Action> = {
  run: (file, o) => runCommand(file ?? defaultScenarioPath(), o),
  compare: (file, o) => compareCommand(file!, o),
  sweep: (file, o) => sweepCommand(file!, o),
  merge: (_a, o, parts) => mergeCommand(parts, o),
  explain: (fn, o) => explainCommand(fn, o),
  validate: (_a, o) => validateCommand(o),
  calibrate: (_a, o) => calibrateCommand(o),
  schema: () => {
    out(JSON.stringify(scenarioSchema, null, 2));
    return exitCodes.ok;
  },
};

/** Builds the commander program; `result` receives the chosen command's exit code promise. */
export function buildProgram(result: { code?: Promise<number> | number }): Command {
  const program = new Command("gosched")
    .description("Simulate the Go runtime scheduler and its syscall path.\nWith no arguments: gosched run examples/default.yaml.\n" +
      "gosched --version (-V) prints the version; gosched version also Node's and the Go versions supported.")
    .version(packageVersion(), "-V, --version", "print gosched's version")
    .exitOverride()
    .showHelpAfterError("(gosched --help lists the commands; gosched <command> --help their options)");
  for (const c of commandTable) {
    const cmd = program.command(`${c.name}${c.args !== "" ? ` ${c.args}` : ""}`).description(c.summary).exitOverride();
    for (const d of optionsFor(c.name)) addOption(cmd, d);
    cmd.action((arg: unknown, opts: unknown) => {
      const o = (typeof arg === "object" && arg !== null && !Array.isArray(arg) && !(arg instanceof Command) ? arg : opts) as CliOptions;
      result.code = actions[c.name](typeof arg === "string" ? arg : undefined, o, Array.isArray(arg) ? (arg as string[]) : []);
    });
  }
  program.addCommand(traceCommand(result));
  program.addCommand(serveCommand(result));
  program
    .command("version")
    .description("gosched's version, Node's, the Go version profiles and the trace versions it reads")
    .exitOverride()
    .action(() => {
      result.code = versionCommand();
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
    buildProgram(result).parse(args, { from: "user" });
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

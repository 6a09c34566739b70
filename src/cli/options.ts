// The CLI's one table of commands and options. main.ts, trace.ts and serve.ts build commander from
// it (addOptions), so --help, the parsed values and docs/cli.md (checked by a test) cannot drift
// apart.

import { InvalidArgumentError, type Command } from "commander";
import { GoschedError } from "../base/errors.js";
import { policyNames } from "../policies/index.js";
import { profileNames } from "../profiles/index.js";

export type TopCommandName = "run" | "compare" | "sweep" | "merge" | "explain" | "schema" | "validate" | "calibrate";
export type CommandName = TopCommandName | SubcommandName;

/** Commands built by their own modules (loaded only when used), with their options here too. */
export type SubcommandName = "trace analyze" | "trace replay" | "trace dump" | "serve";

export type OptionKind = "boolean" | "int" | "string" | "duration" | "repeatable";

export interface OptionDef {
  /** Property name in the parsed options. */
  readonly key: string;
  /** commander flags, e.g. "--gomaxprocs <n>". */
  readonly flags: string;
  readonly description: string;
  readonly kind: OptionKind;
  readonly commands: readonly CommandName[];
  /** The scenario setting this flag overrides (run, compare, sweep). */
  readonly setting?: string;
  /** int options: the values accepted, [min, max] (checked when parsed, for every command that takes the flag). */
  readonly range?: readonly [number, number];
}

const sim: CommandName[] = ["run", "compare", "sweep"];

export const optionTable = [
  { key: "json", flags: "--json", kind: "boolean", commands: ["run", "compare", "sweep", "merge", "explain", "validate", "calibrate", "trace analyze", "trace replay"], description: "print JSON instead of the human report" },
  { key: "variant", flags: "--variant <name>", kind: "repeatable", commands: sim, description: "run only this variant of the scenario (repeatable); needed to override what the variants set (e.g. --gomaxprocs on variants that differ in GOMAXPROCS)" },
  { key: "gomaxprocs", flags: "--gomaxprocs <n>", kind: "int", commands: sim, setting: "gomaxprocs", description: "override GOMAXPROCS" },
  { key: "seed", flags: "--seed <n>", kind: "int", commands: sim, setting: "seed", description: "override the random seed" },
  { key: "profile", flags: "--profile <name>", kind: "string", commands: sim, setting: "profile", description: `override the Go version profile (${profileNames.join(", ")})` },
  { key: "policy", flags: "--policy <name>", kind: "string", commands: sim, setting: "policy", description: `override the syscall policy (${policyNames.join(", ")})` },
  { key: "maxTime", flags: "--max-time <duration>", kind: "duration", commands: sim, setting: "maxTime", description: "stop the simulation at this simulated time (e.g. 2s)" },
  { key: "maxEvents", flags: "--max-events <n>", kind: "int", commands: sim, setting: "maxEvents", description: "stop the simulation after this many engine events" },
  { key: "set", flags: "--set <key=value>", kind: "repeatable", commands: sim, description: "override any setting or param, e.g. costs.futexWakeNs=5us or call=rawSyscall (repeatable)" },
  { key: "check", flags: "--check", kind: "boolean", commands: ["run"], description: "check the model's invariants after every event (slow)" },
  { key: "buggify", flags: "--buggify <seed>", kind: "int", commands: ["run"], description: "fault injection: perturb the machine within its legal envelope (seeded; docs/buggify.md) and check every invariant after every event" },
  { key: "schedtrace", flags: "--schedtrace <duration>", kind: "duration", commands: ["run"], description: "print GODEBUG=schedtrace lines every <duration> of simulated time (e.g. 10ms)" },
  { key: "scheddetail", flags: "--scheddetail", kind: "boolean", commands: ["run"], description: "with --schedtrace: the scheddetail=1 form (a line per P, M and G)" },
  { key: "trace", flags: "--trace <out.trace>", kind: "string", commands: ["run"], description: "write the run as a Go execution trace (go 1.19 format, opens in go tool trace; one file per variant)" },
  { key: "perfetto", flags: "--perfetto <out.pftrace|out.json>", kind: "string", commands: ["run"], description: "write the run for ui.perfetto.dev: Perfetto's protobuf trace, or Chrome trace-event JSON if the name ends in .json" },
  { key: "pprofSyscall", flags: "--pprof-syscall <out.pb.gz>", kind: "string", commands: ["run"], description: "write a pprof profile of time in syscalls and waiting for a P, by call site" },
  { key: "vs", flags: "--vs <key=value,...>", kind: "repeatable", commands: ["compare"], description: "a configuration to compare against the scenario: overrides separated by commas (repeatable)" },
  { key: "param", flags: "--param <key=v1,v2,...>", kind: "repeatable", commands: ["sweep"], description: "a swept parameter and its values (repeatable; the grid is their product)" },
  { key: "metric", flags: "--metric <name>", kind: "string", commands: ["sweep", "merge"], description: "metric to plot (default makespanNs), e.g. threadsCreated, schedLatencyNs.p99Ns" },
  { key: "workers", flags: "--workers <n>", kind: "int", range: [0, 256], commands: ["run", "compare", "sweep", "validate"], description: "threads for sweep points, seeds and validate's predictions: this one and n−1 worker threads (default: one per core; 0 or 1 = this thread alone)" },
  { key: "format", flags: "--format <csv|json>", kind: "string", commands: ["sweep", "merge"], description: "results on stdout as csv (default) or json" },
  { key: "out", flags: "--out <file>", kind: "string", commands: ["sweep", "merge"], description: "also write the results to a file (.csv or .json); with --shard: the part file" },
  { key: "shard", flags: "--shard <i/n>", kind: "string", commands: ["sweep"], description: "run only shard i of n (0 ≤ i < n) of the grid × seeds and write a part file for gosched merge" },
  { key: "plot", flags: "--plot <file.svg>", kind: "string", commands: ["sweep", "merge"], description: "write an SVG plot of --metric against the first --param" },
  { key: "costs", flags: "--costs <file>", kind: "string", commands: ["run", "validate"], description: "a cost profile JSON (written by gosched calibrate): this machine's costs and sleep model (validate: instead of calibrating first)" },
  { key: "go", flags: "--go <path>", kind: "repeatable", commands: ["validate", "calibrate"], description: "a go binary, e.g. /usr/lib/go-1.23/bin/go (repeatable; default: every installed /usr/lib/go-1.19, 1.23, 1.26, 1.27)" },
  { key: "family", flags: "--family <name>", kind: "string", commands: ["validate"], description: "matrix (default): the programs of testdata/go against the model; replay: predictions from real traces (trace at setting A, replayed under B, vs the program run at B; docs/trace-replay.md)" },
  { key: "quick", flags: "--quick", kind: "boolean", commands: ["validate"], description: "the small matrix for CI: every program kind, short and long calls, 1 and 256 goroutines" },
  { key: "markdown", flags: "--markdown", kind: "boolean", commands: ["validate"], description: "print the accuracy table as Markdown (docs/validation.md)" },
  { key: "measured", flags: "--measured <results.json>", kind: "repeatable", commands: ["validate"], description: "compare with a stored results file of tools/run-go-validation.mjs --matrix instead of running Go (repeatable)" },
  { key: "reps", flags: "--reps <n>", kind: "int", commands: ["validate", "calibrate"], description: "runs of each Go program, each a separate process (default 5)" },
  { key: "seeds", flags: "--seeds <n>", kind: "int", commands: ["run", "compare", "sweep", "validate"], description: "simulate each configuration with seeds s, s+1, …, s+n−1 (s = the scenario's seed) and report every metric as median and p5–p95, flagging bimodal ones (validate: default 10)" },
  { key: "timeout", flags: "--timeout <seconds>", kind: "int", commands: ["validate", "calibrate"], description: "per-run timeout of a Go program (default 60)" },
  { key: "quiet", flags: "--quiet", kind: "boolean", commands: ["validate", "calibrate"], description: "no progress on stderr" },
  { key: "write", flags: "--write <file>", kind: "string", commands: ["calibrate"], description: "write the cost profile to this file (default: stdout)" },
  { key: "questions", flags: "--questions", kind: "boolean", commands: ["explain"], description: "print the answered questions about the syscall path" },
  // trace replay: the what-if settings (the trace's own, or the profile of its Go version, by default).
  { key: "gomaxprocs", flags: "--gomaxprocs <n>", kind: "int", commands: ["trace replay"], description: "what-if: GOMAXPROCS" },
  { key: "profile", flags: "--profile <name>", kind: "string", commands: ["trace replay"], description: `what-if: Go version profile (${profileNames.join(", ")}); auto (the default): from the trace's Go version` },
  { key: "policy", flags: "--policy <name>", kind: "string", commands: ["trace replay"], description: `what-if: syscall policy (${policyNames.join(", ")}; default sysmon-retake)` },
  { key: "scaleSite", flags: "--scale-site <site=factor>", kind: "repeatable", commands: ["trace replay"], description: "what-if: make syscalls whose call site contains <site> factor times as long (repeatable)" },
  { key: "seed", flags: "--seed <n>", kind: "int", commands: ["trace replay"], description: "random seed of the simulations" },
  // serve
  { key: "port", flags: "--port <n>", kind: "int", commands: ["serve"], description: "port to listen on (default 8019, or any free port if taken; 0: any)" },
  { key: "report", flags: "--no-report", kind: "boolean", commands: ["serve"], description: "do not print the scenario's report first" },
  { key: "build", flags: "--no-build", kind: "boolean", commands: ["serve"], description: "serve ui-dist/ as it is, without rebuilding a stale UI" },
] as const satisfies readonly OptionDef[];

type Table = typeof optionTable;
type ValueOf<K extends OptionKind> = K extends "boolean" ? boolean : K extends "int" ? number : K extends "repeatable" ? string[] : string;

/** The parsed options: every key of the table, typed by its kind (absent when not given). */
export type CliOptions = { [D in Table[number] as D["key"]]?: ValueOf<D["kind"]> };

export interface CommandDef {
  readonly name: TopCommandName;
  readonly args: string;
  readonly summary: string;
}

export const commandTable: readonly CommandDef[] = [
  { name: "run", args: "[scenario]", summary: "simulate a scenario (all its variants) and print the report; default: examples/default.yaml" },
  { name: "compare", args: "<scenario>", summary: "run configurations side by side with the deltas of every metric" },
  { name: "sweep", args: "<scenario>", summary: "run a parameter grid over worker threads; CSV/JSON results and an SVG plot" },
  { name: "merge", args: "<parts...>", summary: "merge the part files of a sharded sweep (sweep --shard i/n) into the sweep's results" },
  { name: "explain", args: "[function]", summary: "what a runtime function does, step by step, and where it lives in Go's source" },
  { name: "schema", args: "", summary: "print the JSON Schema of scenario files" },
  { name: "validate", args: "", summary: "run the Go programs of testdata/go with real Go toolchains and check gosched's predictions (PASS/FAIL)" },
  { name: "calibrate", args: "", summary: "measure this machine's costs with a Go toolchain (syscall entry/exit, cgo, sleeps, thread creation and exitsyscall's take-back of a P — from real execution traces with Go ≥ 1.22 — clone(), futex wakes) and write a cost profile for --costs" },
];

/** trace's subcommands and serve: documented and parsed from the same table. */
export const subcommandTable: readonly { readonly name: SubcommandName; readonly args: string; readonly summary: string }[] = [
  { name: "trace analyze", args: "<file>", summary: "syscall report: counts, durations, lost Ps, threads, per goroutine and call site" },
  { name: "trace replay", args: "<file>", summary: "derive each goroutine's workload from the trace and run it in the simulator; compare with the trace" },
  { name: "trace dump", args: "<file>", summary: "the events as text (new format: the text form of Go's golden tests; old format: the events and stacks), readable back by analyze/replay/dump" },
  { name: "serve", args: "[scenario]", summary: "print the scenario's report, then serve the web UI on 127.0.0.1 (builds it if needed) and print its URL" },
];

export const optionsFor = (c: CommandName): readonly OptionDef[] => optionTable.filter((o) => (o.commands as readonly CommandName[]).includes(c));

/**
 * The value of an int option, refused with exit 2 when not a whole number (commander's message) or
 * out of the option's range (a GoschedError, raised through commander's parse to main's report).
 */
export function parseIntOption(d: OptionDef, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`expected a whole number, got '${v}'`);
  const range = d.range;
  if (range !== undefined && (n < range[0] || n > range[1])) {
    throw new GoschedError("OPTION_INVALID", `${d.flags.split(" ")[0]} ${v}: expected a whole number from ${range[0]} to ${range[1]}`);
  }
  return n;
}

/** Adds a command's options from the table to its commander command. */
export function addOptions(cmd: Command, c: CommandName): Command {
  for (const d of optionsFor(c)) {
    if (d.kind === "int") cmd.option(d.flags, d.description, (v: string) => parseIntOption(d, v));
    else if (d.kind === "repeatable") cmd.option(d.flags, d.description, (v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
    else cmd.option(d.flags, d.description);
  }
  return cmd;
}

/** Exit codes (docs/cli.md). */
export const exitCodes = { ok: 0, fatal: 1, badInput: 2 } as const;

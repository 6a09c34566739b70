// gosched trace analyze|replay|dump <file>: read a Go execution trace (runtime/trace, go test -trace,
// /debug/pprof/trace) — its syscall report, its replay in the simulator under other settings, or
// its events as text.
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { GoschedError } from "../base/errors.js";
import { maxProcs, maxSeed } from "../base/limits.js";
import { parsePolicy } from "../policies/index.js";
import { formatNs } from "../base/time.js";
import { analyzeSyscalls, formatSyscallAnalysis } from "../gotrace/analyze.js";
import { dumpTrace } from "../gotrace/dump.js";
import { detectTraceInput, readTraceInput, traceInputLabel } from "../gotrace/input.js";
import { SUPPORTED_RANGE, TraceError, type ParsedTrace } from "../gotrace/reader.js";
import { formatReport } from "../observers/report.js";
import { out } from "./common.js";
import { addOptions, exitCodes, subcommandTable } from "./options.js";
import { runJson } from "./simulation.js";
import { actionLists } from "../gotrace/replay.js";
import { checkProfile, replayTrace, type ReplayResult } from "../whatif.js";

/**
 * Reads and parses a trace file: binary, the text form `trace dump` prints, a txtar `.test` case,
 * or the dump of an old-format trace (src/gotrace/input.ts, by content); a malformed trace becomes
 * a GoschedError naming the byte offset (and, for text, the line), an unknown version one saying
 * which versions this gosched reads.
 */
export function loadTrace(file: string): ParsedTrace {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GoschedError("FILE_NOT_FOUND", code === "ENOENT" ? `${file}: no such file` : `${file}: cannot read (${code ?? String(e)})`);
  }
  const kind = detectTraceInput(bytes);
  try {
    return readTraceInput(bytes).trace;
  } catch (e) {
    if (e instanceof TraceError) throw new GoschedError(e.code, `${file}${kind === "binary" ? "" : ` (${traceInputLabel[kind]})`}: ${e.message}`);
    throw e;
  }
}

// ---- replay (the library's src/whatif.ts; re-exported for the CLI's users) -------------------------

export { checkProfile, profileFor, replayBands, replayTrace, SiteLatency, type ComparisonRow, type ReplayOverrides, type ReplayResult } from "../whatif.js";

function fmtCell(metric: string, v: number | null): string {
  if (v === null) return "n/a";
  return metric.endsWith("Ns") ? formatNs(v) : String(v);
}

export function formatReplay(r: ReplayResult, file: string): string {
  const w = r.workload;
  const lines: string[] = [];
  const nOps = actionLists(w).reduce((s, acts) => s + acts.length, 0);
  lines.push(`${file}: go 1.${w.version - 1000} trace (${w.format} format); replaying ${w.goroutines.length} goroutines, ${nOps} actions, ${w.edges.size} wake edges`);
  const b = r.baselineSettings;
  lines.push(`trace's own settings: GOMAXPROCS=${b.gomaxprocs} profile=${b.profile} policy=${b.policy}`);
  lines.push("");
  const head = ["", "trace", "replay", "error", "band", "ok"];
  const rows = r.comparison.map((c) => [
    c.metric,
    fmtCell(c.metric, c.trace),
    fmtCell(c.metric, c.replay),
    c.relErr === null ? "" : `${c.relErr >= 0 ? "+" : ""}${(c.relErr * 100).toFixed(1)}%`,
    c.band,
    c.withinBand === null ? "-" : c.withinBand ? "yes" : "NO",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i]!.length)));
  lines.push(head.map((h, i) => (i === 0 ? h.padEnd(widths[i]!) : h.padStart(widths[i]!))).join("  "));
  for (const x of rows) lines.push(x.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "));
  lines.push("");
  const runs = [{ label: "replay", sim: r.baseline }];
  if (r.whatIf !== null && r.whatIfSettings !== null) {
    const s = r.whatIfSettings;
    lines.push(`what-if: GOMAXPROCS=${s.gomaxprocs} profile=${s.profile} policy=${s.policy}${s.scaled.length > 0 ? ` scaled: ${s.scaled.join(", ")}` : ""}`);
    lines.push("");
    runs.push({ label: "what-if", sim: r.whatIf });
  }
  lines.push(formatReport(runs));
  for (const n of w.notes) lines.push(`note: ${n}`);
  return lines.join("\n") + "\n";
}

// ---- commands -----------------------------------------------------------------------------------

interface TraceCliOptions {
  json?: boolean;
  gomaxprocs?: number;
  profile?: string;
  policy?: string;
  scaleSite?: string[];
  seed?: number;
}

export function analyzeCommand(file: string, o: TraceCliOptions): number {
  const a = analyzeSyscalls(loadTrace(file));
  out(o.json === true ? JSON.stringify({ file, ...a }, null, 2) : formatSyscallAnalysis(a, file));
  return exitCodes.ok;
}

export function dumpCommand(file: string): number {
  const t = loadTrace(file);
  process.stdout.write(dumpTrace(t));
  return exitCodes.ok;
}

function parseScale(s: string): [string, number] {
  const i = s.lastIndexOf("=");
  const f = i > 0 ? Number(s.slice(i + 1)) : NaN;
  if (i <= 0 || !Number.isFinite(f) || f < 0) throw new GoschedError("OPTION_INVALID", `--scale-site ${s}: expected <site>=<factor>, e.g. main.nanosleep=2`);
  if (f > 1e6) throw new GoschedError("OPTION_INVALID", `--scale-site ${s}: a factor may be at most 1e6`);
  return [s.slice(0, i), f];
}

/** Every replay option is checked before the trace is read: a bad flag is an option error (exit 2). */
function checkReplayOptions(o: TraceCliOptions): void {
  if (o.gomaxprocs !== undefined && (o.gomaxprocs < 1 || o.gomaxprocs > maxProcs)) throw new GoschedError("OPTION_INVALID", `--gomaxprocs ${o.gomaxprocs}: expected a whole number from 1 to ${maxProcs}`);
  if (o.profile !== undefined && o.profile !== "auto") checkProfile(o.profile);
  if (o.policy !== undefined) parsePolicy(o.policy);
  if (o.seed !== undefined && (o.seed < 0 || o.seed > maxSeed)) throw new GoschedError("OPTION_INVALID", `--seed ${o.seed}: expected a whole number from 0 to ${maxSeed}`);
}

export function replayCommand(file: string, o: TraceCliOptions): number {
  checkReplayOptions(o);
  for (const s of o.scaleSite ?? []) parseScale(s);
  const t = loadTrace(file);
  const r = replayTrace(t, {
    ...(o.gomaxprocs !== undefined ? { gomaxprocs: o.gomaxprocs } : {}),
    ...(o.profile !== undefined ? { profile: o.profile } : {}),
    ...(o.policy !== undefined ? { policy: o.policy } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    scaleSites: (o.scaleSite ?? []).map(parseScale),
  });
  if (o.json === true) {
    const w = r.workload;
    out(
      JSON.stringify(
        {
          file,
          format: w.format,
          version: `go 1.${w.version - 1000}`,
          trace: w.trace,
          goroutines: w.goroutines.length,
          edges: w.edges.size,
          pools: w.pools.map((p) => ({ func: p.func, members: p.members.length, items: p.items.length, anchor: p.anchor })),
          baselineSettings: r.baselineSettings,
          comparison: r.comparison,
          replay: runJson("replay", null, r.baseline),
          ...(r.whatIf !== null ? { whatIfSettings: r.whatIfSettings, whatIf: runJson("what-if", null, r.whatIf) } : {}),
          notes: w.notes,
        },
        null,
        2,
      ),
    );
  } else out(formatReplay(r, file));
  const fatal = r.baseline.result.fatal !== null || (r.whatIf?.result.fatal ?? null) !== null;
  return fatal ? exitCodes.fatal : exitCodes.ok;
}

/** The `trace` command group, for main.ts. `result` receives the exit code. */
export function traceCommand(result: { code?: Promise<number> | number }): Command {
  const trace = new Command("trace")
    .description(`read a Go execution trace (runtime/trace, Go 1.11–1.27: headers go ${SUPPORTED_RANGE}): analyze its syscalls, replay it in the simulator, dump it`)
    .addHelpText("after", "\n<file>: a binary trace, the text form `trace dump` prints (Go's golden-test form, \"Trace Go1.22 …\"),\na txtar .test case (its -- trace -- part), or the dump of an old-format trace; recognised by content.")
    .exitOverride();
  const sub = (name: "analyze" | "replay" | "dump") => {
    const d = subcommandTable.find((c) => c.name === `trace ${name}`)!;
    return addOptions(trace.command(`${name} ${d.args}`).description(d.summary).exitOverride(), d.name);
  };
  sub("analyze").action((file: string, o: TraceCliOptions) => {
    result.code = analyzeCommand(file, o);
  });
  sub("replay").action((file: string, o: TraceCliOptions) => {
    result.code = replayCommand(file, o);
  });
  sub("dump").action((file: string) => {
    result.code = dumpCommand(file);
  });
  return trace;
}

// The step-through's words: which catalog entry explains an event, and what the event changed.
// Pure (no DOM): tested in node.
import { explain, type Explanation } from "../explain/catalog.js";
import { formatTime } from "./layout.js";
import type { EventLog } from "./model.js";

const gNames: Record<number, string> = { 0: "_Gidle", 1: "_Grunnable", 2: "_Grunning", 3: "_Gsyscall", 4: "_Gwaiting", 6: "_Gdead", 9: "_Gpreempted" };
const pNames = ["_Pidle", "_Prunning", "_Psyscall", "_Pgcstop", "_Pdead"];

/** Runtime events (and Go trace event types) → the catalog entry that explains them. */
const catalogFor: Readonly<Record<string, string>> = {
  // The model's own runtime events resolve through the catalog's aliases (timer_fire → runOneTimer,
  // findRunnable_spin → becomeSpinning, compute, notewakeup…); only Go trace events are mapped here.
  // Go execution trace events.
  GoCreate: "newproc",
  GoStart: "execute",
  GoStartLocal: "execute",
  GoEnd: "goexit0",
  GoDestroy: "goexit0",
  GoSched: "goschedImpl",
  GoPreempt: "gopreempt_m",
  GoBlock: "gopark",
  GoBlockSend: "gopark",
  GoBlockRecv: "gopark",
  GoBlockSelect: "gopark",
  GoBlockSync: "gopark",
  GoBlockCond: "gopark",
  GoBlockNet: "gopark",
  GoBlockGC: "gopark",
  GoSleep: "gopark",
  GoStop: "gopark",
  GoUnblock: "ready",
  GoUnblockLocal: "ready",
  GoSysCall: "entersyscall",
  GoSyscallBegin: "entersyscall",
  GoSysExit: "exitsyscall",
  GoSysExitLocal: "exitsyscall",
  GoSyscallEnd: "exitsyscallfast",
  GoSyscallEndBlocked: "exitsyscall0",
  GoSysBlock: "handoffp",
  ProcSteal: "retake",
  ProcStart: "startm",
  ProcStop: "stopm",
  GCSTWStart: "stopTheWorldWithSema",
  STWBegin: "stopTheWorldWithSema",
  GCSTWDone: "startTheWorldWithSema",
  STWEnd: "startTheWorldWithSema",
  GCStart: "gcStart",
  GCBegin: "gcStart",
};

/** The catalog entry for an event's function, or undefined (e.g. `exit`). */
export function explanationFor(fn: string): Explanation | undefined {
  const alias = catalogFor[fn];
  if (alias !== undefined) return explain(alias);
  const direct = explain(fn);
  if (direct !== undefined) return direct;
  const cut = fn.lastIndexOf("_");
  return cut > 0 ? explain(fn.slice(0, cut)) : undefined;
}

export const gStatus = (s: number): string => gNames[s] ?? `G(${s})`;
export const pStatus = (s: number): string => pNames[s] ?? `P(${s})`;

/** "What changed" lines for event i of a log. */
export function changesOf(log: EventLog, i: number): string[] {
  const out: string[] = [];
  const goid = log.goid[i]!;
  const m = log.m[i]!;
  const p = log.p[i]!;
  const who = [goid >= 0 ? `G${goid}` : "", m >= 0 ? `M${m}` : "", p >= 0 ? `P${p}` : ""].filter((x) => x !== "").join(" ");
  if (who !== "") out.push(`on ${who}`);
  if (log.gFrom[i]! >= 0 && log.gTo[i]! >= 0 && goid >= 0) out.push(`G${goid}: ${gStatus(log.gFrom[i]!)} → ${gStatus(log.gTo[i]!)}`);
  if (log.pFrom[i]! >= 0 && log.pTo[i]! >= 0 && p >= 0) out.push(`P${p}: ${pStatus(log.pFrom[i]!)} → ${pStatus(log.pTo[i]!)}`);
  const reason = log.reasons[log.reason[i]!] ?? "";
  if (reason !== "") out.push(`reason: ${reason}`);
  const field = log.valueFields[log.valueField[i]!] ?? "";
  if (field !== "") out.push(`${field}: ${formatValue(field, log.value[i]!)}`);
  const before = i > 0 ? i - 1 : -1;
  const counter = (name: string, a: Int32Array) => {
    const now = a[i]!;
    const was = before >= 0 ? a[before]! : now;
    return was !== now ? `${name} ${was} → ${now}` : `${name} ${now}`;
  };
  out.push(
    [
      counter("threads", log.threads),
      counter("idle Ps", log.idleP),
      counter("spinning Ms", log.spinning),
      counter("global runq", log.runqGlobal),
      counter("local runqs", log.runqLocal),
    ].join(" · "),
  );
  return out;
}

/** A numeric field's value in its unit: durations by their name's suffix (`Ns`, `Us`). */
export function formatValue(field: string, v: number): string {
  if (field.endsWith("Ns") && v >= 0) return formatTime(v);
  if (field.endsWith("Us") && v >= 0) return formatTime(v * 1000);
  return String(v);
}

/** The stack logged with event i (leaf first), or [] when it has none. */
export function stackOf(log: EventLog, i: number): readonly string[] {
  return log.stacks[log.stack[i]!] ?? [];
}

/** Index of the next (dir 1) or previous (dir -1) event after `from` whose fn is `fn` (or any fn when ""), or -1. */
export function findEvent(log: EventLog, from: number, fn: string, dir: 1 | -1): number {
  const want = fn === "" ? -1 : log.fnNames.indexOf(fn);
  if (fn !== "" && want < 0) return -1;
  for (let i = from + dir; i >= 0 && i < log.n; i += dir) if (want < 0 || log.fn[i] === want) return i;
  return -1;
}

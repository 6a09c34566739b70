// A real Go execution trace (parsed by src/gotrace) → the same TimelineData the simulator's runs
// produce: lanes per P and per thread, syscalls, P steals as arrows, stop-the-world bands.
import type { Frame, ParsedTrace, TraceEvent } from "../gotrace/common.js";
import { callSite } from "../gotrace/steps.js";
import { ArrowKind, SpanKind, TimelineBuilder, type TimelineData } from "./model.js";

const stops = new Set(["GoEnd", "GoDestroy", "GoStop", "GoSched", "GoPreempt", "GoSleep", "GoBlock", "GoBlockSend", "GoBlockRecv", "GoBlockSelect", "GoBlockSync", "GoBlockCond", "GoBlockNet", "GoBlockGC", "GoSwitchDestroy"]);
const starts = new Set(["GoStart", "GoStartLocal", "GoStartLabel"]);

const MAX_P = 4096;

/** Events whose call site (first user frame of the stack) the step list shows as the reason. */
const sited = new Set(["GoSyscallBegin", "GoSysCall", "GoCreate", "GoBlock", "GoBlockSend", "GoBlockRecv", "GoBlockSelect", "GoBlockSync", "GoBlockCond", "GoBlockNet", "GoSleep"]);

/**
 * The name of an event's first argument (`args[0]`, after the timestamp), where the step-through
 * shows it: Go's names (internal/trace's event tables; old format: its parser's), else none.
 */
const firstArg: Readonly<Record<string, { readonly old: string; readonly new: string }>> = {
  ProcStart: { old: "thread", new: "p" },
  ProcSteal: { old: "", new: "p" },
  GoCreate: { old: "newG", new: "newG" },
  GoCreateSyscall: { old: "", new: "newG" },
  GoCreateBlocked: { old: "", new: "newG" },
  GoStart: { old: "g", new: "g" },
  GoStartLocal: { old: "g", new: "g" },
  GoStartLabel: { old: "g", new: "g" },
  GoUnblock: { old: "g", new: "g" },
  GoUnblockLocal: { old: "g", new: "g" },
  GoSysExit: { old: "g", new: "" },
  GoSysExitLocal: { old: "g", new: "" },
  GoWaiting: { old: "g", new: "" },
  GoInSyscall: { old: "g", new: "" },
  GoStatus: { old: "", new: "g" },
  GoSyscallBegin: { old: "", new: "pSeq" },
  Gomaxprocs: { old: "procs", new: "" },
  ProcsChange: { old: "", new: "procs" },
  GCStart: { old: "seq", new: "" },
  GCBegin: { old: "", new: "seq" },
  GCEnd: { old: "", new: "seq" },
  HeapAlloc: { old: "bytes", new: "bytes" },
  HeapGoal: { old: "bytes", new: "bytes" },
};

interface StackNames {
  /** The call site (first frame outside the runtime and the standard library's syscall wrappers). */
  readonly site: string;
  /** Index of the whole stack in the log's stacks, or 0. */
  readonly stack: number;
}

/** An event's call site and stack, memoized per stack (ids are per generation in the new format). */
function stackNamer(t: ParsedTrace, b: TimelineBuilder): (e: TraceEvent) => StackNames {
  const none: StackNames = { site: "", stack: 0 };
  const memo = new Map<string, StackNames>();
  return (e) => {
    if (e.stackId === 0) return none;
    const key = `${e.gen}:${e.stackId}`;
    let s = memo.get(key);
    if (s === undefined) {
      const frames: readonly Frame[] | undefined = t.format === "old" ? t.stacks.get(e.stackId) : t.generations.find((g) => g.gen === e.gen)?.stacks.get(e.stackId);
      s = frames === undefined || frames.length === 0 ? none : { site: callSite(frames), stack: b.addStack(frames.map((f) => `${f.func} ${f.file}:${f.line}`)) };
      memo.set(key, s);
    }
    return s;
  };
}

export function traceToTimeline(t: ParsedTrace, title: string, maxLog = 2_000_000): TimelineData {
  const isNew = t.format === "new";
  const b = new TimelineBuilder(0, maxLog);
  const mIds = new Map<number, number>();
  const mOf = (tid: number): number => {
    if (tid < 0) return -1;
    let m = mIds.get(tid);
    if (m === undefined) {
      m = mIds.size;
      mIds.set(tid, m);
    }
    return m;
  };
  const busyP = new Set<number>();
  const stackOf = stackNamer(t, b);
  // Old format: GoSysCall marks entersyscall without an end; only a following GoSysBlock on the
  // same P (the P handed off while the thread blocks) tells that the call lasted until then.
  const sysCallAt = new Map<number, { t: number; g: number; m: number }>();
  const inBlockedSyscall = new Set<number>();
  let syscalls = 0;
  let lostP = 0;
  let threadsPeak = 0;
  let runnable = 0;
  let endNs = 1;
  const c = [0, 0, 0, 0, 0];
  for (const e of t.events) {
    if (e.type === "CPUSample") continue;
    const ts = e.tsNs;
    if (ts > endNs) endNs = ts;
    const m = mOf(e.m);
    const M = m >= 0 ? b.m(m) : null;
    let p = e.p;
    let g = !isNew && e.g === 0 ? -1 : e.g; // old format: G 0 is "no goroutine"
    if (e.type === "ProcStart" && isNew) p = e.args[0] ?? -1;
    // The old format's pseudo-Ps (timers 1000002, syscalls 1000003, GC 1000004…) are not processors.
    if (p > MAX_P) p = -1;
    const P = p >= 0 ? b.p(p) : null;
    const pending = p >= 0 ? sysCallAt.get(p) : undefined;
    if (pending !== undefined && e.type !== "GoSysBlock") sysCallAt.delete(p);
    if (starts.has(e.type)) {
      g = isNew ? (e.args[0] ?? -1) : e.g;
      if (p >= 0) b.runs(ts, g, b.pLaneKey(p));
      if (!isNew) inBlockedSyscall.delete(g);
      P?.to(ts, SpanKind.Run, g);
      M?.to(ts, SpanKind.Run, g);
      runnable = Math.max(0, runnable - 1);
    } else if (stops.has(e.type)) {
      P?.to(ts, SpanKind.Sched, -1);
      M?.to(ts, SpanKind.Sched, -1);
    } else {
      switch (e.type) {
        case "ProcStart":
          P?.to(ts, SpanKind.Sched, -1);
          M?.to(ts, SpanKind.Sched, -1);
          if (p >= 0) busyP.add(p);
          break;
        case "ProcStop":
          P?.to(ts, 0, -1);
          M?.to(ts, 0, -1);
          if (p >= 0) busyP.delete(p);
          break;
        case "GoSyscallBegin":
          syscalls++;
          P?.to(ts, SpanKind.Syscall, g);
          M?.to(ts, SpanKind.Syscall, g);
          break;
        case "GoSysCall": // old format: entersyscall, end unknown unless a GoSysBlock follows
          syscalls++;
          if (p >= 0) sysCallAt.set(p, { t: ts, g, m });
          break;
        case "GoSyscallEnd":
          P?.to(ts, SpanKind.Run, g);
          M?.to(ts, SpanKind.Run, g);
          break;
        case "GoSyscallEndBlocked":
          M?.to(ts, SpanKind.Sched, -1);
          break;
        case "GoSysBlock": // old format: the P is handed off while the thread blocks
          lostP++;
          if (pending !== undefined && pending.g === g) {
            sysCallAt.delete(p);
            P?.to(pending.t, SpanKind.Syscall, g); // in _Psyscall from the GoSysCall on
          }
          P?.to(ts, 0, -1);
          M?.to(ts, SpanKind.Syscall, g);
          if (g >= 0) inBlockedSyscall.add(g);
          if (p >= 0) busyP.delete(p);
          break;
        case "ProcSteal": {
          const victim = e.args[0] ?? -1;
          if (victim >= 0 && victim <= MAX_P) {
            b.p(victim).to(ts, 0, -1);
            busyP.delete(victim);
            b.arrow(ts, m >= 0 ? b.mLaneKey(m) : b.pLaneKey(victim), b.pLaneKey(victim), ArrowKind.Retake);
            lostP++;
          }
          break;
        }
        case "GoUnblock":
        case "GoUnblockLocal":
          if (p >= 0 || m >= 0) b.wake(ts, e.args[0] ?? -1, p >= 0 ? b.pLaneKey(p) : b.mLaneKey(m));
          runnable++;
          break;
        case "GoCreate":
          runnable++;
          break;
        case "GoSysExit":
        case "GoSysExitLocal":
          inBlockedSyscall.delete(e.args[0] ?? -1);
          break;
        case "GCSTWStart":
        case "STWBegin":
          b.bandBegin(ts);
          break;
        case "GCSTWDone":
        case "STWEnd":
          b.bandFinish(ts);
          break;
        default:
          break;
      }
    }
    // Old format: no thread ids; at least one thread per busy P and per goroutine blocked in a syscall.
    c[0] = isNew ? mIds.size : busyP.size + inBlockedSyscall.size;
    if (c[0] > threadsPeak) threadsPeak = c[0];
    c[1] = Math.max(0, b.pLanes.length - busyP.size);
    c[2] = 0;
    c[3] = runnable;
    c[4] = 0;
    b.sample(ts, c);
    const st = stackOf(e);
    const argName = firstArg[e.type]?.[t.format] ?? "";
    const value = argName !== "" ? e.args[0] : undefined;
    b.logEvent(ts, b.fnId(e.type), g, m, p, -1, -1, -1, -1, sited.has(e.type) ? st.site : (e.sargs[0] ?? ""), value ?? 0, value !== undefined ? b.valueFieldId(argName) : 0, st.stack, c);
  }
  b.stats = { syscalls, lostP, threadsPeak: isNew ? threadsPeak : null };
  b.threadsEstimated = !isNew;
  return b.build(title, "trace", endNs);
}

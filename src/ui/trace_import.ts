// A real Go execution trace (parsed by src/gotrace) → the same TimelineData the simulator's runs
// produce: lanes per P and per thread, syscalls, P steals as arrows, stop-the-world bands.
import type { ParsedTrace } from "../gotrace/common.js";
import { ArrowKind, SpanKind, TimelineBuilder, type TimelineData } from "./model.js";

const stops = new Set(["GoEnd", "GoDestroy", "GoStop", "GoSched", "GoPreempt", "GoSleep", "GoBlock", "GoBlockSend", "GoBlockRecv", "GoBlockSelect", "GoBlockSync", "GoBlockCond", "GoBlockNet", "GoBlockGC", "GoSwitchDestroy"]);
const starts = new Set(["GoStart", "GoStartLocal", "GoStartLabel"]);

const MAX_P = 4096;

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
    if (starts.has(e.type)) {
      g = isNew ? (e.args[0] ?? -1) : e.g;
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
          P?.to(ts, SpanKind.Syscall, g);
          M?.to(ts, SpanKind.Syscall, g);
          break;
        case "GoSyscallEnd":
          P?.to(ts, SpanKind.Run, g);
          M?.to(ts, SpanKind.Run, g);
          break;
        case "GoSyscallEndBlocked":
          M?.to(ts, SpanKind.Sched, -1);
          break;
        case "GoSysBlock": // old format: the P is handed off while the thread blocks
          P?.to(ts, 0, -1);
          M?.to(ts, SpanKind.Syscall, g);
          if (p >= 0) busyP.delete(p);
          break;
        case "ProcSteal": {
          const victim = e.args[0] ?? -1;
          if (victim >= 0 && victim <= MAX_P) {
            b.p(victim).to(ts, 0, -1);
            busyP.delete(victim);
            b.arrow(ts, m >= 0 ? b.mLaneKey(m) : b.pLaneKey(victim), b.pLaneKey(victim), ArrowKind.Retake);
          }
          break;
        }
        case "GoCreate":
        case "GoUnblock":
        case "GoUnblockLocal":
          runnable++;
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
    c[0] = isNew ? mIds.size : 0;
    c[1] = Math.max(0, b.pLanes.length - busyP.size);
    c[2] = 0;
    c[3] = runnable;
    c[4] = 0;
    b.sample(ts, c);
    b.logEvent(ts, b.fnId(e.type), g, m, p, -1, -1, -1, -1, e.sargs[0] ?? "", e.args[0] ?? 0, c);
  }
  return b.build(title, "trace", endNs);
}

// TimelineRecorder: an observer (built by simulate()'s factory form, so it can read the runtime's
// counters) that turns runtime events into the UI's TimelineData: a lane per P and per M, arrows for
// retakes and handoffs, sysmon wake-ups, stop-the-world bands, counters and the full event log.
import type { Observer, RuntimeEvent } from "../runtime/events.js";
import { eventLabel, eventNumber, eventNumberField, runtimeFns } from "../runtime/events.js";
import type { Runtime } from "../runtime/runtime.js";
import { _Grunning, _Pgcstop, _Pidle, _Psyscall } from "../runtime/runtime2.js";
import { ArrowKind, MarkKind, SpanKind, TimelineBuilder, type TimelineData } from "./model.js";

export const DEFAULT_MAX_LOG = 2_000_000;

export class TimelineRecorder implements Observer {
  private readonly b: TimelineBuilder;
  private sysmonM = -1;
  private readonly counters = [0, 0, 0, 0, 0];
  private lastHandoffP = -1;
  private endNs = 0;
  /** A simulated event's "stack" is its program's call site (the workload's label): one per site. */
  private readonly siteStacks = new Map<string, number>();

  constructor(
    private readonly rt: Runtime,
    maxLog = DEFAULT_MAX_LOG,
  ) {
    this.b = new TimelineBuilder(rt.gomaxprocs, maxLog, runtimeFns, (m) => (m === this.sysmonM ? `M${m} sysmon` : `M${m}`));
  }

  private readCounters(): number[] {
    const rt = this.rt;
    const c = this.counters;
    c[0] = rt.allm.length;
    c[1] = rt.sched.npidle;
    c[2] = rt.sched.nmspinning;
    c[3] = rt.sched.runqsize;
    let local = 0;
    for (const pp of rt.allp) local += (pp.runqtail - pp.runqhead) + (pp.runnext !== 0 ? 1 : 0);
    c[4] = local;
    return c;
  }

  onEvent(e: Readonly<RuntimeEvent>): void {
    const b = this.b;
    const t = e.timeNs;
    if (e.fn === "newm" && e.reason === "sysmon") this.sysmonM = e.m; // before its lane is made (label)
    const P = e.p >= 0 ? b.p(e.p) : null;
    const M = e.m >= 0 ? b.m(e.m) : null;
    const g = e.goid;
    // A goroutine stops running (gopark, Gosched, preemption, exit): its P and M go back to the scheduler.
    const leaves = e.gFrom === _Grunning && e.gTo !== _Grunning;
    switch (e.fn) {
      case "newm":
        if (e.reason !== "sysmon" && e.reason !== "start-up") {
          b.mark(t, b.mLaneKey(e.m), MarkKind.ThreadCreate);
          M?.to(t, SpanKind.Starting, -1);
          if (e.p >= 0 && this.lastHandoffP === e.p) b.arrow(t, b.pLaneKey(e.p), b.mLaneKey(e.m), ArrowKind.Handoff);
        }
        break;
      case "acquirep":
        P?.to(t, SpanKind.Sched, -1);
        M?.to(t, SpanKind.Sched, -1);
        break;
      case "releasep":
        P?.to(t, 0, -1);
        M?.to(t, SpanKind.Sched, -1);
        break;
      case "ready":
        if (e.p >= 0 || e.m >= 0) b.wake(t, g, e.p >= 0 ? b.pLaneKey(e.p) : b.mLaneKey(e.m));
        break;
      case "execute":
        if (e.p >= 0) b.runs(t, g, b.pLaneKey(e.p));
        P?.to(t, SpanKind.Run, g);
        M?.to(t, SpanKind.Run, g);
        break;
      case "exitsyscall":
      case "rawsyscall_return":
        if (e.fn !== "exitsyscall" || e.reason === "fast") {
          P?.to(t, SpanKind.Run, g);
          M?.to(t, SpanKind.Run, g);
        }
        break;
      case "entersyscall":
      case "cgocall":
        if (e.pTo === _Psyscall || e.fn === "entersyscall") P?.to(t, SpanKind.Syscall, g);
        M?.to(t, SpanKind.Syscall, g);
        break;
      case "entersyscallblock":
        M?.to(t, SpanKind.Syscall, g);
        if (P !== null && e.pTo === _Pidle) P.to(t, 0, -1);
        break;
      case "rawsyscall":
        P?.to(t, SpanKind.Raw, g);
        M?.to(t, SpanKind.Raw, g);
        break;
      case "exitsyscall0":
        M?.to(t, SpanKind.Sched, -1);
        break;
      case "retake":
        if (e.reason === "preempt-long-running") {
          if (this.sysmonM >= 0 && e.p >= 0) b.arrow(t, b.mLaneKey(this.sysmonM), b.pLaneKey(e.p), ArrowKind.Preempt);
        } else {
          if (this.sysmonM >= 0 && e.p >= 0) b.arrow(t, b.mLaneKey(this.sysmonM), b.pLaneKey(e.p), ArrowKind.Retake);
          P?.to(t, 0, -1);
        }
        break;
      case "handoffp":
        this.lastHandoffP = e.p;
        break;
      case "startm":
        if (e.reason === "handoffp" && e.m >= 0 && e.p >= 0) b.arrow(t, b.pLaneKey(e.p), b.mLaneKey(e.m), ArrowKind.Handoff);
        if (e.m < 0) this.lastHandoffP = e.reason === "handoffp" ? e.p : -1;
        break;
      case "notewakeup":
        if (M !== null && e.m !== this.sysmonM) M.to(t, SpanKind.Starting, -1);
        break;
      case "stopm":
      case "gcstopm":
        M?.to(t, 0, -1);
        break;
      case "findRunnable_spin":
        if (e.reason === "become-spinning") M?.to(t, SpanKind.Spin, -1);
        break;
      case "resetspinning":
        M?.to(t, SpanKind.Sched, -1);
        break;
      case "sysmon":
        if (this.sysmonM >= 0) b.mark(t, b.mLaneKey(this.sysmonM), e.reason === "wake" ? MarkKind.SysmonWake : MarkKind.SysmonDeepSleep);
        break;
      case "stopTheWorldWithSema":
        b.bandBegin(t);
        break;
      case "startTheWorldWithSema":
        b.bandFinish(t);
        // The world restarts: no P is left in _Pgcstop (procresize hands them out or idles them;
        // the next acquirep redraws each) — runtime/proc.go: startTheWorldWithSema.
        for (const lane of b.pLanes) if (lane.kind === SpanKind.GcStop) lane.to(t, lane.id === e.p && g >= 0 ? SpanKind.Run : 0, lane.id === e.p ? g : -1);
        break;
      default:
        if (leaves) {
          P?.to(t, SpanKind.Sched, -1);
          M?.to(t, SpanKind.Sched, -1);
        }
    }
    if (P !== null && e.pTo === _Pgcstop) P.to(t, SpanKind.GcStop, -1);
    else if (P !== null && e.pTo === _Pidle && e.fn !== "retake" && e.fn !== "entersyscallblock") P.to(t, 0, -1);
    if (e.fn !== "handoffp" && e.fn !== "startm" && e.fn !== "newm") this.lastHandoffP = e.fn === "notewakeup" ? this.lastHandoffP : -1;
    const c = this.readCounters();
    b.sample(t, c);
    const field = eventNumberField(e);
    const site = (e as { readonly site?: string }).site ?? ""; // undefined for functions without a site field
    let stack = 0;
    if (site !== "") {
      stack = this.siteStacks.get(site) ?? -1;
      if (stack < 0) this.siteStacks.set(site, (stack = b.addStack([site])));
    }
    b.logEvent(t, b.fnId(e.fn), g, e.m, e.p, e.gFrom, e.gTo, e.pFrom, e.pTo, eventLabel(e), field === null ? 0 : eventNumber(e), field === null ? 0 : b.valueFieldId(field), stack, c);
  }

  onEnd(endTimeNs: number): void {
    this.endNs = endTimeNs;
  }

  build(title: string): TimelineData {
    return this.b.build(title, "simulation", Math.max(this.endNs, 1));
  }
}

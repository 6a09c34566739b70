// The human report: runs side by side, then what happened in plain words. Every sentence is derived
// from the metrics, so the text stays true to the run.
import { formatNs } from "../base/time.js";
import type { Metrics } from "./metrics.js";
import type { Simulation } from "../simulate.js";

export interface ReportRun {
  readonly label: string;
  readonly sim: Simulation;
}

type Row = readonly [string, (m: Metrics) => string];

const rows: readonly Row[] = [
  ["makespan", (m) => formatNs(m.makespanNs)],
  ["threads created (newm)", (m) => String(m.threadsCreated)],
  ["threads peak (incl. m0, sysmon)", (m) => String(m.threadsPeak)],
  ["syscalls via entersyscall", (m) => String(m.syscalls.total)],
  ["  exit fast, same P", (m) => String(m.syscalls.fastSameP)],
  ["  exit fast, idle P", (m) => String(m.syscalls.fastIdleP)],
  ["  exit slow (exitsyscall0)", (m) => String(m.syscalls.slow)],
  ["  lost their P", (m) => String(m.syscalls.lostP)],
  ["raw syscalls", (m) => String(m.syscalls.raw)],
  ["Ps retaken by sysmon", (m) => String(m.handoffs.sysmonRetake)],
  ["Ps handed off at entry (entersyscallblock)", (m) => String(m.handoffs.blockingSyscall)],
  ["sysmon passes", (m) => String(m.sysmon.wakeups)],
  ["sysmon preemptions", (m) => String(m.sysmon.preemptions)],
  ["thread wake-ups (futex)", (m) => String(m.threadWakeups)],
  ["thread sleeps (futex)", (m) => String(m.threadSleeps)],
  ["sched latency p50", (m) => formatNs(m.schedLatencyNs.p50Ns)],
  ["sched latency p99", (m) => formatNs(m.schedLatencyNs.p99Ns)],
  ["sched latency max", (m) => formatNs(m.schedLatencyNs.maxNs)],
  ["syscall latency p50", (m) => formatNs(m.syscallLatencyNs.p50Ns)],
  ["syscall latency p99", (m) => formatNs(m.syscallLatencyNs.p99Ns)],
  ["P utilization", (m) => `${(m.pUtilization * 100).toFixed(1)}%`],
  ["GC cycles", (m) => String(m.gc.cycles)],
];

export function formatReport(runs: readonly ReportRun[]): string {
  if (runs.length === 0) return "";
  const first = runs[0]!.sim;
  const out: string[] = [];
  // The host's state this seed drew (machine.ts hostState): every timed sleep of the run wakes this much later.
  const hostNs = first.runtime.host.sleepOffsetNs;
  const host = first.config.machine.sleepRunSpread.length === 0 ? "" : ` host=${hostNs >= 0 ? "+" : ""}${formatNs(hostNs)}/sleep`;
  out.push(`seed=${first.config.seed} profile=${first.config.profile} gomaxprocs=${runs.map((r) => r.sim.config.gomaxprocs).join("/")} ncpu=${first.config.machine.ncpu}${host}`);
  out.push("");
  const labelWidth = Math.max(...rows.map((r) => r[0].length));
  const cells = runs.map((r) => rows.map(([, f]) => f(r.sim.metrics)));
  const widths = runs.map((r, i) => Math.max(r.label.length, ...cells[i]!.map((c) => c.length)));
  out.push(["".padEnd(labelWidth), ...runs.map((r, i) => r.label.padStart(widths[i]!))].join("  "));
  rows.forEach(([name], k) => out.push([name.padEnd(labelWidth), ...cells.map((c, i) => c[k]!.padStart(widths[i]!))].join("  ")));
  for (const r of runs) {
    if (r.sim.result.fatal !== null) out.push(`\n${r.label}: ${r.sim.result.fatal}`);
    else if (r.sim.result.limit !== undefined) out.push(`\n${r.label}: ${r.sim.result.limit} at ${formatNs(r.sim.result.endTimeNs)}`);
    else if (r.sim.result.stoppedBy !== "main-exited") out.push(`\n${r.label}: stopped by ${r.sim.result.stoppedBy} at ${formatNs(r.sim.result.endTimeNs)}`);
  }
  out.push("", "What happened:");
  for (const r of runs) out.push(...explainRun(r).map((line) => `- ${line}`));
  return out.join("\n");
}

/** Plain-language reading of one run's metrics, naming the runtime rules behind them. */
function explainRun(r: ReportRun): string[] {
  const m = r.sim.metrics;
  const p = r.sim.config.gomaxprocs;
  const lines: string[] = [];
  const s = m.syscalls;
  // go1.26+ (rules.syscallP "running"): no _Psyscall; the P stays _Prunning, taken with takeP.
  const noPsyscall = r.sim.config.rules.syscallP === "running";
  if (s.total > 0) {
    const blocking = m.handoffs.blockingSyscall;
    const byOthers = s.lostP - m.handoffs.sysmonRetake - blocking;
    if (blocking === s.total) {
      lines.push(
        `${r.label}: ${s.total} syscalls entered through entersyscallblock, which hands the P off at once ` +
          `(handoffp(releasep())) instead of leaving it ${noPsyscall ? "attached" : "in _Psyscall"} for sysmon to find.`,
      );
    } else {
      lines.push(
        `${r.label}: ${s.total} syscalls went through entersyscall, which ` +
          (noPsyscall ? "leaves the P _Prunning and attached to the thread (go1.26+: no _Psyscall). " : "leaves the P in _Psyscall. ") +
          `${s.lostP} lost their P: ${m.handoffs.sysmonRetake} taken by sysmon's retake` +
          (blocking > 0 ? `, ${blocking} handed off at once by entersyscallblock` : "") +
          (byOthers > 0
            ? `, ${byOthers} taken back by another thread returning from its own syscall (${noPsyscall ? "exitsyscallTryGetP's takeP" : "exitsyscallfast"}) or by a stop-the-world.`
            : "."),
      );
    }
    lines.push(
      noPsyscall
        ? `${r.label}: on return, ${s.fastSameP} still had their P (nobody took it), ${s.fastIdleP} got a P back through exitsyscallTryGetP ` +
            `(their old one from a thread in a syscall, or an idle one), ${s.slow} found none and queued their goroutine globally while the thread parked (exitsyscallNoP).`
        : `${r.label}: on return, ${s.fastSameP} got their old P back (exitsyscallfast), ${s.fastIdleP} took an idle P, ${s.slow} found none ` +
            `and queued their goroutine globally while the thread parked (exitsyscall0).`,
    );
    if (m.threadsCreated > p) {
      lines.push(
        `${r.label}: every P handed off while its thread sat in the kernel needed another thread, so the program grew to ${m.threadsPeak} threads ` +
          `(${m.threadsCreated} created by newm) for GOMAXPROCS=${p}.`,
      );
    }
  }
  if (s.raw > 0) {
    lines.push(
      `${r.label}: ${s.raw} RawSyscalls kept their thread and P for the whole call (no entersyscall), so sysmon could not hand the P off: ` +
        `threads stayed at ${m.threadsPeak}, and runnable goroutines waited up to ${formatNs(m.schedLatencyNs.maxNs)} for a P.`,
    );
  }
  if (m.sysmon.preemptions > 0) {
    lines.push(`${r.label}: sysmon asked ${m.sysmon.preemptions} times for a goroutine to yield after 10 ms on one time slice (forcePreemptNS).`);
  }
  if (m.gc.cycles > 0) {
    lines.push(`${r.label}: ${m.gc.cycles} GC cycles stopped the world for ${formatNs(m.gc.stwTotalNs)} in all; Ps in syscalls were taken at once, never waited for.`);
  }
  return lines;
}

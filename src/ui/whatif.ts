// What-if from a real trace, in the worker: derive the trace's workload (src/gotrace/replay.ts),
// optionally scale one call site's syscalls, replay it in the simulator under other settings
// (GOMAXPROCS, profile, policy), and record the prediction as a timeline to show next to the trace.
import type { ParsedTrace } from "../gotrace/common.js";
import { deriveWorkload, scaleSite, type DerivedWorkload } from "../gotrace/replay.js";
import { profileNames } from "../profiles/index.js";
import { simulate } from "../simulate.js";
import { buildReplayPrograms } from "../workloads/trace_replay.js";
import type { RunOutput, WhatIfRequest } from "./protocol.js";
import { TimelineRecorder } from "./recorder.js";

/** The simulator profile closest to (not newer than) a trace's Go version (1000·major + minor). */
export function profileForVersion(version: number): string {
  const fit = profileNames.map((n) => [n, 1000 + Number(n.replace(/^go1\./, ""))] as const).filter(([, v]) => v <= version);
  fit.sort((a, b) => b[1] - a[1]);
  return fit[0]?.[0] ?? profileNames[0]!;
}

/** The call sites of a trace's syscalls with their counts, most frequent first. */
export function traceSites(t: ParsedTrace): { site: string; calls: number }[] {
  return sitesOf(deriveWorkload(t));
}

/** The call sites of a derived workload's syscalls with their counts, most frequent first. */
export function sitesOf(w: DerivedWorkload): { site: string; calls: number }[] {
  return [...w.sites].map(([site, calls]) => ({ site, calls })).sort((a, b) => b.calls - a.calls || a.site.localeCompare(b.site));
}

/** Replays the trace under the request's settings; the run's label names them. */
export function predict(t: ParsedTrace, req: WhatIfRequest): RunOutput {
  const w = deriveWorkload(t);
  const scaled: string[] = [];
  if (req.site !== "" && req.factor !== 1) {
    const n = scaleSite(w, req.site, req.factor);
    if (n === 0) throw new Error(`no syscall call site contains "${req.site}"`);
    scaled.push(`${req.site}×${req.factor}`);
  }
  const gomaxprocs = req.gomaxprocs ?? (w.trace.gomaxprocs > 0 ? w.trace.gomaxprocs : 1);
  const profile = req.profile !== "" ? req.profile : profileForVersion(t.version);
  const policy = req.policy !== "" ? req.policy : "sysmon-retake";
  const { main } = buildReplayPrograms(w);
  let rec: TimelineRecorder | null = null;
  const sim = simulate({
    main,
    gomaxprocs,
    profile,
    policy,
    seed: 1,
    maxTimeNs: Math.max(60e9, w.trace.makespanNs * 100),
    observers: [(rt) => (rec = new TimelineRecorder(rt))],
  } as Parameters<typeof simulate>[0]);
  const label = `prediction: GOMAXPROCS=${gomaxprocs} ${profile} ${policy}${scaled.length > 0 ? ` ${scaled.join(" ")}` : ""}`;
  const c = sim.config;
  return {
    label,
    data: rec!.build(label),
    metrics: sim.metrics,
    config: { gomaxprocs: c.gomaxprocs, seed: c.seed, profile: c.profile, policy, ncpu: c.machine.ncpu },
    result: sim.result,
    json: { label, config: { profile: c.profile, gomaxprocs: c.gomaxprocs, seed: c.seed, policy, scaled }, result: sim.result, metrics: sim.metrics },
  };
}

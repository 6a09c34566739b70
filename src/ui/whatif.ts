// What-if from a real trace, in the worker: the library's replay (src/whatif.ts: derive the trace's
// workload, replay it with the trace's settings and under the request's — GOMAXPROCS, profile,
// policy, a call site scaled) with a TimelineRecorder on the prediction, so the page shows the trace
// and the prediction side by side, and the library's numbers as the trace-vs-prediction table.
import type { ParsedTrace } from "../gotrace/common.js";
import { deriveWorkload, type DerivedWorkload } from "../gotrace/replay.js";
import { replayTrace, type ReplayResult } from "../whatif.js";
import type { RunOutput, WhatIfRequest, WhatIfRow } from "./protocol.js";
import { TimelineRecorder } from "./recorder.js";

/** Call sites shown in the table (the most called). */
const TABLE_SITES = 8;

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
  let rec: TimelineRecorder | null = null;
  const r = replayTrace(t, {
    ...(req.gomaxprocs !== null ? { gomaxprocs: req.gomaxprocs } : {}),
    ...(req.profile !== "" ? { profile: req.profile } : {}),
    // Always a what-if run (the policy is given), even at the trace's own settings: it carries the recorder.
    policy: req.policy !== "" ? req.policy : "sysmon-retake",
    scaleSites: req.site !== "" && req.factor !== 1 ? [[req.site, req.factor]] : [],
    whatIfObservers: [(rt) => (rec = new TimelineRecorder(rt))],
  });
  const sim = r.whatIf!;
  const s = r.whatIfSettings!;
  const scaled = req.site !== "" && req.factor !== 1 ? [`${req.site}×${req.factor}`] : [];
  const label = `prediction: GOMAXPROCS=${s.gomaxprocs} ${s.profile} ${s.policy}${scaled.length > 0 ? ` ${scaled.join(" ")}` : ""}`;
  const c = sim.config;
  return {
    label,
    data: rec!.build(label),
    metrics: sim.metrics,
    config: { gomaxprocs: c.gomaxprocs, seed: c.seed, profile: c.profile, policy: s.policy, ncpu: c.machine.ncpu },
    result: sim.result,
    json: { label, config: { profile: c.profile, gomaxprocs: c.gomaxprocs, seed: c.seed, policy: s.policy, scaled: s.scaled }, result: sim.result, metrics: sim.metrics, comparison: r.comparison, siteLatency: r.siteLatency },
    whatIf: whatIfRows(r),
  };
}

/**
 * The trace-vs-prediction table: the library's figures (replayTrace's comparison with the trace and
 * its per-site latencies), the prediction's from its metrics; nothing recomputed here.
 */
export function whatIfRows(r: ReplayResult): WhatIfRow[] {
  const row = (metric: string) => r.comparison.find((c) => c.metric === metric);
  const m = r.whatIf?.metrics ?? null;
  const rows: WhatIfRow[] = [];
  const add = (label: string, unit: WhatIfRow["unit"], metric: string, predicted: number | null) => {
    const c = row(metric);
    rows.push({ label, unit, trace: c?.trace ?? null, replay: c?.replay ?? null, prediction: predicted });
  };
  add("makespan", "ns", "makespanNs", m?.makespanNs ?? null);
  add("syscalls", "count", "syscalls", m?.syscalls.total ?? null);
  add("syscalls that lost their P", "count", "lostP", m?.syscalls.lostP ?? null);
  add("threads (peak)", "count", "threads", m?.threadsPeak ?? null);
  for (const s of r.siteLatency.slice(0, TABLE_SITES)) {
    for (const q of ["p50", "p99"] as const) {
      const k = q === "p50" ? "p50Ns" : "p99Ns";
      rows.push({ label: `${s.site} latency ${q}`, unit: "ns", trace: s.trace?.[k] ?? null, replay: s.replay?.[k] ?? null, prediction: s.whatIf?.[k] ?? null, site: s.site, traceSample: s.timed });
    }
  }
  return rows;
}

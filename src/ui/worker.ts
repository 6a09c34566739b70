// The simulation worker: the same core as the CLI (scenario compiler, runtime model, metrics),
// bundled for the browser. Posts progress while it runs; the page cancels by terminating it.
import { readTrace } from "../gotrace/reader.js";
import { formatReport } from "../observers/report.js";
import { compileScenario, parseScenario, ScenarioError, type CompiledRun } from "../scenario/index.js";
import { simulate, type Simulation } from "../simulate.js";
import { transferables, type TimelineData } from "./model.js";
import type { ExportRequest, RunOutput, RunRequest, WorkerRequest, WorkerResponse } from "./protocol.js";
import type { Observer } from "../runtime/events.js";
import type { Runtime } from "../runtime/runtime.js";

// The trace writers (another engineer's src/observers/perfetto.ts and gotrace_writer.ts) are
// picked up when present, so the UI builds with or without them.
interface PerfettoModule {
  perfettoObserver(sink: (text: string) => void): (rt: Runtime) => Observer;
}
interface GoTraceModule {
  goTraceObserver(enc: unknown): (rt: Runtime) => Observer;
}
interface V1WriterModule {
  V1Writer: new (sink: (chunk: Uint8Array) => void) => unknown;
}
const writers = import.meta.glob(["../observers/perfetto.ts", "../observers/gotrace_writer.ts", "../gotrace/writer_v1.ts"]);
const load = async <T>(path: string): Promise<T> => {
  const f = writers[path];
  if (f === undefined) throw new Error(`${path} is not part of this build`);
  return (await f()) as T;
};
import { TimelineRecorder } from "./recorder.js";
import { traceToTimeline } from "./trace_import.js";
import { predict, sitesOf } from "./whatif.js";
import { deriveWorkload } from "../gotrace/replay.js";
import type { WhatIfRequest } from "./protocol.js";

/** The trace again (as opened) and its prediction under the request's settings: a side by side. */
function handleWhatIf(req: WhatIfRequest): void {
  const t0 = performance.now();
  try {
    const parsed = readTrace(new Uint8Array(req.bytes));
    const data = traceToTimeline(parsed, req.name);
    // One derivation for both (each walk of a new-format trace's events decodes it again).
    const w = deriveWorkload(parsed);
    const trace: RunOutput = { label: req.name, data, metrics: null, config: null, result: null, json: null, trace: { sites: sitesOf(w), gomaxprocs: w.trace.gomaxprocs || data.nP, version: parsed.version } };
    const pred = predict(parsed, req);
    const runs = [trace, pred];
    post({ type: "result", id: req.id, scenario: `${req.name}: trace vs ${pred.label}`, variants: [], runs, report: "", ms: performance.now() - t0 }, runs.flatMap((r) => transferables(r.data)));
  } catch (e) {
    post({ type: "error", id: req.id, message: e instanceof Error ? e.message : String(e) });
  }
}

declare const self: { postMessage(m: WorkerResponse, transfer?: ArrayBuffer[]): void; onmessage: ((e: { data: WorkerRequest }) => void) | null };

const post = (m: WorkerResponse, transfer: ArrayBuffer[] = []) => self.postMessage(m, transfer);

export function runOne(cr: CompiledRun, onProgress: (events: number, simNs: number) => void): { sim: Simulation; data: TimelineData } {
  let rec: TimelineRecorder | null = null;
  const sim = simulate({
    ...cr.options,
    observers: [(r) => (rec = new TimelineRecorder(r))],
    onProgress: (r) => onProgress(r.eventCount, r.nowNs),
    progressEveryEvents: 0x10000,
  });
  return { sim, data: rec!.build(cr.label) };
}

function handleRun(req: RunRequest): void {
  const t0 = performance.now();
  let ps;
  try {
    ps = parseScenario(req.yaml, req.file);
  } catch (e) {
    return fail(req.id, e);
  }
  const picks = req.variants.length > 0 ? req.variants : [""];
  const crs: CompiledRun[] = [];
  try {
    picks.forEach((v, i) => {
      const ovs = (req.overrides[i] ?? req.overrides[0] ?? []).map((o) => ({ key: o.key, value: o.value, source: `${o.key}=${o.value}` }));
      const sc = compileScenario(ps, { variants: v === "" ? [] : [v], overrides: ovs });
      const cr = sc.runs[0]!;
      const label = req.labels?.[i];
      crs.push(label !== undefined && label !== null ? { ...cr, label } : cr);
    });
  } catch (e) {
    return fail(req.id, e);
  }
  // Not doc.toJS(): it refuses more than 100 alias expansions, which a scenario may have (docs/limits.md).
  const js = { name: ps.doc.get("name") as unknown };
  const sc0 = compileScenario(ps, { variants: [], overrides: [] });
  const outs: RunOutput[] = [];
  const sims: { label: string; sim: Simulation }[] = [];
  try {
    crs.forEach((cr, i) => {
      const { sim, data } = runOne(cr, (events, simNs) => post({ type: "progress", id: req.id, run: i, runs: crs.length, events, simNs }));
      const c = sim.config;
      sims.push({ label: cr.label, sim });
      outs.push({
        label: cr.label,
        data,
        metrics: sim.metrics,
        config: { gomaxprocs: c.gomaxprocs, seed: c.seed, profile: c.profile, policy: cr.policy, ncpu: c.machine.ncpu },
        result: sim.result,
        json: { label: cr.label, params: cr.params, policy: cr.policy, config: { profile: c.profile, gomaxprocs: c.gomaxprocs, seed: c.seed, ncpu: c.machine.ncpu }, result: sim.result, metrics: sim.metrics },
      });
    });
  } catch (e) {
    return fail(req.id, e);
  }
  const report = formatReport(sims);
  const transfer = outs.flatMap((o) => transferables(o.data));
  post({ type: "result", id: req.id, scenario: typeof js.name === "string" ? js.name : req.file, variants: sc0.variants, runs: outs, report, ms: performance.now() - t0 }, transfer);
}

function fail(id: number, e: unknown): void {
  if (e instanceof ScenarioError) {
    post({ type: "scenario-error", id, error: { message: e.message, line: e.where.line, col: e.where.col, path: e.path, detail: e.detail } });
  } else post({ type: "error", id, message: e instanceof Error ? e.message : String(e) });
}

async function handleExport(req: ExportRequest): Promise<void> {
  try {
    const ps = parseScenario(req.yaml, req.file);
    const ovs = req.overrides.map((o) => ({ key: o.key, value: o.value, source: `${o.key}=${o.value}` }));
    const cr = compileScenario(ps, { variants: req.variant === "" ? [] : [req.variant], overrides: ovs }).runs[0]!;
    if (req.format === "perfetto") {
      const { perfettoObserver } = await load<PerfettoModule>("../observers/perfetto.ts");
      const chunks: string[] = [];
      simulate({ ...cr.options, observers: [perfettoObserver((t) => chunks.push(t))], metrics: false });
      post({ type: "export", id: req.id, bytes: chunks.join("") });
    } else {
      const { goTraceObserver } = await load<GoTraceModule>("../observers/gotrace_writer.ts");
      const { V1Writer } = await load<V1WriterModule>("../gotrace/writer_v1.ts");
      const parts: Uint8Array[] = [];
      let n = 0;
      const enc = new V1Writer((c) => {
        parts.push(c.slice());
        n += c.length;
      });
      simulate({ ...cr.options, observers: [goTraceObserver(enc)], metrics: false });
      const out = new Uint8Array(n);
      let off = 0;
      for (const p of parts) {
        out.set(p, off);
        off += p.length;
      }
      post({ type: "export", id: req.id, bytes: out }, [out.buffer]);
    }
  } catch (e) {
    fail(req.id, e);
  }
}

self.onmessage = (ev) => {
  const req = ev.data;
  if (req.type === "run") handleRun(req);
  else if (req.type === "export") void handleExport(req);
  else if (req.type === "whatif") handleWhatIf(req);
  else {
    const t0 = performance.now();
    try {
      const parsed = readTrace(new Uint8Array(req.bytes));
      const data = traceToTimeline(parsed, req.name);
      let sites: { site: string; calls: number }[] = [];
      let gomaxprocs = data.nP;
      try {
        const w = deriveWorkload(parsed);
        sites = sitesOf(w);
        gomaxprocs = w.trace.gomaxprocs || data.nP;
      } catch {
        // a trace the replay cannot derive still opens; the what-if then has no sites
      }
      const out: RunOutput = { label: req.name, data, metrics: null, config: null, result: null, json: null, trace: { sites, gomaxprocs, version: parsed.version } };
      post({ type: "result", id: req.id, scenario: `${req.name} (Go ${Math.floor(parsed.version / 1000)}.${parsed.version % 1000} trace, ${parsed.events.length} events)`, variants: [], runs: [out], report: "", ms: performance.now() - t0 }, transferables(data));
    } catch (e) {
      post({ type: "error", id: req.id, message: e instanceof Error ? e.message : String(e) });
    }
  }
};

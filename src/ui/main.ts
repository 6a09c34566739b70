// The page: scenario editor and settings, the simulation worker (progress, cancel), timeline(s),
// charts, metrics table and step-through, all on one shared viewport. Text that comes from files
// (scenario names, trace file names, call sites) only ever goes in as text nodes or escaped.
import { profileNames } from "../profiles/index.js";
import { compileScenario, parseScenario, ScenarioError } from "../scenario/index.js";
import { plainPolicyNames } from "../policies/index.js";
import { ChartsView } from "./charts.js";
import { Editor } from "./editor.js";
import { findEvent, stackOf } from "./explain.js";
import { centerOn, clampViewport, formatTime, lowerBound, panBy, timeToX, zoomAt, type Viewport } from "./layout.js";
import { ArrowKind, SpanKind, spanKindNames, type TimelineData } from "./model.js";
import { arrowColors, goroutinePalette, kindColors } from "./palette.js";
import type { RunOutput, UiOverride, WhatIfRow, WorkerRequest, WorkerResponse } from "./protocol.js";
import { StepList } from "./steps.js";
import { AXIS_H, LABEL_W, TimelineView, type SharedView, type SliceInfo } from "./timeline.js";
import { downloadFormats } from "./downloads.js";

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`#${id} missing`);
  return el as T;
};

/** An element with children, built as DOM nodes (never markup from strings). */
function h(tag: string, attrs: Record<string, string> = {}, ...kids: (Node | string)[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const k of kids) e.append(k);
  return e;
}

const presets = import.meta.glob("../../examples/*.yaml", { query: "?raw", import: "default", eager: true }) as Record<string, string>;
const presetNames = Object.keys(presets)
  .map((p) => p.split("/").pop()!)
  .sort((a, b) => (a === "default.yaml" ? -1 : b === "default.yaml" ? 1 : a.localeCompare(b)));
const presetText = (name: string): string => presets[`../../examples/${name}`] ?? "";

// ---- state ----
const shared: SharedView = { viewport: { t0: 0, t1: 1, width: 800 }, endNs: 1, cursorNs: -1, hoverNs: -1, range: null, highlightG: -1 };
let runs: readonly RunOutput[] = [];
let scenarioName = "";
let worker: Worker | null = null;
let reqId = 0;
let running = false;
let fileName = "default.yaml";
/** The open trace's bytes (a copy: the worker gets its own), for the what-if replay. */
let traceFile: { name: string; bytes: ArrayBuffer } | null = null;

const editor = new Editor($("yaml"), $("gutter"), $("err-band"), $("yaml-error"), () => scheduleValidate());
const tlHost = $("timelines");
const tlA = new TimelineView(tlHost, "a", shared, () => drawAll());
const tlB = new TimelineView(tlHost, "b", shared, () => drawAll());
tlB.hidden = true;
const views = [tlA, tlB];
const charts = new ChartsView($<HTMLCanvasElement>("charts"), $<HTMLCanvasElement>("charts-over"), shared);
const steps = new StepList($<HTMLDivElement>("steps"), $("explain"), (i) => selectEvent(i));

// ---- controls ----
const presetSel = $<HTMLSelectElement>("preset");
for (const n of presetNames) presetSel.add(new Option(n.replace(/\.yaml$/, ""), n));
const profileSel = $<HTMLSelectElement>("profile");
profileSel.add(new Option("(file)", ""));
for (const p of profileNames) profileSel.add(new Option(p, p));
for (const id of ["policy", "policy-b", "wi-policy"]) {
  const s = $<HTMLSelectElement>(id);
  s.add(new Option(id === "policy-b" ? "same" : id === "wi-policy" ? "sysmon-retake (Go)" : "(file)", ""));
  for (const p of plainPolicyNames) s.add(new Option(p, p));
}
const wiProfile = $<HTMLSelectElement>("wi-profile");
wiProfile.add(new Option("trace's Go", ""));
for (const p of profileNames) wiProfile.add(new Option(p, p));
const variantSel = $<HTMLSelectElement>("variant");
const variantSelB = $<HTMLSelectElement>("variant-b");
const compareBox = $<HTMLInputElement>("compare");

function legend(): void {
  const swatch = (style: string) => h("i", { style, "aria-hidden": "true" });
  const items: [string, string][] = [
    [`background:linear-gradient(90deg,${goroutinePalette.slice(0, 4).join(",")})`, "goroutine running (a colour per G)"],
    ...[SpanKind.Syscall, SpanKind.Raw, SpanKind.Sched, SpanKind.Spin, SpanKind.Starting, SpanKind.GcStop].map((k): [string, string] => [`background:${kindColors[k]}`, spanKindNames[k]!]),
    ["background:#3b5bdb;width:2px", "sysmon wake-up"],
    [`background:${arrowColors[ArrowKind.Retake]};height:2px`, "retake (⤓n: n retakes, zoomed out)"],
    [`background:${arrowColors[ArrowKind.Handoff]};height:2px`, "handoff → M"],
    [`background:${arrowColors[ArrowKind.Preempt]};height:2px`, "preempt"],
    ["background:#0b7285;height:2px", "wake-up flow (highlighted G)"],
    ["background:rgba(155,109,214,0.35)", "stop-the-world"],
  ];
  $("legend").replaceChildren(
    ...items.map(([style, name]) => h("span", {}, swatch(style), name)),
    h("p", { class: "hint keys" }, "Keys: wheel or W/S zoom · drag or A/D, ←/→ pan · Shift+drag (or drag on the axis) selects a range, z zooms to it · 0 fits · Page Up/Down scroll lanes · n/p step · Esc clears · in the editor, Esc then Tab leaves it"),
  );
}
legend();

// ---- input fields: errors at the field ----
interface FieldRule {
  readonly id: string;
  readonly what: string;
  readonly min?: number;
  readonly max?: number;
  readonly integer: boolean;
}
const rules: readonly FieldRule[] = [
  { id: "gomaxprocs", what: "GOMAXPROCS", min: 1, max: 1024, integer: true },
  { id: "gomaxprocs-b", what: "B GOMAXPROCS", min: 1, max: 1024, integer: true },
  { id: "seed", what: "seed", min: 0, max: Number.MAX_SAFE_INTEGER, integer: true },
  { id: "wi-gomaxprocs", what: "GOMAXPROCS", min: 1, max: 1024, integer: true },
  { id: "wi-factor", what: "factor", min: 0.001, max: 1000, integer: false },
];

/** Checks one number field; shows its error next to it. Returns the error or "". */
function checkField(r: FieldRule): string {
  const input = $<HTMLInputElement>(r.id);
  const raw = input.value.trim();
  let err = "";
  // A number input reports text it cannot parse as "" with badInput set.
  if (input.validity.badInput) err = `${r.what}: not a number`;
  else if (raw !== "") {
    const n = Number(raw);
    if (!Number.isFinite(n)) err = `${r.what}: not a number`;
    else if (r.integer && !Number.isInteger(n)) err = `${r.what} must be a whole number, got ${raw}`;
    else if ((r.min !== undefined && n < r.min) || (r.max !== undefined && n > r.max)) err = `${r.what} must be between ${r.min} and ${r.max}, got ${raw}`;
  }
  const box = $(`${r.id}-error`);
  box.textContent = err;
  box.hidden = err === "";
  if (err === "") input.removeAttribute("aria-invalid");
  else input.setAttribute("aria-invalid", "true");
  return err;
}

function checkFields(ids: readonly string[]): string {
  let first = "";
  for (const r of rules) {
    if (!ids.includes(r.id)) continue;
    const e = checkField(r);
    if (first === "" && e !== "") first = e;
  }
  return first;
}

/** The page shows a run that is not the current settings' (an error or a refused input). */
function markFailed(text: string): void {
  const p = $("progress");
  p.textContent = text;
  p.title = text;
  p.classList.add("failed");
  document.body.dataset.stale = runs.length > 0 ? "1" : "0";
}

function overrides(b: boolean): UiOverride[] {
  const out: UiOverride[] = [];
  const gmp = $<HTMLInputElement>(b ? "gomaxprocs-b" : "gomaxprocs").value.trim();
  const gmpA = $<HTMLInputElement>("gomaxprocs").value.trim();
  if (gmp !== "") out.push({ key: "gomaxprocs", value: gmp });
  else if (b && gmpA !== "") out.push({ key: "gomaxprocs", value: gmpA });
  const seed = $<HTMLInputElement>("seed").value.trim();
  if (seed !== "") out.push({ key: "seed", value: seed });
  if (profileSel.value !== "") out.push({ key: "profile", value: profileSel.value });
  const pol = b ? $<HTMLSelectElement>("policy-b").value || $<HTMLSelectElement>("policy").value : $<HTMLSelectElement>("policy").value;
  if (pol !== "") out.push({ key: "policy", value: pol });
  return out;
}

// ---- validation (main thread, instant) ----
let validateTimer = 0;
function scheduleValidate(): void {
  clearTimeout(validateTimer);
  validateTimer = window.setTimeout(() => {
    if (validate()) scheduleRun(500);
    else markFailed("scenario error: not run");
  }, 250);
}

/** Parses and compiles the editor's text; shows an error inline. Returns true when valid. */
function validate(): boolean {
  try {
    const ps = parseScenario(editor.value, fileName);
    const sc = compileScenario(ps, { variants: [], overrides: [] });
    fillVariants(sc.variants);
    editor.setError(null);
    return true;
  } catch (e) {
    if (e instanceof ScenarioError) editor.setError({ line: e.where.line, col: e.where.col, text: (e.path !== "" ? `${e.path}: ` : "") + e.detail });
    else editor.setError({ line: 0, col: 0, text: e instanceof Error ? e.message : String(e) });
    return false;
  }
}

function fillVariants(vs: readonly string[]): void {
  for (const [sel, second] of [
    [variantSel, false],
    [variantSelB, true],
  ] as const) {
    const cur = sel.value;
    const names = Array.from(sel.options).map((o) => o.value);
    // A scenario without variants: no empty selector.
    $(second ? "variant-b-field" : "variant-field").hidden = vs.length === 0;
    if (names.join("\n") === vs.join("\n")) continue;
    sel.replaceChildren();
    for (const v of vs) sel.add(new Option(v, v));
    sel.value = vs.includes(cur) ? cur : (vs[second && vs.length > 1 ? 1 : 0] ?? "");
  }
}

// ---- running ----
let runTimer = 0;
function scheduleRun(ms = 0): void {
  clearTimeout(runTimer);
  runTimer = window.setTimeout(runNow, ms);
}

function newWorker(): Worker {
  const w = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  w.onmessage = (e: MessageEvent<WorkerResponse>) => onWorker(e.data);
  w.onerror = (e) => {
    setRunning(false);
    markFailed(`worker error: ${e.message}`);
  };
  return w;
}

function send(req: WorkerRequest, transfer: Transferable[] = []): void {
  if (worker === null) worker = newWorker();
  setRunning(true);
  worker.postMessage(req, transfer);
}

function setProgress(text: string): void {
  const p = $("progress");
  p.textContent = text;
  p.title = text;
  p.classList.remove("failed");
}

function runNow(): void {
  const fieldErr = checkFields(["gomaxprocs", "seed", ...(compareBox.checked ? ["gomaxprocs-b"] : [])]);
  if (fieldErr !== "") {
    markFailed(`not run: ${fieldErr}`);
    return;
  }
  if (!validate()) {
    markFailed("scenario error: not run");
    return;
  }
  const a = variantSel.value;
  const reqVariants = [a];
  const ovs = [overrides(false)];
  // Unnamed (variant-less) runs get the scenario's name from the worker.
  const labels: (string | undefined)[] = [a !== "" ? a : undefined];
  if (compareBox.checked) {
    const b = variantSelB.value;
    reqVariants.push(b);
    ovs.push(overrides(true));
    const gb = $<HTMLInputElement>("gomaxprocs-b").value.trim();
    labels.push(`${b !== "" ? b : "B"}${gb !== "" ? ` GOMAXPROCS=${gb}` : ""}${$<HTMLSelectElement>("policy-b").value !== "" ? ` ${$<HTMLSelectElement>("policy-b").value}` : ""}`);
    if (labels[1] === labels[0]) labels[1] = `${labels[1]!} (B)`;
    if (labels[0] === undefined) labels[0] = "A";
  }
  if (running) cancel();
  reqId++;
  setProgress("running…");
  send({ type: "run", id: reqId, yaml: editor.value, file: fileName, variants: reqVariants, overrides: ovs, labels });
}

function scenarioLabel(): string {
  return fileName.replace(/\.ya?ml$/, "");
}

function cancel(): void {
  worker?.terminate();
  worker = null;
  setRunning(false);
  setProgress("cancelled");
}

function setRunning(on: boolean): void {
  running = on;
  $<HTMLButtonElement>("cancel").disabled = !on;
  document.body.dataset.running = on ? "1" : "0";
}

function onWorker(m: WorkerResponse): void {
  if (m.id !== reqId) return;
  switch (m.type) {
    case "progress":
      setProgress(`run ${m.run + 1}/${m.runs}: ${m.events.toLocaleString()} events, ${formatTime(m.simNs)} simulated…`);
      break;
    case "scenario-error":
      setRunning(false);
      markFailed("scenario error: not run");
      editor.setError({ line: m.error.line, col: m.error.col, text: (m.error.path !== "" ? `${m.error.path}: ` : "") + m.error.detail });
      break;
    case "error":
      setRunning(false);
      markFailed(`error: ${m.message}`);
      break;
    case "result":
      performance.mark("gosched:result");
      setRunning(false);
      scenarioName = m.scenario;
      setProgress(`${scenarioName}: done in ${Math.round(m.ms)} ms`);
      document.body.dataset.stale = "0";
      showRuns(m.runs, m.report);
      break;
  }
}

// ---- showing results ----
/**
 * Shows a result in two steps, so a big run never blocks the page in one long task: first the
 * timeline, the summary and the first frame; the step list, functions and metrics a task later.
 */
function showRuns(rs: readonly RunOutput[], report: string): void {
  runs = rs;
  tooltip.hidden = true;
  const a = rs[0];
  if (a === undefined) return;
  document.body.dataset.ready = "0";
  const endNs = Math.max(...rs.map((r) => r.data.endNs));
  shared.endNs = endNs;
  shared.cursorNs = -1;
  shared.range = null;
  shared.highlightG = -1;
  $("clear-highlight").hidden = true;
  const b = rs[1];
  tlB.hidden = b === undefined;
  tlA.setData(a.data, b !== undefined ? `A: ${a.label}` : "");
  tlB.setData(b?.data ?? null, b !== undefined ? `B: ${b.label}` : "");
  if (b !== undefined) tlA.resize(); // the pane shrank
  shared.viewport = clampViewport({ t0: 0, t1: endNs, width: tlA.plotWidth }, endNs);
  charts.setData(rs.map((r) => r.data));
  renderSummary(rs);
  showDetails(null);
  updateRangeInfo();
  updateSearch();
  showWhatIf(a);
  renderWhatIfTable(rs[1]);
  drawAll();
  performance.measure("gosched:show-timeline", "gosched:result");
  setTimeout(() => {
    if (runs !== rs) return;
    performance.mark("gosched:steps");
    steps.setLog(a.data.log);
    fillStepFns(a.data.log.fnNames, a.data.log);
    renderMetrics(rs);
    $("report").textContent = report;
    $<HTMLButtonElement>("dl-metrics").disabled = a.metrics === null;
    for (const f of downloadFormats) $<HTMLButtonElement>(f.button).disabled = a.metrics === null || !f.available;
    document.body.dataset.ready = "1";
    performance.measure("gosched:show-steps", "gosched:steps");
  }, 0);
}

function renderSummary(rs: readonly RunOutput[]): void {
  const val = (f: (r: RunOutput) => string) => rs.map(f).join(" | ");
  const anyTrace = rs.some((r) => r.data.source === "trace");
  $("stat-label").textContent = rs.map((r) => r.label).join(" vs ");
  const estimated = rs.some((r) => r.data.threadsEstimated);
  $("stat-threads-name").textContent = estimated ? "threads (≥)" : "threads";
  $("stat-threads").textContent = val((r) => {
    if (r.metrics !== null) return String(r.metrics.threadsPeak);
    const peak = r.data.stats?.threadsPeak ?? r.data.series.threads.reduce((x, y) => Math.max(x, y), 0);
    return peak > 0 ? String(peak) : "–";
  });
  $("stat-makespan").textContent = val((r) => formatTime(r.metrics?.makespanNs ?? r.data.endNs));
  $("stat-syscalls").textContent = val((r) => (r.metrics !== null ? String(r.metrics.syscalls.total + r.metrics.syscalls.raw) : String(r.data.stats?.syscalls ?? "–")));
  // A trace records Ps taken from syscalls (ProcSteal), not sysmon's retakes: name what is counted.
  $("stat-retakes-name").textContent = anyTrace ? "P taken from a syscall (ProcSteal)" : "retakes";
  $("stat-retakes").textContent = val((r) => (r.metrics !== null ? String(anyTrace ? r.metrics.syscalls.lostP : r.metrics.handoffs.sysmonRetake) : String(r.data.stats?.lostP ?? r.data.arrows.time.length)));
  $("stat-events").textContent = val((r) => r.data.log.n.toLocaleString());
}

function flatten(m: object): [string, number][] {
  const out: [string, number][] = [];
  const walk = (v: unknown, prefix: string): void => {
    if (typeof v === "number") out.push([prefix, v]);
    else if (typeof v === "object" && v !== null) for (const [k, x] of Object.entries(v)) walk(x, prefix === "" ? k : `${prefix}.${k}`);
  };
  walk(m, "");
  return out;
}

function fmtMetric(name: string, v: number): string {
  if (name.endsWith("Ns")) return formatTime(v);
  if (name === "pUtilization") return `${(v * 100).toFixed(1)}%`;
  return String(v);
}

function renderMetrics(rs: readonly RunOutput[]): void {
  const t = $<HTMLTableElement>("metrics");
  const withMetrics = rs.filter((r) => r.metrics !== null);
  if (withMetrics.length === 0) {
    t.replaceChildren(h("tr", {}, h("td", { class: "hint" }, "No metrics for a real trace (the metrics come from the model's runtime events); Predict replays it in the model.")));
    return;
  }
  const rows = withMetrics.map((r) => flatten(r.metrics!));
  const head = h("tr", {}, h("th", {}, "metric"), ...withMetrics.map((r) => h("th", {}, r.label)));
  const body = rows[0]!.map(([k], j) => {
    const a = rows[0]![j]![1];
    const cells = rows.map((r, i) => {
      const v = r[j]![1];
      if (i === 0 || v === a) return h("td", {}, fmtMetric(k, v));
      const d = v - a;
      const pct = a !== 0 ? ` ${d > 0 ? "+" : ""}${((d / a) * 100).toFixed(0)}%` : "";
      return h("td", {}, `${fmtMetric(k, v)} `, h("span", { class: `delta ${d > 0 ? "up" : "down"}` }, pct || (d > 0 ? "+" : "-")));
    });
    return h("tr", { "data-metric": k }, h("td", {}, k), ...cells);
  });
  t.replaceChildren(head, ...body);
}

/** Trace vs prediction (a what-if's result): the library's figures, as src/whatif.ts computed them. */
function renderWhatIfTable(pred: RunOutput | undefined): void {
  const rows = pred?.whatIf;
  $("wi-compare").hidden = rows === undefined;
  if (rows === undefined) return;
  const fmt = (r: WhatIfRow, v: number | null) => (v === null ? "–" : r.unit === "ns" ? formatTime(v) : String(v));
  const change = (r: WhatIfRow): Node | string => {
    if (r.trace === null || r.prediction === null || r.trace === 0) return "";
    const d = (r.prediction - r.trace) / r.trace;
    return h("span", { class: `delta ${d > 0 ? "up" : "down"}` }, `${d > 0 ? "+" : ""}${(d * 100).toFixed(0)}%`);
  };
  const head = h("tr", {}, h("th", {}, "figure"), h("th", {}, "trace"), h("th", { title: "the trace replayed in the model at its own settings" }, "replay"), h("th", {}, "prediction"), h("th", {}, "vs trace"));
  const body = rows.map((r) =>
    h(
      "tr",
      { "data-figure": r.label },
      h("td", r.site !== undefined ? { title: `${r.site}: ${r.traceSample ?? 0} calls timed in the trace` } : {}, r.label),
      h("td", {}, fmt(r, r.trace)),
      h("td", {}, fmt(r, r.replay)),
      h("td", {}, fmt(r, r.prediction)),
      h("td", {}, change(r)),
    ),
  );
  $<HTMLTableElement>("wi-table").replaceChildren(head, ...body);
  $("wi-note").textContent = "replay: the trace replayed at its own settings (how close the model gets); prediction: under the what-if settings. Latency: syscall entry → return per call site (old-format traces time only the calls that lost their P).";
}

const stepFnSel = $<HTMLSelectElement>("step-fn");
function fillStepFns(names: readonly string[], log: { n: number; fnCounts: Uint32Array }): void {
  const present = log.fnCounts;
  const cur = stepFnSel.value;
  stepFnSel.replaceChildren();
  const list = names.filter((_, i) => (present[i] ?? 0) > 0);
  const pref = ["entersyscall", "retake", "handoffp", "startm", "exitsyscallfast", "exitsyscall0", "rawsyscall", "GoSyscallBegin", "GoSysCall", "ProcSteal", "GoSysBlock"];
  list.sort((x, y) => {
    const a = pref.indexOf(x);
    const b = pref.indexOf(y);
    return (a < 0 ? 99 : a) - (b < 0 ? 99 : b) || x.localeCompare(y);
  });
  for (const n of list) stepFnSel.add(new Option(n, n));
  stepFnSel.value = list.includes(cur) ? cur : (list[0] ?? "");
}

function selectEvent(i: number): void {
  const log = runs[0]?.data.log;
  if (log === undefined || i < 0 || i >= log.n) return;
  steps.select(i);
  const t = log.time[i]!;
  shared.cursorNs = t;
  const x = timeToX(view(), t);
  if (x < 0 || x > tlA.plotWidth) {
    shared.viewport = centerOn(shared.viewport, t, shared.endNs);
    drawAll();
  } else drawOverlays();
}

function step(dir: 1 | -1, fn = ""): void {
  const log = runs[0]?.data.log;
  if (log === undefined) return;
  const from = steps.selected < 0 ? (dir === 1 ? -1 : log.n) : steps.selected;
  const i = findEvent(log, from, fn, dir);
  if (i >= 0) selectEvent(i);
}

// ---- drawing: full frames on view changes, the overlays alone on mouse moves ----
let frame = 0;
let overlayFrame = 0;
const frameTimes: number[] = [];
function drawAll(): void {
  if (frame !== 0) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    const t0 = performance.now();
    tlA.draw();
    if (!tlB.hidden) tlB.draw();
    const t1 = performance.now();
    if (chartsOpen()) charts.draw();
    const ms = performance.now() - t0;
    if (ms > 50) performance.measure(`gosched:slow-frame timelines ${(t1 - t0).toFixed(0)} charts ${(performance.now() - t1).toFixed(0)}`, { start: t0, end: performance.now() });
    document.body.dataset.frameMs = ms.toFixed(1);
    frameTimes.push(ms);
    if (frameTimes.length > 600) frameTimes.shift();
  });
}
function drawOverlays(): void {
  if (overlayFrame !== 0 || frame !== 0) return;
  overlayFrame = requestAnimationFrame(() => {
    overlayFrame = 0;
    tlA.drawOverlay();
    if (!tlB.hidden) tlB.drawOverlay();
    if (chartsOpen()) charts.drawOverlay();
  });
}
const chartsOpen = () => $<HTMLDetailsElement>("charts-box").open;
$("charts-box").addEventListener("toggle", () => {
  charts.resize();
  onResize();
});
$("stepper").addEventListener("toggle", () => onResize());

const view = (): Viewport => ({ ...shared.viewport, width: tlA.plotWidth });

function onResize(): void {
  for (const v of views) v.resize();
  charts.resize();
  shared.viewport = { ...shared.viewport, width: tlA.plotWidth };
  drawAll();
}
window.addEventListener("resize", onResize);
new ResizeObserver(() => onResize()).observe(tlHost);

// ---- smooth zoom: key steps animate over a few frames ----
let anim: { from: Viewport; to: Viewport; start: number } | null = null;
function animateTo(to: Viewport): void {
  anim = { from: shared.viewport, to, start: performance.now() };
  const tick = (now: number): void => {
    if (anim === null) return;
    const k = Math.min(1, (now - anim.start) / 120);
    const e = 1 - (1 - k) * (1 - k);
    shared.viewport = { t0: anim.from.t0 + (anim.to.t0 - anim.from.t0) * e, t1: anim.from.t1 + (anim.to.t1 - anim.from.t1) * e, width: anim.to.width };
    drawAll();
    if (k < 1) requestAnimationFrame(tick);
    else anim = null;
  };
  requestAnimationFrame(tick);
}
/** The viewport a key step aims at (the end of a running animation, so repeated keys add up). */
const target = (): Viewport => anim?.to ?? view();

// ---- timeline interactions: wheel zoom, drag pan, Shift+drag (or drag on the axis) selects ----
const tooltip = $("tooltip");
let drag: { x: number; startX: number; moved: boolean; select: boolean; view: TimelineView } | null = null;

function viewAt(e: MouseEvent): { view: TimelineView; x: number; y: number } | null {
  for (const view of views) {
    if (view.hidden) continue;
    const r = view.canvas.getBoundingClientRect();
    if (e.clientY >= r.top && e.clientY < r.bottom && e.clientX >= r.left && e.clientX < r.right) return { view, x: e.clientX - r.left, y: e.clientY - r.top };
  }
  return null;
}
const timeAtX = (x: number): number => {
  const v = view();
  return v.t0 + ((x - LABEL_W) / v.width) * (v.t1 - v.t0);
};

tlHost.addEventListener(
  "wheel",
  (e) => {
    if (runs.length === 0) return;
    const at = viewAt(e);
    if (at === null || at.x < LABEL_W) return; // over the lane labels: the lanes scroll
    anim = null;
    const x = at.x - LABEL_W;
    e.preventDefault();
    if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) shared.viewport = panBy(view(), e.shiftKey ? e.deltaY : e.deltaX, shared.endNs);
    else shared.viewport = zoomAt(view(), Math.exp(-e.deltaY * 0.0025), Math.max(0, x), shared.endNs);
    drawAll();
  },
  { passive: false },
);
tlHost.addEventListener("mousedown", (e) => {
  const at = viewAt(e);
  if (at === null || e.button !== 0) return;
  e.preventDefault();
  tlHost.focus({ preventScroll: true });
  const select = e.shiftKey || at.y < AXIS_H;
  drag = { x: e.clientX, startX: at.x, moved: false, select, view: at.view };
});
window.addEventListener("mouseup", (e) => {
  const d = drag;
  drag = null;
  if (d === null) return;
  if (!d.moved) {
    if (!d.select) clickSelect(e);
    else {
      shared.range = null;
      updateRangeInfo();
      drawOverlays();
    }
  } else if (d.select) updateRangeInfo(true);
});
window.addEventListener("mousemove", (e) => {
  if (drag === null) return;
  const dx = e.clientX - drag.x;
  if (Math.abs(dx) > 2) drag.moved = true;
  if (!drag.moved) return;
  if (drag.select) {
    const r = drag.view.canvas.getBoundingClientRect();
    const a = timeAtX(Math.max(LABEL_W, drag.startX));
    const b = timeAtX(Math.max(LABEL_W, e.clientX - r.left));
    shared.range = { t0: Math.max(0, Math.min(a, b)), t1: Math.min(shared.endNs, Math.max(a, b)) };
    updateRangeInfo(false);
    drawOverlays();
    return;
  }
  anim = null;
  shared.viewport = panBy(view(), -dx, shared.endNs);
  drag.x = e.clientX;
  drawAll();
});
tlHost.addEventListener("mousemove", (e) => {
  const at = viewAt(e);
  const info = at?.view.hover(at.x, at.y) ?? null;
  if (info === null || at === null) {
    tooltip.hidden = true;
    shared.hoverNs = -1;
  } else {
    tooltip.hidden = false;
    tooltip.textContent = info.text;
    tooltip.style.left = `${Math.min(e.clientX + 14, window.innerWidth - 530)}px`;
    tooltip.style.top = `${e.clientY + 16}px`;
    shared.hoverNs = timeAtX(at.x);
  }
  drawOverlays();
});
tlHost.addEventListener("mouseleave", () => {
  tooltip.hidden = true;
  shared.hoverNs = -1;
  drawOverlays();
});

/** A click: the slice under the pointer (details, its goroutine highlighted) and the nearest event. */
function clickSelect(e: MouseEvent): void {
  const at = viewAt(e);
  if (at === null || at.x < LABEL_W) return;
  const slice = at.view.sliceAt(at.x, at.y);
  for (const v of views) v.selected = v === at.view ? slice : null;
  showDetails(slice, at.view);
  const g = slice !== null && slice.goid >= 0 ? slice.goid : -1;
  if (g !== shared.highlightG) setHighlight(g);
  if (at.view !== tlA) {
    drawOverlays();
    return;
  }
  const log = runs[0]?.data.log;
  if (log === undefined || log.n === 0) return;
  const v = view();
  const t = timeAtX(at.x);
  const lane = at.view.laneAt(at.y);
  const slop = ((v.t1 - v.t0) / v.width) * 6;
  // Prefer an event of the clicked lane's P or M near the click; otherwise the nearest event.
  const lo = lowerBound(log.time, t - slop);
  let best = -1;
  let bestD = Infinity;
  for (let i = lo; i < log.n && log.time[i]! <= t + slop; i++) {
    if (lane !== null && (lane.kind === "P" ? log.p[i] : log.m[i]) !== lane.id) continue;
    const d = Math.abs(log.time[i]! - t);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  if (best < 0 && lane !== null) {
    // Nothing of that lane under the pointer: its nearest event either way (bounded scan).
    const at2 = lowerBound(log.time, t);
    const mine = (i: number) => (lane.kind === "P" ? log.p[i] : log.m[i]) === lane.id;
    for (let k = 0; k < 200_000 && best < 0; k++) {
      const a = at2 - 1 - k;
      const b = at2 + k;
      const da = a >= 0 && mine(a) ? t - log.time[a]! : Infinity;
      const db = b < log.n && mine(b) ? log.time[b]! - t : Infinity;
      if (da !== Infinity || db !== Infinity) best = da <= db ? a : b;
      if (a < 0 && b >= log.n) break;
    }
  }
  if (best < 0) best = Math.min(log.n - 1, lowerBound(log.time, t));
  selectEvent(best);
}

function setHighlight(g: number): void {
  shared.highlightG = g;
  $("clear-highlight").hidden = g < 0;
  $("clear-highlight").textContent = g >= 0 ? `clear highlight of G${g}` : "clear highlight";
  drawAll();
}
$("clear-highlight").addEventListener("click", () => setHighlight(-1));

/** The details panel: what the selected slice is, built as DOM nodes. */
function showDetails(s: SliceInfo | null, v: TimelineView = tlA): void {
  const box = $("details");
  if (s === null) {
    box.replaceChildren(h("span", { class: "hint" }, "Click a slice for its details; Shift+drag (or drag on the time axis) to select a range."));
    return;
  }
  const kv = (k: string, val: string) => [h("span", { class: "k" }, `${k} `), h("b", {}, val), " · "];
  const run = v === tlB ? runs[1] : runs[0];
  const parts: (Node | string)[] = [];
  if (!tlB.hidden) parts.push(...kv("run", v === tlB ? "B" : "A"));
  parts.push(...kv(s.lane.kind === "P" ? "P" : "M", s.lane.label));
  parts.push(...kv("state", s.state));
  if (s.goid >= 0) parts.push(...kv("G", String(s.goid)));
  parts.push(...kv("start", formatTime(s.startNs)), ...kv("duration", formatTime(s.endNs - s.startNs)));
  const site = siteOf(run?.data ?? null, s);
  if (site !== "") parts.push(...kv("call site", site));
  const zoom = h("button", { type: "button" }, "zoom to slice");
  zoom.addEventListener("click", () => zoomTo(s.startNs, s.endNs));
  parts.push(zoom);
  const st = run !== undefined ? sliceStack(run.data, s) : null;
  if (st !== null) {
    const frames = h("ol", { class: "stack", tabindex: "0", "aria-label": "stack" }, ...st.frames.map((f) => h("li", {}, f)));
    const what = run!.data.source === "trace" ? "leaf first" : "the program's call site";
    parts.push(h("div", { class: "stack-box" }, h("span", { class: "k" }, `stack ${st.where} (${st.fn}, ${what})`), frames));
  }
  box.replaceChildren(...parts);
}

/**
 * The stack of the event that began the slice on its lane (a syscall: where it was called), else of
 * the one that ended it (a running slice: where the goroutine blocked or entered the kernel). Real
 * traces record whole stacks; a simulation's "stack" is the program's call site.
 */
function sliceStack(d: TimelineData, s: SliceInfo): { frames: readonly string[]; where: string; fn: string } | null {
  const log = d.log;
  const onLane = (i: number) => (s.lane.kind === "P" ? log.p[i] : log.m[i]) === s.lane.id || (s.goid >= 0 && log.goid[i] === s.goid);
  for (const [t, where] of [
    [s.startNs, "where it began"],
    [s.endNs, "where it ended"],
  ] as const) {
    const lo = lowerBound(log.time, t);
    for (let i = lo; i < log.n && log.time[i] === t && i < lo + 64; i++) {
      if (log.stack[i] === 0 || !onLane(i)) continue;
      return { frames: stackOf(log, i), where, fn: log.fnNames[log.fn[i]!] ?? "" };
    }
  }
  return null;
}

/** The reason/call site logged at the slice's start on its lane (syscalls: where it was called). */
function siteOf(d: TimelineData | null, s: SliceInfo): string {
  if (d === null) return "";
  const log = d.log;
  const lo = lowerBound(log.time, s.startNs);
  for (let i = lo; i < log.n && log.time[i] === s.startNs && i < lo + 64; i++) {
    const on = s.lane.kind === "P" ? log.p[i] : log.m[i];
    if (on !== s.lane.id) continue;
    const r = log.reasons[log.reason[i]!] ?? "";
    if (r !== "") return `${log.fnNames[log.fn[i]!] ?? ""}: ${r}`;
  }
  return "";
}

function zoomTo(t0: number, t1: number): void {
  const pad = Math.max((t1 - t0) * 0.05, 50);
  animateTo(clampViewport({ t0: t0 - pad, t1: t1 + pad, width: tlA.plotWidth }, shared.endNs));
}

/** The selected range's totals per run: time per state over all lanes, events, arrows. */
function rangeTotals(d: TimelineData, t0: number, t1: number): string {
  const per = new Float64Array(8);
  for (const lane of d.lanes) {
    if (lane.kind !== "P") continue;
    for (let i = Math.max(0, lowerBound(lane.end, t0)); i < lane.start.length && lane.start[i]! < t1; i++) {
      per[lane.kinds[i]!]! += Math.min(t1, lane.end[i]!) - Math.max(t0, lane.start[i]!);
    }
  }
  const events = lowerBound(d.log.time, t1) - lowerBound(d.log.time, t0);
  const arrows = lowerBound(d.arrows.time, t1) - lowerBound(d.arrows.time, t0);
  const parts = [SpanKind.Run, SpanKind.Syscall, SpanKind.Raw, SpanKind.Sched, SpanKind.GcStop].filter((k) => per[k]! > 0).map((k) => `${spanKindNames[k]} ${formatTime(per[k]!)}`);
  return `P time: ${parts.join(", ") || "idle"}; ${events.toLocaleString()} events, ${arrows} retakes/handoffs`;
}

function updateRangeInfo(totals = true): void {
  const r = shared.range;
  const info = $("range-info");
  $("zoom-range").hidden = r === null;
  if (r === null) {
    info.textContent = "";
    return;
  }
  let text = `range ${formatTime(r.t0)} → ${formatTime(r.t1)} (${formatTime(r.t1 - r.t0)})`;
  if (totals) text += ` · ${runs.map((run, i) => `${runs.length > 1 ? (i === 0 ? "A: " : "B: ") : ""}${rangeTotals(run.data, r.t0, r.t1)}`).join(" · ")}`;
  info.textContent = text;
}
$("zoom-range").addEventListener("click", () => {
  if (shared.range !== null) zoomTo(shared.range.t0, shared.range.t1);
});

// ---- search: a goroutine (G12 or 12), else functions and call sites in the event log ----
const searchBox = $<HTMLInputElement>("search");
let matches: Int32Array = new Int32Array(0);
let matchAt = -1;
function updateSearch(): void {
  const q = searchBox.value.trim();
  const info = $("search-info");
  matches = new Int32Array(0);
  matchAt = -1;
  if (q === "" || runs.length === 0) {
    info.textContent = "";
    return;
  }
  const gm = /^g?(\d+)$/i.exec(q);
  if (gm !== null) {
    const g = Number(gm[1]);
    const found = tlA.findGoroutine(g, 0);
    info.textContent = found === null ? `G${g}: not in this run` : `G${g}: highlighted (Enter: next slice)`;
    return;
  }
  const log = runs[0]!.data.log;
  const needle = q.toLowerCase();
  const fnHit = new Uint8Array(log.fnNames.length);
  log.fnNames.forEach((n, i) => (fnHit[i] = n.toLowerCase().includes(needle) ? 1 : 0));
  const reasonHit = new Uint8Array(log.reasons.length);
  log.reasons.forEach((n, i) => (reasonHit[i] = n !== "" && n.toLowerCase().includes(needle) ? 1 : 0));
  const out: number[] = [];
  for (let i = 0; i < log.n; i++) if (fnHit[log.fn[i]!] === 1 || reasonHit[log.reason[i]!] === 1) out.push(i);
  matches = Int32Array.from(out);
  info.textContent = out.length === 0 ? "no match" : `${out.length.toLocaleString()} events (Enter: next, Shift+Enter: previous)`;
}
let searchTimer = 0;
searchBox.addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchTimer = window.setTimeout(updateSearch, 200);
});
searchBox.addEventListener("keydown", (e) => {
  if (e.key !== "Enter") return;
  e.preventDefault();
  clearTimeout(searchTimer);
  if (matches.length === 0 && matchAt === -1) updateSearch();
  const q = searchBox.value.trim();
  const gm = /^g?(\d+)$/i.exec(q);
  if (gm !== null) {
    const g = Number(gm[1]);
    setHighlight(g);
    const from = shared.cursorNs >= 0 && shared.highlightG === g ? shared.cursorNs + 1 : 0;
    const found = tlA.findGoroutine(g, from) ?? tlA.findGoroutine(g, 0);
    if (found === null) return;
    tlA.revealLane(found.lane);
    shared.cursorNs = found.startNs;
    if (found.startNs < shared.viewport.t0 || found.startNs > shared.viewport.t1) shared.viewport = centerOn(shared.viewport, found.startNs, shared.endNs);
    $("search-info").textContent = `G${g}: highlighted; at ${formatTime(found.startNs)} on ${runs[0]!.data.lanes[found.lane]!.label}`;
    drawAll();
    return;
  }
  if (matches.length === 0) return;
  const cur = steps.selected;
  let k: number;
  if (e.shiftKey) {
    k = lowerBound(matches, cur) - 1;
    if (k < 0) k = matches.length - 1;
  } else {
    k = lowerBound(matches, cur + 1);
    if (k >= matches.length) k = 0;
  }
  matchAt = k;
  selectEvent(matches[k]!);
  $("search-info").textContent = `${k + 1} of ${matches.length.toLocaleString()} events`;
});

// ---- keys ----
function keyZoom(factor: number): void {
  const t = target();
  animateTo(zoomAt(t, factor, t.width / 2, shared.endNs));
}
function keyPan(frac: number): void {
  const t = target();
  animateTo(panBy(t, t.width * frac, shared.endNs));
}

window.addEventListener("keydown", (e) => {
  const el = e.target as HTMLElement | null;
  const inField = el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el?.tagName === "SUMMARY" || el instanceof HTMLButtonElement;
  if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
    e.preventDefault();
    runNow();
    return;
  }
  if (inField || e.ctrlKey || e.metaKey || e.altKey) return;
  const inTimeline = el === tlHost;
  switch (e.key) {
    case "+":
    case "=":
    case "w":
    case "W":
      keyZoom(1.25);
      break;
    case "-":
    case "s":
    case "S":
      keyZoom(1 / 1.25);
      break;
    case "ArrowLeft":
    case "a":
    case "A":
      keyPan(-0.15);
      break;
    case "ArrowRight":
    case "d":
    case "D":
      keyPan(0.15);
      break;
    case "0":
    case "Home":
      anim = null;
      shared.viewport = clampViewport({ t0: 0, t1: shared.endNs, width: tlA.plotWidth }, shared.endNs);
      drawAll();
      break;
    case "z":
      if (shared.range !== null) zoomTo(shared.range.t0, shared.range.t1);
      break;
    case "Escape":
      shared.range = null;
      for (const v of views) v.selected = null;
      updateRangeInfo();
      showDetails(null);
      setHighlight(-1);
      break;
    case "PageDown":
    case "PageUp":
    case "ArrowDown":
    case "ArrowUp":
      if (!inTimeline) return;
      for (const v of views) v.scroller.scrollTop += (e.key.startsWith("Page") ? v.scroller.clientHeight - AXIS_H - 20 : 18) * (e.key.endsWith("Down") ? 1 : -1);
      break;
    case "n":
      step(1);
      break;
    case "p":
      step(-1);
      break;
    case "N":
      step(1, stepFnSel.value);
      break;
    case "P":
      step(-1, stepFnSel.value);
      break;
    default:
      return;
  }
  e.preventDefault();
});

$("step-next").addEventListener("click", () => step(1));
$("step-prev").addEventListener("click", () => step(-1));
$("fn-next").addEventListener("click", () => step(1, stepFnSel.value));
$("fn-prev").addEventListener("click", () => step(-1, stepFnSel.value));
$("run").addEventListener("click", () => runNow());
$("cancel").addEventListener("click", () => cancel());

function loadPreset(name: string, text = presetText(name)): void {
  fileName = name;
  traceFile = null;
  editor.value = text;
  variantSel.replaceChildren();
  variantSelB.replaceChildren();
  if (validate()) runNow();
}
presetSel.addEventListener("change", () => loadPreset(presetSel.value));
for (const id of ["variant", "gomaxprocs", "profile", "policy", "seed", "variant-b", "gomaxprocs-b", "policy-b"]) {
  $(id).addEventListener("change", () => {
    if (id.endsWith("-b") && !compareBox.checked) compareBox.checked = true;
    scheduleRun();
  });
}
for (const r of rules) $(r.id).addEventListener("input", () => checkField(r));
compareBox.addEventListener("change", () => scheduleRun());

// ---- open a real trace; the what-if replays it ----
async function openTrace(file: File): Promise<void> {
  const bytes = await file.arrayBuffer();
  if (running) cancel();
  traceFile = { name: file.name, bytes: bytes.slice(0) };
  reqId++;
  setProgress(`reading ${file.name}…`);
  send({ type: "trace", id: reqId, name: file.name, bytes }, [bytes]);
}
$("open-trace-btn").addEventListener("click", () => $<HTMLInputElement>("open-trace").click());
$<HTMLInputElement>("open-trace").addEventListener("change", (e) => {
  const f = (e.target as HTMLInputElement).files?.[0];
  if (f !== undefined) void openTrace(f);
});
const drop = $("drop");
window.addEventListener("dragover", (e) => {
  e.preventDefault();
  drop.hidden = false;
});
drop.addEventListener("dragleave", () => (drop.hidden = true));
window.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.hidden = true;
  const f = e.dataTransfer?.files[0];
  if (f !== undefined) void openTrace(f);
});

/** A trace on screen: the what-if controls replace the side-by-side ones. */
function showWhatIf(a: RunOutput): void {
  const isTrace = a.trace !== undefined && traceFile !== null;
  $("whatif").hidden = !isTrace;
  document.body.dataset.mode = isTrace ? "trace" : "scenario";
  if (!isTrace || a.trace === undefined) return;
  const sel = $<HTMLSelectElement>("wi-site");
  const cur = sel.value;
  sel.replaceChildren(new Option("(none)", ""));
  for (const s of a.trace.sites.slice(0, 200)) sel.add(new Option(`${s.site} (${s.calls})`, s.site));
  sel.value = [...sel.options].some((o) => o.value === cur) ? cur : "";
  const g = $<HTMLInputElement>("wi-gomaxprocs");
  if (g.value === "") g.placeholder = String(a.trace.gomaxprocs);
}
function runWhatIf(): void {
  if (traceFile === null) return;
  const err = checkFields(["wi-gomaxprocs", "wi-factor"]);
  if (err !== "") {
    markFailed(`not run: ${err}`);
    return;
  }
  const g = $<HTMLInputElement>("wi-gomaxprocs").value.trim();
  const f = $<HTMLInputElement>("wi-factor").value.trim();
  if (running) cancel();
  reqId++;
  setProgress("replaying the trace…");
  const bytes = traceFile.bytes.slice(0);
  send(
    {
      type: "whatif",
      id: reqId,
      name: traceFile.name,
      bytes,
      gomaxprocs: g === "" ? null : Number(g),
      profile: wiProfile.value,
      policy: $<HTMLSelectElement>("wi-policy").value,
      site: $<HTMLSelectElement>("wi-site").value,
      factor: f === "" ? 1 : Number(f),
    },
    [bytes],
  );
}
$("wi-run").addEventListener("click", runWhatIf);

// ---- downloads ----
function download(name: string, data: BlobPart, type: string): void {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([data], { type }));
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
$("dl-metrics").addEventListener("click", () => {
  const json = { scenario: scenarioName, file: fileName, runs: runs.map((r) => r.json) };
  download(`${scenarioLabel()}-metrics.json`, JSON.stringify(json, null, 2), "application/json");
});
for (const f of downloadFormats) {
  $(f.button).title = f.available ? f.title : `${f.title} (not available in this build)`;
  $(f.button).addEventListener("click", () => {
    if (!f.available) return;
    const req = runs[0];
    if (req === undefined) return;
    // The writers need the runtime events: re-run the configuration in a worker for it.
    if (worker === null) worker = newWorker();
    f.request(worker, editor.value, fileName, variantSel.value, overrides(false), (bytes, ext, type) => download(`${scenarioLabel()}-${variantSel.value || "run"}.${ext}`, bytes, type));
  });
}

// ---- start: the scenario the server was started with, else examples/default.yaml ----
async function start(): Promise<void> {
  onResize();
  let text = presetText("default.yaml");
  let name = "default.yaml";
  try {
    const r = await fetch("./initial-scenario.yaml");
    if (r.ok) {
      text = await r.text();
      name = decodeURIComponent(r.headers.get("x-scenario-name") ?? "scenario.yaml");
    }
  } catch {
    // served statically without gosched serve: keep the default preset
  }
  if (presetNames.includes(name)) presetSel.value = name;
  loadPreset(name, text);
}
void start();

// For tests, the benchmark and the curious: the page's state.
(globalThis as { gosched?: unknown }).gosched = {
  get runs() {
    return runs;
  },
  shared,
  views,
  frameTimes,
  selectEvent,
  step,
  drawAll,
  setHighlight,
};

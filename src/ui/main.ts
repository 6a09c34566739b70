// The page: scenario editor and settings, the simulation worker (progress, cancel), timeline(s),
// charts, metrics table and step-through, all on one shared viewport.
import { profileNames } from "../profiles/index.js";
import { compileScenario, parseScenario, ScenarioError } from "../scenario/index.js";
import { policyNames } from "../scenario/schema.js";
import { ChartsView } from "./charts.js";
import { Editor } from "./editor.js";
import { findEvent } from "./explain.js";
import { centerOn, clampViewport, formatTime, lowerBound, panBy, timeToX, zoomAt } from "./layout.js";
import { SpanKind, spanKindNames } from "./model.js";
import type { RunOutput, UiOverride, WorkerRequest, WorkerResponse } from "./protocol.js";
import { StepList } from "./steps.js";
import { kindColors, LABEL_W, TimelineView, type SharedView } from "./timeline.js";
import { downloadFormats } from "./downloads.js";

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`#${id} missing`);
  return el as T;
};

const presets = import.meta.glob("../../examples/*.yaml", { query: "?raw", import: "default", eager: true }) as Record<string, string>;
const presetNames = Object.keys(presets)
  .map((p) => p.split("/").pop()!)
  .sort((a, b) => (a === "default.yaml" ? -1 : b === "default.yaml" ? 1 : a.localeCompare(b)));
const presetText = (name: string): string => presets[`../../examples/${name}`] ?? "";

// ---- state ----
const shared: SharedView = { viewport: { t0: 0, t1: 1, width: 800 }, endNs: 1, cursorNs: -1, hoverNs: -1 };
let runs: readonly RunOutput[] = [];
let scenarioName = "";
let worker: Worker | null = null;
let reqId = 0;
let running = false;
let fileName = "default.yaml";

const editor = new Editor($("yaml"), $("gutter"), $("err-band"), $("yaml-error"), () => scheduleValidate());
const tlA = new TimelineView($<HTMLCanvasElement>("timeline-a"), shared);
const tlB = new TimelineView($<HTMLCanvasElement>("timeline-b"), shared);
const charts = new ChartsView($<HTMLCanvasElement>("charts"), shared);
const steps = new StepList($<HTMLDivElement>("steps"), $("explain"), (i) => selectEvent(i, true));

// ---- controls ----
const presetSel = $<HTMLSelectElement>("preset");
for (const n of presetNames) presetSel.add(new Option(n.replace(/\.yaml$/, ""), n));
const profileSel = $<HTMLSelectElement>("profile");
profileSel.add(new Option("(file)", ""));
for (const p of profileNames) profileSel.add(new Option(p, p));
for (const id of ["policy", "policy-b"]) {
  const s = $<HTMLSelectElement>(id);
  s.add(new Option(id === "policy-b" ? "same" : "(file)", ""));
  for (const p of policyNames) s.add(new Option(p, p));
}
const variantSel = $<HTMLSelectElement>("variant");
const variantSelB = $<HTMLSelectElement>("variant-b");
const compareBox = $<HTMLInputElement>("compare");

function legend(): void {
  const items = [
    `<span><i style="background:linear-gradient(90deg,hsl(10 62% 52%),hsl(150 62% 52%),hsl(280 62% 52%))"></i>goroutine running (one colour per G)</span>`,
    ...[SpanKind.Syscall, SpanKind.Raw, SpanKind.Sched, SpanKind.Spin, SpanKind.Starting, SpanKind.GcStop].map((k) => `<span><i style="background:${kindColors[k]}"></i>${spanKindNames[k]}</span>`),
    `<span><i style="background:#3b5bdb;width:2px"></i>sysmon wake-up</span>`,
    `<span><i style="background:#c0262d;height:2px"></i>retake</span>`,
    `<span><i style="background:#1d8a43;height:2px"></i>handoff → M</span>`,
    `<span><i style="background:#7a3fc2;height:2px"></i>preempt</span>`,
    `<span><i style="background:rgba(155,109,214,0.35)"></i>stop-the-world</span>`,
  ];
  $("legend").innerHTML = items.join("");
}
legend();

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
    if (names.join("\n") === vs.join("\n")) continue;
    sel.innerHTML = "";
    for (const v of vs) sel.add(new Option(v, v));
    if (vs.length === 0) sel.add(new Option("(none)", ""));
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
    $("progress").textContent = `worker error: ${e.message}`;
  };
  return w;
}

function send(req: WorkerRequest, transfer: Transferable[] = []): void {
  if (worker === null) worker = newWorker();
  setRunning(true);
  worker.postMessage(req, transfer);
}

function runNow(): void {
  if (!validate()) return;
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
  $("progress").textContent = "running…";
  send({ type: "run", id: reqId, yaml: editor.value, file: fileName, variants: reqVariants, overrides: ovs, labels });
}

function scenarioLabel(): string {
  return fileName.replace(/\.ya?ml$/, "");
}

function cancel(): void {
  worker?.terminate();
  worker = null;
  setRunning(false);
  $("progress").textContent = "cancelled";
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
      $("progress").textContent = `run ${m.run + 1}/${m.runs}: ${m.events.toLocaleString()} events, ${formatTime(m.simNs)} simulated…`;
      break;
    case "scenario-error":
      setRunning(false);
      $("progress").textContent = "scenario error";
      editor.setError({ line: m.error.line, col: m.error.col, text: (m.error.path !== "" ? `${m.error.path}: ` : "") + m.error.detail });
      break;
    case "error":
      setRunning(false);
      $("progress").textContent = `error: ${m.message}`;
      break;
    case "result":
      setRunning(false);
      scenarioName = m.scenario;
      $("progress").textContent = `${scenarioName}: done in ${Math.round(m.ms)} ms`;
      showRuns(m.runs, m.report);
      break;
  }
}

// ---- showing results ----
function showRuns(rs: readonly RunOutput[], report: string): void {
  runs = rs;
  tooltip.hidden = true;
  const a = rs[0];
  if (a === undefined) return;
  const endNs = Math.max(...rs.map((r) => r.data.endNs));
  shared.endNs = endNs;
  shared.cursorNs = -1;
  const w = tlA.plotWidth;
  shared.viewport = clampViewport({ t0: 0, t1: endNs, width: w }, endNs);
  tlA.setData(a.data, rs.length > 1 ? `A: ${a.label}` : "");
  const b = rs[1];
  tlB.canvas.hidden = b === undefined;
  tlB.setData(b?.data ?? null, b !== undefined ? `B: ${b.label}` : "");
  charts.setData(rs.map((r) => r.data));
  steps.setLog(a.data.log);
  fillStepFns(a.data.log.fnNames, a.data.log);
  renderMetrics(rs);
  renderSummary(rs);
  $("report").textContent = report;
  for (const id of ["dl-metrics"]) $<HTMLButtonElement>(id).disabled = a.metrics === null;
  for (const f of downloadFormats) $<HTMLButtonElement>(f.button).disabled = a.metrics === null || !f.available;
  document.body.dataset.ready = "1";
  drawAll();
}

function renderSummary(rs: readonly RunOutput[]): void {
  const a = rs[0]!;
  const val = (f: (r: RunOutput) => string) => rs.map(f).join(" | ");
  $("stat-label").textContent = rs.map((r) => r.label).join(" vs ");
  $("stat-threads").textContent = val((r) => {
    if (r.metrics !== null) return String(r.metrics.threadsPeak);
    const peak = r.data.series.threads.reduce((x, y) => Math.max(x, y), 0);
    return peak > 0 ? String(peak) : "–"; // old-format traces do not name threads
  });
  $("stat-makespan").textContent = val((r) => formatTime(r.metrics?.makespanNs ?? r.data.endNs));
  $("stat-syscalls").textContent = val((r) => (r.metrics !== null ? String(r.metrics.syscalls.total + r.metrics.syscalls.raw) : "–"));
  $("stat-retakes").textContent = val((r) => (r.metrics !== null ? String(r.metrics.handoffs.sysmonRetake) : String(r.data.arrows.time.length)));
  $("stat-events").textContent = a.data.log.n.toLocaleString();
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
    t.innerHTML = `<tr><td class="hint">No metrics for a real trace (the metrics come from the model's runtime events).</td></tr>`;
    return;
  }
  const rows = withMetrics.map((r) => flatten(r.metrics!));
  const head = `<tr><th>metric</th>${withMetrics.map((r) => `<th>${r.label}</th>`).join("")}</tr>`;
  const body = rows[0]!
    .map(([k], j) => {
      const a = rows[0]![j]![1];
      const cells = rows.map((r, i) => {
        const v = r[j]![1];
        if (i === 0 || v === a) return `<td>${fmtMetric(k, v)}</td>`;
        const d = v - a;
        const pct = a !== 0 ? ` ${d > 0 ? "+" : ""}${((d / a) * 100).toFixed(0)}%` : "";
        return `<td>${fmtMetric(k, v)} <span class="delta ${d > 0 ? "up" : "down"}">${pct || (d > 0 ? "+" : "-")}</span></td>`;
      });
      return `<tr data-metric="${k}"><td>${k}</td>${cells.join("")}</tr>`;
    })
    .join("");
  t.innerHTML = head + body;
}

const stepFnSel = $<HTMLSelectElement>("step-fn");
function fillStepFns(names: readonly string[], log: { n: number; fn: Uint16Array }): void {
  const present = new Set<number>();
  for (let i = 0; i < log.n; i++) present.add(log.fn[i]!);
  const cur = stepFnSel.value;
  stepFnSel.innerHTML = "";
  const list = names.filter((_, i) => present.has(i));
  const pref = ["entersyscall", "retake", "handoffp", "startm", "exitsyscallfast", "exitsyscall0", "rawsyscall", "GoSyscallBegin", "GoSysCall", "ProcSteal", "GoSysBlock"];
  list.sort((x, y) => {
    const a = pref.indexOf(x);
    const b = pref.indexOf(y);
    return (a < 0 ? 99 : a) - (b < 0 ? 99 : b) || x.localeCompare(y);
  });
  for (const n of list) stepFnSel.add(new Option(n, n));
  stepFnSel.value = list.includes(cur) ? cur : (list[0] ?? "");
}

function selectEvent(i: number, fromList = false): void {
  const log = runs[0]?.data.log;
  if (log === undefined || i < 0 || i >= log.n) return;
  steps.select(i);
  const t = log.time[i]!;
  shared.cursorNs = t;
  const v = shared.viewport;
  const x = timeToX({ ...v, width: tlA.plotWidth }, t);
  if (x < 0 || x > tlA.plotWidth) shared.viewport = centerOn(shared.viewport, t, shared.endNs);
  void fromList;
  drawAll();
}

function step(dir: 1 | -1, fn = ""): void {
  const log = runs[0]?.data.log;
  if (log === undefined) return;
  const from = steps.selected < 0 ? (dir === 1 ? -1 : log.n) : steps.selected;
  const i = findEvent(log, from, fn, dir);
  if (i >= 0) selectEvent(i);
}

// ---- drawing ----
let frame = 0;
function drawAll(): void {
  if (frame !== 0) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    const t0 = performance.now();
    tlA.draw();
    if (!tlB.canvas.hidden) tlB.draw();
    charts.draw();
    document.body.dataset.frameMs = (performance.now() - t0).toFixed(1);
  });
}

function onResize(): void {
  tlA.resize();
  tlB.resize();
  charts.resize();
  shared.viewport = { ...shared.viewport, width: tlA.plotWidth };
  drawAll();
}
window.addEventListener("resize", onResize);

// ---- timeline interactions: wheel zoom, drag pan, keys, hover, click to select ----
const tlBox = $("timelines");
const tooltip = $("tooltip");
let drag: { x: number; moved: boolean } | null = null;

function viewAt(e: MouseEvent): { view: TimelineView; x: number; y: number } | null {
  for (const view of [tlA, tlB]) {
    if (view.canvas.hidden) continue;
    const r = view.canvas.getBoundingClientRect();
    if (e.clientY >= r.top && e.clientY < r.bottom) return { view, x: e.clientX - r.left, y: e.clientY - r.top };
  }
  return null;
}

tlBox.addEventListener(
  "wheel",
  (e) => {
    if (runs.length === 0) return;
    const r = tlA.canvas.getBoundingClientRect();
    const x = e.clientX - r.left - LABEL_W;
    if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      e.preventDefault();
      shared.viewport = panBy({ ...shared.viewport, width: tlA.plotWidth }, e.shiftKey ? e.deltaY : e.deltaX, shared.endNs);
    } else if (e.ctrlKey || e.altKey || !e.shiftKey) {
      e.preventDefault();
      shared.viewport = zoomAt({ ...shared.viewport, width: tlA.plotWidth }, Math.exp(-e.deltaY * 0.0025), Math.max(0, x), shared.endNs);
    }
    drawAll();
  },
  { passive: false },
);
tlBox.addEventListener("mousedown", (e) => {
  drag = { x: e.clientX, moved: false };
  tlBox.focus();
});
window.addEventListener("mouseup", (e) => {
  if (drag !== null && !drag.moved) clickSelect(e);
  drag = null;
});
window.addEventListener("mousemove", (e) => {
  if (drag !== null) {
    const dx = e.clientX - drag.x;
    if (Math.abs(dx) > 2) drag.moved = true;
    if (drag.moved) {
      shared.viewport = panBy({ ...shared.viewport, width: tlA.plotWidth }, -dx, shared.endNs);
      drag.x = e.clientX;
      drawAll();
    }
  }
});
tlBox.addEventListener("mousemove", (e) => {
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
    const v = { ...shared.viewport, width: tlA.plotWidth };
    shared.hoverNs = v.t0 + ((at.x - LABEL_W) / v.width) * (v.t1 - v.t0);
  }
  drawAll();
});
tlBox.addEventListener("mouseleave", () => {
  tooltip.hidden = true;
  shared.hoverNs = -1;
  drawAll();
});

function clickSelect(e: MouseEvent): void {
  const at = viewAt(e);
  if (at === null || at.view !== tlA || at.x < LABEL_W) return;
  const log = runs[0]?.data.log;
  if (log === undefined || log.n === 0) return;
  const v = { ...shared.viewport, width: tlA.plotWidth };
  const t = v.t0 + ((at.x - LABEL_W) / v.width) * (v.t1 - v.t0);
  const lane = tlA.laneAt(at.y);
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
    const at = lowerBound(log.time, t);
    const mine = (i: number) => (lane.kind === "P" ? log.p[i] : log.m[i]) === lane.id;
    for (let k = 0; k < 200_000 && best < 0; k++) {
      const a = at - 1 - k;
      const b = at + k;
      const da = a >= 0 && mine(a) ? t - log.time[a]! : Infinity;
      const db = b < log.n && mine(b) ? log.time[b]! - t : Infinity;
      if (da !== Infinity || db !== Infinity) best = da <= db ? a : b;
      if (a < 0 && b >= log.n) break;
    }
  }
  if (best < 0) best = Math.min(log.n - 1, lowerBound(log.time, t));
  selectEvent(best);
}

function keyZoom(factor: number): void {
  shared.viewport = zoomAt({ ...shared.viewport, width: tlA.plotWidth }, factor, tlA.plotWidth / 2, shared.endNs);
  drawAll();
}

window.addEventListener("keydown", (e) => {
  const inField = e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
  if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
    e.preventDefault();
    runNow();
    return;
  }
  if (inField) return;
  const w = tlA.plotWidth;
  switch (e.key) {
    case "+":
    case "=":
    case "w":
      keyZoom(1.5);
      break;
    case "-":
    case "s":
      keyZoom(1 / 1.5);
      break;
    case "ArrowLeft":
    case "a":
      shared.viewport = panBy({ ...shared.viewport, width: w }, -w * 0.15, shared.endNs);
      drawAll();
      break;
    case "ArrowRight":
    case "d":
      shared.viewport = panBy({ ...shared.viewport, width: w }, w * 0.15, shared.endNs);
      drawAll();
      break;
    case "0":
    case "Home":
      shared.viewport = clampViewport({ t0: 0, t1: shared.endNs, width: w }, shared.endNs);
      drawAll();
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
  editor.value = text;
  variantSel.innerHTML = "";
  variantSelB.innerHTML = "";
  if (validate()) runNow();
}
presetSel.addEventListener("change", () => loadPreset(presetSel.value));
for (const id of ["variant", "gomaxprocs", "profile", "policy", "seed", "variant-b", "gomaxprocs-b", "policy-b"]) {
  $(id).addEventListener("change", () => {
    if (id.endsWith("-b") && !compareBox.checked) compareBox.checked = true;
    scheduleRun();
  });
}
compareBox.addEventListener("change", () => scheduleRun());

// ---- open a real trace ----
async function openTrace(file: File): Promise<void> {
  const bytes = await file.arrayBuffer();
  if (running) cancel();
  reqId++;
  $("progress").textContent = `reading ${file.name}…`;
  send({ type: "trace", id: reqId, name: file.name, bytes }, [bytes]);
}
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

// For tests and the curious: the page's state.
(globalThis as { gosched?: unknown }).gosched = { get runs() { return runs; }, shared, selectEvent, step };

// The timeline's drawing and the page's controls, in Chromium: one test per defect of the issue
// "web UI at trace-viewer standard" (asserting on the frame the timeline recorded, and on canvas
// pixels where it matters), selection and navigation, keyboard access, bad input, axe-core.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { readTrace } from "../../src/gotrace/reader.js";
import { axeSerious, CHROMIUM, haveChromium, openUi, ready, root, waitFor, type OpenUi, type Page } from "./chromium.js";

const oldTrace = (name: string) => join(root, "testdata", "go-trace", "old-format", name);

interface Frame {
  lanes: number[];
  arrows: { x: number; from: number; to: number; kind: number; count: number }[];
  arrowBins: { lane: number; x: number; kind: number; count: number }[];
  marks: { x: number; lane: number; kind: number }[];
  flows: number;
  flowGoids: number[];
  flowsSkipped: number;
}

/** Sets the shared viewport, draws, and returns the frame model of timeline `view` (0: A, 1: B). */
async function frameAt(page: Page, t0: number, t1: number, view = 0): Promise<Frame> {
  await page.evaluate(`(() => { const s = gosched.shared; s.viewport = { t0: ${t0}, t1: ${t1}, width: gosched.views[0].plotWidth }; gosched.drawAll(); })()`);
  await page.evaluate("new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)))");
  return (await page.evaluate(`gosched.views[${view}].frame`)) as Frame;
}

/** RGBA of CSS pixel (x, y) of timeline A's main canvas (device scale 1). */
const pixel = (page: Page, x: number, y: number) => page.evaluate(`Array.from(gosched.views[0].canvas.getContext("2d").getImageData(${Math.round(x)}, ${Math.round(y)}, 1, 1).data)`) as Promise<number[]>;
const near = (a: number[], hex: string, tol = 40) => [1, 3, 5].every((i, k) => Math.abs(parseInt(hex.slice(i, i + 2), 16) - a[k]!) <= tol);
const LABEL_W = 92;

async function loadYaml(page: Page, yaml: string, name: string): Promise<void> {
  await page.locator("#yaml").fill(yaml);
  await waitFor(page, `document.getElementById('stat-label').innerText.includes(${JSON.stringify(name)})`, 60_000);
  await ready(page, 60_000);
}

async function loadPreset(page: Page, preset: string): Promise<void> {
  await page.selectOption("#preset", preset);
  await waitFor(page, `document.getElementById('progress').innerText.includes('done in') && document.body.dataset.running === '0'`, 30_000);
  await ready(page);
}

describe("web UI views in Chromium", { skip: haveChromium ? false : `${CHROMIUM} is missing: apt-get install -y chromium (CI installs it)`, timeout: 240_000 }, () => {
  let ui: OpenUi;
  let page: Page;
  before(async () => {
    ui = await openUi({ width: 1400, height: 900 });
    page = ui.page;
    await ready(page);
  });
  after(async () => {
    await ui?.close();
  });

  test("0–300 µs of the default run: every retake and handoff is drawn, coinciding ones fanned out or counted", async () => {
    const f = await frameAt(page, 0, 300_000);
    const expected = (await page.evaluate(`(() => { const a = gosched.runs[0].data.arrows; let n = 0; for (let i = 0; i < a.time.length; i++) if (a.time[i] >= 0 && a.time[i] < 300000) n++; return n; })()`)) as number;
    assert.ok(expected >= 4, `arrows in 0–300 µs: ${expected}`);
    assert.equal(f.arrowBins.length, 0, "few arrows: drawn one by one");
    assert.equal(
      f.arrows.reduce((n, a) => n + a.count, 0),
      expected,
    );
    // Arrows of one pixel column are at distinct x (fanned out), so none hides another.
    const xs = f.arrows.map((a) => a.x);
    assert.equal(new Set(xs).size, xs.length, `arrow x: ${xs.join(", ")}`);
    // Pixels: each arrow's shaft is there, in its colour, halfway between its lanes.
    const colors: Record<number, string> = { 1: "#c0262d", 2: "#1d8a43", 3: "#7a3fc2" };
    for (const a of f.arrows) {
      const y0 = (await page.evaluate(`gosched.views[0].laneCenterY(${a.from})`)) as number;
      const y1 = (await page.evaluate(`gosched.views[0].laneCenterY(${a.to})`)) as number;
      const pxs = await Promise.all([-1, 0, 1].map((d) => pixel(page, Math.floor(LABEL_W + a.x) + d, (y0 + y1) / 2)));
      assert.ok(pxs.some((px) => near(px, colors[a.kind]!, 70)), `arrow ${JSON.stringify(a)}: pixels ${pxs.map((p) => p.join(",")).join(" / ")}`);
    }
    // Marks: one per lane, kind and pixel column (no two at one place).
    const keys = f.marks.map((m) => `${m.lane}:${m.kind}:${m.x}`);
    assert.equal(new Set(keys).size, keys.length);
  });

  test("stw-meets-syscalls: a P's _Pgcstop ends when the world restarts (hover says so)", async () => {
    await loadPreset(page, "stw-meets-syscalls.yaml");
    const d = (await page.evaluate(`(() => { const d = gosched.runs[0].data; return { bands: [Array.from(d.bands.start), Array.from(d.bands.end)], spans: d.lanes.filter((l) => l.kind === "P").flatMap((l) => Array.from(l.kinds).map((k, i) => [k, l.start[i], l.end[i]]).filter((x) => x[0] === 6)) }; })()`)) as { bands: number[][]; spans: number[][] };
    assert.ok(d.spans.length > 0, "Ps were stopped");
    for (const [, s, e] of d.spans) {
      const b = d.bands[0]!.filter((x) => x <= s!).length - 1;
      assert.ok(e! <= d.bands[1]![b]! + 1e-6, `_Pgcstop ${s} → ${e} outlives the restart at ${d.bands[1]![b]}`);
    }
    // Hover P2 a little after the last restart: not _Pgcstop any more.
    const restart = Math.max(...d.bands[1]!);
    await frameAt(page, 0, restart * 4);
    const box = (await page.locator("#timeline-a").boundingBox())!;
    const y = (await page.evaluate("gosched.views[0].laneCenterY(2)")) as number;
    const plotW = (await page.evaluate("gosched.views[0].plotWidth")) as number;
    await page.mouse.move(box.x + LABEL_W + plotW * 0.3, box.y + y);
    const tip = await page.locator("#tooltip").innerText();
    assert.match(tip, /^P2 · /);
    assert.doesNotMatch(tip, /_Pgcstop/);
    await page.mouse.move(0, 0);
  });

  test("a Go 1.19 trace: syscalls on the P lanes, counted in the summary; P taken named as such; threads not flat", async () => {
    await page.setInputFiles("#open-trace", oldTrace("stress_1_19_good"));
    await waitFor(page, "document.getElementById('progress').innerText.includes('Go 1.19 trace')", 30_000);
    await ready(page);
    assert.match(await page.locator("#stat-syscalls").innerText(), /^\d+$/);
    assert.match(await page.locator("#stat-retakes-name").innerText(), /P taken from a syscall \(ProcSteal\)/);
    assert.match(await page.locator("#stat-threads-name").innerText(), /threads \(≥\)/);
    assert.ok(Number(await page.locator("#stat-threads").innerText()) > 1);
    // The widest syscall span of a P, zoomed to: its middle is syscall orange.
    const s = (await page.evaluate(`(() => { let best = null; gosched.runs[0].data.lanes.forEach((l, li) => { if (l.kind !== "P") return; for (let i = 0; i < l.kinds.length; i++) if (l.kinds[i] === 2 && (best === null || l.end[i] - l.start[i] > best.e - best.s)) best = { li, s: l.start[i], e: l.end[i] }; }); return best; })()`)) as { li: number; s: number; e: number } | null;
    assert.ok(s !== null, "a P lane has a syscall span");
    const w = s.e - s.s;
    await frameAt(page, s.s - w, s.e + w);
    await page.evaluate(`gosched.views[0].revealLane(${s.li}); gosched.drawAll()`);
    await page.evaluate("new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)))");
    const plotW = (await page.evaluate("gosched.views[0].plotWidth")) as number;
    const y = (await page.evaluate(`gosched.views[0].laneCenterY(${s.li})`)) as number;
    const px = await pixel(page, LABEL_W + plotW / 2, y + 3);
    assert.ok(near(px, "#f0a030"), `syscall pixel ${px.join(",")}`);
    // A click on it: the details show the GoSysCall's whole stack, as the trace file records it.
    const box = (await page.locator("#timeline-a").boundingBox())!;
    await page.mouse.click(box.x + LABEL_W + plotW / 2, box.y + y);
    assert.match(await page.locator("#details").innerText(), /stack where it began \(GoSysCall, leaf first\)/);
    const shown = await page.locator("#details ol.stack li").allInnerTexts();
    const t = readTrace(new Uint8Array(readFileSync(oldTrace("stress_1_19_good"))));
    const p = (await page.evaluate(`gosched.runs[0].data.lanes[${s.li}].id`)) as number;
    const ev = t.events.find((e) => e.type === "GoSysCall" && e.p === p && e.tsNs === s.s);
    assert.ok(ev !== undefined && ev.stackId !== 0, "the span began at a GoSysCall with a stack");
    const frames = t.stacks.get(ev.stackId)!;
    assert.ok(frames.length > 1);
    assert.deepEqual(shown, frames.map((f) => `${f.func} ${f.file}:${f.line}`));
    await page.keyboard.press("Escape");
  });

  test("what-if: Predict replays the open trace at GOMAXPROCS=1, shown side by side with the trace", async () => {
    assert.equal(await page.locator("#whatif").isVisible(), true);
    assert.equal(await page.locator("#compare").isVisible(), false, "side-by-side controls of scenarios give way");
    await page.fill("#wi-gomaxprocs", "1");
    await page.click("#wi-run");
    await waitFor(page, "document.getElementById('stat-label').innerText.includes('prediction')", 60_000);
    await ready(page);
    assert.equal(await page.locator(".tl-pane[data-run='b']").isVisible(), true);
    assert.equal(await page.evaluate("gosched.runs[1].data.nP"), 1);
    assert.match(await page.locator(".tl-pane[data-run='b'] .tl-head").innerText(), /^B: prediction: GOMAXPROCS=1/);
    assert.match(await page.locator("#stat-makespan").innerText(), /\| /);
    // Trace vs prediction: the trace's figures (the summary counts them from the trace on its own),
    // the prediction's (its metrics, as the summary shows them), per-site latency rows.
    assert.equal(await page.locator("#wi-compare").isVisible(), true);
    const cells = async (label: string) => page.locator(`#wi-table tr[data-figure="${label}"] td`).allInnerTexts();
    const summary = async (id: string) => (await page.locator(`#${id}`).innerText()).split(" | ");
    const tSys = (await summary("stat-syscalls"))[0];
    const tLost = (await summary("stat-retakes"))[0];
    const tMk = (await summary("stat-makespan"))[1];
    assert.equal((await cells("syscalls"))[1], tSys);
    assert.equal((await cells("syscalls that lost their P"))[1], tLost);
    assert.equal((await cells("makespan"))[3], tMk, "the prediction's makespan is the one the summary shows for B");
    assert.equal((await cells("threads (peak)"))[1], "–", "old format: no threads recorded");
    const site = await page.locator("#wi-site option").nth(1).getAttribute("value");
    if (site !== null) assert.equal((await cells(`${site} latency p50`)).length, 5);
    assert.deepEqual(await axeSerious(page), []);
  });

  test("many arrows zoomed out are counted per lane, not painted solid", async () => {
    const yaml = ["name: many-retakes", "settings: { gomaxprocs: 4, seed: 3 }", "programs:", "  w:", "    - repeat: { count: 60, do: [ { compute: 5us }, { syscall: 300us } ] }", "goroutines:", "  - { program: w, count: 300 }"].join("\n");
    await loadYaml(page, yaml, "many-retakes");
    const n = (await page.evaluate("gosched.runs[0].data.arrows.time.length")) as number;
    const end = (await page.evaluate("gosched.shared.endNs")) as number;
    const f = await frameAt(page, 0, end);
    const plotW = (await page.evaluate("gosched.views[0].plotWidth")) as number;
    assert.ok(n > plotW / 6, `arrows: ${n}`);
    assert.equal(f.arrows.length, 0);
    assert.ok(f.arrowBins.length > 0);
    assert.equal(
      f.arrowBins.reduce((s, b) => s + b.count, 0),
      (await page.evaluate(`(() => { const a = gosched.runs[0].data.arrows; const lanes = new Set(${JSON.stringify(f.lanes)}); let k = 0; for (let i = 0; i < a.time.length; i++) if (lanes.has(a.to[i]) && a.time[i] >= 0 && a.time[i] < ${end}) k++; return k; })()`)) as number,
    );
    // Pixels: the P lanes are mostly not retake red.
    const y0 = (await page.evaluate("gosched.views[0].laneCenterY(0)")) as number;
    const red = (await page.evaluate(`(() => { const d = gosched.views[0].canvas.getContext("2d").getImageData(${LABEL_W}, ${Math.round(y0 - 8)}, ${Math.floor(plotW)}, 16 * 4).data; let r = 0; for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - 0xc0) < 30 && d[i + 1] < 70 && d[i + 2] < 70) r++; return r / (d.length / 4); })()`)) as number;
    assert.ok(red < 0.15, `red share over the P lanes: ${red}`);
  });

  test("click a slice: details panel, its goroutine highlighted with its wake-up flows", async () => {
    await loadPreset(page, "channels-pipeline.yaml");
    const pick = (await page.evaluate(`(() => { const d = gosched.runs[0].data; const f = d.flows; for (let i = 0; i < f.t0.length; i++) { const l = d.lanes[f.lane1[i]]; for (let j = 0; j < l.start.length; j++) if (l.goid[j] === f.goid[i] && l.start[j] <= f.t1[i] && l.end[j] > f.t1[i] && l.end[j] - l.start[j] > 0) return { g: f.goid[i], lane: f.lane1[i], s: l.start[j], e: l.end[j], t0: f.t0[i] }; } return null; })()`)) as { g: number; lane: number; s: number; e: number; t0: number } | null;
    assert.ok(pick !== null, "a flow ends on a run span");
    const lo = Math.min(pick.t0, pick.s);
    const w = Math.max(pick.e, pick.s) - lo;
    await frameAt(page, lo - w * 0.2, pick.e + w * 0.2);
    await page.evaluate(`gosched.views[0].revealLane(${pick.lane}); gosched.drawAll()`);
    await page.evaluate("new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)))");
    const box = (await page.locator("#timeline-a").boundingBox())!;
    const v = (await page.evaluate("gosched.shared.viewport")) as { t0: number; t1: number };
    const plotW = (await page.evaluate("gosched.views[0].plotWidth")) as number;
    const x = LABEL_W + (((pick.s + pick.e) / 2 - v.t0) / (v.t1 - v.t0)) * plotW;
    const y = (await page.evaluate(`gosched.views[0].laneCenterY(${pick.lane})`)) as number;
    await page.mouse.click(box.x + x, box.y + y);
    const details = await page.locator("#details").innerText();
    assert.match(details, new RegExp(`state runs G${pick.g}`));
    assert.match(details, /duration/);
    assert.equal(await page.evaluate("gosched.shared.highlightG"), pick.g);
    await page.evaluate("new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)))");
    const f = (await page.evaluate("gosched.views[0].frame")) as Frame;
    assert.ok(f.flows > 0, "the highlighted goroutine's wake-up flows are drawn");
    await page.keyboard.press("Escape");
    assert.equal(await page.evaluate("gosched.shared.highlightG"), -1);
  });

  test("search: G<n> highlights a goroutine; a function name steps through its events", async () => {
    await page.fill("#search", "G2");
    await page.press("#search", "Enter");
    assert.equal(await page.evaluate("gosched.shared.highlightG"), 2);
    await page.fill("#search", "gopark");
    await waitFor(page, "/events/.test(document.getElementById('search-info').innerText)", 5_000);
    await page.press("#search", "Enter");
    assert.match(await page.locator("#steps .step.sel .fn").innerText(), /^gopark$/);
    const first = await page.locator("#steps .step.sel").getAttribute("data-i");
    await page.press("#search", "Enter");
    assert.ok(Number(await page.locator("#steps .step.sel").getAttribute("data-i")) > Number(first));
    await page.fill("#search", "");
    await page.keyboard.press("Escape");
  });

  test("Shift+drag selects a range with totals; z zooms to it", async () => {
    await page.locator("#timelines").focus();
    await page.keyboard.press("0");
    const box = (await page.locator("#timeline-a").boundingBox())!;
    const y = box.y + ((await page.evaluate("gosched.views[0].laneCenterY(0)")) as number);
    await page.keyboard.down("Shift");
    await page.mouse.move(box.x + LABEL_W + 100, y);
    await page.mouse.down();
    await page.mouse.move(box.x + LABEL_W + 250, y, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up("Shift");
    const r = (await page.evaluate("gosched.shared.range")) as { t0: number; t1: number };
    assert.ok(r !== null && r.t1 > r.t0);
    assert.match(await page.locator("#range-info").innerText(), /range .* P time: .*events/);
    await page.keyboard.press("z");
    await page.waitForTimeout(400);
    const v = (await page.evaluate("gosched.shared.viewport")) as { t0: number; t1: number };
    assert.ok(v.t0 <= r.t0 && v.t1 >= r.t1 && v.t1 - v.t0 < (r.t1 - r.t0) * 1.2, `viewport ${v.t0}–${v.t1} for range ${r.t0}–${r.t1}`);
    await page.keyboard.press("Escape");
    assert.equal(await page.evaluate("gosched.shared.range"), null);
  });

  test("wake-up flows: every goroutine's when zoomed in, counted when zoomed out; a highlight keeps its own", async () => {
    // A channel ping-pong: every receive wakes a goroutine, hundreds of wake-ups.
    const yaml = ["name: many-wakeups", "settings: { gomaxprocs: 2, seed: 1 }", "channels: { ping: 0 }", "programs:", "  tx:", "    - repeat: { count: 400, do: [ { compute: 2us }, { send: ping } ] }", "  rx:", "    - repeat: { count: 200, do: [ { recv: ping }, { compute: 3us } ] }", "goroutines:", "  - { program: tx }", "  - { program: rx, count: 2 }"].join("\n");
    await loadYaml(page, yaml, "many-wakeups");
    const end = (await page.evaluate("gosched.shared.endNs")) as number;
    const all = (await page.evaluate("gosched.runs[0].data.flows.t0.length")) as number;
    const plotW = (await page.evaluate("gosched.views[0].plotWidth")) as number;
    assert.ok(all > plotW / 12, `flows: ${all}`);
    await page.evaluate("gosched.views[0].scroller.scrollTop = 0");
    const out = await frameAt(page, 0, end);
    assert.equal(out.flows, 0, "zoomed out: too many to draw");
    assert.ok(out.flowsSkipped > 0);
    // Zoomed in to the first few wake-ups: all of them drawn, of several goroutines.
    const t = (await page.evaluate("gosched.runs[0].data.flows.t1[Math.min(gosched.runs[0].data.flows.t1.length - 1, 12)]")) as number;
    const f = await frameAt(page, 0, t);
    assert.equal(f.flowsSkipped, 0);
    assert.ok(f.flows > 0 && new Set(f.flowGoids).size > 1, `flows drawn: ${f.flows} of ${JSON.stringify([...new Set(f.flowGoids)])}`);
    // Pixels: a drawn flow's dot (the waker's lane, at the wake-up) is the flow colour.
    const dot = (await page.evaluate(`(() => { const d = gosched.runs[0].data.flows; const v = gosched.views[0]; const s = gosched.shared.viewport; const [a, b] = v.visibleLanes(); for (let i = 0; i < d.t0.length; i++) if (d.t0[i] >= s.t0 && d.t0[i] < s.t1 && d.lane0[i] >= a && d.lane0[i] < b) return { x: ${LABEL_W} + (d.t0[i] - s.t0) / (s.t1 - s.t0) * v.plotWidth, y: v.laneCenterY(d.lane0[i]) }; return null; })()`)) as { x: number; y: number } | null;
    assert.ok(dot !== null);
    const px = await pixel(page, dot.x, dot.y);
    assert.ok(near(px, "#0b7285", 10), `flow dot pixel ${px.join(",")}`);
    // Highlighted: only that goroutine's.
    const g = f.flowGoids[0]!;
    await page.evaluate(`gosched.shared.highlightG = ${g}`);
    const h = await frameAt(page, 0, t);
    assert.ok(h.flows > 0 && h.flowGoids.every((x) => x === g), JSON.stringify(h.flowGoids));
    await page.evaluate("gosched.shared.highlightG = -1");
  });

  test("a simulated syscall's details show the program's call site as its stack", async () => {
    const yaml = ["name: stack-site", "settings: { gomaxprocs: 2, seed: 1 }", "programs:", "  w:", '    - repeat: { count: 3, do: [ { compute: 20us }, { syscall: { duration: 2ms, site: "main.readConfig (config.go:42)" } } ] }', "goroutines:", "  - { program: w, count: 4 }"].join("\n");
    await loadYaml(page, yaml, "stack-site");
    const s = (await page.evaluate(`(() => { let best = null; gosched.runs[0].data.lanes.forEach((l, li) => { if (l.kind !== "M") return; for (let i = 0; i < l.kinds.length; i++) if (l.kinds[i] === 2 && (best === null || l.end[i] - l.start[i] > best.e - best.s)) best = { li, s: l.start[i], e: l.end[i] }; }); return best; })()`)) as { li: number; s: number; e: number } | null;
    assert.ok(s !== null, "an M lane is in a syscall");
    const w = s.e - s.s;
    await frameAt(page, s.s - w, s.e + w);
    await page.evaluate(`gosched.views[0].revealLane(${s.li}); gosched.drawAll()`);
    await page.evaluate("new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)))");
    const box = (await page.locator("#timeline-a").boundingBox())!;
    const plotW = (await page.evaluate("gosched.views[0].plotWidth")) as number;
    const y = (await page.evaluate(`gosched.views[0].laneCenterY(${s.li})`)) as number;
    await page.mouse.click(box.x + LABEL_W + plotW / 2, box.y + y);
    assert.match(await page.locator("#details").innerText(), /stack where it began \(entersyscall, the program's call site\)/);
    assert.deepEqual(await page.locator("#details ol.stack li").allInnerTexts(), ["main.readConfig (config.go:42)"]);
    await page.keyboard.press("Escape");
  });

  test("keyboard: Esc then Tab leaves the editor; the file opener is a button; the step list is a listbox", async () => {
    await loadPreset(page, "default.yaml");
    const ta = page.locator("#yaml");
    await ta.focus();
    await page.keyboard.press("End");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate("document.activeElement.id"), "yaml", "Tab indents");
    await page.keyboard.press("Escape");
    await page.keyboard.press("Tab");
    assert.notEqual(await page.evaluate("document.activeElement.id"), "yaml", "Esc, Tab moves on");
    assert.equal(await page.evaluate("document.getElementById('open-trace-btn').tagName"), "BUTTON");
    await page.locator("#steps").focus();
    await page.keyboard.press("Home");
    await page.keyboard.press("ArrowDown");
    assert.equal(await page.locator("#steps .step.sel").getAttribute("data-i"), "1");
    assert.equal(await page.locator("#steps").getAttribute("aria-activedescendant"), "step-1");
    assert.equal(await page.locator("#step-1").getAttribute("aria-selected"), "true");
    // A visible focus ring (3 px outline) on focused controls.
    await page.locator("#run").focus();
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Tab");
    const ring = (await page.evaluate("getComputedStyle(document.activeElement).outlineWidth")) as string;
    assert.equal(ring, "3px");
  });

  test("axe-core: no serious or critical accessibility violations (single and side by side)", async () => {
    assert.deepEqual(await axeSerious(page), []);
    await page.selectOption("#variant-b", "RawSyscall");
    await page.check("#compare");
    await waitFor(page, "document.getElementById('stat-label').innerText.includes(' vs ')", 30_000);
    await ready(page);
    assert.deepEqual(await axeSerious(page), []);
    // Distinct labels for A's and B's fields.
    const labels = await page.locator("#compare-bar label").allInnerTexts();
    assert.ok(labels.some((l) => l.startsWith("B GOMAXPROCS")) && labels.some((l) => l.startsWith("B variant")) && labels.some((l) => l.startsWith("B policy")));
    await page.uncheck("#compare");
    await waitFor(page, "!document.getElementById('stat-label').innerText.includes(' vs ')", 30_000);
    await ready(page);
  });

  test("bad input: GOMAXPROCS errors at the field, the old run is marked stale, not done", async () => {
    for (const [value, re] of [
      ["0", /between 1 and 1024, got 0/],
      ["2.5", /whole number, got 2\.5/],
      ["99999", /between 1 and 1024, got 99999/],
    ] as const) {
      await page.fill("#gomaxprocs", value);
      await page.locator("#gomaxprocs").dispatchEvent("change");
      const err = page.locator("#gomaxprocs-error");
      await err.waitFor({ state: "visible", timeout: 5_000 });
      assert.match(await err.innerText(), re);
      assert.equal(await page.locator("#gomaxprocs").getAttribute("aria-invalid"), "true");
      await waitFor(page, "document.getElementById('progress').classList.contains('failed')", 5_000);
      assert.doesNotMatch(await page.locator("#progress").innerText(), /done/);
      assert.equal(await page.evaluate("document.body.dataset.stale"), "1");
    }
    await page.fill("#gomaxprocs", "");
    await page.locator("#gomaxprocs").dispatchEvent("change");
    await page.locator("#gomaxprocs-error").waitFor({ state: "hidden" });
    await waitFor(page, "document.getElementById('progress').innerText.includes('done in')", 30_000);
    assert.equal(await page.evaluate("document.body.dataset.stale"), "0");
  });

  test("a preset without variants hides the variant selectors", async () => {
    await loadPreset(page, "channels-pipeline.yaml");
    assert.equal(await page.locator("#variant").isVisible(), false);
    assert.equal(await page.locator("#variant-b").isVisible(), false);
    await loadPreset(page, "default.yaml");
    assert.equal(await page.locator("#variant").isVisible(), true);
  });

  test("a trace file name with markup is shown as text; a favicon, and no failed request", async () => {
    const name = `<img src=x onerror="window.__pwned=1">.trace`;
    await page.setInputFiles("#open-trace", { name, mimeType: "application/octet-stream", buffer: readFileSync(oldTrace("http_1_19_good")) });
    await waitFor(page, "document.getElementById('progress').innerText.includes('Go 1.19 trace')", 30_000);
    await ready(page);
    assert.equal(await page.locator("#stat-label").innerText(), name);
    assert.equal(await page.locator("img").count(), 0);
    assert.equal(await page.evaluate("typeof window.__pwned"), "undefined");
    assert.match((await page.getAttribute("link[rel=icon]", "href")) ?? "", /^data:image\/svg\+xml,/);
    assert.deepEqual(ui.badRequests, []);
    assert.deepEqual(ui.pageErrors, []);
  });
});

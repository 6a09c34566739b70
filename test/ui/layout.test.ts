// The UI's pure parts: timeline layout (viewport math, level of detail, decimation) and the model
// the recorder builds from a real simulation.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { simulate } from "../../src/simulate.js";
import { loadScenario } from "../../src/scenario/index.js";
import { changesOf, explanationFor, findEvent, stackOf } from "../../src/ui/explain.js";
import { centerOn, clampViewport, decimateSeries, formatTime, laneAtY, layoutLanes, lodRuns, lowerBound, niceTicks, panBy, seriesAt, spanAt, timeToX, upperBound, visibleInstants, xToTime, zoomAt } from "../../src/ui/layout.js";
import { ArrowKind, LaneBuilder, MarkKind, SpanKind, type TimelineData } from "../../src/ui/model.js";
import { TimelineRecorder } from "../../src/ui/recorder.js";
import { buildLod, laneRuns, levelRuns } from "../../src/ui/lod.js";
import { readTrace } from "../../src/gotrace/reader.js";
import { actionLists, deriveWorkload } from "../../src/gotrace/replay.js";
import { traceToTimeline } from "../../src/ui/trace_import.js";
import { predict, traceSites } from "../../src/ui/whatif.js";
import { profileFor } from "../../src/whatif.js";
import { profileNames } from "../../src/profiles/index.js";
import { contrast, goroutinePalette, kindColors, labelColor } from "../../src/ui/palette.js";
import { blend, LaneRaster, pixelOf } from "../../src/ui/raster.js";

const f64 = (a: number[]) => Float64Array.from(a);

describe("viewport", () => {
  const v = { t0: 1000, t1: 2000, width: 100 };
  test("time ↔ x", () => {
    assert.equal(timeToX(v, 1500), 50);
    assert.equal(xToTime(v, 25), 1250);
  });
  test("zoom keeps the time under the mouse fixed", () => {
    const z = zoomAt(v, 2, 25, 10_000);
    assert.equal(z.t1 - z.t0, 500);
    assert.ok(Math.abs(xToTime(z, 25) - 1250) < 1e-9);
  });
  test("zoom out stops at the run (plus a margin); zoom in at 100 ns", () => {
    let z = v;
    for (let i = 0; i < 50; i++) z = zoomAt(z, 0.5, 50, 10_000);
    assert.ok(z.t1 - z.t0 <= 10_200 && z.t0 >= -100 && z.t1 <= 10_100);
    for (let i = 0; i < 60; i++) z = zoomAt(z, 2, 50, 10_000);
    assert.equal(z.t1 - z.t0, 100);
  });
  test("pan moves by pixels and clamps at the ends", () => {
    const p = panBy(v, 10, 10_000);
    assert.equal(p.t0, 1100);
    assert.equal(panBy(v, -1e6, 10_000).t0, -100);
    assert.equal(panBy(v, 1e6, 10_000).t1, 10_100);
    assert.equal(centerOn(v, 5000, 10_000).t0, 4500);
  });
  test("clamp repairs degenerate windows", () => {
    const c = clampViewport({ t0: 5, t1: 5, width: 100 }, 1000);
    assert.equal(c.t1 - c.t0, 100);
  });
});

describe("search", () => {
  const a = [1, 3, 3, 7];
  test("lower and upper bounds", () => {
    assert.equal(lowerBound(a, 3), 1);
    assert.equal(upperBound(a, 3), 3);
    assert.equal(lowerBound(a, 8), 4);
    assert.equal(upperBound(a, 0), 0);
  });
  test("spanAt finds the covering span or -1 in a gap", () => {
    const s = f64([0, 10, 30]);
    const e = f64([5, 20, 40]);
    assert.equal(spanAt(s, e, 12), 1);
    assert.equal(spanAt(s, e, 7), -1);
    assert.equal(spanAt(s, e, 40), -1);
  });
  test("step series value at t", () => {
    assert.equal(seriesAt(f64([0, 10]), Int32Array.from([3, 5]), 9), 3);
    assert.equal(seriesAt(f64([5, 10]), Int32Array.from([3, 5]), 1), 0);
  });
});

describe("level of detail", () => {
  test("wide spans are drawn one by one, clipped to the view", () => {
    const runs = lodRuns(f64([0, 50, 100]), f64([40, 90, 150]), Uint8Array.from([1, 2, 1]), Int32Array.from([7, 7, 8]), { t0: 20, t1: 120, width: 100 });
    assert.deepEqual(
      runs.map((r) => [r.x0, r.x1, r.kind, r.goid, r.merged]),
      [
        [0, 20, 1, 7, 1],
        [30, 70, 2, 7, 1],
        [80, 100, 1, 8, 1],
      ],
    );
  });
  test("a million sub-pixel spans fold into at most one rectangle per pixel column", () => {
    const n = 1_000_000;
    const s = new Float64Array(n);
    const e = new Float64Array(n);
    const k = new Uint8Array(n).fill(SpanKind.Run);
    const g = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = i * 10;
      e[i] = i * 10 + 6;
      g[i] = i % 5;
    }
    const t0 = performance.now();
    const runs = lodRuns(s, e, k, g, { t0: 0, t1: n * 10, width: 1000 });
    const ms = performance.now() - t0;
    assert.ok(runs.length <= 1000, `${runs.length} rectangles`);
    assert.equal(
      runs.reduce((x, r) => x + r.merged, 0),
      n,
    );
    assert.ok(ms < 50, `lodRuns took ${ms} ms`);
    // Zoomed in, the same data gives exact spans.
    const zoom = lodRuns(s, e, k, g, { t0: 1000, t1: 1100, width: 1000 });
    assert.deepEqual(
      zoom.map((r) => [r.x0, r.x1, r.merged]),
      [
        [0, 60, 1],
        [100, 160, 1],
        [200, 260, 1],
        [300, 360, 1],
        [400, 460, 1],
        [500, 560, 1],
        [600, 660, 1],
        [700, 760, 1],
        [800, 860, 1],
        [900, 960, 1],
      ],
    );
  });
  test("a long span that starts in a folded column is still drawn", () => {
    // 1 µs per pixel: a 0.2 µs run, then a 500 µs syscall starting in the same column.
    const runs = lodRuns(f64([0, 300]), f64([200, 500_300]), Uint8Array.from([SpanKind.Run, SpanKind.Raw]), Int32Array.from([9, 9]), { t0: 0, t1: 1_000_000, width: 1000 });
    assert.equal(runs.length, 2);
    assert.equal(runs[1]!.kind, SpanKind.Raw);
    assert.ok(Math.abs(runs[1]!.x1 - 500.3) < 1e-9);
  });
  test("instants are thinned to one per pixel", () => {
    const t = f64(Array.from({ length: 10_000 }, (_, i) => i));
    const vis = visibleInstants(t, { t0: 0, t1: 10_000, width: 100 });
    assert.equal(vis.length, 100);
    assert.deepEqual(visibleInstants(t, { t0: 10, t1: 13, width: 100 }), [10, 11, 12]);
  });
  test("series decimation keeps each column's min and max", () => {
    const time = f64([0, 1, 2, 3, 50]);
    const vals = Int32Array.from([1, 9, 0, 4, 2]);
    const d = decimateSeries(time, vals, { t0: 0, t1: 100, width: 10 });
    assert.equal(d.min[0], 0);
    assert.equal(d.max[0], 9);
    assert.equal(d.min[1], 4); // carried in from the left
    assert.equal(d.max[5], 4);
    assert.equal(d.min[5], 2);
    assert.equal(d.max[9], 2);
  });
});

describe("axis and lanes", () => {
  test("nice ticks", () => {
    assert.deepEqual(niceTicks(0, 50_000_000, 5).ticks, [0, 1e7, 2e7, 3e7, 4e7, 5e7]);
    assert.equal(niceTicks(0, 0).ticks.length, 0);
  });
  test("time labels", () => {
    assert.equal(formatTime(0), "0");
    assert.equal(formatTime(750), "750ns");
    assert.equal(formatTime(20_000), "20µs");
    assert.equal(formatTime(1_500_000), "1.5ms");
    assert.equal(formatTime(2e9), "2s");
  });
  test("lanes: P lanes, a gap, M lanes; hit testing", () => {
    const boxes = layoutLanes(["P", "P", "M"], 10, 20, 8);
    assert.deepEqual(
      boxes.map((b) => b.y),
      [10, 30, 58],
    );
    assert.equal(laneAtY(boxes, 35), 1);
    assert.equal(laneAtY(boxes, 52), -1);
    assert.equal(laneAtY(boxes, 60), 2);
  });
  test("a lane merges an unchanged state and drops empty spans", () => {
    const l = new LaneBuilder("P0", "P", 0);
    l.to(0, SpanKind.Run, 1);
    l.to(5, SpanKind.Run, 1);
    l.to(10, SpanKind.Sched, -1);
    l.to(10, SpanKind.Run, 2);
    l.to(20, 0, -1);
    const lane = l.build(30);
    assert.deepEqual(Array.from(lane.start), [0, 10]);
    assert.deepEqual(Array.from(lane.end), [10, 20]);
    assert.deepEqual(Array.from(lane.goid), [1, 2]);
  });
});

function record(variant: string): { data: TimelineData; metrics: ReturnType<typeof simulate>["metrics"]; events: number } {
  const text = readFileSync(new URL("../../../examples/default.yaml", import.meta.url), "utf8");
  const cr = loadScenario(text, "default.yaml", { variants: [variant] }).runs[0]!;
  let rec: TimelineRecorder | null = null;
  let events = 0;
  const sim = simulate({
    ...cr.options,
    observers: [
      (rt) => (rec = new TimelineRecorder(rt)),
      { onEvent: () => events++ },
    ],
  });
  return { data: rec!.build(cr.label), metrics: sim.metrics, events };
}

describe("the recorder on the default scenario", () => {
  const sys = record("Syscall");
  const raw = record("RawSyscall");

  test("a lane per P and per M; spans sorted and disjoint", () => {
    assert.equal(sys.data.nP, 2);
    assert.equal(sys.data.lanes.filter((l) => l.kind === "M").length, sys.metrics.threadsPeak);
    assert.equal(sys.data.lanes.find((l) => l.kind === "M" && l.id === 1)!.label, "M1 sysmon");
    for (const l of [...sys.data.lanes, ...raw.data.lanes]) {
      for (let i = 0; i < l.start.length; i++) {
        assert.ok(l.start[i]! < l.end[i]!, `${l.label} span ${i}`);
        if (i > 0) assert.ok(l.start[i]! >= l.end[i - 1]!, `${l.label} spans ${i - 1}, ${i} overlap`);
      }
    }
  });

  test("every event is in the log, with the counters after it", () => {
    assert.equal(sys.data.log.n, sys.events);
    const log = sys.data.log;
    assert.equal(Math.max(...log.threads), sys.metrics.threadsPeak);
    assert.equal(Math.max(...sys.data.series.threads), sys.metrics.threadsPeak);
    assert.equal(Math.max(...raw.data.series.threads), raw.metrics.threadsPeak);
  });

  test("retakes are arrows from sysmon's lane to the P; sysmon wake-ups are marks", () => {
    const d = sys.data;
    const retakes = Array.from(d.arrows.kind).filter((k) => k === ArrowKind.Retake).length;
    assert.equal(retakes, sys.metrics.handoffs.sysmonRetake);
    const sysmonLane = d.lanes.findIndex((l) => l.label.endsWith("sysmon"));
    d.arrows.kind.forEach((k, i) => {
      if (k === ArrowKind.Retake) {
        assert.equal(d.arrows.from[i], sysmonLane);
        assert.ok(d.arrows.to[i]! < d.nP);
      }
      if (k === ArrowKind.Handoff) {
        assert.ok(d.arrows.from[i]! < d.nP);
        assert.ok(d.arrows.to[i]! >= d.nP);
      }
    });
    assert.ok(Array.from(d.arrows.kind).some((k) => k === ArrowKind.Handoff));
    assert.equal(Array.from(d.marks.kind).filter((k) => k === MarkKind.SysmonWake).length, sys.metrics.sysmon.wakeups);
  });

  test("marks grouped by lane and kind (what the timeline searches per lane) hold every mark, in time order", () => {
    const m = sys.data.marks;
    const want = new Map<number, number[]>();
    for (let i = 0; i < m.time.length; i++) {
      const key = m.lane[i]! * 4 + m.kind[i]!;
      want.set(key, [...(want.get(key) ?? []), m.time[i]!]);
    }
    assert.deepEqual(new Map(sys.data.marksByLane.map((g) => [g.key, Array.from(g.time)])), want);
    assert.ok(want.size >= 2, "sysmon wake-ups and thread creations");
  });

  test("Syscall leaves Ps in _Psyscall; RawSyscall keeps them running the call", () => {
    const kinds = (d: TimelineData, laneKind: "P" | "M") => new Set(d.lanes.filter((l) => l.kind === laneKind).flatMap((l) => Array.from(l.kinds)));
    assert.ok(kinds(sys.data, "P").has(SpanKind.Syscall));
    assert.ok(!kinds(sys.data, "P").has(SpanKind.Raw));
    assert.ok(kinds(raw.data, "P").has(SpanKind.Raw));
    assert.ok(!kinds(raw.data, "M").has(SpanKind.Syscall));
    // In the RawSyscall run a P is busy (running or in the raw call) nearly all the time.
    const p0 = raw.data.lanes[0]!;
    let busy = 0;
    for (let i = 0; i < p0.start.length; i++) if (p0.kinds[i] === SpanKind.Run || p0.kinds[i] === SpanKind.Raw) busy += p0.end[i]! - p0.start[i]!;
    assert.ok(busy / raw.data.endNs > 0.9, `P0 busy ${busy / raw.data.endNs}`);
  });

  test("step-through: the first entersyscall, what it changed, and the seed's nine steps", () => {
    const log = sys.data.log;
    const i = findEvent(log, -1, "entersyscall", 1);
    assert.ok(i > 0);
    const lines = changesOf(log, i);
    assert.ok(lines.some((l) => /^G\d+: _Grunning → _Gsyscall$/.test(l)), lines.join("\n"));
    assert.ok(lines.some((l) => /^P\d: _Prunning → _Psyscall$/.test(l)), lines.join("\n"));
    const ex = explanationFor("entersyscall")!;
    const seed = ex.steps.filter((s) => /Seed point \d/.test(s.text)).map((s) => Number(/Seed point (\d)/.exec(s.text)![1]));
    assert.deepEqual([...new Set(seed)].sort(), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(findEvent(log, i, "entersyscall", -1), -1);
    assert.equal(findEvent(log, i, "", 1), i + 1);
  });

  test("the step-through names each event's number by its field; a syscall's stack is its call site", () => {
    // The same run, observed directly: entersyscall's named fields as the runtime reports them.
    const text = readFileSync(new URL("../../../examples/default.yaml", import.meta.url), "utf8");
    const cr = loadScenario(text, "default.yaml", { variants: ["Syscall"] }).runs[0]!;
    const seen: { tick: number; site: string; t: number }[] = [];
    let rec: TimelineRecorder | null = null;
    simulate({ ...cr.options, observers: [(rt) => (rec = new TimelineRecorder(rt)), { onEvent: (e) => void (e.fn === "entersyscall" && seen.push({ tick: e.syscalltick, site: e.site, t: e.timeNs })) }] });
    const log = rec!.build("x").log;
    assert.ok(seen.length > 0 && seen.every((x) => x.site !== ""), "the default scenario's syscalls have call sites");
    let k = 0;
    for (let i = findEvent(log, -1, "entersyscall", 1); i >= 0; i = findEvent(log, i, "entersyscall", 1), k++) {
      assert.equal(log.valueFields[log.valueField[i]!], "syscalltick");
      assert.equal(log.value[i], seen[k]!.tick);
      assert.equal(log.time[i], seen[k]!.t);
      assert.deepEqual(stackOf(log, i), [seen[k]!.site]);
      assert.ok(changesOf(log, i).includes(`syscalltick: ${seen[k]!.tick}`), changesOf(log, i).join("\n"));
    }
    assert.equal(k, seen.length);
    // Durations in their unit; no anonymous "arg" anywhere.
    const c = findEvent(log, -1, "compute", 1);
    assert.equal(log.valueFields[log.valueField[c]!], "durationNs");
    assert.ok(changesOf(log, c).includes(`durationNs: ${formatTime(log.value[c]!)}`), changesOf(log, c).join("\n"));
    for (let i = 0; i < log.n; i += 97) assert.ok(!changesOf(log, i).some((l) => l.startsWith("arg")));
    assert.equal(log.stack[findEvent(log, -1, "execute", 1)], 0, "execute has no call site");
  });

  test("every runtime function of the run, and the trace events, have an explanation (or are plain bookkeeping)", () => {
    const log = sys.data.log;
    const missing = new Set<string>();
    for (let i = 0; i < log.n; i++) {
      const fn = log.fnNames[log.fn[i]!]!;
      if (explanationFor(fn) === undefined) missing.add(fn);
    }
    assert.deepEqual([...missing].sort(), []);
    for (const t of ["GoSysCall", "GoSyscallBegin", "ProcSteal", "GoStart", "GoSysBlock"]) assert.ok(explanationFor(t) !== undefined, t);
  });
});

describe("pre-aggregated zoom levels (lod.ts)", () => {
  // 100k alternating 6 ns runs and 4 ns gaps of five goroutines, then one 1 ms syscall.
  const n = 100_000;
  const s = new Float64Array(n + 1);
  const e = new Float64Array(n + 1);
  const k = new Uint8Array(n + 1).fill(SpanKind.Run);
  const g = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    s[i] = i * 10;
    e[i] = i * 10 + 6;
    g[i] = i % 5;
  }
  s[n] = n * 10;
  e[n] = n * 10 + 1_000_000;
  k[n] = SpanKind.Syscall;
  g[n] = 9;
  const endNs = n * 10 + 1_000_000;
  const lane = { label: "P0", kind: "P" as const, id: 0, start: s, end: e, kinds: k, goid: g };
  const levels = buildLod(lane, endNs);

  test("levels go from coarse to fine by 4×, each bucket keeps the state covering most of it", () => {
    assert.ok(levels.length >= 3, `${levels.length} levels`);
    for (let i = 1; i < levels.length; i++) assert.equal(levels[i - 1]!.kinds.length * 4, levels[i]!.kinds.length);
    const top = levels[0]!;
    // Runs cover 60% of the first half: "running"; the syscall covers the rest.
    assert.equal(top.kinds[0], SpanKind.Run);
    assert.equal(top.kinds[top.kinds.length - 1], SpanKind.Syscall);
    assert.equal(top.goid[top.kinds.length - 1], 9);
  });

  test("a mostly idle bucket draws nothing", () => {
    const sparse = { ...lane, start: f64(Array.from({ length: 2000 }, (_, i) => i * 1000)), end: f64(Array.from({ length: 2000 }, (_, i) => i * 1000 + 10)), kinds: new Uint8Array(2000).fill(SpanKind.Run), goid: new Int32Array(2000) };
    const lv = buildLod(sparse, 2_000_000);
    assert.ok(lv.length > 0);
    assert.ok(lv.every((l) => l.kinds.every((x) => x === 0)));
  });

  test("zoomed out, a frame reads a level (at most ~1.5 buckets per pixel); zoomed in, exact spans", () => {
    const full = { ...lane, lod: levels };
    const out = laneRuns(full, { t0: 0, t1: endNs, width: 1000 });
    assert.ok(out.length <= 1500 && out.length > 0, `${out.length} rectangles`);
    assert.ok(out.every((r) => r.merged > 1 || r.kind === SpanKind.Syscall));
    const last = out[out.length - 1]!;
    assert.equal(last.kind, SpanKind.Syscall);
    assert.ok(Math.abs(last.x1 - 1000) < 1e-6);
    const zoom = laneRuns(full, { t0: 1000, t1: 1100, width: 1000 });
    assert.deepEqual(zoom.map((r) => [r.x0, r.x1, r.merged]).slice(0, 2), [
      [0, 60, 1],
      [100, 160, 1],
    ]);
    assert.deepEqual(levelRuns(levels[0]!, { t0: -10, t1: 0, width: 10 }), []);
  });
});

describe("colours (palette.ts)", () => {
  test("every fill's label colour meets WCAG AA (4.5:1)", () => {
    for (const fill of [...goroutinePalette, ...Object.values(kindColors)]) {
      const c = contrast(fill, labelColor(fill));
      assert.ok(c >= 4.5, `${fill}: ${c.toFixed(2)}`);
    }
    assert.ok(Math.abs(contrast("#000000", "#ffffff") - 21) < 1e-9);
  });
  test("goroutine colours are far from every state colour (CIE76 ΔE ≥ 25)", () => {
    const lab = (hex: string): number[] => {
      const lin = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((x) => (x <= 0.04045 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4)));
      const [r, g, b] = lin as [number, number, number];
      const xyz = [(0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883];
      const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
      const [fx, fy, fz] = xyz.map(f) as [number, number, number];
      return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
    };
    for (const gc of goroutinePalette) {
      for (const [kind, sc] of Object.entries(kindColors)) {
        const [a, b] = [lab(gc), lab(sc)];
        const dE = Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
        assert.ok(dE >= 25, `${gc} vs state ${kind} ${sc}: ΔE ${dE.toFixed(1)}`);
      }
    }
  });
});

describe("recorder defects (issue: wrong pictures)", () => {
  const recordFile = (file: string, variant?: string): TimelineData => {
    const text = readFileSync(new URL(`../../../examples/${file}`, import.meta.url), "utf8");
    const cr = loadScenario(text, file, { variants: variant === undefined ? [] : [variant] }).runs[0]!;
    let rec: TimelineRecorder | null = null;
    simulate({ ...cr.options, observers: [(rt) => (rec = new TimelineRecorder(rt))] });
    return rec!.build(cr.label);
  };
  test("stw-meets-syscalls: no P stays in _Pgcstop after the world restarts", () => {
    const d = recordFile("stw-meets-syscalls.yaml");
    assert.ok(d.bands.start.length > 0);
    for (const lane of d.lanes.filter((l) => l.kind === "P")) {
      for (let i = 0; i < lane.start.length; i++) {
        if (lane.kinds[i] !== SpanKind.GcStop) continue;
        // The stop-the-world band this span belongs to ends when the world restarts.
        const b = upperBound(d.bands.start, lane.start[i]!) - 1;
        assert.ok(b >= 0, `${lane.label} _Pgcstop at ${lane.start[i]} outside any stop-the-world`);
        const restart = d.bands.end[b]!;
        assert.ok(lane.end[i]! <= restart + 1e-9, `${lane.label} _Pgcstop ${lane.start[i]} → ${lane.end[i]} outlives start-the-world at ${restart}`);
      }
    }
    assert.ok(d.lanes.some((l) => Array.from(l.kinds).includes(SpanKind.GcStop)), "some P was stopped");
  });
  test("wake-ups become flows from the waker's lane to where the goroutine next ran", () => {
    const d = recordFile("channels-pipeline.yaml");
    assert.ok(d.flows.t0.length > 0);
    for (let i = 0; i < d.flows.t0.length; i++) {
      assert.ok(d.flows.t1[i]! >= d.flows.t0[i]!);
      // The flow ends where the log has the goroutine's execute, on that P.
      const lane = d.lanes[d.flows.lane1[i]!]!;
      const log = d.log;
      const exec = log.fnNames.indexOf("execute");
      let found = false;
      for (let j = lowerBound(log.time, d.flows.t1[i]!); j < log.n && log.time[j] === d.flows.t1[i]; j++) {
        if (log.fn[j] === exec && log.goid[j] === d.flows.goid[i] && log.p[j] === lane.id) found = true;
      }
      assert.ok(found, `flow ${i} ends at G${d.flows.goid[i]}'s execute on ${lane.label}`);
    }
  });
});

describe("real traces in the UI's model (trace_import.ts) and the what-if (whatif.ts)", () => {
  const oldTrace = (name: string) => readTrace(new Uint8Array(readFileSync(new URL(`../../../testdata/go-trace/old-format/${name}`, import.meta.url))));
  test("Go 1.19 (old format): GoSysCall → GoSysBlock is a syscall on the P; threads are a lower bound, not a flat line", () => {
    const t = oldTrace("stress_1_19_good");
    const blocks = t.events.filter((e) => e.type === "GoSysBlock").length;
    const calls = t.events.filter((e) => e.type === "GoSysCall").length;
    assert.ok(blocks > 0 && calls > 0);
    const d = traceToTimeline(t, "stress");
    const sysSpans = d.lanes.filter((l) => l.kind === "P").reduce((n, l) => n + Array.from(l.kinds).filter((k) => k === SpanKind.Syscall).length, 0);
    assert.ok(sysSpans > 0, "P lanes show syscalls");
    assert.ok(sysSpans <= blocks, `${sysSpans} syscall spans for ${blocks} GoSysBlock`);
    assert.deepEqual(d.stats, { syscalls: calls, lostP: blocks, threadsPeak: null });
    assert.equal(d.threadsEstimated, true);
    assert.ok(Math.max(...d.series.threads) > 1, "threads chart is not flat 1");
    assert.ok(d.flows.t0.length > 0, "GoUnblock → GoStart flows");
  });
  test("trace events keep their whole stack (as the trace records it) and their first argument by name", () => {
    const t = oldTrace("stress_1_19_good");
    const log = traceToTimeline(t, "stress").log;
    const evs = t.events.filter((e) => e.type !== "CPUSample");
    assert.equal(log.n, evs.length);
    let stacked = 0;
    evs.forEach((e, i) => {
      const frames = e.stackId !== 0 ? (t.stacks.get(e.stackId) ?? []) : [];
      assert.deepEqual(stackOf(log, i), frames.map((f) => `${f.func} ${f.file}:${f.line}`), `${e.type} #${i}`);
      if (frames.length > 1) stacked++;
      const name = log.valueFields[log.valueField[i]!];
      if (e.type === "GoUnblock" || e.type === "GoStart") {
        assert.equal(name, "g");
        assert.equal(log.value[i], e.args[0]);
      }
      if (e.type === "ProcStart") assert.equal(name, "thread");
      if (e.type === "GoSysBlock") assert.equal(name, "");
    });
    assert.ok(stacked > 0, "some events have multi-frame stacks");
  });

  test("what-if table: the library's figures; at the trace's own settings the prediction is the replay", () => {
    const t = oldTrace("http_1_19_good");
    const w = deriveWorkload(t);
    const p = predict(t, { type: "whatif", id: 1, name: "http", bytes: new ArrayBuffer(0), gomaxprocs: null, profile: "", policy: "", site: "", factor: 1 });
    const rows = p.whatIf!;
    const row = (label: string) => rows.find((r) => r.label === label)!;
    assert.equal(row("makespan").trace, w.trace.makespanNs);
    assert.equal(row("syscalls").trace, w.trace.syscalls);
    assert.equal(row("syscalls that lost their P").trace, w.trace.lostP);
    assert.equal(row("threads (peak)").trace, null, "old format: no threads");
    assert.equal(row("makespan").prediction, p.metrics!.makespanNs);
    assert.equal(row("syscalls that lost their P").prediction, p.metrics!.syscalls.lostP);
    // Same settings, same seed: the what-if run is the replay (deterministic), row by row.
    for (const r of rows) assert.equal(r.prediction, r.replay, r.label);
    // Latency rows for the most called sites; the trace times only the calls that lost their P here.
    const top = [...w.sites].sort((a, b) => b[1] - a[1])[0];
    if (top !== undefined) {
      const lat = rows.filter((r) => r.site === top[0]);
      assert.deepEqual(lat.map((r) => r.label), [`${top[0]} latency p50`, `${top[0]} latency p99`]);
      const timed = actionLists(w).flat().filter((a) => a.a === "syscall" && a.site === top[0] && a.timed).map((a) => (a as { ns: number }).ns).sort((a, b) => a - b);
      assert.equal(lat[0]!.traceSample, timed.length);
      if (timed.length > 0) assert.equal(lat[0]!.trace, timed[Math.floor(timed.length / 2)]);
      assert.ok(lat[0]!.prediction !== null && lat[1]!.prediction! >= lat[0]!.prediction!, "p99 ≥ p50");
    }
  });

  test("what-if: the trace replayed at GOMAXPROCS=1 is recorded as a timeline with that many Ps", () => {
    const t = oldTrace("http_1_19_good");
    assert.equal(profileFor(1019), "go1.19");
    assert.equal(profileFor(1021), "go1.19");
    assert.equal(profileFor(1099), [...profileNames].sort((a, b) => Number(a.slice(4)) - Number(b.slice(4))).pop());
    const sites = traceSites(t);
    const p = predict(t, { type: "whatif", id: 1, name: "http", bytes: new ArrayBuffer(0), gomaxprocs: 1, profile: "", policy: "", site: "", factor: 1 });
    assert.equal(p.data.nP, 1);
    assert.match(p.label, /GOMAXPROCS=1 go1\.19 sysmon-retake/);
    assert.ok(p.metrics!.makespanNs > 0);
    if (sites.length > 0) assert.throws(() => predict(t, { type: "whatif", id: 1, name: "http", bytes: new ArrayBuffer(0), gomaxprocs: null, profile: "", policy: "", site: "no such site at all", factor: 2 }), /no syscall site contains/);
  });
});

describe("lanes rasterized into a pixel buffer (raster.ts)", () => {
  const rgba = (r: LaneRaster, x: number, y: number) => Array.from(r.bytes.subarray((y * r.width + x) * 4, (y * r.width + x) * 4 + 4));
  test("pixels are RGBA bytes; blending is source-over", () => {
    const r = new LaneRaster();
    r.resize(4, 1);
    r.background("#10ff80", [], "#000000", [], "#000000", 0);
    assert.deepEqual(rgba(r, 0, 0), [0x10, 0xff, 0x80, 255]);
    r.pixels[1] = blend(pixelOf("#ffffff"), "#9b6dd6", 0.18);
    // 255·0.82 + 155·0.18 = 237, 255·0.82 + 109·0.18 = 228.7, 255·0.82 + 214·0.18 = 247.6
    assert.deepEqual(rgba(r, 1, 0), [237, 229, 248, 255]);
  });
  test("background: grid columns, then bands blended over; every row starts as it", () => {
    const r = new LaneRaster();
    r.resize(10, 3);
    r.background("#ffffff", [2, 5], "#eceff3", [4, 7], "#000000", 0.5);
    assert.deepEqual(rgba(r, 0, 2), [255, 255, 255, 255]);
    assert.deepEqual(rgba(r, 2, 1), [0xec, 0xef, 0xf3, 255]);
    assert.deepEqual(rgba(r, 4, 0), [128, 128, 128, 255]);
    assert.deepEqual(rgba(r, 5, 0), [118, 120, 122, 255], "grid under the band");
    assert.deepEqual(rgba(r, 7, 0), [255, 255, 255, 255], "bands are [x0, x1)");
  });
  test("a lane: full-height spans on their rows, the top edge darker, half-height spans only in the middle band", () => {
    const r = new LaneRaster();
    r.resize(10, 12);
    r.background("#ffffff", [], "#ffffff", [], "#000000", 0);
    r.beginLane();
    const sys = pixelOf("#f0a030");
    r.rect(1, 4, sys, false, blend(sys, "#000000", 0.28));
    r.rect(4, 6, pixelOf("#c9ced6"), true, pixelOf("#c9ced6"));
    r.rect(8, 20, pixelOf("#1f5f8b"), false, pixelOf("#1f5f8b")); // clipped at the right
    r.endLane({ full: [1, 11], edge: [1, 3], small: [4, 8] });
    assert.deepEqual(rgba(r, 2, 0), [255, 255, 255, 255], "above the lane");
    assert.deepEqual(rgba(r, 2, 1), [173, 115, 35, 255], "edge row: 28 % black over orange");
    assert.deepEqual(rgba(r, 2, 5), [0xf0, 0xa0, 0x30, 255]);
    assert.deepEqual(rgba(r, 2, 10), [0xf0, 0xa0, 0x30, 255]);
    assert.deepEqual(rgba(r, 2, 11), [255, 255, 255, 255], "below the lane");
    assert.deepEqual(rgba(r, 4, 2), [255, 255, 255, 255], "half-height span: not on the edge rows");
    assert.deepEqual(rgba(r, 5, 3), [255, 255, 255, 255]);
    assert.deepEqual(rgba(r, 5, 4), [0xc9, 0xce, 0xd6, 255]);
    assert.deepEqual(rgba(r, 5, 8), [255, 255, 255, 255]);
    assert.deepEqual(rgba(r, 9, 6), [0x1f, 0x5f, 0x8b, 255]);
    assert.deepEqual(rgba(r, 6, 6), [255, 255, 255, 255], "a gap between spans");
  });
});

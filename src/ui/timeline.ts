// The timeline of one run on a canvas: a lane per P and per M, spans coloured by state (running
// goroutines by goroutine), syscall spans, sysmon wake-ups, retake/handoff arrows, wake-up flows,
// stop-the-world bands. Only the lanes scrolled into view and the time in view are drawn; the time
// axis stays on top (sticky) while lanes scroll under it; rectangles are batched by colour; zoomed
// out, lanes read their pre-aggregated levels (lod.ts). The cursor, the hover guide, the selected
// range and the selected slice go on an overlay canvas, so moving the mouse redraws only that.
// Layout decisions live in layout.ts (pure, tested).
import { forEachRun } from "./lod.js";
import { blend, LaneRaster, pixelOf } from "./raster.js";
import { formatTime, laneAtY, layoutLanes, lowerBound, niceTicks, spanAt, timeToX, upperBound, xToTime, type LaneBox, type Viewport } from "./layout.js";
import { ArrowKind, MarkKind, SpanKind, spanKindNames, type Lane, type TimelineData } from "./model.js";
import { arrowColors, colorIndex, FLOW_COLOR, labelColor, spanColor } from "./palette.js";

export const LABEL_W = 92;
export const AXIS_H = 22;
const LANE_H = 18;
const GAP = 8;
/** All wake-up flows are drawn while there is at most one per this many pixels (else counted). */
const FLOW_PX = 12;
const FLOW_BLOCK_BITS = 8;
/** The arrow counts' font (zoomed out). */
const COUNT_FONT = "9px system-ui, sans-serif";

/** Shared between the timelines of a side by side, the charts and the step-through. */
export interface SharedView {
  viewport: Viewport;
  endNs: number;
  /** Time of the selected event (cursor), or -1. */
  cursorNs: number;
  /** Time under the mouse (a thin guide on every view), or -1. */
  hoverNs: number;
  /** A selected time range (drag on the axis, or Shift+drag), or null. */
  range: { t0: number; t1: number } | null;
  /** The goroutine shown highlighted everywhere (its spans, its wake-up flows), or -1. */
  highlightG: number;
}

export interface HoverInfo {
  readonly lane: string;
  readonly text: string;
}

/** A slice under the pointer: the lane, its span and what it means. */
export interface SliceInfo {
  readonly laneIndex: number;
  readonly lane: Lane;
  readonly span: number;
  readonly kind: number;
  readonly goid: number;
  readonly startNs: number;
  readonly endNs: number;
  readonly state: string;
}

/** What one frame drew (for tests: the model behind the pixels). */
export interface FrameModel {
  lanes: number[];
  rects: number;
  colors: number;
  arrows: { x: number; from: number; to: number; kind: number; count: number }[];
  arrowBins: { lane: number; x: number; kind: number; count: number }[];
  marks: { x: number; lane: number; kind: number }[];
  flows: number;
  /** The goroutine of each flow drawn. */
  flowGoids: number[];
  /** Flows in view not drawn (too many for the zoom: zoom in to see them), or 0. */
  flowsSkipped: number;
  /** Time spent per part of the frame (ms): lanes, labels, marks, arrows, flows and axis. */
  ms: Record<string, number>;
}

export class TimelineView {
  readonly pane: HTMLDivElement;
  readonly head: HTMLDivElement;
  readonly scroller: HTMLDivElement;
  readonly canvas: HTMLCanvasElement;
  readonly overlay: HTMLCanvasElement;
  private readonly stage: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private boxes: LaneBox[] = [];
  private dpr = 1;
  private cssW = 800;
  private cssH = 300;
  private flowCache: { g: number; idx: number[] } = { g: -1, idx: [] };
  /** Mark times per lane·4 + kind (sorted), for drawMarks. */
  private marksByLane = new Map<number, Float64Array>();
  /** Per block of 2^FLOW_BLOCK_BITS flows: the earliest t0, and the earliest of it and all later blocks. */
  private flowBlocks: { min: Float64Array; suffixMin: Float64Array } = { min: new Float64Array(0), suffixMin: new Float64Array(0) };
  data: TimelineData | null = null;
  heading = "";
  /** The selected slice (outlined on the overlay). */
  selected: SliceInfo | null = null;
  /** The last frame's drawing, for tests. */
  frame: FrameModel | null = null;
  private readonly labels = new LabelSprites();
  /** The overlay canvas is clear (drawOverlay skips it while there is nothing to draw). */
  private overlayEmpty = false;
  /** The lanes' pixel buffer, reused across frames. */
  private readonly raster = new LaneRaster();
  /** Per colour index: its pixel, its darker top edge (syscalls), its label colour. */
  private readonly pixelOfColor: { fill: number; edge: number; label: string }[] = [];

  constructor(
    host: HTMLElement,
    readonly name: string,
    readonly shared: SharedView,
    private readonly onScroll: () => void,
  ) {
    const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, parent: HTMLElement): HTMLElementTagNameMap[K] => {
      const e = document.createElement(tag);
      e.className = cls;
      parent.appendChild(e);
      return e;
    };
    this.pane = el("div", "tl-pane", host);
    this.pane.dataset.run = name;
    this.head = el("div", "tl-head", this.pane);
    this.head.hidden = true;
    this.scroller = el("div", "tl-scroll", this.pane);
    // Focusable, so keyboard users scroll the lanes (↑/↓, Page Up/Down) as well as pan and zoom.
    this.scroller.tabIndex = 0;
    this.scroller.setAttribute("role", "region");
    this.scroller.setAttribute("aria-label", `lanes of run ${name.toUpperCase()}: ↑/↓ scroll, W/S zoom, A/D pan`);
    this.stage = el("div", "tl-stage", this.scroller);
    this.canvas = el("canvas", "tl-main", this.stage);
    this.canvas.id = `timeline-${name}`;
    this.canvas.setAttribute("aria-hidden", "true");
    this.overlay = el("canvas", "tl-over", this.stage);
    this.overlay.setAttribute("aria-hidden", "true");
    this.spacer = el("div", "tl-spacer", this.scroller);
    this.scroller.addEventListener("scroll", () => this.onScroll(), { passive: true });
  }

  set hidden(h: boolean) {
    this.pane.hidden = h;
  }
  get hidden(): boolean {
    return this.pane.hidden;
  }

  setData(d: TimelineData | null, heading = ""): void {
    this.data = d;
    this.heading = heading;
    this.head.textContent = heading;
    this.head.hidden = heading === "";
    this.selected = null;
    this.flowCache = { g: -1, idx: [] };
    this.flowBlocks = flowBlocks(d?.flows.t0 ?? new Float64Array(0));
    this.marksByLane = new Map((d?.marksByLane ?? []).map((g) => [g.key, g.time]));
    this.boxes = d === null ? [] : layoutLanes(d.lanes.map((l) => l.kind), AXIS_H + 2, LANE_H, GAP);
    this.scroller.scrollTop = 0;
    this.resize();
  }

  /** Height of all lanes (the scrolled content). */
  get contentHeight(): number {
    const last = this.boxes[this.boxes.length - 1];
    return last === undefined ? AXIS_H + 20 : last.y + last.h + 6;
  }

  resize(): void {
    const w = Math.max(200, this.scroller.clientWidth || 800);
    const h = Math.max(AXIS_H + 20, this.scroller.clientHeight || 300);
    this.dpr = globalThis.devicePixelRatio || 1;
    this.cssW = w;
    this.cssH = h;
    this.stage.style.height = `${h}px`;
    this.spacer.style.height = `${Math.max(0, this.contentHeight - h)}px`;
    for (const c of [this.canvas, this.overlay]) {
      c.style.width = `${w}px`;
      c.style.height = `${h}px`;
      c.width = Math.round(w * this.dpr);
      c.height = Math.round(h * this.dpr);
    }
  }

  get plotWidth(): number {
    return Math.max(10, this.cssW - LABEL_W);
  }

  private get scrollY(): number {
    return this.scroller.scrollTop;
  }

  /** Lane indices [first, last) whose boxes intersect the visible area under the axis. */
  visibleLanes(): [number, number] {
    const top = this.scrollY + AXIS_H;
    const bottom = this.scrollY + this.cssH;
    let first = 0;
    while (first < this.boxes.length && this.boxes[first]!.y + this.boxes[first]!.h <= top) first++;
    let last = first;
    while (last < this.boxes.length && this.boxes[last]!.y < bottom) last++;
    return [first, last];
  }

  /** A lane's vertical centre in the pane (CSS px, scroll applied). */
  laneCenterY(i: number): number {
    const b = this.boxes[i];
    return b === undefined ? -1 : b.y - this.scrollY + b.h / 2;
  }

  /** Scrolls lanes so that lane i is in view. */
  revealLane(i: number): void {
    const b = this.boxes[i];
    if (b === undefined) return;
    const y = b.y - this.scrollY;
    if (y < AXIS_H || y + b.h > this.cssH) this.scroller.scrollTop = Math.max(0, b.y - AXIS_H - (this.cssH - AXIS_H) / 2);
  }

  private flowsOf(g: number): number[] {
    const d = this.data;
    if (d === null || g < 0) return [];
    if (this.flowCache.g !== g) {
      const idx: number[] = [];
      const fg = d.flows.goid;
      for (let i = 0; i < fg.length; i++) if (fg[i] === g) idx.push(i);
      this.flowCache = { g, idx };
    }
    return this.flowCache.idx;
  }

  draw(): void {
    const ctx = this.canvas.getContext("2d");
    if (ctx === null) return;
    const W = this.cssW;
    const H = this.cssH;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, W, H);
    const d = this.data;
    if (d === null) return;
    const v: Viewport = { ...this.shared.viewport, width: this.plotWidth };
    const sy = this.scrollY;
    const [first, last] = this.visibleLanes();
    const model: FrameModel = { lanes: [], rects: 0, colors: 0, arrows: [], arrowBins: [], marks: [], flows: 0, flowGoids: [], flowsSkipped: 0, ms: {} };
    let tPart = performance.now();
    const part = (name: string): void => {
      const now = performance.now();
      model.ms[name] = now - tPart;
      tPart = now;
    };
    const { ticks } = niceTicks(v.t0, v.t1, Math.max(2, Math.floor(v.width / 110)));
    ctx.save();
    ctx.beginPath();
    ctx.rect(LABEL_W, AXIS_H, v.width, H - AXIS_H);
    ctx.clip();
    // Lanes, over the grid lines and the stop-the-world bands: rasterized into a pixel buffer
    // (raster.ts) and put with one putImageData, instead of a fillRect per rectangle.
    const dpr = this.dpr;
    const R = this.raster;
    R.resize(Math.round(v.width * dpr), Math.round((H - AXIS_H) * dpr));
    const bandXs: number[] = [];
    for (let i = lowerBound(d.bands.end, v.t0); i < d.bands.start.length && d.bands.start[i]! < v.t1; i++) {
      const x0 = Math.max(0, timeToX(v, d.bands.start[i]!));
      const x1 = Math.min(v.width, timeToX(v, d.bands.end[i]!));
      bandXs.push(Math.round(x0 * dpr), Math.round((x0 + Math.max(2, x1 - x0)) * dpr));
    }
    const gridXs = ticks.map((t) => Math.round(Math.round(LABEL_W + timeToX(v, t)) * dpr) - Math.round(LABEL_W * dpr));
    R.background("#ffffff", gridXs, "#eceff3", bandXs, "#9b6dd6", 0.18);
    const pixelOfColor = this.pixelOfColor;
    const hi: number[] = [];
    const labels: { x: number; y: number; text: string; color: string }[] = [];
    const highlight = this.shared.highlightG;
    const used = new Uint8Array(64);
    const minW = Math.max(1, Math.round(dpr));
    const top = AXIS_H * dpr;
    for (let li = first; li < last; li++) {
      const lane = d.lanes[li]!;
      const box = this.boxes[li]!;
      model.lanes.push(li);
      const by = box.y - sy;
      const hSmall = box.h * 0.45;
      const hFull = box.h - 3;
      R.beginLane();
      forEachRun(lane, v, (x0, x1, kind, goid, merged) => {
        const small = kind === SpanKind.Sched || kind === SpanKind.Starting;
        const w = Math.max(1, x1 - x0);
        const ci = colorIndex(kind, goid);
        let pc = pixelOfColor[ci];
        if (pc === undefined) pc = pixelOfColor[ci] = colorPixels(spanColor(kind, goid));
        used[ci] = 1;
        const px0 = Math.round(x0 * dpr);
        R.rect(px0, Math.max(px0 + minW, Math.round(x1 * dpr)), pc.fill, small, (kind === SpanKind.Syscall || kind === SpanKind.Raw) && w >= 3 ? pc.edge : pc.fill);
        if (highlight >= 0 && goid === highlight) {
          const h = small ? hSmall : hFull;
          hi.push(LABEL_W + x0, by + (box.h - h) / 2, w, h);
        }
        if (merged === 1 && w > 34 && goid >= 0) labels.push({ x: LABEL_W + Math.max(x0, 0) + 3, y: by + box.h / 2, text: `G${goid}`, color: pc.label });
        model.rects++;
      });
      const fullTop = Math.round((by + 1.5) * dpr - top);
      const smallTop = Math.round((by + (box.h - hSmall) / 2) * dpr - top);
      R.endLane({
        full: [fullTop, Math.round((by + 1.5 + hFull) * dpr - top)],
        edge: [fullTop, fullTop + Math.round(2 * dpr)],
        small: [smallTop, Math.round((by + (box.h + hSmall) / 2) * dpr - top)],
      });
    }
    ctx.putImageData(new ImageData(R.bytes, R.width, R.height), Math.round(LABEL_W * dpr), Math.round(top));
    model.colors = used.reduce((n, u) => n + u, 0);
    if (highlight >= 0) {
      // Everything else fades; the goroutine's own spans stay and get an outline.
      ctx.fillStyle = "rgba(255,255,255,0.6)";
      ctx.fillRect(LABEL_W, AXIS_H, v.width, H);
      ctx.fillStyle = spanColor(SpanKind.Run, highlight);
      ctx.strokeStyle = "#111";
      ctx.lineWidth = 1;
      for (let i = 0; i < hi.length; i += 4) {
        ctx.fillRect(hi[i]!, hi[i + 1]!, hi[i + 2]!, hi[i + 3]!);
        ctx.strokeRect(hi[i]!, hi[i + 1]!, hi[i + 2]!, hi[i + 3]!);
      }
    }
    part("lanes");
    // Goroutine labels: pre-rendered sprites (drawImage), not text shaped and rasterized per frame.
    for (const l of labels) {
      const sprite = this.labels.get(l.text, highlight >= 0 && l.text !== `G${highlight}` ? "#777777" : l.color, this.dpr);
      ctx.drawImage(sprite, l.x, l.y - sprite.height / this.dpr / 2, sprite.width / this.dpr, sprite.height / this.dpr);
    }
    part("labels");
    this.drawMarks(ctx, v, first, last, model);
    part("marks");
    this.drawArrows(ctx, d, v, first, last, model);
    part("arrows");
    this.drawFlows(ctx, d, v, first, last, model);
    part("flows");
    ctx.restore();
    // The axis, on top: lanes scroll under it.
    ctx.fillStyle = "#f6f8fa";
    ctx.fillRect(0, 0, W, AXIS_H);
    ctx.fillStyle = "#d0d7de";
    ctx.fillRect(0, AXIS_H - 1, W, 1);
    ctx.font = "11px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    ctx.fillStyle = "#424a53";
    for (const t of ticks) {
      const x = LABEL_W + timeToX(v, t);
      if (x < LABEL_W - 1) continue;
      ctx.fillRect(Math.round(x), AXIS_H - 6, 1, 5);
      ctx.fillText(formatTime(t), x + 3, AXIS_H / 2 - 1);
    }
    if (model.flowsSkipped > 0) {
      const note = `${model.flowsSkipped.toLocaleString()} wake-up flows: zoom in to draw them`;
      ctx.font = "10px system-ui, sans-serif";
      const w = ctx.measureText(note).width + 8;
      ctx.fillStyle = "#f6f8fa";
      ctx.fillRect(W - w, 1, w, AXIS_H - 3);
      ctx.fillStyle = "#57606a";
      ctx.fillText(note, W - w + 4, AXIS_H / 2 - 1);
    }
    // Lane labels.
    ctx.fillStyle = "#f6f7f9";
    ctx.fillRect(0, AXIS_H, LABEL_W - 2, H);
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, AXIS_H, LABEL_W, H - AXIS_H);
    ctx.clip();
    for (let li = first; li < last; li++) {
      const lane = d.lanes[li]!;
      const box = this.boxes[li]!;
      ctx.fillStyle = lane.kind === "P" ? "#1b3a6b" : "#333";
      ctx.font = lane.kind === "P" ? "bold 11px system-ui, sans-serif" : "11px system-ui, sans-serif";
      ctx.fillText(lane.label, 6, box.y - sy + box.h / 2);
    }
    ctx.restore();
    if (d.lanes.length > last - first) {
      ctx.fillStyle = "#57606a";
      ctx.font = "10px system-ui, sans-serif";
      ctx.fillText(`${first + 1}–${last} of ${d.lanes.length}`, 4, AXIS_H / 2 - 1);
    }
    part("axis");
    this.frame = model;
    this.drawOverlay();
  }

  /**
   * sysmon wake-ups and thread creations: one per lane, kind and pixel column. Each visible lane's
   * marks of a kind are searched column by column (marksByLane), so a zoomed-out frame costs
   * O(width · log n), not the number of marks in view.
   */
  private drawMarks(ctx: CanvasRenderingContext2D, v: Viewport, first: number, last: number, model: FrameModel): void {
    const nsPerPx = (v.t1 - v.t0) / v.width;
    const sy = this.scrollY;
    const ticks: number[] = [];
    const grey: number[] = [];
    const tris: number[] = [];
    for (let li = first; li < last; li++) {
      const box = this.boxes[li]!;
      const y = box.y - sy;
      for (let k = 1; k <= 3; k++) {
        const times = this.marksByLane.get(li * 4 + k);
        if (times === undefined) continue;
        for (let i = lowerBound(times, v.t0); i < times.length && times[i]! < v.t1; ) {
          const col = Math.floor((times[i]! - v.t0) / nsPerPx);
          const x = LABEL_W + col;
          if (k === MarkKind.ThreadCreate) tris.push(x, y);
          else (k === MarkKind.SysmonWake ? ticks : grey).push(x, y + 3, box.h - 6);
          model.marks.push({ x: col, lane: li, kind: k });
          i = lowerBound(times, v.t0 + (col + 1) * nsPerPx, i + 1);
        }
      }
    }
    for (const [arr, color] of [
      [ticks, "#3b5bdb"],
      [grey, "#8c959f"],
    ] as const) {
      ctx.fillStyle = color;
      for (let i = 0; i < arr.length; i += 3) ctx.fillRect(arr[i]!, arr[i + 1]!, 1.5, arr[i + 2]!);
    }
    ctx.fillStyle = "#1d8a43";
    ctx.beginPath();
    for (let i = 0; i < tris.length; i += 2) {
      ctx.moveTo(tris[i]!, tris[i + 1]! + 1);
      ctx.lineTo(tris[i]! + 5, tris[i + 1]! + 1);
      ctx.lineTo(tris[i]!, tris[i + 1]! + 7);
    }
    ctx.fill();
  }

  /**
   * Retake / handoff / preempt arrows. Few in view: one arrow per (column, from, to, kind) with a
   * count when several coincide, and arrows of one column fanned out sideways. Many in view: counts
   * per target lane and 8-pixel bin, drawn as ticks on the lane with the number.
   */
  private drawArrows(ctx: CanvasRenderingContext2D, d: TimelineData, v: Viewport, first: number, last: number, model: FrameModel): void {
    const A = d.arrows;
    const lo = lowerBound(A.time, v.t0);
    const hi = lowerBound(A.time, v.t1);
    if (hi <= lo) return;
    const nsPerPx = (v.t1 - v.t0) / v.width;
    const sy = this.scrollY;
    const mid = (li: number) => this.boxes[li]!.y - sy + this.boxes[li]!.h / 2;
    if (hi - lo > v.width / 6) {
      const BIN = 8;
      const nBins = Math.ceil(v.width / BIN) + 1;
      const byKind: (Uint32Array | undefined)[] = []; // kind → [lane·nBins + bin]
      const pxPerBin = nsPerPx * BIN;
      for (let i = lo; i < hi; i++) {
        const li = A.to[i]!;
        if (li < first || li >= last) continue;
        const k = A.kind[i]!;
        const c = byKind[k] ?? (byKind[k] = new Uint32Array(d.lanes.length * nBins));
        c[li * nBins + Math.floor((A.time[i]! - v.t0) / pxPerBin)]!++;
      }
      const counts = new Map<number, Uint32Array>();
      byKind.forEach((c, k) => {
        if (c !== undefined) counts.set(k, c);
      });
      ctx.font = "9px system-ui, sans-serif";
      ctx.textBaseline = "top";
      for (const [k, c] of counts) {
        const color = arrowColors[k] ?? "#000";
        for (let li = first; li < last; li++) {
          const box = this.boxes[li]!;
          for (let b = 0; b < nBins; b++) {
            const n = c[li * nBins + b]!;
            if (n === 0) continue;
            const x = LABEL_W + b * BIN;
            ctx.fillStyle = color;
            ctx.fillRect(x + 1, box.y - sy, BIN - 2, 3);
            model.arrowBins.push({ lane: li, x: b * BIN, kind: k, count: n });
          }
        }
      }
      // Counts where there is room: per lane, bins merged into runs of 48 px. The numbers are
      // cached sprites (text shaped once), their white boxes one batch.
      const tags: { x: number; y: number; sprite: HTMLCanvasElement }[] = [];
      for (const [k, c] of counts) {
        for (let li = first; li < last; li++) {
          const box = this.boxes[li]!;
          for (let b = 0; b < nBins; b += 6) {
            let n = 0;
            for (let j = b; j < Math.min(nBins, b + 6); j++) n += c[li * nBins + j]!;
            if (n < 2) continue;
            const sprite = this.labels.get(`${k === ArrowKind.Retake ? "⤓" : "→"}${n}`, arrowColors[k] ?? "#000000", this.dpr, COUNT_FONT, 10);
            tags.push({ x: LABEL_W + b * BIN, y: box.y - sy + 3, sprite });
          }
        }
      }
      ctx.fillStyle = "rgba(255,255,255,0.85)";
      for (const t of tags) ctx.fillRect(t.x, t.y, t.sprite.width / this.dpr + 1, 10);
      for (const t of tags) ctx.drawImage(t.sprite, t.x + 1, t.y, t.sprite.width / this.dpr, t.sprite.height / this.dpr);
      ctx.textBaseline = "middle";
      return;
    }
    // Group coinciding arrows; fan out those that share a pixel column.
    const groups = new Map<string, { col: number; from: number; to: number; kind: number; count: number }>();
    for (let i = lo; i < hi; i++) {
      const col = Math.floor((A.time[i]! - v.t0) / nsPerPx);
      const key = `${col}:${A.from[i]}:${A.to[i]}:${A.kind[i]}`;
      const g = groups.get(key);
      if (g !== undefined) g.count++;
      else groups.set(key, { col, from: A.from[i]!, to: A.to[i]!, kind: A.kind[i]!, count: 1 });
    }
    const inColumn = new Map<number, number>();
    ctx.lineWidth = 1.3;
    ctx.font = "9px system-ui, sans-serif";
    for (const g of groups.values()) {
      if (this.boxes[g.from] === undefined || this.boxes[g.to] === undefined) continue;
      const y0 = mid(g.from);
      const y1 = mid(g.to);
      if (Math.max(y0, y1) < AXIS_H || Math.min(y0, y1) > this.cssH) continue;
      const nth = inColumn.get(g.col) ?? 0;
      inColumn.set(g.col, nth + 1);
      const x = LABEL_W + g.col + 0.5 + nth * 5;
      const color = arrowColors[g.kind] ?? "#000";
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.beginPath();
      ctx.moveTo(x, y0);
      ctx.lineTo(x, y1);
      ctx.stroke();
      const dir = y1 > y0 ? 1 : -1;
      ctx.beginPath();
      ctx.moveTo(x, y1);
      ctx.lineTo(x - 3.5, y1 - dir * 6);
      ctx.lineTo(x + 3.5, y1 - dir * 6);
      ctx.fill();
      if (g.count > 1) {
        ctx.fillStyle = "#fff";
        const label = `×${g.count}`;
        ctx.fillRect(x + 3, y1 - dir * 12 - 5, ctx.measureText(label).width + 2, 10);
        ctx.fillStyle = color;
        ctx.fillText(label, x + 4, y1 - dir * 12);
      }
      model.arrows.push({ x: x - LABEL_W, from: g.from, to: g.to, kind: g.kind, count: g.count });
    }
  }

  /**
   * Wake-up flows: a curve from the lane that readied a goroutine to where it next ran. With a
   * goroutine highlighted, its flows only (bold); otherwise every flow in view, thin, while there are
   * at most one per FLOW_PX pixels — zoomed out they would paint the lanes over, so they are counted
   * instead (`flowsSkipped`, and a note on the axis).
   */
  private drawFlows(ctx: CanvasRenderingContext2D, d: TimelineData, v: Viewport, first: number, last: number, model: FrameModel): void {
    const F = d.flows;
    const sy = this.scrollY;
    const g = this.shared.highlightG;
    let list: readonly number[];
    if (g >= 0) list = this.flowsOf(g);
    else {
      // t1 never decreases (a flow is closed when its goroutine runs): the flows ending in view are
      // one index range; those crossing the right edge (t0 ≤ v.t1 < t1) are found by blocks, skipping
      // blocks whose earliest t0 is after the view and stopping where no later one starts before it.
      const lo = lowerBound(F.t1, v.t0);
      const j = lowerBound(F.t1, v.t1);
      if (j - lo > v.width / FLOW_PX) {
        model.flowsSkipped = j - lo;
        return;
      }
      const idx: number[] = [];
      for (let i = lo; i < j; i++) idx.push(i);
      const { min, suffixMin } = this.flowBlocks;
      for (let blk = j >> FLOW_BLOCK_BITS; blk < min.length && suffixMin[blk]! <= v.t1; blk++) {
        if (min[blk]! > v.t1) continue;
        const end = Math.min(F.t0.length, (blk + 1) << FLOW_BLOCK_BITS);
        for (let i = Math.max(j, blk << FLOW_BLOCK_BITS); i < end; i++) if (F.t0[i]! <= v.t1) idx.push(i);
      }
      list = idx;
    }
    ctx.strokeStyle = FLOW_COLOR;
    ctx.fillStyle = FLOW_COLOR;
    ctx.lineWidth = g >= 0 ? 1.5 : 1;
    ctx.globalAlpha = g >= 0 ? 1 : 0.7;
    const r = g >= 0 ? 2.5 : 1.8;
    const dots: number[] = [];
    // One path for all the curves and one for their dots: one stroke and one fill per frame.
    ctx.beginPath();
    for (const i of list) {
      if (F.t1[i]! < v.t0 || F.t0[i]! > v.t1) continue;
      const la = F.lane0[i]!;
      const lb = F.lane1[i]!;
      if ((la < first || la >= last) && (lb < first || lb >= last)) continue;
      const a = this.boxes[la];
      const b = this.boxes[lb];
      if (a === undefined || b === undefined) continue;
      const x0 = LABEL_W + timeToX(v, F.t0[i]!);
      const x1 = LABEL_W + Math.max(timeToX(v, F.t1[i]!), timeToX(v, F.t0[i]!) + 1);
      const y0 = a.y - sy + a.h / 2;
      const y1 = b.y - sy + (y0 > b.y - sy ? b.h - 2 : 2);
      ctx.moveTo(x0, y0);
      ctx.bezierCurveTo((x0 + x1) / 2, y0, (x0 + x1) / 2, y1, x1, y1);
      dots.push(x0, y0);
      model.flows++;
      model.flowGoids.push(F.goid[i]!);
    }
    ctx.stroke();
    ctx.globalAlpha = 1; // the dots (where a wake-up came from) opaque, over the curves
    ctx.beginPath();
    for (let k = 0; k < dots.length; k += 2) {
      ctx.moveTo(dots[k]! + r, dots[k + 1]!);
      ctx.arc(dots[k]!, dots[k + 1]!, r, 0, Math.PI * 2);
    }
    ctx.fill();
  }

  /** The overlay: cursor, hover guide, selected range, selected slice. Cheap; redrawn on mouse moves. */
  drawOverlay(): void {
    // Nothing to show and nothing shown: leave the canvas alone (a cleared canvas is still a new
    // frame of its layer for the compositor, every frame of a zoom).
    const empty = this.data === null || (this.shared.range === null && this.selected === null && this.shared.cursorNs < 0 && this.shared.hoverNs < 0);
    if (empty && this.overlayEmpty) return;
    this.overlayEmpty = empty;
    const ctx = this.overlay.getContext("2d");
    if (ctx === null) return;
    const H = this.cssH;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.clearRect(0, 0, this.cssW, H);
    if (this.data === null) return;
    const v: Viewport = { ...this.shared.viewport, width: this.plotWidth };
    ctx.save();
    ctx.beginPath();
    ctx.rect(LABEL_W, 0, v.width, H);
    ctx.clip();
    const r = this.shared.range;
    if (r !== null) {
      const x0 = LABEL_W + timeToX(v, r.t0);
      const x1 = LABEL_W + timeToX(v, r.t1);
      ctx.fillStyle = "rgba(9, 105, 218, 0.12)";
      ctx.fillRect(x0, 0, x1 - x0, H);
      ctx.fillStyle = "#0969da";
      ctx.fillRect(x0, 0, 1, H);
      ctx.fillRect(x1, 0, 1, H);
    }
    const s = this.selected;
    if (s !== null) {
      const box = this.boxes[s.laneIndex];
      if (box !== undefined) {
        const x0 = LABEL_W + Math.max(-2, timeToX(v, s.startNs));
        const x1 = LABEL_W + Math.min(v.width + 2, timeToX(v, s.endNs));
        const y = box.y - this.scrollY;
        if (y + box.h > AXIS_H) {
          ctx.strokeStyle = "#111";
          ctx.lineWidth = 2;
          ctx.strokeRect(x0 - 1, y, Math.max(2, x1 - x0 + 2), box.h);
        }
      }
    }
    if (this.shared.cursorNs >= 0) {
      ctx.fillStyle = "#e8590c";
      ctx.fillRect(LABEL_W + timeToX(v, this.shared.cursorNs) - 1, AXIS_H - 6, 2, H);
    }
    if (this.shared.hoverNs >= 0) {
      const x = Math.round(LABEL_W + timeToX(v, this.shared.hoverNs)) + 0.5;
      ctx.strokeStyle = "rgba(0,0,0,0.45)";
      ctx.lineWidth = 1;
      ctx.setLineDash([3, 3]);
      ctx.beginPath();
      ctx.moveTo(x, AXIS_H - 6);
      ctx.lineTo(x, H);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.restore();
  }

  /** Lane index at a y in the pane's CSS pixels (scroll applied), or -1; the axis is no lane. */
  laneIndexAt(y: number): number {
    if (y < AXIS_H) return -1;
    return laneAtY(this.boxes, y + this.scrollY);
  }

  /** The lane and the time under a CSS pixel (plot area only), with the viewport used, or null. */
  private pointAt(x: number, y: number): { li: number; lane: Lane; v: Viewport; t: number } | null {
    const d = this.data;
    if (d === null || x < LABEL_W) return null;
    const li = this.laneIndexAt(y);
    if (li < 0) return null;
    const v: Viewport = { ...this.shared.viewport, width: this.plotWidth };
    return { li, lane: d.lanes[li]!, v, t: xToTime(v, x - LABEL_W) };
  }

  /** The slice (span) under a point, or null (idle gap, axis, labels). */
  sliceAt(x: number, y: number): SliceInfo | null {
    const at = this.pointAt(x, y);
    if (at === null) return null;
    const { li, lane, v, t } = at;
    let i = spanAt(lane.start, lane.end, t);
    if (i < 0) {
      // Zoomed out, a span may be narrower than the pointer: take the nearest within 2 px.
      const slop = (2 * (v.t1 - v.t0)) / v.width;
      const j = spanAt(lane.start, lane.end, t - slop);
      const k = spanAt(lane.start, lane.end, t + slop);
      i = j >= 0 ? j : k;
    }
    if (i < 0) return null;
    const kind = lane.kinds[i]!;
    const g = lane.goid[i]!;
    return { laneIndex: li, lane, span: i, kind, goid: g, startNs: lane.start[i]!, endNs: lane.end[i]!, state: stateText(lane.kind, kind, g) };
  }

  /** What is under a CSS pixel: the lane, the span and its state. */
  hover(x: number, y: number): HoverInfo | null {
    const at = this.pointAt(x, y);
    if (at === null) return null;
    const { lane, t } = at;
    const i = spanAt(lane.start, lane.end, t);
    if (i < 0) return { lane: lane.label, text: `${lane.label} · ${formatTime(t)} · ${lane.kind === "P" ? "idle (_Pidle)" : "parked / not running"}` };
    const s = lane.start[i]!;
    const e = lane.end[i]!;
    return { lane: lane.label, text: `${lane.label} · ${stateText(lane.kind, lane.kinds[i]!, lane.goid[i]!)} · ${formatTime(s)} → ${formatTime(e)} (${formatTime(e - s)})` };
  }

  /** The P or M a lane stands for at a y coordinate. */
  laneAt(y: number): { kind: "P" | "M"; id: number } | null {
    const li = this.laneIndexAt(y);
    const lane = li >= 0 ? this.data?.lanes[li] : undefined;
    return lane === undefined ? null : { kind: lane.kind, id: lane.id };
  }

  /** Lane index of the first span of goroutine g at or after t (P lanes first), and that span's start. */
  findGoroutine(g: number, t: number): { lane: number; startNs: number } | null {
    const d = this.data;
    if (d === null) return null;
    let best: { lane: number; startNs: number } | null = null;
    d.lanes.forEach((lane, li) => {
      for (let i = upperBound(lane.end, t); i < lane.start.length; i++) {
        if (lane.goid[i] !== g || lane.end[i]! <= t) continue;
        if (best === null || lane.start[i]! < best.startNs) best = { lane: li, startNs: lane.start[i]! };
        break;
      }
    });
    return best;
  }
}

/** A fill colour's pixel, its syscall top edge (28 % black over it) and its label colour. */
function colorPixels(fill: string): { fill: number; edge: number; label: string } {
  const p = pixelOf(fill);
  return { fill: p, edge: blend(p, "#000000", 0.28), label: labelColor(fill) };
}

/** The earliest t0 per block of flows, and its suffix minimum (see drawFlows). */
function flowBlocks(t0: Float64Array): { min: Float64Array; suffixMin: Float64Array } {
  const nb = (t0.length + (1 << FLOW_BLOCK_BITS) - 1) >> FLOW_BLOCK_BITS;
  const min = new Float64Array(nb).fill(Infinity);
  for (let i = 0; i < t0.length; i++) {
    const b = i >> FLOW_BLOCK_BITS;
    if (t0[i]! < min[b]!) min[b] = t0[i]!;
  }
  const suffixMin = new Float64Array(nb);
  let m = Infinity;
  for (let b = nb - 1; b >= 0; b--) suffixMin[b] = m = Math.min(m, min[b]!);
  return { min, suffixMin };
}

/** Small canvases with a label's text, one per (text, colour, scale), reused frame after frame. */
class LabelSprites {
  private readonly cache = new Map<string, HTMLCanvasElement>();
  get(text: string, color: string, dpr: number, font = "11px system-ui, sans-serif", height = 14): HTMLCanvasElement {
    const key = `${text}|${color}|${dpr}|${font}`;
    let c = this.cache.get(key);
    if (c === undefined) {
      if (this.cache.size > 4096) this.cache.clear();
      c = document.createElement("canvas");
      const m = c.getContext("2d")!;
      m.font = font;
      const w = Math.ceil(m.measureText(text).width) + 2;
      c.width = Math.ceil(w * dpr);
      c.height = Math.ceil(height * dpr);
      const ctx = c.getContext("2d")!;
      ctx.scale(dpr, dpr);
      ctx.font = font;
      ctx.textBaseline = "middle";
      ctx.fillStyle = color;
      ctx.fillText(text, 0, height / 2);
      this.cache.set(key, c);
    }
    return c;
  }
}

/** A span's state in words, as the runtime names it. */
export function stateText(laneKind: "P" | "M", kind: number, g: number): string {
  if (laneKind === "P") {
    switch (kind) {
      case SpanKind.Run:
        return `runs G${g} (_Prunning)`;
      case SpanKind.Syscall:
        return `_Psyscall: G${g} in the kernel, P kept by affinity`;
      case SpanKind.Raw:
        return `G${g} in RawSyscall, P held (_Prunning)`;
      case SpanKind.GcStop:
        return "_Pgcstop";
      default:
        return "held by an M in the scheduler";
    }
  }
  switch (kind) {
    case SpanKind.Run:
      return `runs G${g}`;
    case SpanKind.Syscall:
      return `in the kernel for G${g} (entersyscall, no P)`;
    case SpanKind.Raw:
      return `in the kernel for G${g} (RawSyscall, keeps its P)`;
    default:
      return spanKindNames[kind] ?? "";
  }
}

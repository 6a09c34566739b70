// The timeline on a canvas: a lane per P and per M, spans coloured by state (running goroutines
// by goroutine), syscall spans, sysmon wake-ups, retake/handoff arrows, stop-the-world bands, the
// step-through's cursor. Layout decisions live in layout.ts (pure, tested).
import { ArrowKind, MarkKind, SpanKind, spanKindNames, type TimelineData } from "./model.js";
import { formatTime, goroutineColor, laneAtY, layoutLanes, lodRuns, niceTicks, spanAt, timeToX, visibleInstants, xToTime, type LaneBox, type Viewport } from "./layout.js";

export const LABEL_W = 92;
const AXIS_H = 22;
const LANE_H = 18;
const GAP = 8;

export const kindColors: Record<number, string> = {
  [SpanKind.Syscall]: "#f0a030",
  [SpanKind.Raw]: "#d0393b",
  [SpanKind.Sched]: "#c9ced6",
  [SpanKind.Spin]: "#8fc1ff",
  [SpanKind.GcStop]: "#9b6dd6",
  [SpanKind.Starting]: "#f3e08a",
};

const arrowColors: Record<number, string> = {
  [ArrowKind.Retake]: "#c0262d",
  [ArrowKind.Handoff]: "#1d8a43",
  [ArrowKind.Preempt]: "#7a3fc2",
};

export function spanColor(kind: number, goid: number): string {
  return kind === SpanKind.Run ? goroutineColor(goid) : (kindColors[kind] ?? "#999");
}

/** Shared between the timelines of a side by side, the charts and the step-through. */
export interface SharedView {
  viewport: Viewport;
  endNs: number;
  /** Time of the selected event (cursor), or -1. */
  cursorNs: number;
  /** Time under the mouse (a thin guide on every view), or -1. */
  hoverNs: number;
}

export interface HoverInfo {
  readonly lane: string;
  readonly text: string;
}

export class TimelineView {
  private boxes: LaneBox[] = [];
  private dpr = 1;
  /** Lanes are sorted: P lanes, then M lanes. */
  data: TimelineData | null = null;
  heading = "";

  constructor(
    readonly canvas: HTMLCanvasElement,
    readonly shared: SharedView,
  ) {}

  setData(d: TimelineData | null, heading = ""): void {
    this.data = d;
    this.heading = heading;
    this.boxes = d === null ? [] : layoutLanes(d.lanes.map((l) => l.kind), AXIS_H + (heading !== "" ? 16 : 0), LANE_H, GAP);
    this.resize();
  }

  /** CSS height the canvas needs. */
  get cssHeight(): number {
    const last = this.boxes[this.boxes.length - 1];
    return last === undefined ? 60 : last.y + last.h + 6;
  }

  resize(): void {
    const w = this.canvas.parentElement?.clientWidth ?? 800;
    this.dpr = globalThis.devicePixelRatio || 1;
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${this.cssHeight}px`;
    this.canvas.width = Math.round(w * this.dpr);
    this.canvas.height = Math.round(this.cssHeight * this.dpr);
  }

  get plotWidth(): number {
    return Math.max(10, this.canvas.width / this.dpr - LABEL_W);
  }

  draw(): void {
    const ctx = this.canvas.getContext("2d");
    if (ctx === null) return;
    const W = this.canvas.width / this.dpr;
    const H = this.canvas.height / this.dpr;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, W, H);
    const d = this.data;
    if (d === null) return;
    const v: Viewport = { ...this.shared.viewport, width: this.plotWidth };
    ctx.font = "11px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    const top = this.heading !== "" ? 16 : 0;
    if (this.heading !== "") {
      ctx.fillStyle = "#222";
      ctx.font = "bold 12px system-ui, sans-serif";
      ctx.fillText(this.heading, 4, 8);
      ctx.font = "11px system-ui, sans-serif";
    }
    // Time axis.
    const { ticks } = niceTicks(v.t0, v.t1, Math.max(2, Math.floor(v.width / 110)));
    ctx.strokeStyle = "#e4e7ec";
    ctx.fillStyle = "#555";
    ctx.lineWidth = 1;
    for (const t of ticks) {
      const x = LABEL_W + timeToX(v, t);
      ctx.beginPath();
      ctx.moveTo(Math.round(x) + 0.5, top + AXIS_H - 4);
      ctx.lineTo(Math.round(x) + 0.5, H);
      ctx.stroke();
      ctx.fillText(formatTime(t), x + 3, top + 9);
    }
    ctx.save();
    ctx.beginPath();
    ctx.rect(LABEL_W, 0, v.width, H);
    ctx.clip();
    // Stop-the-world bands.
    ctx.fillStyle = "rgba(155, 109, 214, 0.18)";
    for (let i = 0; i < d.bands.start.length; i++) {
      const x0 = Math.max(0, timeToX(v, d.bands.start[i]!));
      const x1 = Math.min(v.width, timeToX(v, d.bands.end[i]!));
      if (x1 < 0 || x0 > v.width) continue;
      ctx.fillRect(LABEL_W + x0, top + AXIS_H - 4, Math.max(2, x1 - x0), H);
    }
    // Lanes.
    d.lanes.forEach((lane, li) => {
      const box = this.boxes[li]!;
      const runs = lodRuns(lane.start, lane.end, lane.kinds, lane.goid, v);
      for (const r of runs) {
        const h = r.kind === SpanKind.Sched || r.kind === SpanKind.Starting ? box.h * 0.45 : box.h - 3;
        const y = box.y + (box.h - h) / 2;
        ctx.globalAlpha = r.merged > 1 ? 0.75 : 1;
        ctx.fillStyle = spanColor(r.kind, r.goid);
        ctx.fillRect(LABEL_W + r.x0, y, Math.max(1, r.x1 - r.x0), h);
        if (r.kind === SpanKind.Syscall || r.kind === SpanKind.Raw) {
          // Hatched top edge marks "in the kernel".
          ctx.fillStyle = "rgba(0,0,0,0.25)";
          ctx.fillRect(LABEL_W + r.x0, y, Math.max(1, r.x1 - r.x0), 2);
        }
        if (r.merged === 1 && r.x1 - r.x0 > 34 && r.goid >= 0) {
          ctx.globalAlpha = 1;
          ctx.fillStyle = r.kind === SpanKind.Run ? "#fff" : "#222";
          ctx.fillText(`G${r.goid}`, LABEL_W + Math.max(r.x0, 0) + 3, box.y + box.h / 2);
        }
      }
      ctx.globalAlpha = 1;
    });
    // sysmon wake-ups and thread creations.
    for (const i of visibleInstants(d.marks.time, v)) {
      const box = this.boxes[d.marks.lane[i]!];
      if (box === undefined) continue;
      const x = LABEL_W + timeToX(v, d.marks.time[i]!);
      const k = d.marks.kind[i]!;
      if (k === MarkKind.ThreadCreate) {
        ctx.fillStyle = "#1d8a43";
        ctx.beginPath();
        ctx.moveTo(x, box.y + 1);
        ctx.lineTo(x + 5, box.y + 1);
        ctx.lineTo(x, box.y + 7);
        ctx.fill();
      } else {
        ctx.fillStyle = k === MarkKind.SysmonWake ? "#3b5bdb" : "#99a";
        ctx.fillRect(x - 0.5, box.y + 3, 1.5, box.h - 6);
      }
    }
    // Retake / handoff arrows.
    const arrows = visibleInstants(d.arrows.time, v);
    for (const i of arrows.length > 3000 ? arrows.filter((_, k) => k % Math.ceil(arrows.length / 3000) === 0) : arrows) {
      const a = this.boxes[d.arrows.from[i]!];
      const b = this.boxes[d.arrows.to[i]!];
      if (a === undefined || b === undefined) continue;
      const x = LABEL_W + timeToX(v, d.arrows.time[i]!);
      const y0 = a.y + a.h / 2;
      const y1 = b.y + b.h / 2;
      ctx.strokeStyle = arrowColors[d.arrows.kind[i]!] ?? "#000";
      ctx.fillStyle = ctx.strokeStyle;
      ctx.lineWidth = 1.3;
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
    }
    // Cursor and hover guide.
    if (this.shared.cursorNs >= 0) {
      const x = LABEL_W + timeToX(v, this.shared.cursorNs);
      ctx.strokeStyle = "#e8590c";
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(x, top + AXIS_H - 6);
      ctx.lineTo(x, H);
      ctx.stroke();
    }
    if (this.shared.hoverNs >= 0) {
      const x = LABEL_W + timeToX(v, this.shared.hoverNs);
      ctx.strokeStyle = "rgba(0,0,0,0.35)";
      ctx.lineWidth = 1;
      ctx.setLineDash([3, 3]);
      ctx.beginPath();
      ctx.moveTo(x, top + AXIS_H - 6);
      ctx.lineTo(x, H);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.restore();
    // Lane labels.
    ctx.fillStyle = "#f6f7f9";
    ctx.fillRect(0, top + AXIS_H - 4, LABEL_W - 2, H);
    d.lanes.forEach((lane, li) => {
      const box = this.boxes[li]!;
      ctx.fillStyle = lane.kind === "P" ? "#1b3a6b" : "#333";
      ctx.font = lane.kind === "P" ? "bold 11px system-ui, sans-serif" : "11px system-ui, sans-serif";
      ctx.fillText(lane.label, 6, box.y + box.h / 2);
    });
  }

  /** What is under a CSS pixel: the lane, the span and its state. */
  hover(x: number, y: number): HoverInfo | null {
    const d = this.data;
    if (d === null || x < LABEL_W) return null;
    const li = laneAtY(this.boxes, y);
    if (li < 0) return null;
    const lane = d.lanes[li]!;
    const v: Viewport = { ...this.shared.viewport, width: this.plotWidth };
    const t = xToTime(v, x - LABEL_W);
    const i = spanAt(lane.start, lane.end, t);
    if (i < 0) return { lane: lane.label, text: `${lane.label} · ${formatTime(t)} · ${lane.kind === "P" ? "idle (_Pidle)" : "parked / not running"}` };
    const kind = lane.kinds[i]!;
    const g = lane.goid[i]!;
    const s = lane.start[i]!;
    const e = lane.end[i]!;
    const state =
      lane.kind === "P"
        ? kind === SpanKind.Run
          ? `runs G${g} (_Prunning)`
          : kind === SpanKind.Syscall
            ? `_Psyscall: G${g} in the kernel, P kept by affinity`
            : kind === SpanKind.Raw
              ? `G${g} in RawSyscall, P held (_Prunning)`
              : kind === SpanKind.GcStop
                ? "_Pgcstop"
                : "held by an M in the scheduler"
        : kind === SpanKind.Run
          ? `runs G${g}`
          : kind === SpanKind.Syscall
            ? `in the kernel for G${g} (entersyscall, no P)`
            : kind === SpanKind.Raw
              ? `in the kernel for G${g} (RawSyscall, keeps its P)`
              : (spanKindNames[kind] ?? "");
    return { lane: lane.label, text: `${lane.label} · ${state} · ${formatTime(s)} → ${formatTime(e)} (${formatTime(e - s)})` };
  }

  /** The P or M a lane stands for at a y coordinate. */
  laneAt(y: number): { kind: "P" | "M"; id: number } | null {
    const li = laneAtY(this.boxes, y);
    const lane = li >= 0 ? this.data?.lanes[li] : undefined;
    return lane === undefined ? null : { kind: lane.kind, id: lane.id };
  }
}

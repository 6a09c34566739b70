// Counters over time, on the timeline's axis: threads, idle Ps, spinning Ms, run-queue lengths.
// Side by side: the second configuration is drawn dashed on the same charts; each run's lines end
// at its own makespan. The cursor, hover guide and selected range go on an overlay canvas.
import { decimateSeries, niceTicks, timeToX, type Viewport } from "./layout.js";
import type { Series, SeriesName, TimelineData } from "./model.js";
import { LABEL_W, type SharedView } from "./timeline.js";

interface ChartDef {
  readonly title: string;
  readonly lines: readonly { readonly key: SeriesName; readonly color: string; readonly name: string }[];
}

const charts: readonly ChartDef[] = [
  { title: "threads", lines: [{ key: "threads", color: "#1d8a43", name: "threads" }] },
  { title: "idle Ps", lines: [{ key: "idleP", color: "#1b6ec2", name: "idle Ps" }] },
  { title: "spinning Ms", lines: [{ key: "spinning", color: "#0b7285", name: "spinning" }] },
  {
    title: "run queues",
    lines: [
      { key: "runqGlobal", color: "#c2410c", name: "global" },
      { key: "runqLocal", color: "#862e9c", name: "local (Σ Ps)" },
    ],
  },
];

const CHART_H = 34;

export class ChartsView {
  private dpr = 1;
  private cssW = 800;
  private cssH = 100;
  data: readonly TimelineData[] = [];
  /** Per run, the x (CSS px, plot coordinates) where its lines stopped in the last frame. */
  lineEnds: number[] = [];
  /** The overlay canvas is clear (drawOverlay skips it while there is nothing to draw). */
  private overlayEmpty = false;

  constructor(
    readonly canvas: HTMLCanvasElement,
    readonly overlay: HTMLCanvasElement,
    readonly shared: SharedView,
  ) {}

  setData(d: readonly TimelineData[]): void {
    this.data = d;
    this.resize();
  }

  resize(): void {
    const w = Math.max(200, this.canvas.parentElement?.clientWidth ?? 800);
    const h = charts.length * CHART_H + 4;
    this.dpr = globalThis.devicePixelRatio || 1;
    this.cssW = w;
    this.cssH = h;
    for (const c of [this.canvas, this.overlay]) {
      c.style.width = `${w}px`;
      c.style.height = `${h}px`;
      c.width = Math.round(w * this.dpr);
      c.height = Math.round(h * this.dpr);
    }
  }

  private get view(): Viewport {
    return { ...this.shared.viewport, width: Math.max(10, this.cssW - LABEL_W) };
  }

  draw(): void {
    const ctx = this.canvas.getContext("2d");
    if (ctx === null) return;
    const W = this.cssW;
    const H = this.cssH;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, W, H);
    if (this.data.length === 0) return;
    const v = this.view;
    ctx.font = "11px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    const { ticks } = niceTicks(v.t0, v.t1, Math.max(2, Math.floor(v.width / 110)));
    // A run's lines stop at its makespan (a shorter run B does not go on flat after its end).
    const ends = this.data.map((d) => Math.min(v.width, Math.max(0, Math.ceil(timeToX(v, d.endNs)))));
    this.lineEnds = ends;
    charts.forEach((c, ci) => {
      const y0 = ci * CHART_H + 4;
      const h = CHART_H - 8;
      let maxV = 1;
      const dec = this.data.map((d) => c.lines.map((l) => decimateSeries(d.series.time, seriesOf(d.series, l.key), v)));
      dec.forEach((per, di) => {
        for (const s of per) for (let x = 0; x < ends[di]!; x++) if (s.max[x]! > maxV) maxV = s.max[x]!;
      });
      ctx.fillStyle = "#f6f7f9";
      ctx.fillRect(0, y0, LABEL_W - 2, h);
      ctx.fillStyle = "#24292f";
      ctx.fillText(c.title, 6, y0 + 7);
      ctx.fillStyle = "#57606a";
      ctx.fillText(`max ${maxV}${c.title === "threads" && this.data.some((d) => d.threadsEstimated) ? " (≥)" : ""}`, 6, y0 + 19);
      ctx.fillStyle = "#e4e7ec";
      ctx.fillRect(LABEL_W, y0, v.width, 1);
      ctx.fillRect(LABEL_W, y0 + h, v.width, 1);
      for (const t of ticks) ctx.fillRect(Math.round(LABEL_W + timeToX(v, t)), y0, 1, h);
      const yOf = (val: number) => y0 + h - 2 - (val / maxV) * (h - 5);
      dec.forEach((per, di) => {
        const end = ends[di]!;
        per.forEach((s, li) => {
          ctx.strokeStyle = c.lines[li]!.color;
          ctx.lineWidth = 1.5;
          ctx.setLineDash(di === 1 ? [4, 3] : []);
          ctx.beginPath();
          for (let x = 0; x < end; x++) {
            const a = yOf(s.max[x]!);
            const b = yOf(s.min[x]!);
            if (x === 0) ctx.moveTo(LABEL_W + x, a);
            else ctx.lineTo(LABEL_W + x, a);
            if (b !== a) ctx.lineTo(LABEL_W + x, b);
          }
          ctx.stroke();
        });
      });
      ctx.setLineDash([]);
      if (c.lines.length > 1) {
        let lx = LABEL_W + 8;
        for (const l of c.lines) {
          ctx.fillStyle = l.color;
          ctx.fillRect(lx, y0 + 5, 10, 3);
          ctx.fillStyle = "#24292f";
          ctx.fillText(l.name, lx + 13, y0 + 7);
          lx += 20 + ctx.measureText(l.name).width;
        }
      }
    });
    this.drawOverlay();
  }

  drawOverlay(): void {
    // Nothing to show and nothing shown: leave the canvas alone (no new frame of its layer).
    const empty = this.data.length === 0 || (this.shared.range === null && this.shared.cursorNs < 0 && this.shared.hoverNs < 0);
    if (empty && this.overlayEmpty) return;
    this.overlayEmpty = empty;
    const ctx = this.overlay.getContext("2d");
    if (ctx === null) return;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.clearRect(0, 0, this.cssW, this.cssH);
    if (this.data.length === 0) return;
    const v = this.view;
    const r = this.shared.range;
    if (r !== null) {
      const x0 = Math.max(LABEL_W, LABEL_W + timeToX(v, r.t0));
      const x1 = Math.min(this.cssW, LABEL_W + timeToX(v, r.t1));
      ctx.fillStyle = "rgba(9, 105, 218, 0.12)";
      if (x1 > x0) ctx.fillRect(x0, 0, x1 - x0, this.cssH);
    }
    for (const [t, color] of [
      [this.shared.cursorNs, "#e8590c"],
      [this.shared.hoverNs, "rgba(0,0,0,0.45)"],
    ] as const) {
      if (t < 0) continue;
      const x = LABEL_W + timeToX(v, t);
      if (x < LABEL_W || x > this.cssW) continue;
      ctx.fillStyle = color;
      ctx.fillRect(Math.round(x), 0, 1, this.cssH);
    }
  }
}

export function seriesOf(s: Series, k: SeriesName): Int32Array {
  return s[k];
}

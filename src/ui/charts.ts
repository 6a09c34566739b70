// Counters over time, on the timeline's axis: threads, idle Ps, spinning Ms, run-queue lengths.
// Side by side: the second configuration is drawn dashed on the same charts.
import { decimateSeries, formatTime, niceTicks, timeToX, type Viewport } from "./layout.js";
import type { Series, SeriesName, TimelineData } from "./model.js";
import { LABEL_W, type SharedView } from "./timeline.js";

interface ChartDef {
  readonly title: string;
  readonly lines: readonly { readonly key: SeriesName; readonly color: string; readonly name: string }[];
}

const charts: readonly ChartDef[] = [
  { title: "threads", lines: [{ key: "threads", color: "#1d8a43", name: "threads" }] },
  { title: "idle Ps", lines: [{ key: "idleP", color: "#1b6ec2", name: "idle Ps" }] },
  { title: "spinning Ms", lines: [{ key: "spinning", color: "#4dabf7", name: "spinning" }] },
  {
    title: "run queues",
    lines: [
      { key: "runqGlobal", color: "#e8590c", name: "global" },
      { key: "runqLocal", color: "#862e9c", name: "local (Σ Ps)" },
    ],
  },
];

const CHART_H = 54;

export class ChartsView {
  private dpr = 1;
  data: readonly TimelineData[] = [];

  constructor(
    readonly canvas: HTMLCanvasElement,
    readonly shared: SharedView,
  ) {}

  setData(d: readonly TimelineData[]): void {
    this.data = d;
    this.resize();
  }

  resize(): void {
    const w = this.canvas.parentElement?.clientWidth ?? 800;
    const h = charts.length * CHART_H + 4;
    this.dpr = globalThis.devicePixelRatio || 1;
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${h}px`;
    this.canvas.width = Math.round(w * this.dpr);
    this.canvas.height = Math.round(h * this.dpr);
  }

  draw(): void {
    const ctx = this.canvas.getContext("2d");
    if (ctx === null) return;
    const W = this.canvas.width / this.dpr;
    const H = this.canvas.height / this.dpr;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, W, H);
    if (this.data.length === 0) return;
    const v: Viewport = { ...this.shared.viewport, width: Math.max(10, W - LABEL_W) };
    ctx.font = "11px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    const { ticks } = niceTicks(v.t0, v.t1, Math.max(2, Math.floor(v.width / 110)));
    charts.forEach((c, ci) => {
      const y0 = ci * CHART_H + 4;
      const h = CHART_H - 10;
      let maxV = 1;
      const dec = this.data.map((d) => c.lines.map((l) => decimateSeries(d.series.time, seriesOf(d.series, l.key), v)));
      for (const per of dec) for (const s of per) for (const x of s.max) if (x > maxV) maxV = x;
      ctx.fillStyle = "#f6f7f9";
      ctx.fillRect(0, y0, LABEL_W - 2, h);
      ctx.fillStyle = "#333";
      ctx.fillText(c.title, 6, y0 + 10);
      ctx.fillStyle = "#777";
      ctx.fillText(`max ${maxV}`, 6, y0 + 26);
      ctx.strokeStyle = "#e4e7ec";
      ctx.strokeRect(LABEL_W + 0.5, y0 + 0.5, v.width - 1, h);
      for (const t of ticks) {
        const x = LABEL_W + timeToX(v, t);
        ctx.beginPath();
        ctx.moveTo(Math.round(x) + 0.5, y0);
        ctx.lineTo(Math.round(x) + 0.5, y0 + h);
        ctx.stroke();
      }
      const yOf = (val: number) => y0 + h - 2 - (val / maxV) * (h - 6);
      dec.forEach((per, di) => {
        per.forEach((s, li) => {
          ctx.strokeStyle = c.lines[li]!.color;
          ctx.lineWidth = 1.5;
          ctx.setLineDash(di === 1 ? [4, 3] : []);
          ctx.beginPath();
          for (let x = 0; x < s.min.length; x++) {
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
          ctx.fillStyle = "#333";
          ctx.fillText(l.name, lx + 13, y0 + 7);
          lx += 20 + ctx.measureText(l.name).width;
        }
      }
    });
    for (const [t, color] of [
      [this.shared.cursorNs, "#e8590c"],
      [this.shared.hoverNs, "rgba(0,0,0,0.35)"],
    ] as const) {
      if (t < 0) continue;
      const x = LABEL_W + timeToX(v, t);
      if (x < LABEL_W) continue;
      ctx.strokeStyle = color;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x, 0);
      ctx.lineTo(x, H);
      ctx.stroke();
    }
    void formatTime;
  }
}

export function seriesOf(s: Series, k: SeriesName): Int32Array {
  return s[k];
}

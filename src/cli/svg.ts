// A small SVG line chart: one series per combination of the other swept params.

export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

const colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function ticks(min: number, max: number, n = 5): number[] {
  if (min === max) return [min];
  const step0 = (max - min) / n;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= step0) ?? step0;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** x values may be categorical: pass xLabels to print them instead of numbers (x = index). */
export function lineChartSvg(o: { title: string; xLabel: string; yLabel: string; series: readonly Series[]; xLabels?: readonly string[]; formatY?: (y: number) => string }): string {
  const W = 720;
  const H = 440;
  const m = { l: 80, r: 170, t: 40, b: 50 };
  const all = o.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const xmin = Math.min(...xs);
  const xmax = Math.max(...xs);
  const ymin = Math.min(0, ...ys);
  const ymax = Math.max(...ys) === ymin ? ymin + 1 : Math.max(...ys);
  const sx = (x: number) => m.l + (xmax === xmin ? (W - m.l - m.r) / 2 : ((x - xmin) / (xmax - xmin)) * (W - m.l - m.r));
  const sy = (y: number) => H - m.b - ((y - ymin) / (ymax - ymin)) * (H - m.t - m.b);
  const fy = o.formatY ?? ((y: number) => String(y));
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(o.title)}</text>`);
  parts.push(`<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/>`);
  parts.push(`<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="black"/>`);
  for (const t of ticks(ymin, ymax)) {
    parts.push(`<line x1="${m.l}" y1="${sy(t)}" x2="${W - m.r}" y2="${sy(t)}" stroke="#ddd"/>`);
    parts.push(`<text x="${m.l - 6}" y="${sy(t) + 4}" text-anchor="end">${esc(fy(t))}</text>`);
  }
  const xt = o.xLabels !== undefined ? o.xLabels.map((_, i) => i) : [...new Set(xs)].sort((a, b) => a - b);
  for (const t of xt) parts.push(`<text x="${sx(t)}" y="${H - m.b + 18}" text-anchor="middle">${esc(o.xLabels?.[t] ?? String(t))}</text>`);
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 10}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`<text x="18" y="${(m.t + H - m.b) / 2}" text-anchor="middle" transform="rotate(-90 18 ${(m.t + H - m.b) / 2})">${esc(o.yLabel)}</text>`);
  o.series.forEach((s, i) => {
    const c = colors[i % colors.length]!;
    const pts = [...s.points].sort((a, b) => a[0] - b[0]);
    parts.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.map((p) => `${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(" ")}"/>`);
    for (const p of pts) parts.push(`<circle cx="${sx(p[0]).toFixed(1)}" cy="${sy(p[1]).toFixed(1)}" r="3" fill="${c}"><title>${esc(`${s.name} ${p[0]}: ${fy(p[1])}`)}</title></circle>`);
    parts.push(`<rect x="${W - m.r + 12}" y="${m.t + i * 18}" width="12" height="3" fill="${c}"/>`);
    parts.push(`<text x="${W - m.r + 30}" y="${m.t + i * 18 + 5}">${esc(s.name)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

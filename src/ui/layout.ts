// Timeline layout: pure functions from data and a viewport to what to draw. No DOM, so node tests
// check them directly (test/ui/layout.test.ts).

import { formatAxisNs } from "../base/time.js";

/** The visible time window [t0, t1) mapped onto `width` CSS pixels. */
export interface Viewport {
  readonly t0: number;
  readonly t1: number;
  readonly width: number;
}

export const timeToX = (v: Viewport, t: number): number => ((t - v.t0) / (v.t1 - v.t0)) * v.width;
export const xToTime = (v: Viewport, x: number): number => v.t0 + (x / v.width) * (v.t1 - v.t0);

/** Smallest window: 100 ns across the whole width. */
export const MIN_SPAN_NS = 100;

/** Keeps a window inside [0, endNs] (with a small margin) and no narrower than MIN_SPAN_NS. */
export function clampViewport(v: Viewport, endNs: number): Viewport {
  const maxSpan = Math.max(endNs * 1.02, MIN_SPAN_NS);
  let span = Math.min(Math.max(v.t1 - v.t0, MIN_SPAN_NS), maxSpan);
  if (!Number.isFinite(span)) span = maxSpan;
  let t0 = v.t0;
  const lo = -endNs * 0.01;
  const hi = endNs * 1.01;
  if (t0 < lo) t0 = lo;
  if (t0 + span > hi) t0 = Math.max(lo, hi - span);
  return { t0, t1: t0 + span, width: v.width };
}

/** Zooms by `factor` (>1 zooms in) keeping the time under pixel x fixed. */
export function zoomAt(v: Viewport, factor: number, x: number, endNs: number): Viewport {
  const t = xToTime(v, x);
  const span = (v.t1 - v.t0) / factor;
  const frac = v.width > 0 ? x / v.width : 0.5;
  return clampViewport({ t0: t - frac * span, t1: t - frac * span + span, width: v.width }, endNs);
}

/** Pans by dx pixels (positive: later times come into view). */
export function panBy(v: Viewport, dx: number, endNs: number): Viewport {
  const dt = (dx / v.width) * (v.t1 - v.t0);
  return clampViewport({ t0: v.t0 + dt, t1: v.t1 + dt, width: v.width }, endNs);
}

/** Centers the window on t, keeping its span. */
export function centerOn(v: Viewport, t: number, endNs: number): Viewport {
  const span = v.t1 - v.t0;
  return clampViewport({ t0: t - span / 2, t1: t + span / 2, width: v.width }, endNs);
}

/** First index i with a[i] >= x (a sorted ascending); a.length if none. */
export function lowerBound(a: ArrayLike<number>, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i with a[i] > x; a.length if none. */
export function upperBound(a: ArrayLike<number>, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One rectangle to draw in a lane. `merged` > 1 when sub-pixel spans were folded into it. */
export interface Run {
  x0: number;
  x1: number;
  kind: number;
  goid: number;
  /** Index of the (first) span. */
  index: number;
  merged: number;
}

/**
 * Level of detail: the rectangles to draw for one lane's spans (sorted, non-overlapping) in the
 * viewport. Spans narrower than a pixel are folded into one-pixel columns (coloured by the first
 * span in the column), and the scan jumps by binary search to the next column, so the cost is
 * O(min(visible spans, width) · log n), whatever the number of events.
 */
export function lodRuns(start: ArrayLike<number>, end: ArrayLike<number>, kinds: ArrayLike<number>, goid: ArrayLike<number>, v: Viewport): Run[] {
  const out: Run[] = [];
  lodEach(start, end, kinds, goid, v, (x0, x1, kind, g, merged, index) => out.push({ x0, x1, kind, goid: g, index, merged }));
  return out;
}

/** lodRuns without the objects: each rectangle goes to `emit` (the frame loop's hot path). */
export function lodEach(
  start: ArrayLike<number>,
  end: ArrayLike<number>,
  kinds: ArrayLike<number>,
  goid: ArrayLike<number>,
  v: Viewport,
  emit: (x0: number, x1: number, kind: number, goid: number, merged: number, index: number) => void,
): void {
  const n = start.length;
  if (n === 0 || v.width <= 0) return;
  const nsPerPx = (v.t1 - v.t0) / v.width;
  // A folded column is held back while the next columns may extend it.
  let pending = false;
  let px0 = 0;
  let px1 = 0;
  let pKind = 0;
  let pGoid = 0;
  let pIndex = 0;
  let pMerged = 0;
  const flush = () => {
    if (pending) emit(px0, px1, pKind, pGoid, pMerged, pIndex);
    pending = false;
  };
  // First span that ends after t0 (ends are sorted too: spans do not overlap).
  let i = upperBound(end, v.t0);
  while (i < n) {
    const s = start[i]!;
    if (s >= v.t1) break;
    const x0 = Math.max(0, (s - v.t0) / nsPerPx);
    const x1 = Math.min(v.width, (end[i]! - v.t0) / nsPerPx);
    if (x1 - x0 >= 1) {
      flush();
      emit(x0, x1, kinds[i]!, goid[i]!, 1, i);
      i++;
      continue;
    }
    // Sub-pixel: fill this pixel column and skip every span that starts inside it.
    const col = Math.floor(x0);
    const colEndT = v.t0 + (col + 1) * nsPerPx;
    let j = Math.max(i + 1, lowerBound(start, colEndT, i + 1));
    // Spans are disjoint, so only the last one starting in this column can reach past it: that one
    // is not folded away but drawn next (e.g. a 20 µs run followed by a 10 ms syscall).
    if (j - 1 > i && end[j - 1]! > colEndT + nsPerPx) j--;
    if (pending && pMerged > 1 && px1 >= col && pKind === kinds[i]) {
      px1 = col + 1;
      pMerged += j - i;
    } else {
      flush();
      pending = true;
      px0 = col;
      px1 = col + 1;
      pKind = kinds[i]!;
      pGoid = goid[i]!;
      pIndex = i;
      pMerged = j - i;
    }
    i = j;
  }
  flush();
}

/** Index of the span of a lane covering time t, or -1. */
export function spanAt(start: ArrayLike<number>, end: ArrayLike<number>, t: number): number {
  const i = upperBound(start, t) - 1;
  if (i >= 0 && end[i]! > t) return i;
  return -1;
}

/** Indices [from, to) of sorted times inside the viewport, thinned to at most one per pixel. */
export function visibleInstants(time: ArrayLike<number>, v: Viewport): number[] {
  const out: number[] = [];
  const nsPerPx = (v.t1 - v.t0) / v.width;
  let i = lowerBound(time, v.t0);
  while (i < time.length && time[i]! < v.t1) {
    out.push(i);
    const col = Math.floor((time[i]! - v.t0) / nsPerPx);
    i = Math.max(i + 1, lowerBound(time, v.t0 + (col + 1) * nsPerPx, i + 1));
  }
  return out;
}

/** Value of a step series at time t (the last sample at or before t), or 0 before the first. */
export function seriesAt(time: ArrayLike<number>, values: ArrayLike<number>, t: number): number {
  const i = upperBound(time, t) - 1;
  return i >= 0 ? values[i]! : 0;
}

/**
 * A step series decimated to pixel columns: for each column [min, max] of the values the series
 * takes in it (the value carried in from the left included). O(width · log n).
 */
export function decimateSeries(time: ArrayLike<number>, values: ArrayLike<number>, v: Viewport): { min: Float64Array; max: Float64Array } {
  const w = Math.max(0, Math.floor(v.width));
  const min = new Float64Array(w);
  const max = new Float64Array(w);
  const nsPerPx = (v.t1 - v.t0) / v.width;
  let i = upperBound(time, v.t0) - 1; // sample in force at t0
  for (let c = 0; c < w; c++) {
    const cEnd = v.t0 + (c + 1) * nsPerPx;
    let lo = i >= 0 ? values[i]! : 0;
    let hi = lo;
    const j = lowerBound(time, cEnd, Math.max(0, i + 1)); // samples inside this column: (i, j)
    if (j - (i + 1) > 64) {
      // Many samples in one pixel: scan a bounded stride (the envelope stays close; draws stay O(width)).
      const step = Math.ceil((j - i - 1) / 64);
      for (let k = i + 1; k < j; k += step) {
        const x = values[k]!;
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      const x = values[j - 1]!;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    } else {
      for (let k = i + 1; k < j; k++) {
        const x = values[k]!;
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
    }
    min[c] = lo;
    max[c] = hi;
    if (j - 1 > i) i = j - 1;
  }
  return { min, max };
}

/** Round tick positions for a time axis: about `target` ticks in [t0, t1]. */
export function niceTicks(t0: number, t1: number, target = 8): { step: number; ticks: number[] } {
  const span = t1 - t0;
  if (!(span > 0)) return { step: 1, ticks: [] };
  const raw = span / target;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / p;
  const step = (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
  const ticks: number[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) ticks.push(Math.round(t * 1e6) / 1e6);
  return { step, ticks };
}

/** Human time for axis labels (src/base/time.ts, the one place time is formatted). */
export const formatTime = formatAxisNs;

/** Vertical layout of lanes: P lanes, a gap, then M lanes. */
export interface LaneBox {
  readonly y: number;
  readonly h: number;
}

export function layoutLanes(kinds: readonly ("P" | "M")[], top: number, laneH: number, gap: number): LaneBox[] {
  const out: LaneBox[] = [];
  let y = top;
  kinds.forEach((k, i) => {
    if (i > 0 && k !== kinds[i - 1]) y += gap;
    out.push({ y, h: laneH });
    y += laneH;
  });
  return out;
}

/** Lane index at a y coordinate, or -1. */
export function laneAtY(boxes: readonly LaneBox[], y: number): number {
  for (let i = 0; i < boxes.length; i++) if (y >= boxes[i]!.y && y < boxes[i]!.y + boxes[i]!.h) return i;
  return -1;
}

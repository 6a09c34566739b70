// Pre-aggregated zoom levels of a lane (as Perfetto pre-aggregates per zoom level): the run's time
// cut into buckets of 4^k × a base width, each bucket keeping the state that covers most of it. A
// zoomed-out frame then reads one level (one to four buckets per pixel) instead of the spans, so
// its cost follows the canvas width, not the number of events. Zoomed in (few spans per pixel) the
// spans are drawn exactly (layout.ts lodRuns). Pure; built in the worker before the hand-over.
import { lodEach, upperBound, type Run, type Viewport } from "./layout.js";
import type { Lane, LodLevel } from "./model.js";

/** Coarsest level: at most this many buckets across the run. */
const TOP_BUCKETS = 512;
/** Finest level: at most this many buckets (memory: 5 bytes each, per lane). */
const MAX_BUCKETS = 32_768;

/** Builds a lane's levels, coarsest first; none for a lane with few spans (drawn exactly). */
export function buildLod(lane: Pick<Lane, "start" | "end" | "kinds" | "goid">, endNs: number): LodLevel[] {
  const n = lane.start.length;
  const levels: LodLevel[] = [];
  if (n < 2 * TOP_BUCKETS || endNs <= 0) return levels;
  for (let buckets = TOP_BUCKETS; buckets <= MAX_BUCKETS && buckets < n * 2; buckets *= 4) {
    levels.push(aggregate(lane, Math.ceil(endNs / buckets), buckets, endNs));
  }
  return levels;
}

/**
 * One level: for each bucket the state that covers most of it (summed over its spans), or idle
 * (kind 0) when the gaps cover more; the goroutine is that of the bucket's longest span of the
 * winning state. O(spans + buckets).
 */
function aggregate(lane: Pick<Lane, "start" | "end" | "kinds" | "goid">, bucketNs: number, buckets: number, endNs: number): LodLevel {
  const K = 8;
  const kinds = new Uint8Array(buckets);
  const goid = new Int32Array(buckets).fill(-1);
  const cover = new Float64Array(buckets * K); // covered time per bucket and state
  const longest = new Float64Array(buckets * K); // longest single span per bucket and state
  const longestG = new Int32Array(buckets * K).fill(-1);
  const { start, end } = lane;
  for (let i = 0; i < start.length; i++) {
    const s = start[i]!;
    const e = end[i]!;
    const k = lane.kinds[i]! & (K - 1);
    const b0 = Math.floor(s / bucketNs);
    const b1 = Math.min(buckets - 1, Math.floor((e - 1e-9) / bucketNs));
    for (let b = b0; b <= b1; b++) {
      const c = Math.min(e, (b + 1) * bucketNs) - Math.max(s, b * bucketNs);
      const j = b * K + k;
      cover[j]! += c;
      if (c > longest[j]!) {
        longest[j] = c;
        longestG[j] = lane.goid[i]!;
      }
    }
  }
  for (let b = 0; b < buckets; b++) {
    let best = 0;
    let busy = 0;
    for (let k = 1; k < K; k++) {
      const c = cover[b * K + k]!;
      busy += c;
      if (c > cover[b * K + best]! || (best === 0 && c > 0)) best = k;
    }
    const len = Math.min(bucketNs, endNs - b * bucketNs); // the last bucket ends with the run
    if (best !== 0 && len - busy <= cover[b * K + best]!) {
      kinds[b] = best;
      goid[b] = longestG[b * K + best]!;
    }
  }
  return { bucketNs, kinds, goid };
}

/**
 * The rectangles of one lane in the viewport: exact spans (lodRuns) while there is at most about one
 * span per pixel, else the finest pre-aggregated level with buckets no narrower than 2/3 of a pixel
 * (so at most ~1.5 rectangles per pixel column: the frame's cost follows the width).
 */
export function laneRuns(lane: Lane, v: Viewport): Run[] {
  const out: Run[] = [];
  forEachRun(lane, v, (x0, x1, kind, goid, merged, index) => out.push({ x0, x1, kind, goid, index, merged }));
  return out;
}

/** A rectangle of a lane: x in plot pixels, the state, the goroutine, how many spans it stands for. */
export type RunSink = (x0: number, x1: number, kind: number, goid: number, merged: number, index: number) => void;

/** laneRuns without the objects: each rectangle goes to `emit` (the frame loop's hot path). */
export function forEachRun(lane: Lane, v: Viewport, emit: RunSink): void {
  const levels = lane.lod;
  const nsPerPx = (v.t1 - v.t0) / v.width;
  if (levels !== undefined && levels.length > 0) {
    // Spans in view: cheap to count with two binary searches.
    const inView = upperBound(lane.start, v.t1) - upperBound(lane.end, v.t0);
    if (inView > v.width) {
      let lv: LodLevel | undefined;
      for (const l of levels) if (l.bucketNs * 1.5 >= nsPerPx) lv = l;
      if (lv !== undefined) {
        levelEach(lv, v, emit);
        return;
      }
    }
  }
  lodEach(lane.start, lane.end, lane.kinds, lane.goid, v, emit);
}

/** Rectangles from a level: runs of equal buckets merged. */
export function levelRuns(lv: LodLevel, v: Viewport): Run[] {
  const out: Run[] = [];
  levelEach(lv, v, (x0, x1, kind, goid, merged, index) => out.push({ x0, x1, kind, goid, index, merged }));
  return out;
}

function levelEach(lv: LodLevel, v: Viewport, emit: RunSink): void {
  const B = lv.bucketNs;
  const n = lv.kinds.length;
  const pxPerNs = v.width / (v.t1 - v.t0);
  let b = Math.max(0, Math.floor(v.t0 / B));
  const bEnd = Math.min(n, Math.ceil(v.t1 / B));
  while (b < bEnd) {
    const k = lv.kinds[b]!;
    const g = lv.goid[b]!;
    let e = b + 1;
    while (e < bEnd && lv.kinds[e] === k && lv.goid[e] === g) e++;
    if (k !== 0) {
      const x0 = Math.max(0, (b * B - v.t0) * pxPerNs);
      const x1 = Math.min(v.width, (e * B - v.t0) * pxPerNs);
      if (x1 > x0) emit(x0, x1, k, g, 2, -1);
    }
    b = e;
  }
}

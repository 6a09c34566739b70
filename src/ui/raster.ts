// The timeline's lanes rasterized into a pixel buffer, put on the canvas with one putImageData per
// frame. Thousands of small fillRects a frame (one per visible span or pre-aggregated bucket) were
// the frame's main cost in Chromium's software canvas; here a lane costs one typed-array fill per
// rectangle on three pixel rows (full-height spans, their darker top edge, and the row band where
// the half-height scheduler/starting spans also show), and then one row copy per pixel row of the
// lane. Rectangles snap to device pixels (no anti-aliased edges). Pure: no DOM (node tests).

/** #rrggbb → a pixel of a Uint32Array view over RGBA bytes (the platform's byte order). */
export function pixelOf(hex: string): number {
  const r = parseInt(hex.slice(1, 3), 16);
  const g = parseInt(hex.slice(3, 5), 16);
  const b = parseInt(hex.slice(5, 7), 16);
  return pack(r, g, b);
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function pack(r: number, g: number, b: number): number {
  return littleEndian ? ((0xff << 24) | (b << 16) | (g << 8) | r) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | 0xff) >>> 0;
}

function unpack(p: number): [number, number, number] {
  return littleEndian ? [p & 0xff, (p >>> 8) & 0xff, (p >>> 16) & 0xff] : [(p >>> 24) & 0xff, (p >>> 16) & 0xff, (p >>> 8) & 0xff];
}

/** Colour `over` (#rrggbb) at opacity `alpha` over the pixel `under` (what the canvas's source-over gives). */
export function blend(under: number, over: string, alpha: number): number {
  const [r0, g0, b0] = unpack(under);
  const r1 = parseInt(over.slice(1, 3), 16);
  const g1 = parseInt(over.slice(3, 5), 16);
  const b1 = parseInt(over.slice(5, 7), 16);
  const mix = (a: number, b: number) => Math.round(a * (1 - alpha) + b * alpha);
  return pack(mix(r0, r1), mix(g0, g1), mix(b0, b1));
}

/** Device-pixel rows [from, to) of a lane's parts, relative to the buffer's top. */
export interface LaneRows {
  /** Full-height spans (running, syscalls, spinning, _Pgcstop). */
  readonly full: readonly [number, number];
  /** The top edge of full-height spans (syscalls drawn darker there). */
  readonly edge: readonly [number, number];
  /** Where the half-height spans (scheduler, starting) show too. */
  readonly small: readonly [number, number];
}

export class LaneRaster {
  width = 0;
  height = 0;
  /** RGBA bytes, for ImageData; `pixels` views the same memory. */
  bytes = new Uint8ClampedArray(0);
  pixels = new Uint32Array(0);
  private bg = new Uint32Array(0);
  private rowAll = new Uint32Array(0);
  private rowFull = new Uint32Array(0);
  private rowEdge = new Uint32Array(0);

  /** Sizes the buffer (device pixels); keeps the memory while the size does not change. */
  resize(width: number, height: number): void {
    width = Math.max(1, Math.floor(width));
    height = Math.max(1, Math.floor(height));
    if (width === this.width && height === this.height) return;
    this.width = width;
    this.height = height;
    this.bytes = new Uint8ClampedArray(width * height * 4);
    this.pixels = new Uint32Array(this.bytes.buffer);
    this.bg = new Uint32Array(width);
    this.rowAll = new Uint32Array(width);
    this.rowFull = new Uint32Array(width);
    this.rowEdge = new Uint32Array(width);
  }

  /**
   * The background of every row: `base`, grid columns in `grid` colour, then bands ([x0, x1) pairs)
   * blended over it; the whole buffer starts as that row.
   */
  background(base: string, gridXs: readonly number[], grid: string, bands: readonly number[], band: string, bandAlpha: number): void {
    const bg = this.bg;
    const W = this.width;
    bg.fill(pixelOf(base));
    const g = pixelOf(grid);
    for (const x of gridXs) if (x >= 0 && x < W) bg[x] = g;
    for (let i = 0; i < bands.length; i += 2) {
      const x0 = Math.max(0, bands[i]!);
      const x1 = Math.min(W, bands[i + 1]!);
      for (let x = x0; x < x1; x++) bg[x] = blend(bg[x]!, band, bandAlpha);
    }
    const px = this.pixels;
    for (let y = 0; y < this.height; y++) px.set(bg, y * W);
  }

  /** Starts a lane: its three rows are the background. */
  beginLane(): void {
    this.rowAll.set(this.bg);
    this.rowFull.set(this.bg);
    this.rowEdge.set(this.bg);
  }

  /** A rectangle over device columns [x0, x1): full height or half; `edge` is its top edge's pixel. */
  rect(x0: number, x1: number, pixel: number, small: boolean, edge: number): void {
    const a = Math.max(0, x0);
    const b = Math.min(this.width, x1);
    if (b <= a) return;
    this.rowAll.fill(pixel, a, b);
    if (small) return;
    this.rowFull.fill(pixel, a, b);
    this.rowEdge.fill(edge, a, b);
  }

  /** Writes the lane's rows into the buffer (clipped to it). */
  endLane(rows: LaneRows): void {
    const W = this.width;
    const px = this.pixels;
    const [f0, f1] = rows.full;
    const [e0, e1] = rows.edge;
    const [s0, s1] = rows.small;
    for (let y = Math.max(0, Math.min(f0, s0)); y < Math.min(this.height, Math.max(f1, s1)); y++) {
      const row = y >= e0 && y < e1 ? this.rowEdge : y >= s0 && y < s1 ? this.rowAll : y >= f0 && y < f1 ? this.rowFull : null;
      if (row !== null) px.set(row, y * W);
    }
  }
}

// Colours of the timeline: states (syscall, scheduler, spinning…), goroutines, arrows, and the label
// text drawn on them. The goroutine palette avoids the state colours' hues (no orange, red, grey,
// light blue, purple or yellow), and each fill gets the label colour (black or white) with the
// higher contrast, which test/ui/layout.test.ts checks is WCAG AA (4.5:1) for every fill.
import { ArrowKind, SpanKind } from "./model.js";

export const kindColors: Readonly<Record<number, string>> = {
  [SpanKind.Syscall]: "#f0a030",
  [SpanKind.Raw]: "#d0393b",
  [SpanKind.Sched]: "#c9ced6",
  [SpanKind.Spin]: "#8fc1ff",
  [SpanKind.GcStop]: "#9b6dd6",
  [SpanKind.Starting]: "#f3e08a",
};

/** Goroutines: deep blues, greens, teals and browns, far from every state colour. */
export const goroutinePalette: readonly string[] = ["#1f5f8b", "#2e7d32", "#8d4a1c", "#00695c", "#0d47a1", "#33691e", "#5b6b1f", "#00838f", "#6d4c41", "#1b5e20", "#37474f", "#004d40"];

export const arrowColors: Readonly<Record<number, string>> = {
  [ArrowKind.Retake]: "#c0262d",
  [ArrowKind.Handoff]: "#1d8a43",
  [ArrowKind.Preempt]: "#7a3fc2",
};

export const FLOW_COLOR = "#0b7285";

export function goroutineColor(goid: number): string {
  return goroutinePalette[((goid % goroutinePalette.length) + goroutinePalette.length) % goroutinePalette.length]!;
}

/** A small integer per fill colour (goroutines 0–11, then 12 + state), for batching without strings. */
export function colorIndex(kind: number, goid: number): number {
  return kind === SpanKind.Run ? ((goid % goroutinePalette.length) + goroutinePalette.length) % goroutinePalette.length : goroutinePalette.length + kind;
}

export function spanColor(kind: number, goid: number): string {
  return kind === SpanKind.Run ? goroutineColor(goid) : (kindColors[kind] ?? "#999999");
}

/** sRGB relative luminance of #rrggbb (WCAG 2.x). */
export function luminance(hex: string): number {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((x) => (x <= 0.04045 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4)));
  return 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!;
}

export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
}

/** Black or white, whichever reads better on the fill. */
export function labelColor(fill: string): string {
  let c = labelMemo.get(fill);
  if (c === undefined) labelMemo.set(fill, (c = contrast(fill, "#ffffff") >= contrast(fill, "#111111") ? "#ffffff" : "#111111"));
  return c;
}
const labelMemo = new Map<string, string>();

// Simulated time is an integer count of nanoseconds held in a number (exact up to 2^53 ns ≈ 104 days).
// Names carry the unit (`durationNs`); these helpers convert at the edges.

export type Ns = number;

export const ns = (n: number): Ns => Math.round(n);
export const us = (n: number): Ns => Math.round(n * 1e3);
export const ms = (n: number): Ns => Math.round(n * 1e6);
export const sec = (n: number): Ns => Math.round(n * 1e9);

/** Human form for reports: 950ns, 12.5µs, 10.1ms, 1.25s. */
export function formatNs(durationNs: number): string {
  const abs = Math.abs(durationNs);
  if (abs < 1e3) return `${durationNs}ns`;
  if (abs < 1e6) return `${trim(durationNs / 1e3)}µs`;
  if (abs < 1e9) return `${trim(durationNs / 1e6)}ms`;
  return `${trim(durationNs / 1e9)}s`;
}

/** Axis labels: 0, 750ns, 20µs, 1.5ms, 2s — up to three decimals in the largest fitting unit. */
export function formatAxisNs(timeNs: number): string {
  const abs = Math.abs(timeNs);
  const fix = (x: number) => String(Math.round(x * 1000) / 1000);
  if (abs === 0) return "0";
  if (abs < 1e3) return `${fix(timeNs)}ns`;
  if (abs < 1e6) return `${fix(timeNs / 1e3)}µs`;
  if (abs < 1e9) return `${fix(timeNs / 1e6)}ms`;
  return `${fix(timeNs / 1e9)}s`;
}

function trim(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

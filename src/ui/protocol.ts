// Messages between the page and the simulation worker.
import type { Metrics } from "../observers/metrics.js";
import type { TimelineData } from "./model.js";

export interface UiOverride {
  readonly key: string;
  readonly value: string;
}

export interface RunRequest {
  readonly type: "run";
  readonly id: number;
  readonly yaml: string;
  readonly file: string;
  /** Variants to run (empty: the scenario's base, or its first variant). */
  readonly variants: readonly string[];
  /** Overrides per run (same length as variants, or one list for all). */
  readonly overrides: readonly (readonly UiOverride[])[];
  readonly labels?: readonly (string | undefined)[];
}

export interface TraceRequest {
  readonly type: "trace";
  readonly id: number;
  readonly name: string;
  readonly bytes: ArrayBuffer;
}

export interface ExportRequest {
  readonly type: "export";
  readonly id: number;
  readonly format: "perfetto" | "gotrace";
  readonly yaml: string;
  readonly file: string;
  readonly variant: string;
  readonly overrides: readonly UiOverride[];
}

/** Replay a trace (its bytes again: the worker may have been replaced) under other settings. */
export interface WhatIfRequest {
  readonly type: "whatif";
  readonly id: number;
  readonly name: string;
  readonly bytes: ArrayBuffer;
  /** null: the trace's own GOMAXPROCS. */
  readonly gomaxprocs: number | null;
  /** "": the profile closest to the trace's Go version. */
  readonly profile: string;
  readonly policy: string;
  /** A call-site substring whose syscalls take `factor` × as long ("" or 1: none). */
  readonly site: string;
  readonly factor: number;
}

export type WorkerRequest = RunRequest | TraceRequest | ExportRequest | WhatIfRequest;

export interface ScenarioErrorInfo {
  readonly message: string;
  readonly line: number;
  readonly col: number;
  readonly path: string;
  readonly detail: string;
}

export interface RunOutput {
  readonly label: string;
  readonly data: TimelineData;
  readonly metrics: Metrics | null;
  readonly config: { readonly gomaxprocs: number; readonly seed: number; readonly profile: string; readonly policy: string; readonly ncpu: number } | null;
  readonly result: { readonly stoppedBy: string; readonly endTimeNs: number; readonly eventCount: number; readonly fatal: string | null } | null;
  /** The run's full JSON (as `gosched run --json` prints a run), for downloads. */
  readonly json: object | null;
  /** A prediction from a trace: the trace vs the replay at its settings vs the prediction (src/whatif.ts). */
  readonly whatIf?: readonly WhatIfRow[];
  /** A real trace: its syscall call sites (for the what-if) and its GOMAXPROCS. */
  readonly trace?: { readonly sites: readonly { readonly site: string; readonly calls: number }[]; readonly gomaxprocs: number; readonly version: number };
}

/** One figure of a trace what-if: the trace's, the replay's at the trace's settings, the prediction's (null: none). */
export interface WhatIfRow {
  readonly label: string;
  readonly unit: "ns" | "count";
  readonly trace: number | null;
  readonly replay: number | null;
  readonly prediction: number | null;
  /** Latency rows: the call site, and how many of its calls the trace timed (the sample). */
  readonly site?: string;
  readonly traceSample?: number;
}

export type WorkerResponse =
  | { readonly type: "progress"; readonly id: number; readonly run: number; readonly runs: number; readonly events: number; readonly simNs: number }
  | { readonly type: "result"; readonly id: number; readonly scenario: string; readonly variants: readonly string[]; readonly runs: readonly RunOutput[]; readonly report: string; readonly ms: number }
  | { readonly type: "scenario-error"; readonly id: number; readonly error: ScenarioErrorInfo }
  | { readonly type: "export"; readonly id: number; readonly bytes: Uint8Array | string }
  | { readonly type: "error"; readonly id: number; readonly message: string };

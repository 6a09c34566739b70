// Errors caused by the user's input: a scenario, a flag, a trace file. The CLI prints them without a
// stack and exits 2. Each has a stable code so tests and tools can match on it.

export type ErrorCode =
  | "OPTION_INVALID"
  | "SCENARIO_SYNTAX"
  | "SCENARIO_FIELD_INVALID"
  | "PROGRAM_INVALID"
  | "TRACE_MALFORMED"
  | "TRACE_UNSUPPORTED_VERSION"
  | "FILE_NOT_FOUND";

export class GoschedError extends Error {
  override readonly name = "GoschedError";
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The run reached one of the simulator's memory caps (src/base/limits.ts): it stops, naming the cap. */
export class SimulationLimit extends Error {
  override readonly name = "SimulationLimit";
  constructor(
    readonly stoppedBy: "max-goroutines",
    message: string,
  ) {
    super(message);
  }
}

/** A fatal condition the simulated runtime itself reports (Go's throw/fatal): exit code 1. */
export class RuntimeFatal extends Error {
  override readonly name = "RuntimeFatal";
  constructor(
    /** What the Go runtime would print, e.g. "fatal error: thread exhaustion". */
    readonly goMessage: string,
    readonly timeNs: number,
  ) {
    super(goMessage);
  }
}

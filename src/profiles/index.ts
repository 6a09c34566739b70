// Version profiles: a profile fixes the runtime's constants and rule variants; costs and the machine
// default to this machine's calibration. Options override any figure.
import { GoschedError } from "../base/errors.js";
import { defaultMaxGoroutines, maxDurationNs, maxEvents, maxMaxGoroutines, maxProcs, maxSeed, maxThreads } from "../base/limits.js";
import type { Costs, GcSettings, Machine, Policy, ProfileName, Rules, RuntimeConfig, RuntimeConstants } from "../runtime/config.js";
import { parsePolicy } from "../policies/index.js";
import { go110Constants, go110Rules } from "./go1_10.js";
import { defaultGc, go119Constants, go119Costs, go119Rules, thisMachine } from "./go1_19.js";
import { go123Constants, go123Rules } from "./go1_23.js";
import { go126Constants, go126Rules } from "./go1_26.js";
import { go127Constants, go127Rules } from "./go1_27.js";

/** The model's bound on GOMAXPROCS: Go allows more; the model's per-P arrays and lanes are sized for this. */
export const maxGomaxprocs = maxProcs;

export const profileNames: readonly ProfileName[] = ["go1.10", "go1.19", "go1.23", "go1.26", "go1.27"];

const profiles: Record<ProfileName, { constants: RuntimeConstants; rules: Rules }> = {
  "go1.10": { constants: go110Constants, rules: go110Rules },
  "go1.19": { constants: go119Constants, rules: go119Rules },
  "go1.23": { constants: go123Constants, rules: go123Rules },
  "go1.26": { constants: go126Constants, rules: go126Rules },
  "go1.27": { constants: go127Constants, rules: go127Rules },
};

export interface ConfigOptions {
  readonly profile?: ProfileName;
  /** A syscall policy, parsed or as text ("immediate-handoff", "sysmon-tick=1ms", …). */
  readonly policy?: Policy | string;
  readonly gomaxprocs?: number;
  readonly seed?: number;
  readonly constants?: Partial<RuntimeConstants>;
  readonly costs?: Partial<Costs>;
  readonly machine?: Partial<Machine>;
  readonly gc?: Partial<GcSettings>;
  readonly startIdleThreads?: number;
  readonly schedtraceNs?: number;
  readonly maxTimeNs?: number;
  readonly maxEvents?: number;
  readonly maxGoroutines?: number;
}

/** Library callers get the bounds scenarios get (src/base/limits.ts), as option errors. */
function checkBounds(o: ConfigOptions): void {
  const whole = (name: string, v: number | undefined, min: number, max: number): void => {
    if (v !== undefined && !(Number.isInteger(v) && v >= min && v <= max)) throw new GoschedError("OPTION_INVALID", `${name}: expected a whole number from ${min} to ${max}, got ${v}`);
  };
  whole("maxEvents", o.maxEvents, 1, maxEvents);
  whole("maxGoroutines", o.maxGoroutines, 1, maxMaxGoroutines);
  whole("constants.maxmcount", o.constants?.maxmcount, 1, maxThreads);
  whole("machine.ncpu", o.machine?.ncpu, 1, maxProcs);
  whole("maxTimeNs", o.maxTimeNs, 0, maxDurationNs);
}

export function resolveConfig(o: ConfigOptions = {}): RuntimeConfig {
  checkBounds(o);
  const profile = o.profile ?? "go1.19";
  const base = profiles[profile];
  if (base === undefined) {
    throw new GoschedError("OPTION_INVALID", `unknown profile "${String(profile)}"; expected one of: ${profileNames.join(", ")}`);
  }
  const policy = typeof o.policy === "string" ? parsePolicy(o.policy) : (o.policy ?? { name: "sysmon-retake" as const });
  // sysmon-tick=<d> (Go issue 18236): sysmon's minimum sleep; the 10 ms cap rises with it if needed.
  const tick: Partial<RuntimeConstants> =
    policy.name === "sysmon-tick"
      ? { sysmonDelayUsMin: policy.tickNs / 1e3, sysmonDelayUsMax: Math.max(base.constants.sysmonDelayUsMax, policy.tickNs / 1e3) }
      : {};
  const gomaxprocs = o.gomaxprocs ?? thisMachine.ncpu;
  // Input errors of the library's caller, reported as such (not as a model invariant).
  if (!Number.isInteger(gomaxprocs) || gomaxprocs < 1 || gomaxprocs > maxGomaxprocs) {
    throw new GoschedError("OPTION_INVALID", `gomaxprocs must be an integer in [1, ${maxGomaxprocs}], got ${gomaxprocs}`);
  }
  const seed = o.seed ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > maxSeed) {
    throw new GoschedError("OPTION_INVALID", `seed must be an integer in [0, 2^53), got ${seed}`);
  }
  return {
    profile,
    rules: base.rules,
    policy,
    gomaxprocs,
    seed,
    constants: { ...base.constants, ...tick, ...o.constants },
    costs: { ...go119Costs, ...o.costs },
    machine: { ...thisMachine, ...o.machine },
    gc: { ...defaultGc, ...o.gc },
    startIdleThreads: o.startIdleThreads ?? -1,
    schedtraceNs: o.schedtraceNs ?? 0,
    maxTimeNs: o.maxTimeNs ?? 3600e9,
    maxEvents: o.maxEvents ?? 50_000_000,
    maxGoroutines: o.maxGoroutines ?? defaultMaxGoroutines,
  };
}

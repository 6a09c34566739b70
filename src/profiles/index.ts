// Version profiles: a profile fixes the runtime's constants and rule variants; costs and the machine
// default to this machine's calibration. Options override any figure.
import type { Costs, GcSettings, Machine, ProfileName, RuntimeConfig, RuntimeConstants } from "../runtime/config.js";
import { defaultGc, go119Constants, go119Costs, thisMachine } from "./go1_19.js";

export const profileNames: readonly ProfileName[] = ["go1.19"];

export interface ConfigOptions {
  readonly profile?: ProfileName;
  readonly gomaxprocs?: number;
  readonly seed?: number;
  readonly constants?: Partial<RuntimeConstants>;
  readonly costs?: Partial<Costs>;
  readonly machine?: Partial<Machine>;
  readonly gc?: Partial<GcSettings>;
  readonly startIdleMs?: number;
  readonly schedtraceNs?: number;
  readonly maxTimeNs?: number;
  readonly maxEvents?: number;
}

export function resolveConfig(o: ConfigOptions = {}): RuntimeConfig {
  const profile = o.profile ?? "go1.19";
  return {
    profile,
    gomaxprocs: o.gomaxprocs ?? thisMachine.ncpu,
    seed: o.seed ?? 1,
    constants: { ...go119Constants, ...o.constants },
    costs: { ...go119Costs, ...o.costs },
    machine: { ...thisMachine, ...o.machine },
    gc: { ...defaultGc, ...o.gc },
    startIdleMs: o.startIdleMs ?? -1,
    schedtraceNs: o.schedtraceNs ?? 0,
    maxTimeNs: o.maxTimeNs ?? 3600e9,
    maxEvents: o.maxEvents ?? 50_000_000,
  };
}

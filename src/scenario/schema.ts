// The JSON Schema of scenario files, built here and published as schema/scenario.schema.json (a test
// keeps the two equal; `gosched schema` prints it). Branches use if/then/else rather than anyOf so a
// validator reports the one error that matters, with its path.
import { go119Constants, go119Costs, thisMachine } from "../profiles/go1_19.js";
import { plainPolicyNames, policyNames } from "../policies/index.js";
import { profileNames } from "../profiles/index.js";
import { maxCount, maxDurationNs, maxEvents, maxMaxGoroutines, maxProcs, maxSeed, maxThreads } from "../base/limits.js";
import { durationPattern, ratePattern, sizePattern } from "./units.js";

export const paramRefPattern = "\\$\\{[A-Za-z_][A-Za-z0-9_.]*\\}";
export const namePattern = "^[A-Za-z_][A-Za-z0-9_.-]*$";
/** sysmon-tick=<duration>: sysmon's minimum sleep (Go issue 18236), with the one duration syntax. */
export const sysmonTickPattern = `^sysmon-tick=${durationPattern.slice(1)}`;

/** Ops that take no argument: `- gosched`. */
export const bareOps = ["gosched", "gc", "exit", "lockOSThread", "unlockOSThread"] as const;
/** Syscall-like ops: `- syscall: 10ms` or `- syscall: { duration: 10ms, site: …, timing: nanosleep }`. */
export const callOps = ["syscall", "syscall6", "rawSyscall", "rawSyscall6", "blockingSyscall", "cgocall", "read", "write", "nanosleep"] as const;
/** Network ops: `- netRead: 5ms` (the fd is ready after that latency) or `{ latency: 5ms, site: … }`. */
export const netOps = ["netRead", "netWrite", "accept"] as const;
export const opNames = [
  "compute",
  ...callOps,
  ...netOps,
  "tightLoop",
  "sleep",
  "timer",
  ...bareOps,
  "go",
  "send",
  "recv",
  "close",
  "select",
  "wgAdd",
  "wgDone",
  "wgWait",
  "lock",
  "unlock",
  "alloc",
  "repeat",
  "sequence",
  "choice",
] as const;

const ref = (name: string) => ({ $ref: `#/definitions/${name}` });
const str = (description: string) => ({ type: "string", description });
const nameRef = (description: string) => ({ type: "string", pattern: namePattern, description });

/** The argument of `- gc:` written as a mapping: nothing (one shared object, see load.ts). */
/** ajv's options for the scenario schema (load.ts compiles with them; so does the precompiled validator). */
export const validatorOptions = { allErrors: false, verbose: true, strict: false } as const;

export const bareOpArg = { type: ["null", "object"], maxProperties: 0 } as const;

const durationString = `^(${durationPattern.slice(1, -1)}|\\s*${paramRefPattern}\\s*)$`;

function settingsNsOrNumber(keys: readonly string[], extra: Record<string, object> = {}): object {
  const props: Record<string, object> = {};
  for (const k of keys) props[k] = k.endsWith("Ns") ? ref("NsValue") : { type: "number", minimum: 0, maximum: maxCount };
  return { type: "object", additionalProperties: false, properties: { ...props, ...extra } };
}

const constantsProps: Record<string, object> = {};
for (const [k, v] of Object.entries(go119Constants)) {
  constantsProps[k] = typeof v === "boolean" ? { type: "boolean" } : k.endsWith("Ns") ? ref("NsValue") : k === "maxmcount" ? { type: "integer", minimum: 1, maximum: maxThreads } : { type: "number", minimum: 0, maximum: maxCount };
}

export const scenarioSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://github.com/gosched/gosched/schema/scenario.schema.json",
  title: "gosched scenario",
  description: "A workload and the runtime settings to simulate it under (docs/scenarios.md).",
  type: "object",
  additionalProperties: false,
  required: ["programs"],
  properties: {
    $schema: { type: "string" },
    name: str("Short name, used as the run's label when there are no variants."),
    description: str("What the scenario shows."),
    settings: ref("Settings"),
    params: {
      type: "object",
      description: "Values substituted into the scenario wherever ${name} appears; variants override them.",
      propertyNames: { pattern: "^[A-Za-z_][A-Za-z0-9_.]*$" },
      additionalProperties: { type: ["string", "number", "boolean"] },
    },
    channels: {
      type: "object",
      description: "Channels by name, each with its capacity (0 = unbuffered).",
      propertyNames: { pattern: namePattern },
      additionalProperties: { type: "integer", minimum: 0, maximum: maxCount },
    },
    waitgroups: { type: "array", items: nameRef("A sync.WaitGroup"), uniqueItems: true },
    mutexes: { type: "array", items: nameRef("A sync.Mutex"), uniqueItems: true },
    programs: {
      type: "object",
      description: "Goroutine programs by name: lists of ops.",
      propertyNames: { pattern: namePattern },
      minProperties: 1,
      additionalProperties: ref("Block"),
    },
    goroutines: {
      type: "array",
      description: "Goroutine groups started by main, which waits for all of them.",
      items: ref("Group"),
    },
    arrivals: {
      type: "array",
      description: "Open-loop request generators: each request runs the handler program in a new goroutine.",
      items: ref("Arrival"),
    },
    variants: {
      type: "array",
      description: "Named configurations run side by side: overrides of settings and params.",
      minItems: 1,
      items: ref("Variant"),
    },
  },
  definitions: {
    Settings: {
      type: "object",
      additionalProperties: false,
      properties: {
        gomaxprocs: { type: "integer", minimum: 1, maximum: maxProcs },
        profile: { enum: [...profileNames], description: "Go version profile." },
        policy: {
          type: "string",
          if: { pattern: "^sysmon-tick=" },
          then: { pattern: sysmonTickPattern },
          else: { enum: [...plainPolicyNames] },
          description: `Syscall policy: ${policyNames.join(", ")} (sysmon-retake is today's design).`,
        },
        seed: { type: "integer", minimum: 0, maximum: maxSeed },
        maxTime: { ...ref("NsValue"), description: "Stop the run at this simulated time." },
        maxEvents: { type: "integer", minimum: 1, maximum: maxEvents, description: "Stop the run after this many engine events." },
        maxGoroutines: { type: "integer", minimum: 1, maximum: maxMaxGoroutines, description: "Stop the run when this many goroutines are alive at once (a memory cap, docs/limits.md)." },
        costs: settingsNsOrNumber(Object.keys(go119Costs)),
        constants: { type: "object", additionalProperties: false, properties: constantsProps },
        machine: settingsNsOrNumber(
          Object.keys(thisMachine).filter((k) => k !== "sleepExtraNsPoints" && !k.endsWith("Spreads") && !k.endsWith("Spread")),
          {
            ncpu: { type: "integer", minimum: 1, maximum: maxProcs },
            sleepExtraNsPoints: { type: "array", items: { type: "array", items: { type: "number", minimum: 0, maximum: maxDurationNs }, minItems: 2, maxItems: 2 } },
          },
        ),
        gc: {
          type: "object",
          additionalProperties: false,
          properties: { gogc: { type: "integer", minimum: 1, maximum: maxCount }, minHeapBytes: ref("Size"), liveHeapBytes: ref("Size") },
        },
      },
    },
    NsValue: {
      description: "Nanoseconds: a number, or a duration with a unit (10ms).",
      type: ["number", "string"],
      minimum: 0,
      maximum: maxDurationNs,
      pattern: durationString,
    },
    Size: { type: ["integer", "string"], minimum: 0, pattern: sizePattern },
    Duration: {
      description: "A duration with a unit (300ns, 50us, 2ms, 1.5s) or a distribution.",
      if: { type: "object" },
      then: ref("Distribution"),
      else: { type: ["string", "number"], pattern: durationString, minimum: 0, maximum: maxDurationNs },
    },
    Count: {
      description: "A whole number, or a distribution of numbers (sampled each time).",
      if: { type: "object" },
      then: ref("Distribution"),
      else: { type: "integer", minimum: 0, maximum: maxCount },
    },
    DistValue: { type: ["string", "number"] },
    Distribution: {
      type: "object",
      required: ["dist"],
      additionalProperties: false,
      properties: {
        dist: { enum: ["constant", "uniform", "exponential", "normal", "lognormal", "empirical"] },
        value: ref("DistValue"),
        min: ref("DistValue"),
        max: ref("DistValue"),
        mean: ref("DistValue"),
        stddev: ref("DistValue"),
        median: ref("DistValue"),
        sigma: { type: "number", minimum: 0, maximum: 20 },
        values: { type: "array", minItems: 1, items: ref("DistValue") },
      },
      allOf: [
        { if: { properties: { dist: { const: "constant" } } }, then: { required: ["value"] } },
        { if: { properties: { dist: { const: "uniform" } } }, then: { required: ["min", "max"] } },
        { if: { properties: { dist: { const: "exponential" } } }, then: { required: ["mean"] } },
        { if: { properties: { dist: { const: "normal" } } }, then: { required: ["mean", "stddev"] } },
        { if: { properties: { dist: { const: "lognormal" } } }, then: { required: ["median", "sigma"] } },
        { if: { properties: { dist: { const: "empirical" } } }, then: { required: ["values"] } },
      ],
    },
    Block: { type: "array", minItems: 1, items: ref("Op") },
    Op: {
      if: { type: "string" },
      then: { enum: [...bareOps] },
      else: ref("OpMap"),
    },
    CallSpec: {
      if: { type: "object", not: { required: ["dist"] } },
      then: {
        type: "object",
        required: ["duration"],
        additionalProperties: false,
        properties: { duration: ref("Duration"), site: { type: "string" }, timing: { enum: ["exact", "nanosleep"] } },
      },
      else: ref("Duration"),
    },
    NetSpec: {
      description: "How long until the fd is ready (the goroutine parks on the netpoller meanwhile), or { latency, site }.",
      if: { type: "object", not: { required: ["dist"] } },
      then: {
        type: "object",
        required: ["latency"],
        additionalProperties: false,
        properties: { latency: ref("Duration"), site: { type: "string" } },
      },
      else: ref("Duration"),
    },
    OpMap: {
      type: "object",
      minProperties: 1,
      maxProperties: 1,
      additionalProperties: false,
      patternProperties: { [`^${paramRefPattern}$`]: ref("CallSpec") },
      properties: {
        compute: {
          if: { type: "object", not: { required: ["dist"] } },
          then: { type: "object", required: ["duration"], additionalProperties: false, properties: { duration: ref("Duration"), site: { type: "string" } } },
          else: ref("Duration"),
        },
        ...Object.fromEntries(callOps.map((k) => [k, ref("CallSpec")])),
        ...Object.fromEntries(netOps.map((k) => [k, ref("NetSpec")])),
        tightLoop: {
          if: { type: "object", not: { required: ["dist"] } },
          then: { type: "object", required: ["duration"], additionalProperties: false, properties: { duration: ref("Duration"), site: { type: "string" } } },
          else: ref("Duration"),
        },
        sleep: ref("Duration"),
        timer: {
          type: "object",
          additionalProperties: false,
          required: ["chan", "duration"],
          description: "time.NewTimer / time.After: the channel (capacity >= 1) receives once, `duration` from now; select on it for a timeout.",
          properties: { chan: nameRef("Channel name."), duration: ref("Duration") },
        },
        ...Object.fromEntries(bareOps.map((k) => [k, bareOpArg])),
        go: nameRef("Name of the program the new goroutine runs."),
        send: nameRef("Channel name."),
        recv: nameRef("Channel name."),
        close: nameRef("Channel name."),
        select: {
          type: "object",
          additionalProperties: false,
          required: ["cases"],
          properties: {
            cases: {
              type: "array",
              minItems: 1,
              items: {
                type: "object",
                minProperties: 1,
                maxProperties: 1,
                additionalProperties: false,
                properties: { send: nameRef("Channel name."), recv: nameRef("Channel name.") },
              },
            },
            default: { type: "boolean" },
          },
        },
        wgAdd: {
          type: "object",
          additionalProperties: false,
          required: ["wg", "delta"],
          properties: { wg: nameRef("WaitGroup name."), delta: { type: "integer", minimum: -maxCount, maximum: maxCount } },
        },
        wgDone: nameRef("WaitGroup name."),
        wgWait: nameRef("WaitGroup name."),
        lock: nameRef("Mutex name."),
        unlock: nameRef("Mutex name."),
        alloc: ref("Size"),
        repeat: {
          type: "object",
          additionalProperties: false,
          required: ["count", "do"],
          properties: { count: ref("Count"), do: ref("Block") },
        },
        sequence: ref("Block"),
        choice: {
          type: "array",
          minItems: 1,
          items: {
            type: "object",
            additionalProperties: false,
            required: ["weight", "do"],
            properties: { weight: { type: "integer", minimum: 1, maximum: maxCount }, do: ref("Block") },
          },
        },
      },
    },
    Group: {
      type: "object",
      additionalProperties: false,
      required: ["program"],
      properties: { program: nameRef("Program name."), count: { type: "integer", minimum: 1, maximum: maxMaxGoroutines } },
    },
    Arrival: {
      type: "object",
      additionalProperties: false,
      required: ["handler", "rate"],
      properties: {
        name: { type: "string" },
        handler: nameRef("Program each request runs."),
        rate: { type: ["number", "string"], exclusiveMinimum: 0, pattern: ratePattern },
        process: { enum: ["poisson", "fixed"] },
        requests: { type: "integer", minimum: 1, maximum: maxCount },
        duration: ref("NsValue"),
      },
    },
    Variant: {
      type: "object",
      additionalProperties: false,
      required: ["name"],
      properties: {
        name: { type: "string", minLength: 1 },
        description: { type: "string" },
        settings: ref("Settings"),
        params: { type: "object", additionalProperties: { type: ["string", "number", "boolean"] } },
      },
    },
  },
} as const;

// A validated scenario document → the core's compact op-array programs and simulate() options.
//
// main = wgAdd(total); go each group's program `count` times; go each arrival generator; wgWait.
// Programs started by main (groups, arrival handlers) are compiled with a final wgDone (an `exit` op
// jumps there). A generator is a listener: `repeat requests { accept (ready after the gap); go handler }`
// with exponential (Poisson) or constant gaps — requests come in through the network poller, as a
// server's do, not through a Go timer (whose idle resolution is epoll's millisecond).
// `go` of a named program starts an unwaited goroutine, as in Go.
import { defaultMaxGoroutines, formatBytes, goroutineBytes, maxCount } from "../base/limits.js";
import { GoschedError } from "../base/errors.js";
import { resolveConfig, type ConfigOptions } from "../profiles/index.js";
import { Chan, Mutex, WaitGroup, type Distribution, type Duration, type Instr, type Op, type OpArrayProgram, type Program, type SelectCase } from "../runtime/ops.js";
import { pointerJoin } from "./errors.js";
import type { Json, JsonObject, Located } from "./load.js";
import { parseDuration, parseRate, parseSize } from "./units.js";

export interface CompiledRun {
  readonly label: string;
  readonly options: ConfigOptions & { readonly main: Program };
  readonly policy: string;
  /** Params after variant and overrides, for reports. */
  readonly params: Readonly<Record<string, string | number | boolean>>;
  /** Goroutines main starts (groups + arrival requests), all waited for. */
  readonly waitedGoroutines: number;
}

type O = JsonObject;
const obj = (v: Json | undefined): O => (v !== null && typeof v === "object" && !Array.isArray(v) ? v : {});
const arr = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : []);

const wrappers = {
  syscall: ["syscall", "Syscall", "syscall.Syscall", "exact"],
  syscall6: ["syscall", "Syscall6", "syscall.Syscall6", "exact"],
  read: ["syscall", "Read", "syscall.Read", "exact"],
  write: ["syscall", "Write", "syscall.Write", "exact"],
  nanosleep: ["syscall", "Syscall", "syscall.Nanosleep", "nanosleep"],
  rawSyscall: ["rawSyscall", "RawSyscall", "syscall.RawSyscall", "exact"],
  rawSyscall6: ["rawSyscall", "RawSyscall6", "syscall.RawSyscall6", "exact"],
  blockingSyscall: ["blockingSyscall", "", "entersyscallblock", "exact"],
  cgocall: ["cgocall", "", "cgocall", "exact"],
} as const;

export function compileRun(loc: Located, label: string): CompiledRun {
  const doc = loc.value;
  const settings = obj(doc.settings);
  const options: Record<string, unknown> = {};
  const sp = "/settings";
  if (settings.gomaxprocs !== undefined) options.gomaxprocs = settings.gomaxprocs;
  if (settings.profile !== undefined) options.profile = settings.profile;
  if (typeof settings.policy === "string") {
    try {
      resolveConfig({ policy: settings.policy }); // parses it: a bad tick is refused here, positioned
    } catch (e) {
      if (e instanceof GoschedError) loc.fail(pointerJoin(sp, "policy"), e.message);
      throw e;
    }
    options.policy = settings.policy;
  }
  if (settings.seed !== undefined) options.seed = settings.seed;
  if (settings.maxEvents !== undefined) options.maxEvents = settings.maxEvents;
  if (settings.maxGoroutines !== undefined) options.maxGoroutines = settings.maxGoroutines;
  const maxGoroutines = (settings.maxGoroutines as number | undefined) ?? defaultMaxGoroutines;
  if (settings.maxTime !== undefined) options.maxTimeNs = nsValue(loc, pointerJoin(sp, "maxTime"), settings.maxTime);
  for (const section of ["costs", "constants", "machine"] as const) {
    const s = obj(settings[section]);
    if (Object.keys(s).length === 0) continue;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s)) out[k] = k.endsWith("Ns") && k !== "sleepExtraNsPoints" ? nsValue(loc, `${sp}/${section}/${k}`, v) : v;
    options[section] = out;
  }
  if (settings.gc !== undefined) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj(settings.gc))) out[k] = k === "gogc" ? v : size(loc, `${sp}/gc/${k}`, v);
    options.gc = out;
  }

  const chans = new Map<string, Chan>();
  for (const [k, v] of Object.entries(obj(doc.channels))) chans.set(k, new Chan(v as number, k));
  const wgs = new Map<string, WaitGroup>();
  for (const k of arr(doc.waitgroups)) wgs.set(String(k), new WaitGroup(String(k)));
  const mutexes = new Map<string, Mutex>();
  for (const k of arr(doc.mutexes)) mutexes.set(String(k), new Mutex(String(k)));
  const mainWg = new WaitGroup("main");
  const programs = obj(doc.programs);

  const c = new Compiler(loc, programs, chans, wgs, mutexes, mainWg);
  c.checkCycles();

  const main: Instr[] = [];
  let total = 0;
  let registers = 0;
  const groups = arr(doc.goroutines);
  const arrivals = arr(doc.arrivals);
  if (groups.length === 0 && arrivals.length === 0) loc.fail("", "nothing to run: add `goroutines:` (groups started by main) or `arrivals:` (request generators)");
  const spawns: { program: Program; count: number }[] = [];
  groups.forEach((g, i) => {
    const go = obj(g);
    const name = String(go.program);
    const program = c.program(name, true, `/goroutines/${i}/program`);
    const count = (go.count as number | undefined) ?? 1;
    total += count;
    // main starts them all at once: a total above the live-goroutine cap would stop the run midway.
    if (total >= maxGoroutines) {
      loc.fail(`/goroutines/${i}/count`, `${total} goroutines (with main) exceed the cap of ${maxGoroutines} live goroutines (settings.maxGoroutines; about ${goroutineBytes} bytes each, ${formatBytes(total * goroutineBytes)} here; docs/limits.md)`);
    }
    spawns.push({ program, count });
  });
  arrivals.forEach((a, i) => {
    const ap = `/arrivals/${i}`;
    const ao = obj(a);
    const handler = c.program(String(ao.handler), true, `${ap}/handler`);
    const rate = parseRate(ao.rate);
    if (!rate.ok) loc.fail(`${ap}/rate`, rate.message);
    let requests = ao.requests as number | undefined;
    if (requests === undefined) {
      if (ao.duration === undefined) loc.fail(ap, "an arrival needs `requests:` (how many) or `duration:` (for how long, at the rate)");
      requests = Math.round((nsValue(loc, `${ap}/duration`, ao.duration) / 1e9) * rate.value);
      if (requests < 1) loc.fail(`${ap}/duration`, `at ${rate.value}/s this duration yields no request`);
      if (requests > maxCount) loc.fail(`${ap}/duration`, `at ${rate.value}/s this duration yields ${requests} requests, more than the limit of ${maxCount} (docs/limits.md)`);
    } else if (ao.duration !== undefined) loc.fail(`${ap}/duration`, "give either `requests:` or `duration:`, not both", true);
    const meanNs = 1e9 / rate.value;
    const gap: Duration = ao.process === "fixed" ? Math.round(meanNs) : { dist: "exponential", meanNs };
    const name = `arrivals:${String(ao.name ?? ao.handler)}`;
    const gen: OpArrayProgram = {
      kind: "ops",
      name,
      registers: 1,
      code: [{ op: "loop", count: requests, register: 0, endPc: 3 }, { op: "accept", latencyNs: gap, site: name }, { op: "go", program: handler, site: name }, { op: "endloop", startPc: 0, register: 0 }],
    };
    total += requests;
    spawns.push({ program: gen, count: 1 });
  });
  if (total > 0) main.push({ op: "wgAdd", wg: mainWg, delta: total });
  for (const s of spawns) {
    if (s.count === 1) main.push({ op: "go", program: s.program, site: "main" });
    else {
      registers = 1;
      const start = main.length;
      main.push({ op: "loop", count: s.count, register: 0, endPc: start + 2 });
      main.push({ op: "go", program: s.program, site: "main" });
      main.push({ op: "endloop", startPc: start, register: 0 });
    }
  }
  if (total > 0) main.push({ op: "wgWait", wg: mainWg });
  options.main = { kind: "ops", name: "main", code: main, registers } satisfies OpArrayProgram;

  const params: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(obj(doc.params))) params[k] = v as string | number | boolean;
  return {
    label,
    options: options as unknown as CompiledRun["options"],
    policy: typeof settings.policy === "string" ? settings.policy : "sysmon-retake",
    params,
    waitedGoroutines: total,
  };
}

function nsValue(loc: Located, ptr: string, v: Json | undefined): number {
  const r = parseDuration(v, true);
  if (!r.ok) loc.fail(ptr, r.message);
  return r.value;
}

function size(loc: Located, ptr: string, v: Json | undefined): number {
  const r = parseSize(v);
  if (!r.ok) loc.fail(ptr, r.message);
  return r.value;
}

class Compiler {
  private readonly compiled = new Map<string, OpArrayProgram>();
  constructor(
    private readonly loc: Located,
    private readonly programs: O,
    private readonly chans: Map<string, Chan>,
    private readonly wgs: Map<string, WaitGroup>,
    private readonly mutexes: Map<string, Mutex>,
    private readonly mainWg: WaitGroup,
  ) {}

  /** Rejects `go` cycles (a program that starts itself, directly or not), naming the cycle. */
  checkCycles(): void {
    const edges = new Map<string, { to: string; ptr: string }[]>();
    for (const [name, body] of Object.entries(this.programs)) {
      const out: { to: string; ptr: string }[] = [];
      const walk = (v: Json | undefined, ptr: string): void => {
        if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${ptr}/${i}`));
        else if (v !== null && typeof v === "object") {
          for (const [k, x] of Object.entries(v)) {
            if (k === "go" && typeof x === "string") out.push({ to: x, ptr: pointerJoin(ptr, k) });
            else walk(x, pointerJoin(ptr, k));
          }
        }
      };
      walk(body, pointerJoin("/programs", name));
      edges.set(name, out);
    }
    const state = new Map<string, 1 | 2>();
    const stack: string[] = [];
    const visit = (n: string): void => {
      state.set(n, 1);
      stack.push(n);
      for (const e of edges.get(n) ?? []) {
        if (!edges.has(e.to)) this.loc.fail(e.ptr, `unknown program '${e.to}' (programs: ${[...edges.keys()].join(", ")})`, false, "PROGRAM_INVALID");
        const s = state.get(e.to);
        if (s === 1) {
          const cycle = [...stack.slice(stack.indexOf(e.to)), e.to].join(" → ");
          this.loc.fail(e.ptr, `cycle in go references: ${cycle} (each goroutine would start another without end)`, false, "PROGRAM_INVALID");
        }
        if (s === undefined) visit(e.to);
      }
      stack.pop();
      state.set(n, 2);
    };
    for (const n of edges.keys()) if (!state.has(n)) visit(n);
  }

  /** The program by name; `waited` appends wgDone(main) so main's wgWait sees it end. */
  program(name: string, waited: boolean, refPtr: string): OpArrayProgram {
    const key = `${waited ? "w" : "u"}:${name}`;
    const done = this.compiled.get(key);
    if (done !== undefined) return done;
    const body = this.programs[name];
    if (body === undefined) this.loc.fail(refPtr, `unknown program '${name}' (programs: ${Object.keys(this.programs).join(", ")})`, false, "PROGRAM_INVALID");
    const code: Instr[] = [];
    const exits: number[] = [];
    const depth = { max: 0 };
    this.block(arr(body), pointerJoin("/programs", name), code, 0, depth, waited ? exits : null);
    if (waited) {
      for (const pc of exits) code[pc] = { op: "jump", pc: code.length };
      code.push({ op: "wgAdd", wg: this.mainWg, delta: -1 });
    }
    const p: OpArrayProgram = { kind: "ops", name, code, registers: depth.max };
    this.compiled.set(key, p);
    return p;
  }

  private block(ops: Json[], ptr: string, code: Instr[], depth: number, maxDepth: { max: number }, exits: number[] | null): void {
    ops.forEach((op, i) => this.op(op, `${ptr}/${i}`, code, depth, maxDepth, exits));
  }

  private op(v: Json, ptr: string, code: Instr[], depth: number, maxDepth: { max: number }, exits: number[] | null): void {
    const loc = this.loc;
    if (typeof v === "string") {
      if (v === "exit" && exits !== null) {
        exits.push(code.length);
        code.push({ op: "jump", pc: -1 });
      } else code.push({ op: v as "gosched" | "gc" | "exit" | "lockOSThread" | "unlockOSThread" });
      return;
    }
    const [name, arg] = Object.entries(obj(v))[0]!;
    const ap = pointerJoin(ptr, name);
    switch (name) {
      case "compute":
      case "tightLoop": {
        const spec = obj(arg);
        const isSpec = typeof arg === "object" && arg !== null && !("dist" in spec);
        const d = this.duration(isSpec ? spec.duration : arg, isSpec ? `${ap}/duration` : ap);
        const site = isSpec && typeof spec.site === "string" ? { site: spec.site } : {};
        // tightLoop: a loop without calls — no prologue, so only asynchronous preemption (go1.14+) stops it
        code.push(name === "tightLoop" ? { op: "compute", durationNs: d, noCalls: true, ...site } : { op: "compute", durationNs: d, ...site });
        return;
      }
      case "netRead":
      case "netWrite":
      case "accept": {
        const spec = obj(arg);
        const isSpec = typeof arg === "object" && arg !== null && !("dist" in spec);
        const d = this.duration(isSpec ? spec.latency : arg, isSpec ? `${ap}/latency` : ap);
        code.push(isSpec && typeof spec.site === "string" ? { op: name, latencyNs: d, site: spec.site } : { op: name, latencyNs: d });
        return;
      }
      case "syscall":
      case "syscall6":
      case "read":
      case "write":
      case "nanosleep":
      case "rawSyscall":
      case "rawSyscall6":
      case "blockingSyscall":
      case "cgocall": {
        const [kind, wrapper, site, timing] = wrappers[name];
        const spec = obj(arg);
        const isSpec = typeof arg === "object" && arg !== null && !("dist" in spec);
        const d = this.duration(isSpec ? spec.duration : arg, isSpec ? `${ap}/duration` : ap);
        const s = {
          durationNs: d,
          timing: isSpec && typeof spec.timing === "string" ? (spec.timing as "exact" | "nanosleep") : timing,
          site: isSpec && typeof spec.site === "string" ? spec.site : site,
        };
        if (kind === "syscall") code.push({ op: "syscall", wrapper: wrapper as "Syscall", ...s });
        else if (kind === "rawSyscall") code.push({ op: "rawSyscall", wrapper: wrapper as "RawSyscall", ...s });
        else code.push({ op: kind, ...s });
        return;
      }
      case "sleep":
        code.push({ op: "sleep", durationNs: this.duration(arg, ap) });
        return;
      case "timer": {
        const to = obj(arg);
        const ch = this.chan(String(to.chan), `${ap}/chan`);
        if (ch.capacity < 1) loc.fail(`${ap}/chan`, `a timer's channel needs capacity >= 1 (time.NewTimer's is make(chan Time, 1)); '${String(to.chan)}' is unbuffered`, false, "PROGRAM_INVALID");
        code.push({ op: "timer", chan: ch, durationNs: this.duration(to.duration, `${ap}/duration`) });
        return;
      }
      case "gosched":
      case "gc":
      case "lockOSThread":
      case "unlockOSThread":
        code.push({ op: name });
        return;
      case "exit":
        if (exits !== null) {
          exits.push(code.length);
          code.push({ op: "jump", pc: -1 });
        } else code.push({ op: "exit" });
        return;
      case "go":
        code.push({ op: "go", program: this.program(String(arg), false, ap), site: `go ${String(arg)}` });
        return;
      case "send":
      case "recv":
      case "close":
        code.push({ op: name, chan: this.chan(String(arg), ap) } as Op);
        return;
      case "select": {
        const so = obj(arg);
        const cases: SelectCase[] = arr(so.cases).map((c, i) => {
          const [dir, ch] = Object.entries(obj(c))[0]!;
          return { dir: dir as "send" | "recv", chan: this.chan(String(ch), `${ap}/cases/${i}/${dir}`) };
        });
        code.push({ op: "select", cases, hasDefault: so.default === true });
        return;
      }
      case "wgAdd": {
        const wo = obj(arg);
        code.push({ op: "wgAdd", wg: this.wg(String(wo.wg), `${ap}/wg`), delta: wo.delta as number });
        return;
      }
      case "wgDone":
        code.push({ op: "wgAdd", wg: this.wg(String(arg), ap), delta: -1 });
        return;
      case "wgWait":
        code.push({ op: "wgWait", wg: this.wg(String(arg), ap) });
        return;
      case "lock":
      case "unlock":
        code.push({ op: name, mutex: this.mutex(String(arg), ap) });
        return;
      case "alloc":
        code.push({ op: "alloc", bytes: size(loc, ap, arg) });
        return;
      case "repeat": {
        const ro = obj(arg);
        const count = this.count(ro.count, `${ap}/count`);
        const start = code.length;
        code.push({ op: "loop", count, register: depth, endPc: -1 });
        maxDepth.max = Math.max(maxDepth.max, depth + 1);
        this.block(arr(ro.do), `${ap}/do`, code, depth + 1, maxDepth, exits);
        code[start] = { op: "loop", count, register: depth, endPc: code.length };
        code.push({ op: "endloop", startPc: start, register: depth });
        return;
      }
      case "sequence":
        this.block(arr(arg), ap, code, depth, maxDepth, exits);
        return;
      case "choice": {
        const branches = arr(arg).map(obj);
        const at = code.length;
        code.push({ op: "choose", weights: [], pcs: [] });
        const pcs: number[] = [];
        const jumps: number[] = [];
        branches.forEach((b, i) => {
          pcs.push(code.length);
          this.block(arr(b.do), `${ap}/${i}/do`, code, depth, maxDepth, exits);
          if (i < branches.length - 1) {
            jumps.push(code.length);
            code.push({ op: "jump", pc: -1 });
          }
        });
        for (const j of jumps) code[j] = { op: "jump", pc: code.length };
        code[at] = { op: "choose", weights: branches.map((b) => b.weight as number), pcs };
        return;
      }
      default:
        loc.fail(ap, `unknown op '${name}'`, true);
    }
  }

  private chan(name: string, ptr: string): Chan {
    const c = this.chans.get(name);
    if (c === undefined) this.loc.fail(ptr, `unknown channel '${name}' (declare it under channels:, e.g. 'channels: { ${name}: 0 }')`, false, "PROGRAM_INVALID");
    return c;
  }

  private wg(name: string, ptr: string): WaitGroup {
    const w = this.wgs.get(name);
    if (w === undefined) this.loc.fail(ptr, `unknown WaitGroup '${name}' (declare it under waitgroups:)`, false, "PROGRAM_INVALID");
    return w;
  }

  private mutex(name: string, ptr: string): Mutex {
    const m = this.mutexes.get(name);
    if (m === undefined) this.loc.fail(ptr, `unknown mutex '${name}' (declare it under mutexes:)`, false, "PROGRAM_INVALID");
    return m;
  }

  private duration(v: Json | undefined, ptr: string): Duration {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) return this.distribution(v, ptr, (x, p) => this.ns(x, p));
    return this.ns(v, ptr);
  }

  private count(v: Json | undefined, ptr: string): Duration {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      return this.distribution(v, ptr, (x, p) => {
        if (typeof x !== "number" || !(x >= 0 && x <= maxCount)) this.loc.fail(p, `expected a number from 0 to ${maxCount} (a repeat count; docs/limits.md), got ${JSON.stringify(x)}`);
        return x;
      });
    }
    return v as number;
  }

  private ns(v: Json | undefined, ptr: string): number {
    const r = parseDuration(v);
    if (!r.ok) this.loc.fail(ptr, r.message);
    return r.value;
  }

  private distribution(d: O, ptr: string, value: (x: Json | undefined, ptr: string) => number): Distribution {
    const f = (k: string) => value(d[k], pointerJoin(ptr, k));
    switch (d.dist) {
      case "constant":
        return { dist: "constant", valueNs: f("value") };
      case "uniform": {
        const min = f("min");
        const max = f("max");
        if (min > max) this.loc.fail(pointerJoin(ptr, "max"), `uniform: max (${String(d.max)}) must not be below min (${String(d.min)})`);
        return { dist: "uniform", minNs: min, maxNs: max };
      }
      case "exponential": {
        const mean = f("mean");
        if (!(mean > 0)) this.loc.fail(pointerJoin(ptr, "mean"), "exponential: the mean must be positive");
        return { dist: "exponential", meanNs: mean };
      }
      case "normal":
        return { dist: "normal", meanNs: f("mean"), stddevNs: f("stddev") };
      case "lognormal": {
        const median = f("median");
        if (!(median > 0)) this.loc.fail(pointerJoin(ptr, "median"), "lognormal: the median must be positive");
        return { dist: "lognormal", medianNs: median, sigma: d.sigma as number };
      }
      case "empirical":
        return { dist: "empirical", valuesNs: arr(d.values).map((x, i) => value(x, `${ptr}/values/${i}`)) };
      default:
        return this.loc.fail(pointerJoin(ptr, "dist"), `unknown distribution ${JSON.stringify(d.dist)}`);
    }
  }
}

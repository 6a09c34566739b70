// Simulator programs from a workload derived from a Go execution trace (src/gotrace/replay.ts):
// one op-array program per traced goroutine, and a root program that starts the goroutines that
// existed when the trace started and waits until every goroutine has finished its traced work
// (except those that tracing itself started: a what-if predicts the program untraced).
//
// The derivation's data types are restated here structurally (workloads may not import gotrace).
// Each wake channel (waker → wakee, a consumer pool counting as one goroutine) is a buffered
// channel with room for all of its wake-ups, so a wake-up that comes before the wait (other
// settings, other order) never blocks the waker: the replay keeps the trace's happens-before
// edges, not its timing. A consumer pool's members run their items from one queue: a member that
// is done with an item takes the next one left (a generator program), as a free worker receives
// the next item from a Go channel.
import { InvariantError } from "../base/assert.js";
import { Chan, WaitGroup, type GeneratorProgram, type Instr, type Op, type OpArrayProgram, type Program } from "../runtime/ops.js";

export type ReplayAction =
  | { readonly a: "compute"; readonly ns: number }
  | { readonly a: "syscall"; readonly ns: number; readonly site: string; readonly via?: "syscall" | "cgo" }
  | { readonly a: "go"; readonly g: number }
  | { readonly a: "wake"; readonly g: number; readonly chan: string }
  | { readonly a: "wait"; readonly from: number; readonly chan: string }
  | { readonly a: "pool"; readonly pool: string }
  | { readonly a: "sleep"; readonly ns: number }
  | { readonly a: "yield" }
  | { readonly a: "gc"; readonly wait: boolean };

export interface ReplayGoroutine {
  readonly g: number;
  readonly func: string;
  readonly atStart: boolean;
  /** Started by tracing itself: replayed, but the root does not wait for it. */
  readonly tracer?: boolean;
  readonly actions: readonly ReplayAction[];
}

export interface ReplayPool {
  readonly id: string;
  readonly items: readonly (readonly ReplayAction[])[];
}

export interface ReplayWorkload {
  readonly goroutines: readonly ReplayGoroutine[];
  /** Wake channels (the `chan` of wake and wait actions) → wake-ups. */
  readonly edges: ReadonlyMap<string, number>;
  readonly pools?: readonly ReplayPool[];
}

export interface ReplayPrograms {
  readonly main: OpArrayProgram;
  /** Programs by goroutine id of the trace (a consumer pool's members: generators). */
  readonly programs: ReadonlyMap<number, Program>;
  /** Ops in all programs (size of the replay). */
  readonly ops: number;
}

/** An allocation that crosses any heap goal. */
const GC_TRIGGER_BYTES = 2 ** 50;

/** Builds the programs; the root is `main` (it exits when all replayed goroutines are done). */
export function buildReplayPrograms(w: ReplayWorkload): ReplayPrograms {
  const wg = new WaitGroup("replay");
  const chans = new Map<string, Chan>();
  for (const [key, n] of w.edges) chans.set(key, new Chan(n, key.split(">").map((e) => (/^\d+$/.test(e) ? `g${e}` : e)).join("→")));
  const chan = (key: string): Chan => {
    const c = chans.get(key);
    if (c === undefined) throw new InvariantError(`trace replay: no wake channel ${key}`);
    return c;
  };
  // Each pool's items and the index of the next one left (per build: one build per simulation).
  const pools = new Map<string, { readonly items: Op[][]; next: number }>();
  for (const p of w.pools ?? []) pools.set(p.id, { items: [], next: 0 });
  const codes = new Map<number, { readonly pre: Op[]; readonly post: Op[]; pool: string | null }>();
  const programs = new Map<number, Program>();
  for (const g of w.goroutines) {
    const c: { readonly pre: Op[]; readonly post: Op[]; pool: string | null } = { pre: [], post: [], pool: null };
    codes.set(g.g, c);
    const name = `g${g.g}${g.func !== "" ? ` ${g.func}` : ""}`;
    const poolId = g.actions.find((a): a is Extract<ReplayAction, { a: "pool" }> => a.a === "pool")?.pool;
    if (poolId === undefined) {
      programs.set(g.g, { kind: "ops", name, code: c.pre, registers: 0 });
      continue;
    }
    const pool = pools.get(poolId);
    if (pool === undefined) throw new InvariantError(`trace replay: g${g.g} takes items of an unknown pool ${poolId}`);
    const member: GeneratorProgram = {
      kind: "generator",
      name,
      *start() {
        for (const op of c.pre) yield op;
        while (pool.next < pool.items.length) for (const op of pool.items[pool.next++]!) yield op;
        for (const op of c.post) yield op;
      },
    };
    programs.set(g.g, member);
  }
  const emit = (code: Op[], a: ReplayAction): void => {
    switch (a.a) {
      case "compute":
        if (a.ns > 0) code.push({ op: "compute", durationNs: a.ns });
        break;
      case "syscall":
        // A cgo call (runtime.cgocall on the trace's stack) pays cgo's own costs around entersyscall.
        if (a.via === "cgo") code.push({ op: "cgocall", durationNs: a.ns, timing: "exact", site: a.site });
        else code.push({ op: "syscall", wrapper: "Syscall", durationNs: a.ns, timing: "exact", site: a.site });
        break;
      case "go": {
        const p = programs.get(a.g);
        if (p !== undefined) code.push({ op: "go", program: p });
        break;
      }
      case "wake":
        code.push({ op: "send", chan: chan(a.chan) });
        break;
      case "wait":
        code.push({ op: "recv", chan: chan(a.chan) });
        break;
      case "sleep":
        // The observed blocked time already holds the real runtime's timer rounding and wake-up
        // latency: replay it as an external wake (the fd-ready path of the poller) at that time,
        // not as a Go timer, whose idle resolution (epoll's millisecond) would be added twice.
        code.push({ op: "netRead", latencyNs: a.ns, site: "replay.wait" });
        break;
      case "yield":
        code.push({ op: "gosched" });
        break;
      case "gc":
        // runtime.GC(): the caller waits for the cycle; otherwise an allocation crossing the heap
        // goal starts it and goes on (the heap jumps past any goal; the cycle's end resets it to
        // the live heap).
        code.push(a.wait ? { op: "gc" } : { op: "alloc", bytes: GC_TRIGGER_BYTES });
        break;
      case "pool":
        break;
    }
  };
  let ops = 0;
  for (const g of w.goroutines) {
    const c = codes.get(g.g)!;
    let code = c.pre;
    for (const a of g.actions) {
      if (a.a === "pool") code = c.post;
      emit(code, a);
    }
    if (g.tracer !== true) code.push({ op: "wgAdd", wg, delta: -1 });
    ops += c.pre.length + c.post.length;
  }
  for (const p of w.pools ?? []) {
    const pool = pools.get(p.id)!;
    for (const item of p.items) {
      const code: Op[] = [];
      for (const a of item) emit(code, a);
      pool.items.push(code);
      ops += code.length;
    }
  }
  const root: Instr[] = [{ op: "wgAdd", wg, delta: w.goroutines.filter((g) => g.tracer !== true).length }];
  for (const g of w.goroutines) if (g.atStart) root.push({ op: "go", program: programs.get(g.g)! });
  root.push({ op: "wgWait", wg });
  ops += root.length;
  return { main: { kind: "ops", name: "trace replay root", code: root, registers: 0 }, programs, ops };
}

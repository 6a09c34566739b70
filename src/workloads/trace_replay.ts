// Simulator programs from a workload derived from a Go execution trace (src/gotrace/replay.ts):
// one op-array program per traced goroutine, and a root program that starts the goroutines that
// existed when the trace started and waits until every goroutine has finished its traced work
// (except those that tracing itself started: a what-if predicts the program untraced).
//
// The derivation's data types are restated here structurally (workloads may not import gotrace).
// Each wake edge (waker → wakee) is a buffered channel with room for all of its wake-ups, so a
// wake-up that comes before the wait (other settings, other order) never blocks the waker: the
// replay keeps the trace's happens-before edges, not its timing.
import { InvariantError } from "../base/assert.js";
import { Chan, WaitGroup, type Instr, type OpArrayProgram } from "../runtime/ops.js";

export type ReplayAction =
  | { readonly a: "compute"; readonly ns: number }
  | { readonly a: "syscall"; readonly ns: number; readonly site: string; readonly via?: "syscall" | "cgo" }
  | { readonly a: "go"; readonly g: number }
  | { readonly a: "wake"; readonly g: number }
  | { readonly a: "wait"; readonly from: number }
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

export interface ReplayWorkload {
  readonly goroutines: readonly ReplayGoroutine[];
  readonly edges: ReadonlyMap<string, number>;
}

export interface ReplayPrograms {
  readonly main: OpArrayProgram;
  /** Programs by goroutine id of the trace. */
  readonly programs: ReadonlyMap<number, OpArrayProgram>;
  /** Ops in all programs (size of the replay). */
  readonly ops: number;
}

/** An allocation that crosses any heap goal. */
const GC_TRIGGER_BYTES = 2 ** 50;

/** Builds the programs; the root is `main` (it exits when all replayed goroutines are done). */
export function buildReplayPrograms(w: ReplayWorkload): ReplayPrograms {
  const wg = new WaitGroup("replay");
  const chans = new Map<string, Chan>();
  for (const [key, n] of w.edges) {
    const [from, to] = key.split(">");
    chans.set(key, new Chan(n, `g${from}→g${to}`));
  }
  const codes = new Map<number, Instr[]>();
  const programs = new Map<number, OpArrayProgram>();
  for (const g of w.goroutines) {
    const code: Instr[] = [];
    codes.set(g.g, code);
    programs.set(g.g, { kind: "ops", name: `g${g.g}${g.func !== "" ? ` ${g.func}` : ""}`, code, registers: 0 });
  }
  const chan = (from: number, to: number): Chan => {
    const c = chans.get(`${from}>${to}`);
    if (c === undefined) throw new InvariantError(`trace replay: no edge g${from} → g${to}`);
    return c;
  };
  let ops = 0;
  for (const g of w.goroutines) {
    const code = codes.get(g.g)!;
    for (const a of g.actions) {
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
          code.push({ op: "send", chan: chan(g.g, a.g) });
          break;
        case "wait":
          code.push({ op: "recv", chan: chan(a.from, g.g) });
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
      }
    }
    if (g.tracer !== true) code.push({ op: "wgAdd", wg, delta: -1 });
    ops += code.length;
  }
  const root: Instr[] = [{ op: "wgAdd", wg, delta: w.goroutines.filter((g) => g.tracer !== true).length }];
  for (const g of w.goroutines) if (g.atStart) root.push({ op: "go", program: programs.get(g.g)! });
  root.push({ op: "wgWait", wg });
  ops += root.length;
  return { main: { kind: "ops", name: "trace replay root", code: root, registers: 0 }, programs, ops };
}

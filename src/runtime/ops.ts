// The op vocabulary: what a goroutine program asks the runtime to do. Both program forms — TypeScript
// generators and compact op arrays (what YAML scenarios compile to) — yield these objects. Ops are
// shared, immutable descriptions; a goroutine's progress lives in the model, not in the op.

/** A duration: a fixed number of nanoseconds, or a distribution sampled each time the op runs. */
export type Duration = number | Distribution;

export type Distribution =
  | { readonly dist: "constant"; readonly valueNs: number }
  | { readonly dist: "uniform"; readonly minNs: number; readonly maxNs: number }
  | { readonly dist: "exponential"; readonly meanNs: number }
  | { readonly dist: "normal"; readonly meanNs: number; readonly stddevNs: number }
  | { readonly dist: "lognormal"; readonly medianNs: number; readonly sigma: number }
  | { readonly dist: "empirical"; readonly valuesNs: readonly number[] };

/** Handles for synchronisation objects. A handle carries no state; each simulation keeps its own. */
export class Chan {
  constructor(
    readonly capacity = 0,
    readonly name = "",
  ) {}
}
export class WaitGroup {
  constructor(readonly name = "") {}
}
export class Mutex {
  constructor(readonly name = "") {}
}

/** How a syscall's kernel time is meant. `nanosleep`: the request is stretched by the machine's timer slack. */
export type SyscallTiming = "exact" | "nanosleep";

export interface SyscallSpec {
  /** Time the thread spends in the kernel (or the nanosleep request, see `timing`). */
  readonly durationNs: Duration;
  readonly timing: SyscallTiming;
  /** Call site label, for per-site reports and synthetic trace stacks. */
  readonly site: string;
}

export type SelectCase = { readonly dir: "send" | "recv"; readonly chan: Chan };

export type Op =
  /**
   * User code running for durationNs of CPU. It calls functions (so a preemption request is seen at
   * the next prologue) unless `noCalls`: a tight loop, preemptible only asynchronously (go1.14+).
   */
  | { readonly op: "compute"; readonly durationNs: Duration; readonly site?: string; readonly noCalls?: boolean }
  /** syscall.Syscall/Syscall6 and the Read/Write wrappers: entersyscall … exitsyscall. */
  | ({ readonly op: "syscall"; readonly wrapper: "Syscall" | "Syscall6" | "Read" | "Write" } & SyscallSpec)
  /** syscall.RawSyscall/RawSyscall6: no scheduler involvement. */
  | ({ readonly op: "rawSyscall"; readonly wrapper: "RawSyscall" | "RawSyscall6" } & SyscallSpec)
  /** A call that enters via entersyscallblock: the P is handed off at once. */
  | ({ readonly op: "blockingSyscall" } & SyscallSpec)
  /** A cgo call: cgocall → entersyscall … exitsyscall, plus cgo's own overhead. */
  | ({ readonly op: "cgocall" } & SyscallSpec)
  | { readonly op: "go"; readonly program: Program; readonly site?: string }
  | { readonly op: "sleep"; readonly durationNs: Duration }
  /** time.NewTimer(d) / time.After(d): `chan` (capacity ≥ 1) receives once, d from now. */
  | { readonly op: "timer"; readonly chan: Chan; readonly durationNs: Duration }
  | { readonly op: "gosched" }
  | { readonly op: "send"; readonly chan: Chan }
  | { readonly op: "recv"; readonly chan: Chan }
  | { readonly op: "close"; readonly chan: Chan }
  | { readonly op: "select"; readonly cases: readonly SelectCase[]; readonly hasDefault: boolean }
  | { readonly op: "wgAdd"; readonly wg: WaitGroup; readonly delta: number }
  | { readonly op: "wgWait"; readonly wg: WaitGroup }
  | { readonly op: "lock"; readonly mutex: Mutex }
  | { readonly op: "unlock"; readonly mutex: Mutex }
  /** runtime.GC(): a full cycle with its two stop-the-world phases; the caller waits for it. */
  | { readonly op: "gc" }
  /** Heap allocation; crossing the heap goal starts a GC cycle (GOGC pacing, simplified). */
  | { readonly op: "alloc"; readonly bytes: number }
  | { readonly op: "exit" }
  /** runtime.LockOSThread / UnlockOSThread. */
  | { readonly op: "lockOSThread" | "unlockOSThread" }
  /** Network I/O (a socket read, write or accept): parks on the netpoller until the fd is ready after `latencyNs`. */
  | { readonly op: "netRead" | "netWrite" | "accept"; readonly latencyNs: Duration; readonly site?: string }
  /** Internal: a runtime goroutine's step written in the model itself (go1.10's timerproc). */
  | { readonly op: "native"; readonly name: string; readonly step: NativeStep };

/** A native step runs on the M and must schedule the M's next step (continue, park, syscall…). */
export type NativeStep = (rt: import("./runtime.js").Runtime, mp: import("./runtime2.js").M) => void;

export type OpName = Op["op"];

/** Control instructions that only op-array programs contain. */
export type Control =
  /** Start of `repeat`: run the body `count` times (count sampled once per entry). */
  | { readonly op: "loop"; readonly count: Duration; readonly register: number; readonly endPc: number }
  /** End of a `repeat` body: jump back to startPc + 1 while the counter lasts. */
  | { readonly op: "endloop"; readonly startPc: number; readonly register: number }
  /** A probabilistic choice: weights are integers; pcs are branch starts. */
  | { readonly op: "choose"; readonly weights: readonly number[]; readonly pcs: readonly number[] }
  | { readonly op: "jump"; readonly pc: number };

export type Instr = Op | Control;

/**
 * A compact program: one shared instruction array run by the model's interpreter; per goroutine
 * it costs only a program counter and its loop registers.
 */
export interface OpArrayProgram {
  readonly kind: "ops";
  readonly name: string;
  readonly code: readonly Instr[];
  /** Number of loop registers the code uses (nesting depth of repeat blocks). */
  readonly registers: number;
}

/**
 * A TypeScript goroutine: a generator function yielding ops. The value sent back into the
 * generator is the op's result (1/0 for recv's ok, the chosen case index for select, -1 = default).
 */
export interface GeneratorProgram {
  readonly kind: "generator";
  readonly name: string;
  readonly start: () => Iterator<Op, void, number>;
}

export type Program = OpArrayProgram | GeneratorProgram;

// The TypeScript program API: goroutines are generator functions that yield ops.
//
//   const worker = program("worker", function* () {
//     for (let i = 0; i < 10; i++) { yield compute(us(50)); yield Syscall(ms(10)); }
//   });
//   simulate({ gomaxprocs: 2, main: program("main", function* () { yield go(worker); }) });
import type { Chan, Duration, GeneratorProgram, Op, Program, SelectCase, SyscallTiming, WaitGroup, Mutex } from "../runtime/ops.js";

export { Chan, Mutex, WaitGroup } from "../runtime/ops.js";

type GoFn = () => Generator<Op, void, number>;

/** Names a generator function as a goroutine program. */
export function program(name: string, fn: GoFn): GeneratorProgram {
  return { kind: "generator", name, start: fn };
}

interface CallOptions {
  /** Call site label (reports, trace stacks). */
  readonly site?: string;
  /** "nanosleep": the duration is a sleep request, stretched by the machine's timer slack. */
  readonly timing?: SyscallTiming;
}

const spec = (durationNs: Duration, o: CallOptions | undefined, site: string) => ({
  durationNs,
  timing: o?.timing ?? ("exact" as const),
  site: o?.site ?? site,
});

export const compute = (durationNs: Duration, site?: string): Op =>
  site === undefined ? { op: "compute", durationNs } : { op: "compute", durationNs, site };
/** A tight loop without function calls: only asynchronous preemption (go1.14+) can stop it. */
export const tightLoop = (durationNs: Duration, site?: string): Op =>
  site === undefined ? { op: "compute", durationNs, noCalls: true } : { op: "compute", durationNs, noCalls: true, site };
export const Syscall = (d: Duration, o?: CallOptions): Op => ({ op: "syscall", wrapper: "Syscall", ...spec(d, o, "syscall.Syscall") });
export const Syscall6 = (d: Duration, o?: CallOptions): Op => ({ op: "syscall", wrapper: "Syscall6", ...spec(d, o, "syscall.Syscall6") });
export const Read = (d: Duration, o?: CallOptions): Op => ({ op: "syscall", wrapper: "Read", ...spec(d, o, "syscall.Read") });
export const Write = (d: Duration, o?: CallOptions): Op => ({ op: "syscall", wrapper: "Write", ...spec(d, o, "syscall.Write") });
export const RawSyscall = (d: Duration, o?: CallOptions): Op => ({ op: "rawSyscall", wrapper: "RawSyscall", ...spec(d, o, "syscall.RawSyscall") });
export const RawSyscall6 = (d: Duration, o?: CallOptions): Op => ({ op: "rawSyscall", wrapper: "RawSyscall6", ...spec(d, o, "syscall.RawSyscall6") });
/** A call that enters through entersyscallblock (its P is handed off at once). */
export const blockingSyscall = (d: Duration, o?: CallOptions): Op => ({ op: "blockingSyscall", ...spec(d, o, "entersyscallblock") });
export const cgocall = (d: Duration, o?: CallOptions): Op => ({ op: "cgocall", ...spec(d, o, "cgocall") });
/** Network I/O: the goroutine parks on the netpoller until its fd is ready after `latency`. */
export const netRead = (latencyNs: Duration, site?: string): Op => (site === undefined ? { op: "netRead", latencyNs } : { op: "netRead", latencyNs, site });
export const netWrite = (latencyNs: Duration, site?: string): Op => (site === undefined ? { op: "netWrite", latencyNs } : { op: "netWrite", latencyNs, site });
export const accept = (latencyNs: Duration, site?: string): Op => (site === undefined ? { op: "accept", latencyNs } : { op: "accept", latencyNs, site });
export const go = (p: Program, site?: string): Op => (site === undefined ? { op: "go", program: p } : { op: "go", program: p, site });
export const sleep = (durationNs: Duration): Op => ({ op: "sleep", durationNs });
/** time.NewTimer(d) / time.After(d): `chan` (capacity ≥ 1) receives once, d from now — select on it for a timeout. */
export const timer = (chan: Chan, durationNs: Duration): Op => ({ op: "timer", chan, durationNs });
export const Gosched = (): Op => ({ op: "gosched" });
export const send = (chan: Chan): Op => ({ op: "send", chan });
export const recv = (chan: Chan): Op => ({ op: "recv", chan });
export const close = (chan: Chan): Op => ({ op: "close", chan });
export const select = (cases: readonly SelectCase[], hasDefault = false): Op => ({ op: "select", cases, hasDefault });
export const wgAdd = (wg: WaitGroup, delta: number): Op => ({ op: "wgAdd", wg, delta });
export const wgDone = (wg: WaitGroup): Op => ({ op: "wgAdd", wg, delta: -1 });
export const wgWait = (wg: WaitGroup): Op => ({ op: "wgWait", wg });
export const lock = (mutex: Mutex): Op => ({ op: "lock", mutex });
export const unlock = (mutex: Mutex): Op => ({ op: "unlock", mutex });
export const GC = (): Op => ({ op: "gc" });
export const LockOSThread = (): Op => ({ op: "lockOSThread" });
export const UnlockOSThread = (): Op => ({ op: "unlockOSThread" });
export const alloc = (bytes: number): Op => ({ op: "alloc", bytes });
export const exit = (): Op => ({ op: "exit" });

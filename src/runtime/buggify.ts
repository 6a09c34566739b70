// Fault injection in the model, after FoundationDB's BUGGIFY and TigerBeetle's VOPR: a seeded layer
// that perturbs the machine only in ways a real machine may — a stop-the-world arriving between any
// two steps of the syscall path or while a call is in the kernel, a spurious wakep (an M started
// spinning with nothing to do, as a racing ready() may cause), and, through the machine's latency
// draws (machine.ts, rt.latencyHook) and timed sleeps (rt.sleepRequestHook), delayed futex wakes,
// oversleeping and EINTR-shortened sleeps, clone() failing with EAGAIN and retried as Go does, late
// syscall entry/exit and signal delivery.
// Whatever fires, the run must keep every invariant, lose no goroutine and end as it would anyway.
//
// Each point is enabled for a run by a coin flip of the buggify seed (so runs differ in which points
// are on, as in FoundationDB), and an enabled point fires with `fireChance` at each opportunity.
// Buggify has its own generator: the model's stream is not disturbed by the decisions themselves.
import { GoschedError } from "../base/errors.js";
import { maxSeed, Prng } from "../base/prng.js";
import type { Observer, RuntimeEvent, RuntimeFn } from "./events.js";
import type { LatencyKind } from "./machine.js";
import { wakep } from "./proc.js";
import type { Runtime } from "./runtime.js";
import { _Gsyscall, nilG } from "./runtime2.js";
import { gcStartElsewhere } from "./stw.js";

/** The runtime functions of the syscall path: a stop-the-world may arrive right after each. */
export const syscallPathFns = [
  "entersyscall",
  "entersyscall_sysmon",
  "entersyscall_gcwait",
  "entersyscallblock",
  "exitsyscall",
  "exitsyscallfast",
  "exitsyscallfast_reacquired",
  "exitsyscallfast_pidle",
  "exitsyscall0",
  "exitsyscallTryGetP",
  "exitsyscallNoP",
  "takeP",
  "retake",
  "handoffp",
  "rawsyscall",
  "rawsyscall_return",
] as const satisfies readonly RuntimeFn[];

/** Kinds of machine latency a perturbation may stretch: the machine model's draw kinds. */
export type LatencyPoint = LatencyKind;

/** Every perturbation point, by name (the report counts chances and firings per point). */
export const buggifyPoints = [
  ...syscallPathFns.map((f) => `stw after ${f}`),
  "stw while in the kernel",
  "spurious wakep",
  "futexWake: delayed",
  "sleep: oversleeps",
  "sleep: EINTR (returns early)",
  "threadStart: clone EAGAIN, retried",
  "threadStart: delayed",
  "syscall: entry/exit delayed",
  "preemptSignal: delivered late",
] as const;
export type BuggifyPoint = (typeof buggifyPoints)[number];

export interface BuggifyOptions {
  /** Seed of buggify's own generator: which points are on, and when they fire. */
  readonly seed: number;
  /** Chance that an enabled point fires at an opportunity (default 1/4). */
  readonly fireChance?: number;
  /** At most this many injected stop-the-worlds per run (default 50): runs must still end. */
  readonly maxStopTheWorlds?: number;
}

const syscallFns = new Set<string>(syscallPathFns);

/** Go 1.20+ (runtime/retry.go retryOnEAGAIN): clone is retried up to 20 times, sleeping (tries+1) ms. */
const cloneRetriesMax = 20;

export class Buggify implements Observer {
  readonly enabled = new Set<BuggifyPoint>();
  /** Per point: opportunities seen while enabled, and firings. */
  readonly chances = new Map<BuggifyPoint, number>();
  readonly fired = new Map<BuggifyPoint, number>();
  private readonly prng: Prng;
  private readonly fireChance: number;
  private readonly maxStw: number;
  private stws = 0;
  /** Syscall-path functions seen during the current event (acted on after it). */
  private readonly pending: string[] = [];

  constructor(
    private readonly rt: Runtime,
    options: BuggifyOptions,
  ) {
    if (!Number.isSafeInteger(options.seed) || options.seed < 0) throw new GoschedError("OPTION_INVALID", `buggify seed: expected a whole number from 0 to ${maxSeed}, got ${options.seed}`);
    this.prng = new Prng(options.seed);
    this.fireChance = options.fireChance ?? 0.25;
    this.maxStw = options.maxStopTheWorlds ?? 50;
    for (const p of buggifyPoints) if (this.prng.intn(2) === 1) this.enabled.add(p);
    // Go 1.19 and older throw on the first EAGAIN from clone (no retry): outside the legal envelope
    // of a run that must go on, so that point stays off there.
    if (rt.config.profile === "go1.10" || rt.config.profile === "go1.19") this.enabled.delete("threadStart: clone EAGAIN, retried");
  }

  private chance(p: BuggifyPoint, scale = 1): boolean {
    if (!this.enabled.has(p)) return false;
    this.chances.set(p, (this.chances.get(p) ?? 0) + 1);
    if (this.prng.float() >= this.fireChance * scale) return false;
    this.fired.set(p, (this.fired.get(p) ?? 0) + 1);
    return true;
  }

  onEvent(e: Readonly<RuntimeEvent>): void {
    if (syscallFns.has(e.fn)) this.pending.push(e.fn);
  }

  /** After each engine event: the points between this step and the next. */
  afterEvent(): void {
    const rt = this.rt;
    if (rt.stoppedBy !== null) return;
    for (let i = 0; i < this.pending.length; i++) this.stopTheWorld(`stw after ${this.pending[i]!}` as BuggifyPoint);
    this.pending.length = 0;
    if (this.enabled.has("stw while in the kernel") && this.someoneInSyscall()) this.stopTheWorld("stw while in the kernel", 1 / 16);
    if (this.chance("spurious wakep", 1 / 16)) wakep(rt);
  }

  /** Points checked at every event fire `scale` times as often as the others, so they do not crowd them out. */
  private stopTheWorld(p: BuggifyPoint, scale = 1): void {
    if (this.stws >= this.maxStw || this.rt.gc.phase !== "off") return;
    if (this.chance(p, scale) && gcStartElsewhere(this.rt, `buggify: ${p}`)) this.stws++;
  }

  private someoneInSyscall(): boolean {
    const gs = this.rt.gs;
    for (const mp of this.rt.allm) if (mp.curg !== nilG && gs.status[mp.curg] === _Gsyscall) return true;
    return false;
  }

  /**
   * A drawn machine latency (machine.ts draws), perturbed: longer — a loaded machine delays any
   * wake-up after a sleep or a futex wake, a thread's start, a signal, a syscall's entry and exit.
   * A clone that fails with EAGAIN is retried as Go 1.20+ does:
   * k < 20 failures add Σ (tries+1) ms before the thread exists (the creating M's own stall during
   * the retries is not modeled: the delay lands on the new thread's start).
   */
  latency(kind: LatencyPoint, ns: number): number {
    switch (kind) {
      case "futexWake":
        return this.chance("futexWake: delayed") ? ns * (1 + this.prng.intn(50)) + this.prng.intn(1_000_000) : ns;
      case "sleep":
        return this.chance("sleep: oversleeps") ? ns + this.prng.intn(20_000_000) : ns;
      case "threadStart": {
        let v = ns;
        if (this.chance("threadStart: clone EAGAIN, retried")) {
          const failures = 1 + this.prng.intn(cloneRetriesMax - 1);
          for (let tries = 0; tries < failures; tries++) v += (tries + 1) * 1_000_000;
        }
        return this.chance("threadStart: delayed") ? v + this.prng.intn(5_000_000) : v;
      }
      case "syscall":
        return this.chance("syscall: entry/exit delayed") ? ns + this.prng.intn(1_000_000) : ns;
      case "preemptSignal":
        return this.chance("preemptSignal: delivered late") ? ns + this.prng.intn(10_000_000) : ns;
      case "wakeCpu":
        return ns; // the kernel's own work: no fault of its own (a late wake is futexWake's or sleep's)
    }
  }

  /**
   * A timed sleep's request (usleep, nanosleep, epoll_wait with a timeout), shortened when a signal
   * interrupts it: the call returns EINTR early; the runtime's usleep ignores the error and its
   * callers (sysmon, runqgrab, findRunnable's netpoll) just look again.
   */
  sleepRequest(requestNs: number): number {
    return this.chance("sleep: EINTR (returns early)") ? Math.floor(requestNs * this.prng.float()) : requestNs;
  }

  /** What fired, for a report: point → [opportunities while enabled, firings]. */
  summary(): { point: BuggifyPoint; enabled: boolean; chances: number; fired: number }[] {
    return buggifyPoints.map((p) => ({ point: p, enabled: this.enabled.has(p), chances: this.chances.get(p) ?? 0, fired: this.fired.get(p) ?? 0 }));
  }
}

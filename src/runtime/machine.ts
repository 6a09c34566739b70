// The machine's latencies. Every delay the OS adds under the runtime — how long nanosleep/usleep really
// sleeps, a futex wake until the woken thread runs, a new thread until it runs, syscall entry and exit,
// a preemption signal until its handler runs, the kernel's own work per block-and-wake — is a draw from an empirical distribution: the median
// (Costs, or the sleep model of Machine) plus a spread given as points of a piecewise-linear inverse
// CDF (Machine.*Spread, quantiles measured on the reference machine or by `gosched calibrate`).
// Draws use the run's one seeded generator, in event order: same seed, same bytes.
//
// All draws go through `draw`, the single hook point for fault injection (`rt.latencyHook`).
import { sleepActualNs, type Machine, type Spread } from "./config.js";
import type { Prng } from "../base/prng.js";
import type { Runtime } from "./runtime.js";

/** The kinds of latency the machine adds; one draw function each below. */
export type LatencyKind = "sleep" | "futexWake" | "threadStart" | "syscall" | "preemptSignal" | "wakeCpu";

/** Optional perturbation of every draw (e.g. fault injection): gets the kind and the drawn ns. */
export type LatencyHook = (kind: LatencyKind, ns: number, rt: Runtime) => number;

/**
 * A timed sleep as the kernel runs it (hrtimer with the thread's timer slack): the timer's soft
 * expiry is the request; its hard expiry is timerSlackNs + the measured extra of long sleeps later.
 * The interrupt that fires it comes timerIrqDelayNs after its hard expiry or earlier, at another
 * timer's interrupt on the same CPU (kernel.ts kTimer); after it the thread is runnable after a drawn
 * wake-up latency (sleepWakeLatencyNs, less the interrupt's delay). With no other timer on the CPU
 * the sum is sleepNs's: request + extra + slack + base overhead + spread.
 */
export function sleepHardNs(m: Machine, requestNs: number): number {
  return sleepActualNs(m, requestNs) - m.sleepBaseOverheadNs;
}

/**
 * How late a timer interrupt comes after the hard expiry it was programmed for: the part of the
 * measured sleep overhead before the kernel's wake path (Machine.sleepWakePathNs).
 */
export function timerIrqDelayNs(m: Machine): number {
  return Math.max(0, m.sleepBaseOverheadNs - m.sleepWakePathNs);
}

/** The wake-up latency after a sleep's timer fired: the base overhead + the run's offset + the sleep spread. */
export function sleepWakeLatencyNs(rt: Runtime, requestNs: number): number {
  const m = rt.config.machine;
  return finish(rt, "sleep", m.sleepBaseOverheadNs + rt.host.sleepOffsetNs + sleepSpreadAt(m, requestNs, rt), 0);
}

/** What the host's state adds this run: to every timed sleep's wake-up, to every futex wake onto an idle CPU. */
export interface HostState {
  readonly sleepOffsetNs: number;
  readonly futexWakeOffsetNs: number;
}

/**
 * The host's state for the run: one draw u, made once when the runtime is built (the run's first),
 * read at the same quantile of Machine.sleepRunSpread (every timed sleep's offset) and
 * Machine.futexWakeRunSpread (every futex wake's onto an idle CPU), so a slow host slows both. Not
 * given to the latency hook, which perturbs single draws.
 */
export function hostState(m: Machine, prng: Prng): HostState {
  if (m.sleepRunSpread.length === 0 && m.futexWakeRunSpread.length === 0) return { sleepOffsetNs: 0, futexWakeOffsetNs: 0 };
  const u = prng.float();
  return { sleepOffsetNs: Math.round(spreadAt(m.sleepRunSpread, u)), futexWakeOffsetNs: Math.round(spreadAt(m.futexWakeRunSpread, u)) };
}

/** The inverse CDF of a spread at u ∈ [0, 1): linear between its [p, offsetNs] points. */
export function spreadAt(spread: Spread, u: number): number {
  const n = spread.length;
  if (n === 0) return 0;
  let prev = spread[0]!;
  if (u <= prev[0]) return prev[1];
  for (let i = 1; i < n; i++) {
    const pt = spread[i]!;
    if (u <= pt[0]) return pt[0] === prev[0] ? pt[1] : prev[1] + ((pt[1] - prev[1]) * (u - prev[0])) / (pt[0] - prev[0]);
    prev = pt;
  }
  return prev[1];
}

/** The mean of a spread's offsets: the integral of its inverse CDF over [0, 1]. */
export function spreadMean(spread: Spread): number {
  let sum = 0;
  let prev: readonly [number, number] = [0, spread.length === 0 ? 0 : spread[0]![1]];
  for (const pt of spread) {
    sum += ((pt[1] + prev[1]) / 2) * (pt[0] - prev[0]);
    prev = pt;
  }
  return sum + prev[1] * (1 - prev[0]);
}

/** One draw: median + spread(u), never below `minNs`; then the hook. */
function draw(rt: Runtime, kind: LatencyKind, medianNs: number, spread: Spread, minNs: number): number {
  return finish(rt, kind, spread.length === 0 ? medianNs : medianNs + spreadAt(spread, rt.prng.float()), minNs);
}

function finish(rt: Runtime, kind: LatencyKind, ns: number, minNs: number): number {
  const v = Math.max(minNs, Math.round(ns));
  const hook = rt.latencyHook;
  return hook === null ? v : Math.max(0, Math.round(hook(kind, v, rt)));
}

/** How long nanosleep/usleep(requestNs) really lasts: request + overhead + timer slack + the run's offset + spread. */
export function sleepNs(rt: Runtime, requestNs: number): number {
  const m = rt.config.machine;
  return finish(rt, "sleep", sleepActualNs(m, requestNs) + rt.host.sleepOffsetNs + sleepSpreadAt(m, requestNs, rt), requestNs);
}

/**
 * notewakeup (futex wake) onto another, idle CPU until the woken thread is runnable: the measured wake
 * (Costs.futexWakeNs + spread, end to end: the IPI to a halted vCPU and its exit) less the wake's own
 * CPU work, which the kernel model runs on that CPU next (Machine.wakeCpuNs). The kernel (kWakeup)
 * places the thread and uses it only for such a CPU; onto a busy CPU, or the waker's, the thread queues
 * at once.
 */
export function futexWakeNs(rt: Runtime): number {
  const ns = draw(rt, "futexWake", rt.config.costs.futexWakeNs + rt.host.futexWakeOffsetNs, rt.config.machine.futexWakeSpread, 0);
  return Math.max(0, ns - rt.config.machine.wakeCpuNs);
}

/**
 * A futex wake of what the kernel model does not place (a dedicated syscall thread, the GC's waiter):
 * futexWakeNs when a CPU idles, else at once.
 */
export function futexWakeUnplacedNs(rt: Runtime): number {
  const ns = futexWakeNs(rt);
  return rt.kernel.idleCpus.length === 0 ? 0 : ns;
}

/**
 * newm's clone until the new thread is runnable (its start-up CPU work is Costs.mstartNs). The
 * measured start (Costs.threadStartNs + spread, taken on a quiet machine) has the new thread woken
 * onto the other, idle CPU: with no CPU idle it is queued without that CPU's wake (Machine.ipiWakeNs)
 * — Linux's wake_up_new_task places it by select_task_rq, which finds no idle CPU then.
 */
export function threadStartNs(rt: Runtime): number {
  const c = rt.config.costs;
  const ns = draw(rt, "threadStart", Math.max(0, c.threadStartNs - c.mstartNs), rt.config.machine.threadStartSpread, 0);
  return rt.kernel.idleCpus.length === 0 ? Math.max(0, ns - rt.config.machine.ipiWakeNs) : ns;
}

/** The kernel's CPU work of one block-and-wake, run by the woken thread (kernel.ts enqueue). */
export function wakeCpuNs(rt: Runtime): number {
  return draw(rt, "wakeCpu", rt.config.machine.wakeCpuNs, rt.config.machine.wakeCpuSpread, 0);
}

/** A syscall's own CPU work in the runtime (entersyscall's, drawn once per call at entry). */
export function syscallOverheadNs(rt: Runtime, medianNs: number): number {
  return draw(rt, "syscall", medianNs, rt.config.machine.syscallSpread, 0);
}

/** exitsyscall's take-back of its old P from another thread's syscall: CPU work with the P (a "syscall" draw). */
export function takeBackNs(rt: Runtime): number {
  return draw(rt, "syscall", rt.config.costs.exitsyscallTakeBackNs, rt.config.machine.takeBackSpread, 0);
}

/** preemptM's SIGURG until the handler runs on the target thread. */
export function preemptSignalNs(rt: Runtime): number {
  return draw(rt, "preemptSignal", rt.config.costs.preemptSignalNs, rt.config.machine.preemptSignalSpread, 0);
}

/** A draw from the sleep spread for a request: the spreads measured by request size, interpolated. */
function sleepSpreadAt(m: Machine, requestNs: number, rt: Runtime): number {
  const s = m.sleepSpreads;
  if (s.length === 0) return 0;
  const u = rt.prng.float();
  let prev = s[0]!;
  if (requestNs <= prev[0]) return spreadAt(prev[1], u);
  for (let i = 1; i < s.length; i++) {
    const at = s[i]!;
    if (requestNs <= at[0]) {
      const y0 = spreadAt(prev[1], u);
      return y0 + ((spreadAt(at[1], u) - y0) * (requestNs - prev[0])) / (at[0] - prev[0]);
    }
    prev = at;
  }
  return spreadAt(prev[1], u);
}

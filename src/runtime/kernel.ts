// The kernel's CPU scheduler under the runtime's threads: every thread (M, sysmon) runs its CPU work —
// Go code and the runtime's own (schedule, findRunnable, syscall entry and exit, sysmon passes, newm's
// clone, a new thread's start-up) — on Machine.ncpu CPUs. A thread is Blocked (parked on a futex),
// Sleeping (in nanosleep, epoll_wait or a blocking syscall, until a known time), Runnable (queued for a
// CPU) or Running. A woken or new thread waits for a CPU when all are busy.
//
// Modeled on Linux's EEVDF scheduler (kernel/sched/fair.c, Linux 6.6+), with every thread at nice 0:
// - vruntime advances at the wall-clock rate while a thread runs; V = the average vruntime of the
//   runnable and running threads (avg_vruntime);
// - a thread is eligible when its vruntime ≤ V (entity_eligible); pick_eevdf runs the eligible thread
//   with the earliest virtual deadline;
// - placement on wake-up (place_entity): vruntime = V − lag·(W + w)/W, the lag kept from when it
//   slept (update_entity_lag, clamped to ±2 slices) and scaled so that it is still the lag once the
//   thread is counted in V (PLACE_LAG; every thread weighs alike, W = the queued count); onto an empty
//   queue the lag is dropped; deadline = vruntime + slice; a new thread gets half a slice
//   (PLACE_DEADLINE_INITIAL);
// - a CPU a wake-up takes from idle picks when it schedules (Ev.KPick), after every wake-up of that
//   instant is queued — the sleepers one timer interrupt wakes are ordered by pick_eevdf, not by
//   the interrupt's walk;
// - when a running thread's vruntime reaches its deadline it gets a new one and, if others wait, the
//   CPU is re-picked (update_deadline → resched_curr);
// - wake-up preemption (check_preempt_wakeup_fair): the woken thread preempts a running one only if
//   it is what pick_eevdf would choose and the running one is no longer eligible (RUN_TO_PARITY keeps
//   an eligible current thread on its CPU until its deadline);
// - a context switch costs Machine.contextSwitchNs of the CPU;
// - timed sleeps (nanosleep, usleep, epoll_wait's timeout) are hrtimers with the thread's timer slack
//   (kernel/time/hrtimer.c) on the CPU the thread sleeps from: soft expiry = the request, hard expiry =
//   soft + slack; the interrupt comes at the CPU's earliest hard expiry and fires, in hard-expiry order,
//   every timer whose soft expiry has passed up to the first that has not (__hrtimer_run_queues) — so
//   sleepers of one CPU wake together, and sysmon's usleep(20) is cut short by the syscalls' timers;
// - select_task_rq runs when the thread is woken: its previous CPU when idle (select_idle_sibling),
//   else an idle one — for threads one interrupt wakes, each sees the CPUs taken by those before it;
// - a CPU woken from idle by its own timer interrupt pays its exit from idle (Machine.idleExitNs); a
//   thread woken onto another, idle CPU pays the IPI and that CPU's exit (Machine.ipiWakeNs); the
//   measured sleep and futex-wake latencies include them, and a thread woken with no CPU to wake
//   queues without them.
// Simplified (docs/model.md): one run queue for all CPUs (perfect load balancing, no per-CPU queues,
// no migration cost or cache effects); slice ends are exact (no tick granularity, no tick interrupts
// firing timers); no cgroups, no other processes; each sleeper an interrupt wakes draws its own wake-up
// latency, although measured here the jitter is the interrupt's, shared by them all; and a woken thread
// goes to an idle CPU when there is one, although measured here this VM's kernel keeps the other
// sleepers of an interrupt on the interrupt's CPU and a futex wakee on the waker's CPU when it last ran
// there (docs/model.md, "Where a woken thread runs": modeled alone, each rule costs accuracy).
import { Ev, type Runtime } from "./runtime.js";

export const enum KState {
  Blocked = 0,
  Sleeping = 1,
  Runnable = 2,
  Running = 3,
}

const enum Then {
  /** After the work: fire the step's event. */
  Fire = 0,
  /** After the work (charged by others): sleep, then the step. */
  Sleep = 1,
  /** After the work (charged by others): block. */
  Block = 2,
}

/** A kernel thread. Its pending step is (work on a CPU, then the event evKind/evTarget/evToken). */
export class KThread {
  state = KState.Blocked;
  cpu = -1;
  /** The CPU it last ran on (select_task_rq's prev_cpu), −1 before its first run. */
  prevCpu = -1;
  /** Token of the pending KWake/KDone: bumping it cancels them. */
  gen = 0;
  fresh = true;
  vruntimeNs = 0;
  deadlineNs = 0;
  vlagNs = 0;
  /** When the current run on a CPU began (Running). */
  segStartNs = 0;
  hasWork = false;
  /** CPU work left of the pending step, as of workStartNs. */
  workNs = 0;
  /** When that work starts executing (after a context switch). */
  workStartNs = 0;
  /** CPU work others charged to this thread (newm's clone), run before its next step. */
  debtNs = 0;
  then = Then.Fire;
  sleepNs = 0;
  wakeWorkNs = 0;
  /** A timed sleep (hrtimer): its soft and hard expiry (relative until armed, then absolute), the CPU queue it is armed on (−1: none) and its place there, its wake-up latency after the interrupt. */
  timed = false;
  softNs = 0;
  hardNs = 0;
  timerCpu = -1;
  timerIdx = -1;
  timerSeq = 0;
  wakeLatencyNs = 0;
  evKind = 0;
  evTarget = 0;
  evToken = 0;
  constructor(readonly id: number) {}
}

export class Kernel {
  readonly cpus: (KThread | null)[];
  /** Idle CPUs, a stack (the last one freed is used first). */
  readonly idleCpus: number[] = [];
  readonly cpuGen: Int32Array;
  readonly sliceArmed: Uint8Array;
  /** CPUs a wake-up took from idle, whose pick (Ev.KPick) is still to come: neither idle nor running. */
  readonly picking: Uint8Array;
  nPicking = 0;
  readonly threads: KThread[] = [];
  /** Runnable threads, in enqueue order (ties in pick_eevdf go to the earliest). */
  readonly rq: KThread[] = [];
  /** Runnable + running threads, the sum of their stored vruntimes, running count and Σ segStart. */
  n = 0;
  sumVr = 0;
  nRunning = 0;
  sumSeg = 0;
  /** The thread whose step is running now (set around a KDone's dispatch), or null. */
  current: KThread | null = null;
  /** Context switches so far (a CPU going from one thread straight to another). */
  switches = 0;
  /** Armed hrtimers of timed sleeps, per CPU (the CPU the thread slept on): binary heaps by hard expiry. */
  readonly timers: KThread[][];
  /** Arming order, the tie-break between equal hard expiries. */
  timerSeq = 0;
  /** The CPUs chosen so far for the threads one timer interrupt wakes (kTimer's scratch). */
  readonly batchCpus: number[] = [];
  constructor(
    readonly ncpu: number,
    readonly sliceNs: number,
    readonly switchNs: number,
    readonly wakeCpuNs: number,
  ) {
    this.cpus = new Array<KThread | null>(ncpu).fill(null);
    for (let c = ncpu - 1; c >= 0; c--) this.idleCpus.push(c);
    this.cpuGen = new Int32Array(ncpu);
    this.sliceArmed = new Uint8Array(ncpu);
    this.picking = new Uint8Array(ncpu);
    this.timers = Array.from({ length: ncpu }, () => []);
  }

  thread(id: number): KThread {
    let t = this.threads[id];
    if (t === undefined) {
      t = new KThread(id);
      this.threads[id] = t;
    }
    return t;
  }
}

// ─── API for the runtime ────────────────────────────────────────────────────────────────────────

/** The thread wants workNs of CPU, then its event fires. A parked thread becomes runnable now. */
export function kRun(rt: Runtime, t: KThread, workNs: number, kind: number, target: number, token: number): void {
  cancelTimer(rt, t);
  setStep(t, kind, target, token);
  t.workNs = workNs + t.debtNs;
  t.debtNs = 0;
  t.hasWork = true;
  t.then = Then.Fire;
  t.gen++;
  if (t.state === KState.Running) {
    if (t.workStartNs < rt.nowNs) t.workStartNs = rt.nowNs;
    rt.queue.push(t.workStartNs + t.workNs, Ev.KDone, t.id, t.gen);
  } else if (t.state !== KState.Runnable) enqueue(rt, t);
}

/** The thread leaves the CPU for offNs (a sleep, a wake-up latency), then runs workNs, then its event. */
export function kSleep(rt: Runtime, t: KThread, offNs: number, workNs: number, kind: number, target: number, token: number): void {
  cancelTimer(rt, t);
  t.timed = false;
  setStep(t, kind, target, token);
  t.sleepNs = offNs;
  t.wakeWorkNs = workNs;
  t.gen++;
  if (t.state === KState.Running && t.debtNs > 0) return runDebt(rt, t, Then.Sleep);
  t.hasWork = false;
  leave(rt, t, KState.Sleeping);
  rt.queue.push(rt.nowNs + offNs, Ev.KWake, t.id, t.gen);
}

/**
 * A timed sleep (nanosleep/usleep/epoll_wait timeout): an hrtimer on the CPU the thread sleeps from,
 * soft expiry softDelayNs from now, hard expiry hardDelayNs from now (machine.ts sleepSoftNs /
 * sleepHardNs: the slack between them). When it fires the thread is runnable after wakeLatencyNs,
 * runs workNs, then its event.
 */
export function kSleepTimer(rt: Runtime, t: KThread, softDelayNs: number, hardDelayNs: number, wakeLatencyNs: number, workNs: number, kind: number, target: number, token: number): void {
  cancelTimer(rt, t);
  setStep(t, kind, target, token);
  t.timed = true;
  t.softNs = softDelayNs;
  t.hardNs = hardDelayNs;
  t.wakeLatencyNs = wakeLatencyNs;
  t.wakeWorkNs = workNs;
  t.gen++;
  if (t.state === KState.Running && t.debtNs > 0) return runDebt(rt, t, Then.Sleep);
  armTimer(rt, t);
}

/**
 * Ev.KTimer: the interrupt at a timer's hard expiry. __hrtimer_run_queues (kernel/time/hrtimer.c)
 * walks the CPU's timers in hard-expiry order and fires each whose soft expiry has passed, stopping
 * at the first that has not: sleepers of one CPU wake together. select_task_rq runs in the interrupt
 * for each woken thread in turn (batchWakeCpu). Its drawn wake-up latency includes the interrupted CPU's
 * exit from idle (measured on an idle CPU): less Machine.idleExitNs if that CPU was busy; plus
 * Machine.ipiWakeNs if the thread is sent to another, idle CPU.
 */
export function kTimer(rt: Runtime, id: number, token: number): void {
  const t = rt.kernel.threads[id]!;
  if (token !== t.gen || t.state !== KState.Sleeping || t.timerCpu < 0) return;
  const k = rt.kernel;
  const irqCpu = t.timerCpu;
  const heap = k.timers[irqCpu]!;
  const now = rt.nowNs;
  const idleExitNs = rt.config.machine.idleExitNs;
  const irqCpuExitNs = k.idleCpus.includes(irqCpu) ? idleExitNs : 0;
  const chosen = k.batchCpus;
  chosen.length = 0;
  while (heap.length > 0 && heap[0]!.softNs <= now) {
    const s = heap[0]!;
    heapRemove(heap, 0);
    const cpu = batchWakeCpu(k, s.prevCpu);
    let latencyNs = s.wakeLatencyNs - idleExitNs + irqCpuExitNs;
    if (cpu >= 0) {
      if (cpu !== irqCpu && k.idleCpus.includes(cpu)) latencyNs += rt.config.machine.ipiWakeNs;
      s.prevCpu = cpu;
      chosen.push(cpu);
    }
    rt.queue.push(now + Math.max(0, latencyNs), Ev.KWake, s.id, s.gen);
  }
}

/**
 * select_idle_sibling for a thread woken by a timer interrupt: its previous CPU if idle and not taken
 * by an earlier thread of the same interrupt (Kernel.batchCpus), else another such idle CPU, else its
 * previous CPU (it will queue).
 */
function batchWakeCpu(k: Kernel, prevCpu: number): number {
  if (prevCpu >= 0 && k.idleCpus.includes(prevCpu) && !k.batchCpus.includes(prevCpu)) return prevCpu;
  for (let i = k.idleCpus.length - 1; i >= 0; i--) {
    const c = k.idleCpus[i]!;
    if (!k.batchCpus.includes(c)) return c;
  }
  return prevCpu;
}

/** Arms the timer on the CPU the thread sleeps from (its last CPU if it is not running). */
function armTimer(rt: Runtime, t: KThread): void {
  const k = rt.kernel;
  const cpu = t.state === KState.Running ? t.cpu : Math.max(0, t.prevCpu);
  t.hasWork = false;
  leave(rt, t, KState.Sleeping);
  t.softNs += rt.nowNs;
  t.hardNs += rt.nowNs;
  t.timerSeq = k.timerSeq++;
  t.timerCpu = cpu;
  heapInsert(k.timers[cpu]!, t);
  rt.queue.push(t.hardNs, Ev.KTimer, t.id, t.gen);
}

/** A sleeping thread woken otherwise (netpollBreak, notewakeup) leaves its CPU's timer queue. */
function cancelTimer(rt: Runtime, t: KThread): void {
  if (t.timerCpu >= 0) heapRemove(rt.kernel.timers[t.timerCpu]!, t.timerIdx);
}

// A CPU's timer queue: a binary heap by (hard expiry, arming order); each thread knows its index.
function timerBefore(a: KThread, b: KThread): boolean {
  return a.hardNs < b.hardNs || (a.hardNs === b.hardNs && a.timerSeq < b.timerSeq);
}

function heapInsert(heap: KThread[], t: KThread): void {
  heap.push(t);
  siftUp(heap, heap.length - 1, t);
}

function heapRemove(heap: KThread[], i: number): void {
  const t = heap[i]!;
  const last = heap.pop()!;
  t.timerCpu = -1;
  t.timerIdx = -1;
  if (last === t) return;
  if (i > 0 && timerBefore(last, heap[(i - 1) >> 1]!)) siftUp(heap, i, last);
  else siftDown(heap, i, last);
}

function siftUp(heap: KThread[], i: number, t: KThread): void {
  while (i > 0) {
    const pi = (i - 1) >> 1;
    const parent = heap[pi]!;
    if (!timerBefore(t, parent)) break;
    heap[i] = parent;
    parent.timerIdx = i;
    i = pi;
  }
  heap[i] = t;
  t.timerIdx = i;
}

function siftDown(heap: KThread[], i: number, t: KThread): void {
  const n = heap.length;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && timerBefore(heap[c + 1]!, heap[c]!)) c++;
    const child = heap[c]!;
    if (!timerBefore(child, t)) break;
    heap[i] = child;
    child.timerIdx = i;
    i = c;
  }
  heap[i] = t;
  t.timerIdx = i;
}

/** The thread parks (futex wait) until kRun or kSleep gives it a step. */
export function kBlock(rt: Runtime, t: KThread): void {
  cancelTimer(rt, t);
  t.gen++;
  if (t.state === KState.Running && t.debtNs > 0) return runDebt(rt, t, Then.Block);
  t.hasWork = false;
  leave(rt, t, KState.Blocked);
}

/** Charges workNs of CPU to the thread (e.g. newm's clone on the creating thread). */
export function kCharge(rt: Runtime, t: KThread, workNs: number): void {
  if (workNs <= 0) return;
  if (t.hasWork && t.then === Then.Fire) {
    t.workNs += workNs;
    if (t.state === KState.Running) {
      t.gen++;
      rt.queue.push(Math.max(t.workStartNs, rt.nowNs) + workLeft(rt, t), Ev.KDone, t.id, t.gen);
    }
  } else t.debtNs += workNs;
}

/** CPU work left of the thread's pending step. */
export function kWorkLeft(rt: Runtime, t: KThread): number {
  return t.hasWork ? workLeft(rt, t) : 0;
}

/** Ev.KWake: the thread's off-CPU wait is over; it becomes runnable. */
export function kWake(rt: Runtime, id: number, token: number): void {
  const t = rt.kernel.threads[id]!;
  if (token !== t.gen || t.state !== KState.Sleeping) return;
  t.workNs = t.wakeWorkNs + t.debtNs;
  t.debtNs = 0;
  t.hasWork = true;
  t.then = Then.Fire;
  enqueue(rt, t);
}

/** Ev.KDone: the work is done. Returns the thread whose step event must now fire, or null. */
export function kDone(rt: Runtime, id: number, token: number): KThread | null {
  const t = rt.kernel.threads[id]!;
  if (token !== t.gen || t.state !== KState.Running) return null;
  t.hasWork = false;
  t.workNs = 0;
  const then = t.then;
  t.then = Then.Fire;
  if (then === Then.Sleep) {
    t.gen++;
    if (t.timed) {
      armTimer(rt, t);
      return null;
    }
    leave(rt, t, KState.Sleeping);
    rt.queue.push(rt.nowNs + t.sleepNs, Ev.KWake, t.id, t.gen);
    return null;
  }
  if (then === Then.Block) {
    leave(rt, t, KState.Blocked);
    return null;
  }
  return t;
}

/** After a step ran: a thread that neither asked for work nor left the CPU is waiting (parked). */
export function kStepEnd(rt: Runtime, t: KThread): void {
  if ((t.state === KState.Running || t.state === KState.Runnable) && !t.hasWork) kBlock(rt, t);
}

/** Ev.KSlice: the running thread's vruntime reached its deadline (update_deadline). */
export function kSlice(rt: Runtime, cpu: number, token: number): void {
  const k = rt.kernel;
  if (token !== k.cpuGen[cpu]) return;
  k.sliceArmed[cpu] = 0;
  const t = k.cpus[cpu]!;
  settleVruntime(rt, t);
  t.deadlineNs = t.vruntimeNs + k.sliceNs;
  if (k.rq.length === 0) return;
  const best = pickEevdf(rt, t);
  if (best !== t) preempt(rt, cpu);
  else armSlice(rt, cpu);
}

/** Ev.KPick: a CPU a wake-up took from idle schedules: pick_eevdf among the runnable threads. */
export function kPick(rt: Runtime, cpu: number, token: number): void {
  const k = rt.kernel;
  if (token !== k.cpuGen[cpu] || k.picking[cpu] === 0) return;
  k.picking[cpu] = 0;
  k.nPicking--;
  runNext(rt, cpu, true);
}

// ─── The scheduler ──────────────────────────────────────────────────────────────────────────────

function setStep(t: KThread, kind: number, target: number, token: number): void {
  t.evKind = kind;
  t.evTarget = target;
  t.evToken = token;
}

function runDebt(rt: Runtime, t: KThread, then: Then): void {
  t.workNs = t.debtNs;
  t.debtNs = 0;
  t.hasWork = true;
  t.then = then;
  if (t.workStartNs < rt.nowNs) t.workStartNs = rt.nowNs;
  rt.queue.push(t.workStartNs + t.workNs, Ev.KDone, t.id, t.gen);
}

function workLeft(rt: Runtime, t: KThread): number {
  if (t.state !== KState.Running) return t.workNs;
  return Math.max(0, t.workNs - Math.max(0, rt.nowNs - t.workStartNs));
}

/** avg_vruntime: the mean vruntime of the runnable and running threads. */
function avgVruntime(rt: Runtime): number {
  const k = rt.kernel;
  return k.n === 0 ? 0 : (k.sumVr + k.nRunning * rt.nowNs - k.sumSeg) / k.n;
}

function currentVruntime(rt: Runtime, t: KThread): number {
  return t.state === KState.Running ? t.vruntimeNs + (rt.nowNs - t.segStartNs) : t.vruntimeNs;
}

/** Folds the running thread's time so far into its stored vruntime. */
function settleVruntime(rt: Runtime, t: KThread): void {
  const k = rt.kernel;
  const ran = rt.nowNs - t.segStartNs;
  t.vruntimeNs += ran;
  k.sumVr += ran;
  k.sumSeg += ran;
  t.segStartNs = rt.nowNs;
}

/** place_entity + enqueue: the thread becomes runnable and runs at once if a CPU is idle. */
function enqueue(rt: Runtime, t: KThread): void {
  const k = rt.kernel;
  const v = avgVruntime(rt);
  // PLACE_LAG: the lag is scaled by (W + w) / W so that it is still the lag after V moves for the
  // newcomer (all threads weigh alike: W = the queued count); onto an empty queue there is no lag.
  t.vruntimeNs = t.fresh || k.n === 0 ? v : v - (t.vlagNs * (k.n + 1)) / k.n;
  t.deadlineNs = t.vruntimeNs + (t.fresh ? k.sliceNs / 2 : k.sliceNs);
  t.fresh = false;
  // Blocking and waking cost the kernel CPU time, run on the woken thread before its step.
  t.workNs += k.wakeCpuNs;
  t.state = KState.Runnable;
  k.n++;
  k.sumVr += t.vruntimeNs;
  k.rq.push(t);
  if (k.idleCpus.length > 0) {
    // The woken CPU picks when it schedules, after every wake-up of this instant (e.g. the other
    // sleepers of one timer interrupt) is queued: pick_eevdf chooses among them all.
    const cpu = takeIdleCpu(k, t.prevCpu);
    k.picking[cpu] = 1;
    k.nPicking++;
    rt.queue.push(rt.nowNs, Ev.KPick, cpu, ++k.cpuGen[cpu]!);
    return;
  }
  // check_preempt_wakeup_fair: preempt a CPU whose thread is no longer eligible if pick_eevdf picks t.
  // Nothing changes until a preemption, so V and the pick are computed once (the pick only if needed).
  const vNow = avgVruntime(rt);
  let pick: KThread | null | undefined;
  for (let c = 0; c < k.ncpu; c++) {
    const curr = k.cpus[c];
    if (curr === null || curr === undefined) continue; // about to pick (Ev.KPick)
    if (currentVruntime(rt, curr) > vNow && (pick === undefined ? (pick = pickEevdf(rt, null)) : pick) === t) {
      preempt(rt, c);
      break;
    }
  }
  for (let c = 0; c < k.ncpu; c++) armSlice(rt, c);
}

/**
 * select_idle_sibling (kernel/sched/fair.c): a waking thread goes back to its previous CPU when that
 * one is idle (cache affinity), else to an idle CPU — the last one freed.
 */
function takeIdleCpu(k: Kernel, prevCpu: number): number {
  const idle = k.idleCpus;
  const i = prevCpu < 0 ? -1 : idle.lastIndexOf(prevCpu);
  if (i < 0) return idle.pop()!;
  idle.splice(i, 1);
  return prevCpu;
}

/** The thread stops being runnable or running (dequeue for sleep): its lag is kept for placement. */
function leave(rt: Runtime, t: KThread, to: KState.Blocked | KState.Sleeping): void {
  const k = rt.kernel;
  if (t.state === KState.Running || t.state === KState.Runnable) {
    const lim = 2 * k.sliceNs;
    t.vlagNs = Math.max(-lim, Math.min(lim, avgVruntime(rt) - currentVruntime(rt, t)));
    const cpu = t.cpu;
    if (t.state === KState.Running) stopRunning(rt, t);
    else removeFromRq(k, t);
    k.n--;
    k.sumVr -= t.vruntimeNs;
    t.state = to;
    if (cpu >= 0) runNext(rt, cpu);
    return;
  }
  t.state = to;
}

/** pick_eevdf: the eligible thread (vruntime ≤ V) with the earliest deadline; curr is a candidate. */
function pickEevdf(rt: Runtime, curr: KThread | null): KThread | null {
  const k = rt.kernel;
  const v = avgVruntime(rt) + 1e-6;
  let best: KThread | null = null;
  if (curr !== null && currentVruntime(rt, curr) <= v) best = curr;
  let minVr: KThread | null = null;
  for (const t of k.rq) {
    if (t.vruntimeNs <= v && (best === null || t.deadlineNs < best.deadlineNs)) best = t;
    if (minVr === null || t.vruntimeNs < minVr.vruntimeNs) minVr = t;
  }
  return best ?? minVr ?? curr;
}

/** Removes t from the run queue, keeping the others' order (pick_eevdf's ties go to the earliest); allocates nothing. */
function removeFromRq(k: Kernel, t: KThread): void {
  const rq = k.rq;
  const n = rq.length - 1;
  const at = rq.indexOf(t);
  for (let i = at < 0 ? n : at; i < n; i++) rq[i] = rq[i + 1]!;
  rq.pop();
}

/** The CPU runs pick_eevdf's choice, or idles; from idle (fromIdle) there is no context switch to pay. */
function runNext(rt: Runtime, cpu: number, fromIdle = false): void {
  const k = rt.kernel;
  if (k.rq.length === 0) {
    k.idleCpus.push(cpu);
    return;
  }
  const t = pickEevdf(rt, null)!;
  removeFromRq(k, t);
  if (fromIdle) return startRunning(rt, t, cpu, 0);
  k.switches++;
  startRunning(rt, t, cpu, k.switchNs);
}

function startRunning(rt: Runtime, t: KThread, cpu: number, switchNs: number): void {
  const k = rt.kernel;
  k.cpus[cpu] = t;
  t.cpu = cpu;
  t.prevCpu = cpu;
  t.state = KState.Running;
  t.segStartNs = rt.nowNs;
  k.nRunning++;
  k.sumSeg += rt.nowNs;
  t.workStartNs = rt.nowNs + switchNs;
  if (t.hasWork) {
    t.gen++;
    rt.queue.push(t.workStartNs + t.workNs, Ev.KDone, t.id, t.gen);
  }
  if (k.rq.length > 0) armSlice(rt, cpu);
}

/** Takes the thread off its CPU; its vruntime and work so far are settled. */
function stopRunning(rt: Runtime, t: KThread): void {
  const k = rt.kernel;
  if (t.hasWork) t.workNs = workLeft(rt, t);
  settleVruntime(rt, t);
  k.nRunning--;
  k.sumSeg -= t.segStartNs;
  k.cpus[t.cpu] = null;
  k.cpuGen[t.cpu]!++;
  k.sliceArmed[t.cpu] = 0;
  t.cpu = -1;
}

/** resched_curr: the CPU's thread goes back to the run queue and the CPU runs pick_eevdf's choice. */
function preempt(rt: Runtime, cpu: number): void {
  const k = rt.kernel;
  const t = k.cpus[cpu]!;
  stopRunning(rt, t);
  t.gen++;
  t.state = KState.Runnable;
  k.rq.push(t);
  runNext(rt, cpu);
}

function armSlice(rt: Runtime, cpu: number): void {
  const k = rt.kernel;
  const t = k.cpus[cpu];
  if (t === null || t === undefined || k.sliceArmed[cpu] === 1) return;
  k.sliceArmed[cpu] = 1;
  k.cpuGen[cpu]!++;
  const at = t.segStartNs + Math.max(0, t.deadlineNs - t.vruntimeNs);
  rt.queue.push(Math.max(rt.nowNs, at), Ev.KSlice, cpu, k.cpuGen[cpu]!);
}

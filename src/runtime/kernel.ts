// The kernel's CPU scheduler under the runtime's threads: every thread (M, sysmon) runs its CPU work —
// Go code and the runtime's own (schedule, findRunnable, syscall entry and exit, sysmon passes, newm's
// clone, a new thread's start-up) — on Machine.ncpu CPUs. A thread is Blocked (parked on a futex),
// Sleeping (in nanosleep, epoll_wait or a blocking syscall, until a known time), Runnable (queued for a
// CPU) or Running. A woken or new thread waits for a CPU when its CPU is busy.
//
// Modeled on Linux's scheduler (kernel/sched/fair.c, Linux 6.6+ EEVDF), with every thread at nice 0.
// Each CPU has its own run queue (struct rq / cfs_rq), with its own EEVDF clock:
// - vruntime advances at the wall-clock rate while a thread runs; V = the average vruntime of the
//   CPU's runnable and running threads (avg_vruntime);
// - a thread is eligible when its vruntime ≤ V (entity_eligible); pick_eevdf runs the eligible thread
//   with the earliest virtual deadline;
// - placement on wake-up (place_entity): vruntime = V − lag·(W + w)/W, the lag kept from when it
//   slept or left the CPU's queue (update_entity_lag, clamped to ±2 slices) and scaled so that it is
//   still the lag once the thread is counted in V (PLACE_LAG; every thread weighs alike, W = the queued
//   count); onto an empty queue the lag is dropped; deadline = vruntime + slice; a new thread gets half
//   a slice (PLACE_DEADLINE_INITIAL);
// - a thread that sleeps while not eligible stays on its CPU's queue, counted in V (DELAY_DEQUEUE,
//   Linux 6.12+): picked, it leaves for good with zero lag (DELAY_ZERO) and the CPU picks again; a CPU
//   with nothing runnable drops them all before it balances and idles; woken, it is requeued where it
//   is (ttwu_runnable: no select_task_rq), keeping its vruntime — placed afresh at V only if its lag
//   has turned positive;
// - a CPU a wake-up takes from idle picks when it schedules (Ev.KPick), after every wake-up of that
//   instant is queued — the sleepers one timer interrupt wakes are ordered by pick_eevdf, not by
//   the interrupt's walk;
// - when a running thread's vruntime reaches its deadline it gets a new one and, if others wait, the
//   CPU is re-picked (update_deadline → resched_curr);
// - wake-up preemption (check_preempt_wakeup_fair): the woken thread preempts the CPU's running one
//   only if it is what pick_eevdf would choose and the running one is no longer eligible
//   (RUN_TO_PARITY keeps an eligible current thread on its CPU until its deadline); a futex waker is
//   in the kernel when it wakes a thread onto its own CPU, and this VM's kernel is built with
//   CONFIG_PREEMPT_NONE: it is switched out on its way back to user space, after its FUTEX_WAKE's
//   CPU (Machine.futexWakerNs), and pick_eevdf decides then;
// - a context switch costs Machine.contextSwitchNs of the CPU;
// - timed sleeps (nanosleep, usleep, epoll_wait's timeout) are hrtimers with the thread's timer slack
//   (kernel/time/hrtimer.c) on the CPU the thread sleeps from: soft expiry = the request, hard expiry =
//   soft + slack (+ the measured extra of long sleeps); the interrupt comes machine.ts timerIrqDelayNs
//   after the CPU's earliest hard expiry (a VM's emulated timer, measured) and fires, in hard-expiry
//   order, every timer whose soft expiry has passed by then up to the first that has not
//   (__hrtimer_run_queues) — so sleepers of one CPU wake together, and sysmon's usleep(20) is cut
//   short by the syscalls' timers and cuts theirs short;
// - select_task_rq runs when the thread is woken, in the waker's context (the futex waker's CPU, the
//   timer interrupt's CPU) — selectCpu below: its previous CPU when idle; the waker's CPU when the
//   thread last ran there and that CPU keeps it (a futex waker's CPU while its utilization is under
//   WAKE_STAY_UTIL; a timer interrupt's CPU when the interrupt woke it from idle — measured on this VM,
//   whose kernel carries a patch that packs threads onto a vCPU with room, sched_vcpu_pack: docs/model.md
//   "Where a woken thread runs"); else an idle CPU; else the shorter queue of the waker's
//   and the previous CPU (wake_affine), where it waits — with the measured exceptions drawn per wake
//   (a futex wakee joins its waker's CPU 10 % of the time instead of its idle previous one; a sleeper
//   stays on its busy CPU 7 % of the time). A new thread (wake_up_new_task) goes to an idle
//   CPU, else the least loaded;
// - load balancing: a CPU about to idle pulls queued threads from the busiest CPU (newidle balance)
//   when that one has two or more more than it; a busy CPU's tick (TICK_NS) kicks an idle CPU to do
//   the same for it (nohz idle balance) and, every BUSY_BALANCE_NS, pulls toward itself; a thread that
//   left a CPU less than MIGRATION_COST_NS ago is cache-hot and stays (task_hot); none moves from a
//   CPU used under PACK_UTIL (this VM's kernel packs threads onto a vCPU with room);
// - a CPU woken from idle by its own timer interrupt pays its exit from idle (Machine.idleExitNs); a
//   thread woken onto another, idle CPU pays the IPI and that CPU's exit (Machine.ipiWakeNs); the
//   measured sleep and futex-wake latencies include them, and a thread woken onto a busy CPU queues
//   without them;
// - the first thread a timer wake puts on an idle CPU runs slowly: Machine.idleRunNs of the measured
//   sleep latency is CPU work of its run instead; a futex wake costs the waker Machine.futexWakerNs of
//   CPU, and futexWakerIpiNs more onto another CPU (measured on this VM, docs/model.md).
// Simplified (docs/model.md): no migration cost or cache effects beyond task_hot and the idle CPU's
// slow run; slice ends are exact (no tick granularity); balancing moves whole threads by count (every
// thread weighs alike, no PELT load), and a CPU's utilization (for the wake placement) is a PELT-like
// average of its busy time; no cgroups, no other processes.
import { timerIrqDelayNs, wakeCpuNs } from "./machine.js";
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
  /** The CPU whose run queue holds it (Runnable) or that runs it (Running), else −1. */
  cpu = -1;
  /** The CPU it last ran on (select_task_rq's prev_cpu), −1 before its first run. */
  prevCpu = -1;
  /** The CPU a wake-up in flight (KWake) was placed on by select_task_rq, −1: choose at the wake. */
  wakeCpu = -1;
  /** When it last left a CPU (task_hot's exec_start). */
  lastRanNs = -Infinity;
  /** Token of the pending KWake/KDone: bumping it cancels them. */
  gen = 0;
  fresh = true;
  vruntimeNs = 0;
  deadlineNs = 0;
  vlagNs = 0;
  /** Asleep but still on its CPU's cfs_rq (DELAY_DEQUEUE: it slept ineligible); in KCpu.delayed. */
  delayed = false;
  /** When the current vruntime segment began (Running; settleVruntime restarts it). */
  segStartNs = 0;
  /** When the current run on a CPU began (Running): sched_switch in, for Kernel.runs. */
  runStartNs = 0;
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
  /** Of a timer wake's latency, the CPU work moved into its run: it lands on an idle CPU (Machine.idleRunNs). */
  coldRunNs = 0;
  /** The interrupt that woke it with sysmon (Kernel.timerFires.sysmonWithOthers' sequence), 0: none. */
  sysmonBurst = 0;
  evKind = 0;
  evTarget = 0;
  evToken = 0;
  constructor(readonly id: number) {}
}

/** One CPU and its run queue (struct rq with its cfs_rq). */
export class KCpu {
  /** The running thread, or null (idle, or about to pick). */
  curr: KThread | null = null;
  /** A wake-up took it from idle; it picks at Ev.KPick. */
  picking = false;
  /** A wake-up preemption waits for the running thread's return to user space (deferResched). */
  reschedPending = false;
  /** Wake-ups placed on it that are still in flight (their KWake to come): it is not idle to select_task_rq. */
  incoming = 0;
  /** Its runnable threads, in enqueue order (ties in pick_eevdf go to the earliest). */
  readonly queue: KThread[] = [];
  /** Threads asleep with negative lag, kept on the cfs_rq until picked or woken (DELAY_DEQUEUE). */
  readonly delayed: KThread[] = [];
  /** Runnable, running and delayed threads and the sum of their stored vruntimes (V counts all three). */
  n = 0;
  sumVr = 0;
  /** Token of its pending KSlice and KPick events (KTick has tickGen). */
  gen = 0;
  sliceArmed = false;
  tickArmed = false;
  tickGen = 0;
  /** When its tick last ran a periodic balance. */
  lastBalanceNs = 0;
  /** Armed hrtimers of timed sleeps (threads that slept on it): a binary heap by hard expiry. */
  readonly timers: KThread[] = [];
  /** Time its threads ran on it so far (runs ended; Kernel.runs), for the CPU's busy share. */
  busyNs = 0;
  /** A PELT-like average of its busy share, as of utilAtNs. */
  util = 0;
  utilAtNs = 0;
  constructor(readonly id: number) {}
}

/** Kernel.runs' histogram: 1 µs buckets up to this. */
export const RUN_HIST_US = 4096;

export class Kernel {
  readonly cpus: KCpu[];
  /** Idle CPUs, a stack (the last one freed is used first). */
  readonly idleCpus: number[] = [];
  readonly threads: KThread[] = [];
  /** The thread whose step is running now (set around a KDone's dispatch), or null. */
  current: KThread | null = null;
  /** Context switches so far (a CPU going from one thread straight to another). */
  switches = 0;
  /** Threads moved to another CPU's queue by load balancing. */
  migrations = 0;
  /** Arming order, the tie-break between equal hard expiries. */
  timerSeq = 0;
  /**
   * Timed sleeps fired so far, as tools/machine/sched-trace.mjs counts them on a real kernel: all,
   * those fired before their hard expiry (by another timer's interrupt, within the slack), and the
   * interrupts that fired them, by how many each fired (index k: k + 1 sleeps; the last, 8 or more);
   * sysmon's sleeps apart (the second thread of a real Go program); and the other threads' sleeps by
   * where sysmon's timed sleep was pending when they were armed (besideSysmon: on their CPU, another,
   * none — its deep sleep is an off-CPU wait here, a futex timeout's hrtimer on a real kernel); the
   * interrupts that fired sysmon's sleep with others (sysmonWithOthers) and how many of them ran sysmon
   * before the others (sysmonRanFirst): sched-trace.mjs's "woke the second thread with others".
   */
  readonly timerFires = { fired: 0, early: 0, sysmon: 0, sysmonEarly: 0, interrupts: 0, bySize: [0, 0, 0, 0, 0, 0, 0, 0], besideSysmon: { same: 0, other: 0, none: 0 }, sysmonWithOthers: 0, sysmonRanFirst: 0 };
  /** The sysmonWithOthers interrupt none of whose sleepers has run yet, 0: none. */
  sysmonBurstOpen = 0;
  /** The sleepers the interrupt being handled fired (kTimer's scratch). */
  readonly firedScratch: KThread[] = [];
  /**
   * Futex wakes (kWakeup) that queued the thread on its waker's running CPU, as sched-trace.mjs's
   * "woken by a thread of the group and run on its CPU" counts them: whether the wakee preempted the
   * waker (when the waker is back from FUTEX_WAKE: deferResched) or waited; sysmon as the wakee apart.
   */
  readonly wakeeOnWaker = { sysmon: { preempted: 0, waited: 0 }, others: { preempted: 0, waited: 0 } };
  /**
   * Threads' runs on a CPU (switched in → switched out), as tools/machine/sched-trace.mjs counts them
   * on a real kernel: how many, their total, and how many lasted k µs (index k, floored; the last
   * index holds every run of RUN_HIST_US µs or more).
   */
  readonly runs = { count: 0, totalNs: 0, byUs: new Uint32Array(RUN_HIST_US + 1) };
  /**
   * Wake-ups placed so far (select_task_rq of a thread that ran before, by a timer interrupt or a
   * futex waker: kTimer, kWakeup, kRun), as tools/machine/sched-trace.mjs counts them on a real
   * kernel, by placementIndex: the kind of wake, whether the waker's CPU was the thread's previous
   * one, whether that CPU and another were idle, and whether the thread went elsewhere.
   */
  readonly placements = new Uint32Array(32);
  constructor(
    readonly ncpu: number,
    readonly sliceNs: number,
    readonly switchNs: number,
    /** What a block-and-wake costs on average: the wake's work (its spread's mean) and a switch. */
    readonly blockWakeMeanNs: number,
  ) {
    this.cpus = Array.from({ length: ncpu }, (_, c) => new KCpu(c));
    for (let c = ncpu - 1; c >= 0; c--) this.idleCpus.push(c);
  }

  thread(id: number): KThread {
    let t = this.threads[id];
    if (t === undefined) {
      t = new KThread(id);
      this.threads[id] = t;
    }
    return t;
  }

  /** Idle to select_task_rq: nothing runs, queues or is on its way there. */
  isIdle(cpu: number): boolean {
    const c = this.cpus[cpu]!;
    return c.curr === null && !c.picking && c.incoming === 0;
  }
}

// Load-balancing and placement settings of Linux on this VM (kernel/sched/fair.c, CONFIG_HZ=250):
/** The scheduler tick of a busy CPU (HZ = 250); an idle CPU has none (NO_HZ_IDLE). */
const TICK_NS = 4_000_000;
/** A busy CPU's periodic balance: sd->balance_interval (the domain's weight, 2 ms) × busy_factor 16. */
const BUSY_BALANCE_NS = 32_000_000;
/** sysctl_sched_migration_cost: a thread that left its CPU less than this ago is cache-hot (task_hot). */
const MIGRATION_COST_NS = 500_000;
/** PELT's time constant: utilization halves in 32 ms without running (32 ms / ln 2). */
const UTIL_TAU_NS = 32_000_000 / Math.LN2;
/**
 * A futex wakee that last ran on the waker's CPU stays there while that CPU's utilization is below
 * this (measured on this VM with tools/machine/wake-placement.c `futex`: a waker busy 5–47 % of the
 * time — 0–300 µs after each wake, a wake every ~360 µs — keeps its wakee 96.5–99.8 %, one busy 75 %
 * — 1 ms — sends it to the idle CPU every time; docs/model.md).
 */
const WAKE_STAY_UTIL = 0.6;
/**
 * Load balancing leaves threads waiting on a CPU used under this (a kernel patched to pack threads
 * onto a vCPU with room, sched_vcpu_pack=15 on this kind of VM): the utilization up to which a busy
 * CPU kept its woken sleeper in tools/machine/wake-placement.c `busy 4000 ON OFF 370` (a CPU busy
 * 60–70 % kept 55–89 %, one busy 75 % or more 1–10 %). Real Go's kernel traces show no thread moved
 * while it waited at one P (0–1 per run in 11 traces) where the model's newidle balance moved 8–12.
 */
const PACK_UTIL = 0.75;
/**
 * The measured exceptions to those choices, as shares of wakes (tools/machine/wake-placement.c, this
 * VM, docs/model.md "Where a woken thread runs"): a futex wakee whose previous CPU is the other, idle
 * one queues behind its waker instead in 8–12 % of wakes (`futex 0 other`, `futex 20 other`); a
 * sleeper whose timer interrupt finds its CPU busy stays there, queued, in 7 % (`busy`: 93 % went to
 * the idle CPU). Each is a draw from the run's generator.
 */
const FUTEX_WAKEE_TO_WAKER_SHARE = 0.1;
const TIMER_WAKEE_STAYS_BUSY_SHARE = 0.07;

// ─── API for the runtime ────────────────────────────────────────────────────────────────────────

/** The thread wants workNs of CPU, then its event fires. A parked thread becomes runnable now. */
export function kRun(rt: Runtime, t: KThread, workNs: number, kind: number, target: number, token: number): void {
  cancelPending(rt, t);
  setStep(t, kind, target, token);
  t.workNs = workNs + t.debtNs;
  t.debtNs = 0;
  t.hasWork = true;
  t.then = Then.Fire;
  t.gen++;
  if (t.state === KState.Running) {
    if (t.workStartNs < rt.nowNs) t.workStartNs = rt.nowNs;
    rt.queue.push(t.workStartNs + t.workNs, Ev.KDone, t.id, t.gen);
  } else if (t.state !== KState.Runnable) {
    const waker = currentCpu(rt);
    enqueue(rt, t, selectCpu(rt, t, waker, wakeStays(rt, waker), false), true);
  }
}

/** The thread leaves the CPU for offNs (a sleep, a wake-up latency), then runs workNs, then its event. */
export function kSleep(rt: Runtime, t: KThread, offNs: number, workNs: number, kind: number, target: number, token: number): void {
  cancelPending(rt, t);
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
 * notewakeup of a parked thread by the running one (FUTEX_WAKE): select_task_rq places it now, in the
 * waker's context. Onto another, idle CPU it is runnable after ipiWakeNs (the drawn futex wake:
 * machine.ts futexWakeNs); onto a busy CPU, or the waker's, it is queued at once — onto the waker's,
 * preempting it once the waker is back from FUTEX_WAKE if EEVDF says so, never if !preemptsWaker.
 * Then it runs workNs, then its event.
 */
export function kWakeup(rt: Runtime, t: KThread, ipiWakeNs: number, workNs: number, kind: number, target: number, token: number, preemptsWaker = true): void {
  if (t.state === KState.Running || t.state === KState.Runnable) return kSleep(rt, t, 0, workNs, kind, target, token);
  cancelPending(rt, t);
  t.timed = false;
  setStep(t, kind, target, token);
  t.wakeWorkNs = workNs;
  t.gen++;
  const k = rt.kernel;
  const waker = currentCpu(rt);
  const cpu = selectCpu(rt, t, waker, wakeStays(rt, waker), false);
  // FUTEX_WAKE costs the waker too, more with an IPI to another CPU (Machine.futexWakerNs).
  const m = rt.config.machine;
  if (k.current !== null && k.current !== t) kCharge(rt, k.current, m.futexWakerNs + (cpu !== waker ? m.futexWakerIpiNs : 0));
  t.state = KState.Sleeping;
  if (cpu !== waker && k.isIdle(cpu)) {
    t.wakeCpu = cpu;
    k.cpus[cpu]!.incoming++;
    rt.queue.push(rt.nowNs + ipiWakeNs, Ev.KWake, t.id, t.gen);
    return;
  }
  becomeRunnable(t);
  // Onto the waker's own CPU, a wake-up preemption takes effect when the waker is back from FUTEX_WAKE;
  // a wakee that does not preempt its waker (!preemptsWaker) waits for it to leave the CPU.
  enqueue(rt, t, cpu, true, cpu !== waker ? 0 : preemptsWaker ? m.futexWakerNs : -1);
  if (cpu === waker) {
    const w = t === rt.sysmonM?.kt ? k.wakeeOnWaker.sysmon : k.wakeeOnWaker.others;
    if (k.cpus[cpu]!.curr === t || k.cpus[cpu]!.reschedPending) w.preempted++;
    else w.waited++;
  }
}

/**
 * A timed sleep (nanosleep/usleep/epoll_wait timeout): an hrtimer on the CPU the thread sleeps from,
 * soft expiry softDelayNs from now (the request), hard expiry hardDelayNs from now (machine.ts
 * sleepHardNs: the slack and the measured extra of long sleeps later). When it fires the thread is
 * runnable after wakeLatencyNs, runs workNs, then its event.
 */
export function kSleepTimer(rt: Runtime, t: KThread, softDelayNs: number, hardDelayNs: number, wakeLatencyNs: number, workNs: number, kind: number, target: number, token: number): void {
  cancelPending(rt, t);
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
 * for each woken thread in turn, each seeing where those before it went (KCpu.incoming). The wake-up
 * latency is the interrupt's, not each sleeper's: every thread it fires is runnable after the latency
 * drawn for the timer that raised it (tools/machine/coalesced-wakes.c: the first of k sleepers of one
 * interrupt wakes as late as a lone sleeper, not as the earliest of k draws); their own CPU work then
 * spaces them. It includes the interrupted CPU's exit from idle (measured on an idle CPU): less
 * Machine.idleExitNs if that CPU was busy; plus Machine.ipiWakeNs if the thread is sent to another, idle CPU.
 */
export function kTimer(rt: Runtime, id: number, token: number): void {
  const t = rt.kernel.threads[id]!;
  if (token !== t.gen || t.state !== KState.Sleeping || t.timerCpu < 0) return;
  const k = rt.kernel;
  const irqCpu = t.timerCpu;
  const heap = k.cpus[irqCpu]!.timers;
  const now = rt.nowNs;
  const m = rt.config.machine;
  const irqCpuExitNs = k.isIdle(irqCpu) ? m.idleExitNs : 0;
  // The measured wake-up latency holds the interrupt's delay, already past.
  const irqLatencyNs = t.wakeLatencyNs - m.idleExitNs + irqCpuExitNs - timerIrqDelayNs(m);
  const fires = k.timerFires;
  const firedThreads = k.firedScratch;
  firedThreads.length = 0;
  let fired = 0;
  let sysmonFired = false;
  while (heap.length > 0 && heap[0]!.softNs <= now) {
    const s = heap[0]!;
    heapRemove(heap, 0);
    fired++;
    firedThreads.push(s);
    const early = s.hardNs > now;
    if (early) fires.early++;
    if (s === rt.sysmonM?.kt) {
      sysmonFired = true;
      fires.sysmon++;
      if (early) fires.sysmonEarly++;
    }
    const cpu = selectCpu(rt, s, irqCpu, irqCpuExitNs > 0, true);
    const ontoIdle = k.isIdle(cpu);
    let latencyNs = irqLatencyNs;
    if (cpu !== irqCpu && ontoIdle) latencyNs += m.ipiWakeNs;
    // The first thread onto an idle CPU runs slowly: part of the measured latency is that run's work.
    s.coldRunNs = ontoIdle ? Math.min(m.idleRunNs, Math.max(0, latencyNs)) : 0;
    latencyNs -= s.coldRunNs;
    s.wakeCpu = cpu;
    k.cpus[cpu]!.incoming++;
    rt.queue.push(now + Math.max(0, latencyNs), Ev.KWake, s.id, s.gen);
  }
  if (fired === 0) return;
  if (fired > 1 && sysmonFired) {
    fires.sysmonWithOthers++;
    k.sysmonBurstOpen = fires.sysmonWithOthers;
    for (const s of firedThreads) s.sysmonBurst = fires.sysmonWithOthers;
  }
  fires.fired += fired;
  fires.interrupts++;
  fires.bySize[Math.min(fired, 8) - 1]!++;
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
  const sysmonKt = rt.sysmonM?.kt;
  if (sysmonKt !== undefined && t !== sysmonKt) {
    const beside = k.timerFires.besideSysmon;
    if (sysmonKt.timerCpu < 0) beside.none++;
    else if (sysmonKt.timerCpu === cpu) beside.same++;
    else beside.other++;
  }
  heapInsert(k.cpus[cpu]!.timers, t);
  rt.queue.push(t.hardNs + timerIrqDelayNs(rt.config.machine), Ev.KTimer, t.id, t.gen);
}

/** A thread given a new step drops what was pending: its armed timer, its wake-up in flight. */
function cancelPending(rt: Runtime, t: KThread): void {
  t.coldRunNs = 0;
  t.sysmonBurst = 0;
  if (t.timerCpu >= 0) heapRemove(rt.kernel.cpus[t.timerCpu]!.timers, t.timerIdx);
  if (t.wakeCpu >= 0) {
    rt.kernel.cpus[t.wakeCpu]!.incoming--;
    t.wakeCpu = -1;
  }
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

/** The thread parks (futex wait) until kRun, kSleep or kWakeup gives it a step. */
export function kBlock(rt: Runtime, t: KThread): void {
  cancelPending(rt, t);
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

/** Ev.KWake: the thread's off-CPU wait is over; it becomes runnable on the CPU chosen for it. */
export function kWake(rt: Runtime, id: number, token: number): void {
  const t = rt.kernel.threads[id]!;
  if (token !== t.gen || t.state !== KState.Sleeping) return;
  let cpu = t.wakeCpu;
  if (cpu >= 0) {
    rt.kernel.cpus[cpu]!.incoming--;
    t.wakeCpu = -1;
  } else cpu = selectCpu(rt, t, -1, false, false);
  becomeRunnable(t);
  enqueue(rt, t, cpu, true);
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

/** Ev.KSlice: the running thread's vruntime reached its deadline (update_deadline), or a deferred wake-up preemption is due. */
export function kSlice(rt: Runtime, cpu: number, token: number): void {
  const c = rt.kernel.cpus[cpu]!;
  if (token !== c.gen || c.curr === null) return;
  c.sliceArmed = false;
  const t = c.curr;
  settleVruntime(rt, c, t);
  const deferred = c.reschedPending;
  c.reschedPending = false;
  if (!deferred) {
    t.deadlineNs = t.vruntimeNs + rt.kernel.sliceNs;
    if (c.queue.length === 0) return;
  }
  if (c.queue.length > 0 && pickRunnable(rt, c, t) !== t) preempt(rt, cpu);
  else armSlice(rt, cpu);
}

/** Ev.KPick: a CPU a wake-up (or an idle balance) took from idle schedules: pick_eevdf among its queue. */
export function kPick(rt: Runtime, cpu: number, token: number): void {
  const c = rt.kernel.cpus[cpu]!;
  if (token !== c.gen || !c.picking) return;
  c.picking = false;
  runNext(rt, cpu, true);
}

/**
 * Ev.KTick: a busy CPU's scheduler tick (sched_tick → sched_balance_trigger). With threads waiting
 * behind its running one and a CPU idle, it kicks that CPU to balance (nohz_balancer_kick: the IPI,
 * then the idle CPU pulls); every BUSY_BALANCE_NS it balances toward itself. An idle CPU's tick stops.
 */
export function kTick(rt: Runtime, cpu: number, token: number): void {
  const k = rt.kernel;
  const c = k.cpus[cpu]!;
  if (token !== c.tickGen) return;
  c.tickArmed = false;
  if (c.curr === null) return;
  if (c.queue.length > 0) {
    const idle = idleCpuFor(k);
    // The threads move at the tick; the kicked CPU runs them after the IPI.
    if (idle >= 0 && pullTo(rt, idle)) wakeToPick(rt, idle, rt.config.machine.ipiWakeNs);
  }
  if (rt.nowNs - c.lastBalanceNs >= BUSY_BALANCE_NS) {
    c.lastBalanceNs = rt.nowNs;
    if (pullTo(rt, cpu)) armSlice(rt, cpu);
  }
  armTick(rt, cpu);
}

// ─── Placement and balancing ────────────────────────────────────────────────────────────────────

function currentCpu(rt: Runtime): number {
  const cur = rt.kernel.current;
  return cur !== null && cur.state === KState.Running ? cur.cpu : -1;
}

/**
 * select_task_rq_fair for a thread woken from wakerCpu (the futex waker's or the timer interrupt's
 * CPU; −1: unknown). A new thread (wake_up_new_task, SD_BALANCE_FORK): an idle CPU, else the least
 * loaded. Else select_idle_sibling: the previous CPU if idle; the waker's CPU if the thread last ran
 * there and `stay` (measured on this VM, docs/model.md "Where a woken thread runs": the waker's CPU
 * keeps the wakee while lightly used — wakeStays — and a timer interrupt that woke its CPU from idle
 * keeps all the sleepers it fires); an idle CPU; else wake_affine's target — the waker's CPU if its
 * queue is shorter than the previous CPU's, else the previous CPU. `timer`: a timer interrupt's wake,
 * else a futex wake; each has its measured exception (FUTEX_WAKEE_TO_WAKER_SHARE,
 * TIMER_WAKEE_STAYS_BUSY_SHARE).
 */
function selectCpu(rt: Runtime, t: KThread, wakerCpu: number, stay: boolean, timer: boolean): number {
  const k = rt.kernel;
  const prev = t.prevCpu;
  const cpu = chooseCpu(rt, t, wakerCpu, stay, timer);
  // Counted when a real kernel's trace would show the same question: a thread that ran before, woken
  // by an interrupt or by a thread on a known CPU (not the end of an off-CPU wait: kSleep's wake-ups).
  if (prev >= 0 && (timer || wakerCpu >= 0)) {
    const i = placementIndex(timer, wakerCpu === prev, runsNothing(k, prev), anotherRunsNothing(k, prev), cpu !== prev);
    k.placements[i] = k.placements[i]! + 1;
  }
  return cpu;
}

/** Kernel.placements' index: bit 4 a timer interrupt's wake, 3 waker on the previous CPU, 2 that CPU idle, 1 another idle, 0 placed elsewhere. */
export function placementIndex(timer: boolean, wakerOnPrev: boolean, prevIdle: boolean, otherIdle: boolean, moved: boolean): number {
  return (+timer << 4) | (+wakerOnPrev << 3) | (+prevIdle << 2) | (+otherIdle << 1) | +moved;
}

// "Idle" as a kernel trace shows it: the CPU runs no thread (its idle task), whatever is on its way there.
function runsNothing(k: Kernel, cpu: number): boolean {
  return k.cpus[cpu]!.curr === null;
}

function anotherRunsNothing(k: Kernel, cpu: number): boolean {
  for (let c = 0; c < k.ncpu; c++) if (c !== cpu && runsNothing(k, c)) return true;
  return false;
}

/** selectCpu's choice (below), before it is counted. */
function chooseCpu(rt: Runtime, t: KThread, wakerCpu: number, stay: boolean, timer: boolean): number {
  const k = rt.kernel;
  if (t.delayed) return t.cpu;
  const prev = t.prevCpu;
  if (prev < 0) {
    const idle = idleCpuFor(k);
    return idle >= 0 ? idle : leastLoaded(k, wakerCpu);
  }
  if (k.isIdle(prev)) {
    if (!timer && wakerCpu >= 0 && wakerCpu !== prev && rt.prng.float() < FUTEX_WAKEE_TO_WAKER_SHARE) return wakerCpu;
    return prev;
  }
  if (prev === wakerCpu && stay) return prev;
  const idle = idleCpuFor(k);
  if (idle >= 0) {
    if (timer && prev === wakerCpu && rt.prng.float() < TIMER_WAKEE_STAYS_BUSY_SHARE) return prev;
    return idle;
  }
  if (wakerCpu >= 0 && runnable(k.cpus[wakerCpu]!) < runnable(k.cpus[prev]!)) return wakerCpu;
  return prev;
}

/** Whether a futex waker's CPU keeps a wakee that last ran there: while it is lightly used (WAKE_STAY_UTIL). */
function wakeStays(rt: Runtime, wakerCpu: number): boolean {
  return wakerCpu >= 0 && cpuUtil(rt, rt.kernel.cpus[wakerCpu]!) < WAKE_STAY_UTIL;
}

/** An idle CPU with no wake-up in flight — the last one freed — or −1. */
function idleCpuFor(k: Kernel): number {
  for (let i = k.idleCpus.length - 1; i >= 0; i--) {
    const c = k.idleCpus[i]!;
    if (k.cpus[c]!.incoming === 0) return c;
  }
  return -1;
}

/** Runnable and running threads (h_nr_runnable): the delayed ones do not count as load. */
function runnable(c: KCpu): number {
  return c.n - c.delayed.length;
}

/** The CPU with the fewest runnable threads (ties: prefer, then the lowest). */
function leastLoaded(k: Kernel, prefer: number): number {
  let best = prefer >= 0 ? prefer : 0;
  for (const c of k.cpus) if (runnable(c) + c.incoming < runnable(k.cpus[best]!) + k.cpus[best]!.incoming) best = c.id;
  return best;
}

/**
 * load_balance toward CPU `to` (newidle, nohz idle or periodic): from the CPU with the most runnable
 * threads, if it has at least two more, half the difference of its queued threads that are not
 * cache-hot (task_hot: they left a CPU MIGRATION_COST_NS ago or more), earliest queued first
 * (detach_tasks walks cfs_tasks from the tail). Returns whether it pulled any.
 */
function pullTo(rt: Runtime, to: number): boolean {
  const k = rt.kernel;
  const dst = k.cpus[to]!;
  let src: KCpu | null = null;
  for (const c of k.cpus) if (c !== dst && (src === null || runnable(c) > runnable(src))) src = c;
  if (src === null || runnable(src) - runnable(dst) < 2) return false;
  // This VM's kernel packs threads onto a vCPU with room (sched_vcpu_pack): it does not spread them
  // from a CPU used under PACK_UTIL — real Go's traces show no such move at one P (docs/model.md).
  if (cpuUtil(rt, src) < PACK_UTIL) return false;
  let want = (runnable(src) - runnable(dst)) >> 1;
  let pulled = false;
  for (let i = 0; i < src.queue.length && want > 0; ) {
    const t = src.queue[i]!;
    if (rt.nowNs - t.lastRanNs < MIGRATION_COST_NS) {
      i++;
      continue;
    }
    dequeue(rt, src, t);
    removeFromQueue(src, t);
    t.state = KState.Runnable;
    place(rt, dst, t);
    k.migrations++;
    want--;
    pulled = true;
  }
  return pulled;
}

// ─── The scheduler ──────────────────────────────────────────────────────────────────────────────

function setStep(t: KThread, kind: number, target: number, token: number): void {
  t.evKind = kind;
  t.evTarget = target;
  t.evToken = token;
}

function becomeRunnable(t: KThread): void {
  t.workNs = t.wakeWorkNs + t.debtNs;
  t.debtNs = 0;
  t.hasWork = true;
  t.then = Then.Fire;
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

/** avg_vruntime: the mean vruntime of the CPU's runnable and running threads. */
function avgVruntime(rt: Runtime, c: KCpu): number {
  if (c.n === 0) return 0;
  return (c.sumVr + (c.curr !== null ? rt.nowNs - c.curr.segStartNs : 0)) / c.n;
}

function currentVruntime(rt: Runtime, t: KThread): number {
  return t.state === KState.Running ? t.vruntimeNs + (rt.nowNs - t.segStartNs) : t.vruntimeNs;
}

/** Folds the running thread's time so far into its stored vruntime. */
function settleVruntime(rt: Runtime, c: KCpu, t: KThread): void {
  const ran = rt.nowNs - t.segStartNs;
  t.vruntimeNs += ran;
  c.sumVr += ran;
  t.segStartNs = rt.nowNs;
}

/** A PELT-like utilization: the CPU's busy share, decayed with PELT's 32 ms half-life. */
function cpuUtil(rt: Runtime, c: KCpu): number {
  const a = Math.exp(-(rt.nowNs - c.utilAtNs) / UTIL_TAU_NS);
  return c.util * a + (c.curr !== null ? 1 - a : 0);
}

function settleUtil(rt: Runtime, c: KCpu): void {
  c.util = cpuUtil(rt, c);
  c.utilAtNs = rt.nowNs;
}

/**
 * A woken thread (waking: it pays the wake's CPU work) is placed on CPU `cpu` and runs at once if it
 * idles. A wake-up preemption of the CPU's thread takes effect reschedAfterNs later (deferResched);
 * negative: none (the woken thread waits for the CPU's thread to leave it or its slice to end).
 */
function enqueue(rt: Runtime, t: KThread, cpu: number, waking: boolean, reschedAfterNs = 0): void {
  const k = rt.kernel;
  const c = k.cpus[cpu]!;
  // Blocking and waking cost the kernel CPU time, run on the woken thread before its step.
  if (waking) {
    t.workNs += wakeCpuNs(rt) + t.coldRunNs;
    t.coldRunNs = 0;
  }
  if (t.delayed) requeueDelayed(rt, c, t);
  else {
    t.state = KState.Runnable;
    place(rt, c, t);
  }
  if (c.curr === null) {
    if (!c.picking) {
      // The woken CPU picks when it schedules, after every wake-up of this instant (e.g. the other
      // sleepers of one timer interrupt) is queued: pick_eevdf chooses among them all.
      wakeToPick(rt, cpu, 0);
    }
    return;
  }
  // check_preempt_wakeup_fair: preempt the CPU's thread if it is no longer eligible and pick_eevdf picks t.
  if (reschedAfterNs >= 0 && currentVruntime(rt, c.curr) > avgVruntime(rt, c) && pickEevdf(rt, c, null) === t) {
    if (reschedAfterNs > 0) deferResched(rt, c, reschedAfterNs);
    else preempt(rt, cpu);
  }
  armSlice(rt, cpu);
  armTick(rt, cpu);
}

/**
 * place_entity + enqueue on the CPU's queue: the lag is scaled by (W + w) / W so that it is still the lag
 * after V moves for the newcomer (all threads weigh alike: W = the queued count); onto an empty queue
 * there is no lag. A new thread gets half a slice (PLACE_DEADLINE_INITIAL).
 */
function place(rt: Runtime, c: KCpu, t: KThread): void {
  const k = rt.kernel;
  const v = avgVruntime(rt, c);
  const fresh = t.fresh;
  t.vruntimeNs = fresh || c.n === 0 ? v : v - (t.vlagNs * (c.n + 1)) / c.n;
  t.deadlineNs = t.vruntimeNs + (fresh ? k.sliceNs / 2 : k.sliceNs);
  t.fresh = false;
  t.cpu = c.id;
  c.n++;
  c.sumVr += t.vruntimeNs;
  c.queue.push(t);
}

/** An idle CPU leaves the idle list and picks (Ev.KPick) after delayNs. */
function wakeToPick(rt: Runtime, cpu: number, delayNs: number): void {
  const k = rt.kernel;
  const i = k.idleCpus.lastIndexOf(cpu);
  if (i >= 0) k.idleCpus.splice(i, 1);
  const c = k.cpus[cpu]!;
  c.picking = true;
  rt.queue.push(rt.nowNs + delayNs, Ev.KPick, cpu, ++c.gen);
}

/** The thread leaves its CPU's counts (running or queued); its lag is kept for the next placement. */
function dequeue(rt: Runtime, c: KCpu, t: KThread): void {
  const lim = 2 * rt.kernel.sliceNs;
  t.vlagNs = Math.max(-lim, Math.min(lim, avgVruntime(rt, c) - currentVruntime(rt, t)));
  if (t.state === KState.Running) stopRunning(rt, c, t);
  c.n--;
  c.sumVr -= t.vruntimeNs;
}

/** The thread stops being runnable or running (dequeue for sleep). */
function leave(rt: Runtime, t: KThread, to: KState.Blocked | KState.Sleeping): void {
  if (t.state === KState.Running || t.state === KState.Runnable) {
    const c = rt.kernel.cpus[t.cpu]!;
    const wasRunning = t.state === KState.Running;
    if (wasRunning && currentVruntime(rt, t) > avgVruntime(rt, c) + 1e-6) {
      // DELAY_DEQUEUE (Linux 6.12+, on by default): dequeue_entity(DEQUEUE_SLEEP) of an ineligible
      // entity keeps it on the cfs_rq, counted in V, until it is picked or woken. Simplified: only a
      // running thread's sleep is delayed; a queued one put to sleep leaves at once.
      stopRunning(rt, c, t);
      t.delayed = true;
      t.state = to;
      c.delayed.push(t);
      runNext(rt, c.id);
      return;
    }
    dequeue(rt, c, t);
    if (!wasRunning) removeFromQueue(c, t);
    t.cpu = -1;
    t.state = to;
    if (wasRunning) runNext(rt, c.id);
    return;
  }
  t.state = to;
}

/** pick_eevdf on a CPU's queue: the eligible thread (vruntime ≤ V) with the earliest deadline; curr is a candidate. */
function pickEevdf(rt: Runtime, c: KCpu, curr: KThread | null): KThread | null {
  const v = avgVruntime(rt, c) + 1e-6;
  let best: KThread | null = null;
  if (curr !== null && currentVruntime(rt, curr) <= v) best = curr;
  let minVr: KThread | null = null;
  for (const t of c.queue) {
    if (t.vruntimeNs <= v && (best === null || t.deadlineNs < best.deadlineNs)) best = t;
    if (minVr === null || t.vruntimeNs < minVr.vruntimeNs) minVr = t;
  }
  for (const t of c.delayed) {
    if (t.vruntimeNs <= v && (best === null || t.deadlineNs < best.deadlineNs)) best = t;
    if (minVr === null || t.vruntimeNs < minVr.vruntimeNs) minVr = t;
  }
  return best ?? minVr ?? curr;
}

/** Removes t from the CPU's queue, keeping the others' order (pick_eevdf's ties go to the earliest); allocates nothing. */
function removeFromQueue(c: KCpu, t: KThread): void {
  const q = c.queue;
  const n = q.length - 1;
  const at = q.indexOf(t);
  for (let i = at < 0 ? n : at; i < n; i++) q[i] = q[i + 1]!;
  q.pop();
}

/** Removes t from the CPU's delayed list (its order does not matter); allocates nothing. */
function takeDelayed(c: KCpu, t: KThread): void {
  const list = c.delayed;
  list[list.indexOf(t)] = list[list.length - 1]!;
  list.pop();
}

/**
 * pick_eevdf as pick_next_entity uses it: a delayed thread it picks is dequeued for good and it picks
 * again, until it picks a runnable thread (or curr). The queue holds at least one runnable thread.
 */
function pickRunnable(rt: Runtime, c: KCpu, curr: KThread | null): KThread {
  let t = pickEevdf(rt, c, curr)!;
  while (t.delayed) {
    finishDelayed(c, t);
    t = pickEevdf(rt, c, curr)!;
  }
  return t;
}

/**
 * A delayed thread leaves the cfs_rq (picked, or its CPU has nothing runnable): DEQUEUE_DELAYED, its lag
 * clipped to zero (DELAY_ZERO: it was eligible when picked, so it would not earn positive lag).
 */
function finishDelayed(c: KCpu, t: KThread): void {
  takeDelayed(c, t);
  c.n--;
  c.sumVr -= t.vruntimeNs;
  t.vlagNs = 0;
  t.delayed = false;
  t.cpu = -1;
}

/**
 * A delayed thread is woken: ttwu_runnable — it is still on its CPU's cfs_rq, so it stays there (no
 * select_task_rq) and is requeued (requeue_delayed_entity): if its lag is now positive it is placed
 * afresh with lag 0 (DELAY_ZERO), else it keeps its vruntime and deadline.
 */
function requeueDelayed(rt: Runtime, c: KCpu, t: KThread): void {
  takeDelayed(c, t);
  t.delayed = false;
  const v = avgVruntime(rt, c);
  if (v - t.vruntimeNs > 1e-6) {
    c.sumVr += v - t.vruntimeNs;
    t.vruntimeNs = v;
    t.deadlineNs = v + rt.kernel.sliceNs;
  }
  t.state = KState.Runnable;
  c.queue.push(t);
}

/**
 * The CPU runs pick_eevdf's choice. With its queue empty it first balances (newidle: pulls from the
 * busiest CPU), then idles; from idle (fromIdle) there is no context switch to pay.
 */
function runNext(rt: Runtime, cpu: number, fromIdle = false): void {
  const k = rt.kernel;
  const c = k.cpus[cpu]!;
  // pick_next_task_fair: with no runnable thread left the delayed ones all go (each eligible when
  // picked: lag 0), then it balances.
  if (c.queue.length === 0) while (c.delayed.length > 0) finishDelayed(c, c.delayed[0]!);
  if (c.queue.length === 0 && !pullTo(rt, cpu)) {
    k.idleCpus.push(cpu);
    return;
  }
  const t = pickRunnable(rt, c, null);
  removeFromQueue(c, t);
  if (fromIdle) return startRunning(rt, c, t, 0);
  k.switches++;
  startRunning(rt, c, t, k.switchNs);
}

/** The first of an interrupt's sleepers that fired sysmon with others to run: sysmon or another (Kernel.timerFires). */
function sysmonBurstRan(k: Kernel, t: KThread, sysmonKt: KThread | undefined): void {
  if (t.sysmonBurst === k.sysmonBurstOpen) {
    k.sysmonBurstOpen = 0;
    if (t === sysmonKt) k.timerFires.sysmonRanFirst++;
  }
  t.sysmonBurst = 0;
}

function startRunning(rt: Runtime, c: KCpu, t: KThread, switchNs: number): void {
  settleUtil(rt, c);
  c.curr = t;
  t.cpu = c.id;
  t.prevCpu = c.id;
  t.state = KState.Running;
  if (t.sysmonBurst !== 0) sysmonBurstRan(rt.kernel, t, rt.sysmonM?.kt);
  t.segStartNs = rt.nowNs;
  t.runStartNs = rt.nowNs;
  t.workStartNs = rt.nowNs + switchNs;
  if (t.hasWork) {
    t.gen++;
    rt.queue.push(t.workStartNs + t.workNs, Ev.KDone, t.id, t.gen);
  }
  if (c.queue.length > 0) armSlice(rt, c.id);
  armTick(rt, c.id);
}

/** Takes the thread off its CPU; its vruntime and work so far are settled. */
function stopRunning(rt: Runtime, c: KCpu, t: KThread): void {
  if (t.hasWork) t.workNs = workLeft(rt, t);
  settleVruntime(rt, c, t);
  settleUtil(rt, c);
  const ranNs = rt.nowNs - t.runStartNs;
  const runs = rt.kernel.runs;
  runs.count++;
  runs.totalNs += ranNs;
  runs.byUs[Math.min(RUN_HIST_US, Math.floor(ranNs / 1000))]!++;
  c.busyNs += ranNs;
  c.curr = null;
  c.gen++;
  c.sliceArmed = false;
  c.reschedPending = false;
  t.lastRanNs = rt.nowNs;
}

/**
 * resched_curr on a thread that is in the kernel (a futex waker in FUTEX_WAKE): this kernel is built
 * with CONFIG_PREEMPT_NONE, so the thread is switched out only on its way back to user space, afterNs
 * later — when the CPU picks again (Ev.KSlice with reschedPending), pick_eevdf as of then.
 */
function deferResched(rt: Runtime, c: KCpu, afterNs: number): void {
  c.reschedPending = true;
  c.sliceArmed = true; // the KSlice below replaces the armed one (gen); armSlice must not replace it
  rt.queue.push(rt.nowNs + afterNs, Ev.KSlice, c.id, ++c.gen);
}

/** resched_curr: the CPU's thread goes back to its queue and the CPU runs pick_eevdf's choice. */
function preempt(rt: Runtime, cpu: number): void {
  const c = rt.kernel.cpus[cpu]!;
  const t = c.curr!;
  stopRunning(rt, c, t);
  t.gen++;
  t.state = KState.Runnable;
  c.queue.push(t);
  runNext(rt, cpu);
}

function armSlice(rt: Runtime, cpu: number): void {
  const c = rt.kernel.cpus[cpu]!;
  const t = c.curr;
  if (t === null || c.sliceArmed) return;
  c.sliceArmed = true;
  const at = t.segStartNs + Math.max(0, t.deadlineNs - t.vruntimeNs);
  rt.queue.push(Math.max(rt.nowNs, at), Ev.KSlice, cpu, ++c.gen);
}

/** A busy CPU's next tick (jiffies boundaries, the same on every CPU), if not armed. */
function armTick(rt: Runtime, cpu: number): void {
  const c = rt.kernel.cpus[cpu]!;
  if (c.tickArmed) return;
  c.tickArmed = true;
  rt.queue.push((Math.floor(rt.nowNs / TICK_NS) + 1) * TICK_NS, Ev.KTick, cpu, ++c.tickGen);
}

// The simulated process: the runtime's globals (sched, allp, allm, allgs) plus the simulator's clock,
// event queue and random source. Runtime functions (proc.ts, syscall.ts, sysmon.ts, stw.ts…) are free
// functions over this object, as Go's are over its globals.
import { Prng } from "../base/prng.js";
import { Engine } from "../sim/engine.js";
import type { EventQueue } from "../sim/event_queue.js";
import type { RuntimeConfig } from "./config.js";
import { Kernel, kBlock, kRun, kSleep, kSleepTimer, kWakeup, type KThread } from "./kernel.js";
import { futexWakeNs, hostState, sleepHardNs, sleepWakeLatencyNs, spreadMean, type HostState, type LatencyHook } from "./machine.js";
import { EventRecord, type EventArgs, type FieldValue, type Observer, type RuntimeEvent, type RuntimeFn } from "./events.js";
import type { Chan, Mutex, Op, Program, WaitGroup } from "./ops.js";
import { GTable, M, P, Schedt } from "./runtime2.js";
import type { ChanState, MutexState, WaitGroupState } from "./sync.js";
import type { SyscallThread } from "./syscall_thread.js";
import type { TimerBucket } from "./timerproc.js";

/** Kinds of engine events; each names the actor it wakes. */
export const enum Ev {
  /** An M's pending step (target: M id, token: m.gen). */
  M = 1,
  /** sysmon wakes (token: sysmon generation). */
  Sysmon = 2,
  /** A kernel thread's CPU work is done (target: thread id, token: its kernel generation). */
  KDone = 3,
  /** The GC's next phase step (token: GC generation). */
  Gc = 5,
  /** A preemption signal reaches an M (target: M id, token: G slot it was aimed at). */
  Signal = 6,
  /** A computing G reaches a function prologue after a preemption request (target: M id, token: G slot). */
  Prologue = 9,
  /** A dedicated syscall thread's call returns (target: thread id, token: its generation). */
  SyscallThread = 8,
  /** A goroutine's fd becomes ready (target: G slot, token: its wait generation). */
  NetReady = 10,
  /** A kernel thread's off-CPU wait ends; it becomes runnable (target: thread id, token: generation). */
  KWake = 11,
  /** A running thread's virtual deadline is reached (target: CPU, token: the CPU's generation). */
  KSlice = 12,
  /** A CPU's timer interrupt at a timed sleep's hard expiry (target: thread id, token: its generation). */
  KTimer = 13,
  /** A CPU a wake-up took from idle schedules (target: CPU, token: the CPU's generation). */
  KPick = 14,
  /** A busy CPU's scheduler tick (target: CPU, token: its tick generation). */
  KTick = 15,
}

export type StoppedBy = "main-exited" | "max-time" | "max-events" | "max-goroutines" | "fatal" | "deadlock";

export class Runtime {
  readonly sched = new Schedt();
  readonly allp: P[] = [];
  readonly allm: M[] = [];
  readonly gs = new GTable();
  /** The engine owns time and dispatch (src/sim/engine.ts); the runtime registers its handlers. */
  readonly engine = new Engine();
  readonly queue: EventQueue = this.engine.queue;
  readonly prng: Prng;
  /** The host's state this run drew: offsets to every timed sleep and futex wake (machine.ts hostState). */
  readonly host: HostState;
  readonly kernel: Kernel;
  /** Perturbs every latency the machine draws (machine.ts), e.g. for fault injection; null = none. */
  latencyHook: LatencyHook | null = null;
  /** Check every M state change against the table of transitions (status.ts casmstate): runs that check invariants. */
  checkTransitions = false;
  /** Fault injection (buggify.ts): may shorten a timed sleep's request, as a signal's EINTR does. */
  sleepRequestHook: ((requestNs: number) => number) | null = null;
  /** Coprimes of gomaxprocs for the randomized steal order (proc.go randomOrder). */
  readonly stealCoprimes: number[];

  readonly programs: Program[] = [];
  readonly programIndex = new Map<Program, number>();
  /** Generator programs' live iterators, by G slot. */
  readonly iterators = new Map<number, Iterator<Op, void, number>>();
  /** Loop registers beyond the two inline ones, by G slot. */
  readonly extraRegisters = new Map<number, Int32Array>();

  readonly chans = new Map<Chan, ChanState>();
  readonly waitGroups = new Map<WaitGroup, WaitGroupState>();
  readonly mutexes = new Map<Mutex, MutexState>();
  /** Goroutines woken from Lock in normal mode, which must try to lock again (sync.ts). */
  readonly mutexRetry = new Map<number, { state: MutexState; sinceNs: number }>();

  /** dedicated-syscall-thread policy: every syscall thread made so far. */
  readonly syscallThreads: SyscallThread[] = [];
  /** The network poller (netpoll.ts). blockedM: the M blocked in netpoll (sched.lastpoll == 0 in Go). */
  readonly netpoll = { inited: false, waiters: 0, ready: [] as number[], blockedM: null as M | null, blockedMWaking: false, pollUntilNs: 0 };
  /** go1.10 timers: timerproc buckets, created on first use. */
  readonly timerBuckets = new Map<number, TimerBucket>();
  /** Channels of time.NewTimer/After timers, by the index their timer entries carry. */
  readonly timerChans: Chan[] = [];

  nextGoid = 1;
  liveGoroutines = 0;
  mainG = 0;
  sysmonM: M | null = null;
  /** The template thread, started by the first LockOSThread. */
  templateThread: M | null = null;
  stoppedBy: StoppedBy | null = null;
  fatal: string | null = null;
  /** The simulator cap that stopped the run (SimulationLimit), in words. */
  limit: string | null = null;

  // sysmon's loop state (proc.go sysmon locals).
  // lastTraceNs starts far back so the first pass prints, as Go's lasttrace = 0 does.
  readonly sysmon = { idle: 0, delayUs: 20, gen: 0, deepSleeping: false, lastTraceNs: -Infinity };

  // GC state (stw.ts).
  readonly gc = {
    gen: 0,
    phase: "off" as "off" | "stw1" | "mark" | "stw2",
    /** M that initiated the current stop-the-world, or null for the GC's own actor. */
    initiator: null as M | null,
    /** G that called runtime.GC() or triggered the cycle. */
    starter: 0,
    waiters: 0 as number, // head of the intrusive list of Gs parked in runtime.GC()
    cycles: 0,
    heapLiveBytes: 0,
    heapGoalBytes: 0,
    stwStartNs: 0,
    /** Marking ends at this time (gcwork.ts). */
    markEndNs: 0,
    /** Dedicated mark workers still to start this cycle. */
    dedicatedNeeded: 0,
    /** Each P's mark worker goroutine, and the mode of the ones marking now. */
    workers: new Map<number, number>(),
    workerMode: new Map<number, "dedicated" | "idle">(),
    /** Workers created but not yet run: their first start is `go gcBgMarkWorker`, not an unblock. */
    freshWorkers: new Set<number>(),
    /** When the last cycle ended (sysmon's forced GC). */
    lastEndNs: 0,
    forced: 0,
  };

  private readonly observers: Observer[] = [];
  /** The one record every event is written into (events.ts). */
  private readonly event = new EventRecord();
  observed = false;

  constructor(readonly config: RuntimeConfig) {
    this.prng = new Prng(config.seed);
    const m = config.machine;
    this.host = hostState(m, this.prng);
    this.kernel = new Kernel(m.ncpu, m.schedSliceNs, m.contextSwitchNs, m.wakeCpuNs + spreadMean(m.wakeCpuSpread) + m.contextSwitchNs);
    this.sched.maxmcount = config.constants.maxmcount;
    const n = config.gomaxprocs;
    this.stealCoprimes = [];
    for (let i = 1; i <= n; i++) if (gcd(i, n) === 1) this.stealCoprimes.push(i);
    for (let i = 0; i < n; i++) this.allp.push(new P(i));
  }

  get nowNs(): number {
    return this.engine.nowNs;
  }

  get eventCount(): number {
    return this.engine.eventCount;
  }

  /** The process ends (main returned, deadlock, a fatal error): the engine stops after this event. */
  stop(why: StoppedBy): void {
    this.stoppedBy = why;
    this.engine.stop();
  }

  get gomaxprocs(): number {
    return this.config.gomaxprocs;
  }

  subscribe(observer: Observer): void {
    this.observers.push(observer);
    this.observed = true;
  }

  /**
   * Emits a runtime event. A status change of gp or pp made by casgstatus/caspstatus (status.ts) since
   * the last event about it gives the event its from-state; the to-state is read from the model.
   * The payload follows eventSpec (events.ts); the implementation takes it as three fixed optional
   * parameters, so that no rest array is allocated per event, and stores them as given.
   */
  ev<F extends RuntimeFn>(fn: F, gp: number, mp: M | null, pp: P | null, ...payload: EventArgs<F>): void;
  ev(fn: RuntimeFn, gp: number, mp: M | null, pp: P | null, a?: FieldValue, b?: FieldValue, c?: FieldValue): void {
    const at = this.engine.eventCount;
    const gFrom = gp !== 0 && gp === this.casG && this.casGAt === at ? this.casGFrom : -1;
    const pFrom = pp !== null && pp === this.casP && this.casPAt === at ? this.casPFrom : -1;
    if (gFrom !== -1) this.casG = 0;
    if (pFrom !== -1) this.casP = null;
    if (!this.observed) return;
    const e = this.event;
    e.timeNs = this.nowNs;
    e.fn = fn;
    e.goid = gp === 0 ? -1 : this.gs.goid[gp]!;
    e.m = mp === null ? -1 : mp.id;
    e.p = pp === null ? -1 : pp.id;
    e.gFrom = gFrom;
    e.gTo = gFrom === -1 ? -1 : this.gs.status[gp]!;
    e.pFrom = pFrom;
    e.pTo = pFrom === -1 ? -1 : pp!.status;
    e.s0 = a;
    e.s1 = b;
    e.s2 = c;
    for (const o of this.observers) o.onEvent(e as unknown as RuntimeEvent);
  }

  /**
   * The last status change not yet reported by an event (status.ts), and the engine event it was made
   * in (…At): a change no event of the same engine step reported is forgotten, so no later event
   * takes it for its own. (A stamp instead of clearing after every step: no per-event call.)
   */
  private casG = 0;
  private casGFrom = -1;
  private casGAt = -1;
  private casP: P | null = null;
  private casPFrom = -1;
  private casPAt = -1;

  noteGStatus(gp: number, from: number): void {
    this.casG = gp;
    this.casGFrom = from;
    this.casGAt = this.engine.eventCount;
  }

  notePStatus(pp: P, from: number): void {
    this.casP = pp;
    this.casPFrom = from;
    this.casPAt = this.engine.eventCount;
  }

  endObservers(): void {
    for (const o of this.observers) o.onEnd?.(this.nowNs);
  }

  /**
   * The M's next step comes after `cpuNs` of CPU work on its thread (it waits for a CPU if all are
   * busy — kernel.ts); cancels any step it had pending.
   */
  mAfter(mp: M, cpuNs: number, resume: number): void {
    mp.gen++;
    mp.resume = resume;
    mp.computingG = 0;
    kRun(this, mp.kt, cpuNs, Ev.M, mp.id, mp.gen);
  }

  /**
   * The M's thread leaves the CPU for `offCpuNs` (a sleep, a syscall in the kernel, a wake-up's
   * latency), then needs `cpuNs` of CPU, then takes its next step.
   */
  mSleep(mp: M, offCpuNs: number, resume: number, cpuNs = 0): void {
    mp.gen++;
    mp.resume = resume;
    mp.computingG = 0;
    kSleep(this, mp.kt, offCpuNs, cpuNs, Ev.M, mp.id, mp.gen);
  }

  /** notewakeup of the parked M's thread by the running thread (futex wake: kernel.ts kWakeup). */
  mWake(mp: M, resume: number): void {
    mp.gen++;
    mp.resume = resume;
    mp.computingG = 0;
    kWakeup(this, mp.kt, futexWakeNs(this), 0, Ev.M, mp.id, mp.gen);
  }

  /**
   * The M's thread sleeps requestNs with nanosleep/usleep/epoll_wait (an hrtimer with the timer slack:
   * kernel.ts), then needs `cpuNs` of CPU, then its next step.
   */
  mSleepTimer(mp: M, requestNs: number, resume: number, cpuNs = 0): void {
    mp.gen++;
    mp.resume = resume;
    mp.computingG = 0;
    this.sleepTimer(mp.kt, requestNs, cpuNs, Ev.M, mp.id, mp.gen);
  }

  /** A timed sleep of any kernel thread (sysmon's usleep too). */
  sleepTimer(t: KThread, requestNs: number, cpuNs: number, kind: number, target: number, token: number): void {
    const m = this.config.machine;
    if (this.sleepRequestHook !== null) requestNs = this.sleepRequestHook(requestNs);
    // The soft expiry is the request itself: hrtimer_nanosleep arms [request, request + slack]; the
    // measured extra of long sleeps delays only the hard expiry (machine.ts sleepHardNs).
    kSleepTimer(this, t, requestNs, sleepHardNs(m, requestNs), sleepWakeLatencyNs(this, requestNs), cpuNs, kind, target, token);
  }

  /** Cancels the M's pending step; its thread parks until someone acts on it. */
  mWait(mp: M): void {
    mp.gen++;
    mp.computingG = 0;
    kBlock(this, mp.kt);
  }

  programId(program: Program): number {
    let id = this.programIndex.get(program);
    if (id === undefined) {
      id = this.programs.length;
      this.programs.push(program);
      this.programIndex.set(program, id);
    }
    return id;
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

// Goroutine-level steps of a parsed trace, the same for both formats: what each goroutine did
// (started running, blocked, was woken and by whom, entered and left syscalls, lost its P, was
// created, ended). Shared by the syscall analysis (analyze.ts) and the workload derivation
// (replay.ts).
//
// Core module: no `node:*` imports.

import type { Frame, ParsedTrace, TraceEvent } from './common.js';

/** Who took a syscall's P (see the 'lostP' step). */
export type LostPTaker = 'sysmon' | 'thread' | 'other' | 'unknown';

/** Where a goroutine was when the trace started (or when it was first seen). */
export type InitialState = 'running' | 'runnable' | 'waiting' | 'syscall';

export type Step =
  /** The goroutine existed before the trace started, in `state`. */
  | { readonly k: 'initial'; readonly t: number; readonly g: number; readonly state: InitialState; readonly stack: number }
  /** `by` (-1 = no goroutine) created g; `startStack` is g's start function. */
  | { readonly k: 'create'; readonly t: number; readonly g: number; readonly by: number; readonly startStack: number; readonly stack: number }
  | { readonly k: 'start'; readonly t: number; readonly g: number; readonly p: number }
  /** g blocked; `sleep`: a timer wait (time.Sleep); `reason` as the trace names it. */
  | { readonly k: 'block'; readonly t: number; readonly g: number; readonly reason: string; readonly sleep: boolean; readonly stack: number }
  /** g was made runnable by goroutine `by` (-1: by the scheduler, a timer or the netpoller); stack: where `by` woke it. */
  | { readonly k: 'unblock'; readonly t: number; readonly g: number; readonly by: number; readonly stack: number }
  /** g stopped running but stays runnable; `yield`: runtime.Gosched. */
  | { readonly k: 'stop'; readonly t: number; readonly g: number; readonly yield: boolean }
  | { readonly k: 'end'; readonly t: number; readonly g: number }
  | { readonly k: 'sysBegin'; readonly t: number; readonly g: number; readonly stack: number; readonly m: number }
  /** The syscall returned. `blocked`: without its P (new format: GoSyscallEndBlocked; old: GoSysExit). */
  | { readonly k: 'sysEnd'; readonly t: number; readonly g: number; readonly blocked: boolean }
  /**
   * The P of g's syscall was taken (old: GoSysBlock; new: ProcSteal). `by` (new format): 'sysmon' — a
   * thread with no goroutine (sysmon's retake); 'thread' — goroutine `taker`'s thread, itself back from
   * a syscall (exitsyscall taking its old P back); 'other' — a running goroutine's (stop-the-world,
   * forEachP); 'unknown' in the old format.
   */
  | { readonly k: 'lostP'; readonly t: number; readonly g: number; readonly p: number; readonly by: LostPTaker; readonly taker: number }
  /** A P started running goroutines (used to time how long a lost P stayed unused). */
  | { readonly k: 'pUse'; readonly t: number; readonly p: number }
  /** Any other event in g's context while it runs (extends its running time). */
  | { readonly k: 'touch'; readonly t: number; readonly g: number }
  /** A GC cycle starts (GCBegin / GCStart) in goroutine g's context (−1: none); stack: gcStart's caller. */
  | { readonly k: 'gcBegin'; readonly t: number; readonly g: number; readonly p: number; readonly stack: number }
  | { readonly k: 'gcEnd'; readonly t: number };

/** Facts of the whole trace that are not per goroutine. */
export interface TraceFacts {
  readonly format: 'old' | 'new';
  readonly version: number;
  /** GOMAXPROCS as the trace first records it (0 if it does not). */
  readonly gomaxprocs: number;
  /** Threads seen (new format), or null: the old format does not record threads. */
  readonly threads: number | null;
  /** Time of the first and the last event (ns, the trace's clock). */
  readonly firstNs: number;
  readonly lastNs: number;
}

// Old-format fake Ps (Go's v1 parser).
const NETPOLL_P = 1000002;

const OLD_BLOCK = new Map<string, string>([
  ['GoBlock', 'block'],
  ['GoBlockSend', 'chan send'],
  ['GoBlockRecv', 'chan receive'],
  ['GoBlockSelect', 'select'],
  ['GoBlockSync', 'sync'],
  ['GoBlockCond', 'sync.Cond'],
  ['GoBlockNet', 'network'],
  ['GoBlockGC', 'GC assist'],
  ['GoSleep', 'sleep'],
]);

/** Resolves stack ids of either format to frames. */
export class StackTable {
  private readonly byGen = new Map<number, ReadonlyMap<number, readonly Frame[]>>();
  private readonly old: ReadonlyMap<number, readonly Frame[]>;
  constructor(t: ParsedTrace) {
    this.old = t.stacks;
    for (const g of t.generations) this.byGen.set(g.gen, g.stacks);
  }
  /** A stack key that is unique across generations: gen * 2^24 + id (old format: id). */
  key(ev: TraceEvent, id: number): number {
    return ev.gen > 0 ? ev.gen * 16777216 + id : id;
  }
  frames(key: number): readonly Frame[] {
    if (key === 0) return [];
    if (key < 16777216) return this.old.get(key) ?? this.byGen.values().next().value?.get(key) ?? [];
    const gen = Math.floor(key / 16777216);
    return this.byGen.get(gen)?.get(key % 16777216) ?? [];
  }
}

const RUNTIME_PREFIXES = ['runtime.', 'runtime/', 'syscall.', 'internal/', 'golang.org/x/sys/', 'os.', 'sync.', 'time.'];

/** The first frame outside the runtime, syscall and wrapper packages (the program's call site). */
export function callSite(frames: readonly Frame[]): string {
  if (frames.length === 0) return '(no stack)';
  let f = frames.find((x) => !RUNTIME_PREFIXES.some((p) => x.func.startsWith(p)));
  f ??= frames[frames.length - 1]!;
  const file = f.file.slice(f.file.lastIndexOf('/') + 1);
  return `${f.func} (${file}:${f.line})`;
}

/** The function a goroutine runs, from its start stack (the outermost frame). */
export function startFunc(frames: readonly Frame[]): string {
  if (frames.length === 0) return '';
  return frames[frames.length - 1]!.func;
}

/**
 * The steps of a trace, in trace order, and the whole-trace facts. Stack ids in steps are keys of
 * `stacks` (unique across generations).
 */
export function traceSteps(t: ParsedTrace): { steps: Step[]; facts: TraceFacts; stacks: StackTable } {
  const stacks = new StackTable(t);
  const b = new StepsBuilder(t.format === 'new', stacks);
  for (const ev of t.events) b.add(ev);
  return { steps: b.steps, facts: b.facts(t), stacks };
}

/** Turns events into steps, one event at a time, keeping what the steps of later events need. */
class StepsBuilder {
  readonly steps: Step[] = [];
  /** Goroutines already seen (an old-format GoCreate by no goroutine lists one that existed before the trace). */
  private readonly seen = new Set<number>();
  private readonly threads = new Set<number>();
  private gomaxprocs = 0;
  private firstNs = Infinity;
  private lastNs = -Infinity;
  /** New format: the goroutine in a syscall on each M. */
  private readonly inSyscallOnM = new Map<number, number>();
  /** New format: each M's goroutine in a syscall, until its end event (a steal does not clear it). */
  private readonly syscallOfM = new Map<number, number>();

  constructor(
    private readonly isNew: boolean,
    private readonly stacks: StackTable,
  ) {}

  facts(t: ParsedTrace): TraceFacts {
    const empty = this.firstNs === Infinity;
    return {
      format: t.format,
      version: t.version,
      gomaxprocs: this.gomaxprocs,
      threads: this.isNew ? this.threads.size : null,
      firstNs: empty ? 0 : this.firstNs,
      lastNs: empty ? 0 : this.lastNs,
    };
  }

  add(ev: TraceEvent): void {
    const ts = ev.tsNs;
    if (ts < this.firstNs) this.firstNs = ts;
    if (ts > this.lastNs) this.lastNs = ts;
    if (this.isNew && ev.m >= 0) this.threads.add(ev.m);
    const g = ev.g;
    const sk = ev.stackId === 0 ? 0 : this.stacks.key(ev, ev.stackId);
    const steps = this.steps;
    switch (ev.type) {
      case 'Gomaxprocs':
      case 'ProcsChange':
        if (this.gomaxprocs === 0) this.gomaxprocs = ev.args[0] ?? 0;
        break;
      case 'GoCreate':
      case 'GoCreateSyscall':
      case 'GoCreateBlocked':
        this.onCreate(ev, sk);
        break;
      case 'GoWaiting':
      case 'GoInSyscall':
        // Old format: the state of a goroutine that existed at the start.
        steps.push({ k: 'initial', t: ts, g, state: ev.type === 'GoWaiting' ? 'waiting' : 'syscall', stack: 0 });
        break;
      case 'GoStatus':
      case 'GoStatusStack':
        this.onGoStatus(ev, sk);
        break;
      case 'GoStart':
      case 'GoStartLabel':
        this.onStart(ev);
        break;
      case 'GoEnd':
      case 'GoDestroy':
      case 'GoDestroySyscall':
        steps.push({ k: 'end', t: ts, g });
        break;
      case 'GoStop':
      case 'GoSched':
      case 'GoPreempt':
        this.onStop(ev);
        break;
      case 'GoBlock': {
        const reason = this.isNew ? (ev.sargs[0] ?? 'block') : 'block';
        steps.push({ k: 'block', t: ts, g, reason, sleep: this.isNew && reason === 'sleep', stack: sk });
        break;
      }
      case 'GoUnblock':
      case 'GoUnblockLocal':
        // Old format: unblocked on the netpoll pseudo-P or by no goroutine: by the scheduler.
        steps.push({ k: 'unblock', t: ts, g: ev.args[0]!, by: this.isNew ? g : g > 0 && ev.p !== NETPOLL_P ? g : -1, stack: sk });
        break;
      case 'GoSysCall':
      case 'GoSyscallBegin':
        this.onSyscallBegin(ev, sk);
        break;
      case 'GoSyscallEnd':
      case 'GoSyscallEndBlocked':
      case 'GoSysExit':
      case 'GoSysExitLocal':
        this.onSyscallEnd(ev);
        break;
      case 'GoSysBlock':
        steps.push({ k: 'lostP', t: ts, g, p: ev.p, by: 'unknown', taker: -1 });
        break;
      case 'GCBegin':
      case 'GCStart':
        // Old format: GCStart has no goroutine of its own; its batch's goroutine wrote it (gcStart).
        steps.push({ k: 'gcBegin', t: ts, g: g > 0 ? g : ev.batchG > 0 ? ev.batchG : -1, p: ev.p, stack: sk });
        break;
      case 'GCEnd':
      case 'GCDone':
        steps.push({ k: 'gcEnd', t: ts });
        break;
      case 'ProcSteal':
        this.onProcSteal(ev);
        break;
      default:
        this.onOther(ev, sk);
        break;
    }
  }

  private onStart(ev: TraceEvent): void {
    const sg = this.isNew ? ev.args[0]! : ev.g;
    this.seen.add(sg);
    this.steps.push({ k: 'pUse', t: ev.tsNs, p: ev.p });
    this.steps.push({ k: 'start', t: ev.tsNs, g: sg, p: ev.p });
  }

  /** GoStop (new format: a yield when its reason names Gosched), GoSched (a yield), GoPreempt. */
  private onStop(ev: TraceEvent): void {
    const yielded = ev.type === 'GoSched' || (ev.type === 'GoStop' && this.isNew && (ev.sargs[0] ?? '').includes('Gosched'));
    this.steps.push({ k: 'stop', t: ev.tsNs, g: ev.g, yield: yielded });
  }

  private onSyscallBegin(ev: TraceEvent, sk: number): void {
    this.steps.push({ k: 'sysBegin', t: ev.tsNs, g: ev.g, stack: sk, m: ev.m });
    if (this.isNew && ev.m >= 0) {
      this.inSyscallOnM.set(ev.m, ev.g);
      this.syscallOfM.set(ev.m, ev.g);
    }
  }

  /** New format: GoSyscallEnd(Blocked) on the goroutine's M; old format: GoSysExit (the call lost its P) names the goroutine. */
  private onSyscallEnd(ev: TraceEvent): void {
    const g = ev.g;
    if (ev.type === 'GoSysExit' || ev.type === 'GoSysExitLocal') {
      this.steps.push({ k: 'sysEnd', t: ev.tsNs, g: ev.args[0] ?? g, blocked: true });
      return;
    }
    this.steps.push({ k: 'sysEnd', t: ev.tsNs, g, blocked: ev.type === 'GoSyscallEndBlocked' });
    if (ev.m >= 0 && this.inSyscallOnM.get(ev.m) === g) this.inSyscallOnM.delete(ev.m);
    if (ev.m >= 0 && this.syscallOfM.get(ev.m) === g) this.syscallOfM.delete(ev.m);
  }

  private onCreate(ev: TraceEvent, sk: number): void {
    const ts = ev.tsNs;
    const ng = ev.args[0]!;
    const startStack = ev.args[1] !== undefined && ev.args[1] > 0 ? this.stacks.key(ev, ev.args[1]) : 0;
    const by = this.isNew ? ev.g : ev.g > 0 ? ev.g : -1;
    // Old format: GoCreate at the trace start (by no goroutine) lists goroutines that already existed.
    if (!this.isNew && by === -1 && !this.seen.has(ng)) {
      this.steps.push({ k: 'initial', t: ts, g: ng, state: 'runnable', stack: startStack });
    } else {
      this.steps.push({ k: 'create', t: ts, g: ng, by, startStack, stack: sk });
      if (ev.type === 'GoCreateBlocked') this.steps.push({ k: 'block', t: ts, g: ng, reason: 'created blocked', sleep: false, stack: 0 });
      if (ev.type === 'GoCreateSyscall') this.steps.push({ k: 'sysBegin', t: ts, g: ng, stack: 0, m: ev.m });
    }
    this.seen.add(ng);
  }

  /** New format: the first status of a goroutine is where it was when the trace (or its generation) started. */
  private onGoStatus(ev: TraceEvent, sk: number): void {
    const sg = ev.args[0]!;
    if (this.seen.has(sg)) return;
    this.seen.add(sg);
    const st = ev.args[2];
    const state: InitialState = st === 2 ? 'running' : st === 3 ? 'syscall' : st === 4 ? 'waiting' : 'runnable';
    this.steps.push({ k: 'initial', t: ev.tsNs, g: sg, state, stack: sk });
    if (state === 'syscall') {
      const m = ev.args[1]!;
      if (m >= 0) {
        this.inSyscallOnM.set(m, sg);
        this.syscallOfM.set(m, sg);
      }
    }
  }

  /** New format: a P taken from the M of a goroutine in a syscall: that goroutine lost its P. */
  private onProcSteal(ev: TraceEvent): void {
    const p = ev.args[0]!;
    const m = ev.args[2]!;
    if (m >= 0) this.threads.add(m);
    const sg = this.inSyscallOnM.get(m);
    // A self-steal (reader-synthesised before GoDestroySyscall) has the stealing M == the syscall M.
    if (sg !== undefined && m !== ev.m) {
      // The taker's own goroutine still in a syscall: exitsyscall taking its old P back (its
      // GoSyscallEndBlocked follows). No goroutine: sysmon. Otherwise a running goroutine's stop-the-world.
      const takerInSyscall = ev.g >= 0 && ev.m >= 0 && this.syscallOfM.get(ev.m) === ev.g;
      const by: LostPTaker = takerInSyscall ? 'thread' : ev.g < 0 ? 'sysmon' : 'other';
      this.steps.push({ k: 'lostP', t: ev.tsNs, g: sg, p, by, taker: takerInSyscall ? ev.g : -1 });
      this.inSyscallOnM.delete(m);
    }
  }

  /** Old-format blocking events, or any other event in a running goroutine's context (extends its running time). */
  private onOther(ev: TraceEvent, sk: number): void {
    const g = ev.g;
    const why = this.isNew ? undefined : OLD_BLOCK.get(ev.type);
    if (why !== undefined) {
      this.steps.push({ k: 'block', t: ev.tsNs, g, reason: why, sleep: ev.type === 'GoSleep', stack: sk });
      return;
    }
    if (g > 0 && !ev.type.startsWith('Proc') && ev.type !== 'CPUSample') this.steps.push({ k: 'touch', t: ev.tsNs, g });
  }
}

// The syscall report of a parsed trace (`gosched trace analyze`): how many syscalls, how long they
// took where the format records it, how many lost their P and how long the P then stayed unused,
// threads, and breakdowns per goroutine and per call site.
//
// What each format records:
// - new format (Go 1.22+): GoSyscallBegin … GoSyscallEnd (kept the P) or GoSyscallEndBlocked (lost
//   it); ProcSteal names the P and the thread. Every syscall is timed; threads are known.
// - old format (Go 1.11–1.21): GoSysCall marks the entry only. A syscall that lost its P gets
//   GoSysBlock (P taken) and GoSysExit (with the real exit time), so only those are timed. A syscall
//   that kept its P leaves no end event: its duration is unknown and is not guessed. Threads are not
//   recorded.
//
// Core module: no `node:*` imports.

import { formatNs } from '../base/time.js';
import type { ParsedTrace } from './common.js';
import { callSite, startFunc, traceSteps, type LostPTaker, type StackTable, type Step } from './steps.js';

export interface DurationSummary {
  readonly count: number;
  readonly totalNs: number;
  readonly meanNs: number;
  readonly p50Ns: number;
  readonly p90Ns: number;
  readonly p99Ns: number;
  readonly maxNs: number;
}

export interface SiteRow {
  /** The call site: first frame outside runtime/syscall/os/sync/time, as `func (file:line)`. */
  readonly site: string;
  /** The whole stack, leaf first, as `func file:line`. */
  readonly stack: readonly string[];
  readonly syscalls: number;
  /** Syscalls whose duration the trace records. */
  readonly timed: number;
  readonly timeNs: number;
  readonly maxNs: number;
  readonly lostP: number;
}

export interface GoroutineRow {
  readonly g: number;
  /** The goroutine's function (its start stack), or "(existed at trace start)". */
  readonly func: string;
  readonly syscalls: number;
  readonly timed: number;
  readonly timeNs: number;
  readonly lostP: number;
}

export interface SyscallAnalysis {
  readonly format: 'old' | 'new';
  /** e.g. "go 1.23 trace". */
  readonly header: string;
  readonly spanNs: number;
  readonly gomaxprocs: number;
  readonly goroutines: number;
  /** Threads seen (new format only); null when the format does not record them. */
  readonly threads: number | null;
  readonly syscalls: {
    /** Syscalls entered during the trace (plus those already in progress at its start). */
    readonly total: number;
    readonly inProgressAtStart: number;
    /** Still in the kernel when the trace ended. */
    readonly unfinished: number;
    /** Syscalls with a recorded duration. */
    readonly timed: number;
    /** Durations of the timed syscalls (entry → return). */
    readonly durationNs: DurationSummary;
    readonly durationNsKeptP: DurationSummary | null;
    readonly durationNsLostP: DurationSummary;
    /** Syscalls whose P was taken while they were in the kernel. */
    readonly lostP: number;
    /**
     * New format: who took those Ps — sysmon (its retake; `sysmonTakenBack` of them were then taken
     * from the thread sysmon handed the P to by the victim's own thread, back from its syscall: a
     * P-taking chain starts), threads back from a syscall taking their old P (exitsyscall), other
     * (stop-the-world, forEachP), or not attributed (taken while the trace cannot tell). Null in the
     * old format.
     */
    readonly lostPBy: { readonly sysmon: number; readonly sysmonTakenBack: number; readonly thread: number; readonly other: number; readonly unattributed: number } | null;
    /**
     * New format: sysmon's victims back from their syscall — how long after the take, and how many
     * came back before the P sysmon took ran a goroutine again (still on its way to the thread
     * handoffp woke: nothing to take back, so the return finds no P unless one is idle). Null in the
     * old format.
     */
    readonly sysmonVictimReturn: { readonly afterTakeNs: DurationSummary; readonly beforePRan: number } | null;
    /** Entry → the P being taken (sysmon's retake delay, or a handoff). */
    readonly timeToLoseNs: DurationSummary;
    /** The P being taken → the next goroutine running on that P. */
    readonly pIdleAfterLossNs: DurationSummary;
    /** Lost Ps that ran no goroutine again before the trace ended. */
    readonly pNotReused: number;
  };
  readonly byGoroutine: readonly GoroutineRow[];
  readonly bySite: readonly SiteRow[];
  /** Call sites ordered by syscalls that lost their P, then by time in the kernel. */
  readonly topBlocking: readonly SiteRow[];
  /** What the format cannot tell, in words. */
  readonly notes: readonly string[];
}

export function summarize(values: number[]): DurationSummary {
  const n = values.length;
  if (n === 0) return { count: 0, totalNs: 0, meanNs: 0, p50Ns: 0, p90Ns: 0, p99Ns: 0, maxNs: 0 };
  const s = Float64Array.from(values).sort();
  let total = 0;
  for (const v of s) total += v;
  const q = (p: number) => s[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]!;
  return { count: n, totalNs: total, meanNs: Math.round(total / n), p50Ns: q(50), p90Ns: q(90), p99Ns: q(99), maxNs: s[n - 1]! };
}

interface Open {
  begin: number;
  stack: number;
  lostAt: number;
}

interface SiteAcc {
  stackKey: number;
  syscalls: number;
  timed: number;
  timeNs: number;
  maxNs: number;
  lostP: number;
}

type PerG = { syscalls: number; timed: number; timeNs: number; lostP: number };

/** What the walk over a trace's steps accumulates: open syscalls, durations, lost Ps, per goroutine and per site. */
class SyscallTally {
  /** Syscalls in progress, by goroutine. */
  readonly open = new Map<number, Open>();
  /** Durations of timed syscalls: all, those that kept their P, those that lost it. */
  readonly all: number[] = [];
  readonly kept: number[] = [];
  readonly lost: number[] = [];
  /** Entry → P taken, and P taken → P used again. */
  readonly toLose: number[] = [];
  readonly pIdle: number[] = [];
  /** Lost Ps waiting for their next use: p → time lost. */
  readonly pLost = new Map<number, number>();
  readonly goroutines = new Set<number>();
  readonly startStack = new Map<number, number>();
  readonly perG = new Map<number, PerG>();
  readonly perSite = new Map<string, SiteAcc>();
  total = 0;
  inProgressAtStart = 0;
  lostCount = 0;
  /** Lost Ps by taker (see SyscallAnalysis lostPBy), and goroutines whose P sysmon took in their current syscall. */
  readonly lostBy = { sysmon: 0, sysmonTakenBack: 0, thread: 0, other: 0, unattributed: 0 };
  /** Goroutines whose P sysmon took in their current syscall → that P and when. */
  readonly sysmonVictims = new Map<number, { readonly p: number; readonly tNs: number }>();
  readonly victimBackAfter: number[] = [];
  victimBackBeforePRan = 0;

  constructor(private readonly stacks: StackTable) {}

  step(s: Step): void {
    switch (s.k) {
      case 'initial':
        this.goroutines.add(s.g);
        if (s.stack !== 0) this.startStack.set(s.g, s.stack);
        if (s.state === 'syscall') {
          this.inProgressAtStart++;
          this.enter(s.g, NaN, s.stack);
        }
        break;
      case 'create':
        this.goroutines.add(s.g);
        if (s.startStack !== 0) this.startStack.set(s.g, s.startStack);
        break;
      case 'start':
        this.goroutines.add(s.g);
        break;
      case 'sysBegin':
        this.goroutines.add(s.g);
        this.enter(s.g, s.t, s.stack);
        break;
      case 'lostP':
        this.onLostP(s.g, s.p, s.t, s.by, s.taker);
        break;
      case 'pUse':
        this.onPUse(s.p, s.t);
        break;
      case 'sysEnd':
        this.onSysEnd(s.g, s.t, s.blocked);
        break;
      default:
        break;
    }
  }

  /** Syscalls that had not returned when the trace ended (old format: only those known to have lost their P). */
  unfinished(isNew: boolean): number {
    if (isNew) return this.open.size;
    let n = 0;
    for (const o of this.open.values()) if (o.lostAt >= 0) n++;
    return n;
  }

  private gAcc(g: number): PerG {
    let a = this.perG.get(g);
    if (a === undefined) this.perG.set(g, (a = { syscalls: 0, timed: 0, timeNs: 0, lostP: 0 }));
    return a;
  }

  private siteAcc(stackKey: number): SiteAcc {
    const name = callSite(this.stacks.frames(stackKey));
    let a = this.perSite.get(name);
    if (a === undefined) this.perSite.set(name, (a = { stackKey, syscalls: 0, timed: 0, timeNs: 0, maxNs: 0, lostP: 0 }));
    return a;
  }

  private enter(g: number, tNs: number, stack: number): void {
    this.total++;
    this.open.set(g, { begin: tNs, stack, lostAt: -1 });
    this.gAcc(g).syscalls++;
    this.siteAcc(stack).syscalls++;
  }

  /** Counts the open syscall `o` of g as having lost its P at `tNs`. */
  private lose(g: number, o: Open, tNs: number): void {
    o.lostAt = tNs;
    this.lostCount++;
    this.gAcc(g).lostP++;
    this.siteAcc(o.stack).lostP++;
  }

  private onLostP(g: number, p: number, tNs: number, by: LostPTaker, taker: number): void {
    const o = this.open.get(g);
    this.pLost.set(p, tNs);
    if (o === undefined || o.lostAt >= 0) return;
    this.lose(g, o, tNs);
    if (by === 'sysmon') {
      this.lostBy.sysmon++;
      this.sysmonVictims.set(g, { p, tNs });
    } else if (by === 'thread') {
      this.lostBy.thread++;
      if (this.victimBack(taker, tNs) !== undefined) this.lostBy.sysmonTakenBack++;
    } else if (by === 'other') this.lostBy.other++;
    if (!Number.isNaN(o.begin)) this.toLose.push(tNs - o.begin);
  }

  /** g, whose P sysmon took, is back from that syscall at tNs: the take, closed (undefined if none). */
  private victimBack(g: number, tNs: number): { readonly p: number; readonly tNs: number } | undefined {
    const take = this.sysmonVictims.get(g);
    if (take === undefined) return undefined;
    this.sysmonVictims.delete(g);
    this.victimBackAfter.push(tNs - take.tNs);
    return take;
  }

  private onPUse(p: number, tNs: number): void {
    const at = this.pLost.get(p);
    if (at === undefined) return;
    this.pIdle.push(tNs - at);
    this.pLost.delete(p);
  }

  private onSysEnd(g: number, tNs: number, blocked: boolean): void {
    const o = this.open.get(g);
    const take = this.victimBack(g, tNs);
    if (take !== undefined && this.pLost.get(take.p) === take.tNs) this.victimBackBeforePRan++;
    if (o === undefined) return;
    this.open.delete(g);
    // New format: EndBlocked without a ProcSteal we could attribute (e.g. taken by STW).
    if (blocked && o.lostAt < 0) {
      this.lose(g, o, tNs);
      this.lostBy.unattributed++;
    }
    if (Number.isNaN(o.begin)) return;
    const d = tNs - o.begin;
    this.all.push(d);
    (blocked ? this.lost : this.kept).push(d);
    const ga = this.gAcc(g);
    ga.timed++;
    ga.timeNs += d;
    const sa = this.siteAcc(o.stack);
    sa.timed++;
    sa.timeNs += d;
    if (d > sa.maxNs) sa.maxNs = d;
  }
}

export function analyzeSyscalls(t: ParsedTrace): SyscallAnalysis {
  const { steps, facts, stacks } = traceSteps(t);
  const isNew = t.format === 'new';
  const tally = new SyscallTally(stacks);
  for (const s of steps) tally.step(s);
  const bySite = siteRows(tally.perSite, stacks);
  return {
    format: t.format,
    header: `go 1.${t.version - 1000} trace`,
    spanNs: facts.lastNs - facts.firstNs,
    gomaxprocs: facts.gomaxprocs,
    goroutines: tally.goroutines.size,
    threads: facts.threads,
    syscalls: syscallFigures(tally, isNew),
    byGoroutine: goroutineRows(tally, stacks),
    bySite,
    topBlocking: topBlocking(bySite),
    notes: notes(isNew, tally.inProgressAtStart),
  };
}

function syscallFigures(a: SyscallTally, isNew: boolean): SyscallAnalysis['syscalls'] {
  // Old format: a syscall that kept its P has no end event; the next event of the goroutine closes it
  // without a duration. Those still open at the end of the trace are counted as unfinished only in
  // the new format (where every end is recorded).
  return {
    total: a.total,
    inProgressAtStart: a.inProgressAtStart,
    unfinished: a.unfinished(isNew),
    timed: a.all.length,
    durationNs: summarize(a.all),
    durationNsKeptP: isNew ? summarize(a.kept) : null,
    durationNsLostP: summarize(a.lost),
    lostP: a.lostCount,
    lostPBy: isNew ? { ...a.lostBy } : null,
    sysmonVictimReturn: isNew ? { afterTakeNs: summarize(a.victimBackAfter), beforePRan: a.victimBackBeforePRan } : null,
    timeToLoseNs: summarize(a.toLose),
    pIdleAfterLossNs: summarize(a.pIdle),
    pNotReused: a.pLost.size,
  };
}

/** Call sites, by time in the kernel, then syscalls, then name. */
function siteRows(perSite: ReadonlyMap<string, SiteAcc>, stacks: StackTable): SiteRow[] {
  const rows: SiteRow[] = [...perSite.entries()].map(([site, a]) => ({
    site,
    stack: stacks.frames(a.stackKey).map((f) => `${f.func} ${f.file}:${f.line}`),
    syscalls: a.syscalls,
    timed: a.timed,
    timeNs: a.timeNs,
    maxNs: a.maxNs,
    lostP: a.lostP,
  }));
  rows.sort((a, b) => b.timeNs - a.timeNs || b.syscalls - a.syscalls || (a.site < b.site ? -1 : 1));
  return rows;
}

/** The ten sites whose syscalls lost their P most often. */
function topBlocking(bySite: readonly SiteRow[]): SiteRow[] {
  return bySite
    .filter((r) => r.lostP > 0)
    .sort((a, b) => b.lostP - a.lostP || b.timeNs - a.timeNs || (a.site < b.site ? -1 : 1))
    .slice(0, 10);
}

/** Goroutines, by time in syscalls, then syscalls, then id. */
function goroutineRows(a: SyscallTally, stacks: StackTable): GoroutineRow[] {
  const rows: GoroutineRow[] = [...a.perG.entries()].map(([g, x]) => ({ g, func: goFunc(stacks, a.startStack.get(g)), ...x }));
  rows.sort((x, y) => y.timeNs - x.timeNs || y.syscalls - x.syscalls || x.g - y.g);
  return rows;
}

function notes(isNew: boolean, inProgressAtStart: number): string[] {
  const out: string[] = [];
  if (!isNew) {
    out.push(
      'old trace format: a syscall that kept its P has no end event, so only the syscalls that lost their P (GoSysBlock … GoSysExit) are timed; durations of the others are unknown, not estimated.',
      'old trace format: threads (Ms) are not recorded.',
    );
  }
  if (inProgressAtStart > 0) out.push(`${inProgressAtStart} syscalls were already in progress when the trace started; their durations are unknown.`);
  return out;
}

function goFunc(stacks: StackTable, key: number | undefined): string {
  if (key === undefined) return '(existed at trace start)';
  return startFunc(stacks.frames(key)) || '(unknown)';
}

/** The human form of the report. */
export function formatSyscallAnalysis(a: SyscallAnalysis, file = ''): string {
  const s = a.syscalls;
  const out: string[] = [];
  const d = (x: DurationSummary) =>
    x.count === 0 ? 'none timed' : `n=${x.count} total ${formatNs(x.totalNs)} mean ${formatNs(x.meanNs)} p50 ${formatNs(x.p50Ns)} p90 ${formatNs(x.p90Ns)} p99 ${formatNs(x.p99Ns)} max ${formatNs(x.maxNs)}`;
  out.push(`${file !== '' ? `${file}: ` : ''}${a.header} (${a.format} format), ${formatNs(a.spanNs)} traced, GOMAXPROCS=${a.gomaxprocs || '?'}, ${a.goroutines} goroutines, ` +
    (a.threads === null ? 'threads not recorded' : `${a.threads} threads`));
  out.push('');
  out.push(`syscalls: ${s.total}${s.inProgressAtStart > 0 ? ` (${s.inProgressAtStart} in progress at the start)` : ''}${s.unfinished > 0 ? `, ${s.unfinished} unfinished at the end` : ''}`);
  out.push(`  timed: ${s.timed} of ${s.total}${a.format === 'old' ? ' (old format: only syscalls that lost their P are timed)' : ''}`);
  out.push(`  duration, all timed:  ${d(s.durationNs)}`);
  out.push(`  duration, kept P:     ${s.durationNsKeptP === null ? 'unknown (old format records no end for these)' : d(s.durationNsKeptP)}`);
  out.push(`  duration, lost P:     ${d(s.durationNsLostP)}`);
  out.push(`  lost their P: ${s.lostP}${s.total > 0 ? ` (${((100 * s.lostP) / s.total).toFixed(1)}%)` : ''}`);
  const by = s.lostPBy;
  if (by !== null && s.lostP > 0) {
    out.push(`    taken by sysmon: ${by.sysmon}${by.sysmon > 0 ? ` (${by.sysmonTakenBack} then taken back by the victim's thread: a P-taking chain starts)` : ''}`);
    const v = s.sysmonVictimReturn;
    if (v !== null && v.afterTakeNs.count > 0) {
      out.push(`      their goroutines back from the syscall: p50 ${formatNs(v.afterTakeNs.p50Ns)} p90 ${formatNs(v.afterTakeNs.p90Ns)} after the take; ${v.beforePRan} of ${v.afterTakeNs.count} before the P ran a goroutine again (no P to take back)`);
    }
    out.push(`    taken by threads back from a syscall (their old P): ${by.thread}`);
    if (by.other > 0) out.push(`    taken by stop-the-world / forEachP: ${by.other}`);
    if (by.unattributed > 0) out.push(`    not attributed: ${by.unattributed}`);
  }
  out.push(`  entry → P taken:      ${d(s.timeToLoseNs)}`);
  out.push(`  P taken → P used again: ${d(s.pIdleAfterLossNs)}${s.pNotReused > 0 ? `; ${s.pNotReused} not used again before the end` : ''}`);
  out.push('');
  const gw = Math.max(4, ...a.byGoroutine.map((r) => r.func.length));
  out.push('per goroutine (time in syscalls; timed calls only):');
  out.push(`  ${'g'.padStart(6)}  ${'function'.padEnd(gw)}  ${'calls'.padStart(6)}  ${'timed'.padStart(6)}  ${'time'.padStart(9)}  ${'lost P'.padStart(6)}`);
  for (const r of a.byGoroutine.slice(0, 20)) {
    out.push(`  ${String(r.g).padStart(6)}  ${r.func.padEnd(gw)}  ${String(r.syscalls).padStart(6)}  ${String(r.timed).padStart(6)}  ${formatNs(r.timeNs).padStart(9)}  ${String(r.lostP).padStart(6)}`);
  }
  if (a.byGoroutine.length > 20) out.push(`  … ${a.byGoroutine.length - 20} more (--json lists all)`);
  out.push('');
  const sw = Math.max(4, ...a.bySite.map((r) => r.site.length));
  out.push('per call site (stack):');
  out.push(`  ${'site'.padEnd(sw)}  ${'calls'.padStart(6)}  ${'timed'.padStart(6)}  ${'time'.padStart(9)}  ${'max'.padStart(9)}  ${'lost P'.padStart(6)}`);
  for (const r of a.bySite.slice(0, 20)) {
    out.push(`  ${r.site.padEnd(sw)}  ${String(r.syscalls).padStart(6)}  ${String(r.timed).padStart(6)}  ${formatNs(r.timeNs).padStart(9)}  ${formatNs(r.maxNs).padStart(9)}  ${String(r.lostP).padStart(6)}`);
  }
  if (a.bySite.length > 20) out.push(`  … ${a.bySite.length - 20} more (--json lists all)`);
  out.push('');
  out.push('top blocking call sites (syscalls that lost their P):');
  if (a.topBlocking.length === 0) out.push('  none');
  a.topBlocking.forEach((r, i) => {
    out.push(`  ${i + 1}. ${r.site}: ${r.lostP} of ${r.syscalls} lost their P, ${formatNs(r.timeNs)} in the kernel (timed calls)`);
    for (const f of r.stack.slice(0, 6)) out.push(`       ${f}`);
  });
  if (a.notes.length > 0) {
    out.push('');
    for (const n of a.notes) out.push(`note: ${n}`);
  }
  return out.join('\n') + '\n';
}

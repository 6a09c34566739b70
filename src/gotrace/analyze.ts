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
import { callSite, startFunc, traceSteps, type StackTable } from './steps.js';

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

export function analyzeSyscalls(t: ParsedTrace): SyscallAnalysis {
  const { steps, facts, stacks } = traceSteps(t);
  const isNew = t.format === 'new';
  const open = new Map<number, Open>();
  const all: number[] = [];
  const kept: number[] = [];
  const lost: number[] = [];
  const toLose: number[] = [];
  const pIdle: number[] = [];
  /** Lost Ps waiting for their next use: p → time lost. */
  const pLost = new Map<number, number>();
  const goroutines = new Set<number>();
  const startStack = new Map<number, number>();
  const perG = new Map<number, { syscalls: number; timed: number; timeNs: number; lostP: number }>();
  const perSite = new Map<string, SiteAcc>();
  let total = 0;
  let inProgressAtStart = 0;
  let lostCount = 0;

  const gAcc = (g: number) => {
    let a = perG.get(g);
    if (a === undefined) perG.set(g, (a = { syscalls: 0, timed: 0, timeNs: 0, lostP: 0 }));
    return a;
  };
  const siteAcc = (stackKey: number) => {
    const name = callSite(stacks.frames(stackKey));
    let a = perSite.get(name);
    if (a === undefined) perSite.set(name, (a = { stackKey, syscalls: 0, timed: 0, timeNs: 0, maxNs: 0, lostP: 0 }));
    return a;
  };
  const enter = (g: number, tNs: number, stack: number) => {
    total++;
    open.set(g, { begin: tNs, stack, lostAt: -1 });
    gAcc(g).syscalls++;
    siteAcc(stack).syscalls++;
  };

  for (const s of steps) {
    switch (s.k) {
      case 'initial':
        goroutines.add(s.g);
        if (s.stack !== 0) startStack.set(s.g, s.stack);
        if (s.state === 'syscall') {
          inProgressAtStart++;
          enter(s.g, NaN, s.stack);
        }
        break;
      case 'create':
        goroutines.add(s.g);
        if (s.startStack !== 0) startStack.set(s.g, s.startStack);
        break;
      case 'start':
        goroutines.add(s.g);
        break;
      case 'sysBegin':
        goroutines.add(s.g);
        enter(s.g, s.t, s.stack);
        break;
      case 'lostP': {
        const o = open.get(s.g);
        pLost.set(s.p, s.t);
        if (o === undefined || o.lostAt >= 0) break;
        o.lostAt = s.t;
        lostCount++;
        gAcc(s.g).lostP++;
        siteAcc(o.stack).lostP++;
        if (!Number.isNaN(o.begin)) toLose.push(s.t - o.begin);
        break;
      }
      case 'pUse': {
        const at = pLost.get(s.p);
        if (at !== undefined) {
          pIdle.push(s.t - at);
          pLost.delete(s.p);
        }
        break;
      }
      case 'sysEnd': {
        const o = open.get(s.g);
        if (o === undefined) break;
        open.delete(s.g);
        if (s.blocked && o.lostAt < 0) {
          // New format: EndBlocked without a ProcSteal we could attribute (e.g. taken by STW).
          o.lostAt = s.t;
          lostCount++;
          gAcc(s.g).lostP++;
          siteAcc(o.stack).lostP++;
        }
        if (Number.isNaN(o.begin)) break;
        const d = s.t - o.begin;
        all.push(d);
        (s.blocked ? lost : kept).push(d);
        const ga = gAcc(s.g);
        ga.timed++;
        ga.timeNs += d;
        const sa = siteAcc(o.stack);
        sa.timed++;
        sa.timeNs += d;
        if (d > sa.maxNs) sa.maxNs = d;
        break;
      }
      default:
        break;
    }
  }

  // Old format: a syscall that kept its P has no end event; the next event of the goroutine closes it
  // without a duration. Those still open at the end of the trace are counted as unfinished only in
  // the new format (where every end is recorded).
  let unfinished = 0;
  if (isNew) {
    unfinished = open.size;
  } else {
    for (const o of open.values()) if (o.lostAt >= 0) unfinished++;
  }

  const siteRows: SiteRow[] = [...perSite.entries()].map(([site, a]) => ({
    site,
    stack: stacks.frames(a.stackKey).map((f) => `${f.func} ${f.file}:${f.line}`),
    syscalls: a.syscalls,
    timed: a.timed,
    timeNs: a.timeNs,
    maxNs: a.maxNs,
    lostP: a.lostP,
  }));
  siteRows.sort((a, b) => b.timeNs - a.timeNs || b.syscalls - a.syscalls || (a.site < b.site ? -1 : 1));
  const topBlocking = siteRows
    .filter((r) => r.lostP > 0)
    .sort((a, b) => b.lostP - a.lostP || b.timeNs - a.timeNs || (a.site < b.site ? -1 : 1))
    .slice(0, 10);
  const gRows: GoroutineRow[] = [...perG.entries()].map(([g, a]) => ({ g, func: goFunc(stacks, startStack.get(g)), ...a }));
  gRows.sort((a, b) => b.timeNs - a.timeNs || b.syscalls - a.syscalls || a.g - b.g);

  const notes: string[] = [];
  if (!isNew) {
    notes.push(
      'old trace format: a syscall that kept its P has no end event, so only the syscalls that lost their P (GoSysBlock … GoSysExit) are timed; durations of the others are unknown, not estimated.',
      'old trace format: threads (Ms) are not recorded.',
    );
  }
  if (inProgressAtStart > 0) notes.push(`${inProgressAtStart} syscalls were already in progress when the trace started; their durations are unknown.`);

  return {
    format: t.format,
    header: `go 1.${t.version - 1000} trace`,
    spanNs: facts.lastNs - facts.firstNs,
    gomaxprocs: facts.gomaxprocs,
    goroutines: goroutines.size,
    threads: facts.threads,
    syscalls: {
      total,
      inProgressAtStart,
      unfinished,
      timed: all.length,
      durationNs: summarize(all),
      durationNsKeptP: isNew ? summarize(kept) : null,
      durationNsLostP: summarize(lost),
      lostP: lostCount,
      timeToLoseNs: summarize(toLose),
      pIdleAfterLossNs: summarize(pIdle),
      pNotReused: pLost.size,
    },
    byGoroutine: gRows,
    bySite: siteRows,
    topBlocking,
    notes,
  };
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

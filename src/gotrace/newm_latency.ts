// Thread creation as a Go ≥ 1.22 execution trace shows it (gosched calibrate, testdata/go/newm).
//
// sysmon retakes a P from a goroutine in a syscall (runtime/proc.go: retake): a ProcSteal without a
// goroutine (sysmon runs on its own M, with no P and no G). handoffp → startm then either wakes an
// idle M or, with none left, calls newm, whose allocm borrows the P it was given for its mallocs
// ("temporarily borrow p"): sysmon's M does ProcStart … ProcStop on that P. newosproc then clones
// the thread, which starts (mstart) and takes the P: the P's next ProcStart, on an M that no event
// named before. So, per take:
//   allocm borrow  = sysmon's ProcStart → ProcStop on the taken P;
//   newm start     = take → the P's next ProcStart by another M, when allocm ran (a new thread);
//   idle start     = the same when allocm did not run (startm woke an idle M; a futex wake).
// The old format (Go ≤ 1.21) has no ProcSteal and no Ms: it is refused.
//
// Core module: no `node:*` imports; input is a Uint8Array.
import { TraceError } from './common.js';
import { detectFormat, iterateTrace } from './reader.js';

/** Latencies around sysmon's thread creations in one trace, in ns, in trace order. */
export interface NewmLatencies {
  /** sysmon's takes (ProcSteal without a goroutine). */
  readonly takes: number;
  /** take → ProcStart of the new thread that newm created for the P. */
  readonly newmStartNs: number[];
  /** allocm's borrow of the P: sysmon's ProcStart → ProcStop on it. */
  readonly allocmBorrowNs: number[];
  /** take → ProcStart of an M seen before, without allocm: startm woke an idle M. */
  readonly idleStartNs: number[];
}

interface Pending {
  readonly takeNs: number;
  readonly sysmonM: number;
  borrowStartNs: number;
  /** allocm ran: newm is creating a thread for this P. */
  borrowed: boolean;
}

/** Reads sysmon's takes, allocm's borrows and the new threads' starts from a Go ≥ 1.22 trace. */
export function newmLatencies(bytes: Uint8Array): NewmLatencies {
  if (detectFormat(bytes).format === 'old') {
    throw new TraceError(0, 'an old-format trace (Go ≤ 1.21) has no ProcSteal events and no threads: thread creation needs a Go ≥ 1.22 trace', true);
  }
  const seenM = new Set<number>();
  const pending = new Map<number, Pending>(); // by P
  const newmStartNs: number[] = [];
  const allocmBorrowNs: number[] = [];
  const idleStartNs: number[] = [];
  let takes = 0;
  for (const e of iterateTrace(bytes)) {
    const freshM = e.m >= 0 && !seenM.has(e.m);
    if (e.m >= 0) seenM.add(e.m);
    if (e.type === 'ProcSteal') {
      // a take by sysmon has no goroutine; one by a thread back from a syscall has its goroutine
      if (e.g < 0) {
        takes++;
        pending.set(e.args[0]!, { takeNs: e.tsNs, sysmonM: e.m, borrowStartNs: -1, borrowed: false });
      }
      continue;
    }
    if (e.type !== 'ProcStart' && e.type !== 'ProcStop') continue;
    const pid = e.type === 'ProcStart' ? e.args[0]! : e.p;
    const r = pending.get(pid);
    if (r === undefined) continue;
    if (e.m === r.sysmonM) {
      if (e.type === 'ProcStart') r.borrowStartNs = e.tsNs;
      else if (r.borrowStartNs >= 0) {
        allocmBorrowNs.push(e.tsNs - r.borrowStartNs);
        r.borrowed = true;
      }
      continue;
    }
    if (e.type !== 'ProcStart') continue;
    if (r.borrowed && freshM) newmStartNs.push(e.tsNs - r.takeNs);
    else if (!r.borrowed && !freshM) idleStartNs.push(e.tsNs - r.takeNs);
    // else: an M the trace had not named before, without allocm (an idle M created before the
    // trace started), or a known M after allocm (not a newm start): neither kind is counted
    pending.delete(pid);
  }
  return { takes, newmStartNs, allocmBorrowNs, idleStartNs };
}

// exitsyscall's take-back of its old P, as a Go ≥ 1.22 execution trace shows it (gosched calibrate,
// the syscall program under GOSCHED_TRACE).
//
// A thread back from its syscall whose old P is now with another thread in a syscall takes it back
// (go1.26+ exitsyscallTryGetP; before, exitsyscallfast's CAS on a P left in _Psyscall): a ProcSteal
// with the returning goroutine (sysmon's takes have none), then on the same M ProcStart, the
// goroutine's GoSyscallEndBlocked and GoStart, its code, and its next call's GoSyscallBegin — from
// which on the P is in a syscall again, free to be taken back in turn. The window ProcSteal →
// GoSyscallBegin is how long the P stays busy per take-back (with the trace's own events inside).
// The old format (Go ≤ 1.21) has no ProcSteal and no Ms: it is refused.
//
// Core module: no `node:*` imports; input is a Uint8Array.
import { TraceError } from './common.js';
import { detectFormat, iterateTrace } from './reader.js';

/** Each take-back's window, ProcSteal → the same M's next GoSyscallBegin, in ns, in trace order. */
export function takeBackWindows(bytes: Uint8Array): number[] {
  if (detectFormat(bytes).format === 'old') {
    throw new TraceError(0, 'an old-format trace (Go ≤ 1.21) has no ProcSteal events and no threads: take-backs need a Go ≥ 1.22 trace', true);
  }
  const open = new Map<number, number>(); // M → its take-back's ProcSteal time
  const windows: number[] = [];
  for (const e of iterateTrace(bytes)) {
    if (e.m < 0) continue;
    if (e.type === 'ProcSteal') {
      if (e.g >= 0) open.set(e.m, e.tsNs);
      else open.delete(e.m);
    } else if (e.type === 'GoSyscallBegin') {
      const at = open.get(e.m);
      if (at !== undefined) windows.push(e.tsNs - at);
      open.delete(e.m);
    } else if (e.type === 'ProcStop' || e.type === 'GoBlock' || e.type === 'GoDestroy' || e.type === 'GoStop') {
      // the goroutine did not go straight into its next call: not a relay step
      open.delete(e.m);
    }
  }
  return windows;
}

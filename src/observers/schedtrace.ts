// GODEBUG=schedtrace=X,scheddetail=1 as an observer: on each "schedtrace" event (sysmon emits one every
// config.schedtraceNs, as proc.go's sysmon calls schedtrace), print the scheduler's state in the
// runtime's own format (proc.go schedtrace), read from the Runtime object the closure gives.
//
// go1.19's fields:
//   SCHED 10ms: gomaxprocs=2 idleprocs=0 threads=5 spinningthreads=0 idlethreads=1 runqueue=0 [0 0]
// go1.20+ add needspinning=N after spinningthreads. With scheddetail=1 the header line instead ends
// with gcwaiting/nmidlelocked/stopwait/sysmonwait, and a line per P, per M (newest first, as allm
// is a push-front list) and per G (allgs order) follows.
//
// Not modeled, printed as Go's zero values: gfreecnt and timerslen (per-P free lists and timer heaps
// are global here), mallocing, throwing, preemptoff, locks, dying, lockedg/lockedm. Only simulated
// goroutines appear: Go's own system goroutines (forcegc, bgsweep, bgscavenge, finalizers) do not.
import { mcount } from "../runtime/proc.js";
import type { Observer, RuntimeEvent } from "../runtime/events.js";
import type { Runtime } from "../runtime/runtime.js";
import { WaitReason, _Gwaiting } from "../runtime/runtime2.js";

export interface SchedtraceFieldSet {
  /** needspinning=N (go1.20+). */
  readonly needspinning: boolean;
}

/** The header fields a Go version prints (go1.19 has no needspinning). */
export function schedtraceFields(profile: string): SchedtraceFieldSet {
  const m = /^go1\.(\d+)/.exec(profile);
  const minor = m === null ? 19 : Number(m[1]);
  return { needspinning: minor >= 20 };
}

/** The non-detailed line, parsed back (tests, tools). Groups: ms, gomaxprocs, idleprocs, threads, spinning, needspinning?, idlethreads, runqueue, per-P runq lengths. */
export const schedtraceLineRe =
  /^SCHED (\d+)ms: gomaxprocs=(\d+) idleprocs=(\d+) threads=(\d+) spinningthreads=(\d+)(?: needspinning=(\d+))? idlethreads=(\d+) runqueue=(\d+) \[(\d+(?: \d+)*)\]$/;

// runtime2.go waitReasonStrings, as go1.19 names the model's reasons (WaitGroup.Wait and Mutex.Lock
// park in semacquire in go1.19; their own reasons came later).
const waitReasonNames: Record<number, string> = {
  [WaitReason.None]: "",
  [WaitReason.ChanSend]: "chan send",
  [WaitReason.ChanReceive]: "chan receive",
  [WaitReason.Select]: "select",
  [WaitReason.SyncWaitGroupWait]: "semacquire",
  [WaitReason.SyncMutexLock]: "semacquire",
  [WaitReason.Sleep]: "sleep",
  [WaitReason.GCWait]: "wait for GC cycle",
  [WaitReason.Syscall]: "syscall",
  [WaitReason.TimerGoroutineIdle]: "timer goroutine (idle)",
  [WaitReason.IOWait]: "IO wait",
};

/** proc.go schedtrace(detailed): the text Go prints, each line ending in "\n". */
export function formatSchedtrace(rt: Runtime, detailed: boolean): string {
  const s = rt.sched;
  const fields = schedtraceFields(rt.config.profile);
  let out =
    `SCHED ${Math.floor(rt.nowNs / 1e6)}ms: gomaxprocs=${rt.gomaxprocs} idleprocs=${s.npidle} threads=${mcount(rt)} spinningthreads=${s.nmspinning}` +
    (fields.needspinning ? ` needspinning=${s.needspinning ? 1 : 0}` : "") +
    ` idlethreads=${s.nmidle} runqueue=${s.runqsize}`;
  if (detailed) {
    out += ` gcwaiting=${s.gcwaiting ? 1 : 0} nmidlelocked=0 stopwait=${s.stopwait} sysmonwait=${s.sysmonwait ? 1 : 0}\n`;
    for (const pp of rt.allp) {
      out += `  P${pp.id}: status=${pp.status} schedtick=${pp.schedtick} syscalltick=${pp.syscalltick} m=${pp.m?.id ?? -1} runqsize=${pp.runqtail - pp.runqhead} gfreecnt=0 timerslen=0\n`;
    }
    for (let i = rt.allm.length - 1; i >= 0; i--) {
      const mp = rt.allm[i]!;
      const blocked = mp.state === "idle" || (mp === rt.sysmonM && rt.sysmon.deepSleeping) || mp.state === "stw";
      const curg = mp.curg === 0 ? -1 : rt.gs.goid[mp.curg]!;
      out += `  M${mp.id}: p=${mp.p?.id ?? -1} curg=${curg} mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning=${mp.spinning} blocked=${blocked} lockedg=-1\n`;
    }
    const gs = rt.gs;
    for (let gp = 1; gp < gs.count; gp++) {
      const st = gs.status[gp]!;
      const reason = st === _Gwaiting ? (waitReasonNames[gs.waitReason[gp]!] ?? "") : "";
      out += `  G${gs.goid[gp]}: status=${st}(${reason}) m=${gs.m[gp]} lockedm=-1\n`;
    }
    return out;
  }
  const runqs = rt.allp.map((pp) => pp.runqtail - pp.runqhead).join(" ");
  return `${out} [${runqs}]\n`;
}

export class SchedtraceObserver implements Observer {
  constructor(
    private readonly runtime: () => Runtime,
    private readonly detailed: boolean,
    private readonly write: (text: string) => void,
  ) {}

  onEvent(e: Readonly<RuntimeEvent>): void {
    if (e.fn === "schedtrace") this.write(formatSchedtrace(this.runtime(), this.detailed));
  }
}

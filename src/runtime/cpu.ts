// Goroutine compute: a compute op is CPU work of its M's thread, run on the machine's CPUs under the
// kernel's scheduler (kernel.ts) like the runtime's own work. A preemption (signal or prologue check)
// interrupts it; the work left is kept in g.remainingNs and resumed when the G runs again.
import { kWorkLeft } from "./kernel.js";
import { Resume } from "./proc.js";
import type { Runtime } from "./runtime.js";
import type { M } from "./runtime2.js";

/** The M starts running gp's user code for workNs of CPU time. */
export function cpuStart(rt: Runtime, mp: M, gp: number, workNs: number): void {
  rt.gs.remainingNs[gp] = 0;
  rt.mAfter(mp, workNs, Resume.Op);
  mp.computingG = gp;
}

/** Interrupts gp's compute (preemption); the work left is saved in g.remainingNs. */
export function cpuRemove(rt: Runtime, mp: M, gp: number): boolean {
  if (mp.computingG !== gp || gp === 0) return false;
  rt.gs.remainingNs[gp] = Math.ceil(kWorkLeft(rt, mp.kt) - 1e-6);
  mp.computingG = 0;
  return true;
}

export function isComputing(mp: M): boolean {
  return mp.computingG !== 0;
}

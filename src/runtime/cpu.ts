// The machine's CPUs. Goroutine compute runs on its M's thread; when more threads compute than the
// machine has CPUs, they share them equally (processor sharing, a model of Linux CFS at the scale of
// a compute burst). Kept as one virtual "work clock" V that advances at rate min(1, ncpu/n): a burst
// of w ns of work that starts at V0 ends when V reaches V0 + w. One engine event is pending at a time.
//
// Fidelity: runtime code, syscall entry/exit and the kernel part of syscalls do not occupy modeled
// CPUs; only compute ops do (docs/model.md).
import { Ev, type Runtime } from "./runtime.js";
import type { M } from "./runtime2.js";

interface Job {
  mp: M;
  gp: number;
  finishV: number;
}

export class CpuPool {
  readonly jobs: Job[] = [];
  virtualNs = 0;
  lastNs = 0;
  gen = 0;
  constructor(readonly ncpu: number) {}

  rate(): number {
    const n = this.jobs.length;
    return n <= this.ncpu ? 1 : this.ncpu / n;
  }

  advance(nowNs: number): void {
    if (this.jobs.length > 0) this.virtualNs += (nowNs - this.lastNs) * this.rate();
    this.lastNs = nowNs;
  }
}

function reschedule(rt: Runtime, pool: CpuPool): void {
  pool.gen++;
  if (pool.jobs.length === 0) return;
  let minV = Infinity;
  for (const j of pool.jobs) if (j.finishV < minV) minV = j.finishV;
  const dtNs = Math.max(0, Math.ceil((minV - pool.virtualNs) / pool.rate() - 1e-6));
  rt.queue.push(rt.nowNs + dtNs, Ev.Cpu, 0, pool.gen);
}

/** The M starts running gp's user code for workNs of CPU time. */
export function cpuStart(rt: Runtime, mp: M, gp: number, workNs: number): void {
  const pool = rt.cpu;
  pool.advance(rt.nowNs);
  pool.jobs.push({ mp, gp, finishV: pool.virtualNs + workNs });
  reschedule(rt, pool);
}

/** Interrupts gp's compute (preemption); the work left is saved in g.remainingNs. */
export function cpuRemove(rt: Runtime, mp: M, gp: number): boolean {
  const pool = rt.cpu;
  const i = pool.jobs.findIndex((j) => j.mp === mp && j.gp === gp);
  if (i < 0) return false;
  pool.advance(rt.nowNs);
  const job = pool.jobs[i]!;
  rt.gs.remainingNs[gp] = Math.max(0, Math.ceil(job.finishV - pool.virtualNs - 1e-6));
  pool.jobs.splice(i, 1);
  reschedule(rt, pool);
  return true;
}

export function isComputing(rt: Runtime, mp: M): boolean {
  return rt.cpu.jobs.some((j) => j.mp === mp);
}

/** Ev.Cpu: the bursts that are done complete; returns their Ms in start order. */
export function cpuComplete(rt: Runtime, token: number): M[] {
  const pool = rt.cpu;
  if (token !== pool.gen) return [];
  pool.advance(rt.nowNs);
  const done: M[] = [];
  for (let i = 0; i < pool.jobs.length; ) {
    const j = pool.jobs[i]!;
    if (j.finishV <= pool.virtualNs + 1e-6) {
      done.push(j.mp);
      rt.gs.remainingNs[j.gp] = 0;
      pool.jobs.splice(i, 1);
    } else i++;
  }
  reschedule(rt, pool);
  return done;
}

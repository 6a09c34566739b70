// Running goroutine programs: the op-array interpreter, generator programs, and gostep — the M
// executing its current G's next op. Each op either finishes after a cost (the M's next step is
// Resume.Op) or hands control to the runtime (a syscall, a park, the GC).
import { GoschedError } from "../base/errors.js";
import { maxCount, maxDurationNs } from "../base/limits.js";
import { assertUnreachable } from "../base/assert.js";
import { cpuStart } from "./cpu.js";
import type { Duration, Op, OpArrayProgram } from "./ops.js";
import { Resume, goexit0, goschedImpl, newproc } from "./proc.js";
import type { Runtime } from "./runtime.js";
import type { M } from "./runtime2.js";
import { allocOp, gcStart } from "./stw.js";
import { closeOp, lockOp, recvOp, retryLock, selectOp, sendOp, unlockOp, wgAddOp, wgWaitOp } from "./sync.js";
import { rawSyscallOp, syscallOp } from "./syscall.js";
import { addtimer as addtimerproc } from "./timerproc.js";
import { sleepOp, timerChanOp } from "./time.js";
import { netOp } from "./netpoll.js";
import { lockOSThreadOp, unlockOSThreadOp } from "./lockosthread.js";

/** Control steps an op-array program may take without yielding an op before it is judged stuck. */
const controlStepsMax = 100_000;

/** A duration drawn from the seeded generator: a non-negative integer of ns. */
export function sample(rt: Runtime, d: Duration): number {
  if (typeof d === "number") return d;
  const prng = rt.prng;
  let x: number;
  switch (d.dist) {
    case "constant":
      x = d.valueNs;
      break;
    case "uniform":
      x = d.minNs + prng.float() * (d.maxNs - d.minNs);
      break;
    case "exponential":
      x = -Math.log(1 - prng.float()) * d.meanNs;
      break;
    case "normal":
      x = d.meanNs + gaussian(rt) * d.stddevNs;
      break;
    case "lognormal":
      x = d.medianNs * Math.exp(d.sigma * gaussian(rt));
      break;
    case "empirical":
      x = d.valuesNs[prng.intn(d.valuesNs.length)]!;
      break;
    default:
      return assertUnreachable(d);
  }
  // A long-tailed draw (lognormal, exponential) may exceed any bound: clamp to the longest duration.
  return x > 0 ? Math.min(Math.round(x), maxDurationNs) : 0;
}

function gaussian(rt: Runtime): number {
  // Box–Muller; one value per call keeps the draw order simple.
  const u = 1 - rt.prng.float();
  const v = rt.prng.float();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Binds gp to a program and rewinds it. */
export function programStart(rt: Runtime, gp: number, programId: number): void {
  const gs = rt.gs;
  gs.program[gp] = programId;
  gs.pc[gp] = 0;
  gs.reg0[gp] = 0;
  gs.reg1[gp] = 0;
  gs.remainingNs[gp] = 0;
  gs.result[gp] = 0;
  gs.preempt[gp] = 0;
  gs.inSyscall[gp] = 0;
  gs.lockedm[gp] = -1;
  const program = rt.programs[programId]!;
  if (program.kind === "generator") rt.iterators.set(gp, program.start());
  else if (program.registers > 2) rt.extraRegisters.set(gp, new Int32Array(program.registers - 2));
}

function getReg(rt: Runtime, gp: number, r: number): number {
  if (r === 0) return rt.gs.reg0[gp]!;
  if (r === 1) return rt.gs.reg1[gp]!;
  return rt.extraRegisters.get(gp)![r - 2]!;
}

function setReg(rt: Runtime, gp: number, r: number, v: number): void {
  if (r === 0) rt.gs.reg0[gp] = v;
  else if (r === 1) rt.gs.reg1[gp] = v;
  else rt.extraRegisters.get(gp)![r - 2] = v;
}

/** The G's next op, or null when its function returns. */
function nextOp(rt: Runtime, gp: number): Op | null {
  const program = rt.programs[rt.gs.program[gp]!]!;
  if (program.kind === "generator") {
    const r = rt.iterators.get(gp)!.next(rt.gs.result[gp]!);
    return r.done === true ? null : r.value;
  }
  return interpret(rt, gp, program);
}

function interpret(rt: Runtime, gp: number, program: OpArrayProgram): Op | null {
  const gs = rt.gs;
  const code = program.code;
  let pc = gs.pc[gp]!;
  for (let steps = 0; steps < controlStepsMax; steps++) {
    if (pc >= code.length) {
      gs.pc[gp] = pc;
      return null;
    }
    const ins = code[pc]!;
    switch (ins.op) {
      case "loop": {
        // Loop registers are int32: a drawn count is clamped to the count limit (src/base/limits.ts).
        const count = Math.min(sample(rt, ins.count), maxCount);
        if (count <= 0) pc = ins.endPc + 1;
        else {
          setReg(rt, gp, ins.register, count);
          pc++;
        }
        break;
      }
      case "endloop": {
        const left = getReg(rt, gp, ins.register) - 1;
        setReg(rt, gp, ins.register, left);
        pc = left > 0 ? ins.startPc + 1 : pc + 1;
        break;
      }
      case "choose": {
        let total = 0;
        for (const w of ins.weights) total += w;
        let x = rt.prng.intn(total);
        let i = 0;
        while (x >= ins.weights[i]!) x -= ins.weights[i++]!;
        pc = ins.pcs[i]!;
        break;
      }
      case "jump":
        pc = ins.pc;
        break;
      default:
        gs.pc[gp] = pc + 1;
        return ins;
    }
  }
  throw new GoschedError("PROGRAM_INVALID", `program ${program.name}: ${controlStepsMax} control steps without an op (an empty loop?)`);
}

/** The M continues its G after delayNs. */
export function gostepAfter(rt: Runtime, mp: M, delayNs: number): void {
  rt.mAfter(mp, delayNs, Resume.Op);
}

/**
 * The M runs its current G's next op. First the cooperative preemption check that every Go function
 * prologue makes (g.preempt ⇒ gopreempt_m); then unfinished compute; then the op.
 */
export function gostep(rt: Runtime, mp: M): void {
  if (rt.stoppedBy !== null) return;
  const gp = mp.curg;
  const gs = rt.gs;
  if (gs.preempt[gp] === 1) {
    gs.preempt[gp] = 0;
    goschedImpl(rt, mp, true);
    return;
  }
  if (gs.remainingNs[gp]! > 0) {
    cpuStart(rt, mp, gp, gs.remainingNs[gp]!);
    return;
  }
  if (retryLock(rt, mp)) return;
  const op = nextOp(rt, gp);
  if (op === null) {
    goexit0(rt, mp);
    return;
  }
  const costs = rt.config.costs;
  switch (op.op) {
    case "compute": {
      const d = sample(rt, op.durationNs);
      gs.noCalls[gp] = op.noCalls === true ? 1 : 0;
      rt.ev("compute", gp, mp, mp.p, op.site ?? "", d);
      if (d === 0) gostepAfter(rt, mp, 0);
      else cpuStart(rt, mp, gp, d);
      return;
    }
    case "syscall":
    case "blockingSyscall":
    case "cgocall":
      return syscallOp(rt, mp, op);
    case "rawSyscall":
      return rawSyscallOp(rt, mp, op);
    case "go":
      newproc(rt, op.program, mp.p, gp);
      return gostepAfter(rt, mp, costs.newprocNs);
    case "sleep":
      return rt.config.rules.timers === "timerproc" ? addtimerproc(rt, mp, sample(rt, op.durationNs)) : sleepOp(rt, mp, sample(rt, op.durationNs));
    case "timer":
      timerChanOp(rt, mp, op.chan, sample(rt, op.durationNs));
      return gostepAfter(rt, mp, costs.syncOpNs);
    case "gosched":
      return goschedImpl(rt, mp, false);
    case "send":
      return sendOp(rt, mp, op.chan);
    case "recv":
      return recvOp(rt, mp, op.chan);
    case "close":
      return closeOp(rt, mp, op.chan);
    case "select":
      return selectOp(rt, mp, op.cases, op.hasDefault);
    case "wgAdd":
      return wgAddOp(rt, mp, op.wg, op.delta);
    case "wgWait":
      return wgWaitOp(rt, mp, op.wg);
    case "lock":
      return lockOp(rt, mp, op.mutex);
    case "unlock":
      return unlockOp(rt, mp, op.mutex);
    case "gc":
      return gcStart(rt, mp, true);
    case "alloc":
      return allocOp(rt, mp, op.bytes);
    case "exit":
      return goexit0(rt, mp);
    case "native":
      return op.step(rt, mp);
    case "lockOSThread":
      return lockOSThreadOp(rt, mp);
    case "unlockOSThread":
      return unlockOSThreadOp(rt, mp);
    case "netRead":
    case "netWrite":
    case "accept":
      return netOp(rt, mp, op.latencyNs, op.site ?? op.op);
    default:
      return assertUnreachable(op);
  }
}

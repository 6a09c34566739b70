// The one path for every status change of a G or a P, after runtime/proc.go: casgstatus (G)
// and the P status stores that Go makes under sched.lock or by CAS (acquirep, releasep, handoffp,
// retake, stopTheWorldWithSema). Each helper asserts the old state, as Go's casgstatus throws on a
// bad transition ("casgstatus: bad incoming values"), and remembers it so that the runtime event
// emitted next for the same G or P carries the real from-state (Runtime.ev reads it), never one
// typed by hand. A test (test/runtime/status.test.ts) rejects a status write anywhere else in src/.
import { InvariantError } from "../base/assert.js";
import type { Runtime } from "./runtime.js";
import { gStatusName, pStatusName, type P } from "./runtime2.js";

/** casgstatus (runtime/proc.go): gp goes from `from` to `to`; anything else is a model bug. */
export function casgstatus(rt: Runtime, gp: number, from: number, to: number): void {
  const old = rt.gs.status[gp]!;
  if (old !== from) {
    throw new InvariantError(
      `casgstatus: bad incoming values: G${rt.gs.goid[gp]} is ${gStatusName(old)}, expected ${gStatusName(from)} -> ${gStatusName(to)}`,
    );
  }
  rt.gs.status[gp] = to;
  rt.noteGStatus(gp, from);
}

/** The P status stores of runtime/proc.go (a CAS in retake and forEachP, a store under sched.lock elsewhere). */
export function caspstatus(rt: Runtime, pp: P, from: number, to: number): void {
  if (pp.status !== from) {
    throw new InvariantError(
      `caspstatus: P${pp.id} is ${pStatusName(pp.status)}, expected ${pStatusName(from)} -> ${pStatusName(to)}`,
    );
  }
  pp.status = to;
  rt.notePStatus(pp, from);
}

// The one path for every status change of a G, a P or an M, after runtime/proc.go: casgstatus (G)
// and the P status stores that Go makes under sched.lock or by CAS (acquirep, releasep, handoffp,
// retake, stopTheWorldWithSema). Each helper asserts the old state, as Go's casgstatus throws on a
// bad transition ("casgstatus: bad incoming values"). The G and P helpers remember it so that the
// runtime event emitted next for the same G or P carries the real from-state (Runtime.ev reads it),
// never one typed by hand. Go keeps no M status (it infers one from m.p, m.spinning, m.curg's
// status and which list the M is on); the model names it (MState, runtime2.ts), and casmstate holds
// it to the transitions in mTransitions. A test (test/runtime/status.test.ts) rejects a status or M
// state write anywhere else in src/.
import { InvariantError } from "../base/assert.js";
import type { Runtime } from "./runtime.js";
import { gStatusName, pStatusName, type M, type MState, type P } from "./runtime2.js";

/** casgstatus (runtime/proc.go): gp goes from `from` to `to`; anything else is a model bug. */
export function casgstatus(rt: Runtime, gp: number, from: number, to: number): void {
  const old = rt.gs.status[gp]!;
  if (old !== from) badGStatus(rt, gp, old, from, to);
  rt.gs.status[gp] = to;
  rt.noteGStatus(gp, from);
}

// The messages are built off the hot path, so that the helpers stay small enough to inline.
function badGStatus(rt: Runtime, gp: number, old: number, from: number, to: number): never {
  throw new InvariantError(
    `casgstatus: bad incoming values: G${rt.gs.goid[gp]} is ${gStatusName(old)}, expected ${gStatusName(from)} -> ${gStatusName(to)}`,
  );
}

/** The P status stores of runtime/proc.go (a CAS in retake and forEachP, a store under sched.lock elsewhere). */
export function caspstatus(rt: Runtime, pp: P, from: number, to: number): void {
  if (pp.status !== from) badPStatus(pp, from, to);
  pp.status = to;
  rt.notePStatus(pp, from);
}

function badPStatus(pp: P, from: number, to: number): never {
  throw new InvariantError(`caspstatus: P${pp.id} is ${pStatusName(pp.status)}, expected ${pStatusName(from)} -> ${pStatusName(to)}`);
}

/**
 * An M's legal transitions: for each state, the states it may go to next, and where (MState in
 * runtime2.ts says what each state means). An M that enters a syscall or blocks comes back to
 * "running" before it does anything else; it parks ("idle", "lockedidle") only from "running" and
 * runs again only after a wake-up ("waking").
 */
export const mTransitions = {
  // allocm's M: mstart (newm, m0), the sysmon M, the template thread
  starting: ["running", "sysmon", "system"],
  running: [
    "syscall", // entersyscall, reentersyscall, entersyscallblock
    "rawsyscall", // RawSyscall keeps its P
    "idle", // stopm → mput
    "stw", // gcStart → stopTheWorldWithSema on the caller's M
    "netpoll", // findRunnable's blocking netpoll
    "lockedidle", // stoplockedm parks
    "waking", // stoplockedm finds its note already woken
    "dead", // mexit
  ],
  syscall: ["running"], // exitsyscall (fast or exitsyscall0)
  rawsyscall: ["running"],
  idle: ["waking"], // startm → notewakeup(m.park)
  waking: ["running"], // mstart after the wake-up; stoplockedm returns
  stw: ["running"], // startTheWorldWithSema
  netpoll: ["running"], // epoll_wait returned
  lockedidle: ["waking"], // startlockedm
  sysmon: [],
  system: [],
  dead: [],
} as const satisfies Record<MState, readonly MState[]>;

/** The states an M in `from` may go to (a call with a literal pair outside the table fails tsc). */
export type MNext<F extends MState> = (typeof mTransitions)[F][number];

/**
 * The one write of an M's state: mp goes from `from` to `to`, a transition of mTransitions. The old
 * state is asserted on every call; the pair is checked against the table by tsc (MNext: a literal
 * pair outside it does not compile) and, when the run checks its invariants (tests, --check,
 * --buggify: rt.checkTransitions), on every call (a table lookup on every call was 4–5 % of the
 * bench's CPU profile; off, casmstate is 0.5 %).
 */
export function casmstate<F extends MState>(rt: Runtime, mp: M, from: F, to: MNext<F>): void {
  if (mp.state !== from || (rt.checkTransitions && !(mTransitions[from] as readonly MState[]).includes(to))) badMTransition(rt, mp, from, to);
  mp.state = to;
}

function badMTransition(rt: Runtime, mp: M, from: MState, to: MState): never {
  const legal: readonly MState[] = mTransitions[from];
  const g = mp.curg === 0 ? "-" : `G${rt.gs.goid[mp.curg]}`;
  throw new InvariantError(
    `casmstate: M${mp.id} is ${mp.state}, expected ${from} -> ${to}${legal.includes(to) ? "" : ` (not a transition: ${from} -> ${legal.join(" | ") || "nothing"})`}`,
    `  M${mp.id}: state=${mp.state} p=${mp.p?.id ?? -1} oldp=${mp.oldp?.id ?? -1} nextp=${mp.nextp?.id ?? -1} curg=${g} spinning=${mp.spinning} lockedg=${mp.lockedg}`,
  );
}

// Runtime events: every modeled runtime function reports what it did as one typed record, so that
// observers (metrics, schedtrace, trace writers, the UI's step-through) see exactly what the model
// did and why, and the compiler checks every one of them: a misspelled function, reason or field
// fails `tsc`. The core formats nothing.
//
// The protocol is one table, `eventSpec`: for each runtime function, the ordered names of its payload
// fields (or, for a function whose payload depends on its reason, one list per reason code). The
// types follow from it: `RuntimeEvent` is the union over functions (and reasons) of the common
// fields plus the named payload, and `EventArgs<F>` is what `Runtime.ev` takes after the G, M and P.
//
// The model reuses one record for every emission (no allocation on the hot path): Runtime.ev stores
// the payload as given and the record's named fields find it by this table (EventRecord). An
// observer that keeps events must copy them (`copyEvent`).
import type { WaitReason } from "./runtime2.js";

/** Runtime functions that emit events; names are the Go runtime's. */
export const runtimeFns = [
  "newproc",
  "execute",
  "goexit0",
  "gopark",
  "ready",
  "goschedImpl",
  "gopreempt_m",
  "runqputslow",
  "globrunqget",
  "runqsteal",
  "entersyscall",
  "entersyscall_sysmon",
  "entersyscall_gcwait",
  "entersyscallblock",
  "exitsyscall",
  "exitsyscallfast",
  "exitsyscallfast_reacquired",
  "exitsyscallfast_pidle",
  "exitsyscall0",
  "exitsyscallTryGetP",
  "exitsyscallNoP",
  "takeP",
  "syscallthread",
  "netpoll",
  "lockOSThread",
  "unlockOSThread",
  "stoplockedm",
  "startlockedm",
  "mexit",
  "gcMarkWorker",
  "forEachP",
  "rawsyscall",
  "rawsyscall_return",
  "cgocall",
  "sysmon",
  "retake",
  "preemptone",
  "handoffp",
  "startm",
  "newm",
  "stopm",
  "wakep",
  "notewakeup",
  "acquirep",
  "releasep",
  "resetspinning",
  "findRunnable_spin",
  "gcstopm",
  "stopTheWorldWithSema",
  "startTheWorldWithSema",
  "gcStart",
  "gcMarkDone",
  "timer_fire",
  "compute",
  "schedtrace",
  "exit",
] as const;

export type RuntimeFn = (typeof runtimeFns)[number];

/**
 * Every payload field, with its type and the value the reused record starts with. Durations end in
 * `Ns` (or `Us` where Go counts in µs); -1 means "none" for ids and timeouts.
 */
interface FieldTypes {
  /** A closed set of codes per function (`Reasons`): why it ran, or which case it took. */
  reason: string;
  /** The call site (the workload's syscall or compute label, e.g. "syscall.Read"). */
  site: string;
  /** The goroutine's program name. */
  program: string;
  /** goid of the goroutine that ran `go` (0: none, the runtime's own). */
  creatorGoid: number;
  /** p.schedtick after the increment (execute). */
  schedtick: number;
  /** execute: the G inherits the time slice of the G that readied it (runnext). */
  inheritTime: boolean;
  /** p.syscalltick at the call (sysmon's retake compares it). */
  syscalltick: number;
  /** dedicated-syscall-thread policy: the syscall thread's id, or -1. */
  threadId: number;
  /** Why the G waits (runtime2.go waitReason). */
  waitReason: WaitReason;
  /** A number of goroutines (runqputslow, globrunqget, netpoll) or Ms. */
  count: number;
  /** Threads in existence (mcount), after this one. */
  mcount: number;
  /** The P a G or timer was taken from, or -1. */
  victimP: number;
  /** startm: the M starts spinning. */
  spinning: boolean;
  /** m.lockedExt after the call (LockOSThread nesting). */
  lockedExt: number;
  /** gcMarkWorker: the worker's mode. */
  mode: "dedicated" | "idle";
  /** The GC cycle number (gcStart, forced GC). */
  cycle: number;
  /** stopTheWorldWithSema: Ps still to stop. */
  stopwait: number;
  /** netpoll park: the time until the fd is ready (drawn from the op's latency). */
  latencyNs: number;
  /** netpoll block: how long the poller may sleep, or -1 (until woken). */
  timeoutNs: number;
  /** A span of time: a compute or raw syscall's length, a stop-the-world's length. */
  durationNs: number;
  /** sysmon deep sleep: how long it sleeps. */
  sleepNs: number;
  /** sysmon: its current delay between passes, in µs (as Go's `delay`). */
  delayUs: number;
}

export type FieldName = keyof FieldTypes;

/** A value of each field: its type at run time (a test checks every emitted field against it) and the list of names. */
export const fieldDefaults: FieldTypes = {
  reason: "",
  site: "",
  program: "",
  creatorGoid: 0,
  schedtick: 0,
  inheritTime: false,
  syscalltick: 0,
  threadId: -1,
  waitReason: 0 as WaitReason,
  count: 0,
  mcount: 0,
  victimP: -1,
  spinning: false,
  lockedExt: 0,
  mode: "idle",
  cycle: 0,
  stopwait: 0,
  latencyNs: 0,
  timeoutNs: -1,
  durationNs: 0,
  sleepNs: 0,
  delayUs: 0,
};

type Fields = readonly FieldName[];

/** Each function's payload fields in argument order; a function keyed by reason has one list per code. */
export const eventSpec = {
  newproc: ["program", "creatorGoid"],
  execute: ["inheritTime", "schedtick"],
  goexit0: [],
  gopark: ["waitReason"],
  ready: ["reason"],
  goschedImpl: [],
  gopreempt_m: [],
  runqputslow: ["reason", "count"],
  globrunqget: ["reason", "count"],
  runqsteal: ["reason", "victimP"],
  entersyscall: ["site", "syscalltick", "threadId"],
  entersyscall_sysmon: [],
  entersyscall_gcwait: ["reason"],
  entersyscallblock: ["site"],
  exitsyscall: { fast: [], rescheduled: [], "syscall-thread": ["threadId"] },
  exitsyscallfast: ["reason"],
  exitsyscallfast_reacquired: ["reason"],
  exitsyscallfast_pidle: ["reason"],
  exitsyscall0: ["reason"],
  exitsyscallTryGetP: ["reason"],
  exitsyscallNoP: ["reason"],
  takeP: ["reason"],
  syscallthread: [],
  netpoll: {
    park: ["site", "latencyNs"],
    findRunnable: ["count"],
    block: ["timeoutNs"],
    netpollBreak: [],
    woken: ["count"],
    sysmon: ["count"],
  },
  lockOSThread: ["lockedExt"],
  unlockOSThread: ["lockedExt"],
  stoplockedm: ["reason"],
  startlockedm: [],
  mexit: ["reason", "mcount"],
  gcMarkWorker: ["mode"],
  forEachP: ["reason"],
  rawsyscall: ["site", "durationNs"],
  rawsyscall_return: [],
  cgocall: [],
  sysmon: { "deep-sleep": ["sleepNs"], wake: ["delayUs"], forcegc: ["cycle"] },
  retake: ["reason"],
  preemptone: [],
  handoffp: ["reason"],
  startm: ["reason", "spinning"],
  newm: ["reason", "mcount"],
  stopm: [],
  wakep: ["reason"],
  notewakeup: ["reason"],
  acquirep: [],
  releasep: ["reason"],
  resetspinning: [],
  findRunnable_spin: ["reason"],
  gcstopm: [],
  stopTheWorldWithSema: { begin: ["stopwait"], "took-syscall-p": [], stopped: ["durationNs"] },
  startTheWorldWithSema: ["durationNs"],
  gcStart: { "runtime.GC": ["cycle"], "heap-goal": ["cycle"], elsewhere: ["site", "cycle"] },
  gcMarkDone: [],
  timer_fire: ["reason", "victimP"],
  compute: ["site", "durationNs"],
  schedtrace: [],
  exit: ["reason"],
} as const satisfies Record<RuntimeFn, Fields | Readonly<Record<string, Fields>>>;

/** The reason codes of each function with a `reason` field in a plain field list ("" = none given). */
interface Reasons {
  ready: "" | "gcMarkWorker" | "netpoll" | "injectglist";
  runqputslow: "local-runq-full";
  globrunqget: "batch";
  runqsteal: "ring" | "runnext" | "runnext-after-usleep";
  entersyscall_gcwait: "" | "entersyscallHandleGCWait";
  exitsyscallfast: "same-p";
  exitsyscallfast_reacquired: "p-was-taken-meanwhile";
  exitsyscallfast_pidle: "idle-p";
  exitsyscall0: "no-p" | "idle-p";
  exitsyscallNoP: "no-p" | "idle-p";
  /** Who took the P from its syscall. */
  takeP: "retake" | "exitsyscallTryGetP" | "forEachP";
  exitsyscallTryGetP: "old-p-from-syscall" | "idle-p";
  stoplockedm: "" | "already-woken";
  mexit: "locked-goroutine-exited";
  forEachP: "took-syscall-p";
  retake: "preempt-long-running" | "sysretake" | "runq-not-empty" | "no-spinning-m-or-idle-p" | "syscall-over-10ms";
  /** What handoffp found (the case that starts an M), or its caller when it idles the P ("idle": sysmon's retake). */
  handoffp: "has-work" | "gc-mark-work" | "start-spinning" | "gcwaiting" | "global-work" | "last-running-p" | "idle" | "entersyscallblock" | "forEachP" | "stoplockedm" | "mexit";
  /** startm's caller. */
  startm: "handoffp" | "wakep" | "injectglist";
  newm: "" | "spinning" | "template" | "sysmon" | "start-up" | "syscall-thread";
  wakep: "" | "needspinning";
  /** The note woken. */
  notewakeup: "m.park" | "syscall-thread" | "sysmonnote" | "timerproc";
  releasep: "" | "pidleput";
  findRunnable_spin: "become-spinning" | "needspinning";
  /** The timer's kind: a sleeping G's, a channel's (time.NewTimer/After), go1.10's timerproc. */
  timer_fire: "sleep" | "chan" | "timerproc";
  exit: "main-returned";
}

type Spec = typeof eventSpec;
type Value<F, K extends FieldName> = K extends "reason" ? (F extends keyof Reasons ? Reasons[F] : never) : FieldTypes[K];
type Payload<F, L extends Fields> = { [K in L[number]]: Value<F, K> };
type Args<F, L extends Fields> = { -readonly [I in keyof L]: Value<F, L[I]> };

/** The fields every event has. */
export interface EventBase {
  timeNs: number;
  /** Go-visible goroutine id, or -1. */
  goid: number;
  /** M id, or -1. */
  m: number;
  /** P id, or -1. */
  p: number;
  /** G status before and after (-1 when this event does not concern a G's status). */
  gFrom: number;
  gTo: number;
  /** P status before and after (-1 when not concerned). */
  pFrom: number;
  pTo: number;
}

type EventOf<F extends RuntimeFn> = Spec[F] extends Fields
  ? EventBase & { fn: F } & Payload<F, Spec[F]>
  : { [R in keyof Spec[F] & string]: EventBase & { fn: F; reason: R } & (Spec[F][R] extends Fields ? Payload<F, Spec[F][R]> : never) }[keyof Spec[F] & string];

/** One runtime event: discriminated by `fn` (and, for some functions, by `reason`). */
export type RuntimeEvent = { [F in RuntimeFn]: EventOf<F> }[RuntimeFn];

/** The event of one function. */
export type EventFor<F extends RuntimeFn> = Extract<RuntimeEvent, { fn: F }>;

/** The reason codes of a function (never for one without a reason). */
export type ReasonOf<F extends RuntimeFn> = EventFor<F> extends { reason: infer R } ? R : never;

/** What Runtime.ev takes after fn, G, M and P: the payload in eventSpec's order (the reason first where it selects the fields). */
export type EventArgs<F extends RuntimeFn> = ArgTable[F];
type ArgTable = {
  [F in RuntimeFn]: Spec[F] extends Fields
    ? Args<F, Spec[F]>
    : { [R in keyof Spec[F] & string]: Spec[F][R] extends Fields ? [R, ...Args<F, Spec[F][R]>] : never }[keyof Spec[F] & string];
};

/** The record Runtime.ev fills: every field of every function (one shape). */
export type FieldValue = FieldTypes[FieldName];

/**
 * The one record Runtime.ev fills. The hot path stores the payload as given, in argument order, into
 * three slots (a store each: no lookup, no allocation); each payload field's name is an accessor on
 * the prototype that finds its slot from eventSpec by the event's function (and reason), so the cost
 * of names is paid only by the observers that read them.
 */
export class EventRecord implements EventBase {
  timeNs = 0;
  fn: RuntimeFn = "newproc";
  goid = -1;
  m = -1;
  p = -1;
  gFrom = -1;
  gTo = -1;
  pFrom = -1;
  pTo = -1;
  /** The payload in eventSpec's order (for a function keyed by reason, s0 is the reason). */
  s0: FieldValue | undefined = undefined;
  s1: FieldValue | undefined = undefined;
  s2: FieldValue | undefined = undefined;
}

/** Each keyed function's full field lists by reason (the reason first), made once. */
const keyedFields = new Map<string, ReadonlyMap<string, readonly FieldName[]>>(
  runtimeFns.flatMap((fn) => {
    const s: Fields | Readonly<Record<string, Fields>> = eventSpec[fn];
    return isFieldList(s) ? [] : [[fn, new Map(Object.entries(s).map(([r, fields]): [string, readonly FieldName[]] => [r, ["reason", ...fields]]))]];
  }),
);

const noFields: readonly FieldName[] = [];

/** The payload fields of fn in argument order, for an event whose reason is `reason` (functions keyed by reason: the reason first). */
export function fieldsOf(fn: RuntimeFn, reason: string): readonly FieldName[] {
  const s: Fields | Readonly<Record<string, Fields>> = eventSpec[fn];
  if (isFieldList(s)) return s;
  return keyedFields.get(fn)!.get(reason) ?? noFields;
}

export function isFieldList(s: Fields | Readonly<Record<string, Fields>>): s is Fields {
  return Array.isArray(s);
}

// Each accessor finds its slot in a table made once from eventSpec: by function, or for a function
// keyed by reason by function then reason (−1: the event has no such field). Observers read these on
// every event (metrics), so the lookup is one or two Map gets, not a search of eventSpec.
for (const f of Object.keys(fieldDefaults) as FieldName[]) {
  const slotByFn = new Map<string, number | ReadonlyMap<string, number>>(
    runtimeFns.map((fn) => {
      const s: Fields | Readonly<Record<string, Fields>> = eventSpec[fn];
      return [fn, isFieldList(s) ? s.indexOf(f) : new Map(Object.keys(s).map((r) => [r, fieldsOf(fn, r).indexOf(f)]))];
    }),
  );
  Object.defineProperty(EventRecord.prototype, f, {
    get(this: EventRecord): FieldValue | undefined {
      const x = slotByFn.get(this.fn)!;
      const i = typeof x === "number" ? x : (x.get(this.s0 as string) ?? -1);
      return i === 0 ? this.s0 : i === 1 ? this.s1 : i === 2 ? this.s2 : undefined;
    },
  });
}

/**
 * The payload as text, for displays that show any event (dumps, `gosched explain`-style listings):
 * the reason bare, then `name=value` per field in eventSpec's order; empty strings, -1 ids and false
 * flags are left out, a true flag shows its name.
 */
export function eventDetail(e: Readonly<RuntimeEvent>): string {
  const r = e as unknown as Readonly<FieldTypes>;
  let out = eventLabel(e);
  for (const f of fieldsOf(e.fn, r.reason)) {
    const v = r[f];
    if (typeof v !== "number" || (v === -1 && f !== "timeoutNs")) continue;
    out = out === "" ? `${f}=${v}` : `${out} ${f}=${v}`;
  }
  return out;
}

/** The payload's codes and names (reason, site, program, true flags), space-separated: few distinct values (the UI interns them). */
export function eventLabel(e: Readonly<RuntimeEvent>): string {
  const r = e as unknown as Readonly<FieldTypes>;
  let out = "";
  for (const f of fieldsOf(e.fn, r.reason)) {
    const v = r[f];
    if (typeof v === "number" || v === "" || v === false) continue;
    const text = v === true ? f : v;
    out = out === "" ? text : `${out} ${text}`;
  }
  return out;
}

/** The name of the event's numeric field (a count, an id, a duration), or null; eventSpec gives each event at most one shown. */
export function eventNumberField(e: Readonly<RuntimeEvent>): FieldName | null {
  const r = e as unknown as Readonly<FieldTypes>;
  for (const f of fieldsOf(e.fn, r.reason)) {
    const v = r[f];
    if (typeof v === "number" && (v !== -1 || f === "timeoutNs")) return f;
  }
  return null;
}

/** The value of eventNumberField, or 0. */
export function eventNumber(e: Readonly<RuntimeEvent>): number {
  const f = eventNumberField(e);
  return f === null ? 0 : ((e as unknown as FieldTypes)[f] as number);
}

/** A copy of the event with only its own fields (the runtime reuses one record). */
export function copyEvent<E extends RuntimeEvent>(e: Readonly<E>): E {
  const r = e as unknown as Readonly<EventBase & { fn: RuntimeFn } & FieldTypes>;
  const out: Record<string, unknown> = { timeNs: r.timeNs, fn: r.fn, goid: r.goid, m: r.m, p: r.p, gFrom: r.gFrom, gTo: r.gTo, pFrom: r.pFrom, pTo: r.pTo };
  for (const f of fieldsOf(r.fn, r.reason)) out[f] = r[f];
  return out as E;
}

export interface Observer {
  onEvent(event: Readonly<RuntimeEvent>): void;
  /** Called once when the simulation ends (normally or not). */
  onEnd?(endTimeNs: number): void;
}

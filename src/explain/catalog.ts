// Explanation catalog behind `gosched explain <runtime function>` and the web
// UI's step-through. Pure data and small pure functions: part of the core, so
// no `node:*` imports; it must run in a browser.
//
// Everything here is written in our own words from reading Go's runtime
// sources (runtime/proc.go, runtime/stack.go, runtime/cgocall.go, ...) at
// go1.10, go1.19, go1.22 and go1.26 (docs/model.md says what the model keeps).
// go1.19 is the reference profile; `versions` lists how other profiles differ.

import { schedEntries } from "./sched_entries.js";
import { syscallEntries } from "./syscall_entries.js";
import { threadEntries } from "./thread_entries.js";
import { timeGcEntries } from "./time_gc_entries.js";
import { lockPreemptEntries } from "./lock_preempt_entries.js";
import { modelEntries } from "./model_entries.js";

export interface Explanation {
  /** Runtime function name, spelled as in Go's source. */
  fn: string;
  /** Source file under Go's src/, e.g. "runtime/proc.go". */
  goFile: string;
  /** One paragraph: what the function is for. */
  summary: string;
  /** What it does, in order, and the state each step changes. */
  steps: { text: string; changes?: string }[];
  /** Differences in other version profiles (go1.10, go1.22, go1.26...). */
  versions?: { profile: string; note: string }[];
  /** Names of other catalog entries (each resolves with `explain`). */
  related: string[];
}

export interface Question {
  id: string;
  question: string;
  answer: string;
  related: string[];
}

export const catalog: readonly Explanation[] = [
  ...syscallEntries,
  ...threadEntries,
  ...schedEntries,
  ...timeGcEntries,
  ...lockPreemptEntries,
  ...modelEntries,
];

/** The open questions of the article that started the project (docs/seed-article.md), answered. */
export const questions: readonly Question[] = [
  {
    id: "stackpreempt",
    question:
      "What is StackPreempt, and why does entersyscall set " +
      "g.stackguard0 = stackPreempt?",
    answer:
      "stackPreempt (runtime/stack.go) is a sentinel value, uintptrMask & " +
      "-1314 (0x...fffade), larger than any real stack address. Every Go " +
      "function that may need more stack begins by comparing SP with " +
      "g.stackguard0; if the guard is the sentinel the comparison always " +
      "fails and the function calls morestack -> newstack instead of " +
      "running. The runtime uses this in two ways. (1) Cooperative " +
      "preemption: preemptone sets g.preempt and the sentinel, and newstack, " +
      "seeing the request, reschedules the goroutine (gopreempt_m) instead " +
      "of growing the stack. (2) A trap in entersyscall: between " +
      "entersyscall and exitsyscall the goroutine's stack must not grow or " +
      "move - syscall arguments are uintptrs that may point into it, and " +
      "g.sched/syscallsp must stay valid for the GC and tracebacks while the " +
      "G is in _Gsyscall. entersyscall therefore stores the sentinel and " +
      "sets g.throwsplit, and any accidental stack check in that window " +
      "reaches newstack, which throws 'runtime: stack split at bad time' " +
      "rather than silently copying the stack. exitsyscall restores " +
      "stack.lo + StackGuard, or re-arms stackPreempt if someone asked for " +
      "preemption while the G was in the kernel, and clears throwsplit. " +
      "go1.10 stored the sentinel twice (start and end of reentersyscall); " +
      "go1.19 stores it once, at the start.",
    related: ["entersyscall", "exitsyscall", "preemptone", "gopreempt_m"],
  },
  {
    id: "syscallsp",
    question:
      "What are g.syscallsp / g.syscallpc for (and the old syscallstack / " +
      "syscallguard)?",
    answer:
      "They are a snapshot of where the goroutine's own frames end at the " +
      "moment it entered the syscall. While the G is in the kernel, or " +
      "running runtime code on g0 or the system stack (entersyscall_sysmon, " +
      "the tracer, the exit path), g.sched may be overwritten, so anyone who " +
      "looks at the G from outside uses the snapshot instead: the GC's stack " +
      "scan and the traceback start from syscallsp/syscallpc when syscallsp " +
      "!= 0; stack copying throws 'stack growth not allowed in system call' " +
      "and stack shrinking is refused; CPU and goroutine profiles and the " +
      "tracer attribute the G by them; cgo callbacks save and restore them " +
      "around Go code they run (reentersyscall with the saved pc/sp). " +
      "exitsyscall checks that the caller's SP is not above syscallsp (the " +
      "frame must still exist) and clears syscallsp once the G has a P " +
      "again - in the slow path only after the G is rescheduled, because " +
      "until then the GC may still be scanning it as 'in syscall'. " +
      "syscallstack and syscallguard existed until go1.3, when stacks were " +
      "segmented: they recorded the stack segment (stackbase) and its guard " +
      "that were current at syscall entry. A G that had just entered or was " +
      "leaving a syscall could run scheduler code that needed a new segment, " +
      "so the GC (addstackroots in mgc0.c) scanned from the segment and SP " +
      "saved at entry, 'since that won't change underfoot'. With contiguous " +
      "stacks (go1.4) a single stack range suffices and the two fields were " +
      "removed; go1.23 added syscallbp (frame pointer) for the unwinder.",
    related: ["entersyscall", "exitsyscall", "reentersyscall", "cgocall"],
  },
  {
    id: "dropg",
    question: "Why does exitsyscall0 call dropg()?",
    answer:
      "exitsyscall0 runs on g0 (via mcall) after exitsyscall failed to get a " +
      "P cheaply. It has just changed the goroutine from _Gsyscall to " +
      "_Grunnable, and the goroutine will either be put on the global run " +
      "queue - where a different M may pick it up - or be run by this M " +
      "after one more attempt to get an idle P. Until dropg the M still " +
      "says m.curg = gp and the G says gp.m = this M, as if the G were " +
      "running here. dropg breaks that link (m.curg = nil, gp.m = nil) so " +
      "that (1) another M that dequeues gp can bind it with execute without " +
      "finding a stale owner, and (2) this M can park in stopm or run " +
      "schedule() for other work. This is the same protocol as gopark and " +
      "Gosched: change the status away from _Grunning, dropg, arrange for " +
      "the G to be run later, then schedule. dropg uses stores without " +
      "write barriers (setMNoWB/setGNoWB) precisely because this M owns no " +
      "P at this point. If an idle P is found, execute re-binds gp to this " +
      "same M at once, so the drop is harmless in that case.",
    related: ["exitsyscall0", "dropg", "execute", "stopm", "gopark"],
  },
  {
    id: "writebarrier",
    question:
      "Why does exitsyscall say 'Write barriers are not allowed because our " +
      "P may have been stolen'?",
    answer:
      "A GC write barrier is not free-standing code: it records pointers in " +
      "a buffer that belongs to the current P (p.wbBuf) and may flush it " +
      "into the P's GC work queue, so it needs a P that this M owns. While " +
      "a G is in a syscall its P is not owned: in go1.19 m.p is 0 and the P " +
      "sits in _Psyscall where sysmon (retake), a stop-the-world or forEachP " +
      "may take it and give it to another M at any moment; even in go1.10, " +
      "where m.p still pointed at the P, that P may already be running other " +
      "goroutines on another thread. A write barrier executed in exitsyscall " +
      "before exitsyscallfast has won a P back would therefore either " +
      "dereference a nil P or race with another thread on that P's buffer. " +
      "So exitsyscall (and exitsyscall0, and everything they call) is marked " +
      "//go:nowritebarrierrec, which makes the compiler reject any write " +
      "barrier in them or in their callees; the functions that run once a P " +
      "is held again, such as acquirep, are marked yeswritebarrierrec to " +
      "end the check. The same reason explains other details: dropg uses " +
      "no-write-barrier setters, and the old tracer postpones the syscall " +
      "exit event to execute, because tracing may need write barriers.",
    related: ["exitsyscall", "exitsyscall0", "exitsyscallfast", "acquirep", "retake"],
  },
  {
    id: "nohandoff",
    question:
      "Why does entersyscall not hand its P to another thread right away?",
    answer:
      "Most syscalls are short (microseconds). Handing the P off would cost " +
      "a thread wake-up (futex) or even a clone for every call, and the " +
      "returning thread would then have to fight for a P. Instead " +
      "entersyscall only marks the P _Psyscall and remembers it in m.oldp; " +
      "if the call returns quickly, exitsyscall takes the same P back with " +
      "one CAS. Only if sysmon sees the same syscall on two passes (and the " +
      "P has queued work, or nobody is idle/spinning, or 10 ms passed) does " +
      "retake hand the P off. entersyscallblock is the exception for calls " +
      "known to block.",
    related: ["entersyscall", "retake", "exitsyscallfast", "entersyscallblock"],
  },
];

/** Common alternative spellings -> catalog names (keys lower-case). */
const aliases: Readonly<Record<string, string>> = {
  gosched: "goschedImpl",
  "runtime.gosched": "goschedImpl",
  gosched_m: "goschedImpl",
  syscall: "entersyscall",
  syscall6: "entersyscall",
  "syscall.syscall": "entersyscall",
  "syscall.syscall6": "entersyscall",
  rawsyscall6: "RawSyscall",
  "syscall.rawsyscall": "RawSyscall",
  "syscall.rawsyscall6": "RawSyscall",
  findrunnable: "findRunnable",
  checkmcount: "mReserveID",
  "mreserveid/checkmcount": "mReserveID",
  "thread limit": "mReserveID",
  park_m: "gopark",
  newproc1: "newproc",
  wirep: "acquirep",
  mpark: "stopm",
  entersyscallhandlegcwait: "entersyscall_gcwait",
  globrunqgetbatch: "globrunqget",
  globrunqputbatch: "globrunqput",
  runqgrab: "runqsteal",
  preemptall: "preemptone",
  stoptheworld: "stopTheWorldWithSema",
  starttheworld: "startTheWorldWithSema",
  netpollready: "netpoll",
  netpollblock: "netpoll",
  // Model event names (src/runtime/events.ts runtimeFns) -> the runtime
  // function they stand for.
  rawsyscall_return: "RawSyscall",
  timer_fire: "runOneTimer",
  gcmarkworker: "gcBgMarkWorker",
  findrunnable_spin: "becomeSpinning",
  exit: "main",
  // Other spellings of timer, GC, thread and preemption functions.
  runtimer: "runOneTimer",
  goroutineready: "runOneTimer",
  sendtime: "runOneTimer",
  unlockandrun: "runOneTimer",
  timesleep: "addtimer",
  doaddtimer: "addtimer",
  checktimersnop: "checkTimers",
  findrunnablegcworker: "gcBgMarkWorker",
  gcbgmarkstartworkers: "gcBgMarkWorker",
  forcegc: "forcegchelper",
  gcmarktermination: "gcMarkDone",
  dolockosthread: "LockOSThread",
  dounlockosthread: "UnlockOSThread",
  templatethread: "startTemplateThread",
  asyncpreempt: "doSigPreempt",
  asyncpreempt2: "doSigPreempt",
  preemptm: "doSigPreempt",
  sigurg: "doSigPreempt",
  gcstopp: "setBlockOnExitSyscall",
  "dedicated-syscall-thread": "syscallthread",
  notesleep: "notewakeup",
};

const byLowerName: ReadonlyMap<string, Explanation> = new Map(
  catalog.map((e) => [e.fn.toLowerCase(), e] as const),
);

/**
 * Finds the explanation for a runtime function: case-insensitive, with an
 * optional "runtime." prefix and common aliases (Gosched, Syscall,
 * findrunnable, checkmcount, ...).
 */
export function explain(name: string): Explanation | undefined {
  let key = name.trim().toLowerCase();
  if (key.endsWith("()")) key = key.slice(0, -2);
  const direct = byLowerName.get(key) ?? lookupAlias(key);
  if (direct !== undefined) return direct;
  if (key.startsWith("runtime.")) {
    const bare = key.slice("runtime.".length);
    return byLowerName.get(bare) ?? lookupAlias(bare);
  }
  return undefined;
}

function lookupAlias(key: string): Explanation | undefined {
  const target = Object.prototype.hasOwnProperty.call(aliases, key)
    ? aliases[key]
    : undefined;
  return target === undefined ? undefined : byLowerName.get(target.toLowerCase());
}

/** Width of the terminal rendering. */
export const FORMAT_WIDTH = 80;

/**
 * Word-wraps `text` to `width` columns. The first line starts with
 * `firstPrefix`, the following ones with `restPrefix`. Words longer than the
 * available room are cut.
 */
export function wrap(
  text: string,
  width: number,
  firstPrefix = "",
  restPrefix = firstPrefix,
): string[] {
  const lines: string[] = [];
  let prefix = firstPrefix;
  let line = "";
  const room = (): number => Math.max(1, width - prefix.length);
  const flush = (): void => {
    lines.push((prefix + line).trimEnd());
    prefix = restPrefix;
    line = "";
  };
  for (const raw of text.split(/\s+/)) {
    if (raw === "") continue;
    let word = raw;
    while (word.length > 0) {
      const sep = line === "" ? "" : " ";
      if (line.length + sep.length + word.length <= room()) {
        line += sep + word;
        word = "";
      } else if (line !== "") {
        flush();
      } else {
        line = word.slice(0, room());
        word = word.slice(room());
        flush();
      }
    }
  }
  if (line !== "" || lines.length === 0) flush();
  return lines;
}

/** Renders an explanation as plain text, no line longer than 80 columns. */
export function formatExplanation(e: Explanation): string {
  const w = FORMAT_WIDTH;
  const out: string[] = [];
  const title = `${e.fn}  (${e.goFile})`;
  out.push(...wrap(title, w));
  out.push("=".repeat(Math.min(w, Math.max(e.fn.length, 8))));
  out.push(...wrap(e.summary, w));
  out.push("");
  out.push("Steps (go1.19):");
  const numWidth = String(e.steps.length).length;
  e.steps.forEach((step, i) => {
    const num = `${String(i + 1).padStart(numWidth)}. `;
    const indent = " ".repeat(2 + num.length);
    out.push(...wrap(step.text, w, `  ${num}`, indent));
    if (step.changes !== undefined && step.changes !== "") {
      out.push(...wrap(step.changes, w, `${indent}-> `, `${indent}   `));
    }
  });
  if (e.versions !== undefined && e.versions.length > 0) {
    out.push("");
    out.push("Versions:");
    for (const v of e.versions) {
      const head = `  ${v.profile}: `;
      out.push(...wrap(v.note, w, head, " ".repeat(4)));
    }
  }
  if (e.related.length > 0) {
    out.push("");
    out.push(...wrap(e.related.join(", "), w, "Related: ", " ".repeat(9)));
  }
  return out.join("\n") + "\n";
}

/** Renders a question and its answer as plain text (80 columns). */
export function formatQuestion(q: Question): string {
  const w = FORMAT_WIDTH;
  const out = [
    ...wrap(q.question, w, "Q: ", "   "),
    ...wrap(q.answer, w, "A: ", "   "),
  ];
  if (q.related.length > 0) {
    out.push(...wrap(q.related.join(", "), w, "Related: ", " ".repeat(9)));
  }
  return out.join("\n") + "\n";
}

/// <reference types="node" />
// Every runtime event the model emits has an explanation, so the UI's
// step-through never shows an event without one.
import { test } from "node:test";
import assert from "node:assert/strict";

import { runtimeFns } from "../../src/runtime/events.js";
import {
  catalog,
  explain,
  formatExplanation,
} from "../../src/explain/catalog.js";

test("every runtime event name resolves via explain()", () => {
  const missing = runtimeFns.filter((fn) => explain(fn) === undefined);
  assert.deepEqual(missing, [], `no explanation for: ${missing.join(", ")}`);
});

test("the entries behind runtime events are complete and fit 80 columns", () => {
  for (const fn of runtimeFns) {
    const e = explain(fn);
    assert.ok(e !== undefined, fn);
    assert.ok(e.steps.length >= 1, `${fn}: no steps`);
    assert.ok(e.related.length >= 1, `${fn}: no related entries`);
    for (const r of e.related) {
      assert.ok(explain(r) !== undefined, `${fn} -> ${e.fn}: related '${r}'`);
    }
    for (const line of formatExplanation(e).split("\n")) {
      assert.ok(line.length <= 80, `${e.fn}: ${line.length} cols: ${line}`);
    }
  }
});

test("timer, netpoll, GC, thread, syscall and preemption functions have entries", () => {
  for (const fn of [
    "addtimer",
    "checkTimers",
    "wakeNetPoller",
    "netpollBreak",
    "runOneTimer",
    "timerproc",
    "gcStart",
    "gcMarkDone",
    "gcBgMarkWorker",
    "forcegchelper",
    "takeP",
    "setBlockOnExitSyscall",
    "exitsyscallTryGetP",
    "exitsyscallNoP",
    "LockOSThread",
    "UnlockOSThread",
    "startTemplateThread",
    "mexit",
    "doSigPreempt",
    "notewakeup",
    "schedtrace",
    "becomeSpinning",
    "compute",
    "syscallthread",
  ]) {
    assert.equal(explain(fn)?.fn, fn, `no entry under its own name: ${fn}`);
  }
});

test("model event names map to the function they stand for", () => {
  const expected: Record<string, string> = {
    rawsyscall: "RawSyscall",
    rawsyscall_return: "RawSyscall",
    timer_fire: "runOneTimer",
    gcMarkWorker: "gcBgMarkWorker",
    findRunnable_spin: "becomeSpinning",
    lockOSThread: "LockOSThread",
    unlockOSThread: "UnlockOSThread",
    exit: "main",
    asyncPreempt: "doSigPreempt",
    "runtime.asyncPreempt": "doSigPreempt",
    preemptM: "doSigPreempt",
    findRunnableGCWorker: "gcBgMarkWorker",
    goroutineReady: "runOneTimer",
    timeSleep: "addtimer",
  };
  for (const [name, fn] of Object.entries(expected)) {
    assert.equal(explain(name)?.fn, fn, name);
  }
});

test("entries written for model events say what the event means", () => {
  for (const fn of ["compute", "syscallthread"]) {
    assert.match(explain(fn)?.summary ?? "", /^Model (event|policy)/, fn);
  }
  for (const [event, fn] of [
    ["timer_fire", "runOneTimer"],
    ["gcMarkWorker", "gcBgMarkWorker"],
    ["findRunnable_spin", "becomeSpinning"],
    ["exit", "main"],
  ] as const) {
    const e = explain(fn);
    assert.ok(e?.summary.includes(`'${event}'`), `${fn} does not name ${event}`);
  }
});

test("new entries appear once in the catalog", () => {
  const names = catalog.map((e) => e.fn.toLowerCase());
  assert.equal(new Set(names).size, names.length);
});

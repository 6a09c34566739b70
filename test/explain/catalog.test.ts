/// <reference types="node" />
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  catalog,
  explain,
  formatExplanation,
  formatQuestion,
  questions,
  wrap,
} from "../../src/explain/catalog.js";

const required = [
  "entersyscall",
  "reentersyscall",
  "entersyscall_sysmon",
  "entersyscall_gcwait",
  "entersyscallblock",
  "entersyscallblock_handoff",
  "exitsyscall",
  "exitsyscallfast",
  "exitsyscallfast_reacquired",
  "exitsyscallfast_pidle",
  "exitsyscall0",
  "RawSyscall",
  "cgocall",
  "sysmon",
  "retake",
  "preemptone",
  "handoffp",
  "startm",
  "stopm",
  "newm",
  "mReserveID",
  "wakep",
  "resetspinning",
  "schedule",
  "findRunnable",
  "stealWork",
  "runqput",
  "runqputslow",
  "runqget",
  "runqsteal",
  "globrunqput",
  "globrunqget",
  "execute",
  "newproc",
  "gopark",
  "goready",
  "ready",
  "goschedImpl",
  "gopreempt_m",
  "goexit0",
  "acquirep",
  "releasep",
  "pidleput",
  "pidleget",
  "mput",
  "mget",
  "stopTheWorldWithSema",
  "startTheWorldWithSema",
  "gcstopm",
  "forEachP",
  "checkdead",
  "injectglist",
  "netpoll",
];

test("every required runtime function has an entry under its Go name", () => {
  const names = new Set(catalog.map((e) => e.fn));
  for (const name of required) {
    assert.ok(names.has(name), `missing catalog entry: ${name}`);
    assert.equal(explain(name)?.fn, name);
  }
});

test("entry names are unique, case-insensitively", () => {
  const seen = new Set<string>();
  for (const e of catalog) {
    const k = e.fn.toLowerCase();
    assert.ok(!seen.has(k), `duplicate entry ${e.fn}`);
    seen.add(k);
  }
});

test("every entry is filled in", () => {
  for (const e of catalog) {
    assert.match(e.goFile, /^[a-z/_]+\.(go|s)$/, `${e.fn}: goFile`);
    assert.ok(e.summary.length >= 80, `${e.fn}: summary too short`);
    assert.ok(e.steps.length >= 1, `${e.fn}: no steps`);
    for (const s of e.steps) {
      assert.ok(s.text.trim().length > 0, `${e.fn}: empty step`);
      if (s.changes !== undefined) assert.ok(s.changes.trim().length > 0);
    }
    for (const v of e.versions ?? []) {
      assert.match(v.profile, /^go1\.\d+$/, `${e.fn}: profile ${v.profile}`);
      assert.ok(v.note.trim().length > 0);
    }
    assert.ok(e.related.length >= 1, `${e.fn}: no related entries`);
  }
});

test("every related entry resolves to a catalog entry", () => {
  for (const e of catalog) {
    for (const r of e.related) {
      assert.ok(explain(r) !== undefined, `${e.fn}: related '${r}' unknown`);
      assert.notEqual(r, e.fn, `${e.fn} relates to itself`);
    }
  }
  for (const q of questions) {
    for (const r of q.related) {
      assert.ok(explain(r) !== undefined, `${q.id}: related '${r}' unknown`);
    }
  }
});

test("entersyscall covers the seed's nine points and the key state", () => {
  const e = explain("entersyscall");
  assert.ok(e !== undefined);
  assert.ok(e.steps.length >= 9, `only ${e.steps.length} steps`);
  const all = [
    e.summary,
    ...e.steps.flatMap((s) => [s.text, s.changes ?? ""]),
    ...(e.versions ?? []).map((v) => v.note),
  ].join("\n");
  for (const word of [
    "_Psyscall",
    "_Gsyscall",
    "syscalltick",
    "sysmon",
    "stackPreempt",
    "m.oldp",
    "mcache",
    "throwsplit",
    "gcwaiting",
  ]) {
    assert.ok(all.includes(word), `entersyscall does not mention ${word}`);
  }
  for (let point = 1; point <= 9; point++) {
    assert.ok(
      all.includes(`Seed point ${point}`),
      `seed point ${point} is not mapped`,
    );
  }
  const profiles = (e.versions ?? []).map((v) => v.profile);
  for (const p of ["go1.10", "go1.19", "go1.26"]) {
    assert.ok(profiles.includes(p), `entersyscall has no ${p} note`);
  }
});

test("the seed's open questions are answered", () => {
  const ids = questions.map((q) => q.id);
  assert.equal(new Set(ids).size, ids.length, "question ids are unique");
  for (const id of ["stackpreempt", "syscallsp", "dropg", "writebarrier"]) {
    assert.ok(ids.includes(id), `missing question ${id}`);
  }
  for (const q of questions) {
    assert.ok(q.question.trim().endsWith("?"), `${q.id}: not a question`);
    assert.ok(q.answer.length >= 400, `${q.id}: answer too short`);
    assert.ok(q.answer.split(/\s+/).length >= 60, `${q.id}: answer trivial`);
  }
  const byId = new Map(questions.map((q) => [q.id, q.answer]));
  assert.match(byId.get("stackpreempt") ?? "", /morestack/);
  assert.match(byId.get("syscallsp") ?? "", /syscallguard/);
  assert.match(byId.get("dropg") ?? "", /m\.curg/);
  assert.match(byId.get("writebarrier") ?? "", /nowritebarrierrec/);
});

test("explain is case-insensitive and knows common aliases", () => {
  assert.equal(explain("EnterSyscall")?.fn, "entersyscall");
  assert.equal(explain("FINDRUNNABLE")?.fn, "findRunnable");
  assert.equal(explain("findrunnable")?.fn, "findRunnable");
  assert.equal(explain("Gosched")?.fn, "goschedImpl");
  assert.equal(explain("runtime.Gosched")?.fn, "goschedImpl");
  assert.equal(explain("Syscall")?.fn, "entersyscall");
  assert.equal(explain("syscall.Syscall6")?.fn, "entersyscall");
  assert.equal(explain("RawSyscall6")?.fn, "RawSyscall");
  assert.equal(explain("checkmcount")?.fn, "mReserveID");
  assert.equal(explain("runtime.retake")?.fn, "retake");
  assert.equal(explain("  schedule()  ")?.fn, "schedule");
  assert.equal(explain("no_such_function"), undefined);
  assert.equal(explain(""), undefined);
  assert.equal(explain("toString"), undefined);
  assert.equal(explain("__proto__"), undefined);
});

test("formatExplanation fits 80 columns and shows all parts", () => {
  for (const e of catalog) {
    const text = formatExplanation(e);
    for (const line of text.split("\n")) {
      assert.ok(line.length <= 80, `${e.fn}: ${line.length} cols: ${line}`);
    }
    assert.ok(text.startsWith(e.fn), `${e.fn}: heading`);
    assert.ok(text.includes(e.goFile));
    assert.ok(text.includes(`${e.steps.length}. `), `${e.fn}: last step`);
    for (const r of e.related) assert.ok(text.includes(r));
    // Nothing is lost by wrapping: all words survive in order.
    const words = text.split(/\s+/).join(" ");
    assert.ok(words.includes(e.summary.split(/\s+/).slice(0, 5).join(" ")));
  }
});

test("formatQuestion fits 80 columns", () => {
  for (const q of questions) {
    for (const line of formatQuestion(q).split("\n")) {
      assert.ok(line.length <= 80, `${q.id}: ${line}`);
    }
  }
});

test("wrap keeps words and cuts over-long ones", () => {
  assert.deepEqual(wrap("a b c", 3), ["a b", "c"]);
  assert.deepEqual(wrap("", 10), [""]);
  assert.deepEqual(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
  assert.deepEqual(wrap("x yy", 10, "> ", "  "), ["> x yy"]);
  assert.deepEqual(wrap("aa bb cc", 6, "> ", "  "), ["> aa", "  bb", "  cc"]);
  for (const line of wrap("w".repeat(200), 80, "    ")) {
    assert.ok(line.length <= 80);
  }
});

// Every G and P status change goes through casgstatus/caspstatus (src/runtime/status.ts), which assert
// the old state and give the next event its real from-state.
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { InvariantError } from "../../src/base/assert.js";
import { resolveConfig } from "../../src/profiles/index.js";
import { createRuntime } from "../../src/runtime/simulate.js";
import { _Gdead, _Grunnable, _Grunning, _Pgcstop, _Pidle, _Prunning, _Psyscall } from "../../src/runtime/runtime2.js";
import { casgstatus, caspstatus } from "../../src/runtime/status.js";
import { us } from "../../src/base/time.js";
import { Syscall, compute, program } from "../../src/workloads/api.js";
import { simulate } from "../../src/simulate.js";
import { EventLog, fanOut } from "../helpers.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

// A G's status is gs.status[gp] (a column of the G table), a P's is pp.status.
const directWrite = /\.status\s*(\[[^\]]*\])?\s*=(?!=)/;
// The G table's own slot set-up (malg: a new slot starts _Gdead) and its growth copy are not transitions.
const allowed = new Set(["src/runtime/status.ts", "src/runtime/runtime2.ts"]);

// The model's code; the trace readers (src/gotrace) keep their own per-trace state machines and the
// explain catalog quotes Go's source in prose.
const modelDirs = ["src/runtime", "src/policies", "src/profiles", "src/workloads", "src/observers"];

test("no model file writes a G or P status outside casgstatus/caspstatus", () => {
  const offenders: string[] = [];
  for (const file of modelDirs.flatMap((d) => sourceFiles(join(repo, d)))) {
    const rel = relative(repo, file).split("\\").join("/");
    if (allowed.has(rel)) continue;
    readFileSync(file, "utf8")
      .split("\n")
      .forEach((line, i) => {
        if (directWrite.test(line) && !line.trimStart().startsWith("//")) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(offenders, []);
  // The pattern itself catches both forms.
  assert.ok(directWrite.test("rt.gs.status[gp] = _Grunnable;") && directWrite.test("pp.status = _Pidle;"));
  assert.ok(!directWrite.test("if (pp.status === _Pidle)"));
});

test("casgstatus and caspstatus refuse a transition from the wrong state, naming the function", () => {
  const config = resolveConfig({ gomaxprocs: 2, seed: 1 });
  const rt = createRuntime(config, program("main", function* () {
    yield compute(us(1));
  }));
  const gp = rt.gs.alloc(); // a fresh slot is _Gdead
  assert.throws(() => casgstatus(rt, gp, _Grunning, _Grunnable), (e: unknown) => e instanceof InvariantError && /casgstatus: .*_Gdead, expected _Grunning/.test(e.message));
  casgstatus(rt, gp, _Gdead, _Grunnable);
  assert.equal(rt.gs.status[gp], _Grunnable);
  const pp = rt.allp[1]!;
  const from = pp.status;
  assert.throws(() => caspstatus(rt, pp, from === _Psyscall ? _Pidle : _Psyscall, _Pgcstop), (e: unknown) => e instanceof InvariantError && /caspstatus: P1/.test(e.message));
});

test("events carry the from-state the cas helpers saw: every G/P transition in a run is consistent", () => {
  const log = new EventLog();
  simulate({ gomaxprocs: 2, seed: 3, main: fanOut(8, function* () {
    for (let i = 0; i < 4; i++) {
      yield compute(us(50));
      yield Syscall(us(200));
    }
  }), observers: [log], check: true });
  let gChanges = 0;
  let pChanges = 0;
  // Replaying the reported transitions per goroutine and per P must never contradict itself.
  const gNow = new Map<number, number>();
  const pNow = new Map<number, number>();
  for (const e of log.events) {
    if (e.gFrom !== -1) {
      gChanges++;
      const before = gNow.get(e.goid);
      if (before !== undefined) assert.equal(e.gFrom, before, `G${e.goid} ${e.fn} at ${e.timeNs}: from ${e.gFrom}, last reported ${before}`);
      gNow.set(e.goid, e.gTo);
    }
    if (e.pFrom !== -1) {
      pChanges++;
      const before = pNow.get(e.p);
      if (before !== undefined) assert.equal(e.pFrom, before, `P${e.p} ${e.fn} at ${e.timeNs}: from ${e.pFrom}, last reported ${before}`);
      pNow.set(e.p, e.pTo);
    }
  }
  assert.ok(gChanges > 50 && pChanges > 20, `${gChanges} G and ${pChanges} P transitions reported`);
  assert.ok([...pNow.values()].every((s) => s === _Pidle || s === _Prunning || s === _Pgcstop || s === _Psyscall));
});

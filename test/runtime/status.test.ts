// Every G and P status change goes through casgstatus/caspstatus (src/runtime/status.ts), which assert
// the old state and give the next event its real from-state; every M state change goes through
// casmstate, which holds it to the table of an M's transitions.
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { InvariantError } from "../../src/base/assert.js";
import { resolveConfig } from "../../src/profiles/index.js";
import { createRuntime } from "../../src/runtime/simulate.js";
import { _Gdead, _Grunnable, _Grunning, _Pgcstop, _Pidle, _Prunning, _Psyscall } from "../../src/runtime/runtime2.js";
import { casgstatus, casmstate, caspstatus, mTransitions } from "../../src/runtime/status.js";
import type { MState } from "../../src/runtime/runtime2.js";
import ts from "typescript";
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

// An M's state is a field of class M (runtime2.ts): a write is found by what the assigned property
// resolves to (the compiler's checker), whatever the receiver is called, across all of src/ (the UI included).
function mStateWrites(files: string[]): string[] {
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
    types: [],
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const isMState = (name: ts.Node): boolean => {
    const decl = checker.getSymbolAtLocation(name)?.valueDeclaration;
    return (
      decl !== undefined &&
      ts.isPropertyDeclaration(decl) &&
      ts.isClassDeclaration(decl.parent) &&
      decl.parent.name?.text === "M" &&
      decl.getSourceFile().fileName.endsWith("src/runtime/runtime2.ts")
    );
  };
  const writes: string[] = [];
  for (const sf of program.getSourceFiles()) {
    if (!files.includes(sf.fileName)) continue;
    const visit = (node: ts.Node): void => {
      let target: ts.Node | undefined;
      if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) target = node.left;
      if (target !== undefined && ts.isPropertyAccessExpression(target) && target.name.text === "state" && isMState(target.name)) {
        writes.push(`${relative(repo, sf.fileName).split("\\").join("/")}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}: ${node.getText(sf)}`);
      }
      if (target !== undefined && ts.isElementAccessExpression(target) && ts.isStringLiteral(target.argumentExpression) && target.argumentExpression.text === "state" && isMState(target.argumentExpression)) {
        writes.push(`${relative(repo, sf.fileName)}: ${node.getText(sf)}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return writes;
}

test("no src/ file writes an M's state outside casmstate", () => {
  const files = sourceFiles(join(repo, "src")).map((f) => f.split("\\").join("/"));
  const writes = mStateWrites(files);
  assert.deepEqual(
    writes.filter((w) => !w.startsWith("src/runtime/status.ts:")),
    [],
  );
  // The check finds casmstate's own write, so it would find one anywhere else.
  assert.equal(writes.length, 1, writes.join("\n"));
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

test("casmstate refuses a transition from the wrong state or outside the table, naming the function and dumping the M", () => {
  const config = resolveConfig({ gomaxprocs: 2, seed: 1 });
  const rt = createRuntime(config, program("main", function* () {
    yield compute(us(1));
  }));
  const m0 = rt.allm[0]!;
  assert.equal(m0.state, "running");
  rt.checkTransitions = true; // as simulate() sets it with check (tests, --check, --buggify)
  // Wrong old state.
  assert.throws(
    () => casmstate(rt, m0, "idle", "waking"),
    (e: unknown) => e instanceof InvariantError && /^casmstate: M0 is running, expected idle -> waking/.test(e.message) && /M0: state=running p=0 /.test(e.message),
  );
  // Right old state, but not a transition an M makes (a call like this with literals fails tsc).
  assert.throws(
    () => casmstate(rt, m0, "running" as MState, "starting" as never),
    (e: unknown) => e instanceof InvariantError && /casmstate: M0 is running, expected running -> starting \(not a transition/.test(e.message),
  );
  assert.equal(m0.state, "running");
  casmstate(rt, m0, "running", "syscall");
  assert.equal(m0.state, "syscall");
  // Terminal states go nowhere; every state named in the table is an MState with an entry.
  assert.deepEqual(mTransitions.dead, []);
  for (const next of Object.values(mTransitions)) for (const s of next) assert.ok(s in mTransitions, s);
});

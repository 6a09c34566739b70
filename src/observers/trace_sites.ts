// Synthetic call stacks for the trace writers and the syscall profile: one stack per op site, so
// that `go tool trace`'s profiles and pprof group by call site (docs/outputs.md).
//
// A goroutine at op #i of program `worker` (op-array programs: the op just taken, pc - 1):
//   leaf  <the op's function> worker.go:i+2   e.g. syscall.Read, runtime.chanrecv1, main.parse
//   then  main.worker         worker.go:i+2
// The leaf is the op's `site` (syscalls, compute ops with a site), else the Go function the op
// stands for; a compute op without a site and a `go` statement show only the program's frame (the
// code is the goroutine's own). Generator programs have no pc: line 1. Bare site names get `main.`.
import type { Op } from "../runtime/ops.js";
import type { Runtime } from "../runtime/runtime.js";

export interface SiteFrame {
  readonly func: string;
  readonly file: string;
  readonly line: number;
}

const runtimeFuncs: Partial<Record<Op["op"], string>> = {
  send: "runtime.chansend1",
  recv: "runtime.chanrecv1",
  close: "runtime.closechan",
  select: "runtime.selectgo",
  sleep: "time.Sleep",
  gosched: "runtime.Gosched",
  lock: "sync.(*Mutex).Lock",
  unlock: "sync.(*Mutex).Unlock",
  wgAdd: "sync.(*WaitGroup).Add",
  wgWait: "sync.(*WaitGroup).Wait",
  gc: "runtime.GC",
  alloc: "runtime.mallocgc",
  exit: "runtime.Goexit",
  syscall: "syscall.Syscall",
  rawSyscall: "syscall.RawSyscall",
  blockingSyscall: "runtime.entersyscallblock",
  cgocall: "runtime.cgocall",
};

/** A Go-looking function name for a site label ("syscall.Read" stays, "parse" → "main.parse"). */
export const goFunc = (site: string): string => (site.includes(".") ? site : `main.${site.trim().replace(/\s+/g, "_")}`);

/** The op G slot `gp` is at (op-array programs only). */
export function currentOp(rt: Runtime, gp: number): Op | undefined {
  if (gp <= 0) return undefined;
  const prog = rt.programs[rt.gs.program[gp]!];
  if (prog === undefined || prog.kind !== "ops") return undefined;
  const ins = prog.code[rt.gs.pc[gp]! - 1];
  if (ins === undefined || ins.op === "loop" || ins.op === "endloop" || ins.op === "choose" || ins.op === "jump") return undefined;
  return ins;
}

/** A cache key for the stack siteFrames(rt, gp, site) returns. */
export function siteKey(rt: Runtime, gp: number, site: string): string {
  if (gp <= 0) return `-:${site}`;
  return `${rt.gs.program[gp]!}:${rt.gs.pc[gp]!}:${site}`;
}

/** The synthetic stack (leaf first) of G slot `gp` at its current op; `site` overrides the leaf. */
export function siteFrames(rt: Runtime, gp: number, site = ""): SiteFrame[] {
  if (gp <= 0) return site === "" ? [] : [{ func: goFunc(site), file: "runtime.go", line: 1 }];
  const prog = rt.programs[rt.gs.program[gp]!];
  if (prog === undefined) return [];
  const line = prog.kind === "ops" ? rt.gs.pc[gp]! + 1 : 1;
  const file = `${prog.name}.go`;
  const frames: SiteFrame[] = [{ func: `main.${prog.name}`, file, line }];
  let leaf = site;
  if (leaf === "") {
    const op = currentOp(rt, gp);
    if (op !== undefined && op.op !== "go" && op.op !== "compute") leaf = "site" in op && typeof op.site === "string" && op.site !== "" ? op.site : (runtimeFuncs[op.op] ?? "");
    else if (op !== undefined && op.op === "compute" && op.site !== undefined) leaf = op.site;
  }
  if (leaf !== "") frames.unshift({ func: goFunc(leaf), file, line });
  // A cgo call's real stack has runtime.cgocall innermost, above the caller's frames (the trace
  // replay tells cgo calls from syscalls by it).
  if (frames[0]?.func !== "runtime.cgocall" && currentOp(rt, gp)?.op === "cgocall") frames.unshift({ func: "runtime.cgocall", file: "cgocall.go", line: 1 });
  return frames;
}

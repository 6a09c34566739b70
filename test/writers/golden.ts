// Golden text of a scenario's Go trace: the events as our reader orders them (Go 1.19 parser
// semantics), one line each with the stack's functions, so a reviewer can check them against the
// runtime's rules. test/golden/regenerate.mjs writes test/golden/<name>.golden from this.
import { readFileSync } from "node:fs";
import path from "node:path";
import { readTrace } from "../../src/gotrace/reader.js";
import { exactMachine } from "../../src/profiles/go1_19.js";
import { repoRoot, runWithWriters } from "./helpers.js";

export const goldenNames = ["retake", "stw-syscall"] as const;

export const goldenDir = (): string => path.join(repoRoot, "test", "golden");

export function goldenText(name: string): string {
  const file = path.join(goldenDir(), `${name}.yaml`);
  // On the exact machine (median latencies, a CPU per thread), so every time follows from the costs.
  const [w] = runWithWriters(readFileSync(file, "utf8"), file, [], true, 4096, exactMachine);
  const t = readTrace(w!.trace);
  const lines = [`# test/golden/${name}.yaml: ${t.events.length} events (regenerate: node test/golden/regenerate.mjs)`];
  for (const ev of t.events) {
    let s = `${ev.tsNs} ${ev.type} p=${ev.p} g=${ev.g}`;
    if (ev.args.length > 0) s += ` args=[${ev.args.join(" ")}]`;
    if (ev.sargs.length > 0) s += ` ${JSON.stringify(ev.sargs)}`;
    const stk = t.stacks.get(ev.stackId);
    if (ev.stackId !== 0 && stk !== undefined) s += ` stack=${stk.map((f) => `${f.func}:${f.line}`).join(";")}`;
    lines.push(s);
  }
  const m = w!.sim.metrics;
  lines.push(`# metrics: syscalls.total=${m.syscalls.total} lostP=${m.syscalls.lostP} slow=${m.syscalls.slow} fastIdleP=${m.syscalls.fastIdleP} sysmonRetake=${m.handoffs.sysmonRetake} gc.cycles=${m.gc.cycles}`);
  return lines.join("\n") + "\n";
}

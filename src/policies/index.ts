// Syscall policies: what-if designs for the runtime's syscall path, selected with --policy.
// The model branches on RuntimeConfig.policy where each design differs (src/runtime/syscall.ts,
// src/runtime/syscall_thread.ts); this module names them, parses them and says what each does.
import { parseDuration } from "../base/duration.js";
import { GoschedError } from "../base/errors.js";
import type { Policy } from "../runtime/config.js";

/** The policies named by a word alone; sysmon-tick takes a duration (sysmon-tick=<duration>). */
export const plainPolicyNames = ["sysmon-retake", "immediate-handoff", "never-retake", "dedicated-syscall-thread"] as const;

/** Every policy as users write it: the one list the schema, the CLI's help and the UI take. */
export const policyNames = [...plainPolicyNames, "sysmon-tick=<duration>"] as const;

export const policyDescriptions: Readonly<Record<Policy["name"], string>> = {
  "sysmon-retake": "today's design: the P waits in _Psyscall until sysmon's retake (or a stop-the-world) takes it",
  "immediate-handoff": "every syscall hands its P off at once, as entersyscallblock does (the idea of Go proposal 29734)",
  "never-retake": "as if every call were RawSyscall: the thread keeps its P for the whole call",
  "dedicated-syscall-thread": "Go issue 58492: the goroutine parks and its M's syscall thread makes the call (a thread wake-up per syscall)",
  "sysmon-tick": "sysmon's minimum sleep is the given duration instead of 20 µs (Go issue 18236)",
};

/** Parses a policy name as written on the command line or in a scenario. */
export function parsePolicy(text: string): Policy {
  const t = text.trim();
  const plain = plainPolicyNames.find((n) => n === t);
  if (plain !== undefined) return { name: plain };
  if (t.startsWith("sysmon-tick=")) {
    // The same duration syntax (and bound) as everywhere else: src/base/duration.ts.
    const r = parseDuration(t.slice("sysmon-tick=".length));
    if (!r.ok) throw new GoschedError("OPTION_INVALID", `policy "${t}": ${r.message}`);
    if (r.value >= 1000) return { name: "sysmon-tick", tickNs: r.value };
    throw new GoschedError("OPTION_INVALID", `policy "${t}": sysmon's tick must be at least 1us`);
  }
  throw new GoschedError("OPTION_INVALID", `unknown policy "${t}"; expected one of: ${policyNames.join(", ")}`);
}

export function policyLabel(p: Policy): string {
  return p.name === "sysmon-tick" ? `sysmon-tick=${p.tickNs / 1e3}us` : p.name;
}

// Fault injection over many seeds (runtime/buggify.ts): scenarios that exercise the syscall path
// (Syscall, RawSyscall, entersyscallblock, cgo, LockOSThread, netpoll, a stop-the-world meeting
// syscalls, the go1.26 path without _Psyscall, a dedicated syscall thread) under every profile, each
// with buggify seeds 1…N. Every invariant is checked after every event (buggify implies it); every
// run must end as the same run without perturbations ends (main returns — after waiting for every
// goroutine it started —, or the same fatal error), and the invariants include "no G lost" (every
// live G is in exactly one place). Nothing hangs: a run ends within the plain run's limits. The coverage — seeds, runs, points that fired — is printed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buggifyPoints, type BuggifyPoint } from "../../src/runtime/buggify.js";
import { loadScenario } from "../../src/scenario/index.js";
import { simulate } from "../../src/simulate.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const example = (f: string) => readFileSync(join(root, "examples", f), "utf8");
const seeds = Number(process.env.GOSCHED_BUGGIFY_SEEDS ?? 16);

const mixed = `
settings: { gomaxprocs: 3 }
channels: { c: 4 }
waitgroups: [wg]
programs:
  caller:
    - repeat: { count: 6, do: [{syscall: 300us}, {compute: 50us}, {rawSyscall: 20us}, {blockingSyscall: 200us}, {cgocall: 100us}, gosched] }
  locked:
    - lockOSThread
    - repeat: { count: 4, do: [{syscall: 200us}, {sleep: 100us}] }
    - unlockOSThread
  net:
    - repeat: { count: 4, do: [{netRead: 300us}, {compute: 20us}, {send: c}, {recv: c}] }
  gc:
    - repeat: { count: 3, do: [{alloc: 8MiB}, {compute: 200us}, gc] }
goroutines:
  - { program: caller, count: 4 }
  - { program: locked }
  - { program: net, count: 2 }
  - { program: gc }
`;

const scenarios: { name: string; text: string; policies?: string[] }[] = [
  { name: "default.yaml", text: example("default.yaml") },
  { name: "stw-meets-syscalls.yaml", text: example("stw-meets-syscalls.yaml") },
  { name: "lockosthread.yaml", text: example("lockosthread.yaml") },
  { name: "mixed", text: mixed, policies: ["sysmon-retake", "immediate-handoff", "dedicated-syscall-thread"] },
];
const profiles = ["go1.10", "go1.19", "go1.23", "go1.26"] as const;

test(`buggify: ${seeds} seeds × scenarios × profiles keep every invariant and end as unperturbed runs do`, () => {
  const fired = new Map<BuggifyPoint, number>();
  let runsDone = 0;
  let perturbations = 0;
  for (const sc of scenarios) {
    const compiled = loadScenario(sc.text, sc.name);
    for (const profile of profiles) {
      for (const policy of sc.policies ?? [undefined]) {
        for (const cr of compiled.runs) {
          const options = { ...cr.options, profile, ...(policy !== undefined ? { policy } : {}) };
          const plain = simulate(options);
          for (let seed = 1; seed <= seeds; seed++) {
            const where = `${sc.name} ${cr.label} ${profile} ${policy ?? ""} buggify seed ${seed}`;
            // Invariants are checked after every event: a broken one throws, naming itself.
            const sim = simulate({ ...options, buggify: { seed } });
            assert.equal(sim.result.stoppedBy, plain.result.stoppedBy, where);
            assert.equal(sim.result.fatal, plain.result.fatal, where);
            for (const p of sim.buggify!.summary()) {
              fired.set(p.point, (fired.get(p.point) ?? 0) + p.fired);
              perturbations += p.fired;
            }
            runsDone++;
          }
        }
      }
    }
  }
  const hit = buggifyPoints.filter((p) => (fired.get(p) ?? 0) > 0);
  process.stderr.write(
    `buggify: ${runsDone} runs (${seeds} seeds each), ${perturbations} perturbations, ${hit.length} of ${buggifyPoints.length} points fired:\n` +
      buggifyPoints.map((p) => `  ${p}: ${fired.get(p) ?? 0}`).join("\n") +
      "\n",
  );
  // Every syscall-path function these scenarios reach got a stop-the-world right after it, and every
  // latency point fired.
  const reached = [
    ...["entersyscall", "entersyscallblock", "exitsyscall", "exitsyscallfast", "exitsyscallfast_pidle", "exitsyscall0", "exitsyscallTryGetP", "takeP", "retake", "handoffp", "rawsyscall", "rawsyscall_return"].map((f) => `stw after ${f}`),
    "stw while in the kernel",
    "spurious wakep",
    // The machine's draws and timed sleeps (machine.ts, Runtime.sleepTimer).
    "futexWake: delayed",
    "sleep: oversleeps",
    "sleep: EINTR (returns early)",
    "threadStart: clone EAGAIN, retried",
    "threadStart: delayed",
    "syscall: entry/exit delayed",
    "preemptSignal: delivered late",
  ] as BuggifyPoint[];
  for (const p of reached) {
    assert.ok((fired.get(p) ?? 0) > 0, `${p} never fired`);
  }
});

test("buggify is deterministic per seed, and off without the option", () => {
  const cr = loadScenario(example("default.yaml"), "default.yaml").runs[0]!;
  const a = simulate({ ...cr.options, buggify: { seed: 7 } });
  const b = simulate({ ...cr.options, buggify: { seed: 7 } });
  assert.deepEqual(a.metrics, b.metrics);
  assert.deepEqual(a.buggify!.summary(), b.buggify!.summary());
  const plain = simulate(cr.options);
  assert.equal(plain.buggify, undefined);
  assert.throws(() => simulate({ ...cr.options, buggify: { seed: -1 } }), /buggify seed/);
});

test("gosched run --buggify: exit 0 and a report of what fired; a bad seed is an option error", async () => {
  const { cliInProcess } = await import("../cli/cli_helpers.js");
  const r = await cliInProcess(["run", join(root, "examples", "default.yaml"), "--buggify", "3"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Syscall: buggify seed 3: \d+ of 25 perturbation points on, \d+ fired \(\d+ times\); every invariant held after every event/);
  const bad = await cliInProcess(["run", join(root, "examples", "default.yaml"), "--buggify", "-1"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /buggify seed: expected a whole number/);
});

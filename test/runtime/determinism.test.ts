// Determinism and properties: the same scenario and seed give an identical event stream; random
// finite programs keep every invariant after every event and every goroutine finishes.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  Chan,
  GC,
  Gosched,
  LockOSThread,
  UnlockOSThread,
  netRead,
  tightLoop,
  RawSyscall,
  Syscall,
  WaitGroup,
  blockingSyscall,
  cgocall,
  compute,
  go,
  program,
  recv,
  send,
  simulate,
  sleep,
  wgAdd,
  wgDone,
  wgWait,
  type Op,
} from "../../src/index.js";
import { EventHash } from "../helpers.js";
import { profileNames } from "../../src/profiles/index.js";

type Step = { kind: "compute" | "loop" | "syscall" | "raw" | "block" | "cgo" | "sleep" | "gosched" | "net" | "lock" | "unlock" | "gc"; ns: number };

const stepArb: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom("compute", "loop", "syscall", "raw", "block", "cgo", "sleep", "gosched", "net", "lock", "unlock", "gc"),
  ns: fc.integer({ min: 0, max: 3_000_000 }),
});

function opOf(s: Step): Op {
  switch (s.kind) {
    case "compute":
      return compute(s.ns);
    case "syscall":
      return Syscall(s.ns);
    case "raw":
      return RawSyscall(s.ns);
    case "block":
      return blockingSyscall(s.ns);
    case "cgo":
      return cgocall(s.ns);
    case "sleep":
      return sleep(s.ns);
    case "gosched":
      return Gosched();
    case "loop":
      return tightLoop(s.ns);
    case "net":
      return netRead(s.ns);
    case "lock":
      return LockOSThread();
    case "unlock":
      return UnlockOSThread();
    case "gc":
      return GC();
  }
}

/** n goroutines with their own steps; pairs of them exchange a value over an unbuffered channel. */
function workload(bodies: Step[][], pairs: number) {
  const wg = new WaitGroup();
  const chans = Array.from({ length: pairs }, () => new Chan(0));
  return program("main", function* () {
    yield wgAdd(wg, bodies.length + 2 * pairs);
    for (const body of bodies) {
      yield go(
        program("g", function* () {
          for (const s of body) yield opOf(s);
          yield wgDone(wg);
        }),
      );
    }
    for (const ch of chans) {
      yield go(program("sender", function* () { yield compute(1000); yield send(ch); yield wgDone(wg); }));
      yield go(program("receiver", function* () { yield recv(ch); yield wgDone(wg); }));
    }
    yield wgWait(wg);
  });
}

function runHash(seed: number, gomaxprocs: number, bodies: Step[][], pairs: number) {
  const hash = new EventHash();
  const sim = simulate({ gomaxprocs, seed, main: workload(bodies, pairs), observers: [hash] });
  return { hash: hash.hex, count: hash.count, sim };
}

test("same scenario and seed → identical event stream", () => {
  const bodies: Step[][] = Array.from({ length: 12 }, (_, i) => [
    { kind: "compute", ns: 20_000 * (i + 1) },
    { kind: i % 2 === 0 ? "syscall" : "raw", ns: 1_000_000 },
    { kind: "sleep", ns: 500_000 },
    { kind: "cgo", ns: 200_000 },
  ]);
  const a = runHash(7, 4, bodies, 3);
  const b = runHash(7, 4, bodies, 3);
  assert.equal(a.hash, b.hash);
  assert.equal(a.count, b.count);
  assert.ok(a.count > 200);
  assert.deepEqual(a.sim.metrics, b.sim.metrics);
});

test("property: random finite programs keep every invariant and every goroutine finishes", () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(stepArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 10 }),
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      fc.constantFrom(...profileNames),
      fc.constantFrom("sysmon-retake", "immediate-handoff", "never-retake", "dedicated-syscall-thread", "sysmon-tick=500us"),
      fc.integer({ min: 0, max: 4 }),
      (bodies, gomaxprocs, pairs, seed, profile, policy, startIdleThreads) => {
        const sim = simulate({ gomaxprocs, seed, profile, policy, startIdleThreads, main: workload(bodies, pairs), check: true, maxEvents: 500_000 });
        const where = `seed=${seed} gomaxprocs=${gomaxprocs} profile=${profile} policy=${policy}`;
        assert.equal(sim.result.stoppedBy, "main-exited", `${where}: ${sim.result.stoppedBy} ${sim.result.fatal ?? ""}`);
        // Runtime goroutines: go1.10's timerprocs and the GC's mark workers.
        const runtimeGs = (profile === "go1.10" ? sim.runtime.timerBuckets.size : 0) + sim.runtime.gc.workers.size;
        assert.equal(sim.metrics.goroutines, 1 + bodies.length + 2 * pairs + runtimeGs);
        // Every syscall exit took exactly one of the three paths (the syscall-thread design has none).
        const s = sim.metrics.syscalls;
        if (policy !== "dedicated-syscall-thread") assert.equal(s.fastSameP + s.fastIdleP + s.slow, s.total, where);
      },
    ),
    { seed: 20261127, numRuns: 300 },
  );
});

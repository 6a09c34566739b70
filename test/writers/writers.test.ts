// The writers: Go execution trace (round trip through our reader, accepted by Go 1.19's and 1.23's
// `go tool trace` with matching syscall counts), the pprof syscall profile (`go tool pprof -top`),
// Perfetto JSON (trace-event format: required fields, balanced B/E, flows), streaming and the CLI's
// temp-file-then-rename.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { readTrace } from "../../src/gotrace/reader.js";
import { dumpEvents } from "../../src/gotrace/dump.js";
import { TraceEv } from "../../src/observers/gotrace_writer.js";
import { go119, go123, go126, go127, goTool, missingGo, repoRoot, runExample, runWithWriters, tmpFile, type Written } from "./helpers.js";

/** Scenarios for the round trip and the Go tools: syscalls fast and blocked, handoffs, GC, channels, a fatal end. */
const examples: [string, string[]][] = [
  ["default.yaml", []],
  ["sysmon-retake-latency.yaml", []],
  ["stw-meets-syscalls.yaml", []],
  ["channels-pipeline.yaml", []],
  ["file-server.yaml", []],
  ["short-syscalls-keep-p.yaml", []],
  ["thread-limit.yaml", []],
  ["gomaxprocs-sweep.yaml", []],
];

/**
 * The same scenarios under the other profiles' rules: go1.10 keeps m.p in a syscall, go1.26+ have no
 * _Psyscall (a P is taken from its M with takeP, and a returning thread takes its old P back from
 * the M now in a syscall on it) — each a different path to GoSysBlock/GoSysExit.
 */
const profileExamples: [string, string][] = ["go1.10", "go1.23", "go1.26", "go1.27"].flatMap((p): [string, string][] => [
  ["sysmon-retake-latency.yaml", p],
  ["stw-meets-syscalls.yaml", p],
  ["short-syscalls-keep-p.yaml", p],
]);

const runs: Written[] = [];
const all = (): Written[] => {
  if (runs.length === 0) {
    for (const [f, v] of examples) for (const w of runExample(f, v)) runs.push(Object.assign(w, { label: `${f}:${w.label}` }));
    for (const [f, p] of profileExamples) for (const w of runExample(f, [], p)) runs.push(Object.assign(w, { label: `${f}:${w.label} --profile ${p}` }));
  }
  return runs;
};

/** Events that end in a stack id (written as the last argument). */
const withStack = new Set<number>([TraceEv.Gomaxprocs, TraceEv.GCStart, TraceEv.GoCreate, TraceEv.GoStop, TraceEv.GoSched, TraceEv.GoPreempt, TraceEv.GoSleep, TraceEv.GoBlock, TraceEv.GoBlockSend, TraceEv.GoBlockRecv, TraceEv.GoBlockSelect, TraceEv.GoBlockSync, TraceEv.GoUnblock, TraceEv.GoSysCall]);

test("round trip: every written event is read back by gosched's reader, same type, time, P, arguments and stack", () => {
  for (const w of all()) {
    const t = readTrace(w.trace);
    assert.equal(t.format, "old");
    assert.equal(t.version, 1019);
    const written = w.traceObserver.written;
    assert.equal(t.events.length, written.length, `${w.label}: event count`);
    const minTicks = Math.min(...written.map((e) => e.ticks));
    const key = (type: number, ts: number, p: number, args: readonly number[], stk: number): string => `${type}|${ts}|${p}|${args.join(",")}|${stk}`;
    const expected = written.map((e) => {
      const stk = withStack.has(e.type) ? e.args[e.args.length - 1]! : 0;
      const args = withStack.has(e.type) ? e.args.slice(0, -1) : e.args;
      // The parser moves GoSysExit to the fake SyscallP at its real exit time, GCStart to GCP.
      const ts = e.type === TraceEv.GoSysExit && e.args[2]! !== 0 ? e.args[2]! : e.ticks;
      const p = e.type === TraceEv.GoSysExit ? 1000003 : e.type === TraceEv.GCStart ? 1000004 : e.pid;
      return key(e.type, ts - minTicks, p, args, stk);
    });
    const got = t.events.map((ev) => key(ev.code, ev.tsNs, ev.p, ev.args, ev.stackId));
    assert.deepEqual([...got].sort(), [...expected].sort(), `${w.label}: events differ`);
    // Every stack referenced exists, with named frames.
    for (const ev of t.events) if (ev.stackId !== 0) assert.ok((t.stacks.get(ev.stackId)?.length ?? 0) > 0, `${w.label}: stack ${ev.stackId}`);
    // Syscall events match the metrics.
    const count = (code: number): number => t.events.filter((e) => e.code === code).length;
    assert.equal(count(TraceEv.GoSysCall), w.sim.metrics.syscalls.total, `${w.label}: GoSysCall = syscalls.total`);
    assert.equal(count(TraceEv.GoSysBlock), w.sim.metrics.syscalls.lostP + w.traceObserver.stats.endSysBlocks, `${w.label}: GoSysBlock = lostP (+ calls open at the end)`);
    assert.equal(count(TraceEv.GoSysExit), count(TraceEv.GoSysBlock) - w.traceObserver.stats.blockedAtEnd, `${w.label}: every blocked call that returned has its GoSysExit`);
  }
});

test("every G is stopped and every P, GC and STW closed at the end (1.19 viewer requirement)", () => {
  for (const w of all()) {
    const t = readTrace(w.trace);
    const running = new Map<number, number>();
    const pOn = new Set<number>();
    for (const ev of t.events) {
      if (ev.code === TraceEv.GoStart) running.set(ev.p, ev.args[0]!);
      if ([TraceEv.GoEnd, TraceEv.GoStop, TraceEv.GoSched, TraceEv.GoPreempt, TraceEv.GoSleep, TraceEv.GoBlock, TraceEv.GoBlockSend, TraceEv.GoBlockRecv, TraceEv.GoBlockSelect, TraceEv.GoBlockSync, TraceEv.GoSysBlock].includes(ev.code as never)) running.delete(ev.p);
      if (ev.code === TraceEv.ProcStart) pOn.add(ev.p);
      if (ev.code === TraceEv.ProcStop) pOn.delete(ev.p);
    }
    assert.deepEqual([...running], [], `${w.label}: Gs left running`);
    assert.deepEqual([...pOn], [], `${w.label}: Ps left started`);
    const n = (c: number): number => t.events.filter((e) => e.code === c).length;
    assert.equal(n(TraceEv.GCStart), n(TraceEv.GCDone), `${w.label}: GC start/done`);
    assert.equal(n(TraceEv.GCSTWStart), n(TraceEv.GCSTWDone), `${w.label}: STW start/done`);
  }
});

function goToolTest(name: string, bin: string, args: (f: string) => string[], check: (out: string, w: Written) => void): void {
  const missing = missingGo(bin);
  test(name, { skip: missing ?? false }, () => {
    for (const w of all()) {
      const f = tmpFile("sim.trace", w.trace);
      let out: string;
      try {
        out = goTool(bin, args(f));
      } catch (e) {
        const err = e as { stderr?: string; status?: number };
        assert.fail(`${w.label}: ${bin} ${args(f).join(" ")} exited ${err.status}: ${err.stderr ?? String(e)}`);
      }
      check(out, w);
    }
  });
}

// go1.19: `go tool trace -d` parses and orders the whole file (internal/trace.Parse) and prints one line per event.
goToolTest("Go 1.19 `go tool trace -d` accepts the traces; its GoSysCall/GoSysBlock/GoSysExit counts match the metrics", go119, (f) => ["tool", "trace", "-d", f], (out, w) => {
  const n = (name: string): number => out.split("\n").filter((l) => l.split(" ")[1] === name).length;
  const m = w.sim.metrics.syscalls;
  assert.equal(n("GoSysCall"), m.total, `${w.label}: GoSysCall`);
  assert.equal(n("GoSysBlock"), m.lostP + w.traceObserver.stats.endSysBlocks, `${w.label}: GoSysBlock`);
  assert.equal(n("GoSysExit"), m.lostP + w.traceObserver.stats.endSysBlocks - w.traceObserver.stats.blockedAtEnd, `${w.label}: GoSysExit`);
  assert.equal(n("GoCreate"), w.sim.metrics.goroutines, `${w.label}: GoCreate = goroutines`);
});

// go1.23: `-d=1` converts the old format to v2 (internal/trace/internal/oldtrace) and prints every
// state transition; a syscall is a Goroutine Running->Syscall transition.
goToolTest("Go 1.23 `go tool trace -d=1` accepts the traces; its Running->Syscall transitions match syscalls.total", go123, (f) => ["tool", "trace", "-d=1", f], (out, w) => {
  const calls = out.split("\n").filter((l) => l.includes("Resource=Goroutine(") && l.endsWith("Running->Syscall")).length;
  assert.equal(calls, w.sim.metrics.syscalls.total, `${w.label}: Running->Syscall`);
});

// go1.26 and go1.27 (whose reader has no -d=1 any more): `-d=parsed` converts the old format to the
// current one and prints every event; a syscall is a goroutine's Running->Syscall transition.
for (const [name, bin] of [["Go 1.26", go126], ["Go 1.27", go127]] as const) {
  goToolTest(`${name} \`go tool trace -d=parsed\` accepts the traces; its Running->Syscall transitions match syscalls.total`, bin, (f) => ["tool", "trace", "-d=parsed", f], (out, w) => {
    const calls = out.split("\n").filter((l) => / StateTransition .*GoID=\d+ Running->Syscall\b/.test(l)).length;
    assert.equal(calls, w.sim.metrics.syscalls.total, `${w.label}: Running->Syscall`);
  });
}

test("go 1.19 `go tool trace -pprof=syscall` and `go tool pprof -top` on gosched's own syscall profile", { skip: missingGo(go119) ?? false }, () => {
  const [w] = runExample("file-server.yaml");
  const f = tmpFile("sim.trace", w!.trace);
  const prof = goTool(go119, ["tool", "trace", "-pprof=syscall", f]);
  assert.ok(prof.length > 0);
  const ours = tmpFile("syscall.pb", w!.pprof);
  const top = goTool(go119, ["tool", "pprof", "-top", ours]);
  assert.match(top, /Type: delay/);
  assert.match(top, /syscall\.Read/);
  assert.match(top, /main\.handler/);
  // Total delay = syscall + wait-for-P time over all sites.
  const tot = w!.profile.totals();
  const raw = goTool(go119, ["tool", "pprof", "-raw", ours]);
  let sum = 0;
  let count = 0;
  for (const m of raw.matchAll(/^\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+): /gm)) {
    count += Number(m[1]);
    sum += Number(m[4]);
  }
  assert.equal(count, tot.count);
  assert.equal(count, w!.sim.metrics.syscalls.total);
  assert.equal(sum, Math.round(tot.syscallNs) + Math.round(tot.waitNs));
});

test("Perfetto JSON: valid trace-event format, balanced B/E per track, flows paired, a track per P and M", () => {
  for (const w of all()) {
    const doc = JSON.parse(w.perfetto) as { traceEvents: Record<string, unknown>[]; displayTimeUnit: string };
    assert.ok(Array.isArray(doc.traceEvents));
    const stacks = new Map<string, string[]>();
    const lastTs = new Map<string, number>();
    const flowStarts = new Set<unknown>();
    const pTracks = new Set<unknown>();
    const mTracks = new Set<unknown>();
    let flows = 0;
    for (const ev of doc.traceEvents) {
      assert.equal(typeof ev.name, "string", JSON.stringify(ev));
      assert.equal(typeof ev.ph, "string");
      assert.equal(typeof ev.pid, "number");
      const ph = ev.ph as string;
      if (ph === "M") {
        if (ev.name === "thread_name" && ev.pid === 1 && (ev.tid as number) < 100000) pTracks.add(ev.tid); // 100000+: GC, STW
        if (ev.name === "thread_name" && ev.pid === 2) mTracks.add(ev.tid);
        continue;
      }
      assert.ok(typeof ev.ts === "number" && ev.ts >= 0, `ts: ${JSON.stringify(ev)}`);
      if (ph !== "C") assert.equal(typeof ev.tid, "number", `tid: ${JSON.stringify(ev)}`);
      const track = `${String(ev.pid)}:${String(ev.tid)}`;
      if (ph === "B" || ph === "E") {
        assert.ok((ev.ts as number) >= (lastTs.get(track) ?? 0), `${w.label}: time went back on ${track}`);
        lastTs.set(track, ev.ts as number);
        const st = stacks.get(track) ?? [];
        if (ph === "B") st.push(ev.name as string);
        else assert.equal(st.pop(), ev.name, `${w.label}: E without matching B on ${track}`);
        stacks.set(track, st);
      } else if (ph === "C") {
        for (const v of Object.values(ev.args as object)) assert.equal(typeof v, "number");
      } else if (ph === "s") flowStarts.add(ev.id);
      else if (ph === "f") {
        assert.ok(flowStarts.has(ev.id), `${w.label}: flow end ${String(ev.id)} without start`);
        flows++;
      } else assert.ok(ph === "i", `unexpected ph ${ph}`);
    }
    for (const [track, st] of stacks) assert.deepEqual(st, [], `${w.label}: unbalanced ${track}`);
    assert.equal(pTracks.size, w.sim.config.gomaxprocs, `${w.label}: a track per P`);
    assert.ok(mTracks.size >= 2, `${w.label}: M tracks`);
    const m = w.sim.metrics.handoffs;
    if (m.sysmonRetake + m.blockingSyscall > 0) assert.ok(flows > 0, `${w.label}: handoff arrows`);
  }
});

test("streaming: the trace leaves the writer in batch-sized chunks, and the batch size does not change what is read back", () => {
  const text = readFileSync(path.join(repoRoot, "examples", "file-server.yaml"), "utf8");
  const small = runWithWriters(text, "file-server.yaml", [], false, 4096)[0]!;
  const large = runWithWriters(text, "file-server.yaml", [], false, 1 << 20)[0]!;
  // Chunks: the header, per-P batch headers and bodies (each ≤ batchBytes + one event), then the tables.
  const bodies = small.chunkSizes.slice(1, -1);
  assert.ok(bodies.length > 20, `${bodies.length} chunks`);
  for (const n of bodies) assert.ok(n <= 4096 + 64, `chunk of ${n} bytes`);
  // The same events at the same times. Events of different Ps with equal timestamps have no defined
  // order (Go's parser breaks such ties by its own bookkeeping, which depends on batch boundaries),
  // so each timestamp's events are compared as a sorted group.
  const byTime = (lines: string[]) => {
    const groups = new Map<string, string[]>();
    for (const l of lines) {
      const t = l.split(" ")[0]!;
      let g = groups.get(t);
      if (g === undefined) groups.set(t, (g = []));
      g.push(l);
    }
    return [...groups.values()].map((g) => g.sort());
  };
  assert.deepEqual(byTime(dumpEvents(readTrace(small.trace)).split("\n").slice(1)), byTime(dumpEvents(readTrace(large.trace)).split("\n").slice(1)));
  assert.ok(readTrace(small.trace).events.length > 10_000);
});

test("CLI: --trace/--perfetto/--pprof-syscall write complete files per variant, no temporary file left", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "gosched-cli-out-"));
  const r = spawnSync(
    process.execPath,
    [path.join(repoRoot, "bin", "gosched.js"), "run", path.join(repoRoot, "examples", "sysmon-retake-latency.yaml"), "--trace", path.join(dir, "o.trace"), "--perfetto", path.join(dir, "o.json"), "--pprof-syscall", path.join(dir, "o.pb.gz")],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 0, r.stderr);
  const files = readdirSync(dir).sort();
  assert.deepEqual(files, ["RawSyscall", "Syscall", "entersyscallblock"].flatMap((v) => [`o.${v}.json`, `o.${v}.pb.gz`, `o.${v}.trace`]).sort());
  for (const v of ["Syscall", "RawSyscall", "entersyscallblock"]) {
    assert.ok(readTrace(new Uint8Array(readFileSync(path.join(dir, `o.${v}.trace`)))).events.length > 0);
    JSON.parse(readFileSync(path.join(dir, `o.${v}.json`), "utf8"));
    assert.ok(gunzipSync(readFileSync(path.join(dir, `o.${v}.pb.gz`))).length > 0);
  }
  assert.ok(existsSync(path.join(dir, "o.Syscall.trace")));
});

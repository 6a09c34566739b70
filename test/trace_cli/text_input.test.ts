// The trace commands read the text forms, detected by content: the text form `trace dump` prints
// for a new-format trace (Go's golden-test form, "Trace Go1.NN"), a txtar `.test` case (its
// "-- trace --" part), and what `trace dump` prints for an old-format trace (Go has no text form
// for that format; gosched's dump lists the ordered events and the stack table, and reads it back).
//
// Round trip on real traces of both formats (testdata/go/traced run with each installed Go, 1.19–1.27):
// `gosched trace dump x.trace > x.txt && gosched trace analyze x.txt` reports what analyzing
// x.trace does. Checked independently of the analysis too: the text reads back as the same events,
// strings and stacks as the trace.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { formatEvent } from "../../src/gotrace/dump.js";
import { detectTraceInput, readTraceInput, txtarTracePart } from "../../src/gotrace/input.js";
import { readTrace, TraceError } from "../../src/gotrace/reader.js";
import { parseTextTrace, parseTxtar } from "../../src/gotrace/text_format.js";
import { goBinary, goToolchains, repoRoot, runTraced, traceHeaderOf, type GoVersion } from "./go_helpers.js";

const work = mkdtempSync(path.join(tmpdir(), "gosched-text-input-"));
const cli = path.join(repoRoot, "bin", "gosched.js");
const gosched = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
const goldenDir = path.join(repoRoot, "testdata", "go-trace", "new-format");

for (const v of Object.keys(goToolchains) as GoVersion[]) {
  const skip = goBinary(v) === null ? `Go ${v} not installed at ${goToolchains[v]} (install it with \`sudo sh tools/install-go.sh\`, or point GOSCHED_GO_${v.replace(".", "_")} at a go binary): cannot make a real trace` : false;
  const format = v === "1.19" ? "old" : "new";

  test(`go${v} (${format} format): trace dump > x.txt, then trace analyze x.txt reports what trace analyze x.trace does`, { skip }, () => {
    const bin = runTraced(v, path.join(work, `x-${v}.trace`));
    const d = gosched("trace", "dump", bin);
    assert.equal(d.status, 0, d.stderr);
    // A name that says nothing: the form is found from the content.
    const txt = path.join(work, `x-${v}.dumped`);
    writeFileSync(txt, d.stdout);
    assert.equal(detectTraceInput(new Uint8Array(readFileSync(txt))), format === "new" ? "text" : "old-dump");
    if (format === "new") assert.match(d.stdout, new RegExp(`^Trace Go1\\.${traceHeaderOf(v).slice("go 1.".length)}\nEventBatch `));
    else assert.match(d.stdout, /^# go 1\.19 trace, old format, \d+ events, \d+ ticks\/s\n/);

    for (const flags of [["--json"], []]) {
      const a = gosched("trace", "analyze", ...flags, bin);
      const b = gosched("trace", "analyze", ...flags, txt);
      assert.equal(a.status, 0, a.stderr);
      assert.equal(b.status, 0, b.stderr);
      assert.match(a.stdout, /syscalls/);
      assert.equal(b.stdout.split(txt).join("FILE"), a.stdout.split(bin).join("FILE"), `analyze ${flags.join(" ")}: the text and the trace differ`);
    }
    // Dumping the dump gives the dump.
    const dd = gosched("trace", "dump", txt);
    assert.equal(dd.status, 0, dd.stderr);
    assert.equal(dd.stdout, d.stdout);

    // Independent of the analysis: what the text reads back as.
    const orig = readTrace(new Uint8Array(readFileSync(bin)));
    if (format === "new") {
      // Not byte for byte: Go pads some varints (a batch's size field), the text form does not.
      const back = readTrace(parseTextTrace(d.stdout).bytes);
      assert.equal(back.version, orig.version);
      assert.deepEqual(back.events.map(formatEvent), orig.events.map(formatEvent));
      assert.deepEqual(back.generations.map((g) => [g.gen, g.ticksPerSec, g.strings, g.stacks]), orig.generations.map((g) => [g.gen, g.ticksPerSec, g.strings, g.stacks]));
      assert.ok(back.events.length > 1000);
    } else {
      const back = readTraceInput(new Uint8Array(readFileSync(txt))).trace;
      assert.equal(back.version, orig.version);
      assert.equal(back.ticksPerSec, orig.ticksPerSec);
      assert.deepEqual(back.events.map(formatEvent), orig.events.map(formatEvent));
      assert.deepEqual(back.stacks, orig.stacks);
      assert.ok(back.stacks.size > 0 && back.events.length > 1000);
    }
  });

  test(`go${v}: trace replay reads the dump like the trace`, { skip }, () => {
    const bin = runTraced(v, path.join(work, `r-${v}.trace`));
    const txt = path.join(work, `r-${v}.txt`);
    const d = gosched("trace", "dump", bin);
    assert.equal(d.status, 0, d.stderr);
    writeFileSync(txt, d.stdout);
    const a = gosched("trace", "replay", "--json", bin);
    const b = gosched("trace", "replay", "--json", txt);
    assert.equal(a.status, 0, a.stderr);
    assert.equal(b.status, 0, b.stderr);
    assert.equal(b.stdout.split(txt).join("FILE"), a.stdout.split(bin).join("FILE"));
  });
}

test("Go's golden .test cases (txtar) are read through their -- trace -- part, whatever the file is called", () => {
  for (const name of ["go122-syscall-steal-proc-simple.test", "go122-annotations.test", "go122-fail-first-gen-first.test"]) {
    const file = path.join(goldenDir, name);
    const text = readFileSync(file, "utf8");
    const expect = (parseTxtar(text).files.get("expect") ?? "").trim();
    const renamed = path.join(work, name.replace(/\.test$/, ".trace"));
    copyFileSync(file, renamed);
    assert.equal(detectTraceInput(new Uint8Array(readFileSync(renamed))), "txtar");
    const r = gosched("trace", "analyze", "--json", renamed);
    if (expect === "SUCCESS") {
      assert.equal(r.status, 0, r.stderr);
      const j = JSON.parse(r.stdout) as { format: string; header: string };
      assert.equal(j.format, "new");
      assert.equal(j.header, "go 1.22 trace");
      // The same as the trace part alone in the text form, and as its wire bytes.
      const part = path.join(work, `${name}.part`);
      writeFileSync(part, parseTxtar(text).files.get("trace")!);
      const p = gosched("trace", "analyze", "--json", part);
      assert.equal(p.stdout.split(part).join("FILE"), r.stdout.split(renamed).join("FILE"));
      const wire = path.join(work, `${name}.bin`);
      writeFileSync(wire, parseTextTrace(parseTxtar(text).files.get("trace")!).bytes);
      const w = gosched("trace", "analyze", "--json", wire);
      assert.equal(w.stdout.split(wire).join("FILE"), r.stdout.split(renamed).join("FILE"));
    } else {
      // The golden case's own expected failure, exit 2, no stack trace.
      assert.equal(r.status, 2);
      assert.match(r.stderr, /txtar archive/);
      assert.match(r.stderr, /expected a proc but didn't have one/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  }
});

test("errors in text input name the line of the file; junk is still an error at byte offset 0", () => {
  const bad = path.join(work, "bad.txt");
  writeFileSync(bad, "Trace Go1.22\nEventBatch gen=1 m=0 time=0 size=5\nFrobnicate x=1\n");
  const r = gosched("trace", "analyze", bad);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /text form.*line 3: unidentified event: Frobnicate/);
  // In a txtar archive, line numbers count from the top of the archive.
  const ar = path.join(work, "bad.test");
  writeFileSync(ar, "-- expect --\nSUCCESS\n-- trace --\nTrace Go1.22\nEventBatch gen=1 m=0 time=0 size=5\nFrobnicate x=1\n");
  const t = gosched("trace", "analyze", ar);
  assert.equal(t.status, 2);
  assert.match(t.stderr, /line 6: unidentified event/);
  assert.equal(txtarTracePart("-- a --\nx\n-- trace --\nT\n-- b --\ny\n"), "       \n \n           \nT\n");
  const oldDump = path.join(work, "bad.dump");
  writeFileSync(oldDump, "# go 1.19 trace, old format, 1 events, 1000000000 ticks/s\n0 NoSuchEvent p=0 g=0\n");
  const o = gosched("trace", "analyze", oldDump);
  assert.equal(o.status, 2);
  assert.match(o.stderr, /old-format dump line 2: unknown event type NoSuchEvent/);
  const junk = path.join(work, "junk");
  writeFileSync(junk, "not a trace at all\n");
  const j = gosched("trace", "analyze", junk);
  assert.equal(j.status, 2);
  assert.match(j.stderr, /malformed trace at byte offset 0/);
  assert.throws(() => readTraceInput(new TextEncoder().encode("Trace Go1.22\nNope\n")), TraceError);
});

// The malformed-input corpus (test/fixtures/bad-scenarios/, one family per file-name prefix): every
// file must end with exit 2 and a message naming file:line:col, no stack, within bounded CPU time and
// memory. The CLI runs in-process (fast), and a handful again as a real child process with a small
// heap (a blow-up would crash it rather than exit 2). A `# expect: <regex>` first line, when present,
// must match the message too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assertCleanRejection, cliInProcess } from "./cli_helpers.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const dir = join(root, "test", "fixtures", "bad-scenarios");
const files = readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort();

const positioned = (file: string) => new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: `);

test("the corpus has at least 150 files in at least 12 families", () => {
  assert.ok(files.length >= 150, `${files.length} files`);
  const families = new Set(files.map((f) => f.split("-")[0]));
  assert.ok(families.size >= 12, [...families].join(", "));
});

test("every malformed scenario: exit 2, file:line:col, no stack, bounded CPU and memory", async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
  process.on("warning", onWarning);
  let worstCpuMs = 0;
  const failures: string[] = [];
  try {
    for (const f of files) {
      try {
      const path = join(dir, f);
      const head = /^# expect: (.*)$/m.exec(readFileSync(path, "utf8").split("\n")[0] ?? "");
      const cpu0 = process.cpuUsage();
      const r = await cliInProcess(["run", path]);
      const cpu = process.cpuUsage(cpu0);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      worstCpuMs = Math.max(worstCpuMs, cpuMs);
      assertCleanRejection(r, f);
      assert.match(r.stderr, positioned(path), `${f}: no file:line:col\n${r.stderr}`);
      if (head !== null) assert.match(r.stderr, new RegExp(head[1]!), `${f}`);
      // Generous: a correct rejection takes milliseconds; an expanded alias bomb takes minutes.
      assert.ok(cpuMs < 5000, `${f}: ${cpuMs.toFixed(0)} ms of CPU`);
      const heapMb = process.memoryUsage().heapUsed / 1e6;
      assert.ok(heapMb < 600, `${f}: heap at ${heapMb.toFixed(0)} MB`);
      } catch (e) {
        failures.push((e as Error).message);
      }
    }
  } finally {
    process.off("warning", onWarning);
  }
  assert.deepEqual(failures, []);
  assert.deepEqual(warnings, []);
  // maxRSS is in kB: the whole corpus in one process stays well below a gigabyte.
  assert.ok(process.resourceUsage().maxRSS < 1_000_000, `max RSS ${process.resourceUsage().maxRSS} kB`);
  assert.ok(worstCpuMs > 0);
});

test("a handful through a real child process with a 128 MB heap", () => {
  const picks = files.filter((f) => /bomb-in-params|undefined-alias\.|nesting-flow-seq-5000|keys-seq-key|durations-compute-1e400ms|counts-repeat-count-2147483648|encoding-binary-garbage/.test(f));
  assert.ok(picks.length >= 6, picks.join(", "));
  for (const f of picks) {
    const r = spawnSync(process.execPath, ["--max-old-space-size=128", join(root, "bin", "gosched.js"), "run", join(dir, f)], {
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, GOSCHED_NO_PROGRESS: "1" },
    });
    assertCleanRejection({ code: r.status ?? -1, stderr: r.stderr }, f);
    assert.match(r.stderr, /:\d+:\d+: /, f);
  }
});

// tools/run-go-validation.mjs's build: processes building the same program at once (two validate
// runs, a test beside a calibration) each get a whole binary. Skipped, saying how to install,
// without the toolchain.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const runner = pathToFileURL(path.join(repoRoot, "tools", "run-go-validation.mjs")).href;

test("three processes building one program at once all get a binary that runs", { timeout: 5 * 60_000 }, async (t) => {
  const go = "/usr/lib/go-1.26/bin/go";
  if (!existsSync(go)) {
    t.skip(`Go 1.26 is not installed (${go}): install it with \`sudo tools/install-go.sh\``);
    return;
  }
  // Each process builds (the stamp is removed first, so none finds it up to date) and runs the result.
  const script = `const r = await import(${JSON.stringify(runner)}); const v = r.goVersion(${JSON.stringify(go)});
    const bin = r.build(${JSON.stringify(go)}, v, "short", () => {});
    const out = r.runOnce(bin, ["-mode", "body", "-n", "1000"], 60);
    if (out.error !== undefined) throw new Error(JSON.stringify(out));
    console.log("ok " + bin);`;
  const first = await import(runner);
  const version = (first as { goVersion: (g: string) => string }).goVersion(go);
  rmSync(path.join(os.tmpdir(), `gosched-go-build-${version}`, "short", "stamp"), { force: true });
  const run = () =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const p = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      p.stdout.on("data", (d: Buffer) => (out += d.toString()));
      p.stderr.on("data", (d: Buffer) => (out += d.toString()));
      p.on("close", (code) => resolve({ code, out }));
    });
  const results = await Promise.all([run(), run(), run()]);
  for (const r of results) {
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^ok /m);
  }
});

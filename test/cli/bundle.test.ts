// The bundled CLI (tools/bundle-cli.mjs, loaded by bin/gosched.js while current) must behave exactly
// as the unbundled one it is made from: same bytes out, same exit codes, sweep workers included.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const bin = `${root}bin/gosched.js`;
const bundleMain = `${root}dist/src/bundle/main.js`;
const hasEsbuild = existsSync(`${root}node_modules/esbuild/package.json`);

function gosched(bundled: boolean, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const env = { ...process.env, GOSCHED_NO_PROGRESS: "1", GOSCHED_NO_BUNDLE: bundled ? "0" : "1" };
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", cwd: root, env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("npm run build bundles the CLI, newer than everything that went into it", { skip: !hasEsbuild && "esbuild not installed" }, () => {
  assert.ok(existsSync(bundleMain), "dist/src/bundle/main.js");
  const builtMs = statSync(bundleMain).mtimeMs;
  const inputs = JSON.parse(readFileSync(`${root}dist/src/bundle/inputs.json`, "utf8")) as string[];
  for (const f of ["dist/src/cli/main.js", "dist/src/cli/run.js", "dist/src/runtime/kernel.js", "dist/src/cli/sweep_worker.js"]) assert.ok(inputs.includes(f), f);
  assert.ok(inputs.some((f) => f.startsWith("node_modules/yaml/")), "yaml is bundled");
  assert.ok(!inputs.some((f) => f.startsWith("node_modules/ajv/")), "ajv stays out (loaded only to explain a rejected scenario)");
  for (const f of inputs) assert.ok(statSync(`${root}${f}`).mtimeMs <= builtMs, `${f} is newer than the bundle`);
  assert.match(readFileSync(`${root}dist/src/bundle/THIRD_PARTY_LICENSES.txt`, "utf8"), /yaml@.*\(ISC\)/);
});

test("the bundled and the unbundled CLI print the same bytes", { skip: !hasEsbuild && "esbuild not installed" }, () => {
  const cases: string[][] = [
    ["run", "examples/default.yaml", "--json"],
    ["run", "examples/channels-pipeline.yaml", "--seed", "7"],
    // Worker threads: the bundle's own sweep_worker.js.
    ["sweep", "examples/seed-workload.yaml", "--variant", "P4", "--param", "gomaxprocs=1,2,3", "--max-events", "20000", "--workers", "2"],
    ["run", "examples/default.yaml", "--seeds", "3", "--workers", "2", "--max-events", "5000"],
    ["explain", "exitsyscall"],
    ["--help"],
    ["run", "test/cli/fixtures/bad-unit.yaml"],
    ["run", "examples/seed-workload.yaml", "--gomaxprocs", "4"],
  ];
  for (const args of cases) {
    const a = gosched(true, ...args);
    const b = gosched(false, ...args);
    const what = args.join(" ");
    assert.equal(a.code, b.code, what);
    assert.equal(a.stdout, b.stdout, what);
    assert.equal(a.stderr, b.stderr, what);
    assert.ok(a.stdout.length > 0 || a.stderr.length > 0, what);
  }
});

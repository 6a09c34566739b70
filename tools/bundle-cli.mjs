#!/usr/bin/env node
// Bundles the CLI (dist/src/cli/main.js and the sweep worker, with what they import: our modules,
// yaml, commander, hdr-histogram-js, pure-rand) into dist/src/bundle/ with esbuild, after tsc (npm
// run build runs it). Loading ~150 files (resolving, reading and compiling each ES or CommonJS
// module) was ≈ 60 ms of CPU of every `gosched` start; the bundle is a few files, each command's
// code split into its own chunk, loaded when the command runs (docs/performance.md).
//
// bin/gosched.js uses the bundle only while it is current: inputs.json lists every file that went
// into it, and a file newer than the bundle (a later plain tsc, an npm install) makes the launcher
// load dist/src/cli/main.js instead, as it does when there is no bundle (esbuild, which vite brings
// in as a development dependency, not installed). The bundle sits at the same depth as
// dist/src/cli/, so the paths the CLI finds from its own location (examples/, package.json,
// dist/src/scenario/schema_validator.js, ./sweep_worker.js) are the same in both.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { relative, resolve } from "node:path";

const root = fileURLToPath(new URL("../", import.meta.url));
const outdir = resolve(root, "dist/src/bundle");

let esbuild;
try {
  esbuild = await import("esbuild");
} catch {
  rmSync(outdir, { recursive: true, force: true });
  process.stderr.write("tools/bundle-cli.mjs: esbuild is not installed; the CLI runs unbundled (slower start-up)\n");
  process.exit(0);
}

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: { main: "dist/src/cli/main.js", sweep_worker: "dist/src/cli/sweep_worker.js" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outdir,
  metafile: true,
  logLevel: "warning",
  legalComments: "linked",
  // The bundled CommonJS packages require() Node's modules: give the ES module output a require.
  banner: { js: 'import { createRequire as __goschedCreateRequire } from "node:module"; const require = __goschedCreateRequire(import.meta.url);' },
});
const inputs = Object.keys(result.metafile.inputs).map((f) => relative(root, resolve(root, f))).sort();
writeFileSync(resolve(outdir, "inputs.json"), `${JSON.stringify(inputs)}\n`);

// The bundled packages' licenses, beside the code copied from them.
const packages = [...new Set(inputs.map((f) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1]).filter((p) => p !== undefined))].sort();
const notices = packages.map((p) => {
  const dir = resolve(root, "node_modules", p);
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  const { version, license } = JSON.parse(readFileSync(resolve(dir, "package.json"), "utf8"));
  const text = file !== undefined && existsSync(resolve(dir, file)) ? readFileSync(resolve(dir, file), "utf8").trim() : `License: ${license}`;
  return `${p}@${version} (${license})\n\n${text}\n`;
});
writeFileSync(resolve(outdir, "THIRD_PARTY_LICENSES.txt"), `Third-party code bundled into this folder by tools/bundle-cli.mjs:\n\n${notices.join("\n---\n\n")}`);

#!/usr/bin/env node
// Launcher for the gosched CLI (the TypeScript build lives in dist/; `npm run build` makes it).
// Node's on-disk compile cache (module.enableCompileCache, Node ≥ 22.1) makes later start-ups skip
// compiling gosched's modules; on Node 20 it does not exist and this does nothing.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const nodeModule = await import("node:module");
nodeModule.enableCompileCache?.();
// A run is over in a fraction of a second, before V8's optimizing compiler (TurboFan, on a background
// thread) has paid off: with its default inlining budget (460 bytes of bytecode per inlined function)
// it spends more CPU compiling the model's hot functions than running them. A smaller budget makes
// those compilations cheaper and earlier: the seed workload's first run in a process takes ≈ 30 % less
// CPU, later runs the same (docs/performance.md). Flags change speed only, never results.
(await import("node:v8")).setFlagsFromString("--max-inlined-bytecode-size=100");
let cli;
try {
  cli = await import(currentBundle() ? "../dist/src/bundle/main.js" : "../dist/src/cli/main.js");
} catch (e) {
  if (e && e.code === "ERR_MODULE_NOT_FOUND") {
    process.stderr.write("gosched: not built yet; run `npm run build` first\n");
    process.exit(2);
  }
  throw e;
}
process.exitCode = await cli.main(process.argv.slice(2));

/**
 * The CLI bundled by `npm run build` (tools/bundle-cli.mjs) loads ≈ 60 ms faster than its ~150
 * files; it is used while no file that went into it is newer than it (a later plain tsc makes the
 * launcher load dist/src/cli/ instead). GOSCHED_NO_BUNDLE=1 loads dist/src/cli/ always.
 */
function currentBundle() {
  if (process.env.GOSCHED_NO_BUNDLE === "1") return false;
  const root = fileURLToPath(new URL("../", import.meta.url));
  try {
    const builtMs = statSync(join(root, "dist/src/bundle/main.js")).mtimeMs;
    const inputs = JSON.parse(readFileSync(join(root, "dist/src/bundle/inputs.json"), "utf8"));
    // An input that is not there cannot be newer: an installed package's dependencies live in the
    // node_modules above it (and npm gives every file of a package the same time).
    return inputs.every((f) => (statSync(join(root, f), { throwIfNoEntry: false })?.mtimeMs ?? 0) <= builtMs);
  } catch {
    return false;
  }
}

#!/usr/bin/env node
// Launcher for the gosched CLI (the TypeScript build lives in dist/; `npm run build` makes it).
// Node's on-disk compile cache (module.enableCompileCache, Node ≥ 22.1) makes later start-ups skip
// compiling gosched's modules; on Node 20 it does not exist and this does nothing.
const nodeModule = await import("node:module");
nodeModule.enableCompileCache?.();
let cli;
try {
  cli = await import("../dist/src/cli/main.js");
} catch (e) {
  if (e && e.code === "ERR_MODULE_NOT_FOUND") {
    process.stderr.write("gosched: not built yet; run `npm run build` first\n");
    process.exit(2);
  }
  throw e;
}
process.exitCode = await cli.main(process.argv.slice(2));

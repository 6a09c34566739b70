#!/usr/bin/env node
// Makes `npm start` and `npm test` work on a fresh clone: installs the locked dependencies when
// node_modules is missing or older than package-lock.json.
import { existsSync, statSync } from "node:fs";
import { execSync } from "node:child_process";

const stale = !existsSync("node_modules/.package-lock.json") || statSync("node_modules/.package-lock.json").mtimeMs < statSync("package-lock.json").mtimeMs;
if (stale) {
  console.error("gosched: installing dependencies (npm ci)…");
  execSync("npm ci --no-audit --no-fund", { stdio: "inherit" });
}

#!/usr/bin/env node
// Makes `npm start` and `npm test` work on a fresh clone: installs the locked dependencies (npm ci)
// when node_modules lacks a package of package-lock.json or holds another version of it. Judged by
// content, not by file times (a checkout or rebase touches package-lock.json without changing it).
import { existsSync, lstatSync, readFileSync, realpathSync } from "node:fs";
import { execSync } from "node:child_process";

function missingPackages() {
  if (!existsSync("node_modules")) return ["node_modules"];
  const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
  const out = [];
  for (const [dir, meta] of Object.entries(lock.packages ?? {})) {
    if (!dir.startsWith("node_modules/") || meta.optional || meta.link) continue;
    let version;
    try {
      version = JSON.parse(readFileSync(`${dir}/package.json`, "utf8")).version;
    } catch {
      version = undefined;
    }
    if (version !== meta.version) out.push(`${dir.slice("node_modules/".length)}@${meta.version}`);
  }
  return out;
}

const missing = missingPackages();
if (missing.length > 0) {
  const shown = missing.slice(0, 3).join(", ") + (missing.length > 3 ? `, … (${missing.length})` : "");
  if (existsSync("node_modules") && lstatSync("node_modules").isSymbolicLink()) {
    // npm ci would empty the folder the link points to, under everyone who shares it.
    console.error(`gosched: node_modules lacks ${shown}; it is a link to ${realpathSync("node_modules")}: run \`npm ci\` there`);
    process.exit(1);
  }
  console.error(`gosched: installing dependencies (npm ci; missing ${shown})…`);
  execSync("npm ci --no-audit --no-fund", { stdio: "inherit" });
}

#!/usr/bin/env node
// Checks the layer rules (docs/ARCHITECTURE.md, "Layers"): which folders of src/ may import which, and that
// the core (everything that must run in a browser Web Worker) imports nothing from node:*.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const src = join(root, "src");

// layer → layers it may import (itself always allowed).
const allowed = {
  base: [],
  sim: ["base"],
  runtime: ["base", "sim"],
  profiles: ["base", "runtime", "policies"],
  policies: ["base", "runtime"],
  workloads: ["base", "runtime", "profiles"],
  observers: ["base", "runtime", "sim", "profiles", "(root)"],
  gotrace: ["base"],
  explain: [],
  scenario: ["base", "runtime", "profiles", "policies", "workloads", "(root)"],
  validation: ["base", "runtime", "profiles", "policies", "workloads", "observers", "(root)"],
  "(root)": ["base", "sim", "runtime", "profiles", "policies", "workloads", "observers", "gotrace", "explain", "scenario"],
  cli: "*",
  ui: "*",
};
const nodeFree = new Set(["base", "sim", "runtime", "profiles", "policies", "workloads", "observers", "gotrace", "explain", "scenario", "validation", "(root)"]);

function layerOf(file) {
  const rel = relative(src, file).split("/");
  return rel.length === 1 ? "(root)" : rel[0];
}

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (p.endsWith(".ts")) yield p;
  }
}

const problems = [];
for (const file of walk(src)) {
  const layer = layerOf(file);
  const text = readFileSync(file, "utf8");
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^;]*?from\s+["']([^"']+)["']/g)) {
    const spec = m[1];
    const where = relative(root, file);
    if (spec.startsWith("node:")) {
      if (nodeFree.has(layer)) problems.push(`${where}: the core must not import ${spec} (it runs in a browser worker)`);
      continue;
    }
    if (!spec.startsWith(".")) continue;
    const target = layerOf(resolve(dirname(file), spec));
    const ok = allowed[layer];
    if (ok === undefined) problems.push(`${where}: folder src/${layer} is not in the layer table (tools/check_imports.mjs)`);
    else if (ok !== "*" && target !== layer && !ok.includes(target)) problems.push(`${where}: ${layer} may not import ${target} (${spec})`);
  }
}
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}

// The repository stands on its own: no tracked file points at material outside it (a reference
// folder beside the clone, an absolute path of one machine) or at a document users do not have.
// Our docs are cited by repo path, so every `docs/<name>.md` a tracked file names must exist.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

// Built from pieces so that this file does not name what it forbids.
const dots = "\\.\\.";
const FORBIDDEN: { name: string; re: RegExp }[] = [
  { name: "a folder beside the clone", re: new RegExp(`${dots}/shared\\b`) },
  { name: "the reference folder", re: new RegExp(`(?<![\\w.])shared/(docs|calibration|go-testdata|seed)\\b`) },
  { name: "an absolute path of this machine", re: new RegExp(["/" + "work/", "/" + "home/", "/" + "root/", "/" + "Users/"].join("|")) },
  { name: "a document users do not have", re: new RegExp(["runtime-" + "model\\.md", "go-trace-" + "format\\.md", "style-" + "anchors"].join("|")) },
];

/** The problems in one file's text: forbidden references, and docs/*.md that do not exist. */
export function problems(text: string, exists: (repoPath: string) => boolean): string[] {
  const out: string[] = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    for (const f of FORBIDDEN) {
      const m = f.re.exec(line);
      if (m) out.push(`line ${i + 1}: ${f.name} ("${m[0]}")`);
    }
    for (const m of line.matchAll(/(?<![\w./-])docs\/([\w.-]+\.md)\b/g)) {
      if (!exists(`docs/${m[1]}`)) out.push(`line ${i + 1}: names docs/${m[1]}, which the repository does not have`);
    }
  });
  return out;
}

/** Tracked files: `git ls-files`; outside a git checkout (an unpacked tarball), the file tree. */
function trackedFiles(): string[] {
  try {
    const out = execFileSync("git", ["ls-files", "-z"], { cwd: repo, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const files = out.split("\0").filter((f) => f !== "");
    if (files.length > 0) return files;
  } catch {
    // not a git checkout, or no git: walk the tree instead
  }
  const skip = new Set([".git", "node_modules", "dist", "ui-dist", ".validation-cache"]);
  const files: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(repo, rel))) {
      if (skip.has(name)) continue;
      const p = rel === "" ? name : `${rel}/${name}`;
      if (statSync(join(repo, p)).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk("");
  return files;
}

test("the checker flags what it must and passes what it must", () => {
  const none = (): boolean => false;
  const all = (): boolean => true;
  assert.equal(problems("read ." + "./shared/x.csv", all).length, 1);
  assert.equal(problems("read shared/" + "calibration/x.csv", all).length, 1);
  assert.equal(problems("a/shared/x and testdata/go/_shared/y", all).length, 0);
  assert.equal(problems("const p = '/" + "work/main/x';", all).length, 1);
  assert.equal(problems("see runtime-" + "model.md §8", all).length, 1);
  assert.equal(problems("see docs/" + "nope.md", none).length, 1);
  assert.deepEqual(problems("see docs/model.md and testdata/go/_shared/gosched_measure.go", all), []);
  assert.deepEqual(problems("/usr/lib/go-1.19/bin/go; runtime/proc.go: exitsyscallfast", none), []);
});

test("no tracked file names anything outside the repository", () => {
  const files = trackedFiles();
  assert.ok(files.includes("package.json") && files.includes("README.md"), `file list looks wrong: ${files.length} files`);
  const exists = (p: string): boolean => existsSync(join(repo, p));
  const found: string[] = [];
  let checked = 0;
  for (const f of files) {
    if (f.startsWith("testdata/go-trace/")) continue; // Go's files, vendored unchanged
    const path = join(repo, f);
    if (!existsSync(path) || !statSync(path).isFile()) continue; // deleted but not yet committed
    const bytes = readFileSync(path);
    if (bytes.includes(0)) continue; // binary
    checked++;
    for (const p of problems(bytes.toString("utf8"), exists)) found.push(`${f}: ${p}`);
  }
  assert.ok(checked > 100, `only ${checked} text files checked`);
  assert.deepEqual(found, []);
});

// gosched --version / -V / version: what they print, checked against package.json, Node, and the
// headers of the vendored Go traces (testdata/go-trace), which the reader must list as read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const gosched = (...args: string[]) => spawnSync(process.execPath, [`${root}bin/gosched.js`, ...args], { encoding: "utf8" });
const pkgVersion = (JSON.parse(readFileSync(`${root}package.json`, "utf8")) as { version: string }).version;

test("--version and -V print package.json's version, exit 0", () => {
  assert.match(pkgVersion, /^\d+\.\d+\.\d+/);
  for (const flag of ["--version", "-V"]) {
    const r = gosched(flag);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${pkgVersion}\n`);
  }
});

test("gosched version: the version, Node's, the profiles and the trace headers read", () => {
  const r = gosched("version");
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines[0], `gosched ${pkgVersion}`);
  assert.equal(lines[1], `node ${process.version}`);
  const profiles = /^Go version profiles: (.+)$/.exec(lines[2] ?? "");
  assert.ok(profiles, r.stdout);
  // The profiles `run --profile` accepts (its error lists them); go1.19 is the reference.
  assert.ok(profiles[1]!.split(", ").includes("go1.19"));
  const bad = gosched("run", "--profile", "go1.5");
  assert.equal(bad.status, 2, "an unlisted profile is refused");
  assert.match(bad.stderr, new RegExp(`expected one of:? ${profiles[1]!.replace(/\./g, "\\.")}\\b`));
  const traces = /^Go execution traces read: headers go (.+) \(old format\), go (.+) \(new format\)/.exec(lines[3] ?? "");
  assert.ok(traces, r.stdout);
  const old = traces[1]!.split(", ");
  const neu = traces[2]!.split(", ");
  // The vendored Go traces' own headers are among them.
  for (const f of readdirSync(`${root}testdata/go-trace/old-format`)) {
    const header = /^go (1\.\d+) trace/.exec(readFileSync(`${root}testdata/go-trace/old-format/${f}`, "latin1"));
    assert.ok(header && old.includes(header[1]!), `${f}: header ${header?.[1]} not in ${old.join(", ")}`);
  }
  for (const f of readdirSync(`${root}testdata/go-trace/new-format`)) {
    const header = /^Trace Go(1\.\d+)$/m.exec(readFileSync(`${root}testdata/go-trace/new-format/${f}`, "utf8"));
    assert.ok(header && neu.includes(header[1]!), `${f}: header ${header?.[1]} not in ${neu.join(", ")}`);
  }
  assert.ok(!old.includes("1.10") && !neu.includes("1.10"), "1.5–1.10 headers are not read");
});

test("--help says how to get the version", () => {
  const h = gosched("--help");
  assert.equal(h.status, 0);
  assert.match(h.stdout, /-V, --version/);
  assert.match(h.stdout, /gosched version/);
});

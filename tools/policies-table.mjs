#!/usr/bin/env node
// Regenerates the tables in docs/policies.md (every syscall policy on every example, via
// `gosched compare <example> --policy … --json`) and docs/profiles.md (every version profile, via
// `--vs profile=…`). Run after `npm run build`:
//   node tools/policies-table.mjs           print both tables
//   node tools/policies-table.mjs --write   rewrite them in place between the table markers
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";

const profiles = ["go1.10", "go1.19", "go1.23", "go1.26", "go1.27"];
const policies = ["sysmon-retake", "immediate-handoff", "never-retake", "dedicated-syscall-thread", "sysmon-tick=1ms"];
// Examples with variants: the variant that uses Syscall (or the one the comparison is about); the
// thread-limit example is fatal by design.
const variantOf = {
  "default.yaml": "Syscall",
  "sysmon-retake-latency.yaml": "Syscall",
  "netpoll-server.yaml": "blocking-read",
  "lockosthread.yaml": "locked",
  "tight-loop-preemption.yaml": "go1.19",
};
const skip = new Set(["thread-limit.yaml", "gomaxprocs-sweep.yaml"]);

const fmtNs = (ns) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(1)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(1)} µs` : `${ns} ns`);
const examples = readdirSync("examples").filter((f) => f.endsWith(".yaml") && !skip.has(f)).sort();

function compare(file, extra) {
  const args = ["bin/gosched.js", "compare", `examples/${file}`, ...extra, "--json"];
  if (variantOf[file] !== undefined) args.push("--variant", variantOf[file]);
  return JSON.parse(execFileSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 26 })).runs;
}

const policyRows = [];
const profileRows = [];
for (const file of examples) {
  const name = file.replace(".yaml", "");
  for (const r of compare(file, ["--policy", policies.join(",")])) {
    const m = r.metrics;
    policyRows.push(`| ${name} | ${r.label} | ${m.threadsCreated} | ${fmtNs(m.schedLatencyNs.p50Ns)} | ${fmtNs(m.schedLatencyNs.p99Ns)} | ${m.threadWakeups} | ${fmtNs(m.makespanNs)} |`);
  }
  const runs = compare(file, ["--profile", "go1.19", ...profiles.filter((p) => p !== "go1.19").flatMap((p) => ["--vs", `profile=${p}`])]);
  runs.forEach((r, i) => {
    const m = r.metrics;
    const label = i === 0 ? "go1.19" : r.label.replace("profile=", "");
    profileRows.push(`| ${name} | ${label} | ${m.threadsCreated} | ${m.syscalls.lostP}/${m.syscalls.total} | ${m.handoffs.sysmonRetake} | ${m.handoffs.blockingSyscall} | ${fmtNs(m.schedLatencyNs.p99Ns)} | ${fmtNs(m.makespanNs)} |`);
  });
}
const tables = {
  "docs/policies.md": [
    "| example | policy | threads created | sched latency p50 | sched latency p99 | thread wake-ups | makespan |",
    "|---|---|---:|---:|---:|---:|---:|",
    ...policyRows,
  ].join("\n"),
  "docs/profiles.md": [
    "| example | profile | threads created | calls that lost their P | sysmon retakes | entersyscallblock handoffs | sched latency p99 | makespan |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
    ...profileRows,
  ].join("\n"),
};

for (const [path, table] of Object.entries(tables)) {
  if (process.argv.includes("--write")) {
    const doc = readFileSync(path, "utf8");
    const start = doc.indexOf("<!-- table:start -->");
    const end = doc.indexOf("<!-- table:end -->");
    if (start < 0 || end < 0) throw new Error(`${path} lacks the table markers`);
    writeFileSync(path, `${doc.slice(0, start)}<!-- table:start -->\n${table}\n${doc.slice(end)}`);
  } else process.stdout.write(`${path}\n${table}\n\n`);
}

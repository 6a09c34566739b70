#!/usr/bin/env node
// Regenerates the accuracy table of docs/validation.md (between the GENERATED markers):
//   node tools/validation-table.mjs            from the stored measurements testdata/go/results-go*.json,
//                                              predicted for the machine of testdata/go/calibration.json
//   node tools/validation-table.mjs --live     after calibrating this machine and re-measuring the whole
//                                              matrix first (tools/run-go-validation.mjs --go all --matrix
//                                              full; ~15 min per toolchain on 2 vCPUs)
// Needs a build (npm run build). The predictions come from the current model.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const doc = path.join(root, "docs", "validation.md");
const dir = path.join(root, "testdata", "go");
const calibration = path.join(dir, "calibration.json");
const gosched = path.join(root, "bin", "gosched.js");
if (process.argv.includes("--live")) {
  execFileSync(process.execPath, [gosched, "calibrate", "--write", calibration], { stdio: "inherit" });
  execFileSync(process.execPath, [path.join(root, "tools", "run-go-validation.mjs"), "--go", "all", "--matrix", "full", "--out", path.join(dir, "results.json")], { stdio: "inherit" });
  for (const f of fs.readdirSync(dir)) {
    const m = /^results-(go\d+\.\d+)\.\d+.*\.json$/.exec(f); // results-go1.23.4.json → results-go1.23.json
    if (m) fs.renameSync(path.join(dir, f), path.join(dir, `results-${m[1]}.json`));
  }
}
const files = fs
  .readdirSync(dir)
  .filter((f) => /^results-go\d+\.\d+\.json$/.test(f))
  .sort((a, b) => a.localeCompare(b, "en", { numeric: true }))
  .map((f) => path.join(dir, f));
const costs = fs.existsSync(calibration) ? ["--costs", calibration] : [];
const args = [gosched, "validate", "--json", ...costs, ...files.flatMap((f) => ["--measured", f])];
const json = (() => {
  try {
    return execFileSync(process.execPath, args, { encoding: "utf8", maxBuffer: 256 << 20 });
  } catch (e) {
    if (e.status === 1 && e.stdout) return e.stdout; // cells out of tolerance: the table shows them
    throw e;
  }
})();
const { results } = JSON.parse(json);
const { formatMarkdown } = await import(path.join(root, "dist", "src", "validation", "index.js"));
const r = `${goals(results)}\n\n${formatMarkdown(results)}`;
if (process.argv.includes("--json")) fs.writeFileSync(process.argv[process.argv.indexOf("--json") + 1], json);

/** The goals, read off the results: the share of metric cells inside, the seed workload within ±15 %. */
function goals(rs) {
  const out = ["**Goals** (issue #14):", ""];
  for (const v of [...new Set(rs.map((x) => x.goVersion))]) {
    const ms = rs.filter((x) => x.goVersion === v).flatMap((x) => x.metrics.filter((m) => m.verdict === "PASS" || m.verdict === "FAIL"));
    const inside = ms.filter((m) => m.verdict === "PASS").length;
    const seed = rs.filter((x) => x.goVersion === v && / -g 256 -d 1000 -n 100$/.test(x.id));
    const within = (key) =>
      seed
        .map((x) => {
          const m = x.metrics.find((y) => y.key === key);
          const ratio = m.predicted / m.measured[0];
          return `${/-procs (\d+)/.exec(x.id)[1]}: ${ratio.toFixed(2)}${Math.abs(ratio - 1) <= 0.15 ? "" : " ✗"}`;
        })
        .join(", ");
    out.push(
      `- ${v}: ${inside} of ${ms.length} metric cells inside tolerance (${((100 * inside) / ms.length).toFixed(1)} %; goal ≥ 90 %). ` +
        `Seed workload, predicted / measured median by GOMAXPROCS (goal within ±15 %, ✗ = outside): makespan ${within("makespanNs")}; threads created ${within("threadsCreated")}.`,
    );
  }
  return out.join("\n");
}

// Where and when: each results file's machine, date and load, and the calibration used.
const where = files.map((f) => {
  const j = JSON.parse(fs.readFileSync(f, "utf8"));
  const m = j.machine ?? {};
  const load = Array.isArray(j.loadAverage) ? `, 1-min load average ${j.loadAverage.join(" → ")} (the VM is shared)` : "";
  const again = (j.remeasured ?? []).map((r) => `; ${r.programs.join(", ")} measured again ${String(r.date).slice(0, 16).replace("T", " ")} UTC`).join("");
  return `- \`${path.relative(root, f)}\`: ${j.goVersion}, measured ${String(j.date).slice(0, 16).replace("T", " ")} UTC on ${m.cpus} × ${m.cpu}, kernel ${m.kernel}${load}; ${j.cases.length} cases${again}`;
});
if (costs.length > 0) {
  const c = JSON.parse(fs.readFileSync(calibration, "utf8"));
  where.push(`- predictions for the machine of \`${path.relative(root, calibration)}\` (gosched calibrate with ${c.goVersion ?? "?"}, ${String(c.date ?? "").slice(0, 16).replace("T", " ")} UTC)`);
} else where.push("- predictions with the profiles' default machine (no testdata/go/calibration.json)");
const text = fs.readFileSync(doc, "utf8");
const begin = "<!-- GENERATED by tools/validation-table.mjs: do not edit by hand -->";
const end = "<!-- END GENERATED -->";
const i = text.indexOf(begin);
const j = text.indexOf(end);
if (i < 0 || j < i) throw new Error(`docs/validation.md lacks the ${begin} … ${end} markers`);
fs.writeFileSync(doc, `${text.slice(0, i + begin.length)}\n\n${where.join("\n")}\n\n${r.trim()}\n\n${text.slice(j)}`);
console.log(`docs/validation.md: table regenerated from ${files.map((f) => path.relative(root, f)).join(", ")}`);

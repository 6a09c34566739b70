// node --expose-gc dist/bench/limits.js: the memory behind docs/limits.md — bytes per live goroutine
// (parked on a channel, the case that grows without bound), bytes per thread (M), and the CPU time
// and memory of loading a scenario file at the size limit. Each case runs in its own process.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { maxScenarioBytes } from "../src/base/limits.js";
import { loadScenario } from "../src/scenario/index.js";
import { simulate } from "../src/simulate.js";

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

function goroutines(n: number): string {
  return `settings: { maxGoroutines: 20000000 }\nchannels: { never: 0 }\nprograms:\n  b: [{recv: never}]\n  w:\n    - repeat: { count: ${n}, do: [{go: b}] }\n    - recv: never\ngoroutines: [{program: w}]\n`;
}

function threads(n: number): string {
  return `settings: { constants: { maxmcount: 100000 } }\nprograms:\n  w: [{blockingSyscall: 10s}]\ngoroutines: [{program: w, count: ${n}}]\n`;
}

/** A scenario of many small programs, just under the size limit. */
function bigScenario(): string {
  let s = "programs:\n";
  for (let i = 0; s.length < maxScenarioBytes - 200; i++) s += `  p${i}:\n    - compute: 1ms\n    - syscall: { duration: 2ms, site: s${i} }\n    - repeat: { count: 3, do: [gosched, {sleep: 1ms}] }\n`;
  return `${s}goroutines:\n  - program: p0\n`;
}

function measure(kind: string, n: number): void {
  if (kind === "load") {
    const text = bigScenario();
    gc();
    const cpu0 = process.cpuUsage();
    loadScenario(text, "big.yaml");
    const cpu = process.cpuUsage(cpu0);
    console.log(`load ${text.length} bytes: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU, peak RSS ${(process.resourceUsage().maxRSS / 1e3).toFixed(0)} MB`);
    return;
  }
  const sc = loadScenario(kind === "g" ? goroutines(n) : threads(n), "bench.yaml");
  gc();
  const before = process.memoryUsage();
  const sim = simulate({ ...sc.runs[0]!.options, maxEvents: 1e9 });
  gc();
  const after = process.memoryUsage();
  const retained = after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers;
  const count = kind === "g" ? sim.runtime.liveGoroutines : sim.runtime.allm.length;
  const rssGrowth = process.resourceUsage().maxRSS * 1e3 - before.rss;
  console.log(`${kind === "g" ? "goroutines" : "threads"} ${count}: ${(retained / count).toFixed(0)} B retained each, ${(rssGrowth / count).toFixed(0)} B of peak RSS growth each`);
}

const [kind, n] = process.argv.slice(2);
if (kind !== undefined) measure(kind, Number(n));
else {
  const self = fileURLToPath(import.meta.url);
  for (const [k, x] of [["g", 1e6], ["g", 4e6], ["m", 1e4], ["m", 5e4], ["load", 0]] as const) {
    const r = spawnSync(process.execPath, ["--expose-gc", self, k, String(x)], { encoding: "utf8" });
    process.stdout.write(r.stdout + r.stderr);
  }
}

// Property: a mutated scenario (the examples, with YAML tokens, extreme numbers, aliases, brackets and
// indentation thrown in, lines cut, doubled or swapped) either compiles or is refused with a
// ScenarioError naming file:line:col — never another exception, a Node warning or unbounded work.
// The ones that still compile run 1,000 events with the invariants checked after each.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { GoschedError } from "../../src/base/errors.js";
import { loadScenario, ScenarioError } from "../../src/scenario/index.js";
import { simulate } from "../../src/simulate.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const examples = readdirSync(join(root, "examples"))
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((f) => readFileSync(join(root, "examples", f), "utf8"));

const tokens = [
  "*a", "&a ", "&a [x, *a]", "*nope", "? [k]\n: v", "[", "]", "{", "}", ": ", "- ", "\t", "\0", "'", '"', "#", "|", ">", "!!str ", "!tag ", "%YAML 1.1\n",
  "2147483648", "4294967301", "1e400", "-1", "1e30", ".inf", ".nan", "1e400ms", "1e300h", "1e18h", "0", "0.5", "99999999999999999999",
  "${x}", "${", "count: 2147483648", "sleep: 1e400s", "timer: {chan: c, duration: 1ms}", "go: w", "repeat: {count: 3, do: [gosched]}",
  "[[[[[[[[[[", "]]]]]]]]]]", "\n  ", "\n", "\r", "\ufeff", "\u00e9", "null", "~", "true",
];
const numbers = ["2147483648", "4294967301", "1e400", "-1", "0", "1e16", "9007199254740993", ".inf", "1e-300", "3.5"];

type Mutation = (s: string) => string;
const at = (s: string, f: number) => Math.floor(f * (s.length + 1));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...tokens)).map(([f, t]) => (s: string) => s.slice(0, at(s, f)) + t + s.slice(at(s, f))),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 40 })).map(([f, n]) => (s: string) => s.slice(0, at(s, f)) + s.slice(at(s, f) + n)),
  fc.tuple(fc.nat(), fc.constantFrom(...numbers)).map(([k, v]) => (s: string) => {
    const m = [...s.matchAll(/\b\d+(\.\d+)?/g)];
    if (m.length === 0) return s;
    const x = m[k % m.length]!;
    return s.slice(0, x.index) + v + s.slice(x.index + x[0].length);
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([i, j]) => (s: string) => {
    const l = s.split("\n");
    const a = i % l.length;
    const b = j % l.length;
    [l[a], l[b]] = [l[b]!, l[a]!];
    return l.join("\n");
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 200 })).map(([i, n]) => (s: string) => {
    const l = s.split("\n");
    const a = i % l.length;
    l.splice(a, 0, ...Array<string>(n > 20 ? 2 : n).fill(l[a]!));
    return l.join("\n");
  }),
  fc.tuple(fc.nat(), fc.integer({ min: -4, max: 8 })).map(([i, d]) => (s: string) => {
    const l = s.split("\n");
    const a = i % l.length;
    l[a] = d >= 0 ? " ".repeat(d) + l[a]! : l[a]!.slice(-d);
    return l.join("\n");
  }),
  fc.double({ min: 0, max: 1, noNaN: true }).map((f) => (s: string) => s.slice(0, at(s, f))),
);

const runs = Number(process.env.GOSCHED_MUTANTS ?? 5000);

test(`${runs} mutated scenarios: compiled, or refused with file:line:col`, () => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on("warning", onWarning);
  const tally = { refused: 0, compiled: 0, ran: 0 };
  try {
    fc.assert(
      fc.property(fc.nat({ max: examples.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (which, ms) => {
        const text = ms.reduce((s, m) => m(s), examples[which]!);
        const cpu0 = process.cpuUsage();
        let sc;
        try {
          sc = loadScenario(text, "mutant.yaml");
        } catch (e) {
          if (!(e instanceof GoschedError)) throw new Error(`not a GoschedError: ${String(e)}\n--- mutant ---\n${text}`);
          // A scenario error is positioned in the file (line ≥ 1); an option error names its source.
          if (e instanceof ScenarioError && e.where.source === undefined) assert.ok(e.where.line >= 1 && e.where.col >= 1, e.message);
          assert.match(e.message, /^mutant\.yaml(:\d+:\d+)?: /, e.message);
          tally.refused++;
          return;
        } finally {
          const cpu = process.cpuUsage(cpu0);
          assert.ok(cpu.user + cpu.system < 5e6, "more than 5 s of CPU for one mutant");
        }
        tally.compiled++;
        for (const r of sc.runs.slice(0, 2)) {
          const sim = simulate({ ...r.options, maxEvents: 1000, check: true });
          assert.ok(sim.result.eventCount <= 1000);
          tally.ran++;
        }
      }),
      { numRuns: runs, seed: 19 },
    );
  } finally {
    process.off("warning", onWarning);
  }
  assert.deepEqual(warnings, []);
  // Both outcomes occur: the mutations are neither all harmless nor all fatal.
  assert.ok(tally.refused > runs / 10 && tally.compiled > runs / 20, JSON.stringify(tally));
  process.stderr.write(`mutants: ${JSON.stringify(tally)}\n`);
});

// Running the CLI in this process (fast: no Node start-up per call) and what every rejection of bad
// input must look like.
import assert from "node:assert/strict";
import { main } from "../../src/cli/main.js";

/** Runs the CLI in this process, capturing what it prints. */
export async function cliInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  // The CLI writes strings; node:test's own reporting (a subprocess protocol) writes Buffers, and
  // may do so while main awaits (commands are loaded on demand): those pass through.
  process.stdout.write = ((c: string | Uint8Array) => (typeof c === "string" ? (out.push(c), true) : ow(c))) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => (typeof c === "string" ? (err.push(c), true) : ew(c))) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout: out.join(""), stderr: err.join("") };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}

/** The assertions every bad input must pass: exit 2, a position, no stack. */
export function assertCleanRejection(r: { code: number; stderr: string }, file: string): void {
  assert.equal(r.code, 2, `${file}: exit ${r.code}, expected 2\n${r.stderr}`);
  assert.match(r.stderr, /^gosched: /, r.stderr);
  assert.ok(!/\n\s+at .*(\.js|\.ts|node:)/.test(r.stderr), `${file}: a stack trace\n${r.stderr}`);
  assert.ok(!/internal error|invariant/.test(r.stderr), `${file}: ${r.stderr}`);
  assert.ok(!/\(node:\d+\) Warning/.test(r.stderr), `${file}: a Node warning\n${r.stderr}`);
}


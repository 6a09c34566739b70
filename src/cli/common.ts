// Shared by the CLI commands: reading scenario files, overrides from flags, printing.
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { GoschedError } from "../base/errors.js";
import { maxScenarioBytes } from "../base/limits.js";
import { parseScenario, useAjv, usePrecompiledValidator, type Override, type ParsedScenario } from "../scenario/core.js";
import type { AjvClass } from "../scenario/load.js";
import { optionTable, type CliOptions } from "./options.js";

/** examples/default.yaml of the installed package (dist/src/cli → package root). */
export const defaultScenarioPath = (): string => fileURLToPath(new URL("../../../examples/default.yaml", import.meta.url));

// ajv explains a document the precompiled validator rejects (and validates without one): required
// then, synchronously, not loaded at start-up (scenario/core.ts).
useAjv(() => (createRequire(import.meta.url)("ajv") as { Ajv: AjvClass }).Ajv);

/**
 * Loads the scenario validator precompiled at build time (tools/gen-schema-validator.mjs) instead
 * of compiling the schema with ajv at start-up; without it (a plain tsc build) nothing changes.
 */
export async function usePrecompiledSchema(): Promise<void> {
  try {
    const m = (await import(new URL("../scenario/schema_validator.js", import.meta.url).href)) as { validate: (data: unknown) => boolean };
    usePrecompiledValidator(m.validate);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ERR_MODULE_NOT_FOUND") throw e;
  }
}

export function readScenario(file: string): { text: string; parsed: ParsedScenario } {
  let text: string;
  try {
    // Refused before parsing: loading takes ~240× the file's size in memory (docs/limits.md). Read
    // with a bound, so a pipe or a device without end (/dev/zero) is refused too.
    if (statSync(file).isDirectory()) throw new GoschedError("FILE_NOT_FOUND", `${file}: is a folder, not a scenario file`);
    text = readBounded(file, maxScenarioBytes);
  } catch (e) {
    if (e instanceof GoschedError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new GoschedError("FILE_NOT_FOUND", code === "ENOENT" ? `${file}: no such file` : `${file}: cannot read (${code ?? String(e)})`);
  }
  return { text, parsed: parseScenario(text, file) };
}

function readBounded(file: string, maxBytes: number): string {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(maxBytes + 1);
    let n = 0;
    for (let r; n < buf.length && (r = readSync(fd, buf, n, buf.length - n, null)) > 0; ) n += r;
    if (n > maxBytes) throw new GoschedError("FILE_NOT_FOUND", `${file}: larger than ${maxBytes} bytes; a scenario file may be at most 1 MiB (docs/limits.md)`);
    return buf.toString("utf8", 0, n);
  } finally {
    closeSync(fd);
  }
}

/** Overrides from the setting flags (--gomaxprocs …) and --set, in the table's order. */
export function overridesFrom(o: CliOptions): Override[] {
  const out: Override[] = [];
  for (const def of optionTable) {
    if (!("setting" in def)) continue;
    const v = (o as Record<string, unknown>)[def.key];
    if (v === undefined) continue;
    out.push({ key: def.setting, value: String(v), source: `${def.flags.split(" ")[0]!} ${String(v)}` });
  }
  for (const s of o.set ?? []) out.push(parseAssignment(s, "--set"));
  return out;
}

export function parseAssignment(s: string, flag: string): Override {
  const i = s.indexOf("=");
  if (i <= 0) throw new GoschedError("OPTION_INVALID", `${flag} ${s}: expected key=value`);
  return { key: s.slice(0, i).trim(), value: s.slice(i + 1).trim(), source: `${flag} ${s}` };
}

export const out = (text: string): void => {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
};

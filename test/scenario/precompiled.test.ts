// The scenario validator precompiled at build time (tools/gen-schema-validator.mjs → dist/src/
// scenario/schema_validator.js): current with the schema, and deciding like ajv's own compile of it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { scenarioSchema, validatorOptions } from "../../src/scenario/schema.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const generated = `${root}dist/src/scenario/schema_validator.js`;

test("the precompiled validator is current: regenerating it gives the same file", () => {
  const r = spawnSync(process.execPath, [`${root}tools/gen-schema-validator.mjs`, "--stdout"], { encoding: "utf8", cwd: root });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, readFileSync(generated, "utf8"), "stale: run npm run build");
});

test("the precompiled validator accepts and rejects what ajv's compile of the schema does", async () => {
  const { validate } = (await import(generated)) as { validate: (d: unknown) => boolean };
  const reference = new Ajv(validatorOptions).compile(scenarioSchema);
  const docs: unknown[] = readdirSync(`${root}examples`).filter((f) => f.endsWith(".yaml")).map((f) => parse(readFileSync(`${root}examples/${f}`, "utf8")));
  // Broken variants of a valid document: each must be rejected by both.
  const base = docs[0] as Record<string, unknown>;
  const broken = [
    { ...base, settings: { gomaxprocs: "four" } },
    { ...base, unknownKey: 1 },
    { ...base, programs: 3 },
    { name: "no programs" },
  ];
  let accepted = 0;
  for (const d of docs) {
    assert.equal(validate(d), reference(d));
    if (reference(d)) accepted++;
  }
  // (The schema checks the document load.ts builds, after ${param} substitution: an example using
  // params may fail it as raw YAML — both validators must still agree on it.)
  assert.ok(accepted >= docs.length - 2, `${accepted} of ${docs.length} examples accepted as raw YAML`);
  for (const d of broken) {
    assert.equal(reference(d), false);
    assert.equal(validate(d), false);
  }
});

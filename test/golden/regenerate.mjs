#!/usr/bin/env node
// Regenerates test/golden/*.golden from test/golden/*.yaml (build first: npx tsc -p tsconfig.json).
// Review the diff against the runtime's rules (test/writers/golden.test.ts says what each line means).
import { writeFileSync } from "node:fs";
import path from "node:path";
import { goldenDir, goldenNames, goldenText } from "../../dist/test/writers/golden.js";

for (const name of goldenNames) {
  const out = path.join(goldenDir(), `${name}.golden`);
  writeFileSync(out, goldenText(name));
  console.log(`wrote ${out}`);
}

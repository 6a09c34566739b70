// The package's version (package.json), read without loading anything else: `gosched --version`
// and the sweep part files need it at start-up.
import { readFileSync } from "node:fs";

/** The version in the package's package.json (this file runs from dist/src/cli/). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version?: unknown };
  return typeof pkg.version === "string" ? pkg.version : "unknown";
}

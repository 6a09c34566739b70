// gosched --version / -V: the package's version. gosched version: also Node's version, the Go
// version profiles the simulator has and the trace headers the reader accepts — each taken from
// the code (package.json, profiles/index.ts, the reader itself), never from a copy.
import { detectFormat } from "../gotrace/reader.js";
import { profileNames } from "../profiles/index.js";
import { out } from "./common.js";
import { exitCodes } from "./options.js";
import { packageVersion } from "./package_version.js";

export { packageVersion } from "./package_version.js";

/** The trace headers ("go 1.NN trace") the reader accepts, by format: asked of the reader's header check. */
export function traceVersionsRead(): { old: string[]; new: string[] } {
  const found: { old: string[]; new: string[] } = { old: [], new: [] };
  for (let minor = 0; minor <= 99; minor++) {
    const header = new Uint8Array(16);
    const s = `go 1.${minor} trace`;
    for (let i = 0; i < s.length; i++) header[i] = s.charCodeAt(i);
    try {
      found[detectFormat(header).format].push(`1.${minor}`);
    } catch {
      // a header the reader rejects
    }
  }
  return found;
}

export function versionReport(): string {
  const t = traceVersionsRead();
  return [
    `gosched ${packageVersion()}`,
    `node ${process.version}`,
    `Go version profiles: ${profileNames.join(", ")}`,
    `Go execution traces read: headers go ${t.old.join(", ")} (old format), go ${t.new.join(", ")} (new format); also their text forms (gosched trace --help)`,
  ].join("\n");
}

export function versionCommand(): number {
  out(versionReport());
  return exitCodes.ok;
}

// A mistake in a scenario (or in an override given on the command line), with where it is: the file,
// line and column, the field path, and what was expected. The CLI prints the message and exits 2.
import { GoschedError, type ErrorCode } from "../base/errors.js";

export interface Where {
  readonly file: string;
  /** 1-based; 0 when the value came from the command line. */
  readonly line: number;
  readonly col: number;
  /** Set when the value came from the command line (e.g. "--vs gomaxprocs=x"). */
  readonly source?: string;
}

export class ScenarioError extends GoschedError {
  constructor(
    code: ErrorCode,
    readonly where: Where,
    /** Field path in the scenario, e.g. programs.worker[1].syscall ("" for the whole file). */
    readonly path: string,
    /** What is wrong and what was expected. */
    readonly detail: string,
  ) {
    super(code, formatWhere(where, path, detail));
  }
}

function formatWhere(w: Where, path: string, detail: string): string {
  const at = w.source !== undefined ? `${w.file}: ${w.source}` : w.line > 0 ? `${w.file}:${w.line}:${w.col}` : w.file;
  return path === "" ? `${at}: ${detail}` : `${at}: ${path}: ${detail}`;
}

/** JSON pointer (as ajv reports paths) → the dotted form users read: programs.worker[1].syscall. */
export function displayPath(pointer: string): string {
  if (pointer === "") return "";
  let out = "";
  for (const raw of pointer.split("/").slice(1)) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (/^[0-9]+$/.test(seg)) out += `[${seg}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out;
}

export const pointerJoin = (base: string, seg: string | number): string => `${base}/${String(seg).replace(/~/g, "~0").replace(/\//g, "~1")}`;

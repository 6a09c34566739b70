// gosched explain [fn]: the catalog of runtime functions (src/explain/catalog.ts).
import { GoschedError } from "../base/errors.js";
import { catalog, explain, formatExplanation, formatQuestion, questions } from "../explain/catalog.js";
import { out } from "./common.js";
import { exitCodes, type CliOptions } from "./options.js";

export function explainCommand(fn: string | undefined, o: CliOptions): number {
  if (o.questions === true) {
    if (o.json === true) out(JSON.stringify(questions, null, 2));
    else out(questions.map(formatQuestion).join("\n"));
    return exitCodes.ok;
  }
  if (fn === undefined) {
    if (o.json === true) out(JSON.stringify(catalog.map((e) => e.fn)));
    else {
      out("Runtime functions gosched can explain (gosched explain <function>):\n");
      out(catalog.map((e) => `  ${e.fn.padEnd(28)} ${e.goFile}`).join("\n"));
      out(`\nQuestions answered (gosched explain --questions, or by id): ${questions.map((q) => q.id).join(", ")}`);
    }
    return exitCodes.ok;
  }
  const q = questions.find((x) => x.id === fn.toLowerCase());
  if (q !== undefined) {
    out(o.json === true ? JSON.stringify(q, null, 2) : formatQuestion(q));
    return exitCodes.ok;
  }
  const e = explain(fn);
  if (e === undefined) {
    const near = catalog.map((x) => x.fn).filter((n) => n.toLowerCase().includes(fn.toLowerCase().replace(/^runtime\./, "").slice(0, 5)));
    throw new GoschedError("OPTION_INVALID", `no explanation for '${fn}'${near.length > 0 ? ` (did you mean: ${near.slice(0, 6).join(", ")}?)` : ""}; 'gosched explain' lists them`);
  }
  out(o.json === true ? JSON.stringify(e, null, 2) : formatExplanation(e));
  return exitCodes.ok;
}

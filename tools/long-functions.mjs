// Lists the functions longer than a limit (default 80 lines), longest first:
//   node tools/long-functions.mjs [--max 80] [dir-or-file ...]   (default: src/gotrace)
// Counts every function-like node (declarations, methods, arrows, function expressions) from its
// first to its last line, nested functions included in their parent's count.
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

const argv = process.argv.slice(2);
const maxAt = argv.indexOf("--max");
const max = maxAt >= 0 ? Number(argv.splice(maxAt, 2)[1]) : 80;
const roots = argv.length > 0 ? argv : ["src/gotrace"];

function* files(p) {
  if (statSync(p).isDirectory()) for (const f of readdirSync(p).sort()) yield* files(path.join(p, f));
  else if (p.endsWith(".ts")) yield p;
}

function nameOf(node, sf) {
  if (node.name) return node.name.getText(sf);
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))) return parent.name.getText(sf);
  return "(anonymous)";
}

const rows = [];
for (const root of roots) {
  for (const file of files(root)) {
    const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (ts.isFunctionLike(node) && "body" in node && node.body) {
        const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
        const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
        const lines = last - first + 1;
        if (lines > max) rows.push({ file, name: nameOf(node, sf), line: first + 1, lines });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
}
rows.sort((a, b) => b.lines - a.lines);
for (const r of rows) console.log(`${String(r.lines).padStart(5)}  ${r.file}:${r.line}  ${r.name}`);
if (rows.length === 0) console.log(`no function over ${max} lines`);

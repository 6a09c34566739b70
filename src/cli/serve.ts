// gosched serve [scenario]: prints the scenario's report (as `gosched run` does), then serves the
// web UI (ui-dist/, built from src/ui by vite, rebuilt here when stale) on 127.0.0.1 and prints its
// URL. The server answers only on loopback and serves only files inside ui-dist/ (plus the scenario
// it was started with, from memory).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { basename, extname, isAbsolute, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { GoschedError } from "../base/errors.js";
import { defaultScenarioPath, readScenario } from "./common.js";
import { addOptions, exitCodes, subcommandTable } from "./options.js";
import { runCommand } from "./run.js";

/** The package root (dist/src/cli → root). */
export const packageRoot = (): string => fileURLToPath(new URL("../../../", import.meta.url));
export const uiDistDir = (): string => join(packageRoot(), "ui-dist");

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
  ".map": "application/json",
  ".yaml": "text/yaml; charset=utf-8",
};

export interface UiServerOptions {
  /** Directory of the built assets (default ui-dist/). */
  readonly root?: string;
  /** Served at /initial-scenario.yaml: the page loads and runs it first. */
  readonly initialScenario?: { readonly name: string; readonly text: string };
}

const loopbackHosts = new Set(["127.0.0.1", "localhost", "[::1]"]);

export function isLoopbackAddress(a: string | undefined): boolean {
  if (a === undefined) return false;
  return a === "::1" || a.startsWith("127.") || a.startsWith("::ffff:127.");
}

/**
 * Maps a request target to a file under root, or an HTTP status refusing it. Only origin-form
 * targets ("/path"); no "..", NUL or backslashes, no absolute or drive paths; the resolved file
 * (symlinks followed) must lie inside root.
 */
export function resolveAsset(root: string, target: string): { file: string } | { status: number } {
  if (!target.startsWith("/") || target.startsWith("//")) return { status: 400 };
  const path = target.split("?")[0]!.split("#")[0]!;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return { status: 400 };
  }
  if (decoded.includes("\0") || decoded.includes("\\") || decoded.startsWith("//")) return { status: 400 };
  const segs = decoded.split("/");
  if (segs.some((s) => s === ".." || s === ".")) return { status: 403 };
  const rel = decoded === "/" ? "index.html" : decoded.slice(1);
  if (isAbsolute(rel) || /^[a-zA-Z]:/.test(rel)) return { status: 403 };
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return { status: 404 };
  }
  const full = resolve(realRoot, rel);
  if (full !== realRoot && !full.startsWith(realRoot + sep)) return { status: 403 };
  let real: string;
  try {
    real = realpathSync(full);
  } catch {
    return { status: 404 };
  }
  if (!real.startsWith(realRoot + sep)) return { status: 403 };
  try {
    if (!statSync(real).isFile()) return { status: 404 };
  } catch {
    return { status: 404 };
  }
  return { file: real };
}

/**
 * The page runs only its own scripts, styles and worker, talks only to this server, and may not be
 * framed (clickjacking). Inline styles stay allowed: the timeline sets element styles from code.
 * 'unsafe-eval': ajv compiles the scenario schema into a validator function (new Function), in the
 * page and in its worker; no inline or foreign script is allowed.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export function createUiServer(o: UiServerOptions = {}): Server {
  const root = o.root ?? uiDistDir();
  const refuse = (res: ServerResponse, status: number) => {
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff", "content-security-policy": contentSecurityPolicy, "x-frame-options": "DENY" });
    res.end(`${status}\n`);
  };
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    if (!isLoopbackAddress(req.socket.remoteAddress)) return refuse(res, 403);
    // DNS rebinding: only loopback names in Host.
    const host = (req.headers.host ?? "").toLowerCase().replace(/:\d+$/, "");
    if (!loopbackHosts.has(host)) return refuse(res, 403);
    if (req.method !== "GET" && req.method !== "HEAD") return refuse(res, 405);
    const target = req.url ?? "/";
    const headers = { "x-content-type-options": "nosniff", "cache-control": "no-cache", "referrer-policy": "no-referrer", "content-security-policy": contentSecurityPolicy, "x-frame-options": "DENY" };
    if (target.split("?")[0] === "/initial-scenario.yaml") {
      if (o.initialScenario === undefined) return refuse(res, 404);
      res.writeHead(200, { ...headers, "content-type": types[".yaml"]!, "x-scenario-name": encodeURIComponent(o.initialScenario.name) });
      return res.end(req.method === "HEAD" ? undefined : o.initialScenario.text);
    }
    const r = resolveAsset(root, target);
    if ("status" in r) return refuse(res, r.status);
    let body: Buffer;
    try {
      body = readFileSync(r.file);
    } catch {
      return refuse(res, 404);
    }
    res.writeHead(200, { ...headers, "content-type": types[extname(r.file)] ?? "application/octet-stream", "content-length": body.length });
    res.end(req.method === "HEAD" ? undefined : body);
  });
}

/** Listens on 127.0.0.1 (port 0: any free port); resolves to the bound port. */
export function listenLoopback(server: Server, port: number): Promise<number> {
  return new Promise((ok, fail) => {
    const onError = (e: Error) => fail(e);
    server.once("error", onError);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", onError);
      const a = server.address();
      ok(typeof a === "object" && a !== null ? a.port : port);
    });
  });
}

function newestMtime(dir: string, exts: readonly string[]): number {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newestMtime(p, exts));
    else if (exts.includes(extname(e.name))) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** True when ui-dist/ is missing or older than the sources it is built from. */
export function uiStale(root = packageRoot()): boolean {
  const index = join(root, "ui-dist", "index.html");
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const src = Math.max(newestMtime(join(root, "src"), [".ts", ".html", ".css"]), newestMtime(join(root, "examples"), [".yaml"]));
  const cfg = existsSync(join(root, "vite.config.ts")) ? statSync(join(root, "vite.config.ts")).mtimeMs : 0;
  return Math.max(src, cfg) > built;
}

/**
 * Builds the UI when stale: type-checks src/ui (tsconfig.ui.json) and runs vite build. Output goes to
 * stderr so stdout stays the report. Throws when the build tools are missing or the build fails.
 */
export function ensureUiBuilt(root = packageRoot(), log: (s: string) => void = (s) => process.stderr.write(s)): boolean {
  if (!uiStale(root)) return false;
  const vite = join(root, "node_modules", "vite", "bin", "vite.js");
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  if (!existsSync(vite)) {
    if (existsSync(join(root, "ui-dist", "index.html"))) return false; // installed without dev tools: use what is there
    throw new GoschedError("FILE_NOT_FOUND", "the web UI is not built (ui-dist/ is missing) and vite is not installed: run npm install, then npm start");
  }
  log("gosched: building the web UI (vite build)…\n");
  const opts = { cwd: root, stdio: ["ignore", process.stderr, process.stderr] as ["ignore", NodeJS.WriteStream, NodeJS.WriteStream] };
  if (existsSync(tsc) && existsSync(join(root, "tsconfig.ui.json"))) {
    const t = spawnSync(process.execPath, [tsc, "-p", "tsconfig.ui.json"], opts);
    if (t.status !== 0) throw new GoschedError("FILE_NOT_FOUND", "the web UI does not type-check (tsc -p tsconfig.ui.json)");
  }
  const r = spawnSync(process.execPath, [vite, "build"], opts);
  if (r.status !== 0) throw new GoschedError("FILE_NOT_FOUND", "vite build failed");
  return true;
}

export interface ServeCliOptions {
  port?: number;
  report?: boolean;
  build?: boolean;
}

export async function serve(file: string | undefined, o: ServeCliOptions): Promise<number> {
  if (o.port !== undefined && (o.port < 0 || o.port > 65535)) throw new GoschedError("OPTION_INVALID", `--port: expected a port number (0-65535), got ${o.port}`);
  const scenario = file ?? defaultScenarioPath();
  // The main job's output first: the scenario's report, as `gosched run` prints it.
  const { text } = readScenario(scenario);
  let code: number = exitCodes.ok;
  if (o.report !== false) {
    code = await runCommand(scenario, {});
    process.stdout.write("\n");
  }
  if (o.build !== false) ensureUiBuilt();
  if (!existsSync(join(uiDistDir(), "index.html"))) throw new GoschedError("FILE_NOT_FOUND", "ui-dist/index.html is missing: build the UI with npm start (or npx vite build)");
  const server = createUiServer({ initialScenario: { name: basename(scenario), text } });
  let port: number;
  try {
    port = await listenLoopback(server, o.port ?? 8019);
  } catch (e) {
    if (o.port !== undefined || (e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw new GoschedError("OPTION_INVALID", `cannot listen on 127.0.0.1:${o.port ?? 8019}: ${(e as Error).message}`);
    port = await listenLoopback(server, 0);
  }
  process.stdout.write(`gosched UI: http://127.0.0.1:${port}/  (${basename(scenario)} loaded; Ctrl+C to stop)\n`);
  await new Promise<void>((done) => {
    const stop = () => server.close(() => done());
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  return code === exitCodes.fatal ? exitCodes.ok : code;
}

/** The `serve` command for commander (registered in main.ts). */
export function serveCommand(result: { code?: Promise<number> | number }): Command {
  const d = subcommandTable.find((c) => c.name === "serve")!;
  return addOptions(new Command("serve").argument("[scenario]", "scenario to load (default: examples/default.yaml)").description(d.summary), "serve")
    .exitOverride()
    .action((file: string | undefined, o: ServeCliOptions) => {
      result.code = serve(file, o);
    });
}

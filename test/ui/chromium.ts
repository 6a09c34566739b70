// Shared by the browser tests: the built UI served by gosched's own server, opened in Debian's
// Chromium through playwright-core, and axe-core injected for accessibility checks.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createUiServer, ensureUiBuilt, listenLoopback, packageRoot } from "../../src/cli/serve.js";

export const CHROMIUM = "/usr/bin/chromium";
export const haveChromium = existsSync(CHROMIUM);
export const root = packageRoot();

export type Page = import("playwright-core").Page;

export interface OpenUi {
  readonly page: Page;
  readonly url: string;
  readonly pageErrors: string[];
  /** Requests the page made that failed or got a 4xx/5xx. */
  readonly badRequests: string[];
  close(): Promise<void>;
}

export async function openUi(viewport: { width: number; height: number }, scenario = "default.yaml"): Promise<OpenUi> {
  ensureUiBuilt(root);
  const server: Server = createUiServer({ initialScenario: { name: scenario, text: readFileSync(join(root, "examples", scenario), "utf8") } });
  const port = await listenLoopback(server, 0);
  const url = `http://127.0.0.1:${port}/`;
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(join(tmpdir(), "gosched-chromium-"));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    // The tests evaluate strings in the page and inject axe-core: both need to pass the server's
    // Content-Security-Policy, whose effect on the app itself test/ui/csp.test.ts checks.
    bypassCSP: true,
    viewport,
    deviceScaleFactor: 1,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic", "--disable-dev-shm-usage", "--font-render-hinting=none", "--disable-lcd-text"],
  });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const pageErrors: string[] = [];
  const badRequests: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  page.on("requestfailed", (r) => badRequests.push(`${r.url()} failed`));
  page.on("response", (r) => {
    if (r.status() >= 400) badRequests.push(`${r.url()} ${r.status()}`);
  });
  await page.goto(url);
  return {
    page,
    url,
    pageErrors,
    badRequests,
    async close() {
      await ctx.close();
      server.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Polls a page expression until it is truthy. (Playwright's waitForFunction evaluates its string
 * with eval inside the page, which the server's Content-Security-Policy forbids; page.evaluate goes
 * through the DevTools protocol and is not affected.)
 */
export async function waitFor(page: Page, expression: string, timeout = 30_000): Promise<void> {
  const until = Date.now() + timeout;
  for (;;) {
    if (await page.evaluate(`!!(${expression})`)) return;
    if (Date.now() > until) throw new Error(`timed out after ${timeout} ms waiting for ${expression}`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

export const ready = (page: Page, timeout = 30_000) => waitFor(page, "document.body.dataset.ready === '1' && document.body.dataset.running === '0'", timeout);

/** axe-core's violations of impact serious or critical on the page as it is. */
export async function axeSerious(page: Page): Promise<{ id: string; impact: string; help: string; nodes: string[] }[]> {
  const require = createRequire(import.meta.url);
  const axePath = require.resolve("axe-core/axe.min.js");
  // Evaluated through the DevTools protocol: an injected <script> would be refused by the CSP.
  if ((await page.evaluate("typeof globalThis.axe")) === "undefined") await page.evaluate(readFileSync(axePath, "utf8"));
  const res = (await page.evaluate(`axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) })))`)) as { id: string; impact: string; help: string; nodes: string[] }[];
  return res.filter((v) => v.impact === "serious" || v.impact === "critical");
}

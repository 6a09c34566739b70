// The web UI under the server's own Content-Security-Policy (no bypass, unlike the other browser
// tests): it loads, runs the default scenario in its worker and draws, with no CSP violation reported
// and no page error. The page is polled through DevTools evaluation, which the policy does not govern.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createUiServer, ensureUiBuilt, listenLoopback } from "../../src/cli/serve.js";
import { CHROMIUM, haveChromium, root } from "./chromium.js";

test("the UI runs under its Content-Security-Policy without violations", { skip: haveChromium ? false : `no ${CHROMIUM}`, timeout: 180_000 }, async () => {
  ensureUiBuilt(root);
  const server = createUiServer({ initialScenario: { name: "default.yaml", text: readFileSync(join(root, "examples", "default.yaml"), "utf8") } });
  const port = await listenLoopback(server, 0);
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(join(tmpdir(), "gosched-chromium-"));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 800 },
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic", "--disable-dev-shm-usage"],
  });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const violations: string[] = [];
    const errors: string[] = [];
    page.on("console", (m) => {
      if (/Content[- ]Security[- ]Policy|Refused to/i.test(m.text())) violations.push(m.text());
      else if (process.env.GOSCHED_CSP_DEBUG !== undefined) process.stderr.write(`console: ${m.text()}\n`);
    });
    page.on("pageerror", (e) => errors.push(String(e)));
    const res = await page.goto(`http://127.0.0.1:${port}/`);
    assert.match(res?.headers()["content-security-policy"] ?? "", /frame-ancestors 'none'/);
    let state = "";
    for (let i = 0; i < 600; i++) {
      state = (await page.evaluate("`${document.body.dataset.ready}/${document.body.dataset.running}/${document.getElementById('stat-label')?.innerText ?? ''}`")) as string;
      if (state.startsWith("1/0/") && state.length > 4) break;
      await new Promise((ok) => setTimeout(ok, 200));
    }
    assert.match(state, /^1\/0\/./, `the page did not finish its first run: ${state}`);
    assert.deepEqual(violations, []);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

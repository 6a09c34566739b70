// End-to-end: the built UI in Debian's Chromium (playwright-core), served by gosched's own server.
// Screenshots go to os.tmpdir()/gosched-ui-shots/ (their paths are printed) to be looked at.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createUiServer, ensureUiBuilt, listenLoopback, packageRoot } from "../../src/cli/serve.js";
import { waitFor } from "./chromium.js";

const CHROMIUM = "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  process.stderr.write(`\n*** test/ui/browser: SKIPPED — ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it) ***\n\n`);
}

const shots = join(tmpdir(), "gosched-ui-shots");
const root = packageRoot();

type Page = import("playwright-core").Page;
type Ctx = import("playwright-core").BrowserContext;

describe("web UI in Chromium", { skip: haveChromium ? false : `${CHROMIUM} is missing: apt-get install -y chromium (CI installs it)`, timeout: 120_000 }, () => {
  let server: Server;
  let ctx: Ctx;
  let page: Page;
  let url = "";
  let profile = "";
  const pageErrors: string[] = [];

  const shot = async (name: string) => {
    const p = join(shots, `${name}.png`);
    await page.screenshot({ path: p });
    process.stderr.write(`screenshot: ${p}\n`);
  };
  const text = (sel: string) => page.locator(sel).innerText();
  const ready = () => waitFor(page, "document.body.dataset.ready === '1' && document.body.dataset.running === '0'", 30_000);

  before(async () => {
    ensureUiBuilt(root);
    mkdirSync(shots, { recursive: true });
    server = createUiServer({ initialScenario: { name: "default.yaml", text: readFileSync(join(root, "examples/default.yaml"), "utf8") } });
    const port = await listenLoopback(server, 0);
    url = `http://127.0.0.1:${port}/`;
    const { chromium } = await import("playwright-core");
    profile = mkdtempSync(join(tmpdir(), "gosched-chromium-"));
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      // The tests evaluate strings in the page: the server's Content-Security-Policy would refuse
      // that; its effect on the app itself is checked by test/ui/csp.test.ts.
      bypassCSP: true,
      viewport: { width: 1500, height: 1000 },
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic", "--disable-dev-shm-usage"],
    });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    await page.goto(url);
  });

  after(async () => {
    await ctx?.close();
    server?.close();
    if (profile !== "") rmSync(profile, { recursive: true, force: true });
  });

  test("loads the page and runs the default scenario in the worker", async () => {
    await ready();
    assert.match(await text("#stat-label"), /Syscall/);
    const threads = Number(await text("#stat-threads"));
    assert.ok(threads > 4, `threads shown: ${threads}`);
    assert.match(await text("#progress"), /done in/);
    assert.ok(Number((await text("#stat-events")).replace(/\D/g, "")) > 100);
    assert.equal(await page.locator("#metrics tr[data-metric='threadsPeak'] td").nth(1).innerText(), String(threads));
    await shot("1-default");
    assert.deepEqual(pageErrors, []);
  });

  test("steps to the first entersyscall and shows its explanation (the seed's nine steps)", async () => {
    await page.selectOption("#step-fn", "entersyscall");
    await page.click("#fn-next");
    const explain = page.locator("#explain");
    await explain.locator(".explanation[data-fn='entersyscall']").waitFor();
    const t = await explain.innerText();
    assert.match(t, /^entersyscall/m);
    assert.match(t, /runtime\/proc\.go/);
    assert.match(t, /_Grunning → _Gsyscall/);
    assert.match(t, /_Prunning → _Psyscall/);
    for (let i = 1; i <= 9; i++) assert.match(t, new RegExp(`Seed point ${i}`), `seed point ${i}`);
    // The selected row is the first entersyscall of the log.
    const sel = await page.locator("#steps .step.sel").innerText();
    assert.match(sel, /entersyscall/);
    const first = await page.evaluate("(() => { const l = gosched.runs[0].data.log; const f = l.fnNames.indexOf('entersyscall'); return l.fn.indexOf(f); })()");
    assert.equal(await page.locator("#steps .step.sel").getAttribute("data-i"), String(first));
    // Step on with the keyboard (n), and back (p).
    await page.locator("#timelines").focus();
    await page.keyboard.press("n");
    assert.equal(await page.locator("#steps .step.sel").getAttribute("data-i"), String(Number(first) + 1));
    await page.keyboard.press("p");
    assert.equal(await page.locator("#steps .step.sel").getAttribute("data-i"), String(first));
    await shot("2-entersyscall");
  });

  test("zooms and pans with the keyboard", async () => {
    const span = () => page.evaluate("gosched.shared.viewport.t1 - gosched.shared.viewport.t0") as Promise<number>;
    await page.locator("#timelines").focus();
    await page.keyboard.press("0");
    const full = await span();
    // Key steps are ×1.25 and animate over a few frames (smooth zoom).
    for (let i = 0; i < 4; i++) await page.keyboard.press("w");
    await waitFor(page, `gosched.shared.viewport.t1 - gosched.shared.viewport.t0 < ${full / 2}`, 5_000);
    await page.waitForTimeout(200);
    assert.ok(Math.abs((await span()) - full / 1.25 ** 4) < full * 1e-6, "four steps of ×1.25");
    const t0 = (await page.evaluate("gosched.shared.viewport.t0")) as number;
    await page.keyboard.press("ArrowRight");
    await waitFor(page, `gosched.shared.viewport.t0 > ${t0}`, 5_000);
    await page.mouse.move(700, 200);
    await page.mouse.wheel(0, -400);
    await page.keyboard.press("0");
    assert.equal(await span(), full);
    // A click on a lane selects an event of that P in the step-through (and moves the cursor there).
    const box = (await page.locator("#timeline-a").boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.5, box.y + 31); // P0: the first lane, under the 22 px axis
    const sel = page.locator("#steps .step.sel");
    await sel.waitFor();
    assert.match(await sel.innerText(), /P0/);
    assert.ok(((await page.evaluate("gosched.shared.cursorNs")) as number) > 0);
  });

  test("switching to RawSyscall changes the thread count shown", async () => {
    const before = Number(await text("#stat-threads"));
    await page.selectOption("#variant", "RawSyscall");
    await waitFor(page, "document.getElementById('stat-label').innerText.includes('RawSyscall')", 30_000);
    await ready();
    const afterThreads = Number(await text("#stat-threads"));
    assert.notEqual(afterThreads, before);
    assert.ok(afterThreads < before, `RawSyscall keeps its threads: ${afterThreads} vs ${before}`);
    await shot("3-rawsyscall");
  });

  test("downloads: metrics JSON, Perfetto JSON and a Go execution trace of the run", async () => {
    const fetchDownload = async (button: string): Promise<{ name: string; bytes: Buffer }> => {
      const [dl] = await Promise.all([page.waitForEvent("download", { timeout: 30_000 }), page.click(button)]);
      const path = await dl.path();
      return { name: dl.suggestedFilename(), bytes: readFileSync(path) };
    };
    await page.click("#downloads summary"); // the Download menu
    const metrics = await fetchDownload("#dl-metrics");
    const m = JSON.parse(metrics.bytes.toString("utf8")) as { runs: { label: string; metrics: { threadsPeak: number } }[] };
    assert.equal(m.runs[0]!.label, "RawSyscall");
    assert.equal(String(m.runs[0]!.metrics.threadsPeak), await text("#stat-threads"));
    if (await page.locator("#dl-perfetto").isDisabled()) {
      assert.fail("the Perfetto download is disabled although src/observers/perfetto.ts exists");
    }
    const perfetto = await fetchDownload("#dl-perfetto");
    if (!(await page.locator("#dl-gotrace").isVisible())) await page.click("#downloads summary");
    assert.match(perfetto.name, /\.perfetto\.json$/);
    const pj = JSON.parse(perfetto.bytes.toString("utf8")) as { traceEvents: unknown[] };
    assert.ok(pj.traceEvents.length > 100);
    const trace = await fetchDownload("#dl-gotrace");
    assert.equal(trace.bytes.subarray(0, 13).toString("latin1"), "go 1.19 trace");
    const { readTrace } = await import("../../src/gotrace/reader.js");
    const parsed = readTrace(new Uint8Array(trace.bytes));
    assert.equal(parsed.events.filter((e) => e.type === "GoSysCall").length, 0, "RawSyscall: no entersyscall, so no GoSysCall");
    assert.ok(parsed.events.length > 50);
    if (await page.locator("#dl-gotrace").isVisible()) await page.click("#downloads summary");
  });

  test("side by side: Syscall vs RawSyscall on a shared axis", async () => {
    await page.selectOption("#variant", "Syscall");
    await page.selectOption("#variant-b", "RawSyscall");
    await page.check("#compare");
    await waitFor(page, "document.getElementById('stat-label').innerText.includes(' vs ')", 30_000);
    await ready();
    assert.equal(await page.locator("#timeline-b").isVisible(), true);
    assert.equal(await page.locator("#metrics tr").first().locator("th").count(), 3);
    assert.match(await text("#stat-threads"), /^\d+ \| \d+$/);
    await shot("4-side-by-side");
    await page.uncheck("#compare");
    await waitFor(page, "!document.getElementById('stat-label').innerText.includes(' vs ')", 30_000);
  });

  test("a broken scenario shows its error inline, at its line", async () => {
    const yaml = readFileSync(join(root, "examples/default.yaml"), "utf8").split("\n");
    const line = yaml.findIndex((l) => l.includes("gomaxprocs: 2")) + 1;
    assert.ok(line > 0);
    yaml[line - 1] = "  gomaxprocs: lots";
    await page.locator("#yaml").fill(yaml.join("\n"));
    const err = page.locator("#yaml-error");
    await err.waitFor({ state: "visible", timeout: 10_000 });
    const msg = await err.innerText();
    assert.match(msg, new RegExp(`^line ${line}, column \\d+: settings\\.gomaxprocs`));
    assert.equal(await page.locator("#gutter .err").innerText(), String(line));
    assert.equal(await page.locator("#err-band").isVisible(), true);
    await shot("5-yaml-error");
    // A YAML syntax error, too.
    yaml[line - 1] = "  gomaxprocs: [2";
    await page.locator("#yaml").fill(yaml.join("\n"));
    await waitFor(page, "/YAML syntax error/.test(document.getElementById('yaml-error').innerText)", 10_000);
    // Fixing it clears the error.
    await page.selectOption("#preset", "default.yaml");
    await err.waitFor({ state: "hidden", timeout: 10_000 });
    await ready();
  });

  test("opens a real Go execution trace in the browser", async (t) => {
    const trace = ["/usr/lib/go-1.19/src/internal/trace/testdata/http_1_19_good", "/usr/lib/go-1.23/src/internal/trace/testdata/http_1_19_good"].find((p) => existsSync(p));
    if (trace === undefined) {
      t.skip("no Go 1.19 trace test data (/usr/lib/go-1.19): tools/install-go.sh installs it");
      return;
    }
    await page.setInputFiles("#open-trace", trace);
    await waitFor(page, "document.getElementById('progress').innerText.includes('trace')", 30_000);
    await ready();
    assert.match(await text("#progress"), /Go 1\.19 trace/);
    const lanes = (await page.evaluate("gosched.runs[0].data.lanes.length")) as number;
    assert.ok(lanes >= 2);
    await page.selectOption("#step-fn", "GoStart");
    await page.click("#fn-next");
    await page.locator("#explain .explanation[data-fn='execute']").waitFor();
    await shot("6-real-trace");
    await page.selectOption("#preset", "default.yaml");
    await ready();
  });

  test("level of detail: a long run draws a frame in well under 100 ms", async () => {
    // ~200k events: 2000 goroutines doing short syscalls on GOMAXPROCS=8.
    const yaml = [
      "name: lod",
      "settings: { gomaxprocs: 8, seed: 3 }",
      "programs:",
      "  w:",
      "    - repeat: { count: 40, do: [ { compute: 5us }, { syscall: 30us } ] }",
      "goroutines:",
      "  - { program: w, count: 1500 }",
    ].join("\n");
    await page.locator("#yaml").fill(yaml);
    await waitFor(page, "document.getElementById('stat-label').innerText.includes('lod')", 40_000);
    await ready();
    const n = Number((await text("#stat-events")).replace(/\D/g, ""));
    assert.ok(n > 100_000, `events: ${n}`);
    await page.locator("#timelines").focus();
    await page.keyboard.press("0");
    const ms = (await page.evaluate(`new Promise((ok) => { requestAnimationFrame(() => requestAnimationFrame(() => ok(Number(document.body.dataset.frameMs)))); })`)) as number;
    process.stderr.write(`frame with ${n} events (full view): ${ms} ms\n`);
    assert.ok(ms < 100, `frame took ${ms} ms`);
    await shot("7-lod");
    assert.deepEqual(pageErrors, []);
  });

  test("a long run shows progress and can be cancelled", async () => {
    const yaml = [
      "name: long",
      "settings: { gomaxprocs: 8, seed: 3 }",
      "programs:",
      "  w:",
      "    - repeat: { count: 2000, do: [ { compute: 5us }, { syscall: 30us } ] }",
      "goroutines:",
      "  - { program: w, count: 1500 }",
    ].join("\n");
    await page.locator("#yaml").fill(yaml);
    await waitFor(page, "/run 1\\/1: [0-9,]+ events/.test(document.getElementById('progress').innerText)", 20_000);
    assert.equal(await page.locator("#cancel").isEnabled(), true);
    await shot("8-progress");
    await page.click("#cancel");
    assert.equal(await text("#progress"), "cancelled");
    assert.equal(await page.locator("#cancel").isDisabled(), true);
    // A new worker runs the next request.
    await page.selectOption("#preset", "default.yaml");
    await waitFor(page, "document.getElementById('progress').innerText.includes('done in')", 30_000);
  });
});

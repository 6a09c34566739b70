// Screenshots of the main views at 1280×720 and 1920×1080, compared with the reference images in
// test/ui/screens/ (as Perfetto's UI tests do). Both images are compared at half resolution
// (Chromium's own downscale), pixel by pixel with a channel tolerance, and at most a small share of
// pixels may differ: robust to font antialiasing, not to a lane, a colour or a panel that moved.
// The references are half-resolution PNGs (small). After an intended change of the UI, rewrite them:
//   UPDATE_UI_SCREENSHOTS=1 node --test dist/test/ui/screens.test.js
// and look at them before committing. A failing view leaves the current image and a diff (red
// where pixels differ) in os.tmpdir()/gosched-ui-shots/.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { CHROMIUM, haveChromium, openUi, ready, root, waitFor, type Page } from "./chromium.js";

const refDir = join(root, "test", "ui", "screens");
const outDir = join(tmpdir(), "gosched-ui-shots");
const update = process.env.UPDATE_UI_SCREENSHOTS === "1";
/** A pixel differs when a channel differs by more than this (0–255)… */
const CHANNEL_TOLERANCE = 48;
/** …and a view fails when more than this share of its pixels differ. */
const MAX_DIFF_SHARE = 0.01;

interface Compared {
  readonly png: string;
  readonly diffPng: string;
  readonly differing: number;
  readonly pixels: number;
}

/** Runs in the page (plain JS, this file has no DOM types): downscale by 2, compare, draw a diff. */
const compareInPage = `async ([cur, refB64, tol]) => {
      const load = async (b64) => {
        const img = new Image();
        img.src = \`data:image/png;base64,\${b64}\`;
        await img.decode();
        return img;
      };
      const img = await load(cur);
      const w = Math.round(img.width / 2);
      const h = Math.round(img.height / 2);
      const c = document.createElement("canvas");
      c.width = w;
      c.height = h;
      const ctx = c.getContext("2d", { willReadFrequently: true });
      ctx.imageSmoothingQuality = "high";
      ctx.drawImage(img, 0, 0, w, h);
      const png = c.toDataURL("image/png").slice("data:image/png;base64,".length);
      if (refB64 === "") return { png, diffPng: "", differing: -1, pixels: w * h };
      const a = ctx.getImageData(0, 0, w, h).data;
      const r = await load(refB64);
      if (r.width !== w || r.height !== h) return { png, diffPng: "", differing: w * h, pixels: w * h };
      const rc = document.createElement("canvas");
      rc.width = w;
      rc.height = h;
      const rctx = rc.getContext("2d", { willReadFrequently: true });
      rctx.drawImage(r, 0, 0);
      const b = rctx.getImageData(0, 0, w, h);
      let differing = 0;
      const diff = rctx.createImageData(w, h);
      for (let i = 0; i < a.length; i += 4) {
        const d = Math.max(Math.abs(a[i] - b.data[i]), Math.abs(a[i + 1] - b.data[i + 1]), Math.abs(a[i + 2] - b.data[i + 2]));
        const bad = d > tol;
        if (bad) differing++;
        diff.data[i] = bad ? 255 : b.data[i] * 0.3 + 170;
        diff.data[i + 1] = bad ? 0 : b.data[i + 1] * 0.3 + 170;
        diff.data[i + 2] = bad ? 0 : b.data[i + 2] * 0.3 + 170;
        diff.data[i + 3] = 255;
      }
      rctx.putImageData(diff, 0, 0);
      return { png, diffPng: rc.toDataURL("image/png").slice("data:image/png;base64,".length), differing, pixels: w * h };
    }`;

/** Downscales the screenshot by 2 in the page and compares it with the reference (if any). */
async function compare(page: Page, shot: Buffer, ref: Buffer | null): Promise<Compared> {
  const args = JSON.stringify([shot.toString("base64"), ref?.toString("base64") ?? "", CHANNEL_TOLERANCE]);
  return (await page.evaluate(`(${compareInPage})(${args})`)) as Compared;
}

/**
 * What the simulation produced for each view when its reference was made (summary bar: label,
 * makespan, events). A model change moves every lane: then the view is skipped with a note to
 * regenerate, instead of failing the work of whoever changed the model; the trace views, whose
 * data is a file, are always compared.
 */
const fingerprintFile = join(refDir, "fingerprints.json");
const fingerprints: Record<string, string> = existsSync(fingerprintFile) ? (JSON.parse(readFileSync(fingerprintFile, "utf8")) as Record<string, string>) : {};

async function check(page: Page, name: string, t: { skip(msg: string): void; diagnostic(msg: string): void }): Promise<void> {
  const fp = (await page.evaluate("['stat-label', 'stat-makespan', 'stat-events'].map((id) => document.getElementById(id).innerText).join(' · ')")) as string;
  if (update) {
    fingerprints[name] = fp;
    writeFileSync(fingerprintFile, `${JSON.stringify(fingerprints, null, 2)}\n`);
  } else if (fingerprints[name] !== undefined && fingerprints[name] !== fp) {
    t.diagnostic(`${name}: the run differs from the reference's (${fingerprints[name]} → ${fp}): the model changed; not compared. Regenerate: UPDATE_UI_SCREENSHOTS=1 node --test dist/test/ui/screens.test.js, and look at the images.`);
    return;
  }
  await page.mouse.move(0, 0);
  await page.evaluate("document.activeElement && document.activeElement.blur()");
  await page.evaluate("new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)))");
  // The run's wall time ("done in 412 ms") varies: hide that text, keep the layout.
  const shot = await page.screenshot({ animations: "disabled", caret: "hide", style: "#progress { visibility: hidden !important; }" });
  const refPath = join(refDir, `${name}.png`);
  const ref = !update && existsSync(refPath) ? readFileSync(refPath) : null;
  const c = await compare(page, shot, ref);
  mkdirSync(outDir, { recursive: true });
  const curPath = join(outDir, `${name}.png`);
  writeFileSync(curPath, Buffer.from(c.png, "base64"));
  if (update) {
    mkdirSync(refDir, { recursive: true });
    writeFileSync(refPath, Buffer.from(c.png, "base64"));
    process.stderr.write(`screenshot reference written: ${refPath} (look at it before committing)\n`);
    return;
  }
  assert.ok(ref !== null, `no reference image ${refPath}: run UPDATE_UI_SCREENSHOTS=1 node --test dist/test/ui/screens.test.js and look at the images`);
  const share = c.differing / c.pixels;
  if (share > MAX_DIFF_SHARE && c.diffPng !== "") writeFileSync(join(outDir, `${name}.diff.png`), Buffer.from(c.diffPng, "base64"));
  assert.ok(share <= MAX_DIFF_SHARE, `${name}: ${(share * 100).toFixed(2)}% of pixels differ from ${refPath} (allowed ${MAX_DIFF_SHARE * 100}%); current image ${curPath}, diff ${join(outDir, `${name}.diff.png`)}`);
}

for (const [width, height] of [
  [1280, 720],
  [1920, 1080],
] as const) {
  const size = `${width}x${height}`;
  describe(`screenshots at ${size}`, { skip: haveChromium ? false : `${CHROMIUM} is missing: apt-get install -y chromium (CI installs it)`, timeout: 180_000 }, () => {
    test("default run, side by side, a step explained, a real Go trace", async (t) => {
      const ui = await openUi({ width, height });
      const page = ui.page;
      try {
        await ready(page);
        await check(page, `default-${size}`, t);

        await page.selectOption("#variant-b", "RawSyscall");
        await page.check("#compare");
        await waitFor(page, "document.getElementById('stat-label').innerText.includes(' vs ')", 30_000);
        await ready(page);
        await check(page, `side-by-side-${size}`, t);
        await page.uncheck("#compare");
        await waitFor(page, "!document.getElementById('stat-label').innerText.includes(' vs ')", 30_000);
        await ready(page);

        // A step explained, and a clicked slice with its goroutine highlighted.
        await page.selectOption("#step-fn", "entersyscall");
        await page.click("#fn-next");
        await page.locator("#explain .explanation[data-fn='entersyscall']").waitFor();
        const box = (await page.locator("#timeline-a").boundingBox())!;
        const y = (await page.evaluate("gosched.views[0].laneCenterY(0)")) as number;
        await page.mouse.click(box.x + box.width * 0.35, box.y + y);
        await check(page, `step-${size}`, t);

        await page.setInputFiles("#open-trace", join(root, "testdata", "go-trace", "old-format", "http_1_19_good"));
        await waitFor(page, "document.getElementById('progress').innerText.includes('Go 1.19 trace')", 30_000);
        await ready(page);
        await check(page, `trace-${size}`, t);
        assert.deepEqual(ui.pageErrors, []);
      } finally {
        await ui.close();
      }
    });
  });
}

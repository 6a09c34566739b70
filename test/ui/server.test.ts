// gosched serve's HTTP server: loopback only, and nothing outside its built assets.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request, type Server } from "node:http";
import { connect } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createUiServer, isLoopbackAddress, listenLoopback, resolveAsset } from "../../src/cli/serve.js";

const root = mkdtempSync(join(tmpdir(), "gosched-serve-"));
const assets = join(root, "ui-dist");
mkdirSync(join(assets, "assets"), { recursive: true });
writeFileSync(join(assets, "index.html"), "<!doctype html><title>ui</title>");
writeFileSync(join(assets, "assets", "app.js"), "console.log(1)");
writeFileSync(join(root, "package.json"), '{"secret": "outside the assets"}');
symlinkSync(join(root, "package.json"), join(assets, "link.json"));

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A raw request: the target is sent as is (no client-side normalization of ".."). */
function get(port: number, target: string, o: { host?: string; method?: string } = {}): Promise<Reply> {
  return new Promise((ok, fail) => {
    const req = request({ host: "127.0.0.1", port, path: target, method: o.method ?? "GET", headers: { host: o.host ?? `127.0.0.1:${port}` } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => ok({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", fail);
    req.end();
  });
}

describe("gosched serve", () => {
  let server: Server;
  let port = 0;
  before(async () => {
    server = createUiServer({ root: assets, initialScenario: { name: "my scenario.yaml", text: "name: x\n" } });
    port = await listenLoopback(server, 0);
  });
  after(() => {
    server.close();
    rmSync(root, { recursive: true, force: true });
  });

  test("listens on 127.0.0.1 only", async () => {
    const a = server.address();
    assert.ok(typeof a === "object" && a !== null);
    assert.equal(a.address, "127.0.0.1");
    // Not reachable through another interface of this machine.
    const other = Object.values(networkInterfaces())
      .flat()
      .find((i) => i !== undefined && !i.internal && i.family === "IPv4");
    if (other === undefined) {
      process.stderr.write("server test: no non-loopback IPv4 interface here; checked the bound address only\n");
      return;
    }
    const err = await new Promise<NodeJS.ErrnoException | null>((ok) => {
      const s = connect({ host: other.address, port }, () => {
        s.destroy();
        ok(null);
      });
      s.on("error", (e) => ok(e));
      s.setTimeout(2000, () => {
        s.destroy();
        ok(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" }));
      });
    });
    assert.ok(err !== null, `connected through ${other.address}`);
  });

  test("serves the built assets", async () => {
    const r = await get(port, "/");
    assert.equal(r.status, 200);
    assert.match(String(r.headers["content-type"]), /text\/html/);
    assert.equal(r.headers["x-content-type-options"], "nosniff");
    const js = await get(port, "/assets/app.js?v=1");
    assert.equal(js.status, 200);
    assert.match(String(js.headers["content-type"]), /javascript/);
    const head = await get(port, "/", { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.body, "");
  });

  test("serves the scenario it was started with", async () => {
    const r = await get(port, "/initial-scenario.yaml");
    assert.equal(r.status, 200);
    assert.equal(r.body, "name: x\n");
    assert.equal(decodeURIComponent(String(r.headers["x-scenario-name"])), "my scenario.yaml");
  });

  test("refuses paths outside its assets", async () => {
    const refused: [string, number][] = [
      ["/../package.json", 403],
      ["/assets/../../package.json", 403],
      ["/%2e%2e/package.json", 403],
      ["/..%2fpackage.json", 403],
      ["/assets/%2e%2e/%2e%2e/package.json", 403],
      ["/..\\package.json", 400],
      ["/%5c..%5cpackage.json", 400],
      ["//etc/passwd", 400],
      ["http://127.0.0.1/etc/passwd", 400],
      ["/etc/passwd", 404],
      ["/%00index.html", 400],
      ["/%zz", 400],
      ["/link.json", 403],
      ["/assets", 404],
      [join(root, "package.json"), 404],
    ];
    for (const [target, status] of refused) {
      const r = await get(port, target);
      assert.equal(r.status, status, `${target} → ${r.status}`);
      assert.ok(!r.body.includes("outside the assets") && !r.body.includes("root:"), `${target} leaked a file`);
    }
  });

  test("answers only to loopback host names and to GET/HEAD", async () => {
    assert.equal((await get(port, "/", { host: "evil.example:80" })).status, 403);
    assert.equal((await get(port, "/", { host: "localhost" })).status, 200);
    assert.equal((await get(port, "/", { method: "POST" })).status, 405);
  });

  test("resolveAsset and isLoopbackAddress", () => {
    assert.deepEqual(resolveAsset(assets, "/nope.js"), { status: 404 });
    assert.ok("file" in resolveAsset(assets, "/index.html"));
    assert.deepEqual(resolveAsset(assets, "/C:/Windows"), { status: 403 });
    assert.ok(isLoopbackAddress("127.0.0.1"));
    assert.ok(isLoopbackAddress("::ffff:127.0.0.1"));
    assert.ok(isLoopbackAddress("::1"));
    assert.ok(!isLoopbackAddress("10.0.0.1"));
    assert.ok(!isLoopbackAddress(undefined));
  });
});

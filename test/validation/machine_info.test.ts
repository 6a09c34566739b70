// tools/run-go-validation.mjs's machine record: which kernel the real runs met, including a kernel
// patched to pack threads onto a vCPU (sched_vcpu_pack, docs/model.md "Where Go's own threads are woken").
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const runner = (await import(pathToFileURL(path.join(repoRoot, "tools", "run-go-validation.mjs")).href)) as {
  vcpuPackIn(cmdline: string): number | null;
  machineInfo(): Record<string, unknown>;
};

test("the vCPU packing setting is read from a kernel command line, and only as a whole parameter", () => {
  assert.equal(runner.vcpuPackIn("console=ttyS0 quiet haltpoll.guest_halt_poll_ns=0 sched_vcpu_pack=15 rdinit=/init"), 15);
  assert.equal(runner.vcpuPackIn("sched_vcpu_pack=0"), 0);
  assert.equal(runner.vcpuPackIn("console=ttyS0 quiet\n"), null);
  assert.equal(runner.vcpuPackIn("xsched_vcpu_pack=3 sched_vcpu_pack=7x"), null);
});

test("the machine record names the kernel and says whether it packs threads", () => {
  const m = runner.machineInfo();
  assert.equal(typeof m.kernel, "string");
  assert.ok(m.schedVcpuPack === null || (Number.isInteger(m.schedVcpuPack) && (m.schedVcpuPack as number) >= 0), String(m.schedVcpuPack));
});

// Worker thread of `gosched sweep` (and of --seeds, validate): runs the tasks it is sent, one at a time.
import { parentPort } from "node:worker_threads";
import { usePrecompiledSchema } from "./common.js";
import { runSweepTask, type SweepTask } from "./sweep_task.js";
import { runValidationTask, type ValidationTask } from "./validate_task.js";

// Each worker compiles scenarios: with the precompiled validator, not ajv at every start.
await usePrecompiledSchema();

parentPort?.on("message", (t: SweepTask | ValidationTask | null) => {
  if (t === null) {
    parentPort?.close();
    return;
  }
  try {
    parentPort?.postMessage({ ok: true, result: "kind" in t && t.kind === "validate" ? runValidationTask(t) : runSweepTask(t as SweepTask) });
  } catch (e) {
    parentPort?.postMessage({ ok: false, index: t.index, error: e instanceof Error ? e.message : String(e) });
  }
});

// Worker thread of `gosched sweep`: runs the grid points it is sent, one at a time.
import { parentPort } from "node:worker_threads";
import { runSweepTask, type SweepTask } from "./sweep_task.js";

parentPort?.on("message", (t: SweepTask | null) => {
  if (t === null) {
    parentPort?.close();
    return;
  }
  try {
    parentPort?.postMessage({ ok: true, result: runSweepTask(t) });
  } catch (e) {
    parentPort?.postMessage({ ok: false, index: t.index, error: e instanceof Error ? e.message : String(e) });
  }
});

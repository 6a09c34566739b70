// Downloads of the run in other formats: Perfetto JSON and a Go execution trace, written by the
// observers in src/observers (perfetto.ts, gotrace_writer.ts). The worker re-runs the configuration
// with the writer attached (runs are deterministic, so it is the same run) and sends the bytes back.
import type { UiOverride, WorkerResponse } from "./protocol.js";

export interface DownloadFormat {
  readonly button: string;
  readonly format: "perfetto" | "gotrace";
  readonly title: string;
  readonly available: boolean;
  request(w: Worker, yaml: string, file: string, variant: string, overrides: readonly UiOverride[], done: (bytes: BlobPart, ext: string, type: string) => void): void;
}

let exportId = 1_000_000;

/** Which writers exist in this build (the worker loads them; see worker.ts). */
const present = import.meta.glob(["../observers/perfetto.ts", "../observers/gotrace_writer.ts"]);

function make(button: string, format: "perfetto" | "gotrace", title: string, ext: string, type: string, source: string): DownloadFormat {
  return {
    button,
    format,
    title,
    available: source in present,
    request(w, yaml, file, variant, overrides, done) {
      const id = ++exportId;
      const onMsg = (e: MessageEvent<WorkerResponse>) => {
        const m = e.data;
        if (m.id !== id) return;
        w.removeEventListener("message", onMsg);
        if (m.type === "export") done(m.bytes as BlobPart, ext, type);
        else if (m.type === "error" || m.type === "scenario-error") alert(`export failed: ${"message" in m ? m.message : m.error.message}`);
      };
      w.addEventListener("message", onMsg);
      w.postMessage({ type: "export", id, format, yaml, file, variant, overrides });
    },
  };
}

export const downloadFormats: readonly DownloadFormat[] = [
  make("dl-perfetto", "perfetto", "the run as Perfetto / Chrome trace JSON (ui.perfetto.dev)", "perfetto.json", "application/json", "../observers/perfetto.ts"),
  make("dl-gotrace", "gotrace", "the run as a Go execution trace (go tool trace)", "trace", "application/octet-stream", "../observers/gotrace_writer.ts"),
];

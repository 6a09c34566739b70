// Builds the web UI (src/ui) into ui-dist/, which `gosched serve` serves. The simulator core is
// bundled into the Web Worker; examples/*.yaml are bundled as presets.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL("./src/ui", import.meta.url));

export default defineConfig({
  root,
  base: "./",
  logLevel: "warn",
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL("./ui-dist", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
    reportCompressedSize: false,
    rollupOptions: {
      // hdr-histogram-js's UMD bundle contains an eval the metrics never reach.
      onwarn(w, warn) {
        if (w.code !== "EVAL") warn(w);
      },
    },
  },
  worker: { format: "es" },
  server: { host: "127.0.0.1", fs: { allow: [fileURLToPath(new URL(".", import.meta.url))] } },
});

// Progress on stderr: only when stderr is a terminal, not with --json, and once the work has run for
// more than a second. A bar with the share done and an ETA for a known amount of work (sweep points,
// seeds, validation cases, a run bounded by --max-time); for an open-ended run, simulated time and
// the event rate.
import type { Runtime } from "../runtime/runtime.js";
import { formatNs } from "../base/time.js";

/** "42s", "3m05s", "1h02m": an estimate, rounded to the second. */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** The bar's text: `label [####....] 12/40 30% ETA 1m05s` (ETA from the rate so far). */
export function barText(label: string, done: number, total: number, elapsedMs: number, width = 30): string {
  const frac = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(frac * width);
  const eta = done > 0 && done < total ? ` ETA ${formatEta(((elapsedMs / 1000) * (total - done)) / done)}` : "";
  return `${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} ${Math.floor(frac * 100)}%${eta}`;
}

export class Progress {
  /** Set for --json (main.ts): machine-readable output gets no progress lines. */
  static silenced = false;
  private readonly start = performance.now();
  private shown = false;
  private lastEvents = 0;
  private lastT = this.start;
  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  static enabled(stream: NodeJS.WriteStream = process.stderr): boolean {
    return stream.isTTY === true && process.env.GOSCHED_NO_PROGRESS === undefined && !Progress.silenced;
  }

  /** Simulation progress: against --max-time when the run has one, else simulated time and rate. */
  sim(rt: Runtime): void {
    const now = performance.now();
    if (now - this.start < 1000 || now - this.lastT < 200) return;
    const rate = ((rt.eventCount - this.lastEvents) / (now - this.lastT)) * 1000;
    this.lastEvents = rt.eventCount;
    this.lastT = now;
    const maxNs = rt.config.maxTimeNs;
    const stats = `${formatNs(rt.nowNs)} simulated, ${(rate / 1e6).toFixed(2)}M events/s`;
    if (Number.isFinite(maxNs) && maxNs > 0) {
      // Simulated time against the bound: the share done; the ETA assumes a steady pace.
      this.line(`${barText(this.label, Math.round((rt.nowNs / maxNs) * 1000), 1000, now - this.start).replace(/ \d+\/1000/, "")} (${stats})`);
    } else {
      this.line(`${this.label}: ${stats}, ${rt.eventCount.toLocaleString("en-US")} events, ${formatEta((now - this.start) / 1000)} elapsed`);
    }
  }

  /** A progress bar for n of total tasks, with an ETA. */
  bar(done: number, total: number): void {
    const now = performance.now();
    if (now - this.start < 1000 && done < total) return;
    this.line(barText(this.label, done, total, now - this.start));
  }

  private line(text: string): void {
    this.shown = true;
    this.stream.write(`\r\x1b[2K${text}`);
  }

  done(): void {
    if (this.shown) this.stream.write("\r\x1b[2K");
  }
}

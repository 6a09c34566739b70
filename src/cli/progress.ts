// Progress on stderr: only when stderr is a terminal and the work has run for more than a second.
import type { Runtime } from "../runtime/runtime.js";
import { formatNs } from "../base/time.js";

export class Progress {
  private readonly start = performance.now();
  private shown = false;
  private lastEvents = 0;
  private lastT = this.start;
  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  static enabled(stream: NodeJS.WriteStream = process.stderr): boolean {
    return stream.isTTY === true && process.env.GOSCHED_NO_PROGRESS === undefined;
  }

  /** Simulation progress: simulated time and events per second. */
  sim(rt: Runtime): void {
    const now = performance.now();
    if (now - this.start < 1000 || now - this.lastT < 200) return;
    const rate = ((rt.eventCount - this.lastEvents) / (now - this.lastT)) * 1000;
    this.lastEvents = rt.eventCount;
    this.lastT = now;
    this.line(`${this.label}: simulated ${formatNs(rt.nowNs)}, ${rt.eventCount.toLocaleString("en-US")} events, ${(rate / 1e6).toFixed(2)}M events/s`);
  }

  /** A progress bar for n of total tasks. */
  bar(done: number, total: number): void {
    const now = performance.now();
    if (now - this.start < 1000 && done < total) return;
    const width = 30;
    const filled = Math.round((done / total) * width);
    this.line(`${this.label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`);
  }

  private line(text: string): void {
    this.shown = true;
    this.stream.write(`\r\x1b[2K${text}`);
  }

  done(): void {
    if (this.shown) this.stream.write("\r\x1b[2K");
  }
}

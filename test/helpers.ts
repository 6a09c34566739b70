// Test helpers: an observer that records copies of runtime events, and small program builders.
import type { Observer, RuntimeEvent } from "../src/runtime/events.js";
import { WaitGroup, go, program, wgAdd, wgDone, wgWait } from "../src/workloads/api.js";
import type { Op } from "../src/runtime/ops.js";

export class EventLog implements Observer {
  readonly events: RuntimeEvent[] = [];
  onEvent(e: Readonly<RuntimeEvent>): void {
    this.events.push({ ...e });
  }
  of(fn: RuntimeEvent["fn"], reason?: string): RuntimeEvent[] {
    return this.events.filter((e) => e.fn === fn && (reason === undefined || e.reason === reason));
  }
  first(fn: RuntimeEvent["fn"], reason?: string): RuntimeEvent {
    const e = this.of(fn, reason)[0];
    if (e === undefined) throw new Error(`no ${fn}${reason === undefined ? "" : `(${reason})`} event`);
    return e;
  }
}

/** FNV-1a over every field of every event: the run's fingerprint. */
export class EventHash implements Observer {
  private h = 0x811c9dc5;
  count = 0;
  onEvent(e: Readonly<RuntimeEvent>): void {
    this.count++;
    this.mix(`${e.timeNs}|${e.fn}|${e.goid}|${e.m}|${e.p}|${e.gFrom}|${e.gTo}|${e.pFrom}|${e.pTo}|${e.reason}|${e.arg}`);
  }
  private mix(s: string): void {
    let h = this.h;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    this.h = h;
  }
  get hex(): string {
    return this.h.toString(16).padStart(8, "0");
  }
}

/** main starts n goroutines running body and waits for them all. */
export function fanOut(n: number, body: () => Generator<Op, void, number>) {
  const wg = new WaitGroup();
  const worker = program("worker", function* () {
    yield* body();
    yield wgDone(wg);
  });
  return program("main", function* () {
    yield wgAdd(wg, n);
    for (let i = 0; i < n; i++) yield go(worker);
    yield wgWait(wg);
  });
}

// Test helpers: an observer that records copies of runtime events, and small program builders.
import { copyEvent, eventDetail, type EventFor, type Observer, type ReasonOf, type RuntimeEvent, type RuntimeFn } from "../src/runtime/events.js";
import { WaitGroup, go, program, wgAdd, wgDone, wgWait } from "../src/workloads/api.js";
import type { Op } from "../src/runtime/ops.js";

/** The events of fn with reason R (all of fn's when it has no reason). */
type Of<F extends RuntimeFn, R> = [R] extends [never] ? EventFor<F> : WithReason<EventFor<F>, R>;
type WithReason<E, R> = E extends { reason: infer Q } ? (R extends Q ? E & { reason: R } : never) : never;

export class EventLog implements Observer {
  readonly events: RuntimeEvent[] = [];
  onEvent(e: Readonly<RuntimeEvent>): void {
    this.events.push(copyEvent(e));
  }
  /** The events of fn (with that reason), typed: a misspelled fn or reason fails tsc. */
  of<F extends RuntimeFn, R extends string = never>(fn: F, reason?: R & ReasonOf<F>): Of<F, R>[] {
    return this.events.filter((e): e is Of<F, R> => e.fn === fn && (reason === undefined || ("reason" in e && e.reason === reason)));
  }
  first<F extends RuntimeFn, R extends string = never>(fn: F, reason?: R & ReasonOf<F>): Of<F, R> {
    const e = this.of<F, R>(fn, reason)[0];
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
    this.mix(`${e.timeNs}|${e.fn}|${e.goid}|${e.m}|${e.p}|${e.gFrom}|${e.gTo}|${e.pFrom}|${e.pTo}|${eventDetail(e)}`);
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

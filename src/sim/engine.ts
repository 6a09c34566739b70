// The discrete-event engine: it owns simulated time and dispatch. Owners of state (the runtime's
// Ms, sysmon, the CPUs, the GC…) register one handler per event kind; the engine pops events in
// (time, push order) and calls the handler with the event's target and token. Nothing else moves
// time. Hooks run after every event (invariant checks, progress), in the order they were added.
import { InvariantError } from "../base/assert.js";
import { EventQueue } from "./event_queue.js";

/** Handles one popped event: `target` names the actor, `token` lets it ignore a stale event. */
export type Handler = (target: number, token: number) => void;

/** Why run() returned: the queue emptied, a limit was reached, or a handler called stop(). */
export type EngineStop = "empty" | "max-time" | "max-events" | "stopped";

export class Engine {
  readonly queue = new EventQueue();
  nowNs = 0;
  eventCount = 0;
  private readonly handlers: (Handler | undefined)[] = [];
  private readonly hooks: (() => void)[] = [];
  private stopRequested = false;

  /** Registers the handler of an event kind (a small integer); one handler per kind. */
  on(kind: number, handler: Handler): void {
    if (this.handlers[kind] !== undefined) throw new InvariantError(`engine: event kind ${kind} has a handler already`);
    this.handlers[kind] = handler;
  }

  /** Adds a hook called after every event (tests' invariant checks, progress display). */
  afterEach(hook: () => void): void {
    this.hooks.push(hook);
  }

  /** Ends the run after the current event (main returned, a fatal error). */
  stop(): void {
    this.stopRequested = true;
  }

  get stopped(): boolean {
    return this.stopRequested;
  }

  /** Runs events until the queue empties, a limit is reached or a handler stops the run. */
  run(maxTimeNs: number, maxEvents: number): EngineStop {
    const q = this.queue;
    const hooks = this.hooks;
    const handlers = this.handlers;
    while (!this.stopRequested) {
      const t = q.peekTimeNs();
      if (t === Infinity) return "empty";
      if (t > maxTimeNs) {
        this.nowNs = maxTimeNs;
        return "max-time";
      }
      if (this.eventCount >= maxEvents) return "max-events";
      if (t < this.nowNs) throw new InvariantError(`time went back: ${t} < ${this.nowNs}`);
      this.nowNs = t;
      this.eventCount++;
      q.pop();
      const handler = handlers[q.poppedKind];
      if (handler === undefined) throw new InvariantError(`engine: no handler for event kind ${q.poppedKind}`);
      handler(q.poppedTarget, q.poppedToken);
      // A hook sees the state the event left; none runs after the event that stopped the run.
      if (hooks.length !== 0 && !this.stopRequested) for (const h of hooks) h();
    }
    return "stopped";
  }
}

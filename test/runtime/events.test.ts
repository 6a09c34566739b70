// The typed event protocol (src/runtime/events.ts): the compiler rejects a misspelled function,
// reason or field in an emission site or an observer, and every event the model emits carries
// exactly the fields eventSpec gives its function, with their types.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { test } from "node:test";
import { eventDetail, eventLabel, eventNumber, eventSpec, fieldDefaults, fieldsOf, isFieldList, type RuntimeEvent } from "../../src/runtime/events.js";
import type { Runtime } from "../../src/runtime/runtime.js";
import { loadScenario } from "../../src/scenario/index.js";
import { simulate } from "../../src/simulate.js";
import { EventLog } from "../helpers.js";

// Never called: these lines are here for tsc. Each @ts-expect-error fails the build if the line
// below it compiles, i.e. if the protocol stopped catching the mistake.
export function compileTimeChecks(rt: Runtime, e: RuntimeEvent, log: EventLog): void {
  // @ts-expect-error a misspelled reason code at an emission site
  rt.ev("handoffp", 0, null, null, "has-wrok");
  // @ts-expect-error a reason of another function
  rt.ev("retake", 0, null, null, "has-work");
  // @ts-expect-error netpoll's "park" carries a site and a latency, not a count
  rt.ev("netpoll", 0, null, null, "park", 3);
  // @ts-expect-error execute's inheritTime is a boolean, not a code
  rt.ev("execute", 0, null, null, "inherit-time", 4);
  // @ts-expect-error a missing field
  rt.ev("entersyscall", 0, null, null, "syscall.Read", 1);
  // @ts-expect-error an unknown runtime function
  rt.ev("entersycall", 0, null, null);
  // @ts-expect-error a misspelled reason in an observer
  if (e.fn === "retake" && e.reason === "preempt-long-runing") return;
  // @ts-expect-error a field of another function: execute has no site
  if (e.fn === "execute" && e.site === "x") return;
  // @ts-expect-error netpoll's "block" has a timeout, not a site
  if (e.fn === "netpoll" && e.reason === "block" && e.site === "x") return;
  // @ts-expect-error the old untyped payload is gone
  if (e.arg === 0) return;
  // @ts-expect-error a misspelled reason in a test's query
  log.of("sysmon", "wakeup");
  // Narrowing gives the fields: these compile.
  if (e.fn === "netpoll" && e.reason === "park") void [e.site, e.latencyNs];
  if (e.fn === "execute") void [e.inheritTime, e.schedtick];
  void log.first("sysmon", "wake").delayUs;
}

const kinds = (f: keyof typeof fieldDefaults): string => typeof fieldDefaults[f];

test("every event of every example (and each policy) has its function's fields, with their types", () => {
  const dir = new URL("../../../examples/", import.meta.url);
  const seen = new Set<string>();
  let events = 0;
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".yaml"))) {
    const sc = loadScenario(readFileSync(new URL(f, dir), "utf8"), f);
    const base = sc.runs[0]!.options;
    const runs = [base, { ...base, policy: "dedicated-syscall-thread" }, { ...base, profile: "go1.10" as const }, { ...base, profile: "go1.26" as const }];
    for (const options of runs) {
      simulate({
        ...options,
        maxEvents: 20_000,
        observers: [
          {
            onEvent(e) {
              events++;
              const spec = eventSpec[e.fn];
              const r = e as unknown as Record<string, unknown>;
              if (!isFieldList(spec)) assert.ok(Object.hasOwn(spec, r.reason as string), `${e.fn}: reason ${String(r.reason)} not in its spec`);
              for (const field of fieldsOf(e.fn, r.reason as string)) {
                assert.equal(typeof r[field], kinds(field), `${e.fn}.${field} = ${String(r[field])}`);
                if (typeof r[field] === "number") assert.ok(Number.isFinite(r[field]), `${e.fn}.${field} = ${String(r[field])}`);
              }
              seen.add(`${e.fn}${isFieldList(spec) ? "" : `:${r.reason as string}`}`);
            },
          },
        ],
      });
    }
  }
  assert.ok(events > 10_000, `${events} events`);
  // The examples reach most of the protocol: the type checks above are not vacuous.
  assert.ok(seen.size >= 50, `${seen.size} functions and reasons seen: ${[...seen].join(" ")}`);
});

test("eventDetail, eventLabel and eventNumber format any event from the spec table", () => {
  const log = new EventLog();
  const sc = loadScenario(readFileSync(new URL("../../../examples/netpoll-server.yaml", import.meta.url), "utf8"), "netpoll-server.yaml");
  simulate({ ...sc.runs[0]!.options, maxEvents: 5000, observers: [log] });
  const park = log.first("netpoll", "park");
  assert.equal(eventDetail(park), `park ${park.site} latencyNs=${park.latencyNs}`);
  assert.equal(eventLabel(park), `park ${park.site}`);
  assert.equal(eventNumber(park), park.latencyNs);
  const exec = log.of("execute").find((e) => e.inheritTime)!;
  assert.equal(eventDetail(exec), `inheritTime schedtick=${exec.schedtick}`);
  const newproc = log.first("newproc");
  assert.equal(eventDetail(newproc), `${newproc.program} creatorGoid=${newproc.creatorGoid}`);
  const acq = log.first("acquirep");
  assert.equal(eventDetail(acq), "", "no payload: nothing, whatever the reused record held before");
  const block = log.first("netpoll", "block");
  assert.match(eventDetail(block), /^block timeoutNs=-?\d+$/);
});

// Perfetto's protobuf output, decoded with protobufjs against Perfetto's own .proto definitions
// (testdata/perfetto-protos, vendored), checked for the format's rules (incremental state, interning,
// declared tracks, the incremental clock) and against the JSON writer's output of the same run:
// the same slices on the same tracks at the same times, the same counters, the same flows.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import protobuf from "protobufjs";
import { PerfettoObserver } from "../../src/observers/perfetto.js";
import { PerfettoProtoEncoder } from "../../src/observers/perfetto_proto.js";
import { loadScenario } from "../../src/scenario/index.js";
import { simulate } from "../../src/simulate.js";
import { concat, repoRoot } from "./helpers.js";

const root = protobuf.loadSync(path.join(repoRoot, "testdata", "perfetto-protos", "perfetto_trace_subset.proto"));
const Trace = root.lookupType("perfetto.protos.Trace");

interface Named {
  iid: number | protobuf.Long;
  name: string;
}
interface Packet {
  timestamp?: number | protobuf.Long;
  trustedPacketSequenceId?: number;
  sequenceFlags?: number;
  firstPacketOnSequence?: boolean;
  clockSnapshot?: { clocks: { clockId: number; timestamp: number | protobuf.Long; isIncremental?: boolean }[] };
  tracePacketDefaults?: { timestampClockId?: number };
  internedData?: { eventCategories?: Named[]; eventNames?: Named[]; debugAnnotationNames?: Named[] };
  trackDescriptor?: { uuid: number | protobuf.Long; parentUuid?: number | protobuf.Long; name?: string; process?: { pid: number; processName: string }; counter?: object };
  trackEvent?: {
    type: number;
    trackUuid: number | protobuf.Long;
    nameIid?: number | protobuf.Long;
    categoryIids?: (number | protobuf.Long)[];
    counterValue?: number | protobuf.Long;
    extraCounterTrackUuids?: (number | protobuf.Long)[];
    extraCounterValues?: (number | protobuf.Long)[];
    flowIds?: (number | protobuf.Long)[];
    terminatingFlowIds?: (number | protobuf.Long)[];
    debugAnnotations?: { nameIid: number | protobuf.Long; intValue?: number | protobuf.Long; stringValue?: string }[];
  };
}

const num = (x: number | protobuf.Long | undefined): number => (x === undefined ? 0 : typeof x === "number" ? x : (x as unknown as { toNumber(): number }).toNumber());

function run(yaml: string, file: string, variant: string[], json: boolean): { bytes: Uint8Array; text: string } {
  const sc = loadScenario(yaml, file, { variants: variant });
  const cr = sc.runs[0]!;
  const chunks: Uint8Array[] = [];
  const text: string[] = [];
  simulate({
    ...cr.options,
    observers: [(rt) => (json ? new PerfettoObserver(rt, (s) => text.push(s)) : new PerfettoObserver(rt, new PerfettoProtoEncoder((c) => chunks.push(c), { chunkBytes: 4096 })))],
  });
  return { bytes: concat(chunks), text: text.join("") };
}

interface JsonEvent {
  name: string;
  ph: string;
  ts: number;
  pid: number;
  tid?: number;
  id?: number;
  args?: Record<string, number | string>;
}

for (const [example, variant] of [
  ["default.yaml", "Syscall"],
  ["stw-meets-syscalls.yaml", null],
  ["file-server.yaml", null],
] as const) {
  test(`Perfetto protobuf (${example}): decodes against Perfetto's protos; the same slices, counters and flows as the JSON`, () => {
    const file = path.join(repoRoot, "examples", example);
    const yaml = readFileSync(file, "utf8");
    const variants = variant === null ? [] : [variant];
    const { bytes } = run(yaml, file, variants, false);
    const { text } = run(yaml, file, variants, true);
    const packets = (Trace.toObject(Trace.decode(bytes), { defaults: false }) as { packet: Packet[] }).packet;

    // Sequence, incremental state and the incremental clock.
    const first = packets[0]!;
    assert.equal(first.sequenceFlags, 1, "the first packet clears the incremental state");
    assert.equal(first.firstPacketOnSequence, true);
    const clock = first.clockSnapshot!.clocks.find((c) => c.clockId === 64)!;
    assert.equal(clock.isIncremental, true);
    assert.equal(first.tracePacketDefaults?.timestampClockId, 64);
    const names = new Map<number, string>();
    const cats = new Map<number, string>();
    const argNames = new Map<number, string>();
    const tracks = new Map<number, { name: string; parent: number; counter: boolean; pid?: number }>();
    let nowNs = num(clock.timestamp);
    type Ev = { ns: number; kind: string; name: string };
    const byTrack = new Map<number, Ev[]>();
    const counterValues = new Map<number, number>();
    const flowsStarted = new Set<number>();
    const flowsEnded = new Set<number>();
    for (const p of packets) {
      assert.equal(p.trustedPacketSequenceId, 1);
      for (const [list, map] of [
        [p.internedData?.eventNames, names],
        [p.internedData?.eventCategories, cats],
        [p.internedData?.debugAnnotationNames, argNames],
      ] as const) {
        for (const e of list ?? []) {
          assert.ok(!map.has(num(e.iid)), `iid ${num(e.iid)} interned twice`);
          map.set(num(e.iid), e.name);
        }
      }
      if (p.trackDescriptor !== undefined) {
        const d = p.trackDescriptor;
        tracks.set(num(d.uuid), { name: d.process?.processName ?? d.name ?? "", parent: num(d.parentUuid), counter: d.counter !== undefined, ...(d.process !== undefined ? { pid: d.process.pid } : {}) });
        continue;
      }
      const e = p.trackEvent;
      if (e === undefined) continue;
      assert.equal(p.sequenceFlags, 2, "every event packet needs the incremental state (interning, clock)");
      assert.ok(p.timestamp !== undefined, "every event has a timestamp (a delta)");
      nowNs += num(p.timestamp);
      const uuid = num(e.trackUuid);
      const track = tracks.get(uuid);
      assert.ok(track !== undefined, `track ${uuid} used before its descriptor`);
      for (const [i, u] of (e.extraCounterTrackUuids ?? []).entries()) {
        assert.ok(tracks.get(num(u))?.counter === true);
        counterValues.set(num(u), num(e.extraCounterValues![i]));
      }
      if (e.type === 4) {
        assert.ok(track.counter, "a counter value on a counter track");
        counterValues.set(uuid, num(e.counterValue));
        continue;
      }
      const name = e.nameIid === undefined ? "" : names.get(num(e.nameIid));
      assert.ok(name !== undefined, `name iid ${num(e.nameIid)} not interned before use`);
      for (const c of e.categoryIids ?? []) assert.ok(cats.has(num(c)));
      for (const a of e.debugAnnotations ?? []) assert.ok(argNames.has(num(a.nameIid)));
      for (const f of e.flowIds ?? []) flowsStarted.add(num(f));
      for (const f of e.terminatingFlowIds ?? []) flowsEnded.add(num(f));
      if (e.type === 3) continue;
      if (!byTrack.has(uuid)) byTrack.set(uuid, []);
      byTrack.get(uuid)!.push({ ns: nowNs, kind: e.type === 1 ? "B" : "E", name });
    }

    // The JSON of the same run, track by track: pid → process track, tid → its named child.
    const doc = JSON.parse(text) as { traceEvents: JsonEvent[] };
    const trackName = new Map<string, string>();
    for (const ev of doc.traceEvents) if (ev.ph === "M" && ev.name === "thread_name") trackName.set(`${ev.pid}:${ev.tid!}`, String(ev.args!.name));
    const jsonByTrack = new Map<string, Ev[]>();
    for (const ev of doc.traceEvents) {
      if (ev.ph !== "B" && ev.ph !== "E") continue;
      const k = `${ev.pid}:${ev.tid!}`;
      if (!jsonByTrack.has(k)) jsonByTrack.set(k, []);
      jsonByTrack.get(k)!.push({ ns: Math.round(ev.ts * 1000), kind: ev.ph, name: ev.ph === "B" ? ev.name : "" });
    }
    const pidOf = new Map<number, number>();
    for (const [uuid, t] of tracks) if (t.pid !== undefined) pidOf.set(uuid, t.pid);
    let compared = 0;
    const protoKeys = new Set<string>();
    for (const [uuid, evs] of byTrack) {
      const t = tracks.get(uuid)!;
      const pid = pidOf.get(t.parent)!;
      const key = [...trackName].find(([k, n]) => k.startsWith(`${pid}:`) && n === t.name)?.[0];
      assert.ok(key !== undefined, `proto track "${t.name}" (pid ${pid}) has no JSON track`);
      protoKeys.add(key);
      assert.deepEqual(evs, jsonByTrack.get(key), `track ${t.name}`);
      compared += evs.length;
    }
    assert.deepEqual([...jsonByTrack.keys()].filter((k) => !protoKeys.has(k)), [], "every JSON track with slices is in the protobuf");
    assert.ok(compared > 100, `only ${compared} slice events compared`);

    // Counters: each series' last value equals the JSON's last value for it.
    const lastJson = new Map<string, number>();
    for (const ev of doc.traceEvents) if (ev.ph === "C") for (const [k, v] of Object.entries(ev.args!)) lastJson.set(`${ev.name} ${k}`, Number(v));
    for (const [uuid, v] of counterValues) assert.equal(v, lastJson.get(tracks.get(uuid)!.name), tracks.get(uuid)!.name);
    assert.equal(counterValues.size, lastJson.size);

    // Flows: as many as the JSON's, each started and terminated.
    const jsonFlows = doc.traceEvents.filter((ev) => ev.ph === "s").length;
    assert.equal(flowsStarted.size, jsonFlows);
    assert.deepEqual([...flowsEnded].filter((f) => !flowsStarted.has(f)), []);
    assert.equal(flowsEnded.size, doc.traceEvents.filter((ev) => ev.ph === "f").length);
  });
}

test("Perfetto protobuf: at most a fifth of the JSON on a run with many repeated names is not asserted here (a benchmark, docs/outputs.md); the encoder streams in chunks", () => {
  const file = path.join(repoRoot, "examples", "file-server.yaml");
  const sc = loadScenario(readFileSync(file, "utf8"), file, { variants: [] });
  const sizes: number[] = [];
  simulate({ ...sc.runs[0]!.options, observers: [(rt) => new PerfettoObserver(rt, new PerfettoProtoEncoder((c) => sizes.push(c.length), { chunkBytes: 4096 }))] });
  assert.ok(sizes.length > 10, "written in many chunks, not at the end");
  // A chunk is cut after the packet that crosses the threshold: never much larger.
  assert.ok(Math.max(...sizes) < 4096 + 1024, `largest chunk ${Math.max(...sizes)} B`);
});

// What-if from a real trace (the library behind `gosched trace replay`, `validate --family replay`
// and the web UI's Predict): derive the trace's workload (gotrace/replay.ts), replay it in the model
// with the trace's own settings (checked against the trace's figures, `replayBands`) and, with
// overrides (GOMAXPROCS, profile, policy, a call site scaled), again as the prediction; per call site
// syscall latencies of the trace and of both replays. One place computes these numbers; the CLI
// prints them and the UI shows them. Core module: no node:* imports (it runs in the UI's worker).
import { GoschedError } from "./base/errors.js";
import { maxDurationNs } from "./base/limits.js";
import type { ParsedTrace } from "./gotrace/common.js";
import { actionLists, deriveWorkload, scaleSite, type DerivedWorkload } from "./gotrace/replay.js";
import { profileNames } from "./profiles/index.js";
import type { ProfileName } from "./runtime/config.js";
import type { Observer, RuntimeEvent } from "./runtime/events.js";
import { simulate, type ObserverSpec, type Simulation } from "./simulate.js";
import { buildReplayPrograms } from "./workloads/trace_replay.js";

export interface ReplayOverrides {
  readonly gomaxprocs?: number;
  readonly profile?: string;
  readonly policy?: string;
  /** site substring → factor for its syscalls' durations. */
  readonly scaleSites?: readonly (readonly [string, number])[];
  readonly seed?: number;
  /** Check the model's invariants after every event (tests). */
  readonly check?: boolean;
  /**
   * Extra observers of the what-if run (e.g. per-site syscall latencies). A pooled replay that
   * deadlocks runs again without pools: an observer given as an instance sees both runs, one given
   * as a factory gets a fresh instance per run.
   */
  readonly whatIfObservers?: readonly ObserverSpec[];
  /** Extra observers of the replay with the trace's own settings. */
  readonly baselineObservers?: readonly ObserverSpec[];
}

/** A call site's syscall latency (entry → return): in the trace, the replay and the what-if. */
export interface SiteLatencyRow {
  readonly site: string;
  /** Syscalls of the site in the trace, and those with a recorded duration (the quantiles' sample). */
  readonly calls: number;
  readonly timed: number;
  readonly trace: LatencyQuantiles | null;
  readonly replay: LatencyQuantiles | null;
  readonly whatIf: LatencyQuantiles | null;
}

export interface LatencyQuantiles {
  readonly p50Ns: number;
  readonly p99Ns: number;
}

export interface ComparisonRow {
  readonly metric: string;
  readonly trace: number | null;
  readonly replay: number;
  /** replay − trace relative to trace (null when the trace has no figure). */
  readonly relErr: number | null;
  /** The stated band this row must be within, in words, and whether it is. */
  readonly band: string;
  readonly withinBand: boolean | null;
}

export interface ReplayResult {
  readonly workload: DerivedWorkload;
  /** The replay with the trace's own settings. */
  readonly baseline: Simulation;
  readonly baselineSettings: { readonly gomaxprocs: number; readonly profile: string; readonly policy: string };
  readonly comparison: readonly ComparisonRow[];
  /** The replay with the overrides, when any are given. */
  readonly whatIf: Simulation | null;
  readonly whatIfSettings: { readonly gomaxprocs: number; readonly profile: string; readonly policy: string; readonly scaled: readonly string[] } | null;
  /** Per call site syscall latency p50/p99, most called sites first. */
  readonly siteLatency: readonly SiteLatencyRow[];
}

/**
 * Bands a replay with the trace's own settings must reproduce (measured on the traced program of
 * testdata/go/traced with Go 1.19–1.27, see docs/trace-replay.md).
 */
export const replayBands = {
  makespanRel: 0.25,
  syscallsAbs: 0,
  lostPRel: 0.25,
  lostPAbs: 3,
  threadsAbs: 3,
} as const;

/**
 * The simulator profile closest to the trace's Go version (`--profile auto`): the newest profile not
 * newer than the header. A "go 1.26 trace" may come from Go 1.26 or 1.27 (1.27 writes 1.26's format);
 * it gets go1.26, which go1.27 equals on every modeled path (docs/profiles.md).
 */
export function profileFor(version: number): string {
  const names = profileNames as readonly string[];
  const candidates = names
    .map((n) => [n, Number(n.replace(/^go1\./, ""))] as const)
    .filter(([, minor]) => Number.isFinite(minor) && 1000 + minor <= version)
    .sort((a, b) => b[1] - a[1]);
  return candidates[0]?.[0] ?? names[0] ?? "go1.19";
}

export function checkProfile(p: string): ProfileName {
  if (!(profileNames as readonly string[]).includes(p)) throw new GoschedError("OPTION_INVALID", `--profile ${p}: expected one of ${profileNames.join(", ")}`);
  return p as ProfileName;
}

/** A replay with consumer pools that deadlocked. */
const deadlocked = (sim: Simulation, w: DerivedWorkload): boolean => w.pools.length > 0 && sim.result.stoppedBy === "deadlock";

const withNote = (w: DerivedWorkload, note: string): DerivedWorkload => ({ ...w, notes: [...w.notes, note] });

function runReplay(w: DerivedWorkload, gomaxprocs: number, profile: string, policy: string, seed: number, check = false, observers: readonly ObserverSpec[] = []): Simulation {
  const { main } = buildReplayPrograms(w);
  // A traced GC cycle's mark phase lasts what the trace's cycles lasted (median GCBegin → GCEnd).
  const gcCosts = w.gc !== null ? { costs: { gcMarkNs: w.gc.medianNs } } : {};
  const opts = { main, gomaxprocs, profile: checkProfile(profile), policy, seed, check, observers, ...gcCosts, maxTimeNs: Math.min(maxDurationNs, Math.max(60e9, w.trace.makespanNs * 100)) };
  return simulate(opts as Parameters<typeof simulate>[0]);
}

/** The workload with the what-if's call sites scaled; the scaled sites in words. */
function scaledWorkload(t: ParsedTrace, o: ReplayOverrides, pools: boolean): { readonly w: DerivedWorkload; readonly scaled: string[] } {
  const w = deriveWorkload(t, { pools });
  const scaled: string[] = [];
  for (const [site, factor] of o.scaleSites ?? []) {
    const n = scaleSite(w, site, factor);
    if (n === 0) throw new GoschedError("OPTION_INVALID", `--scale-site ${site}=${factor}: no syscall site contains "${site}"; sites: ${[...w.sites.keys()].join("; ")}`);
    scaled.push(`${site}×${factor} (${n} calls)`);
  }
  return { w, scaled };
}

const UNPOOLED_NOTE = "the replay with consumer pools deadlocked (an item waited for a wake-up its reordering withheld): replayed with each goroutine's own traced work instead.";

/**
 * Derives the workload, replays it with the trace's settings and, with overrides, again with them.
 * A replay whose consumer pools (gotrace/replay.ts poolConsumers) deadlock runs again without them.
 */
export function replayTrace(t: ParsedTrace, o: ReplayOverrides = {}): ReplayResult {
  let base = deriveWorkload(t);
  // Check the what-if's site names before any simulation runs.
  let { w, scaled } = scaledWorkload(t, o, true);
  const gmp = base.trace.gomaxprocs > 0 ? base.trace.gomaxprocs : 1;
  const profile = profileFor(t.version);
  const seed = o.seed ?? 1;
  let baseSites = new SiteLatency();
  let baseline = runReplay(base, gmp, profile, "sysmon-retake", seed, o.check, [baseSites, ...(o.baselineObservers ?? [])]);
  if (deadlocked(baseline, base)) {
    base = withNote(deriveWorkload(t, { pools: false }), UNPOOLED_NOTE);
    baseSites = new SiteLatency();
    baseline = runReplay(base, gmp, profile, "sysmon-retake", seed, o.check, [baseSites, ...(o.baselineObservers ?? [])]);
  }
  const m = baseline.metrics;
  const tr = base.trace;
  const rel = (a: number, b: number | null) => (b === null || b === 0 ? null : (a - b) / b);
  const mk = rel(m.makespanNs, tr.makespanNs);
  const lp = rel(m.syscalls.lostP, tr.lostP);
  const comparison: ComparisonRow[] = [
    {
      metric: "makespanNs",
      trace: tr.makespanNs,
      replay: m.makespanNs,
      relErr: mk,
      band: `±${replayBands.makespanRel * 100}%`,
      withinBand: mk === null ? null : Math.abs(mk) <= replayBands.makespanRel,
    },
    { metric: "syscalls", trace: tr.syscalls, replay: m.syscalls.total, relErr: rel(m.syscalls.total, tr.syscalls), band: "exact", withinBand: m.syscalls.total === tr.syscalls },
    {
      metric: "lostP",
      trace: tr.lostP,
      replay: m.syscalls.lostP,
      relErr: lp,
      band: `±${replayBands.lostPRel * 100}% or ±${replayBands.lostPAbs}`,
      withinBand: Math.abs(m.syscalls.lostP - tr.lostP) <= Math.max(replayBands.lostPAbs, replayBands.lostPRel * tr.lostP),
    },
    {
      // Who took the Ps: sysmon's retakes start the P-taking chains; the rest are threads back from a
      // syscall taking their old P (or a stop-the-world). Information, not judged.
      metric: "lostPBySysmon",
      trace: tr.lostPBySysmon,
      replay: m.handoffs.sysmonRetake,
      relErr: rel(m.handoffs.sysmonRetake, tr.lostPBySysmon),
      band: tr.lostPBySysmon === null ? "n/a (old format does not say who took a P)" : "information",
      withinBand: null,
    },
    {
      metric: "threads",
      trace: tr.threads,
      replay: m.threadsPeak,
      relErr: rel(m.threadsPeak, tr.threads),
      band: tr.threads === null ? "n/a (old format records no threads)" : `±${replayBands.threadsAbs}`,
      withinBand: tr.threads === null ? null : Math.abs(m.threadsPeak - tr.threads) <= replayBands.threadsAbs,
    },
  ];
  // --profile auto is the trace's own profile: not a what-if by itself.
  const whatIfProfile = o.profile === "auto" ? undefined : o.profile;
  const overridden = o.gomaxprocs !== undefined || whatIfProfile !== undefined || o.policy !== undefined || (o.scaleSites?.length ?? 0) > 0;
  let whatIf: Simulation | null = null;
  let whatIfSites = new SiteLatency();
  let whatIfSettings: ReplayResult["whatIfSettings"] = null;
  if (overridden) {
    const s = { gomaxprocs: o.gomaxprocs ?? gmp, profile: whatIfProfile ?? profile, policy: o.policy ?? "sysmon-retake" };
    whatIf = runReplay(w, s.gomaxprocs, s.profile, s.policy, seed, o.check, [whatIfSites, ...(o.whatIfObservers ?? [])]);
    if (deadlocked(whatIf, w)) {
      ({ w, scaled } = scaledWorkload(t, o, false));
      whatIfSites = new SiteLatency();
      whatIf = runReplay(w, s.gomaxprocs, s.profile, s.policy, seed, o.check, [whatIfSites, ...(o.whatIfObservers ?? [])]);
      if (!base.notes.includes(UNPOOLED_NOTE)) base = withNote(base, `what-if: ${UNPOOLED_NOTE}`);
    }
    whatIfSettings = { ...s, scaled };
  }
  const siteLatency = siteLatencyRows(base, baseSites, whatIf !== null ? whatIfSites : null);
  return { workload: base, baseline, baselineSettings: { gomaxprocs: gmp, profile, policy: "sysmon-retake" }, comparison, whatIf, whatIfSettings, siteLatency };
}

/** Per call site syscall latency (entersyscall → exitsyscall of the same goroutine) in a simulation. */
export class SiteLatency implements Observer {
  readonly bySite = new Map<string, number[]>();
  private readonly open = new Map<number, { site: string; t: number }>();
  onEvent(e: Readonly<RuntimeEvent>): void {
    if (e.fn === "entersyscall" || e.fn === "entersyscallblock") this.open.set(e.goid, { site: e.site, t: e.timeNs });
    else if (e.fn === "exitsyscall") {
      const o = this.open.get(e.goid);
      if (o === undefined) return;
      this.open.delete(e.goid);
      let xs = this.bySite.get(o.site);
      if (xs === undefined) this.bySite.set(o.site, (xs = []));
      xs.push(e.timeNs - o.t);
    }
  }
  /** p-quantile of the sites whose label is the Go function main.<name> (any file:line). */
  quantile(name: string, q: number): number | null {
    const xs: number[] = [];
    for (const [site, v] of this.bySite) if (site === `main.${name}` || site.startsWith(`main.${name} `)) xs.push(...v);
    return quantileOf(xs, q);
  }
  /** p50 and p99 of one site's latencies (its exact label), or null without any. */
  quantiles(site: string): LatencyQuantiles | null {
    const xs = this.bySite.get(site) ?? [];
    const p50 = quantileOf(xs, 0.5);
    const p99 = quantileOf(xs, 0.99);
    return p50 === null || p99 === null ? null : { p50Ns: p50, p99Ns: p99 };
  }
}

/** The q-quantile (nearest rank below) of xs, or null when empty; sorts a copy. */
function quantileOf(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const xs = Float64Array.from(values).sort();
  return xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
}

/**
 * The trace's per-site latencies (its timed syscalls: every call in the new format; in the old one
 * only the calls that lost their P, whose return is recorded) next to the replays', most called first.
 */
function siteLatencyRows(w: DerivedWorkload, replay: SiteLatency, whatIf: SiteLatency | null): SiteLatencyRow[] {
  const timed = new Map<string, number[]>();
  for (const acts of actionLists(w)) {
    for (const a of acts) {
      if (a.a !== "syscall" || !a.timed) continue;
      let xs = timed.get(a.site);
      if (xs === undefined) timed.set(a.site, (xs = []));
      xs.push(a.ns);
    }
  }
  return [...w.sites]
    .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
    .map(([site, calls]) => {
      const xs = timed.get(site) ?? [];
      const p50 = quantileOf(xs, 0.5);
      const p99 = quantileOf(xs, 0.99);
      return { site, calls, timed: xs.length, trace: p50 === null || p99 === null ? null : { p50Ns: p50, p99Ns: p99 }, replay: replay.quantiles(site), whatIf: whatIf?.quantiles(site) ?? null };
    });
}

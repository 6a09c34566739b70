// Event table of the new (v2, Go 1.22+) trace format.

export interface V2Spec {
  readonly name: string;
  /** Argument names in wire order (timed events start with "dt"). */
  readonly args: readonly string[];
  readonly timed: boolean;
  /** Stack table entry: followed by nframes*4 extra varints. */
  readonly isStack: boolean;
  /** Followed by a varint length and that many raw bytes. */
  readonly hasData: boolean;
  /** Indices (into args) of stack ids / string ids. */
  readonly stackArgs: readonly number[];
  readonly stringArgs: readonly number[];
  /** Index (into args) of the trailing "stack" argument, or -1. */
  readonly stackIdx: number;
  /** Event type that starts the range this event ends/marks active (0 if none). */
  readonly startEv: number;
  /** What each argument after the first is called in an error message (made once, not per event). */
  readonly argLabels: readonly string[];
}

export const EvEventBatch = 1;
export const EvStacks = 2;
export const EvStack = 3;
export const EvStrings = 4;
export const EvString = 5;
export const EvCPUSamples = 6;
export const EvCPUSample = 7;
export const EvFrequency = 8;
export const EvProcsChange = 9;
export const EvProcStart = 10;
export const EvProcStop = 11;
export const EvProcSteal = 12;
export const EvProcStatus = 13;
export const EvGoCreate = 14;
export const EvGoCreateSyscall = 15;
export const EvGoStart = 16;
export const EvGoDestroy = 17;
export const EvGoDestroySyscall = 18;
export const EvGoStop = 19;
export const EvGoBlock = 20;
export const EvGoUnblock = 21;
export const EvGoSyscallBegin = 22;
export const EvGoSyscallEnd = 23;
export const EvGoSyscallEndBlocked = 24;
export const EvGoStatus = 25;
export const EvSTWBegin = 26;
export const EvSTWEnd = 27;
export const EvGCActive = 28;
export const EvGCBegin = 29;
export const EvGCEnd = 30;
export const EvGCSweepActive = 31;
export const EvGCSweepBegin = 32;
export const EvGCSweepEnd = 33;
export const EvGCMarkAssistActive = 34;
export const EvGCMarkAssistBegin = 35;
export const EvGCMarkAssistEnd = 36;
export const EvHeapAlloc = 37;
export const EvHeapGoal = 38;
export const EvGoLabel = 39;
export const EvUserTaskBegin = 40;
export const EvUserTaskEnd = 41;
export const EvUserRegionBegin = 42;
export const EvUserRegionEnd = 43;
export const EvUserLog = 44;
export const EvGoSwitch = 45;
export const EvGoSwitchDestroy = 46;
export const EvGoCreateBlocked = 47;
export const EvGoStatusStack = 48;
export const EvExperimentalBatch = 49;
// Go 1.25: the frequency travels in a sync batch together with a clock snapshot.
export const EvSync = 50;
export const EvClockSnapshot = 51;
// Go 1.26: an in-band end-of-generation signal (a one-byte "batch").
export const EvEndOfGeneration = 52;
// Experimental (AllocFree) events, Go 1.23.
export const EvSpan = 128;
export const EvGoroutineStackFree = 136;

function mk(
  name: string,
  args: string[],
  o: { timed?: boolean; isStack?: boolean; hasData?: boolean; startEv?: number } = {},
): V2Spec {
  const stackArgs: number[] = [];
  const stringArgs: number[] = [];
  args.forEach((a, i) => {
    if (a === 'stack' || a === 'new_stack') stackArgs.push(i);
    if (a.endsWith('_string')) stringArgs.push(i);
  });
  return {
    name,
    args,
    timed: o.timed ?? false,
    isStack: o.isStack ?? false,
    hasData: o.hasData ?? false,
    stackArgs,
    stringArgs,
    stackIdx: args.indexOf('stack'),
    startEv: o.startEv ?? 0,
    argLabels: args.slice(1).map((a) => `argument ${a} of ${name}`),
  };
}

const T = { timed: true };
const NONE = mk('', []);

function buildSpecs(): V2Spec[] {
  const s: V2Spec[] = [];
  s[0] = NONE;
  s[EvEventBatch] = mk('EventBatch', ['gen', 'm', 'time', 'size']);
  s[EvStacks] = mk('Stacks', []);
  s[EvStack] = mk('Stack', ['id', 'nframes'], { isStack: true });
  s[EvStrings] = mk('Strings', []);
  s[EvString] = mk('String', ['id'], { hasData: true });
  s[EvCPUSamples] = mk('CPUSamples', []);
  s[EvCPUSample] = mk('CPUSample', ['time', 'm', 'p', 'g', 'stack']);
  s[EvFrequency] = mk('Frequency', ['freq']);
  s[EvProcsChange] = mk('ProcsChange', ['dt', 'procs_value', 'stack'], T);
  s[EvProcStart] = mk('ProcStart', ['dt', 'p', 'p_seq'], T);
  s[EvProcStop] = mk('ProcStop', ['dt'], T);
  s[EvProcSteal] = mk('ProcSteal', ['dt', 'p', 'p_seq', 'm'], T);
  s[EvProcStatus] = mk('ProcStatus', ['dt', 'p', 'pstatus'], T);
  s[EvGoCreate] = mk('GoCreate', ['dt', 'new_g', 'new_stack', 'stack'], T);
  s[EvGoCreateSyscall] = mk('GoCreateSyscall', ['dt', 'new_g'], T);
  s[EvGoStart] = mk('GoStart', ['dt', 'g', 'g_seq'], T);
  s[EvGoDestroy] = mk('GoDestroy', ['dt'], T);
  s[EvGoDestroySyscall] = mk('GoDestroySyscall', ['dt'], T);
  s[EvGoStop] = mk('GoStop', ['dt', 'reason_string', 'stack'], T);
  s[EvGoBlock] = mk('GoBlock', ['dt', 'reason_string', 'stack'], T);
  s[EvGoUnblock] = mk('GoUnblock', ['dt', 'g', 'g_seq', 'stack'], T);
  s[EvGoSyscallBegin] = mk('GoSyscallBegin', ['dt', 'p_seq', 'stack'], T);
  s[EvGoSyscallEnd] = mk('GoSyscallEnd', ['dt'], { timed: true, startEv: EvGoSyscallBegin });
  s[EvGoSyscallEndBlocked] = mk('GoSyscallEndBlocked', ['dt'], { timed: true, startEv: EvGoSyscallBegin });
  s[EvGoStatus] = mk('GoStatus', ['dt', 'g', 'm', 'gstatus'], T);
  s[EvSTWBegin] = mk('STWBegin', ['dt', 'kind_string', 'stack'], T);
  s[EvSTWEnd] = mk('STWEnd', ['dt'], { timed: true, startEv: EvSTWBegin });
  s[EvGCActive] = mk('GCActive', ['dt', 'gc_seq'], { timed: true, startEv: EvGCBegin });
  s[EvGCBegin] = mk('GCBegin', ['dt', 'gc_seq', 'stack'], T);
  s[EvGCEnd] = mk('GCEnd', ['dt', 'gc_seq'], { timed: true, startEv: EvGCBegin });
  s[EvGCSweepActive] = mk('GCSweepActive', ['dt', 'p'], { timed: true, startEv: EvGCSweepBegin });
  s[EvGCSweepBegin] = mk('GCSweepBegin', ['dt', 'stack'], T);
  s[EvGCSweepEnd] = mk('GCSweepEnd', ['dt', 'swept_value', 'reclaimed_value'], { timed: true, startEv: EvGCSweepBegin });
  s[EvGCMarkAssistActive] = mk('GCMarkAssistActive', ['dt', 'g'], { timed: true, startEv: EvGCMarkAssistBegin });
  s[EvGCMarkAssistBegin] = mk('GCMarkAssistBegin', ['dt', 'stack'], T);
  s[EvGCMarkAssistEnd] = mk('GCMarkAssistEnd', ['dt'], { timed: true, startEv: EvGCMarkAssistBegin });
  s[EvHeapAlloc] = mk('HeapAlloc', ['dt', 'heapalloc_value'], T);
  s[EvHeapGoal] = mk('HeapGoal', ['dt', 'heapgoal_value'], T);
  s[EvGoLabel] = mk('GoLabel', ['dt', 'label_string'], T);
  s[EvUserTaskBegin] = mk('UserTaskBegin', ['dt', 'task', 'parent_task', 'name_string', 'stack'], T);
  s[EvUserTaskEnd] = mk('UserTaskEnd', ['dt', 'task', 'stack'], T);
  s[EvUserRegionBegin] = mk('UserRegionBegin', ['dt', 'task', 'name_string', 'stack'], T);
  s[EvUserRegionEnd] = mk('UserRegionEnd', ['dt', 'task', 'name_string', 'stack'], { timed: true, startEv: EvUserRegionBegin });
  s[EvUserLog] = mk('UserLog', ['dt', 'task', 'key_string', 'value_string', 'stack'], T);
  return s;
}

function buildSpecs123(): V2Spec[] {
  const s = buildSpecs();
  s[EvGoSwitch] = mk('GoSwitch', ['dt', 'g', 'g_seq'], T);
  s[EvGoSwitchDestroy] = mk('GoSwitchDestroy', ['dt', 'g', 'g_seq'], T);
  s[EvGoCreateBlocked] = mk('GoCreateBlocked', ['dt', 'new_g', 'new_stack', 'stack'], T);
  s[EvGoStatusStack] = mk('GoStatusStack', ['dt', 'g', 'm', 'gstatus', 'stack'], T);
  s[EvExperimentalBatch] = mk('ExperimentalBatch', ['exp', 'gen', 'm', 'time'], { hasData: true });
  for (let i = 50; i < EvSpan; i++) s[i] = NONE;
  s[128] = mk('Span', ['dt', 'id', 'npages_value', 'kindclass'], T);
  s[129] = mk('SpanAlloc', ['dt', 'id', 'npages_value', 'kindclass'], T);
  s[130] = mk('SpanFree', ['dt', 'id'], T);
  s[131] = mk('HeapObject', ['dt', 'id', 'type'], T);
  s[132] = mk('HeapObjectAlloc', ['dt', 'id', 'type'], T);
  s[133] = mk('HeapObjectFree', ['dt', 'id'], T);
  s[134] = mk('GoroutineStack', ['dt', 'id', 'order'], T);
  s[135] = mk('GoroutineStackAlloc', ['dt', 'id', 'order'], T);
  s[136] = mk('GoroutineStackFree', ['dt', 'id'], T);
  return s;
}

function buildSpecs125(): V2Spec[] {
  const s = buildSpecs123();
  s[EvSync] = mk('Sync', []);
  s[EvClockSnapshot] = mk('ClockSnapshot', ['dt', 'mono', 'sec', 'nsec'], T);
  return s;
}

function buildSpecs126(): V2Spec[] {
  const s = buildSpecs125();
  s[EvEndOfGeneration] = mk('EndOfGeneration', []);
  return s;
}

const SPECS_122 = buildSpecs();
const SPECS_123 = buildSpecs123();
const SPECS_125 = buildSpecs125();
const SPECS_126 = buildSpecs126();

/** The new-format versions this reader knows (1000*major + minor), as in Go's internal/trace/version. */
export const V2_VERSIONS: readonly number[] = [1022, 1023, 1025, 1026];

/** The event table for a v2 version (1022, 1023, 1025 or 1026; see Go's internal/trace/version). */
export function specsFor(version: number): readonly V2Spec[] {
  return version >= 1026 ? SPECS_126 : version >= 1025 ? SPECS_125 : version >= 1023 ? SPECS_123 : SPECS_122;
}

/** Name -> event type for a version. */
export function namesFor(version: number): ReadonlyMap<string, number> {
  const m = new Map<string, number>();
  specsFor(version).forEach((s, i) => {
    if (s.name !== '') m.set(s.name, i);
  });
  return m;
}

export const MAX_BATCH_SIZE = 64 << 10;
export const MAX_FRAMES_PER_STACK = 128;
export const MAX_STRING_SIZE = 1 << 10;

// Statuses.
export const GoRunnable = 1;
export const GoRunning = 2;
export const GoSyscall = 3;
export const GoWaiting = 4;
export const ProcRunning = 1;
export const ProcIdle = 2;
export const ProcSyscall = 3;
export const ProcSyscallAbandoned = 4;

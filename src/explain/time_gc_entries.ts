// Explanations for timers (per-P heaps, go1.10's timerproc), waking the
// network poller, and the GC's background work (start, mark workers,
// mark termination, forced GC). Pure data, in our own words from Go's
// runtime/time.go, runtime/netpoll.go, runtime/mgc.go and runtime/proc.go
// (sysmon, forcegchelper); see docs/model.md and the model's
// src/runtime/time.ts, timerproc.ts, netpoll.ts, gcwork.ts and stw.ts.

import type { Explanation } from "./catalog.js";

export const timeGcEntries: readonly Explanation[] = [
  {
    fn: "addtimer",
    goFile: "runtime/time.go",
    summary:
      "Puts a timer on the heap of the current P (go1.14+: every P keeps its " +
      "own 4-ary heap of timers, ordered by when). time.NewTimer, time.After " +
      "and AfterFunc arrive here through time.startTimer; time.Sleep arms its " +
      "per-goroutine timer the same way from gopark's unlock callback " +
      "(resetForSleep -> resettimer), i.e. only once the sleeper is parked. " +
      "Adding a timer never runs anything: it makes sure some thread will " +
      "look at the heap in time (wakeNetPoller).",
    steps: [
      {
        text:
          "Clamp a negative or overflowing when to maxWhen; the timer must be " +
          "new (timerNoStatus); mark it timerWaiting.",
        changes: "timer.status = timerWaiting",
      },
      {
        text:
          "Lock this P's timersLock, drop deleted timers from the top " +
          "(cleantimers), then doaddtimer: the first timer ever initializes " +
          "the network poller (an idle M's timed sleep is an epoll_wait); " +
          "append and sift up; if it became the earliest, publish " +
          "p.timer0When; numTimers += 1.",
        changes:
          "P.timers += t; P.timer0When maybe lowered; netpoll initialized",
      },
      {
        text: "Unlock, then wakeNetPoller(when).",
        changes: "a blocked poller is interrupted or an idle P started",
      },
    ],
    versions: [
      {
        profile: "go1.10",
        note:
          "No per-P heaps: the timer goes to one of 64 buckets (P id % 64), " +
          "each served by a timerproc goroutine; an earlier deadline wakes a " +
          "sleeping timerproc, an idle one is readied, and the first timer of " +
          "a bucket starts its timerproc.",
      },
      {
        profile: "go1.26",
        note:
          "Timers were rewritten in go1.23: the heap is a timers struct on " +
          "the P and a channel timer (time.After/NewTimer) only sits in a " +
          "heap while some goroutine waits on its channel, which is now " +
          "unbuffered. Adding still ends in wakeNetPoller.",
      },
    ],
    related: ["wakeNetPoller", "checkTimers", "runOneTimer", "timerproc"],
  },
  {
    fn: "wakeNetPoller",
    goFile: "runtime/proc.go",
    summary:
      "Called after a timer is added or moved earlier, so that the new " +
      "deadline is not missed. If an M is blocked in netpoll (sched.lastpoll " +
      "== 0) with a later deadline (sched.pollUntil) or none, interrupt it " +
      "with netpollBreak so it recomputes its timeout. If nobody is blocked " +
      "in netpoll, wakep: start a spinning M, whose findRunnable will run the " +
      "timer (or block in netpoll until it is due).",
    steps: [
      {
        text:
          "sched.lastpoll == 0 (an M sits in epoll_wait): if sched.pollUntil " +
          "is 0 (blocked without deadline) or later than when, netpollBreak().",
        changes: "the blocked M returns from netpoll early",
      },
      {
        text: "Otherwise (no M in netpoll): wakep() (not on plan9).",
        changes: "maybe an idle P and a spinning M started",
      },
      {
        text:
          "Model: the break shows up as a netpoll event with reason " +
          "'netpollBreak'; the woken M returns after the futex wake-up " +
          "latency.",
      },
    ],
    versions: [
      {
        profile: "go1.10",
        note:
          "Does not exist: timers live in timerproc goroutines, and the " +
          "blocking netpoll in findrunnable waits without a deadline.",
      },
    ],
    related: ["netpollBreak", "addtimer", "wakep", "netpoll", "findRunnable"],
  },
  {
    fn: "netpollBreak",
    goFile: "runtime/netpoll_epoll.go",
    summary:
      "Interrupts an M blocked in netpoll's epoll_wait. The poller always " +
      "watches one private descriptor of its own (a pipe; an eventfd in later " +
      "releases); writing to it makes epoll_wait return at once. A flag " +
      "(netpollWakeSig) makes concurrent calls coalesce into one write.",
    steps: [
      {
        text:
          "CAS netpollWakeSig 0 -> 1; if it was already set a wake-up is " +
          "pending and there is nothing to do.",
        changes: "netpollWakeSig = 1",
      },
      {
        text:
          "Write one byte to the break descriptor (retrying on EINTR, " +
          "ignoring EAGAIN: already readable).",
        changes: "the blocked epoll_wait returns",
      },
      {
        text:
          "In netpoll, a blocking call that sees the break descriptor drains " +
          "it and clears netpollWakeSig; a non-blocking poll leaves it for " +
          "the blocking one.",
        changes: "netpollWakeSig = 0",
      },
    ],
    versions: [
      {
        profile: "go1.10",
        note: "Does not exist (added with per-P timers in go1.14).",
      },
    ],
    related: ["wakeNetPoller", "netpoll", "findRunnable"],
  },
  {
    fn: "checkTimers",
    goFile: "runtime/proc.go",
    summary:
      "Runs a P's expired timers on the calling M. findRunnable calls it for " +
      "its own P first thing, and stealWork calls it for each victim P on the " +
      "last of its four rounds, so a spinning M also fires the timers of busy " +
      "or idle Ps. It returns the time used, the next deadline (for the " +
      "pollUntil of a blocking netpoll) and whether a timer ran.",
    steps: [
      {
        text:
          "Read p.timer0When (and timerModifiedEarliest): no timers -> " +
          "return. Not yet due -> return the deadline without locking " +
          "(unless this is our own P with many deleted timers to clear).",
        changes: "none",
      },
      {
        text:
          "Lock p.timersLock; adjusttimers (move modified timers); then " +
          "runtimer in a loop until the top timer is not due: each due timer " +
          "is run by runOneTimer.",
        changes: "due timers leave P.timers; their functions run",
      },
      {
        text:
          "On our own P, clear deleted timers if they are over a quarter of " +
          "the heap. Unlock; return (now, next deadline, ran).",
        changes: "P.deletedTimers maybe 0",
      },
      {
        text:
          "The caller: a timer that readied a goroutine put it in this P's " +
          "runnext, so findRunnable finds it with runqget; stealWork returns " +
          "it at once.",
        changes: "readied G in runnext of the running P",
      },
    ],
    versions: [
      {
        profile: "go1.10",
        note: "Does not exist: timerproc goroutines run the timers.",
      },
      {
        profile: "go1.26",
        note:
          "The same job is (*timers).check on p.timers (go1.23 rewrite), " +
          "still called at the top of findRunnable and from stealWork.",
      },
    ],
    related: ["runOneTimer", "findRunnable", "stealWork", "addtimer"],
  },
  {
    fn: "runOneTimer",
    goFile: "runtime/time.go",
    summary:
      "Fires one due timer. It stands for the model's 'timer_fire' event. A " +
      "periodic timer is rescheduled, a one-shot timer is removed; then, " +
      "with the P's timer lock dropped, its function runs on the current " +
      "M: goroutineReady for time.Sleep (goready: the sleeper becomes " +
      "runnable in runnext of the P that ran the timer) or sendTime for a " +
      "time.After/NewTimer channel (a non-blocking send of the current " +
      "time, which may ready a receiver).",
    steps: [
      {
        text:
          "Periodic: advance when past now and sift it down. One-shot: " +
          "delete it from the heap top (dodeltimer0).",
        changes: "timer leaves or moves in P.timers",
      },
      {
        text: "Unlock timersLock; call f(arg, seq); lock again.",
        changes:
          "time.Sleep: G _Gwaiting -> _Grunnable into P.runnext; channel: " +
          "value buffered or a waiting receiver readied",
      },
      {
        text:
          "Model: timer_fire's reason is '' for our own P's timer, " +
          "'stolen-from-Pn' when a spinning M ran P n's timer, 'chan' for a " +
          "channel timer and 'timerproc' under go1.10.",
      },
    ],
    versions: [
      {
        profile: "go1.10",
        note:
          "timerproc runs the due timers of its bucket in the same way; the " +
          "readied goroutine goes to timerproc's P.",
      },
      {
        profile: "go1.26",
        note:
          "(*timer).unlockAndRun since go1.23; channel sends are synchronous " +
          "(unbuffered timer channels).",
      },
    ],
    related: ["checkTimers", "ready", "runqput", "timerproc"],
  },
  {
    fn: "timerproc",
    goFile: "runtime/time.go",
    summary:
      "go1.10 only: the goroutine that runs the timers of one of 64 timer " +
      "buckets (a bucket is chosen as P id % 64). It fires the due timers, " +
      "then sleeps until the next one in notetsleepg - which enters the " +
      "syscall state with entersyscallblock, so its P is handed off and one " +
      "thread per active bucket sits blocked in a futex. With no timers it " +
      "parks as 'timer goroutine (idle)'. go1.14 replaced it with per-P timer " +
      "heaps run by the scheduler itself.",
    steps: [
      {
        text:
          "Created by addtimer for the bucket's first timer (go timerproc). " +
          "Loop: lock the bucket; clear 'sleeping'; run every due timer, " +
          "unlocking around each function (goroutineReady readies the " +
          "sleeper on timerproc's P).",
        changes: "sleepers _Gwaiting -> _Grunnable",
      },
      {
        text:
          "Heap empty: set 'rescheduling' and park (goparkunlock, 'timer " +
          "goroutine (idle)'); addtimer readies it for the next timer.",
        changes: "timerproc G _Grunning -> _Gwaiting",
      },
      {
        text:
          "Otherwise: sleeping = true, sleepUntil = next deadline; " +
          "notetsleepg(waitnote, delta) = entersyscallblock + futex sleep " +
          "+ exitsyscall. An earlier timer wakes it (notewakeup(waitnote)).",
        changes:
          "timerproc G _Gsyscall; its P handed off (handoffp); one thread " +
          "blocked per sleeping bucket",
      },
    ],
    versions: [
      {
        profile: "go1.19",
        note:
          "Gone since go1.14: timers live on per-P heaps (addtimer, " +
          "checkTimers) and no thread blocks for them.",
      },
    ],
    related: [
      "addtimer",
      "entersyscallblock",
      "notewakeup",
      "runOneTimer",
      "handoffp",
    ],
  },
  {
    fn: "gcStart",
    goFile: "runtime/mgc.go",
    summary:
      "Starts a GC cycle when a trigger fires: the heap reached its goal (an " +
      "allocation), runtime.GC (which then waits for the cycle to finish) or " +
      "the 2-minute timer of forcegchelper. It finishes the previous sweep, " +
      "makes sure the background mark workers exist, stops the world for " +
      "sweep termination, switches to the mark phase with write barriers on, " +
      "and starts the world again: marking then runs concurrently.",
    steps: [
      {
        text:
          "Give up if running on g0 or in a non-preemptible state; finish " +
          "sweeping; take work.startSema and re-test the trigger (another " +
          "goroutine may have started the cycle).",
        changes: "none, or the cycle is already running",
      },
      {
        text:
          "Take gcsema and worldsema; gcBgMarkStartWorkers (one mark worker " +
          "per P, parked until needed); reset mark state.",
        changes: "worker goroutines exist (_Gwaiting)",
      },
      {
        text:
          "stopTheWorldWithSema('GC sweep termination'); finish sweep; " +
          "work.cycles++; gcController.startCycle computes the dedicated " +
          "worker count (25% of GOMAXPROCS, rounded) and the heap goal.",
        changes: "all Ps _Pgcstop; gcController reset",
      },
      {
        text:
          "setGCPhase(_GCmark) (write barriers on); prepare root jobs; " +
          "gcBlackenEnabled = 1; startTheWorldWithSema.",
        changes: "gcphase = _GCmark; Ps _Prunning/_Pidle again",
      },
      {
        text:
          "Model: the gcStart event's reason is 'heap-goal' or 'runtime.GC'; " +
          "its cycle field is the cycle number. The mark phase lasts a fixed time.",
      },
    ],
    versions: [
      {
        profile: "go1.10",
        note:
          "Same shape; the pacer differs and workers are bound to Ps " +
          "(p.gcBgMarkWorker).",
      },
    ],
    related: [
      "stopTheWorldWithSema",
      "startTheWorldWithSema",
      "gcBgMarkWorker",
      "gcMarkDone",
      "forcegchelper",
    ],
  },
  {
    fn: "gcBgMarkWorker",
    goFile: "runtime/mgc.go",
    summary:
      "The background mark worker goroutine; the model's 'gcMarkWorker' " +
      "event is findRunnable choosing one (gcControllerState." +
      "findRunnableGCWorker, or the idle-time case). There is one worker " +
      "per P, parked while not needed. During marking findRunnable runs a " +
      "dedicated worker first on as many Ps as the 25% CPU goal asks (0 for " +
      "GOMAXPROCS 1-2, 1 for 4, 2 for 8), and it keeps its P until marking " +
      "ends; a P with nothing else to do runs an idle-priority worker, which " +
      "gives way as soon as other work appears.",
    steps: [
      {
        text:
          "findRunnable, early (go1.19 step 2): with gcBlackenEnabled and " +
          "mark work available, take a parked worker; decrement " +
          "dedicatedMarkWorkersNeeded if positive -> dedicated mode, else a " +
          "fractional worker if the fractional goal allows it.",
        changes:
          "worker G _Gwaiting -> _Grunnable; P.gcMarkWorkerMode set; " +
          "tryWakeP so another M picks up other work",
      },
      {
        text:
          "findRunnable, late (step 9): nothing to run or steal -> run an " +
          "idle-priority worker instead of giving up the P.",
        changes: "P.gcMarkWorkerMode = idle",
      },
      {
        text:
          "The worker marks with gcDrain: dedicated until preempted (then it " +
          "moves the P's run queue to the global queue and drains without " +
          "preemption), fractional and idle until pollWork sees other work.",
        changes: "work.nwait -1 while marking, +1 after",
      },
      {
        text:
          "Back in its loop it parks again (waitReasonGCWorkerIdle); the " +
          "last worker to find no work left calls gcMarkDone.",
        changes: "worker G _Grunning -> _Gwaiting",
      },
      {
        text:
          "Model: gcMarkWorker's reason is 'dedicated' or 'idle'; fractional " +
          "workers and mark assists are not modeled, and the mark phase " +
          "lasts a fixed time whatever the workers do.",
      },
    ],
    versions: [
      {
        profile: "go1.10",
        note:
          "Each P owns its worker (p.gcBgMarkWorker) and the choice is made " +
          "in schedule.",
      },
      {
        profile: "go1.19",
        note:
          "Since go1.16 workers sit in a pool (gcBgMarkWorkerPool) and any " +
          "free one is paired with the P that wants one; the count is still " +
          "one per P, as in the model.",
      },
    ],
    related: ["findRunnable", "gcStart", "gcMarkDone", "handoffp", "schedule"],
  },
  {
    fn: "gcMarkDone",
    goFile: "runtime/mgc.go",
    summary:
      "Decides that marking is over and moves to mark termination. Because " +
      "work may still sit in per-P buffers, it first flushes every P with " +
      "forEachP (which also takes Ps out of syscalls); only when a flush " +
      "round finds nothing new does it stop the world, turn off mark " +
      "workers and assists, and call gcMarkTermination, which finishes " +
      "marking, starts sweeping and restarts the world.",
    steps: [
      {
        text:
          "Take markDoneSema; re-check that we are marking, all workers are " +
          "idle and no mark work is left (else return).",
        changes: "none",
      },
      {
        text:
          "Take worldsema; forEachP(flush the write-barrier buffer and the " +
          "gcWork of each P). If any P flushed work, release and start " +
          "over.",
        changes:
          "each P's buffers flushed; syscall Ps taken and handed off",
      },
      {
        text:
          "stopTheWorldWithSema('GC mark termination'); gcBlackenEnabled = " +
          "0; wake blocked assists; gcMarkTermination (phase _GCmarktermination " +
          "-> _GCoff, sweep starts, startTheWorldWithSema).",
        changes: "gcphase -> _GCoff; workers park",
      },
      {
        text:
          "Model: gcMarkDone fires when the fixed mark time is up; running " +
          "workers stop and park, then forEachP and the second stop-the-world " +
          "follow.",
      },
    ],
    related: ["forEachP", "stopTheWorldWithSema", "gcBgMarkWorker", "gcStart"],
  },
  {
    fn: "forcegchelper",
    goFile: "runtime/proc.go",
    summary:
      "A goroutine started at init that parks forever ('force gc (idle)') " +
      "until sysmon wakes it: when GOGC is not off and no GC has finished for " +
      "forcegcperiod (2 minutes), sysmon injects it (global run queue + " +
      "startm per idle P) and it calls gcStart with a time trigger. This is " +
      "why even an idle program collects garbage (and returns memory) " +
      "eventually. In the model it shows as a sysmon event with reason " +
      "'forcegc' followed by gcStart.",
    steps: [
      {
        text:
          "Loop: lock forcegc.lock; idle = 1; goparkunlock (waitReasonForceGCIdle).",
        changes: "helper G _Gwaiting",
      },
      {
        text:
          "sysmon: the time trigger holds and forcegc.idle != 0 -> idle = 0; " +
          "injectglist([forcegc.g]).",
        changes: "helper G _Gwaiting -> _Grunnable (global queue)",
      },
      {
        text: "The helper runs: gcStart(gcTrigger{kind: gcTriggerTime}).",
        changes: "a GC cycle starts (if none started meanwhile)",
      },
      {
        text:
          "Model: a fresh helper goroutine is created for each forced cycle " +
          "instead of readying a parked one (same scheduling effect).",
      },
    ],
    related: ["sysmon", "gcStart", "injectglist"],
  },
];

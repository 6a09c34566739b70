// The go1.27 profile: go1.26's rules and constants, checked against the source. Between Debian's
// golang-1.26-src (1.26.11) and golang-1.27-src (1.27.4), on the paths the model follows:
// - runtime/proc.go: reentersyscall and entersyscallblock's sibling paths gain an
//   eraseSecretsSignalStk() call under goexperiment.RuntimeSecret (off by default: runtime/secret's
//   signal-stack scrub); newproc1 copies the creator's secret mode. entersyscall/exitsyscall,
//   exitsyscallTryGetP, exitsyscallNoP, setBlockOnExitSyscall/takeP, retake, sysmon, handoffp,
//   startm/stopm, wakep, findRunnable and schedule are unchanged. (main_init_done becomes an
//   atomic bool + channel for cgocallbackg; a removed GODEBUG now fails at start.)
// - runtime/runtime2.go: p, schedt and the status constants are unchanged (m.signalSecret becomes a
//   bool, cheaprand is split in two; comments).
// - runtime/time.go: the asynctimerchan GODEBUG (pre-1.23 asynchronous timer channels) is gone, so
//   the synchronous channel timers the model follows are the only kind; synctest bubbles run their
//   timers from their own heap. runtime/netpoll.go: unchanged.
// So the model's go1.27 is go1.26 (docs/profiles.md; tests/runtime/profiles.test.ts checks that they
// give identical runs). Go 1.27 also writes go1.26's trace format ("go 1.26 trace").
import type { Rules, RuntimeConstants } from "../runtime/config.js";
import { go126Constants, go126Rules } from "./go1_26.js";

export const go127Constants: RuntimeConstants = go126Constants;

export const go127Rules: Rules = go126Rules;

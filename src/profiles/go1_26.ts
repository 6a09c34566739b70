// The go1.26 profile: no _Psyscall (commit 7244e922, CL 646198 "runtime: eliminate _Psyscall").
// During a syscall the P stays _Prunning and attached to its M, which does not own it: retake,
// stop-the-world and a returning thread take it by first claiming the G's scan bit
// (setBlockOnExitSyscall) and then takeP. exitsyscall keeps the P if nobody took it, else
// exitsyscallTryGetP (its old P back from whoever holds it in a syscall, or an idle P), else
// exitsyscallNoP. Observable thread counts and retake timing are go1.19's (docs/profiles.md).
import type { Rules, RuntimeConstants } from "../runtime/config.js";
import { go119Constants } from "./go1_19.js";
import { go123Rules } from "./go1_23.js";

export const go126Constants: RuntimeConstants = go119Constants;

// go1.23's rules (needspinning, os init's raw fcntl) with the P attached during a syscall.
export const go126Rules: Rules = { ...go123Rules, syscallP: "running" };

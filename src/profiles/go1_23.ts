// The go1.23 profile (Debian bookworm-backports' golang-1.23-go), validated here too. On the syscall
// paths it behaves as go1.19 (calibration: makespan ratio 1.000, same sysmon period and back-off);
// what the model swaps: wakep takes the idle P itself (pidlegetSpinning, go1.20+) and records
// sched.needspinning when there is none, which findRunnable honours before releasing its P.
import type { Rules, RuntimeConstants } from "../runtime/config.js";
import { go119Constants, go119Rules } from "./go1_19.js";

export const go123Constants: RuntimeConstants = go119Constants;

// os.NewFile's fcntl goes through runtime.fcntl (internal/syscall/unix/fcntl_unix.go), a raw call.
export const go123Rules: Rules = { ...go119Rules, needspinning: true, initSyscallsOnP0: 0 };

// short: very short syscalls — getpid — in a tight loop, to measure the per-call cost of
// syscall.Syscall (entersyscall + kernel + exitsyscall) against syscall.RawSyscall (kernel only).
// -mode syscall | raw | both (both: syscall first, then raw, in the same process; the window
// metrics then cover the syscall half) | body (runLoop, the other programs' timed loop, around a
// no-op instead of a call: body.nsPerCall is the Go code those loops run between two calls).
// Default n = 1,000,000 calls per goroutine.
// ns per call = makespan / (g × n); cpuNsPerCall from getrusage. syscalls.lostP counts the
// Syscall calls whose P was taken anyway (sysmon's "running too long" rule: a goroutine that
// has not rescheduled for 10 ms loses its P at its next syscall that sysmon sees).
package main

import (
	"flag"
	"syscall"
)

func main() {
	mode := flag.String("mode", "syscall", "syscall | raw | both | body")
	f := parseLoopFlags(0, 1, 0)
	if !flagSet("n") {
		f.n = 1000000
	}
	m := map[string]any{"kind": "short", "mode": *mode}
	calls := int64(f.g) * int64(f.n)
	run := func(name string, call func()) *Window {
		cpu0 := cpuNs()
		w := runTight(f, call)
		m[name+".nsPerCall"] = float64(w.t1-w.t0) / float64(calls)
		m[name+".cpuNsPerCall"] = float64(cpuNs()-cpu0) / float64(calls)
		return w
	}
	sys := func() { syscall.Syscall(syscall.SYS_GETPID, 0, 0, 0) }
	raw := func() { syscall.RawSyscall(syscall.SYS_GETPID, 0, 0, 0) }
	switch *mode {
	case "syscall":
		run("syscall", sys).Report(m, calls)
	case "raw":
		run("raw", raw).Report(m, 0)
		m["syscalls.total"] = calls
	case "both":
		w := run("syscall", sys)
		run("raw", raw)
		w.Report(m, calls)
		if a, b := m["syscall.nsPerCall"].(float64), m["raw.nsPerCall"].(float64); a > 0 {
			m["entersyscallExitsyscallNs"] = a - b
		}
	case "body":
		var sink uintptr
		r := runLoop(f, func(gi int) bool { return noCall(uintptr(gi), &sink) })
		m["body.nsPerCall"] = float64(r.w.t1-r.w.t0) / float64(calls)
		r.w.Report(m, 0)
		m["syscalls.total"] = calls
	default:
		die("unknown -mode %q", *mode)
	}
	a := loopArgs(f)
	a["mode"] = *mode
	emit("short", a, m)
}

// noCall stands in for the syscall in -mode body: a call that is not inlined and does nothing.
//
//go:noinline
func noCall(x uintptr, sink *uintptr) bool {
	*sink = x
	return false
}

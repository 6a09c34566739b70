// cgo: g goroutines each make n cgo calls of usleep(d) (or, with -mode getpid, of getpid() in a
// tight loop without per-call timing; default n is then 1000000).
// A cgo call goes through runtime.cgocall → entersyscall → C → exitsyscall, so it takes the same
// P-retake path as syscall.Syscall (plus the cgo call overhead).
package main

/*
#include <unistd.h>
*/
import "C"

import "flag"

func main() {
	mode := flag.String("mode", "usleep", "usleep | getpid")
	f := parseLoopFlags(0, 1, 1000)
	if *mode == "getpid" && !flagSet("n") {
		f.n = 1000000
	}
	m := map[string]any{"kind": "cgo", "mode": *mode}
	var r loopResult
	switch *mode {
	case "usleep":
		us := C.useconds_t(f.dUs)
		r = runLoop(f, func(int) bool { return C.usleep(us) != 0 })
	case "getpid":
		// Tight loop, no per-call timing: ns per call = makespan / (g × n).
		cpu0 := cpuNs()
		w := runTight(f, func() { C.getpid() })
		calls := int64(f.g) * int64(f.n)
		m["nsPerCall"] = float64(w.t1-w.t0) / float64(calls)
		m["cpuNsPerCall"] = float64(cpuNs()-cpu0) / float64(calls)
		w.Report(m, calls)
		a := loopArgs(f)
		a["mode"] = *mode
		emit("cgo", a, m)
		return
	default:
		die("unknown -mode %q", *mode)
	}
	r.report(m, true)
	a := loopArgs(f)
	a["mode"] = *mode
	emit("cgo", a, m)
}

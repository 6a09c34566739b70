// newm: thread creation as the runtime does it, recorded in an execution trace (for gosched calibrate).
// GOMAXPROCS 1 (-procs 1): -g goroutines each make one long Syscall(nanosleep -d µs). While a
// goroutine sleeps in its syscall and others wait in the run queue, sysmon retakes its P
// (runtime/proc.go: retake → handoffp → startm); no idle M is left, so startm calls newm: allocm
// (sysmon has no P: it borrows the one it took for allocm's mallocs), newosproc's clone(), and the
// new thread's mstart, which takes the P and runs the next goroutine — which enters its syscall
// too. So every take but the first few creates a thread, while the other threads sleep in the
// kernel and the machine is otherwise idle. -d must outlast the g takes (~100 µs each): no thread
// comes back from its syscall (and parks, idle, to be woken instead of created) before the last
// goroutine has run.
//
// The window (goroutines started → all back) runs under runtime/trace into -trace FILE; gosched
// calibrate reads it (src/gotrace/newm_latency.ts): in a Go ≥ 1.22 trace, sysmon's take is a
// ProcSteal without a goroutine, allocm's borrow is sysmon's ProcStart/ProcStop on that P, and the
// new thread's start is the P's next ProcStart on an M not seen before. Older Gos write the old
// format, which has no ProcSteal: calibrate does not run this program with them.
// Prints the common window metrics (threadsCreated, makespanNs, …) as one JSON line.
package main

import (
	"flag"
	"os"
	"runtime/trace"
	"syscall"
	"unsafe"
)

func main() {
	out := flag.String("trace", "", "execution trace output file (required)")
	f := parseLoopFlags(1, 64, 20000)
	if *out == "" {
		die("-trace FILE is required")
	}
	if !flagSet("settle") {
		f.settleUs = 2000
	}
	file, err := os.Create(*out)
	if err != nil {
		die("%v", err)
	}
	if err := trace.Start(file); err != nil {
		die("trace.Start: %v", err)
	}
	sleepNs(f.settleUs * 1000) // trace.Start's stop-the-world and its reader goroutine settle first
	ts := syscall.NsecToTimespec(f.dUs * 1000)
	done := make(chan struct{}, f.g)
	w := newWindow()
	w.Begin()
	for i := 0; i < f.g; i++ {
		go func() {
			syscall.Syscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&ts)), 0, 0)
			done <- struct{}{}
		}()
	}
	for i := 0; i < f.g; i++ {
		<-done
	}
	w.End()
	trace.Stop()
	if err := file.Close(); err != nil {
		die("%v", err)
	}
	m := map[string]any{"kind": "newm"}
	w.Report(m, int64(f.g))
	a := loopArgs(f)
	a["n"] = 1
	emit("newm", a, m)
}

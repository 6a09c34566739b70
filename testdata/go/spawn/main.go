// spawn: thread start-up and futex wake latency, the method of testdata/calibration
// (go1.19-thread-creation.json, "kind": "spawn"). GOMAXPROCS = -procs (default 3).
// Each of n trials (default 40): the main goroutine does `go f()` and spins (no syscalls) until f
// has run. f goes to main's runnext; wakep starts a spinning M on an idle P, which steals f after
// runqgrab's usleep(3) (main's P is running). latencyNs = `go f()` → f running.
//   -mode new:  f then blocks its thread in a long Syscall(nanosleep) (its P is retaken), so the
//               next trial finds no idle M and newm must create a thread (threadsCreated ≈ n+1).
//   -mode idle: f returns at once, its M parks, and the next trial wakes it with futex (no thread
//               is created after the first trial; the first trial is left out).
// The gosched cost model: idle ≈ usleep(3) + futexWakeNs, new ≈ usleep(3) + threadStartNs
// (+ the wake of the M that runs newm, when it is the template thread — not here).
// -gap µs (default 2000) between trials lets sysmon retake the sleeping Ms' Ps.
package main

import (
	"flag"
	"sync/atomic"
	"syscall"
	"unsafe"
)

func main() {
	mode := flag.String("mode", "new", "new | idle")
	gapUs := flag.Int64("gap", 2000, "µs between trials")
	f := parseLoopFlags(3, 1, 0)
	if !flagSet("n") {
		f.n = 40
	}
	hold := syscall.NsecToTimespec(60e9) // longer than the run: the thread stays in the kernel
	var started int64
	lat := make([]int64, 0, f.n)
	w := newWindow()
	w.Begin()
	for i := 0; i < f.n; i++ {
		atomic.StoreInt64(&started, 0)
		t0 := nanotime()
		go func() {
			atomic.StoreInt64(&started, nanotime())
			if *mode == "new" {
				syscall.Syscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&hold)), 0, 0)
			}
		}()
		for atomic.LoadInt64(&started) == 0 {
			// spin: main keeps its P, so f must be stolen by another M
		}
		if *mode == "new" || i > 0 {
			lat = append(lat, atomic.LoadInt64(&started)-t0)
		}
		sleepNs(*gapUs * 1000)
	}
	w.End()
	m := map[string]any{"kind": "spawn", "mode": *mode}
	w.Report(m, 0)
	putLatency(m, "latencyNs", lat)
	emit("spawn", map[string]any{"procs": f.procs, "n": f.n, "mode": *mode, "gap": *gapUs}, m)
}

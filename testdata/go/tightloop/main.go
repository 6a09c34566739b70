// tightloop: a loop without function calls and a goroutine waiting behind it. GOMAXPROCS = -procs
// (default 1). Each of -n trials (default 20): main does `go waiter()` then `go spinner()` and
// waits for both; the spinner takes runnext and runs a loop without calls for about -d µs (default
// 50 ms; iterations calibrated at start), the waiter waits in the local run queue. Only sysmon's
// forcePreemptNS rule (10 ms on one time slice) with asynchronous preemption (SIGURG, Go ≥ 1.14)
// can stop the loop: the waiter then runs after ~10–20 ms instead of after the whole loop.
// -gap µs (default 2000) of sleep between trials.
// Metrics: waitNs (`go waiter()` → waiter running) p50/p99/min/max over the trials, preemptedFrac
// (trials where the waiter ran before the loop ended), loopNs.p50 (spinner's wall time),
// makespanNs.
package main

import (
	"flag"
)

var sink uint64

// spin is a loop without calls: no prologue inside, so no cooperative preemption point.
//
//go:noinline
func spin(n int64) uint64 {
	x := uint64(1)
	for i := int64(0); i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

func main() {
	gapUs := flag.Int64("gap", 2000, "µs between trials")
	f := parseLoopFlags(1, 1, 50000)
	if !flagSet("n") {
		f.n = 20
	}
	// calibrate: iterations per µs (median of 5 runs of 5 ms-ish)
	const probe = 5_000_000
	var best float64
	for i := 0; i < 5; i++ {
		t := nanotime()
		sink += spin(probe)
		r := float64(probe) / (float64(nanotime()-t) / 1000)
		if r > best {
			best = r
		}
	}
	iters := int64(best * float64(f.dUs))
	waits := make([]int64, 0, f.n)
	loops := make([]int64, 0, f.n)
	preempted := 0
	w := newWindow()
	w.Begin()
	for i := 0; i < f.n; i++ {
		var tRun, tEnd int64
		done := make(chan struct{}, 2)
		tGo := nanotime()
		go func() {
			tRun = nanotime()
			done <- struct{}{}
		}()
		go func() {
			t := nanotime()
			sink += spin(iters)
			tEnd = nanotime()
			loops = append(loops, tEnd-t)
			done <- struct{}{}
		}()
		<-done
		<-done
		waits = append(waits, tRun-tGo)
		if tRun < tEnd {
			preempted++
		}
		if *gapUs > 0 {
			sleepNs(*gapUs * 1000)
		}
	}
	w.End()
	m := map[string]any{"kind": "tightloop", "itersPerUs": best}
	w.Report(m, -1)
	delete(m, "syscalls.total")
	delete(m, "syscalls.lostP")
	putLatency(m, "waitNs", waits)
	putLatency(m, "loopNs", loops)
	m["preemptedFrac"] = float64(preempted) / float64(f.n)
	emit("tightloop", map[string]any{"procs": f.procs, "d": f.dUs, "n": f.n, "gap": *gapUs}, m)
}

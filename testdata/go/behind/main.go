// behind: a runnable goroutine waiting behind a syscall (sysmon's retake delay).
// GOMAXPROCS=1 (default -procs 1). Each of n iterations: the main goroutine starts goroutine B
// (it goes to the P's runnext) and at once enters syscall.Syscall(SYS_NANOSLEEP, d µs). The P
// sits in _Psyscall with B runnable; B runs only when sysmon retakes the P (seen in _Psyscall on
// two consecutive passes; local runq not empty, so rule b does not hold) and hands it to another
// M (a new thread the first time, then a parked one), or when the syscall returns.
// behindWaitNs = time from `go B()` until B runs. retakenFrac = fraction of iterations where B
// ran before the syscall returned. -gap µs sleeps (timer) between iterations.
// behindWaitNs.early / .late: iterations started before / after 10 ms into the window (see the
// sysretake note below; docs/validation-programs.md).
package main

import (
	"flag"
	"math"
	"sync/atomic"
	"syscall"
	"unsafe"
)

func main() {
	gapUs := flag.Int64("gap", 0, "µs to sleep between iterations (0: none)")
	f := parseLoopFlags(1, 1, 1000)
	if !flagSet("n") {
		f.n = 200
	}
	ts := syscall.NsecToTimespec(f.dUs * 1000)
	waits := make([]int64, f.n)
	lats := make([]int64, f.n)
	spawnAt := make([]int64, f.n)
	var tRun int64
	done := make(chan struct{}, 1)
	during := 0
	var eintr int64
	w := newWindow()
	if f.settleUs > 0 {
		sleepNs(f.settleUs * 1000)
	}
	w.Begin()
	for i := 0; i < f.n; i++ {
		tSpawn := nanotime()
		spawnAt[i] = tSpawn
		go func() {
			atomic.StoreInt64(&tRun, nanotime())
			done <- struct{}{}
		}()
		t := nanotime()
		_, _, e := syscall.Syscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&ts)), 0, 0)
		tRet := nanotime()
		if e == syscall.EINTR {
			eintr++
		}
		<-done
		r := atomic.LoadInt64(&tRun)
		waits[i] = r - tSpawn
		lats[i] = tRet - t
		if r < tRet {
			during++
		}
		if *gapUs > 0 {
			sleepNs(*gapUs * 1000)
		}
	}
	w.End()
	m := map[string]any{"kind": "behind"}
	w.Report(m, int64(f.n))
	m["eintr"] = eintr
	m["behindWaitNs.first"] = waits[0]
	// Split at 10 ms into the window: B runs from runnext with inheritTime, so the P's schedtick
	// never changes in this loop; after forcePreemptNS (10 ms) sysmon's sysretake rule retakes
	// the P at its first sight of the syscall instead of the second.
	var early, late []int64
	for i, st := range spawnAt {
		if st-w.t0 < 10e6 {
			early = append(early, waits[i])
		} else {
			late = append(late, waits[i])
		}
	}
	m["behindWaitNs.earlyCount"] = len(early)
	putLatency(m, "behindWaitNs.early", early)
	putLatency(m, "behindWaitNs.late", late)
	putLatency(m, "behindWaitNs", waits)
	putLatency(m, "syscallLatencyNs", lats)
	m["retakenFrac"] = math.Round(float64(during)/float64(f.n)*1e4) / 1e4
	if v, ok := m["syscalls.lostP"].(int64); ok {
		m["lostPFrac"] = math.Round(float64(v)/float64(f.n)*1e4) / 1e4
	}
	a := loopArgs(f)
	a["gap"] = *gapUs
	emit("behind", a, m)
}

// stw: runtime.GC() while goroutines sit in syscalls.
// g goroutines (default procs−1; -procs default 4) loop on syscall.Syscall(SYS_NANOSLEEP, d µs)
// (default 1000: shorter than sysmon's 10 ms rule, so their Ps stay in _Psyscall) until
// stopped; after -warmup µs the main goroutine calls runtime.GC() n times (default 10), -gap µs
// apart (default 20000), then stops the workers and waits for them. Stop-the-world takes every
// P that is in _Psyscall (_Psyscall → _Pgcstop, p.syscalltick++) and forEachP during the mark
// phase takes them again, so those syscalls lose their P and exit through the slow path or an
// idle P. With -n 0 the same run has no GC calls (baseline for sysmon's own retakes; the window
// lasts warmup + basegaps (10) × gap, like the default GC run).
// Metrics: gcWallNs (per runtime.GC() call), gcPauseNs (per stop-the-world pause, runtime/metrics
// /gc/pauses:seconds, bucket upper bounds), stwPauseNsPerGC (MemStats.PauseNs, both pauses of a
// cycle summed, exact), syscalls.lostP (whole window), syscalls.lostPDuringGC (P losses that
// happened while runtime.GC() ran), pInSyscallAtGC (mean number of Ps in _Psyscall just before
// each GC), threads.
package main

import (
	"flag"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"
)

func main() {
	warmUs := flag.Int64("warmup", 5000, "µs between starting the workers and the first GC")
	gapUs := flag.Int64("gap", 20000, "µs between GCs")
	baseGaps := flag.Int64("basegaps", 10, "with -n 0: window length in gaps after the warmup")
	f := parseLoopFlags(4, 1, 1000)
	f.n = nGiven
	if !flagSet("n") {
		f.n = 10
	}
	if !flagSet("g") {
		f.g = f.procs - 1 // leave one P for the goroutine that calls runtime.GC()
		if f.g < 1 {
			f.g = 1
		}
	}
	var ms0 runtime.MemStats
	runtime.ReadMemStats(&ms0) // stops the world; before the window
	ts := make([]syscall.Timespec, f.g*4)
	for i := range ts {
		ts[i] = syscall.NsecToTimespec(f.dUs * 1000)
	}
	completed := make([]int64, f.g*8)
	var stop int32
	var wg sync.WaitGroup
	sumCompleted := func() int64 {
		var s int64
		for gi := 0; gi < f.g; gi++ {
			s += atomic.LoadInt64(&completed[gi*8])
		}
		return s
	}
	var lats []int64
	var latMu sync.Mutex
	w := newWindow()
	w.Begin()
	for gi := 0; gi < f.g; gi++ {
		wg.Add(1)
		go func(gi int) {
			defer wg.Done()
			l := make([]int64, 0, 1024)
			for atomic.LoadInt32(&stop) == 0 {
				t := nanotime()
				syscall.Syscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&ts[gi*4])), 0, 0)
				l = append(l, nanotime()-t)
				atomic.AddInt64(&completed[gi*8], 1)
			}
			latMu.Lock()
			lats = append(lats, l...)
			latMu.Unlock()
		}(gi)
	}
	sleepNs(*warmUs * 1000)
	gcWall := make([]int64, 0, f.n)
	var lostDuringGC, inSyscall int64
	layoutOK := w.layoutOK
	for i := 0; i < f.n; i++ {
		if i > 0 {
			sleepNs(*gapUs * 1000)
		}
		var k0 tickSnap
		var c0 int64
		if layoutOK {
			for _, p := range allp {
				if atomic.LoadUint32((*uint32)(unsafe.Add(p, pOffStatus))) == 2 { // _Psyscall
					inSyscall++
				}
			}
			c0 = sumCompleted()
			k0 = readTicks(pOffSyscalltick)
		}
		t := nanotime()
		runtime.GC()
		gcWall = append(gcWall, nanotime()-t)
		if layoutOK {
			k1 := readTicks(pOffSyscalltick)
			c1 := sumCompleted()
			lostDuringGC += ticksDelta(k0, k1) - (c1 - c0)
		}
	}
	if f.n == 0 {
		// baseline: a window as long as the default run's (warmup + 10 gaps), without GC
		sleepNs(*baseGaps * *gapUs * 1000)
	}
	atomic.StoreInt32(&stop, 1)
	wg.Wait()
	w.End()
	m := map[string]any{"kind": "stw"}
	w.Report(m, sumCompleted())
	if l, ok := m["syscalls.lostP"].(int64); ok && sumCompleted() > 0 {
		m["lostPFrac"] = math.Round(float64(l)/float64(sumCompleted())*1e4) / 1e4
	}
	putLatency(m, "syscallLatencyNs", lats)
	putLatency(m, "gcWallNs", gcWall)
	var ms1 runtime.MemStats
	runtime.ReadMemStats(&ms1)
	m["gcCount"] = int64(ms1.NumGC - ms0.NumGC)
	if ng := ms1.NumGC - ms0.NumGC; ng > 0 && ng <= 256 {
		var sum, max uint64
		for j := ms0.NumGC + 1; j <= ms1.NumGC; j++ {
			p := ms1.PauseNs[(j+255)%256]
			sum += p
			if p > max {
				max = p
			}
		}
		m["stwPauseNsPerGC.mean"] = sum / uint64(ng)
		m["stwPauseNsPerGC.max"] = max
	}
	if layoutOK && f.n > 0 {
		m["syscalls.lostPDuringGC"] = lostDuringGC
		m["lostPPerGC"] = math.Round(float64(lostDuringGC)/float64(f.n)*100) / 100
		m["pInSyscallAtGC"] = math.Round(float64(inSyscall)/float64(f.n)*100) / 100
	}
	a := loopArgs(f)
	a["warmup"] = *warmUs
	a["gap"] = *gapUs
	emit("stw", a, m)
}

// futex: a futex wake's latency below the Go runtime — FUTEX_WAKE until the woken thread runs.
// Two goroutines locked to their threads (LockOSThread): the sleeper parks in FUTEX_WAIT, the waker
// nanosleeps -gap µs, stamps t0, sets the word and FUTEX_WAKEs it; the sleeper stamps t1 when it
// returns. latencyNs = t1 − t0, end to end (the kernel's wake, the IPI, the CPU's exit from idle,
// the switch to the woken thread). Both calls are RawSyscall: the runtime is not involved.
//
//	-cpus cross: sleeper and waker pinned (sched_setaffinity) to two different allowed CPUs — the
//	             woken thread runs on another, idle CPU (what gosched's Costs.futexWakeNs is);
//	-cpus same:  both pinned to one CPU — the woken thread runs there when the waker sleeps.
//
// allowedCpus is the number of CPUs the process may run on; with fewer than 2, -cpus cross reports
// no latency and skipped = 1. -n wakes (default 1000), the first 10 left out (warm-up), and those
// that found the sleeper not yet parked in FUTEX_WAIT (notParked: its CPU was busy) not timed.
package main

import (
	"flag"
	"runtime"
	"sync/atomic"
	"syscall"
	"unsafe"
)

const (
	futexWait = 0
	futexWake = 1
	warmup    = 10
)

var word uint32
var t0 int64

func main() {
	cpus := flag.String("cpus", "cross", "cross | same")
	gapUs := flag.Int64("gap", 200, "µs the waker sleeps before each wake")
	n := flag.Int("n", 1000, "wakes")
	flag.Parse()
	if *cpus != "cross" && *cpus != "same" {
		die("-cpus must be cross or same")
	}
	allowed := allowedCPUs()
	m := map[string]any{"kind": "futex", "cpus": *cpus, "allowedCpus": len(allowed)}
	args := map[string]any{"cpus": *cpus, "gap": *gapUs, "n": *n}
	if len(allowed) == 0 || (*cpus == "cross" && len(allowed) < 2) {
		m["skipped"] = 1
		emit("futex", args, m)
		return
	}
	sleeperCPU, wakerCPU := allowed[0], allowed[0]
	if *cpus == "cross" {
		wakerCPU = allowed[1]
	}
	// two locked threads, each holding a P while it waits in a raw syscall, and one P to spare
	runtime.GOMAXPROCS(3)
	lat := make([]int64, 0, *n)
	notParked := 0 // wakes that found the sleeper not yet parked (a busy CPU): no wake to time
	ready := make(chan struct{})
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		setCPU(sleeperCPU)
		close(ready)
		for i := 0; i < *n; i++ {
			woken := false
			for atomic.LoadUint32(&word) == 0 {
				_, _, e := syscall.RawSyscall6(syscall.SYS_FUTEX, uintptr(unsafe.Pointer(&word)), futexWait, 0, 0, 0, 0)
				woken = e == 0
			}
			t1 := nanotime()
			if i >= warmup && woken {
				lat = append(lat, t1-atomic.LoadInt64(&t0))
			} else if i >= warmup {
				notParked++
			}
			atomic.StoreUint32(&word, 0)
		}
		close(done)
	}()
	<-ready
	runtime.LockOSThread()
	setCPU(wakerCPU)
	gap := syscall.NsecToTimespec(*gapUs * 1000)
	w := newWindow()
	w.Begin()
	for i := 0; i < *n; i++ {
		syscall.RawSyscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&gap)), 0, 0)
		for atomic.LoadUint32(&word) != 0 {
			// the sleeper has not taken the last wake yet (on one CPU it waits for this thread to yield)
			syscall.RawSyscall(syscall.SYS_SCHED_YIELD, 0, 0, 0)
		}
		atomic.StoreInt64(&t0, nanotime())
		atomic.StoreUint32(&word, 1)
		syscall.RawSyscall6(syscall.SYS_FUTEX, uintptr(unsafe.Pointer(&word)), futexWake, 1, 0, 0, 0)
	}
	<-done
	w.End()
	m["makespanNs"] = w.t1 - w.t0
	m["notParked"] = notParked
	putLatency(m, "latencyNs", lat)
	emit("futex", args, m)
}

// allowedCPUs lists the CPUs of the process's affinity mask (sched_getaffinity).
func allowedCPUs() []int {
	var mask [16]uint64
	_, _, e := syscall.RawSyscall(syscall.SYS_SCHED_GETAFFINITY, 0, uintptr(len(mask)*8), uintptr(unsafe.Pointer(&mask[0])))
	if e != 0 {
		return nil
	}
	var cpus []int
	for c := 0; c < len(mask)*64; c++ {
		if mask[c/64]&(1<<(c%64)) != 0 {
			cpus = append(cpus, c)
		}
	}
	return cpus
}

// setCPU pins the calling thread to CPU c (sched_setaffinity).
func setCPU(c int) {
	var mask [16]uint64
	mask[c/64] = 1 << (c % 64)
	if _, _, e := syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, 0, uintptr(len(mask)*8), uintptr(unsafe.Pointer(&mask[0]))); e != 0 {
		die("sched_setaffinity(%d): %v", c, e)
	}
}

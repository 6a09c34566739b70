// raw: g goroutines each make n blocking syscall.RawSyscall(SYS_NANOSLEEP, d µs) calls.
// RawSyscall does not call entersyscall/exitsyscall: the goroutine keeps its P (status
// _Prunning) for the whole call, no syscalltick changes, sysmon cannot retake the P (it can only
// try to preempt the goroutine after 10 ms, which a thread in the kernel ignores until it returns;
// the preemption signal interrupts the sleep: counted as eintr, the remaining time is slept by
// another RawSyscall). The goroutines serialize on the Ps.
// Prints one JSON line (see testdata/go/_shared/gosched_measure.go and docs/validation-programs.md).
package main

import (
	"syscall"
	"unsafe"
)

func main() {
	f := parseLoopFlags(0, 1, 1000)
	ts := make([]syscall.Timespec, f.g*4) // one padded timespec per goroutine
	for i := range ts {
		ts[i] = syscall.NsecToTimespec(f.dUs * 1000)
	}
	rem := make([]syscall.Timespec, f.g*4)
	r := runLoop(f, func(gi int) bool {
		// sysmon's preemption signal (after 10 ms on the P) interrupts the sleep: finish the
		// remaining time (nanosleep's rem), as the calibration did, and count the interruption.
		t, rm := &ts[gi*4], &rem[gi*4]
		_, _, e := syscall.RawSyscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(t)), uintptr(unsafe.Pointer(rm)), 0)
		intr := e == syscall.EINTR
		for e == syscall.EINTR {
			req := *rm
			_, _, e = syscall.RawSyscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&req)), uintptr(unsafe.Pointer(rm)), 0)
		}
		return intr
	})
	m := map[string]any{"kind": "raw"}
	r.report(m, false)
	emit("raw", loopArgs(f), m)
}

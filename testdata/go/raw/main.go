// raw: g goroutines each make n blocking syscall.RawSyscall(SYS_NANOSLEEP, d µs) calls.
// RawSyscall does not call entersyscall/exitsyscall: the goroutine keeps its P (status
// _Prunning) for the whole call, no syscalltick changes, sysmon cannot retake the P (it can only
// try to preempt the goroutine after 10 ms, which a thread in the kernel ignores until it returns;
// the preemption signal may cut the sleep short: counted as eintr). The goroutines serialize on
// the Ps.
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
	r := runLoop(f, func(gi int) bool {
		t := &ts[gi*4]
		_, _, e := syscall.RawSyscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(t)), 0, 0)
		return e == syscall.EINTR
	})
	m := map[string]any{"kind": "raw"}
	r.report(m, false)
	emit("raw", loopArgs(f), m)
}

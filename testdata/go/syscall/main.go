// syscall: g goroutines each make n blocking syscall.Syscall(SYS_NANOSLEEP, d µs) calls.
// This is the ordinary syscall path: entersyscall → kernel → exitsyscall; the P stays in
// _Psyscall and is lost only if sysmon retakes it (or a STW / another M takes it).
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
		_, _, e := syscall.Syscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(t)), 0, 0)
		return e == syscall.EINTR
	})
	m := map[string]any{"kind": "syscall"}
	r.report(m, true)
	emit("syscall", loopArgs(f), m)
}

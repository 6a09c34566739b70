// locked: LockOSThread — one thread per locked goroutine. GOMAXPROCS = -procs (default 2).
// -g goroutines (default 16) each call runtime.LockOSThread and then loop -n times (default 20):
// -work µs of computing (a loop on nanotime) and a time.Sleep of -d µs (default 1000). A locked
// goroutine keeps its M: while it sleeps the M parks with it (stoplockedm) and its wake-up hands
// a P to that M (startlockedm). The goroutines unlock before they return (-exit-locked: they return
// locked and their threads exit; -nolock: the same loop without locking, for comparison).
// Metrics: threadsCreated (window), threadsLocked (threads in /proc/self/status once every goroutine
// holds its lock), threadsPeak (at the end), makespanNs.
package main

import (
	"flag"
	"runtime"
	"sync"
)

func main() {
	workUs := flag.Int64("work", 50, "µs of computing per iteration")
	exitLocked := flag.Bool("exit-locked", false, "return without UnlockOSThread (the threads exit)")
	noLock := flag.Bool("nolock", false, "the same loop without LockOSThread (for comparison)")
	f := parseLoopFlags(2, 16, 1000)
	if !flagSet("n") {
		f.n = 20
	}
	var locked sync.WaitGroup
	locked.Add(f.g)
	done := make(chan struct{}, f.g)
	w := newWindow()
	w.Begin()
	for gi := 0; gi < f.g; gi++ {
		go func() {
			if !*noLock {
				runtime.LockOSThread()
			}
			locked.Done()
			for i := 0; i < f.n; i++ {
				t := nanotime()
				for nanotime()-t < *workUs*1000 {
				}
				sleepNs(f.dUs * 1000)
			}
			if !*exitLocked && !*noLock {
				runtime.UnlockOSThread()
			}
			done <- struct{}{}
		}()
	}
	locked.Wait()
	threadsLocked := threadsNow()
	for gi := 0; gi < f.g; gi++ {
		<-done
	}
	w.End()
	m := map[string]any{"kind": "locked"}
	w.Report(m, -1)
	delete(m, "syscalls.total")
	delete(m, "syscalls.lostP")
	m["threadsLocked"] = threadsLocked
	emit("locked", map[string]any{"procs": f.procs, "g": f.g, "d": f.dUs, "n": f.n, "work": *workUs, "exitLocked": *exitLocked, "nolock": *noLock}, m)
}

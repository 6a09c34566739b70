// traced: a small program that makes syscalls and writes a runtime/trace, for
// gosched's trace analyze/replay tests (test/trace_cli) and the parse benchmark
// (bench/trace_parse.ts).
//
// A producer feeds -workers goroutines over a channel; each worker, per item, computes
// (-spin µs of busy work), calls getpid (a short syscall that keeps its P) and, every
// -every items, nanosleep(-sleep µs) through syscall.Syscall (long enough for sysmon to
// retake the P), then sends the result to a collector. A ticker goroutine calls time.Sleep
// meanwhile. Workers finish through a sync.WaitGroup. With -bench the program instead runs
// -workers goroutines that make -iters getpid calls each with short channel handoffs: a
// large trace for the parse benchmark.
//
// At the end it prints what it did, for the tests to check the trace against, as one JSON line:
// {"getpid":N,"nanosleep":N,"gomaxprocs":N,"workers":N,"goroutines":N} (syscalls made and
// goroutines started by main while tracing; a worker's share of the items varies from run to run).
//
// With -garbage N each item also allocates N KiB of garbage (GC cycles in the trace; the tests run
// with GOGC=off otherwise).
//
// Usage: traced -o trace.out [-procs 2] [-workers 4] [-iters 40] [-spin 50] [-sleep 1000] [-every 4] [-garbage 0]
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

//go:noinline
func spin(us int) int {
	if us <= 0 {
		return 0
	}
	x := 0
	end := time.Now().Add(time.Duration(us) * time.Microsecond)
	for time.Now().Before(end) {
		for i := 0; i < 200; i++ {
			x += i * i
		}
	}
	return x
}

// What the program did (printed at the end).
var nGetpid, nNanosleep, nGoroutines atomic.Int64

//go:noinline
func getpid() {
	syscall.Syscall(syscall.SYS_GETPID, 0, 0, 0)
	nGetpid.Add(1)
}

//go:noinline
func nanosleep(us int) {
	ts := syscall.NsecToTimespec(int64(us) * 1000)
	syscall.Syscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&ts)), 0, 0)
	nNanosleep.Add(1)
}

var sink []byte

func worker(in <-chan int, out chan<- int, wg *sync.WaitGroup, spinUs, sleepUs, every, garbageKB int) {
	defer wg.Done()
	n := 0
	for v := range in {
		if garbageKB > 0 {
			b := make([]byte, garbageKB<<10)
			b[v%len(b)] = 1
			sink = b // escapes: heap garbage that drives GC cycles
		}
		s := spin(spinUs)
		getpid()
		n++
		if every > 0 && n%every == 0 {
			nanosleep(sleepUs)
		}
		out <- v + s%2
	}
}

func ticker(stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		default:
		}
		time.Sleep(time.Millisecond)
		getpid()
	}
}

func benchWorker(iters int, ping chan int, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; i < iters; i++ {
		getpid()
		if i%16 == 0 {
			ping <- i
		}
	}
}

func main() {
	outFile := flag.String("o", "trace.out", "trace output file")
	procs := flag.Int("procs", 2, "GOMAXPROCS")
	workers := flag.Int("workers", 4, "worker goroutines")
	iters := flag.Int("iters", 40, "items per worker")
	spinUs := flag.Int("spin", 50, "µs of compute per item")
	sleepUs := flag.Int("sleep", 1000, "µs of nanosleep syscall every -every items")
	every := flag.Int("every", 4, "nanosleep every this many items (0: never)")
	bench := flag.Bool("bench", false, "large-trace mode for the parse benchmark")
	garbageKB := flag.Int("garbage", 0, "KiB of heap garbage per item (GC cycles in the trace)")
	flag.Parse()
	runtime.GOMAXPROCS(*procs)

	f, err := os.Create(*outFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := trace.Start(f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var wg sync.WaitGroup
	if *bench {
		ping := make(chan int, 64)
		done := make(chan struct{})
		go func() {
			for range ping {
			}
			close(done)
		}()
		nGoroutines.Add(1)
		for w := 0; w < *workers; w++ {
			wg.Add(1)
			go benchWorker(*iters, ping, &wg)
			nGoroutines.Add(1)
		}
		wg.Wait()
		close(ping)
		<-done
	} else {
		in := make(chan int)
		out := make(chan int)
		stop := make(chan struct{})
		tickDone := make(chan struct{})
		go func() { ticker(stop); close(tickDone) }()
		nGoroutines.Add(1)
		for w := 0; w < *workers; w++ {
			wg.Add(1)
			go worker(in, out, &wg, *spinUs, *sleepUs, *every, *garbageKB)
			nGoroutines.Add(1)
		}
		sum := 0
		collected := make(chan struct{})
		go func() {
			for v := range out {
				sum += v
			}
			close(collected)
		}()
		nGoroutines.Add(1)
		for i := 0; i < *workers**iters; i++ {
			in <- i
		}
		close(in)
		wg.Wait()
		close(out)
		<-collected
		close(stop)
		<-tickDone
	}
	trace.Stop()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("{\"getpid\":%d,\"nanosleep\":%d,\"gomaxprocs\":%d,\"workers\":%d,\"goroutines\":%d}\n",
		nGetpid.Load(), nNanosleep.Load(), runtime.GOMAXPROCS(0), *workers, nGoroutines.Load())
}

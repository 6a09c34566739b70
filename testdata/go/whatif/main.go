// whatif: programs for the trace-replay validation family (gosched validate --family replay). Each
// runs once traced at setting A (-trace FILE) and once at setting B; gosched replays trace A under
// B and the prediction is compared with this program's own figures at B.
//
//	-kind pool      a syscall-heavy worker pool: a producer feeds -workers goroutines over a channel;
//	                per item a worker computes -spin µs (of CPU, calibrated at start-up), calls getpid (main.stat) and nanosleep(-io µs ×
//	                -slow) through syscall.Syscall (main.diskRead), and sends the result to a collector.
//	-kind pipeline  a compute/syscall pipeline over channels: a generator, 2 parsers (-spin µs each),
//	                -workers writers (main.writeOut: nanosleep -io µs, then getpid), a sink (2 µs).
//	-kind server    loopback TCP: -workers clients each make -items/-workers round trips (64-byte
//	                request and reply) to a server with a goroutine per connection that computes -spin
//	                µs and calls nanosleep(-io µs) (main.lookup) per request; the waits park on the
//	                netpoller.
//
// GOMAXPROCS = -procs (the runner also sets the environment variable). The window runs from just
// after trace.Start to just before trace.Stop. Metrics: makespanNs, threadsCreated/threadsPeak,
// syscalls.lostP (syscalltick method, gosched_measure.go), per call site `site.<func>.p50/.p99`
// (ns, syscall.Syscall entry → return, measured around the call).
package main

import (
	"flag"
	"io"
	"net"
	"os"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"
)

var (
	ioUs   = flag.Int64("io", 200, "µs of nanosleep per blocking call")
	slow   = flag.Float64("slow", 1, "factor on main.diskRead's nanosleep (pool)")
	spinUs = flag.Int64("spin", 20, "µs of compute per item")

	nsyscalls int64
	sitesMu   sync.Mutex
	sites     = map[string][]int64{}
)

// chunksPerUs: spinChunk calls per µs of CPU, measured at start-up by calibrate.
var chunksPerUs float64

//go:noinline
func spinChunk(x int) int {
	for i := 0; i < 100; i++ {
		x += i * i
	}
	return x
}

// spin does us µs of CPU work: a fixed number of chunks, not a wall-clock deadline, so a thread the
// OS takes away (more threads than CPUs, a loaded machine) does the same work, later — what gosched's
// compute op means. A deadline loop would do less work when it shares a CPU.
//
//go:noinline
func spin(us int64) int {
	x := 0
	for n := int(float64(us) * chunksPerUs); n > 0; n-- {
		x = spinChunk(x)
	}
	return x
}

// calibrate sets chunksPerUs from the fastest of 50 runs of 1000 chunks: a run the OS interrupted is
// slower, never faster, so the fastest is the CPU's own speed even on a loaded machine.
func calibrate() {
	best := int64(1 << 62)
	x := 0
	for r := 0; r < 50; r++ {
		t := nanotime()
		for i := 0; i < 1000; i++ {
			x = spinChunk(x)
		}
		if d := nanotime() - t; d > 0 && d < best {
			best = d
		}
	}
	chunksPerUs = 1000 * 1000 / float64(best)
	if x == 42 {
		println()
	}
}

// Each call site makes its own syscall.Syscall (the trace names a syscall by its first frame outside
// the runtime and syscall packages) and returns its latency, entry → return.

//go:noinline
func stat() int64 {
	t := nanotime()
	syscall.Syscall(syscall.SYS_GETPID, 0, 0, 0)
	return nanotime() - t
}

//go:noinline
func diskRead() int64 {
	ts := syscall.NsecToTimespec(int64(float64(*ioUs*1000) * *slow))
	t := nanotime()
	syscall.Syscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&ts)), 0, 0)
	return nanotime() - t
}

//go:noinline
func writeOut() int64 {
	ts := syscall.NsecToTimespec(*ioUs * 1000)
	t := nanotime()
	syscall.Syscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&ts)), 0, 0)
	return nanotime() - t
}

//go:noinline
func lookup() int64 {
	ts := syscall.NsecToTimespec(*ioUs * 1000)
	t := nanotime()
	syscall.Syscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&ts)), 0, 0)
	return nanotime() - t
}

// lat collects one goroutine's latencies per site; flush merges them (once per goroutine).
type lat map[string][]int64

func (l lat) add(site string, ns int64) { l[site] = append(l[site], ns) }
func (l lat) flush() {
	sitesMu.Lock()
	for k, v := range l {
		sites[k] = append(sites[k], v...)
		atomic.AddInt64(&nsyscalls, int64(len(v)))
	}
	sitesMu.Unlock()
}

func pool(workers, items int) {
	in := make(chan int, 16)
	out := make(chan int, 16)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := lat{}
			for v := range in {
				s := spin(*spinUs)
				l.add("stat", stat())
				l.add("diskRead", diskRead())
				out <- v + s%2
			}
			l.flush()
		}()
	}
	go func() {
		for i := 0; i < items; i++ {
			in <- i
		}
		close(in)
	}()
	go func() { wg.Wait(); close(out) }()
	for range out {
	}
}

func pipeline(workers, items int) {
	raw := make(chan int, 8)
	parsed := make(chan int, 8)
	stored := make(chan int, 8)
	go func() {
		for i := 0; i < items; i++ {
			raw <- i
		}
		close(raw)
	}()
	var pw sync.WaitGroup
	for i := 0; i < 2; i++ {
		pw.Add(1)
		go func() {
			defer pw.Done()
			for v := range raw {
				parsed <- v + spin(*spinUs)%2
			}
		}()
	}
	go func() { pw.Wait(); close(parsed) }()
	var ww sync.WaitGroup
	for i := 0; i < workers; i++ {
		ww.Add(1)
		go func() {
			defer ww.Done()
			l := lat{}
			for v := range parsed {
				l.add("writeOut", writeOut())
				l.add("stat", stat())
				stored <- v
			}
			l.flush()
		}()
	}
	go func() { ww.Wait(); close(stored) }()
	for range stored {
		spin(2)
	}
}

func server(clients, items int) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		die("listen: %v", err)
	}
	defer ln.Close()
	reqs := items / clients
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				l := lat{}
				buf := make([]byte, 64)
				for {
					if _, err := io.ReadFull(c, buf); err != nil {
						break
					}
					buf[0] += byte(spin(*spinUs) % 2)
					l.add("lookup", lookup())
					if _, err := c.Write(buf); err != nil {
						break
					}
				}
				l.flush()
			}(c)
		}
	}()
	var wg sync.WaitGroup
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp4", ln.Addr().String())
			if err != nil {
				die("dial: %v", err)
			}
			defer c.Close()
			buf := make([]byte, 64)
			for r := 0; r < reqs; r++ {
				if _, err := c.Write(buf); err != nil {
					die("write: %v", err)
				}
				if _, err := io.ReadFull(c, buf); err != nil {
					die("read: %v", err)
				}
			}
		}()
	}
	wg.Wait()
}

func main() {
	kind := flag.String("kind", "pool", "pool | pipeline | server")
	procs := flag.Int("procs", 2, "GOMAXPROCS")
	workers := flag.Int("workers", 16, "workers (pool), writers (pipeline), clients (server)")
	items := flag.Int("items", 800, "items (requests for server)")
	traceFile := flag.String("trace", "", "write a runtime/trace of the window to this file")
	flag.Parse()
	setProcs(*procs)
	calibrate()
	var tf *os.File
	if *traceFile != "" {
		f, err := os.Create(*traceFile)
		if err != nil {
			die("%v", err)
		}
		tf = f
		if err := trace.Start(f); err != nil {
			die("trace: %v", err)
		}
	}
	w := newWindow()
	w.Begin()
	switch *kind {
	case "pool":
		pool(*workers, *items)
	case "pipeline":
		pipeline(*workers, *items)
	case "server":
		server(*workers, *items)
	default:
		die("-kind pool|pipeline|server")
	}
	w.End()
	if tf != nil {
		trace.Stop()
		if err := tf.Close(); err != nil {
			die("%v", err)
		}
	}
	m := map[string]any{"kind": *kind}
	// Syscalls counted are the timed ones; the server's socket reads and writes also enter
	// syscalls, so its lost-P count (Σ Δsyscalltick − calls) is not reported.
	w.Report(m, atomic.LoadInt64(&nsyscalls))
	if *kind == "server" {
		delete(m, "syscalls.lostP")
	}
	for k, v := range sites {
		putLatency(m, "site."+k, v)
	}
	emit("whatif", map[string]any{"kind": *kind, "procs": *procs, "workers": *workers, "items": *items, "io": *ioUs, "spin": *spinUs, "slow": *slow, "trace": *traceFile != ""}, m)
}

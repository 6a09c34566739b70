// Shared measurement helpers for the gosched validation programs.
//
// This file lives in testdata/go/_shared and is symlinked into each program's directory (the go
// tool ignores directories starting with "_"). Each program directory is a module-less main
// package; tools/run-go-validation.mjs copies the files into a build directory outside the repo
// and builds them there. To build by hand: `cd testdata/go/syscall && GO111MODULE=off go build .`
// (Go 1.23 also needs -ldflags=-checklinkname=0, see below).
//
// Lost Ps are counted from p.syscalltick (runtime/runtime2.go): the runtime increments it once
// per syscall exit (exitsyscall, fast and slow path) and once more whenever a P is taken from a
// goroutine in a syscall (sysmon's retake, stop-the-world, forEachP, the ABA case in
// exitsyscallfast_reacquired). So over a measured window
//     Σ_P Δsyscalltick − #syscalls completed = #syscalls that lost their P.
// allp is read through //go:linkname; the first fields of runtime.p are the same in Go 1.19 and
// 1.23: id int32 @0, status uint32 @4, link @8, schedtick uint32 @16, syscalltick uint32 @20.
// The layout is sanity-checked at start-up (ids 0..n-1, status < 5); if the check fails the
// programs report syscalls.lostP as null.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"runtime/trace"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

//go:linkname allp runtime.allp
var allp []unsafe.Pointer

//go:linkname runtimeInitTime runtime.runtimeInitTime
var runtimeInitTime int64

//go:linkname nanotime runtime.nanotime
func nanotime() int64

const (
	pOffID          = 0
	pOffStatus      = 4
	pOffSchedtick   = 16
	pOffSyscalltick = 20
)

// setProcs makes GOMAXPROCS equal to procs. The runner sets the GOMAXPROCS environment variable,
// so normally this is a no-op and no stop-the-world happens before the measured window.
func setProcs(procs int) {
	if procs > 0 && runtime.GOMAXPROCS(0) != procs {
		runtime.GOMAXPROCS(procs)
	}
}

// pLayoutOK checks that the assumed runtime.p layout is plausible.
func pLayoutOK() bool {
	if len(allp) != runtime.GOMAXPROCS(0) {
		return false
	}
	for i, p := range allp {
		if p == nil {
			return false
		}
		id := *(*int32)(unsafe.Add(p, pOffID))
		st := atomic.LoadUint32((*uint32)(unsafe.Add(p, pOffStatus)))
		if int(id) != i || st > 4 {
			return false
		}
	}
	return true
}

type tickSnap []uint32

// readTicks snapshots the Ps' counter at byte offset off (pOffSyscalltick or pOffSchedtick).
func readTicks(off uintptr) tickSnap {
	s := make(tickSnap, len(allp))
	for i, p := range allp {
		s[i] = atomic.LoadUint32((*uint32)(unsafe.Add(p, off)))
	}
	return s
}

// ticksDelta returns Σ_P Δsyscalltick (uint32 wrap-around safe).
func ticksDelta(a, b tickSnap) int64 {
	var d int64
	for i := range a {
		d += int64(b[i] - a[i])
	}
	return d
}

func threadsNow() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "Threads:") {
			n, _ := strconv.Atoi(strings.TrimSpace(line[len("Threads:"):]))
			return n
		}
	}
	return -1
}

func threadCreateCount() int { return pprof.Lookup("threadcreate").Count() }

// Window is one measured window: it snapshots threads, syscallticks and the scheduler-latency
// histogram at Begin and End.
type Window struct {
	layoutOK       bool
	tick0, tick1   tickSnap
	stick0, stick1 tickSnap // p.schedtick: execute() with a new time slice (not runnext's inherited one)
	tc0, tc1       int
	t0, t1         int64
	sched0, sched  []metrics.Sample
	gcp0, gcp      []metrics.Sample
}

func newWindow() *Window {
	w := &Window{layoutOK: pLayoutOK()}
	w.sched0 = []metrics.Sample{{Name: "/sched/latencies:seconds"}, {Name: "/gc/pauses:seconds"}}
	w.sched = []metrics.Sample{{Name: "/sched/latencies:seconds"}, {Name: "/gc/pauses:seconds"}}
	return w
}

func (w *Window) Begin() {
	metrics.Read(w.sched0)
	w.tc0 = threadCreateCount()
	if w.layoutOK {
		w.tick0 = readTicks(pOffSyscalltick)
		w.stick0 = readTicks(pOffSchedtick)
	}
	w.t0 = nanotime()
}

func (w *Window) End() {
	w.t1 = nanotime()
	if w.layoutOK {
		w.tick1 = readTicks(pOffSyscalltick)
		w.stick1 = readTicks(pOffSchedtick)
	}
	w.tc1 = threadCreateCount()
	metrics.Read(w.sched)
}

// Report fills the common metrics into m. syscalls is the number of syscalls (entersyscall/
// exitsyscall pairs) completed by the workload in the window.
func (w *Window) Report(m map[string]any, syscalls int64) {
	m["makespanNs"] = w.t1 - w.t0
	m["threadsCreated"] = w.tc1 - w.tc0
	m["threadsPeak"] = threadsNow()
	m["windowStartAfterInitNs"] = w.t0 - runtimeInitTime
	m["syscalls.total"] = syscalls
	if w.layoutOK && syscalls >= 0 {
		d := ticksDelta(w.tick0, w.tick1)
		m["syscalls.lostP"] = d - syscalls
		m["syscalltickDelta"] = d
		// Σ Δschedtick: goroutines started with a fresh time slice (after a preemption, the global
		// queue, a steal); each one restarts sysmon's forcePreemptNS clock for its P.
		m["schedtickDelta"] = ticksDelta(w.stick0, w.stick1)
	} else {
		m["syscalls.lostP"] = nil
	}
	m["lostPMethod"] = "syscalltick"
	if !w.layoutOK {
		m["lostPMethod"] = "unavailable"
	}
	for i, name := range []string{"schedLatencyNs", "gcPauseNs"} {
		h0, ok0 := histOf(w.sched0[i])
		h1, ok1 := histOf(w.sched[i])
		if !ok0 || !ok1 {
			continue
		}
		cnt, q := histDelta(h0, h1, []float64{0.5, 0.99, 1})
		m[name+".count"] = cnt
		if cnt > 0 {
			m[name+".p50"] = q[0]
			m[name+".p99"] = q[1]
			m[name+".max"] = q[2]
		}
	}
}

func histOf(s metrics.Sample) (*metrics.Float64Histogram, bool) {
	if s.Value.Kind() != metrics.KindFloat64Histogram {
		return nil, false
	}
	return s.Value.Float64Histogram(), true
}

// histDelta returns the number of samples in h1−h0 and the given quantiles in ns (upper bound
// of the bucket holding the quantile; the runtime's time buckets are ~6 % wide, the first ones
// are coarse: values below ~1 µs are not resolved).
func histDelta(h0, h1 *metrics.Float64Histogram, qs []float64) (int64, []float64) {
	n := len(h1.Counts)
	d := make([]uint64, n)
	var total uint64
	for i := 0; i < n; i++ {
		d[i] = h1.Counts[i]
		if i < len(h0.Counts) {
			d[i] -= h0.Counts[i]
		}
		total += d[i]
	}
	out := make([]float64, len(qs))
	if total == 0 {
		return 0, out
	}
	for j, q := range qs {
		target := uint64(math.Ceil(q * float64(total)))
		if target < 1 {
			target = 1
		}
		var cum uint64
		for i := 0; i < n; i++ {
			cum += d[i]
			if cum >= target {
				lo, hi := h1.Buckets[i], h1.Buckets[i+1]
				// Report the bucket's upper bound ("at most"), or its lower bound for the
				// overflow bucket.
				v := hi
				if math.IsInf(hi, 1) {
					v = lo
				}
				out[j] = math.Round(v * 1e9)
				break
			}
		}
	}
	return int64(total), out
}

// quantiles of v (nearest rank); v is sorted in place.
func quantiles(v []int64, qs ...float64) []int64 {
	out := make([]int64, len(qs))
	if len(v) == 0 {
		return out
	}
	sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
	for i, q := range qs {
		k := int(math.Ceil(q*float64(len(v)))) - 1
		if k < 0 {
			k = 0
		}
		if k >= len(v) {
			k = len(v) - 1
		}
		out[i] = v[k]
	}
	return out
}

func putLatency(m map[string]any, prefix string, v []int64) {
	if len(v) == 0 {
		return
	}
	var sum int64
	for _, x := range v {
		sum += x
	}
	q := quantiles(v, 0.5, 0.99, 0, 1)
	m[prefix+".p50"] = q[0]
	m[prefix+".p99"] = q[1]
	m[prefix+".min"] = q[2]
	m[prefix+".max"] = q[3]
	m[prefix+".mean"] = sum / int64(len(v))
	// the body and tail of the distribution, for gosched calibrate's spreads
	for _, x := range []struct {
		key string
		q   float64
	}{{"p5", 0.05}, {"p10", 0.10}, {"p25", 0.25}, {"p75", 0.75}, {"p90", 0.90}, {"p95", 0.95}, {"p999", 0.999}} {
		m[prefix+"."+x.key] = quantiles(v, x.q)[0]
	}
}

// defaultN is the calibration matrix's iteration count: each goroutine does
// round(500 ms × procs / (g × (d + 56 µs))) calls, clamped to [1, 2000].
func defaultN(procs, g int, dUs int64) int {
	n := int(math.Round(500000 * float64(procs) / (float64(g) * float64(dUs+56))))
	if n < 1 {
		n = 1
	}
	if n > 2000 {
		n = 2000
	}
	return n
}

func cpuNs() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func emit(program string, args map[string]any, m map[string]any) {
	m["program"] = program
	m["goVersion"] = runtime.Version()
	m["args"] = args
	m["gomaxprocs"] = runtime.GOMAXPROCS(0)
	b, err := json.Marshal(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "marshal:", err)
		os.Exit(1)
	}
	os.Stdout.Write(append(b, '\n'))
}

func die(format string, a ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", a...)
	os.Exit(2)
}

// Common flags of the loop programs.
type loopFlags struct {
	procs, g, n int
	dUs         int64
	settleUs    int64
}

// loopResult is what runLoop measured.
type loopResult struct {
	lat   []int64 // per-call latency as seen by the goroutine (ns), all goroutines
	eintr int64
	w     *Window
}

// runLoop measures g goroutines each doing n calls of call(goroutine index); call returns true
// if the call was interrupted (EINTR). The measured window starts right before the goroutines are
// started (about 1 ms after the runtime started sysmon, as in testdata/calibration) and ends when
// the last one has finished.
func runLoop(f loopFlags, call func(gi int) bool) loopResult {
	lat := make([]int64, f.g*f.n)
	rec := newReturnsRecorder(f.g * f.n)
	eintrs := make([]int64, f.g*8) // padded per-goroutine counters
	done := make(chan struct{}, f.g)
	w := newWindow()
	if f.settleUs > 0 {
		sleepNs(f.settleUs * 1000)
	}
	stopTrace := traceIfAsked()
	w.Begin()
	for gi := 0; gi < f.g; gi++ {
		go func(gi int) {
			l := lat[gi*f.n : (gi+1)*f.n]
			var e int64
			for i := range l {
				t := nanotime()
				if call(gi) {
					e++
				}
				end := nanotime()
				l[i] = end - t
				if rec != nil {
					rec.record(gi*f.n+i, end)
				}
			}
			eintrs[gi*8] = e
			done <- struct{}{}
		}(gi)
	}
	for gi := 0; gi < f.g; gi++ {
		<-done
	}
	w.End()
	stopTrace()
	if rec != nil {
		rec.write(f.n, lat)
	}
	var e int64
	for gi := 0; gi < f.g; gi++ {
		e += eintrs[gi*8]
	}
	return loopResult{lat: lat, eintr: e, w: w}
}

// traceIfAsked runs runLoop's window under runtime/trace when GOSCHED_TRACE=<file> is set (gosched
// calibrate reads exitsyscall's take-backs from it: src/gotrace/takeback.ts) and returns what stops
// it. Tracing slows the program: the window's figures are then not the untraced program's.
func traceIfAsked() func() {
	path := os.Getenv("GOSCHED_TRACE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		die("GOSCHED_TRACE: %v", err)
	}
	if err := trace.Start(f); err != nil {
		die("GOSCHED_TRACE: trace.Start: %v", err)
	}
	return func() {
		trace.Stop()
		if err := f.Close(); err != nil {
			die("GOSCHED_TRACE: %v", err)
		}
	}
}

// returnsRecorder keeps, for gosched's tools/return-structure.mjs, when each call of runLoop
// returned to its goroutine, on which CPU and on which thread. Only with GOSCHED_RETURNS=<file>: the
// getcpu and gettid calls add about 0.2 µs per call. The file is text: "# gosched returns v2", then
// per call "c <goroutine> <start ns> <end ns> <cpu> <tid>" (nanotime; cpu −1 where getcpu is not
// known).
type returnsRecorder struct {
	path  string
	endNs []int64
	cpu   []int32
	tid   []int32
}

// getcpu's syscall number by GOARCH (the syscall package has no SYS_GETCPU on every port).
var sysGetcpu = map[string]uintptr{"amd64": 309, "arm64": 168, "386": 318}

func newReturnsRecorder(calls int) *returnsRecorder {
	path := os.Getenv("GOSCHED_RETURNS")
	if path == "" {
		return nil
	}
	return &returnsRecorder{path: path, endNs: make([]int64, calls), cpu: make([]int32, calls), tid: make([]int32, calls)}
}

func (r *returnsRecorder) record(i int, endNs int64) {
	r.endNs[i] = endNs
	r.tid[i] = int32(syscall.Gettid())
	r.cpu[i] = -1
	if nr, ok := sysGetcpu[runtime.GOARCH]; ok {
		var cpu, node uint32
		if _, _, e := syscall.RawSyscall(nr, uintptr(unsafe.Pointer(&cpu)), uintptr(unsafe.Pointer(&node)), 0); e == 0 {
			r.cpu[i] = int32(cpu)
		}
	}
}

// write writes the file whole (a temporary file renamed into place): n calls per goroutine.
func (r *returnsRecorder) write(n int, lat []int64) {
	var b strings.Builder
	b.WriteString("# gosched returns v2\n")
	for i, end := range r.endNs {
		fmt.Fprintf(&b, "c %d %d %d %d %d\n", i/n, end-lat[i], end, r.cpu[i], r.tid[i])
	}
	tmp := r.path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "GOSCHED_RETURNS:", err)
		return
	}
	if err := os.Rename(tmp, r.path); err != nil {
		fmt.Fprintln(os.Stderr, "GOSCHED_RETURNS:", err)
	}
}

// report fills m; entersyscall says whether each call is an entersyscall/exitsyscall pair
// (Syscall, cgo) or not (RawSyscall: syscalls.lostP is then Σ Δsyscalltick, which must be 0).
func (r loopResult) report(m map[string]any, entersyscall bool) {
	pairs := int64(len(r.lat))
	if !entersyscall {
		pairs = 0
	}
	r.w.Report(m, pairs)
	m["syscalls.total"] = int64(len(r.lat))
	var sum int64
	for _, x := range r.lat {
		sum += x
	}
	if ms := r.w.t1 - r.w.t0; ms > 0 {
		m["effParallelism"] = math.Round(float64(sum)/float64(ms)*1e4) / 1e4
	}
	m["eintr"] = r.eintr
	if v := m["syscalls.lostP"]; v != nil && len(r.lat) > 0 {
		m["lostPFrac"] = math.Round(float64(v.(int64))/float64(len(r.lat))*1e4) / 1e4
	}
	putLatency(m, "syscallLatencyNs", r.lat)
}

func loopArgs(f loopFlags) map[string]any {
	return map[string]any{"procs": f.procs, "g": f.g, "d": f.dUs, "n": f.n, "settle": f.settleUs}
}

// runTight is runLoop without per-call timing (for ns-per-call measurements of very short calls).
func runTight(f loopFlags, call func()) *Window {
	done := make(chan struct{}, f.g)
	w := newWindow()
	if f.settleUs > 0 {
		sleepNs(f.settleUs * 1000)
	}
	w.Begin()
	for gi := 0; gi < f.g; gi++ {
		go func() {
			for i := 0; i < f.n; i++ {
				call()
			}
			done <- struct{}{}
		}()
	}
	for gi := 0; gi < f.g; gi++ {
		<-done
	}
	w.End()
	return w
}

// sleepNs blocks the calling goroutine on a timer (not a syscall).
func sleepNs(ns int64) { time.Sleep(time.Duration(ns)) }

// nGiven is the -n value as given (before defaulting).
var nGiven int

// parseLoopFlags registers and parses -procs -g -d -n -settle.
func parseLoopFlags(defProcs, defG int, defD int64) loopFlags {
	var f loopFlags
	flag.IntVar(&f.procs, "procs", defProcs, "GOMAXPROCS (0: leave as is)")
	flag.IntVar(&f.g, "g", defG, "goroutines")
	flag.Int64Var(&f.dUs, "d", defD, "requested syscall duration in µs")
	flag.IntVar(&f.n, "n", 0, "iterations per goroutine (0: calibration default round(500ms*procs/(g*(d+56µs))) in [1,2000])")
	flag.Int64Var(&f.settleUs, "settle", 0, "µs to sleep before the measured window (0: start at once, like the calibration)")
	flag.Parse()
	nGiven = f.n
	setProcs(f.procs)
	if f.procs <= 0 {
		f.procs = runtime.GOMAXPROCS(0)
	}
	if f.g < 1 {
		die("-g must be >= 1")
	}
	if f.n <= 0 {
		f.n = defaultN(f.procs, f.g, f.dUs)
	}
	return f
}

// flagSet reports whether the named flag was given on the command line.
func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

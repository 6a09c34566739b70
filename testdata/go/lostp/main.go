// lostp: the fraction of syscalls whose P was retaken, as a function of syscall duration.
// g goroutines (default 1) make syscall.Syscall(SYS_NANOSLEEP, d) for each d of the -d list
// (µs, comma-separated; default 1,2,5,10,20,50,100,200,500,1000,2000,5000,10000,20000), one
// measured window per d, in list order, in this one process. For the calibration's start-up
// state, run one d per process (the runner does). n per d: round(budget / (d + 56 µs)) in
// [min, 2000] (-budget ms, default 200; -min default 20), or -n.
// Output keys: byD.<d>.lostPFrac, byD.<d>.syscalls.lostP, byD.<d>.syscallLatencyNs.p50, …
// and, when one d is given, the same keys at top level too.
package main

import (
	"flag"
	"math"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

func main() {
	dList := flag.String("d", "1,2,5,10,20,50,100,200,500,1000,2000,5000,10000,20000", "syscall durations, µs, comma-separated")
	budgetMs := flag.Float64("budget", 200, "ms of syscalls per d and goroutine (sets n)")
	minN := flag.Int("min", 20, "minimum n per d")
	procs := flag.Int("procs", 1, "GOMAXPROCS")
	g := flag.Int("g", 1, "goroutines")
	nFlag := flag.Int("n", 0, "iterations per goroutine and d (0: from -budget)")
	settle := flag.Int64("settle", 0, "µs to sleep before the first window")
	flag.Parse()
	setProcs(*procs)
	var ds []int64
	for _, s := range strings.Split(*dList, ",") {
		d, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || d < 0 {
			die("bad -d %q", s)
		}
		ds = append(ds, d)
	}
	byD := map[string]any{}
	top := map[string]any{"kind": "lostp"}
	for i, d := range ds {
		n := *nFlag
		if n <= 0 {
			n = int(math.Round(*budgetMs * 1000 / float64(d+56)))
			if n < *minN {
				n = *minN
			}
			if n > 2000 {
				n = 2000
			}
		}
		f := loopFlags{procs: *procs, g: *g, n: n, dUs: d}
		if i == 0 {
			f.settleUs = *settle
		}
		ts := make([]syscall.Timespec, f.g*4)
		for j := range ts {
			ts[j] = syscall.NsecToTimespec(d * 1000)
		}
		r := runLoop(f, func(gi int) bool {
			_, _, e := syscall.Syscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&ts[gi*4])), 0, 0)
			return e == syscall.EINTR
		})
		m := map[string]any{"n": n}
		r.report(m, true)
		byD[strconv.FormatInt(d, 10)] = m
		if len(ds) == 1 {
			for k, v := range m {
				top[k] = v
			}
		}
	}
	top["byD"] = byD
	emit("lostp", map[string]any{"procs": *procs, "g": *g, "d": *dList, "n": *nFlag, "budget": *budgetMs, "min": *minN, "settle": *settle}, top)
}

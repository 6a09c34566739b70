// clone: the cost of creating a thread as Go's newosproc does (for gosched calibrate).
// -n trials (default 300, the first 10 left out) -gap µs apart (default 200): one C function
// (cgo) calls clone() with the flags of runtime/os_linux.go's cloneFlags (CLONE_VM | CLONE_FS |
// CLONE_FILES | CLONE_SIGHAND | CLONE_SYSVSEM | CLONE_THREAD), every signal blocked around the
// call as newosproc does, then nanosleeps 20 µs at a time until the child has run, as sysmon (the
// usual creator) sleeps after a pass. The child stamps the time and exits. Reports
//   parentNs:     clone() on the parent's thread (the signal mask calls included): the CPU newm's
//                 creator spends — with allocm's share, gosched's Costs.cloneNs;
//   childStartNs: clone() called → the child running (creation, wake-up onto a CPU).
// Raw clone(), not pthread_create: a Go program without cgo creates its threads this way (with cgo
// the runtime uses pthread_create). The children's stacks are mapped and touched beforehand, as
// Go gives a new M a g0 stack from its own memory.
package main

/*
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define STACK_BYTES 65536

static long long now_ns(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static _Atomic long long child_ns;
static _Atomic int child_ran;

static int child(void *arg) {
	atomic_store(&child_ns, now_ns());
	atomic_store(&child_ran, 1);
	syscall(SYS_exit, 0); // the thread only, as Go's exitThread
	return 0;
}

static void sleep_ns(long ns) {
	struct timespec t = {ns / 1000000000L, ns % 1000000000L};
	nanosleep(&t, 0);
}

// time_clones fills parent[i], child_start[i] (ns) for n trials gap_ns apart; returns 0, or -1 if a
// clone or the stacks' mapping failed.
static int time_clones(int n, long gap_ns, long long *parent, long long *child_start) {
	char *stacks = mmap(0, (size_t)n * STACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (stacks == MAP_FAILED) return -1;
	memset(stacks, 0, (size_t)n * STACK_BYTES);
	int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_SYSVSEM | CLONE_THREAD;
	int rc = 0;
	for (int i = 0; i < n; i++) {
		sleep_ns(gap_ns);
		atomic_store(&child_ran, 0);
		sigset_t all, old;
		sigfillset(&all);
		long long t0 = now_ns();
		sigprocmask(SIG_SETMASK, &all, &old);
		int tid = clone(child, stacks + (size_t)(i + 1) * STACK_BYTES, flags, 0);
		sigprocmask(SIG_SETMASK, &old, 0);
		long long t1 = now_ns();
		if (tid < 0) { rc = -1; break; }
		while (!atomic_load(&child_ran)) sleep_ns(20000);
		parent[i] = t1 - t0;
		child_start[i] = atomic_load(&child_ns) - t0;
	}
	sleep_ns(1000000); // the last children have left their stacks
	munmap(stacks, (size_t)n * STACK_BYTES);
	return rc;
}
*/
import "C"

import (
	"flag"
	"unsafe"
)

const warmup = 10

func main() {
	n := flag.Int("n", 300, "trials")
	gapUs := flag.Int64("gap", 200, "µs between trials")
	flag.Parse()
	if *n <= warmup {
		die("-n must be > %d", warmup)
	}
	par := make([]int64, *n)
	ch := make([]int64, *n)
	p := (*C.longlong)(C.malloc(C.size_t(*n) * 8))
	c := (*C.longlong)(C.malloc(C.size_t(*n) * 8))
	defer C.free(unsafe.Pointer(p))
	defer C.free(unsafe.Pointer(c))
	w := newWindow()
	w.Begin()
	if C.time_clones(C.int(*n), C.long(*gapUs*1000), p, c) != 0 {
		die("clone or mmap failed")
	}
	w.End()
	copy(par, unsafe.Slice((*int64)(unsafe.Pointer(p)), *n))
	copy(ch, unsafe.Slice((*int64)(unsafe.Pointer(c)), *n))
	m := map[string]any{"kind": "clone", "makespanNs": w.t1 - w.t0}
	putLatency(m, "parentNs", par[warmup:])
	putLatency(m, "childStartNs", ch[warmup:])
	emit("clone", map[string]any{"n": *n, "gap": *gapUs}, m)
}

// Where does the kernel start a new thread (wake_up_new_task): on its creator's CPU or the other,
// idle one? A thread sleeps gap_us, spins spin_us (its CPU's recent use), creates a thread with
// pthread_create and nanosleeps 20 µs at a time until the child has run (as the clone calibration
// and Go's sysmon do). The child records its CPU and start time, then either exits at once
// (children=exit) or sleeps 20 ms before exiting (children=sleep: they pile up asleep, as the
// threads Go's newm creates for syscalls do). Prints the share started on the creator's CPU and
// pthread_create → child running on each side.
//
//   cc -O2 -pthread -o /tmp/fork-placement tools/machine/fork-placement.c
//   /tmp/fork-placement [n=300] [gap_us=200] [spin_us=0] [children=exit|sleep]
// Results (a VM of this kind, 2026-12-07): docs/validation.md, "A third VM of the same kind".
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_N 2000

static _Atomic int childCpu;
static _Atomic long long childNs;
static int childrenSleep;

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void sleep_ns(long ns) {
  struct timespec t = {ns / 1000000000L, ns % 1000000000L};
  nanosleep(&t, NULL);
}

static void *child(void *arg) {
  (void)arg;
  atomic_store(&childNs, now_ns());
  atomic_store(&childCpu, sched_getcpu());
  if (childrenSleep) sleep_ns(20000000);
  return NULL;
}

static int cmp(const void *a, const void *b) {
  long long x = *(const long long *)a, y = *(const long long *)b;
  return x < y ? -1 : x > y;
}

static void quantiles(const char *label, long long *xs, int n) {
  if (n == 0) return;
  qsort(xs, n, sizeof xs[0], cmp);
  printf("; %s p10 / p50 / p90 %.1f / %.1f / %.1f µs", label, xs[n / 10] / 1e3, xs[n / 2] / 1e3, xs[n * 9 / 10] / 1e3);
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 300;
  long gapUs = argc > 2 ? atol(argv[2]) : 200;
  long spinUs = argc > 3 ? atol(argv[3]) : 0;
  childrenSleep = argc > 4 && strcmp(argv[4], "sleep") == 0;
  if (n < 1 || n > MAX_N || gapUs < 0 || spinUs < 0 || (argc > 4 && !childrenSleep && strcmp(argv[4], "exit") != 0)) {
    fprintf(stderr, "usage: fork-placement [n 1..%d] [gap_us ≥ 0] [spin_us ≥ 0] [exit|sleep]\n", MAX_N);
    return 2;
  }
  static pthread_t threads[MAX_N];
  static long long same[MAX_N], other[MAX_N];
  int nSame = 0, nOther = 0;
  for (int i = 0; i < n; i++) {
    sleep_ns(gapUs * 1000);
    long long spinStart = now_ns();
    while (now_ns() - spinStart < spinUs * 1000) {
    }
    int parentCpu = sched_getcpu();
    atomic_store(&childCpu, -1);
    long long t0 = now_ns();
    if (pthread_create(&threads[i], NULL, child, NULL) != 0) {
      perror("pthread_create");
      return 1;
    }
    while (atomic_load(&childCpu) < 0) sleep_ns(20000);
    long long startNs = atomic_load(&childNs) - t0;
    if (atomic_load(&childCpu) == parentCpu) same[nSame++] = startNs;
    else other[nOther++] = startNs;
    if (!childrenSleep) pthread_join(threads[i], NULL);
  }
  if (childrenSleep)
    for (int i = 0; i < n; i++) pthread_join(threads[i], NULL);
  printf("gap %ld µs, spin %ld µs, children %s: started on the creator's CPU %d of %d", gapUs, spinUs, childrenSleep ? "sleep" : "exit", nSame, n);
  quantiles("there", same, nSame);
  quantiles("on the other CPU", other, nOther);
  printf("\n");
  return 0;
}

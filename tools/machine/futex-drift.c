// Does a futex wake onto a halted vCPU drift from run to run with the host's state, as the sleeps do
// (Machine.sleepRunSpread)? Two threads pinned to CPU 0 (the waker) and CPU 1 (the waiter). Each batch:
// 400 wakes, the waker sleeping 200 µs between them so CPU 1 halts, timed from the waker's stamp to
// the waiter's return from FUTEX_WAIT; then 400 nanosleep(1 µs) of the waiter on the same CPU 1. One
// line per batch —
//   futexWakeNs p10 p25 p50 p75 p90, then sleepNs p50
//
//   cc -O2 -pthread -o /tmp/futex-drift tools/machine/futex-drift.c
//   /tmp/futex-drift [batches=100] > futex-drift.txt
// Results (this VM, 2026-12-06, load < 1): docs/model.md, "The host's state moves whole runs".
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { perBatch = 400, idle = 0, woken = 1, sleepPhase = 2, quit = 3 };

static _Atomic int word = idle;
static _Atomic long long sentAtNs;
static long long wakeNs[perBatch], sleepNs[perBatch];
static int nWakes;

static long long nowNs(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void pin(int cpu) {
  cpu_set_t s;
  CPU_ZERO(&s);
  CPU_SET(cpu, &s);
  pthread_setaffinity_np(pthread_self(), sizeof s, &s);
}

static void futexWait(int expected) { syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0); }
static void futexWake(void) { syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0); }

static void *waiter(void *arg) {
  (void)arg;
  pin(1);
  struct timespec oneUs = {0, 1000};
  for (;;) {
    int w;
    while ((w = atomic_load(&word)) == idle) futexWait(idle);
    long long t = nowNs();
    if (w == quit) return NULL;
    if (w == woken) {
      wakeNs[nWakes++] = t - atomic_load(&sentAtNs);
    } else {
      for (int i = 0; i < perBatch; i++) {
        long long t0 = nowNs();
        nanosleep(&oneUs, NULL);
        sleepNs[i] = nowNs() - t0;
      }
    }
    atomic_store(&word, idle);
  }
}

static int cmp(const void *a, const void *b) {
  long long x = *(const long long *)a, y = *(const long long *)b;
  return x < y ? -1 : x > y;
}

static void signalWaiter(int what) {
  atomic_store(&sentAtNs, nowNs());
  atomic_store(&word, what);
  futexWake();
  while (atomic_load(&word) != idle) sched_yield();
}

int main(int argc, char **argv) {
  int batches = argc > 1 ? atoi(argv[1]) : 100;
  if (batches < 1) {
    fprintf(stderr, "usage: futex-drift [batches ≥ 1]\n");
    return 2;
  }
  pthread_t th;
  pthread_create(&th, NULL, waiter, NULL);
  pin(0);
  struct timespec gap = {0, 200000};
  for (int b = 0; b < batches; b++) {
    nWakes = 0;
    for (int i = 0; i < perBatch; i++) {
      nanosleep(&gap, NULL);
      signalWaiter(woken);
    }
    nanosleep(&gap, NULL);
    signalWaiter(sleepPhase);
    qsort(wakeNs, perBatch, sizeof(long long), cmp);
    qsort(sleepNs, perBatch, sizeof(long long), cmp);
    printf("%lld %lld %lld %lld %lld %lld\n", wakeNs[perBatch / 10], wakeNs[perBatch / 4], wakeNs[perBatch / 2],
           wakeNs[perBatch * 3 / 4], wakeNs[perBatch * 9 / 10], sleepNs[perBatch / 2]);
    fflush(stdout);
  }
  atomic_store(&word, quit);
  futexWake();
  pthread_join(th, NULL);
  return 0;
}

// Is a sleep's jitter the sleeper's own, or its timer interrupt's (shared by every sleeper it wakes)?
//
// Phase 1: one thread sleeps to an absolute target (clock_nanosleep TIMER_ABSTIME, the default 50 µs
// timer slack), target += period, `rounds` times: its wake latency (wake − target) is a lone sleep's.
// Phase 2: `threads` threads sleep to the same targets. Their hrtimers sit on the CPU each thread
// armed from (sched_getcpu() before the sleep) and one interrupt fires a CPU's timers together
// (hrtimer coalescing). Per round and CPU, the threads armed there form a group.
// If each sleeper had its own jitter, a group's first wake would be the earliest of k independent
// lone latencies (printed for comparison, resampled from phase 1); if the jitter is the interrupt's,
// the first wake is as late as a lone sleep and the others follow it by the kernel's per-thread work.
//
//   cc -O2 -pthread -o /tmp/coalesced-wakes tools/machine/coalesced-wakes.c
//   /tmp/coalesced-wakes [threads=8] [rounds=600] [period_us=1000]
// Results (this VM, 2026-12-06, load < 1): docs/model.md, "One interrupt, one jitter".
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int nThreads, rounds;
static long long periodNs, startNs;
static int *armedCpu;
static long long *latencyNs;

static long long now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void *sleeper(void *arg) {
  long id = (long)arg;
  for (int r = 0; r < rounds; r++) {
    long long target = startNs + (r + 1) * periodNs;
    struct timespec ts = {target / 1000000000LL, target % 1000000000LL};
    armedCpu[r * nThreads + id] = sched_getcpu();
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
    latencyNs[r * nThreads + id] = now() - target;
  }
  return NULL;
}

static void runPhase(int threads) {
  nThreads = threads;
  armedCpu = calloc((size_t)threads * rounds, sizeof *armedCpu);
  latencyNs = calloc((size_t)threads * rounds, sizeof *latencyNs);
  startNs = now() + 2000000;
  pthread_t th[64];
  for (long i = 0; i < threads; i++) pthread_create(&th[i], NULL, sleeper, (void *)i);
  for (int i = 0; i < threads; i++) pthread_join(th[i], NULL);
}

static int cmp(const void *a, const void *b) {
  long long x = *(const long long *)a, y = *(const long long *)b;
  return (x > y) - (x < y);
}

static void quantiles(const char *label, long long *xs, int n) {
  qsort(xs, (size_t)n, sizeof *xs, cmp);
  printf(" | %s p10/50/90 %.1f %.1f %.1f", label, xs[(int)(0.1 * (n - 1))] / 1e3, xs[(int)(0.5 * (n - 1))] / 1e3, xs[(int)(0.9 * (n - 1))] / 1e3);
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 8;
  rounds = argc > 2 ? atoi(argv[2]) : 600;
  periodNs = (argc > 3 ? atoll(argv[3]) : 1000) * 1000;
  if (threads < 2 || threads > 64 || rounds < 50) {
    fprintf(stderr, "usage: coalesced-wakes [threads 2..64] [rounds >= 50] [period_us]\n");
    return 2;
  }
  const int skip = 5; // the first rounds, while the threads start
  runPhase(1);
  int nLone = rounds - skip;
  long long *lone = malloc(sizeof *lone * (size_t)nLone);
  for (int r = skip; r < rounds; r++) lone[r - skip] = latencyNs[r];
  long long *loneSorted = malloc(sizeof *lone * (size_t)nLone);
  for (int i = 0; i < nLone; i++) loneSorted[i] = lone[i];
  printf("lone sleeper, µs");
  quantiles("wake latency", loneSorted, nLone);
  printf("\n");

  runPhase(threads);
  srand(1);
  for (int k = 2; k <= threads; k++) {
    long long *first = malloc(sizeof *first * (size_t)rounds * 2), *lag = malloc(sizeof *lag * (size_t)rounds * 2);
    int n = 0;
    for (int r = skip; r < rounds; r++)
      for (int cpu = 0; cpu < 2; cpu++) {
        long long ls[64];
        int m = 0;
        for (int i = 0; i < threads; i++)
          if (armedCpu[r * threads + i] == cpu) ls[m++] = latencyNs[r * threads + i];
        if (m != k) continue;
        qsort(ls, (size_t)m, sizeof *ls, cmp);
        first[n] = ls[0];
        lag[n] = ls[1] - ls[0];
        n++;
      }
    if (n >= 50) {
      long long *independent = malloc(sizeof *independent * 4000);
      for (int s = 0; s < 4000; s++) {
        long long best = lone[rand() % nLone];
        for (int j = 1; j < k; j++) {
          long long x = lone[rand() % nLone];
          if (x < best) best = x;
        }
        independent[s] = best;
      }
      printf("group of %d (%d), µs", k, n);
      quantiles("first wake", first, n);
      quantiles("if independent", independent, 4000);
      quantiles("second - first", lag, n);
      printf("\n");
      free(independent);
    }
    free(first);
    free(lag);
  }
  return 0;
}

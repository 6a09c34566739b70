// Whether a run's sleeps drift within the run (a warm-up of the host after a pause), as against
// from one run to the next (tools/machine/sleep-drift.c): `runs` runs of `sleeps` × nanosleep(1 µs)
// in one thread, each after a pause of `pause_ms`; each run's latencies are grouped by when in the
// run they started (10 ms buckets) and each bucket prints the median over runs of the run's median —
//   fromMs toMs medianNs p25Ns p75Ns runs
// A calibration times short runs (500 sleeps, ~40 ms) and the validation matrix long ones (2000,
// ~160 ms): a flat profile says the two measure the same machine.
//
//   cc -O2 -o /tmp/sleep-in-run tools/machine/sleep-in-run.c
//   /tmp/sleep-in-run [runs=30] [sleeps=4000] [pause_ms=500]
// Results (this VM, 2026-12-07 21:20 UTC, 30 × 4000 after 0.5 s): docs/model.md, "Tried and not kept
// (2026-12-07, 20:40–21:35 UTC)".
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { BUCKETS = 100, BUCKET_NS = 10000000 };

static long long nowNs(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int cmpLL(const void *a, const void *b) {
  long long x = *(const long long *)a, y = *(const long long *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  int runs = argc > 1 ? atoi(argv[1]) : 30;
  int sleeps = argc > 2 ? atoi(argv[2]) : 4000;
  int pauseMs = argc > 3 ? atoi(argv[3]) : 500;
  if (runs < 1 || runs > 10000 || sleeps < 10 || sleeps > 1000000 || pauseMs < 0) {
    fprintf(stderr, "usage: sleep-in-run [runs 1..10000] [sleeps 10..1000000] [pause_ms ≥ 0]\n");
    return 2;
  }
  long long *startNs = malloc(sizeof(long long) * (size_t)sleeps);
  long long *latNs = malloc(sizeof(long long) * (size_t)sleeps);
  long long *bucket = malloc(sizeof(long long) * (size_t)(sleeps > runs ? sleeps : runs)); // one bucket's sleeps, or its runs' medians
  long long *medians = malloc(sizeof(long long) * (size_t)runs * BUCKETS); // [bucket][run], −1: too few sleeps
  if (startNs == NULL || latNs == NULL || bucket == NULL || medians == NULL) return 1;
  struct timespec req = {0, 1000};
  for (int r = 0; r < runs; r++) {
    struct timespec pause = {pauseMs / 1000, (pauseMs % 1000) * 1000000L};
    nanosleep(&pause, NULL);
    long long t0 = nowNs();
    for (int i = 0; i < sleeps; i++) {
      long long a = nowNs();
      nanosleep(&req, NULL);
      startNs[i] = a - t0;
      latNs[i] = nowNs() - a;
    }
    // The sleeps start in order: each bucket is the next contiguous stretch of them.
    for (int b = 0, i = 0; b < BUCKETS; b++) {
      int n = 0;
      for (; i < sleeps && startNs[i] / BUCKET_NS == b; i++) bucket[n++] = latNs[i];
      if (n < 20) {
        medians[b * runs + r] = -1;
        continue;
      }
      qsort(bucket, (size_t)n, sizeof(long long), cmpLL);
      medians[b * runs + r] = bucket[n / 2];
    }
  }
  for (int b = 0; b < BUCKETS; b++) {
    int n = 0;
    for (int r = 0; r < runs; r++)
      if (medians[b * runs + r] >= 0) bucket[n++] = medians[b * runs + r];
    if (n * 2 < runs) continue; // a bucket most runs did not reach
    qsort(bucket, (size_t)n, sizeof(long long), cmpLL);
    printf("%d %d %lld %lld %lld %d\n", b * 10, b * 10 + 10, bucket[n / 2], bucket[n / 4], bucket[n * 3 / 4], n);
  }
  free(startNs);
  free(latNs);
  free(bucket);
  free(medians);
  return 0;
}

// How this machine's sleep latency drifts from run to run (Machine.sleepRunSpread): batches of
// nanosleep(1 µs) in one thread, one batch every period, each printed as one line —
//   unixSeconds medianNs p90Ns meanNs stealTicks
// where stealTicks is the hypervisor's steal time over the batch (/proc/stat, USER_HZ ticks). A batch
// (2000 sleeps, ~150 ms) is the length of one validation program's run; within a batch the sleeps vary
// (Machine.sleepSpreads), across batches their median moves with the host's state.
//
//   cc -O2 -o /tmp/sleep-drift tools/machine/sleep-drift.c
//   /tmp/sleep-drift [batches=600] [sleeps=2000] [period_ms=1000] > drift.txt
// Results (this VM, 2026-12-06, load < 1): docs/model.md, "The host's state moves whole runs".
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long nowNs(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static long long stealTicks(void) {
  FILE *f = fopen("/proc/stat", "r");
  if (f == NULL) return -1;
  long long v[8] = {0};
  int n = fscanf(f, "cpu %lld %lld %lld %lld %lld %lld %lld %lld", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
  fclose(f);
  return n == 8 ? v[7] : -1;
}

static int cmp(const void *a, const void *b) {
  long long x = *(const long long *)a, y = *(const long long *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  int batches = argc > 1 ? atoi(argv[1]) : 600;
  int sleeps = argc > 2 ? atoi(argv[2]) : 2000;
  int periodMs = argc > 3 ? atoi(argv[3]) : 1000;
  if (batches < 1 || sleeps < 10 || sleeps > 1000000 || periodMs < 0) {
    fprintf(stderr, "usage: sleep-drift [batches ≥ 1] [sleeps 10..1000000] [period_ms ≥ 0]\n");
    return 2;
  }
  long long *lat = malloc(sizeof(long long) * (size_t)sleeps);
  if (lat == NULL) return 1;
  struct timespec req = {0, 1000};
  for (int b = 0; b < batches; b++) {
    long long start = nowNs(), steal0 = stealTicks(), sum = 0;
    for (int i = 0; i < sleeps; i++) {
      long long t0 = nowNs();
      nanosleep(&req, NULL);
      lat[i] = nowNs() - t0;
      sum += lat[i];
    }
    long long steal1 = stealTicks();
    qsort(lat, (size_t)sleeps, sizeof(long long), cmp);
    printf("%lld %lld %lld %lld %lld\n", (long long)time(NULL), lat[sleeps / 2], lat[sleeps * 9 / 10], sum / sleeps,
           steal0 < 0 || steal1 < 0 ? -1 : steal1 - steal0);
    fflush(stdout);
    long long restNs = periodMs * 1000000LL - (nowNs() - start);
    if (restNs > 0) {
      struct timespec rest = {restNs / 1000000000LL, restNs % 1000000000LL};
      nanosleep(&rest, NULL);
    }
  }
  free(lat);
  return 0;
}

// The kernel's CPU work per block-and-wake of a thread (Machine.wakeCpuNs, wakeCpuSpread): threads
// that do nothing but nanosleep, so each of their runs on a CPU is one wake, return to user space,
// the next nanosleep's entry and the switch away. Run it under tools/machine/sched-trace.mjs, which
// prints the runs' quantiles; `/usr/bin/time` gives the CPU time per round trip untraced.
//
//   cc -O2 -pthread -o /tmp/nanosleep-loop tools/machine/nanosleep-loop.c
//   sudo node tools/machine/sched-trace.mjs -- /tmp/nanosleep-loop [threads=16] [sleeps=2000] [sleep_ns=1000]
// Results (this VM, 2026-12-06, load < 1): docs/model.md, "The kernel's work per wake".
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int sleeps;
static long sleepNs;

static void *loop(void *arg) {
  (void)arg;
  struct timespec ts = {sleepNs / 1000000000L, sleepNs % 1000000000L};
  for (int i = 0; i < sleeps; i++) nanosleep(&ts, NULL);
  return NULL;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 16;
  sleeps = argc > 2 ? atoi(argv[2]) : 2000;
  sleepNs = argc > 3 ? atol(argv[3]) : 1000;
  if (threads < 1 || threads > 1024 || sleeps < 1 || sleepNs < 0) {
    fprintf(stderr, "usage: nanosleep-loop [threads 1..1024] [sleeps ≥ 1] [sleep_ns ≥ 0]\n");
    return 2;
  }
  pthread_t t[1024];
  for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, loop, NULL);
  for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
  return 0;
}

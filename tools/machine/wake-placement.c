// Where does the kernel run a woken thread, and how soon? select_task_rq on this VM, measured.
//
// Three experiments, each printing, for the woken threads, the share that ran on the CPU the wake
// came from (the CPU the timer was armed on, or the waker's CPU) and the latency on each side:
//
//   siblings [k=2] [rounds=2000]  k threads sleep (clock_nanosleep TIMER_ABSTIME, 50 µs slack) to one
//       shared target every 1 ms; one interrupt wakes the threads whose timers sat on one CPU. For
//       each group: the share of the second sleeper that stayed on the interrupt's CPU (rather than
//       being sent to the other, idle CPU) and how long after the first it ran.
//   futex [work_us=0] [prev=same|other] [rounds=1500]  a thread FUTEX_WAKEs a parked thread and then
//       spins work_us (a thread doing work after the wake, as sysmon after notewakeup); every 300 µs.
//       prev=other makes the parked thread's previous CPU the other one (it last ran there).
//   busy [rounds=2000] [on_us off_us [sleep_us=1]]  a thread sleeps nanosleep(sleep_us) from CPU 0
//       while a pinned spinner keeps CPU 0 busy: does it wake on the busy CPU 0 or the idle CPU 1?
//       With on_us and off_us the spinner spins on_us, then sleeps off_us (a CPU busy that share of
//       the time, as Go's threads keep one); the wakes are split by whether the spinner was in its
//       spinning phase when the sleeper ran again. A sleep_us of a few hundred µs, not a multiple of
//       the spinner's period, spreads the wakes over its phases (a 1 µs sleep is armed just after
//       the spinner stops, as the sleeper waits for CPU 0 first).
//   spread [k=10] [rounds=3000]  k threads, all started on CPU 0, each loop nanosleep(1 µs): the
//       share of wakes on CPU 0 by fifth of the run, and how often a thread wakes on another CPU
//       than its previous wake (migrations per 1000 sleeps).
//
//   cc -O2 -pthread -o /tmp/wake-placement tools/machine/wake-placement.c
//   /tmp/wake-placement siblings 2 ; /tmp/wake-placement futex 0 ; /tmp/wake-placement futex 0 other
// Results (this VM, 2 vCPUs, Linux 6.18 with cpuidle haltpoll and no guest polling, 2026-12-06,
// quiet): docs/model.md, "Where a woken thread runs".
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  long long x = *(const long long *)a, y = *(const long long *)b;
  return (x > y) - (x < y);
}

// Prints "label: n, p10/p50/p90 µs" of xs[0..n).
static void summary(const char *label, long long *xs, int n) {
  if (n == 0) {
    printf("  %s: none\n", label);
    return;
  }
  qsort(xs, (size_t)n, sizeof *xs, cmp);
  printf("  %s: %d, p10/p50/p90 %.1f / %.1f / %.1f µs\n", label, n, xs[n / 10] / 1e3, xs[n / 2] / 1e3, xs[n * 9 / 10] / 1e3);
}

// Moves the calling thread to `cpu`, then allows both CPUs again: its previous CPU is now `cpu`.
static void lastRanOn(int cpu) {
  cpu_set_t s;
  CPU_ZERO(&s);
  CPU_SET(cpu, &s);
  sched_setaffinity(0, sizeof s, &s);
  CPU_SET(0, &s);
  CPU_SET(1, &s);
  sched_setaffinity(0, sizeof s, &s);
}

// ─── siblings ──────────────────────────────────────────────────────────────────────────────────
static int sibThreads, sibRounds;
static long long sibStartNs;
static int *sibArmed, *sibWoke;
static long long *sibLatency;

static void *sibling(void *arg) {
  long id = (long)arg;
  for (int r = 0; r < sibRounds; r++) {
    long long target = sibStartNs + (r + 1) * 1000000LL;
    struct timespec ts = {target / 1000000000LL, target % 1000000000LL};
    sibArmed[r * sibThreads + id] = sched_getcpu();
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
    sibLatency[r * sibThreads + id] = now() - target;
    sibWoke[r * sibThreads + id] = sched_getcpu();
  }
  return NULL;
}

static int siblings(int k, int rounds) {
  sibThreads = k;
  sibRounds = rounds;
  size_t n = (size_t)k * rounds;
  sibArmed = calloc(n, sizeof *sibArmed);
  sibWoke = calloc(n, sizeof *sibWoke);
  sibLatency = calloc(n, sizeof *sibLatency);
  sibStartNs = now() + 2000000;
  pthread_t th[64];
  for (long i = 0; i < k; i++) pthread_create(&th[i], NULL, sibling, (void *)i);
  for (int i = 0; i < k; i++) pthread_join(th[i], NULL);
  long long *same = malloc(n * sizeof *same), *other = malloc(n * sizeof *other);
  int nSame = 0, nOther = 0;
  for (int r = 5; r < rounds; r++)
    for (int cpu = 0; cpu < 2; cpu++) {
      // the group: threads armed on `cpu` this round; first = earliest wake
      int first = -1, second = -1;
      for (int i = 0; i < k; i++) {
        int x = r * k + i;
        if (sibArmed[x] != cpu) continue;
        if (first < 0 || sibLatency[x] < sibLatency[first]) {
          second = first;
          first = x;
        } else if (second < 0 || sibLatency[x] < sibLatency[second]) {
          second = x;
        }
      }
      if (second < 0) continue;
      long long gap = sibLatency[second] - sibLatency[first];
      if (sibWoke[second] == cpu) same[nSame++] = gap;
      else other[nOther++] = gap;
    }
  printf("siblings k=%d: the second of a group woken by one interrupt (%d groups)\n", k, nSame + nOther);
  printf("  stayed on the interrupt's CPU: %.1f %%\n", nSame + nOther ? 100.0 * nSame / (nSame + nOther) : 0);
  summary("after the first, same CPU", same, nSame);
  summary("after the first, other CPU", other, nOther);
  return 0;
}

// ─── futex ─────────────────────────────────────────────────────────────────────────────────────
static atomic_int futexWord, parkedReady;
static atomic_llong wakeAtNs;
static int fxRounds, fxPrevOther;
static int *fxWakerCpu, *fxWokeCpu;
static long long *fxLatency;

static void *parked(void *arg) {
  (void)arg;
  for (int r = 0; r < fxRounds; r++) {
    if (fxPrevOther) lastRanOn(1);
    atomic_store(&parkedReady, 1);
    while (atomic_load(&futexWord) == 0) syscall(SYS_futex, &futexWord, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    fxLatency[r] = now() - atomic_load(&wakeAtNs);
    fxWokeCpu[r] = sched_getcpu();
    atomic_store(&futexWord, 0);
  }
  return NULL;
}

static int futexWake(int workUs, int prevOther, int rounds) {
  fxRounds = rounds;
  fxPrevOther = prevOther;
  fxWakerCpu = calloc((size_t)rounds, sizeof *fxWakerCpu);
  fxWokeCpu = calloc((size_t)rounds, sizeof *fxWokeCpu);
  fxLatency = calloc((size_t)rounds, sizeof *fxLatency);
  pthread_t th;
  pthread_create(&th, NULL, parked, NULL);
  struct timespec gap = {0, 300000};
  for (int r = 0; r < rounds; r++) {
    nanosleep(&gap, NULL);
    while (!atomic_load(&parkedReady)) {
    }
    atomic_store(&parkedReady, 0);
    // let it reach FUTEX_WAIT (a wake before that finds it still running)
    long long parkedBy = now() + 20000;
    while (now() < parkedBy) {
    }
    if (prevOther) lastRanOn(0);
    fxWakerCpu[r] = sched_getcpu();
    atomic_store(&wakeAtNs, now());
    atomic_store(&futexWord, 1);
    syscall(SYS_futex, &futexWord, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    long long until = now() + workUs * 1000LL;
    while (now() < until) {
    }
    while (atomic_load(&futexWord) != 0) {
    }
  }
  pthread_join(th, NULL);
  long long *same = malloc(rounds * sizeof *same), *other = malloc(rounds * sizeof *other);
  int nSame = 0, nOther = 0;
  for (int r = 10; r < rounds; r++) {
    if (fxWokeCpu[r] == fxWakerCpu[r]) same[nSame++] = fxLatency[r];
    else other[nOther++] = fxLatency[r];
  }
  printf("futex: the waker spins %d µs after FUTEX_WAKE; the parked thread last ran on the %s CPU\n", workUs, prevOther ? "other" : "waker's");
  printf("  ran on the waker's CPU: %.1f %%\n", 100.0 * nSame / (nSame + nOther));
  summary("wake → running, waker's CPU", same, nSame);
  summary("wake → running, other CPU", other, nOther);
  return 0;
}

// ─── busy ──────────────────────────────────────────────────────────────────────────────────────
static atomic_int stopSpinner, spinning;
static long long spinOnNs, spinOffNs;

static void *spinner(void *arg) {
  (void)arg;
  cpu_set_t s;
  CPU_ZERO(&s);
  CPU_SET(0, &s);
  pthread_setaffinity_np(pthread_self(), sizeof s, &s);
  struct timespec off = {spinOffNs / 1000000000LL, spinOffNs % 1000000000LL};
  while (!atomic_load(&stopSpinner)) {
    if (spinOffNs == 0) continue;
    long long end = now() + spinOnNs;
    atomic_store(&spinning, 1);
    while (now() < end) {
    }
    atomic_store(&spinning, 0);
    nanosleep(&off, NULL);
  }
  return NULL;
}

static int busy(int rounds, int onUs, int offUs, int sleepUs) {
  spinOnNs = onUs * 1000LL;
  spinOffNs = offUs * 1000LL;
  pthread_t th;
  pthread_create(&th, NULL, spinner, NULL);
  long long *same = malloc(rounds * sizeof *same), *other = malloc(rounds * sizeof *other);
  int nSame = 0, nOther = 0, onWakes = 0, onStayed = 0, offWakes = 0, offStayed = 0;
  struct timespec d = {sleepUs / 1000000, sleepUs % 1000000 * 1000L};
  for (int r = 0; r < rounds; r++) {
    lastRanOn(0);
    long long t0 = now();
    nanosleep(&d, NULL);
    long long l = now() - t0;
    int on = atomic_load(&spinning), cpu = sched_getcpu();
    if (r < 20) continue;
    if (on) onWakes++, onStayed += cpu == 0;
    else offWakes++, offStayed += cpu == 0;
    if (cpu == 0) same[nSame++] = l;
    else other[nOther++] = l;
  }
  atomic_store(&stopSpinner, 1);
  pthread_join(th, NULL);
  if (offUs > 0) {
    printf("busy: nanosleep(%d µs) from CPU 0 while a spinner spins %d µs, sleeps %d µs there (busy %.0f %%)\n", sleepUs, onUs, offUs, 100.0 * onUs / (onUs + offUs));
    printf("  ran on CPU 0 when the spinner was spinning: %.1f %% of %d; when it was not: %.1f %% of %d\n", onWakes ? 100.0 * onStayed / onWakes : 0, onWakes, offWakes ? 100.0 * offStayed / offWakes : 0, offWakes);
  } else {
    printf("busy: nanosleep(%d µs) from CPU 0 while a spinner keeps CPU 0 busy\n", sleepUs);
    printf("  woke on the busy CPU 0: %.1f %%\n", 100.0 * nSame / (nSame + nOther));
  }
  summary("the sleep, woken on CPU 0", same, nSame);
  summary("the sleep, woken on CPU 1", other, nOther);
  return 0;
}

// ─── spread ────────────────────────────────────────────────────────────────────────────────────
static int spThreads, spRounds;
static int *spCpu;

static void *spreader(void *arg) {
  long id = (long)arg;
  lastRanOn(0);
  struct timespec d = {0, 1000};
  for (int r = 0; r < spRounds; r++) {
    nanosleep(&d, NULL);
    spCpu[r * spThreads + id] = sched_getcpu();
  }
  return NULL;
}

static int spread(int k, int rounds) {
  spThreads = k;
  spRounds = rounds;
  spCpu = calloc((size_t)k * rounds, sizeof *spCpu);
  pthread_t th[256];
  for (long i = 0; i < k; i++) pthread_create(&th[i], NULL, spreader, (void *)i);
  for (int i = 0; i < k; i++) pthread_join(th[i], NULL);
  printf("spread k=%d: threads started on CPU 0, each looping nanosleep(1 µs)\n", k);
  for (int part = 0; part < 5; part++) {
    int a = rounds * part / 5, b = rounds * (part + 1) / 5, on0 = 0, n = 0;
    for (int r = a; r < b; r++)
      for (int i = 0; i < k; i++) {
        n++;
        on0 += spCpu[r * k + i] == 0;
      }
    printf("  sleeps %d–%d: %.1f %% woke on CPU 0\n", a, b, 100.0 * on0 / n);
  }
  long moves = 0;
  for (int i = 0; i < k; i++)
    for (int r = 1; r < rounds; r++) moves += spCpu[r * k + i] != spCpu[(r - 1) * k + i];
  printf("  migrations per 1000 sleeps: %.1f\n", 1000.0 * moves / k / (rounds - 1));
  return 0;
}

int main(int argc, char **argv) {
  if (sysconf(_SC_NPROCESSORS_ONLN) != 2) fprintf(stderr, "note: written for 2 CPUs; this machine has %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "siblings") == 0) {
    int k = argc > 2 ? atoi(argv[2]) : 2, rounds = argc > 3 ? atoi(argv[3]) : 2000;
    if (k >= 2 && k <= 64 && rounds >= 50) return siblings(k, rounds);
  } else if (strcmp(mode, "futex") == 0) {
    int work = argc > 2 ? atoi(argv[2]) : 0, rounds = argc > 4 ? atoi(argv[4]) : 1500;
    int prevOther = argc > 3 && strcmp(argv[3], "other") == 0;
    if (work >= 0 && rounds >= 50) return futexWake(work, prevOther, rounds);
  } else if (strcmp(mode, "busy") == 0) {
    int rounds = argc > 2 ? atoi(argv[2]) : 2000, onUs = argc > 4 ? atoi(argv[3]) : 0, offUs = argc > 4 ? atoi(argv[4]) : 0;
    int sleepUs = argc > 5 ? atoi(argv[5]) : 1;
    if (rounds >= 50 && onUs >= 0 && offUs >= 0 && sleepUs >= 1) return busy(rounds, onUs, offUs, sleepUs);
  } else if (strcmp(mode, "spread") == 0) {
    int k = argc > 2 ? atoi(argv[2]) : 10, rounds = argc > 3 ? atoi(argv[3]) : 3000;
    if (k >= 1 && k <= 256 && rounds >= 10) return spread(k, rounds);
  }
  fprintf(stderr, "usage: wake-placement siblings [k=2] [rounds] | futex [work_us=0] [same|other] [rounds] | busy [rounds] [on_us off_us [sleep_us]] | spread [k=10] [rounds]\n");
  return 2;
}

/* cmd_bench.c: `daemonsim bench`, the event queue's hold-model benchmark.
 *
 * The hold model is the classic way to time a pending-event set: fill it with
 * Q events, then repeat "pop the earliest, push it back a random increment
 * later", so the size stays Q and the mix of keys reaches a steady state. The
 * increments are exponential(1 s) draws made before the clock starts and
 * reused in order, so the figure is the queue's cost alone: a draw through
 * GSL costs about 25 ns, a quarter of a hold at 1e5 pending, and would blur
 * any comparison of queue designs. Each size runs --repeat times from the
 * same seed and the median rate is printed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemonsim/cli.h"
#include "daemonsim/dist.h"
#include "daemonsim/mem.h"
#include "daemonsim/rng.h"
#include "daemonsim/sim.h"

#define BENCH_DEFAULT_EVENTS 10000000
#define BENCH_DEFAULT_REPEAT 5
#define BENCH_MAX_PENDING UINT64_C(100000000)
#define BENCH_MAX_REPEAT 1000
/* 32 KiB of increments: stays in L1 next to the heap's hot top levels. */
#define BENCH_NINC 4096
#define BENCH_SEED 1

static const uint64_t bench_default_sizes[] = {10000, 100000, 1000000};

static const char bench_help[] =
    "Usage: daemonsim bench [OPTION]...\n"
    "Time the event queue with the hold model: fill it with PENDING events at\n"
    "exponential(1 s) times, then repeatedly pop the earliest event and push it\n"
    "back an exponential(1 s) increment later. Prints the median rate for each\n"
    "queue size, in millions of events (one pop and one push) per second.\n"
    "\n"
    "Options:\n"
    "  --pending N   time only this queue size (default: 10000, 100000 and 1000000)\n"
    "  --events M    events timed per run (default " DS_STR(BENCH_DEFAULT_EVENTS) ")\n"
    "  --repeat R    runs per size; the median is printed (default " DS_STR(BENCH_DEFAULT_REPEAT) ")\n"
    "  --help        print this help and exit\n"
    "\n"
    "Build with CMAKE_BUILD_TYPE=Release for meaningful figures (tools/bench does).\n";

static double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One timed run; returns events per second. */
static double bench_hold_once(uint64_t pending, uint64_t events, const SimTime *inc)
{
    /* The same initial times in every run, drawn like the increments. */
    Rng *rng = rng_new(BENCH_SEED, rng_key("bench.prefill"));
    Dist exp1 = {.kind = DIST_EXPONENTIAL, .a = 1.0};
    EventQueue q;
    evq_init(&q);
    for (uint64_t i = 0; i < pending; i++)
        evq_push(&q, (Event){.at = dist_draw(&exp1, rng), .subject = (uint32_t)i});
    rng_free(rng);

    double t0 = bench_now();
    Event e;
    for (uint64_t k = 0; k < events; k++) {
        evq_pop(&q, &e);
        e.at += inc[k % BENCH_NINC];
        evq_push(&q, e);
    }
    double elapsed = bench_now() - t0;

    if (evq_size(&q) != pending) abort();
    evq_free(&q);
    return elapsed > 0 ? (double)events / elapsed : 0;
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static void bench_hold(uint64_t pending, uint64_t events, int repeat, const SimTime *inc)
{
    double *rate = xmalloc((size_t)repeat * sizeof *rate);
    for (int r = 0; r < repeat; r++) rate[r] = bench_hold_once(pending, events, inc);
    qsort(rate, (size_t)repeat, sizeof *rate, cmp_double);
    double median = repeat % 2 ? rate[repeat / 2] : (rate[repeat / 2 - 1] + rate[repeat / 2]) / 2;
    printf("evq hold  pending=%llu  events=%llu  median %.1f M events/s  (%d run%s)\n",
           (unsigned long long)pending, (unsigned long long)events, median / 1e6, repeat,
           repeat == 1 ? "" : "s");
    fflush(stdout);
    free(rate);
}

/* Matches `--name VALUE` and `--name=VALUE`; on a match sets *value (NULL
 * when the value is missing) and advances *i past what it used. */
static bool bench_option(const char *name, int argc, char **argv, int *i, const char **value)
{
    const char *a = argv[*i];
    size_t len = strlen(name);
    if (strncmp(a, name, len) != 0) return false;
    if (a[len] == '=') {
        *value = a + len + 1;
        return true;
    }
    if (a[len] != '\0') return false;
    *value = *i + 1 < argc ? argv[++*i] : NULL;
    return true;
}

int cmd_bench(int argc, char **argv)
{
    uint64_t pending = 0, events = BENCH_DEFAULT_EVENTS;
    long repeat = BENCH_DEFAULT_REPEAT;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            return cli_usage("bench", bench_help, EXIT_OK);
        } else if (bench_option("--pending", argc, argv, &i, &v)) {
            if (!v) return cli_misuse("bench", "option '%s' needs a value", "--pending");
            if (!cli_parse_u64(v, &pending) || pending < 1 || pending > BENCH_MAX_PENDING)
                return cli_misuse("bench", "--pending must be an integer from 1 to 100000000, not '%s'", v);
        } else if (bench_option("--events", argc, argv, &i, &v)) {
            if (!v) return cli_misuse("bench", "option '%s' needs a value", "--events");
            if (!cli_parse_u64(v, &events) || events < 1)
                return cli_misuse("bench", "--events must be a positive integer, not '%s'", v);
        } else if (bench_option("--repeat", argc, argv, &i, &v)) {
            if (!v) return cli_misuse("bench", "option '%s' needs a value", "--repeat");
            if (!cli_parse_int(v, 1, BENCH_MAX_REPEAT, &repeat))
                return cli_misuse("bench", "--repeat must be an integer from 1 to 1000, not '%s'", v);
        } else if (argv[i][0] == '-') {
            return cli_misuse("bench", "unknown option '%s'", argv[i]);
        } else {
            return cli_misuse("bench", "unexpected argument '%s'", argv[i]);
        }
    }

    static SimTime inc[BENCH_NINC];
    Rng *rng = rng_new(BENCH_SEED, rng_key("bench.increment"));
    Dist exp1 = {.kind = DIST_EXPONENTIAL, .a = 1.0};
    for (size_t i = 0; i < BENCH_NINC; i++) inc[i] = dist_draw(&exp1, rng);
    rng_free(rng);

    if (pending) {
        bench_hold(pending, events, (int)repeat, inc);
    } else {
        for (size_t s = 0; s < DS_ARRAY_LEN(bench_default_sizes); s++)
            bench_hold(bench_default_sizes[s], events, (int)repeat, inc);
    }
    return EXIT_OK;
}

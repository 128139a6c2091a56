/* test_int.h: what cmd_test.c (options, files, the report) and test_pool.c
 * (one process per scenario file) share. */
#ifndef DAEMONSIM_TEST_INT_H
#define DAEMONSIM_TEST_INT_H

#include "daemonsim/junit.h"
#include "daemonsim/mem.h"
#include "daemonsim/scenario.h"

/* Failed expectations kept per scenario; the rest are only counted, as the
 * run prints only its first 20 too. */
#define TEST_MAX_LISTED 20

typedef enum {
    TEST_PASS,
    TEST_FAIL,                  /* an expectation failed */
    TEST_INVALID,               /* the file (or what it names) is bad input */
    TEST_RUNTIME,               /* database or I/O failure, or the process died */
} TestOutcome;

typedef struct {
    char *path;
    TestOutcome outcome;
    char *name;                 /* metadata.name; NULL when the file did not load */
    bool has_expects;
    SimTime end;                /* simulated time when the run stopped */
    double wall;                /* wall-clock seconds of the run */
    uint32_t failed_checks;     /* every failed expectation, listed or not */
    VEC(JunitFailure) failures; /* the first TEST_MAX_LISTED */
    char *error;                /* the diagnostic (invalid) or the runtime message */
    char *buf;                  /* what the process sent; the failures' strings point into it */
    size_t len, cap;
} TestCase;

typedef struct {
    const Override *ovr;        /* --set, applied to every file */
    size_t novr;
    const char *db;             /* -o: every run is appended; NULL: nothing is written */
    bool check;
} TestSetup;

/* Runs every case in its own process, at most `jobs` at a time, in the
 * order given; done(ctx, i) is called in this process as case i ends, in
 * whatever order they end. */
void test_pool_run(const TestSetup *setup, TestCase *cases, size_t n, int jobs,
                   void (*done)(void *ctx, size_t i), void *ctx);

#endif

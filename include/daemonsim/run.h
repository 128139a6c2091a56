/* run.h: one simulation run, end to end: a Scenario becomes a Cluster on an
 * event engine, scenario events and expectations are scheduled, the run goes
 * until it converges (or its duration ends) and everything it recorded is
 * committed to the results database in one transaction. */
#ifndef DAEMONSIM_RUN_H
#define DAEMONSIM_RUN_H

#include <stdio.h>

#include "daemonsim/scenario.h"

typedef enum { PROGRESS_QUIET, PROGRESS_NORMAL, PROGRESS_WATCH } ProgressMode;

/* How much of a run goes to the database (--record of run and sweep). A
 * summary keeps the run, its rollouts, the sampled status, the warnings and
 * each pod's creation (enough for every chart and for bad-release exposure)
 * and drops the other pod and node events, which are most of the rows;
 * status drops the pod creations too. */
typedef enum { RECORD_FULL, RECORD_SUMMARY, RECORD_STATUS } RecordLevel;

/* "status", "summary" or "full"; false for anything else. */
bool run_parse_record(const char *s, RecordLevel *out);
const char *run_record_name(RecordLevel level);

/* One failed expectation, as data: reports such as JUnit show the simulated
 * time, what was checked, and the value wanted beside the value found. The
 * strings live only during the on_failure call. */
typedef struct {
    SimTime t;
    const char *field;          /* "daemonset web numberAvailable", "maxUnavailableRespected" */
    const char *expected;
    const char *actual;
    const char *message;        /* the line printed on err, without file and time */
} ExpectFailure;

typedef struct {
    const Scenario *scenario;
    uint64_t seed;
    const char *db_path;        /* NULL: record nothing */
    const char *params_json;    /* the overrides, for the run row */
    SimTime until;              /* 0: the scenario's duration */
    ProgressMode progress;
    bool check;                 /* re-derive incremental state after every sync */
    RecordLevel record;
    FILE *out;                  /* final tables (stdout) */
    FILE *err;                  /* progress lines and expectation failures (stderr) */
    /* Called for every failed expectation (err shows only the first 20); NULL: not called. */
    void (*on_failure)(void *ctx, const ExpectFailure *f);
    void *failure_ctx;
} RunOptions;

typedef struct {
    int64_t run_id;             /* -1 when nothing was recorded */
    uint32_t expect_failures;
    SimTime end;                /* simulated time when the run stopped */
    uint64_t events;
    uint64_t peak_pending;      /* the most events pending at once (tools/bench) */
    double wall_seconds;
    bool converged;
} RunResult;

/* 0 on success (whatever the expectations said), -1 on a runtime failure
 * (database, I/O) with the message in err; nothing is recorded then. */
int run_scenario(const RunOptions *opt, RunResult *res, char *err, size_t errlen);

#endif

/* sweep_int.h: what cmd_sweep.c (options, points, statistics, the database)
 * and sweep_pool.c (worker processes) share.
 *
 * A sweep is planned completely before any process is forked: every point's
 * Scenario is loaded and validated, every job (point, seed) gets its seed
 * and its run's params JSON. Workers inherit the plan through fork() and only
 * read it; what they produce travels back over pipes as fixed-size reports,
 * and their runs sit in one database file per worker until the parent
 * merges them. */
#ifndef DAEMONSIM_SWEEP_INT_H
#define DAEMONSIM_SWEEP_INT_H

#include <stdio.h>

#include "daemonsim/scenario.h"

typedef enum {
    JOB_PENDING,        /* not handed out */
    JOB_RUNNING,        /* handed to a worker, no report yet */
    JOB_DONE,           /* committed to the worker's database */
    JOB_FAILED,         /* run_scenario reported a runtime failure */
    JOB_LOST,           /* its worker died or was stopped before reporting */
} JobState;

typedef struct {
    uint32_t point;             /* index into SweepPlan.points */
    uint32_t k;                 /* seed index: seed = rng_mix(point seed, k) */
    uint64_t seed;
    char *params_json;          /* the run row's params */
    JobState state;
    int worker;                 /* 0-based; -1 before it is handed out */
    int64_t local_run_id;       /* the run's id in the worker's database */
    uint32_t expect_failures;
} SweepJob;

typedef struct {
    size_t index;               /* in the cartesian product of the --vary lists */
    size_t *choice;             /* per --vary key, the index of its value */
    Scenario *sc;               /* NULL: skipped (rejected by validation) */
    char *params_json;          /* the varied values, for sweep_point.params */
    char *label;                /* "maxUnavailable=5%, maxSurge=0" */
    size_t first_job, njobs;    /* its jobs, contiguous, in k order */
    size_t finished;            /* jobs no longer pending or running */
} SweepPoint;

typedef struct {
    SweepPoint *points;
    size_t npoints;             /* every point of the product, skipped ones too */
    size_t nvalid;
    SweepJob *jobs;             /* in (point, k) order */
    size_t njobs;
    int nworkers;
    char **worker_db;           /* one database per worker, next to the output */
    bool progress;              /* progress on stderr (not -q) */
    bool tty;                   /* stderr is a terminal: one \r-rewritten bar */
    bool record_full;           /* --record full: every pod and node event of every run */
    FILE *err;
} SweepPlan;

typedef struct {
    bool interrupted;           /* SIGINT or SIGTERM reached the parent */
    size_t workers_died;        /* workers that ended by a signal they did not get from us */
    char first_error[256];      /* the first runtime failure a worker reported */
} SweepOutcome;

/* Runs every job on plan->nworkers forked workers; returns when every
 * worker has ended. Job states say what happened to each job. */
void sweep_pool_run(SweepPlan *plan, SweepOutcome *out);

#endif

/* sweep.h: many runs of one scenario over a grid of parameter values, with
 * statistics per parameter point (the layer between the CLI and run/output).
 *
 * A sweep is planned completely before anything runs: every point of the
 * cartesian product of the --vary lists is loaded and validated as a
 * Scenario, and every item (point, k) gets its seed and its run's params
 * JSON. Engines (forked workers, MPI ranks) only read the plan. */
#ifndef DAEMONSIM_SWEEP_H
#define DAEMONSIM_SWEEP_H

#include <stdio.h>

#include "daemonsim/mem.h"
#include "daemonsim/scenario.h"
#include "daemonsim/store.h"

/* Guards against a typo that would plan millions of runs. */
#define SWEEP_MAX_POINTS 100000
#define SWEEP_MAX_RUNS 10000000
#define SWEEP_MAX_FAIL_REVS 32

/* One --vary key and its values, as text, in command-line order. */
typedef struct {
    char *key;
    char **values;
    size_t nvalues;
} SweepVary;

/* What the command line asks for. */
typedef struct {
    VEC(SweepVary) vary;
    VEC(Override) set;
    uint64_t seeds;
    const char *daemonset;      /* NULL: the scenario's first */
    bool record_full;           /* --record full */
} SweepSpec;

void sweep_vary_free(SweepVary *v);
void sweep_spec_free(SweepSpec *spec);

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
    int64_t fail_revs[SWEEP_MAX_FAIL_REVS];     /* the figure DaemonSet's bad releases */
    size_t nfail;
    StoreSweepPoint summary;    /* filled in when the sweep is stored */
} SweepPoint;

typedef struct {
    SweepPoint *points;
    size_t npoints;             /* every point of the product, skipped ones too */
    size_t nvalid;
    SweepJob *jobs;             /* in (point, k) order */
    size_t njobs;
    const char *daemonset;      /* whose rollout the figures describe */
    int nworkers;
    char **worker_db;           /* one database per worker, next to the output */
    bool progress;              /* progress on stderr (not -q) */
    bool tty;                   /* stderr is a terminal: one \r-rewritten bar */
    bool record_full;           /* --record full: every pod and node event of every run */
    FILE *err;
} SweepPlan;

typedef enum {
    SWEEP_PLAN_OK,
    SWEEP_PLAN_INVALID,         /* a diagnostic was printed */
    SWEEP_PLAN_TOO_MANY_POINTS, /* more than SWEEP_MAX_POINTS */
    SWEEP_PLAN_TOO_MANY_RUNS,   /* more than SWEEP_MAX_RUNS */
} SweepPlanStatus;

/* Loads every point of `path` with its overrides, finds the figure
 * DaemonSet and its bad releases, and lists the jobs. Points that upstream
 * validation rejects only for the maxSurge/maxUnavailable pair are reported
 * on plan->err and skipped; any other problem is printed there too. */
SweepPlanStatus sweep_plan(const char *path, const SweepSpec *spec, SweepPlan *plan);
void sweep_plan_free(SweepPlan *plan);

/* {"vary": [{"key": K, "values": [...]}, ...], "set": {...}, "skipped": [...]} */
char *sweep_params_json(const SweepSpec *spec, const SweepPlan *plan);

typedef struct {
    bool interrupted;           /* SIGINT or SIGTERM reached the parent */
    size_t workers_died;        /* workers that ended by a signal they did not get from us */
    char first_error[256];      /* the first runtime failure a worker reported */
} SweepOutcome;

/* Runs every job on plan->nworkers forked workers; returns when every
 * worker has ended. Job states say what happened to each job. */
void sweep_pool_run(SweepPlan *plan, SweepOutcome *out);

/* Copies the finished runs into `output`, reads each run's figures back and
 * stores one summary row per point, all in one transaction. 0, or -1 with
 * the message in err. */
int sweep_store(const SweepSpec *spec, SweepPlan *plan, const SweepOutcome *oc,
                const char *output, double wall_start, int64_t *sweep_id, char *err,
                size_t errlen);

/* Removes a database file and its -wal, -shm and -journal companions. */
void sweep_remove_db(const char *path);

/* The table of points (varied values, runs, figures) for people. */
void sweep_print_table(FILE *out, const SweepSpec *spec, const SweepPlan *plan);

#endif

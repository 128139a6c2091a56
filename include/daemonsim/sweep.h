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
#include "daemonsim/run.h"
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
    RecordLevel record;         /* --record (default summary) */
    uint32_t shard, nshards;    /* --shard K/N: items j with j % N == K - 1; 0/0: all */
} SweepSpec;

void sweep_vary_free(SweepVary *v);
/* `strategy`: its values are variants (docs/scenario-format.md, "Variants"),
 * shown by name. */
bool sweep_key_is_strategy(const char *key);
void sweep_spec_free(SweepSpec *spec);

typedef enum {
    JOB_PENDING,        /* not handed out */
    JOB_RUNNING,        /* handed to a worker, no report yet */
    JOB_DONE,           /* finished: its run is in the item's own database file */
    JOB_STORED,         /* its run is in the output database (now or before a resume) */
    JOB_FAILED,         /* run_scenario reported a runtime failure */
    JOB_LOST,           /* its worker died or was stopped before reporting */
    JOB_ELSEWHERE,      /* another shard's item */
} JobState;

typedef struct {
    uint32_t point;             /* index into SweepPlan.points */
    uint32_t k;                 /* seed index: seed = rng_mix(point seed, k) */
    uint64_t seed;
    char *params_json;          /* the run row's params */
    JobState state;
    int worker;                 /* 0-based; -1 before it is handed out */
    uint32_t expect_failures;
} SweepJob;

typedef struct {
    size_t index;               /* in the cartesian product of the --vary lists */
    size_t *choice;             /* per --vary key, the index of its value */
    Scenario *sc;               /* NULL: skipped (rejected by validation) */
    char *params_json;          /* the varied values, for sweep_point.params */
    char *label;                /* "maxUnavailable=5%, maxSurge=0"; a strategy by its name */
    size_t first_job, njobs;    /* its jobs, contiguous, in k order */
    size_t finished;            /* jobs not pending or running (progress) */
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
    size_t npending;            /* jobs this invocation runs (pending at the start) */
    int nworkers;
    char *item_prefix;          /* item j's own database is item_prefix + j */
    bool progress;              /* progress on stderr (not -q) */
    bool tty;                   /* stderr is a terminal: one \r-rewritten bar */
    RecordLevel record;         /* --record: how much of every run is stored */
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
/* How many of point p's bad releases its figures count the exposure of:
 * all of them, or none when the record keeps no pod rows (status). */
size_t sweep_point_exposure_revs(const SweepPlan *plan, size_t p);

/* {"vary": [{"key": K, "values": [...]}, ...], "set": {...}, "skipped": [...],
 *  "record": "status"|"summary"|"full"} and for a shard "shard": {...}: what --resume
 * matches a sweep by. */
char *sweep_params_json(const SweepSpec *spec, const SweepPlan *plan);

typedef struct {
    bool interrupted;           /* SIGINT or SIGTERM reached the parent */
    size_t workers_died;        /* workers that ended by a signal they did not get from us */
    char first_error[256];      /* the first runtime failure a worker reported */
} SweepOutcome;

/* The output database of a sweep, written as items arrive.
 *
 * Whatever runs an item (a forked worker, an MPI rank, the process itself)
 * leaves its run in a database of its own, item_prefix + j. The sink copies
 * those into the output in item order, each in its own short transaction,
 * as soon as every earlier item is stored or given up, so the output is the
 * same row for row for any engine and any number of workers. A file whose
 * turn has not come yet stays on disk: if the sweep dies, --resume finds
 * and takes it. */
typedef struct {
    Store *out;
    int64_t sweep_id;
    int64_t first_run_id;       /* item j is run first_run_id + j */
    size_t next;                /* the first item not yet stored or given up */
    size_t stored;              /* runs this invocation stored */
    size_t resumed;             /* runs found stored (or taken from files) at the start */
    bool failed;                /* an import failed: engines stop handing out */
    char error[512];
    long kill_after;            /* test hook: SIGKILL after this many imports */
} SweepSink;

typedef enum {
    SWEEP_SINK_OK,
    SWEEP_SINK_NO_SWEEP,        /* --resume found no sweep with these arguments */
    SWEEP_SINK_FAILED,          /* database failure, message in err */
} SweepSinkStatus;

/* Opens `output`, creates the sweep (or with resume finds it, marks its
 * stored items JOB_STORED and takes any finished item files left behind),
 * and names the item files. */
SweepSinkStatus sweep_sink_open(SweepSink *k, const SweepSpec *spec, SweepPlan *plan,
                                const char *output, bool resume, char *err, size_t errlen);
/* Called when an item reached JOB_DONE, JOB_FAILED or JOB_LOST: stores every
 * finished item whose turn has come. */
void sweep_sink_store(SweepSink *k, SweepPlan *plan);
/* The per-point figures over every stored run, and the sweep's status, in
 * one transaction; removes the files of items that did not finish. Fills in
 * plan->points[].summary. Closes the database. 0, or -1 with err. */
int sweep_sink_finish(SweepSink *k, SweepPlan *plan, const SweepOutcome *oc, double wall_start,
                      char *err, size_t errlen);
void sweep_item_path(const SweepPlan *plan, size_t j, char *buf, size_t n);

/* Progress on plan->err, shared by the engines: a bar on a terminal, else
 * one line per finished point. */
typedef struct {
    double start;
    size_t runs_finished;
    size_t points_finished;
    int bar_width;              /* characters last written on the bar line */
    double drawn;               /* when the bar was last drawn */
} SweepProgress;

void sweep_progress_start(SweepPlan *plan, SweepProgress *pr);
void sweep_progress_item(SweepPlan *plan, SweepProgress *pr, SweepJob *j);
void sweep_progress_end(SweepPlan *plan, SweepProgress *pr);

/* Runs every pending job on plan->nworkers forked workers, storing each
 * through the sink; returns when every worker has ended. Job states say
 * what happened to each job. */
void sweep_pool_run(SweepPlan *plan, SweepSink *sink, SweepOutcome *out);

/* Runs item j into the database at db_path (removed first), as every
 * engine does. 0, or -1 with the message in err. */
int sweep_run_item(const SweepPlan *plan, size_t j, const char *db_path, uint32_t *expect_failures,
                   char *err, size_t errlen);

/* MPI (sweep_mpi.c; without MPI at build time, init says how to get it).
 * Every rank runs the same command and plans the same sweep. Rank 0 hands
 * out items one at a time (so fast and slow points balance), receives each
 * finished item's database as bytes, writes it next to the output and gives
 * it to the sink: rank 0 is the only writer of the output. With one rank,
 * rank 0 runs the items itself. */
int sweep_mpi_init(int *rank, char *why, size_t whylen);
int sweep_mpi_size(void);
void sweep_mpi_serve(SweepPlan *plan, SweepSink *sink, SweepOutcome *out);
/* Rank 0 when it stops before serving: tells every worker rank to end. */
void sweep_mpi_release(const SweepPlan *plan);
/* A worker rank: runs what rank 0 sends until told to stop; an exit code. */
int sweep_mpi_work(const SweepPlan *plan);
/* MPI_Finalize, or MPI_Abort on rank 0 when it stopped while worker ranks
 * were still running items (they would wait for it forever). Returns status. */
int sweep_mpi_end(int rank, int status);

/* What the statistics of one point need, wherever the sweep came from. */
typedef struct {
    int64_t point;
    const char *params;         /* sweep_point.params */
    const int64_t *fail_revs;   /* the figure DaemonSet's bad releases */
    size_t nfail;
    StoreSweepPoint summary;    /* out */
} SweepFigurePoint;

/* Computes every point's figures over the runs the database holds for the
 * sweep and writes them with the sweep's status, in one transaction. */
int sweep_figures(Store *s, int64_t sweep_id, const char *daemonset, SweepFigurePoint *points,
                  size_t npoints, const char *status, double wall_seconds);

/* Joins the shard databases of one sweep into `output` (sweep_merge.c).
 * 0; 2 when the parts are not the complete shards of one sweep (the reason
 * printed on err, nothing written); 3 on a database failure. */
int sweep_merge(const char *output, const char *const *parts, size_t nparts, FILE *out, FILE *err);

/* Removes a database file and its -wal, -shm and -journal companions. */
void sweep_remove_db(const char *path);

/* The table of points (varied values, runs, figures) for people. */
void sweep_print_table(FILE *out, const SweepSpec *spec, const SweepPlan *plan);

#endif

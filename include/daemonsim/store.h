/* store.h: the results database (docs/results-database.md). Only sim/output/store*.c include
 * <sqlite3.h>.
 *
 * One file holds many runs. A run is written inside one transaction: rows are
 * buffered and sent through prepared multi-row INSERTs, and nothing of a run
 * is visible until store_run_commit(); store_run_abort() (or a crash) leaves
 * the file as it was. Existing runs are never changed. Functions return 0 on
 * success, or -1 with the message kept on the handle (store_errmsg). */
#ifndef DAEMONSIM_STORE_H
#define DAEMONSIM_STORE_H

#include "daemonsim/base.h"
#include "daemonsim/dsstatus.h"
#include "daemonsim/mem.h"

typedef struct Store Store;

/* Version of the schema this code writes (PRAGMA user_version). An older
 * file is migrated when opened for writing and read as it is when opened
 * read-only; a newer one is refused. */
#define STORE_SCHEMA_VERSION 5

typedef struct {
    const char *scenario;       /* metadata.name */
    uint64_t seed;
    const char *params;         /* JSON object of every override, "{}" if none */
    const char *version;        /* daemonsim and library versions */
} StoreRunInfo;

typedef struct {
    double sim_seconds;
    double wall_seconds;
    uint64_t events;
    uint32_t expect_failures;
} StoreRunEnd;

typedef struct {
    DS_STATUS_COUNTS(DS_STATUS_MEMBER)
    int64_t updated_available;  /* desired nodes whose pod is updated and available */
} StoreStatus;

typedef struct {
    const char *daemonset;
    int64_t revision;
    double started;             /* simulated seconds */
    double completed;           /* < 0: did not complete (stored as NULL) */
    int64_t max_unavailable;
    double unavailable_pod_seconds;
} StoreRollout;

/* For the rest of the process, files written are scratch files, as a sweep's
 * workers write them: a run still commits atomically (a killed process
 * leaves no half run), but no index is built and nothing is synced to disk,
 * since the parent merges the file and deletes it. */
void store_set_scratch(bool on);

/* Opens or creates the file and its schema. NULL with a message in err on
 * failure; the message does not repeat the path, so callers print
 * "PATH: message". A file that is not a daemonsim database is refused. */
Store *store_open(const char *path, char *err, size_t errlen);
void store_close(Store *s);
const char *store_errmsg(const Store *s);

/* Starts a run's transaction; the new run's id goes to *run_id. Ids are
 * assigned by SQLite (AUTOINCREMENT: one more than any id ever committed), so
 * a deleted run's id is not reused. A NULL params is stored as "{}", a NULL
 * version as this build's; params must be valid JSON. The file's write lock
 * is held until commit or abort: another writer waits up to 10 s, then fails
 * with "database is locked". */
int store_run_begin(Store *s, const StoreRunInfo *info, int64_t *run_id);
/* Row writers. Strings are copied; they need to live only during the call.
 * A NULL node (a pod not yet bound) or detail is stored as NULL; the other
 * strings are required. After a failure the run accepts no more rows: every
 * later call returns -1 with the first message, and the caller aborts. */
int store_pod_event(Store *s, double t, const char *daemonset, const char *pod,
                    const char *node, int64_t revision, const char *phase);
int store_node_event(Store *s, double t, const char *node, const char *kind,
                     const char *detail);
int store_ds_status(Store *s, double t, const char *daemonset, const StoreStatus *st);
int store_rollout(Store *s, const StoreRollout *r);
/* A Kubernetes Event: involved object kind and name, Normal or Warning. */
int store_k8s_event(Store *s, double t, const char *kind, const char *name, const char *type,
                    const char *reason, const char *message);
/* A warning about the run (e.g. an update that overlaps an unfinished
 * rollout); daemonset may be NULL. */
int store_warning(Store *s, double t, const char *daemonset, const char *message);
/* A rollout plan's transition: its step (from 1; 0 before the first), what
 * happened (Started, StepUpgrade, BatchReady, StepPaused, AnalysisPassed,
 * AnalysisFailed, Aborted, RolledBack, Completed, ...) and the details. */
int store_plan_event(Store *s, double t, const char *daemonset, int64_t step, const char *what,
                     const char *detail);
/* Flushes buffered rows, fills in the run's end figures, builds the indexes
 * (first time only) and commits. On failure the run is rolled back, so a
 * following store_run_abort() is a harmless no-op. */
int store_run_commit(Store *s, const StoreRunEnd *end);
/* Discards everything written since store_run_begin(); a no-op when no run is
 * open. Not async-signal-safe: call it from the main loop, not a handler. */
void store_run_abort(Store *s);

/* ---- Sweeps (docs/cli.md `sweep`) ----
 *
 * store_sweep_begin() opens a transaction that lasts until store_sweep_commit()
 * or store_sweep_abort(); runs begun inside it nest as savepoints, so an
 * interrupted sweep leaves nothing. store_sweep_point() and store_sweep_run()
 * may also be called outside a sweep transaction, each then committing on its
 * own; a sweep_run row needs its sweep_point first in that case (inside a
 * sweep the check is deferred to the commit). A run that fails inside a sweep
 * rolls back the whole sweep (its rows are sent with INSERT OR ROLLBACK);
 * store_sweep_commit() then says so. */
typedef struct {
    const char *scenario;       /* metadata.name */
    uint64_t seeds;             /* runs per parameter point */
    const char *params;         /* JSON: {"vary": [{"key": K, "values": [...]}, ...],
                                   "set": {...}, "skipped": [points]} */
    const char *daemonset;      /* whose rollout the figures describe; NULL: none */
    bool bulk;                  /* many rows will be merged: until the sweep ends the file
                                   uses a rollback journal (if no other connection has it
                                   open), which writes them once instead of twice */
} StoreSweepInfo;

/* Summary of one figure over the runs of a point. NAN is stored as NULL
 * (e.g. stddev of one run). ci95 is the half-width of the 95% confidence
 * interval of the mean: the interval is mean +- ci95. */
typedef struct {
    double mean, stddev, ci95, p50, p90, p99;
} StoreSummary;

typedef struct {
    int64_t sweep_id;
    int64_t point;              /* 0-based index in the cartesian product */
    const char *params;         /* JSON object of this point's varied values */
    int64_t n;                  /* runs at this point */
    int64_t n_converged;        /* runs whose figure rollout completed; the store also
                                   writes not_converged = n - n_converged */
    StoreSummary converge;      /* time to converge, seconds (converged runs only) */
    StoreSummary peak_unavailable;          /* most pods unavailable at once */
    StoreSummary unavailable_pod_seconds;
    bool has_exposure;          /* false: the columns are NULL (no bad release) */
    StoreSummary exposure;      /* nodes that got a pod of a failing revision */
} StoreSweepPoint;

int store_sweep_begin(Store *s, const StoreSweepInfo *info, int64_t *sweep_id);
int store_sweep_point(Store *s, const StoreSweepPoint *p);
int store_sweep_run(Store *s, int64_t sweep_id, int64_t point, uint64_t seed, int64_t run_id);
/* Sets the sweep's status ("complete", "interrupted" or "incomplete") and
 * its wall-clock seconds (NAN: NULL). */
int store_sweep_status(Store *s, int64_t sweep_id, const char *status, double wall_seconds);

/* Merging (`sweep -j`): worker processes write their runs to databases of
 * their own, and the parent copies them in. Inside an open sweep,
 * store_merge_runs() attaches the sources that hold a listed run and copies
 * each listed run, in the order listed, with all its rows (in their original
 * order); ids[i] receives the new id of runs[i]. The order of the list alone
 * decides the result, so any split of the runs among sources gives the same
 * file. Sources stay attached (read-locked) until the sweep commits or
 * aborts. At most STORE_MERGE_MAX sources (SQLite's default limit of
 * attached databases). */
#define STORE_MERGE_MAX 10

typedef struct {
    size_t source;              /* index into paths */
    int64_t run_id;             /* the run's id in that file */
} StoreMergeRun;

int store_merge_runs(Store *s, const char *const *paths, size_t npaths,
                     const StoreMergeRun *runs, size_t nruns, int64_t *ids);

/* The figures of one run that a sweep point summarises: the last rollout of
 * `daemonset` (found = false when it had none), and when fail_revs lists
 * revisions (nfail > 0) the number of distinct nodes on which a pod of one
 * of them was created (else exposed = -1). */
typedef struct {
    bool found;
    StoreRollout rollout;       /* daemonset is NULL */
    int64_t exposed;
} StoreRunFigures;

int store_run_figures(Store *s, int64_t run_id, const char *daemonset, const int64_t *fail_revs,
                      size_t nfail, StoreRunFigures *out);
/* The same for many runs (ids ascending) in one pass over the rollouts;
 * out[i] describes run_ids[i]. */
int store_runs_figures(Store *s, const char *daemonset, const int64_t *run_ids, size_t n,
                       const int64_t *fail_revs, size_t nfail, StoreRunFigures *out);
/* Commits the sweep; fails (and rolls back) if a run is still open. */
int store_sweep_commit(Store *s);
void store_sweep_abort(Store *s);

/* ---- Resumable sweeps: short transactions ----
 *
 * A sweep that may be interrupted and resumed commits as it goes, so that
 * readers see it grow and nothing finished is ever lost.
 * store_sweep_create() commits the sweep row (status "incomplete") with a
 * row per point (n = 0 until the figures are written) and reserves nruns
 * consecutive run ids from *first_run_id: item j of the sweep becomes run
 * first_run_id + j whenever and by whichever process it finishes, so the
 * file does not depend on the order runs arrive in. Each run then comes in
 * from a source database in its own transaction (store_source_import), and
 * the figures at the end in one more (store_sweep_reopen, store_sweep_point,
 * which replaces a point's row, store_sweep_status, store_sweep_commit). */
int store_sweep_create(Store *s, const StoreSweepInfo *info, const StoreSweepPoint *points,
                       size_t npoints, int64_t nruns, int64_t *sweep_id, int64_t *first_run_id);
/* The newest sweep with the same scenario, seeds, params text and figure
 * DaemonSet; *sweep_id = 0 when there is none. */
int store_sweep_find(Store *s, const StoreSweepInfo *info, int64_t *sweep_id);
/* Reserves nruns more run ids (a resumed sweep whose range is unknown). */
int store_run_ids_reserve(Store *s, int64_t nruns, int64_t *first_run_id);
/* Opens a transaction on an existing sweep, for its points and status. */
int store_sweep_reopen(Store *s, int64_t sweep_id);
/* json_extract (drop false) or json_remove (drop true) of the sweep's params
 * at a JSON path; *out is NULL for a missing value. */
int store_sweep_json(Store *s, Arena *a, int64_t sweep_id, const char *path, bool drop,
                     const char **out);

/* json_extract of one sweep point's params at a JSON path (NULL: missing). */
int store_sweep_point_json(Store *s, Arena *a, int64_t sweep_id, int64_t point, const char *path,
                           const char **out);

/* A source database attached (as ds_source) for imports; *only_run is its
 * run's id if it holds exactly one run, else 0. Not inside a transaction. */
int store_source_attach(Store *s, const char *path, int64_t *only_run);

typedef struct {
    int64_t src_run;            /* the run's id in the source */
    int64_t run_id;             /* its id here (0: the next free id) */
    int64_t sweep_id, point;    /* its sweep_run row */
    uint64_t seed;
    const char *params;         /* non-NULL: the source run must have this params text
                                   and seed, or nothing is imported */
} StoreImport;

/* Copies one run of the source, rows and all, and its sweep_run row, in one
 * transaction. */
int store_source_import(Store *s, const StoreImport *imp);
void store_source_detach(Store *s);

/* ---- Reading (report, plot, tests) ----
 *
 * A read-only handle never creates or changes the file: a missing file, a
 * file that is not a database and a database not written by daemonsim are all
 * errors. The list functions put their rows and every string in *a, which
 * the caller frees; a failure leaves *a holding whatever was read so far. */
Store *store_open_readonly(const char *path, char *err, size_t errlen);

typedef struct {
    int64_t id;
    const char *scenario;
    uint64_t seed;
    const char *params;         /* compact JSON */
    const char *started_at;     /* UTC ISO-8601 */
    double sim_seconds, wall_seconds;   /* NAN if missing */
    int64_t events;
    int64_t expect_failures;
    const char *version;
} StoreRunRow;

/* Every run, by id. */
int store_list_runs(Store *s, Arena *a, StoreRunRow **rows, size_t *n);
/* One run; *found tells whether it exists. */
int store_get_run(Store *s, Arena *a, int64_t id, StoreRunRow *row, bool *found);
/* A run's rollouts by start time; completed < 0 when it did not complete. */
int store_list_rollouts(Store *s, Arena *a, int64_t run_id, StoreRollout **rows, size_t *n);

/* A rollout plan's transition (rollout_plan_event); detail may be NULL. */
typedef struct {
    const char *daemonset;
    int64_t step;
    const char *what;
    double t;
    const char *detail;
} StorePlanEvent;

/* Each plan's latest transition in a run, by DaemonSet name (none before schema 4). */
int store_list_plan_last(Store *s, Arena *a, int64_t run_id, StorePlanEvent **rows, size_t *n);
/* Every sweep point, by sweep and point. */
int store_list_sweep_points(Store *s, Arena *a, StoreSweepPoint **rows, size_t *n);

typedef struct {
    int64_t id;
    const char *scenario;
    int64_t seeds;
    const char *created_at;     /* UTC ISO-8601 */
    const char *params;         /* compact JSON */
    const char *daemonset;      /* NULL if not recorded */
    const char *status;         /* complete, interrupted or incomplete */
    double wall_seconds;        /* NAN if not recorded */
} StoreSweepRow;

/* Every sweep, by id. */
int store_list_sweeps(Store *s, Arena *a, StoreSweepRow **rows, size_t *n);

typedef struct {
    int64_t point;
    uint64_t seed;
    int64_t run_id;
} StoreSweepRun;

/* The runs of one sweep, by point and run id. */
int store_list_sweep_runs(Store *s, Arena *a, int64_t sweep_id, StoreSweepRun **rows, size_t *n);

typedef struct {
    int64_t point;
    int64_t run_id;
    StoreRollout rollout;       /* daemonset is NULL */
} StoreSweepRollout;

/* Every rollout of `daemonset` in the runs of one sweep, by point, run and
 * start: what figures of a rollout other than the last are computed from. */
int store_sweep_rollouts(Store *s, Arena *a, int64_t sweep_id, const char *daemonset,
                         StoreSweepRollout **rows, size_t *n);

/* One --vary key of a sweep and its values as text, in command-line order. */
typedef struct {
    const char *key;
    const char **values;
    size_t nvalues;
    size_t first;               /* internal */
} StoreVary;

/* The varied keys of a sweep (none for a sweep whose params lack them). */
int store_sweep_vary(Store *s, Arena *a, int64_t sweep_id, StoreVary **keys, size_t *n);

/* One ds_status sample, reduced to what the charts draw. */
typedef struct {
    double t;
    int64_t desired, unavailable;
    int64_t updated_available;  /* from before schema 2: available - (current - updated) */
} StoreStatusSample;

/* The status samples of one DaemonSet in one run, by time. */
int store_status_series(Store *s, Arena *a, int64_t run_id, const char *daemonset,
                        StoreStatusSample **rows, size_t *n);

/* ---- The cluster at a simulated time (report --at) ----
 *
 * The rows of one run up to and including time `until` (simulated seconds),
 * in the order they were written, handed one at a time to a callback; the
 * strings live only during the call. A file older than the k8s_event table
 * has no Events: the callback is never called. */
typedef struct {
    double t;
    const char *daemonset, *pod, *node;     /* node may be NULL */
    int64_t revision;
    const char *phase;
} StorePodEventRow;

typedef struct {
    double t;
    const char *node, *kind, *detail;       /* detail may be NULL */
} StoreNodeEventRow;

typedef struct {
    double t;
    const char *kind, *name, *type, *reason, *message;
} StoreK8sEventRow;

int store_each_pod_event(Store *s, int64_t run_id, double until,
                         void (*fn)(void *ctx, const StorePodEventRow *row), void *ctx);
int store_each_node_event(Store *s, int64_t run_id, double until,
                          void (*fn)(void *ctx, const StoreNodeEventRow *row), void *ctx);
int store_each_k8s_event(Store *s, int64_t run_id, double until,
                         void (*fn)(void *ctx, const StoreK8sEventRow *row), void *ctx);

/* Each DaemonSet's last status sample at or before `until`, by name. */
typedef struct {
    const char *daemonset;
    double t;                   /* of that sample */
    double first;               /* the DaemonSet's first sample: its age */
    StoreStatus status;
} StoreStatusRow;

int store_status_at(Store *s, Arena *a, int64_t run_id, double until, StoreStatusRow **rows,
                    size_t *n);
/* The newest run's id, or 0 when the file holds none. */
int store_last_run(Store *s, int64_t *run_id);

/* Test and debugging aid: runs one read-only SQL statement and returns its
 * rows as text, columns joined by '|', one line per row, NULL as empty (the
 * sqlite3 shell's list mode). *out is malloc'd; the caller frees it. */
int store_query(Store *s, const char *sql, char **out);

#endif

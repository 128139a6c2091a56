/* store_read.c: the read side (report, plot and tests), so that no other
 * file needs <sqlite3.h>. Every list is one prepared query whose rows a
 * reader function turns into structs, gathered by list_rows(). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

static const char *col_text(sqlite3_stmt *st, int i, Arena *a)
{
    const unsigned char *v = sqlite3_column_text(st, i);
    return v ? arena_strndup(a, (const char *)v, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

static double col_real(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? (double)NAN : sqlite3_column_double(st, i);
}

/* Reads one result row into the struct at row; strings go to the arena. */
typedef void (*RowReader)(sqlite3_stmt *st, Arena *a, void *row);

/* Steps a bound query to its end, one struct of `size` bytes per row, and
 * hands the rows back in one arena block (NULL when there are none). On a
 * failure the rows read so far are returned with -1. */
static int list_rows(Store *s, sqlite3_stmt *st, Arena *a, size_t size, RowReader read,
                     void *rows_out, size_t *n)
{
    VEC(unsigned char) buf = {0};
    size_t count = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        VEC_RESERVE(buf, (count + 1) * size);
        memset(buf.v + count * size, 0, size);
        read(st, a, buf.v + count * size);
        count++;
    }
    if (rc != SQLITE_DONE) store_set_db_error(s);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    void *rows = NULL;
    if (count > 0) {
        rows = arena_alloc(a, count * size);
        memcpy(rows, buf.v, count * size);
    }
    VEC_FREE(buf);
    memcpy(rows_out, &rows, sizeof rows);
    *n = count;
    return rc == SQLITE_DONE ? 0 : -1;
}

/* The statement for a list, or NULL (with the output emptied) on failure. */
static sqlite3_stmt *list_stmt(Store *s, int id, void *rows_out, size_t *n)
{
    void *none = NULL;
    memcpy(rows_out, &none, sizeof none);
    *n = 0;
    return stmt_get(s, id);
}

static void read_run(sqlite3_stmt *st, Arena *a, void *row)
{
    StoreRunRow *r = row;
    r->id = sqlite3_column_int64(st, 0);
    r->scenario = col_text(st, 1, a);
    r->seed = (uint64_t)sqlite3_column_int64(st, 2);
    r->params = col_text(st, 3, a);
    r->started_at = col_text(st, 4, a);
    r->sim_seconds = col_real(st, 5);
    r->wall_seconds = col_real(st, 6);
    r->events = sqlite3_column_int64(st, 7);
    r->expect_failures = sqlite3_column_int64(st, 8);
    r->version = col_text(st, 9, a);
}

int store_list_runs(Store *s, Arena *a, StoreRunRow **rows, size_t *n)
{
    sqlite3_stmt *st = list_stmt(s, ST_RUN_LIST, rows, n);
    return st ? list_rows(s, st, a, sizeof **rows, read_run, rows, n) : -1;
}

int store_get_run(Store *s, Arena *a, int64_t id, StoreRunRow *row, bool *found)
{
    StoreRunRow *rows;
    size_t n;
    *found = false;
    sqlite3_stmt *st = list_stmt(s, ST_RUN_GET, &rows, &n);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = list_rows(s, st, a, sizeof *rows, read_run, &rows, &n);
    if (n > 0) {
        *row = rows[0];
        *found = true;
    }
    return rc;
}

static void read_rollout(sqlite3_stmt *st, Arena *a, void *row)
{
    StoreRollout *r = row;
    r->daemonset = col_text(st, 0, a);
    r->revision = sqlite3_column_int64(st, 1);
    r->started = sqlite3_column_double(st, 2);
    r->completed = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1.0 : sqlite3_column_double(st, 3);
    r->max_unavailable = sqlite3_column_int64(st, 4);
    r->unavailable_pod_seconds = sqlite3_column_double(st, 5);
}

int store_list_rollouts(Store *s, Arena *a, int64_t run_id, StoreRollout **rows, size_t *n)
{
    sqlite3_stmt *st = list_stmt(s, ST_ROLLOUT_LIST, rows, n);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, run_id);
    return list_rows(s, st, a, sizeof **rows, read_rollout, rows, n);
}

static void read_plan_event(sqlite3_stmt *st, Arena *a, void *row)
{
    StorePlanEvent *r = row;
    r->daemonset = col_text(st, 0, a);
    r->step = sqlite3_column_int64(st, 1);
    r->what = col_text(st, 2, a);
    r->t = sqlite3_column_double(st, 3);
    r->detail = col_text(st, 4, a);
}

int store_list_plan_last(Store *s, Arena *a, int64_t run_id, StorePlanEvent **rows, size_t *n)
{
    if (s->version < 4) {
        *rows = NULL;
        *n = 0;
        return 0;
    }
    sqlite3_stmt *st = list_stmt(s, ST_PLAN_LAST, rows, n);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, run_id);
    return list_rows(s, st, a, sizeof **rows, read_plan_event, rows, n);
}

static void read_summary(sqlite3_stmt *st, int first, StoreSummary *m)
{
    m->mean = col_real(st, first);
    m->stddev = col_real(st, first + 1);
    m->ci95 = col_real(st, first + 2);
    m->p50 = col_real(st, first + 3);
    m->p90 = col_real(st, first + 4);
    m->p99 = col_real(st, first + 5);
}

static void read_point(sqlite3_stmt *st, Arena *a, void *row)
{
    StoreSweepPoint *p = row;
    p->sweep_id = sqlite3_column_int64(st, 0);
    p->point = sqlite3_column_int64(st, 1);
    p->params = col_text(st, 2, a);
    p->n = sqlite3_column_int64(st, 3);
    p->n_converged = sqlite3_column_int64(st, 4);
    read_summary(st, 5, &p->converge);
    read_summary(st, 11, &p->peak_unavailable);
    read_summary(st, 17, &p->unavailable_pod_seconds);
    read_summary(st, 23, &p->exposure);
    p->has_exposure = !isnan(p->exposure.mean);
}

int store_list_sweep_points(Store *s, Arena *a, StoreSweepPoint **rows, size_t *n)
{
    sqlite3_stmt *st = list_stmt(s, ST_SWEEP_POINT_LIST, rows, n);
    return st ? list_rows(s, st, a, sizeof **rows, read_point, rows, n) : -1;
}

static void read_sweep(sqlite3_stmt *st, Arena *a, void *row)
{
    StoreSweepRow *r = row;
    r->id = sqlite3_column_int64(st, 0);
    r->scenario = col_text(st, 1, a);
    r->seeds = sqlite3_column_int64(st, 2);
    r->created_at = col_text(st, 3, a);
    r->params = col_text(st, 4, a);
    r->daemonset = col_text(st, 5, a);
    r->status = col_text(st, 6, a);
    r->wall_seconds = col_real(st, 7);
}

int store_list_sweeps(Store *s, Arena *a, StoreSweepRow **rows, size_t *n)
{
    sqlite3_stmt *st = list_stmt(s, ST_SWEEP_LIST, rows, n);
    return st ? list_rows(s, st, a, sizeof **rows, read_sweep, rows, n) : -1;
}

static void read_sweep_run(sqlite3_stmt *st, Arena *a, void *row)
{
    (void)a;
    StoreSweepRun *r = row;
    r->point = sqlite3_column_int64(st, 0);
    r->seed = (uint64_t)sqlite3_column_int64(st, 1);
    r->run_id = sqlite3_column_int64(st, 2);
}

int store_list_sweep_runs(Store *s, Arena *a, int64_t sweep_id, StoreSweepRun **rows, size_t *n)
{
    sqlite3_stmt *st = list_stmt(s, ST_SWEEP_RUN_LIST, rows, n);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, sweep_id);
    return list_rows(s, st, a, sizeof **rows, read_sweep_run, rows, n);
}

static void read_sweep_rollout(sqlite3_stmt *st, Arena *a, void *row)
{
    (void)a;
    StoreSweepRollout *r = row;
    r->point = sqlite3_column_int64(st, 0);
    r->run_id = sqlite3_column_int64(st, 1);
    r->rollout.revision = sqlite3_column_int64(st, 2);
    r->rollout.started = sqlite3_column_double(st, 3);
    r->rollout.completed =
        sqlite3_column_type(st, 4) == SQLITE_NULL ? -1.0 : sqlite3_column_double(st, 4);
    r->rollout.max_unavailable = sqlite3_column_int64(st, 5);
    r->rollout.unavailable_pod_seconds = sqlite3_column_double(st, 6);
}

int store_sweep_rollouts(Store *s, Arena *a, int64_t sweep_id, const char *daemonset,
                         StoreSweepRollout **rows, size_t *n)
{
    sqlite3_stmt *st = list_stmt(s, ST_SWEEP_ROLLOUTS, rows, n);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, sweep_id);
    sqlite3_bind_text(st, 2, daemonset, -1, SQLITE_TRANSIENT);
    return list_rows(s, st, a, sizeof **rows, read_sweep_rollout, rows, n);
}

/* One (key, value) row of a sweep's --vary lists. */
typedef struct {
    const char *key, *value;
} VaryPair;

static void read_vary_pair(sqlite3_stmt *st, Arena *a, void *row)
{
    VaryPair *p = row;
    p->key = col_text(st, 0, a);
    p->value = col_text(st, 1, a);
}

/* Rows come as (key, value), grouped by key in command-line order. */
int store_sweep_vary(Store *s, Arena *a, int64_t sweep_id, StoreVary **keys, size_t *n)
{
    VaryPair *pairs;
    size_t np;
    sqlite3_stmt *st = list_stmt(s, ST_SWEEP_VARY, keys, n);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, sweep_id);
    int rc = list_rows(s, st, a, sizeof *pairs, read_vary_pair, &pairs, &np);
    const char **values = np ? arena_alloc(a, np * sizeof *values) : NULL;
    VEC(StoreVary) vary = {0};
    size_t nv = 0;
    for (size_t i = 0; i < np; i++) {
        if (!pairs[i].key) continue;
        if (vary.n == 0 || strcmp(vary.v[vary.n - 1].key, pairs[i].key) != 0) {
            StoreVary v = {.key = pairs[i].key, .values = values + nv};
            VEC_PUSH(vary, v);
        }
        values[nv++] = pairs[i].value ? pairs[i].value : "null";
        vary.v[vary.n - 1].nvalues++;
    }
    if (vary.n > 0) {
        *keys = arena_alloc(a, vary.n * sizeof **keys);
        memcpy(*keys, vary.v, vary.n * sizeof **keys);
    }
    *n = vary.n;
    VEC_FREE(vary);
    return rc;
}

static void read_sample(sqlite3_stmt *st, Arena *a, void *row)
{
    (void)a;
    StoreStatusSample *r = row;
    r->t = sqlite3_column_double(st, 0);
    r->desired = sqlite3_column_int64(st, 1);
    r->unavailable = sqlite3_column_int64(st, 2);
    r->updated_available = sqlite3_column_int64(st, 3);
}

int store_status_series(Store *s, Arena *a, int64_t run_id, const char *daemonset,
                        StoreStatusSample **rows, size_t *n)
{
    sqlite3_stmt *st = list_stmt(s, ST_STATUS_SERIES, rows, n);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_text(st, 2, daemonset, -1, SQLITE_TRANSIENT);
    return list_rows(s, st, a, sizeof **rows, read_sample, rows, n);
}

int store_query(Store *s, const char *sql, char **out)
{
    *out = NULL;
    sqlite3_stmt *st;
    const char *tail = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, &tail) != SQLITE_OK) {
        store_set_db_error(s);
        return -1;
    }
    if (!st || !sqlite3_stmt_readonly(st) || (tail && tail[strspn(tail, " \t\r\n;")])) {
        store_set_error(s, "store_query takes exactly one read-only statement");
        sqlite3_finalize(st);
        return -1;
    }
    VEC(char) text = {0};
    int ncols = sqlite3_column_count(st), rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < ncols; i++) {
            const char *v = (const char *)sqlite3_column_text(st, i);
            size_t len = v ? (size_t)sqlite3_column_bytes(st, i) : 0;
            VEC_RESERVE(text, text.n + len + 2);
            if (i) text.v[text.n++] = '|';
            memcpy(text.v + text.n, v ? v : "", len);
            text.n += len;
        }
        VEC_PUSH(text, '\n');
    }
    if (rc != SQLITE_DONE) store_set_db_error(s);
    sqlite3_finalize(st);
    VEC_PUSH(text, '\0');
    if (rc != SQLITE_DONE) {
        VEC_FREE(text);
        return -1;
    }
    *out = text.v;
    return 0;
}


/* ---- the cluster at a simulated time ---- */

static const char *col_str(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

/* Steps a bound statement, calling `row` for each result row. */
static int each_row(Store *s, sqlite3_stmt *st, void (*row)(sqlite3_stmt *st, void *ctx),
                    void *ctx)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) row(st, ctx);
    if (rc != SQLITE_DONE) store_set_db_error(s);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static sqlite3_stmt *until_stmt(Store *s, int id, int64_t run_id, double until)
{
    sqlite3_stmt *st = stmt_get(s, id);
    if (!st) return NULL;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_double(st, 2, until);
    return st;
}

typedef struct {
    void (*fn)(void *ctx, const StorePodEventRow *row);
    void *ctx;
} PodEach;

typedef struct {
    void (*fn)(void *ctx, const StoreNodeEventRow *row);
    void *ctx;
} NodeEach;

typedef struct {
    void (*fn)(void *ctx, const StoreK8sEventRow *row);
    void *ctx;
} K8sEach;

static void pod_row(sqlite3_stmt *st, void *ctx)
{
    const PodEach *e = ctx;
    StorePodEventRow r = {sqlite3_column_double(st, 0), col_str(st, 1), col_str(st, 2),
                          col_str(st, 3), sqlite3_column_int64(st, 4), col_str(st, 5)};
    e->fn(e->ctx, &r);
}

static void node_row(sqlite3_stmt *st, void *ctx)
{
    const NodeEach *e = ctx;
    StoreNodeEventRow r = {sqlite3_column_double(st, 0), col_str(st, 1), col_str(st, 2),
                           col_str(st, 3)};
    e->fn(e->ctx, &r);
}

static void k8s_row(sqlite3_stmt *st, void *ctx)
{
    const K8sEach *e = ctx;
    StoreK8sEventRow r = {sqlite3_column_double(st, 0), col_str(st, 1), col_str(st, 2),
                          col_str(st, 3), col_str(st, 4), col_str(st, 5)};
    e->fn(e->ctx, &r);
}

int store_each_pod_event(Store *s, int64_t run_id, double until,
                         void (*fn)(void *ctx, const StorePodEventRow *row), void *ctx)
{
    sqlite3_stmt *st = until_stmt(s, ST_POD_EVENTS_UNTIL, run_id, until);
    PodEach e = {fn, ctx};
    return st ? each_row(s, st, pod_row, &e) : -1;
}

int store_each_node_event(Store *s, int64_t run_id, double until,
                          void (*fn)(void *ctx, const StoreNodeEventRow *row), void *ctx)
{
    sqlite3_stmt *st = until_stmt(s, ST_NODE_EVENTS_UNTIL, run_id, until);
    NodeEach e = {fn, ctx};
    return st ? each_row(s, st, node_row, &e) : -1;
}

int store_each_k8s_event(Store *s, int64_t run_id, double until,
                         void (*fn)(void *ctx, const StoreK8sEventRow *row), void *ctx)
{
    if (s->version < 3) return 0;
    sqlite3_stmt *st = until_stmt(s, ST_K8S_EVENTS_UNTIL, run_id, until);
    K8sEach e = {fn, ctx};
    return st ? each_row(s, st, k8s_row, &e) : -1;
}

static void read_status_at(sqlite3_stmt *st, Arena *a, void *row)
{
    StoreStatusRow *r = row;
    r->daemonset = col_text(st, 0, a);
    r->t = sqlite3_column_double(st, 1);
    r->first = sqlite3_column_double(st, 2);
    StoreStatus *v = &r->status;
    v->desired = sqlite3_column_int64(st, 3);
    v->current = sqlite3_column_int64(st, 4);
    v->ready = sqlite3_column_int64(st, 5);
    v->updated = sqlite3_column_int64(st, 6);
    v->available = sqlite3_column_int64(st, 7);
    v->unavailable = sqlite3_column_int64(st, 8);
    v->misscheduled = sqlite3_column_int64(st, 9);
    v->updated_available = sqlite3_column_int64(st, 10);
}

int store_status_at(Store *s, Arena *a, int64_t run_id, double until, StoreStatusRow **rows,
                    size_t *n)
{
    sqlite3_stmt *st = list_stmt(s, ST_STATUS_AT, rows, n);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_double(st, 2, until);
    return list_rows(s, st, a, sizeof **rows, read_status_at, rows, n);
}

int store_last_run(Store *s, int64_t *run_id)
{
    *run_id = 0;
    sqlite3_stmt *st = stmt_get(s, ST_LAST_RUN);
    if (!st) return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *run_id = sqlite3_column_int64(st, 0);
    else store_set_db_error(s);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* store_sweep.c: sweeps (a sweep row, its points and its runs), the merge
 * of runs from other databases, and the per-run figures a point summarises. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemonsim/cluster.h"
#include "store_int.h"

/* ---- sweeps ---- */

int store_sweep_begin(Store *s, const StoreSweepInfo *info, int64_t *sweep_id)
{
    if (s->readonly) {
        store_set_error(s, "database is open read-only");
        return -1;
    }
    if (s->sweep_open || s->run_open) {
        store_set_error(s, "a %s is already in progress", s->sweep_open ? "sweep" : "run");
        return -1;
    }
    s->sweep_lost = false;
    if (!info->scenario) {
        store_set_error(s, "sweep has no scenario name");
        return -1;
    }
    /* A merge of many runs is written once, not twice (bulk_begin;
     * measured: a third less time for 10,000-node runs). */
    if (info->bulk) bulk_begin(s);
    if (stmt_exec(s, ST_BEGIN) < 0) {
        bulk_end(s);
        return -1;
    }
    sqlite3_stmt *st = stmt_get(s, ST_SWEEP_INSERT);
    if (!st) goto fail;
    sqlite3_bind_text(st, 1, info->scenario, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)info->seeds);
    sqlite3_bind_text(st, 3, info->params ? info->params : "{}", -1, SQLITE_TRANSIENT);
    if (info->daemonset) sqlite3_bind_text(st, 4, info->daemonset, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(st, 4);
    if (stmt_done(s, st) < 0) goto fail;
    *sweep_id = sqlite3_last_insert_rowid(s->db);
    s->sweep_open = true;
    return 0;
fail:
    if (!sqlite3_get_autocommit(s->db)) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    bulk_end(s);
    return -1;
}

static void bind_summary(sqlite3_stmt *st, int first, const StoreSummary *m)
{
    bind_real_or_null(st, first, m->mean);
    bind_real_or_null(st, first + 1, m->stddev);
    bind_real_or_null(st, first + 2, m->ci95);
    bind_real_or_null(st, first + 3, m->p50);
    bind_real_or_null(st, first + 4, m->p90);
    bind_real_or_null(st, first + 5, m->p99);
}

int store_sweep_point(Store *s, const StoreSweepPoint *p)
{
    sqlite3_stmt *st = stmt_get(s, ST_SWEEP_POINT);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, p->sweep_id);
    sqlite3_bind_int64(st, 2, p->point);
    sqlite3_bind_text(st, 3, p->params ? p->params : "{}", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, p->n);
    sqlite3_bind_int64(st, 5, p->n_converged);
    bind_summary(st, 6, &p->converge);
    bind_summary(st, 12, &p->peak_unavailable);
    bind_summary(st, 18, &p->unavailable_pod_seconds);
    if (p->has_exposure) {
        bind_summary(st, 24, &p->exposure);
    } else {
        for (int i = 24; i < 30; i++) sqlite3_bind_null(st, i);
    }
    return stmt_done(s, st);
}

int store_sweep_run(Store *s, int64_t sweep_id, int64_t point, uint64_t seed, int64_t run_id)
{
    sqlite3_stmt *st = stmt_get(s, ST_SWEEP_RUN);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, sweep_id);
    sqlite3_bind_int64(st, 2, point);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)seed);
    sqlite3_bind_int64(st, 4, run_id);
    return stmt_done(s, st);
}

/* Merge sources stay attached until the sweep's transaction ends: SQLite
 * holds a read lock on each until then and refuses to detach it. */
static void detach_sources(Store *s)
{
    char sql[64];
    for (int i = 0; i < s->nattached; i++) {
        snprintf(sql, sizeof sql, "DETACH ds_merge_%d", i);
        sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    }
    s->nattached = 0;
}

int store_sweep_status(Store *s, int64_t sweep_id, const char *status, double wall_seconds)
{
    sqlite3_stmt *st = stmt_get(s, ST_SWEEP_STATUS);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, sweep_id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_TRANSIENT);
    bind_real_or_null(st, 3, wall_seconds);
    return stmt_done(s, st);
}

int store_sweep_commit(Store *s)
{
    if (!s->sweep_open) {
        store_set_error(s, s->sweep_lost ? "the sweep was rolled back when one of its runs failed"
                                         : "no sweep in progress");
        s->sweep_lost = false;
        return -1;
    }
    if (s->run_open) {
        store_set_error(s, "run %lld is still in progress", (long long)s->run_id);
        store_sweep_abort(s);
        return -1;
    }
    if (stmt_exec(s, ST_COMMIT) < 0) {
        /* e.g. a deferred foreign key: a sweep_run without its point */
        store_sweep_abort(s);
        return -1;
    }
    s->sweep_open = false;
    detach_sources(s);
    bulk_end(s);
    return 0;
}

void store_sweep_abort(Store *s)
{
    if (!s || !s->sweep_open) return;
    if (s->run_open) run_rollback(s);
    s->sweep_open = false;
    if (!sqlite3_get_autocommit(s->db)) {
        char keep[STORE_ERR_MAX];
        memcpy(keep, s->err, sizeof keep);
        if (stmt_exec(s, ST_ROLLBACK) == 0) memcpy(s->err, keep, sizeof keep);
    }
    detach_sources(s);
    bulk_end(s);
}

static void read_figure_rollout(sqlite3_stmt *st, int first, StoreRollout *r)
{
    r->daemonset = NULL;
    r->revision = sqlite3_column_int64(st, first);
    r->started = sqlite3_column_double(st, first + 1);
    r->completed = sqlite3_column_type(st, first + 2) == SQLITE_NULL
                       ? -1.0
                       : sqlite3_column_double(st, first + 2);
    r->max_unavailable = sqlite3_column_int64(st, first + 3);
    r->unavailable_pod_seconds = sqlite3_column_double(st, first + 4);
}

/* Distinct nodes that got a pod of one of the failing revisions. */
static int run_exposure(Store *s, int64_t run_id, const char *daemonset, const int64_t *fail_revs,
                        size_t nfail, int64_t *exposed)
{
    /* the failing revisions as a JSON array, for json_each */
    char revs[512];
    size_t w = 0;
    for (size_t i = 0; i < nfail && w < sizeof revs - 24; i++)
        w += (size_t)snprintf(revs + w, sizeof revs - w, "%s%lld", i ? "," : "[",
                              (long long)fail_revs[i]);
    snprintf(revs + w, sizeof revs - w, "]");
    sqlite3_stmt *st = stmt_get(s, ST_EXPOSURE);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_text(st, 2, daemonset, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, revs, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, pod_event_name(PE_CREATED), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, pod_event_name(PE_IN_PLACE_UPDATE), -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *exposed = sqlite3_column_int64(st, 0);
    else store_set_db_error(s);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

int store_run_figures(Store *s, int64_t run_id, const char *daemonset, const int64_t *fail_revs,
                      size_t nfail, StoreRunFigures *out)
{
    memset(out, 0, sizeof *out);
    out->exposed = -1;
    sqlite3_stmt *st = stmt_get(s, ST_FIGURE_ROLLOUT);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_text(st, 2, daemonset, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->found = true;
        read_figure_rollout(st, 0, &out->rollout);
        rc = sqlite3_step(st);
    }
    if (rc != SQLITE_DONE) store_set_db_error(s);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE) return -1;
    return nfail == 0 ? 0 : run_exposure(s, run_id, daemonset, fail_revs, nfail, &out->exposed);
}

/* One pass over the rollout table for many runs: asking run by run would
 * scan it once per run (it has no index), which grows with the square of
 * a sweep's size. */
int store_runs_figures(Store *s, const char *daemonset, const int64_t *run_ids, size_t n,
                       const int64_t *fail_revs, size_t nfail, StoreRunFigures *out)
{
    for (size_t i = 0; i < n; i++) out[i] = (StoreRunFigures){.exposed = -1};
    if (n == 0) return 0;
    sqlite3_stmt *st = stmt_get(s, ST_FIGURE_ROLLOUTS);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, daemonset, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, run_ids[0]);
    sqlite3_bind_int64(st, 3, run_ids[n - 1]);
    /* rows by run, then start: the last row of a run is its figure rollout */
    size_t i = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t run = sqlite3_column_int64(st, 0);
        while (i < n && run_ids[i] < run) i++;
        if (i == n) break;
        if (run_ids[i] != run) continue;
        out[i].found = true;
        read_figure_rollout(st, 1, &out[i].rollout);
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) store_set_db_error(s);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return -1;
    for (size_t k = 0; k < n && nfail > 0; k++)
        if (run_exposure(s, run_ids[k], daemonset, fail_revs, nfail, &out[k].exposed) < 0)
            return -1;
    return 0;
}

/* ---- resumable sweeps ---- */

static int run_ids_reserve(Store *s, int64_t nruns, int64_t *first)
{
    sqlite3_stmt *st = stmt_get(s, ST_RUN_ID_NEXT);
    if (!st) return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *first = sqlite3_column_int64(st, 0);
    else store_set_db_error(s);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW) return -1;
    if (nruns == 0) return 0;
    /* AUTOINCREMENT never hands out an id at or below sqlite_sequence's, so
     * a run written meanwhile (another sweep, `daemonsim run`) goes above
     * the range */
    for (int id = ST_RUN_ID_RESERVE; id <= ST_RUN_ID_RESERVE_NEW; id++) {
        st = stmt_get(s, id);
        if (!st) return -1;
        sqlite3_bind_int64(st, 1, *first + nruns - 1);
        if (stmt_done(s, st) < 0) return -1;
    }
    return 0;
}

static int tx_fail(Store *s)
{
    char keep[STORE_ERR_MAX];
    memcpy(keep, s->err, sizeof keep);
    if (!sqlite3_get_autocommit(s->db)) stmt_exec(s, ST_ROLLBACK);
    memcpy(s->err, keep, sizeof keep);
    return -1;
}

int store_sweep_create(Store *s, const StoreSweepInfo *info, const StoreSweepPoint *points,
                       size_t npoints, int64_t nruns, int64_t *sweep_id, int64_t *first_run_id)
{
    if (s->readonly || s->sweep_open || s->run_open) {
        store_set_error(s, "cannot start a sweep now");
        return -1;
    }
    if (stmt_exec(s, ST_BEGIN) < 0) return -1;
    sqlite3_stmt *st = stmt_get(s, ST_SWEEP_INSERT);
    if (!st) return tx_fail(s);
    sqlite3_bind_text(st, 1, info->scenario, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)info->seeds);
    sqlite3_bind_text(st, 3, info->params ? info->params : "{}", -1, SQLITE_TRANSIENT);
    if (info->daemonset) sqlite3_bind_text(st, 4, info->daemonset, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(st, 4);
    if (stmt_done(s, st) < 0) return tx_fail(s);
    *sweep_id = sqlite3_last_insert_rowid(s->db);
    if (store_sweep_status(s, *sweep_id, "incomplete", (double)NAN) < 0) return tx_fail(s);
    for (size_t i = 0; i < npoints; i++) {
        StoreSweepPoint p = points[i];
        p.sweep_id = *sweep_id;
        if (store_sweep_point(s, &p) < 0) return tx_fail(s);
    }
    if (run_ids_reserve(s, nruns, first_run_id) < 0 || stmt_exec(s, ST_COMMIT) < 0)
        return tx_fail(s);
    return 0;
}

int store_sweep_find(Store *s, const StoreSweepInfo *info, int64_t *sweep_id)
{
    *sweep_id = 0;
    sqlite3_stmt *st = stmt_get(s, ST_SWEEP_FIND);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, info->scenario, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)info->seeds);
    sqlite3_bind_text(st, 3, info->params ? info->params : "{}", -1, SQLITE_TRANSIENT);
    if (info->daemonset) sqlite3_bind_text(st, 4, info->daemonset, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(st, 4);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *sweep_id = sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_DONE) store_set_db_error(s);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int store_run_ids_reserve(Store *s, int64_t nruns, int64_t *first_run_id)
{
    if (stmt_exec(s, ST_BEGIN) < 0) return -1;
    if (run_ids_reserve(s, nruns, first_run_id) < 0 || stmt_exec(s, ST_COMMIT) < 0)
        return tx_fail(s);
    return 0;
}

int store_sweep_reopen(Store *s, int64_t sweep_id)
{
    (void)sweep_id;
    if (s->readonly || s->sweep_open || s->run_open) {
        store_set_error(s, "cannot reopen a sweep now");
        return -1;
    }
    if (stmt_exec(s, ST_BEGIN) < 0) return -1;
    s->sweep_open = true;
    s->sweep_lost = false;
    return 0;
}

/* Steps a prepared one-value query, copies its text (NULL: none) and
 * finalizes it. */
static int one_text(Store *s, Arena *a, sqlite3_stmt *st, const char **out)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
        *out = arena_strdup(a, (const char *)sqlite3_column_text(st, 0));
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) store_set_db_error(s);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int store_sweep_json(Store *s, Arena *a, int64_t sweep_id, const char *path, bool drop,
                     const char **out)
{
    *out = NULL;
    sqlite3_stmt *st;
    const char *sql = drop ? "SELECT json_remove(params, ?2) FROM sweep WHERE id = ?1"
                           : "SELECT json_extract(params, ?2) FROM sweep WHERE id = ?1";
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        store_set_db_error(s);
        return -1;
    }
    sqlite3_bind_int64(st, 1, sweep_id);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_TRANSIENT);
    return one_text(s, a, st, out);
}

int store_sweep_point_json(Store *s, Arena *a, int64_t sweep_id, int64_t point, const char *path,
                           const char **out)
{
    *out = NULL;
    sqlite3_stmt *st;
    const char *sql = "SELECT json_extract(params, ?3) FROM sweep_point "
                      "WHERE sweep_id = ?1 AND point = ?2";
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        store_set_db_error(s);
        return -1;
    }
    sqlite3_bind_int64(st, 1, sweep_id);
    sqlite3_bind_int64(st, 2, point);
    sqlite3_bind_text(st, 3, path, -1, SQLITE_TRANSIENT);
    return one_text(s, a, st, out);
}

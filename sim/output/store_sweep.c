/* store_sweep.c: sweeps (a sweep row, its points and its runs), the merge
 * of runs from other databases, and the per-run figures a point summarises. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* ---- sweeps ---- */

static void end_bulk(Store *s);

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
    /* A merge of many runs written through the WAL is written twice (WAL,
     * then checkpoint); a rollback journal only records the few existing
     * pages that change, since the merged rows go to new pages (measured:
     * a third less time for 10,000-node runs). SQLite switches only when no
     * other connection has the file open; otherwise it stays in WAL. */
    if (info->bulk && !s->memory) {
        exec_sql(s, "PRAGMA journal_mode = DELETE");
        s->bulk = true;
    }
    if (stmt_exec(s, ST_BEGIN) < 0) {
        end_bulk(s);
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
    end_bulk(s);
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
/* Back to WAL after a bulk sweep, so that readers again never block the writer. */
static void end_bulk(Store *s)
{
    if (!s->bulk) return;
    s->bulk = false;
    sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
}

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
    end_bulk(s);
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
    end_bulk(s);
}

/* The copy of one run: the run row under a new id, then its rows of every
 * table in their original order, so that the merged file reads as if the
 * runs had been written here one after another.
 *
 * A source was written one run (one transaction) at a time by one process,
 * so each run's rows sit in one stretch of rowids. Copying that stretch as a
 * rowid range reads the table in order; selecting by run_id instead would go
 * through the index and sort (measured: five times slower for a 10,000-node
 * run). The ranges of every run come from one scan of each table in rowid
 * order (a GROUP BY would sort: sweep workers' files have no index). */
typedef struct {
    int64_t run_id, lo, hi;
} RowRange;

typedef VEC(RowRange) RowRangeVec;

typedef struct {
    sqlite3_stmt *run;
    sqlite3_stmt *rows[TAB_COUNT];
    RowRangeVec ranges[TAB_COUNT];      /* by run_id */
} MergeStmts;

static void merge_stmts_free(MergeStmts *m)
{
    sqlite3_finalize(m->run);
    for (int t = 0; t < TAB_COUNT; t++) {
        sqlite3_finalize(m->rows[t]);
        VEC_FREE(m->ranges[t]);
    }
}

static const RowRange *range_find(const MergeStmts *m, int t, int64_t run_id)
{
    size_t lo = 0, hi = m->ranges[t].n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m->ranges[t].v[mid].run_id < run_id) lo = mid + 1;
        else hi = mid;
    }
    return lo < m->ranges[t].n && m->ranges[t].v[lo].run_id == run_id ? &m->ranges[t].v[lo] : NULL;
}

static int range_cmp(const void *a, const void *b)
{
    const RowRange *x = a, *y = b;
    if (x->run_id != y->run_id) return x->run_id < y->run_id ? -1 : 1;
    return (x->lo > y->lo) - (x->lo < y->lo);
}

static int merge_ranges(Store *s, int src, MergeStmts *m)
{
    char sql[256];
    for (int t = 0; t < TAB_COUNT; t++) {
        snprintf(sql, sizeof sql, "SELECT rowid, run_id FROM ds_merge_%d.%s NOT INDEXED ORDER BY rowid",
                 src, store_tables[t].name);
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
            store_set_db_error(s);
            return -1;
        }
        int rc;
        RowRange cur = {0, 0, -1};
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            int64_t rowid = sqlite3_column_int64(st, 0), run = sqlite3_column_int64(st, 1);
            if (cur.hi >= cur.lo && run == cur.run_id) {
                cur.hi = rowid;
                continue;
            }
            if (cur.hi >= cur.lo) VEC_PUSH(m->ranges[t], cur);
            cur = (RowRange){run, rowid, rowid};
        }
        if (cur.hi >= cur.lo) VEC_PUSH(m->ranges[t], cur);
        if (rc != SQLITE_DONE) store_set_db_error(s);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) return -1;
        /* by run; a run in several stretches (not written by one sweep
         * worker) gets one range around them all: the copy checks run_id */
        RowRangeVec *r = &m->ranges[t];
        if (r->n > 1) qsort(r->v, r->n, sizeof *r->v, range_cmp);
        size_t w = 0;
        for (size_t i = 0; i < r->n; i++) {
            if (w > 0 && r->v[w - 1].run_id == r->v[i].run_id) {
                r->v[w - 1].hi = DS_MAX(r->v[w - 1].hi, r->v[i].hi);
                continue;
            }
            r->v[w++] = r->v[i];
        }
        r->n = w;
    }
    return 0;
}

static int merge_prepare(Store *s, int src, MergeStmts *m)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO main.run (scenario, seed, params, started_at, sim_seconds, "
             "wall_seconds, events, expect_failures, version) SELECT scenario, seed, params, "
             "started_at, sim_seconds, wall_seconds, events, expect_failures, version "
             "FROM ds_merge_%d.run WHERE id = ?1",
             src);
    if (sqlite3_prepare_v2(s->db, sql, -1, &m->run, NULL) != SQLITE_OK) goto fail;
    for (int t = 0; t < TAB_COUNT; t++) {
        const TableSpec *ts = &store_tables[t];
        /* +run_id: the check must not steer the plan away from the range */
        snprintf(sql, sizeof sql,
                 "INSERT INTO main.%s (run_id, %s) SELECT ?2, %s FROM ds_merge_%d.%s "
                 "WHERE rowid BETWEEN ?3 AND ?4 AND +run_id = ?1 ORDER BY rowid",
                 ts->name, ts->cols, ts->cols, src, ts->name);
        if (sqlite3_prepare_v2(s->db, sql, -1, &m->rows[t], NULL) != SQLITE_OK) goto fail;
    }
    return merge_ranges(s, src, m);
fail:
    store_set_db_error(s);
    return -1;
}

int store_merge_runs(Store *s, const char *const *paths, size_t npaths,
                     const StoreMergeRun *runs, size_t nruns, int64_t *ids)
{
    if (!s->sweep_open || s->run_open) {
        store_set_error(s, s->run_open ? "a run is in progress" : "no sweep in progress");
        return -1;
    }
    if (s->nattached > 0) {
        store_set_error(s, "runs were already merged into this sweep");
        return -1;
    }
    if (npaths > STORE_MERGE_MAX) {
        store_set_error(s, "at most %d databases can be merged at once", STORE_MERGE_MAX);
        return -1;
    }
    /* Only the sources that hold a listed run are attached: a worker that
     * died before its first run may have left no usable file. */
    int alias[STORE_MERGE_MAX];
    MergeStmts stmts[STORE_MERGE_MAX];
    memset(stmts, 0, sizeof stmts);
    int rc = -1;
    for (size_t i = 0; i < npaths; i++) alias[i] = -1;
    for (size_t r = 0; r < nruns; r++) {
        size_t src = runs[r].source;
        if (src >= npaths) {
            store_set_error(s, "merge source %zu out of range", src);
            goto out;
        }
        if (alias[src] >= 0) continue;
        sqlite3_stmt *st;
        char sql[64];
        snprintf(sql, sizeof sql, "ATTACH ?1 AS ds_merge_%d", s->nattached);
        if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
            store_set_db_error(s);
            goto out;
        }
        sqlite3_bind_text(st, 1, paths[src], -1, SQLITE_TRANSIENT);
        int step = sqlite3_step(st);
        sqlite3_finalize(st);
        if (step != SQLITE_DONE) {
            store_set_error(s, "%s: %s", paths[src], sqlite3_errmsg(s->db));
            goto out;
        }
        alias[src] = s->nattached++;
        if (merge_prepare(s, alias[src], &stmts[alias[src]]) < 0) {
            char keep[STORE_ERR_MAX];
            snprintf(keep, sizeof keep, "%s", s->err);
            store_set_error(s, "%s: %s", paths[src], keep);
            goto out;
        }
    }
    for (size_t r = 0; r < nruns; r++) {
        MergeStmts *m = &stmts[alias[runs[r].source]];
        sqlite3_bind_int64(m->run, 1, runs[r].run_id);
        if (stmt_done(s, m->run) < 0) goto out;
        if (sqlite3_changes(s->db) != 1) {
            store_set_error(s, "%s: no run %lld", paths[runs[r].source],
                            (long long)runs[r].run_id);
            goto out;
        }
        ids[r] = sqlite3_last_insert_rowid(s->db);
        for (int t = 0; t < TAB_COUNT; t++) {
            const RowRange *range = range_find(m, t, runs[r].run_id);
            if (!range) continue;
            sqlite3_bind_int64(m->rows[t], 1, runs[r].run_id);
            sqlite3_bind_int64(m->rows[t], 2, ids[r]);
            sqlite3_bind_int64(m->rows[t], 3, range->lo);
            sqlite3_bind_int64(m->rows[t], 4, range->hi);
            if (stmt_done(s, m->rows[t]) < 0) goto out;
        }
    }
    /* a new file gets its indexes in one pass, after the rows (see the top) */
    rc = exec_sql(s, store_index_sql);
out:
    for (int i = 0; i < s->nattached; i++) merge_stmts_free(&stmts[i]);
    return rc;
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
        out->rollout.daemonset = NULL;
        out->rollout.revision = sqlite3_column_int64(st, 0);
        out->rollout.started = sqlite3_column_double(st, 1);
        out->rollout.completed =
            sqlite3_column_type(st, 2) == SQLITE_NULL ? -1.0 : sqlite3_column_double(st, 2);
        out->rollout.max_unavailable = sqlite3_column_int64(st, 3);
        out->rollout.unavailable_pod_seconds = sqlite3_column_double(st, 4);
        rc = sqlite3_step(st);
    }
    if (rc != SQLITE_DONE) store_set_db_error(s);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE) return -1;
    if (nfail == 0) return 0;

    /* the failing revisions as a JSON array, for json_each */
    char revs[512];
    size_t w = 0;
    for (size_t i = 0; i < nfail && w < sizeof revs - 24; i++)
        w += (size_t)snprintf(revs + w, sizeof revs - w, "%s%lld", i ? "," : "[",
                              (long long)fail_revs[i]);
    snprintf(revs + w, sizeof revs - w, "]");
    st = stmt_get(s, ST_EXPOSURE);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_text(st, 2, daemonset, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, revs, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) out->exposed = sqlite3_column_int64(st, 0);
    else store_set_db_error(s);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_ROW ? 0 : -1;
}


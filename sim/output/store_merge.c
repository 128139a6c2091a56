/* store_merge.c: copying runs from other daemonsim databases: the one-shot
 * merge inside a sweep transaction (store_merge_runs) and the source that
 * stays attached while runs are imported one short transaction each
 * (store_source_*), as sweeps, shards and resumes do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

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

typedef struct MergeStmts {
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

static int merge_ranges(Store *s, const char *alias, MergeStmts *m)
{
    char sql[256];
    for (int t = 0; t < TAB_COUNT; t++) {
        snprintf(sql, sizeof sql, "SELECT rowid, run_id FROM %s.%s NOT INDEXED ORDER BY rowid",
                 alias, store_tables[t].name);
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

/* ?2 NULL: the copy takes the next id; otherwise that id. */
static int merge_prepare(Store *s, const char *alias, MergeStmts *m)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO main.run (id, scenario, seed, params, started_at, sim_seconds, "
             "wall_seconds, events, expect_failures, version) SELECT ?2, scenario, seed, params, "
             "started_at, sim_seconds, wall_seconds, events, expect_failures, version "
             "FROM %s.run WHERE id = ?1",
             alias);
    if (sqlite3_prepare_v2(s->db, sql, -1, &m->run, NULL) != SQLITE_OK) goto fail;
    for (int t = 0; t < TAB_COUNT; t++) {
        const TableSpec *ts = &store_tables[t];
        /* +run_id: the check must not steer the plan away from the range */
        snprintf(sql, sizeof sql,
                 "INSERT INTO main.%s (run_id, %s) SELECT ?2, %s FROM %s.%s "
                 "WHERE rowid BETWEEN ?3 AND ?4 AND +run_id = ?1 ORDER BY rowid",
                 ts->name, ts->cols, ts->cols, alias, ts->name);
        if (sqlite3_prepare_v2(s->db, sql, -1, &m->rows[t], NULL) != SQLITE_OK) goto fail;
    }
    return merge_ranges(s, alias, m);
fail:
    store_set_db_error(s);
    return -1;
}

/* Copies run src_run of an attached source, rows and all; *id in: the id
 * to give it (0: the next free one), out: the id it got. */
static int merge_copy_run(Store *s, MergeStmts *m, int64_t src_run, int64_t *id)
{
    sqlite3_bind_int64(m->run, 1, src_run);
    if (*id > 0) sqlite3_bind_int64(m->run, 2, *id);
    else sqlite3_bind_null(m->run, 2);
    if (stmt_done(s, m->run) < 0) return -1;
    if (sqlite3_changes(s->db) != 1) {
        store_set_error(s, "no run %lld", (long long)src_run);
        return -1;
    }
    *id = sqlite3_last_insert_rowid(s->db);
    for (int t = 0; t < TAB_COUNT; t++) {
        const RowRange *range = range_find(m, t, src_run);
        if (!range) continue;
        sqlite3_bind_int64(m->rows[t], 1, src_run);
        sqlite3_bind_int64(m->rows[t], 2, *id);
        sqlite3_bind_int64(m->rows[t], 3, range->lo);
        sqlite3_bind_int64(m->rows[t], 4, range->hi);
        if (stmt_done(s, m->rows[t]) < 0) return -1;
    }
    return 0;
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
        char name[32];
        snprintf(name, sizeof name, "ds_merge_%d", alias[src]);
        if (merge_prepare(s, name, &stmts[alias[src]]) < 0) {
            char keep[STORE_ERR_MAX];
            snprintf(keep, sizeof keep, "%s", s->err);
            store_set_error(s, "%s: %s", paths[src], keep);
            goto out;
        }
    }
    for (size_t r = 0; r < nruns; r++) {
        ids[r] = 0;
        if (merge_copy_run(s, &stmts[alias[runs[r].source]], runs[r].run_id, &ids[r]) < 0) {
            char keep[STORE_ERR_MAX];
            snprintf(keep, sizeof keep, "%s", s->err);
            store_set_error(s, "%s: %s", paths[runs[r].source], keep);
            goto out;
        }
    }
    /* a new file gets its indexes in one pass, after the rows (see the top) */
    rc = exec_sql(s, store_index_sql);
out:
    for (int i = 0; i < s->nattached; i++) merge_stmts_free(&stmts[i]);
    return rc;
}


/* ---- one source, many short imports ---- */

int store_source_attach(Store *s, const char *path, int64_t *only_run)
{
    *only_run = 0;
    if (s->readonly || s->run_open || s->sweep_open || s->source) {
        store_set_error(s, "cannot attach a source now");
        return -1;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "ATTACH ?1 AS ds_source", -1, &st, NULL) != SQLITE_OK) {
        store_set_db_error(s);
        return -1;
    }
    sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
    int rc = stmt_done(s, st);
    sqlite3_finalize(st);
    if (rc < 0) return -1;
    s->source = xcalloc(1, sizeof *s->source);
    if (merge_prepare(s, "ds_source", s->source) < 0) goto fail;
    if (sqlite3_prepare_v2(s->db, "SELECT min(id), count(*) FROM ds_source.run", -1, &st, NULL) !=
        SQLITE_OK) {
        store_set_db_error(s);
        goto fail;
    }
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 1) == 1)
        *only_run = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return 0;
fail:;
    char keep[STORE_ERR_MAX];
    memcpy(keep, s->err, sizeof keep);
    store_source_detach(s);
    memcpy(s->err, keep, sizeof keep);
    return -1;
}

/* The source run's seed and params must be the item's: a file left behind
 * by an earlier attempt is only taken when it holds exactly that run. */
static int source_check(Store *s, const StoreImport *imp)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT seed, params FROM ds_source.run WHERE id = ?1", -1, &st,
                           NULL) != SQLITE_OK) {
        store_set_db_error(s);
        return -1;
    }
    sqlite3_bind_int64(st, 1, imp->src_run);
    int rc = sqlite3_step(st);
    bool same = rc == SQLITE_ROW && (uint64_t)sqlite3_column_int64(st, 0) == imp->seed &&
                sqlite3_column_text(st, 1) &&
                !strcmp((const char *)sqlite3_column_text(st, 1), imp->params);
    sqlite3_finalize(st);
    if (same) return 0;
    store_set_error(s, "run %lld is not the sweep's item (point %lld, seed %llu)",
                    (long long)imp->src_run, (long long)imp->point, (unsigned long long)imp->seed);
    return -1;
}

int store_source_import(Store *s, const StoreImport *imp)
{
    if (!s->source) {
        store_set_error(s, "no source attached");
        return -1;
    }
    if (stmt_exec(s, ST_BEGIN) < 0) return -1;
    int64_t id = imp->run_id;
    if ((imp->params && source_check(s, imp) < 0) ||
        merge_copy_run(s, s->source, imp->src_run, &id) < 0 ||
        store_sweep_run(s, imp->sweep_id, imp->point, imp->seed, id) < 0 ||
        exec_sql(s, store_index_sql) < 0 || stmt_exec(s, ST_COMMIT) < 0) {
        if (!sqlite3_get_autocommit(s->db)) {
            char keep[STORE_ERR_MAX];
            memcpy(keep, s->err, sizeof keep);
            stmt_exec(s, ST_ROLLBACK);
            memcpy(s->err, keep, sizeof keep);
        }
        return -1;
    }
    return 0;
}

void store_source_detach(Store *s)
{
    if (!s || !s->source) return;
    merge_stmts_free(s->source);
    free(s->source);
    s->source = NULL;
    sqlite3_exec(s->db, "DETACH ds_source", NULL, NULL, NULL);
}

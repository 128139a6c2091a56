/* store_write.c: a run's rows and its transaction.
 *
 * A run is one transaction, BEGIN IMMEDIATE at store_run_begin() and COMMIT at
 * store_run_commit(), so readers never see half a run and a crash leaves only
 * an uncommitted WAL tail. Row writers copy their values into a per-table
 * buffer of STORE_BATCH rows; a full buffer goes out through one prepared
 * multi-row INSERT, the tail at commit through a one-row INSERT. Indexes are
 * created after the first run's rows are in, because building them afterwards
 * is several times cheaper than maintaining them row by row
 * (docs/performance.md, SQLite). */
#include <stdio.h>
#include <string.h>

#include "daemonsim/diag.h"
#include "store_int.h"

void buf_clear(RowBuf *b)
{
    b->nrows = 0;
    b->pool.n = 0;
}

/* ---- buffered rows ---- */

static int flush_table(Store *s, int tab)
{
    RowBuf *b = &s->buf[tab];
    int ncols = store_tables[tab].ncols;
    int done = 0;
    while (done < b->nrows) {
        int rows = b->nrows - done >= STORE_BATCH ? STORE_BATCH : 1;
        sqlite3_stmt *st = stmt_get(s, (rows == STORE_BATCH ? ST_INSERT_N : ST_INSERT_1) + tab);
        if (!st) return -1;
        sqlite3_bind_int64(st, 1, s->run_id);
        const Cell *cell = &b->cells[done * ncols];
        for (int p = 2; p < 2 + rows * ncols; p++, cell++) {
            switch (cell->kind) {
            case CELL_INT: sqlite3_bind_int64(st, p, cell->u.i); break;
            case CELL_REAL: sqlite3_bind_double(st, p, cell->u.d); break;
            case CELL_TEXT:
                /* STATIC: the pool stays put until after the step, and
                 * stmt_done clears the bindings before it changes. */
                sqlite3_bind_text(st, p, b->pool.v + cell->u.s.off, (int)cell->u.s.len,
                                  SQLITE_STATIC);
                break;
            default: sqlite3_bind_null(st, p); break;
            }
        }
        if (stmt_done(s, st) < 0) return -1;
        done += rows;
    }
    buf_clear(b);
    return 0;
}

/* Returns the next row's cells, or NULL when no run can take rows. */
static Cell *row_begin(Store *s, int tab)
{
    if (!s->run_open) {
        store_set_error(s, "no run in progress");
        return NULL;
    }
    if (s->run_failed) return NULL;     /* keeps the first failure's message */
    RowBuf *b = &s->buf[tab];
    return &b->cells[b->nrows * store_tables[tab].ncols];
}

static int row_end(Store *s, int tab)
{
    RowBuf *b = &s->buf[tab];
    if (++b->nrows < STORE_BATCH) return 0;
    if (flush_table(s, tab) == 0) return 0;
    s->run_failed = true;
    return -1;
}

static int row_fail(Store *s, const char *what)
{
    store_set_error(s, "%s is NULL", what);
    s->run_failed = true;
    return -1;
}

static void cell_int(Cell *c, int64_t v)
{
    c->kind = CELL_INT;
    c->u.i = v;
}

static void cell_real(Cell *c, double v)
{
    c->kind = CELL_REAL;
    c->u.d = v;
}

static void cell_text(RowBuf *b, Cell *c, const char *v)
{
    if (!v) {
        c->kind = CELL_NULL;
        return;
    }
    size_t len = strlen(v);
    /* The pool holds one batch of strings; 2 GiB in it means a bug upstream. */
    DS_ASSERT(len <= INT32_MAX && b->pool.n + len <= INT32_MAX);
    VEC_RESERVE(b->pool, b->pool.n + len + 1);
    memcpy(b->pool.v + b->pool.n, v, len);
    c->kind = CELL_TEXT;
    c->u.s.off = (uint32_t)b->pool.n;
    c->u.s.len = (uint32_t)len;
    b->pool.n += len;
}

int store_pod_event(Store *s, double t, const char *daemonset, const char *pod,
                    const char *node, int64_t revision, const char *phase)
{
    Cell *c = row_begin(s, TAB_POD_EVENT);
    if (!c) return -1;
    if (!daemonset || !pod || !phase)
        return row_fail(s, !daemonset ? "daemonset" : !pod ? "pod" : "phase");
    RowBuf *b = &s->buf[TAB_POD_EVENT];
    cell_real(&c[0], t);
    cell_text(b, &c[1], daemonset);
    cell_text(b, &c[2], pod);
    cell_text(b, &c[3], node);
    cell_int(&c[4], revision);
    cell_text(b, &c[5], phase);
    return row_end(s, TAB_POD_EVENT);
}

int store_node_event(Store *s, double t, const char *node, const char *kind,
                     const char *detail)
{
    Cell *c = row_begin(s, TAB_NODE_EVENT);
    if (!c) return -1;
    if (!node || !kind) return row_fail(s, !node ? "node" : "kind");
    RowBuf *b = &s->buf[TAB_NODE_EVENT];
    cell_real(&c[0], t);
    cell_text(b, &c[1], node);
    cell_text(b, &c[2], kind);
    cell_text(b, &c[3], detail);
    return row_end(s, TAB_NODE_EVENT);
}

int store_warning(Store *s, double t, const char *daemonset, const char *message)
{
    Cell *c = row_begin(s, TAB_WARNING);
    if (!c) return -1;
    if (!message) return row_fail(s, "message");
    RowBuf *b = &s->buf[TAB_WARNING];
    cell_real(&c[0], t);
    cell_text(b, &c[1], daemonset);
    cell_text(b, &c[2], message);
    return row_end(s, TAB_WARNING);
}

int store_plan_event(Store *s, double t, const char *daemonset, int64_t step, const char *what,
                     const char *detail)
{
    Cell *c = row_begin(s, TAB_PLAN_EVENT);
    if (!c) return -1;
    if (!daemonset || !what) return row_fail(s, !daemonset ? "daemonset" : "what");
    RowBuf *b = &s->buf[TAB_PLAN_EVENT];
    cell_real(&c[0], t);
    cell_text(b, &c[1], daemonset);
    cell_int(&c[2], step);
    cell_text(b, &c[3], what);
    cell_text(b, &c[4], detail);
    return row_end(s, TAB_PLAN_EVENT);
}

int store_ds_status(Store *s, double t, const char *daemonset, const StoreStatus *st)
{
    Cell *c = row_begin(s, TAB_DS_STATUS);
    if (!c) return -1;
    if (!daemonset) return row_fail(s, "daemonset");
    cell_real(&c[0], t);
    cell_text(&s->buf[TAB_DS_STATUS], &c[1], daemonset);
    Cell *next = &c[2];
#define X(f, K, name) cell_int(next++, st->f);
    DS_STATUS_COUNTS(X)
#undef X
    cell_int(next, st->updated_available);
    return row_end(s, TAB_DS_STATUS);
}

int store_rollout(Store *s, const StoreRollout *r)
{
    Cell *c = row_begin(s, TAB_ROLLOUT);
    if (!c) return -1;
    if (!r->daemonset) return row_fail(s, "daemonset");
    RowBuf *b = &s->buf[TAB_ROLLOUT];
    cell_text(b, &c[0], r->daemonset);
    cell_int(&c[1], r->revision);
    cell_real(&c[2], r->started);
    if (r->completed < 0) c[3].kind = CELL_NULL;
    else cell_real(&c[3], r->completed);
    cell_int(&c[4], r->max_unavailable);
    cell_real(&c[5], r->unavailable_pod_seconds);
    return row_end(s, TAB_ROLLOUT);
}

int store_k8s_event(Store *s, double t, const char *kind, const char *name, const char *type,
                    const char *reason, const char *message)
{
    Cell *c = row_begin(s, TAB_K8S_EVENT);
    if (!c) return -1;
    if (!kind || !name || !type || !reason || !message)
        return row_fail(s, !kind ? "kind" : !name ? "name" : !type ? "type" : !reason ? "reason"
                                                                                       : "message");
    RowBuf *b = &s->buf[TAB_K8S_EVENT];
    cell_real(&c[0], t);
    cell_text(b, &c[1], kind);
    cell_text(b, &c[2], name);
    cell_text(b, &c[3], reason);
    cell_text(b, &c[4], message);
    cell_text(b, &c[5], type);
    return row_end(s, TAB_K8S_EVENT);
}

/* ---- transactions ---- */

void bulk_begin(Store *s)
{
    if (s->memory || store_scratch) return;
    exec_sql(s, "PRAGMA journal_mode = DELETE");
    s->bulk = true;
}

void bulk_end(Store *s)
{
    if (!s->bulk) return;
    s->bulk = false;
    sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
}

/* Ends the current run's transaction (or savepoint) without keeping it. An
 * I/O or memory error may already have made SQLite roll back the whole
 * transaction; then a sweep around the run is gone too. */
void run_rollback(Store *s)
{
    for (int t = 0; t < TAB_COUNT; t++) buf_clear(&s->buf[t]);
    s->run_open = s->run_failed = false;
    if (sqlite3_get_autocommit(s->db)) {
        s->sweep_lost = s->sweep_open;
        s->sweep_open = false;
        if (!s->run_nested) bulk_end(s);
        return;
    }
    /* the message that led here matters more than a clean rollback's */
    char keep[STORE_ERR_MAX];
    memcpy(keep, s->err, sizeof keep);
    int rc;
    if (s->run_nested) {
        rc = stmt_exec(s, ST_ROLLBACK_TO);
        if (rc == 0) rc = stmt_exec(s, ST_RELEASE);
    } else {
        rc = stmt_exec(s, ST_ROLLBACK);
    }
    if (rc == 0) memcpy(s->err, keep, sizeof keep);
    if (!s->run_nested) bulk_end(s);
}

int store_run_begin(Store *s, const StoreRunInfo *info, int64_t *run_id)
{
    if (s->readonly) {
        store_set_error(s, "database is open read-only");
        return -1;
    }
    if (s->run_open) {
        store_set_error(s, "a run is already in progress (run %lld)", (long long)s->run_id);
        return -1;
    }
    if (!info->scenario) {
        store_set_error(s, "run has no scenario name");
        return -1;
    }
    s->run_nested = s->sweep_open;
    /* a run alone is one large transaction of new rows: written once, not twice */
    if (!s->run_nested) bulk_begin(s);
    if (stmt_exec(s, s->run_nested ? ST_SAVEPOINT : ST_BEGIN) < 0) {
        if (!s->run_nested) bulk_end(s);
        if ((sqlite3_extended_errcode(s->db) & 0xff) == SQLITE_BUSY)
            store_set_error(s, "database is locked: another process has been writing to it "
                               "for over %d s", STORE_BUSY_MS / 1000);
        return -1;
    }
    s->run_open = true;
    s->run_failed = false;

    sqlite3_stmt *st = stmt_get(s, ST_RUN_INSERT);
    if (!st) goto fail;
    char version[128];
    if (!info->version) {
        snprintf(version, sizeof version, "daemonsim %s (SQLite %s)", DS_VERSION,
                 sqlite3_libversion());
    }
    sqlite3_bind_text(st, 1, info->scenario, -1, SQLITE_TRANSIENT);
    /* INTEGER is signed 64-bit: seeds above 2^63 are stored as their bit
     * pattern (negative in SQL) and read back unchanged. */
    sqlite3_bind_int64(st, 2, (sqlite3_int64)info->seed);
    sqlite3_bind_text(st, 3, info->params ? info->params : "{}", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, info->version ? info->version : version, -1, SQLITE_TRANSIENT);
    if (stmt_done(s, st) < 0) goto fail;
    s->run_id = sqlite3_last_insert_rowid(s->db);
    *run_id = s->run_id;
    return 0;
fail:
    run_rollback(s);
    return -1;
}

int store_run_commit(Store *s, const StoreRunEnd *end)
{
    if (!s->run_open) {
        store_set_error(s, "no run in progress");
        return -1;
    }
    if (s->run_failed) goto fail;
    /* rollout first: the run's summary rows matter most to a reader */
    static const int order[] = {TAB_ROLLOUT, TAB_WARNING, TAB_DS_STATUS, TAB_POD_EVENT,
                                TAB_NODE_EVENT, TAB_K8S_EVENT, TAB_PLAN_EVENT};
    _Static_assert(DS_ARRAY_LEN(order) == TAB_COUNT, "every buffered table is flushed");
    for (size_t i = 0; i < DS_ARRAY_LEN(order); i++)
        if (flush_table(s, order[i]) < 0) goto fail;

    sqlite3_stmt *st = stmt_get(s, ST_RUN_END);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, s->run_id);
    sqlite3_bind_double(st, 2, end->sim_seconds);
    sqlite3_bind_double(st, 3, end->wall_seconds);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)end->events);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)end->expect_failures);
    if (stmt_done(s, st) < 0) goto fail;
    /* A no-op once the indexes exist; the first run builds them in one sort.
     * A scratch file is read only by a merge, which needs no index. */
    if (!store_scratch && exec_sql(s, store_index_sql) < 0) goto fail;
    if (stmt_exec(s, s->run_nested ? ST_RELEASE : ST_COMMIT) < 0) goto fail;
    s->run_open = false;
    if (!s->run_nested) bulk_end(s);
    return 0;
fail:
    run_rollback(s);
    return -1;
}

void store_run_abort(Store *s)
{
    if (s && s->run_open) run_rollback(s);
}


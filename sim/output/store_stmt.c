/* store_stmt.c: the SQL of every prepared statement and the per-handle cache
 * that prepares each on first use and keeps it, plus the error helpers. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* pod_event is indexed by run only: every query of daemonsim's own selects
 * one run's rows, and a (run_id, pod, t) key cost several times as much to
 * sort and a third of the file (docs/performance.md, "Changes"). */
const char store_index_sql[] =
    "CREATE INDEX IF NOT EXISTS ds_status_run_ds_t ON ds_status(run_id, daemonset, t);"
    "CREATE INDEX IF NOT EXISTS pod_event_run ON pod_event(run_id);";

const TableSpec store_tables[TAB_COUNT] = {
    [TAB_POD_EVENT] = {"pod_event", "t, daemonset, pod, node, revision, phase", 6},
    [TAB_NODE_EVENT] = {"node_event", "t, node, kind, detail", 4},
    [TAB_DS_STATUS] = {"ds_status",
                       "t, daemonset, "
#define X(f, K, name) #f ", "
                       DS_STATUS_COUNTS(X)
#undef X
                       "updated_available",
                       3 + DS_STATUS_NCOUNTS},
    [TAB_ROLLOUT] = {"rollout",
                     "daemonset, revision, started, completed, max_unavailable, "
                     "unavailable_pod_seconds",
                     6},
    [TAB_K8S_EVENT] = {"k8s_event", "t, kind, name, reason, message, type", 6},
    [TAB_WARNING] = {"warning", "t, daemonset, message", 3},
    [TAB_PLAN_EVENT] = {"rollout_plan_event", "t, daemonset, step, what, detail", 5},
};

/* params always comes back as valid JSON: the compact object, or (should a
 * file have been edited around the CHECK constraint) the text as a string. */
#define PARAMS_JSON "CASE WHEN json_valid(params) THEN json(params) ELSE json_quote(params) END"
#define RUN_COLUMNS                                                                    \
    "id, scenario, seed, " PARAMS_JSON ", started_at, sim_seconds, wall_seconds, events, " \
    "expect_failures, version FROM run"

#define SUMMARY_COLUMNS(f) f "_mean, " f "_stddev, " f "_ci95, " f "_p50, " f "_p90, " f "_p99"

static const char *const store_fixed_sql[ST_FIXED_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_SAVEPOINT] = "SAVEPOINT daemonsim_run",
    [ST_RELEASE] = "RELEASE daemonsim_run",
    [ST_ROLLBACK_TO] = "ROLLBACK TO daemonsim_run",
    [ST_RUN_INSERT] = "INSERT INTO run (scenario, seed, params, started_at, version) "
                      "VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?4)",
    [ST_RUN_END] = "UPDATE run SET sim_seconds = ?2, wall_seconds = ?3, events = ?4, "
                   "expect_failures = ?5 WHERE id = ?1",
    [ST_SWEEP_INSERT] = "INSERT INTO sweep (scenario, seeds, created_at, params, daemonset) "
                        "VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?3, ?4)",
    [ST_SWEEP_POINT] =
        "INSERT INTO sweep_point (sweep_id, point, params, n, n_converged, not_converged, "
        SUMMARY_COLUMNS("converge") ", " SUMMARY_COLUMNS("peak_unavailable") ", "
        SUMMARY_COLUMNS("unavailable_pod_seconds") ", " SUMMARY_COLUMNS("exposure")
        ") VALUES (?1, ?2, ?3, ?4, ?5, ?4 - ?5, "
        "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, "
        "?24, ?25, ?26, ?27, ?28, ?29) "
        /* a resumable sweep writes its points first and their figures at the end */
        "ON CONFLICT (sweep_id, point) DO UPDATE SET (params, n, n_converged, not_converged, "
        SUMMARY_COLUMNS("converge") ", " SUMMARY_COLUMNS("peak_unavailable") ", "
        SUMMARY_COLUMNS("unavailable_pod_seconds") ", " SUMMARY_COLUMNS("exposure")
        ") = (excluded.params, excluded.n, excluded.n_converged, excluded.not_converged, "
        SUMMARY_COLUMNS("excluded.converge") ", " SUMMARY_COLUMNS("excluded.peak_unavailable") ", "
        SUMMARY_COLUMNS("excluded.unavailable_pod_seconds") ", "
        SUMMARY_COLUMNS("excluded.exposure") ")",
    [ST_SWEEP_FIND] = "SELECT id FROM sweep WHERE scenario = ?1 AND seeds = ?2 AND params = ?3 "
                      "AND daemonset IS ?4 ORDER BY id DESC LIMIT 1",
    /* the next run id: above every id ever given out, and above any row
     * inserted with an explicit id */
    [ST_RUN_ID_NEXT] = "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'run'), 0), "
                       "coalesce((SELECT max(id) FROM run), 0)) + 1",
    [ST_RUN_ID_RESERVE] = "UPDATE sqlite_sequence SET seq = max(seq, ?1) WHERE name = 'run'",
    [ST_RUN_ID_RESERVE_NEW] = "INSERT INTO sqlite_sequence (name, seq) SELECT 'run', ?1 "
                              "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'run')",
    [ST_SWEEP_RUN] = "INSERT INTO sweep_run (sweep_id, point, seed, run_id) "
                     "VALUES (?1, ?2, ?3, ?4)",
    [ST_RUN_LIST] = "SELECT " RUN_COLUMNS " ORDER BY id",
    [ST_RUN_GET] = "SELECT " RUN_COLUMNS " WHERE id = ?1",
    /* each plan's latest transition */
    [ST_PLAN_LAST] = "SELECT daemonset, step, what, t, detail FROM rollout_plan_event "
                     "WHERE rowid IN (SELECT max(rowid) FROM rollout_plan_event WHERE run_id = ?1 "
                     "GROUP BY daemonset) ORDER BY daemonset",
    [ST_ROLLOUT_LIST] = "SELECT daemonset, revision, started, completed, max_unavailable, "
                        "unavailable_pod_seconds FROM rollout WHERE run_id = ?1 "
                        "ORDER BY started, rowid",
    [ST_SWEEP_POINT_LIST] =
        "SELECT sweep_id, point, " PARAMS_JSON ", n, n_converged, "
        SUMMARY_COLUMNS("converge") ", " SUMMARY_COLUMNS("peak_unavailable") ", "
        SUMMARY_COLUMNS("unavailable_pod_seconds") ", " SUMMARY_COLUMNS("exposure")
        " FROM sweep_point ORDER BY sweep_id, point",
    [ST_SWEEP_STATUS] = "UPDATE sweep SET status = ?2, wall_seconds = ?3 WHERE id = ?1",
    [ST_SWEEP_LIST] = "SELECT id, scenario, seeds, created_at, " PARAMS_JSON ", daemonset, status, "
                      "wall_seconds FROM sweep ORDER BY id",
    [ST_SWEEP_RUN_LIST] = "SELECT point, seed, run_id FROM sweep_run WHERE sweep_id = ?1 "
                          "ORDER BY point, run_id",
    /* sweep.params.vary is [{"key": K, "values": [...]}, ...] (json_each
     * keys of an array are the indexes, so the order is the command line's) */
    [ST_SWEEP_VARY] = "SELECT json_extract(v.value, '$.key'), w.value "
                      "FROM sweep, json_each(sweep.params, '$.vary') AS v, "
                      "json_each(v.value, '$.values') AS w "
                      "WHERE sweep.id = ?1 AND json_valid(sweep.params) "
                      "AND json_type(sweep.params, '$.vary') = 'array' ORDER BY v.key, w.key",
    /* a row from before schema 2 has no updated_available: while old pods
     * stay available, available - (current - updated) is the same count */
    [ST_STATUS_SERIES] = "SELECT t, desired, unavailable, "
                         "coalesce(updated_available, available - (current - updated)) "
                         "FROM ds_status WHERE run_id = ?1 AND daemonset = ?2 ORDER BY t, rowid",
    [ST_FIGURE_ROLLOUT] = "SELECT revision, started, completed, max_unavailable, "
                          "unavailable_pod_seconds FROM rollout WHERE run_id = ?1 AND "
                          "daemonset = ?2 ORDER BY started DESC, rowid DESC LIMIT 1",
    [ST_FIGURE_ROLLOUTS] = "SELECT run_id, revision, started, completed, max_unavailable, "
                           "unavailable_pod_seconds FROM rollout WHERE daemonset = ?1 AND "
                           "run_id BETWEEN ?2 AND ?3 ORDER BY run_id, started, rowid",
    [ST_POD_EVENTS_UNTIL] = "SELECT t, daemonset, pod, node, revision, phase FROM pod_event "
                            "WHERE run_id = ?1 AND t <= ?2 ORDER BY rowid",
    [ST_NODE_EVENTS_UNTIL] = "SELECT t, node, kind, detail FROM node_event "
                             "WHERE run_id = ?1 AND t <= ?2 ORDER BY rowid",
    /* every rollout of one DaemonSet in a sweep's runs, in one pass (the
     * rollout table has no index: a query per run would scan it per run) */
    [ST_SWEEP_ROLLOUTS] = "SELECT sr.point, r.run_id, r.revision, r.started, r.completed, "
                          "r.max_unavailable, r.unavailable_pod_seconds "
                          "FROM sweep_run AS sr JOIN rollout AS r ON r.run_id = sr.run_id "
                          "WHERE sr.sweep_id = ?1 AND r.daemonset = ?2 "
                          "ORDER BY sr.point, r.run_id, r.started, r.rowid",
    [ST_K8S_EVENTS_UNTIL] = "SELECT t, kind, name, type, reason, message FROM k8s_event "
                            "WHERE run_id = ?1 AND t <= ?2 ORDER BY rowid",
    /* each DaemonSet's last sample at or before ?2, and its first sample */
    [ST_STATUS_AT] = "SELECT d.daemonset, d.t, (SELECT min(t) FROM ds_status WHERE run_id = ?1 "
                     "AND daemonset = d.daemonset), desired, current, ready, updated, available, "
                     "unavailable, misscheduled, coalesce(updated_available, 0) FROM ds_status AS d "
                     "WHERE run_id = ?1 AND rowid = (SELECT max(rowid) FROM ds_status WHERE "
                     "run_id = ?1 AND daemonset = d.daemonset AND t <= ?2) ORDER BY d.daemonset",
    [ST_LAST_RUN] = "SELECT max(id) FROM run",
    /* a node ran the bad release when a pod of it was created there, or a
     * pod there was patched to it in place (an Advanced DaemonSet) */
    [ST_EXPOSURE] = "SELECT count(DISTINCT node) FROM pod_event WHERE run_id = ?1 AND "
                    "daemonset = ?2 AND phase IN (?4, ?5) AND node IS NOT NULL AND "
                    "revision IN (SELECT value FROM json_each(?3))",
};

/* The same reads on a version 1 file (read-only handles only): its missing
 * columns read as NULL. */
static const char *const store_v1_sql[ST_FIXED_COUNT] = {
    [ST_SWEEP_POINT_LIST] =
        "SELECT sweep_id, point, " PARAMS_JSON ", n, n_converged, "
        SUMMARY_COLUMNS("converge") ", " SUMMARY_COLUMNS("peak_unavailable") ", "
        SUMMARY_COLUMNS("unavailable_pod_seconds") ", NULL, NULL, NULL, NULL, NULL, NULL "
        "FROM sweep_point ORDER BY sweep_id, point",
    [ST_SWEEP_LIST] = "SELECT id, scenario, seeds, created_at, " PARAMS_JSON ", NULL, 'complete', "
                      "NULL FROM sweep ORDER BY id",
    [ST_STATUS_SERIES] = "SELECT t, desired, unavailable, available - (current - updated) "
                         "FROM ds_status WHERE run_id = ?1 AND daemonset = ?2 ORDER BY t, rowid",
};

void store_set_error(Store *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
}

/* A write that fails says "disk I/O error"; the system's reason (a full
 * disk, a file size limit) is what to act on. SQLite keeps it on the file,
 * not the connection (sqlite3_system_errno is often 0 by then). */
void store_set_db_error(Store *s)
{
    int sys = 0;
    if ((sqlite3_extended_errcode(s->db) & 0xff) == SQLITE_IOERR)
        sqlite3_file_control(s->db, "main", SQLITE_FCNTL_LAST_ERRNO, &sys);
    if (sys != 0)
        store_set_error(s, "%s: %s", sqlite3_errmsg(s->db), strerror(sys));
    else
        store_set_error(s, "%s", sqlite3_errmsg(s->db));
}

const char *store_errmsg(const Store *s) { return s ? s->err : "out of memory"; }

/* ---- statements ---- */

/* A multi-row INSERT that may fail halfway needs a statement journal to undo
 * its own rows, and once the indexes exist that means copying every index
 * page it touches (measured: twice the cost of the inserts). A failed row
 * fails the whole run anyway, so OR ROLLBACK plus foreign keys checked at
 * COMMIT (DEFERRABLE INITIALLY DEFERRED in the schema) let SQLite skip it.
 * The price: inside a sweep, such a failure rolls back the whole sweep. */
static char *build_insert_sql(const TableSpec *t, int rows)
{
    /* "(?1, ?2, ?3), (?1, ?4, ?5)": run_id shared by every row */
    size_t cap = 128 + strlen(t->name) + strlen(t->cols) + (size_t)(rows * (t->ncols + 1) * 10);
    char *sql = xmalloc(cap);
    size_t n = (size_t)snprintf(sql, cap, "INSERT OR ROLLBACK INTO %s (run_id, %s) VALUES ",
                                t->name, t->cols);
    int param = 2;
    for (int r = 0; r < rows; r++) {
        n += (size_t)snprintf(sql + n, cap - n, "%s(?1", r ? ", " : "");
        for (int c = 0; c < t->ncols; c++)
            n += (size_t)snprintf(sql + n, cap - n, ", ?%d", param++);
        n += (size_t)snprintf(sql + n, cap - n, ")");
    }
    return sql;
}

sqlite3_stmt *stmt_get(Store *s, int id)
{
    if (s->stmt[id]) return s->stmt[id];
    char *owned = NULL;
    const char *sql;
    if (id >= ST_INSERT_N)
        sql = owned = build_insert_sql(&store_tables[id - ST_INSERT_N], STORE_BATCH);
    else if (id >= ST_INSERT_1)
        sql = owned = build_insert_sql(&store_tables[id - ST_INSERT_1], 1);
    else if (s->version == 1 && store_v1_sql[id])
        sql = store_v1_sql[id];
    else
        sql = store_fixed_sql[id];
    int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[id], NULL);
    free(owned);
    if (rc != SQLITE_OK) {
        store_set_db_error(s);
        sqlite3_finalize(s->stmt[id]);
        s->stmt[id] = NULL;
    }
    return s->stmt[id];
}

int stmt_done(Store *s, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) store_set_db_error(s);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int stmt_exec(Store *s, int id)
{
    sqlite3_stmt *st = stmt_get(s, id);
    return st ? stmt_done(s, st) : -1;
}

int bind_real_or_null(sqlite3_stmt *st, int i, double v)
{
    return isnan(v) ? sqlite3_bind_null(st, i) : sqlite3_bind_double(st, i, v);
}

int exec_sql(Store *s, const char *sql)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        store_set_db_error(s);
        return -1;
    }
    return 0;
}


/* store.c: the results database (SPEC.md §4), the one file that talks to SQLite.
 *
 * A run is one transaction, BEGIN IMMEDIATE at store_run_begin() and COMMIT at
 * store_run_commit(), so readers never see half a run and a crash leaves only
 * an uncommitted WAL tail. Row writers copy their values into a per-table
 * buffer of STORE_BATCH rows; a full buffer goes out through one prepared
 * multi-row INSERT, the tail at commit through a one-row INSERT. Every
 * statement is prepared once per handle, on first use, and kept. Indexes are
 * created after the first run's rows are in, because building them afterwards
 * is several times cheaper than maintaining them row by row
 * (performance-notes.md, SQLite). The read side (store_list_*) serves report,
 * plot and tests, so that no other file needs <sqlite3.h>. */
#include "daemonsim/store.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "daemonsim/diag.h"

/* Rows per multi-row INSERT: 32 rows of ds_status bind 289 parameters, well
 * under SQLite's limit, and amortise the per-statement cost. */
#define STORE_BATCH 32
#define STORE_MAX_COLS 10
#define STORE_ERR_MAX 512
#define STORE_BUSY_MS 10000
/* 256 MiB of page cache at most (allocated only as used): once the indexes
 * exist, later runs insert into them, and a cache that holds the run's part
 * of the index keeps that from going back to the file for every row. */
#define STORE_CACHE_KIB 262144

#define SWEEP_STATUS_CHECK "CHECK (status IN ('complete', 'interrupted', 'incomplete'))"

/* The schema, version STORE_SCHEMA_VERSION. Times are simulated seconds
 * (REAL); wall-clock columns are the only non-reproducible ones. Columns
 * added since version 1 come last in their tables, in the order the
 * migration below adds them, so that a migrated file and a new one have the
 * same shape. */
/* Added in version 3. */
#define WARNING_TABLE_SQL                                   \
    "CREATE TABLE warning (\n"                              \
    "  run_id INTEGER NOT NULL REFERENCES run(id)\n"        \
    "    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,\n" \
    "  t REAL NOT NULL,\n"                                  \
    "  daemonset TEXT,\n"                                   \
    "  message TEXT NOT NULL\n"                             \
    ") STRICT;\n"

static const char store_schema_sql[] =
    "CREATE TABLE run (\n"
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  scenario TEXT NOT NULL,\n"
    "  seed INTEGER NOT NULL,\n"
    "  params TEXT NOT NULL CHECK (json_valid(params)),\n"
    "  started_at TEXT NOT NULL,\n"
    "  sim_seconds REAL,\n"
    "  wall_seconds REAL,\n"
    "  events INTEGER,\n"
    "  expect_failures INTEGER,\n"
    "  version TEXT NOT NULL\n"
    ") STRICT;\n"
    "CREATE TABLE ds_status (\n"
    "  run_id INTEGER NOT NULL REFERENCES run(id)\n"
    "    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,\n"
    "  t REAL NOT NULL,\n"
    "  daemonset TEXT NOT NULL,\n"
    "  desired INTEGER NOT NULL,\n"
    "  current INTEGER NOT NULL,\n"
    "  ready INTEGER NOT NULL,\n"
    "  updated INTEGER NOT NULL,\n"
    "  available INTEGER NOT NULL,\n"
    "  unavailable INTEGER NOT NULL,\n"
    "  misscheduled INTEGER NOT NULL,\n"
    "  updated_available INTEGER\n"
    ") STRICT;\n"
    "CREATE TABLE pod_event (\n"
    "  run_id INTEGER NOT NULL REFERENCES run(id)\n"
    "    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,\n"
    "  t REAL NOT NULL,\n"
    "  daemonset TEXT NOT NULL,\n"
    "  pod TEXT NOT NULL,\n"
    "  node TEXT,\n"
    "  revision INTEGER NOT NULL,\n"
    "  phase TEXT NOT NULL\n"
    ") STRICT;\n"
    "CREATE TABLE node_event (\n"
    "  run_id INTEGER NOT NULL REFERENCES run(id)\n"
    "    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,\n"
    "  t REAL NOT NULL,\n"
    "  node TEXT NOT NULL,\n"
    "  kind TEXT NOT NULL,\n"
    "  detail TEXT\n"
    ") STRICT;\n"
    "CREATE TABLE rollout (\n"
    "  run_id INTEGER NOT NULL REFERENCES run(id)\n"
    "    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,\n"
    "  daemonset TEXT NOT NULL,\n"
    "  revision INTEGER NOT NULL,\n"
    "  started REAL NOT NULL,\n"
    "  completed REAL,\n"
    "  max_unavailable INTEGER NOT NULL,\n"
    "  unavailable_pod_seconds REAL NOT NULL\n"
    ") STRICT;\n"
    "CREATE TABLE sweep (\n"
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  scenario TEXT NOT NULL,\n"
    "  seeds INTEGER NOT NULL,\n"
    "  created_at TEXT NOT NULL,\n"
    "  params TEXT NOT NULL CHECK (json_valid(params)),\n"
    "  daemonset TEXT,\n"
    "  status TEXT NOT NULL DEFAULT 'complete' " SWEEP_STATUS_CHECK ",\n"
    "  wall_seconds REAL\n"
    ") STRICT;\n"
    "CREATE TABLE sweep_point (\n"
    "  sweep_id INTEGER NOT NULL REFERENCES sweep(id) ON DELETE CASCADE,\n"
    "  point INTEGER NOT NULL,\n"
    "  params TEXT NOT NULL CHECK (json_valid(params)),\n"
    "  n INTEGER NOT NULL,\n"
    "  n_converged INTEGER NOT NULL,\n"
    "  converge_mean REAL, converge_stddev REAL, converge_ci95 REAL,\n"
    "  converge_p50 REAL, converge_p90 REAL, converge_p99 REAL,\n"
    "  peak_unavailable_mean REAL, peak_unavailable_stddev REAL,\n"
    "  peak_unavailable_ci95 REAL, peak_unavailable_p50 REAL,\n"
    "  peak_unavailable_p90 REAL, peak_unavailable_p99 REAL,\n"
    "  unavailable_pod_seconds_mean REAL, unavailable_pod_seconds_stddev REAL,\n"
    "  unavailable_pod_seconds_ci95 REAL, unavailable_pod_seconds_p50 REAL,\n"
    "  unavailable_pod_seconds_p90 REAL, unavailable_pod_seconds_p99 REAL,\n"
    "  not_converged INTEGER NOT NULL DEFAULT 0,\n"
    "  exposure_mean REAL, exposure_stddev REAL, exposure_ci95 REAL,\n"
    "  exposure_p50 REAL, exposure_p90 REAL, exposure_p99 REAL,\n"
    "  PRIMARY KEY (sweep_id, point)\n"
    ") STRICT;\n"
    "CREATE TABLE sweep_run (\n"
    "  sweep_id INTEGER NOT NULL,\n"
    "  point INTEGER NOT NULL,\n"
    "  seed INTEGER NOT NULL,\n"
    "  run_id INTEGER NOT NULL REFERENCES run(id)\n"
    "    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,\n"
    "  PRIMARY KEY (sweep_id, point, seed),\n"
    "  FOREIGN KEY (sweep_id, point) REFERENCES sweep_point(sweep_id, point)\n"
    "    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED\n"
    ") STRICT;\n"
    /* time to converge spelled out once, for plain-SQL charts */
    "CREATE VIEW rollout_summary AS\n"
    "  SELECT r.run_id, run.scenario, run.seed, r.daemonset, r.revision,\n"
    "         r.started, r.completed, r.completed - r.started AS time_to_converge,\n"
    "         r.max_unavailable, r.unavailable_pod_seconds\n"
    "  FROM rollout AS r JOIN run ON run.id = r.run_id;\n"
    /* last, where a migration adds it, so that both files have one shape */
    WARNING_TABLE_SQL;

/* Version 1 to 2: ds_status.updated_available (NULL in rows written before),
 * the sweep's figure DaemonSet, status and wall time, and per point the
 * count of runs that did not converge and the exposure figures. */
static const char store_migrate_v1_sql[] =
    "ALTER TABLE ds_status ADD COLUMN updated_available INTEGER;\n"
    "ALTER TABLE sweep ADD COLUMN daemonset TEXT;\n"
    "ALTER TABLE sweep ADD COLUMN status TEXT NOT NULL DEFAULT 'complete' " SWEEP_STATUS_CHECK ";\n"
    "ALTER TABLE sweep ADD COLUMN wall_seconds REAL;\n"
    "ALTER TABLE sweep_point ADD COLUMN not_converged INTEGER NOT NULL DEFAULT 0;\n"
    "ALTER TABLE sweep_point ADD COLUMN exposure_mean REAL;\n"
    "ALTER TABLE sweep_point ADD COLUMN exposure_stddev REAL;\n"
    "ALTER TABLE sweep_point ADD COLUMN exposure_ci95 REAL;\n"
    "ALTER TABLE sweep_point ADD COLUMN exposure_p50 REAL;\n"
    "ALTER TABLE sweep_point ADD COLUMN exposure_p90 REAL;\n"
    "ALTER TABLE sweep_point ADD COLUMN exposure_p99 REAL;\n"
    "UPDATE sweep_point SET not_converged = n - n_converged;\n";

/* Version 2 to 3: the warning table. */
static const char store_migrate_v2_sql[] = WARNING_TABLE_SQL;

static const char store_index_sql[] =
    "CREATE INDEX IF NOT EXISTS ds_status_run_ds_t ON ds_status(run_id, daemonset, t);"
    "CREATE INDEX IF NOT EXISTS pod_event_run_pod_t ON pod_event(run_id, pod, t);";

/* Buffered tables; run_id is parameter ?1 of every row, the columns follow. */
enum { TAB_POD_EVENT, TAB_NODE_EVENT, TAB_DS_STATUS, TAB_ROLLOUT, TAB_WARNING, TAB_COUNT };

typedef struct {
    const char *name;
    const char *cols;       /* after run_id */
    int ncols;
} TableSpec;

static const TableSpec store_tables[TAB_COUNT] = {
    [TAB_POD_EVENT] = {"pod_event", "t, daemonset, pod, node, revision, phase", 6},
    [TAB_NODE_EVENT] = {"node_event", "t, node, kind, detail", 4},
    [TAB_DS_STATUS] = {"ds_status",
                       "t, daemonset, desired, current, ready, updated, available, "
                       "unavailable, misscheduled, updated_available",
                       10},
    [TAB_ROLLOUT] = {"rollout",
                     "daemonset, revision, started, completed, max_unavailable, "
                     "unavailable_pod_seconds",
                     6},
    [TAB_WARNING] = {"warning", "t, daemonset, message", 3},
};

/* Statements, prepared on first use. The INSERT of each buffered table comes
 * in a one-row and a STORE_BATCH-row form, built from store_tables. */
enum {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_SAVEPOINT,
    ST_RELEASE,
    ST_ROLLBACK_TO,
    ST_RUN_INSERT,
    ST_RUN_END,
    ST_SWEEP_INSERT,
    ST_SWEEP_POINT,
    ST_SWEEP_RUN,
    ST_RUN_LIST,
    ST_RUN_GET,
    ST_ROLLOUT_LIST,
    ST_SWEEP_POINT_LIST,
    ST_SWEEP_STATUS,
    ST_SWEEP_LIST,
    ST_SWEEP_RUN_LIST,
    ST_SWEEP_VARY,
    ST_STATUS_SERIES,
    ST_FIGURE_ROLLOUT,
    ST_EXPOSURE,
    ST_FIXED_COUNT,
    ST_INSERT_1 = ST_FIXED_COUNT,               /* + table */
    ST_INSERT_N = ST_INSERT_1 + TAB_COUNT,      /* + table */
    ST_COUNT = ST_INSERT_N + TAB_COUNT
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
        "?24, ?25, ?26, ?27, ?28, ?29)",
    [ST_SWEEP_RUN] = "INSERT INTO sweep_run (sweep_id, point, seed, run_id) "
                     "VALUES (?1, ?2, ?3, ?4)",
    [ST_RUN_LIST] = "SELECT " RUN_COLUMNS " ORDER BY id",
    [ST_RUN_GET] = "SELECT " RUN_COLUMNS " WHERE id = ?1",
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
    [ST_EXPOSURE] = "SELECT count(DISTINCT node) FROM pod_event WHERE run_id = ?1 AND "
                    "daemonset = ?2 AND phase = 'Created' AND node IS NOT NULL AND "
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

/* One buffered value. Text lives in the buffer's pool, by offset, because
 * the pool may move while it grows. */
enum { CELL_NULL, CELL_INT, CELL_REAL, CELL_TEXT };

typedef struct {
    union {
        int64_t i;
        double d;
        struct {
            uint32_t off, len;
        } s;
    } u;
    int kind;
} Cell;

typedef struct {
    Cell cells[STORE_BATCH * STORE_MAX_COLS];
    int nrows;
    VEC(char) pool;
} RowBuf;

struct Store {
    sqlite3 *db;
    sqlite3_stmt *stmt[ST_COUNT];
    bool readonly;
    bool run_open;      /* between store_run_begin and commit/abort */
    bool run_failed;    /* a write failed: only abort (or commit, which rolls back) remain */
    bool run_nested;    /* the run is a savepoint inside a sweep */
    bool sweep_open;
    bool sweep_lost;    /* a failed run took the sweep's transaction with it */
    int nattached;      /* merge sources attached as ds_merge_0..; detached after the sweep */
    bool bulk;          /* a bulk sweep switched the journal to DELETE until it ends */
    bool memory;        /* ":memory:" (its journal mode cannot change) */
    int64_t version;    /* the file's schema version: STORE_SCHEMA_VERSION, or 1 read-only */
    int64_t run_id;
    RowBuf buf[TAB_COUNT];
    char err[STORE_ERR_MAX];
};

static void store_set_error(Store *s, const char *fmt, ...) DS_PRINTF(2, 3);

static void store_set_error(Store *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
}

static void store_set_db_error(Store *s) { store_set_error(s, "%s", sqlite3_errmsg(s->db)); }

static void copy_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen) snprintf(err, errlen, "%s", msg);
}

const char *store_errmsg(const Store *s) { return s ? s->err : "out of memory"; }

/* Set in a sweep's worker processes (store_set_scratch). */
static bool store_scratch;

void store_set_scratch(bool on) { store_scratch = on; }

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

static sqlite3_stmt *stmt_get(Store *s, int id)
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

/* Steps a statement that returns no rows, then resets it for the next use. */
static int stmt_done(Store *s, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) store_set_db_error(s);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int stmt_exec(Store *s, int id)
{
    sqlite3_stmt *st = stmt_get(s, id);
    return st ? stmt_done(s, st) : -1;
}

/* NAN, the "no value" of the summaries, becomes NULL. */
static int bind_real_or_null(sqlite3_stmt *st, int i, double v)
{
    return isnan(v) ? sqlite3_bind_null(st, i) : sqlite3_bind_double(st, i, v);
}

static int exec_sql(Store *s, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        store_set_error(s, "%s", msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* ---- open and close ---- */

static int read_int_pragma(Store *s, const char *sql, int64_t *out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        store_set_db_error(s);
        return -1;
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *out = sqlite3_column_int64(st, 0);
    else store_set_db_error(s);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* How many of daemonsim's tables exist: tells an empty or foreign file from ours. */
static int count_own_tables(Store *s, int64_t *n)
{
    return read_int_pragma(s,
                           "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
                           "('run', 'ds_status', 'pod_event', 'node_event', 'rollout', 'sweep', "
                           "'sweep_point', 'sweep_run')",
                           n);
}

/* Tells a daemonsim database (or an empty file, when writable) from anything
 * else. Reading user_version is also the first real access to the file,
 * which is where SQLite notices a file that is not a database. */
static int schema_state(Store *s, int64_t *version, int64_t *tables)
{
    if (read_int_pragma(s, "PRAGMA user_version", version) < 0) return -1;
    return count_own_tables(s, tables);
}

static int schema_reject(Store *s, int64_t version, int64_t tables)
{
    if (tables > 0 && version > STORE_SCHEMA_VERSION)
        store_set_error(s, "written by a newer daemonsim (schema version %lld, this one knows %d)",
                        (long long)version, STORE_SCHEMA_VERSION);
    else if (tables > 0)
        store_set_error(s, "not a daemonsim results database (schema version %lld)",
                        (long long)version);
    else
        store_set_error(s, "not a daemonsim results database");
    return -1;
}

/* 0: ours and usable as it is; 1: empty or unrelated, and schema_create is
 * to add the tables; 2: ours at an older version, and schema_create is to
 * migrate it. A read-only handle reads an older file as it is (s->version
 * says which statements fit it). */
static int schema_check(Store *s)
{
    int64_t version, tables;
    if (schema_state(s, &version, &tables) < 0) return -1;
    s->version = version;
    bool older = version >= 1 && version < STORE_SCHEMA_VERSION;
    if (tables > 0 && (version == STORE_SCHEMA_VERSION || (older && s->readonly))) return 0;
    if (tables > 0 && older) return 2;
    if (version == 0 && tables == 0 && !s->readonly) return 1;
    return schema_reject(s, version, tables);
}

static int schema_create(Store *s)
{
    int64_t version, tables;
    /* Checked again under the write lock: two processes may create or
     * migrate one file. */
    if (exec_sql(s, "BEGIN IMMEDIATE") < 0) return -1;
    if (schema_state(s, &version, &tables) < 0) goto fail;
    s->version = STORE_SCHEMA_VERSION;
    if (version == STORE_SCHEMA_VERSION && tables > 0) return exec_sql(s, "COMMIT");
    char version_sql[64];
    snprintf(version_sql, sizeof version_sql, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
    if ((version == 1 || version == 2) && tables > 0) {
        if (version == 1 && exec_sql(s, store_migrate_v1_sql) < 0) goto fail;
        if (exec_sql(s, store_migrate_v2_sql) < 0 || exec_sql(s, version_sql) < 0) goto fail;
        return exec_sql(s, "COMMIT");
    }
    if (version != 0 || tables != 0) {
        schema_reject(s, version, tables);
        goto fail;
    }
    if (exec_sql(s, store_schema_sql) < 0 || exec_sql(s, version_sql) < 0) goto fail;
    return exec_sql(s, "COMMIT");
fail:
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

/* SQLite says only "unable to open database file". Its last errno is no
 * help when creating: after EACCES it retries read-only and gets ENOENT. So
 * for a file that does not exist, the reason is looked for in its folder. */
static void open_error(Store *s, const char *path, int rc)
{
    int sys = sqlite3_system_errno(s->db);
    struct stat sb;
    if ((rc & 0xff) == SQLITE_CANTOPEN && !s->readonly && stat(path, &sb) != 0 && errno == ENOENT) {
        const char *slash = strrchr(path, '/');
        char dir[4096];
        if (!slash) snprintf(dir, sizeof dir, ".");
        else snprintf(dir, sizeof dir, "%.*s", (int)(slash == path ? 1 : slash - path), path);
        sys = faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) == 0 ? ENOENT : errno;
    }
    if ((rc & 0xff) == SQLITE_CANTOPEN && sys != 0)
        store_set_error(s, "%s (%s)", sqlite3_errstr(rc), strerror(sys));
    else
        store_set_error(s, "%s", s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
}

enum { OPEN_WRITE, OPEN_READ, OPEN_READ_IMMUTABLE };

/* "file:PATH?immutable=1", with the URI's special characters escaped. */
static char *immutable_uri(const char *path)
{
    char *uri = xmalloc(strlen(path) * 3 + 32), *o = uri;
    o += sprintf(o, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (strchr("?#%", *p) || *p < 0x20 || *p >= 0x7f) o += sprintf(o, "%%%02X", *p);
        else *o++ = (char)*p;
    }
    strcpy(o, "?immutable=1");
    return uri;
}

/* On failure *code gets SQLite's extended result code (0 if not SQLite's). */
static Store *store_open_mode(const char *path, int mode, char *err, size_t errlen, int *code)
{
    Store *s = xcalloc(1, sizeof *s);
    s->readonly = mode != OPEN_WRITE;
    s->memory = !strcmp(path, ":memory:") || !path[0];
    int rc = SQLITE_CANTOPEN;
    /* SQLite calls a directory a "disk I/O error" */
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        store_set_error(s, "%s", strerror(EISDIR));
        goto fail;
    }
    int flags = s->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    char *uri = NULL;
    if (mode == OPEN_READ_IMMUTABLE) {
        uri = immutable_uri(path);
        flags |= SQLITE_OPEN_URI;
    }
    rc = sqlite3_open_v2(uri ? uri : path, &s->db, flags, NULL);
    free(uri);
    if (rc != SQLITE_OK) {
        open_error(s, path, rc);
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
    int state = schema_check(s);
    if (state < 0) goto fail;
    if (!s->readonly) {
        /* WAL answers "memory" for :memory:, which is fine. Debian builds
         * SQLite with DEFAULT_WAL_SYNCHRONOUS=FULL, so NORMAL is set here:
         * a power loss may lose the last commits but never corrupts. */
        char cache_sql[64];
        snprintf(cache_sql, sizeof cache_sql, "PRAGMA cache_size = -%d", STORE_CACHE_KIB);
        if (exec_sql(s, "PRAGMA journal_mode = WAL") < 0 ||
            exec_sql(s, store_scratch ? "PRAGMA synchronous = OFF" : "PRAGMA synchronous = NORMAL") < 0 ||
            exec_sql(s, cache_sql) < 0)
            goto fail;
    } else if (exec_sql(s, "PRAGMA query_only = ON") < 0) {
        goto fail;
    }
    if (exec_sql(s, "PRAGMA foreign_keys = ON") < 0) goto fail;
    if (state > 0 && schema_create(s) < 0) goto fail;
    return s;
fail:
    *code = s->db ? sqlite3_extended_errcode(s->db) : rc;
    copy_err(err, errlen, s->err);
    store_close(s);
    return NULL;
}

Store *store_open(const char *path, char *err, size_t errlen)
{
    int code;
    return store_open_mode(path, OPEN_WRITE, err, errlen, &code);
}

Store *store_open_readonly(const char *path, char *err, size_t errlen)
{
    int code;
    Store *s = store_open_mode(path, OPEN_READ, err, errlen, &code);
    /* A reader of a WAL database needs its -shm file, and creates it if it
     * is missing; in a folder it may not write, it cannot. SQLite's way to
     * read such a file is immutable=1, which trusts that nobody writes it
     * meanwhile: true of a copy on read-only media or someone else's
     * results, which is where this happens. */
    struct stat sb;
    if (!s && ((code & 0xff) == SQLITE_READONLY || (code & 0xff) == SQLITE_CANTOPEN) &&
        stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
        s = store_open_mode(path, OPEN_READ_IMMUTABLE, err, errlen, &code);
    return s;
}

static void buf_clear(RowBuf *b)
{
    b->nrows = 0;
    b->pool.n = 0;
}

void store_close(Store *s)
{
    if (!s) return;
    if (s->run_open) store_run_abort(s);
    if (s->sweep_open) store_sweep_abort(s);
    for (int i = 0; i < ST_COUNT; i++) sqlite3_finalize(s->stmt[i]);
    for (int t = 0; t < TAB_COUNT; t++) VEC_FREE(s->buf[t].pool);
    /* close_v2 frees everything even if a statement were left behind */
    sqlite3_close_v2(s->db);
    free(s);
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

int store_ds_status(Store *s, double t, const char *daemonset, const StoreStatus *st)
{
    Cell *c = row_begin(s, TAB_DS_STATUS);
    if (!c) return -1;
    if (!daemonset) return row_fail(s, "daemonset");
    cell_real(&c[0], t);
    cell_text(&s->buf[TAB_DS_STATUS], &c[1], daemonset);
    cell_int(&c[2], st->desired);
    cell_int(&c[3], st->current);
    cell_int(&c[4], st->ready);
    cell_int(&c[5], st->updated);
    cell_int(&c[6], st->available);
    cell_int(&c[7], st->unavailable);
    cell_int(&c[8], st->misscheduled);
    cell_int(&c[9], st->updated_available);
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

/* ---- transactions ---- */

/* Ends the current run's transaction (or savepoint) without keeping it. An
 * I/O or memory error may already have made SQLite roll back the whole
 * transaction; then a sweep around the run is gone too. */
static void run_rollback(Store *s)
{
    for (int t = 0; t < TAB_COUNT; t++) buf_clear(&s->buf[t]);
    s->run_open = s->run_failed = false;
    if (sqlite3_get_autocommit(s->db)) {
        s->sweep_lost = s->sweep_open;
        s->sweep_open = false;
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
    if (stmt_exec(s, s->run_nested ? ST_SAVEPOINT : ST_BEGIN) < 0) {
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
                                TAB_NODE_EVENT};
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
    return 0;
fail:
    run_rollback(s);
    return -1;
}

void store_run_abort(Store *s)
{
    if (s && s->run_open) run_rollback(s);
}

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

/* ---- reading ---- */

static const char *col_text(sqlite3_stmt *st, int i, Arena *a)
{
    const unsigned char *v = sqlite3_column_text(st, i);
    return v ? arena_strndup(a, (const char *)v, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

static double col_real(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? (double)NAN : sqlite3_column_double(st, i);
}

static void read_run_row(sqlite3_stmt *st, Arena *a, StoreRunRow *r)
{
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

/* Steps a query to its end, handing each row to fn; -1 on any failure. */
static int query_rows(Store *s, sqlite3_stmt *st, void (*fn)(sqlite3_stmt *, void *), void *ctx)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) fn(st, ctx);
    if (rc != SQLITE_DONE) store_set_db_error(s);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Rows gather in a malloc'd vector, then move into the arena in one piece. */
typedef struct {
    Arena *a;
    VEC(StoreRunRow) runs;
    VEC(StoreRollout) rollouts;
    VEC(StoreSweepPoint) points;
    VEC(StoreSweepRow) sweeps;
    VEC(StoreSweepRun) sweep_runs;
    VEC(StoreStatusSample) samples;
    VEC(StoreVary) vary;
    VEC(const char *) values;
} Gather;

static void *arena_copy(Arena *a, const void *src, size_t n, size_t size)
{
    if (n == 0) return NULL;
    void *dst = arena_alloc(a, n * size);
    memcpy(dst, src, n * size);
    return dst;
}

static void gather_run(sqlite3_stmt *st, void *ctx)
{
    Gather *g = ctx;
    StoreRunRow r;
    read_run_row(st, g->a, &r);
    VEC_PUSH(g->runs, r);
}

int store_list_runs(Store *s, Arena *a, StoreRunRow **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    sqlite3_stmt *st = stmt_get(s, ST_RUN_LIST);
    if (!st) return -1;
    Gather g = {.a = a};
    int rc = query_rows(s, st, gather_run, &g);
    *rows = arena_copy(a, g.runs.v, g.runs.n, sizeof *g.runs.v);
    *n = g.runs.n;
    VEC_FREE(g.runs);
    return rc;
}

int store_get_run(Store *s, Arena *a, int64_t id, StoreRunRow *row, bool *found)
{
    *found = false;
    sqlite3_stmt *st = stmt_get(s, ST_RUN_GET);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    Gather g = {.a = a};
    int rc = query_rows(s, st, gather_run, &g);
    if (g.runs.n > 0) {
        *row = g.runs.v[0];
        *found = true;
    }
    VEC_FREE(g.runs);
    return rc;
}

static void gather_rollout(sqlite3_stmt *st, void *ctx)
{
    Gather *g = ctx;
    StoreRollout r = {
        .daemonset = col_text(st, 0, g->a),
        .revision = sqlite3_column_int64(st, 1),
        .started = sqlite3_column_double(st, 2),
        .completed = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1.0
                                                               : sqlite3_column_double(st, 3),
        .max_unavailable = sqlite3_column_int64(st, 4),
        .unavailable_pod_seconds = sqlite3_column_double(st, 5),
    };
    VEC_PUSH(g->rollouts, r);
}

int store_list_rollouts(Store *s, Arena *a, int64_t run_id, StoreRollout **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    sqlite3_stmt *st = stmt_get(s, ST_ROLLOUT_LIST);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, run_id);
    Gather g = {.a = a};
    int rc = query_rows(s, st, gather_rollout, &g);
    *rows = arena_copy(a, g.rollouts.v, g.rollouts.n, sizeof *g.rollouts.v);
    *n = g.rollouts.n;
    VEC_FREE(g.rollouts);
    return rc;
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

static void gather_point(sqlite3_stmt *st, void *ctx)
{
    Gather *g = ctx;
    StoreSweepPoint p = {
        .sweep_id = sqlite3_column_int64(st, 0),
        .point = sqlite3_column_int64(st, 1),
        .params = col_text(st, 2, g->a),
        .n = sqlite3_column_int64(st, 3),
        .n_converged = sqlite3_column_int64(st, 4),
    };
    read_summary(st, 5, &p.converge);
    read_summary(st, 11, &p.peak_unavailable);
    read_summary(st, 17, &p.unavailable_pod_seconds);
    read_summary(st, 23, &p.exposure);
    p.has_exposure = !isnan(p.exposure.mean);
    VEC_PUSH(g->points, p);
}

int store_list_sweep_points(Store *s, Arena *a, StoreSweepPoint **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    sqlite3_stmt *st = stmt_get(s, ST_SWEEP_POINT_LIST);
    if (!st) return -1;
    Gather g = {.a = a};
    int rc = query_rows(s, st, gather_point, &g);
    *rows = arena_copy(a, g.points.v, g.points.n, sizeof *g.points.v);
    *n = g.points.n;
    VEC_FREE(g.points);
    return rc;
}

static void gather_sweep(sqlite3_stmt *st, void *ctx)
{
    Gather *g = ctx;
    StoreSweepRow r = {
        .id = sqlite3_column_int64(st, 0),
        .scenario = col_text(st, 1, g->a),
        .seeds = sqlite3_column_int64(st, 2),
        .created_at = col_text(st, 3, g->a),
        .params = col_text(st, 4, g->a),
        .daemonset = col_text(st, 5, g->a),
        .status = col_text(st, 6, g->a),
        .wall_seconds = col_real(st, 7),
    };
    VEC_PUSH(g->sweeps, r);
}

int store_list_sweeps(Store *s, Arena *a, StoreSweepRow **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    sqlite3_stmt *st = stmt_get(s, ST_SWEEP_LIST);
    if (!st) return -1;
    Gather g = {.a = a};
    int rc = query_rows(s, st, gather_sweep, &g);
    *rows = arena_copy(a, g.sweeps.v, g.sweeps.n, sizeof *g.sweeps.v);
    *n = g.sweeps.n;
    VEC_FREE(g.sweeps);
    return rc;
}

static void gather_sweep_run(sqlite3_stmt *st, void *ctx)
{
    Gather *g = ctx;
    StoreSweepRun r = {
        .point = sqlite3_column_int64(st, 0),
        .seed = (uint64_t)sqlite3_column_int64(st, 1),
        .run_id = sqlite3_column_int64(st, 2),
    };
    VEC_PUSH(g->sweep_runs, r);
}

int store_list_sweep_runs(Store *s, Arena *a, int64_t sweep_id, StoreSweepRun **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    sqlite3_stmt *st = stmt_get(s, ST_SWEEP_RUN_LIST);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, sweep_id);
    Gather g = {.a = a};
    int rc = query_rows(s, st, gather_sweep_run, &g);
    *rows = arena_copy(a, g.sweep_runs.v, g.sweep_runs.n, sizeof *g.sweep_runs.v);
    *n = g.sweep_runs.n;
    VEC_FREE(g.sweep_runs);
    return rc;
}

/* Rows come as (key, value), grouped by key in command-line order. */
static void gather_vary(sqlite3_stmt *st, void *ctx)
{
    Gather *g = ctx;
    const char *key = col_text(st, 0, g->a);
    const char *value = col_text(st, 1, g->a);
    if (!key) return;
    if (g->vary.n == 0 || strcmp(g->vary.v[g->vary.n - 1].key, key) != 0) {
        StoreVary v = {.key = key, .first = g->values.n};
        VEC_PUSH(g->vary, v);
    }
    VEC_PUSH(g->values, value ? value : "null");
    g->vary.v[g->vary.n - 1].nvalues++;
}

int store_sweep_vary(Store *s, Arena *a, int64_t sweep_id, StoreVary **keys, size_t *n)
{
    *keys = NULL;
    *n = 0;
    sqlite3_stmt *st = stmt_get(s, ST_SWEEP_VARY);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, sweep_id);
    Gather g = {.a = a};
    int rc = query_rows(s, st, gather_vary, &g);
    const char **values = arena_copy(a, g.values.v, g.values.n, sizeof *g.values.v);
    for (size_t i = 0; i < g.vary.n; i++) {
        g.vary.v[i].values = values + g.vary.v[i].first;
    }
    *keys = arena_copy(a, g.vary.v, g.vary.n, sizeof *g.vary.v);
    *n = g.vary.n;
    VEC_FREE(g.vary);
    VEC_FREE(g.values);
    return rc;
}

static void gather_sample(sqlite3_stmt *st, void *ctx)
{
    Gather *g = ctx;
    StoreStatusSample r = {
        .t = sqlite3_column_double(st, 0),
        .desired = sqlite3_column_int64(st, 1),
        .unavailable = sqlite3_column_int64(st, 2),
        .updated_available = sqlite3_column_int64(st, 3),
    };
    VEC_PUSH(g->samples, r);
}

int store_status_series(Store *s, Arena *a, int64_t run_id, const char *daemonset,
                        StoreStatusSample **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    sqlite3_stmt *st = stmt_get(s, ST_STATUS_SERIES);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_text(st, 2, daemonset, -1, SQLITE_TRANSIENT);
    Gather g = {.a = a};
    int rc = query_rows(s, st, gather_sample, &g);
    *rows = arena_copy(a, g.samples.v, g.samples.n, sizeof *g.samples.v);
    *n = g.samples.n;
    VEC_FREE(g.samples);
    return rc;
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

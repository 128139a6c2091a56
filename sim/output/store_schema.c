/* store_schema.c: the results database's schema, its migration from
 * version 1, and opening and closing a handle (read-write or read-only). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_int.h"

#define SWEEP_STATUS_CHECK "CHECK (status IN ('complete', 'interrupted', 'incomplete'))"

/* The schema, version STORE_SCHEMA_VERSION. Times are simulated seconds
 * (REAL); wall-clock columns are the only non-reproducible ones. Columns
 * added since version 1 come last in their tables, in the order the
 * migration below adds them, so that a migrated file and a new one have the
 * same shape. */
/* Added in version 3. */
/* The Kubernetes Events the model records (schema 3). */
#define K8S_EVENT_TABLE_SQL                                 \
    "CREATE TABLE k8s_event (\n"                            \
    "  run_id INTEGER NOT NULL REFERENCES run(id)\n"        \
    "    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,\n" \
    "  t REAL NOT NULL,\n"                                  \
    "  kind TEXT NOT NULL,\n"                               \
    "  name TEXT NOT NULL,\n"                               \
    "  reason TEXT NOT NULL,\n"                             \
    "  message TEXT NOT NULL,\n"                            \
    "  type TEXT NOT NULL\n"                                \
    ") STRICT;\n"

#define WARNING_TABLE_SQL                                   \
    "CREATE TABLE warning (\n"                              \
    "  run_id INTEGER NOT NULL REFERENCES run(id)\n"        \
    "    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,\n" \
    "  t REAL NOT NULL,\n"                                  \
    "  daemonset TEXT,\n"                                   \
    "  message TEXT NOT NULL\n"                             \
    ") STRICT;\n"

/* A rollout plan's transitions (schema 4; version 3 to 4 adds it). */
#define ROLLOUT_PLAN_EVENT_TABLE_SQL                        \
    "CREATE TABLE rollout_plan_event (\n"                   \
    "  run_id INTEGER NOT NULL REFERENCES run(id)\n"        \
    "    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,\n" \
    "  t REAL NOT NULL,\n"                                  \
    "  daemonset TEXT NOT NULL,\n"                          \
    "  step INTEGER NOT NULL,\n"                            \
    "  what TEXT NOT NULL,\n"                               \
    "  detail TEXT\n"                                       \
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
#define X(f, K, name) "  " #f " INTEGER NOT NULL,\n"
    DS_STATUS_COUNTS(X)
#undef X
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
    K8S_EVENT_TABLE_SQL
    /* time to converge spelled out once, for plain-SQL charts */
    "CREATE VIEW rollout_summary AS\n"
    "  SELECT r.run_id, run.scenario, run.seed, r.daemonset, r.revision,\n"
    "         r.started, r.completed, r.completed - r.started AS time_to_converge,\n"
    "         r.max_unavailable, r.unavailable_pod_seconds\n"
    "  FROM rollout AS r JOIN run ON run.id = r.run_id;\n"
    /* last, where a migration adds it, so that both files have one shape */
    WARNING_TABLE_SQL;

/* After those (one string would outgrow what C compilers must accept). */
static const char store_schema_v4_sql[] = ROLLOUT_PLAN_EVENT_TABLE_SQL;

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

/* Version 2 to 3: the Kubernetes Events the model records and the run's warnings. */
static const char store_migrate_v2_sql[] = K8S_EVENT_TABLE_SQL WARNING_TABLE_SQL;

/* Version 4 to 5: pod_event's index is by run only (store_index_sql
 * creates it at the next commit). */
static const char store_migrate_v4_sql[] = "DROP INDEX IF EXISTS pod_event_run_pod_t;\n";

/* store_migrations[v] takes a file from version v to v + 1. */
static const char *const store_migrations[STORE_SCHEMA_VERSION] = {
    [1] = store_migrate_v1_sql,
    [2] = store_migrate_v2_sql,
    [3] = store_schema_v4_sql,
    [4] = store_migrate_v4_sql,
};

static void copy_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen) snprintf(err, errlen, "%s", msg);
}

bool store_scratch;

void store_set_scratch(bool on) { store_scratch = on; }

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
    if (version >= 1 && version < STORE_SCHEMA_VERSION && tables > 0) {
        for (int64_t v = version; v < STORE_SCHEMA_VERSION; v++)
            if (exec_sql(s, store_migrations[v]) < 0) goto fail;
        if (exec_sql(s, version_sql) < 0) goto fail;
        return exec_sql(s, "COMMIT");
    }
    if (version != 0 || tables != 0) {
        schema_reject(s, version, tables);
        goto fail;
    }
    if (exec_sql(s, store_schema_sql) < 0 || exec_sql(s, store_schema_v4_sql) < 0 ||
        exec_sql(s, version_sql) < 0)
        goto fail;
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
    /* and a device such as /dev/null, or a pipe, the same: neither can hold
     * the journal beside it nor be read back */
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        store_set_error(s, "not a regular file; a results database must be one");
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
        /* A scratch file (a sweep item's run) has one writer and is read
         * once, after it is closed: a rollback journal spares the WAL and
         * its checkpoint at close, and still lets whoever opens the file
         * next roll back what a killed writer left half done. */
        /* Another run may be writing the file through a rollback journal
         * (bulk_begin), which makes the switch to WAL fail at once with
         * SQLITE_BUSY: this handle then starts in that mode and its first
         * transaction waits for the other like any writer (busy timeout);
         * the other switches the file back to WAL when it ends. */
        if ((exec_sql(s, store_scratch ? "PRAGMA journal_mode = DELETE"
                                       : "PRAGMA journal_mode = WAL") < 0 &&
             (sqlite3_extended_errcode(s->db) & 0xff) != SQLITE_BUSY) ||
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

void store_close(Store *s)
{
    if (!s) return;
    if (s->run_open) store_run_abort(s);
    if (s->sweep_open) store_sweep_abort(s);
    store_source_detach(s);
    for (int i = 0; i < ST_COUNT; i++) sqlite3_finalize(s->stmt[i]);
    for (int t = 0; t < TAB_COUNT; t++) VEC_FREE(s->buf[t].pool);
    /* close_v2 frees everything even if a statement were left behind */
    sqlite3_close_v2(s->db);
    free(s);
}


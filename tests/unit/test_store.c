/* link: ds_output */
/* test_store.c: the results database. Each test works on files in a fresh
 * temporary directory: runs get distinct ids and never overwrite each other,
 * rows come back as written, an abort or a failed write leaves nothing, a
 * large run is timed (printed, not asserted: timing targets belong to the
 * benchmarks), and bad files, read-only places and newer schemas give a
 * message instead of a crash. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemonsim/store.h"
#include "harness.h"

static char *query_text;

static int suite_init(void) { return suite_setup(); }

/* Removes the directory and the files in it (no subdirectories are made,
 * except by the read-only test, which cleans up after itself). */
static int suite_clean(void)
{
    free(query_text);
    query_text = NULL;
    return suite_teardown();
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static Store *open_ok(const char *name)
{
    char err[256] = "";
    Store *s = store_open(tmp_path(name), err, sizeof err);
    EXPECT_STR(err, "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    return s;
}

/* The query's rows as the sqlite3 shell prints them, or "(error: ...)".
 * The text lives until the next call (or the suite's end). */
static const char *q(Store *s, const char *sql)
{
    free(query_text);
    query_text = NULL;
    if (store_query(s, sql, &query_text) < 0) {
        const char *msg = store_errmsg(s);
        query_text = malloc(strlen(msg) + 16);
        sprintf(query_text, "(error: %s)", msg);
    }
    return query_text;
}

static long long q_int(Store *s, const char *sql) { return atoll(q(s, sql)); }

static const StoreRunInfo info_demo = {
    .scenario = "demo", .seed = 42, .params = "{\"nodes\": 3}", .version = "test"};

static int64_t write_small_run(Store *s, const StoreRunInfo *info, int rows)
{
    int64_t id = 0;
    CU_ASSERT_EQUAL_FATAL(store_run_begin(s, info, &id), 0);
    for (int i = 0; i < rows; i++) {
        StoreStatus st = {.desired = 3, .current = i, .ready = i, .updated = i,
                          .available = i, .unavailable = 3 - i, .misscheduled = 0};
        CU_ASSERT_EQUAL(store_ds_status(s, i * 10.0, "fluentd", &st), 0);
    }
    StoreRunEnd end = {.sim_seconds = rows * 10.0, .wall_seconds = 0.01, .events = 100};
    CU_ASSERT_EQUAL(store_run_commit(s, &end), 0);
    return id;
}

static void test_open_creates_schema(void)
{
    Store *s = open_ok("schema.db");
    EXPECT_STR(q(s, "SELECT * FROM pragma_user_version"), "5\n");
    EXPECT_STR(q(s, "SELECT * FROM pragma_journal_mode"), "wal\n");
    EXPECT_STR(q(s, "SELECT * FROM pragma_synchronous"), "1\n"); /* NORMAL */
    EXPECT_STR(q(s, "SELECT * FROM pragma_foreign_keys"), "1\n");
    EXPECT_STR(q(s, "SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND "
                    "type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name"),
               "ds_status|1\nk8s_event|1\nnode_event|1\npod_event|1\nrollout|1\n"
               "rollout_plan_event|1\nrun|1\n"
               "sweep|1\nsweep_point|1\nsweep_run|1\nwarning|1\n");
    /* indexes come with the first commit, not before */
    EXPECT_STR(q(s, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL"),
               "0\n");
    write_small_run(s, &info_demo, 2);
    EXPECT_STR(q(s, "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL "
                    "ORDER BY name"),
               "ds_status_run_ds_t\npod_event_run\n");
    store_close(s);
}

static void test_memory_database(void)
{
    char err[256] = "";
    Store *s = store_open(":memory:", err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    EXPECT_EQ_I64(write_small_run(s, &info_demo, 3), 1);
    EXPECT_STR(q(s, "SELECT count(*) FROM ds_status"), "3\n");
    store_close(s);
}

static void test_two_runs_keep_apart(void)
{
    Store *s = open_ok("two.db");
    int64_t a = write_small_run(s, &info_demo, 3);
    StoreRunInfo other = info_demo;
    other.seed = 7;
    int64_t b = write_small_run(s, &other, 5);
    CU_ASSERT(b > a);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT seed, count(*) FROM run JOIN ds_status ON run_id = run.id "
                              "GROUP BY run.id ORDER BY run.id");
    EXPECT_STR(q(s, sql), "42|3\n7|5\n");
    snprintf(sql, sizeof sql, "SELECT group_concat(current) FROM ds_status WHERE run_id = %lld",
             (long long)a);
    EXPECT_STR(q(s, sql), "0,1,2\n");
    store_close(s);
}

static void test_rows_round_trip(void)
{
    Store *s = open_ok("roundtrip.db");
    StoreRunInfo info = {.scenario = "round \"trip\", ütf-8",
                         .seed = UINT64_MAX,
                         .params = "{ \"maxUnavailable\" : 2, \"nodes\": 70 }",
                         .version = "daemonsim test"};
    int64_t id;
    CU_ASSERT_EQUAL_FATAL(store_run_begin(s, &info, &id), 0);
    /* 70 rows: two full batches, then six one-row inserts at commit */
    char pod[64], node[64];
    for (int i = 0; i < 70; i++) {
        snprintf(pod, sizeof pod, "fluentd-%03d", i);
        snprintf(node, sizeof node, "workers-%d", i);
        CU_ASSERT_EQUAL(store_pod_event(s, i * 0.5, "fluentd", pod, i == 0 ? NULL : node, 1 + i % 2,
                                        i % 3 ? "Running" : "Pending"),
                        0);
    }
    CU_ASSERT_EQUAL(store_node_event(s, 1.25, "workers-1", "NotReady", NULL), 0);
    CU_ASSERT_EQUAL(store_node_event(s, 2.5, "workers-1", "Taint", "a,b \"c\"\nd"), 0);
    StoreStatus st = {1, 2, 3, 4, 5, 6, 7, 8};
    CU_ASSERT_EQUAL(store_ds_status(s, 3.0, "fluentd", &st), 0);
    StoreRollout done = {.daemonset = "fluentd", .revision = 2, .started = 600.0,
                         .completed = 4023.5, .max_unavailable = 5,
                         .unavailable_pod_seconds = 12345.625};
    StoreRollout open = {.daemonset = "node-exporter", .revision = 3, .started = 100.0,
                         .completed = -1, .max_unavailable = 1, .unavailable_pod_seconds = 0.5};
    CU_ASSERT_EQUAL(store_rollout(s, &done), 0);
    CU_ASSERT_EQUAL(store_rollout(s, &open), 0);
    CU_ASSERT_EQUAL(store_warning(s, 600.0, "fluentd", "update overlaps"), 0);
    CU_ASSERT_EQUAL(store_warning(s, 700.0, NULL, "no daemonset"), 0);
    StoreRunEnd end = {.sim_seconds = 4100.25, .wall_seconds = 0.125, .events = 123456789,
                       .expect_failures = 2};
    CU_ASSERT_EQUAL_FATAL(store_run_commit(s, &end), 0);

    EXPECT_STR(q(s, "SELECT t, daemonset, pod, node, revision, phase FROM pod_event "
                    "ORDER BY rowid LIMIT 3"),
               "0.0|fluentd|fluentd-000||1|Pending\n"
               "0.5|fluentd|fluentd-001|workers-1|2|Running\n"
               "1.0|fluentd|fluentd-002|workers-2|1|Running\n");
    EXPECT_STR(q(s, "SELECT count(*), count(node), sum(t), min(pod), max(pod) FROM pod_event"),
               "70|69|1207.5|fluentd-000|fluentd-069\n");
    /* insertion order survives the batching */
    EXPECT_STR(q(s, "SELECT count(*) FROM pod_event AS a JOIN pod_event AS b "
                    "ON b.rowid = a.rowid + 1 WHERE b.pod < a.pod"),
               "0\n");
    EXPECT_STR(q(s, "SELECT t, node, kind, quote(detail) FROM node_event ORDER BY rowid"),
               "1.25|workers-1|NotReady|NULL\n2.5|workers-1|Taint|'a,b \"c\"\nd'\n");
    EXPECT_STR(q(s, "SELECT * FROM ds_status"), "1|3.0|fluentd|1|2|3|4|5|6|7|8\n");
    EXPECT_STR(q(s, "SELECT updated_available FROM ds_status"), "8\n");
    EXPECT_STR(q(s, "SELECT t, quote(daemonset), message FROM warning ORDER BY rowid"),
               "600.0|'fluentd'|update overlaps\n700.0|NULL|no daemonset\n");
    EXPECT_STR(q(s, "SELECT daemonset, revision, time_to_converge FROM rollout_summary "
                    "ORDER BY started"),
               "node-exporter|3|\nfluentd|2|3423.5\n");

    Arena a = {0};
    StoreRunRow run;
    bool found;
    CU_ASSERT_EQUAL(store_get_run(s, &a, id, &run, &found), 0);
    CU_ASSERT_FATAL(found);
    EXPECT_STR(run.scenario, info.scenario);
    CU_ASSERT(run.seed == UINT64_MAX);
    EXPECT_STR(run.params, "{\"maxUnavailable\":2,\"nodes\":70}");
    EXPECT_STR(run.version, "daemonsim test");
    EXPECT_NEAR(run.sim_seconds, 4100.25, 0);
    EXPECT_NEAR(run.wall_seconds, 0.125, 0);
    EXPECT_EQ_I64(run.events, 123456789);
    EXPECT_EQ_I64(run.expect_failures, 2);
    /* 2024-05-01T12:00:00.123Z */
    CU_ASSERT_FATAL(run.started_at != NULL);
    EXPECT_EQ_I64(strlen(run.started_at), 24);
    CU_ASSERT(run.started_at[10] == 'T' && run.started_at[23] == 'Z');

    StoreRollout *ro;
    size_t n;
    CU_ASSERT_EQUAL(store_list_rollouts(s, &a, id, &ro, &n), 0);
    EXPECT_EQ_I64(n, 2);
    if (n == 2) {
        EXPECT_STR(ro[0].daemonset, "node-exporter");
        CU_ASSERT(ro[0].completed < 0);
        EXPECT_STR(ro[1].daemonset, "fluentd");
        EXPECT_NEAR(ro[1].completed, 4023.5, 0);
        EXPECT_EQ_I64(ro[1].max_unavailable, 5);
        EXPECT_NEAR(ro[1].unavailable_pod_seconds, 12345.625, 0);
    }
    CU_ASSERT(store_get_run(s, &a, id + 1, &run, &found) == 0 && !found);
    arena_free(&a);
    store_close(s);
}

static void test_abort_leaves_nothing(void)
{
    Store *s = open_ok("abort.db");
    write_small_run(s, &info_demo, 2);
    char err[256] = "";
    Store *reader = store_open_readonly(tmp_path("abort.db"), err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(reader);

    int64_t id;
    CU_ASSERT_EQUAL_FATAL(store_run_begin(s, &info_demo, &id), 0);
    for (int i = 0; i < 100; i++) {
        CU_ASSERT_EQUAL(store_pod_event(s, i, "ds", "pod", "node", 1, "Running"), 0);
        CU_ASSERT_EQUAL(store_node_event(s, i, "node", "Ready", NULL), 0);
    }
    /* nothing of an open run is visible to another connection */
    EXPECT_STR(q(reader, "SELECT count(*) FROM run"), "1\n");
    EXPECT_STR(q(reader, "SELECT count(*) FROM pod_event"), "0\n");
    store_run_abort(s);
    store_run_abort(s); /* a second abort is a no-op */
    EXPECT_STR(q(s, "SELECT count(*), max(id) FROM run"), "1|1\n");
    EXPECT_STR(q(s, "SELECT (SELECT count(*) FROM pod_event) + (SELECT count(*) FROM node_event) "
                    "+ (SELECT count(*) FROM ds_status)"),
               "2\n");
    /* the handle is ready for the next run */
    int64_t next = write_small_run(s, &info_demo, 1);
    EXPECT_EQ_I64(next, 2);
    EXPECT_STR(q(reader, "SELECT count(*) FROM run"), "2\n");
    store_close(reader);
    store_close(s);
}

static void test_failed_writes(void)
{
    Store *s = open_ok("errors.db");
    int64_t id;
    /* rows without a run */
    CU_ASSERT_EQUAL(store_pod_event(s, 0, "ds", "p", "n", 1, "Running"), -1);
    EXPECT_STR(store_errmsg(s), "no run in progress");
    CU_ASSERT_EQUAL(store_run_commit(s, &(StoreRunEnd){0}), -1);

    StoreRunInfo bad = info_demo;
    bad.params = "{not json";
    CU_ASSERT_EQUAL(store_run_begin(s, &bad, &id), -1);
    EXPECT_CONTAINS(store_errmsg(s), "CHECK constraint failed");

    CU_ASSERT_EQUAL_FATAL(store_run_begin(s, &info_demo, &id), 0);
    CU_ASSERT_EQUAL(store_run_begin(s, &info_demo, &id), -1);
    EXPECT_CONTAINS(store_errmsg(s), "already in progress");
    CU_ASSERT_EQUAL(store_pod_event(s, 0, "ds", "p", NULL, 1, "Pending"), 0);
    CU_ASSERT_EQUAL(store_pod_event(s, 0, "ds", NULL, "n", 1, "Running"), -1);
    EXPECT_STR(store_errmsg(s), "pod is NULL");
    /* the run takes nothing more and keeps the first message */
    StoreStatus st = {0};
    CU_ASSERT_EQUAL(store_ds_status(s, 1, "ds", &st), -1);
    EXPECT_STR(store_errmsg(s), "pod is NULL");
    CU_ASSERT_EQUAL(store_run_commit(s, &(StoreRunEnd){0}), -1);
    EXPECT_STR(store_errmsg(s), "pod is NULL");
    store_run_abort(s);
    EXPECT_STR(q(s, "SELECT (SELECT count(*) FROM run) + (SELECT count(*) FROM pod_event)"), "0\n");

    /* an error from SQLite itself, found when the batch is flushed */
    CU_ASSERT_EQUAL_FATAL(store_run_begin(s, &info_demo, &id), 0);
    CU_ASSERT_EQUAL(store_pod_event(s, NAN, "ds", "p", "n", 1, "Running"), 0);
    CU_ASSERT_EQUAL(store_run_commit(s, &(StoreRunEnd){0}), -1);
    EXPECT_STR(store_errmsg(s), "NOT NULL constraint failed: pod_event.t");
    EXPECT_STR(q(s, "SELECT count(*) FROM run"), "0\n");
    EXPECT_EQ_I64(write_small_run(s, &info_demo, 1) > 0, 1);

    /* the query helper reads and nothing else */
    char *out = NULL;
    CU_ASSERT_EQUAL(store_query(s, "DELETE FROM run", &out), -1);
    CU_ASSERT_PTR_NULL(out);
    EXPECT_STR(store_errmsg(s), "store_query takes exactly one read-only statement");
    CU_ASSERT_EQUAL(store_query(s, "SELECT 1; SELECT 2", &out), -1);
    CU_ASSERT_EQUAL(store_query(s, "SELECT nope FROM run", &out), -1);
    EXPECT_STR(store_errmsg(s), "no such column: nope");
    store_close(s);
}

/* Writes `rows` rows shaped like a rollout's (80% pod events) and returns
 * the seconds from store_run_begin to the end of store_run_commit. */
static double timed_run(Store *s, int rows, double *commit_seconds)
{
    char pod[32], node[32];
    int64_t id;
    double t0 = now_seconds();
    CU_ASSERT_EQUAL_FATAL(store_run_begin(s, &info_demo, &id), 0);
    static const char *const phases[] = {"Pending", "ContainerCreating", "Running", "Ready",
                                         "Terminating"};
    int pods = rows * 8 / 10, statuses = rows / 10, nodes = rows - pods - statuses;
    int fails = 0;
    for (int i = 0; i < pods; i++) {
        int n = (i * 7919) % (pods / 5 + 1); /* pods interleave, as in a rollout */
        snprintf(pod, sizeof pod, "fluentd-%05x", n);
        snprintf(node, sizeof node, "workers-%d", n);
        fails += store_pod_event(s, i * 0.01, "fluentd-elasticsearch", pod, node, 2, phases[i % 5]);
    }
    for (int i = 0; i < statuses; i++) {
        StoreStatus st = {10000, 10000, 9990, i, 9990, 10, 0, 0};
        fails += store_ds_status(s, i * 0.1, "fluentd-elasticsearch", &st);
    }
    for (int i = 0; i < nodes; i++) {
        snprintf(node, sizeof node, "workers-%d", i);
        fails += store_node_event(s, i * 1.0, node, "NotReady", "kubelet stopped posting status");
    }
    EXPECT_EQ_I64(fails, 0);
    double t1 = now_seconds();
    CU_ASSERT_EQUAL(store_run_commit(s, &(StoreRunEnd){.sim_seconds = 1}), 0);
    double t2 = now_seconds();
    *commit_seconds = t2 - t1;
    return t2 - t0;
}

static void test_large_run(void)
{
    const int rows = 200000;
    Store *s = open_ok("large.db");
    double commit, total = timed_run(s, rows, &commit);
    printf("\n    first run: %d rows in %.3f s (%.2f M rows/s), commit with index build %.3f s\n",
           rows, total, rows / total / 1e6, commit);
    /* the second run inserts into the indexes the first one built */
    total = timed_run(s, rows, &commit);
    printf("    second run: %d rows in %.3f s (%.2f M rows/s), commit %.3f s\n    ", rows, total,
           rows / total / 1e6, commit);
    EXPECT_STR(q(s, "SELECT count(*) FROM pod_event WHERE run_id = 2"), "160000\n");
    EXPECT_EQ_I64(q_int(s, "SELECT (SELECT count(*) FROM pod_event) + (SELECT count(*) FROM "
                           "ds_status) + (SELECT count(*) FROM node_event)"),
                  2 * rows);
    /* the chart queries use the indexes */
    EXPECT_CONTAINS(q(s, "EXPLAIN QUERY PLAN SELECT t, updated FROM ds_status "
                         "WHERE run_id = 1 AND daemonset = 'fluentd-elasticsearch' ORDER BY t"),
                    "USING INDEX ds_status_run_ds_t");
    store_close(s);
}

static void write_file(const char *path, const char *text, int copies)
{
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    for (int i = 0; i < copies; i++) fputs(text, f);
    fclose(f);
}

static void test_not_a_database(void)
{
    const char *path = tmp_path("notes.txt");
    write_file(path, "these are notes, not a database\n", 200);
    char err[256] = "";
    CU_ASSERT_PTR_NULL(store_open(path, err, sizeof err));
    EXPECT_STR(err, "file is not a database");
    err[0] = '\0';
    CU_ASSERT_PTR_NULL(store_open_readonly(path, err, sizeof err));
    EXPECT_STR(err, "file is not a database");
    EXPECT_EQ_I64(file_size(path), 200 * 32);
}

static void test_reopen_keeps_runs(void)
{
    Store *s = open_ok("reopen.db");
    write_small_run(s, &info_demo, 3);
    store_close(s);
    s = open_ok("reopen.db");
    StoreRunInfo other = info_demo;
    other.scenario = "second";
    EXPECT_EQ_I64(write_small_run(s, &other, 2), 2);
    store_close(s);

    char err[256] = "";
    s = store_open_readonly(tmp_path("reopen.db"), err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    Arena a = {0};
    StoreRunRow *runs;
    size_t n;
    CU_ASSERT_EQUAL(store_list_runs(s, &a, &runs, &n), 0);
    EXPECT_EQ_I64(n, 2);
    if (n == 2) {
        EXPECT_STR(runs[0].scenario, "demo");
        EXPECT_STR(runs[1].scenario, "second");
        EXPECT_EQ_I64(runs[0].id, 1);
        EXPECT_EQ_I64(runs[1].id, 2);
    }
    EXPECT_STR(q(s, "SELECT run_id, count(*) FROM ds_status GROUP BY run_id"), "1|3\n2|2\n");
    arena_free(&a);
    /* read-only means read-only */
    int64_t id;
    CU_ASSERT_EQUAL(store_run_begin(s, &info_demo, &id), -1);
    EXPECT_STR(store_errmsg(s), "database is open read-only");
    store_close(s);
}

static void test_readonly_open_checks(void)
{
    char err[256] = "";
    const char *missing = tmp_path("missing.db");
    CU_ASSERT_PTR_NULL(store_open_readonly(missing, err, sizeof err));
    EXPECT_STR(err, "unable to open database file (No such file or directory)");
    EXPECT_EQ_I64(file_size(missing), -1); /* not created */

    const char *empty = tmp_path("empty.db");
    write_file(empty, "", 0);
    err[0] = '\0';
    CU_ASSERT_PTR_NULL(store_open_readonly(empty, err, sizeof err));
    EXPECT_STR(err, "not a daemonsim results database");
    EXPECT_EQ_I64(file_size(empty), 0);

    /* a folder is not a file, whichever way it is opened */
    CU_ASSERT_PTR_NULL(store_open(tmpdir, err, sizeof err));
    EXPECT_STR(err, "Is a directory");
    CU_ASSERT_PTR_NULL(store_open_readonly(tmpdir, err, sizeof err));
    EXPECT_STR(err, "Is a directory");

    /* an empty file opened for writing becomes a database */
    Store *s = open_ok("empty.db");
    store_close(s);
    CU_ASSERT(file_size(empty) > 0);
}

/* Other SQLite files, made with the sqlite3 shell since only store*.c may
 * include <sqlite3.h>. Skipped (with a note) where the shell is missing. */
static void test_foreign_and_newer_databases(void)
{
    if (system("sqlite3 -version >/dev/null 2>&1") != 0) {
        printf("\n    (sqlite3 shell not found: skipped) ");
        return;
    }
    char cmd[1024], err[256] = "";
    const char *foreign = tmp_path("foreign.db");
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'CREATE TABLE run (x); INSERT INTO run VALUES (1)'",
             foreign);
    CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
    CU_ASSERT_PTR_NULL(store_open(foreign, err, sizeof err));
    EXPECT_STR(err, "not a daemonsim results database (schema version 0)");

    const char *other = tmp_path("other.db");
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'CREATE TABLE notes (x)'", other);
    CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
    CU_ASSERT_PTR_NULL(store_open_readonly(other, err, sizeof err));
    EXPECT_STR(err, "not a daemonsim results database");

    Store *s = open_ok("newer.db");
    store_close(s);
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'PRAGMA user_version = 99'", tmp_path("newer.db"));
    CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
    CU_ASSERT_PTR_NULL(store_open(tmp_path("newer.db"), err, sizeof err));
    EXPECT_STR(err, "written by a newer daemonsim (schema version 99, this one knows 5)");
}

/* Tries to create a database in a directory the process may not write, and
 * to write to an existing one there. Root writes anywhere, so as root the
 * attempt runs in a child that has become `nobody`. The child reports the
 * two messages through a pipe. */
static void test_readonly_directory(void)
{
    char dir[512], fresh[600], existing[600];
    snprintf(dir, sizeof dir, "%s/ro", tmpdir);
    snprintf(fresh, sizeof fresh, "%s/new.db", dir);
    snprintf(existing, sizeof existing, "%s/old.db", dir);
    CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
    char err[256] = "";
    Store *s = store_open(existing, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    write_small_run(s, &info_demo, 1);
    store_close(s);
    CU_ASSERT_EQUAL(chmod(existing, 0444), 0);
    CU_ASSERT_EQUAL(chmod(dir, 0555), 0);
    /* nobody must reach the directory */
    CU_ASSERT_EQUAL(chmod(tmpdir, 0755), 0);

    int fd[2];
    CU_ASSERT_EQUAL_FATAL(pipe(fd), 0);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        close(fd[0]);
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(77);
        char msg[2][256] = {"", ""};
        Store *a = store_open(fresh, msg[0], sizeof msg[0]);
        Store *b = store_open(existing, msg[1], sizeof msg[1]);
        int status = (a == NULL && b == NULL) ? 0 : 1;
        store_close(a);
        store_close(b);
        /* reading still works, though SQLite cannot make its -shm file */
        char rerr[256];
        Store *c = store_open_readonly(existing, rerr, sizeof rerr);
        char *rows = NULL;
        if (!c || store_query(c, "SELECT count(*) FROM run", &rows) < 0 || strcmp(rows, "1\n"))
            status = 3;
        free(rows);
        store_close(c);
        if (write(fd[1], msg, sizeof msg) != (ssize_t)sizeof msg) status = 2;
        _exit(status);
    }
    close(fd[1]);
    char msg[2][256] = {"", ""};
    ssize_t got = read(fd[0], msg, sizeof msg);
    close(fd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
        printf("\n    (cannot drop root privileges: skipped) ");
    } else {
        /* 1: a write open succeeded; 3: the read-only open failed */
        EXPECT_EQ_I64(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0);
        EXPECT_EQ_I64(got, (ssize_t)sizeof msg);
        EXPECT_STR(msg[0], "unable to open database file (Permission denied)");
        EXPECT_STR(msg[1], "attempt to write a readonly database");
    }
    EXPECT_EQ_I64(file_size(fresh), -1);
    chmod(dir, 0755);
    unlink(existing);
    char side[700];
    snprintf(side, sizeof side, "%s-wal", existing);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", existing);
    unlink(side);
    CU_ASSERT_EQUAL(rmdir(dir), 0);
}

static void test_sweep_tables(void)
{
    Store *s = open_ok("sweep.db");
    StoreSweepInfo info = {.scenario = "demo", .seeds = 2,
                           .params = "{\"maxUnavailable\": [1, 5]}"};
    int64_t sweep, run;
    CU_ASSERT_EQUAL_FATAL(store_sweep_begin(s, &info, &sweep), 0);
    CU_ASSERT_EQUAL(store_sweep_begin(s, &info, &sweep), -1);
    EXPECT_STR(store_errmsg(s), "a sweep is already in progress");
    run = write_small_run(s, &info_demo, 2); /* nested: a savepoint */
    CU_ASSERT_EQUAL(store_sweep_run(s, sweep, 0, 42, run), 0); /* before its point: deferred */
    StoreSweepPoint p = {
        .sweep_id = sweep, .point = 0, .params = "{\"maxUnavailable\": 1}", .n = 1,
        .n_converged = 1,
        .converge = {3423.5, NAN, NAN, 3423.5, 3423.5, 3423.5},
        .peak_unavailable = {1, 0, 0, 1, 1, 1},
        .unavailable_pod_seconds = {100.25, 0, 0, 100.25, 100.25, 100.25},
    };
    CU_ASSERT_EQUAL(store_sweep_point(s, &p), 0);
    CU_ASSERT_EQUAL(store_sweep_commit(s), 0);

    Arena a = {0};
    StoreSweepPoint *pts;
    size_t n;
    CU_ASSERT_EQUAL(store_list_sweep_points(s, &a, &pts, &n), 0);
    EXPECT_EQ_I64(n, 1);
    if (n == 1) {
        EXPECT_EQ_I64(pts[0].sweep_id, sweep);
        EXPECT_STR(pts[0].params, "{\"maxUnavailable\":1}");
        EXPECT_NEAR(pts[0].converge.mean, 3423.5, 0);
        CU_ASSERT(isnan(pts[0].converge.stddev));
        EXPECT_NEAR(pts[0].unavailable_pod_seconds.p99, 100.25, 0);
    }
    arena_free(&a);
    EXPECT_STR(q(s, "SELECT sweep_id, point, seed, run_id FROM sweep_run"), "1|0|42|1\n");
    EXPECT_STR(q(s, "SELECT converge_stddev IS NULL, seeds FROM sweep_point JOIN sweep ON id = sweep_id"),
               "1|2\n");

    /* an aborted sweep takes its runs with it */
    CU_ASSERT_EQUAL_FATAL(store_sweep_begin(s, &info, &sweep), 0);
    write_small_run(s, &info_demo, 2);
    store_sweep_abort(s);
    EXPECT_STR(q(s, "SELECT (SELECT count(*) FROM sweep), (SELECT count(*) FROM run)"), "1|1\n");

    /* a run that fails inside a sweep takes the sweep with it */
    CU_ASSERT_EQUAL_FATAL(store_sweep_begin(s, &info, &sweep), 0);
    CU_ASSERT_EQUAL_FATAL(store_run_begin(s, &info_demo, &run), 0);
    CU_ASSERT_EQUAL(store_node_event(s, NAN, "n", "Ready", NULL), 0);
    CU_ASSERT_EQUAL(store_run_commit(s, &(StoreRunEnd){0}), -1);
    EXPECT_STR(store_errmsg(s), "NOT NULL constraint failed: node_event.t");
    CU_ASSERT_EQUAL(store_sweep_commit(s), -1);
    EXPECT_STR(store_errmsg(s), "the sweep was rolled back when one of its runs failed");
    EXPECT_STR(q(s, "SELECT (SELECT count(*) FROM sweep), (SELECT count(*) FROM run)"), "1|1\n");

    /* a sweep_run whose point never comes fails at the commit */
    CU_ASSERT_EQUAL_FATAL(store_sweep_begin(s, &info, &sweep), 0);
    CU_ASSERT_EQUAL(store_sweep_run(s, sweep, 5, 1, 1), 0);
    CU_ASSERT_EQUAL(store_sweep_commit(s), -1);
    EXPECT_STR(store_errmsg(s), "FOREIGN KEY constraint failed");
    EXPECT_STR(q(s, "SELECT count(*) FROM sweep"), "1\n");
    store_close(s);
}

/* An older file: a new one with one run, then `sql` run on it by the sqlite3
 * shell (which takes it back to the older shape). False, with a note, when
 * there is no shell. */
static bool older_file(const char *name, const char *sql)
{
    if (system("sqlite3 -version >/dev/null 2>&1") != 0) {
        printf("\n    (sqlite3 shell not found: skipped) ");
        return false;
    }
    Store *s = open_ok(name);
    EXPECT_EQ_I64(write_small_run(s, &info_demo, 1), 1);
    store_close(s);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' '%s'", tmp_path(name), sql);
    CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
    return true;
}

/* A version 2 file (a new one without the warning table) is read as it is
 * read-only and gets the table when opened for writing. */
static void test_schema_v2_migration(void)
{
    if (!older_file("v2.db", "DROP TABLE warning; DROP TABLE k8s_event; "
                             "DROP TABLE rollout_plan_event; PRAGMA user_version = 2"))
        return;
    char err[256] = "";
    Store *r = store_open_readonly(tmp_path("v2.db"), err, sizeof err);
    EXPECT_STR(err, "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    EXPECT_STR(q(r, "SELECT * FROM pragma_user_version"), "2\n");
    store_close(r);
    Store *s = open_ok("v2.db");
    EXPECT_STR(q(s, "SELECT * FROM pragma_user_version"), "5\n");
    int64_t id;
    CU_ASSERT_EQUAL_FATAL(store_run_begin(s, &info_demo, &id), 0);
    CU_ASSERT_EQUAL(store_warning(s, 1.5, "ds", "late"), 0);
    StoreRunEnd end = {.sim_seconds = 2};
    CU_ASSERT_EQUAL(store_run_commit(s, &end), 0);
    EXPECT_STR(q(s, "SELECT run_id, t, daemonset, message FROM warning"), "2|1.5|ds|late\n");
    store_close(s);
}

/* A version 3 file (without the rollout_plan_event table) gets the table
 * when opened for writing, in the shape of a new file. */
static void test_schema_v3_migration(void)
{
    if (!older_file("v3.db", "DROP TABLE rollout_plan_event; PRAGMA user_version = 3")) return;
    Store *s = open_ok("v3.db");
    EXPECT_STR(q(s, "SELECT * FROM pragma_user_version"), "5\n");
    int64_t id;
    CU_ASSERT_EQUAL_FATAL(store_run_begin(s, &info_demo, &id), 0);
    CU_ASSERT_EQUAL(store_plan_event(s, 300, "agent", 1, "StepUpgrade", "partition 9"), 0);
    CU_ASSERT_EQUAL(store_plan_event(s, 301, "agent", 0, "Started", NULL), 0);
    StoreRunEnd end = {.sim_seconds = 400};
    CU_ASSERT_EQUAL(store_run_commit(s, &end), 0);
    EXPECT_STR(q(s, "SELECT run_id, t, daemonset, step, what, quote(detail) FROM rollout_plan_event"),
               "2|300.0|agent|1|StepUpgrade|'partition 9'\n2|301.0|agent|0|Started|NULL\n");
    Store *fresh = open_ok("v4-shape.db");
    const char *shape = "SELECT group_concat(p.name || ':' || p.type) FROM "
                        "pragma_table_info('rollout_plan_event') AS p";
    char *cols = xstrdup(q(fresh, shape));
    EXPECT_STR(q(s, shape), cols);
    free(cols);
    store_close(fresh);
    store_close(s);
}

/* A version 4 file has pod_event's index by (run_id, pod, t); opened for
 * writing, it loses it, and the next commit builds the one by run. */
static void test_schema_v4_migration(void)
{
    if (!older_file("v4.db", "DROP INDEX pod_event_run; "
                             "CREATE INDEX pod_event_run_pod_t ON pod_event(run_id, pod, t); "
                             "PRAGMA user_version = 4"))
        return;
    const char *indexes = "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema "
                          "WHERE type = 'index' AND sql IS NOT NULL ORDER BY name)";
    Store *s = open_ok("v4.db");
    EXPECT_STR(q(s, "SELECT * FROM pragma_user_version"), "5\n");
    EXPECT_STR(q(s, indexes), "ds_status_run_ds_t\n");
    EXPECT_EQ_I64(write_small_run(s, &info_demo, 2), 2);
    EXPECT_STR(q(s, indexes), "ds_status_run_ds_t pod_event_run\n");
    store_close(s);
}

/* A version 1 file (tests/unit/schema-v1.sql, made with the sqlite3 shell)
 * is read as it is by a read-only handle and migrated by a writing one. */
static void test_schema_v1_migration(void)
{
    if (system("sqlite3 -version >/dev/null 2>&1") != 0) {
        printf("\n    (sqlite3 shell not found: skipped) ");
        return;
    }
    const char *path = tmp_path("v1.db");
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "sqlite3 '%s' < '%s/tests/unit/schema-v1.sql' && sqlite3 '%s' \""
             "INSERT INTO run (scenario, seed, params, started_at, version) "
             "VALUES ('old', 1, '{}', 'x', 'v1'); "
             "INSERT INTO ds_status VALUES (1, 10.0, 'ds', 4, 4, 3, 2, 3, 1, 0); "
             "INSERT INTO sweep (scenario, seeds, created_at, params) VALUES ('old', 3, 'x', '{}'); "
             "INSERT INTO sweep_point (sweep_id, point, params, n, n_converged, converge_mean) "
             "VALUES (1, 0, '{}', 3, 2, 60.0)\"",
             path, DS_SOURCE_DIR, path);
    CU_ASSERT_EQUAL_FATAL(system(cmd), 0);

    char err[256] = "";
    Store *r = store_open_readonly(path, err, sizeof err);
    EXPECT_STR(err, "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    Arena a = {0};
    StoreSweepPoint *pts;
    size_t n;
    CU_ASSERT_EQUAL(store_list_sweep_points(r, &a, &pts, &n), 0);
    EXPECT_EQ_I64(n, 1);
    if (n == 1) {
        EXPECT_NEAR(pts[0].converge.mean, 60, 0);
        CU_ASSERT(!pts[0].has_exposure);
    }
    StoreSweepRow *sw;
    CU_ASSERT_EQUAL(store_list_sweeps(r, &a, &sw, &n), 0);
    EXPECT_EQ_I64(n, 1);
    if (n == 1) EXPECT_STR(sw[0].status, "complete");
    /* no updated_available column: available - (current - updated) = 3 - (4 - 2) */
    StoreStatusSample *ss;
    CU_ASSERT_EQUAL(store_status_series(r, &a, 1, "ds", &ss, &n), 0);
    EXPECT_EQ_I64(n, 1);
    if (n == 1) EXPECT_EQ_I64(ss[0].updated_available, 1);
    EXPECT_STR(q(r, "SELECT * FROM pragma_user_version"), "1\n");
    store_close(r);

    Store *s = open_ok("v1.db");
    EXPECT_STR(q(s, "SELECT * FROM pragma_user_version"), "5\n");
    EXPECT_STR(q(s, "SELECT count(*) FROM k8s_event"), "0\n");
    EXPECT_STR(q(s, "SELECT count(*) FROM rollout_plan_event"), "0\n");
    EXPECT_STR(q(s, "SELECT count(*) FROM warning"), "0\n");
    EXPECT_STR(q(s, "SELECT quote(updated_available) FROM ds_status"), "NULL\n");
    EXPECT_STR(q(s, "SELECT not_converged, quote(exposure_mean) FROM sweep_point"), "1|NULL\n");
    EXPECT_STR(q(s, "SELECT status, quote(daemonset) FROM sweep"), "complete|NULL\n");
    /* the migrated file takes new rows like a new one */
    EXPECT_EQ_I64(write_small_run(s, &info_demo, 2), 2);
    EXPECT_STR(q(s, "SELECT group_concat(quote(updated_available)) FROM ds_status"), "NULL,0,0\n");
    /* and has the shape of a new one */
    Store *fresh = open_ok("v2-shape.db");
    char *cols = xstrdup(q(fresh, "SELECT group_concat(m.name || '.' || p.name || ':' || p.type) "
                                  "FROM sqlite_schema AS m, pragma_table_info(m.name) AS p "
                                  "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%'"));
    EXPECT_STR(q(s, "SELECT group_concat(m.name || '.' || p.name || ':' || p.type) "
                    "FROM sqlite_schema AS m, pragma_table_info(m.name) AS p "
                    "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%'"),
               cols);
    free(cols);
    store_close(fresh);
    arena_free(&a);
    store_close(s);
}

/* Writes one run with a rollout and a few rows, into its own file's next id. */
static int64_t write_source_run(Store *s, uint64_t seed, double completed)
{
    StoreRunInfo info = {.scenario = "demo", .seed = seed, .params = "{}", .version = "test"};
    int64_t id = 0;
    CU_ASSERT_EQUAL_FATAL(store_run_begin(s, &info, &id), 0);
    char pod[32];
    for (int i = 0; i < 3; i++) {
        snprintf(pod, sizeof pod, "p%llu-%d", (unsigned long long)seed, i);
        char node[32];
        snprintf(node, sizeof node, "n%d", i % 2);
        CU_ASSERT_EQUAL(store_pod_event(s, i, "ds", pod, node, i == 2 ? 2 : 1, "Created"), 0);
        CU_ASSERT_EQUAL(store_pod_event(s, i + 0.5, "ds", pod, node, i == 2 ? 2 : 1, "Ready"), 0);
    }
    StoreStatus st = {.desired = 2, .updated_available = (int64_t)seed};
    CU_ASSERT_EQUAL(store_ds_status(s, 1.0, "ds", &st), 0);
    CU_ASSERT_EQUAL(store_node_event(s, 0.25, "n0", "Added", NULL), 0);
    StoreRollout r1 = {.daemonset = "ds", .revision = 1, .started = 0, .completed = 5,
                       .max_unavailable = 2, .unavailable_pod_seconds = 3};
    StoreRollout r2 = {.daemonset = "ds", .revision = 2, .started = 10, .completed = completed,
                       .max_unavailable = (int64_t)seed, .unavailable_pod_seconds = 7.5};
    CU_ASSERT_EQUAL(store_rollout(s, &r1), 0);
    CU_ASSERT_EQUAL(store_rollout(s, &r2), 0);
    CU_ASSERT_EQUAL(store_run_commit(s, &(StoreRunEnd){.sim_seconds = 20, .events = seed}), 0);
    return id;
}

/* Runs spread over two sources come out in the order listed, with every
 * row, whatever the split; the merged file reads back its figures. */
static void test_merge_runs(void)
{
    Store *a = open_ok("src-a.db"), *b = open_ok("src-b.db");
    int64_t a1 = write_source_run(a, 11, 30), a2 = write_source_run(a, 13, -1);
    int64_t b1 = write_source_run(b, 12, 40);
    store_close(a);
    store_close(b);
    Store *s = open_ok("merged.db");
    write_small_run(s, &info_demo, 1); /* run 1 was there before */
    const char *paths[] = {tmp_path("src-a.db"), tmp_path("src-b.db")};
    StoreMergeRun runs[] = {{0, a1}, {1, b1}, {0, a2}};
    int64_t ids[3] = {0};
    int64_t sweep;
    CU_ASSERT_EQUAL(store_merge_runs(s, paths, 2, runs, 3, ids), -1);
    EXPECT_STR(store_errmsg(s), "no sweep in progress");
    StoreSweepInfo info = {.scenario = "demo", .seeds = 3, .daemonset = "ds",
                           .params = "{\"vary\":[{\"key\":\"maxSurge\",\"values\":[0,\"5%\"]}]}",
                           .bulk = true};
    CU_ASSERT_EQUAL_FATAL(store_sweep_begin(s, &info, &sweep), 0);
    CU_ASSERT_EQUAL_FATAL(store_merge_runs(s, paths, 2, runs, 3, ids), 0);
    EXPECT_EQ_I64(ids[0], 2);
    EXPECT_EQ_I64(ids[1], 3);
    EXPECT_EQ_I64(ids[2], 4);
    EXPECT_STR(q(s, "SELECT group_concat(seed) FROM (SELECT seed FROM run ORDER BY id)"), "42,11,12,13\n");
    /* rows in run order, each run's rows in their own order */
    EXPECT_STR(q(s, "SELECT group_concat(run_id || ':' || pod || ':' || phase, ' ') FROM "
                    "(SELECT * FROM pod_event WHERE pod LIKE 'p%-0' ORDER BY rowid)"),
               "2:p11-0:Created 2:p11-0:Ready 3:p12-0:Created 3:p12-0:Ready "
               "4:p13-0:Created 4:p13-0:Ready\n");
    EXPECT_STR(q(s, "SELECT count(*) FROM pod_event AS x JOIN pod_event AS y ON y.rowid = x.rowid + 1 "
                    "WHERE y.run_id < x.run_id"), "0\n");
    EXPECT_STR(q(s, "SELECT run_id, updated_available FROM ds_status WHERE run_id > 1 ORDER BY rowid"),
               "2|11\n3|12\n4|13\n");
    EXPECT_STR(q(s, "SELECT group_concat(run_id) FROM node_event"), "2,3,4\n");
    EXPECT_STR(q(s, "SELECT group_concat(run_id || '/' || revision) FROM rollout"), "2/1,2/2,3/1,3/2,4/1,4/2\n");
    /* merging twice into one sweep is refused */
    CU_ASSERT_EQUAL(store_merge_runs(s, paths, 2, runs, 1, ids), -1);

    /* figures: the last rollout, and the nodes that got revision 2 */
    StoreRunFigures f;
    int64_t bad[] = {2};
    CU_ASSERT_EQUAL(store_run_figures(s, 2, "ds", bad, 1, &f), 0);
    CU_ASSERT(f.found);
    EXPECT_EQ_I64(f.rollout.revision, 2);
    EXPECT_NEAR(f.rollout.completed - f.rollout.started, 20, 0);
    EXPECT_EQ_I64(f.rollout.max_unavailable, 11);
    EXPECT_EQ_I64(f.exposed, 1);
    CU_ASSERT_EQUAL(store_run_figures(s, 4, "ds", NULL, 0, &f), 0);
    CU_ASSERT(f.found && f.rollout.completed < 0);
    EXPECT_EQ_I64(f.exposed, -1);
    int64_t both[] = {1, 2};
    CU_ASSERT_EQUAL(store_run_figures(s, 4, "ds", both, 2, &f), 0);
    EXPECT_EQ_I64(f.exposed, 2);
    CU_ASSERT_EQUAL(store_run_figures(s, 4, "other", NULL, 0, &f), 0);
    CU_ASSERT(!f.found);

    for (uint32_t i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(store_sweep_run(s, sweep, i % 2, 100 + i, ids[i]), 0);
    for (int p = 0; p < 2; p++) {
        StoreSweepPoint pt = {.sweep_id = sweep, .point = p, .params = "{}", .n = 2 - p,
                              .n_converged = 1, .has_exposure = p == 0,
                              .exposure = {1.5, 0.5, 4.5, 1.5, 1.9, 1.99}};
        CU_ASSERT_EQUAL(store_sweep_point(s, &pt), 0);
    }
    CU_ASSERT_EQUAL(store_sweep_status(s, sweep, "interrupted", 1.25), 0);
    CU_ASSERT_EQUAL_FATAL(store_sweep_commit(s), 0);
    /* the sources are detached and the file is back in WAL mode */
    EXPECT_STR(q(s, "SELECT count(*) FROM pragma_database_list"), "1\n");
    EXPECT_STR(q(s, "SELECT * FROM pragma_journal_mode"), "wal\n");
    EXPECT_STR(q(s, "SELECT not_converged, exposure_ci95, quote(peak_unavailable_mean) FROM sweep_point"),
               "1|4.5|0.0\n0||0.0\n");

    Arena ar = {0};
    StoreSweepRow *sw;
    size_t n;
    CU_ASSERT_EQUAL(store_list_sweeps(s, &ar, &sw, &n), 0);
    EXPECT_EQ_I64(n, 1);
    if (n == 1) {
        EXPECT_STR(sw[0].status, "interrupted");
        EXPECT_STR(sw[0].daemonset, "ds");
        EXPECT_NEAR(sw[0].wall_seconds, 1.25, 0);
        EXPECT_EQ_I64(sw[0].seeds, 3);
    }
    StoreSweepRun *sr;
    CU_ASSERT_EQUAL(store_list_sweep_runs(s, &ar, sweep, &sr, &n), 0);
    EXPECT_EQ_I64(n, 3);
    if (n == 3) {
        EXPECT_EQ_I64(sr[0].point, 0);
        EXPECT_EQ_I64(sr[0].run_id, 2);
        EXPECT_EQ_I64(sr[1].run_id, 4);
        EXPECT_EQ_I64(sr[2].point, 1);
    }
    StoreVary *vary;
    CU_ASSERT_EQUAL(store_sweep_vary(s, &ar, sweep, &vary, &n), 0);
    EXPECT_EQ_I64(n, 1);
    if (n == 1) {
        EXPECT_STR(vary[0].key, "maxSurge");
        EXPECT_EQ_I64(vary[0].nvalues, 2);
        if (vary[0].nvalues == 2) {
            EXPECT_STR(vary[0].values[0], "0");
            EXPECT_STR(vary[0].values[1], "5%");
        }
    }
    StoreSweepPoint *pts;
    CU_ASSERT_EQUAL(store_list_sweep_points(s, &ar, &pts, &n), 0);
    CU_ASSERT(n == 2 && pts[0].has_exposure && !pts[1].has_exposure);
    StoreStatusSample *ss;
    CU_ASSERT_EQUAL(store_status_series(s, &ar, 3, "ds", &ss, &n), 0);
    CU_ASSERT(n == 1 && ss[0].updated_available == 12 && ss[0].desired == 2);
    arena_free(&ar);
    store_close(s);
}

/* A merge that fails (a listed run is not in its source) leaves the file
 * as it was. */
static void test_merge_failure_leaves_nothing(void)
{
    Store *s = open_ok("merge-fail.db");
    const char *paths[] = {tmp_path("src-a.db"), tmp_path("no-such-dir/x.db")};
    StoreMergeRun missing[] = {{0, 1}, {0, 99}};
    int64_t ids[2], sweep;
    StoreSweepInfo info = {.scenario = "demo", .seeds = 1};
    CU_ASSERT_EQUAL_FATAL(store_sweep_begin(s, &info, &sweep), 0);
    CU_ASSERT_EQUAL(store_merge_runs(s, paths, 2, missing, 2, ids), -1);
    EXPECT_CONTAINS(store_errmsg(s), "src-a.db: no run 99");
    store_sweep_abort(s);
    EXPECT_STR(q(s, "SELECT (SELECT count(*) FROM run) + (SELECT count(*) FROM sweep) + "
                    "(SELECT count(*) FROM pod_event)"), "0\n");
    StoreMergeRun unopenable[] = {{1, 1}};
    CU_ASSERT_EQUAL_FATAL(store_sweep_begin(s, &info, &sweep), 0);
    CU_ASSERT_EQUAL(store_merge_runs(s, paths, 2, unopenable, 1, ids), -1);
    EXPECT_CONTAINS(store_errmsg(s), "no-such-dir/x.db: unable to open database");
    store_sweep_abort(s);
    EXPECT_STR(q(s, "SELECT count(*) FROM pragma_database_list"), "1\n");
    store_close(s);
}

static CU_TestInfo store_tests[] = {
    {"open creates the schema", test_open_creates_schema},
    {"in-memory database", test_memory_database},
    {"two runs keep apart", test_two_runs_keep_apart},
    {"rows round-trip", test_rows_round_trip},
    {"abort leaves nothing", test_abort_leaves_nothing},
    {"failed writes", test_failed_writes},
    {"large run (timed)", test_large_run},
    {"not a database", test_not_a_database},
    {"reopen keeps runs", test_reopen_keeps_runs},
    {"read-only open checks", test_readonly_open_checks},
    {"foreign and newer databases", test_foreign_and_newer_databases},
    {"read-only directory", test_readonly_directory},
    {"sweep tables", test_sweep_tables},
    {"schema 1 is read and migrated", test_schema_v1_migration},
    {"schema 2 is read and migrated", test_schema_v2_migration},
    {"schema 3 gains the rollout_plan_event table", test_schema_v3_migration},
    {"schema 4's pod_event index becomes one by run", test_schema_v4_migration},
    {"merge runs", test_merge_runs},
    {"failed merge leaves nothing", test_merge_failure_leaves_nothing},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"store", suite_init, suite_clean, NULL, NULL, store_tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

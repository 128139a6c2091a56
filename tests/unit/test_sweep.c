/* link: ds_cli */
/* test_sweep.c: `daemonsim sweep` as a user runs it, through cmd_sweep().
 *
 * A toy scenario with constant latencies makes every figure computable by
 * hand: 4 nodes, each replaced in termination 3 s + image pull 10 s +
 * readiness 5 s = 18 s (the old pod counts as available while it
 * terminates, as upstream counts it), so with maxUnavailable m the rollout
 * takes ceil(4/m) waves of 18 s, at most m pods are unavailable, and the
 * unavailable pod-seconds are 4 x 15. With a random image pull the summary is
 * checked against a computation from the stored runs. Then: -j 1 and -j 2
 * give the same file; a worker killed mid-sweep (the
 * DAEMONSIM_TEST_KILL_WORKER hook) and Ctrl-C leave a consistent database
 * with the finished runs; skipped points, bad input and bad usage. */
#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemonsim/cli.h"
#include "daemonsim/rng.h"
#include "daemonsim/store.h"
#include "harness.h"

static char *text_buf;

static const char toy_yaml[] =
    "apiVersion: daemonsim/v1\n"
    "kind: Scenario\n"
    "metadata: {name: toy}\n"
    "spec:\n"
    "  seed: 3\n"
    "  duration: 1h\n"
    "  sample: 0\n"
    "  cluster:\n"
    "    nodePools:\n"
    "      - {name: workers, count: 4}\n"
    "  daemonSets:\n"
    "    - manifest:\n"
    "        apiVersion: apps/v1\n"
    "        kind: DaemonSet\n"
    "        metadata: {name: agent}\n"
    "        spec:\n"
    "          selector: {matchLabels: {app: agent}}\n"
    "          template:\n"
    "            metadata: {labels: {app: agent}}\n"
    "            spec:\n"
    "              containers: [{name: agent, image: \"agent:1\"}]\n"
    "  timing:\n"
    "    watch: 0s\n"
    "    schedule: 0s\n"
    "    imagePull: %s\n"
    "    containerStart: 0s\n"
    "    readiness: 5s\n"
    "    termination: 3s\n"
    "  events:\n"
    "    - at: 1m\n"
    "      updateDaemonSet: {name: agent, image: \"agent:2\"%s}\n"
    "%s";

/* Writes the toy scenario with the given image pull, update extras and
 * further events; returns its path. */
static const char *write_toy(const char *name, const char *pull, const char *update_extra,
                             const char *more_events)
{
    const char *path = tmp_path(name);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fprintf(f, toy_yaml, pull, update_extra, more_events);
    fclose(f);
    return path;
}

static int suite_init(void) { return suite_setup(); }

static int suite_clean(void)
{
    free(text_buf);
    return suite_teardown();
}

/* Runs cmd_sweep with stdout and stderr going to files; their text is in
 * sweep_out and sweep_err until the next call. */
static char *sweep_out, *sweep_err;

static int run_sweep_argv(int argc, char **argv)
{
    return run_captured(cmd_sweep, argc, argv, &sweep_out, &sweep_err);
}

#define SWEEP(...)                                                                   \
    run_sweep_argv((int)DS_ARRAY_LEN(((const char *[]){"sweep", __VA_ARGS__})),     \
                   (char **)(const char *[]){"sweep", __VA_ARGS__})

/* The rows of one query on a database, as the sqlite3 shell lists them. */
static const char *q(const char *db, const char *sql)
{
    free(text_buf);
    text_buf = NULL;
    char err[256];
    Store *s = store_open_readonly(db, err, sizeof err);
    if (!s) {
        text_buf = malloc(strlen(err) + 16);
        sprintf(text_buf, "(open: %s)", err);
        return text_buf;
    }
    if (store_query(s, sql, &text_buf) < 0) {
        const char *msg = store_errmsg(s);
        text_buf = malloc(strlen(msg) + 16);
        sprintf(text_buf, "(error: %s)", msg);
    }
    store_close(s);
    return text_buf;
}


static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* Files in tmpdir whose name starts with prefix. */
static int count_files(const char *prefix)
{
    DIR *d = opendir(tmpdir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) n += !strncmp(e->d_name, prefix, strlen(prefix));
    if (d) closedir(d);
    return n;
}

/* ---- figures ---------------------------------------------------------------------- */

static void test_known_figures(void)
{
    const char *sc = write_toy("toy.yaml", "10s", "", "");
    const char *db = tmp_path("known.db");
    EXPECT_EQ_I64(SWEEP(sc, "--vary", "maxUnavailable=1,2,4", "--seeds", "3", "-j", "2", "-o", db),
                  EXIT_OK);
    EXPECT_TEXT(q(db, "SELECT point, params, n, n_converged, not_converged, converge_mean, "
                     "converge_stddev, converge_ci95, converge_p50, converge_p99, "
                     "peak_unavailable_mean, unavailable_pod_seconds_mean, quote(exposure_mean) "
                     "FROM sweep_point ORDER BY point"),
               "0|{\"maxUnavailable\":1}|3|3|0|72.0|0.0|0.0|72.0|72.0|1.0|60.0|NULL\n"
               "1|{\"maxUnavailable\":2}|3|3|0|36.0|0.0|0.0|36.0|36.0|2.0|60.0|NULL\n"
               "2|{\"maxUnavailable\":4}|3|3|0|18.0|0.0|0.0|18.0|18.0|4.0|60.0|NULL\n");
    EXPECT_TEXT(q(db, "SELECT scenario, seeds, daemonset, status FROM sweep"), "toy|3|agent|complete\n");
    /* seed k = rng_mix(scenario seed, k), top bit cleared; the same k at every point */
    char want[256];
    snprintf(want, sizeof want, "%llu|%llu|%llu\n",
             (unsigned long long)(rng_mix(3, 0) & (UINT64_MAX >> 1)),
             (unsigned long long)(rng_mix(3, 1) & (UINT64_MAX >> 1)),
             (unsigned long long)(rng_mix(3, 2) & (UINT64_MAX >> 1)));
    for (int p = 0; p < 3; p++) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT group_concat(seed, '|') FROM (SELECT seed FROM sweep_run "
                                  "WHERE point = %d ORDER BY run_id)", p);
        EXPECT_TEXT(q(db, sql), want);
    }
    /* every run row names its overrides and seed, in (point, seed) order */
    EXPECT_CONTAINS(q(db, "SELECT params FROM run WHERE id = 4"), "{\"maxUnavailable\":2,\"seed\":");
    EXPECT_TEXT(q(db, "SELECT count(*) FROM run JOIN sweep_run ON run_id = run.id AND "
                     "run.seed = sweep_run.seed"), "9\n");
    /* the summary table on stdout, one row per point */
    EXPECT_CONTAINS(sweep_out, "maxUnavailable   RUNS   NOT-CONVERGED   TIME-TO-CONVERGE");
    EXPECT_CONTAINS(sweep_out, "\n1                3      0               1m12s");
    EXPECT_CONTAINS(sweep_out, "\n4                3      0               18s");
    EXPECT_CONTAINS(sweep_err, "sweep: 3 points (0 skipped) x 3 seeds = 9 runs on 2 workers\n");
    EXPECT_CONTAINS(sweep_err, "sweep 1: 9 of 9 runs stored in");
    EXPECT_EQ_I64(count_files("known.db.sweep-"), 0);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Linear interpolation between order statistics, at (n - 1) f. */
static double quantile(const double *sorted, size_t n, double f)
{
    double pos = f * (double)(n - 1);
    size_t lo = (size_t)pos;
    if (lo + 1 >= n) return sorted[n - 1];
    return sorted[lo] + (pos - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

static void test_statistics_by_hand(void)
{
    const char *sc = write_toy("random.yaml", "{dist: uniform, min: 5s, max: 15s}", "", "");
    const char *db = tmp_path("random.db");
    EXPECT_EQ_I64(SWEEP(sc, "--seeds", "5", "-q", "-o", db), EXIT_OK);
    /* the stored runs' figures, by seed index */
    const char *rows = q(db, "SELECT r.completed - r.started, r.max_unavailable, "
                             "r.unavailable_pod_seconds FROM rollout AS r JOIN sweep_run AS w "
                             "ON w.run_id = r.run_id WHERE r.revision = 2 ORDER BY w.run_id");
    double ttc[5], pods[5];
    int n = 0;
    for (const char *p = rows; *p && n < 5; n++) {
        double peak;
        CU_ASSERT_EQUAL_FATAL(sscanf(p, "%lf|%lf|%lf", &ttc[n], &peak, &pods[n]), 3);
        p = strchr(p, '\n');
        if (!p) break;
        p++;
    }
    EXPECT_EQ_I64(n, 5);
    double mean = 0, ss = 0;
    for (int i = 0; i < 5; i++) mean += ttc[i] / 5;
    for (int i = 0; i < 5; i++) ss += (ttc[i] - mean) * (ttc[i] - mean);
    double sd = sqrt(ss / 4);
    const double t975_4 = 2.7764451051977987; /* Student t, 0.975 quantile, 4 dof */
    qsort(ttc, 5, sizeof ttc[0], cmp_double);
    double got[6];
    const char *sp = q(db, "SELECT converge_mean, converge_stddev, converge_ci95, converge_p50, "
                           "converge_p90, converge_p99 FROM sweep_point");
    CU_ASSERT_EQUAL_FATAL(sscanf(sp, "%lf|%lf|%lf|%lf|%lf|%lf", &got[0], &got[1], &got[2], &got[3],
                                 &got[4], &got[5]), 6);
    EXPECT_NEAR(got[0], mean, 1e-9);
    EXPECT_NEAR(got[1], sd, 1e-9);
    EXPECT_NEAR(got[2], t975_4 * sd / sqrt(5), 1e-9);
    EXPECT_NEAR(got[3], ttc[2], 1e-9);
    EXPECT_NEAR(got[4], quantile(ttc, 5, 0.9), 1e-9);
    EXPECT_NEAR(got[5], quantile(ttc, 5, 0.99), 1e-9);
    CU_ASSERT(sd > 0); /* the seeds did draw different pulls */
    double pods_mean = 0;
    for (int i = 0; i < 5; i++) pods_mean += pods[i] / 5;
    EXPECT_NEAR(atof(q(db, "SELECT unavailable_pod_seconds_mean FROM sweep_point")), pods_mean, 1e-6);
    EXPECT_TEXT(q(db, "SELECT params, n, not_converged FROM sweep_point"), "{}|5|0\n");
}

/* A bad release with a rollback: the figures describe the rollback's
 * rollout, and the exposure is the nodes that got revision 2 before the
 * rollout stalled: maxUnavailable of them. */
static void test_exposure(void)
{
    const char *sc = write_toy("bad.yaml", "10s", ", failure: {probability: 1, mode: CrashLoopBackOff}",
                               "    - at: 5m\n      rollback: {name: agent}\n");
    const char *db = tmp_path("bad.db");
    EXPECT_EQ_I64(SWEEP(sc, "--vary", "maxUnavailable=1,2", "--seeds", "2", "-q", "-o", db), EXIT_OK);
    EXPECT_TEXT(q(db, "SELECT point, n, not_converged, exposure_mean, exposure_stddev FROM sweep_point"),
               "0|2|0|1.0|0.0\n1|2|0|2.0|0.0\n");
    EXPECT_TEXT(q(db, "SELECT DISTINCT revision, started FROM rollout AS r JOIN sweep_run USING (run_id) "
                     "WHERE r.started = (SELECT max(started) FROM rollout WHERE run_id = r.run_id)"),
               "3|300.0\n");
    EXPECT_CONTAINS(sweep_out, "EXPOSED-NODES");
    /* an Advanced DaemonSet patches pods in place: those nodes ran the bad
     * release too (two pods patched before the update stalls on them) */
    const char *kdb = tmp_path("bad-in-place.db");
    EXPECT_EQ_I64(SWEEP(DS_SOURCE_DIR "/tests/scenarios/kruise-in-place-bad-release-held.yaml",
                        "--seeds", "2", "-q", "-o", kdb), EXIT_OK);
    EXPECT_TEXT(q(kdb, "SELECT n, exposure_mean FROM sweep_point"), "2|2.0\n");
    /* the partition step after the update is no new revision */
    EXPECT_TEXT(q(kdb, "SELECT json_extract(params, '$.failing_revisions') FROM sweep"), "[[2]]\n");
    EXPECT_TEXT(q(kdb, "SELECT phase, count(*) FROM pod_event GROUP BY phase ORDER BY phase"),
                "InPlaceUpdate|4\n");
}

/* ---- processes -------------------------------------------------------------------- */

static const char dump_sql[] =
    "SELECT group_concat(x, char(10)) FROM ("
    "SELECT id || scenario || seed || params || sim_seconds || events || expect_failures || version AS x FROM run UNION ALL "
    "SELECT run_id || t || daemonset || desired || current || ready || updated || available || "
    "unavailable || misscheduled || updated_available FROM ds_status UNION ALL "
    "SELECT run_id || t || daemonset || pod || coalesce(node, '') || revision || phase FROM pod_event UNION ALL "
    "SELECT run_id || t || node || kind || coalesce(detail, '') FROM node_event UNION ALL "
    "SELECT run_id || daemonset || revision || started || coalesce(completed, '') || max_unavailable || "
    "unavailable_pod_seconds FROM rollout UNION ALL "
    "SELECT id || scenario || seeds || params || daemonset || status FROM sweep UNION ALL "
    "SELECT sweep_id || point || params || n || n_converged || not_converged || "
    "coalesce(converge_mean, '') || coalesce(converge_ci95, '') || coalesce(converge_p99, '') || "
    "peak_unavailable_mean || unavailable_pod_seconds_p90 FROM sweep_point UNION ALL "
    "SELECT sweep_id || point || seed || run_id FROM sweep_run)";

static void test_jobs_do_not_change_the_result(void)
{
    const char *sc = write_toy("jobs.yaml", "{dist: lognormal, median: 6s, sigma: 0.8}", "", "");
    const char *a = tmp_path("j1.db"), *b = tmp_path("j2.db");
    EXPECT_EQ_I64(SWEEP(sc, "--vary", "maxUnavailable=1,3", "--vary", "minReadySeconds=0,5",
                        "--seeds", "3", "-j", "1", "-q", "-o", a), EXIT_OK);
    EXPECT_EQ_I64(SWEEP(sc, "--vary", "maxUnavailable=1,3", "--vary", "minReadySeconds=0,5",
                        "--seeds", "3", "-j", "2", "-q", "-o", b), EXIT_OK);
    char *one = xstrdup(q(a, dump_sql));
    const char *two = q(b, dump_sql);
    CU_ASSERT(strlen(one) > 10000);
    CU_ASSERT(strcmp(one, two) == 0);
    /* the default --record summary keeps pod creations and no node events */
    EXPECT_TEXT(q(b, "SELECT DISTINCT phase FROM pod_event"), "Created\n");
    EXPECT_TEXT(q(b, "SELECT count(*) FROM node_event"), "0\n");
    /* rows of a run never interleave with another's */
    EXPECT_TEXT(q(b, "SELECT count(*) FROM pod_event AS x JOIN pod_event AS y ON y.rowid = x.rowid + 1 "
                    "WHERE y.run_id < x.run_id"), "0\n");
    free(one);
}

static void test_killed_worker(void)
{
    const char *sc = write_toy("kill.yaml", "{dist: uniform, min: 5s, max: 15s}", "", "");
    const char *db = tmp_path("kill.db");
    setenv("DAEMONSIM_TEST_KILL_WORKER", "2", 1);
    int rc = SWEEP(sc, "--seeds", "6", "-j", "2", "--record", "full", "-o", db);
    unsetenv("DAEMONSIM_TEST_KILL_WORKER");
    EXPECT_EQ_I64(rc, EXIT_RUNTIME);
    EXPECT_CONTAINS(sweep_err, "daemonsim sweep: worker 2 (pid ");
    EXPECT_CONTAINS(sweep_err, "was killed by signal 9");
    EXPECT_CONTAINS(sweep_err, "1 run(s) missing (their worker died); the others are kept");
    EXPECT_TEXT(q(db, "PRAGMA integrity_check"), "ok\n");
    EXPECT_TEXT(q(db, "SELECT status FROM sweep"), "incomplete\n");
    EXPECT_TEXT(q(db, "SELECT (SELECT count(*) FROM run), (SELECT count(*) FROM sweep_run), "
                     "(SELECT n FROM sweep_point), (SELECT count(DISTINCT run_id) FROM rollout)"),
               "5|5|5|5\n");
    /* each kept run is whole: 4 pods of revision 1 (Created, Scheduled, Pulled,
     * Running, Ready, then Terminating, Deleted) and 4 of revision 2 */
    EXPECT_TEXT(q(db, "SELECT DISTINCT count(*) FROM pod_event GROUP BY run_id"), "48\n");
    EXPECT_EQ_I64(count_files("kill.db.sweep-"), 0);
}

/* Ctrl-C reaches the sweep's parent only (as `kill -INT`); it stops the
 * workers, keeps what finished, marks the sweep and exits 130. */
static void test_interrupt(void)
{
    const char *sc = write_toy("int.yaml", "{dist: uniform, min: 5s, max: 15s}", "", "");
    const char *db = tmp_path("int.db");
    int fd[2];
    CU_ASSERT_EQUAL_FATAL(pipe(fd), 0);
    fflush(NULL);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        close(fd[0]);
        dup2(fd[1], 2);
        int out = open("/dev/null", O_WRONLY);
        dup2(out, 1);
        const char *argv[] = {"sweep", sc, "--vary", "maxUnavailable=1,2,3,4", "--seeds", "1000",
                              "-j", "2", "-o", db};
        _exit(cmd_sweep((int)DS_ARRAY_LEN(argv), (char **)argv));
    }
    close(fd[1]);
    /* wait for the first point to finish, then interrupt */
    char buf[4096];
    size_t got = 0;
    bool seen = false;
    while (!seen && got < sizeof buf - 1) {
        ssize_t r = read(fd[0], buf + got, sizeof buf - 1 - got);
        if (r <= 0) break;
        got += (size_t)r;
        buf[got] = '\0';
        seen = strstr(buf, "sweep: point 1/4 done") != NULL;
    }
    CU_ASSERT_FATAL(seen);
    kill(pid, SIGINT);
    while (read(fd[0], buf, sizeof buf) > 0) {
    }
    close(fd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_EQ_I64(WIFEXITED(status) ? WEXITSTATUS(status) : -1, EXIT_INTERRUPTED);
    EXPECT_TEXT(q(db, "SELECT status FROM sweep"), "interrupted\n");
    long runs = atol(q(db, "SELECT count(*) FROM run"));
    CU_ASSERT(runs >= 1000 && runs < 4000);
    EXPECT_EQ_I64(atol(q(db, "SELECT count(*) FROM sweep_run")), runs);
    EXPECT_EQ_I64(atol(q(db, "SELECT sum(n) FROM sweep_point")), runs);
    EXPECT_TEXT(q(db, "SELECT n FROM sweep_point WHERE point = 0"), "1000\n");
    EXPECT_EQ_I64(count_files("int.db.sweep-"), 0);
}

/* ---- input -------------------------------------------------------------------------- */

static void test_skipped_points(void)
{
    const char *sc = write_toy("skip.yaml", "10s", "", "");
    const char *db = tmp_path("skip.db");
    EXPECT_EQ_I64(SWEEP(sc, "--vary", "maxSurge=0,1", "--vary", "maxUnavailable=0,1", "--seeds", "1",
                        "-q", "-o", db), EXIT_OK);
    EXPECT_CONTAINS(sweep_err, "daemonsim sweep: point 0 (maxSurge=0, maxUnavailable=0) skipped: "
                               "maxSurge and maxUnavailable are both zero");
    EXPECT_CONTAINS(sweep_err, "daemonsim sweep: point 3 (maxSurge=1, maxUnavailable=1) skipped: "
                               "maxSurge and maxUnavailable are both non-zero");
    EXPECT_TEXT(q(db, "SELECT group_concat(point) FROM sweep_point"), "1,2\n");
    EXPECT_TEXT(q(db, "SELECT json_extract(params, '$.skipped') FROM sweep"), "[0,3]\n");
    /* maxSurge alone: maxUnavailable 0 is implied, a surge rollout */
    EXPECT_EQ_I64(SWEEP(sc, "--vary", "maxSurge=1,2", "--seeds", "1", "-q", "-o", db), EXIT_OK);
    EXPECT_TEXT(q(db, "SELECT group_concat(n) FROM sweep_point WHERE sweep_id = 2"), "1,1\n");
    EXPECT_TEXT(q(db, "SELECT group_concat(peak_unavailable_mean) FROM sweep_point WHERE sweep_id = 2"),
               "0.0,0.0\n");
    /* every point rejected: nothing to run */
    const char *none = tmp_path("none.db");
    EXPECT_EQ_I64(SWEEP(sc, "--vary", "maxUnavailable=0", "-q", "-o", none), EXIT_USAGE);
    EXPECT_CONTAINS(sweep_err, "every parameter point was rejected");
    CU_ASSERT(!exists(none));
}

static void test_flow_values(void)
{
    const char *sc = write_toy("flow.yaml", "10s", "", "");
    const char *db = tmp_path("flow.db");
    EXPECT_EQ_I64(SWEEP(sc, "--vary",
                        "spec.timing.imagePull={dist: constant, value: 2s}, {dist: constant, value: 4s}",
                        "--set", "maxUnavailable=4", "--seeds", "1", "-q", "-o", db), EXIT_OK);
    EXPECT_TEXT(q(db, "SELECT point, converge_mean FROM sweep_point"), "0|10.0\n1|12.0\n");
    EXPECT_TEXT(q(db, "SELECT json_extract(params, '$.vary[0].values[1]'), "
                     "json_extract(params, '$.set.maxUnavailable') FROM sweep"),
               "{dist: constant, value: 4s}|4\n");
}

static void test_bad_input(void)
{
    const char *sc = write_toy("input.yaml", "10s", "", "");
    const char *db = tmp_path("never.db");
    EXPECT_EQ_I64(SWEEP(sc, "--vary", "maxUnavailable=1,lots", "-o", db), EXIT_USAGE);
    EXPECT_CONTAINS(sweep_err, "daemonsim sweep: point 1 (maxUnavailable=lots) is invalid:\n");
    EXPECT_CONTAINS(sweep_err, "--set maxUnavailable");
    EXPECT_EQ_I64(SWEEP(sc, "--vary", "spec.cluster.nodePools[0].count=2,-1", "-o", db), EXIT_USAGE);
    EXPECT_EQ_I64(SWEEP(tmp_path("missing.yaml"), "-o", db), EXIT_USAGE);
    EXPECT_EQ_I64(SWEEP(sc, "--daemonset", "nope", "-o", db), EXIT_USAGE);
    EXPECT_CONTAINS(sweep_err, "--daemonset nope:");
    CU_ASSERT(!exists(db));
    EXPECT_EQ_I64(SWEEP(sc, "--seeds", "1", "-q", "-o", "/proc/no/such.db"), EXIT_RUNTIME);
    EXPECT_CONTAINS(sweep_err, "daemonsim sweep: /proc/no/such.db: ");
}


/* ---- strategies (named variants) ---------------------------------------------------- */

static const char strategies_yaml[] = DS_SOURCE_DIR "/tests/sweep/strategies.yaml";

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

/* Named variants, a variant file and a manifest file side by side: points
 * labelled by name, the same seeds at every point, the same rows whatever
 * the number of workers, the bad release recorded per point. */
static void test_strategies(void)
{
    const char *vfile = tmp_path("surge-one.yaml"), *mfile = tmp_path("agent-three.yaml");
    write_text(vfile, "name: surge 1\nset: {maxSurge: 1}\n");
    write_text(mfile, "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\n"
                      "spec:\n  selector: {matchLabels: {app: agent}}\n"
                      "  updateStrategy: {rollingUpdate: {maxUnavailable: 3}}\n"
                      "  template:\n    metadata: {labels: {app: agent}}\n"
                      "    spec: {containers: [{name: agent, image: \"agent:1\"}]}\n");
    char vary[2048];
    snprintf(vary, sizeof vary, "strategy=maxUnavailable 1,surge 2,%s,%s", vfile, mfile);
    const char *a = tmp_path("st1.db"), *b = tmp_path("st2.db");
    EXPECT_EQ_I64(SWEEP(strategies_yaml, "--vary", vary, "--seeds", "3", "-j", "1", "-q", "-o", a),
                  EXIT_OK);
    EXPECT_CONTAINS(sweep_out, "\nsurge 1 ");
    EXPECT_CONTAINS(sweep_out, "\nagent-three ");
    EXPECT_EQ_I64(SWEEP(strategies_yaml, "--vary", vary, "--seeds", "3", "-j", "2", "-q", "-o", b),
                  EXIT_OK);
    char *one = xstrdup(q(a, dump_sql));
    CU_ASSERT(strcmp(one, q(b, dump_sql)) == 0);
    free(one);
    EXPECT_TEXT(q(a, "SELECT point, params, n FROM sweep_point ORDER BY point"),
                "0|{\"strategy\":\"maxUnavailable 1\"}|3\n1|{\"strategy\":\"surge 2\"}|3\n"
                "2|{\"strategy\":\"surge 1\"}|3\n3|{\"strategy\":\"agent-three\"}|3\n");
    /* common random numbers: run k has the same seed at every point */
    EXPECT_TEXT(q(a, "SELECT count(DISTINCT seed), count(*) FROM sweep_run"), "3|12\n");
    EXPECT_TEXT(q(a, "SELECT json_extract(params, '$.failing_revisions') FROM sweep"),
                "[[3],[3],[3],[3]]\n");
    /* the variants did what they say: peak unavailable of the good release */
    EXPECT_TEXT(q(a, "SELECT p.point, max(r.max_unavailable) FROM rollout AS r JOIN sweep_run AS p "
                     "USING (run_id) WHERE r.revision = 2 GROUP BY p.point"),
                "0|1\n1|0\n2|0\n3|3\n");
    /* the run rows keep what was typed */
    EXPECT_TEXT(q(a, "SELECT json_extract(params, '$.strategy') FROM run WHERE id = 1"),
                "maxUnavailable 1\n");
}

static void test_strategy_errors(void)
{
    const char *db = tmp_path("st-never.db");
    const char *vfile = tmp_path("surge-again.yaml");
    write_text(vfile, "name: surge 2\nset: {maxSurge: 2}\n");
    char vary[1024];
    snprintf(vary, sizeof vary, "strategy=surge 2,%s", vfile);
    EXPECT_EQ_I64(SWEEP(strategies_yaml, "--vary", vary, "-q", "-o", db), EXIT_USAGE);
    EXPECT_CONTAINS(sweep_err, "are both the variant \"surge 2\"");
    EXPECT_EQ_I64(SWEEP(strategies_yaml, "--vary", "strategy=surge 2,fast", "-q", "-o", db),
                  EXIT_USAGE);
    EXPECT_CONTAINS(sweep_err, "point 1 (fast) is invalid:");
    EXPECT_CONTAINS(sweep_err, "no variant named \"fast\" (the variants are \"maxUnavailable 1\", "
                               "\"maxUnavailable 25%\", \"surge 2\")");
    EXPECT_CONTAINS(sweep_err, "strategies.yaml:45:5:");
    /* a manifest that replaces no DaemonSet of the scenario */
    const char *other = tmp_path("other.yaml");
    write_text(other, "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: other}\n"
                      "spec:\n  selector: {matchLabels: {app: other}}\n"
                      "  template:\n    metadata: {labels: {app: other}}\n"
                      "    spec: {containers: [{name: o, image: \"o:1\"}]}\n");
    snprintf(vary, sizeof vary, "strategy=%s", other);
    EXPECT_EQ_I64(SWEEP(strategies_yaml, "--vary", vary, "-q", "-o", db), EXIT_USAGE);
    EXPECT_CONTAINS(sweep_err, "other.yaml:3:18: metadata.name: the scenario has no DaemonSet named "
                               "\"other\" for this manifest to replace");
    CU_ASSERT(!exists(db));
    /* validate loads every variant, so a bad one shows before any sweep */
    char *out = NULL, *err = NULL;
    const char *ok[] = {"validate", strategies_yaml};
    EXPECT_EQ_I64(run_captured(cmd_validate, 2, (char **)ok, &out, &err), EXIT_OK);
    const char *badv[] = {"validate", DS_SOURCE_DIR "/tests/bad/variant-bad-value.yaml"};
    EXPECT_EQ_I64(run_captured(cmd_validate, 2, (char **)badv, &out, &err), EXIT_USAGE);
    EXPECT_CONTAINS(err, "daemonsim validate: variant \"too-many\" is invalid:\n");
    EXPECT_CONTAINS(err, "variant-bad-value.yaml:11:46: ");
    free(out);
    free(err);
}

static void test_usage(void)
{
    const char *sc = write_toy("usage.yaml", "10s", "", "");
    static const struct {
        const char *args[4];
        const char *msg;
    } cases[] = {
        {{NULL}, "daemonsim sweep: missing SCENARIO file\n"},
        {{"SC", NULL}, "daemonsim sweep: missing -o DB (the results database)\n"},
        {{"SC", "--seeds", "0", NULL}, "--seeds takes a whole number from 1 to 1000000, not '0'"},
        {{"SC", "-j", "x", NULL}, "-j takes a whole number from 1 to 1024, not 'x'"},
        {{"SC", "--vary", "maxSurge", NULL}, "--vary takes KEY=V1,V2,..., not 'maxSurge'"},
        {{"SC", "--vary", "maxSurge=1,,2", NULL}, "--vary has an empty value"},
        {{"SC", "--frob", NULL}, "unknown option '--frob'"},
        {{"SC", "--vary", NULL}, "option '--vary' needs an argument"},
    };
    for (size_t i = 0; i < DS_ARRAY_LEN(cases); i++) {
        const char *argv[8] = {"sweep"};
        int argc = 1;
        for (int k = 0; k < 4 && cases[i].args[k]; k++)
            argv[argc++] = strcmp(cases[i].args[k], "SC") ? cases[i].args[k] : sc;
        EXPECT_EQ_I64(run_sweep_argv(argc, (char **)argv), EXIT_USAGE);
        EXPECT_CONTAINS(sweep_err, cases[i].msg);
        EXPECT_CONTAINS(sweep_err, "Try 'daemonsim sweep --help'.\n");
    }
    EXPECT_EQ_I64(SWEEP(sc, "--vary", "seed=1,2", "--vary", "seed=3", "-o", "x.db"), EXIT_USAGE);
    EXPECT_CONTAINS(sweep_err, "--vary seed is given twice");
    EXPECT_EQ_I64(SWEEP(sc, "--vary", "seed=1,2", "--set", "seed=3", "-o", "x.db"), EXIT_USAGE);
    EXPECT_CONTAINS(sweep_err, "seed is both --set and --vary");
    EXPECT_EQ_I64(SWEEP("--help"), EXIT_OK);
    EXPECT_CONTAINS(sweep_out, "Usage: daemonsim sweep SCENARIO.yaml --vary KEY=V1,V2,...");
    EXPECT_STR(sweep_err, "");
}

static CU_TestInfo sweep_tests[] = {
    {"known figures of a constant-latency toy", test_known_figures},
    {"statistics match a computation by hand", test_statistics_by_hand},
    {"exposure of a bad release", test_exposure},
    {"-j 1 and -j 2 store the same rows", test_jobs_do_not_change_the_result},
    {"a killed worker loses only its run", test_killed_worker},
    {"SIGINT keeps the finished runs", test_interrupt},
    {"rejected strategy pairs are skipped", test_skipped_points},
    {"flow values and --set", test_flow_values},
    {"bad input writes nothing", test_bad_input},
    {"strategies: named variants and files", test_strategies},
    {"strategies: bad input writes nothing", test_strategy_errors},
    {"usage", test_usage},
    CU_TEST_INFO_NULL,
};

static int suite_done(void)
{
    free(sweep_out);
    free(sweep_err);
    return suite_clean();
}

static CU_SuiteInfo suites[] = {
    {"sweep", suite_init, suite_done, NULL, NULL, sweep_tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

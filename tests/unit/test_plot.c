/* link: ds_cli */
/* test_plot.c: `daemonsim plot` on a sweep of the constant-latency toy of
 * test_sweep.c (4 nodes, 18 s per node, maxUnavailable 1, 2 and 4), whose
 * curves are known exactly: with maxUnavailable m, m more pods are updated
 * and available every 18 s. The data files kept by --keep-script are
 * checked line by line, the pictures for their signatures. Without gnuplot
 * the drawing tests say so and check only that plot refuses cleanly. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemonsim/cli.h"
#include "daemonsim/plot.h"
#include "harness.h"

static char db[512], strategies_db[512], wide_db[512];
static bool have_gnuplot;

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
    "  timing: {watch: 0s, schedule: 0s, imagePull: 10s, containerStart: 0s, readiness: 5s,\n"
    "           termination: 3s}\n"
    "  events:\n"
    "    - at: 1m\n"
    "      updateDaemonSet: {name: agent, image: \"agent:2\"}\n";

/* What the last command wrote to stderr. */
static char *cmd_err;

static int run_quiet(int (*cmd)(int, char **), int argc, const char **argv)
{
    return run_captured(cmd, argc, (char **)argv, NULL, &cmd_err);
}

#define PLOT(...) \
    run_quiet(cmd_plot, (int)DS_ARRAY_LEN(((const char *[]){"plot", __VA_ARGS__})), \
              (const char *[]){"plot", __VA_ARGS__})

static int suite_init(void)
{
    if (suite_setup() != 0) return -1;
    have_gnuplot = plot_gnuplot_found();
    const char *sc = tmp_path("toy.yaml");
    FILE *f = fopen(sc, "w");
    if (!f) return -1;
    fputs(toy_yaml, f);
    fclose(f);
    snprintf(db, sizeof db, "%s/plot.db", tmpdir);
    const char *argv[] = {"sweep", sc, "--vary", "maxUnavailable=1,2,4", "--seeds", "2",
                          "-q", "-o", db};
    if (run_quiet(cmd_sweep, (int)DS_ARRAY_LEN(argv), argv) != EXIT_OK) return -1;
    /* maxUnavailable over a factor of ten: a logarithmic axis */
    snprintf(wide_db, sizeof wide_db, "%s/wide.db", tmpdir);
    const char *wide[] = {"sweep", sc, "--vary", "maxUnavailable=1,10", "--seeds", "1",
                          "-q", "-o", wide_db};
    if (run_quiet(cmd_sweep, (int)DS_ARRAY_LEN(wide), wide) != EXIT_OK) return -1;
    /* three named strategies, a bad release rolled back (tests/sweep/strategies.yaml) */
    snprintf(strategies_db, sizeof strategies_db, "%s/strategies.db", tmpdir);
    const char *st[] = {"sweep", DS_SOURCE_DIR "/tests/sweep/strategies.yaml", "--vary",
                        "strategy=maxUnavailable 1,maxUnavailable 25%,surge 2", "--seeds", "4",
                        "-q", "-o", strategies_db};
    return run_quiet(cmd_sweep, (int)DS_ARRAY_LEN(st), st) == EXIT_OK ? 0 : -1;
}

static int suite_clean(void)
{
    free(cmd_err);
    return suite_teardown();
}

static bool skip_without_gnuplot(void)
{
    if (have_gnuplot) return false;
    printf("\n    (gnuplot not found: drawing not tested; apt-get install gnuplot-nox) ");
    return true;
}

static bool starts_with_bytes(const char *path, const char *magic, size_t n)
{
    char buf[16] = "";
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    size_t got = fread(buf, 1, n, f);
    fclose(f);
    return got == n && memcmp(buf, magic, n) == 0;
}

/* ---- tests ------------------------------------------------------------------------ */

static void test_convergence_png(void)
{
    if (skip_without_gnuplot()) return;
    const char *png = tmp_path("conv.png");
    EXPECT_EQ_I64(PLOT(db, "-o", png, "--keep-script"), EXIT_OK);
    CU_ASSERT(file_size(png) > 5000);
    CU_ASSERT(starts_with_bytes(png, "\x89PNG\r\n\x1a\n", 8));
    EXPECT_CONTAINS(cmd_err, "conv.plot/plot.gp");
    /* one data file per point; maxUnavailable 1: one more pod every 18 s of
     * the 72 s rollout (a grid of 400 steps: 0.18 s), both seeds alike */
    char *one = file_read(tmp_path("conv.plot/point-0.dat"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(one);
    EXPECT_CONTAINS(one, "# maxUnavailable 1, 2 runs: minutes since the last rollout began, mean, min, "
                         "max of updated and available pods\n0 0 0 0\n");
    EXPECT_CONTAINS(one, "\n0.297 0 0 0\n0.3 1 1 1\n");     /* 17.82 s, 18 s */
    EXPECT_CONTAINS(one, "\n0.6 2 2 2\n");
    CU_ASSERT(strstr(one, "\n1.2 4 4 4\n") && strlen(strstr(one, "\n1.2 4 4 4\n")) == 11);
    free(one);
    /* maxUnavailable 4: all at 18 s, then held to the common end */
    char *four = file_read(tmp_path("conv.plot/point-2.dat"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(four);
    EXPECT_CONTAINS(four, "\n0.297 0 0 0\n0.3 4 4 4\n");
    EXPECT_CONTAINS(four, "\n1.2 4 4 4\n");
    free(four);
    char *gp = file_read(tmp_path("conv.plot/plot.gp"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    EXPECT_CONTAINS(gp, "set terminal pngcairo");
    EXPECT_CONTAINS(gp, "noenhanced");
    EXPECT_CONTAINS(gp, "title \"maxUnavailable 4: 0.3 min\"");
    /* the script names no path of ours: it finds its data through ARG0 */
    CU_ASSERT(strstr(gp, tmpdir) == NULL);
    free(gp);
    /* the kept script draws again by itself */
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "gnuplot '%s' </dev/null 2>/dev/null", tmp_path("conv.plot/plot.gp"));
    unlink(tmp_path("conv.plot/chart.png"));
    EXPECT_EQ_I64(system(cmd), 0);
    CU_ASSERT(file_size(tmp_path("conv.plot/chart.png")) > 5000);
}

static void test_other_kinds(void)
{
    if (skip_without_gnuplot()) return;
    const char *svg = tmp_path("unavail.svg");
    EXPECT_EQ_I64(PLOT(db, "--kind", "unavailable", "-o", svg), EXIT_OK);
    char *text = file_read(svg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    EXPECT_CONTAINS(text, "<svg");
    EXPECT_CONTAINS(text, "unavailable pods");
    free(text);
    /* no working files left behind without --keep-script */
    CU_ASSERT(file_size(tmp_path("unavail.plot")) < 0);

    const char *ttc = tmp_path("ttc.png");
    EXPECT_EQ_I64(PLOT(db, "--kind", "time-to-converge", "-o", ttc, "--keep-script"), EXIT_OK);
    CU_ASSERT(file_size(ttc) > 5000);
    /* x position, mean minutes, CI half-width, runs counted, runs */
    char *series = file_read(tmp_path("ttc.plot/series-0.dat"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(series);
    EXPECT_CONTAINS(series, "\n0 1.2 0 2 2\n1 0.6 0 2 2\n2 0.3 0 2 2\n");
    free(series);
    char *gp = file_read(tmp_path("ttc.plot/plot.gp"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    EXPECT_CONTAINS(gp, "set xtics (\"1\" 0, \"2\" 1, \"4\" 2)");
    EXPECT_CONTAINS(gp, "set xlabel \"maxUnavailable\"");
    free(gp);

    EXPECT_EQ_I64(PLOT(db, "--kind", "overview", "-o", tmp_path("overview.png")), EXIT_OK);
    CU_ASSERT(file_size(tmp_path("overview.png")) > 5000);

    /* one line per run, as steps */
    EXPECT_EQ_I64(PLOT(db, "--run", "1", "--run", "5", "-o", tmp_path("runs.png"), "--keep-script"),
                  EXIT_OK);
    char *run = file_read(tmp_path("runs.plot/run-5.dat"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(run);
    /* run 5 is maxUnavailable 4 (sample: 0, a row per change): all four at 18 s */
    EXPECT_CONTAINS(run, "pods\n0 0\n0.05 0\n");
    EXPECT_CONTAINS(run, "\n0.3 1\n0.3 2\n0.3 3\n0.3 4\n");
    free(run);
}

static void test_refusals(void)
{
    if (have_gnuplot) {
        EXPECT_EQ_I64(PLOT(db, "--kind", "exposure", "-o", tmp_path("e.png")), EXIT_USAGE);
        EXPECT_CONTAINS(cmd_err, "sweep 1 has no exposure figures");
        EXPECT_EQ_I64(PLOT(db, "--run", "99", "-o", tmp_path("e.png")), EXIT_USAGE);
        EXPECT_CONTAINS(cmd_err, "no run with id 99");
        EXPECT_EQ_I64(PLOT(db, "--sweep", "7", "-o", tmp_path("e.png")), EXIT_USAGE);
        EXPECT_CONTAINS(cmd_err, "no sweep with id 7");
        EXPECT_EQ_I64(PLOT(db, "--daemonset", "nope", "-o", tmp_path("e.png")), EXIT_USAGE);
        EXPECT_CONTAINS(cmd_err, "has no rollout of DaemonSet \"nope\"");
        EXPECT_EQ_I64(PLOT(tmp_path("missing.db"), "-o", tmp_path("e.png")), EXIT_RUNTIME);
        CU_ASSERT(file_size(tmp_path("e.png")) < 0);
    }
    EXPECT_EQ_I64(PLOT(db, "-o", tmp_path("chart.pdf")), EXIT_USAGE);
    EXPECT_CONTAINS(cmd_err, "must end in .png or .svg");
    EXPECT_CONTAINS(cmd_err, "Try 'daemonsim plot --help'.");
    EXPECT_EQ_I64(PLOT(db, "--kind", "pie", "-o", tmp_path("x.png")), EXIT_USAGE);
    EXPECT_EQ_I64(PLOT(db, "--run", "1", "--kind", "time-to-converge", "-o", tmp_path("x.png")),
                  EXIT_USAGE);
    EXPECT_EQ_I64(PLOT(db), EXIT_USAGE);
    EXPECT_CONTAINS(cmd_err, "missing -o FILE.png or FILE.svg");
}


/* The rows of one query, as the sqlite3 shell lists them ('|' between
 * columns); freed by the caller. */
static char *query(const char *path, const char *sql)
{
    char err[256], *out = NULL;
    Store *s = store_open_readonly(path, err, sizeof err);
    if (!s) return strdup(err);
    if (store_query(s, sql, &out) < 0) out = strdup(store_errmsg(s));
    store_close(s);
    return out;
}

/* The numbers of column `col` (from 1) of each data line of a kept file. */
static size_t data_column(const char *path, int col, double *out, size_t cap)
{
    char *text = file_read(path);
    size_t n = 0;
    for (char *line = text ? strtok(text, "\n") : NULL; line && n < cap; line = strtok(NULL, "\n")) {
        if (line[0] == '#') continue;
        char *p = line, *end;
        double v = NAN;
        for (int c = 1; c <= col; c++, p = end) v = strtod(p, &end);
        out[n++] = v;
    }
    free(text);
    return n;
}

/* The numbers of each line of a query, column `col` (from 1). */
static size_t query_column(const char *path, const char *sql, int col, double *out, size_t cap)
{
    char *text = query(path, sql);
    size_t n = 0;
    for (char *line = text ? strtok(text, "\n") : NULL; line && n < cap; line = strtok(NULL, "\n")) {
        char *p = line;
        for (int c = 1; c < col && p; c++) p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL;
        out[n++] = p ? strtod(p, NULL) : NAN;
    }
    free(text);
    return n;
}

static void expect_same_numbers(const double *a, size_t na, const double *b, size_t nb)
{
    EXPECT_EQ_I64((int64_t)na, (int64_t)nb);
    for (size_t i = 0; i < na && i < nb; i++) EXPECT_NEAR(a[i], b[i], 1e-4 * fmax(1, fabs(b[i])));
}

/* The trade-off chart of three strategies: its data are the sweep's own
 * figures (the last rollout is the rollback, which every run completes). */
static void test_tradeoff(void)
{
    if (skip_without_gnuplot()) return;
    const char *png = tmp_path("trade.png");
    EXPECT_EQ_I64(PLOT(strategies_db, "--kind", "tradeoff", "-o", png, "--keep-script"), EXIT_OK);
    CU_ASSERT(file_size(png) > 5000);
    double got[8], want[8];
    const char *pts = tmp_path("trade.plot/points.dat");
    static const char by_point[] = " FROM sweep_point WHERE sweep_id = 1 ORDER BY point";
    char sql[256];
    /* x: minutes to converge, mean and p90; y: exposure, mean and p90 */
    static const struct {
        int col;
        const char *expr;
    } cols[] = {{1, "converge_mean / 60"}, {4, "converge_p90 / 60"}, {5, "exposure_mean"},
                {8, "exposure_p90"}, {9, "n"}, {2, "(converge_mean - converge_ci95) / 60"},
                {7, "exposure_mean + exposure_ci95"}};
    for (size_t i = 0; i < DS_ARRAY_LEN(cols); i++) {
        snprintf(sql, sizeof sql, "SELECT %s%s", cols[i].expr, by_point);
        size_t n = data_column(pts, cols[i].col, got, 8);
        expect_same_numbers(got, n, want, query_column(strategies_db, sql, 1, want, 8));
    }
    char *data = file_read(pts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    EXPECT_CONTAINS(data, " \"maxUnavailable 1\"\n");
    EXPECT_CONTAINS(data, " \"maxUnavailable 25%\"\n");
    EXPECT_CONTAINS(data, " \"surge 2\"\n");
    free(data);
    /* the front: a point is on it exactly when no other point is at most as
     * slow and at most as exposed, and better on one of the two */
    double x[8], y[8], front[8];
    size_t n = data_column(pts, 1, x, 8);
    data_column(pts, 5, y, 8);
    data_column(pts, 11, front, 8);
    size_t on_front = 0;
    for (size_t i = 0; i < n; i++) {
        bool dominated = false;
        for (size_t k = 0; k < n; k++)
            dominated |= k != i && x[k] <= x[i] && y[k] <= y[i] && (x[k] < x[i] || y[k] < y[i]);
        EXPECT_EQ_I64((int64_t)front[i], !dominated);
        on_front += !dominated;
    }
    double fx[8];
    EXPECT_EQ_I64((int64_t)data_column(tmp_path("trade.plot/pareto.dat"), 1, fx, 8), (int64_t)on_front);
    char *gp = file_read(tmp_path("trade.plot/plot.gp"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    EXPECT_CONTAINS(gp, "set title \"strategies: time to converge against nodes that ran the bad "
                        "release, per strategy\\nsweep 1 (varied: strategy (3 values)), 4 runs per "
                        "point, measured from the start of the last rollout of agent\"");
    EXPECT_CONTAINS(gp, "set xlabel \"minutes from the start of the last rollout until converged\"");
    EXPECT_CONTAINS(gp, "set ylabel \"nodes that ran the bad release\"");
    EXPECT_CONTAINS(gp, "with boxxyerror");
    EXPECT_CONTAINS(gp, "with vectors nohead");
    EXPECT_CONTAINS(gp, "title \"maxUnavailable 25%: ");
    EXPECT_CONTAINS(gp, "title \"surge 2: ");
    EXPECT_CONTAINS(gp, "dir.'pareto.dat' using 1:2 with steps");
    EXPECT_CONTAINS(gp, "title 'p90 of both figures'");
    EXPECT_CONTAINS(gp, "title '95% confidence box of both means'");
    free(gp);
}

/* --rollout bad: the figures run from the bad release (revision 3) until
 * the rollback (revision 4) converged, checked against the rollout rows. */
static void test_rollout_bad(void)
{
    if (skip_without_gnuplot()) return;
    EXPECT_EQ_I64(PLOT(strategies_db, "--kind", "tradeoff", "--rollout", "bad", "--y",
                       "unavailable-pod-seconds", "-o", tmp_path("bad.png"), "--keep-script"),
                  EXIT_OK);
    static const char pair[] =
        " FROM sweep_run AS s JOIN rollout AS b ON b.run_id = s.run_id AND b.revision = 3 "
        "JOIN rollout AS r ON r.run_id = s.run_id AND r.revision = 4 "
        "WHERE s.sweep_id = 1 GROUP BY s.point ORDER BY s.point";
    char sql[512];
    double got[8], want[8];
    const char *pts = tmp_path("bad.plot/points.dat");
    snprintf(sql, sizeof sql, "SELECT avg(r.completed - b.started) / 60%s", pair);
    size_t n = data_column(pts, 1, got, 8);
    expect_same_numbers(got, n, want, query_column(strategies_db, sql, 1, want, 8));
    snprintf(sql, sizeof sql, "SELECT avg(b.unavailable_pod_seconds + r.unavailable_pod_seconds)%s",
             pair);
    n = data_column(pts, 5, got, 8);
    expect_same_numbers(got, n, want, query_column(strategies_db, sql, 1, want, 8));
    /* surge keeps every old pod until its new one is ready: nothing unavailable */
    EXPECT_NEAR(got[2], 0, 1e-9);
    CU_ASSERT(got[1] > got[0]);
    char *gp = file_read(tmp_path("bad.plot/plot.gp"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    EXPECT_CONTAINS(gp, "set xlabel \"minutes from the start of the bad release (revision 3) until "
                        "converged\"");
    EXPECT_CONTAINS(gp, "set ylabel \"unavailable pod-seconds\"");
    free(gp);
    /* the time chart starts at the bad release: the stall, then the rollback */
    EXPECT_EQ_I64(PLOT(strategies_db, "--kind", "unavailable", "--rollout", "bad", "-o",
                       tmp_path("stall.png"), "--keep-script"), EXIT_OK);
    char *line = file_read(tmp_path("stall.plot/point-1.dat"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
    EXPECT_CONTAINS(line, "# maxUnavailable 25%, 4 runs: minutes since the bad release (revision 3) "
                          "began, mean, min, max of unavailable pods\n");
    free(line);
    /* by revision: revision 2 is the good release */
    EXPECT_EQ_I64(PLOT(strategies_db, "--kind", "time-to-converge", "--rollout", "2", "-o",
                       tmp_path("good.png"), "--keep-script"), EXIT_OK);
    n = data_column(tmp_path("good.plot/series-0.dat"), 2, got, 8);
    expect_same_numbers(got, n, want,
                        query_column(strategies_db,
                                     "SELECT avg(r.completed - r.started) / 60 FROM sweep_run AS s "
                                     "JOIN rollout AS r ON r.run_id = s.run_id AND r.revision = 2 "
                                     "GROUP BY s.point ORDER BY s.point", 1, want, 8));
    char *tics = file_read(tmp_path("good.plot/plot.gp"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(tics);
    EXPECT_CONTAINS(tics, "set xtics (\"maxUnavailable 1\" 0, \"maxUnavailable 25%%\" 1, \"surge 2\" 2)");
    free(tics);
}

/* The setting chart: values at their numbers, a log axis over a factor of
 * ten, p10-p90 bands; the toy's figures are exact. */
static void test_setting(void)
{
    if (skip_without_gnuplot()) return;
    EXPECT_EQ_I64(PLOT(db, "--kind", "setting", "-o", tmp_path("set.png"), "--keep-script"), EXIT_OK);
    CU_ASSERT(file_size(tmp_path("set.png")) > 5000);
    char *data = file_read(tmp_path("set.plot/setting-0.dat"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    /* x, peak (mean, ci95, p10, p90), minutes (mean, ci95, p10, p90), runs, converged */
    EXPECT_CONTAINS(data, "\n1 1 0 1 1 1.2 0 1.2 1.2 2 2\n2 2 0 2 2 0.6 0 0.6 0.6 2 2\n"
                          "4 4 0 4 4 0.3 0 0.3 0.3 2 2\n");
    free(data);
    char *gp = file_read(tmp_path("set.plot/plot.gp"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    EXPECT_CONTAINS(gp, "set xtics (\"1\" 1, \"2\" 2, \"4\" 4)");
    CU_ASSERT(strstr(gp, "logscale") == NULL);
    EXPECT_CONTAINS(gp, "set xlabel \"maxUnavailable\"");
    EXPECT_CONTAINS(gp, "set ylabel 'peak of unavailable pods'");
    EXPECT_CONTAINS(gp, "set ylabel 'minutes to converge'");
    EXPECT_CONTAINS(gp, "using 1:4:5 with filledcurves");
    EXPECT_CONTAINS(gp, "using 1:8:9 with filledcurves");
    EXPECT_CONTAINS(gp, "title 'p10 to p90 of the runs'");
    EXPECT_CONTAINS(gp, "toy: what maxUnavailable does to the last rollout of agent\\nsweep 1 "
                        "(varied: maxUnavailable (3 values))");
    free(gp);
    EXPECT_EQ_I64(PLOT(wide_db, "--kind", "setting", "-o", tmp_path("wide.png"), "--keep-script"),
                  EXIT_OK);
    gp = file_read(tmp_path("wide.plot/plot.gp"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    EXPECT_CONTAINS(gp, "set logscale x\nset xtics (\"1\" 1, \"10\" 10)");
    free(gp);
}

static void test_new_refusals(void)
{
    if (have_gnuplot) {
        const char *x = tmp_path("x.png");
        EXPECT_EQ_I64(PLOT(strategies_db, "--kind", "setting", "-o", x), EXIT_USAGE);
        EXPECT_CONTAINS(cmd_err, "varied no numeric setting");
        EXPECT_EQ_I64(PLOT(db, "--kind", "setting", "--x", "nodes", "-o", x), EXIT_USAGE);
        EXPECT_CONTAINS(cmd_err, "sweep 1 did not vary nodes");
        EXPECT_EQ_I64(PLOT(db, "--rollout", "bad", "-o", x), EXIT_USAGE);
        EXPECT_CONTAINS(cmd_err, "sweep 1 has no bad release");
        EXPECT_EQ_I64(PLOT(db, "--rollout", "9", "-o", x), EXIT_USAGE);
        EXPECT_CONTAINS(cmd_err, "no run of sweep 1 has the rollout of revision 9 of DaemonSet");
        EXPECT_EQ_I64(PLOT(db, "--kind", "tradeoff", "--y", "exposure", "-o", x), EXIT_USAGE);
        EXPECT_CONTAINS(cmd_err, "sweep 1 has no exposure figures");
        EXPECT_EQ_I64(PLOT(db, "--run", "1", "--rollout", "bad", "-o", x), EXIT_USAGE);
        EXPECT_CONTAINS(cmd_err, "--rollout bad needs a sweep");
        CU_ASSERT(file_size(x) < 0);
    }
    EXPECT_EQ_I64(PLOT(db, "--rollout", "newest", "-o", tmp_path("x.png")), EXIT_USAGE);
    EXPECT_CONTAINS(cmd_err, "--rollout takes last, first, bad or a revision number, not 'newest'");
    EXPECT_EQ_I64(PLOT(db, "--y", "speed", "-o", tmp_path("x.png")), EXIT_USAGE);
    EXPECT_CONTAINS(cmd_err, "--y takes exposure, unavailable-pod-seconds or peak-unavailable");
}

/* gnuplot missing: one line, exit 3, nothing written. */
static void test_gnuplot_missing(void)
{
    const char *old = getenv("PATH");
    char *saved = old ? strdup(old) : NULL;
    setenv("PATH", tmpdir, 1);
    const char *png = tmp_path("none.png");
    int rc = PLOT(db, "-o", png, "--keep-script");
    if (saved) setenv("PATH", saved, 1);
    free(saved);
    EXPECT_EQ_I64(rc, EXIT_RUNTIME);
    EXPECT_STR(cmd_err, "daemonsim plot: gnuplot not found (apt-get install gnuplot-nox)\n");
    CU_ASSERT(file_size(png) < 0);
    CU_ASSERT(file_size(tmp_path("none.plot")) < 0);
}

static CU_TestInfo plot_tests[] = {
    {"convergence PNG and its data", test_convergence_png},
    {"unavailable, time-to-converge, overview, runs", test_other_kinds},
    {"refusals", test_refusals},
    {"tradeoff: the sweep's figures, labels in words, the Pareto front", test_tradeoff},
    {"--rollout bad and by revision, against the rollout rows", test_rollout_bad},
    {"setting: a numeric axis, log over a factor of ten, p10-p90 bands", test_setting},
    {"refusals of the new kinds and options", test_new_refusals},
    {"gnuplot missing", test_gnuplot_missing},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"plot", suite_init, suite_clean, NULL, NULL, plot_tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

/* link: ds_cli */
/* test_plot.c: `daemonsim plot` on a sweep of the constant-latency toy of
 * test_sweep.c (4 nodes, 18 s per node, maxUnavailable 1, 2 and 4), whose
 * curves are known exactly: with maxUnavailable m, m more pods are updated
 * and available every 18 s. The data files kept by --keep-script are
 * checked line by line, the pictures for their signatures. Without gnuplot
 * the drawing tests say so and check only that plot refuses cleanly. */
#include <stdlib.h>
#include <unistd.h>

#include "daemonsim/cli.h"
#include "daemonsim/plot.h"
#include "harness.h"

static char db[512];
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
    return run_quiet(cmd_sweep, (int)DS_ARRAY_LEN(argv), argv) == EXIT_OK ? 0 : -1;
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
    EXPECT_CONTAINS(one, "# maxUnavailable=1, 2 runs: minutes since the rollout began, mean, min, "
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
    EXPECT_CONTAINS(gp, "title \"maxUnavailable=4: 0.3 min\"");
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
    {"gnuplot missing", test_gnuplot_missing},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"plot", suite_init, suite_clean, NULL, NULL, plot_tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

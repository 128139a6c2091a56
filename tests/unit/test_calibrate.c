/* test_calibrate.c: `daemonsim calibrate` end to end. gen-kubectl-history
 * draws 1500 pods' latencies from known distributions (seeded) and writes
 * them as kubectl's events (JSON) and pods (YAML); calibrate must recover
 * them, its -o file must load as a scenario's timingFrom (with the
 * scenario's own timing: on top) and the scenario must run.
 *
 * Tolerances, each about four standard errors of the estimate at this sample
 * size (so a correct fit passes with room, and a fit that ignored the
 * whole-second censoring, or read the pull proper instead of the pull with
 * its wait, fails):
 *   schedule   lognormal(400ms, 0.6), 1500 creation stamps (whole seconds)
 *              against microsecond eventTimes: the lost second blurs
 *              sub-second values, so 15% on the median, 0.1 on sigma;
 *   imagePull  lognormal(6.1s, 0.79), ~1200 exact: se(median) 2.3% -> 10%,
 *              se(sigma) 0.016 -> 0.07;
 *   containerStart gamma(3, 0.6s), whole-second stamps both ends: mean
 *              within 8%, shape within 25%;
 *   readiness  gamma(2, 3s), ~1350 pairs of stamps: mean within 7%, shape
 *              within 20%;
 *   termination exponential(4s), ~150 stopped pods: se(mean) 8% -> 30%.
 * The family chosen by AIC must be the generating one for the four large
 * samples; for termination (a gamma or weibull of shape ~1 is an
 * exponential) only the mean is checked. */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemonsim/cli.h"
#include "daemonsim/scenario.h"
#include "harness.h"

static int run_cmd(int (*cmd)(int, char **), int argc, const char **argv)
{
    fflush(stdout);
    return cmd(argc, (char **)argv);
}

static bool generated;

static void generate(void)
{
    if (generated) return;
    const char *gen = getenv("GEN_KUBECTL_HISTORY");
    CU_ASSERT_FATAL(gen != NULL);
    char cmd[2000];
    snprintf(cmd, sizeof cmd,
             "'%s' --seed 7 --count 1500 --present 0.2 --deleting 0.1 "
             "--schedule lognormal:0.4,0.6 --imagePull lognormal:6.1,0.79 "
             "--containerStart gamma:3,0.6 --readiness gamma:2,3 --termination exponential:4 "
             "'%s' '%s'", gen, tmp_path("events.json"), tmp_path("pods.yaml"));
    CU_ASSERT_FATAL(system(cmd) == 0);
    generated = true;
}

static Scenario *load_calibrated(Diag *d)
{
    tmp_write("scenario.yaml",
               "apiVersion: daemonsim/v1\n"
               "kind: Scenario\n"
               "metadata: {name: calibrated}\n"
               "spec:\n"
               "  timingFrom: timing.yaml\n"
               "  timing:\n"
               "    watch: 20ms\n"
               "  cluster:\n"
               "    nodePools: [{name: workers, count: 50}]\n"
               "  daemonSets:\n"
               "    - manifest:\n"
               "        apiVersion: apps/v1\n"
               "        kind: DaemonSet\n"
               "        metadata: {name: fluent-bit}\n"
               "        spec:\n"
               "          selector: {matchLabels: {app: fluent-bit}}\n"
               "          template:\n"
               "            metadata: {labels: {app: fluent-bit}}\n"
               "            spec: {containers: [{name: fluent-bit, image: fluent-bit:3.1}]}\n"
               "  expect:\n"
               "    - {at: 10m, daemonSet: fluent-bit, status: {numberAvailable: 50}}\n");
    diag_init(d);
    return scenario_load(tmp_path("scenario.yaml"), NULL, 0, d);
}

static void test_recovers_known_parameters(void)
{
    generate();
    const char *argv[] = {"calibrate", tmp_path("events.json"), tmp_path("pods.yaml"), "-o",
                          tmp_path("timing.yaml")};
    EXPECT_EQ_I64(run_cmd(cmd_calibrate, 5, argv), EXIT_OK);
    Diag d;
    Scenario *s = load_calibrated(&d);
    if (!s) diag_print(&d, stderr);
    CU_ASSERT_FATAL(s != NULL);
    const Timing *t = &s->timing;
    EXPECT_EQ_I64(t->schedule.kind, DIST_LOGNORMAL);
    EXPECT_NEAR(t->schedule.a / 0.4, 1, 0.15);
    EXPECT_NEAR(t->schedule.b, 0.6, 0.1);
    EXPECT_EQ_I64(t->image_pull.kind, DIST_LOGNORMAL);
    EXPECT_NEAR(t->image_pull.a / 6.1, 1, 0.10);
    EXPECT_NEAR(t->image_pull.b, 0.79, 0.07);
    EXPECT_EQ_I64(t->container_start.kind, DIST_GAMMA);
    EXPECT_NEAR(dist_mean(&t->container_start) / 1.8, 1, 0.08);
    EXPECT_NEAR(t->container_start.a / 3, 1, 0.25);
    EXPECT_EQ_I64(t->readiness.kind, DIST_GAMMA);
    EXPECT_NEAR(dist_mean(&t->readiness) / 6, 1, 0.07);
    EXPECT_NEAR(t->readiness.a / 2, 1, 0.20);
    EXPECT_NEAR(dist_mean(&t->termination) / 4, 1, 0.30);
    /* the scenario's own timing: wins; what neither names keeps its default */
    EXPECT_EQ_I64(t->watch.kind, DIST_CONSTANT);
    EXPECT_NEAR(t->watch.a, 0.020, 1e-12);
    EXPECT_EQ_I64(t->node_startup.kind, timing_defaults().node_startup.kind);
    scenario_free(s);
}

static void test_round_trip_runs(void)
{
    generate();
    const char *cal[] = {"calibrate", tmp_path("events.json"), tmp_path("pods.yaml"), "-o",
                         tmp_path("timing.yaml")};
    EXPECT_EQ_I64(run_cmd(cmd_calibrate, 5, cal), EXIT_OK);
    Diag d;
    Scenario *s = load_calibrated(&d);
    CU_ASSERT_FATAL(s != NULL);
    scenario_free(s);
    const char *val[] = {"validate", tmp_path("scenario.yaml")};
    EXPECT_EQ_I64(run_cmd(cmd_validate, 2, val), EXIT_OK);
    const char *run[] = {"run", tmp_path("scenario.yaml"), "-q", "-o", tmp_path("run.db")};
    EXPECT_EQ_I64(run_cmd(cmd_run, 5, run), EXIT_OK);
}

/* Bad input: exit 2, the position on stderr, no timing file written. */
static void test_bad_input_writes_nothing(void)
{
    generate();
    tmp_write("bad.json", "{\"kind\": \"List\", \"items\": [{\"kind\": \"Event\"}]}\n");
    const char *out = tmp_path("never.yaml");
    unlink(out);
    const char *argv[] = {"calibrate", tmp_path("events.json"), tmp_path("bad.json"), "-o", out};
    EXPECT_EQ_I64(run_cmd(cmd_calibrate, 5, argv), EXIT_USAGE);
    CU_ASSERT(access(out, F_OK) != 0);
    /* files that hold no lifecycle: nothing to fit */
    tmp_write("empty.yaml", "apiVersion: v1\nitems: []\nkind: List\n");
    const char *empty[] = {"calibrate", tmp_path("empty.yaml"), "-o", out};
    EXPECT_EQ_I64(run_cmd(cmd_calibrate, 4, empty), EXIT_USAGE);
    CU_ASSERT(access(out, F_OK) != 0);
    const char *none[] = {"calibrate", "-o", out};
    EXPECT_EQ_I64(run_cmd(cmd_calibrate, 3, none), EXIT_USAGE);
    const char *unknown[] = {"calibrate", "--bins", "3", tmp_path("events.json")};
    EXPECT_EQ_I64(run_cmd(cmd_calibrate, 4, unknown), EXIT_USAGE);
}

static CU_TestInfo calibrate_tests[] = {
    {"recovers known parameters within the stated tolerances", test_recovers_known_parameters},
    {"calibrate -o, then timingFrom validates and runs", test_round_trip_runs},
    {"bad input: exit 2 and nothing written", test_bad_input_writes_nothing},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"calibrate", suite_setup, suite_teardown, NULL, NULL, calibrate_tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

/* link: ds_engine */
/* test_stats.c: sweep summaries against values worked out by hand. */
#include <math.h>

#include "daemonsim/stats.h"
#include "harness.h"

/* 2 4 4 4 5 5 7 9: mean 5, squared deviations 32, so the sample sd is
 * sqrt(32 / 7). t(0.975, 7 dof) = 2.364624251592785. Quantiles interpolate
 * linearly at rank (n - 1) p: p50 at 3.5 is 4.5, p90 at 6.3 is
 * 7 + 0.3 * 2 = 7.6, p99 at 6.93 is 7 + 0.93 * 2 = 8.86. */
static void test_hand_computed(void)
{
    double x[] = {9, 4, 2, 5, 4, 7, 4, 5};
    Summary s = stats_summarize(x, DS_ARRAY_LEN(x));
    double sd = sqrt(32.0 / 7);
    EXPECT_EQ_I64(s.n, 8);
    EXPECT_NEAR(s.mean, 5, 1e-12);
    EXPECT_NEAR(s.stddev, sd, 1e-12);
    EXPECT_NEAR(s.ci95, 2.364624251592785 * sd / sqrt(8), 1e-9);
    EXPECT_NEAR(s.ci95, 1.787488, 1e-6);
    EXPECT_NEAR(s.p50, 4.5, 1e-12);
    EXPECT_NEAR(s.p90, 7.6, 1e-12);
    EXPECT_NEAR(s.p99, 8.86, 1e-12);
    EXPECT_NEAR(s.min, 2, 0);
    EXPECT_NEAR(s.max, 9, 0);
    /* Sorted in place, as documented. */
    for (size_t i = 1; i < DS_ARRAY_LEN(x); i++) CU_ASSERT(x[i - 1] <= x[i]);
}

/* Two runs: t(0.975, 1 dof) = 12.706204736174707, the widest interval. */
static void test_two_runs(void)
{
    double x[] = {3, 1};
    Summary s = stats_summarize(x, 2);
    EXPECT_NEAR(s.mean, 2, 1e-12);
    EXPECT_NEAR(s.stddev, sqrt(2), 1e-12);
    EXPECT_NEAR(s.ci95, 12.706204736174707, 1e-9);
    EXPECT_NEAR(s.p50, 2, 1e-12);
    EXPECT_NEAR(s.p90, 2.8, 1e-12);
}

/* One run has no spread; none has nothing at all. */
static void test_degenerate(void)
{
    double one[] = {42};
    Summary s = stats_summarize(one, 1);
    EXPECT_EQ_I64(s.n, 1);
    EXPECT_NEAR(s.mean, 42, 0);
    EXPECT_NEAR(s.stddev, 0, 0);
    EXPECT_NEAR(s.ci95, 0, 0);
    EXPECT_NEAR(s.p50, 42, 0);
    EXPECT_NEAR(s.p99, 42, 0);
    EXPECT_NEAR(s.min, 42, 0);
    EXPECT_NEAR(s.max, 42, 0);

    s = stats_summarize(NULL, 0);
    EXPECT_EQ_I64(s.n, 0);
    EXPECT_NEAR(s.mean, 0, 0);
    EXPECT_NEAR(s.ci95, 0, 0);
    EXPECT_NEAR(s.p50, 0, 0);
    EXPECT_NEAR(s.max, 0, 0);
}

static CU_TestInfo stats_tests[] = {
    {"hand computed", test_hand_computed},
    {"two runs", test_two_runs},
    {"one run and none", test_degenerate},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"stats", NULL, NULL, NULL, NULL, stats_tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

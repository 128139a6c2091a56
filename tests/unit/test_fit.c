/* link: ds_engine */
/* test_fit.c: maximum-likelihood fits (fit.h) on seeded draws from known
 * distributions, recorded as a kubelet message (exact), as a difference of
 * two whole-second API stamps, or with only the start stamp truncated. The
 * seeds are fixed, so every figure is deterministic; each tolerance is about
 * four standard errors of the estimate at that sample size (stated beside
 * it), so a correct fit passes with room and a biased one (for example one
 * that took whole-second differences as exact) does not. */
#include <math.h>
#include <stdlib.h>

#include "daemonsim/fit.h"
#include "daemonsim/rng.h"
#include "harness.h"

/* Draws n values of d and records them as `kind` would. */
static FitObs *draw_obs(const Dist *d, size_t n, FitObsKind kind, uint64_t seed)
{
    Rng *r = rng_new(seed, rng_key("fit-test"));
    FitObs *o = malloc(n * sizeof *o);
    for (size_t i = 0; i < n; i++) {
        double x = dist_draw_seconds(d, r), start = 1000 + rng_uniform(r);
        double end = start + x;
        if (kind == FIT_EXACT) o[i] = (FitObs){x, kind};
        else if (kind == FIT_START_STAMP) o[i] = (FitObs){end - floor(start), kind};
        else o[i] = (FitObs){floor(end) - floor(start), kind};
    }
    rng_free(r);
    return o;
}

static void test_exact_lognormal(void)
{
    Dist truth = {.kind = DIST_LOGNORMAL, .a = 6.1, .b = 0.79};
    FitObs *o = draw_obs(&truth, 2000, FIT_EXACT, 1);
    FitResult r;
    CU_ASSERT_FATAL(fit_all(o, 2000, &r));
    EXPECT_EQ_I64(r.best.kind, DIST_LOGNORMAL);
    /* se(median)/median = sigma/sqrt(n) = 1.8%; se(sigma) = sigma/sqrt(2n) = 0.0125 */
    EXPECT_NEAR(r.best.a / 6.1, 1, 0.07);
    EXPECT_NEAR(r.best.b, 0.79, 0.05);
    CU_ASSERT(r.ks < 0.03);
    free(o);
}

/* Whole-second stamps around a gamma of mean 6 s: the censored fit recovers
 * the shape; reading the differences as exact would not (it adds the
 * triangle's variance, 1/6 s^2, and spikes at integers). */
static void test_both_stamps_gamma(void)
{
    Dist truth = {.kind = DIST_GAMMA, .a = 2, .b = 3};
    FitObs *o = draw_obs(&truth, 2000, FIT_BOTH_STAMPS, 2);
    FitResult r;
    CU_ASSERT_FATAL(fit_all(o, 2000, &r));
    EXPECT_EQ_I64(r.best.kind, DIST_GAMMA);
    /* se(shape) ~ 0.06 at n = 2000; the scale follows through the mean (se 1%) */
    EXPECT_NEAR(r.best.a, 2, 0.25);
    EXPECT_NEAR(r.best.a * r.best.b, 6, 0.25);
    CU_ASSERT(r.ks < 0.03);
    free(o);
}

/* Sub-second latencies seen through whole seconds: most differences are 0,
 * and the share of 1s carries the mean. */
static void test_both_stamps_subsecond(void)
{
    Dist truth = {.kind = DIST_EXPONENTIAL, .a = 0.05};
    FitObs *o = draw_obs(&truth, 4000, FIT_BOTH_STAMPS, 3);
    FitFamily f;
    CU_ASSERT_FATAL(fit_family(DIST_EXPONENTIAL, o, 4000, &f));
    /* about 200 of 4000 cross a second: binomial se 7% of the mean */
    EXPECT_NEAR(f.dist.a / 0.05, 1, 0.25);
    free(o);
}

static void test_start_stamp_uniform(void)
{
    Dist truth = {.kind = DIST_UNIFORM, .a = 0.5, .b = 2};
    FitObs *o = draw_obs(&truth, 3000, FIT_START_STAMP, 4);
    FitFamily f;
    CU_ASSERT_FATAL(fit_family(DIST_UNIFORM, o, 3000, &f));
    /* the edges are smeared by the lost second; 0.1 s is several se */
    EXPECT_NEAR(f.dist.a, 0.5, 0.1);
    EXPECT_NEAR(f.dist.b, 2, 0.1);
    free(o);
}

static void test_normal_is_truncated(void)
{
    /* mean 1, sd 1.5: a third of the untruncated mass is below 0 */
    Dist truth = {.kind = DIST_NORMAL, .a = 1, .b = 1.5};
    FitObs *o = draw_obs(&truth, 3000, FIT_EXACT, 5);
    FitFamily f;
    CU_ASSERT_FATAL(fit_family(DIST_NORMAL, o, 3000, &f));
    EXPECT_NEAR(f.dist.a, 1, 0.25);
    EXPECT_NEAR(f.dist.b, 1.5, 0.15);
    free(o);
}

static void test_weibull_exact(void)
{
    Dist truth = {.kind = DIST_WEIBULL, .a = 1.5, .b = 4};
    FitObs *o = draw_obs(&truth, 2000, FIT_EXACT, 6);
    FitResult r;
    CU_ASSERT_FATAL(fit_all(o, 2000, &r));
    EXPECT_EQ_I64(r.best.kind, DIST_WEIBULL);
    EXPECT_NEAR(r.best.a, 1.5, 0.12);
    EXPECT_NEAR(r.best.b, 4, 0.25);
    free(o);
}

/* The closed forms behind the censored likelihood: P(D <= d) predicted for
 * whole-second differences matches their frequencies in 200k draws. */
static void test_stamp_cdf_matches_draws(void)
{
    Dist truth = {.kind = DIST_LOGNORMAL, .a = 1.2, .b = 0.6};
    size_t n = 200000;
    FitObs *o = draw_obs(&truth, n, FIT_BOTH_STAMPS, 7);
    for (int d = 0; d <= 4; d++) {
        size_t below = 0;
        for (size_t i = 0; i < n; i++) below += o[i].x <= d;
        double want = (double)below / (double)n;
        /* binomial se <= 0.0012 */
        EXPECT_NEAR(fit_obs_cdf(&truth, o, n, d, false), want, 0.005);
    }
    EXPECT_NEAR(fit_obs_cdf(&truth, o, n, 0, true), 0, 1e-12);
    free(o);
}

static void test_ks_rejects_wrong_family(void)
{
    Dist truth = {.kind = DIST_UNIFORM, .a = 2, .b = 3};
    FitObs *o = draw_obs(&truth, 1000, FIT_EXACT, 8);
    Dist wrong = {.kind = DIST_EXPONENTIAL, .a = 2.5};
    CU_ASSERT(fit_ks(&truth, o, 1000) < 0.05);
    CU_ASSERT(fit_ks(&wrong, o, 1000) > 0.3);
    free(o);
}

static void test_degenerate_and_too_few(void)
{
    FitObs same[3] = {{2, FIT_BOTH_STAMPS}, {2, FIT_BOTH_STAMPS}, {2, FIT_BOTH_STAMPS}};
    FitResult r;
    CU_ASSERT_FATAL(fit_all(same, 3, &r));
    CU_ASSERT(r.degenerate);
    EXPECT_EQ_I64(r.best.kind, DIST_CONSTANT);
    EXPECT_NEAR(r.best.a, 2, 0);
    CU_ASSERT(!fit_all(same, 1, &r));
    EXPECT_EQ_I64(r.n, 1);
}

static CU_TestInfo fit_tests[] = {
    {"exact lognormal recovered, chosen by AIC", test_exact_lognormal},
    {"whole-second stamps: gamma recovered", test_both_stamps_gamma},
    {"whole-second stamps: sub-second mean recovered", test_both_stamps_subsecond},
    {"start stamp only: uniform edges recovered", test_start_stamp_uniform},
    {"normal fitted as truncated at 0, as drawn", test_normal_is_truncated},
    {"exact weibull recovered", test_weibull_exact},
    {"censored CDF matches draws", test_stamp_cdf_matches_draws},
    {"KS distance separates right and wrong", test_ks_rejects_wrong_family},
    {"degenerate data is a constant; one value is too few", test_degenerate_and_too_few},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"fit", NULL, NULL, NULL, NULL, fit_tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

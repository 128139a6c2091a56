/* link: ds_engine */
/* test_dist.c: random streams (derivation, reproducibility, independence,
 * the seeds GSL would mishandle) and distributions (moments over 200k draws
 * against the analytic values, clamps, rounding to nanoseconds, validation
 * messages). Seeds are fixed, so every figure here is deterministic; the
 * tolerances are 5 standard errors or more. */
#include <math.h>
#include <stdlib.h>

#include "daemonsim/dist.h"
#include "daemonsim/rng.h"
#include "harness.h"

#define NDRAWS 200000

/* rng_key is 64-bit FNV-1a: the published test vectors. */
static void test_key_is_fnv1a(void)
{
    CU_ASSERT_EQUAL(rng_key(""), UINT64_C(0xcbf29ce484222325));
    CU_ASSERT_EQUAL(rng_key("a"), UINT64_C(0xaf63dc4c8601ec8c));
    CU_ASSERT_EQUAL(rng_key("foobar"), UINT64_C(0x85944171f73967e8));
    CU_ASSERT_NOT_EQUAL(rng_key("imagePull"), rng_key("imagepull"));
}

/* Pinned: changing the derivation changes every recorded run. */
static void test_derivation_pinned(void)
{
    CU_ASSERT_EQUAL(rng_key("imagePull"), UINT64_C(0xcea784382decc811));
    CU_ASSERT_EQUAL(rng_seed32(42, rng_key("imagePull")), UINT32_C(0xf76b5fa5));
    CU_ASSERT_NOT_EQUAL(rng_mix(1, 2), rng_mix(2, 1));
    EXPECT_STR(rng_type_name(), "mt19937");
}

static int count_equal_draws(Rng *a, Rng *b, int n)
{
    int same = 0;
    for (int i = 0; i < n; i++) same += rng_uniform(a) == rng_uniform(b);
    return same;
}

static void test_same_stream_reproduces(void)
{
    Dist d = {.kind = DIST_LOGNORMAL, .a = 6, .b = 0.8};
    Rng *a = rng_new(42, rng_key("imagePull"));
    Rng *b = rng_new(42, rng_key("imagePull"));
    int mismatches = 0;
    for (int i = 0; i < 10000; i++) mismatches += dist_draw(&d, a) != dist_draw(&d, b);
    EXPECT_EQ_I64(mismatches, 0);
    rng_free(a);
    rng_free(b);
}

static void test_streams_are_independent(void)
{
    /* Other key, other seed: no draw in common. */
    Rng *a = rng_new(42, rng_key("imagePull"));
    Rng *b = rng_new(42, rng_key("containerStart"));
    EXPECT_EQ_I64(count_equal_draws(a, b, 1000), 0);
    rng_free(a);
    rng_free(b);
    a = rng_new(42, rng_key("imagePull"));
    b = rng_new(43, rng_key("imagePull"));
    EXPECT_EQ_I64(count_equal_draws(a, b, 1000), 0);
    rng_free(a);
    rng_free(b);
}

/* GSL keeps 32 bits of a seed and replaces 0 by 4357, so raw GSL would give
 * seeds 0 and 2^32 the same stream. Here the whole 64-bit seed is mixed with
 * the key before folding: 0 is an ordinary seed, and 0, 1, 2^32 and 2^32 + 1
 * all give different streams. */
static void test_seed_zero_and_2_pow_32(void)
{
    static const uint64_t seeds[] = {0, 1, UINT64_C(1) << 32, (UINT64_C(1) << 32) + 1};
    uint64_t key = rng_key("imagePull");
    for (size_t i = 0; i < DS_ARRAY_LEN(seeds); i++) {
        CU_ASSERT_NOT_EQUAL(rng_seed32(seeds[i], key), 0);
        for (size_t j = i + 1; j < DS_ARRAY_LEN(seeds); j++) {
            CU_ASSERT_NOT_EQUAL(rng_seed32(seeds[i], key), rng_seed32(seeds[j], key));
            Rng *a = rng_new(seeds[i], key), *b = rng_new(seeds[j], key);
            EXPECT_EQ_I64(count_equal_draws(a, b, 1000), 0);
            rng_free(a);
            rng_free(b);
        }
    }
    /* Seed 0 reproduces like any other. */
    Rng *a = rng_new(0, key), *b = rng_new(0, key);
    EXPECT_EQ_I64(count_equal_draws(a, b, 1000), 1000);
    rng_free(a);
    rng_free(b);
}

/* A (seed, key) whose mix folds to 0 gets the fixed substitute 0x9E3779B9,
 * i.e. exactly the stream of a pair that folds to 0x9E3779B9. Both keys were
 * found by inverting splitmix64. */
static void test_zero_fold_substituted(void)
{
    uint64_t folds_to_zero = UINT64_C(0x83e82e7ffba84e44);
    uint64_t folds_to_substitute = UINT64_C(0xa0beba480542890d);
    uint64_t z = rng_mix(0, folds_to_zero);
    EXPECT_EQ_I64((uint32_t)(z ^ (z >> 32)), 0);
    CU_ASSERT_EQUAL(rng_seed32(0, folds_to_zero), UINT32_C(0x9E3779B9));
    CU_ASSERT_EQUAL(rng_seed32(0, folds_to_substitute), UINT32_C(0x9E3779B9));
    Rng *a = rng_new(0, folds_to_zero), *b = rng_new(0, folds_to_substitute);
    EXPECT_EQ_I64(count_equal_draws(a, b, 100), 100);
    rng_free(a);
    rng_free(b);
}

static void test_uniform_and_below_ranges(void)
{
    Rng *r = rng_new(5, rng_key("test.ranges"));
    int hits[7] = {0};
    double lo = 1, hi = 0;
    for (int i = 0; i < 70000; i++) {
        uint32_t k = rng_below(r, 7);
        CU_ASSERT_FATAL(k < 7);
        hits[k]++;
        double u = rng_uniform(r);
        CU_ASSERT_FATAL(u >= 0 && u < 1);
        lo = fmin(lo, u);
        hi = fmax(hi, u);
    }
    /* Each bucket expects 10000 with sd 93. */
    for (int k = 0; k < 7; k++) EXPECT_NEAR(hits[k], 10000, 500);
    CU_ASSERT(lo < 1e-3 && hi > 1 - 1e-3);
    for (int i = 0; i < 100; i++) EXPECT_EQ_I64(rng_below(r, 1), 0);
    rng_free(r);
}

/* Moments. */

typedef struct {
    const char *name;
    Dist d;
    double mean;            /* analytic */
    double var;
    double var_rel_tol;     /* the sample variance converges slowly for heavy tails */
} MomentCase;

static double truncated_normal_lambda(double mean, double sd)
{
    double alpha = -mean / sd;
    double pdf = exp(-alpha * alpha / 2) / 2.5066282746310002; /* sqrt(2 pi) */
    double q = 0.5 * erfc(alpha / sqrt(2));
    return pdf / q;
}

static void check_moments(const MomentCase *c, Rng *r)
{
    double mean = 0, m2 = 0;
    for (int i = 1; i <= NDRAWS; i++) {
        double x = dist_draw_seconds(&c->d, r);
        double delta = x - mean;
        mean += delta / i;
        m2 += delta * (x - mean);
    }
    double var = m2 / (NDRAWS - 1);
    double mean_tol = 5 * sqrt(c->var / NDRAWS) + 1e-12;
    char what[128];
    snprintf(what, sizeof what, "%s: mean %.6g (want %.6g), var %.6g (want %.6g)", c->name, mean,
             c->mean, var, c->var);
    CU_assertImplementation(fabs(mean - c->mean) <= mean_tol, __LINE__, what, __FILE__, "",
                            CU_FALSE);
    CU_assertImplementation(fabs(var - c->var) <= c->var_rel_tol * c->var + 1e-12, __LINE__,
                            what, __FILE__, "", CU_FALSE);
    /* dist_mean gives the same analytic mean. */
    EXPECT_NEAR(dist_mean(&c->d), c->mean, 1e-9 * fmax(1, c->mean));
}

static void test_moments(void)
{
    static const double emp[] = {1, 2, 4};
    double lam = truncated_normal_lambda(1, 1), lam10 = truncated_normal_lambda(10, 2);
    double g1 = tgamma(1 + 1 / 1.5), g2 = tgamma(1 + 2 / 1.5);
    const MomentCase cases[] = {
        {"constant", dist_constant(2.5), 2.5, 0, 0},
        {"uniform", {.kind = DIST_UNIFORM, .a = 0.5, .b = 2}, 1.25, 1.5 * 1.5 / 12, 0.02},
        {"exponential", {.kind = DIST_EXPONENTIAL, .a = 4}, 4, 16, 0.04},
        /* Truncated at 0: mean + sd lambda, sd^2 (1 + alpha lambda - lambda^2)
         * with alpha = -mean / sd; 5 sd above 0 the truncation moves the
         * mean by only 3e-6. */
        {"normal", {.kind = DIST_NORMAL, .a = 10, .b = 2}, 10 + 2 * lam10, 4, 0.02},
        {"normal truncated", {.kind = DIST_NORMAL, .a = 1, .b = 1}, 1 + lam,
         1 + (-1) * lam - lam * lam, 0.03},
        {"lognormal", {.kind = DIST_LOGNORMAL, .a = 6, .b = 0.8}, 6 * exp(0.32),
         (exp(0.64) - 1) * 36 * exp(0.64), 0.08},
        {"gamma", {.kind = DIST_GAMMA, .a = 2, .b = 3}, 6, 18, 0.03},
        /* With shape and scale swapped the mean would be 1.5 Gamma(1.5) = 1.33. */
        {"weibull", {.kind = DIST_WEIBULL, .a = 1.5, .b = 2}, 2 * g1, 4 * (g2 - g1 * g1), 0.03},
        {"weibull shape 1 is exponential", {.kind = DIST_WEIBULL, .a = 1, .b = 3}, 3, 9, 0.04},
        {"empirical", {.kind = DIST_EMPIRICAL, .values = emp, .nvalues = 3}, 7.0 / 3,
         21.0 / 3 - 49.0 / 9, 0.02},
    };
    for (size_t i = 0; i < DS_ARRAY_LEN(cases); i++) {
        CU_ASSERT_PTR_NULL(dist_check(&cases[i].d));
        Rng *r = rng_new(2024, rng_key(cases[i].name));
        check_moments(&cases[i], r);
        rng_free(r);
    }
}

/* Far below 0 most draws miss 64 times and become 0; dist_mean accounts
 * for that, and the sample agrees. */
static void test_normal_mostly_negative(void)
{
    Dist d = {.kind = DIST_NORMAL, .a = -1, .b = 0.5};
    Rng *r = rng_new(9, rng_key("test.normal.negative"));
    double sum = 0;
    int zeros = 0;
    for (int i = 0; i < NDRAWS; i++) {
        double x = dist_draw_seconds(&d, r);
        CU_ASSERT_FATAL(x >= 0);
        sum += x;
        zeros += x == 0;
    }
    /* P(kept) = 1 - (1 - Q(2))^64 = 0.771. */
    EXPECT_NEAR((double)zeros / NDRAWS, 1 - 0.7707, 0.005);
    EXPECT_NEAR(sum / NDRAWS, dist_mean(&d), 0.002);
    rng_free(r);

    Dist hopeless = {.kind = DIST_NORMAL, .a = -10, .b = 1};
    r = rng_new(9, rng_key("test.normal.hopeless"));
    for (int i = 0; i < 100; i++) EXPECT_EQ_I64(dist_draw(&hopeless, r), 0);
    CU_ASSERT(dist_mean(&hopeless) >= 0 && dist_mean(&hopeless) < 1e-12);
    rng_free(r);
    Dist zero_sd = {.kind = DIST_NORMAL, .a = -1, .b = 0};
    EXPECT_NEAR(dist_mean(&zero_sd), 0, 0);
}

static void test_draw_in_nanoseconds(void)
{
    Rng *r = rng_new(1, rng_key("test.ns"));
    Dist d = {.kind = DIST_EXPONENTIAL, .a = 0.25};
    double sum = 0;
    for (int i = 0; i < NDRAWS; i++) {
        SimTime t = dist_draw(&d, r);
        CU_ASSERT_FATAL(t >= 0);
        sum += (double)t;
    }
    EXPECT_NEAR(sum / NDRAWS / 1e9, 0.25, 5 * 0.25 / sqrt(NDRAWS));

    /* Rounded to the nearest nanosecond, halves away from zero. */
    EXPECT_EQ_I64(dist_draw(&(Dist){.kind = DIST_CONSTANT, .a = 1.5e-9}, r), 2);
    EXPECT_EQ_I64(dist_draw(&(Dist){.kind = DIST_CONSTANT, .a = 2.4e-9}, r), 2);
    EXPECT_EQ_I64(dist_draw(&(Dist){.kind = DIST_CONSTANT, .a = 0}, r), 0);
    EXPECT_EQ_I64(dist_draw(&(Dist){.kind = DIST_CONSTANT, .a = 3600}, r), 3600 * SIM_S);
    EXPECT_EQ_I64(dist_draw(&(Dist){.kind = DIST_CONSTANT, .a = 0.010}, r), 10 * SIM_MS);
    /* The same as llround(seconds * 1e9) wherever that fits: halves, random
     * magnitudes from 1e-12 s to 1e8 s, and the largest doubles below 2^63. */
    int differ = 0;
    for (int k = 0; k < 4000; k++) {
        double x = k * 0.5e-9;
        differ += dist_draw(&(Dist){.kind = DIST_CONSTANT, .a = x}, r) != llround(x * 1e9);
    }
    for (int k = 0; k < 100000; k++) {
        double x = rng_uniform(r) * pow(10, -12 + (int)rng_below(r, 21));
        differ += dist_draw(&(Dist){.kind = DIST_CONSTANT, .a = x}, r) != llround(x * 1e9);
    }
    double big = 9223372036854774784.0; /* 2^63 - 1024 */
    for (int k = 0; k < 1000; k++, big = nextafter(big, 0)) {
        double x = big / 1e9;
        if (x * 1e9 < 9223372036854775808.0)
            differ += dist_draw(&(Dist){.kind = DIST_CONSTANT, .a = x}, r) != llround(x * 1e9);
    }
    EXPECT_EQ_I64(differ, 0);
    /* Beyond 2^63 ns (292 years) a draw saturates instead of overflowing. */
    EXPECT_EQ_I64(dist_draw(&(Dist){.kind = DIST_CONSTANT, .a = 1e12}, r), SIM_NEVER);
    rng_free(r);
}

static void test_clamps(void)
{
    Dist d = {.kind = DIST_EXPONENTIAL, .a = 1, .has_min = true, .min = 0.5,
              .has_max = true, .max = 2};
    CU_ASSERT_PTR_NULL(dist_check(&d));
    Rng *r = rng_new(8, rng_key("test.clamps"));
    int at_min = 0, at_max = 0;
    for (int i = 0; i < 10000; i++) {
        double x = dist_draw_seconds(&d, r);
        CU_ASSERT_FATAL(x >= 0.5 && x <= 2);
        at_min += x == 0.5;
        at_max += x == 2;
    }
    /* P(x < 0.5) = 0.39, P(x > 2) = 0.135. */
    EXPECT_NEAR(at_min, 3935, 250);
    EXPECT_NEAR(at_max, 1353, 200);
    /* Only one side, and the unclamped mean is what dist_mean reports. */
    Dist lo = {.kind = DIST_UNIFORM, .a = 0, .b = 10, .has_min = true, .min = 9};
    for (int i = 0; i < 1000; i++) CU_ASSERT_FATAL(dist_draw_seconds(&lo, r) >= 9);
    EXPECT_NEAR(dist_mean(&lo), 5, 0);
    Dist hi = {.kind = DIST_LOGNORMAL, .a = 1, .b = 2, .has_max = true, .max = 0.001};
    for (int i = 0; i < 1000; i++) CU_ASSERT_FATAL(dist_draw(&hi, r) <= SIM_MS);
    rng_free(r);
}

static void check_rejects(Dist d, const char *want)
{
    EXPECT_STR(dist_check(&d), want);
}

static void test_check_rejects(void)
{
    static const double neg[] = {1, -0.5};
    static const double nan_values[] = {NAN};
    static const double one[] = {3};
    check_rejects((Dist){.kind = DIST_CONSTANT, .a = -1}, "value must be >= 0");
    check_rejects((Dist){.kind = DIST_CONSTANT, .a = INFINITY}, "value must be finite");
    check_rejects((Dist){.kind = DIST_UNIFORM, .a = -1, .b = 1}, "min must be >= 0");
    check_rejects((Dist){.kind = DIST_UNIFORM, .a = 2, .b = 1}, "max must be >= min");
    check_rejects((Dist){.kind = DIST_EXPONENTIAL, .a = 0}, "mean must be > 0");
    check_rejects((Dist){.kind = DIST_EXPONENTIAL, .a = NAN}, "mean must be finite");
    check_rejects((Dist){.kind = DIST_NORMAL, .a = 1, .b = -1}, "stddev must be >= 0");
    check_rejects((Dist){.kind = DIST_NORMAL, .a = INFINITY, .b = 1}, "mean must be finite");
    check_rejects((Dist){.kind = DIST_LOGNORMAL, .a = 0, .b = 1}, "median must be > 0");
    check_rejects((Dist){.kind = DIST_LOGNORMAL, .a = 1, .b = -0.1}, "sigma must be >= 0");
    check_rejects((Dist){.kind = DIST_GAMMA, .a = 0, .b = 1}, "shape must be > 0");
    check_rejects((Dist){.kind = DIST_GAMMA, .a = 1, .b = 0}, "scale must be > 0");
    check_rejects((Dist){.kind = DIST_WEIBULL, .a = -2, .b = 1}, "shape must be > 0");
    check_rejects((Dist){.kind = DIST_WEIBULL, .a = 2, .b = -1}, "scale must be > 0");
    check_rejects((Dist){.kind = DIST_EMPIRICAL, .values = one, .nvalues = 0},
                  "values must not be empty");
    check_rejects((Dist){.kind = DIST_EMPIRICAL, .values = neg, .nvalues = 2},
                  "values must be >= 0");
    check_rejects((Dist){.kind = DIST_EMPIRICAL, .values = nan_values, .nvalues = 1},
                  "values must be finite");
    check_rejects((Dist){.kind = DIST_CONSTANT, .a = 1, .has_min = true, .min = -1},
                  "min must be >= 0");
    check_rejects((Dist){.kind = DIST_CONSTANT, .a = 1, .has_max = true, .max = -1},
                  "max must be >= 0");
    check_rejects((Dist){.kind = DIST_CONSTANT, .a = 1, .has_min = true, .min = 3,
                         .has_max = true, .max = 2},
                  "max must be >= min");
    check_rejects((Dist){.kind = (DistKind)42}, "unknown distribution");

    /* The edges that are allowed. */
    CU_ASSERT_PTR_NULL(dist_check(&(Dist){.kind = DIST_CONSTANT, .a = 0}));
    CU_ASSERT_PTR_NULL(dist_check(&(Dist){.kind = DIST_UNIFORM, .a = 0, .b = 0}));
    CU_ASSERT_PTR_NULL(dist_check(&(Dist){.kind = DIST_NORMAL, .a = -3, .b = 0}));
    CU_ASSERT_PTR_NULL(dist_check(&(Dist){.kind = DIST_LOGNORMAL, .a = 1, .b = 0}));
    CU_ASSERT_PTR_NULL(dist_check(&(Dist){.kind = DIST_EMPIRICAL, .values = one, .nvalues = 1}));
    CU_ASSERT_PTR_NULL(dist_check(&(Dist){.kind = DIST_CONSTANT, .a = 1, .has_min = true,
                                          .min = 2, .has_max = true, .max = 2}));
}

static void test_kind_names(void)
{
    static const char *const want[] = {"constant", "uniform",   "exponential", "normal",
                                       "lognormal", "gamma",    "weibull",     "empirical"};
    for (int k = DIST_CONSTANT; k <= DIST_EMPIRICAL; k++)
        EXPECT_STR(dist_kind_name((DistKind)k), want[k]);
    EXPECT_STR(dist_kind_name((DistKind)99), "?");
}

static CU_TestInfo rng_tests[] = {
    {"key is FNV-1a", test_key_is_fnv1a},
    {"derivation pinned", test_derivation_pinned},
    {"same stream reproduces", test_same_stream_reproduces},
    {"streams independent", test_streams_are_independent},
    {"seeds 0 and 2^32", test_seed_zero_and_2_pow_32},
    {"zero fold substituted", test_zero_fold_substituted},
    {"uniform and below ranges", test_uniform_and_below_ranges},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo dist_tests[] = {
    {"moments", test_moments},
    {"normal far below 0", test_normal_mostly_negative},
    {"draws in nanoseconds", test_draw_in_nanoseconds},
    {"clamps", test_clamps},
    {"check rejects", test_check_rejects},
    {"kind names", test_kind_names},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"rng", NULL, NULL, NULL, NULL, rng_tests},
    {"dist", NULL, NULL, NULL, NULL, dist_tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

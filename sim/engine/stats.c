/* stats.c: the summary of one sweep point's repeated runs.
 *
 * Everything is exact and deterministic: the sample is sorted once and the
 * quantiles are GSL's linear interpolation between order statistics (no
 * streaming estimator). The confidence interval is the Student t half-width
 * with n - 1 degrees of freedom, so it stays honest for the handful of runs a
 * sweep point usually has; with fewer than two runs there is no spread to
 * estimate and both stddev and ci95 are 0. */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>

#include "daemonsim/diag.h"
#include "daemonsim/rng.h"
#include "daemonsim/stats.h"

Summary stats_summarize(double *x, size_t n)
{
    Summary s = {.n = n};
    if (n == 0) return s;
    rng_gsl_init();
    /* gsl_sort's order, and so every quantile, is undefined with a NaN. */
    for (size_t i = 0; i < n; i++) DS_ASSERT(!isnan(x[i]));
    gsl_sort(x, 1, n);
    s.mean = gsl_stats_mean(x, 1, n);
    if (n >= 2) {
        s.stddev = gsl_stats_sd(x, 1, n);
        s.ci95 = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * s.stddev / sqrt((double)n);
    }
    s.p10 = gsl_stats_quantile_from_sorted_data(x, 1, n, 0.10);
    s.p50 = gsl_stats_quantile_from_sorted_data(x, 1, n, 0.50);
    s.p90 = gsl_stats_quantile_from_sorted_data(x, 1, n, 0.90);
    s.p99 = gsl_stats_quantile_from_sorted_data(x, 1, n, 0.99);
    s.min = x[0];
    s.max = x[n - 1];
    return s;
}

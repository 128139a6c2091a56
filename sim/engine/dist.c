/* dist.c: latency distributions over GSL, validated once and drawn as SimTime.
 *
 * GSL checks none of its parameters, so dist_check() is the only guard: the
 * scenario loader calls it and reports the message at the parameter's
 * position; dist_draw() asserts nothing and trusts a checked Dist. The GSL
 * calls are written once here because their parameter conventions differ
 * from the scenario's: exponential takes the mean (not the rate), lognormal
 * takes log(median), and weibull takes the scale before the shape. The normal
 * distribution is truncated at 0 by redrawing, at most 64 times; after that
 * the draw is 0 (only a mean many standard deviations below 0 gets there). */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>

#include "daemonsim/dist.h"

#define DIST_NORMAL_TRIES 64
/* 2^63 ns: a draw at or beyond this (292 years) saturates at SIM_NEVER. */
#define DIST_MAX_NS 9223372036854775808.0

static const char *const dist_names[DIST__COUNT] = {
#define X(id, ID, ...) [DIST_##ID] = #id,
    DIST_KINDS(X)
#undef X
};

const char *dist_kind_name(DistKind k)
{
    if ((unsigned)k >= DS_ARRAY_LEN(dist_names)) return "?";
    return dist_names[k];
}

/* Messages name parameters as the scenario spells them. The negated
 * comparisons also reject NaN. */
const char *dist_check(const Dist *d)
{
    if ((unsigned)d->kind >= DIST__COUNT) return "unknown distribution";
    switch (d->kind) {
    case DIST_CONSTANT:
        if (!isfinite(d->a)) return "value must be finite";
        if (!(d->a >= 0)) return "value must be >= 0";
        break;
    case DIST_UNIFORM:
        if (!isfinite(d->a) || !isfinite(d->b)) return "min and max must be finite";
        if (!(d->a >= 0)) return "min must be >= 0";
        if (!(d->b >= d->a)) return "max must be >= min";
        break;
    case DIST_EXPONENTIAL:
        if (!isfinite(d->a)) return "mean must be finite";
        if (!(d->a > 0)) return "mean must be > 0";
        break;
    case DIST_NORMAL:
        if (!isfinite(d->a)) return "mean must be finite";
        if (!isfinite(d->b)) return "stddev must be finite";
        if (!(d->b >= 0)) return "stddev must be >= 0";
        break;
    case DIST_LOGNORMAL:
        if (!isfinite(d->a)) return "median must be finite";
        if (!(d->a > 0)) return "median must be > 0";
        if (!isfinite(d->b)) return "sigma must be finite";
        if (!(d->b >= 0)) return "sigma must be >= 0";
        break;
    case DIST_GAMMA:
    case DIST_WEIBULL:
        if (!isfinite(d->a)) return "shape must be finite";
        if (!(d->a > 0)) return "shape must be > 0";
        if (!isfinite(d->b)) return "scale must be finite";
        if (!(d->b > 0)) return "scale must be > 0";
        break;
    case DIST_EMPIRICAL:
        if (d->nvalues < 1 || !d->values) return "values must not be empty";
        for (size_t i = 0; i < d->nvalues; i++) {
            if (!isfinite(d->values[i])) return "values must be finite";
            if (!(d->values[i] >= 0)) return "values must be >= 0";
        }
        break;
    case DIST__COUNT: break;
    }
    if (d->has_min && !(d->min >= 0 && isfinite(d->min))) return "min must be >= 0";
    if (d->has_max && !(d->max >= 0 && isfinite(d->max))) return "max must be >= 0";
    if (d->has_min && d->has_max && !(d->max >= d->min)) return "max must be >= min";
    return NULL;
}

/* ---- draws, one per DIST_KINDS entry ---------------------------------------- */

static double draw_constant(const Dist *d, gsl_rng *g) { (void)g; return d->a; }
static double draw_uniform(const Dist *d, gsl_rng *g) { return gsl_ran_flat(g, d->a, d->b); }
static double draw_exponential(const Dist *d, gsl_rng *g) { return gsl_ran_exponential(g, d->a); }
static double draw_lognormal(const Dist *d, gsl_rng *g)
{
    return gsl_ran_lognormal(g, log(d->a), d->b);
}
static double draw_gamma(const Dist *d, gsl_rng *g) { return gsl_ran_gamma(g, d->a, d->b); }
static double draw_weibull(const Dist *d, gsl_rng *g) { return gsl_ran_weibull(g, d->b, d->a); }

static double draw_normal(const Dist *d, gsl_rng *g)
{
    for (int i = 0; i < DIST_NORMAL_TRIES; i++) {
        double x = d->a + gsl_ran_gaussian(g, d->b);
        if (x >= 0) return x;
    }
    return 0;
}

static double draw_empirical(const Dist *d, gsl_rng *g)
{
    return d->values[gsl_rng_uniform_int(g, d->nvalues)];
}

double dist_draw_seconds(const Dist *d, Rng *r)
{
    gsl_rng *g = rng_gsl(r);
    double x = 0;
    switch (d->kind) {
#define X(id, ID, ...) case DIST_##ID: x = draw_##id(d, g); break;
    DIST_KINDS(X)
#undef X
    case DIST__COUNT: break;
    }
    if (d->has_min && x < d->min) x = d->min;
    if (d->has_max && x > d->max) x = d->max;
    return x;
}

/* llround() for 0 < ns < 2^63, without the libm call (a quarter of a
 * draw's cost). Truncation is exact, so is the integer part as a double,
 * and so is the fraction; halves round up, as llround's away from zero. */
static SimTime dist_round_ns(double ns)
{
    SimTime whole = (SimTime)ns;
    return whole + (ns - (double)whole >= 0.5);
}

SimTime dist_draw(const Dist *d, Rng *r)
{
    double ns = dist_draw_seconds(d, r) * 1e9;
    if (!(ns > 0)) return 0;
    if (ns >= DIST_MAX_NS) return SIM_NEVER;
    return dist_round_ns(ns);
}

/* ---- means, one per DIST_KINDS entry (before clamping) ----------------------- */

static double mean_constant(const Dist *d) { return d->a; }
static double mean_uniform(const Dist *d) { return (d->a + d->b) / 2; }
static double mean_exponential(const Dist *d) { return d->a; }
static double mean_lognormal(const Dist *d) { return d->a * exp(d->b * d->b / 2); }
static double mean_gamma(const Dist *d) { return d->a * d->b; }
static double mean_weibull(const Dist *d) { return d->b * tgamma(1 + 1 / d->a); }

static double mean_empirical(const Dist *d)
{
    double sum = 0;
    for (size_t i = 0; i < d->nvalues; i++) sum += d->values[i];
    return d->nvalues ? sum / (double)d->nvalues : 0;
}

/* The mean of what draw_normal returns: a draw is kept with probability
 * p = P(X >= 0), and then has the lower-truncated mean; after 64 misses it
 * is 0. */
static double mean_normal(const Dist *d)
{
    double mean = d->a, stddev = d->b;
    if (stddev == 0) return mean >= 0 ? mean : 0;
    double alpha = -mean / stddev;
    double p = gsl_cdf_ugaussian_Q(alpha);
    if (p == 0) return 0;
    double kept = mean + stddev * gsl_ran_ugaussian_pdf(alpha) / p;
    /* 1 - (1 - p)^64, exact even when p is below DBL_EPSILON. */
    return -expm1(DIST_NORMAL_TRIES * log1p(-p)) * kept;
}

double dist_mean(const Dist *d)
{
    switch (d->kind) {
#define X(id, ID, ...) case DIST_##ID: return mean_##id(d);
    DIST_KINDS(X)
#undef X
    case DIST__COUNT: break;
    }
    return 0;
}

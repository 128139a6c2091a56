/* dist.h: latency distributions, validated when built and drawn as SimTime.
 *
 * Parameters are in seconds (durations), except shapes and sigma, which have no
 * unit. Every distribution may be clamped to [min, max]. The normal
 * distribution is truncated at 0 by redrawing (at most 64 times, then 0). */
#ifndef DAEMONSIM_DIST_H
#define DAEMONSIM_DIST_H

#include "daemonsim/base.h"
#include "daemonsim/rng.h"

typedef enum {
    DIST_CONSTANT,      /* value */
    DIST_UNIFORM,       /* a = min, b = max */
    DIST_EXPONENTIAL,   /* a = mean */
    DIST_NORMAL,        /* a = mean, b = stddev */
    DIST_LOGNORMAL,     /* a = median, b = sigma */
    DIST_GAMMA,         /* a = shape, b = scale */
    DIST_WEIBULL,       /* a = shape, b = scale */
    DIST_EMPIRICAL,     /* values[] drawn uniformly */
} DistKind;

typedef struct {
    DistKind kind;
    double a, b;            /* parameters, see DistKind; durations in seconds */
    const double *values;   /* empirical values in seconds (owned elsewhere) */
    size_t nvalues;
    bool has_min, has_max;
    double min, max;        /* clamps in seconds */
} Dist;

static inline Dist dist_constant(double seconds)
{
    return (Dist){.kind = DIST_CONSTANT, .a = seconds};
}

/* NULL when the parameters are valid, else what is wrong. */
const char *dist_check(const Dist *d);
/* One draw in seconds, clamped. */
double dist_draw_seconds(const Dist *d, Rng *r);
/* One draw as a non-negative SimTime, rounded to the nanosecond. */
SimTime dist_draw(const Dist *d, Rng *r);
/* The distribution's mean before clamping (for summaries). */
double dist_mean(const Dist *d);
const char *dist_kind_name(DistKind k);

#endif

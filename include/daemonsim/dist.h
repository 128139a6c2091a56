/* dist.h: latency distributions, validated when built and drawn as SimTime.
 *
 * Parameters are in seconds (durations), except shapes and sigma, which have no
 * unit. Every distribution may be clamped to [min, max]. The normal
 * distribution is truncated at 0 by redrawing (at most 64 times, then 0). */
#ifndef DAEMONSIM_DIST_H
#define DAEMONSIM_DIST_H

#include "daemonsim/base.h"
#include "daemonsim/rng.h"

/* Every distribution, once: X(id, ID, a, a_unit, b, b_unit, clamps).
 *   id       scenario name (`dist: id`); dist.c draws with draw_<id>() and
 *            takes the mean with mean_<id>()
 *   a, b     the scenario keys that fill Dist.a and Dist.b
 *   a_unit   DUR (a duration, in seconds), NUM (no unit), VALUES (the
 *            empirical list, into values[]) or NONE (no such parameter)
 *   clamps   CLAMPS when min: and max: may clamp draws, NO_CLAMPS when the
 *            distribution's own keys are called min and max
 * The enum, the names, the scenario loader's key tables, draws and means
 * all follow from this list. */
#define DIST_KINDS(X)                                                       \
    X(constant, CONSTANT, value, DUR, -, NONE, CLAMPS)                      \
    X(uniform, UNIFORM, min, DUR, max, DUR, NO_CLAMPS)                      \
    X(exponential, EXPONENTIAL, mean, DUR, -, NONE, CLAMPS)                 \
    X(normal, NORMAL, mean, DUR, stddev, DUR, CLAMPS)                       \
    X(lognormal, LOGNORMAL, median, DUR, sigma, NUM, CLAMPS)                \
    X(gamma, GAMMA, shape, NUM, scale, DUR, CLAMPS)                         \
    X(weibull, WEIBULL, shape, NUM, scale, DUR, CLAMPS)                     \
    X(empirical, EMPIRICAL, values, VALUES, -, NONE, CLAMPS)

typedef enum {
#define X(id, ID, ...) DIST_##ID,
    DIST_KINDS(X)
#undef X
    DIST__COUNT
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

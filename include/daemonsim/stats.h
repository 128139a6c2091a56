/* stats.h: summaries of repeated runs (sweep points). */
#ifndef DAEMONSIM_STATS_H
#define DAEMONSIM_STATS_H

#include "daemonsim/base.h"

typedef struct {
    size_t n;
    double mean, stddev, ci95;      /* ci95: half-width, Student t, n-1 dof */
    double p10, p50, p90, p99;
    double min, max;
} Summary;

/* Sorts `x` in place. n = 0 gives an all-zero summary. */
Summary stats_summarize(double *x, size_t n);

#endif

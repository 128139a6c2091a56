/* fit.h: maximum-likelihood fits of the latency distributions (dist.h) to
 * measured durations, for `daemonsim calibrate`.
 *
 * A measured duration is rarely exact. Kubernetes API timestamps have whole
 * seconds, so a duration read off two of them says only that the true value
 * lies within a second either side; the observation kinds below say which of
 * its ends were truncated, and the likelihood integrates over what was lost
 * (interval censoring) instead of pretending the difference is exact. Every
 * family the simulator draws from is fitted; the one with the lowest AIC is
 * chosen. Fits are deterministic (same observations, same result). */
#ifndef DAEMONSIM_FIT_H
#define DAEMONSIM_FIT_H

#include "daemonsim/dist.h"

typedef enum {
    /* x is the duration, to well under a second (a kubelet message). */
    FIT_EXACT,
    /* x = end - floor(start): the start stamp lost its fraction u in [0, 1),
     * so the duration is x - u, somewhere in (x - 1, x]. */
    FIT_START_STAMP,
    /* x = floor(end) - floor(start), whole seconds: the duration is in
     * (x - 1, x + 1), more likely near x (a triangle) because the two lost
     * fractions are independent and uniform. */
    FIT_BOTH_STAMPS,
    FIT__KINDS
} FitObsKind;

typedef struct {
    double x;               /* seconds */
    FitObsKind kind;
} FitObs;

/* The families a fit tries, in the order reports list them. */
#define FIT_NFAMILIES 6
extern const DistKind fit_families[FIT_NFAMILIES];

typedef struct {
    DistKind kind;
    bool ok;                /* a finite maximum was found */
    Dist dist;              /* the fitted parameters (no clamps) */
    double loglik;
    double aic;             /* 2k - 2 loglik */
    int nparams;
} FitFamily;

typedef struct {
    size_t n;
    bool degenerate;        /* every observation equal: a constant, no family fitted */
    FitFamily family[FIT_NFAMILIES];
    int chosen;             /* index into family[], or -1 when nothing fitted */
    Dist best;              /* the chosen distribution (a constant when degenerate) */
    double ks;              /* Kolmogorov-Smirnov distance of `best` to the data */
} FitResult;

/* Fits every family (n >= 2) and chooses by AIC; false when n < 2 or no
 * family reached a finite likelihood. `obs` is not changed. */
bool fit_all(const FitObs *obs, size_t n, FitResult *out);
/* Fits one family; false when no finite maximum was found. */
bool fit_family(DistKind kind, const FitObs *obs, size_t n, FitFamily *out);

/* P(X <= x) for a draw of d as dist_draw_seconds() makes it (a normal is
 * truncated at 0; clamps are ignored). */
double fit_cdf(const Dist *d, double x);
/* The CDF of what the observations of `obs` record, as d predicts it: a
 * mixture over their kinds weighted by their counts. `left` gives the limit
 * from the left (whole-second differences are discrete). */
double fit_obs_cdf(const Dist *d, const FitObs *obs, size_t n, double x, bool left);
/* sup |empirical - predicted| over the observations' recorded values. */
double fit_ks(const Dist *d, const FitObs *obs, size_t n);

#endif

/* fit.c: maximum-likelihood fits of latency distributions to censored data.
 *
 * Each observation contributes the probability of what was recorded
 * (fit.h): an exact duration its density f(x); a duration whose start stamp
 * lost its fraction the density of x = X + u, F(x) - F(x-1); a difference of
 * two whole-second stamps the probability of that difference,
 *     P(D = d) = integral over u in [0,1) of F(d+1-u) - F(d-u)
 *              = G(d+1) - 2 G(d) + G(d-1),   G(v) = integral_0^v F.
 * G has a closed form through each family's partial expectation
 * E[X; X <= v], so sub-second latencies (scheduling in tens of
 * milliseconds, seen as stamps mostly 0 s apart) are fitted exactly rather
 * than through a quadrature too coarse for them. In the upper tail the same
 * quantities are taken from the survival side, K(v) = E[(X - v)+], so that
 * no probability is a small difference of two numbers near 1.
 *
 * The maximum is found by GSL's Nelder-Mead simplex on unconstrained
 * parameters (logs of scales and shapes), started from the moments of the
 * data and restarted from its own result until it stops moving. Parameters
 * outside a generous box, and points where some observation has probability
 * 0, score as a huge negative log-likelihood, which the simplex walks away
 * from. The normal family is the simulator's: truncated at 0. GSL's error
 * handler is switched off while fitting (an extreme trial point underflows
 * inside the incomplete gamma function, which must be a bad score, not an
 * abort) and restored afterwards. */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdlib.h>

#include "daemonsim/fit.h"
#include "daemonsim/mem.h"
#include "daemonsim/rng.h"

const DistKind fit_families[FIT_NFAMILIES] = {DIST_EXPONENTIAL, DIST_NORMAL, DIST_LOGNORMAL,
                                              DIST_GAMMA, DIST_WEIBULL, DIST_UNIFORM};

#define FIT_BAD 1e300
#define FIT_MAX_ITER 4000
#define FIT_RESTARTS 6
/* log-parameters beyond this (e^30 s is 340 centuries) are not latencies */
#define FIT_LOG_BOX 30.0
/* log(sqrt(2 pi)): M_PI is not in C17 */
#define FIT_LOG_SQRT_2PI 0.91893853320467274178

/* ---- the families ------------------------------------------------------------------ */

/* Truncated normal: P(N(mean, sd) >= 0), the mass the simulator keeps. */
static double normal_kept(const Dist *d) { return gsl_cdf_gaussian_Q(-d->a, d->b); }

static double cdf_p(const Dist *d, double x)
{
    if (x <= 0 && d->kind != DIST_UNIFORM) return 0;
    switch (d->kind) {
    case DIST_EXPONENTIAL: return gsl_cdf_exponential_P(x, d->a);
    case DIST_NORMAL:
        return (gsl_cdf_gaussian_P(x - d->a, d->b) - gsl_cdf_gaussian_P(-d->a, d->b)) /
               normal_kept(d);
    case DIST_LOGNORMAL: return gsl_cdf_lognormal_P(x, log(d->a), d->b);
    case DIST_GAMMA: return gsl_cdf_gamma_P(x, d->a, d->b);
    case DIST_WEIBULL: return gsl_cdf_weibull_P(x, d->b, d->a);
    case DIST_UNIFORM:
        if (x <= d->a) return 0;
        if (x >= d->b) return 1;
        return (x - d->a) / (d->b - d->a);
    case DIST_CONSTANT: return x >= d->a ? 1 : 0;
    default: return NAN;
    }
}

static double cdf_q(const Dist *d, double x)
{
    if (x <= 0 && d->kind != DIST_UNIFORM) return 1;
    switch (d->kind) {
    case DIST_EXPONENTIAL: return gsl_cdf_exponential_Q(x, d->a);
    case DIST_NORMAL: return gsl_cdf_gaussian_Q(x - d->a, d->b) / normal_kept(d);
    case DIST_LOGNORMAL: return gsl_cdf_lognormal_Q(x, log(d->a), d->b);
    case DIST_GAMMA: return gsl_cdf_gamma_Q(x, d->a, d->b);
    case DIST_WEIBULL: return gsl_cdf_weibull_Q(x, d->b, d->a);
    default: return 1 - cdf_p(d, x);
    }
}

static double log_pdf(const Dist *d, double x)
{
    if (x < 0 || (x == 0 && d->kind != DIST_UNIFORM && d->kind != DIST_EXPONENTIAL &&
                  d->kind != DIST_NORMAL))
        return -INFINITY;
    switch (d->kind) {
    case DIST_EXPONENTIAL: return -log(d->a) - x / d->a;
    case DIST_NORMAL: {
        double z = (x - d->a) / d->b;
        return -0.5 * z * z - log(d->b) - FIT_LOG_SQRT_2PI - log(normal_kept(d));
    }
    case DIST_LOGNORMAL: {
        double z = (log(x) - log(d->a)) / d->b;
        return -0.5 * z * z - log(x * d->b) - FIT_LOG_SQRT_2PI;
    }
    case DIST_GAMMA: return (d->a - 1) * log(x) - x / d->b - lgamma(d->a) - d->a * log(d->b);
    case DIST_WEIBULL: {
        double r = x / d->b;
        return log(d->a / d->b) + (d->a - 1) * log(r) - pow(r, d->a);
    }
    case DIST_UNIFORM: return x >= d->a && x <= d->b ? -log(d->b - d->a) : -INFINITY;
    default: return -INFINITY;
    }
}

/* E[X; X <= v] (lower) or E[X; X > v] (upper), each from its own side. */
static double partial_mean(const Dist *d, double v, bool upper)
{
    switch (d->kind) {
    case DIST_EXPONENTIAL:
        if (v <= 0) return upper ? d->a : 0;
        return upper ? (v + d->a) * cdf_q(d, v) : d->a * cdf_p(d, v) - v * cdf_q(d, v);
    case DIST_NORMAL: {
        double mu = d->a, sd = d->b, lo = -mu / sd, z = (fmax(v, 0) - mu) / sd;
        double kept = normal_kept(d);
        if (upper) return (mu * gsl_cdf_ugaussian_Q(z) + sd * gsl_ran_ugaussian_pdf(z)) / kept;
        return (mu * (gsl_cdf_ugaussian_P(z) - gsl_cdf_ugaussian_P(lo)) +
                sd * (gsl_ran_ugaussian_pdf(lo) - gsl_ran_ugaussian_pdf(z))) / kept;
    }
    case DIST_LOGNORMAL: {
        double mu = log(d->a), s = d->b, m = exp(mu + s * s / 2);
        if (v <= 0) return upper ? m : 0;
        double z = (log(v) - mu - s * s) / s;
        return m * (upper ? gsl_cdf_ugaussian_Q(z) : gsl_cdf_ugaussian_P(z));
    }
    case DIST_GAMMA: {
        double m = d->a * d->b;
        if (v <= 0) return upper ? m : 0;
        return m * (upper ? gsl_cdf_gamma_Q(v, d->a + 1, d->b) : gsl_cdf_gamma_P(v, d->a + 1, d->b));
    }
    case DIST_WEIBULL: {
        double k1 = 1 + 1 / d->a, m = d->b * tgamma(k1);
        if (v <= 0) return upper ? m : 0;
        double w = pow(v / d->b, d->a);
        return m * (upper ? gsl_cdf_gamma_Q(w, k1, 1) : gsl_cdf_gamma_P(w, k1, 1));
    }
    case DIST_UNIFORM: {
        double c = fmin(fmax(v, d->a), d->b), w = d->b - d->a;
        return upper ? (d->b * d->b - c * c) / (2 * w) : (c * c - d->a * d->a) / (2 * w);
    }
    default: return NAN;
    }
}

/* G(v) = integral_0^v F = v F(v) - E[X; X <= v]. */
static double int_cdf(const Dist *d, double v)
{
    return v <= 0 ? 0 : v * cdf_p(d, v) - partial_mean(d, v, false);
}

/* K(v) = integral_v^inf (1 - F) = E[X; X > v] - v (1 - F(v)). */
static double int_sf(const Dist *d, double v)
{
    return partial_mean(d, v, true) - v * cdf_q(d, v);
}

/* P(lo < X <= hi), from the side where it is not a difference near 1. */
static double prob_between(const Dist *d, double lo, double hi)
{
    if (cdf_p(d, lo) > 0.5) return cdf_q(d, lo) - cdf_q(d, hi);
    return cdf_p(d, hi) - cdf_p(d, lo);
}

/* H(y) = P(X + u <= y), u uniform on [0, 1): the CDF of a duration whose
 * start stamp lost its fraction. */
static double cdf_start_stamp(const Dist *d, double y)
{
    if (cdf_p(d, y - 1) > 0.5) return 1 - (int_sf(d, y - 1) - int_sf(d, y));
    return int_cdf(d, y) - int_cdf(d, y - 1);
}

/* P(floor(t + X) - floor(t) = k) for t uniform: a whole-second difference. */
static double prob_both_stamps(const Dist *d, double k)
{
    if (cdf_p(d, k) > 0.5) return int_sf(d, k - 1) - 2 * int_sf(d, k) + int_sf(d, k + 1);
    return int_cdf(d, k + 1) - 2 * int_cdf(d, k) + int_cdf(d, k - 1);
}

double fit_cdf(const Dist *d, double x) { return cdf_p(d, x); }

/* ---- observations --------------------------------------------------------------------- */

typedef struct {
    double x;
    FitObsKind kind;
    double weight;          /* how many observations share (x, kind) */
} Group;

typedef struct {
    Group *g;
    size_t ng;
    size_t n;
    size_t count[FIT__KINDS];
    DistKind kind;          /* the family being fitted */
} Data;

static int obs_cmp(const void *a, const void *b)
{
    const FitObs *x = a, *y = b;
    if (x->kind != y->kind) return x->kind < y->kind ? -1 : 1;
    return (x->x > y->x) - (x->x < y->x);
}

static void data_build(const FitObs *obs, size_t n, Data *D)
{
    FitObs *s = xmalloc((n ? n : 1) * sizeof *s);
    for (size_t i = 0; i < n; i++) s[i] = obs[i];
    qsort(s, n, sizeof *s, obs_cmp);
    *D = (Data){.g = xmalloc((n ? n : 1) * sizeof *D->g), .n = n};
    for (size_t i = 0; i < n; i++) {
        D->count[s[i].kind]++;
        if (D->ng && D->g[D->ng - 1].kind == s[i].kind && D->g[D->ng - 1].x == s[i].x)
            D->g[D->ng - 1].weight++;
        else
            D->g[D->ng++] = (Group){s[i].x, s[i].kind, 1};
    }
    free(s);
}

static double log_prob(const Dist *d, const Group *g)
{
    double p;
    switch (g->kind) {
    case FIT_EXACT: return log_pdf(d, g->x);
    case FIT_START_STAMP: p = prob_between(d, g->x - 1, g->x); break;
    case FIT_BOTH_STAMPS: p = prob_both_stamps(d, g->x); break;
    default: return -INFINITY;
    }
    return p > 0 ? log(p) : -INFINITY;
}

static double loglik(const Dist *d, const Data *D)
{
    double sum = 0;
    for (size_t i = 0; i < D->ng; i++) {
        double l = log_prob(d, &D->g[i]);
        if (!isfinite(l)) return -INFINITY;
        sum += D->g[i].weight * l;
    }
    return sum;
}

/* ---- parameters ------------------------------------------------------------------------ */

static int nparams(DistKind k) { return k == DIST_EXPONENTIAL ? 1 : 2; }

/* Unconstrained point -> distribution; false outside the box. */
static bool params_to_dist(DistKind k, const double *p, Dist *d)
{
    for (int i = 0; i < nparams(k); i++)
        if (!isfinite(p[i])) return false;
    *d = (Dist){.kind = k};
    switch (k) {
    case DIST_EXPONENTIAL:
        if (fabs(p[0]) > FIT_LOG_BOX) return false;
        d->a = exp(p[0]);
        break;
    case DIST_NORMAL:
        if (fabs(p[1]) > FIT_LOG_BOX) return false;
        /* a scenario's mean is a duration, which cannot be negative */
        if (p[0] < 0) return false;
        d->a = p[0];
        d->b = exp(p[1]);
        break;
    case DIST_UNIFORM:
        if (p[0] < 0 || fabs(p[1]) > FIT_LOG_BOX) return false;
        d->a = p[0];
        d->b = p[0] + exp(p[1]);
        break;
    default:
        /* shapes and sigma within [1e-4, 1e4] */
        if (fabs(p[0]) > 9.2 || fabs(p[1]) > FIT_LOG_BOX) return false;
        d->a = exp(p[0]);
        d->b = exp(p[1]);
        if (k == DIST_LOGNORMAL) {
            d->a = exp(p[1]);
            d->b = exp(p[0]);
        }
        break;
    }
    return true;
}

static void dist_to_params(const Dist *d, double *p)
{
    switch (d->kind) {
    case DIST_EXPONENTIAL: p[0] = log(d->a); break;
    case DIST_NORMAL: p[0] = d->a, p[1] = log(d->b); break;
    case DIST_UNIFORM: p[0] = d->a, p[1] = log(d->b - d->a); break;
    case DIST_LOGNORMAL: p[0] = log(d->b), p[1] = log(d->a); break;
    default: p[0] = log(d->a), p[1] = log(d->b); break;
    }
}

/* The value an observation points at, and the range it allows. */
static double group_centre(const Group *g) { return g->kind == FIT_START_STAMP ? g->x - 0.5 : g->x; }

static void group_range(const Group *g, double *lo, double *hi)
{
    *lo = g->kind == FIT_EXACT ? g->x : g->x - 1;
    *hi = g->kind == FIT_BOTH_STAMPS ? g->x + 1 : g->x;
}

/* Moment estimates: where the simplex starts. */
static Dist start_point(DistKind k, const Data *D)
{
    double sum = 0, sum2 = 0, lsum = 0, lsum2 = 0, lo = INFINITY, hi = 0;
    for (size_t i = 0; i < D->ng; i++) {
        const Group *g = &D->g[i];
        double c = fmax(group_centre(g), 1e-3), l = log(c), a, b;
        sum += g->weight * c;
        sum2 += g->weight * c * c;
        lsum += g->weight * l;
        lsum2 += g->weight * l * l;
        group_range(g, &a, &b);
        lo = fmin(lo, a);
        hi = fmax(hi, b);
    }
    double n = (double)D->n, m = sum / n, var = fmax(sum2 / n - m * m, 1e-6);
    double lm = lsum / n, lsd = sqrt(fmax(lsum2 / n - lm * lm, 1e-4));
    double sd = sqrt(var), cv = fmax(sd / m, 0.02);
    Dist d = {.kind = k};
    switch (k) {
    case DIST_EXPONENTIAL: d.a = m; break;
    case DIST_NORMAL: d.a = m, d.b = sd; break;
    case DIST_LOGNORMAL: d.a = exp(lm), d.b = fmax(lsd, 0.05); break;
    case DIST_GAMMA: d.a = 1 / (cv * cv), d.b = var / m; break;
    case DIST_WEIBULL:
        d.a = fmin(fmax(pow(cv, -1.086), 0.1), 500);
        d.b = m / tgamma(1 + 1 / d.a);
        break;
    case DIST_UNIFORM:
        d.a = fmax(lo, 0);
        d.b = fmax(hi, d.a + 1e-3);
        break;
    default: break;
    }
    return d;
}

static double objective(const gsl_vector *v, void *arg)
{
    const Data *D = arg;
    double p[2];
    for (int i = 0; i < nparams(D->kind); i++) p[i] = gsl_vector_get(v, (size_t)i);
    Dist d;
    if (!params_to_dist(D->kind, p, &d)) return FIT_BAD;
    double l = loglik(&d, D);
    return isfinite(l) ? -l : FIT_BAD;
}

/* One simplex descent from p (updated); returns the minimum found. */
static double descend(Data *D, double *p, const double *step)
{
    size_t k = (size_t)nparams(D->kind);
    gsl_multimin_function fn = {.f = objective, .n = k, .params = D};
    gsl_vector *x = gsl_vector_alloc(k), *ss = gsl_vector_alloc(k);
    for (size_t i = 0; i < k; i++) {
        gsl_vector_set(x, i, p[i]);
        gsl_vector_set(ss, i, step[i]);
    }
    gsl_multimin_fminimizer *m = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, k);
    double best = FIT_BAD;
    if (gsl_multimin_fminimizer_set(m, &fn, x, ss) == GSL_SUCCESS) {
        for (int it = 0; it < FIT_MAX_ITER; it++) {
            if (gsl_multimin_fminimizer_iterate(m) != GSL_SUCCESS) break;
            if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(m), 1e-9) == GSL_SUCCESS) break;
        }
        best = gsl_multimin_fminimizer_minimum(m);
        for (size_t i = 0; i < k; i++) p[i] = gsl_vector_get(gsl_multimin_fminimizer_x(m), i);
    }
    gsl_multimin_fminimizer_free(m);
    gsl_vector_free(x);
    gsl_vector_free(ss);
    return best;
}

static bool fit_data(DistKind kind, Data *D, FitFamily *out)
{
    *out = (FitFamily){.kind = kind, .nparams = nparams(kind), .loglik = -INFINITY, .aic = INFINITY};
    D->kind = kind;
    Dist start = start_point(kind, D);
    double p[2] = {0, 0}, step[2] = {0.5, 0.5};
    dist_to_params(&start, p);
    if (kind == DIST_NORMAL) step[0] = fmax(0.25 * start.b, 1e-3);
    if (kind == DIST_UNIFORM) step[0] = fmax(0.05 * (start.b - start.a), 1e-3);
    gsl_vector_const_view pv = gsl_vector_const_view_array(p, (size_t)nparams(kind));
    double best = objective(&pv.vector, D);
    if (best >= FIT_BAD && kind == DIST_UNIFORM) {
        /* exact values on the edges: start a little wider */
        p[0] = fmax(start.a - 1e-3, 0);
        p[1] = log(start.b - p[0] + 1e-3);
        best = objective(&pv.vector, D);
    }
    if (best >= FIT_BAD) return false;
    /* Restart from the result until a fresh simplex finds nothing better:
     * Nelder-Mead can stall on a ridge short of the maximum. */
    for (int r = 0; r < FIT_RESTARTS; r++) {
        double q[2] = {p[0], p[1]};
        double v = descend(D, q, step);
        if (!(v < best - 1e-10)) break;
        best = v;
        p[0] = q[0], p[1] = q[1];
        step[0] = fmax(fabs(step[0]) * 0.5, 1e-4);
        step[1] = fmax(fabs(step[1]) * 0.5, 1e-4);
    }
    Dist d;
    if (best >= FIT_BAD || !params_to_dist(kind, p, &d) || dist_check(&d)) return false;
    out->ok = true;
    out->dist = d;
    out->loglik = -best;
    out->aic = 2.0 * out->nparams + 2 * best;
    return true;
}

bool fit_family(DistKind kind, const FitObs *obs, size_t n, FitFamily *out)
{
    if (n < 2) return false;
    Data D;
    data_build(obs, n, &D);
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    bool ok = fit_data(kind, &D, out);
    gsl_set_error_handler(old);
    free(D.g);
    return ok;
}

/* ---- goodness of fit ------------------------------------------------------------------- */

static double mix_cdf(const Dist *d, const size_t *count, size_t n, double x, bool left)
{
    double sum = 0;
    if (count[FIT_EXACT]) sum += (double)count[FIT_EXACT] * cdf_p(d, x);
    if (count[FIT_START_STAMP]) sum += (double)count[FIT_START_STAMP] * cdf_start_stamp(d, x);
    if (count[FIT_BOTH_STAMPS]) {
        /* whole-second differences: P(D <= x) = H(floor(x) + 1), P(D < k) = H(k) */
        double k = floor(x), h = left && k == x ? cdf_start_stamp(d, k) : cdf_start_stamp(d, k + 1);
        sum += (double)count[FIT_BOTH_STAMPS] * h;
    }
    return fmin(fmax(sum / (double)n, 0), 1);
}

double fit_obs_cdf(const Dist *d, const FitObs *obs, size_t n, double x, bool left)
{
    size_t count[FIT__KINDS] = {0};
    for (size_t i = 0; i < n; i++) count[obs[i].kind]++;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    double v = n ? mix_cdf(d, count, n, x, left) : 0;
    gsl_set_error_handler(old);
    return v;
}

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double ks_distance(const Dist *d, const FitObs *obs, size_t n)
{
    size_t count[FIT__KINDS] = {0};
    double *x = xmalloc((n ? n : 1) * sizeof *x);
    for (size_t i = 0; i < n; i++) {
        count[obs[i].kind]++;
        x[i] = obs[i].x;
    }
    qsort(x, n, sizeof *x, dbl_cmp);
    double ks = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && x[j] == x[i]) j++;
        double below = fabs((double)i / (double)n - mix_cdf(d, count, n, x[i], true));
        double at = fabs((double)j / (double)n - mix_cdf(d, count, n, x[i], false));
        ks = fmax(ks, fmax(below, at));
        i = j;
    }
    free(x);
    return ks;
}

double fit_ks(const Dist *d, const FitObs *obs, size_t n)
{
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    double v = n ? ks_distance(d, obs, n) : 0;
    gsl_set_error_handler(old);
    return v;
}

/* ---- every family ------------------------------------------------------------------------ */

bool fit_all(const FitObs *obs, size_t n, FitResult *out)
{
    *out = (FitResult){.n = n, .chosen = -1};
    if (n < 2) return false;
    bool same = true;
    for (size_t i = 1; i < n && same; i++) same = obs[i].x == obs[0].x && obs[i].kind == obs[0].kind;
    if (same) {
        /* No spread to fit: the value itself (a start stamp's centre). */
        out->degenerate = true;
        out->best = dist_constant(fmax(obs[0].kind == FIT_START_STAMP ? obs[0].x - 0.5 : obs[0].x, 0));
        out->ks = fit_ks(&out->best, obs, n);
        return true;
    }
    rng_gsl_init();
    Data D;
    data_build(obs, n, &D);
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    for (int f = 0; f < FIT_NFAMILIES; f++) {
        fit_data(fit_families[f], &D, &out->family[f]);
        if (out->family[f].ok && (out->chosen < 0 || out->family[f].aic < out->family[out->chosen].aic))
            out->chosen = f;
    }
    gsl_set_error_handler(old);
    free(D.g);
    if (out->chosen < 0) return false;
    out->best = out->family[out->chosen].dist;
    out->ks = fit_ks(&out->best, obs, n);
    return true;
}

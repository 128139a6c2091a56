/* plot_figures.c: a sweep's figures for the rollout a chart shows.
 *
 * A sweep stores, per point, the figures of each run's last rollout. A
 * chart may show another one (--rollout first, a revision number, or bad:
 * the first rollout of a failing revision), so that a stall followed by a
 * rollback is not hidden behind the rollback. The figures are therefore
 * computed here, the same way for every choice, from the rollout rows of the
 * sweep's runs (a few per run, one query). For the chosen rollout r_i of a
 * run whose rollouts by start are r_0 .. r_m:
 *
 *   - it converged again at the earliest completion among r_i .. r_m (a bad
 *     release that is rolled back converges when the rollback does); the
 *     time to converge is that completion minus r_i's start;
 *   - over that span (r_i up to the rollout that completed, or r_m when
 *     none did), the peak unavailable is the largest max_unavailable and
 *     the unavailable pod-seconds the sum (each row integrates until the
 *     next rollout begins, or its own completion).
 *
 * For the last rollout these are exactly the sweep's stored figures. The
 * exposure (nodes that got a pod of a failing revision) belongs to the run,
 * not to a rollout, and is taken from the stored summary. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemonsim/stats.h"
#include "plot_int.h"

bool plot_parse_rollout(const char *text, PlotRollout *out)
{
    *out = (PlotRollout){0};
    if (!strcmp(text, "last")) out->kind = PLOT_ROLLOUT_LAST;
    else if (!strcmp(text, "first")) out->kind = PLOT_ROLLOUT_FIRST;
    else if (!strcmp(text, "bad")) out->kind = PLOT_ROLLOUT_BAD;
    else {
        char *end;
        long long v = strtoll(text, &end, 10);
        if (end == text || *end || v < 1) return false;
        out->kind = PLOT_ROLLOUT_REVISION;
        out->revision = v;
    }
    return true;
}

/* The failing revisions of one point, from sweep.params (written by every
 * sweep since strategies were added); *n = SIZE_MAX when not recorded. */
static int failing_revisions(Plot *P, int64_t point, int64_t *revs, size_t cap, size_t *n)
{
    char path[64];
    const char *text;
    snprintf(path, sizeof path, "$.failing_revisions[%" PRId64 "]", point);
    if (store_sweep_json(P->s, &P->a, P->sweep.id, path, false, &text) < 0) return PLOT_EDB;
    *n = 0;
    if (!text) {
        *n = SIZE_MAX;
        return PLOT_OK;
    }
    for (const char *c = text; *c && *n < cap;) {
        char *end;
        long long v = strtoll(c, &end, 10);
        if (end == c) {
            c++;
            continue;
        }
        revs[(*n)++] = v;
        c = end;
    }
    return PLOT_OK;
}

/* Index of the chosen rollout among a run's rollouts, or -1. */
static long pick(const PlotRollout *r, const StoreSweepRollout *ro, size_t n, const int64_t *bad,
                 size_t nbad)
{
    if (n == 0) return -1;
    switch (r->kind) {
    case PLOT_ROLLOUT_LAST: return (long)n - 1;
    case PLOT_ROLLOUT_FIRST: return 0;
    case PLOT_ROLLOUT_REVISION:
        for (size_t i = 0; i < n; i++)
            if (ro[i].rollout.revision == r->revision) return (long)i;
        return -1;
    case PLOT_ROLLOUT_BAD:
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < nbad; k++)
                if (ro[i].rollout.revision == bad[k]) return (long)i;
        return -1;
    }
    return -1;
}

static PlotStat summarize(double *x, size_t n)
{
    PlotStat m = {NAN, NAN, NAN, NAN, NAN};
    if (n == 0) return m;
    Summary s = stats_summarize(x, n);
    m.mean = s.mean;
    if (n >= 2) m.ci95 = s.ci95;
    m.p10 = s.p10;
    m.p50 = s.p50;
    m.p90 = s.p90;
    return m;
}

typedef struct {
    double *conv, *peak, *ups;
    size_t nconv, nfound;
} Samples;

/* One run: its rollouts ro[0..n), the chosen one at i. */
static void run_figures(const StoreSweepRollout *ro, size_t n, size_t i, Samples *x)
{
    double done = -1;
    size_t last = n - 1;
    for (size_t j = i; j < n; j++) {
        double c = ro[j].rollout.completed;
        if (c >= 0 && (done < 0 || c < done)) {
            done = c;
            last = j;
        }
    }
    double peak = 0, ups = 0;
    for (size_t j = i; j <= last; j++) {
        peak = fmax(peak, (double)ro[j].rollout.max_unavailable);
        ups += ro[j].rollout.unavailable_pod_seconds;
    }
    x->peak[x->nfound] = peak;
    x->ups[x->nfound++] = ups;
    if (done >= 0) x->conv[x->nconv++] = done - ro[i].rollout.started;
}

static const char *describe(Plot *P, int64_t bad_rev, bool one_bad_rev)
{
    char buf[128];
    const PlotRollout *r = &P->opt->rollout;
    switch (r->kind) {
    case PLOT_ROLLOUT_LAST: return "the last rollout";
    case PLOT_ROLLOUT_FIRST: return "the first rollout";
    case PLOT_ROLLOUT_REVISION:
        snprintf(buf, sizeof buf, "the rollout of revision %" PRId64, r->revision);
        return arena_strdup(&P->a, buf);
    case PLOT_ROLLOUT_BAD:
        if (!one_bad_rev) return "the bad release";
        snprintf(buf, sizeof buf, "the bad release (revision %" PRId64 ")", bad_rev);
        return arena_strdup(&P->a, buf);
    }
    return "";
}

int plot_figures_load(Plot *P)
{
    StoreSweepRollout *ro;
    size_t nro;
    if (store_sweep_rollouts(P->s, &P->a, P->sweep.id, P->ds, &ro, &nro) < 0) return PLOT_EDB;
    P->figs = arena_alloc(&P->a, (P->npoints ? P->npoints : 1) * sizeof *P->figs);
    P->run_start = arena_alloc(&P->a, P->nruns * sizeof *P->run_start);
    size_t cap = P->nruns ? P->nruns : 1;
    Samples x = {.conv = xmalloc(cap * sizeof(double)), .peak = xmalloc(cap * sizeof(double)),
                 .ups = xmalloc(cap * sizeof(double))};
    int rc = PLOT_OK;
    int64_t bad_rev = 0;
    bool one_bad_rev = true, any = false;
    size_t r = 0, k = 0;        /* cursors in P->runs and ro, both by point then run */
    for (size_t p = 0; p < P->npoints && rc == PLOT_OK; p++) {
        const StoreSweepPoint *pt = &P->points[p];
        int64_t bad[64];
        size_t nbad = 0;
        if (P->opt->rollout.kind == PLOT_ROLLOUT_BAD) {
            if ((rc = failing_revisions(P, pt->point, bad, DS_ARRAY_LEN(bad), &nbad)) != PLOT_OK)
                break;
            if (nbad == SIZE_MAX) {
                rc = plot_input_error(P, "sweep %" PRId64 " does not record its bad releases (it "
                                         "was made by an older daemonsim): pick the rollout by "
                                         "revision, --rollout N", P->sweep.id);
                break;
            }
            if (nbad > 0) {
                one_bad_rev &= !bad_rev || bad_rev == bad[0];
                bad_rev = bad[0];
            }
        }
        x.nconv = x.nfound = 0;
        while (r < P->nruns && P->runs[r].point < pt->point) P->run_start[r++] = NAN;
        for (; r < P->nruns && P->runs[r].point == pt->point; r++) {
            int64_t run = P->runs[r].run_id;
            while (k < nro && (ro[k].point < pt->point ||
                               (ro[k].point == pt->point && ro[k].run_id < run)))
                k++;
            size_t first = k;
            while (k < nro && ro[k].point == pt->point && ro[k].run_id == run) k++;
            long i = pick(&P->opt->rollout, ro + first, k - first, bad, nbad);
            P->run_start[r] = i < 0 ? NAN : ro[first + (size_t)i].rollout.started;
            if (i >= 0) run_figures(ro + first, k - first, (size_t)i, &x);
        }
        PlotFigures *f = &P->figs[p];
        f->n = (int64_t)x.nfound;
        f->n_converged = (int64_t)x.nconv;
        f->converge = summarize(x.conv, x.nconv);
        f->peak = summarize(x.peak, x.nfound);
        f->pod_seconds = summarize(x.ups, x.nfound);
        f->has_exposure = pt->has_exposure;
        f->exposure = (PlotStat){pt->exposure.mean, pt->exposure.ci95, NAN, pt->exposure.p50,
                                 pt->exposure.p90};
        any |= x.nfound > 0;
    }
    while (r < P->nruns) P->run_start[r++] = NAN;
    free(x.conv);
    free(x.peak);
    free(x.ups);
    if (rc != PLOT_OK) return rc;
    P->rollout_words = describe(P, bad_rev, one_bad_rev);
    if (!any && P->opt->rollout.kind == PLOT_ROLLOUT_BAD && bad_rev == 0)
        return plot_input_error(P, "sweep %" PRId64 " has no bad release (its scenario has no "
                                   "updateDaemonSet with failure: for %s)", P->sweep.id, P->ds);
    if (!any && P->opt->rollout.kind == PLOT_ROLLOUT_REVISION)
        return plot_input_error(P, "no run of sweep %" PRId64 " has %s of DaemonSet \"%s\"",
                                P->sweep.id, P->rollout_words, P->ds);
    if (!any)
        return plot_input_error(P, "sweep %" PRId64 " has no rollout of DaemonSet \"%s\"",
                                P->sweep.id, P->ds);
    return PLOT_OK;
}

int plot_run_start(Plot *P, int64_t run_id, const char *ds, double *start)
{
    if (P->opt->rollout.kind == PLOT_ROLLOUT_BAD)
        return plot_input_error(P, "--rollout bad needs a sweep (which records the bad "
                                   "releases); pick a run's rollout by revision, --rollout N");
    StoreRollout *all;
    size_t n;
    if (store_list_rollouts(P->s, &P->a, run_id, &all, &n) < 0) return PLOT_EDB;
    StoreSweepRollout *ro = arena_alloc(&P->a, (n ? n : 1) * sizeof *ro);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(all[i].daemonset, ds)) ro[m++] = (StoreSweepRollout){0, run_id, all[i]};
    long i = pick(&P->opt->rollout, ro, m, NULL, 0);
    if (i < 0) {
        if (P->opt->rollout.kind == PLOT_ROLLOUT_REVISION)
            return plot_input_error(P, "run %" PRId64 " has no rollout of revision %" PRId64
                                       " of DaemonSet \"%s\"", run_id, P->opt->rollout.revision, ds);
        return plot_input_error(P, "run %" PRId64 " has no rollout of DaemonSet \"%s\"", run_id, ds);
    }
    *start = ro[i].rollout.started;
    if (!P->rollout_words) P->rollout_words = describe(P, 0, false);
    return PLOT_OK;
}

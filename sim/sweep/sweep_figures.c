/* sweep_figures.c: the per-point statistics of a sweep, computed once over
 * every run the output database holds for it (however many invocations,
 * shards or ranks wrote them), and the sweep's status, in one transaction. */
#include <math.h>
#include <stdlib.h>

#include "daemonsim/stats.h"
#include "daemonsim/sweep.h"

/* NAN marks what cannot be computed: every figure of an empty sample, the
 * spread of a single run (the store writes NULL). */
static StoreSummary summarize(double *x, size_t n)
{
    StoreSummary m = {NAN, NAN, NAN, NAN, NAN, NAN};
    if (n == 0) return m;
    Summary s = stats_summarize(x, n);
    m.mean = s.mean;
    if (n >= 2) {
        m.stddev = s.stddev;
        m.ci95 = s.ci95;
    }
    m.p50 = s.p50;
    m.p90 = s.p90;
    m.p99 = s.p99;
    return m;
}

typedef struct {
    double *conv, *peak, *ups, *expo;
    size_t nconv, nfig, nexp;
    int64_t *ids;
    StoreRunFigures *figs;
} Samples;

static int point_figures(Store *s, const char *ds, SweepFigurePoint *fp, const StoreSweepRun *runs,
                         size_t n, Samples *x)
{
    x->nconv = x->nfig = x->nexp = 0;
    for (size_t i = 0; i < n; i++) x->ids[i] = runs[i].run_id;
    if (store_runs_figures(s, ds, x->ids, n, fp->fail_revs, fp->nfail, x->figs) < 0) return -1;
    for (size_t i = 0; i < n; i++) {
        const StoreRunFigures f = x->figs[i];
        if (f.found) {
            x->peak[x->nfig] = (double)f.rollout.max_unavailable;
            x->ups[x->nfig++] = f.rollout.unavailable_pod_seconds;
            if (f.rollout.completed >= 0)
                x->conv[x->nconv++] = f.rollout.completed - f.rollout.started;
        }
        if (f.exposed >= 0) x->expo[x->nexp++] = (double)f.exposed;
    }
    StoreSweepPoint *sp = &fp->summary;
    sp->point = fp->point;
    sp->params = fp->params;
    sp->n = (int64_t)n;
    sp->n_converged = (int64_t)x->nconv;
    sp->converge = summarize(x->conv, x->nconv);
    sp->peak_unavailable = summarize(x->peak, x->nfig);
    sp->unavailable_pod_seconds = summarize(x->ups, x->nfig);
    sp->has_exposure = fp->nfail > 0 && x->nexp > 0;
    sp->exposure = summarize(x->expo, x->nexp);
    return store_sweep_point(s, sp);
}

int sweep_figures(Store *s, int64_t sweep_id, const char *ds, SweepFigurePoint *pts, size_t npts,
                  const char *status, double wall_seconds)
{
    Arena a = {0};
    StoreSweepRun *runs;
    size_t nruns;
    int rc = store_list_sweep_runs(s, &a, sweep_id, &runs, &nruns);
    if (rc == 0) rc = store_sweep_reopen(s, sweep_id);
    size_t cap = nruns ? nruns : 1;
    Samples x = {.conv = xmalloc(cap * sizeof(double)), .peak = xmalloc(cap * sizeof(double)),
                 .ups = xmalloc(cap * sizeof(double)), .expo = xmalloc(cap * sizeof(double)),
                 .ids = xmalloc(cap * sizeof(int64_t)), .figs = xmalloc(cap * sizeof(StoreRunFigures))};
    /* runs come by point, then run id: item order */
    size_t r = 0;
    for (size_t i = 0; i < npts && rc == 0; i++) {
        SweepFigurePoint *fp = &pts[i];
        fp->summary.sweep_id = sweep_id;
        while (r < nruns && runs[r].point < fp->point) r++;
        size_t first = r;
        while (r < nruns && runs[r].point == fp->point) r++;
        rc = point_figures(s, ds, fp, runs + first, r - first, &x);
    }
    if (rc == 0) rc = store_sweep_status(s, sweep_id, status, wall_seconds);
    if (rc == 0) rc = store_sweep_commit(s);
    else store_sweep_abort(s);
    free(x.conv);
    free(x.peak);
    free(x.ups);
    free(x.expo);
    free(x.ids);
    free(x.figs);
    arena_free(&a);
    return rc;
}

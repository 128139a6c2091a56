/* sweep_store.c: a sweep's runs and statistics into the results database.
 *
 * The parent copies the workers' runs into the output database in (point,
 * seed) order inside one transaction, reads each run's figures back and
 * stores one summary row per point: the file comes out the same for any -j. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemonsim/stats.h"
#include "daemonsim/sweep.h"

void sweep_remove_db(const char *path)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    size_t n = strlen(path) + 16;
    char *p = xmalloc(n);
    for (size_t i = 0; i < DS_ARRAY_LEN(suffix); i++) {
        snprintf(p, n, "%s%s", path, suffix[i]);
        unlink(p);
    }
    free(p);
}


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

int sweep_store(const SweepSpec *a, SweepPlan *plan, const SweepOutcome *oc, const char *output,
                double wall_start, int64_t *sweep_id, char *err, size_t errlen)
{
    SweepPoint *pf = plan->points;
    const char *ds = plan->daemonset;
    Store *s = store_open(output, err, errlen);
    if (!s) return -1;
    char *params = sweep_params_json(a, plan);
    StoreSweepInfo info = {.scenario = plan->points[plan->jobs[0].point].sc->name,
                           .seeds = a->seeds, .params = params, .daemonset = ds, .bulk = true};
    int rc = store_sweep_begin(s, &info, sweep_id);
    free(params);
    VEC(StoreMergeRun) merge = {0};
    VEC(size_t) merged_job = {0};
    int64_t *ids = NULL;
    if (rc < 0) goto out;
    for (size_t j = 0; j < plan->njobs; j++) {
        if (plan->jobs[j].state != JOB_DONE) continue;
        StoreMergeRun m = {(size_t)plan->jobs[j].worker, plan->jobs[j].local_run_id};
        VEC_PUSH(merge, m);
        VEC_PUSH(merged_job, j);
    }
    ids = xcalloc(merge.n ? merge.n : 1, sizeof *ids);
    rc = store_merge_runs(s, (const char *const *)plan->worker_db, (size_t)plan->nworkers,
                          merge.v, merge.n, ids);
    if (rc < 0) goto out;

    size_t cap = a->seeds ? a->seeds : 1;
    double *conv = xmalloc(cap * sizeof *conv), *peak = xmalloc(cap * sizeof *peak);
    double *ups = xmalloc(cap * sizeof *ups), *expo = xmalloc(cap * sizeof *expo);
    size_t mi = 0;
    for (size_t p = 0; p < plan->npoints && rc == 0; p++) {
        SweepPoint *pt = &plan->points[p];
        if (!pt->sc) continue;
        size_t n = 0, nconv = 0, nfig = 0, nexp = 0;
        for (size_t j = pt->first_job; j < pt->first_job + pt->njobs && rc == 0; j++) {
            if (mi >= merged_job.n || merged_job.v[mi] != j) continue;
            int64_t id = ids[mi++];
            n++;
            rc = store_sweep_run(s, *sweep_id, (int64_t)p, plan->jobs[j].seed, id);
            StoreRunFigures f;
            if (rc == 0) rc = store_run_figures(s, id, ds, pf[p].fail_revs, pf[p].nfail, &f);
            if (rc < 0) break;
            if (f.found) {
                peak[nfig] = (double)f.rollout.max_unavailable;
                ups[nfig++] = f.rollout.unavailable_pod_seconds;
                if (f.rollout.completed >= 0) conv[nconv++] = f.rollout.completed - f.rollout.started;
            }
            if (f.exposed >= 0) expo[nexp++] = (double)f.exposed;
        }
        if (rc < 0) break;
        StoreSweepPoint *sp = &pf[p].summary;
        *sp = (StoreSweepPoint){.sweep_id = *sweep_id, .point = (int64_t)p,
                                .params = pt->params_json, .n = (int64_t)n,
                                .n_converged = (int64_t)nconv};
        sp->converge = summarize(conv, nconv);
        sp->peak_unavailable = summarize(peak, nfig);
        sp->unavailable_pod_seconds = summarize(ups, nfig);
        sp->has_exposure = pf[p].nfail > 0 && nexp > 0;
        sp->exposure = summarize(expo, nexp);
        rc = store_sweep_point(s, sp);
    }
    free(conv);
    free(peak);
    free(ups);
    free(expo);
    if (rc < 0) goto out;
    bool missing = false;
    for (size_t j = 0; j < plan->njobs; j++) missing |= plan->jobs[j].state != JOB_DONE;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double wall = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9 - wall_start;
    rc = store_sweep_status(s, *sweep_id,
                            oc->interrupted ? "interrupted" : missing ? "incomplete" : "complete",
                            wall);
    if (rc == 0) rc = store_sweep_commit(s);
out:
    if (rc < 0) {
        snprintf(err, errlen, "%s", store_errmsg(s));
        store_sweep_abort(s);
    }
    VEC_FREE(merge);
    VEC_FREE(merged_job);
    free(ids);
    store_close(s);
    return rc;
}


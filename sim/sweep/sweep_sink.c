/* sweep_sink.c: the output database of a sweep, written as items arrive
 * (sweep.h: SweepSink).
 *
 * Each item's run is imported in its own transaction, so a reader sees the
 * sweep grow and a crash loses at most the import in progress, whose file
 * stays on disk. Items are imported in item order, each as run
 * first_run_id + j: the output is the same for -j 1, -j 8, MPI ranks or
 * shards merged. --resume finds the sweep by its scenario name and the
 * params JSON of its arguments (sweep_params_json), marks what it holds as
 * stored, and first takes the finished item files an earlier attempt left
 * behind, after checking that each holds exactly the run it should. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

void sweep_item_path(const SweepPlan *plan, size_t j, char *buf, size_t n)
{
    snprintf(buf, n, "%s%zu", plan->item_prefix, j);
}

/* Copies item j's run from its file (checking seed and params when the
 * file comes from an earlier attempt) and removes the file. */
static int import_item(SweepSink *k, SweepPlan *plan, size_t j, bool check)
{
    char path[4096];
    sweep_item_path(plan, j, path, sizeof path);
    const SweepJob *job = &plan->jobs[j];
    int64_t only = 0;
    int rc = store_source_attach(k->out, path, &only);
    if (rc == 0 && only == 0) {
        snprintf(k->error, sizeof k->error, "%.400s holds no finished run", path);
        rc = -2;
    }
    if (rc == 0) {
        StoreImport imp = {.src_run = only, .run_id = k->first_run_id + (int64_t)j,
                           .sweep_id = k->sweep_id, .point = (int64_t)job->point,
                           .seed = job->seed, .params = check ? job->params_json : NULL};
        rc = store_source_import(k->out, &imp);
    }
    if (rc == -1) snprintf(k->error, sizeof k->error, "%.300s: %.200s", path, store_errmsg(k->out));
    store_source_detach(k->out);
    if (rc == 0) sweep_remove_db(path);
    return rc;
}

/* The job that produced (point, seed), or NULL. */
static SweepJob *job_of(SweepPlan *plan, int64_t point, uint64_t seed)
{
    if (point < 0 || (size_t)point >= plan->npoints) return NULL;
    const SweepPoint *pt = &plan->points[point];
    for (size_t j = pt->first_job; j < pt->first_job + pt->njobs; j++)
        if (plan->jobs[j].seed == seed) return &plan->jobs[j];
    return NULL;
}

/* Marks the runs the sweep already holds, and finds its run id range. */
static int resume_mark(SweepSink *k, SweepPlan *plan, char *err, size_t errlen)
{
    Arena a = {0};
    StoreSweepRun *runs;
    size_t n;
    int rc = store_list_sweep_runs(k->out, &a, k->sweep_id, &runs, &n);
    bool have_base = false;
    for (size_t i = 0; i < n && rc == 0; i++) {
        SweepJob *job = job_of(plan, runs[i].point, runs[i].seed);
        if (!job) {
            snprintf(err, errlen, "sweep %lld holds a run (point %lld, seed %llu) that these "
                                  "arguments do not produce",
                     (long long)k->sweep_id, (long long)runs[i].point,
                     (unsigned long long)runs[i].seed);
            rc = -2;
            break;
        }
        if (!have_base) k->first_run_id = runs[i].run_id - (int64_t)(job - plan->jobs);
        have_base = true;
        job->state = JOB_STORED;
        k->resumed++;
    }
    arena_free(&a);
    if (rc == -1) snprintf(err, errlen, "%s", store_errmsg(k->out));
    /* killed before its first run was stored: its ids are unknown, so it
     * takes fresh ones */
    if (rc == 0 && !have_base && store_run_ids_reserve(k->out, (int64_t)plan->njobs,
                                                       &k->first_run_id) < 0) {
        snprintf(err, errlen, "%s", store_errmsg(k->out));
        rc = -1;
    }
    return rc;
}

static void salvage(SweepSink *k, SweepPlan *plan)
{
    char path[4096];
    for (size_t j = 0; j < plan->njobs; j++) {
        sweep_item_path(plan, j, path, sizeof path);
        if (access(path, F_OK) != 0) continue;
        if (plan->jobs[j].state == JOB_PENDING && import_item(k, plan, j, true) == 0) {
            plan->jobs[j].state = JOB_STORED;
            k->resumed++;
            continue;
        }
        sweep_remove_db(path);
    }
}

SweepSinkStatus sweep_sink_open(SweepSink *k, const SweepSpec *spec, SweepPlan *plan,
                                const char *output, bool resume, char *err, size_t errlen)
{
    memset(k, 0, sizeof *k);
    const char *hook = getenv("DAEMONSIM_TEST_KILL_AFTER_IMPORTS");
    k->kill_after = hook ? strtol(hook, NULL, 10) : 0;
    if (resume && access(output, F_OK) != 0) {
        snprintf(err, errlen, "no such database to resume a sweep in");
        return SWEEP_SINK_NO_SWEEP;
    }
    k->out = store_open(output, err, errlen);
    if (!k->out) return SWEEP_SINK_FAILED;
    const Scenario *first = NULL;
    for (size_t p = 0; p < plan->npoints && !first; p++) first = plan->points[p].sc;
    char *params = sweep_params_json(spec, plan);
    StoreSweepInfo info = {.scenario = first->name, .seeds = spec->seeds, .params = params,
                           .daemonset = plan->daemonset};
    int rc;
    if (resume) {
        rc = store_sweep_find(k->out, &info, &k->sweep_id);
        if (rc == 0 && k->sweep_id == 0) {
            snprintf(err, errlen, "no sweep of scenario %s with these arguments (--vary, --set, "
                                  "--seeds, --daemonset, --record, --shard) to resume",
                     first->name);
            free(params);
            store_close(k->out);
            k->out = NULL;
            return SWEEP_SINK_NO_SWEEP;
        }
        if (rc < 0) snprintf(err, errlen, "%s", store_errmsg(k->out));
        if (rc == 0) rc = resume_mark(k, plan, err, errlen);
    } else {
        VEC(StoreSweepPoint) pts = {0};
        for (size_t p = 0; p < plan->npoints; p++) {
            if (!plan->points[p].sc) continue;
            StoreSummary none = {NAN, NAN, NAN, NAN, NAN, NAN};
            StoreSweepPoint sp = {.point = (int64_t)p, .params = plan->points[p].params_json,
                                  .converge = none, .peak_unavailable = none,
                                  .unavailable_pod_seconds = none, .exposure = none};
            VEC_PUSH(pts, sp);
        }
        rc = store_sweep_create(k->out, &info, pts.v, pts.n, (int64_t)plan->njobs, &k->sweep_id,
                                &k->first_run_id);
        if (rc < 0) snprintf(err, errlen, "%s", store_errmsg(k->out));
        VEC_FREE(pts);
    }
    free(params);
    if (rc < 0) {
        store_close(k->out);
        k->out = NULL;
        return rc == -2 ? SWEEP_SINK_NO_SWEEP : SWEEP_SINK_FAILED;
    }
    size_t n = strlen(output) + 48;
    plan->item_prefix = xmalloc(n);
    snprintf(plan->item_prefix, n, "%s.sweep-%lld-", output, (long long)k->sweep_id);
    if (resume) salvage(k, plan);
    plan->npending = 0;
    for (size_t j = 0; j < plan->njobs; j++) plan->npending += plan->jobs[j].state == JOB_PENDING;
    sweep_sink_store(k, plan);
    return SWEEP_SINK_OK;
}

void sweep_sink_store(SweepSink *k, SweepPlan *plan)
{
    while (k->next < plan->njobs && !k->failed) {
        SweepJob *job = &plan->jobs[k->next];
        if (job->state == JOB_PENDING || job->state == JOB_RUNNING) break;
        if (job->state == JOB_DONE) {
            if (import_item(k, plan, k->next, false) < 0) {
                k->failed = true;
                break;
            }
            job->state = JOB_STORED;
            k->stored++;
            if (k->kill_after > 0 && (long)k->stored == k->kill_after) raise(SIGKILL);
        }
        k->next++;
    }
}

int sweep_sink_finish(SweepSink *k, SweepPlan *plan, const SweepOutcome *oc, double wall_start,
                      char *err, size_t errlen)
{
    char path[4096];
    bool missing = false;
    for (size_t j = 0; j < plan->njobs; j++) {
        JobState st = plan->jobs[j].state;
        missing |= st != JOB_STORED && st != JOB_ELSEWHERE;
        /* a finished file that could not be stored stays for --resume */
        if (st == JOB_DONE || st == JOB_STORED || st == JOB_ELSEWHERE) continue;
        sweep_item_path(plan, j, path, sizeof path);
        sweep_remove_db(path);
    }
    VEC(SweepFigurePoint) fps = {0};
    for (size_t p = 0; p < plan->npoints; p++) {
        const SweepPoint *pt = &plan->points[p];
        if (!pt->sc) continue;
        SweepFigurePoint fp = {.point = (int64_t)p, .params = pt->params_json,
                               .fail_revs = pt->fail_revs,
                               .nfail = sweep_point_exposure_revs(plan, p)};
        VEC_PUSH(fps, fp);
    }
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double wall = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9 - wall_start;
    const char *status = oc->interrupted ? "interrupted" : missing ? "incomplete" : "complete";
    int rc = sweep_figures(k->out, k->sweep_id, plan->daemonset, fps.v, fps.n, status, wall);
    if (rc < 0) snprintf(err, errlen, "%s", store_errmsg(k->out));
    for (size_t i = 0; i < fps.n; i++) plan->points[fps.v[i].point].summary = fps.v[i].summary;
    VEC_FREE(fps);
    store_close(k->out);
    k->out = NULL;
    return rc;
}

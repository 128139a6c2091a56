/* cmd_sweep.c: `daemonsim sweep`, many runs of one scenario over a grid of
 * parameter values, summarised per parameter point (SPEC.md §2).
 *
 * Everything that can be wrong with the input is found before anything runs:
 * the options, then every point of the cartesian product of the --vary lists
 * is loaded as a Scenario with its overrides, so a bad value stops the sweep
 * with its file:line:col diagnostic and nothing written. A point that upstream
 * validation rejects only because of the maxSurge/maxUnavailable pair (both
 * zero, or both non-zero) is reported and skipped, as the SPEC asks. Each
 * point runs --seeds times with seeds rng_mix(point's scenario seed, k), the
 * same k at every point, so that points are compared with common random
 * numbers. The runs happen in worker processes (sweep_pool.c); the parent
 * then copies them into the output database in (point, seed) order inside
 * one transaction, reads each run's figures back and stores one summary row
 * per point: the file comes out the same for any -j. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemonsim/cli.h"
#include "daemonsim/json.h"
#include "daemonsim/rng.h"
#include "daemonsim/stats.h"
#include "daemonsim/store.h"
#include "daemonsim/units.h"
#include "sweep_int.h"

/* Guards against a typo that would plan millions of runs. */
#define SWEEP_MAX_POINTS 100000
#define SWEEP_MAX_RUNS 10000000
#define SWEEP_MAX_FAIL_REVS 32

typedef struct {
    char *key;
    char **values;
    size_t nvalues;
} VaryKey;

typedef struct {
    VEC(VaryKey) vary;
    VEC(Override) set;
    uint64_t seeds;
    long jobs;                  /* 0: one per core */
    const char *daemonset;      /* NULL: the scenario's first */
    const char *output;
    bool quiet;
    bool record_full;           /* --record full */
} SweepArgs;

/* Per point, what the figures need beyond the plan. */
typedef struct {
    int64_t fail_revs[SWEEP_MAX_FAIL_REVS];
    size_t nfail;
    StoreSweepPoint summary;
} PointFigures;

static const char sweep_help[] =
    "Usage: daemonsim sweep SCENARIO.yaml --vary KEY=V1,V2,... [--vary ...]\n"
    "                       [--set KEY=VALUE]... [--seeds N] [-j JOBS]\n"
    "                       [--daemonset NAME] [--record summary|full] [-q] -o DB\n"
    "Run a scenario over the cartesian product of the --vary lists, --seeds times\n"
    "per parameter point, and store every run plus a summary per point in DB.\n\n"
    "      --vary KEY=V1,V2,...  values for one key; KEY is anything --set takes\n"
    "                       (seed, nodes, maxUnavailable, maxSurge, minReadySeconds,\n"
    "                       NAME.maxSurge, or a path such as spec.controlPlane.apiQps).\n"
    "                       Values are YAML; commas inside {...}, [...] or quotes\n"
    "                       do not split. Repeat for more keys.\n"
    "      --set KEY=VALUE  a fixed override for every run\n"
    "      --seeds N        runs per point (default 10); run k of every point uses\n"
    "                       seed rng_mix(scenario seed, k): common random numbers\n"
    "  -j, --jobs JOBS      worker processes (default: the number of cores; at\n"
    "                       most " DS_STR(STORE_MERGE_MAX) ", the databases SQLite can merge at once)\n"
    "      --daemonset NAME whose rollout the figures describe (default: the\n"
    "                       scenario's first DaemonSet); the last rollout counts\n"
    "      --record LEVEL   summary (default): runs, rollouts, sampled status and\n"
    "                       pod creations; full: also every pod and node event\n"
    "  -o, --output DB      results database (appended to; required)\n"
    "  -q, --quiet          no progress on stderr\n"
    "  -h, --help           show this help\n\n"
    "A point with maxSurge > 0 whose maxUnavailable is not varied gets\n"
    "maxUnavailable 0; a point that validation still rejects (both zero or both\n"
    "non-zero) is reported and skipped. Per point the summary holds n, runs not\n"
    "converged, and mean, stddev, 95% confidence interval, p50/p90/p99 of the\n"
    "time to converge (converged runs only), the peak of unavailable pods, the\n"
    "unavailable pod-seconds and, for a bad release, the nodes exposed to it. A\n"
    "table of the points goes to stdout.\n\n"
    "Ctrl-C stops the workers; the runs already finished are kept and the sweep\n"
    "is marked interrupted (exit 130). Exit status: 0 ok, 2 bad usage or input,\n"
    "3 database or I/O failure or runs lost (a worker died).\n";

/* ---- option values ------------------------------------------------------------------ */

static char *trim_dup(const char *s, size_t n)
{
    while (n > 0 && (*s == ' ' || *s == '\t')) s++, n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    return xstrndup(s, n);
}

/* KEY=V1,V2,...: commas split only outside brackets and quotes, so a YAML
 * flow value such as {dist: constant, value: 1s} stays whole. */
static const char *parse_vary(const char *arg, VaryKey *out)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) return "takes KEY=V1,V2,...";
    out->key = trim_dup(arg, (size_t)(eq - arg));
    VEC(char *) vals = {0};
    int depth = 0;
    char quote = 0;
    const char *start = eq + 1;
    for (const char *p = start;; p++) {
        if (quote) {
            if (*p == '\0') break;
            if (*p == quote) quote = 0;
            continue;
        }
        if (*p == '"' || *p == '\'') quote = *p;
        else if (*p == '{' || *p == '[') depth++;
        else if ((*p == '}' || *p == ']') && depth > 0) depth--;
        else if (*p == '\0' || (*p == ',' && depth == 0)) {
            VEC_PUSH(vals, trim_dup(start, (size_t)(p - start)));
            if (*p == '\0') break;
            start = p + 1;
        }
    }
    out->values = vals.v;
    out->nvalues = vals.n;
    if (quote) return "has an unterminated quote";
    for (size_t i = 0; i < vals.n; i++)
        if (!vals.v[i][0]) return "has an empty value";
    return NULL;
}

static void free_vary(VaryKey *v)
{
    free(v->key);
    for (size_t i = 0; i < v->nvalues; i++) free(v->values[i]);
    free(v->values);
}

/* ---- JSON text ------------------------------------------------------------------------ */

static void json_pairs(FILE *f, const Override *o, size_t n, bool *first)
{
    for (size_t i = 0; i < n; i++) {
        if (!*first) fputc(',', f);
        *first = false;
        json_write_string(f, o[i].key);
        fputc(':', f);
        json_write_value(f, o[i].value);
    }
}

/* {"vary": [{"key": K, "values": [...]}, ...], "set": {...}, "skipped": [...]} */
static char *sweep_params_json(const SweepArgs *a, const SweepPlan *plan)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fputs("{\"vary\":[", f);
    for (size_t i = 0; i < a->vary.n; i++) {
        fputs(i ? ",{\"key\":" : "{\"key\":", f);
        json_write_string(f, a->vary.v[i].key);
        fputs(",\"values\":[", f);
        for (size_t k = 0; k < a->vary.v[i].nvalues; k++) {
            if (k) fputc(',', f);
            json_write_value(f, a->vary.v[i].values[k]);
        }
        fputs("]}", f);
    }
    fputs("],\"set\":{", f);
    bool first = true;
    json_pairs(f, a->set.v, a->set.n, &first);
    fputs("},\"skipped\":[", f);
    first = true;
    for (size_t p = 0; p < plan->npoints; p++) {
        if (plan->points[p].sc) continue;
        fprintf(f, "%s%zu", first ? "" : ",", p);
        first = false;
    }
    fputs("]}", f);
    fclose(f);
    return buf;
}

/* ---- planning ------------------------------------------------------------------------- */

/* The overrides of one point: the fixed --set ones, then its --vary values. */
static Override *point_overrides(const SweepArgs *a, const size_t *choice, size_t *n)
{
    *n = a->set.n + a->vary.n;
    Override *o = xcalloc(*n ? *n : 1, sizeof *o);
    for (size_t i = 0; i < a->set.n; i++) o[i] = a->set.v[i];
    for (size_t i = 0; i < a->vary.n; i++)
        o[a->set.n + i] = (Override){a->vary.v[i].key, a->vary.v[i].values[choice[i]]};
    return o;
}

/* The messages of upstream's maxSurge/maxUnavailable pair check
 * (sim/input/manifest.c); any other diagnostic is an input error. */
static bool is_strategy_pair_error(const Diag *d)
{
    return strstr(d->msg, "may not be set when maxUnavailable is non-zero") ||
           strstr(d->msg, "cannot be 0 when maxSurge is 0");
}

/* Loads every point. 0 ok, EXIT_USAGE after printing the diagnostic. */
static int plan_points(const char *path, const SweepArgs *a, SweepPlan *plan, FILE *err)
{
    size_t total = 1;
    for (size_t i = 0; i < a->vary.n; i++) {
        total *= a->vary.v[i].nvalues;
        if (total > SWEEP_MAX_POINTS)
            return cli_misuse("sweep", "more than %d parameter points; split the sweep", SWEEP_MAX_POINTS);
    }
    plan->npoints = total;
    plan->points = xcalloc(total, sizeof *plan->points);
    for (size_t p = 0; p < total; p++) {
        SweepPoint *pt = &plan->points[p];
        pt->index = p;
        pt->choice = xcalloc(a->vary.n ? a->vary.n : 1, sizeof *pt->choice);
        /* the first --vary key changes slowest, like nested loops */
        size_t rest = p;
        for (size_t i = a->vary.n; i-- > 0;) {
            pt->choice[i] = rest % a->vary.v[i].nvalues;
            rest /= a->vary.v[i].nvalues;
        }
        char *buf = NULL, *lab = NULL;
        size_t len = 0, lablen = 0;
        FILE *f = open_memstream(&buf, &len), *l = open_memstream(&lab, &lablen);
        fputc('{', f);
        for (size_t i = 0; i < a->vary.n; i++) {
            const char *v = a->vary.v[i].values[pt->choice[i]];
            if (i) fputc(',', f);
            json_write_string(f, a->vary.v[i].key);
            fputc(':', f);
            json_write_value(f, v);
            fprintf(l, "%s%s=%s", i ? ", " : "", a->vary.v[i].key, v);
        }
        fputc('}', f);
        if (a->vary.n == 0) fputs("no --vary", l);
        fclose(f);
        fclose(l);
        pt->params_json = buf;
        pt->label = lab;

        size_t novr;
        Override *ovr = point_overrides(a, pt->choice, &novr);
        Diag d;
        diag_init(&d);
        pt->sc = scenario_load(path, ovr, novr, &d);
        free(ovr);
        if (pt->sc) {
            /* Every point loads the same file: its warnings once. */
            if (plan->nvalid++ == 0) scenario_print_warnings(pt->sc, err);
            continue;
        }
        if (is_strategy_pair_error(&d)) {
            fprintf(err, "daemonsim sweep: point %zu (%s) skipped: maxSurge and maxUnavailable "
                         "are both %s (%s)\n",
                    p, pt->label, strstr(d.msg, "cannot be 0") ? "zero" : "non-zero", d.msg);
            continue;
        }
        fprintf(err, "daemonsim sweep: point %zu (%s) is invalid:\n", p, pt->label);
        diag_print(&d, err);
        return EXIT_USAGE;
    }
    if (plan->nvalid == 0) {
        fprintf(err, "daemonsim sweep: every parameter point was rejected; nothing to run\n");
        return EXIT_USAGE;
    }
    return 0;
}

static bool scenario_has_ds(const Scenario *sc, const char *name)
{
    for (uint32_t i = 0; i < sc->nspecs; i++)
        if (!strcmp(strtab_str(sc->strs, sc->specs[i].name), name)) return true;
    return false;
}

static bool is_ds_action(ActionKind k)
{
    return k == ACT_CREATE_DS || k == ACT_UPDATE_DS || k == ACT_ROLLBACK || k == ACT_RESTART_DS ||
           k == ACT_DELETE_DS;
}

typedef struct {
    const char *canonical;
    int64_t number;
} RevSeen;

typedef VEC(RevSeen) RevSeenVec;

/* Gives a template its revision number the way the controller does
 * (daemonset-behaviour.md §12: a template equal to an old revision takes the
 * next number) and notes the number if the template is a bad release. */
static void revision_record(RevSeenVec *revs, const DaemonSetSpec *spec, PointFigures *pf)
{
    int64_t top = 0;
    for (size_t i = 0; i < revs->n; i++) top = DS_MAX(top, revs->v[i].number);
    const char *canon = spec->template_.canonical ? spec->template_.canonical : "";
    size_t at = revs->n;
    for (size_t i = 0; i < revs->n; i++)
        if (!strcmp(revs->v[i].canonical, canon)) at = i;
    if (at == revs->n) VEC_PUSH(*revs, ((RevSeen){canon, 0}));
    revs->v[at].number = top + 1;
    const Failure *f = &spec->template_.failure;
    if (f->mode != FAILURE_NONE && f->probability > 0 && pf->nfail < SWEEP_MAX_FAIL_REVS)
        pf->fail_revs[pf->nfail++] = top + 1;
}

/* The revision numbers of the figure DaemonSet's bad releases, found by
 * replaying its DaemonSet events in time order (ties in file order), as the
 * loader and the controller number them. */
static void find_failing_revisions(const Scenario *sc, const char *ds, PointFigures *pf)
{
    pf->nfail = 0;
    RevSeenVec revs = {0};
    for (uint32_t i = 0; i < sc->ninitial; i++)
        if (!strcmp(strtab_str(sc->strs, sc->specs[i].name), ds))
            revision_record(&revs, &sc->specs[i], pf);
    U32Vec order = {0};
    for (uint32_t i = 0; i < sc->nactions; i++) {
        const Action *a = &sc->actions[i];
        if (is_ds_action(a->kind) && a->ds_name != SYM_NONE &&
            !strcmp(strtab_str(sc->strs, a->ds_name), ds))
            VEC_PUSH(order, i);
    }
    /* insertion sort by (at, file order): a handful of events */
    for (size_t i = 1; i < order.n; i++) {
        uint32_t x = order.v[i];
        size_t j = i;
        while (j > 0 && sc->actions[order.v[j - 1]].at > sc->actions[x].at) {
            order.v[j] = order.v[j - 1];
            j--;
        }
        order.v[j] = x;
    }
    for (size_t i = 0; i < order.n; i++) {
        const Action *a = &sc->actions[order.v[i]];
        if (a->kind == ACT_CREATE_DS || a->kind == ACT_DELETE_DS) revs.n = 0;
        if (a->kind != ACT_DELETE_DS && a->spec < sc->nspecs)
            revision_record(&revs, &sc->specs[a->spec], pf);
    }
    VEC_FREE(order);
    VEC_FREE(revs);
}

static void plan_jobs(SweepPlan *plan, const SweepArgs *a)
{
    plan->njobs = plan->nvalid * a->seeds;
    plan->jobs = xcalloc(plan->njobs ? plan->njobs : 1, sizeof *plan->jobs);
    size_t j = 0;
    for (size_t p = 0; p < plan->npoints; p++) {
        SweepPoint *pt = &plan->points[p];
        if (!pt->sc) continue;
        pt->first_job = j;
        pt->njobs = a->seeds;
        size_t novr;
        Override *ovr = point_overrides(a, pt->choice, &novr);
        for (uint64_t k = 0; k < a->seeds; k++, j++) {
            SweepJob *job = &plan->jobs[j];
            job->point = (uint32_t)p;
            job->k = (uint32_t)k;
            /* top bit cleared: SQL's signed INTEGER then shows the seed as it is */
            job->seed = rng_mix(pt->sc->seed, k) & (UINT64_MAX >> 1);
            job->worker = -1;
            char *buf = NULL;
            size_t len = 0;
            FILE *f = open_memstream(&buf, &len);
            fputc('{', f);
            bool first = true;
            json_pairs(f, ovr, novr, &first);
            fprintf(f, "%s\"seed\":%llu}", first ? "" : ",", (unsigned long long)job->seed);
            fclose(f);
            job->params_json = buf;
        }
        free(ovr);
    }
}

static void remove_db_files(const char *path)
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

/* ---- statistics --------------------------------------------------------------------- */

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

/* Copies the finished runs in, then reads every run's figures back and
 * writes the point summaries, all in one transaction. */
static int store_sweep(const SweepArgs *a, SweepPlan *plan, PointFigures *pf, const char *ds,
                       const SweepOutcome *oc, double wall_start, int64_t *sweep_id, char *err,
                       size_t errlen)
{
    Store *s = store_open(a->output, err, errlen);
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

/* ---- the summary table ------------------------------------------------------------- */

static void fmt_duration(char *buf, size_t n, double seconds)
{
    if (isnan(seconds)) {
        snprintf(buf, n, "-");
        return;
    }
    /* tenths of a second are plenty next to a 95% interval */
    SimTime t = (SimTime)llround(seconds * 10.0) * (SIM_S / 10);
    units_format_duration(t, buf, n);
}

static void fmt_number(char *buf, size_t n, double v)
{
    if (isnan(v)) snprintf(buf, n, "-");
    else if (fabs(v) >= 1000 || v == floor(v)) snprintf(buf, n, "%.0f", v);
    else snprintf(buf, n, "%.1f", v);
}

static void print_summary(FILE *out, const SweepArgs *a, const SweepPlan *plan,
                          const PointFigures *pf)
{
    bool exposure = false;
    for (size_t p = 0; p < plan->npoints; p++) exposure |= plan->points[p].sc && pf[p].nfail > 0;
    VEC(char *) cells = {0};
    size_t ncols = 0;
    char buf[64];
#define CELL(s) VEC_PUSH(cells, xstrdup(s))
    for (size_t i = 0; i < a->vary.n; i++) {
        CELL(a->vary.v[i].key);
        ncols++;
    }
    static const char *const heads[] = {"RUNS", "NOT-CONVERGED", "TIME-TO-CONVERGE", "CI95",
                                        "P50",  "P90",           "P99",              "PEAK-UNAVAILABLE",
                                        "UNAVAILABLE-POD-SECONDS"};
    for (size_t i = 0; i < DS_ARRAY_LEN(heads); i++) {
        CELL(heads[i]);
        ncols++;
    }
    if (exposure) {
        CELL("EXPOSED-NODES");
        ncols++;
    }
    for (size_t p = 0; p < plan->npoints; p++) {
        const SweepPoint *pt = &plan->points[p];
        if (!pt->sc) continue;
        const StoreSweepPoint *sp = &pf[p].summary;
        for (size_t i = 0; i < a->vary.n; i++) CELL(a->vary.v[i].values[pt->choice[i]]);
        snprintf(buf, sizeof buf, "%lld", (long long)sp->n);
        CELL(buf);
        snprintf(buf, sizeof buf, "%lld", (long long)(sp->n - sp->n_converged));
        CELL(buf);
        const double times[] = {sp->converge.mean, sp->converge.ci95, sp->converge.p50,
                                sp->converge.p90, sp->converge.p99};
        for (size_t i = 0; i < DS_ARRAY_LEN(times); i++) {
            fmt_duration(buf, sizeof buf, times[i]);
            if (i == 1 && !isnan(times[i])) {
                char pm[72];
                snprintf(pm, sizeof pm, "+-%s", buf);
                CELL(pm);
            } else {
                CELL(buf);
            }
        }
        fmt_number(buf, sizeof buf, sp->peak_unavailable.mean);
        CELL(buf);
        fmt_number(buf, sizeof buf, sp->unavailable_pod_seconds.mean);
        CELL(buf);
        if (exposure) {
            fmt_number(buf, sizeof buf, sp->has_exposure ? sp->exposure.mean : (double)NAN);
            CELL(buf);
        }
    }
#undef CELL
    size_t *width = xcalloc(ncols, sizeof *width);
    for (size_t i = 0; i < cells.n; i++)
        width[i % ncols] = (size_t)DS_MAX(width[i % ncols], strlen(cells.v[i]));
    for (size_t i = 0; i < cells.n; i++) {
        size_t col = i % ncols;
        if (col + 1 == ncols) fprintf(out, "%s\n", cells.v[i]);
        else fprintf(out, "%-*s   ", (int)width[col], cells.v[i]);
        free(cells.v[i]);
    }
    VEC_FREE(cells);
    free(width);
}

/* ---- the command ------------------------------------------------------------------- */

static void free_plan(SweepPlan *plan)
{
    for (size_t p = 0; p < plan->npoints; p++) {
        scenario_free(plan->points[p].sc);
        free(plan->points[p].choice);
        free(plan->points[p].params_json);
        free(plan->points[p].label);
    }
    free(plan->points);
    for (size_t j = 0; j < plan->njobs; j++) free(plan->jobs[j].params_json);
    free(plan->jobs);
    for (int w = 0; w < plan->nworkers; w++) free(plan->worker_db[w]);
    free(plan->worker_db);
}

static void free_args(SweepArgs *a)
{
    for (size_t i = 0; i < a->vary.n; i++) free_vary(&a->vary.v[i]);
    VEC_FREE(a->vary);
    for (size_t i = 0; i < a->set.n; i++) {
        free((char *)a->set.v[i].key);
        free((char *)a->set.v[i].value);
    }
    VEC_FREE(a->set);
}

static int parse_args(int argc, char **argv, SweepArgs *a, const char **scenario)
{
    static const struct option opts[] = {
        {"vary", required_argument, NULL, 'v'},   {"set", required_argument, NULL, 's'},
        {"seeds", required_argument, NULL, 'n'},  {"jobs", required_argument, NULL, 'j'},
        {"daemonset", required_argument, NULL, 'd'}, {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
        {"record", required_argument, NULL, 'r'},
        {NULL, 0, NULL, 0},
    };
    a->seeds = 10;
    opterr = 0;
    optind = 0; /* glibc: 0 also resets the state of an earlier parse */
    int ch;
    while ((ch = getopt_long(argc, argv, ":o:j:qh", opts, NULL)) != -1) {
        switch (ch) {
        case 'v': {
            VaryKey v = {0};
            const char *why = parse_vary(optarg, &v);
            bool dup = false;
            for (size_t i = 0; !why && i < a->vary.n; i++) dup |= !strcmp(a->vary.v[i].key, v.key);
            if (why || dup) {
                int rc = dup ? cli_misuse("sweep", "--vary %s is given twice", v.key)
                             : cli_misuse("sweep", "--vary %s, not '%s'", why, optarg);
                free_vary(&v);
                return rc;
            }
            VEC_PUSH(a->vary, v);
            break;
        }
        case 's': {
            Override o;
            if (!cli_parse_set(optarg, &o)) return cli_misuse("sweep", "--set takes KEY=VALUE, not '%s'", optarg);
            VEC_PUSH(a->set, o);
            break;
        }
        case 'n':
            if (!cli_parse_u64(optarg, &a->seeds) || a->seeds == 0 || a->seeds > 1000000)
                return cli_misuse("sweep", "--seeds takes a whole number from 1 to 1000000, not '%s'", optarg);
            break;
        case 'j':
            if (!cli_parse_int(optarg, 1, 1024, &a->jobs))
                return cli_misuse("sweep", "-j takes a whole number from 1 to 1024, not '%s'", optarg);
            break;
        case 'd': a->daemonset = optarg; break;
        case 'r':
            if (strcmp(optarg, "summary") && strcmp(optarg, "full"))
                return cli_misuse("sweep", "--record takes summary or full, not '%s'", optarg);
            a->record_full = !strcmp(optarg, "full");
            break;
        case 'o': a->output = optarg; break;
        case 'q': a->quiet = true; break;
        case 'h': return -1;
        case ':': return cli_misuse("sweep", "option '%s' needs an argument", argv[optind - 1]);
        default:
            if (optopt) return cli_misuse("sweep", "unknown option '-%c'", optopt);
            return cli_misuse("sweep", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) return cli_misuse("sweep", "missing SCENARIO file");
    if (optind + 1 < argc) return cli_misuse("sweep", "unexpected argument '%s'", argv[optind + 1]);
    if (!a->output) return cli_misuse("sweep", "missing -o DB (the results database)");
    for (size_t i = 0; i < a->set.n; i++)
        for (size_t k = 0; k < a->vary.n; k++)
            if (!strcmp(a->set.v[i].key, a->vary.v[k].key))
                return cli_misuse("sweep", "%s is both --set and --vary", a->vary.v[k].key);
    *scenario = argv[optind];
    return 0;
}

int cmd_sweep(int argc, char **argv)
{
    SweepArgs a = {0};
    SweepPlan plan = {.err = stderr};
    PointFigures *pf = NULL;
    const char *path = NULL;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double wall_start = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;

    int status = parse_args(argc, argv, &a, &path);
    if (status < 0) {
        status = cli_usage("sweep", sweep_help, EXIT_OK);
        goto out;
    }
    if (status != 0) goto out;
    if ((status = plan_points(path, &a, &plan, stderr)) != 0) goto out;

    /* the figure DaemonSet: named, or the scenario's first */
    const Scenario *first = NULL;
    for (size_t p = 0; p < plan.npoints && !first; p++) first = plan.points[p].sc;
    if (first->nspecs == 0) {
        fprintf(stderr, "daemonsim sweep: %s defines no DaemonSet; there is no rollout to measure\n",
                path);
        status = EXIT_USAGE;
        goto out;
    }
    const char *ds = a.daemonset ? a.daemonset : strtab_str(first->strs, first->specs[0].name);
    pf = xcalloc(plan.npoints, sizeof *pf);
    for (size_t p = 0; p < plan.npoints; p++) {
        const Scenario *sc = plan.points[p].sc;
        if (!sc) continue;
        if (!scenario_has_ds(sc, ds)) {
            fprintf(stderr, "daemonsim sweep: --daemonset %s: %s has no DaemonSet of that name\n",
                    ds, path);
            status = EXIT_USAGE;
            goto out;
        }
        find_failing_revisions(sc, ds, &pf[p]);
    }
    if (plan.nvalid * a.seeds > SWEEP_MAX_RUNS) {
        status = cli_misuse("sweep", "more than %d runs; split the sweep", SWEEP_MAX_RUNS);
        goto out;
    }
    plan_jobs(&plan, &a);

    /* Fail on an unusable output before running anything; the handle is
     * closed again so that no connection crosses fork(). */
    char err[512] = "";
    Store *probe = store_open(a.output, err, sizeof err);
    if (!probe) {
        fprintf(stderr, "daemonsim sweep: %s: %s\n", a.output, err);
        status = EXIT_RUNTIME;
        goto out;
    }
    store_close(probe);

    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    long jobs = a.jobs ? a.jobs : (cores > 0 ? cores : 1);
    jobs = DS_MIN(jobs, STORE_MERGE_MAX);
    jobs = DS_MIN(jobs, (long)plan.njobs);
    plan.nworkers = (int)jobs;
    plan.worker_db = xcalloc((size_t)jobs, sizeof *plan.worker_db);
    for (int w = 0; w < plan.nworkers; w++) {
        size_t n = strlen(a.output) + 64;
        plan.worker_db[w] = xmalloc(n);
        snprintf(plan.worker_db[w], n, "%s.sweep-%ld-%d", a.output, (long)getpid(), w + 1);
        remove_db_files(plan.worker_db[w]);
    }
    plan.progress = !a.quiet;
    plan.record_full = a.record_full;
    plan.tty = isatty(fileno(stderr));
    if (plan.progress)
        fprintf(stderr, "sweep: %zu points (%zu skipped) x %llu seeds = %zu runs on %d workers\n",
                plan.nvalid, plan.npoints - plan.nvalid, (unsigned long long)a.seeds, plan.njobs,
                plan.nworkers);

    SweepOutcome oc;
    sweep_pool_run(&plan, &oc);

    size_t done = 0, lost = 0, failed = 0, expect_failed = 0;
    for (size_t j = 0; j < plan.njobs; j++) {
        done += plan.jobs[j].state == JOB_DONE;
        lost += plan.jobs[j].state == JOB_LOST;
        failed += plan.jobs[j].state == JOB_FAILED;
        expect_failed += plan.jobs[j].state == JOB_DONE && plan.jobs[j].expect_failures > 0;
    }
    if (plan.progress && done > 0)
        fprintf(stderr, "sweep: merging %zu runs into %s\n", done, a.output);
    int64_t sweep_id = 0;
    int rc = store_sweep(&a, &plan, pf, ds, &oc, wall_start, &sweep_id, err, sizeof err);
    for (int w = 0; w < plan.nworkers; w++) remove_db_files(plan.worker_db[w]);
    if (rc < 0) {
        fprintf(stderr, "daemonsim sweep: %s: %s (nothing of the sweep was kept)\n", a.output, err);
        status = EXIT_RUNTIME;
        goto out;
    }
    print_summary(stdout, &a, &plan, pf);
    if (failed)
        fprintf(stderr, "daemonsim sweep: %zu run(s) failed: %s\n", failed, oc.first_error);
    if (lost && !oc.interrupted)
        fprintf(stderr, "daemonsim sweep: %zu run(s) missing (their worker died); the others are kept\n",
                lost);
    if (expect_failed)
        fprintf(stderr, "sweep: %zu of %zu runs failed the scenario's expect: checks "
                        "(run.expect_failures)\n",
                expect_failed, done);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    fprintf(stderr, "sweep %lld%s: %zu of %zu runs stored in %s, %.1f s\n", (long long)sweep_id,
            oc.interrupted ? " (interrupted)" : "", done, plan.njobs, a.output,
            (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9 - wall_start);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "daemonsim sweep: write error: %s\n", strerror(errno));
        status = EXIT_RUNTIME;
    } else if (oc.interrupted) {
        status = EXIT_INTERRUPTED;
    } else if (lost || failed) {
        status = EXIT_RUNTIME;
    }
out:
    free(pf);
    free_plan(&plan);
    free_args(&a);
    return status;
}

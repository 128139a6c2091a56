/* sweep_merge.c: `daemonsim merge`, the shards of one sweep (sweep --shard
 * K/N, one database each) joined into one database (sweep.h).
 *
 * Nothing is written until every part has been read and checked: each holds
 * one finished shard sweep, all of the same scenario, seeds, arguments,
 * figure DaemonSet and daemonsim version; the shards are 1..N, each once;
 * and each holds exactly its slice of the items (item j belongs to shard
 * j % N + 1, and a shard's runs, by id, are its items in order). Item j
 * becomes run first_run_id + j as in an unsharded sweep, so the result is
 * that sweep's, row for row. The per-point figures are computed once, over
 * every seed, from the merged runs. An interrupted merge is finished by
 * running the same merge again: items already in the output are skipped. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemonsim/sweep.h"

typedef struct {
    const char *path;
    int64_t sweep_id;
    StoreSweepRow sweep;
    const char *base_params;        /* params without "shard" */
    int64_t shard, nshards;
    StoreSweepPoint *points;        /* this sweep's */
    size_t npoints;
    StoreSweepRun *runs;            /* by run id: the slice's items in order */
    size_t nruns;
    const char *version;
    const char *all_fail_revs;      /* "$.shard.failing_revisions", to compare */
    const char **fail_revs;         /* per point, "[3]" */
    Arena a;
} Part;

static int by_run_id(const void *x, const void *y)
{
    const StoreSweepRun *a = x, *b = y;
    return (a->run_id > b->run_id) - (a->run_id < b->run_id);
}

static int json_int(Store *s, Arena *a, int64_t sweep_id, const char *path, int64_t *out)
{
    const char *v;
    if (store_sweep_json(s, a, sweep_id, path, false, &v) < 0) return -1;
    *out = v ? strtoll(v, NULL, 10) : 0;
    return 0;
}

/* Reads one part; 0, or -1 with the message printed. */
static int read_part(Part *p, FILE *err)
{
    char msg[512];
    Store *s = store_open_readonly(p->path, msg, sizeof msg);
    if (!s) {
        fprintf(err, "daemonsim merge: %s: %s\n", p->path, msg);
        return -1;
    }
    StoreSweepRow *sweeps;
    size_t nsweeps, found = 0;
    int rc = store_list_sweeps(s, &p->a, &sweeps, &nsweeps);
    for (size_t i = 0; i < nsweeps && rc == 0; i++) {
        const char *shard;
        rc = store_sweep_json(s, &p->a, sweeps[i].id, "$.shard", false, &shard);
        if (rc == 0 && shard) {
            p->sweep = sweeps[i];
            found++;
        }
    }
    if (rc == 0 && found != 1) {
        fprintf(err, "daemonsim merge: %s: holds %zu shard sweeps, not one (a file per shard, "
                     "written by sweep --shard K/N)\n",
                p->path, found);
        store_close(s);
        return -1;
    }
    p->sweep_id = p->sweep.id;
    if (rc == 0) rc = json_int(s, &p->a, p->sweep_id, "$.shard.index", &p->shard);
    if (rc == 0) rc = json_int(s, &p->a, p->sweep_id, "$.shard.count", &p->nshards);
    if (rc == 0) rc = store_sweep_json(s, &p->a, p->sweep_id, "$.shard", true, &p->base_params);
    StoreSweepPoint *all;
    size_t nall;
    if (rc == 0) rc = store_list_sweep_points(s, &p->a, &all, &nall);
    if (rc == 0) {
        size_t first = 0;
        while (first < nall && all[first].sweep_id != p->sweep_id) first++;
        p->points = all + first;
        while (first + p->npoints < nall && all[first + p->npoints].sweep_id == p->sweep_id)
            p->npoints++;
    }
    if (rc == 0)
        rc = store_sweep_json(s, &p->a, p->sweep_id, "$.shard.failing_revisions", false,
                              &p->all_fail_revs);
    p->fail_revs = arena_alloc(&p->a, (p->npoints ? p->npoints : 1) * sizeof *p->fail_revs);
    for (size_t i = 0; i < p->npoints && rc == 0; i++) {
        char path[64];
        snprintf(path, sizeof path, "$.shard.failing_revisions[%lld]", (long long)p->points[i].point);
        rc = store_sweep_json(s, &p->a, p->sweep_id, path, false, &p->fail_revs[i]);
    }
    if (rc == 0) rc = store_list_sweep_runs(s, &p->a, p->sweep_id, &p->runs, &p->nruns);
    if (rc == 0 && p->nruns > 1) qsort(p->runs, p->nruns, sizeof *p->runs, by_run_id);
    StoreRunRow run;
    bool have = false;
    for (size_t i = 0; i < p->nruns && rc == 0; i++) {
        rc = store_get_run(s, &p->a, p->runs[i].run_id, &run, &have);
        if (rc == 0 && have && p->version && strcmp(p->version, run.version)) {
            fprintf(err, "daemonsim merge: %s: runs of two daemonsim versions (%s, %s)\n", p->path,
                    p->version, run.version);
            store_close(s);
            return -1;
        }
        if (rc == 0 && have) p->version = run.version;
    }
    if (rc < 0) fprintf(err, "daemonsim merge: %s: %s\n", p->path, store_errmsg(s));
    store_close(s);
    return rc;
}

static bool same_str(const char *a, const char *b) { return (!a && !b) || (a && b && !strcmp(a, b)); }

/* Every part against the first, each shard once, each slice whole. */
static int check_parts(Part *parts, size_t n, FILE *err)
{
    const Part *f = &parts[0];
    if (f->nshards != (int64_t)n) {
        fprintf(err, "daemonsim merge: %s is shard %lld of %lld, but %zu parts were given\n",
                f->path, (long long)f->shard, (long long)f->nshards, n);
        return -1;
    }
    size_t njobs = f->npoints * (size_t)f->sweep.seeds;
    for (size_t i = 0; i < n; i++) {
        const Part *p = &parts[i];
        const char *what = !same_str(p->sweep.scenario, f->sweep.scenario) ? "scenario"
                           : p->sweep.seeds != f->sweep.seeds              ? "--seeds"
                           : !same_str(p->base_params, f->base_params)     ? "arguments"
                           : !same_str(p->sweep.daemonset, f->sweep.daemonset) ? "--daemonset"
                           : p->nshards != f->nshards                     ? "shard count"
                           : p->npoints != f->npoints                     ? "points"
                           : !same_str(p->all_fail_revs, f->all_fail_revs) ? "scenario's releases"
                           : !same_str(p->version, f->version) && p->version && f->version
                               ? "daemonsim version"
                               : NULL;
        if (what) {
            fprintf(err, "daemonsim merge: %s and %s differ in their %s: not shards of one sweep\n",
                    f->path, p->path, what);
            return -1;
        }
        for (size_t k = 0; k < i; k++)
            if (parts[k].shard == p->shard) {
                fprintf(err, "daemonsim merge: %s and %s are both shard %lld/%lld\n",
                        parts[k].path, p->path, (long long)p->shard, (long long)p->nshards);
                return -1;
            }
        if (strcmp(p->sweep.status, "complete")) {
            fprintf(err, "daemonsim merge: %s: shard %lld/%lld is %s; finish it with the same "
                         "sweep command and --resume\n",
                    p->path, (long long)p->shard, (long long)p->nshards, p->sweep.status);
            return -1;
        }
        size_t want = njobs > (size_t)p->shard - 1
                          ? (njobs - ((size_t)p->shard - 1) + (size_t)p->nshards - 1) /
                                (size_t)p->nshards
                          : 0;
        bool ok = p->nruns == want;
        for (size_t r = 0; ok && r < p->nruns; r++) {
            size_t j = (size_t)p->shard - 1 + r * (size_t)p->nshards;
            ok = p->runs[r].point == f->points[j / (size_t)f->sweep.seeds].point;
        }
        if (!ok) {
            fprintf(err, "daemonsim merge: %s: shard %lld/%lld holds %zu runs, not its %zu items\n",
                    p->path, (long long)p->shard, (long long)p->nshards, p->nruns, want);
            return -1;
        }
    }
    return 0;
}

/* "[3,4]" into revs. */
static size_t parse_revs(const char *text, int64_t *revs, size_t cap)
{
    size_t n = 0;
    for (const char *c = text ? text : ""; *c && n < cap;) {
        char *end;
        long long v = strtoll(c, &end, 10);
        if (end == c) {
            c++;
            continue;
        }
        revs[n++] = v;
        c = end;
    }
    return n;
}

/* The item number of a stored run, found by its point and seed. */
static size_t item_of(const Part *parts, size_t n, const StoreSweepRun *run)
{
    for (size_t i = 0; i < n; i++)
        for (size_t r = 0; r < parts[i].nruns; r++)
            if (parts[i].runs[r].point == run->point && parts[i].runs[r].seed == run->seed)
                return (size_t)parts[i].shard - 1 + r * (size_t)parts[i].nshards;
    return 0;
}

static int store_parts(Part *parts, size_t n, const char *output, FILE *err, int64_t *sweep_id,
                       size_t *copied)
{
    const Part *f = &parts[0];
    char msg[512];
    Store *s = store_open(output, msg, sizeof msg);
    if (!s) {
        fprintf(err, "daemonsim merge: %s: %s\n", output, msg);
        return -1;
    }
    StoreSweepInfo info = {.scenario = f->sweep.scenario, .seeds = (uint64_t)f->sweep.seeds,
                           .params = f->base_params, .daemonset = f->sweep.daemonset};
    size_t njobs = f->npoints * (size_t)f->sweep.seeds;
    int64_t first_run = 0;
    Arena a = {0};
    StoreSweepRun *have = NULL;
    size_t nhave = 0;
    int rc = store_sweep_find(s, &info, sweep_id);
    if (rc == 0 && *sweep_id) rc = store_list_sweep_runs(s, &a, *sweep_id, &have, &nhave);
    if (rc == 0 && nhave > 0) {
        /* an earlier merge of these parts stopped half way: carry on, with
         * the run ids it reserved (a stored run's id minus its item number) */
        qsort(have, nhave, sizeof *have, by_run_id);
        first_run = have[0].run_id - (int64_t)item_of(parts, n, &have[0]);
    } else if (rc == 0) {
        VEC(StoreSweepPoint) pts = {0};
        StoreSummary none = {NAN, NAN, NAN, NAN, NAN, NAN};
        for (size_t i = 0; i < f->npoints; i++) {
            StoreSweepPoint sp = {.point = f->points[i].point, .params = f->points[i].params,
                                  .converge = none, .peak_unavailable = none,
                                  .unavailable_pod_seconds = none, .exposure = none};
            VEC_PUSH(pts, sp);
        }
        rc = store_sweep_create(s, &info, pts.v, pts.n, (int64_t)njobs, sweep_id, &first_run);
        VEC_FREE(pts);
    }
    double wall = (double)NAN;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const Part *p = &parts[i];
        if (!isnan(p->sweep.wall_seconds) && !(p->sweep.wall_seconds <= wall))
            wall = p->sweep.wall_seconds;
        int64_t only;
        if (p->nruns > 0) rc = store_source_attach(s, p->path, &only);
        for (size_t r = 0; r < p->nruns && rc == 0; r++) {
            size_t j = (size_t)p->shard - 1 + r * (size_t)p->nshards;
            StoreSweepRun key = {.run_id = first_run + (int64_t)j};
            if (nhave && bsearch(&key, have, nhave, sizeof *have, by_run_id)) continue;
            StoreImport imp = {.src_run = p->runs[r].run_id, .run_id = key.run_id,
                               .sweep_id = *sweep_id, .point = p->runs[r].point,
                               .seed = p->runs[r].seed};
            rc = store_source_import(s, &imp);
            *copied += rc == 0;
        }
        store_source_detach(s);
        if (rc < 0) fprintf(err, "daemonsim merge: %s: %s\n", p->path, store_errmsg(s));
    }
    if (rc == 0) {
        SweepFigurePoint *fps = xcalloc(f->npoints ? f->npoints : 1, sizeof *fps);
        int64_t(*revs)[SWEEP_MAX_FAIL_REVS] = xcalloc(f->npoints ? f->npoints : 1, sizeof *revs);
        for (size_t i = 0; i < f->npoints; i++) {
            fps[i] = (SweepFigurePoint){.point = f->points[i].point, .params = f->points[i].params,
                                        .fail_revs = revs[i]};
            fps[i].nfail = parse_revs(f->fail_revs[i], revs[i], SWEEP_MAX_FAIL_REVS);
        }
        rc = sweep_figures(s, *sweep_id, f->sweep.daemonset, fps, f->npoints, "complete", wall);
        if (rc < 0) fprintf(err, "daemonsim merge: %s: %s\n", output, store_errmsg(s));
        free(fps);
        free(revs);
    }
    arena_free(&a);
    store_close(s);
    return rc;
}

int sweep_merge(const char *output, const char *const *paths, size_t n, FILE *out, FILE *err)
{
    Part *parts = xcalloc(n ? n : 1, sizeof *parts);
    int status = 0;
    for (size_t i = 0; i < n && status == 0; i++) {
        parts[i].path = paths[i];
        if (read_part(&parts[i], err) < 0) status = 2;
    }
    if (status == 0 && check_parts(parts, n, err) < 0) status = 2;
    int64_t sweep_id = 0;
    size_t copied = 0;
    if (status == 0 && store_parts(parts, n, output, err, &sweep_id, &copied) < 0) status = 3;
    if (status == 0)
        fprintf(out, "merge: %zu runs of %zu shards into %s as sweep %lld\n", copied, n, output,
                (long long)sweep_id);
    for (size_t i = 0; i < n; i++) arena_free(&parts[i].a);
    free(parts);
    return status;
}

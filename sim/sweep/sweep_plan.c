/* sweep_plan.c: from a SweepSpec to a SweepPlan (sweep.h).
 *
 * Everything that can be wrong with the input is found here, before anything
 * runs: every point of the cartesian product of the --vary lists is loaded
 * as a Scenario with its overrides, so a bad value stops the sweep with its
 * file:line:col diagnostic and nothing written. A point that upstream
 * validation rejects only because of the maxSurge/maxUnavailable pair (both
 * zero, or both non-zero) is reported and skipped, as docs/cli.md says. Each
 * point runs --seeds times with seeds rng_mix(point's scenario seed, k), the
 * same k at every point, so that points are compared with common random
 * numbers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemonsim/json.h"
#include "daemonsim/rng.h"
#include "daemonsim/sweep.h"

bool sweep_key_is_strategy(const char *key) { return !strcmp(key, "strategy"); }

void sweep_vary_free(SweepVary *v)
{
    free(v->key);
    for (size_t i = 0; i < v->nvalues; i++) free(v->values[i]);
    free(v->values);
}

void sweep_spec_free(SweepSpec *a)
{
    for (size_t i = 0; i < a->vary.n; i++) sweep_vary_free(&a->vary.v[i]);
    VEC_FREE(a->vary);
    for (size_t i = 0; i < a->set.n; i++) {
        free((char *)a->set.v[i].key);
        free((char *)a->set.v[i].value);
    }
    VEC_FREE(a->set);
}

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

/* `counted`: only the revisions whose exposure the runs' rows can count
 * (none when a status record keeps no pod rows). */
static void write_failing_revisions(FILE *f, const SweepPlan *plan, bool counted)
{
    fputc('[', f);
    for (size_t p = 0; p < plan->npoints; p++) {
        fputs(p ? ",[" : "[", f);
        size_t n = counted ? sweep_point_exposure_revs(plan, p) : plan->points[p].nfail;
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%s%lld", i ? "," : "", (long long)plan->points[p].fail_revs[i]);
        fputc(']', f);
    }
    fputc(']', f);
}

size_t sweep_point_exposure_revs(const SweepPlan *plan, size_t p)
{
    /* exposure counts pod creations, which a status record leaves out:
     * NULL figures, not zeros */
    return plan->record == RECORD_STATUS ? 0 : plan->points[p].nfail;
}

char *sweep_params_json(const SweepSpec *a, const SweepPlan *plan)
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
    fputs("]", f);
    fprintf(f, ",\"record\":\"%s\"", run_record_name(a->record));
    /* per point, the figure DaemonSet's bad releases: what `plot --rollout
     * bad` picks, without the scenario */
    fputs(",\"failing_revisions\":", f);
    write_failing_revisions(f, plan, false);
    /* a shard's file carries what `daemonsim merge` needs and cannot get
     * without the scenario: which slice it is, and per point the bad
     * releases whose exposure the figures count */
    if (a->nshards) {
        fprintf(f, ",\"shard\":{\"index\":%u,\"count\":%u,\"failing_revisions\":", a->shard,
                a->nshards);
        write_failing_revisions(f, plan, true);
        fputc('}', f);
    }
    fputc('}', f);
    fclose(f);
    return buf;
}

/* The overrides of one point: the fixed --set ones, then its --vary values. */
static Override *point_overrides(const SweepSpec *a, const size_t *choice, size_t *n)
{
    *n = a->set.n + a->vary.n;
    Override *o = xcalloc(*n ? *n : 1, sizeof *o);
    for (size_t i = 0; i < a->set.n; i++) o[i] = a->set.v[i];
    for (size_t i = 0; i < a->vary.n; i++)
        o[a->set.n + i] = (Override){a->vary.v[i].key, a->vary.v[i].values[choice[i]]};
    return o;
}

/* The point's params JSON and label. A strategy shows as its variant's
 * name (words, for tables and charts) rather than as the value typed. */
static void point_describe(const SweepSpec *a, SweepPoint *pt)
{
    char *buf = NULL, *lab = NULL;
    size_t len = 0, lablen = 0;
    FILE *f = open_memstream(&buf, &len), *l = open_memstream(&lab, &lablen);
    fputc('{', f);
    for (size_t i = 0; i < a->vary.n; i++) {
        const char *key = a->vary.v[i].key, *v = a->vary.v[i].values[pt->choice[i]];
        if (i) fputc(',', f);
        json_write_string(f, key);
        fputc(':', f);
        if (sweep_key_is_strategy(key)) {
            if (pt->sc && pt->sc->variant) v = pt->sc->variant;
            json_write_string(f, v);
            fprintf(l, "%s%s", i ? ", " : "", v);
        } else {
            json_write_value(f, v);
            fprintf(l, "%s%s=%s", i ? ", " : "", key, v);
        }
    }
    fputc('}', f);
    if (a->vary.n == 0) fputs("no --vary", l);
    fclose(f);
    fclose(l);
    pt->params_json = buf;
    pt->label = lab;
}

/* Two values of --vary strategy that come to the same variant name would
 * be two points no chart or table could tell apart. */
static bool strategy_names_distinct(const SweepSpec *a, const SweepPlan *plan, FILE *err)
{
    for (size_t k = 0; k < a->vary.n; k++) {
        if (!sweep_key_is_strategy(a->vary.v[k].key)) continue;
        const SweepVary *v = &a->vary.v[k];
        const char **names = xcalloc(v->nvalues, sizeof *names);
        for (size_t p = 0; p < plan->npoints; p++)
            if (plan->points[p].sc && plan->points[p].sc->variant)
                names[plan->points[p].choice[k]] = plan->points[p].sc->variant;
        bool ok = true;
        for (size_t i = 0; i < v->nvalues && ok; i++)
            for (size_t j = 0; j < i && ok; j++)
                if (names[i] && names[j] && !strcmp(names[i], names[j])) {
                    fprintf(err, "daemonsim sweep: --vary %s: '%s' and '%s' are both the variant "
                                 "\"%s\"\n", v->key, v->values[j], v->values[i], names[i]);
                    ok = false;
                }
        free(names);
        if (!ok) return false;
    }
    return true;
}

/* The messages of upstream's maxSurge/maxUnavailable pair check
 * (sim/input/manifest.c); any other diagnostic is an input error. */
static bool is_strategy_pair_error(const Diag *d)
{
    return strstr(d->msg, "may not be set when maxUnavailable is non-zero") ||
           strstr(d->msg, "cannot be 0 when maxSurge is 0");
}

/* Loads every point; SWEEP_PLAN_INVALID after printing a diagnostic. */
static SweepPlanStatus plan_points(const char *path, const SweepSpec *a, SweepPlan *plan,
                                   FILE *err)
{
    size_t total = 1;
    for (size_t i = 0; i < a->vary.n; i++) {
        total *= a->vary.v[i].nvalues;
        if (total > SWEEP_MAX_POINTS)
            return SWEEP_PLAN_TOO_MANY_POINTS;
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
        size_t novr;
        Override *ovr = point_overrides(a, pt->choice, &novr);
        Diag d;
        diag_init(&d);
        pt->sc = scenario_load(path, ovr, novr, &d);
        free(ovr);
        point_describe(a, pt);
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
        return SWEEP_PLAN_INVALID;
    }
    if (plan->nvalid == 0) {
        fprintf(err, "daemonsim sweep: every parameter point was rejected; nothing to run\n");
        return SWEEP_PLAN_INVALID;
    }
    return strategy_names_distinct(a, plan, err) ? SWEEP_PLAN_OK : SWEEP_PLAN_INVALID;
}

static bool scenario_has_ds(const Scenario *sc, const char *name)
{
    for (uint32_t i = 0; i < sc->nspecs; i++)
        if (!strcmp(strtab_str(sc->strs, sc->specs[i].name), name)) return true;
    return false;
}

static bool is_ds_action(ActionKind k)
{
    return k == ACT_CREATE_DS || k == ACT_UPDATE_DS || k == ACT_PATCH_DS || k == ACT_ROLLBACK || k == ACT_RESTART_DS ||
           k == ACT_DELETE_DS;
}

typedef struct {
    const char *canonical;
    int64_t number;
} RevSeen;

typedef VEC(RevSeen) RevSeenVec;

/* Gives a template its revision number the way the controller does
 * (docs/behaviour.md §12: a template equal to an old revision takes the
 * next number) and notes the number if the template is a bad release. */
static void revision_record(RevSeenVec *revs, const DaemonSetSpec *spec, SweepPoint *pf)
{
    int64_t top = 0;
    for (size_t i = 0; i < revs->n; i++) top = DS_MAX(top, revs->v[i].number);
    const char *canon = spec->template_.canonical ? spec->template_.canonical : "";
    size_t at = revs->n;
    for (size_t i = 0; i < revs->n; i++)
        if (!strcmp(revs->v[i].canonical, canon)) at = i;
    /* the current template again (a patchDaemonSet of the strategy only,
     * such as a partition step): no new revision */
    if (at < revs->n && revs->v[at].number == top) return;
    if (at == revs->n) VEC_PUSH(*revs, ((RevSeen){canon, 0}));
    revs->v[at].number = top + 1;
    const Failure *f = &spec->template_.failure;
    if (f->mode != FAILURE_NONE && f->probability > 0 && pf->nfail < SWEEP_MAX_FAIL_REVS)
        pf->fail_revs[pf->nfail++] = top + 1;
}

/* The revision numbers of the figure DaemonSet's bad releases, found by
 * replaying its DaemonSet events in time order (ties in file order), as the
 * loader and the controller number them. */
static void find_failing_revisions(const Scenario *sc, const char *ds, SweepPoint *pf)
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

static void plan_jobs(SweepPlan *plan, const SweepSpec *a)
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

void sweep_plan_free(SweepPlan *plan)
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
    free(plan->item_prefix);
}

SweepPlanStatus sweep_plan(const char *path, const SweepSpec *spec, SweepPlan *plan)
{
    SweepPlanStatus st = plan_points(path, spec, plan, plan->err);
    if (st != SWEEP_PLAN_OK) return st;
    /* the figure DaemonSet: named, or the scenario's first */
    const Scenario *first = NULL;
    for (size_t p = 0; p < plan->npoints && !first; p++) first = plan->points[p].sc;
    if (first->nspecs == 0) {
        fprintf(plan->err,
                "daemonsim sweep: %s defines no DaemonSet; there is no rollout to measure\n", path);
        return SWEEP_PLAN_INVALID;
    }
    const char *ds =
        spec->daemonset ? spec->daemonset : strtab_str(first->strs, first->specs[0].name);
    plan->daemonset = ds;
    for (size_t p = 0; p < plan->npoints; p++) {
        const Scenario *sc = plan->points[p].sc;
        if (!sc) continue;
        if (!scenario_has_ds(sc, ds)) {
            fprintf(plan->err,
                    "daemonsim sweep: --daemonset %s: %s has no DaemonSet of that name\n", ds,
                    path);
            return SWEEP_PLAN_INVALID;
        }
        find_failing_revisions(sc, ds, &plan->points[p]);
    }
    if (plan->nvalid * spec->seeds > SWEEP_MAX_RUNS) return SWEEP_PLAN_TOO_MANY_RUNS;
    plan_jobs(plan, spec);
    if (spec->nshards)
        for (size_t j = 0; j < plan->njobs; j++)
            if (j % spec->nshards != spec->shard - 1) plan->jobs[j].state = JOB_ELSEWHERE;
    plan->record = spec->record;
    return SWEEP_PLAN_OK;
}

/* scenario_plans.c: `spec.rolloutPlans` (docs/kruise.md, "Staged rollout
 * plans"). A plan names an Advanced DaemonSet and lists canary steps as
 * Kruise Rollout's spec.strategy.canary.steps[] does; the checks are those of
 * its validating webhook (openkruise/rollouts
 * pkg/webhook/rollout/validating/rollout_create_update_handler.go,
 * validateRolloutSpecCanarySteps): at least one step, every step's replicas
 * a positive count or a percentage in (0%, 100%], and comparable replicas
 * non-decreasing from step to step. */
#include <stdio.h>
#include <string.h>

#include "loader.h"

#define PLAN_DEFAULT_INTERVAL (60 * SIM_S)
#define PLAN_DEFAULT_GRACE (300 * SIM_S)

static bool an_max_failed(YCtx *c, const YNode *n, void *dst)
{
    return yget_int_or_percent(c, n, dst);
}

static bool an_checks(YCtx *c, const YNode *n, void *dst)
{
    int64_t v;
    if (!yget_int(c, n, 1, 1000000, &v)) return false;
    *(uint32_t *)dst = (uint32_t)v;
    return true;
}

static bool step_analysis(YCtx *c, const YNode *n, void *dst)
{
    static const YField fields[] = {
        YFIELD("interval", yf_duration_pos, PlanAnalysis, interval, 0),
        YFIELD("maxFailedPods", an_max_failed, PlanAnalysis, max_failed, 0),
        YFIELD("notReadyGrace", yf_duration, PlanAnalysis, not_ready_grace, 0),
        YFIELD("checks", an_checks, PlanAnalysis, checks, 0),
    };
    PlanAnalysis *a = dst;
    *a = (PlanAnalysis){.on = true, .interval = PLAN_DEFAULT_INTERVAL,
                        .not_ready_grace = PLAN_DEFAULT_GRACE, .checks = 1};
    return ymap_walk(c, n, fields, DS_ARRAY_LEN(fields), a, 0, NULL);
}

static bool pause_duration(YCtx *c, const YNode *n, void *dst)
{
    PlanStep *st = dst;
    st->has_pause = true;
    return yget_duration(c, n, &st->pause);
}

static bool step_pause(YCtx *c, const YNode *n, void *dst)
{
    static const YField fields[] = {{"duration", pause_duration, 0, 0}};
    if (n->kind == YNODE_SCALAR) {
        yerr(c, n, "expected a mapping: pause: {duration: %s} (or pause: {} to wait for the "
                   "analysis or for approval)", n->text);
        return false;
    }
    return ymap_walk(c, n, fields, 1, dst, 0, NULL);
}

static bool step_replicas(YCtx *c, const YNode *n, void *dst)
{
    IntOrPercent *v = dst;
    if (!yget_int_or_percent(c, n, v)) return false;
    if (v->value <= 0) {
        yerr(c, n,
             "must be a positive number, or a percentage with \"0%%\" < replicas <= \"100%%\"");
        return false;
    }
    return true;
}

static bool parse_step(Loader *L, const YNode *n, const PlanStep *prev, PlanStep *out)
{
    static const YField fields[] = {
        YFIELD("replicas", step_replicas, PlanStep, replicas, YF_REQUIRED),
        {"pause", step_pause, 0, 0},
        YFIELD("analysis", step_analysis, PlanStep, analysis, 0),
    };
    const YNode *found[3];
    *out = (PlanStep){.pos = n->pos};
    if (!ymap_walk(&L->c, n, fields, 3, out, 0, found)) return false;
    if (prev && prev->replicas.is_percent == out->replicas.is_percent &&
        out->replicas.value < prev->replicas.value) {
        yerr(&L->c, found[0], "must not be less than the previous step's %d%s (steps go forward: "
                              "replicas is the total on the new revision, not an increment)",
             prev->replicas.value, prev->replicas.is_percent ? "%" : "");
        return false;
    }
    return true;
}

/* The plan drives rollingUpdate.partition: every spec of its DaemonSet must
 * be an Advanced DaemonSet. */
static bool plan_daemonset(Loader *L, const YNode *n, Sym *out)
{
    if (!loader_ds_ref(L, n, out)) return false;
    for (size_t i = 0; i < L->plans.n; i++) {
        if (L->plans.v[i].daemonset != *out) continue;
        yerr(&L->c, n, "DaemonSet \"%s\" already has a rollout plan (line %d)", n->text,
             L->plans.v[i].pos.line);
        return false;
    }
    for (size_t i = 0; i < L->specs.n; i++) {
        const DaemonSetSpec *sp = &L->specs.v[i];
        if (sp->name != *out || sp->kruise.on) continue;
        yerr(&L->c, n, "DaemonSet \"%s\" is an apps/v1 DaemonSet; a rollout plan steps "
                       "rollingUpdate.partition, which only an Advanced DaemonSet (apiVersion "
                       KRUISE_API_VERSION ") has", n->text);
        return false;
    }
    return true;
}

static bool plan_failure_threshold(YCtx *c, const YNode *n, void *dst)
{
    return yget_int_or_percent(c, n, dst);
}

static bool parse_plan(Loader *L, const YNode *n)
{
    YCtx *c = &L->c;
    enum { PF_DS, PF_STEPS, PF_THRESHOLD, PF__COUNT };
    static const YField fields[PF__COUNT] = {
        [PF_DS] = YFIELD_CALLER("daemonSet", YF_REQUIRED),
        [PF_STEPS] = YFIELD_CALLER("steps", YF_REQUIRED),
        [PF_THRESHOLD] = YFIELD("failureThreshold", plan_failure_threshold, RolloutPlanSpec,
                                failure_threshold, 0),
    };
    const YNode *f[PF__COUNT];
    RolloutPlanSpec plan = {.pos = n->pos};
    if (!ymap_walk(c, n, fields, PF__COUNT, &plan, 0, f)) return false;
    if (!plan_daemonset(L, f[PF_DS], &plan.daemonset)) return false;
    const YNode *steps = f[PF_STEPS];
    if (!yget_seq(c, steps)) return false;
    if (steps->n == 0) {
        yerr(c, steps, "must not be empty (a plan needs at least one step)");
        return false;
    }
    PlanStep *v = arena_alloc(c->out, steps->n * sizeof *v);
    for (uint32_t i = 0; i < steps->n; i++)
        if (!parse_step(L, steps->items[i], i ? &v[i - 1] : NULL, &v[i])) return false;
    plan.steps = v;
    plan.nsteps = steps->n;
    VEC_PUSH(L->plans, plan);
    return true;
}

bool plans_parse(Loader *L, const YNode *plans)
{
    if (!yget_seq(&L->c, plans)) return false;
    for (uint32_t i = 0; i < plans->n; i++)
        if (!parse_plan(L, plans->items[i])) return false;
    return true;
}

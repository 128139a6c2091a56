/* rolloutplan.c: staged rollout plans (docs/kruise.md, "Staged rollout
 * plans"), the decisions of Kruise Rollout (openkruise/rollouts) for an
 * Advanced DaemonSet:
 *  - the workload webhook (pkg/webhook/workload/mutating/
 *    workload_update_handler.go, handleDaemonSet) holds a new template back
 *    by setting rollingUpdate.partition, and the batch release's
 *    Initialize unpauses it;
 *  - the batch release (pkg/controller/batchrelease/control/partitionstyle/
 *    daemonset/control.go, CalculateBatchContext and UpgradeBatch;
 *    control/util.go CalculateBatchReplicas) sets partition = desired -
 *    ceil(step replicas), only ever lowering it, and calls a batch ready as
 *    context/context.go IsBatchReady does;
 *  - the canary steps (pkg/controller/rollout/rollout_canary.go,
 *    doCanaryPaused): a ready batch pauses for pause.duration, or without
 *    one waits for manual confirmation; a last step of "100%" does not
 *    pause; Finalize sets partition 0;
 *  - rollout_progressing.go: a newer template restarts the plan from the
 *    first step (handleContinuousRelease), the stable template back ends it
 *    (handleRollbackDirectly, then finalising with partition 0).
 * Kruise Rollout's own metrics analysis is a placeholder
 * (doCanaryMetricsAnalysis); the analysis here reads the simulated cluster
 * the way an Argo Rollouts AnalysisRun reads a metric (a measurement every
 * interval, a failure limit), and its failure aborts the plan and rolls the
 * template back to the stable revision, after which the controller replaces
 * every updated pod (partition 0).
 * The plan reacts when the DaemonSet's status is written and at its own
 * timers (pause end, analysis interval), never by polling. */
#include "daemonsim/rolloutplan.h"

#include "daemonsim/plancount.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* handleDaemonSet: partition = math.MaxInt16 until the batch release acts. */
#define WEBHOOK_PARTITION 32767

typedef enum { PLAN_IDLE, PLAN_UPGRADING, PLAN_PAUSED } PlanState;
typedef enum { TIMER_RECONCILE, TIMER_PAUSE_END, TIMER_ANALYSIS } PlanTimer;

struct PlanRun {
    const RolloutPlanSpec *spec;
    DsId ds;                    /* the DaemonSet it runs on (a name can be reused) */
    PlanState state;
    uint32_t step;              /* current step, from 0 */
    uint32_t stable;            /* revision index the plan started from */
    uint32_t gen;               /* bumped per step and at the end: cancels timers */
    int32_t partition;          /* as the plan last set it */
    bool pause_over;
    bool analysis_passed;
    uint32_t checks_passed;
    bool reconcile_pending;
    bool writing;               /* its own partition patch is being stored */
};

static PlanRun *plan_of(const Cluster *c, Sym name)
{
    for (uint32_t i = 0; i < c->nplans; i++)
        if (c->plans[i].spec->daemonset == name) return &c->plans[i];
    return NULL;
}

static uint32_t plan_index(const Cluster *c, const PlanRun *p) { return (uint32_t)(p - c->plans); }

static const PlanStep *cur_step(const PlanRun *p) { return &p->spec->steps[p->step]; }

static bool last_step(const PlanRun *p) { return p->step + 1 == p->spec->nsteps; }

static void record(Cluster *c, uint32_t step, const DaemonSet *ds, const char *what,
                   bool warning, const char *fmt, ...) DS_PRINTF(6, 7);

/* One rollout_plan_event row, and the Event Kruise Rollout's recorder would
 * write on the Rollout object (named after the DaemonSet here). */
static void record(Cluster *c, uint32_t step, const DaemonSet *ds, const char *what,
                   bool warning, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    if (c->sink.plan_event) c->sink.plan_event(c->sink.ctx, c->sim->now, ds, step, what, detail);
    if (c->sink.k8s_event)
        c->sink.k8s_event(c->sink.ctx, c->sim->now, "Rollout", strtab_str(c->strs, ds->name),
                          warning ? "Warning" : "Normal", what, detail);
}

/* CalculateBatchReplicas: the step's replicas scaled up against the
 * desired nodes, at most all of them. */
static int32_t batch_size(const PlanStep *st, int32_t desired)
{
    int32_t b = units_scale(st->replicas, desired, true);
    return b > desired ? desired : b < 0 ? 0 : b;
}

static int32_t desired_of(const DaemonSet *ds) { return (int32_t)ds->status.desired; }

/* Before the controller has counted any desired node the webhook's hold
 * stays; the next status write lowers it. */
static int32_t step_partition(const PlanRun *p, const DaemonSet *ds)
{
    int32_t d = desired_of(ds);
    return d == 0 ? WEBHOOK_PARTITION : d - batch_size(cur_step(p), d);
}

/* The spec with the plan's partition; `unpause` as Initialize and Finalize
 * also set paused false. */
static const DaemonSetSpec *with_partition(Cluster *c, const DaemonSetSpec *spec, int32_t partition,
                                           bool unpause)
{
    bool paused = spec->kruise.paused && !unpause;
    if (spec->kruise.partition == partition && spec->kruise.paused == paused) return spec;
    DaemonSetSpec *s = arena_alloc(&c->arena, sizeof *s);
    *s = *spec;
    s->kruise.partition = partition;
    s->kruise.paused = paused;
    return s;
}

/* UpgradeBatch: a merge patch of rollingUpdate.partition. */
static void patch_partition(Cluster *c, PlanRun *p, DsId id, int32_t partition, bool unpause)
{
    DaemonSet *ds = cluster_ds(c, id);
    p->partition = partition;
    const DaemonSetSpec *s = with_partition(c, ds->spec, partition, unpause);
    if (s == ds->spec) return;
    p->writing = true;
    cluster_update_ds(c, id, s);
    p->writing = false;
}

static void timer_at(Cluster *c, PlanRun *p, SimTime at, PlanTimer kind)
{
    sim_at(c->sim, at, EV_PLAN_TIMER, plan_index(c, p), p->gen, (uint16_t)kind);
}

static void plan_end(PlanRun *p)
{
    p->state = PLAN_IDLE;
    p->gen++;
}

/* A step begins: its partition (the caller stores it), its analysis clock. */
static int32_t step_begin(Cluster *c, PlanRun *p, const DaemonSet *ds, uint32_t step)
{
    p->state = PLAN_UPGRADING;
    p->step = step;
    p->gen++;
    p->pause_over = p->analysis_passed = false;
    p->checks_passed = 0;
    int32_t d = desired_of(ds), part = step_partition(p, ds);
    if (d == 0)
        record(c, p->step + 1, ds, "StepUpgrade", false, "partition %d until pods are desired",
               part);
    else
        record(c, p->step + 1, ds, "StepUpgrade", false,
               "partition %d: %d of %d desired pods on the new revision", part, d - part, d);
    const PlanAnalysis *a = &cur_step(p)->analysis;
    if (a->on) timer_at(c, p, c->sim->now + a->interval, TIMER_ANALYSIS);
    return part;
}

static void plan_complete(Cluster *c, PlanRun *p, DsId id)
{
    DaemonSet *ds = cluster_ds(c, id);
    plan_end(p);
    patch_partition(c, p, id, 0, true);
    record(c, p->step + 1, ds, "Completed", false, "all %u steps done: partition 0",
           p->spec->nsteps);
}

/* ---- the cluster as the plan reads it ------------------------------------------- */

/* What an analysis query sees failing: the pod Failed, its container in
 * CrashLoopBackOff under this revision (both counted as pods change), or
 * not Ready for `grace`: only the pods not Ready now are looked at. */
static bool not_ready_for(const Cluster *c, const Pod *p, SimTime grace)
{
    SimTime since = p->ready_since == SIM_NEVER || p->ready_since < p->created ? p->created
                                                                               : p->ready_since;
    return c->sim->now - since >= grace;
}

typedef struct {
    int32_t updated, ready, failing, crash_looping;
} PodCounts;

/* The updated pods: those of the current revision that exist and are not
 * terminating. Without a grace (SIM_NEVER) nobody fails for not being Ready. */
static PodCounts count_pods(const Cluster *c, const DaemonSet *ds, SimTime grace)
{
    uint32_t dsi = (uint32_t)(ds - c->dsets.v);
    PlanPodCounts r = plancount_of(c, (DsId){dsi}, ds->cur);
    PodCounts k = {.updated = r.pods, .ready = r.ready, .failing = r.failed + r.crash_looping,
                   .crash_looping = r.crash_looping};
    if (grace == SIM_NEVER) return k;
    const IdxSet *nr = plancount_not_ready(c);
    for (uint32_t i = 0; i < nr->n; i++) {
        const Pod *p = &c->pods.v[nr->items[i]];
        if (p->ds.i == dsi && p->rev == ds->cur && not_ready_for(c, p, grace)) k.failing++;
    }
    return k;
}

/* IsBatchReady: enough pods updated, and enough of them ready once the
 * failure threshold's allowance is counted, and at least one. */
static bool batch_ready(const Cluster *c, const PlanRun *p, const DaemonSet *ds, int32_t want,
                        PodCounts *k)
{
    if (ds->status.updated < want) return false;
    *k = count_pods(c, ds, SIM_NEVER);
    int32_t tolerated = units_scale(p->spec->failure_threshold, (int32_t)ds->status.updated, true);
    if (tolerated + k->ready < want) return false;
    return want == 0 || k->ready > 0;
}

/* ---- the plan's loop ---------------------------------------------------------------- */

static void pause_text(const PlanStep *st, char *buf, size_t n)
{
    char d[32];
    if (st->has_pause) {
        units_format_duration(st->pause, d, sizeof d);
        snprintf(buf, n, "pause %s%s", d, st->analysis.on ? " and the analysis" : "");
    } else if (st->analysis.on) {
        snprintf(buf, n, "pause until the analysis passes");
    } else {
        snprintf(buf, n, "waiting for manual approval");
    }
}

static void reconcile(Cluster *c, PlanRun *p, DsId id)
{
    DaemonSet *ds = cluster_ds(c, id);
    if (!ds->exists) {
        plan_end(p);
        return;
    }
    const PlanStep *st = cur_step(p);
    if (p->state == PLAN_UPGRADING) {
        int32_t want = batch_size(st, desired_of(ds));
        int32_t part = desired_of(ds) - want;
        if (part < p->partition) patch_partition(c, p, id, part, false);
        PodCounts k;
        if (!batch_ready(c, p, ds, want, &k)) return;
        record(c, p->step + 1, ds, "BatchReady", false, "%lld updated, %d ready, %d wanted",
               (long long)ds->status.updated, k.ready, want);
        /* doCanaryPaused: a last step of "100%" needs no pause. */
        if (last_step(p) && st->replicas.is_percent && st->replicas.value == 100) {
            plan_complete(c, p, id);
            return;
        }
        p->state = PLAN_PAUSED;
        char text[96];
        pause_text(st, text, sizeof text);
        record(c, p->step + 1, ds, "StepPaused", false, "%s", text);
        p->pause_over = st->has_pause && st->pause == 0;
        if (st->has_pause && !p->pause_over)
            timer_at(c, p, c->sim->now + st->pause, TIMER_PAUSE_END);
    }
    if (p->state != PLAN_PAUSED) return;
    bool waited = st->has_pause ? p->pause_over : st->analysis.on;
    if (!waited || (st->analysis.on && !p->analysis_passed)) return;
    if (last_step(p)) {
        plan_complete(c, p, id);
        return;
    }
    patch_partition(c, p, id, step_begin(c, p, ds, p->step + 1), false);
}

/* The analysis fails: abort, and put the stable template back (the
 * webhook then ends the plan with partition 0). */
static void abort_plan(Cluster *c, PlanRun *p, DsId id, const PodCounts *k, int32_t limit)
{
    DaemonSet *ds = cluster_ds(c, id);
    record(c, p->step + 1, ds, "AnalysisFailed", true,
           "%d of %d updated pods failing (%d CrashLoopBackOff), limit %d", k->failing, k->updated,
           k->crash_looping, limit);
    record(c, p->step + 1, ds, "Aborted", true, "rolling back to revision %lld",
           (long long)ds->revs.v[p->stable].number);
    char why[128];
    if (cluster_rollback_ds(c, id, ds->revs.v[p->stable].number, why, sizeof why)) return;
    plan_end(p);
    record(c, p->step + 1, ds, "RollbackFailed", true, "%s", why);
}

static void measure(Cluster *c, PlanRun *p, DsId id)
{
    DaemonSet *ds = cluster_ds(c, id);
    if (!ds->exists) {
        plan_end(p);
        return;
    }
    const PlanAnalysis *a = &cur_step(p)->analysis;
    PodCounts k = count_pods(c, ds, a->not_ready_grace);
    int32_t limit = units_scale(a->max_failed, k.updated, true);
    if (k.failing > limit) {
        abort_plan(c, p, id, &k, limit);
        return;
    }
    timer_at(c, p, c->sim->now + a->interval, TIMER_ANALYSIS);
    if (p->state != PLAN_PAUSED || p->analysis_passed || ++p->checks_passed < a->checks) return;
    p->analysis_passed = true;
    record(c, p->step + 1, ds, "AnalysisPassed", false,
           "%d passing measurements: %d of %d updated pods failing, limit %d", p->checks_passed,
           k.failing, k.updated, limit);
    reconcile(c, p, id);
}

static void on_timer(void *ctx, Sim *sim, const Event *ev)
{
    Cluster *c = ctx;
    (void)sim;
    PlanRun *p = &c->plans[ev->subject];
    if (ev->aux == TIMER_RECONCILE) p->reconcile_pending = false;
    if (p->state == PLAN_IDLE || (ev->aux != TIMER_RECONCILE && ev->gen != p->gen)) return;
    DsId id = p->ds;
    switch ((PlanTimer)ev->aux) {
    case TIMER_PAUSE_END: p->pause_over = true; /* fall through */
    case TIMER_RECONCILE: reconcile(c, p, id); break;
    case TIMER_ANALYSIS: measure(c, p, id); break;
    }
}

/* ---- entry points ------------------------------------------------------------------- */

const DaemonSetSpec *rolloutplan_admit(Cluster *c, DsId id, const DaemonSetSpec *spec)
{
    DaemonSet *ds = cluster_ds(c, id);
    PlanRun *p = plan_of(c, ds->name);
    if (!p || p->writing || !spec->kruise.on) return spec;
    if (p->state != PLAN_IDLE && p->ds.i != id.i) plan_end(p);     /* its DaemonSet was deleted */
    const char *from = ds->spec->template_.canonical, *to = spec->template_.canonical;
    if (from && to && !strcmp(from, to))
        return p->state == PLAN_IDLE ? spec : with_partition(c, spec, p->partition, false);
    uint32_t target = UINT32_MAX;
    for (uint32_t i = 0; i < ds->revs.n && to; i++)
        if (ds->revs.v[i].spec->template_.canonical &&
            !strcmp(ds->revs.v[i].spec->template_.canonical, to))
            target = i;
    if (p->state != PLAN_IDLE && target == p->stable) {
        plan_end(p);
        record(c, p->step + 1, ds, "RolledBack", false,
               "back to the stable revision %lld: partition 0",
               (long long)ds->revs.v[p->stable].number);
        p->partition = 0;
        return with_partition(c, spec, 0, true);
    }
    if (p->state == PLAN_IDLE) {
        p->ds = id;
        p->stable = ds->cur;
        record(c, 0, ds, "Started", false,
               "a new template; stable revision %lld; webhook partition %d",
               (long long)ds->revs.v[ds->cur].number, WEBHOOK_PARTITION);
    } else {
        record(c, p->step + 1, ds, "Restarted", false,
               "another new template during step %u; the plan starts over", p->step + 1);
    }
    p->partition = step_begin(c, p, ds, 0);
    return with_partition(c, spec, p->partition, true);
}

void rolloutplan_status_written(Cluster *c, DsId id)
{
    PlanRun *p = plan_of(c, cluster_ds(c, id)->name);
    if (!p || p->state == PLAN_IDLE || p->ds.i != id.i || p->reconcile_pending) return;
    p->reconcile_pending = true;
    timer_at(c, p, c->sim->now, TIMER_RECONCILE);
}

static const PlanRun *running_plan(const Cluster *c, const DaemonSet *ds)
{
    const PlanRun *p = plan_of(c, ds->name);
    return p && p->state != PLAN_IDLE && p->ds.i == (uint32_t)(ds - c->dsets.v) ? p : NULL;
}

bool rolloutplan_running(const Cluster *c, const DaemonSet *ds) { return running_plan(c, ds); }

bool rolloutplan_hold(const Cluster *c, const DaemonSet *ds, char *buf, size_t n)
{
    const PlanRun *p = running_plan(c, ds);
    if (!p) return false;
    char what[96];
    if (p->state == PLAN_PAUSED) pause_text(cur_step(p), what, sizeof what);
    else snprintf(what, sizeof what, "batch updating");
    snprintf(buf, n, "held by rollout plan step %u of %u (%s; partition %d)", p->step + 1,
             p->spec->nsteps, what, p->partition);
    return true;
}

void rolloutplan_install(Cluster *c, const RolloutPlanSpec *plans, uint32_t n)
{
    rolloutplan_free(c);
    c->plans = n ? xcalloc(n, sizeof *c->plans) : NULL;
    c->nplans = n;
    for (uint32_t i = 0; i < n; i++) c->plans[i].spec = &plans[i];
    if (n) plancount_start(c);
}

void rolloutplan_register(Cluster *c) { sim_on(c->sim, EV_PLAN_TIMER, on_timer, c); }

void rolloutplan_free(Cluster *c)
{
    free(c->plans);
    plancount_free(c);
    c->plans = NULL;
    c->nplans = 0;
}

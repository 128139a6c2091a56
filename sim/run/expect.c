/* expect.c: a scenario's `expect:` checks. Point checks run as events at
 * their time; `always:` invariants are checked whenever the state they speak
 * about changes; deadlines and settled-state invariants at the end. A failed
 * check names the time, the figure and the expected value. */
#include "run_int.h"

#include <stdarg.h>
#include <stdio.h>

/* The first few failures of a run are enough to see what went wrong; the
 * rest are counted and summed up in one line at the end. */
enum { EXPECT_PRINTED_MAX = 20 };

static void notify_failure(Run *r, const char *field, const char *expected, const char *actual,
                           const char *fmt, va_list ap)
{
    char msg[768];
    vsnprintf(msg, sizeof msg, fmt, ap);
    ExpectFailure f = {.t = r->sim.now, .field = field, .expected = expected, .actual = actual,
                       .message = msg};
    r->opt->on_failure(r->opt->failure_ctx, &f);
}

void expect_fail(Run *r, const char *field, const char *expected, const char *actual,
                 const char *fmt, ...)
{
    r->expect_failures++;
    if (r->opt->on_failure) {
        va_list ap;
        va_start(ap, fmt);
        notify_failure(r, field, expected, actual, fmt, ap);
        va_end(ap);
    }
    if (r->expect_failures > EXPECT_PRINTED_MAX || !r->opt->err) return;
    char when[64];
    units_format_duration(r->sim.now, when, sizeof when);
    fprintf(r->opt->err, "%s: expect failed at %s: ", r->s->path, when);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(r->opt->err, fmt, ap);
    va_end(ap);
    fputc('\n', r->opt->err);
}

static int64_t status_value(const DaemonSet *ds, StatusField f)
{
    const DsStatus *s = &ds->status;
    switch (f) {
#define X(fld, K, name) case STATUS_##K: return s->fld;
    DS_STATUS_COUNTS(X)
#undef X
    case STATUS_OBSERVED_GENERATION: return s->observed_generation;
    case STATUS__COUNT: break;
    }
    return 0;
}

static void check_status(Run *r, const Expect *e)
{
    const char *name = strtab_str(r->c.strs, e->ds_name);
    DsId id = cluster_find_ds(&r->c, e->ds_name);
    if (id.i == ID_NONE) {
        expect_fail(r, "daemonset", name, "no such daemonset", "daemonset %s does not exist (line %d)",
                    name, e->pos.line);
        return;
    }
    const DaemonSet *ds = cluster_ds(&r->c, id);
    for (int f = 0; f < STATUS__COUNT; f++) {
        if (!e->has_field[f]) continue;
        int64_t have = status_value(ds, (StatusField)f);
        if (have == e->field[f]) continue;
        char field[160], want[24], got[24];
        snprintf(field, sizeof field, "daemonset %s %s", name, status_field_name((StatusField)f));
        snprintf(want, sizeof want, "%lld", (long long)e->field[f]);
        snprintf(got, sizeof got, "%lld", (long long)have);
        expect_fail(r, field, want, got, "%s = %s, expected %s (line %d)", field, got, want, e->pos.line);
    }
}

static void check_pods_on(Run *r, const Expect *e)
{
    U32Vec nodes = {0};
    /* Node choice for a check must not consume any event's draws. */
    Rng *rng = rng_new(r->opt->seed, rng_mix(rng_key("expect"), (uint64_t)(e - r->s->expects)));
    actions_select_nodes(r, &e->nodes, rng, &nodes);
    rng_free(rng);
    DsId only = e->ds_name == SYM_NONE ? DS_NONE : cluster_find_ds(&r->c, e->ds_name);
    int64_t count = 0;
    for (size_t k = 0; k < nodes.n; k++)
        for (PodId o = r->c.nodes.v[nodes.v[k]].pods; o.i != ID_NONE; o = r->c.pods.v[o.i].next_on_node) {
            const Pod *p = &r->c.pods.v[o.i];
            if (p->deleting || (only.i != ID_NONE && p->ds.i != only.i)) continue;
            count++;
        }
    if (count != e->count) {
        char want[24], got[24];
        snprintf(want, sizeof want, "%u", e->count);
        snprintf(got, sizeof got, "%lld", (long long)count);
        expect_fail(r, "podsOn", want, got, "%lld pods on the %zu selected nodes, expected %u (line %d)",
                    (long long)count, nodes.n, e->count, e->pos.line);
    }
    VEC_FREE(nodes);
}

static void on_expect(void *ctx, Sim *sim, const Event *ev)
{
    Run *r = ctx;
    (void)sim;
    const Expect *e = &r->s->expects[ev->subject];
    r->pending_expects--;
    if (e->kind == EXPECT_STATUS) check_status(r, e);
    else if (e->kind == EXPECT_PODS_ON) check_pods_on(r, e);
    run_check_converged(r);
}

void expect_register(Run *r) { sim_on(&r->sim, EV_EXPECT, on_expect, r); }

void expect_schedule(Run *r)
{
    for (uint32_t i = 0; i < r->s->nexpects; i++) {
        const Expect *e = &r->s->expects[i];
        if (e->kind == EXPECT_ALWAYS) r->always |= e->invariants;
        if (e->kind != EXPECT_STATUS && e->kind != EXPECT_PODS_ON) continue;
        r->pending_expects++;
        sim_at(&r->sim, e->at, EV_EXPECT, i, 0, 0);
    }
}

/* ---- invariants ----------------------------------------------------------------- */

static bool has_inv(const Run *r, Invariant i) { return r->always & (1u << i); }

static bool allows_surge(const DaemonSet *ds)
{
    return ds->spec->strategy == STRATEGY_ROLLING_UPDATE && units_scale(ds->spec->max_surge, 1, true) > 0;
}

/* At most one non-terminating pod of a DaemonSet without surge per node. */
void expect_check_pod_created(Run *r, const Pod *p)
{
    if (!has_inv(r, INV_ONE_POD_PER_NODE)) return;
    const DaemonSet *ds = &r->c.dsets.v[p->ds.i];
    if (allows_surge(ds)) return;
    int n = 0;
    for (PodId o = r->c.nodes.v[p->node.i].pods; o.i != ID_NONE; o = r->c.pods.v[o.i].next_on_node) {
        const Pod *q = &r->c.pods.v[o.i];
        if (q->ds.i == p->ds.i && !q->deleting) n++;
    }
    if (n > 1) {
        char got[24];
        snprintf(got, sizeof got, "%d pods", n);
        expect_fail(r, "atMostOnePodPerNode", "at most 1 pod", got,
                    "atMostOnePodPerNode: %d pods of %s on node %s", n, strtab_str(r->c.strs, ds->name),
                    strtab_str(r->c.strs, r->c.nodes.v[p->node.i].name));
    }
}

/* During a rolling update the unavailable count may exceed maxUnavailable
 * only by what was unavailable before it began and by nodes added since
 * (§8.2: unavailable old pods are replaced outside the budget; new nodes
 * start without a pod). Surge: nodes running an old and an unavailable new
 * pod whose old pod was available count against maxSurge. */
void expect_check_always(Run *r, const DaemonSet *ds)
{
    if (!has_inv(r, INV_MAX_UNAVAILABLE) && !has_inv(r, INV_MAX_SURGE)) return;
    /* Updates only: the placement from nothing is rollout 0 unless the
     * DaemonSet was already running. */
    size_t placements = ds->revs.v[0].spec->already_running ? 0 : 1;
    if (ds->spec->strategy != STRATEGY_ROLLING_UPDATE || ds->rollouts.n <= placements) return;
    const Rollout *ro = &ds->rollouts.v[ds->rollouts.n - 1];
    if (ro->completed != SIM_NEVER) return;
    size_t di = (size_t)(ds - r->c.dsets.v);
    RunInvariantState *inv = &r->inv.v[di];
    if (inv->rollout_index != ds->rollouts.n) {
        inv->rollout_index = ds->rollouts.n;
        inv->unavailable_at_start = ro->unavailable_at_start;
        inv->desired_at_start = ds->view.desired;
    }
    int32_t desired = (int32_t)ds->view.desired;
    int64_t grown = ds->view.desired - inv->desired_at_start;
    if (grown < 0) grown = 0;
    if (has_inv(r, INV_MAX_UNAVAILABLE) && !allows_surge(ds)) {
        int64_t limit = units_scale(ds->spec->max_unavailable, desired, true);
        if (limit == 0 && desired > 0) limit = 1;
        int64_t allowed = limit + inv->unavailable_at_start + grown;
        if (ds->view.unavailable > allowed) {
            char want[32], got[24];
            snprintf(want, sizeof want, "at most %lld", (long long)allowed);
            snprintf(got, sizeof got, "%lld", (long long)ds->view.unavailable);
            expect_fail(r, "maxUnavailableRespected", want, got,
                        "maxUnavailableRespected: %s has %lld unavailable, allowed %lld",
                        strtab_str(r->c.strs, ds->name), (long long)ds->view.unavailable,
                        (long long)allowed);
        }
    }
    if (has_inv(r, INV_MAX_SURGE) && allows_surge(ds)) {
        int64_t limit = units_scale(ds->spec->max_surge, desired, true);
        if ((int64_t)ds->surge_budgeted > limit) {
            char want[32], got[24];
            snprintf(want, sizeof want, "at most %lld", (long long)limit);
            snprintf(got, sizeof got, "%u", ds->surge_budgeted);
            expect_fail(r, "maxSurgeRespected", want, got,
                        "maxSurgeRespected: %s surges on %u nodes, maxSurge %lld",
                        strtab_str(r->c.strs, ds->name), ds->surge_budgeted, (long long)limit);
        }
    }
}

static void check_settled(Run *r)
{
    Cluster *c = &r->c;
    for (size_t i = 0; i < c->pods.n; i++) {
        const Pod *p = &c->pods.v[i];
        if (!p->exists || p->deleting) continue;
        const Node *n = &c->nodes.v[p->node.i];
        const DaemonSet *ds = &c->dsets.v[p->ds.i];
        if (n->exists && ds->exists && (dsctl_eligibility(c, ds, n, n->name) & ELIG_CONTINUE)) continue;
        expect_fail(r, "noPodOnIneligibleNode", "no pod on an ineligible node", strtab_str(c->strs, n->name),
                    "noPodOnIneligibleNode: pod %s of %s on node %s", strtab_str(c->strs, p->name),
                    strtab_str(c->strs, ds->name), strtab_str(c->strs, n->name));
        return;
    }
}

void expect_finish(Run *r)
{
    for (uint32_t i = 0; i < r->s->nexpects; i++) {
        const Expect *e = &r->s->expects[i];
        if (e->kind != EXPECT_ROLLOUT_WITHIN) continue;
        const char *name = strtab_str(r->c.strs, e->ds_name);
        DsId id = cluster_find_ds(&r->c, e->ds_name);
        if (id.i == ID_NONE) {
            expect_fail(r, "rolloutCompleteWithin", name, "no such daemonset",
                        "rolloutCompleteWithin: daemonset %s does not exist (line %d)", name, e->pos.line);
            continue;
        }
        const DaemonSet *ds = cluster_ds(&r->c, id);
        if (ds->rollouts.n == 0) {
            expect_fail(r, "rolloutCompleteWithin", name, "no rollout",
                        "rolloutCompleteWithin: daemonset %s was already running and had no "
                        "rollout (line %d)", name, e->pos.line);
            continue;
        }
        const Rollout *ro = &ds->rollouts.v[ds->rollouts.n - 1];
        char want[64], took[64], within[72];
        units_format_duration(e->within, want, sizeof want);
        snprintf(within, sizeof within, "within %s", want);
        if (ro->completed == SIM_NEVER) {
            expect_fail(r, "rolloutCompleteWithin", within, "did not complete",
                        "rolloutCompleteWithin: rollout of %s revision %lld did not complete, expected within %s (line %d)",
                        name, (long long)ro->revision, want, e->pos.line);
        } else if (ro->completed - ro->started > e->within) {
            units_format_duration(ro->completed - ro->started, took, sizeof took);
            expect_fail(r, "rolloutCompleteWithin", within, took,
                        "rolloutCompleteWithin: rollout of %s revision %lld took %s, expected within %s (line %d)",
                        name, (long long)ro->revision, took, want, e->pos.line);
        }
    }
    if (has_inv(r, INV_NO_POD_ON_INELIGIBLE) && r->converged) check_settled(r);
    if (has_inv(r, INV_STATUS_CONSISTENT)) {
        char why[512];
        if (!dsctl_check(&r->c, why, sizeof why)) expect_fail(r, "statusConsistent", "status matches the pods", why, "statusConsistent: %s", why);
    }
    if (r->expect_failures > EXPECT_PRINTED_MAX && r->opt->err)
        fprintf(r->opt->err, "%s: and %u more expectation failures\n", r->s->path,
                r->expect_failures - EXPECT_PRINTED_MAX);
}

/* dsctl_update.c: which pods a rolling update replaces (docs/behaviour.md
 * §8; upstream pkg/controller/daemon/update.go, rollingUpdate). It reads the
 * rolling-update classes dsctl.c keeps per node and fills the cluster's
 * plan_create / plan_delete / plan_update lists, which syncNodes then sends. */
#include "dsctl_state.h"

#include "daemonsim/kruise.h"

#include <stdlib.h>
#include <string.h>

static int node_name_cmp(const void *ctx, uint32_t a, uint32_t b)
{
    const Cluster *c = ctx;
    return strcmp(strtab_str(c->strs, c->nodes.v[a].name), strtab_str(c->strs, c->nodes.v[b].name));
}

/* Appends k nodes of a ∪ b to `out`: uniformly at random (upstream walks a Go
 * map, whose order is random), or by node name when the scenario asks for
 * readable runs. Random picks are a partial Fisher-Yates over the two sets. */
static void pick_nodes(Cluster *c, IdxSet *a, IdxSet *b, uint32_t k, U32Vec *out)
{
    if (k == 0) return;
    if (c->cp.candidate_order_by_name) {
        c->scratch.n = 0;
        for (uint32_t i = 0; i < a->n; i++) VEC_PUSH(c->scratch, a->items[i]);
        for (uint32_t i = 0; i < b->n; i++) VEC_PUSH(c->scratch, b->items[i]);
        ids_sort(c->scratch.v, c->scratch.n, node_name_cmp, c);
        for (uint32_t i = 0; i < k && i < c->scratch.n; i++) VEC_PUSH(*out, c->scratch.v[i]);
        return;
    }
    uint32_t ia = 0, ib = 0;
    for (uint32_t picked = 0; picked < k; picked++) {
        uint32_t left_a = a->n - ia, left_b = b->n - ib;
        if (left_a + left_b == 0) break;
        uint32_t j = rng_below(c->rng[RS_CANDIDATES], left_a + left_b);
        if (j < left_a) {
            idxset_swap(a, ia, ia + j);
            VEC_PUSH(*out, a->items[ia++]);
        } else {
            idxset_swap(b, ib, ib + (j - left_a));
            VEC_PUSH(*out, b->items[ib++]);
        }
    }
}

/* The non-terminating pod on a node that is (or is not) on the current revision. */
static uint32_t node_pod(const Cluster *c, const DaemonSet *ds, uint32_t ni, bool updated)
{
    for (PodId id = ds->ctl->nodes[ni].pods; id.i != ID_NONE; id = c->pods.v[id.i].seen_next) {
        const Pod *p = &c->pods.v[id.i];
        if (!p->seen.deleting && (p->rev == ds->cur) == updated) return id.i;
    }
    return ID_NONE;
}

/* Appends the old pods of `nodes` to the deletions. syncNodes sends at most
 * burstReplicas of them, in list order, so the pods past that are never
 * looked up (at 10% of a million nodes that look-up was a fifth of the run). */
static void plan_old_pods(Cluster *c, const DaemonSet *ds, const U32Vec *nodes)
{
    for (size_t i = 0; i < nodes->n && c->plan_delete.n < c->cp.burst_replicas; i++) {
        uint32_t p = node_pod(c, ds, nodes->v[i], false);
        if (p != ID_NONE) VEC_PUSH(c->plan_delete, p);
    }
}

/* maxSurge == 0 (§8.2): replace unavailable old pods regardless, then as
 * many available ones as the unavailability budget leaves. */
static void rolling_update_unavailable(Cluster *c, DaemonSet *ds, int32_t max_unavailable)
{
    const uint32_t *cc = ds->ctl->class_count;
    int64_t unavailable = cc[RC_NOT_OK] + cc[RC_EMPTY] + cc[RC_BOTH_NEW_UNAVAIL] +
                          cc[RC_BOTH_NEW_AVAIL] + cc[RC_NEW_UNAVAIL] + cc[RC_OLD_UNAVAIL];
    U32Vec *nodes = &c->scratch;
    nodes->n = 0;
    for (uint32_t i = 0; i < ds->ctl->old_unavail_run.n; i++) VEC_PUSH(*nodes, ds->ctl->old_unavail_run.items[i]);
    for (uint32_t i = 0; i < ds->ctl->old_unavail_norun.n; i++) VEC_PUSH(*nodes, ds->ctl->old_unavail_norun.items[i]);
    plan_old_pods(c, ds, nodes);
    int64_t remaining = max_unavailable - unavailable;
    int64_t candidates = cc[RC_OLD_AVAIL];
    if (remaining > candidates) remaining = candidates;
    if (remaining <= 0) return;
    U32Vec picked = {0};
    pick_nodes(c, &ds->ctl->old_avail_run, &ds->ctl->old_avail_norun, (uint32_t)remaining, &picked);
    plan_old_pods(c, ds, &picked);
    VEC_FREE(picked);
}

/* maxSurge > 0 (§8.3): start new pods next to old ones within the surge
 * budget; old pods go once their replacement is available. */
static bool rolling_update_surge(Cluster *c, DaemonSet *ds, int32_t max_surge)
{
    const uint32_t *cc = ds->ctl->class_count;
    /* Upstream looks every such node up and fails the sync when one is gone. */
    if (ds->ctl->old_on_gone > 0) return false;
    int64_t surging = cc[RC_NOT_OK] + cc[RC_BOTH_NEW_UNAVAIL];
    int64_t available = cc[RC_OLD_AVAIL] + ds->ctl->old_avail_in_both + cc[RC_NEW_AVAIL];
    for (uint32_t i = 0; i < ds->ctl->old_unavail_norun.n; i++) {
        uint32_t p = node_pod(c, ds, ds->ctl->old_unavail_norun.items[i], false);
        if (p != ID_NONE) VEC_PUSH(c->plan_delete, p);
    }
    for (uint32_t i = 0; i < ds->ctl->both_new_avail.n; i++) {
        uint32_t p = node_pod(c, ds, ds->ctl->both_new_avail.items[i], false);
        if (p != ID_NONE) VEC_PUSH(c->plan_delete, p);
    }
    int64_t deletable = available - ds->view.desired;
    if (deletable > 0) {
        U32Vec picked = {0};
        IdxSet none = {0};
        uint32_t k = (uint32_t)DS_MIN(deletable, (int64_t)ds->ctl->old_avail_norun.n);
        pick_nodes(c, &ds->ctl->old_avail_norun, &none, k, &picked);
        plan_old_pods(c, ds, &picked);
        VEC_FREE(picked);
    }
    for (uint32_t i = 0; i < ds->ctl->old_unavail_run.n; i++) VEC_PUSH(c->plan_create, ds->ctl->old_unavail_run.items[i]);
    int64_t remaining = max_surge - surging;
    if (remaining > (int64_t)ds->ctl->old_avail_run.n) remaining = ds->ctl->old_avail_run.n;
    if (remaining > 0) {
        IdxSet none = {0};
        pick_nodes(c, &ds->ctl->old_avail_run, &none, (uint32_t)remaining, &c->plan_create);
    }
    return true;
}

DsNodeCounts dsctl_node_counts(const DaemonSet *ds)
{
    DsNodeCounts n = {.desired = (int32_t)ds->view.desired};
    n.max_surge = units_scale(ds->spec->max_surge, n.desired, true);
    n.max_unavailable = units_scale(ds->spec->max_unavailable, n.desired, true);
    /* Both zero only gets past validation with percentages of a small count. */
    if (n.desired > 0 && n.max_surge == 0 && n.max_unavailable == 0) n.max_unavailable = 1;
    /* A desired node is "current" exactly when some pod is mapped to it. */
    n.empty = (int32_t)(ds->view.desired - ds->view.current);
    return n;
}

bool dsctl_plan_rolling_update(Cluster *c, DaemonSet *ds)
{
    DsNodeCounts n = dsctl_node_counts(ds);
    c->plan_create.n = c->plan_delete.n = c->plan_update.n = 0;
    if (ds->spec->kruise.on) kruise_plan_rolling_update(c, ds, n.max_surge, n.max_unavailable);
    else if (n.max_surge == 0) rolling_update_unavailable(c, ds, n.max_unavailable);
    else return rolling_update_surge(c, ds, n.max_surge);
    return true;
}

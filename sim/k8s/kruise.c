/* kruise.c: the rolling-update decisions of OpenKruise's Advanced DaemonSet
 * (apps.kruise.io/v1alpha1), as its controller takes them in
 * pkg/controller/daemonset/daemonset_update.go of openkruise/kruise at commit
 * 0defdbd3fc45 (rollingUpdate, filterDaemonPodsNodeToUpdate). It replaces the
 * upstream rollingUpdate step of a sync; manage, status and history stay the
 * upstream ones, as they do in Kruise. */
#include "dsctl_state.h"
#include "daemonsim/kruise.h"
#include "daemonsim/rng.h"
#include <string.h>

static int name_cmp_desc(const void *ctx, uint32_t a, uint32_t b)
{
    const Cluster *c = ctx;
    return strcmp(strtab_str(c->strs, c->nodes.v[b].name), strtab_str(c->strs, c->nodes.v[a].name));
}

static int name_cmp_asc(const void *ctx, uint32_t a, uint32_t b)
{
    return name_cmp_desc(ctx, b, a);
}

static bool has_new_pod(uint8_t cls)
{
    return cls == RC_NOT_OK || cls == RC_NEW_AVAIL || cls == RC_NEW_UNAVAIL ||
           cls == RC_BOTH_NEW_AVAIL || cls == RC_BOTH_NEW_UNAVAIL;
}

/* filterDaemonPodsNodeToUpdate: the nodes the update may touch, in the
 * controller's order: by name from the last, nodes already updated first,
 * then nodes with no pod, then those with an old pod (only the ones matching
 * rollingUpdate.selector when it is set); `partition` nodes are left out. */
static void filter_nodes(Cluster *c, const DaemonSet *ds, U32Vec *out)
{
    const KruiseStrategy *k = &ds->spec->kruise;
    U32Vec all = {0}, updating = {0}, old = {0};
    for (uint32_t ni = 0; ni < c->nodes.n; ni++) {
        const DsNode *dn = &ds->ctl->nodes[ni];
        /* Only nodes the controller lists: filterDaemonPodsToUpdate drops the rest. */
        if (dn->cls == RC_NONE || !(dn->elig & ELIG_NODE_SEEN)) continue;
        VEC_PUSH(all, ni);
    }
    ids_sort(all.v, all.n, name_cmp_desc, c);
    for (size_t i = 0; i < all.n; i++) {
        uint32_t ni = all.v[i];
        const Node *n = &c->nodes.v[ni];
        uint8_t cls = ds->ctl->nodes[ni].cls;
        if (has_new_pod(cls)) VEC_PUSH(*out, ni);
        else if (cls == RC_EMPTY) VEC_PUSH(updating, ni);
        else if (!k->has_selector || selector_matches(&k->selector, n->labels, n->nlabels, c->strs))
            VEC_PUSH(old, ni);
    }
    for (size_t i = 0; i < updating.n; i++) VEC_PUSH(*out, updating.v[i]);
    for (size_t i = 0; i < old.n; i++) VEC_PUSH(*out, old.v[i]);
    int64_t max_update = (int64_t)all.n - k->partition;
    if (max_update < 0) max_update = 0;
    if ((int64_t)out->n > max_update) out->n = (size_t)max_update;
    VEC_FREE(all);
    VEC_FREE(updating);
    VEC_FREE(old);
}

/* The non-terminating pod on a node that is not on the current revision. */
static uint32_t old_pod(const Cluster *c, const DaemonSet *ds, uint32_t ni)
{
    for (PodId id = ds->ctl->nodes[ni].pods; id.i != ID_NONE; id = c->pods.v[id.i].seen_next) {
        const Pod *p = &c->pods.v[id.i];
        if (!p->seen.deleting && p->rev != ds->cur) return id.i;
    }
    return ID_NONE;
}

/* The first k candidates in the order the controller meets them: a Go map's
 * random order, or by node name when the scenario asks for readable runs. */
static void take_candidates(Cluster *c, U32Vec *cand, int64_t k)
{
    if (k > (int64_t)cand->n) k = (int64_t)cand->n;
    if (k < 0) k = 0;
    if (c->cp.candidate_order_by_name) {
        ids_sort(cand->v, cand->n, name_cmp_asc, c);
    } else {
        for (size_t i = 0; i < (size_t)k; i++) {
            size_t j = i + rng_below(c->rng[RS_CANDIDATES], (uint32_t)(cand->n - i));
            uint32_t t = cand->v[i];
            cand->v[i] = cand->v[j];
            cand->v[j] = t;
        }
    }
    cand->n = (size_t)k;
}

/* maxSurge == 0: replace unavailable old pods, then available ones while the
 * unavailable count among the filtered nodes stays within maxUnavailable. */
static void plan_unavailable(Cluster *c, const DaemonSet *ds, const U32Vec *nodes, int32_t max_unavailable)
{
    int64_t unavailable = 0;
    U32Vec cand = {0};
    for (size_t i = 0; i < nodes->n; i++) {
        uint32_t ni = nodes->v[i];
        switch (ds->ctl->nodes[ni].cls) {
        case RC_NEW_AVAIL: break;
        case RC_OLD_UNAVAIL: VEC_PUSH(c->plan_delete, old_pod(c, ds, ni)); break;
        case RC_OLD_AVAIL: VEC_PUSH(cand, ni); break;
        default: unavailable++; break;     /* not ok, empty, both, new unavailable */
        }
    }
    take_candidates(c, &cand, max_unavailable - unavailable);
    for (size_t i = 0; i < cand.n; i++) VEC_PUSH(c->plan_delete, old_pod(c, ds, cand.v[i]));
    VEC_FREE(cand);
}

/* maxSurge > 0: a new pod next to every unavailable old one and next to up to
 * maxSurge available ones; an old pod goes once its new neighbour is available. */
static void plan_surge(Cluster *c, const DaemonSet *ds, const U32Vec *nodes, int32_t max_surge)
{
    int64_t surging = 0;
    U32Vec cand = {0};
    for (size_t i = 0; i < nodes->n; i++) {
        uint32_t ni = nodes->v[i];
        switch (ds->ctl->nodes[ni].cls) {
        case RC_NOT_OK: case RC_BOTH_NEW_UNAVAIL: surging++; break;
        case RC_OLD_UNAVAIL: VEC_PUSH(c->plan_create, ni); break;
        case RC_OLD_AVAIL: VEC_PUSH(cand, ni); break;
        case RC_BOTH_NEW_AVAIL: VEC_PUSH(c->plan_delete, old_pod(c, ds, ni)); break;
        default: break;
        }
    }
    take_candidates(c, &cand, max_surge - surging);
    for (size_t i = 0; i < cand.n; i++) VEC_PUSH(c->plan_create, cand.v[i]);
    VEC_FREE(cand);
}

void kruise_plan_rolling_update(Cluster *c, DaemonSet *ds, int32_t max_surge, int32_t max_unavailable)
{
    /* syncDaemonSet skips rollingUpdate while paused (isDaemonSetPaused). */
    if (ds->spec->kruise.paused) return;
    U32Vec nodes = {0};
    filter_nodes(c, ds, &nodes);
    if (max_surge == 0) plan_unavailable(c, ds, &nodes, max_unavailable);
    else plan_surge(c, ds, &nodes, max_surge);
    VEC_FREE(nodes);
}

/* kruise.c: the rolling-update decisions of OpenKruise's Advanced DaemonSet
 * (apps.kruise.io/v1alpha1), as its controller takes them in
 * pkg/controller/daemonset/daemonset_update.go of openkruise/kruise at commit
 * 0defdbd3fc45 (rollingUpdate, filterDaemonPodsNodeToUpdate). It replaces the
 * upstream rollingUpdate step of a sync; manage, status and history stay the
 * upstream ones, as they do in Kruise. */
#include "dsctl_state.h"
#include "kruise_index.h"
#include "daemonsim/kruise.h"
#include "daemonsim/kubelet.h"
#include "daemonsim/recorder.h"
#include "daemonsim/rng.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int name_cmp_asc(const void *ctx, uint32_t a, uint32_t b)
{
    const Cluster *c = ctx;
    return strcmp(strtab_str(c->strs, c->nodes.v[a].name), strtab_str(c->strs, c->nodes.v[b].name));
}

static bool has_new_pod(uint8_t cls)
{
    return cls == RC_NOT_OK || cls == RC_NEW_AVAIL || cls == RC_NEW_UNAVAIL ||
           cls == RC_BOTH_NEW_AVAIL || cls == RC_BOTH_NEW_UNAVAIL;
}

/* filterDaemonPodsNodeToUpdate: the nodes the update may touch, in the
 * controller's order: by name from the last, nodes already updated first,
 * then nodes with no pod, then those with an old pod (only the ones matching
 * rollingUpdate.selector when it is set); `partition` nodes are left out.
 * The walk follows the kept name order (kruise_index.c): no sort per sync. */
static const U32Vec *filter_nodes(Cluster *c, const DaemonSet *ds)
{
    const KruiseStrategy *k = &ds->spec->kruise;
    const U32Vec *order = kruise_nodes_by_name(c);
    U32Vec *out = &c->kruise.filtered, *updating = &c->kruise.empty, *old = &c->kruise.old;
    out->n = updating->n = old->n = 0;
    size_t listed = 0;
    for (size_t i = 0; i < order->n; i++) {
        uint32_t ni = order->v[i];
        const DsNode *dn = &ds->ctl->nodes[ni];
        /* Only nodes the controller lists: filterDaemonPodsToUpdate drops the rest. */
        if (dn->cls == RC_NONE || !(dn->elig & ELIG_NODE_SEEN)) continue;
        listed++;
        const Node *n = &c->nodes.v[ni];
        if (has_new_pod(dn->cls)) VEC_PUSH(*out, ni);
        else if (dn->cls == RC_EMPTY) VEC_PUSH(*updating, ni);
        else if (!k->has_selector || selector_matches(&k->selector, n->labels, n->nlabels, c->strs))
            VEC_PUSH(*old, ni);
    }
    int64_t max_update = (int64_t)listed - k->partition;
    if (max_update < 0) max_update = 0;
    for (size_t i = 0; i < updating->n && (int64_t)out->n < max_update; i++) VEC_PUSH(*out, updating->v[i]);
    for (size_t i = 0; i < old->n && (int64_t)out->n < max_update; i++) VEC_PUSH(*out, old->v[i]);
    if ((int64_t)out->n > max_update) out->n = (size_t)max_update;
    return out;
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

/* maxSurge == 0, the walk: counts the unavailable nodes among the filtered
 * ones, lists the unavailable old pods to delete and the available old ones
 * (candidates), in the filtered order. */
static int64_t collect_unavailable(Cluster *c, const DaemonSet *ds, const U32Vec *nodes, U32Vec *deletes,
                                   U32Vec *cand)
{
    int64_t unavailable = 0;
    for (size_t i = 0; i < nodes->n; i++) {
        uint32_t ni = nodes->v[i];
        uint8_t cls = ds->ctl->nodes[ni].cls;
        /* Every other class counts as unavailable, patched or not: no need
         * to look at its pods. */
        if (cls != RC_NEW_AVAIL && cls != RC_OLD_UNAVAIL && cls != RC_OLD_AVAIL) {
            unavailable++;
            continue;
        }
        /* A pod whose in-place patch is queued or not yet observed is being
         * updated: update expectations keep it out; it counts as unavailable. */
        if (ds->ctl->patches_pending) {
            uint32_t op = old_pod(c, ds, ni), np = ds->ctl->nodes[ni].pods.i;
            if ((op != ID_NONE && c->pods.v[op].patch_pending) ||
                (np != ID_NONE && c->pods.v[np].patch_pending)) {
                unavailable++;
                continue;
            }
        }
        if (cls == RC_OLD_UNAVAIL) VEC_PUSH(*deletes, old_pod(c, ds, ni));
        else if (cls == RC_OLD_AVAIL) VEC_PUSH(*cand, ni);
    }
    return unavailable;
}

/* maxSurge == 0: replace unavailable old pods, then available ones while the
 * unavailable count among the filtered nodes stays within maxUnavailable. */
static void plan_unavailable(Cluster *c, const DaemonSet *ds, const U32Vec *nodes, int32_t max_unavailable)
{
    U32Vec *cand = &c->kruise.cand;
    cand->n = 0;
    int64_t unavailable = collect_unavailable(c, ds, nodes, &c->plan_delete, cand);
    take_candidates(c, cand, max_unavailable - unavailable);
    for (size_t i = 0; i < cand->n; i++) VEC_PUSH(c->plan_delete, old_pod(c, ds, cand->v[i]));
}

/* The candidate at place i of the (virtually shuffled) candidate list: the
 * i-th available old node in name order unless a pick swapped another in. */
static uint32_t candidate_at(Cluster *c, const KruiseIndex *x, uint32_t i)
{
    uint32_t swapped = c->kruise.picked.v[i];
    if (swapped) return swapped - 1;
    return c->kruise.by_name.v[kruise_index_kth(x, KC_BIT(KC_OLD_AVAIL), i + 1)];
}

/* --check: the walk must find what the index found. */
static void check_indexed(Cluster *c, const DaemonSet *ds, const KruiseIndex *x, int64_t unavailable,
                          size_t deletes_from, uint32_t ncand)
{
    U32Vec deletes = {0}, cand = {0};
    int64_t want = collect_unavailable(c, ds, filter_nodes(c, ds), &deletes, &cand);
    bool same = want == unavailable && deletes.n == c->plan_delete.n - deletes_from && cand.n == ncand;
    for (size_t i = 0; same && i < deletes.n; i++) same = deletes.v[i] == c->plan_delete.v[deletes_from + i];
    for (uint32_t i = 0; same && i < ncand; i++)
        same = cand.v[i] == c->kruise.by_name.v[kruise_index_kth(x, KC_BIT(KC_OLD_AVAIL), i + 1)];
    if (!same) {
        fprintf(stderr, "daemonsim: check failed at t=%.9fs: %s: the Kruise node index disagrees with the walk "
                        "(unavailable %lld/%lld, deletes %zu/%zu, candidates %u/%zu)\n",
                sim_to_seconds(c->sim->now), strtab_str(c->strs, ds->name), (long long)unavailable,
                (long long)want, c->plan_delete.n - deletes_from, deletes.n, ncand, cand.n);
        abort();
    }
    VEC_FREE(deletes);
    VEC_FREE(cand);
}

/* plan_unavailable without the walk, for the usual case: no rollingUpdate
 * selector, no in-place patch pending and candidates in random order, where a
 * node's category is all the decision needs. The filtered list is nodes with
 * a new pod, then empty ones, then old ones, cut to nodes - partition: the
 * index gives how far the cut reaches into each part, the unavailable count
 * inside it, the unavailable old nodes (deleted, in order) and the k-th
 * available one for the same partial Fisher-Yates as take_candidates. */
static bool plan_unavailable_indexed(Cluster *c, const DaemonSet *ds, int32_t max_unavailable)
{
    const KruiseStrategy *k = &ds->spec->kruise;
    if (k->has_selector || ds->ctl->patches_pending || c->cp.candidate_order_by_name) return false;
    const KruiseIndex *x = kruise_index_get(c, ds);
    unsigned newer = KC_BIT(KC_NEW_AVAIL) | KC_BIT(KC_NEW_OTHER);
    unsigned older = KC_BIT(KC_OLD_AVAIL) | KC_BIT(KC_OLD_UNAVAIL);
    uint32_t n_new = kruise_index_count(x, newer), n_empty = kruise_index_count(x, KC_BIT(KC_EMPTY));
    uint32_t n_old = kruise_index_count(x, older);
    int64_t left = (int64_t)n_new + n_empty + n_old - k->partition;
    if (left < 0) left = 0;
    uint32_t t = left < n_new ? (uint32_t)left : n_new;
    int64_t unavailable = t == n_new ? kruise_index_count(x, KC_BIT(KC_NEW_OTHER))
                          : t == 0   ? 0
                                     : kruise_index_prefix(x, KC_BIT(KC_NEW_OTHER), kruise_index_kth(x, newer, t) + 1);
    left -= t;
    t = left < n_empty ? (uint32_t)left : n_empty;
    unavailable += t;
    left -= t;
    t = left < n_old ? (uint32_t)left : n_old;
    uint32_t end = t == n_old ? (uint32_t)c->kruise.by_name.n : t == 0 ? 0 : kruise_index_kth(x, older, t) + 1;
    size_t deletes_from = c->plan_delete.n;
    uint32_t n_unavail = kruise_index_prefix(x, KC_BIT(KC_OLD_UNAVAIL), end);
    for (uint32_t i = 1; i <= n_unavail; i++) {
        uint32_t ni = c->kruise.by_name.v[kruise_index_kth(x, KC_BIT(KC_OLD_UNAVAIL), i)];
        VEC_PUSH(c->plan_delete, old_pod(c, ds, ni));
    }
    uint32_t ncand = kruise_index_prefix(x, KC_BIT(KC_OLD_AVAIL), end);
    if (c->check) check_indexed(c, ds, x, unavailable, deletes_from, ncand);
    int64_t want = max_unavailable - unavailable;
    if (want > ncand) want = ncand;
    U32Vec *picked = &c->kruise.picked, *touched = &c->kruise.touched;
    if (picked->n < ncand) {
        VEC_RESERVE(*picked, ncand);
        memset(picked->v + picked->n, 0, (ncand - picked->n) * sizeof *picked->v);
        picked->n = ncand;
    }
    touched->n = 0;
    for (uint32_t i = 0; (int64_t)i < want; i++) {
        uint32_t j = i + rng_below(c->rng[RS_CANDIDATES], ncand - i);
        uint32_t at_j = candidate_at(c, x, j);
        if (j != i) {
            picked->v[j] = candidate_at(c, x, i) + 1;
            VEC_PUSH(*touched, j);
        }
        VEC_PUSH(c->plan_delete, old_pod(c, ds, at_j));
    }
    for (size_t i = 0; i < touched->n; i++) picked->v[touched->v[i]] = 0;
    return true;
}

/* maxSurge > 0: a new pod next to every unavailable old one and next to up to
 * maxSurge available ones; an old pod goes once its new neighbour is available. */
static void plan_surge(Cluster *c, const DaemonSet *ds, const U32Vec *nodes, int32_t max_surge)
{
    int64_t surging = 0;
    U32Vec *cand = &c->kruise.cand;
    cand->n = 0;
    for (size_t i = 0; i < nodes->n; i++) {
        uint32_t ni = nodes->v[i];
        switch (ds->ctl->nodes[ni].cls) {
        case RC_NOT_OK: case RC_BOTH_NEW_UNAVAIL: surging++; break;
        case RC_OLD_UNAVAIL: VEC_PUSH(c->plan_create, ni); break;
        case RC_OLD_AVAIL: VEC_PUSH(*cand, ni); break;
        case RC_BOTH_NEW_AVAIL: VEC_PUSH(c->plan_delete, old_pod(c, ds, ni)); break;
        default: break;
        }
    }
    take_candidates(c, cand, max_surge - surging);
    for (size_t i = 0; i < cand->n; i++) VEC_PUSH(c->plan_create, cand->v[i]);
}

/* canPodInPlaceUpdate: the pod's revision and the current one differ only in
 * container images. */
static bool can_update_in_place(const DaemonSet *ds, const Pod *p)
{
    const PodTemplate *from = &ds->revs.v[p->rev].spec->template_;
    const PodTemplate *to = &ds->spec->template_;
    return !strcmp(from->canonical_sans_images, to->canonical_sans_images);
}

/* inPlaceUpdatePods: every pod picked for replacement that can be updated
 * in place gets one update call instead of a delete (at most burstReplicas
 * of them; the rest wait for a later sync, neither updated nor deleted);
 * the others are deleted. The controller sends the calls (dsctl.c). */
static void update_in_place(Cluster *c, DaemonSet *ds)
{
    size_t keep = 0;
    for (size_t i = 0; i < c->plan_delete.n; i++) {
        uint32_t pi = c->plan_delete.v[i];
        if (!can_update_in_place(ds, &c->pods.v[pi])) c->plan_delete.v[keep++] = pi;
        else if (c->plan_update.n < c->cp.burst_replicas) VEC_PUSH(c->plan_update, pi);
    }
    c->plan_delete.n = keep;
}

/* ---- image pre-download (daemonset_predownload_image.go) ------------------------- */

static void prepull_start(Cluster *c, DaemonSet *ds, uint32_t dsi)
{
    Prepull *pp = &ds->prepull;
    while (pp->next < pp->queue.n && pp->running < (uint32_t)ds->spec->kruise.predownload_parallelism) {
        uint32_t ni = pp->queue.v[pp->next++];
        const Node *n = &c->nodes.v[ni];
        const Timing *t = ds->spec->template_.timing ? ds->spec->template_.timing
                          : n->timing                ? n->timing
                                                     : &c->timing;
        pp->running++;
        sim_after(c->sim, cluster_draw(c, RS_PREPULL, &t->image_pull), EV_PREPULL_DONE, ni, pp->rev,
                  (uint16_t)dsi);
    }
}

/* createImagePullJobsForInPlaceUpdate: once per new revision, unless every pod
 * would update in one batch (partition 0 and maxUnavailable >= desired), an
 * ImagePullJob pulls the new image on the nodes running older pods,
 * `parallelism` nodes at a time. */
static void prepull_decide(Cluster *c, DaemonSet *ds, int32_t max_unavailable)
{
    const KruiseStrategy *k = &ds->spec->kruise;
    Prepull *pp = &ds->prepull;
    if (k->predownload_parallelism == 0 || k->type != KRUISE_IN_PLACE_IF_POSSIBLE) return;
    if (pp->rev == ds->cur + 1 || ds->view.desired == 0) return;
    pp->rev = ds->cur + 1;
    pp->queue.n = pp->next = 0;
    pp->running = 0;
    if (k->partition == 0 && max_unavailable >= ds->view.desired) return;
    for (uint32_t ni = 0; ni < c->nodes.n; ni++) {
        uint8_t cls = ds->ctl->nodes[ni].cls;
        if (cls == RC_OLD_AVAIL || cls == RC_OLD_UNAVAIL) VEC_PUSH(pp->queue, ni);
    }
    ids_sort(pp->queue.v, pp->queue.n, name_cmp_asc, c);
    prepull_start(c, ds, (uint32_t)(ds - c->dsets.v));
}

static void on_prepull_done(void *ctx, Sim *sim, const Event *ev)
{
    Cluster *c = ctx;
    (void)sim;
    DaemonSet *ds = &c->dsets.v[ev->aux];
    Prepull *pp = &ds->prepull;
    if (pp->rev != ev->gen) return;     /* a job for a revision since replaced */
    while (pp->pulled.n <= ev->subject) VEC_PUSH(pp->pulled, 0);
    pp->pulled.v[ev->subject] = ev->gen;
    pp->running--;
    prepull_start(c, ds, ev->aux);
}

bool kruise_image_present(const Cluster *c, const DaemonSet *ds, uint32_t node)
{
    (void)c;
    return node < ds->prepull.pulled.n && ds->prepull.pulled.v[node] == ds->cur + 1;
}

void kruise_plan_rolling_update(Cluster *c, DaemonSet *ds, int32_t max_surge, int32_t max_unavailable)
{
    prepull_decide(c, ds, max_unavailable);
    /* syncDaemonSet skips rollingUpdate while paused (isDaemonSetPaused). */
    if (ds->spec->kruise.paused) return;
    if (max_surge == 0) {
        if (!plan_unavailable_indexed(c, ds, max_unavailable))
            plan_unavailable(c, ds, filter_nodes(c, ds), max_unavailable);
        if (ds->spec->kruise.type == KRUISE_IN_PLACE_IF_POSSIBLE) update_in_place(c, ds);
    } else {
        plan_surge(c, ds, filter_nodes(c, ds), max_surge);
    }
}

/* The update reaches the API server: the pod moves to the current revision
 * under its own name, its readiness gate goes false, and the kubelet, once it
 * sees the new spec, pulls the image and restarts the container (one more
 * restart); Ready comes back after the readiness delay. A refused update
 * (apiErrors.update) leaves the pod as it was, records FailedUpdatePodInPlace
 * and fails the sync (inPlaceUpdatePods returns the error). */
static void on_api_patch(void *ctx, Sim *sim, const Event *ev)
{
    Cluster *c = ctx;
    (void)sim;
    Pod *p = &c->pods.v[ev->subject];
    if (p->gen != ev->gen) return;
    DaemonSet *ds = cluster_ds(c, p->ds);
    if (!p->exists || p->deleting || !ds->exists || p->rev == ds->cur) {
        dsctl_clear_patch(c, p);
        return;
    }
    if (dsctl_api_call_fails(c, c->cp.api_errors.update)) {
        dsctl_clear_patch(c, p);
        ds->ctl->sync_failed = true;
        if (!c->sync_mode)
            recorder_eventf(c, SRC_DAEMONSET_CONTROLLER, OBJ_DAEMONSET, ds->name, true,
                            "FailedUpdatePodInPlace",
                            "failed to update pod %s in-place: Internal error occurred: injected by "
                            "spec.controlPlane.apiErrors",
                            strtab_str(c->strs, p->name));
        return;
    }
    if (!c->sync_mode)
        recorder_eventf(c, SRC_DAEMONSET_CONTROLLER, OBJ_DAEMONSET, ds->name, false,
                        "SuccessfulUpdatePodInPlace", "successfully update pod %s in-place",
                        strtab_str(c->strs, p->name));
    dsctl_pod_revised(c, (PodId){ev->subject}, ds->cur);
    /* the revision's own template, as for a created pod (cluster.c): a later
     * patchDaemonSet (a partition step) leaves the revision as it was */
    const Failure *f = &ds->revs.v[p->rev].spec->template_.failure;
    p->will_fail = f->mode != FAILURE_NONE && rng_uniform(c->rng[RS_FAILURE]) < f->probability;
    p->image_pulled = kruise_image_present(c, ds, p->node.i);
    p->restarting = p->phase == POD_RUNNING;
    if (p->restarting && p->restarts < UINT8_MAX) p->restarts++;
    p->timer++;
    cluster_emit_pod(c, p, PE_IN_PLACE_UPDATE);
    if (p->ready) pod_set_ready(c, (PodId){ev->subject}, false);
    else pod_publish(c, (PodId){ev->subject});
    if (p->bound) kubelet_pod_bound(c, (PodId){ev->subject});
}

void kruise_node_refreshed(Cluster *c, const DaemonSet *ds, uint32_t node)
{
    kruise_index_node(c, ds, node);
}

void kruise_free(Cluster *c)
{
    KruiseLists *k = &c->kruise;
    kruise_index_free(c);
    VEC_FREE(k->picked);
    VEC_FREE(k->touched);
    VEC_FREE(k->filtered);
    VEC_FREE(k->empty);
    VEC_FREE(k->old);
    VEC_FREE(k->cand);
}

void kruise_register(Cluster *c)
{
    sim_on(c->sim, EV_API_PATCH_POD, on_api_patch, c);
    sim_on(c->sim, EV_PREPULL_DONE, on_prepull_done, c);
}

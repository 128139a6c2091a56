/* dsctl.c: the DaemonSet controller (docs/behaviour.md §2–§6, §8–§11, §14).
 *
 * Upstream rebuilds a node -> pods map and walks every node on every sync.
 * Here the same decisions are kept incrementally: whenever a watch event
 * changes what the controller knows about one (DaemonSet, node) pair,
 * dsnode_refresh() re-derives that pair's contribution — status bits, the
 * manage decision (needs a pod, pods to delete) and the rolling-update class —
 * and files the node or its pods into sets. A sync then reads the sets:
 * O(actions), not O(nodes). dsctl_check() (dsctl_check.c) recomputes everything the way
 * upstream does, from scratch, and compares. */
#include "dsctl_state.h"

#include "daemonsim/kruise.h"
#include "daemonsim/plancount.h"
#include "daemonsim/recorder.h"
#include "daemonsim/rolloutplan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPECTATIONS_TTL (5 * SIM_MIN)
#define BACKOFF_INITIAL SIM_S
#define BACKOFF_MAX (15 * SIM_MIN)
/* controller_utils.go SlowStartInitialBatchSize. */
#define SLOW_START_INITIAL_BATCH 1

/* ---- eligibility and availability (§2, §11) ---------------------------------- */

DsExclusion dsctl_exclusion(const Cluster *c, const DaemonSet *ds, const Node *n, Sym node_name,
                            const Taint **taint_out)
{
    const PodTemplate *t = &ds->spec->template_;
    if (taint_out) *taint_out = NULL;
    if (t->node_name != SYM_EMPTY && t->node_name != node_name) return EXCL_NODE_NAME;
    if (!node_selector_matches(t->node_selector, t->nnode_selector, n->labels, n->nlabels))
        return EXCL_NODE_SELECTOR;
    if (!node_affinity_matches(&t->affinity, n->labels, n->nlabels, node_name, c->strs))
        return EXCL_NODE_AFFINITY;
    const Taint *no_schedule = NULL;
    for (uint32_t i = 0; i < n->ntaints; i++) {
        const Taint *taint = &n->taints[i];
        if (taint->effect == EFFECT_PREFER_NO_SCHEDULE) continue;
        if (tolerations_tolerate(ds->tolerations, ds->ntolerations, taint)) continue;
        if (taint->effect == EFFECT_NO_EXECUTE) {
            if (taint_out) *taint_out = taint;
            return EXCL_TAINT_NO_EXECUTE;
        }
        if (!no_schedule) no_schedule = taint;
    }
    if (taint_out) *taint_out = no_schedule;
    return no_schedule ? EXCL_TAINT_NO_SCHEDULE : EXCL_NONE;
}

uint8_t dsctl_eligibility(const Cluster *c, const DaemonSet *ds, const Node *n, Sym node_name)
{
    switch (dsctl_exclusion(c, ds, n, node_name, NULL)) {
    case EXCL_NONE: return ELIG_SHOULD_RUN | ELIG_CONTINUE;
    case EXCL_TAINT_NO_SCHEDULE: return ELIG_CONTINUE;   /* running pods stay */
    case EXCL_NODE_NAME:
    case EXCL_NODE_SELECTOR:
    case EXCL_NODE_AFFINITY:
    case EXCL_TAINT_NO_EXECUTE: return 0;
    }
    return 0;
}

/* Available once Ready for strictly more than minReadySeconds. */
bool dsctl_pod_available(const Cluster *c, const DaemonSet *ds, const PodSeen *s, SimTime now)
{
    (void)c;
    if (!s->ready) return false;
    int32_t mrs = ds->spec->min_ready_seconds;
    return mrs == 0 || s->ready_since + mrs * SIM_S < now;
}

bool dsctl_allows_surge(const DaemonSet *ds)
{
    return ds->spec->strategy == STRATEGY_ROLLING_UPDATE &&
           units_scale(ds->spec->max_surge, 1, true) > 0;
}

/* Upstream order of a node's pods (podByCreationTimestampAndPhase): bound
 * first, then older by whole-second creationTimestamp, then by name. */
bool dsctl_pod_before(const Cluster *c, const Pod *a, const Pod *b)
{
    if (a->seen.bound != b->seen.bound) return a->seen.bound;
    if (a->created != b->created) return a->created < b->created;
    return strcmp(strtab_str(c->strs, a->name), strtab_str(c->strs, b->name)) < 0;
}

/* Sorts pod ids in upstream order (lists are short: insertion sort). */
static void sort_pods(const Cluster *c, uint32_t *ids, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint32_t x = ids[i];
        size_t j = i;
        while (j > 0 && dsctl_pod_before(c, &c->pods.v[x], &c->pods.v[ids[j - 1]])) {
            ids[j] = ids[j - 1];
            j--;
        }
        ids[j] = x;
    }
}

/* ---- the incremental view ------------------------------------------------------ */

static void status_apply(DsStatus *v, uint8_t bits, int64_t sign)
{
    if (bits & ST_DESIRED) v->desired += sign;
    if (bits & ST_CURRENT) v->current += sign;
    if (bits & ST_READY) v->ready += sign;
    if (bits & ST_AVAILABLE) v->available += sign;
    if (bits & ST_UPDATED) v->updated += sign;
    if (bits & ST_MISSCHEDULED) v->misscheduled += sign;
    if ((bits & (ST_UPDATED | ST_AVAILABLE)) == (ST_UPDATED | ST_AVAILABLE)) v->updated_available += sign;
    v->unavailable = v->desired - v->available;
}

static Rollout *active_rollout(DaemonSet *ds)
{
    if (ds->rollouts.n == 0) return NULL;
    Rollout *r = &ds->rollouts.v[ds->rollouts.n - 1];
    return r->completed == SIM_NEVER ? r : NULL;
}

/* Accounts the time spent at the old unavailable count, then reports. */
static void view_touch(Cluster *c, DaemonSet *ds, int64_t unavailable_before)
{
    SimTime now = c->sim->now;
    Rollout *r = active_rollout(ds);
    if (r) {
        r->unavailable_pod_seconds += (double)unavailable_before * sim_to_seconds(now - ds->view_changed);
        if (ds->view.unavailable > r->max_unavailable) r->max_unavailable = ds->view.unavailable;
    }
    ds->view_changed = now;
    if (c->sink.view_changed) c->sink.view_changed(c->sink.ctx, now, ds);
}

static void class_sets_leave(DaemonSet *ds, uint32_t ni, const DsNode *dn)
{
    ds->ctl->class_count[dn->cls]--;
    if (dn->flags & DN_OLD_AVAILABLE) ds->ctl->old_avail_in_both--;
    if ((dn->flags & DN_OLD_AVAILABLE) && dn->cls == RC_BOTH_NEW_UNAVAIL) ds->surge_budgeted--;
    if (dn->flags & DN_OLD_ON_GONE) ds->ctl->old_on_gone--;
    switch ((RollClass)dn->cls) {
    case RC_OLD_AVAIL:
        idxset_remove(&ds->ctl->old_avail_run, ni);
        idxset_remove(&ds->ctl->old_avail_norun, ni);
        break;
    case RC_OLD_UNAVAIL:
        idxset_remove(&ds->ctl->old_unavail_run, ni);
        idxset_remove(&ds->ctl->old_unavail_norun, ni);
        break;
    case RC_BOTH_NEW_AVAIL: idxset_remove(&ds->ctl->both_new_avail, ni); break;
    case RC_NONE:
    case RC_NOT_OK:
    case RC_EMPTY:
    case RC_NEW_UNAVAIL:
    case RC_NEW_AVAIL:
    case RC_BOTH_NEW_UNAVAIL:
    case RC__COUNT: break;
    }
}

static void class_sets_enter(DaemonSet *ds, uint32_t ni, const DsNode *dn, bool run)
{
    ds->ctl->class_count[dn->cls]++;
    if (dn->flags & DN_OLD_AVAILABLE) ds->ctl->old_avail_in_both++;
    if ((dn->flags & DN_OLD_AVAILABLE) && dn->cls == RC_BOTH_NEW_UNAVAIL) ds->surge_budgeted++;
    if (dn->flags & DN_OLD_ON_GONE) ds->ctl->old_on_gone++;
    switch ((RollClass)dn->cls) {
    case RC_OLD_AVAIL: idxset_add(run ? &ds->ctl->old_avail_run : &ds->ctl->old_avail_norun, ni); break;
    case RC_OLD_UNAVAIL: idxset_add(run ? &ds->ctl->old_unavail_run : &ds->ctl->old_unavail_norun, ni); break;
    case RC_BOTH_NEW_AVAIL: idxset_add(&ds->ctl->both_new_avail, ni); break;
    case RC_NONE:
    case RC_NOT_OK:
    case RC_EMPTY:
    case RC_NEW_UNAVAIL:
    case RC_NEW_AVAIL:
    case RC_BOTH_NEW_UNAVAIL:
    case RC__COUNT: break;
    }
}

/* The surge branch of manage (§5.2 case B.3) for a node with >= 2 running pods. */
static void manage_surge_duplicates(Cluster *c, DaemonSet *ds, uint32_t *run, size_t nrun)
{
    sort_pods(c, run, nrun);
    uint32_t oldest_new = ID_NONE, oldest_old = ID_NONE;
    for (size_t i = 0; i < nrun; i++) {
        const Pod *p = &c->pods.v[run[i]];
        if (p->rev == ds->cur && oldest_new == ID_NONE) oldest_new = run[i];
        else if (p->rev != ds->cur && oldest_old == ID_NONE) oldest_old = run[i];
        else idxset_add(&ds->ctl->to_delete, run[i]);
    }
    if (oldest_new == ID_NONE || oldest_old == ID_NONE) return;
    const Pod *po = &c->pods.v[oldest_old], *pn = &c->pods.v[oldest_new];
    if (!po->seen.ready || dsctl_pod_available(c, ds, &pn->seen, c->sim->now))
        idxset_add(&ds->ctl->to_delete, oldest_old);
}

/* Re-derives everything one (DaemonSet, node) contributes. */
static void dsnode_refresh(Cluster *c, DaemonSet *ds, uint32_t ni)
{
    DsNode *dn = &ds->ctl->nodes[ni];
    SimTime now = c->sim->now;
    int64_t unavailable_before = ds->view.unavailable;
    uint8_t status_before = dn->status;

    /* Leave: subtract the old contribution. */
    status_apply(&ds->view, dn->status, -1);
    class_sets_leave(ds, ni, dn);
    idxset_remove(&ds->ctl->need_pod, ni);
    idxset_remove(&ds->ctl->failed_nodes, ni);

    bool node_seen = dn->elig & ELIG_NODE_SEEN;
    bool should_run = dn->elig & ELIG_SHOULD_RUN;
    bool keep_running = dn->elig & ELIG_CONTINUE;
    bool surge = dsctl_allows_surge(ds);

    const Pod *oldest = NULL, *new_pod = NULL, *old_pod = NULL;
    uint32_t nnew = 0, nold = 0;
    c->scratch.n = 0;
    bool any = false, has_failed = false;
    int32_t mrs = ds->spec->min_ready_seconds;
    for (PodId id = dn->pods; id.i != ID_NONE; id = c->pods.v[id.i].seen_next) {
        Pod *p = &c->pods.v[id.i];
        idxset_remove(&ds->ctl->to_delete, id.i);
        any = true;
        /* A Ready pod not yet available: wake the view when it becomes so. */
        if (p->seen.ready && mrs > 0) {
            SimTime due = p->seen.ready_since + mrs * SIM_S + 1;
            if (due > now && p->avail_at != due) {
                p->avail_at = due;
                sim_at(c->sim, due, EV_POD_AVAILABLE, id.i, p->gen, 0);
            }
        }
        if (!oldest || dsctl_pod_before(c, p, oldest)) oldest = p;
        if (p->seen.deleting) continue;
        if (p->rev == ds->cur) nnew++, new_pod = p;
        else nold++, old_pod = p;
        if (p->seen.phase == POD_FAILED) has_failed = true;
        else if (p->seen.phase != POD_SUCCEEDED) VEC_PUSH(c->scratch, id.i);
    }

    /* Status (§10): the oldest pod speaks for the node. */
    uint8_t st = 0;
    if (node_seen && should_run) {
        st |= ST_DESIRED;
        if (any) {
            st |= ST_CURRENT;
            if (oldest->seen.ready) st |= ST_READY;
            if (dsctl_pod_available(c, ds, &oldest->seen, now)) st |= ST_AVAILABLE;
            if (oldest->rev == ds->cur) st |= ST_UPDATED;
        }
    } else if (node_seen && any) {
        st |= ST_MISSCHEDULED;
    }
    dn->status = st;
    status_apply(&ds->view, st, +1);

    /* Manage (§5.2, §5.3). */
    size_t nrunning = c->scratch.n;
    if (node_seen && should_run && (!any || (surge && nrunning == 0))) idxset_add(&ds->ctl->need_pod, ni);
    if (node_seen && keep_running && any) {
        if (has_failed) idxset_add(&ds->ctl->failed_nodes, ni);
        for (PodId id = dn->pods; id.i != ID_NONE; id = c->pods.v[id.i].seen_next) {
            const Pod *p = &c->pods.v[id.i];
            if (!p->seen.deleting && p->seen.phase == POD_SUCCEEDED) idxset_add(&ds->ctl->to_delete, id.i);
        }
        if (nrunning >= 2 && !surge) {
            sort_pods(c, c->scratch.v, nrunning);
            for (size_t i = 1; i < nrunning; i++) idxset_add(&ds->ctl->to_delete, c->scratch.v[i]);
        } else if (nrunning >= 2) {
            manage_surge_duplicates(c, ds, c->scratch.v, nrunning);
        }
    } else if (node_seen && any) {
        for (PodId id = dn->pods; id.i != ID_NONE; id = c->pods.v[id.i].seen_next)
            if (!c->pods.v[id.i].seen.deleting) idxset_add(&ds->ctl->to_delete, id.i);
    } else if (any) {
        /* A node the controller does not list: only pending pods aimed at it go. */
        for (PodId id = dn->pods; id.i != ID_NONE; id = c->pods.v[id.i].seen_next) {
            const Pod *p = &c->pods.v[id.i];
            if (!p->seen.deleting && !p->seen.bound) idxset_add(&ds->ctl->to_delete, id.i);
        }
    }

    /* Rolling-update class (§8.1): the node is a map key if it has pods or is desired. */
    dn->flags = 0;
    if (!any && !(node_seen && should_run)) dn->cls = RC_NONE;
    else if (nnew > 1 || nold > 1) dn->cls = RC_NOT_OK;
    else if (nnew == 0 && nold == 0) dn->cls = RC_EMPTY;
    else if (nold == 0) dn->cls = dsctl_pod_available(c, ds, &new_pod->seen, now) ? RC_NEW_AVAIL : RC_NEW_UNAVAIL;
    else if (nnew == 0) dn->cls = dsctl_pod_available(c, ds, &old_pod->seen, now) ? RC_OLD_AVAIL : RC_OLD_UNAVAIL;
    else {
        dn->cls = dsctl_pod_available(c, ds, &new_pod->seen, now) ? RC_BOTH_NEW_AVAIL : RC_BOTH_NEW_UNAVAIL;
        if (dsctl_pod_available(c, ds, &old_pod->seen, now)) dn->flags |= DN_OLD_AVAILABLE;
    }
    if ((dn->cls == RC_OLD_AVAIL || dn->cls == RC_OLD_UNAVAIL) && !node_seen) dn->flags |= DN_OLD_ON_GONE;
    class_sets_enter(ds, ni, dn, node_seen && should_run);
    if (ds->spec->kruise.on) kruise_node_refreshed(c, ds, ni);

    if (st != status_before) view_touch(c, ds, unavailable_before);
}

static uint8_t node_view_elig(const Cluster *c, const DaemonSet *ds, const Node *n)
{
    if (!n->dsctl_seen) return 0;
    return ELIG_NODE_SEEN | dsctl_eligibility(c, ds, n, n->name);
}

/* Re-derives the view of every node (a new DaemonSet, or a new spec). */
static void view_rebuild(Cluster *c, DaemonSet *ds)
{
    for (uint32_t ni = 0; ni < c->nodes.n; ni++) {
        ds->ctl->nodes[ni].elig = node_view_elig(c, ds, &c->nodes.v[ni]);
        dsnode_refresh(c, ds, ni);
    }
}

static void view_init_slots(DsNode *nodes, uint32_t from, uint32_t to)
{
    memset(nodes + from, 0, (to - from) * sizeof *nodes);
    for (uint32_t j = from; j < to; j++) nodes[j].pods = POD_NONE;
}

void dsctl_ds_added(Cluster *c, DsId id)
{
    DaemonSet *ds = cluster_ds(c, id);
    ds->ctl = xcalloc(1, sizeof *ds->ctl);
    ds->ctl->nodes = xcalloc(c->node_cap ? c->node_cap : 1, sizeof *ds->ctl->nodes);
    view_init_slots(ds->ctl->nodes, 0, c->node_cap);
    /* Unit tests drive the handlers without informers. */
    ds->ctl->listed = c->sync_mode;
    view_rebuild(c, ds);
}

void dsctl_ds_changed(Cluster *c, DsId id)
{
    view_rebuild(c, cluster_ds(c, id));
}

void dsctl_grow_views(Cluster *c, uint32_t cap)
{
    for (size_t i = 0; i < c->dsets.n; i++) {
        DsCtl *k = c->dsets.v[i].ctl;
        k->nodes = xrealloc(k->nodes, cap * sizeof *k->nodes);
        view_init_slots(k->nodes, c->node_cap, cap);
    }
}

void dsctl_free(Cluster *c)
{
    for (size_t i = 0; i < c->dsets.n; i++) {
        DsCtl *k = c->dsets.v[i].ctl;
        if (!k) continue;
        free(k->nodes);
        idxset_free(&k->need_pod);
        idxset_free(&k->to_delete);
        idxset_free(&k->failed_nodes);
        idxset_free(&k->old_avail_run);
        idxset_free(&k->old_avail_norun);
        idxset_free(&k->old_unavail_run);
        idxset_free(&k->old_unavail_norun);
        idxset_free(&k->both_new_avail);
        VEC_FREE(k->call_create);
        VEC_FREE(k->call_delete);
        VEC_FREE(k->call_update);
        free(k->backoff);
        free(k);
        c->dsets.v[i].ctl = NULL;
    }
}

/* ---- work queue (workqueue.h: client-go's rate-limiting delaying queue) ------ */

static void dispatch(Cluster *c);

/* An informer handler's queue.Add. Node and pod handlers find the
 * DaemonSet in the controller's DaemonSet lister, so one its informer has
 * not delivered yet is not queued by them (its own add event queues it). */
static void enqueue_now(Cluster *c, DsId id)
{
    if (!cluster_ds(c, id)->ctl->listed) return;
    workqueue_add(&c->ds_queue, id.i);
    /* Driven sync by sync: an enqueue is only recorded. */
    if (!c->sync_mode) dispatch(c);
}

/* enqueueDaemonSetAfter: queue.AddAfter, one waiting entry per key. */
void dsctl_enqueue(Cluster *c, DsId id, SimTime delay)
{
    workqueue_add_after(&c->ds_queue, id.i, delay);
    if (delay <= 0 && !c->sync_mode) dispatch(c);
}

/* A DaemonSet add or update reaches the informer after the watch latency;
 * its handler then enqueues (queue.Add, not AddAfter). */
void dsctl_ds_published(Cluster *c, DsId id)
{
    sim_after(c->sim, cluster_draw(c, RS_WATCH, &c->timing.watch), EV_DS_SEEN_BY_DSCTL, id.i, 0, 0);
}

static void on_ds_seen(void *ctx, Sim *sim, const Event *ev)
{
    (void)sim;
    cluster_ds(ctx, (DsId){ev->subject})->ctl->listed = true;
    enqueue_now(ctx, (DsId){ev->subject});
}

/* The queue's waiting loop: entries due now join the queue. */
static void on_queue_wake(void *ctx, Sim *sim, const Event *ev)
{
    Cluster *c = ctx;
    (void)sim;
    (void)ev;
    workqueue_wake(&c->ds_queue);
    if (!c->sync_mode) dispatch(c);
}

static void dispatch(Cluster *c)
{
    uint32_t key;
    while (c->idle_workers > 0 && workqueue_get(&c->ds_queue, &key)) {
        c->idle_workers--;
        dsctl_sync(c, (DsId){key});
    }
}

/* processNextWorkItem: an error goes back through AddRateLimited, success
 * is forgotten by the rate limiter; Done re-queues a key added meanwhile. */
static void sync_finish(Cluster *c, DsId id)
{
    DaemonSet *ds = cluster_ds(c, id);
    c->idle_workers++;
    if (c->check) {
        char why[512];
        if (!dsctl_check(c, why, sizeof why)) {
            fprintf(stderr, "daemonsim: check failed at t=%.9fs: %s\n", sim_to_seconds(c->sim->now), why);
            abort();
        }
    }
    if (c->sync_mode) return;
    if (ds->ctl->sync_failed) workqueue_add_rate_limited(&c->ds_queue, id.i);
    else workqueue_forget(&c->ds_queue, id.i);
    workqueue_done(&c->ds_queue, id.i);
    dispatch(c);
}

void dsctl_sync_once(Cluster *c, DsId id)
{
    DS_ASSERT(c->sync_mode);
    workqueue_clear(&c->ds_queue, id.i);
    c->idle_workers--;
    dsctl_sync(c, id);
}

bool dsctl_enqueued(const Cluster *c, DsId id) { return workqueue_is_dirty(&c->ds_queue, id.i); }

void dsctl_clear_enqueued(Cluster *c, DsId id) { workqueue_clear(&c->ds_queue, id.i); }

/* ---- expectations (§14) ------------------------------------------------------- */

static bool expectations_satisfied(const DaemonSet *ds, SimTime now)
{
    const Expectations *e = &ds->ctl->exp;
    if (!e->present) return true;
    if (e->add <= 0 && e->del <= 0) return true;
    return now - e->set_at > EXPECTATIONS_TTL;
}

/* ---- failed-pod back-off (§6) ------------------------------------------------- */

static FailBackoff *backoff_find(DaemonSet *ds, uint32_t node, int64_t gen, bool create)
{
    for (uint32_t i = 0; i < ds->ctl->nbackoff; i++)
        if (ds->ctl->backoff[i].node == node && ds->ctl->backoff[i].observed_generation == gen)
            return &ds->ctl->backoff[i];
    if (!create) return NULL;
    if (ds->ctl->nbackoff == ds->ctl->backoff_cap) {
        ds->ctl->backoff_cap = ds->ctl->backoff_cap ? ds->ctl->backoff_cap * 2 : 8;
        ds->ctl->backoff = xrealloc(ds->ctl->backoff, ds->ctl->backoff_cap * sizeof *ds->ctl->backoff);
    }
    FailBackoff *b = &ds->ctl->backoff[ds->ctl->nbackoff++];
    *b = (FailBackoff){.node = node, .observed_generation = gen, .delay = 0, .last_update = 0};
    return b;
}

static bool backoff_expired(const FailBackoff *b, SimTime now)
{
    return now - b->last_update > 2 * BACKOFF_MAX;
}

/* ---- sync ----------------------------------------------------------------------- */

static void emit_pod_event(Cluster *c, const DaemonSet *ds, const Pod *p, bool failed);

/* Deletes failed pods unless their node is in back-off (§5.2 case B.1). */
static void manage_failed(Cluster *c, DaemonSet *ds, DsId id)
{
    SimTime now = c->sim->now;
    for (uint32_t k = 0; k < ds->ctl->failed_nodes.n; k++) {
        uint32_t ni = ds->ctl->failed_nodes.items[k];
        for (PodId pid = ds->ctl->nodes[ni].pods; pid.i != ID_NONE; pid = c->pods.v[pid.i].seen_next) {
            const Pod *p = &c->pods.v[pid.i];
            if (p->seen.deleting || p->seen.phase != POD_FAILED) continue;
            FailBackoff *b = backoff_find(ds, ni, ds->status.observed_generation, true);
            bool fresh = b->delay == 0 || backoff_expired(b, now);
            if (!fresh && now - b->last_update < b->delay) {
                dsctl_enqueue(c, id, b->delay);
                continue;
            }
            b->delay = fresh ? BACKOFF_INITIAL : DS_MIN(2 * b->delay, BACKOFF_MAX);
            b->last_update = now;
            emit_pod_event(c, ds, p, true);
            VEC_PUSH(c->plan_delete, pid.i);
        }
    }
}

/* The Events manage records about terminal pods (§5.2 case B.1). */
static void emit_pod_event(Cluster *c, const DaemonSet *ds, const Pod *p, bool failed)
{
    recorder_eventf(c, SRC_DAEMONSET_CONTROLLER, OBJ_DAEMONSET, ds->name, failed,
                    failed ? "FailedDaemonPod" : "SucceededDaemonPod",
                    "Found %s daemon pod %s/%s on node %s, will try to %s",
                    failed ? "failed" : "succeeded", strtab_str(c->strs, ds->spec->namespace_),
                    strtab_str(c->strs, p->name), strtab_str(c->strs, c->nodes.v[p->node.i].name),
                    failed ? "kill it" : "delete it");
}

static void manage(Cluster *c, DaemonSet *ds, DsId id)
{
    c->plan_create.n = c->plan_delete.n = 0;
    for (uint32_t k = 0; k < ds->ctl->need_pod.n; k++) VEC_PUSH(c->plan_create, ds->ctl->need_pod.items[k]);
    manage_failed(c, ds, id);
    for (uint32_t k = 0; k < ds->ctl->to_delete.n; k++) {
        const Pod *p = &c->pods.v[ds->ctl->to_delete.items[k]];
        if (p->seen.phase == POD_SUCCEEDED && (ds->ctl->nodes[p->node.i].elig & ELIG_CONTINUE))
            emit_pod_event(c, ds, p, false);
        VEC_PUSH(c->plan_delete, ds->ctl->to_delete.items[k]);
    }
}

/* syncNodes' expectations (§5.4): every create and delete it is about to send. */
static void calls_expect(Cluster *c, DsCtl *k)
{
    k->exp = (Expectations){.add = (int64_t)k->call_create.n, .del = (int64_t)k->call_delete.n,
                            .set_at = c->sim->now, .present = true};
}

/* syncNodes (§5.4): at most burstReplicas creates and deletes, expected
 * before they are sent; the calls themselves go out from calls_next().
 * An Advanced DaemonSet's in-place updates go first (Kruise rollingUpdate
 * calls syncNodes only after inPlaceUpdatePods returned without error), so
 * their expectations are set once the updates are back. */
static void calls_plan(Cluster *c, DaemonSet *ds)
{
    DsCtl *k = ds->ctl;
    uint32_t burst = c->cp.burst_replicas;
    size_t ncreate = c->plan_create.n < burst ? c->plan_create.n : burst;
    size_t ndelete = c->plan_delete.n < burst ? c->plan_delete.n : burst;
    k->call_create.n = k->call_delete.n = k->call_update.n = 0;
    for (size_t i = 0; i < ncreate; i++) VEC_PUSH(k->call_create, c->plan_create.v[i]);
    for (size_t i = 0; i < ndelete; i++) VEC_PUSH(k->call_delete, c->plan_delete.v[i]);
    for (size_t i = 0; i < c->plan_update.n; i++) VEC_PUSH(k->call_update, c->plan_update.v[i]);
    c->plan_update.n = 0;
    k->exp_deferred = k->call_update.n > 0;
    if (!k->exp_deferred) calls_expect(c, k);
    k->call_pos = 0;
    k->batch = (uint32_t)DS_MIN(ncreate, SLOW_START_INITIAL_BATCH);
    k->batch_failed = false;
}

/* An injected API failure (spec.controlPlane.apiErrors), from its own stream. */
bool dsctl_api_call_fails(Cluster *c, double p)
{
    if (p <= 0 || rng_uniform(c->rng[RS_API_ERRORS]) >= p) return false;
    c->ds_calls.failures++;
    return true;
}

/* The time a call leaves: its token of the controller's client. */
static SimTime call_time(Cluster *c)
{
    return c->sync_mode ? c->sim->now : api_client_acquire(&c->ds_api, c->sim->now);
}

/* The API server refuses a pod call (spec.controlPlane.apiErrors): the pod
 * control records a Warning Event (controller_utils.go RealPodControl:
 * FailedCreate, FailedDelete), syncNodes observes the expectation at once
 * (CreationObserved, DeletionObserved) and the sync fails. Upstream's fake
 * pod control in unit tests records nothing, so sync mode does not. */
static void pod_call_refused(Cluster *c, DaemonSet *ds, bool create)
{
    if (create) {
        ds->ctl->exp.add--;
        ds->ctl->batch_failed = true;
    } else {
        ds->ctl->exp.del--;
    }
    ds->ctl->sync_failed = true;
    if (c->sync_mode) return;
    recorder_eventf(c, SRC_DAEMONSET_CONTROLLER, OBJ_DAEMONSET, ds->name, true,
                    create ? "FailedCreate" : "FailedDelete",
                    "Error %s: Internal error occurred: injected by spec.controlPlane.apiErrors",
                    create ? "creating" : "deleting");
}

/* One CreatePods; the API server decides when it arrives (on_api_create). */
static SimTime create_call(Cluster *c, DaemonSet *ds, DsId id, uint32_t node)
{
    SimTime at = call_time(c);
    c->ds_calls.creates++;
    if (c->sync_mode && dsctl_api_call_fails(c, c->cp.api_errors.create)) {
        pod_call_refused(c, ds, true);
        return at;
    }
    PodId p = pod_create(c, id, (NodeId){node}, c->sim->now);
    if (c->sync_mode) pod_materialize(c, p);
    else sim_at(c->sim, at, EV_API_CREATE_POD, p.i, cluster_pod(c, p)->gen, 0);
    return at;
}

/* One DeletePod; the API server decides when it arrives (on_api_delete). */
static SimTime delete_call(Cluster *c, DaemonSet *ds, PodId p)
{
    SimTime at = call_time(c);
    c->ds_calls.deletes++;
    if (!c->sync_mode) {
        sim_at(c->sim, at, EV_API_DELETE_POD, p.i, cluster_pod(c, p)->gen, 0);
    } else if (dsctl_api_call_fails(c, c->cp.api_errors.delete_)) {
        pod_call_refused(c, ds, false);
    } else {
        /* Like upstream's fake pod control, a delete removes the pod at once. */
        pod_remove(c, p);
    }
    return at;
}

/* One in-place update of an Advanced DaemonSet pod (Kruise inPlaceUpdatePods:
 * inplaceControl.Update); the API server decides when it arrives (kruise.c). */
static SimTime update_call(Cluster *c, uint32_t pod)
{
    SimTime at = call_time(c);
    Pod *p = &c->pods.v[pod];
    c->ds_calls.updates++;
    if (!p->patch_pending) cluster_ds(c, p->ds)->ctl->patches_pending++;
    p->patch_pending = true;
    if (!c->sync_mode) {
        sim_at(c->sim, at, EV_API_PATCH_POD, pod, p->gen, 0);
        return at;
    }
    Event ev = {.at = at, .kind = EV_API_PATCH_POD, .subject = pod, .gen = p->gen};
    c->sim->handlers[EV_API_PATCH_POD](c, c->sim, &ev);
    return at;
}

/* Sends the in-place updates, all at once (one goroutine each, waited for),
 * then the next slow-start batch of creates (1, 2, 4, ...; syncNodes with
 * controller_utils slowStartBatch), or, after the last, every delete at
 * once; returns when its last call leaves, or -1 when nothing is left. A
 * refused update ends the sync before syncNodes. A batch with a refused
 * create is the last: the creates never tried are taken off the
 * expectations (LowerExpectations) and left to a later sync. */
static SimTime calls_next(Cluster *c, DaemonSet *ds, DsId id)
{
    DsCtl *k = ds->ctl;
    SimTime last = -1;
    if (k->call_update.n > 0) {
        for (size_t i = 0; i < k->call_update.n; i++) last = update_call(c, k->call_update.v[i]);
        k->call_update.n = 0;
        if (!c->sync_mode) return last;
    }
    if (k->exp_deferred) {
        k->exp_deferred = false;
        if (k->sync_failed) k->call_create.n = k->call_delete.n = 0;
        else calls_expect(c, k);
    }
    uint32_t n = (uint32_t)k->call_create.n;
    if (k->call_pos < n && k->batch_failed) {
        k->exp.add -= n - k->call_pos;
        k->call_pos = n;
    }
    if (k->call_pos < n) {
        uint32_t end = k->call_pos + k->batch;
        for (uint32_t i = k->call_pos; i < end; i++) last = create_call(c, ds, id, k->call_create.v[i]);
        k->call_pos = end;
        k->batch = DS_MIN(2 * k->batch, n - end);
        return last;
    }
    if (k->call_delete.n == 0) return -1;
    for (size_t i = 0; i < k->call_delete.n; i++) last = delete_call(c, ds, (PodId){k->call_delete.v[i]});
    k->call_delete.n = 0;
    return last;
}

/* rollingUpdate (§8): the plan's calls go out through syncNodes; a plan
 * upstream would fail sets ds->ctl->sync_failed. */
static void rolling_update(Cluster *c, DaemonSet *ds)
{
    if (!dsctl_plan_rolling_update(c, ds)) {
        ds->ctl->sync_failed = true;
        return;
    }
    calls_plan(c, ds);
}

/* constructHistory (update.go): the current template's ControllerRevision
 * is created — or, on a rollback, its number raised with an update — before
 * the sync does anything else, through the controller's client. */
static void history_write_current(Cluster *c, DaemonSet *ds)
{
    Revision *r = &ds->revs.v[ds->cur];
    if (r->written) return;
    r->written = true;
    call_time(c);
    c->ds_calls.revisions++;
}

/* Old revisions beyond revisionHistoryLimit go, oldest first, unless a pod
 * still runs them (§12, update.go cleanupHistory: one Delete each). */
static void cleanup_history(Cluster *c, DaemonSet *ds)
{
    int64_t old = 0;
    for (uint32_t i = 0; i < ds->revs.n; i++)
        if (ds->revs.v[i].live && i != ds->cur) old++;
    int64_t to_kill = old - ds->spec->revision_history_limit;
    while (to_kill > 0) {
        uint32_t victim = UINT32_MAX;
        for (uint32_t i = 0; i < ds->revs.n; i++) {
            const Revision *r = &ds->revs.v[i];
            if (!r->live || i == ds->cur || r->pods > 0) continue;
            if (victim == UINT32_MAX || r->number < ds->revs.v[victim].number) victim = i;
        }
        if (victim == UINT32_MAX) break;
        ds->revs.v[victim].live = false;
        call_time(c);
        c->ds_calls.revisions++;
        to_kill--;
    }
}

static void status_phase(Cluster *c, DsId id);
static void status_resync(Cluster *c, const DaemonSet *ds, DsId id);

static void sync_continue(Cluster *c, DsId id);

/* One syncDaemonSet (§4). Decisions are taken now, from the view; the API
 * calls go out through the rate limiter, and the worker stays busy until the
 * last one (and the status write) has returned. */
void dsctl_sync(Cluster *c, DsId id)
{
    DaemonSet *ds = cluster_ds(c, id);
    c->syncs++;
    ds->ctl->sync_failed = false;
    /* Gone, or being deleted (deletionTimestamp set): no pod actions and no
     * status write (§4 step 4). */
    if (!ds->exists || ds->deleting) {
        sync_finish(c, id);
        return;
    }
    if (selector_is_empty(&ds->spec->selector)) {
        recorder_eventf(c, SRC_DAEMONSET_CONTROLLER, OBJ_DAEMONSET, ds->name, true, "SelectingAll",
                        "This daemon set is selecting all pods. A non-empty selector is required.");
        sync_finish(c, id);
        return;
    }
    history_write_current(c, ds);
    ds->ctl->sync_observed = expectations_satisfied(ds, c->sim->now);
    ds->ctl->in_update = false;
    if (!ds->ctl->sync_observed) {
        status_phase(c, id);
        return;
    }
    manage(c, ds, id);
    calls_plan(c, ds);
    sync_continue(c, id);
}

/* updateDaemonSet after each batch of calls returns: more calls, or the
 * rolling update once manage's calls are done and observed, then history
 * cleanup (skipped after an error) and the status write. */
static void sync_continue(Cluster *c, DsId id)
{
    DaemonSet *ds = cluster_ds(c, id);
    for (;;) {
        SimTime last = calls_next(c, ds, id);
        if (last >= 0) {
            if (c->sync_mode) continue;
            sim_at(c->sim, last, EV_DS_SYNC_DONE, id.i, 0, 0);
            return;
        }
        if (ds->ctl->in_update || ds->ctl->sync_failed || ds->spec->strategy != STRATEGY_ROLLING_UPDATE ||
            !expectations_satisfied(ds, c->sim->now))
            break;
        ds->ctl->in_update = true;
        rolling_update(c, ds);
    }
    if (!ds->ctl->sync_failed) cleanup_history(c, ds);
    status_phase(c, id);
}

bool dsctl_status_differs(const DsStatus *a, const DsStatus *b)
{
#define X(f, K, name) || a->f != b->f
    return false DS_STATUS_COUNTS(X);
#undef X
}

/* Status write of a sync (§10, storeDaemonSetStatus): skipped when the
 * counters are unchanged and observedGeneration is current — so a lagging
 * observedGeneration costs a write even when this sync may not raise it.
 * A refused UpdateStatus is followed by one GET and one more UpdateStatus
 * (StatusUpdateRetries = 1); both failing fails the sync. */
static void status_phase(Cluster *c, DsId id)
{
    DaemonSet *ds = cluster_ds(c, id);
    if (!dsctl_status_differs(&ds->view, &ds->status) && ds->status.observed_generation >= ds->generation) {
        status_resync(c, ds, id);
        sync_finish(c, id);
        return;
    }
    double p = c->cp.api_errors.status;
    SimTime at = call_time(c);
    c->ds_calls.status_updates++;
    bool failed = dsctl_api_call_fails(c, p);
    if (failed) {
        call_time(c);
        c->ds_calls.gets++;
        at = call_time(c);
        c->ds_calls.status_updates++;
        failed = dsctl_api_call_fails(c, p);
    }
    if (c->sync_mode) {
        Event ev = {.at = c->sim->now, .kind = EV_API_WRITE_STATUS, .subject = id.i, .aux = failed};
        c->sim->handlers[EV_API_WRITE_STATUS](c, c->sim, &ev);
        return;
    }
    sim_at(c->sim, at, EV_API_WRITE_STATUS, id.i, 0, failed);
}

static void on_sync_done(void *ctx, Sim *sim, const Event *ev)
{
    (void)sim;
    sync_continue(ctx, (DsId){ev->subject});
}

static void on_write_status(void *ctx, Sim *sim, const Event *ev)
{
    Cluster *c = ctx;
    DaemonSet *ds = &c->dsets.v[ev->subject];
    if (ev->aux) {
        ds->ctl->sync_failed = true;
        sync_finish(c, (DsId){ev->subject});
        return;
    }
    DsStatus before = ds->status;
    ds->status = ds->view;
    ds->status.observed_generation = ds->ctl->sync_observed ? ds->generation : before.observed_generation;
    Rollout *r = active_rollout(ds);
    if (r && ds->status.observed_generation >= ds->generation &&
        ds->status.updated >= ds->status.desired && ds->status.available >= ds->status.desired &&
        ds->cur == r->rev) {
        view_touch(c, ds, ds->view.unavailable);
        r->completed = sim->now;
    }
    if (c->sink.status_written) c->sink.status_written(c->sink.ctx, sim->now, ds);
    rolloutplan_status_written(c, (DsId){ev->subject});
    status_resync(c, ds, (DsId){ev->subject});
    /* A write that changes the object is a DaemonSet update, and the update
     * handler enqueues on every update (§14; docs/conformance.md C57): one more
     * sync after the watch. An unchanged object makes no watch event. */
    bool changed = dsctl_status_differs(&before, &ds->status) ||
                   before.observed_generation != ds->status.observed_generation;
    if (!c->sync_mode && changed) dsctl_ds_published(c, (DsId){ev->subject});
    sync_finish(c, (DsId){ev->subject});
}

/* The resync after minReadySeconds that a stored status asks for. */
static void status_resync(Cluster *c, const DaemonSet *ds, DsId id)
{
    int32_t mrs = ds->spec->min_ready_seconds;
    if (mrs > 0 && ds->view.ready != ds->view.available) dsctl_enqueue(c, id, mrs * SIM_S);
}

/* ---- API calls landing ---------------------------------------------------------- */

/* The pod control's Event on the DaemonSet for each call that succeeds
 * (controller_utils.go RealPodControl: "Created pod: NAME"). */
static void record_pod_call(Cluster *c, const Pod *p, const char *reason, const char *verb)
{
    recorder_eventf(c, SRC_DAEMONSET_CONTROLLER, OBJ_DAEMONSET, c->dsets.v[p->ds.i].name, false,
                    reason, "%s pod: %s", verb, strtab_str(c->strs, p->name));
}

static void on_api_create(void *ctx, Sim *sim, const Event *ev)
{
    Cluster *c = ctx;
    (void)sim;
    Pod *p = &c->pods.v[ev->subject];
    if (p->gen != ev->gen) return;
    /* The API server does not check the target node: a create for a node
     * deleted meanwhile succeeds, the informer observes it (the expectation
     * is met), and the next sync deletes it as an unscheduled pod of a node
     * that is not listed (manage, getUnscheduledPodsWithoutNode, §5.3). */
    if (!c->dsets.v[p->ds.i].exists) {
        pod_release(c, (PodId){ev->subject});
        return;
    }
    if (dsctl_api_call_fails(c, c->cp.api_errors.create)) {
        DaemonSet *ds = &c->dsets.v[p->ds.i];
        pod_release(c, (PodId){ev->subject});
        pod_call_refused(c, ds, true);
        return;
    }
    pod_materialize(c, (PodId){ev->subject});
    record_pod_call(c, p, "SuccessfulCreate", "Created");
}

static void on_api_delete(void *ctx, Sim *sim, const Event *ev)
{
    Cluster *c = ctx;
    (void)sim;
    Pod *p = &c->pods.v[ev->subject];
    if (p->gen != ev->gen) return;
    if (dsctl_api_call_fails(c, c->cp.api_errors.delete_)) {
        pod_call_refused(c, &c->dsets.v[p->ds.i], false);
        return;
    }
    pod_begin_delete(c, (PodId){ev->subject});
    record_pod_call(c, p, "SuccessfulDelete", "Deleted");
}

/* ---- watch events ------------------------------------------------------------- */

static void view_unlink(Cluster *c, DaemonSet *ds, PodId id)
{
    Pod *p = cluster_pod(c, id);
    PodId *link = &ds->ctl->nodes[p->node.i].pods;
    while (link->i != ID_NONE && link->i != id.i) link = &c->pods.v[link->i].seen_next;
    if (link->i == id.i) *link = p->seen_next;
    p->seen_next = POD_NONE;
    idxset_remove(&ds->ctl->to_delete, id.i);
}

bool dsctl_pod_mapped(const PodSeen *s)
{
    bool terminal = s->phase == POD_SUCCEEDED || s->phase == POD_FAILED;
    return s->exists && !(terminal && s->deleting);
}

/* The informer delivers a pod: copy the truth into the view, observe
 * expectations and enqueue (§14). */
static void on_pod_seen(void *ctx, Sim *sim, const Event *ev)
{
    Cluster *c = ctx;
    (void)sim;
    Pod *p = &c->pods.v[ev->subject];
    if (p->gen != ev->gen) return;
    PodId id = {ev->subject};
    DsId dsid = p->ds;
    DaemonSet *ds = cluster_ds(c, dsid);
    PodSeen before = p->seen;
    /* Kruise's update expectations: an in-place patch counts once observed. */
    if (p->patch_pending && p->rev == ds->cur) dsctl_clear_patch(c, p);
    p->seen = (PodSeen){.exists = p->exists, .bound = p->bound, .ready = p->ready,
                        .deleting = p->deleting, .phase = p->phase, .ready_since = p->ready_since};
    if (!before.exists && p->seen.exists) {
        ds->ctl->exp.add--;
        ds->revs.v[p->rev].pods++;
    }
    if (before.exists && !p->seen.exists) ds->revs.v[p->rev].pods--;
    if (p->seen.exists && p->seen.deleting) ds->ctl->exp.del--;
    if (before.exists && !p->seen.exists) ds->ctl->exp.del--;

    bool was_mapped = dsctl_pod_mapped(&before), mapped = dsctl_pod_mapped(&p->seen);
    if (was_mapped && !mapped) view_unlink(c, ds, id);
    if (!was_mapped && mapped) {
        p->seen_next = ds->ctl->nodes[p->node.i].pods;
        ds->ctl->nodes[p->node.i].pods = id;
    }
    dsnode_refresh(c, ds, p->node.i);

    int32_t mrs = ds->spec->min_ready_seconds;
    bool became_ready = p->seen.ready && !before.ready;
    if (!p->seen.exists && !p->exists) pod_release(c, id);
    if (!ds->exists) return;
    /* From here the pod array may grow (a sync creates pods): no Pod pointers. */
    enqueue_now(c, dsid);
    if (mrs > 0 && became_ready) dsctl_enqueue(c, dsid, mrs * SIM_S + SIM_S);
}

void dsctl_pod_revised(Cluster *c, PodId id, uint32_t rev)
{
    Pod *p = cluster_pod(c, id);
    DaemonSet *ds = cluster_ds(c, p->ds);
    if (p->seen.exists) {
        ds->revs.v[p->rev].pods--;
        ds->revs.v[rev].pods++;
    }
    p->rev = rev;
    dsnode_refresh(c, ds, p->node.i);
}

/* Kruise's update expectations: the patch is observed, refused or moot. */
void dsctl_clear_patch(Cluster *c, Pod *p)
{
    if (!p->patch_pending) return;
    p->patch_pending = false;
    cluster_ds(c, p->ds)->ctl->patches_pending--;
}

void dsctl_pod_adopted(Cluster *c, PodId id, DsId from)
{
    Pod *p = cluster_pod(c, id);
    DaemonSet *old = cluster_ds(c, from), *ds = cluster_ds(c, p->ds);
    bool mapped = dsctl_pod_mapped(&p->seen);
    if (mapped) view_unlink(c, old, id);
    if (p->patch_pending) old->ctl->patches_pending--, ds->ctl->patches_pending++;
    if (p->seen.exists) ds->revs.v[p->rev].pods++;
    if (mapped) {
        p->seen_next = ds->ctl->nodes[p->node.i].pods;
        ds->ctl->nodes[p->node.i].pods = id;
    }
    dsnode_refresh(c, ds, p->node.i);
}

/* The informer's initial list: the pod is in the view as it is, with no
 * expectation to observe and no enqueue (the caller refreshes the nodes). */
void dsctl_pod_preloaded(Cluster *c, PodId id)
{
    Pod *p = cluster_pod(c, id);
    DaemonSet *ds = cluster_ds(c, p->ds);
    p->seen = (PodSeen){.exists = p->exists, .bound = p->bound, .ready = p->ready,
                        .deleting = p->deleting, .phase = p->phase, .ready_since = p->ready_since};
    ds->revs.v[p->rev].pods++;
    p->seen_next = ds->ctl->nodes[p->node.i].pods;
    ds->ctl->nodes[p->node.i].pods = id;
}

/* minReadySeconds passed for a Ready pod: its availability changes the view
 * (the controller itself is woken by its own delayed enqueues). */
static void on_pod_available(void *ctx, Sim *sim, const Event *ev)
{
    Cluster *c = ctx;
    (void)sim;
    Pod *p = &c->pods.v[ev->subject];
    if (p->gen != ev->gen || !dsctl_pod_mapped(&p->seen)) return;
    dsnode_refresh(c, cluster_ds(c, p->ds), p->node.i);
}

void dsctl_node_changed(Cluster *c, NodeId id)
{
    Node *n = cluster_node(c, id);
    n->dsctl_seen = n->exists;
    for (uint32_t i = 0; i < c->dsets.n; i++) {
        DaemonSet *ds = &c->dsets.v[i];
        if (!ds->exists) continue;
        DsNode *dn = &ds->ctl->nodes[id.i];
        uint8_t before = dn->elig, after = node_view_elig(c, ds, n);
        if (before == after) continue;
        dn->elig = after;
        dsnode_refresh(c, ds, id.i);
        /* Node add: enqueue if the DaemonSet should run there; update: if the
         * (shouldRun, shouldContinueRunning) pair changed; delete: no handler. */
        bool added = !(before & ELIG_NODE_SEEN) && (after & ELIG_NODE_SEEN);
        if (added ? (after & ELIG_SHOULD_RUN) : (after & ELIG_NODE_SEEN))
            enqueue_now(c, (DsId){i});
    }
}

static void on_node_seen(void *ctx, Sim *sim, const Event *ev)
{
    (void)sim;
    Cluster *c = ctx;
    c->nodes.v[ev->subject].dsctl_unseen--;
    dsctl_node_changed(c, (NodeId){ev->subject});
}

void dsctl_register(Cluster *c)
{
    sim_on(c->sim, EV_POD_SEEN_BY_DSCTL, on_pod_seen, c);
    sim_on(c->sim, EV_POD_AVAILABLE, on_pod_available, c);
    sim_on(c->sim, EV_NODE_SEEN_BY_DSCTL, on_node_seen, c);
    sim_on(c->sim, EV_DS_ENQUEUE, on_queue_wake, c);
    sim_on(c->sim, EV_DS_SEEN_BY_DSCTL, on_ds_seen, c);
    workqueue_init(&c->ds_queue, c->sim, EV_DS_ENQUEUE);
    sim_on(c->sim, EV_DS_SYNC_DONE, on_sync_done, c);
    sim_on(c->sim, EV_API_CREATE_POD, on_api_create, c);
    sim_on(c->sim, EV_API_DELETE_POD, on_api_delete, c);
    sim_on(c->sim, EV_API_WRITE_STATUS, on_write_status, c);
}

/* ---- kubectl rollout status (§16) ----------------------------------------------- */

bool dsctl_rollout_message(const Cluster *c, const DaemonSet *ds, char *buf, size_t n)
{
    const char *name = strtab_str(c->strs, ds->name);
    const DsStatus *s = &ds->status;
    if (ds->spec->strategy != STRATEGY_ROLLING_UPDATE) {
        snprintf(buf, n, "rollout status is only available for RollingUpdate strategy type");
        return true;
    }
    if (ds->generation > s->observed_generation) {
        snprintf(buf, n, "Waiting for daemon set spec update to be observed...");
        return false;
    }
    if (s->updated < s->desired) {
        snprintf(buf, n, "Waiting for daemon set \"%s\" rollout to finish: %lld out of %lld new pods have been updated...",
                 name, (long long)s->updated, (long long)s->desired);
        return false;
    }
    if (s->available < s->desired) {
        snprintf(buf, n, "Waiting for daemon set \"%s\" rollout to finish: %lld of %lld updated pods are available...",
                 name, (long long)s->available, (long long)s->desired);
        return false;
    }
    snprintf(buf, n, "daemon set \"%s\" successfully rolled out", name);
    return true;
}

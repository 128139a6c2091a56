/* cluster.c: the API server's truth — nodes, pods, DaemonSets and their
 * revisions — and the watch deliveries that carry each change to the
 * components that react to it. Components never call each other's handlers;
 * they change the truth here and the change reaches the others as events. */
#include "daemonsim/cluster.h"

#include "daemonsim/dsctl.h"
#include "daemonsim/kruise.h"
#include "daemonsim/kubelet.h"
#include "daemonsim/nodelc.h"
#include "daemonsim/recorder.h"
#include "daemonsim/rolloutplan.h"
#include "daemonsim/sched.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- set-up ------------------------------------------------------------------ */

static const char *const pod_event_names[PE__COUNT] = {
#define X(k, s) [PE_##k] = s,
    POD_EVENT_KINDS(X)
#undef X
};

static const char *const node_event_names[NE__COUNT] = {
#define X(k, s) [NE_##k] = s,
    NODE_EVENT_KINDS(X)
#undef X
};

const char *pod_event_name(PodEventKind k) { return pod_event_names[k]; }
const char *node_event_name(NodeEventKind k) { return node_event_names[k]; }

bool pod_event_parse(const char *name, PodEventKind *k)
{
    for (int i = 0; i < PE__COUNT; i++)
        if (!strcmp(name, pod_event_names[i])) return *k = (PodEventKind)i, true;
    return false;
}

bool node_event_parse(const char *name, NodeEventKind *k)
{
    for (int i = 0; i < NE__COUNT; i++)
        if (!strcmp(name, node_event_names[i])) return *k = (NodeEventKind)i, true;
    return false;
}

static const char *const stream_names[RS__COUNT] = {
    [RS_WATCH] = "watch",
    [RS_SCHEDULE] = "schedule",
    [RS_IMAGE_PULL] = "imagePull",
    [RS_CONTAINER_START] = "containerStart",
    [RS_READINESS] = "readiness",
    [RS_TERMINATION] = "termination",
    [RS_NODE_STARTUP] = "nodeStartup",
    [RS_CANDIDATES] = "candidates",
    [RS_NAMES] = "names",
    [RS_FAILURE] = "failure",
    [RS_LEASE] = "lease",
    [RS_PREPULL] = "prepull",
    [RS_API_ERRORS] = "apiErrors",
};

void cluster_init(Cluster *c, Sim *sim, StrTab *strs, const ControlPlane *cp,
                  const Timing *timing, uint32_t npools, uint64_t seed)
{
    memset(c, 0, sizeof *c);
    c->sim = sim;
    c->strs = strs;
    c->cp = *cp;
    c->timing = *timing;
    c->free_pods = POD_NONE;
    for (int i = 0; i < RS__COUNT; i++) c->rng[i] = rng_new(seed, rng_key(stream_names[i]));
    api_client_init(&c->ds_api, c->cp.api_qps, c->cp.api_burst);
    c->idle_workers = c->cp.workers ? c->cp.workers : 1;
    c->pool_next = xcalloc(npools ? npools : 1, sizeof *c->pool_next);
    dsctl_register(c);
    sched_register(c);
    kubelet_register(c);
    kruise_register(c);
    rolloutplan_register(c);
    nodelc_register(c);
}

void cluster_free(Cluster *c)
{
    dsctl_free(c);
    recorder_free(c);
    rolloutplan_free(c);
    for (size_t i = 0; i < c->dsets.n; i++) {
        DaemonSet *ds = &c->dsets.v[i];
        VEC_FREE(ds->revs);
        VEC_FREE(ds->rollouts);
        VEC_FREE(ds->prepull.pulled);
        VEC_FREE(ds->prepull.queue);
        free(ds->tolerations);
    }
    for (size_t i = 0; i < c->nodes.n; i++) {
        Node *n = &c->nodes.v[i];
        if (n->owns_labels) free((void *)n->labels);
        if (n->owns_taints) free((void *)n->taints);
    }
    VEC_FREE(c->dsets);
    VEC_FREE(c->nodes);
    VEC_FREE(c->zones);
    VEC_FREE(c->pods);
    workqueue_free(&c->ds_queue);
    VEC_FREE(c->scratch);
    VEC_FREE(c->plan_create);
    VEC_FREE(c->plan_delete);
    VEC_FREE(c->plan_update);
    kruise_free(c);
    for (int i = 0; i < RS__COUNT; i++) rng_free(c->rng[i]);
    free(c->pool_next);
    arena_free(&c->arena);
}

const Timing *cluster_pod_timing(const Cluster *c, const Pod *p)
{
    const DaemonSet *ds = &c->dsets.v[p->ds.i];
    const DaemonSetSpec *spec = ds->revs.v[p->rev].spec;
    if (spec->template_.timing) return spec->template_.timing;
    const Node *n = &c->nodes.v[p->node.i];
    return n->timing ? n->timing : &c->timing;
}

SimTime cluster_draw(Cluster *c, RngStream s, const Dist *d)
{
    return dist_draw(d, c->rng[s]);
}

/* The informer delay of one watch event. */
static SimTime watch_delay(Cluster *c) { return cluster_draw(c, RS_WATCH, &c->timing.watch); }

/* ---- nodes ------------------------------------------------------------------- */

static void node_publish(Cluster *c, NodeId n)
{
    c->nodes.v[n.i].dsctl_unseen++;
    sim_after(c->sim, watch_delay(c), EV_NODE_SEEN_BY_DSCTL, n.i, 0, 0);
}

static Taint *node_own_taints(Node *n, uint32_t extra);

/* Every DaemonSet's controller view keeps a slot per node; grow them together. */
static void grow_node_views(Cluster *c, uint32_t want)
{
    if (want <= c->node_cap) return;
    uint32_t cap = c->node_cap ? c->node_cap : 64;
    while (cap < want) cap *= 2;
    dsctl_grow_views(c, cap);
    c->node_cap = cap;
}

NodeId cluster_add_node(Cluster *c, const NodePoolSpec *pool, uint32_t pool_index)
{
    NodeId id = {(uint32_t)c->nodes.n};
    grow_node_views(c, id.i + 1);
    Node n = {0};
    if (pool->node_name != SYM_NONE) {
        n.name = pool->node_name;
    } else {
        char name[256];
        snprintf(name, sizeof name, "%s-%u", strtab_str(c->strs, pool->name),
                 c->pool_next[pool_index]++);
        n.name = strtab_intern(c->strs, name);
    }
    n.pool = pool_index;
    n.labels = pool->labels;
    n.nlabels = pool->nlabels;
    n.taints = pool->taints;
    n.ntaints = pool->ntaints;
    n.exists = true;
    n.unschedulable = pool->unschedulable;
    /* An imported node starts as its kubelet last reported it (§7.2, §7.3). */
    bool imported_down = c->sim->now == 0 && pool->start != NODE_START_READY;
    n.kubelet_up = !(imported_down && pool->start == NODE_START_UNKNOWN);
    n.kubelet_not_ready = imported_down && pool->start == NODE_START_NOT_READY;
    n.allocatable = pool->allocatable;
    n.used = pool->used;
    n.used_priority = pool->used_priority;
    n.pods = POD_NONE;
    n.timing = pool->timing;
    n.silent_since = n.kubelet_up ? SIM_NEVER : 0;
    /* Nodes present at the start are Ready (or as imported) and renew their
     * Lease every 10 s at a phase of their own; later ones start renewing
     * when they register and post their first Ready condition after startup. */
    bool joining = c->sim->now > 0;
    n.ready = joining ? COND_FALSE
              : !imported_down ? COND_TRUE
              : pool->start == NODE_START_NOT_READY ? COND_FALSE : COND_UNKNOWN;
    n.ready_changed = c->sim->now;
    n.posted_ready = !joining;
    n.lease_phase = joining ? c->sim->now
                            : -(SimTime)(rng_uniform(c->rng[RS_LEASE]) * (double)NODE_LEASE_RENEW);
    VEC_PUSH(c->nodes, n);
    Node *np = &c->nodes.v[id.i];
    if (np->unschedulable) {
        /* The lifecycle controller mirrors spec.unschedulable as a taint (§7.4). */
        Taint *own = node_own_taints(np, 1);
        own[np->ntaints++] = (Taint){strtab_intern(c->strs, "node.kubernetes.io/unschedulable"),
                                     SYM_EMPTY, EFFECT_NO_SCHEDULE};
    }
    if (joining) {
        /* The TaintNodesByCondition admission step puts not-ready:NoSchedule
         * on every new Node; the lifecycle controller lifts it once the
         * node is Ready. Daemon pods do not tolerate it (§3). */
        Taint *own = node_own_taints(np, 1);
        own[np->ntaints++] = (Taint){strtab_intern(c->strs, "node.kubernetes.io/not-ready"),
                                     SYM_EMPTY, EFFECT_NO_SCHEDULE};
    }
    nodelc_node_added(c, id);
    cluster_emit_node(c, np, NE_ADDED, strtab_str(c->strs, pool->name));
    if (imported_down) {
        nodelc_node_imported(c, id);
    } else if (np->ready != COND_TRUE) {
        const Timing *t = np->timing ? np->timing : &c->timing;
        sim_after(c->sim, cluster_draw(c, RS_NODE_STARTUP, &t->node_startup), EV_NODE_STARTED,
                  id.i, np->gen, 0);
    }
    node_publish(c, id);
    return id;
}

void cluster_remove_node(Cluster *c, NodeId id)
{
    Node *n = cluster_node(c, id);
    if (!n->exists) return;
    nodelc_node_removed(c, id);
    n->exists = false;
    n->kubelet_up = false;
    n->gen++;
    cluster_emit_node(c, n, NE_REMOVED, "");
    node_publish(c, id);
    /* Pod GC notices the missing node on a pass, quarantines its pods and
     * force-deletes them on the first pass after the quarantine (§7.6). */
    SimTime period = c->cp.pod_gc_period;
    SimTime now = c->sim->now;
    SimTime first = (now / period + 1) * period;
    SimTime passes = (c->cp.pod_gc_quarantine + period - 1) / period;
    sim_at(c->sim, first + passes * period, EV_POD_GC, id.i, n->gen, 0);
}

/* Labels and taints of pool nodes are shared with the pool until a node's
 * own change gives it a private copy. */
static Label *node_own_labels(Node *n, uint32_t extra)
{
    Label *l = xmalloc((n->nlabels + extra) * sizeof *l);
    if (n->nlabels) memcpy(l, n->labels, n->nlabels * sizeof *l);
    if (n->owns_labels) free((void *)n->labels);
    n->labels = l;
    n->owns_labels = true;
    return l;
}

static Taint *node_own_taints(Node *n, uint32_t extra)
{
    Taint *t = xmalloc((n->ntaints + extra) * sizeof *t);
    if (n->ntaints) memcpy(t, n->taints, n->ntaints * sizeof *t);
    if (n->owns_taints) free((void *)n->taints);
    n->taints = t;
    n->owns_taints = true;
    return t;
}

static void node_changed(Cluster *c, NodeId id)
{
    node_publish(c, id);
    sched_node_changed(c, id);
}

void cluster_set_unschedulable(Cluster *c, NodeId id, bool on)
{
    Node *n = cluster_node(c, id);
    if (!n->exists || n->unschedulable == on) return;
    n->unschedulable = on;
    cluster_emit_node(c, n, on ? NE_CORDONED : NE_UNCORDONED, "");
    /* The lifecycle controller mirrors spec.unschedulable as a NoSchedule
     * taint (§7.4); daemon pods tolerate it. */
    Sym key = strtab_intern(c->strs, "node.kubernetes.io/unschedulable");
    if (on) cluster_add_taint(c, id, (Taint){key, SYM_EMPTY, EFFECT_NO_SCHEDULE});
    else cluster_remove_taint(c, id, key, false, EFFECT_NO_SCHEDULE);
}

void cluster_add_taint(Cluster *c, NodeId id, Taint t)
{
    Node *n = cluster_node(c, id);
    if (!n->exists) return;
    for (uint32_t i = 0; i < n->ntaints; i++)
        if (n->taints[i].key == t.key && n->taints[i].effect == t.effect) {
            if (n->taints[i].value == t.value) return;
            Taint *own = node_own_taints(n, 0);
            own[i].value = t.value;
            node_changed(c, id);
            return;
        }
    Taint *own = node_own_taints(n, 1);
    own[n->ntaints++] = t;
    char detail[512];
    snprintf(detail, sizeof detail, "%s=%s:%s", strtab_str(c->strs, t.key),
             strtab_str(c->strs, t.value), taint_effect_name(t.effect));
    cluster_emit_node(c, n, NE_TAINTED, detail);
    node_changed(c, id);
}

void cluster_remove_taint(Cluster *c, NodeId id, Sym key, bool any_effect, TaintEffect e)
{
    Node *n = cluster_node(c, id);
    if (!n->exists) return;
    bool found = false;
    for (uint32_t i = 0; i < n->ntaints && !found; i++)
        found = n->taints[i].key == key && (any_effect || n->taints[i].effect == e);
    if (!found) return;
    Taint *own = node_own_taints(n, 0);
    uint32_t k = 0;
    for (uint32_t i = 0; i < n->ntaints; i++)
        if (!(own[i].key == key && (any_effect || own[i].effect == e))) own[k++] = own[i];
    n->ntaints = k;
    cluster_emit_node(c, n, NE_UNTAINTED, strtab_str(c->strs, key));
    node_changed(c, id);
}

void cluster_set_labels(Cluster *c, NodeId id, const Label *set, uint32_t nset,
                        const Sym *remove, uint32_t nremove)
{
    Node *n = cluster_node(c, id);
    if (!n->exists) return;
    Label *l = node_own_labels(n, nset);
    uint32_t k = 0;
    for (uint32_t i = 0; i < n->nlabels; i++) {
        bool drop = false;
        for (uint32_t j = 0; j < nremove && !drop; j++) drop = l[i].key == remove[j];
        for (uint32_t j = 0; j < nset && !drop; j++) drop = l[i].key == set[j].key;
        if (!drop) l[k++] = l[i];
    }
    for (uint32_t j = 0; j < nset; j++) l[k++] = set[j];
    n->nlabels = k;
    labels_normalize(l, k);
    nodelc_labels_changed(c, id);
    cluster_emit_node(c, n, nset ? NE_LABELED : NE_UNLABELED, "");
    node_changed(c, id);
}

/* ---- pods -------------------------------------------------------------------- */

static const char pod_name_alphabet[] = "bcdfghjklmnpqrstvwxz2456789";

/* `<ds>-<5 chars>`, as generateName makes them; redrawn on a clash. */
static Sym pod_new_name(Cluster *c, Sym ds_name)
{
    const char *base = strtab_str(c->strs, ds_name);
    size_t len = strlen(base);
    char *buf = xmalloc(len + 8);
    memcpy(buf, base, len);
    buf[len] = '-';
    Sym name;
    do {
        for (size_t i = 0; i < 5; i++)
            buf[len + 1 + i] = pod_name_alphabet[rng_below(c->rng[RS_NAMES], 27)];
        buf[len + 6] = '\0';
    } while (strtab_find(c->strs, buf) != SYM_NONE);
    name = strtab_intern(c->strs, buf);
    free(buf);
    return name;
}

PodId pod_create(Cluster *c, DsId ds, NodeId node, SimTime t)
{
    PodId id;
    if (c->free_pods.i != ID_NONE) {
        id = c->free_pods;
        c->free_pods = cluster_pod(c, id)->free_next;
    } else {
        id.i = (uint32_t)c->pods.n;
        Pod blank = {0};
        VEC_PUSH(c->pods, blank);
    }
    Pod *p = cluster_pod(c, id);
    uint32_t gen = p->gen + 1, timer = p->timer + 1;
    memset(p, 0, sizeof *p);
    p->gen = gen;
    p->timer = timer;
    DaemonSet *d = cluster_ds(c, ds);
    p->name = pod_new_name(c, d->name);
    p->ds = ds;
    p->node = node;
    p->rev = d->cur;
    p->created = t;
    p->ready_since = SIM_NEVER;
    p->next_on_node = POD_NONE;
    p->seen_next = POD_NONE;
    p->free_next = POD_NONE;
    p->seen.ready_since = SIM_NEVER;
    return id;
}

void pod_publish(Cluster *c, PodId id)
{
    Pod *p = cluster_pod(c, id);
    if (c->sync_mode) {
        Event ev = {.at = c->sim->now, .kind = EV_POD_SEEN_BY_DSCTL, .subject = id.i,
                    .gen = p->gen};
        c->sim->handlers[EV_POD_SEEN_BY_DSCTL](c->sim->ctx[EV_POD_SEEN_BY_DSCTL], c->sim, &ev);
        return;
    }
    sim_after(c->sim, watch_delay(c), EV_POD_SEEN_BY_DSCTL, id.i, p->gen, 0);
}

/* metav1.Time serialises to whole seconds (RFC 3339 without fraction), so
 * every timestamp a controller reads back from the API server is truncated:
 * creationTimestamp, condition lastTransitionTime, deletionTimestamp. */
static SimTime api_time(SimTime t) { return t - t % SIM_S; }

/* The create call reaches the API server: the pod exists from now on. */
void pod_materialize(Cluster *c, PodId id)
{
    Pod *p = cluster_pod(c, id);
    Node *n = cluster_node(c, p->node);
    p->exists = true;
    p->phase = POD_PENDING;
    p->created = api_time(c->sim->now);
    p->next_on_node = n->pods;
    n->pods = id;
    const DaemonSetSpec *spec = cluster_ds(c, p->ds)->revs.v[p->rev].spec;
    const Failure *f = &spec->template_.failure;
    if (f->mode != FAILURE_NONE)
        p->will_fail = rng_uniform(c->rng[RS_FAILURE]) < f->probability;
    cluster_emit_pod(c, p, PE_CREATED);
    pod_publish(c, id);
    if (c->sync_mode) return;
    sim_after(c->sim, watch_delay(c), EV_POD_SEEN_BY_SCHED, id.i, p->gen, 0);
}

void pod_set_ready(Cluster *c, PodId id, bool ready)
{
    Pod *p = cluster_pod(c, id);
    if (p->ready == ready) return;
    p->ready = ready;
    p->ready_since = api_time(c->sim->now);
    cluster_emit_pod(c, p, ready ? PE_READY : PE_NOT_READY);
    pod_publish(c, id);
}

void pod_begin_delete(Cluster *c, PodId id)
{
    Pod *p = cluster_pod(c, id);
    if (!p->exists || p->deleting) return;
    /* The API server deletes an unscheduled or terminated (Failed,
     * Succeeded) pod at once: grace period 0, no kubelet to confirm
     * (pkg/registry/core/pod/strategy.go CheckGracefulDelete). So a Failed
     * pod on a node that is down does not linger as Terminating. */
    if (!p->bound || p->phase == POD_FAILED || p->phase == POD_SUCCEEDED) {
        pod_remove(c, id);
        return;
    }
    p->deleting = true;
    cluster_emit_pod(c, p, PE_TERMINATING);
    pod_publish(c, id);
    if (!c->sync_mode)
        sim_after(c->sim, watch_delay(c), EV_POD_SEEN_BY_KUBELET, id.i, p->gen, 0);
}

void pod_remove(Cluster *c, PodId id)
{
    Pod *p = cluster_pod(c, id);
    if (!p->exists) return;
    Node *n = cluster_node(c, p->node);
    PodId *link = &n->pods;
    while (link->i != id.i) link = &cluster_pod(c, *link)->next_on_node;
    *link = p->next_on_node;
    p->next_on_node = POD_NONE;
    if (p->bound) {
        const Resources *r = &cluster_ds(c, p->ds)->revs.v[p->rev].spec->template_.requests;
        n->daemon_used.cpu -= r->cpu;
        n->daemon_used.memory -= r->memory;
        n->daemon_used.pods -= 1000;
    }
    p->exists = false;
    p->ready = false;
    p->timer++;
    cluster_emit_pod(c, p, PE_DELETED);
    pod_publish(c, id);
    if (n->exists) sched_node_changed(c, p->node);
}

/* The DaemonSet controller saw the pod gone: nothing refers to the slot now. */
void pod_release(Cluster *c, PodId id)
{
    Pod *p = cluster_pod(c, id);
    DS_ASSERT(!p->exists && !p->seen.exists);
    dsctl_clear_patch(c, p);
    p->free_next = c->free_pods;
    c->free_pods = id;
}

const char *pod_phase_name(PodPhase ph)
{
    switch (ph) {
    case POD_PENDING: return "Pending";
    case POD_RUNNING: return "Running";
    case POD_SUCCEEDED: return "Succeeded";
    case POD_FAILED: return "Failed";
    }
    return "?";
}

void cluster_fail_pod(Cluster *c, PodId id)
{
    Pod *p = cluster_pod(c, id);
    if (!p->exists || p->deleting || p->phase == POD_FAILED) return;
    p->timer++;
    p->phase = POD_FAILED;
    p->ready = false;
    cluster_emit_pod(c, p, PE_FAILED);
    pod_publish(c, id);
}

/* ---- DaemonSets -------------------------------------------------------------- */

/* FNV-32a of the canonical template, spelled with the alphabet upstream uses
 * for generated names (its SafeEncodeString of the decimal value, §1). */
static void revision_hash(const DaemonSetSpec *spec, Revision *r)
{
    const char *s = spec->template_.canonical ? spec->template_.canonical : "";
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    r->hash = h;
    char dec[12];
    int n = snprintf(dec, sizeof dec, "%u", h);
    for (int i = 0; i < n; i++) r->hash_str[i] = pod_name_alphabet[(unsigned char)dec[i] % 27];
    r->hash_str[n] = '\0';
}

static bool same_template(const DaemonSetSpec *a, const DaemonSetSpec *b)
{
    const char *x = a->template_.canonical, *y = b->template_.canonical;
    if (!x || !y) return x == y;
    return strcmp(x, y) == 0;
}

static const struct { const char *key; TaintEffect effect; bool host_network_only; } auto_tolerations[] = {
    {"node.kubernetes.io/not-ready", EFFECT_NO_EXECUTE, false},
    {"node.kubernetes.io/unreachable", EFFECT_NO_EXECUTE, false},
    {"node.kubernetes.io/disk-pressure", EFFECT_NO_SCHEDULE, false},
    {"node.kubernetes.io/memory-pressure", EFFECT_NO_SCHEDULE, false},
    {"node.kubernetes.io/pid-pressure", EFFECT_NO_SCHEDULE, false},
    {"node.kubernetes.io/unschedulable", EFFECT_NO_SCHEDULE, false},
    {"node.kubernetes.io/network-unavailable", EFFECT_NO_SCHEDULE, true},
};

/* Template tolerations plus the ones the controller adds to every daemon pod
 * (§3): an identical (key, operator, value, effect) is replaced, anything
 * else is kept and the automatic one appended. `out` holds room for the
 * template's and the automatic ones; returns the count. */
static uint32_t build_tolerations(Cluster *c, const PodTemplate *t, Toleration *out)
{
    uint32_t n = t->ntolerations;
    if (n) memcpy(out, t->tolerations, n * sizeof *out);
    for (size_t i = 0; i < DS_ARRAY_LEN(auto_tolerations); i++) {
        if (auto_tolerations[i].host_network_only && !t->host_network) continue;
        Toleration a = {.key = strtab_intern(c->strs, auto_tolerations[i].key), .op = TOL_EXISTS,
                        .value = SYM_EMPTY, .effect = auto_tolerations[i].effect};
        bool replaced = false;
        for (uint32_t j = 0; j < n && !replaced; j++) {
            Toleration *u = &out[j];
            if (u->key == a.key && u->op == a.op && u->value == a.value && u->effect == a.effect) {
                *u = a;
                replaced = true;
            }
        }
        if (!replaced) out[n++] = a;
    }
    return n;
}

static void ds_build_tolerations(Cluster *c, DaemonSet *ds)
{
    const PodTemplate *t = &ds->spec->template_;
    free(ds->tolerations);
    ds->tolerations = xmalloc((t->ntolerations + DS_ARRAY_LEN(auto_tolerations)) * sizeof *ds->tolerations);
    ds->ntolerations = build_tolerations(c, t, ds->tolerations);
}

/* The scheduler checks a pod against its own revision's tolerations. */
static void revision_tolerations(Cluster *c, Revision *r)
{
    const PodTemplate *t = &r->spec->template_;
    Toleration *tol = arena_alloc(&c->arena, (t->ntolerations + DS_ARRAY_LEN(auto_tolerations)) * sizeof *tol);
    r->ntolerations = build_tolerations(c, t, tol);
    r->tolerations = tol;
}

static void rollout_begin(Cluster *c, DaemonSet *ds)
{
    Rollout r = {.revision = ds->revs.v[ds->cur].number, .rev = ds->cur,
                 .started = c->sim->now, .completed = SIM_NEVER,
                 .max_unavailable = ds->view.unavailable,
                 .unavailable_at_start = ds->view.unavailable};
    VEC_PUSH(ds->rollouts, r);
}

DsId cluster_create_ds(Cluster *c, const DaemonSetSpec *spec)
{
    DsId id = {(uint32_t)c->dsets.n};
    DaemonSet blank = {0};
    VEC_PUSH(c->dsets, blank);
    DaemonSet *ds = cluster_ds(c, id);
    ds->name = spec->name;
    ds->spec = spec;
    ds->exists = true;
    ds->generation = 1;
    ds->view_changed = c->sim->now;
    Revision r = {.spec = spec, .number = 1, .live = true};
    revision_hash(spec, &r);
    revision_tolerations(c, &r);
    VEC_PUSH(ds->revs, r);
    ds->cur = 0;
    ds_build_tolerations(c, ds);
    dsctl_ds_added(c, id);
    cluster_adopt_orphans(c, id);
    rollout_begin(c, ds);
    dsctl_ds_published(c, id);
    return id;
}

/* A new template (or an old one again) becomes current (§12): the matching
 * revision is reused with its number raised above all others. */
static void ds_set_template(Cluster *c, DaemonSet *ds, DsId id, const DaemonSetSpec *spec)
{
    spec = rolloutplan_admit(c, id, spec);
    bool template_changed = !same_template(ds->spec, spec);
    ds->spec = spec;
    ds->generation++;
    if (template_changed) {
        int64_t next = 0;
        uint32_t found = UINT32_MAX;
        for (uint32_t i = 0; i < ds->revs.n; i++) {
            if (ds->revs.v[i].number > next) next = ds->revs.v[i].number;
            if (same_template(ds->revs.v[i].spec, spec)) found = i;
        }
        next++;
        if (found == UINT32_MAX) {
            Revision r = {.spec = spec, .number = next, .live = true};
            revision_hash(spec, &r);
            revision_tolerations(c, &r);
            VEC_PUSH(ds->revs, r);
            found = (uint32_t)ds->revs.n - 1;
        } else {
            ds->revs.v[found].number = next;
            ds->revs.v[found].spec = spec;
            ds->revs.v[found].live = true;
            ds->revs.v[found].written = false;     /* the controller renumbers it */
            revision_tolerations(c, &ds->revs.v[found]);
        }
        ds->cur = found;
    }
    ds_build_tolerations(c, ds);
    dsctl_ds_changed(c, id);
    if (template_changed) rollout_begin(c, ds);
    dsctl_ds_published(c, id);
}

/* A new template while the previous placement or rollout is still going:
 * the figures of the two mix, which is rarely what a study meant. */
static void warn_overlap(Cluster *c, const DaemonSet *ds)
{
    if (!c->sink.warning || ds->rollouts.n == 0) return;
    const Rollout *r = &ds->rollouts.v[ds->rollouts.n - 1];
    if (r->completed != SIM_NEVER) return;
    bool placement = ds->rollouts.n == 1 && r->rev == 0 && !ds->revs.v[0].spec->already_running;
    char msg[256];
    snprintf(msg, sizeof msg,
             "update starts before the %s of revision %lld has converged (%lld of %lld desired "
             "pods updated and available); its rollout figures include that one's",
             placement ? "placement" : "rollout", (long long)r->revision,
             (long long)ds->view.updated_available, (long long)ds->view.desired);
    c->sink.warning(c->sink.ctx, c->sim->now, ds, msg);
}

void cluster_update_ds(Cluster *c, DsId id, const DaemonSetSpec *spec)
{
    DaemonSet *ds = cluster_ds(c, id);
    if (!ds->exists) return;
    if (!same_template(ds->spec, spec)) warn_overlap(c, ds);
    ds_set_template(c, ds, id, spec);
}

bool cluster_rollback_ds(Cluster *c, DsId id, int64_t to, char *why, size_t n)
{
    DaemonSet *ds = cluster_ds(c, id);
    /* kubectl rollout undo: the named revision, or the second highest. */
    uint32_t pick = UINT32_MAX;
    if (to > 0) {
        for (uint32_t i = 0; i < ds->revs.n; i++)
            if (ds->revs.v[i].live && ds->revs.v[i].number == to) pick = i;
        if (pick == UINT32_MAX) {
            snprintf(why, n, "unable to find specified revision %lld in history", (long long)to);
            return false;
        }
    } else {
        int64_t best = -1;
        for (uint32_t i = 0; i < ds->revs.n; i++) {
            const Revision *r = &ds->revs.v[i];
            if (i == ds->cur || !r->live) continue;
            if (r->number > best) {
                best = r->number;
                pick = i;
            }
        }
        if (pick == UINT32_MAX) {
            snprintf(why, n, "no last revision to roll back to");
            return false;
        }
    }
    if (pick == ds->cur) {
        snprintf(why, n, "skipped rollback (current template already matches revision %lld)",
                 (long long)ds->revs.v[pick].number);
        return true;
    }
    /* Only the template comes back; strategy and the rest stay as they are. */
    DaemonSetSpec *spec = arena_alloc(&c->arena, sizeof *spec);
    *spec = *ds->spec;
    spec->template_ = ds->revs.v[pick].spec->template_;
    snprintf(why, n, "rolled back to revision %lld", (long long)ds->revs.v[pick].number);
    ds_set_template(c, ds, id, spec);
    return true;
}

void cluster_delete_ds(Cluster *c, DsId id, bool orphan)
{
    DaemonSet *ds = cluster_ds(c, id);
    if (!ds->exists) return;
    ds->exists = false;
    ds->orphaned = orphan;
    /* Background cascade: the garbage collector deletes the dependents;
     * orphan: they stay, without an owner. */
    for (size_t i = 0; i < c->pods.n && !orphan; i++) {
        Pod *p = &c->pods.v[i];
        if (p->exists && p->ds.i == id.i) pod_begin_delete(c, (PodId){(uint32_t)i});
    }
}

/* The revision of `ds` whose template equals `spec`'s, appended (as an
 * adopted ControllerRevision with its old number) when there is none. */
static uint32_t adopt_revision(DaemonSet *ds, const Revision *from)
{
    for (uint32_t i = 0; i < ds->revs.n; i++)
        if (same_template(ds->revs.v[i].spec, from->spec)) return i;
    Revision r = *from;
    r.pods = 0;
    VEC_PUSH(ds->revs, r);
    return (uint32_t)ds->revs.n - 1;
}

/* Controller-ref claiming (§5.1): an orphan that is not being deleted and
 * whose labels match the selector is adopted. Its labels are its template's.
 * An empty selector claims nothing: syncDaemonSet stops at SelectingAll
 * before getNodesToDaemonPods claims pods (docs/conformance.md C23). */
void cluster_adopt_orphans(Cluster *c, DsId id)
{
    DaemonSet *ds = cluster_ds(c, id);
    if (selector_is_empty(&ds->spec->selector)) return;
    for (size_t i = 0; i < c->pods.n; i++) {
        Pod *p = &c->pods.v[i];
        DaemonSet *owner = &c->dsets.v[p->ds.i];
        if (!p->exists || p->deleting || p->ds.i == id.i || owner->exists || !owner->orphaned) continue;
        const PodTemplate *t = &owner->revs.v[p->rev].spec->template_;
        if (!selector_matches(&ds->spec->selector, t->labels, t->nlabels, c->strs)) continue;
        DsId from = p->ds;
        p->rev = adopt_revision(ds, &owner->revs.v[p->rev]);
        p->ds = id;
        dsctl_pod_adopted(c, (PodId){(uint32_t)i}, from);
        plancount_pod_changed(c, (uint32_t)i);
        ds = cluster_ds(c, id);
    }
}

DsId cluster_find_ds(const Cluster *c, Sym name)
{
    for (size_t i = 0; i < c->dsets.n; i++)
        if (c->dsets.v[i].name == name && c->dsets.v[i].exists) return (DsId){(uint32_t)i};
    return DS_NONE;
}

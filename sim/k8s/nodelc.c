/* nodelc.c: the node lifecycle controller and the pod garbage collector
 * (§7.1, §7.3, §7.6), modelled by silence rather than heartbeats: a node
 * whose kubelet stops gets one timer for the monitor pass that will notice
 * it; a kubelet that comes back cancels it. The kubelet renews its Lease
 * every 10 s; monitorNodeHealth (every --node-monitor-period) takes the pass
 * that first sees the last renewal as the probe time and marks the node
 * Unknown on the first pass strictly after probe + grace period
 * (tryUpdateNodeHealth), the startup grace while the kubelet has never
 * posted a Ready condition.
 *
 * NoSchedule condition taints follow the Ready condition at once. NoExecute
 * taints go through a rate limiter per zone (label topology.kubernetes.io/zone)
 * whose rate depends on the zone's health: --node-eviction-rate 0.1/s
 * normally; in a partially disrupted zone (more than 2 nodes not Ready and at
 * least 55% of it) --secondary-node-eviction-rate 0.01/s when the zone has
 * more than 50 nodes, else none; when every zone is fully disrupted, none. */
#include "daemonsim/nodelc.h"

#include "daemonsim/kubelet.h"

#define EVICTION_RATE 0.1
#define SECONDARY_EVICTION_RATE 0.01
#define LARGE_CLUSTER_SIZE 50
#define UNHEALTHY_ZONE_THRESHOLD 0.55

/* aux of EV_NODE_NO_EXECUTE: take a limiter token first (imported nodes). */
#define NO_EXECUTE_QUEUE 1

static Sym sym(Cluster *c, const char *s) { return strtab_intern(c->strs, s); }

/* ---- zones ------------------------------------------------------------------- */

static uint32_t zone_of(Cluster *c, const Node *n)
{
    Sym key = strtab_intern(c->strs, "topology.kubernetes.io/zone");
    Sym name = labels_get(n->labels, n->nlabels, key);
    if (name == SYM_NONE) name = SYM_EMPTY;
    for (uint32_t i = 0; i < c->zones.n; i++)
        if (c->zones.v[i].name == name) return i;
    Zone z = {.name = name};
    VEC_PUSH(c->zones, z);
    return (uint32_t)c->zones.n - 1;
}

static void zone_count(Cluster *c, const Node *n, int sign)
{
    Zone *z = &c->zones.v[n->zone];
    z->nodes += (uint32_t)sign;
    if (n->ready != COND_TRUE) z->not_ready += (uint32_t)sign;
}

void nodelc_node_added(Cluster *c, NodeId id)
{
    Node *n = cluster_node(c, id);
    n->zone = zone_of(c, n);
    zone_count(c, n, +1);
}

void nodelc_node_removed(Cluster *c, NodeId id) { zone_count(c, cluster_node(c, id), -1); }

void nodelc_labels_changed(Cluster *c, NodeId id)
{
    Node *n = cluster_node(c, id);
    zone_count(c, n, -1);
    n->zone = zone_of(c, n);
    zone_count(c, n, +1);
}

static bool zone_fully_disrupted(const Zone *z) { return z->nodes > 0 && z->not_ready == z->nodes; }

static bool all_zones_fully_disrupted(const Cluster *c)
{
    for (uint32_t i = 0; i < c->zones.n; i++)
        if (c->zones.v[i].nodes > 0 && !zone_fully_disrupted(&c->zones.v[i])) return false;
    return true;
}

/* NoExecute tainting rate of a zone now, in nodes per second (0: none). */
static double zone_rate(const Cluster *c, const Zone *z)
{
    if (all_zones_fully_disrupted(c)) return 0;
    if (zone_fully_disrupted(z)) return EVICTION_RATE;
    if (z->not_ready > 2 && (double)z->not_ready >= UNHEALTHY_ZONE_THRESHOLD * z->nodes)
        return z->nodes > LARGE_CLUSTER_SIZE ? SECONDARY_EVICTION_RATE : 0;
    return EVICTION_RATE;
}

static void set_ready(Cluster *c, NodeId id, CondStatus st)
{
    Node *n = cluster_node(c, id);
    if (n->ready == st) return;
    if (n->exists) {
        Zone *z = &c->zones.v[n->zone];
        if (n->ready == COND_TRUE) z->not_ready++;
        else if (st == COND_TRUE) z->not_ready--;
    }
    n->ready = st;
    n->ready_changed = c->sim->now;
    cluster_emit_node(c, n, st == COND_TRUE ? NE_READY : st == COND_FALSE ? NE_NOT_READY : NE_UNKNOWN,
                      "");
}

/* The first monitor pass at or after `t`. */
static SimTime next_pass(const Cluster *c, SimTime t)
{
    SimTime period = c->cp.node_monitor_period;
    return (t + period - 1) / period * period;
}

/* The NoExecute condition taint (not-ready for Ready=False, unreachable for
 * Unknown) waits for the zone's limiter (one token per node). */
static void queue_no_execute(Cluster *c, NodeId id, SimTime from)
{
    Node *n = cluster_node(c, id);
    Zone *z = &c->zones.v[n->zone];
    double rate = zone_rate(c, z);
    if (rate <= 0) return;
    SimTime interval = (SimTime)((double)SIM_S / rate);
    SimTime at = z->tat > from ? z->tat : from;
    z->tat = at + interval;
    sim_at(c->sim, at, EV_NODE_NO_EXECUTE, id.i, n->gen, 0);
}

void cluster_kubelet_stop(Cluster *c, NodeId id)
{
    Node *n = cluster_node(c, id);
    if (!n->exists || !n->kubelet_up) return;
    SimTime now = c->sim->now;
    n->kubelet_up = false;
    n->kubelet_not_ready = false;
    n->silent_since = now;
    n->gen++;
    cluster_emit_node(c, n, NE_KUBELET_STOPPED, "");
    kubelet_freeze(c, id);
    /* The last Lease renewal, the pass that saw it, and the first pass
     * strictly after that probe time plus the grace period. */
    SimTime last_renew = n->lease_phase;
    if (now >= n->lease_phase) last_renew += (now - n->lease_phase) / NODE_LEASE_RENEW * NODE_LEASE_RENEW;
    SimTime probe = next_pass(c, last_renew);
    SimTime grace = n->posted_ready ? c->cp.node_monitor_grace : c->cp.node_startup_grace;
    sim_at(c->sim, next_pass(c, probe + grace + 1), EV_NODE_GRACE_EXPIRED, id.i, n->gen, 0);
}

/* The kubelet itself posts Ready=False (e.g. NetworkPluginNotReady) and
 * keeps renewing its Lease: the NoSchedule taint follows at once
 * (doNoScheduleTaintingPass), the NoExecute one from the next monitor pass
 * through the zone limiter. Pods keep their readiness: MarkPodsNotReady only
 * runs when the controller itself sees Ready go from True (monitorNodeHealth). */
void cluster_kubelet_report_not_ready(Cluster *c, NodeId id, Sym reason)
{
    Node *n = cluster_node(c, id);
    if (!n->exists || !n->kubelet_up || n->kubelet_not_ready) return;
    n->kubelet_not_ready = true;
    n->gen++;
    cluster_emit_node(c, n, NE_KUBELET_NOT_READY, strtab_str(c->strs, reason));
    set_ready(c, id, COND_FALSE);
    n->posted_ready = true;
    kubelet_freeze(c, id);
    cluster_add_taint(c, id, (Taint){sym(c, "node.kubernetes.io/not-ready"), SYM_EMPTY, EFFECT_NO_SCHEDULE});
    queue_no_execute(c, id, next_pass(c, c->sim->now));
}

/* The kubelet posts Ready=True: the NoSchedule condition taints go at once
 * (doNoScheduleTaintingPass, driven by the node update), the NoExecute ones
 * on the next monitor pass that sees the node Ready (markNodeAsReachable). */
static void post_ready(Cluster *c, NodeId id)
{
    Node *n = cluster_node(c, id);
    set_ready(c, id, COND_TRUE);
    n->posted_ready = true;
    cluster_remove_taint(c, id, sym(c, "node.kubernetes.io/unreachable"), false, EFFECT_NO_SCHEDULE);
    cluster_remove_taint(c, id, sym(c, "node.kubernetes.io/not-ready"), false, EFFECT_NO_SCHEDULE);
    n = cluster_node(c, id);
    sim_at(c->sim, next_pass(c, c->sim->now), EV_NODE_REACHABLE, id.i, n->gen, 0);
}

void cluster_kubelet_start(Cluster *c, NodeId id)
{
    Node *n = cluster_node(c, id);
    if (!n->exists || (n->kubelet_up && !n->kubelet_not_ready)) return;
    if (!n->kubelet_up) {
        n->kubelet_up = true;
        n->silent_since = SIM_NEVER;
        n->lease_phase = c->sim->now;
        cluster_emit_node(c, n, NE_KUBELET_STARTED, "");
    }
    n->kubelet_not_ready = false;
    n->gen++;
    post_ready(c, id);
    /* Pods that lost readiness while the node was away probe again. */
    kubelet_resume(c, id);
}

static void on_reachable(void *ctx, Sim *sim, const Event *ev)
{
    Cluster *c = ctx;
    (void)sim;
    NodeId id = {ev->subject};
    Node *n = cluster_node(c, id);
    if (n->gen != ev->gen || !n->exists || n->ready != COND_TRUE) return;
    cluster_remove_taint(c, id, sym(c, "node.kubernetes.io/unreachable"), false, EFFECT_NO_EXECUTE);
    cluster_remove_taint(c, id, sym(c, "node.kubernetes.io/not-ready"), false, EFFECT_NO_EXECUTE);
}

/* Ready -> Unknown: conditions, taints, and every pod on the node NotReady
 * (MarkPodsNotReady, no DaemonSet exemption). */
static void on_grace_expired(void *ctx, Sim *sim, const Event *ev)
{
    Cluster *c = ctx;
    (void)sim;
    NodeId id = {ev->subject};
    Node *n = cluster_node(c, id);
    if (n->gen != ev->gen || !n->exists || n->kubelet_up) return;
    bool was_ready = n->ready == COND_TRUE;
    set_ready(c, id, COND_UNKNOWN);
    /* The taints mirror the condition: unreachable replaces not-ready (a
     * joining node's NoSchedule one, or those of a kubelet's own Ready=False). */
    Sym key = sym(c, "node.kubernetes.io/unreachable");
    cluster_remove_taint(c, id, sym(c, "node.kubernetes.io/not-ready"), true, EFFECT_ALL);
    cluster_add_taint(c, id, (Taint){key, SYM_EMPTY, EFFECT_NO_SCHEDULE});
    n = cluster_node(c, id);
    /* MarkPodsNotReady runs when the monitor sees Ready leave True. */
    for (PodId o = n->pods; o.i != ID_NONE && was_ready; o = c->pods.v[o.i].next_on_node)
        if (c->pods.v[o.i].ready) pod_set_ready(c, o, false);
    /* Every zone down looks like a control-plane problem: the controller
     * stops tainting and lifts the NoExecute taints it placed. */
    if (all_zones_fully_disrupted(c)) {
        for (uint32_t i = 0; i < c->nodes.n; i++)
            cluster_remove_taint(c, (NodeId){i}, key, false, EFFECT_NO_EXECUTE);
        return;
    }
    queue_no_execute(c, id, sim->now);
}

static void on_no_execute(void *ctx, Sim *sim, const Event *ev)
{
    Cluster *c = ctx;
    (void)sim;
    NodeId id = {ev->subject};
    Node *n = cluster_node(c, id);
    if (n->gen != ev->gen || !n->exists || n->ready == COND_TRUE) return;
    if (ev->aux == NO_EXECUTE_QUEUE) {
        if (!all_zones_fully_disrupted(c)) queue_no_execute(c, id, c->sim->now);
        return;
    }
    if (zone_rate(c, &c->zones.v[n->zone]) <= 0) return;
    /* not-ready for Ready=False, unreachable for Unknown; never both (§7.1). */
    bool unknown = n->ready == COND_UNKNOWN;
    Sym key = sym(c, unknown ? "node.kubernetes.io/unreachable" : "node.kubernetes.io/not-ready");
    Sym other = sym(c, unknown ? "node.kubernetes.io/not-ready" : "node.kubernetes.io/unreachable");
    cluster_remove_taint(c, id, other, false, EFFECT_NO_EXECUTE);
    cluster_add_taint(c, id, (Taint){key, SYM_EMPTY, EFFECT_NO_EXECUTE});
}

void nodelc_node_imported(Cluster *c, NodeId id)
{
    Node *n = cluster_node(c, id);
    bool unknown = n->ready == COND_UNKNOWN;
    cluster_emit_node(c, n, unknown ? NE_UNKNOWN : NE_NOT_READY, "imported");
    Sym key = sym(c, unknown ? "node.kubernetes.io/unreachable" : "node.kubernetes.io/not-ready");
    for (uint32_t i = 0; i < n->ntaints; i++)
        if (n->taints[i].key == key && n->taints[i].effect == EFFECT_NO_EXECUTE) return;
    /* The first monitor pass, once every node is counted in its zone. */
    sim_at(c->sim, c->sim->now, EV_NODE_NO_EXECUTE, id.i, n->gen, NO_EXECUTE_QUEUE);
}

static void on_node_started(void *ctx, Sim *sim, const Event *ev)
{
    Cluster *c = ctx;
    (void)sim;
    NodeId id = {ev->subject};
    Node *n = cluster_node(c, id);
    if (n->gen != ev->gen || !n->exists || !n->kubelet_up) return;
    post_ready(c, id);
    kubelet_resume(c, id);
}

/* Pods bound to a deleted node: force-deleted after the quarantine. */
static void on_pod_gc(void *ctx, Sim *sim, const Event *ev)
{
    Cluster *c = ctx;
    (void)sim;
    Node *n = &c->nodes.v[ev->subject];
    if (n->gen != ev->gen || n->exists) return;
    PodId o = n->pods;
    while (o.i != ID_NONE) {
        PodId next = c->pods.v[o.i].next_on_node;
        if (c->pods.v[o.i].bound) pod_remove(c, o);
        o = next;
    }
}

void nodelc_register(Cluster *c)
{
    sim_on(c->sim, EV_NODE_GRACE_EXPIRED, on_grace_expired, c);
    sim_on(c->sim, EV_NODE_NO_EXECUTE, on_no_execute, c);
    sim_on(c->sim, EV_NODE_STARTED, on_node_started, c);
    sim_on(c->sim, EV_POD_GC, on_pod_gc, c);
    sim_on(c->sim, EV_NODE_REACHABLE, on_reachable, c);
}

/* nodelc.c: the node lifecycle controller and the pod garbage collector
 * (§7.1, §7.3, §7.6), modelled by silence rather than heartbeats: a node
 * whose kubelet stops gets one timer for the monitor pass that will notice
 * it; a kubelet that comes back cancels it. */
#include "daemonsim/cluster.h"

static void emit(Cluster *c, const Node *n, const char *kind, const char *detail)
{
    if (c->sink.node_event) c->sink.node_event(c->sink.ctx, c->sim->now, n, kind, detail);
}

static Sym sym(Cluster *c, const char *s) { return strtab_intern(c->strs, s); }

static void set_ready(Cluster *c, NodeId id, CondStatus st)
{
    Node *n = cluster_node(c, id);
    if (n->ready == st) return;
    n->ready = st;
    n->ready_changed = c->sim->now;
    emit(c, n, st == COND_TRUE ? "Ready" : st == COND_FALSE ? "NotReady" : "Unknown", "");
}

void cluster_kubelet_stop(Cluster *c, NodeId id)
{
    Node *n = cluster_node(c, id);
    if (!n->exists || !n->kubelet_up) return;
    n->kubelet_up = false;
    n->silent_since = c->sim->now;
    n->gen++;
    emit(c, n, "KubeletStopped", "");
    kubelet_freeze(c, id);
    /* The first monitor pass after the grace period notices the silence. */
    SimTime grace = n->ready == COND_TRUE || n->ready_changed > 0 ? c->cp.node_monitor_grace
                                                                   : c->cp.node_startup_grace;
    SimTime period = c->cp.node_monitor_period;
    SimTime due = c->sim->now + grace;
    sim_at(c->sim, (due / period + 1) * period, EV_NODE_GRACE_EXPIRED, id.i, n->gen, 0);
}

void cluster_kubelet_start(Cluster *c, NodeId id)
{
    Node *n = cluster_node(c, id);
    if (!n->exists || n->kubelet_up) return;
    n->kubelet_up = true;
    n->silent_since = SIM_NEVER;
    n->gen++;
    emit(c, n, "KubeletStarted", "");
    /* The kubelet posts Ready at once; the lifecycle controller lifts its taints. */
    set_ready(c, id, COND_TRUE);
    cluster_remove_taint(c, id, sym(c, "node.kubernetes.io/unreachable"), true, EFFECT_ALL);
    cluster_remove_taint(c, id, sym(c, "node.kubernetes.io/not-ready"), true, EFFECT_ALL);
    /* Pods that lost readiness while the node was away probe again. */
    kubelet_resume(c, id);
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
    set_ready(c, id, COND_UNKNOWN);
    Sym key = sym(c, "node.kubernetes.io/unreachable");
    cluster_add_taint(c, id, (Taint){key, SYM_EMPTY, EFFECT_NO_SCHEDULE});
    cluster_add_taint(c, id, (Taint){key, SYM_EMPTY, EFFECT_NO_EXECUTE});
    for (PodId o = n->pods; o.i != ID_NONE; o = c->pods.v[o.i].next_on_node)
        if (c->pods.v[o.i].ready) pod_set_ready(c, o, false);
}

static void on_node_started(void *ctx, Sim *sim, const Event *ev)
{
    Cluster *c = ctx;
    (void)sim;
    NodeId id = {ev->subject};
    Node *n = cluster_node(c, id);
    if (n->gen != ev->gen || !n->exists || !n->kubelet_up) return;
    set_ready(c, id, COND_TRUE);
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
    sim_on(c->sim, EV_NODE_STARTED, on_node_started, c);
    sim_on(c->sim, EV_POD_GC, on_pod_gc, c);
}

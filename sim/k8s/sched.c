/* sched.c: the default scheduler as it treats daemon pods (§7.7). A daemon
 * pod names its node through required affinity, so scheduling is a yes/no
 * question about one node: NodeAffinity (the template's nodeSelector),
 * TaintToleration (the tolerations of the pod's own revision), NodeUnschedulable,
 * NodeResourcesFit and NodePorts (port, protocol and hostIP). A pod that does
 * not fit stays Pending and is retried when its node changes — once its
 * back-off (1 s doubling to 10 s) has run from its last attempt, as the
 * scheduling queue moves it to backoffQ or activeQ — or at the 5-minute
 * flush. A daemon pod with a higher priority than the node's other load
 * preempts that load: the victims are deleted with their grace period, the
 * pod is nominated and binds on the retry that their deletion triggers. */
#include "daemonsim/sched.h"

#include "daemonsim/kubelet.h"
#include "daemonsim/recorder.h"

#include <stdio.h>
#include <string.h>

#define SCHED_BACKOFF_INITIAL SIM_S
#define SCHED_BACKOFF_MAX (10 * SIM_S)
#define SCHED_FLUSH (5 * SIM_MIN)

static const PodTemplate *pod_template(const Cluster *c, const Pod *p)
{
    return &c->dsets.v[p->ds.i].revs.v[p->rev].spec->template_;
}

#define SCHED_VICTIM_GRACE (30 * SIM_S)

/* NodePorts (HostPortInfo.CheckConflict): the same port and protocol on the
 * same hostIP, where an empty hostIP (0.0.0.0) overlaps every address. */
static bool port_conflict(const Cluster *c, const PodTemplate *t, uint32_t i, const PodTemplate *u,
                          uint32_t j)
{
    if (t->host_ports[i] != u->host_ports[j]) return false;
    Sym tcp = strtab_find(c->strs, "TCP");
    Sym pt = t->host_port_protocols ? t->host_port_protocols[i] : tcp;
    Sym pu = u->host_port_protocols ? u->host_port_protocols[j] : tcp;
    if (pt != pu) return false;
    Sym it = t->host_port_ips ? t->host_port_ips[i] : SYM_EMPTY;
    Sym iu = u->host_port_ips ? u->host_port_ips[j] : SYM_EMPTY;
    return it == SYM_EMPTY || iu == SYM_EMPTY || it == iu;
}

static bool ports_conflict(const Cluster *c, const Pod *p, const Node *n)
{
    const PodTemplate *t = pod_template(c, p);
    if (t->nhost_ports == 0) return false;
    for (PodId o = n->pods; o.i != ID_NONE; o = c->pods.v[o.i].next_on_node) {
        const Pod *q = &c->pods.v[o.i];
        if (q == p || !q->bound) continue;
        const PodTemplate *u = pod_template(c, q);
        for (uint32_t i = 0; i < t->nhost_ports; i++)
            for (uint32_t j = 0; j < u->nhost_ports; j++)
                if (port_conflict(c, t, i, u, j)) return true;
    }
    return false;
}

/* Resources left for the pod when the node's other load is (or is not) counted. */
static const char *resources_short(const Node *n, const Resources *req, bool with_used)
{
    Resources used = n->daemon_used;
    if (with_used) {
        used.cpu += n->used.cpu;
        used.memory += n->used.memory;
        used.pods += n->used.pods;
    }
    if (used.pods + 1000 > n->allocatable.pods) return "Too many pods";
    /* A resource the pod does not request never blocks it. */
    if (req->cpu > 0 && req->cpu > n->allocatable.cpu - used.cpu) return "Insufficient cpu";
    if (req->memory > 0 && req->memory > n->allocatable.memory - used.memory)
        return "Insufficient memory";
    return NULL;
}

const char *sched_filter(const Cluster *c, const Pod *p, const Node *n)
{
    const PodTemplate *t = pod_template(c, p);
    const Revision *rev = &c->dsets.v[p->ds.i].revs.v[p->rev];
    if (!n->exists) return "node not found";
    if (!node_selector_matches(t->node_selector, t->nnode_selector, n->labels, n->nlabels))
        return "node(s) didn't match Pod's node affinity/selector";
    for (uint32_t i = 0; i < n->ntaints; i++) {
        const Taint *taint = &n->taints[i];
        if (taint->effect == EFFECT_PREFER_NO_SCHEDULE) continue;
        if (!tolerations_tolerate(rev->tolerations, rev->ntolerations, taint))
            return "node(s) had untolerated taint(s)";
    }
    /* NodeUnschedulable: daemon pods tolerate node.kubernetes.io/unschedulable (§7.4). */
    if (ports_conflict(c, p, n)) return "node(s) didn't have free ports for the requested pod ports";
    return resources_short(n, &t->requests, true);
}

/* Nodes in the scheduler's cache: the existing ones. */
static uint32_t nodes_known(const Cluster *c)
{
    uint32_t n = 0;
    for (size_t z = 0; z < c->zones.n; z++) n += c->zones.v[z].nodes;
    return n;
}

/* Filters whose failure no preemption can cure (UnschedulableAndUnresolvable). */
static bool unresolvable(const char *why)
{
    return !strcmp(why, "node(s) didn't match Pod's node affinity/selector") ||
           !strcmp(why, "node(s) had untolerated taint(s)") || !strcmp(why, "node not found");
}

/* "1 X, 299 Y": the reason histogram, its entries sorted as strings
 * (schedule_one.go FitError.Error, sortReasonsHistogram). */
static void histogram(char *buf, size_t len, const char *why, uint32_t others, const char *other)
{
    char a[128], b[128];
    snprintf(a, sizeof a, "1 %s", why);
    if (others == 0) {
        snprintf(buf, len, "%s", a);
        return;
    }
    snprintf(b, sizeof b, "%u %s", others, other);
    bool a_first = strcmp(a, b) <= 0;
    snprintf(buf, len, "%s, %s", a_first ? a : b, a_first ? b : a);
}

void sched_failure_message(const Cluster *c, const char *why, char *buf, size_t len)
{
    /* The daemon pod's required node affinity names one node; the NodeAffinity
     * PreFilter narrows the search to it, and every other node is reported as
     * filtered out by that plugin. */
    uint32_t all = nodes_known(c);
    uint32_t others = all > 0 ? all - 1 : 0;
    char fit[320], pre[320];
    histogram(fit, sizeof fit, why, others, "node(s) didn't satisfy plugin(s) [NodeAffinity]");
    histogram(pre, sizeof pre,
              unresolvable(why) ? "Preemption is not helpful for scheduling"
                                : "No preemption victims found for incoming pod",
              others, "Preemption is not helpful for scheduling");
    snprintf(buf, len, "0/%u nodes are available: %s. preemption: 0/%u nodes are available: %s.",
             all, fit, all, pre);
}

/* DefaultPreemption: victims are the node's lower-priority load, just
 * enough of it for the daemon pod to fit. They are deleted gracefully: the
 * load goes when they have terminated (the node's `termination` latency,
 * capped by the default 30 s grace period). While victims terminate the
 * nominated pod does not preempt again (PodEligibleToPreemptOthers). */
static bool try_preempt(Cluster *c, const Pod *p, NodeId id)
{
    Node *n = cluster_node(c, id);
    const PodTemplate *t = pod_template(c, p);
    if (n->victims_terminating || t->priority <= n->used_priority) return false;
    if (resources_short(n, &t->requests, false)) return false;
    const Resources *u = &n->used;
    Resources free_for = {
        n->allocatable.cpu - n->daemon_used.cpu - t->requests.cpu,
        n->allocatable.memory - n->daemon_used.memory - t->requests.memory,
        n->allocatable.pods - n->daemon_used.pods - 1000,
    };
    Resources v = {0};
    if (t->requests.cpu > 0 && u->cpu > free_for.cpu) v.cpu = u->cpu - free_for.cpu;
    if (t->requests.memory > 0 && u->memory > free_for.memory) v.memory = u->memory - free_for.memory;
    if (u->pods > free_for.pods) v.pods = u->pods - free_for.pods;
    n->victims = v;
    n->victims_terminating = true;
    cluster_emit_node(c, n, NE_PREEMPTED, strtab_str(c->strs, p->name));
    const Timing *tm = n->timing ? n->timing : &c->timing;
    SimTime grace = DS_MIN(cluster_draw(c, RS_TERMINATION, &tm->termination), SCHED_VICTIM_GRACE);
    sim_after(c->sim, grace, EV_VICTIMS_GONE, id.i, 0, 0);
    /* default_preemption.go prepareCandidate: an Event on each victim. The
     * node's other load has no pod objects here, so the Event names it. */
    recorder_eventf(c, SRC_SCHEDULER, OBJ_NODE, n->name, false, "Preempted",
                    "Preempted lower-priority pods on node %s for pod %s",
                    strtab_str(c->strs, n->name), strtab_str(c->strs, p->name));
    return true;
}

/* The victims' delete events move unschedulable pods back (AssignedPodDelete). */
static void on_victims_gone(void *ctx, Sim *sim, const Event *ev)
{
    Cluster *c = ctx;
    (void)sim;
    Node *n = &c->nodes.v[ev->subject];
    if (!n->victims_terminating) return;
    n->used.cpu -= n->victims.cpu;
    n->used.memory -= n->victims.memory;
    n->used.pods -= n->victims.pods;
    n->victims = (Resources){0};
    n->victims_terminating = false;
    if (n->exists) sched_node_changed(c, (NodeId){ev->subject});
}

static void on_pod_seen(void *ctx, Sim *sim, const Event *ev)
{
    Cluster *c = ctx;
    Pod *p = &c->pods.v[ev->subject];
    if (p->gen != ev->gen || !p->exists || p->bound || p->deleting) return;
    const Timing *t = cluster_pod_timing(c, p);
    sim_after(sim, cluster_draw(c, RS_SCHEDULE, &t->schedule), EV_POD_SCHEDULE, ev->subject,
              p->timer, 0);
}

static void on_schedule(void *ctx, Sim *sim, const Event *ev)
{
    Cluster *c = ctx;
    Pod *p = &c->pods.v[ev->subject];
    if (p->timer != ev->gen || !p->exists || p->bound || p->deleting) return;
    Node *n = &c->nodes.v[p->node.i];
    const char *why = sched_filter(c, p, n);
    if (why) {
        /* PostFilter: preemption nominates the node; the pod itself waits
         * in the unschedulable pool like any pod that failed. */
        if (n->exists && (why[0] == 'I' || why[0] == 'T')) try_preempt(c, p, p->node);
        if (p->sched_backoff == 0) cluster_emit_pod(c, p, PE_UNSCHEDULABLE);
        char msg[1024];
        sched_failure_message(c, why, msg, sizeof msg);
        recorder_eventf(c, SRC_SCHEDULER, OBJ_POD, p->name, true, "FailedScheduling", "%s", msg);
        p->sched_backoff = p->sched_backoff ? DS_MIN(2 * p->sched_backoff, SCHED_BACKOFF_MAX)
                                            : SCHED_BACKOFF_INITIAL;
        p->sched_last = sim->now;
        sim_after(sim, SCHED_FLUSH, EV_POD_SCHEDULE, ev->subject, p->timer, 0);
        return;
    }
    const Resources *r = &pod_template(c, p)->requests;
    n->daemon_used.cpu += r->cpu;
    n->daemon_used.memory += r->memory;
    n->daemon_used.pods += 1000;
    p->bound = true;
    cluster_emit_pod(c, p, PE_SCHEDULED);
    pod_publish(c, (PodId){ev->subject});
    kubelet_pod_bound(c, (PodId){ev->subject});
}

void sched_node_changed(Cluster *c, NodeId id)
{
    const Node *n = cluster_node(c, id);
    for (PodId o = n->pods; o.i != ID_NONE; o = c->pods.v[o.i].next_on_node) {
        Pod *p = &c->pods.v[o.i];
        if (p->bound || p->deleting || p->sched_backoff == 0) continue;
        /* Moved back to the active queue: at once if its back-off since the
         * last attempt has expired, else when it does (backoffQ). */
        SimTime at = p->sched_last + p->sched_backoff;
        if (at < c->sim->now) at = c->sim->now;
        p->timer++;
        sim_at(c->sim, at, EV_POD_SCHEDULE, o.i, p->timer, 0);
    }
}

void sched_register(Cluster *c)
{
    sim_on(c->sim, EV_POD_SEEN_BY_SCHED, on_pod_seen, c);
    sim_on(c->sim, EV_POD_SCHEDULE, on_schedule, c);
    sim_on(c->sim, EV_VICTIMS_GONE, on_victims_gone, c);
}

/* kubelet.c: a daemon pod's life on its node. Once the kubelet sees a bound
 * pod it pulls the image, starts the containers and reports Ready after the
 * readiness delay; once it sees a deletion it stops the pod within the grace
 * period and removes it. A kubelet that is down or on a node that is not
 * Ready does nothing: its pods wait (a pod deleted there stays Terminating,
 * §7.3) until kubelet_resume() replays what it missed; only a kubelet that
 * reports NotReady (imported state) still stops deleted pods. Bad releases fail
 * here: CrashLoopBackOff pods run but never become Ready; ImagePullBackOff
 * pods never start. */
#include "daemonsim/kubelet.h"

#define CRASH_BACKOFF_INITIAL (10 * SIM_S)
#define CRASH_BACKOFF_MAX (5 * SIM_MIN)

static bool node_runs_pods(const Node *n) { return n->exists && n->kubelet_up && n->ready == COND_TRUE; }

static SimTime draw(Cluster *c, const Pod *p, RngStream s)
{
    const Timing *t = cluster_pod_timing(c, p);
    const Dist *d = NULL;
    switch (s) {
    case RS_IMAGE_PULL: d = &t->image_pull; break;
    case RS_CONTAINER_START: d = &t->container_start; break;
    case RS_READINESS: d = &t->readiness; break;
    case RS_TERMINATION: d = &t->termination; break;
    case RS_WATCH:
    case RS_SCHEDULE:
    case RS_NODE_STARTUP:
    case RS_CANDIDATES:
    case RS_NAMES:
    case RS_FAILURE:
    case RS_LEASE:
    case RS_PREPULL:
    case RS_API_ERRORS:
    case RS__COUNT: DS_ASSERT(!"no such pod latency"); break;
    }
    return cluster_draw(c, s, d);
}

static Failure pod_failure(const Cluster *c, const Pod *p)
{
    return c->dsets.v[p->ds.i].revs.v[p->rev].spec->template_.failure;
}

static void terminate(Cluster *c, PodId id)
{
    Pod *p = cluster_pod(c, id);
    p->timer++;
    SimTime delay = 0;
    if (p->phase == POD_RUNNING) {
        int64_t grace = c->dsets.v[p->ds.i].revs.v[p->rev].spec->template_.termination_grace_seconds;
        delay = DS_MIN(draw(c, p, RS_TERMINATION), grace * SIM_S);
    }
    sim_after(c->sim, delay, EV_POD_TERMINATED, id.i, p->timer, 0);
}

/* Picks the pod up wherever it stands. */
static void advance(Cluster *c, PodId id)
{
    Pod *p = cluster_pod(c, id);
    if (!p->exists || !p->bound) return;
    const Node *n = cluster_node(c, p->node);
    /* A kubelet that reports NotReady is alive: it still stops deleted pods. */
    bool stops_only = n->exists && n->kubelet_not_ready && p->deleting;
    if (!node_runs_pods(n) && !stops_only) return;
    if (p->deleting) {
        terminate(c, id);
        return;
    }
    if (p->phase == POD_FAILED || p->phase == POD_SUCCEEDED) return;
    p->timer++;
    if (!p->image_pulled) {
        if (p->will_fail && pod_failure(c, p).mode == FAILURE_IMAGE_PULL) {
            cluster_emit_pod(c, p, PE_IMAGE_PULL_BACK_OFF);
            return;
        }
        sim_after(c->sim, draw(c, p, RS_IMAGE_PULL), EV_POD_PULLED, id.i, p->timer, 0);
    } else if (p->phase == POD_PENDING || p->restarting) {
        sim_after(c->sim, draw(c, p, RS_CONTAINER_START), EV_POD_STARTED, id.i, p->timer, 0);
    } else if (!p->ready && !p->will_fail) {
        sim_after(c->sim, draw(c, p, RS_READINESS), EV_POD_READY, id.i, p->timer, 0);
    }
}

void kubelet_pod_bound(Cluster *c, PodId id)
{
    Pod *p = cluster_pod(c, id);
    if (c->sync_mode) return;
    sim_after(c->sim, cluster_draw(c, RS_WATCH, &c->timing.watch), EV_POD_SEEN_BY_KUBELET, id.i,
              p->gen, 0);
}

void kubelet_resume(Cluster *c, NodeId n)
{
    for (PodId o = cluster_node(c, n)->pods; o.i != ID_NONE; o = c->pods.v[o.i].next_on_node)
        advance(c, o);
}

void kubelet_freeze(Cluster *c, NodeId n)
{
    for (PodId o = cluster_node(c, n)->pods; o.i != ID_NONE; o = c->pods.v[o.i].next_on_node)
        c->pods.v[o.i].timer++;
}

static Pod *timer_pod(Cluster *c, const Event *ev)
{
    Pod *p = &c->pods.v[ev->subject];
    return p->timer == ev->gen && p->exists ? p : NULL;
}

static void on_seen(void *ctx, Sim *sim, const Event *ev)
{
    Cluster *c = ctx;
    (void)sim;
    Pod *p = &c->pods.v[ev->subject];
    if (p->gen != ev->gen) return;
    advance(c, (PodId){ev->subject});
}

static void on_pulled(void *ctx, Sim *sim, const Event *ev)
{
    Cluster *c = ctx;
    (void)sim;
    Pod *p = timer_pod(c, ev);
    if (!p) return;
    p->image_pulled = true;
    cluster_emit_pod(c, p, PE_PULLED);
    advance(c, (PodId){ev->subject});
}

static void on_started(void *ctx, Sim *sim, const Event *ev)
{
    Cluster *c = ctx;
    (void)sim;
    Pod *p = timer_pod(c, ev);
    if (!p) return;
    p->restarting = false;
    if (p->phase != POD_RUNNING) {
        p->phase = POD_RUNNING;
        cluster_emit_pod(c, p, PE_RUNNING);
        pod_publish(c, (PodId){ev->subject});
    }
    if (p->will_fail) {
        /* Restart policy Always: the container crashes, the kubelet restarts
         * it after a back-off of 10 s doubling to 5 min; the pod stays
         * Running and never Ready. */
        cluster_emit_pod(c, p, PE_CRASH_LOOP_BACK_OFF);
        SimTime backoff = CRASH_BACKOFF_INITIAL << DS_MIN(p->restarts, 5);
        if (backoff > CRASH_BACKOFF_MAX) backoff = CRASH_BACKOFF_MAX;
        if (p->restarts < UINT8_MAX) p->restarts++;
        p->timer++;
        sim_after(c->sim, backoff, EV_POD_STARTED, ev->subject, p->timer, 0);
        return;
    }
    advance(c, (PodId){ev->subject});
}

static void on_ready(void *ctx, Sim *sim, const Event *ev)
{
    Cluster *c = ctx;
    (void)sim;
    Pod *p = timer_pod(c, ev);
    if (!p) return;
    pod_set_ready(c, (PodId){ev->subject}, true);
}

static void on_terminated(void *ctx, Sim *sim, const Event *ev)
{
    Cluster *c = ctx;
    (void)sim;
    if (!timer_pod(c, ev)) return;
    pod_remove(c, (PodId){ev->subject});
}

void kubelet_register(Cluster *c)
{
    sim_on(c->sim, EV_POD_SEEN_BY_KUBELET, on_seen, c);
    sim_on(c->sim, EV_POD_PULLED, on_pulled, c);
    sim_on(c->sim, EV_POD_STARTED, on_started, c);
    sim_on(c->sim, EV_POD_READY, on_ready, c);
    sim_on(c->sim, EV_POD_TERMINATED, on_terminated, c);
}

/* preload.c: the cluster as it stands at t = 0 when the scenario starts from
 * a running one (spec.daemonSets[].alreadyRunning).
 *
 * Every node where the DaemonSet should run gets one pod of the manifest's
 * revision, bound, Running and Ready since an hour (plus minReadySeconds)
 * before t = 0, so it is available at once. Should-run is the controller's
 * own rule (dsctl_eligibility, §2) judged without the not-ready and
 * unreachable taints: the pod was placed while the node was healthy, and the
 * lifecycle controller left it when the node went NotReady or Unknown, marked
 * not Ready (MarkPodsNotReady, §7.1). Nodes are in the controller's cache and
 * the pods in its view from the start, and its status is the view with the
 * generation observed, so the first sync finds nothing to do. */
#include "daemonsim/cluster.h"
#include "daemonsim/dsctl.h"

#include <stdlib.h>
#include <string.h>

/* Since when the preloaded pods are Ready. */
#define PRELOAD_READY_AGO SIM_HOUR

static bool is_condition_taint(const Cluster *c, Sym key)
{
    const char *k = strtab_str(c->strs, key);
    return !strcmp(k, "node.kubernetes.io/not-ready") || !strcmp(k, "node.kubernetes.io/unreachable");
}

/* Eligibility before the node lost its Ready condition. */
static bool should_have_run(const Cluster *c, const DaemonSet *ds, const Node *n, Taint *scratch)
{
    Node healthy = *n;
    uint32_t k = 0;
    for (uint32_t i = 0; i < n->ntaints; i++)
        if (!is_condition_taint(c, n->taints[i].key)) scratch[k++] = n->taints[i];
    healthy.taints = scratch;
    healthy.ntaints = k;
    return (dsctl_eligibility(c, ds, &healthy, n->name) & ELIG_SHOULD_RUN) &&
           (dsctl_eligibility(c, ds, n, n->name) & ELIG_CONTINUE);
}

static void place_pod(Cluster *c, DsId id, NodeId nid)
{
    DaemonSet *ds = cluster_ds(c, id);
    SimTime since = -(PRELOAD_READY_AGO + (SimTime)ds->spec->min_ready_seconds * SIM_S);
    PodId pid = pod_create(c, id, nid, since);
    Pod *p = cluster_pod(c, pid);
    Node *n = cluster_node(c, nid);
    p->exists = true;
    p->bound = true;
    p->image_pulled = true;
    p->phase = POD_RUNNING;
    p->ready = n->ready == COND_TRUE;
    p->ready_since = since;
    p->next_on_node = n->pods;
    n->pods = pid;
    const Resources *r = &ds->spec->template_.requests;
    n->daemon_used.cpu += r->cpu;
    n->daemon_used.memory += r->memory;
    n->daemon_used.pods += 1000;
    cluster_emit_pod(c, p, PE_RUNNING);
    if (p->ready) cluster_emit_pod(c, p, PE_READY);
    dsctl_pod_preloaded(c, pid);
}

void cluster_preload(Cluster *c)
{
    bool any = false;
    for (size_t d = 0; d < c->dsets.n; d++) any |= c->dsets.v[d].spec->already_running;
    if (!any) return;
    /* The controller's node cache is full at start, as after its initial list. */
    for (size_t i = 0; i < c->nodes.n; i++) c->nodes.v[i].dsctl_seen = c->nodes.v[i].exists;
    uint32_t most = 0;
    for (size_t i = 0; i < c->nodes.n; i++)
        if (c->nodes.v[i].ntaints > most) most = c->nodes.v[i].ntaints;
    Taint *scratch = xmalloc((most ? most : 1) * sizeof *scratch);
    for (uint32_t d = 0; d < c->dsets.n; d++) {
        if (!c->dsets.v[d].spec->already_running) continue;
        for (uint32_t i = 0; i < c->nodes.n; i++) {
            const Node *n = &c->nodes.v[i];
            if (n->exists && should_have_run(c, &c->dsets.v[d], n, scratch))
                place_pod(c, (DsId){d}, (NodeId){i});
        }
    }
    free(scratch);
    for (uint32_t d = 0; d < c->dsets.n; d++) {
        DaemonSet *ds = &c->dsets.v[d];
        dsctl_ds_changed(c, (DsId){d});
        if (!ds->spec->already_running) continue;
        /* Placed long ago: no rollout to measure, the status already written. */
        ds->rollouts.n = 0;
        ds->status = ds->view;
        ds->status.observed_generation = ds->generation;
    }
}

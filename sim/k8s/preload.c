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
 * generation observed, so the first sync finds nothing to do.
 *
 * The pods of `cluster.podsFrom` are placed the same way, each on its own
 * node with its own revision, phase and readiness; nodes without one get
 * theirs from the controller's first sync, as in the real cluster. */
#include "daemonsim/cluster.h"
#include "daemonsim/dsctl.h"

#include <stdio.h>
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

/* A pod in place before t = 0: bound, Running and, unless its node or the
 * dump says otherwise, Ready since long enough to be available. */
static Pod *place_pod(Cluster *c, DsId id, NodeId nid, uint32_t rev, bool running, bool ready)
{
    DaemonSet *ds = cluster_ds(c, id);
    SimTime since = -(PRELOAD_READY_AGO + (SimTime)ds->spec->min_ready_seconds * SIM_S);
    PodId pid = pod_create(c, id, nid, since);
    Pod *p = cluster_pod(c, pid);
    Node *n = cluster_node(c, nid);
    p->rev = rev;
    p->exists = true;
    p->bound = true;
    p->image_pulled = running;
    p->phase = running ? POD_RUNNING : POD_PENDING;
    p->ready = running && ready && n->ready == COND_TRUE;
    p->ready_since = since;
    p->next_on_node = n->pods;
    n->pods = pid;
    const Resources *r = &ds->spec->template_.requests;
    n->daemon_used.cpu += r->cpu;
    n->daemon_used.memory += r->memory;
    n->daemon_used.pods += 1000;
    if (running) cluster_emit_pod(c, p, PE_RUNNING);
    if (p->ready) cluster_emit_pod(c, p, PE_READY);
    dsctl_pod_preloaded(c, pid);
    plancount_pod_changed(c, pid.i);
    return p;
}

/* The revision of an imported pod that is not of the manifest's template:
 * one older revision per distinct controller-revision-hash. Its template is
 * not in the dump, so it records the manifest's; only its identity differs. */
static uint32_t older_revision(Cluster *c, DaemonSet *ds, Sym hash)
{
    const char *h = hash == SYM_NONE ? "" : strtab_str(c->strs, hash);
    for (uint32_t i = 0; i < ds->revs.n; i++)
        if (i != ds->cur && !strcmp(ds->revs.v[i].hash_str, h)) return i;
    Revision r = {.spec = ds->spec, .number = ds->revs.v[ds->cur].number, .live = true};
    snprintf(r.hash_str, sizeof r.hash_str, "%s", h);
    for (const char *s = h; *s; s++) r.hash = (r.hash ^ (unsigned char)*s) * 16777619u;
    ds->revs.v[ds->cur].number++;
    VEC_PUSH(ds->revs, r);
    return (uint32_t)ds->revs.n - 1;
}

void cluster_preload(Cluster *c, const ExistingPod *existing, uint32_t nexisting,
                     const uint32_t *pool_node)
{
    bool any = nexisting > 0;
    for (size_t d = 0; d < c->dsets.n; d++) any |= c->dsets.v[d].spec->already_running;
    if (!any) return;
    /* The controller's node cache is full at start, as after its initial list. */
    for (size_t i = 0; i < c->nodes.n; i++) c->nodes.v[i].dsctl_seen = c->nodes.v[i].exists;
    uint32_t most = 0;
    for (size_t i = 0; i < c->nodes.n; i++)
        if (c->nodes.v[i].ntaints > most) most = c->nodes.v[i].ntaints;
    Taint *scratch = xmalloc((most ? most : 1) * sizeof *scratch);
    bool *placed = xcalloc(c->dsets.n ? c->dsets.n : 1, sizeof *placed);
    bool *mixed = xcalloc(c->dsets.n ? c->dsets.n : 1, sizeof *mixed);
    for (uint32_t d = 0; d < c->dsets.n; d++) {
        if (!c->dsets.v[d].spec->already_running) continue;
        placed[d] = true;
        for (uint32_t i = 0; i < c->nodes.n; i++) {
            const Node *n = &c->nodes.v[i];
            if (n->exists && should_have_run(c, &c->dsets.v[d], n, scratch))
                place_pod(c, (DsId){d}, (NodeId){i}, c->dsets.v[d].cur, true, true);
        }
    }
    free(scratch);
    /* Pods of the user's cluster (podsFrom), as its dump shows them. A pod
     * being deleted there is left out: its replacement is the controller's
     * to make. */
    for (uint32_t k = 0; k < nexisting; k++) {
        const ExistingPod *e = &existing[k];
        DaemonSet *ds = &c->dsets.v[e->ds];
        if (e->deleting || ds->spec->already_running) continue;
        uint32_t rev = e->current ? ds->cur : older_revision(c, ds, e->revision_hash);
        Pod *p = place_pod(c, (DsId){e->ds}, (NodeId){pool_node[e->pool]}, rev, e->running, e->ready);
        p->name = e->name;
        placed[e->ds] = true;
        mixed[e->ds] |= !e->current;
    }
    for (uint32_t d = 0; d < c->dsets.n; d++) {
        DaemonSet *ds = &c->dsets.v[d];
        dsctl_ds_changed(c, (DsId){d});
        if (!placed[d]) continue;
        /* Placed long ago: no rollout to measure unless older pods are still
         * to be replaced; the status already written. */
        if (!mixed[d]) ds->rollouts.n = 0;
        else ds->rollouts.v[ds->rollouts.n - 1].revision = ds->revs.v[ds->cur].number;
        ds->status = ds->view;
        ds->status.observed_generation = ds->generation;
    }
    free(placed);
    free(mixed);
}

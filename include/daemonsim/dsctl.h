/* dsctl.h: the DaemonSet controller (dsctl.c): a work queue of DaemonSets,
 * each sync comparing the controller's view of every node with what should
 * run there and creating or deleting pods, rolling updates included. */
#ifndef DAEMONSIM_DSCTL_H
#define DAEMONSIM_DSCTL_H

#include "daemonsim/cluster.h"

/* Eligibility bits of dsctl_eligibility(). */
enum { ELIG_SHOULD_RUN = 1, ELIG_CONTINUE = 2, ELIG_NODE_SEEN = 4 };

void dsctl_register(Cluster *c);
/* Frees the controller's state of every DaemonSet. */
void dsctl_free(Cluster *c);
void dsctl_ds_added(Cluster *c, DsId ds);       /* build the view of a new DaemonSet */
/* An in-place update (OpenKruise) moved a pod to revision `rev` under its
 * own name: the controller reads a pod's revision from the pod itself, so its
 * view of the node follows at once. */
void dsctl_pod_revised(Cluster *c, PodId id, uint32_t rev);
/* Grows every DaemonSet's per-node view from c->node_cap to `cap` slots. */
void dsctl_grow_views(Cluster *c, uint32_t cap);
void dsctl_ds_changed(Cluster *c, DsId ds);     /* spec changed: re-derive every node */
void dsctl_pod_adopted(Cluster *c, PodId p, DsId from);  /* move the pod between views */
void dsctl_clear_patch(Cluster *c, Pod *p);     /* its in-place patch is settled (Kruise) */
void dsctl_pod_preloaded(Cluster *c, PodId p);  /* a pod that exists before t = 0 enters the view */
/* enqueueDaemonSetAfter (queue.AddAfter; delay <= 0: queue.Add). */
void dsctl_enqueue(Cluster *c, DsId ds, SimTime delay);
/* The DaemonSet object changed: its informer event enqueues it after the watch latency. */
void dsctl_ds_published(Cluster *c, DsId ds);
/* Is the DaemonSet waiting in the queue (dirty)? Clearing is for driven syncs. */
bool dsctl_enqueued(const Cluster *c, DsId ds);
void dsctl_clear_enqueued(Cluster *c, DsId ds);
void dsctl_node_changed(Cluster *c, NodeId n);  /* labels/taints/add/delete, via watch */
/* Why a DaemonSet's pod should not run on a node (§2), in the order
 * upstream checks: spec.nodeName, nodeSelector, required node affinity, an
 * untolerated NoExecute taint, an untolerated NoSchedule taint (the only one
 * that lets a running pod stay). */
typedef enum {
    EXCL_NONE,
    EXCL_NODE_NAME,
    EXCL_NODE_SELECTOR,
    EXCL_NODE_AFFINITY,
    EXCL_TAINT_NO_EXECUTE,
    EXCL_TAINT_NO_SCHEDULE,
} DsExclusion;

/* The first reason `n` is excluded, and for a taint which one (taint may be NULL). */
DsExclusion dsctl_exclusion(const Cluster *c, const DaemonSet *ds, const Node *n, Sym node_name,
                            const Taint **taint);
/* Eligibility (docs/behaviour.md §2): ELIG_SHOULD_RUN | ELIG_CONTINUE bits. */
uint8_t dsctl_eligibility(const Cluster *c, const DaemonSet *ds, const Node *n, Sym node_name);
bool dsctl_pod_available(const Cluster *c, const DaemonSet *ds, const PodSeen *s, SimTime now);
/* updatedDesiredNodeCounts (update.go) from the controller's view: the
 * desired nodes, maxSurge and maxUnavailable scaled on them (rounded up;
 * maxUnavailable forced to 1 when both are 0), and the desired nodes holding
 * no pod at all (emptyNodes of upstream's TestGetUnavailableNumbers). */
typedef struct {
    int32_t max_surge, max_unavailable, desired, empty;
} DsNodeCounts;
DsNodeCounts dsctl_node_counts(const DaemonSet *ds);
/* Runs one sync of `ds` now, on a worker the caller has taken (the work queue). */
void dsctl_sync(Cluster *c, DsId ds);
/* Sync mode (sync_mode set): one syncDaemonSet call, as upstream unit tests
 * make it; creations and deletions are observed at once, enqueues only recorded. */
void dsctl_sync_once(Cluster *c, DsId ds);
/* Recomputes the view of every DaemonSet, and the rollout plans' pod counts,
 * from scratch; false + message on mismatch. */
bool dsctl_check(Cluster *c, char *why, size_t n);
/* kubectl rollout status message for the last written status; true when done. */
bool dsctl_rollout_message(const Cluster *c, const DaemonSet *ds, char *buf, size_t n);

#endif

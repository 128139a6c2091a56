/* dsctl_state.h: the DaemonSet controller's private bookkeeping, per
 * DaemonSet. Per (DaemonSet, node) it keeps the pods it has seen and the
 * decisions that follow from them, so a sync costs O(changed nodes), not
 * O(nodes); dsctl_check() recomputes every counter here from scratch and
 * compares (the --check mode). Only the controller's files (dsctl*.c,
 * kruise*.c), and tests that look inside the controller, include this header. */
#ifndef DAEMONSIM_K8S_DSCTL_STATE_H
#define DAEMONSIM_K8S_DSCTL_STATE_H

#include "daemonsim/dsctl.h"
#include "daemonsim/idxset.h"

/* Rolling-update class of one (DaemonSet, node): its non-terminating pods
 * split into updated ("new") and other ("old") ones (docs/behaviour.md §8.1). */
typedef enum {
    RC_NONE,                    /* not a key of the node-to-pods map */
    RC_NOT_OK,                  /* more than one new or more than one old pod */
    RC_EMPTY,                   /* no non-terminating pod */
    RC_NEW_UNAVAIL,
    RC_NEW_AVAIL,
    RC_OLD_UNAVAIL,
    RC_OLD_AVAIL,
    RC_BOTH_NEW_UNAVAIL,
    RC_BOTH_NEW_AVAIL,
    RC__COUNT
} RollClass;

/* The controller's view of one node for one DaemonSet: 8 bytes. */
typedef struct {
    PodId pods;                 /* seen pods mapped to the node */
    uint8_t elig;               /* ELIG_* bits as of the last node event seen */
    uint8_t cls;                /* RollClass */
    uint8_t status;             /* ST_* bits contributed to the status counters */
    uint8_t flags;              /* DN_* */
} DsNode;

enum {
    ST_DESIRED = 1, ST_CURRENT = 2, ST_READY = 4, ST_AVAILABLE = 8, ST_UPDATED = 16,
    ST_MISSCHEDULED = 32,
};
enum {
    DN_OLD_AVAILABLE = 1,       /* RC_BOTH_*: the old pod is available */
    DN_OLD_ON_GONE = 2,         /* RC_OLD_* on a node the controller no longer lists */
};

typedef struct {
    int64_t add, del;           /* creations and deletions still expected */
    SimTime set_at;
    bool present;
} Expectations;

/* Back-off of failed daemon pods on one node (client-go flowcontrol.Backoff
 * keyed "<ds>/<observedGeneration>/<node>", §6). */
typedef struct FailBackoff {
    uint32_t node;
    int64_t observed_generation;
    SimTime delay;
    SimTime last_update;
} FailBackoff;

struct DsCtl {
    Expectations exp;
    DsNode *nodes;              /* per node, the controller's view (Cluster.node_cap slots) */
    uint32_t class_count[RC__COUNT];
    uint32_t old_avail_in_both; /* RC_BOTH_* nodes whose old pod is available */
    uint32_t old_on_gone;       /* DN_OLD_ON_GONE nodes */
    uint32_t patches_pending;   /* its pods with Pod.patch_pending set: while 0, the
                                   Advanced DaemonSet update need not look at pods */
    bool listed;                /* in the controller's DaemonSet lister (its add was seen) */
    bool sync_observed;         /* the running sync began with expectations satisfied */
    bool sync_failed;           /* the running sync hit an error upstream would return */
    bool in_update;             /* the calls in flight are the rolling update's */
    /* The running sync's pod calls (syncNodes, §5.4). */
    U32Vec call_create;         /* nodes to create a pod on, in slow-start batches */
    U32Vec call_delete;         /* pods to delete once the creates are done */
    U32Vec call_update;         /* pods to update in place before any of them (Kruise) */
    uint32_t call_pos, batch;   /* next create and the size of its batch */
    bool batch_failed;          /* a create of the last batch was refused */
    bool exp_deferred;          /* expectations wait for the in-place updates */
    IdxSet need_pod;            /* nodes: shouldRun and no pod (manage, case A) */
    IdxSet to_delete;           /* pods manage deletes (duplicates, case C, §5.3) */
    IdxSet failed_nodes;        /* nodes with a failed pod (backoff decided at sync) */
    IdxSet old_avail_run;       /* RC_OLD_AVAIL on shouldRun nodes */
    IdxSet old_avail_norun;     /* RC_OLD_AVAIL elsewhere */
    IdxSet old_unavail_run;
    IdxSet old_unavail_norun;
    IdxSet both_new_avail;      /* surge: old pod can go */
    FailBackoff *backoff;       /* failed-pod back-off entries (§6) */
    uint32_t nbackoff, backoff_cap;
};

/* An injected API failure of the controller's client (apiErrors), drawn
 * when the call reaches the API server. */
bool dsctl_api_call_fails(Cluster *c, double p);

/* Shared by the controller's files: dsctl.c, dsctl_check.c, dsctl_update.c. */
/* Upstream's order of a node's pods: bound first, then older, then by name. */
bool dsctl_pod_before(const Cluster *c, const Pod *a, const Pod *b);
/* The pod is in the controller's node-to-pods map. */
bool dsctl_pod_mapped(const PodSeen *s);
bool dsctl_allows_surge(const DaemonSet *ds);
bool dsctl_status_differs(const DsStatus *a, const DsStatus *b);
/* Plans the rolling update's pod calls into c->plan_*; false where upstream's
 * rollingUpdate returns an error (dsctl_update.c). */
bool dsctl_plan_rolling_update(Cluster *c, DaemonSet *ds);

#endif

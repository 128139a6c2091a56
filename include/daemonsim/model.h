/* model.h: the plain objects of the simulated cluster — nodes, pods,
 * DaemonSets and their revisions — as the API server holds them, plus the
 * counters of the DaemonSet controller's view that the invariants read.
 *
 * Two kinds of state are kept apart. The *truth* fields are what the API
 * server holds. Each controller reads its own *view*, refreshed when a watch
 * event reaches it (after the `watch` latency), as an informer cache would be.
 * The DaemonSet controller's incremental bookkeeping is private to it
 * (sim/k8s/dsctl_state.h), reached through DaemonSet.ctl. */
#ifndef DAEMONSIM_MODEL_H
#define DAEMONSIM_MODEL_H

#include "daemonsim/dsspec.h"
#include "daemonsim/dsstatus.h"
#include "daemonsim/sim.h"

/* ---- nodes ---------------------------------------------------------------- */

typedef enum { COND_TRUE, COND_FALSE, COND_UNKNOWN } CondStatus;

/* The kubelet renews its Lease every leaseDuration (40 s) * 0.25. */
#define NODE_LEASE_RENEW (10 * SIM_S)

typedef struct {
    Sym name;
    uint32_t pool;
    const Label *labels;        /* sorted; shared until changed (copy on write) */
    uint32_t nlabels;
    const Taint *taints;
    uint32_t ntaints;
    bool exists;                /* registered and not deleted */
    bool unschedulable;         /* spec.unschedulable (cordon) */
    bool kubelet_up;            /* the kubelet is running and reporting */
    bool kubelet_not_ready;     /* ...but reports Ready=False (imported) until nodeReady */
    CondStatus ready;           /* Ready condition as the node object shows it */
    SimTime ready_changed;      /* last transition of `ready` */
    Resources allocatable;
    Resources used;             /* other workloads' requests */
    int32_t used_priority;
    Resources daemon_used;      /* requests of bound daemon pods */
    uint32_t gen;               /* bumped to cancel the node's pending timers */
    PodId pods;                 /* pods targeting this node (truth), linked by next_on_node */
    const Timing *timing;       /* effective latencies for pods on this node */
    SimTime silent_since;       /* kubelet stopped reporting; SIM_NEVER when up */
    SimTime lease_phase;        /* the kubelet renews its Lease at lease_phase + k * 10 s */
    bool posted_ready;          /* the kubelet has posted a Ready condition */
    bool victims_terminating;   /* preemption victims are in their grace period */
    Resources victims;          /* the part of `used` they free when gone */
    bool dsctl_seen;            /* in the DaemonSet controller's node cache */
    uint32_t dsctl_unseen;      /* changes still on their way to that cache */
    uint32_t zone;              /* index into Cluster.zones */
    bool owns_labels;           /* labels/taints are this node's own copy */
    bool owns_taints;
} Node;

/* ---- pods ----------------------------------------------------------------- */

typedef enum { POD_PENDING, POD_RUNNING, POD_SUCCEEDED, POD_FAILED } PodPhase;

/* The fields a controller reads, as of the last watch event it received. */
typedef struct {
    bool exists;
    bool bound;
    bool ready;
    bool deleting;
    PodPhase phase;
    SimTime ready_since;
} PodSeen;

typedef struct {
    Sym name;
    DsId ds;
    NodeId node;                /* target node (required affinity / nodeName) */
    uint32_t rev;               /* index into its DaemonSet's revisions */
    uint32_t gen;               /* bumped when the slot is reused */
    uint32_t timer;             /* bumped to cancel the pod's lifecycle timers */
    bool exists;                /* in the API server */
    bool bound;                 /* spec.nodeName set by the scheduler */
    bool ready;                 /* Ready condition True */
    bool deleting;              /* deletionTimestamp set */
    bool image_pulled;
    bool will_fail;             /* bad release: never becomes Ready */
    bool restarting;            /* in-place update: the kubelet restarts the container */
    bool patch_pending;         /* an in-place update patch is queued at the client */
    PodPhase phase;
    uint8_t restarts;
    SimTime created;
    SimTime ready_since;        /* lastTransitionTime of Ready */
    SimTime sched_backoff;      /* scheduler back-off of the last failure */
    SimTime sched_last;         /* time of the last scheduling attempt */
    SimTime avail_at;           /* pending EV_POD_AVAILABLE for the view, if any */
    PodId next_on_node;         /* truth list of the node's pods */
    PodSeen seen;               /* the DaemonSet controller's view */
    PodId seen_next;            /* view list per (DaemonSet, node) */
    PodId free_next;
} Pod;

/* ---- DaemonSets ----------------------------------------------------------- */

typedef struct {
    const DaemonSetSpec *spec;  /* the template this revision records */
    uint32_t hash;              /* FNV-32a of the canonical template */
    char hash_str[12];          /* controller-revision-hash label value */
    int64_t number;             /* ControllerRevision.revision */
    bool live;                  /* not deleted by history cleanup */
    bool written;               /* its ControllerRevision carries this number (constructHistory wrote it) */
    uint32_t pods;              /* pods on it that the controller has seen (history cleanup) */
    const Toleration *tolerations;  /* its pods' tolerations: template + automatic (§3) */
    uint32_t ntolerations;
} Revision;

typedef struct {
    DS_STATUS_COUNTS(DS_STATUS_MEMBER)
    int64_t observed_generation;
    int64_t updated_available;  /* not a status field: desired nodes whose pod is both */
} DsStatus;

typedef struct {
    int64_t revision;           /* the revision number being rolled out */
    uint32_t rev;               /* index into revs */
    SimTime started;
    SimTime completed;          /* SIM_NEVER while running */
    int64_t unavailable_at_start;
    int64_t max_unavailable;
    double unavailable_pod_seconds;
} Rollout;

/* OpenKruise image pre-download (an ImagePullJob) of one DaemonSet. */
typedef struct {
    VEC(uint32_t) pulled;       /* per node: 1 + index of the revision whose image it holds */
    uint32_t rev;               /* 1 + revision index the job was decided for; 0: none yet */
    U32Vec queue;               /* nodes still to pull, in order */
    size_t next;                /* first node of `queue` not started */
    uint32_t running;           /* pulls in progress */
} Prepull;

/* The DaemonSet controller's private state (sim/k8s/dsctl_state.h). */
typedef struct DsCtl DsCtl;

typedef struct {
    Sym name;
    const DaemonSetSpec *spec;  /* current spec */
    VEC(Revision) revs;
    uint32_t cur;               /* current revision index */
    int64_t generation;
    bool exists;
    bool deleting;
    bool orphaned;              /* deleted with cascade orphan: its pods are up for adoption */
    Toleration *tolerations;    /* template tolerations + the automatic ones (§3) */
    uint32_t ntolerations;
    DsStatus status;            /* as last written by the controller */
    DsStatus view;              /* counters of the controller's view, kept incrementally */
    uint32_t surge_budgeted;    /* surge nodes whose new pod is unavailable and old pod available */
    VEC(Rollout) rollouts;
    SimTime view_changed;       /* last change of `view`, for time integrals */
    DsCtl *ctl;                 /* owned by the DaemonSet controller */
    Prepull prepull;            /* Advanced DaemonSet only */
} DaemonSet;

#endif

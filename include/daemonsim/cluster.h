/* cluster.h: the simulated cluster — nodes, pods and DaemonSets in arrays —
 * and the components that act on it: DaemonSet controller (dsctl.c),
 * scheduler (sched.c), kubelets (kubelet.c), node lifecycle controller
 * (nodelc.c) and pod garbage collector (podgc.c).
 *
 * Two kinds of state are kept apart. The *truth* fields are what the API
 * server holds. Each controller reads its own *view*, refreshed when a watch
 * event reaches it (after the `watch` latency), as an informer cache would be.
 * The DaemonSet controller's view is incremental: per (DaemonSet, node) it
 * keeps the pods it has seen and the decisions that follow from them, so a
 * sync costs O(changed nodes), not O(nodes). cluster_check() recomputes every
 * incremental counter from scratch and compares (the --check mode). */
#ifndef DAEMONSIM_CLUSTER_H
#define DAEMONSIM_CLUSTER_H

#include "daemonsim/dsspec.h"
#include "daemonsim/idxset.h"
#include "daemonsim/rng.h"
#include "daemonsim/scenario.h"
#include "daemonsim/sim.h"

/* ---- nodes ---------------------------------------------------------------- */

typedef enum { COND_TRUE, COND_FALSE, COND_UNKNOWN } CondStatus;

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
    bool dsctl_seen;            /* in the DaemonSet controller's node cache */
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
    PodPhase phase;
    uint8_t restarts;
    SimTime created;
    SimTime ready_since;        /* lastTransitionTime of Ready */
    SimTime sched_backoff;      /* scheduler back-off of the last failure */
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
    uint32_t pods;              /* pods on it that the controller has seen (history cleanup) */
} Revision;

typedef struct {
    int64_t desired, current, ready, updated, available, unavailable, misscheduled;
    int64_t observed_generation;
    int64_t updated_available;  /* not a status field: desired nodes whose pod is both */
} DsStatus;

/* Rolling-update class of one (DaemonSet, node): its non-terminating pods
 * split into updated ("new") and other ("old") ones (daemonset-behaviour.md §8.1). */
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

enum { ELIG_SHOULD_RUN = 1, ELIG_CONTINUE = 2, ELIG_NODE_SEEN = 4 };
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

typedef struct {
    int64_t revision;           /* the revision number being rolled out */
    uint32_t rev;               /* index into revs */
    SimTime started;
    SimTime completed;          /* SIM_NEVER while running */
    int64_t unavailable_at_start;
    int64_t max_unavailable;
    double unavailable_pod_seconds;
} Rollout;

/* Back-off of failed daemon pods on one node (client-go flowcontrol.Backoff
 * keyed "<ds>/<observedGeneration>/<node>", §6). */
typedef struct FailBackoff {
    uint32_t node;
    int64_t observed_generation;
    SimTime delay;
    SimTime last_update;
} FailBackoff;

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
    Expectations exp;
    bool queued, processing, dirty;     /* work queue state */
    SimTime requeue_at;         /* a delayed enqueue is pending for this time */
    DsNode *nodes;              /* per node, the controller's view */
    uint32_t class_count[RC__COUNT];
    uint32_t old_avail_in_both; /* RC_BOTH_* nodes whose old pod is available */
    uint32_t old_on_gone;       /* DN_OLD_ON_GONE nodes */
    uint32_t surge_budgeted;    /* RC_BOTH_NEW_UNAVAIL nodes whose old pod is available */
    bool sync_observed;         /* the running sync began with expectations satisfied */
    bool sync_failed;           /* the running sync hit an error upstream would return */
    IdxSet need_pod;            /* nodes: shouldRun and no pod (manage, case A) */
    IdxSet to_delete;           /* pods manage deletes (duplicates, case C, §5.3) */
    IdxSet failed_nodes;        /* nodes with a failed pod (backoff decided at sync) */
    IdxSet old_avail_run;       /* RC_OLD_AVAIL on shouldRun nodes */
    IdxSet old_avail_norun;     /* RC_OLD_AVAIL elsewhere */
    IdxSet old_unavail_run;
    IdxSet old_unavail_norun;
    IdxSet both_new_avail;      /* surge: old pod can go */
    VEC(Rollout) rollouts;
    SimTime view_changed;       /* last change of `view`, for time integrals */
    FailBackoff *backoff;       /* failed-pod back-off entries (§6) */
    uint32_t nbackoff, backoff_cap;
} DaemonSet;

/* ---- the cluster ---------------------------------------------------------- */

/* What the model reports as it runs; any callback may be NULL. */
typedef struct {
    void *ctx;
    void (*pod_event)(void *ctx, SimTime t, const Pod *p, const char *what);
    void (*node_event)(void *ctx, SimTime t, const Node *n, const char *kind,
                       const char *detail);
    void (*status_written)(void *ctx, SimTime t, const DaemonSet *ds);
    void (*view_changed)(void *ctx, SimTime t, const DaemonSet *ds);
    /* A Kubernetes Event the controller records (FailedDaemonPod, ...). */
    void (*k8s_event)(void *ctx, SimTime t, const DaemonSet *ds, const char *type,
                      const char *reason, const char *message);
    /* Something about the run the user should know (not a Kubernetes Event). */
    void (*warning)(void *ctx, SimTime t, const DaemonSet *ds, const char *message);
} Sink;

/* Random streams, one per purpose (rng.h). */
typedef enum {
    RS_WATCH, RS_SCHEDULE, RS_IMAGE_PULL, RS_CONTAINER_START, RS_READINESS,
    RS_TERMINATION, RS_NODE_STARTUP, RS_CANDIDATES, RS_NAMES, RS_FAILURE, RS__COUNT
} RngStream;

/* A topology.kubernetes.io/zone as the node lifecycle controller tracks it (§7.1). */
typedef struct {
    Sym name;                   /* label value; SYM_EMPTY for nodes without one */
    uint32_t nodes;             /* existing nodes */
    uint32_t not_ready;         /* of which Ready is not True */
    SimTime tat;                /* NoExecute tainting limiter state (GCRA) */
} Zone;

/* Client-side rate limiter of one controller (client-go token bucket). */
typedef struct {
    SimTime interval;           /* 1 / qps */
    SimTime tau;                /* (burst - 1) * interval */
    SimTime tat;                /* theoretical arrival time (GCRA) */
} ApiClient;

typedef struct {
    Sim *sim;
    StrTab *strs;
    const Scenario *scenario;
    ControlPlane cp;
    Timing timing;
    VEC(Node) nodes;
    VEC(Zone) zones;
    VEC(Pod) pods;
    PodId free_pods;
    VEC(DaemonSet) dsets;
    Rng *rng[RS__COUNT];
    ApiClient ds_api;           /* the DaemonSet controller's client */
    uint32_t idle_workers;
    U32Vec ready_queue;         /* DaemonSets waiting for a worker, FIFO */
    size_t ready_head;
    Sink sink;
    bool sync_mode;             /* creations/deletions observed at once (unit tests, §0) */
    bool check;                 /* verify incremental state after every sync */
    U32Vec scratch;             /* per-call working lists */
    U32Vec plan_create;         /* nodes a sync creates pods on */
    U32Vec plan_delete;         /* pods a sync deletes */
    uint64_t syncs;
    uint32_t *pool_next;        /* next index N for POOL-N names, per pool */
    uint32_t node_cap;          /* size of every DaemonSet's nodes[] */
    Arena arena;                /* specs derived at run time (rollbacks) */
} Cluster;

/* Model event kinds; handlers live in the component that owns them. */
#define CLUSTER_EVENTS(X)                                                        \
    X(POD_SEEN_BY_DSCTL)    /* a pod change reaches the DaemonSet informer */    \
    X(POD_SEEN_BY_SCHED)    /* a new pod reaches the scheduler */                \
    X(POD_SCHEDULE)         /* the scheduler's attempt completes */              \
    X(POD_SEEN_BY_KUBELET)  /* a bound or deleted pod reaches the kubelet */     \
    X(POD_PULLED)                                                                \
    X(POD_STARTED)                                                               \
    X(POD_READY)                                                                 \
    X(POD_TERMINATED)                                                            \
    X(POD_AVAILABLE)        /* minReadySeconds elapsed: refresh the view */      \
    X(NODE_SEEN_BY_DSCTL)                                                        \
    X(NODE_STARTED)         /* kubelet reports Ready after startup */            \
    X(NODE_GRACE_EXPIRED)   /* lifecycle controller notices a silent node */     \
    X(NODE_NO_EXECUTE)      /* zone limiter lets the NoExecute taint through */  \
    X(POD_GC)               /* pod GC removes pods of a deleted node */          \
    X(DS_ENQUEUE)                                                                \
    X(DS_SYNC_DONE)                                                              \
    X(API_CREATE_POD)                                                            \
    X(API_DELETE_POD)                                                            \
    X(API_WRITE_STATUS)

typedef enum {
#define X(k) EV_##k,
    CLUSTER_EVENTS(X)
#undef X
    EV__CLUSTER_COUNT
} ClusterEvent;

void cluster_init(Cluster *c, Sim *sim, const Scenario *s, uint64_t seed);
void cluster_free(Cluster *c);

static inline Node *cluster_node(Cluster *c, NodeId id) { return &c->nodes.v[id.i]; }
static inline Pod *cluster_pod(Cluster *c, PodId id) { return &c->pods.v[id.i]; }
static inline DaemonSet *cluster_ds(Cluster *c, DsId id) { return &c->dsets.v[id.i]; }

/* Effective timing of a pod (DaemonSet overrides, else node pool, else scenario). */
const Timing *cluster_pod_timing(const Cluster *c, const Pod *p);
SimTime cluster_draw(Cluster *c, RngStream s, const Dist *d);

/* ---- changes to the truth (scenario events, other components) -------------- */

NodeId cluster_add_node(Cluster *c, const NodePoolSpec *pool, uint32_t pool_index);
void cluster_remove_node(Cluster *c, NodeId n);
void cluster_set_unschedulable(Cluster *c, NodeId n, bool on);
void cluster_add_taint(Cluster *c, NodeId n, Taint t);
void cluster_remove_taint(Cluster *c, NodeId n, Sym key, bool any_effect, TaintEffect e);
void cluster_set_labels(Cluster *c, NodeId n, const Label *set, uint32_t nset,
                        const Sym *remove, uint32_t nremove);
void cluster_kubelet_stop(Cluster *c, NodeId n);
void cluster_kubelet_start(Cluster *c, NodeId n);

DsId cluster_create_ds(Cluster *c, const DaemonSetSpec *spec);
/* The cluster as it stands before t = 0 (preload.c): every DaemonSet whose
 * spec says already_running has its pods, seen by the controller, whose
 * status is written; call once, after the initial nodes and DaemonSets. */
void cluster_preload(Cluster *c);
void cluster_update_ds(Cluster *c, DsId ds, const DaemonSetSpec *spec);
/* Rollback to revision number `to` (0: the previous one). Returns false and a
 * message in `why` when there is nothing to roll back to. */
bool cluster_rollback_ds(Cluster *c, DsId ds, int64_t to, char *why, size_t n);
void cluster_delete_ds(Cluster *c, DsId ds, bool orphan);
/* Hands orphaned pods whose labels match the new DaemonSet's selector to it. */
void cluster_adopt_orphans(Cluster *c, DsId ds);
DsId cluster_find_ds(const Cluster *c, Sym name);
/* A daemon pod fails (its containers exit non-zero). */
void cluster_fail_pod(Cluster *c, PodId p);

/* Pod store operations used by the components. */
PodId pod_create(Cluster *c, DsId ds, NodeId node, SimTime t);
void pod_set_ready(Cluster *c, PodId p, bool ready);
void pod_begin_delete(Cluster *c, PodId p);     /* sets deletionTimestamp */
void pod_remove(Cluster *c, PodId p);           /* gone from the API */
void pod_publish(Cluster *c, PodId p);          /* tell the watchers it changed */
void pod_materialize(Cluster *c, PodId p);      /* the create call lands */
void pod_release(Cluster *c, PodId p);          /* slot free once no view holds it */
const char *pod_phase_name(PodPhase ph);

/* ---- components ----------------------------------------------------------- */

/* DaemonSet controller (dsctl.c) */
void dsctl_register(Cluster *c);
void dsctl_ds_added(Cluster *c, DsId ds);       /* build the view of a new DaemonSet */
void dsctl_ds_changed(Cluster *c, DsId ds);     /* spec changed: re-derive every node */
void dsctl_pod_adopted(Cluster *c, PodId p, DsId from);  /* move the pod between views */
void dsctl_pod_preloaded(Cluster *c, PodId p);  /* a pod that exists before t = 0 enters the view */
void dsctl_enqueue(Cluster *c, DsId ds, SimTime delay);
void dsctl_node_changed(Cluster *c, NodeId n);  /* labels/taints/add/delete, via watch */
/* Eligibility (daemonset-behaviour.md §2): ELIG_SHOULD_RUN | ELIG_CONTINUE bits. */
uint8_t dsctl_eligibility(const Cluster *c, const DaemonSet *ds, const Node *n, Sym node_name);
bool dsctl_pod_available(const Cluster *c, const DaemonSet *ds, const PodSeen *s, SimTime now);
/* Runs one sync of `ds` now, on a worker the caller has taken (the work queue). */
void dsctl_sync(Cluster *c, DsId ds);
/* Sync mode (sync_mode set): one syncDaemonSet call, as upstream unit tests
 * make it; creations and deletions are observed at once, enqueues only recorded. */
void dsctl_sync_once(Cluster *c, DsId ds);
/* Recomputes the view of every DaemonSet from scratch; false + message on mismatch. */
bool dsctl_check(Cluster *c, char *why, size_t n);
/* kubectl rollout status message for the last written status; true when done. */
bool dsctl_rollout_message(const Cluster *c, const DaemonSet *ds, char *buf, size_t n);

/* Scheduler (sched.c) */
void sched_register(Cluster *c);
void sched_node_changed(Cluster *c, NodeId n);  /* retry pending pods there */
/* Why the pod does not fit on its node, or NULL when it does. */
const char *sched_filter(const Cluster *c, const Pod *p, const Node *n);

/* Kubelet (kubelet.c) */
void kubelet_register(Cluster *c);
void kubelet_pod_bound(Cluster *c, PodId p);    /* the kubelet will see the pod */
void kubelet_resume(Cluster *c, NodeId n);      /* carry on with every pod there */
void kubelet_freeze(Cluster *c, NodeId n);      /* cancel every pod timer there */

/* Node lifecycle controller and pod GC (nodelc.c) */
void nodelc_register(Cluster *c);
/* Keeps the zone counts right when a node appears, goes or is relabelled. */
void nodelc_node_added(Cluster *c, NodeId n);
void nodelc_node_removed(Cluster *c, NodeId n);
void nodelc_labels_changed(Cluster *c, NodeId n);
/* An imported node that is not Ready at t = 0 gets the NoExecute taint of its
 * condition through the zone limiter, unless it already carries it. */
void nodelc_node_imported(Cluster *c, NodeId n);

/* API client rate limiting (apiclient.c): the time the call can be sent. */
void api_client_init(ApiClient *a, double qps, uint32_t burst);
SimTime api_client_acquire(ApiClient *a, SimTime now);

#endif

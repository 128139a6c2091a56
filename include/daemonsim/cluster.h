/* cluster.h: the simulated cluster — nodes, pods and DaemonSets in arrays
 * (model.h) — the changes made to that truth, and the watch events that carry
 * each change to the components that act on it: DaemonSet controller
 * (dsctl.h), scheduler (sched.h), kubelets (kubelet.h), node lifecycle
 * controller and pod garbage collector (nodelc.h), API client (apiclient.h). */
#ifndef DAEMONSIM_CLUSTER_H
#define DAEMONSIM_CLUSTER_H

#include "daemonsim/apiclient.h"
#include "daemonsim/clusterspec.h"
#include "daemonsim/model.h"
#include "daemonsim/rng.h"
#include "daemonsim/sim.h"
#include "daemonsim/workqueue.h"

/* What happens to a pod, as the pod_event table records it (column phase). */
#define POD_EVENT_KINDS(X)                          \
    X(CREATED, "Created")                           \
    X(SCHEDULED, "Scheduled")                       \
    X(UNSCHEDULABLE, "Unschedulable")               \
    X(PULLED, "Pulled")                             \
    X(IMAGE_PULL_BACK_OFF, "ImagePullBackOff")      \
    X(RUNNING, "Running")                           \
    X(CRASH_LOOP_BACK_OFF, "CrashLoopBackOff")      \
    X(IN_PLACE_UPDATE, "InPlaceUpdate")             \
    X(READY, "Ready")                               \
    X(NOT_READY, "NotReady")                        \
    X(TERMINATING, "Terminating")                   \
    X(DELETED, "Deleted")                           \
    X(FAILED, "Failed")

typedef enum {
#define X(k, s) PE_##k,
    POD_EVENT_KINDS(X)
#undef X
    PE__COUNT
} PodEventKind;

/* What happens to a node, as the node_event table records it (column kind). */
#define NODE_EVENT_KINDS(X)                         \
    X(ADDED, "Added")                               \
    X(REMOVED, "Removed")                           \
    X(CORDONED, "Cordoned")                         \
    X(UNCORDONED, "Uncordoned")                     \
    X(TAINTED, "Tainted")                           \
    X(UNTAINTED, "Untainted")                       \
    X(LABELED, "Labeled")                           \
    X(UNLABELED, "Unlabeled")                       \
    X(READY, "Ready")                               \
    X(NOT_READY, "NotReady")                        \
    X(UNKNOWN, "Unknown")                           \
    X(KUBELET_STOPPED, "KubeletStopped")            \
    X(KUBELET_STARTED, "KubeletStarted")            \
    X(KUBELET_NOT_READY, "KubeletNotReady")         \
    X(PREEMPTED, "Preempted")

typedef enum {
#define X(k, s) NE_##k,
    NODE_EVENT_KINDS(X)
#undef X
    NE__COUNT
} NodeEventKind;

const char *pod_event_name(PodEventKind k);
const char *node_event_name(NodeEventKind k);
/* The kind a stored name stands for; false for a name not in the tables. */
bool pod_event_parse(const char *name, PodEventKind *k);
bool node_event_parse(const char *name, NodeEventKind *k);

/* What the model reports as it runs; any callback may be NULL. */
typedef struct {
    void *ctx;
    void (*pod_event)(void *ctx, SimTime t, const Pod *p, PodEventKind what);
    void (*node_event)(void *ctx, SimTime t, const Node *n, NodeEventKind kind,
                       const char *detail);
    void (*status_written)(void *ctx, SimTime t, const DaemonSet *ds);
    void (*view_changed)(void *ctx, SimTime t, const DaemonSet *ds);
    /* A Kubernetes Event a component records (recorder.h): the involved
     * object's kind and name, Normal or Warning, reason and message. */
    void (*k8s_event)(void *ctx, SimTime t, const char *kind, const char *name,
                      const char *type, const char *reason, const char *message);
    /* Something about the run the user should know (not a Kubernetes Event). */
    void (*warning)(void *ctx, SimTime t, const DaemonSet *ds, const char *message);
    /* A rollout plan's transition (rolloutplan.h): its step (from 1; 0
     * before the first), what happened and the details. */
    void (*plan_event)(void *ctx, SimTime t, const DaemonSet *ds, uint32_t step, const char *what,
                       const char *detail);
} Sink;

/* A running rollout plan (rolloutplan.c). */
typedef struct PlanRun PlanRun;
/* The pods the plans read, counted per revision (plancount.c). */
typedef struct PlanCounts PlanCounts;

/* The event correlator's spam filter (recorder.c): one token bucket per
 * (source, involved object), in an open-addressing table. */
typedef struct {
    uint64_t *keys;             /* 0: empty slot */
    SimTime *tat;               /* GCRA state per key */
    size_t cap, n;
    uint64_t dropped;           /* Events the filter discarded */
} EventSpamFilter;

/* API calls of the DaemonSet controller, failed ones included. */
typedef struct {
    uint64_t creates, deletes, updates, status_updates, gets, revisions, events, failures;
} ApiCalls;

/* Random streams, one per purpose (rng.h). */
typedef enum {
    RS_WATCH, RS_SCHEDULE, RS_IMAGE_PULL, RS_CONTAINER_START, RS_READINESS,
    RS_TERMINATION, RS_NODE_STARTUP, RS_CANDIDATES, RS_NAMES, RS_FAILURE, RS_LEASE, RS_PREPULL,
    RS_API_ERRORS, RS__COUNT
} RngStream;

/* A topology.kubernetes.io/zone as the node lifecycle controller tracks it (§7.1). */
typedef struct {
    Sym name;                   /* label value; SYM_EMPTY for nodes without one */
    uint32_t nodes;             /* existing nodes */
    uint32_t not_ready;         /* of which Ready is not True */
    SimTime tat;                /* NoExecute tainting limiter state (GCRA) */
} Zone;

/* Advanced DaemonSet rolling update (kruise.c, kruise_index.c): every node id
 * ordered by name, last name first, extended as nodes join (names never
 * change, ids are never reused), per DaemonSet its nodes' update categories
 * counted over that order, and the per-sync lists, kept so a sync neither
 * sorts, scans every node nor allocates. */
typedef struct KruiseIndex KruiseIndex;
typedef struct {
    U32Vec by_name;             /* node ids, names descending, equal names by id */
    U32Vec pos;                 /* per node id, its place in by_name */
    KruiseIndex **index;        /* per DaemonSet id, NULL until its first update */
    uint32_t nindex;
    U32Vec filtered, empty, old, cand;
    U32Vec picked;              /* random picks: place + 1 of a swapped-in entry, 0 if none */
    U32Vec touched;             /* entries of `picked` to reset */
} KruiseLists;

typedef struct {
    Sim *sim;
    StrTab *strs;
    ControlPlane cp;
    Timing timing;
    VEC(Node) nodes;
    VEC(Zone) zones;
    VEC(Pod) pods;
    PodId free_pods;
    VEC(DaemonSet) dsets;
    Rng *rng[RS__COUNT];
    ApiClient ds_api;           /* the DaemonSet controller's client */
    ApiCalls ds_calls;          /* what went through it */
    uint32_t idle_workers;
    WorkQueue ds_queue;         /* the DaemonSet controller's work queue */
    Sink sink;
    EventSpamFilter spam;
    bool sync_mode;             /* creations/deletions observed at once (unit tests, docs/conformance.md) */
    bool check;                 /* verify incremental state after every sync */
    U32Vec scratch;             /* per-call working lists */
    U32Vec plan_create;         /* nodes a sync creates pods on */
    U32Vec plan_delete;         /* pods a sync deletes */
    U32Vec plan_update;         /* pods a sync updates in place (Advanced DaemonSet) */
    KruiseLists kruise;         /* the Advanced DaemonSet update's node order and lists (kruise.c) */
    uint64_t syncs;
    uint32_t *pool_next;        /* next index N for POOL-N names, per pool */
    uint32_t node_cap;          /* node slots of every DaemonSet's controller view */
    Arena arena;                /* specs derived at run time (rollbacks, plans) */
    PlanRun *plans;             /* spec.rolloutPlans (rolloutplan.c) */
    uint32_t nplans;
    PlanCounts *plan_counts;    /* the pods the plans read (plancount.c); NULL without plans */
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
    X(NODE_REACHABLE)       /* monitor pass lifts the NoExecute taints */        \
    X(VICTIMS_GONE)         /* preemption victims finished terminating */        \
    X(DS_ENQUEUE)           /* the work queue's waiting loop wakes */            \
    X(DS_SEEN_BY_DSCTL)     /* a DaemonSet add/update reaches the informer */    \
    X(DS_SYNC_DONE)                                                              \
    X(API_CREATE_POD)                                                            \
    X(API_DELETE_POD)                                                            \
    X(API_PATCH_POD)        /* an in-place update reaches the API server */      \
    X(PREPULL_DONE)         /* an ImagePullJob finished on one node */           \
    X(PLAN_TIMER)           /* a rollout plan's reconcile, pause end or analysis */ \
    X(API_WRITE_STATUS)

typedef enum {
#define X(k) EV_##k,
    CLUSTER_EVENTS(X)
#undef X
    EV__CLUSTER_COUNT
} ClusterEvent;

/* Builds an empty cluster from the scenario's settings (`npools` node pools)
 * and registers every component's event handlers on `sim`. */
void cluster_init(Cluster *c, Sim *sim, StrTab *strs, const ControlPlane *cp,
                  const Timing *timing, uint32_t npools, uint64_t seed);
void cluster_free(Cluster *c);

static inline Node *cluster_node(Cluster *c, NodeId id) { return &c->nodes.v[id.i]; }
static inline Pod *cluster_pod(Cluster *c, PodId id) { return &c->pods.v[id.i]; }
static inline DaemonSet *cluster_ds(Cluster *c, DsId id) { return &c->dsets.v[id.i]; }

/* The pod (a slot of c->pods) changed: the plans' counts follow
 * (plancount.c). Called for every emitted pod event and for the changes
 * that are not emitted (adoption, pods in place at t = 0). */
void plancount_pod_changed(Cluster *c, uint32_t pod);

/* Reports a pod or node event to the sink (every component emits through these). */
static inline void cluster_emit_pod(Cluster *c, const Pod *p, PodEventKind what)
{
    if (c->plan_counts) plancount_pod_changed(c, (uint32_t)(p - c->pods.v));
    if (c->sink.pod_event) c->sink.pod_event(c->sink.ctx, c->sim->now, p, what);
}
static inline void cluster_emit_node(Cluster *c, const Node *n, NodeEventKind kind,
                                     const char *detail)
{
    if (c->sink.node_event) c->sink.node_event(c->sink.ctx, c->sim->now, n, kind, detail);
}

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
/* The kubelet keeps running but posts Ready=False (`reason`, e.g. NetworkPluginNotReady). */
void cluster_kubelet_report_not_ready(Cluster *c, NodeId n, Sym reason);

DsId cluster_create_ds(Cluster *c, const DaemonSetSpec *spec);
/* The cluster as it stands before t = 0 (preload.c): every DaemonSet whose
 * spec says already_running has its pods, and the pods of the user's
 * cluster (`existing`; pool_node maps a pool to its first node) are in
 * place, seen by the controller, whose status is written; call once, after
 * the initial nodes and DaemonSets. */
void cluster_preload(Cluster *c, const ExistingPod *existing, uint32_t nexisting,
                     const uint32_t *pool_node);
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

#endif

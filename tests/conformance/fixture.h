/* fixture.h: the upstream unit tests' world, for the conformance suite.
 *
 * Mirrors the fixtures of docs/conformance.md, "The unit-test fixtures": DaemonSet "foo" (selector
 * and template labels {name: simple-daemon, type: production}, image
 * foo/bar, revisionHistoryLimit 2, OnDelete unless changed), nodes named
 * node-0, node-1, ... (or any name), pods bound to a node. The cluster runs in
 * sync mode: one fx_sync() is one syncDaemonSet; creations and deletions are
 * observed at once and a delete removes the pod, as upstream's fake pod
 * control does. fx_sync() counts creates, deletes and Events. */
#ifndef DAEMONSIM_CONFORMANCE_FIXTURE_H
#define DAEMONSIM_CONFORMANCE_FIXTURE_H

#include "daemonsim/cluster.h"
#include "daemonsim/scenario.h"
#include "dsctl_state.h"

typedef struct {
    Scenario sc;
    Sim sim;
    Cluster c;
    NodePoolSpec pool;
    DaemonSetSpec spec;         /* edit before fx_create_ds() */
    Arena arena;                /* label arrays, specs made by the helpers */
    uint32_t next_node;         /* N of the next node-N */
    int creates, deletes, events;
    char last_event_reason[64];
    int status_writes;          /* status writes since the last fx_sync (reset by it) */
    int create_limit;           /* fx_set_create_limit(); 0: none */
    int created_total;          /* creates the API server accepted, over all syncs */
    SimTime accepted_at[128];   /* when the first creates reached the API server (exact, not */
    uint32_t naccepted;         /* the whole-second creationTimestamp) */
} Fx;

/* A fresh world with DS "foo" not created yet. */
Fx *fx_new(void);
void fx_free(Fx *f);
Sym fx_sym(Fx *f, const char *s);

/* Sorted labels from "k1", "v1", "k2", "v2", ..., NULL (arena-owned). */
const Label *fx_labels(Fx *f, uint32_t *n, ...);
/* Upstream's L1 / L2 / N1 / N2 label sets. */
const Label *fx_l1(Fx *f, uint32_t *n);     /* name=simple-daemon, type=production */
const Label *fx_n1(Fx *f, uint32_t *n);     /* color=blue, speed=fast */
const Label *fx_n2(Fx *f, uint32_t *n);     /* color=red, speed=fast */

typedef struct {
    const char *name;           /* NULL: node-N */
    const Label *labels;
    uint32_t nlabels;
    const Taint *taints;
    uint32_t ntaints;
    bool unschedulable;
    Resources allocatable;      /* zero: pods 100 only, as upstream's newNode */
    CondStatus ready;           /* Ready condition; COND_TRUE (zero) keeps the default */
    Resources used;             /* requests of pods that are not daemon pods */
} FxNode;

/* Adds a node the controller's informer has seen. */
NodeId fx_add_node(Fx *f, FxNode n);
/* Adds count nodes node-K.. with these labels. */
void fx_add_nodes(Fx *f, uint32_t count, const Label *labels, uint32_t nlabels);
NodeId fx_node(Fx *f, const char *name);
/* Changes a node's labels and taints (whole sets) and delivers the update. */
void fx_update_node(Fx *f, NodeId n, const Label *labels, uint32_t nlabels, const Taint *taints,
                    uint32_t ntaints);

DsId fx_create_ds(Fx *f);
/* A new template revision (canonical text `tmpl`): existing pods become old. */
void fx_update_template(Fx *f, DsId ds, const char *tmpl);
/* Changes strategy fields without touching the template. */
void fx_update_spec(Fx *f, DsId ds, const DaemonSetSpec *spec);

typedef struct {
    bool old;                   /* on the previous revision (hash label differs) */
    SimTime created;            /* creationTimestamp */
    bool ready;
    SimTime ready_since;        /* Ready lastTransitionTime; default: created */
    PodPhase phase;             /* default Running when ready, else Pending */
    bool deleting;              /* deletionTimestamp set */
    bool unbound;               /* spec.nodeName empty, targeted by affinity */
} FxPod;

/* A pod of the DaemonSet on the node, seen by the controller. */
PodId fx_add_pod(Fx *f, DsId ds, NodeId node, FxPod opts);
void fx_mark_pods_ready(Fx *f, DsId ds);    /* every pod Ready now (upstream markPodsReady) */
void fx_set_pod_ready(Fx *f, PodId p, bool ready);
void fx_set_pod_phase(Fx *f, PodId p, PodPhase ph);
void fx_set_time(Fx *f, SimTime t);

/* One syncDaemonSet; resets and fills creates/deletes/events. */
void fx_sync(Fx *f, DsId ds);
/* Was the DaemonSet enqueued since the last fx_sync or fx_clear_queue? */
bool fx_enqueued(Fx *f, DsId ds);
void fx_clear_queue(Fx *f, DsId ds);

/* Pods of the DaemonSet that exist (optionally only non-terminating ones). */
uint32_t fx_count_pods(Fx *f, DsId ds, NodeId node, bool include_terminating);
/* Ready pods of the DaemonSet in the cluster. */
uint32_t fx_count_ready(Fx *f, DsId ds);

/* ---- additions for sections A-E and G ------------------------------------- */

/* Upstream's updateStrategies(): OnDelete, then RollingUpdate {maxUnavailable: 1}. */
extern const UpdateStrategy fx_strategies[2];
/* fx_new() with the update strategy set. */
Fx *fx_new_strategy(UpdateStrategy s);

/* A resource quantity ("50M", "75m", "0.5") in milli-units; asserts it parses. */
int64_t fx_quantity(const char *q);
/* Upstream's allocatableResources(memory, cpu): those two plus pods 100. */
Resources fx_allocatable(const char *memory, const char *cpu);
/* Container requests of memory and cpu (no pod count). */
Resources fx_requests(const char *memory, const char *cpu);
/* Required node affinity with one term holding one `key In [value]` expression. */
NodeAffinity fx_affinity_in(Fx *f, const char *key, const char *value);
/* A taint (key, value, effect) with interned strings; value may be "". */
Taint fx_taint(Fx *f, const char *key, const char *value, TaintEffect effect);

/* The node is deleted and the controller's informer sees it go. */
void fx_remove_node(Fx *f, NodeId n);
/* Status-only node updates, delivered to the node update handler. */
void fx_set_node_allocatable(Fx *f, NodeId n, Resources allocatable);
void fx_set_node_ready(Fx *f, NodeId n, CondStatus ready);

/* The pod is gone from the API server; its delete event is delivered. */
void fx_delete_pod(Fx *f, PodId p);
/* An update event for the pod with nothing but a new resourceVersion. */
void fx_touch_pod(Fx *f, PodId p);

/* The DaemonSet object carries a deletionTimestamp but is still listed. */
void fx_set_ds_deleting(Fx *f, DsId ds);
/* status.observedGeneration = metadata.generation, as on upstream's stored
 * test DaemonSets (both zero there), whose status the syncs never change. */
void fx_mark_status_observed(Fx *f, DsId ds);
/* The failed-pod back-off entry for the node under the DaemonSet's current
 * status.observedGeneration (the upstream key), or NULL. */
const FailBackoff *fx_backoff(Fx *f, DsId ds, NodeId n);

/* DaemonSets on the work queue (upstream queue.Len()). */
uint32_t fx_count_enqueued(Fx *f);
/* Is the pod in the controller's node -> pods map of the DaemonSet? */
bool fx_pod_mapped(Fx *f, DsId ds, PodId p);
/* Pods the controller's map holds for the node. */
uint32_t fx_count_mapped(Fx *f, DsId ds, NodeId n);

/* ---- injected API failures (C53-C56, C79) --------------------------------- */

/* Upstream's FakePodControl.CreateLimit (and C79's admission plugin): after
 * `limit` accepted creates every further create fails
 * (controlPlane.apiErrors.create becomes 1). */
void fx_set_create_limit(Fx *f, int limit);
/* Makes the controller's next API-error draws at probability p come out as
 * `pattern` says, one letter a call ('F' fails, 'P' passes): its stream is
 * replaced by the first seed whose draws give that pattern. */
void fx_script_api_errors(Fx *f, double p, const char *pattern);
/* Did the last fx_sync return an error (syncHandler's err != nil)? */
bool fx_sync_failed(Fx *f, DsId ds);

#define EXPECT_SYNC(f, c_, d_, e_)            \
    do {                                      \
        EXPECT_EQ_I64((f)->creates, (c_));    \
        EXPECT_EQ_I64((f)->deletes, (d_));    \
        EXPECT_EQ_I64((f)->events, (e_));     \
    } while (0)

#endif

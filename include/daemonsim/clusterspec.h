/* clusterspec.h: the cluster a scenario declares — node pools and the
 * control plane's settings — as plain data. The input layer fills these; the
 * cluster model (k8s layer) reads them, so they sit below both. */
#ifndef DAEMONSIM_CLUSTERSPEC_H
#define DAEMONSIM_CLUSTERSPEC_H

#include "daemonsim/diag.h"
#include "daemonsim/dsspec.h"
#include "daemonsim/labels.h"

/* The Ready condition an imported node starts with (nodesFrom), as its
 * kubelet last reported it (docs/behaviour.md §7.2, §7.3). */
typedef enum {
    NODE_START_READY,
    NODE_START_NOT_READY,       /* Ready=False: the kubelet reports NotReady */
    NODE_START_UNKNOWN,         /* Ready=Unknown: the kubelet is silent */
} NodeStart;

typedef struct {
    Sym name;
    uint32_t count;
    Sym node_name;              /* imported node: its real name; else SYM_NONE (POOL-N) */
    const Label *labels;        /* sorted */
    uint32_t nlabels;
    const Taint *taints;
    uint32_t ntaints;
    bool unschedulable;
    NodeStart start;            /* imported nodes only; NODE_START_READY otherwise */
    Resources allocatable;      /* default: cpu 4, memory 16Gi, pods 110 */
    Resources used;             /* requests of other workloads already running */
    int32_t used_priority;      /* priority of that load, for preemption */
    const Timing *timing;       /* per-pool overrides, or NULL */
    SrcPos pos;
} NodePoolSpec;

/* controlPlane.apiErrors: the probability that one API call of the
 * DaemonSet controller fails, per verb (0 = never, the default): pod
 * create, pod delete, pod update (an Advanced DaemonSet's in-place update)
 * and DaemonSet status update. */
typedef struct {
    double create, delete_, update, status;
} ApiErrors;

/* A DaemonSet pod of the user's own cluster (`cluster.podsFrom`), in place
 * at t = 0 on an imported node. */
typedef struct {
    uint32_t ds;                /* index among the DaemonSets that exist at t = 0 */
    uint32_t pool;              /* its node: an imported node's pool of one */
    Sym name;
    Sym revision_hash;          /* its controller-revision-hash label, if any */
    bool current;               /* of the manifest's own revision (IsPodUpdated) */
    bool running;               /* status.phase Running */
    bool ready;                 /* condition Ready True */
    bool deleting;              /* metadata.deletionTimestamp set */
} ExistingPod;

typedef struct {
    double api_qps;                 /* client rate limit of the controller manager: 20 */
    uint32_t api_burst;             /* 30 */
    uint32_t burst_replicas;        /* 250 */
    uint32_t workers;               /* --concurrent-daemonset-syncs: 2 */
    SimTime node_monitor_period;    /* 5s */
    SimTime node_monitor_grace;     /* 50s (40s before 1.32) */
    SimTime node_startup_grace;     /* 60s */
    SimTime pod_gc_period;          /* 20s */
    SimTime pod_gc_quarantine;      /* 40s */
    bool candidate_order_by_name;   /* controlPlane.candidateOrder: name (default random) */
    uint32_t kubernetes_minor;      /* controlPlane.kubernetesVersion "1.N": N (default newest) */
    ApiErrors api_errors;           /* injected failures (default none) */
} ControlPlane;

#endif

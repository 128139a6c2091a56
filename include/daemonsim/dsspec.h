/* dsspec.h: a DaemonSet as its manifest declares it, after upstream
 * defaulting and validation (docs/behaviour.md §13).
 *
 * The input layer fills these from apps/v1 manifests; the controller reads
 * them. Only fields that change placement or timing are kept, but the pod
 * template's full canonical text is kept too: two templates are the same
 * revision exactly when their canonical texts are equal (§1, §12). */
#ifndef DAEMONSIM_DSSPEC_H
#define DAEMONSIM_DSSPEC_H

#include "daemonsim/diag.h"
#include "daemonsim/dist.h"
#include "daemonsim/labels.h"
#include "daemonsim/units.h"

/* Resource amounts in milli-units (cpu millicores x1, memory bytes x1000, pods x1000). */
typedef struct {
    int64_t cpu;
    int64_t memory;
    int64_t pods;
} Resources;

/* Latency distributions of one pod's life and of the control plane's view of it. */
typedef struct {
    Dist watch;             /* informer delay before a controller sees a change */
    Dist schedule;          /* scheduler queue + filter + bind */
    Dist image_pull;
    Dist container_start;
    Dist readiness;         /* container started -> Ready condition True */
    Dist termination;       /* graceful stop, capped by terminationGracePeriodSeconds */
    Dist node_startup;      /* registered node -> kubelet reports Ready */
} Timing;

typedef enum { FAILURE_NONE, FAILURE_CRASH_LOOP, FAILURE_IMAGE_PULL } FailureMode;

/* A bad release: pods of this template fail and never become Ready. */
typedef struct {
    FailureMode mode;
    double probability;
} Failure;

typedef struct {
    const Label *labels;            /* template.metadata.labels, sorted */
    uint32_t nlabels;
    Sym node_name;                  /* template.spec.nodeName; SYM_EMPTY if unset */
    const Label *node_selector;     /* sorted */
    uint32_t nnode_selector;
    NodeAffinity affinity;          /* required node affinity only */
    const Toleration *tolerations;  /* as written; the controller adds its own (§3) */
    uint32_t ntolerations;
    Resources requests;             /* effective pod requests (containers, init containers) */
    const uint16_t *host_ports;     /* hostPort of every container port that sets one */
    const Sym *host_port_protocols; /* per host port: TCP, UDP or SCTP; NULL: all TCP */
    const Sym *host_port_ips;       /* per host port: hostIP, SYM_EMPTY = every address; NULL: all */
    uint32_t nhost_ports;
    bool host_network;
    Sym priority_class;             /* SYM_EMPTY if unset */
    int32_t priority;               /* resolved from priorityClassName */
    int64_t termination_grace_seconds;  /* default 30 */
    Sym image;                      /* first container's image, for display */
    const char *canonical;          /* key-sorted dump of spec.template: revision identity */
    const char *canonical_sans_images;  /* the same with container images blanked: two
                                         * revisions equal here differ only in images */
    Failure failure;                /* simulation knob, not part of the identity */
    const Timing *timing;           /* per-DaemonSet overrides, or NULL */
} PodTemplate;

typedef enum { STRATEGY_ROLLING_UPDATE, STRATEGY_ON_DELETE } UpdateStrategy;

/* rollingUpdate.rollingUpdateType of an Advanced DaemonSet; "Surging" is
 * OpenKruise's deprecated alias for Standard. */
#define KRUISE_API_VERSION "apps.kruise.io/v1alpha1"

typedef enum { KRUISE_STANDARD, KRUISE_IN_PLACE_IF_POSSIBLE } KruiseUpdateType;

/* The fields OpenKruise's Advanced DaemonSet (apps.kruise.io/v1alpha1) adds
 * to rollingUpdate; all zero for an apps/v1 DaemonSet. */
typedef struct {
    bool on;                        /* the manifest is apps.kruise.io/v1alpha1 */
    KruiseUpdateType type;          /* default Standard */
    int32_t partition;              /* nodes kept on old revisions; default 0 */
    bool paused;                    /* rolling update halted (manage still runs) */
    bool has_selector;              /* rollingUpdate.selector set: only matching nodes update */
    LabelSelector selector;
    int32_t predownload_parallelism;    /* apps.kruise.io/image-predownload-parallelism;
                                         * 0: the manifest does not ask for pre-download */
} KruiseStrategy;

typedef struct {
    Sym name;
    Sym namespace_;
    LabelSelector selector;
    PodTemplate template_;
    int32_t min_ready_seconds;
    int32_t revision_history_limit;     /* default 10 */
    UpdateStrategy strategy;            /* default RollingUpdate */
    IntOrPercent max_unavailable;       /* default 1 */
    IntOrPercent max_surge;             /* default 0 */
    KruiseStrategy kruise;
    bool already_running;               /* spec.daemonSets[].alreadyRunning: its pods run at t = 0 */
    SrcPos pos;                         /* where the manifest starts */
} DaemonSetSpec;

/* ---- staged rollout plans (spec.rolloutPlans; docs/kruise.md) ---------------- */

/* An analysis that reads the cluster during a step: how many of the updated
 * pods may be failing (Failed, crash-looping, or not Ready for notReadyGrace). */
typedef struct {
    bool on;
    SimTime interval;               /* between measurements; default 1m */
    IntOrPercent max_failed;        /* maxFailedPods, of the updated pods; default 0 */
    SimTime not_ready_grace;        /* default 5m */
    uint32_t checks;                /* passing measurements after the batch is ready; default 1 */
} PlanAnalysis;

/* One canary step of Kruise Rollout (spec.strategy.canary.steps[]). */
typedef struct {
    IntOrPercent replicas;          /* pods on the new revision once the step is done
                                     * (cumulative), of the desired nodes, rounded up */
    bool has_pause;                 /* pause.duration given; without it the step waits
                                     * for the analysis, or for ever (manual approval) */
    SimTime pause;
    PlanAnalysis analysis;
    SrcPos pos;
} PlanStep;

typedef struct {
    Sym daemonset;
    const PlanStep *steps;
    uint32_t nsteps;
    IntOrPercent failure_threshold; /* canary.failureThreshold: unready updated pods a
                                     * batch tolerates; default 0 */
    SrcPos pos;
} RolloutPlanSpec;

#endif

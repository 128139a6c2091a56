/* scenario.h: a scenario file as plain data (docs/scenario-format.md).
 *
 * scenario_load() reads and validates the whole file, manifests and node
 * imports included, so that a run never starts on bad input. Everything the
 * Scenario points to lives in its arena and string table and is released by
 * scenario_free(). Times are SimTime; distributions are checked Dists. */
#ifndef DAEMONSIM_SCENARIO_H
#define DAEMONSIM_SCENARIO_H

#include <stdio.h>

#include "daemonsim/clusterspec.h"
#include "daemonsim/diag.h"
#include "daemonsim/dist.h"
#include "daemonsim/dsspec.h"
#include "daemonsim/dsstatus.h"
#include "daemonsim/labels.h"
#include "daemonsim/mem.h"

typedef enum { STOP_CONVERGED, STOP_DURATION } StopWhen;

/* Which nodes an event acts on. */
typedef struct {
    Sym pool;                   /* SYM_NONE: any */
    const Sym *names;
    uint32_t nnames;
    const Label *match_labels;  /* sorted */
    uint32_t nmatch_labels;
    bool has_count;
    uint32_t count;
    bool has_fraction;
    double fraction;
    SrcPos pos;
} NodeTarget;

#define SCENARIO_ACTIONS(X)                  \
    X(ADD_NODES, "addNodes")                 \
    X(REMOVE_NODES, "removeNodes")           \
    X(NODE_NOT_READY, "nodeNotReady")        \
    X(NODE_READY, "nodeReady")               \
    X(CORDON, "cordon")                      \
    X(UNCORDON, "uncordon")                  \
    X(TAINT, "taint")                        \
    X(UNTAINT, "untaint")                    \
    X(LABEL, "label")                        \
    X(UNLABEL, "unlabel")                    \
    X(CREATE_DS, "createDaemonSet")          \
    X(UPDATE_DS, "updateDaemonSet")          \
    X(PATCH_DS, "patchDaemonSet")            \
    X(ROLLBACK, "rollback")                  \
    X(RESTART_DS, "restartDaemonSet")        \
    X(DELETE_DS, "deleteDaemonSet")          \
    X(KILL_PODS, "killPods")

typedef enum {
#define X(k, s) ACT_##k,
    SCENARIO_ACTIONS(X)
#undef X
    ACT__COUNT
} ActionKind;

const char *action_kind_name(ActionKind k);

typedef struct {
    ActionKind kind;
    SrcPos pos;
    SimTime at;                 /* first occurrence (0 if unset) */
    bool has_at;                /* `at:` given; a repeating event without it starts
                                   one interval after 0, like a process already running */
    bool repeats;               /* `every:` given */
    Dist every;                 /* interval between occurrences */
    SimTime until;              /* last time an occurrence may start; SIM_NEVER if unset */
    NodeTarget nodes;           /* node actions, killPods */
    Sym pool;                   /* addNodes */
    uint32_t count;             /* addNodes */
    bool has_for;               /* nodeNotReady: a flap */
    Dist for_;
    bool kubelet_reports;       /* nodeNotReady: the kubelet posts Ready=False itself */
    Sym reason;                 /* nodeNotReady: its reason (KubeletNotReady by default) */
    Taint taint;                /* taint */
    Sym key;                    /* untaint */
    bool has_effect;            /* untaint: only this effect */
    TaintEffect effect;
    const Label *labels;        /* label */
    uint32_t nlabels;
    const Sym *keys;            /* unlabel */
    uint32_t nkeys;
    Sym ds_name;                /* update/rollback/restart/delete/killPods */
    uint32_t spec;              /* createDaemonSet, updateDaemonSet: index into Scenario.specs */
    int64_t to_revision;        /* rollback: 0 = previous */
    bool orphan;                /* deleteDaemonSet cascade: orphan */
} Action;

typedef enum {
#define X(f, K, name) STATUS_##K,
    DS_STATUS_COUNTS(X)
#undef X
    STATUS_OBSERVED_GENERATION,
    STATUS__COUNT
} StatusField;

/* Kubernetes name of a status field ("desiredNumberScheduled", ...). */
const char *status_field_name(StatusField f);

#define SCENARIO_INVARIANTS(X)                          \
    X(MAX_UNAVAILABLE, "maxUnavailableRespected")       \
    X(MAX_SURGE, "maxSurgeRespected")                   \
    X(ONE_POD_PER_NODE, "atMostOnePodPerNode")          \
    X(NO_POD_ON_INELIGIBLE, "noPodOnIneligibleNode")    \
    X(STATUS_CONSISTENT, "statusConsistent")

typedef enum {
#define X(k, s) INV_##k,
    SCENARIO_INVARIANTS(X)
#undef X
    INV__COUNT
} Invariant;

const char *invariant_name(Invariant i);

typedef enum { EXPECT_STATUS, EXPECT_ROLLOUT_WITHIN, EXPECT_PODS_ON, EXPECT_ALWAYS } ExpectKind;

typedef struct {
    ExpectKind kind;
    SrcPos pos;
    SimTime at;
    Sym ds_name;                        /* SYM_NONE: any (podsOn) */
    bool has_field[STATUS__COUNT];      /* status: which fields are checked */
    int64_t field[STATUS__COUNT];
    SimTime within;                     /* rolloutCompleteWithin */
    NodeTarget nodes;                   /* podsOn */
    uint32_t count;                     /* podsOn */
    uint32_t invariants;                /* always: bit (1 << Invariant) */
} Expect;

typedef struct {
    const char *path;           /* as given on the command line */
    const char *name;           /* metadata.name */
    uint64_t seed;
    SimTime duration;           /* default 12h */
    StopWhen stop_when;         /* default converged */
    SimTime sample;             /* default 10s; 0 = every change */
    NodePoolSpec *pools;
    uint32_t npools;
    ExistingPod *existing_pods; /* cluster.podsFrom: DaemonSet pods at t = 0 */
    uint32_t nexisting_pods;
    DaemonSetSpec *specs;       /* every DaemonSet spec the scenario mentions */
    uint32_t nspecs;
    uint32_t ninitial;          /* specs[0 .. ninitial) exist at t = 0 */
    Timing timing;
    ControlPlane control_plane;
    Action *actions;
    uint32_t nactions;
    Expect *expects;
    uint32_t nexpects;
    const char *variant;        /* the strategy chosen (--set strategy=...): its name, or NULL */
    const char **variants;      /* the names spec.variants declares */
    uint32_t nvariants;
    RolloutPlanSpec *plans;     /* spec.rolloutPlans */
    uint32_t nplans;
    const char **warnings;      /* `file:line:col: warning: ...`, for stderr */
    uint32_t nwarnings;
    StrTab *strs;
    Arena arena;
} Scenario;

/* An override from `--set KEY=VALUE`, applied while loading. */
typedef struct Override {
    const char *key;
    const char *value;
} Override;

/* Loads and validates; on failure returns NULL with the error on `d`. */
Scenario *scenario_load(const char *path, const Override *ovr, size_t novr, Diag *d);
void scenario_free(Scenario *s);
/* Loads the scenario once per variant it declares (`--set strategy=NAME`
 * added to ovr), so that a variant a run would not choose is checked too;
 * false with the first error on `d`, and *bad naming the variant. */
bool scenario_check_variants(const Scenario *s, const Override *ovr, size_t novr, Diag *d,
                             const char **bad);
/* True when the file's top-level `kind` names something other than a
 * Scenario (a manifest, a node list): a folder walk skips it. A file that
 * does not parse, or says no kind, is not skipped; loading it says why. */
bool scenario_file_is_other_kind(const char *path);

/* The load's warnings, one a line (run and validate print them on stderr). */
void scenario_print_warnings(const Scenario *s, FILE *out);
/* The resolved scenario in a few readable lines (daemonsim validate). */
void scenario_print_summary(const Scenario *s, FILE *out);
/* The defaults of docs/scenario-format.md and upstream (used when a key is omitted). */
Timing timing_defaults(void);
ControlPlane control_plane_defaults(void);

#endif

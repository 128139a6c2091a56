/* loader.h: the state of one scenario_load() call, shared by the files of the
 * input layer (scenario.c, scenario_events.c, nodes_import.c, override.c).
 *
 * Results grow in vectors and are copied into the Scenario's arena at the
 * end; YAML trees live in `tmp` and die with the load. A DaemonSet's manifest
 * tree is kept (DsChain) so that later updateDaemonSet patches apply on top
 * of the previous revision. */
#ifndef DAEMONSIM_INPUT_LOADER_H
#define DAEMONSIM_INPUT_LOADER_H

#include "daemonsim/scenario.h"
#include "manifest.h"
#include "ydoc.h"

/* One distinct template of a DaemonSet, numbered like ControllerRevisions
 * (docs/behaviour.md §12), so that rollback events can be followed. */
typedef struct {
    YNode *tree;
    const char *canonical;
    uint32_t spec;              /* the spec that introduced it */
    int64_t number;
} ChainRev;

typedef struct {
    Sym name;
    YNode *tree;                /* the manifest as of the last event processed */
    uint32_t spec;              /* its index in Loader.specs */
    const Timing *timing;       /* per-DaemonSet timing, or NULL */
    SimTime created;            /* 0 for DaemonSets of spec.daemonSets */
    SimTime deleted;            /* SIM_NEVER while it exists */
    SrcPos pos;
    VEC(ChainRev) revs;
} DsChain;

/* A --set aimed at DaemonSets: maxUnavailable, maxSurge, minReadySeconds. */
typedef struct {
    const char *ds;             /* NULL: every DaemonSet */
    const char *field;
    YNode *value;
    SrcPos pos;                 /* file "--set KEY", line 0 */
    bool used;
} DsOverride;

typedef struct Loader {
    YCtx c;
    Scenario *s;
    Arena tmp;
    const char *dir;            /* the scenario's folder, with a trailing '/', or "" */
    PriorityClasses pcs;
    VEC(NodePoolSpec) pools;
    VEC(ExistingPod) existing_pods;
    const YNode *pods_from;     /* cluster.podsFrom, read once the DaemonSets are known */
    uint32_t ndeclared;         /* pools[0 .. ndeclared) come from nodePools */
    VEC(DaemonSetSpec) specs;
    VEC(DsChain) chains;
    VEC(Action) actions;
    VEC(Expect) expects;
    VEC(RolloutPlanSpec) plans;
    VEC(DsOverride) dso;
    YNode *variant_manifest;        /* a manifest file chosen as the strategy, or NULL */
    bool variant_manifest_used;
    VEC(const char *) warnings;     /* formatted, in the Scenario's arena */
} Loader;

/* scenario.c */
const char *loader_path(Loader *L, const char *rel);
bool loader_parse_dist(Loader *L, const YNode *n, Dist *out);
/* A Timing mapping: every key optional, the rest from `base`. */
bool loader_parse_timing(Loader *L, const YNode *n, const Timing *base, Timing *out);
/* Loads the DaemonSets of a `{file | manifest, timing?}` entry as chains that
 * exist from `at` on; appends their specs. */
bool loader_add_daemonsets(Loader *L, const YNode *entry, SimTime at, uint32_t *first,
                           uint32_t *count);
/* Parses a manifest tree into a new spec appended to L->specs. */
bool loader_spec_from_tree(Loader *L, YNode *tree, const Timing *timing, uint32_t *index);
DsChain *loader_find_chain(Loader *L, Sym name);
/* A `{cpu, memory, pods}` mapping of quantities (a pool's `used`). */
bool loader_parse_resources(Loader *L, const YNode *n, Resources *out);
/* Index of a pool by name, or -1. */
int32_t loader_find_pool(const Loader *L, Sym name);

/* scenario_events.c */
bool events_parse(Loader *L, const YNode *events);
bool expects_parse(Loader *L, const YNode *expect);
/* A DaemonSet name the scenario defines at some time; an error at `n` otherwise. */
bool loader_ds_ref(Loader *L, const YNode *n, Sym *out);

/* scenario_plans.c: spec.rolloutPlans, after the events (a plan may name a
 * DaemonSet that an event creates). */
bool plans_parse(Loader *L, const YNode *plans);

/* nodes_import.c: every `nodesFrom` entry becomes pools of one node each. */
bool nodes_import(Loader *L, const YNode *list);

/* pods_import.c: `podsFrom` files: DaemonSet pods of the scenario's
 * DaemonSets become existing pods, every other running pod load on its node. */
bool pods_import(Loader *L, const YNode *list);

/* scenario_check.c: after parsing. A cluster too big to number or to fit in
 * memory is an error; events and expectations after the end are warnings. */
bool loader_check_size(Loader *L);
void loader_warn_after_end(Loader *L);

/* override.c */
bool override_apply_tree(Loader *L, YNode *root, const Override *ovr, size_t n);
/* Applies the DaemonSet overrides to a manifest tree before it is parsed. */
bool override_apply_ds(Loader *L, YNode *manifest);
/* NAME.field overrides that matched no DaemonSet are errors. */
bool override_check_used(Loader *L);
/* One override (an alias or a path) with a value already parsed. */
bool override_apply_one(Loader *L, YNode *root, const char *key, YNode *value, SrcPos pos);

/* variant.c: spec.variants and --set strategy=NAME|FILE. */
bool variant_is_key(const char *key);
/* Checks the list: names present, unique, `set` mappings. */
bool variants_check(Loader *L, const YNode *list);
/* Applies the variant named (or the file given) by `value`. */
bool variant_apply(Loader *L, YNode *root, const YNode *value, SrcPos pos);
/* The manifest to load in place of `tree`: the chosen manifest file when it
 * names the same DaemonSet, else `tree`. */
YNode *variant_manifest(Loader *L, YNode *tree);
/* A chosen manifest file that replaced nothing is an error. */
bool variant_check_used(Loader *L);

#endif

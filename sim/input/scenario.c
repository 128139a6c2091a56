/* scenario.c: a scenario file (docs/scenario-format.md) into a validated Scenario.
 *
 * scenario_load() reads the file, applies --set overrides to the YAML tree,
 * then walks it with one table per mapping: metadata, spec, cluster and node
 * pools, DaemonSets (files or inline manifests), timing distributions and the
 * control plane. Events and expectations (scenario_events.c), node imports
 * (nodes_import.c) and overrides (override.c) have their own files. The
 * sections are read in dependency order (priority classes and timing before
 * the pools and DaemonSets that use them, DaemonSets before the events that
 * name them), whatever order the file writes them in. The first error stops
 * the load; on failure nothing is returned and the Diag holds the message. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemonsim/dist.h"
#include "daemonsim/k8sversion.h"
#include "loader.h"

/* ---- names and defaults ----------------------------------------------------------- */

static const char *const action_names[] = {
#define X(k, s) s,
    SCENARIO_ACTIONS(X)
#undef X
};

const char *action_kind_name(ActionKind k)
{
    return (unsigned)k < DS_ARRAY_LEN(action_names) ? action_names[k] : "?";
}

static const char *const status_names[STATUS__COUNT] = {
#define X(f, K, name) [STATUS_##K] = name,
    DS_STATUS_COUNTS(X)
#undef X
    [STATUS_OBSERVED_GENERATION] = "observedGeneration",
};

const char *status_field_name(StatusField f)
{
    return (unsigned)f < STATUS__COUNT ? status_names[f] : "?";
}

static const char *const invariant_names[] = {
#define X(k, s) s,
    SCENARIO_INVARIANTS(X)
#undef X
};

const char *invariant_name(Invariant i)
{
    return (unsigned)i < DS_ARRAY_LEN(invariant_names) ? invariant_names[i] : "?";
}

/* The defaults docs/scenario-format.md lists; node startup (registration to Ready)
 * has no upstream default: kubelets typically report Ready 10-30 s after registering. */
Timing timing_defaults(void)
{
    return (Timing){
        .watch = dist_constant(0.010),
        .schedule = {.kind = DIST_LOGNORMAL, .a = 0.020, .b = 0.5},
        .image_pull = {.kind = DIST_LOGNORMAL, .a = 6.0, .b = 0.8},
        .container_start = {.kind = DIST_UNIFORM, .a = 0.5, .b = 2.0},
        .readiness = {.kind = DIST_GAMMA, .a = 2.0, .b = 3.0},
        .termination = {.kind = DIST_EXPONENTIAL, .a = 4.0},
        .node_startup = {.kind = DIST_LOGNORMAL, .a = 20.0, .b = 0.3},
    };
}

/* Upstream flag defaults (docs/behaviour.md §7.1, §17). */
ControlPlane control_plane_defaults(void)
{
    return (ControlPlane){
        .api_qps = 20,
        .api_burst = 30,
        .burst_replicas = 250,
        .workers = 2,
        .node_monitor_period = 5 * SIM_S,
        .node_monitor_grace = 50 * SIM_S,
        .node_startup_grace = 60 * SIM_S,
        .pod_gc_period = 20 * SIM_S,
        .pod_gc_quarantine = 40 * SIM_S,
        .candidate_order_by_name = false,
        .kubernetes_minor = K8S_MINOR_NEWEST,
    };
}

/* ---- helpers ------------------------------------------------------------------------ */

const char *loader_path(Loader *L, const char *rel)
{
    if (rel[0] == '/' || !L->dir[0]) return arena_strdup(L->c.out, rel);
    size_t a = strlen(L->dir), b = strlen(rel);
    char *p = arena_alloc(L->c.out, a + b + 1);
    memcpy(p, L->dir, a);
    memcpy(p + a, rel, b + 1);
    return p;
}

DsChain *loader_find_chain(Loader *L, Sym name)
{
    /* The latest chain of that name (a DaemonSet may be deleted and made again). */
    for (size_t i = L->chains.n; i-- > 0;)
        if (L->chains.v[i].name == name) return &L->chains.v[i];
    return NULL;
}

int32_t loader_find_pool(const Loader *L, Sym name)
{
    for (size_t i = 0; i < L->pools.n; i++)
        if (L->pools.v[i].name == name) return (int32_t)i;
    return -1;
}

static double seconds_of(SimTime t) { return (double)t / (double)SIM_S; }

/* ---- distributions ----------------------------------------------------------------- */

typedef struct {
    Loader *L;
    Dist d;
} DistIn;

static bool dur_seconds(YCtx *c, const YNode *n, double *out)
{
    SimTime t;
    if (!yget_duration(c, n, &t)) return false;
    *out = seconds_of(t);
    return true;
}

static bool di_dur_a(YCtx *c, const YNode *n, void *dst)
{
    return dur_seconds(c, n, &((DistIn *)dst)->d.a);
}

static bool di_dur_b(YCtx *c, const YNode *n, void *dst)
{
    return dur_seconds(c, n, &((DistIn *)dst)->d.b);
}

static bool di_num_a(YCtx *c, const YNode *n, void *dst)
{
    return yget_double(c, n, &((DistIn *)dst)->d.a);
}

static bool di_num_b(YCtx *c, const YNode *n, void *dst)
{
    return yget_double(c, n, &((DistIn *)dst)->d.b);
}

static bool di_min(YCtx *c, const YNode *n, void *dst)
{
    DistIn *in = dst;
    in->d.has_min = true;
    return dur_seconds(c, n, &in->d.min);
}

static bool di_max(YCtx *c, const YNode *n, void *dst)
{
    DistIn *in = dst;
    in->d.has_max = true;
    return dur_seconds(c, n, &in->d.max);
}

static bool di_values(YCtx *c, const YNode *n, void *dst)
{
    DistIn *in = dst;
    if (!yget_seq(c, n)) return false;
    double *v = arena_alloc(c->out, (n->n ? n->n : 1) * sizeof *v);
    for (uint32_t i = 0; i < n->n; i++)
        if (!dur_seconds(c, n->items[i], &v[i])) return false;
    in->d.values = v;
    in->d.nvalues = n->n;
    return true;
}

/* The keys of each distribution, from DIST_KINDS (dist.h). */
#define DI_FIELD_DUR(ab, key) {#key, di_dur_##ab, 0, YF_REQUIRED},
#define DI_FIELD_NUM(ab, key) {#key, di_num_##ab, 0, YF_REQUIRED},
#define DI_FIELD_VALUES(ab, key) {#key, di_values, 0, YF_REQUIRED},
#define DI_FIELD_NONE(ab, key)
#define DI_CLAMPS {"min", di_min, 0, 0}, {"max", di_max, 0, 0},
#define DI_NO_CLAMPS

#define X(id, ID, akey, a_unit, bkey, b_unit, clamps)                                    \
    static const YField dist_##id##_fields[] = {                                         \
        {"dist", yf_ignore, 0, YF_REQUIRED},                                             \
        DI_FIELD_##a_unit(a, akey) DI_FIELD_##b_unit(b, bkey) DI_##clamps};
DIST_KINDS(X)
#undef X

static const struct {
    const YField *fields;
    size_t nfields;
} dist_fields[DIST__COUNT] = {
#define X(id, ID, ...) [DIST_##ID] = {dist_##id##_fields, DS_ARRAY_LEN(dist_##id##_fields)},
    DIST_KINDS(X)
#undef X
};

bool loader_parse_dist(Loader *L, const YNode *n, Dist *out)
{
    YCtx *c = &L->c;
    if (n->kind == YNODE_SCALAR) {
        /* A bare duration is a constant. */
        SimTime t;
        if (!yget_duration(c, n, &t)) return false;
        *out = dist_constant(seconds_of(t));
        return true;
    }
    if (n->kind != YNODE_MAP) {
        yerr(c, n, "expected a duration or a distribution {dist: NAME, ...}, got a sequence");
        return false;
    }
    const char *names[DIST__COUNT];
    for (int i = 0; i < DIST__COUNT; i++) names[i] = dist_kind_name((DistKind)i);
    const YNode *kind_node = ymap_get(n, "dist");
    if (!kind_node || ynode_is_null(kind_node)) {
        char list[160];
        size_t w = 0;
        for (int i = 0; i < DIST__COUNT && w < sizeof list; i++)
            w += (size_t)snprintf(list + w, sizeof list - w, "%s%s",
                                  i == 0 ? "" : i == DIST__COUNT - 1 ? " or " : ", ", names[i]);
        yerr(c, n, "missing required key \"dist\" (%s)", list);
        return false;
    }
    int k;
    if (!yget_enum(c, kind_node, names, DIST__COUNT, &k)) return false;
    DistIn in = {.L = L, .d = {.kind = (DistKind)k}};
    if (!ymap_walk(c, n, dist_fields[k].fields, dist_fields[k].nfields, &in, 0, NULL)) return false;
    const char *err = dist_check(&in.d);
    if (err) {
        /* Messages start with the parameter's name: point at it. */
        char param[32];
        size_t len = strcspn(err, " ");
        snprintf(param, sizeof param, "%.*s", (int)DS_MIN(len, sizeof param - 1), err);
        const YNode *at = ymap_get(n, param);
        if (at)
            yerr(c, at, "%s, got %s", err, at->kind == YNODE_SCALAR ? at->text : "a collection");
        else
            yerr(c, n, "%s", err);
        return false;
    }
    *out = in.d;
    return true;
}

static bool tf_dist(YCtx *c, const YNode *n, void *dst)
{
    return loader_parse_dist(c->user, n, dst);
}

static const YField timing_fields[] = {
    YFIELD("watch", tf_dist, Timing, watch, 0),
    YFIELD("schedule", tf_dist, Timing, schedule, 0),
    YFIELD("imagePull", tf_dist, Timing, image_pull, 0),
    YFIELD("containerStart", tf_dist, Timing, container_start, 0),
    YFIELD("readiness", tf_dist, Timing, readiness, 0),
    YFIELD("termination", tf_dist, Timing, termination, 0),
    YFIELD("nodeStartup", tf_dist, Timing, node_startup, 0),
};

bool loader_parse_timing(Loader *L, const YNode *n, const Timing *base, Timing *out)
{
    *out = *base;
    return ymap_walk(&L->c, n, timing_fields, DS_ARRAY_LEN(timing_fields), out, 0, NULL);
}

/* ---- control plane and priority classes --------------------------------------------- */

static bool cp_qps(YCtx *c, const YNode *n, void *dst)
{
    if (!yget_double(c, n, dst)) return false;
    if (!(*(double *)dst > 0)) {
        yerr(c, n, "must be greater than 0");
        return false;
    }
    return true;
}

static bool cp_count(YCtx *c, const YNode *n, void *dst)
{
    int64_t v;
    if (!yget_int(c, n, 1, UINT32_MAX, &v)) return false;
    *(uint32_t *)dst = (uint32_t)v;
    return true;
}

static bool cp_order(YCtx *c, const YNode *n, void *dst)
{
    static const char *const names[] = {"random", "name"};
    int i;
    if (!yget_enum(c, n, names, 2, &i)) return false;
    *(bool *)dst = i == 1;
    return true;
}

static bool cp_probability(YCtx *c, const YNode *n, void *dst)
{
    return yget_probability(c, n, dst);
}

static const YField api_error_fields[] = {
    YFIELD("create", cp_probability, ApiErrors, create, 0),
    YFIELD("delete", cp_probability, ApiErrors, delete_, 0),
    YFIELD("update", cp_probability, ApiErrors, update, 0),
    YFIELD("status", cp_probability, ApiErrors, status, 0),
};

static bool cp_api_errors(YCtx *c, const YNode *n, void *dst)
{
    return ymap_walk(c, n, api_error_fields, DS_ARRAY_LEN(api_error_fields), dst, 0, NULL);
}

/* "1.N" for a minor version the model follows (k8sversion.h). */
static bool cp_version(YCtx *c, const YNode *n, void *dst)
{
    const char *s;
    if (!yget_str(c, n, &s)) return false;
    char *end = NULL;
    unsigned long minor = strncmp(s, "1.", 2) == 0 ? strtoul(s + 2, &end, 10) : 0;
    if (!end || end == s + 2 || *end != '\0' || minor < K8S_MINOR_OLDEST || minor > K8S_MINOR_NEWEST) {
        yerr(c, n, "unsupported Kubernetes version \"%s\"; expected \"1.%u\" to \"1.%u\"", s,
             K8S_MINOR_OLDEST, K8S_MINOR_NEWEST);
        return false;
    }
    *(uint32_t *)dst = (uint32_t)minor;
    return true;
}

static const YField control_plane_fields[] = {
    YFIELD("apiQps", cp_qps, ControlPlane, api_qps, 0),
    YFIELD("apiBurst", cp_count, ControlPlane, api_burst, 0),
    YFIELD("burstReplicas", cp_count, ControlPlane, burst_replicas, 0),
    YFIELD("workers", cp_count, ControlPlane, workers, 0),
    YFIELD("nodeMonitorPeriod", yf_duration_pos, ControlPlane, node_monitor_period, 0),
    YFIELD("nodeMonitorGracePeriod", yf_duration_pos, ControlPlane, node_monitor_grace, 0),
    YFIELD("nodeStartupGracePeriod", yf_duration_pos, ControlPlane, node_startup_grace, 0),
    YFIELD("podGCPeriod", yf_duration_pos, ControlPlane, pod_gc_period, 0),
    YFIELD("podGCQuarantine", yf_duration, ControlPlane, pod_gc_quarantine, 0),
    YFIELD("candidateOrder", cp_order, ControlPlane, candidate_order_by_name, 0),
    YFIELD("kubernetesVersion", cp_version, ControlPlane, kubernetes_minor, 0),
    YFIELD("apiErrors", cp_api_errors, ControlPlane, api_errors, 0),
};

/* Settings left unset take the chosen version's defaults. */
static bool parse_control_plane(Loader *L, const YNode *n)
{
    ControlPlane *cp = &L->s->control_plane;
    cp->node_monitor_grace = 0;     /* a given value is positive */
    if (n && !ymap_walk(&L->c, n, control_plane_fields, DS_ARRAY_LEN(control_plane_fields), cp, 0, NULL))
        return false;
    if (cp->node_monitor_grace == 0)
        cp->node_monitor_grace = k8s_version_profile(cp->kubernetes_minor).node_monitor_grace;
    return true;
}

static bool parse_priority_classes(Loader *L, const YNode *n)
{
    YCtx *c = &L->c;
    if (!yget_map(c, n)) return false;
    Sym *names = arena_alloc(c->out, (n->n ? n->n : 1) * sizeof *names);
    int32_t *values = arena_alloc(c->out, (n->n ? n->n : 1) * sizeof *values);
    for (uint32_t i = 0; i < n->n; i++) {
        const YNode *k = n->pairs[i].key, *v = n->pairs[i].value;
        if (!strncmp(k->text, "system-", 7)) {
            yerr_key(c, n, k, "priority class names starting with \"system-\" are reserved");
            return false;
        }
        int64_t value;
        if (!yget_int(c, v, INT32_MIN, PRIORITY_HIGHEST_USER, &value)) return false;
        names[i] = strtab_intern(c->strs, k->text);
        values[i] = (int32_t)value;
    }
    L->pcs = (PriorityClasses){names, values, n->n, true};
    return true;
}

/* ---- node pools -------------------------------------------------------------------- */

static const YField resources_fields[] = {
    YFIELD("cpu", yf_quantity, Resources, cpu, 0),
    YFIELD("memory", yf_quantity, Resources, memory, 0),
    YFIELD("pods", yf_quantity, Resources, pods, 0),
};

static bool pool_resources(YCtx *c, const YNode *n, void *dst)
{
    return ymap_walk(c, n, resources_fields, DS_ARRAY_LEN(resources_fields), dst, 0, NULL);
}

bool loader_parse_resources(Loader *L, const YNode *n, Resources *out)
{
    return pool_resources(&L->c, n, out);
}

typedef struct {
    NodePoolSpec p;
    const YNode *used_node;
    Loader *L;
} PoolIn;

static bool pool_name(YCtx *c, const YNode *n, void *dst)
{
    PoolIn *in = dst;
    const char *s;
    if (!yget_str(c, n, &s)) return false;
    /* Pool names become node names (POOL-N): RFC 1123 subdomains. */
    bool ok = *s && strlen(s) <= 200;
    for (const char *p = s; *p && ok; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
             ((*p == '-' || *p == '.') && p > s && p[1]);
    if (!ok) {
        yerr(c, n, "invalid pool name \"%s\": nodes are named POOL-N, so it must consist of "
                   "lower case alphanumeric characters, '-' or '.', and start and end with an "
                   "alphanumeric character", s);
        return false;
    }
    in->p.name = strtab_intern(c->strs, s);
    if (loader_find_pool(in->L, in->p.name) >= 0) {
        yerr(c, n, "duplicate pool name \"%s\"", s);
        return false;
    }
    return true;
}

static bool pool_labels(YCtx *c, const YNode *n, void *dst)
{
    PoolIn *in = dst;
    return k8s_parse_labels(c, n, &in->p.labels, &in->p.nlabels);
}

static bool pool_taints(YCtx *c, const YNode *n, void *dst)
{
    PoolIn *in = dst;
    if (!yget_seq(c, n)) return false;
    Taint *t = arena_alloc(c->out, (n->n ? n->n : 1) * sizeof *t);
    for (uint32_t i = 0; i < n->n; i++) {
        if (!k8s_parse_taint(c, n->items[i], &t[i])) return false;
        for (uint32_t j = 0; j < i; j++) {
            if (t[j].key == t[i].key && t[j].effect == t[i].effect) {
                yerr(c, n->items[i], "Duplicate value: taint %s:%s appears twice",
                     strtab_str(c->strs, t[i].key), taint_effect_name(t[i].effect));
                return false;
            }
        }
    }
    in->p.taints = t;
    in->p.ntaints = n->n;
    return true;
}

static bool pool_used(YCtx *c, const YNode *n, void *dst)
{
    PoolIn *in = dst;
    in->used_node = n;
    return pool_resources(c, n, &in->p.used);
}

static bool pool_used_priority(YCtx *c, const YNode *n, void *dst)
{
    int64_t v;
    if (!yget_int(c, n, INT32_MIN, INT32_MAX, &v)) return false;
    ((PoolIn *)dst)->p.used_priority = (int32_t)v;
    return true;
}

static bool pool_timing(YCtx *c, const YNode *n, void *dst)
{
    PoolIn *in = dst;
    Timing *t = arena_alloc(c->out, sizeof *t);
    if (!loader_parse_timing(in->L, n, &in->L->s->timing, t)) return false;
    in->p.timing = t;
    return true;
}

static const YField pool_fields[] = {
    {"name", pool_name, 0, YF_REQUIRED},
    YFIELD("count", yf_u32, PoolIn, p.count, YF_REQUIRED),
    {"labels", pool_labels, 0, 0},
    {"taints", pool_taints, 0, 0},
    YFIELD("allocatable", pool_resources, PoolIn, p.allocatable, 0),
    {"used", pool_used, 0, 0},
    YFIELD("unschedulable", yf_bool, PoolIn, p.unschedulable, 0),
    {"usedPriority", pool_used_priority, 0, 0},
    {"timing", pool_timing, 0, 0},
};

/* The kubelet labels every node with its OS and architecture; DaemonSets
 * commonly select on kubernetes.io/os, so pools get them unless they say. */
static void pool_default_labels(Loader *L, NodePoolSpec *p)
{
    static const char *const defaults[][2] = {{"kubernetes.io/arch", "amd64"},
                                              {"kubernetes.io/os", "linux"}};
    StrTab *strs = L->c.strs;
    Label *v = arena_alloc(L->c.out, (p->nlabels + DS_ARRAY_LEN(defaults)) * sizeof *v);
    if (p->nlabels) memcpy(v, p->labels, p->nlabels * sizeof *v);
    uint32_t n = p->nlabels;
    for (size_t i = 0; i < DS_ARRAY_LEN(defaults); i++) {
        Sym key = strtab_intern(strs, defaults[i][0]);
        bool have = false;
        for (uint32_t j = 0; j < p->nlabels && !have; j++) have = p->labels[j].key == key;
        if (!have) v[n++] = (Label){key, strtab_intern(strs, defaults[i][1])};
    }
    labels_normalize(v, n);
    p->labels = v;
    p->nlabels = n;
}

static Resources allocatable_defaults(void)
{
    return (Resources){.cpu = 4000, .memory = INT64_C(16) * 1024 * 1024 * 1024 * 1000,
                       .pods = 110000};
}

static bool parse_pools(Loader *L, const YNode *n)
{
    YCtx *c = &L->c;
    if (!yget_seq(c, n)) return false;
    for (uint32_t i = 0; i < n->n; i++) {
        const YNode *item = n->items[i];
        PoolIn in = {.L = L};
        in.p.node_name = SYM_NONE;
        in.p.allocatable = allocatable_defaults();
        in.p.pos = item->pos;
        if (!ymap_walk(c, item, pool_fields, DS_ARRAY_LEN(pool_fields), &in, 0, NULL)) return false;
        const Resources *a = &in.p.allocatable, *u = &in.p.used;
        static const char *const rnames[] = {"cpu", "memory", "pods"};
        const int64_t have[] = {a->cpu, a->memory, a->pods}, used[] = {u->cpu, u->memory, u->pods};
        for (int r = 0; r < 3; r++) {
            if (used[r] > have[r]) {
                const YNode *at = ymap_get(in.used_node, rnames[r]);
                yerr(c, at ? at : item, "used %s exceeds the pool's allocatable %s", rnames[r],
                     rnames[r]);
                return false;
            }
        }
        pool_default_labels(L, &in.p);
        VEC_PUSH(L->pools, in.p);
    }
    return true;
}

static bool parse_cluster(Loader *L, const YNode *n)
{
    static const YField fields[] = {YFIELD_CALLER("nodePools", 0), YFIELD_CALLER("nodesFrom", 0),
                                    YFIELD_CALLER("podsFrom", 0)};
    const YNode *found[3];
    if (!ymap_walk(&L->c, n, fields, 3, NULL, 0, found)) return false;
    L->pods_from = found[2];
    if (found[0] && !parse_pools(L, found[0])) return false;
    L->ndeclared = (uint32_t)L->pools.n;
    if (found[1] && !nodes_import(L, found[1])) return false;
    return true;
}

/* ---- DaemonSets --------------------------------------------------------------------- */

bool loader_spec_from_tree(Loader *L, YNode *tree, const Timing *timing, uint32_t *index)
{
    DaemonSetSpec ds;
    if (!manifest_parse(&L->c, tree, &L->pcs, &ds)) return false;
    ds.template_.timing = timing;
    *index = (uint32_t)L->specs.n;
    VEC_PUSH(L->specs, ds);
    return true;
}

static bool add_one_daemonset(Loader *L, YNode *tree, const Timing *timing, SimTime at)
{
    YCtx *c = &L->c;
    tree = variant_manifest(L, tree);
    if (!manifest_check_kind(c, tree)) return false;
    if (!override_apply_ds(L, tree)) return false;
    uint32_t idx;
    if (!loader_spec_from_tree(L, tree, timing, &idx)) return false;
    const DaemonSetSpec *ds = &L->specs.v[idx];
    DsChain *prev = loader_find_chain(L, ds->name);
    if (prev && prev->deleted > at) {
        const YNode *name = ymap_get(ymap_get(tree, "metadata"), "name");
        yerr(c, name ? name : tree, "DaemonSet \"%s\" already exists (defined at %s:%d:%d); "
                                    "names must be unique across namespaces",
             strtab_str(c->strs, ds->name), prev->pos.file, prev->pos.line, prev->pos.col);
        return false;
    }
    DsChain ch = {.name = ds->name, .tree = tree, .spec = idx, .timing = timing,
                  .created = at, .deleted = SIM_NEVER, .pos = tree->pos};
    VEC_PUSH(ch.revs, ((ChainRev){tree, ds->template_.canonical, idx, 1}));
    VEC_PUSH(L->chains, ch);
    return true;
}

typedef struct {
    const YNode *file, *manifest, *timing;
} DsEntryIn;

bool loader_add_daemonsets(Loader *L, const YNode *entry, SimTime at, uint32_t *first,
                           uint32_t *count)
{
    static const YField fields[] = {YFIELD_CALLER("file", 0), YFIELD_CALLER("manifest", 0),
                                    YFIELD_CALLER("timing", 0)};
    YCtx *c = &L->c;
    const YNode *found[3] = {NULL, NULL, NULL};
    if (entry->kind == YNODE_SCALAR) {
        found[0] = entry;       /* `- fluentd.yaml` is short for `- file: fluentd.yaml` */
    } else if (!ymap_walk(c, entry, fields, 3, NULL, 0, found)) {
        return false;
    }
    if (!found[0] && !found[1]) {
        yerr(c, entry, "needs file: (a manifest file) or manifest: (an inline manifest)");
        return false;
    }
    if (found[0] && found[1]) {
        yerr(c, found[1], "give file: or manifest:, not both");
        return false;
    }
    const Timing *timing = NULL;
    if (found[2]) {
        Timing *t = arena_alloc(c->out, sizeof *t);
        if (!loader_parse_timing(L, found[2], &L->s->timing, t)) return false;
        timing = t;
    }
    *first = (uint32_t)L->specs.n;
    if (found[1]) {
        if (!add_one_daemonset(L, (YNode *)found[1], timing, at)) return false;
        *count = 1;
        return true;
    }
    const char *rel;
    if (!yget_str(c, found[0], &rel)) return false;
    YFile f;
    if (!ydoc_load_file(c, loader_path(L, rel), found[0]->pos, &f)) return false;
    if (f.ndocs == 0) {
        yerr(c, found[0], "\"%s\" holds no YAML document", rel);
        return false;
    }
    uint32_t added = 0;
    for (uint32_t i = 0; i < f.ndocs; i++) {
        YNode *doc = f.docs[i];
        const char *kind = manifest_kind(doc);
        /* A lone document must be a DaemonSet; in a bundle, other kinds
         * (ServiceAccounts, ConfigMaps, ...) are skipped. */
        if (f.ndocs > 1 && strcmp(kind, "DaemonSet") && strcmp(kind, "List")) continue;
        if (!strcmp(kind, "List")) {
            YNode *items = ymap_get(doc, "items");
            if (!items || !yget_seq(c, items)) {
                if (!items) yerr(c, doc, "a List needs items");
                return false;
            }
            for (uint32_t j = 0; j < items->n; j++) {
                if (!add_one_daemonset(L, items->items[j], timing, at)) return false;
                added++;
            }
            continue;
        }
        if (!add_one_daemonset(L, doc, timing, at)) return false;
        added++;
    }
    if (!added) {
        yerr(c, found[0], "\"%s\" holds no DaemonSet (%u documents of other kinds)", rel, f.ndocs);
        return false;
    }
    *count = added;
    return true;
}

/* Entries of spec.daemonSets may also say `alreadyRunning: true` (the
 * DaemonSets of createDaemonSet events may not): taken off the entry before
 * the shared entry parser sees it. */
static bool parse_daemonsets(Loader *L, const YNode *n)
{
    YCtx *c = &L->c;
    if (!yget_seq(c, n)) return false;
    for (uint32_t i = 0; i < n->n; i++) {
        YNode *entry = n->items[i];
        const YNode *running = ymap_get(entry, "alreadyRunning");
        bool already = false;
        if (running) {
            if (!ynode_is_null(running) && !yget_bool(c, running, &already)) return false;
            ymap_remove(entry, "alreadyRunning");
        }
        uint32_t first, count;
        if (!loader_add_daemonsets(L, entry, 0, &first, &count)) return false;
        for (uint32_t k = first; k < first + count; k++) L->specs.v[k].already_running = already;
    }
    return true;
}

/* ---- the root ----------------------------------------------------------------------- */

static bool sp_stop_when(YCtx *c, const YNode *n, void *dst)
{
    static const char *const names[] = {"converged", "duration"};
    int i;
    if (!yget_enum(c, n, names, 2, &i)) return false;
    *(StopWhen *)dst = i ? STOP_DURATION : STOP_CONVERGED;
    return true;
}

enum {
    SP_SEED, SP_DURATION, SP_STOP_WHEN, SP_SAMPLE, SP_CLUSTER, SP_DAEMONSETS, SP_TIMING,
    SP_TIMING_FROM, SP_CONTROL_PLANE, SP_PRIORITY_CLASSES, SP_EVENTS, SP_EXPECT, SP_VARIANTS,
    SP_ROLLOUT_PLANS,
    SP__COUNT
};

static const YField spec_fields[SP__COUNT] = {
    [SP_SEED] = YFIELD("seed", yf_u64, Scenario, seed, 0),
    [SP_DURATION] = YFIELD("duration", yf_duration_pos, Scenario, duration, 0),
    [SP_STOP_WHEN] = YFIELD("stopWhen", sp_stop_when, Scenario, stop_when, 0),
    [SP_SAMPLE] = YFIELD("sample", yf_duration, Scenario, sample, 0),
    [SP_CLUSTER] = YFIELD_CALLER("cluster", 0),
    [SP_DAEMONSETS] = YFIELD_CALLER("daemonSets", 0),
    [SP_TIMING] = YFIELD_CALLER("timing", 0),
    [SP_TIMING_FROM] = YFIELD_CALLER("timingFrom", 0),
    [SP_CONTROL_PLANE] = YFIELD_CALLER("controlPlane", 0),
    [SP_PRIORITY_CLASSES] = YFIELD_CALLER("priorityClasses", 0),
    [SP_EVENTS] = YFIELD_CALLER("events", 0),
    [SP_EXPECT] = YFIELD_CALLER("expect", 0),
    [SP_VARIANTS] = YFIELD_CALLER("variants", 0),
    [SP_ROLLOUT_PLANS] = YFIELD_CALLER("rolloutPlans", 0),
};

/* `timingFrom: FILE`, a `daemonsim calibrate -o` file (one document, one key:
 * `timing:`), relative to the scenario. It goes under the scenario's own
 * `timing:`, which is read after it and overrides key by key. */
static bool parse_timing_from(Loader *L, const YNode *n)
{
    YCtx *c = &L->c;
    const char *rel;
    if (!yget_str(c, n, &rel)) return false;
    YFile f;
    if (!ydoc_load_file(c, loader_path(L, rel), n->pos, &f)) return false;
    if (f.ndocs != 1) {
        diag_error(c->d, (SrcPos){f.path, f.ndocs ? f.docs[1]->pos.line : 0,
                                  f.ndocs ? f.docs[1]->pos.col : 0},
                   f.ndocs ? "a timing file holds one YAML document; found another here"
                           : "the file is empty (expected `timing:`, as `daemonsim calibrate -o` "
                             "writes it)");
        return false;
    }
    static const YField fields[] = {YFIELD_CALLER("timing", YF_REQUIRED)};
    const YNode *found[1];
    if (!ymap_walk(c, f.docs[0], fields, 1, NULL, 0, found)) return false;
    return loader_parse_timing(L, found[0], &L->s->timing, &L->s->timing);
}

static bool parse_spec(Loader *L, const YNode *n)
{
    YCtx *c = &L->c;
    Scenario *s = L->s;
    const YNode *f[SP__COUNT];
    if (!ymap_walk(c, n, spec_fields, SP__COUNT, s, 0, f)) return false;
    if (f[SP_VARIANTS] && !variants_check(L, f[SP_VARIANTS])) return false;
    if (f[SP_PRIORITY_CLASSES] && !parse_priority_classes(L, f[SP_PRIORITY_CLASSES])) return false;
    if (f[SP_TIMING_FROM] && !parse_timing_from(L, f[SP_TIMING_FROM])) return false;
    if (f[SP_TIMING] && !loader_parse_timing(L, f[SP_TIMING], &s->timing, &s->timing)) return false;
    if (!parse_control_plane(L, f[SP_CONTROL_PLANE])) return false;
    if (f[SP_CLUSTER] && !parse_cluster(L, f[SP_CLUSTER])) return false;
    if (f[SP_DAEMONSETS] && !parse_daemonsets(L, f[SP_DAEMONSETS])) return false;
    s->ninitial = (uint32_t)L->specs.n;
    if (L->pods_from && !pods_import(L, L->pods_from)) return false;
    if (f[SP_EVENTS] && !events_parse(L, f[SP_EVENTS])) return false;
    if (f[SP_EXPECT] && !expects_parse(L, f[SP_EXPECT])) return false;
    if (f[SP_ROLLOUT_PLANS] && !plans_parse(L, f[SP_ROLLOUT_PLANS])) return false;
    return override_check_used(L) && variant_check_used(L);
}

static bool md_name(YCtx *c, const YNode *n, void *dst)
{
    const char *s;
    if (!yget_str(c, n, &s)) return false;
    /* The name becomes a file name (results/NAME.db). */
    bool ok = *s && strlen(s) <= 200 && *s != '.';
    for (const char *p = s; *p && ok; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
             *p == '-' || *p == '_' || *p == '.';
    if (!ok) {
        yerr(c, n, "invalid scenario name \"%s\": use letters, digits, '-', '_' and '.' (it "
                   "names the results file)", s);
        return false;
    }
    *(const char **)dst = arena_strdup(c->out, s);
    return true;
}

static bool md_text(YCtx *c, const YNode *n, void *dst)
{
    (void)dst;
    const char *s;
    return yget_str(c, n, &s);
}

static bool root_metadata(YCtx *c, const YNode *n, void *dst)
{
    static const YField fields[] = {
        YFIELD("name", md_name, Scenario, name, YF_REQUIRED),
        {"description", md_text, 0, 0},
        {"labels", yf_ignore, 0, 0},
        {"annotations", yf_ignore, 0, 0},
    };
    return ymap_walk(c, n, fields, DS_ARRAY_LEN(fields), dst, 0, NULL);
}

static bool root_fixed(YCtx *c, const YNode *n, const char *want)
{
    const char *s;
    if (!yget_str(c, n, &s)) return false;
    if (strcmp(s, want)) {
        yerr(c, n, "expected %s, got \"%s\"", want, s);
        return false;
    }
    return true;
}

static bool root_api_version(YCtx *c, const YNode *n, void *dst)
{
    (void)dst;
    return root_fixed(c, n, "daemonsim/v1");
}

static bool root_kind(YCtx *c, const YNode *n, void *dst)
{
    (void)dst;
    return root_fixed(c, n, "Scenario");
}

static bool parse_root(Loader *L, const YNode *root)
{
    static const YField fields[] = {
        {"apiVersion", root_api_version, 0, YF_REQUIRED},
        {"kind", root_kind, 0, YF_REQUIRED},
        {"metadata", root_metadata, 0, YF_REQUIRED},
        YFIELD_CALLER("spec", YF_REQUIRED),
    };
    const YNode *found[4];
    if (!ymap_walk(&L->c, root, fields, 4, L->s, 0, found)) return false;
    return parse_spec(L, found[3]);
}

/* ---- load and free ------------------------------------------------------------------- */

#define COPY_OUT(L, vec, dst, count)                                                    \
    do {                                                                                \
        (count) = (uint32_t)(vec).n;                                                    \
        (dst) = arena_alloc(&(L)->s->arena, ((vec).n ? (vec).n : 1) * sizeof *(vec).v); \
        if ((vec).n) memcpy((dst), (vec).v, (vec).n * sizeof *(vec).v);                 \
    } while (0)

static void loader_free(Loader *L)
{
    for (size_t i = 0; i < L->chains.n; i++) VEC_FREE(L->chains.v[i].revs);
    VEC_FREE(L->chains);
    VEC_FREE(L->pools);
    VEC_FREE(L->existing_pods);
    VEC_FREE(L->specs);
    VEC_FREE(L->actions);
    VEC_FREE(L->expects);
    VEC_FREE(L->plans);
    VEC_FREE(L->dso);
    VEC_FREE(L->warnings);
    arena_free(&L->tmp);
}

Scenario *scenario_load(const char *path, const Override *ovr, size_t novr, Diag *d)
{
    Scenario *s = xcalloc(1, sizeof *s);
    s->strs = strtab_new();
    s->path = arena_strdup(&s->arena, path);
    s->name = "";
    s->seed = 1;
    s->duration = 12 * SIM_HOUR;
    s->stop_when = STOP_CONVERGED;
    s->sample = 10 * SIM_S;
    s->timing = timing_defaults();
    s->control_plane = control_plane_defaults();

    Loader L = {0};
    L.s = s;
    L.c = (YCtx){.d = d, .tmp = &L.tmp, .out = &s->arena, .strs = s->strs, .user = &L};
    const char *slash = strrchr(path, '/');
    L.dir = slash ? arena_strndup(&s->arena, path, (size_t)(slash - path) + 1) : "";

    int nsources = d->nsources;
    YFile f;
    bool ok = ydoc_load_file(&L.c, s->path, (SrcPos){NULL, 0, 0}, &f);
    if (ok && f.ndocs != 1) {
        diag_error(d, (SrcPos){f.path, f.ndocs ? f.docs[1]->pos.line : 1,
                               f.ndocs ? f.docs[1]->pos.col : 1},
                   f.ndocs ? "a scenario file holds one YAML document; found another here"
                           : "the file is empty (expected a Scenario)");
        ok = false;
    }
    if (ok) ok = override_apply_tree(&L, f.docs[0], ovr, novr);
    if (ok) ok = parse_root(&L, f.docs[0]);
    if (ok) ok = loader_check_size(&L);
    if (ok) {
        loader_warn_after_end(&L);
        COPY_OUT(&L, L.warnings, s->warnings, s->nwarnings);
        COPY_OUT(&L, L.pools, s->pools, s->npools);
        COPY_OUT(&L, L.existing_pods, s->existing_pods, s->nexisting_pods);
        COPY_OUT(&L, L.specs, s->specs, s->nspecs);
        COPY_OUT(&L, L.actions, s->actions, s->nactions);
        COPY_OUT(&L, L.expects, s->expects, s->nexpects);
        COPY_OUT(&L, L.plans, s->plans, s->nplans);
    }
    loader_free(&L);
    /* The texts die with the Scenario, so the Diag must not keep them; it has
     * already copied the line it quotes. */
    d->nsources = nsources;
    if (!ok || diag_failed(d)) {
        scenario_free(s);
        return NULL;
    }
    return s;
}

void scenario_print_warnings(const Scenario *s, FILE *out)
{
    for (uint32_t i = 0; i < s->nwarnings; i++) fprintf(out, "%s\n", s->warnings[i]);
}

void scenario_free(Scenario *s)
{
    if (!s) return;
    arena_free(&s->arena);
    strtab_free(s->strs);
    free(s);
}

/* ---- summary ------------------------------------------------------------------------ */

static void fmt_dur(SimTime t, char *buf, size_t n) { units_format_duration(t, buf, n); }

static void fmt_secs(double secs, char *buf, size_t n)
{
    fmt_dur((SimTime)llround(secs * (double)SIM_S), buf, n);
}

/* Milli-units as Kubernetes would print them: 500m, 4, 16Gi. */
static void fmt_quantity(int64_t milli, bool binary, char *buf, size_t n)
{
    if (milli % 1000) {
        snprintf(buf, n, "%" PRId64 "m", milli);
        return;
    }
    int64_t v = milli / 1000;
    static const char *const bin[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    int i = 0;
    if (binary)
        while (v && v % 1024 == 0 && i < 6) v /= 1024, i++;
    snprintf(buf, n, "%" PRId64 "%s", v, bin[i]);
}

static void fmt_dist(const Dist *d, char *buf, size_t n)
{
    char a[32], b[32];
    fmt_secs(d->a, a, sizeof a);
    fmt_secs(d->b, b, sizeof b);
    int w = 0;
    switch (d->kind) {
    case DIST_CONSTANT: w = snprintf(buf, n, "%s", a); break;
    case DIST_UNIFORM: w = snprintf(buf, n, "uniform(%s..%s)", a, b); break;
    case DIST_EXPONENTIAL: w = snprintf(buf, n, "exponential(mean %s)", a); break;
    case DIST_NORMAL: w = snprintf(buf, n, "normal(mean %s, stddev %s)", a, b); break;
    case DIST_LOGNORMAL: w = snprintf(buf, n, "lognormal(median %s, sigma %g)", a, d->b); break;
    case DIST_GAMMA: w = snprintf(buf, n, "gamma(shape %g, scale %s)", d->a, b); break;
    case DIST_WEIBULL: w = snprintf(buf, n, "weibull(shape %g, scale %s)", d->a, b); break;
    case DIST_EMPIRICAL: w = snprintf(buf, n, "empirical(%zu values)", d->nvalues); break;
    case DIST__COUNT: w = snprintf(buf, n, "?"); break;
    }
    if (w < 0 || (size_t)w >= n) return;
    if (d->has_min || d->has_max) {
        char lo[32] = "", hi[32] = "";
        if (d->has_min) fmt_secs(d->min, lo, sizeof lo);
        if (d->has_max) fmt_secs(d->max, hi, sizeof hi);
        snprintf(buf + w, n - (size_t)w, " clamped to [%s, %s]", d->has_min ? lo : "0",
                 d->has_max ? hi : "inf");
    }
}

static void fmt_labels(const StrTab *strs, const Label *l, uint32_t n, char *buf, size_t size)
{
    size_t w = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < n && w < size; i++)
        w += (size_t)snprintf(buf + w, size - w, "%s%s=%s", i ? "," : "",
                              strtab_str(strs, l[i].key), strtab_str(strs, l[i].value));
}

static void fmt_iop(IntOrPercent v, char *buf, size_t n)
{
    snprintf(buf, n, "%d%s", v.value, v.is_percent ? "%" : "");
}

static void fmt_target(const Scenario *s, const NodeTarget *t, char *buf, size_t size)
{
    size_t w = 0;
    int k = snprintf(buf, size, "{");
    w = k > 0 ? (size_t)k : 0;
#define PUT(...)                                                                        \
    do {                                                                                \
        if (w < size) {                                                                 \
            int k_ = snprintf(buf + w, size - w, __VA_ARGS__);                          \
            if (k_ > 0) w += (size_t)k_;                                                \
        }                                                                               \
    } while (0)
    const char *sep = "";
    if (t->pool != SYM_NONE) {
        PUT("pool %s", strtab_str(s->strs, t->pool));
        sep = ", ";
    }
    if (t->nnames) {
        PUT("%snames %s%s", sep, strtab_str(s->strs, t->names[0]), t->nnames > 1 ? ",..." : "");
        sep = ", ";
    }
    if (t->nmatch_labels) {
        char l[128];
        fmt_labels(s->strs, t->match_labels, t->nmatch_labels, l, sizeof l);
        PUT("%smatchLabels %s", sep, l);
        sep = ", ";
    }
    if (t->has_count) {
        PUT("%scount %u", sep, t->count);
        sep = ", ";
    }
    if (t->has_fraction) PUT("%sfraction %g", sep, t->fraction);
    PUT("}");
#undef PUT
}

static void print_pools(const Scenario *s, FILE *out)
{
    uint64_t total = 0;
    uint32_t declared = 0;
    for (uint32_t i = 0; i < s->npools; i++) {
        total += s->pools[i].count;
        declared += s->pools[i].node_name == SYM_NONE;
    }
    fprintf(out, "nodes: %" PRIu64 " (%u pool%s, %u imported node%s)\n", total, declared,
            declared == 1 ? "" : "s", s->npools - declared, s->npools - declared == 1 ? "" : "s");
    uint32_t imported = 0;
    for (uint32_t i = 0; i < s->npools; i++) {
        const NodePoolSpec *p = &s->pools[i];
        if (p->node_name != SYM_NONE) {
            imported++;
            continue;
        }
        char cpu[24], mem[24], pods[24], ucpu[24], umem[24], upods[24], labels[256];
        fmt_quantity(p->allocatable.cpu, false, cpu, sizeof cpu);
        fmt_quantity(p->allocatable.memory, true, mem, sizeof mem);
        fmt_quantity(p->allocatable.pods, false, pods, sizeof pods);
        fmt_labels(s->strs, p->labels, p->nlabels, labels, sizeof labels);
        fprintf(out, "  pool %-16s %6u nodes  allocatable cpu %s, memory %s, pods %s\n",
                strtab_str(s->strs, p->name), p->count, cpu, mem, pods);
        if (p->used.cpu || p->used.memory || p->used.pods) {
            fmt_quantity(p->used.cpu, false, ucpu, sizeof ucpu);
            fmt_quantity(p->used.memory, true, umem, sizeof umem);
            fmt_quantity(p->used.pods, false, upods, sizeof upods);
            fprintf(out, "       used cpu %s, memory %s, pods %s (priority %d)\n", ucpu, umem,
                    upods, p->used_priority);
        }
        fprintf(out, "       labels %s\n", labels);
        for (uint32_t t = 0; t < p->ntaints; t++)
            fprintf(out, "       taint %s=%s:%s\n", strtab_str(s->strs, p->taints[t].key),
                    strtab_str(s->strs, p->taints[t].value),
                    taint_effect_name(p->taints[t].effect));
        if (p->unschedulable) fprintf(out, "       unschedulable\n");
        if (p->timing) fprintf(out, "       own timing\n");
    }
    /* Imported nodes, by runs of one pool name (one per nodesFrom entry). */
    for (uint32_t i = 0; imported && i < s->npools;) {
        const NodePoolSpec *p = &s->pools[i];
        if (p->node_name == SYM_NONE) {
            i++;
            continue;
        }
        uint32_t j = i, not_ready = 0, unknown = 0, cordoned = 0;
        for (; j < s->npools && s->pools[j].node_name != SYM_NONE && s->pools[j].name == p->name; j++) {
            not_ready += s->pools[j].start == NODE_START_NOT_READY;
            unknown += s->pools[j].start == NODE_START_UNKNOWN;
            cordoned += s->pools[j].unschedulable;
        }
        fprintf(out, "  imported %-12s %6u nodes, e.g. %s\n", strtab_str(s->strs, p->name), j - i,
                strtab_str(s->strs, p->node_name));
        if (not_ready || unknown || cordoned)
            fprintf(out, "       at start: %u NotReady, %u Unknown, %u cordoned\n", not_ready,
                    unknown, cordoned);
        i = j;
    }
}

static void print_spec(const Scenario *s, uint32_t i, FILE *out)
{
    const DaemonSetSpec *ds = &s->specs[i];
    const PodTemplate *t = &ds->template_;
    char mu[16], ms[16], cpu[24], mem[24];
    fmt_iop(ds->max_unavailable, mu, sizeof mu);
    fmt_iop(ds->max_surge, ms, sizeof ms);
    fmt_quantity(t->requests.cpu, false, cpu, sizeof cpu);
    fmt_quantity(t->requests.memory, true, mem, sizeof mem);
    fprintf(out, "  [%u] %s/%s  image %s%s\n", i, strtab_str(s->strs, ds->namespace_),
            strtab_str(s->strs, ds->name),
            t->image != SYM_EMPTY ? strtab_str(s->strs, t->image) : "-",
            ds->already_running ? "  (already running)" : "");
    if (ds->strategy == STRATEGY_ROLLING_UPDATE)
        fprintf(out, "       RollingUpdate maxUnavailable %s maxSurge %s", mu, ms);
    else
        fprintf(out, "       OnDelete");
    fprintf(out, ", minReadySeconds %d, revisionHistoryLimit %d\n", ds->min_ready_seconds,
            ds->revision_history_limit);
    fprintf(out, "       requests cpu %s, memory %s; priority %d; grace %" PRId64 "s", cpu, mem,
            t->priority, t->termination_grace_seconds);
    if (t->nhost_ports)
        fprintf(out, "; %u host port%s", t->nhost_ports, t->nhost_ports == 1 ? "" : "s");
    if (t->host_network) fprintf(out, "; hostNetwork");
    fprintf(out, "\n");
    if (t->nnode_selector) {
        char l[256];
        fmt_labels(s->strs, t->node_selector, t->nnode_selector, l, sizeof l);
        fprintf(out, "       nodeSelector %s\n", l);
    }
    if (t->affinity.present)
        fprintf(out, "       required node affinity: %u term%s\n", t->affinity.nterms,
                t->affinity.nterms == 1 ? "" : "s");
    if (t->ntolerations)
        fprintf(out, "       %u toleration%s\n", t->ntolerations,
                t->ntolerations == 1 ? "" : "s");
    if (t->failure.mode != FAILURE_NONE)
        fprintf(out, "       bad release: %s with probability %g\n",
                t->failure.mode == FAILURE_CRASH_LOOP ? "CrashLoopBackOff" : "ImagePullBackOff",
                t->failure.probability);
}

static void print_action(const Scenario *s, const Action *a, FILE *out)
{
    char at[32], when[200], buf[192] = "";
    fmt_dur(a->at, at, sizeof at);
    snprintf(when, sizeof when, "%s", at);
    if (a->repeats) {
        char every[96], until[32] = "";
        fmt_dist(&a->every, every, sizeof every);
        if (a->until != SIM_NEVER) fmt_dur(a->until, until, sizeof until);
        snprintf(when, sizeof when, "%s, every %s%s%s", at, every,
                 a->until != SIM_NEVER ? " until " : "", until);
    }
    switch (a->kind) {
    case ACT_ADD_NODES:
        snprintf(buf, sizeof buf, "%u to pool %s", a->count, strtab_str(s->strs, a->pool));
        break;
    case ACT_CREATE_DS:
    case ACT_UPDATE_DS:
    case ACT_PATCH_DS:
    case ACT_RESTART_DS:
        snprintf(buf, sizeof buf, "%s -> spec [%u]", strtab_str(s->strs, a->ds_name), a->spec);
        break;
    case ACT_ROLLBACK:
        if (a->to_revision)
            snprintf(buf, sizeof buf, "%s to revision %" PRId64 " (spec [%u])",
                     strtab_str(s->strs, a->ds_name), a->to_revision, a->spec);
        else
            snprintf(buf, sizeof buf, "%s to the previous revision (spec [%u])",
                     strtab_str(s->strs, a->ds_name), a->spec);
        break;
    case ACT_DELETE_DS:
        snprintf(buf, sizeof buf, "%s, cascade %s", strtab_str(s->strs, a->ds_name),
                 a->orphan ? "orphan" : "background");
        break;
    case ACT_KILL_PODS: {
        char t[128];
        fmt_target(s, &a->nodes, t, sizeof t);
        snprintf(buf, sizeof buf, "%s on %s", strtab_str(s->strs, a->ds_name), t);
        break;
    }
    case ACT__COUNT: break;
    case ACT_REMOVE_NODES:
    case ACT_NODE_NOT_READY:
    case ACT_NODE_READY:
    case ACT_CORDON:
    case ACT_UNCORDON:
    case ACT_TAINT:
    case ACT_UNTAINT:
    case ACT_LABEL:
    case ACT_UNLABEL: {
        char t[128];
        fmt_target(s, &a->nodes, t, sizeof t);
        snprintf(buf, sizeof buf, "%s", t);
        size_t w = strlen(buf);
        char extra[96] = "";
        if (a->kind == ACT_NODE_NOT_READY && a->has_for) {
            char f[64];
            fmt_dist(&a->for_, f, sizeof f);
            snprintf(extra, sizeof extra, " for %s", f);
        } else if (a->kind == ACT_TAINT) {
            snprintf(extra, sizeof extra, " with %s=%s:%s", strtab_str(s->strs, a->taint.key),
                     strtab_str(s->strs, a->taint.value), taint_effect_name(a->taint.effect));
        } else if (a->kind == ACT_UNTAINT) {
            snprintf(extra, sizeof extra, " removing %s%s%s", strtab_str(s->strs, a->key),
                     a->has_effect ? ":" : "", a->has_effect ? taint_effect_name(a->effect) : "");
        } else if (a->kind == ACT_LABEL) {
            char l[80];
            fmt_labels(s->strs, a->labels, a->nlabels, l, sizeof l);
            snprintf(extra, sizeof extra, " with %s", l);
        } else if (a->kind == ACT_UNLABEL && a->nkeys) {
            snprintf(extra, sizeof extra, " removing %s%s", strtab_str(s->strs, a->keys[0]),
                     a->nkeys > 1 ? ",..." : "");
        }
        snprintf(buf + w, sizeof buf - w, "%s", extra);
        break;
    }
    }
    fprintf(out, "  at %s: %s %s\n", when, action_kind_name(a->kind), buf);
}

static void print_expect(const Scenario *s, const Expect *e, FILE *out)
{
    char at[32];
    fmt_dur(e->at, at, sizeof at);
    const char *ds = e->ds_name != SYM_NONE ? strtab_str(s->strs, e->ds_name) : "any DaemonSet";
    switch (e->kind) {
    case EXPECT_STATUS:
        fprintf(out, "  at %s: %s", at, ds);
        for (int f = 0; f < STATUS__COUNT; f++)
            if (e->has_field[f])
                fprintf(out, " %s=%" PRId64, status_field_name((StatusField)f), e->field[f]);
        fprintf(out, "\n");
        break;
    case EXPECT_ROLLOUT_WITHIN: {
        char w[32];
        fmt_dur(e->within, w, sizeof w);
        fprintf(out, "  %s: last rollout completes within %s\n", ds, w);
        break;
    }
    case EXPECT_PODS_ON: {
        char t[128];
        fmt_target(s, &e->nodes, t, sizeof t);
        fprintf(out, "  at %s: %u pods of %s on %s\n", at, e->count, ds, t);
        break;
    }
    case EXPECT_ALWAYS:
        fprintf(out, "  always:");
        for (int i = 0; i < INV__COUNT; i++)
            if (e->invariants & (1u << i)) fprintf(out, " %s", invariant_name((Invariant)i));
        fprintf(out, "\n");
        break;
    }
}

static void print_plan(const Scenario *s, const RolloutPlanSpec *p, FILE *out)
{
    char ft[16];
    fmt_iop(p->failure_threshold, ft, sizeof ft);
    fprintf(out, "  daemonset %s, failureThreshold %s, %u steps\n", strtab_str(s->strs, p->daemonset),
            ft, p->nsteps);
    for (uint32_t i = 0; i < p->nsteps; i++) {
        const PlanStep *st = &p->steps[i];
        char r[16], pause[48] = "no duration", a[160] = "";
        fmt_iop(st->replicas, r, sizeof r);
        if (st->has_pause) fmt_dur(st->pause, pause, sizeof pause);
        if (st->analysis.on) {
            char iv[32], grace[32], mf[16];
            fmt_dur(st->analysis.interval, iv, sizeof iv);
            fmt_dur(st->analysis.not_ready_grace, grace, sizeof grace);
            fmt_iop(st->analysis.max_failed, mf, sizeof mf);
            snprintf(a, sizeof a, ", analysis every %s: maxFailedPods %s, notReadyGrace %s, checks %u",
                     iv, mf, grace, st->analysis.checks);
        }
        fprintf(out, "    step %u: replicas %s, pause %s%s\n", i + 1, r, pause, a);
    }
}

void scenario_print_summary(const Scenario *s, FILE *out)
{
    char dur[32], sample[32];
    fmt_dur(s->duration, dur, sizeof dur);
    fmt_dur(s->sample, sample, sizeof sample);
    fprintf(out, "scenario %s (%s)\n", s->name, s->path);
    fprintf(out, "seed %" PRIu64 ", duration %s, stop when %s, sample %s\n", s->seed, dur,
            s->stop_when == STOP_CONVERGED ? "converged" : "duration",
            s->sample ? sample : "every change");
    print_pools(s, out);
    fprintf(out, "daemonsets: %u at start, %u specs in all\n", s->ninitial, s->nspecs);
    for (uint32_t i = 0; i < s->nspecs; i++) print_spec(s, i, out);
    static const char *const tnames[] = {"watch", "schedule", "imagePull", "containerStart",
                                         "readiness", "termination", "nodeStartup"};
    const Dist *td[] = {&s->timing.watch, &s->timing.schedule, &s->timing.image_pull,
                        &s->timing.container_start, &s->timing.readiness,
                        &s->timing.termination, &s->timing.node_startup};
    fprintf(out, "timing:\n");
    for (size_t i = 0; i < DS_ARRAY_LEN(tnames); i++) {
        char d[128];
        fmt_dist(td[i], d, sizeof d);
        fprintf(out, "  %-15s %s\n", tnames[i], d);
    }
    const ControlPlane *cp = &s->control_plane;
    char p[5][32];
    fmt_dur(cp->node_monitor_period, p[0], sizeof p[0]);
    fmt_dur(cp->node_monitor_grace, p[1], sizeof p[1]);
    fmt_dur(cp->node_startup_grace, p[2], sizeof p[2]);
    fmt_dur(cp->pod_gc_period, p[3], sizeof p[3]);
    fmt_dur(cp->pod_gc_quarantine, p[4], sizeof p[4]);
    fprintf(out,
            "control plane: Kubernetes 1.%u, apiQps %g, apiBurst %u, burstReplicas %u, workers %u, "
            "candidates by %s\n",
            cp->kubernetes_minor, cp->api_qps, cp->api_burst, cp->burst_replicas, cp->workers,
            cp->candidate_order_by_name ? "name" : "random order");
    fprintf(out, "  nodeMonitorPeriod %s, nodeMonitorGracePeriod %s, nodeStartupGracePeriod %s, "
                 "podGCPeriod %s, podGCQuarantine %s\n", p[0], p[1], p[2], p[3], p[4]);
    const ApiErrors *ae = &cp->api_errors;
    if (ae->create > 0 || ae->delete_ > 0 || ae->update > 0 || ae->status > 0)
        fprintf(out, "  apiErrors: create %g, delete %g, update %g, status %g\n", ae->create, ae->delete_,
                ae->update, ae->status);
    fprintf(out, "events: %u\n", s->nactions);
    for (uint32_t i = 0; i < s->nactions; i++) print_action(s, &s->actions[i], out);
    fprintf(out, "expectations: %u\n", s->nexpects);
    for (uint32_t i = 0; i < s->nexpects; i++) print_expect(s, &s->expects[i], out);
    if (s->nplans) fprintf(out, "rollout plans: %u\n", s->nplans);
    for (uint32_t i = 0; i < s->nplans; i++) print_plan(s, &s->plans[i], out);
}

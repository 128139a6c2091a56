/* nodes_import.c: `cluster.nodesFrom`, nodes taken from `kubectl get nodes
 * -o yaml` or `-o json` output (a v1 List of Nodes, or a single Node).
 *
 * Real lists run to hundreds of megabytes, mostly images and managedFields,
 * so the file is streamed one item at a time and only name, labels, taints,
 * spec.unschedulable, status.allocatable and status.conditions are built
 * (ydoc_stream_items). Each node becomes a NodePoolSpec of count 1 with its
 * real name; the pool name is the file's base name unless `pool:` says
 * otherwise, so `{pool: nodes}` targets every node of nodes.yaml.
 *
 * A node keeps the state the dump shows: its Ready condition (False: the
 * kubelet reports NotReady; Unknown: the kubelet is silent) and its taints.
 * The NoSchedule taints the node lifecycle controller derives from the
 * conditions (not-ready, unreachable, memory-, disk-, pid-pressure,
 * network-unavailable; docs/behaviour.md §7.1) are rebuilt from the
 * conditions, so a dump taken before the controller's pass gets them too; the
 * NoExecute not-ready/unreachable taint is kept when it matches the Ready
 * condition (otherwise the simulated controller places it through its zone
 * limiter); the unschedulable taint follows spec.unschedulable (§7.4). */
#include <stdlib.h>
#include <string.h>

#include "loader.h"

typedef struct {
    Loader *L;
    Sym pool;
} ImportState;

static bool keep_node_path(const char *const *path, int depth)
{
    static const char *const keep2[][2] = {
        {"metadata", "name"}, {"metadata", "labels"}, {"spec", "taints"},
        {"spec", "unschedulable"}, {"status", "allocatable"}, {"status", "conditions"},
    };
    if (depth == 1)
        return !strcmp(path[0], "metadata") || !strcmp(path[0], "spec") ||
               !strcmp(path[0], "status") || !strcmp(path[0], "kind") ||
               !strcmp(path[0], "apiVersion");
    if (depth == 2) {
        for (size_t i = 0; i < DS_ARRAY_LEN(keep2); i++)
            if (!strcmp(path[0], keep2[i][0]) && !strcmp(path[1], keep2[i][1])) return true;
        return false;
    }
    return true;
}

#define TAINT_PREFIX "node.kubernetes.io/"

/* Condition taints, by the condition that sets them to NoSchedule (§7.1). */
static const struct {
    const char *condition;
    const char *taint;
} condition_taints[] = {
    {"MemoryPressure", TAINT_PREFIX "memory-pressure"},
    {"DiskPressure", TAINT_PREFIX "disk-pressure"},
    {"PIDPressure", TAINT_PREFIX "pid-pressure"},
    {"NetworkUnavailable", TAINT_PREFIX "network-unavailable"},
};

typedef struct {
    NodeStart ready;
    bool pressure[DS_ARRAY_LEN(condition_taints)];
} Conditions;

/* Whether a taint of the dump is kept as it is: the ones the lifecycle
 * controller derives from the conditions are rebuilt instead. */
static bool keep_dump_taint(const char *key, TaintEffect effect, NodeStart ready)
{
    if (strncmp(key, TAINT_PREFIX, strlen(TAINT_PREFIX))) return true;
    const char *name = key + strlen(TAINT_PREFIX);
    bool not_ready = !strcmp(name, "not-ready"), unreachable = !strcmp(name, "unreachable");
    if (not_ready || unreachable)
        return effect == EFFECT_NO_EXECUTE &&
               ready == (not_ready ? NODE_START_NOT_READY : NODE_START_UNKNOWN);
    if (!strcmp(name, "unschedulable")) return false;
    for (size_t i = 0; i < DS_ARRAY_LEN(condition_taints); i++)
        if (!strcmp(key, condition_taints[i].taint)) return false;
    return true;
}

static bool import_taints(YCtx *c, const YNode *n, const Conditions *cond, NodePoolSpec *p)
{
    uint32_t given = n ? n->n : 0;
    if (n && !yget_seq(c, n)) return false;
    Taint *t = arena_alloc(c->out, (given + 1 + DS_ARRAY_LEN(condition_taints)) * sizeof *t);
    uint32_t k = 0;
    for (uint32_t i = 0; i < given; i++) {
        if (!k8s_parse_taint(c, n->items[i], &t[k])) return false;
        if (keep_dump_taint(strtab_str(c->strs, t[k].key), t[k].effect, cond->ready)) k++;
    }
    if (cond->ready != NODE_START_READY) {
        const char *key = cond->ready == NODE_START_NOT_READY ? TAINT_PREFIX "not-ready"
                                                              : TAINT_PREFIX "unreachable";
        t[k++] = (Taint){strtab_intern(c->strs, key), SYM_EMPTY, EFFECT_NO_SCHEDULE};
    }
    for (size_t i = 0; i < DS_ARRAY_LEN(condition_taints); i++)
        if (cond->pressure[i])
            t[k++] = (Taint){strtab_intern(c->strs, condition_taints[i].taint), SYM_EMPTY,
                             EFFECT_NO_SCHEDULE};
    p->taints = t;
    p->ntaints = k;
    return true;
}

/* status.conditions: Ready and the pressure conditions; other types and
 * fields (reasons, heartbeat times) are not modelled. */
static bool import_conditions(YCtx *c, const YNode *n, Conditions *out)
{
    static const char *const statuses[] = {"True", "False", "Unknown"};
    if (!yget_seq(c, n)) return false;
    for (uint32_t i = 0; i < n->n; i++) {
        const YNode *item = n->items[i];
        if (!yget_map(c, item)) return false;
        const YNode *type = ymap_get(item, "type"), *status = ymap_get(item, "status");
        const char *ty;
        int st;
        if (!type || ynode_is_null(type)) {
            yerr_at(c, item->pos, "a node condition needs a type");
            return false;
        }
        if (!yget_str(c, type, &ty)) return false;
        if (!status || ynode_is_null(status)) {
            yerr_at(c, item->pos, "node condition %s needs a status", ty);
            return false;
        }
        if (!yget_enum(c, status, statuses, 3, &st)) return false;
        if (!strcmp(ty, "Ready")) {
            out->ready = st == 0 ? NODE_START_READY : st == 1 ? NODE_START_NOT_READY
                                                              : NODE_START_UNKNOWN;
            continue;
        }
        for (size_t k = 0; k < DS_ARRAY_LEN(condition_taints); k++)
            if (!strcmp(ty, condition_taints[k].condition)) out->pressure[k] = st == 0;
    }
    return true;
}

static bool import_allocatable(YCtx *c, const YNode *n, Resources *r)
{
    if (!yget_map(c, n)) return false;
    for (uint32_t i = 0; i < n->n; i++) {
        const char *name = n->pairs[i].key->text;
        int64_t q;
        if (!yget_quantity(c, n->pairs[i].value, &q)) return false;
        if (!strcmp(name, "cpu")) r->cpu = q;
        else if (!strcmp(name, "memory")) r->memory = q;
        else if (!strcmp(name, "pods")) r->pods = q;
        /* ephemeral-storage, hugepages-*, extended resources: not modelled */
    }
    return true;
}

static bool import_node(YCtx *c, const YNode *item, void *arg)
{
    ImportState *st = arg;
    Loader *L = st->L;
    if (!yget_map(c, item)) return false;
    const YNode *kind = ymap_get(item, "kind");
    if (kind && !ynode_is_null(kind) &&
        (kind->kind != YNODE_SCALAR || strcmp(kind->text, "Node"))) {
        char got[96];
        ynode_describe(kind, got, sizeof got);
        yerr(c, kind, "expected kind Node, got %s", got);
        return false;
    }
    const YNode *md = ymap_get(item, "metadata"), *spec = ymap_get(item, "spec"),
                *status = ymap_get(item, "status");
    if (!md || ynode_is_null(md)) {
        yerr_at(c, item->pos, "a node needs metadata.name");
        return false;
    }
    if (!yget_map(c, md)) return false;
    const YNode *name = ymap_get(md, "name");
    if (!name) {
        yerr_at(c, md->pos, "missing required key \"name\"");
        return false;
    }
    NodePoolSpec p = {.name = st->pool, .count = 1, .pos = item->pos};
    p.allocatable = (Resources){.cpu = 4000, .memory = INT64_C(16) * 1024 * 1024 * 1024 * 1000,
                                .pods = 110000};
    if (!yget_sym(c, name, &p.node_name)) return false;
    const YNode *labels = ymap_get(md, "labels");
    if (labels && !ynode_is_null(labels) && !k8s_parse_labels(c, labels, &p.labels, &p.nlabels))
        return false;
    const YNode *taints = NULL, *unsched = NULL, *alloc = NULL, *conds = NULL;
    if (spec && !ynode_is_null(spec)) {
        if (!yget_map(c, spec)) return false;
        taints = ymap_get(spec, "taints");
        unsched = ymap_get(spec, "unschedulable");
    }
    if (status && !ynode_is_null(status)) {
        if (!yget_map(c, status)) return false;
        alloc = ymap_get(status, "allocatable");
        conds = ymap_get(status, "conditions");
    }
    Conditions cond = {.ready = NODE_START_READY};
    if (conds && !ynode_is_null(conds) && !import_conditions(c, conds, &cond)) return false;
    p.start = cond.ready;
    if (!import_taints(c, taints && !ynode_is_null(taints) ? taints : NULL, &cond, &p)) return false;
    if (unsched && !ynode_is_null(unsched) && !yget_bool(c, unsched, &p.unschedulable))
        return false;
    if (alloc && !ynode_is_null(alloc) && !import_allocatable(c, alloc, &p.allocatable))
        return false;
    VEC_PUSH(L->pools, p);
    return true;
}

static int sym_cmp(const void *a, const void *b)
{
    Sym x = *(const Sym *)a, y = *(const Sym *)b;
    return (x > y) - (x < y);
}

/* Imported names are unique and do not shadow POOL-N names of declared pools. */
static bool check_names(Loader *L)
{
    YCtx *c = &L->c;
    size_t first = L->ndeclared, n = L->pools.n - first;
    Sym *names = xmalloc((n ? n : 1) * sizeof *names);
    for (size_t i = 0; i < n; i++) names[i] = L->pools.v[first + i].node_name;
    qsort(names, n, sizeof *names, sym_cmp);
    bool ok = true;
    for (size_t i = 1; i < n && ok; i++) {
        if (names[i] != names[i - 1]) continue;
        /* Report the second occurrence in file order. */
        int seen = 0;
        for (size_t j = first; j < L->pools.n; j++) {
            if (L->pools.v[j].node_name == names[i] && ++seen == 2) {
                yerr_at(c, L->pools.v[j].pos, "node \"%s\" is imported twice",
                        strtab_str(c->strs, names[i]));
                break;
            }
        }
        ok = false;
    }
    free(names);
    for (size_t j = first; j < L->pools.n && ok; j++) {
        const char *nm = strtab_str(c->strs, L->pools.v[j].node_name);
        for (uint32_t p = 0; p < L->ndeclared && ok; p++) {
            const NodePoolSpec *pool = &L->pools.v[p];
            const char *pn = strtab_str(c->strs, pool->name);
            size_t len = strlen(pn);
            if (strncmp(nm, pn, len) || nm[len] != '-' || !nm[len + 1]) continue;
            char *end;
            unsigned long idx = strtoul(nm + len + 1, &end, 10);
            if (*end || idx >= pool->count) continue;
            yerr_at(c, L->pools.v[j].pos, "imported node \"%s\" has the name of node %lu of pool "
                                          "\"%s\"", nm, idx, pn);
            ok = false;
        }
    }
    return ok;
}

static bool import_entry(Loader *L, const YNode *n)
{
    static const YField fields[] = {YFIELD_CALLER("file", YF_REQUIRED), YFIELD_CALLER("pool", 0),
                                    YFIELD_CALLER("used", 0), YFIELD_CALLER("usedPriority", 0)};
    YCtx *c = &L->c;
    const YNode *f[4] = {NULL, NULL, NULL, NULL};
    if (n->kind == YNODE_SCALAR) f[0] = n;
    else if (!ymap_walk(c, n, fields, 4, NULL, 0, f)) return false;
    Resources used = {0};
    int64_t used_priority = 0;
    if (f[2] && !loader_parse_resources(L, f[2], &used)) return false;
    if (f[3] && !yget_int(c, f[3], INT32_MIN, INT32_MAX, &used_priority)) return false;
    const char *rel;
    if (!yget_str(c, f[0], &rel)) return false;
    ImportState st = {.L = L};
    if (f[1]) {
        if (!yget_sym(c, f[1], &st.pool)) return false;
    } else {
        /* nodes.yaml -> pool "nodes" */
        const char *base = strrchr(rel, '/');
        base = base ? base + 1 : rel;
        const char *dot = strrchr(base, '.');
        size_t len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
        st.pool = strtab_intern_n(c->strs, base, len);
    }
    int32_t existing = loader_find_pool(L, st.pool);
    if (existing >= 0 && (uint32_t)existing < L->ndeclared) {
        yerr(c, f[1] ? f[1] : f[0],
             "pool name \"%s\" of the imported nodes is already a node pool; give another with "
             "pool:", strtab_str(c->strs, st.pool));
        return false;
    }
    size_t first = L->pools.n;
    if (!ydoc_stream_items(c, loader_path(L, rel), f[0]->pos, keep_node_path, import_node, &st))
        return false;
    /* Load declared for the file's nodes, on top of what podsFrom adds. */
    for (size_t i = first; i < L->pools.n && (f[2] || f[3]); i++) {
        NodePoolSpec *p = &L->pools.v[i];
        p->used = used;
        p->used_priority = (int32_t)used_priority;
        const char *over = used.cpu > p->allocatable.cpu         ? "cpu"
                           : used.memory > p->allocatable.memory ? "memory"
                           : used.pods > p->allocatable.pods     ? "pods"
                                                                 : NULL;
        if (over) {
            const YNode *at = f[2] ? ymap_get(f[2], over) : NULL;
            yerr(c, at ? at : f[2], "used %s exceeds the allocatable %s of node \"%s\"", over,
                 over, strtab_str(c->strs, p->node_name));
            return false;
        }
    }
    return true;
}

bool nodes_import(Loader *L, const YNode *list)
{
    YCtx *c = &L->c;
    if (list->kind == YNODE_SCALAR) {
        if (!import_entry(L, list)) return false;
    } else {
        if (!yget_seq(c, list)) return false;
        for (uint32_t i = 0; i < list->n; i++)
            if (!import_entry(L, list->items[i])) return false;
    }
    return check_names(L);
}

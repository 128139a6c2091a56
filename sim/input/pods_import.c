/* pods_import.c: `cluster.podsFrom`, the pods of the user's own cluster
 * from `kubectl get pods -A -o yaml` or `-o json` output (a v1 List of Pods,
 * or a single Pod), streamed one item at a time like the node lists.
 *
 * A pod owned by one of the scenario's DaemonSets (an ownerReference of kind
 * DaemonSet with its name, in its namespace) becomes an existing pod of it,
 * with its phase, Ready condition and deletion state. It is of the
 * manifest's own revision as upstream's IsPodUpdated decides
 * (pkg/controller/daemon/util/daemonset_util.go): its pod-template-generation
 * label equals the manifest's deprecated.daemonset.template.generation
 * annotation, or, when either is missing, it carries the
 * controller-revision-hash that most of the DaemonSet's pods carry. Any other
 * pod that is bound and not finished is load on its node: its requests
 * (containers summed, the largest init container if more, plus overhead)
 * count against the node's allocatable, and the highest priority among them
 * decides preemption. Only imported nodes (nodesFrom) have names to match;
 * pods on other nodes are counted in one warning. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

typedef struct {
    Sym name;
    uint32_t pool;
} NodeIndex;

/* A DaemonSet pod before its revision is decided. */
typedef struct {
    ExistingPod pod;
    int64_t generation;         /* pod-template-generation label; -1 if absent */
} Pending;

typedef struct {
    Loader *L;
    NodeIndex *nodes;
    size_t nnodes;
    VEC(Pending) pending;
    uint32_t elsewhere;         /* pods on nodes the scenario does not have */
} PodsState;

static bool keep_pod_path(const char *const *path, int depth)
{
    if (depth == 1)
        return !strcmp(path[0], "metadata") || !strcmp(path[0], "spec") ||
               !strcmp(path[0], "status") || !strcmp(path[0], "kind");
    if (depth == 2) {
        if (!strcmp(path[0], "metadata"))
            return !strcmp(path[1], "name") || !strcmp(path[1], "namespace") ||
                   !strcmp(path[1], "labels") || !strcmp(path[1], "ownerReferences") ||
                   !strcmp(path[1], "deletionTimestamp");
        if (!strcmp(path[0], "spec"))
            return !strcmp(path[1], "nodeName") || !strcmp(path[1], "containers") ||
                   !strcmp(path[1], "initContainers") || !strcmp(path[1], "priority") ||
                   !strcmp(path[1], "overhead");
        return !strcmp(path[1], "phase") || !strcmp(path[1], "conditions");
    }
    /* inside containers: only resources.requests */
    if (depth == 4 && (!strcmp(path[1], "containers") || !strcmp(path[1], "initContainers")))
        return !strcmp(path[3], "resources");
    return true;
}

static int node_cmp(const void *a, const void *b)
{
    Sym x = ((const NodeIndex *)a)->name, y = ((const NodeIndex *)b)->name;
    return (x > y) - (x < y);
}

static int32_t find_node(const PodsState *st, Sym name)
{
    NodeIndex key = {.name = name};
    const NodeIndex *hit = bsearch(&key, st->nodes, st->nnodes, sizeof key, node_cmp);
    return hit ? (int32_t)hit->pool : -1;
}

static const char *map_str(const YNode *map, const char *key)
{
    const YNode *v = ymap_get(map, key);
    return v && v->kind == YNODE_SCALAR && !ynode_is_null(v) ? v->text : NULL;
}

/* Adds the cpu and memory of a quantity map (requests, overhead) to r. */
static bool add_quantities(YCtx *c, const YNode *map, Resources *r)
{
    if (!map || ynode_is_null(map)) return true;
    if (!yget_map(c, map)) return false;
    for (uint32_t i = 0; i < map->n; i++) {
        const char *k = map->pairs[i].key->text;
        int64_t *slot = !strcmp(k, "cpu") ? &r->cpu : !strcmp(k, "memory") ? &r->memory : NULL;
        if (!slot) continue;    /* ephemeral storage, extended resources: not modelled */
        int64_t q;
        if (!yget_quantity(c, map->pairs[i].value, &q)) return false;
        *slot += q;
    }
    return true;
}

static bool container_requests(YCtx *c, const YNode *container, Resources *r)
{
    if (!yget_map(c, container)) return false;
    const YNode *res = ymap_get(container, "resources");
    if (!res || ynode_is_null(res)) return true;
    if (!yget_map(c, res)) return false;
    return add_quantities(c, ymap_get(res, "requests"), r);
}

/* The scheduler's view of a pod's requests (resourcehelper.PodRequests):
 * containers summed, at least the largest init container, plus overhead. */
static bool pod_requests(YCtx *c, const YNode *spec, Resources *out)
{
    Resources sum = {0}, init = {0};
    const YNode *cs = ymap_get(spec, "containers"), *ics = ymap_get(spec, "initContainers");
    if (cs && !ynode_is_null(cs)) {
        if (!yget_seq(c, cs)) return false;
        for (uint32_t i = 0; i < cs->n; i++)
            if (!container_requests(c, cs->items[i], &sum)) return false;
    }
    if (ics && !ynode_is_null(ics)) {
        if (!yget_seq(c, ics)) return false;
        for (uint32_t i = 0; i < ics->n; i++) {
            Resources one = {0};
            if (!container_requests(c, ics->items[i], &one)) return false;
            if (one.cpu > init.cpu) init.cpu = one.cpu;
            if (one.memory > init.memory) init.memory = one.memory;
        }
    }
    out->cpu = sum.cpu > init.cpu ? sum.cpu : init.cpu;
    out->memory = sum.memory > init.memory ? sum.memory : init.memory;
    out->pods = 1000;
    return add_quantities(c, ymap_get(spec, "overhead"), out);
}

/* The scenario DaemonSet that owns the pod, or -1. */
static int32_t owner_ds(Loader *L, const YNode *md, Sym ns)
{
    const YNode *refs = ymap_get(md, "ownerReferences");
    if (!refs || refs->kind != YNODE_SEQ) return -1;
    for (uint32_t i = 0; i < refs->n; i++) {
        const YNode *ref = refs->items[i];
        const char *kind = map_str(ref, "kind"), *name = map_str(ref, "name");
        if (!kind || !name || strcmp(kind, "DaemonSet")) continue;
        Sym nm = strtab_find(L->c.strs, name);
        for (uint32_t d = 0; d < L->s->ninitial; d++)
            if (L->specs.v[d].name == nm && L->specs.v[d].namespace_ == ns) return (int32_t)d;
    }
    return -1;
}

static bool pod_ready(const YNode *status)
{
    const YNode *conds = status ? ymap_get(status, "conditions") : NULL;
    if (!conds || conds->kind != YNODE_SEQ) return false;
    for (uint32_t i = 0; i < conds->n; i++) {
        const char *type = map_str(conds->items[i], "type"), *st = map_str(conds->items[i], "status");
        if (type && st && !strcmp(type, "Ready")) return !strcmp(st, "True");
    }
    return false;
}

static bool import_pod(YCtx *c, const YNode *item, void *arg)
{
    PodsState *st = arg;
    Loader *L = st->L;
    if (!yget_map(c, item)) return false;
    const char *kind = map_str(item, "kind");
    if (kind && strcmp(kind, "Pod")) {
        yerr(c, ymap_get(item, "kind"), "expected kind Pod, got \"%s\"", kind);
        return false;
    }
    const YNode *md = ymap_get(item, "metadata"), *spec = ymap_get(item, "spec"),
                *status = ymap_get(item, "status");
    if (!md || !yget_map(c, md)) {
        if (!md) yerr_at(c, item->pos, "a pod needs metadata.name");
        return false;
    }
    const char *name = map_str(md, "name");
    if (!name) {
        yerr_at(c, md->pos, "missing required key \"name\"");
        return false;
    }
    if (spec && !ynode_is_null(spec) && !yget_map(c, spec)) return false;
    if (status && !ynode_is_null(status) && !yget_map(c, status)) return false;
    const char *phase = status ? map_str(status, "phase") : NULL;
    const char *node = spec ? map_str(spec, "nodeName") : NULL;
    const char *ns = map_str(md, "namespace");
    Sym nsym = strtab_intern(c->strs, ns ? ns : "default");
    int32_t ds = owner_ds(L, md, nsym);
    /* Unbound and finished pods hold nothing on a node. */
    if (!node || (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed")))) return true;
    int32_t pool = find_node(st, strtab_intern(c->strs, node));
    if (pool < 0) {
        st->elsewhere++;
        return true;
    }
    if (ds >= 0) {
        const YNode *labels = ymap_get(md, "labels");
        const char *hash = labels ? map_str(labels, "controller-revision-hash") : NULL;
        const char *gen = labels ? map_str(labels, "pod-template-generation") : NULL;
        Pending p = {
            .pod = {.ds = (uint32_t)ds, .pool = (uint32_t)pool,
                    .name = strtab_intern(c->strs, name),
                    .revision_hash = hash ? strtab_intern(c->strs, hash) : SYM_NONE,
                    .running = phase && !strcmp(phase, "Running"), .ready = pod_ready(status),
                    .deleting = map_str(md, "deletionTimestamp") != NULL},
            .generation = gen ? strtoll(gen, NULL, 10) : -1,
        };
        VEC_PUSH(st->pending, p);
        return true;
    }
    Resources r = {0};
    if (spec && !pod_requests(c, spec, &r)) return false;
    int64_t prio = 0;
    const YNode *pr = spec ? ymap_get(spec, "priority") : NULL;
    if (pr && !ynode_is_null(pr) && !yget_int(c, pr, INT32_MIN, INT32_MAX, &prio)) return false;
    NodePoolSpec *np = &L->pools.v[pool];
    np->used.cpu += r.cpu;
    np->used.memory += r.memory;
    np->used.pods += r.pods;
    if (np->used.pods == r.pods || prio > np->used_priority) np->used_priority = (int32_t)prio;
    return true;
}

/* deprecated.daemonset.template.generation of a DaemonSet's manifest, or -1. */
static int64_t template_generation(Loader *L, uint32_t spec)
{
    const DsChain *ch = loader_find_chain(L, L->specs.v[spec].name);
    const YNode *md = ch ? ymap_get(ch->tree, "metadata") : NULL;
    const YNode *ann = md ? ymap_get(md, "annotations") : NULL;
    const char *g = ann ? map_str(ann, "deprecated.daemonset.template.generation") : NULL;
    return g ? strtoll(g, NULL, 10) : -1;
}

/* The hash most of a DaemonSet's pods carry (ties: the first seen). */
static Sym majority_hash(const PodsState *st, uint32_t ds)
{
    Sym best = SYM_NONE;
    size_t best_n = 0;
    for (size_t i = 0; i < st->pending.n; i++) {
        const ExistingPod *a = &st->pending.v[i].pod;
        if (a->ds != ds || a->revision_hash == SYM_NONE) continue;
        size_t n = 0;
        for (size_t j = 0; j < st->pending.n; j++)
            n += st->pending.v[j].pod.ds == ds && st->pending.v[j].pod.revision_hash == a->revision_hash;
        if (n > best_n) best = a->revision_hash, best_n = n;
    }
    return best;
}

static void decide_revisions(PodsState *st)
{
    Loader *L = st->L;
    for (uint32_t d = 0; d < L->s->ninitial; d++) {
        int64_t want = template_generation(L, d);
        Sym hash = majority_hash(st, d);
        for (size_t i = 0; i < st->pending.n; i++) {
            Pending *p = &st->pending.v[i];
            if (p->pod.ds != d) continue;
            p->pod.current = want >= 0 && p->generation >= 0 ? p->generation == want
                                                             : p->pod.revision_hash == hash;
            VEC_PUSH(L->existing_pods, p->pod);
        }
    }
}

static bool import_entry(Loader *L, PodsState *st, const YNode *n)
{
    const char *rel;
    if (!yget_str(&L->c, n, &rel)) return false;
    return ydoc_stream_items(&L->c, loader_path(L, rel), n->pos, keep_pod_path, import_pod, st);
}

bool pods_import(Loader *L, const YNode *list)
{
    YCtx *c = &L->c;
    PodsState st = {.L = L};
    st.nodes = xmalloc((L->pools.n ? L->pools.n : 1) * sizeof *st.nodes);
    for (size_t i = 0; i < L->pools.n; i++)
        if (L->pools.v[i].node_name != SYM_NONE)
            st.nodes[st.nnodes++] = (NodeIndex){L->pools.v[i].node_name, (uint32_t)i};
    qsort(st.nodes, st.nnodes, sizeof *st.nodes, node_cmp);
    bool ok = true;
    if (list->kind == YNODE_SCALAR) ok = import_entry(L, &st, list);
    else if ((ok = yget_seq(c, list)))
        for (uint32_t i = 0; i < list->n && ok; i++) ok = import_entry(L, &st, list->items[i]);
    if (ok) decide_revisions(&st);
    if (ok && st.elsewhere) {
        char *msg = arena_alloc(&L->s->arena, DIAG_MSG_MAX);
        snprintf(msg, DIAG_MSG_MAX, "%s:%d:%d: warning: %u pod%s on nodes the scenario does not "
                                    "import (nodesFrom), left out",
                 list->pos.file, list->pos.line, list->pos.col, st.elsewhere,
                 st.elsewhere == 1 ? "" : "s");
        VEC_PUSH(L->warnings, msg);
    }
    free(st.nodes);
    VEC_FREE(st.pending);
    return ok;
}

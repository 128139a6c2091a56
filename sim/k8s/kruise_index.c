/* kruise_index.c: the node-name order of filterDaemonPodsNodeToUpdate
 * (openkruise/kruise pkg/controller/daemonset/daemonset_update.go, commit
 * 0defdbd3fc45) and per-DaemonSet Fenwick trees over it, one per category,
 * so that a sync costs O(log nodes) per node it acts on (docs/performance.md,
 * rule 4). */
#include "kruise_index.h"
#include "dsctl_state.h"
#include <string.h>

struct KruiseIndex {
    uint32_t n;                 /* places covered: the nodes when it was built */
    uint8_t *cat;               /* per node id, its KruiseCat */
    uint32_t count[KC__COUNT];
    uint32_t *tree[KC__COUNT];  /* 1-based Fenwick trees over places (KC_NONE unused) */
};

static int name_cmp_desc(const void *ctx, uint32_t a, uint32_t b)
{
    const Cluster *c = ctx;
    return strcmp(strtab_str(c->strs, c->nodes.v[b].name), strtab_str(c->strs, c->nodes.v[a].name));
}

/* Names never change and ids are never reused, so the order is sorted once;
 * nodes that joined since are sorted among themselves and merged in (on equal
 * names the lower id first, as a stable sort of all ids gives). */
const U32Vec *kruise_nodes_by_name(Cluster *c)
{
    U32Vec *o = &c->kruise.by_name;
    size_t known = o->n, n = c->nodes.n;
    if (known == n) return o;
    for (size_t i = known; i < n; i++) VEC_PUSH(*o, (uint32_t)i);
    ids_sort(o->v + known, n - known, name_cmp_desc, c);
    if (known > 0) {
        uint32_t *merged = xmalloc(n * sizeof *merged);
        size_t i = 0, j = known, k = 0;
        while (i < known && j < n)
            merged[k++] = name_cmp_desc(c, o->v[j], o->v[i]) < 0 ? o->v[j++] : o->v[i++];
        while (i < known) merged[k++] = o->v[i++];
        while (j < n) merged[k++] = o->v[j++];
        free(o->v);
        o->v = merged;
        o->cap = n;
    }
    U32Vec *pos = &c->kruise.pos;
    VEC_RESERVE(*pos, n);
    pos->n = n;
    for (size_t p = 0; p < n; p++) pos->v[o->v[p]] = (uint32_t)p;
    return o;
}

static KruiseCat node_cat(const DsNode *dn)
{
    if (dn->cls == RC_NONE || !(dn->elig & ELIG_NODE_SEEN)) return KC_NONE;
    switch (dn->cls) {
    case RC_NEW_AVAIL: return KC_NEW_AVAIL;
    case RC_EMPTY: return KC_EMPTY;
    case RC_OLD_AVAIL: return KC_OLD_AVAIL;
    case RC_OLD_UNAVAIL: return KC_OLD_UNAVAIL;
    default: return KC_NEW_OTHER;     /* not ok, new unavailable, both */
    }
}

static void tree_add(KruiseIndex *x, KruiseCat k, uint32_t place, int32_t d)
{
    x->count[k] += (uint32_t)d;
    if (k == KC_NONE) return;
    for (uint32_t i = place + 1; i <= x->n; i += i & -i) x->tree[k][i] += (uint32_t)d;
}

static void index_build(Cluster *c, const DaemonSet *ds, KruiseIndex *x)
{
    const U32Vec *order = kruise_nodes_by_name(c);
    uint32_t n = (uint32_t)order->n;
    free(x->cat);
    x->cat = xmalloc(n + 1);
    x->n = n;
    memset(x->count, 0, sizeof x->count);
    for (int k = KC_NONE + 1; k < KC__COUNT; k++) {
        free(x->tree[k]);
        x->tree[k] = xcalloc(n + 1, sizeof *x->tree[k]);
    }
    /* Linear build: every place counts itself, then adds its sum to its parent. */
    for (uint32_t p = 0; p < n; p++) {
        uint32_t ni = order->v[p];
        KruiseCat k = node_cat(&ds->ctl->nodes[ni]);
        x->cat[ni] = (uint8_t)k;
        x->count[k]++;
        if (k != KC_NONE) x->tree[k][p + 1]++;
    }
    for (int k = KC_NONE + 1; k < KC__COUNT; k++)
        for (uint32_t i = 1; i <= n; i++) {
            uint32_t parent = i + (i & -i);
            if (parent <= n) x->tree[k][parent] += x->tree[k][i];
        }
}

KruiseIndex *kruise_index_get(Cluster *c, const DaemonSet *ds)
{
    KruiseLists *kl = &c->kruise;
    uint32_t d = (uint32_t)(ds - c->dsets.v);
    if (d >= kl->nindex) {
        kl->index = xrealloc(kl->index, (d + 1) * sizeof *kl->index);
        memset(kl->index + kl->nindex, 0, (d + 1 - kl->nindex) * sizeof *kl->index);
        kl->nindex = d + 1;
    }
    if (!kl->index[d]) kl->index[d] = xcalloc(1, sizeof *kl->index[d]);
    KruiseIndex *x = kl->index[d];
    if (x->n != c->nodes.n || x->n == 0) index_build(c, ds, x);
    return x;
}

void kruise_index_node(Cluster *c, const DaemonSet *ds, uint32_t ni)
{
    uint32_t d = (uint32_t)(ds - c->dsets.v);
    if (d >= c->kruise.nindex || !c->kruise.index[d]) return;
    KruiseIndex *x = c->kruise.index[d];
    /* A node that joined since the build: the next sync rebuilds. */
    if (x->n != c->nodes.n || ni >= x->n) return;
    KruiseCat before = x->cat[ni], after = node_cat(&ds->ctl->nodes[ni]);
    if (before == after) return;
    uint32_t place = c->kruise.pos.v[ni];
    tree_add(x, before, place, -1);
    tree_add(x, after, place, +1);
    x->cat[ni] = (uint8_t)after;
}

uint32_t kruise_index_count(const KruiseIndex *x, unsigned mask)
{
    uint32_t sum = 0;
    for (int k = KC_NONE + 1; k < KC__COUNT; k++)
        if (mask & KC_BIT(k)) sum += x->count[k];
    return sum;
}

uint32_t kruise_index_prefix(const KruiseIndex *x, unsigned mask, uint32_t end)
{
    uint32_t sum = 0;
    for (uint32_t i = end; i > 0; i -= i & -i)
        for (int k = KC_NONE + 1; k < KC__COUNT; k++)
            if (mask & KC_BIT(k)) sum += x->tree[k][i];
    return sum;
}

uint32_t kruise_index_kth(const KruiseIndex *x, unsigned mask, uint32_t k)
{
    uint32_t place = 0, step = 1;
    while (step * 2 <= x->n) step *= 2;
    for (; step; step /= 2) {
        uint32_t next = place + step;
        if (next > x->n) continue;
        uint32_t s = 0;
        for (int t = KC_NONE + 1; t < KC__COUNT; t++)
            if (mask & KC_BIT(t)) s += x->tree[t][next];
        if (s < k) {
            place = next;
            k -= s;
        }
    }
    return place;               /* 1-based place + 1 is the k-th: 0-based place */
}

void kruise_index_free(Cluster *c)
{
    for (uint32_t d = 0; d < c->kruise.nindex; d++) {
        KruiseIndex *x = c->kruise.index[d];
        if (!x) continue;
        free(x->cat);
        for (int k = 0; k < KC__COUNT; k++) free(x->tree[k]);
        free(x);
    }
    free(c->kruise.index);
    VEC_FREE(c->kruise.by_name);
    VEC_FREE(c->kruise.pos);
}

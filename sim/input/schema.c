/* schema.c: the strict field walk (schema.h). Tables are sorted by field
 * name so that a lookup is a binary search; the walk carries kubectl's field
 * path ("spec.template.spec.containers[0].image") for messages. */
#include "schema.h"

#include "daemonsim/dsspec.h"

#include <stdio.h>
#include <string.h>

typedef enum { SH_ONE, SH_LIST, SH_MAP } Shape;

typedef struct Schema Schema;

typedef struct {
    const char *name;
    Shape shape;                /* of the value: one object, a list or a map of them */
    const Schema *child;        /* NULL: a leaf, any value */
} SchemaField;

struct Schema {
    const char *type;           /* the Go type, for messages */
    const SchemaField *fields;
    size_t n;
};

#include "schema_k8s.inc"
#include "schema_kruise.inc"

static const SchemaField *schema_find(const Schema *s, const char *name)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int cmp = strcmp(name, s->fields[mid].name);
        if (cmp == 0) return &s->fields[mid];
        if (cmp < 0) hi = mid;
        else lo = mid + 1;
    }
    return NULL;
}

static void report_unknown(YCtx *c, const Schema *s, const YNode *key, const char *path)
{
    const char *best = NULL;
    int best_dist = 0;
    for (size_t i = 0; i < s->n; i++) {
        int d = ystr_distance(key->text, s->fields[i].name);
        if (!best || d < best_dist) {
            best = s->fields[i].name;
            best_dist = d;
        }
    }
    /* A suggestion only when it is plausibly a typo of that name. */
    size_t len = strlen(key->text);
    bool close = best && (best_dist <= 2 || (size_t)best_dist * 4 <= len);
    if (close)
        diag_error(c->d, key->pos, "unknown field \"%s\" in %s; did you mean '%s'?", path, s->type,
                   best);
    else
        diag_error(c->d, key->pos, "unknown field \"%s\" in %s", path, s->type);
}

static bool walk(YCtx *c, const YNode *n, const Schema *s, char *path, size_t len, size_t cap);

static bool walk_value(YCtx *c, const YNode *v, const SchemaField *f, char *path, size_t len,
                       size_t cap)
{
    if (!f->child || ynode_is_null(v)) return true;
    if (f->shape == SH_ONE) return walk(c, v, f->child, path, len, cap);
    if (f->shape == SH_LIST) {
        if (v->kind != YNODE_SEQ) {
            char got[96];
            ynode_describe(v, got, sizeof got);
            diag_error(c->d, v->pos, "field \"%s\": expected a list, got %s", path, got);
            return false;
        }
        for (uint32_t i = 0; i < v->n; i++) {
            int w = snprintf(path + len, cap - len, "[%u]", i);
            size_t l2 = len + (size_t)w < cap ? len + (size_t)w : cap - 1;
            if (!walk(c, v->items[i], f->child, path, l2, cap)) return false;
        }
        path[len] = '\0';
        return true;
    }
    if (!yget_map(c, v)) return false;
    for (uint32_t i = 0; i < v->n; i++) {
        int w = snprintf(path + len, cap - len, "[%s]", v->pairs[i].key->text);
        size_t l2 = len + (size_t)w < cap ? len + (size_t)w : cap - 1;
        if (!walk(c, v->pairs[i].value, f->child, path, l2, cap)) return false;
    }
    path[len] = '\0';
    return true;
}

static bool walk(YCtx *c, const YNode *n, const Schema *s, char *path, size_t len, size_t cap)
{
    if (ynode_is_null(n)) return true;
    if (n->kind != YNODE_MAP) {
        char got[96];
        ynode_describe(n, got, sizeof got);
        diag_error(c->d, n->pos, "field \"%s\": expected an object (%s), got %s",
                   len ? path : "(root)", s->type, got);
        return false;
    }
    for (uint32_t i = 0; i < n->n; i++) {
        const YNode *k = n->pairs[i].key;
        int w = snprintf(path + len, cap - len, "%s%s", len ? "." : "", k->text);
        size_t l2 = len + (size_t)w < cap ? len + (size_t)w : cap - 1;
        const SchemaField *f = schema_find(s, k->text);
        if (!f) {
            report_unknown(c, s, k, path);
            return false;
        }
        if (!walk_value(c, n->pairs[i].value, f, path, l2, cap)) return false;
        path[len] = '\0';
    }
    return true;
}

bool schema_check_daemonset(YCtx *c, const YNode *root)
{
    char path[1024] = "";
    const YNode *api = ymap_get(root, "apiVersion");
    bool kruise = api && api->kind == YNODE_SCALAR && !strcmp(api->text, KRUISE_API_VERSION);
    return walk(c, root, kruise ? &s_kruise_DaemonSet : &s_apps_DaemonSet, path, 0, sizeof path);
}

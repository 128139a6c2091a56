/* override.c: `--set KEY=VALUE` applied to the YAML tree before validation,
 * so that an override is checked exactly like the value it replaces.
 *
 * KEY is a path (`spec.cluster.nodePools[workers].count`: `.key`, `[N]` for
 * a list index, `[NAME]` for the list item whose name is NAME, `["a.b"]` for
 * keys with dots) or an alias: `seed`, `nodes` (the first pool's count), and
 * `maxUnavailable`, `maxSurge`, `minReadySeconds`, optionally prefixed by a
 * DaemonSet name (`fluentd.maxSurge`). The DaemonSet aliases change the
 * manifests as they are loaded (those of createDaemonSet events too);
 * name-prefixed ones apply after the unprefixed ones. VALUE is YAML, so `25%`,
 * `"3"` and `{a: b}` mean what they would in the file. Every node of the
 * value carries the position "--set KEY" (line 0), so any later error about
 * it reads `--set KEY: message`.
 *
 * As for sweep points (docs/cli.md), setting maxSurge to a non-zero value for
 * some DaemonSets without setting their maxUnavailable also sets
 * maxUnavailable to 0 (a surge rollout); symmetrically, a non-zero
 * maxUnavailable alone sets maxSurge to 0. Otherwise upstream validation
 * would reject the pair as both non-zero. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

static const char *const ds_fields[] = {"maxUnavailable", "maxSurge", "minReadySeconds"};

/* ---- paths ---------------------------------------------------------------------- */

typedef enum { SEG_KEY, SEG_INDEX, SEG_NAME } SegKind;

typedef struct {
    SegKind kind;
    char text[128];
    uint32_t index;
} Seg;

#define MAX_SEGS 32

static const char *parse_path(const char *key, Seg *segs, int *nseg)
{
    const char *p = key;
    int n = 0;
    while (*p) {
        if (n == MAX_SEGS) return "path too long";
        Seg *s = &segs[n];
        size_t len = 0;
        if (*p == '[') {
            p++;
            if (*p == '"') {
                p++;
                while (*p && *p != '"' && len + 1 < sizeof s->text) s->text[len++] = *p++;
                if (*p != '"') return "unterminated \" in path";
                p++;
                s->kind = SEG_KEY;
            } else {
                while (*p && *p != ']' && len + 1 < sizeof s->text) s->text[len++] = *p++;
                s->text[len] = '\0';
                bool digits = len > 0;
                for (size_t i = 0; i < len; i++)
                    digits = digits && s->text[i] >= '0' && s->text[i] <= '9';
                s->kind = digits ? SEG_INDEX : SEG_NAME;
                s->index = digits ? (uint32_t)strtoul(s->text, NULL, 10) : 0;
            }
            if (*p != ']') return "missing ] in path";
            if (len == 0) return "empty [] in path";
            p++;
            s->text[len] = '\0';
        } else {
            while (*p && *p != '.' && *p != '[' && len + 1 < sizeof s->text) s->text[len++] = *p++;
            if (len == 0) return "empty key in path";
            s->text[len] = '\0';
            s->kind = SEG_KEY;
        }
        n++;
        if (*p == '.') {
            p++;
            if (!*p) return "path ends with '.'";
        } else if (*p && *p != '[') {
            return "invalid path";
        }
    }
    *nseg = n;
    return n ? NULL : "empty key";
}

static void describe(const YNode *n, char *buf, size_t size) { ynode_describe(n, buf, size); }

/* Sets the value at a path, creating missing mappings on the way. */
static bool apply_path(Loader *L, YNode *root, const char *key, YNode *value, SrcPos pos)
{
    YCtx *c = &L->c;
    Seg segs[MAX_SEGS];
    int nseg = 0;
    const char *err = parse_path(key, segs, &nseg);
    if (err) {
        diag_error(c->d, pos, "%s", err);
        return false;
    }
    YNode *cur = root;
    char where[256] = "";
    size_t w = 0;
    for (int i = 0; i < nseg; i++) {
        const Seg *s = &segs[i];
        bool last = i == nseg - 1;
        char got[96];
        if (s->kind == SEG_KEY) {
            if (cur->kind != YNODE_MAP) {
                describe(cur, got, sizeof got);
                diag_error(c->d, pos, "%s is %s, not a mapping", w ? where : "the document", got);
                return false;
            }
            if (last) {
                ymap_set(c, cur, s->text, value, pos);
                return true;
            }
            YNode *next = ymap_get(cur, s->text);
            if (!next || ynode_is_null(next)) {
                /* Create what is missing: a list if an index follows, else a mapping. */
                next = segs[i + 1].kind == SEG_KEY ? ynode_new_map(c, pos) : ynode_new_seq(c, pos);
                ymap_set(c, cur, s->text, next, pos);
            }
            cur = next;
            w += (size_t)snprintf(where + w, sizeof where - w, "%s%s", w ? "." : "", s->text);
        } else {
            if (cur->kind != YNODE_SEQ) {
                describe(cur, got, sizeof got);
                diag_error(c->d, pos, "%s is %s, not a list", w ? where : "the document", got);
                return false;
            }
            uint32_t idx = 0;
            if (s->kind == SEG_INDEX) {
                idx = s->index;
                if (idx > cur->n || (idx == cur->n && !last)) {
                    diag_error(c->d, pos, "index %u is out of range: %s has %u item%s", idx, where,
                               cur->n, cur->n == 1 ? "" : "s");
                    return false;
                }
            } else {
                while (idx < cur->n) {
                    const YNode *nm = ymap_get(cur->items[idx], "name");
                    if (nm && nm->kind == YNODE_SCALAR && !strcmp(nm->text, s->text)) break;
                    idx++;
                }
                if (idx == cur->n) {
                    diag_error(c->d, pos, "no item named \"%s\" in %s", s->text, where);
                    return false;
                }
            }
            w += (size_t)snprintf(where + w, sizeof where - w, "[%s]", s->text);
            if (last) {
                if (idx == cur->n) {
                    yseq_push(c, cur, value);
                } else {
                    value->parent = cur;
                    value->key = NULL;
                    value->index = idx;
                    cur->items[idx] = value;
                }
                return true;
            }
            cur = cur->items[idx];
        }
        if (w >= sizeof where) w = sizeof where - 1;
    }
    return true;
}

/* ---- aliases ------------------------------------------------------------------- */

static int ds_field_of(const char *s)
{
    for (size_t i = 0; i < DS_ARRAY_LEN(ds_fields); i++)
        if (!strcmp(s, ds_fields[i])) return (int)i;
    return -1;
}

/* NAME.field with NAME not the start of a scenario path. */
static bool split_ds_alias(const char *key, char *name, size_t size, int *field)
{
    if ((*field = ds_field_of(key)) >= 0) {
        name[0] = '\0';
        return true;
    }
    const char *dot = strrchr(key, '.');
    if (!dot || dot == key || strchr(key, '[') || strchr(key, '"')) return false;
    if ((*field = ds_field_of(dot + 1)) < 0) return false;
    size_t len = (size_t)(dot - key);
    static const char *const roots[] = {"spec", "metadata", "apiVersion", "kind"};
    for (size_t i = 0; i < DS_ARRAY_LEN(roots); i++) {
        size_t rl = strlen(roots[i]);
        if (!strncmp(key, roots[i], rl) && (key[rl] == '.' || key[rl] == '\0' || rl == len))
            return false;
    }
    if (len >= size) return false;
    memcpy(name, key, len);
    name[len] = '\0';
    return true;
}

static bool value_is_zero(const YNode *v)
{
    return v->kind == YNODE_SCALAR && (!strcmp(v->text, "0") || !strcmp(v->text, "0%"));
}

static void push_ds_override(Loader *L, const char *ds, int field, YNode *value, SrcPos pos,
                             bool used)
{
    DsOverride o = {ds, ds_fields[field], value, pos, used};
    VEC_PUSH(L->dso, o);
}

/* The surge rule (see the file comment), per target DaemonSet name. */
static void add_implied(Loader *L)
{
    size_t n = L->dso.n;
    for (size_t i = 0; i < n; i++) {
        const DsOverride *o = &L->dso.v[i];
        int field = ds_field_of(o->field);
        if (field > 1 || value_is_zero(o->value)) continue;
        int other = 1 - field;
        bool set = false;
        for (size_t j = 0; j < n && !set; j++) {
            const DsOverride *p = &L->dso.v[j];
            set = ds_field_of(p->field) == other &&
                  (p->ds == o->ds || (p->ds && o->ds && !strcmp(p->ds, o->ds)));
        }
        if (set) continue;
        YNode *zero = ynode_new_scalar(&L->c, "0", YSTYLE_PLAIN, o->pos);
        push_ds_override(L, o->ds, other, zero, o->pos, true);
    }
}

bool override_apply_one(Loader *L, YNode *root, const char *key, YNode *value, SrcPos pos)
{
    YCtx *c = &L->c;
    char name[128];
    int field;
    if (!strcmp(key, "seed")) return apply_path(L, root, "spec.seed", value, pos);
    if (!strcmp(key, "nodes")) {
        YNode *pools = ymap_get(ymap_get(ymap_get(root, "spec"), "cluster"), "nodePools");
        if (!pools || pools->kind != YNODE_SEQ || pools->n == 0) {
            diag_error(c->d, pos, "the scenario has no node pools to resize");
            return false;
        }
        return apply_path(L, root, "spec.cluster.nodePools[0].count", value, pos);
    }
    if (split_ds_alias(key, name, sizeof name, &field)) {
        const char *ds = name[0] ? arena_strdup(c->out, name) : NULL;
        push_ds_override(L, ds, field, value, pos, false);
        return true;
    }
    return apply_path(L, root, key, value, pos);
}

bool override_apply_tree(Loader *L, YNode *root, const Override *ovr, size_t n)
{
    YCtx *c = &L->c;
    /* the strategy first: the other overrides change the variant's scenario */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            const char *key = ovr[i].key ? ovr[i].key : "";
            if (variant_is_key(key) != (pass == 0)) continue;
            size_t klen = strlen(key);
            char *label = arena_alloc(c->out, klen + 8);
            snprintf(label, klen + 8, "--set %s", key);
            SrcPos pos = {label, 0, 0};
            if (!*key) {
                diag_error(c->d, pos, "empty key (expected --set KEY=VALUE)");
                return false;
            }
            YNode *value = ydoc_parse_value(c, ovr[i].value ? ovr[i].value : "", pos);
            if (!value) return false;
            bool ok = pass == 0 ? variant_apply(L, root, value, pos)
                                : override_apply_one(L, root, key, value, pos);
            if (!ok) return false;
        }
    }
    add_implied(L);
    return true;
}

static void set_ds_field(Loader *L, YNode *manifest, const DsOverride *o)
{
    YCtx *c = &L->c;
    YNode *spec = ymap_child_map(c, manifest, "spec", o->pos);
    if (!spec) return;      /* not a mapping: validation says so */
    YNode *value = ynode_copy(c, o->value, NULL, NULL, 0);
    if (!strcmp(o->field, "minReadySeconds")) {
        ymap_set(c, spec, o->field, value, o->pos);
        return;
    }
    YNode *us = ymap_child_map(c, spec, "updateStrategy", o->pos);
    YNode *ru = us ? ymap_child_map(c, us, "rollingUpdate", o->pos) : NULL;
    if (ru) ymap_set(c, ru, o->field, value, o->pos);
}

bool override_apply_ds(Loader *L, YNode *manifest)
{
    const YNode *nm = ymap_get(ymap_get(manifest, "metadata"), "name");
    const char *name = nm && nm->kind == YNODE_SCALAR ? nm->text : "";
    /* Unprefixed first, so that NAME.field wins for its DaemonSet. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < L->dso.n; i++) {
            DsOverride *o = &L->dso.v[i];
            if (pass == 0 ? o->ds != NULL : (o->ds == NULL || strcmp(o->ds, name))) continue;
            set_ds_field(L, manifest, o);
            o->used = true;
        }
    }
    return true;
}

bool override_check_used(Loader *L)
{
    for (size_t i = 0; i < L->dso.n; i++) {
        const DsOverride *o = &L->dso.v[i];
        if (o->used) continue;
        if (o->ds)
            diag_error(L->c.d, o->pos, "no DaemonSet named \"%s\"", o->ds);
        else
            diag_error(L->c.d, o->pos, "the scenario has no DaemonSet to apply it to");
        return false;
    }
    return true;
}

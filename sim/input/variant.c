/* variant.c: named strategies (`spec.variants`) and their selection with
 * `--set strategy=NAME|FILE` (a sweep varies it like any other key).
 *
 * A variant is a set of overrides with a name in words:
 *
 *   variants:
 *     - name: maxUnavailable 5%
 *       set: {maxUnavailable: 5%}
 *
 * Its `set` keys are exactly the keys --set takes (aliases or scenario
 * paths) and its values are YAML nodes of the scenario file, so a value
 * the scenario rejects is reported at its own file:line:col. The variant is
 * applied to the tree before every other override, so an explicit --set of
 * another key still wins. A FILE (a value naming no variant and ending in
 * .yaml or .yml) is either a variant of its own (`name:` and `set:`, as one
 * item of the list) or a DaemonSet manifest that replaces the manifest of
 * the scenario's DaemonSet with the same metadata.name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

/* The one key that selects a variant. */
#define VARIANT_KEY "strategy"

bool variant_is_key(const char *key) { return !strcmp(key, VARIANT_KEY); }

static const YNode *variants_of(const YNode *root)
{
    return ymap_get(ymap_get(root, "spec"), "variants");
}

static bool ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a > b && !strcmp(s + a - b, tail);
}

static bool v_name(YCtx *c, const YNode *n, void *dst)
{
    const char *s;
    if (!yget_str(c, n, &s)) return false;
    if (!*s) {
        yerr(c, n, "a variant's name cannot be empty (it labels the charts)");
        return false;
    }
    *(const char **)dst = s;
    return true;
}

typedef struct {
    const char *name;
} VariantIn;

/* One item: {name, description?, set}. */
static bool variant_check(YCtx *c, const YNode *item, const char **name, const YNode **set)
{
    static const YField fields[] = {
        YFIELD("name", v_name, VariantIn, name, YF_REQUIRED),
        {"description", yf_ignore, 0, 0},
        YFIELD_CALLER("set", YF_REQUIRED),
    };
    VariantIn in = {0};
    const YNode *found[3];
    if (!ymap_walk(c, item, fields, DS_ARRAY_LEN(fields), &in, 0, found)) return false;
    if (!yget_map(c, found[2])) return false;
    for (uint32_t i = 0; i < found[2]->n; i++) {
        const YNode *k = found[2]->pairs[i].key;
        if (variant_is_key(k->text)) {
            yerr(c, k, "a variant cannot choose another variant");
            return false;
        }
    }
    *name = in.name;
    *set = found[2];
    return true;
}

bool variants_check(Loader *L, const YNode *list)
{
    YCtx *c = &L->c;
    if (!yget_seq(c, list)) return false;
    L->s->variants = arena_alloc(c->out, (list->n ? list->n : 1) * sizeof *L->s->variants);
    L->s->nvariants = 0;
    for (uint32_t i = 0; i < list->n; i++) {
        const char *name;
        const YNode *set;
        if (!variant_check(c, list->items[i], &name, &set)) return false;
        for (uint32_t j = 0; j < i; j++) {
            const YNode *other = ymap_get(list->items[j], "name");
            if (strcmp(other->text, name)) continue;
            const YNode *nn = ymap_get(list->items[i], "name");
            yerr(c, nn, "variant \"%s\" is already defined at line %d", name, other->pos.line);
            return false;
        }
        L->s->variants[L->s->nvariants++] = arena_strdup(c->out, name);
    }
    return true;
}

bool scenario_check_variants(const Scenario *s, const Override *ovr, size_t novr, Diag *d,
                             const char **bad)
{
    for (size_t i = 0; i < novr; i++)
        if (variant_is_key(ovr[i].key)) return true;    /* one is chosen: it was checked */
    Override *all = xcalloc(novr + 1, sizeof *all);
    if (novr) memcpy(all, ovr, novr * sizeof *all);
    bool ok = true;
    for (uint32_t v = 0; v < s->nvariants && ok; v++) {
        all[novr] = (Override){VARIANT_KEY, s->variants[v]};
        diag_init(d);
        Scenario *one = scenario_load(s->path, all, novr + 1, d);
        ok = one != NULL;
        if (!ok) *bad = s->variants[v];
        scenario_free(one);
    }
    free(all);
    return ok;
}

/* Applies every entry of a variant's `set` mapping through the --set
 * machinery; the values keep their own positions. */
static bool apply_set(Loader *L, YNode *root, const YNode *set)
{
    for (uint32_t i = 0; i < set->n; i++) {
        const YNode *k = set->pairs[i].key;
        YNode *v = ynode_copy(&L->c, set->pairs[i].value, NULL, NULL, 0);
        if (!override_apply_one(L, root, k->text, v, k->pos)) return false;
    }
    return true;
}

/* A variant file: a variant mapping, or a DaemonSet manifest. */
static bool apply_file(Loader *L, YNode *root, const char *path, SrcPos pos)
{
    YCtx *c = &L->c;
    YFile f;
    if (!ydoc_load_file(c, path, pos, &f)) return false;
    if (f.ndocs != 1) {
        yerr_at(c, pos, "%s: a variant file holds one YAML document, found %u", path, f.ndocs);
        return false;
    }
    YNode *doc = f.docs[0];
    if (doc->kind == YNODE_MAP && !strcmp(manifest_kind(doc), "DaemonSet")) {
        const YNode *nm = ymap_get(ymap_get(doc, "metadata"), "name");
        if (!nm || nm->kind != YNODE_SCALAR || !*nm->text) {
            yerr(c, doc, "a DaemonSet manifest used as a variant needs metadata.name (it "
                         "names the DaemonSet it replaces)");
            return false;
        }
        L->variant_manifest = doc;
        /* the file's name without folder and extension */
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        size_t len = strlen(base) - (ends_with(base, ".yml") ? 4 : 5);
        L->s->variant = arena_strndup(c->out, base, len);
        return true;
    }
    const char *name;
    const YNode *set;
    if (!variant_check(c, doc, &name, &set)) return false;
    L->s->variant = arena_strdup(c->out, name);
    return apply_set(L, root, set);
}

bool variant_apply(Loader *L, YNode *root, const YNode *value, SrcPos pos)
{
    YCtx *c = &L->c;
    if (L->s->variant) {
        yerr_at(c, pos, "only one strategy can be chosen");
        return false;
    }
    const char *want;
    if (!yget_str(c, value, &want)) return false;
    const YNode *list = variants_of(root);
    if (list && list->kind == YNODE_SEQ) {
        if (!variants_check(L, list)) return false;
        for (uint32_t i = 0; i < list->n; i++) {
            const YNode *item = list->items[i];
            if (strcmp(ymap_get(item, "name")->text, want)) continue;
            L->s->variant = arena_strdup(c->out, want);
            return apply_set(L, root, ymap_get(item, "set"));
        }
    }
    if (ends_with(want, ".yaml") || ends_with(want, ".yml")) return apply_file(L, root, want, pos);
    char names[512];
    size_t w = 0;
    names[0] = '\0';
    for (uint32_t i = 0; list && list->kind == YNODE_SEQ && i < list->n && w < sizeof names; i++)
        w += (size_t)snprintf(names + w, sizeof names - w, "%s\"%s\"", i ? ", " : "",
                              ymap_get(list->items[i], "name")->text);
    if (list && list->kind == YNODE_SEQ && list->n)
        yerr(c, list, "no variant named \"%s\" (the variants are %s)", want, names);
    else
        yerr_at(c, pos, "no variant named \"%s\": the scenario declares no spec.variants, and a "
                        "variant file must end in .yaml or .yml", want);
    return false;
}

YNode *variant_manifest(Loader *L, YNode *tree)
{
    if (!L->variant_manifest) return tree;
    const YNode *a = ymap_get(ymap_get(tree, "metadata"), "name");
    const YNode *b = ymap_get(ymap_get(L->variant_manifest, "metadata"), "name");
    if (!a || a->kind != YNODE_SCALAR || strcmp(a->text, b->text)) return tree;
    L->variant_manifest_used = true;
    return L->variant_manifest;
}

bool variant_check_used(Loader *L)
{
    if (!L->variant_manifest || L->variant_manifest_used) return true;
    const YNode *nm = ymap_get(ymap_get(L->variant_manifest, "metadata"), "name");
    yerr(&L->c, nm, "the scenario has no DaemonSet named \"%s\" for this manifest to replace",
         nm->text);
    return false;
}

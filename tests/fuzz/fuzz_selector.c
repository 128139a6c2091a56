/* fuzz_selector.c: label selectors and node-selector terms from bytes.
 *
 * The input is one YAML node. A mapping becomes the `spec.selector` of one
 * DaemonSet and the single node-selector term of another's required node
 * affinity; a sequence becomes the list of terms. Whatever parses is then
 * matched against a few label sets (labels.c), so both the requirement checks
 * of manifest.c (ValidateLabelSelectorRequirement and friends) and the
 * matchers run on every shape the parser accepts. */
#include "daemonsim/labels.h"
#include "fuzz.h"
#include "manifest.h"
#include "ydoc.h"

static const char base[] =
    "apiVersion: apps/v1\n"
    "kind: DaemonSet\n"
    "metadata: {name: fuzz}\n"
    "spec:\n"
    "  selector: {matchLabels: {app: web}}\n"
    "  template:\n"
    "    metadata: {labels: {app: web, tier: \"3\"}}\n"
    "    spec:\n"
    "      containers: [{name: c, image: busybox}]\n";

static void match_all(YCtx *c, const DaemonSetSpec *ds)
{
    static const char *const sets[][2] = {
        {"app", "web"}, {"tier", "3"}, {"kubernetes.io/os", "linux"}, {"zone", "10"},
    };
    Label labels[DS_ARRAY_LEN(sets)];
    for (uint32_t n = 0; n <= DS_ARRAY_LEN(sets); n++) {
        for (uint32_t i = 0; i < n; i++)
            labels[i] = (Label){strtab_intern(c->strs, sets[i][0]),
                                strtab_intern(c->strs, sets[i][1])};
        labels_normalize(labels, n);
        (void)selector_matches(&ds->selector, labels, n, c->strs);
        (void)node_affinity_matches(&ds->template_.affinity, labels, n,
                                    strtab_intern(c->strs, "node-1"), c->strs);
    }
}

/* Parses the base manifest with `value` placed at spec.selector (as_terms
 * false) or as the node affinity's terms. */
static void try_manifest(YCtx *c, const YNode *value, bool as_terms)
{
    YFile f;
    if (!ydoc_load_text(c, "base.yaml", base, sizeof base - 1, &f)) return;
    YNode *root = f.docs[0];
    SrcPos at = root->pos;
    YNode *spec = ymap_child_map(c, root, "spec", at);
    if (as_terms) {
        YNode *terms = value->kind == YNODE_SEQ ? ynode_copy(c, value, NULL, NULL, 0) : NULL;
        if (!terms) {
            terms = ynode_new_seq(c, at);
            yseq_push(c, terms, ynode_copy(c, value, terms, NULL, 0));
        }
        YNode *pod = ymap_child_map(c, ymap_child_map(c, spec, "template", at), "spec", at);
        YNode *aff = ymap_child_map(c, ymap_child_map(c, pod, "affinity", at), "nodeAffinity", at);
        YNode *req = ymap_child_map(c, aff, "requiredDuringSchedulingIgnoredDuringExecution", at);
        ymap_set(c, req, "nodeSelectorTerms", terms, at);
    } else {
        ymap_set(c, spec, "selector", ynode_copy(c, value, spec, "selector", 0), at);
    }
    DaemonSetSpec ds;
    if (manifest_parse(c, root, NULL, &ds)) match_all(c, &ds);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Diag d;
    diag_init(&d);
    Arena tmp = {0}, out = {0};
    YCtx c = {.d = &d, .tmp = &tmp, .out = &out, .strs = strtab_new()};
    char *text = arena_strndup(&out, (const char *)data, size);
    YFile f;
    if (ydoc_load_text(&c, "selector.yaml", text, size, &f) && f.ndocs > 0) {
        const YNode *v = f.docs[0];
        if (v->kind == YNODE_MAP) {
            try_manifest(&c, v, false);
            diag_init(&d);
        }
        try_manifest(&c, v, true);
    }
    strtab_free(c.strs);
    arena_free(&tmp);
    arena_free(&out);
    return 0;
}

/* scenario_events.c: the `events` and `expect` sections (docs/scenario-format.md).
 *
 * An event is a mapping with `at:` or `every:` (plus `until:`) and exactly
 * one action key. Node actions are parsed as they come. DaemonSet lifecycle
 * actions (create, update, restart, rollback, delete) are resolved in a
 * second pass in time order, because each one applies to the DaemonSet as
 * the earlier ones left it: an updateDaemonSet patch is a JSON merge patch
 * on the manifest of the previous revision, re-validated into a new spec.
 * Revision numbers are followed the way the controller numbers them
 * (docs/behaviour.md §12: a template equal to an old revision reuses it
 * under the next number) so that a rollback's target is known and later
 * updates build on it. References to pools, nodes and DaemonSets are checked
 * here and reported at the reference. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemonsim/dist.h"
#include "loader.h"

/* ---- node targets ----------------------------------------------------------------- */

typedef struct {
    Loader *L;
    NodeTarget t;
    const YNode *count_node;
} TargetIn;

static bool is_imported_node(const Loader *L, Sym name)
{
    for (size_t i = L->ndeclared; i < L->pools.n; i++)
        if (L->pools.v[i].node_name == name) return true;
    return false;
}

/* A node name is an imported node's or POOL-N of a declared pool. */
static bool known_node_name(const Loader *L, const char *s, Sym sym)
{
    if (is_imported_node(L, sym)) return true;
    const char *dash = strrchr(s, '-');
    if (!dash || !dash[1]) return false;
    for (const char *p = dash + 1; *p; p++)
        if (*p < '0' || *p > '9') return false;
    char buf[256];
    size_t n = (size_t)(dash - s);
    if (n >= sizeof buf) return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    Sym pool = strtab_find(L->c.strs, buf);
    if (pool == SYM_NONE) return false;
    int32_t i = loader_find_pool(L, pool);
    return i >= 0 && (uint32_t)i < L->ndeclared;
}

static bool tg_pool(YCtx *c, const YNode *n, void *dst)
{
    TargetIn *in = dst;
    if (!yget_sym(c, n, &in->t.pool)) return false;
    if (loader_find_pool(in->L, in->t.pool) < 0) {
        yerr(c, n, "unknown pool \"%s\"", n->text);
        return false;
    }
    return true;
}

static bool tg_names(YCtx *c, const YNode *n, void *dst)
{
    TargetIn *in = dst;
    if (n->kind == YNODE_SCALAR) {
        yerr(c, n, "expected a sequence of node names, got a string; write names: [%s]", n->text);
        return false;
    }
    if (!yget_seq(c, n)) return false;
    Sym *v = arena_alloc(c->out, (n->n ? n->n : 1) * sizeof *v);
    for (uint32_t i = 0; i < n->n; i++) {
        const char *s;
        if (!yget_str(c, n->items[i], &s)) return false;
        v[i] = strtab_intern(c->strs, s);
        if (!known_node_name(in->L, s, v[i])) {
            yerr(c, n->items[i], "unknown node \"%s\": not an imported node and not POOL-N of a "
                                 "node pool (like workers-0)", s);
            return false;
        }
    }
    in->t.names = v;
    in->t.nnames = n->n;
    return true;
}

static bool tg_labels(YCtx *c, const YNode *n, void *dst)
{
    TargetIn *in = dst;
    return k8s_parse_labels(c, n, &in->t.match_labels, &in->t.nmatch_labels);
}

static bool tg_count(YCtx *c, const YNode *n, void *dst)
{
    TargetIn *in = dst;
    if (!yf_u32(c, n, &in->t.count)) return false;
    in->t.has_count = true;
    in->count_node = n;
    return true;
}

static bool tg_fraction(YCtx *c, const YNode *n, void *dst)
{
    TargetIn *in = dst;
    if (!yget_double(c, n, &in->t.fraction)) return false;
    if (!(in->t.fraction > 0 && in->t.fraction <= 1)) {
        yerr(c, n, "must be in (0, 1], got %s", n->text);
        return false;
    }
    if (in->t.has_count) {
        yerr(c, n, "give count: or fraction:, not both");
        return false;
    }
    in->t.has_fraction = true;
    return true;
}

static bool parse_target(Loader *L, const YNode *n, NodeTarget *out)
{
    static const YField fields[] = {
        {"pool", tg_pool, 0, 0},
        {"names", tg_names, 0, 0},
        {"matchLabels", tg_labels, 0, 0},
        {"count", tg_count, 0, 0},
        {"fraction", tg_fraction, 0, 0},
    };
    TargetIn in = {.L = L};
    in.t.pool = SYM_NONE;
    in.t.pos = n->pos;
    if (!ymap_walk(&L->c, n, fields, DS_ARRAY_LEN(fields), &in, 0, NULL)) return false;
    if (in.t.has_count && in.t.has_fraction) {
        yerr(&L->c, in.count_node, "give count: or fraction:, not both");
        return false;
    }
    *out = in.t;
    return true;
}

/* ---- action arguments -------------------------------------------------------------- */

/* Handlers receive the event's Action through this wrapper. */
typedef struct {
    Loader *L;
    Action *a;
    const YNode *name_node;
} ActIn;

static bool ar_nodes(YCtx *c, const YNode *n, void *dst)
{
    ActIn *in = dst;
    return parse_target(c->user, n, &in->a->nodes);
}

static bool ar_pool(YCtx *c, const YNode *n, void *dst)
{
    ActIn *in = dst;
    if (!yget_sym(c, n, &in->a->pool)) return false;
    int32_t i = loader_find_pool(in->L, in->a->pool);
    if (i < 0) {
        yerr(c, n, "unknown pool \"%s\"", n->text);
        return false;
    }
    if ((uint32_t)i >= in->L->ndeclared) {
        yerr(c, n, "pool \"%s\" holds imported nodes; addNodes needs a pool from nodePools",
             n->text);
        return false;
    }
    return true;
}

static bool ar_count(YCtx *c, const YNode *n, void *dst)
{
    ActIn *in = dst;
    int64_t v;
    if (!yget_int(c, n, 1, UINT32_MAX, &v)) return false;
    in->a->count = (uint32_t)v;
    return true;
}

static bool ar_for(YCtx *c, const YNode *n, void *dst)
{
    ActIn *in = dst;
    in->a->has_for = true;
    return loader_parse_dist(c->user, n, &in->a->for_);
}

/* nodeNotReady {reporting: true}: the kubelet stays up and posts Ready=False. */
static bool ar_reporting(YCtx *c, const YNode *n, void *dst)
{
    ActIn *in = dst;
    return yget_bool(c, n, &in->a->kubelet_reports);
}

static bool ar_reason(YCtx *c, const YNode *n, void *dst)
{
    ActIn *in = dst;
    const char *s;
    if (!yget_str(c, n, &s)) return false;
    in->a->reason = strtab_intern(c->strs, s);
    return true;
}

static bool ar_taint(YCtx *c, const YNode *n, void *dst)
{
    ActIn *in = dst;
    return k8s_parse_taint(c, n, &in->a->taint);
}

static bool ar_key(YCtx *c, const YNode *n, void *dst)
{
    ActIn *in = dst;
    const char *s, *err;
    if (!yget_str(c, n, &s)) return false;
    if ((err = k8s_check_label_key(s))) {
        yerr(c, n, "invalid taint key \"%s\": %s", s, err);
        return false;
    }
    in->a->key = strtab_intern(c->strs, s);
    return true;
}

static bool ar_effect(YCtx *c, const YNode *n, void *dst)
{
    ActIn *in = dst;
    in->a->has_effect = true;
    return k8s_parse_effect(c, n, false, &in->a->effect);
}

static bool ar_labels(YCtx *c, const YNode *n, void *dst)
{
    ActIn *in = dst;
    return k8s_parse_labels(c, n, &in->a->labels, &in->a->nlabels);
}

static bool ar_keys(YCtx *c, const YNode *n, void *dst)
{
    ActIn *in = dst;
    if (!yget_seq(c, n)) return false;
    Sym *v = arena_alloc(c->out, (n->n ? n->n : 1) * sizeof *v);
    for (uint32_t i = 0; i < n->n; i++) {
        const char *s, *err;
        if (!yget_str(c, n->items[i], &s)) return false;
        if ((err = k8s_check_label_key(s))) {
            yerr(c, n->items[i], "invalid label key \"%s\": %s", s, err);
            return false;
        }
        v[i] = strtab_intern(c->strs, s);
    }
    in->a->keys = v;
    in->a->nkeys = n->n;
    return true;
}

static bool ar_ds_name(YCtx *c, const YNode *n, void *dst)
{
    ActIn *in = dst;
    in->name_node = n;
    return yget_sym(c, n, &in->a->ds_name);
}

static bool ar_to_revision(YCtx *c, const YNode *n, void *dst)
{
    ActIn *in = dst;
    return yget_int(c, n, 0, INT64_MAX, &in->a->to_revision);
}

static bool ar_cascade(YCtx *c, const YNode *n, void *dst)
{
    static const char *const names[] = {"background", "orphan"};
    ActIn *in = dst;
    int i;
    if (!yget_enum(c, n, names, 2, &i)) return false;
    in->a->orphan = i == 1;
    return true;
}

#define NODES_REQ {"nodes", ar_nodes, 0, YF_REQUIRED}
static const YField args_add_nodes[] = {{"pool", ar_pool, 0, YF_REQUIRED},
                                        {"count", ar_count, 0, YF_REQUIRED}};
static const YField args_nodes[] = {NODES_REQ};
static const YField args_not_ready[] = {NODES_REQ, {"for", ar_for, 0, 0},
                                        {"reporting", ar_reporting, 0, 0},
                                        {"reason", ar_reason, 0, 0}};
static const YField args_taint[] = {NODES_REQ, {"taint", ar_taint, 0, YF_REQUIRED}};
static const YField args_untaint[] = {NODES_REQ, {"key", ar_key, 0, YF_REQUIRED},
                                      {"effect", ar_effect, 0, 0}};
static const YField args_label[] = {NODES_REQ, {"labels", ar_labels, 0, YF_REQUIRED}};
static const YField args_unlabel[] = {NODES_REQ, {"keys", ar_keys, 0, YF_REQUIRED}};
/* Checked again in the DaemonSet pass; here only names are read. */
static const YField args_create[] = {{"file", yf_ignore, 0, 0}, {"manifest", yf_ignore, 0, 0},
                                     {"timing", yf_ignore, 0, 0}};
static const YField args_update[] = {{"name", ar_ds_name, 0, YF_REQUIRED},
                                     {"image", yf_ignore, 0, 0}, {"container", yf_ignore, 0, 0},
                                     {"patch", yf_ignore, 0, 0}, {"failure", yf_ignore, 0, 0}};
static const YField args_patch[] = {{"name", ar_ds_name, 0, YF_REQUIRED},
                                    {"patch", yf_ignore, 0, YF_REQUIRED},
                                    {"image", yf_ignore, 0, 0}, {"container", yf_ignore, 0, 0},
                                    {"failure", yf_ignore, 0, 0}};
static const YField args_rollback[] = {{"name", ar_ds_name, 0, YF_REQUIRED},
                                       {"toRevision", ar_to_revision, 0, 0}};
static const YField args_name[] = {{"name", ar_ds_name, 0, YF_REQUIRED}};
static const YField args_delete[] = {{"name", ar_ds_name, 0, YF_REQUIRED},
                                     {"cascade", ar_cascade, 0, 0}};
static const YField args_kill[] = {{"daemonSet", ar_ds_name, 0, YF_REQUIRED}, NODES_REQ};

static const struct {
    const YField *fields;
    size_t n;
    bool lifecycle;         /* resolved in the DaemonSet pass; may not repeat */
} action_args[ACT__COUNT] = {
#define AA(k, tab, lc) [ACT_##k] = {tab, DS_ARRAY_LEN(tab), lc}
    AA(ADD_NODES, args_add_nodes, false),
    AA(REMOVE_NODES, args_nodes, false),
    AA(NODE_NOT_READY, args_not_ready, false),
    AA(NODE_READY, args_nodes, false),
    AA(CORDON, args_nodes, false),
    AA(UNCORDON, args_nodes, false),
    AA(TAINT, args_taint, false),
    AA(UNTAINT, args_untaint, false),
    AA(LABEL, args_label, false),
    AA(UNLABEL, args_unlabel, false),
    AA(CREATE_DS, args_create, true),
    AA(UPDATE_DS, args_update, true),
    AA(PATCH_DS, args_patch, true),
    AA(ROLLBACK, args_rollback, true),
    AA(RESTART_DS, args_name, true),
    AA(DELETE_DS, args_delete, true),
    AA(KILL_PODS, args_kill, false),
#undef AA
};

/* ---- the event mapping -------------------------------------------------------------- */

/* Per event, what the DaemonSet pass needs. */
typedef struct {
    const YNode *args;
    const YNode *name_node;
    uint32_t action;
} Pending;

typedef VEC(Pending) PendingVec;

enum { EVF_AT, EVF_EVERY, EVF_UNTIL, EVF_ACTIONS };

#define ACTION_FIELD(k, s) YFIELD_CALLER(s, 0),
static const YField event_fields[] = {
    YFIELD_CALLER("at", 0),
    YFIELD_CALLER("every", 0),
    YFIELD_CALLER("until", 0),
    SCENARIO_ACTIONS(ACTION_FIELD)
};
#undef ACTION_FIELD

static bool parse_event(Loader *L, const YNode *n, PendingVec *pending)
{
    YCtx *c = &L->c;
    const YNode *f[DS_ARRAY_LEN(event_fields)];
    if (!ymap_walk(c, n, event_fields, DS_ARRAY_LEN(event_fields), NULL, 0, f)) return false;
    int kind = -1;
    for (int k = 0; k < ACT__COUNT; k++) {
        if (!f[EVF_ACTIONS + k]) continue;
        if (kind >= 0) {
            const YPair *p = ymap_pair(n, action_kind_name((ActionKind)k));
            yerr_key(c, n, p->key, "an event has one action, but this one also has %s; write two "
                                   "events", action_kind_name((ActionKind)kind));
            return false;
        }
        kind = k;
    }
    if (kind < 0) {
        char list[320];
        size_t w = 0;
        for (int k = 0; k < ACT__COUNT; k++)
            w += (size_t)snprintf(list + w, sizeof list - w, "%s%s", k ? ", " : "",
                                  action_kind_name((ActionKind)k));
        yerr(c, n, "an event needs one action: %s", list);
        return false;
    }
    Action a = {.kind = (ActionKind)kind, .pos = n->pos, .until = SIM_NEVER, .pool = SYM_NONE,
                .ds_name = SYM_NONE, .reason = strtab_intern(c->strs, "KubeletNotReady")};
    a.nodes.pool = SYM_NONE;
    if (!f[EVF_AT] && !f[EVF_EVERY]) {
        yerr(c, n, "an event needs at: (when it happens) or every: (how often)");
        return false;
    }
    if (f[EVF_AT] && !yget_duration(c, f[EVF_AT], &a.at)) return false;
    a.has_at = f[EVF_AT] != NULL;
    if (f[EVF_EVERY]) {
        if (action_args[kind].lifecycle) {
            yerr(c, f[EVF_EVERY], "%s cannot repeat; write one event per change",
                 action_kind_name((ActionKind)kind));
            return false;
        }
        if (!loader_parse_dist(L, f[EVF_EVERY], &a.every)) return false;
        if (!(dist_mean(&a.every) > 0) || (a.every.has_max && !(a.every.max > 0))) {
            yerr(c, f[EVF_EVERY], "the interval must be greater than 0");
            return false;
        }
        a.repeats = true;
    }
    if (f[EVF_UNTIL]) {
        if (!a.repeats) {
            yerr(c, f[EVF_UNTIL], "until: goes with every:");
            return false;
        }
        if (!yget_duration(c, f[EVF_UNTIL], &a.until)) return false;
        if (a.until < a.at) {
            yerr(c, f[EVF_UNTIL], "must not be before at:");
            return false;
        }
    }
    const YNode *args = f[EVF_ACTIONS + kind];
    ActIn in = {.L = L, .a = &a};
    if (!ymap_walk(c, args, action_args[kind].fields, action_args[kind].n, &in, 0, NULL))
        return false;
    VEC_PUSH(L->actions, a);
    if (action_args[kind].lifecycle || kind == ACT_KILL_PODS)
        VEC_PUSH(*pending, ((Pending){args, in.name_node, (uint32_t)L->actions.n - 1}));
    return true;
}

/* ---- the DaemonSet pass ------------------------------------------------------------- */

static bool chain_alive(const DsChain *ch, SimTime t)
{
    return ch->created <= t && t < ch->deleted;
}

static void list_daemonsets(Loader *L, char *buf, size_t size)
{
    size_t w = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < L->chains.n && w < size; i++) {
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++) dup = L->chains.v[j].name == L->chains.v[i].name;
        if (!dup)
            w += (size_t)snprintf(buf + w, size - w, "%s%s", w ? ", " : "",
                                  strtab_str(L->c.strs, L->chains.v[i].name));
    }
    if (!w) snprintf(buf, size, "none");
}

/* Whether a createDaemonSet event makes a DaemonSet of this name, looking
 * only at names (used to explain an early reference). */
static bool create_makes(Loader *L, const YNode *args, const char *name)
{
    YCtx c = L->c;
    Diag scratch;
    diag_init(&scratch);
    c.d = &scratch;
    const YNode *m = ymap_get(args, "manifest"), *file = ymap_get(args, "file");
    if (m) {
        const YNode *nm = ymap_get(ymap_get(m, "metadata"), "name");
        return nm && nm->kind == YNODE_SCALAR && !strcmp(nm->text, name);
    }
    YFile f;
    if (!file || file->kind != YNODE_SCALAR ||
        !ydoc_load_file(&c, loader_path(L, file->text), file->pos, &f))
        return false;
    for (uint32_t i = 0; i < f.ndocs; i++) {
        const YNode *nm = ymap_get(ymap_get(f.docs[i], "metadata"), "name");
        if (nm && nm->kind == YNODE_SCALAR && !strcmp(nm->text, name)) return true;
    }
    return false;
}

/* The DaemonSet named at `n` as of time t; `later` are the events after it. */
static DsChain *chain_at(Loader *L, const YNode *n, Sym name, SimTime t, const Pending *later,
                         size_t nlater)
{
    DsChain *ch = loader_find_chain(L, name);
    for (size_t i = L->chains.n; i-- > 0;) {
        if (L->chains.v[i].name == name && chain_alive(&L->chains.v[i], t)) return &L->chains.v[i];
    }
    char when[32], list[256];
    units_format_duration(t, when, sizeof when);
    if (!ch) {
        const char *nm = strtab_str(L->c.strs, name);
        for (size_t i = 0; i < nlater; i++) {
            const Action *a = &L->actions.v[later[i].action];
            if (a->kind != ACT_CREATE_DS || !create_makes(L, later[i].args, nm)) continue;
            char c2[32];
            units_format_duration(a->at, c2, sizeof c2);
            yerr(&L->c, n, "DaemonSet \"%s\" does not exist yet at %s (it is created at %s)", nm,
                 when, c2);
            return NULL;
        }
        list_daemonsets(L, list, sizeof list);
        yerr(&L->c, n, "unknown DaemonSet \"%s\" (DaemonSets: %s)", nm, list);
    } else if (t < ch->created) {
        char c2[32];
        units_format_duration(ch->created, c2, sizeof c2);
        yerr(&L->c, n, "DaemonSet \"%s\" does not exist yet at %s (it is created at %s)",
             strtab_str(L->c.strs, name), when, c2);
    } else {
        yerr(&L->c, n, "DaemonSet \"%s\" was deleted before %s", strtab_str(L->c.strs, name), when);
    }
    return NULL;
}

/* Records a template as a revision: an equal old one gets the next number. */
static void chain_record(DsChain *ch, YNode *tree, const char *canonical, uint32_t spec)
{
    int64_t top = 0;
    for (size_t i = 0; i < ch->revs.n; i++) top = DS_MAX(top, ch->revs.v[i].number);
    for (size_t i = 0; i < ch->revs.n; i++) {
        if (!strcmp(ch->revs.v[i].canonical, canonical)) {
            /* Same template as the current revision: a spec-only change keeps its number. */
            if (ch->revs.v[i].number != top) ch->revs.v[i].number = top + 1;
            ch->revs.v[i].tree = tree;
            ch->revs.v[i].spec = spec;
            return;
        }
    }
    VEC_PUSH(ch->revs, ((ChainRev){tree, canonical, spec, top + 1}));
}

typedef struct {
    const YNode *image, *container, *patch, *failure;
} UpdateArgs;

static bool set_image(Loader *L, YNode *tree, const UpdateArgs *u, Sym ds)
{
    YCtx *c = &L->c;
    const char *image, *want = NULL;
    if (!yget_str(c, u->image, &image)) return false;
    if (u->container && !yget_str(c, u->container, &want)) return false;
    YNode *pod = ymap_get(ymap_get(ymap_get(tree, "spec"), "template"), "spec");
    static const char *const lists[] = {"containers", "initContainers"};
    bool found = false;
    char names[256] = "";
    size_t w = 0;
    for (int l = 0; l < 2; l++) {
        YNode *seq = ymap_get(pod, lists[l]);
        if (!seq || seq->kind != YNODE_SEQ) continue;
        for (uint32_t i = 0; i < seq->n; i++) {
            YNode *ctr = seq->items[i];
            if (ctr->kind != YNODE_MAP) continue;
            const YNode *name = ymap_get(ctr, "name");
            const char *nm = name && name->kind == YNODE_SCALAR ? name->text : "";
            if (w < sizeof names)
                w += (size_t)snprintf(names + w, sizeof names - w, "%s%s", w ? ", " : "", nm);
            /* Without container:, every regular container, as `kubectl set image ... *=IMG`. */
            if (want ? strcmp(nm, want) != 0 : l == 1) continue;
            YNode *v = ynode_new_scalar(c, image, YSTYLE_QUOTED, u->image->pos);
            ymap_set(c, ctr, "image", v, u->image->pos);
            found = true;
        }
    }
    if (!found && want) {
        yerr(c, u->container, "DaemonSet \"%s\" has no container \"%s\" (containers: %s)",
             strtab_str(c->strs, ds), want, names);
        return false;
    }
    return true;
}

static bool parse_failure(Loader *L, const YNode *n, Failure *out)
{
    YCtx *c = &L->c;
    static const YField fields[] = {YFIELD_CALLER("probability", 0),
                                    YFIELD_CALLER("mode", YF_REQUIRED)};
    const YNode *f[2];
    if (!ymap_walk(c, n, fields, 2, NULL, 0, f)) return false;
    out->probability = 1;
    if (f[0]) {
        if (!yget_probability(c, f[0], &out->probability)) return false;
    }
    static const char *const modes[] = {"CrashLoopBackOff", "ImagePullBackOff"};
    int m;
    if (!yget_enum(c, f[1], modes, 2, &m)) return false;
    out->mode = m ? FAILURE_IMAGE_PULL : FAILURE_CRASH_LOOP;
    return true;
}

/* Fields an update may not change (apps/v1 ValidateDaemonSetUpdate, §13.2). */
static bool check_immutable(Loader *L, const DaemonSetSpec *old, const DaemonSetSpec *nw,
                            const YNode *tree, const YNode *at)
{
    YCtx *c = &L->c;
    if (old->name != nw->name || old->namespace_ != nw->namespace_) {
        yerr(c, at, "an update cannot change metadata.name or metadata.namespace");
        return false;
    }
    const YNode *sel = ymap_get(ymap_get(tree, "spec"), "selector");
    bool same = old->selector.nlabels == nw->selector.nlabels &&
                old->selector.nexprs == nw->selector.nexprs;
    for (uint32_t i = 0; same && i < old->selector.nlabels; i++)
        same = old->selector.match_labels[i].key == nw->selector.match_labels[i].key &&
               old->selector.match_labels[i].value == nw->selector.match_labels[i].value;
    for (uint32_t i = 0; same && i < old->selector.nexprs; i++) {
        const Requirement *a = &old->selector.exprs[i], *b = &nw->selector.exprs[i];
        same = a->key == b->key && a->op == b->op && a->nvalues == b->nvalues;
        for (uint32_t j = 0; same && j < a->nvalues; j++) same = a->values[j] == b->values[j];
    }
    if (!same) {
        yerr(c, sel ? sel : at, "field is immutable (spec.selector cannot change in apps/v1)");
        return false;
    }
    return true;
}

/* Builds the next revision's tree, validates it and moves the chain on. */
static bool chain_update(Loader *L, DsChain *ch, YNode *tree, const Failure *failure,
                         const YNode *at, Action *a)
{
    uint32_t idx;
    if (!loader_spec_from_tree(L, tree, ch->timing, &idx)) return false;
    if (!check_immutable(L, &L->specs.v[ch->spec], &L->specs.v[idx], tree, at)) return false;
    if (failure) L->specs.v[idx].template_.failure = *failure;
    a->spec = idx;
    ch->tree = tree;
    ch->spec = idx;
    chain_record(ch, tree, L->specs.v[idx].template_.canonical, idx);
    return true;
}

/* updateDaemonSet (a patch of the whole manifest) and patchDaemonSet (a
 * patch of its spec, as `kubectl patch daemonset NAME -p '{"spec": ...}'`;
 * it may leave the template alone and change only the strategy). */
static bool do_update(Loader *L, Action *a, const Pending *p, size_t nlater, bool of_spec)
{
    YCtx *c = &L->c;
    static const YField fields[] = {YFIELD_CALLER("name", 0), YFIELD_CALLER("image", 0),
                                    YFIELD_CALLER("container", 0), YFIELD_CALLER("patch", 0),
                                    YFIELD_CALLER("failure", 0)};
    const YNode *f[5];
    if (!ymap_walk(c, p->args, fields, 5, NULL, 0, f)) return false;
    UpdateArgs u = {f[1], f[2], f[3], f[4]};
    if (!u.image && !u.patch) {
        yerr(c, p->args, "updateDaemonSet needs image: or patch: (a new template)");
        return false;
    }
    if (u.container && !u.image) {
        yerr(c, u.container, "container: goes with image:");
        return false;
    }
    DsChain *ch = chain_at(L, p->name_node, a->ds_name, a->at, p + 1, nlater);
    if (!ch) return false;
    Failure failure = {FAILURE_NONE, 0};
    if (u.failure && !parse_failure(L, u.failure, &failure)) return false;
    YNode *tree;
    if (u.patch) {
        if (u.patch->kind != YNODE_MAP) {
            char got[64];
            ynode_describe(u.patch, got, sizeof got);
            yerr(c, u.patch, "expected a mapping (a JSON merge patch of the manifest), got %s",
                 got);
            return false;
        }
        if (of_spec) {
            tree = ynode_copy(c, ch->tree, NULL, NULL, 0);
            YNode *spec = ynode_merge_patch(c, ymap_get(tree, "spec"), u.patch);
            ymap_set(c, tree, "spec", spec, u.patch->pos);
        } else {
            tree = ynode_merge_patch(c, ch->tree, u.patch);
        }
    } else {
        tree = ynode_copy(c, ch->tree, NULL, NULL, 0);
    }
    if (u.image && !set_image(L, tree, &u, a->ds_name)) return false;
    return chain_update(L, ch, tree, u.failure ? &failure : NULL, u.patch ? u.patch : u.image, a);
}

/* kubectl rollout restart: a template annotation with the time. */
static bool do_restart(Loader *L, Action *a, const Pending *p, size_t nlater)
{
    YCtx *c = &L->c;
    DsChain *ch = chain_at(L, p->name_node, a->ds_name, a->at, p + 1, nlater);
    if (!ch) return false;
    YNode *tree = ynode_copy(c, ch->tree, NULL, NULL, 0);
    YNode *m = ymap_child_map(c, tree, "spec", a->pos);
    if (m) m = ymap_child_map(c, m, "template", a->pos);
    if (m) m = ymap_child_map(c, m, "metadata", a->pos);
    if (m) m = ymap_child_map(c, m, "annotations", a->pos);
    if (!m) {
        yerr(c, p->args, "cannot add the restartedAt annotation: the template is malformed");
        return false;
    }
    /* RFC 3339, counting simulated time from the Unix epoch. */
    time_t secs = (time_t)(a->at / SIM_S);
    struct tm tm;
    char stamp[40];
    gmtime_r(&secs, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    YNode *v = ynode_new_scalar(c, stamp, YSTYLE_QUOTED, a->pos);
    ymap_set(c, m, "kubectl.kubernetes.io/restartedAt", v, a->pos);
    return chain_update(L, ch, tree, NULL, p->args, a);
}

static bool do_rollback(Loader *L, Action *a, const Pending *p, size_t nlater)
{
    YCtx *c = &L->c;
    DsChain *ch = chain_at(L, p->name_node, a->ds_name, a->at, p + 1, nlater);
    if (!ch) return false;
    int64_t cur = 0;
    for (size_t i = 0; i < ch->revs.n; i++)
        if (ch->revs.v[i].spec == ch->spec) cur = ch->revs.v[i].number;
    ChainRev *to = NULL;
    for (size_t i = 0; i < ch->revs.n; i++) {
        ChainRev *r = &ch->revs.v[i];
        if (a->to_revision ? r->number == a->to_revision
                           : (r->number != cur && (!to || r->number > to->number)))
            to = r;
    }
    if (!to) {
        const YNode *at = ymap_get(p->args, "toRevision");
        char when[32];
        units_format_duration(a->at, when, sizeof when);
        if (a->to_revision)
            yerr(c, at ? at : p->args, "DaemonSet \"%s\" has no revision %" PRId64 " at %s "
                                       "(its revisions are 1..%" PRId64 ")",
                 strtab_str(c->strs, a->ds_name), a->to_revision, when, cur);
        else
            yerr(c, p->args, "DaemonSet \"%s\" has no previous revision to roll back to at %s",
                 strtab_str(c->strs, a->ds_name), when);
        return false;
    }
    a->spec = to->spec;
    ch->tree = to->tree;
    ch->spec = to->spec;
    chain_record(ch, to->tree, to->canonical, to->spec);
    return true;
}

static bool do_create(Loader *L, Action *a, const Pending *p)
{
    uint32_t first, count;
    if (!loader_add_daemonsets(L, p->args, a->at, &first, &count)) return false;
    if (count != 1) {
        yerr(&L->c, p->args, "createDaemonSet needs exactly one DaemonSet; the file has %u", count);
        return false;
    }
    a->spec = first;
    a->ds_name = L->specs.v[first].name;
    return true;
}

static int pending_cmp(const void *x, const void *y, const Loader *L)
{
    const Pending *a = x, *b = y;
    SimTime ta = L->actions.v[a->action].at, tb = L->actions.v[b->action].at;
    if (ta != tb) return ta < tb ? -1 : 1;
    return (a->action > b->action) - (a->action < b->action);
}

static bool resolve_daemonsets(Loader *L, Pending *p, size_t n)
{
    /* Insertion sort by (at, file order): few events, and stable. */
    for (size_t i = 1; i < n; i++) {
        Pending x = p[i];
        size_t j = i;
        while (j > 0 && pending_cmp(&p[j - 1], &x, L) > 0) {
            p[j] = p[j - 1];
            j--;
        }
        p[j] = x;
    }
    for (size_t i = 0; i < n; i++) {
        Action *a = &L->actions.v[p[i].action];
        bool ok = true;
        switch (a->kind) {
        case ACT_CREATE_DS: ok = do_create(L, a, &p[i]); break;
        case ACT_UPDATE_DS: ok = do_update(L, a, &p[i], n - i - 1, false); break;
        case ACT_PATCH_DS: ok = do_update(L, a, &p[i], n - i - 1, true); break;
        case ACT_RESTART_DS: ok = do_restart(L, a, &p[i], n - i - 1); break;
        case ACT_ROLLBACK: ok = do_rollback(L, a, &p[i], n - i - 1); break;
        case ACT_DELETE_DS: {
            DsChain *ch = chain_at(L, p[i].name_node, a->ds_name, a->at, &p[i + 1], n - i - 1);
            ok = ch != NULL;
            if (ok) ch->deleted = a->at;
            break;
        }
        case ACT_KILL_PODS:
            /* A repeating killPods only needs the DaemonSet to exist at its start. */
            ok = chain_at(L, p[i].name_node, a->ds_name, a->at, &p[i + 1], n - i - 1) != NULL;
            break;
        case ACT_ADD_NODES:
        case ACT_REMOVE_NODES:
        case ACT_NODE_NOT_READY:
        case ACT_NODE_READY:
        case ACT_CORDON:
        case ACT_UNCORDON:
        case ACT_TAINT:
        case ACT_UNTAINT:
        case ACT_LABEL:
        case ACT_UNLABEL:
        case ACT__COUNT: break;
        }
        if (!ok) return false;
    }
    return true;
}

bool events_parse(Loader *L, const YNode *events)
{
    if (!yget_seq(&L->c, events)) return false;
    PendingVec pending = {0};
    bool ok = true;
    for (uint32_t i = 0; i < events->n && ok; i++) ok = parse_event(L, events->items[i], &pending);
    if (ok) ok = resolve_daemonsets(L, pending.v, pending.n);
    VEC_FREE(pending);
    return ok;
}

/* ---- expectations ---------------------------------------------------------------- */

enum { EXF_AT, EXF_DS, EXF_STATUS, EXF_WITHIN, EXF_PODS_ON, EXF_ALWAYS, EXF__COUNT };

bool loader_ds_ref(Loader *L, const YNode *n, Sym *out)
{
    if (!yget_sym(&L->c, n, out)) return false;
    if (loader_find_chain(L, *out)) return true;
    char list[256];
    list_daemonsets(L, list, sizeof list);
    yerr(&L->c, n, "unknown DaemonSet \"%s\" (DaemonSets: %s)", n->text, list);
    return false;
}

static bool expect_status(Loader *L, const YNode *n, Expect *e)
{
    YCtx *c = &L->c;
    if (!yget_map(c, n)) return false;
    if (n->n == 0) {
        yerr(c, n, "names no status field");
        return false;
    }
    for (uint32_t i = 0; i < n->n; i++) {
        const YNode *k = n->pairs[i].key;
        int f = 0;
        while (f < STATUS__COUNT && strcmp(status_field_name((StatusField)f), k->text)) f++;
        if (f == STATUS__COUNT) {
            char list[320];
            size_t w = 0;
            for (int j = 0; j < STATUS__COUNT; j++)
                w += (size_t)snprintf(list + w, sizeof list - w, "%s%s", j ? ", " : "",
                                      status_field_name((StatusField)j));
            yerr_key(c, n, k, "unknown status field \"%s\"; expected one of: %s", k->text, list);
            return false;
        }
        if (!yget_int(c, n->pairs[i].value, 0, INT64_MAX, &e->field[f])) return false;
        e->has_field[f] = true;
    }
    return true;
}

static bool expect_pods_on(Loader *L, const YNode *n, Expect *e)
{
    static const YField fields[] = {YFIELD_CALLER("nodes", YF_REQUIRED),
                                    YFIELD_CALLER("count", YF_REQUIRED)};
    const YNode *f[2];
    if (!ymap_walk(&L->c, n, fields, 2, NULL, 0, f)) return false;
    return parse_target(L, f[0], &e->nodes) && yf_u32(&L->c, f[1], &e->count);
}

static bool expect_always(Loader *L, const YNode *n, Expect *e)
{
    YCtx *c = &L->c;
    const char *names[INV__COUNT];
    for (int i = 0; i < INV__COUNT; i++) names[i] = invariant_name((Invariant)i);
    if (n->kind == YNODE_SCALAR) {
        int i;
        if (!yget_enum(c, n, names, INV__COUNT, &i)) return false;
        e->invariants |= 1u << i;
        return true;
    }
    if (!yget_seq(c, n)) return false;
    for (uint32_t j = 0; j < n->n; j++) {
        int i;
        if (!yget_enum(c, n->items[j], names, INV__COUNT, &i)) return false;
        e->invariants |= 1u << i;
    }
    return true;
}

static bool parse_expect(Loader *L, const YNode *n)
{
    static const YField fields[EXF__COUNT] = {
        [EXF_AT] = YFIELD_CALLER("at", 0),
        [EXF_DS] = YFIELD_CALLER("daemonSet", 0),
        [EXF_STATUS] = YFIELD_CALLER("status", 0),
        [EXF_WITHIN] = YFIELD_CALLER("rolloutCompleteWithin", 0),
        [EXF_PODS_ON] = YFIELD_CALLER("podsOn", 0),
        [EXF_ALWAYS] = YFIELD_CALLER("always", 0),
    };
    YCtx *c = &L->c;
    const YNode *f[EXF__COUNT];
    if (!ymap_walk(c, n, fields, EXF__COUNT, NULL, 0, f)) return false;
    Expect e = {.pos = n->pos, .ds_name = SYM_NONE};
    e.nodes.pool = SYM_NONE;
    int kinds = !!f[EXF_STATUS] + !!f[EXF_WITHIN] + !!f[EXF_PODS_ON] + !!f[EXF_ALWAYS];
    if (kinds == 0) {
        yerr(c, n, "an expectation needs status:, rolloutCompleteWithin:, podsOn: or always:");
        return false;
    }
    if (kinds > 1) {
        yerr(c, n, "an expectation checks one thing: status:, rolloutCompleteWithin:, podsOn: "
                   "or always:; write one entry for each");
        return false;
    }
    if (f[EXF_AT] && !yget_duration(c, f[EXF_AT], &e.at)) return false;
    if (f[EXF_DS] && !loader_ds_ref(L, f[EXF_DS], &e.ds_name)) return false;
    if (f[EXF_ALWAYS]) {
        e.kind = EXPECT_ALWAYS;
        if (f[EXF_AT] || f[EXF_DS]) {
            yerr(c, f[EXF_AT] ? f[EXF_AT] : f[EXF_DS], "always: takes no at: or daemonSet:");
            return false;
        }
        if (!expect_always(L, f[EXF_ALWAYS], &e)) return false;
    } else if (f[EXF_WITHIN]) {
        e.kind = EXPECT_ROLLOUT_WITHIN;
        if (!f[EXF_DS]) {
            yerr(c, n, "rolloutCompleteWithin needs daemonSet:");
            return false;
        }
        if (f[EXF_AT]) {
            yerr(c, f[EXF_AT], "rolloutCompleteWithin takes no at: (it checks the last rollout)");
            return false;
        }
        if (!yf_duration_pos(c, f[EXF_WITHIN], &e.within)) return false;
    } else if (f[EXF_STATUS]) {
        e.kind = EXPECT_STATUS;
        if (!f[EXF_AT] || !f[EXF_DS]) {
            yerr(c, n, "a status expectation needs at: and daemonSet:");
            return false;
        }
        if (!expect_status(L, f[EXF_STATUS], &e)) return false;
    } else {
        e.kind = EXPECT_PODS_ON;
        if (!f[EXF_AT]) {
            yerr(c, n, "podsOn needs at:");
            return false;
        }
        if (!expect_pods_on(L, f[EXF_PODS_ON], &e)) return false;
    }
    VEC_PUSH(L->expects, e);
    return true;
}

bool expects_parse(Loader *L, const YNode *expect)
{
    if (!yget_seq(&L->c, expect)) return false;
    for (uint32_t i = 0; i < expect->n; i++)
        if (!parse_expect(L, expect->items[i])) return false;
    return true;
}

/* manifest.c: an apps/v1 DaemonSet manifest into a DaemonSetSpec, with the
 * API server's defaulting and validation (docs/behaviour.md §13).
 *
 * Unknown fields anywhere are rejected first by the strict schema walk
 * (schema.h); the tables here then read the fields the model uses, so the
 * ones that change neither placement nor timing pass unread; every key that
 * is read is type-checked. Messages follow
 * upstream's wording ("may not be set when maxUnavailable is non-zero") after
 * the field path. The pod's effective request is, per resource, the larger of
 * the containers' sum and the largest init container, with requests
 * defaulting to limits as the API does; a hostNetwork pod's container ports
 * become host ports. The template's canonical text is the revision identity
 * (§1). */
#include "manifest.h"

#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemonsim/labels.h"

/* ---- Kubernetes syntax ------------------------------------------------------------ */

static bool is_alnum(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* The name part of a qualified name and a label value share one pattern. */
static const char *check_name_part(const char *s, size_t n, const char *what)
{
    static char msg[160];
    if (n > 63) {
        snprintf(msg, sizeof msg, "%s must be no more than 63 characters", what);
        return msg;
    }
    if (n == 0) return NULL;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        bool ok = is_alnum(ch) || ((ch == '-' || ch == '_' || ch == '.') && i > 0 && i + 1 < n);
        if (!ok) {
            snprintf(msg, sizeof msg,
                     "%s must consist of alphanumeric characters, '-', '_' or '.', and must "
                     "start and end with an alphanumeric character", what);
            return msg;
        }
    }
    return NULL;
}

/* RFC 1123 subdomain: lower-case alphanumerics, '-' and '.', alphanumeric at the ends. */
static bool is_dns_subdomain(const char *s, size_t n)
{
    if (n == 0 || n > 253) return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        bool lower = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
        if (!lower && !((ch == '-' || ch == '.') && i > 0 && i + 1 < n)) return false;
    }
    return true;
}

static bool is_dns_label(const char *s)
{
    size_t n = strlen(s);
    return n <= 63 && is_dns_subdomain(s, n) && !strchr(s, '.');
}

const char *k8s_check_label_key(const char *key)
{
    const char *slash = strchr(key, '/');
    const char *name = slash ? slash + 1 : key;
    if (slash) {
        if (strchr(name, '/')) return "a qualified name may contain at most one '/'";
        if (!is_dns_subdomain(key, (size_t)(slash - key)))
            return "prefix part must be a lowercase RFC 1123 subdomain (e.g. 'example.com')";
    }
    if (!*name) return "name part must be non-empty";
    return check_name_part(name, strlen(name), "name part");
}

const char *k8s_check_label_value(const char *value)
{
    return check_name_part(value, strlen(value), "a valid label value");
}

static int label_cmp_key(const void *a, const void *b)
{
    const Label *x = a, *y = b;
    return (x->key > y->key) - (x->key < y->key);
}

bool k8s_parse_labels(YCtx *c, const YNode *n, const Label **out, uint32_t *count)
{
    if (!yget_map(c, n)) return false;
    Label *v = arena_alloc(c->out, (n->n ? n->n : 1) * sizeof *v);
    for (uint32_t i = 0; i < n->n; i++) {
        const YNode *k = n->pairs[i].key, *val = n->pairs[i].value;
        const char *err = k8s_check_label_key(k->text), *s = "";
        if (err) {
            yerr(c, val, "invalid label key \"%s\": %s", k->text, err);
            return false;
        }
        if (!ynode_is_null(val) && !yget_str(c, val, &s)) return false;
        if ((err = k8s_check_label_value(s))) {
            yerr(c, val, "invalid label value \"%s\": %s", s, err);
            return false;
        }
        v[i] = (Label){strtab_intern(c->strs, k->text), strtab_intern(c->strs, s)};
    }
    /* Keys are unique (duplicate YAML keys are rejected); sort for lookups. */
    if (n->n > 1) qsort(v, n->n, sizeof *v, label_cmp_key);
    *out = v;
    *count = n->n;
    return true;
}

bool k8s_parse_effect(YCtx *c, const YNode *n, bool allow_all, TaintEffect *out)
{
    static const char *const names[] = {"NoSchedule", "PreferNoSchedule", "NoExecute", ""};
    static const TaintEffect effects[] = {EFFECT_NO_SCHEDULE, EFFECT_PREFER_NO_SCHEDULE,
                                          EFFECT_NO_EXECUTE, EFFECT_ALL};
    int i;
    if (!yget_enum(c, n, names, allow_all ? 4 : 3, &i)) return false;
    *out = effects[i];
    return true;
}

typedef struct {
    Taint t;
    bool has_effect;
} TaintIn;

static bool taint_key(YCtx *c, const YNode *n, void *dst)
{
    const char *s, *err;
    if (!yget_str(c, n, &s)) return false;
    if ((err = k8s_check_label_key(s))) {
        yerr(c, n, "invalid taint key \"%s\": %s", s, err);
        return false;
    }
    ((TaintIn *)dst)->t.key = strtab_intern(c->strs, s);
    return true;
}

static bool taint_value(YCtx *c, const YNode *n, void *dst)
{
    const char *s, *err;
    if (!yget_str(c, n, &s)) return false;
    if ((err = k8s_check_label_value(s))) {
        yerr(c, n, "invalid taint value \"%s\": %s", s, err);
        return false;
    }
    ((TaintIn *)dst)->t.value = strtab_intern(c->strs, s);
    return true;
}

static bool taint_effect(YCtx *c, const YNode *n, void *dst)
{
    ((TaintIn *)dst)->has_effect = true;
    return k8s_parse_effect(c, n, false, &((TaintIn *)dst)->t.effect);
}

bool k8s_parse_taint(YCtx *c, const YNode *n, Taint *out)
{
    static const YField fields[] = {
        {"key", taint_key, 0, YF_REQUIRED},
        {"value", taint_value, 0, 0},
        {"effect", taint_effect, 0, YF_REQUIRED},
        {"timeAdded", yf_ignore, 0, 0},     /* kubectl output carries it */
    };
    TaintIn in = {{SYM_EMPTY, SYM_EMPTY, EFFECT_NO_SCHEDULE}, false};
    if (!ymap_walk(c, n, fields, DS_ARRAY_LEN(fields), &in, 0, NULL)) return false;
    *out = in.t;
    return true;
}

/* ---- kind and apiVersion ------------------------------------------------------------ */

const char *manifest_kind(const YNode *root)
{
    const YNode *k = ymap_get(root, "kind");
    return k && k->kind == YNODE_SCALAR ? k->text : "";
}

bool manifest_check_kind(YCtx *c, const YNode *root)
{
    if (!yget_map(c, root)) return false;
    const YNode *api = ymap_get(root, "apiVersion"), *kind = ymap_get(root, "kind");
    if (!kind || ynode_is_null(kind)) {
        yerr_at(c, root->pos, "missing required key \"kind\" (expected kind: DaemonSet)");
        return false;
    }
    const char *k;
    if (!yget_str(c, kind, &k)) return false;
    if (strcmp(k, "DaemonSet")) {
        yerr(c, kind, "expected kind DaemonSet, got \"%s\"", k);
        return false;
    }
    if (!api || ynode_is_null(api)) {
        yerr_at(c, root->pos, "missing required key \"apiVersion\" (expected apiVersion: apps/v1)");
        return false;
    }
    const char *a;
    if (!yget_str(c, api, &a)) return false;
    if (!strcmp(a, "apps/v1") || !strcmp(a, KRUISE_API_VERSION)) return true;
    if (!strcmp(a, "extensions/v1beta1") || !strcmp(a, "apps/v1beta2"))
        yerr(c, api, "%s no longer serves DaemonSets (removed in Kubernetes 1.16); use apps/v1, "
                     "which also requires spec.selector", a);
    else
        yerr(c, api, "unsupported apiVersion \"%s\" for a DaemonSet; expected apps/v1 or "
                     KRUISE_API_VERSION, a);
    return false;
}

/* ---- the parse state -------------------------------------------------------------- */

typedef struct {
    const YNode *node;          /* the port entry, for messages */
    const YNode *host_node;
    int32_t container_port;
    int32_t host_port;
    Sym protocol;
    Sym host_ip;                /* SYM_EMPTY: every address (unset or 0.0.0.0) */
} PortIn;

typedef struct {
    YCtx *c;
    const PriorityClasses *pcs;
    DaemonSetSpec *ds;
    /* pod spec */
    Resources sum;              /* containers */
    Resources init_max;         /* the largest init container, per resource */
    VEC(PortIn) ports;
    VEC(Sym) container_names;
    bool image_set;
    const YNode *host_network_node;
    const YNode *priority_class_node;
    /* strategy */
    const YNode *rolling_node, *max_unavailable_node, *max_surge_node;
    const YNode *selector_node, *template_labels_node, *template_node;
} Mf;

typedef struct {
    Mf *mf;
    bool init;
    Resources req, lim;
    bool has_req[2], has_lim[2];    /* cpu, memory */
    const YNode *req_node[2];
} ContainerIn;

/* ---- metadata ---------------------------------------------------------------------- */

static bool md_name(YCtx *c, const YNode *n, void *dst)
{
    Mf *mf = dst;
    const char *s;
    if (!yget_str(c, n, &s)) return false;
    if (!is_dns_subdomain(s, strlen(s))) {
        yerr(c, n, "invalid name \"%s\": a lowercase RFC 1123 subdomain must consist of lower "
                   "case alphanumeric characters, '-' or '.', and must start and end with an "
                   "alphanumeric character", s);
        return false;
    }
    mf->ds->name = strtab_intern(c->strs, s);
    return true;
}

static bool md_namespace(YCtx *c, const YNode *n, void *dst)
{
    Mf *mf = dst;
    const char *s;
    if (!yget_str(c, n, &s)) return false;
    if (!is_dns_label(s)) {
        yerr(c, n, "invalid namespace \"%s\": must be a lowercase RFC 1123 label", s);
        return false;
    }
    mf->ds->namespace_ = strtab_intern(c->strs, s);
    return true;
}

static bool md_labels(YCtx *c, const YNode *n, void *dst)
{
    (void)dst;
    const Label *l;
    uint32_t nl;
    return k8s_parse_labels(c, n, &l, &nl);
}

static bool md_annotations(YCtx *c, const YNode *n, void *dst)
{
    (void)dst;
    if (!yget_map(c, n)) return false;
    for (uint32_t i = 0; i < n->n; i++) {
        const YNode *v = n->pairs[i].value;
        const char *s;
        if (!ynode_is_null(v) && !yget_str(c, v, &s)) return false;
    }
    return true;
}

/* The DaemonSet's own annotations: as md_annotations, and on an Advanced
 * DaemonSet the image pre-download parallelism that Kruise's ImagePullJob
 * reads (apps.kruise.io/image-predownload-parallelism, a positive integer). */
static bool md_ds_annotations(YCtx *c, const YNode *n, void *dst)
{
    Mf *mf = dst;
    if (!md_annotations(c, n, dst)) return false;
    const YNode *v = ymap_get(n, "apps.kruise.io/image-predownload-parallelism");
    if (!v || !mf->ds->kruise.on) return true;
    char *end = NULL;
    long p = ynode_is_null(v) ? 0 : strtol(v->text, &end, 10);
    if (p < 1 || p > INT32_MAX || *end) {
        yerr(c, v, "must be a positive integer (a string, as annotations are), got \"%s\"",
             v->text ? v->text : "");
        return false;
    }
    mf->ds->kruise.predownload_parallelism = (int32_t)p;
    return true;
}

static const YField metadata_fields[] = {
    {"name", md_name, 0, YF_REQUIRED},
    {"namespace", md_namespace, 0, 0},
    {"labels", md_labels, 0, 0},
    {"annotations", md_ds_annotations, 0, 0},
};

/* ---- selectors and affinity ------------------------------------------------------ */

typedef enum { REQ_LABEL_SELECTOR, REQ_NODE_LABELS, REQ_NODE_FIELDS } ReqKind;

typedef struct {
    YCtx *c;
    ReqKind kind;
    Requirement r;
    const YNode *op_node, *values_node;
    bool has_op;
} ReqIn;

static bool req_key(YCtx *c, const YNode *n, void *dst)
{
    ReqIn *in = dst;
    const char *s, *err;
    if (!yget_str(c, n, &s)) return false;
    if (in->kind == REQ_NODE_FIELDS) {
        if (strcmp(s, "metadata.name")) {
            yerr(c, n, "invalid value \"%s\": not a valid field selector key (only metadata.name)",
                 s);
            return false;
        }
    } else if ((err = k8s_check_label_key(s))) {
        yerr(c, n, "invalid label key \"%s\": %s", s, err);
        return false;
    }
    in->r.key = strtab_intern(c->strs, s);
    return true;
}

static bool req_operator(YCtx *c, const YNode *n, void *dst)
{
    static const char *const names[] = {"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"};
    static const SelOp ops[] = {SEL_IN, SEL_NOT_IN, SEL_EXISTS, SEL_DOES_NOT_EXIST, SEL_GT, SEL_LT};
    ReqIn *in = dst;
    size_t count = in->kind == REQ_LABEL_SELECTOR ? 4 : in->kind == REQ_NODE_LABELS ? 6 : 2;
    int i;
    if (!yget_enum(c, n, names, count, &i)) return false;
    in->r.op = ops[i];
    in->op_node = n;
    in->has_op = true;
    return true;
}

static bool req_values(YCtx *c, const YNode *n, void *dst)
{
    ReqIn *in = dst;
    if (!yget_seq(c, n)) return false;
    Sym *v = arena_alloc(c->out, (n->n ? n->n : 1) * sizeof *v);
    for (uint32_t i = 0; i < n->n; i++) {
        const char *s;
        if (!yget_str(c, n->items[i], &s)) return false;
        v[i] = strtab_intern(c->strs, s);
    }
    in->r.values = v;
    in->r.nvalues = n->n;
    in->values_node = n;
    return true;
}

static bool is_integer_text(const char *s)
{
    if (*s == '-' || *s == '+') s++;
    if (!*s) return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return false;
    return true;
}

/* Upstream's checks of one requirement (ValidateLabelSelectorRequirement,
 * ValidateNodeSelectorRequirement, validateNodeFieldSelectorRequirement). */
static bool parse_requirement(YCtx *c, const YNode *n, ReqKind kind, Requirement *out)
{
    static const YField fields[] = {
        {"key", req_key, 0, YF_REQUIRED},
        {"operator", req_operator, 0, YF_REQUIRED},
        {"values", req_values, 0, 0},
    };
    ReqIn in = {.c = c, .kind = kind};
    if (!ymap_walk(c, n, fields, DS_ARRAY_LEN(fields), &in, 0, NULL)) return false;
    const YNode *at = in.values_node ? in.values_node : n;
    switch (in.r.op) {
    case SEL_IN:
    case SEL_NOT_IN:
        if (kind == REQ_NODE_FIELDS && in.r.nvalues != 1) {
            yerr(c, at, "must be only one value when `operator` is 'In' or 'NotIn' for node "
                        "field selector");
            return false;
        }
        if (in.r.nvalues == 0) {
            yerr(c, at, "%sRequired value: must be specified when `operator` is 'In' or 'NotIn'",
                 in.values_node ? "" : "values: ");
            return false;
        }
        break;
    case SEL_EXISTS:
    case SEL_DOES_NOT_EXIST:
        if (in.r.nvalues > 0) {
            yerr(c, at, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
            return false;
        }
        break;
    case SEL_GT:
    case SEL_LT:
        if (in.r.nvalues != 1) {
            yerr(c, at, "must be specified single value when `operator` is 'Lt' or 'Gt'");
            return false;
        }
        if (!is_integer_text(strtab_str(c->strs, in.r.values[0]))) {
            yerr(c, in.values_node->items[0], "must be an integer for `operator` 'Gt' or 'Lt'");
            return false;
        }
        break;
    }
    /* Label values in In/NotIn follow label-value syntax. */
    if (kind != REQ_NODE_FIELDS && (in.r.op == SEL_IN || in.r.op == SEL_NOT_IN)) {
        for (uint32_t i = 0; i < in.r.nvalues; i++) {
            const char *err = k8s_check_label_value(strtab_str(c->strs, in.r.values[i]));
            if (err) {
                yerr(c, in.values_node->items[i], "invalid label value: %s", err);
                return false;
            }
        }
    }
    *out = in.r;
    return true;
}

static bool parse_requirements(YCtx *c, const YNode *n, ReqKind kind, const Requirement **out,
                               uint32_t *count)
{
    if (!yget_seq(c, n)) return false;
    Requirement *r = arena_alloc(c->out, (n->n ? n->n : 1) * sizeof *r);
    for (uint32_t i = 0; i < n->n; i++)
        if (!parse_requirement(c, n->items[i], kind, &r[i])) return false;
    *out = r;
    *count = n->n;
    return true;
}

static bool sel_match_labels(YCtx *c, const YNode *n, void *dst)
{
    LabelSelector *s = dst;
    return k8s_parse_labels(c, n, &s->match_labels, &s->nlabels);
}

static bool sel_match_expressions(YCtx *c, const YNode *n, void *dst)
{
    LabelSelector *s = dst;
    return parse_requirements(c, n, REQ_LABEL_SELECTOR, &s->exprs, &s->nexprs);
}

static const YField selector_fields[] = {
    {"matchLabels", sel_match_labels, 0, 0},
    {"matchExpressions", sel_match_expressions, 0, 0},
};

static bool term_exprs(YCtx *c, const YNode *n, void *dst)
{
    NodeSelectorTerm *t = dst;
    return parse_requirements(c, n, REQ_NODE_LABELS, &t->exprs, &t->nexprs);
}

static bool term_fields(YCtx *c, const YNode *n, void *dst)
{
    NodeSelectorTerm *t = dst;
    return parse_requirements(c, n, REQ_NODE_FIELDS, &t->fields, &t->nfields);
}

static bool required_terms(YCtx *c, const YNode *n, void *dst)
{
    static const YField term_fields_tab[] = {
        {"matchExpressions", term_exprs, 0, 0},
        {"matchFields", term_fields, 0, 0},
    };
    NodeAffinity *a = dst;
    if (!yget_seq(c, n)) return false;
    if (n->n == 0) {
        yerr(c, n, "Required value: must have at least one node selector term");
        return false;
    }
    NodeSelectorTerm *t = arena_alloc(c->out, n->n * sizeof *t);
    for (uint32_t i = 0; i < n->n; i++)
        if (!ymap_walk(c, n->items[i], term_fields_tab, DS_ARRAY_LEN(term_fields_tab), &t[i], 0,
                       NULL))
            return false;
    a->present = true;
    a->terms = t;
    a->nterms = n->n;
    return true;
}

static bool node_affinity_required(YCtx *c, const YNode *n, void *dst)
{
    static const YField fields[] = {{"nodeSelectorTerms", required_terms, 0, YF_REQUIRED}};
    return ymap_walk(c, n, fields, DS_ARRAY_LEN(fields), dst, 0, NULL);
}

static bool node_affinity(YCtx *c, const YNode *n, void *dst)
{
    static const YField fields[] = {
        {"requiredDuringSchedulingIgnoredDuringExecution", node_affinity_required, 0, 0},
        {"preferredDuringSchedulingIgnoredDuringExecution", yf_ignore, 0, 0},
    };
    return ymap_walk(c, n, fields, DS_ARRAY_LEN(fields), dst, 0, NULL);
}

static bool pod_affinity(YCtx *c, const YNode *n, void *dst)
{
    static const YField fields[] = {
        {"nodeAffinity", node_affinity, 0, 0},
        {"podAffinity", yf_ignore, 0, 0},       /* not modelled: no other pods placed */
        {"podAntiAffinity", yf_ignore, 0, 0},
    };
    Mf *mf = dst;
    return ymap_walk(c, n, fields, DS_ARRAY_LEN(fields), &mf->ds->template_.affinity, 0, NULL);
}

/* ---- tolerations ------------------------------------------------------------------ */

typedef struct {
    Toleration t;
    const YNode *key_node, *op_node, *value_node, *effect_node, *seconds_node;
    const char *value;
} TolIn;

static bool tol_key(YCtx *c, const YNode *n, void *dst)
{
    TolIn *in = dst;
    const char *s, *err;
    if (!yget_str(c, n, &s)) return false;
    if (*s && (err = k8s_check_label_key(s))) {
        yerr(c, n, "invalid toleration key \"%s\": %s", s, err);
        return false;
    }
    in->t.key = strtab_intern(c->strs, s);
    in->key_node = n;
    return true;
}

static bool tol_operator(YCtx *c, const YNode *n, void *dst)
{
    static const char *const names[] = {"Equal", "Exists", ""};
    TolIn *in = dst;
    int i;
    if (!yget_enum(c, n, names, 3, &i)) return false;
    in->t.op = i == 1 ? TOL_EXISTS : TOL_EQUAL;
    in->op_node = n;
    return true;
}

static bool tol_value(YCtx *c, const YNode *n, void *dst)
{
    TolIn *in = dst;
    if (!yget_str(c, n, &in->value)) return false;
    in->t.value = strtab_intern(c->strs, in->value);
    in->value_node = n;
    return true;
}

static bool tol_effect(YCtx *c, const YNode *n, void *dst)
{
    TolIn *in = dst;
    in->effect_node = n;
    return k8s_parse_effect(c, n, true, &in->t.effect);
}

static bool tol_seconds(YCtx *c, const YNode *n, void *dst)
{
    TolIn *in = dst;
    /* Upstream accepts any int64; negative means "evict at once". */
    if (!yget_int(c, n, INT64_MIN, INT64_MAX, &in->t.seconds)) return false;
    in->t.has_seconds = true;
    in->seconds_node = n;
    return true;
}

/* ValidateTolerations (core validation). */
static bool parse_toleration(YCtx *c, const YNode *n, Toleration *out)
{
    static const YField fields[] = {
        {"key", tol_key, 0, 0},
        {"operator", tol_operator, 0, 0},
        {"value", tol_value, 0, 0},
        {"effect", tol_effect, 0, 0},
        {"tolerationSeconds", tol_seconds, 0, 0},
    };
    TolIn in = {.t = {SYM_EMPTY, TOL_EQUAL, SYM_EMPTY, EFFECT_ALL, false, 0}, .value = ""};
    if (!ymap_walk(c, n, fields, DS_ARRAY_LEN(fields), &in, 0, NULL)) return false;
    if (in.t.key == SYM_EMPTY && in.t.op != TOL_EXISTS) {
        yerr(c, in.op_node ? in.op_node : n,
             "operator must be Exists when `key` is empty, which means \"match all values and "
             "all keys\"");
        return false;
    }
    if (in.t.has_seconds && in.t.effect != EFFECT_NO_EXECUTE) {
        yerr(c, in.seconds_node, "effect must be 'NoExecute' when `tolerationSeconds` is set");
        return false;
    }
    if (in.t.op == TOL_EXISTS && *in.value) {
        yerr(c, in.value_node, "value must be empty when `operator` is 'Exists'");
        return false;
    }
    if (in.t.op == TOL_EQUAL) {
        const char *err = k8s_check_label_value(in.value);
        if (err) {
            yerr(c, in.value_node, "invalid toleration value: %s", err);
            return false;
        }
    }
    *out = in.t;
    return true;
}

static bool pod_tolerations(YCtx *c, const YNode *n, void *dst)
{
    Mf *mf = dst;
    if (!yget_seq(c, n)) return false;
    Toleration *t = arena_alloc(c->out, (n->n ? n->n : 1) * sizeof *t);
    for (uint32_t i = 0; i < n->n; i++)
        if (!parse_toleration(c, n->items[i], &t[i])) return false;
    mf->ds->template_.tolerations = t;
    mf->ds->template_.ntolerations = n->n;
    return true;
}

/* ---- containers -------------------------------------------------------------------- */

/* One resource list: cpu and memory are kept, other names only type-checked. */
static bool resource_list(YCtx *c, const YNode *n, Resources *r, bool has[2],
                          const YNode *nodes[2])
{
    if (!yget_map(c, n)) return false;
    for (uint32_t i = 0; i < n->n; i++) {
        const char *name = n->pairs[i].key->text;
        const YNode *v = n->pairs[i].value;
        int64_t q;
        if (ynode_is_null(v)) continue;
        if (!yget_quantity(c, v, &q)) return false;
        if (!strcmp(name, "cpu")) {
            r->cpu = q;
            has[0] = true;
            if (nodes) nodes[0] = v;
        } else if (!strcmp(name, "memory")) {
            r->memory = q;
            has[1] = true;
            if (nodes) nodes[1] = v;
        }
    }
    return true;
}

static bool res_requests(YCtx *c, const YNode *n, void *dst)
{
    ContainerIn *ci = dst;
    return resource_list(c, n, &ci->req, ci->has_req, ci->req_node);
}

static bool res_limits(YCtx *c, const YNode *n, void *dst)
{
    ContainerIn *ci = dst;
    return resource_list(c, n, &ci->lim, ci->has_lim, NULL);
}

static bool ctr_resources(YCtx *c, const YNode *n, void *dst)
{
    static const YField fields[] = {
        {"requests", res_requests, 0, 0},
        {"limits", res_limits, 0, 0},
        {"claims", yf_ignore, 0, 0},
    };
    return ymap_walk(c, n, fields, DS_ARRAY_LEN(fields), dst, 0, NULL);
}

static bool port_container(YCtx *c, const YNode *n, void *dst)
{
    int64_t v;
    if (!yget_int(c, n, 1, 65535, &v)) return false;
    ((PortIn *)dst)->container_port = (int32_t)v;
    return true;
}

static bool port_host(YCtx *c, const YNode *n, void *dst)
{
    int64_t v;
    if (!yget_int(c, n, 0, 65535, &v)) return false;
    ((PortIn *)dst)->host_port = (int32_t)v;
    ((PortIn *)dst)->host_node = n;
    return true;
}

static bool port_protocol(YCtx *c, const YNode *n, void *dst)
{
    static const char *const names[] = {"TCP", "UDP", "SCTP"};
    int i;
    if (!yget_enum(c, n, names, 3, &i)) return false;
    ((PortIn *)dst)->protocol = strtab_intern(c->strs, names[i]);
    return true;
}

static bool port_host_ip(YCtx *c, const YNode *n, void *dst)
{
    const char *s;
    if (!yget_str(c, n, &s)) return false;
    /* The NodePorts filter treats an empty hostIP as 0.0.0.0: every address. */
    ((PortIn *)dst)->host_ip = s[0] == '\0' || strcmp(s, "0.0.0.0") == 0 ? SYM_EMPTY : strtab_intern(c->strs, s);
    return true;
}

static bool ctr_ports(YCtx *c, const YNode *n, void *dst)
{
    static const YField fields[] = {
        {"containerPort", port_container, 0, YF_REQUIRED},
        {"hostPort", port_host, 0, 0},
        {"protocol", port_protocol, 0, 0},
        {"name", yf_ignore, 0, 0},
        {"hostIP", port_host_ip, 0, 0},
    };
    ContainerIn *ci = dst;
    if (!yget_seq(c, n)) return false;
    for (uint32_t i = 0; i < n->n; i++) {
        PortIn p = {.node = n->items[i], .protocol = strtab_intern(c->strs, "TCP"), .host_ip = SYM_EMPTY};
        if (!ymap_walk(c, n->items[i], fields, DS_ARRAY_LEN(fields), &p, 0, NULL)) return false;
        /* The scheduler's host-port filter looks at regular containers only. */
        if (!ci->init) VEC_PUSH(ci->mf->ports, p);
    }
    return true;
}

static bool ctr_name(YCtx *c, const YNode *n, void *dst)
{
    ContainerIn *ci = dst;
    const char *s;
    if (!yget_str(c, n, &s)) return false;
    if (!is_dns_label(s)) {
        yerr(c, n, "invalid container name \"%s\": must be a lowercase RFC 1123 label", s);
        return false;
    }
    Sym name = strtab_intern(c->strs, s);
    for (size_t i = 0; i < ci->mf->container_names.n; i++) {
        if (ci->mf->container_names.v[i] == name) {
            yerr(c, n, "Duplicate value: \"%s\" (container names must be unique in a pod)", s);
            return false;
        }
    }
    VEC_PUSH(ci->mf->container_names, name);
    return true;
}

static bool ctr_image(YCtx *c, const YNode *n, void *dst)
{
    ContainerIn *ci = dst;
    const char *s;
    if (!yget_str(c, n, &s)) return false;
    if (!*s) {
        yerr(c, n, "Required value: image must not be empty");
        return false;
    }
    if (!ci->init && !ci->mf->image_set) {
        ci->mf->ds->template_.image = strtab_intern(c->strs, s);
        ci->mf->image_set = true;
    }
    return true;
}

static const YField container_fields[] = {
    {"name", ctr_name, 0, YF_REQUIRED},
    {"image", ctr_image, 0, YF_REQUIRED},
    {"resources", ctr_resources, 0, 0},
    {"ports", ctr_ports, 0, 0},
};

static bool parse_container(Mf *mf, const YNode *n, bool init)
{
    YCtx *c = mf->c;
    ContainerIn ci = {.mf = mf, .init = init};
    if (!ymap_walk(c, n, container_fields, DS_ARRAY_LEN(container_fields), &ci,
                   YW_ALLOW_UNKNOWN, NULL))
        return false;
    /* Requests default to limits (core defaulting), and may not exceed them. */
    if (!ci.has_req[0] && ci.has_lim[0]) ci.req.cpu = ci.lim.cpu;
    if (!ci.has_req[1] && ci.has_lim[1]) ci.req.memory = ci.lim.memory;
    if (ci.has_req[0] && ci.has_lim[0] && ci.req.cpu > ci.lim.cpu) {
        yerr(c, ci.req_node[0], "must be less than or equal to cpu limit");
        return false;
    }
    if (ci.has_req[1] && ci.has_lim[1] && ci.req.memory > ci.lim.memory) {
        yerr(c, ci.req_node[1], "must be less than or equal to memory limit");
        return false;
    }
    if (init) {
        mf->init_max.cpu = DS_MAX(mf->init_max.cpu, ci.req.cpu);
        mf->init_max.memory = DS_MAX(mf->init_max.memory, ci.req.memory);
    } else {
        if (ci.req.cpu > INT64_MAX - mf->sum.cpu || ci.req.memory > INT64_MAX - mf->sum.memory) {
            yerr(c, n, "resource requests overflow");
            return false;
        }
        mf->sum.cpu += ci.req.cpu;
        mf->sum.memory += ci.req.memory;
    }
    return true;
}

static bool pod_containers(YCtx *c, const YNode *n, void *dst)
{
    Mf *mf = dst;
    if (!yget_seq(c, n)) return false;
    if (n->n == 0) {
        yerr(c, n, "Required value: a pod needs at least one container");
        return false;
    }
    for (uint32_t i = 0; i < n->n; i++)
        if (!parse_container(mf, n->items[i], false)) return false;
    return true;
}

static bool pod_init_containers(YCtx *c, const YNode *n, void *dst)
{
    Mf *mf = dst;
    if (!yget_seq(c, n)) return false;
    for (uint32_t i = 0; i < n->n; i++)
        if (!parse_container(mf, n->items[i], true)) return false;
    return true;
}

/* ---- pod spec ---------------------------------------------------------------------- */

static bool pod_node_selector(YCtx *c, const YNode *n, void *dst)
{
    Mf *mf = dst;
    return k8s_parse_labels(c, n, &mf->ds->template_.node_selector,
                            &mf->ds->template_.nnode_selector);
}

static bool pod_node_name(YCtx *c, const YNode *n, void *dst)
{
    Mf *mf = dst;
    const char *s;
    if (!yget_str(c, n, &s)) return false;
    mf->ds->template_.node_name = strtab_intern(c->strs, s);
    return true;
}

static bool pod_host_network(YCtx *c, const YNode *n, void *dst)
{
    Mf *mf = dst;
    mf->host_network_node = n;
    return yget_bool(c, n, &mf->ds->template_.host_network);
}

static bool pod_priority_class(YCtx *c, const YNode *n, void *dst)
{
    Mf *mf = dst;
    mf->priority_class_node = n;
    return yget_sym(c, n, &mf->ds->template_.priority_class);
}

static bool pod_priority(YCtx *c, const YNode *n, void *dst)
{
    (void)dst;
    int64_t v;
    /* Admission sets it from the class; a written value is only type-checked. */
    return yget_int(c, n, INT32_MIN, INT32_MAX, &v);
}

static bool pod_grace(YCtx *c, const YNode *n, void *dst)
{
    Mf *mf = dst;
    return yget_int(c, n, 0, INT64_MAX, &mf->ds->template_.termination_grace_seconds);
}

static bool pod_restart_policy(YCtx *c, const YNode *n, void *dst)
{
    (void)dst;
    const char *s;
    if (!yget_str(c, n, &s)) return false;
    if (strcmp(s, "Always")) {
        yerr(c, n, "Unsupported value: \"%s\": supported values: \"Always\"", s);
        return false;
    }
    return true;
}

static bool pod_active_deadline(YCtx *c, const YNode *n, void *dst)
{
    (void)dst;
    yerr(c, n, "activeDeadlineSeconds in DaemonSet is not Supported");
    return false;
}

static const YField pod_spec_fields[] = {
    {"containers", pod_containers, 0, YF_REQUIRED},
    {"initContainers", pod_init_containers, 0, 0},
    {"nodeSelector", pod_node_selector, 0, 0},
    {"nodeName", pod_node_name, 0, 0},
    {"affinity", pod_affinity, 0, 0},
    {"tolerations", pod_tolerations, 0, 0},
    {"hostNetwork", pod_host_network, 0, 0},
    {"priorityClassName", pod_priority_class, 0, 0},
    {"priority", pod_priority, 0, 0},
    {"terminationGracePeriodSeconds", pod_grace, 0, 0},
    {"restartPolicy", pod_restart_policy, 0, 0},
    {"activeDeadlineSeconds", pod_active_deadline, 0, 0},
};

/* Host ports: explicit ones, plus containerPort for a hostNetwork pod (core
 * defaulting); duplicates per protocol are rejected as upstream does. */
static bool resolve_host_ports(Mf *mf)
{
    YCtx *c = mf->c;
    PodTemplate *t = &mf->ds->template_;
    size_t cap = mf->ports.n ? mf->ports.n : 1;
    uint16_t *ports = arena_alloc(c->out, cap * sizeof *ports);
    Sym *protos = arena_alloc(c->out, cap * sizeof *protos);
    Sym *ips = arena_alloc(c->out, cap * sizeof *ips);
    uint32_t n = 0;
    bool ok = true;
    for (size_t i = 0; i < mf->ports.n && ok; i++) {
        PortIn *p = &mf->ports.v[i];
        if (t->host_network) {
            if (p->host_port == 0) {
                p->host_port = p->container_port;
            } else if (p->host_port != p->container_port) {
                yerr(c, p->host_node, "must match `containerPort` when `hostNetwork` is true");
                ok = false;
                break;
            }
        }
        if (p->host_port == 0) continue;
        for (uint32_t j = 0; j < n; j++) {
            if (ports[j] == p->host_port && protos[j] == p->protocol) {
                yerr(c, p->host_node ? p->host_node : p->node, "Duplicate value: \"%d/%s\"",
                     p->host_port, strtab_str(c->strs, p->protocol));
                ok = false;
                break;
            }
        }
        if (!ok) break;
        protos[n] = p->protocol;
        ips[n] = p->host_ip;
        ports[n++] = (uint16_t)p->host_port;
    }
    t->host_ports = ports;
    t->host_port_protocols = protos;
    t->host_port_ips = ips;
    t->nhost_ports = n;
    return ok;
}

static bool resolve_priority(Mf *mf)
{
    PodTemplate *t = &mf->ds->template_;
    const StrTab *strs = mf->c->strs;
    t->priority = 0;
    if (t->priority_class == SYM_EMPTY) return true;
    const char *name = strtab_str(strs, t->priority_class);
    if (!strcmp(name, "system-node-critical")) {
        t->priority = PRIORITY_SYSTEM_NODE_CRITICAL;
        return true;
    }
    if (!strcmp(name, "system-cluster-critical")) {
        t->priority = PRIORITY_SYSTEM_CLUSTER_CRITICAL;
        return true;
    }
    for (uint32_t i = 0; i < mf->pcs->n; i++) {
        if (mf->pcs->names[i] == t->priority_class) {
            t->priority = mf->pcs->values[i];
            return true;
        }
    }
    /* Without a priorityClasses map, unknown classes count as priority 0 so
     * that real manifests load; with one, a missing class is a mistake. */
    if (mf->pcs->defined) {
        yerr(mf->c, mf->priority_class_node,
             "no PriorityClass with name %s was found (define it in spec.priorityClasses)", name);
        return false;
    }
    return true;
}

static bool pod_spec(Mf *mf, const YNode *n)
{
    YCtx *c = mf->c;
    if (!ymap_walk(c, n, pod_spec_fields, DS_ARRAY_LEN(pod_spec_fields), mf, YW_ALLOW_UNKNOWN,
                   NULL))
        return false;
    PodTemplate *t = &mf->ds->template_;
    t->requests.cpu = DS_MAX(mf->sum.cpu, mf->init_max.cpu);
    t->requests.memory = DS_MAX(mf->sum.memory, mf->init_max.memory);
    t->requests.pods = 1000;        /* one pod, in milli-units like allocatable */
    return resolve_host_ports(mf) && resolve_priority(mf);
}

/* ---- template, strategy, spec ------------------------------------------------------- */

static bool tmpl_md_labels(YCtx *c, const YNode *n, void *dst)
{
    Mf *mf = dst;
    mf->template_labels_node = n;
    return k8s_parse_labels(c, n, &mf->ds->template_.labels, &mf->ds->template_.nlabels);
}

static bool tmpl_metadata(YCtx *c, const YNode *n, void *dst)
{
    static const YField fields[] = {
        {"labels", tmpl_md_labels, 0, 0},
        {"annotations", md_annotations, 0, 0},
    };
    return ymap_walk(c, n, fields, DS_ARRAY_LEN(fields), dst, YW_ALLOW_UNKNOWN, NULL);
}

static bool tmpl_spec(YCtx *c, const YNode *n, void *dst)
{
    (void)c;
    return pod_spec(dst, n);
}

/* The template with every container's image removed: OpenKruise updates a
 * pod in place when this is all that changed (inplaceupdate CanUpdateInPlace). */
static const char *canonical_sans_images(YCtx *c, const YNode *tmpl)
{
    YNode *copy = ynode_copy(c, tmpl, NULL, NULL, 0);
    YNode *ctrs = ymap_get(ymap_get(copy, "spec"), "containers");
    for (uint32_t i = 0; ctrs && ctrs->kind == YNODE_SEQ && i < ctrs->n; i++)
        if (ctrs->items[i]->kind == YNODE_MAP) ymap_remove(ctrs->items[i], "image");
    return ynode_canonical(copy, c->out);
}

static bool spec_template(YCtx *c, const YNode *n, void *dst)
{
    static const YField fields[] = {
        {"metadata", tmpl_metadata, 0, 0},
        {"spec", tmpl_spec, 0, YF_REQUIRED},
    };
    Mf *mf = dst;
    mf->template_node = n;
    if (!ymap_walk(c, n, fields, DS_ARRAY_LEN(fields), mf, 0, NULL)) return false;
    mf->ds->template_.canonical = ynode_canonical(n, c->out);
    mf->ds->template_.canonical_sans_images = canonical_sans_images(c, n);
    return true;
}

static bool spec_selector(YCtx *c, const YNode *n, void *dst)
{
    Mf *mf = dst;
    mf->selector_node = n;
    return ymap_walk(c, n, selector_fields, DS_ARRAY_LEN(selector_fields), &mf->ds->selector, 0,
                     NULL);
}

static bool ru_max_unavailable(YCtx *c, const YNode *n, void *dst)
{
    Mf *mf = dst;
    mf->max_unavailable_node = n;
    return yget_int_or_percent(c, n, &mf->ds->max_unavailable);
}

static bool ru_max_surge(YCtx *c, const YNode *n, void *dst)
{
    Mf *mf = dst;
    mf->max_surge_node = n;
    return yget_int_or_percent(c, n, &mf->ds->max_surge);
}

/* Advanced DaemonSet rollingUpdate fields (openkruise/kruise
 * apis/apps/v1alpha1/daemonset_types.go, RollingUpdateDaemonSet). */
static bool ru_kruise_type(YCtx *c, const YNode *n, void *dst)
{
    static const char *const names[] = {"Standard", "Surging", "InPlaceIfPossible"};
    Mf *mf = dst;
    int i;
    if (!yget_enum(c, n, names, 3, &i)) return false;
    mf->ds->kruise.type = i == 2 ? KRUISE_IN_PLACE_IF_POSSIBLE : KRUISE_STANDARD;
    return true;
}

static bool ru_kruise_partition(YCtx *c, const YNode *n, void *dst)
{
    Mf *mf = dst;
    return yf_i32_nonneg(c, n, &mf->ds->kruise.partition);
}

static bool ru_kruise_paused(YCtx *c, const YNode *n, void *dst)
{
    Mf *mf = dst;
    return yf_bool(c, n, &mf->ds->kruise.paused);
}

static bool ru_kruise_selector(YCtx *c, const YNode *n, void *dst)
{
    Mf *mf = dst;
    mf->ds->kruise.has_selector = true;
    return ymap_walk(c, n, selector_fields, DS_ARRAY_LEN(selector_fields),
                     &mf->ds->kruise.selector, 0, NULL);
}

static bool us_rolling_update(YCtx *c, const YNode *n, void *dst)
{
    static const YField fields[] = {
        {"maxUnavailable", ru_max_unavailable, 0, 0},
        {"maxSurge", ru_max_surge, 0, 0},
    };
    static const YField kruise_fields[] = {
        {"maxUnavailable", ru_max_unavailable, 0, 0},
        {"maxSurge", ru_max_surge, 0, 0},
        {"rollingUpdateType", ru_kruise_type, 0, 0},
        {"partition", ru_kruise_partition, 0, 0},
        {"paused", ru_kruise_paused, 0, 0},
        {"selector", ru_kruise_selector, 0, 0},
    };
    Mf *mf = dst;
    mf->rolling_node = n;
    if (mf->ds->kruise.on)
        return ymap_walk(c, n, kruise_fields, DS_ARRAY_LEN(kruise_fields), mf, 0, NULL);
    return ymap_walk(c, n, fields, DS_ARRAY_LEN(fields), mf, 0, NULL);
}

static bool us_type(YCtx *c, const YNode *n, void *dst)
{
    static const char *const names[] = {"RollingUpdate", "OnDelete"};
    Mf *mf = dst;
    int i;
    if (!yget_enum(c, n, names, 2, &i)) return false;
    mf->ds->strategy = i ? STRATEGY_ON_DELETE : STRATEGY_ROLLING_UPDATE;
    return true;
}

static bool spec_update_strategy(YCtx *c, const YNode *n, void *dst)
{
    static const YField fields[] = {
        {"type", us_type, 0, 0},
        {"rollingUpdate", us_rolling_update, 0, 0},
    };
    return ymap_walk(c, n, fields, DS_ARRAY_LEN(fields), dst, 0, NULL);
}

static bool spec_min_ready(YCtx *c, const YNode *n, void *dst)
{
    Mf *mf = dst;
    return yf_i32_nonneg(c, n, &mf->ds->min_ready_seconds);
}

static bool spec_history(YCtx *c, const YNode *n, void *dst)
{
    Mf *mf = dst;
    return yf_i32_nonneg(c, n, &mf->ds->revision_history_limit);
}

static const YField ds_spec_fields[] = {
    {"selector", spec_selector, 0, 0},
    {"template", spec_template, 0, YF_REQUIRED},
    {"updateStrategy", spec_update_strategy, 0, 0},
    {"minReadySeconds", spec_min_ready, 0, 0},
    {"revisionHistoryLimit", spec_history, 0, 0},
};

/* ValidateRollingUpdateDaemonSet: exactly one of the two may be non-zero. */
static bool check_rolling_update(Mf *mf, const YNode *spec)
{
    DaemonSetSpec *ds = mf->ds;
    if (ds->strategy != STRATEGY_ROLLING_UPDATE) return true;
    bool unavailable = !units_iop_is_zero(ds->max_unavailable);
    bool surge = !units_iop_is_zero(ds->max_surge);
    if (unavailable && surge) {
        if (mf->max_unavailable_node)
            yerr(mf->c, mf->max_surge_node, "may not be set when maxUnavailable is non-zero");
        else
            yerr(mf->c, mf->max_surge_node,
                 "may not be set when maxUnavailable is non-zero (maxUnavailable defaults to 1; "
                 "write maxUnavailable: 0 for a surge rollout)");
        return false;
    }
    if (!unavailable && !surge) {
        const YNode *at = mf->max_unavailable_node ? mf->max_unavailable_node
                          : mf->rolling_node       ? mf->rolling_node
                                                   : spec;
        yerr(mf->c, at, "%scannot be 0 when maxSurge is 0",
             mf->max_unavailable_node ? "" : "maxUnavailable: ");
        return false;
    }
    return true;
}

static bool check_selector(Mf *mf, const YNode *spec)
{
    DaemonSetSpec *ds = mf->ds;
    if (!mf->selector_node) {
        yerr(mf->c, spec, "missing required key \"selector\" (apps/v1 requires spec.selector)");
        return false;
    }
    if (selector_is_empty(&ds->selector)) {
        yerr(mf->c, mf->selector_node, "empty selector is invalid for daemonset");
        return false;
    }
    if (!selector_matches(&ds->selector, ds->template_.labels, ds->template_.nlabels,
                          mf->c->strs)) {
        const YNode *at = mf->template_labels_node ? mf->template_labels_node : mf->template_node;
        yerr(mf->c, at, "`selector` does not match template `labels`");
        return false;
    }
    return true;
}

static bool root_metadata(YCtx *c, const YNode *n, void *dst)
{
    return ymap_walk(c, n, metadata_fields, DS_ARRAY_LEN(metadata_fields), dst, YW_ALLOW_UNKNOWN,
                     NULL);
}

static bool root_spec(YCtx *c, const YNode *n, void *dst)
{
    Mf *mf = dst;
    return ymap_walk(c, n, ds_spec_fields, DS_ARRAY_LEN(ds_spec_fields), mf, 0, NULL) &&
           check_selector(mf, n) && check_rolling_update(mf, n);
}

bool manifest_parse(YCtx *c, const YNode *root, const PriorityClasses *pcs, DaemonSetSpec *out)
{
    static const YField fields[] = {
        {"apiVersion", yf_ignore, 0, YF_REQUIRED},
        {"kind", yf_ignore, 0, YF_REQUIRED},
        {"metadata", root_metadata, 0, YF_REQUIRED},
        {"spec", root_spec, 0, YF_REQUIRED},
        {"status", yf_ignore, 0, 0},
    };
    if (!manifest_check_kind(c, root) || !schema_check_daemonset(c, root)) return false;
    static const PriorityClasses none = {0};
    /* Defaults (SetDefaults_DaemonSet, pod defaults): §13.1. */
    memset(out, 0, sizeof *out);
    out->namespace_ = strtab_intern(c->strs, "default");
    out->revision_history_limit = 10;
    out->strategy = STRATEGY_ROLLING_UPDATE;
    out->max_unavailable = (IntOrPercent){false, 1};
    out->max_surge = (IntOrPercent){false, 0};
    out->template_.termination_grace_seconds = 30;
    out->template_.node_name = SYM_EMPTY;
    out->template_.priority_class = SYM_EMPTY;
    out->pos = root->pos;
    out->kruise.on = !strcmp(ymap_get(root, "apiVersion")->text, KRUISE_API_VERSION);
    Mf mf = {.c = c, .pcs = pcs ? pcs : &none, .ds = out};
    bool ok = ymap_walk(c, root, fields, DS_ARRAY_LEN(fields), &mf, 0, NULL);
    VEC_FREE(mf.ports);
    VEC_FREE(mf.container_names);
    return ok;
}

/* labels.c: label, selector, affinity and toleration matching
 * (docs/behaviour.md §2, §3). */
#include "daemonsim/labels.h"

#include <errno.h>
#include <stdlib.h>

static int label_cmp(const void *a, const void *b)
{
    const Label *x = a, *y = b;
    return (x->key > y->key) - (x->key < y->key);
}

bool labels_normalize(Label *labels, uint32_t n)
{
    if (n > 1) qsort(labels, n, sizeof *labels, label_cmp);
    for (uint32_t i = 1; i < n; i++)
        if (labels[i].key == labels[i - 1].key) return false;
    return true;
}

Sym labels_get(const Label *labels, uint32_t n, Sym key)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (labels[mid].key < key) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && labels[lo].key == key ? labels[lo].value : SYM_NONE;
}

/* Gt/Lt compare a label value and the requirement's single value as integers;
 * a value that is not an integer never matches. */
static bool parse_int(const char *s, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end) return false;
    *out = v;
    return true;
}

bool requirement_matches(const Requirement *r, const Label *labels, uint32_t n,
                         const StrTab *strs)
{
    Sym v = labels_get(labels, n, r->key);
    switch (r->op) {
    case SEL_IN:
    case SEL_NOT_IN: {
        bool in = false;
        if (v != SYM_NONE)
            for (uint32_t i = 0; i < r->nvalues && !in; i++) in = r->values[i] == v;
        return r->op == SEL_IN ? in : !in;
    }
    case SEL_EXISTS: return v != SYM_NONE;
    case SEL_DOES_NOT_EXIST: return v == SYM_NONE;
    case SEL_GT:
    case SEL_LT: {
        long long have, want;
        if (v == SYM_NONE || r->nvalues != 1) return false;
        if (!parse_int(strtab_str(strs, v), &have)) return false;
        if (!parse_int(strtab_str(strs, r->values[0]), &want)) return false;
        return r->op == SEL_GT ? have > want : have < want;
    }
    }
    return false;
}

bool selector_is_empty(const LabelSelector *s) { return s->nlabels == 0 && s->nexprs == 0; }

bool selector_matches(const LabelSelector *s, const Label *labels, uint32_t n,
                      const StrTab *strs)
{
    for (uint32_t i = 0; i < s->nlabels; i++)
        if (labels_get(labels, n, s->match_labels[i].key) != s->match_labels[i].value)
            return false;
    for (uint32_t i = 0; i < s->nexprs; i++)
        if (!requirement_matches(&s->exprs[i], labels, n, strs)) return false;
    return true;
}

/* matchFields supports only metadata.name, as the API server enforces; the
 * requirement's key is ignored here because validation already checked it. */
static bool field_matches(const Requirement *r, Sym node_name)
{
    bool in = false;
    for (uint32_t i = 0; i < r->nvalues && !in; i++) in = r->values[i] == node_name;
    switch (r->op) {
    case SEL_IN: return in;
    case SEL_NOT_IN: return !in;
    case SEL_EXISTS:
    case SEL_DOES_NOT_EXIST:
    case SEL_GT:
    case SEL_LT: break;
    }
    return false;
}

static bool term_matches(const NodeSelectorTerm *t, const Label *labels, uint32_t n,
                         Sym node_name, const StrTab *strs)
{
    if (t->nexprs == 0 && t->nfields == 0) return false;
    for (uint32_t i = 0; i < t->nexprs; i++)
        if (!requirement_matches(&t->exprs[i], labels, n, strs)) return false;
    for (uint32_t i = 0; i < t->nfields; i++)
        if (!field_matches(&t->fields[i], node_name)) return false;
    return true;
}

bool node_affinity_matches(const NodeAffinity *a, const Label *labels, uint32_t n,
                           Sym node_name, const StrTab *strs)
{
    if (!a->present) return true;
    for (uint32_t i = 0; i < a->nterms; i++)
        if (term_matches(&a->terms[i], labels, n, node_name, strs)) return true;
    return false;
}

bool node_selector_matches(const Label *sel, uint32_t nsel, const Label *labels, uint32_t n)
{
    for (uint32_t i = 0; i < nsel; i++)
        if (labels_get(labels, n, sel[i].key) != sel[i].value) return false;
    return true;
}

bool toleration_tolerates(const Toleration *t, const Taint *taint)
{
    if (t->effect != EFFECT_ALL && t->effect != taint->effect) return false;
    if (t->op == TOL_EXISTS) return t->key == SYM_EMPTY || t->key == taint->key;
    return t->key == taint->key && t->value == taint->value;
}

bool tolerations_tolerate(const Toleration *t, uint32_t nt, const Taint *taint)
{
    for (uint32_t i = 0; i < nt; i++)
        if (toleration_tolerates(&t[i], taint)) return true;
    return false;
}

const char *taint_effect_name(TaintEffect e)
{
    switch (e) {
    case EFFECT_NO_SCHEDULE: return "NoSchedule";
    case EFFECT_PREFER_NO_SCHEDULE: return "PreferNoSchedule";
    case EFFECT_NO_EXECUTE: return "NoExecute";
    case EFFECT_ALL: return "";
    }
    return "";
}

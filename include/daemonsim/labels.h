/* labels.h: labels, selectors, node affinity, taints and tolerations.
 *
 * All strings are interned (Sym), so matching is integer comparison. Label
 * sets are arrays sorted by key with unique keys. The matching rules are the
 * Kubernetes ones (docs/behaviour.md §2, §3): selector requirements
 * In/NotIn/Exists/DoesNotExist/Gt/Lt, node-affinity terms ORed with their
 * requirements ANDed, and taints with effect NoSchedule or NoExecute checked
 * against tolerations (PreferNoSchedule never blocks). */
#ifndef DAEMONSIM_LABELS_H
#define DAEMONSIM_LABELS_H

#include "daemonsim/mem.h"

typedef struct { Sym key, value; } Label;

typedef enum {
    EFFECT_ALL = 0,             /* tolerations only: empty effect matches any */
    EFFECT_NO_SCHEDULE,
    EFFECT_PREFER_NO_SCHEDULE,
    EFFECT_NO_EXECUTE,
} TaintEffect;

typedef struct { Sym key, value; TaintEffect effect; } Taint;

typedef enum { TOL_EQUAL, TOL_EXISTS } TolOp;

typedef struct {
    Sym key;                    /* SYM_EMPTY with TOL_EXISTS matches every taint */
    TolOp op;
    Sym value;
    TaintEffect effect;         /* EFFECT_ALL matches any effect */
    bool has_seconds;           /* tolerationSeconds: no effect on matching */
    int64_t seconds;
} Toleration;

typedef enum { SEL_IN, SEL_NOT_IN, SEL_EXISTS, SEL_DOES_NOT_EXIST, SEL_GT, SEL_LT } SelOp;

typedef struct {
    Sym key;
    SelOp op;
    const Sym *values;
    uint32_t nvalues;
} Requirement;

typedef struct {
    const Label *match_labels;
    uint32_t nlabels;
    const Requirement *exprs;
    uint32_t nexprs;
} LabelSelector;

typedef struct {
    const Requirement *exprs;   /* over node labels */
    uint32_t nexprs;
    const Requirement *fields;  /* over node fields: only metadata.name */
    uint32_t nfields;
} NodeSelectorTerm;

typedef struct {
    bool present;               /* requiredDuringSchedulingIgnoredDuringExecution set */
    const NodeSelectorTerm *terms;
    uint32_t nterms;
} NodeAffinity;

/* Sorts labels by key; returns false when a key repeats. */
bool labels_normalize(Label *labels, uint32_t n);
/* Value of `key` in a sorted set, or SYM_NONE. */
Sym labels_get(const Label *labels, uint32_t n, Sym key);

bool requirement_matches(const Requirement *r, const Label *labels, uint32_t n,
                         const StrTab *strs);
/* An empty selector matches everything (the caller decides whether that is allowed). */
bool selector_matches(const LabelSelector *s, const Label *labels, uint32_t n,
                      const StrTab *strs);
bool selector_is_empty(const LabelSelector *s);
/* Required node affinity: terms ORed; an empty term matches nothing. */
bool node_affinity_matches(const NodeAffinity *a, const Label *labels, uint32_t n,
                           Sym node_name, const StrTab *strs);
/* Every `key: value` of the nodeSelector equals a node label. */
bool node_selector_matches(const Label *sel, uint32_t nsel, const Label *labels, uint32_t n);

bool toleration_tolerates(const Toleration *t, const Taint *taint);
bool tolerations_tolerate(const Toleration *t, uint32_t nt, const Taint *taint);

const char *taint_effect_name(TaintEffect e);

#endif

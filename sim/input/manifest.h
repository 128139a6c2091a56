/* manifest.h: apps/v1 DaemonSet manifests into DaemonSetSpec, and the
 * Kubernetes syntax checks (label keys and values, taints) that scenario
 * files share with manifests. Input layer only. */
#ifndef DAEMONSIM_INPUT_MANIFEST_H
#define DAEMONSIM_INPUT_MANIFEST_H

#include "daemonsim/dsspec.h"
#include "ydoc.h"

/* Priority classes the scenario defines (spec.priorityClasses), besides the
 * two built-in system ones. */
typedef struct {
    const Sym *names;
    const int32_t *values;
    uint32_t n;
    bool defined;           /* the scenario has a priorityClasses map */
} PriorityClasses;

/* The two built-in classes (scheduling.k8s.io), and the highest value a
 * user-defined class may take. */
#define PRIORITY_SYSTEM_NODE_CRITICAL 2000001000
#define PRIORITY_SYSTEM_CLUSTER_CRITICAL 2000000000
#define PRIORITY_HIGHEST_USER 1000000000

/* What a manifest tree is: a DaemonSet (true), or an error for anything else,
 * including the DaemonSet API versions removed from Kubernetes. */
bool manifest_check_kind(YCtx *c, const YNode *root);
/* kind of a document, or "" when it has none (multi-document files skip
 * documents of other kinds). */
const char *manifest_kind(const YNode *root);
/* Defaults and validates one DaemonSet (docs/behaviour.md §13); arrays go
 * to c->out. The caller fills template_.failure and template_.timing. */
bool manifest_parse(YCtx *c, const YNode *root, const PriorityClasses *pcs, DaemonSetSpec *out);

/* Upstream syntax of label keys (qualified names) and values; NULL when valid. */
const char *k8s_check_label_key(const char *key);
const char *k8s_check_label_value(const char *value);
/* A mapping of labels {key: value} into a sorted array in c->out. */
bool k8s_parse_labels(YCtx *c, const YNode *n, const Label **out, uint32_t *count);
/* A taint {key, value?, effect}. */
bool k8s_parse_taint(YCtx *c, const YNode *n, Taint *out);
/* NoSchedule, PreferNoSchedule, NoExecute (and "" when allow_all). */
bool k8s_parse_effect(YCtx *c, const YNode *n, bool allow_all, TaintEffect *out);

#endif

/* kruise_index.h: the node order of OpenKruise's filterDaemonPodsNodeToUpdate
 * (names descending) and, per Advanced DaemonSet, how many nodes of each
 * update category lie before any place of that order (Fenwick trees), kept
 * up to date as the controller re-derives a node, so that a sync finds the
 * k-th node of a category in O(log nodes) instead of walking every node.
 * Private to kruise.c. */
#ifndef DAEMONSIM_K8S_KRUISE_INDEX_H
#define DAEMONSIM_K8S_KRUISE_INDEX_H

#include "daemonsim/cluster.h"

/* A node's category for the update; KC_NONE: not listed by the controller. */
typedef enum {
    KC_NONE,
    KC_NEW_AVAIL,               /* RC_NEW_AVAIL */
    KC_NEW_OTHER,               /* the other classes with a new pod: unavailable */
    KC_EMPTY,
    KC_OLD_AVAIL,
    KC_OLD_UNAVAIL,
    KC__COUNT
} KruiseCat;

#define KC_BIT(k) (1u << (k))

/* Every node id by name, last first (c->kruise.by_name and .pos). */
const U32Vec *kruise_nodes_by_name(Cluster *c);

/* The DaemonSet's index, built (O(nodes)) when missing or when nodes joined. */
KruiseIndex *kruise_index_get(Cluster *c, const DaemonSet *ds);
/* The node's category changed, maybe: update the index if there is one. */
void kruise_index_node(Cluster *c, const DaemonSet *ds, uint32_t node);

/* Nodes of the categories in `mask`: in all, and among the first `end` places. */
uint32_t kruise_index_count(const KruiseIndex *x, unsigned mask);
uint32_t kruise_index_prefix(const KruiseIndex *x, unsigned mask, uint32_t end);
/* The place of the k-th (from 1) node of the categories in `mask`. */
uint32_t kruise_index_kth(const KruiseIndex *x, unsigned mask, uint32_t k);

void kruise_index_free(Cluster *c);

#endif

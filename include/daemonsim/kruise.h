/* kruise.h: OpenKruise Advanced DaemonSet (apps.kruise.io/v1alpha1) update
 * decisions, called from the DaemonSet controller's sync for DaemonSets whose
 * spec has kruise.on set. */
#ifndef DAEMONSIM_KRUISE_H
#define DAEMONSIM_KRUISE_H

#include "daemonsim/cluster.h"

/* Fills c->plan_create (nodes), c->plan_delete and c->plan_update (pods) as
 * Kruise's rollingUpdate does: partition, paused and rollingUpdate.selector
 * confine the upstream maxUnavailable / maxSurge algorithm to a subset of
 * nodes; with rollingUpdateType InPlaceIfPossible, pods whose revision
 * differs only in images are updated in place (one API call each, sent by
 * the controller through its client) instead of deleted. */
void kruise_plan_rolling_update(Cluster *c, DaemonSet *ds, int32_t max_surge, int32_t max_unavailable);

/* Whether the node already holds the current template's image (pre-downloaded). */
bool kruise_image_present(const Cluster *c, const DaemonSet *ds, uint32_t node);
/* Registers the in-place update and image pre-download event handlers. */
void kruise_register(Cluster *c);
/* The controller re-derived its view of the node (dsctl.c): keep the
 * Advanced DaemonSet's node index in step. */
void kruise_node_refreshed(Cluster *c, const DaemonSet *ds, uint32_t node);
/* Frees the node order, indexes and lists of c->kruise. */
void kruise_free(Cluster *c);

#endif

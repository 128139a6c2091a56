/* kruise.h: OpenKruise Advanced DaemonSet (apps.kruise.io/v1alpha1) update
 * decisions, called from the DaemonSet controller's sync for DaemonSets whose
 * spec has kruise.on set. */
#ifndef DAEMONSIM_KRUISE_H
#define DAEMONSIM_KRUISE_H

#include "daemonsim/cluster.h"

/* Fills c->plan_create (nodes) and c->plan_delete (pods) as Kruise's
 * rollingUpdate does: partition, paused and rollingUpdate.selector confine
 * the upstream maxUnavailable / maxSurge algorithm to a subset of nodes. */
void kruise_plan_rolling_update(Cluster *c, DaemonSet *ds, int32_t max_surge, int32_t max_unavailable);

#endif

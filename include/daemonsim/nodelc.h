/* nodelc.h: the node lifecycle controller and the pod garbage collector
 * (nodelc.c): Ready condition, condition taints per zone, and the removal of
 * pods whose node is gone. */
#ifndef DAEMONSIM_NODELC_H
#define DAEMONSIM_NODELC_H

#include "daemonsim/cluster.h"

void nodelc_register(Cluster *c);
/* Keeps the zone counts right when a node appears, goes or is relabelled. */
void nodelc_node_added(Cluster *c, NodeId n);
void nodelc_node_removed(Cluster *c, NodeId n);
void nodelc_labels_changed(Cluster *c, NodeId n);
/* An imported node that is not Ready at t = 0 gets the NoExecute taint of its
 * condition through the zone limiter, unless it already carries it. */
void nodelc_node_imported(Cluster *c, NodeId n);

#endif

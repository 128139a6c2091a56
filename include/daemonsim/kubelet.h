/* kubelet.h: the kubelets (kubelet.c): pull, start, readiness and
 * termination of the pods bound to each node. */
#ifndef DAEMONSIM_KUBELET_H
#define DAEMONSIM_KUBELET_H

#include "daemonsim/cluster.h"

void kubelet_register(Cluster *c);
void kubelet_pod_bound(Cluster *c, PodId p);    /* the kubelet will see the pod */
void kubelet_resume(Cluster *c, NodeId n);      /* carry on with every pod there */
void kubelet_freeze(Cluster *c, NodeId n);      /* cancel every pod timer there */

#endif

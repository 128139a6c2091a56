/* sched.h: the scheduler (sched.c): binds new daemon pods to their target
 * node once they fit, retrying when the node changes. */
#ifndef DAEMONSIM_SCHED_H
#define DAEMONSIM_SCHED_H

#include "daemonsim/cluster.h"

void sched_register(Cluster *c);
void sched_node_changed(Cluster *c, NodeId n);  /* retry pending pods there */
/* Why the pod does not fit on its node, or NULL when it does. */
const char *sched_filter(const Cluster *c, const Pod *p, const Node *n);
/* The FailedScheduling message kube-scheduler gives for a daemon pod that
 * failed on its node for `why` (a sched_filter reason). */
void sched_failure_message(const Cluster *c, const char *why, char *buf, size_t len);

#endif

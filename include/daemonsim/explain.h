/* explain.h: why a DaemonSet is not fully available at the end of a run,
 * in the spirit of `kubectl describe`: its pods that are Pending and the
 * scheduler's reason, the pods that are not ready and what holds them, the
 * pods stuck Terminating, and the nodes the DaemonSet does not want and why
 * (nodeSelector, node affinity, an untolerated taint). DaemonSets whose
 * every desired pod is updated and available print nothing. */
#ifndef DAEMONSIM_EXPLAIN_H
#define DAEMONSIM_EXPLAIN_H

#include <stdio.h>

#include "daemonsim/cluster.h"

/* Prints the explanation of every DaemonSet that needs one; returns how many did. */
size_t explain_print(FILE *out, const Cluster *c);

#endif

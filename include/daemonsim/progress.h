/* progress.h: what a run prints for people — kubectl rollout status lines
 * stamped with simulated time (stderr) and, at the end, a `kubectl get ds`
 * table with the rollout figures (stdout). */
#ifndef DAEMONSIM_PROGRESS_H
#define DAEMONSIM_PROGRESS_H

#include <stdio.h>

#include "daemonsim/cluster.h"

void progress_print_line(FILE *out, SimTime t, const char *msg);
void progress_print_summary(FILE *out, const Cluster *c);

#endif

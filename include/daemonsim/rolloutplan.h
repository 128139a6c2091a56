/* rolloutplan.h: staged rollout plans (spec.rolloutPlans), as Kruise
 * Rollout drives an Advanced DaemonSet: its workload webhook holds a new
 * template back (partition), its batch release lowers the partition one
 * canary step at a time once the previous batch is ready, a step pauses (for
 * a duration, until its analysis passes, or until manual approval, which in
 * a simulation is never), and an analysis that finds too many failing
 * updated pods aborts the plan and rolls the template back. docs/kruise.md,
 * "Staged rollout plans". */
#ifndef DAEMONSIM_ROLLOUTPLAN_H
#define DAEMONSIM_ROLLOUTPLAN_H

#include "daemonsim/cluster.h"

/* The scenario's plans; they apply to DaemonSets by name, from the next
 * template change on. `plans` must outlive the cluster. */
void rolloutplan_install(Cluster *c, const RolloutPlanSpec *plans, uint32_t n);

/* The workload webhook: a DaemonSet update `spec` is about to be stored.
 * Returns the spec as admitted: a new template of a planned DaemonSet starts
 * (or restarts) its plan with the first step's partition; going back to the
 * plan's stable template ends it with partition 0; a spec-only change keeps
 * the plan's partition while the plan runs. */
const DaemonSetSpec *rolloutplan_admit(Cluster *c, DsId id, const DaemonSetSpec *spec);

/* The DaemonSet's status was written: the plan, if one runs, looks again. */
void rolloutplan_status_written(Cluster *c, DsId id);

/* A plan runs for the DaemonSet: its rollout is not over. */
bool rolloutplan_running(const Cluster *c, const DaemonSet *ds);

/* Why a running plan holds the DaemonSet's older pods ("rollout plan step 2
 * of 3 (pause 5m)"); false when no plan runs for it. */
bool rolloutplan_hold(const Cluster *c, const DaemonSet *ds, char *buf, size_t n);

void rolloutplan_register(Cluster *c);
void rolloutplan_free(Cluster *c);

#endif

/* plancount.h: the pods a staged rollout plan reads (docs/kruise.md,
 * "Staged rollout plans"), counted per (DaemonSet, revision) as each pod
 * changes, so that a batch-ready decision or an analysis measurement costs
 * O(1) plus the pods not Ready at that moment, not a scan of every pod
 * (docs/performance.md, rule 4). Kept only while the scenario has plans. */
#ifndef DAEMONSIM_PLANCOUNT_H
#define DAEMONSIM_PLANCOUNT_H

#include "daemonsim/cluster.h"
#include "daemonsim/idxset.h"

/* The pods of one revision that exist and are not terminating. `failed`
 * (phase Failed) and `crash_looping` (CrashLoopBackOff under this revision)
 * never overlap. */
typedef struct {
    int32_t pods, ready, failed, crash_looping;
} PlanPodCounts;

/* Starts counting (no pods exist yet) / stops and frees the counts. */
void plancount_start(Cluster *c);
void plancount_free(Cluster *c);

/* Whether the pod is in CrashLoopBackOff under its revision: its container
 * crashes (a bad release) and is not being restarted by an in-place update. */
bool plancount_crash_looping(const Pod *p);

PlanPodCounts plancount_of(const Cluster *c, DsId ds, uint32_t rev);

/* Pods (slots in c->pods) that exist, are not terminating, not Ready,
 * neither Failed nor crash-looping, of any DaemonSet and revision. */
const IdxSet *plancount_not_ready(const Cluster *c);

/* The counts recomputed from every pod equal the kept ones; on a
 * difference, false and what differs in `why`. */
bool plancount_check(const Cluster *c, char *why, size_t n);

#endif

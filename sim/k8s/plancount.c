/* plancount.c: per-(DaemonSet, revision) pod counts for the rollout plans.
 * Every pod change the cluster emits (cluster_emit_pod), and the two changes
 * it does not emit (adoption by another DaemonSet, pods in place at t = 0),
 * call plancount_pod_changed(), which moves the pod's contribution from where
 * it was last counted to where it belongs now. The DaemonSet's current
 * revision changes without touching any pod: a plan reads the counts of
 * whatever revision is current. */
#include "daemonsim/plancount.h"

#include <stdio.h>
#include <stdlib.h>

enum {
    MARK_COUNTED = 1,           /* exists, not terminating */
    MARK_READY = 2,
    MARK_FAILED = 4,
    MARK_CRASH = 8,
    MARK_NOT_READY = 16,        /* in `not_ready` */
};

/* Where and how a pod slot is counted now. */
typedef struct {
    uint32_t ds, rev;
    uint8_t bits;
} PodMark;

typedef VEC(PlanPodCounts) RevCounts;

struct PlanCounts {
    VEC(PodMark) marks;         /* per pod slot */
    VEC(RevCounts) dsets;       /* per DaemonSet slot, per revision index */
    IdxSet not_ready;
};

bool plancount_crash_looping(const Pod *p)
{
    return p->will_fail && p->phase == POD_RUNNING && !p->restarting;
}

static uint8_t mark_bits(const Pod *p)
{
    if (!p->exists || p->deleting) return 0;
    uint8_t b = MARK_COUNTED;
    if (p->ready) b |= MARK_READY;
    if (p->phase == POD_FAILED) b |= MARK_FAILED;
    else if (plancount_crash_looping(p)) b |= MARK_CRASH;
    else if (!p->ready) b |= MARK_NOT_READY;
    return b;
}

static PlanPodCounts *counts_at(PlanCounts *k, uint32_t ds, uint32_t rev)
{
    while (k->dsets.n <= ds) VEC_PUSH(k->dsets, (RevCounts){0});
    RevCounts *r = &k->dsets.v[ds];
    while (r->n <= rev) VEC_PUSH(*r, (PlanPodCounts){0});
    return &r->v[rev];
}

static void apply(PlanPodCounts *to, uint8_t bits, int32_t sign)
{
    to->pods += sign * !!(bits & MARK_COUNTED);
    to->ready += sign * !!(bits & MARK_READY);
    to->failed += sign * !!(bits & MARK_FAILED);
    to->crash_looping += sign * !!(bits & MARK_CRASH);
}

void plancount_pod_changed(Cluster *c, uint32_t pod)
{
    PlanCounts *k = c->plan_counts;
    if (!k) return;
    const Pod *p = &c->pods.v[pod];
    while (k->marks.n <= pod) VEC_PUSH(k->marks, (PodMark){0});
    PodMark *m = &k->marks.v[pod];
    PodMark now = {.ds = p->ds.i, .rev = p->rev, .bits = mark_bits(p)};
    if (m->ds == now.ds && m->rev == now.rev && m->bits == now.bits) return;
    if (m->bits) apply(counts_at(k, m->ds, m->rev), m->bits, -1);
    if (now.bits) apply(counts_at(k, now.ds, now.rev), now.bits, 1);
    if (now.bits & MARK_NOT_READY) idxset_add(&k->not_ready, pod);
    else idxset_remove(&k->not_ready, pod);
    *m = now;
}

void plancount_start(Cluster *c)
{
    plancount_free(c);
    c->plan_counts = xcalloc(1, sizeof *c->plan_counts);
}

void plancount_free(Cluster *c)
{
    PlanCounts *k = c->plan_counts;
    if (!k) return;
    for (size_t i = 0; i < k->dsets.n; i++) VEC_FREE(k->dsets.v[i]);
    VEC_FREE(k->dsets);
    VEC_FREE(k->marks);
    idxset_free(&k->not_ready);
    free(k);
    c->plan_counts = NULL;
}

static PlanPodCounts counts_in(const PlanCounts *k, uint32_t ds, uint32_t rev)
{
    if (!k || ds >= k->dsets.n || rev >= k->dsets.v[ds].n) return (PlanPodCounts){0};
    return k->dsets.v[ds].v[rev];
}

PlanPodCounts plancount_of(const Cluster *c, DsId ds, uint32_t rev)
{
    return counts_in(c->plan_counts, ds.i, rev);
}

const IdxSet *plancount_not_ready(const Cluster *c) { return &c->plan_counts->not_ready; }

static bool same_counts(const PlanPodCounts *a, const PlanPodCounts *b)
{
    return a->pods == b->pods && a->ready == b->ready && a->failed == b->failed &&
           a->crash_looping == b->crash_looping;
}

bool plancount_check(const Cluster *c, char *why, size_t n)
{
    const PlanCounts *k = c->plan_counts;
    if (!k) return true;
    PlanCounts want = {0};
    uint32_t not_ready = 0;
    bool ok = true;
    for (size_t i = 0; i < c->pods.n && ok; i++) {
        const Pod *p = &c->pods.v[i];
        uint8_t bits = mark_bits(p);
        if (bits) apply(counts_at(&want, p->ds.i, p->rev), bits, 1);
        if (!(bits & MARK_NOT_READY)) continue;
        not_ready++;
        if (!idxset_has(&k->not_ready, (uint32_t)i)) {
            snprintf(why, n, "plan counts: pod %zu is not Ready but not in the not-Ready set", i);
            ok = false;
        }
    }
    if (ok && not_ready != k->not_ready.n) {
        snprintf(why, n, "plan counts: %u pods in the not-Ready set, %u not Ready", k->not_ready.n,
                 not_ready);
        ok = false;
    }
    for (uint32_t d = 0; d < c->dsets.n && ok; d++)
        for (uint32_t r = 0; r < c->dsets.v[d].revs.n && ok; r++) {
            PlanPodCounts got = counts_in(k, d, r), exp = counts_in(&want, d, r);
            if (same_counts(&got, &exp)) continue;
            snprintf(why, n,
                     "plan counts of DaemonSet %u revision %u: pods %d ready %d failed %d "
                     "crash-looping %d, recomputed %d %d %d %d",
                     d, r, got.pods, got.ready, got.failed, got.crash_looping, exp.pods, exp.ready,
                     exp.failed, exp.crash_looping);
            ok = false;
        }
    for (size_t i = 0; i < want.dsets.n; i++) VEC_FREE(want.dsets.v[i]);
    VEC_FREE(want.dsets);
    return ok;
}

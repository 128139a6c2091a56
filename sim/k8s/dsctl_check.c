/* dsctl_check.c: the --check mode of the DaemonSet controller. Upstream
 * rebuilds its node -> pods map and status on every sync; this file does the
 * same from the pod and node tables alone and compares the result with the
 * incremental view dsctl.c keeps (docs/invariants.md, statusConsistent). */
#include "dsctl_state.h"

#include "daemonsim/plancount.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "a/b/c..." of every status counter, for diagnostics. */
static void status_print(const DsStatus *s, char *buf, size_t n)
{
    size_t w = 0;
    buf[0] = 0;
#define X(f, K, name) \
    if (w < n) w += (size_t)snprintf(buf + w, n - w, "%s%lld", w ? "/" : "", (long long)s->f);
    DS_STATUS_COUNTS(X)
#undef X
}

/* The mapped pods grouped by (DaemonSet, node), built from the pod table
 * alone (a counting sort), so that the check reads no incremental list and
 * costs O(pods + DaemonSets x nodes) rather than a pod scan per pair. */
typedef struct {
    uint32_t *start;   /* bucket d * nodes + ni holds order[start[k] .. start[k + 1]) */
    uint32_t *order;   /* pod ids */
    uint32_t *patches; /* per DaemonSet, its pods with an in-place patch pending */
} PodBuckets;

static PodBuckets buckets_build(const Cluster *c)
{
    size_t nn = c->nodes.n, keys = (size_t)c->dsets.n * nn;
    PodBuckets b = {xcalloc(keys + 1, sizeof *b.start), xmalloc((c->pods.n + 1) * sizeof *b.order),
                    xcalloc(c->dsets.n + 1, sizeof *b.patches)};
    for (size_t k = 0; k < c->pods.n; k++) {
        const Pod *p = &c->pods.v[k];
        if (p->patch_pending && p->ds.i < c->dsets.n) b.patches[p->ds.i]++;
        if (dsctl_pod_mapped(&p->seen) && p->ds.i < c->dsets.n && p->node.i < nn)
            b.start[(size_t)p->ds.i * nn + p->node.i + 1]++;
    }
    for (size_t k = 0; k < keys; k++) b.start[k + 1] += b.start[k];
    uint32_t *fill = xmalloc((keys + 1) * sizeof *fill);
    memcpy(fill, b.start, (keys + 1) * sizeof *fill);
    for (size_t k = 0; k < c->pods.n; k++) {
        const Pod *p = &c->pods.v[k];
        if (dsctl_pod_mapped(&p->seen) && p->ds.i < c->dsets.n && p->node.i < nn)
            b.order[fill[(size_t)p->ds.i * nn + p->node.i]++] = (uint32_t)k;
    }
    free(fill);
    return b;
}

static bool check_ds(const Cluster *c, const PodBuckets *b, uint32_t d, char *why, size_t n);

bool dsctl_check(Cluster *c, char *why, size_t n)
{
    PodBuckets b = buckets_build(c);
    bool ok = true;
    for (uint32_t d = 0; d < c->dsets.n && ok; d++) ok = check_ds(c, &b, d, why, n);
    free(b.start);
    free(b.order);
    free(b.patches);
    return ok && plancount_check(c, why, n);
}

/* One DaemonSet's status, rolling-update classes and need-a-pod count,
 * recomputed node by node the way upstream does and compared with the view. */
static bool check_ds(const Cluster *c, const PodBuckets *b, uint32_t d, char *why, size_t n)
{
    SimTime now = c->sim->now;
    const DaemonSet *ds = &c->dsets.v[d];
    if (!ds->exists) return true;
    DsStatus want = {0};
    uint32_t need = 0, classes[RC__COUNT] = {0};
    for (uint32_t ni = 0; ni < c->nodes.n; ni++) {
        const Node *node = &c->nodes.v[ni];
        /* A node change still on its way to the informer is not the
         * controller's to know: its cached eligibility stands until then. */
        uint8_t e = !node->dsctl_seen      ? 0
                    : node->dsctl_unseen ? (uint8_t)(ds->ctl->nodes[ni].elig & ~ELIG_NODE_SEEN)
                                         : dsctl_eligibility(c, ds, node, node->name);
        const Pod *oldest = NULL, *new_pod = NULL, *old_pod = NULL;
        uint32_t nnew = 0, nold = 0;
        size_t key = (size_t)d * c->nodes.n + ni;
        for (uint32_t k = b->start[key]; k < b->start[key + 1]; k++) {
            const Pod *p = &c->pods.v[b->order[k]];
            if (!oldest || dsctl_pod_before(c, p, oldest)) oldest = p;
            if (p->seen.deleting) continue;
            if (p->rev == ds->cur) nnew++, new_pod = p;
            else nold++, old_pod = p;
        }
        /* Rolling-update class (§8.1), the way findUpdatedPodsOnNode sees it. */
        if (oldest || (e & ELIG_SHOULD_RUN)) {
            RollClass rc;
            if (nnew > 1 || nold > 1) rc = RC_NOT_OK;
            else if (!nnew && !nold) rc = RC_EMPTY;
            else if (!nold) rc = dsctl_pod_available(c, ds, &new_pod->seen, now) ? RC_NEW_AVAIL : RC_NEW_UNAVAIL;
            else if (!nnew) rc = dsctl_pod_available(c, ds, &old_pod->seen, now) ? RC_OLD_AVAIL : RC_OLD_UNAVAIL;
            else rc = dsctl_pod_available(c, ds, &new_pod->seen, now) ? RC_BOTH_NEW_AVAIL : RC_BOTH_NEW_UNAVAIL;
            classes[rc]++;
        }
        if (!node->dsctl_seen) continue;
        if (e & ELIG_SHOULD_RUN) {
            want.desired++;
            if (!oldest) need++;
            if (oldest) {
                want.current++;
                want.ready += oldest->seen.ready;
                want.available += dsctl_pod_available(c, ds, &oldest->seen, now);
                want.updated += oldest->rev == ds->cur;
            }
        } else if (oldest) {
            want.misscheduled++;
        }
    }
    want.unavailable = want.desired - want.available;
    if (dsctl_status_differs(&want, &ds->view)) {
        char have_s[160], want_s[160];
        status_print(&ds->view, have_s, sizeof have_s);
        status_print(&want, want_s, sizeof want_s);
#define X(f, K, name) "/" #f
        snprintf(why, n, "%s: view %s %s, recomputed %s", strtab_str(c->strs, ds->name),
                 DS_STATUS_COUNTS(X) + 1, have_s, want_s);
#undef X
        return false;
    }
    for (int k = RC_NOT_OK; k < RC__COUNT; k++)
        if (classes[k] != ds->ctl->class_count[k]) {
            snprintf(why, n, "%s: %u nodes in rolling-update class %d, the view says %u",
                     strtab_str(c->strs, ds->name), classes[k], k, ds->ctl->class_count[k]);
            return false;
        }
    if (b->patches[d] != ds->ctl->patches_pending) {
        snprintf(why, n, "%s: %u pods wait for an in-place patch, the view says %u",
                 strtab_str(c->strs, ds->name), b->patches[d], ds->ctl->patches_pending);
        return false;
    }
    if (!dsctl_allows_surge(ds) && need != ds->ctl->need_pod.n) {
        snprintf(why, n, "%s: %u nodes need a pod, the view says %u",
                 strtab_str(c->strs, ds->name), need, ds->ctl->need_pod.n);
        return false;
    }
    return true;
}

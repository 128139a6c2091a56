/* explain.c: see explain.h. The end of a run is not the hot path: this walks
 * every pod and node once per DaemonSet and counts reasons. */
#include "daemonsim/explain.h"

#include <string.h>

#include "daemonsim/dsctl.h"
#include "daemonsim/labels.h"
#include "daemonsim/rolloutplan.h"
#include "daemonsim/sched.h"

/* Reasons with their counts and the first few objects, in first-seen order. */
#define EXPLAIN_REASONS 16
#define EXPLAIN_EXAMPLES 3

typedef struct {
    char text[1024];
    uint32_t count;
    Sym examples[EXPLAIN_EXAMPLES];
} Reason;

typedef struct {
    Reason r[EXPLAIN_REASONS];
    size_t n;
    uint32_t other;             /* counted past the table's room */
} Reasons;

static void reason_add(Reasons *rs, const char *text, Sym example)
{
    Reason *r = NULL;
    for (size_t i = 0; i < rs->n && !r; i++)
        if (!strcmp(rs->r[i].text, text)) r = &rs->r[i];
    if (!r) {
        if (rs->n == EXPLAIN_REASONS) {
            rs->other++;
            return;
        }
        r = &rs->r[rs->n++];
        snprintf(r->text, sizeof r->text, "%s", text);
    }
    if (r->count < EXPLAIN_EXAMPLES) r->examples[r->count] = example;
    r->count++;
}

static void reasons_print(FILE *out, const Cluster *c, const Reasons *rs, const char *noun)
{
    for (size_t i = 0; i < rs->n; i++) {
        const Reason *r = &rs->r[i];
        fprintf(out, "    %u %s%s: %s (", r->count, noun, r->count == 1 ? "" : "s", r->text);
        for (uint32_t k = 0; k < r->count && k < EXPLAIN_EXAMPLES; k++)
            fprintf(out, "%s%s", k ? ", " : "", strtab_str(c->strs, r->examples[k]));
        fprintf(out, "%s)\n", r->count > EXPLAIN_EXAMPLES ? ", ..." : "");
    }
    if (rs->other) fprintf(out, "    %u %ss for other reasons\n", rs->other, noun);
}

/* What keeps a bound pod from being Ready, as the pod's status would show it. */
static const char *not_ready_reason(const Cluster *c, const Pod *p)
{
    const Node *n = &c->nodes.v[p->node.i];
    if (!n->kubelet_up || n->ready != COND_TRUE) return "its node is not Ready";
    if (p->will_fail) {
        const Failure *f = &c->dsets.v[p->ds.i].revs.v[p->rev].spec->template_.failure;
        return f->mode == FAILURE_IMAGE_PULL ? "ImagePullBackOff" : "CrashLoopBackOff";
    }
    if (!p->image_pulled) return "ContainerCreating (pulling the image)";
    if (p->phase != POD_RUNNING) return "ContainerCreating (starting)";
    return "Running, readiness probe not yet passed";
}

static void excluded_text(const Cluster *c, DsExclusion why, const Taint *t, char *buf, size_t n)
{
    switch (why) {
    case EXCL_NONE: snprintf(buf, n, "eligible"); return;
    case EXCL_NODE_NAME: snprintf(buf, n, "the template's nodeName names another node"); return;
    case EXCL_NODE_SELECTOR: snprintf(buf, n, "nodeSelector does not match"); return;
    case EXCL_NODE_AFFINITY: snprintf(buf, n, "required node affinity does not match"); return;
    case EXCL_TAINT_NO_EXECUTE:
    case EXCL_TAINT_NO_SCHEDULE:
        snprintf(buf, n, "untolerated taint %s%s%s:%s", strtab_str(c->strs, t->key),
                 t->value != SYM_EMPTY ? "=" : "", strtab_str(c->strs, t->value),
                 why == EXCL_TAINT_NO_EXECUTE ? "NoExecute" : "NoSchedule");
        return;
    }
}

/* What keeps `n` available pods of older revisions (outside an Advanced
 * DaemonSet's rollingUpdate.selector: `unselected` of them) from being
 * replaced: OnDelete, a rollout plan, an Advanced DaemonSet's paused or
 * partition (which keeps exactly that many), or only the rolling update's pace. */
static void old_pods_text(const Cluster *c, const DaemonSet *ds, uint32_t n, uint32_t unselected,
                          char *buf, size_t size)
{
    const KruiseStrategy *k = &ds->spec->kruise;
    char plan[256];
    int w = 0;
    if (unselected) w = snprintf(buf, size, "%u outside rollingUpdate.selector; ", unselected);
    if (w < 0 || (size_t)w >= size) return;
    buf += w;
    size -= (size_t)w;
    n -= unselected;
    if (n == 0) {
        if (w > 1) buf[-2] = '\0';
    } else if (ds->spec->strategy == STRATEGY_ON_DELETE) {
        snprintf(buf, size, "replaced only when deleted (OnDelete)");
    } else if (rolloutplan_hold(c, ds, plan, sizeof plan)) {
        snprintf(buf, size, "%s", plan);
    } else if (k->on && k->paused) {
        snprintf(buf, size, "held by rollingUpdate.paused");
    } else if (k->on && k->partition > 0 && n <= (uint32_t)k->partition) {
        snprintf(buf, size, "held by rollingUpdate.partition %d", k->partition);
    } else if (k->on && k->partition > 0) {
        snprintf(buf, size, "%d held by rollingUpdate.partition, %u waiting for the rolling update "
                            "to replace them", k->partition, n - (uint32_t)k->partition);
    } else {
        snprintf(buf, size, "waiting for the rolling update to replace them");
    }
}

static bool explain_ds(FILE *out, const Cluster *c, const DaemonSet *ds)
{
    const DsStatus *v = &ds->view;
    if (!ds->exists || (v->available >= v->desired && v->updated >= v->desired)) return false;
    Reasons pending = {0}, not_ready = {0}, excluded = {0};
    uint32_t terminating = 0, terminating_frozen = 0, waiting_available = 0, old_available = 0;
    uint32_t old_unselected = 0;
    const KruiseStrategy *k = &ds->spec->kruise;
    size_t di = (size_t)(ds - c->dsets.v);
    for (size_t i = 0; i < c->pods.n; i++) {
        const Pod *p = &c->pods.v[i];
        if (!p->exists || p->ds.i != di) continue;
        const Node *n = &c->nodes.v[p->node.i];
        if (p->deleting) {
            terminating++;
            if (!n->kubelet_up) terminating_frozen++;
        } else if (!p->bound) {
            char msg[1024];
            const char *why = sched_filter(c, p, n);
            if (why) sched_failure_message(c, why, msg, sizeof msg);
            else snprintf(msg, sizeof msg, "waiting for the scheduler");
            reason_add(&pending, msg, p->name);
        } else if (!p->ready) {
            reason_add(&not_ready, not_ready_reason(c, p), p->name);
        } else if (!dsctl_pod_available(c, ds, &p->seen, c->sim->now)) {
            waiting_available++;
        } else if (p->rev != ds->cur) {
            old_available++;
            if (k->on && k->has_selector &&
                !selector_matches(&k->selector, n->labels, n->nlabels, c->strs))
                old_unselected++;
        }
    }
    for (size_t i = 0; i < c->nodes.n; i++) {
        const Node *n = &c->nodes.v[i];
        if (!n->exists) continue;
        const Taint *t;
        DsExclusion why = dsctl_exclusion(c, ds, n, n->name, &t);
        if (why == EXCL_NONE) continue;
        char text[1024];
        excluded_text(c, why, t, text, sizeof text);
        reason_add(&excluded, text, n->name);
    }
    fprintf(out, "\ndaemonset/%s: %lld of %lld desired pods available, %lld updated\n",
            strtab_str(c->strs, ds->name), (long long)v->available, (long long)v->desired,
            (long long)v->updated);
    if (pending.n) fprintf(out, "  Pending (the scheduler's last message):\n");
    reasons_print(out, c, &pending, "pod");
    if (not_ready.n) fprintf(out, "  Not ready:\n");
    reasons_print(out, c, &not_ready, "pod");
    if (waiting_available)
        fprintf(out, "  %u pod%s Ready but not yet available (minReadySeconds %d)\n",
                waiting_available, waiting_available == 1 ? "" : "s", ds->spec->min_ready_seconds);
    if (old_available) {
        char why[512];
        old_pods_text(c, ds, old_available, old_unselected, why, sizeof why);
        fprintf(out, "  %u available pod%s of an older revision, %s\n", old_available,
                old_available == 1 ? "" : "s", why);
    }
    if (terminating)
        fprintf(out, "  %u pod%s Terminating, %u of them on nodes whose kubelet does not report\n",
                terminating, terminating == 1 ? "" : "s", terminating_frozen);
    if (excluded.n) fprintf(out, "  Nodes not selected:\n");
    reasons_print(out, c, &excluded, "node");
    return true;
}

size_t explain_print(FILE *out, const Cluster *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->dsets.n; i++) n += explain_ds(out, c, &c->dsets.v[i]);
    return n;
}

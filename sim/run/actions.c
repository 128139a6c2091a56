/* actions.c: the scenario's `events:` as engine events. Each scenario event
 * has its own random stream (for its `every:` intervals, node choices and
 * flap lengths), so adding one event never shifts another's draws. */
#include "run_int.h"

#include <math.h>
#include <stdio.h>

static bool node_matches(const Run *r, const Node *n, const NodeTarget *t)
{
    if (!n->exists) return false;
    if (t->pool != SYM_NONE && r->s->pools[n->pool].name != t->pool) return false;
    if (t->nnames > 0) {
        bool named = false;
        for (uint32_t i = 0; i < t->nnames && !named; i++) named = t->names[i] == n->name;
        if (!named) return false;
    }
    return node_selector_matches(t->match_labels, t->nmatch_labels, n->labels, n->nlabels);
}

void actions_select_nodes(Run *r, const NodeTarget *t, Rng *rng, U32Vec *out)
{
    out->n = 0;
    for (uint32_t i = 0; i < r->c.nodes.n; i++)
        if (node_matches(r, &r->c.nodes.v[i], t)) VEC_PUSH(*out, i);
    uint32_t want = (uint32_t)out->n;
    if (t->has_count && t->count < want) want = t->count;
    if (t->has_fraction) want = (uint32_t)llround(t->fraction * (double)out->n);
    if (want >= out->n) return;
    /* A partial Fisher-Yates: the first `want` are a uniform sample. */
    for (uint32_t i = 0; i < want; i++) {
        uint32_t j = i + rng_below(rng, (uint32_t)out->n - i);
        uint32_t tmp = out->v[i];
        out->v[i] = out->v[j];
        out->v[j] = tmp;
    }
    out->n = want;
}

static DsId find_ds(Run *r, const Action *a)
{
    DsId id = cluster_find_ds(&r->c, a->ds_name);
    if (id.i == ID_NONE && r->opt->err && r->opt->progress != PROGRESS_QUIET)
        fprintf(r->opt->err, "[%s] %s: no DaemonSet \"%s\" at this time; event skipped\n",
                "daemonsim", action_kind_name(a->kind), strtab_str(r->c.strs, a->ds_name));
    return id;
}

static void act_on_nodes(Run *r, uint32_t ai, const Action *a)
{
    Cluster *c = &r->c;
    U32Vec nodes = {0};
    actions_select_nodes(r, &a->nodes, r->action_rng[ai], &nodes);
    for (size_t k = 0; k < nodes.n; k++) {
        NodeId n = {nodes.v[k]};
        switch (a->kind) {
        case ACT_REMOVE_NODES: cluster_remove_node(c, n); break;
        case ACT_NODE_NOT_READY:
            if (a->kubelet_reports) cluster_kubelet_report_not_ready(c, n, a->reason);
            else cluster_kubelet_stop(c, n);
            if (a->has_for) {
                r->pending++;
                sim_after(&r->sim, dist_draw(&a->for_, r->action_rng[ai]), EV_NODE_RECOVER, n.i,
                          cluster_node(c, n)->gen, 0);
            }
            break;
        case ACT_NODE_READY: cluster_kubelet_start(c, n); break;
        case ACT_CORDON: cluster_set_unschedulable(c, n, true); break;
        case ACT_UNCORDON: cluster_set_unschedulable(c, n, false); break;
        case ACT_TAINT: cluster_add_taint(c, n, a->taint); break;
        case ACT_UNTAINT: cluster_remove_taint(c, n, a->key, !a->has_effect, a->effect); break;
        case ACT_LABEL: cluster_set_labels(c, n, a->labels, a->nlabels, NULL, 0); break;
        case ACT_UNLABEL: cluster_set_labels(c, n, NULL, 0, a->keys, a->nkeys); break;
        case ACT_KILL_PODS: {
            DsId ds = a->ds_name == SYM_NONE ? DS_NONE : cluster_find_ds(c, a->ds_name);
            PodId o = cluster_node(c, n)->pods;
            while (o.i != ID_NONE) {
                PodId next = cluster_pod(c, o)->next_on_node;
                if (ds.i == ID_NONE || cluster_pod(c, o)->ds.i == ds.i) cluster_fail_pod(c, o);
                o = next;
            }
            break;
        }
        case ACT_ADD_NODES:
        case ACT_CREATE_DS:
        case ACT_UPDATE_DS:
        case ACT_PATCH_DS:
        case ACT_RESTART_DS:
        case ACT_ROLLBACK:
        case ACT_DELETE_DS:
        case ACT__COUNT: DS_ASSERT(!"not a node action"); break;
        }
    }
    VEC_FREE(nodes);
}

static void perform(Run *r, uint32_t ai)
{
    const Action *a = &r->s->actions[ai];
    Cluster *c = &r->c;
    switch (a->kind) {
    case ACT_ADD_NODES: {
        uint32_t pool = 0;
        for (uint32_t i = 0; i < r->s->npools; i++)
            if (r->s->pools[i].name == a->pool) pool = i;
        for (uint32_t k = 0; k < a->count; k++) cluster_add_node(c, &r->s->pools[pool], pool);
        break;
    }
    case ACT_CREATE_DS: cluster_create_ds(c, &r->s->specs[a->spec]); break;
    case ACT_UPDATE_DS:
    case ACT_PATCH_DS:
    case ACT_RESTART_DS: {
        DsId id = find_ds(r, a);
        if (id.i != ID_NONE) cluster_update_ds(c, id, &r->s->specs[a->spec]);
        break;
    }
    case ACT_ROLLBACK: {
        DsId id = find_ds(r, a);
        if (id.i == ID_NONE) break;
        char why[256];
        bool ok = cluster_rollback_ds(c, id, a->to_revision, why, sizeof why);
        if (r->opt->err && r->opt->progress != PROGRESS_QUIET)
            fprintf(r->opt->err, "daemonset.apps/%s %s%s\n", strtab_str(c->strs, a->ds_name),
                    ok ? "" : "rollback failed: ", why);
        break;
    }
    case ACT_DELETE_DS: {
        DsId id = find_ds(r, a);
        if (id.i != ID_NONE) cluster_delete_ds(c, id, a->orphan);
        break;
    }
    case ACT_REMOVE_NODES:
    case ACT_NODE_NOT_READY:
    case ACT_NODE_READY:
    case ACT_CORDON:
    case ACT_UNCORDON:
    case ACT_TAINT:
    case ACT_UNTAINT:
    case ACT_LABEL:
    case ACT_UNLABEL:
    case ACT_KILL_PODS: act_on_nodes(r, ai, a); break;
    case ACT__COUNT: break;
    }
}

static void on_action(void *ctx, Sim *sim, const Event *ev)
{
    Run *r = ctx;
    uint32_t ai = ev->subject;
    const Action *a = &r->s->actions[ai];
    r->pending--;
    perform(r, ai);
    if (a->repeats) {
        SimTime next = sim->now + dist_draw(&a->every, r->action_rng[ai]);
        if (next <= a->until && next <= r->s->duration) {
            r->pending++;
            sim_at(sim, next, EV_ACTION, ai, 0, 0);
        }
    }
    run_check_converged(r);
}

static void on_recover(void *ctx, Sim *sim, const Event *ev)
{
    Run *r = ctx;
    (void)sim;
    r->pending--;
    Node *n = cluster_node(&r->c, (NodeId){ev->subject});
    if (n->gen == ev->gen) cluster_kubelet_start(&r->c, (NodeId){ev->subject});
    run_check_converged(r);
}

void actions_register(Run *r)
{
    sim_on(&r->sim, EV_ACTION, on_action, r);
    sim_on(&r->sim, EV_NODE_RECOVER, on_recover, r);
}

void actions_schedule(Run *r)
{
    r->action_rng = xcalloc(r->s->nactions ? r->s->nactions : 1, sizeof *r->action_rng);
    for (uint32_t i = 0; i < r->s->nactions; i++) {
        const Action *a = &r->s->actions[i];
        r->action_rng[i] = rng_new(r->opt->seed, rng_mix(rng_key("event"), i));
        SimTime first = a->at;
        if (a->repeats && !a->has_at) first = dist_draw(&a->every, r->action_rng[i]);
        if (first > r->s->duration || (a->repeats && first > a->until)) continue;
        r->pending++;
        sim_at(&r->sim, first, EV_ACTION, i, 0, 0);
    }
}

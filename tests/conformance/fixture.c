/* fixture.c: see fixture.h. */
#include "fixture.h"

#include "daemonsim/rng.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void on_pod_event(void *ctx, SimTime t, const Pod *p, PodEventKind what)
{
    Fx *f = ctx;
    (void)p;
    if (what == PE_CREATED) {
        f->creates++;
        if (f->naccepted < DS_ARRAY_LEN(f->accepted_at)) f->accepted_at[f->naccepted++] = t;
        if (f->create_limit && ++f->created_total >= f->create_limit) f->c.cp.api_errors.create = 1;
    }
    else if (what == PE_DELETED || what == PE_TERMINATING) f->deletes++;
}

/* Upstream's tests count the controller's own Events; their fake pod control
 * records none, so the pod control's SuccessfulCreate/SuccessfulDelete are
 * not counted here either. */
static void on_k8s_event(void *ctx, SimTime t, const char *kind, const char *name,
                         const char *type, const char *reason, const char *msg)
{
    Fx *f = ctx;
    (void)t;
    (void)kind;
    (void)name;
    (void)type;
    (void)msg;
    if (!strcmp(reason, "SuccessfulCreate") || !strcmp(reason, "SuccessfulDelete")) return;
    f->events++;
    snprintf(f->last_event_reason, sizeof f->last_event_reason, "%s", reason);
}

static void on_status_written(void *ctx, SimTime t, const DaemonSet *ds)
{
    Fx *f = ctx;
    (void)t;
    (void)ds;
    f->status_writes++;
}

Sym fx_sym(Fx *f, const char *s) { return strtab_intern(f->sc.strs, s); }

const Label *fx_labels(Fx *f, uint32_t *n, ...)
{
    Label tmp[32];
    uint32_t k = 0;
    va_list ap;
    va_start(ap, n);
    for (const char *key; (key = va_arg(ap, const char *)) != NULL && k < 32; k++) {
        const char *value = va_arg(ap, const char *);
        tmp[k] = (Label){fx_sym(f, key), fx_sym(f, value)};
    }
    va_end(ap);
    Label *out = arena_alloc(&f->arena, (k ? k : 1) * sizeof *out);
    memcpy(out, tmp, k * sizeof *out);
    labels_normalize(out, k);
    *n = k;
    return out;
}

const Label *fx_l1(Fx *f, uint32_t *n) { return fx_labels(f, n, "name", "simple-daemon", "type", "production", NULL); }
const Label *fx_n1(Fx *f, uint32_t *n) { return fx_labels(f, n, "color", "blue", "speed", "fast", NULL); }
const Label *fx_n2(Fx *f, uint32_t *n) { return fx_labels(f, n, "color", "red", "speed", "fast", NULL); }

Fx *fx_new(void)
{
    Fx *f = xcalloc(1, sizeof *f);
    f->sc.strs = strtab_new();
    f->sc.name = "conformance";
    Dist zero = dist_constant(0);
    f->sc.timing = (Timing){zero, zero, zero, zero, zero, zero, zero};
    f->sc.control_plane = (ControlPlane){.api_qps = 20, .api_burst = 30, .burst_replicas = 250,
                                         .workers = 2, .node_monitor_period = 5 * SIM_S,
                                         .node_monitor_grace = 50 * SIM_S,
                                         .node_startup_grace = 60 * SIM_S,
                                         .pod_gc_period = 20 * SIM_S,
                                         .pod_gc_quarantine = 40 * SIM_S,
                                         .candidate_order_by_name = true};
    f->sc.duration = SIM_HOUR;
    f->pool = (NodePoolSpec){.name = fx_sym(f, "node"), .node_name = SYM_NONE};
    f->sc.pools = &f->pool;
    f->sc.npools = 1;
    uint32_t nl;
    const Label *l1 = fx_l1(f, &nl);
    f->spec = (DaemonSetSpec){.name = fx_sym(f, "foo"), .namespace_ = fx_sym(f, "default"),
                              .selector = {.match_labels = l1, .nlabels = nl},
                              .revision_history_limit = 2, .strategy = STRATEGY_ON_DELETE,
                              .max_unavailable = {false, 1}};
    f->spec.template_ = (PodTemplate){.labels = l1, .nlabels = nl, .node_name = SYM_EMPTY,
                                      .termination_grace_seconds = 30, .canonical = "foo/bar",
                                      .image = fx_sym(f, "foo/bar")};
    sim_init(&f->sim);
    cluster_init(&f->c, &f->sim, f->sc.strs, &f->sc.control_plane, &f->sc.timing, f->sc.npools, 1);
    f->c.sync_mode = true;
    f->c.sink = (Sink){.ctx = f, .pod_event = on_pod_event, .k8s_event = on_k8s_event,
                       .status_written = on_status_written};
    return f;
}

void fx_free(Fx *f)
{
    cluster_free(&f->c);
    sim_free(&f->sim);
    strtab_free(f->sc.strs);
    arena_free(&f->arena);
    free(f);
}

NodeId fx_add_node(Fx *f, FxNode n)
{
    NodePoolSpec p = f->pool;
    char name[64];
    if (!n.name) {
        snprintf(name, sizeof name, "node-%u", f->next_node++);
        n.name = name;
    }
    p.node_name = fx_sym(f, n.name);
    p.labels = n.labels;
    p.nlabels = n.nlabels;
    p.taints = n.taints;
    p.ntaints = n.ntaints;
    p.unschedulable = n.unschedulable;
    p.allocatable = n.allocatable;
    if (!p.allocatable.cpu && !p.allocatable.memory && !p.allocatable.pods)
        p.allocatable.pods = 100 * 1000;
    p.used = n.used;
    NodeId id = cluster_add_node(&f->c, &p, 0);
    /* The model derives Ready from the time of the add; the test's Ready
     * status replaces it (the only node condition the model keeps). */
    if (n.ready != COND_TRUE) cluster_node(&f->c, id)->ready = n.ready;
    dsctl_node_changed(&f->c, id);
    return id;
}

void fx_add_nodes(Fx *f, uint32_t count, const Label *labels, uint32_t nlabels)
{
    for (uint32_t i = 0; i < count; i++) fx_add_node(f, (FxNode){.labels = labels, .nlabels = nlabels});
}

NodeId fx_node(Fx *f, const char *name)
{
    Sym s = fx_sym(f, name);
    for (uint32_t i = 0; i < f->c.nodes.n; i++)
        if (f->c.nodes.v[i].name == s) return (NodeId){i};
    DS_ASSERT(!"no such node");
    return NODE_NONE;
}

void fx_update_node(Fx *f, NodeId id, const Label *labels, uint32_t nlabels, const Taint *taints,
                    uint32_t ntaints)
{
    Node *n = cluster_node(&f->c, id);
    n->labels = labels;
    n->nlabels = nlabels;
    n->taints = taints;
    n->ntaints = ntaints;
    n->owns_labels = n->owns_taints = false;
    dsctl_node_changed(&f->c, id);
}

DsId fx_create_ds(Fx *f)
{
    DaemonSetSpec *spec = arena_alloc(&f->arena, sizeof *spec);
    *spec = f->spec;
    return cluster_create_ds(&f->c, spec);
}

void fx_update_template(Fx *f, DsId ds, const char *tmpl)
{
    DaemonSetSpec *spec = arena_alloc(&f->arena, sizeof *spec);
    *spec = *cluster_ds(&f->c, ds)->spec;
    spec->template_.canonical = arena_strdup(&f->arena, tmpl);
    cluster_update_ds(&f->c, ds, spec);
}

void fx_update_spec(Fx *f, DsId ds, const DaemonSetSpec *src)
{
    DaemonSetSpec *spec = arena_alloc(&f->arena, sizeof *spec);
    *spec = *src;
    cluster_update_ds(&f->c, ds, spec);
}

/* A bound pod holds its requests on the node, as the scheduler's binding does. */
static void fx_bind(Fx *f, PodId id)
{
    Pod *p = cluster_pod(&f->c, id);
    const Resources *r = &cluster_ds(&f->c, p->ds)->revs.v[p->rev].spec->template_.requests;
    Node *n = cluster_node(&f->c, p->node);
    p->bound = true;
    n->daemon_used.cpu += r->cpu;
    n->daemon_used.memory += r->memory;
    n->daemon_used.pods += 1000;
}

/* An "old" pod belongs to a revision before the current one; make one if
 * the DaemonSet has none yet (it then looks like it was created under it). */
static uint32_t old_revision(Fx *f, DsId id)
{
    DaemonSet *ds = cluster_ds(&f->c, id);
    for (uint32_t i = 0; i < ds->revs.n; i++)
        if (i != ds->cur) return i;
    Revision r = ds->revs.v[ds->cur];
    DaemonSetSpec *spec = arena_alloc(&f->arena, sizeof *spec);
    *spec = *ds->spec;
    spec->template_.canonical = "an older template";
    r.spec = spec;
    r.number = 0;
    r.hash_str[0] = 'o';
    VEC_PUSH(ds->revs, r);
    return (uint32_t)ds->revs.n - 1;
}

PodId fx_add_pod(Fx *f, DsId ds, NodeId node, FxPod o)
{
    PodId id = pod_create(&f->c, ds, node, f->sim.now);
    Pod *p = cluster_pod(&f->c, id);
    if (o.old) {
        uint32_t rev = old_revision(f, ds);
        p = cluster_pod(&f->c, id);
        p->rev = rev;
    }
    if (!o.unbound) fx_bind(f, id);
    SimTime now = f->sim.now;
    f->sim.now = o.created;
    pod_materialize(&f->c, id);
    f->sim.now = now;
    p = cluster_pod(&f->c, id);
    p->phase = o.phase != POD_PENDING ? o.phase : (o.ready ? POD_RUNNING : POD_PENDING);
    p->ready = o.ready;
    p->ready_since = o.ready ? (o.ready_since ? o.ready_since : o.created) : SIM_NEVER;
    p->deleting = o.deleting;
    pod_publish(&f->c, id);
    return id;
}

void fx_set_pod_ready(Fx *f, PodId id, bool ready)
{
    Pod *p = cluster_pod(&f->c, id);
    if (ready) p->phase = POD_RUNNING;
    pod_set_ready(&f->c, id, ready);
}

void fx_set_pod_phase(Fx *f, PodId id, PodPhase ph)
{
    Pod *p = cluster_pod(&f->c, id);
    p->phase = ph;
    if (ph == POD_FAILED || ph == POD_SUCCEEDED) p->ready = false;
    pod_publish(&f->c, id);
}

void fx_mark_pods_ready(Fx *f, DsId ds)
{
    for (uint32_t i = 0; i < f->c.pods.n; i++) {
        Pod *p = &f->c.pods.v[i];
        if (p->exists && p->ds.i == ds.i && !p->ready) {
            if (!p->bound) fx_bind(f, (PodId){i});
            fx_set_pod_ready(f, (PodId){i}, true);
        }
    }
}

void fx_set_time(Fx *f, SimTime t) { f->sim.now = t; }

void fx_sync(Fx *f, DsId ds)
{
    f->creates = f->deletes = f->events = 0;
    f->status_writes = 0;
    dsctl_sync_once(&f->c, ds);
}

void fx_set_create_limit(Fx *f, int limit)
{
    f->create_limit = limit;
    f->created_total = 0;
}

void fx_script_api_errors(Fx *f, double p, const char *pattern)
{
    uint64_t key = rng_key("conformance-script");
    for (uint64_t seed = 1;; seed++) {
        Rng *r = rng_new(seed, key);
        bool match = true;
        for (const char *c = pattern; *c && match; c++) match = (rng_uniform(r) < p) == (*c == 'F');
        rng_free(r);
        if (!match) continue;
        rng_free(f->c.rng[RS_API_ERRORS]);
        f->c.rng[RS_API_ERRORS] = rng_new(seed, key);
        return;
    }
}

bool fx_sync_failed(Fx *f, DsId ds) { return cluster_ds(&f->c, ds)->ctl->sync_failed; }

bool fx_enqueued(Fx *f, DsId ds) { return dsctl_enqueued(&f->c, ds); }

void fx_clear_queue(Fx *f, DsId ds) { dsctl_clear_enqueued(&f->c, ds); }

uint32_t fx_count_pods(Fx *f, DsId ds, NodeId node, bool include_terminating)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->c.pods.n; i++) {
        const Pod *p = &f->c.pods.v[i];
        if (!p->exists || p->ds.i != ds.i) continue;
        if (node.i != ID_NONE && p->node.i != node.i) continue;
        if (p->deleting && !include_terminating) continue;
        n++;
    }
    return n;
}

uint32_t fx_count_ready(Fx *f, DsId ds)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->c.pods.n; i++) {
        const Pod *p = &f->c.pods.v[i];
        n += p->exists && p->ds.i == ds.i && p->ready;
    }
    return n;
}

/* ---- additions for sections A-E and G ------------------------------------- */

const UpdateStrategy fx_strategies[2] = {STRATEGY_ON_DELETE, STRATEGY_ROLLING_UPDATE};

Fx *fx_new_strategy(UpdateStrategy s)
{
    Fx *f = fx_new();
    f->spec.strategy = s;
    return f;
}

int64_t fx_quantity(const char *q)
{
    int64_t milli = 0;
    const char *err = units_parse_quantity(q, &milli);
    DS_ASSERT(err == NULL);
    return milli;
}

Resources fx_allocatable(const char *memory, const char *cpu)
{
    return (Resources){.cpu = fx_quantity(cpu), .memory = fx_quantity(memory),
                       .pods = fx_quantity("100")};
}

Resources fx_requests(const char *memory, const char *cpu)
{
    return (Resources){.cpu = fx_quantity(cpu), .memory = fx_quantity(memory)};
}

NodeAffinity fx_affinity_in(Fx *f, const char *key, const char *value)
{
    Sym *values = arena_alloc(&f->arena, sizeof *values);
    values[0] = fx_sym(f, value);
    Requirement *r = arena_alloc(&f->arena, sizeof *r);
    *r = (Requirement){.key = fx_sym(f, key), .op = SEL_IN, .values = values, .nvalues = 1};
    NodeSelectorTerm *t = arena_alloc(&f->arena, sizeof *t);
    *t = (NodeSelectorTerm){.exprs = r, .nexprs = 1};
    return (NodeAffinity){.present = true, .terms = t, .nterms = 1};
}

Taint fx_taint(Fx *f, const char *key, const char *value, TaintEffect effect)
{
    return (Taint){fx_sym(f, key), fx_sym(f, value), effect};
}

void fx_remove_node(Fx *f, NodeId n)
{
    cluster_remove_node(&f->c, n);
    dsctl_node_changed(&f->c, n);
}

void fx_set_node_allocatable(Fx *f, NodeId n, Resources allocatable)
{
    cluster_node(&f->c, n)->allocatable = allocatable;
    dsctl_node_changed(&f->c, n);
}

void fx_set_node_ready(Fx *f, NodeId n, CondStatus ready)
{
    Node *node = cluster_node(&f->c, n);
    node->ready = ready;
    node->ready_changed = f->sim.now;
    dsctl_node_changed(&f->c, n);
}

void fx_delete_pod(Fx *f, PodId p) { pod_remove(&f->c, p); }

void fx_touch_pod(Fx *f, PodId p) { pod_publish(&f->c, p); }

void fx_set_ds_deleting(Fx *f, DsId ds) { cluster_ds(&f->c, ds)->deleting = true; }

void fx_mark_status_observed(Fx *f, DsId id)
{
    DaemonSet *ds = cluster_ds(&f->c, id);
    ds->status.observed_generation = ds->generation;
}

const FailBackoff *fx_backoff(Fx *f, DsId id, NodeId n)
{
    const DaemonSet *ds = cluster_ds(&f->c, id);
    for (uint32_t i = 0; i < ds->ctl->nbackoff; i++) {
        const FailBackoff *b = &ds->ctl->backoff[i];
        if (b->node == n.i && b->observed_generation == ds->status.observed_generation) return b;
    }
    return NULL;
}

uint32_t fx_count_enqueued(Fx *f)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->c.dsets.n; i++) n += dsctl_enqueued(&f->c, (DsId){i});
    return n;
}

bool fx_pod_mapped(Fx *f, DsId id, PodId p)
{
    const DaemonSet *ds = cluster_ds(&f->c, id);
    const Pod *pod = cluster_pod(&f->c, p);
    for (PodId q = ds->ctl->nodes[pod->node.i].pods; q.i != ID_NONE; q = f->c.pods.v[q.i].seen_next)
        if (q.i == p.i) return true;
    return false;
}

uint32_t fx_count_mapped(Fx *f, DsId id, NodeId n)
{
    const DaemonSet *ds = cluster_ds(&f->c, id);
    uint32_t k = 0;
    for (PodId q = ds->ctl->nodes[n.i].pods; q.i != ID_NONE; q = f->c.pods.v[q.i].seen_next) k++;
    return k;
}

/* fixture_more.h: helpers the conformance files for docs/conformance.md sections F–L
 * share, on top of fixture.h.
 *
 * Three groups. Spec edits: a copy of the DaemonSet's current spec to change
 * and hand to fx_update_spec() (a changed `canonical` text is a new template
 * revision, as in fx_update_template()). Pod handles the unit tests need
 * beyond the fixture's: find a node's pod by revision, remember a pod by name,
 * move a pod to an older revision. Time and the full simulation:
 * fxm_advance() lets simulated time pass by running the events
 * due until then, which is how the model learns that a Ready pod has become
 * available (EV_POD_AVAILABLE); fxm_new_async() gives the same world in normal
 * mode, for tests that drive scheduler, kubelets and watch latencies with
 * sim_run(). */
#ifndef DAEMONSIM_CONFORMANCE_FIXTURE_MORE_H
#define DAEMONSIM_CONFORMANCE_FIXTURE_MORE_H

#include "fixture.h"

/* ---- spec edits ------------------------------------------------------------ */

/* The DaemonSet's current spec, by value, to edit and pass to fx_update_spec(). */
static inline DaemonSetSpec fxm_spec(Fx *f, DsId ds) { return *cluster_ds(&f->c, ds)->spec; }

static inline IntOrPercent fxm_int(int32_t v) { return (IntOrPercent){false, v}; }
static inline IntOrPercent fxm_pct(int32_t v) { return (IntOrPercent){true, v}; }

/* RollingUpdate {maxUnavailable: v} (maxSurge 0), as upstream's newUpdateUnavailable. */
static inline void fxm_strategy_unavailable(DaemonSetSpec *s, IntOrPercent v)
{
    s->strategy = STRATEGY_ROLLING_UPDATE;
    s->max_unavailable = v;
    s->max_surge = fxm_int(0);
}

/* RollingUpdate {maxUnavailable: 0, maxSurge: v}, as upstream's newUpdateSurge. */
static inline void fxm_strategy_surge(DaemonSetSpec *s, IntOrPercent v)
{
    s->strategy = STRATEGY_ROLLING_UPDATE;
    s->max_unavailable = fxm_int(0);
    s->max_surge = v;
}

/* A new container image: the template's identity changes with it. The
 * canonical text is the image itself (static strings only). */
static inline void fxm_set_image(Fx *f, DaemonSetSpec *s, const char *image)
{
    s->template_.canonical = image;
    s->template_.image = fx_sym(f, image);
}

/* ---- pods and nodes ----------------------------------------------------------- */

/* The first non-terminating pod of the DaemonSet on the node that is (updated)
 * or is not (!updated) on the current revision; POD_NONE if there is none. */
static inline PodId fxm_pod_on(Fx *f, DsId ds, NodeId node, bool updated)
{
    const DaemonSet *d = cluster_ds(&f->c, ds);
    for (PodId id = cluster_node(&f->c, node)->pods; id.i != ID_NONE;
         id = cluster_pod(&f->c, id)->next_on_node) {
        const Pod *p = cluster_pod(&f->c, id);
        if (p->ds.i == ds.i && !p->deleting && (p->rev == d->cur) == updated) return id;
    }
    return POD_NONE;
}

/* Pod slots are reused, so a pod is remembered by its name. */
static inline Sym fxm_pod_name(Fx *f, PodId p) { return cluster_pod(&f->c, p)->name; }

static inline bool fxm_pod_alive(Fx *f, Sym name)
{
    for (uint32_t i = 0; i < f->c.pods.n; i++)
        if (f->c.pods.v[i].exists && f->c.pods.v[i].name == name) return true;
    return false;
}

/* Existing pods of the DaemonSet on the current revision. */
static inline uint32_t fxm_count_updated(Fx *f, DsId ds)
{
    const DaemonSet *d = cluster_ds(&f->c, ds);
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->c.pods.n; i++) {
        const Pod *p = &f->c.pods.v[i];
        n += p->exists && p->ds.i == ds.i && p->rev == d->cur;
    }
    return n;
}

/* Relabels a pod with another revision's hash (upstream sets the
 * controller-revision-hash label by hand). The per-revision pod counts that
 * history cleanup reads move with it; the controller is told by a watch event. */
static inline void fxm_set_pod_rev(Fx *f, PodId id, uint32_t rev)
{
    Pod *p = cluster_pod(&f->c, id);
    DaemonSet *d = cluster_ds(&f->c, p->ds);
    if (p->seen.exists) {
        d->revs.v[p->rev].pods--;
        d->revs.v[rev].pods++;
    }
    p->rev = rev;
    pod_publish(&f->c, id);
}

/* ---- time --------------------------------------------------------------------- */

/* Simulated time passes until t: the events due by then run (in sync mode
 * these are the model's own timers, e.g. minReadySeconds elapsing for a Ready
 * pod; enqueues are only recorded). Time never goes backwards. */
static inline void fxm_advance(Fx *f, SimTime t)
{
    if (t < f->sim.now) t = f->sim.now;
    sim_run(&f->sim, t);
    f->sim.now = t;
}

/* ---- the full simulation ------------------------------------------------------- */

/* The same world in normal mode: watch latencies, scheduler, kubelets, node
 * lifecycle and pod GC all run, with constant latencies. */
typedef struct {
    double watch, schedule, image_pull, container_start, readiness, termination, node_startup;
} FxmTimes;

static inline Fx *fxm_new_async(FxmTimes t)
{
    Fx *f = fx_new();
    f->c.sync_mode = false;
    f->sc.timing = (Timing){dist_constant(t.watch), dist_constant(t.schedule),
                            dist_constant(t.image_pull), dist_constant(t.container_start),
                            dist_constant(t.readiness), dist_constant(t.termination),
                            dist_constant(t.node_startup)};
    f->c.timing = f->sc.timing;
    return f;
}

/* Runs the simulation until t (the clock ends at t even when nothing is left to run). */
static inline void fxm_run_until(Fx *f, SimTime t)
{
    sim_run(&f->sim, t);
    if (f->sim.now < t) f->sim.now = t;
}

#endif

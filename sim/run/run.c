/* run.c: one run end to end. It wires a Cluster to the engine, records what
 * the model reports (pod and node events, sampled DaemonSet status, rollout
 * figures) into the store inside one transaction, prints kubectl-style
 * progress, and stops once every DaemonSet has converged and nothing more is
 * scheduled, or at the scenario's duration. */
#include "run_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemonsim/explain.h"
#include "daemonsim/progress.h"
#include "daemonsim/rolloutplan.h"

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void store_check(Run *r, int rc)
{
    if (rc == 0 || r->store_failed) return;
    r->store_failed = true;
    snprintf(r->store_err, sizeof r->store_err, "%s", store_errmsg(r->store));
    sim_stop(&r->sim);
}

static const char *sym(const Run *r, Sym s) { return strtab_str(r->c.strs, s); }

static const char *const record_names[] = {
    [RECORD_FULL] = "full", [RECORD_SUMMARY] = "summary", [RECORD_STATUS] = "status"};

bool run_parse_record(const char *s, RecordLevel *out)
{
    for (size_t i = 0; i < DS_ARRAY_LEN(record_names); i++)
        if (!strcmp(s, record_names[i])) {
            *out = (RecordLevel)i;
            return true;
        }
    return false;
}

const char *run_record_name(RecordLevel level) { return record_names[level]; }

/* ---- what the model reports ------------------------------------------------------ */

static void on_pod_event(void *ctx, SimTime t, const Pod *p, PodEventKind what)
{
    Run *r = ctx;
    const DaemonSet *ds = &r->c.dsets.v[p->ds.i];
    bool created = what == PE_CREATED;
    if (created) expect_check_pod_created(r, p);
    /* a summary keeps what the exposure counts: a pod that starts running a
     * revision, created or patched in place; a status record no pod rows */
    if (!r->store || r->opt->record == RECORD_STATUS ||
        (r->opt->record == RECORD_SUMMARY && !created && what != PE_IN_PLACE_UPDATE))
        return;
    store_check(r, store_pod_event(r->store, sim_to_seconds(t), sym(r, ds->name), sym(r, p->name),
                                   sym(r, r->c.nodes.v[p->node.i].name),
                                   ds->revs.v[p->rev].number, pod_event_name(what)));
}

static void on_node_event(void *ctx, SimTime t, const Node *n, NodeEventKind kind,
                          const char *detail)
{
    Run *r = ctx;
    if (!r->store || r->opt->record != RECORD_FULL) return;
    store_check(r, store_node_event(r->store, sim_to_seconds(t), sym(r, n->name),
                                    node_event_name(kind), detail));
}

static void on_k8s_event(void *ctx, SimTime t, const char *kind, const char *name,
                         const char *type, const char *reason, const char *message)
{
    Run *r = ctx;
    if (!r->store || r->opt->record != RECORD_FULL) return;
    store_check(r, store_k8s_event(r->store, sim_to_seconds(t), kind, name, type, reason, message));
}

/* On stderr even with -q (it is not progress), and in the database. */
static void on_warning(void *ctx, SimTime t, const DaemonSet *ds, const char *message)
{
    Run *r = ctx;
    const char *name = ds ? sym(r, ds->name) : NULL;
    if (r->opt->err) {
        char when[64];
        units_format_duration(t, when, sizeof when);
        fprintf(r->opt->err, "%s: warning at %s: %s%s%s%s\n", r->s->path, when,
                name ? "daemon set \"" : "", name ? name : "", name ? "\": " : "", message);
    }
    if (r->store) store_check(r, store_warning(r->store, sim_to_seconds(t), name, message));
}

static void on_plan_event(void *ctx, SimTime t, const DaemonSet *ds, uint32_t step, const char *what,
                          const char *detail)
{
    Run *r = ctx;
    /* a few rows per plan: kept in summary records too */
    if (r->store)
        store_check(r, store_plan_event(r->store, sim_to_seconds(t), sym(r, ds->name), step, what,
                                        detail));
    /* the end of a plan may be the last thing the run waits for */
    if (!strcmp(what, "Completed")) run_check_converged(r);
}

static void write_status_row(Run *r, SimTime t, const DaemonSet *ds)
{
    if (!r->store) return;
    const DsStatus *v = &ds->view;
    StoreStatus st = {
#define X(f, K, name) .f = v->f,
        DS_STATUS_COUNTS(X)
#undef X
        .updated_available = v->updated_available,
    };
    store_check(r, store_ds_status(r->store, sim_to_seconds(t), sym(r, ds->name), &st));
}

static RunDsState *ds_state(Run *r, const DaemonSet *ds)
{
    size_t i = (size_t)(ds - r->c.dsets.v);
    while (r->ds_state.n <= i) {
        RunDsState blank = {.last_print = -SIM_HOUR};
        VEC_PUSH(r->ds_state, blank);
        RunInvariantState inv = {0};
        VEC_PUSH(r->inv, inv);
    }
    return &r->ds_state.v[i];
}

/* Status rows: every change when sample is 0, else one row per DaemonSet at
 * each multiple of `sample` that follows a change (silence writes nothing). */
static void on_view_changed(void *ctx, SimTime t, const DaemonSet *ds)
{
    Run *r = ctx;
    RunDsState *st = ds_state(r, ds);
    expect_check_always(r, ds);
    SimTime sample = r->s->sample;
    if (sample == 0) {
        write_status_row(r, t, ds);
        return;
    }
    st->sample_dirty = true;
    if (!r->sample_pending) {
        r->sample_pending = true;
        sim_at(&r->sim, (t / sample + 1) * sample, EV_SAMPLE, 0, 0, 0);
    }
}

static void on_sample(void *ctx, Sim *sim, const Event *ev)
{
    Run *r = ctx;
    (void)ev;
    r->sample_pending = false;
    for (size_t i = 0; i < r->c.dsets.n && i < r->ds_state.n; i++) {
        if (!r->ds_state.v[i].sample_dirty) continue;
        r->ds_state.v[i].sample_dirty = false;
        write_status_row(r, sim->now, &r->c.dsets.v[i]);
    }
}

/* kubectl rollout status lines, stamped with simulated time. Without
 * --watch a DaemonSet prints at most one line per 10 simulated seconds; a
 * line held back is printed when the next one is due, or at the end, so the
 * last state of a stalled rollout is always shown. */
static void flush_held(Run *r, RunDsState *st)
{
    if (!st->held_msg[0]) return;
    progress_print_line(r->opt->err, st->held_at, st->held_msg);
    st->held_msg[0] = '\0';
}

static void on_status_written(void *ctx, SimTime t, const DaemonSet *ds)
{
    Run *r = ctx;
    RunDsState *st = ds_state(r, ds);
    char msg[256];
    bool done = dsctl_rollout_message(&r->c, ds, msg, sizeof msg);
    if (r->opt->progress != PROGRESS_QUIET && strcmp(msg, st->last_msg) != 0) {
        bool throttled = r->opt->progress == PROGRESS_NORMAL && !done && t - st->last_print < 10 * SIM_S;
        if (throttled) {
            snprintf(st->held_msg, sizeof st->held_msg, "%s", msg);
            st->held_at = t;
        } else {
            if (t - st->held_at >= 10 * SIM_S) flush_held(r, st);
            st->held_msg[0] = '\0';
            progress_print_line(r->opt->err, t, msg);
            st->last_print = t;
        }
        snprintf(st->last_msg, sizeof st->last_msg, "%s", msg);
    }
    run_check_converged(r);
}

/* ---- convergence ------------------------------------------------------------------ */

void run_check_converged(Run *r)
{
    if (r->s->stop_when != STOP_CONVERGED || r->pending > 0 || r->pending_expects > 0) return;
    for (size_t i = 0; i < r->c.dsets.n; i++) {
        const DaemonSet *ds = &r->c.dsets.v[i];
        if (!ds->exists) continue;
        if (rolloutplan_running(&r->c, ds)) return;
        /* No rollout at all: it was already running (alreadyRunning). */
        if (ds->rollouts.n > 0 && ds->rollouts.v[ds->rollouts.n - 1].completed == SIM_NEVER) return;
        if (ds->spec->strategy == STRATEGY_ON_DELETE &&
            (ds->status.updated < ds->status.desired || ds->status.available < ds->status.desired))
            return;
    }
    r->converged = true;
    sim_stop(&r->sim);
}

/* ---- the run ------------------------------------------------------------------- */

static void write_results(Run *r)
{
    for (size_t i = 0; i < r->c.dsets.n; i++) {
        const DaemonSet *ds = &r->c.dsets.v[i];
        write_status_row(r, r->sim.now, ds);
        for (size_t k = 0; k < ds->rollouts.n && r->store; k++) {
            const Rollout *ro = &ds->rollouts.v[k];
            double unavail = ro->unavailable_pod_seconds;
            if (ro->completed == SIM_NEVER)
                unavail += (double)ds->view.unavailable * sim_to_seconds(r->sim.now - ds->view_changed);
            StoreRollout row = {
                .daemonset = sym(r, ds->name),
                .revision = ro->revision,
                .started = sim_to_seconds(ro->started),
                .completed = ro->completed == SIM_NEVER ? -1.0 : sim_to_seconds(ro->completed),
                .max_unavailable = ro->max_unavailable,
                .unavailable_pod_seconds = unavail,
            };
            store_check(r, store_rollout(r->store, &row));
        }
    }
}

static char *version_string(void)
{
    char *v = xmalloc(128);
    snprintf(v, 128, "daemonsim %s; rng %s", DS_VERSION, rng_type_name());
    return v;
}

int run_scenario(const RunOptions *opt, RunResult *res, char *err, size_t errlen)
{
    double wall_start = wall_now();
    Run *r = xcalloc(1, sizeof *r);
    r->opt = opt;
    r->s = opt->scenario;
    memset(res, 0, sizeof *res);
    res->run_id = -1;

    if (opt->db_path) {
        r->store = store_open(opt->db_path, err, errlen);
        if (!r->store) {
            free(r);
            return -1;
        }
        char *version = version_string();
        StoreRunInfo info = {.scenario = r->s->name, .seed = opt->seed,
                             .params = opt->params_json ? opt->params_json : "{}",
                             .version = version};
        int rc = store_run_begin(r->store, &info, &res->run_id);
        free(version);
        /* The loader's warnings belong to the run too, at its start. */
        for (uint32_t i = 0; rc == 0 && i < r->s->nwarnings; i++)
            rc = store_warning(r->store, 0.0, NULL, r->s->warnings[i]);
        if (rc != 0) {
            snprintf(err, errlen, "%s", store_errmsg(r->store));
            store_close(r->store);
            free(r);
            return -1;
        }
    }

    sim_init(&r->sim);
    cluster_init(&r->c, &r->sim, r->s->strs, &r->s->control_plane, &r->s->timing, r->s->npools,
                 opt->seed);
    r->c.check = opt->check;
    r->c.sink = (Sink){.ctx = r, .pod_event = on_pod_event, .node_event = on_node_event,
                       .k8s_event = on_k8s_event, .warning = on_warning,
                       .status_written = on_status_written, .view_changed = on_view_changed,
                       .plan_event = on_plan_event};
    rolloutplan_install(&r->c, r->s->plans, r->s->nplans);
    sim_on(&r->sim, EV_SAMPLE, on_sample, r);
    actions_register(r);
    expect_register(r);

    uint32_t *pool_node = xmalloc((r->s->npools ? r->s->npools : 1) * sizeof *pool_node);
    for (uint32_t i = 0; i < r->s->npools; i++) {
        pool_node[i] = (uint32_t)r->c.nodes.n;
        for (uint32_t k = 0; k < r->s->pools[i].count; k++) cluster_add_node(&r->c, &r->s->pools[i], i);
    }
    for (uint32_t i = 0; i < r->s->ninitial; i++) cluster_create_ds(&r->c, &r->s->specs[i]);
    cluster_preload(&r->c, r->s->existing_pods, r->s->nexisting_pods, pool_node);
    free(pool_node);
    actions_schedule(r);
    expect_schedule(r);

    SimTime until = opt->until > 0 ? opt->until : r->s->duration;
    sim_run(&r->sim, until);
    if (!r->converged && r->sim.now < until && !r->store_failed) r->sim.now = until;

    for (size_t i = 0; i < r->ds_state.n && r->opt->progress != PROGRESS_QUIET; i++)
        flush_held(r, &r->ds_state.v[i]);
    expect_finish(r);
    res->expect_failures = r->expect_failures;
    res->end = r->sim.now;
    res->events = r->sim.events;
    res->peak_pending = r->sim.q.peak;
    res->converged = r->converged;

    if (opt->out) {
        progress_print_summary(opt->out, &r->c);
        explain_print(opt->out, &r->c);
    }
    int status = 0;
    if (r->store) {
        write_results(r);
        res->wall_seconds = wall_now() - wall_start;
        StoreRunEnd end = {.sim_seconds = sim_to_seconds(r->sim.now),
                           .wall_seconds = res->wall_seconds, .events = r->sim.events,
                           .expect_failures = r->expect_failures};
        if (!r->store_failed) store_check(r, store_run_commit(r->store, &end));
        if (r->store_failed) {
            store_run_abort(r->store);
            snprintf(err, errlen, "%s", r->store_err);
            res->run_id = -1;
            status = -1;
        }
        store_close(r->store);
    }
    res->wall_seconds = wall_now() - wall_start;

    for (uint32_t i = 0; i < r->s->nactions; i++) rng_free(r->action_rng[i]);
    free(r->action_rng);
    VEC_FREE(r->ds_state);
    VEC_FREE(r->inv);
    cluster_free(&r->c);
    sim_free(&r->sim);
    free(r);
    return status;
}

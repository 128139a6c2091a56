/* Conformance, docs/conformance.md sections J and K: the integration and e2e cases
 * whose checks a scenario's expect: block cannot state (pod identity, a pod
 * turned Succeeded, a pod deleted through the API, the per-poll invariants of
 * the surge e2e). The rest of §J and §K are tests/scenarios/conformance-*.yaml.
 *
 * These tests run the full asynchronous simulation: the fixture's world in
 * normal mode (fxm_new_async), with watch latencies, the scheduler, kubelets
 * and constant pod timings, advanced with sim_run. What upstream's harness or
 * e2e framework polls is read from the API server's truth (Pod fields). */
#include "fixture.h"
#include "fixture_more.h"
#include "harness.h"

#include <stdlib.h>

/* Pods start in about 3 s and turn Ready 2 s later. */
static const FxmTimes e2e_times = {.watch = 0.010, .schedule = 0.020, .image_pull = 2, .container_start = 1,
                                   .readiness = 2, .termination = 3, .node_startup = 20};

static bool pod_active(const Pod *p) { return p->phase == POD_PENDING || p->phase == POD_RUNNING; }

/* Upstream validateDaemonSetPodsActive: pods in phase Pending or Running. */
static uint32_t count_phase_active(Fx *f, DsId ds)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->c.pods.n; i++) {
        const Pod *p = &f->c.pods.v[i];
        n += p->exists && p->ds.i == ds.i && pod_active(p);
    }
    return n;
}

/* IsPodAvailable on the API server's copy of the pod (§11). */
static bool pod_available_now(Fx *f, const DaemonSet *ds, const Pod *p)
{
    if (!p->ready) return false;
    int32_t mrs = ds->spec->min_ready_seconds;
    return mrs == 0 || p->ready_since + mrs * SIM_S < f->sim.now;
}

/* e2e checkRunningOnAllNodes: exactly one available, non-deleted pod on every
 * node where the DaemonSet should run, none elsewhere. */
static bool running_on_all_nodes(Fx *f, DsId id)
{
    const DaemonSet *ds = cluster_ds(&f->c, id);
    for (uint32_t n = 0; n < f->c.nodes.n; n++) {
        const Node *node = &f->c.nodes.v[n];
        bool should_run = node->exists &&
                          (dsctl_eligibility(&f->c, ds, node, node->name) & ELIG_SHOULD_RUN);
        uint32_t available = 0;
        for (PodId o = node->pods; o.i != ID_NONE; o = f->c.pods.v[o.i].next_on_node) {
            const Pod *p = &f->c.pods.v[o.i];
            if (p->ds.i == id.i && !p->deleting && pod_available_now(f, ds, p)) available++;
        }
        if (available != (should_run ? 1u : 0u)) return false;
    }
    return true;
}

/* e2e CheckDaemonStatus: desired == current == ready, from the written status. */
static void expect_daemon_status(Fx *f, DsId id, int64_t desired)
{
    const DsStatus *st = &cluster_ds(&f->c, id)->status;
    EXPECT_EQ_I64(st->desired, desired);
    EXPECT_EQ_I64(st->current, desired);
    EXPECT_EQ_I64(st->ready, desired);
}

/* The containers exit 0: phase Succeeded, Ready gone, the kubelet stops
 * caring (its timers for the pod are cancelled), as cluster_fail_pod() does
 * for a non-zero exit. */
static void pod_succeed(Fx *f, PodId id)
{
    Pod *p = cluster_pod(&f->c, id);
    p->timer++;
    p->phase = POD_SUCCEEDED;
    p->ready = false;
    pod_publish(&f->c, id);
}

static PodId first_pod(Fx *f, DsId ds)
{
    for (uint32_t i = 0; i < f->c.pods.n; i++)
        if (f->c.pods.v[i].exists && f->c.pods.v[i].ds.i == ds.i && !f->c.pods.v[i].deleting)
            return (PodId){i};
    return POD_NONE;
}

/* C78 TestSimpleDaemonSetRestartsPodsOnTerminalPhase (§5.2 case B.1, §5.1:
 * terminal pods with a deletionTimestamp are not the node's pods any more).
 * 3 nodes, 3 Ready pods; one pod turns Succeeded, Failed, or Succeeded with a
 * finalizer; it is replaced and 3 pods are active and Ready again, for both
 * strategies. A finalizer keeps the deleted terminal pod object around; the
 * simulator has no finalizers, so that variant starts from the state the
 * controller's delete leaves behind (Succeeded with a deletionTimestamp, no
 * kubelet to remove it) and checks the replacement comes although the object
 * lingers. */
static void test_C78_TestSimpleDaemonSetRestartsPodsOnTerminalPhase(void)
{
    enum { SUCCEEDED, FAILED, SUCCEEDED_FINALIZER };
    static const char *const names[] = {"Succeeded", "Failed", "Succeeded with finalizer"};
    for (int variant = SUCCEEDED; variant <= SUCCEEDED_FINALIZER; variant++) {
        for (int s = 0; s < 2; s++) {
            Fx *f = fxm_new_async(e2e_times);
            if (s == 1) fxm_strategy_unavailable(&f->spec, fxm_int(1));
            f->spec.template_.termination_grace_seconds = 0;
            fx_add_nodes(f, 3, NULL, 0);
            DsId ds = fx_create_ds(f);
            fxm_run_until(f, 60 * SIM_S);
            EXPECT_EQ_I64(count_phase_active(f, ds), 3);
            EXPECT_EQ_I64(cluster_ds(&f->c, ds)->status.ready, 3);

            PodId victim = first_pod(f, ds);
            Sym victim_name = fxm_pod_name(f, victim);
            if (variant == FAILED) {
                cluster_fail_pod(&f->c, victim);
            } else {
                pod_succeed(f, victim);
                if (variant == SUCCEEDED_FINALIZER) {
                    cluster_pod(&f->c, victim)->deleting = true;
                    pod_publish(&f->c, victim);
                }
            }
            fxm_run_until(f, 120 * SIM_S);
            char msg[128];
            snprintf(msg, sizeof msg, "%s, %s: 3 active pods", names[variant], s ? "RollingUpdate" : "OnDelete");
            CU_assertImplementation(count_phase_active(f, ds) == 3, __LINE__, msg, __FILE__, "", CU_FALSE);
            EXPECT_EQ_I64(cluster_ds(&f->c, ds)->status.ready, 3);
            /* Only the finalizer keeps the terminal pod object. */
            EXPECT_EQ_I64(fxm_pod_alive(f, victim_name), variant == SUCCEEDED_FINALIZER);
            fx_free(f);
        }
    }
}

/* C83 e2e "should run and stop simple daemon" (§5.2 case A): a pod deleted
 * through the API is recreated; every node runs one available pod again. */
static void test_C83_e2e_ShouldRunAndStopSimpleDaemon(void)
{
    Fx *f = fxm_new_async(e2e_times);
    fxm_strategy_unavailable(&f->spec, fxm_int(1));
    fx_add_nodes(f, 3, NULL, 0);
    DsId ds = fx_create_ds(f);
    fxm_run_until(f, 60 * SIM_S);
    CU_ASSERT_TRUE(running_on_all_nodes(f, ds));
    expect_daemon_status(f, ds, 3);

    PodId victim = first_pod(f, ds);
    Sym victim_name = fxm_pod_name(f, victim);
    pod_begin_delete(&f->c, victim);
    fxm_run_until(f, 120 * SIM_S);
    CU_ASSERT_FALSE(fxm_pod_alive(f, victim_name));
    CU_ASSERT_TRUE(running_on_all_nodes(f, ds));
    expect_daemon_status(f, ds, 3);
    fx_free(f);
}

/* Is the pod on the template whose canonical text is `tmpl`? */
static bool pod_on_template(Fx *f, const Pod *p, const char *tmpl)
{
    const char *have = cluster_ds(&f->c, p->ds)->revs.v[p->rev].spec->template_.canonical;
    return have && strcmp(have, tmpl) == 0;
}

/* C89 e2e "should rollback without unnecessary restarts" (§12 rollback,
 * §8.2): an update to an image that cannot be pulled stalls the rollout
 * (maxUnavailable 1); rolling back brings every pod to the original image
 * and available, and each pod that was on the original image before the
 * rollback is still the same pod. */
static void test_C89_e2e_ShouldRollbackWithoutUnnecessaryRestarts(void)
{
    Fx *f = fxm_new_async(e2e_times);
    fxm_strategy_unavailable(&f->spec, fxm_int(1));
    fx_add_nodes(f, 3, NULL, 0);
    DsId ds = fx_create_ds(f);
    fxm_run_until(f, 60 * SIM_S);
    CU_ASSERT_TRUE(running_on_all_nodes(f, ds));

    DaemonSetSpec s = fxm_spec(f, ds);
    fxm_set_image(f, &s, "foo:non-existent");
    s.template_.failure = (Failure){FAILURE_IMAGE_PULL, 1.0};
    fx_update_spec(f, ds, &s);
    fxm_run_until(f, 5 * SIM_MIN);

    /* In the middle of the rollout: old pods and at least one new one. */
    Sym existing[8];
    uint32_t nexisting = 0, nnew = 0;
    for (uint32_t i = 0; i < f->c.pods.n; i++) {
        const Pod *p = &f->c.pods.v[i];
        if (!p->exists || p->ds.i != ds.i || p->deleting) continue;
        if (pod_on_template(f, p, "foo/bar") && nexisting < DS_ARRAY_LEN(existing)) existing[nexisting++] = p->name;
        else nnew++;
    }
    CU_ASSERT_TRUE(nexisting >= 1);
    CU_ASSERT_TRUE(nnew >= 1);

    char why[256];
    CU_ASSERT_TRUE(cluster_rollback_ds(&f->c, ds, 0, why, sizeof why));
    fxm_run_until(f, 10 * SIM_MIN);

    const DaemonSet *d = cluster_ds(&f->c, ds);
    for (uint32_t i = 0; i < f->c.pods.n; i++) {
        const Pod *p = &f->c.pods.v[i];
        if (!p->exists || p->ds.i != ds.i || p->deleting) continue;
        CU_ASSERT_TRUE(pod_on_template(f, p, "foo/bar"));
        CU_ASSERT_TRUE(pod_available_now(f, d, p));
    }
    CU_ASSERT_TRUE(running_on_all_nodes(f, ds));
    for (uint32_t k = 0; k < nexisting; k++) {
        char msg[128];
        snprintf(msg, sizeof msg, "pod %s was restarted", strtab_str(f->c.strs, existing[k]));
        CU_assertImplementation(fxm_pod_alive(f, existing[k]), __LINE__, msg, __FILE__, "", CU_FALSE);
    }
    fx_free(f);
}

/* ---- C90: the surge e2e's per-poll invariants -------------------------------- */

enum { V_OLD, V_NEW, V__COUNT };

#define SURGE_NODES 5
#define SURGE_MAX_PODS 256

/* What the e2e keeps between polls. UIDs are pod names (never reused). */
typedef struct {
    Sym deliberate[SURGE_MAX_PODS];     /* deliberatelyDeletedPods */
    uint32_t ndeliberate;
    Sym old_uid[SURGE_MAX_PODS];        /* ageOfOldPod */
    SimTime old_seen[SURGE_MAX_PODS];
    uint32_t nold;
    uint32_t violations;
    uint32_t lost_wakeups;              /* polls where the controller had nothing pending */
    uint64_t seed;                      /* of the random failures, for the report */
} SurgeWatch;

static bool sym_in(const Sym *set, uint32_t n, Sym s)
{
    for (uint32_t i = 0; i < n; i++)
        if (set[i] == s) return true;
    return false;
}

/* Reports one violated invariant (the first few in full). */
static void surge_violation(SurgeWatch *w, SimTime now, const char *what)
{
    w->violations++;
    if (w->violations <= 5) {
        char msg[256];
        snprintf(msg, sizeof msg, "seed %llu, t=%.0fs: %s", (unsigned long long)w->seed, sim_to_seconds(now),
                 what);
        CU_assertImplementation(CU_FALSE, __LINE__, msg, __FILE__, "", CU_FALSE);
    }
}

/* One 1 s poll of the e2e: tallies per node and version, checks the
 * invariants, and returns whether the rollout is complete. Node index
 * SURGE_NODES stands for "no nodeName yet" (unscheduled pods). */
static bool surge_poll(Fx *f, DsId id, uint32_t new_rev, SurgeWatch *w)
{
    const DaemonSet *ds = cluster_ds(&f->c, id);
    SimTime now = f->sim.now;
    int running[SURGE_NODES + 1][V__COUNT] = {{0}}, deleted[SURGE_NODES + 1][V__COUNT] = {{0}};
    int deleted_per_node[SURGE_NODES + 1] = {0};
    int new_unavailable = 0, new_deliberate = 0, old_unavailable = 0;
    Sym live[SURGE_MAX_PODS], gone[SURGE_MAX_PODS];
    uint32_t nlive = 0, ngone = 0;

    for (uint32_t i = 0; i < f->c.pods.n; i++) {
        const Pod *p = &f->c.pods.v[i];
        if (!p->exists || p->ds.i != id.i) continue;
        uint32_t node = p->bound ? p->node.i : SURGE_NODES;
        int v = p->rev == new_rev ? V_NEW : V_OLD;
        bool deliberate = sym_in(w->deliberate, w->ndeliberate, p->name);
        if (p->deleting) {
            if (!deliberate) {
                deleted[node][v]++;
                deleted_per_node[node]++;
            }
            if (ngone < SURGE_MAX_PODS) gone[ngone++] = p->name;
        } else {
            running[node][v]++;
            if (nlive < SURGE_MAX_PODS) live[nlive++] = p->name;
        }
        bool available = pod_available_now(f, ds, p);
        if (v == V_NEW && (!available || p->deleting)) {
            new_deliberate += deliberate;
            new_unavailable++;
        } else if (v == V_OLD && (!available || p->deleting)) {
            old_unavailable++;
        }
    }

    /* Old pods beside a new one: when the overlap was first seen. */
    for (uint32_t i = 0; i < f->c.pods.n; i++) {
        const Pod *p = &f->c.pods.v[i];
        if (!p->exists || p->ds.i != id.i || p->deleting || p->rev == new_rev) continue;
        uint32_t node = p->bound ? p->node.i : SURGE_NODES;
        uint32_t k = 0;
        while (k < w->nold && w->old_uid[k] != p->name) k++;
        if (running[node][V_NEW] > 0) {
            if (k == w->nold && w->nold < SURGE_MAX_PODS) {
                w->old_uid[w->nold] = p->name;
                w->old_seen[w->nold++] = now;
            }
        } else if (k < w->nold) {
            w->old_uid[k] = w->old_uid[--w->nold];
            w->old_seen[k] = w->old_seen[w->nold];
        }
    }
    for (uint32_t k = 0; k < w->nold;) {
        if (sym_in(live, nlive, w->old_uid[k])) {
            k++;
            continue;
        }
        w->old_uid[k] = w->old_uid[--w->nold];
        w->old_seen[k] = w->old_seen[w->nold];
    }
    uint32_t kept = 0;
    for (uint32_t k = 0; k < w->ndeliberate; k++)
        if (sym_in(gone, ngone, w->deliberate[k])) w->deliberate[kept++] = w->deliberate[k];
    w->ndeliberate = kept;

    int nodes_without_old = 0;
    for (uint32_t n = 0; n <= SURGE_NODES; n++)
        if (running[n][V_OLD] + running[n][V_NEW] > 0 && running[n][V_OLD] == 0) nodes_without_old++;

    char what[160];
    for (uint32_t n = 0; n <= SURGE_NODES; n++)
        if (deleted_per_node[n] > 1) {
            snprintf(what, sizeof what, "node %u has %d deleted pods", n, deleted_per_node[n]);
            surge_violation(w, now, what);
        }
    /* The delaying queue keeps one waiting entry per DaemonSet at the earliest
     * time: a new pod's "Ready + minReadySeconds + 1 s" wake-up is absorbed by
     * an earlier one, and on a surging node the old pod speaks for the status
     * (numberReady == numberAvailable), so no resync follows. Until the next
     * event the controller does not look: an old pod beside a newer one then
     * outlives 60 s with nothing pending — upstream's behaviour, counted
     * apart; with a wake-up pending it is a violation. */
    bool idle = !dsctl_enqueued(&f->c, id) && workqueue_waiting_at(&f->c.ds_queue, id.i) == SIM_NEVER &&
                f->c.idle_workers == f->c.cp.workers;
    for (uint32_t k = 0; k < w->nold; k++)
        if (now - w->old_seen[k] > 60 * SIM_S && idle) {
            w->lost_wakeups++;
            break;
        } else if (now - w->old_seen[k] > 60 * SIM_S) {
            snprintf(what, sizeof what, "old pod %s beside a newer one for more than 60s",
                     strtab_str(f->c.strs, w->old_uid[k]));
            surge_violation(w, now, what);
        }
    if (new_unavailable > 1 + old_unavailable + new_deliberate + nodes_without_old) {
        snprintf(what, sizeof what, "%d new unavailable > 1 + %d old unavailable + %d deliberate + %d without old",
                 new_unavailable, old_unavailable, new_deliberate, nodes_without_old);
        surge_violation(w, now, what);
    }
    for (uint32_t n = 0; n < SURGE_NODES; n++)
        for (int v = 0; v < V__COUNT; v++) {
            if (running[n][v] > 1) {
                snprintf(what, sizeof what, "node %u has %d running pods of version %d", n, running[n][v], v + 1);
                surge_violation(w, now, what);
            }
            if (deleted[n][v] > 2) {
                snprintf(what, sizeof what, "node %u has %d deleted pods of version %d", n, deleted[n][v], v + 1);
                surge_violation(w, now, what);
            }
            if (running[n][v] + deleted[n][v] > 2) {
                snprintf(what, sizeof what, "node %u has %d pods of version %d", n,
                         running[n][v] + deleted[n][v], v + 1);
                surge_violation(w, now, what);
            }
        }

    for (uint32_t n = 0; n < SURGE_NODES; n++) {
        int versions = (running[n][V_OLD] > 0) + (running[n][V_NEW] > 0);
        bool any_deleted = deleted[n][V_OLD] + deleted[n][V_NEW] > 0;
        if (running[n][V_NEW] == 0 || versions > 1 || any_deleted || new_unavailable > 0) return false;
    }
    return true;
}

/* A random pod among the DaemonSet's non-deleted ones (only old ones when
 * old_only); POD_NONE when there is none. */
static PodId surge_random_pod(Fx *f, DsId id, uint32_t new_rev, bool old_only, Rng *rng)
{
    uint32_t cand[SURGE_MAX_PODS], n = 0;
    for (uint32_t i = 0; i < f->c.pods.n && n < SURGE_MAX_PODS; i++) {
        const Pod *p = &f->c.pods.v[i];
        if (p->exists && p->ds.i == id.i && !p->deleting && !(old_only && p->rev == new_rev)) cand[n++] = i;
    }
    return n ? (PodId){cand[rng_below(rng, n)]} : POD_NONE;
}

/* C90 e2e "should surge pods onto nodes when spec was updated and update
 * strategy is RollingUpdate" (§8.3, §5.2 case B.3, §11). 5 nodes, so that
 * maxSurge 20% is the 1 the e2e's checks assume; minReadySeconds 10,
 * readiness after 7 s (the probe's initial delay), a 15 s preStop. Every
 * simulated second the e2e's invariants are checked on the API server's pods;
 * while the rollout is incomplete, with probability 1/25 a random old pod's
 * readiness fails for good and with probability 1/25 a random pod is deleted
 * (deliberately). The e2e's "at most 2 versions" check never fires as written
 * (its set is shadowed) and is not ported. Afterwards every node runs one
 * available pod, revision 2 is current and every pod is on it. Several seeds
 * stand in for the e2e's repeated runs. */
static void test_C90_e2e_ShouldSurgePodsOntoNodes(void)
{
    FxmTimes times = e2e_times;
    times.readiness = 7;
    times.termination = 15;
    for (uint64_t seed = 1; seed <= 8; seed++) {
        Fx *f = fxm_new_async(times);
        fxm_strategy_surge(&f->spec, fxm_pct(20));
        f->spec.min_ready_seconds = 10;
        f->spec.template_.canonical = "VERSION=1";
        fx_add_nodes(f, SURGE_NODES, NULL, 0);
        DsId ds = fx_create_ds(f);
        fxm_run_until(f, 2 * SIM_MIN);
        CU_ASSERT_TRUE(running_on_all_nodes(f, ds));
        EXPECT_EQ_I64(cluster_ds(&f->c, ds)->revs.v[cluster_ds(&f->c, ds)->cur].number, 1);

        DaemonSetSpec s = fxm_spec(f, ds);
        s.template_.canonical = "VERSION=2";
        fx_update_spec(f, ds, &s);
        uint32_t new_rev = cluster_ds(&f->c, ds)->cur;

        Rng *rng = rng_new(seed, rng_key("c90-e2e"));
        SurgeWatch *w = xcalloc(1, sizeof *w);
        w->seed = seed;
        SimTime deadline = f->sim.now + 5 * SIM_MIN + SURGE_NODES * 30 * SIM_S;
        bool complete = false;
        while (!complete && f->sim.now < deadline) {
            complete = surge_poll(f, ds, new_rev, w);
            if (!complete) {
                switch (rng_below(rng, 25)) {
                case 0: {
                    /* The e2e execs into the pod to break its probe; that
                     * fails (and changes nothing) unless the pod runs. */
                    PodId p = surge_random_pod(f, ds, new_rev, true, rng);
                    if (p.i != ID_NONE && cluster_pod(&f->c, p)->phase == POD_RUNNING) {
                        cluster_pod(&f->c, p)->timer++;
                        pod_set_ready(&f->c, p, false);
                    }
                    break;
                }
                case 1: {
                    PodId p = surge_random_pod(f, ds, new_rev, false, rng);
                    if (p.i != ID_NONE && w->ndeliberate < SURGE_MAX_PODS) {
                        w->deliberate[w->ndeliberate++] = fxm_pod_name(f, p);
                        pod_begin_delete(&f->c, p);
                    }
                    break;
                }
                default: break;
                }
                fxm_run_until(f, f->sim.now + SIM_S);
            }
        }
        char msg[96];
        snprintf(msg, sizeof msg, "seed %llu: rollout complete", (unsigned long long)seed);
        CU_assertImplementation(complete, __LINE__, msg, __FILE__, "", CU_FALSE);
        EXPECT_EQ_I64(w->violations, 0);

        fxm_run_until(f, f->sim.now + 2 * SIM_MIN);
        CU_ASSERT_TRUE(running_on_all_nodes(f, ds));
        const DaemonSet *d = cluster_ds(&f->c, ds);
        EXPECT_EQ_I64(d->revs.v[d->cur].number, 2);
        EXPECT_EQ_I64(fxm_count_updated(f, ds), fx_count_pods(f, ds, NODE_NONE, true));
        free(w);
        rng_free(rng);
        fx_free(f);
    }
}

static CU_TestInfo tests[] = {
    {"C78 TestSimpleDaemonSetRestartsPodsOnTerminalPhase", test_C78_TestSimpleDaemonSetRestartsPodsOnTerminalPhase},
    {"C83 e2e should run and stop simple daemon", test_C83_e2e_ShouldRunAndStopSimpleDaemon},
    {"C89 e2e should rollback without unnecessary restarts", test_C89_e2e_ShouldRollbackWithoutUnnecessaryRestarts},
    {"C90 e2e should surge pods onto nodes", test_C90_e2e_ShouldSurgePodsOntoNodes},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"e2e", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

/* Control-plane timing around the controller, each case derived from the
 * upstream function it names: whole-second API time, the scheduler's
 * revision tolerations and back-off, the API server's immediate deletes,
 * and the node lifecycle controller's startup grace (docs/behaviour.md
 * §5.2, §7.1, §7.7, §11). */
#include "daemonsim/sched.h"
#include "fixture_more.h"
#include "harness.h"

/* daemon_controller.go podByCreationTimestampAndPhase with metav1.Time:
 * creationTimestamp is kept to the second, so two pods created in the same
 * second are ordered by name. Created at 10.2 s ("agent-zzzzz") and 10.7 s
 * ("agent-aaaaa"): both read 10 s, the later one sorts first and is kept;
 * the other is deleted as the duplicate (§5.2 case B.2). */
static void test_podByCreationTimestampAndPhase_whole_seconds(void)
{
    Fx *f = fx_new();
    f->spec.name = fx_sym(f, "agent");
    NodeId n = fx_add_node(f, (FxNode){0});
    DsId ds = fx_create_ds(f);
    PodId early = fx_add_pod(f, ds, n, (FxPod){.created = 10200 * SIM_MS, .ready = true});
    PodId late = fx_add_pod(f, ds, n, (FxPod){.created = 10700 * SIM_MS, .ready = true});
    EXPECT_EQ_I64(cluster_pod(&f->c, early)->created, 10 * SIM_S);
    EXPECT_EQ_I64(cluster_pod(&f->c, late)->created, 10 * SIM_S);
    cluster_pod(&f->c, early)->name = fx_sym(f, "agent-zzzzz");
    cluster_pod(&f->c, late)->name = fx_sym(f, "agent-aaaaa");
    fx_touch_pod(f, early);
    fx_touch_pod(f, late);
    fx_sync(f, ds);
    EXPECT_SYNC(f, 0, 1, 0);
    CU_ASSERT_TRUE(cluster_pod(&f->c, late)->exists);
    CU_ASSERT_FALSE(cluster_pod(&f->c, early)->exists);
    fx_free(f);
}

/* pkg/api/v1/pod IsPodAvailable: Ready lastTransitionTime (whole seconds) +
 * minReadySeconds < now, strictly. Ready at 4.9 s reads 4 s: with
 * minReadySeconds 10 the pod is available after 14 s, not 14.9 s. */
static void test_IsPodAvailable_whole_second_transition(void)
{
    Fx *f = fx_new();
    f->spec.min_ready_seconds = 10;
    NodeId n = fx_add_node(f, (FxNode){0});
    DsId ds = fx_create_ds(f);
    PodId p = fx_add_pod(f, ds, n, (FxPod){.created = SIM_S});
    fxm_advance(f, 4900 * SIM_MS);
    fx_set_pod_ready(f, p, true);
    EXPECT_EQ_I64(cluster_pod(&f->c, p)->ready_since, 4 * SIM_S);
    const DaemonSet *d = cluster_ds(&f->c, ds);
    CU_ASSERT_FALSE(dsctl_pod_available(&f->c, d, &cluster_pod(&f->c, p)->seen, 14 * SIM_S));
    CU_ASSERT_TRUE(dsctl_pod_available(&f->c, d, &cluster_pod(&f->c, p)->seen, 14 * SIM_S + 1));
    fx_free(f);
}

/* scheduler TaintToleration: a pod carries the tolerations of the template it
 * was created from. A pending pod of the old revision, which tolerates
 * dedicated=user1:NoSchedule, still fits the tainted node after the
 * DaemonSet's new revision dropped the toleration; a pod of the new one does not. */
static void test_TaintToleration_pod_revision_tolerations(void)
{
    Fx *f = fx_new();
    Toleration *t = arena_alloc(&f->arena, sizeof *t);
    *t = (Toleration){.key = fx_sym(f, "dedicated"), .op = TOL_EQUAL, .value = fx_sym(f, "user1"),
                      .effect = EFFECT_NO_SCHEDULE};
    f->spec.template_.tolerations = t;
    f->spec.template_.ntolerations = 1;
    Taint taint = fx_taint(f, "dedicated", "user1", EFFECT_NO_SCHEDULE);
    NodeId n = fx_add_node(f, (FxNode){.taints = &taint, .ntaints = 1});
    DsId ds = fx_create_ds(f);
    PodId old = fx_add_pod(f, ds, n, (FxPod){.unbound = true});
    DaemonSetSpec s = fxm_spec(f, ds);
    s.template_.tolerations = NULL;
    s.template_.ntolerations = 0;
    s.template_.canonical = "without the toleration";
    s.strategy = STRATEGY_ON_DELETE;
    fx_update_spec(f, ds, &s);
    const Node *node = cluster_node(&f->c, n);
    CU_ASSERT_PTR_NULL(sched_filter(&f->c, cluster_pod(&f->c, old), node));
    PodId cur = fx_add_pod(f, ds, n, (FxPod){.unbound = true});
    EXPECT_STR(sched_filter(&f->c, cluster_pod(&f->c, cur), node), "node(s) had untolerated taint(s)");
    fx_free(f);
}

/* scheduling_queue.go (MoveAllToActiveOrBackoffQueue, isPodBackingoff): a
 * node event moves an unschedulable pod back at once if its back-off, counted
 * from its last attempt, has run out, else when it does. */
static void test_scheduling_queue_backoff_from_last_attempt(void)
{
    Fx *f = fxm_new_async((FxmTimes){.watch = 0.1, .schedule = 0.1, .image_pull = 5,
                                     .readiness = 2, .node_startup = 10});
    f->spec.template_.requests = fx_requests("1Gi", "2");
    NodeId n = fx_add_node(f, (FxNode){.allocatable = fx_allocatable("512Mi", "4")});
    DsId ds = fx_create_ds(f);
    fxm_run_until(f, 10 * SIM_S);
    PodId p = fxm_pod_on(f, ds, n, true);
    CU_ASSERT_FATAL(p.i != ID_NONE);
    SimTime t0 = cluster_pod(&f->c, p)->sched_last;
    CU_ASSERT_FATAL(t0 > 0 && t0 < 10 * SIM_S);
    /* First failure: back-off 1 s. A node change at 10 s is past it: retried now. */
    const Label *l;
    uint32_t nl;
    l = fx_labels(f, &nl, "a", "1", NULL);
    cluster_set_labels(&f->c, n, l, nl, NULL, 0);
    fxm_run_until(f, 10 * SIM_S);
    EXPECT_EQ_I64(cluster_pod(&f->c, p)->sched_last, 10 * SIM_S);
    /* Second failure: back-off 2 s from 10 s. A change at 11 s waits until 12 s. */
    fxm_run_until(f, 11 * SIM_S);
    l = fx_labels(f, &nl, "a", "2", NULL);
    cluster_set_labels(&f->c, n, l, nl, NULL, 0);
    fxm_run_until(f, 12 * SIM_S - 1);
    EXPECT_EQ_I64(cluster_pod(&f->c, p)->sched_last, 10 * SIM_S);
    fxm_run_until(f, 12 * SIM_S);
    EXPECT_EQ_I64(cluster_pod(&f->c, p)->sched_last, 12 * SIM_S);
    fx_free(f);
}

/* pkg/registry/core/pod/strategy.go CheckGracefulDelete: a Failed or
 * Succeeded pod is deleted with grace period 0, so on a node whose kubelet is
 * down it goes at once instead of staying Terminating; a running pod there
 * stays Terminating (§7.3). */
static void test_CheckGracefulDelete_terminal_pod_on_down_node(void)
{
    Fx *f = fxm_new_async((FxmTimes){.watch = 0.1, .schedule = 0.1, .image_pull = 5,
                                     .readiness = 2, .node_startup = 10});
    NodeId a = fx_add_node(f, (FxNode){0}), b = fx_add_node(f, (FxNode){0});
    DsId ds = fx_create_ds(f);
    fxm_run_until(f, 30 * SIM_S);
    PodId pa = fxm_pod_on(f, ds, a, true), pb = fxm_pod_on(f, ds, b, true);
    CU_ASSERT_FATAL(pa.i != ID_NONE && pb.i != ID_NONE);
    cluster_kubelet_stop(&f->c, a);
    cluster_kubelet_stop(&f->c, b);
    cluster_fail_pod(&f->c, pa);
    pod_begin_delete(&f->c, pa);
    pod_begin_delete(&f->c, pb);
    CU_ASSERT_FALSE(cluster_pod(&f->c, pa)->exists);
    CU_ASSERT_TRUE(cluster_pod(&f->c, pb)->exists);
    CU_ASSERT_TRUE(cluster_pod(&f->c, pb)->deleting);
    fx_free(f);
}

static bool has_no_schedule(Fx *f, NodeId id, const char *key)
{
    const Node *node = cluster_node(&f->c, id);
    for (uint32_t i = 0; i < node->ntaints; i++)
        if (node->taints[i].key == fx_sym(f, key) && node->taints[i].effect == EFFECT_NO_SCHEDULE) return true;
    return false;
}

/* node_lifecycle_controller.go tryUpdateNodeHealth: while the kubelet has
 * never posted a Ready condition the grace period is --node-startup-grace-period
 * (60 s). A node registers at 100 s and its kubelet (renewing its Lease at
 * 100, 110, 120 s) stops at 125 s before startup completes: the pass at 120 s
 * saw the last renewal, so the node turns Unknown on the first pass after
 * 180 s, at 185 s (with the 50 s monitor grace it would be 175 s). It joined
 * with not-ready:NoSchedule (TaintNodesByCondition). */
static void test_tryUpdateNodeHealth_startup_grace_for_joining_node(void)
{
    Fx *f = fxm_new_async((FxmTimes){.watch = 0.1, .schedule = 0.1, .node_startup = 600});
    fx_add_node(f, (FxNode){0});
    fxm_run_until(f, 100 * SIM_S);
    NodeId n = fx_add_node(f, (FxNode){.name = "joining"});
    CU_ASSERT_TRUE(has_no_schedule(f, n, "node.kubernetes.io/not-ready"));
    fxm_run_until(f, 125 * SIM_S);
    cluster_kubelet_stop(&f->c, n);
    fxm_run_until(f, 185 * SIM_S - 1);
    EXPECT_EQ_I64(cluster_node(&f->c, n)->ready, COND_FALSE);
    fxm_run_until(f, 185 * SIM_S);
    EXPECT_EQ_I64(cluster_node(&f->c, n)->ready, COND_UNKNOWN);
    /* The NoSchedule taint mirrors Unknown now (doNoScheduleTaintingPass). */
    CU_ASSERT_TRUE(has_no_schedule(f, n, "node.kubernetes.io/unreachable"));
    CU_ASSERT_FALSE(has_no_schedule(f, n, "node.kubernetes.io/not-ready"));
    fx_free(f);
}

/* daemon_controller.go processNextWorkItem with client-go's default
 * controller rate limiter: a sync that fails (here rollingUpdate with surge,
 * which looks up the node of every old pod and fails while one is gone, §8.3)
 * goes back through AddRateLimited — 5 ms, 10 ms, 20 ms ... doubling, so 13
 * failures by 40.96 s — and the first successful sync Forgets the key. The
 * old pod of the node deleted at 30 s is force-deleted by pod GC at 80 s
 * (noticed at 40 s, 40 s quarantine), after which the syncs succeed. */
static void test_processNextWorkItem_AddRateLimited_then_Forget(void)
{
    Fx *f = fxm_new_async((FxmTimes){.watch = 0.1, .schedule = 0.1, .image_pull = 1,
                                     .readiness = 1, .node_startup = 10});
    fxm_strategy_surge(&f->spec, fxm_int(1));
    fx_add_nodes(f, 2, NULL, 0);
    DsId ds = fx_create_ds(f);
    fxm_run_until(f, 30 * SIM_S);
    EXPECT_EQ_I64(workqueue_num_requeues(&f->c.ds_queue, ds.i), 0);
    DaemonSetSpec s = fxm_spec(f, ds);
    fxm_set_image(f, &s, "foo:2");
    fx_update_spec(f, ds, &s);
    cluster_remove_node(&f->c, fx_node(f, "node-1"));
    fxm_run_until(f, 31 * SIM_S);
    CU_ASSERT_TRUE(workqueue_num_requeues(&f->c.ds_queue, ds.i) >= 1);
    fxm_run_until(f, 80 * SIM_S - 1);
    CU_ASSERT_TRUE(workqueue_num_requeues(&f->c.ds_queue, ds.i) >= 13);
    fxm_run_until(f, 90 * SIM_S);
    EXPECT_EQ_I64(workqueue_num_requeues(&f->c.ds_queue, ds.i), 0);
    fx_free(f);
}

static CU_TestInfo tests[] = {
    {"podByCreationTimestampAndPhase: whole seconds, then names", test_podByCreationTimestampAndPhase_whole_seconds},
    {"IsPodAvailable: whole-second lastTransitionTime", test_IsPodAvailable_whole_second_transition},
    {"TaintToleration: the pod's own revision", test_TaintToleration_pod_revision_tolerations},
    {"scheduling queue: back-off from the last attempt", test_scheduling_queue_backoff_from_last_attempt},
    {"CheckGracefulDelete: terminal pod on a down node", test_CheckGracefulDelete_terminal_pod_on_down_node},
    {"tryUpdateNodeHealth: startup grace for a joining node", test_tryUpdateNodeHealth_startup_grace_for_joining_node},
    {"processNextWorkItem: AddRateLimited, then Forget", test_processNextWorkItem_AddRateLimited_then_Forget},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"timing", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

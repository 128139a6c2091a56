/* Conformance, docs/conformance.md section L: cases derived from the controller's
 * code rather than from one upstream test (D01–D06). Sync mode, as the unit
 * tests of §F and §H; simulated time passes with fxm_advance(), which runs
 * the model's own timers (back-off enqueues, pod GC). */
#include "fixture.h"
#include "fixture_more.h"
#include "harness.h"

/* D01 Surge node with only a failed pod in back-off (§5.2 case B.1 and B.3,
 * §6): the failed pod is left alone while in back-off, but with surge a node
 * with no running pod and shouldRun gets a new pod at once. */
static void test_D01_SurgeFailedPodInBackoff(void)
{
    Fx *f = fx_new();
    fxm_strategy_surge(&f->spec, fxm_int(1));
    fx_add_nodes(f, 1, NULL, 0);
    DsId ds = fx_create_ds(f);
    NodeId n0 = fx_node(f, "node-0");
    /* First sync: the pod, and observedGeneration 1, which keys the back-off. */
    fx_sync(f, ds);
    EXPECT_SYNC(f, 1, 0, 0);

    /* The pod fails: not in back-off yet, so it is deleted (with its
     * FailedDaemonPod event) and, with surge, replaced in the same sync. */
    fx_set_pod_phase(f, fxm_pod_on(f, ds, n0, true), POD_FAILED);
    fx_sync(f, ds);
    EXPECT_SYNC(f, 1, 1, 1);
    EXPECT_STR(f->last_event_reason, "FailedDaemonPod");

    /* The replacement fails at once: in back-off (1 s), so it stays; the
     * node has no running pod, so a new one is created anyway. */
    PodId failed = fxm_pod_on(f, ds, n0, true);
    Sym failed_name = fxm_pod_name(f, failed);
    fx_set_pod_phase(f, failed, POD_FAILED);
    fx_sync(f, ds);
    EXPECT_SYNC(f, 1, 0, 0);
    CU_ASSERT_TRUE(fxm_pod_alive(f, failed_name));
    EXPECT_EQ_I64(fx_count_pods(f, ds, n0, true), 2);

    /* Once the back-off delay has passed the failed pod goes; the node keeps
     * its running pod, so nothing is created. */
    fxm_advance(f, 1 * SIM_S);
    fx_sync(f, ds);
    EXPECT_SYNC(f, 0, 1, 1);
    CU_ASSERT_FALSE(fxm_pod_alive(f, failed_name));
    fx_free(f);
}

/* D02 Terminating pod consumes maxUnavailable (§8.2 notes, §5.2 case B.2):
 * node-0's only pod is terminating and stuck; it counts as unavailable
 * (1 >= maxUnavailable 1), so no old pod is deleted, and non-surge manage
 * creates nothing on node-0 until the pod object is gone. */
static void test_D02_TerminatingPodConsumesMaxUnavailable(void)
{
    Fx *f = fx_new();
    fxm_strategy_unavailable(&f->spec, fxm_int(1));
    fx_add_nodes(f, 4, NULL, 0);
    DsId ds = fx_create_ds(f);
    PodId stuck = POD_NONE;
    for (uint32_t n = 0; n < 4; n++) {
        PodId p = fx_add_pod(f, ds, (NodeId){n}, (FxPod){.old = true, .ready = true, .deleting = n == 0});
        if (n == 0) stuck = p;
    }
    fx_sync(f, ds);
    EXPECT_SYNC(f, 0, 0, 0);
    fx_sync(f, ds);
    EXPECT_SYNC(f, 0, 0, 0);
    EXPECT_EQ_I64(fx_count_pods(f, ds, fx_node(f, "node-0"), false), 0);

    /* The object disappears: manage creates the new pod, which is not
     * available yet and keeps using the one unit of budget. */
    fx_delete_pod(f, stuck);
    fx_sync(f, ds);
    EXPECT_SYNC(f, 1, 0, 0);
    CU_ASSERT_TRUE(fxm_pod_on(f, ds, fx_node(f, "node-0"), true).i != ID_NONE);
    fx_free(f);
}

/* D03 Not-ready NoSchedule taint (§2 step 4, §7.2, §10): node-1 is NotReady
 * with the not-ready NoSchedule and NoExecute taints; the DaemonSet tolerates
 * only the NoExecute one (automatic, §3), so node-1 is (false, true): its pod
 * stays, nothing is created, desired leaves it out and it is misscheduled. */
static void test_D03_NotReadyNoScheduleTaint(void)
{
    Fx *f = fx_new();
    Sym key = fx_sym(f, "node.kubernetes.io/not-ready");
    Taint *taints = arena_alloc(&f->arena, 2 * sizeof *taints);
    taints[0] = (Taint){key, SYM_EMPTY, EFFECT_NO_SCHEDULE};
    taints[1] = (Taint){key, SYM_EMPTY, EFFECT_NO_EXECUTE};
    fx_add_node(f, (FxNode){.name = "node-0"});
    NodeId n1 = fx_add_node(f, (FxNode){.name = "node-1", .taints = taints, .ntaints = 2, .ready = COND_FALSE});
    DsId ds = fx_create_ds(f);
    fx_add_pod(f, ds, fx_node(f, "node-0"), (FxPod){.ready = true});
    fx_add_pod(f, ds, n1, (FxPod){.ready = true});
    fx_sync(f, ds);
    EXPECT_SYNC(f, 0, 0, 0);
    const DsStatus *st = &cluster_ds(&f->c, ds)->status;
    EXPECT_EQ_I64(st->desired, 1);
    EXPECT_EQ_I64(st->current, 1);
    EXPECT_EQ_I64(st->misscheduled, 1);
    EXPECT_EQ_I64(fx_count_pods(f, ds, n1, false), 1);
    fx_free(f);
}

/* D04 Percent surge on 1 desired node (§9): maxSurge 10% of 1 is ceil(0.1)
 * = 1, and AllowsSurge holds: one surge pod starts beside the old one, and
 * manage keeps both while the new one is not available. */
static void test_D04_PercentSurgeOnOneNode(void)
{
    Fx *f = fx_new();
    fxm_strategy_surge(&f->spec, fxm_pct(10));
    fx_add_nodes(f, 1, NULL, 0);
    DsId ds = fx_create_ds(f);
    NodeId n0 = fx_node(f, "node-0");
    fx_add_pod(f, ds, n0, (FxPod){.old = true, .ready = true});
    fx_sync(f, ds);
    EXPECT_SYNC(f, 1, 0, 0);
    fx_sync(f, ds);
    EXPECT_SYNC(f, 0, 0, 0);
    EXPECT_EQ_I64(fx_count_pods(f, ds, n0, false), 2);
    fx_free(f);
}

/* D05 Surge rollout with a deleted node (§8.3 step 3, §5.3, §7.6): an old
 * pod bound to node-2, which was deleted, makes the rolling update fail on
 * the node lookup, so no surge pod starts; manage still creates the pod of
 * the new node-3. Pod GC removes the pod 40–80 s after the node deletion
 * (here at 60 s: first pass at 20 s, quarantine 40 s); then the surge goes on. */
static void test_D05_SurgeRolloutWithDeletedNode(void)
{
    Fx *f = fx_new();
    fxm_strategy_surge(&f->spec, fxm_int(1));
    fx_add_nodes(f, 3, NULL, 0);
    DsId ds = fx_create_ds(f);
    for (uint32_t n = 0; n < 3; n++) fx_add_pod(f, ds, (NodeId){n}, (FxPod){.old = true, .ready = true});
    NodeId n2 = fx_node(f, "node-2");
    PodId orphaned = fxm_pod_on(f, ds, n2, false);
    Sym orphaned_name = fxm_pod_name(f, orphaned);
    fx_remove_node(f, n2);
    NodeId n3 = fx_add_node(f, (FxNode){.name = "node-3"});

    fx_sync(f, ds);
    EXPECT_SYNC(f, 1, 0, 0);
    CU_ASSERT_TRUE(fxm_pod_on(f, ds, n3, true).i != ID_NONE);
    EXPECT_EQ_I64(fxm_count_updated(f, ds), 1);

    fxm_advance(f, 39 * SIM_S);
    fx_sync(f, ds);
    EXPECT_SYNC(f, 0, 0, 0);
    CU_ASSERT_TRUE(fxm_pod_alive(f, orphaned_name));

    fxm_advance(f, 80 * SIM_S);
    CU_ASSERT_FALSE(fxm_pod_alive(f, orphaned_name));
    fx_sync(f, ds);
    EXPECT_SYNC(f, 1, 0, 0);
    CU_ASSERT_TRUE(fxm_pod_on(f, ds, fx_node(f, "node-0"), true).i != ID_NONE);
    fx_free(f);
}

/* D06 Status on a surge node (§10): the oldest pod speaks for the node, so
 * old (t=1, Ready) + new (t=2, not Ready) counts current 1, ready 1 and
 * available 1 (the old pod's), updated 0. */
static void test_D06_StatusOnSurgeNode(void)
{
    Fx *f = fx_new();
    fxm_strategy_surge(&f->spec, fxm_int(1));
    fx_add_nodes(f, 1, NULL, 0);
    DsId ds = fx_create_ds(f);
    NodeId n0 = fx_node(f, "node-0");
    fx_set_time(f, 10 * SIM_S);
    fx_add_pod(f, ds, n0, (FxPod){.old = true, .created = 1 * SIM_S, .ready = true});
    fx_add_pod(f, ds, n0, (FxPod){.created = 2 * SIM_S});
    fx_sync(f, ds);
    EXPECT_SYNC(f, 0, 0, 0);
    const DsStatus *st = &cluster_ds(&f->c, ds)->status;
    EXPECT_EQ_I64(st->desired, 1);
    EXPECT_EQ_I64(st->current, 1);
    EXPECT_EQ_I64(st->ready, 1);
    EXPECT_EQ_I64(st->available, 1);
    EXPECT_EQ_I64(st->updated, 0);
    fx_free(f);
}

static CU_TestInfo tests[] = {
    {"D01 SurgeFailedPodInBackoff", test_D01_SurgeFailedPodInBackoff},
    {"D02 TerminatingPodConsumesMaxUnavailable", test_D02_TerminatingPodConsumesMaxUnavailable},
    {"D03 NotReadyNoScheduleTaint", test_D03_NotReadyNoScheduleTaint},
    {"D04 PercentSurgeOnOneNode", test_D04_PercentSurgeOnOneNode},
    {"D05 SurgeRolloutWithDeletedNode", test_D05_SurgeRolloutWithDeletedNode},
    {"D06 StatusOnSurgeNode", test_D06_StatusOnSurgeNode},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"derived", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

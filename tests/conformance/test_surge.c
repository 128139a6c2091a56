/* Conformance, docs/conformance.md section F: surge handling inside manage
 * (daemon_controller_test.go TestSurge*). Every case: 5 unlabeled nodes and
 * RollingUpdate {maxUnavailable: 0, maxSurge: 1}; "old" pods are pods of the
 * DaemonSet with the hash label removed (FxPod.old). Pods are seeded straight
 * into the controller's view, as upstream adds them to the informer store.
 *
 * Model mapping: pods that do not match the selector (upstream's L2 pods,
 * released by claiming) do not exist in the simulator, which only holds owned
 * pods. Upstream's fake pod control fails deletes of seeded pods, so in these
 * syncs rollingUpdate never runs after manage deleted something; the fixture
 * deletes them, and rollingUpdate then runs. In every case below it has
 * nothing to add (each node it would look at is either surging already or
 * holds only a new pod), so the counts are the same. */
#include "fixture.h"
#include "fixture_more.h"
#include "harness.h"

/* The common world: 5 nodes, DS foo with maxSurge 1. */
static Fx *surge_world(DsId *ds, int32_t min_ready_seconds)
{
    Fx *f = fx_new();
    fxm_strategy_surge(&f->spec, fxm_int(1));
    f->spec.min_ready_seconds = min_ready_seconds;
    fx_add_nodes(f, 5, NULL, 0);
    *ds = fx_create_ds(f);
    return f;
}

/* C44 TestSurgeDealsWithExistingPods (§5.2 case B.3): duplicates of the
 * current revision are pruned to the oldest one, as without surge. The two
 * L2 pods of node-4 are not the DaemonSet's (absent here), so node-4 is empty. */
static void test_C44_TestSurgeDealsWithExistingPods(void)
{
    DsId ds;
    Fx *f = surge_world(&ds, 0);
    static const struct { const char *node; int count; } seeded[] = {
        {"node-1", 1}, {"node-2", 2}, {"node-3", 5},
    };
    for (size_t i = 0; i < DS_ARRAY_LEN(seeded); i++)
        for (int k = 0; k < seeded[i].count; k++) fx_add_pod(f, ds, fx_node(f, seeded[i].node), (FxPod){0});
    fx_sync(f, ds);
    EXPECT_SYNC(f, 2, 5, 0);
    fx_free(f);
}

/* C45 TestSurgePreservesReadyOldPods (§5.2 case B.3): on node-1 the oldest
 * old pod (t=50, Ready) stays next to the new one, which is not available;
 * the younger old pod (t=60) is an extra and goes. */
static void test_C45_TestSurgePreservesReadyOldPods(void)
{
    DsId ds;
    Fx *f = surge_world(&ds, 0);
    NodeId n1 = fx_node(f, "node-1");
    PodId cur = fx_add_pod(f, ds, n1, (FxPod){.created = 100 * SIM_S});
    PodId oldest = fx_add_pod(f, ds, n1, (FxPod){.old = true, .created = 50 * SIM_S, .ready = true});
    PodId extra = fx_add_pod(f, ds, n1, (FxPod){.old = true, .created = 60 * SIM_S, .ready = true});
    Sym keep1 = fxm_pod_name(f, cur), keep2 = fxm_pod_name(f, oldest), gone = fxm_pod_name(f, extra);
    fx_add_pod(f, ds, fx_node(f, "node-2"), (FxPod){0});
    fx_sync(f, ds);
    EXPECT_SYNC(f, 3, 1, 0);
    CU_ASSERT_FALSE(fxm_pod_alive(f, gone));
    CU_ASSERT_TRUE(fxm_pod_alive(f, keep1));
    CU_ASSERT_TRUE(fxm_pod_alive(f, keep2));
    fx_free(f);
}

/* C46 TestSurgeCreatesNewPodWhenAtMaxSurgeAndOldPodDeleted (§5.2 case B.3:
 * no running pod and shouldRun -> create): node-0 uses the whole surge budget,
 * yet node-4, whose only pod is terminating, gets a new pod at once. */
static void test_C46_TestSurgeCreatesNewPodWhenAtMaxSurgeAndOldPodDeleted(void)
{
    DsId ds;
    Fx *f = surge_world(&ds, 0);
    NodeId n0 = fx_node(f, "node-0");
    fx_add_pod(f, ds, n0, (FxPod){.created = 100 * SIM_S, .ready = false});
    fx_add_pod(f, ds, n0, (FxPod){.old = true, .created = 50 * SIM_S, .ready = true});
    char name[16];
    for (int i = 1; i < 5; i++) {
        snprintf(name, sizeof name, "node-%d", i);
        fx_add_pod(f, ds, fx_node(f, name),
                   (FxPod){.old = true, .created = 1 * SIM_S, .ready = true, .deleting = i == 4});
    }
    fx_sync(f, ds);
    EXPECT_SYNC(f, 1, 0, 0);
    /* The test's point ("node-4 has only a deleted pod"): the create is there. */
    CU_ASSERT_TRUE(fxm_pod_on(f, ds, fx_node(f, "node-4"), true).i != ID_NONE);
    fx_free(f);
}

/* C47 TestSurgeDeletesUnreadyOldPods (§5.2 case B.3): the oldest old pod is
 * not Ready, so it goes too, besides the younger old extra. */
static void test_C47_TestSurgeDeletesUnreadyOldPods(void)
{
    DsId ds;
    Fx *f = surge_world(&ds, 0);
    NodeId n1 = fx_node(f, "node-1");
    PodId cur = fx_add_pod(f, ds, n1, (FxPod){.created = 100 * SIM_S});
    PodId unready = fx_add_pod(f, ds, n1, (FxPod){.old = true, .created = 50 * SIM_S, .ready = false});
    PodId extra = fx_add_pod(f, ds, n1, (FxPod){.old = true, .created = 60 * SIM_S, .ready = true});
    Sym keep = fxm_pod_name(f, cur), gone1 = fxm_pod_name(f, unready), gone2 = fxm_pod_name(f, extra);
    fx_add_pod(f, ds, fx_node(f, "node-2"), (FxPod){0});
    fx_sync(f, ds);
    EXPECT_SYNC(f, 3, 2, 0);
    CU_ASSERT_FALSE(fxm_pod_alive(f, gone1));
    CU_ASSERT_FALSE(fxm_pod_alive(f, gone2));
    CU_ASSERT_TRUE(fxm_pod_alive(f, keep));
    fx_free(f);
}

/* The minReadySeconds pair: node-1 holds a new pod Ready since t=50 and two
 * old Ready pods (t=50, t=60); minReadySeconds 15. Returns the names of the
 * oldest old pod and of the extra one. */
static Fx *min_ready_world(DsId *ds, SimTime clock, Sym *oldest_name, Sym *extra_name)
{
    Fx *f = surge_world(ds, 15);
    fx_set_time(f, clock);
    NodeId n1 = fx_node(f, "node-1");
    fx_add_pod(f, *ds, n1, (FxPod){.created = 100 * SIM_S, .ready = true, .ready_since = 50 * SIM_S});
    PodId oldest = fx_add_pod(f, *ds, n1, (FxPod){.old = true, .created = 50 * SIM_S, .ready = true});
    PodId extra = fx_add_pod(f, *ds, n1, (FxPod){.old = true, .created = 60 * SIM_S, .ready = true});
    *oldest_name = fxm_pod_name(f, oldest);
    *extra_name = fxm_pod_name(f, extra);
    fx_add_pod(f, *ds, fx_node(f, "node-2"), (FxPod){0});
    return f;
}

/* C48 TestSurgePreservesOldReadyWithUnsatisfiedMinReady (§5.2 case B.3,
 * §11): at t=60 the new pod is not yet available (50 + 15 < 60 is false), so
 * the oldest old pod stays; only the extra goes. */
static void test_C48_TestSurgePreservesOldReadyWithUnsatisfiedMinReady(void)
{
    DsId ds;
    Sym oldest, extra;
    Fx *f = min_ready_world(&ds, 60 * SIM_S, &oldest, &extra);
    fx_sync(f, ds);
    EXPECT_SYNC(f, 3, 1, 0);
    CU_ASSERT_FALSE(fxm_pod_alive(f, extra));
    CU_ASSERT_TRUE(fxm_pod_alive(f, oldest));
    fx_free(f);
}

/* C49 TestSurgeDeletesOldReadyWithUnsatisfiedMinReady (§5.2 case B.3,
 * §11): at t=70 the new pod is available (50 + 15 < 70): both old pods go. */
static void test_C49_TestSurgeDeletesOldReadyWithUnsatisfiedMinReady(void)
{
    DsId ds;
    Sym oldest, extra;
    Fx *f = min_ready_world(&ds, 70 * SIM_S, &oldest, &extra);
    fx_sync(f, ds);
    EXPECT_SYNC(f, 3, 2, 0);
    CU_ASSERT_FALSE(fxm_pod_alive(f, extra));
    CU_ASSERT_FALSE(fxm_pod_alive(f, oldest));
    fx_free(f);
}

static CU_TestInfo tests[] = {
    {"C44 TestSurgeDealsWithExistingPods", test_C44_TestSurgeDealsWithExistingPods},
    {"C45 TestSurgePreservesReadyOldPods", test_C45_TestSurgePreservesReadyOldPods},
    {"C46 TestSurgeCreatesNewPodWhenAtMaxSurgeAndOldPodDeleted",
     test_C46_TestSurgeCreatesNewPodWhenAtMaxSurgeAndOldPodDeleted},
    {"C47 TestSurgeDeletesUnreadyOldPods", test_C47_TestSurgeDeletesUnreadyOldPods},
    {"C48 TestSurgePreservesOldReadyWithUnsatisfiedMinReady",
     test_C48_TestSurgePreservesOldReadyWithUnsatisfiedMinReady},
    {"C49 TestSurgeDeletesOldReadyWithUnsatisfiedMinReady",
     test_C49_TestSurgeDeletesOldReadyWithUnsatisfiedMinReady},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"surge", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

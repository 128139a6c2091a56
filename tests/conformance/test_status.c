/* Conformance, docs/conformance.md section G: status and errors
 * (daemon_controller_test.go). Section numbers §N refer to
 * docs/behaviour.md. The model has no failing API server, so the
 * error-injection cases (C53-C56) are in docs/conformance.md; C57 is ported without
 * its informer and expectation internals. */
#include "fixture.h"
#include "harness.h"

/* C50 TestSimpleDaemonSetUpdatesStatusAfterLaunchingPods (§4 step 8, §10):
 * the status written by the sync that created the pods already counts them. */
static void test_C50_TestSimpleDaemonSetUpdatesStatusAfterLaunchingPods(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        DsId ds = fx_create_ds(f);
        fx_add_nodes(f, 5, NULL, 0);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 5, 0, 0);
        CU_ASSERT_TRUE(f->status_writes > 0);
        EXPECT_EQ_I64(cluster_ds(&f->c, ds)->status.current, 5);
        fx_free(f);
    }
}

/* C51 TestNumberReadyStatus (§10, §11): two N1 nodes with one unready pod
 * each: numberReady 0; once both pods are Ready the next sync writes 2. */
static void test_C51_TestNumberReadyStatus(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        uint32_t n1n;
        const Label *n1 = fx_n1(f, &n1n);
        fx_add_nodes(f, 2, n1, n1n);
        DsId ds = fx_create_ds(f);
        fx_add_pod(f, ds, fx_node(f, "node-0"), (FxPod){0});
        fx_add_pod(f, ds, fx_node(f, "node-1"), (FxPod){0});
        fx_sync(f, ds);
        EXPECT_SYNC(f, 0, 0, 0);
        CU_ASSERT_TRUE(f->status_writes > 0);
        EXPECT_EQ_I64(cluster_ds(&f->c, ds)->status.ready, 0);
        fx_mark_pods_ready(f, ds);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 0, 0, 0);
        CU_ASSERT_TRUE(f->status_writes > 0);
        EXPECT_EQ_I64(cluster_ds(&f->c, ds)->status.ready, 2);
        fx_free(f);
    }
}

/* C52 TestObservedGeneration (§10): a DS of generation 1 with its pod in
 * place; the sync writes observedGeneration 1. */
static void test_C52_TestObservedGeneration(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        uint32_t n1n;
        const Label *n1 = fx_n1(f, &n1n);
        fx_add_nodes(f, 1, n1, n1n);
        DsId ds = fx_create_ds(f);
        EXPECT_EQ_I64(cluster_ds(&f->c, ds)->generation, 1);
        fx_add_pod(f, ds, fx_node(f, "node-0"), (FxPod){0});
        fx_sync(f, ds);
        EXPECT_SYNC(f, 0, 0, 0);
        CU_ASSERT_TRUE(f->status_writes > 0);
        EXPECT_EQ_I64(cluster_ds(&f->c, ds)->status.observed_generation, 1);
        fx_free(f);
    }
}

/* C57 TestExpectationsOnRecreate (§4 step 1, §14), the part the model can
 * express. One node master-0; DS "test" is created and its first sync creates
 * one pod; processing the DaemonSet again creates nothing and writes no new
 * status. The DS is deleted and recreated under the same name as a new
 * object (new UID = new DsId): its first sync creates one pod again, and its
 * expectations record is its own, set by that sync. Upstream's checks of
 * unfulfilled expectations after each create, of the record vanishing on
 * delete, and of the work-queue lengths need real informers and a pod control
 * that never reports its pods; sync mode observes every create at once
 * (docs/conformance.md). */
static void test_C57_TestExpectationsOnRecreate(void)
{
    Fx *f = fx_new();
    f->spec.name = fx_sym(f, "test");
    fx_add_node(f, (FxNode){.name = "master-0"});
    DsId old = fx_create_ds(f);
    fx_sync(f, old);
    EXPECT_SYNC(f, 1, 0, 0);
    fx_sync(f, old);
    EXPECT_SYNC(f, 0, 0, 0);
    EXPECT_EQ_I64(f->status_writes, 0);

    cluster_delete_ds(&f->c, old, false);
    SimTime t = 10 * SIM_S;
    fx_set_time(f, t);
    DsId recreated = fx_create_ds(f);
    CU_ASSERT_NOT_EQUAL(recreated.i, old.i);
    fx_sync(f, recreated);
    EXPECT_SYNC(f, 1, 0, 0);
    const Expectations *e = &cluster_ds(&f->c, recreated)->ctl->exp;
    CU_ASSERT_TRUE(e->present);
    EXPECT_EQ_I64(e->set_at, t);
    fx_free(f);
}

static CU_TestInfo tests[] = {
    {"C50 TestSimpleDaemonSetUpdatesStatusAfterLaunchingPods",
     test_C50_TestSimpleDaemonSetUpdatesStatusAfterLaunchingPods},
    {"C51 TestNumberReadyStatus", test_C51_TestNumberReadyStatus},
    {"C52 TestObservedGeneration", test_C52_TestObservedGeneration},
    {"C57 TestExpectationsOnRecreate", test_C57_TestExpectationsOnRecreate},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"status", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

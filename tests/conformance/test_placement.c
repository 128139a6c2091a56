/* Conformance, upstream-cases.md §A: basic placement (daemon_controller_test.go).
 * Every case runs with both strategies unless the upstream test uses one. */
#include "fixture.h"
#include "harness.h"

static const UpdateStrategy both[] = {STRATEGY_ON_DELETE, STRATEGY_ROLLING_UPDATE};

static Fx *fx_strategy(UpdateStrategy s)
{
    Fx *f = fx_new();
    f->spec.strategy = s;
    return f;
}

/* C01 TestSimpleDaemonSetLaunchesPods */
static void test_C01_TestSimpleDaemonSetLaunchesPods(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_strategy(both[i]);
        fx_add_nodes(f, 5, NULL, 0);
        DsId ds = fx_create_ds(f);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 5, 0, 0);
        fx_free(f);
    }
}

/* C02 TestSimpleDaemonSetScheduleDaemonSetPodsLaunchesPods: the pods are left
 * for the scheduler (no nodeName) and cover the nodes one to one. */
static void test_C02_TestSimpleDaemonSetScheduleDaemonSetPodsLaunchesPods(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_strategy(both[i]);
        fx_add_nodes(f, 5, NULL, 0);
        DsId ds = fx_create_ds(f);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 5, 0, 0);
        for (uint32_t n = 0; n < 5; n++) {
            EXPECT_EQ_I64(fx_count_pods(f, ds, (NodeId){n}, true), 1);
            for (PodId p = f->c.nodes.v[n].pods; p.i != ID_NONE; p = f->c.pods.v[p.i].next_on_node)
                CU_ASSERT_FALSE(f->c.pods.v[p.i].bound);
        }
        fx_free(f);
    }
}

/* C03 TestNoNodesDoesNothing */
static void test_C03_TestNoNodesDoesNothing(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_strategy(both[i]);
        DsId ds = fx_create_ds(f);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 0, 0, 0);
        fx_free(f);
    }
}

/* C04 TestOneNodeDaemonLaunchesPod */
static void test_C04_TestOneNodeDaemonLaunchesPod(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_strategy(both[i]);
        fx_add_node(f, (FxNode){.name = "only-node"});
        DsId ds = fx_create_ds(f);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 1, 0, 0);
        fx_free(f);
    }
}

static CU_TestInfo tests[] = {
    {"C01 TestSimpleDaemonSetLaunchesPods", test_C01_TestSimpleDaemonSetLaunchesPods},
    {"C02 TestSimpleDaemonSetScheduleDaemonSetPodsLaunchesPods", test_C02_TestSimpleDaemonSetScheduleDaemonSetPodsLaunchesPods},
    {"C03 TestNoNodesDoesNothing", test_C03_TestNoNodesDoesNothing},
    {"C04 TestOneNodeDaemonLaunchesPod", test_C04_TestOneNodeDaemonLaunchesPod},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"placement", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

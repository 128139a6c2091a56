/* Conformance, docs/conformance.md section A: basic placement (daemon_controller_test.go).
 * Every case runs with both strategies unless the upstream test uses one.
 * Section numbers §N in the comments refer to docs/behaviour.md. */
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

/* C05 TestNotReadyNodeDaemonDoesLaunchPod (§2, §7.2 point 5): the node's only
 * condition is Ready=False and it has no taints. The controller never reads
 * conditions, so a pod is created. */
static void test_C05_TestNotReadyNodeDaemonDoesLaunchPod(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        fx_add_node(f, (FxNode){.name = "not-ready", .ready = COND_FALSE});
        DsId ds = fx_create_ds(f);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 1, 0, 0);
        fx_free(f);
    }
}

/* C06 TestNetworkUnavailableNodeDaemonLaunchesPod (§2): the model has no
 * NetworkUnavailable condition; a condition without a taint is invisible to
 * the controller, so the port is a Ready node with no taints (DS not
 * hostNetwork). */
static void test_C06_TestNetworkUnavailableNodeDaemonLaunchesPod(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        f->spec.name = fx_sym(f, "simple");
        fx_add_node(f, (FxNode){.name = "network-unavailable"});
        DsId ds = fx_create_ds(f);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 1, 0, 0);
        fx_free(f);
    }
}

/* Nodes node-0..3 unlabeled and node-4..6 labeled N1, as several §A cases use. */
static void add_seven_nodes(Fx *f)
{
    uint32_t n1n;
    const Label *n1 = fx_n1(f, &n1n);
    fx_add_nodes(f, 4, NULL, 0);
    fx_add_nodes(f, 3, n1, n1n);
}

/* C07 TestSelectorDaemonLaunchesPods (§2 step 2): nodeSelector N1 picks node-4..6. */
static void test_C07_TestSelectorDaemonLaunchesPods(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        f->spec.template_.node_selector = fx_n1(f, &f->spec.template_.nnode_selector);
        add_seven_nodes(f);
        DsId ds = fx_create_ds(f);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 3, 0, 0);
        for (uint32_t n = 0; n < 7; n++)
            EXPECT_EQ_I64(fx_count_pods(f, ds, (NodeId){n}, true), n >= 4 ? 1 : 0);
        fx_free(f);
    }
}

/* C08 TestBadSelectorDaemonDoesNothing (§2 step 2): nodeSelector N2 matches no node. */
static void test_C08_TestBadSelectorDaemonDoesNothing(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        add_seven_nodes(f);
        f->spec.template_.node_selector = fx_n2(f, &f->spec.template_.nnode_selector);
        DsId ds = fx_create_ds(f);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 0, 0, 0);
        fx_free(f);
    }
}

/* C09 TestNameDaemonSetLaunchesPods (§2 step 1): template nodeName node-0. */
static void test_C09_TestNameDaemonSetLaunchesPods(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        f->spec.template_.node_name = fx_sym(f, "node-0");
        fx_add_nodes(f, 5, NULL, 0);
        DsId ds = fx_create_ds(f);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 1, 0, 0);
        EXPECT_EQ_I64(fx_count_pods(f, ds, fx_node(f, "node-0"), true), 1);
        fx_free(f);
    }
}

/* C10 TestBadNameDaemonSetDoesNothing (§2 step 1): nodeName node-10 names no node. */
static void test_C10_TestBadNameDaemonSetDoesNothing(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        f->spec.template_.node_name = fx_sym(f, "node-10");
        fx_add_nodes(f, 5, NULL, 0);
        DsId ds = fx_create_ds(f);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 0, 0, 0);
        fx_free(f);
    }
}

/* C11 TestNameAndSelectorDaemonSetLaunchesPods (§2 steps 1-2): nodeSelector N1
 * and nodeName node-6 agree on one node. */
static void test_C11_TestNameAndSelectorDaemonSetLaunchesPods(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        f->spec.template_.node_selector = fx_n1(f, &f->spec.template_.nnode_selector);
        f->spec.template_.node_name = fx_sym(f, "node-6");
        add_seven_nodes(f);
        DsId ds = fx_create_ds(f);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 1, 0, 0);
        EXPECT_EQ_I64(fx_count_pods(f, ds, fx_node(f, "node-6"), true), 1);
        fx_free(f);
    }
}

/* C12 TestInconsistentNameSelectorDaemonSetDoesNothing (§2 steps 1-2):
 * nodeName node-0 is not labeled N1. */
static void test_C12_TestInconsistentNameSelectorDaemonSetDoesNothing(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        f->spec.template_.node_selector = fx_n1(f, &f->spec.template_.nnode_selector);
        f->spec.template_.node_name = fx_sym(f, "node-0");
        add_seven_nodes(f);
        DsId ds = fx_create_ds(f);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 0, 0, 0);
        fx_free(f);
    }
}

/* C13 TestSelectorDaemonSetLaunchesPods (§2 step 2): as C07, OnDelete only. */
static void test_C13_TestSelectorDaemonSetLaunchesPods(void)
{
    Fx *f = fx_new();
    f->spec.template_.node_selector = fx_n1(f, &f->spec.template_.nnode_selector);
    add_seven_nodes(f);
    DsId ds = fx_create_ds(f);
    fx_sync(f, ds);
    EXPECT_SYNC(f, 3, 0, 0);
    fx_free(f);
}

/* C14 TestNodeAffinityDaemonLaunchesPods (§2 step 2): required affinity
 * `color In [blue]` picks node-4..6. */
static void test_C14_TestNodeAffinityDaemonLaunchesPods(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        f->spec.template_.affinity = fx_affinity_in(f, "color", "blue");
        add_seven_nodes(f);
        DsId ds = fx_create_ds(f);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 3, 0, 0);
        for (uint32_t n = 0; n < 7; n++)
            EXPECT_EQ_I64(fx_count_pods(f, ds, (NodeId){n}, true), n >= 4 ? 1 : 0);
        fx_free(f);
    }
}

/* C15 TestInsufficientCapacityNodeSufficientCapacityWithNodeLabelDaemonLaunchPod
 * (§2 "not considered"): OnDelete only. Requests and allocatable are modelled
 * (the scheduler uses them) but eligibility ignores them: the labeled node
 * gets the pod, and nothing is said about resources (no Event). */
static void test_C15_TestInsufficientCapacityNodeSufficientCapacityWithNodeLabelDaemonLaunchPod(void)
{
    Fx *f = fx_new();
    uint32_t n1n;
    const Label *n1 = fx_n1(f, &n1n);
    f->spec.template_.requests = fx_requests("50M", "75m");
    f->spec.template_.node_selector = n1;
    f->spec.template_.nnode_selector = n1n;
    fx_add_node(f, (FxNode){.name = "not-enough-resource", .allocatable = fx_allocatable("10M", "20m")});
    NodeId enough = fx_add_node(f, (FxNode){.name = "enough-resource", .labels = n1, .nlabels = n1n,
                                            .allocatable = fx_allocatable("100M", "200m")});
    DsId ds = fx_create_ds(f);
    fx_sync(f, ds);
    EXPECT_SYNC(f, 1, 0, 0);
    EXPECT_EQ_I64(fx_count_pods(f, ds, enough, true), 1);
    fx_free(f);
}

/* C16 TestInsufficientCapacityNodeDaemonDoesNotUnscheduleRunningPod (§2 "not
 * considered"): the unrelated pod with the same spec is not a daemon pod; the
 * model holds such pods only as the node's `used` requests, which here leave
 * 25M free for a 75M request. Resources are ignored: one create. */
static void test_C16_TestInsufficientCapacityNodeDaemonDoesNotUnscheduleRunningPod(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        f->spec.template_.requests = fx_requests("75M", "75m");
        f->spec.template_.node_name = fx_sym(f, "too-much-mem");
        Resources other = fx_requests("75M", "75m");
        other.pods = fx_quantity("1");
        NodeId n = fx_add_node(f, (FxNode){.name = "too-much-mem",
                                           .allocatable = fx_allocatable("100M", "200m"),
                                           .used = other});
        DsId ds = fx_create_ds(f);
        EXPECT_EQ_I64(dsctl_eligibility(&f->c, cluster_ds(&f->c, ds), cluster_node(&f->c, n),
                                        cluster_node(&f->c, n)->name),
                      ELIG_SHOULD_RUN | ELIG_CONTINUE);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 1, 0, 0);
        fx_free(f);
    }
}

static const uint16_t port_6662[] = {6662};
static const uint16_t port_666[] = {666};

/* C17 TestNoPortConflictNodeDaemonLaunchesPod (§2 "not considered"): the model
 * keeps no host ports for pods that are not daemon pods, so the unrelated pod
 * on hostPort 6661 is absent; the DS uses hostPort 6662 and nodeName. */
static void test_C17_TestNoPortConflictNodeDaemonLaunchesPod(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        f->spec.template_.host_ports = port_6662;
        f->spec.template_.nhost_ports = 1;
        f->spec.template_.node_name = fx_sym(f, "no-port-conflict");
        fx_add_node(f, (FxNode){.name = "no-port-conflict"});
        DsId ds = fx_create_ds(f);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 1, 0, 0);
        fx_free(f);
    }
}

/* C18 TestPortConflictWithSameDaemonPodDoesNotDeletePod (§2 "not considered",
 * §5.2 case B): the DS's own pod already holds hostPort 666 on the node; it
 * is kept and nothing is created. */
static void test_C18_TestPortConflictWithSameDaemonPodDoesNotDeletePod(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        f->spec.template_.host_ports = port_666;
        f->spec.template_.nhost_ports = 1;
        f->spec.template_.node_name = fx_sym(f, "port-conflict");
        NodeId n = fx_add_node(f, (FxNode){.name = "port-conflict"});
        DsId ds = fx_create_ds(f);
        fx_add_pod(f, ds, n, (FxPod){0});
        fx_sync(f, ds);
        EXPECT_SYNC(f, 0, 0, 0);
        fx_free(f);
    }
}

/* C19 TestTaintPressureNodeDaemonLaunchesPod (§3): DS "critical" in
 * kube-system with system-critical priority; the node carries the three
 * pressure taints (NoSchedule), which the automatic tolerations cover. The
 * pressure conditions themselves are not modelled and not read. */
static void test_C19_TestTaintPressureNodeDaemonLaunchesPod(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        f->spec.name = fx_sym(f, "critical");
        f->spec.namespace_ = fx_sym(f, "kube-system");
        f->spec.template_.priority = 2000000000; /* scheduling.SystemCriticalPriority */
        Taint taints[] = {
            fx_taint(f, "node.kubernetes.io/disk-pressure", "", EFFECT_NO_SCHEDULE),
            fx_taint(f, "node.kubernetes.io/memory-pressure", "", EFFECT_NO_SCHEDULE),
            fx_taint(f, "node.kubernetes.io/pid-pressure", "", EFFECT_NO_SCHEDULE),
        };
        fx_add_node(f, (FxNode){.name = "resources-pressure", .taints = taints, .ntaints = 3});
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
    {"C05 TestNotReadyNodeDaemonDoesLaunchPod", test_C05_TestNotReadyNodeDaemonDoesLaunchPod},
    {"C06 TestNetworkUnavailableNodeDaemonLaunchesPod", test_C06_TestNetworkUnavailableNodeDaemonLaunchesPod},
    {"C07 TestSelectorDaemonLaunchesPods", test_C07_TestSelectorDaemonLaunchesPods},
    {"C08 TestBadSelectorDaemonDoesNothing", test_C08_TestBadSelectorDaemonDoesNothing},
    {"C09 TestNameDaemonSetLaunchesPods", test_C09_TestNameDaemonSetLaunchesPods},
    {"C10 TestBadNameDaemonSetDoesNothing", test_C10_TestBadNameDaemonSetDoesNothing},
    {"C11 TestNameAndSelectorDaemonSetLaunchesPods", test_C11_TestNameAndSelectorDaemonSetLaunchesPods},
    {"C12 TestInconsistentNameSelectorDaemonSetDoesNothing", test_C12_TestInconsistentNameSelectorDaemonSetDoesNothing},
    {"C13 TestSelectorDaemonSetLaunchesPods", test_C13_TestSelectorDaemonSetLaunchesPods},
    {"C14 TestNodeAffinityDaemonLaunchesPods", test_C14_TestNodeAffinityDaemonLaunchesPods},
    {"C15 TestInsufficientCapacityNodeSufficientCapacityWithNodeLabelDaemonLaunchPod",
     test_C15_TestInsufficientCapacityNodeSufficientCapacityWithNodeLabelDaemonLaunchPod},
    {"C16 TestInsufficientCapacityNodeDaemonDoesNotUnscheduleRunningPod",
     test_C16_TestInsufficientCapacityNodeDaemonDoesNotUnscheduleRunningPod},
    {"C17 TestNoPortConflictNodeDaemonLaunchesPod", test_C17_TestNoPortConflictNodeDaemonLaunchesPod},
    {"C18 TestPortConflictWithSameDaemonPodDoesNotDeletePod", test_C18_TestPortConflictWithSameDaemonPodDoesNotDeletePod},
    {"C19 TestTaintPressureNodeDaemonLaunchesPod", test_C19_TestTaintPressureNodeDaemonLaunchesPod},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"placement", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

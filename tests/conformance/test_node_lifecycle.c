/* Node lifecycle controller (docs/behaviour.md §7.1, §7.3): how a silent
 * kubelet turns into conditions and taints, run in the full simulation. */
#include "fixture.h"
#include "harness.h"

static bool has_taint(Fx *f, NodeId id, const char *key, TaintEffect e)
{
    const Node *n = cluster_node(&f->c, id);
    Sym k = fx_sym(f, key);
    for (uint32_t i = 0; i < n->ntaints; i++)
        if (n->taints[i].key == k && n->taints[i].effect == e) return true;
    return false;
}

/* Nodes in zone `zone` (NULL: no zone label). */
static void add_zone_nodes(Fx *f, uint32_t count, const char *zone)
{
    uint32_t nl = 0;
    const Label *l = zone ? fx_labels(f, &nl, "topology.kubernetes.io/zone", zone, NULL) : NULL;
    fx_add_nodes(f, count, l, nl);
}

/* Lets simulated time pass to t, events or not. */
static void run_to(Fx *f, SimTime t)
{
    sim_run(&f->sim, t);
    if (f->sim.now < t) f->sim.now = t;
}

static Fx *async_world(void)
{
    Fx *f = fx_new();
    f->c.sync_mode = false;
    return f;
}

/* §7.1 (node_lifecycle_controller.go tryUpdateNodeHealth): the probe time
 * is the monitor pass that saw the last Lease renewal; silence is noticed on
 * the first 5 s pass strictly after probe + 50 s. Renewals every 10 s from
 * 3 s: the kubelet stops at 100 s, its last renewal was at 93 s, seen by the
 * pass at 95 s -> Unknown at 150 s, not before. The NoSchedule taint comes
 * with it; a kubelet back before that leaves no trace. On return the kubelet
 * posts Ready: the NoSchedule taint goes at once, the NoExecute one on the
 * next pass (markNodeAsReachable). */
static void test_grace_period_and_monitor_pass(void)
{
    Fx *f = async_world();
    add_zone_nodes(f, 3, "a");
    cluster_node(&f->c, (NodeId){0})->lease_phase = 3 * SIM_S;
    run_to(f, 100 * SIM_S);
    cluster_kubelet_stop(&f->c, (NodeId){0});
    cluster_kubelet_stop(&f->c, (NodeId){1});
    run_to(f, 130 * SIM_S);
    cluster_kubelet_start(&f->c, (NodeId){1});
    run_to(f, 150 * SIM_S - 1);
    EXPECT_EQ_I64(cluster_node(&f->c, (NodeId){0})->ready, COND_TRUE);
    run_to(f, 150 * SIM_S);
    EXPECT_EQ_I64(cluster_node(&f->c, (NodeId){0})->ready, COND_UNKNOWN);
    CU_ASSERT_TRUE(has_taint(f, (NodeId){0}, "node.kubernetes.io/unreachable", EFFECT_NO_SCHEDULE));
    EXPECT_EQ_I64(cluster_node(&f->c, (NodeId){1})->ready, COND_TRUE);
    CU_ASSERT_FALSE(has_taint(f, (NodeId){1}, "node.kubernetes.io/unreachable", EFFECT_NO_SCHEDULE));
    run_to(f, 152 * SIM_S);
    CU_ASSERT_TRUE(has_taint(f, (NodeId){0}, "node.kubernetes.io/unreachable", EFFECT_NO_EXECUTE));
    cluster_kubelet_start(&f->c, (NodeId){0});
    EXPECT_EQ_I64(cluster_node(&f->c, (NodeId){0})->ready, COND_TRUE);
    CU_ASSERT_FALSE(has_taint(f, (NodeId){0}, "node.kubernetes.io/unreachable", EFFECT_NO_SCHEDULE));
    CU_ASSERT_TRUE(has_taint(f, (NodeId){0}, "node.kubernetes.io/unreachable", EFFECT_NO_EXECUTE));
    run_to(f, 155 * SIM_S);
    CU_ASSERT_FALSE(has_taint(f, (NodeId){0}, "node.kubernetes.io/unreachable", EFFECT_NO_EXECUTE));
    fx_free(f);
}

/* §7.1: NoExecute taints leave a healthy zone at 0.1 per second: two nodes
 * noticed at the same pass are tainted 10 s apart. */
static void test_no_execute_rate_limited_per_zone(void)
{
    Fx *f = async_world();
    add_zone_nodes(f, 10, "a");
    add_zone_nodes(f, 10, "b");
    cluster_kubelet_stop(&f->c, (NodeId){0});
    cluster_kubelet_stop(&f->c, (NodeId){1});
    cluster_kubelet_stop(&f->c, (NodeId){10});
    run_to(f, 55 * SIM_S);
    int tainted = has_taint(f, (NodeId){0}, "node.kubernetes.io/unreachable", EFFECT_NO_EXECUTE) +
                  has_taint(f, (NodeId){1}, "node.kubernetes.io/unreachable", EFFECT_NO_EXECUTE);
    EXPECT_EQ_I64(tainted, 1);
    /* Zone b has its own limiter. */
    CU_ASSERT_TRUE(has_taint(f, (NodeId){10}, "node.kubernetes.io/unreachable", EFFECT_NO_EXECUTE));
    run_to(f, 64 * SIM_S);
    tainted = has_taint(f, (NodeId){0}, "node.kubernetes.io/unreachable", EFFECT_NO_EXECUTE) +
              has_taint(f, (NodeId){1}, "node.kubernetes.io/unreachable", EFFECT_NO_EXECUTE);
    EXPECT_EQ_I64(tainted, 1);
    run_to(f, 65 * SIM_S);
    CU_ASSERT_TRUE(has_taint(f, (NodeId){1}, "node.kubernetes.io/unreachable", EFFECT_NO_EXECUTE));
    fx_free(f);
}

/* §7.1: a small zone (<= 50 nodes) that is partially disrupted (> 2 nodes and
 * >= 55% not Ready) stops NoExecute tainting; when every zone is fully
 * disrupted, tainting stops everywhere. */
static void test_disruption_modes_stop_tainting(void)
{
    Fx *f = async_world();
    add_zone_nodes(f, 4, "a");
    add_zone_nodes(f, 2, "b");
    for (uint32_t i = 0; i < 3; i++) cluster_kubelet_stop(&f->c, (NodeId){i});
    run_to(f, 120 * SIM_S);
    /* Noticed on the same pass (55 s): the zone's state is recomputed after
     * the pass (3 of 4 down: partial disruption, a small zone: rate 0) before
     * the tainting pass lets any node through, so none gets NoExecute. */
    for (uint32_t i = 0; i < 3; i++)
        CU_ASSERT_FALSE(has_taint(f, (NodeId){i}, "node.kubernetes.io/unreachable", EFFECT_NO_EXECUTE));
    CU_ASSERT_TRUE(has_taint(f, (NodeId){2}, "node.kubernetes.io/unreachable", EFFECT_NO_SCHEDULE));
    fx_free(f);

    f = async_world();
    add_zone_nodes(f, 2, NULL);
    cluster_kubelet_stop(&f->c, (NodeId){0});
    cluster_kubelet_stop(&f->c, (NodeId){1});
    run_to(f, 120 * SIM_S);
    /* The second node noticed finds every zone down: no NoExecute taint
     * anywhere, the first node's is lifted. */
    CU_ASSERT_FALSE(has_taint(f, (NodeId){0}, "node.kubernetes.io/unreachable", EFFECT_NO_EXECUTE));
    CU_ASSERT_FALSE(has_taint(f, (NodeId){1}, "node.kubernetes.io/unreachable", EFFECT_NO_EXECUTE));
    CU_ASSERT_TRUE(has_taint(f, (NodeId){1}, "node.kubernetes.io/unreachable", EFFECT_NO_SCHEDULE));
    fx_free(f);
}

/* §7.1 MarkPodsNotReady: every pod on a node going Unknown turns NotReady. */
static void test_mark_pods_not_ready(void)
{
    Fx *f = async_world();
    fx_add_nodes(f, 2, NULL, 0);
    DsId ds = fx_create_ds(f);
    run_to(f, 60 * SIM_S);
    EXPECT_EQ_I64(fx_count_ready(f, ds), 2);
    cluster_kubelet_stop(&f->c, (NodeId){0});
    run_to(f, 200 * SIM_S);
    EXPECT_EQ_I64(fx_count_ready(f, ds), 1);
    EXPECT_EQ_I64(cluster_ds(&f->c, ds)->status.desired, 1);
    EXPECT_EQ_I64(cluster_ds(&f->c, ds)->status.misscheduled, 1);
    cluster_kubelet_start(&f->c, (NodeId){0});
    run_to(f, 300 * SIM_S);
    EXPECT_EQ_I64(fx_count_ready(f, ds), 2);
    EXPECT_EQ_I64(cluster_ds(&f->c, ds)->status.desired, 2);
    fx_free(f);
}

static CU_TestInfo tests[] = {
    {"grace period and monitor pass (7.1)", test_grace_period_and_monitor_pass},
    {"NoExecute taints rate-limited per zone (7.1)", test_no_execute_rate_limited_per_zone},
    {"disruption modes stop tainting (7.1)", test_disruption_modes_stop_tainting},
    {"MarkPodsNotReady (7.1, 7.3)", test_mark_pods_not_ready},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"node_lifecycle", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

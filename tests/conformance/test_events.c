/* Conformance, docs/conformance.md section E: which watch events put a DaemonSet on
 * the work queue (daemon_controller_test.go). Section numbers §N refer to
 * docs/behaviour.md.
 *
 * "Enqueued" is the work-queue dirty flag the model's watch handlers set
 * (fx_enqueued, fx_count_enqueued); dsctl_node_changed() is the node add and
 * update handler, and pod events reach the controller through pod_publish().
 * Creating a DaemonSet or syncing it enqueues it (its own watch events), so
 * each case clears the queue before the event under test. */
#include "fixture.h"
#include "harness.h"

/* One row of C39: the old node, the update applied to it, the DaemonSet. */
typedef enum { UPD_NOTHING, UPD_LABELS, UPD_TAINTS, UPD_ALLOCATABLE } NodeUpdate;

static void run_update_node(NodeUpdate u, UpdateStrategy s, int want_creates, bool want_enqueued)
{
    Fx *f = fx_new_strategy(s);
    f->spec.name = fx_sym(f, "ds");
    uint32_t n1n;
    const Label *n1 = fx_n1(f, &n1n);
    Taint t = fx_taint(f, "dedicated", "user1", EFFECT_NO_SCHEDULE);
    FxNode old = {.name = "node1"};
    switch (u) {
    case UPD_NOTHING:
    case UPD_LABELS:
        f->spec.template_.node_selector = n1;
        f->spec.template_.nnode_selector = n1n;
        break;
    case UPD_TAINTS:
        old.taints = &t;
        old.ntaints = 1;
        break;
    case UPD_ALLOCATABLE: f->spec.template_.requests = fx_requests("200M", "200m"); break;
    }
    NodeId n = fx_add_node(f, old);
    DsId ds = fx_create_ds(f);
    fx_sync(f, ds);
    EXPECT_SYNC(f, want_creates, 0, 0);
    fx_clear_queue(f, ds);
    switch (u) {
    case UPD_NOTHING: fx_update_node(f, n, NULL, 0, NULL, 0); break;
    case UPD_LABELS: fx_update_node(f, n, n1, n1n, NULL, 0); break;
    case UPD_TAINTS: fx_update_node(f, n, NULL, 0, NULL, 0); break;
    case UPD_ALLOCATABLE: fx_set_node_allocatable(f, n, fx_allocatable("200M", "200m")); break;
    }
    EXPECT_EQ_I64(fx_enqueued(f, ds), want_enqueued);
    fx_free(f);
}

/* C39 TestUpdateNode (§14, §7.5), both strategies: a node update enqueues the
 * DaemonSet only when labels or taints change what it should do there;
 * allocatable changes are ignored (and resources do not block the initial
 * create, §2). */
static void test_C39_TestUpdateNode(void)
{
    for (int i = 0; i < 2; i++) {
        run_update_node(UPD_NOTHING, fx_strategies[i], 0, false);
        run_update_node(UPD_LABELS, fx_strategies[i], 0, true);
        run_update_node(UPD_TAINTS, fx_strategies[i], 0, true);
        run_update_node(UPD_ALLOCATABLE, fx_strategies[i], 1, false);
    }
}

/* C40 TestShouldIgnoreNodeUpdate (§14): the model has no separate filter; the
 * node update handler compares (shouldRun, shouldContinueRunning) before and
 * after, which only labels and taints can change. Ported as what the filter
 * means for a DaemonSet that cares: an identical node, a condition change and
 * an allocatable change are ignored (nothing enqueued); a label change and a
 * taint change are not (the DaemonSet is enqueued). */
static void test_C40_TestShouldIgnoreNodeUpdate(void)
{
    enum { SAME, LABELS, TAINTS, CONDITION, ALLOCATABLE };
    for (int k = SAME; k <= ALLOCATABLE; k++) {
        Fx *f = fx_new();
        uint32_t n1n;
        const Label *n1 = fx_n1(f, &n1n);
        f->spec.template_.node_selector = n1;
        f->spec.template_.nnode_selector = n1n;
        NodeId n = fx_add_node(f, (FxNode){.name = "node1", .labels = n1, .nlabels = n1n});
        DsId ds = fx_create_ds(f);
        fx_sync(f, ds);
        fx_clear_queue(f, ds);
        Taint t = fx_taint(f, "dedicated", "user1", EFFECT_NO_SCHEDULE);
        switch (k) {
        case SAME: fx_update_node(f, n, n1, n1n, NULL, 0); break;
        case LABELS: fx_update_node(f, n, NULL, 0, NULL, 0); break;
        case TAINTS: fx_update_node(f, n, n1, n1n, &t, 1); break;
        case CONDITION: fx_set_node_ready(f, n, COND_FALSE); break;
        case ALLOCATABLE: fx_set_node_allocatable(f, n, fx_allocatable("200M", "200m")); break;
        }
        bool ignored = k == SAME || k == CONDITION || k == ALLOCATABLE;
        EXPECT_EQ_I64(fx_enqueued(f, ds), !ignored);
        fx_free(f);
    }
}

/* C41 TestDeleteNoDaemonPod (§14 pod delete), both strategies: node1
 * (allocatable 200M/200m) is full of four 50M/50m pods that are not the DS's;
 * the DS requests 50M/50m and still gets its pod (§2). Then a pod that is not
 * the DS's is deleted and the DS must not be enqueued. The model has no
 * unowned pods, so case (a) is not expressible; (b) "pod_0 owned by another
 * controller" and (c) "unscheduled pod_5" are ported with a pod of a second
 * DaemonSet, the only other controller the model has. The node's other pods
 * are its `used` load: three of them in (b), where pod_0 is the second
 * DaemonSet's bound pod, all four in (c). */
static void test_C41_TestDeleteNoDaemonPod(void)
{
    for (int c = 0; c < 2; c++) {
        for (int i = 0; i < 2; i++) {
            Fx *f = fx_new_strategy(fx_strategies[i]);
            f->spec.name = fx_sym(f, "ds");
            f->spec.template_.requests = fx_requests("50M", "50m");
            Resources used = c == 0 ? fx_requests("150M", "150m") : fx_requests("200M", "200m");
            used.pods = fx_quantity(c == 0 ? "3" : "4");
            NodeId n = fx_add_node(f, (FxNode){.name = "node1", .allocatable = fx_allocatable("200M", "200m"),
                                               .used = used});
            DsId ds = fx_create_ds(f);
            f->spec.name = fx_sym(f, "other");
            f->spec.template_.requests = fx_requests("50M", "50m");
            DsId other = fx_create_ds(f);
            PodId victim = fx_add_pod(f, other, n, (FxPod){.unbound = c == 1});
            fx_sync(f, ds);
            EXPECT_SYNC(f, 1, 0, 0);
            fx_clear_queue(f, ds);
            fx_clear_queue(f, other);
            fx_delete_pod(f, victim);
            CU_ASSERT_FALSE(fx_enqueued(f, ds));
            fx_free(f);
        }
    }
}

/* C42 TestAddNode (§14 node add): with nodeSelector N1, adding an unlabeled
 * node does not enqueue the DaemonSet and adding an N1 node does. Newer
 * upstream (§15) first queues every node name and decides in a worker; the
 * outcome for the DaemonSet queue is this one. */
static void test_C42_TestAddNode(void)
{
    Fx *f = fx_new();
    f->spec.name = fx_sym(f, "ds");
    uint32_t n1n;
    const Label *n1 = fx_n1(f, &n1n);
    f->spec.template_.node_selector = n1;
    f->spec.template_.nnode_selector = n1n;
    DsId ds = fx_create_ds(f);
    fx_clear_queue(f, ds);
    fx_add_node(f, (FxNode){.name = "node1"});
    CU_ASSERT_FALSE(fx_enqueued(f, ds));
    fx_add_node(f, (FxNode){.name = "node2", .labels = n1, .nlabels = n1n});
    CU_ASSERT_TRUE(fx_enqueued(f, ds));
    fx_free(f);
}

/* Two DaemonSets foo1 and foo2 (both selecting L1) on an empty queue, and
 * node-0 for their pods. */
static void setup_two(Fx *f, DsId *foo1, DsId *foo2)
{
    fx_add_nodes(f, 1, NULL, 0);
    f->spec.name = fx_sym(f, "foo1");
    *foo1 = fx_create_ds(f);
    f->spec.name = fx_sym(f, "foo2");
    *foo2 = fx_create_ds(f);
    fx_clear_queue(f, *foo1);
    fx_clear_queue(f, *foo2);
}

/* C43 TestAddPod (§14 pod add): a pod owned by foo1 enqueues exactly foo1;
 * one owned by foo2 enqueues foo2. */
static void test_C43_TestAddPod(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        DsId foo1, foo2;
        setup_two(f, &foo1, &foo2);
        NodeId n = fx_node(f, "node-0");
        fx_add_pod(f, foo1, n, (FxPod){0});
        EXPECT_EQ_I64(fx_count_enqueued(f), 1);
        CU_ASSERT_TRUE(fx_enqueued(f, foo1));
        fx_clear_queue(f, foo1);
        fx_add_pod(f, foo2, n, (FxPod){0});
        EXPECT_EQ_I64(fx_count_enqueued(f), 1);
        CU_ASSERT_TRUE(fx_enqueued(f, foo2));
        fx_free(f);
    }
}

/* C43 TestUpdatePod (§14 pod update): an update of an owned pod (new
 * resourceVersion) enqueues its owner only. */
static void test_C43_TestUpdatePod(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        DsId foo1, foo2;
        setup_two(f, &foo1, &foo2);
        NodeId n = fx_node(f, "node-0");
        PodId p1 = fx_add_pod(f, foo1, n, (FxPod){0});
        PodId p2 = fx_add_pod(f, foo2, n, (FxPod){0});
        fx_clear_queue(f, foo1);
        fx_clear_queue(f, foo2);
        fx_touch_pod(f, p1);
        EXPECT_EQ_I64(fx_count_enqueued(f), 1);
        CU_ASSERT_TRUE(fx_enqueued(f, foo1));
        fx_clear_queue(f, foo1);
        fx_touch_pod(f, p2);
        EXPECT_EQ_I64(fx_count_enqueued(f), 1);
        CU_ASSERT_TRUE(fx_enqueued(f, foo2));
        fx_free(f);
    }
}

/* C43 TestDeletePod (§14 pod delete): deleting an owned pod enqueues its
 * owner only. */
static void test_C43_TestDeletePod(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        DsId foo1, foo2;
        setup_two(f, &foo1, &foo2);
        NodeId n = fx_node(f, "node-0");
        PodId p1 = fx_add_pod(f, foo1, n, (FxPod){0});
        PodId p2 = fx_add_pod(f, foo2, n, (FxPod){0});
        fx_clear_queue(f, foo1);
        fx_clear_queue(f, foo2);
        fx_delete_pod(f, p1);
        EXPECT_EQ_I64(fx_count_enqueued(f), 1);
        CU_ASSERT_TRUE(fx_enqueued(f, foo1));
        fx_clear_queue(f, foo1);
        fx_delete_pod(f, p2);
        EXPECT_EQ_I64(fx_count_enqueued(f), 1);
        CU_ASSERT_TRUE(fx_enqueued(f, foo2));
        fx_free(f);
    }
}

static CU_TestInfo tests[] = {
    {"C39 TestUpdateNode", test_C39_TestUpdateNode},
    {"C40 TestShouldIgnoreNodeUpdate", test_C40_TestShouldIgnoreNodeUpdate},
    {"C41 TestDeleteNoDaemonPod", test_C41_TestDeleteNoDaemonPod},
    {"C42 TestAddNode", test_C42_TestAddNode},
    {"C43 TestAddPod", test_C43_TestAddPod},
    {"C43 TestUpdatePod", test_C43_TestUpdatePod},
    {"C43 TestDeletePod", test_C43_TestDeletePod},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"events", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

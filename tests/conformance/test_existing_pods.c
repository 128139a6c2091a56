/* Conformance, docs/conformance.md section B: existing, duplicate and foreign pods
 * (daemon_controller_test.go). Section numbers §N refer to
 * docs/behaviour.md.
 *
 * The model only has pods owned by their DaemonSet. Upstream's pods with
 * labels L2 (owned but no longer selected: released), orphans (adopted) and
 * pods of other controllers are therefore absent from these ports; what
 * the cases say about the L1 pods is kept. Upstream's fake pod control can
 * only delete the pods it created itself and keeps the pre-seeded ones in
 * its store; in the model every delete removes the pod. Single-sync cases
 * are not affected: the counts are those of the one sync. */
#include "fixture.h"
#include "harness.h"

#include <string.h>

/* Adds `count` current-revision pods of the DaemonSet on the node. */
static void add_pods(Fx *f, DsId ds, NodeId n, uint32_t count, PodId *out)
{
    for (uint32_t i = 0; i < count; i++) {
        PodId p = fx_add_pod(f, ds, n, (FxPod){0});
        if (out) out[i] = p;
    }
}

/* The pod with the smallest name among `pods` (creationTimestamps equal). */
static PodId first_by_name(Fx *f, const PodId *pods, uint32_t n)
{
    PodId best = pods[0];
    for (uint32_t i = 1; i < n; i++) {
        const char *a = strtab_str(f->c.strs, cluster_pod(&f->c, pods[i])->name);
        const char *b = strtab_str(f->c.strs, cluster_pod(&f->c, best)->name);
        if (strcmp(a, b) < 0) best = pods[i];
    }
    return best;
}

/* C20 TestDealsWithExistingPods (§5.2 case A and case B.2): node-1: 1 pod,
 * node-2: 2, node-3: 5; node-4's two L2 pods would be released, so they are
 * absent here and node-4 simply has no pod. Creates on node-0 and node-4;
 * deletes 1 + 4 duplicates; the survivor is the first in upstream order
 * (all creationTimestamps equal: smallest name). */
static void test_C20_TestDealsWithExistingPods(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        DsId ds = fx_create_ds(f);
        fx_add_nodes(f, 5, NULL, 0);
        PodId on2[2], on3[5];
        add_pods(f, ds, fx_node(f, "node-1"), 1, NULL);
        add_pods(f, ds, fx_node(f, "node-2"), 2, on2);
        add_pods(f, ds, fx_node(f, "node-3"), 5, on3);
        PodId keep2 = first_by_name(f, on2, 2), keep3 = first_by_name(f, on3, 5);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 2, 5, 0);
        EXPECT_EQ_I64(fx_count_pods(f, ds, fx_node(f, "node-0"), true), 1);
        EXPECT_EQ_I64(fx_count_pods(f, ds, fx_node(f, "node-4"), true), 1);
        EXPECT_EQ_I64(fx_count_pods(f, ds, fx_node(f, "node-2"), true), 1);
        EXPECT_EQ_I64(fx_count_pods(f, ds, fx_node(f, "node-3"), true), 1);
        CU_ASSERT_TRUE(cluster_pod(&f->c, keep2)->exists);
        CU_ASSERT_TRUE(cluster_pod(&f->c, keep3)->exists);
        fx_free(f);
    }
}

/* Nodes node-0..4 unlabeled, node-5..9 labeled N1; DS nodeSelector N1. */
static DsId setup_ten_nodes_selector(Fx *f)
{
    uint32_t n1n;
    const Label *n1 = fx_n1(f, &n1n);
    f->spec.template_.node_selector = n1;
    f->spec.template_.nnode_selector = n1n;
    DsId ds = fx_create_ds(f);
    fx_add_nodes(f, 5, NULL, 0);
    fx_add_nodes(f, 5, n1, n1n);
    return ds;
}

/* C21 TestSelectorDaemonDeletesUnselectedPods (§2, §5.2 case C): the L1 pods
 * on unselected nodes go (3 on node-1, 1 on node-4); node-5..9 get pods. The
 * L2 pods (2 on node-0, 1 on node-1) would be released, not deleted: absent. */
static void test_C21_TestSelectorDaemonDeletesUnselectedPods(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        DsId ds = setup_ten_nodes_selector(f);
        add_pods(f, ds, fx_node(f, "node-1"), 3, NULL);
        add_pods(f, ds, fx_node(f, "node-4"), 1, NULL);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 5, 4, 0);
        for (uint32_t n = 0; n < 10; n++)
            EXPECT_EQ_I64(fx_count_pods(f, ds, (NodeId){n}, true), n >= 5 ? 1 : 0);
        fx_free(f);
    }
}

/* C22 TestSelectorDaemonDealsWithExistingPods (§5.2 cases A, B.2, C): L1 pods
 * node-0: 1, node-1: 3, node-2: 4 (unselected: all go), node-6: 13 (keep
 * one), node-9: 1 (kept). L2 pods (node-1: 2, node-7: 4, node-9: 1) are
 * absent, so node-7 counts as empty. Creates on node-5, node-7, node-8. */
static void test_C22_TestSelectorDaemonDealsWithExistingPods(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        DsId ds = setup_ten_nodes_selector(f);
        add_pods(f, ds, fx_node(f, "node-0"), 1, NULL);
        add_pods(f, ds, fx_node(f, "node-1"), 3, NULL);
        add_pods(f, ds, fx_node(f, "node-2"), 4, NULL);
        add_pods(f, ds, fx_node(f, "node-6"), 13, NULL);
        add_pods(f, ds, fx_node(f, "node-9"), 1, NULL);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 3, 20, 0);
        for (uint32_t n = 0; n < 10; n++)
            EXPECT_EQ_I64(fx_count_pods(f, ds, (NodeId){n}, true), n >= 5 ? 1 : 0);
        fx_free(f);
    }
}

/* C23 TestPodIsNotDeletedByDaemonsetWithEmptyLabelSelector (§4 step 3): a DS
 * with selector {} and nodeSelector foo=bar. node1 holds an unrelated pod
 * labelled bang=boom with no owner: here the pod of a DaemonSet "bar"
 * deleted with the orphan cascade. The sync emits one SelectingAll warning
 * and does nothing else: the pod is neither deleted nor adopted, since
 * syncDaemonSet returns before getNodesToDaemonPods claims pods. */
static void test_C23_TestPodIsNotDeletedByDaemonsetWithEmptyLabelSelector(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        NodeId node1 = fx_add_node(f, (FxNode){.name = "node1"});
        DaemonSetSpec foo = f->spec;
        uint32_t nb;
        const Label *bang = fx_labels(f, &nb, "bang", "boom", NULL);
        f->spec.name = fx_sym(f, "bar");
        f->spec.selector = (LabelSelector){.match_labels = bang, .nlabels = nb};
        f->spec.template_.labels = bang;
        f->spec.template_.nlabels = nb;
        DsId bar = fx_create_ds(f);
        PodId unrelated = fx_add_pod(f, bar, node1, (FxPod){.ready = true});
        cluster_delete_ds(&f->c, bar, true);

        f->spec = foo;
        f->spec.selector = (LabelSelector){0};
        f->spec.template_.node_selector = fx_labels(f, &f->spec.template_.nnode_selector, "foo", "bar", NULL);
        DsId ds = fx_create_ds(f);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 0, 0, 1);
        EXPECT_STR(f->last_event_reason, "SelectingAll");
        const Pod *p = cluster_pod(&f->c, unrelated);
        CU_ASSERT_TRUE(p->exists);
        CU_ASSERT_FALSE(p->deleting);
        EXPECT_EQ_I64(p->ds.i, bar.i);
        EXPECT_EQ_I64(fx_count_pods(f, ds, NODE_NONE, true), 0);
        fx_free(f);
    }
}

/* C24 TestDaemonSetRespectsTermination (§5.2 case B.1 and B.2): node-0's only
 * pod is terminating; without surge no replacement is made until it is gone. */
static void test_C24_TestDaemonSetRespectsTermination(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        uint32_t n1n;
        const Label *n1 = fx_n1(f, &n1n);
        fx_add_nodes(f, 1, n1, n1n);
        DsId ds = fx_create_ds(f);
        fx_add_pod(f, ds, fx_node(f, "node-0"), (FxPod){.deleting = true});
        fx_sync(f, ds);
        EXPECT_SYNC(f, 0, 0, 0);
        fx_free(f);
    }
}

/* C25 TestDontDoAnythingIfBeingDeleted (§4 step 4): the DS has a
 * deletionTimestamp (still listed); the node has room (200M/200m) and the DS
 * template targets it with 75M/75m requests. The unrelated pod of the same
 * spec is not a daemon pod: it is the node's `used` load. No pod action and
 * no status write. */
static void test_C25_TestDontDoAnythingIfBeingDeleted(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        f->spec.template_.requests = fx_requests("75M", "75m");
        f->spec.template_.node_name = fx_sym(f, "not-too-much-mem");
        Resources other = fx_requests("75M", "75m");
        other.pods = fx_quantity("1");
        fx_add_node(f, (FxNode){.name = "not-too-much-mem", .allocatable = fx_allocatable("200M", "200m"),
                                .used = other});
        DsId ds = fx_create_ds(f);
        fx_set_ds_deleting(f, ds);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 0, 0, 0);
        EXPECT_EQ_I64(f->status_writes, 0);
        fx_free(f);
    }
}

/* C27 TestDeleteUnscheduledPodForNotExistingNode (§5.3): only node-0 exists.
 * Of the pods aimed at missing nodes, the unbound one (affinity node-2) is
 * deleted by the controller; the one bound to node-1 is left to pod GC. */
static void test_C27_TestDeleteUnscheduledPodForNotExistingNode(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        DsId ds = fx_create_ds(f);
        fx_add_nodes(f, 3, NULL, 0);
        NodeId n0 = fx_node(f, "node-0"), n1 = fx_node(f, "node-1"), n2 = fx_node(f, "node-2");
        PodId on0 = fx_add_pod(f, ds, n0, (FxPod){0});
        PodId bound = fx_add_pod(f, ds, n1, (FxPod){0});
        PodId unbound = fx_add_pod(f, ds, n2, (FxPod){.unbound = true});
        fx_remove_node(f, n1);
        fx_remove_node(f, n2);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 0, 1, 0);
        CU_ASSERT_TRUE(cluster_pod(&f->c, on0)->exists);
        CU_ASSERT_TRUE(cluster_pod(&f->c, bound)->exists);
        CU_ASSERT_FALSE(cluster_pod(&f->c, unbound)->exists);
        fx_free(f);
    }
}

/* C28 TestGetNodesToDaemonPods (§5.1), case (a), includeDeletedTerminal=false.
 * The controller's node -> pods map is its per-node view. Wanted: the owned
 * L1 pods on node-0 and node-1, the Succeeded pod on node-0, the Failed pod
 * on node-1. Not wanted: foo2's pod, and the Succeeded and Failed pods that
 * carry a deletionTimestamp. Orphans (adopted) and L2 pods (released) have no
 * counterpart in the model and are absent. */
static void test_C28_TestGetNodesToDaemonPods_excludeDeletedTerminal(void)
{
    Fx *f = fx_new();
    DsId ds = fx_create_ds(f);
    f->spec.name = fx_sym(f, "foo2");
    DsId ds2 = fx_create_ds(f);
    fx_add_nodes(f, 2, NULL, 0);
    NodeId n0 = fx_node(f, "node-0"), n1 = fx_node(f, "node-1");
    PodId wanted[] = {
        fx_add_pod(f, ds, n0, (FxPod){0}),
        fx_add_pod(f, ds, n1, (FxPod){0}),
        fx_add_pod(f, ds, n0, (FxPod){.phase = POD_SUCCEEDED}),
        fx_add_pod(f, ds, n1, (FxPod){.phase = POD_FAILED}),
    };
    PodId ignored[] = {
        fx_add_pod(f, ds, n0, (FxPod){.phase = POD_SUCCEEDED, .deleting = true}),
        fx_add_pod(f, ds, n1, (FxPod){.phase = POD_FAILED, .deleting = true}),
    };
    PodId other = fx_add_pod(f, ds2, n0, (FxPod){0});
    for (size_t i = 0; i < DS_ARRAY_LEN(wanted); i++) CU_ASSERT_TRUE(fx_pod_mapped(f, ds, wanted[i]));
    for (size_t i = 0; i < DS_ARRAY_LEN(ignored); i++) CU_ASSERT_FALSE(fx_pod_mapped(f, ds, ignored[i]));
    CU_ASSERT_FALSE(fx_pod_mapped(f, ds, other));
    /* Grouped by the node each pod belongs to, and nothing else. */
    EXPECT_EQ_I64(fx_count_mapped(f, ds, n0), 2);
    EXPECT_EQ_I64(fx_count_mapped(f, ds, n1), 2);
    fx_free(f);
}

/* C28 TestGetNodesToDaemonPods, case (b), includeDeletedTerminal=true (§5.1,
 * §12). The model keeps no second map: its one user upstream is
 * cleanupHistory, which counts a deleted Failed pod's hash as live. So the
 * port checks that consequence: revisions 1-3 are old, the limit is 2, and
 * the deleted Failed pod on node-1 still runs revision 1, so history cleanup
 * deletes revision 2 and keeps revision 1. */
static void test_C28_TestGetNodesToDaemonPods_includeDeletedTerminal(void)
{
    Fx *f = fx_new();
    DsId ds = fx_create_ds(f);
    fx_add_nodes(f, 2, NULL, 0);
    fx_add_pod(f, ds, fx_node(f, "node-1"), (FxPod){.phase = POD_FAILED, .deleting = true});
    fx_update_template(f, ds, "foo/bar:2");
    fx_update_template(f, ds, "foo/bar:3");
    fx_update_template(f, ds, "foo/bar:4");
    fx_sync(f, ds);
    const DaemonSet *d = cluster_ds(&f->c, ds);
    EXPECT_EQ_I64(d->revs.n, 4);
    for (uint32_t r = 0; r < d->revs.n; r++) {
        int64_t number = d->revs.v[r].number;
        /* Revision 1 is live through the deleted Failed pod; 2 is the oldest unused. */
        EXPECT_EQ_I64(d->revs.v[r].live, number != 2);
    }
    fx_free(f);
}

static CU_TestInfo tests[] = {
    {"C20 TestDealsWithExistingPods", test_C20_TestDealsWithExistingPods},
    {"C21 TestSelectorDaemonDeletesUnselectedPods", test_C21_TestSelectorDaemonDeletesUnselectedPods},
    {"C22 TestSelectorDaemonDealsWithExistingPods", test_C22_TestSelectorDaemonDealsWithExistingPods},
    {"C23 TestPodIsNotDeletedByDaemonsetWithEmptyLabelSelector",
     test_C23_TestPodIsNotDeletedByDaemonsetWithEmptyLabelSelector},
    {"C24 TestDaemonSetRespectsTermination", test_C24_TestDaemonSetRespectsTermination},
    {"C25 TestDontDoAnythingIfBeingDeleted", test_C25_TestDontDoAnythingIfBeingDeleted},
    {"C27 TestDeleteUnscheduledPodForNotExistingNode", test_C27_TestDeleteUnscheduledPodForNotExistingNode},
    {"C28 TestGetNodesToDaemonPods (exclude deleted terminal)",
     test_C28_TestGetNodesToDaemonPods_excludeDeletedTerminal},
    {"C28 TestGetNodesToDaemonPods (include deleted terminal)",
     test_C28_TestGetNodesToDaemonPods_includeDeletedTerminal},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"existing_pods", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

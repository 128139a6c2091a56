/* Conformance, docs/conformance.md section D: taints, tolerations, node conditions
 * and the eligibility predicate (daemon_controller_test.go). Section numbers
 * §N refer to docs/behaviour.md. Node conditions are kept only as the
 * Ready status; the controller reads none of them (§2), only taints. */
#include "fixture.h"
#include "harness.h"

/* Upstream's noScheduleTolerations: dedicated=user1, effect NoSchedule,
 * operator defaulting to Equal. */
static void tolerate_dedicated(Fx *f)
{
    Toleration *t = arena_alloc(&f->arena, sizeof *t);
    *t = (Toleration){.key = fx_sym(f, "dedicated"), .op = TOL_EQUAL, .value = fx_sym(f, "user1"),
                      .effect = EFFECT_NO_SCHEDULE};
    f->spec.template_.tolerations = t;
    f->spec.template_.ntolerations = 1;
}

/* A node "tainted" with dedicated=user1 and the given effect. */
static NodeId add_tainted(Fx *f, TaintEffect effect, Taint *storage)
{
    *storage = fx_taint(f, "dedicated", "user1", effect);
    return fx_add_node(f, (FxNode){.name = "tainted", .taints = storage, .ntaints = 1});
}

/* C31 TestNoScheduleTaintedDoesntEvicitRunningIntolerantPod (§2 step 4, §7.5):
 * an untolerated NoSchedule taint gives (false, true): the pod stays. */
static void test_C31_TestNoScheduleTaintedDoesntEvicitRunningIntolerantPod(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        f->spec.name = fx_sym(f, "intolerant");
        Taint t;
        NodeId n = add_tainted(f, EFFECT_NO_SCHEDULE, &t);
        DsId ds = fx_create_ds(f);
        fx_add_pod(f, ds, n, (FxPod){0});
        fx_sync(f, ds);
        EXPECT_SYNC(f, 0, 0, 0);
        fx_free(f);
    }
}

/* C32 TestNoExecuteTaintedDoesEvicitRunningIntolerantPod (§2 step 4, §5.2
 * case C): an untolerated NoExecute taint gives (false, false): the pod goes. */
static void test_C32_TestNoExecuteTaintedDoesEvicitRunningIntolerantPod(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        f->spec.name = fx_sym(f, "intolerant");
        Taint t;
        NodeId n = add_tainted(f, EFFECT_NO_EXECUTE, &t);
        DsId ds = fx_create_ds(f);
        fx_add_pod(f, ds, n, (FxPod){0});
        fx_sync(f, ds);
        EXPECT_SYNC(f, 0, 1, 0);
        fx_free(f);
    }
}

/* C33 TestTaintedNodeDaemonDoesNotLaunchIntolerantPod (§2 step 4). */
static void test_C33_TestTaintedNodeDaemonDoesNotLaunchIntolerantPod(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        f->spec.name = fx_sym(f, "intolerant");
        Taint t;
        add_tainted(f, EFFECT_NO_SCHEDULE, &t);
        DsId ds = fx_create_ds(f);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 0, 0, 0);
        fx_free(f);
    }
}

/* C34 TestTaintedNodeDaemonLaunchesToleratePod (§2 step 3). */
static void test_C34_TestTaintedNodeDaemonLaunchesToleratePod(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        f->spec.name = fx_sym(f, "tolerate");
        tolerate_dedicated(f);
        Taint t;
        add_tainted(f, EFFECT_NO_SCHEDULE, &t);
        DsId ds = fx_create_ds(f);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 1, 0, 0);
        fx_free(f);
    }
}

/* C35 TestNodeDaemonLaunchesToleratePod (§2 step 3): a toleration on an
 * untainted node changes nothing. */
static void test_C35_TestNodeDaemonLaunchesToleratePod(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        f->spec.name = fx_sym(f, "tolerate");
        tolerate_dedicated(f);
        fx_add_nodes(f, 1, NULL, 0);
        DsId ds = fx_create_ds(f);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 1, 0, 0);
        fx_free(f);
    }
}

/* C36 TestNotReadyNodeDaemonLaunchesPod (§3, §7.2 point 5): Ready=False and
 * only the not-ready NoExecute taint, which daemon pods tolerate. */
static void test_C36_TestNotReadyNodeDaemonLaunchesPod(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        f->spec.name = fx_sym(f, "simple");
        Taint t = fx_taint(f, "node.kubernetes.io/not-ready", "", EFFECT_NO_EXECUTE);
        fx_add_node(f, (FxNode){.name = "tainted", .taints = &t, .ntaints = 1, .ready = COND_FALSE});
        DsId ds = fx_create_ds(f);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 1, 0, 0);
        fx_free(f);
    }
}

/* C37 TestUnreachableNodeDaemonLaunchesPod (§3, §7.3): Ready=Unknown and only
 * the unreachable NoExecute taint, which daemon pods tolerate. */
static void test_C37_TestUnreachableNodeDaemonLaunchesPod(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        f->spec.name = fx_sym(f, "simple");
        Taint t = fx_taint(f, "node.kubernetes.io/unreachable", "", EFFECT_NO_EXECUTE);
        fx_add_node(f, (FxNode){.name = "tainted", .taints = &t, .ntaints = 1, .ready = COND_UNKNOWN});
        DsId ds = fx_create_ds(f);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 1, 0, 0);
        fx_free(f);
    }
}

/* C38 TestNodeShouldRunDaemonPod (§2, §7.4): the predicate itself is
 * dsctl_eligibility(). Node "test-node": labels L1, Ready, allocatable 100M
 * memory, 1 cpu, 100 pods. The "other pod" of rows 4-6 is not a daemon pod:
 * its requests and its pod slot are the node's `used` load; the model keeps
 * no host ports for such pods, so its hostPort 666 is absent (the
 * controller would ignore it anyway). Each row also runs one sync: one create
 * exactly when shouldRun. Row 11's node has spec.unschedulable and no taint,
 * as upstream builds it; the predicate is asked about that node object, while
 * the synced node also carries the unschedulable taint the model's node
 * lifecycle mirrors (§7.4), which daemon pods tolerate. */
static void test_C38_TestNodeShouldRunDaemonPod(void)
{
    enum { NONE, REQ_50M, REQ_200M, REQ_100M, NAME_OTHER, PORT_666, SEL_L2, SEL_L1, AFF_TEST, AFF_PROD };
    static const struct {
        const char *name;
        int ds;
        bool other_pod, other_requests, unschedulable;
        uint8_t want;
    } rows[] = {
        {"ShouldRunDaemonPod", REQ_50M, false, false, false, ELIG_SHOULD_RUN | ELIG_CONTINUE},
        {"InsufficientResourceError", REQ_200M, false, false, false, ELIG_SHOULD_RUN | ELIG_CONTINUE},
        {"ErrPodNotMatchHostName", NAME_OTHER, false, false, false, 0},
        {"ErrPodNotFitsHostPorts", PORT_666, true, false, false, ELIG_SHOULD_RUN | ELIG_CONTINUE},
        {"InsufficientResourceError", REQ_100M, true, true, false, ELIG_SHOULD_RUN | ELIG_CONTINUE},
        {"ShouldRunDaemonPod", REQ_50M, true, true, false, ELIG_SHOULD_RUN | ELIG_CONTINUE},
        {"ErrNodeSelectorNotMatch", SEL_L2, false, false, false, 0},
        {"ShouldRunDaemonPod", SEL_L1, false, false, false, ELIG_SHOULD_RUN | ELIG_CONTINUE},
        {"ErrPodAffinityNotMatch", AFF_TEST, false, false, false, 0},
        {"ShouldRunDaemonPod", AFF_PROD, false, false, false, ELIG_SHOULD_RUN | ELIG_CONTINUE},
        {"ShouldRunDaemonPodOnUnschedulableNode", REQ_50M, false, false, true, ELIG_SHOULD_RUN | ELIG_CONTINUE},
    };
    for (size_t r = 0; r < DS_ARRAY_LEN(rows); r++) {
        for (int i = 0; i < 2; i++) {
            Fx *f = fx_new_strategy(fx_strategies[i]);
            PodTemplate *t = &f->spec.template_;
            switch (rows[r].ds) {
            case REQ_50M: t->requests = fx_requests("50M", "0.5"); break;
            case REQ_200M: t->requests = fx_requests("200M", "0.5"); break;
            case REQ_100M: t->requests = fx_requests("100M", "0.5"); break;
            case NAME_OTHER:
                t->requests = fx_requests("50M", "0.5");
                t->node_name = fx_sym(f, "other-node");
                break;
            case PORT_666: {
                static const uint16_t port[] = {666};
                t->host_ports = port;
                t->nhost_ports = 1;
                break;
            }
            case SEL_L2:
                t->node_selector = fx_labels(f, &t->nnode_selector, "name", "simple-daemon", "type", "test", NULL);
                break;
            case SEL_L1: t->node_selector = fx_l1(f, &t->nnode_selector); break;
            case AFF_TEST: t->affinity = fx_affinity_in(f, "type", "test"); break;
            case AFF_PROD: t->affinity = fx_affinity_in(f, "type", "production"); break;
            default: break;
            }
            uint32_t nl;
            const Label *l1 = fx_l1(f, &nl);
            Resources used = {0};
            if (rows[r].other_pod) used.pods = fx_quantity("1");
            if (rows[r].other_requests) {
                used.memory = fx_quantity("50M");
                used.cpu = fx_quantity("0.5");
            }
            NodeId id = fx_add_node(f, (FxNode){.name = "test-node", .labels = l1, .nlabels = nl,
                                                .allocatable = fx_allocatable("100M", "1"), .used = used,
                                                .unschedulable = rows[r].unschedulable});
            DsId ds = fx_create_ds(f);
            Node asked = *cluster_node(&f->c, id);
            if (rows[r].unschedulable) asked.ntaints = 0;
            uint8_t got = dsctl_eligibility(&f->c, cluster_ds(&f->c, ds), &asked, asked.name);
            char msg[160];
            snprintf(msg, sizeof msg, "row %zu %s strategy %d: eligibility %u, want %u", r + 1,
                     rows[r].name, i, got, rows[r].want);
            CU_assertImplementation(got == rows[r].want, __LINE__, msg, __FILE__, "", CU_FALSE);
            fx_sync(f, ds);
            EXPECT_SYNC(f, (rows[r].want & ELIG_SHOULD_RUN) ? 1 : 0, 0, 0);
            fx_free(f);
        }
    }
}

static CU_TestInfo tests[] = {
    {"C31 TestNoScheduleTaintedDoesntEvicitRunningIntolerantPod",
     test_C31_TestNoScheduleTaintedDoesntEvicitRunningIntolerantPod},
    {"C32 TestNoExecuteTaintedDoesEvicitRunningIntolerantPod",
     test_C32_TestNoExecuteTaintedDoesEvicitRunningIntolerantPod},
    {"C33 TestTaintedNodeDaemonDoesNotLaunchIntolerantPod", test_C33_TestTaintedNodeDaemonDoesNotLaunchIntolerantPod},
    {"C34 TestTaintedNodeDaemonLaunchesToleratePod", test_C34_TestTaintedNodeDaemonLaunchesToleratePod},
    {"C35 TestNodeDaemonLaunchesToleratePod", test_C35_TestNodeDaemonLaunchesToleratePod},
    {"C36 TestNotReadyNodeDaemonLaunchesPod", test_C36_TestNotReadyNodeDaemonLaunchesPod},
    {"C37 TestUnreachableNodeDaemonLaunchesPod", test_C37_TestUnreachableNodeDaemonLaunchesPod},
    {"C38 TestNodeShouldRunDaemonPod", test_C38_TestNodeShouldRunDaemonPod},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"taints", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

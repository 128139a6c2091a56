/* link: ds_k8s */
/* The DaemonSet controller's decisions, driven sync by sync as the upstream
 * unit tests drive syncDaemonSet (docs/conformance.md, "The unit-test fixtures": creations and
 * deletions observed at once). Each test names the upstream case it ports. */
#include <math.h>
#include <stdlib.h>

#include "daemonsim/dsctl.h"
#include "daemonsim/plancount.h"
#include "daemonsim/scenario.h"
#include "harness.h"

typedef struct {
    Scenario sc;
    Sim sim;
    Cluster c;
    NodePoolSpec pool;
    DaemonSetSpec spec;
    Label sel[2];
    int creates, deletes;
} Fx;

static Sym S(Fx *f, const char *s) { return strtab_intern(f->sc.strs, s); }

static void on_pod_event(void *ctx, SimTime t, const Pod *p, PodEventKind what)
{
    Fx *f = ctx;
    (void)t;
    (void)p;
    if (what == PE_CREATED) f->creates++;
    else if (what == PE_TERMINATING) f->deletes++;
    else if (what == PE_DELETED && !p->deleting) f->deletes++;
}

/* DS "foo" of the upstream fixtures: selector and labels {name: simple-daemon,
 * type: production}, revisionHistoryLimit 2, OnDelete unless changed. */
static Fx *fx_new(void)
{
    Fx *f = calloc(1, sizeof *f);
    f->sc.strs = strtab_new();
    f->sc.timing = (Timing){.watch = dist_constant(0), .schedule = dist_constant(0),
                            .image_pull = dist_constant(0), .container_start = dist_constant(0),
                            .readiness = dist_constant(0), .termination = dist_constant(0),
                            .node_startup = dist_constant(0)};
    f->sc.control_plane = (ControlPlane){.api_qps = 20, .api_burst = 30, .burst_replicas = 250,
                                         .workers = 2, .node_monitor_period = 5 * SIM_S,
                                         .node_monitor_grace = 50 * SIM_S,
                                         .node_startup_grace = 60 * SIM_S,
                                         .pod_gc_period = 20 * SIM_S, .pod_gc_quarantine = 40 * SIM_S,
                                         .candidate_order_by_name = true};
    f->sc.duration = SIM_HOUR;
    f->pool = (NodePoolSpec){.name = S(f, "node"), .node_name = SYM_NONE,
                             .allocatable = {.cpu = 4000, .memory = 16000000000000, .pods = 110000}};
    f->sc.pools = &f->pool;
    f->sc.npools = 1;
    f->sel[0] = (Label){S(f, "name"), S(f, "simple-daemon")};
    f->sel[1] = (Label){S(f, "type"), S(f, "production")};
    labels_normalize(f->sel, 2);
    f->spec = (DaemonSetSpec){.name = S(f, "foo"), .namespace_ = S(f, "default"),
                              .selector = {.match_labels = f->sel, .nlabels = 2},
                              .revision_history_limit = 2, .strategy = STRATEGY_ON_DELETE,
                              .max_unavailable = {false, 1}};
    f->spec.template_ = (PodTemplate){.labels = f->sel, .nlabels = 2, .node_name = SYM_EMPTY,
                                      .termination_grace_seconds = 30, .canonical = "foo/bar v1",
                                      .image = S(f, "foo/bar")};
    sim_init(&f->sim);
    cluster_init(&f->c, &f->sim, f->sc.strs, &f->sc.control_plane, &f->sc.timing, f->sc.npools, 1);
    f->c.sync_mode = true;
    f->c.sink = (Sink){.ctx = f, .pod_event = on_pod_event};
    return f;
}

static void fx_free(Fx *f)
{
    cluster_free(&f->c);
    sim_free(&f->sim);
    strtab_free(f->sc.strs);
    free(f);
}

/* Adds n nodes node-K.. with the given labels; the informer sees them. */
static void fx_nodes(Fx *f, uint32_t n, const Label *labels, uint32_t nlabels)
{
    NodePoolSpec p = f->pool;
    p.labels = labels;
    p.nlabels = nlabels;
    for (uint32_t i = 0; i < n; i++) {
        NodeId id = cluster_add_node(&f->c, &p, 0);
        dsctl_node_changed(&f->c, id);
    }
}

static DsId fx_ds(Fx *f)
{
    DsId id = cluster_create_ds(&f->c, &f->spec);
    return id;
}

/* A pre-existing pod of the DaemonSet on a node, bound, optionally Ready. */
static PodId fx_pod(Fx *f, DsId ds, uint32_t node, bool ready)
{
    PodId p = pod_create(&f->c, ds, (NodeId){node}, f->sim.now);
    cluster_pod(&f->c, p)->bound = true;
    pod_materialize(&f->c, p);
    if (ready) pod_set_ready(&f->c, p, true);
    return p;
}

static void fx_sync(Fx *f, DsId ds)
{
    f->creates = f->deletes = 0;
    dsctl_sync_once(&f->c, ds);
}

#define EXPECT_ACTIONS(f, c_, d_)           \
    do {                                    \
        EXPECT_EQ_I64((f)->creates, (c_));  \
        EXPECT_EQ_I64((f)->deletes, (d_));  \
    } while (0)

/* C01 TestSimpleDaemonSetLaunchesPods: 5 nodes -> 5 creates. */
static void test_c01_simple_launches_pods(void)
{
    for (int strategy = 0; strategy < 2; strategy++) {
        Fx *f = fx_new();
        f->spec.strategy = strategy ? STRATEGY_ROLLING_UPDATE : STRATEGY_ON_DELETE;
        fx_nodes(f, 5, NULL, 0);
        DsId ds = fx_ds(f);
        fx_sync(f, ds);
        EXPECT_ACTIONS(f, 5, 0);
        fx_free(f);
    }
}

/* C03 TestNoNodesDoesNothing. */
static void test_c03_no_nodes(void)
{
    Fx *f = fx_new();
    DsId ds = fx_ds(f);
    fx_sync(f, ds);
    EXPECT_ACTIONS(f, 0, 0);
    fx_free(f);
}

/* C07/C08 TestSelectorDaemonLaunchesPods / TestBadSelectorDaemonDoesNothing. */
static void test_c07_c08_node_selector(void)
{
    for (int bad = 0; bad < 2; bad++) {
        Fx *f = fx_new();
        Label n1[2] = {{S(f, "color"), S(f, "blue")}, {S(f, "speed"), S(f, "fast")}};
        labels_normalize(n1, 2);
        fx_nodes(f, 4, NULL, 0);
        fx_nodes(f, 3, n1, 2);
        Label want = {S(f, "color"), S(f, bad ? "red" : "blue")};
        f->spec.template_.node_selector = &want;
        f->spec.template_.nnode_selector = 1;
        DsId ds = fx_ds(f);
        fx_sync(f, ds);
        EXPECT_ACTIONS(f, bad ? 0 : 3, 0);
        fx_free(f);
    }
}

/* C09/C10 TestNameDaemonSetLaunchesPods / TestBadNameDaemonSetDoesNothing. */
static void test_c09_c10_node_name(void)
{
    for (int bad = 0; bad < 2; bad++) {
        Fx *f = fx_new();
        fx_nodes(f, 5, NULL, 0);
        f->spec.template_.node_name = S(f, bad ? "node-10" : "node-0");
        DsId ds = fx_ds(f);
        fx_sync(f, ds);
        EXPECT_ACTIONS(f, bad ? 0 : 1, 0);
        fx_free(f);
    }
}

/* C14 TestNodeAffinityDaemonLaunchesPods: required `color In [blue]`. */
static void test_c14_node_affinity(void)
{
    Fx *f = fx_new();
    Label n1[2] = {{S(f, "color"), S(f, "blue")}, {S(f, "speed"), S(f, "fast")}};
    labels_normalize(n1, 2);
    fx_nodes(f, 4, NULL, 0);
    fx_nodes(f, 3, n1, 2);
    Sym blue = S(f, "blue");
    Requirement req = {S(f, "color"), SEL_IN, &blue, 1};
    NodeSelectorTerm term = {.exprs = &req, .nexprs = 1};
    f->spec.template_.affinity = (NodeAffinity){true, &term, 1};
    DsId ds = fx_ds(f);
    fx_sync(f, ds);
    EXPECT_ACTIONS(f, 3, 0);
    fx_free(f);
}

/* C20-like TestDealsWithExistingPods: duplicates are pruned, the first in
 * upstream order (oldest) survives; missing nodes get a pod. */
static void test_c20_existing_pods(void)
{
    Fx *f = fx_new();
    fx_nodes(f, 5, NULL, 0);
    DsId ds = fx_ds(f);
    fx_pod(f, ds, 1, false);
    for (int i = 0; i < 2; i++) fx_pod(f, ds, 2, false);
    for (int i = 0; i < 5; i++) fx_pod(f, ds, 3, false);
    fx_sync(f, ds);
    EXPECT_ACTIONS(f, 2, 5);
    fx_free(f);
}

/* C31/C32/C33/C34 taints: NoSchedule keeps a running pod, NoExecute evicts,
 * an untolerated NoSchedule gets no new pod, a toleration lets it in. */
static void test_c31_to_c34_taints(void)
{
    for (int c = 31; c <= 34; c++) {
        Fx *f = fx_new();
        Taint t = {S(f, "dedicated"), S(f, "user1"),
                   c == 32 ? EFFECT_NO_EXECUTE : EFFECT_NO_SCHEDULE};
        NodePoolSpec p = f->pool;
        p.taints = &t;
        p.ntaints = 1;
        NodeId n = cluster_add_node(&f->c, &p, 0);
        dsctl_node_changed(&f->c, n);
        Toleration tol = {S(f, "dedicated"), TOL_EQUAL, S(f, "user1"), EFFECT_NO_SCHEDULE, false, 0};
        if (c == 34) {
            f->spec.template_.tolerations = &tol;
            f->spec.template_.ntolerations = 1;
        }
        DsId ds = fx_ds(f);
        if (c == 31 || c == 32) fx_pod(f, ds, 0, true);
        fx_sync(f, ds);
        switch (c) {
        case 31: EXPECT_ACTIONS(f, 0, 0); break;
        case 32: EXPECT_ACTIONS(f, 0, 1); break;
        case 33: EXPECT_ACTIONS(f, 0, 0); break;
        case 34: EXPECT_ACTIONS(f, 1, 0); break;
        }
        fx_free(f);
    }
}

/* C36/C37: the automatic not-ready/unreachable NoExecute tolerations (§3). */
static void test_c36_c37_auto_tolerations(void)
{
    const char *keys[] = {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"};
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new();
        Taint t = {S(f, keys[i]), SYM_EMPTY, EFFECT_NO_EXECUTE};
        NodePoolSpec p = f->pool;
        p.taints = &t;
        p.ntaints = 1;
        dsctl_node_changed(&f->c, cluster_add_node(&f->c, &p, 0));
        DsId ds = fx_ds(f);
        fx_sync(f, ds);
        EXPECT_ACTIONS(f, 1, 0);
        fx_free(f);
    }
}

/* §2: eligibility pairs; PreferNoSchedule never blocks; an untolerated
 * not-ready:NoSchedule taint gives (false, true) (§7.2). */
static void test_eligibility_pairs(void)
{
    Fx *f = fx_new();
    DsId ds = fx_ds(f);
    const DaemonSet *d = cluster_ds(&f->c, ds);
    Node n = {.name = S(f, "n"), .exists = true};
    Taint prefer = {S(f, "x"), SYM_EMPTY, EFFECT_PREFER_NO_SCHEDULE};
    n.taints = &prefer;
    n.ntaints = 1;
    EXPECT_EQ_I64(dsctl_eligibility(&f->c, d, &n, n.name), ELIG_SHOULD_RUN | ELIG_CONTINUE);
    Taint notready = {S(f, "node.kubernetes.io/not-ready"), SYM_EMPTY, EFFECT_NO_SCHEDULE};
    n.taints = &notready;
    EXPECT_EQ_I64(dsctl_eligibility(&f->c, d, &n, n.name), ELIG_CONTINUE);
    Taint unsched = {S(f, "node.kubernetes.io/unschedulable"), SYM_EMPTY, EFFECT_NO_SCHEDULE};
    n.taints = &unsched;
    EXPECT_EQ_I64(dsctl_eligibility(&f->c, d, &n, n.name), ELIG_SHOULD_RUN | ELIG_CONTINUE);
    fx_free(f);
}

/* §8.2 + §9: all pods old and available; maxUnavailable as a percentage
 * rounds up (50% of 5 -> 3), so one sync deletes exactly 3 old pods. */
static void test_rolling_update_percent_rounds_up(void)
{
    Fx *f = fx_new();
    f->spec.strategy = STRATEGY_ROLLING_UPDATE;
    f->spec.max_unavailable = (IntOrPercent){true, 50};
    fx_nodes(f, 5, NULL, 0);
    DsId ds = fx_ds(f);
    for (uint32_t i = 0; i < 5; i++) fx_pod(f, ds, i, true);
    fx_sync(f, ds);
    EXPECT_ACTIONS(f, 0, 0);
    DaemonSetSpec v2 = f->spec;
    v2.template_.canonical = "foo/bar v2";
    cluster_update_ds(&f->c, ds, &v2);
    fx_sync(f, ds);
    EXPECT_ACTIONS(f, 0, 3);
    EXPECT_EQ_I64(cluster_ds(&f->c, ds)->view.updated, 0);
    fx_free(f);
}

/* §8.2: an unavailable old pod is replaced outside the budget and still
 * counts against it, so no available one goes in the same sync. */
static void test_rolling_update_unavailable_old_replaced(void)
{
    Fx *f = fx_new();
    f->spec.strategy = STRATEGY_ROLLING_UPDATE;
    fx_nodes(f, 3, NULL, 0);
    DsId ds = fx_ds(f);
    fx_pod(f, ds, 0, false);
    fx_pod(f, ds, 1, true);
    fx_pod(f, ds, 2, true);
    DaemonSetSpec v2 = f->spec;
    v2.template_.canonical = "foo/bar v2";
    cluster_update_ds(&f->c, ds, &v2);
    fx_sync(f, ds);
    EXPECT_ACTIONS(f, 0, 1);
    fx_free(f);
}

/* §16: kubectl rollout status messages from the written status. */
static void test_rollout_status_messages(void)
{
    Fx *f = fx_new();
    f->spec.strategy = STRATEGY_ROLLING_UPDATE;
    fx_nodes(f, 2, NULL, 0);
    DsId ds = fx_ds(f);
    char msg[256];
    EXPECT_EQ_I64(dsctl_rollout_message(&f->c, cluster_ds(&f->c, ds), msg, sizeof msg), 0);
    EXPECT_STR(msg, "Waiting for daemon set spec update to be observed...");
    fx_sync(f, ds);
    dsctl_rollout_message(&f->c, cluster_ds(&f->c, ds), msg, sizeof msg);
    /* Sync mode observes the two creations at once: updated, not yet available. */
    EXPECT_STR(msg, "Waiting for daemon set \"foo\" rollout to finish: 0 of 2 updated pods are available...");
    fx_free(f);
}

static void test_check_mode_agrees(void)
{
    Fx *f = fx_new();
    fx_nodes(f, 6, NULL, 0);
    DsId ds = fx_ds(f);
    fx_pod(f, ds, 0, true);
    fx_pod(f, ds, 0, false);
    fx_pod(f, ds, 3, true);
    fx_sync(f, ds);
    char why[512] = "";
    bool ok = dsctl_check(&f->c, why, sizeof why);
    CU_ASSERT_TRUE(ok);
    if (!ok) fprintf(stderr, "%s\n", why);
    fx_free(f);
}

/* The check must also see a wrong view: the recomputation is its own. */
static void test_check_mode_catches_drift(void)
{
    Fx *f = fx_new();
    fx_nodes(f, 4, NULL, 0);
    DsId ds = fx_ds(f);
    fx_pod(f, ds, 1, true);
    fx_sync(f, ds);
    char why[512] = "";
    CU_ASSERT_TRUE(dsctl_check(&f->c, why, sizeof why));
    cluster_ds(&f->c, ds)->view.current++;
    CU_ASSERT_FALSE(dsctl_check(&f->c, why, sizeof why));
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "recomputed 4/4/"));
    fx_free(f);
}

/* The rollout plans' pod counts (plancount.c) follow every pod change the
 * cluster emits, and the check (run --check) sees counts that drifted. */
static void test_plan_counts_follow_pods(void)
{
    Fx *f = fx_new();
    plancount_start(&f->c);
    fx_nodes(f, 4, NULL, 0);
    DsId ds = fx_ds(f);
    PodId ready = fx_pod(f, ds, 0, true), waiting = fx_pod(f, ds, 1, false);
    PodId leaving = fx_pod(f, ds, 2, true), failed = fx_pod(f, ds, 3, false);
    cluster_fail_pod(&f->c, failed);
    pod_begin_delete(&f->c, leaving);
    PlanPodCounts k = plancount_of(&f->c, ds, 0);
    EXPECT_EQ_I64(k.pods, 3);
    EXPECT_EQ_I64(k.ready, 1);
    EXPECT_EQ_I64(k.failed, 1);
    EXPECT_EQ_I64(k.crash_looping, 0);
    const IdxSet *nr = plancount_not_ready(&f->c);
    EXPECT_EQ_I64(nr->n, 1);
    CU_ASSERT_TRUE(idxset_has(nr, waiting.i));
    pod_set_ready(&f->c, waiting, true);
    EXPECT_EQ_I64(plancount_of(&f->c, ds, 0).ready, 2);
    EXPECT_EQ_I64(nr->n, 0);
    fx_sync(f, ds);
    char why[512] = "";
    CU_ASSERT_TRUE(dsctl_check(&f->c, why, sizeof why));
    cluster_pod(&f->c, ready)->ready = false;
    CU_ASSERT_FALSE(dsctl_check(&f->c, why, sizeof why));
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "plan counts"));
    fx_free(f);
}

static CU_TestInfo dsctl_tests[] = {
    {"C01 simple launches pods", test_c01_simple_launches_pods},
    {"C03 no nodes does nothing", test_c03_no_nodes},
    {"C07/C08 node selector", test_c07_c08_node_selector},
    {"C09/C10 node name", test_c09_c10_node_name},
    {"C14 node affinity", test_c14_node_affinity},
    {"C20 existing and duplicate pods", test_c20_existing_pods},
    {"C31-C34 taints and tolerations", test_c31_to_c34_taints},
    {"C36/C37 automatic NoExecute tolerations", test_c36_c37_auto_tolerations},
    {"eligibility pairs (2, 7.2, 7.4)", test_eligibility_pairs},
    {"rolling update: percent rounds up (8.2, 9)", test_rolling_update_percent_rounds_up},
    {"rolling update: unavailable old replaced (8.2)", test_rolling_update_unavailable_old_replaced},
    {"rollout status messages (16)", test_rollout_status_messages},
    {"check mode agrees with the view", test_check_mode_agrees},
    {"check mode catches a drifted view", test_check_mode_catches_drift},
    {"rollout plan counts follow the pods", test_plan_counts_follow_pods},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"dsctl", NULL, NULL, NULL, NULL, dsctl_tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

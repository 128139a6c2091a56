/* Conformance, docs/conformance.md section H: rolling updates (update_test.go).
 *
 * Unless a case says otherwise: 5 unlabeled nodes, DS foo created OnDelete,
 * a first sync creates the pods; then the image changes and the strategy is
 * switched in the same update. Each step is one sync; upstream's
 * clearExpectations between steps is implied by sync mode, where every
 * create and delete is observed at once. Pods the controller creates are not
 * Ready until fx_mark_pods_ready() (upstream markPodsReady).
 *
 * Model mapping: the simulator keeps per-node classes and picks rolling-update
 * candidates; with candidateOrder name (the fixture's) the picks are the
 * first nodes by name, where upstream walks a Go map. The counts per sync do
 * not depend on which nodes are picked. */
#include "fixture.h"
#include "fixture_more.h"
#include "harness.h"

#define STEP(f, ds, c_, d_)       \
    do {                          \
        fx_sync((f), (ds));       \
        EXPECT_SYNC((f), (c_), (d_), 0); \
    } while (0)

/* n nodes, DS foo (OnDelete), first sync creates one pod per node. */
static Fx *rollout_world(DsId *ds, uint32_t nodes)
{
    Fx *f = fx_new();
    fx_add_nodes(f, nodes, NULL, 0);
    *ds = fx_create_ds(f);
    fx_sync(f, *ds);
    EXPECT_SYNC(f, (int)nodes, 0, 0);
    return f;
}

/* New image and RollingUpdate {maxUnavailable: v}. */
static void update_unavailable(Fx *f, DsId ds, const char *image, IntOrPercent v)
{
    DaemonSetSpec s = fxm_spec(f, ds);
    fxm_set_image(f, &s, image);
    fxm_strategy_unavailable(&s, v);
    fx_update_spec(f, ds, &s);
}

/* New image and RollingUpdate {maxUnavailable: 0, maxSurge: v}. */
static void update_surge(Fx *f, DsId ds, const char *image, IntOrPercent v)
{
    DaemonSetSpec s = fxm_spec(f, ds);
    fxm_set_image(f, &s, image);
    fxm_strategy_surge(&s, v);
    fx_update_spec(f, ds, &s);
}

/* C58 TestDaemonSetUpdatesPods (§8.2): maxUnavailable 2 deletes two old
 * available pods per round; manage recreates them on the next sync; the
 * next round waits until they are Ready. */
static void test_C58_TestDaemonSetUpdatesPods(void)
{
    DsId ds;
    Fx *f = rollout_world(&ds, 5);
    fx_mark_pods_ready(f, ds);
    update_unavailable(f, ds, "foo2/bar2", fxm_int(2));
    STEP(f, ds, 0, 2);
    STEP(f, ds, 2, 0);
    fx_mark_pods_ready(f, ds);
    STEP(f, ds, 0, 2);
    STEP(f, ds, 2, 0);
    fx_mark_pods_ready(f, ds);
    STEP(f, ds, 0, 1);
    STEP(f, ds, 1, 0);
    fx_mark_pods_ready(f, ds);
    STEP(f, ds, 0, 0);
    fx_free(f);
}

/* C59 TestDaemonSetUpdatesPodsWithMaxSurge (§8.3, §5.2 case B.3): two new
 * pods start beside old ones; once they are Ready, manage deletes the old
 * pods and the rolling update surges onto the next nodes in the same sync. */
static void test_C59_TestDaemonSetUpdatesPodsWithMaxSurge(void)
{
    DsId ds;
    Fx *f = rollout_world(&ds, 5);
    fx_mark_pods_ready(f, ds);
    const int max_surge = 2;
    update_surge(f, ds, "foo2/bar2", fxm_int(max_surge));
    STEP(f, ds, max_surge, 0);
    STEP(f, ds, 0, 0);
    fx_mark_pods_ready(f, ds);
    STEP(f, ds, max_surge, max_surge);
    STEP(f, ds, 0, 0);
    fx_mark_pods_ready(f, ds);
    STEP(f, ds, 5 % max_surge, max_surge);
    STEP(f, ds, 0, 0);
    fx_mark_pods_ready(f, ds);
    STEP(f, ds, 0, 5 % max_surge);
    STEP(f, ds, 0, 0);
    fx_free(f);
}

/* C60 TestDaemonSetUpdatesPodsNotMatchTainstWithMaxSurge (§8.3 step 4,
 * PR #119317): dropping the toleration of node-0's control-plane taint makes
 * node-0 (false, true); its old pod is deleted as soon as the available pods
 * exceed the 4 desired ones (5 - 4 = 1), while one surge pod starts. */
static void test_C60_TestDaemonSetUpdatesPodsNotMatchTainstWithMaxSurge(void)
{
    Fx *f = fx_new();
    fxm_strategy_surge(&f->spec, fxm_int(1));
    Sym cp = fx_sym(f, "node-role.kubernetes.io/control-plane");
    Toleration *tol = arena_alloc(&f->arena, sizeof *tol);
    *tol = (Toleration){.key = cp, .op = TOL_EXISTS, .value = SYM_EMPTY, .effect = EFFECT_ALL};
    f->spec.template_.tolerations = tol;
    f->spec.template_.ntolerations = 1;
    f->spec.template_.canonical = "foo/bar tolerations=[control-plane Exists]";
    Taint *taint = arena_alloc(&f->arena, sizeof *taint);
    *taint = (Taint){cp, SYM_EMPTY, EFFECT_NO_SCHEDULE};
    fx_add_node(f, (FxNode){.name = "node-0", .taints = taint, .ntaints = 1});
    f->next_node = 1; /* node-0 is named above; the rest are node-1..node-4 */
    fx_add_nodes(f, 4, NULL, 0);
    DsId ds = fx_create_ds(f);
    fx_sync(f, ds);
    EXPECT_SYNC(f, 5, 0, 0);
    fx_mark_pods_ready(f, ds);

    DaemonSetSpec s = fxm_spec(f, ds);
    s.template_.tolerations = NULL;
    s.template_.ntolerations = 0;
    s.template_.canonical = "foo/bar";
    fx_update_spec(f, ds, &s);

    STEP(f, ds, 1, 1);
    STEP(f, ds, 0, 0);
    for (int round = 0; round < 3; round++) {
        fx_mark_pods_ready(f, ds);
        STEP(f, ds, 1, 1);
        STEP(f, ds, 0, 0);
    }
    fx_mark_pods_ready(f, ds);
    STEP(f, ds, 0, 1);
    STEP(f, ds, 0, 0);
    fx_free(f);
}

/* C61 TestDaemonSetUpdatesWhenNewPodIsNotReady (§8.2): the 3 new pods never
 * become Ready, so the budget of 3 stays used. */
static void test_C61_TestDaemonSetUpdatesWhenNewPodIsNotReady(void)
{
    DsId ds;
    Fx *f = rollout_world(&ds, 5);
    fx_mark_pods_ready(f, ds);
    update_unavailable(f, ds, "foo2/bar2", fxm_int(3));
    STEP(f, ds, 0, 3);
    STEP(f, ds, 3, 0);
    STEP(f, ds, 0, 0);
    fx_free(f);
}

/* C62 TestDaemonSetUpdatesSomeOldPodsNotReady (§8.2: unavailable old pods
 * are replaced regardless of the budget): after a second template change the
 * 2 unready pods are replaced and use up the budget; the 3 Ready pods stay. */
static void test_C62_TestDaemonSetUpdatesSomeOldPodsNotReady(void)
{
    DsId ds;
    Fx *f = rollout_world(&ds, 5);
    fx_mark_pods_ready(f, ds);
    const int max_unavailable = 2;
    update_unavailable(f, ds, "foo2/bar2", fxm_int(max_unavailable));
    STEP(f, ds, 0, max_unavailable);
    STEP(f, ds, max_unavailable, 0);
    STEP(f, ds, 0, 0);
    update_unavailable(f, ds, "foo2/bar3", fxm_int(max_unavailable));
    STEP(f, ds, 0, max_unavailable);
    STEP(f, ds, max_unavailable, 0);
    STEP(f, ds, 0, 0);
    EXPECT_EQ_I64(fx_count_ready(f, ds), 5 - max_unavailable);
    fx_free(f);
}

/* Names of the DaemonSet's Ready pods. */
static uint32_t ready_pod_names(Fx *f, DsId ds, Sym *out, uint32_t cap)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->c.pods.n; i++) {
        const Pod *p = &f->c.pods.v[i];
        if (p->exists && p->ds.i == ds.i && p->ready && n < cap) out[n++] = p->name;
    }
    return n;
}

/* C63 TestDaemonSetUpdatesSaveOldHealthyPods (§8.2, §8.1 forced-to-1): 10
 * unready new pods and 10 Ready old ones; every later template change
 * replaces exactly the 10 unready pods, whatever maxUnavailable below 10,
 * and never touches the Ready ones. Upstream draws maxUnavailable with
 * rand.Intn(10) in each of 10 rounds; here the 10 rounds take each value
 * 0..9 once, which covers every draw (0 is forced to 1). With 11 the budget
 * allows one Ready pod more: 9 Ready pods remain. */
static void test_C63_TestDaemonSetUpdatesSaveOldHealthyPods(void)
{
    DsId ds;
    Fx *f = rollout_world(&ds, 20);
    fx_mark_pods_ready(f, ds);
    update_unavailable(f, ds, "foo2/bar2", fxm_int(10));
    STEP(f, ds, 0, 10);
    STEP(f, ds, 10, 0);
    STEP(f, ds, 0, 0);
    Sym old_ready[20];
    uint32_t nold = ready_pod_names(f, ds, old_ready, 20);
    EXPECT_EQ_I64(nold, 10);

    static const char *const images[10] = {
        "foo2/bar3-0", "foo2/bar3-1", "foo2/bar3-2", "foo2/bar3-3", "foo2/bar3-4",
        "foo2/bar3-5", "foo2/bar3-6", "foo2/bar3-7", "foo2/bar3-8", "foo2/bar3-9",
    };
    static const int32_t max_unavailable[10] = {7, 0, 3, 9, 1, 5, 8, 2, 6, 4};
    for (int i = 0; i < 10; i++) {
        update_unavailable(f, ds, images[i], fxm_int(max_unavailable[i]));
        STEP(f, ds, 0, 10);
        STEP(f, ds, 10, 0);
        STEP(f, ds, 0, 0);
        for (uint32_t k = 0; k < nold; k++) {
            char msg[128];
            snprintf(msg, sizeof msg, "round %d (maxUnavailable %d): old Ready pod %u still there", i,
                     max_unavailable[i], k);
            CU_assertImplementation(fxm_pod_alive(f, old_ready[k]), __LINE__, msg, __FILE__, "", CU_FALSE);
        }
    }

    update_unavailable(f, ds, "foo2/bar4", fxm_int(11));
    STEP(f, ds, 0, 11);
    STEP(f, ds, 11, 0);
    STEP(f, ds, 0, 0);
    EXPECT_EQ_I64(fx_count_ready(f, ds), 9);
    fx_free(f);
}

/* C64 TestDaemonSetUpdatesAllOldNotReadyPodsAndNewNotReadyPods (§8.2): a
 * finished 100-node rollout forced into 10 available old pods, 2 unavailable
 * old pods and 88 unavailable new pods (90 unavailable > 10): only the 2
 * unavailable old pods are replaced. */
static void test_C64_TestDaemonSetUpdatesAllOldNotReadyPodsAndNewNotReadyPods(void)
{
    DsId ds;
    Fx *f = rollout_world(&ds, 100);
    fx_mark_pods_ready(f, ds);
    /* The revision the first pods were created under (upstream's hash1). */
    uint32_t rev1 = cluster_ds(&f->c, ds)->cur;
    update_unavailable(f, ds, "foo2/bar2", fxm_int(10));
    for (int i = 0; i < 10; i++) {
        STEP(f, ds, 0, 10);
        STEP(f, ds, 10, 0);
        fx_mark_pods_ready(f, ds);
    }
    STEP(f, ds, 0, 0);

    Sym old_unavailable[2];
    uint32_t k = 0;
    for (uint32_t i = 0; i < f->c.pods.n; i++) {
        Pod *p = &f->c.pods.v[i];
        if (!p->exists || p->ds.i != ds.i) continue;
        PodId id = {i};
        if (k >= 10) fx_set_pod_ready(f, id, false);
        if (k < 12) fxm_set_pod_rev(f, id, rev1);
        if (k == 10 || k == 11) old_unavailable[k - 10] = f->c.pods.v[i].name;
        k++;
    }
    EXPECT_EQ_I64(k, 100);

    STEP(f, ds, 0, 2);
    STEP(f, ds, 2, 0);
    STEP(f, ds, 0, 0);
    CU_ASSERT_FALSE(fxm_pod_alive(f, old_unavailable[0]));
    CU_ASSERT_FALSE(fxm_pod_alive(f, old_unavailable[1]));
    fx_free(f);
}

/* C65 TestDaemonSetUpdatesAllOldPodsNotReady (§8.2): every old pod is
 * unavailable, so all are replaced at once despite maxUnavailable 3. */
static void test_C65_TestDaemonSetUpdatesAllOldPodsNotReady(void)
{
    DsId ds;
    Fx *f = rollout_world(&ds, 5);
    update_unavailable(f, ds, "foo2/bar2", fxm_int(3));
    STEP(f, ds, 0, 5);
    STEP(f, ds, 5, 0);
    STEP(f, ds, 0, 0);
    fx_free(f);
}

/* C66 TestDaemonSetUpdatesAllOldPodsNotReadyMaxSurge (§8.3, §5.2 case B.3,
 * §11). Upstream moves a fake clock; here simulated time passes to each
 * instant (fxm_advance), and Ready transitions happen at the clock's time. */
static void test_C66_TestDaemonSetUpdatesAllOldPodsNotReadyMaxSurge(void)
{
    DsId ds;
    Fx *f = rollout_world(&ds, 5);
    update_surge(f, ds, "foo2/bar2", fxm_int(3));

    /* Every old pod is unavailable: a new pod everywhere, outside the budget. */
    fxm_advance(f, 100 * SIM_S);
    STEP(f, ds, 5, 0);
    /* Old pods not Ready beside new ones: manage deletes them. */
    fxm_advance(f, 200 * SIM_S);
    STEP(f, ds, 0, 5);

    for (uint32_t i = 0; i < f->c.pods.n; i++)
        if (f->c.pods.v[i].exists && f->c.pods.v[i].ds.i == ds.i) fx_set_pod_ready(f, (PodId){i}, true);
    DaemonSetSpec s = fxm_spec(f, ds);
    s.min_ready_seconds = 15;
    fxm_set_image(f, &s, "foo3/bar3");
    fx_update_spec(f, ds, &s);

    /* 5 old available pods, surge 3. */
    fxm_advance(f, 300 * SIM_S);
    STEP(f, ds, 3, 0);

    /* Two of the 3 new pods Ready at t=300; one old pod on a node without a
     * new pod turns unready. */
    int marked = 0, unready = 0;
    for (uint32_t n = 0; n < 5; n++) {
        PodId np = fxm_pod_on(f, ds, (NodeId){n}, true);
        PodId op = fxm_pod_on(f, ds, (NodeId){n}, false);
        if (np.i != ID_NONE && marked < 2) {
            fx_set_pod_ready(f, np, true);
            marked++;
        } else if (np.i == ID_NONE && op.i != ID_NONE && unready < 1) {
            fx_set_pod_ready(f, op, false);
            unready++;
        }
    }
    EXPECT_EQ_I64(marked, 2);
    EXPECT_EQ_I64(unready, 1);

    /* New pods not yet available (300 + 15 > 310): only the unready old pod's
     * node gets a new pod (numSurge is 3). */
    fxm_advance(f, 310 * SIM_S);
    STEP(f, ds, 1, 0);
    /* The 2 new pods are available: their old pods go; the old pod beside the
     * t=310 pod is unready and goes; one surge slot is free: one create. */
    fxm_advance(f, 320 * SIM_S);
    STEP(f, ds, 1, 3);

    int readied = 0;
    for (uint32_t i = 0; i < f->c.pods.n; i++) {
        const Pod *p = &f->c.pods.v[i];
        if (p->exists && p->ds.i == ds.i && !p->deleting && !p->ready &&
            p->rev == cluster_ds(&f->c, ds)->cur) {
            fx_set_pod_ready(f, (PodId){i}, true);
            readied++;
        }
    }
    EXPECT_EQ_I64(readied, 3);

    fxm_advance(f, 340 * SIM_S);
    STEP(f, ds, 0, 2);
    fxm_advance(f, 350 * SIM_S);
    STEP(f, ds, 0, 0);
    fx_free(f);
}

/* C67 TestDaemonSetUpdatesNoTemplateChanged (§8.1: only pods of another
 * revision are old): switching to RollingUpdate alone replaces nothing. */
static void test_C67_TestDaemonSetUpdatesNoTemplateChanged(void)
{
    DsId ds;
    Fx *f = rollout_world(&ds, 5);
    DaemonSetSpec s = fxm_spec(f, ds);
    fxm_strategy_unavailable(&s, fxm_int(3));
    fx_update_spec(f, ds, &s);
    STEP(f, ds, 0, 0);
    fx_free(f);
}

/* One row of C68: n nodes, an old Ready pod on the nodes in `with_pod`
 * (node-K is bit K), node `terminating` (or -1) with that pod terminating. */
static Fx *numbers_world(DsId *ds, uint32_t nodes, uint32_t with_pod, int terminating,
                         IntOrPercent max_unavailable, IntOrPercent max_surge)
{
    Fx *f = fx_new();
    f->spec.strategy = STRATEGY_ROLLING_UPDATE;
    f->spec.max_unavailable = max_unavailable;
    f->spec.max_surge = max_surge;
    fx_add_nodes(f, nodes, NULL, 0);
    *ds = fx_create_ds(f);
    for (uint32_t n = 0; n < nodes; n++)
        if (with_pod & (1u << n))
            fx_add_pod(f, *ds, (NodeId){n}, (FxPod){.old = true, .ready = true, .deleting = (int)n == terminating});
    return f;
}

/* updatedDesiredNodeCounts' four numbers for the world as it stands. */
static void expect_counts(Fx *f, DsId ds, int32_t surge, int32_t unavailable, int32_t desired,
                          int32_t empty)
{
    DsNodeCounts n = dsctl_node_counts(cluster_ds(&f->c, ds));
    EXPECT_EQ_I64(n.max_surge, surge);
    EXPECT_EQ_I64(n.max_unavailable, unavailable);
    EXPECT_EQ_I64(n.desired, desired);
    EXPECT_EQ_I64(n.empty, empty);
}

/* C68 TestGetUnavailableNumbers (§8.1, §9; update.go updatedDesiredNodeCounts).
 * Each row asserts the four numbers upstream's table gives (maxSurge,
 * maxUnavailable, desired, emptyNodes), then what they decide in one sync of
 * old Ready pods (upstream's pods carry no hash label, so they are old):
 * maxUnavailable = the old available pods deleted, maxSurge = the surge pods
 * created, and an empty desired node = a pod manage creates, which then uses
 * a unit of the budget. */
static void test_C68_TestGetUnavailableNumbers(void)
{
    DsId ds;
    Fx *f;

    /* No nodes: maxUnavailable 0, desired 0, nothing to do. */
    f = numbers_world(&ds, 0, 0, -1, fxm_int(0), fxm_int(0));
    expect_counts(f, ds, 0, 0, 0, 0);
    fx_sync(f, ds);
    EXPECT_SYNC(f, 0, 0, 0);
    EXPECT_EQ_I64(cluster_ds(&f->c, ds)->status.desired, 0);
    fx_free(f);

    /* Two nodes with ready pods, maxUnavailable 1: one old pod goes. */
    f = numbers_world(&ds, 2, 3, -1, fxm_int(1), fxm_int(0));
    expect_counts(f, ds, 0, 1, 2, 0);
    fx_sync(f, ds);
    EXPECT_SYNC(f, 0, 1, 0);
    EXPECT_EQ_I64(cluster_ds(&f->c, ds)->status.desired, 2);
    fx_free(f);

    /* Two nodes, one without pods, maxUnavailable 0 (and the surge variant,
     * maxSurge 0 too): maxUnavailable is forced to 1; the empty node gets a
     * pod, which uses that unit, so no old pod goes. */
    for (int variant = 0; variant < 2; variant++) {
        f = numbers_world(&ds, 2, 1, -1, fxm_int(0), fxm_int(0));
        expect_counts(f, ds, 0, 1, 2, 1);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 1, 0, 0);
        EXPECT_EQ_I64(cluster_ds(&f->c, ds)->status.desired, 2);
        fx_free(f);
    }
    /* The forced 1 on its own: both nodes with old Ready pods, both values 0. */
    f = numbers_world(&ds, 2, 3, -1, fxm_int(0), fxm_int(0));
    expect_counts(f, ds, 0, 1, 2, 0);
    fx_sync(f, ds);
    EXPECT_SYNC(f, 0, 1, 0);
    fx_free(f);

    /* MaxUnavailable in percents: 50% of 2 -> 1. */
    f = numbers_world(&ds, 2, 3, -1, fxm_pct(50), fxm_int(0));
    expect_counts(f, ds, 0, 1, 2, 0);
    fx_sync(f, ds);
    EXPECT_SYNC(f, 0, 1, 0);
    EXPECT_EQ_I64(cluster_ds(&f->c, ds)->status.desired, 2);
    fx_free(f);

    /* Surge in percents: maxSurge 50% of 2 -> 1, maxUnavailable 0. */
    f = numbers_world(&ds, 2, 3, -1, fxm_int(0), fxm_pct(50));
    expect_counts(f, ds, 1, 0, 2, 0);
    fx_sync(f, ds);
    EXPECT_SYNC(f, 1, 0, 0);
    fx_free(f);

    /* maxSurge 100% of 2 -> 2. */
    f = numbers_world(&ds, 2, 3, -1, fxm_int(0), fxm_pct(100));
    expect_counts(f, ds, 2, 0, 2, 0);
    fx_sync(f, ds);
    EXPECT_SYNC(f, 2, 0, 0);
    fx_free(f);

    /* Pod terminating: 3 desired nodes, maxUnavailable 50% -> ceil(1.5) = 2,
     * one empty node. The terminating node and the empty node (which gets a
     * pod) use both units: nothing is deleted. */
    f = numbers_world(&ds, 3, 3, 1, fxm_pct(50), fxm_int(0));
    expect_counts(f, ds, 0, 2, 3, 1);
    fx_sync(f, ds);
    EXPECT_SYNC(f, 1, 0, 0);
    EXPECT_EQ_I64(cluster_ds(&f->c, ds)->status.desired, 3);
    EXPECT_EQ_I64(units_scale(fxm_pct(50), 3, true), 2);
    fx_free(f);
    /* The ceil on its own: 3 nodes with old Ready pods, 50% -> 2 deletes. */
    f = numbers_world(&ds, 3, 7, -1, fxm_pct(50), fxm_int(0));
    expect_counts(f, ds, 0, 2, 3, 0);
    fx_sync(f, ds);
    EXPECT_SYNC(f, 0, 2, 0);
    fx_free(f);

    /* The derived rows of the same formula, ceil(p * n / 100), and what they
     * decide: that many old available pods deleted in one sync. */
    static const struct { int32_t pct, nodes, want; } rows[] = {
        {10, 5, 1}, {20, 5, 1}, {25, 10, 3}, {30, 7, 3}, {33, 3, 1}, {100, 5, 5}, {1, 250, 3},
    };
    for (size_t i = 0; i < DS_ARRAY_LEN(rows); i++) {
        EXPECT_EQ_I64(units_scale(fxm_pct(rows[i].pct), rows[i].nodes, true), rows[i].want);
        f = fx_new();
        f->spec.strategy = STRATEGY_ROLLING_UPDATE;
        f->spec.max_unavailable = fxm_pct(rows[i].pct);
        fx_add_nodes(f, (uint32_t)rows[i].nodes, NULL, 0);
        ds = fx_create_ds(f);
        for (int32_t n = 0; n < rows[i].nodes; n++)
            fx_add_pod(f, ds, (NodeId){(uint32_t)n}, (FxPod){.old = true, .ready = true});
        fx_sync(f, ds);
        EXPECT_SYNC(f, 0, rows[i].want, 0);
        fx_free(f);
    }
}

static CU_TestInfo tests[] = {
    {"C58 TestDaemonSetUpdatesPods", test_C58_TestDaemonSetUpdatesPods},
    {"C59 TestDaemonSetUpdatesPodsWithMaxSurge", test_C59_TestDaemonSetUpdatesPodsWithMaxSurge},
    {"C60 TestDaemonSetUpdatesPodsNotMatchTainstWithMaxSurge",
     test_C60_TestDaemonSetUpdatesPodsNotMatchTainstWithMaxSurge},
    {"C61 TestDaemonSetUpdatesWhenNewPodIsNotReady", test_C61_TestDaemonSetUpdatesWhenNewPodIsNotReady},
    {"C62 TestDaemonSetUpdatesSomeOldPodsNotReady", test_C62_TestDaemonSetUpdatesSomeOldPodsNotReady},
    {"C63 TestDaemonSetUpdatesSaveOldHealthyPods", test_C63_TestDaemonSetUpdatesSaveOldHealthyPods},
    {"C64 TestDaemonSetUpdatesAllOldNotReadyPodsAndNewNotReadyPods",
     test_C64_TestDaemonSetUpdatesAllOldNotReadyPodsAndNewNotReadyPods},
    {"C65 TestDaemonSetUpdatesAllOldPodsNotReady", test_C65_TestDaemonSetUpdatesAllOldPodsNotReady},
    {"C66 TestDaemonSetUpdatesAllOldPodsNotReadyMaxSurge",
     test_C66_TestDaemonSetUpdatesAllOldPodsNotReadyMaxSurge},
    {"C67 TestDaemonSetUpdatesNoTemplateChanged", test_C67_TestDaemonSetUpdatesNoTemplateChanged},
    {"C68 TestGetUnavailableNumbers", test_C68_TestGetUnavailableNumbers},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"rolling_update", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

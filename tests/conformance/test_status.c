/* Conformance, docs/conformance.md section G: status and errors
 * (daemon_controller_test.go). Section numbers §N refer to
 * docs/behaviour.md. The error cases (C53-C56) fail calls through
 * spec.controlPlane.apiErrors; C57 is ported without its informer and
 * expectation internals. */
#include "fixture.h"
#include "fixture_more.h"
#include "harness.h"

#include "daemonsim/apiclient.h"

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

/* The world of C53/C54: DS foo on 100 nodes, the API server accepting only
 * the first 10 creates (FakePodControl.CreateLimit 10), one sync. */
static Fx *create_limit_world(UpdateStrategy s, DsId *ds)
{
    Fx *f = fx_new_strategy(s);
    fx_set_create_limit(f, 10);
    fx_add_nodes(f, 100, NULL, 0);
    *ds = fx_create_ds(f);
    fx_sync(f, *ds);
    return f;
}

/* C53 TestSimpleDaemonSetPodCreateErrors (§5.4; daemon_controller.go
 * syncNodes, controller_utils.go SlowStartInitialBatchSize): batches of 1,
 * 2, 4 succeed, the batch of 8 has 3 accepted and 5 refused creates, and the
 * 85 creates never tried are skipped: 10 pods, 15 create calls, at most
 * 1+2+4+8. The status written by the same sync counts the 10. */
static void test_C53_TestSimpleDaemonSetPodCreateErrors(void)
{
    for (int i = 0; i < 2; i++) {
        DsId ds;
        Fx *f = create_limit_world(fx_strategies[i], &ds);
        EXPECT_SYNC(f, 10, 0, 0);
        int expected_limit = 0;
        for (int pass = 0; expected_limit <= 10; pass++) expected_limit += 1 << pass;
        CU_ASSERT_TRUE(f->c.ds_calls.creates <= (uint64_t)expected_limit);
        EXPECT_EQ_I64(f->c.ds_calls.creates, 15);
        CU_ASSERT_TRUE(f->status_writes > 0);
        const DsStatus *st = &cluster_ds(&f->c, ds)->status;
        EXPECT_EQ_I64(st->desired, 100);
        EXPECT_EQ_I64(st->current, 10);
        EXPECT_EQ_I64(st->updated, 10);
        fx_free(f);
    }
}

/* C54 TestDaemonSetPodCreateExpectationsError (§5.4, §14): the same sync
 * leaves the expectations satisfied — the 5 refused creates were
 * CreationObserved and the 85 skipped ones lowered. */
static void test_C54_TestDaemonSetPodCreateExpectationsError(void)
{
    for (int i = 0; i < 2; i++) {
        DsId ds;
        Fx *f = create_limit_world(fx_strategies[i], &ds);
        const Expectations *e = &cluster_ds(&f->c, ds)->ctl->exp;
        CU_ASSERT_TRUE(e->present);
        EXPECT_EQ_I64(e->add, 0);
        EXPECT_EQ_I64(e->del, 0);
        fx_free(f);
    }
}

/* C55 TestSimpleDaemonSetUpdatesStatusError (§4 step 8; syncDaemonSet): one
 * node. Creates refused: the sync returns an error after one create call.
 * Status updates refused: the error too, after UpdateStatus, GET,
 * UpdateStatus. Both: an error, and the status write was still tried. */
static void test_C55_TestSimpleDaemonSetUpdatesStatusError(void)
{
    static const struct { double create, status; int pods, updates; } rows[] = {
        {1, 0, 0, 1},
        {0, 1, 1, 2},
        {1, 1, 0, 2},
    };
    for (int i = 0; i < 2; i++) {
        for (size_t r = 0; r < DS_ARRAY_LEN(rows); r++) {
            Fx *f = fx_new_strategy(fx_strategies[i]);
            f->c.cp.api_errors.create = rows[r].create;
            f->c.cp.api_errors.status = rows[r].status;
            fx_add_nodes(f, 1, NULL, 0);
            DsId ds = fx_create_ds(f);
            fx_sync(f, ds);
            CU_ASSERT_TRUE(fx_sync_failed(f, ds));
            EXPECT_EQ_I64(f->c.ds_calls.creates, 1);
            EXPECT_EQ_I64(f->creates, rows[r].pods);
            EXPECT_EQ_I64(f->c.ds_calls.status_updates, rows[r].updates);
            fx_free(f);
        }
    }
}

/* C56 TestStoreDaemonSetStatus (§10; storeDaemonSetStatus with
 * StatusUpdateRetries 1): UpdateStatus and GET calls for 0, 1 and 2 refused
 * updates. The row with a failing GET is left out: only create, delete and
 * status calls can fail in the model. */
static void test_C56_TestStoreDaemonSetStatus(void)
{
    static const struct { const char *pattern; int updates, gets; bool ok; } rows[] = {
        {"P", 1, 0, true},
        {"FP", 2, 1, true},
        {"FF", 2, 1, false},
    };
    for (size_t r = 0; r < DS_ARRAY_LEN(rows); r++) {
        Fx *f = fx_new();
        fx_add_nodes(f, 1, NULL, 0);
        DsId ds = fx_create_ds(f);
        f->c.cp.api_errors.status = 0.5;
        fx_script_api_errors(f, 0.5, rows[r].pattern);
        fx_sync(f, ds);
        EXPECT_EQ_I64(f->c.ds_calls.status_updates, rows[r].updates);
        EXPECT_EQ_I64(f->c.ds_calls.gets, rows[r].gets);
        CU_ASSERT_EQUAL(fx_sync_failed(f, ds), !rows[r].ok);
        EXPECT_EQ_I64(f->status_writes, rows[r].ok ? 1 : 0);
        EXPECT_EQ_I64(cluster_ds(&f->c, ds)->status.current, rows[r].ok ? 1 : 0);
        fx_free(f);
    }
}

/* C79 TestUpdateStatusDespitePodCreationFailure (§4 step 8): an admission
 * step admits only 2 pod creations; on 5 nodes exactly 2 pods exist, and
 * once they are Ready the status says numberReady 2, although every sync's
 * creates keep failing. */
static void test_C79_TestUpdateStatusDespitePodCreationFailure(void)
{
    for (int i = 0; i < 2; i++) {
        Fx *f = fx_new_strategy(fx_strategies[i]);
        fx_set_create_limit(f, 2);
        fx_add_nodes(f, 5, NULL, 0);
        DsId ds = fx_create_ds(f);
        fx_sync(f, ds);
        CU_ASSERT_TRUE(fx_sync_failed(f, ds));
        fx_mark_pods_ready(f, ds);
        fx_sync(f, ds);
        CU_ASSERT_TRUE(fx_sync_failed(f, ds));
        EXPECT_EQ_I64(fx_count_pods(f, ds, NODE_NONE, true), 2);
        const DsStatus *st = &cluster_ds(&f->c, ds)->status;
        EXPECT_EQ_I64(st->ready, 2);
        EXPECT_EQ_I64(st->desired, 5);
        fx_free(f);
    }
}

static SimTime secs(double t) { return (SimTime)(t * (double)SIM_S + 0.5); }

/* Creates the API server accepted in [a, b), at the instant they arrived
 * (creationTimestamp keeps whole seconds only). */
static uint32_t pods_created_in(Fx *f, double a, double b)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->naccepted; i++) n += f->accepted_at[i] >= secs(a) && f->accepted_at[i] < secs(b);
    return n;
}

/* syncNodes' slow start against a real clock (daemon_controller.go
 * syncNodes, controller_utils.go slowStartBatch; C53's world run
 * asynchronously). apiQps 10, apiBurst 1 (client-go flowcontrol token
 * bucket): one token every 100 ms from t = 0, taken in the order the calls
 * ask; the watch is instant and nothing else happens for an hour. The nodes
 * are in the cache before the DaemonSet's add. The API server accepts 10
 * creates. Tokens, derived from the upstream code:
 *   0.0 ControllerRevision create (constructHistory); 100 creates expected.
 *   batch 1: create 0.1; its SuccessfulCreate Event is recorded as it
 *   returns, so it asks before batch 2: 0.2. batch 2: 0.3, 0.4 (Events 0.5,
 *   0.6); batch 3: 0.7-1.0 (Events 1.1-1.4); batch 4: 1.5-2.2, of which
 *   1.5-1.7 are accepted (pods 8-10) and 1.8-2.2 refused; Events (3
 *   SuccessfulCreate, 5 FailedCreate) 2.3-3.0; the 85 creates never tried are
 *   lowered from the expectations; the status (current 10) is written despite
 *   the error (syncDaemonSet: updateDaemonSetStatus after updateDaemonSet)
 *   at 3.1.
 * processNextWorkItem: the error goes to AddRateLimited (failure 1: 5 ms, a
 * waiting entry at 3.105), and Done finds the key dirty (its pods' adds and
 * its own status update were queued while it was processing), so sync 2
 * starts at 3.1: a batch of 1, the create at 3.2 refused (FailedCreate
 * 3.3), 89 lowered, no status change, AddRateLimited again (failure 2: 10
 * ms). The 3.105 entry fired while sync 2 ran: sync 3 starts at 3.2, its
 * create asks at 3.2 and gets 3.4. The API server accepts creates again from
 * 3.25, so sync 3's batches are accepted at 3.4 (1 pod; its Event 3.5), 3.6
 * and 3.7 (2 pods; Events 3.8, 3.9) and 4.0-4.3 (4 pods). */
static void test_syncNodes_slowStartBatch_after_refused_create(void)
{
    FxmTimes times = {.watch = 0, .schedule = 3600, .image_pull = 3600, .container_start = 1,
                      .readiness = 1, .termination = 1, .node_startup = 1};
    Fx *f = fxm_new_async(times);
    api_client_init(&f->c.ds_api, 10, 1);
    fx_set_create_limit(f, 10);
    fx_add_nodes(f, 100, NULL, 0);
    DsId ds = fx_create_ds(f);

    fxm_run_until(f, secs(3.05));
    EXPECT_EQ_I64(f->created_total, 10);
    EXPECT_EQ_I64(f->c.ds_calls.creates, 15);
    EXPECT_EQ_I64(f->c.ds_calls.revisions, 1);
    EXPECT_EQ_I64(f->events, 5);
    EXPECT_STR(f->last_event_reason, "FailedCreate");
    EXPECT_EQ_I64(pods_created_in(f, 0, 0.15), 1);
    EXPECT_EQ_I64(pods_created_in(f, 0.25, 0.45), 2);
    EXPECT_EQ_I64(pods_created_in(f, 0.65, 1.05), 4);
    EXPECT_EQ_I64(pods_created_in(f, 1.45, 1.75), 3);

    fxm_run_until(f, secs(3.15));
    const DsStatus *st = &cluster_ds(&f->c, ds)->status;
    EXPECT_EQ_I64(st->desired, 100);
    EXPECT_EQ_I64(st->current, 10);
    EXPECT_EQ_I64(f->c.ds_calls.status_updates, 1);
    EXPECT_EQ_I64(f->c.ds_calls.creates, 16);

    fxm_run_until(f, secs(3.25));
    EXPECT_EQ_I64(f->c.ds_calls.creates, 17);
    EXPECT_EQ_I64(f->events, 6);
    EXPECT_EQ_I64(workqueue_num_requeues(&f->c.ds_queue, ds.i), 2);

    f->c.cp.api_errors.create = 0;
    f->create_limit = 0;
    fxm_run_until(f, secs(4.35));
    EXPECT_EQ_I64(pods_created_in(f, 3.35, 3.45), 1);
    EXPECT_EQ_I64(pods_created_in(f, 3.55, 3.75), 2);
    EXPECT_EQ_I64(pods_created_in(f, 3.95, 4.35), 4);
    EXPECT_EQ_I64(fx_count_pods(f, ds, NODE_NONE, true), 17);
    fx_free(f);
}

static CU_TestInfo tests[] = {
    {"C50 TestSimpleDaemonSetUpdatesStatusAfterLaunchingPods",
     test_C50_TestSimpleDaemonSetUpdatesStatusAfterLaunchingPods},
    {"C51 TestNumberReadyStatus", test_C51_TestNumberReadyStatus},
    {"C52 TestObservedGeneration", test_C52_TestObservedGeneration},
    {"C53 TestSimpleDaemonSetPodCreateErrors", test_C53_TestSimpleDaemonSetPodCreateErrors},
    {"C54 TestDaemonSetPodCreateExpectationsError", test_C54_TestDaemonSetPodCreateExpectationsError},
    {"C55 TestSimpleDaemonSetUpdatesStatusError", test_C55_TestSimpleDaemonSetUpdatesStatusError},
    {"C56 TestStoreDaemonSetStatus", test_C56_TestStoreDaemonSetStatus},
    {"C79 TestUpdateStatusDespitePodCreationFailure", test_C79_TestUpdateStatusDespitePodCreationFailure},
    {"syncNodes slowStartBatch after a refused create (async)",
     test_syncNodes_slowStartBatch_after_refused_create},
    {"C57 TestExpectationsOnRecreate", test_C57_TestExpectationsOnRecreate},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"status", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

/* link: ds_k8s */
/* test_workqueue.c: client-go's delaying, rate-limiting work queue on
 * simulated time. Expectations follow k8s.io/client-go/util/workqueue:
 * delaying_queue.go (insert: one waiting entry per key, earliest wins),
 * queue.go (Add/Get/Done with the dirty and processing sets) and
 * default_rate_limiters.go (DefaultControllerRateLimiter). */
#include "daemonsim/workqueue.h"
#include "harness.h"

enum { WAKE = 0 };

typedef struct {
    WorkQueue q;
    Sim sim;
    uint32_t got[64];           /* keys taken by the "worker", in order */
    SimTime at[64];
    uint32_t ngot;
    bool take;                  /* take keys as soon as they are ready */
} World;

static void take_ready(World *w)
{
    uint32_t key;
    while (w->take && workqueue_get(&w->q, &key)) {
        w->got[w->ngot] = key;
        w->at[w->ngot++] = sim_now(&w->sim);
        workqueue_done(&w->q, key);
    }
}

static void on_wake(void *ctx, Sim *sim, const Event *ev)
{
    (void)sim;
    (void)ev;
    World *w = ctx;
    workqueue_wake(&w->q);
    take_ready(w);
}

static void world_init(World *w)
{
    memset(w, 0, sizeof *w);
    sim_init(&w->sim);
    sim_on(&w->sim, WAKE, on_wake, w);
    workqueue_init(&w->q, &w->sim, WAKE);
    w->take = true;
}

static void world_free(World *w)
{
    workqueue_free(&w->q);
    sim_free(&w->sim);
}

/* insert(): AddAfter for a key that already waits keeps the earlier time. */
static void test_later_add_after_is_absorbed(void)
{
    World w;
    world_init(&w);
    workqueue_add_after(&w.q, 3, 10 * SIM_S);
    workqueue_add_after(&w.q, 3, 20 * SIM_S);
    workqueue_add_after(&w.q, 3, 15 * SIM_S);
    EXPECT_EQ_I64(workqueue_waiting_at(&w.q, 3), 10 * SIM_S);
    sim_run(&w.sim, SIM_HOUR);
    EXPECT_EQ_I64(w.ngot, 1);
    EXPECT_EQ_I64(w.at[0], 10 * SIM_S);
    world_free(&w);
}

/* insert(): an earlier AddAfter moves the waiting entry forward (heap.Fix). */
static void test_earliest_time_wins(void)
{
    World w;
    world_init(&w);
    workqueue_add_after(&w.q, 1, 30 * SIM_S);
    workqueue_add_after(&w.q, 2, 20 * SIM_S);
    workqueue_add_after(&w.q, 1, 5 * SIM_S);
    EXPECT_EQ_I64(workqueue_waiting_at(&w.q, 1), 5 * SIM_S);
    sim_run(&w.sim, SIM_HOUR);
    EXPECT_EQ_I64(w.ngot, 2);
    EXPECT_EQ_I64(w.got[0], 1);
    EXPECT_EQ_I64(w.at[0], 5 * SIM_S);
    EXPECT_EQ_I64(w.got[1], 2);
    EXPECT_EQ_I64(w.at[1], 20 * SIM_S);
    EXPECT_EQ_I64(workqueue_waiting_at(&w.q, 1), SIM_NEVER);
    world_free(&w);
}

/* Once the entry has fired, a new AddAfter waits again (waitingEntryByData
 * forgets the key when it is added to the queue). */
static void test_entry_fires_then_waits_again(void)
{
    World w;
    world_init(&w);
    workqueue_add_after(&w.q, 0, 2 * SIM_S);
    sim_run(&w.sim, 3 * SIM_S);
    EXPECT_EQ_I64(w.ngot, 1);
    EXPECT_EQ_I64(workqueue_waiting_at(&w.q, 0), SIM_NEVER);
    SimTime t = sim_now(&w.sim);
    workqueue_add_after(&w.q, 0, 4 * SIM_S);
    sim_run(&w.sim, SIM_HOUR);
    EXPECT_EQ_I64(w.ngot, 2);
    EXPECT_EQ_I64(w.at[1], t + 4 * SIM_S);
    world_free(&w);
}

/* queue.go: Add of a dirty key coalesces; a non-positive delay adds at once. */
static void test_add_coalesces(void)
{
    World w;
    world_init(&w);
    w.take = false;
    workqueue_add(&w.q, 4);
    workqueue_add(&w.q, 4);
    workqueue_add_after(&w.q, 4, 0);
    workqueue_add(&w.q, 5);
    EXPECT_EQ_I64(workqueue_ready_len(&w.q), 2);
    uint32_t key = 99;
    CU_ASSERT_TRUE(workqueue_get(&w.q, &key));
    EXPECT_EQ_I64(key, 4);
    CU_ASSERT_TRUE(workqueue_get(&w.q, &key));
    EXPECT_EQ_I64(key, 5);
    CU_ASSERT_FALSE(workqueue_get(&w.q, &key));
    world_free(&w);
}

/* queue.go: a key added while processing is not handed to a second worker;
 * Done puts it back once. */
static void test_readd_while_processing(void)
{
    World w;
    world_init(&w);
    w.take = false;
    uint32_t key = 99;
    workqueue_add(&w.q, 7);
    CU_ASSERT_TRUE(workqueue_get(&w.q, &key));
    workqueue_add(&w.q, 7);
    workqueue_add(&w.q, 7);
    CU_ASSERT_TRUE(workqueue_is_dirty(&w.q, 7));
    CU_ASSERT_FALSE(workqueue_get(&w.q, &key));
    workqueue_done(&w.q, 7);
    EXPECT_EQ_I64(workqueue_ready_len(&w.q), 1);
    CU_ASSERT_TRUE(workqueue_get(&w.q, &key));
    EXPECT_EQ_I64(key, 7);
    workqueue_done(&w.q, 7);
    CU_ASSERT_FALSE(workqueue_get(&w.q, &key));
    world_free(&w);
}

/* A waiting entry that comes due while the key is processed marks it dirty
 * only; it runs after Done. */
static void test_due_while_processing(void)
{
    World w;
    world_init(&w);
    w.take = false;
    uint32_t key = 99;
    workqueue_add(&w.q, 2);
    CU_ASSERT_TRUE(workqueue_get(&w.q, &key));
    workqueue_add_after(&w.q, 2, SIM_S);
    sim_run(&w.sim, 2 * SIM_S);
    CU_ASSERT_TRUE(workqueue_is_dirty(&w.q, 2));
    CU_ASSERT_FALSE(workqueue_get(&w.q, &key));
    workqueue_done(&w.q, 2);
    CU_ASSERT_TRUE(workqueue_get(&w.q, &key));
    EXPECT_EQ_I64(key, 2);
    world_free(&w);
}

/* ItemExponentialFailureRateLimiter(5ms, 1000s): 5, 10, 20 ms ...; Forget resets. */
static void test_rate_limited_exponential(void)
{
    World w;
    world_init(&w);
    SimTime want[] = {5 * SIM_MS, 10 * SIM_MS, 20 * SIM_MS, 40 * SIM_MS};
    SimTime t = 0;
    for (size_t i = 0; i < DS_ARRAY_LEN(want); i++) {
        workqueue_add_rate_limited(&w.q, 1);
        EXPECT_EQ_I64(workqueue_waiting_at(&w.q, 1), t + want[i]);
        sim_run(&w.sim, SIM_HOUR);
        t = sim_now(&w.sim);
        EXPECT_EQ_I64(w.at[i], t);
    }
    EXPECT_EQ_I64(workqueue_num_requeues(&w.q, 1), 4);
    workqueue_forget(&w.q, 1);
    EXPECT_EQ_I64(workqueue_num_requeues(&w.q, 1), 0);
    workqueue_add_rate_limited(&w.q, 1);
    EXPECT_EQ_I64(workqueue_waiting_at(&w.q, 1), t + 5 * SIM_MS);
    world_free(&w);
}

/* The per-item delay is capped at 1000 s: 5 ms * 2^17 = 655.36 s is the
 * 18th retry's wait, 5 ms * 2^18 = 1310.72 s is over the cap. */
static void test_rate_limited_cap(void)
{
    World w;
    world_init(&w);
    SimTime delay = 0;
    for (int i = 0; i < 20; i++) {
        SimTime before = sim_now(&w.sim);
        workqueue_add_rate_limited(&w.q, 1);
        delay = workqueue_waiting_at(&w.q, 1) - before;
        if (i == 17) EXPECT_EQ_I64(delay, 655360 * SIM_MS);
        if (i == 18) EXPECT_EQ_I64(delay, 1000 * SIM_S);
        sim_run(&w.sim, SIM_NEVER - 1);
    }
    EXPECT_EQ_I64(delay, 1000 * SIM_S);
    world_free(&w);
}

/* MaxOf with BucketRateLimiter(10 qps, burst 100): the 101st distinct key
 * in one instant waits 100 ms for its token, the 102nd 200 ms. */
static void test_rate_limited_bucket(void)
{
    World w;
    world_init(&w);
    w.take = false;
    for (uint32_t k = 0; k < 102; k++) workqueue_add_rate_limited(&w.q, k);
    EXPECT_EQ_I64(workqueue_waiting_at(&w.q, 0), 5 * SIM_MS);
    EXPECT_EQ_I64(workqueue_waiting_at(&w.q, 99), 5 * SIM_MS);
    EXPECT_EQ_I64(workqueue_waiting_at(&w.q, 100), 100 * SIM_MS);
    EXPECT_EQ_I64(workqueue_waiting_at(&w.q, 101), 200 * SIM_MS);
    world_free(&w);
}

/* Many keys with random-looking times come out in time order (heap). */
static void test_heap_order(void)
{
    World w;
    world_init(&w);
    for (uint32_t k = 0; k < 50; k++) workqueue_add_after(&w.q, k, (SimTime)((k * 37) % 50 + 1) * SIM_S);
    for (uint32_t k = 0; k < 50; k += 5) workqueue_add_after(&w.q, k, SIM_S / 2);
    sim_run(&w.sim, SIM_HOUR);
    EXPECT_EQ_I64(w.ngot, 50);
    for (uint32_t i = 1; i < w.ngot; i++) CU_ASSERT_TRUE(w.at[i - 1] <= w.at[i]);
    for (uint32_t i = 0; i < 10; i++) EXPECT_EQ_I64(w.at[i], SIM_S / 2);
    world_free(&w);
}

static CU_TestInfo tests[] = {
    {"a later AddAfter is absorbed", test_later_add_after_is_absorbed},
    {"the earliest time wins", test_earliest_time_wins},
    {"a fired entry waits again", test_entry_fires_then_waits_again},
    {"Add coalesces dirty keys", test_add_coalesces},
    {"re-add while processing runs after Done", test_readd_while_processing},
    {"an entry due while processing runs after Done", test_due_while_processing},
    {"AddRateLimited: per-item exponential, Forget", test_rate_limited_exponential},
    {"AddRateLimited: 1000 s cap", test_rate_limited_cap},
    {"AddRateLimited: overall bucket 10 qps burst 100", test_rate_limited_bucket},
    {"waiting entries leave in time order", test_heap_order},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"workqueue", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

/* link: ds_engine */
/* test_evq.c: the event queue's order (time, then insertion) against a
 * reference, its growth, the sequence counter across wrap-around and
 * renumbering, and the simulation loop's stop conditions. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemonsim/rng.h"
#include "daemonsim/sim.h"
#include "harness.h"

static Event ev_at(SimTime at, uint32_t subject)
{
    return (Event){.at = at, .subject = subject};
}

/* Pops everything; checks (at, subject) never decreases, given that the
 * caller numbered subjects in insertion order. Returns how many. */
static size_t drain_checking_order(EventQueue *q)
{
    size_t count = 0;
    Event prev = {0}, e;
    while (evq_pop(q, &e)) {
        if (count > 0) {
            CU_ASSERT_FATAL(e.at >= prev.at);
            if (e.at == prev.at) CU_ASSERT_FATAL(e.subject > prev.subject);
        }
        prev = e;
        count++;
    }
    return count;
}

static void test_orders_by_time(void)
{
    static const SimTime times[] = {50, 10, 40, 20, 30, 0, 60, 5};
    EventQueue q;
    evq_init(&q);
    CU_ASSERT_PTR_NULL(evq_peek(&q));
    for (size_t i = 0; i < DS_ARRAY_LEN(times); i++) evq_push(&q, ev_at(times[i], (uint32_t)i));
    EXPECT_EQ_I64(evq_size(&q), DS_ARRAY_LEN(times));
    static const SimTime want[] = {0, 5, 10, 20, 30, 40, 50, 60};
    Event e;
    for (size_t i = 0; i < DS_ARRAY_LEN(want); i++) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(evq_peek(&q));
        EXPECT_EQ_I64(evq_peek(&q)->at, want[i]);
        CU_ASSERT_FATAL(evq_pop(&q, &e));
        EXPECT_EQ_I64(e.at, want[i]);
    }
    CU_ASSERT_FALSE(evq_pop(&q, &e));
    CU_ASSERT_PTR_NULL(evq_peek(&q));
    evq_free(&q);
}

static void test_payload_survives(void)
{
    EventQueue q;
    evq_init(&q);
    evq_push(&q, (Event){.at = 7, .kind = 3, .aux = 65535, .subject = 123456, .gen = 99});
    Event e;
    CU_ASSERT_FATAL(evq_pop(&q, &e));
    EXPECT_EQ_I64(e.at, 7);
    EXPECT_EQ_I64(e.kind, 3);
    EXPECT_EQ_I64(e.aux, 65535);
    EXPECT_EQ_I64(e.subject, 123456);
    EXPECT_EQ_I64(e.gen, 99);
    evq_free(&q);
}

/* 5000 events at one instant, in between events at other instants: the
 * instant's events come out in the order they went in. */
static void test_fifo_ties(void)
{
    EventQueue q;
    evq_init(&q);
    Rng *r = rng_new(7, rng_key("test.evq.ties"));
    uint32_t subject = 0;
    for (int i = 0; i < 5000; i++) {
        evq_push(&q, ev_at(SIM_S, subject++));
        if (i % 3 == 0) evq_push(&q, ev_at((SimTime)rng_below(r, 3) * SIM_S, subject++));
    }
    EXPECT_EQ_I64(drain_checking_order(&q), subject);
    rng_free(r);
    evq_free(&q);
}

/* Random pushes and pops with many ties, against a linear-scan reference
 * keyed (at, insertion number). */
static void test_matches_reference(void)
{
    enum { OPS = 200000, MAXREF = 4096 };
    static SimTime ref_at[MAXREF];
    static uint32_t ref_order[MAXREF];
    size_t nref = 0;
    uint32_t inserted = 0;
    SimTime now = 0;
    EventQueue q;
    evq_init(&q);
    Rng *r = rng_new(11, rng_key("test.evq.reference"));
    for (int op = 0; op < OPS; op++) {
        /* Push more often while small, pop more often while large. */
        bool push = nref == 0 || (nref < MAXREF && rng_below(r, MAXREF) >= nref / 2);
        if (push) {
            SimTime at = now + (SimTime)rng_below(r, 20);
            evq_push(&q, ev_at(at, inserted));
            ref_at[nref] = at;
            ref_order[nref] = inserted;
            nref++;
            inserted++;
        } else {
            size_t best = 0;
            for (size_t k = 1; k < nref; k++)
                if (ref_at[k] < ref_at[best] ||
                    (ref_at[k] == ref_at[best] && ref_order[k] < ref_order[best]))
                    best = k;
            const Event *top = evq_peek(&q);
            CU_ASSERT_PTR_NOT_NULL_FATAL(top);
            EXPECT_EQ_I64(top->subject, ref_order[best]);
            Event e;
            CU_ASSERT_FATAL(evq_pop(&q, &e));
            EXPECT_EQ_I64(e.at, ref_at[best]);
            EXPECT_EQ_I64(e.subject, ref_order[best]);
            if (e.subject != ref_order[best]) break;
            now = e.at;
            nref--;
            ref_at[best] = ref_at[nref];
            ref_order[best] = ref_order[nref];
        }
        CU_ASSERT_EQUAL_FATAL(evq_size(&q), nref);
    }
    rng_free(r);
    evq_free(&q);
}

/* Past the initial capacity and the prefetch threshold; then a steady state
 * of one pop and one push must not reallocate. */
static void test_growth(void)
{
    enum { N = 300000 };
    EventQueue q;
    evq_init(&q);
    Rng *r = rng_new(3, rng_key("test.evq.growth"));
    for (uint32_t i = 0; i < N; i++) evq_push(&q, ev_at((SimTime)rng_below(r, 1000000), i));
    EXPECT_EQ_I64(evq_size(&q), N);
    CU_ASSERT(q.cap >= N);
    const Event *heap = q.heap;
    size_t cap = q.cap;
    Event e;
    uint32_t next = N;
    for (int i = 0; i < 100000; i++) {
        CU_ASSERT_FATAL(evq_pop(&q, &e));
        evq_push(&q, ev_at(e.at + (SimTime)rng_below(r, 1000000), next++));
    }
    CU_ASSERT(q.heap == heap);
    EXPECT_EQ_I64(q.cap, cap);
    /* Subjects are no longer in insertion order across different times, so
     * check time order only. */
    SimTime prev = INT64_MIN;
    size_t count = 0;
    while (evq_pop(&q, &e)) {
        CU_ASSERT_FATAL(e.at >= prev);
        prev = e.at;
        count++;
    }
    EXPECT_EQ_I64(count, N);
    /* Emptied, the queue keeps its memory and works again. */
    EXPECT_EQ_I64(q.cap, cap);
    evq_push(&q, ev_at(1, 0));
    EXPECT_EQ_I64(evq_size(&q), 1);
    rng_free(r);
    evq_free(&q);
    CU_ASSERT_PTR_NULL(q.heap);
    EXPECT_EQ_I64(q.cap, 0);
}

/* Events at one instant stay FIFO while the 32-bit counter wraps to 0, and a
 * later-scheduled event at an earlier time still comes first. */
static void test_seq_wraps(void)
{
    EventQueue q;
    evq_init(&q);
    q.next_seq = UINT32_MAX - 9;
    for (uint32_t i = 0; i < 20; i++) evq_push(&q, ev_at(100, i));
    evq_push(&q, ev_at(50, 20));
    CU_ASSERT(q.next_seq < 100);
    Event e;
    CU_ASSERT_FATAL(evq_pop(&q, &e));
    EXPECT_EQ_I64(e.subject, 20);
    for (uint32_t i = 0; i < 20; i++) {
        CU_ASSERT_FATAL(evq_pop(&q, &e));
        EXPECT_EQ_I64(e.at, 100);
        EXPECT_EQ_I64(e.subject, i);
    }
    evq_free(&q);
}

/* An event that waits while more than 2^31 others are scheduled. Jumps of
 * next_seq stand for runs of insertions; each stays short of the next
 * multiple of 2^30, as real insertions would. Without renumbering F's seq
 * would be 2^31 + 1 past A's and compare as older. */
static void test_seq_renumbered(void)
{
    EventQueue q;
    evq_init(&q);
    q.next_seq = (UINT32_C(1) << 30) - 2;
    evq_push(&q, ev_at(100, 0));    /* A */
    evq_push(&q, ev_at(100, 1));    /* B, and the counter reaches 2^30 */
    q.next_seq += (UINT32_C(1) << 30) - 3;
    evq_push(&q, ev_at(100, 2));
    evq_push(&q, ev_at(100, 3));
    evq_push(&q, ev_at(100, 4));    /* the counter reaches 2^31 */
    q.next_seq += (UINT32_C(1) << 30) - 1;
    evq_push(&q, ev_at(100, 5));    /* F, the counter reaches 3 * 2^30 */
    Event e;
    for (uint32_t i = 0; i < 6; i++) {
        CU_ASSERT_FATAL(evq_pop(&q, &e));
        EXPECT_EQ_I64(e.subject, i);
    }
    evq_free(&q);
}

/* The simulation loop. A Log records what each handler saw. */
typedef struct {
    SimTime at[64];
    uint32_t subject[64];
    int n;
    uint32_t stop_on;       /* sim_stop() on this subject */
    int ticks_left;         /* the tick handler re-arms itself this often */
} Log;

enum { KIND_RECORD = 0, KIND_TICK = 5, KIND_UNHANDLED = 9 };

static void on_record(void *ctx, Sim *sim, const Event *ev)
{
    Log *log = ctx;
    CU_ASSERT_EQUAL(sim_now(sim), ev->at);
    if (log->n < 64) {
        log->at[log->n] = ev->at;
        log->subject[log->n] = ev->subject;
        log->n++;
    }
    if (ev->subject == log->stop_on) sim_stop(sim);
}

static void on_tick(void *ctx, Sim *sim, const Event *ev)
{
    Log *log = ctx;
    on_record(ctx, sim, ev);
    if (--log->ticks_left > 0) sim_after(sim, SIM_S, KIND_TICK, ev->subject + 1, 0, 0);
    /* Same instant, scheduled now: runs after what was already due now. */
    sim_after(sim, 0, KIND_RECORD, 1000 + ev->subject, 0, 0);
}

static void test_sim_until(void)
{
    Sim s;
    Log log = {.stop_on = UINT32_MAX};
    sim_init(&s);
    sim_on(&s, KIND_RECORD, on_record, &log);
    sim_at(&s, 5 * SIM_S, KIND_RECORD, 4, 0, 0);
    sim_at(&s, 1 * SIM_S, KIND_RECORD, 1, 0, 0);
    sim_at(&s, 3 * SIM_S, KIND_RECORD, 3, 0, 0);
    sim_at(&s, 2 * SIM_S, KIND_RECORD, 2, 0, 0);

    /* An event exactly at `until` runs. */
    EXPECT_EQ_I64(sim_run(&s, 3 * SIM_S), SIM_UNTIL);
    EXPECT_EQ_I64(log.n, 3);
    EXPECT_EQ_I64(s.events, 3);
    EXPECT_EQ_I64(sim_now(&s), 3 * SIM_S);

    /* Nothing due: the clock still advances to `until`, and the pending
     * event stays queued. */
    EXPECT_EQ_I64(sim_run(&s, 4 * SIM_S), SIM_UNTIL);
    EXPECT_EQ_I64(sim_now(&s), 4 * SIM_S);
    EXPECT_EQ_I64(evq_size(&s.q), 1);
    EXPECT_EQ_I64(log.n, 3);

    /* A limit in the past runs nothing and does not move the clock back. */
    EXPECT_EQ_I64(sim_run(&s, 2 * SIM_S), SIM_UNTIL);
    EXPECT_EQ_I64(sim_now(&s), 4 * SIM_S);

    /* sim_after counts from the clock that sim_run left. */
    sim_after(&s, 2 * SIM_S, KIND_RECORD, 5, 0, 0);
    EXPECT_EQ_I64(sim_run(&s, SIM_NEVER), SIM_DRAINED);
    EXPECT_EQ_I64(log.n, 5);
    EXPECT_EQ_I64(log.at[3], 5 * SIM_S);
    EXPECT_EQ_I64(log.at[4], 6 * SIM_S);
    for (int i = 0; i < 5; i++) EXPECT_EQ_I64(log.subject[i], i + 1);
    EXPECT_EQ_I64(sim_now(&s), 6 * SIM_S);
    EXPECT_EQ_I64(s.events, 5);

    /* Drained at once, the clock stays. */
    EXPECT_EQ_I64(sim_run(&s, SIM_NEVER), SIM_DRAINED);
    EXPECT_EQ_I64(sim_now(&s), 6 * SIM_S);
    sim_free(&s);
}

static void test_sim_stop(void)
{
    Sim s;
    Log log = {.stop_on = 2};
    sim_init(&s);
    sim_on(&s, KIND_RECORD, on_record, &log);
    for (uint32_t i = 1; i <= 4; i++) sim_at(&s, i * SIM_S, KIND_RECORD, i, 0, 0);
    EXPECT_EQ_I64(sim_run(&s, SIM_NEVER), SIM_STOPPED);
    EXPECT_EQ_I64(log.n, 2);
    EXPECT_EQ_I64(sim_now(&s), 2 * SIM_S);
    EXPECT_EQ_I64(evq_size(&s.q), 2);
    /* A new run clears the request and carries on. */
    EXPECT_EQ_I64(sim_run(&s, SIM_NEVER), SIM_DRAINED);
    EXPECT_EQ_I64(log.n, 4);
    EXPECT_EQ_I64(s.events, 4);

    /* Stopping on the last event still reports the stop. */
    log.stop_on = 9;
    sim_at(&s, 10 * SIM_S, KIND_RECORD, 9, 0, 0);
    EXPECT_EQ_I64(sim_run(&s, SIM_NEVER), SIM_STOPPED);
    EXPECT_EQ_I64(evq_size(&s.q), 0);
    sim_free(&s);
}

static void test_sim_follow_ups(void)
{
    Sim s;
    Log ticks = {.stop_on = UINT32_MAX, .ticks_left = 3};
    Log records = {.stop_on = UINT32_MAX};
    sim_init(&s);
    sim_on(&s, KIND_TICK, on_tick, &ticks);
    sim_on(&s, KIND_RECORD, on_record, &records);
    sim_at(&s, SIM_S, KIND_TICK, 0, 0, 0);
    sim_at(&s, SIM_S, KIND_RECORD, 500, 0, 0);  /* due with the first tick */
    sim_at(&s, 2 * SIM_S, KIND_RECORD, 501, 0, 0);
    EXPECT_EQ_I64(sim_run(&s, SIM_NEVER), SIM_DRAINED);

    EXPECT_EQ_I64(ticks.n, 3);
    for (int i = 0; i < 3; i++) {
        EXPECT_EQ_I64(ticks.at[i], (i + 1) * SIM_S);
        EXPECT_EQ_I64(ticks.subject[i], i);
    }
    /* At each second: what was scheduled earlier for it, then the tick's
     * same-instant follow-up. */
    static const uint32_t want[] = {500, 1000, 501, 1001, 1002};
    static const SimTime want_at[] = {1, 1, 2, 2, 3};
    EXPECT_EQ_I64(records.n, DS_ARRAY_LEN(want));
    for (size_t i = 0; i < DS_ARRAY_LEN(want); i++) {
        EXPECT_EQ_I64(records.subject[i], want[i]);
        EXPECT_EQ_I64(records.at[i], want_at[i] * SIM_S);
    }
    EXPECT_EQ_I64(s.events, 8);
    sim_free(&s);
}

/* Bugs abort: run `f` in a child and expect SIGABRT. */
static void expect_abort(void (*f)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stderr)) _exit(3);
        f();
        _exit(0);
    }
    int status = 0;
    CU_ASSERT_FATAL(waitpid(pid, &status, 0) == pid);
    CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
}

static void schedule_in_past(void)
{
    Sim s;
    Log log = {.stop_on = UINT32_MAX};
    sim_init(&s);
    sim_on(&s, KIND_RECORD, on_record, &log);
    sim_at(&s, 10, KIND_RECORD, 0, 0, 0);
    sim_run(&s, SIM_NEVER);
    sim_at(&s, 9, KIND_RECORD, 0, 0, 0);
}

static void run_unhandled_kind(void)
{
    Sim s;
    sim_init(&s);
    sim_at(&s, 10, KIND_UNHANDLED, 0, 0, 0);
    sim_run(&s, SIM_NEVER);
}

static void test_sim_bugs_abort(void)
{
    expect_abort(schedule_in_past);
    expect_abort(run_unhandled_kind);
}

static CU_TestInfo evq_tests[] = {
    {"orders by time", test_orders_by_time},
    {"payload survives", test_payload_survives},
    {"FIFO among equal times", test_fifo_ties},
    {"matches a reference", test_matches_reference},
    {"grows, then steady without realloc", test_growth},
    {"seq wraps around", test_seq_wraps},
    {"seq renumbered past 2^31", test_seq_renumbered},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo sim_tests[] = {
    {"until", test_sim_until},
    {"stop", test_sim_stop},
    {"handlers schedule follow-ups", test_sim_follow_ups},
    {"bugs abort", test_sim_bugs_abort},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"evq", NULL, NULL, NULL, NULL, evq_tests},
    {"sim", NULL, NULL, NULL, NULL, sim_tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

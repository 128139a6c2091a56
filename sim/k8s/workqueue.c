/* workqueue.c: client-go's rate-limiting delaying queue (workqueue.h). */
#include "daemonsim/workqueue.h"

#include <stdlib.h>
#include <string.h>

#define WQ_BASE_DELAY (5 * SIM_MS)
#define WQ_MAX_DELAY (1000 * SIM_S)
#define WQ_BUCKET_QPS 10
#define WQ_BUCKET_BURST 100

void workqueue_init(WorkQueue *q, Sim *sim, uint16_t wake_kind)
{
    memset(q, 0, sizeof *q);
    q->sim = sim;
    q->wake_kind = wake_kind;
    q->wake_at = SIM_NEVER;
    q->base_delay = WQ_BASE_DELAY;
    q->max_delay = WQ_MAX_DELAY;
    q->bucket_interval = SIM_S / WQ_BUCKET_QPS;
    q->bucket_tau = (WQ_BUCKET_BURST - 1) * q->bucket_interval;
}

void workqueue_free(WorkQueue *q)
{
    free(q->flags);
    free(q->waiting);
    free(q->failures);
    free(q->heap);
    VEC_FREE(q->fifo);
}

static void ensure_key(WorkQueue *q, uint32_t key)
{
    if (key < q->nkeys) return;
    uint32_t n = q->nkeys ? q->nkeys : 8;
    while (n <= key) n *= 2;
    q->flags = xrealloc(q->flags, n * sizeof *q->flags);
    q->waiting = xrealloc(q->waiting, n * sizeof *q->waiting);
    q->failures = xrealloc(q->failures, n * sizeof *q->failures);
    memset(q->flags + q->nkeys, 0, (n - q->nkeys) * sizeof *q->flags);
    memset(q->waiting + q->nkeys, 0, (n - q->nkeys) * sizeof *q->waiting);
    memset(q->failures + q->nkeys, 0, (n - q->nkeys) * sizeof *q->failures);
    q->nkeys = n;
}

/* ---- the queue (queue.go) ------------------------------------------------------ */

void workqueue_add(WorkQueue *q, uint32_t key)
{
    ensure_key(q, key);
    if (q->flags[key] & WQ_DIRTY) return;
    q->flags[key] |= WQ_DIRTY;
    if (q->flags[key] & WQ_PROCESSING) return;
    VEC_PUSH(q->fifo, key);
}

bool workqueue_get(WorkQueue *q, uint32_t *key)
{
    while (q->head < q->fifo.n) {
        uint32_t k = q->fifo.v[q->head++];
        if (q->head == q->fifo.n) q->head = q->fifo.n = 0;
        /* An entry cleared by workqueue_clear() is stale. */
        if (!(q->flags[k] & WQ_DIRTY) || (q->flags[k] & WQ_PROCESSING)) continue;
        q->flags[k] = (uint8_t)((q->flags[k] & ~WQ_DIRTY) | WQ_PROCESSING);
        *key = k;
        return true;
    }
    return false;
}

void workqueue_done(WorkQueue *q, uint32_t key)
{
    ensure_key(q, key);
    q->flags[key] &= (uint8_t)~WQ_PROCESSING;
    if (q->flags[key] & WQ_DIRTY) VEC_PUSH(q->fifo, key);
}

bool workqueue_is_dirty(const WorkQueue *q, uint32_t key)
{
    return key < q->nkeys && (q->flags[key] & WQ_DIRTY);
}

void workqueue_clear(WorkQueue *q, uint32_t key)
{
    if (key < q->nkeys) q->flags[key] &= (uint8_t)~WQ_DIRTY;
}

size_t workqueue_ready_len(const WorkQueue *q) { return q->fifo.n - q->head; }

/* ---- the waiting heap (delaying_queue.go) ---------------------------------------- */

static bool entry_before(const WqEntry *a, const WqEntry *b)
{
    return a->at != b->at ? a->at < b->at : a->seq < b->seq;
}

static void heap_set(WorkQueue *q, uint32_t i, WqEntry e)
{
    q->heap[i] = e;
    q->waiting[e.key] = i + 1;
}

static void heap_up(WorkQueue *q, uint32_t i)
{
    WqEntry e = q->heap[i];
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (!entry_before(&e, &q->heap[parent])) break;
        heap_set(q, i, q->heap[parent]);
        i = parent;
    }
    heap_set(q, i, e);
}

static void heap_down(WorkQueue *q, uint32_t i)
{
    WqEntry e = q->heap[i];
    for (;;) {
        uint32_t child = 2 * i + 1;
        if (child >= q->nheap) break;
        if (child + 1 < q->nheap && entry_before(&q->heap[child + 1], &q->heap[child])) child++;
        if (!entry_before(&q->heap[child], &e)) break;
        heap_set(q, i, q->heap[child]);
        i = child;
    }
    heap_set(q, i, e);
}

static void heap_pop(WorkQueue *q)
{
    q->waiting[q->heap[0].key] = 0;
    if (--q->nheap > 0) {
        heap_set(q, 0, q->heap[q->nheap]);
        heap_down(q, 0);
    }
}

/* One engine event per new earliest time; a stale one just finds nothing due. */
static void schedule_wake(WorkQueue *q)
{
    if (q->nheap == 0 || q->heap[0].at >= q->wake_at) return;
    q->wake_at = q->heap[0].at;
    sim_at(q->sim, q->wake_at, q->wake_kind, 0, 0, 0);
}

void workqueue_add_after(WorkQueue *q, uint32_t key, SimTime delay)
{
    if (delay <= 0) {
        workqueue_add(q, key);
        return;
    }
    ensure_key(q, key);
    SimTime now = sim_now(q->sim);
    SimTime at = delay >= SIM_NEVER - now ? SIM_NEVER : now + delay;
    uint32_t pos = q->waiting[key];
    if (pos) {
        /* One waiting entry per key: only an earlier time moves it. */
        if (q->heap[pos - 1].at <= at) return;
        q->heap[pos - 1].at = at;
        heap_up(q, pos - 1);
    } else {
        if (q->nheap == q->heap_cap) {
            q->heap_cap = q->heap_cap ? 2 * q->heap_cap : 8;
            q->heap = xrealloc(q->heap, q->heap_cap * sizeof *q->heap);
        }
        q->heap[q->nheap] = (WqEntry){.at = at, .seq = q->seq++, .key = key};
        heap_up(q, q->nheap++);
    }
    schedule_wake(q);
}

void workqueue_wake(WorkQueue *q)
{
    SimTime now = sim_now(q->sim);
    if (q->wake_at <= now) q->wake_at = SIM_NEVER;
    while (q->nheap > 0 && q->heap[0].at <= now) {
        uint32_t key = q->heap[0].key;
        heap_pop(q);
        workqueue_add(q, key);
    }
    schedule_wake(q);
}

SimTime workqueue_waiting_at(const WorkQueue *q, uint32_t key)
{
    if (key >= q->nkeys || !q->waiting[key]) return SIM_NEVER;
    return q->heap[q->waiting[key] - 1].at;
}

/* ---- rate limiting (default_rate_limiters.go) ------------------------------------ */

/* ItemExponentialFailureRateLimiter.When: base * 2^failures, capped. */
static SimTime item_delay(WorkQueue *q, uint32_t key)
{
    uint32_t exp = q->failures[key];
    if (q->failures[key] < UINT32_MAX) q->failures[key]++;
    SimTime d = q->base_delay;
    for (uint32_t i = 0; i < exp && d < q->max_delay; i++) d *= 2;
    return d < q->max_delay ? d : q->max_delay;
}

/* BucketRateLimiter.When: the wait of one reserved token. */
static SimTime bucket_delay(WorkQueue *q)
{
    SimTime now = sim_now(q->sim);
    SimTime at = q->bucket_tat - q->bucket_tau;
    if (at < now) at = now;
    q->bucket_tat = (q->bucket_tat > at ? q->bucket_tat : at) + q->bucket_interval;
    return at - now;
}

void workqueue_add_rate_limited(WorkQueue *q, uint32_t key)
{
    ensure_key(q, key);
    /* MaxOfRateLimiter asks every limiter, so both advance. */
    SimTime a = item_delay(q, key), b = bucket_delay(q);
    workqueue_add_after(q, key, a > b ? a : b);
}

void workqueue_forget(WorkQueue *q, uint32_t key)
{
    if (key < q->nkeys) q->failures[key] = 0;
}

uint32_t workqueue_num_requeues(const WorkQueue *q, uint32_t key)
{
    return key < q->nkeys ? q->failures[key] : 0;
}

/* workqueue.h: client-go's rate-limiting delaying work queue, keyed by small
 * integers, on simulated time (k8s.io/client-go/util/workqueue: queue.go,
 * delaying_queue.go, rate_limiting_queue.go, default_rate_limiters.go).
 *
 * - A key is in the ready FIFO at most once (the dirty set); a key added
 *   while a worker processes it is queued again only when that worker calls
 *   workqueue_done().
 * - The delaying part keeps at most one waiting entry per key, at the
 *   earliest time asked for: a later AddAfter is absorbed, an earlier one
 *   moves the entry forward (waitingLoop/insert). Entries sit in a binary
 *   heap with a per-key index, so every operation is O(log n).
 * - AddRateLimited waits max(per-item exponential 5 ms * 2^failures capped at
 *   1000 s, overall token bucket 10 qps burst 100) — DefaultControllerRateLimiter;
 *   Forget clears the key's failure count.
 *
 * The queue owns one engine event kind: the model registers a handler that
 * calls workqueue_wake() and then hands ready keys to idle workers. */
#ifndef DAEMONSIM_WORKQUEUE_H
#define DAEMONSIM_WORKQUEUE_H

#include "daemonsim/mem.h"
#include "daemonsim/sim.h"

typedef struct {
    SimTime at;
    uint32_t seq;               /* insertion order breaks ties */
    uint32_t key;
} WqEntry;

typedef struct {
    Sim *sim;
    uint16_t wake_kind;         /* engine event kind of the waiting loop */
    uint32_t nkeys;             /* size of the per-key arrays */
    uint8_t *flags;             /* WQ_DIRTY | WQ_PROCESSING per key */
    uint32_t *waiting;          /* heap position + 1 of the key's waiting entry; 0: none */
    uint32_t *failures;         /* per-item exponential limiter */
    U32Vec fifo;                /* ready keys, in order */
    size_t head;
    WqEntry *heap;              /* waiting entries, earliest first */
    uint32_t nheap, heap_cap;
    uint32_t seq;
    SimTime wake_at;            /* earliest wake event scheduled and not yet run */
    SimTime base_delay, max_delay;
    /* Overall bucket (golang.org/x/time/rate Reserve), as GCRA. */
    SimTime bucket_interval, bucket_tau, bucket_tat;
} WorkQueue;

enum { WQ_DIRTY = 1, WQ_PROCESSING = 2 };

void workqueue_init(WorkQueue *q, Sim *sim, uint16_t wake_kind);
void workqueue_free(WorkQueue *q);

void workqueue_add(WorkQueue *q, uint32_t key);
void workqueue_add_after(WorkQueue *q, uint32_t key, SimTime delay);
void workqueue_add_rate_limited(WorkQueue *q, uint32_t key);
void workqueue_forget(WorkQueue *q, uint32_t key);
uint32_t workqueue_num_requeues(const WorkQueue *q, uint32_t key);

/* A worker takes the next ready key (false when none) and marks it processing. */
bool workqueue_get(WorkQueue *q, uint32_t *key);
void workqueue_done(WorkQueue *q, uint32_t key);

/* The waiting loop: entries whose time has come join the ready FIFO. */
void workqueue_wake(WorkQueue *q);

bool workqueue_is_dirty(const WorkQueue *q, uint32_t key);
/* Marks the key clean without a worker (driven syncs of the unit-test world). */
void workqueue_clear(WorkQueue *q, uint32_t key);
/* When the key's waiting entry is due; SIM_NEVER when it has none. */
SimTime workqueue_waiting_at(const WorkQueue *q, uint32_t key);
size_t workqueue_ready_len(const WorkQueue *q);

#endif

/* sim.h: the discrete-event engine. It knows nothing about Kubernetes.
 *
 * Events are 24-byte values in a 4-ary min-heap ordered by (at, seq): seq is
 * the insertion count, so events scheduled for the same instant run in the
 * order they were scheduled, on every platform. Kinds are small integers the
 * model defines; each kind has one handler registered with sim_on().
 *
 * Cancellation is lazy: the model stamps an event with the subject's timer
 * generation (`gen`) and the handler drops an event whose generation is stale.
 * The heap grows by doubling and never shrinks, so a run in steady state
 * allocates nothing per event. */
#ifndef DAEMONSIM_SIM_H
#define DAEMONSIM_SIM_H

#include "daemonsim/base.h"

typedef struct {
    SimTime at;
    uint32_t seq;
    uint16_t kind;
    uint16_t aux;       /* small model-defined argument */
    uint32_t subject;   /* index of the entity the event is about */
    uint32_t gen;       /* subject's generation when scheduled */
} Event;

/* The bare priority queue, usable on its own (benchmarks, tests). */
typedef struct {
    Event *heap;
    size_t n, cap;
    size_t peak;        /* the most events pending at once: the size the hold model compares with */
    uint32_t next_seq;
} EventQueue;

void evq_init(EventQueue *q);
void evq_free(EventQueue *q);
void evq_push(EventQueue *q, Event e);          /* assigns e.seq */
bool evq_pop(EventQueue *q, Event *out);        /* false when empty */
const Event *evq_peek(const EventQueue *q);     /* NULL when empty */
static inline size_t evq_size(const EventQueue *q) { return q->n; }

typedef struct Sim Sim;
typedef void (*SimHandler)(void *ctx, Sim *sim, const Event *ev);

#define SIM_MAX_KINDS 64

typedef enum {
    SIM_DRAINED,        /* no event left */
    SIM_UNTIL,          /* reached the time limit */
    SIM_STOPPED,        /* sim_stop() was called by a handler */
} SimStop;

struct Sim {
    EventQueue q;
    SimTime now;
    uint64_t events;    /* handled so far */
    bool stop;
    SimHandler handlers[SIM_MAX_KINDS];
    void *ctx[SIM_MAX_KINDS];
};

void sim_init(Sim *s);
void sim_free(Sim *s);
void sim_on(Sim *s, uint16_t kind, SimHandler h, void *ctx);
void sim_at(Sim *s, SimTime at, uint16_t kind, uint32_t subject, uint32_t gen, uint16_t aux);
/* Saturates at SIM_NEVER, so "never" delays need no special case. */
static inline void sim_after(Sim *s, SimTime delay, uint16_t kind, uint32_t subject,
                             uint32_t gen, uint16_t aux)
{
    SimTime at = delay >= SIM_NEVER - s->now ? SIM_NEVER : s->now + delay;
    sim_at(s, at, kind, subject, gen, aux);
}
static inline SimTime sim_now(const Sim *s) { return s->now; }
/* Runs events with at <= until. On SIM_UNTIL the clock ends at `until`
 * (never earlier than it was); otherwise at the last event run. */
SimStop sim_run(Sim *s, SimTime until);
void sim_stop(Sim *s);

#endif

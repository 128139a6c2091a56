/* sim.c: the simulation loop. It owns the clock and the pending events and
 * dispatches each event to the handler registered for its kind; it knows no
 * kind itself. The clock only moves forward: scheduling into the past is a
 * bug, and so is an event whose kind has no handler, because either would
 * silently change what the model computes. */
#include "daemonsim/diag.h"
#include "daemonsim/sim.h"

void sim_init(Sim *s)
{
    *s = (Sim){0};
    evq_init(&s->q);
}

void sim_free(Sim *s)
{
    evq_free(&s->q);
    *s = (Sim){0};
}

void sim_on(Sim *s, uint16_t kind, SimHandler h, void *ctx)
{
    DS_ASSERT(kind < SIM_MAX_KINDS);
    DS_ASSERT(h != NULL);
    s->handlers[kind] = h;
    s->ctx[kind] = ctx;
}

void sim_at(Sim *s, SimTime at, uint16_t kind, uint32_t subject, uint32_t gen, uint16_t aux)
{
    DS_ASSERT(at >= s->now);
    DS_ASSERT(kind < SIM_MAX_KINDS);
    evq_push(&s->q, (Event){.at = at, .kind = kind, .aux = aux, .subject = subject, .gen = gen});
}

SimStop sim_run(Sim *s, SimTime until)
{
    s->stop = false;
    for (;;) {
        /* heap[0] is the earliest event: evq_peek() without the call. */
        if (s->q.n == 0) return SIM_DRAINED;
        if (s->q.heap[0].at > until) {
            /* The caller asked to simulate up to `until`: later calls to
             * sim_after() count from there. Never move the clock back. */
            if (until > s->now) s->now = until;
            return SIM_UNTIL;
        }
        Event ev;
        evq_pop(&s->q, &ev);
        s->now = ev.at;
        s->events++;
        DS_ASSERT(ev.kind < SIM_MAX_KINDS && s->handlers[ev.kind] != NULL);
        s->handlers[ev.kind](s->ctx[ev.kind], s, &ev);
        if (s->stop) return SIM_STOPPED;
    }
}

void sim_stop(Sim *s)
{
    s->stop = true;
}

/* history_phases.c: the per-pod records of history.c as durations of the
 * phases the simulator draws (history.h), each with its precision.
 *
 * Which moments bound a phase follows the simulator's pod life (kubelet.c):
 * schedule runs from creation to the binding, imagePull is the kubelet's
 * pull, containerStart from the image being ready (pulled, or already
 * present) to the container running, readiness from the last container
 * running to the Ready condition, termination from the kill (or the
 * deletion request when no Killing event survives) to the last container
 * stopping. Init containers are not a phase of the model and are left out.
 * A moment from an API timestamp has whole seconds; a scheduler event's
 * eventTime has microseconds. A duration is kept only when both ends are
 * known and in order. */
#include <math.h>
#include <stdlib.h>

#include "history_int.h"

typedef VEC(FitObs) ObsVec;

/* start -> end, with the kind its stamps' precision makes it. */
static void add_between(ObsVec *v, Stamp start, Stamp end)
{
    if (!start.set || !end.set) return;
    double x = end.t - start.t;
    if (x < 0) return;
    if (start.whole && end.whole) VEC_PUSH(*v, ((FitObs){x, FIT_BOTH_STAMPS}));
    else if (start.whole) VEC_PUSH(*v, ((FitObs){x, FIT_START_STAMP}));
    else if (!end.whole && x > 0) VEC_PUSH(*v, ((FitObs){x, FIT_EXACT}));
    /* a precise start with a truncated end: no kubectl field pair gives one */
}

static Stamp latest(Stamp a, Stamp b) { return !a.set || (b.set && b.t > a.t) ? b : a; }
static Stamp earliest(Stamp a, Stamp b) { return !a.set || (b.set && b.t < a.t) ? b : a; }

static void schedule_obs(const History *h, const HistPod *p, ObsVec *v)
{
    (void)h;
    Stamp created = p->created.set ? p->created : p->created_event;
    Stamp bound = p->scheduled_event.set && !p->scheduled_event.whole ? p->scheduled_event
                  : p->scheduled_cond.set                              ? p->scheduled_cond
                                                                       : p->scheduled_event;
    add_between(v, created, bound);
}

static void container_start_obs(const History *h, const HistPod *p, ObsVec *v)
{
    for (uint32_t i = p->containers; i != HIST_NONE; i = h->containers.v[i].next) {
        const HistContainer *c = &h->containers.v[i];
        if (!c->init) add_between(v, c->pulled, c->started);
    }
}

/* The moment every container ran: from the pods file's status when the pod
 * is listed, else from the Started events. */
static Stamp all_running(const History *h, const HistPod *p)
{
    Stamp from_status = {0}, from_events = {0};
    bool status_ok = true, events_ok = true;
    int n = 0;
    for (uint32_t i = p->containers; i != HIST_NONE; i = h->containers.v[i].next) {
        const HistContainer *c = &h->containers.v[i];
        if (c->init) continue;
        n++;
        if (c->in_status) {
            status_ok = status_ok && c->running_since.set;
            from_status = latest(from_status, c->running_since);
        } else {
            status_ok = status_ok && !p->listed;
        }
        events_ok = events_ok && c->started.set;
        from_events = latest(from_events, c->started);
    }
    if (n && status_ok && from_status.set) return from_status;
    if (n && events_ok) return from_events;
    return (Stamp){0};
}

static void readiness_obs(const History *h, const HistPod *p, ObsVec *v)
{
    if (p->ready.set) add_between(v, all_running(h, p), p->ready);
}

static void termination_obs(const History *h, const HistPod *p, ObsVec *v)
{
    if (!p->deletion.set) return;
    Stamp kill = {0}, stopped = {0};
    bool all_stopped = true;
    int n = 0;
    for (uint32_t i = p->containers; i != HIST_NONE; i = h->containers.v[i].next) {
        const HistContainer *c = &h->containers.v[i];
        if (c->init) continue;
        kill = earliest(kill, c->killing);
        if (!c->in_status) continue;
        n++;
        all_stopped = all_stopped && c->finished.set;
        stopped = latest(stopped, c->finished);
    }
    if (n && all_stopped) add_between(v, kill.set ? kill : p->deletion, stopped);
}

size_t history_observations(const History *h, Phase phase, FitObs **out)
{
    ObsVec v = {0};
    if (phase == PHASE_IMAGE_PULL) {
        for (size_t i = 0; i < h->pulls.n; i++)
            if (h->pulls.v[i] > 0) VEC_PUSH(v, ((FitObs){h->pulls.v[i], FIT_EXACT}));
    } else {
        for (size_t i = 0; i < h->pods.n; i++) {
            const HistPod *p = &h->pods.v[i];
            switch (phase) {
            case PHASE_SCHEDULE: schedule_obs(h, p, &v); break;
            case PHASE_CONTAINER_START: container_start_obs(h, p, &v); break;
            case PHASE_READINESS: readiness_obs(h, p, &v); break;
            case PHASE_TERMINATION: termination_obs(h, p, &v); break;
            default: break;
            }
        }
    }
    *out = v.v;
    return v.n;
}

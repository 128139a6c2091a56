/* history.h: what a cluster's own records say about its pods' lifecycles, for
 * `daemonsim calibrate`.
 *
 * history_read() takes the output of `kubectl get events -A -o json|yaml` and
 * `kubectl get pods -A -o json|yaml` (a v1 List, or one object; each item's
 * kind is read from `kind`, or from its shape when kubectl left it out) and
 * keeps, per pod, the moments the simulator's latencies run between: created,
 * scheduled, image pulled, containers started, Ready, killed, stopped. Pods
 * are matched across files by namespace and name, so events and pods files
 * may come in any order. history_observations() turns those moments into the
 * durations of one phase, each marked with how precisely it is known
 * (fit.h): API timestamps have whole seconds; the kubelet's `Pulled`
 * messages give pull times to the millisecond. */
#ifndef DAEMONSIM_HISTORY_H
#define DAEMONSIM_HISTORY_H

#include "daemonsim/diag.h"
#include "daemonsim/fit.h"

/* The phases, named as the scenario's `timing:` keys. */
typedef enum {
    PHASE_SCHEDULE,         /* created -> scheduled */
    PHASE_IMAGE_PULL,       /* the kubelet's pull, waiting included */
    PHASE_CONTAINER_START,  /* image pulled -> container started */
    PHASE_READINESS,        /* containers started -> Ready */
    PHASE_TERMINATION,      /* kill (or deletion request) -> containers stopped */
    PHASE__COUNT
} Phase;

const char *history_phase_name(Phase p);

typedef struct {
    double t;               /* seconds since the Unix epoch */
    bool set;
    bool whole;             /* whole seconds: the fraction was truncated */
} Stamp;

/* RFC 3339 ("2024-05-01T10:00:03Z", "...03.123456+02:00"); false if not one. */
bool history_parse_time(const char *s, Stamp *out);

typedef enum {
    PULL_TIMED,             /* "Successfully pulled image ... in 6.1s ..." */
    PULL_PRESENT,           /* "Container image ... already present on machine" */
    PULL_UNTIMED,           /* an old kubelet's "Successfully pulled image \"x\"" */
    PULL_OTHER,             /* not a message of a finished pull */
} PullKind;

/* Reads a `Pulled` event's message. For PULL_TIMED, *seconds is the pull
 * including the wait for an earlier pull when the message gives both (the
 * simulator's imagePull runs from the kubelet's first look at the pod). */
PullKind history_parse_pulled(const char *msg, double *seconds);

typedef struct History History;

typedef struct {
    uint32_t files, events, pods;
    uint32_t pulls_timed, pulls_present, pulls_untimed;
} HistoryCounts;

History *history_new(void);
void history_free(History *h);
/* Reads one file; on bad input, false with the position on d. */
bool history_read(History *h, const char *path, Diag *d);
HistoryCounts history_counts(const History *h);
/* The durations of phase p (malloc'd, *out NULL when none); returns how many. */
size_t history_observations(const History *h, Phase p, FitObs **out);

#endif

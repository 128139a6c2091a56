/* history_int.h: the per-pod records that history.c (the kubectl readers)
 * fills and history_phases.c turns into durations. */
#ifndef DAEMONSIM_INPUT_HISTORY_INT_H
#define DAEMONSIM_INPUT_HISTORY_INT_H

#include "daemonsim/history.h"
#include "daemonsim/mem.h"

#define HIST_NONE UINT32_MAX

typedef struct {
    Sym name;
    bool init;                  /* an init container: not a phase the simulator draws */
    Stamp pulled;               /* `Pulled` event (a pull, or the image already present) */
    Stamp started;              /* `Started` event */
    Stamp killing;              /* `Killing` event */
    Stamp running_since;        /* status: state.running.startedAt */
    Stamp finished;             /* status: state.terminated.finishedAt */
    bool in_status;             /* listed in the pods file's containerStatuses */
    uint32_t next;              /* the pod's next container, or HIST_NONE */
} HistContainer;

typedef struct {
    Sym ns, name;
    bool listed;                /* found in a pods file */
    Stamp created;              /* metadata.creationTimestamp */
    Stamp created_event;        /* the controller's `SuccessfulCreate` event */
    Stamp scheduled_event;      /* the scheduler's `Scheduled` event */
    Stamp scheduled_cond;       /* condition PodScheduled=True */
    Stamp ready;                /* condition Ready=True */
    Stamp deletion;             /* deletion requested: deletionTimestamp - grace */
    uint32_t containers;        /* first container, or HIST_NONE */
} HistPod;

struct History {
    StrTab *strs;
    Arena arena;                /* file texts quoted by diagnostics */
    VEC(HistPod) pods;
    VEC(HistContainer) containers;
    VEC(double) pulls;          /* timed pulls, seconds */
    HistoryCounts counts;
    uint32_t *slots;            /* open addressing: pod index + 1, 0 = empty */
    size_t nslots;
};

#endif

/* recorder.h: Kubernetes Events as the components record them
 * (client-go tools/record EventRecorder.Eventf): an involved object (kind
 * and name), a type (Normal or Warning), a reason and a message.
 *
 * Between the recorder and the API server sits client-go's EventCorrelator
 * (tools/record/events_cache.go). Its spam filter keeps one token bucket per
 * (source, involved object) — burst 25, then one Event per 5 minutes — and
 * drops what exceeds it; that is modelled, so a DaemonSet that creates
 * 10,000 pods shows 25 SuccessfulCreate Events and then one per 5 minutes,
 * as `kubectl get events` would. The correlator's aggregation and
 * de-duplication (which change a message or bump a count, not whether an
 * Event is written) are not. */
#ifndef DAEMONSIM_RECORDER_H
#define DAEMONSIM_RECORDER_H

#include "daemonsim/cluster.h"

typedef enum { OBJ_POD, OBJ_NODE, OBJ_DAEMONSET } ObjKind;

/* The component that records: each has its own broadcaster and correlator. */
typedef enum { SRC_DAEMONSET_CONTROLLER, SRC_SCHEDULER, SRC_NODE_CONTROLLER } EventSource;

/* "Pod", "Node", "DaemonSet": the involvedObject.kind kubectl shows. */
const char *recorder_kind_name(ObjKind kind);

/* Records an Event unless the spam filter drops it; one that passes takes a
 * token of the recording component's client (recorder.c source_client). */
void recorder_eventf(Cluster *c, EventSource src, ObjKind kind, Sym name, bool warning,
                     const char *reason, const char *fmt, ...) DS_PRINTF(7, 8);

void recorder_free(Cluster *c);

#endif

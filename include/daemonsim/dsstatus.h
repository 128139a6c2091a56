/* dsstatus.h: the DaemonSet status counters, listed once.
 *
 * X(field, FIELD, kubernetesName) for each counter of DaemonSetStatus the
 * model keeps, in the order of the ds_status table's columns. The list
 * generates the model's DsStatus, the store's StoreStatus and columns, the
 * scenario's StatusField and names, and the comparisons and printers over
 * them; a new counter is one line here plus the code that counts it.
 * observedGeneration is not a counter and is kept apart. */
#ifndef DAEMONSIM_DSSTATUS_H
#define DAEMONSIM_DSSTATUS_H

#define DS_STATUS_COUNTS(X)                                 \
    X(desired, DESIRED, "desiredNumberScheduled")           \
    X(current, CURRENT, "currentNumberScheduled")           \
    X(ready, READY, "numberReady")                          \
    X(updated, UPDATED, "updatedNumberScheduled")           \
    X(available, AVAILABLE, "numberAvailable")              \
    X(unavailable, UNAVAILABLE, "numberUnavailable")        \
    X(misscheduled, MISSCHEDULED, "numberMisscheduled")

/* The counters as struct members (`int64_t desired; ...`). */
#define DS_STATUS_MEMBER(f, K, name) int64_t f;
/* How many counters there are, as a constant expression. */
#define DS_STATUS_ONE(f, K, name) +1
#define DS_STATUS_NCOUNTS (0 DS_STATUS_COUNTS(DS_STATUS_ONE))

#endif

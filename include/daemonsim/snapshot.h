/* snapshot.h: `daemonsim report DB --at DUR --get ds|pods|nodes|events`,
 * the simulated cluster of one run at a simulated time, printed the way
 * `kubectl get` prints it. Everything is rebuilt from the run's recorded
 * rows (ds_status, pod_event, node_event, k8s_event) up to that time, so it
 * needs a run recorded in full (`--record full`, the default of `run`). */
#ifndef DAEMONSIM_SNAPSHOT_H
#define DAEMONSIM_SNAPSHOT_H

#include <stdio.h>

#include "daemonsim/store.h"

typedef enum { SNAP_DS, SNAP_PODS, SNAP_NODES, SNAP_EVENTS } SnapshotKind;

typedef struct {
    SnapshotKind kind;
    int64_t run_id;             /* 0: the newest run */
    double at;                  /* simulated seconds; INFINITY: the run's end */
    bool wide;                  /* -o wide: more columns */
} SnapshotOptions;

/* "ds" (or "daemonsets"), "pods", "nodes", "events"; false otherwise. */
bool snapshot_parse_kind(const char *name, SnapshotKind *out);

/* Writes the table. REPORT_OK, REPORT_EDB (store_errmsg) or REPORT_ENORUN
 * (err names the run). */
int snapshot_write(Store *s, const SnapshotOptions *opt, FILE *out, char *err, size_t errlen);

#endif

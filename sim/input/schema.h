/* schema.h: strict field checking of a DaemonSet manifest, as
 * `kubectl apply --validate=strict` (the API server's strict decoding) does.
 *
 * Every mapping of the manifest is walked once against static tables of the
 * apps/v1 and core/v1 field names (schema_k8s.inc, generated from the
 * upstream Go types by tools/gen-k8s-schema). A field of the real API passes
 * whatever its value, whether or not the model reads it, so fields that
 * `kubectl get -o yaml` prints (status, managedFields, uid, ...) load; an
 * unknown one is an error at its key with kubectl's field path and the
 * closest known name. Types of the fields the model reads are checked later
 * by manifest.c. Input layer only. */
#ifndef DAEMONSIM_INPUT_SCHEMA_H
#define DAEMONSIM_INPUT_SCHEMA_H

#include "ydoc.h"

/* False, with the error on c->d, at the first unknown field. */
bool schema_check_daemonset(YCtx *c, const YNode *root);

#endif

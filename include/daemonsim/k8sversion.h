/* k8sversion.h: the Kubernetes minor versions the model can follow
 * (controlPlane.kubernetesVersion) and the defaults that differ between them.
 * Only changes verified in the upstream source are kept; docs/model.md has
 * the table with the upstream change behind each row. */
#ifndef DAEMONSIM_K8SVERSION_H
#define DAEMONSIM_K8SVERSION_H

#include "daemonsim/base.h"

#define K8S_MINOR_OLDEST 29u
#define K8S_MINOR_NEWEST 33u

typedef struct {
    SimTime node_monitor_grace;     /* --node-monitor-grace-period default */
} VersionProfile;

/* The profile of 1.`minor`, K8S_MINOR_OLDEST <= minor <= K8S_MINOR_NEWEST. */
VersionProfile k8s_version_profile(uint32_t minor);

#endif

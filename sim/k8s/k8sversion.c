/* k8sversion.c: defaults that changed between Kubernetes releases (k8sversion.h). */
#include "daemonsim/k8sversion.h"

VersionProfile k8s_version_profile(uint32_t minor)
{
    VersionProfile p;
    /* kubernetes/kubernetes#126287 (v1.32): RecommendedDefaultNodeLifecycleControllerConfiguration
     * raised NodeMonitorGracePeriod from 40 s to 50 s. */
    p.node_monitor_grace = (minor >= 32 ? 50 : 40) * SIM_S;
    return p;
}

/* apiclient.c: a controller's client-side rate limiter (client-go's token
 * bucket: qps tokens per second, at most `burst` saved up). Every create,
 * delete and status write of the DaemonSet controller passes through it; at
 * 10k nodes it, more than the kubelets, often sets the pace of a rollout.
 * Implemented as GCRA on integer time: each call reserves the next slot. */
#include "daemonsim/apiclient.h"

void api_client_init(ApiClient *a, double qps, uint32_t burst)
{
    if (qps <= 0) qps = 1e9;    /* no limit */
    if (burst == 0) burst = 1;
    a->interval = (SimTime)((double)SIM_S / qps + 0.5);
    if (a->interval < 1) a->interval = 1;
    a->tau = (SimTime)(burst - 1) * a->interval;
    a->tat = 0;
}

SimTime api_client_acquire(ApiClient *a, SimTime now)
{
    SimTime at = a->tat - a->tau;
    if (at < now) at = now;
    a->tat = (a->tat > at ? a->tat : at) + a->interval;
    return at;
}

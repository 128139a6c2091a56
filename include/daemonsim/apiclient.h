/* apiclient.h: the client-side rate limiter of one controller (client-go
 * token bucket), as a GCRA: each call gets the time it may be sent. */
#ifndef DAEMONSIM_APICLIENT_H
#define DAEMONSIM_APICLIENT_H

#include "daemonsim/sim.h"

/* Client-side rate limiter of one controller (client-go token bucket). */
typedef struct {
    SimTime interval;           /* 1 / qps */
    SimTime tau;                /* (burst - 1) * interval */
    SimTime tat;                /* theoretical arrival time (GCRA) */
} ApiClient;

void api_client_init(ApiClient *a, double qps, uint32_t burst);
SimTime api_client_acquire(ApiClient *a, SimTime now);

#endif

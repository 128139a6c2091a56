/* run_int.h: state shared by the run layer's files (run.c, actions.c, expect.c). */
#ifndef DAEMONSIM_RUN_INT_H
#define DAEMONSIM_RUN_INT_H

#include "daemonsim/cluster.h"
#include "daemonsim/dsctl.h"
#include "daemonsim/run.h"
#include "daemonsim/store.h"

/* Engine event kinds of the run layer, after the cluster's own. */
enum {
    EV_ACTION = EV__CLUSTER_COUNT,  /* subject: action index */
    EV_NODE_RECOVER,                /* a flap ends: subject node, gen = node gen */
    EV_EXPECT,                      /* subject: expect index */
    EV_SAMPLE,                      /* status sampling tick */
};

/* Per DaemonSet: what was last printed and sampled. */
typedef struct {
    char last_msg[256];
    char held_msg[256];             /* a throttled line, printed later unless superseded */
    SimTime held_at;
    SimTime last_print;
    bool sample_dirty;
    bool printed_done;
} RunDsState;

typedef struct {
    int64_t unavailable_at_start;   /* nodes already unavailable when the rollout began */
    int64_t desired_at_start;
    size_t rollout_index;           /* which rollout these figures belong to */
} RunInvariantState;

typedef struct Run {
    const RunOptions *opt;
    const Scenario *s;
    Sim sim;
    Cluster c;
    Store *store;
    bool store_failed;
    char store_err[256];
    Rng **action_rng;               /* one stream per scenario event */
    uint32_t pending;               /* scheduled actions and flap ends not yet run */
    uint32_t pending_expects;
    SimTime stop_at;
    bool sample_pending;
    VEC(RunDsState) ds_state;
    VEC(RunInvariantState) inv;
    uint32_t expect_failures;
    uint32_t always;                /* invariants checked continuously: 1 << Invariant */
    bool converged;
} Run;

void actions_schedule(Run *r);
void actions_register(Run *r);

void expect_schedule(Run *r);
void expect_register(Run *r);
/* Continuous invariants after a change of one DaemonSet. */
void expect_check_always(Run *r, const DaemonSet *ds);
void expect_check_pod_created(Run *r, const Pod *p);
/* End-of-run checks (rollout deadlines, settled invariants). */
void expect_finish(Run *r);
/* Counts a failed check, prints the first few on err and hands each to
 * on_failure with what was checked, the value wanted and the value found. */
void expect_fail(Run *r, const char *field, const char *expected, const char *actual, const char *fmt, ...)
    DS_PRINTF(5, 6);

/* Node ids matching a target, narrowed by count/fraction with `rng`. */
void actions_select_nodes(Run *r, const NodeTarget *t, Rng *rng, U32Vec *out);

void run_check_converged(Run *r);

#endif

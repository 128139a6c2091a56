/* scenario_check.c: checks of a parsed scenario as a whole, before any run.
 *
 * Size: a cluster the engine cannot number (more than UINT32_MAX nodes) or
 * that would not fit in this machine's memory is an input error, reported
 * with the estimate, so a run never starts only to be killed. The estimate
 * is deliberately generous: measured peaks are about 0.7 KiB per node with
 * one DaemonSet (rollout-10k at 10k and 40k nodes, max RSS 22 MB and 42 MB);
 * we count 1 KiB per node plus 0.5 KiB per possible pod.
 *
 * Time: an event or expectation after spec.duration can never happen; that
 * is a warning (the scenario may be shortened on purpose with --set), not
 * an error. */
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "loader.h"

#define NODE_BYTES 1024u
#define POD_BYTES 512u

static uint64_t machine_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size : 0;
}

static void format_bytes(uint64_t b, char *buf, size_t n)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = (double)b;
    size_t u = 0;
    while (v >= 1024 && u + 1 < DS_ARRAY_LEN(units)) {
        v /= 1024;
        u++;
    }
    snprintf(buf, n, "%.1f %s", v, units[u]);
}

bool loader_check_size(Loader *L)
{
    /* Nodes present at the start plus those one-off addNodes events bring;
     * the largest contributor is where the message points. */
    uint64_t nodes = 0, biggest = 0;
    SrcPos at = {0};
    for (size_t i = 0; i < L->pools.n; i++) {
        nodes += L->pools.v[i].count;
        if (L->pools.v[i].count > biggest) {
            biggest = L->pools.v[i].count;
            at = L->pools.v[i].pos;
        }
    }
    for (size_t i = 0; i < L->actions.n; i++) {
        const Action *a = &L->actions.v[i];
        if (a->kind != ACT_ADD_NODES) continue;
        /* A repeating addNodes is bounded by its count per occurrence only. */
        nodes += a->count;
        if (a->count > biggest) {
            biggest = a->count;
            at = a->pos;
        }
    }
    if (nodes >= UINT32_MAX) {
        yerr_at(&L->c, at, "%" PRIu64 " nodes in all; at most %" PRIu32 " are supported", nodes,
                UINT32_MAX - 1);
        return false;
    }
    uint64_t daemonsets = L->chains.n ? L->chains.n : 1;
    uint64_t need = nodes * (NODE_BYTES + POD_BYTES * daemonsets);
    uint64_t have = machine_memory();
    if (have && need > have) {
        char nb[32], hb[32];
        format_bytes(need, nb, sizeof nb);
        format_bytes(have, hb, sizeof hb);
        yerr_at(&L->c, at,
                "%" PRIu64 " nodes and %" PRIu64 " DaemonSet(s) would need about %s of memory; "
                "this machine has %s",
                nodes, daemonsets, nb, hb);
        return false;
    }
    return true;
}

static void warn(Loader *L, SrcPos pos, const char *what, SimTime t)
{
    char when[32], end[32], *msg = arena_alloc(&L->s->arena, DIAG_MSG_MAX);
    units_format_duration(t, when, sizeof when);
    units_format_duration(L->s->duration, end, sizeof end);
    snprintf(msg, DIAG_MSG_MAX, "%s:%d:%d: warning: %s at %s is after the end of the run "
                                "(spec.duration %s) and never happens",
             pos.file, pos.line, pos.col, what, when, end);
    VEC_PUSH(L->warnings, msg);
}

void loader_warn_after_end(Loader *L)
{
    for (size_t i = 0; i < L->actions.n; i++) {
        const Action *a = &L->actions.v[i];
        if (a->at > L->s->duration) warn(L, a->pos, "this event", a->at);
    }
    for (size_t i = 0; i < L->expects.n; i++) {
        const Expect *e = &L->expects.v[i];
        if (e->at > L->s->duration) warn(L, e->pos, "this expectation", e->at);
    }
}

/* sweep_table.c: the table of a sweep's points that goes to stdout. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemonsim/sweep.h"
#include "daemonsim/units.h"

static void fmt_duration(char *buf, size_t n, double seconds)
{
    if (isnan(seconds)) {
        snprintf(buf, n, "-");
        return;
    }
    /* tenths of a second are plenty next to a 95% interval */
    SimTime t = (SimTime)llround(seconds * 10.0) * (SIM_S / 10);
    units_format_duration(t, buf, n);
}

static void fmt_number(char *buf, size_t n, double v)
{
    if (isnan(v)) snprintf(buf, n, "-");
    else if (fabs(v) >= 1000 || v == floor(v)) snprintf(buf, n, "%.0f", v);
    else snprintf(buf, n, "%.1f", v);
}

void sweep_print_table(FILE *out, const SweepSpec *a, const SweepPlan *plan)
{
    const SweepPoint *pf = plan->points;
    bool exposure = false;
    for (size_t p = 0; p < plan->npoints; p++) exposure |= pf[p].sc && sweep_point_exposure_revs(plan, p) > 0;
    VEC(char *) cells = {0};
    size_t ncols = 0;
    char buf[64];
#define CELL(s) VEC_PUSH(cells, xstrdup(s))
    for (size_t i = 0; i < a->vary.n; i++) {
        CELL(a->vary.v[i].key);
        ncols++;
    }
    static const char *const heads[] = {"RUNS", "NOT-CONVERGED", "TIME-TO-CONVERGE", "CI95",
                                        "P50",  "P90",           "P99",              "PEAK-UNAVAILABLE",
                                        "UNAVAILABLE-POD-SECONDS"};
    for (size_t i = 0; i < DS_ARRAY_LEN(heads); i++) {
        CELL(heads[i]);
        ncols++;
    }
    if (exposure) {
        CELL("EXPOSED-NODES");
        ncols++;
    }
    for (size_t p = 0; p < plan->npoints; p++) {
        const SweepPoint *pt = &plan->points[p];
        if (!pt->sc) continue;
        const StoreSweepPoint *sp = &pf[p].summary;
        for (size_t i = 0; i < a->vary.n; i++)
            CELL(sweep_key_is_strategy(a->vary.v[i].key) && pt->sc->variant
                     ? pt->sc->variant
                     : a->vary.v[i].values[pt->choice[i]]);
        snprintf(buf, sizeof buf, "%lld", (long long)sp->n);
        CELL(buf);
        snprintf(buf, sizeof buf, "%lld", (long long)(sp->n - sp->n_converged));
        CELL(buf);
        const double times[] = {sp->converge.mean, sp->converge.ci95, sp->converge.p50,
                                sp->converge.p90, sp->converge.p99};
        for (size_t i = 0; i < DS_ARRAY_LEN(times); i++) {
            fmt_duration(buf, sizeof buf, times[i]);
            if (i == 1 && !isnan(times[i])) {
                char pm[72];
                snprintf(pm, sizeof pm, "+-%s", buf);
                CELL(pm);
            } else {
                CELL(buf);
            }
        }
        fmt_number(buf, sizeof buf, sp->peak_unavailable.mean);
        CELL(buf);
        fmt_number(buf, sizeof buf, sp->unavailable_pod_seconds.mean);
        CELL(buf);
        if (exposure) {
            fmt_number(buf, sizeof buf, sp->has_exposure ? sp->exposure.mean : (double)NAN);
            CELL(buf);
        }
    }
#undef CELL
    size_t *width = xcalloc(ncols, sizeof *width);
    for (size_t i = 0; i < cells.n; i++)
        width[i % ncols] = (size_t)DS_MAX(width[i % ncols], strlen(cells.v[i]));
    for (size_t i = 0; i < cells.n; i++) {
        size_t col = i % ncols;
        if (col + 1 == ncols) fprintf(out, "%s\n", cells.v[i]);
        else fprintf(out, "%-*s   ", (int)width[col], cells.v[i]);
        free(cells.v[i]);
    }
    VEC_FREE(cells);
    free(width);
}


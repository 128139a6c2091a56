/* plot_setting.c: `daemonsim plot --kind setting`, what one numeric
 * setting does: the peak of unavailable pods (top) and the time to converge
 * (bottom) against the setting's value on a numeric axis.
 *
 * The values sit at their numbers, not at evenly spaced slots, so the step
 * from 1% to 5% is not drawn like the step from 25% to 50%; when they span
 * a factor of ten or more the axis is logarithmic. Each point shows its
 * mean with the 95% confidence interval of the mean, and a band from the
 * p10 to the p90 of the runs: the spread a single rollout can expect, which
 * the interval of the mean does not show. One series per combination of
 * the other varied keys. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_int.h"

/* "25" or "25%": the number, and whether it is a percentage. */
static bool numeric_value(const char *text, double *v, bool *percent)
{
    char *end;
    *percent = false;
    *v = strtod(text, &end);
    if (end == text || !isfinite(*v)) return false;
    *percent = *end == '%';
    if (*percent) end++;
    return *end == '\0';
}

/* The varied key on the x axis: asked for, or the first numeric one. */
static int pick_key(Plot *P, size_t *key, bool *percent)
{
    const char *want = P->opt->x_key;
    for (size_t k = 0; k < P->nvary; k++) {
        if (want && strcmp(P->vary[k].key, want)) continue;
        bool ok = true, pct = false;
        for (size_t i = 0; i < P->vary[k].nvalues && ok; i++) {
            double v;
            bool p;
            ok = numeric_value(P->vary[k].values[i], &v, &p) && (i == 0 || p == pct);
            pct = p;
        }
        if (ok) {
            *key = k;
            *percent = pct;
            return PLOT_OK;
        }
        if (want)
            return plot_input_error(P, "--x %s: its values (%s, ...) are not all numbers, or mix "
                                       "counts and percentages, so they have no numeric axis",
                                    want, P->vary[k].values[0]);
    }
    if (want) return plot_input_error(P, "sweep %" PRId64 " did not vary %s", P->sweep.id, want);
    return plot_input_error(P, "sweep %" PRId64 " varied no numeric setting (numbers, or all "
                               "percentages); --kind setting needs one", P->sweep.id);
}

/* The label of a point without key `skip`. */
static const char *others_label(Plot *P, int64_t point, size_t skip)
{
    char buf[1024];
    size_t w = 0;
    for (size_t k = 0; k < P->nvary && w < sizeof buf; k++)
        if (k != skip)
            w += (size_t)snprintf(buf + w, sizeof buf - w, "%s%s", w ? ", " : "",
                                  plot_value_words(P, point, k));
    return w ? arena_strdup(&P->a, buf) : NULL;
}

typedef struct {
    double x;
    size_t p;
} Row;

static int by_x(const void *a, const void *b)
{
    const Row *u = a, *v = b;
    return u->x < v->x ? -1 : u->x > v->x;
}

static double nz(double v) { return isnan(v) ? 0 : v; }

/* One panel: a band and a line with error bars per series. */
static void panel(FILE *gp, size_t ns, const bool *used, const char **stitle, int col)
{
    fputs("plot ", gp);
    size_t shown = 0;
    for (size_t s = 0; s < ns; s++) {
        if (!used[s]) continue;
        const char *c = plot_colour(s);
        if (shown++) fputs(", \\\n     ", gp);
        fprintf(gp, "dir.'setting-%zu.dat' using 1:%d:%d with filledcurves lc rgb '%s' notitle, "
                    "\\\n     ", s, col + 2, col + 3, c);
        fprintf(gp, "dir.'setting-%zu.dat' using 1:%d:%d with yerrorlines lw 2 pt 7 ps 1.2 "
                    "lc rgb '%s' title ", s, col, col + 1, c);
        plot_gp_str(gp, stitle[s] ? stitle[s] : "mean +- 95% CI");
    }
    fputs(", \\\n     keyentry with filledcurves lc rgb '#999999' title 'p10 to p90 of the runs'\n",
          gp);
}

int plot_script_setting(Plot *P, FILE *gp)
{
    if (!P->sweep_mode)
        return plot_input_error(P, "--kind setting draws a sweep; --run is for the time charts");
    size_t key = 0;
    bool percent = false;
    int rc = pick_key(P, &key, &percent);
    if (rc != PLOT_OK) return rc;
    size_t ns = 1;
    for (size_t k = 0; k < P->nvary; k++)
        if (k != key) ns *= P->vary[k].nvalues;
    Row *rows = xcalloc(P->npoints ? P->npoints : 1, sizeof *rows);
    size_t *series_of = xcalloc(P->npoints ? P->npoints : 1, sizeof *series_of);
    bool *used = xcalloc(ns, sizeof *used);
    const char **stitle = xcalloc(ns, sizeof *stitle);
    size_t nrows = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t p = 0; p < P->npoints; p++) {
        const StoreSweepPoint *pt = &P->points[p];
        if (P->figs[p].n == 0) continue;
        double x;
        bool pct;
        numeric_value(P->vary[key].values[plot_vary_choice(P, pt->point, key)], &x, &pct);
        size_t si = 0;
        for (size_t k = 0; k < P->nvary; k++)
            if (k != key) si = si * P->vary[k].nvalues + plot_vary_choice(P, pt->point, k);
        series_of[p] = si;
        used[si] = true;
        stitle[si] = others_label(P, pt->point, key);
        rows[nrows++] = (Row){x, p};
        lo = fmin(lo, x);
        hi = fmax(hi, x);
    }
    qsort(rows, nrows, sizeof *rows, by_x);
    for (size_t s = 0; s < ns && rc == PLOT_OK; s++) {
        if (!used[s]) continue;
        char name[64];
        snprintf(name, sizeof name, "setting-%zu.dat", s);
        FILE *f = plot_open(P, name);
        if (!f) {
            rc = PLOT_EFAIL;
            break;
        }
        fprintf(f, "# %s: %s%s, peak unavailable pods (mean, 95%% CI, p10, p90), minutes to "
                   "converge (mean, 95%% CI, p10, p90), runs, runs converged\n",
                stitle[s] ? stitle[s] : "every point", P->vary[key].key, percent ? " (%)" : "");
        for (size_t i = 0; i < nrows; i++) {
            if (series_of[rows[i].p] != s) continue;
            const PlotFigures *g = &P->figs[rows[i].p];
            /* a point with no converged run has no time: a gap in that line */
            fprintf(f, "%.6g %.6g %.6g %.6g %.6g ", rows[i].x, g->peak.mean, nz(g->peak.ci95),
                    g->peak.p10, g->peak.p90);
            if (isnan(g->converge.mean)) fputs("NaN NaN NaN NaN", f);
            else
                fprintf(f, "%.6g %.6g %.6g %.6g", g->converge.mean / 60, nz(g->converge.ci95) / 60,
                        g->converge.p10 / 60, g->converge.p90 / 60);
            fprintf(f, " %" PRId64 " %" PRId64 "\n", g->n, g->n_converged);
        }
        rc = plot_close(P, f, name);
    }
    if (rc != PLOT_OK) goto out;

    char title[1400], xlabel[300];
    snprintf(title, sizeof title,
             "%s: what %s does to %s of %s\\nsweep %" PRId64 " (%s), %" PRId64
             " runs per point; mean with 95%% CI, band from p10 to p90",
             P->sweep.scenario ? P->sweep.scenario : "", P->vary[key].key, P->rollout_words, P->ds,
             P->sweep.id, plot_varied_words(P), P->sweep.seeds);
    snprintf(xlabel, sizeof xlabel, "%s%s", P->vary[key].key,
             percent ? " (% of the nodes)" : "");
    bool logx = lo > 0 && hi / lo >= 10;
    fputs("set multiplot layout 2,1\n", gp);
    plot_gp_title(gp, title);
    fputs("set xlabel ", gp);
    plot_gp_str(gp, xlabel);
    fputs("\nset ylabel 'peak of unavailable pods'\n", gp);
    if (logx) fputs("set logscale x\n", gp);
    fputs("set xtics (", gp);
    for (size_t i = 0; i < P->vary[key].nvalues; i++) {
        double x;
        bool pct;
        numeric_value(P->vary[key].values[i], &x, &pct);
        if (i) fputs(", ", gp);
        plot_gp_tic(gp, P->vary[key].values[i]);
        fprintf(gp, " %.6g", x);
    }
    /* a margin either side, in the axis's own kind of step */
    if (logx) fprintf(gp, ")\nset xrange [%.6g:%.6g]\n", lo / 1.4, hi * 1.4);
    else {
        double pad = hi > lo ? (hi - lo) * 0.05 : fmax(fabs(lo) * 0.1, 1);
        fprintf(gp, ")\nset xrange [%.6g:%.6g]\n", lo - pad, hi + pad);
    }
    fputs("set yrange [0:*]\nset offsets 0, 0, graph 0.1, 0\nset grid\nset key top left box opaque\n"
          "set style fill transparent solid 0.15 noborder\n", gp);
    panel(gp, ns, used, stitle, 2);
    fputs("unset title\nset ylabel 'minutes to converge'\nset key top right box opaque\n", gp);
    panel(gp, ns, used, stitle, 6);
    fputs("unset multiplot\n", gp);
out:
    free(rows);
    free(series_of);
    free(used);
    free(stitle);
    return rc;
}

/* plot_tradeoff.c: `daemonsim plot --kind tradeoff`, the trade-off between
 * speed and safety that a choice of strategy makes.
 *
 * One marker per sweep point (a strategy, or a combination of settings) at
 * (mean time to converge, mean of the y figure): exposure to a bad release,
 * unavailable pod-seconds or the peak of unavailable pods (--y). Around it a
 * box spans the 95% confidence intervals of both means, and an open marker
 * joined to it shows the p90 of both figures: where a bad run of that
 * strategy lands, not only its average. The dashed staircase is the Pareto
 * front: the points that no other point beats on both axes at once (lower
 * time and lower y); everything above and right of it is dominated. Both
 * figures describe the rollout chosen with --rollout (plot_figures.c), so
 * with `--rollout bad` the x axis is the time from the bad release until
 * the DaemonSet converged again. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_int.h"

bool plot_parse_measure(const char *text, PlotMeasure *out)
{
    static const char *const names[] = {[PLOT_Y_EXPOSURE] = "exposure",
                                        [PLOT_Y_POD_SECONDS] = "unavailable-pod-seconds",
                                        [PLOT_Y_PEAK] = "peak-unavailable"};
    for (size_t i = PLOT_Y_EXPOSURE; i < DS_ARRAY_LEN(names); i++)
        if (!strcmp(text, names[i])) {
            *out = (PlotMeasure)i;
            return true;
        }
    return false;
}

typedef struct {
    size_t p;                   /* index into P->points */
    double x, y;
    bool front;
} Placed;

static int by_x_then_y(const void *a, const void *b)
{
    const Placed *u = a, *v = b;
    if (u->x != v->x) return u->x < v->x ? -1 : 1;
    if (u->y != v->y) return u->y < v->y ? -1 : 1;
    return u->p < v->p ? -1 : u->p > v->p;
}

/* Marks the points no other point beats on both axes (lower is better). */
static void mark_front(Placed *v, size_t n)
{
    Placed *s = xmalloc((n ? n : 1) * sizeof *s);
    memcpy(s, v, n * sizeof *s);
    qsort(s, n, sizeof *s, by_x_then_y);
    double best = INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (!(s[i].y < best)) continue;
        best = s[i].y;
        for (size_t k = 0; k < n; k++)
            if (v[k].p == s[i].p) v[k].front = true;
    }
    free(s);
}

static double or0(double v) { return isnan(v) ? 0 : v; }

/* A label next to each marker; markers that nearly coincide (strategies
 * the rate limit makes equally fast) get their labels stacked downwards
 * rather than printed over each other. */
static void write_labels(Plot *P, FILE *gp, const Placed *v, size_t nv)
{
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < nv; i++) {
        x0 = fmin(x0, v[i].x), x1 = fmax(x1, v[i].x);
        y0 = fmin(y0, v[i].y), y1 = fmax(y1, v[i].y);
    }
    /* about 140 characters of the small font across the plot, whose axis
     * spans up to 1.6 times the data's x range (offsets, rounded tics):
     * erring wide only stacks a label that had room */
    double per_char = fmax(x1 - x0, 1e-9) * 1.6 / 140, dy = fmax(y1 - y0, 1e-9) * 0.06;
    for (size_t i = 0; i < nv; i++) {
        size_t near = 0;
        double wi = (double)(strlen(plot_point_label(P, &P->points[v[i].p], 0)) + 3) * per_char;
        for (size_t k = 0; k < i; k++) {
            double wk = (double)(strlen(plot_point_label(P, &P->points[v[k].p], 0)) + 3) * per_char;
            near += fabs(v[k].y - v[i].y) < dy && v[k].x < v[i].x + wi && v[i].x < v[k].x + wk;
        }
        fprintf(gp, "set label %zu ", i + 2);
        plot_gp_str(gp, plot_point_label(P, &P->points[v[i].p], 0));
        fprintf(gp, " at %.6g, %.6g offset 1.2, %.1f left font ',9'\n", v[i].x, v[i].y,
                0.9 - 1.3 * (double)near);
    }
}

int plot_script_tradeoff(Plot *P, FILE *gp)
{
    if (!P->sweep_mode)
        return plot_input_error(P, "--kind tradeoff draws a sweep; --run is for the time charts");
    bool any_exposure = false;
    for (size_t p = 0; p < P->npoints; p++) any_exposure |= P->figs[p].has_exposure;
    PlotMeasure y = P->opt->y;
    if (y == PLOT_Y_AUTO) y = any_exposure ? PLOT_Y_EXPOSURE : PLOT_Y_POD_SECONDS;
    if (y == PLOT_Y_EXPOSURE && !any_exposure)
        return plot_input_error(P, "sweep %" PRId64 " has no exposure figures (its scenario has no "
                                   "updateDaemonSet with failure:); use --y unavailable-pod-seconds",
                                P->sweep.id);
    /* pod-seconds of a large cluster read better as pod-hours */
    double yscale = 1;
    if (y == PLOT_Y_POD_SECONDS)
        for (size_t p = 0; p < P->npoints; p++)
            if (P->figs[p].pod_seconds.p90 >= 36000) yscale = 1.0 / 3600;
    const char *ywords = y == PLOT_Y_EXPOSURE ? "nodes that ran the bad release"
                         : y == PLOT_Y_PEAK   ? "peak of unavailable pods"
                         : yscale < 1         ? "unavailable pod-hours"
                                              : "unavailable pod-seconds";

    const char *yunit = y == PLOT_Y_EXPOSURE ? "nodes"
                        : y == PLOT_Y_PEAK   ? "pods"
                        : yscale < 1         ? "pod-h"
                                             : "pod-s";
    Placed *v = xcalloc(P->npoints ? P->npoints : 1, sizeof *v);
    size_t nv = 0;
    char missing[1024] = "";
    size_t mw = 0;
    for (size_t p = 0; p < P->npoints; p++) {
        const PlotFigures *f = &P->figs[p];
        const PlotStat *ys = y == PLOT_Y_EXPOSURE ? &f->exposure
                             : y == PLOT_Y_PEAK   ? &f->peak
                                                  : &f->pod_seconds;
        if (f->n == 0) continue;
        if (isnan(f->converge.mean) || isnan(ys->mean)) {
            if (mw < sizeof missing)
                mw += (size_t)snprintf(missing + mw, sizeof missing - mw, "%s%s", mw ? ", " : "",
                                       plot_point_label(P, &P->points[p], 0));
            continue;
        }
        v[nv++] = (Placed){p, f->converge.mean / 60, ys->mean * yscale, false};
    }
    if (nv == 0) {
        free(v);
        return plot_input_error(P, "sweep %" PRId64 ": no point has a run that converged after %s, "
                                   "so there is no time to converge to draw",
                                P->sweep.id, P->rollout_words);
    }
    mark_front(v, nv);

    FILE *f = plot_open(P, "points.dat");
    if (!f) {
        free(v);
        return PLOT_EFAIL;
    }
    fprintf(f, "# one line per point: minutes to converge (mean, 95%% CI low, high, p90), %s "
               "(mean, 95%% CI low, high, p90), runs, runs converged, on the Pareto front, label\n",
            ywords);
    for (size_t i = 0; i < nv; i++) {
        const PlotFigures *g = &P->figs[v[i].p];
        const PlotStat *ys = y == PLOT_Y_EXPOSURE ? &g->exposure
                             : y == PLOT_Y_PEAK   ? &g->peak
                                                  : &g->pod_seconds;
        double xc = or0(g->converge.ci95) / 60, yc = or0(ys->ci95) * yscale;
        fprintf(f, "%.6g %.6g %.6g %.6g %.6g %.6g %.6g %.6g %" PRId64 " %" PRId64 " %d ", v[i].x,
                v[i].x - xc, v[i].x + xc, g->converge.p90 / 60, v[i].y, v[i].y - yc, v[i].y + yc,
                ys->p90 * yscale, g->n, g->n_converged, v[i].front);
        plot_gp_str(f, plot_point_label(P, &P->points[v[i].p], 0));
        fputc('\n', f);
    }
    int rc = plot_close(P, f, "points.dat");
    FILE *fr = rc == PLOT_OK ? plot_open(P, "pareto.dat") : NULL;
    if (fr) {
        Placed *s = xmalloc(nv * sizeof *s);
        memcpy(s, v, nv * sizeof *s);
        qsort(s, nv, sizeof *s, by_x_then_y);
        fprintf(fr, "# the Pareto front: minutes to converge, %s\n", ywords);
        for (size_t i = 0; i < nv; i++)
            if (s[i].front) fprintf(fr, "%.6g %.6g\n", s[i].x, s[i].y);
        free(s);
        rc = plot_close(P, fr, "pareto.dat");
    } else if (rc == PLOT_OK) {
        rc = PLOT_EFAIL;
    }
    if (rc != PLOT_OK) {
        free(v);
        return rc;
    }

    char title[1400];
    snprintf(title, sizeof title,
             "%s: time to converge against %s, per %s\\nsweep %" PRId64 " (%s), %" PRId64
             " runs per point, measured from the start of %s of %s",
             P->sweep.scenario ? P->sweep.scenario : "", ywords,
             P->nvary == 1 && !strcmp(P->vary[0].key, "strategy") ? "strategy" : "point",
             P->sweep.id, plot_varied_words(P), P->sweep.seeds, P->rollout_words, P->ds);
    plot_gp_title(gp, title);
    char xlabel[256];
    snprintf(xlabel, sizeof xlabel, "minutes from the start of %s until converged", P->rollout_words);
    fputs("set xlabel ", gp);
    plot_gp_str(gp, xlabel);
    fputs("\nset ylabel ", gp);
    plot_gp_str(gp, ywords);
    /* x from the data (the strategies may differ by little next to their
     * common duration), y from zero; room on the right for the labels */
    fputs("\nset yrange [0:*]\nset grid\nset offsets graph 0.05, graph 0.2, graph 0.08, 0\n"
          "set key below box opaque\nset bmargin 9\n"
          "set style fill transparent solid 0.15 border\n",
          gp);
    if (missing[0]) {
        fputs("set label 1 ", gp);
        char note[1200];
        snprintf(note, sizeof note, "not shown (no run converged): %s", missing);
        plot_gp_str(gp, note);
        fputs(" at graph 0.01, graph 0.02 font ',9' tc rgb '#555555'\n", gp);
    }
    write_labels(P, gp, v, nv);
    fputs("plot ", gp);
    for (size_t i = 0; i < nv; i++) {
        const char *c = plot_colour(i);
        const PlotFigures *g = &P->figs[v[i].p];
        char key[700];
        snprintf(key, sizeof key, "%s: %.1f min, %.4g %s%s",
                 plot_point_label(P, &P->points[v[i].p], 0), v[i].x, v[i].y, yunit,
                 g->n_converged < g->n ? " (not all converged)" : "");
        if (i) fputs(", \\\n     ", gp);
        /* the box of both 95% intervals, the p90 and its link, the mean */
        fprintf(gp, "dir.'points.dat' every ::%zu::%zu using 1:5:2:3:6:7 with boxxyerror "
                    "lc rgb '%s' notitle, \\\n     ", i, i, c);
        fprintf(gp, "dir.'points.dat' every ::%zu::%zu using 1:5:($4-$1):($8-$5) with vectors "
                    "nohead dt 3 lc rgb '%s' notitle, \\\n     ", i, i, c);
        fprintf(gp, "dir.'points.dat' every ::%zu::%zu using 4:8 with points pt 6 ps 1.6 "
                    "lc rgb '%s' notitle, \\\n     ", i, i, c);
        fprintf(gp, "dir.'points.dat' every ::%zu::%zu using 1:5 with points pt 7 ps 1.6 "
                    "lc rgb '%s' title ", i, i, c);
        plot_gp_str(gp, key);
    }
    fputs(", \\\n     dir.'pareto.dat' using 1:2 with steps dt 2 lw 1.5 lc rgb '#444444' "
          "title 'Pareto front (none is faster and lower)'", gp);
    fputs(", \\\n     keyentry with points pt 6 ps 1.6 lc rgb 'black' title 'p90 of both figures'",
          gp);
    fputs(", \\\n     keyentry with boxes lc rgb 'black' title '95% confidence box of both means'\n",
          gp);
    free(v);
    return PLOT_OK;
}

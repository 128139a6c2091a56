/* plot.c: charts through gnuplot (`daemonsim plot`, docs/cli.md).
 *
 * Two families of chart. The time charts (convergence, unavailable) draw a
 * DaemonSet's status against minutes since its last rollout began: one line
 * per run with --run, or per sweep point the mean over its runs on a common
 * time grid with a band from the lowest to the highest run. The point charts
 * (time-to-converge, exposure) draw a sweep point's summary against the
 * first varied key, with 95% confidence intervals, one series per value of
 * the other varied keys. The overview stacks convergence over
 * time-to-converge: the headline chart.
 *
 * Status samples are step functions: a value holds until the next sample. A
 * sample taken at or before the rollout began describes the old revision's
 * steady state, so the curve starts from the first sample after it. After a
 * run's last sample its final value holds, which is what a converged run
 * does.
 *
 * Everything goes into a working directory: one data file per line or
 * series (whitespace-separated, a comment line naming the columns) and
 * plot.gp, which locates its data through ARG0 so that it still works when
 * kept and moved. gnuplot gets no user text on its command line; titles and
 * legends are written into the script as escaped strings. */
#include "daemonsim/plot.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

#include "daemonsim/mem.h"
#include "plot_int.h"

extern char **environ;

/* Steps of the common time grid of a sweep's time charts. */
#define PLOT_GRID 400

static const char *const kind_names[] = {
    [PLOT_CONVERGENCE] = "convergence", [PLOT_UNAVAILABLE] = "unavailable",
    [PLOT_TIME_TO_CONVERGE] = "time-to-converge", [PLOT_EXPOSURE] = "exposure",
    [PLOT_OVERVIEW] = "overview", [PLOT_TRADEOFF] = "tradeoff", [PLOT_SETTING] = "setting",
};

bool plot_parse_kind(const char *name, PlotKind *out)
{
    for (size_t i = 0; i < DS_ARRAY_LEN(kind_names); i++) {
        if (!strcmp(name, kind_names[i])) {
            *out = (PlotKind)i;
            return true;
        }
    }
    return false;
}

const char *plot_kind_name(PlotKind k) { return kind_names[k]; }

static const char *output_ext(const char *path)
{
    size_t n = strlen(path);
    if (n > 4 && !strcasecmp(path + n - 4, ".png")) return "png";
    if (n > 4 && !strcasecmp(path + n - 4, ".svg")) return "svg";
    return NULL;
}

bool plot_output_ok(const char *path) { return output_ext(path) != NULL; }

bool plot_gnuplot_found(void)
{
    const char *path = getenv("PATH");
    if (!path) path = "/usr/bin:/bin";
    char file[4096];
    for (const char *p = path;;) {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        snprintf(file, sizeof file, "%.*s%sgnuplot", (int)len, len ? p : ".", len ? "/" : "");
        struct stat sb;
        if (stat(file, &sb) == 0 && S_ISREG(sb.st_mode) && access(file, X_OK) == 0) return true;
        if (!end) return false;
        p = end + 1;
    }
}

/* ---- what is drawn --------------------------------------------------------------- */

static int load_sweep(Plot *P)
{
    StoreSweepRow *sweeps;
    size_t n;
    if (store_list_sweeps(P->s, &P->a, &sweeps, &n) < 0) return PLOT_EDB;
    const StoreSweepRow *sw = NULL;
    for (size_t i = 0; i < n; i++)
        if (P->opt->sweep_id ? sweeps[i].id == P->opt->sweep_id : true) sw = &sweeps[i];
    if (!sw) {
        if (P->opt->sweep_id) return plot_input_error(P, "no sweep with id %" PRId64, P->opt->sweep_id);
        P->no_sweep = true;
        return plot_input_error(P, "no sweep in this database (use --run ID for single runs)");
    }
    P->sweep = *sw;
    StoreSweepPoint *all;
    if (store_list_sweep_points(P->s, &P->a, &all, &n) < 0) return PLOT_EDB;
    P->points = arena_alloc(&P->a, (n ? n : 1) * sizeof *P->points);
    for (size_t i = 0; i < n; i++)
        if (all[i].sweep_id == sw->id) P->points[P->npoints++] = all[i];
    if (store_sweep_vary(P->s, &P->a, sw->id, &P->vary, &P->nvary) < 0) return PLOT_EDB;
    P->names = arena_alloc(&P->a, (P->npoints ? P->npoints : 1) * sizeof *P->names);
    for (size_t i = 0; i < P->npoints; i++)
        if (store_sweep_point_json(P->s, &P->a, sw->id, P->points[i].point, "$.strategy",
                                   &P->names[i]) < 0)
            return PLOT_EDB;
    if (store_list_sweep_runs(P->s, &P->a, sw->id, &P->runs, &P->nruns) < 0) return PLOT_EDB;
    if (P->nruns == 0) return plot_input_error(P, "sweep %" PRId64 " has no runs", sw->id);
    P->ds = P->opt->daemonset ? P->opt->daemonset : sw->daemonset;
    if (!P->ds) {
        StoreRollout *ro;
        size_t nro;
        if (store_list_rollouts(P->s, &P->a, P->runs[0].run_id, &ro, &nro) < 0) return PLOT_EDB;
        if (nro == 0) return plot_input_error(P, "run %" PRId64 " has no rollout", P->runs[0].run_id);
        P->ds = ro[0].daemonset;
    }
    return plot_figures_load(P);
}

/* A run's status samples, the start of its figure rollout, and the time
 * its series ends, all in seconds. */
typedef struct {
    StoreStatusSample *v;
    size_t n;
    size_t first_after;         /* first sample after the start */
    double start;
} Series;

/* start: the chosen rollout's (NAN: the run has none, and draws nothing). */
static int load_series(Plot *P, int64_t run_id, const char *ds, double start, Series *se)
{
    se->start = start;
    se->n = 0;
    if (isnan(start)) return PLOT_OK;
    if (store_status_series(P->s, &P->a, run_id, ds, &se->v, &se->n) < 0) return PLOT_EDB;
    se->first_after = 0;
    while (se->first_after < se->n && se->v[se->first_after].t <= se->start) se->first_after++;
    return PLOT_OK;
}

static double sample_value(const StoreStatusSample *s, bool unavailable)
{
    return (double)(unavailable ? s->unavailable : s->updated_available);
}

/* The step function at start + x; cursor only moves forward (x grows). */
static double series_at(const Series *se, size_t *cursor, double x, bool unavailable)
{
    if (se->n == 0) return NAN;
    if (se->first_after == se->n) return sample_value(&se->v[se->n - 1], unavailable);
    double q = se->start + x;
    if (*cursor < se->first_after) *cursor = se->first_after;
    while (*cursor + 1 < se->n && se->v[*cursor + 1].t <= q) (*cursor)++;
    return sample_value(&se->v[*cursor], unavailable);
}

static double series_span(const Series *se)
{
    return se->n ? se->v[se->n - 1].t - se->start : 0;
}

/* ---- files ------------------------------------------------------------------------ */

/* ---- the time charts ---------------------------------------------------------------- */

typedef struct {
    char file[64];
    const char *title;
    bool band;                  /* mean with a min-max band (sweep) or one run's steps */
} DataLine;

typedef VEC(DataLine) DataLines;

/* One file per sweep point: minutes, mean, min, max on a common grid. */
static int write_sweep_lines(Plot *P, bool unavailable, DataLines *out, size_t *runs_per_point)
{
    Series *se = xcalloc(P->nruns, sizeof *se);
    int rc = PLOT_OK;
    double span = 0;
    for (size_t i = 0; i < P->nruns && rc == PLOT_OK; i++) {
        rc = load_series(P, P->runs[i].run_id, P->ds, P->run_start[i], &se[i]);
        span = fmax(span, series_span(&se[i]));
    }
    if (rc != PLOT_OK) goto out;
    if (P->opt->until_minutes > 0) span = fmin(span, P->opt->until_minutes * 60);
    if (span <= 0) span = 60;
    *runs_per_point = 0;
    size_t *cursor = xcalloc(P->nruns, sizeof *cursor);
    for (size_t p = 0; p < P->npoints && rc == PLOT_OK; p++) {
        const StoreSweepPoint *pt = &P->points[p];
        size_t lo = 0;
        while (lo < P->nruns && P->runs[lo].point != pt->point) lo++;
        size_t hi = lo;
        while (hi < P->nruns && P->runs[hi].point == pt->point) hi++;
        if (hi == lo || P->figs[p].n == 0) continue;
        *runs_per_point = (size_t)DS_MAX(*runs_per_point, hi - lo);
        /* the legend also says how long the rollout took: lines that lie
         * on top of each other are told apart by it */
        char title[640];
        const char *label = plot_point_label(P, pt, 0);
        const PlotFigures *fg = &P->figs[p];
        if (!isnan(fg->converge.mean) && fg->n_converged == fg->n)
            snprintf(title, sizeof title, "%s: %.1f min", label, fg->converge.mean / 60);
        else if (!isnan(fg->converge.mean))
            snprintf(title, sizeof title, "%s: %.1f min (%" PRId64 " of %" PRId64 " converged)", label,
                     fg->converge.mean / 60, fg->n_converged, fg->n);
        else
            snprintf(title, sizeof title, "%s: did not converge", label);
        DataLine dl = {.title = arena_strdup(&P->a, title), .band = true};
        snprintf(dl.file, sizeof dl.file, "point-%" PRId64 ".dat", pt->point);
        FILE *f = plot_open(P, dl.file);
        if (!f) {
            rc = PLOT_EFAIL;
            break;
        }
        fprintf(f, "# %s, %" PRId64 " runs: minutes since %s began, mean, min, max of %s\n",
                label, P->figs[p].n, P->rollout_words,
                unavailable ? "unavailable pods" : "updated and available pods");
        for (size_t i = lo; i < hi; i++) cursor[i] = 0;
        for (int g = 0; g <= PLOT_GRID; g++) {
            double x = span * g / PLOT_GRID, sum = 0, mn = INFINITY, mx = -INFINITY;
            size_t n = 0;
            for (size_t i = lo; i < hi; i++) {
                double v = series_at(&se[i], &cursor[i], x, unavailable);
                if (isnan(v)) continue;
                sum += v;
                mn = fmin(mn, v);
                mx = fmax(mx, v);
                n++;
            }
            if (n) fprintf(f, "%.6g %.6g %.6g %.6g\n", x / 60, sum / (double)n, mn, mx);
        }
        rc = plot_close(P, f, dl.file);
        VEC_PUSH(*out, dl);
    }
    free(cursor);
out:
    free(se);
    return rc;
}

/* One file per run: its samples as steps (minutes, value). */
static int write_run_lines(Plot *P, bool unavailable, DataLines *out)
{
    for (size_t i = 0; i < P->n_run_ids; i++) {
        int64_t id = P->run_ids[i];
        StoreRunRow run;
        bool found;
        if (store_get_run(P->s, &P->a, id, &run, &found) < 0) return PLOT_EDB;
        if (!found) return plot_input_error(P, "no run with id %" PRId64, id);
        const char *ds = P->opt->daemonset;
        if (!ds) {
            StoreRollout *ro;
            size_t nro;
            if (store_list_rollouts(P->s, &P->a, id, &ro, &nro) < 0) return PLOT_EDB;
            if (nro == 0) return plot_input_error(P, "run %" PRId64 " has no rollout", id);
            ds = ro[0].daemonset;
        }
        Series se;
        double start;
        int rc = plot_run_start(P, id, ds, &start);
        if (rc == PLOT_OK) rc = load_series(P, id, ds, start, &se);
        if (rc != PLOT_OK) return rc;
        DataLine dl = {.band = false};
        char title[512];
        snprintf(title, sizeof title, "run %" PRId64 " %s %s", id, ds,
                 run.params && strcmp(run.params, "{}") ? run.params : "");
        dl.title = arena_strdup(&P->a, title);
        snprintf(dl.file, sizeof dl.file, "run-%" PRId64 ".dat", id);
        FILE *f = plot_open(P, dl.file);
        if (!f) return PLOT_EFAIL;
        fprintf(f, "# run %" PRId64 ", %s: minutes since the rollout began, %s\n", id, ds,
                unavailable ? "unavailable pods" : "updated and available pods");
        double limit = P->opt->until_minutes > 0 ? P->opt->until_minutes * 60 : INFINITY;
        size_t cursor = 0;
        if (se.n) fprintf(f, "0 %.6g\n", series_at(&se, &cursor, 0, unavailable));
        for (size_t k = se.first_after; k < se.n && se.v[k].t - se.start <= limit; k++)
            fprintf(f, "%.6g %.6g\n", (se.v[k].t - se.start) / 60, sample_value(&se.v[k], unavailable));
        rc = plot_close(P, f, dl.file);
        if (rc != PLOT_OK) return rc;
        VEC_PUSH(*out, dl);
    }
    return PLOT_OK;
}

static int script_time_chart(Plot *P, FILE *gp, bool unavailable)
{
    DataLines lines = {0};
    size_t per_point = 0;
    int rc = P->sweep_mode ? write_sweep_lines(P, unavailable, &lines, &per_point)
                           : write_run_lines(P, unavailable, &lines);
    if (rc == PLOT_OK && lines.n == 0) rc = plot_input_error(P, "no runs to draw");
    if (rc != PLOT_OK) {
        VEC_FREE(lines);
        return rc;
    }
    char title[1024];
    const char *what = unavailable ? "unavailable pods" : "pods updated and available";
    const char *which = P->rollout_words ? P->rollout_words : "the last rollout";
    if (P->sweep_mode)
        snprintf(title, sizeof title,
                 "%s: %s of %s from the start of %s\\nsweep %" PRId64
                 " (%s), mean of %zu runs per point, band from the lowest to the highest run",
                 P->sweep.scenario ? P->sweep.scenario : "", what, P->ds, which, P->sweep.id,
                 plot_varied_words(P), per_point);
    else
        snprintf(title, sizeof title, "%s from the start of %s", what, which);
    if (P->sweep_mode)
        fprintf(gp, "set key title \"mean time to converge%s\"\n",
                P->opt->rollout.kind == PLOT_ROLLOUT_LAST ? "" : " (again)");
    plot_gp_title(gp, title);
    char xlabel[256];
    snprintf(xlabel, sizeof xlabel, "minutes since %s began", which);
    fputs("set xlabel ", gp);
    plot_gp_str(gp, xlabel);
    fprintf(gp, "\n"
                "set ylabel \"%s\"\n"
                "set yrange [0:*]\nset xrange [0:*]\nset grid\n"
                "set key %s box opaque\n"
                "set style fill transparent solid 0.15 noborder\n",
            unavailable ? "unavailable pods (numberUnavailable)"
                        : "pods updated and available",
            unavailable ? "top right" : "bottom right");
    fputs("plot ", gp);
    for (size_t i = 0; i < lines.n; i++) {
        const DataLine *dl = &lines.v[i];
        const char *color = plot_colour(i);
        if (i) fputs(", \\\n     ", gp);
        if (dl->band)
            fprintf(gp, "dir.'%s' using 1:3:4 with filledcurves lc rgb '%s' notitle, \\\n     ",
                    dl->file, color);
        /* dash types too: identical curves still show as interleaved dashes */
        fprintf(gp, "dir.'%s' using 1:2 with %s lw 2 dt %zu lc rgb '%s' title ", dl->file,
                dl->band ? "lines" : "steps", i % 5 + 1, color);
        plot_gp_str(gp, dl->title);
    }
    fputc('\n', gp);
    VEC_FREE(lines);
    return PLOT_OK;
}

/* ---- the point charts ----------------------------------------------------------------- */

static int script_point_chart(Plot *P, FILE *gp, bool exposure)
{
    if (!P->sweep_mode)
        return plot_input_error(P, "--kind %s draws a sweep; --run is for the time charts",
                           exposure ? "exposure" : "time-to-converge");
    bool any_exposure = false;
    for (size_t p = 0; p < P->npoints; p++) any_exposure |= P->points[p].has_exposure;
    if (exposure && !any_exposure)
        return plot_input_error(P, "sweep %" PRId64 " has no exposure figures (its scenario has no "
                              "updateDaemonSet with failure:)", P->sweep.id);
    size_t nx = P->nvary ? P->vary[0].nvalues : P->npoints;
    size_t ns = 1;
    for (size_t k = 1; k < P->nvary; k++) ns *= P->vary[k].nvalues;
    double step = ns > 1 ? fmin(0.05, 0.3 / (double)ns) : 0;

    FILE **series = xcalloc(ns, sizeof *series);
    const char **stitle = xcalloc(ns, sizeof *stitle);
    size_t *srows = xcalloc(ns, sizeof *srows);
    VEC(char) labels = {0};
    int rc = PLOT_OK;
    for (size_t p = 0; p < P->npoints && rc == PLOT_OK; p++) {
        const StoreSweepPoint *pt = &P->points[p];
        size_t xi = P->nvary ? plot_vary_choice(P, pt->point, 0) : p;
        size_t si = 0;
        for (size_t k = 1; k < P->nvary; k++) si = si * P->vary[k].nvalues + plot_vary_choice(P, pt->point, k);
        if (!series[si]) {
            char name[64];
            snprintf(name, sizeof name, "series-%zu.dat", si);
            if (!(series[si] = plot_open(P, name))) {
                rc = PLOT_EFAIL;
                break;
            }
            stitle[si] = ns > 1 ? plot_point_label(P, pt, 1) : NULL;
            fprintf(series[si], "# %s: x position, mean, 95%% CI half-width, runs counted, runs\n",
                    stitle[si] ? stitle[si] : "every point");
        }
        double x = (double)xi + ((double)si - (double)(ns - 1) / 2) * step;
        const PlotFigures *fg = &P->figs[p];
        const PlotStat *m = exposure ? &fg->exposure : &fg->converge;
        double scale = exposure ? 1 : 1.0 / 60;
        int64_t counted = exposure ? pt->n : fg->n_converged, runs = exposure ? pt->n : fg->n;
        if (!isnan(m->mean)) {
            fprintf(series[si], "%.6g %.6g %.6g %" PRId64 " %" PRId64 "\n", x, m->mean * scale,
                    isnan(m->ci95) ? 0 : m->ci95 * scale, counted, runs);
            srows[si]++;
        }
        if (!exposure && fg->n > 0 && fg->n_converged < fg->n) {
            char text[128];
            if (fg->n_converged == 0)
                snprintf(text, sizeof text, "none of %" PRId64 " converged", fg->n);
            else
                snprintf(text, sizeof text, "%" PRId64 "/%" PRId64 " did not converge",
                         fg->n - fg->n_converged, fg->n);
            char line[256];
            int len = snprintf(line, sizeof line, "%.6g %.6g \"%s\"\n", x,
                               isnan(m->mean) ? 0 : m->mean * scale, text);
            for (int i = 0; i < len; i++) VEC_PUSH(labels, line[i]);
        }
    }
    for (size_t i = 0; i < ns; i++) {
        char name[64];
        snprintf(name, sizeof name, "series-%zu.dat", i);
        if (series[i] && plot_close(P, series[i], name) != PLOT_OK) rc = PLOT_EFAIL;
    }
    if (rc == PLOT_OK && labels.n) {
        FILE *f = plot_open(P, "labels.dat");
        if (!f) rc = PLOT_EFAIL;
        else {
            fputs("# x, y, runs that did not converge\n", f);
            fwrite(labels.v, 1, labels.n, f);
            rc = plot_close(P, f, "labels.dat");
        }
    }
    size_t drawn = 0;
    for (size_t i = 0; i < ns; i++) drawn += srows[i] > 0;
    if (rc == PLOT_OK && drawn == 0 && labels.n == 0) rc = plot_input_error(P, "sweep %" PRId64 " has nothing to draw", P->sweep.id);
    if (rc != PLOT_OK) goto out;

    const char *xkey = P->nvary ? P->vary[0].key : "point";
    int64_t seeds = P->sweep.seeds;
    char title[1024];
    if (exposure)
        snprintf(title, sizeof title,
                 "%s: nodes that got a pod of the failing revision of %s\\nsweep %" PRId64
                 " (%s), mean and 95%% confidence interval of %" PRId64 " runs per point",
                 P->sweep.scenario ? P->sweep.scenario : "", P->ds, P->sweep.id,
                 plot_varied_words(P), seeds);
    else
        snprintf(title, sizeof title,
                 "%s: time for %s of %s to converge (again)\\nsweep %" PRId64
                 " (%s), mean and 95%% confidence interval over the runs that converged (%" PRId64
                 " runs per point)",
                 P->sweep.scenario ? P->sweep.scenario : "", P->rollout_words, P->ds, P->sweep.id,
                 plot_varied_words(P), seeds);
    plot_gp_title(gp, title);
    fputs("set xlabel ", gp);
    plot_gp_str(gp, xkey);
    fprintf(gp, "\nset ylabel \"%s\"\n", exposure ? "nodes exposed to the failing revision"
                                                  : "minutes to converge");
    fputs("set xtics (", gp);
    for (size_t i = 0; i < nx; i++) {
        if (i) fputs(", ", gp);
        plot_gp_tic(gp, P->nvary ? plot_value_tic(P, 0, i) : plot_point_label(P, &P->points[i], 0));
        fprintf(gp, " %zu", i);
    }
    fprintf(gp, ")\nset xrange [-0.5:%.1f]\nset yrange [0:*]\nset grid ytics\n", (double)nx - 0.5);
    fputs("set key top right box opaque\n", gp);
    fputs("set offsets 0, 0, graph 0.08, 0\nplot ", gp);
    size_t shown = 0;
    for (size_t i = 0; i < ns; i++) {
        if (!srows[i]) continue;
        if (shown++) fputs(", \\\n     ", gp);
        fprintf(gp, "dir.'series-%zu.dat' using 1:2:3 with yerrorlines lw 2 pt 7 ps 1.2 lc rgb '%s' title ",
                i, plot_colour(i));
        plot_gp_str(gp, stitle[i] ? stitle[i] : (exposure ? "mean +- 95% CI" : "mean of converged runs +- 95% CI"));
    }
    if (labels.n) {
        if (shown++) fputs(", \\\n     ", gp);
        fputs("dir.'labels.dat' using 1:2:3 with labels offset 0,1.4 font ',9' tc rgb '#555555' notitle", gp);
    }
    fputc('\n', gp);
out:
    free(series);
    free(stitle);
    free(srows);
    VEC_FREE(labels);
    return rc;
}

/* ---- gnuplot ------------------------------------------------------------------------- */

static int run_gnuplot(Plot *P, const char *script)
{
    int pfd[2];
    if (pipe(pfd) != 0) return plot_fail(P, "pipe: %s", strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    /* stdin from /dev/null: gnuplot pages some output and would wait */
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], 2);
    posix_spawn_file_actions_addclose(&fa, pfd[0]);
    posix_spawn_file_actions_addclose(&fa, pfd[1]);
    char prog[] = "gnuplot";
    char *script_arg = xstrdup(script);
    char *argv[] = {prog, script_arg, NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    free(script_arg);
    close(pfd[1]);
    if (rc != 0) {
        close(pfd[0]);
        if (rc == ENOENT) return PLOT_ENOGNUPLOT;
        return plot_fail(P, "cannot run gnuplot: %s", strerror(rc));
    }
    char msg[2048];
    size_t got = 0;
    for (;;) {
        char chunk[512];
        ssize_t r = read(pfd[0], chunk, sizeof chunk);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        size_t take = (size_t)r < sizeof msg - 1 - got ? (size_t)r : sizeof msg - 1 - got;
        memcpy(msg + got, chunk, take);
        got += take;
    }
    msg[got] = '\0';
    close(pfd[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return PLOT_OK;
    /* a spawn that found no program: posix_spawnp reports it as exit 127 */
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && got == 0) return PLOT_ENOGNUPLOT;
    while (got > 0 && (msg[got - 1] == '\n' || msg[got - 1] == ' ')) msg[--got] = '\0';
    return plot_fail(P, "gnuplot failed%s%s", got ? ":\n" : "", msg);
}

static int copy_file(Plot *P, const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    if (!in) return plot_fail(P, "%s: %s", from, strerror(errno));
    FILE *out = fopen(to, "wb");
    if (!out) {
        fclose(in);
        return plot_fail(P, "%s: %s", to, strerror(errno));
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, n, out);
    bool bad = ferror(in) || ferror(out);
    fclose(in);
    if ((fclose(out) != 0) | bad) return plot_fail(P, "%s: write error", to);
    return PLOT_OK;
}

/* Removes the files this module writes in dir (and dir itself if asked). */
static void clean_dir(const char *dir, bool remove_dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char path[4400];
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        bool ours = (n > 4 && (!strcmp(e->d_name + n - 4, ".dat") || !strcmp(e->d_name + n - 4, ".png") ||
                               !strcmp(e->d_name + n - 4, ".svg"))) ||
                    !strcmp(e->d_name, "plot.gp");
        if (!ours) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    if (remove_dir) rmdir(dir);
}

static int make_dir(Plot *P)
{
    if (P->opt->keep_dir) {
        if (mkdir(P->opt->keep_dir, 0777) != 0 && errno != EEXIST)
            return plot_fail(P, "%s: %s", P->opt->keep_dir, strerror(errno));
        /* a chart drawn here before must not leave stray series behind */
        clean_dir(P->opt->keep_dir, false);
        snprintf(P->dir, sizeof P->dir, "%s/", P->opt->keep_dir);
        return PLOT_OK;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(P->dir, sizeof P->dir, "%s/daemonsim-plot-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(P->dir)) return plot_fail(P, "%s: %s", P->dir, strerror(errno));
    strcat(P->dir, "/");
    return PLOT_OK;
}

int plot_write(Store *s, const PlotOptions *opt, char *err, size_t errlen)
{
    const char *ext = output_ext(opt->output);
    if (!ext) {
        snprintf(err, errlen, "%s: the output must end in .png or .svg", opt->output);
        return PLOT_EINPUT;
    }
    if (!plot_gnuplot_found()) return PLOT_ENOGNUPLOT;
    Plot P = {.s = s, .opt = opt, .err = err, .errlen = errlen};
    P.sweep_mode = opt->run_ids == NULL;
    int rc = PLOT_OK;
    if (P.sweep_mode) {
        rc = load_sweep(&P);
        /* with no sweep in the file, the time charts draw every run */
        if (rc == PLOT_EINPUT && P.no_sweep &&
            (opt->kind == PLOT_CONVERGENCE || opt->kind == PLOT_UNAVAILABLE)) {
            StoreRunRow *runs;
            size_t n;
            if (store_list_runs(s, &P.a, &runs, &n) < 0) {
                rc = PLOT_EDB;
            } else if (n == 0) {
                rc = plot_input_error(&P, "no runs in this database");
            } else {
                P.sweep_mode = false;
                P.run_ids = arena_alloc(&P.a, n * sizeof *P.run_ids);
                for (size_t i = 0; i < n; i++) P.run_ids[i] = runs[i].id;
                P.n_run_ids = n;
                rc = PLOT_OK;
            }
        }
    } else {
        P.run_ids = (int64_t *)opt->run_ids;
        P.n_run_ids = opt->n_run_ids;
    }
    if (rc != PLOT_OK) goto out;
    if ((rc = make_dir(&P)) != PLOT_OK) goto out;

    FILE *gp = plot_open(&P, "plot.gp");
    if (!gp) {
        rc = PLOT_EFAIL;
        goto cleanup;
    }
    bool tall = opt->kind == PLOT_OVERVIEW || opt->kind == PLOT_SETTING;
    int width = 1100, height = tall ? 1300 : opt->kind == PLOT_TRADEOFF ? 800 : 650;
    fprintf(gp, "# daemonsim plot --kind %s. Data files sit next to this script;\n"
                "# `gnuplot plot.gp` draws chart.%s here again.\n",
            kind_names[opt->kind], ext);
    /* the directory of this script, from the path gnuplot was given */
    fputs("dir = (exists(\"ARG0\") && strlen(ARG0) > 7) ? ARG0[1:strlen(ARG0)-7] : ''\n", gp);
    if (!strcmp(ext, "png"))
        fprintf(gp, "set terminal pngcairo size %d,%d noenhanced font 'sans,11'\n", width, height);
    else
        fprintf(gp, "set terminal svg size %d,%d dynamic noenhanced font 'sans,11' "
                    "background rgb 'white'\n",
                width, height);
    fprintf(gp, "set output dir.'chart.%s'\n", ext);
    switch (opt->kind) {
    case PLOT_CONVERGENCE: rc = script_time_chart(&P, gp, false); break;
    case PLOT_UNAVAILABLE: rc = script_time_chart(&P, gp, true); break;
    case PLOT_TIME_TO_CONVERGE: rc = script_point_chart(&P, gp, false); break;
    case PLOT_EXPOSURE: rc = script_point_chart(&P, gp, true); break;
    case PLOT_TRADEOFF: rc = plot_script_tradeoff(&P, gp); break;
    case PLOT_SETTING: rc = plot_script_setting(&P, gp); break;
    case PLOT_OVERVIEW:
        if (!P.sweep_mode) {
            rc = plot_input_error(&P, "--kind overview draws a sweep; --run is for the time charts");
            break;
        }
        fputs("set multiplot layout 2,1\n", gp);
        rc = script_time_chart(&P, gp, false);
        if (rc == PLOT_OK) {
            /* reset keeps the terminal and output; the second chart starts clean */
            fputs("reset\n", gp);
            rc = script_point_chart(&P, gp, false);
        }
        fputs("unset multiplot\n", gp);
        break;
    }
    fputs("unset output\n", gp);
    if (plot_close(&P, gp, "plot.gp") != PLOT_OK && rc == PLOT_OK) rc = PLOT_EFAIL;
    if (rc != PLOT_OK) goto cleanup;

    char script[4200], chart[4200];
    snprintf(script, sizeof script, "%splot.gp", P.dir);
    snprintf(chart, sizeof chart, "%schart.%s", P.dir, ext);
    rc = run_gnuplot(&P, script);
    if (rc == PLOT_OK) {
        struct stat sb;
        if (stat(chart, &sb) != 0 || sb.st_size == 0) rc = plot_fail(&P, "gnuplot wrote no picture");
        else if (opt->keep_dir) rc = copy_file(&P, chart, opt->output);
        else if (rename(chart, opt->output) != 0)
            rc = errno == EXDEV ? copy_file(&P, chart, opt->output)
                                : plot_fail(&P, "%s: %s", opt->output, strerror(errno));
    }
cleanup:
    if (!opt->keep_dir) {
        P.dir[strlen(P.dir) - 1] = '\0';
        clean_dir(P.dir, true);
    }
out:
    arena_free(&P.a);
    return rc;
}

/* ---- calibrate charts ------------------------------------------------------------------ */

static int write_cdf_data(Plot *P, const PlotCdf *c)
{
    FILE *f = plot_open(P, "empirical.dat");
    if (!f) return PLOT_EFAIL;
    fputs("# observation share_at_or_below\n", f);
    for (size_t i = 0; i < c->n; i++) fprintf(f, "%.9g %.9g\n", c->x[i], c->empirical[i]);
    int rc = plot_close(P, f, "empirical.dat");
    if (rc != PLOT_OK) return rc;
    f = plot_open(P, "fitted.dat");
    if (!f) return PLOT_EFAIL;
    fputs("# seconds fitted_cdf predicted_recorded_cdf\n", f);
    for (size_t i = 0; i < c->ngrid; i++)
        fprintf(f, "%.9g %.9g %.9g\n", c->grid[i], c->fitted[i], c->predicted[i]);
    return plot_close(P, f, "fitted.dat");
}

int plot_write_cdf(const PlotCdf *c, const char *output, char *err, size_t errlen)
{
    const char *ext = output_ext(output);
    if (!ext) {
        snprintf(err, errlen, "%s: the output must end in .png or .svg", output);
        return PLOT_EINPUT;
    }
    if (!plot_gnuplot_found()) return PLOT_ENOGNUPLOT;
    PlotOptions opt = {.output = output};
    Plot P = {.opt = &opt, .err = err, .errlen = errlen};
    int rc = make_dir(&P);
    if (rc != PLOT_OK) return rc;
    rc = write_cdf_data(&P, c);
    FILE *gp = rc == PLOT_OK ? plot_open(&P, "plot.gp") : NULL;
    if (gp) {
        fputs("dir = (exists(\"ARG0\") && strlen(ARG0) > 7) ? ARG0[1:strlen(ARG0)-7] : ''\n", gp);
        if (!strcmp(ext, "png"))
            fputs("set terminal pngcairo size 900,560 noenhanced font 'sans,11'\n", gp);
        else
            fputs("set terminal svg size 900,560 dynamic noenhanced font 'sans,11' "
                  "background rgb 'white'\n", gp);
        fprintf(gp, "set output dir.'chart.%s'\nset title ", ext);
        plot_gp_str(gp, c->title);
        fputs("\nset xlabel 'seconds'\nset ylabel 'share of observations at or below'\n"
              "set yrange [0:1.02]\nset xrange [0:*]\nset grid\nset key right bottom\n", gp);
        fprintf(gp, "plot dir.'empirical.dat' using 1:2 with steps lw 2 lc rgb '%s' title 'observed', \\\n"
                    "     dir.'fitted.dat' using 1:2 with lines lw 2 lc rgb '%s' title ",
                plot_colour(0), plot_colour(1));
        plot_gp_str(gp, c->fitted_label);
        fprintf(gp, ", \\\n     dir.'fitted.dat' using 1:3 with lines lw 1 dt 2 lc rgb '%s' "
                    "title 'fit, as the timestamps record it'\nunset output\n", plot_colour(2));
        rc = plot_close(&P, gp, "plot.gp");
    } else if (rc == PLOT_OK) {
        rc = PLOT_EFAIL;
    }
    if (rc == PLOT_OK) {
        char script[4200], chart[4200];
        snprintf(script, sizeof script, "%splot.gp", P.dir);
        snprintf(chart, sizeof chart, "%schart.%s", P.dir, ext);
        rc = run_gnuplot(&P, script);
        struct stat sb;
        if (rc == PLOT_OK && (stat(chart, &sb) != 0 || sb.st_size == 0))
            rc = plot_fail(&P, "gnuplot wrote no picture");
        if (rc == PLOT_OK && rename(chart, output) != 0)
            rc = errno == EXDEV ? copy_file(&P, chart, output) : plot_fail(&P, "%s: %s", output, strerror(errno));
    }
    P.dir[strlen(P.dir) - 1] = '\0';
    clean_dir(P.dir, true);
    arena_free(&P.a);
    return rc;
}

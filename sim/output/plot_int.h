/* plot_int.h: what the chart files of `daemonsim plot` share (plot.c, the
 * time and point charts and the gnuplot driver; plot_figures.c, a sweep's
 * figures for the rollout the chart shows; plot_text.c, files, strings and
 * labels; plot_tradeoff.c and plot_setting.c, the trade-off and setting
 * charts). */
#ifndef DAEMONSIM_OUTPUT_PLOT_INT_H
#define DAEMONSIM_OUTPUT_PLOT_INT_H

#include <stdio.h>

#include "daemonsim/mem.h"
#include "daemonsim/plot.h"

/* One figure over the runs of a point: NAN where it cannot be computed
 * (no run; the spread of one run). ci95 is the half-width of the mean's 95%
 * confidence interval; p10..p90 is where the middle 80% of runs fall. */
typedef struct {
    double mean, ci95, p10, p50, p90;
} PlotStat;

/* A point's figures for the chosen rollout (PlotOptions.rollout). */
typedef struct {
    int64_t n;                  /* runs with the chosen rollout */
    int64_t n_converged;        /* of them, runs converged again before the end */
    PlotStat converge;          /* seconds, from its start until converged again */
    PlotStat peak;              /* most pods unavailable at once, over that time */
    PlotStat pod_seconds;       /* unavailable pod-seconds over that time */
    PlotStat exposure;          /* nodes that got a failing revision's pod (the run's) */
    bool has_exposure;
} PlotFigures;

typedef struct {
    Store *s;
    const PlotOptions *opt;
    Arena a;
    char *err;
    size_t errlen;
    char dir[4096];             /* working directory, with a trailing '/' */
    bool sweep_mode;
    bool no_sweep;              /* the file holds no sweep (the time charts draw its runs) */
    StoreSweepRow sweep;
    StoreSweepPoint *points;    /* of this sweep */
    size_t npoints;
    StoreVary *vary;
    size_t nvary;
    const char **names;         /* per point: its strategy's name, or NULL */
    StoreSweepRun *runs;        /* of this sweep */
    size_t nruns;
    const char *ds;             /* the sweep's figure DaemonSet */
    PlotFigures *figs;          /* per point, for the chosen rollout */
    double *run_start;          /* per run: its chosen rollout's start; NAN: it has none */
    const char *rollout_words;  /* "the last rollout", "the bad release (revision 3)" */
    int64_t *run_ids;           /* run mode: the runs drawn */
    size_t n_run_ids;
} Plot;

int plot_input_error(Plot *P, const char *fmt, ...) DS_PRINTF(2, 3);
int plot_fail(Plot *P, const char *fmt, ...) DS_PRINTF(2, 3);

/* A file in the working directory; NULL with the error set. */
FILE *plot_open(Plot *P, const char *name);
int plot_close(Plot *P, FILE *f, const char *name);

/* gnuplot strings: quoted and escaped; a tic label also doubles %. A title
 * keeps "\n" as gnuplot's line break. */
void plot_gp_str(FILE *f, const char *s);
void plot_gp_tic(FILE *f, const char *s);
void plot_gp_title(FILE *f, const char *title);
const char *plot_colour(size_t i);

/* Value index of varied key k at a point (the first key changes slowest). */
size_t plot_vary_choice(const Plot *P, int64_t point, size_t k);
/* Key k's value at a point in words: a strategy's name, "maxUnavailable
 * 5%" for an alias, "apiQps 50" for the last part of a path. */
const char *plot_value_words(Plot *P, int64_t point, size_t k);
/* Value `value` of key k for a tic: as typed, a strategy by its name. */
const char *plot_value_tic(Plot *P, size_t k, size_t value);
/* The words of keys `from`.. joined by ", "; "all runs" without any. */
const char *plot_point_label(Plot *P, const StoreSweepPoint *pt, size_t from);
/* "strategy (4 values), maxSurge (2 values)": what the sweep varied. */
const char *plot_varied_words(Plot *P);

/* plot_figures.c: reads every rollout of the sweep's runs and fills
 * P->figs, P->run_start and P->rollout_words for opt->rollout. */
int plot_figures_load(Plot *P);
/* Run mode: the start of a run's chosen rollout (PLOT_EINPUT if none). */
int plot_run_start(Plot *P, int64_t run_id, const char *ds, double *start);

/* plot_tradeoff.c, plot_setting.c: the scripts of those kinds. */
int plot_script_tradeoff(Plot *P, FILE *gp);
int plot_script_setting(Plot *P, FILE *gp);

#endif

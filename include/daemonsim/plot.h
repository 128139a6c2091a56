/* plot.h: `daemonsim plot`, charts of runs and sweeps drawn by gnuplot.
 *
 * plot_write() reads what a chart needs through store.h, writes it as
 * whitespace-separated data files plus a gnuplot script into a working
 * directory, runs gnuplot on the script (posix_spawnp, stdin /dev/null,
 * stderr captured; no shell) and moves the picture to the output path.
 * Nothing user-supplied is ever pasted into a command line; names that
 * appear in titles and legends are quoted for gnuplot. The script finds its
 * data next to itself, so a kept script (--keep-script) can be edited and
 * run again with `gnuplot DIR/plot.gp`. */
#ifndef DAEMONSIM_PLOT_H
#define DAEMONSIM_PLOT_H

#include "daemonsim/store.h"

typedef enum {
    PLOT_CONVERGENCE,           /* updated-and-available pods vs minutes since the rollout began */
    PLOT_UNAVAILABLE,           /* unavailable pods vs minutes since the rollout began */
    PLOT_TIME_TO_CONVERGE,      /* mean time to converge (95% CI) vs the first varied key */
    PLOT_EXPOSURE,              /* nodes that got the failing revision vs the first varied key */
    PLOT_OVERVIEW,              /* convergence above time-to-converge: the headline chart */
    PLOT_TRADEOFF,              /* time to converge against exposure or unavailability, per
                                   point, with confidence boxes, p90 and the Pareto front */
    PLOT_SETTING,               /* peak unavailable and time to converge against a numeric
                                   varied setting, with p10-p90 bands */
} PlotKind;

/* Which rollout of each run a chart shows (--rollout). */
typedef enum {
    PLOT_ROLLOUT_LAST,          /* the default, as the sweep's own figures */
    PLOT_ROLLOUT_FIRST,
    PLOT_ROLLOUT_REVISION,      /* the rollout of revision `revision` */
    PLOT_ROLLOUT_BAD,           /* the first rollout of a failing revision (a bad release) */
} PlotRolloutKind;

typedef struct {
    PlotRolloutKind kind;
    int64_t revision;
} PlotRollout;

/* The y axis of the trade-off chart (--y). */
typedef enum {
    PLOT_Y_AUTO,                /* exposure if the sweep has a bad release, else pod-seconds */
    PLOT_Y_EXPOSURE,
    PLOT_Y_POD_SECONDS,
    PLOT_Y_PEAK,
} PlotMeasure;

typedef struct {
    PlotKind kind;
    const int64_t *run_ids;     /* one line per run (convergence, unavailable); NULL: a sweep */
    size_t n_run_ids;
    int64_t sweep_id;           /* 0: the newest sweep */
    const char *daemonset;      /* NULL: the sweep's, or a run's first rolled-out DaemonSet */
    double until_minutes;       /* > 0: cut the time axis there */
    const char *output;         /* FILE.png or FILE.svg */
    const char *keep_dir;       /* NULL: a temporary directory, removed afterwards */
    PlotRollout rollout;        /* which rollout of each run (zero: the last) */
    PlotMeasure y;              /* tradeoff: the y axis */
    const char *x_key;          /* setting: the varied key on the x axis (NULL: the first
                                   numeric one) */
} PlotOptions;

enum {
    PLOT_OK = 0,
    PLOT_EDB = -1,              /* reading the database failed: store_errmsg(s) */
    PLOT_EINPUT = -2,           /* nothing to draw as asked (no such run or sweep, ...): err */
    PLOT_ENOGNUPLOT = -3,       /* gnuplot is not installed; nothing was written */
    PLOT_EFAIL = -4,            /* gnuplot or the file system failed: err */
};

/* "convergence", "unavailable", "time-to-converge", "exposure", "overview",
 * "tradeoff", "setting". */
bool plot_parse_kind(const char *name, PlotKind *out);
const char *plot_kind_name(PlotKind k);
/* "last", "first", "bad" or a revision number. */
bool plot_parse_rollout(const char *text, PlotRollout *out);
/* "exposure", "unavailable-pod-seconds" or "peak-unavailable". */
bool plot_parse_measure(const char *text, PlotMeasure *out);
/* ".png" or ".svg" at the end of path (case-insensitive). */
bool plot_output_ok(const char *path);
/* Whether an executable `gnuplot` is on PATH. */
bool plot_gnuplot_found(void);

int plot_write(Store *s, const PlotOptions *opt, char *err, size_t errlen);

/* A `daemonsim calibrate --plot` chart: the empirical CDF of one phase's
 * observations (steps) against the fitted distribution's CDF and against
 * what that distribution predicts the observations record (whole-second
 * timestamps make a difference of stamps a step function of its own). */
typedef struct {
    const char *title;
    const char *fitted_label;   /* "lognormal {median: ...}" */
    const double *x;            /* sorted observations */
    const double *empirical;    /* share of observations <= x[i] */
    size_t n;
    const double *grid;         /* x values of the curves */
    const double *fitted;       /* the fitted CDF on grid */
    const double *predicted;    /* the predicted CDF of the recorded values on grid */
    size_t ngrid;
} PlotCdf;

/* Same return codes as plot_write(); PLOT_EINPUT for an output name without
 * .png or .svg. */
int plot_write_cdf(const PlotCdf *c, const char *output, char *err, size_t errlen);

#endif

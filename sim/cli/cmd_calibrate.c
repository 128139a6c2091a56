/* cmd_calibrate.c: `daemonsim calibrate FILE... [-o TIMING.yaml] [--plot DIR]`.
 *
 * Reads every file first (a bad one stops everything, exit 2, nothing
 * written), fits each phase, prints the report, then writes the timing file
 * and the charts. Pulls that found the image already present are counted
 * apart: they are a share of zero-second pulls, not draws of the pull time. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "daemonsim/calreport.h"
#include "daemonsim/cli.h"
#include "daemonsim/history.h"
#include "daemonsim/mem.h"
#include "daemonsim/plot.h"

#define CAL_GRID 400

static const char calibrate_help[] =
    "Usage: daemonsim calibrate FILE... [-o TIMING.yaml] [--plot DIR]\n"
    "Fit the latencies the simulator draws to what a cluster recorded.\n\n"
    "FILE is the output of `kubectl get events -A -o json|yaml` or\n"
    "`kubectl get pods -A -o json|yaml` (the kind is read from the file); give both\n"
    "for every phase. Phases: schedule (created -> scheduled), imagePull (the\n"
    "kubelet's Pulled messages), containerStart (pulled -> started), readiness\n"
    "(started -> Ready) and termination (killed -> stopped, from pods being deleted).\n"
    "Timestamps with whole seconds are fitted as intervals. Every family is fitted\n"
    "by maximum likelihood and the lowest AIC is chosen.\n\n"
    "  -o, --output FILE   write the fitted `timing:` (scenario syntax) to FILE; a\n"
    "                      scenario uses it with spec.timingFrom: FILE\n"
    "      --plot DIR      one chart per phase, DIR/PHASE.png: the observations'\n"
    "                      empirical CDF against the fitted CDF (needs gnuplot)\n"
    "  -h, --help          show this help\n\n"
    "Exit status: 0 ok, 2 bad usage or input (file:line:column), 3 a file\n"
    "cannot be written or gnuplot is missing or fails.\n";

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int plot_phase(const CalPhase *p, const FitObs *obs, const char *dir)
{
    size_t n = p->fit.n;
    double *x = xmalloc(n * sizeof *x), *emp = xmalloc(n * sizeof *emp);
    double *grid = xmalloc(CAL_GRID * sizeof *grid), *fit = xmalloc(CAL_GRID * sizeof *fit),
           *pred = xmalloc(CAL_GRID * sizeof *pred);
    for (size_t i = 0; i < n; i++) x[i] = obs[i].x;
    qsort(x, n, sizeof *x, dbl_cmp);
    for (size_t i = 0; i < n; i++) emp[i] = (double)(i + 1) / (double)n;
    double hi = x[n - 1] * 1.05 + 1;
    for (size_t i = 0; i < CAL_GRID; i++) {
        grid[i] = hi * (double)i / (CAL_GRID - 1);
        fit[i] = fit_cdf(&p->fit.best, grid[i]);
        pred[i] = fit_obs_cdf(&p->fit.best, obs, n, grid[i], false);
    }
    char title[160], label[160], d[128], path[4200], err[2048];
    calreport_format_dist(&p->fit.best, d, sizeof d);
    snprintf(title, sizeof title, "%s: %zu observations, KS %.3f", p->name, n, p->fit.ks);
    snprintf(label, sizeof label, "fit %s", d);
    snprintf(path, sizeof path, "%s/%s.png", dir, p->name);
    PlotCdf c = {.title = title, .fitted_label = label, .x = x, .empirical = emp, .n = n,
                 .grid = grid, .fitted = fit, .predicted = pred, .ngrid = CAL_GRID};
    int rc = plot_write_cdf(&c, path, err, sizeof err);
    free(x);
    free(emp);
    free(grid);
    free(fit);
    free(pred);
    if (rc == PLOT_OK) return EXIT_OK;
    if (rc == PLOT_ENOGNUPLOT)
        fprintf(stderr, "daemonsim calibrate: gnuplot not found (apt-get install gnuplot-nox)\n");
    else
        fprintf(stderr, "daemonsim calibrate: %s\n", err);
    return EXIT_RUNTIME;
}

int cmd_calibrate(int argc, char **argv)
{
    const char *output = NULL, *plot_dir = NULL;
    VEC(const char *) files = {0};
    int status = EXIT_OK;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            VEC_FREE(files);
            return cli_usage("calibrate", calibrate_help, EXIT_OK);
        }
        if (!strcmp(a, "-o") || !strcmp(a, "--output") || !strcmp(a, "--plot")) {
            if (i + 1 >= argc) status = cli_misuse("calibrate", "option '%s' needs an argument", a);
            else if (!strcmp(a, "--plot")) plot_dir = argv[++i];
            else output = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            status = cli_misuse("calibrate", "unknown option '%s'", a);
        } else {
            VEC_PUSH(files, a);
        }
        if (status != EXIT_OK) break;
    }
    if (status == EXIT_OK && !files.n) status = cli_misuse("calibrate", "missing FILE");
    if (status == EXIT_OK && plot_dir && !plot_gnuplot_found()) {
        fprintf(stderr, "daemonsim calibrate: gnuplot not found (apt-get install gnuplot-nox)\n");
        status = EXIT_RUNTIME;
    }
    if (status != EXIT_OK) {
        VEC_FREE(files);
        return status;
    }

    History *h = history_new();
    Diag diag;
    diag_init(&diag);
    for (size_t i = 0; i < files.n && status == EXIT_OK; i++) {
        if (!history_read(h, files.v[i], &diag)) {
            diag_print(&diag, stderr);
            status = EXIT_USAGE;
        }
    }
    CalPhase phases[PHASE__COUNT] = {{0}};
    FitObs *obs[PHASE__COUNT] = {0};
    char note[160], source[200];
    size_t fitted = 0;
    HistoryCounts k = history_counts(h);
    if (status == EXIT_OK) {
        for (int p = 0; p < PHASE__COUNT; p++) {
            CalPhase *cp = &phases[p];
            cp->name = history_phase_name((Phase)p);
            size_t n = history_observations(h, (Phase)p, &obs[p]);
            cp->fitted = fit_all(obs[p], n, &cp->fit);
            cp->fit.n = n;
            fitted += cp->fitted;
        }
        uint32_t pulls = k.pulls_timed + k.pulls_present + k.pulls_untimed;
        if (pulls) {
            snprintf(note, sizeof note,
                     "%u of %u pulls found the image already present (%.1f%%), not in the fit%s",
                     k.pulls_present, pulls, 100.0 * k.pulls_present / pulls,
                     k.pulls_untimed ? "; some messages gave no time" : "");
            phases[PHASE_IMAGE_PULL].note = note;
        }
        snprintf(source, sizeof source, "%u file%s, %u events, %u pods", k.files,
                 k.files == 1 ? "" : "s", k.events, k.pods);
        printf("read %s\n\n", source);
        calreport_print(stdout, phases, PHASE__COUNT);
        if (!fitted) {
            fprintf(stderr, "daemonsim calibrate: nothing to fit: the files hold no pod whose "
                            "lifecycle shows two of its moments\n");
            status = EXIT_USAGE;
        }
    }
    char err[4400];
    if (status == EXIT_OK && output &&
        !calreport_write_timing(output, phases, PHASE__COUNT, source, err, sizeof err)) {
        fprintf(stderr, "daemonsim calibrate: %s\n", err);
        status = EXIT_RUNTIME;
    }
    if (status == EXIT_OK && plot_dir) {
        if (mkdir(plot_dir, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "daemonsim calibrate: %s: %s\n", plot_dir, strerror(errno));
            status = EXIT_RUNTIME;
        }
        for (int p = 0; p < PHASE__COUNT && status == EXIT_OK; p++)
            if (phases[p].fitted) status = plot_phase(&phases[p], obs[p], plot_dir);
    }
    for (int p = 0; p < PHASE__COUNT; p++) free(obs[p]);
    history_free(h);
    VEC_FREE(files);
    return status;
}

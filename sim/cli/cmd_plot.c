/* cmd_plot.c: `daemonsim plot DB [--kind KIND] [--run ID]... [--sweep ID] -o FILE`.
 *
 * Parses the options, checks what can be checked without the database (the
 * output's extension, gnuplot on PATH), opens the database read-only and
 * hands the rest to plot.c. Exit status follows docs/cli.md: 2 for bad usage
 * and for asking for something the database does not hold, 3 when the
 * database cannot be read, gnuplot is missing or fails. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemonsim/cli.h"
#include "daemonsim/mem.h"
#include "daemonsim/plot.h"

static const char plot_help[] =
    "Usage: daemonsim plot DB [--kind KIND] [--run ID]... [--sweep ID]\n"
    "                      [--daemonset NAME] [--rollout last|first|N|bad]\n"
    "                      [--y MEASURE] [--x KEY] [--until MINUTES] [--keep-script]\n"
    "                      -o FILE.png|FILE.svg\n"
    "Draw a chart of the runs or a sweep stored in DB, through gnuplot.\n\n"
    "  -k, --kind KIND      convergence (default): pods updated and available against\n"
    "                         minutes since the rollout began;\n"
    "                       unavailable: unavailable pods against the same time;\n"
    "                       time-to-converge: mean time to converge with its 95%\n"
    "                         confidence interval against the first varied key, one\n"
    "                         series per value of the others;\n"
    "                       exposure: nodes that got the failing revision of a bad\n"
    "                         release against the first varied key;\n"
    "                       overview: convergence above time-to-converge;\n"
    "                       tradeoff: time to converge against --y, one marker per\n"
    "                         point with the box of both 95% confidence intervals,\n"
    "                         the p90 of both, and the Pareto front;\n"
    "                       setting: peak unavailable and time to converge against\n"
    "                         a numeric varied setting (--x), p10-p90 bands\n"
    "      --run ID         one line per run instead of a sweep (repeatable;\n"
    "                       convergence and unavailable only)\n"
    "      --sweep ID       which sweep (default: the newest). A sweep's time charts\n"
    "                       draw per point the mean over its runs, with a band\n"
    "                       from the lowest to the highest run\n"
    "      --daemonset NAME whose rollout (default: the sweep's, or a run's first)\n"
    "      --rollout WHICH  the rollout each run is measured from: last (default),\n"
    "                       first, a revision number, or bad (the bad release's, so\n"
    "                       a stall before a rollback shows); time to converge then\n"
    "                       runs until the DaemonSet converged again\n"
    "      --y MEASURE      tradeoff's y axis: exposure (nodes that ran the bad\n"
    "                       release; the default with one), unavailable-pod-seconds\n"
    "                       or peak-unavailable\n"
    "      --x KEY          setting's x axis: a varied key with numeric values\n"
    "                       (default: the first)\n"
    "      --until MINUTES  end the time axis there\n"
    "  -o, --output FILE    the chart; .png or .svg picks the format\n"
    "      --keep-script    keep the gnuplot script and its data files in\n"
    "                       FILE.plot/ (run `gnuplot FILE.plot/plot.gp` to redraw)\n"
    "  -h, --help           show this help\n\n"
    "With neither --run nor a sweep in DB, the time charts draw every run.\n"
    "Exit status: 0 ok, 2 bad usage or nothing to draw, 3 the database cannot be\n"
    "read or gnuplot is missing or fails.\n";

int cmd_plot(int argc, char **argv)
{
    static const struct option opts[] = {
        {"kind", required_argument, NULL, 'k'},   {"run", required_argument, NULL, 'r'},
        {"sweep", required_argument, NULL, 'S'},  {"daemonset", required_argument, NULL, 'd'},
        {"until", required_argument, NULL, 'u'},  {"output", required_argument, NULL, 'o'},
        {"keep-script", no_argument, NULL, 'K'},  {"help", no_argument, NULL, 'h'},
        {"rollout", required_argument, NULL, 'R'}, {"y", required_argument, NULL, 'Y'},
        {"x", required_argument, NULL, 'X'},
        {NULL, 0, NULL, 0},
    };
    PlotOptions po = {.kind = PLOT_CONVERGENCE};
    VEC(int64_t) ids = {0};
    bool keep = false;
    char *keep_dir = NULL;
    int status = EXIT_OK, ch;
    opterr = 0;
    optind = 0; /* glibc: 0 also resets the state of an earlier parse */
    while ((ch = getopt_long(argc, argv, ":k:o:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'k':
            if (!plot_parse_kind(optarg, &po.kind)) {
                status = cli_misuse("plot", "unknown kind '%s' (convergence, unavailable, "
                                     "time-to-converge, exposure, overview, tradeoff or "
                                     "setting)", optarg);
                goto done;
            }
            break;
        case 'r':
        case 'S': {
            long id;
            if (!cli_parse_int(optarg, 1, LONG_MAX, &id)) {
                status = cli_misuse("plot", "invalid %s id '%s'", ch == 'r' ? "run" : "sweep", optarg);
                goto done;
            }
            if (ch == 'r') VEC_PUSH(ids, (int64_t)id);
            else po.sweep_id = id;
            break;
        }
        case 'd': po.daemonset = optarg; break;
        case 'R':
            if (!plot_parse_rollout(optarg, &po.rollout)) {
                status = cli_misuse("plot", "--rollout takes last, first, bad or a revision "
                                     "number, not '%s'", optarg);
                goto done;
            }
            break;
        case 'Y':
            if (!plot_parse_measure(optarg, &po.y)) {
                status = cli_misuse("plot", "--y takes exposure, unavailable-pod-seconds or "
                                     "peak-unavailable, not '%s'", optarg);
                goto done;
            }
            break;
        case 'X': po.x_key = optarg; break;
        case 'u': {
            char *end;
            errno = 0;
            po.until_minutes = strtod(optarg, &end);
            if (errno || *end || !(po.until_minutes > 0)) {
                status = cli_misuse("plot", "--until takes a positive number of minutes, not '%s'", optarg);
                goto done;
            }
            break;
        }
        case 'o': po.output = optarg; break;
        case 'K': keep = true; break;
        case 'h': status = cli_usage("plot", plot_help, EXIT_OK); goto done;
        case ':':
            status = cli_misuse("plot", "option '%s' needs an argument", argv[optind - 1]);
            goto done;
        default:
            if (optopt) status = cli_misuse("plot", "unknown option '-%c'", optopt);
            else status = cli_misuse("plot", "unknown option '%s'", argv[optind - 1]);
            goto done;
        }
    }
    if (optind >= argc) {
        status = cli_misuse("plot", "missing DB");
        goto done;
    }
    if (optind + 1 < argc) {
        status = cli_misuse("plot", "unexpected argument '%s'", argv[optind + 1]);
        goto done;
    }
    if (!po.output) {
        status = cli_misuse("plot", "missing -o FILE.png or FILE.svg");
        goto done;
    }
    if (!plot_output_ok(po.output)) {
        status = cli_misuse("plot", "the output '%s' must end in .png or .svg", po.output);
        goto done;
    }
    if (ids.n && po.sweep_id) {
        status = cli_misuse("plot", "--run and --sweep do not go together");
        goto done;
    }
    if (ids.n && po.kind != PLOT_CONVERGENCE && po.kind != PLOT_UNAVAILABLE) {
        status = cli_misuse("plot", "--kind %s draws a sweep; --run is for convergence and unavailable",
                             plot_kind_name(po.kind));
        goto done;
    }
    /* before anything is read or written, as docs/cli.md says */
    if (!plot_gnuplot_found()) {
        fprintf(stderr, "daemonsim plot: gnuplot not found (apt-get install gnuplot-nox)\n");
        status = EXIT_RUNTIME;
        goto done;
    }
    const char *path = argv[optind];
    po.run_ids = ids.n ? ids.v : NULL;
    po.n_run_ids = ids.n;
    if (keep) {
        /* results/chart.png -> results/chart.plot */
        size_t n = strlen(po.output);
        keep_dir = xmalloc(n + 8);
        snprintf(keep_dir, n + 8, "%.*s.plot", (int)(n - 4), po.output);
        po.keep_dir = keep_dir;
    }

    char err[2048] = "";
    Store *s = store_open_readonly(path, err, sizeof err);
    if (!s) {
        fprintf(stderr, "daemonsim plot: %s: %s\n", path, err);
        status = EXIT_RUNTIME;
        goto done;
    }
    int rc = plot_write(s, &po, err, sizeof err);
    switch (rc) {
    case PLOT_OK:
        if (keep) fprintf(stderr, "plot: script and data kept in %s/ (gnuplot %s/plot.gp)\n",
                          keep_dir, keep_dir);
        break;
    case PLOT_EINPUT:
        fprintf(stderr, "daemonsim plot: %s: %s\n", path, err);
        status = EXIT_USAGE;
        break;
    case PLOT_ENOGNUPLOT:
        fprintf(stderr, "daemonsim plot: gnuplot not found (apt-get install gnuplot-nox)\n");
        status = EXIT_RUNTIME;
        break;
    case PLOT_EDB:
        fprintf(stderr, "daemonsim plot: %s: %s\n", path, store_errmsg(s));
        status = EXIT_RUNTIME;
        break;
    default:
        fprintf(stderr, "daemonsim plot: %s\n", err);
        status = EXIT_RUNTIME;
        break;
    }
    store_close(s);
done:
    free(keep_dir);
    VEC_FREE(ids);
    return status;
}

/* cmd_report.c: `daemonsim report DB [--run ID]... [--format table|csv|json]`,
 * and `daemonsim report DB [--run ID] [--at DUR] --get ds|pods|nodes|events [-o wide]`.
 *
 * Parses the options, opens the database read-only (a missing file is an
 * error, never created) and hands the rest to report.c. The exit status
 * follows docs/cli.md: 2 for bad usage and for a run id the database does not
 * hold, 3 when the file cannot be read as a daemonsim database or stdout
 * cannot be written. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemonsim/cli.h"
#include "daemonsim/mem.h"
#include "daemonsim/report.h"
#include "daemonsim/snapshot.h"
#include "daemonsim/units.h"

static const char report_help[] =
    "Usage: daemonsim report DB [--run ID]... [--format table|csv|json] [--sweeps]\n"
    "       daemonsim report DB [--run ID] [--at DUR] --get ds|pods|nodes|events [-o wide]\n"
    "Print the runs stored in the results database DB: scenario, seed, overrides,\n"
    "simulated and wall-clock seconds and events of each run, and for each of its\n"
    "rollouts the DaemonSet, revision, start, completion, time to converge, most\n"
    "pods unavailable at once and pod-seconds of unavailability (times in\n"
    "simulated seconds).\n\n"
    "      --run ID         only this run; repeat for several (default: every run)\n"
    "      --format FORMAT  table: aligned columns for people (default; also lists\n"
    "                       the sweeps and their points after the runs);\n"
    "                       csv: RFC 4180 with a header line, one line per rollout;\n"
    "                       json: an array of runs, each with its rollouts\n"
    "      --sweeps         the sweeps instead of the runs: a table of sweeps and\n"
    "                       one of their parameter points; in csv one line per\n"
    "                       point with its sweep's columns first; in json an array\n"
    "                       of sweeps, each with its points\n"
    "      --get KIND       the simulated cluster as `kubectl get KIND` shows it:\n"
    "                       ds, pods, nodes or events (Kubernetes Events), of\n"
    "                       one run (--run, default the newest) at one\n"
    "                       simulated time (--at, default the run's end);\n"
    "                       rebuilt from the rows a full record keeps\n"
    "      --at DUR         the simulated time for --get, e.g. 10m or 1h30m\n"
    "  -o, --output wide    with --get: more columns (pods: node, DaemonSet,\n"
    "                       revision; nodes: pool, taints)\n"
    "  -h, --help           show this help\n\n"
    "The database is only read. Exit status: 0 ok, 2 bad usage or no such run,\n"
    "3 the database cannot be read.\n";

int cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"run", required_argument, NULL, 'r'},
        {"format", required_argument, NULL, 'f'},
        {"sweeps", no_argument, NULL, 's'},
        {"get", required_argument, NULL, 'g'},
        {"at", required_argument, NULL, 'a'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    ReportOptions ro = {.format = REPORT_TABLE};
    SnapshotOptions so = {.at = INFINITY};
    bool get = false, at_given = false, wide_given = false;
    VEC(int64_t) ids = {0};
    int status = EXIT_OK, ch;
    opterr = 0;
    optind = 0; /* glibc: 0 also resets the state of an earlier parse */
    /* ':' first: a missing argument is told apart from an unknown option.
     * No '+': options may follow DB, as in the synopsis of docs/cli.md. */
    while ((ch = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
        switch (ch) {
        case 'r': {
            long id;
            if (!cli_parse_int(optarg, 1, LONG_MAX, &id)) {
                status = cli_misuse("report", "invalid run id '%s'", optarg);
                goto done;
            }
            VEC_PUSH(ids, (int64_t)id);
            break;
        }
        case 'f':
            if (!report_parse_format(optarg, &ro.format)) {
                status = cli_misuse("report", "invalid format '%s' (table, csv or json)", optarg);
                goto done;
            }
            break;
        case 's': ro.sweeps = true; break;
        case 'g':
            if (!snapshot_parse_kind(optarg, &so.kind)) {
                status = cli_misuse("report", "invalid --get '%s' (ds, pods, nodes or events)", optarg);
                goto done;
            }
            get = true;
            break;
        case 'a': {
            SimTime t;
            const char *why = units_parse_duration(optarg, &t);
            if (why || t < 0) {
                status = cli_misuse("report", "invalid --at '%s': %s", optarg,
                                    why ? why : "negative duration");
                goto done;
            }
            so.at = sim_to_seconds(t);
            at_given = true;
            break;
        }
        case 'o':
            if (strcmp(optarg, "wide") != 0) {
                status = cli_misuse("report", "invalid output '%s' (wide)", optarg);
                goto done;
            }
            so.wide = wide_given = true;
            break;
        case 'h': status = cli_usage("report", report_help, EXIT_OK); goto done;
        case ':':
            status = cli_misuse("report", "option '%s' needs an argument", argv[optind - 1]);
            goto done;
        default:
            /* a short option inside a group has not moved optind yet */
            if (optopt) status = cli_misuse("report", "unknown option '-%c'", optopt);
            else status = cli_misuse("report", "unknown option '%s'", argv[optind - 1]);
            goto done;
        }
    }
    if (optind >= argc) {
        status = cli_misuse("report", "missing DB");
        goto done;
    }
    if (optind + 1 < argc) {
        status = cli_misuse("report", "unexpected argument '%s'", argv[optind + 1]);
        goto done;
    }
    if (ro.sweeps && ids.n > 0) {
        status = cli_misuse("report", "--sweeps and --run do not go together");
        goto done;
    }
    if (!get && (at_given || wide_given)) {
        status = cli_misuse("report", "%s goes with --get", at_given ? "--at" : "-o wide");
        goto done;
    }
    if (get && (ro.sweeps || ids.n > 1)) {
        status = cli_misuse("report", "--get shows one run: %s",
                            ro.sweeps ? "not with --sweeps" : "give at most one --run");
        goto done;
    }
    const char *path = argv[optind];
    so.run_id = ids.n ? ids.v[0] : 0;
    ro.run_ids = ids.n ? ids.v : NULL;
    ro.n_run_ids = ids.n;

    char err[512] = "";
    Store *s = store_open_readonly(path, err, sizeof err);
    if (!s) {
        fprintf(stderr, "daemonsim report: %s: %s\n", path, err);
        status = EXIT_RUNTIME;
        goto done;
    }
    int rc = get ? snapshot_write(s, &so, stdout, err, sizeof err)
                 : report_write(s, &ro, stdout, err, sizeof err);
    if (rc == REPORT_ENORUN) {
        fprintf(stderr, "daemonsim report: %s: %s\n", path, err);
        status = EXIT_USAGE;
    } else if (rc != REPORT_OK) {
        fprintf(stderr, "daemonsim report: %s: %s\n", path, store_errmsg(s));
        status = EXIT_RUNTIME;
    }
    store_close(s);
    /* a full disk or a closed pipe shows only here */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "daemonsim report: write error: %s\n", strerror(errno));
        status = EXIT_RUNTIME;
    }
done:
    VEC_FREE(ids);
    return status;
}

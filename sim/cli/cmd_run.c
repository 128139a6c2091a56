/* cmd_run.c: `daemonsim run` and `daemonsim validate`. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "daemonsim/cli.h"
#include "daemonsim/run.h"
#include "daemonsim/scenario.h"

static const char run_help[] =
    "Usage: daemonsim run SCENARIO.yaml [-o DB] [--seed N] [--set KEY=VALUE]...\n"
    "                     [--until DURATION] [-q | --watch] [--check]\n"
    "                     [--record status|summary|full | --no-db]\n"
    "Simulate one scenario and append the run to a results database.\n\n"
    "  -o, --output DB      database file (default: results/<scenario name>.db);\n"
    "                       :memory: records nothing, as --no-db does\n"
    "      --record LEVEL   full (default): every pod, node and Kubernetes event;\n"
    "                       summary: runs, rollouts, sampled status, warnings,\n"
    "                       pod creations and in-place updates only (the rows\n"
    "                       every chart needs); status: the same without any\n"
    "                       pod rows\n"
    "      --no-db          record nothing: the answer is the printed table and\n"
    "                       the exit status\n"
    "      --seed N         seed for every random stream (default: spec.seed)\n"
    "      --set KEY=VALUE  override a scenario value: a path such as\n"
    "                       spec.cluster.nodePools[workers].count, or an alias:\n"
    "                       seed, nodes, maxUnavailable, maxSurge, minReadySeconds\n"
    "                       (the last three may be prefixed NAME. for one DaemonSet)\n"
    "      --until DURATION stop at this simulated time instead of spec.duration\n"
    "  -q, --quiet          no progress lines\n"
    "      --watch          every progress line, not one per 10 simulated seconds\n"
    "      --check          re-derive all incremental state after every sync (slow)\n"
    "  -h, --help           show this help\n\n"
    "Progress goes to stderr as `kubectl rollout status` lines stamped with\n"
    "simulated time; the final `kubectl get ds` table and rollout figures go to\n"
    "stdout. Exit status: 0 ok, 1 an expectation failed, 2 bad usage or input,\n"
    "3 database or I/O failure.\n";

static const char validate_help[] =
    "Usage: daemonsim validate SCENARIO.yaml [--set KEY=VALUE]...\n"
    "Check a scenario file (and the manifests and node lists it names) and print\n"
    "what it resolves to. Every variant of spec.variants is loaded too, unless\n"
    "--set strategy=... chooses one. Exit status: 0 valid, 2 invalid\n"
    "(file:line:column: message).\n";

static int ensure_results_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return 0;
    char *dir = xstrndup(path, (size_t)(slash - path));
    int rc = mkdir(dir, 0777);
    int saved = errno;
    free(dir);
    return rc == 0 || saved == EEXIST ? 0 : -1;
}

int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'}, {"seed", required_argument, NULL, 'S'},
        {"set", required_argument, NULL, 's'},    {"until", required_argument, NULL, 'u'},
        {"quiet", no_argument, NULL, 'q'},        {"watch", no_argument, NULL, 'w'},
        {"check", no_argument, NULL, 'c'},        {"help", no_argument, NULL, 'h'},
        {"record", required_argument, NULL, 'r'}, {"no-db", no_argument, NULL, 'n'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL;
    uint64_t seed = 0;
    bool has_seed = false, check = false, no_db = false;
    RecordLevel record = RECORD_FULL;
    SimTime until = 0;
    ProgressMode progress = PROGRESS_NORMAL;
    Override *ovr = NULL;
    size_t novr = 0;
    int status = EXIT_OK;
    opterr = 0;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        switch (ch) {
        case 'o': db = optarg; break;
        case 'S':
            if (!cli_parse_u64(optarg, &seed)) {
                status = cli_misuse("run", "--seed takes a non-negative integer, not '%s'", optarg);
                goto out;
            }
            has_seed = true;
            break;
        case 's':
            ovr = xrealloc(ovr, (novr + 1) * sizeof *ovr);
            if (!cli_parse_set(optarg, &ovr[novr])) {
                status = cli_misuse("run", "--set takes KEY=VALUE, not '%s'", optarg);
                goto out;
            }
            novr++;
            break;
        case 'u': {
            const char *why = units_parse_duration(optarg, &until);
            if (why || until <= 0) {
                status = cli_misuse("run", "--until takes a positive duration such as 90m, not '%s'", optarg);
                goto out;
            }
            break;
        }
        case 'q': progress = PROGRESS_QUIET; break;
        case 'w': progress = PROGRESS_WATCH; break;
        case 'c': check = true; break;
        case 'r':
            if (!run_parse_record(optarg, &record)) {
                status = cli_misuse("run", "--record takes status, summary or full, not '%s'", optarg);
                goto out;
            }
            break;
        case 'n': no_db = true; break;
        case 'h': status = cli_usage("run", run_help, EXIT_OK); goto out;
        default:
            status = cli_misuse("run", "unknown option '%s'", argv[optind - 1]);
            goto out;
        }
    }
    /* SQLite's own name for a database that vanishes on close: writing rows
     * nobody can read would only cost time, so it means the same as --no-db. */
    if (db && !strcmp(db, ":memory:")) no_db = true;
    if (no_db && db && strcmp(db, ":memory:") != 0) {
        status = cli_misuse("run", "--no-db and -o %s contradict each other", db);
        goto out;
    }
    if (optind != argc - 1) {
        status = cli_misuse("run", "%s", optind >= argc ? "missing SCENARIO file" : "more than one SCENARIO file");
        goto out;
    }

    Diag diag;
    diag_init(&diag);
    Scenario *sc = scenario_load(argv[optind], ovr, novr, &diag);
    if (!sc) {
        diag_print(&diag, stderr);
        status = EXIT_USAGE;
        goto out;
    }
    scenario_print_warnings(sc, stderr);
    char *default_db = NULL;
    if (no_db) {
        db = NULL;
    } else if (!db) {
        size_t n = strlen(sc->name) + 16;
        default_db = xmalloc(n);
        snprintf(default_db, n, "results/%s.db", sc->name);
        db = default_db;
    }
    char *params = cli_params_json(ovr, novr, has_seed, seed);
    RunOptions ro = {.scenario = sc, .seed = has_seed ? seed : sc->seed, .db_path = db,
                     .params_json = params, .until = until, .progress = progress, .check = check,
                     .record = record, .out = stdout, .err = stderr};
    RunResult res;
    char err[512] = "";
    if ((default_db && ensure_results_dir(db) != 0) || run_scenario(&ro, &res, err, sizeof err) != 0) {
        fprintf(stderr, "daemonsim run: %s: %s\n", db ? db : "(no database)", err[0] ? err : strerror(errno));
        status = EXIT_RUNTIME;
    } else {
        if (progress != PROGRESS_QUIET && !db)
            fprintf(stderr, "run (not recorded): %s simulated in %.3f s of wall time, %llu events "
                            "(at most %llu pending)%s\n",
                    sc->name, res.wall_seconds, (unsigned long long)res.events,
                    (unsigned long long)res.peak_pending, res.converged ? ", converged" : "");
        else if (progress != PROGRESS_QUIET)
            fprintf(stderr, "run %lld: %s simulated in %.3f s of wall time, %llu events "
                            "(at most %llu pending)%s\n",
                    (long long)res.run_id, sc->name, res.wall_seconds, (unsigned long long)res.events,
                    (unsigned long long)res.peak_pending, res.converged ? ", converged" : "");
        if (res.expect_failures) {
            fprintf(stderr, "%s: %u expectation(s) failed\n", sc->path, res.expect_failures);
            status = EXIT_EXPECT_FAILED;
        }
    }
    free(params);
    free(default_db);
    scenario_free(sc);
out:
    cli_free_overrides(ovr, novr);
    return status;
}

int cmd_validate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"set", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    Override *ovr = NULL;
    size_t novr = 0;
    int status = EXIT_OK;
    opterr = 0;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 's':
            ovr = xrealloc(ovr, (novr + 1) * sizeof *ovr);
            if (!cli_parse_set(optarg, &ovr[novr])) {
                status = cli_misuse("validate", "--set takes KEY=VALUE, not '%s'", optarg);
                goto out;
            }
            novr++;
            break;
        case 'h': status = cli_usage("validate", validate_help, EXIT_OK); goto out;
        default: status = cli_misuse("validate", "unknown option '%s'", argv[optind - 1]); goto out;
        }
    }
    if (optind != argc - 1) {
        status = cli_misuse("validate", "%s", optind >= argc ? "missing SCENARIO file" : "more than one SCENARIO file");
        goto out;
    }
    Diag diag;
    diag_init(&diag);
    Scenario *sc = scenario_load(argv[optind], ovr, novr, &diag);
    if (!sc) {
        diag_print(&diag, stderr);
        status = EXIT_USAGE;
        goto out;
    }
    scenario_print_warnings(sc, stderr);
    const char *bad = NULL;
    if (!scenario_check_variants(sc, ovr, novr, &diag, &bad)) {
        fprintf(stderr, "daemonsim validate: variant \"%s\" is invalid:\n", bad);
        diag_print(&diag, stderr);
        status = EXIT_USAGE;
    } else {
        scenario_print_summary(sc, stdout);
    }
    scenario_free(sc);
out:
    cli_free_overrides(ovr, novr);
    return status;
}

/* cmd_sweep.c: `daemonsim sweep`, many runs of one scenario over a grid of
 * parameter values, summarised per parameter point (docs/cli.md). The options
 * become a SweepSpec here; planning, the worker processes, the database and
 * the statistics are the sweep layer's (sim/sweep/, sweep.h). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemonsim/cli.h"
#include "daemonsim/store.h"
#include "daemonsim/sweep.h"

typedef struct {
    SweepSpec spec;
    long jobs;                  /* 0: one per core */
    const char *output;
    bool quiet;
    bool resume;                /* --resume */
    bool mpi;                   /* --mpi */
} SweepArgs;

static const char sweep_help[] =
    "Usage: daemonsim sweep SCENARIO.yaml --vary KEY=V1,V2,... [--vary ...]\n"
    "                       [--set KEY=VALUE]... [--seeds N] [-j JOBS]\n"
    "                       [--daemonset NAME] [--record LEVEL] [-q]\n"
    "                       [--shard K/N] [--resume] [--mpi] -o DB\n"
    "Run a scenario over the cartesian product of the --vary lists, --seeds times\n"
    "per parameter point, and store every run plus a summary per point in DB.\n\n"
    "      --vary KEY=V1,V2,...  values for one key; KEY is anything --set takes\n"
    "                       (seed, nodes, maxUnavailable, maxSurge, minReadySeconds,\n"
    "                       NAME.maxSurge, or a path such as spec.controlPlane.apiQps).\n"
    "                       strategy=A,B,... compares named variants of the scenario\n"
    "                       (spec.variants) or variant files, labelled by name.\n"
    "                       Values are YAML; commas inside {...}, [...] or quotes\n"
    "                       do not split. Repeat for more keys.\n"
    "      --set KEY=VALUE  a fixed override for every run\n"
    "      --seeds N        runs per point (default 10); run k of every point uses\n"
    "                       seed rng_mix(scenario seed, k): common random numbers\n"
    "  -j, --jobs JOBS      worker processes (default: the number of cores)\n"
    "      --daemonset NAME whose rollout the figures describe (default: the\n"
    "                       scenario's first DaemonSet); the last rollout counts\n"
    "      --record LEVEL   summary (default): runs, rollouts, sampled status, pod\n"
    "                       creations and in-place updates; full: also every pod\n"
    "                       and node event; status: no pod rows either (no\n"
    "                       bad-release exposure, which counts them)\n"
    "  -o, --output DB      results database (appended to; required)\n"
    "      --shard K/N      run only the K-th of N slices of the sweep's items\n"
    "                       (item j when j mod N = K - 1), for batch arrays; join\n"
    "                       the shards' databases with `daemonsim merge`\n"
    "      --resume         finish the newest sweep in DB with the same scenario and\n"
    "                       arguments: run only the items it lacks\n"
    "      --mpi            under mpirun: rank 0 hands out items and writes DB, the\n"
    "                       other ranks run them (-j is ignored)\n"
    "  -q, --quiet          no progress on stderr\n"
    "  -h, --help           show this help\n\n"
    "A point with maxSurge > 0 whose maxUnavailable is not varied gets\n"
    "maxUnavailable 0; a point that validation still rejects (both zero or both\n"
    "non-zero) is reported and skipped. Per point the summary holds n, runs not\n"
    "converged, and mean, stddev, 95% confidence interval, p50/p90/p99 of the\n"
    "time to converge (converged runs only), the peak of unavailable pods, the\n"
    "unavailable pod-seconds and, for a bad release, the nodes exposed to it. A\n"
    "table of the points goes to stdout.\n\n"
    "Each run is stored as soon as it and every earlier item are done, in its\n"
    "own transaction: DB can be read while the sweep runs, and whatever stops\n"
    "the sweep (Ctrl-C, kill -9, a dead worker or rank) loses no stored run;\n"
    "--resume then completes it, and the result is the same, row for row, as\n"
    "an uninterrupted sweep's with any -j, any number of ranks or shards.\n"
    "Ctrl-C stops the workers and marks the sweep interrupted (exit 130).\n"
    "Exit status: 0 ok, 2 bad usage or input (or nothing to resume), 3 database\n"
    "or I/O failure or runs lost (a worker died).\n";

/* ---- option values ------------------------------------------------------------------ */

static char *trim_dup(const char *s, size_t n)
{
    while (n > 0 && (*s == ' ' || *s == '\t')) s++, n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    return xstrndup(s, n);
}

/* KEY=V1,V2,...: commas split only outside brackets and quotes, so a YAML
 * flow value such as {dist: constant, value: 1s} stays whole. */
static const char *parse_vary(const char *arg, SweepVary *out)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) return "takes KEY=V1,V2,...";
    out->key = trim_dup(arg, (size_t)(eq - arg));
    VEC(char *) vals = {0};
    int depth = 0;
    char quote = 0;
    const char *start = eq + 1;
    for (const char *p = start;; p++) {
        if (quote) {
            if (*p == '\0') break;
            if (*p == quote) quote = 0;
            continue;
        }
        if (*p == '"' || *p == '\'') quote = *p;
        else if (*p == '{' || *p == '[') depth++;
        else if ((*p == '}' || *p == ']') && depth > 0) depth--;
        else if (*p == '\0' || (*p == ',' && depth == 0)) {
            VEC_PUSH(vals, trim_dup(start, (size_t)(p - start)));
            if (*p == '\0') break;
            start = p + 1;
        }
    }
    out->values = vals.v;
    out->nvalues = vals.n;
    if (quote) return "has an unterminated quote";
    for (size_t i = 0; i < vals.n; i++)
        if (!vals.v[i][0]) return "has an empty value";
    return NULL;
}

/* K/N, both whole numbers, 1 <= K <= N. */
static bool parse_shard(const char *arg, SweepSpec *spec)
{
    const char *slash = strchr(arg, '/');
    if (!slash) return false;
    char k[32];
    long kv, nv;
    if ((size_t)(slash - arg) >= sizeof k) return false;
    snprintf(k, sizeof k, "%.*s", (int)(slash - arg), arg);
    if (!cli_parse_int(k, 1, 1000000, &kv) || !cli_parse_int(slash + 1, 1, 1000000, &nv) || kv > nv)
        return false;
    spec->shard = (uint32_t)kv;
    spec->nshards = (uint32_t)nv;
    return true;
}

/* ---- the command ------------------------------------------------------------------- */

static int parse_args(int argc, char **argv, SweepArgs *a, const char **scenario)
{
    static const struct option opts[] = {
        {"vary", required_argument, NULL, 'v'},   {"set", required_argument, NULL, 's'},
        {"seeds", required_argument, NULL, 'n'},  {"jobs", required_argument, NULL, 'j'},
        {"daemonset", required_argument, NULL, 'd'}, {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
        {"record", required_argument, NULL, 'r'}, {"shard", required_argument, NULL, 'S'},
        {"resume", no_argument, NULL, 'R'},       {"mpi", no_argument, NULL, 'M'},
        {NULL, 0, NULL, 0},
    };
    a->spec.seeds = 10;
    opterr = 0;
    optind = 0; /* glibc: 0 also resets the state of an earlier parse */
    int ch;
    while ((ch = getopt_long(argc, argv, ":o:j:qh", opts, NULL)) != -1) {
        switch (ch) {
        case 'v': {
            SweepVary v = {0};
            const char *why = parse_vary(optarg, &v);
            bool dup = false;
            for (size_t i = 0; !why && i < a->spec.vary.n; i++) dup |= !strcmp(a->spec.vary.v[i].key, v.key);
            if (why || dup) {
                int rc = dup ? cli_misuse("sweep", "--vary %s is given twice", v.key)
                             : cli_misuse("sweep", "--vary %s, not '%s'", why, optarg);
                sweep_vary_free(&v);
                return rc;
            }
            VEC_PUSH(a->spec.vary, v);
            break;
        }
        case 's': {
            Override o;
            if (!cli_parse_set(optarg, &o)) return cli_misuse("sweep", "--set takes KEY=VALUE, not '%s'", optarg);
            VEC_PUSH(a->spec.set, o);
            break;
        }
        case 'n':
            if (!cli_parse_u64(optarg, &a->spec.seeds) || a->spec.seeds == 0 || a->spec.seeds > 1000000)
                return cli_misuse("sweep", "--seeds takes a whole number from 1 to 1000000, not '%s'", optarg);
            break;
        case 'j':
            if (!cli_parse_int(optarg, 1, 1024, &a->jobs))
                return cli_misuse("sweep", "-j takes a whole number from 1 to 1024, not '%s'", optarg);
            break;
        case 'd': a->spec.daemonset = optarg; break;
        case 'r':
            if (!run_parse_record(optarg, &a->spec.record))
                return cli_misuse("sweep", "--record takes status, summary or full, not '%s'", optarg);
            break;
        case 'S':
            if (!parse_shard(optarg, &a->spec))
                return cli_misuse("sweep", "--shard takes K/N with 1 <= K <= N <= 1000000, not '%s'",
                                  optarg);
            break;
        case 'R': a->resume = true; break;
        case 'M': a->mpi = true; break;
        case 'o': a->output = optarg; break;
        case 'q': a->quiet = true; break;
        case 'h': return -1;
        case ':': return cli_misuse("sweep", "option '%s' needs an argument", argv[optind - 1]);
        default:
            if (optopt) return cli_misuse("sweep", "unknown option '-%c'", optopt);
            return cli_misuse("sweep", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) return cli_misuse("sweep", "missing SCENARIO file");
    if (optind + 1 < argc) return cli_misuse("sweep", "unexpected argument '%s'", argv[optind + 1]);
    if (!a->output) return cli_misuse("sweep", "missing -o DB (the results database)");
    for (size_t i = 0; i < a->spec.set.n; i++)
        for (size_t k = 0; k < a->spec.vary.n; k++)
            if (!strcmp(a->spec.set.v[i].key, a->spec.vary.v[k].key))
                return cli_misuse("sweep", "%s is both --set and --vary", a->spec.vary.v[k].key);
    *scenario = argv[optind];
    return 0;
}

int cmd_sweep(int argc, char **argv)
{
    SweepArgs a = {.spec.record = RECORD_SUMMARY};
    SweepPlan plan = {.err = stderr};
    const char *path = NULL;
    int rank = 0;
    FILE *quiet_err = NULL;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double wall_start = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;

    int status = parse_args(argc, argv, &a, &path);
    if (status < 0) {
        status = cli_usage("sweep", sweep_help, EXIT_OK);
        goto out;
    }
    if (status != 0) goto out;
    if (a.mpi) {
        char why[256];
        if (sweep_mpi_init(&rank, why, sizeof why) < 0) {
            a.mpi = false;
            status = cli_misuse("sweep", "--mpi: %s", why);
            goto out;
        }
        /* every rank plans the same sweep; only rank 0 speaks */
        if (rank != 0) plan.err = quiet_err = fopen("/dev/null", "w");
    }
    switch (sweep_plan(path, &a.spec, &plan)) {
    case SWEEP_PLAN_OK: break;
    case SWEEP_PLAN_INVALID: status = EXIT_USAGE; goto out;
    case SWEEP_PLAN_TOO_MANY_POINTS:
        status = cli_misuse("sweep", "more than %d parameter points; split the sweep",
                            SWEEP_MAX_POINTS);
        goto out;
    case SWEEP_PLAN_TOO_MANY_RUNS:
        status = cli_misuse("sweep", "more than %d runs; split the sweep", SWEEP_MAX_RUNS);
        goto out;
    }

    if (rank != 0) {
        status = sweep_mpi_work(&plan);
        goto out;
    }
    char err[512] = "";
    SweepSink sink;
    SweepSinkStatus opened = sweep_sink_open(&sink, &a.spec, &plan, a.output, a.resume, err,
                                             sizeof err);
    if (opened != SWEEP_SINK_OK && a.mpi) sweep_mpi_release(&plan);
    switch (opened) {
    case SWEEP_SINK_OK: break;
    case SWEEP_SINK_NO_SWEEP:
        fprintf(stderr, "daemonsim sweep: %s: %s\n", a.output, err);
        status = EXIT_USAGE;
        goto out;
    case SWEEP_SINK_FAILED:
        fprintf(stderr, "daemonsim sweep: %s: %s\n", a.output, err);
        status = EXIT_RUNTIME;
        goto out;
    }

    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    long jobs = a.jobs ? a.jobs : (cores > 0 ? cores : 1);
    jobs = DS_MIN(jobs, (long)plan.npending);
    plan.nworkers = (int)DS_MAX(jobs, 1);
    plan.progress = !a.quiet;
    plan.tty = isatty(fileno(stderr));
    if (plan.progress) {
        fprintf(stderr, "sweep: %zu points (%zu skipped) x %llu seeds = %zu runs", plan.nvalid,
                plan.npoints - plan.nvalid, (unsigned long long)a.spec.seeds, plan.njobs);
        if (a.spec.nshards)
            fprintf(stderr, ", shard %u/%u", a.spec.shard, a.spec.nshards);
        if (sink.resumed)
            fprintf(stderr, ", %zu stored before", sink.resumed);
        if (a.mpi) fprintf(stderr, ", %zu to run on %d MPI ranks\n", plan.npending, sweep_mpi_size());
        else fprintf(stderr, " on %d workers\n", plan.nworkers);
    }

    SweepOutcome oc;
    if (a.mpi) sweep_mpi_serve(&plan, &sink, &oc);
    else sweep_pool_run(&plan, &sink, &oc);

    size_t stored = 0, lost = 0, failed = 0, expect_failed = 0, mine = 0;
    for (size_t j = 0; j < plan.njobs; j++) {
        JobState st = plan.jobs[j].state;
        stored += st == JOB_STORED;
        mine += st != JOB_ELSEWHERE;
        lost += st == JOB_LOST;
        failed += st == JOB_FAILED;
        expect_failed += st == JOB_STORED && plan.jobs[j].expect_failures > 0;
    }
    int rc = sweep_sink_finish(&sink, &plan, &oc, wall_start, err, sizeof err);
    if (sink.failed)
        fprintf(stderr, "daemonsim sweep: %s: %s (finished runs not yet stored are kept for "
                        "--resume)\n", a.output, sink.error);
    if (rc < 0) {
        fprintf(stderr, "daemonsim sweep: %s: %s (the runs stored so far are kept)\n", a.output,
                err);
        status = EXIT_RUNTIME;
        goto out;
    }
    sweep_print_table(stdout, &a.spec, &plan);
    if (failed)
        fprintf(stderr, "daemonsim sweep: %zu run(s) failed: %s\n", failed, oc.first_error);
    if (lost && !oc.interrupted)
        fprintf(stderr, "daemonsim sweep: %zu run(s) missing (their worker died); the others are kept\n",
                lost);
    if (expect_failed)
        fprintf(stderr, "sweep: %zu of %zu runs failed the scenario's expect: checks "
                        "(run.expect_failures)\n",
                expect_failed, stored);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    fprintf(stderr, "sweep %lld%s: %zu of %zu runs stored in %s, %.1f s\n", (long long)sink.sweep_id,
            oc.interrupted ? " (interrupted)" : "", stored, mine, a.output,
            (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9 - wall_start);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "daemonsim sweep: write error: %s\n", strerror(errno));
        status = EXIT_RUNTIME;
    } else if (oc.interrupted) {
        status = EXIT_INTERRUPTED;
    } else if (lost || failed || sink.failed) {
        status = EXIT_RUNTIME;
    }
out:
    sweep_plan_free(&plan);
    sweep_spec_free(&a.spec);
    if (a.mpi) status = sweep_mpi_end(rank, status);
    if (quiet_err) fclose(quiet_err);
    return status;
}

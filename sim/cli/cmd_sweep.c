/* cmd_sweep.c: `daemonsim sweep`, many runs of one scenario over a grid of
 * parameter values, summarised per parameter point (SPEC.md §2). The options
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
} SweepArgs;

static const char sweep_help[] =
    "Usage: daemonsim sweep SCENARIO.yaml --vary KEY=V1,V2,... [--vary ...]\n"
    "                       [--set KEY=VALUE]... [--seeds N] [-j JOBS]\n"
    "                       [--daemonset NAME] [--record summary|full] [-q] -o DB\n"
    "Run a scenario over the cartesian product of the --vary lists, --seeds times\n"
    "per parameter point, and store every run plus a summary per point in DB.\n\n"
    "      --vary KEY=V1,V2,...  values for one key; KEY is anything --set takes\n"
    "                       (seed, nodes, maxUnavailable, maxSurge, minReadySeconds,\n"
    "                       NAME.maxSurge, or a path such as spec.controlPlane.apiQps).\n"
    "                       Values are YAML; commas inside {...}, [...] or quotes\n"
    "                       do not split. Repeat for more keys.\n"
    "      --set KEY=VALUE  a fixed override for every run\n"
    "      --seeds N        runs per point (default 10); run k of every point uses\n"
    "                       seed rng_mix(scenario seed, k): common random numbers\n"
    "  -j, --jobs JOBS      worker processes (default: the number of cores; at\n"
    "                       most " DS_STR(STORE_MERGE_MAX) ", the databases SQLite can merge at once)\n"
    "      --daemonset NAME whose rollout the figures describe (default: the\n"
    "                       scenario's first DaemonSet); the last rollout counts\n"
    "      --record LEVEL   summary (default): runs, rollouts, sampled status and\n"
    "                       pod creations; full: also every pod and node event\n"
    "  -o, --output DB      results database (appended to; required)\n"
    "  -q, --quiet          no progress on stderr\n"
    "  -h, --help           show this help\n\n"
    "A point with maxSurge > 0 whose maxUnavailable is not varied gets\n"
    "maxUnavailable 0; a point that validation still rejects (both zero or both\n"
    "non-zero) is reported and skipped. Per point the summary holds n, runs not\n"
    "converged, and mean, stddev, 95% confidence interval, p50/p90/p99 of the\n"
    "time to converge (converged runs only), the peak of unavailable pods, the\n"
    "unavailable pod-seconds and, for a bad release, the nodes exposed to it. A\n"
    "table of the points goes to stdout.\n\n"
    "Ctrl-C stops the workers; the runs already finished are kept and the sweep\n"
    "is marked interrupted (exit 130). Exit status: 0 ok, 2 bad usage or input,\n"
    "3 database or I/O failure or runs lost (a worker died).\n";

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

/* ---- the command ------------------------------------------------------------------- */

static int parse_args(int argc, char **argv, SweepArgs *a, const char **scenario)
{
    static const struct option opts[] = {
        {"vary", required_argument, NULL, 'v'},   {"set", required_argument, NULL, 's'},
        {"seeds", required_argument, NULL, 'n'},  {"jobs", required_argument, NULL, 'j'},
        {"daemonset", required_argument, NULL, 'd'}, {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
        {"record", required_argument, NULL, 'r'},
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
            if (strcmp(optarg, "summary") && strcmp(optarg, "full"))
                return cli_misuse("sweep", "--record takes summary or full, not '%s'", optarg);
            a->spec.record_full = !strcmp(optarg, "full");
            break;
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
    SweepArgs a = {0};
    SweepPlan plan = {.err = stderr};
    const char *path = NULL;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double wall_start = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;

    int status = parse_args(argc, argv, &a, &path);
    if (status < 0) {
        status = cli_usage("sweep", sweep_help, EXIT_OK);
        goto out;
    }
    if (status != 0) goto out;
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

    /* Fail on an unusable output before running anything; the handle is
     * closed again so that no connection crosses fork(). */
    char err[512] = "";
    Store *probe = store_open(a.output, err, sizeof err);
    if (!probe) {
        fprintf(stderr, "daemonsim sweep: %s: %s\n", a.output, err);
        status = EXIT_RUNTIME;
        goto out;
    }
    store_close(probe);

    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    long jobs = a.jobs ? a.jobs : (cores > 0 ? cores : 1);
    jobs = DS_MIN(jobs, STORE_MERGE_MAX);
    jobs = DS_MIN(jobs, (long)plan.njobs);
    plan.nworkers = (int)jobs;
    plan.worker_db = xcalloc((size_t)jobs, sizeof *plan.worker_db);
    for (int w = 0; w < plan.nworkers; w++) {
        size_t n = strlen(a.output) + 64;
        plan.worker_db[w] = xmalloc(n);
        snprintf(plan.worker_db[w], n, "%s.sweep-%ld-%d", a.output, (long)getpid(), w + 1);
        sweep_remove_db(plan.worker_db[w]);
    }
    plan.progress = !a.quiet;
    plan.tty = isatty(fileno(stderr));
    if (plan.progress)
        fprintf(stderr, "sweep: %zu points (%zu skipped) x %llu seeds = %zu runs on %d workers\n",
                plan.nvalid, plan.npoints - plan.nvalid, (unsigned long long)a.spec.seeds, plan.njobs,
                plan.nworkers);

    SweepOutcome oc;
    sweep_pool_run(&plan, &oc);

    size_t done = 0, lost = 0, failed = 0, expect_failed = 0;
    for (size_t j = 0; j < plan.njobs; j++) {
        done += plan.jobs[j].state == JOB_DONE;
        lost += plan.jobs[j].state == JOB_LOST;
        failed += plan.jobs[j].state == JOB_FAILED;
        expect_failed += plan.jobs[j].state == JOB_DONE && plan.jobs[j].expect_failures > 0;
    }
    if (plan.progress && done > 0)
        fprintf(stderr, "sweep: merging %zu runs into %s\n", done, a.output);
    int64_t sweep_id = 0;
    int rc = sweep_store(&a.spec, &plan, &oc, a.output, wall_start, &sweep_id, err, sizeof err);
    for (int w = 0; w < plan.nworkers; w++) sweep_remove_db(plan.worker_db[w]);
    if (rc < 0) {
        fprintf(stderr, "daemonsim sweep: %s: %s (nothing of the sweep was kept)\n", a.output, err);
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
                expect_failed, done);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    fprintf(stderr, "sweep %lld%s: %zu of %zu runs stored in %s, %.1f s\n", (long long)sweep_id,
            oc.interrupted ? " (interrupted)" : "", done, plan.njobs, a.output,
            (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9 - wall_start);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "daemonsim sweep: write error: %s\n", strerror(errno));
        status = EXIT_RUNTIME;
    } else if (oc.interrupted) {
        status = EXIT_INTERRUPTED;
    } else if (lost || failed) {
        status = EXIT_RUNTIME;
    }
out:
    sweep_plan_free(&plan);
    sweep_spec_free(&a.spec);
    return status;
}

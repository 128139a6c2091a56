/* cmd_test.c: `daemonsim test`, scenario files and their expect: blocks as
 * a test suite for CI.
 *
 * The files are collected and sorted first; they then run in parallel
 * (test_pool.c) but their lines are printed in the sorted order, each as
 * soon as every file before it has finished, so the output is the same for
 * any -j. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemonsim/cli.h"
#include "daemonsim/units.h"
#include "test_int.h"

static const char test_help[] =
    "Usage: daemonsim test PATH... [-j N] [--junit FILE] [-o DB] [--set KEY=VALUE]...\n"
    "                      [--check]\n"
    "Run scenario files with their expect: blocks as a test suite: each file\n"
    "given, and every *.yaml under each folder given (recursively, skipping files\n"
    "of another kind such as the manifests scenarios name), in sorted order.\n\n"
    "  -j, --jobs N         files run at once, each in a process of its own\n"
    "                       (default: the number of cores)\n"
    "      --junit FILE     also write a JUnit XML report (one testcase per file, one\n"
    "                       failure per failed expectation) for GitLab, GitHub or\n"
    "                       Jenkins\n"
    "  -o, --output DB      append every run to DB; the runs are then written one\n"
    "                       at a time, in the sorted order (default: no database)\n"
    "      --set KEY=VALUE  override a value in every file, as `run --set` does\n"
    "      --check          re-derive all incremental state after every sync (slow)\n"
    "  -h, --help           show this help\n\n"
    "One line per file on stdout: PASS, FAIL (followed by the failed expectations)\n"
    "or ERROR (followed by the file:line:column message), with the simulated and\n"
    "wall-clock time of its run; a file without expect: passes when it runs\n"
    "cleanly. Then a summary: N passed, N failed, and N errors when there are\n"
    "any. Exit status: 0 every file passed, 1 an expectation failed, 2 bad usage\n"
    "or an invalid file (the other files still run), 3 database or I/O failure.\n";

typedef VEC(char *) PathVec;

static bool has_yaml_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".yaml") == 0;
}

/* Every scenario *.yaml under dir. Hidden entries and symbolic links to
 * folders are skipped, so a link cannot make the walk loop, and so are the
 * manifests and node lists that scenarios keep beside them. */
static void collect_dir(const char *dir, PathVec *out)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *path = xmalloc(n);
        snprintf(path, n, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
        struct stat st, lst;
        if (lstat(path, &lst) == 0 && S_ISDIR(lst.st_mode)) {
            collect_dir(path, out);
        } else if (has_yaml_suffix(e->d_name) && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
                   !scenario_file_is_other_kind(path)) {
            VEC_PUSH(*out, path);
            continue;
        }
        free(path);
    }
    closedir(d);
}

static int compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A path that is not a folder is taken as a file, even a missing one: its
 * load then reports it like any other bad input. */
static bool collect(char **args, int nargs, PathVec *out)
{
    for (int i = 0; i < nargs; i++) {
        struct stat st;
        if (stat(args[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            size_t before = out->n;
            collect_dir(args[i], out);
            if (out->n == before) {
                cli_misuse("test", "no scenario *.yaml files under '%s'", args[i]);
                return false;
            }
        } else {
            VEC_PUSH(*out, xstrdup(args[i]));
        }
    }
    qsort(out->v, out->n, sizeof *out->v, compare_paths);
    size_t k = 0;
    for (size_t i = 0; i < out->n; i++) {
        if (k > 0 && strcmp(out->v[k - 1], out->v[i]) == 0) free(out->v[i]);
        else out->v[k++] = out->v[i];
    }
    out->n = k;
    return true;
}

/* ---- the report -------------------------------------------------------------------- */

typedef struct {
    TestCase *cases;
    size_t n;
    bool *finished;
    size_t printed;             /* cases printed so far, in order */
    FILE *out;
} Report;

static void print_indented(FILE *out, const char *text)
{
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        fprintf(out, "    %.*s\n", (int)len, p);
        p += len + (nl ? 1 : 0);
    }
}

static void print_case(FILE *out, const TestCase *tc)
{
    static const char *const word[] = {
        [TEST_PASS] = "PASS", [TEST_FAIL] = "FAIL", [TEST_INVALID] = "ERROR", [TEST_RUNTIME] = "ERROR"};
    if (tc->outcome == TEST_INVALID || tc->outcome == TEST_RUNTIME) {
        fprintf(out, "%-5s %s\n", word[tc->outcome], tc->path);
        print_indented(out, tc->error);
        return;
    }
    char sim[64];
    units_format_duration(tc->end, sim, sizeof sim);
    fprintf(out, "%-5s %s (%s; sim %s, wall %.3f s)%s\n", word[tc->outcome], tc->path,
            tc->name, sim, tc->wall, tc->has_expects ? "" : ": no expect: block, ran cleanly");
    for (size_t i = 0; i < tc->failures.n; i++) {
        const JunitFailure *f = &tc->failures.v[i];
        char when[64];
        units_format_duration(f->t, when, sizeof when);
        fprintf(out, "    at %s: %s\n", when, f->message);
    }
    if (tc->failed_checks > tc->failures.n)
        fprintf(out, "    and %u more expectation failures\n", tc->failed_checks - (uint32_t)tc->failures.n);
}

static void on_done(void *ctx, size_t i)
{
    Report *r = ctx;
    r->finished[i] = true;
    while (r->printed < r->n && r->finished[r->printed]) print_case(r->out, &r->cases[r->printed++]);
    fflush(r->out);
}

/* classname: the folder, dotted ("tests/scenarios" -> "tests.scenarios");
 * name: the file name without .yaml. */
static void case_names(const char *path, char **classname, char **name)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t len = strlen(base);
    if (has_yaml_suffix(base)) len -= 5;
    *name = xstrndup(base, len);
    const char *dir = path;
    while (*dir == '/' || (dir[0] == '.' && dir[1] == '/')) dir += *dir == '/' ? 1 : 2;
    char *cls = slash && slash > dir ? xstrndup(dir, (size_t)(slash - dir)) : xstrdup("scenarios");
    for (char *p = cls; *p; p++)
        if (*p == '/') *p = '.';
    *classname = cls;
}

static int write_junit(const char *file, const TestCase *cases, size_t n)
{
    JunitCase *jc = xcalloc(n ? n : 1, sizeof *jc);
    char **owned = xcalloc(2 * n + 1, sizeof *owned);
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        const TestCase *tc = &cases[i];
        char *cls, *name;
        case_names(tc->path, &cls, &name);
        owned[2 * i] = cls;
        owned[2 * i + 1] = name;
        bool error = tc->outcome == TEST_INVALID || tc->outcome == TEST_RUNTIME;
        jc[i] = (JunitCase){.classname = cls, .name = name, .seconds = tc->wall,
                            .failures = tc->failures.v, .nfailures = error ? 0 : tc->failures.n,
                            .unlisted = error ? 0 : tc->failed_checks - (uint32_t)tc->failures.n,
                            .error = error ? tc->error : NULL,
                            .error_type = tc->outcome == TEST_INVALID ? "invalid" : "runtime"};
        total += tc->wall;
    }
    int rc = -1;
    FILE *f = fopen(file, "w");
    if (f) {
        rc = junit_write(f, "daemonsim test", jc, n, total);
        if (fclose(f) != 0) rc = -1;
    }
    if (rc != 0) fprintf(stderr, "daemonsim test: %s: %s\n", file, strerror(errno));
    for (size_t i = 0; i < 2 * n; i++) free(owned[i]);
    free(owned);
    free(jc);
    return rc;
}

static int summarize(FILE *out, const TestCase *cases, size_t n)
{
    size_t passed = 0, failed = 0, errors = 0;
    int status = EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        switch (cases[i].outcome) {
        case TEST_PASS: passed++; break;
        case TEST_FAIL:
            failed++;
            if (status == EXIT_OK) status = EXIT_EXPECT_FAILED;
            break;
        case TEST_INVALID:
            errors++;
            if (status != EXIT_RUNTIME) status = EXIT_USAGE;
            break;
        case TEST_RUNTIME:
            errors++;
            status = EXIT_RUNTIME;
            break;
        }
    }
    fprintf(out, "%zu passed, %zu failed", passed, failed);
    if (errors) fprintf(out, ", %zu errors", errors);
    fputc('\n', out);
    return status;
}

int cmd_test(int argc, char **argv)
{
    static const struct option opts[] = {
        {"jobs", required_argument, NULL, 'j'},   {"junit", required_argument, NULL, 'J'},
        {"output", required_argument, NULL, 'o'}, {"set", required_argument, NULL, 's'},
        {"check", no_argument, NULL, 'c'},        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    TestSetup setup = {0};
    Override *ovr = NULL;
    size_t novr = 0;
    const char *junit = NULL;
    long jobs = 0;
    PathVec paths = {0};
    int status = EXIT_OK;
    opterr = 0;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, "j:o:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'j':
            if (!cli_parse_int(optarg, 1, 1024, &jobs)) {
                status = cli_misuse("test", "-j takes a number from 1 to 1024, not '%s'", optarg);
                goto out;
            }
            break;
        case 'J': junit = optarg; break;
        case 'o': setup.db = optarg; break;
        case 's':
            ovr = xrealloc(ovr, (novr + 1) * sizeof *ovr);
            if (!cli_parse_set(optarg, &ovr[novr])) {
                status = cli_misuse("test", "--set takes KEY=VALUE, not '%s'", optarg);
                goto out;
            }
            novr++;
            break;
        case 'c': setup.check = true; break;
        case 'h': status = cli_usage("test", test_help, EXIT_OK); goto out;
        default: status = cli_misuse("test", "unknown option '%s'", argv[optind - 1]); goto out;
        }
    }
    if (optind >= argc) {
        status = cli_misuse("test", "missing PATH (a scenario file or a folder of them)");
        goto out;
    }
    if (!collect(argv + optind, argc - optind, &paths)) {
        status = EXIT_USAGE;
        goto out;
    }
    setup.ovr = ovr;
    setup.novr = novr;
    if (jobs == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = cores > 0 ? cores : 1;
    }
    /* one writer at a time keeps run ids in file order, whatever -j says */
    if (setup.db || (size_t)jobs > paths.n) jobs = setup.db ? 1 : (long)paths.n;

    TestCase *cases = xcalloc(paths.n, sizeof *cases);
    Report rep = {.cases = cases, .n = paths.n, .finished = xcalloc(paths.n, sizeof(bool)), .out = stdout};
    for (size_t i = 0; i < paths.n; i++) cases[i].path = paths.v[i];
    test_pool_run(&setup, cases, paths.n, (int)jobs, on_done, &rep);
    status = summarize(stdout, cases, paths.n);
    if (junit && write_junit(junit, cases, paths.n) != 0) status = EXIT_RUNTIME;
    for (size_t i = 0; i < paths.n; i++) {
        free(cases[i].name);
        free(cases[i].error);
        free(cases[i].buf);
        VEC_FREE(cases[i].failures);
    }
    free(rep.finished);
    free(cases);
out:
    for (size_t i = 0; i < paths.n; i++) free(paths.v[i]);
    VEC_FREE(paths);
    cli_free_overrides(ovr, novr);
    return status;
}

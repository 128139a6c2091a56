/* link: ds_cli */
/* test_report.c: `daemonsim report` on a database built here through
 * store.h. The three formats are compared byte for byte (they are what
 * golden tests and scripts read), CSV quoting and JSON escaping get awkward
 * names on purpose, every JSON output goes through a small validator, and
 * cmd_report's exit codes and messages are checked as a user meets them. */
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemonsim/cli.h"
#include "daemonsim/report.h"
#include "harness.h"

static char db_path[512];
static char *cmd_out, *cmd_err;     /* what the last run_report wrote */


/* Three runs (one with awkward names, one with nothing but a run row) and
 * a two-point sweep. */
static int build_db(void)
{
    char err[256];
    Store *s = store_open(db_path, err, sizeof err);
    if (!s) return -1;
    int64_t id;
    int rc = 0;
    StoreRunInfo a = {.scenario = "rollout-demo", .seed = 42, .params = "{\"maxUnavailable\": 2}",
                      .version = "test"};
    rc |= store_run_begin(s, &a, &id);
    StoreRollout done = {.daemonset = "fluentd", .revision = 2, .started = 600,
                         .completed = 4023.5125, .max_unavailable = 2,
                         .unavailable_pod_seconds = 12345.625};
    StoreRollout open = {.daemonset = "node-exporter", .revision = 1, .started = 0,
                         .completed = -1, .max_unavailable = 10, .unavailable_pod_seconds = 0.1};
    rc |= store_rollout(s, &done);
    rc |= store_rollout(s, &open);
    /* a rollout plan's transitions: the report shows each plan's last */
    rc |= store_plan_event(s, 600, "fluentd", 1, "StepUpgrade", "partition 9");
    rc |= store_plan_event(s, 900, "fluentd", 1, "StepPaused", "pause 5m0s");
    rc |= store_plan_event(s, 0, "node-exporter", 0, "Started", NULL);
    rc |= store_run_commit(s, &(StoreRunEnd){.sim_seconds = 4100.25, .wall_seconds = 0.5,
                                             .events = 123456});

    StoreRunInfo b = {.scenario = "odd, \"name\" \xc3\xbc", .seed = UINT64_MAX,
                      .params = "{\"note\": \"a \\\"b\\\"\\nc\"}", .version = "test"};
    rc |= store_run_begin(s, &b, &id);
    StoreRollout odd = {.daemonset = "ds,with\"quote", .revision = 3, .started = 0.1,
                        .completed = 0.30000000000000004, .max_unavailable = 0,
                        .unavailable_pod_seconds = 0};
    rc |= store_rollout(s, &odd);
    rc |= store_run_commit(s, &(StoreRunEnd){.sim_seconds = 1, .wall_seconds = 0.001, .events = 7});

    StoreRunInfo c = {.scenario = "bad\x01\xff", .seed = 0, .params = NULL, .version = "test"};
    rc |= store_run_begin(s, &c, &id);
    rc |= store_run_commit(s, &(StoreRunEnd){0});

    int64_t sweep;
    StoreSweepInfo si = {.scenario = "rollout-demo", .seeds = 3, .daemonset = "fluentd",
                         .params = "{\"vary\": [{\"key\": \"maxUnavailable\", \"values\": [1, 2]}]}"};
    rc |= store_sweep_begin(s, &si, &sweep);
    for (int p = 0; p < 2; p++) {
        StoreSweepPoint pt = {
            .sweep_id = sweep, .point = p,
            .params = p ? "{\"maxUnavailable\": 2}" : "{\"maxUnavailable\": 1}",
            .n = 3, .n_converged = 3 - p,
            .converge = {1000.0 / (p + 1), 10, 24.84, 990, 1010, 1020},
            .peak_unavailable = {p + 1, 0, 0, p + 1, p + 1, p + 1},
            .unavailable_pod_seconds = {500, NAN, NAN, 500, 500, 500},
            .has_exposure = p == 1,
            .exposure = {12.5, 1.5, 3.75, 12, 14, 14.5},
        };
        rc |= store_sweep_point(s, &pt);
    }
    rc |= store_sweep_commit(s);
    if (rc) fprintf(stderr, "build_db: %s\n", store_errmsg(s));
    store_close(s);
    return rc ? -1 : 0;
}

static int suite_init(void)
{
    if (suite_setup() != 0) return -1;
    snprintf(db_path, sizeof db_path, "%s/results.db", tmpdir);
    return build_db();
}

static int suite_clean(void)
{
    free(cmd_out);
    free(cmd_err);
    return suite_teardown();
}

/* The report as a string (malloc'd); NULL on failure, with rc set. */
static char *render(const ReportOptions *opt, int *rc, char *err, size_t errlen)
{
    char dberr[256];
    Store *s = store_open_readonly(db_path, dberr, sizeof dberr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    *rc = report_write(s, opt, out, err, errlen);
    fclose(out);
    store_close(s);
    return text;
}

static char *render_ok(ReportFormat format, bool sweeps)
{
    ReportOptions opt = {.format = format, .sweeps = sweeps};
    char err[256] = "";
    int rc;
    char *text = render(&opt, &rc, err, sizeof err);
    EXPECT_EQ_I64(rc, REPORT_OK);
    return text;
}

/* ---- a minimal JSON validator (RFC 8259 grammar, no semantics) ---- */

static const char *js_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    return p;
}

static const char *js_value(const char *p, int depth);

static const char *js_string(const char *p)
{
    if (*p++ != '"') return NULL;
    while (*p != '"') {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20) return NULL;
        if (c == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i]) return NULL;
                p += 5;
                continue;
            }
            if (!*p || !strchr("\"\\/bfnrt", *p)) return NULL;
        } else if (c >= 0x80) {
            /* UTF-8 lead byte followed by the right number of continuations */
            int n = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
            if (n < 0 || c < 0xC2) return NULL;
            for (int i = 1; i <= n; i++)
                if (((unsigned char)p[i] & 0xC0) != 0x80) return NULL;
            p += n;
        }
        p++;
    }
    return p + 1;
}

static const char *js_number(const char *p)
{
    if (*p == '-') p++;
    if (*p == '0') p++;
    else if (*p >= '1' && *p <= '9') while (*p >= '0' && *p <= '9') p++;
    else return NULL;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9')) return NULL;
        while (*p >= '0' && *p <= '9') p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (!(*p >= '0' && *p <= '9')) return NULL;
        while (*p >= '0' && *p <= '9') p++;
    }
    return p;
}

static const char *js_value(const char *p, int depth)
{
    if (depth > 32) return NULL;
    p = js_ws(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        p = js_ws(p + 1);
        if (*p == close) return p + 1;
        for (;;) {
            if (close == '}') {
                p = js_string(js_ws(p));
                if (!p) return NULL;
                p = js_ws(p);
                if (*p++ != ':') return NULL;
            }
            p = js_value(p, depth + 1);
            if (!p) return NULL;
            p = js_ws(p);
            if (*p == close) return p + 1;
            if (*p++ != ',') return NULL;
        }
    }
    if (*p == '"') return js_string(p);
    if (!strncmp(p, "true", 4) || !strncmp(p, "null", 4)) return p + 4;
    if (!strncmp(p, "false", 5)) return p + 5;
    return js_number(p);
}

static bool json_valid(const char *text)
{
    const char *end = text ? js_value(text, 0) : NULL;
    return end && *js_ws(end) == '\0';
}

/* ---- the formats ---- */

static void test_table(void)
{
    char *text = render_ok(REPORT_TABLE, false);
    EXPECT_TEXT(text,
        "RUN   SCENARIO        SEED                   PARAMS                  SIM-SECONDS   WALL-SECONDS   EVENTS\n"
        "1     rollout-demo    42                     {\"maxUnavailable\":2}    4100.250      0.500          123456\n"
        "2     odd, \"name\" \xc3\xbc   18446744073709551615   {\"note\":\"a \\\"b\\\"\\nc\"}   1.000         0.001          7\n"
        "3     bad??           0                      {}                      0.000         0.000          0\n"
        "\n"
        "RUN   DAEMONSET       REVISION   STARTED   COMPLETED   TIME-TO-CONVERGE   MAX-UNAVAILABLE   UNAVAILABLE-POD-SECONDS\n"
        "1     node-exporter   1          0.000                                    10                0.100\n"
        "1     fluentd         2          600.000   4023.512    3423.512           2                 12345.625\n"
        "2     ds,with\"quote   3          0.100     0.300       0.200              0                 0.000\n"
        "\n"
        "RUN   DAEMONSET       PLAN-STEP   LAST         AT        DETAIL\n"
        "1     fluentd         1           StepPaused   900.000   pause 5m0s\n"
        "1     node-exporter   0           Started      0.000\n"
        "\n"
        "SWEEP   SCENARIO       DAEMONSET   SEEDS   POINTS   RUNS   STATUS     VARY\n"
        "1       rollout-demo   fluentd     3       2        6      complete   maxUnavailable=1,2\n"
        "\n"
        "SWEEP   POINT   PARAMS                 N   CONVERGED   CONVERGE-MEAN   CONVERGE-CI95   CONVERGE-STDDEV   "
        "CONVERGE-P50   CONVERGE-P90   CONVERGE-P99   PEAK-UNAVAILABLE-MEAN   PEAK-UNAVAILABLE-P99   UNAVAILABLE-POD-SECONDS-MEAN   EXPOSURE-MEAN\n"
        "1       0       {\"maxUnavailable\":1}   3   3           1000.000        24.840          10.000            "
        "990.000        1010.000       1020.000       1.000                   1.000                  500.000\n"
        "1       1       {\"maxUnavailable\":2}   3   2           500.000         24.840          10.000            "
        "990.000        1010.000       1020.000       2.000                   2.000                  500.000                        12.500\n");
    free(text);
}

static void test_csv(void)
{
    char *text = render_ok(REPORT_CSV, false);
    EXPECT_TEXT(text,
        "run_id,scenario,seed,params,sim_seconds,wall_seconds,events,daemonset,revision,started,"
        "completed,time_to_converge,max_unavailable,unavailable_pod_seconds\r\n"
        "1,rollout-demo,42,\"{\"\"maxUnavailable\"\":2}\",4100.25,0.5,123456,node-exporter,1,0,,,10,0.1\r\n"
        "1,rollout-demo,42,\"{\"\"maxUnavailable\"\":2}\",4100.25,0.5,123456,fluentd,2,600,4023.5125,"
        "3423.5125,2,12345.625\r\n"
        /* commas and quotes quoted and doubled; the exact shortest doubles */
        "2,\"odd, \"\"name\"\" \xc3\xbc\",18446744073709551615,\"{\"\"note\"\":\"\"a \\\"\"b\\\"\"\\nc\"\"}\","
        "1,0.001,7,\"ds,with\"\"quote\",3,0.1,0.30000000000000004,0.20000000000000004,0,0\r\n"
        /* a run without rollouts keeps its line; CSV passes bytes through */
        "3,bad\x01\xff,0,{},0,0,0,,,,,,,\r\n");
    free(text);

    text = render_ok(REPORT_CSV, true);
    EXPECT_TEXT(text,
        "sweep_id,scenario,daemonset,seeds,status,point,params,n,n_converged,converge_mean,"
        "converge_stddev,converge_ci95,"
        "converge_p50,converge_p90,converge_p99,peak_unavailable_mean,peak_unavailable_stddev,"
        "peak_unavailable_ci95,peak_unavailable_p50,peak_unavailable_p90,peak_unavailable_p99,"
        "unavailable_pod_seconds_mean,unavailable_pod_seconds_stddev,unavailable_pod_seconds_ci95,"
        "unavailable_pod_seconds_p50,unavailable_pod_seconds_p90,unavailable_pod_seconds_p99,"
        "exposure_mean,exposure_stddev,exposure_ci95,exposure_p50,exposure_p90,exposure_p99\r\n"
        /* one line per point, the sweep's columns first; no exposure: empty */
        "1,rollout-demo,fluentd,3,complete,0,\"{\"\"maxUnavailable\"\":1}\",3,3,1000,10,24.84,990,1010,1020,"
        "1,0,0,1,1,1,500,,,500,500,500,,,,,,\r\n"
        "1,rollout-demo,fluentd,3,complete,1,\"{\"\"maxUnavailable\"\":2}\",3,2,500,10,24.84,990,1010,1020,"
        "2,0,0,2,2,2,500,,,500,500,500,12.5,1.5,3.75,12,14,14.5\r\n");
    free(text);
}

static void test_json(void)
{
    char *text = render_ok(REPORT_JSON, false);
    EXPECT_TEXT(text,
        "[\n"
        "  {\"run_id\": 1, \"scenario\": \"rollout-demo\", \"seed\": 42, \"params\": {\"maxUnavailable\":2}, "
        "\"sim_seconds\": 4100.25, \"wall_seconds\": 0.5, \"events\": 123456, \"rollouts\": [\n"
        "    {\"daemonset\": \"node-exporter\", \"revision\": 1, \"started\": 0, \"completed\": null, "
        "\"time_to_converge\": null, \"max_unavailable\": 10, \"unavailable_pod_seconds\": 0.1},\n"
        "    {\"daemonset\": \"fluentd\", \"revision\": 2, \"started\": 600, \"completed\": 4023.5125, "
        "\"time_to_converge\": 3423.5125, \"max_unavailable\": 2, \"unavailable_pod_seconds\": 12345.625}\n"
        "  ], \"plans\": [\n"
        "    {\"daemonset\": \"fluentd\", \"step\": 1, \"last\": \"StepPaused\", \"t\": 900, "
        "\"detail\": \"pause 5m0s\"},\n"
        "    {\"daemonset\": \"node-exporter\", \"step\": 0, \"last\": \"Started\", \"t\": 0, "
        "\"detail\": null}\n"
        "  ]},\n"
        "  {\"run_id\": 2, \"scenario\": \"odd, \\\"name\\\" \xc3\xbc\", \"seed\": 18446744073709551615, "
        "\"params\": {\"note\":\"a \\\"b\\\"\\nc\"}, \"sim_seconds\": 1, \"wall_seconds\": 0.001, "
        "\"events\": 7, \"rollouts\": [\n"
        "    {\"daemonset\": \"ds,with\\\"quote\", \"revision\": 3, \"started\": 0.1, "
        "\"completed\": 0.30000000000000004, \"time_to_converge\": 0.20000000000000004, "
        "\"max_unavailable\": 0, \"unavailable_pod_seconds\": 0}\n"
        "  ]},\n"
        /* control bytes escaped, a byte that is not UTF-8 replaced */
        "  {\"run_id\": 3, \"scenario\": \"bad\\u0001\\ufffd\", \"seed\": 0, \"params\": {}, "
        "\"sim_seconds\": 0, \"wall_seconds\": 0, \"events\": 0, \"rollouts\": []}\n"
        "]\n");
    CU_ASSERT(json_valid(text));
    free(text);

    text = render_ok(REPORT_JSON, true);
    CU_ASSERT(json_valid(text));
    /* sweeps, each with its points, as runs come with their rollouts */
    EXPECT_CONTAINS(text, "[\n  {\"sweep_id\": 1, \"scenario\": \"rollout-demo\", \"daemonset\": "
                          "\"fluentd\", \"seeds\": 3, \"status\": \"complete\", \"created_at\": \"");
    EXPECT_CONTAINS(text, "\"wall_seconds\": null, \"params\": {\"vary\":[{\"key\":\"maxUnavailable\","
                          "\"values\":[1,2]}]}, \"points\": [\n"
                          "    {\"point\": 0, \"params\": {\"maxUnavailable\":1}, "
                          "\"n\": 3, \"n_converged\": 3, \"converge_mean\": 1000, ");
    EXPECT_CONTAINS(text, "\"unavailable_pod_seconds_stddev\": null, ");
    EXPECT_CONTAINS(text, "\"exposure_p99\": null},\n    {\"point\": 1, ");
    EXPECT_CONTAINS(text, "\"exposure_mean\": 12.5, ");
    EXPECT_CONTAINS(text, "\"exposure_p99\": 14.5}\n  ]}\n]\n");
    free(text);
}

/* Every byte value in a name, and the escapes JSON needs, survive as valid JSON. */
static void test_json_escapes_everything(void)
{
    char path[600];
    snprintf(path, sizeof path, "%s/bytes.db", tmpdir);
    char err[256];
    Store *s = store_open(path, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    char name[300];
    for (int i = 1; i < 256; i++) name[i - 1] = (char)i;
    name[255] = '\0';
    int64_t id;
    CU_ASSERT_EQUAL(store_run_begin(s, &(StoreRunInfo){.scenario = name, .version = "t"}, &id), 0);
    CU_ASSERT_EQUAL(store_rollout(s, &(StoreRollout){.daemonset = "\t\b\f\r\n\x1f\x7f\\/\"",
                                                     .completed = -1}),
                    0);
    CU_ASSERT_EQUAL(store_run_commit(s, &(StoreRunEnd){.sim_seconds = 1e300, .wall_seconds = NAN}), 0);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    CU_ASSERT_EQUAL(report_write(s, &(ReportOptions){.format = REPORT_JSON}, out, err, sizeof err),
                    REPORT_OK);
    fclose(out);
    CU_ASSERT(json_valid(text));
    EXPECT_CONTAINS(text, "\"daemonset\": \"\\t\\b\\f\\r\\n\\u001f\x7f\\\\/\\\"\"");
    EXPECT_CONTAINS(text, "\"sim_seconds\": 1e+300, \"wall_seconds\": null");
    EXPECT_CONTAINS(text, "\"scenario\": \"\\u0001\\u0002");
    free(text);
    store_close(s);
}

static void test_run_selection(void)
{
    int64_t ids[] = {2, 1, 2};
    ReportOptions opt = {.format = REPORT_CSV, .run_ids = ids, .n_run_ids = 3};
    char err[256] = "";
    int rc;
    char *text = render(&opt, &rc, err, sizeof err);
    EXPECT_EQ_I64(rc, REPORT_OK);
    /* in the order asked, each once: the run ids that start the lines */
    char order[16] = "";
    const char *line = text;
    while (line && *line) {
        if (line[0] >= '0' && line[0] <= '9' && line[1] == ',' && strlen(order) < 15)
            strncat(order, line, 1);
        line = strchr(line, '\n');
        if (line) line++;
    }
    EXPECT_TEXT(order, "211");
    free(text);

    /* the table shows sweep points only for a report of every run */
    opt.format = REPORT_TABLE;
    text = render(&opt, &rc, err, sizeof err);
    CU_ASSERT(text && !strstr(text, "SWEEP"));
    free(text);

    int64_t missing[] = {1, 99};
    opt.run_ids = missing;
    opt.n_run_ids = 2;
    text = render(&opt, &rc, err, sizeof err);
    EXPECT_EQ_I64(rc, REPORT_ENORUN);
    EXPECT_TEXT(err, "no run with id 99");
    EXPECT_TEXT(text, ""); /* nothing written on failure */
    free(text);
}

static void test_empty_database(void)
{
    char path[600], err[256];
    snprintf(path, sizeof path, "%s/empty.db", tmpdir);
    Store *s = store_open(path, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    static const struct {
        ReportFormat f;
        bool sweeps;
        const char *want;
    } cases[] = {
        {REPORT_TABLE, false, "No runs in this database.\n"},
        {REPORT_TABLE, true, "No sweeps in this database.\n"},
        {REPORT_JSON, false, "[]\n"},
        {REPORT_JSON, true, "[]\n"},
        {REPORT_CSV, false, "run_id,scenario,seed,params,sim_seconds,wall_seconds,events,daemonset,"
                            "revision,started,completed,time_to_converge,max_unavailable,"
                            "unavailable_pod_seconds\r\n"},
    };
    for (size_t i = 0; i < DS_ARRAY_LEN(cases); i++) {
        char *text = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&text, &len);
        ReportOptions opt = {.format = cases[i].f, .sweeps = cases[i].sweeps};
        EXPECT_EQ_I64(report_write(s, &opt, out, err, sizeof err), REPORT_OK);
        fclose(out);
        EXPECT_TEXT(text, cases[i].want);
        free(text);
    }
    store_close(s);
}

static void test_parse_format(void)
{
    ReportFormat f = REPORT_TABLE;
    CU_ASSERT(report_parse_format("csv", &f) && f == REPORT_CSV);
    CU_ASSERT(report_parse_format("json", &f) && f == REPORT_JSON);
    CU_ASSERT(report_parse_format("table", &f) && f == REPORT_TABLE);
    CU_ASSERT(!report_parse_format("CSV", &f));
    CU_ASSERT(!report_parse_format("", &f));
}

/* ---- the command ---- */

/* Runs `daemonsim report ARGS...` in-process; its output lands in cmd_out
 * and cmd_err. */
static int run_report(int argc, const char *const *args)
{
    static char name[] = "report";
    char *argv[16];
    argv[0] = name;
    for (int i = 0; i < argc && i < 14; i++) argv[i + 1] = (char *)args[i];
    argv[argc + 1] = NULL;
    return run_captured(cmd_report, argc + 1, argv, &cmd_out, &cmd_err);
}

#define RUN_REPORT(...)                                                                      \
    run_report((int)DS_ARRAY_LEN(((const char *const[]){__VA_ARGS__})),                      \
               (const char *const[]){__VA_ARGS__})

static void test_cmd_usage(void)
{
    EXPECT_EQ_I64(RUN_REPORT("--help"), EXIT_OK);
    CU_ASSERT(strstr(cmd_out, "Usage: daemonsim report DB [--run ID]... [--format table|csv|json]") != NULL);
    EXPECT_TEXT(cmd_err, "");

    EXPECT_EQ_I64(run_report(0, NULL), EXIT_USAGE);
    EXPECT_TEXT(cmd_err, "daemonsim report: missing DB\nTry 'daemonsim report --help'.\n");
    EXPECT_TEXT(cmd_out, "");

    EXPECT_EQ_I64(RUN_REPORT(db_path, "--format", "xml"), EXIT_USAGE);
    EXPECT_TEXT(cmd_err, "daemonsim report: invalid format 'xml' (table, csv or json)\n"
                        "Try 'daemonsim report --help'.\n");
    EXPECT_EQ_I64(RUN_REPORT(db_path, "--run", "1x"), EXIT_USAGE);
    EXPECT_TEXT(cmd_err, "daemonsim report: invalid run id '1x'\nTry 'daemonsim report --help'.\n");
    EXPECT_EQ_I64(RUN_REPORT(db_path, "--run", "0"), EXIT_USAGE);
    EXPECT_EQ_I64(RUN_REPORT(db_path, "--run"), EXIT_USAGE);
    EXPECT_TEXT(cmd_err, "daemonsim report: option '--run' needs an argument\n"
                        "Try 'daemonsim report --help'.\n");
    EXPECT_EQ_I64(RUN_REPORT(db_path, "--colour"), EXIT_USAGE);
    EXPECT_TEXT(cmd_err, "daemonsim report: unknown option '--colour'\nTry 'daemonsim report --help'.\n");
    EXPECT_EQ_I64(RUN_REPORT(db_path, "-x"), EXIT_USAGE);
    EXPECT_TEXT(cmd_err, "daemonsim report: unknown option '-x'\nTry 'daemonsim report --help'.\n");
    EXPECT_EQ_I64(RUN_REPORT(db_path, "other.db"), EXIT_USAGE);
    EXPECT_TEXT(cmd_err, "daemonsim report: unexpected argument 'other.db'\n"
                        "Try 'daemonsim report --help'.\n");
    EXPECT_EQ_I64(RUN_REPORT(db_path, "--sweeps", "--run", "1"), EXIT_USAGE);
    EXPECT_TEXT(cmd_out, "");
}

static void test_cmd_files(void)
{
    /* options before or after DB, as getopt_long permutes */
    EXPECT_EQ_I64(RUN_REPORT("--format", "csv", db_path, "--run", "3"), EXIT_OK);
    EXPECT_TEXT(cmd_err, "");
    CU_ASSERT(strstr(cmd_out, "\r\n3,bad") != NULL);

    EXPECT_EQ_I64(RUN_REPORT(db_path, "--run", "99"), EXIT_USAGE);
    char want[1200];
    snprintf(want, sizeof want, "daemonsim report: %s: no run with id 99\n", db_path);
    EXPECT_TEXT(cmd_err, want);
    EXPECT_TEXT(cmd_out, "");

    const char *missing = tmp_path("missing.db");
    EXPECT_EQ_I64(RUN_REPORT(missing), EXIT_RUNTIME);
    snprintf(want, sizeof want,
             "daemonsim report: %s: unable to open database file (No such file or directory)\n",
             missing);
    EXPECT_TEXT(cmd_err, want);
    struct stat sb;
    CU_ASSERT(stat(missing, &sb) != 0); /* report never creates a file */

    const char *notes = tmp_path("notes.txt");
    FILE *f = fopen(notes, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    for (int i = 0; i < 100; i++) fputs("not a database, just words\n", f);
    fclose(f);
    EXPECT_EQ_I64(RUN_REPORT(notes, "--format", "json"), EXIT_RUNTIME);
    snprintf(want, sizeof want, "daemonsim report: %s: file is not a database\n", notes);
    EXPECT_TEXT(cmd_err, want);
    EXPECT_TEXT(cmd_out, "");
}

static CU_TestInfo report_tests[] = {
    {"table", test_table},
    {"csv", test_csv},
    {"json", test_json},
    {"json escapes every byte", test_json_escapes_everything},
    {"run selection", test_run_selection},
    {"empty database", test_empty_database},
    {"format names", test_parse_format},
    {"command usage", test_cmd_usage},
    {"command files", test_cmd_files},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"report", suite_init, suite_clean, NULL, NULL, report_tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

/* link: ds_input */
/* test_history.c: the kubectl readers of `daemonsim calibrate` (history.h).
 * The kubelet's Pulled messages in each form kubelets print, RFC 3339 times,
 * events and pods files in JSON and YAML (lists, empty lists, one bare
 * object, both kinds in one file, missing fields) and the durations each
 * phase gets from them with their precision; bad files with their
 * positions. */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemonsim/history.h"
#include "harness.h"

/* ---- messages and times --------------------------------------------------------------- */

static void test_pulled_forms(void)
{
    double s = -1;
    /* kubelet 1.30+: the pull, then with the wait for earlier pulls, then the size */
    EXPECT_EQ_I64(history_parse_pulled("Successfully pulled image \"nginx:1.27\" in 6.1s (7.25s "
                                       "including waiting). Image size: 72099410 bytes.", &s),
                  PULL_TIMED);
    EXPECT_NEAR(s, 7.25, 1e-9);
    EXPECT_EQ_I64(history_parse_pulled("Successfully pulled image \"nginx\" in 6.1s (6.1s "
                                       "including waiting)", &s), PULL_TIMED);
    EXPECT_NEAR(s, 6.1, 1e-9);
    /* kubelets before 1.28: one figure, Go's full precision */
    EXPECT_EQ_I64(history_parse_pulled("Successfully pulled image \"registry.k8s.io/pause:3.9\" "
                                       "in 1m2.5s", &s), PULL_TIMED);
    EXPECT_NEAR(s, 62.5, 1e-9);
    EXPECT_EQ_I64(history_parse_pulled("Successfully pulled image \"x\" in 850ms", &s), PULL_TIMED);
    EXPECT_NEAR(s, 0.85, 1e-9);
    EXPECT_EQ_I64(history_parse_pulled("Successfully pulled image \"x\" in 3.123456789s", &s),
                  PULL_TIMED);
    EXPECT_NEAR(s, 3.123456789, 1e-9);
    EXPECT_EQ_I64(history_parse_pulled("Successfully pulled image \"x\" in 523.4µs (1.2ms "
                                       "including waiting). Image size: 10 bytes.", &s), PULL_TIMED);
    EXPECT_NEAR(s, 0.0012, 1e-12);
    EXPECT_EQ_I64(history_parse_pulled("Container image \"quay.io/prometheus/node-exporter:v1.8.2\" "
                                       "already present on machine", &s), PULL_PRESENT);
    /* before 1.20: no time */
    EXPECT_EQ_I64(history_parse_pulled("Successfully pulled image \"nginx\"", &s), PULL_UNTIMED);
    EXPECT_EQ_I64(history_parse_pulled("Pulling image \"nginx\"", &s), PULL_OTHER);
    EXPECT_EQ_I64(history_parse_pulled("Successfully pulled image \"nginx\" in soon", &s), PULL_OTHER);
    EXPECT_EQ_I64(history_parse_pulled("", &s), PULL_OTHER);
}

static void test_times(void)
{
    Stamp t;
    CU_ASSERT_FATAL(history_parse_time("1970-01-01T00:00:00Z", &t));
    EXPECT_NEAR(t.t, 0, 0);
    CU_ASSERT(t.whole);
    CU_ASSERT(history_parse_time("2024-02-29T12:34:56Z", &t));
    EXPECT_NEAR(t.t, 1709210096, 0);
    CU_ASSERT(history_parse_time("2024-02-29T14:34:56.250000+02:00", &t));
    EXPECT_NEAR(t.t, 1709210096.25, 1e-6);
    CU_ASSERT(!t.whole);
    CU_ASSERT(!history_parse_time("2024-02-29 12:34:56Z", &t));
    CU_ASSERT(!history_parse_time("2024-02-29T12:34:56", &t));
    CU_ASSERT(!history_parse_time("2024-13-01T00:00:00Z", &t));
    CU_ASSERT(!history_parse_time("yesterday", &t));
}

/* ---- readers ---------------------------------------------------------------------------- */

static const char events_json[] =
    "{\n"
    "    \"apiVersion\": \"v1\",\n"
    "    \"items\": [\n"
    "        {\n"
    "            \"apiVersion\": \"v1\", \"kind\": \"Event\",\n"
    "            \"involvedObject\": {\"kind\": \"DaemonSet\", \"name\": \"agent\", \"namespace\": \"kube-system\"},\n"
    "            \"reason\": \"SuccessfulCreate\", \"message\": \"Created pod: agent-abcde\",\n"
    "            \"firstTimestamp\": \"2026-03-02T09:00:00Z\", \"lastTimestamp\": \"2026-03-02T09:00:00Z\"\n"
    "        },\n"
    "        {\n"
    "            \"kind\": \"Event\", \"eventTime\": \"2026-03-02T09:00:00.400000Z\", \"firstTimestamp\": null,\n"
    "            \"involvedObject\": {\"kind\": \"Pod\", \"name\": \"agent-abcde\", \"namespace\": \"kube-system\"},\n"
    "            \"reason\": \"Scheduled\", \"message\": \"Successfully assigned kube-system/agent-abcde to n1\"\n"
    "        },\n"
    "        {\n"
    "            \"kind\": \"Event\", \"firstTimestamp\": \"2026-03-02T09:00:07Z\",\n"
    "            \"involvedObject\": {\"kind\": \"Pod\", \"name\": \"agent-abcde\", \"namespace\": \"kube-system\",\n"
    "                                \"fieldPath\": \"spec.containers{agent}\"},\n"
    "            \"reason\": \"Pulled\",\n"
    "            \"message\": \"Successfully pulled image \\\"example.com/agent:2\\\" in 6.5s (6.512s including waiting). Image size: 1000 bytes.\"\n"
    "        },\n"
    "        {\n"
    "            \"kind\": \"Event\", \"firstTimestamp\": \"2026-03-02T09:00:09Z\",\n"
    "            \"involvedObject\": {\"kind\": \"Pod\", \"name\": \"agent-abcde\", \"namespace\": \"kube-system\",\n"
    "                                \"fieldPath\": \"spec.containers{agent}\"},\n"
    "            \"reason\": \"Started\", \"message\": \"Started container agent\"\n"
    "        },\n"
    "        {\n"
    "            \"kind\": \"Event\", \"firstTimestamp\": \"2026-03-02T09:00:01Z\",\n"
    "            \"involvedObject\": {\"kind\": \"Pod\", \"name\": \"agent-fghij\", \"namespace\": \"kube-system\",\n"
    "                                \"fieldPath\": \"spec.initContainers{setup}\"},\n"
    "            \"reason\": \"Pulled\", \"message\": \"Container image \\\"busybox\\\" already present on machine\"\n"
    "        },\n"
    "        {\n"
    "            \"kind\": \"Event\",\n"
    "            \"involvedObject\": {\"kind\": \"Pod\", \"name\": \"agent-fghij\", \"namespace\": \"kube-system\"},\n"
    "            \"reason\": \"Scheduled\", \"message\": \"an event with no time at all is skipped\"\n"
    "        }\n"
    "    ],\n"
    "    \"kind\": \"List\",\n"
    "    \"metadata\": {\"resourceVersion\": \"\"}\n"
    "}\n";

static const char pods_yaml[] =
    "apiVersion: v1\n"
    "items:\n"
    "- apiVersion: v1\n"
    "  kind: Pod\n"
    "  metadata:\n"
    "    creationTimestamp: \"2026-03-02T09:00:00Z\"\n"
    "    name: agent-abcde\n"
    "    namespace: kube-system\n"
    "    managedFields: [{manager: kubelet}]\n"
    "  spec:\n"
    "    containers: [{name: agent, image: example.com/agent:2}]\n"
    "  status:\n"
    "    conditions:\n"
    "    - {type: PodScheduled, status: \"True\", lastTransitionTime: \"2026-03-02T09:00:00Z\"}\n"
    "    - {type: Ready, status: \"True\", lastTransitionTime: \"2026-03-02T09:00:14Z\"}\n"
    "    containerStatuses:\n"
    "    - name: agent\n"
    "      state:\n"
    "        running: {startedAt: \"2026-03-02T09:00:09Z\"}\n"
    "- apiVersion: v1\n"
    "  kind: Pod\n"
    "  metadata:\n"
    "    name: agent-stopping\n"
    "    namespace: kube-system\n"
    "    creationTimestamp: \"2026-03-02T08:00:00Z\"\n"
    "    deletionTimestamp: \"2026-03-02T09:10:30Z\"\n"
    "    deletionGracePeriodSeconds: 30\n"
    "  status:\n"
    "    containerStatuses:\n"
    "    - name: agent\n"
    "      state:\n"
    "        terminated: {exitCode: 0, finishedAt: \"2026-03-02T09:10:04Z\"}\n"
    "- apiVersion: v1\n"
    "  kind: Pod\n"
    "  metadata: {name: no-status, namespace: default}\n"
    "kind: List\n"
    "metadata:\n"
    "  resourceVersion: \"\"\n";

static History *read_files(const char *a, const char *b, Diag *d)
{
    History *h = history_new();
    diag_init(d);
    if (a && !history_read(h, a, d)) return h;
    if (b) history_read(h, b, d);
    return h;
}

static size_t obs_of(History *h, Phase p, FitObs *first)
{
    FitObs *o;
    size_t n = history_observations(h, p, &o);
    if (n && first) *first = o[0];
    free(o);
    return n;
}

static void test_events_json_and_pods_yaml(void)
{
    Diag d;
    History *h = read_files(tmp_write("events.json", events_json), tmp_write("pods.yaml", pods_yaml), &d);
    CU_ASSERT_FATAL(!diag_failed(&d));
    HistoryCounts k = history_counts(h);
    EXPECT_EQ_I64(k.files, 2);
    EXPECT_EQ_I64(k.events, 6);
    EXPECT_EQ_I64(k.pods, 3);
    EXPECT_EQ_I64(k.pulls_timed, 1);
    EXPECT_EQ_I64(k.pulls_present, 1);
    FitObs o = {0, FIT_EXACT};
    /* creation (whole second) -> the scheduler's eventTime (microseconds) */
    EXPECT_EQ_I64(obs_of(h, PHASE_SCHEDULE, &o), 1);
    EXPECT_NEAR(o.x, 0.4, 1e-6);
    EXPECT_EQ_I64(o.kind, FIT_START_STAMP);
    /* the figure including the wait, exact */
    EXPECT_EQ_I64(obs_of(h, PHASE_IMAGE_PULL, &o), 1);
    EXPECT_NEAR(o.x, 6.512, 1e-9);
    EXPECT_EQ_I64(o.kind, FIT_EXACT);
    /* Pulled 09:00:07 -> Started 09:00:09; the init container is left out */
    EXPECT_EQ_I64(obs_of(h, PHASE_CONTAINER_START, &o), 1);
    EXPECT_NEAR(o.x, 2, 0);
    EXPECT_EQ_I64(o.kind, FIT_BOTH_STAMPS);
    /* startedAt 09:00:09 -> Ready 09:00:14 */
    EXPECT_EQ_I64(obs_of(h, PHASE_READINESS, &o), 1);
    EXPECT_NEAR(o.x, 5, 0);
    /* deletion requested 09:10:00 (deletionTimestamp - 30 s) -> stopped 09:10:04 */
    EXPECT_EQ_I64(obs_of(h, PHASE_TERMINATION, &o), 1);
    EXPECT_NEAR(o.x, 4, 0);
    history_free(h);
}

/* The same pod with events and pods in the other formats and order: the
 * PodScheduled condition stands in for the missing Scheduled event. The JSON
 * has what kubectl's does and YAML parsers might trip on: managedFields keys
 * with escaped quotes, Go's \u003c escapes, a long one-line annotation. */
static void test_pods_json_then_events_yaml(void)
{
    static char pods[12000];
    char big[8001];
    memset(big, 'x', 8000);
    big[8000] = '\0';
    snprintf(pods, sizeof pods,
        "{\"apiVersion\": \"v1\", \"kind\": \"Pod\",\n"
        " \"metadata\": {\"name\": \"p\", \"namespace\": \"ns\", \"creationTimestamp\": \"2026-03-02T09:00:00Z\",\n"
        "   \"annotations\": {\"kubectl.kubernetes.io/last-applied-configuration\": \"{\\\"a\\\":\\\"%s \\u003c\\u003e \\u0026\\\"}\\n\"},\n"
        "   \"managedFields\": [{\"fieldsV1\": {\"f:status\": {\"f:conditions\": {\"k:{\\\"type\\\":\\\"Ready\\\"}\": {\".\": {}}}}}}]},\n"
        " \"status\": {\"conditions\": [{\"type\": \"PodScheduled\", \"status\": \"True\",\n"
        "                               \"lastTransitionTime\": \"2026-03-02T09:00:01Z\"},\n"
        "                              {\"type\": \"Ready\", \"status\": \"False\",\n"
        "                               \"lastTransitionTime\": \"2026-03-02T09:00:05Z\"}]}}\n", big);
    const char *events =
        "kind: Event\n"
        "involvedObject: {kind: Pod, name: p, namespace: ns, fieldPath: \"spec.containers{c}\"}\n"
        "reason: Killing\n"
        "message: Stopping container c\n"
        "firstTimestamp: \"2026-03-02T09:30:00Z\"\n";
    Diag d;
    History *h = read_files(tmp_write("pod.json", pods), tmp_write("event.yaml", events), &d);
    CU_ASSERT_FATAL(!diag_failed(&d));
    FitObs o = {0, FIT_EXACT};
    EXPECT_EQ_I64(obs_of(h, PHASE_SCHEDULE, &o), 1);
    EXPECT_NEAR(o.x, 1, 0);
    EXPECT_EQ_I64(o.kind, FIT_BOTH_STAMPS);
    /* Ready=False is no readiness; a kill of a pod not being deleted is no termination */
    EXPECT_EQ_I64(obs_of(h, PHASE_READINESS, NULL), 0);
    EXPECT_EQ_I64(obs_of(h, PHASE_TERMINATION, NULL), 0);
    history_free(h);
}

static void test_empty_and_mixed_lists(void)
{
    Diag d;
    History *h = read_files(tmp_write("empty.json", "{\"apiVersion\": \"v1\", \"items\": [], \"kind\": "
                                                    "\"List\", \"metadata\": {\"resourceVersion\": \"\"}}\n"),
                            tmp_write("empty.yaml", "apiVersion: v1\nitems: []\nkind: List\n"), &d);
    CU_ASSERT(!diag_failed(&d));
    EXPECT_EQ_I64(history_counts(h).files, 2);
    for (int p = 0; p < PHASE__COUNT; p++) EXPECT_EQ_I64(obs_of(h, (Phase)p, NULL), 0);
    history_free(h);
    /* `kubectl get pods,events -o yaml`; items without kind are told apart by shape */
    h = read_files(tmp_write("mixed.yaml",
                             "apiVersion: v1\nkind: List\nitems:\n"
                             "- metadata: {name: q, creationTimestamp: \"2026-03-02T09:00:00Z\"}\n"
                             "- involvedObject: {kind: Pod, name: q}\n"
                             "  reason: Scheduled\n"
                             "  eventTime: \"2026-03-02T09:00:00.020000Z\"\n"),
                   NULL, &d);
    CU_ASSERT(!diag_failed(&d));
    EXPECT_EQ_I64(history_counts(h).pods, 1);
    EXPECT_EQ_I64(history_counts(h).events, 1);
    FitObs o = {0, FIT_EXACT};
    EXPECT_EQ_I64(obs_of(h, PHASE_SCHEDULE, &o), 1);
    EXPECT_NEAR(o.x, 0.02, 1e-6);
    history_free(h);
}

static void expect_error(const char *name, const char *text, int line, int col, const char *msg)
{
    Diag d;
    History *h = read_files(tmp_write(name, text), NULL, &d);
    CU_ASSERT(diag_failed(&d));
    EXPECT_EQ_I64(d.pos.line, line);
    EXPECT_EQ_I64(d.pos.col, col);
    EXPECT_CONTAINS(d.msg, msg);
    history_free(h);
}

static void test_bad_files(void)
{
    expect_error("noobj.yaml", "kind: List\nitems:\n- kind: Event\n  reason: Pulled\n", 3, 3,
                 "an Event needs involvedObject");
    expect_error("noname.json", "{\"kind\": \"Event\", \"involvedObject\": {\"kind\": \"Pod\"}}\n", 1, 37,
                 "missing required key \"name\"");
    expect_error("badtime.yaml",
                 "kind: Pod\nmetadata:\n  name: p\n  creationTimestamp: \"2026-03-02 09:00\"\n", 4, 22,
                 "metadata.creationTimestamp: invalid time \"2026-03-02 09:00\"");
    expect_error("nodes.yaml", "kind: List\nitems:\n- kind: Node\n  metadata: {name: n1}\n", 3, 9,
                 "expected kind Event or Pod");
    expect_error("syntax.json", "{\"kind\": \"Pod\",\n \"metadata\": {\"name\": \"p\"\n", 3, 1, "");
    expect_error("seq.yaml", "- kind: Pod\n", 1, 1, "expected a List or one object");
    expect_error("podnoname.yaml", "kind: Pod\nmetadata: {namespace: x}\n", 2, 11,
                 "missing required key \"name\"");
    expect_error("conds.yaml", "kind: Pod\nmetadata: {name: p}\nstatus: {conditions: 3}\n", 3, 22,
                 "expected a sequence");
    Diag d;
    History *h = read_files(DS_SOURCE_DIR "/tests/no-such-file.json", NULL, &d);
    CU_ASSERT(diag_failed(&d));
    EXPECT_CONTAINS(d.msg, "cannot read");
    history_free(h);
}

static CU_TestInfo history_tests[] = {
    {"Pulled messages in every kubelet form", test_pulled_forms},
    {"RFC 3339 times", test_times},
    {"events JSON + pods YAML: every phase", test_events_json_and_pods_yaml},
    {"pods JSON + one event YAML, conditions as fallback", test_pods_json_then_events_yaml},
    {"empty lists, mixed lists, kinds from shape", test_empty_and_mixed_lists},
    {"bad files: positions and messages", test_bad_files},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"history", suite_setup, suite_teardown, NULL, NULL, history_tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

/* link: ds_input */
/* test_scenario.c: the input layer. YAML trees and their errors, DaemonSet
 * manifests (defaults and validation), scenario sections, events and their
 * revision chains, --set overrides, kubectl node imports, and every shipped
 * scenario and bad-input file. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* The harness's messages are cut to their buffers on purpose. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

#include "../../sim/input/ydoc.h"
#include "daemonsim/scenario.h"
#include "harness.h"

#define MANIFESTS DS_SOURCE_DIR "/tests/manifests/"

static Scenario *load_ovr(const char *text, const Override *o, size_t n, Diag *d)
{
    diag_init(d);
    return scenario_load(tmp_write("s.yaml", text), o, n, d);
}

static Scenario *load(const char *text, Diag *d) { return load_ovr(text, NULL, 0, d); }

static void expect_error_ovr(const char *text, const Override *o, size_t n, int line, int col,
                             const char *msg)
{
    Diag d;
    diag_init(&d);
    Scenario *s = scenario_load(tmp_write("s.yaml", text), o, n, &d);
    CU_ASSERT_PTR_NULL(s);
    scenario_free(s);
    CU_ASSERT_TRUE(diag_failed(&d));
    EXPECT_CONTAINS(d.msg, msg);
    if (line >= 0) {
        EXPECT_EQ_I64(d.pos.line, line);
        EXPECT_EQ_I64(d.pos.col, col);
    }
    /* The loader's buffers are gone; the Diag still prints. */
    EXPECT_EQ_I64(d.nsources, 0);
}

static void expect_error(const char *text, int line, int col, const char *msg)
{
    expect_error_ovr(text, NULL, 0, line, col, msg);
}

#define HEAD "apiVersion: daemonsim/v1\nkind: Scenario\nmetadata: {name: t}\nspec:\n"

/* A scenario with one inline DaemonSet of `api_version` whose spec lines are
 * `ds` (indented 10). */
static char *with_ds_api(const char *api_version, const char *ds_spec, const char *pod_spec)
{
    static char buf[4096];
    snprintf(buf, sizeof buf,
             HEAD "  daemonSets:\n"
                  "    - manifest:\n"
                  "        apiVersion: %s\n"
                  "        kind: DaemonSet\n"
                  "        metadata: {name: agent}\n"
                  "        spec:\n"
                  "          selector: {matchLabels: {app: agent}}\n"
                  "%s"
                  "          template:\n"
                  "            metadata: {labels: {app: agent}}\n"
                  "            spec:\n"
                  "%s"
                  "              containers: [{name: agent, image: \"agent:1\"}]\n",
             api_version, ds_spec, pod_spec);
    return buf;
}

static char *with_ds(const char *ds_spec, const char *pod_spec)
{
    return with_ds_api("apps/v1", ds_spec, pod_spec);
}

static const char *sym(const Scenario *s, Sym id) { return strtab_str(s->strs, id); }

static const DaemonSetSpec *spec_named(const Scenario *s, const char *name)
{
    for (uint32_t i = 0; i < s->nspecs; i++)
        if (!strcmp(sym(s, s->specs[i].name), name)) return &s->specs[i];
    return NULL;
}

static const NodePoolSpec *pool_named(const Scenario *s, const char *name)
{
    for (uint32_t i = 0; i < s->npools; i++)
        if (s->pools[i].node_name == SYM_NONE && !strcmp(sym(s, s->pools[i].name), name))
            return &s->pools[i];
    return NULL;
}

static const NodePoolSpec *node_named(const Scenario *s, const char *name)
{
    for (uint32_t i = 0; i < s->npools; i++)
        if (s->pools[i].node_name != SYM_NONE && !strcmp(sym(s, s->pools[i].node_name), name))
            return &s->pools[i];
    return NULL;
}

static const char *label(const Scenario *s, const Label *l, uint32_t n, const char *key)
{
    Sym k = strtab_find(s->strs, key);
    if (k == SYM_NONE) return NULL;
    Sym v = labels_get(l, n, k);
    return v == SYM_NONE ? NULL : sym(s, v);
}

#define GI (INT64_C(1024) * 1024 * 1024 * 1000)
#define MI (INT64_C(1024) * 1024 * 1000)

/* ---- YAML trees ------------------------------------------------------------- */

typedef struct {
    Diag d;
    Arena tmp, out;
    StrTab *strs;
    YCtx c;
} YFixture;

static void yfix_init(YFixture *f)
{
    memset(f, 0, sizeof *f);
    diag_init(&f->d);
    f->strs = strtab_new();
    f->c = (YCtx){.d = &f->d, .tmp = &f->tmp, .out = &f->out, .strs = f->strs};
}

static void yfix_free(YFixture *f)
{
    arena_free(&f->tmp);
    arena_free(&f->out);
    strtab_free(f->strs);
}

static YNode *parse1(YFixture *f, const char *text)
{
    YFile yf;
    if (!ydoc_load_text(&f->c, "t.yaml", text, strlen(text), &yf)) return NULL;
    return yf.ndocs ? yf.docs[0] : NULL;
}

static void test_ydoc_scalars_and_positions(void)
{
    YFixture f;
    yfix_init(&f);
    YNode *r = parse1(&f, "a: 3\nb: \"3\"\nc: ~\nd: true\ne: 1.5\nf: 25%\ng: |\n  text\nh:\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    EXPECT_EQ_I64(ynode_type(ymap_get(r, "a")), YVAL_INT);
    EXPECT_EQ_I64(ynode_type(ymap_get(r, "b")), YVAL_STR);
    EXPECT_EQ_I64(ynode_type(ymap_get(r, "c")), YVAL_NULL);
    EXPECT_EQ_I64(ynode_type(ymap_get(r, "d")), YVAL_BOOL);
    EXPECT_EQ_I64(ynode_type(ymap_get(r, "e")), YVAL_FLOAT);
    EXPECT_EQ_I64(ynode_type(ymap_get(r, "f")), YVAL_STR);
    EXPECT_EQ_I64(ynode_type(ymap_get(r, "g")), YVAL_STR);
    CU_ASSERT_TRUE(ynode_is_null(ymap_get(r, "h")));
    const YNode *b = ymap_get(r, "b");
    EXPECT_EQ_I64(b->pos.line, 2);
    EXPECT_EQ_I64(b->pos.col, 4);
    EXPECT_EQ_I64(ymap_pair(r, "b")->key->pos.col, 1);
    char path[64];
    ynode_path(b, path, sizeof path);
    EXPECT_STR(path, "b");
    yfix_free(&f);
}

static void test_ydoc_paths_and_typed_errors(void)
{
    YFixture f;
    yfix_init(&f);
    YNode *r = parse1(&f, "spec:\n  pools:\n    - {name: w, labels: {kubernetes.io/os: linux}}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    const YNode *os = ymap_get(ymap_get(ymap_get(ymap_get(r, "spec"), "pools")->items[0], "labels"),
                               "kubernetes.io/os");
    char path[128];
    ynode_path(os, path, sizeof path);
    EXPECT_STR(path, "spec.pools[0].labels[\"kubernetes.io/os\"]");
    int64_t v;
    CU_ASSERT_FALSE(yget_int(&f.c, os, 0, 10, &v));
    EXPECT_STR(f.d.msg, "spec.pools[0].labels[\"kubernetes.io/os\"]: expected an integer, got a "
                        "string \"linux\"");
    EXPECT_EQ_I64(f.d.pos.line, 3);
    diag_init(&f.d);
    CU_ASSERT_FALSE(yget_map(&f.c, ymap_get(ymap_get(r, "spec"), "pools")));
    EXPECT_STR(f.d.msg, "spec.pools: expected a mapping, got a sequence");
    yfix_free(&f);
}

static void test_ydoc_duplicates_merges_aliases(void)
{
    YFixture f;
    yfix_init(&f);
    CU_ASSERT_PTR_NULL(parse1(&f, "a: 1\nb: {x: 1, y: 2, x: 3}\n"));
    EXPECT_STR(f.d.msg, "b: duplicate key \"x\" (first at line 2, column 5)");
    EXPECT_EQ_I64(f.d.pos.col, 17);
    yfix_free(&f);

    yfix_init(&f);
    YNode *r = parse1(&f, "base: &b {cpu: 1, mem: 2}\nuse:\n  <<: *b\n  cpu: 5\nlist: [*b, *b]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    const YNode *use = ymap_get(r, "use");
    EXPECT_EQ_I64(use->n, 2);
    EXPECT_STR(ymap_get(use, "cpu")->text, "5");
    EXPECT_STR(ymap_get(use, "mem")->text, "2");
    const YNode *list = ymap_get(r, "list");
    EXPECT_EQ_I64(list->n, 2);
    CU_ASSERT_TRUE(list->items[0] != list->items[1]);   /* copied, with their own parents */
    EXPECT_EQ_I64(list->items[1]->index, 1);
    yfix_free(&f);

    yfix_init(&f);
    CU_ASSERT_PTR_NULL(parse1(&f, "a: &x [1, *x]\n"));
    CU_ASSERT_TRUE(diag_failed(&f.d));
    yfix_free(&f);
}

static void test_ydoc_syntax_errors(void)
{
    YFixture f;
    yfix_init(&f);
    CU_ASSERT_PTR_NULL(parse1(&f, "a: [1, 2\nb: 3\n"));
    EXPECT_CONTAINS(f.d.msg, "did not find expected ',' or ']'");
    EXPECT_CONTAINS(f.d.msg, "while parsing a flow sequence at line 1, column 4");
    yfix_free(&f);

    yfix_init(&f);
    CU_ASSERT_PTR_NULL(parse1(&f, "a:\n  b: 1\n\tc: 2\n"));
    EXPECT_CONTAINS(f.d.msg, "tab character in indentation");
    EXPECT_EQ_I64(f.d.pos.line, 3);
    EXPECT_EQ_I64(f.d.pos.col, 1);
    yfix_free(&f);

    yfix_init(&f);
    CU_ASSERT_PTR_NULL(parse1(&f, "a: \"\xff\"\n"));
    EXPECT_CONTAINS(f.d.msg, "UTF-8");
    yfix_free(&f);

    yfix_init(&f);
    CU_ASSERT_PTR_NULL(parse1(&f, "{a: 1}: b\n"));
    EXPECT_CONTAINS(f.d.msg, "mapping keys must be plain strings");
    yfix_free(&f);
}

static void test_ydoc_multi_document(void)
{
    YFixture f;
    yfix_init(&f);
    YFile yf;
    const char *text = "---\na: 1\n---\n---\nb: 2\n---\n";
    CU_ASSERT_TRUE_FATAL(ydoc_load_text(&f.c, "m.yaml", text, strlen(text), &yf));
    EXPECT_EQ_I64(yf.ndocs, 2);     /* empty documents dropped */
    EXPECT_EQ_I64(yf.docs[1]->pos.line, 5);
    yfix_free(&f);
}

static void test_ydoc_merge_patch_and_canonical(void)
{
    YFixture f;
    yfix_init(&f);
    YNode *t = parse1(&f, "a: {x: 1, y: [1, 2], z: {k: v}}\nb: keep\n");
    YNode *p = parse1(&f, "a: {x: null, y: [3], z: {k2: v2}}\nc: \"new\"\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    YNode *m = ynode_merge_patch(&f.c, t, p);
    char *canon = ynode_canonical(m, &f.tmp);
    EXPECT_STR(canon, "{\"a\":{\"y\":[3],\"z\":{\"k\":\"v\",\"k2\":\"v2\"}},\"b\":\"keep\",\"c\":\"new\"}");
    /* The target is untouched. */
    EXPECT_STR(ynode_canonical(t, &f.tmp), "{\"a\":{\"x\":1,\"y\":[1,2],\"z\":{\"k\":\"v\"}},\"b\":\"keep\"}");
    /* Key order, quoting style of strings and null entries do not matter; types do. */
    YNode *u = parse1(&f, "b: 'keep'\na: {z: {k: v}, y: [1, 2], x: 1, w: null}\n");
    EXPECT_STR(ynode_canonical(u, &f.tmp), ynode_canonical(t, &f.tmp));
    YNode *v = parse1(&f, "b: keep\na: {z: {k: v}, y: [1, 2], x: \"1\"}\n");
    CU_ASSERT_TRUE(strcmp(ynode_canonical(v, &f.tmp), ynode_canonical(t, &f.tmp)) != 0);
    /* Parents of the merged tree are its own. */
    const YNode *k2 = ymap_get(ymap_get(ymap_get(m, "a"), "z"), "k2");
    char path[64];
    ynode_path(k2, path, sizeof path);
    EXPECT_STR(path, "a.z.k2");
    yfix_free(&f);
}

static bool count_item(YCtx *c, const YNode *item, void *arg)
{
    (void)c;
    (*(int *)arg)++;
    /* Only the kept paths were built. */
    return ymap_get(item, "status") == NULL || ymap_get(ymap_get(item, "status"), "images") == NULL;
}

static bool keep_all_but_images(const char *const *path, int depth)
{
    return !(depth == 2 && !strcmp(path[0], "status") && !strcmp(path[1], "images"));
}

static void test_ydoc_stream_items(void)
{
    YFixture f;
    yfix_init(&f);
    int n = 0;
    CU_ASSERT_TRUE(ydoc_stream_items(&f.c, MANIFESTS "nodes.yaml", (SrcPos){"ref", 1, 1},
                                     keep_all_but_images, count_item, &n));
    EXPECT_EQ_I64(n, 3);
    n = 0;
    CU_ASSERT_TRUE(ydoc_stream_items(&f.c, MANIFESTS "nodes.json", (SrcPos){"ref", 1, 1},
                                     keep_all_but_images, count_item, &n));
    EXPECT_EQ_I64(n, 2);
    CU_ASSERT_FALSE(ydoc_stream_items(&f.c, MANIFESTS "missing.yaml", (SrcPos){"ref", 4, 2},
                                      NULL, count_item, &n));
    EXPECT_CONTAINS(f.d.msg, "No such file");
    EXPECT_EQ_I64(f.d.pos.line, 4);
    yfix_free(&f);
}

/* ---- defaults --------------------------------------------------------------- */

static void test_scenario_defaults(void)
{
    Diag d;
    Scenario *s = load(HEAD "  cluster:\n    nodePools: [{name: workers, count: 5}]\n", &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    EXPECT_STR(s->name, "t");
    EXPECT_EQ_I64(s->seed, 1);
    EXPECT_EQ_I64(s->duration, 12 * SIM_HOUR);
    EXPECT_EQ_I64(s->stop_when, STOP_CONVERGED);
    EXPECT_EQ_I64(s->sample, 10 * SIM_S);
    EXPECT_EQ_I64(s->npools, 1);
    const NodePoolSpec *p = &s->pools[0];
    EXPECT_EQ_I64(p->count, 5);
    EXPECT_EQ_I64(p->node_name, SYM_NONE);
    EXPECT_EQ_I64(p->allocatable.cpu, 4000);
    EXPECT_EQ_I64(p->allocatable.memory, 16 * GI);
    EXPECT_EQ_I64(p->allocatable.pods, 110000);
    EXPECT_EQ_I64(p->used.cpu, 0);
    CU_ASSERT_PTR_NULL(p->timing);
    EXPECT_STR(label(s, p->labels, p->nlabels, "kubernetes.io/os"), "linux");
    EXPECT_STR(label(s, p->labels, p->nlabels, "kubernetes.io/arch"), "amd64");
    ControlPlane cp = control_plane_defaults();
    EXPECT_NEAR(s->control_plane.api_qps, 20, 0);
    EXPECT_EQ_I64(s->control_plane.api_burst, 30);
    EXPECT_EQ_I64(s->control_plane.burst_replicas, 250);
    EXPECT_EQ_I64(s->control_plane.workers, 2);
    EXPECT_EQ_I64(s->control_plane.node_monitor_grace, 50 * SIM_S);
    EXPECT_EQ_I64(cp.node_startup_grace, 60 * SIM_S);
    EXPECT_EQ_I64(cp.pod_gc_quarantine, 40 * SIM_S);
    CU_ASSERT_FALSE(cp.candidate_order_by_name);
    Timing t = timing_defaults();
    EXPECT_EQ_I64(s->timing.watch.kind, DIST_CONSTANT);
    EXPECT_NEAR(s->timing.watch.a, 0.010, 1e-12);
    EXPECT_EQ_I64(t.image_pull.kind, DIST_LOGNORMAL);
    EXPECT_NEAR(t.image_pull.a, 6, 0);
    EXPECT_NEAR(t.image_pull.b, 0.8, 0);
    EXPECT_EQ_I64(t.readiness.kind, DIST_GAMMA);
    EXPECT_EQ_I64(t.termination.kind, DIST_EXPONENTIAL);
    const Dist *all[] = {&t.watch, &t.schedule, &t.image_pull, &t.container_start,
                         &t.readiness, &t.termination, &t.node_startup};
    for (size_t i = 0; i < DS_ARRAY_LEN(all); i++) CU_ASSERT_PTR_NULL(dist_check(all[i]));
    EXPECT_EQ_I64(s->nspecs, 0);
    EXPECT_EQ_I64(s->nactions, 0);
    EXPECT_EQ_I64(d.nsources, 0);       /* nothing left pointing into the Scenario */
    scenario_free(s);
}

static void test_names(void)
{
    EXPECT_STR(action_kind_name(ACT_ADD_NODES), "addNodes");
    EXPECT_STR(action_kind_name(ACT_KILL_PODS), "killPods");
    EXPECT_STR(action_kind_name(ACT_RESTART_DS), "restartDaemonSet");
    EXPECT_STR(status_field_name(STATUS_DESIRED), "desiredNumberScheduled");
    EXPECT_STR(status_field_name(STATUS_UPDATED), "updatedNumberScheduled");
    EXPECT_STR(status_field_name(STATUS_OBSERVED_GENERATION), "observedGeneration");
    EXPECT_STR(invariant_name(INV_MAX_SURGE), "maxSurgeRespected");
    EXPECT_STR(invariant_name(INV_NO_POD_ON_INELIGIBLE), "noPodOnIneligibleNode");
}

static void test_timing_and_control_plane(void)
{
    Diag d;
    Scenario *s = load(HEAD "  duration: 90\n  stopWhen: duration\n  sample: 0\n  seed: 18446744073709551\n"
                            "  timing:\n"
                            "    watch: 50ms\n"
                            "    schedule: {dist: normal, mean: 20ms, stddev: 5ms, min: 1ms}\n"
                            "    imagePull: {dist: weibull, shape: 1.5, scale: 10s, max: 1m}\n"
                            "    readiness: {dist: empirical, values: [1s, 2, 3.5s]}\n"
                            "    nodeStartup: {dist: uniform, min: 10s, max: 30s}\n"
                            "  controlPlane: {apiQps: 2.5, apiBurst: 5, candidateOrder: name,\n"
                            "                 podGCQuarantine: 0, nodeMonitorGracePeriod: 40s}\n",
                       &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    EXPECT_EQ_I64(s->duration, 90 * SIM_S);
    EXPECT_EQ_I64(s->stop_when, STOP_DURATION);
    EXPECT_EQ_I64(s->sample, 0);
    EXPECT_EQ_I64(s->seed, INT64_C(18446744073709551));
    EXPECT_EQ_I64(s->timing.watch.kind, DIST_CONSTANT);
    EXPECT_NEAR(s->timing.watch.a, 0.05, 1e-12);
    EXPECT_EQ_I64(s->timing.schedule.kind, DIST_NORMAL);
    EXPECT_NEAR(s->timing.schedule.b, 0.005, 1e-12);
    CU_ASSERT_TRUE(s->timing.schedule.has_min);
    CU_ASSERT_FALSE(s->timing.schedule.has_max);
    EXPECT_NEAR(s->timing.schedule.min, 0.001, 1e-12);
    EXPECT_EQ_I64(s->timing.image_pull.kind, DIST_WEIBULL);
    EXPECT_NEAR(s->timing.image_pull.a, 1.5, 0);
    EXPECT_NEAR(s->timing.image_pull.b, 10, 0);
    EXPECT_NEAR(s->timing.image_pull.max, 60, 0);
    EXPECT_EQ_I64(s->timing.readiness.nvalues, 3);
    EXPECT_NEAR(s->timing.readiness.values[1], 2, 0);
    EXPECT_NEAR(s->timing.readiness.values[2], 3.5, 0);
    EXPECT_EQ_I64(s->timing.node_startup.kind, DIST_UNIFORM);
    CU_ASSERT_FALSE(s->timing.node_startup.has_min);    /* uniform's bounds are not clamps */
    EXPECT_NEAR(s->timing.node_startup.b, 30, 0);
    /* Untouched keys keep their defaults. */
    EXPECT_EQ_I64(s->timing.termination.kind, DIST_EXPONENTIAL);
    EXPECT_NEAR(s->control_plane.api_qps, 2.5, 0);
    EXPECT_EQ_I64(s->control_plane.api_burst, 5);
    EXPECT_EQ_I64(s->control_plane.burst_replicas, 250);
    CU_ASSERT_TRUE(s->control_plane.candidate_order_by_name);
    EXPECT_EQ_I64(s->control_plane.pod_gc_quarantine, 0);
    EXPECT_EQ_I64(s->control_plane.node_monitor_grace, 40 * SIM_S);
    scenario_free(s);
}

/* ---- manifests -------------------------------------------------------------- */

static Scenario *load_manifests(Diag *d)
{
    static char text[1024];
    snprintf(text, sizeof text,
             HEAD "  daemonSets:\n"
                  "    - file: %sfluentd-elasticsearch.yaml\n"
                  "    - {file: %snode-exporter.yaml, timing: {readiness: 1s}}\n"
                  "    - %sbundle.yaml\n",
             MANIFESTS, MANIFESTS, MANIFESTS);
    return load(text, d);
}

static void test_manifest_fluentd(void)
{
    Diag d;
    Scenario *s = load_manifests(&d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    EXPECT_EQ_I64(s->nspecs, 4);
    EXPECT_EQ_I64(s->ninitial, 4);
    const DaemonSetSpec *ds = spec_named(s, "fluentd-elasticsearch");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ds);
    EXPECT_STR(sym(s, ds->namespace_), "kube-system");
    EXPECT_EQ_I64(ds->selector.nlabels, 1);
    EXPECT_EQ_I64(ds->selector.nexprs, 0);
    EXPECT_EQ_I64(ds->strategy, STRATEGY_ROLLING_UPDATE);
    CU_ASSERT_FALSE(ds->max_unavailable.is_percent);
    EXPECT_EQ_I64(ds->max_unavailable.value, 1);
    EXPECT_EQ_I64(ds->max_surge.value, 0);
    EXPECT_EQ_I64(ds->min_ready_seconds, 0);
    EXPECT_EQ_I64(ds->revision_history_limit, 10);
    const PodTemplate *t = &ds->template_;
    EXPECT_STR(label(s, t->labels, t->nlabels, "name"), "fluentd-elasticsearch");
    EXPECT_EQ_I64(t->ntolerations, 2);
    EXPECT_STR(sym(s, t->tolerations[0].key), "node-role.kubernetes.io/control-plane");
    EXPECT_EQ_I64(t->tolerations[0].op, TOL_EXISTS);
    EXPECT_EQ_I64(t->tolerations[0].effect, EFFECT_NO_SCHEDULE);
    EXPECT_EQ_I64(t->requests.cpu, 100);
    EXPECT_EQ_I64(t->requests.memory, 200 * MI);
    EXPECT_EQ_I64(t->requests.pods, 1000);
    EXPECT_EQ_I64(t->termination_grace_seconds, 30);
    EXPECT_EQ_I64(t->nhost_ports, 0);
    CU_ASSERT_FALSE(t->host_network);
    EXPECT_EQ_I64(t->priority, 0);
    EXPECT_EQ_I64(t->priority_class, SYM_EMPTY);
    EXPECT_EQ_I64(t->node_name, SYM_EMPTY);
    CU_ASSERT_FALSE(t->affinity.present);
    EXPECT_STR(sym(s, t->image), "quay.io/fluentd_elasticsearch/fluentd:v2.5.2");
    CU_ASSERT_PTR_NOT_NULL(t->canonical);
    EXPECT_CONTAINS(t->canonical, "\"volumeMounts\"");
    EXPECT_EQ_I64(t->failure.mode, FAILURE_NONE);
    CU_ASSERT_PTR_NULL(t->timing);
    CU_ASSERT_TRUE(ds->pos.line > 0);
    scenario_free(s);
}

static void test_manifest_node_exporter(void)
{
    Diag d;
    Scenario *s = load_manifests(&d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    const DaemonSetSpec *ds = spec_named(s, "node-exporter");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ds);
    EXPECT_EQ_I64(ds->selector.nexprs, 2);
    EXPECT_EQ_I64(ds->selector.exprs[0].op, SEL_IN);
    EXPECT_EQ_I64(ds->selector.exprs[0].nvalues, 2);
    EXPECT_EQ_I64(ds->selector.exprs[1].op, SEL_DOES_NOT_EXIST);
    CU_ASSERT_TRUE(ds->max_surge.is_percent);
    EXPECT_EQ_I64(ds->max_surge.value, 10);
    EXPECT_EQ_I64(ds->max_unavailable.value, 0);
    EXPECT_EQ_I64(ds->min_ready_seconds, 10);
    EXPECT_EQ_I64(ds->revision_history_limit, 5);
    const PodTemplate *t = &ds->template_;
    /* max(sum of containers 102m + 20m (request from limit), init 500m) */
    EXPECT_EQ_I64(t->requests.cpu, 500);
    EXPECT_EQ_I64(t->requests.memory, 220 * MI);
    CU_ASSERT_TRUE(t->host_network);
    EXPECT_EQ_I64(t->nhost_ports, 2);
    EXPECT_EQ_I64(t->host_ports[0], 9100);
    EXPECT_EQ_I64(t->host_ports[1], 9443);
    EXPECT_EQ_I64(t->priority, 2000001000);
    EXPECT_STR(sym(s, t->priority_class), "system-node-critical");
    CU_ASSERT_TRUE(t->affinity.present);
    EXPECT_EQ_I64(t->affinity.nterms, 2);
    EXPECT_EQ_I64(t->affinity.terms[0].nexprs, 3);
    EXPECT_EQ_I64(t->affinity.terms[0].exprs[2].op, SEL_GT);
    EXPECT_EQ_I64(t->affinity.terms[1].nfields, 1);
    EXPECT_STR(sym(s, t->affinity.terms[1].fields[0].values[0]), "special-node");
    EXPECT_EQ_I64(t->ntolerations, 2);
    EXPECT_EQ_I64(t->tolerations[0].key, SYM_EMPTY);
    EXPECT_EQ_I64(t->tolerations[0].op, TOL_EXISTS);
    EXPECT_EQ_I64(t->tolerations[0].effect, EFFECT_ALL);
    CU_ASSERT_TRUE(t->tolerations[1].has_seconds);
    EXPECT_EQ_I64(t->tolerations[1].seconds, 300);
    EXPECT_STR(sym(s, t->tolerations[1].value), "monitoring");
    EXPECT_STR(sym(s, t->image), "quay.io/prometheus/node-exporter:v1.7.0");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t->timing);
    EXPECT_NEAR(t->timing->readiness.a, 1, 0);
    EXPECT_EQ_I64(t->timing->image_pull.kind, DIST_LOGNORMAL);     /* inherited */
    /* The DaemonSet matches its own pods. */
    CU_ASSERT_TRUE(selector_matches(&ds->selector, t->labels, t->nlabels, s->strs));
    scenario_free(s);
}

static void test_manifest_bundle(void)
{
    Diag d;
    Scenario *s = load_manifests(&d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    const DaemonSetSpec *log = spec_named(s, "log-agent"), *net = spec_named(s, "net-agent");
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    CU_ASSERT_PTR_NOT_NULL_FATAL(net);
    EXPECT_EQ_I64(log->template_.requests.cpu, 50);
    EXPECT_EQ_I64(net->strategy, STRATEGY_ON_DELETE);
    EXPECT_EQ_I64(net->template_.nnode_selector, 1);
    /* Same host port on TCP and UDP is allowed. */
    EXPECT_EQ_I64(net->template_.nhost_ports, 2);
    EXPECT_EQ_I64(net->template_.host_ports[1], 18080);
    scenario_free(s);
}

static void test_manifest_canonical_identity(void)
{
    const char *a = with_ds("", "              nodeSelector: {a: b, c: d}\n");
    Diag d;
    Scenario *s1 = load(a, &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s1);
    Scenario *s2 = load(with_ds("          minReadySeconds: 5\n",
                                "              nodeSelector: {c: d, a: \"b\"}\n"), &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s2);
    /* Template equal though spelled differently; minReadySeconds is outside it. */
    EXPECT_STR(s1->specs[0].template_.canonical, s2->specs[0].template_.canonical);
    Scenario *s3 = load(with_ds("", "              nodeSelector: {a: b, c: e}\n"), &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s3);
    CU_ASSERT_TRUE(strcmp(s1->specs[0].template_.canonical, s3->specs[0].template_.canonical) != 0);
    scenario_free(s1);
    scenario_free(s2);
    scenario_free(s3);
}

static void test_manifest_details(void)
{
    Diag d;
    Scenario *s = load(HEAD "  priorityClasses: {high: 1000, low: -5}\n"
                            "  daemonSets:\n"
                            "    - manifest:\n"
                            "        apiVersion: apps/v1\n"
                            "        kind: DaemonSet\n"
                            "        metadata: {name: a, namespace: ops, uid: x, generation: 4}\n"
                            "        spec:\n"
                            "          selector: {matchLabels: {app: a}}\n"
                            "          updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 25%}}\n"
                            "          template:\n"
                            "            metadata: {labels: {app: a, extra: x}, annotations: {n: \"1\"}}\n"
                            "            spec:\n"
                            "              nodeName: node-7\n"
                            "              priorityClassName: high\n"
                            "              terminationGracePeriodSeconds: 120\n"
                            "              restartPolicy: Always\n"
                            "              dnsPolicy: ClusterFirst\n"
                            "              containers:\n"
                            "                - name: a\n"
                            "                  image: a:1\n"
                            "                  resources: {limits: {cpu: \"1\", memory: 1Gi, nvidia.com/gpu: 1}}\n"
                            "                  ports: [{containerPort: 80, hostPort: 8080}, {containerPort: 81}]\n"
                            "                - name: b\n"
                            "                  image: b:1\n"
                            "                  resources: {requests: {cpu: 250m}}\n"
                            "              initContainers:\n"
                            "                - {name: i, image: i:1, resources: {requests: {cpu: \"2\", memory: 10Mi}}}\n"
                            "    - manifest:\n"
                            "        apiVersion: apps/v1\n"
                            "        kind: DaemonSet\n"
                            "        metadata: {name: b}\n"
                            "        spec:\n"
                            "          selector: {matchLabels: {app: b}}\n"
                            "          template:\n"
                            "            metadata: {labels: {app: b}}\n"
                            "            spec:\n"
                            "              priorityClassName: system-cluster-critical\n"
                            "              containers: [{name: b, image: b}]\n",
                       &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    const DaemonSetSpec *a = &s->specs[0], *b = &s->specs[1];
    EXPECT_STR(sym(s, a->namespace_), "ops");
    EXPECT_STR(sym(s, b->namespace_), "default");
    CU_ASSERT_TRUE(a->max_unavailable.is_percent);
    EXPECT_EQ_I64(a->max_unavailable.value, 25);
    EXPECT_EQ_I64(a->max_surge.value, 0);
    EXPECT_STR(sym(s, a->template_.node_name), "node-7");
    EXPECT_EQ_I64(a->template_.priority, 1000);
    EXPECT_EQ_I64(a->template_.termination_grace_seconds, 120);
    EXPECT_EQ_I64(a->template_.requests.cpu, 2000);             /* init container wins */
    EXPECT_EQ_I64(a->template_.requests.memory, 1024 * MI);     /* from the limit */
    EXPECT_EQ_I64(a->template_.nhost_ports, 1);
    EXPECT_EQ_I64(a->template_.host_ports[0], 8080);
    EXPECT_STR(sym(s, a->template_.image), "a:1");
    EXPECT_EQ_I64(b->template_.priority, 2000000000);
    scenario_free(s);
}

static void test_manifest_priority_classes(void)
{
    /* Without spec.priorityClasses an unknown class is priority 0 ... */
    Diag d;
    Scenario *s = load(with_ds("", "              priorityClassName: important\n"), &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    EXPECT_EQ_I64(s->specs[0].template_.priority, 0);
    EXPECT_STR(sym(s, s->specs[0].template_.priority_class), "important");
    scenario_free(s);
    /* ... with it, a missing class is an error at the reference. */
    char text[4096];
    snprintf(text, sizeof text, "%s", with_ds("", "              priorityClassName: nope\n"));
    char *spec = strstr(text, "spec:\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(spec);
    char fixed[4200];
    snprintf(fixed, sizeof fixed, "%.*sspec:\n  priorityClasses: {high: 10}\n%s", (int)(spec - text), text,
             spec + 6);
    expect_error(fixed, 16, 34, "no PriorityClass with name nope was found");
}

typedef struct {
    const char *ds, *pod;
    int line, col;
    const char *msg;
} ManifestCase;

static void test_manifest_validation(void)
{
    /* Line numbers: HEAD is 4 lines; DaemonSet spec lines are line 12, pod spec lines 15. */
    static const ManifestCase cases[] = {
        {"          updateStrategy: {rollingUpdate: {maxSurge: 1}}\n", "", 12, 54,
         "maxUnavailable defaults to 1"},
        {"          updateStrategy: {rollingUpdate: {maxSurge: 2, maxUnavailable: 1}}\n", "", 12, 54,
         "may not be set when maxUnavailable is non-zero"},
        {"          updateStrategy: {rollingUpdate: {maxSurge: 0%, maxUnavailable: 0}}\n", "", 12, 74,
         "cannot be 0 when maxSurge is 0"},
        {"          updateStrategy: {rollingUpdate: {maxUnavailable: -1}}\n", "", 12, 60,
         "must be greater than or equal to 0"},
        {"          updateStrategy: {rollingUpdate: {maxUnavailable: 1.5}}\n", "", 12, 60,
         "must be an integer or percentage"},
        {"          updateStrategy: {type: Recreate}\n", "", 12, 34, "must be one of RollingUpdate, OnDelete"},
        {"          minReadySeconds: -1\n", "", 12, 28, "must be >= 0, got -1"},
        {"          revisionHistoryLimit: \"10\"\n", "", 12, 33, "expected an integer"},
        {"          replicas: 3\n", "", 12, 11, "unknown field \"spec.replicas\" in DaemonSetSpec"},
        {"", "              activeDeadlineSeconds: 30\n", 15, 38, "not Supported"},
        {"", "              hostNetwork: \"true\"\n", 15, 28, "expected true or false"},
        {"", "              priorityClassName: [high]\n", 15, 34, "expected a string, got a sequence"},
        {"", "              tolerations: [{operator: Equal, value: x}]\n", 15, 40,
         "operator must be Exists when `key` is empty"},
        {"", "              tolerations: [{key: k, effect: NoSchedule, tolerationSeconds: 5}]\n", 15, 77,
         "effect must be 'NoExecute'"},
        {"", "              tolerations: [{key: k, operator: Equals}]\n", 15, 48, "must be one of Equal, Exists"},
        {"", "              tolerations: [{key: k, effect: NoEvict}]\n", 15, 46, "must be one of NoSchedule"},
        {"", "              nodeSelector: {\"bad key/x/y\": v}\n", 15, 45, "invalid label key"},
        {"", "              affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: []}}}\n",
         15, 109, "at least one node selector term"},
        {"", "              affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: a, operator: Gt, values: [x]}]}]}}}\n",
         15, 162, "must be an integer"},
        {"", "              affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchFields: [{key: metadata.labels, operator: In, values: [x]}]}]}}}\n",
         15, 131, "not a valid field selector key"},
        {"", "              affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: a, operator: Exists, values: [x]}]}]}}}\n",
         15, 165, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"},
        {"", "              hostNetwork: true\n              initContainers: [{name: agent, image: x}]\n", 17, 35,
         "Duplicate value: \"agent\""},
    };
    for (size_t i = 0; i < DS_ARRAY_LEN(cases); i++) {
        Diag d;
        diag_init(&d);
        Scenario *s = scenario_load(tmp_write("m.yaml", with_ds(cases[i].ds, cases[i].pod)), NULL, 0, &d);
        CU_ASSERT_PTR_NULL(s);
        scenario_free(s);
        if (!strstr(d.msg, cases[i].msg) || d.pos.line != cases[i].line || d.pos.col != cases[i].col)
            fprintf(stderr, "\ncase %zu: %d:%d: %s\n", i, d.pos.line, d.pos.col, d.msg);
        EXPECT_CONTAINS(d.msg, cases[i].msg);
        EXPECT_EQ_I64(d.pos.line, cases[i].line);
        EXPECT_EQ_I64(d.pos.col, cases[i].col);
    }
}

static void test_manifest_host_ports(void)
{
    Diag d;
    Scenario *s = load(HEAD "  daemonSets:\n    - manifest:\n"
                            "        apiVersion: apps/v1\n        kind: DaemonSet\n"
                            "        metadata: {name: a}\n        spec:\n"
                            "          selector: {matchLabels: {app: a}}\n"
                            "          template:\n            metadata: {labels: {app: a}}\n"
                            "            spec:\n              hostNetwork: true\n"
                            "              containers:\n"
                            "                - {name: a, image: a, ports: [{containerPort: 53, protocol: UDP}, {containerPort: 53}]}\n"
                            "                - {name: b, image: b, ports: [{containerPort: 53, hostPort: 54}]}\n",
                       &d);
    CU_ASSERT_PTR_NULL(s);
    EXPECT_CONTAINS(d.msg, "must match `containerPort` when `hostNetwork` is true");
    EXPECT_EQ_I64(d.pos.line, 18);
    scenario_free(s);
    s = load(HEAD "  daemonSets:\n    - manifest:\n"
                  "        apiVersion: apps/v1\n        kind: DaemonSet\n"
                  "        metadata: {name: a}\n        spec:\n"
                  "          selector: {matchLabels: {app: a}}\n"
                  "          template:\n            metadata: {labels: {app: a}}\n"
                  "            spec:\n"
                  "              containers:\n"
                  "                - {name: a, image: a, ports: [{containerPort: 1, hostPort: 80}]}\n"
                  "                - {name: b, image: b, ports: [{containerPort: 2, hostPort: 80}]}\n",
             &d);
    CU_ASSERT_PTR_NULL(s);
    EXPECT_CONTAINS(d.msg, "Duplicate value: \"80/TCP\"");
    scenario_free(s);
}

/* ---- the full scenario: pools, imports, events, expectations ----------------- */

static void test_full_scenario(void)
{
    Diag d;
    diag_init(&d);
    Scenario *s = scenario_load(MANIFESTS "full-scenario.yaml", NULL, 0, &d);
    if (!s) diag_print(&d, stderr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    EXPECT_STR(s->name, "full");
    EXPECT_EQ_I64(s->seed, 7);
    EXPECT_EQ_I64(s->duration, 2 * SIM_HOUR + 30 * SIM_MIN);
    /* Pools: 3 declared, then 3 + 2 imported nodes. */
    EXPECT_EQ_I64(s->npools, 8);
    const NodePoolSpec *w = pool_named(s, "workers");
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    EXPECT_EQ_I64(w->allocatable.cpu, 8000);
    EXPECT_EQ_I64(w->used.cpu, 7500);
    EXPECT_EQ_I64(w->used.memory, 28 * GI);
    EXPECT_EQ_I64(w->used_priority, 100);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w->timing);
    EXPECT_NEAR(w->timing->image_pull.a, 20, 0);
    EXPECT_EQ_I64(w->timing->node_startup.kind, DIST_EMPIRICAL);   /* from spec.timing */
    const NodePoolSpec *cp = pool_named(s, "control-plane");
    CU_ASSERT_PTR_NOT_NULL_FATAL(cp);
    EXPECT_EQ_I64(cp->ntaints, 1);
    EXPECT_EQ_I64(cp->taints[0].effect, EFFECT_NO_SCHEDULE);
    CU_ASSERT_TRUE(pool_named(s, "spare")->unschedulable);
    EXPECT_EQ_I64(pool_named(s, "spare")->count, 0);
    EXPECT_EQ_I64(s->nspecs, 10);
    EXPECT_EQ_I64(s->ninitial, 5);
    EXPECT_EQ_I64(spec_named(s, "inline-agent")->template_.priority, 1000000);
    EXPECT_EQ_I64(s->nactions, 18);
    EXPECT_EQ_I64(s->nexpects, 4);
    scenario_free(s);
}

static void test_imported_nodes(void)
{
    Diag d;
    diag_init(&d);
    Scenario *s = scenario_load(MANIFESTS "full-scenario.yaml", NULL, 0, &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    const NodePoolSpec *cp1 = node_named(s, "cp-1"), *wa = node_named(s, "worker-a"),
                       *wb = node_named(s, "worker-b"), *g1 = node_named(s, "gpu-1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(cp1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wa);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wb);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g1);
    EXPECT_STR(sym(s, cp1->name), "nodes");     /* pool named after nodes.yaml */
    EXPECT_STR(sym(s, g1->name), "gpus");       /* pool: gpus */
    EXPECT_EQ_I64(cp1->count, 1);
    EXPECT_EQ_I64(cp1->ntaints, 1);
    EXPECT_EQ_I64(cp1->allocatable.cpu, 8000);
    EXPECT_EQ_I64(cp1->allocatable.memory, INT64_C(32761364) * 1024 * 1000);
    EXPECT_EQ_I64(cp1->allocatable.pods, 110000);
    EXPECT_STR(label(s, cp1->labels, cp1->nlabels, "node-role.kubernetes.io/control-plane"), "");
    EXPECT_EQ_I64(wa->allocatable.cpu, 3920);
    EXPECT_EQ_I64(wa->allocatable.pods, 58000);
    EXPECT_STR(label(s, wa->labels, wa->nlabels, "topology.kubernetes.io/zone"), "eu-west-1a");
    /* Imported nodes keep their own labels: no defaults added. */
    EXPECT_STR(label(s, wb->labels, wb->nlabels, "kubernetes.io/arch"), "arm64");
    CU_ASSERT_TRUE(wb->unschedulable);
    /* The controller-managed unschedulable taint is dropped, the user's kept. */
    EXPECT_EQ_I64(wb->ntaints, 1);
    EXPECT_STR(sym(s, wb->taints[0].key), "dedicated");
    EXPECT_EQ_I64(wb->taints[0].effect, EFFECT_NO_EXECUTE);
    EXPECT_EQ_I64(g1->allocatable.cpu, 31850);
    EXPECT_EQ_I64(g1->allocatable.memory, 125 * GI);
    EXPECT_STR(sym(s, g1->taints[0].value), "present");
    CU_ASSERT_TRUE(g1->pos.line > 0);
    scenario_free(s);
}

static bool has_taint(const Scenario *s, const NodePoolSpec *p, const char *key, TaintEffect e)
{
    for (uint32_t i = 0; i < p->ntaints; i++)
        if (!strcmp(sym(s, p->taints[i].key), key) && p->taints[i].effect == e) return true;
    return false;
}

/* The state of imported nodes: the Ready condition and the NoSchedule
 * taints the node lifecycle controller derives from the conditions
 * (docs/behaviour.md §7.1; upstream doNoScheduleTaintingPass), rebuilt
 * when the dump lacks them; NoExecute kept only when it matches Ready. */
static void test_imported_node_state(void)
{
    Diag d;
    Scenario *s = load(HEAD "  cluster:\n    nodesFrom:\n"
                            "      - " MANIFESTS "nodes-three-unknown.yaml\n"
                            "      - " MANIFESTS "nodes-cordoned-notready.yaml\n", &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    const char *unr = "node.kubernetes.io/unreachable", *nr = "node.kubernetes.io/not-ready";
    const NodePoolSpec *ready = node_named(s, "ip-10-0-0-17"), *u3 = node_named(s, "ip-10-0-3-17"),
                       *u8 = node_named(s, "ip-10-0-8-17"), *cord = node_named(s, "ip-10-1-1-21"),
                       *notready = node_named(s, "ip-10-1-4-21");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ready);
    CU_ASSERT_PTR_NOT_NULL_FATAL(u3);
    CU_ASSERT_PTR_NOT_NULL_FATAL(u8);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cord);
    CU_ASSERT_PTR_NOT_NULL_FATAL(notready);
    EXPECT_EQ_I64(ready->start, NODE_START_READY);
    EXPECT_EQ_I64(ready->ntaints, 0);
    EXPECT_EQ_I64(u3->start, NODE_START_UNKNOWN);
    EXPECT_EQ_I64(u3->ntaints, 2);
    CU_ASSERT_TRUE(has_taint(s, u3, unr, EFFECT_NO_SCHEDULE));
    CU_ASSERT_TRUE(has_taint(s, u3, unr, EFFECT_NO_EXECUTE));
    /* exported before the NoExecute pass: the simulation's limiter adds it */
    EXPECT_EQ_I64(u8->start, NODE_START_UNKNOWN);
    EXPECT_EQ_I64(u8->ntaints, 1);
    CU_ASSERT_TRUE(has_taint(s, u8, unr, EFFECT_NO_SCHEDULE));
    /* cordoned: the unschedulable taint follows spec.unschedulable (added at run time) */
    EXPECT_EQ_I64(cord->start, NODE_START_READY);
    CU_ASSERT_TRUE(cord->unschedulable);
    EXPECT_EQ_I64(cord->ntaints, 0);
    EXPECT_EQ_I64(notready->start, NODE_START_NOT_READY);
    EXPECT_EQ_I64(notready->ntaints, 2);
    CU_ASSERT_TRUE(has_taint(s, notready, nr, EFFECT_NO_SCHEDULE));
    CU_ASSERT_TRUE(has_taint(s, notready, nr, EFFECT_NO_EXECUTE));
    scenario_free(s);

    /* JSON: pressure conditions give their taints; taints that contradict
     * the conditions go; a node without conditions is Ready; user taints stay. */
    const char *json =
        "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n"
        " {\"kind\": \"Node\", \"metadata\": {\"name\": \"p\"},\n"
        "  \"spec\": {\"taints\": [{\"key\": \"node.kubernetes.io/unreachable\", \"effect\": \"NoExecute\"},\n"
        "                          {\"key\": \"node.kubernetes.io/not-ready\", \"effect\": \"NoSchedule\"},\n"
        "                          {\"key\": \"team\", \"value\": \"a\", \"effect\": \"NoSchedule\"}]},\n"
        "  \"status\": {\"conditions\": [{\"type\": \"Ready\", \"status\": \"True\"},\n"
        "    {\"type\": \"MemoryPressure\", \"status\": \"True\"}, {\"type\": \"DiskPressure\", \"status\": \"False\"},\n"
        "    {\"type\": \"PIDPressure\", \"status\": \"True\"}, {\"type\": \"NetworkUnavailable\", \"status\": \"False\"}]}},\n"
        " {\"kind\": \"Node\", \"metadata\": {\"name\": \"bare\"}},\n"
        " {\"kind\": \"Node\", \"metadata\": {\"name\": \"down\"},\n"
        "  \"status\": {\"conditions\": [{\"type\": \"Ready\", \"status\": \"False\", \"reason\": \"KubeletNotReady\"}]}}]}\n";
    tmp_write("pressure.json", json);
    char text[1024];
    snprintf(text, sizeof text, HEAD "  cluster:\n    nodesFrom: [%s/pressure.json]\n", tmpdir);
    s = load(text, &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    const NodePoolSpec *p = node_named(s, "p"), *bare = node_named(s, "bare"),
                       *down = node_named(s, "down");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bare);
    CU_ASSERT_PTR_NOT_NULL_FATAL(down);
    EXPECT_EQ_I64(p->start, NODE_START_READY);
    EXPECT_EQ_I64(p->ntaints, 3);
    CU_ASSERT_TRUE(has_taint(s, p, "team", EFFECT_NO_SCHEDULE));
    CU_ASSERT_TRUE(has_taint(s, p, "node.kubernetes.io/memory-pressure", EFFECT_NO_SCHEDULE));
    CU_ASSERT_TRUE(has_taint(s, p, "node.kubernetes.io/pid-pressure", EFFECT_NO_SCHEDULE));
    EXPECT_EQ_I64(bare->start, NODE_START_READY);
    EXPECT_EQ_I64(bare->ntaints, 0);
    EXPECT_EQ_I64(down->start, NODE_START_NOT_READY);
    EXPECT_EQ_I64(down->ntaints, 1);
    CU_ASSERT_TRUE(has_taint(s, down, "node.kubernetes.io/not-ready", EFFECT_NO_SCHEDULE));
    scenario_free(s);

    /* Bad conditions are input errors at the condition. */
    tmp_write("badcond.yaml", "kind: Node\nmetadata: {name: x}\nstatus:\n  conditions:\n"
                              "  - {type: Ready, status: Maybe}\n");
    snprintf(text, sizeof text, HEAD "  cluster:\n    nodesFrom: [%s/badcond.yaml]\n", tmpdir);
    expect_error(text, -1, 0, "must be one of True, False, Unknown");
    tmp_write("nostatus.yaml", "kind: Node\nmetadata: {name: x}\nstatus:\n  conditions:\n"
                               "  - {type: Ready}\n");
    snprintf(text, sizeof text, HEAD "  cluster:\n    nodesFrom: [%s/nostatus.yaml]\n", tmpdir);
    expect_error(text, -1, 0, "node condition Ready needs a status");
}

/* alreadyRunning: a key of spec.daemonSets entries only. */
static void test_already_running(void)
{
    Diag d;
    Scenario *s = load(HEAD "  daemonSets:\n"
                            "    - {file: " MANIFESTS "fluentd-elasticsearch.yaml, alreadyRunning: true}\n"
                            "    - " MANIFESTS "node-exporter.yaml\n", &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    EXPECT_EQ_I64(s->ninitial, 2);
    CU_ASSERT_TRUE(s->specs[0].already_running);
    CU_ASSERT_FALSE(s->specs[1].already_running);
    scenario_free(s);
    expect_error(HEAD "  daemonSets:\n"
                      "    - {file: " MANIFESTS "fluentd-elasticsearch.yaml, alreadyRunning: yes}\n",
                 -1, 0, "expected true or false");
    expect_error(HEAD "  events:\n    - at: 1m\n      createDaemonSet:\n"
                      "        {file: " MANIFESTS "node-exporter.yaml, alreadyRunning: true}\n",
                 -1, 0, "unknown key \"alreadyRunning\"");
}

static void test_events(void)
{
    Diag d;
    diag_init(&d);
    Scenario *s = scenario_load(MANIFESTS "full-scenario.yaml", NULL, 0, &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    const Action *a = s->actions;
    /* update with image */
    EXPECT_EQ_I64(a[0].kind, ACT_UPDATE_DS);
    EXPECT_EQ_I64(a[0].at, 10 * SIM_MIN);
    EXPECT_STR(sym(s, a[0].ds_name), "fluentd-elasticsearch");
    const DaemonSetSpec *v1 = spec_named(s, "fluentd-elasticsearch"), *v2 = &s->specs[a[0].spec];
    EXPECT_EQ_I64(a[0].spec, 5);
    EXPECT_STR(sym(s, v2->template_.image), "quay.io/fluentd_elasticsearch/fluentd:v2.6.0");
    EXPECT_EQ_I64(v2->template_.requests.memory, 200 * MI);    /* the rest is kept */
    CU_ASSERT_TRUE(strcmp(v1->template_.canonical, v2->template_.canonical) != 0);
    /* patch on top of the previous update, with a bad release */
    const DaemonSetSpec *v3 = &s->specs[a[1].spec];
    EXPECT_EQ_I64(a[1].spec, 6);
    EXPECT_EQ_I64(v3->min_ready_seconds, 30);
    EXPECT_STR(sym(s, v3->template_.image), "quay.io/fluentd_elasticsearch/fluentd:v2.7.0");
    EXPECT_EQ_I64(v3->template_.failure.mode, FAILURE_CRASH_LOOP);
    EXPECT_NEAR(v3->template_.failure.probability, 0.5, 0);
    EXPECT_EQ_I64(v3->template_.ntolerations, 2);
    /* rollback to the previous revision: the v2.6.0 spec */
    EXPECT_EQ_I64(a[2].kind, ACT_ROLLBACK);
    EXPECT_EQ_I64(a[2].to_revision, 0);
    EXPECT_EQ_I64(a[2].spec, 5);
    /* restart: same template plus the restartedAt annotation */
    EXPECT_EQ_I64(a[3].kind, ACT_RESTART_DS);
    const DaemonSetSpec *rs = &s->specs[a[3].spec];
    EXPECT_STR(sym(s, rs->name), "node-exporter");
    EXPECT_CONTAINS(rs->template_.canonical, "\"kubectl.kubernetes.io/restartedAt\":\"1970-01-01T00:35:00Z\"");
    EXPECT_CONTAINS(rs->template_.canonical, "\"kubectl.kubernetes.io/default-container\"");
    /* create, update its one container, delete */
    EXPECT_EQ_I64(a[4].kind, ACT_CREATE_DS);
    EXPECT_STR(sym(s, a[4].ds_name), "late");
    EXPECT_EQ_I64(a[4].spec, 8);
    EXPECT_STR(sym(s, s->specs[a[5].spec].template_.image), "y:2");
    EXPECT_EQ_I64(a[6].kind, ACT_DELETE_DS);
    CU_ASSERT_TRUE(a[6].orphan);
    /* node actions */
    EXPECT_EQ_I64(a[7].kind, ACT_NODE_NOT_READY);
    CU_ASSERT_TRUE(a[7].nodes.has_fraction);
    EXPECT_NEAR(a[7].nodes.fraction, 0.01, 0);
    CU_ASSERT_TRUE(a[7].has_for);
    EXPECT_EQ_I64(a[7].for_.kind, DIST_EXPONENTIAL);
    EXPECT_NEAR(a[7].for_.a, 180, 0);
    EXPECT_EQ_I64(a[8].kind, ACT_REMOVE_NODES);
    CU_ASSERT_TRUE(a[8].repeats);
    EXPECT_EQ_I64(a[8].at, 0);
    EXPECT_EQ_I64(a[8].until, 6 * SIM_HOUR);
    EXPECT_NEAR(a[8].every.a, 1200, 0);
    EXPECT_EQ_I64(a[8].nodes.count, 1);
    CU_ASSERT_TRUE(a[8].nodes.has_count);
    EXPECT_STR(sym(s, a[8].nodes.pool), "workers");
    EXPECT_EQ_I64(a[9].kind, ACT_ADD_NODES);
    EXPECT_EQ_I64(a[9].count, 5);
    EXPECT_STR(sym(s, a[9].pool), "workers");
    EXPECT_EQ_I64(a[10].nodes.nnames, 3);
    EXPECT_EQ_I64(a[10].nodes.pool, SYM_NONE);
    EXPECT_EQ_I64(a[12].kind, ACT_TAINT);
    EXPECT_STR(sym(s, a[12].taint.value), "yes");
    EXPECT_EQ_I64(a[12].taint.effect, EFFECT_NO_EXECUTE);
    EXPECT_EQ_I64(a[12].nodes.nmatch_labels, 1);
    EXPECT_EQ_I64(a[13].kind, ACT_UNTAINT);
    CU_ASSERT_FALSE(a[13].has_effect);
    EXPECT_STR(sym(s, a[13].key), "maintenance");
    EXPECT_EQ_I64(a[14].nlabels, 1);
    EXPECT_EQ_I64(a[15].nkeys, 1);
    EXPECT_EQ_I64(a[17].kind, ACT_KILL_PODS);
    EXPECT_STR(sym(s, a[17].ds_name), "log-agent");
    CU_ASSERT_TRUE(a[17].repeats);
    EXPECT_EQ_I64(a[17].every.kind, DIST_CONSTANT);
    EXPECT_EQ_I64(a[17].until, SIM_NEVER);
    CU_ASSERT_TRUE(a[0].pos.line > 0);
    scenario_free(s);
}

static void test_expectations(void)
{
    Diag d;
    diag_init(&d);
    Scenario *s = scenario_load(MANIFESTS "full-scenario.yaml", NULL, 0, &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    const Expect *e = s->expects;
    EXPECT_EQ_I64(e[0].kind, EXPECT_STATUS);
    EXPECT_EQ_I64(e[0].at, 9 * SIM_MIN);
    CU_ASSERT_TRUE(e[0].has_field[STATUS_DESIRED]);
    CU_ASSERT_TRUE(e[0].has_field[STATUS_AVAILABLE]);
    CU_ASSERT_FALSE(e[0].has_field[STATUS_READY]);
    EXPECT_EQ_I64(e[0].field[STATUS_DESIRED], 100);
    EXPECT_EQ_I64(e[1].kind, EXPECT_ROLLOUT_WITHIN);
    EXPECT_EQ_I64(e[1].within, 3 * SIM_HOUR);
    EXPECT_EQ_I64(e[2].kind, EXPECT_PODS_ON);
    EXPECT_EQ_I64(e[2].count, 100);
    EXPECT_STR(sym(s, e[2].ds_name), "log-agent");
    EXPECT_EQ_I64(e[3].kind, EXPECT_ALWAYS);
    EXPECT_EQ_I64(e[3].invariants, (1u << INV_MAX_UNAVAILABLE) | (1u << INV_MAX_SURGE) |
                                       (1u << INV_ONE_POD_PER_NODE));
    EXPECT_EQ_I64(e[3].ds_name, SYM_NONE);
    scenario_free(s);
}

static void test_summary(void)
{
    Diag d;
    diag_init(&d);
    Scenario *s = scenario_load(MANIFESTS "full-scenario.yaml", NULL, 0, &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    FILE *f = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    scenario_print_summary(s, f);
    char *buf = file_text(f);
    EXPECT_CONTAINS(buf, "scenario full");
    EXPECT_CONTAINS(buf, "duration 2h30m0s");
    EXPECT_CONTAINS(buf, "pool workers");
    EXPECT_CONTAINS(buf, "allocatable cpu 8, memory 32Gi, pods 110");
    EXPECT_CONTAINS(buf, "nodes: 108 (3 pools, 5 imported nodes)");
    EXPECT_CONTAINS(buf, "imported gpus              2 nodes, e.g. gpu-1");
    EXPECT_CONTAINS(buf, "monitoring/node-exporter");
    EXPECT_CONTAINS(buf, "maxUnavailable 0 maxSurge 10%");
    EXPECT_CONTAINS(buf, "lognormal(median 6s, sigma 0.8) clamped to [0, 2m0s]");
    EXPECT_CONTAINS(buf, "rollback fluentd-elasticsearch to the previous revision (spec [5])");
    EXPECT_CONTAINS(buf, "always: maxUnavailableRespected");
    free(buf);
    scenario_free(s);
}

static void test_revision_chain(void)
{
    char text[2048];
    snprintf(text, sizeof text,
             HEAD "  daemonSets: [{file: %sfluentd-elasticsearch.yaml}]\n"
                  "  events:\n"
                  "    - {at: 30m, rollback: {name: fluentd-elasticsearch, toRevision: 1}}\n"
                  "    - {at: 10m, updateDaemonSet: {name: fluentd-elasticsearch, image: \"f:2\"}}\n"
                  "    - {at: 20m, updateDaemonSet: {name: fluentd-elasticsearch, image: \"f:3\"}}\n"
                  "    - {at: 40m, updateDaemonSet: {name: fluentd-elasticsearch, patch: {spec: {minReadySeconds: 7}}}}\n"
                  "    - {at: 50m, deleteDaemonSet: {name: fluentd-elasticsearch}}\n"
                  "    - {at: 1h, createDaemonSet: {file: %sfluentd-elasticsearch.yaml}}\n"
                  "    - {at: 1h1m, killPods: {daemonSet: fluentd-elasticsearch, nodes: {}}}\n",
             MANIFESTS, MANIFESTS);
    Diag d;
    Scenario *s = load(text, &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    /* Events are kept in file order; specs follow time order. */
    EXPECT_EQ_I64(s->actions[0].kind, ACT_ROLLBACK);
    EXPECT_EQ_I64(s->actions[0].spec, 0);           /* revision 1: the manifest itself */
    EXPECT_EQ_I64(s->actions[1].spec, 1);
    EXPECT_EQ_I64(s->actions[2].spec, 2);
    /* The patch after the rollback builds on revision 1 (image v2.5.2). */
    const DaemonSetSpec *p = &s->specs[s->actions[3].spec];
    EXPECT_EQ_I64(p->min_ready_seconds, 7);
    EXPECT_STR(sym(s, p->template_.image), "quay.io/fluentd_elasticsearch/fluentd:v2.5.2");
    EXPECT_STR(p->template_.canonical, s->specs[0].template_.canonical);
    EXPECT_EQ_I64(s->actions[5].kind, ACT_CREATE_DS);
    EXPECT_EQ_I64(s->actions[5].spec, 4);
    scenario_free(s);

    /* Named revisions must exist; DaemonSets must exist at the time. */
    snprintf(text, sizeof text,
             HEAD "  daemonSets: [{file: %sfluentd-elasticsearch.yaml}]\n"
                  "  events:\n"
                  "    - {at: 10m, updateDaemonSet: {name: fluentd-elasticsearch, image: \"f:2\"}}\n"
                  "    - {at: 30m, rollback: {name: fluentd-elasticsearch, toRevision: 3}}\n",
             MANIFESTS);
    expect_error(text, 8, 69, "has no revision 3 at 30m0s (its revisions are 1..2)");
    snprintf(text, sizeof text,
             HEAD "  daemonSets: [{file: %sfluentd-elasticsearch.yaml}]\n"
                  "  events:\n"
                  "    - {at: 10m, deleteDaemonSet: {name: fluentd-elasticsearch}}\n"
                  "    - {at: 30m, restartDaemonSet: {name: fluentd-elasticsearch}}\n",
             MANIFESTS);
    expect_error(text, 8, 42, "was deleted before 30m0s");
    snprintf(text, sizeof text,
             HEAD "  events:\n"
                  "    - {at: 10m, killPods: {daemonSet: fluentd-elasticsearch, nodes: {}}}\n"
                  "    - {at: 20m, createDaemonSet: {file: %sfluentd-elasticsearch.yaml}}\n",
             MANIFESTS);
    expect_error(text, 6, 39, "does not exist yet at 10m0s (it is created at 20m0s)");
    snprintf(text, sizeof text,
             HEAD "  daemonSets: [{file: %sfluentd-elasticsearch.yaml}]\n"
                  "  events:\n"
                  "    - {at: 10m, createDaemonSet: {file: %sfluentd-elasticsearch.yaml}}\n",
             MANIFESTS, MANIFESTS);
    expect_error(text, 6, 9, "DaemonSet \"fluentd-elasticsearch\" already exists");
    snprintf(text, sizeof text,
             HEAD "  daemonSets: [{file: %sfluentd-elasticsearch.yaml}]\n"
                  "  events:\n"
                  "    - {at: 10m, updateDaemonSet: {name: fluentd-elasticsearch, image: x, container: nope}}\n",
             MANIFESTS);
    expect_error(text, 7, 85, "has no container \"nope\" (containers: fluentd-elasticsearch)");
    snprintf(text, sizeof text,
             HEAD "  daemonSets: [{file: %sfluentd-elasticsearch.yaml}]\n"
                  "  events:\n"
                  "    - {at: 10m, updateDaemonSet: {name: fluentd-elasticsearch, failure: {mode: CrashLoopBackOff}}}\n",
             MANIFESTS);
    expect_error(text, 7, 34, "needs image: or patch:");
    snprintf(text, sizeof text,
             HEAD "  daemonSets: [{file: %sfluentd-elasticsearch.yaml}]\n"
                  "  events:\n"
                  "    - {at: 10m, updateDaemonSet: {name: fluentd-elasticsearch, patch: {spec: {template: {spec: {containers: []}}}}}}\n",
             MANIFESTS);
    expect_error(text, 7, 109, "a pod needs at least one container");
}

/* ---- overrides -------------------------------------------------------------- */

static const char *override_base(void)
{
    static char text[1024];
    snprintf(text, sizeof text,
             HEAD "  seed: 3\n"
                  "  cluster:\n"
                  "    nodePools:\n"
                  "      - {name: control-plane, count: 3}\n"
                  "      - {name: workers, count: 10, labels: {kubernetes.io/os: linux}}\n"
                  "  daemonSets:\n"
                  "    - file: %sfluentd-elasticsearch.yaml\n"
                  "    - file: %snode-exporter.yaml\n",
             MANIFESTS, MANIFESTS);
    return text;
}

static void test_override_paths_and_aliases(void)
{
    Override o[] = {
        {"seed", "99"},
        {"nodes", "5"},
        {"spec.cluster.nodePools[workers].count", "200"},
        {"spec.cluster.nodePools[1].labels[\"example.com/tier\"]", "gold"},
        {"spec.controlPlane.apiQps", "50"},
        {"spec.timing.imagePull", "{dist: exponential, mean: 2s}"},
        {"minReadySeconds", "15"},
        {"fluentd-elasticsearch.maxUnavailable", "10%"},
    };
    Diag d;
    Scenario *s = load_ovr(override_base(), o, DS_ARRAY_LEN(o), &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    EXPECT_EQ_I64(s->seed, 99);
    EXPECT_EQ_I64(s->pools[0].count, 5);
    EXPECT_EQ_I64(s->pools[1].count, 200);
    EXPECT_STR(label(s, s->pools[1].labels, s->pools[1].nlabels, "example.com/tier"), "gold");
    EXPECT_NEAR(s->control_plane.api_qps, 50, 0);
    EXPECT_EQ_I64(s->timing.image_pull.kind, DIST_EXPONENTIAL);
    const DaemonSetSpec *f = spec_named(s, "fluentd-elasticsearch"), *n = spec_named(s, "node-exporter");
    EXPECT_EQ_I64(f->min_ready_seconds, 15);
    EXPECT_EQ_I64(n->min_ready_seconds, 15);
    CU_ASSERT_TRUE(f->max_unavailable.is_percent);
    EXPECT_EQ_I64(f->max_unavailable.value, 10);
    /* node-exporter keeps its surge strategy. */
    EXPECT_EQ_I64(n->max_surge.value, 10);
    scenario_free(s);
}

static void test_override_surge_rule(void)
{
    Diag d;
    /* maxSurge alone: maxUnavailable becomes 0 (docs/cli.md's sweep rule). */
    Override a[] = {{"maxSurge", "2"}};
    Scenario *s = load_ovr(override_base(), a, 1, &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    for (uint32_t i = 0; i < s->nspecs; i++) {
        EXPECT_EQ_I64(s->specs[i].max_surge.value, 2);
        CU_ASSERT_FALSE(s->specs[i].max_surge.is_percent);
        EXPECT_EQ_I64(s->specs[i].max_unavailable.value, 0);
    }
    scenario_free(s);
    /* ... and symmetrically maxUnavailable alone turns surge off. */
    Override b[] = {{"maxUnavailable", "25%"}};
    s = load_ovr(override_base(), b, 1, &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    const DaemonSetSpec *n = spec_named(s, "node-exporter");
    EXPECT_EQ_I64(n->max_unavailable.value, 25);
    EXPECT_EQ_I64(n->max_surge.value, 0);
    scenario_free(s);
    /* NAME.field applies after the global ones, whatever the order. */
    Override c[] = {{"node-exporter.maxSurge", "1"}, {"maxUnavailable", "3"}};
    s = load_ovr(override_base(), c, 2, &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    n = spec_named(s, "node-exporter");
    EXPECT_EQ_I64(n->max_surge.value, 1);
    EXPECT_EQ_I64(n->max_unavailable.value, 0);
    const DaemonSetSpec *f = spec_named(s, "fluentd-elasticsearch");
    EXPECT_EQ_I64(f->max_unavailable.value, 3);
    EXPECT_EQ_I64(f->max_surge.value, 0);
    scenario_free(s);
    /* Both given: validated as written. */
    Override e[] = {{"maxSurge", "1"}, {"maxUnavailable", "1"}};
    expect_error_ovr(override_base(), e, 2, 0, 0, "may not be set when maxUnavailable is non-zero");
    EXPECT_EQ_I64(0, 0);
}

static void test_override_errors(void)
{
    struct {
        Override o;
        const char *file, *msg;
    } cases[] = {
        {{"seed", "abc"}, "--set seed", "expected an integer, got a string \"abc\""},
        {{"seed", "[1"}, "--set seed", "invalid value \"[1\""},
        {{"", "1"}, "--set ", "empty key"},
        {{"spec.durration", "1h"}, "--set spec.durration", "unknown key \"durration\" (did you mean \"duration\"?)"},
        {{"spec.cluster.nodePools[9].count", "1"}, "--set spec.cluster.nodePools[9].count",
         "index 9 is out of range: spec.cluster.nodePools has 2 items"},
        {{"spec.seed.x", "1"}, "--set spec.seed.x", "spec.seed is an integer (3), not a mapping"},
        {{"spec.cluster[0]", "1"}, "--set spec.cluster[0]", "spec.cluster is a mapping, not a list"},
        {{"spec..x", "1"}, "--set spec..x", "empty key in path"},
        {{"spec.cluster.nodePools[x", "1"}, "--set spec.cluster.nodePools[x", "missing ] in path"},
        {{"nope.maxSurge", "1"}, "--set nope.maxSurge", "no DaemonSet named \"nope\""},
        {{"maxSurge", "-1"}, "--set maxSurge", "must be greater than or equal to 0"},
        {{"minReadySeconds", "1.5"}, "--set minReadySeconds", "expected an integer, got a number (1.5)"},
        {{"nodes", "-3"}, "--set nodes", "must be >= 0, got -3"},
    };
    for (size_t i = 0; i < DS_ARRAY_LEN(cases); i++) {
        Diag d;
        diag_init(&d);
        Scenario *s = scenario_load(tmp_write("o.yaml", override_base()), &cases[i].o, 1, &d);
        CU_ASSERT_PTR_NULL(s);
        scenario_free(s);
        if (!strstr(d.msg, cases[i].msg)) fprintf(stderr, "\ncase %zu: %s\n", i, d.msg);
        EXPECT_CONTAINS(d.msg, cases[i].msg);
        EXPECT_STR(d.pos.file, cases[i].file);
        EXPECT_EQ_I64(d.pos.line, 0);
    }
    /* `nodes` needs a pool. */
    Override n = {"nodes", "3"};
    expect_error_ovr(HEAD "  seed: 1\n", &n, 1, 0, 0, "no node pools");
}

/* ---- scenario errors -------------------------------------------------------- */

typedef struct {
    const char *body;       /* after HEAD */
    int line, col;
    const char *msg;
} ErrCase;

static void test_scenario_errors(void)
{
    static const ErrCase cases[] = {
        {"  seed: -1\n", 5, 9, "must be >= 0, got -1"},
        {"  duration: 0s\n", 5, 13, "must be greater than 0"},
        {"  stopWhen: never\n", 5, 13, "must be one of converged, duration"},
        {"  sample: [1]\n", 5, 11, "expected a duration"},
        {"  priorityClasses: {system-x: 5}\n", 5, 21, "reserved"},
        {"  priorityClasses: {big: 2000000000}\n", 5, 26, "must be <= 1000000000"},
        {"  controlPlane: {apiQps: 0}\n", 5, 26, "must be greater than 0"},
        {"  controlPlane: {workers: 0}\n", 5, 27, "must be >= 1, got 0"},
        {"  controlPlane: {candidateOrder: oldest}\n", 5, 34, "must be one of random, name"},
        {"  controlPlane: {nodeMonitorPeriod: 0}\n", 5, 37, "must be greater than 0"},
        {"  timing: {watch: {dist: constant}}\n", 5, 19, "missing required key \"value\""},
        {"  timing: {watch: {value: 1s}}\n", 5, 19, "missing required key \"dist\""},
        {"  timing: {schedule: {dist: uniform, min: 2s, max: 1s}}\n", 5, 52, "max must be >= min"},
        {"  timing: {readiness: {dist: gamma, shape: 0, scale: 1s}}\n", 5, 44, "shape must be > 0"},
        {"  timing: {termination: {dist: exponential, mean: 0s}}\n", 5, 51, "mean must be > 0"},
        {"  timing: {imagePull: {dist: empirical, values: []}}\n", 5, 49, "values must not be empty"},
        {"  timing: {imagePull: {dist: lognormal, median: 1s, sigma: 1, min: 5s, max: 1s}}\n", 5, 77,
         "max must be >= min"},
        {"  timing: {imagePull: [1s]}\n", 5, 23, "expected a duration or a distribution"},
        {"  timing: {pull: 1s}\n", 5, 12, "unknown key \"pull\""},
        {"  cluster: {nodePools: [{name: Workers, count: 1}]}\n", 5, 32, "invalid pool name \"Workers\""},
        {"  cluster: {nodePools: [{count: 1}]}\n", 5, 25, "missing required key \"name\""},
        {"  cluster: {nodePools: [{name: w}]}\n", 5, 25, "missing required key \"count\""},
        {"  cluster: {nodePools: [{name: w, count: 1, taints: [{key: k}]}]}\n", 5, 54,
         "missing required key \"effect\""},
        {"  cluster: {nodePools: [{name: w, count: 1, taints: [{key: k, effect: NoExecute}, {key: k, effect: NoExecute}]}]}\n",
         5, 83, "taint k:NoExecute appears twice"},
        {"  cluster: {nodePools: [{name: w, count: 1, allocatable: {gpu: 1}}]}\n", 5, 59, "unknown key \"gpu\""},
        {"  cluster: {nodePools: [{name: w, count: 1, unschedulable: yes}]}\n", 5, 60, "expected true or false"},
        {"  cluster: {nodesFrom: [{pool: x}]}\n", 5, 25, "missing required key \"file\""},
        {"  daemonSets: [{timing: {}}]\n", 5, 16, "needs file: (a manifest file) or manifest:"},
        {"  daemonSets: [{file: a.yaml, manifest: {}}]\n", 5, 41, "give file: or manifest:, not both"},
        {"  events: [{cordon: {nodes: {}}}]\n", 5, 12, "needs at: (when it happens) or every:"},
        {"  events: [{at: 1m}]\n", 5, 12, "an event needs one action: addNodes, removeNodes"},
        {"  events: [{at: 1m, cordon: {}}]\n", 5, 29, "missing required key \"nodes\""},
        {"  events: [{at: 1m, cordon: {nodes: {count: 1, fraction: 0.5}}}]\n", 5, 58,
         "give count: or fraction:, not both"},
        {"  events: [{at: 1m, cordon: {nodes: {names: a}}}]\n", 5, 45, "write names: [a]"},
        {"  events: [{every: 0s, cordon: {nodes: {}}}]\n", 5, 20, "the interval must be greater than 0"},
        {"  events: [{at: 2h, every: 1m, until: 1h, cordon: {nodes: {}}}]\n", 5, 39, "must not be before at:"},
        {"  events: [{at: 1m, addNodes: {pool: w, count: 0}}]\n", 5, 38, "unknown pool \"w\""},
        {"  events: [{at: 1m, unlabel: {nodes: {}, keys: [\"a b\"]}}]\n", 5, 49, "invalid label key \"a b\""},
        {"  events: [{at: 1m, deleteDaemonSet: {name: x, cascade: foreground}}]\n", 5, 57,
         "must be one of background, orphan"},
        {"  events: [{at: 1m, updateDaemonSet: {name: x, image: y, patch: [1]}}]\n", 5, 45, "unknown DaemonSet \"x\""},
        {"  expect: [{at: 1m}]\n", 5, 12, "an expectation needs status:, rolloutCompleteWithin:, podsOn: or always:"},
        {"  expect: [{at: 1m, status: {numberReady: 1}}]\n", 5, 12, "needs at: and daemonSet:"},
        {"  expect: [{daemonSet: x, rolloutCompleteWithin: 1h}]\n", 5, 24, "unknown DaemonSet \"x\""},
        {"  expect: [{podsOn: {nodes: {}, count: 1}}]\n", 5, 12, "podsOn needs at:"},
        {"  expect: [{at: 1m, always: [atMostOnePodPerNode]}]\n", 5, 17, "always: takes no at:"},
        {"  expect: [{always: [x], podsOn: {}}]\n", 5, 12, "checks one thing"},
        {"  extra: 1\n", 5, 3, "unknown key \"extra\""},

    };
    for (size_t i = 0; i < DS_ARRAY_LEN(cases); i++) {
        char text[1024];
        snprintf(text, sizeof text, HEAD "%s", cases[i].body);
        Diag d;
        diag_init(&d);
        Scenario *s = scenario_load(tmp_write("e.yaml", text), NULL, 0, &d);
        CU_ASSERT_PTR_NULL(s);
        scenario_free(s);
        if (!strstr(d.msg, cases[i].msg) || d.pos.line != cases[i].line || d.pos.col != cases[i].col)
            fprintf(stderr, "\ncase %zu: %d:%d: %s\n", i, d.pos.line, d.pos.col, d.msg);
        EXPECT_CONTAINS(d.msg, cases[i].msg);
        EXPECT_EQ_I64(d.pos.line, cases[i].line);
        EXPECT_EQ_I64(d.pos.col, cases[i].col);
    }
    expect_error("", 1, 1, "the file is empty");
    expect_error("- 1\n", 1, 1, "expected a mapping, got a sequence");
    Diag d;
    diag_init(&d);
    CU_ASSERT_PTR_NULL(scenario_load("/nonexistent/s.yaml", NULL, 0, &d));
    EXPECT_STR(d.msg, "cannot read: No such file or directory");
    EXPECT_STR(d.pos.file, "/nonexistent/s.yaml");
}

static void test_import_errors(void)
{
    tmp_write("dup.yaml", "apiVersion: v1\nkind: List\nitems:\n- metadata: {name: a}\n- metadata: {name: a}\n");
    tmp_write("clash.yaml", "kind: Node\nmetadata: {name: w-2}\n");
    tmp_write("wrong.yaml", "items:\n- kind: Pod\n  metadata: {name: p}\n");
    tmp_write("alias.yaml", "items:\n- &n {metadata: {name: a}}\n- *n\n");
    expect_error(HEAD "  cluster: {nodesFrom: [dup.yaml]}\n", 5, 3, "node \"a\" is imported twice");
    expect_error(HEAD "  cluster: {nodePools: [{name: w, count: 3}], nodesFrom: [clash.yaml]}\n", 1, 1,
                 "has the name of node 2 of pool \"w\"");
    expect_error(HEAD "  cluster: {nodesFrom: [wrong.yaml]}\n", 2, 9, "expected kind Node, got a string \"Pod\"");
    expect_error(HEAD "  cluster: {nodesFrom: [alias.yaml]}\n", 3, 3, "aliases (*name) are not supported");
    expect_error(HEAD "  cluster: {nodePools: [{name: clash, count: 1}], nodesFrom: [clash.yaml]}\n", 5, 63,
                 "pool name \"clash\" of the imported nodes is already a node pool");
    /* A single Node (kubectl get node X -o yaml) is a list of one. */
    Diag d;
    Scenario *s = load(HEAD "  cluster: {nodePools: [{name: w, count: 2}], nodesFrom: [{file: clash.yaml, pool: one}]}\n", &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    EXPECT_EQ_I64(s->npools, 2);
    EXPECT_STR(sym(s, s->pools[1].node_name), "w-2");
    EXPECT_STR(sym(s, s->pools[1].name), "one");
    scenario_free(s);
}

/* A list bigger than the read-whole limit streams from the file. */
static void test_import_large_list(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/big.json", tmpdir);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    char pad[2049];
    memset(pad, 'x', sizeof pad - 1);
    pad[sizeof pad - 1] = '\0';
    enum { N = 5000 };
    fprintf(f, "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n");
    for (int i = 0; i < N; i++)
        fprintf(f, "%s{\"kind\": \"Node\", \"metadata\": {\"name\": \"n%d\", \"labels\": {\"zone\": \"z%d\"},"
                   " \"annotations\": {\"big\": \"%s\"}}, \"status\": {\"allocatable\": {\"cpu\": \"%d\"},"
                   " \"images\": [{\"names\": [\"%s\"]}]}}\n",
                i ? "," : "", i, i % 3, pad, 1 + i % 16, pad);
    fprintf(f, "], \"metadata\": {}}\n");
    fclose(f);
    struct stat st;
    CU_ASSERT_EQUAL(stat(path, &st), 0);
    CU_ASSERT_TRUE(st.st_size > 16 * 1024 * 1024);
    Diag d;
    Scenario *s = load(HEAD "  cluster: {nodesFrom: [big.json]}\n", &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    EXPECT_EQ_I64(s->npools, N);
    EXPECT_STR(sym(s, s->pools[N - 1].node_name), "n4999");
    EXPECT_EQ_I64(s->pools[N - 1].allocatable.cpu, (1 + 4999 % 16) * 1000);
    EXPECT_STR(sym(s, s->pools[7].name), "big");
    scenario_free(s);
    unlink(path);
}

/* ---- shipped files ------------------------------------------------------------ */

static int load_dir_scenarios(const char *dir)
{
    DIR *dp = opendir(dir);
    if (!dp) return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".yaml")) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        Diag d;
        diag_init(&d);
        Scenario *s = scenario_load(path, NULL, 0, &d);
        if (!s) diag_print(&d, stderr);
        CU_ASSERT_PTR_NOT_NULL(s);
        scenario_free(s);
        n++;
    }
    closedir(dp);
    return n;
}

static void test_shipped_scenarios(void)
{
    load_dir_scenarios(DS_SOURCE_DIR "/scenarios");
    load_dir_scenarios(DS_SOURCE_DIR "/tests/scenarios");
    Diag d;
    diag_init(&d);
    Scenario *s = scenario_load(MANIFESTS "full-scenario.yaml", NULL, 0, &d);
    CU_ASSERT_PTR_NOT_NULL(s);
    scenario_free(s);
}

/* The bad-input files, in process: the same checks as tests/bad/run-bad-tests
 * without the command line. */
static void check_bad_file(const char *dir, const char *name)
{
    char path[1024], line1[512] = "", line2[512] = "";
    snprintf(path, sizeof path, "%s/%s", dir, name);
    /* A 0-byte file keeps its expectation beside it, in NAME.expect. */
    char sidecar[1100];
    snprintf(sidecar, sizeof sidecar, "%s.expect", path);
    FILE *f = fopen(sidecar, "r");
    if (!f) f = fopen(path, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    if (!fgets(line1, sizeof line1, f)) line1[0] = '\0';
    if (!fgets(line2, sizeof line2, f)) line2[0] = '\0';
    fclose(f);
    line1[strcspn(line1, "\n")] = '\0';
    line2[strcspn(line2, "\n")] = '\0';
    CU_ASSERT_TRUE_FATAL(!strncmp(line1, "# expect: ", 10));
    const char *expect = line1 + 10;
    Override ovr[8];
    size_t novr = 0;
    char args[512];
    if (!strncmp(line2, "# args: ", 8)) {
        snprintf(args, sizeof args, "%s", line2 + 8);
        for (char *tok = strtok(args, " "); tok; tok = strtok(NULL, " ")) {
            if (!strcmp(tok, "--set")) continue;
            char *eq = strchr(tok, '=');
            CU_ASSERT_PTR_NOT_NULL_FATAL(eq);
            *eq = '\0';
            ovr[novr++] = (Override){tok, eq + 1};
        }
    }
    Diag d;
    diag_init(&d);
    Scenario *s = scenario_load(path, ovr, novr, &d);
    CU_ASSERT_PTR_NULL(s);
    scenario_free(s);
    FILE *m = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    diag_print(&d, m);
    char *out = file_text(m);
    int l, c, k = 0;
    char where[1024], rel[256];
    const char *msg = expect;
    if (sscanf(expect, "%d:%d: %n", &l, &c, &k) == 2 && k > 0) {
        snprintf(where, sizeof where, "%s:%d:%d:", path, l, c);
        msg = expect + k;
    } else if (sscanf(expect, "%255[^: ]:%d:%d: %n", rel, &l, &c, &k) == 3 && k > 0) {
        snprintf(where, sizeof where, "%s/%s:%d:%d:", dir, rel, l, c);
        msg = expect + k;
    } else {
        where[0] = '\0';
    }
    if (where[0]) EXPECT_CONTAINS(out, where);
    EXPECT_CONTAINS(out, msg);
    free(out);
}

static void test_bad_files(void)
{
    const char *dir = DS_SOURCE_DIR "/tests/bad";
    DIR *dp = opendir(dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dp);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".yaml")) continue;
        check_bad_file(dir, e->d_name);
        n++;
    }
    closedir(dp);
    CU_ASSERT_TRUE(n >= 25);
}

static CU_TestInfo ydoc_tests[] = {
    {"scalars and positions", test_ydoc_scalars_and_positions},
    {"paths and typed errors", test_ydoc_paths_and_typed_errors},
    {"duplicates, merges, aliases", test_ydoc_duplicates_merges_aliases},
    {"syntax errors", test_ydoc_syntax_errors},
    {"multi-document", test_ydoc_multi_document},
    {"merge patch and canonical text", test_ydoc_merge_patch_and_canonical},
    {"stream items", test_ydoc_stream_items},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo manifest_tests[] = {
    {"fluentd-elasticsearch", test_manifest_fluentd},
    {"node-exporter", test_manifest_node_exporter},
    {"multi-document bundle", test_manifest_bundle},
    {"canonical identity", test_manifest_canonical_identity},
    {"fields and defaults", test_manifest_details},
    {"priority classes", test_manifest_priority_classes},
    {"validation", test_manifest_validation},
    {"host ports", test_manifest_host_ports},
    CU_TEST_INFO_NULL,
};


/* spec.rolloutPlans: Kruise Rollout's canary steps, defaults filled in, and
 * the webhook's checks (rollout_create_update_handler.go
 * validateRolloutSpecCanarySteps). */
static char *with_plan(const char *plans)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s  rolloutPlans:\n%s", with_ds_api(KRUISE_API_VERSION, "", ""),
             plans);
    return buf;
}

static void test_rollout_plans(void)
{
    Diag d;
    Scenario *s = load(with_plan("    - daemonSet: agent\n"
                                 "      failureThreshold: 10%\n"
                                 "      steps:\n"
                                 "        - replicas: 1\n"
                                 "          pause: {duration: 90s}\n"
                                 "          analysis: {maxFailedPods: 2}\n"
                                 "        - {replicas: 50%, pause: {}}\n"
                                 "        - replicas: 100%\n"),
                       &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    EXPECT_EQ_I64(s->nplans, 1);
    const RolloutPlanSpec *p = &s->plans[0];
    EXPECT_STR(sym(s, p->daemonset), "agent");
    CU_ASSERT_TRUE(p->failure_threshold.is_percent);
    EXPECT_EQ_I64(p->failure_threshold.value, 10);
    EXPECT_EQ_I64(p->nsteps, 3);
    CU_ASSERT_FALSE(p->steps[0].replicas.is_percent);
    EXPECT_EQ_I64(p->steps[0].replicas.value, 1);
    CU_ASSERT_TRUE(p->steps[0].has_pause);
    EXPECT_EQ_I64(p->steps[0].pause, 90 * SIM_S);
    /* the analysis's defaults: every minute, 5m grace, one passing check */
    CU_ASSERT_TRUE(p->steps[0].analysis.on);
    EXPECT_EQ_I64(p->steps[0].analysis.interval, 60 * SIM_S);
    EXPECT_EQ_I64(p->steps[0].analysis.not_ready_grace, 300 * SIM_S);
    EXPECT_EQ_I64(p->steps[0].analysis.checks, 1);
    EXPECT_EQ_I64(p->steps[0].analysis.max_failed.value, 2);
    /* pause: {} and no pause at all are the same: no duration */
    CU_ASSERT_FALSE(p->steps[1].has_pause);
    CU_ASSERT_FALSE(p->steps[2].has_pause);
    CU_ASSERT_FALSE(p->steps[1].analysis.on);
    CU_ASSERT_TRUE(p->steps[2].replicas.is_percent);
    EXPECT_EQ_I64(p->steps[2].replicas.value, 100);
    scenario_free(s);

    /* a count after a percentage is not compared (Kruise compares only like with like) */
    s = load(with_plan("    - daemonSet: agent\n"
                       "      steps: [{replicas: 50%}, {replicas: 3}]\n"),
             &d);
    CU_ASSERT_PTR_NOT_NULL(s);
    scenario_free(s);

    expect_error(with_plan("    - daemonSet: agent\n      steps: [{replicas: 3}, {replicas: 2}]\n"),
                 18, 41, "must not be less than the previous step's 3");
    expect_error(with_plan("    - daemonSet: agent\n      steps: [{pause: {duration: 1m}}]\n"),
                 18, 15, "missing required key \"replicas\"");
    expect_error(with_plan("    - daemonSet: agent\n      steps:\n        - replicas: 1\n"
                           "          analysis: {interval: 0}\n"),
                 20, 32, "must be greater than 0");
    expect_error(with_plan("    - daemonSet: agent\n      steps:\n        - replicas: 1\n"
                           "          analysis: {checks: 0}\n"),
                 20, 30, ">= 1");
    expect_error(with_plan("    - steps: [{replicas: 1}]\n"), 17, 7, "missing required key \"daemonSet\"");
}

static CU_TestInfo scenario_tests[] = {
    {"defaults", test_scenario_defaults},
    {"names", test_names},
    {"timing and control plane", test_timing_and_control_plane},
    {"full scenario", test_full_scenario},
    {"imported nodes", test_imported_nodes},
    {"imported node state", test_imported_node_state},
    {"alreadyRunning", test_already_running},
    {"events", test_events},
    {"expectations", test_expectations},
    {"summary", test_summary},
    {"revision chain", test_revision_chain},
    {"rollout plans", test_rollout_plans},
    {"errors", test_scenario_errors},
    {"import errors", test_import_errors},
    {"large node list", test_import_large_list},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo override_tests[] = {
    {"paths and aliases", test_override_paths_and_aliases},
    {"surge rule", test_override_surge_rule},
    {"errors", test_override_errors},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo file_tests[] = {
    {"shipped scenarios load", test_shipped_scenarios},
    {"bad inputs are rejected as labelled", test_bad_files},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"ydoc", NULL, NULL, NULL, NULL, ydoc_tests},
    {"manifest", suite_setup, suite_teardown, NULL, NULL, manifest_tests},
    {"scenario", suite_setup, suite_teardown, NULL, NULL, scenario_tests},
    {"override", suite_setup, suite_teardown, NULL, NULL, override_tests},
    {"files", NULL, NULL, NULL, NULL, file_tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

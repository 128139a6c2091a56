/* Conformance, docs/conformance.md section I: daemonset_util_test.go.
 *
 * Model mapping: the simulator has no pod labels and no pod affinity terms. A
 * daemon pod records its target node by index (Pod.node) and whether the
 * scheduler has bound it (Pod.bound); "updated" is "on the current revision".
 * So TestIsPodUpdated (C70) and TestCreatePodTemplate (C71) have no
 * counterpart (docs/conformance.md). The two affinity helpers are ported to
 * what they lead to: the pod the controller creates for a node targets
 * exactly that node and is left unbound for the scheduler (C72), and a pod
 * maps to the node its nodeName or its matchFields term names (C73). */
#include "fixture.h"
#include "fixture_more.h"
#include "harness.h"

/* How many pods of the DaemonSet target `node` (by name); each of them must
 * still be unbound, left to the scheduler. */
static uint32_t pods_target_only(Fx *f, DsId ds, const char *node)
{
    NodeId want = fx_node(f, node);
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->c.pods.n; i++) {
        const Pod *p = &f->c.pods.v[i];
        if (!p->exists || p->ds.i != ds.i || p->node.i != want.i) continue;
        CU_ASSERT_FALSE(p->bound);
        n++;
    }
    return n;
}

/* `key op [v1, v2]` (either value may be NULL), strings interned in f. */
static Requirement requirement_make(Fx *f, const char *key, SelOp op, const char *v1, const char *v2)
{
    Sym *vals = arena_alloc(&f->arena, 2 * sizeof *vals);
    uint32_t n = 0;
    if (v1) vals[n++] = fx_sym(f, v1);
    if (v2) vals[n++] = fx_sym(f, v2);
    return (Requirement){fx_sym(f, key), op, vals, n};
}

/* The rows of C72, as required node-affinity terms of the template. */
enum { ROW_NIL, ROW_HOSTNAME, ROW_FIELDS_BOTH, ROW_TWO_TERMS, ROW_NOT_IN, ROW__COUNT };

/* Nodes host_1 and host_2, labelled kubernetes.io/hostname with their names,
 * and DS foo with the row's terms; *want is how many nodes they select. */
static Fx *affinity_world(DsId *ds, int row, uint32_t *want)
{
    Fx *f = fx_new();
    NodeSelectorTerm *terms = arena_alloc(&f->arena, 2 * sizeof *terms);
    Requirement *r = arena_alloc(&f->arena, 2 * sizeof *r);
    uint32_t nterms = 1;
    *want = 1;
    switch (row) {
    case ROW_NIL:
        nterms = 0;
        *want = 2;
        break;
    case ROW_HOSTNAME: /* kubernetes.io/hostname In [host_1] */
        r[0] = requirement_make(f, "kubernetes.io/hostname", SEL_IN, "host_1", NULL);
        terms[0] = (NodeSelectorTerm){.exprs = &r[0], .nexprs = 1};
        break;
    case ROW_FIELDS_BOTH: /* metadata.name In [host_1, host_2] */
        r[0] = requirement_make(f, "metadata.name", SEL_IN, "host_1", "host_2");
        terms[0] = (NodeSelectorTerm){.fields = &r[0], .nfields = 1};
        *want = 2;
        break;
    case ROW_TWO_TERMS: /* hostname In [host_1] OR metadata.name In [host_2] */
        r[0] = requirement_make(f, "kubernetes.io/hostname", SEL_IN, "host_1", NULL);
        r[1] = requirement_make(f, "metadata.name", SEL_IN, "host_2", NULL);
        terms[0] = (NodeSelectorTerm){.exprs = &r[0], .nexprs = 1};
        terms[1] = (NodeSelectorTerm){.fields = &r[1], .nfields = 1};
        nterms = 2;
        *want = 2;
        break;
    default: /* metadata.name NotIn [host_2] */
        r[0] = requirement_make(f, "metadata.name", SEL_NOT_IN, "host_2", NULL);
        terms[0] = (NodeSelectorTerm){.fields = &r[0], .nfields = 1};
        break;
    }
    f->spec.template_.affinity = (NodeAffinity){.present = nterms > 0, .terms = terms, .nterms = nterms};
    uint32_t nl;
    const Label *h1 = fx_labels(f, &nl, "kubernetes.io/hostname", "host_1", NULL);
    fx_add_node(f, (FxNode){.name = "host_1", .labels = h1, .nlabels = nl});
    const Label *h2 = fx_labels(f, &nl, "kubernetes.io/hostname", "host_2", NULL);
    fx_add_node(f, (FxNode){.name = "host_2", .labels = h2, .nlabels = nl});
    *ds = fx_create_ds(f);
    return f;
}

/* C72 TestReplaceDaemonSetPodNodeNameNodeAffinity (§5.4: whatever the
 * template's required terms, the created pod carries the single term
 * `metadata.name In [node]`). Rows, as observed on the pod created for
 * host_1: nil affinity; required hostname In [host_1]; matchFields In
 * [host_1, host_2]; two terms (hostname host_1, matchFields host_2);
 * metadata.name NotIn [host_2]. In each, host_1's pod targets host_1 only
 * and is unbound (and host_2's, where there is one, host_2 only). The "only
 * preferred affinity" row is the nil row here (preferred terms are not
 * modelled); the unknown-field row cannot reach pod creation
 * (docs/conformance.md). */
static void test_C72_TestReplaceDaemonSetPodNodeNameNodeAffinity(void)
{
    for (int row = 0; row < ROW__COUNT; row++) {
        DsId ds;
        uint32_t want;
        Fx *f = affinity_world(&ds, row, &want);
        fx_sync(f, ds);
        EXPECT_SYNC(f, (int)want, 0, 0);
        EXPECT_EQ_I64(pods_target_only(f, ds, "host_1"), 1);
        EXPECT_EQ_I64(pods_target_only(f, ds, "host_2"), want == 2 ? 1 : 0);
        fx_free(f);
    }
}

/* C73 TestGetTargetNodeName (§5.1): a pod maps to spec.nodeName when bound,
 * else to its matchFields `metadata.name In [node]` target. Observed through
 * manage: node-1 already has the pod, so only node-0 gets one, and the status
 * counts node-1 as current. The error rows (two values in the term, no
 * target at all) cannot be built: every simulated pod has exactly one target
 * (docs/conformance.md). */
static void test_C73_TestGetTargetNodeName(void)
{
    for (int unbound = 0; unbound < 2; unbound++) {
        Fx *f = fx_new();
        fx_add_nodes(f, 2, NULL, 0);
        DsId ds = fx_create_ds(f);
        PodId p = fx_add_pod(f, ds, fx_node(f, "node-1"), (FxPod){.unbound = unbound == 1});
        EXPECT_EQ_I64(cluster_pod(&f->c, p)->bound, unbound == 0);
        fx_sync(f, ds);
        EXPECT_SYNC(f, 1, 0, 0);
        EXPECT_EQ_I64(fx_count_pods(f, ds, fx_node(f, "node-1"), true), 1);
        EXPECT_EQ_I64(fx_count_pods(f, ds, fx_node(f, "node-0"), true), 1);
        EXPECT_EQ_I64(cluster_ds(&f->c, ds)->status.current, 2);
        fx_free(f);
    }
}

static CU_TestInfo tests[] = {
    {"C72 TestReplaceDaemonSetPodNodeNameNodeAffinity", test_C72_TestReplaceDaemonSetPodNodeNameNodeAffinity},
    {"C73 TestGetTargetNodeName", test_C73_TestGetTargetNodeName},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"util", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

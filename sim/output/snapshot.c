/* snapshot.c: see snapshot.h. Rows are folded in the order they were
 * written, which is simulated-time order, into one record per object. */
#include "daemonsim/snapshot.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "daemonsim/cluster.h"
#include "daemonsim/report.h"
#include "daemonsim/units.h"

bool snapshot_parse_kind(const char *name, SnapshotKind *out)
{
    static const struct {
        const char *name;
        SnapshotKind kind;
    } names[] = {
        {"ds", SNAP_DS},          {"daemonsets", SNAP_DS}, {"daemonset", SNAP_DS},
        {"pods", SNAP_PODS},      {"pod", SNAP_PODS},      {"po", SNAP_PODS},
        {"nodes", SNAP_NODES},    {"node", SNAP_NODES},    {"no", SNAP_NODES},
        {"events", SNAP_EVENTS},  {"event", SNAP_EVENTS},  {"ev", SNAP_EVENTS},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!strcmp(name, names[i].name)) {
            *out = names[i].kind;
            return true;
        }
    }
    return false;
}

/* ---- one record per object, found by name ---- */

typedef struct {
    Sym name;
    Sym daemonset, node;
    int64_t revision;
    double created;
    const char *status;         /* kubectl's STATUS column */
    bool ready, terminating, gone;
    uint32_t restarts;
} PodRec;

typedef struct {
    Sym name, pool;
    double created;
    const char *ready;          /* Ready, NotReady */
    bool cordoned, gone;
    uint32_t taints;
} NodeRec;

typedef struct {
    StrTab *names;
    U32Vec index;               /* Sym -> record + 1; 0: none yet */
    VEC(PodRec) pods;
    VEC(NodeRec) nodes;
} Fold;

static uint32_t *slot(Fold *f, const char *name, Sym *sym)
{
    *sym = strtab_intern(f->names, name);
    while (f->index.n <= *sym) VEC_PUSH(f->index, 0);
    return &f->index.v[*sym];
}

/* kubectl shows a pod's phase refined by its containers' state. */
static void pod_row(void *ctx, const StorePodEventRow *row)
{
    Fold *f = ctx;
    Sym name;
    uint32_t *at = slot(f, row->pod, &name);
    if (!*at) {
        PodRec r = {.name = name, .created = row->t, .status = "Pending"};
        VEC_PUSH(f->pods, r);
        *at = (uint32_t)f->pods.n;
    }
    PodRec *p = &f->pods.v[*at - 1];
    p->daemonset = strtab_intern(f->names, row->daemonset);
    p->node = row->node ? strtab_intern(f->names, row->node) : SYM_NONE;
    p->revision = row->revision;
    PodEventKind k;
    if (!pod_event_parse(row->phase, &k)) return;
    switch (k) {
    case PE_SCHEDULED:
    case PE_PULLED: p->status = "ContainerCreating"; break;
    case PE_RUNNING: p->status = "Running"; break;
    case PE_READY: p->status = "Running", p->ready = true; break;
    case PE_NOT_READY: p->ready = false; break;
    case PE_IMAGE_PULL_BACK_OFF: p->status = "ImagePullBackOff"; break;
    case PE_CRASH_LOOP_BACK_OFF:
        p->status = "CrashLoopBackOff", p->restarts++, p->ready = false;
        break;
    case PE_IN_PLACE_UPDATE: p->restarts++, p->ready = false; break;
    case PE_FAILED: p->status = "Error", p->ready = false; break;
    case PE_TERMINATING: p->terminating = true; break;
    case PE_DELETED: p->gone = true; break;
    case PE_CREATED:
    case PE_UNSCHEDULABLE:
    case PE__COUNT: break;
    }
}

static void node_row(void *ctx, const StoreNodeEventRow *row)
{
    Fold *f = ctx;
    Sym name;
    uint32_t *at = slot(f, row->node, &name);
    NodeEventKind k;
    if (!node_event_parse(row->kind, &k)) return;
    if (k == NE_ADDED) {
        /* nodes present at the start are Ready; later ones report in later */
        NodeRec r = {.name = name, .created = row->t, .ready = row->t > 0 ? "NotReady" : "Ready",
                     .pool = strtab_intern(f->names, row->detail ? row->detail : "")};
        VEC_PUSH(f->nodes, r);
        *at = (uint32_t)f->nodes.n;
        return;
    }
    if (!*at) return;
    NodeRec *n = &f->nodes.v[*at - 1];
    switch (k) {
    case NE_READY: n->ready = "Ready"; break;
    case NE_NOT_READY:
    case NE_UNKNOWN: n->ready = "NotReady"; break;
    case NE_CORDONED: n->cordoned = true; break;
    case NE_UNCORDONED: n->cordoned = false; break;
    case NE_TAINTED: n->taints++; break;
    case NE_UNTAINTED:
        if (n->taints > 0) n->taints--;
        break;
    case NE_REMOVED: n->gone = true; break;
    case NE_ADDED:
    case NE_LABELED:
    case NE_UNLABELED:
    case NE_KUBELET_STOPPED:
    case NE_KUBELET_STARTED:
    case NE_KUBELET_NOT_READY:
    case NE_PREEMPTED:
    case NE__COUNT: break;
    }
}

/* ---- tables ---- */

/* Columns padded to their widest cell plus three spaces, as kubectl's
 * tabwriter does; the last column is not padded. */
typedef struct {
    VEC(char *) cells;
    size_t ncols;
} Table;

static void table_add(Table *t, const char *cell) { VEC_PUSH(t->cells, xstrdup(cell)); }

static void table_print(Table *t, FILE *out)
{
    size_t w[16] = {0};
    for (size_t i = 0; i < t->cells.n; i++) {
        size_t len = strlen(t->cells.v[i]);
        if (len > w[i % t->ncols]) w[i % t->ncols] = len;
    }
    for (size_t i = 0; i < t->cells.n; i++) {
        size_t c = i % t->ncols;
        if (c + 1 == t->ncols) fprintf(out, "%s\n", t->cells.v[i]);
        else fprintf(out, "%-*s   ", (int)w[c], t->cells.v[i]);
        free(t->cells.v[i]);
    }
    VEC_FREE(t->cells);
}

static void table_header(Table *t, const char *const *names, size_t n)
{
    t->ncols = n;
    for (size_t i = 0; i < n; i++) table_add(t, names[i]);
}

static int name_cmp(const void *ctx, uint32_t a, uint32_t b)
{
    const char *const *names = ctx;
    return strcmp(names[a], names[b]);
}

/* Indices of n records of `size` bytes whose name is at `off`, in name order. */
static uint32_t *by_name(const Fold *f, const void *recs, size_t size, size_t off, size_t n)
{
    const char **names = xmalloc((n ? n : 1) * sizeof *names);
    uint32_t *ids = xmalloc((n ? n : 1) * sizeof *ids);
    for (size_t i = 0; i < n; i++) {
        Sym name;
        memcpy(&name, (const char *)recs + i * size + off, sizeof name);
        names[i] = strtab_str(f->names, name);
        ids[i] = (uint32_t)i;
    }
    ids_sort(ids, n, name_cmp, names);
    free(names);
    return ids;
}

static void age_cell(Table *t, double seconds)
{
    char buf[32];
    units_format_age((SimTime)(seconds * (double)SIM_S), buf, sizeof buf);
    table_add(t, buf);
}

static void int_cell(Table *t, int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    table_add(t, buf);
}

static void print_pods(Fold *f, double at, bool wide, FILE *out)
{
    static const char *const head[] = {"NAME", "READY", "STATUS", "RESTARTS", "AGE", "NODE",
                                       "DAEMONSET", "REVISION"};
    Table t = {0};
    table_header(&t, head, wide ? 8 : 5);
    uint32_t *ids = by_name(f, f->pods.v, sizeof(PodRec), offsetof(PodRec, name), f->pods.n);
    for (size_t k = 0; k < f->pods.n; k++) {
        const PodRec *p = &f->pods.v[ids[k]];
        if (p->gone) continue;
        table_add(&t, strtab_str(f->names, p->name));
        table_add(&t, p->ready && !p->terminating ? "1/1" : "0/1");
        table_add(&t, p->terminating ? "Terminating" : p->status);
        int_cell(&t, p->restarts);
        age_cell(&t, at - p->created);
        if (!wide) continue;
        table_add(&t, p->node == SYM_NONE ? "<none>" : strtab_str(f->names, p->node));
        table_add(&t, strtab_str(f->names, p->daemonset));
        int_cell(&t, p->revision);
    }
    free(ids);
    table_print(&t, out);
}

static void print_nodes(Fold *f, double at, bool wide, FILE *out)
{
    static const char *const head[] = {"NAME", "STATUS", "AGE", "POOL", "TAINTS"};
    Table t = {0};
    table_header(&t, head, wide ? 5 : 3);
    uint32_t *ids = by_name(f, f->nodes.v, sizeof(NodeRec), offsetof(NodeRec, name), f->nodes.n);
    for (size_t k = 0; k < f->nodes.n; k++) {
        const NodeRec *n = &f->nodes.v[ids[k]];
        if (n->gone) continue;
        char status[64];
        snprintf(status, sizeof status, "%s%s", n->ready, n->cordoned ? ",SchedulingDisabled" : "");
        table_add(&t, strtab_str(f->names, n->name));
        table_add(&t, status);
        age_cell(&t, at - n->created);
        if (!wide) continue;
        table_add(&t, strtab_str(f->names, n->pool));
        int_cell(&t, n->taints);
    }
    free(ids);
    table_print(&t, out);
}

typedef struct {
    Table t;
    double at;
} EventsCtx;

static void event_row(void *ctx, const StoreK8sEventRow *row)
{
    EventsCtx *e = ctx;
    char object[512];
    snprintf(object, sizeof object, "%s/%s", row->kind, row->name);
    for (char *c = object; *c && *c != '/'; c++)
        if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
    age_cell(&e->t, e->at - row->t);
    table_add(&e->t, row->type);
    table_add(&e->t, row->reason);
    table_add(&e->t, object);
    table_add(&e->t, row->message);
}

static int print_ds(Store *s, int64_t run, double at, FILE *out)
{
    static const char *const head[] = {"NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE",
                                       "AVAILABLE", "AGE"};
    Arena a = {0};
    StoreStatusRow *rows;
    size_t n;
    int rc = store_status_at(s, &a, run, at, &rows, &n);
    if (rc == 0) {
        Table t = {0};
        table_header(&t, head, 7);
        for (size_t i = 0; i < n; i++) {
            const StoreStatus *v = &rows[i].status;
            table_add(&t, rows[i].daemonset);
            int_cell(&t, v->desired);
            int_cell(&t, v->current);
            int_cell(&t, v->ready);
            int_cell(&t, v->updated);
            int_cell(&t, v->available);
            age_cell(&t, at - rows[i].first);
        }
        table_print(&t, out);
    }
    arena_free(&a);
    return rc;
}

int snapshot_write(Store *s, const SnapshotOptions *opt, FILE *out, char *err, size_t errlen)
{
    int64_t run = opt->run_id;
    Arena a = {0};
    StoreRunRow info;
    bool found = false;
    if (run == 0 && store_last_run(s, &run) < 0) return REPORT_EDB;
    if (run > 0 && store_get_run(s, &a, run, &info, &found) < 0) {
        arena_free(&a);
        return REPORT_EDB;
    }
    if (!found) {
        arena_free(&a);
        if (run == 0) snprintf(err, errlen, "the database holds no run");
        else snprintf(err, errlen, "no run %lld", (long long)run);
        return REPORT_ENORUN;
    }
    /* --at past the end shows the end; the end is the default */
    double at = isfinite(opt->at) && opt->at < info.sim_seconds ? opt->at : info.sim_seconds;
    if (isnan(at)) at = isfinite(opt->at) ? opt->at : 0;
    arena_free(&a);

    int rc = 0;
    Fold f = {.names = strtab_new()};
    switch (opt->kind) {
    case SNAP_DS: rc = print_ds(s, run, at, out); break;
    case SNAP_PODS:
        rc = store_each_pod_event(s, run, at, pod_row, &f);
        if (rc == 0) print_pods(&f, at, opt->wide, out);
        break;
    case SNAP_NODES:
        rc = store_each_node_event(s, run, at, node_row, &f);
        if (rc == 0) print_nodes(&f, at, opt->wide, out);
        break;
    case SNAP_EVENTS: {
        static const char *const head[] = {"LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"};
        EventsCtx e = {.at = at};
        table_header(&e.t, head, 5);
        rc = store_each_k8s_event(s, run, at, event_row, &e);
        table_print(&e.t, out);
        break;
    }
    }
    VEC_FREE(f.pods);
    VEC_FREE(f.nodes);
    VEC_FREE(f.index);
    strtab_free(f.names);
    return rc < 0 ? REPORT_EDB : REPORT_OK;
}

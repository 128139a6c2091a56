/* gen-kubectl-history: a DaemonSet's pods with latencies drawn from known
 * distributions, written as `kubectl get events -A` and `kubectl get pods -A`
 * would print them (JSON or YAML by the file's extension). It is what
 * `daemonsim calibrate` is tested against, and how example clusters get
 * their history.
 *
 *   gen-kubectl-history [--seed N] [--count N] [--present F] [--deleting F]
 *                       [--PHASE KIND:A[,B]]... EVENTS.json|yaml PODS.json|yaml
 *
 * PHASE is schedule, imagePull, containerStart, readiness or termination;
 * KIND:A,B are the parameters of dist.h in seconds (shapes and sigma
 * unitless), e.g. --imagePull lognormal:6.1,0.79. --present is the share of
 * pods whose image is already on the node; --deleting the share deleted
 * after becoming Ready and still listed, stopped, in the pods file.
 *
 * The model is the simulator's pod life: created, bound after `schedule`,
 * pulled after `imagePull` (the message's "including waiting" figure; for
 * one pod in ten the pull proper is shorter), started after
 * `containerStart`, Ready after `readiness`, stopped `termination` after the
 * kill. API timestamps are truncated to whole seconds as the API server
 * writes them; the scheduler's eventTime keeps microseconds; Pulled messages
 * rotate through the forms kubelets print. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "daemonsim/dist.h"
#include "daemonsim/json.h"
#include "daemonsim/rng.h"
#include "daemonsim/units.h"

/* ---- a tiny document tree, printed as kubectl's JSON or YAML --------------------------- */

typedef enum { J_MAP, J_SEQ, J_STR, J_NUM, J_BOOL, J_NULL } JKind;

typedef struct J J;
struct J {
    JKind kind;
    char *key;              /* under a map */
    char *text;             /* J_STR, J_NUM */
    bool b;
    J **kids;
    size_t n, cap;
};

static J *jnew(JKind k)
{
    J *j = calloc(1, sizeof *j);
    if (!j) abort();
    j->kind = k;
    return j;
}

static J *jadd(J *parent, const char *key, J *kid)
{
    if (parent->n == parent->cap) {
        parent->cap = parent->cap ? parent->cap * 2 : 8;
        parent->kids = realloc(parent->kids, parent->cap * sizeof *parent->kids);
        if (!parent->kids) abort();
    }
    if (key) kid->key = strdup(key);
    parent->kids[parent->n++] = kid;
    return kid;
}

static J *jmap(J *parent, const char *key) { return jadd(parent, key, jnew(J_MAP)); }
static J *jseq(J *parent, const char *key) { return jadd(parent, key, jnew(J_SEQ)); }

static void jstr(J *parent, const char *key, const char *s)
{
    J *j = jnew(J_STR);
    j->text = strdup(s);
    jadd(parent, key, j);
}

static void jnum(J *parent, const char *key, int64_t v)
{
    J *j = jnew(J_NUM);
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    j->text = strdup(buf);
    jadd(parent, key, j);
}

static void jbool(J *parent, const char *key, bool v)
{
    J *j = jnew(J_BOOL);
    j->b = v;
    jadd(parent, key, j);
}

static void jnull(J *parent, const char *key) { jadd(parent, key, jnew(J_NULL)); }

static void jfree(J *j)
{
    for (size_t i = 0; i < j->n; i++) jfree(j->kids[i]);
    free(j->kids);
    free(j->key);
    free(j->text);
    free(j);
}

static void json_write(FILE *f, const J *j, int indent)
{
    switch (j->kind) {
    case J_STR: json_write_string(f, j->text); return;
    case J_NUM: fputs(j->text, f); return;
    case J_BOOL: fputs(j->b ? "true" : "false", f); return;
    case J_NULL: fputs("null", f); return;
    default: break;
    }
    bool map = j->kind == J_MAP;
    if (!j->n) {
        fputs(map ? "{}" : "[]", f);
        return;
    }
    fputs(map ? "{\n" : "[\n", f);
    for (size_t i = 0; i < j->n; i++) {
        fprintf(f, "%*s", indent + 4, "");
        if (map) {
            json_write_string(f, j->kids[i]->key);
            fputs(": ", f);
        }
        json_write(f, j->kids[i], indent + 4);
        fputs(i + 1 < j->n ? ",\n" : "\n", f);
    }
    fprintf(f, "%*s%c", indent, "", map ? '}' : ']');
}

/* What a YAML 1.1 reader would take for something else, or cannot read plain. */
static bool yaml_needs_quotes(const char *s)
{
    static const char *const words[] = {"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"};
    if (!*s || strchr("-?:,[]{}#&*!|>'\"%@` ", s[0]) || strstr(s, ": ") || strstr(s, " #") ||
        s[strlen(s) - 1] == ' ' || s[strlen(s) - 1] == ':')
        return true;
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (!strcasecmp(s, words[i])) return true;
    /* numbers and timestamps: anything starting with a digit, '+' or '.' */
    return (s[0] >= '0' && s[0] <= '9') || s[0] == '+' || s[0] == '.';
}

static void yaml_scalar(FILE *f, const J *j)
{
    switch (j->kind) {
    case J_STR:
        if (yaml_needs_quotes(j->text)) json_write_string(f, j->text);
        else fputs(j->text, f);
        return;
    case J_NUM: fputs(j->text, f); return;
    case J_BOOL: fputs(j->b ? "true" : "false", f); return;
    case J_NULL: fputs("null", f); return;
    case J_MAP: fputs("{}", f); return;
    case J_SEQ: fputs("[]", f); return;
    }
}

static bool yaml_is_block(const J *j) { return (j->kind == J_MAP || j->kind == J_SEQ) && j->n; }

/* kubectl's layout: maps indented by two, sequence items at their key's indent. */
static void yaml_write(FILE *f, const J *j, int indent, bool inline_first)
{
    for (size_t i = 0; i < j->n; i++) {
        const J *k = j->kids[i];
        if (!(inline_first && i == 0)) fprintf(f, "%*s", indent, "");
        if (j->kind == J_MAP) {
            fprintf(f, "%s:", k->key);
            if (!yaml_is_block(k)) {
                fputc(' ', f);
                yaml_scalar(f, k);
                fputc('\n', f);
            } else if (k->kind == J_MAP) {
                fputc('\n', f);
                yaml_write(f, k, indent + 2, false);
            } else {
                fputc('\n', f);
                yaml_write(f, k, indent, false);
            }
        } else {
            fputs("- ", f);
            if (!yaml_is_block(k)) {
                yaml_scalar(f, k);
                fputc('\n', f);
            } else if (k->kind == J_MAP) {
                yaml_write(f, k, indent + 2, true);
            } else {
                fputc('\n', f);
                yaml_write(f, k, indent + 2, false);
            }
        }
    }
}

static bool write_doc(const char *path, const J *root)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return false;
    }
    size_t n = strlen(path);
    if (n > 5 && !strcmp(path + n - 5, ".json")) {
        json_write(f, root, 0);
        fputc('\n', f);
    } else {
        yaml_write(f, root, 0, false);
    }
    bool ok = !ferror(f);
    if (fclose(f) != 0 || !ok) {
        fprintf(stderr, "%s: write error\n", path);
        return false;
    }
    return true;
}

/* ---- times and names ------------------------------------------------------------------------ */

/* 2026-03-02T09:00:00Z: the history's first second. */
#define GEN_EPOCH INT64_C(1772442000)

/* RFC 3339 at whole seconds (API timestamps) or microseconds (eventTime). */
static void fmt_time(double t, bool micro, char *buf, size_t n)
{
    time_t secs = (time_t)floor(t);
    struct tm tm;
    gmtime_r(&secs, &tm);
    size_t w = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
    if (micro) w += (size_t)snprintf(buf + w, n - w, ".%06d", (int)floor((t - floor(t)) * 1e6));
    snprintf(buf + w, n - w, "Z");
}

static void jtime(J *parent, const char *key, double t, bool micro)
{
    char buf[40];
    fmt_time(t, micro, buf, sizeof buf);
    jstr(parent, key, buf);
}

/* Go's time.Duration.String, optionally truncated to milliseconds. */
static void fmt_go(double secs, bool to_ms, char *buf, size_t n)
{
    SimTime t = (SimTime)llround(secs * 1e9);
    if (to_ms) t -= t % (SIM_S / 1000);
    units_format_duration(t, buf, n);
}

static void random_suffix(Rng *r, char *buf)
{
    /* the alphabet of Kubernetes' generated names: no vowels, no 0, 1, 3 */
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    for (int i = 0; i < 5; i++) buf[i] = alphabet[rng_below(r, sizeof alphabet - 1)];
    buf[5] = '\0';
}

/* ---- the cluster's history ---------------------------------------------------------------- */

enum { G_SCHEDULE, G_PULL, G_START, G_READY, G_TERM, G__PHASES };
static const char *const gen_phase_names[G__PHASES] = {"schedule", "imagePull", "containerStart",
                                                       "readiness", "termination"};

typedef struct {
    uint64_t seed;
    uint32_t count;
    double present, deleting;
    Dist dist[G__PHASES];
} GenOptions;

#define GEN_NS "logging"
#define GEN_DS "fluent-bit"
#define GEN_IMAGE "cr.fluentbit.io/fluent/fluent-bit:3.1.9"
#define GEN_GRACE 30

static J *event_base(J *items, const char *name, double t, const char *kind, const char *obj,
                     const char *field_path, const char *reason, const char *msg,
                     const char *component, const char *node)
{
    J *e = jadd(items, NULL, jnew(J_MAP));
    jstr(e, "apiVersion", "v1");
    jnum(e, "count", 1);
    jnull(e, "eventTime");
    jtime(e, "firstTimestamp", t, false);
    J *io = jmap(e, "involvedObject");
    jstr(io, "apiVersion", !strcmp(kind, "Pod") ? "v1" : "apps/v1");
    if (field_path) jstr(io, "fieldPath", field_path);
    jstr(io, "kind", kind);
    jstr(io, "name", obj);
    jstr(io, "namespace", GEN_NS);
    jstr(e, "kind", "Event");
    jtime(e, "lastTimestamp", t, false);
    jstr(e, "message", msg);
    J *md = jmap(e, "metadata");
    jtime(md, "creationTimestamp", t, false);
    jstr(md, "name", name);
    jstr(md, "namespace", GEN_NS);
    jstr(e, "reason", reason);
    jstr(e, "reportingComponent", "");
    jstr(e, "reportingInstance", "");
    J *src = jmap(e, "source");
    jstr(src, "component", component);
    if (node) jstr(src, "host", node);
    jstr(e, "type", "Normal");
    return e;
}

static void pulled_message(uint32_t i, double pull, double proper, char *buf, size_t n)
{
    char a[40], b[40];
    switch (i % 4) {
    case 0:
        fmt_go(proper, true, a, sizeof a);
        fmt_go(pull, true, b, sizeof b);
        snprintf(buf, n, "Successfully pulled image \"%s\" in %s (%s including waiting). Image size: "
                         "%u bytes.", GEN_IMAGE, a, b, 38211749u + i % 7 * 1024u);
        break;
    case 1:
        fmt_go(proper, true, a, sizeof a);
        fmt_go(pull, true, b, sizeof b);
        snprintf(buf, n, "Successfully pulled image \"%s\" in %s (%s including waiting)", GEN_IMAGE, a, b);
        break;
    default:
        /* kubelets before 1.28: one figure, the whole wait, to the nanosecond */
        fmt_go(pull, false, a, sizeof a);
        snprintf(buf, n, "Successfully pulled image \"%s\" in %s", GEN_IMAGE, a);
        break;
    }
}

static void condition(J *conds, const char *type, const char *status, double t)
{
    J *c = jadd(conds, NULL, jnew(J_MAP));
    jnull(c, "lastProbeTime");
    jtime(c, "lastTransitionTime", t, false);
    jstr(c, "status", status);
    jstr(c, "type", type);
}

static void generate(const GenOptions *o, J *events, J *pods)
{
    Rng *r[G__PHASES], *misc = rng_new(o->seed, rng_key("gen-kubectl-history"));
    for (int p = 0; p < G__PHASES; p++) r[p] = rng_new(o->seed, rng_key(gen_phase_names[p]));
    char name[64], ev[96], msg[512], node[64], buf[64];
    for (uint32_t i = 0; i < o->count; i++) {
        char sfx[6];
        random_suffix(misc, sfx);
        snprintf(name, sizeof name, GEN_DS "-%s", sfx);
        snprintf(node, sizeof node, "ip-10-0-%u-%u.ec2.internal", i / 250, i % 250 + 4);
        /* a rollout's creations spread over ten minutes */
        double created = (double)GEN_EPOCH + 600 * rng_uniform(misc);
        bool present = rng_uniform(misc) < o->present;
        bool deleting = rng_uniform(misc) < o->deleting;
        double bound = created + dist_draw_seconds(&o->dist[G_SCHEDULE], r[G_SCHEDULE]);
        double pull = present ? 0 : dist_draw_seconds(&o->dist[G_PULL], r[G_PULL]);
        double proper = i % 10 == 3 ? 0.7 * pull : pull;
        double pulled = bound + pull;
        double started = pulled + dist_draw_seconds(&o->dist[G_START], r[G_START]);
        double ready = started + dist_draw_seconds(&o->dist[G_READY], r[G_READY]);
        double killed = ready + 60 + 540 * rng_uniform(misc);
        double stopped = killed + fmin(dist_draw_seconds(&o->dist[G_TERM], r[G_TERM]), GEN_GRACE);
        const char *cpath = "spec.containers{" GEN_DS "}";

        snprintf(ev, sizeof ev, GEN_DS ".%016" PRIx64, rng_mix(o->seed, 8 * (uint64_t)i));
        snprintf(msg, sizeof msg, "Created pod: %s", name);
        event_base(events, ev, created, "DaemonSet", GEN_DS, NULL, "SuccessfulCreate", msg,
                   "daemonset-controller", NULL);
        /* the scheduler reports through events.k8s.io: eventTime, no timestamps */
        snprintf(ev, sizeof ev, "%s.%016" PRIx64, name, rng_mix(o->seed, 8 * (uint64_t)i + 1));
        snprintf(msg, sizeof msg, "Successfully assigned " GEN_NS "/%s to %s", name, node);
        J *e = event_base(events, ev, bound, "Pod", name, NULL, "Scheduled", msg, "", NULL);
        for (size_t k = 0; k < e->n; k++) {
            J *f = e->kids[k];
            if (!strcmp(f->key, "eventTime")) {
                f->kind = J_STR;
                fmt_time(bound, true, buf, sizeof buf);
                f->text = strdup(buf);
            } else if (!strcmp(f->key, "firstTimestamp") || !strcmp(f->key, "lastTimestamp")) {
                f->kind = J_NULL;
            } else if (!strcmp(f->key, "reportingComponent")) {
                free(f->text);
                f->text = strdup("default-scheduler");
            } else if (!strcmp(f->key, "count")) {
                f->kind = J_NULL;
            }
        }
        if (!present) {
            snprintf(ev, sizeof ev, "%s.%016" PRIx64, name, rng_mix(o->seed, 8 * (uint64_t)i + 2));
            event_base(events, ev, bound, "Pod", name, cpath, "Pulling",
                       "Pulling image \"" GEN_IMAGE "\"", "kubelet", node);
            pulled_message(i, pull, proper, msg, sizeof msg);
        } else {
            snprintf(msg, sizeof msg, "Container image \"%s\" already present on machine", GEN_IMAGE);
        }
        snprintf(ev, sizeof ev, "%s.%016" PRIx64, name, rng_mix(o->seed, 8 * (uint64_t)i + 3));
        event_base(events, ev, pulled, "Pod", name, cpath, "Pulled", msg, "kubelet", node);
        snprintf(ev, sizeof ev, "%s.%016" PRIx64, name, rng_mix(o->seed, 8 * (uint64_t)i + 4));
        event_base(events, ev, started, "Pod", name, cpath, "Created", "Created container " GEN_DS,
                   "kubelet", node);
        snprintf(ev, sizeof ev, "%s.%016" PRIx64, name, rng_mix(o->seed, 8 * (uint64_t)i + 5));
        event_base(events, ev, started, "Pod", name, cpath, "Started", "Started container " GEN_DS,
                   "kubelet", node);
        if (deleting) {
            snprintf(ev, sizeof ev, "%s.%016" PRIx64, name, rng_mix(o->seed, 8 * (uint64_t)i + 6));
            event_base(events, ev, killed, "Pod", name, cpath, "Killing",
                       "Stopping container " GEN_DS, "kubelet", node);
        }

        J *p = jadd(pods, NULL, jnew(J_MAP));
        jstr(p, "apiVersion", "v1");
        jstr(p, "kind", "Pod");
        J *md = jmap(p, "metadata");
        jtime(md, "creationTimestamp", created, false);
        if (deleting) {
            jnum(md, "deletionGracePeriodSeconds", GEN_GRACE);
            jtime(md, "deletionTimestamp", killed + GEN_GRACE, false);
        }
        jstr(md, "generateName", GEN_DS "-");
        J *labels = jmap(md, "labels");
        jstr(labels, "app.kubernetes.io/name", GEN_DS);
        jstr(labels, "controller-revision-hash", "6d5f7b9c8d");
        jstr(labels, "pod-template-generation", "2");
        jstr(md, "name", name);
        jstr(md, "namespace", GEN_NS);
        J *own = jadd(jseq(md, "ownerReferences"), NULL, jnew(J_MAP));
        jstr(own, "apiVersion", "apps/v1");
        jbool(own, "blockOwnerDeletion", true);
        jbool(own, "controller", true);
        jstr(own, "kind", "DaemonSet");
        jstr(own, "name", GEN_DS);
        jstr(own, "uid", "4b0a8f6e-6c1d-4e0b-9a53-2f1c3d7e9b10");
        jstr(md, "resourceVersion", "918273");
        snprintf(buf, sizeof buf, "%08" PRIx64 "-0000-4000-8000-%012" PRIx64,
                 rng_mix(o->seed, i) & 0xffffffffu, rng_mix(i, o->seed) & 0xffffffffffffu);
        jstr(md, "uid", buf);
        J *spec = jmap(p, "spec");
        J *c = jadd(jseq(spec, "containers"), NULL, jnew(J_MAP));
        jstr(c, "image", GEN_IMAGE);
        jstr(c, "imagePullPolicy", "IfNotPresent");
        jstr(c, "name", GEN_DS);
        jstr(spec, "nodeName", node);
        jnum(spec, "terminationGracePeriodSeconds", GEN_GRACE);
        J *st = jmap(p, "status");
        J *conds = jseq(st, "conditions");
        condition(conds, "Initialized", "True", bound);
        condition(conds, "Ready", deleting ? "False" : "True", deleting ? stopped : ready);
        condition(conds, "ContainersReady", deleting ? "False" : "True", deleting ? stopped : ready);
        condition(conds, "PodScheduled", "True", bound);
        J *cs = jadd(jseq(st, "containerStatuses"), NULL, jnew(J_MAP));
        jstr(cs, "image", GEN_IMAGE);
        jstr(cs, "name", GEN_DS);
        jbool(cs, "ready", !deleting);
        jnum(cs, "restartCount", 0);
        jbool(cs, "started", !deleting);
        J *state = jmap(cs, "state");
        if (deleting) {
            J *t = jmap(state, "terminated");
            jnum(t, "exitCode", 0);
            jtime(t, "finishedAt", stopped, false);
            jstr(t, "reason", "Completed");
            jtime(t, "startedAt", started, false);
        } else {
            jtime(jmap(state, "running"), "startedAt", started, false);
        }
        jstr(st, "hostIP", "10.0.0.4");
        jstr(st, "phase", "Running");
        jtime(st, "startTime", bound, false);
    }
    for (int p = 0; p < G__PHASES; p++) rng_free(r[p]);
    rng_free(misc);
}

/* ---- the command line ---------------------------------------------------------------------- */

static J *list_root(J **items)
{
    J *root = jnew(J_MAP);
    jstr(root, "apiVersion", "v1");
    *items = jseq(root, "items");
    jstr(root, "kind", "List");
    jstr(jmap(root, "metadata"), "resourceVersion", "");
    return root;
}

/* KIND:A[,B] into a checked Dist. */
static bool parse_dist(const char *s, Dist *d)
{
    static const struct {
        const char *name;
        DistKind kind;
    } kinds[] = {{"constant", DIST_CONSTANT}, {"uniform", DIST_UNIFORM},
                 {"exponential", DIST_EXPONENTIAL}, {"normal", DIST_NORMAL},
                 {"lognormal", DIST_LOGNORMAL}, {"gamma", DIST_GAMMA}, {"weibull", DIST_WEIBULL}};
    const char *colon = strchr(s, ':');
    if (!colon) return false;
    *d = (Dist){0};
    bool found = false;
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (strlen(kinds[i].name) == (size_t)(colon - s) && !strncmp(s, kinds[i].name, (size_t)(colon - s))) {
            d->kind = kinds[i].kind;
            found = true;
        }
    char *end;
    d->a = strtod(colon + 1, &end);
    if (*end == ',') d->b = strtod(end + 1, &end);
    return found && *end == '\0' && dist_check(d) == NULL;
}

static int usage(FILE *out, int status)
{
    fprintf(out, "Usage: gen-kubectl-history [--seed N] [--count N] [--present F] [--deleting F]\n"
                 "                           [--PHASE KIND:A[,B]]... EVENTS.json|yaml PODS.json|yaml\n"
                 "PHASE: schedule, imagePull, containerStart, readiness, termination.\n");
    return status;
}

int main(int argc, char **argv)
{
    GenOptions o = {.seed = 1, .count = 500, .present = 0.2, .deleting = 0.1};
    o.dist[G_SCHEDULE] = (Dist){.kind = DIST_LOGNORMAL, .a = 0.4, .b = 0.6};
    o.dist[G_PULL] = (Dist){.kind = DIST_LOGNORMAL, .a = 6.1, .b = 0.79};
    o.dist[G_START] = (Dist){.kind = DIST_GAMMA, .a = 3, .b = 0.6};
    o.dist[G_READY] = (Dist){.kind = DIST_GAMMA, .a = 2, .b = 3};
    o.dist[G_TERM] = (Dist){.kind = DIST_EXPONENTIAL, .a = 4};
    const char *paths[2];
    int npaths = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) return usage(stdout, 0);
        if (a[0] != '-' || !a[1]) {
            if (npaths == 2) return usage(stderr, 2);
            paths[npaths++] = a;
            continue;
        }
        if (i + 1 >= argc) return usage(stderr, 2);
        const char *v = argv[++i];
        char *end;
        bool ok = true;
        int phase = -1;
        for (int p = 0; p < G__PHASES; p++)
            if (!strncmp(a, "--", 2) && !strcmp(a + 2, gen_phase_names[p])) phase = p;
        if (phase >= 0) ok = parse_dist(v, &o.dist[phase]);
        else if (!strcmp(a, "--seed")) o.seed = strtoull(v, &end, 10), ok = !*end;
        else if (!strcmp(a, "--count")) o.count = (uint32_t)strtoul(v, &end, 10), ok = !*end && o.count;
        else if (!strcmp(a, "--present")) o.present = strtod(v, &end), ok = !*end && o.present >= 0 && o.present <= 1;
        else if (!strcmp(a, "--deleting")) o.deleting = strtod(v, &end), ok = !*end && o.deleting >= 0 && o.deleting <= 1;
        else ok = false;
        if (!ok) {
            fprintf(stderr, "gen-kubectl-history: bad option %s %s\n", a, v);
            return usage(stderr, 2);
        }
    }
    if (npaths != 2) return usage(stderr, 2);
    J *events_items, *pods_items;
    J *events = list_root(&events_items), *pods = list_root(&pods_items);
    generate(&o, events_items, pods_items);
    bool ok = write_doc(paths[0], events) && write_doc(paths[1], pods);
    jfree(events);
    jfree(pods);
    return ok ? 0 : 3;
}

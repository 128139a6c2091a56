/* history.c: `kubectl get events|pods -A -o json|yaml` into per-pod records.
 *
 * Files are streamed one item at a time (ydoc_stream_items), keeping only the
 * fields read here, so a cluster's full event and pod lists fit. Each item's
 * kind comes from its `kind`, or from its shape when that is missing (an
 * Event has involvedObject or regarding); one file may hold both kinds, as
 * `kubectl get pods,events -o yaml` writes. Event times are taken as the
 * first occurrence (eventTime, else firstTimestamp, else lastTimestamp):
 * a repeated event (a container restarting) counts its first time only, as
 * the simulator draws a pod's first start. What a record lacks (an event
 * without a reason or a time, a pod without status) is skipped; what cannot
 * be attributed (an event about no object, a pod without a name) or cannot
 * be read (a malformed time) is an error at its position. JSON is read by the
 * same YAML parser: kubectl's JSON (Go's encoding/json) uses no escape that
 * YAML lacks. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "daemonsim/rng.h"
#include "daemonsim/units.h"
#include "history_int.h"
#include "ydoc.h"

static const char *const phase_names[PHASE__COUNT] = {
    [PHASE_SCHEDULE] = "schedule", [PHASE_IMAGE_PULL] = "imagePull",
    [PHASE_CONTAINER_START] = "containerStart", [PHASE_READINESS] = "readiness",
    [PHASE_TERMINATION] = "termination",
};

const char *history_phase_name(Phase p) { return (unsigned)p < PHASE__COUNT ? phase_names[p] : "?"; }

History *history_new(void)
{
    History *h = xcalloc(1, sizeof *h);
    h->strs = strtab_new();
    return h;
}

void history_free(History *h)
{
    if (!h) return;
    VEC_FREE(h->pods);
    VEC_FREE(h->containers);
    VEC_FREE(h->pulls);
    free(h->slots);
    arena_free(&h->arena);
    strtab_free(h->strs);
    free(h);
}

HistoryCounts history_counts(const History *h) { return h->counts; }

/* ---- values ----------------------------------------------------------------------- */

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool history_parse_time(const char *s, Stamp *out)
{
    int Y, M, D, h, m, sec;
    if (strlen(s) < 20 || !digits(s, 4, &Y) || s[4] != '-' || !digits(s + 5, 2, &M) ||
        s[7] != '-' || !digits(s + 8, 2, &D) || (s[10] != 'T' && s[10] != 't') ||
        !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &m) || s[16] != ':' ||
        !digits(s + 17, 2, &sec))
        return false;
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60) return false;
    const char *p = s + 19;
    double frac = 0;
    bool whole = true;
    if (*p == '.') {
        double scale = 0.1;
        p++;
        if (*p < '0' || *p > '9') return false;
        for (; *p >= '0' && *p <= '9'; p++, scale /= 10) frac += (*p - '0') * scale;
        whole = false;
    }
    int offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 23 || om > 59)
            return false;
        offset = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return false;
    }
    if (*p) return false;
    int64_t t = days_from_civil(Y, M, D) * 86400 + h * 3600 + m * 60 + sec - offset;
    *out = (Stamp){.t = (double)t + frac, .set = true, .whole = whole};
    return true;
}

/* A Go duration at *p, up to a space, '(' , ')' or the end. */
static bool pulled_duration(const char **p, double *seconds)
{
    const char *s = *p;
    size_t n = strcspn(s, " ()");
    if (n == 0 || n >= 64) return false;
    char buf[64];
    memcpy(buf, s, n);
    buf[n] = '\0';
    SimTime t;
    if (units_parse_duration(buf, &t)) return false;
    *seconds = (double)t / (double)SIM_S;
    *p = s + n;
    return true;
}

static bool starts(const char *s, const char *prefix) { return !strncmp(s, prefix, strlen(prefix)); }

PullKind history_parse_pulled(const char *msg, double *seconds)
{
    if (starts(msg, "Container image \"")) {
        const char *q = strchr(msg + strlen("Container image \""), '"');
        return q && starts(q, "\" already present on machine") ? PULL_PRESENT : PULL_OTHER;
    }
    static const char pulled[] = "Successfully pulled image \"";
    if (!starts(msg, pulled)) return PULL_OTHER;
    const char *q = strchr(msg + strlen(pulled), '"');
    if (!q) return PULL_OTHER;
    q++;
    if (!starts(q, " in ")) return *q == '\0' || *q == '.' ? PULL_UNTIMED : PULL_OTHER;
    q += 4;
    double pull;
    if (!pulled_duration(&q, &pull)) return PULL_OTHER;
    /* "in 6.1s (7.4s including waiting)": the second is the one the
     * simulator's imagePull draws */
    double with_wait;
    const char *w = q + 2;
    if (starts(q, " (") && pulled_duration(&w, &with_wait) && starts(w, " including waiting)"))
        pull = with_wait;
    *seconds = pull;
    return PULL_TIMED;
}

/* ---- pods and containers ----------------------------------------------------------- */

static uint64_t pod_hash(Sym ns, Sym name) { return rng_mix(ns, name); }

static uint32_t find_pod(History *h, Sym ns, Sym name)
{
    if (h->pods.n * 2 >= h->nslots) {
        size_t n = h->nslots ? h->nslots * 2 : 1024;
        uint32_t *slots = xcalloc(n, sizeof *slots);
        for (size_t i = 0; i < h->pods.n; i++) {
            size_t j = pod_hash(h->pods.v[i].ns, h->pods.v[i].name) & (n - 1);
            while (slots[j]) j = (j + 1) & (n - 1);
            slots[j] = (uint32_t)i + 1;
        }
        free(h->slots);
        h->slots = slots;
        h->nslots = n;
    }
    size_t j = pod_hash(ns, name) & (h->nslots - 1);
    for (; h->slots[j]; j = (j + 1) & (h->nslots - 1)) {
        const HistPod *p = &h->pods.v[h->slots[j] - 1];
        if (p->ns == ns && p->name == name) return h->slots[j] - 1;
    }
    HistPod p = {.ns = ns, .name = name, .containers = HIST_NONE};
    VEC_PUSH(h->pods, p);
    h->slots[j] = (uint32_t)h->pods.n;
    return (uint32_t)h->pods.n - 1;
}

static HistContainer *find_container(History *h, uint32_t pod, Sym name, bool init)
{
    uint32_t *link = &h->pods.v[pod].containers;
    for (; *link != HIST_NONE; link = &h->containers.v[*link].next)
        if (h->containers.v[*link].name == name) return &h->containers.v[*link];
    HistContainer c = {.name = name, .init = init, .next = HIST_NONE};
    *link = (uint32_t)h->containers.n;
    VEC_PUSH(h->containers, c);
    return &h->containers.v[h->containers.n - 1];
}

static void keep_first(Stamp *have, Stamp s)
{
    if (s.set && (!have->set || s.t < have->t)) *have = s;
}

/* ---- reading ---------------------------------------------------------------------- */

typedef struct {
    History *h;
} ReadState;

static const char *opt_str(const YNode *map, const char *key)
{
    const YNode *n = ymap_get(map, key);
    return n && n->kind == YNODE_SCALAR && !ynode_is_null(n) ? n->text : NULL;
}

/* A time field, absent or null allowed; a malformed one is an error. */
static bool get_time(YCtx *c, const YNode *map, const char *key, Stamp *out)
{
    *out = (Stamp){0};
    const YNode *n = ymap_get(map, key);
    if (!n || ynode_is_null(n)) return true;
    const char *s;
    if (!yget_str(c, n, &s)) return false;
    if (!history_parse_time(s, out)) {
        yerr(c, n, "invalid time \"%s\": expected RFC 3339, like 2024-05-01T10:00:03Z", s);
        return false;
    }
    return true;
}

static bool keep_path(const char *const *path, int depth)
{
    if (depth == 1) return strcmp(path[0], "spec") != 0;
    if (depth == 2 && !strcmp(path[0], "metadata"))
        return !strcmp(path[1], "name") || !strcmp(path[1], "namespace") ||
               !strcmp(path[1], "creationTimestamp") || !strcmp(path[1], "deletionTimestamp") ||
               !strcmp(path[1], "deletionGracePeriodSeconds");
    if (depth == 2 && !strcmp(path[0], "status"))
        return !strcmp(path[1], "conditions") || !strcmp(path[1], "containerStatuses");
    return true;
}

/* The `name` of an involvedObject or of a pod's metadata: what ties the
 * record to a pod, so it cannot be missing. */
static bool required_name(YCtx *c, const YNode *map, const char **name)
{
    const YNode *n = ymap_get(map, "name");
    if (!n) {
        yerr_at(c, map->pos, "missing required key \"name\"");
        return false;
    }
    return yget_str(c, n, name);
}

/* "spec.containers{NAME}" or "spec.initContainers{NAME}" -> NAME. */
static bool container_of(History *h, const char *field_path, Sym *name, bool *init)
{
    if (!field_path) return false;
    const char *open = strchr(field_path, '{');
    size_t len = open ? strcspn(open + 1, "}") : 0;
    if (!open || !len || open[1 + len] != '}') return false;
    *init = starts(field_path, "spec.initContainers{");
    if (!*init && !starts(field_path, "spec.containers{")) return false;
    *name = strtab_intern_n(h->strs, open + 1, len);
    return true;
}

static bool event_time(YCtx *c, const YNode *item, Stamp *t)
{
    static const char *const keys[] = {"eventTime", "firstTimestamp", "deprecatedFirstTimestamp",
                                       "lastTimestamp"};
    for (size_t i = 0; i < DS_ARRAY_LEN(keys); i++) {
        if (!get_time(c, item, keys[i], t)) return false;
        if (t->set) return true;
    }
    const YNode *md = ymap_get(item, "metadata");
    return md && md->kind == YNODE_MAP ? get_time(c, md, "creationTimestamp", t) : true;
}

static void pod_event(History *h, uint32_t pod, const char *reason, const char *msg,
                      const char *field_path, Stamp t)
{
    HistPod *p = &h->pods.v[pod];
    if (!strcmp(reason, "Scheduled")) {
        keep_first(&p->scheduled_event, t);
        return;
    }
    Sym cname;
    bool init;
    if (!container_of(h, field_path, &cname, &init)) return;
    HistContainer *hc = find_container(h, pod, cname, init);
    if (!strcmp(reason, "Pulled")) {
        double secs;
        switch (history_parse_pulled(msg ? msg : "", &secs)) {
        case PULL_TIMED:
            VEC_PUSH(h->pulls, secs);
            h->counts.pulls_timed++;
            break;
        case PULL_PRESENT: h->counts.pulls_present++; break;
        case PULL_UNTIMED: h->counts.pulls_untimed++; break;
        case PULL_OTHER: return;
        }
        keep_first(&hc->pulled, t);
    } else if (!strcmp(reason, "Started")) {
        keep_first(&hc->started, t);
    } else if (!strcmp(reason, "Killing")) {
        keep_first(&hc->killing, t);
    }
}

static bool read_event(YCtx *c, History *h, const YNode *item)
{
    const YNode *obj = ymap_get(item, "involvedObject");
    if (!obj || ynode_is_null(obj)) obj = ymap_get(item, "regarding");
    if (!obj || ynode_is_null(obj)) {
        yerr_at(c, item->pos, "an Event needs involvedObject, the object it is about");
        return false;
    }
    const char *name;
    if (!yget_map(c, obj) || !required_name(c, obj, &name)) return false;
    h->counts.events++;
    const char *kind = opt_str(obj, "kind"), *ns = opt_str(obj, "namespace");
    const char *reason = opt_str(item, "reason"), *msg = opt_str(item, "message");
    if (!msg) msg = opt_str(item, "note");
    Stamp t;
    if (!event_time(c, item, &t)) return false;
    if (!kind || !reason || !t.set) return true;
    Sym nss = strtab_intern(h->strs, ns ? ns : "default");
    if (!strcmp(kind, "Pod")) {
        pod_event(h, find_pod(h, nss, strtab_intern(h->strs, name)), reason,
                  msg, opt_str(obj, "fieldPath"), t);
    } else if (!strcmp(reason, "SuccessfulCreate") && msg && starts(msg, "Created pod: ")) {
        /* the DaemonSet (or any controller) names the pod it created */
        uint32_t pod = find_pod(h, nss, strtab_intern(h->strs, msg + strlen("Created pod: ")));
        keep_first(&h->pods.v[pod].created_event, t);
    }
    return true;
}

static bool read_conditions(YCtx *c, HistPod *p, const YNode *list)
{
    if (!yget_seq(c, list)) return false;
    for (uint32_t i = 0; i < list->n; i++) {
        const YNode *cond = list->items[i];
        if (!yget_map(c, cond)) return false;
        const char *type = opt_str(cond, "type"), *status = opt_str(cond, "status");
        Stamp t;
        if (!get_time(c, cond, "lastTransitionTime", &t)) return false;
        if (!type || !status || strcmp(status, "True")) continue;
        if (!strcmp(type, "PodScheduled")) p->scheduled_cond = t;
        else if (!strcmp(type, "Ready")) p->ready = t;
    }
    return true;
}

static bool read_container_statuses(YCtx *c, History *h, uint32_t pod, const YNode *list)
{
    if (!yget_seq(c, list)) return false;
    for (uint32_t i = 0; i < list->n; i++) {
        const YNode *cs = list->items[i];
        if (!yget_map(c, cs)) return false;
        const char *name = opt_str(cs, "name");
        if (!name) continue;
        HistContainer *hc = find_container(h, pod, strtab_intern(h->strs, name), false);
        hc->in_status = true;
        const YNode *state = ymap_get(cs, "state");
        if (!state || ynode_is_null(state)) continue;
        if (!yget_map(c, state)) return false;
        const YNode *running = ymap_get(state, "running"), *term = ymap_get(state, "terminated");
        if (running && running->kind == YNODE_MAP &&
            !get_time(c, running, "startedAt", &hc->running_since))
            return false;
        if (term && term->kind == YNODE_MAP && !get_time(c, term, "finishedAt", &hc->finished))
            return false;
    }
    return true;
}

static bool read_pod(YCtx *c, History *h, const YNode *item)
{
    const YNode *md = ymap_get(item, "metadata");
    if (!md || ynode_is_null(md)) {
        yerr_at(c, item->pos, "a Pod needs metadata.name");
        return false;
    }
    const char *name;
    if (!yget_map(c, md) || !required_name(c, md, &name)) return false;
    const char *ns = opt_str(md, "namespace");
    uint32_t idx = find_pod(h, strtab_intern(h->strs, ns ? ns : "default"),
                            strtab_intern(h->strs, name));
    h->counts.pods++;
    Stamp created, deleted;
    if (!get_time(c, md, "creationTimestamp", &created) ||
        !get_time(c, md, "deletionTimestamp", &deleted))
        return false;
    HistPod *p = &h->pods.v[idx];
    p->listed = true;
    p->created = created;
    if (deleted.set) {
        /* deletionTimestamp is the request plus the grace period */
        int64_t grace = 0;
        const YNode *g = ymap_get(md, "deletionGracePeriodSeconds");
        if (g && !ynode_is_null(g) && !yget_int(c, g, 0, INT32_MAX, &grace)) return false;
        p->deletion = deleted;
        p->deletion.t -= (double)grace;
    }
    const YNode *status = ymap_get(item, "status");
    if (!status || ynode_is_null(status)) return true;
    if (!yget_map(c, status)) return false;
    const YNode *conds = ymap_get(status, "conditions"), *cs = ymap_get(status, "containerStatuses");
    if (conds && !ynode_is_null(conds) && !read_conditions(c, &h->pods.v[idx], conds)) return false;
    if (cs && !ynode_is_null(cs) && !read_container_statuses(c, h, idx, cs)) return false;
    return true;
}

static bool read_item(YCtx *c, const YNode *item, void *arg)
{
    History *h = ((ReadState *)arg)->h;
    if (!yget_map(c, item)) return false;
    const YNode *kind_node = ymap_get(item, "kind");
    const char *kind = opt_str(item, "kind");
    if (!kind && kind_node && !ynode_is_null(kind_node)) {
        yerr(c, kind_node, "expected a string");
        return false;
    }
    if (!kind)
        kind = ymap_get(item, "involvedObject") || ymap_get(item, "regarding") ? "Event" : "Pod";
    if (!strcmp(kind, "Event")) return read_event(c, h, item);
    if (!strcmp(kind, "Pod")) return read_pod(c, h, item);
    yerr(c, kind_node, "expected kind Event or Pod (`kubectl get events|pods -A -o yaml`), got %s",
         kind);
    return false;
}

bool history_read(History *h, const char *path, Diag *d)
{
    Arena tmp = {0};
    YCtx c = {.d = d, .tmp = &tmp, .out = &h->arena, .strs = h->strs};
    ReadState st = {.h = h};
    bool ok = ydoc_stream_items(&c, path, (SrcPos){NULL, 0, 0}, keep_path, read_item, &st);
    arena_free(&tmp);
    if (ok) h->counts.files++;
    return ok && !diag_failed(d);
}

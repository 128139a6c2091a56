/* recorder.c: see recorder.h. */
#include "daemonsim/recorder.h"

#include <stdarg.h>
#include <stdio.h>

/* client-go tools/record/events_cache.go: defaultSpamBurst, defaultSpamQPS. */
#define SPAM_BURST 25
#define SPAM_INTERVAL (300 * SIM_S)

const char *recorder_kind_name(ObjKind kind)
{
    switch (kind) {
    case OBJ_POD: return "Pod";
    case OBJ_NODE: return "Node";
    case OBJ_DAEMONSET: return "DaemonSet";
    }
    return "?";
}

static uint64_t spam_key(EventSource src, ObjKind kind, Sym name)
{
    /* never 0: the empty-slot marker */
    return ((uint64_t)src << 40 | (uint64_t)kind << 32 | name) + 1;
}

static size_t spam_slot(const EventSpamFilter *f, uint64_t key)
{
    size_t i = (size_t)((key * 0x9E3779B97F4A7C15u) >> 20) & (f->cap - 1);
    while (f->keys[i] && f->keys[i] != key) i = (i + 1) & (f->cap - 1);
    return i;
}

static void spam_grow(EventSpamFilter *f)
{
    EventSpamFilter old = *f;
    f->cap = old.cap ? 2 * old.cap : 64;
    f->keys = xcalloc(f->cap, sizeof *f->keys);
    f->tat = xcalloc(f->cap, sizeof *f->tat);
    for (size_t i = 0; i < old.cap; i++) {
        if (!old.keys[i]) continue;
        size_t j = spam_slot(f, old.keys[i]);
        f->keys[j] = old.keys[i];
        f->tat[j] = old.tat[i];
    }
    free(old.keys);
    free(old.tat);
}

/* A token bucket that starts full, as GCRA: passes when the theoretical
 * arrival time minus the burst allowance is not in the future. */
static bool spam_allow(EventSpamFilter *f, uint64_t key, SimTime now)
{
    if (2 * (f->n + 1) > f->cap) spam_grow(f);
    size_t i = spam_slot(f, key);
    if (!f->keys[i]) {
        f->keys[i] = key;
        f->tat[i] = now;
        f->n++;
    }
    SimTime tau = (SPAM_BURST - 1) * SPAM_INTERVAL;
    if (f->tat[i] - tau > now) return false;
    f->tat[i] = (f->tat[i] > now ? f->tat[i] : now) + SPAM_INTERVAL;
    return true;
}

/* The client whose token bucket an Event's write takes. The DaemonSet
 * controller records through its own clientset (daemon_controller.go Run:
 * StartRecordingToSink with dsc.kubeClient), so its Events queue with its pod
 * and status calls. kube-scheduler writes Events with a clientset of their
 * own (cmd/kube-scheduler/app/options createClients: eventClient), which no
 * other call shares; the node lifecycle controller's client is not
 * modelled. For those two the write delays nothing the model times. */
static ApiClient *source_client(Cluster *c, EventSource src)
{
    return src == SRC_DAEMONSET_CONTROLLER ? &c->ds_api : NULL;
}

void recorder_eventf(Cluster *c, EventSource src, ObjKind kind, Sym name, bool warning,
                     const char *reason, const char *fmt, ...)
{
    if (!spam_allow(&c->spam, spam_key(src, kind, name), c->sim->now)) {
        c->spam.dropped++;
        return;
    }
    /* The write goes out in the background (the broadcaster's goroutine):
     * it takes a token, and the calls after it wait for the next one. */
    ApiClient *client = source_client(c, src);
    if (client) {
        api_client_acquire(client, c->sim->now);
        c->ds_calls.events++;
    }
    if (!c->sink.k8s_event) return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->sink.k8s_event(c->sink.ctx, c->sim->now, recorder_kind_name(kind),
                      strtab_str(c->strs, name), warning ? "Warning" : "Normal", reason, msg);
}

void recorder_free(Cluster *c)
{
    free(c->spam.keys);
    free(c->spam.tat);
    c->spam = (EventSpamFilter){0};
}

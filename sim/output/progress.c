/* progress.c: the lines and tables a run shows a person. */
#include "daemonsim/progress.h"

#include <string.h>

/* Simulated times for people: rounded to the millisecond. */
static void format_time(SimTime t, char *buf, size_t n)
{
    units_format_duration((t + SIM_MS / 2) / SIM_MS * SIM_MS, buf, n);
}

void progress_print_line(FILE *out, SimTime t, const char *msg)
{
    char when[64];
    format_time(t, when, sizeof when);
    fprintf(out, "[%10s] %s\n", when, msg);
}

/* kubectl get ds: NODE SELECTOR is the template's nodeSelector as k=v,... */
static void node_selector_text(const Cluster *c, const PodTemplate *t, char *buf, size_t n)
{
    if (t->nnode_selector == 0) {
        snprintf(buf, n, "<none>");
        return;
    }
    size_t used = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < t->nnode_selector && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s=%s", i ? "," : "",
                                 strtab_str(c->strs, t->node_selector[i].key),
                                 strtab_str(c->strs, t->node_selector[i].value));
}

void progress_print_summary(FILE *out, const Cluster *c)
{
    size_t width = 4;
    for (size_t i = 0; i < c->dsets.n; i++) {
        size_t len = strlen(strtab_str(c->strs, c->dsets.v[i].name));
        if (len > width) width = len;
    }
    int w = (int)width;
    fprintf(out, "%-*s  %7s  %7s  %7s  %10s  %9s  %-13s  %s\n", w, "NAME", "DESIRED", "CURRENT",
            "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE");
    for (size_t i = 0; i < c->dsets.n; i++) {
        const DaemonSet *ds = &c->dsets.v[i];
        if (!ds->exists) continue;
        const DsStatus *s = &ds->status;
        char sel[256], age[64];
        node_selector_text(c, &ds->spec->template_, sel, sizeof sel);
        /* An already running DaemonSet is as old as the simulated timeline. */
        SimTime born = ds->rollouts.n && !ds->revs.v[0].spec->already_running
                           ? ds->rollouts.v[0].started : 0;
        units_format_age(c->sim->now - born, age, sizeof age);
        fprintf(out, "%-*s  %7lld  %7lld  %7lld  %10lld  %9lld  %-13s  %s\n", w,
                strtab_str(c->strs, ds->name), (long long)s->desired, (long long)s->current,
                (long long)s->ready, (long long)s->updated, (long long)s->available, sel, age);
    }
    fprintf(out, "\n%-*s  %8s  %10s  %10s  %16s  %15s  %23s\n", w, "ROLLOUT", "REVISION", "STARTED",
            "COMPLETED", "TIME TO CONVERGE", "MAX UNAVAILABLE", "UNAVAILABLE POD-SECONDS");
    for (size_t i = 0; i < c->dsets.n; i++) {
        const DaemonSet *ds = &c->dsets.v[i];
        for (size_t k = 0; k < ds->rollouts.n; k++) {
            const Rollout *r = &ds->rollouts.v[k];
            char started[64], done[64] = "-", took[64] = "-";
            format_time(r->started, started, sizeof started);
            if (r->completed != SIM_NEVER) {
                format_time(r->completed, done, sizeof done);
                format_time(r->completed - r->started, took, sizeof took);
            }
            double unavail = r->unavailable_pod_seconds;
            if (r->completed == SIM_NEVER)
                unavail += (double)ds->view.unavailable * sim_to_seconds(c->sim->now - ds->view_changed);
            fprintf(out, "%-*s  %8lld  %10s  %10s  %16s  %15lld  %23.1f\n", w,
                    strtab_str(c->strs, ds->name), (long long)r->revision, started, done, took,
                    (long long)r->max_unavailable, unavail);
        }
    }
}

/* report.c: renders the runs of a results database as a table, CSV or JSON.
 *
 * Everything is read first (through store.h, into one arena) and written
 * afterwards, so the table can size its columns and a database error never
 * leaves half a report on stdout. Numbers in CSV and JSON are printed with
 * the fewest digits that read back to the same double, so that the files
 * are exact and stable for golden tests; the table rounds seconds to
 * milliseconds for people. A rollout that did not complete has an empty
 * completion time and time to converge (null in JSON). */
#include "daemonsim/report.h"
#include "daemonsim/json.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "daemonsim/mem.h"

typedef struct {
    StoreRunRow run;
    StoreRollout *rollouts;
    size_t n_rollouts;
    StorePlanEvent *plans;      /* each rollout plan's latest transition */
    size_t n_plans;
} ReportRun;

/* A sweep with its points and its --vary lists ("maxUnavailable=1,5%"). */
typedef struct {
    StoreSweepRow sweep;
    const StoreSweepPoint *points;
    size_t n_points;
    const char *vary;
    int64_t runs;               /* sum of the points' n */
} ReportSweep;

typedef struct {
    Arena arena;
    ReportRun *runs;
    size_t n_runs;
    StoreSweepPoint *points;
    size_t n_points;
    ReportSweep *sweeps;
    size_t n_sweeps;
    bool show_runs, show_points;
} ReportData;

bool report_parse_format(const char *name, ReportFormat *out)
{
    static const char *const names[] = {[REPORT_TABLE] = "table", [REPORT_CSV] = "csv",
                                        [REPORT_JSON] = "json"};
    for (size_t i = 0; i < DS_ARRAY_LEN(names); i++) {
        if (!strcmp(name, names[i])) {
            *out = (ReportFormat)i;
            return true;
        }
    }
    return false;
}

/* ---- numbers ---- */

/* The shortest %g that reads back as v; empty for NAN (SQL NULL). */
static const char *num_exact(char buf[32], double v)
{
    if (!isfinite(v)) {
        buf[0] = '\0';
        return buf;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, 32, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) break;
    }
    return buf;
}

static const char *num_table(char buf[32], double v)
{
    if (!isfinite(v)) buf[0] = '\0';
    else snprintf(buf, 32, "%.3f", v);
    return buf;
}

static double time_to_converge(const StoreRollout *r)
{
    return r->completed >= 0 ? r->completed - r->started : (double)NAN;
}

/* ---- aligned table ---- */

typedef struct {
    size_t ncols;
    VEC(const char *) cells;    /* row-major, the header row first */
} TextTable;

static void table_cell(TextTable *t, Arena *a, const char *fmt, ...) DS_PRINTF(3, 4);

static void table_cell(TextTable *t, Arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *cell = arena_alloc(a, (size_t)(n > 0 ? n : 0) + 1);
    va_start(ap, fmt);
    vsnprintf(cell, (size_t)n + 1, fmt, ap);
    va_end(ap);
    /* a control byte or broken UTF-8 would garble the terminal and the
     * alignment; the table is for reading, CSV and JSON keep the bytes */
    for (unsigned char *c = (unsigned char *)cell; *c;) {
        size_t len = json_utf8_len(c);
        if (len == 0 || *c < 0x20 || *c == 0x7f) *c++ = '?';
        else c += len;
    }
    VEC_PUSH(t->cells, cell);
}

/* Width on a terminal, counting a UTF-8 sequence as one column. */
static size_t display_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++) w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* Columns left-aligned and three spaces apart, as kubectl prints them; no
 * trailing blanks. */
static void table_print(const TextTable *t, FILE *out)
{
    size_t *width = xcalloc(t->ncols, sizeof *width);
    for (size_t i = 0; i < t->cells.n; i++) {
        size_t w = display_width(t->cells.v[i]);
        if (w > width[i % t->ncols]) width[i % t->ncols] = w;
    }
    for (size_t i = 0; i < t->cells.n; i++) {
        size_t col = i % t->ncols;
        const char *cell = t->cells.v[i];
        fputs(cell, out);
        if (col + 1 == t->ncols) {
            fputc('\n', out);
            continue;
        }
        /* pad only if a later cell of this row has something to show */
        bool more = false;
        for (size_t j = i + 1; j < i + t->ncols - col; j++) more |= t->cells.v[j][0] != '\0';
        if (more) fprintf(out, "%*s", (int)(width[col] - display_width(cell) + 3), "");
    }
    free(width);
}

static void table_headers(TextTable *t, Arena *a, const char *const *heads, size_t n)
{
    t->ncols = n;
    for (size_t i = 0; i < n; i++) table_cell(t, a, "%s", heads[i]);
}

/* Where each rollout plan ended up: its last transition. */
static void write_table_plans(const ReportData *d, FILE *out, Arena *a)
{
    static const char *const heads[] = {"RUN", "DAEMONSET", "PLAN-STEP", "LAST", "AT", "DETAIL"};
    TextTable t = {0};
    table_headers(&t, a, heads, DS_ARRAY_LEN(heads));
    size_t rows = 0;
    char b[32];
    for (size_t i = 0; i < d->n_runs; i++) {
        for (size_t k = 0; k < d->runs[i].n_plans; k++, rows++) {
            const StorePlanEvent *p = &d->runs[i].plans[k];
            table_cell(&t, a, "%" PRId64, d->runs[i].run.id);
            table_cell(&t, a, "%s", p->daemonset ? p->daemonset : "");
            table_cell(&t, a, "%" PRId64, p->step);
            table_cell(&t, a, "%s", p->what ? p->what : "");
            table_cell(&t, a, "%s", num_table(b, p->t));
            table_cell(&t, a, "%s", p->detail ? p->detail : "");
        }
    }
    if (rows > 0) {
        fputc('\n', out);
        table_print(&t, out);
    }
    VEC_FREE(t.cells);
}

static void write_table_runs(const ReportData *d, FILE *out)
{
    Arena a = {0};
    char b1[32], b2[32], b3[32], b4[32];
    static const char *const run_heads[] = {"RUN",         "SCENARIO",     "SEED",  "PARAMS",
                                            "SIM-SECONDS", "WALL-SECONDS", "EVENTS"};
    TextTable runs = {0};
    table_headers(&runs, &a, run_heads, DS_ARRAY_LEN(run_heads));
    size_t n_rollouts = 0;
    for (size_t i = 0; i < d->n_runs; i++) {
        const StoreRunRow *r = &d->runs[i].run;
        table_cell(&runs, &a, "%" PRId64, r->id);
        table_cell(&runs, &a, "%s", r->scenario ? r->scenario : "");
        table_cell(&runs, &a, "%" PRIu64, r->seed);
        table_cell(&runs, &a, "%s", r->params ? r->params : "");
        table_cell(&runs, &a, "%s", num_table(b1, r->sim_seconds));
        table_cell(&runs, &a, "%s", num_table(b2, r->wall_seconds));
        table_cell(&runs, &a, "%" PRId64, r->events);
        n_rollouts += d->runs[i].n_rollouts;
    }
    table_print(&runs, out);
    VEC_FREE(runs.cells);

    if (n_rollouts > 0) {
        static const char *const heads[] = {
            "RUN",       "DAEMONSET",        "REVISION",        "STARTED",
            "COMPLETED", "TIME-TO-CONVERGE", "MAX-UNAVAILABLE", "UNAVAILABLE-POD-SECONDS"};
        TextTable ro = {0};
        table_headers(&ro, &a, heads, DS_ARRAY_LEN(heads));
        for (size_t i = 0; i < d->n_runs; i++) {
            for (size_t k = 0; k < d->runs[i].n_rollouts; k++) {
                const StoreRollout *r = &d->runs[i].rollouts[k];
                table_cell(&ro, &a, "%" PRId64, d->runs[i].run.id);
                table_cell(&ro, &a, "%s", r->daemonset ? r->daemonset : "");
                table_cell(&ro, &a, "%" PRId64, r->revision);
                table_cell(&ro, &a, "%s", num_table(b1, r->started));
                table_cell(&ro, &a, "%s", r->completed >= 0 ? num_table(b2, r->completed) : "");
                table_cell(&ro, &a, "%s", num_table(b3, time_to_converge(r)));
                table_cell(&ro, &a, "%" PRId64, r->max_unavailable);
                table_cell(&ro, &a, "%s", num_table(b4, r->unavailable_pod_seconds));
            }
        }
        fputc('\n', out);
        table_print(&ro, out);
        VEC_FREE(ro.cells);
    }
    write_table_plans(d, out, &a);
    arena_free(&a);
}

static void write_table_sweeps(const ReportData *d, FILE *out)
{
    /* no creation time: the table stays reproducible (csv and json have it) */
    static const char *const heads[] = {"SWEEP", "SCENARIO", "DAEMONSET", "SEEDS",
                                        "POINTS", "RUNS",    "STATUS",    "VARY"};
    Arena a = {0};
    TextTable t = {0};
    table_headers(&t, &a, heads, DS_ARRAY_LEN(heads));
    for (size_t i = 0; i < d->n_sweeps; i++) {
        const ReportSweep *w = &d->sweeps[i];
        table_cell(&t, &a, "%" PRId64, w->sweep.id);
        table_cell(&t, &a, "%s", w->sweep.scenario ? w->sweep.scenario : "");
        table_cell(&t, &a, "%s", w->sweep.daemonset ? w->sweep.daemonset : "");
        table_cell(&t, &a, "%" PRId64, w->sweep.seeds);
        table_cell(&t, &a, "%zu", w->n_points);
        table_cell(&t, &a, "%" PRId64, w->runs);
        table_cell(&t, &a, "%s", w->sweep.status ? w->sweep.status : "");
        table_cell(&t, &a, "%s", w->vary);
    }
    table_print(&t, out);
    VEC_FREE(t.cells);
    arena_free(&a);
}

static void write_table_points(const ReportData *d, FILE *out)
{
    static const char *const heads[] = {
        "SWEEP",         "POINT",         "PARAMS",        "N",
        "CONVERGED",     "CONVERGE-MEAN", "CONVERGE-CI95", "CONVERGE-STDDEV",
        "CONVERGE-P50",  "CONVERGE-P90",  "CONVERGE-P99",  "PEAK-UNAVAILABLE-MEAN",
        "PEAK-UNAVAILABLE-P99", "UNAVAILABLE-POD-SECONDS-MEAN", "EXPOSURE-MEAN"};
    bool exposure = false;
    for (size_t i = 0; i < d->n_points; i++) exposure |= d->points[i].has_exposure;
    Arena a = {0};
    char b[32];
    TextTable t = {0};
    /* the exposure column only when some sweep measured a bad release */
    table_headers(&t, &a, heads, DS_ARRAY_LEN(heads) - !exposure);
    for (size_t i = 0; i < d->n_points; i++) {
        const StoreSweepPoint *p = &d->points[i];
        table_cell(&t, &a, "%" PRId64, p->sweep_id);
        table_cell(&t, &a, "%" PRId64, p->point);
        table_cell(&t, &a, "%s", p->params ? p->params : "");
        table_cell(&t, &a, "%" PRId64, p->n);
        table_cell(&t, &a, "%" PRId64, p->n_converged);
        const double figs[] = {p->converge.mean, p->converge.ci95, p->converge.stddev,
                               p->converge.p50,  p->converge.p90,  p->converge.p99,
                               p->peak_unavailable.mean, p->peak_unavailable.p99,
                               p->unavailable_pod_seconds.mean};
        for (size_t k = 0; k < DS_ARRAY_LEN(figs); k++)
            table_cell(&t, &a, "%s", num_table(b, figs[k]));
        if (exposure)
            table_cell(&t, &a, "%s", num_table(b, p->has_exposure ? p->exposure.mean : (double)NAN));
    }
    table_print(&t, out);
    VEC_FREE(t.cells);
    arena_free(&a);
}

static void write_table(const ReportData *d, FILE *out)
{
    if (d->show_runs) {
        if (d->n_runs == 0) fputs("No runs in this database.\n", out);
        else write_table_runs(d, out);
    }
    if (d->show_points && d->n_sweeps > 0) {
        if (d->show_runs) fputc('\n', out);
        write_table_sweeps(d, out);
        if (d->n_points > 0) {
            fputc('\n', out);
            write_table_points(d, out);
        }
    } else if (d->show_points && !d->show_runs) {
        fputs("No sweeps in this database.\n", out);
    }
}

/* ---- CSV (RFC 4180) ---- */

static void csv_field(FILE *out, const char *s, bool last)
{
    if (!s) s = "";
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', out);
        for (; *s; s++) {
            if (*s == '"') fputc('"', out);
            fputc(*s, out);
        }
        fputc('"', out);
    } else {
        fputs(s, out);
    }
    fputs(last ? "\r\n" : ",", out);
}

static void csv_int(FILE *out, int64_t v, bool last)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    csv_field(out, buf, last);
}

static void csv_real(FILE *out, double v, bool last)
{
    char buf[32];
    csv_field(out, num_exact(buf, v), last);
}

static const char *const run_fields[] = {"run_id",      "scenario",     "seed",   "params",
                                         "sim_seconds", "wall_seconds", "events"};
static const char *const rollout_fields[] = {
    "daemonset",        "revision",        "started",                "completed",
    "time_to_converge", "max_unavailable", "unavailable_pod_seconds"};

static void write_csv_runs(const ReportData *d, FILE *out)
{
    for (size_t i = 0; i < DS_ARRAY_LEN(run_fields); i++) csv_field(out, run_fields[i], false);
    for (size_t i = 0; i < DS_ARRAY_LEN(rollout_fields); i++)
        csv_field(out, rollout_fields[i], i + 1 == DS_ARRAY_LEN(rollout_fields));
    for (size_t i = 0; i < d->n_runs; i++) {
        const StoreRunRow *r = &d->runs[i].run;
        char seed[32];
        snprintf(seed, sizeof seed, "%" PRIu64, r->seed);
        /* one line per rollout; a run without one still gets a line */
        size_t n = d->runs[i].n_rollouts;
        for (size_t k = 0; k < (n ? n : 1); k++) {
            csv_int(out, r->id, false);
            csv_field(out, r->scenario, false);
            csv_field(out, seed, false);
            csv_field(out, r->params, false);
            csv_real(out, r->sim_seconds, false);
            csv_real(out, r->wall_seconds, false);
            csv_int(out, r->events, false);
            if (n == 0) {
                fputs(",,,,,,\r\n", out);
                continue;
            }
            const StoreRollout *ro = &d->runs[i].rollouts[k];
            csv_field(out, ro->daemonset, false);
            csv_int(out, ro->revision, false);
            csv_real(out, ro->started, false);
            csv_real(out, ro->completed >= 0 ? ro->completed : (double)NAN, false);
            csv_real(out, time_to_converge(ro), false);
            csv_int(out, ro->max_unavailable, false);
            csv_real(out, ro->unavailable_pod_seconds, true);
        }
    }
}

static const char *const sweep_fields[] = {"sweep_id", "scenario", "daemonset", "seeds",
                                           "status"};
static const char *const point_fields[] = {
    "sweep_id", "point", "params", "n", "n_converged",
    "converge_mean", "converge_stddev", "converge_ci95",
    "converge_p50", "converge_p90", "converge_p99",
    "peak_unavailable_mean", "peak_unavailable_stddev", "peak_unavailable_ci95",
    "peak_unavailable_p50", "peak_unavailable_p90", "peak_unavailable_p99",
    "unavailable_pod_seconds_mean", "unavailable_pod_seconds_stddev",
    "unavailable_pod_seconds_ci95", "unavailable_pod_seconds_p50",
    "unavailable_pod_seconds_p90", "unavailable_pod_seconds_p99",
    "exposure_mean", "exposure_stddev", "exposure_ci95",
    "exposure_p50", "exposure_p90", "exposure_p99"};

#define POINT_FIGURES 24

/* The 24 summary figures of a point, in point_fields order; NAN for what
 * was not measured. */
static void point_figures(const StoreSweepPoint *p, double fig[POINT_FIGURES])
{
    StoreSummary none = {NAN, NAN, NAN, NAN, NAN, NAN};
    const StoreSummary *m[4] = {&p->converge, &p->peak_unavailable, &p->unavailable_pod_seconds,
                                p->has_exposure ? &p->exposure : &none};
    for (int i = 0; i < 4; i++) {
        double *f = fig + 6 * i;
        f[0] = m[i]->mean, f[1] = m[i]->stddev, f[2] = m[i]->ci95;
        f[3] = m[i]->p50, f[4] = m[i]->p90, f[5] = m[i]->p99;
    }
}

/* One line per point, its sweep's columns first (as a run's come first on
 * each of its rollout lines). */
static void write_csv_points(const ReportData *d, FILE *out)
{
    size_t nf = DS_ARRAY_LEN(point_fields);
    for (size_t i = 0; i < DS_ARRAY_LEN(sweep_fields); i++) csv_field(out, sweep_fields[i], false);
    for (size_t i = 1; i < nf; i++) csv_field(out, point_fields[i], i + 1 == nf);
    for (size_t w = 0; w < d->n_sweeps; w++) {
        const ReportSweep *sw = &d->sweeps[w];
        for (size_t i = 0; i < sw->n_points; i++) {
            const StoreSweepPoint *p = &sw->points[i];
            double fig[POINT_FIGURES];
            point_figures(p, fig);
            csv_int(out, sw->sweep.id, false);
            csv_field(out, sw->sweep.scenario, false);
            csv_field(out, sw->sweep.daemonset, false);
            csv_int(out, sw->sweep.seeds, false);
            csv_field(out, sw->sweep.status, false);
            csv_int(out, p->point, false);
            csv_field(out, p->params, false);
            csv_int(out, p->n, false);
            csv_int(out, p->n_converged, false);
            for (int k = 0; k < POINT_FIGURES; k++) csv_real(out, fig[k], k == POINT_FIGURES - 1);
        }
    }
}

/* ---- JSON ---- */

static void json_real(FILE *out, double v)
{
    char buf[32];
    fputs(isfinite(v) ? num_exact(buf, v) : "null", out);
}

static void json_key(FILE *out, const char *key, bool first)
{
    if (!first) fputs(", ", out);
    json_write_string(out, key);
    fputs(": ", out);
}

/* params is JSON already (store.h): embedded as it is, null if missing. */
static void json_raw(FILE *out, const char *json) { fputs(json ? json : "null", out); }

/* "plans": each rollout plan's last transition, for runs that had a plan. */
static void write_json_plans(const ReportRun *run, FILE *out)
{
    if (run->n_plans == 0) return;
    json_key(out, "plans", false);
    fputc('[', out);
    for (size_t k = 0; k < run->n_plans; k++) {
        const StorePlanEvent *p = &run->plans[k];
        fputs(k ? ",\n    {" : "\n    {", out);
        json_key(out, "daemonset", true);
        json_write_string(out, p->daemonset);
        json_key(out, "step", false);
        fprintf(out, "%" PRId64, p->step);
        json_key(out, "last", false);
        json_write_string(out, p->what);
        json_key(out, "t", false);
        json_real(out, p->t);
        json_key(out, "detail", false);
        json_write_string(out, p->detail);
        fputc('}', out);
    }
    fputs("\n  ]", out);
}

static void write_json_runs(const ReportData *d, FILE *out)
{
    fputc('[', out);
    for (size_t i = 0; i < d->n_runs; i++) {
        const StoreRunRow *r = &d->runs[i].run;
        fputs(i ? ",\n  {" : "\n  {", out);
        json_key(out, run_fields[0], true);
        fprintf(out, "%" PRId64, r->id);
        json_key(out, run_fields[1], false);
        json_write_string(out, r->scenario);
        json_key(out, run_fields[2], false);
        fprintf(out, "%" PRIu64, r->seed);
        json_key(out, run_fields[3], false);
        json_raw(out, r->params);
        json_key(out, run_fields[4], false);
        json_real(out, r->sim_seconds);
        json_key(out, run_fields[5], false);
        json_real(out, r->wall_seconds);
        json_key(out, run_fields[6], false);
        fprintf(out, "%" PRId64, r->events);
        json_key(out, "rollouts", false);
        fputc('[', out);
        for (size_t k = 0; k < d->runs[i].n_rollouts; k++) {
            const StoreRollout *ro = &d->runs[i].rollouts[k];
            fputs(k ? ",\n    {" : "\n    {", out);
            json_key(out, rollout_fields[0], true);
            json_write_string(out, ro->daemonset);
            json_key(out, rollout_fields[1], false);
            fprintf(out, "%" PRId64, ro->revision);
            json_key(out, rollout_fields[2], false);
            json_real(out, ro->started);
            json_key(out, rollout_fields[3], false);
            json_real(out, ro->completed >= 0 ? ro->completed : (double)NAN);
            json_key(out, rollout_fields[4], false);
            json_real(out, time_to_converge(ro));
            json_key(out, rollout_fields[5], false);
            fprintf(out, "%" PRId64, ro->max_unavailable);
            json_key(out, rollout_fields[6], false);
            json_real(out, ro->unavailable_pod_seconds);
            fputc('}', out);
        }
        fputs(d->runs[i].n_rollouts ? "\n  ]" : "]", out);
        write_json_plans(&d->runs[i], out);
        fputc('}', out);
    }
    fputs(d->n_runs ? "\n]\n" : "]\n", out);
}

/* An array of sweeps, each with its points (as runs come with their rollouts). */
static void write_json_points(const ReportData *d, FILE *out)
{
    fputc('[', out);
    for (size_t w = 0; w < d->n_sweeps; w++) {
        const ReportSweep *sw = &d->sweeps[w];
        fputs(w ? ",\n  {" : "\n  {", out);
        json_key(out, sweep_fields[0], true);
        fprintf(out, "%" PRId64, sw->sweep.id);
        json_key(out, sweep_fields[1], false);
        json_write_string(out, sw->sweep.scenario);
        json_key(out, sweep_fields[2], false);
        json_write_string(out, sw->sweep.daemonset);
        json_key(out, sweep_fields[3], false);
        fprintf(out, "%" PRId64, sw->sweep.seeds);
        json_key(out, sweep_fields[4], false);
        json_write_string(out, sw->sweep.status);
        json_key(out, "created_at", false);
        json_write_string(out, sw->sweep.created_at);
        json_key(out, "wall_seconds", false);
        json_real(out, sw->sweep.wall_seconds);
        json_key(out, "params", false);
        json_raw(out, sw->sweep.params);
        json_key(out, "points", false);
        fputc('[', out);
        for (size_t i = 0; i < sw->n_points; i++) {
            const StoreSweepPoint *p = &sw->points[i];
            double fig[POINT_FIGURES];
            point_figures(p, fig);
            fputs(i ? ",\n    {" : "\n    {", out);
            json_key(out, point_fields[1], true);
            fprintf(out, "%" PRId64, p->point);
            json_key(out, point_fields[2], false);
            json_raw(out, p->params);
            json_key(out, point_fields[3], false);
            fprintf(out, "%" PRId64, p->n);
            json_key(out, point_fields[4], false);
            fprintf(out, "%" PRId64, p->n_converged);
            for (int k = 0; k < POINT_FIGURES; k++) {
                json_key(out, point_fields[5 + k], false);
                json_real(out, fig[k]);
            }
            fputc('}', out);
        }
        fputs(sw->n_points ? "\n  ]}" : "]}", out);
    }
    fputs(d->n_sweeps ? "\n]\n" : "]\n", out);
}

/* ---- reading ---- */

static int read_runs(Store *s, const ReportOptions *opt, ReportData *d, char *err, size_t errlen)
{
    StoreRunRow *rows = NULL;
    size_t n = 0;
    if (opt->run_ids) {
        rows = arena_alloc(&d->arena, (opt->n_run_ids ? opt->n_run_ids : 1) * sizeof *rows);
        for (size_t i = 0; i < opt->n_run_ids; i++) {
            bool seen = false, found;
            for (size_t j = 0; j < n; j++) seen |= rows[j].id == opt->run_ids[i];
            if (seen) continue;
            if (store_get_run(s, &d->arena, opt->run_ids[i], &rows[n], &found) < 0)
                return REPORT_EDB;
            if (!found) {
                snprintf(err, errlen, "no run with id %" PRId64, opt->run_ids[i]);
                return REPORT_ENORUN;
            }
            n++;
        }
    } else if (store_list_runs(s, &d->arena, &rows, &n) < 0) {
        return REPORT_EDB;
    }
    d->runs = arena_alloc(&d->arena, (n ? n : 1) * sizeof *d->runs);
    d->n_runs = n;
    for (size_t i = 0; i < n; i++) {
        d->runs[i].run = rows[i];
        if (store_list_rollouts(s, &d->arena, rows[i].id, &d->runs[i].rollouts,
                                &d->runs[i].n_rollouts) < 0 ||
            store_list_plan_last(s, &d->arena, rows[i].id, &d->runs[i].plans,
                                 &d->runs[i].n_plans) < 0)
            return REPORT_EDB;
    }
    return REPORT_OK;
}

/* Groups the points by sweep and spells out each sweep's --vary lists. */
static int read_sweeps(Store *s, ReportData *d)
{
    StoreSweepRow *rows;
    size_t n;
    if (store_list_sweeps(s, &d->arena, &rows, &n) < 0) return REPORT_EDB;
    if (store_list_sweep_points(s, &d->arena, &d->points, &d->n_points) < 0) return REPORT_EDB;
    d->sweeps = arena_alloc(&d->arena, (n ? n : 1) * sizeof *d->sweeps);
    d->n_sweeps = n;
    size_t p = 0;
    for (size_t i = 0; i < n; i++) {
        ReportSweep *w = &d->sweeps[i];
        w->sweep = rows[i];
        while (p < d->n_points && d->points[p].sweep_id < rows[i].id) p++;
        w->points = d->points + p;
        while (p < d->n_points && d->points[p].sweep_id == rows[i].id) {
            w->runs += d->points[p].n;
            w->n_points++;
            p++;
        }
        StoreVary *vary;
        size_t nv;
        if (store_sweep_vary(s, &d->arena, rows[i].id, &vary, &nv) < 0) return REPORT_EDB;
        char buf[1024] = "";
        size_t len = 0;
        for (size_t k = 0; k < nv && len < sizeof buf; k++) {
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s=", k ? "; " : "", vary[k].key);
            for (size_t j = 0; j < vary[k].nvalues && len < sizeof buf; j++)
                len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", j ? "," : "",
                                        vary[k].values[j]);
        }
        w->vary = arena_strdup(&d->arena, buf);
    }
    return REPORT_OK;
}

int report_write(Store *s, const ReportOptions *opt, FILE *out, char *err, size_t errlen)
{
    ReportData d = {
        .show_runs = !opt->sweeps,
        /* the table has room for both; CSV and JSON hold one kind of row */
        .show_points = opt->sweeps || (opt->format == REPORT_TABLE && !opt->run_ids),
    };
    int rc = REPORT_OK;
    if (d.show_runs) rc = read_runs(s, opt, &d, err, errlen);
    if (rc == REPORT_OK && d.show_points) rc = read_sweeps(s, &d);
    if (rc == REPORT_OK) {
        switch (opt->format) {
        case REPORT_TABLE: write_table(&d, out); break;
        case REPORT_CSV:
            if (d.show_runs) write_csv_runs(&d, out);
            else write_csv_points(&d, out);
            break;
        case REPORT_JSON:
            if (d.show_runs) write_json_runs(&d, out);
            else write_json_points(&d, out);
            break;
        }
    }
    arena_free(&d.arena);
    return rc;
}

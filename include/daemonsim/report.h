/* report.h: `daemonsim report`, the runs of a results database as text.
 *
 * Three renderings of the same figures: an aligned table for people, CSV
 * (RFC 4180, a header line, one row per rollout) and JSON (an array of runs,
 * each with its rollouts) for jq and pandas. Sweep summaries, when a database
 * has them, come as one row per parameter point. The report only reads:
 * every query goes through store.h, and nothing here knows SQL. */
#ifndef DAEMONSIM_REPORT_H
#define DAEMONSIM_REPORT_H

#include <stdio.h>

#include "daemonsim/store.h"

typedef enum { REPORT_TABLE, REPORT_CSV, REPORT_JSON } ReportFormat;

typedef struct {
    ReportFormat format;
    const int64_t *run_ids;     /* these runs, in this order; NULL: every run */
    size_t n_run_ids;
    bool sweeps;                /* the sweep points instead of the runs */
} ReportOptions;

enum {
    REPORT_OK = 0,
    REPORT_EDB = -1,            /* the database could not be read: store_errmsg(s) */
    REPORT_ENORUN = -2,         /* a requested run does not exist: err names it */
};

/* "table", "csv" or "json"; false for anything else. */
bool report_parse_format(const char *name, ReportFormat *out);

/* Writes the report to out. Runs come with their rollouts; the table format
 * also lists the sweep points after the runs when every run is shown. All
 * rows are read before anything is written, so a failure writes nothing. On
 * REPORT_ENORUN, err says which run is missing. Write errors on out are the
 * caller's to check (ferror). */
int report_write(Store *s, const ReportOptions *opt, FILE *out, char *err, size_t errlen);

#endif

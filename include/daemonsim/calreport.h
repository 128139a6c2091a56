/* calreport.h: what `daemonsim calibrate` prints and writes.
 *
 * The report on stdout gives per phase the sample size, the chosen
 * distribution with its Kolmogorov-Smirnov distance, and the AIC of every
 * family tried. The timing file is one YAML document whose only key is
 * `timing:`, each phase written in exactly the scenario's syntax
 * (`imagePull: {dist: lognormal, median: 6.1s, sigma: 0.79}`), so that it
 * can be pasted into a scenario or named by `spec.timingFrom`. Phases
 * without enough data are left out (the scenario's defaults apply) and said
 * so in a comment. */
#ifndef DAEMONSIM_CALREPORT_H
#define DAEMONSIM_CALREPORT_H

#include <stdio.h>

#include "daemonsim/fit.h"

typedef struct {
    const char *name;           /* the timing key: "imagePull" */
    bool fitted;                /* fit holds a result */
    FitResult fit;              /* fit.n is the sample size even when not fitted */
    const char *note;           /* a line about the data (already-present pulls), or NULL */
} CalPhase;

/* `{dist: lognormal, median: 6.103s, sigma: 0.7912}`: four significant digits. */
void calreport_format_dist(const Dist *d, char *buf, size_t n);
void calreport_print(FILE *out, const CalPhase *phases, size_t n);
/* Writes the timing document to path (through a temporary file renamed into
 * place). `source` is a line saying what was read. false with err on I/O. */
bool calreport_write_timing(const char *path, const CalPhase *phases, size_t n,
                            const char *source, char *err, size_t errlen);

#endif

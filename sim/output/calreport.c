/* calreport.c: the calibrate report and the timing file it writes.
 *
 * Durations are printed as scenario durations (Go syntax) rounded to four
 * significant digits, shapes and sigma likewise: more digits than that would
 * claim a precision no sample of a few thousand pods has. */
#include "daemonsim/calreport.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "daemonsim/units.h"

static double sig4(double x)
{
    if (x == 0 || !isfinite(x)) return x;
    double scale = pow(10, 3 - floor(log10(fabs(x))));
    return round(x * scale) / scale;
}

static void fmt_secs(double x, char *buf, size_t n)
{
    units_format_duration((SimTime)llround(sig4(x) * (double)SIM_S), buf, n);
}

void calreport_format_dist(const Dist *d, char *buf, size_t n)
{
    char a[40], b[40];
    fmt_secs(d->a, a, sizeof a);
    fmt_secs(d->b, b, sizeof b);
    switch (d->kind) {
    case DIST_CONSTANT: snprintf(buf, n, "{dist: constant, value: %s}", a); break;
    case DIST_UNIFORM: snprintf(buf, n, "{dist: uniform, min: %s, max: %s}", a, b); break;
    case DIST_EXPONENTIAL: snprintf(buf, n, "{dist: exponential, mean: %s}", a); break;
    case DIST_NORMAL:
        snprintf(buf, n, "{dist: normal, mean: %s, stddev: %s}", a, b);
        break;
    case DIST_LOGNORMAL: snprintf(buf, n, "{dist: lognormal, median: %s, sigma: %.4g}", a, sig4(d->b)); break;
    case DIST_GAMMA: snprintf(buf, n, "{dist: gamma, shape: %.4g, scale: %s}", sig4(d->a), b); break;
    case DIST_WEIBULL: snprintf(buf, n, "{dist: weibull, shape: %.4g, scale: %s}", sig4(d->a), b); break;
    default: snprintf(buf, n, "{dist: %s}", dist_kind_name(d->kind)); break;
    }
}

void calreport_print(FILE *out, const CalPhase *phases, size_t n)
{
    fprintf(out, "%-15s %6s  %-52s %6s\n", "phase", "n", "fitted (lowest AIC)", "KS");
    for (size_t i = 0; i < n; i++) {
        const CalPhase *p = &phases[i];
        char d[128];
        if (p->fitted) {
            calreport_format_dist(&p->fit.best, d, sizeof d);
            fprintf(out, "%-15s %6zu  %-52s %6.3f\n", p->name, p->fit.n, d, p->fit.ks);
        } else {
            fprintf(out, "%-15s %6zu  %-52s %6s\n", p->name, p->fit.n,
                    p->fit.n ? "too few to fit" : "no data", "-");
        }
        if (p->fitted && p->fit.degenerate)
            fprintf(out, "%-15s %6s  every observation is the same: a constant\n", "", "");
        if (p->note) fprintf(out, "%-15s %6s  %s\n", "", "", p->note);
    }
    fprintf(out, "\nAIC of each family (lower is better; * chosen):\n%-15s", "phase");
    for (int f = 0; f < FIT_NFAMILIES; f++) fprintf(out, " %12s", dist_kind_name(fit_families[f]));
    fputc('\n', out);
    for (size_t i = 0; i < n; i++) {
        const CalPhase *p = &phases[i];
        if (!p->fitted || p->fit.degenerate) continue;
        fprintf(out, "%-15s", p->name);
        for (int f = 0; f < FIT_NFAMILIES; f++) {
            const FitFamily *ff = &p->fit.family[f];
            if (ff->ok) fprintf(out, " %11.1f%c", ff->aic, f == p->fit.chosen ? '*' : ' ');
            else fprintf(out, " %12s", "-");
        }
        fputc('\n', out);
    }
}

bool calreport_write_timing(const char *path, const CalPhase *phases, size_t n,
                            const char *source, char *err, size_t errlen)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        return false;
    }
    fprintf(f, "# daemonsim calibrate: %s\n"
               "# Maximum-likelihood fits (whole-second timestamps as intervals), chosen by AIC.\n"
               "# Paste into a scenario's spec, or name this file with spec.timingFrom.\n"
               "timing:\n", source);
    for (size_t i = 0; i < n; i++) {
        const CalPhase *p = &phases[i];
        if (!p->fitted) {
            fprintf(f, "  # %s: %s; the scenario's value applies\n", p->name,
                    p->fit.n ? "too few observations" : "no data");
            continue;
        }
        char d[128];
        calreport_format_dist(&p->fit.best, d, sizeof d);
        fprintf(f, "  %s: %s  # n %zu, KS %.3f\n", p->name, d, p->fit.n, p->fit.ks);
        if (p->note) fprintf(f, "  # %s\n", p->note);
    }
    bool bad = ferror(f) != 0;
    if ((fclose(f) != 0) | bad) {
        snprintf(err, errlen, "%s: write error", tmp);
        remove(tmp);
        return false;
    }
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        remove(tmp);
        return false;
    }
    return true;
}

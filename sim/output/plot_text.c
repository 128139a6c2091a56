/* plot_text.c: the working files of a chart, gnuplot strings, and a sweep
 * point's values in words for titles, legends and tics. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "plot_int.h"

int plot_input_error(Plot *P, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(P->err, P->errlen, fmt, ap);
    va_end(ap);
    return PLOT_EINPUT;
}

int plot_fail(Plot *P, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(P->err, P->errlen, fmt, ap);
    va_end(ap);
    return PLOT_EFAIL;
}

FILE *plot_open(Plot *P, const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s%s", P->dir, name);
    FILE *f = fopen(path, "w");
    if (!f) plot_fail(P, "%s: %s", path, strerror(errno));
    return f;
}

int plot_close(Plot *P, FILE *f, const char *name)
{
    if (ferror(f) | (fclose(f) != 0)) return plot_fail(P, "%s%s: write error", P->dir, name);
    return PLOT_OK;
}

/* Double quotes, with \ and " escaped; control bytes (which no legend
 * needs) become '?'. A tic label is also a format for its position, so
 * there % is doubled ("25%" would be a bad format). */
static void gp_quoted(FILE *f, const char *s, bool tic)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c == '%' && tic) fputs("%%", f);
        else if (c < 0x20 || c == 0x7f) fputc('?', f);
        else fputc(c, f);
    }
    fputc('"', f);
}

void plot_gp_str(FILE *f, const char *s) { gp_quoted(f, s, false); }

void plot_gp_tic(FILE *f, const char *s) { gp_quoted(f, s, true); }

void plot_gp_title(FILE *f, const char *title)
{
    /* the title carries \n for gnuplot's line break: written raw */
    fputs("set title \"", f);
    for (const char *c = title; *c; c++) {
        if (*c == '"') fputs("\\\"", f);
        else if ((unsigned char)*c < 0x20) fputc('?', f);
        else fputc(*c, f);
    }
    fputs("\"\n", f);
}

/* Colour-blind-safe (Okabe-Ito), then black. */
static const char *const palette[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                      "#CC79A7", "#56B4E9", "#999933", "#000000"};

const char *plot_colour(size_t i) { return palette[i % DS_ARRAY_LEN(palette)]; }

size_t plot_vary_choice(const Plot *P, int64_t point, size_t k)
{
    size_t stride = 1;
    for (size_t i = k + 1; i < P->nvary; i++) stride *= P->vary[i].nvalues;
    return ((size_t)point / stride) % P->vary[k].nvalues;
}

/* The last part of a scenario path: "spec.controlPlane.apiQps" -> "apiQps";
 * an alias ("maxUnavailable", "fluentd.maxSurge") stays whole. */
static const char *key_words(const char *key)
{
    if (strncmp(key, "spec.", 5)) return key;
    const char *dot = strrchr(key, '.');
    return dot ? dot + 1 : key;
}

const char *plot_value_words(Plot *P, int64_t point, size_t k)
{
    /* a strategy by its variant's name (sweep_point.params holds it) */
    if (!strcmp(P->vary[k].key, "strategy"))
        for (size_t i = 0; i < P->npoints; i++)
            if (P->points[i].point == point && P->names[i]) return P->names[i];
    const char *v = P->vary[k].values[plot_vary_choice(P, point, k)];
    char buf[512];
    snprintf(buf, sizeof buf, "%s %s", key_words(P->vary[k].key), v);
    return arena_strdup(&P->a, buf);
}

const char *plot_point_label(Plot *P, const StoreSweepPoint *pt, size_t from)
{
    if (P->nvary == 0) return pt->params && strcmp(pt->params, "{}") ? pt->params : "all runs";
    char buf[1024];
    size_t w = 0;
    for (size_t k = from; k < P->nvary && w < sizeof buf; k++)
        w += (size_t)snprintf(buf + w, sizeof buf - w, "%s%s", k > from ? ", " : "",
                              plot_value_words(P, pt->point, k));
    return arena_strdup(&P->a, w ? buf : "all runs");
}

const char *plot_varied_words(Plot *P)
{
    if (P->nvary == 0) return "nothing varied";
    char buf[1024];
    size_t w = 0;
    for (size_t k = 0; k < P->nvary && w < sizeof buf; k++)
        w += (size_t)snprintf(buf + w, sizeof buf - w, "%s%s (%zu %s)", k ? ", " : "varied: ",
                              P->vary[k].key, P->vary[k].nvalues,
                              P->vary[k].nvalues == 1 ? "value" : "values");
    return arena_strdup(&P->a, buf);
}

const char *plot_value_tic(Plot *P, size_t k, size_t value)
{
    if (!strcmp(P->vary[k].key, "strategy"))
        for (size_t i = 0; i < P->npoints; i++)
            if (plot_vary_choice(P, P->points[i].point, k) == value && P->names[i])
                return P->names[i];
    return P->vary[k].values[value];
}

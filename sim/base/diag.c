/* diag.c: input-error reporting. The first error recorded on a Diag is kept
 * with its position; later ones are only counted, because a loader that has
 * found one mistake usually reports noise after it. When the error's file was
 * registered with diag_add_source(), the offending line is copied into the
 * Diag at once (netplan style: the line, then a caret under the column), so
 * the message survives the buffers it came from. Long lines are cut to a
 * window around the column. Bugs go through ds_assert_fail(), which aborts. */
#include "daemonsim/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void diag_init(Diag *d)
{
    memset(d, 0, sizeof *d);
    d->caret = -1;
}

void diag_add_source(Diag *d, const char *file, const char *text, size_t len)
{
    for (int i = 0; i < d->nsources; i++) {
        if (d->sources[i].file == file || strcmp(d->sources[i].file, file) == 0) {
            d->sources[i] = (DiagSource){file, text, len};
            return;
        }
    }
    /* Without room the file is simply not quoted: positions are still exact. */
    if (d->nsources < DIAG_MAX_SOURCES) d->sources[d->nsources++] = (DiagSource){file, text, len};
}

static const DiagSource *diag_find_source(const Diag *d, const char *file)
{
    for (int i = d->nsources - 1; i >= 0; i--)
        if (d->sources[i].file == file || strcmp(d->sources[i].file, file) == 0)
            return &d->sources[i];
    return NULL;
}

/* A UTF-8 continuation byte does not start a character (libyaml counts
 * columns in characters). */
static bool is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

/* Copies line `pos.line` of the source into the Diag, cutting it to a window
 * that keeps the column visible. */
static void diag_copy_line(Diag *d, const DiagSource *src)
{
    const char *p = src->text, *end = src->text + src->len;
    for (int l = 1; l < d->pos.line && p < end; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) return;
        p = nl + 1;
    }
    const char *eol = p;
    while (eol < end && *eol != '\n' && *eol != '\r') eol++;
    /* Byte offset of the column. */
    const char *at = p;
    for (int c = 1; c < d->pos.col && at < eol; c++) {
        at++;
        while (at < eol && is_cont((unsigned char)*at)) at++;
    }
    const size_t room = DIAG_LINE_MAX - 8;
    const char *from = p;
    if ((size_t)(eol - p) > room && (size_t)(at - p) > room / 2) {
        from = at - room / 2;
        while (from > p && is_cont((unsigned char)*from)) from--;
    }
    const char *to = eol;
    if ((size_t)(to - from) > room) {
        to = from + room;
        while (to > from && is_cont((unsigned char)*to)) to--;
    }
    size_t n = 0;
    if (from > p) n += (size_t)snprintf(d->line_copy, DIAG_LINE_MAX, "...");
    memcpy(d->line_copy + n, from, (size_t)(to - from));
    n += (size_t)(to - from);
    if (to < eol) {
        memcpy(d->line_copy + n, "...", 3);
        n += 3;
    }
    d->line_copy[n] = '\0';
    int caret = from > p ? 3 : 0;
    for (const char *q = from; q < at && q < to; q++)
        if (!is_cont((unsigned char)*q)) caret++;
    d->caret = caret;
}

void diag_error(Diag *d, SrcPos pos, const char *fmt, ...)
{
    if (d->errors++ > 0) return;
    d->pos = pos;
    d->caret = -1;
    d->line_copy[0] = '\0';
    if (pos.file) {
        snprintf(d->file_copy, sizeof d->file_copy, "%s", pos.file);
        const DiagSource *src = pos.line > 0 ? diag_find_source(d, pos.file) : NULL;
        d->pos.file = d->file_copy;
        if (src) diag_copy_line(d, src);
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    va_end(ap);
}

bool diag_failed(const Diag *d) { return d->errors > 0; }

void diag_print(const Diag *d, FILE *out)
{
    if (!d->errors) return;
    if (d->pos.file && d->pos.line > 0)
        fprintf(out, "%s:%d:%d: %s\n", d->file_copy, d->pos.line, d->pos.col, d->msg);
    else if (d->pos.file)
        fprintf(out, "%s: %s\n", d->file_copy, d->msg);
    else
        fprintf(out, "%s\n", d->msg);
    if (d->caret >= 0) {
        fprintf(out, "    %s\n    ", d->line_copy);
        /* Tabs are repeated so that the caret lines up in any terminal. */
        int c = 0;
        for (const char *q = d->line_copy; *q && c < d->caret; q++) {
            if (is_cont((unsigned char)*q)) continue;
            fputc(*q == '\t' ? '\t' : ' ', out);
            c++;
        }
        fputs("^\n", out);
    }
    if (d->errors > 1)
        fprintf(out, "(%d more error%s not shown)\n", d->errors - 1, d->errors > 2 ? "s" : "");
}

void ds_assert_fail(const char *expr, const char *file, int line)
{
    fflush(stdout);
    fprintf(stderr, "daemonsim: internal error: assertion `%s` failed at %s:%d\n", expr, file,
            line);
    abort();
}

/* junit.c: JUnit XML for `daemonsim test --junit`.
 *
 * The element and attribute names are the common subset of what GitLab,
 * Jenkins and the GitHub reporters parse (the Ant/Surefire layout); nothing
 * else is written, so no reader trips on an unknown element. There is no
 * timestamp or hostname: the same results give the same file. */
#include "daemonsim/junit.h"

#include <stdint.h>

#include "daemonsim/units.h"

/* Length of the UTF-8 sequence at s if it is well formed and a character
 * XML 1.0 allows (no surrogates, no U+FFFE/U+FFFF), else 0. */
static size_t utf8_char(const unsigned char *s, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2, v = c & 0x1Fu, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, v = c & 0x0Fu, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, v = c & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0; /* also stops at the terminating NUL */
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || v == 0xFFFE || v == 0xFFFF) return 0;
    *cp = v;
    return n;
}

void junit_escape(FILE *f, const char *s, bool attr)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        size_t n = utf8_char(p, &cp);
        if (n == 0) {
            fputs("\xEF\xBF\xBD", f); /* U+FFFD for a byte that is not UTF-8 */
            p++;
            continue;
        }
        if (cp == '&') fputs("&amp;", f);
        else if (cp == '<') fputs("&lt;", f);
        else if (cp == '>') fputs("&gt;", f);
        else if (cp == '"' && attr) fputs("&quot;", f);
        else if (cp == '\'' && attr) fputs("&apos;", f);
        /* a parser normalises raw line breaks and tabs in attributes to spaces */
        else if (cp == '\n' && attr) fputs("&#10;", f);
        else if (cp == '\t' && attr) fputs("&#9;", f);
        else if (cp == '\r') fputs("&#13;", f);
        else if (cp < 0x20 && cp != '\n' && cp != '\t') fputc('?', f);
        else fwrite(p, 1, n, f);
        p += n;
    }
}

static void attr(FILE *f, const char *name, const char *value)
{
    fprintf(f, " %s=\"", name);
    junit_escape(f, value, true);
    fputc('"', f);
}

static void write_failure(FILE *f, const JunitFailure *x)
{
    char when[64], msg[1024];
    units_format_duration(x->t, when, sizeof when);
    snprintf(msg, sizeof msg, "at %s: %s: expected %s, actual %s", when, x->field, x->expected, x->actual);
    fputs("      <failure", f);
    attr(f, "message", msg);
    attr(f, "type", "expectation");
    fprintf(f, ">time: %s (%.9g s)\nfield: ", when, sim_to_seconds(x->t));
    junit_escape(f, x->field, false);
    fputs("\nexpected: ", f);
    junit_escape(f, x->expected, false);
    fputs("\nactual: ", f);
    junit_escape(f, x->actual, false);
    fputs("\n", f);
    junit_escape(f, x->message, false);
    fputs("</failure>\n", f);
}

/* The first line of a diagnostic, for the message attribute. */
static void error_summary(const char *text, char *out, size_t n)
{
    size_t len = 0;
    while (text[len] && text[len] != '\n') len++;
    snprintf(out, n, "%.*s", (int)len, text);
}

static void write_case(FILE *f, const JunitCase *c)
{
    char secs[32];
    snprintf(secs, sizeof secs, "%.3f", c->seconds);
    fputs("    <testcase", f);
    attr(f, "classname", c->classname);
    attr(f, "name", c->name);
    attr(f, "file", c->file);
    attr(f, "time", secs);
    if (!c->error && c->nfailures == 0) {
        fputs("/>\n", f);
        return;
    }
    fputs(">\n", f);
    if (c->error) {
        char first[512];
        error_summary(c->error, first, sizeof first);
        fputs("      <error", f);
        attr(f, "message", first);
        attr(f, "type", c->error_type ? c->error_type : "runtime");
        fputc('>', f);
        junit_escape(f, c->error, false);
        fputs("</error>\n", f);
    }
    for (size_t i = 0; i < c->nfailures; i++) write_failure(f, &c->failures[i]);
    if (c->unlisted)
        fprintf(f, "      <system-err>and %u more failed expectations, not listed</system-err>\n", c->unlisted);
    fputs("    </testcase>\n", f);
}

int junit_write(FILE *f, const char *suite, const JunitCase *cases, size_t n, double seconds)
{
    size_t failures = 0, errors = 0;
    for (size_t i = 0; i < n; i++) {
        if (cases[i].error) errors++;
        else if (cases[i].nfailures) failures++;
    }
    char counts[96];
    snprintf(counts, sizeof counts, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\"", n, failures, errors);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", f);
    attr(f, "name", suite);
    fprintf(f, "%s time=\"%.3f\">\n  <testsuite", counts, seconds);
    attr(f, "name", suite);
    fprintf(f, "%s skipped=\"0\" time=\"%.3f\">\n", counts, seconds);
    for (size_t i = 0; i < n; i++) write_case(f, &cases[i]);
    fputs("  </testsuite>\n</testsuites>\n", f);
    return ferror(f) ? -1 : 0;
}

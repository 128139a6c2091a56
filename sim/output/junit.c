/* junit.c: JUnit XML for `daemonsim test --junit`.
 *
 * The element and attribute names are the common subset of what GitLab,
 * Jenkins and the GitHub reporters parse (the Ant/Surefire layout); nothing
 * else is written, so no reader trips on an unknown element. There is no
 * timestamp or hostname: the same results give the same file. */
#include "daemonsim/junit.h"

#include "daemonsim/json.h"
#include "daemonsim/units.h"

/* Length of the character at s if XML 1.0 can carry it: valid UTF-8 other
 * than U+FFFE and U+FFFF; else 0. */
static size_t xml_char_len(const unsigned char *s)
{
    size_t n = json_utf8_len(s);
    if (n == 3 && s[0] == 0xEF && s[1] == 0xBF && s[2] >= 0xBE) return 0;
    return n;
}

void junit_escape(FILE *f, const char *s, bool attr)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = xml_char_len(p);
        if (n == 0) {
            fputs("\xEF\xBF\xBD", f); /* U+FFFD for a byte that is not UTF-8 */
            p++;
            continue;
        }
        unsigned char c = *p;
        if (n > 1) fwrite(p, 1, n, f);
        else if (c == '&') fputs("&amp;", f);
        else if (c == '<') fputs("&lt;", f);
        else if (c == '>') fputs("&gt;", f);
        else if (c == '"' && attr) fputs("&quot;", f);
        else if (c == '\'' && attr) fputs("&apos;", f);
        /* a parser normalises raw line breaks and tabs in attributes to spaces */
        else if (c == '\n' && attr) fputs("&#10;", f);
        else if (c == '\t' && attr) fputs("&#9;", f);
        else if (c == '\r') fputs("&#13;", f);
        else if (c < 0x20 && c != '\n' && c != '\t') fputc('?', f);
        else fputc(c, f);
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

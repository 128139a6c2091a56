/* cli_util.c: strict parsing of option values, the misuse message, and the
 * JSON text of run and sweep parameters.
 *
 * strtoull and strtol are lenient in ways an option must not be: they skip
 * leading blanks, accept an empty string as 0, stop quietly at trailing junk,
 * and strtoull turns "-1" into 2^64 - 1. Here the whole string must be a
 * decimal number in range, or the parse fails and the caller says which
 * option was wrong. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "daemonsim/cli.h"
#include "daemonsim/mem.h"
#include "daemonsim/scenario.h"

bool cli_parse_u64(const char *s, uint64_t *out)
{
    if (!s || !isdigit((unsigned char)s[0])) return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0') return false;
    *out = (uint64_t)v;
    return true;
}

bool cli_parse_int(const char *s, long min, long max, long *out)
{
    if (!s) return false;
    const char *digits = (s[0] == '-' || s[0] == '+') ? s + 1 : s;
    if (!isdigit((unsigned char)digits[0])) return false;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max) return false;
    *out = v;
    return true;
}

bool cli_parse_set(const char *arg, Override *o)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) return false;
    o->key = xstrndup(arg, (size_t)(eq - arg));
    o->value = xstrdup(eq + 1);
    return true;
}

void cli_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') fprintf(f, "\\%c", ch);
        else if (ch < 0x20) fprintf(f, "\\u%04x", ch);
        else fputc(ch, f);
    }
    fputc('"', f);
}

/* A JSON number: optional minus, no leading zeros, and strtod takes it all. */
static bool is_json_number(const char *s)
{
    const char *p = s;
    if (*p == '-') p++;
    if (!(*p >= '0' && *p <= '9')) return false;
    if (*p == '0' && p[1] >= '0' && p[1] <= '9') return false;
    char *end;
    strtod(s, &end);
    return *end == '\0';
}

void cli_json_value(FILE *f, const char *v)
{
    if (is_json_number(v)) fputs(v, f);
    else cli_json_string(f, v);
}

/* The run row's params: every override as given, in order. */
char *cli_params_json(const Override *ovr, size_t n, bool has_seed, uint64_t seed)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fputc('{', f);
    for (size_t i = 0; i < n; i++) {
        if (i) fputc(',', f);
        cli_json_string(f, ovr[i].key);
        fputc(':', f);
        cli_json_value(f, ovr[i].value);
    }
    if (has_seed) fprintf(f, "%s\"seed\":%llu", n ? "," : "", (unsigned long long)seed);
    fputc('}', f);
    fclose(f);
    return buf;
}

void cli_free_overrides(Override *ovr, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free((char *)ovr[i].key);
        free((char *)ovr[i].value);
    }
    free(ovr);
}

int cli_misuse(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "daemonsim %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'daemonsim %s --help'.\n", cmd);
    va_end(ap);
    return EXIT_USAGE;
}

/* cli_util.c: what every command shares: help and misuse messages, strict
 * parsing of option values, and the --set overrides as the run row's params.
 *
 * strtoull and strtol are lenient in ways an option must not be: they skip
 * leading blanks, accept an empty string as 0, stop quietly at trailing junk,
 * and strtoull turns "-1" into 2^64 - 1. Here the whole string must be a
 * decimal number in range, or the parse fails and the caller says which
 * option was wrong. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemonsim/cli.h"
#include "daemonsim/json.h"
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

int cli_usage(const char *cmd, const char *help, int status)
{
    if (status == EXIT_OK && help) fputs(help, stdout);
    else fprintf(stderr, "Try 'daemonsim %s --help'.\n", cmd);
    return status;
}

int cli_misuse(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "daemonsim %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return cli_usage(cmd, NULL, EXIT_USAGE);
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
        json_write_string(f, ovr[i].key);
        fputc(':', f);
        json_write_value(f, ovr[i].value);
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

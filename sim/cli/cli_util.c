/* cli_util.c: what every command shares: help and misuse messages, and
 * strict parsing of option values.
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

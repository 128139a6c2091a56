/* cli_util.c: strict parsing of numeric option values.
 *
 * strtoull and strtol are lenient in ways an option must not be: they skip
 * leading blanks, accept an empty string as 0, stop quietly at trailing junk,
 * and strtoull turns "-1" into 2^64 - 1. Here the whole string must be a
 * decimal number in range, or the parse fails and the caller says which
 * option was wrong. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "daemonsim/cli.h"

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

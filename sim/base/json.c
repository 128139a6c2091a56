/* json.c: JSON text for parameters and reports (json.h).
 *
 * Scenario values, node names and database text may hold any bytes; a JSON
 * reader rejects a document with a raw control character or broken UTF-8, so
 * both are escaped or replaced here rather than passed through. */
#include "daemonsim/json.h"

#include <stdlib.h>

size_t json_utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    size_t n = c < 0x80             ? 1
               : (c & 0xE0) == 0xC0 ? 2
               : (c & 0xF0) == 0xE0 ? 3
               : (c & 0xF8) == 0xF0 ? 4
                                    : 0;
    if (n == 0 || (n == 2 && c < 0xC2) || (n == 4 && c > 0xF4)) return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    /* overlong three-byte forms, UTF-16 surrogates, overlong four-byte forms */
    if (n == 3 && ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0))) return 0;
    if (n == 4 && ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90))) return 0;
    return n;
}

void json_write_string(FILE *f, const char *str)
{
    if (!str) {
        fputs("null", f);
        return;
    }
    const unsigned char *s = (const unsigned char *)str;
    fputc('"', f);
    while (*s) {
        unsigned c = *s;
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc((int)c, f);
            s++;
        } else if (c < 0x20) {
            static const char short_esc[] = "btn\0fr"; /* \b \t \n, \v has none, \f \r */
            if (c >= 8 && c <= 13 && short_esc[c - 8]) fprintf(f, "\\%c", short_esc[c - 8]);
            else fprintf(f, "\\u%04x", c);
            s++;
        } else {
            size_t n = json_utf8_len(s);
            if (n == 0) {
                fputs("\\ufffd", f);
                s++;
            } else {
                fwrite(s, 1, n, f);
                s += n;
            }
        }
    }
    fputc('"', f);
}

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

void json_write_value(FILE *f, const char *v)
{
    if (v && is_json_number(v)) fputs(v, f);
    else json_write_string(f, v);
}

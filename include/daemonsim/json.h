/* json.h: the one JSON text writer (run and sweep parameters, report --format
 * json). Output is always valid JSON, whatever bytes the input holds. */
#ifndef DAEMONSIM_JSON_H
#define DAEMONSIM_JSON_H

#include <stdio.h>

#include "daemonsim/base.h"

/* Length of the valid UTF-8 sequence at s, or 0 if it is not one (overlong
 * forms and UTF-16 surrogates are not). */
size_t json_utf8_len(const unsigned char *s);

/* A JSON string: '"' and '\\' escaped, control characters as \b \t \n \f \r
 * or \u00XX, and each byte that does not start a valid UTF-8 sequence as
 * U+FFFD. NULL is written as null. */
void json_write_string(FILE *f, const char *s);

/* A JSON number when the text reads as one (optional minus, no leading
 * zeros, and strtod takes it all), so that SQL sorts it as a number;
 * otherwise a string. */
void json_write_value(FILE *f, const char *v);

#endif

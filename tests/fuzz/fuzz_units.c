/* fuzz_units.c: the value parsers of units.c (durations, quantities,
 * int-or-percent) and the label key and value syntax checks, on the input
 * as one string; what parses is formatted and scaled back. */
#include <string.h>

#include "daemonsim/mem.h"
#include "daemonsim/units.h"
#include "fuzz.h"
#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = xstrndup((const char *)data, size);
    SimTime t;
    if (!units_parse_duration(s, &t)) {
        char buf[64];
        units_format_duration(t, buf, sizeof buf);
        SimTime back;
        /* What the formatter prints parses to the same time. */
        if (units_parse_duration(buf, &back) || back != t) __builtin_trap();
    }
    int64_t milli;
    (void)units_parse_quantity(s, &milli);
    IntOrPercent v;
    if (!units_parse_int_or_percent(s, &v)) {
        static const int32_t totals[] = {0, 1, 7, 100, 1000000, INT32_MAX};
        for (size_t i = 0; i < sizeof totals / sizeof *totals; i++) {
            (void)units_scale(v, totals[i], true);
            (void)units_scale(v, totals[i], false);
        }
        (void)units_iop_is_zero(v);
    }
    (void)k8s_check_label_key(s);
    (void)k8s_check_label_value(s);
    free(s);
    return 0;
}

/* units.h: the value syntaxes of Kubernetes and Go that scenarios use.
 *
 * Durations: Go syntax (`1h30m`, `250ms`, `1.5s`) or a plain number of
 * seconds. Quantities: Kubernetes resource quantities (`500m`, `2Gi`, `1e3`)
 * kept exactly as integer milli-units. Int-or-percent: `3` or `"25%"`, scaled
 * the way the DaemonSet controller scales it (docs/behaviour.md §9). */
#ifndef DAEMONSIM_UNITS_H
#define DAEMONSIM_UNITS_H

#include "daemonsim/base.h"

/* Each parser returns NULL on success or a static message saying what is wrong. */
const char *units_parse_duration(const char *s, SimTime *out);
/* Milli-units: cpu "500m" -> 500, memory "1Ki" -> 1024000, pods "110" -> 110000. */
const char *units_parse_quantity(const char *s, int64_t *milli);

/* Formats a duration the way Go prints it (`1h2m3.5s`, `250ms`). */
void units_format_duration(SimTime t, char *buf, size_t n);
/* kubectl's AGE column (apimachinery util/duration.HumanDuration): 90s,
 * 2m30s, 45m, 3h20m, 30h, 2d4h, 45d, 2y10d. */
void units_format_age(SimTime t, char *buf, size_t n);

typedef struct {
    bool is_percent;
    int32_t value;      /* count, or percent 0..100 */
} IntOrPercent;

/* `s` is the scalar text: "25%" or "3". */
const char *units_parse_int_or_percent(const char *s, IntOrPercent *out);
/* Scaled value against total; percent -> ceil when round_up, floor otherwise
 * (intstr.GetScaledValueFromIntOrPercent). DaemonSets always round up. */
int32_t units_scale(IntOrPercent v, int32_t total, bool round_up);
bool units_iop_is_zero(IntOrPercent v);

#endif

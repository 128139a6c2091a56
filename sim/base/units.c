/* units.c: the scalar syntaxes scenarios borrow from Go and Kubernetes.
 *
 * Durations follow Go's time.ParseDuration (a sequence of decimal numbers,
 * each with a unit: ns, us/µs, ms, s, m, h) except that negative values are
 * refused and a bare number means seconds. Formatting follows
 * time.Duration.String. Quantities follow resource.ParseQuantity: a decimal
 * number with a binary-SI (Ki..Ei), decimal-SI (n, u, m, k, M..E) or
 * exponent (e3) suffix. They are computed exactly in decimal digits and kept
 * as integer milli-units, rounded up like Quantity.MilliValue. Int-or-percent
 * scaling is intstr.GetScaledValueFromIntOrPercent done in integers
 * (docs/behaviour.md §9). Every parser returns NULL or a static message. */
#include "daemonsim/units.h"

#include <stdio.h>
#include <string.h>

/* ---- durations ------------------------------------------------------------ */

static const struct {
    const char *name;
    uint64_t ns;
} duration_units[] = {
    {"ns", 1},
    {"us", 1000},
    {"\xC2\xB5s", 1000},    /* U+00B5 micro sign */
    {"\xCE\xBCs", 1000},    /* U+03BC Greek mu */
    {"ms", 1000000},
    {"s", 1000000000},
    {"m", 60000000000},
    {"h", 3600000000000},
};

#define DURATION_MAX ((uint64_t)INT64_MAX)

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* A number with no unit at all: seconds. */
static bool is_bare_number(const char *s)
{
    bool digits = false;
    int dots = 0;
    for (; *s; s++) {
        if (is_digit(*s)) digits = true;
        else if (*s == '.') dots++;
        else return false;
    }
    return digits && dots <= 1;
}

/* One `<number><unit>` element of a Go duration, added to *total. */
static const char *duration_element(const char **sp, const char *implicit_unit, uint64_t *total)
{
    const char *s = *sp;
    uint64_t v = 0, f = 0;
    double scale = 1;
    bool pre = false, post = false;
    if (!(*s == '.' || is_digit(*s))) return "invalid duration";
    for (; is_digit(*s); s++) {
        if (v > (DURATION_MAX - 9) / 10) return "duration out of range";
        v = v * 10 + (uint64_t)(*s - '0');
        pre = true;
    }
    if (*s == '.') {
        s++;
        bool overflow = false;
        for (; is_digit(*s); s++) {
            post = true;
            if (overflow) continue;
            /* Like Go: digits past 2^63 of precision are dropped. */
            if (f > (DURATION_MAX - 9) / 10) {
                overflow = true;
                continue;
            }
            f = f * 10 + (uint64_t)(*s - '0');
            scale *= 10;
        }
    }
    if (!pre && !post) return "invalid duration";
    const char *u = s;
    while (*s && *s != '.' && !is_digit(*s)) s++;
    size_t ulen = (size_t)(s - u);
    if (ulen == 0 && implicit_unit) {
        u = implicit_unit;
        ulen = strlen(u);
    }
    if (ulen == 0) return "missing unit in duration (ns, us, ms, s, m, h)";
    uint64_t unit = 0;
    for (size_t i = 0; i < DS_ARRAY_LEN(duration_units); i++)
        if (strlen(duration_units[i].name) == ulen && !memcmp(duration_units[i].name, u, ulen))
            unit = duration_units[i].ns;
    if (!unit) return "unknown unit in duration (ns, us, ms, s, m, h)";
    if (v > DURATION_MAX / unit) return "duration out of range";
    v *= unit;
    if (f > 0) {
        v += (uint64_t)((double)f * ((double)unit / scale));
        if (v > DURATION_MAX) return "duration out of range";
    }
    if (*total > DURATION_MAX - v) return "duration out of range";
    *total += v;
    *sp = s;
    return NULL;
}

const char *units_parse_duration(const char *s, SimTime *out)
{
    if (!s || !*s) return "empty duration";
    if (*s == '-') return "must not be negative";
    if (*s == '+') s++;
    if (!strcmp(s, "0")) {
        *out = 0;
        return NULL;
    }
    if (!*s) return "invalid duration";
    uint64_t total = 0;
    if (is_bare_number(s)) {
        const char *p = s;
        const char *err = duration_element(&p, "s", &total);
        if (err) return err;
    } else {
        while (*s) {
            const char *err = duration_element(&s, NULL, &total);
            if (err) return err;
        }
    }
    *out = (SimTime)total;
    return NULL;
}

/* Writes digits of v right to left ending before buf[w]; returns the new w. */
static size_t fmt_int(char *buf, size_t w, uint64_t v)
{
    if (v == 0) {
        buf[--w] = '0';
        return w;
    }
    while (v > 0) {
        buf[--w] = (char)('0' + v % 10);
        v /= 10;
    }
    return w;
}

/* Go's fmtFrac: the low `prec` digits as a fraction without trailing zeros. */
static size_t fmt_frac(char *buf, size_t w, uint64_t *v, int prec)
{
    bool print = false;
    for (int i = 0; i < prec; i++) {
        unsigned digit = (unsigned)(*v % 10);
        print = print || digit != 0;
        if (print) buf[--w] = (char)('0' + digit);
        *v /= 10;
    }
    if (print) buf[--w] = '.';
    return w;
}

void units_format_duration(SimTime t, char *out, size_t n)
{
    char buf[40];
    size_t w = sizeof buf;
    buf[--w] = '\0';
    bool neg = t < 0;
    uint64_t u = neg ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
    if (u < (uint64_t)SIM_S) {
        int prec;
        buf[--w] = 's';
        if (u == 0) {
            buf[--w] = '0';
            snprintf(out, n, "%s", buf + w);
            return;
        } else if (u < (uint64_t)SIM_US) {
            prec = 0;
            buf[--w] = 'n';
        } else if (u < (uint64_t)SIM_MS) {
            prec = 3;
            buf[--w] = '\xB5';
            buf[--w] = '\xC2';
        } else {
            prec = 6;
            buf[--w] = 'm';
        }
        w = fmt_frac(buf, w, &u, prec);
        w = fmt_int(buf, w, u);
    } else {
        buf[--w] = 's';
        w = fmt_frac(buf, w, &u, 9);
        w = fmt_int(buf, w, u % 60);
        u /= 60;
        if (u > 0) {
            buf[--w] = 'm';
            w = fmt_int(buf, w, u % 60);
            u /= 60;
            if (u > 0) {
                buf[--w] = 'h';
                w = fmt_int(buf, w, u);
            }
        }
    }
    if (neg) buf[--w] = '-';
    snprintf(out, n, "%s", buf + w);
}

/* ---- quantities ----------------------------------------------------------- */

/* A non-negative decimal number as digits, most significant first, times
 * 10^-frac. Digits are few (input length plus the growth of x1024 steps), so
 * schoolbook arithmetic is exact and cheap. */
#define QDIGITS 160

typedef struct {
    unsigned char d[QDIGITS];
    int n;          /* significant digits in d[0..n) */
    int frac;       /* value = d / 10^frac; may be negative (trailing zeros) */
} Decimal;

static const char *decimal_mul_small(Decimal *x, unsigned m)
{
    unsigned carry = 0;
    for (int i = x->n - 1; i >= 0; i--) {
        unsigned v = x->d[i] * m + carry;
        x->d[i] = (unsigned char)(v % 10);
        carry = v / 10;
    }
    while (carry) {
        if (x->n == QDIGITS) return "quantity out of range";
        memmove(x->d + 1, x->d, (size_t)x->n);
        x->d[0] = (unsigned char)(carry % 10);
        x->n++;
        carry /= 10;
    }
    return NULL;
}

/* Rounds up to an integer (resource.Quantity rounds toward +inf when scaling)
 * and converts with an overflow check. */
static const char *decimal_to_int64(const Decimal *x, int64_t *out)
{
    int intdigits = x->n - x->frac;
    bool round_up = false;
    for (int i = intdigits < 0 ? 0 : intdigits; i < x->n; i++)
        if (x->d[i]) round_up = true;
    uint64_t v = 0;
    for (int i = 0; i < intdigits; i++) {
        unsigned digit = i < x->n ? x->d[i] : 0;
        if (v > ((uint64_t)INT64_MAX - digit) / 10) return "quantity out of range";
        v = v * 10 + digit;
    }
    if (round_up) {
        if (v == (uint64_t)INT64_MAX) return "quantity out of range";
        v++;
    }
    *out = (int64_t)v;
    return NULL;
}

static const struct {
    const char *suffix;
    int base;       /* 2 or 10 */
    int exp;        /* power of 1024 or of 10 */
} quantity_suffixes[] = {
    {"Ki", 2, 1}, {"Mi", 2, 2}, {"Gi", 2, 3}, {"Ti", 2, 4}, {"Pi", 2, 5}, {"Ei", 2, 6},
    {"n", 10, -9}, {"u", 10, -6}, {"m", 10, -3}, {"", 10, 0}, {"k", 10, 3},
    {"M", 10, 6}, {"G", 10, 9}, {"T", 10, 12}, {"P", 10, 15}, {"E", 10, 18},
};

const char *units_parse_quantity(const char *s, int64_t *milli)
{
    if (!s || !*s) return "empty quantity";
    const char *p = s;
    if (*p == '-') return "must not be negative";
    if (*p == '+') p++;
    Decimal x = {.n = 0, .frac = 0};
    bool any = false, dot = false;
    for (; is_digit(*p) || (*p == '.' && !dot); p++) {
        if (*p == '.') {
            dot = true;
            continue;
        }
        any = true;
        if (x.n == 0 && *p == '0') {
            if (dot) x.frac++;      /* leading zero: only the scale matters */
            continue;
        }
        if (x.n >= 64) return "quantity has too many digits";
        x.d[x.n++] = (unsigned char)(*p - '0');
        if (dot) x.frac++;
    }
    if (!any) return "invalid quantity (expected a number like 500m, 2Gi or 1.5)";
    int base = 10, exp = 0;
    bool is_exp = (*p == 'e' || *p == 'E') &&
                  (is_digit(p[1]) || ((p[1] == '-' || p[1] == '+') && is_digit(p[2])));
    if (is_exp) {
        /* Decimal exponent: 1e3, 5E-2. */
        p++;
        bool negexp = *p == '-';
        if (*p == '-' || *p == '+') p++;
        long e = 0;
        for (; is_digit(*p); p++) {
            if (e > 100000) return "quantity out of range";
            e = e * 10 + (*p - '0');
        }
        if (*p) return "invalid quantity suffix";
        exp = (int)(negexp ? -e : e);
    } else {
        bool found = false;
        for (size_t i = 0; i < DS_ARRAY_LEN(quantity_suffixes); i++) {
            if (!strcmp(p, quantity_suffixes[i].suffix)) {
                base = quantity_suffixes[i].base;
                exp = quantity_suffixes[i].exp;
                found = true;
                break;
            }
        }
        if (!found)
            return "invalid quantity suffix (use m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei "
                   "or e<N>)";
    }
    if (x.n == 0) {
        *milli = 0;
        return NULL;
    }
    /* Milli-units: one more factor 10^3. */
    if (base == 2) {
        for (int i = 0; i < exp; i++) {
            const char *err = decimal_mul_small(&x, 1024);
            if (err) return err;
        }
        x.frac -= 3;
    } else {
        x.frac -= exp + 3;
    }
    /* Value = digits x 10^-frac. Large positive scales overflow for sure. */
    if (x.n - x.frac > 19) return "quantity out of range";
    return decimal_to_int64(&x, milli);
}

/* ---- int or percent ------------------------------------------------------- */

const char *units_parse_int_or_percent(const char *s, IntOrPercent *out)
{
    static const char *const bad = "must be an integer or percentage (e.g '5%')";
    if (!s || !*s) return bad;
    const char *p = s;
    bool neg = false;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    if (!is_digit(*p)) return bad;
    int64_t v = 0;
    for (; is_digit(*p); p++) {
        v = v * 10 + (*p - '0');
        if (v > INT32_MAX) return neg ? "must be greater than or equal to 0" : "value out of range";
    }
    bool pct = false;
    if (*p == '%') {
        pct = true;
        p++;
    }
    if (*p) return bad;
    if (neg && v != 0) return "must be greater than or equal to 0";
    if (pct && neg) return bad;     /* upstream's percent pattern has no sign */
    if (pct && v > 100) return "must not be greater than 100%";
    out->is_percent = pct;
    out->value = (int32_t)v;
    return NULL;
}

int32_t units_scale(IntOrPercent v, int32_t total, bool round_up)
{
    if (!v.is_percent) return v.value;
    if (total <= 0 || v.value <= 0) return 0;
    int64_t num = (int64_t)v.value * total;
    return (int32_t)(round_up ? (num + 99) / 100 : num / 100);
}

bool units_iop_is_zero(IntOrPercent v) { return v.value == 0; }

void units_format_age(SimTime t, char *buf, size_t n)
{
    long long s = t > 0 ? (long long)(t / SIM_S) : 0, m = s / 60, h = s / 3600, d = h / 24;
    if (s < 120) snprintf(buf, n, "%llds", s);
    else if (m < 10 && s % 60) snprintf(buf, n, "%lldm%llds", m, s % 60);
    else if (m < 180) snprintf(buf, n, "%lldm", m);
    else if (h < 8 && m % 60) snprintf(buf, n, "%lldh%lldm", h, m % 60);
    else if (h < 48) snprintf(buf, n, "%lldh", h);
    else if (h < 192 && h % 24) snprintf(buf, n, "%lldd%lldh", d, h % 24);
    else if (h < 24 * 365 * 2) snprintf(buf, n, "%lldd", d);
    else if (h < 24 * 365 * 8 && d % 365) snprintf(buf, n, "%lldy%lldd", d / 365, d % 365);
    else snprintf(buf, n, "%lldy", d / 365);
}

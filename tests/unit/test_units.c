/* link: ds_base */
/* test_units.c: Go durations, Kubernetes quantities, int-or-percent and the
 * diagnostics printer (base layer). */
#include <math.h>
#include <stdlib.h>

#include "daemonsim/diag.h"
#include "daemonsim/units.h"
#include "harness.h"

static SimTime dur(const char *s)
{
    SimTime t = -1;
    const char *err = units_parse_duration(s, &t);
    CU_ASSERT_PTR_NULL(err);
    return err ? -1 : t;
}

static void dur_bad(const char *s, const char *want)
{
    SimTime t;
    const char *err = units_parse_duration(s, &t);
    EXPECT_CONTAINS(err, want);
}

static void test_duration_go_syntax(void)
{
    EXPECT_EQ_I64(dur("1h30m"), 90 * SIM_MIN);
    EXPECT_EQ_I64(dur("250ms"), 250 * SIM_MS);
    EXPECT_EQ_I64(dur("1.5s"), 1500 * SIM_MS);
    EXPECT_EQ_I64(dur("2us"), 2 * SIM_US);
    EXPECT_EQ_I64(dur("2\xC2\xB5s"), 2 * SIM_US);
    EXPECT_EQ_I64(dur("3ns"), 3);
    EXPECT_EQ_I64(dur("1h2m3.5s"), SIM_HOUR + 2 * SIM_MIN + 3500 * SIM_MS);
    EXPECT_EQ_I64(dur(".5s"), 500 * SIM_MS);
    EXPECT_EQ_I64(dur("1.s"), SIM_S);
    EXPECT_EQ_I64(dur("0"), 0);
    EXPECT_EQ_I64(dur("+5m"), 5 * SIM_MIN);
    EXPECT_EQ_I64(dur("0.000000001s"), 1);
    EXPECT_EQ_I64(dur("2562047h"), 2562047 * SIM_HOUR);
}

static void test_duration_plain_seconds(void)
{
    EXPECT_EQ_I64(dur("90"), 90 * SIM_S);
    EXPECT_EQ_I64(dur("1.5"), 1500 * SIM_MS);
    EXPECT_EQ_I64(dur("0.25"), 250 * SIM_MS);
    EXPECT_EQ_I64(dur("0.0"), 0);
}

static void test_duration_errors(void)
{
    dur_bad("", "empty");
    dur_bad("-1s", "negative");
    dur_bad("-", "negative");
    dur_bad("1d", "unknown unit");
    dur_bad("10 min", "unknown unit");
    dur_bad("1h30", "missing unit");
    dur_bad("s", "invalid duration");
    dur_bad(".s", "invalid duration");
    dur_bad("1..5s", "missing unit");
    dur_bad("3000000h", "out of range");
    dur_bad("9223372036854775808ns", "out of range");
    dur_bad("abc", "invalid duration");
}

static void fmt_is(SimTime t, const char *want)
{
    char buf[64];
    units_format_duration(t, buf, sizeof buf);
    EXPECT_STR(buf, want);
}

static void test_duration_format(void)
{
    fmt_is(0, "0s");
    fmt_is(3, "3ns");
    fmt_is(1500, "1.5\xC2\xB5s");
    fmt_is(250 * SIM_MS, "250ms");
    fmt_is(1500 * SIM_MS, "1.5s");
    fmt_is(2 * SIM_MIN, "2m0s");
    fmt_is(SIM_HOUR, "1h0m0s");
    fmt_is(SIM_HOUR + 2 * SIM_MIN + 3500 * SIM_MS, "1h2m3.5s");
    fmt_is(-5 * SIM_S, "-5s");
    fmt_is(12 * SIM_HOUR, "12h0m0s");
    fmt_is(INT64_MAX, "2562047h47m16.854775807s");
    /* Round trip through the parser. */
    SimTime t;
    CU_ASSERT_PTR_NULL(units_parse_duration("2562047h47m16.854775807s", &t));
    EXPECT_EQ_I64(t, INT64_MAX);
}

static int64_t qty(const char *s)
{
    int64_t v = -1;
    const char *err = units_parse_quantity(s, &v);
    if (err) fprintf(stderr, "quantity %s: %s\n", s, err);
    CU_ASSERT_PTR_NULL(err);
    return v;
}

static void qty_bad(const char *s, const char *want)
{
    int64_t v;
    EXPECT_CONTAINS(units_parse_quantity(s, &v), want);
}

static void test_quantity_suffixes(void)
{
    EXPECT_EQ_I64(qty("500m"), 500);
    EXPECT_EQ_I64(qty("4"), 4000);
    EXPECT_EQ_I64(qty("110"), 110000);
    EXPECT_EQ_I64(qty("1Ki"), 1024000);
    EXPECT_EQ_I64(qty("16Gi"), INT64_C(16) * 1024 * 1024 * 1024 * 1000);
    EXPECT_EQ_I64(qty("1Mi"), INT64_C(1048576000));
    EXPECT_EQ_I64(qty("1Ti"), INT64_C(1099511627776000));
    EXPECT_EQ_I64(qty("1Pi"), INT64_C(1125899906842624000));
    EXPECT_EQ_I64(qty("1k"), 1000000);
    EXPECT_EQ_I64(qty("2M"), INT64_C(2000000000));
    EXPECT_EQ_I64(qty("3G"), INT64_C(3000000000000));
    EXPECT_EQ_I64(qty("1T"), INT64_C(1000000000000000));
    EXPECT_EQ_I64(qty("1P"), INT64_C(1000000000000000000));
    EXPECT_EQ_I64(qty("32761364Ki"), INT64_C(32761364) * 1024 * 1000);
    EXPECT_EQ_I64(qty("+7"), 7000);
    EXPECT_EQ_I64(qty("0"), 0);
    EXPECT_EQ_I64(qty("0m"), 0);
}

static void test_quantity_fractions_and_exponents(void)
{
    EXPECT_EQ_I64(qty("0.5"), 500);
    EXPECT_EQ_I64(qty("1.5Gi"), INT64_C(1610612736000));
    EXPECT_EQ_I64(qty("0.1"), 100);
    EXPECT_EQ_I64(qty(".5"), 500);
    EXPECT_EQ_I64(qty("1e3"), 1000000);
    EXPECT_EQ_I64(qty("1E3"), 1000000);
    EXPECT_EQ_I64(qty("5e-1"), 500);
    EXPECT_EQ_I64(qty("1e-3"), 1);
    EXPECT_EQ_I64(qty("2.5k"), 2500000);
    EXPECT_EQ_I64(qty("100.50"), 100500);
    EXPECT_EQ_I64(qty("007"), 7000);
    /* Below a milli-unit: rounded up, as Quantity.MilliValue does. */
    EXPECT_EQ_I64(qty("1u"), 1);
    EXPECT_EQ_I64(qty("100n"), 1);
    EXPECT_EQ_I64(qty("0.0001"), 1);
    EXPECT_EQ_I64(qty("1.0001"), 1001);
    EXPECT_EQ_I64(qty("1500u"), 2);
    /* Exact where floating point would not be. */
    EXPECT_EQ_I64(qty("9007199254740993m"), INT64_C(9007199254740993));
    EXPECT_EQ_I64(qty("9223372036854775.807"), INT64_MAX);
}

static void test_quantity_errors(void)
{
    qty_bad("", "empty");
    qty_bad("-1", "negative");
    qty_bad("abc", "invalid quantity");
    qty_bad("5GB", "suffix");
    qty_bad("1e", "suffix");
    qty_bad("1.5.3", "suffix");
    qty_bad("1 Gi", "suffix");
    qty_bad("1E", "out of range");
    qty_bad("1Ei", "out of range");
    qty_bad("9Pi", "out of range");
    EXPECT_EQ_I64(qty("8Pi"), INT64_C(9007199254740992000));
    qty_bad("9223372036854775.808", "out of range");
    qty_bad("123456789012345678901234567890", "out of range");
    qty_bad("1e100000000", "out of range");
}

static IntOrPercent iop(const char *s)
{
    IntOrPercent v = {false, -1};
    CU_ASSERT_PTR_NULL(units_parse_int_or_percent(s, &v));
    return v;
}

static void test_int_or_percent(void)
{
    IntOrPercent v = iop("3");
    CU_ASSERT_FALSE(v.is_percent);
    EXPECT_EQ_I64(v.value, 3);
    v = iop("25%");
    CU_ASSERT_TRUE(v.is_percent);
    EXPECT_EQ_I64(v.value, 25);
    CU_ASSERT_TRUE(units_iop_is_zero(iop("0%")));
    CU_ASSERT_TRUE(units_iop_is_zero(iop("0")));
    CU_ASSERT_FALSE(units_iop_is_zero(iop("1%")));
    EXPECT_EQ_I64(iop("100%").value, 100);
    IntOrPercent out;
    EXPECT_CONTAINS(units_parse_int_or_percent("101%", &out), "must not be greater than 100%");
    EXPECT_CONTAINS(units_parse_int_or_percent("-1", &out), "greater than or equal to 0");
    EXPECT_CONTAINS(units_parse_int_or_percent("abc", &out), "integer or percentage");
    EXPECT_CONTAINS(units_parse_int_or_percent("5.5%", &out), "integer or percentage");
    EXPECT_CONTAINS(units_parse_int_or_percent("", &out), "integer or percentage");
    EXPECT_CONTAINS(units_parse_int_or_percent("99999999999", &out), "out of range");
}

static void test_scale_rounds_up(void)
{
    /* docs/behaviour.md §9: 3 desired nodes, maxUnavailable 50% -> 2. */
    EXPECT_EQ_I64(units_scale((IntOrPercent){true, 50}, 3, true), 2);
    EXPECT_EQ_I64(units_scale((IntOrPercent){true, 50}, 3, false), 1);
    EXPECT_EQ_I64(units_scale((IntOrPercent){true, 10}, 10001, true), 1001);
    EXPECT_EQ_I64(units_scale((IntOrPercent){true, 10}, 10000, true), 1000);
    EXPECT_EQ_I64(units_scale((IntOrPercent){true, 1}, 1, true), 1);
    EXPECT_EQ_I64(units_scale((IntOrPercent){true, 100}, 7, true), 7);
    EXPECT_EQ_I64(units_scale((IntOrPercent){true, 0}, 7, true), 0);
    EXPECT_EQ_I64(units_scale((IntOrPercent){true, 25}, 0, true), 0);
    EXPECT_EQ_I64(units_scale((IntOrPercent){false, 5}, 3, true), 5);
    /* No float error at sizes where float64 would still be exact, and beyond. */
    EXPECT_EQ_I64(units_scale((IntOrPercent){true, 33}, INT32_MAX, true), 708669604);
}

/* ---- diagnostics ------------------------------------------------------------ */

static char *print_diag(const Diag *d)
{
    FILE *f = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    diag_print(d, f);
    return file_text(f);
}

static void test_diag_first_error_with_caret(void)
{
    static const char text[] = "a: 1\nspec:\n  seed: x\n";
    Diag d;
    diag_init(&d);
    diag_add_source(&d, "s.yaml", text, sizeof text - 1);
    CU_ASSERT_FALSE(diag_failed(&d));
    diag_error(&d, (SrcPos){"s.yaml", 3, 9}, "spec.seed: expected an integer");
    diag_error(&d, (SrcPos){"s.yaml", 1, 1}, "second");
    CU_ASSERT_TRUE(diag_failed(&d));
    EXPECT_EQ_I64(d.errors, 2);
    char *out = print_diag(&d);
    EXPECT_STR(out, "s.yaml:3:9: spec.seed: expected an integer\n"
                    "      seed: x\n"
                    "            ^\n"
                    "(1 more error not shown)\n");
    free(out);
}

static void test_diag_survives_source(void)
{
    char *text = strdup("key:\tvalue\n\tbad: 1\n");
    Diag d;
    diag_init(&d);
    char *file = strdup("t.yaml");
    diag_add_source(&d, file, text, strlen(text));
    diag_error(&d, (SrcPos){file, 2, 2}, "tab");
    free(text);
    free(file);
    char *out = print_diag(&d);
    EXPECT_STR(out, "t.yaml:2:2: tab\n    \tbad: 1\n    \t^\n");
    free(out);
}

static void test_diag_without_position(void)
{
    Diag d;
    diag_init(&d);
    diag_error(&d, (SrcPos){"--set seed", 0, 0}, "expected an integer");
    char *out = print_diag(&d);
    EXPECT_STR(out, "--set seed: expected an integer\n");
    free(out);
    diag_init(&d);
    diag_error(&d, (SrcPos){NULL, 0, 0}, "plain");
    out = print_diag(&d);
    EXPECT_STR(out, "plain\n");
    free(out);
}

static void test_diag_long_line_window(void)
{
    char text[1200];
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    text[900] = 'Y';
    Diag d;
    diag_init(&d);
    diag_add_source(&d, "long", text, strlen(text));
    diag_error(&d, (SrcPos){"long", 1, 901}, "here");
    char *out = print_diag(&d);
    /* The caret sits under the Y, whatever the window. */
    char *l2 = strchr(out, '\n') + 1, *l3 = strchr(l2, '\n') + 1;
    char *y = strchr(l2, 'Y'), *caret = strchr(l3, '^');
    CU_ASSERT_PTR_NOT_NULL_FATAL(y);
    CU_ASSERT_PTR_NOT_NULL_FATAL(caret);
    EXPECT_EQ_I64(y - l2, caret - l3);
    CU_ASSERT_TRUE(l3 - l2 < DIAG_LINE_MAX + 16);
    free(out);
}

static void age_is(SimTime t, const char *want)
{
    char buf[64];
    units_format_age(t, buf, sizeof buf);
    EXPECT_STR(buf, want);
}

/* apimachinery util/duration HumanDuration, case by case. */
static void test_age_like_kubectl(void)
{
    age_is(-5 * SIM_S, "0s");
    age_is(59 * SIM_S + 999 * SIM_MS, "59s");
    age_is(119 * SIM_S, "119s");
    age_is(2 * SIM_MIN, "2m");
    age_is(9 * SIM_MIN + 30 * SIM_S, "9m30s");
    age_is(10 * SIM_MIN + 30 * SIM_S, "10m");
    age_is(179 * SIM_MIN, "179m");
    age_is(3 * SIM_HOUR, "3h");
    age_is(7 * SIM_HOUR + 59 * SIM_MIN, "7h59m");
    age_is(47 * SIM_HOUR, "47h");
    age_is(49 * SIM_HOUR, "2d1h");
    age_is(48 * SIM_HOUR, "2d");
    age_is(8 * 24 * SIM_HOUR, "8d");
    age_is(2 * 365 * 24 * SIM_HOUR + 24 * SIM_HOUR, "2y1d");
    age_is(9 * 365 * 24 * SIM_HOUR, "9y");
}

static CU_TestInfo duration_tests[] = {
    {"age like kubectl", test_age_like_kubectl},
    {"go syntax", test_duration_go_syntax},
    {"plain seconds", test_duration_plain_seconds},
    {"errors", test_duration_errors},
    {"format like Go", test_duration_format},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo quantity_tests[] = {
    {"suffixes", test_quantity_suffixes},
    {"fractions and exponents", test_quantity_fractions_and_exponents},
    {"errors", test_quantity_errors},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo iop_tests[] = {
    {"parse", test_int_or_percent},
    {"scale rounds up", test_scale_rounds_up},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo diag_tests[] = {
    {"first error and caret", test_diag_first_error_with_caret},
    {"copy survives the source", test_diag_survives_source},
    {"no position", test_diag_without_position},
    {"long line window", test_diag_long_line_window},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"duration", NULL, NULL, NULL, NULL, duration_tests},
    {"quantity", NULL, NULL, NULL, NULL, quantity_tests},
    {"int_or_percent", NULL, NULL, NULL, NULL, iop_tests},
    {"diag", NULL, NULL, NULL, NULL, diag_tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

/* link: ds_base */
/* test_json.c: the JSON writer (base layer): escapes, numbers, and broken
 * UTF-8 replaced so that the text stays valid JSON. */
#include <stdlib.h>

#include "daemonsim/json.h"
#include "harness.h"

static char out[128];

static const char *str(const char *s)
{
    FILE *f = fmemopen(out, sizeof out, "w");
    json_write_string(f, s);
    fclose(f);
    return out;
}

static const char *val(const char *s)
{
    FILE *f = fmemopen(out, sizeof out, "w");
    json_write_value(f, s);
    fclose(f);
    return out;
}

static void test_escapes(void)
{
    EXPECT_STR(str("plain"), "\"plain\"");
    EXPECT_STR(str("a\"b\\c"), "\"a\\\"b\\\\c\"");
    EXPECT_STR(str("t\tn\nr\rb\bf\f"), "\"t\\tn\\nr\\rb\\bf\\f\"");
    EXPECT_STR(str("\x01\x0b\x1f"), "\"\\u0001\\u000b\\u001f\"");
    EXPECT_STR(str(NULL), "null");
    EXPECT_STR(str(""), "\"\"");
}

static void test_valid_utf8_kept(void)
{
    EXPECT_STR(str("n\xc3\xb8" "de-\xe2\x82\xac-\xf0\x9f\x9a\x80"),
               "\"n\xc3\xb8" "de-\xe2\x82\xac-\xf0\x9f\x9a\x80\"");
}

static void test_broken_utf8_replaced(void)
{
    /* a lone continuation byte, a truncated sequence, an overlong '/', a
     * UTF-16 surrogate, a code point above U+10FFFF, 0xFF */
    EXPECT_STR(str("a\x80z"), "\"a\\ufffdz\"");
    EXPECT_STR(str("\xe2\x82"), "\"\\ufffd\\ufffd\"");
    EXPECT_STR(str("\xc0\xaf"), "\"\\ufffd\\ufffd\"");
    EXPECT_STR(str("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
    EXPECT_STR(str("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
    EXPECT_STR(str("\xff" "ok"), "\"\\ufffdok\"");
    EXPECT_EQ_I64(json_utf8_len((const unsigned char *)"\xf0\x9f\x9a\x80"), 4);
    EXPECT_EQ_I64(json_utf8_len((const unsigned char *)"\xe0\x80\x80"), 0);
}

static void test_values(void)
{
    EXPECT_STR(val("5"), "5");
    EXPECT_STR(val("-2.5e3"), "-2.5e3");
    EXPECT_STR(val("0"), "0");
    EXPECT_STR(val("05"), "\"05\"");
    EXPECT_STR(val("10%"), "\"10%\"");
    EXPECT_STR(val("+1"), "\"+1\"");
    EXPECT_STR(val("nan"), "\"nan\"");
    EXPECT_STR(val("1s"), "\"1s\"");
    EXPECT_STR(val("x\xff"), "\"x\\ufffd\"");
}

static CU_TestInfo json_tests[] = {
    {"escapes", test_escapes},
    {"valid UTF-8 is kept", test_valid_utf8_kept},
    {"broken UTF-8 becomes U+FFFD", test_broken_utf8_replaced},
    {"numbers and strings", test_values},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"json", NULL, NULL, NULL, NULL, json_tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

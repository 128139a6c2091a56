/* link: ds_output */
/* test_junit.c: the JUnit writer (output layer): escaping that keeps any
 * message well-formed XML, and the counts CI servers read. */
#include <stdlib.h>

#include "daemonsim/junit.h"
#include "harness.h"

static char *escaped(const char *s, bool attr)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    junit_escape(f, s, attr);
    fclose(f);
    return buf;
}

static void expect_escape(const char *in, bool attr, const char *want)
{
    char *got = escaped(in, attr);
    EXPECT_STR(got, want);
    free(got);
}

static void test_escape_markup(void)
{
    expect_escape("a<b>&c", false, "a&lt;b&gt;&amp;c");
    expect_escape("say \"it's\"", false, "say \"it's\"");
    expect_escape("say \"it's\"", true, "say &quot;it&apos;s&quot;");
    /* "]]>" cannot end character data it never started */
    expect_escape("]]>", false, "]]&gt;");
}

static void test_escape_line_breaks(void)
{
    expect_escape("a\nb\tc", false, "a\nb\tc");
    expect_escape("a\nb\tc", true, "a&#10;b&#9;c");
    expect_escape("a\r\n", false, "a&#13;\n");
}

static void test_escape_control_characters(void)
{
    /* XML 1.0 has no way to carry these, not even as references */
    expect_escape("a\x01" "b\x1b[0m", false, "a?b?[0m");
}

static void test_escape_utf8(void)
{
    expect_escape("caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x9a\x80", false, "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x9a\x80");
    /* a lone continuation byte, a truncated sequence, an overlong '/', a
     * surrogate and U+FFFE each become U+FFFD */
    expect_escape("a\x80" "b", false, "a\xef\xbf\xbd" "b");
    expect_escape("a\xc3", false, "a\xef\xbf\xbd");
    expect_escape("\xc0\xaf", false, "\xef\xbf\xbd\xef\xbf\xbd");
    expect_escape("\xed\xa0\x80", false, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    expect_escape("\xef\xbf\xbe", false, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

static void test_counts_are_test_cases(void)
{
    JunitFailure fails[2] = {
        {.t = 90 * SIM_S, .field = "daemonset a numberReady", .expected = "3", .actual = "2", .message = "m1"},
        {.t = 95 * SIM_S, .field = "podsOn", .expected = "1", .actual = "0", .message = "m2"},
    };
    JunitCase cases[3] = {
        {.classname = "t", .name = "ok", .seconds = 0.5},
        {.classname = "t", .name = "two", .seconds = 0.25, .failures = fails,
         .nfailures = 2, .unlisted = 7},
        {.classname = "t", .name = "bad", .error = "t/bad.yaml:1:2: no\nline",
         .error_type = "invalid"},
    };
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    EXPECT_EQ_I64(junit_write(f, "suite", cases, 3, 0.75), 0);
    fclose(f);
    EXPECT_CONTAINS(buf, "<testsuite name=\"suite\" tests=\"3\" failures=\"1\" errors=\"1\" skipped=\"0\" time=\"0.750\">");
    EXPECT_CONTAINS(buf, "<testcase classname=\"t\" name=\"ok\" time=\"0.500\"/>");
    EXPECT_CONTAINS(buf, "<failure message=\"at 1m30s: daemonset a numberReady: expected 3, actual 2\" "
                         "type=\"expectation\">time: 1m30s (90 s)\nfield: daemonset a numberReady\n"
                         "expected: 3\nactual: 2\nm1</failure>");
    EXPECT_CONTAINS(buf, "<system-err>and 7 more failed expectations, not listed</system-err>");
    EXPECT_CONTAINS(buf, "<error message=\"t/bad.yaml:1:2: no\" type=\"invalid\">t/bad.yaml:1:2: no\nline</error>");
    free(buf);
}

static CU_TestInfo escape_tests[] = {
    {"markup", test_escape_markup},
    {"line breaks", test_escape_line_breaks},
    {"control characters", test_escape_control_characters},
    {"utf-8", test_escape_utf8},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo report_tests[] = {
    {"counts are test cases", test_counts_are_test_cases},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"escape", NULL, NULL, NULL, NULL, escape_tests},
    {"report", NULL, NULL, NULL, NULL, report_tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

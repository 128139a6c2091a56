/* link: ds_cli */
/* Strict option parsing: the whole string must be the number, in range. */
#include "daemonsim/cli.h"
#include "harness.h"

static void test_parse_u64(void)
{
    uint64_t v = 0;
    CU_ASSERT_TRUE(cli_parse_u64("0", &v));
    EXPECT_EQ_I64(v, 0);
    CU_ASSERT_TRUE(cli_parse_u64("18446744073709551615", &v));
    CU_ASSERT_TRUE(v == UINT64_MAX);
    const char *bad[] = {"", " 1", "1 ", "-1", "+1", "12x", "0x10", "18446744073709551616", "1e3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CU_ASSERT_FALSE(cli_parse_u64(bad[i], &v));
        if (cli_parse_u64(bad[i], &v)) fprintf(stderr, "accepted '%s'\n", bad[i]);
    }
}

static void test_parse_int(void)
{
    long v = 0;
    CU_ASSERT_TRUE(cli_parse_int("2", 1, 64, &v));
    EXPECT_EQ_I64(v, 2);
    CU_ASSERT_TRUE(cli_parse_int("-5", -10, 10, &v));
    EXPECT_EQ_I64(v, -5);
    CU_ASSERT_FALSE(cli_parse_int("0", 1, 64, &v));
    CU_ASSERT_FALSE(cli_parse_int("65", 1, 64, &v));
    CU_ASSERT_FALSE(cli_parse_int("", 1, 64, &v));
    CU_ASSERT_FALSE(cli_parse_int("3j", 1, 64, &v));
    CU_ASSERT_FALSE(cli_parse_int("99999999999999999999", 1, 64, &v));
}

static CU_TestInfo tests[] = {
    {"cli_parse_u64", test_parse_u64},
    {"cli_parse_int", test_parse_int},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"cli", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

DS_TEST_MAIN(suites)

/* harness.h: shared CUnit scaffolding. Each tests/unit/test_<module>.c is one
 * executable (and one CTest) that ends with DS_TEST_MAIN(suites). */
#ifndef DAEMONSIM_TEST_HARNESS_H
#define DAEMONSIM_TEST_HARNESS_H

#include <CUnit/Basic.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Assertions that print both values on failure. */
#define EXPECT_EQ_I64(a, b)                                                        \
    do {                                                                           \
        long long ea_ = (long long)(a), eb_ = (long long)(b);                      \
        char em_[256];                                                             \
        snprintf(em_, sizeof em_, "%s == %s (%lld vs %lld)", #a, #b, ea_, eb_);    \
        CU_assertImplementation(ea_ == eb_, __LINE__, em_, __FILE__, "", CU_FALSE); \
    } while (0)

#define EXPECT_NEAR(a, b, tol)                                                     \
    do {                                                                           \
        double ea_ = (double)(a), eb_ = (double)(b);                               \
        char em_[256];                                                             \
        snprintf(em_, sizeof em_, "%s ~= %s (%.9g vs %.9g, tol %.3g)", #a, #b,     \
                 ea_, eb_, (double)(tol));                                         \
        CU_assertImplementation(fabs(ea_ - eb_) <= (tol), __LINE__, em_, __FILE__, \
                                "", CU_FALSE);                                     \
    } while (0)

#define EXPECT_STR(a, b)                                                           \
    do {                                                                           \
        const char *ea_ = (a), *eb_ = (b);                                         \
        char em_[512];                                                             \
        snprintf(em_, sizeof em_, "%s == %s (\"%s\" vs \"%s\")", #a, #b,           \
                 ea_ ? ea_ : "(null)", eb_ ? eb_ : "(null)");                      \
        CU_assertImplementation(ea_ && eb_ && strcmp(ea_, eb_) == 0, __LINE__, em_, \
                                __FILE__, "", CU_FALSE);                           \
    } while (0)

#define EXPECT_CONTAINS(hay, needle)                                               \
    do {                                                                           \
        const char *eh_ = (hay), *en_ = (needle);                                  \
        char em_[768];                                                             \
        snprintf(em_, sizeof em_, "\"%s\" contains \"%s\"", eh_ ? eh_ : "(null)",  \
                 en_);                                                             \
        CU_assertImplementation(eh_ && strstr(eh_, en_) != NULL, __LINE__, em_,    \
                                __FILE__, "", CU_FALSE);                           \
    } while (0)

/* Runs every suite, or only the one named by argv[1]; exits 1 on any failure
 * (CU_basic_run_tests alone reports success even when tests fail). */
#define DS_TEST_MAIN(suites)                                                       \
    int main(int argc, char **argv)                                                \
    {                                                                              \
        if (CU_initialize_registry() != CUE_SUCCESS) return 3;                     \
        if (CU_register_suites(suites) != CUE_SUCCESS) {                           \
            fprintf(stderr, "%s\n", CU_get_error_msg());                           \
            CU_cleanup_registry();                                                 \
            return 3;                                                              \
        }                                                                          \
        CU_basic_set_mode(CU_BRM_VERBOSE);                                         \
        if (argc > 1) {                                                            \
            CU_pSuite s_ = CU_get_suite(argv[1]);                                  \
            if (!s_) {                                                             \
                fprintf(stderr, "no suite %s\n", argv[1]);                         \
                CU_cleanup_registry();                                             \
                return 2;                                                          \
            }                                                                      \
            CU_basic_run_suite(s_);                                                \
        } else {                                                                   \
            CU_basic_run_tests();                                                  \
        }                                                                          \
        unsigned fails_ = CU_get_number_of_failures();                             \
        unsigned run_ = CU_get_number_of_tests_run();                              \
        CU_cleanup_registry();                                                     \
        return (fails_ || run_ == 0) ? 1 : 0;                                      \
    }

#endif

/* harness.h: shared CUnit scaffolding. Each tests/unit/test_<module>.c is one
 * executable (and one CTest) that ends with DS_TEST_MAIN(suites).
 *
 * Suites that write files register suite_setup and suite_teardown (or call
 * them from their own) and name files in the suite's temporary directory
 * with tmp_path and tmp_write. */
#ifndef DAEMONSIM_TEST_HARNESS_H
#define DAEMONSIM_TEST_HARNESS_H

#include <CUnit/Basic.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Text equality that prints both texts and the first differing byte. */
#define EXPECT_TEXT(got, want) expect_text((got), (want), #got, __LINE__)

static inline void expect_text(const char *got, const char *want, const char *expr, int line)
{
    bool same = got && strcmp(got, want) == 0;
    if (!same) {
        size_t at = 0;
        while (got && got[at] && got[at] == want[at]) at++;
        printf("\n%s:%d: %s differs at byte %zu\n--- want\n%s\n--- got\n%s\n---\n", __FILE__,
               line, expr, at, want, got ? got : "(null)");
    }
    char msg[256];
    snprintf(msg, sizeof msg, "%.200s matches the expected text", expr);
    CU_assertImplementation(same, (unsigned)line, msg, __FILE__, "", CU_FALSE);
}

/* ---- files ---------------------------------------------------------------- */

/* The suite's temporary directory, under $TMPDIR (else /tmp). */
static char tmpdir[256];

static inline int suite_setup(void)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/ds-test-XXXXXX", base && *base ? base : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

/* Removes `dir` and what it holds, `depth` levels of subdirectories deep. */
static inline int remove_tree(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    struct dirent *e;
    char path[1024];
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (depth > 0 && lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) remove_tree(path, depth - 1);
        else unlink(path);
    }
    closedir(d);
    return rmdir(dir);
}

static inline int suite_teardown(void) { return remove_tree(tmpdir, 2); }

/* tmpdir/name; the last sixteen names stay valid. */
static inline const char *tmp_path(const char *name)
{
    static char path[16][512];
    static int next;
    char *p = path[next++ % 16];
    snprintf(p, sizeof path[0], "%s/%s", tmpdir, name);
    return p;
}

static inline const char *tmp_write(const char *name, const char *text)
{
    const char *p = tmp_path(name);
    FILE *f = fopen(p, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static inline long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

/* The whole file as a string to free, or NULL when it cannot be read. */
static inline char *file_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *s = calloc(1, n > 0 ? (size_t)n + 1 : 1);
    if (n > 0 && fread(s, 1, (size_t)n, f) != (size_t)n) s[0] = '\0';
    fclose(f);
    return s;
}

/* What was written to `f`, as a string to free; closes f. Tests write to a
 * tmpfile: open_memstream's pointer-to-pointer confuses GCC's
 * dangling-pointer analysis. */
static inline char *file_text(FILE *f)
{
    long n = ftell(f);
    rewind(f);
    char *buf = calloc(1, n > 0 ? (size_t)n + 1 : 1);
    if (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) buf[0] = '\0';
    fclose(f);
    return buf;
}

/* Runs a command function (cmd_run, cmd_sweep, ...) in-process with stdout
 * and stderr sent to files in tmpdir; what each received lands in *out and
 * *err, whose previous text is freed (either may be NULL: not kept).
 * Returns the command's exit status. */
static inline int run_captured(int (*cmd)(int, char **), int argc, char **argv, char **out,
                               char **err)
{
    const char *out_path = tmp_path("cmd.out"), *err_path = tmp_path("cmd.err");
    fflush(stdout);
    fflush(stderr);
    int saved_out = dup(1), saved_err = dup(2);
    int fo = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int fe = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fo, 1);
    dup2(fe, 2);
    close(fo);
    close(fe);
    int status = cmd(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(saved_out);
    close(saved_err);
    if (out) {
        free(*out);
        *out = file_read(out_path);
    }
    if (err) {
        free(*err);
        *err = file_read(err_path);
    }
    return status;
}

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

/* tmpdir.h: one temporary directory per suite for tests that write files.
 * Register suite_setup and suite_teardown with the suite; tmp_path and
 * tmp_write name files in it (the last eight names stay valid). */
#ifndef DAEMONSIM_TEST_TMPDIR_H
#define DAEMONSIM_TEST_TMPDIR_H

#include <CUnit/Basic.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char tmpdir[64];

static inline int suite_setup(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ds-test-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static inline int suite_teardown(void)
{
    DIR *d = opendir(tmpdir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.') continue;
            char p[512];
            snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(tmpdir);
    return 0;
}

static inline const char *tmp_path(const char *name)
{
    static char path[8][512];
    static int next;
    char *p = path[next++ % 8];
    snprintf(p, 512, "%s/%s", tmpdir, name);
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

#endif

/* fuzz_common.c: the work directory of the file-based fuzz targets. */
#include "fuzz.h"

#include "daemonsim/scenario.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char basedir[200];
static char workdir[320];

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char sub[512];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            struct stat st;
            if (!lstat(sub, &st) && S_ISDIR(st.st_mode)) remove_tree(sub);
            else unlink(sub);
        }
        closedir(d);
    }
    rmdir(path);
}

static void cleanup(void)
{
    if (basedir[0]) remove_tree(basedir);
}

/* Links every regular file of SRC/dir into dst/ (first one of a name wins). */
static void link_files(const char *dir, const char *dst)
{
    char src[512];
    snprintf(src, sizeof src, "%s/%s", DS_SOURCE_DIR, dir);
    DIR *d = opendir(src);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char from[1024], to[1024];
        snprintf(from, sizeof from, "%s/%s", src, e->d_name);
        snprintf(to, sizeof to, "%s/%s", dst, e->d_name);
        struct stat st;
        if (stat(from, &st) || !S_ISREG(st.st_mode)) continue;
        if (symlink(from, to) && access(to, F_OK)) {
            perror(to);
            abort();
        }
    }
    closedir(d);
}

const char *fuzz_workdir(void)
{
    if (workdir[0]) return workdir;
    const char *tmp = getenv("TMPDIR");
    char base[200];
    snprintf(base, sizeof base, "%s/daemonsim-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(base)) {
        perror("mkdtemp");
        abort();
    }
    atexit(cleanup);
    /* base/m holds the manifests; base/w is where inputs go, so that both
     * `manifests/x.yaml` (scenarios/) and `../manifests/x.yaml`
     * (tests/scenarios) resolve, as do bare names (tests/manifests). */
    char m[300], w[300], link[400];
    snprintf(m, sizeof m, "%s/m", base);
    snprintf(w, sizeof w, "%s/w", base);
    if (mkdir(m, 0700) || mkdir(w, 0700)) {
        perror("mkdir");
        abort();
    }
    link_files("scenarios/manifests", m);
    link_files("tests/manifests", m);
    link_files("tests/bad/manifests", m);
    link_files("tests/manifests", w);
    snprintf(link, sizeof link, "%s/manifests", base);
    if (symlink("m", link)) abort();
    snprintf(link, sizeof link, "%s/manifests", w);
    if (symlink("../m", link)) abort();
    snprintf(basedir, sizeof basedir, "%s", base);
    snprintf(workdir, sizeof workdir, "%s/", w);
    return workdir;
}

const char *fuzz_write(const char *name, const void *data, size_t size)
{
    static char path[512];
    snprintf(path, sizeof path, "%s%s", fuzz_workdir(), name);
    /* Never through a link into the source tree. */
    unlink(path);
    FILE *f = fopen(path, "wbx");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f)) {
        perror(path);
        abort();
    }
    return path;
}

void fuzz_load_scenario(const char *path)
{
    static FILE *null;
    if (!null && !(null = fopen("/dev/null", "w"))) abort();
    Diag d;
    diag_init(&d);
    Scenario *s = scenario_load(path, NULL, 0, &d);
    if (getenv("DS_FUZZ_VERBOSE")) null = stderr;
    if (s) scenario_print_summary(s, null);
    else diag_print(&d, null);
    /* The contract of bad input: every error says file:line:col. */
    if (!s && (!d.pos.file || d.pos.line < 1 || d.pos.col < 1)) {
        fprintf(stderr, "error without a position: ");
        diag_print(&d, stderr);
        abort();
    }
    scenario_free(s);
}

void fuzz_load_with(const char *name, const uint8_t *data, size_t size,
                    const char *scenario_name, const char *text)
{
    static char *path;
    fuzz_write(name, data, size);
    if (!path) path = strdup(fuzz_write(scenario_name, text, strlen(text)));
    fuzz_load_scenario(path);
}

/* test_pool.c: the processes of `daemonsim test -j N`.
 *
 * Each scenario file is loaded and run in a process of its own, forked when
 * a slot is free, so a crash or an abort (a --check mismatch) costs that
 * file only and is reported as its error. The process sends its result up a
 * pipe as records (a tag byte, a length, NUL-terminated strings) and exits;
 * the parent reads every pipe as data arrives, so a long list of failures
 * never blocks a child, and decodes the records at end of file. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemonsim/cli.h"
#include "daemonsim/run.h"
#include "test_int.h"

enum {
    REC_NAME = 'N',             /* metadata.name */
    REC_INVALID = 'E',          /* the diagnostic, as diag_print writes it */
    REC_RUNTIME = 'R',          /* run_scenario's message */
    REC_FAILURE = 'F',          /* time (ns), field, expected, actual, message */
    REC_DONE = 'D',             /* has expects (0/1), end (ns), wall seconds, failed checks */
};

/* ---- the child --------------------------------------------------------------------- */

static void put_record(FILE *out, char tag, const char *const *fields, size_t n)
{
    uint32_t len = 0;
    for (size_t i = 0; i < n; i++) len += (uint32_t)strlen(fields[i]) + 1;
    fputc(tag, out);
    fwrite(&len, sizeof len, 1, out);
    for (size_t i = 0; i < n; i++) fwrite(fields[i], 1, strlen(fields[i]) + 1, out);
}

typedef struct {
    FILE *out;
    uint32_t sent;
} Child;

static void child_failure(void *ctx, const ExpectFailure *f)
{
    Child *c = ctx;
    if (c->sent >= TEST_MAX_LISTED) return;
    c->sent++;
    char t[24];
    snprintf(t, sizeof t, "%lld", (long long)f->t);
    const char *fields[] = {t, f->field, f->expected, f->actual, f->message};
    put_record(c->out, REC_FAILURE, fields, 5);
}

static DS_NORETURN void child_main(const TestSetup *setup, const char *path, int fd)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    Child c = {.out = fdopen(fd, "w")};
    if (!c.out) _exit(EXIT_RUNTIME);
    Diag diag;
    diag_init(&diag);
    Scenario *sc = scenario_load(path, setup->ovr, setup->novr, &diag);
    if (!sc) {
        char *text = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&text, &len);
        diag_print(&diag, m);
        fclose(m);
        put_record(c.out, REC_INVALID, (const char *[]){text}, 1);
        free(text);
        fclose(c.out);
        _exit(EXIT_OK);
    }
    put_record(c.out, REC_NAME, (const char *[]){sc->name}, 1);
    char *params = cli_params_json(setup->ovr, setup->novr, false, 0);
    RunOptions ro = {.scenario = sc, .seed = sc->seed, .db_path = setup->db, .params_json = params,
                     .progress = PROGRESS_QUIET, .check = setup->check, .on_failure = child_failure,
                     .failure_ctx = &c};
    RunResult rr;
    char err[512] = "", msg[1024];
    if (run_scenario(&ro, &rr, err, sizeof err) != 0) {
        snprintf(msg, sizeof msg, "%s: %s", setup->db ? setup->db : path, err);
        put_record(c.out, REC_RUNTIME, (const char *[]){msg}, 1);
    } else {
        char end[24], wall[32], failed[16];
        snprintf(end, sizeof end, "%lld", (long long)rr.end);
        snprintf(wall, sizeof wall, "%.6f", rr.wall_seconds);
        snprintf(failed, sizeof failed, "%u", rr.expect_failures);
        const char *fields[] = {sc->nexpects ? "1" : "0", end, wall, failed};
        put_record(c.out, REC_DONE, fields, 4);
    }
    fclose(c.out);
    _exit(EXIT_OK);
}

/* ---- the parent -------------------------------------------------------------------- */

/* Splits a record's data into its NUL-terminated strings; false when the
 * count is not `want`. */
static bool split_fields(char *d, uint32_t len, char **out, size_t want)
{
    size_t n = 0;
    for (char *p = d; p < d + len; p += strlen(p) + 1) {
        if (n == want) return false;
        out[n++] = p;
    }
    return n == want && len > 0 && d[len - 1] == '\0';
}

/* Reads the records; false when the process ended before it said how the
 * file went. */
static bool decode(TestCase *tc)
{
    size_t pos = 0;
    bool finished = false;
    while (pos + 1 + sizeof(uint32_t) <= tc->len) {
        char tag = tc->buf[pos];
        uint32_t len;
        memcpy(&len, tc->buf + pos + 1, sizeof len);
        pos += 1 + sizeof len;
        if (len > tc->len - pos) return false;
        char *d = tc->buf + pos, *f[5];
        pos += len;
        if (tag == REC_NAME && split_fields(d, len, f, 1)) {
            tc->name = xstrdup(f[0]);
        } else if ((tag == REC_INVALID || tag == REC_RUNTIME) && split_fields(d, len, f, 1)) {
            tc->outcome = tag == REC_INVALID ? TEST_INVALID : TEST_RUNTIME;
            tc->error = xstrdup(f[0]);
            finished = true;
        } else if (tag == REC_FAILURE && split_fields(d, len, f, 5)) {
            JunitFailure x = {.t = strtoll(f[0], NULL, 10), .field = f[1], .expected = f[2],
                              .actual = f[3], .message = f[4]};
            VEC_PUSH(tc->failures, x);
        } else if (tag == REC_DONE && split_fields(d, len, f, 4)) {
            tc->has_expects = f[0][0] == '1';
            tc->end = strtoll(f[1], NULL, 10);
            tc->wall = strtod(f[2], NULL);
            tc->failed_checks = (uint32_t)strtoul(f[3], NULL, 10);
            tc->outcome = tc->failed_checks ? TEST_FAIL : TEST_PASS;
            finished = true;
        } else {
            return false;
        }
    }
    return finished && pos == tc->len;
}

static void finish(TestCase *tc, pid_t pid)
{
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    bool clean = WIFEXITED(status) && WEXITSTATUS(status) == EXIT_OK;
    if (clean && decode(tc)) return;
    char why[160];
    if (WIFSIGNALED(status))
        snprintf(why, sizeof why, "%s: the process running it was killed by signal %d (%s)", tc->path,
                 WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        snprintf(why, sizeof why, "%s: the process running it %s", tc->path,
                 clean ? "sent an incomplete result" : "exited with an error");
    tc->outcome = TEST_RUNTIME;
    free(tc->error);
    tc->error = xstrdup(why);
    tc->failures.n = 0;
}

typedef struct {
    pid_t pid;
    int fd;                     /* read end of its pipe; -1: slot free */
    size_t tc;
} Slot;

static bool start(const TestSetup *setup, TestCase *tc, size_t i, Slot *slot)
{
    int p[2];
    if (pipe(p) != 0) return false;
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        child_main(setup, tc->path, p[1]);
    }
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        return false;
    }
    *slot = (Slot){.pid = pid, .fd = p[0], .tc = i};
    return true;
}

/* Appends what is waiting on the slot's pipe; false at end of file. */
static bool drain(Slot *slot, TestCase *tc)
{
    if (tc->cap - tc->len < 4096) {
        tc->cap = tc->cap ? tc->cap * 2 : 8192;
        tc->buf = xrealloc(tc->buf, tc->cap);
    }
    ssize_t r = read(slot->fd, tc->buf + tc->len, tc->cap - tc->len);
    if (r < 0 && errno == EINTR) return true;
    if (r <= 0) return false;
    tc->len += (size_t)r;
    return true;
}

void test_pool_run(const TestSetup *setup, TestCase *cases, size_t n, int jobs,
                   void (*done)(void *ctx, size_t i), void *ctx)
{
    Slot *slots = xcalloc((size_t)jobs, sizeof *slots);
    struct pollfd *pfd = xcalloc((size_t)jobs, sizeof *pfd);
    for (int k = 0; k < jobs; k++) slots[k].fd = -1;
    fflush(NULL); /* a child must not write the parent's buffered output again */
    size_t next = 0;
    int running = 0;
    while (next < n || running > 0) {
        for (int k = 0; k < jobs && next < n; k++) {
            if (slots[k].fd >= 0) continue;
            if (start(setup, &cases[next], next, &slots[k])) {
                running++;
            } else {
                char why[160];
                snprintf(why, sizeof why, "%s: cannot start a process: %s", cases[next].path,
                         strerror(errno));
                cases[next].outcome = TEST_RUNTIME;
                cases[next].error = xstrdup(why);
                done(ctx, next);
            }
            next++;
        }
        if (running == 0) continue;
        int np = 0;
        for (int k = 0; k < jobs; k++)
            if (slots[k].fd >= 0) pfd[np++] = (struct pollfd){.fd = slots[k].fd, .events = POLLIN};
        if (poll(pfd, (nfds_t)np, -1) < 0) continue; /* EINTR */
        for (int k = 0, q = 0; k < jobs; k++) {
            if (slots[k].fd < 0) continue;
            bool ready = pfd[q++].revents & (POLLIN | POLLHUP | POLLERR);
            TestCase *tc = &cases[slots[k].tc];
            if (!ready || drain(&slots[k], tc)) continue;
            close(slots[k].fd);
            slots[k].fd = -1;
            running--;
            finish(tc, slots[k].pid);
            done(ctx, slots[k].tc);
        }
    }
    free(pfd);
    free(slots);
}

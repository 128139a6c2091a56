/* sweep_pool.c: the worker processes of `daemonsim sweep -j N`.
 *
 * The parent forks N workers after the whole plan is built. Each worker
 * has two pipes: job numbers come down one, one fixed-size report per
 * finished run goes up the other (a report is far below PIPE_BUF, so it
 * arrives whole or not at all). The parent hands out one job at a time, the
 * next as soon as a report comes back, so slow points do not leave a worker
 * idle. A worker writes each run to the item's own database with
 * run_scenario() and reports only after the commit: a report means the run
 * is safely on disk, and the parent hands the item to the sink (sweep_sink.c),
 * which stores it in the output. A worker that dies (a crash, kill -9,
 * Ctrl-C) loses at most the run it was on, which SQLite rolls back.
 *
 * SIGINT or SIGTERM in the parent stops the handing out and sends SIGINT to
 * the workers, which die at once with the default action (a run in progress
 * cannot be resumed, and its uncommitted rows vanish). Ctrl-C on a terminal
 * reaches the workers directly too, since they share its process group.
 *
 * Test hook: DAEMONSIM_TEST_KILL_WORKER=N makes worker N (counting from 1)
 * raise SIGKILL as it receives its first job, as a crash in the middle of a
 * run would. Every worker is handed a job at the start, so the hook fires
 * however the others race through the rest. */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemonsim/mem.h"
#include "daemonsim/run.h"
#include "daemonsim/store.h"
#include "daemonsim/sweep.h"

typedef struct {
    uint32_t job;
    int32_t status;             /* 0: committed; -1: runtime failure, err says why */
    uint32_t expect_failures;
    char err[244];
} WorkerReport;

typedef struct {
    pid_t pid;
    int cmd;                    /* write end of the job pipe; -1 when closed */
    int res;                    /* read end of the report pipe; -1 at EOF */
    long job;                   /* job in flight, -1 if none */
    size_t got;                 /* bytes of a report read so far */
    WorkerReport rep;
    bool signalled;             /* we sent it SIGINT */
} Worker;

static volatile sig_atomic_t pool_stop;

static void on_stop_signal(int sig)
{
    (void)sig;
    pool_stop = 1;
}

static bool write_full(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

static bool read_full(int fd, void *buf, size_t n)
{
    char *p = buf;
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        p += r;
        n -= (size_t)r;
    }
    return true;
}

/* ---- the worker -------------------------------------------------------------------- */

int sweep_run_item(const SweepPlan *plan, size_t j, const char *db_path, uint32_t *expect_failures,
                   char *err, size_t errlen)
{
    const SweepJob *job = &plan->jobs[j];
    sweep_remove_db(db_path);
    RunOptions ro = {.scenario = plan->points[job->point].sc, .seed = job->seed,
                     .db_path = db_path, .params_json = job->params_json,
                     .progress = PROGRESS_QUIET, .out = NULL, .err = NULL,
                     .record = plan->record};
    RunResult rr;
    if (run_scenario(&ro, &rr, err, errlen) != 0) return -1;
    *expect_failures = rr.expect_failures;
    return 0;
}

static DS_NORETURN void worker_main(const SweepPlan *plan, int w, int cmd, int res)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    store_set_scratch(true);
    const char *hook = getenv("DAEMONSIM_TEST_KILL_WORKER");
    long kill_me = hook ? strtol(hook, NULL, 10) : 0;
    uint32_t job;
    while (read_full(cmd, &job, sizeof job)) {
        if (job >= plan->njobs) break;
        if (kill_me == w + 1) raise(SIGKILL);
        char path[4096];
        sweep_item_path(plan, job, path, sizeof path);
        WorkerReport rep = {.job = job};
        if (sweep_run_item(plan, job, path, &rep.expect_failures, rep.err, sizeof rep.err) != 0)
            rep.status = -1;
        if (!write_full(res, &rep, sizeof rep)) break;
    }
    _exit(0);
}

/* ---- the parent ------------------------------------------------------------------- */

/* Hands the next pending job to a worker, or closes its job pipe when none is
 * left (the worker then exits). */
static void dispatch(SweepPlan *plan, Worker *wk, int w, size_t *next, bool stopping)
{
    while (*next < plan->njobs && plan->jobs[*next].state != JOB_PENDING) (*next)++;
    if (stopping || *next >= plan->njobs) {
        if (wk->cmd >= 0) close(wk->cmd);
        wk->cmd = -1;
        return;
    }
    uint32_t job = (uint32_t)*next;
    if (!write_full(wk->cmd, &job, sizeof job)) {
        /* the worker is gone; its end of the report pipe will say how */
        close(wk->cmd);
        wk->cmd = -1;
        return;
    }
    plan->jobs[job].state = JOB_RUNNING;
    plan->jobs[job].worker = w;
    wk->job = (long)job;
    (*next)++;
}

/* The job the report is about, or -1. */
static long handle_report(SweepPlan *plan, SweepProgress *pr, SweepOutcome *out, Worker *wk)
{
    const WorkerReport *rep = &wk->rep;
    if (rep->job >= plan->njobs || (long)rep->job != wk->job) return -1; /* cannot happen */
    SweepJob *j = &plan->jobs[rep->job];
    wk->job = -1;
    if (rep->status == 0) {
        j->state = JOB_DONE;
        j->expect_failures = rep->expect_failures;
    } else {
        j->state = JOB_FAILED;
        if (!out->first_error[0])
            snprintf(out->first_error, sizeof out->first_error, "%.*s",
                     (int)sizeof rep->err, rep->err);
    }
    sweep_progress_item(plan, pr, j);
    return (long)rep->job;
}

/* The worker's report pipe hit end of file: it has exited. */
static void reap_worker(SweepPlan *plan, SweepSink *sink, SweepProgress *pr, SweepOutcome *out,
                        Worker *wk, int w)
{
    close(wk->res);
    wk->res = -1;
    if (wk->cmd >= 0) close(wk->cmd);
    wk->cmd = -1;
    int status = 0;
    while (waitpid(wk->pid, &status, 0) < 0 && errno == EINTR) {
    }
    bool lost = wk->job >= 0;
    if (lost) {
        plan->jobs[wk->job].state = JOB_LOST;
        sweep_progress_item(plan, pr, &plan->jobs[wk->job]);
        sweep_sink_store(sink, plan);
        wk->job = -1;
    }
    /* Ctrl-C on a terminal reaches the workers too, maybe before the
     * parent has marked them as stopped */
    bool expected = wk->signalled || (pool_stop && WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
    if (WIFSIGNALED(status) && !expected) {
        out->workers_died++;
        if (plan->tty && plan->progress) fputc('\n', plan->err);
        fprintf(plan->err, "daemonsim sweep: worker %d (pid %ld) was killed by signal %d (%s)%s\n",
                w + 1, (long)wk->pid, WTERMSIG(status), strsignal(WTERMSIG(status)),
                lost ? "; the run it was on is lost" : "");
    }
}

/* The sink's database is open across fork(): the workers never touch it,
 * and leave with _exit(), which runs no SQLite code. */
void sweep_pool_run(SweepPlan *plan, SweepSink *sink, SweepOutcome *out)
{
    memset(out, 0, sizeof *out);
    int n = plan->nworkers;
    Worker *wk = xcalloc((size_t)n, sizeof *wk);
    struct pollfd *pfd = xcalloc((size_t)n, sizeof *pfd);
    int *pfd_worker = xcalloc((size_t)n, sizeof *pfd_worker);
    SweepProgress pr;

    struct sigaction stop = {.sa_handler = on_stop_signal}, ign = {.sa_handler = SIG_IGN};
    struct sigaction old_int, old_term, old_pipe;
    sigemptyset(&stop.sa_mask);
    sigemptyset(&ign.sa_mask);
    pool_stop = 0;
    /* no SA_RESTART: poll() returns EINTR and the loop sees the flag */
    sigaction(SIGINT, &stop, &old_int);
    sigaction(SIGTERM, &stop, &old_term);
    sigaction(SIGPIPE, &ign, &old_pipe);
    fflush(NULL); /* a child must not write the parent's buffered output again */

    int live = 0;
    for (int w = 0; w < n; w++) {
        int cmd[2], res[2];
        wk[w].cmd = wk[w].res = -1;
        wk[w].job = -1;
        if (pipe(cmd) != 0) break;
        if (pipe(res) != 0) {
            close(cmd[0]);
            close(cmd[1]);
            break;
        }
        pid_t pid = fork();
        if (pid == 0) {
            /* the parent's ends of the other workers' pipes are not ours to
             * hold: an open copy would hide a worker's end of file */
            for (int o = 0; o < w; o++) {
                if (wk[o].cmd >= 0) close(wk[o].cmd);
                if (wk[o].res >= 0) close(wk[o].res);
            }
            close(cmd[1]);
            close(res[0]);
            worker_main(plan, w, cmd[0], res[1]);
        }
        close(cmd[0]);
        close(res[1]);
        if (pid < 0) {
            close(cmd[1]);
            close(res[0]);
            break;
        }
        wk[w].pid = pid;
        wk[w].cmd = cmd[1];
        wk[w].res = res[0];
        live++;
    }
    if (live < n) {
        fprintf(plan->err, "daemonsim sweep: could only start %d of %d workers: %s\n", live, n,
                strerror(errno));
        if (live == 0 && !out->first_error[0])
            snprintf(out->first_error, sizeof out->first_error, "cannot start workers: %s",
                     strerror(errno));
    }
    n = live;

    size_t next = 0;
    bool stopping = false;
    sweep_progress_start(plan, &pr);
    for (int w = 0; w < n; w++) dispatch(plan, &wk[w], w, &next, false);
    while (live > 0) {
        if (pool_stop && !stopping) {
            stopping = true;
            out->interrupted = true;
            for (int w = 0; w < n; w++) {
                if (wk[w].res < 0) continue;
                if (wk[w].cmd >= 0) close(wk[w].cmd);
                wk[w].cmd = -1;
                wk[w].signalled = true;
                kill(wk[w].pid, SIGINT);
            }
        }
        int np = 0;
        for (int w = 0; w < n; w++) {
            if (wk[w].res < 0) continue;
            pfd[np] = (struct pollfd){.fd = wk[w].res, .events = POLLIN};
            pfd_worker[np++] = w;
        }
        if (poll(pfd, (nfds_t)np, -1) < 0) continue; /* EINTR: look at the flag */
        for (int i = 0; i < np; i++) {
            if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            int w = pfd_worker[i];
            Worker *k = &wk[w];
            ssize_t r = read(k->res, (char *)&k->rep + k->got, sizeof k->rep - k->got);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) {
                reap_worker(plan, sink, &pr, out, k, w);
                live--;
                continue;
            }
            k->got += (size_t)r;
            if (k->got < sizeof k->rep) continue;
            k->got = 0;
            long job = handle_report(plan, &pr, out, k);
            /* the worker gets its next job before the import keeps us busy */
            dispatch(plan, k, w, &next, stopping || pool_stop || sink->failed);
            if (job >= 0) sweep_sink_store(sink, plan);
        }
    }
    /* jobs no worker took (every worker gone, or stopped) */
    for (size_t i = 0; i < plan->njobs; i++) {
        if (plan->jobs[i].state != JOB_PENDING && plan->jobs[i].state != JOB_RUNNING) continue;
        plan->jobs[i].state = JOB_LOST;
        sweep_progress_item(plan, &pr, &plan->jobs[i]);
    }
    sweep_sink_store(sink, plan);
    sweep_progress_end(plan, &pr);
    if (pool_stop) out->interrupted = true;

    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGPIPE, &old_pipe, NULL);
    free(pfd);
    free(pfd_worker);
    free(wk);
}

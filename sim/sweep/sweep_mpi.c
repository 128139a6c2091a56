/* sweep_mpi.c: `daemonsim sweep --mpi` under mpirun (sweep.h).
 *
 * Every rank plans the same sweep from the same command line, so only item
 * numbers travel down. Rank 0 hands out one item at a time to each worker
 * rank and the next as soon as a result comes back, so fast and slow points
 * balance; a worker runs the item into a database file in its own TMPDIR
 * (node-local on a cluster) and sends the file's bytes back in one message,
 * after a fixed header. The --record level decides how much travels: a
 * summary run is a few pages. Rank 0 writes the bytes next to the output
 * and hands the item to the sink, which stores it: rank 0 is the only
 * writer of the output database.
 *
 * Waiting is done with MPI_Iprobe and a short sleep, not MPI_Probe or a
 * blocking MPI_Recv, which spin on a core: with more ranks than cores (a
 * laptop, or CI's two cores) the spinning ranks would starve the ones that
 * work.
 *
 * A worker rank that dies makes mpirun end the whole job; what rank 0 had
 * stored stays, and an item whose bytes had arrived but were not stored yet
 * stays on disk for --resume. SIGINT or SIGTERM on rank 0 stops the handing
 * out; the ranks still running an item are ended with MPI_Abort once rank 0
 * has written the figures.
 *
 * Test hook: DAEMONSIM_TEST_KILL_RANK=R makes rank R raise SIGKILL as it
 * receives its second item. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemonsim/sweep.h"

#ifdef DS_HAVE_MPI
#include <mpi.h>
#include <limits.h>

enum { TAG_ITEM = 1, TAG_RESULT = 2 };

/* A result message: this header, then the item database's bytes. */
typedef struct {
    int64_t item;
    int32_t status;             /* 0: the run finished; -1: err says why */
    uint32_t expect_failures;
    char err[240];
} ResultHeader;

static int mpi_size = 1;
static bool workers_abandoned;  /* rank 0 stopped while worker ranks were running items */
static volatile sig_atomic_t mpi_stop;

static void on_stop_signal(int sig)
{
    (void)sig;
    mpi_stop = 1;
}

int sweep_mpi_init(int *rank, char *why, size_t whylen)
{
    if (MPI_Init(NULL, NULL) != MPI_SUCCESS) {
        snprintf(why, whylen, "MPI_Init failed");
        return -1;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, &mpi_size);
    return 0;
}

int sweep_mpi_size(void) { return mpi_size; }

int sweep_mpi_end(int rank, int status)
{
    fflush(NULL);
    if (rank == 0 && workers_abandoned) MPI_Abort(MPI_COMM_WORLD, status);
    MPI_Finalize();
    return status;
}

/* Waits for a message (false when *stop is raised first), sleeping between
 * polls: 20 us, doubling up to 2 ms. */
static bool wait_message(int source, int tag, MPI_Status *st, volatile sig_atomic_t *stop)
{
    long nap = 20000;
    for (;;) {
        int flag = 0;
        MPI_Iprobe(source, tag, MPI_COMM_WORLD, &flag, st);
        if (flag) return true;
        if (stop && *stop) return false;
        struct timespec ts = {0, nap};
        nanosleep(&ts, NULL);
        if (nap < 2000000) nap *= 2;
    }
}

static void send_item(int rank, int64_t item)
{
    MPI_Send(&item, 1, MPI_INT64_T, rank, TAG_ITEM, MPI_COMM_WORLD);
}

/* The whole file, malloc'd after `head` bytes of room; NULL on failure. */
static char *read_file(const char *path, size_t head, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    long n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (n >= 0 && (size_t)n + head <= INT_MAX && fseek(f, 0, SEEK_SET) == 0) {
        buf = xmalloc(head + (size_t)n);
        if (fread(buf + head, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        }
        *len = (size_t)n;
    }
    fclose(f);
    return buf;
}

int sweep_mpi_work(const SweepPlan *plan)
{
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    const char *hook = getenv("DAEMONSIM_TEST_KILL_RANK");
    long kill_rank = hook ? strtol(hook, NULL, 10) : 0;
    int received = 0;
    const char *tmp = getenv("TMPDIR");
    char local[4096];
    snprintf(local, sizeof local, "%s/daemonsim-rank%d-%ld.db", tmp && *tmp ? tmp : "/tmp", rank,
             (long)getpid());
    store_set_scratch(true);
    for (;;) {
        MPI_Status st;
        wait_message(0, TAG_ITEM, &st, NULL);
        int64_t item;
        MPI_Recv(&item, 1, MPI_INT64_T, 0, TAG_ITEM, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (item < 0 || (size_t)item >= plan->njobs) break;
        if (kill_rank == rank && ++received == 2) raise(SIGKILL);
        ResultHeader h = {.item = item};
        char *msg = NULL;
        size_t len = 0;
        if (sweep_run_item(plan, (size_t)item, local, &h.expect_failures, h.err, sizeof h.err) < 0)
            h.status = -1;
        else if (!(msg = read_file(local, sizeof h, &len))) {
            h.status = -1;
            snprintf(h.err, sizeof h.err, "rank %d: cannot read %.120s: %.80s", rank, local,
                     strerror(errno));
        }
        if (!msg) {
            len = 0;
            msg = xmalloc(sizeof h);
        }
        memcpy(msg, &h, sizeof h);
        MPI_Send(msg, (int)(sizeof h + len), MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
        free(msg);
        sweep_remove_db(local);
    }
    return 0;
}

static bool write_file(const char *path, const char *buf, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return false;
    bool ok = fwrite(buf, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

/* The next pending item, or -1. */
static int64_t next_item(const SweepPlan *plan, size_t *next)
{
    while (*next < plan->njobs && plan->jobs[*next].state != JOB_PENDING) (*next)++;
    return *next < plan->njobs ? (int64_t)(*next)++ : -1;
}

static void fail_item(SweepJob *job, SweepOutcome *out, const char *why)
{
    job->state = JOB_FAILED;
    if (!out->first_error[0]) snprintf(out->first_error, sizeof out->first_error, "%.200s", why);
}

/* One rank: rank 0 runs the items itself, straight into their files. */
static void serve_alone(SweepPlan *plan, SweepSink *sink, SweepProgress *pr, SweepOutcome *out)
{
    char path[4096], why[256];
    size_t next = 0;
    store_set_scratch(true);
    for (int64_t j; !mpi_stop && !sink->failed && (j = next_item(plan, &next)) >= 0;) {
        SweepJob *job = &plan->jobs[j];
        sweep_item_path(plan, (size_t)j, path, sizeof path);
        if (sweep_run_item(plan, (size_t)j, path, &job->expect_failures, why, sizeof why) < 0)
            fail_item(job, out, why);
        else job->state = JOB_DONE;
        sweep_progress_item(plan, pr, job);
        sweep_sink_store(sink, plan);
    }
    store_set_scratch(false);
}

static void receive_result(SweepPlan *plan, SweepSink *sink, SweepProgress *pr, SweepOutcome *out,
                           const MPI_Status *st, int64_t *inflight, size_t *next, int *busy)
{
    int n = 0;
    MPI_Get_count(st, MPI_BYTE, &n);
    char *buf = xmalloc(n > 0 ? (size_t)n : 1);
    MPI_Recv(buf, n, MPI_BYTE, st->MPI_SOURCE, TAG_RESULT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    int w = st->MPI_SOURCE;
    ResultHeader h;
    if ((size_t)n < sizeof h || inflight[w] < 0) {
        free(buf);
        return;
    }
    memcpy(&h, buf, sizeof h);
    if (h.item != inflight[w]) {
        free(buf);
        return;
    }
    inflight[w] = -1;
    (*busy)--;
    SweepJob *job = &plan->jobs[h.item];
    char path[4096];
    sweep_item_path(plan, (size_t)h.item, path, sizeof path);
    if (h.status != 0) {
        h.err[sizeof h.err - 1] = '\0';
        fail_item(job, out, h.err);
    } else if (!write_file(path, buf + sizeof h, (size_t)n - sizeof h)) {
        char why[256];
        snprintf(why, sizeof why, "%.160s: %.80s", path, strerror(errno));
        fail_item(job, out, why);
        sweep_remove_db(path);
    } else {
        job->state = JOB_DONE;
        job->expect_failures = h.expect_failures;
    }
    free(buf);
    sweep_progress_item(plan, pr, job);
    /* the worker gets its next item before the import keeps rank 0 busy */
    int64_t item = mpi_stop || sink->failed ? -1 : next_item(plan, next);
    send_item(w, item);
    if (item >= 0) {
        inflight[w] = item;
        plan->jobs[item].state = JOB_RUNNING;
        plan->jobs[item].worker = w;
        (*busy)++;
    }
    sweep_sink_store(sink, plan);
}

void sweep_mpi_serve(SweepPlan *plan, SweepSink *sink, SweepOutcome *out)
{
    memset(out, 0, sizeof *out);
    struct sigaction stop = {.sa_handler = on_stop_signal}, old_int, old_term;
    sigemptyset(&stop.sa_mask);
    mpi_stop = 0;
    sigaction(SIGINT, &stop, &old_int);
    sigaction(SIGTERM, &stop, &old_term);
    SweepProgress pr;
    sweep_progress_start(plan, &pr);
    if (mpi_size == 1) {
        serve_alone(plan, sink, &pr, out);
    } else {
        int64_t *inflight = xcalloc((size_t)mpi_size, sizeof *inflight);
        size_t next = 0;
        int busy = 0;
        for (int w = 1; w < mpi_size; w++) {
            int64_t item = next_item(plan, &next);
            inflight[w] = item;
            send_item(w, item);
            if (item < 0) continue;
            plan->jobs[item].state = JOB_RUNNING;
            plan->jobs[item].worker = w;
            busy++;
        }
        MPI_Status st;
        while (busy > 0 && wait_message(MPI_ANY_SOURCE, TAG_RESULT, &st, &mpi_stop))
            receive_result(plan, sink, &pr, out, &st, inflight, &next, &busy);
        workers_abandoned = busy > 0;
        free(inflight);
    }
    for (size_t j = 0; j < plan->njobs; j++) {
        if (plan->jobs[j].state != JOB_PENDING && plan->jobs[j].state != JOB_RUNNING) continue;
        plan->jobs[j].state = JOB_LOST;
        sweep_progress_item(plan, &pr, &plan->jobs[j]);
    }
    sweep_sink_store(sink, plan);
    sweep_progress_end(plan, &pr);
    out->interrupted = mpi_stop;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
}

void sweep_mpi_release(const SweepPlan *plan)
{
    (void)plan;
    for (int w = 1; w < mpi_size; w++) send_item(w, -1);
}

#else /* !DS_HAVE_MPI */

/* Built without MPI: --mpi stops at sweep_mpi_init with how to get it, so
 * nothing below is reached; it only keeps the program linkable. */

int sweep_mpi_init(int *rank, char *why, size_t whylen)
{
    *rank = 0;
    snprintf(why, whylen,
             "this daemonsim was built without MPI; install Open MPI (Debian: libopenmpi-dev "
             "and openmpi-bin, which tools/bootstrap installs), then run cmake again and rebuild");
    return -1;
}

int sweep_mpi_size(void) { return 1; }

int sweep_mpi_end(int rank, int status)
{
    (void)rank;
    return status;
}

int sweep_mpi_work(const SweepPlan *plan)
{
    (void)plan;
    return 0;
}

void sweep_mpi_serve(SweepPlan *plan, SweepSink *sink, SweepOutcome *out)
{
    (void)plan;
    (void)sink;
    memset(out, 0, sizeof *out);
}

void sweep_mpi_release(const SweepPlan *plan) { (void)plan; }

#endif

/* sweep_progress.c: what a sweep shows while it runs (sweep.h), the same
 * for every engine: on a terminal one bar rewritten in place, otherwise one
 * line per finished point. */
#include <stdio.h>
#include <time.h>

#include "daemonsim/sweep.h"

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void progress_bar(const SweepPlan *plan, SweepProgress *pr)
{
    enum { WIDTH = 30 };
    size_t total = plan->npending ? plan->npending : 1;
    size_t fill = pr->runs_finished * WIDTH / total;
    char bar[WIDTH + 1];
    for (size_t i = 0; i < WIDTH; i++) bar[i] = i < fill ? '#' : '.';
    bar[WIDTH] = '\0';
    int n = fprintf(plan->err, "\rsweep [%s] %zu/%zu runs, %zu/%zu points, %.0f s", bar,
                    pr->runs_finished, plan->npending, pr->points_finished, plan->nvalid,
                    mono_now() - pr->start);
    /* blank out what a longer earlier line left behind */
    if (n < pr->bar_width) fprintf(plan->err, "%*s", pr->bar_width - n, "");
    pr->bar_width = n;
    fflush(plan->err);
}

void sweep_progress_item(SweepPlan *plan, SweepProgress *pr, SweepJob *j)
{
    SweepPoint *p = &plan->points[j->point];
    pr->runs_finished++;
    bool point_done = ++p->finished == p->njobs;
    if (point_done) pr->points_finished++;
    if (!plan->progress) return;
    if (plan->tty) {
        /* ten times a second is plenty for the eye, and short runs finish
         * by the hundred */
        double now = mono_now();
        if (now - pr->drawn >= 0.1 || point_done) {
            progress_bar(plan, pr);
            pr->drawn = now;
        }
    } else if (point_done) {
        size_t done = 0;
        for (size_t i = 0; i < p->njobs; i++) {
            JobState st = plan->jobs[p->first_job + i].state;
            done += st == JOB_DONE || st == JOB_STORED || st == JOB_ELSEWHERE;
        }
        fprintf(plan->err, "sweep: point %zu/%zu %s (%s): %zu/%zu runs, %.1f s\n",
                pr->points_finished, plan->nvalid, done == p->njobs ? "done" : "stopped", p->label,
                done, p->njobs, mono_now() - pr->start);
        fflush(plan->err);
    }
}

/* Items stored before this invocation (a resume) or another shard's count
 * as finished already. */
void sweep_progress_start(SweepPlan *plan, SweepProgress *pr)
{
    *pr = (SweepProgress){.start = mono_now()};
    for (size_t p = 0; p < plan->npoints; p++) {
        SweepPoint *pt = &plan->points[p];
        pt->finished = 0;
        for (size_t j = pt->first_job; j < pt->first_job + pt->njobs; j++)
            pt->finished += plan->jobs[j].state != JOB_PENDING;
        pr->points_finished += pt->sc && pt->finished == pt->njobs;
    }
    if (plan->progress && plan->tty) progress_bar(plan, pr);
}

void sweep_progress_end(SweepPlan *plan, SweepProgress *pr)
{
    (void)pr;
    if (plan->progress && plan->tty) fputc('\n', plan->err);
}

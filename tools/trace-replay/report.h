/* trace-replay's report (report.c). */
#ifndef RT_TRACE_REPLAY_REPORT_H
#define RT_TRACE_REPLAY_REPORT_H

#include <stdio.h>

struct run;
struct watch;

/* A finished request's predicted and measured TTFT, for report_counts. */
void report_watch(struct watch *w, double pred, double meas);
/*
 * On standard error: requests without output, ITL not compared, and a
 * replay whose queue ran away while the measured TTFTs did not (sets
 * r->runaway).
 */
void report_counts(struct run *r);
/* --summary --json: per metric, and BLIS's calibrate report. */
void report_json(const struct run *r, FILE *fp);
/* --summary: the same as a plain table. */
void report_table(const struct run *r, FILE *fp);
/* --plot DIR: predicted and measured CDFs, one plot a metric. */
void report_plots(const struct run *r, const char *dir);

#endif

/*
 * --ttft-steps FILE: steps timed by measured TTFTs.  For each request
 * that reached the scheduler after the previous step started (so it did
 * not queue), is first scheduled in this step and finishes its prefill
 * in it, and has a measured TTFT: this step's composition, timed by that
 * TTFT less what the replay predicts around the step (the wait before
 * it, the output lag after it, alpha2) and less --network-rtt-us.  A
 * TTFT not longer than those gives no step (counted).
 */
#ifndef RT_TRACE_REPLAY_TTFTSTEPS_H
#define RT_TRACE_REPLAY_TTFTSTEPS_H

#include <stdint.h>
#include <stdio.h>

#include "io/jsonout.h"
#include "records/step.h"
#include "sched/replay.h"

#include "life.h"

struct ttftsteps {
	const char *path;	/* NULL: off */
	FILE	*fp;
	struct jw jw;
	int64_t	 rtt;
	int64_t	 prev_start;	/* the last step's start; -1 before any */
	long	 written, too_short, timed;
};

void ttftsteps_open(struct ttftsteps *t, const char *path, int64_t rtt);
/* A step runs: hold it for the requests it may time. */
void ttftsteps_running(struct ttftsteps *t, const struct step *st,
    const struct replay_entry *e, size_t n, int64_t start, long stepno);
/* A request is over: write the step it held, if any. */
void ttftsteps_done(struct ttftsteps *t, const struct replay_result *rr,
    struct life *l);
/* Close the file and say how many were written. */
void ttftsteps_close(struct ttftsteps *t);

#endif

/*
 * The replay loop: request records in arrival order (sched/arrivals.h)
 * into the scheduler, steps formed and run one after another on a clock
 * the caller supplies.  A step starts when the previous one ends, or when
 * work arrives at an idle engine.
 */
#ifndef RT_REPLAY_H
#define RT_REPLAY_H

#include <stdint.h>

#include "sched/arrivals.h"
#include "records/request.h"
#include "sched/sched.h"
#include "records/step.h"

struct replay_hooks {
	void	*ctx;
	/* The step's duration in microseconds, at least 1. */
	int64_t	(*step_time)(void *ctx, const struct step *st);
	/* A request was queued (may be NULL). */
	void	(*queued)(void *ctx, struct sched_req *sr,
		    const struct request *r);
	/* The step runs from start for dur; called before sched_commit. */
	void	(*running)(void *ctx, const struct step *st, int64_t start,
		    int64_t dur);
	/* The step has run and ended at end (may be NULL). */
	void	(*ran)(void *ctx, const struct step *st, int64_t end);
};

/*
 * Replay every request of src through s.  A request that could never fit
 * the KV cache is reported (it would wait forever) and stops the run with
 * exit 1, or with --skip-bad (src's) is counted as skipped.
 */
void replay_run(struct arrivals *src, struct sched *s,
    const struct replay_hooks *h);

#endif

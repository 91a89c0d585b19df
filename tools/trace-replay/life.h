/*
 * What one request lived through, as trace-replay keeps it beside the
 * replay's own result (sched/replay.h): what its record measured, and
 * the predicted time of every output token (for the gaps' P99 and
 * --tokens).
 */
#ifndef RT_TRACE_REPLAY_LIFE_H
#define RT_TRACE_REPLAY_LIFE_H

#include <stdint.h>

#include "records/request.h"

struct ttftsteps_hold;

struct life {
	uint64_t seq;		/* arrival order: the order of output */
	int64_t	 output_tokens;
	int64_t	*gaps;		/* predicted inter-token gaps */
	int64_t	 seen, last_us;	/* tokens predicted so far, the last */
	int64_t	*measured;	/* measured token times, or NULL */
	/* what was measured, else REQUEST_ABSENT */
	int64_t	 meas_ttft, meas_e2e, meas_queue, meas_prefill, meas_decode;
	int	 cached_given;	/* the record said how many were cached */
	int	 chunked;	/* itl_us with fewer gaps than tokens */
	struct ttftsteps_hold *held;	/* --ttft-steps: the step it times */
};

struct life *life_new(const struct request *r, uint64_t seq);
void life_free(struct life *l);
/* The k-th output token (from 1) reaches the client at t. */
void life_token(struct life *l, int64_t k, int64_t t);
/* The measured TTFT, or -1 when the record has none. */
int64_t life_measured_ttft(const struct life *l, int64_t arrival_us);

#endif

/*
 * batchify's timestamps mode: rebuild steps from the time every output
 * token of every request was seen.
 *
 * Each token marks the end of a step.  Tokens of different requests seen
 * within merge_us of the earliest pending one end the same step (one token
 * a request a step).  A token that is a request's first ends its last
 * prefill chunk; any other is a decode at input + k - 1 for the k-th
 * token (k from 1).  Prefill chunks are placed as the scheduler (sched.h)
 * would place them, in arrival order within the token budget, except that
 * a request may not finish its prefill before its first token is seen.
 * When a first token needs more prefill than one step can hold, steps
 * that emitted nothing ("hidden" steps: prefill only) are inserted before
 * it, timed by the caller's time model.
 *
 * A step starts when the previous one ended, or, when nothing was in the
 * system then, when the next request arrived: that interval is then a
 * client-side time to first token (from the client's send to the token),
 * which holds what happened before the engine saw the request.
 *
 * Work a step is proportional to the requests it touches (the tokens that
 * end it, the prefills placed) plus a log of those in flight: the next
 * tokens are kept in a heap, waiting and prefilling requests in lists of
 * their own.
 */
#ifndef RT_TIMESTAMPS_H
#define RT_TIMESTAMPS_H

#include <stddef.h>
#include <stdint.h>

#include "records/request.h"
#include "sched/sched.h"
#include "records/step.h"

/* Time of a hidden step in microseconds, or -1 when unknown. */
typedef int64_t (*timestamps_timefn)(void *ctx, const struct step *st);

/* What a step's dur_us is. */
enum timestamps_source {
	TS_TOKENS,		/* measured between tokens */
	TS_CLIENT_TTFT,		/* from a request's (client-side) arrival */
	TS_MODEL		/* the time model's (a hidden step) */
};

struct timestamps_out {
	struct step st;
	int64_t	 ts_us, dur_us;		/* start, and length; -1 unknown */
	enum timestamps_source source;
	int	 hidden;		/* emitted no token */
	int	 estimated;		/* dur_us shares an interval */
};

struct timestamps;

struct timestamps *timestamps_new(const struct sched_config *c,
    int64_t merge_us, timestamps_timefn fn, void *ctx);
void timestamps_free(struct timestamps *t);

/*
 * Add a request (in arrival order, with token_us).  Its id and token_us
 * move into t; r is left empty.  Bursts of tokens seen within merge_us of
 * each other (streamed together) are spread evenly back to the previous
 * token, since one request emits one token a step.
 */
void timestamps_add(struct timestamps *t, struct request *r);

/* Time of the earliest token not yet placed; INT64_MAX when none. */
int64_t timestamps_next_token(const struct timestamps *t);
size_t timestamps_nactive(const struct timestamps *t);

/*
 * Rebuild the steps up to the next step that emitted tokens: returns how
 * many (hidden ones first) with *out pointing at them, valid until the
 * next call; 0 when no request is left.  The caller must have added
 * every request arriving up to timestamps_next_token() + merge_us.
 */
size_t timestamps_step(struct timestamps *t, const struct timestamps_out **out);

/* Steps whose observed tokens the scheduler's rules could not explain. */
int64_t timestamps_anomalies(const struct timestamps *t);

#endif

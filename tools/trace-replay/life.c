#include <stdlib.h>
#include <string.h>

#include "io/err.h"

#include "life.h"

struct life *
life_new(const struct request *r, uint64_t seq)
{
	struct life *l = err_malloc(sizeof(*l));
	size_t n = (size_t)r->output_tokens;

	memset(l, 0, sizeof(*l));
	l->seq = seq;
	l->output_tokens = r->output_tokens;
	l->meas_ttft = r->ttft_us;
	l->meas_e2e = r->e2e_us;
	l->meas_queue = r->queue_us;
	l->meas_prefill = r->prefill_us;
	l->meas_decode = r->decode_us;
	l->cached_given = r->cached_tokens != REQUEST_ABSENT;
	l->chunked = r->itl_chunked;
	l->gaps = err_malloc((n ? n : 1) * sizeof(*l->gaps));
	if (r->token_us != NULL) {
		l->measured = err_malloc(n * sizeof(*l->measured));
		memcpy(l->measured, r->token_us, n * sizeof(*l->measured));
	}
	return l;
}

void
life_free(struct life *l)
{
	free(l->gaps);
	free(l->measured);
	free(l);
}

void
life_token(struct life *l, int64_t k, int64_t t)
{
	if (k >= 2 && k <= l->output_tokens)
		l->gaps[k - 2] = t - l->last_us;
	l->last_us = t;
	l->seen = k;
}

int64_t
life_measured_ttft(const struct life *l, int64_t arrival_us)
{
	if (l->measured != NULL)
		return l->measured[0] - arrival_us;
	return l->meas_ttft != REQUEST_ABSENT ? l->meas_ttft : -1;
}

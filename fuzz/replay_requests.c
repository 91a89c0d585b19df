/*
 * libFuzzer harness for the replay library (replay_requests): the bytes
 * choose the scheduler's limits, the model (lag, alphas, post-decode) and
 * a workload; every request must come back once, its times ordered as
 * the model says (arrival, queueing delay, first token, last token), and
 * an error only for a request that can never fit.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/replay.h"
#include "sched/sched.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAXREQ = 24 };

static unsigned
take(const uint8_t **p, const uint8_t *end)
{
	return *p < end ? *(*p)++ : 0;
}

/* A step costs 10 us plus one a token: enough to tell orders apart. */
static int64_t
step_time(void *ctx, const struct step *st)
{
	size_t i;
	int64_t t = 10;

	(void)ctx;
	for (i = 0; i < st->n_prefill; i++)
		t += st->prefill[i].tokens;
	return t + (int64_t)st->n_decode;
}

static void
check(const struct replay_req *q, const struct replay_result *r,
    const struct replay_model *m)
{
	int64_t a2 = (int64_t)m->alpha2_us;

	if (r->id != q->id || r->delay_us < 0 || r->queue_us < 0 ||
	    r->prefill_us < 1 || r->decode_us < 0 || r->e2e_us < r->delay_us)
		abort();
	if (q->output_tokens == 0) {
		if (r->ttft_us != REPLAY_NONE)
			abort();
		return;
	}
	if (r->ttft_us < r->delay_us + r->queue_us + 1 + a2 ||
	    r->e2e_us < r->ttft_us + r->itl_sum_us ||
	    r->itl_sum_us < a2 * (q->output_tokens - 1) ||
	    r->itl_sum_us != r->decode_us + a2 * (q->output_tokens - 1))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	struct replay_req q[MAXREQ];
	struct replay_result r[MAXREQ];
	struct replay_stats st;
	struct replay_model m;
	struct sched_config c;
	char ids[MAXREQ][8], why[256];
	size_t i, n;
	int64_t t = 0;
	int rc, fits = 1;
	struct sched *s;

	sched_config_default(&c);
	c.max_num_seqs = 1 + take(&p, end) % 6;
	c.max_batched_tokens = 1 + take(&p, end) % 64;
	c.block_size = 1 + take(&p, end) % 8;
	c.kv_blocks = take(&p, end) % 3 == 0 ? 0 : 1 + take(&p, end) % 64;
	c.prefix_cache = take(&p, end) % 2 ? SCHED_PREFIX_FRACTION :
	    SCHED_PREFIX_NONE;
	c.prefix_fraction = take(&p, end) / 255.0;
	replay_model_default(&m);
	m.output_lag = take(&p, end) % 4;
	m.alpha0_us = take(&p, end) % 50;
	m.alpha1_us_per_token = (take(&p, end) % 8) / 4.0;
	m.alpha2_us = (take(&p, end) % 16) / 2.0;
	m.post_decode_us = take(&p, end) % 30;
	n = take(&p, end) % MAXREQ;
	if ((s = sched_new(&c, why, sizeof(why))) == NULL)
		abort();
	for (i = 0; i < n; i++) {
		snprintf(ids[i], sizeof(ids[i]), "r%zu", i);
		t += take(&p, end) % 40;
		q[i].id = ids[i];
		q[i].arrival_us = t;
		q[i].input_tokens = 1 + take(&p, end) % 48;
		q[i].output_tokens = take(&p, end) % 12;
		q[i].cached_tokens = take(&p, end) % 4 == 0 ?
		    (int64_t)take(&p, end) % q[i].input_tokens : -1;
		q[i].user = NULL;
		if (sched_too_big(s, q[i].input_tokens, q[i].output_tokens))
			fits = 0;
	}
	sched_free(s);
	memset(r, 0, sizeof(r));
	rc = replay_requests(&c, &m, q, n, step_time, NULL, r, &st, why,
	    sizeof(why));
	if ((rc == 0) != fits)
		abort();
	if (rc < 0)
		return 0;
	if (st.requests != (int64_t)n)
		abort();
	for (i = 0; i < n; i++)
		check(&q[i], &r[i], &m);
	return 0;
}

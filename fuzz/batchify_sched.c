/*
 * libFuzzer harness for the scheduler and the timestamps inference: the
 * bytes choose limits and a workload; the replay must end, conserve every
 * request's tokens and keep within its limits, and timestamps mode on the
 * replay's token times must end and place every token.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timestamps.h"
#include "io/err.h"
#include "records/request.h"
#include "sched/sched.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAXREQ = 32 };

struct wl {
	int64_t	 arrival[MAXREQ], in[MAXREQ], out[MAXREQ];
	int64_t	*tok[MAXREQ];	/* token times from the replay */
	int64_t	 ntok[MAXREQ], pre[MAXREQ];
	size_t	 n;
};

static unsigned
take(const uint8_t **p, const uint8_t *end)
{
	return *p < end ? *(*p)++ : 0;
}

static void
config(struct sched_config *c, const uint8_t **p, const uint8_t *end)
{
	sched_config_default(c);
	c->max_num_seqs = 1 + take(p, end) % 8;
	c->max_batched_tokens = 1 + take(p, end) % 64;
	c->long_prefill_threshold = take(p, end) % 16;
	c->block_size = 1 + take(p, end) % 8;
	c->kv_blocks = take(p, end) % 4 == 0 ? 0 : 1 + take(p, end) % 64;
}

static int
fits(const struct sched *s, int64_t in, int64_t out)
{
	return sched_too_big(s, in, out) == 0;
}

static size_t
find(const char *id)
{
	return (size_t)strtoul(id + 1, NULL, 10) % MAXREQ;
}

/* Check one formed step against the limits; record tokens. */
static void
check_step(struct wl *w, const struct sched_config *c, const struct step *st,
    int64_t end_us)
{
	int64_t tokens = (int64_t)st->n_decode;
	size_t i, k;

	if (st->n_prefill + st->n_decode > (size_t)c->max_num_seqs)
		abort();
	for (i = 0; i < st->n_prefill; i++) {
		k = find(st->prefill[i].request_id);
		tokens += st->prefill[i].tokens;
		w->pre[k] += st->prefill[i].tokens;
		/* A prefill ends at input + tokens generated before. */
		if (st->prefill[i].progress_index + st->prefill[i].tokens ==
		    w->in[k] + w->ntok[k])
			w->tok[k][w->ntok[k]++] = end_us;
	}
	for (i = 0; i < st->n_decode; i++) {
		k = find(st->decode[i].request_id);
		w->tok[k][w->ntok[k]++] = end_us;
	}
	if (tokens > c->max_batched_tokens)
		abort();
}

static void
replay(struct wl *w, const struct sched_config *c)
{
	char why[64], id[16];
	struct sched *s = sched_new(c, why, sizeof(why));
	struct step st;
	int64_t now = 0, guard = 0;
	size_t next = 0;

	step_init(&st);
	while (next < w->n || !sched_idle(s)) {
		if (sched_idle(s) && w->arrival[next] > now)
			now = w->arrival[next];
		for (; next < w->n && w->arrival[next] <= now; next++) {
			snprintf(id, sizeof(id), "r%zu", next);
			sched_submit(s, id, w->arrival[next], w->in[next],
			    w->out[next]);
		}
		sched_form(s, &st);
		check_step(w, c, &st, now + 10);
		sched_commit(s);
		now += 10;
		if (++guard > 100000)
			abort();	/* no progress */
	}
	step_free(&st);
	sched_free(s);
}

static void
timestamps(struct wl *w, const struct sched_config *c)
{
	const struct timestamps_out *out;
	struct timestamps *t = timestamps_new(c, 0, NULL, NULL);
	struct request r;
	char id[16];
	size_t i;

	for (i = 0; i < w->n; i++) {
		memset(&r, 0, sizeof(r));
		snprintf(id, sizeof(id), "r%zu", i);
		r.id = err_strdup(id);
		r.arrival_us = w->arrival[i];
		r.input_tokens = w->in[i];
		r.output_tokens = w->out[i];
		r.token_us = err_malloc((size_t)w->out[i] * sizeof(int64_t));
		memcpy(r.token_us, w->tok[i], (size_t)w->out[i] *
		    sizeof(int64_t));
		timestamps_add(t, &r);
	}
	/* It must end: every call places the next tokens. */
	for (i = 0; timestamps_step(t, &out) > 0; i++)
		if (i > 100000)
			abort();
	timestamps_free(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	struct sched_config c;
	struct sched *s;
	struct wl w;
	char why[64];
	int64_t at = 0;
	size_t i;

	memset(&w, 0, sizeof(w));
	config(&c, &p, end);
	s = sched_new(&c, why, sizeof(why));
	while (p + 3 <= end && w.n < MAXREQ) {
		at += take(&p, end) * 3;
		w.arrival[w.n] = at;
		w.in[w.n] = 1 + take(&p, end) % 100;
		w.out[w.n] = 1 + take(&p, end) % 20;
		if (fits(s, w.in[w.n], w.out[w.n]))
			w.n++;
	}
	sched_free(s);
	for (i = 0; i < w.n; i++)
		w.tok[i] = err_malloc((size_t)(w.out[i] + 1) * sizeof(int64_t));
	replay(&w, &c);
	for (i = 0; i < w.n; i++)
		if (w.ntok[i] != w.out[i] || w.pre[i] < w.in[i])
			abort();	/* tokens not conserved */
	timestamps(&w, &c);
	for (i = 0; i < w.n; i++)
		free(w.tok[i]);
	return 0;
}

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "timestamps.h"
#include "io/err.h"

/* Give up inserting hidden steps before one token after this many. */
enum { MAX_HIDDEN = 1 << 20 };

struct tsreq {
	char	*id;
	int64_t	 arrival_us, input_tokens, output_tokens;
	int64_t	*token_us;
	unsigned char *spread;	/* token time made up by unburst */
	int64_t	 emitted;	/* tokens placed in steps */
	int64_t	 progress;	/* prefill tokens computed */
	int64_t	 plan;		/* prefill tokens in the step being built */
	int	 admitted;	/* has had a step */
	int	 in_step;	/* its next token ends the step being built */
};

struct timestamps {
	struct sched_config c;
	int64_t	 merge_us;
	timestamps_timefn timefn;
	void	*ctx;
	struct tsreq **act;	/* unfinished, in arrival order */
	size_t	 nact, capact;
	struct tsreq **gone;	/* finished last call; ids still in out */
	size_t	 ngone, capgone;
	struct timestamps_out *out;
	size_t	 nout, capout;
	int64_t	 prev_end;	/* end of the last step; -1 before any */
	int	 end_spread, prev_spread; /* those ends rest on made-up times */
	int64_t	 anomalies;
	int64_t	*times;		/* scratch for the median */
	size_t	 captimes;
};

struct timestamps *
timestamps_new(const struct sched_config *c, int64_t merge_us,
    timestamps_timefn fn, void *ctx)
{
	struct timestamps *t = err_malloc(sizeof(*t));

	memset(t, 0, sizeof(*t));
	t->c = *c;
	t->merge_us = merge_us;
	t->timefn = fn;
	t->ctx = ctx;
	t->prev_end = -1;
	return t;
}

static void
tsreq_free(struct tsreq *r)
{
	free(r->id);
	free(r->token_us);
	free(r->spread);
	free(r);
}

static void
free_gone(struct timestamps *t)
{
	size_t i;

	for (i = 0; i < t->ngone; i++)
		tsreq_free(t->gone[i]);
	t->ngone = 0;
}

void
timestamps_free(struct timestamps *t)
{
	size_t i;

	if (t == NULL)
		return;
	free_gone(t);
	for (i = 0; i < t->nact; i++)
		tsreq_free(t->act[i]);
	for (i = 0; i < t->capout; i++)
		step_free(&t->out[i].st);
	free(t->act);
	free(t->gone);
	free(t->out);
	free(t->times);
	free(t);
}

/*
 * Tokens k..j-1 arrived within merge_us of each other: streamed together.
 * Spread them evenly between the token before (or the arrival) and the
 * last of them.
 */
static void
spread_burst(int64_t *tk, unsigned char *spread, size_t k, size_t j,
    int64_t before)
{
	int64_t end = tk[j - 1], span = end - before;
	size_t i, m = j - k;

	for (i = 0; i < m; i++) {
		tk[k + i] = before + span * (int64_t)(i + 1) / (int64_t)m;
		spread[k + i] = i + 1 < m;	/* the last keeps its own */
	}
}

static void
unburst(struct tsreq *r, int64_t merge_us)
{
	int64_t *tk = r->token_us, before;
	size_t k, j, n = (size_t)r->output_tokens;

	r->spread = err_malloc(n);
	memset(r->spread, 0, n);
	for (k = 1; k < n; k++)		/* times never go back */
		if (tk[k] < tk[k - 1])
			tk[k] = tk[k - 1];
	for (k = 0; k < n; k = j) {
		for (j = k + 1; j < n && tk[j] - tk[j - 1] <= merge_us; j++)
			;
		if (j - k < 2)
			continue;
		before = k > 0 ? tk[k - 1] : r->arrival_us;
		if (before > tk[k])
			before = tk[k];
		spread_burst(tk, r->spread, k, j, before);
	}
}

void
timestamps_add(struct timestamps *t, struct request *rq)
{
	struct tsreq *r = err_malloc(sizeof(*r));

	memset(r, 0, sizeof(*r));
	r->id = rq->id;
	r->token_us = rq->token_us;
	r->arrival_us = rq->arrival_us;
	r->input_tokens = rq->input_tokens;
	r->output_tokens = rq->output_tokens;
	rq->id = NULL;
	rq->token_us = NULL;
	unburst(r, t->merge_us);
	if (t->nact == t->capact) {
		t->capact = t->capact ? t->capact * 2 : 64;
		t->act = err_realloc(t->act, t->capact * sizeof(*t->act));
	}
	t->act[t->nact++] = r;
}

static int64_t
next_time(const struct tsreq *r)
{
	return r->token_us[r->emitted];
}

int64_t
timestamps_next_token(const struct timestamps *t)
{
	int64_t min = INT64_MAX;
	size_t i;

	for (i = 0; i < t->nact; i++)
		if (next_time(t->act[i]) < min)
			min = next_time(t->act[i]);
	return min;
}

size_t
timestamps_nactive(const struct timestamps *t)
{
	return t->nact;
}

int64_t
timestamps_anomalies(const struct timestamps *t)
{
	return t->anomalies;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Mark the requests whose next token ends this step; its end time. */
static int64_t
gather(struct timestamps *t, size_t *ndecode)
{
	int64_t t0 = timestamps_next_token(t);
	size_t i, n = 0;

	if (t->captimes < t->nact) {
		t->captimes = t->nact;
		t->times = err_realloc(t->times, t->captimes *
		    sizeof(*t->times));
	}
	*ndecode = 0;
	t->end_spread = 0;
	for (i = 0; i < t->nact; i++) {
		t->act[i]->in_step = next_time(t->act[i]) <= t0 + t->merge_us;
		if (!t->act[i]->in_step)
			continue;
		t->times[n++] = next_time(t->act[i]);
		t->end_spread |= t->act[i]->spread[t->act[i]->emitted];
		if (t->act[i]->emitted > 0)
			(*ndecode)++;
	}
	/* The median resists one client's late or early clock. */
	qsort(t->times, n, sizeof(*t->times), cmp_i64);
	return t->times[(n - 1) / 2];
}

/* When the first step after the previous one started. */
static int64_t
interval_start(const struct timestamps *t, int64_t end)
{
	int64_t first = INT64_MAX;
	size_t i;

	for (i = 0; i < t->nact; i++) {
		if (t->prev_end >= 0 && t->act[i]->arrival_us <= t->prev_end)
			return t->prev_end;
		if (t->act[i]->arrival_us < first)
			first = t->act[i]->arrival_us;
	}
	if (first < t->prev_end)
		first = t->prev_end;
	return first < end ? first : end;
}

static int64_t
min3(int64_t a, int64_t b, int64_t c)
{
	int64_t m = a < b ? a : b;

	return m < c ? m : c;
}

/*
 * Place prefill chunks for a step starting at start.  In the final step
 * (final), requests whose first token ends it must finish their prefill;
 * in any other, nothing may finish.  Returns 0 when a first token needed
 * more than the budget or the chunk cap allowed, and the tokens placed.
 */
static int
plan(struct timestamps *t, int64_t start, int final, size_t ndecode,
    int64_t *placed)
{
	int64_t thr = t->c.long_prefill_threshold > 0 ?
	    t->c.long_prefill_threshold : INT64_MAX;
	int64_t budget, rem, n, seats = 0;
	struct tsreq *r;
	size_t i;
	int ok = 1;

	budget = t->c.max_batched_tokens - (final ? (int64_t)ndecode : 0);
	for (i = 0; i < t->nact; i++)
		seats += t->act[i]->admitted;
	*placed = 0;
	for (i = 0; i < t->nact; i++) {
		r = t->act[i];
		r->plan = 0;
		if (r->emitted > 0)
			continue;
		rem = r->input_tokens - r->progress;
		if (final && r->in_step) {
			if (rem > min3(rem, thr, budget))
				ok = 0;
			n = rem;
		} else {
			if (!r->in_step && r->arrival_us > start)
				continue;
			if (!r->admitted && !r->in_step &&
			    seats >= t->c.max_num_seqs)
				continue;
			n = min3(rem, thr, budget);
			if (n <= 0)
				continue;
			/* Finishing early would have emitted a token. */
			if (n == rem)
				n = r->in_step ? rem - 1 : 0;
		}
		if (n <= 0)
			continue;
		if (!r->admitted)
			seats++;
		r->plan = n;
		budget -= n;
		*placed += n;
	}
	return ok;
}

static struct timestamps_out *
new_out(struct timestamps *t)
{
	struct timestamps_out *o;

	if (t->nout == t->capout) {
		t->capout = t->capout ? t->capout * 2 : 4;
		t->out = err_realloc(t->out, t->capout * sizeof(*t->out));
		memset(t->out + t->nout, 0,
		    (t->capout - t->nout) * sizeof(*t->out));
	}
	o = &t->out[t->nout++];
	step_clear(&o->st);
	o->ts_us = o->dur_us = 0;
	o->hidden = 0;
	return o;
}

/* Write the planned chunks (and, in the final step, decodes) into o. */
static void
commit(struct timestamps *t, struct timestamps_out *o, int final)
{
	struct step_req *e;
	struct tsreq *r;
	size_t i;

	for (i = 0; i < t->nact; i++) {
		r = t->act[i];
		if (r->plan > 0) {
			e = step_add_prefill(&o->st);
			e->progress_index = r->progress;
			e->tokens = r->plan;
			e->request_id = r->id;
			r->progress += r->plan;
			r->admitted = 1;
			r->plan = 0;
		} else if (final && r->in_step && r->emitted > 0) {
			e = step_add_decode(&o->st);
			e->progress_index = r->input_tokens + r->emitted - 1;
			e->tokens = 1;
			e->request_id = r->id;
		}
	}
}

static int64_t
step_tokens(const struct step *st)
{
	int64_t n = (int64_t)st->n_decode;
	size_t i;

	for (i = 0; i < st->n_prefill; i++)
		n += st->prefill[i].tokens;
	return n;
}

/*
 * Times: hidden steps by the time model, the last one up to the tokens.
 * Without a model the interval is shared in proportion to tokens.  Either
 * way only the interval was measured, not its steps: when it holds more
 * than one they are marked estimated, and a share of nothing is unknown
 * (-1), never a measured 0.
 */
static void
time_steps(struct timestamps *t, int64_t start, int64_t end)
{
	int64_t total = 0, span = end - start, at = start, d;
	size_t i;
	int known = 1;

	for (i = 0; i + 1 < t->nout; i++)
		known &= t->out[i].dur_us >= 0;
	for (i = 0; i < t->nout; i++)
		total += step_tokens(&t->out[i].st);
	for (i = 0; i < t->nout; i++) {
		t->out[i].ts_us = at;
		if (i + 1 == t->nout)
			d = end - at;
		else if (known)
			d = t->out[i].dur_us;
		else
			/* In double: span * tokens may pass 2^63. */
			d = total > 0 ? (int64_t)((double)span *
			    (double)step_tokens(&t->out[i].st) /
			    (double)total) : 0;
		t->out[i].estimated = t->nout > 1;
		t->out[i].dur_us = d > 0 ? d : -1;
		if (d > 0)
			at += d;
	}
}

/*
 * Hidden steps while the first tokens cannot all finish in one, then the
 * step the tokens end.
 */
static void
build(struct timestamps *t, int64_t start, size_t ndecode)
{
	struct timestamps_out *o;
	int64_t at = start, placed;
	size_t h;

	for (h = 0; h < MAX_HIDDEN; h++) {
		if (plan(t, at, 1, ndecode, &placed))
			break;
		plan(t, at, 0, ndecode, &placed);
		if (placed == 0)
			break;
		o = new_out(t);
		o->hidden = 1;
		commit(t, o, 0);
		o->dur_us = t->timefn != NULL ? t->timefn(t->ctx, &o->st) : -1;
		if (o->dur_us > 0)
			at += o->dur_us;
	}
	if (!plan(t, at, 1, ndecode, &placed))
		t->anomalies++;
	commit(t, new_out(t), 1);
}

/* Tokens of the step are out: count them, retire finished requests. */
static void
advance(struct timestamps *t)
{
	struct tsreq *r;
	size_t i, kept = 0;

	for (i = 0; i < t->nact; i++) {
		r = t->act[i];
		if (r->in_step) {
			r->emitted++;
			r->in_step = 0;
		}
		if (r->emitted < r->output_tokens) {
			t->act[kept++] = r;
			continue;
		}
		if (t->ngone == t->capgone) {
			t->capgone = t->capgone ? t->capgone * 2 : 64;
			t->gone = err_realloc(t->gone,
			    t->capgone * sizeof(*t->gone));
		}
		t->gone[t->ngone++] = r;
	}
	t->nact = kept;
}

static void
mark_estimated(struct timestamps *t)
{
	size_t i;

	for (i = 0; i < t->nout; i++)
		t->out[i].estimated = 1;
}

size_t
timestamps_step(struct timestamps *t, const struct timestamps_out **out)
{
	int64_t end, start;
	size_t ndecode;

	free_gone(t);
	t->nout = 0;
	if (t->nact == 0)
		return 0;
	end = gather(t, &ndecode);
	start = interval_start(t, end);
	build(t, start, ndecode);
	time_steps(t, start, end);
	/* An interval bounded by a made-up token time was not measured. */
	if (t->end_spread || (start == t->prev_end && t->prev_spread))
		mark_estimated(t);
	advance(t);
	t->prev_end = end;
	t->prev_spread = t->end_spread;
	*out = t->out;
	return t->nout;
}

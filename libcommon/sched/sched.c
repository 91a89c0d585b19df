#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "sched/sched.h"

/* Waiting requests: a ring, since preempted ones go back to the front. */
struct ring {
	struct sched_req **v;
	size_t	 head, n, cap;
};

struct sched {
	struct sched_config c;
	struct sched_req **run;		/* running, in admission order */
	size_t	 nrun, caprun;
	struct ring wait;
	struct sched_req **done;	/* retired by the last commit */
	size_t	 ndone, capdone;
	int64_t	 kv_used;		/* KV blocks held by running requests */
	int64_t	 submitted;		/* requests queued so far */
};

void
sched_config_default(struct sched_config *c)
{
	c->max_num_seqs = 256;
	c->max_batched_tokens = 2048;
	c->long_prefill_threshold = 0;
	c->kv_blocks = 0;
	c->block_size = 16;
	c->prefix_cache = SCHED_PREFIX_NONE;
	c->prefix_fraction = 0;
	c->prefix_cold = 0;
}

static void
ring_grow(struct ring *q)
{
	size_t i, cap = q->cap ? q->cap * 2 : 64;
	struct sched_req **v = err_malloc(cap * sizeof(*v));

	for (i = 0; i < q->n; i++)
		v[i] = q->v[(q->head + i) % q->cap];
	free(q->v);
	q->v = v;
	q->cap = cap;
	q->head = 0;
}

static void
ring_push_back(struct ring *q, struct sched_req *r)
{
	if (q->n == q->cap)
		ring_grow(q);
	q->v[(q->head + q->n) % q->cap] = r;
	q->n++;
}

static void
ring_push_front(struct ring *q, struct sched_req *r)
{
	if (q->n == q->cap)
		ring_grow(q);
	q->head = (q->head + q->cap - 1) % q->cap;
	q->v[q->head] = r;
	q->n++;
}

static struct sched_req *
ring_pop_front(struct ring *q)
{
	struct sched_req *r = q->v[q->head];

	q->head = (q->head + 1) % q->cap;
	q->n--;
	return r;
}

struct sched *
sched_new(const struct sched_config *c, char *why, size_t whysz)
{
	struct sched *s;

	if (c->max_num_seqs < 1 || c->max_batched_tokens < 1 ||
	    c->block_size < 1 || c->kv_blocks < 0 ||
	    c->long_prefill_threshold < 0 || c->prefix_cold < 0 ||
	    !(c->prefix_fraction >= 0 && c->prefix_fraction <= 1)) {
		snprintf(why, whysz, "scheduler limits must be positive");
		return NULL;
	}
	s = err_malloc(sizeof(*s));
	memset(s, 0, sizeof(*s));
	s->c = *c;
	return s;
}

static void
req_free(struct sched_req *r)
{
	free(r->id);
	free(r);
}

static void
free_done(struct sched *s)
{
	size_t i;

	for (i = 0; i < s->ndone; i++)
		req_free(s->done[i]);
	s->ndone = 0;
}

void
sched_free(struct sched *s)
{
	size_t i;

	if (s == NULL)
		return;
	free_done(s);
	for (i = 0; i < s->nrun; i++)
		req_free(s->run[i]);
	while (s->wait.n > 0)
		req_free(ring_pop_front(&s->wait));
	free(s->run);
	free(s->wait.v);
	free(s->done);
	free(s);
}

static int64_t
blocks_for(const struct sched *s, int64_t tokens)
{
	return (tokens + s->c.block_size - 1) / s->c.block_size;
}

int64_t
sched_too_big(const struct sched *s, int64_t input_tokens,
    int64_t output_tokens)
{
	int64_t need;

	if (s->c.kv_blocks == 0)
		return 0;
	/* The last decode leaves input + output - 1 tokens cached; a
	 * request without output still prefills its whole prompt. */
	need = blocks_for(s, input_tokens + (output_tokens > 0 ?
	    output_tokens - 1 : 0));
	return need > s->c.kv_blocks ? need : 0;
}

int64_t
sched_assume_cached(const struct sched_config *c, int64_t seq,
    int64_t input_tokens)
{
	int64_t n, most;

	if (c->prefix_cache == SCHED_PREFIX_NONE || seq < c->prefix_cold ||
	    input_tokens < 2)
		return 0;
	most = (input_tokens - 1) / c->block_size * c->block_size;
	n = (int64_t)llround(c->prefix_fraction * (double)input_tokens /
	    (double)c->block_size) * c->block_size;
	return n < most ? n : most;
}

struct sched_req *
sched_submit_cached(struct sched *s, const char *id, int64_t arrival_us,
    int64_t input_tokens, int64_t output_tokens, int64_t cached_tokens)
{
	struct sched_req *r;

	if (cached_tokens < 0)
		cached_tokens = sched_assume_cached(&s->c, s->submitted,
		    input_tokens);
	if (input_tokens < 1 || output_tokens < 0 ||
	    cached_tokens >= input_tokens)
		return NULL;
	r = err_malloc(sizeof(*r));
	memset(r, 0, sizeof(*r));
	s->submitted++;
	r->id = err_strdup(id);
	r->arrival_us = arrival_us;
	r->input_tokens = input_tokens;
	r->output_tokens = output_tokens;
	r->prefill_len = input_tokens;
	r->cached = r->progress = cached_tokens;
	ring_push_back(&s->wait, r);
	return r;
}

struct sched_req *
sched_submit(struct sched *s, const char *id, int64_t arrival_us,
    int64_t input_tokens, int64_t output_tokens)
{
	return sched_submit_cached(s, id, arrival_us, input_tokens,
	    output_tokens, -1);
}

int
sched_idle(const struct sched *s)
{
	return s->nrun == 0 && s->wait.n == 0;
}

int64_t
sched_kv_blocks(const struct sched *s)
{
	return s->c.kv_blocks;
}

/* Grow r's KV allocation to cover n more tokens; 0 if the cache is full. */
static int
kv_alloc(struct sched *s, struct sched_req *r, int64_t n)
{
	int64_t need = blocks_for(s, r->progress + n) - r->blocks;

	if (need <= 0)
		return 1;
	if (s->c.kv_blocks > 0 && s->kv_used + need > s->c.kv_blocks)
		return 0;
	r->blocks += need;
	s->kv_used += need;
	return 1;
}

static void
kv_release(struct sched *s, struct sched_req *r)
{
	s->kv_used -= r->blocks;
	r->blocks = 0;
}

/*
 * Evict the most recently admitted request: it loses its cache and waits
 * at the front of the queue to prefill everything it knows again.
 */
static struct sched_req *
preempt_tail(struct sched *s, int64_t *budget)
{
	struct sched_req *v = s->run[--s->nrun];

	*budget += v->new_tokens;
	v->new_tokens = 0;
	kv_release(s, v);
	v->progress = v->cached;
	v->prefill_len = v->input_tokens + v->generated;
	v->preemptions++;
	ring_push_front(&s->wait, v);
	return v;
}

/* Room for n more tokens of r, preempting from the tail; 0 if r went. */
static int
make_room(struct sched *s, struct sched_req *r, int64_t n, int64_t *budget,
    int *preempted)
{
	while (!kv_alloc(s, r, n)) {
		*preempted = 1;
		if (preempt_tail(s, budget) == r)
			return 0;
	}
	return 1;
}

static int64_t
chunk(const struct sched *s, const struct sched_req *r, int64_t budget)
{
	int64_t n = r->prefill_len - r->progress;

	if (s->c.long_prefill_threshold > 0 && n > s->c.long_prefill_threshold)
		n = s->c.long_prefill_threshold;
	return n < budget ? n : budget;
}

/* Phase 1: running requests, each a prefill chunk or one decode. */
static void
form_running(struct sched *s, int64_t *budget, int *preempted)
{
	struct sched_req *r;
	size_t i = 0;

	while (i < s->nrun && *budget > 0) {
		int64_t n;

		r = s->run[i];
		n = r->progress < r->prefill_len ? chunk(s, r, *budget) : 1;
		if (!make_room(s, r, n, budget, preempted))
			break;
		r->new_tokens = n;
		*budget -= n;
		i++;
	}
}

/* Phase 2: waiting requests in order, while budget, seats and KV last. */
static void
form_waiting(struct sched *s, int64_t *budget)
{
	struct sched_req *r;

	while ((int64_t)s->nrun < s->c.max_num_seqs && s->wait.n > 0 &&
	    *budget > 0) {
		int64_t n;

		r = s->wait.v[s->wait.head];
		n = chunk(s, r, *budget);
		if (!kv_alloc(s, r, n))
			break;
		ring_pop_front(&s->wait);
		if (s->nrun == s->caprun) {
			s->caprun = s->caprun ? s->caprun * 2 : 64;
			s->run = err_realloc(s->run, s->caprun *
			    sizeof(*s->run));
		}
		s->run[s->nrun++] = r;
		r->new_tokens = n;
		*budget -= n;
	}
}

static void
fill_step(const struct sched *s, struct step *st)
{
	struct step_req *e;
	struct sched_req *r;
	size_t i;

	for (i = 0; i < s->nrun; i++) {
		r = s->run[i];
		if (r->new_tokens == 0)
			continue;
		e = r->progress < r->prefill_len ? step_add_prefill(st) :
		    step_add_decode(st);
		e->progress_index = r->progress;
		e->tokens = r->new_tokens;
		e->request_id = r->id;
	}
}

void
sched_form(struct sched *s, struct step *st)
{
	int64_t budget = s->c.max_batched_tokens;
	int preempted = 0;
	size_t i;

	free_done(s);
	step_clear(st);
	for (i = 0; i < s->nrun; i++)
		s->run[i]->new_tokens = 0;
	form_running(s, &budget, &preempted);
	/* As in BLIS: no admissions in a step that had to preempt. */
	if (!preempted)
		form_waiting(s, &budget);
	fill_step(s, st);
}

static void
retire(struct sched *s, struct sched_req *r)
{
	kv_release(s, r);
	if (s->ndone == s->capdone) {
		s->capdone = s->capdone ? s->capdone * 2 : 64;
		s->done = err_realloc(s->done, s->capdone * sizeof(*s->done));
	}
	s->done[s->ndone++] = r;
}

void
sched_commit(struct sched *s)
{
	struct sched_req *r;
	size_t i, kept = 0;

	for (i = 0; i < s->nrun; i++) {
		r = s->run[i];
		if (r->new_tokens > 0) {
			if (r->progress < r->prefill_len) {
				r->progress += r->new_tokens;
				/* The last chunk emits a token. */
				if (r->progress == r->prefill_len)
					r->generated++;
			} else {
				r->progress++;
				r->generated++;
			}
			r->new_tokens = 0;
		}
		/* Done with its outputs; without any, with its prefill. */
		if (r->generated >= (r->output_tokens > 0 ? r->output_tokens :
		    1))
			retire(s, r);
		else
			s->run[kept++] = r;
	}
	s->nrun = kept;
}

size_t
sched_nrunning(const struct sched *s)
{
	return s->nrun;
}

struct sched_req *
sched_running(const struct sched *s, size_t i)
{
	return s->run[i];
}

size_t
sched_ndone(const struct sched *s)
{
	return s->ndone;
}

const struct sched_req *
sched_done(const struct sched *s, size_t i)
{
	return s->done[i];
}

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "sched/replay.h"

/* Longest output lag taken: a few steps is all an engine pipelines. */
#define LAG_MAX 64

/* A request from its arrival until its last token reaches the client. */
struct track {
	struct replay_result rr;
	struct track *prev, *next;	/* every track alive */
	char	*id;
	uint64_t seq;
	int64_t	 enqueue_us, first_run_us;
	int64_t	 want;		/* outputs to deliver; 1 for a bare prefill */
	int64_t	 emitted, delivered;
	int64_t	 first_vis, last_vis, first_client, last_client;
};

/* Tokens one step emitted, waiting out the output lag. */
struct item {
	struct track *t;
	int64_t	 n, dur;
};

struct batch {
	struct item *v;
	size_t	 n, cap;
};

struct replay {
	const struct replay_source *src;
	struct sched *s;
	const struct replay_hooks *h;
	struct replay_stats *st;
	int64_t	 lag, a2, post;
	double	 a0, a1;
	/* pulled, not yet queued: a heap on (enqueue_us, seq) */
	struct track **heap;
	size_t	 nheap, capheap;
	int	 src_done, pulled;
	int64_t	 last_arrival;	/* of the request pulled last */
	uint64_t seq;
	struct batch fifo[LAG_MAX + 1];	/* a ring of lag + 1 batches */
	size_t	 head, nfifo;
	struct replay_entry *ent;	/* the step's requests */
	struct sched_req **ents;
	size_t	 nent, capent;
	struct track *live;		/* every track alive */
	int64_t	 now;
	char	*why;
	size_t	 whysz;
};

void
replay_model_default(struct replay_model *m)
{
	memset(m, 0, sizeof(*m));
	m->output_lag = 1;
}

static int
bad_coeff(double v)
{
	return !(v >= 0 && v < 1e15);
}

const char *
replay_model_check(const struct replay_model *m)
{
	if (m->output_lag < 0 || m->output_lag > LAG_MAX)
		return "the output lag must be 0 to 64 steps";
	if (bad_coeff(m->alpha0_us) || bad_coeff(m->alpha1_us_per_token) ||
	    bad_coeff(m->alpha2_us) || bad_coeff(m->post_decode_us))
		return "the request overheads must be finite, not negative "
		    "and below 1e15 us";
	return NULL;
}

/* BLIS's clampToInt64 on a non-negative value: truncated. */
static int64_t
trunc_us(double v)
{
	return v >= 9.2e18 ? INT64_MAX : (int64_t)v;
}

static int
fail(struct replay *R, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct replay *R, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(R->why, R->whysz, fmt, ap);
	va_end(ap);
	return -1;
}

/* Times beyond 2^53 us are refused by every reader of the output. */
#define CLOCK_MAX (INT64_C(1) << 53)

static int
add_us(struct replay *R, int64_t a, int64_t b, int64_t *out)
{
	if (__builtin_add_overflow(a, b, out) || *out > CLOCK_MAX)
		return fail(R, "%lld us after %lld us passes the replay's "
		    "clock limit of 2^53 us (285 years): a request's times, "
		    "token counts or a step's duration are out of range",
		    (long long)b, (long long)a);
	return 0;
}

/* --- requests waiting to be queued ----------------------------------- */

static int
heap_before(const struct track *x, const struct track *y)
{
	if (x->enqueue_us != y->enqueue_us)
		return x->enqueue_us < y->enqueue_us;
	return x->seq < y->seq;
}

static void
heap_push(struct replay *R, struct track *t)
{
	size_t i, up;
	struct track *tmp;

	if (R->nheap == R->capheap) {
		R->capheap = R->capheap ? 2 * R->capheap : 64;
		R->heap = err_realloc(R->heap, R->capheap * sizeof(*R->heap));
	}
	i = R->nheap++;
	R->heap[i] = t;
	for (; i > 0; i = up) {
		up = (i - 1) / 2;
		if (!heap_before(R->heap[i], R->heap[up]))
			break;
		tmp = R->heap[i];
		R->heap[i] = R->heap[up];
		R->heap[up] = tmp;
	}
}

static struct track *
heap_pop(struct replay *R)
{
	struct track *top = R->heap[0], *tmp;
	size_t i = 0, c;

	R->heap[0] = R->heap[--R->nheap];
	while ((c = 2 * i + 1) < R->nheap) {
		if (c + 1 < R->nheap && heap_before(R->heap[c + 1], R->heap[c]))
			c++;
		if (!heap_before(R->heap[c], R->heap[i]))
			break;
		tmp = R->heap[i];
		R->heap[i] = R->heap[c];
		R->heap[c] = tmp;
		i = c;
	}
	return top;
}

static void
track_free(struct replay *R, struct track *t)
{
	if (t->prev != NULL)
		t->prev->next = t->next;
	else
		R->live = t->next;
	if (t->next != NULL)
		t->next->prev = t->prev;
	free(t->id);
	free(t);
}

static struct track *
track_new(struct replay *R, const struct replay_req *rq)
{
	struct track *t = err_malloc(sizeof(*t));

	memset(t, 0, sizeof(*t));
	t->id = err_strdup(rq->id);
	t->seq = R->seq++;
	t->rr.id = t->id;
	t->rr.user = rq->user;
	t->rr.arrival_us = rq->arrival_us;
	t->rr.input_tokens = rq->input_tokens;
	t->rr.output_tokens = rq->output_tokens;
	t->rr.cached_tokens = rq->cached_tokens;
	t->rr.ttft_us = REPLAY_NONE;
	t->rr.delay_us = trunc_us(R->a0 + R->a1 * (double)rq->input_tokens);
	t->want = rq->output_tokens > 0 ? rq->output_tokens : 1;
	t->first_run_us = -1;
	t->next = R->live;
	if (R->live != NULL)
		R->live->prev = t;
	R->live = t;
	return t;
}

/* Read one request into the heap; 0 at the end, -1 on error. */
static int
pull_one(struct replay *R)
{
	struct replay_req rq;
	struct track *t;
	int64_t need;
	int rc;

	for (;;) {
		if (R->src_done)
			return 0;
		if ((rc = R->src->next(R->src->ctx, &rq)) <= 0) {
			R->src_done = 1;
			if (rc < 0)
				R->why[0] = '\0';
			return rc;
		}
		if (rq.input_tokens < 1 || rq.output_tokens < 0 ||
		    rq.arrival_us < 0 || (rq.cached_tokens >= 0 &&
		    rq.cached_tokens >= rq.input_tokens))
			return fail(R, "request \"%s\": counts out of range",
			    rq.id);
		if ((need = sched_too_big(R->s, rq.input_tokens,
		    rq.output_tokens)) == 0)
			break;
		if (R->src->never_fits == NULL)
			return fail(R, "request \"%s\" needs %lld KV blocks at "
			    "its longest, more than the %lld of the cache: it "
			    "can never run", rq.id, (long long)need,
			    (long long)sched_kv_blocks(R->s));
		if (R->src->never_fits(R->src->ctx, &rq, need) < 0) {
			R->why[0] = '\0';
			return -1;
		}
		R->st->skipped++;
	}
	R->pulled = 1;
	R->last_arrival = rq.arrival_us;
	t = track_new(R, &rq);
	/* On error the track is freed, and its user dropped, with all. */
	if (add_us(R, rq.arrival_us, t->rr.delay_us, &t->enqueue_us) < 0)
		return -1;
	heap_push(R, t);
	R->st->requests++;
	return 1;
}

/*
 * Read every request arrived by limit.  The source gives arrivals in
 * order, and a request's queueing delay is at least alpha0, so those
 * arrived later cannot be queued by limit.
 */
static int
pull_upto(struct replay *R, int64_t limit)
{
	/* Read one past limit: then the rest arrive later still. */
	while (!R->src_done && !(R->pulled && R->last_arrival > limit))
		if (pull_one(R) < 0)
			return -1;
	return 0;
}

/* Queue every request whose delay is over by now. */
static int
queue_ready(struct replay *R)
{
	struct track *t;
	struct sched_req *sr;

	while (R->nheap > 0 && R->heap[0]->enqueue_us <= R->now) {
		t = heap_pop(R);
		sr = sched_submit_cached(R->s, t->id, t->rr.arrival_us,
		    t->rr.input_tokens, t->rr.output_tokens,
		    t->rr.cached_tokens);
		if (sr == NULL)
			return fail(R, "request \"%s\": %lld cached tokens of a "
			    "%lld-token prompt", t->id,
			    (long long)t->rr.cached_tokens,
			    (long long)t->rr.input_tokens);
		sr->user = t;
		t->rr.cached_tokens = sr->cached;
	}
	return 0;
}

/* An idle engine: the clock jumps to the next request's queueing. */
static int
wait_for_work(struct replay *R, int *done)
{
	int64_t t;

	*done = 0;
	if (pull_upto(R, R->now) < 0)
		return -1;
	if (R->nheap == 0 && pull_one(R) < 0)
		return -1;
	if (R->nheap == 0) {
		*done = 1;
		return 0;
	}
	/* A later arrival with a shorter delay may be queued first. */
	do {
		t = R->heap[0]->enqueue_us;
		if (pull_upto(R, t) < 0)
			return -1;
	} while (R->heap[0]->enqueue_us < t);
	if (t > R->now)
		R->now = t;
	return 0;
}

/* --- the output lag ---------------------------------------------------- */

static void
finish(struct replay *R, struct track *t)
{
	struct replay_result *rr = &t->rr;

	rr->decode_us = t->last_vis - t->first_vis;
	rr->itl_sum_us = t->last_client - t->first_client;
	rr->e2e_us = t->last_client - rr->arrival_us +
	    (rr->output_tokens > 0 ? R->post : 0);
	R->h->done(R->h->ctx, rr);
	track_free(R, t);
}

/* n of t's outputs become visible at vis; the k-th reaches the client
 * k alpha2 later. */
static int
deliver(struct replay *R, const struct item *it, int64_t vis)
{
	struct track *t = it->t;
	int64_t i, k, client;

	for (i = 0; i < it->n; i++) {
		k = ++t->delivered;
		if (__builtin_mul_overflow(k, R->a2, &client) ||
		    add_us(R, client, vis, &client) < 0)
			return fail(R, "request \"%s\": its token times pass "
			    "2^63 us", t->id);
		if (k == 1) {
			t->first_vis = vis;
			t->first_client = client;
			t->rr.prefill_us = vis - t->first_run_us;
			t->rr.step_us = it->dur;
			if (t->rr.output_tokens > 0)
				t->rr.ttft_us = client - t->rr.arrival_us;
		}
		t->last_vis = vis;
		t->last_client = client;
		if (t->rr.output_tokens > 0 && R->h->token != NULL)
			R->h->token(R->h->ctx, &t->rr, k, client);
	}
	if (t->delivered == t->want)
		finish(R, t);
	return 0;
}

static int
deliver_oldest(struct replay *R, int64_t vis)
{
	struct batch *b = &R->fifo[R->head];
	size_t i;

	for (i = 0; i < b->n; i++)
		if (deliver(R, &b->v[i], vis) < 0)
			return -1;
	b->n = 0;
	R->head = (R->head + 1) % (size_t)(R->lag + 1);
	R->nfifo--;
	return 0;
}

/* A new batch at the ring's tail. */
static struct batch *
fifo_push(struct replay *R)
{
	struct batch *b = &R->fifo[(R->head + R->nfifo) % (size_t)(R->lag +
	    1)];

	R->nfifo++;
	b->n = 0;
	return b;
}

static void
batch_add(struct batch *b, struct track *t, int64_t n, int64_t dur)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 64;
		b->v = err_realloc(b->v, b->cap * sizeof(*b->v));
	}
	b->v[b->n].t = t;
	b->v[b->n].n = n;
	b->v[b->n].dur = dur;
	b->n++;
}

/* --- one step ------------------------------------------------------- */

/* The requests the formed step runs, in the scheduler's order. */
static void
collect(struct replay *R)
{
	struct sched_req *sr;
	struct track *t;
	size_t i, n = sched_nrunning(R->s);

	if (n > R->capent) {
		R->capent = n;
		R->ent = err_realloc(R->ent, n * sizeof(*R->ent));
		R->ents = err_realloc(R->ents, n * sizeof(*R->ents));
	}
	R->nent = 0;
	for (i = 0; i < n; i++) {
		sr = sched_running(R->s, i);
		if (sr->new_tokens == 0)
			continue;
		t = sr->user;
		R->ents[R->nent] = sr;
		R->ent[R->nent].rr = &t->rr;
		R->ent[R->nent].first = t->first_run_us < 0;
		R->ent[R->nent].ends_prefill = sr->progress < sr->prefill_len &&
		    sr->progress + sr->new_tokens == sr->prefill_len;
		if (t->first_run_us < 0) {
			t->first_run_us = R->now;
			t->rr.queue_us = R->now - t->enqueue_us;
		}
		R->nent++;
	}
}

/* What the committed step emitted, into a batch of the lag's ring. */
static void
emitted(struct replay *R, int64_t dur)
{
	struct batch *b = fifo_push(R);
	struct sched_req *sr;
	struct track *t;
	int64_t out;
	size_t i;

	for (i = 0; i < R->nent; i++) {
		sr = R->ents[i];
		t = sr->user;
		t->rr.preemptions = sr->preemptions;
		out = sr->generated < t->want ? sr->generated : t->want;
		if (out > t->emitted) {
			batch_add(b, t, out - t->emitted, dur);
			t->emitted = out;
		}
	}
}

static int
run_step(struct replay *R, struct step *st)
{
	int64_t dur, end;
	int idle;

	collect(R);
	dur = R->h->step_time(R->h->ctx, st);
	if (dur < 1)
		return fail(R, "the step time at %lld us is not a positive "
		    "number of microseconds", (long long)R->now);
	if (add_us(R, R->now, dur, &end) < 0)
		return -1;
	if (R->h->running != NULL)
		R->h->running(R->h->ctx, st, R->ent, R->nent, R->now, dur);
	sched_commit(R->s);
	emitted(R, dur);
	R->st->steps++;
	/* Does the engine run another step at once?  Then the lag holds. */
	if (pull_upto(R, end) < 0)
		return -1;
	idle = sched_idle(R->s) && (R->nheap == 0 ||
	    R->heap[0]->enqueue_us > end);
	while (R->nfifo > (size_t)R->lag || (idle && R->nfifo > 0))
		if (deliver_oldest(R, end) < 0)
			return -1;
	R->now = end;
	return 0;
}

static int
loop(struct replay *R)
{
	struct step st;
	int empty = 0, done, rc = 0;

	step_init(&st);
	for (;;) {
		if (sched_idle(R->s)) {
			if ((rc = wait_for_work(R, &done)) < 0 || done)
				break;
		}
		if ((rc = pull_upto(R, R->now)) < 0 ||
		    (rc = queue_ready(R)) < 0)
			break;
		if (sched_idle(R->s))
			continue;
		sched_form(R->s, &st);
		if (st.n_prefill + st.n_decode == 0) {
			/* Only after preempting everything; then it runs. */
			if (++empty > 1) {
				rc = fail(R, "internal error: the scheduler "
				    "made no progress at %lld us",
				    (long long)R->now);
				break;
			}
			continue;
		}
		empty = 0;
		if ((rc = run_step(R, &st)) < 0)
			break;
	}
	step_free(&st);
	R->st->end_us = R->now;
	return rc;
}

/* Tracks still held after an error. */
static void
drop_all(struct replay *R)
{
	while (R->live != NULL) {
		if (R->h->drop != NULL)
			R->h->drop(R->h->ctx, R->live->rr.user);
		track_free(R, R->live);
	}
}

int
replay_run(const struct replay_source *src, struct sched *s,
    const struct replay_model *m, const struct replay_hooks *h,
    struct replay_stats *st, char *why, size_t whysz)
{
	struct replay R;
	const char *bad;
	size_t i;
	int rc;

	memset(st, 0, sizeof(*st));
	if ((bad = replay_model_check(m)) != NULL) {
		snprintf(why, whysz, "%s", bad);
		return -1;
	}
	memset(&R, 0, sizeof(R));
	R.src = src;
	R.s = s;
	R.h = h;
	R.st = st;
	R.why = why;
	R.whysz = whysz;
	R.lag = m->output_lag;
	R.a0 = m->alpha0_us;
	R.a1 = m->alpha1_us_per_token;
	R.a2 = trunc_us(m->alpha2_us);
	R.post = trunc_us(m->post_decode_us);
	why[0] = '\0';
	if ((rc = loop(&R)) < 0)
		drop_all(&R);
	for (i = 0; i <= LAG_MAX; i++)
		free(R.fifo[i].v);
	free(R.heap);
	free(R.ent);
	free(R.ents);
	return rc;
}

/* --- an array of requests --------------------------------------------- */

struct array_src {
	const struct replay_req *reqs;
	size_t	*order, n, next;
	struct replay_result *out;
	int64_t	(*step_time)(void *ctx, const struct step *st);
	void	*ctx;
};

/* A request's place in arrival order: ties keep the array's order. */
struct ord {
	int64_t	 arrival_us;
	size_t	 i;
};

static int
by_arrival(const void *a, const void *b)
{
	const struct ord *x = a, *y = b;

	if (x->arrival_us != y->arrival_us)
		return x->arrival_us < y->arrival_us ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int
array_next(void *ctx, struct replay_req *out)
{
	struct array_src *a = ctx;
	size_t i;

	if (a->next == a->n)
		return 0;
	i = a->order[a->next++];
	*out = a->reqs[i];
	out->user = (void *)&a->order[a->next - 1];
	return 1;
}

static int64_t
array_step_time(void *ctx, const struct step *st)
{
	const struct array_src *a = ctx;

	return a->step_time(a->ctx, st);
}

static void
array_done(void *ctx, const struct replay_result *rr)
{
	const struct array_src *a = ctx;
	size_t i = *(const size_t *)rr->user;

	a->out[i] = *rr;
	a->out[i].id = a->reqs[i].id;
	a->out[i].user = a->reqs[i].user;
}

int
replay_requests(const struct sched_config *c, const struct replay_model *m,
    const struct replay_req *reqs, size_t n,
    int64_t (*step_time)(void *ctx, const struct step *st), void *ctx,
    struct replay_result *out, struct replay_stats *st, char *why,
    size_t whysz)
{
	struct array_src a = { reqs, NULL, n, 0, out, step_time, ctx };
	const struct replay_source src = { &a, array_next, NULL };
	const struct replay_hooks h = { &a, array_step_time, NULL, NULL,
	    array_done, NULL };
	struct sched *s;
	struct ord *o;
	size_t i;
	int rc;

	if ((s = sched_new(c, why, whysz)) == NULL)
		return -1;
	o = err_malloc((n ? n : 1) * sizeof(*o));
	a.order = err_malloc((n ? n : 1) * sizeof(*a.order));
	for (i = 0; i < n; i++) {
		o[i].arrival_us = reqs[i].arrival_us;
		o[i].i = i;
	}
	qsort(o, n, sizeof(*o), by_arrival);
	for (i = 0; i < n; i++)
		a.order[i] = o[i].i;
	free(o);
	rc = replay_run(&src, s, m, &h, st, why, whysz);
	free(a.order);
	sched_free(s);
	return rc;
}

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
	uint64_t seq;		/* arrival order */
	struct tsreq *prev, *next;	/* in flight, arrival order */
	struct tsreq *lprev, *lnext;	/* in the prefilling list */
	size_t	 wpos;		/* place in the waiting tree */
	int	 admitted;	/* has had a step */
	int	 in_step;	/* its next token ends the step being built */
};

/* A list of requests in arrival order, linked through lprev/lnext. */
struct tslist {
	struct tsreq *head, *tail;
};

/*
 * The waiting requests (not admitted, no token yet) in arrival order, as
 * the leaves of a tree of maxima of their prompt lengths: the next one
 * whose prompt is longer than a budget is found in a log of their number,
 * however many shorter ones it passes (those would finish their prefill
 * early, so they wait).  A request that leaves is a hole (INT64_MIN),
 * squeezed out when the leaves run out.
 */
struct wtree {
	struct tsreq **at;	/* leaf i's request; NULL: a hole */
	int64_t	*mx;		/* 2 * size nodes, leaves from size */
	size_t	 n, size;	/* leaves used, leaves there are */
	size_t	 live;
};

/*
 * The token heap's entries carry their keys: a heap of pointers would
 * chase each one to compare, a cache miss a level once many are in
 * flight.
 */
struct hent {
	int64_t	 t;		/* the request's next token time */
	uint64_t seq;
	struct tsreq *r;
};

struct theap {
	struct hent *v;
	size_t	 n, cap;
};

/* A growable array of requests. */
struct tsvec {
	struct tsreq **v;
	size_t	 n, cap;
};

struct timestamps {
	struct sched_config c;
	int64_t	 merge_us;
	timestamps_timefn timefn;
	void	*ctx;
	struct tsreq *first, *last;	/* in flight, arrival order */
	size_t	 nact;
	uint64_t seq;
	struct theap heap;	/* in flight, by next token time */
	struct wtree wait;	/* not admitted, no token yet */
	struct tslist pre;	/* admitted, still prefilling */
	size_t	 nadmitted;	/* admitted, in flight: the seats taken */
	struct tsvec step;	/* whose next token ends this step, by seq */
	struct tsvec planned;	/* with a plan, by seq */
	struct tsvec gone;	/* finished last call; ids still in out */
	struct timestamps_out *out;
	size_t	 nout, capout;
	int64_t	 prev_end;	/* end of the last step; -1 before any */
	int	 end_spread, prev_spread; /* those ends rest on made-up times */
	int64_t	 anomalies;
	int64_t	*times;		/* scratch for the median */
	size_t	 captimes;
};

static void
vec_push(struct tsvec *v, struct tsreq *r)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 64;
		v->v = err_realloc(v->v, v->cap * sizeof(*v->v));
	}
	v->v[v->n++] = r;
}

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

	for (i = 0; i < t->gone.n; i++)
		tsreq_free(t->gone.v[i]);
	t->gone.n = 0;
}

void
timestamps_free(struct timestamps *t)
{
	struct tsreq *r, *next;
	size_t i;

	if (t == NULL)
		return;
	free_gone(t);
	for (r = t->first; r != NULL; r = next) {
		next = r->next;
		tsreq_free(r);
	}
	for (i = 0; i < t->capout; i++)
		step_free(&t->out[i].st);
	free(t->wait.at);
	free(t->wait.mx);
	free(t->heap.v);
	free(t->step.v);
	free(t->planned.v);
	free(t->gone.v);
	free(t->out);
	free(t->times);
	free(t);
}

/* --- lists ---------------------------------------------------------- */

/* Insert r in arrival order, searching from the end (usually the place). */
static void
list_insert(struct tslist *l, struct tsreq *r)
{
	struct tsreq *p = l->tail;

	while (p != NULL && p->seq > r->seq)
		p = p->lprev;
	r->lprev = p;
	r->lnext = p != NULL ? p->lnext : l->head;
	if (r->lnext != NULL)
		r->lnext->lprev = r;
	else
		l->tail = r;
	if (p != NULL)
		p->lnext = r;
	else
		l->head = r;
}

static void
list_remove(struct tslist *l, struct tsreq *r)
{
	if (r->lprev != NULL)
		r->lprev->lnext = r->lnext;
	else
		l->head = r->lnext;
	if (r->lnext != NULL)
		r->lnext->lprev = r->lprev;
	else
		l->tail = r->lprev;
	r->lprev = r->lnext = NULL;
}

/* --- the waiting tree ---------------------------------------------- */

static void
wt_set(struct wtree *w, size_t i, int64_t v)
{
	size_t k = i + w->size;

	w->mx[k] = v;
	for (k /= 2; k >= 1; k /= 2)
		w->mx[k] = w->mx[2 * k] > w->mx[2 * k + 1] ? w->mx[2 * k] :
		    w->mx[2 * k + 1];
}

/* Squeeze the holes out, and double the leaves if still half full. */
static void
wt_rebuild(struct wtree *w)
{
	size_t i, n = 0, k;

	for (i = 0; i < w->n; i++)
		if (w->at[i] != NULL)
			w->at[n++] = w->at[i];
	w->n = n;
	if (w->size == 0 || 2 * n >= w->size) {
		w->size = w->size ? 2 * w->size : 64;
		w->at = err_realloc(w->at, w->size * sizeof(*w->at));
		w->mx = err_realloc(w->mx, 2 * w->size * sizeof(*w->mx));
	}
	for (i = 0; i < w->size; i++) {
		w->mx[w->size + i] = i < n ? w->at[i]->input_tokens :
		    INT64_MIN;
		if (i < n)
			w->at[i]->wpos = i;
	}
	for (k = w->size - 1; k >= 1; k--)
		w->mx[k] = w->mx[2 * k] > w->mx[2 * k + 1] ? w->mx[2 * k] :
		    w->mx[2 * k + 1];
}

static void
wt_push(struct wtree *w, struct tsreq *r)
{
	if (w->n == w->size)
		wt_rebuild(w);
	w->at[w->n] = r;
	r->wpos = w->n;
	wt_set(w, w->n++, r->input_tokens);
	w->live++;
}

static void
wt_remove(struct wtree *w, struct tsreq *r)
{
	w->at[r->wpos] = NULL;
	wt_set(w, r->wpos, INT64_MIN);
	w->live--;
}

/* The first leaf from i on whose prompt is longer than x; SIZE_MAX none. */
static size_t
wt_find(const struct wtree *w, size_t node, size_t lo, size_t hi, size_t i,
    int64_t x)
{
	size_t mid, r;

	if (hi <= i || w->mx[node] <= x)
		return SIZE_MAX;
	if (hi - lo == 1)
		return lo;
	mid = lo + (hi - lo) / 2;
	r = wt_find(w, 2 * node, lo, mid, i, x);
	return r != SIZE_MAX ? r : wt_find(w, 2 * node + 1, mid, hi, i, x);
}

static size_t
wt_next(const struct wtree *w, size_t i, int64_t x)
{
	size_t r;

	if (w->size == 0 || i >= w->n)
		return SIZE_MAX;
	r = wt_find(w, 1, 0, w->size, i, x);
	return r < w->n ? r : SIZE_MAX;
}

/* --- the token heap ------------------------------------------------- */

static int64_t
next_time(const struct tsreq *r)
{
	return r->token_us[r->emitted];
}

static int
heap_before(const struct hent *x, const struct hent *y)
{
	if (x->t != y->t)
		return x->t < y->t;
	return x->seq < y->seq;
}

static void
heap_up(struct theap *h, size_t i)
{
	struct hent e = h->v[i];
	size_t up;

	for (; i > 0; i = up) {
		up = (i - 1) / 2;
		if (!heap_before(&e, &h->v[up]))
			break;
		h->v[i] = h->v[up];
	}
	h->v[i] = e;
}

static void
heap_down(struct theap *h, size_t i)
{
	struct hent e = h->v[i];
	size_t c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && heap_before(&h->v[c + 1], &h->v[c]))
			c++;
		if (!heap_before(&h->v[c], &e))
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	h->v[i] = e;
}

static void
heap_push(struct theap *h, struct tsreq *r)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->v = err_realloc(h->v, h->cap * sizeof(*h->v));
	}
	h->v[h->n].t = next_time(r);
	h->v[h->n].seq = r->seq;
	h->v[h->n].r = r;
	heap_up(h, h->n++);
}

static struct tsreq *
heap_pop(struct theap *h)
{
	struct tsreq *top = h->v[0].r;

	h->v[0] = h->v[--h->n];
	if (h->n > 0)
		heap_down(h, 0);
	return top;
}

/* --- requests in ---------------------------------------------------- */

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
	r->seq = t->seq++;
	rq->id = NULL;
	rq->token_us = NULL;
	unburst(r, t->merge_us);
	r->prev = t->last;
	if (t->last != NULL)
		t->last->next = r;
	else
		t->first = r;
	t->last = r;
	t->nact++;
	wt_push(&t->wait, r);
	heap_push(&t->heap, r);
}

int64_t
timestamps_next_token(const struct timestamps *t)
{
	return t->heap.n > 0 ? t->heap.v[0].t : INT64_MAX;
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

static int
cmp_seq(const void *a, const void *b)
{
	const struct tsreq *x = *(struct tsreq *const *)a;
	const struct tsreq *y = *(struct tsreq *const *)b;

	return (x->seq > y->seq) - (x->seq < y->seq);
}

/*
 * Take the requests whose next token ends this step off the heap (into
 * t->step, in arrival order); the step's end time.
 */
static int64_t
gather(struct timestamps *t, size_t *ndecode)
{
	int64_t t0 = timestamps_next_token(t);
	struct tsreq *r;
	size_t n = 0;

	*ndecode = 0;
	t->end_spread = 0;
	t->step.n = 0;
	while (t->heap.n > 0 && t->heap.v[0].t <= t0 + t->merge_us) {
		r = heap_pop(&t->heap);
		r->in_step = 1;
		vec_push(&t->step, r);
		t->end_spread |= r->spread[r->emitted];
		if (r->emitted > 0)
			(*ndecode)++;
	}
	if (t->captimes < t->step.n) {
		t->captimes = t->step.n;
		t->times = err_realloc(t->times, t->captimes *
		    sizeof(*t->times));
	}
	for (n = 0; n < t->step.n; n++)
		t->times[n] = next_time(t->step.v[n]);
	qsort(t->step.v, t->step.n, sizeof(*t->step.v), cmp_seq);
	/* The median resists one client's late or early clock. */
	qsort(t->times, n, sizeof(*t->times), cmp_i64);
	return t->times[(n - 1) / 2];
}

/*
 * When the first step after the previous one started: the previous end
 * while anyone in flight had arrived by then, else the next arrival
 * (*from_arrival set).
 */
static int64_t
interval_start(const struct timestamps *t, int64_t end, int *from_arrival)
{
	int64_t first = t->first->arrival_us;

	*from_arrival = 0;
	if (t->prev_end >= 0 && first <= t->prev_end)
		return t->prev_end;
	*from_arrival = 1;
	return first < end ? first : end;
}

static int64_t
min3(int64_t a, int64_t b, int64_t c)
{
	int64_t m = a < b ? a : b;

	return m < c ? m : c;
}

/* The plan's running state. */
struct planner {
	int64_t	 start, thr, budget, seats, placed;
	int	 final, ok;
};

/*
 * One request's chunk in the step being planned.  In the final step,
 * requests whose first token ends it must finish their prefill; in any
 * other, nothing may finish.
 */
static void
plan_one(struct timestamps *t, struct planner *p, struct tsreq *r)
{
	int64_t rem = r->input_tokens - r->progress, n;

	if (p->final && r->in_step) {
		if (rem > min3(rem, p->thr, p->budget))
			p->ok = 0;
		n = rem;
	} else {
		if (!r->in_step && r->arrival_us > p->start)
			return;
		if (!r->admitted && !r->in_step &&
		    p->seats >= t->c.max_num_seqs)
			return;
		n = min3(rem, p->thr, p->budget);
		if (n <= 0)
			return;
		/* Finishing early would have emitted a token. */
		if (n == rem)
			n = r->in_step ? rem - 1 : 0;
	}
	if (n <= 0)
		return;
	if (!r->admitted)
		p->seats++;
	r->plan = n;
	p->budget -= n;
	p->placed += n;
	vec_push(&t->planned, r);
}

/*
 * The next waiting request, from leaf *from up to *lim, that can take a
 * chunk now: its prompt longer than what one chunk may hold (a shorter
 * one would finish early), not one that ends the step (seen on their
 * own), arrived by the step's start (a later one bounds *lim: those after
 * it arrived later still).  NULL when there is none for now (the budget
 * may yet shrink below a prompt passed over); none ever once the budget
 * or the seats are gone.
 */
static struct tsreq *
next_waiting(struct timestamps *t, const struct planner *p, size_t *from,
    size_t *lim)
{
	int64_t x = p->thr < p->budget ? p->thr : p->budget;
	struct tsreq *r;
	size_t i;

	if (p->budget <= 0 || p->seats >= t->c.max_num_seqs)
		return NULL;
	while ((i = wt_next(&t->wait, *from, x)) < *lim) {
		r = t->wait.at[i];
		if (r->in_step)
			*from = i + 1;
		else if (r->arrival_us > p->start)
			*lim = i;
		else
			return r;
	}
	return NULL;
}

/*
 * Place prefill chunks for a step starting at start, in arrival order
 * within the token budget: the prefilling requests, the waiting ones
 * that can take a chunk (until none can: all later ones arrived later,
 * or the budget or the seats are gone), and the waiting ones whose first
 * token ends the step.  Returns 0 when a first token needed more than
 * the budget or the chunk cap allowed, and the tokens placed.
 */
static int
plan(struct timestamps *t, int64_t start, int final, size_t ndecode,
    int64_t *placed)
{
	struct planner p;
	struct tsreq *a = t->pre.head, *w, *r;
	size_t k = 0, i, from = 0, lim = SIZE_MAX;

	for (i = 0; i < t->planned.n; i++)
		t->planned.v[i]->plan = 0;
	t->planned.n = 0;
	memset(&p, 0, sizeof(p));
	p.start = start;
	p.final = final;
	p.ok = 1;
	p.thr = t->c.long_prefill_threshold > 0 ?
	    t->c.long_prefill_threshold : INT64_MAX;
	p.budget = t->c.max_batched_tokens - (final ? (int64_t)ndecode : 0);
	p.seats = (int64_t)t->nadmitted;
	for (;;) {
		w = next_waiting(t, &p, &from, &lim);
		/* The step's own waiting requests. */
		while (k < t->step.n && (t->step.v[k]->admitted ||
		    t->step.v[k]->emitted > 0))
			k++;
		r = a;
		if (w != NULL && (r == NULL || w->seq < r->seq))
			r = w;
		if (k < t->step.n && (r == NULL || t->step.v[k]->seq < r->seq))
			r = t->step.v[k];
		if (r == NULL)
			break;
		if (r == a)
			a = a->lnext;
		else if (r == w)
			from = w->wpos + 1;
		else
			k++;
		plan_one(t, &p, r);
	}
	*placed = p.placed;
	return p.ok;
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
	o->source = TS_TOKENS;
	return o;
}

/* Write the planned chunks (and, in the final step, decodes) into o. */
static void
commit(struct timestamps *t, struct timestamps_out *o, int final)
{
	struct step_req *e;
	struct tsreq *r;
	size_t i;

	for (i = 0; i < t->planned.n; i++) {
		r = t->planned.v[i];
		e = step_add_prefill(&o->st);
		e->progress_index = r->progress;
		e->tokens = r->plan;
		e->request_id = r->id;
		r->progress += r->plan;
		r->plan = 0;
		if (!r->admitted) {
			r->admitted = 1;
			t->nadmitted++;
			wt_remove(&t->wait, r);
			list_insert(&t->pre, r);
		}
	}
	t->planned.n = 0;
	for (i = 0; final && i < t->step.n; i++) {
		r = t->step.v[i];
		if (r->emitted == 0)
			continue;
		e = step_add_decode(&o->st);
		e->progress_index = r->input_tokens + r->emitted - 1;
		e->tokens = 1;
		e->request_id = r->id;
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
 * (-1), never a measured 0.  A time the model gave is the model's.
 */
static void
time_steps(struct timestamps *t, int64_t start, int64_t end,
    enum timestamps_source src)
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
		t->out[i].source = src;
		if (i + 1 == t->nout)
			d = end - at;
		else if (known) {
			d = t->out[i].dur_us;
			t->out[i].source = TS_MODEL;
		} else
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

static void
finish(struct timestamps *t, struct tsreq *r)
{
	if (r->prev != NULL)
		r->prev->next = r->next;
	else
		t->first = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
	else
		t->last = r->prev;
	t->nact--;
	if (r->admitted)
		t->nadmitted--;
	vec_push(&t->gone, r);
}

/* Tokens of the step are out: count them, retire finished requests. */
static void
advance(struct timestamps *t)
{
	struct tsreq *r;
	size_t i;

	for (i = 0; i < t->step.n; i++) {
		r = t->step.v[i];
		r->in_step = 0;
		if (r->emitted++ == 0 && r->admitted)
			list_remove(&t->pre, r);
		else if (r->emitted == 1)
			wt_remove(&t->wait, r);
		if (r->emitted < r->output_tokens)
			heap_push(&t->heap, r);
		else
			finish(t, r);
	}
	t->step.n = 0;
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
	int from_arrival;

	free_gone(t);
	t->nout = 0;
	if (t->nact == 0)
		return 0;
	end = gather(t, &ndecode);
	start = interval_start(t, end, &from_arrival);
	build(t, start, ndecode);
	time_steps(t, start, end, from_arrival ? TS_CLIENT_TTFT : TS_TOKENS);
	/* An interval bounded by a made-up token time was not measured. */
	if (t->end_spread || (start == t->prev_end && t->prev_spread))
		mark_estimated(t);
	advance(t);
	t->prev_end = end;
	t->prev_spread = t->end_spread;
	*out = t->out;
	return t->nout;
}

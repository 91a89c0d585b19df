#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "reqreplay.h"

/* Where the hit fraction's derivative is taken: this far below (above). */
#define RQ_HIT_STEP 0.05

struct rq_run {
	struct rq_sched *out;
	const struct rq_rec *r;
	const struct roofline *rl;
	const struct rq_par *p;
	int	 assumed_any;
	uint8_t	*assumed;	/* request i's cached count was assumed */
	struct sched_config cfg_mod;	/* at the hit fraction less hd */
	struct step mod;
};

static void
grow(struct rq_sched *s)
{
	if (s->nsteps < s->cap)
		return;
	s->cap = s->cap ? 2 * s->cap : 4096;
	s->base = err_realloc(s->base, s->cap * sizeof(*s->base));
	s->mod = err_realloc(s->mod, s->cap * sizeof(*s->mod));
	s->has_mod = err_realloc(s->has_mod, s->cap);
	s->start = err_realloc(s->start, s->cap * sizeof(*s->start));
	s->dur = err_realloc(s->dur, s->cap * sizeof(*s->dur));
	s->busy_next = err_realloc(s->busy_next, s->cap);
}

static void
to_fit_step(const struct roofline *rl, const struct step *st,
    struct fit_step *fs)
{
	struct roofline_result res;

	roofline_eval(rl, st, &res);
	fs->compute_us = res.compute_us;
	fs->memory_us = res.memory_us;
	fs->mf = res.minority_fraction;
	fs->cp = res.compute_prefill_us;
	fs->cd = res.compute_decode_us;
	fs->mixed = st->n_prefill > 0 && st->n_decode > 0;
	fs->client = 0;	/* the replay's own steps: no client in them */
}

static size_t
req_index(const struct step_req *e)
{
	return (size_t)strtoul(e->request_id, NULL, 10);
}

/*
 * The step as it would be with the hit fraction hd lower: each first
 * chunk of a prompt whose cache hit was assumed computes hd (I - 1) more
 * tokens.  0 when no entry changes.
 */
static int
hit_variant(struct rq_run *x, const struct step *st)
{
	const struct rq_sched *s = x->out;
	struct step_req *e;
	size_t i, k;
	int64_t d, in;
	int any = 0;

	step_clear(&x->mod);
	for (i = 0; i < st->n_decode; i++)
		*step_add_decode(&x->mod) = st->decode[i];
	for (i = 0; i < st->n_prefill; i++) {
		e = step_add_prefill(&x->mod);
		*e = st->prefill[i];
		k = req_index(e);
		if (!x->assumed[k] || e->progress_index != s->p[k].cached)
			continue;
		in = x->r[k].input_tokens;
		/* The scheduler's own rounding, at the nearby fraction. */
		d = s->p[k].cached - sched_assume_cached(&x->cfg_mod,
		    s->p[k].seq, in);
		if (d > e->progress_index)
			d = e->progress_index;
		if (d < 0 && e->tokens + d < 1)
			d = 1 - e->tokens;
		if (d == 0)
			continue;
		e->progress_index -= d;
		e->tokens += d;
		any = 1;
	}
	return any;
}

static int64_t
record_step(struct rq_run *x, const struct step *st)
{
	struct rq_sched *s = x->out;
	size_t j = s->nsteps;
	double t;

	grow(s);
	to_fit_step(x->rl, st, &s->base[j]);
	s->has_mod[j] = x->assumed_any && st->n_prefill > 0 &&
	    hit_variant(x, st);
	if (s->has_mod[j])
		to_fit_step(x->rl, &x->mod, &s->mod[j]);
	else
		s->mod[j] = s->base[j];
	t = steptime_predict(&x->p->f, &s->base[j]);
	s->dur[j] = t > 1 ? (int64_t)t : 1;
	s->busy_next[j] = 0;
	s->nsteps++;
	return s->dur[j];
}

static void
mark(struct rq_run *x, const struct step_req *e, size_t n, long j)
{
	struct rq_place *pl;
	size_t i;

	for (i = 0; i < n; i++) {
		pl = &x->out->p[req_index(&e[i])];
		if (pl->s < 0)
			pl->s = j;
	}
}

/* After step j ran: the requests it finished. */
static void
after(struct rq_run *x, struct sched *sc, long j)
{
	size_t i;

	for (i = 0; i < sched_ndone(sc); i++)
		x->out->p[(size_t)strtoul(sched_done(sc, i)->id, NULL, 10)].l =
		    j;
}

/* Queue entry times in order: alpha0 + alpha1 * input after arrival. */
static int64_t
entry_time(const struct rq_rec *r, const struct rq_par *p)
{
	/* Truncated to whole us, as BLIS (and the library replay) does. */
	return r->arrival_us + (int64_t)(p->v[RQ_A0] +
	    p->v[RQ_A1] * (double)r->input_tokens);
}

struct rq_order {
	int64_t	 q;
	size_t	 i;
};

static int
by_entry(const void *a, const void *b)
{
	const struct rq_order *x = a, *y = b;

	if (x->q != y->q)
		return x->q > y->q ? 1 : -1;
	return (x->i > y->i) - (x->i < y->i);
}

static struct rq_order *
order(const struct rq_rec *r, size_t n, const struct rq_par *p)
{
	struct rq_order *o = err_malloc((n ? n : 1) * sizeof(*o));
	size_t i;

	for (i = 0; i < n; i++) {
		o[i].q = entry_time(&r[i], p);
		o[i].i = i;
	}
	qsort(o, n, sizeof(*o), by_entry);
	return o;
}

/* Submit every request queued by now; where each entered, in step terms. */
static size_t
admit(struct rq_run *x, struct sched *sc, const struct sched_config *cfg,
    const struct rq_order *o, size_t next, size_t n, int64_t now)
{
	struct rq_sched *s = x->out;
	const struct rq_rec *r;
	struct rq_place *pl;
	long prev = (long)s->nsteps - 1;
	char id[32];

	for (; next < n && o[next].q <= now; next++) {
		r = &x->r[o[next].i];
		pl = &s->p[o[next].i];
		pl->cached = r->cached >= 0 ? r->cached :
		    sched_assume_cached(cfg, (int64_t)next, r->input_tokens);
		if (pl->cached >= r->input_tokens)
			pl->cached = r->input_tokens - 1;
		x->assumed[o[next].i] = r->cached < 0;
		pl->seq = (int64_t)next;
		if (sched_too_big(sc, r->input_tokens, r->output_tokens) > 0)
			err_die(EXIT_DATA, "a request of %lld input and %lld "
			    "output tokens can never fit the KV cache "
			    "(--kv-blocks)", (long long)r->input_tokens,
			    (long long)r->output_tokens);
		snprintf(id, sizeof(id), "%zu", o[next].i);
		if (sched_submit_cached(sc, id, r->arrival_us, r->input_tokens,
		    r->output_tokens, pl->cached) == NULL)
			err_die(EXIT_DATA, "internal error: a request the "
			    "scheduler refused");
		if (prev >= 0 && o[next].q <= s->start[prev] + s->dur[prev] &&
		    o[next].q > s->start[prev]) {
			pl->a = prev;
			pl->rho = (double)(s->start[prev] + s->dur[prev] -
			    o[next].q) / (double)s->dur[prev];
		}
	}
	return next;
}

/* The step that computes a prompt's last token emits the first one. */
static void
first_tokens(struct rq_run *x, const struct step *st, long j)
{
	struct rq_place *pl;
	size_t i;

	for (i = 0; i < st->n_prefill; i++) {
		pl = &x->out->p[req_index(&st->prefill[i])];
		if (pl->f < 0 && st->prefill[i].progress_index +
		    st->prefill[i].tokens >= x->r[req_index(&st->prefill[i])]
		    .input_tokens)
			pl->f = j;
	}
}

static void
loop(struct rq_run *x, struct sched *sc, const struct sched_config *cfg,
    const struct rq_order *o, size_t n)
{
	struct rq_sched *s = x->out;
	struct step st;
	size_t next = 0;
	int64_t now = 0, dur;
	long j;

	step_init(&st);
	for (;;) {
		if (sched_idle(sc)) {
			if (next == n)
				break;
			if (o[next].q > now)
				now = o[next].q;
		}
		next = admit(x, sc, cfg, o, next, n, now);
		if (sched_idle(sc))
			continue;
		sched_form(sc, &st);
		if (st.n_prefill + st.n_decode == 0)
			continue;
		j = (long)s->nsteps;
		if (j > 0)
			s->busy_next[j - 1] = s->start[j - 1] + s->dur[j - 1] ==
			    now;
		dur = record_step(x, &st);
		s->start[j] = now;
		mark(x, st.prefill, st.n_prefill, j);
		mark(x, st.decode, st.n_decode, j);
		first_tokens(x, &st, j);
		sched_commit(sc);
		now += dur;
		after(x, sc, j);
	}
	step_free(&st);
}

void
rqreplay_run(struct rq_sched *out, const struct rq_rec *r, size_t n,
    const struct roofline *rl, const struct sched_config *sc,
    const struct rq_par *p)
{
	struct sched_config cfg = *sc;
	struct rq_run x;
	struct rq_order *o;
	struct sched *s;
	char why[256];
	size_t i;

	memset(out, 0, sizeof(*out));
	out->n = n;
	out->h0 = p->v[RQ_HIT];
	out->hd = out->h0 >= RQ_HIT_STEP ? RQ_HIT_STEP : -RQ_HIT_STEP;
	out->p = err_malloc((n ? n : 1) * sizeof(*out->p));
	for (i = 0; i < n; i++) {
		out->p[i].a = out->p[i].s = out->p[i].f = out->p[i].l = -1;
		out->p[i].rho = 0;
	}
	cfg.prefix_cache = p->v[RQ_HIT] > 0 ? SCHED_PREFIX_FRACTION :
	    SCHED_PREFIX_NONE;
	cfg.prefix_fraction = p->v[RQ_HIT];
	if ((s = sched_new(&cfg, why, sizeof(why))) == NULL)
		err_usage("%s", why);
	memset(&x, 0, sizeof(x));
	x.out = out;
	x.r = r;
	x.rl = rl;
	x.p = p;
	x.assumed = err_malloc(n ? n : 1);
	for (i = 0; i < n; i++)
		x.assumed_any |= r[i].cached < 0;
	x.cfg_mod = cfg;
	x.cfg_mod.prefix_fraction = p->v[RQ_HIT] - out->hd;
	x.cfg_mod.prefix_cache = x.cfg_mod.prefix_fraction > 0 ?
	    SCHED_PREFIX_FRACTION : SCHED_PREFIX_NONE;
	step_init(&x.mod);
	o = order(r, n, p);
	loop(&x, s, &cfg, o, n);
	free(o);
	step_free(&x.mod);
	free(x.assumed);
	sched_free(s);
}

void
rqreplay_free(struct rq_sched *s)
{
	free(s->base);
	free(s->mod);
	free(s->has_mod);
	free(s->start);
	free(s->dur);
	free(s->busy_next);
	free(s->p);
	memset(s, 0, sizeof(*s));
}

static double
end_of(const struct rq_sched *s, long j)
{
	return (double)(s->start[j] + s->dur[j]);
}

void
rqreplay_latency(const struct rq_sched *s, const struct rq_rec *r,
    size_t i, const struct rq_par *p, struct rq_lat *out)
{
	const struct rq_place *pl = &s->p[i];
	double arr = (double)r[i].arrival_us, o = (double)r[i].output_tokens;
	long ef = rq_emit(s, p->lag, pl->f), el = rq_emit(s, p->lag, pl->l);
	double q = arr + p->v[RQ_A0] + p->v[RQ_A1] * (double)r[i].input_tokens;

	out->ttft = end_of(s, ef) - arr + p->v[RQ_A2];
	out->e2e = end_of(s, el) - arr + o * p->v[RQ_A2] + p->v[RQ_POST];
	out->itl = o > 1 ? (end_of(s, el) - end_of(s, ef)) / (o - 1) +
	    p->v[RQ_A2] : RQ_NONE;
	out->queue = (double)s->start[pl->s] - q;
	out->prefill = end_of(s, pl->f) - (double)s->start[pl->s];
	out->decode = end_of(s, pl->l) - end_of(s, pl->f);
}

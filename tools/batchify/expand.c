#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "expand.h"
#include "io/err.h"
#include "io/numfmt.h"

/* A decoder: context of its next decode, decodes left (-1 unknown). */
struct dec {
	int64_t	 ctx, left;
};

/* With --requests: a request waiting or prefilling, in arrival order. */
struct pf {
	int64_t	 target, progress, output;
};

struct expand {
	struct sched_config c;
	int64_t	 fallback;
	expand_reqfn reqfn;
	void	*reqctx;
	struct dec *dec;	/* decoders, oldest first */
	size_t	 ndec, capdec;
	struct dec *join;	/* prefills finished last step */
	size_t	 njoin, capjoin;
	struct pf *pf;
	size_t	 npf, cappf;
	int64_t	 carry;		/* progress of a continuing prefill; -1 */
	int64_t	 done_sum, done_n;	/* finished prefills' lengths */
};

struct expand *
expand_new(const struct sched_config *c, int64_t fallback_context)
{
	struct expand *x = err_malloc(sizeof(*x));

	memset(x, 0, sizeof(*x));
	x->c = *c;
	x->fallback = fallback_context;
	x->carry = -1;
	return x;
}

void
expand_set_requests(struct expand *x, expand_reqfn fn, void *ctx)
{
	x->reqfn = fn;
	x->reqctx = ctx;
}

void
expand_free(struct expand *x)
{
	if (x == NULL)
		return;
	free(x->dec);
	free(x->join);
	free(x->pf);
	free(x);
}

/* Room for one more element in *v; returns a pointer to it. */
static void *
grow(void **v, size_t *n, size_t *cap, size_t elsz)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*v = err_realloc(*v, *cap * elsz);
	}
	return (char *)*v + (*n)++ * elsz;
}

static void
add_dec(struct dec **v, size_t *n, size_t *cap, int64_t ctx, int64_t left)
{
	struct dec *d = grow((void **)v, n, cap, sizeof(**v));

	d->ctx = ctx;
	d->left = left;
}

static void
finished_prefill(struct expand *x, int64_t len, int64_t decodes)
{
	x->done_sum += len;
	x->done_n++;
	if (decodes != 0)
		add_dec(&x->join, &x->njoin, &x->capjoin, len, decodes);
}

static struct step_req *
add_chunk(struct step *out, int64_t pi, int64_t len)
{
	struct step_req *e = step_add_prefill(out);

	e->progress_index = pi;
	e->tokens = len;
	return e;
}

/* Prefill entries: even shares; the last may continue next step. */
static void
prefill_even(struct expand *x, const struct expand_agg *a, struct step *out)
{
	int64_t n = a->n_prefill, share, extra, i;
	int saturated;

	saturated = a->prefill_tokens + a->n_decode >= x->c.max_batched_tokens;
	share = n > 0 ? a->prefill_tokens / n : 0;
	extra = n > 0 ? a->prefill_tokens % n : 0;
	for (i = 0; i < n; i++) {
		int64_t pi = i == 0 && x->carry >= 0 ? x->carry : 0;
		int64_t len = share + (i < extra);

		add_chunk(out, pi, len);
		if (i == n - 1 && saturated) {
			x->carry = pi + len;
			return;
		}
		finished_prefill(x, pi + len, -1);
	}
	x->carry = -1;
}

/* Enough requests from the trace for n prefill entries (if it has them). */
static void
pull(struct expand *x, size_t n)
{
	int64_t in, outlen;
	struct pf *p;

	while (x->npf < n && x->reqfn(x->reqctx, &in, &outlen)) {
		p = grow((void **)&x->pf, &x->npf, &x->cappf, sizeof(*p));
		p->target = in;
		p->progress = 0;
		p->output = outlen;
	}
	while (x->npf < n) {	/* the trace ran out: unknown lengths */
		p = grow((void **)&x->pf, &x->npf, &x->cappf, sizeof(*p));
		p->target = INT64_MAX;
		p->progress = 0;
		p->output = -1;
	}
}

/*
 * Prefill entries from the request trace: requests in arrival order, each
 * taking what it still needs (leaving one token for each later entry);
 * the last takes the rest.
 */
static void
prefill_known(struct expand *x, const struct expand_agg *a, struct step *out)
{
	int64_t rest = a->prefill_tokens, i, n = a->n_prefill;
	size_t kept = 0, j;

	pull(x, (size_t)n);
	for (i = 0; i < n; i++) {
		struct pf *p = &x->pf[i];
		int64_t k = rest - (n - 1 - i);

		if (i < n - 1 && p->target - p->progress < k)
			k = p->target - p->progress;
		add_chunk(out, p->progress, k);
		p->progress += k;
		rest -= k;
		if (p->progress < p->target)
			continue;
		p->target = p->progress;	/* longer than the trace said */
		finished_prefill(x, p->target, p->output > 0 ?
		    p->output - 1 : -1);
	}
	for (j = 0; j < x->npf; j++)
		if (x->pf[j].progress < x->pf[j].target)
			x->pf[kept++] = x->pf[j];
	x->npf = kept;
}

static int64_t
mean_context(const struct expand *x)
{
	return x->done_n > 0 ? x->done_sum / x->done_n : x->fallback;
}

/* Leaving order: fewest decodes left first (unknown last), then oldest. */
static int
cmp_leave(const void *a, const void *b)
{
	const struct dec *x = *(struct dec *const *)a;
	const struct dec *y = *(struct dec *const *)b;
	int64_t lx = x->left >= 0 ? x->left : INT64_MAX;
	int64_t ly = y->left >= 0 ? y->left : INT64_MAX;

	if (lx != ly)
		return (lx > ly) - (lx < ly);
	return (x > y) - (x < y);
}

/*
 * Drop k decoders, those nearest their end first: fewest decodes left,
 * else the oldest.  One sort and one pass, whatever k.
 */
static void
drop_decoders(struct expand *x, size_t k)
{
	struct dec **order;
	size_t i, kept = 0;

	for (i = 0; i < x->ndec && x->dec[i].left < 0; i++)
		;
	if (i == x->ndec) {	/* none knows its end: the oldest go */
		memmove(x->dec, x->dec + k, (x->ndec - k) * sizeof(*x->dec));
		x->ndec -= k;
		return;
	}
	order = err_malloc(x->ndec * sizeof(*order));
	for (i = 0; i < x->ndec; i++)
		order[i] = &x->dec[i];
	qsort(order, x->ndec, sizeof(*order), cmp_leave);
	for (i = 0; i < k; i++)
		order[i]->ctx = -1;	/* marked to go */
	free(order);
	for (i = 0; i < x->ndec; i++)
		if (x->dec[i].ctx >= 0)
			x->dec[kept++] = x->dec[i];
	x->ndec = kept;
}

/* Fit the population to n decoders: who ends first leaves; newcomers get
 * the mean prefilled length. */
static void
fit_population(struct expand *x, int64_t n)
{
	if ((int64_t)x->ndec > n)
		drop_decoders(x, x->ndec - (size_t)n);
	while ((int64_t)x->ndec < n)
		add_dec(&x->dec, &x->ndec, &x->capdec, mean_context(x), -1);
}

/* Scale decode contexts so the cache holds kv_usage of its capacity. */
static void
fit_kv(struct expand *x, const struct expand_agg *a, const struct step *out)
{
	double target, dsum = 0, psum = 0, f;
	int64_t cap = x->c.kv_blocks > 0 ? x->c.kv_blocks : a->kv_blocks;
	size_t i;

	if (a->kv_usage < 0 || cap == 0 || x->ndec == 0)
		return;
	target = a->kv_usage * (double)cap * (double)x->c.block_size;
	for (i = 0; i < x->ndec; i++)
		dsum += (double)x->dec[i].ctx;
	for (i = 0; i < out->n_prefill; i++)
		psum += (double)(out->prefill[i].progress_index +
		    out->prefill[i].tokens);
	if (dsum <= 0 || target - psum <= 0)
		return;
	f = (target - psum) / dsum;
	for (i = 0; i < x->ndec; i++) {
		x->dec[i].ctx = (int64_t)llround((double)x->dec[i].ctx * f);
		if (x->dec[i].ctx < 1)
			x->dec[i].ctx = 1;
	}
}

/* Decode entries; decoders with nothing left go. */
static void
decode_all(struct expand *x, struct step *out)
{
	size_t i, kept = 0;

	for (i = 0; i < x->ndec; i++) {
		struct step_req *e = step_add_decode(out);

		e->progress_index = x->dec[i].ctx++;
		e->tokens = 1;
		if (x->dec[i].left > 0)
			x->dec[i].left--;
		if (x->dec[i].left != 0)
			x->dec[kept++] = x->dec[i];
	}
	x->ndec = kept;
}

/*
 * n whole numbers of at least lo summing to sum, whose population
 * variance is as near var as whole numbers allow: k of them high and
 * n - k low, k as near n / 2 as keeps the low ones at lo or above (the
 * most variance the sum allows when even k = 1 does not).
 */
static void
spread_moments(int64_t *v, size_t n, int64_t sum, double var, int64_t lo)
{
	double mu = (double)sum / (double)n, r, p, low;
	size_t i, k;
	int64_t l, rest;

	if (!(var > 0) || n < 2) {
		for (i = 0; i < n; i++)
			v[i] = sum / (int64_t)n + ((int64_t)i <
			    sum % (int64_t)n);
		return;
	}
	r = (mu - (double)lo) * (mu - (double)lo) / var;
	k = (size_t)((double)n * r / (1 + r));
	if (k > n / 2)
		k = n / 2;
	if (k < 1)
		k = 1;
	p = (double)k / (double)n;
	low = mu - sqrt(var * p / (1 - p));
	l = (int64_t)llround(low);
	if (l < lo)
		l = lo;
	if (l > sum / (int64_t)n)
		l = sum / (int64_t)n;
	rest = sum - l * (int64_t)(n - k);
	for (i = 0; i < k; i++)
		v[i] = rest / (int64_t)k + ((int64_t)i < rest % (int64_t)k);
	for (; i < n; i++)
		v[i] = l;
}

/* Where the record has moments, they decide; 1 if any did. */
static int
apply_moments(struct expand *x, const struct expand_moments *m,
    struct step *out, int *all)
{
	size_t i, np = out->n_prefill, nd = out->n_decode;
	int64_t *v;
	int used = 0;

	v = err_malloc((np > nd ? np : nd) * sizeof(*v) + 1);
	*all = 1;
	if (np > 0) {
		if (m->prefill_var >= 0) {
			spread_moments(v, np, step_prefill_tokens(out),
			    m->prefill_var, 1);
			for (i = 0; i < np; i++)
				out->prefill[i].tokens = v[i];
			used = 1;
		} else
			*all = 0;
		if (m->prefill_kv >= 0) {
			spread_moments(v, np, m->prefill_kv, 0, 0);
			for (i = 0; i < np; i++)
				out->prefill[i].progress_index = v[i];
			used = 1;
		} else
			*all = 0;
	}
	if (nd > 0) {
		if (m->decode_kv >= 0) {
			spread_moments(v, nd, m->decode_kv, m->decode_var,
			    m->decode_kv >= (int64_t)nd ? 1 : 0);
			for (i = 0; i < nd; i++)
				out->decode[i].progress_index = v[i];
			/* The population follows the moments' contexts. */
			for (i = 0; x->ndec == nd && i < nd; i++)
				x->dec[i].ctx = v[i] + 1;
			used = 1;
		} else
			*all = 0;
	}
	free(v);
	return used;
}

const char *
expand_method_name(enum expand_method m)
{
	switch (m) {
	case EXPAND_POPULATION:	return "population";
	case EXPAND_REQUESTS:	return "requests";
	case EXPAND_MOMENTS:	return "moments";
	case EXPAND_MIXED:	break;
	}
	return "moments+population";
}

enum expand_method
expand_step(struct expand *x, const struct expand_agg *a, struct step *out)
{
	size_t i;
	int all;

	step_clear(out);
	/* Last step's finished prefills decode from now on. */
	for (i = 0; i < x->njoin; i++)
		add_dec(&x->dec, &x->ndec, &x->capdec, x->join[i].ctx,
		    x->join[i].left);
	x->njoin = 0;
	fit_population(x, a->n_decode);
	if (x->reqfn != NULL)
		prefill_known(x, a, out);
	else
		prefill_even(x, a, out);
	fit_kv(x, a, out);
	decode_all(x, out);
	if (apply_moments(x, &a->m, out, &all))
		return all ? EXPAND_MOMENTS : EXPAND_MIXED;
	return x->reqfn != NULL ? EXPAND_REQUESTS : EXPAND_POPULATION;
}

void
expand_observe(struct expand *x, const struct step *st)
{
	int64_t ptok = 0;
	size_t i;

	x->ndec = x->njoin = 0;
	for (i = 0; i < st->n_decode; i++)
		add_dec(&x->dec, &x->ndec, &x->capdec,
		    st->decode[i].progress_index + 1, -1);
	x->carry = -1;
	for (i = 0; i < st->n_prefill; i++)
		ptok += st->prefill[i].tokens;
	for (i = 0; i < st->n_prefill; i++) {
		int64_t len = st->prefill[i].progress_index +
		    st->prefill[i].tokens;

		if (i + 1 == st->n_prefill && ptok + (int64_t)st->n_decode >=
		    x->c.max_batched_tokens)
			x->carry = len;
		else
			finished_prefill(x, len, -1);
	}
}

static int
count(const cJSON *obj, const char *key, int64_t *out, struct errmsg *e)
{
	const cJSON *v = jsonin_need(obj, key, e);

	return v == NULL ? -1 : jsonin_int(v, key, 0, RT_INT_EXACT_MAX, out, e);
}

static int
check_counts(const cJSON *obj, struct expand_agg *a, struct errmsg *e)
{
	const cJSON *v;
	int64_t dt;

	if (a->prefill_tokens < a->n_prefill) {
		errmsg_set(e, "prefill_tokens %lld is less than n_prefill %lld",
		    (long long)a->prefill_tokens, (long long)a->n_prefill);
		return -1;
	}
	if (a->n_prefill == 0 && a->prefill_tokens > 0) {
		errmsg_set(e, "prefill_tokens %lld with n_prefill 0",
		    (long long)a->prefill_tokens);
		return -1;
	}
	if ((v = jsonin_field(obj, "decode_tokens")) != NULL) {
		if (jsonin_int(v, "decode_tokens", 0, RT_INT_EXACT_MAX, &dt,
		    e) < 0)
			return -1;
		if (dt != a->n_decode) {
			errmsg_set(e, "decode_tokens %lld is not n_decode %lld "
			    "(one token a decode)", (long long)dt,
			    (long long)a->n_decode);
			return -1;
		}
	}
	return 0;
}

/* An optional whole number; *out -1 when absent or null. */
static int
opt_count(const cJSON *obj, const char *key, int64_t *out, struct errmsg *e)
{
	const cJSON *v = jsonin_field(obj, key);

	*out = -1;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	return jsonin_int(v, key, 0, RT_INT_EXACT_MAX, out, e);
}

/* An optional variance; *out -1 when absent or null. */
static int
opt_var(const cJSON *obj, const char *key, double *out, struct errmsg *e)
{
	const cJSON *v = jsonin_field(obj, key);

	*out = -1;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (jsonin_num(v, key, out, e) < 0)
		return -1;
	if (!(*out >= 0) || !isfinite(*out)) {
		errmsg_set(e, "%s: must be a variance (finite, not negative), "
		    "got %g", key, *out);
		return -1;
	}
	return 0;
}

/* A context sum needs requests of its kind to hold it. */
static int
check_kv(const char *key, int64_t kv, const char *nkey, int64_t n,
    struct errmsg *e)
{
	if (kv > 0 && n == 0) {
		errmsg_set(e, "%s %lld with %s 0", key, (long long)kv, nkey);
		return -1;
	}
	return 0;
}

static int
read_moments(const cJSON *obj, struct expand_agg *a, struct errmsg *e)
{
	struct expand_moments *m = &a->m;

	if (opt_count(obj, "prefill_kv_tokens", &m->prefill_kv, e) < 0 ||
	    opt_var(obj, "prefill_len_var", &m->prefill_var, e) < 0 ||
	    opt_count(obj, "decode_kv_tokens", &m->decode_kv, e) < 0 ||
	    opt_var(obj, "decode_kv_var", &m->decode_var, e) < 0)
		return -1;
	return check_kv("prefill_kv_tokens", m->prefill_kv, "n_prefill",
	    a->n_prefill, e) < 0 || check_kv("decode_kv_tokens", m->decode_kv,
	    "n_decode", a->n_decode, e) < 0 ? -1 : 0;
}

int
expand_agg_from_json(const cJSON *obj, struct expand_agg *a, struct errmsg *e)
{
	const cJSON *v;
	const char *dup;

	a->kv_usage = -1;
	a->kv_blocks = 0;
	a->m.prefill_kv = a->m.decode_kv = -1;
	a->m.prefill_var = a->m.decode_var = -1;
	if (!cJSON_IsObject(obj)) {
		errmsg_set(e, "expected a JSON object (an aggregate step)");
		return -1;
	}
	if ((dup = jsonin_dup_key(obj)) != NULL) {
		errmsg_set(e, "duplicate field \"%s\"", dup);
		return -1;
	}
	if (step_times_from_json(obj, e) < 0 ||
	    count(obj, "n_prefill", &a->n_prefill, e) < 0 ||
	    count(obj, "prefill_tokens", &a->prefill_tokens, e) < 0 ||
	    count(obj, "n_decode", &a->n_decode, e) < 0 ||
	    check_counts(obj, a, e) < 0 || read_moments(obj, a, e) < 0)
		return -1;
	v = jsonin_field(obj, "kv_blocks_total");
	if (v != NULL && !cJSON_IsNull(v) && jsonin_int(v, "kv_blocks_total",
	    1, RT_INT_EXACT_MAX, &a->kv_blocks, e) < 0)
		return -1;
	v = jsonin_field(obj, "kv_usage");
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (jsonin_num(v, "kv_usage", &a->kv_usage, e) < 0)
		return -1;
	if (a->kv_usage < 0 || a->kv_usage > 1) {
		errmsg_set(e, "kv_usage: must be a fraction in [0, 1], got %g",
		    a->kv_usage);
		return -1;
	}
	return 0;
}

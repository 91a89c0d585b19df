#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "metrics.h"
#include "sample.h"

struct sample_row {
	double	 compute_us, memory_us, mf, dur_us, cp, cd, sched_us;
	double	 key;
	int64_t	 step;
	uint64_t seq;
	uint8_t	 kind, stratum, client;
};

static const char *const kind_names[SAMPLE_NKIND] = {
	"prefill", "decode", "mixed"
};

const char *
sample_kind_name(int k)
{
	return kind_names[k / (SAMPLE_NBIN * 2)];
}

int
sample_bin(int k)
{
	return k / 2 % SAMPLE_NBIN;
}

const char *
sample_regime_name(int k)
{
	return k % 2 ? "compute" : "memory";
}

/*
 * What a stratum's step tells the fit, relative to an unmixed one: a
 * mixed step informs the mixed-batch penalty too, the more so the larger
 * its minority fraction (the penalty's effect grows with it).
 */
static double
information(int k)
{
	return k / (SAMPLE_NBIN * 2) == 2 ? 2.0 + sample_bin(k) : 1.0;
}

static int
stratum(const struct eval_rec *r)
{
	int kind = r->kind == EVAL_PREFILL ? 0 : r->kind == EVAL_DECODE ? 1 : 2;
	int bin = 0;

	if (kind == 2)
		while (bin < SAMPLE_NBIN - 1 &&
		    r->minority_fraction > metrics_mf_edges[bin + 1])
			bin++;
	return (kind * SAMPLE_NBIN + bin) * 2 +
	    (r->compute_us >= r->memory_us);
}

/* splitmix64: the key of the seq-th step, uniform in [0, 1). */
static double
key_of(uint64_t seed, uint64_t seq)
{
	uint64_t z = seed * 0x9e3779b97f4a7c15ULL + seq + 1;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (double)(z >> 11) * 0x1p-53;
}

void
sample_init(struct sampler *s, size_t budget, unsigned long seed)
{
	int k;

	memset(s, 0, sizeof(*s));
	s->budget = budget;
	s->cap = 2 * budget;
	s->rows = err_malloc(s->cap * sizeof(*s->rows));
	s->seed = seed;
	for (k = 0; k < SAMPLE_NSTRATA; k++)
		s->tau[k] = 1;
}

/*
 * Each stratum's share of the budget: a minimum (budget / 4 over the
 * non-empty strata, at most the stratum's count), then the rest in
 * proportion to count x information, what a stratum cannot use going to
 * the others.
 */
static void
targets(const struct sampler *s, long t[SAMPLE_NSTRATA])
{
	long left, m, ne = 0, add;
	double tot, share;
	int k, round, open[SAMPLE_NSTRATA];

	for (k = 0; k < SAMPLE_NSTRATA; k++)
		ne += s->seen[k] > 0;
	m = ne ? (long)s->budget / (4 * ne) : 0;
	if (m < 1)
		m = 1;
	left = (long)s->budget;
	for (k = 0; k < SAMPLE_NSTRATA; k++) {
		t[k] = s->seen[k] < m ? s->seen[k] : m;
		if (t[k] > left)
			t[k] = left;
		left -= t[k];
		open[k] = t[k] < s->seen[k];
	}
	for (round = 0; round < SAMPLE_NSTRATA && left > 0; round++) {
		tot = 0;
		for (k = 0; k < SAMPLE_NSTRATA; k++)
			if (open[k])
				tot += (double)s->seen[k] * information(k);
		if (tot == 0)
			break;
		share = (double)left;
		for (k = 0; k < SAMPLE_NSTRATA; k++) {
			if (!open[k])
				continue;
			add = (long)floor(share * (double)s->seen[k] *
			    information(k) / tot);
			if (add > s->seen[k] - t[k])
				add = s->seen[k] - t[k];
			if (add > left)
				add = left;
			t[k] += add;
			left -= add;
			open[k] = t[k] < s->seen[k];
		}
		/* Rounding left a few: one each, in stratum order. */
		if (left > 0 && left < SAMPLE_NSTRATA)
			for (k = 0; k < SAMPLE_NSTRATA && left > 0; k++)
				if (open[k]) {
					t[k]++;
					left--;
					open[k] = t[k] < s->seen[k];
				}
	}
}

static int
by_stratum_key(const void *a, const void *b)
{
	const struct sample_row *x = a, *y = b;

	if (x->stratum != y->stratum)
		return x->stratum < y->stratum ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
by_seq(const void *a, const void *b)
{
	const struct sample_row *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Keep each stratum's t smallest keys; lower its threshold to match. */
static void
compact(struct sampler *s)
{
	long t[SAMPLE_NSTRATA], have = 0;
	size_t i, j = 0;
	int cur = -1;

	targets(s, t);
	qsort(s->rows, s->n, sizeof(*s->rows), by_stratum_key);
	memset(s->kept, 0, sizeof(s->kept));
	for (i = 0; i < s->n; i++) {
		if (s->rows[i].stratum != cur) {
			cur = s->rows[i].stratum;
			have = 0;
		}
		if (have < t[cur]) {
			s->rows[j++] = s->rows[i];
			have++;
			s->kept[cur]++;
		} else if (have == t[cur]) {
			s->tau[cur] = s->rows[i].key;
			have++;
		}
	}
	s->n = j;
}

void
sample_add(struct sampler *s, const struct eval_rec *r, int client)
{
	struct sample_row *w;
	int k = stratum(r);
	double key = key_of(s->seed, s->seq);

	s->seq++;
	s->seen[k]++;
	s->total_seen++;
	if (key >= s->tau[k])
		return;
	w = &s->rows[s->n++];
	w->compute_us = r->compute_us;
	w->memory_us = r->memory_us;
	w->mf = r->minority_fraction;
	w->dur_us = r->dur_us;
	w->cp = r->compute_prefill_us;
	w->cd = r->compute_decode_us;
	w->sched_us = r->has_sched ? r->sched_us : NAN;
	w->step = r->step;
	w->key = key;
	w->seq = s->seq;
	w->kind = (uint8_t)r->kind;
	w->stratum = (uint8_t)k;
	w->client = (uint8_t)client;
	if (s->n == s->cap)
		compact(s);
}

void
sample_finish(struct sampler *s, struct fit_data *d)
{
	struct eval_rec r;
	double norm;
	size_t i;
	int k;

	compact(s);
	s->total_kept = (long)s->n;
	for (k = 0; k < SAMPLE_NSTRATA; k++)
		s->weight[k] = s->kept[k] > 0 ?
		    (double)s->seen[k] / (double)s->kept[k] : 0;
	norm = s->n > 0 ? (double)s->n / (double)s->total_seen : 1;
	qsort(s->rows, s->n, sizeof(*s->rows), by_seq);
	d->w = err_malloc((s->n ? s->n : 1) * sizeof(double));
	for (i = 0; i < s->n; i++) {
		const struct sample_row *w = &s->rows[i];

		memset(&r, 0, sizeof(r));
		r.compute_us = w->compute_us;
		r.memory_us = w->memory_us;
		r.minority_fraction = w->mf;
		r.dur_us = w->dur_us;
		r.compute_prefill_us = w->cp;
		r.compute_decode_us = w->cd;
		r.has_sched = !isnan(w->sched_us);
		r.sched_us = w->sched_us;
		r.step = w->step;
		r.kind = (enum eval_kind)w->kind;
		data_add(d, &r, w->client);
		d->w[d->n - 1] = s->weight[w->stratum] * norm;
	}
	free(s->rows);
	s->rows = NULL;
}

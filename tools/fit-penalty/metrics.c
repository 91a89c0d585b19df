#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort_double.h>

#include "io/err.h"

#include "stats/stats.h"
#include "records/eval.h"
#include "metrics.h"

const double metrics_mf_edges[FIT_NBIN + 1] = { 0, 0.05, 0.1, 0.2, 0.5 };
const char *const metrics_group_names[FIT_NGROUP] = {
	"all", "prefill", "decode", "mixed", "mixed_bin0", "mixed_bin1",
	"mixed_bin2", "mixed_bin3", "compute", "memory"
};

static int
member(const struct fit_data *d, size_t i, enum fit_group g,
    const struct fit_par *p)
{
	struct fit_step st;
	int bin;

	switch (g) {
	case FIT_G_ALL:
		return 1;
	case FIT_G_PREFILL:
		return d->kind[i] == EVAL_PREFILL;
	case FIT_G_DECODE:
		return d->kind[i] == EVAL_DECODE;
	case FIT_G_MIXED:
		return d->kind[i] == EVAL_MIXED;
	case FIT_G_COMPUTE:
	case FIT_G_MEMORY:
		data_step(d, i, &st);
		return steptime_compute_bound(p, &st) == (g == FIT_G_COMPUTE);
	default:
		bin = (int)g - FIT_G_BIN0;
		return d->kind[i] == EVAL_MIXED &&
		    (d->mf[i] > metrics_mf_edges[bin] || bin == 0) &&
		    d->mf[i] <= metrics_mf_edges[bin + 1];
	}
}

/* Weighted percentile q of v[0..n) with weights w: sorts both. */
struct wv {
	double	 v, w;
};

static int
by_v(const void *a, const void *b)
{
	const struct wv *x = a, *y = b;

	return x->v < y->v ? -1 : x->v > y->v;
}

static double
wpercentile(struct wv *p, size_t n, double q)
{
	double tot = 0, acc = 0;
	size_t i;

	if (n == 0)
		return NAN;
	for (i = 0; i < n; i++)
		tot += p[i].w;
	for (i = 0; i < n; i++) {
		acc += p[i].w;
		if (acc >= q / 100 * tot)
			return p[i].v;
	}
	return p[n - 1].v;
}

/* --sample: the metrics with each step's weight (unbiased for the input). */
static void
one_group_weighted(const struct fit_problem *pb, const struct fit_par *p,
    enum fit_group g, struct fit_metrics *m)
{
	struct fit_step st;
	struct wv *e = err_malloc((pb->n ? pb->n : 1) * sizeof(*e));
	double pred, meas, w, sw = 0, ape = 0, bias = 0, mx = 0, my = 0;
	double sxx = 0, syy = 0, sxy = 0, dx, dy;
	size_t k, i, n = 0;

	memset(m, 0, sizeof(*m));
	for (k = 0; k < pb->n; k++) {
		i = problem_step(pb, k);
		if (!member(pb->d, i, g, p))
			continue;
		data_step(pb->d, i, &st);
		pred = steptime_predict(p, &st);
		meas = pb->d->dur_us[i];
		w = pb->d->w[i];
		e[n].v = fabs(pred - meas) / meas * 100;
		e[n++].w = w;
		ape += w * fabs(pred - meas) / meas * 100;
		bias += w * (pred - meas) / meas * 100;
		/* West's weighted running means and co-moments. */
		sw += w;
		dx = pred - mx;
		dy = meas - my;
		mx += w / sw * dx;
		my += w / sw * dy;
		sxx += w * dx * (pred - mx);
		syy += w * dy * (meas - my);
		sxy += w * dx * (meas - my);
	}
	m->n = n;
	m->mape = n ? ape / sw : NAN;
	m->bias = n ? bias / sw : NAN;
	m->r = n >= 2 && sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : NAN;
	qsort(e, n, sizeof(*e), by_v);
	m->median = wpercentile(e, n, 50);
	m->p90 = wpercentile(e, n, 90);
	m->p99 = wpercentile(e, n, 99);
	free(e);
}

static void
one_group(const struct fit_problem *pb, const struct fit_par *p,
    enum fit_group g, struct fit_metrics *m, double *tmp)
{
	struct fit_step st;
	struct stats_acc a;
	double pred, meas;
	size_t k, i;

	stats_acc_init(&a);
	memset(m, 0, sizeof(*m));
	for (k = 0; k < pb->n; k++) {
		i = problem_step(pb, k);
		if (!member(pb->d, i, g, p))
			continue;
		data_step(pb->d, i, &st);
		pred = steptime_predict(p, &st);
		meas = pb->d->dur_us[i];
		tmp[a.n] = fabs(pred - meas) / meas * 100;
		stats_acc_add(&a, pred, meas);
	}
	m->n = a.n;
	m->mape = stats_acc_mape(&a);
	m->bias = stats_acc_bias(&a);
	m->r = stats_acc_pearson(&a);
	/* One sort for the three (stats_percentile sorts each time). */
	gsl_sort(tmp, 1, a.n);
	m->median = stats_quantile_sorted(tmp, a.n, 0.5);
	m->p90 = stats_quantile_sorted(tmp, a.n, 0.9);
	m->p99 = stats_quantile_sorted(tmp, a.n, 0.99);
}

void
metrics_groups(const struct fit_problem *pb, const struct fit_par *p,
    struct fit_metrics m[FIT_NGROUP], double *tmp)
{
	int g;

	for (g = 0; g < FIT_NGROUP; g++)
		if (pb->d->w != NULL)
			one_group_weighted(pb, p, (enum fit_group)g, &m[g]);
		else
			one_group(pb, p, (enum fit_group)g, &m[g], tmp);
}

#include <math.h>
#include <string.h>

#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_statistics_double.h>

#include "record.h"
#include "metrics.h"

const double fit_mf_edges[FIT_NBIN + 1] = { 0, 0.05, 0.1, 0.2, 0.5 };
const char *const fit_group_names[FIT_NGROUP] = {
	"all", "prefill", "decode", "mixed", "mixed_bin0", "mixed_bin1",
	"mixed_bin2", "mixed_bin3", "compute", "memory"
};

static int
member(const struct fit_data *d, size_t i, enum fit_group g, double b)
{
	struct fit_step st;
	int bin;

	switch (g) {
	case FIT_G_ALL:
		return 1;
	case FIT_G_PREFILL:
		return d->kind[i] == FIT_PREFILL;
	case FIT_G_DECODE:
		return d->kind[i] == FIT_DECODE;
	case FIT_G_MIXED:
		return d->kind[i] == FIT_MIXED;
	case FIT_G_COMPUTE:
	case FIT_G_MEMORY:
		fit_data_step(d, i, &st);
		return fit_compute_bound(b, &st) == (g == FIT_G_COMPUTE);
	default:
		bin = (int)g - FIT_G_BIN0;
		return d->kind[i] == FIT_MIXED &&
		    (d->mf[i] > fit_mf_edges[bin] || bin == 0) &&
		    d->mf[i] <= fit_mf_edges[bin + 1];
	}
}

/* Running sums for the mean error and Pearson's r (Welford's form). */
struct acc {
	size_t	 n;
	double	 ape, bias, mx, my, sxx, syy, sxy;
};

static void
acc_add(struct acc *a, double pred, double meas)
{
	double dx, dy;

	a->n++;
	a->ape += fabs(pred - meas) / meas * 100;
	a->bias += (pred - meas) / meas * 100;
	dx = pred - a->mx;
	dy = meas - a->my;
	a->mx += dx / (double)a->n;
	a->my += dy / (double)a->n;
	a->sxx += dx * (pred - a->mx);
	a->syy += dy * (meas - a->my);
	a->sxy += dx * (meas - a->my);
}

static void
one_group(const struct fit_problem *pb, const struct fit_par *p,
    enum fit_group g, struct fit_metrics *m, double *tmp)
{
	struct fit_step st;
	struct acc a;
	double pred, meas;
	size_t k, i;

	memset(&a, 0, sizeof(a));
	memset(m, 0, sizeof(*m));
	for (k = 0; k < pb->n; k++) {
		i = fit_pb_step(pb, k);
		if (!member(pb->d, i, g, p->v[FIT_B]))
			continue;
		fit_data_step(pb->d, i, &st);
		pred = fit_predict(p, &st);
		meas = pb->d->dur_us[i];
		tmp[a.n] = fabs(pred - meas) / meas * 100;
		acc_add(&a, pred, meas);
	}
	m->n = a.n;
	m->r = NAN;
	if (a.n == 0) {
		m->mape = m->median = m->p90 = m->p99 = m->bias = NAN;
		return;
	}
	m->mape = a.ape / (double)a.n;
	m->bias = a.bias / (double)a.n;
	if (a.sxx > 0 && a.syy > 0)
		m->r = a.sxy / sqrt(a.sxx * a.syy);
	gsl_sort(tmp, 1, a.n);
	m->median = gsl_stats_quantile_from_sorted_data(tmp, 1, a.n, 0.5);
	m->p90 = gsl_stats_quantile_from_sorted_data(tmp, 1, a.n, 0.9);
	m->p99 = gsl_stats_quantile_from_sorted_data(tmp, 1, a.n, 0.99);
}

void
fit_metrics_groups(const struct fit_problem *pb, const struct fit_par *p,
    struct fit_metrics m[FIT_NGROUP], double *tmp)
{
	int g;

	for (g = 0; g < FIT_NGROUP; g++)
		one_group(pb, p, (enum fit_group)g, &m[g], tmp);
}

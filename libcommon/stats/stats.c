#include <math.h>
#include <string.h>

#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_statistics_double.h>

#include "stats/stats.h"

void
stats_acc_init(struct stats_acc *a)
{
	memset(a, 0, sizeof(*a));
}

/* Welford's update of the means and co-moments. */
static void
moments_add(struct stats_acc *a, double pred, double meas)
{
	double dx, dy;

	a->n++;
	dx = pred - a->mx;
	dy = meas - a->my;
	a->mx += dx / (double)a->n;
	a->my += dy / (double)a->n;
	a->sxx += dx * (pred - a->mx);
	a->syy += dy * (meas - a->my);
	a->sxy += dx * (meas - a->my);
}

void
stats_acc_add(struct stats_acc *a, double pred, double meas)
{
	a->ape += fabs(pred - meas) / meas * 100;
	a->bias += (pred - meas) / meas * 100;
	moments_add(a, pred, meas);
}

double
stats_acc_mape(const struct stats_acc *a)
{
	return a->n ? a->ape / (double)a->n : NAN;
}

double
stats_acc_bias(const struct stats_acc *a)
{
	return a->n ? a->bias / (double)a->n : NAN;
}

double
stats_acc_pearson(const struct stats_acc *a)
{
	if (a->sxx > 0 && a->syy > 0)
		return a->sxy / sqrt(a->sxx * a->syy);
	return NAN;
}

double
stats_mape(const double *pred, const double *meas, size_t n)
{
	struct stats_acc a;
	size_t i;

	stats_acc_init(&a);
	for (i = 0; i < n; i++)
		if (meas[i] > 0)
			stats_acc_add(&a, pred[i], meas[i]);
	return stats_acc_mape(&a);
}

double
stats_pearson(const double *x, const double *y, size_t n)
{
	struct stats_acc a;
	size_t i;

	stats_acc_init(&a);
	for (i = 0; i < n; i++)
		moments_add(&a, x[i], y[i]);
	return stats_acc_pearson(&a);
}

double
stats_mean(const double *v, size_t n)
{
	double sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += v[i];
	return n ? sum / (double)n : NAN;
}

double
stats_quantile_sorted(const double *v, size_t n, double f)
{
	return n ? gsl_stats_quantile_from_sorted_data(v, 1, n, f) : NAN;
}

double
stats_percentile(double *v, size_t n, double q)
{
	gsl_sort(v, 1, n);
	return stats_quantile_sorted(v, n, q / 100);
}

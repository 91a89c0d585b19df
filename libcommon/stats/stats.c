#include <math.h>
#include <stdlib.h>

#include "stats/stats.h"

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double
stats_percentile(double *v, size_t n, double q)
{
	double pos, lo;
	size_t i;

	if (n == 0)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	pos = q / 100.0 * (double)(n - 1);
	i = (size_t)pos;
	if (i + 1 >= n)
		return v[n - 1];
	lo = v[i];
	return lo + (pos - (double)i) * (v[i + 1] - lo);
}

double
stats_mape(const double *pred, const double *meas, size_t n)
{
	double sum = 0;
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (!(meas[i] > 0))
			continue;
		sum += fabs(pred[i] - meas[i]) / meas[i];
		k++;
	}
	return k ? 100.0 * sum / (double)k : NAN;
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
stats_pearson(const double *x, const double *y, size_t n)
{
	double mx, my, sxy = 0, sxx = 0, syy = 0;
	size_t i;

	if (n < 2)
		return NAN;
	mx = stats_mean(x, n);
	my = stats_mean(y, n);
	for (i = 0; i < n; i++) {
		sxy += (x[i] - mx) * (y[i] - my);
		sxx += (x[i] - mx) * (x[i] - mx);
		syy += (y[i] - my) * (y[i] - my);
	}
	if (sxx == 0 || syy == 0)
		return NAN;
	return sxy / sqrt(sxx * syy);
}

/*
 * Descriptive statistics of predictions against measurements, for the
 * reports of fit-penalty and trace-replay: mean absolute percentage error,
 * signed bias, Pearson's r, and percentiles (GSL's, linear between order
 * statistics).
 */
#ifndef RT_STATS_H
#define RT_STATS_H

#include <stddef.h>

/*
 * Running sums over (predicted, measured) pairs, one pass: the absolute
 * and signed percentage errors and, in Welford's form, the moments
 * Pearson's r needs.  Zero it (or stats_acc_init) before the first add.
 */
struct stats_acc {
	size_t	 n;
	double	 ape, bias, mx, my, sxx, syy, sxy;
};

void stats_acc_init(struct stats_acc *a);
/* Add one pair; meas must be positive for the percentage errors. */
void stats_acc_add(struct stats_acc *a, double pred, double meas);
/* Mean absolute percentage error, in %; NaN with no pair. */
double stats_acc_mape(const struct stats_acc *a);
/* Mean signed percentage error, in %, + = over-predicted; NaN with none. */
double stats_acc_bias(const struct stats_acc *a);
/* Pearson's r; NaN when either side is constant (or n < 2). */
double stats_acc_pearson(const struct stats_acc *a);

/*
 * The same over arrays.  stats_mape leaves out the pairs with meas <= 0
 * (NaN when none is left); stats_pearson takes every pair.
 */
double stats_mape(const double *pred, const double *meas, size_t n);
double stats_pearson(const double *x, const double *y, size_t n);
double stats_mean(const double *v, size_t n);

/* Quantile f in [0, 1] of v[0..n) sorted ascending; NaN when n is 0. */
double stats_quantile_sorted(const double *v, size_t n, double f);
/* Percentile q in [0, 100] of v[0..n): sorts v in place; NaN when n is 0. */
double stats_percentile(double *v, size_t n, double q);

#endif

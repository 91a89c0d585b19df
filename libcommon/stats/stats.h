/* Descriptive statistics over arrays of doubles, for reports. */
#ifndef RT_STATS_H
#define RT_STATS_H

#include <stddef.h>

/* Percentile q in [0, 100] of v[0..n), linear between order statistics
 * (sorts v in place); NaN when n is 0. */
double stats_percentile(double *v, size_t n, double q);
/* Mean absolute percentage error of pred against meas, in %; pairs with
 * meas <= 0 are left out.  NaN when none is left. */
double stats_mape(const double *pred, const double *meas, size_t n);
/* Pearson correlation; NaN when n < 2 or either side is constant. */
double stats_pearson(const double *x, const double *y, size_t n);
double stats_mean(const double *v, size_t n);

#endif

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_statistics_double.h>

#include "io/err.h"
#include "cuts.h"

long
cuts_outliers(struct fit_problem *pb, const struct fit_solution *sol,
    double k, size_t **idx)
{
	double *r = err_malloc(pb->n * sizeof(double)), *t, scale;
	size_t i, n = 0;

	for (i = 0; i < pb->n; i++)
		r[i] = problem_residual(pb, i, &sol->est, NULL);
	t = err_malloc(pb->n * sizeof(double));
	for (i = 0; i < pb->n; i++)
		t[i] = fabs(r[i]);
	scale = gsl_stats_median(t, 1, pb->n) / 0.6744897501960817;
	free(t);
	*idx = err_malloc(pb->n * sizeof(size_t));
	for (i = 0; i < pb->n; i++)
		if (!(fabs(r[i]) > k * scale))
			(*idx)[n++] = i;
	free(r);
	pb->idx = *idx;
	pb->n = n;
	return (long)(pb->d->n - n);
}

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_statistics_double.h>

#include "io/err.h"
#include "problem.h"

static double
median_dur(const struct fit_data *d)
{
	double *t = err_malloc(d->n * sizeof(double)), m;

	memcpy(t, d->dur_us, d->n * sizeof(double));
	m = gsl_stats_median(t, 1, d->n);
	free(t);
	return m;
}

void
problem_init(struct fit_problem *pb, const struct fit_data *d)
{
	memset(pb, 0, sizeof(*pb));
	pb->d = d;
	pb->n = d->n;
	pb->h_unit = median_dur(d);
}

double
problem_residual(const struct fit_problem *pb, size_t i,
    const struct fit_par *p, double dres[FIT_NPAR])
{
	struct fit_step st;
	double t, d = pb->d->dur_us[i], dt[FIT_NPAR], den;
	int k;

	data_step(pb->d, i, &st);
	t = steptime_smooth(p, &st, dres != NULL ? dt : NULL);
	/* Noise is multiplicative, so the log is the natural residual. */
	den = pb->resid == FIT_RESID_LOG ? t : d;
	if (pb->d->w != NULL) {
		/* --sample: weighted least squares, sqrt(w) on each row. */
		double sw = sqrt(pb->d->w[i]);

		if (dres != NULL)
			for (k = 0; k < FIT_NPAR; k++)
				dres[k] = sw * dt[k] / den;
		return sw * (pb->resid == FIT_RESID_LOG ? log(t / d) :
		    (t - d) / d);
	}
	if (dres != NULL)
		for (k = 0; k < FIT_NPAR; k++)
			dres[k] = dt[k] / den;
	if (pb->resid == FIT_RESID_LOG)
		return log(t / d);
	return (t - d) / d;
}

int
problem_ridged(const struct fit_problem *pb, int k)
{
	return param_is(k, PARAM_ENTRY) && pb->want[k];
}

double
problem_ridge(const struct fit_problem *pb, int k, const struct fit_par *p)
{
	return PROBLEM_RIDGE_W * log(p->v[k] / pb->anchor.v[k]);
}

#include <math.h>

#include "problem.h"

double
fit_residual(const struct fit_problem *pb, size_t i, const struct fit_par *p,
    double dres[FIT_NPAR])
{
	struct fit_step st;
	double t, d = pb->d->dur_us[i], dt[FIT_NPAR], den;
	int k;

	fit_data_step(pb->d, i, &st);
	t = fit_time(p, &st, dres != NULL ? dt : NULL);
	/* Noise is multiplicative, so the log is the natural residual. */
	den = pb->resid == FIT_RESID_LOG ? t : d;
	if (dres != NULL)
		for (k = 0; k < FIT_NPAR; k++)
			dres[k] = dt[k] / den;
	if (pb->resid == FIT_RESID_LOG)
		return log(t / d);
	return (t - d) / d;
}

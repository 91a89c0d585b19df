/*
 * Uncertainty of a fit: covariance from J'J at the estimate (in the
 * parameters themselves, not the solver's variables), standard errors,
 * 95 % intervals clipped to the bounds, correlations and the condition
 * number, and the direction the data cannot see when J'J is singular.
 */
#ifndef RT_FIT_UNCERT_H
#define RT_FIT_UNCERT_H

#include "problem.h"
#include "solve.h"

/* The normal quantile of a two-sided 95 % interval. */
#define FIT_Z95 1.959963984540054

/* Condition number beyond which two parameters cannot be told apart. */
#define FIT_COND_MAX 1e6

struct fit_uncert {
	double	 se[FIT_NPAR];		/* NaN when not fitted */
	double	 lo[FIT_NPAR], hi[FIT_NPAR];	/* 95 % interval */
	double	 corr[FIT_NPAR][FIT_NPAR];
	double	 info[FIT_NPAR];	/* diagonal of J'J: what the data say */
	double	 cond;			/* of the column-scaled Jacobian */
	double	 sigma;			/* residual scale */
	double	 dof;
	int	 blind;			/* parameter most in the unseen
					   direction, or -1 */
};

/* 0, or -1 when the data leave a direction unseen (u->blind says which). */
int uncert_compute(const struct fit_problem *pb, const struct fit_solution *sol,
    struct fit_uncert *u);

#endif

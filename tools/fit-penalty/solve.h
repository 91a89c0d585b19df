/*
 * The fit: GSL's large-problem nonlinear least squares (trust region,
 * Levenberg-Marquardt), which needs J'J and never the n-by-p Jacobian,
 * with the bounds kept by an active set, several starting points, a
 * grid check of the optimum, and iteratively reweighted rounds for
 * --loss huber|cauchy.
 */
#ifndef RT_FIT_SOLVE_H
#define RT_FIT_SOLVE_H

#include <stddef.h>

#include "problem.h"

enum { FIT_STARTS = 3 };

struct fit_solution {
	struct fit_par est;
	int	 on[FIT_NPAR];	/* fitted (else held at the prior) */
	int	 bound[FIT_NPAR];	/* -1 at lower, 1 at upper bound, 0 */
	double	 cost;		/* sum of weighted squared residuals / 2 */
	double	 grid_cost;	/* lowest cost on the (b, o) check grid */
	size_t	 iterations, starts, starts_agree, rounds;
	double	 robust_scale;	/* residual scale of the last round */
	double	*w;		/* robust weights, or NULL; owned */
};

/*
 * Fit the parameters marked in on[] (the others sit at pb->prior).
 * 0, or -1 with msg naming why the solver failed.
 */
int solve_fit(const struct fit_problem *pb, const int on[FIT_NPAR],
    struct fit_solution *sol, char *msg, size_t msgsz);
void solve_free(struct fit_solution *sol);

#endif

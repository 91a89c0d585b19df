#include <math.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>

#include "io/err.h"
#include "uncert.h"

/* J'J and the weighted residual sum, in the parameters themselves. */
static void
normal_matrix(const struct fit_problem *pb, const struct fit_solution *sol,
    const int map[FIT_NPAR], size_t p, double a[FIT_NPAR][FIT_NPAR],
    double *rss)
{
	double dres[FIT_NPAR], r, w;
	size_t k, i, j;

	memset(a, 0, sizeof(double) * FIT_NPAR * FIT_NPAR);
	*rss = 0;
	for (k = 0; k < pb->n; k++) {
		r = problem_residual(pb, problem_step(pb, k), &sol->est, dres);
		w = sol->w != NULL ? sol->w[k] : 1;
		*rss += w * r * r;
		for (i = 0; i < p; i++)
			for (j = 0; j <= i; j++)
				a[i][j] += w * dres[map[i]] * dres[map[j]];
	}
	for (i = 0; i < p; i++)
		for (j = 0; j < i; j++)
			a[j][i] = a[i][j];
}

/*
 * Condition number of the column-scaled J (the square root of that of
 * the correlation form of J'J), and the parameter that leads the
 * eigenvector of the smallest eigenvalue.
 */
static int
condition(double a[FIT_NPAR][FIT_NPAR], size_t p, double *cond, size_t *lead)
{
	gsl_matrix *m = gsl_matrix_alloc(p, p), *v = gsl_matrix_alloc(p, p);
	gsl_vector *ev = gsl_vector_alloc(p);
	gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(p);
	double lmin, lmax, best = -1;
	size_t i, j, imin = 0;
	int st;

	if (m == NULL || v == NULL || ev == NULL || ws == NULL)
		err_die(EXIT_DATA, "out of memory for the covariance");
	for (i = 0; i < p; i++)
		for (j = 0; j < p; j++)
			gsl_matrix_set(m, i, j, a[i][j] /
			    sqrt(a[i][i] * a[j][j]));
	st = gsl_eigen_symmv(m, ev, v, ws);
	if (st == GSL_SUCCESS) {
		lmin = lmax = gsl_vector_get(ev, 0);
		for (i = 0; i < p; i++) {
			if (gsl_vector_get(ev, i) < lmin) {
				lmin = gsl_vector_get(ev, i);
				imin = i;
			}
			lmax = fmax(lmax, gsl_vector_get(ev, i));
		}
		*cond = lmin > 0 ? sqrt(lmax / lmin) : INFINITY;
		for (i = 0; i < p; i++)
			if (fabs(gsl_matrix_get(v, i, imin)) > best) {
				best = fabs(gsl_matrix_get(v, i, imin));
				*lead = i;
			}
	}
	gsl_eigen_symmv_free(ws);
	gsl_vector_free(ev);
	gsl_matrix_free(v);
	gsl_matrix_free(m);
	return st;
}

/* Invert J'J into the covariance; GSL's status. */
static int
invert(double a[FIT_NPAR][FIT_NPAR], size_t p, double cov[FIT_NPAR][FIT_NPAR])
{
	gsl_matrix *m = gsl_matrix_alloc(p, p);
	size_t i, j;
	int st;

	if (m == NULL)
		err_die(EXIT_DATA, "out of memory for the covariance");
	for (i = 0; i < p; i++)
		for (j = 0; j < p; j++)
			gsl_matrix_set(m, i, j, a[i][j]);
	st = gsl_linalg_cholesky_decomp1(m);
	if (st == GSL_SUCCESS)
		st = gsl_linalg_cholesky_invert(m);
	for (i = 0; st == GSL_SUCCESS && i < p; i++)
		for (j = 0; j < p; j++)
			cov[i][j] = gsl_matrix_get(m, i, j);
	gsl_matrix_free(m);
	return st;
}

static void
fill(struct fit_uncert *u, const struct fit_solution *sol,
    const int map[FIT_NPAR], size_t p, double cov[FIT_NPAR][FIT_NPAR])
{
	double s2 = u->sigma * u->sigma, lo, hi, x;
	size_t i, j;
	int k;

	for (i = 0; i < p; i++) {
		k = map[i];
		u->se[k] = sqrt(s2 * cov[i][i]);
		param_bounds(k, &lo, &hi);
		x = sol->est.v[k];
		u->lo[k] = fmax(lo, x - FIT_Z95 * u->se[k]);
		u->hi[k] = fmin(hi, x + FIT_Z95 * u->se[k]);
		for (j = 0; j < p; j++)
			u->corr[k][map[j]] = cov[i][j] /
			    sqrt(cov[i][i] * cov[j][j]);
	}
}

int
uncert_compute(const struct fit_problem *pb, const struct fit_solution *sol,
    struct fit_uncert *u)
{
	double a[FIT_NPAR][FIT_NPAR], cov[FIT_NPAR][FIT_NPAR], rss;
	int map[FIT_NPAR], k;
	size_t p = 0, i, lead = 0;

	memset(u, 0, sizeof(*u));
	u->blind = -1;
	for (k = 0; k < FIT_NPAR; k++) {
		u->se[k] = u->lo[k] = u->hi[k] = NAN;
		if (sol->on[k])
			map[p++] = k;
	}
	normal_matrix(pb, sol, map, p, a, &rss);
	u->dof = (double)pb->n - (double)p;
	/*
	 * With robust weights this is the weighted scale: an approximation
	 * that errs wide, since downweighted outliers still add to it.
	 */
	u->sigma = u->dof > 0 ? sqrt(rss / u->dof) : NAN;
	u->cond = 1;
	if (p == 0)
		return 0;
	for (i = 0; i < p; i++) {
		u->info[map[i]] = a[i][i];
		if (!(a[i][i] > 0)) {
			u->blind = map[i];
			u->cond = INFINITY;
			return -1;
		}
	}
	if (condition(a, p, &u->cond, &lead) != GSL_SUCCESS ||
	    u->cond > FIT_COND_MAX || invert(a, p, cov) != GSL_SUCCESS) {
		u->blind = map[lead];
		return -1;
	}
	fill(u, sol, map, p, cov);
	return 0;
}

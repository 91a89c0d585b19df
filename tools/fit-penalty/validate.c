#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "io/err.h"
#include "stats/stats.h"
#include "solve.h"
#include "validate.h"

/* Fold of every used step: seeded, so a run can be repeated. */
static unsigned char *
assign_folds(const struct fit_problem *pb, double holdout, long k,
    unsigned long seed)
{
	unsigned char *fold = err_malloc(pb->n ? pb->n : 1);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	size_t i, j, t, *perm;

	if (rng == NULL)
		err_die(EXIT_DATA, "out of memory for the random generator");
	gsl_rng_set(rng, seed);
	if (holdout > 0) {
		for (i = 0; i < pb->n; i++)
			fold[i] = gsl_rng_uniform(rng) < holdout ? 0 : 1;
	} else {
		/* A shuffled deal gives folds whose sizes differ by one. */
		perm = err_malloc(pb->n * sizeof(size_t));
		for (i = 0; i < pb->n; i++)
			perm[i] = i;
		for (i = pb->n; i > 1; i--) {
			j = gsl_rng_uniform_int(rng, i);
			t = perm[i - 1];
			perm[i - 1] = perm[j];
			perm[j] = t;
		}
		for (i = 0; i < pb->n; i++)
			fold[perm[i]] = (unsigned char)(i % (size_t)k);
		free(perm);
	}
	gsl_rng_free(rng);
	return fold;
}

/* The test steps' errors, added to the pool. */
static void
pool(const struct fit_problem *test, const struct fit_par *est,
    struct fit_validation *v)
{
	struct fit_step st;
	double d, pred;
	size_t k, i;

	for (k = 0; k < test->n; k++) {
		i = problem_step(test, k);
		data_step(test->d, i, &st);
		d = test->d->dur_us[i];
		pred = steptime_predict(est, &st);
		v->ape[v->n_test++] = fabs(pred - d) / d * 100;
		v->bias += (pred - d) / d * 100;
	}
}

/* Fit on the steps outside fold k, measure on those in it. */
static int
one_fold(const struct fit_problem *pb, const int on[FIT_NPAR],
    const unsigned char *fold, int k, struct fit_fold *out,
    struct fit_validation *v, char *msg, size_t msgsz)
{
	struct fit_problem train = *pb, test = *pb;
	struct fit_solution sol;
	size_t *tr = err_malloc(pb->n * sizeof(size_t));
	size_t *te = err_malloc(pb->n * sizeof(size_t));
	double *tmp;
	char why[200];
	size_t i;
	int rc = -1;

	memset(&sol, 0, sizeof(sol));
	train.n = test.n = 0;
	for (i = 0; i < pb->n; i++) {
		if (fold[i] == k)
			te[test.n++] = problem_step(pb, i);
		else
			tr[train.n++] = problem_step(pb, i);
	}
	train.idx = tr;
	test.idx = te;
	out->n_train = train.n;
	out->n_test = test.n;
	if (train.n == 0 || test.n == 0)
		snprintf(msg, msgsz, "validation fold %d has %zu training and "
		    "%zu test steps: too few steps", k, train.n, test.n);
	else if (solve_fit(&train, on, &sol, why, sizeof(why)) < 0)
		snprintf(msg, msgsz, "validation fold %d: %s", k, why);
	else {
		out->est = sol.est;
		tmp = err_malloc(test.n * sizeof(double));
		metrics_groups(&test, &sol.est, out->test, tmp);
		free(tmp);
		pool(&test, &sol.est, v);
		rc = 0;
	}
	solve_free(&sol);
	free(tr);
	free(te);
	return rc;
}

int
validate_run(const struct fit_problem *pb, const int on[FIT_NPAR],
    double holdout, long kfold, unsigned long seed, struct fit_validation *v,
    char *msg, size_t msgsz)
{
	unsigned char *fold;
	long i;

	memset(v, 0, sizeof(*v));
	if (holdout == 0 && kfold == 0)
		return 0;
	v->method = holdout > 0 ? "holdout" : "kfold";
	v->k = holdout > 0 ? 1 : kfold;
	fold = assign_folds(pb, holdout, kfold, seed);
	v->folds = err_malloc((size_t)v->k * sizeof(struct fit_fold));
	v->ape = err_malloc((pb->n ? pb->n : 1) * sizeof(double));
	for (i = 0; i < v->k; i++)
		if (one_fold(pb, on, fold, (int)i, &v->folds[i], v, msg,
		    msgsz) < 0) {
			free(fold);
			return -1;
		}
	free(fold);
	v->bias = v->n_test > 0 ? v->bias / (double)v->n_test : NAN;
	v->p90_ape = stats_percentile(v->ape, v->n_test, 90);
	v->median_ape = stats_percentile(v->ape, v->n_test, 50);
	return 0;
}

void
validate_free(struct fit_validation *v)
{
	free(v->folds);
	free(v->ape);
	v->folds = NULL;
	v->ape = NULL;
}

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort_double.h>

#include "io/err.h"
#include "stats/stats.h"
#include "ident.h"
#include "records/eval.h"

const char *const ident_names[] = {
	"not fitted", "well determined", "weakly determined", "not identifiable"
};

/* Spread of the minority fraction over the mixed steps of the fit. */
static void
mf_quantiles(const struct fit_problem *pb, struct fit_ident *id)
{
	double *mf = err_malloc((id->mixed ? id->mixed : 1) * sizeof(double));
	static const double q[5] = { 0, 0.1, 0.5, 0.9, 1 };
	size_t i, k, n = 0;

	for (k = 0; k < pb->n; k++) {
		i = problem_step(pb, k);
		if (pb->d->kind[i] == EVAL_MIXED)
			mf[n++] = pb->d->mf[i];
	}
	gsl_sort(mf, 1, n);
	for (k = 0; k < 5; k++)
		id->mf_q[k] = stats_quantile_sorted(mf, n, q[k]);
	free(mf);
}

/*
 * Which parameters the data can inform at all: the mixed-batch penalty
 * only through mixed steps with a minority, the overlap penalty only
 * through steps whose shorter side is not zero.
 */
static void
informative(const struct fit_problem *pb, struct fit_ident *id)
{
	const struct fit_data *d = pb->d;
	struct fit_step st;
	size_t k, i;

	for (k = 0; k < pb->n; k++) {
		i = problem_step(pb, k);
		data_step(d, i, &st);
		if (d->kind[i] == EVAL_MIXED) {
			id->mixed++;
			id->mixed_informative += d->mf[i] > 0;
		}
		if (fmin(st.compute_us, st.memory_us) > 0)
			id->overlap_informative++;
	}
	mf_quantiles(pb, id);
}

static void
not_identifiable(struct fit_ident *id, int on[FIT_NPAR], int k,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
not_identifiable(struct fit_ident *id, int on[FIT_NPAR], int k,
    const char *fmt, ...)
{
	va_list ap;

	on[k] = 0;
	id->status[k] = FIT_ID_NONE;
	va_start(ap, fmt);
	vsnprintf(id->why[k], sizeof(id->why[k]), fmt, ap);
	va_end(ap);
}

static void
precheck(const struct fit_problem *pb, struct fit_ident *id,
    int on[FIT_NPAR])
{
	if (on[FIT_B] && id->mixed_informative == 0)
		not_identifiable(id, on, FIT_B, "no informative steps: %zu of "
		    "%zu steps mix prefill and decode", id->mixed, pb->n);
	if (on[FIT_O] && id->overlap_informative == 0)
		not_identifiable(id, on, FIT_O, "no informative steps: every "
		    "step has zero compute or zero memory time");
}

/* Words for a fitted parameter, from the width of its interval. */
static void
describe(const struct fit_problem *pb, struct fit_result *r, int k)
{
	struct fit_ident *id = &r->id;
	double lo = r->un.lo[k], hi = r->un.hi[k], x = r->sol.est.v[k];
	double share;

	if (k == FIT_B || k == FIT_O) {
		share = hi - lo;
		id->status[k] = share > 0.2 ? FIT_ID_WEAK : FIT_ID_WELL;
		snprintf(id->why[k], sizeof(id->why[k]), "the 95 %% interval "
		    "[%.3g, %.3g] spans %.0f %% of [0, 1]", lo, hi,
		    100 * share);
	} else if (k == FIT_H) {
		/* Against the typical step: an overhead may well be 0. */
		share = (hi - lo) / pb->h_unit;
		id->status[k] = share > 0.2 ? FIT_ID_WEAK : FIT_ID_WELL;
		snprintf(id->why[k], sizeof(id->why[k]), "the 95 %% interval "
		    "[%.4g, %.4g] us is %.1f %% of the median step time", lo,
		    hi, 100 * share);
	} else {
		share = (hi - lo) / x;
		id->status[k] = share > 0.2 ? FIT_ID_WEAK : FIT_ID_WELL;
		snprintf(id->why[k], sizeof(id->why[k]), "the 95 %% interval "
		    "[%.4g, %.4g] is %.1f %% of the estimate", lo, hi,
		    100 * share);
	}
}

/* Mixed steps that are compute-bound at the estimate: they carry b. */
static void
count_compute_mixed(const struct fit_problem *pb, struct fit_result *r)
{
	struct fit_step st;
	size_t k, i;

	for (k = 0; k < pb->n; k++) {
		i = problem_step(pb, k);
		if (pb->d->kind[i] != EVAL_MIXED)
			continue;
		data_step(pb->d, i, &st);
		r->id.mixed_compute +=
		    steptime_compute_bound(r->sol.est.v[FIT_B], &st);
	}
}

int
ident_fit(const struct fit_problem *pb, struct fit_result *r,
    char *msg, size_t msgsz)
{
	int on[FIT_NPAR], k, again;

	memset(r, 0, sizeof(*r));
	memcpy(on, pb->want, sizeof(on));
	informative(pb, &r->id);
	precheck(pb, &r->id, on);
	do {
		solve_free(&r->sol);
		if (solve_fit(pb, on, &r->sol, msg, msgsz) < 0)
			return -1;
		again = 0;
		if (uncert_compute(pb, &r->sol, &r->un) < 0) {
			not_identifiable(&r->id, on, r->un.blind, "the data "
			    "cannot tell it from the other parameters "
			    "(condition number %.3g)", r->un.cond);
			again = 1;
			continue;
		}
		for (k = FIT_B; k <= FIT_O; k++)
			if (on[k] && r->un.se[k] * FIT_Z95 >= 1) {
				not_identifiable(&r->id, on, k, "standard error "
				    "%.3g: the 95 %% interval would cover all of "
				    "[0, 1]", r->un.se[k]);
				again = 1;
			}
	} while (again);
	for (k = 0; k < FIT_NPAR; k++)
		if (on[k])
			describe(pb, r, k);
	count_compute_mixed(pb, r);
	return 0;
}

void
ident_result_free(struct fit_result *r)
{
	solve_free(&r->sol);
}

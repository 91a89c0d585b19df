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
	"not fitted", "well determined", "weakly determined",
	"not identifiable", "not informed", "at bound, absorbing misfit"
};

/* Whether parameter k acts on step st (has anything to scale there). */
static int
has_part(int k, const struct fit_step *st)
{
	return param_table[k].part == NULL || param_table[k].part(st) > 0;
}

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
	int j;

	for (k = 0; k < pb->n; k++) {
		i = problem_step(pb, k);
		data_step(d, i, &st);
		for (j = 0; j < FIT_NPAR; j++)
			id->informs[j] += has_part(j, &st);
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
not_informed(struct fit_ident *id, int on[FIT_NPAR], int k,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
not_informed(struct fit_ident *id, int on[FIT_NPAR], int k,
    const char *fmt, ...)
{
	va_list ap;

	on[k] = 0;
	id->status[k] = FIT_ID_NOT_INFORMED;
	va_start(ap, fmt);
	vsnprintf(id->why[k], sizeof(id->why[k]), fmt, ap);
	va_end(ap);
}

/*
 * Where field k stops acting on step st, the others at p: the MFU below
 * which the step turns compute-bound, the bandwidth below which it turns
 * memory-bound; NaN when it acts at any value.
 */
static double
turn_point(const struct fit_par *p, int k, const struct fit_step *st)
{
	const struct param_row *r = &param_table[k];
	double c, m, den = 1, other = 0;
	int j;

	steptime_sides(p, st, &c, &m);
	if (st->mixed)
		den = 1 - p->v[FIT_B] * st->mf;
	if (r->side == PARAM_SIDE_MEMORY)
		return c > 0 ? r->part(st) / c : NAN;
	/* The compute the other compute-side fields scale, at p. */
	for (j = 0; j < FIT_NPAR; j++)
		if (j != k && param_table[j].side == PARAM_SIDE_COMPUTE)
			other += param_table[j].part(st) *
			    steptime_reference(j) / p->v[j];
	if (m * den - other <= 0)
		return NAN;
	return r->part(st) * steptime_reference(k) / (m * den - other);
}

/*
 * For the entry's fields: on how many steps each acts at p (a field acts
 * on a step when its side binds, or through the overlap when o > 0), and
 * the limit beyond which it stops acting on every step.
 */
static void
count_acts(const struct fit_problem *pb, const struct fit_par *p,
    struct fit_ident *id)
{
	struct fit_step st;
	double t;
	size_t i, j;
	int k, cb, mem;

	for (k = 0; k < FIT_NPAR; k++)
		if (param_is(k, PARAM_ENTRY)) {
			mem = param_table[k].side == PARAM_SIDE_MEMORY;
			id->acts[k] = id->has[k] = 0;
			id->limit[k] = mem ? INFINITY : 0;
		}
	for (j = 0; j < pb->n; j++) {
		i = problem_step(pb, j);
		data_step(pb->d, i, &st);
		cb = steptime_compute_bound(p, &st);
		for (k = 0; k < FIT_NPAR; k++) {
			if (!param_is(k, PARAM_ENTRY) || !has_part(k, &st))
				continue;
			mem = param_table[k].side == PARAM_SIDE_MEMORY;
			id->has[k]++;
			if ((mem ? !cb : cb) || p->v[FIT_O] > 0)
				id->acts[k]++;
			t = turn_point(p, k, &st);
			if (isfinite(t))
				id->limit[k] = mem ? fmin(id->limit[k], t) :
				    fmax(id->limit[k], t);
		}
	}
}

/*
 * An entry's field that acts on no step at the estimate is flat there:
 * held at the entry's value, and said so.  1 when one was held.
 */
static int
hold_uninformed(const struct fit_problem *pb, struct fit_result *r,
    int on[FIT_NPAR])
{
	struct fit_ident *id = &r->id;
	int k, held = 0;

	count_acts(pb, &r->sol.est, id);
	for (k = 0; k < FIT_NPAR; k++) {
		const struct param_row *row = &param_table[k];

		if (!param_is(k, PARAM_ENTRY) || !on[k] || id->acts[k] > 0)
			continue;
		if (row->side == PARAM_SIDE_MEMORY)
			not_informed(id, on, k, "not informed: 0 %s (of %zu "
			    "steps %s); any %s <= %.4g of the entry's fits "
			    "them equally: the entry's value kept",
			    row->acts_on, id->has[k], row->has, row->noun,
			    id->limit[k]);
		else
			not_informed(id, on, k, "not informed: 0 %s (of %zu "
			    "steps %s); any %s >= %.4g fits them equally: the "
			    "entry's %.4g kept", row->acts_on, id->has[k],
			    row->has, row->noun, id->limit[k],
			    pb->prior.v[k]);
		held = 1;
	}
	return held;
}

/*
 * A parameter held at a bound: does the data push it past the bound
 * beyond noise (the score test: the cost's slope outward against its
 * standard deviation sigma sqrt(J'J))?  Then it absorbs a misfit: the
 * model is short of explaining the steps, and the parameter is reported
 * so, with the median absolute error left on the steps it acts on.
 */
static void
bound_check(const struct fit_problem *pb, struct fit_result *r)
{
	const struct fit_solution *sol = &r->sol;
	double g[FIT_NPAR] = { 0 }, info[FIT_NPAR] = { 0 }, dres[FIT_NPAR];
	double res, w, sigma, *err, pred;
	struct fit_step st;
	size_t i, j, n;
	int k, any = 0;

	for (k = 0; k < FIT_NPAR; k++) {
		if (r->id.held_bound[k] == 0)
			r->id.bound_z[k] = r->id.misfit_pct[k] = NAN;
		any |= sol->on[k] && sol->bound[k] != 0;
	}
	if (!any)
		return;
	sigma = pb->loss != FIT_LOSS_LS && sol->robust_scale > 0 ?
	    sol->robust_scale : r->un.sigma;
	for (j = 0; j < pb->n; j++) {
		res = problem_residual(pb, problem_step(pb, j), &sol->est,
		    dres);
		w = sol->w != NULL ? sol->w[j] : 1;
		for (k = 0; k < FIT_NPAR; k++) {
			g[k] += w * res * dres[k];
			info[k] += w * dres[k] * dres[k];
		}
	}
	err = err_malloc((pb->n ? pb->n : 1) * sizeof(double));
	for (k = 0; k < FIT_NPAR; k++) {
		if (!sol->on[k] || sol->bound[k] == 0 || !(info[k] > 0))
			continue;
		r->id.bound_z[k] = -sol->bound[k] * g[k] / (sigma *
		    sqrt(info[k]));
		if (!(r->id.bound_z[k] > IDENT_Z_MISFIT))
			continue;
		for (n = 0, j = 0; j < pb->n; j++) {
			i = problem_step(pb, j);
			data_step(pb->d, i, &st);
			if (!has_part(k, &st))
				continue;
			pred = steptime_predict(&sol->est, &st);
			err[n++] = fabs(pred - pb->d->dur_us[i]) /
			    pb->d->dur_us[i] * 100;
		}
		r->id.misfit_pct[k] = stats_percentile(err, n, 50);
		r->id.status[k] = FIT_ID_MISFIT;
		snprintf(r->id.why[k], sizeof(r->id.why[k]), "at bound: "
		    "absorbs a misfit of %.1f %% (the median error left on "
		    "the %zu steps it acts on; the data push it past its %s "
		    "bound, score z = %.1f): the model is short of explaining "
		    "these steps", r->id.misfit_pct[k], n, sol->bound[k] < 0 ?
		    "lower" : "upper", r->id.bound_z[k]);
	}
	free(err);
}

static void
precheck(const struct fit_problem *pb, struct fit_ident *id,
    int on[FIT_NPAR])
{
	int k;

	count_acts(pb, &pb->prior, id);
	for (k = 0; k < FIT_NPAR; k++)
		if (param_is(k, PARAM_ENTRY) && on[k] && id->has[k] == 0)
			not_informed(id, on, k, "not informed: no step %s: "
			    "the entry's value kept", param_table[k].has);
	for (k = 0; k < FIT_NPAR; k++) {
		const struct param_row *row = &param_table[k];

		if (!on[k] || row->part == NULL || param_is(k, PARAM_AUTO) ||
		    id->informs[k] == 0 || id->informs[k] >= IDENT_MIN_STEPS)
			continue;
		not_informed(id, on, k, "not informed: only %zu step%s %s "
		    "(minimum %d): %s kept", id->informs[k],
		    id->informs[k] == 1 ? "" : "s", row->has,
		    IDENT_MIN_STEPS, param_is(k, PARAM_ENTRY) ?
		    "the entry's value" : "its prior");
	}
	if (on[FIT_B] && id->mixed_informative == 0)
		not_identifiable(id, on, FIT_B, "no informative steps: %zu of "
		    "%zu steps mix prefill and decode", id->mixed, pb->n);
	if (on[FIT_O] && id->overlap_informative == 0)
		not_identifiable(id, on, FIT_O, "no informative steps: every "
		    "step has zero compute or zero memory time");
}

/* What a field of the entry keeps when it is not informed, in words. */
static void
kept_words(const struct fit_problem *pb, int k, char *buf, size_t sz)
{
	if (param_table[k].side == PARAM_SIDE_MEMORY)
		snprintf(buf, sz, "the entry's value");
	else
		snprintf(buf, sz, "the entry's %.4g", pb->prior.v[k]);
}

/* Row k, fitted at a bound, held: said so, with the misfit if any. */
static void
hold_at_bound(const struct fit_problem *pb, struct fit_result *r,
    int on[FIT_NPAR], int k)
{
	struct fit_ident *id = &r->id;
	char kept[64], push[200] = "";
	double lo, hi;
	int b = r->sol.bound[k];

	param_bounds(k, &lo, &hi);
	kept_words(pb, k, kept, sizeof(kept));
	if (id->bound_z[k] > IDENT_Z_MISFIT)
		snprintf(push, sizeof(push), ", and the data push it past it "
		    "(score z = %.1f; the steps it acts on are %.1f %% off, "
		    "median): the model is short of explaining them",
		    id->bound_z[k], id->misfit_pct[k]);
	id->held_bound[k] = b;
	not_informed(id, on, k, "not informed: the fit puts it at its %s "
	    "bound %g%s; %s kept", b < 0 ? "lower" : "upper", b < 0 ? lo : hi,
	    push, kept);
}

/*
 * A field of the entry the steps cannot vouch for keeps the entry's
 * value: one the fit puts at a bound, one that acts on fewer than
 * IDENT_MIN_STEPS steps at the estimate, else the one whose interval
 * spans the most of its range beyond IDENT_SPAN_MAX.  1 when one was
 * held (the rest is fitted again).
 */
static int
hold_unearned(const struct fit_problem *pb, struct fit_result *r,
    int on[FIT_NPAR])
{
	struct fit_ident *id = &r->id;
	const struct param_row *row;
	double span, worst = IDENT_SPAN_MAX;
	char kept[64];
	int k, held = 0, wide = -1;

	count_acts(pb, &r->sol.est, id);
	bound_check(pb, r);
	for (k = 0; k < FIT_NPAR; k++) {
		row = &param_table[k];
		if (!param_is(k, PARAM_ENTRY) || !on[k])
			continue;
		kept_words(pb, k, kept, sizeof(kept));
		if (r->sol.bound[k] != 0) {
			hold_at_bound(pb, r, on, k);
			held = 1;
		} else if (id->acts[k] < IDENT_MIN_STEPS) {
			not_informed(id, on, k, "not informed: it acts on %zu "
			    "%s at the estimate (minimum %d); %s kept",
			    id->acts[k], row->acts_on, IDENT_MIN_STEPS, kept);
			held = 1;
		} else {
			span = (r->un.hi[k] - r->un.lo[k]) / (row->hi - row->lo);
			if (span > worst) {
				worst = span;
				wide = k;
			}
		}
	}
	if (held || wide < 0)
		return held;
	row = &param_table[wide];
	kept_words(pb, wide, kept, sizeof(kept));
	not_informed(id, on, wide, "not informed: its 95 %% interval [%.4g, "
	    "%.4g] spans %.0f %% of [%g, %g] (more than %.0f %%); %s kept",
	    r->un.lo[wide], r->un.hi[wide], 100 * worst, row->lo, row->hi,
	    100 * IDENT_SPAN_MAX, kept);
	return 1;
}

/* Words for a fitted parameter, from the width of its interval. */
static void
describe(const struct fit_problem *pb, struct fit_result *r, int k)
{
	struct fit_ident *id = &r->id;
	const struct param_row *row = &param_table[k];
	double lo = r->un.lo[k], hi = r->un.hi[k], x = r->sol.est.v[k];
	double share;

	if (row->width == PARAM_W_RANGE) {
		share = (hi - lo) / (row->hi - row->lo);
		id->status[k] = share > 0.2 ? FIT_ID_WEAK : FIT_ID_WELL;
		snprintf(id->why[k], sizeof(id->why[k]), "the 95 %% interval "
		    "[%.3g, %.3g] spans %.0f %% of [%g, %g]", lo, hi,
		    100 * share, row->lo, row->hi);
	} else if (row->width == PARAM_W_STEP) {
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

/* Mixed steps compute-bound under p. */
static size_t
compute_mixed(const struct fit_problem *pb, const struct fit_par *p)
{
	struct fit_step st;
	size_t k, i, n = 0;

	for (k = 0; k < pb->n; k++) {
		i = problem_step(pb, k);
		if (pb->d->kind[i] != EVAL_MIXED)
			continue;
		data_step(pb->d, i, &st);
		n += steptime_compute_bound(p, &st);
	}
	return n;
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
		    steptime_compute_bound(&r->sol.est, &st);
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
		if (hold_uninformed(pb, r, on)) {
			again = 1;
			continue;
		}
		if (uncert_compute(pb, &r->sol, &r->un) < 0) {
			size_t nc = r->un.blind == FIT_B ? compute_mixed(pb,
			    &r->sol.est) : 1;

			/* b acts on compute-bound mixed steps, or via o. */
			if (nc == 0 && r->sol.est.v[FIT_O] == 0)
				not_identifiable(&r->id, on, FIT_B, "no "
				    "informative steps: 0 of %zu mixed steps "
				    "are compute-bound, and the overlap "
				    "penalty is 0", r->id.mixed);
			else
				not_identifiable(&r->id, on, r->un.blind,
				    "the data cannot tell it from the other "
				    "parameters (condition number %.3g)",
				    r->un.cond);
			again = 1;
			continue;
		}
		for (k = 0; k < FIT_NPAR; k++) {
			const struct param_row *row = &param_table[k];

			if (on[k] && row->width == PARAM_W_RANGE &&
			    r->un.se[k] * FIT_Z95 >= row->hi - row->lo) {
				not_identifiable(&r->id, on, k, "standard error "
				    "%.3g: the 95 %% interval would cover all of "
				    "[%g, %g]", r->un.se[k], row->lo, row->hi);
				again = 1;
			}
		}
		if (!again && hold_unearned(pb, r, on))
			again = 1;
	} while (again);
	for (k = 0; k < FIT_NPAR; k++)
		if (on[k])
			describe(pb, r, k);
	count_acts(pb, &r->sol.est, &r->id);
	bound_check(pb, r);
	count_compute_mixed(pb, r);
	return 0;
}

void
ident_result_free(struct fit_result *r)
{
	solve_free(&r->sol);
}

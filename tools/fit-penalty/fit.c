#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort_double.h>

#include "io/err.h"
#include "stats/stats.h"
#include "cuts.h"
#include "fit.h"

/*
 * A constant per-step overhead shows as short steps running slower than
 * the model relative to long ones: compare the mean residual of the
 * shortest and the longest tenth of predictions.
 */
static void
overhead_check(struct fit_out *f, double *tmp)
{
	const struct fit_problem *pb = &f->pb;
	struct fit_step st;
	double p10, p90, pred, r, sum_s = 0, sum_l = 0;
	size_t k, i, ns = 0, nl = 0;

	for (k = 0; k < pb->n; k++) {
		data_step(pb->d, problem_step(pb, k), &st);
		tmp[k] = steptime_smooth(&f->r.sol.est, &st, NULL);
	}
	gsl_sort(tmp, 1, pb->n);
	p10 = stats_quantile_sorted(tmp, pb->n, 0.1);
	p90 = stats_quantile_sorted(tmp, pb->n, 0.9);
	for (k = 0; k < pb->n; k++) {
		i = problem_step(pb, k);
		data_step(pb->d, i, &st);
		pred = steptime_smooth(&f->r.sol.est, &st, NULL);
		r = log(pb->d->dur_us[i] / pred);
		if (pred <= p10) {
			sum_s += r;
			ns++;
		}
		if (pred >= p90) {
			sum_l += r;
			nl++;
		}
	}
	f->short_resid = ns ? sum_s / (double)ns : NAN;
	f->long_resid = nl ? sum_l / (double)nl : NAN;
	/* Tenths of too few steps say nothing. */
	f->overhead_suspected = !f->r.sol.on[FIT_H] &&
	    pb->n >= FIT_VERDICT_MIN_STEPS &&
	    f->short_resid - f->long_resid > 0.05;
}

/*
 * Steps whose scheduler took at least half the cycle (sched_us from step
 * traces): the scheduler's CPU time, which the roofline lacks, may
 * stretch them.  Their count and median signed error after the fit.
 */
static void
sched_check(struct fit_out *f, double *tmp)
{
	const struct fit_problem *pb = &f->pb;
	struct fit_step st;
	double d, pred;
	size_t k, i, n = 0;

	for (k = 0; k < pb->n; k++) {
		i = problem_step(pb, k);
		d = pb->d->dur_us[i];
		if (!data_sched_half(pb->d, i))
			continue;
		data_step(pb->d, i, &st);
		pred = steptime_predict(&f->r.sol.est, &st);
		tmp[n++] = (pred - d) / d * 100;
	}
	f->sched_n = n;
	f->sched_err = n > 0 ? stats_percentile(tmp, n, 50) : NAN;
}

void
fit_run(struct fit_out *f, const struct fit_opts *o, struct fit_steps *s)
{
	struct fit_par zero;
	char msg[256];
	double *tmp;

	problem_init(&f->pb, &s->d);
	memcpy(f->pb.want, o->want, sizeof(f->pb.want));
	f->pb.prior = o->prior;
	f->pb.anchor = o->prior;
	f->pb.resid = o->resid;
	f->pb.loss = o->loss;
	f->pb.max_iter = o->max_iter;
	if (ident_fit(&f->pb, &f->r, msg, sizeof(msg)) < 0)
		err_die(EXIT_DATA, "%s", msg);
	if (o->outlier_cut > 0) {
		s->excl[EX_OUTLIER] = cuts_outliers(&f->pb, &f->r.sol,
		    o->outlier_cut, &f->idx);
		if (f->pb.n == 0)
			err_die(EXIT_DATA, "--outlier-cut %g left no steps",
			    o->outlier_cut);
		ident_result_free(&f->r);
		if (ident_fit(&f->pb, &f->r, msg, sizeof(msg)) < 0)
			err_die(EXIT_DATA, "%s", msg);
	}
	tmp = err_malloc(f->pb.n * sizeof(double));
	steptime_par_zero(&zero);
	metrics_groups(&f->pb, &zero, f->before, tmp);
	metrics_groups(&f->pb, &f->r.sol.est, f->after, tmp);
	overhead_check(f, tmp);
	sched_check(f, tmp);
	free(tmp);
}

void
fit_heldout(struct fit_out *f, const struct fit_opts *o,
    const struct fit_validation *v)
{
	struct fit_problem q;

	f->heldout = NULL;
	f->heldout_err[0] = '\0';
	if (f->pb.n < FIT_VERDICT_MIN_STEPS)
		return;
	if (v->method != NULL) {
		f->heldout = v;
		return;
	}
	/* Each fold starts from the whole fit: one start, not three. */
	q = f->pb;
	q.warm = &f->r.sol.est;
	if (validate_run(&q, f->r.sol.on, q.n < FIT_VERDICT_KFOLD_MAX ? 0 :
	    FIT_VERDICT_HOLDOUT, FIT_VERDICT_FOLDS, o->seed, &f->own,
	    f->heldout_err, sizeof(f->heldout_err)) == 0)
		f->heldout = &f->own;
	else if (f->heldout_err[0] == '\0')
		snprintf(f->heldout_err, sizeof(f->heldout_err), "a fold failed");
}

void
fit_free(struct fit_out *f)
{
	validate_free(&f->own);
	free(f->idx);
	f->idx = NULL;
	ident_result_free(&f->r);
}

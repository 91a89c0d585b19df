#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/cli.h"
#include "io/err.h"
#include "io/jsonout.h"
#include "io/outfile.h"
#include "io/plot.h"
#include "report.h"

static const char *const excl_names[EX_N] = {
	"no_dur_us", "dummy", "estimated", "empty", "outlier"
};

static void
jw_knull(struct jw *w, const char *key)
{
	jw_key(w, key);
	jw_null(w);
}

static void
write_metrics(struct jw *w, const struct fit_metrics *m)
{
	jw_obj(w);
	jw_kint(w, "n", (int64_t)m->n);
	jw_knum(w, "mape", m->mape);
	jw_knum(w, "median_ape", m->median);
	jw_knum(w, "p90_ape", m->p90);
	jw_knum(w, "p99_ape", m->p99);
	jw_knum(w, "bias_pct", m->bias);
	jw_knum(w, "pearson_r", m->r);
	jw_obj_end(w);
}

static void
write_groups(struct jw *w, const struct fit_metrics m[FIT_NGROUP])
{
	int g;

	jw_obj(w);
	for (g = FIT_G_ALL; g <= FIT_G_MIXED; g++) {
		jw_key(w, metrics_group_names[g]);
		write_metrics(w, &m[g]);
	}
	jw_key(w, "mixed_by_minority_fraction");
	jw_arr(w);
	for (g = 0; g < FIT_NBIN; g++) {
		jw_obj(w);
		jw_key(w, "range");
		jw_arr(w);
		jw_num(w, metrics_mf_edges[g]);
		jw_num(w, metrics_mf_edges[g + 1]);
		jw_arr_end(w);
		jw_key(w, "metrics");
		write_metrics(w, &m[FIT_G_BIN0 + g]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "compute_bound");
	write_metrics(w, &m[FIT_G_COMPUTE]);
	jw_key(w, "memory_bound");
	write_metrics(w, &m[FIT_G_MEMORY]);
	jw_obj_end(w);
}

static void
write_ident(struct jw *w, const struct fit_out *f, int k)
{
	static const char *const qn[5] = { "min", "p10", "median", "p90",
		"max" };
	const struct fit_ident *id = &f->r.id;
	int q;

	jw_obj(w);
	jw_kstr(w, "status", ident_names[id->status[k]]);
	jw_kstr(w, "reason", id->status[k] == FIT_ID_NOT_FITTED ?
	    "not asked for by --fit" : id->why[k]);
	jw_knum(w, "information", f->r.un.info[k]);
	if (k == FIT_B) {
		jw_kint(w, "mixed_steps", (int64_t)id->mixed);
		jw_kint(w, "informative_steps", (int64_t)id->mixed_informative);
		jw_kint(w, "compute_bound_mixed_steps",
		    (int64_t)id->mixed_compute);
		jw_key(w, "minority_fraction");
		jw_obj(w);
		for (q = 0; q < 5; q++)
			jw_knum(w, qn[q], id->mf_q[q]);
		jw_obj_end(w);
	} else if (k == FIT_O)
		jw_kint(w, "informative_steps",
		    (int64_t)id->overlap_informative);
	jw_obj_end(w);
}

static void
write_param(struct jw *w, const struct fit_out *f, int k)
{
	const struct fit_solution *s = &f->r.sol;

	jw_key(w, steptime_par_names[k]);
	jw_obj(w);
	jw_key(w, "fitted");
	jw_bool(w, s->on[k]);
	jw_knum(w, "estimate", s->est.v[k]);
	if (s->on[k]) {
		jw_knum(w, "standard_error", f->r.un.se[k]);
		jw_key(w, "ci95");
		jw_arr(w);
		jw_num(w, f->r.un.lo[k]);
		jw_num(w, f->r.un.hi[k]);
		jw_arr_end(w);
	} else {
		jw_knull(w, "standard_error");
		jw_knull(w, "ci95");
	}
	if (s->on[k] && s->bound[k] != 0)
		jw_kstr(w, "at_bound", s->bound[k] < 0 ? "lower" : "upper");
	else
		jw_knull(w, "at_bound");
	jw_key(w, "identifiability");
	write_ident(w, f, k);
	jw_obj_end(w);
}

static void
write_correlation(struct jw *w, const struct fit_out *f)
{
	int i, j;

	jw_key(w, "correlation");
	jw_obj(w);
	jw_key(w, "parameters");
	jw_arr(w);
	for (i = 0; i < FIT_NPAR; i++)
		if (f->r.sol.on[i])
			jw_str(w, steptime_par_names[i]);
	jw_arr_end(w);
	jw_key(w, "matrix");
	jw_arr(w);
	for (i = 0; i < FIT_NPAR; i++) {
		if (!f->r.sol.on[i])
			continue;
		jw_arr(w);
		for (j = 0; j < FIT_NPAR; j++)
			if (f->r.sol.on[j])
				jw_num(w, f->r.un.corr[i][j]);
		jw_arr_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	jw_knum(w, "condition_number", f->r.un.cond);
}

static const char *
loss_name(enum fit_loss l)
{
	return l == FIT_LOSS_LS ? "ls" : l == FIT_LOSS_HUBER ? "huber" :
	    "cauchy";
}

static const char *
resid_name(enum fit_resid r)
{
	return r == FIT_RESID_LOG ? "log" : "relative";
}

static void
write_optimizer(struct jw *w, const struct fit_out *f)
{
	const struct fit_solution *s = &f->r.sol;

	jw_key(w, "optimizer");
	jw_obj(w);
	jw_kstr(w, "method", "gsl_multilarge_nlinear trust region "
	    "(Levenberg-Marquardt), bounds by active set");
	jw_kstr(w, "loss", loss_name(f->pb.loss));
	jw_kstr(w, "residual", resid_name(f->pb.resid));
	jw_kint(w, "starts", (int64_t)s->starts);
	jw_kint(w, "starts_at_optimum", (int64_t)s->starts_agree);
	jw_kint(w, "iterations", (int64_t)s->iterations);
	jw_kint(w, "reweighting_rounds", (int64_t)s->rounds);
	jw_knum(w, "cost", s->cost);
	jw_knum(w, "grid_min_cost", s->grid_cost);
	jw_kstr(w, "global_check", s->grid_cost >= s->cost * (1 - 1e-6) ?
	    "passed" : "failed");
	jw_knum(w, "residual_sd", f->r.un.sigma);
	if (f->pb.loss != FIT_LOSS_LS)
		jw_knum(w, "robust_scale", s->robust_scale);
	jw_obj_end(w);
}

static void
write_steps(struct jw *w, const struct fit_steps *in,
    const struct fit_out *f)
{
	int x;

	jw_key(w, "steps");
	jw_obj(w);
	jw_kint(w, "read", in->read);
	jw_kint(w, "used", (int64_t)f->pb.n);
	jw_kint(w, "bad_skipped", in->bad);
	jw_key(w, "excluded");
	jw_obj(w);
	for (x = 0; x < EX_N; x++)
		jw_kint(w, excl_names[x], in->excl[x]);
	jw_obj_end(w);
	jw_obj_end(w);
}

static void
write_diagnostics(struct jw *w, const struct fit_out *f)
{
	char msg[300];

	jw_key(w, "diagnostics");
	jw_obj(w);
	jw_key(w, "overhead_suspected");
	jw_bool(w, f->overhead_suspected);
	jw_knum(w, "short_steps_log_residual", f->short_resid);
	jw_knum(w, "long_steps_log_residual", f->long_resid);
	if (f->overhead_suspected) {
		snprintf(msg, sizeof(msg), "the shortest tenth of steps run "
		    "%.1f %% slower than the model relative to the longest "
		    "tenth: a per-step overhead is likely; try --fit "
		    "b,o,overhead", 100 * expm1(f->short_resid -
		    f->long_resid));
		jw_kstr(w, "message", msg);
	}
	jw_obj_end(w);
}

static void
write_validation(struct jw *w, const struct fit_validation *v)
{
	double sum = 0;
	long i;
	int k;

	jw_key(w, "validation");
	if (v->method == NULL) {
		jw_null(w);
		return;
	}
	jw_obj(w);
	jw_kstr(w, "method", v->method);
	jw_kint(w, "folds", v->k);
	jw_key(w, "results");
	jw_arr(w);
	for (i = 0; i < v->k; i++) {
		jw_obj(w);
		jw_kint(w, "train_steps", (int64_t)v->folds[i].n_train);
		jw_kint(w, "test_steps", (int64_t)v->folds[i].n_test);
		jw_key(w, "estimate");
		jw_obj(w);
		for (k = 0; k < FIT_NPAR; k++)
			jw_knum(w, steptime_par_names[k], v->folds[i].est.v[k]);
		jw_obj_end(w);
		jw_key(w, "test_error");
		write_groups(w, v->folds[i].test);
		jw_obj_end(w);
		sum += v->folds[i].test[FIT_G_ALL].mape;
	}
	jw_arr_end(w);
	jw_knum(w, "mean_test_mape", sum / (double)v->k);
	jw_obj_end(w);
}

static void
write_options(struct jw *w, const struct fit_opts *o)
{
	char spec[32];
	int k;

	jw_key(w, "options");
	jw_obj(w);
	/* The parameters asked for, in canonical order and spelling. */
	spec[0] = '\0';
	for (k = 0; k < FIT_NPAR; k++)
		if (o->want[k])
			snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec),
			    "%s%s", spec[0] ? "," : "", fit_par_short[k]);
	jw_kstr(w, "fit", spec);
	jw_kstr(w, "loss", loss_name(o->loss));
	jw_kstr(w, "residual", resid_name(o->resid));
	jw_key(w, "prior");
	jw_obj(w);
	for (k = 0; k < FIT_NPAR; k++)
		jw_knum(w, steptime_par_names[k], o->prior.v[k]);
	jw_obj_end(w);
	jw_key(w, "exact_only");
	jw_bool(w, o->exact_only);
	jw_key(w, "keep_dummy");
	jw_bool(w, o->keep_dummy);
	if (o->outlier_cut > 0)
		jw_knum(w, "outlier_cut", o->outlier_cut);
	if (o->holdout > 0)
		jw_knum(w, "holdout", o->holdout);
	if (o->kfold > 0)
		jw_kint(w, "kfold", o->kfold);
	jw_kint(w, "seed", (int64_t)o->seed);
	jw_obj_end(w);
}

/* The run's date, or SOURCE_DATE_EPOCH's for reproducible reports. */
static void
run_date(char *buf, size_t sz)
{
	const char *env = getenv("SOURCE_DATE_EPOCH");
	time_t t = time(NULL);
	struct tm tm;

	if (env != NULL && *env != '\0')
		t = (time_t)strtoll(env, NULL, 10);
	gmtime_r(&t, &tm);
	strftime(buf, sz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
write_provenance(struct jw *w, const struct fit_opts *o,
    const struct fit_steps *in, int nfiles, char *const *files)
{
	char date[32];
	int i;

	run_date(date, sizeof(date));
	jw_key(w, "provenance");
	jw_obj(w);
	jw_kstr(w, "program", "fit-penalty");
	jw_kstr(w, "rooftrace_version", ROOFTRACE_VERSION);
	jw_kstr(w, "date", date);
	jw_key(w, "inputs");
	jw_arr(w);
	if (nfiles == 0)
		jw_str(w, "-");
	for (i = 0; i < nfiles; i++)
		jw_str(w, files[i]);
	jw_arr_end(w);
	jw_kstr(w, "input_sha256", in->digest);
	jw_kint(w, "records", in->read);
	write_options(w, o);
	jw_obj_end(w);
}

void
report_write(FILE *fp, const struct fit_opts *o, const struct fit_steps *in,
    const struct fit_out *f, const struct fit_validation *v, int nfiles,
    char *const *files)
{
	struct jw w;
	int k;

	jw_init(&w, fp);
	w.pretty = o->pretty;
	jw_obj(&w);
	jw_key(&w, "parameters");
	jw_obj(&w);
	for (k = 0; k < FIT_NPAR; k++)
		write_param(&w, f, k);
	jw_obj_end(&w);
	write_correlation(&w, f);
	write_optimizer(&w, f);
	write_steps(&w, in, f);
	jw_key(&w, "error");
	jw_obj(&w);
	jw_key(&w, "before");
	write_groups(&w, f->before);
	jw_key(&w, "after");
	write_groups(&w, f->after);
	jw_obj_end(&w);
	write_diagnostics(&w, f);
	write_validation(&w, v);
	write_provenance(&w, o, in, nfiles, files);
	jw_obj_end(&w);
	jw_endline(&w);
	jw_free(&w);
}

void
report_residuals(const char *path, const struct fit_out *f)
{
	const struct fit_problem *pb = &f->pb;
	struct fit_par zero;
	struct fit_step st;
	struct jw w;
	FILE *fp = out_open(path);
	double meas, after;
	size_t k, i;

	steptime_par_zero(&zero);
	jw_init(&w, fp);
	for (k = 0; k < pb->n; k++) {
		i = problem_step(pb, k);
		data_step(pb->d, i, &st);
		meas = pb->d->dur_us[i];
		after = steptime_predict(&f->r.sol.est, &st);
		jw_obj(&w);
		if (pb->d->step[i] >= 0)
			jw_kint(&w, "step", pb->d->step[i]);
		else
			jw_knull(&w, "step");
		jw_knum(&w, "measured_us", meas);
		jw_knum(&w, "pred_before_us", steptime_predict(&zero, &st));
		jw_knum(&w, "pred_after_us", after);
		/* Of the numbers on the line, not of the smooth model. */
		jw_knum(&w, "residual", pb->resid == FIT_RESID_LOG ?
		    log(meas / after) : (meas - after) / meas);
		if (f->r.sol.w != NULL)
			jw_knum(&w, "weight", f->r.sol.w[k]);
		jw_obj_end(&w);
		jw_endline(&w);
	}
	jw_free(&w);
	out_close(fp);
}

void
report_plots(const char *dir, const struct fit_out *f)
{
	static const char *const kinds[] = { "pure prefill", "pure decode",
	    "mixed" };
	const struct fit_problem *pb = &f->pb;
	struct fit_step st;
	double *pred = xmalloc((pb->n ? pb->n : 1) * sizeof(double));
	double *meas = xmalloc((pb->n ? pb->n : 1) * sizeof(double));
	double *mf = xmalloc((pb->n ? pb->n : 1) * sizeof(double));
	double *res = xmalloc((pb->n ? pb->n : 1) * sizeof(double));
	int *grp = xmalloc((pb->n ? pb->n : 1) * sizeof(int));
	size_t k, i, nmixed = 0;
	int *mixed_grp;

	for (k = 0; k < pb->n; k++) {
		i = problem_step(pb, k);
		data_step(pb->d, i, &st);
		pred[k] = steptime_predict(&f->r.sol.est, &st);
		meas[k] = pb->d->dur_us[i];
		grp[k] = pb->d->kind[i] == EVAL_PREFILL ? 0 :
		    pb->d->kind[i] == EVAL_DECODE ? 1 : 2;
		if (grp[k] == 2) {
			mf[nmixed] = st.mf;
			res[nmixed++] = log(meas[k] / pred[k]);
		}
	}
	mixed_grp = xmalloc((nmixed ? nmixed : 1) * sizeof(int));
	memset(mixed_grp, 0, (nmixed ? nmixed : 1) * sizeof(int));
	if (plot_scatter(dir, "measured-vs-predicted", "step time after the fit",
	    "predicted (us)", "measured (us)", pred, meas, grp, kinds, 3, pb->n,
	    1, 1) < 0 || plot_scatter(dir, "residual-vs-minority",
	    "mixed steps: log(measured / predicted)", "minority fraction",
	    "residual", mf, res, mixed_grp, kinds + 2, 1, nmixed, 0, 0) < 0) {
		if (plot_unavailable())
			warnmsg("no plots: gnuplot is not installed or failed");
	}
	free(pred);
	free(meas);
	free(mf);
	free(res);
	free(grp);
	free(mixed_grp);
}


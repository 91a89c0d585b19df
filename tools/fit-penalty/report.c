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
	jsonout_key(w, key);
	jsonout_null(w);
}

static void
write_metrics(struct jw *w, const struct fit_metrics *m)
{
	jsonout_obj(w);
	jsonout_kint(w, "n", (int64_t)m->n);
	jsonout_knum(w, "mape", m->mape);
	jsonout_knum(w, "median_ape", m->median);
	jsonout_knum(w, "p90_ape", m->p90);
	jsonout_knum(w, "p99_ape", m->p99);
	jsonout_knum(w, "bias_pct", m->bias);
	jsonout_knum(w, "pearson_r", m->r);
	jsonout_obj_end(w);
}

static void
write_groups(struct jw *w, const struct fit_metrics m[FIT_NGROUP])
{
	int g;

	jsonout_obj(w);
	for (g = FIT_G_ALL; g <= FIT_G_MIXED; g++) {
		jsonout_key(w, metrics_group_names[g]);
		write_metrics(w, &m[g]);
	}
	jsonout_key(w, "mixed_by_minority_fraction");
	jsonout_arr(w);
	for (g = 0; g < FIT_NBIN; g++) {
		jsonout_obj(w);
		jsonout_key(w, "range");
		jsonout_arr(w);
		jsonout_num(w, metrics_mf_edges[g]);
		jsonout_num(w, metrics_mf_edges[g + 1]);
		jsonout_arr_end(w);
		jsonout_key(w, "metrics");
		write_metrics(w, &m[FIT_G_BIN0 + g]);
		jsonout_obj_end(w);
	}
	jsonout_arr_end(w);
	jsonout_key(w, "compute_bound");
	write_metrics(w, &m[FIT_G_COMPUTE]);
	jsonout_key(w, "memory_bound");
	write_metrics(w, &m[FIT_G_MEMORY]);
	jsonout_obj_end(w);
}

static void
write_ident(struct jw *w, const struct fit_out *f, int k)
{
	static const char *const qn[5] = { "min", "p10", "median", "p90",
		"max" };
	const struct fit_ident *id = &f->r.id;
	int q;

	jsonout_obj(w);
	jsonout_kstr(w, "status", ident_names[id->status[k]]);
	jsonout_kstr(w, "reason", id->status[k] == FIT_ID_NOT_FITTED ?
	    "not asked for by --fit" : id->why[k]);
	jsonout_knum(w, "information", f->r.un.info[k]);
	if (k == FIT_B) {
		jsonout_kint(w, "mixed_steps", (int64_t)id->mixed);
		jsonout_kint(w, "informative_steps", (int64_t)id->mixed_informative);
		jsonout_kint(w, "compute_bound_mixed_steps",
		    (int64_t)id->mixed_compute);
		jsonout_key(w, "minority_fraction");
		jsonout_obj(w);
		for (q = 0; q < 5; q++)
			jsonout_knum(w, qn[q], id->mf_q[q]);
		jsonout_obj_end(w);
	} else if (k == FIT_O)
		jsonout_kint(w, "informative_steps",
		    (int64_t)id->overlap_informative);
	jsonout_obj_end(w);
}

static void
write_param(struct jw *w, const struct fit_out *f, int k)
{
	const struct fit_solution *s = &f->r.sol;

	jsonout_key(w, steptime_par_names[k]);
	jsonout_obj(w);
	jsonout_key(w, "fitted");
	jsonout_bool(w, s->on[k]);
	jsonout_knum(w, "estimate", s->est.v[k]);
	if (s->on[k]) {
		jsonout_knum(w, "standard_error", f->r.un.se[k]);
		jsonout_key(w, "ci95");
		jsonout_arr(w);
		jsonout_num(w, f->r.un.lo[k]);
		jsonout_num(w, f->r.un.hi[k]);
		jsonout_arr_end(w);
	} else {
		jw_knull(w, "standard_error");
		jw_knull(w, "ci95");
	}
	if (s->on[k] && s->bound[k] != 0)
		jsonout_kstr(w, "at_bound", s->bound[k] < 0 ? "lower" : "upper");
	else
		jw_knull(w, "at_bound");
	jsonout_key(w, "identifiability");
	write_ident(w, f, k);
	jsonout_obj_end(w);
}

static void
write_correlation(struct jw *w, const struct fit_out *f)
{
	int i, j;

	jsonout_key(w, "correlation");
	jsonout_obj(w);
	jsonout_key(w, "parameters");
	jsonout_arr(w);
	for (i = 0; i < FIT_NPAR; i++)
		if (f->r.sol.on[i])
			jsonout_str(w, steptime_par_names[i]);
	jsonout_arr_end(w);
	jsonout_key(w, "matrix");
	jsonout_arr(w);
	for (i = 0; i < FIT_NPAR; i++) {
		if (!f->r.sol.on[i])
			continue;
		jsonout_arr(w);
		for (j = 0; j < FIT_NPAR; j++)
			if (f->r.sol.on[j])
				jsonout_num(w, f->r.un.corr[i][j]);
		jsonout_arr_end(w);
	}
	jsonout_arr_end(w);
	jsonout_obj_end(w);
	jsonout_knum(w, "condition_number", f->r.un.cond);
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

	jsonout_key(w, "optimizer");
	jsonout_obj(w);
	jsonout_kstr(w, "method", "gsl_multilarge_nlinear trust region "
	    "(Levenberg-Marquardt), bounds by active set");
	jsonout_kstr(w, "loss", loss_name(f->pb.loss));
	jsonout_kstr(w, "residual", resid_name(f->pb.resid));
	jsonout_kint(w, "starts", (int64_t)s->starts);
	jsonout_kint(w, "starts_at_optimum", (int64_t)s->starts_agree);
	jsonout_kint(w, "iterations", (int64_t)s->iterations);
	jsonout_kint(w, "reweighting_rounds", (int64_t)s->rounds);
	jsonout_knum(w, "cost", s->cost);
	jsonout_knum(w, "grid_min_cost", s->grid_cost);
	jsonout_kstr(w, "global_check", s->grid_cost >= s->cost * (1 - 1e-6) ?
	    "passed" : "failed");
	jsonout_knum(w, "residual_sd", f->r.un.sigma);
	if (f->pb.loss != FIT_LOSS_LS)
		jsonout_knum(w, "robust_scale", s->robust_scale);
	jsonout_obj_end(w);
}

static void
write_steps(struct jw *w, const struct fit_steps *in,
    const struct fit_out *f)
{
	int x;

	jsonout_key(w, "steps");
	jsonout_obj(w);
	jsonout_kint(w, "read", in->read);
	jsonout_kint(w, "used", (int64_t)f->pb.n);
	jsonout_kint(w, "bad_skipped", in->bad);
	jsonout_key(w, "excluded");
	jsonout_obj(w);
	for (x = 0; x < EX_N; x++)
		jsonout_kint(w, excl_names[x], in->excl[x]);
	jsonout_obj_end(w);
	jsonout_obj_end(w);
}

static void
write_diagnostics(struct jw *w, const struct fit_out *f)
{
	char msg[300];

	jsonout_key(w, "diagnostics");
	jsonout_obj(w);
	jsonout_key(w, "overhead_suspected");
	jsonout_bool(w, f->overhead_suspected);
	jsonout_knum(w, "short_steps_log_residual", f->short_resid);
	jsonout_knum(w, "long_steps_log_residual", f->long_resid);
	if (f->overhead_suspected) {
		snprintf(msg, sizeof(msg), "the shortest tenth of steps run "
		    "%.1f %% slower than the model relative to the longest "
		    "tenth: a per-step overhead is likely; try --fit "
		    "b,o,overhead", 100 * expm1(f->short_resid -
		    f->long_resid));
		jsonout_kstr(w, "message", msg);
	}
	jsonout_obj_end(w);
}

static void
write_validation(struct jw *w, const struct fit_validation *v)
{
	double sum = 0;
	long i;
	int k;

	jsonout_key(w, "validation");
	if (v->method == NULL) {
		jsonout_null(w);
		return;
	}
	jsonout_obj(w);
	jsonout_kstr(w, "method", v->method);
	jsonout_kint(w, "folds", v->k);
	jsonout_key(w, "results");
	jsonout_arr(w);
	for (i = 0; i < v->k; i++) {
		jsonout_obj(w);
		jsonout_kint(w, "train_steps", (int64_t)v->folds[i].n_train);
		jsonout_kint(w, "test_steps", (int64_t)v->folds[i].n_test);
		jsonout_key(w, "estimate");
		jsonout_obj(w);
		for (k = 0; k < FIT_NPAR; k++)
			jsonout_knum(w, steptime_par_names[k], v->folds[i].est.v[k]);
		jsonout_obj_end(w);
		jsonout_key(w, "test_error");
		write_groups(w, v->folds[i].test);
		jsonout_obj_end(w);
		sum += v->folds[i].test[FIT_G_ALL].mape;
	}
	jsonout_arr_end(w);
	jsonout_knum(w, "mean_test_mape", sum / (double)v->k);
	jsonout_obj_end(w);
}

static void
write_options(struct jw *w, const struct fit_opts *o)
{
	char spec[32];
	int k;

	jsonout_key(w, "options");
	jsonout_obj(w);
	/* The parameters asked for, in canonical order and spelling. */
	spec[0] = '\0';
	for (k = 0; k < FIT_NPAR; k++)
		if (o->want[k])
			snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec),
			    "%s%s", spec[0] ? "," : "", fit_par_short[k]);
	jsonout_kstr(w, "fit", spec);
	jsonout_kstr(w, "loss", loss_name(o->loss));
	jsonout_kstr(w, "residual", resid_name(o->resid));
	jsonout_key(w, "prior");
	jsonout_obj(w);
	for (k = 0; k < FIT_NPAR; k++)
		jsonout_knum(w, steptime_par_names[k], o->prior.v[k]);
	jsonout_obj_end(w);
	jsonout_key(w, "exact_only");
	jsonout_bool(w, o->exact_only);
	jsonout_key(w, "keep_dummy");
	jsonout_bool(w, o->keep_dummy);
	if (o->outlier_cut > 0)
		jsonout_knum(w, "outlier_cut", o->outlier_cut);
	if (o->holdout > 0)
		jsonout_knum(w, "holdout", o->holdout);
	if (o->kfold > 0)
		jsonout_kint(w, "kfold", o->kfold);
	jsonout_kint(w, "seed", (int64_t)o->seed);
	jsonout_obj_end(w);
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
	jsonout_key(w, "provenance");
	jsonout_obj(w);
	jsonout_kstr(w, "program", "fit-penalty");
	jsonout_kstr(w, "rooftrace_version", ROOFTRACE_VERSION);
	jsonout_kstr(w, "date", date);
	jsonout_key(w, "inputs");
	jsonout_arr(w);
	if (nfiles == 0)
		jsonout_str(w, "-");
	for (i = 0; i < nfiles; i++)
		jsonout_str(w, files[i]);
	jsonout_arr_end(w);
	jsonout_kstr(w, "input_sha256", in->digest);
	jsonout_kint(w, "records", in->read);
	write_options(w, o);
	jsonout_obj_end(w);
}

void
report_write(FILE *fp, const struct fit_opts *o, const struct fit_steps *in,
    const struct fit_out *f, const struct fit_validation *v, int nfiles,
    char *const *files)
{
	struct jw w;
	int k;

	jsonout_init(&w, fp);
	w.pretty = o->pretty;
	jsonout_obj(&w);
	jsonout_key(&w, "parameters");
	jsonout_obj(&w);
	for (k = 0; k < FIT_NPAR; k++)
		write_param(&w, f, k);
	jsonout_obj_end(&w);
	write_correlation(&w, f);
	write_optimizer(&w, f);
	write_steps(&w, in, f);
	jsonout_key(&w, "error");
	jsonout_obj(&w);
	jsonout_key(&w, "before");
	write_groups(&w, f->before);
	jsonout_key(&w, "after");
	write_groups(&w, f->after);
	jsonout_obj_end(&w);
	write_diagnostics(&w, f);
	write_validation(&w, v);
	write_provenance(&w, o, in, nfiles, files);
	jsonout_obj_end(&w);
	jsonout_endline(&w);
	jsonout_free(&w);
}

void
report_residuals(const char *path, const struct fit_out *f)
{
	const struct fit_problem *pb = &f->pb;
	struct fit_par zero;
	struct fit_step st;
	struct jw w;
	FILE *fp = outfile_open(path);
	double meas, after;
	size_t k, i;

	steptime_par_zero(&zero);
	jsonout_init(&w, fp);
	for (k = 0; k < pb->n; k++) {
		i = problem_step(pb, k);
		data_step(pb->d, i, &st);
		meas = pb->d->dur_us[i];
		after = steptime_predict(&f->r.sol.est, &st);
		jsonout_obj(&w);
		if (pb->d->step[i] >= 0)
			jsonout_kint(&w, "step", pb->d->step[i]);
		else
			jw_knull(&w, "step");
		jsonout_knum(&w, "measured_us", meas);
		jsonout_knum(&w, "pred_before_us", steptime_predict(&zero, &st));
		jsonout_knum(&w, "pred_after_us", after);
		/* Of the numbers on the line, not of the smooth model. */
		jsonout_knum(&w, "residual", pb->resid == FIT_RESID_LOG ?
		    log(meas / after) : (meas - after) / meas);
		if (f->r.sol.w != NULL)
			jsonout_knum(&w, "weight", f->r.sol.w[k]);
		jsonout_obj_end(&w);
		jsonout_endline(&w);
	}
	jsonout_free(&w);
	outfile_close(fp);
}

void
report_plots(const char *dir, const struct fit_out *f)
{
	static const char *const kinds[] = { "pure prefill", "pure decode",
	    "mixed" };
	const struct fit_problem *pb = &f->pb;
	struct fit_step st;
	double *pred = err_malloc((pb->n ? pb->n : 1) * sizeof(double));
	double *meas = err_malloc((pb->n ? pb->n : 1) * sizeof(double));
	double *mf = err_malloc((pb->n ? pb->n : 1) * sizeof(double));
	double *res = err_malloc((pb->n ? pb->n : 1) * sizeof(double));
	int *grp = err_malloc((pb->n ? pb->n : 1) * sizeof(int));
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
	mixed_grp = err_malloc((nmixed ? nmixed : 1) * sizeof(int));
	memset(mixed_grp, 0, (nmixed ? nmixed : 1) * sizeof(int));
	if (plot_scatter(dir, "measured-vs-predicted", "step time after the fit",
	    "predicted (us)", "measured (us)", pred, meas, grp, kinds, 3, pb->n,
	    1, 1) < 0 || plot_scatter(dir, "residual-vs-minority",
	    "mixed steps: log(measured / predicted)", "minority fraction",
	    "residual", mf, res, mixed_grp, kinds + 2, 1, nmixed, 0, 0) < 0) {
		if (plot_unavailable())
			err_warn("no plots: gnuplot is not installed or failed");
	}
	free(pred);
	free(meas);
	free(mf);
	free(res);
	free(grp);
	free(mixed_grp);
}


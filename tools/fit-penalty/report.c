#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/cli.h"
#include "io/err.h"
#include "io/jsonout.h"
#include "io/numfmt.h"
#include "io/outfile.h"
#include "io/plot.h"
#include "report.h"
#include "sample.h"

static const char *const excl_names[EX_N] = {
	"no_dur_us", "dummy", "estimated", "empty", "outlier", "below_floor",
	"model_time"
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
	jsonout_knum(w, "mape_pct", m->mape);
	jsonout_knum(w, "median_ape_pct", m->median);
	jsonout_knum(w, "p90_ape_pct", m->p90);
	jsonout_knum(w, "p99_ape_pct", m->p99);
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
	else if (param_is(k, PARAM_ENTRY) &&
	    (f->r.sol.on[k] || id->status[k] == FIT_ID_NOT_INFORMED)) {
		jsonout_kint(w, "steps_with_it", (int64_t)id->has[k]);
		jsonout_kint(w, "steps_it_acts_on", (int64_t)id->acts[k]);
	}
	if (f->r.sol.on[k] && f->r.sol.bound[k] != 0)
		jsonout_knum(w, "bound_score_z", id->bound_z[k]);
	if (id->status[k] == FIT_ID_MISFIT)
		jsonout_knum(w, "absorbed_misfit_pct", id->misfit_pct[k]);
	jsonout_obj_end(w);
}

static void
write_param(struct jw *w, const struct fit_opts *o, const struct fit_out *f,
    int k)
{
	const struct fit_solution *s = &f->r.sol;

	jsonout_key(w, param_table[k].name);
	jsonout_obj(w);
	jsonout_key(w, "fitted");
	jsonout_bool(w, s->on[k]);
	if (param_is(k, PARAM_ENTRY) && !o->has_entry)
		jw_knull(w, "estimate");
	else
		jsonout_knum(w, "estimate", s->est.v[k]);
	if (param_is(k, PARAM_OF_PEAK_BW) && o->has_entry) {
		jsonout_knum(w, "tbs", s->est.v[k] * o->bw_peak_tbs);
		jsonout_knum(w, "entry_tbs", o->bw_peak_tbs);
	}
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
			jsonout_str(w, param_table[i].name);
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

/* --sample: the usable steps offered, kept, and each stratum's. */
static void
write_sample(struct jw *w, const struct sampler *smp)
{
	int k;

	jsonout_key(w, "sample");
	jsonout_obj(w);
	jsonout_kint(w, "budget", (int64_t)smp->budget);
	jsonout_kint(w, "read", smp->total_seen);
	jsonout_kint(w, "kept", smp->total_kept);
	jsonout_key(w, "strata");
	jsonout_arr(w);
	for (k = 0; k < SAMPLE_NSTRATA; k++) {
		if (smp->seen[k] == 0)
			continue;
		jsonout_obj(w);
		jsonout_kstr(w, "kind", sample_kind_name(k));
		jsonout_kint(w, "mf_bin", sample_bin(k));
		jsonout_kstr(w, "regime", sample_regime_name(k));
		jsonout_kint(w, "read", smp->seen[k]);
		jsonout_kint(w, "kept", smp->kept[k]);
		jsonout_knum(w, "weight", smp->weight[k]);
		jsonout_obj_end(w);
	}
	jsonout_arr_end(w);
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
	jsonout_kint(w, "below_floor_kept", in->near_floor);
	jsonout_key(w, "excluded");
	jsonout_obj(w);
	for (x = 0; x < EX_N; x++)
		jsonout_kint(w, excl_names[x], in->excl[x]);
	jsonout_obj_end(w);
	if (in->smp != NULL)
		write_sample(w, in->smp);
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
			jsonout_knum(w, param_table[k].name, v->folds[i].est.v[k]);
		jsonout_obj_end(w);
		jsonout_key(w, "test_error");
		write_groups(w, v->folds[i].test);
		jsonout_obj_end(w);
		sum += v->folds[i].test[FIT_G_ALL].mape;
	}
	jsonout_arr_end(w);
	jsonout_knum(w, "mean_test_mape_pct", sum / (double)v->k);
	jsonout_obj_end(w);
}

static void
write_options(struct jw *w, const struct fit_opts *o)
{
	char spec[256];
	int k;

	jsonout_key(w, "options");
	jsonout_obj(w);
	/* The parameters asked for, in canonical order and spelling. */
	spec[0] = '\0';
	for (k = 0; k < FIT_NPAR; k++)
		if (o->want[k])
			snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec),
			    "%s%s", spec[0] ? "," : "",
			    param_table[k].short_name);
	jsonout_kstr(w, "fit", spec);
	jsonout_kstr(w, "loss", loss_name(o->loss));
	jsonout_kstr(w, "residual", resid_name(o->resid));
	jsonout_key(w, "prior");
	jsonout_obj(w);
	for (k = 0; k < FIT_NPAR; k++)
		jsonout_knum(w, param_table[k].name, o->prior.v[k]);
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
void
report_run_date(char *buf, size_t sz)
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

	report_run_date(date, sizeof(date));
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

/* ------------------------------------------------- the assessment */

/* The limits of the verdict: after-fit median and P90 absolute error. */
#define VERDICT_MEDIAN 5.0
#define VERDICT_P90 12.0

static const int kind_groups[4] = { FIT_G_ALL, FIT_G_PREFILL, FIT_G_DECODE,
	FIT_G_MIXED };

/*
 * Whether a fitted parameter that no field of the entry holds moved from
 * its row's default (an overhead, a scale).
 */
static int
needs_no_field(const struct fit_par *e)
{
	int k;

	for (k = 0; k < FIT_NPAR; k++)
		if (param_table[k].hw_field == NULL &&
		    !param_is(k, PARAM_CLIENT) &&
		    e->v[k] != param_table[k].prior)
			return 1;
	return 0;
}

/* Whether row k absorbs a misfit (fitted at a bound, or held there). */
static int
absorbs(const struct fit_out *f, int k)
{
	return f->r.id.status[k] == FIT_ID_MISFIT ||
	    (f->r.id.held_bound[k] != 0 &&
	    f->r.id.bound_z[k] > IDENT_Z_MISFIT);
}

/* Names of the parameters absorbing a misfit, joined; their count. */
static int
misfits(const struct fit_out *f, char *buf, size_t sz)
{
	size_t off = 0;
	int k, n = 0;

	buf[0] = '\0';
	for (k = 0; k < FIT_NPAR; k++)
		if (absorbs(f, k) && off < sz) {
			off += (size_t)snprintf(buf + off, sz - off, "%s%s",
			    n ? ", " : "", param_table[k].name);
			n++;
		}
	return n;
}

/*
 * The fields of the entry asked for that the steps do not inform (not
 * informed, not identifiable), their entry names joined; their count.
 */
static int
uninformed(const struct fit_opts *o, const struct fit_out *f, char *buf,
    size_t sz)
{
	size_t off = 0;
	enum fit_id st;
	int k, n = 0;

	buf[0] = '\0';
	for (k = 0; k < FIT_NPAR; k++) {
		st = f->r.id.status[k];
		if (!o->want[k] || param_table[k].hw_field == NULL ||
		    (st != FIT_ID_NOT_INFORMED && st != FIT_ID_NONE) ||
		    off >= sz)
			continue;
		off += (size_t)snprintf(buf + off, sz - off, "%s%s",
		    n ? ", " : "", param_table[k].hw_field);
		n++;
	}
	return n;
}

/* The verdict's classes; their words are the report's status. */
enum verdict_kind { V_TRUST, V_STEPS_LIKE, V_NOT, V_NO_DATA };

static const char *const verdict_words[] = {
	"trustworthy", "trustworthy for steps like these",
	"not trustworthy", "not enough data"
};

/* How the held-out steps were chosen, in words. */
static void
heldout_how(const struct fit_validation *v, char *buf, size_t sz)
{
	if (v->k == 1)
		snprintf(buf, sz, "a random holdout of %zu steps", v->n_test);
	else
		snprintf(buf, sz, "%ld-fold cross-validation", v->k);
}

/*
 * One sentence: can the fitted entry be trusted for simulation?  Earned
 * on steps the fit did not see; never for a field the steps do not
 * inform.
 */
static enum verdict_kind
verdict(const struct fit_opts *o, const struct fit_out *f, char *buf,
    size_t sz)
{
	const struct fit_validation *h = f->heldout;
	const struct fit_par *e = &f->r.sol.est;
	char names[200], un[200], how[80], why[600];
	size_t off = 0;
	int nm = misfits(f, names, sizeof(names));
	int nu = uninformed(o, f, un, sizeof(un));

	if (h == NULL && f->heldout_err[0] != '\0') {
		snprintf(buf, sz, "not trustworthy for simulation: the fit "
		    "could not be repeated on part of the steps (%s)",
		    f->heldout_err);
		return V_NOT;
	}
	if (h == NULL) {
		snprintf(buf, sz, "not enough data: %zu steps used (a verdict "
		    "needs at least %d, some held out): nothing is known of "
		    "how the entry predicts other steps", f->pb.n,
		    FIT_VERDICT_MIN_STEPS);
		return V_NO_DATA;
	}
	heldout_how(h, how, sizeof(how));
	why[0] = '\0';
	if (h->median_ape > VERDICT_MEDIAN)
		off += (size_t)snprintf(why + off, sizeof(why) - off, "on steps "
		    "the fit did not see (%s) the median step error is %.1f %% "
		    "(limit %g %%)", how, h->median_ape, VERDICT_MEDIAN);
	if (h->p90_ape > VERDICT_P90 && off < sizeof(why))
		off += (size_t)snprintf(why + off, sizeof(why) - off, "%s%s "
		    "P90 is %.1f %% (limit %g %%)", off ? "; " : "", off ?
		    "its" : "on steps the fit did not see the", h->p90_ape,
		    VERDICT_P90);
	if (nm > 0 && off < sizeof(why))
		off += (size_t)snprintf(why + off, sizeof(why) - off, "%s%s "
		    "%s at a bound, absorbing a misfit", off ? "; " : "", names,
		    nm == 1 ? "is" : "are");
	if (needs_no_field(e) && off < sizeof(why))
		off += (size_t)snprintf(why + off, sizeof(why) - off, "%sthe "
		    "fit needs an overhead or a scale, which a hardware entry "
		    "cannot carry", off ? "; " : "");
	if (off > 0) {
		snprintf(buf, sz, "not trustworthy for simulation: %s", why);
		return V_NOT;
	}
	off = (size_t)snprintf(buf, sz, "%s: on steps the fit did not see "
	    "(%s) the median step error is %.1f %% and the P90 %.1f %% "
	    "(limits %g %% and %g %%), and no parameter absorbs a misfit",
	    nu > 0 ? "trustworthy for steps like these only" :
	    "trustworthy for simulation", how, h->median_ape, h->p90_ape,
	    VERDICT_MEDIAN, VERDICT_P90);
	if (nu == 0)
		return V_TRUST;
	if (off < sz)
		snprintf(buf + off, sz - off, "; %s %s not informed by these "
		    "steps (the entry's value%s kept, untested): not for steps "
		    "where %s", un, nu == 1 ? "is" : "are", nu == 1 ? "" : "s",
		    nu == 1 ? "it acts" : "they act");
	return V_STEPS_LIKE;
}

/*
 * What the remaining error would need, none of it a field of the entry:
 * each a sentence.  The count.
 */
static int
lack_of_fit(const struct fit_out *f, char out[5][400])
{
	const struct fit_metrics *a = f->after;
	const struct fit_par *e = &f->r.sol.est;
	int n = 0, k;

	if (a[FIT_G_MIXED].n > 0 && a[FIT_G_DECODE].n > 0 &&
	    a[FIT_G_DECODE].bias - a[FIT_G_MIXED].bias > 2)
		snprintf(out[n++], 400, "mixed steps are under-predicted by "
		    "%.1f %% more than decode-only steps: a cost per prefill "
		    "request (attention kernels, scheduling) that the "
		    "roofline lacks", a[FIT_G_DECODE].bias -
		    a[FIT_G_MIXED].bias);
	if (f->overhead_suspected)
		snprintf(out[n++], 400, "the shortest tenth of steps run "
		    "%.1f %% slower than the longest tenth: a per-step "
		    "overhead (kernel launches, TP communication) that the "
		    "roofline lacks", 100 * expm1(f->short_resid -
		    f->long_resid));
	if (needs_no_field(e))
		snprintf(out[n++], 400, "the fitted overhead (%.4g us) and "
		    "scale (%.4g) stand for what the roofline lacks (per-step "
		    "overhead, TP communication, scheduler CPU): no field of "
		    "the entry holds them", e->v[FIT_H], e->v[FIT_S]);
	if (f->sched_n > 0 && n < 4)
		snprintf(out[n++], 400, "%zu steps spent at least half their "
		    "cycle in the scheduler (sched_us): their median error "
		    "after the fit is %+.1f %%, %s", f->sched_n, f->sched_err,
		    fabs(f->sched_err) > 2 ? "scheduler CPU time that the "
		    "roofline lacks" : "so the scheduler's CPU time is hidden "
		    "there (async scheduling)");
	for (k = 0; k < FIT_NPAR && n < 5; k++)
		if (absorbs(f, k)) {
			snprintf(out[n++], 400, "%s is held at its bound while "
			    "the steps it acts on are still %.1f %% off "
			    "(median): the model is short of explaining them",
			    param_table[k].name, f->r.id.misfit_pct[k]);
			break;
		}
	return n;
}

static void
write_assessment(struct jw *w, const struct fit_opts *o,
    const struct fit_out *f)
{
	const struct fit_validation *h = f->heldout;
	char v[900], lof[5][400];
	enum verdict_kind vk;
	int i, n, k;

	vk = verdict(o, f, v, sizeof(v));
	jsonout_key(w, "assessment");
	jsonout_obj(w);
	jsonout_kstr(w, "verdict", v);
	jsonout_kstr(w, "status", verdict_words[vk]);
	jsonout_key(w, "trustworthy");
	jsonout_bool(w, vk == V_TRUST);
	jsonout_key(w, "held_out");
	if (h == NULL)
		jsonout_null(w);
	else {
		jsonout_obj(w);
		jsonout_kstr(w, "method", h->method);
		jsonout_kint(w, "folds", h->k);
		jsonout_kint(w, "steps", (int64_t)h->n_test);
		jsonout_knum(w, "bias_pct", h->bias);
		jsonout_knum(w, "median_ape_pct", h->median_ape);
		jsonout_knum(w, "p90_ape_pct", h->p90_ape);
		jsonout_obj_end(w);
	}
	jsonout_key(w, "not_informed");
	jsonout_arr(w);
	for (k = 0; k < FIT_NPAR; k++)
		if (o->want[k] && param_table[k].hw_field != NULL &&
		    (f->r.id.status[k] == FIT_ID_NOT_INFORMED ||
		    f->r.id.status[k] == FIT_ID_NONE))
			jsonout_str(w, param_table[k].name);
	jsonout_arr_end(w);
	jsonout_key(w, "after_fit");
	jsonout_obj(w);
	for (i = 0; i < 4; i++) {
		const struct fit_metrics *m = &f->after[kind_groups[i]];

		jsonout_key(w, metrics_group_names[kind_groups[i]]);
		jsonout_obj(w);
		jsonout_kint(w, "n", (int64_t)m->n);
		jsonout_knum(w, "bias_pct", m->bias);
		jsonout_knum(w, "median_ape_pct", m->median);
		jsonout_knum(w, "p90_ape_pct", m->p90);
		jsonout_obj_end(w);
	}
	jsonout_obj_end(w);
	jsonout_key(w, "lack_of_fit");
	jsonout_arr(w);
	n = lack_of_fit(f, lof);
	for (i = 0; i < n; i++)
		jsonout_str(w, lof[i]);
	jsonout_arr_end(w);
	jsonout_obj_end(w);
}

/* ------------------------------------------------------ --summary */

/* A fraction of the entry's bandwidth, and its interval, in TB/s. */
static void
summary_tbs(FILE *fp, const struct fit_opts *o, const struct fit_out *f,
    int k)
{
	const struct fit_solution *s = &f->r.sol;
	char a[32], b[32], c[32], label[40];

	snprintf(label, sizeof(label), "  %s, TB/s", param_table[k].name);
	fprintf(fp, "%-20s %12s %12s %12s  TB/s (entry %.4g)\n", label,
	    numfmt_cell(a, sizeof(a), "%.4g", s->est.v[k] * o->bw_peak_tbs),
	    numfmt_cell(b, sizeof(b), "%.4g", s->on[k] ?
	    f->r.un.lo[k] * o->bw_peak_tbs : NAN),
	    numfmt_cell(c, sizeof(c), "%.4g", s->on[k] ?
	    f->r.un.hi[k] * o->bw_peak_tbs : NAN), o->bw_peak_tbs);
}

void
report_summary(FILE *fp, const struct fit_opts *o, const struct fit_steps *in,
    const struct fit_out *f, const struct fit_validation *v)
{
	const struct fit_solution *s = &f->r.sol;
	char a[32], b[32], c[32], d[32], e[32], g[32], vd[900], lof[5][400];
	int k, i, n;
	long x;

	x = 0;
	for (k = 0; k < EX_N; k++)
		x += in->excl[k];
	if (in->smp != NULL) {
		for (k = 0, i = 0; k < SAMPLE_NSTRATA; k++)
			i += in->smp->seen[k] > 0;
		fprintf(fp, "sampled: %ld of %ld usable steps kept in %d "
		    "strata, weighted (--sample %zu)\n", in->smp->total_kept,
		    in->smp->total_seen, i, in->smp->budget);
	}
	fprintf(fp, "%zu steps fitted (%ld read, %ld excluded", f->pb.n,
	    in->read, x);
	for (k = 0, i = 0; k < EX_N; k++)
		if (in->excl[k] > 0)
			fprintf(fp, "%s%ld %s", i++ ? ", " : ": ",
			    in->excl[k], excl_names[k]);
	fprintf(fp, ")\n\n%-20s %12s %12s %12s  %s\n", "parameter",
	    "estimate", "ci95 low", "ci95 high", "status");
	for (k = 0; k < FIT_NPAR; k++) {
		if ((param_is(k, PARAM_ENTRY) && !o->has_entry) ||
		    (param_is(k, PARAM_AUTO) && !o->want[k]))
			continue;
		fprintf(fp, "%-20s %12s %12s %12s  %s\n", param_table[k].name,
		    numfmt_cell(a, sizeof(a), "%.4g", s->est.v[k]),
		    numfmt_cell(b, sizeof(b), "%.4g",
		    s->on[k] ? f->r.un.lo[k] : NAN),
		    numfmt_cell(c, sizeof(c), "%.4g",
		    s->on[k] ? f->r.un.hi[k] : NAN),
		    ident_names[f->r.id.status[k]]);
		if (f->r.id.status[k] != FIT_ID_NOT_FITTED)
			fprintf(fp, "%-20s %38s  %s\n", "", "", f->r.id.why[k]);
	}
	for (k = 0; k < FIT_NPAR && o->has_entry; k++)
		if (param_is(k, PARAM_OF_PEAK_BW))
			summary_tbs(fp, o, f, k);
	fprintf(fp, "\n%-15s %32s %32s\n", "", "before the fit",
	    "after the fit");
	fprintf(fp, "%-8s %6s %10s %10s %10s %10s %10s %10s\n", "kind", "n",
	    "bias %", "median %", "P90 %", "bias %", "median %", "P90 %");
	for (i = 0; i < 4; i++) {
		const struct fit_metrics *bm = &f->before[kind_groups[i]];
		const struct fit_metrics *am = &f->after[kind_groups[i]];

		fprintf(fp, "%-8s %6zu %10s %10s %10s %10s %10s %10s\n",
		    metrics_group_names[kind_groups[i]], am->n,
		    numfmt_cell(a, sizeof(a), "%.2f", bm->bias),
		    numfmt_cell(b, sizeof(b), "%.2f", bm->median),
		    numfmt_cell(c, sizeof(c), "%.2f", bm->p90),
		    numfmt_cell(d, sizeof(d), "%.2f", am->bias),
		    numfmt_cell(e, sizeof(e), "%.2f", am->median),
		    numfmt_cell(g, sizeof(g), "%.2f", am->p90));
	}
	if (v->method != NULL) {
		double sum = 0;

		for (i = 0; i < v->k; i++)
			sum += v->folds[i].test[FIT_G_ALL].mape;
		fprintf(fp, "\nout of sample (%s, %ld fold%s): mean test MAPE "
		    "%.2f %%\n", v->method, v->k, v->k == 1 ? "" : "s",
		    sum / (double)v->k);
	}
	n = lack_of_fit(f, lof);
	if (n > 0)
		fprintf(fp, "\nlack of fit (no field of the entry):\n");
	for (i = 0; i < n; i++)
		fprintf(fp, "  - %s\n", lof[i]);
	verdict(o, f, vd, sizeof(vd));
	fprintf(fp, "\nverdict: %s\n", vd);
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
	write_assessment(&w, o, f);
	jsonout_key(&w, "parameters");
	jsonout_obj(&w);
	for (k = 0; k < FIT_NPAR; k++)
		write_param(&w, o, f, k);
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
		if (pb->d->step != NULL && pb->d->step[i] >= 0)
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

/* The plots' second title line: what the steps were fitted with. */
static void
plot_subtitle(char *buf, size_t sz, const struct fit_opts *o, size_t n)
{
	size_t off;
	int k, first = 1;

	off = (size_t)snprintf(buf, sz, "%s%s%s%s; fitted", o->hw_name ?
	    "GPU " : "", o->hw_name ? o->hw_name : "", o->hw_name ? ", entry " :
	    "", o->hw_name ? (o->hw_config ? o->hw_config : "shipped") : "");
	for (k = 0; k < FIT_NPAR && off < sz; k++)
		if (o->want[k])
			off += (size_t)snprintf(buf + off, sz - off, "%s %s",
			    first-- > 0 ? "" : ",", param_table[k].short_name);
	if (off < sz)
		snprintf(buf + off, sz - off, "; loss %s; %zu steps",
		    loss_name(o->loss), n);
}

void
report_plots(const char *dir, const struct fit_out *f,
    const struct fit_opts *o)
{
	const struct fit_problem *pb = &f->pb;
	struct fit_step st;
	struct plot_axes ax;
	char sub[512], title[640];
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
		grp[k] = pb->d->kind[i] == EVAL_PREFILL ? PLOT_PREFILL :
		    pb->d->kind[i] == EVAL_DECODE ? PLOT_DECODE : PLOT_MIXED;
		if (grp[k] == PLOT_MIXED) {
			mf[nmixed] = st.mf;
			res[nmixed++] = log(meas[k] / pred[k]);
		}
	}
	mixed_grp = err_malloc((nmixed ? nmixed : 1) * sizeof(int));
	for (k = 0; k < nmixed; k++)
		mixed_grp[k] = PLOT_MIXED;
	plot_subtitle(sub, sizeof(sub), o, pb->n);
	memset(&ax, 0, sizeof(ax));
	snprintf(title, sizeof(title), "Step time, measured against predicted "
	    "after the fit\n%s", sub);
	ax.title = title;
	ax.xlabel = "predicted step time";
	ax.ylabel = "measured step time";
	ax.xus = ax.yus = ax.logx = ax.logy = ax.diag = 1;
	if (plot_scatter(dir, "measured-vs-predicted", &ax, pred, meas, grp,
	    pb->n) == 0) {
		memset(&ax, 0, sizeof(ax));
		snprintf(title, sizeof(title), "Mixed steps: log(measured / "
		    "predicted) after the fit, by minority fraction\n%s", sub);
		ax.title = title;
		ax.xlabel = "minority fraction (the smaller of the prefill and "
		    "decode shares of the step's tokens)";
		ax.ylabel = "log(measured / predicted)";
		plot_scatter(dir, "residual-vs-minority", &ax, mf, res,
		    mixed_grp, nmixed);
	}
	if (plot_unavailable())
		err_warn("no plots: gnuplot is not installed or failed");
	free(pred);
	free(meas);
	free(mf);
	free(res);
	free(grp);
	free(mixed_grp);
}


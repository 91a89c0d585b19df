/*
 * fit-penalty: fit BLIS's mixed-batch and overlap penalties (and, when
 * asked, a per-step overhead and a scale) to measured step times.
 * Reads eval records (roofline-eval output) with dur_us, writes one JSON
 * object: estimates with their uncertainty, what the data can and cannot
 * tell, the error before and after, and where the numbers came from.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_statistics_double.h>

#include "io/cli.h"
#include "io/err.h"
#include "data.h"
#include "digest.h"
#include "ident.h"
#include "steptime.h"
#include "problem.h"
#include "record.h"
#include "solve.h"
#include "metrics.h"
#include "uncert.h"
#include "validate.h"
#include "model/hardware.h"
#include "io/jsonin.h"
#include "io/jsonout.h"
#include "io/linereader.h"
#include "io/outfile.h"
#include "io/plot.h"
#include "io/progress.h"
#include "model/share.h"

enum {
	OPT_FIT = 0x100, OPT_LOSS, OPT_RESID, OPT_PRIOR, OPT_EXACT,
	OPT_HOLDOUT, OPT_SEED, OPT_KFOLD, OPT_HWOUT, OPT_HWCONFIG, OPT_RESOUT, OPT_PLOT,
	OPT_PRETTY, OPT_SKIP_BAD, OPT_KEEP_DUMMY, OPT_MAX_ITER
};

enum excl { EX_NO_DUR, EX_DUMMY, EX_ESTIMATED, EX_EMPTY, EX_OUTLIER, EX_N };
static const char *const excl_names[EX_N] = {
	"no_dur_us", "dummy", "estimated", "empty", "outlier"
};

/* Short names --fit and --prior take, in parameter order. */
static const char *const par_short[FIT_NPAR] = { "b", "o", "overhead",
	"scale" };

struct opts {
	int	 want[FIT_NPAR];
	struct fit_par prior;
	enum fit_loss loss;
	enum fit_resid resid;
	int	 exact_only, keep_dummy, skip_bad, quiet, pretty, max_iter;
	double	 holdout;
	long	 kfold;
	unsigned long seed;
	const char *out, *hw_out, *hw_name, *hw_config, *res_out, *plot_dir;
	double	 outlier_cut;
};

struct input {
	struct fit_data d;
	long	 read, bad, excl[EX_N];
	struct fit_sha256 sha;
	char	 digest[65];
};

struct fit_out {
	struct fit_problem pb;
	struct fit_result r;
	struct fit_metrics before[FIT_NGROUP], after[FIT_NGROUP];
	double	 short_resid, long_resid;	/* overhead diagnostic */
	int	 overhead_suspected;
	size_t	*idx;		/* steps kept by --outlier-cut, or NULL */
};

static void
usage(void)
{
	printf("usage: fit-penalty [options] [FILE...]\n"
	    "Fit BLIS's mixed-batch and overlap penalties to measured step "
	    "times.\nInput: eval records (roofline-eval output) with dur_us.\n\n"
	    "      --fit LIST                 parameters to fit: b,o (default),"
	    "\n                                 any of b,o,overhead,scale\n"
	    "      --prior NAME=X             value of a parameter not fitted "
	    "or not\n                                 identifiable (default b=0,"
	    "o=0,\n                                 overhead=0,scale=1)\n"
	    "      --loss ls|huber|cauchy     loss (default ls; huber and "
	    "cauchy\n                                 by iterative "
	    "reweighting)\n"
	    "      --residual log|relative    residual form (default log)\n"
	    "      --exact-only               exclude steps marked estimated\n"
	    "      --keep-dummy               fit dummy steps too\n"
	    "      --max-iter N               solver iterations a start "
	    "(default 200)\n"
	    "      --outlier-cut K            drop steps beyond K robust "
	    "scales, refit\n"
	    "      --holdout FRACTION         hold out a random fraction for "
	    "testing\n"
	    "      --kfold K                  K-fold cross-validation\n"
	    "      --seed N                   seed for --holdout/--kfold "
	    "(default 1)\n"
	    "  -g, --hardware NAME            entry for --hardware-config-out\n"
	    "      --hardware-config FILE     hardware_config.json to start "
	    "from\n"
	    "      --hardware-config-out FILE write it with the fitted "
	    "penalties\n"
	    "      --plot DIR                 plots of the fit (needs gnuplot)\n"
	    "      --residuals FILE           write per-step residuals "
	    "(NDJSON)\n"
	    "  -o, --output FILE              write the report to FILE "
	    "atomically\n"
	    "      --pretty                   indent the report\n"
	    "      --skip-bad                 skip and count malformed records\n"
	    "  -q, --quiet                    no progress display\n"
	    "  -h, --help                     show this help\n"
	    "  -V, --version                  show the version\n");
}

static int
par_index(const char *name, size_t len)
{
	int k;

	for (k = 0; k < FIT_NPAR; k++)
		if ((strlen(par_short[k]) == len &&
		    strncmp(name, par_short[k], len) == 0) ||
		    (strlen(fit_par_names[k]) == len &&
		    strncmp(name, fit_par_names[k], len) == 0))
			return k;
	return -1;
}

static void
opt_fit(struct opts *o, const char *arg)
{
	const char *p = arg, *comma;
	size_t len;
	int k;

	memset(o->want, 0, sizeof(o->want));
	for (;;) {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if ((k = par_index(p, len)) >= 0)
			o->want[k] = 1;
		else
			usage_error("--fit: unknown parameter '%.*s' (known: b, "
			    "o, overhead, scale)", (int)len, p);
		if (comma == NULL)
			break;
		p = comma + 1;
	}
}

static void
opt_prior(struct opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	double v;
	int k = eq != NULL ? par_index(arg, (size_t)(eq - arg)) : -1;

	if (k < 0) {
		usage_error("--prior: expected NAME=VALUE with NAME one of b, "
		    "o, overhead, scale, got '%s'", arg);
		return;		/* not reached; for checkers */
	}
	if (k == FIT_B || k == FIT_O)
		v = opt_penalty("--prior", eq + 1);
	else
		v = opt_double("--prior", eq + 1);
	if ((k == FIT_H && v < 0) || (k == FIT_S && v <= 0))
		usage_error("--prior: %s must be %s, got '%s'", par_short[k],
		    k == FIT_H ? "at least 0" : "positive", eq + 1);
	o->prior.v[k] = v;
}

static int
opt_choice(const char *opt, const char *arg, const char *const *names)
{
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(arg, names[i]) == 0)
			return i;
	usage_error("%s: unknown value '%s'", opt, arg);
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "fit", required_argument, NULL, OPT_FIT },
		{ "prior", required_argument, NULL, OPT_PRIOR },
		{ "loss", required_argument, NULL, OPT_LOSS },
		{ "residual", required_argument, NULL, OPT_RESID },
		{ "exact-only", no_argument, NULL, OPT_EXACT },
		{ "keep-dummy", no_argument, NULL, OPT_KEEP_DUMMY },
		{ "max-iter", required_argument, NULL, OPT_MAX_ITER },
		{ "outlier-cut", required_argument, NULL, 'x' },
		{ "holdout", required_argument, NULL, OPT_HOLDOUT },
		{ "kfold", required_argument, NULL, OPT_KFOLD },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "hardware", required_argument, NULL, 'g' },
		{ "hardware-config", required_argument, NULL, OPT_HWCONFIG },
		{ "hardware-config-out", required_argument, NULL, OPT_HWOUT },
		{ "residuals", required_argument, NULL, OPT_RESOUT },
		{ "plot", required_argument, NULL, OPT_PLOT },
		{ "output", required_argument, NULL, 'o' },
		{ "pretty", no_argument, NULL, OPT_PRETTY },
		{ "skip-bad", no_argument, NULL, OPT_SKIP_BAD },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const losses[] = { "ls", "huber", "cauchy", NULL };
	static const char *const resids[] = { "log", "relative", NULL };
	int c;

	memset(o, 0, sizeof(*o));
	o->want[FIT_B] = o->want[FIT_O] = 1;
	fit_par_zero(&o->prior);
	o->seed = 1;
	while ((c = getopt_long(argc, argv, ":g:o:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_FIT:	opt_fit(o, optarg); break;
		case OPT_PRIOR:	opt_prior(o, optarg); break;
		case OPT_LOSS:
			o->loss = (enum fit_loss)opt_choice("--loss", optarg,
			    losses);
			break;
		case OPT_RESID:
			o->resid = (enum fit_resid)opt_choice("--residual",
			    optarg, resids);
			break;
		case OPT_EXACT:	o->exact_only = 1; break;
		case OPT_KEEP_DUMMY: o->keep_dummy = 1; break;
		case OPT_MAX_ITER:
			o->max_iter = (int)opt_int("--max-iter", optarg, 1,
			    100000);
			break;
		case 'x':
			o->outlier_cut = opt_double("--outlier-cut", optarg);
			if (o->outlier_cut <= 0)
				usage_error("--outlier-cut: must be positive, "
				    "got '%s'", optarg);
			break;
		case OPT_HOLDOUT:
			o->holdout = opt_double("--holdout", optarg);
			if (!(o->holdout > 0 && o->holdout < 1))
				usage_error("--holdout: must be between 0 and "
				    "1 (exclusive), got '%s'", optarg);
			break;
		case OPT_KFOLD:
			o->kfold = (long)opt_int("--kfold", optarg, 2, 100);
			break;
		case OPT_SEED:
			o->seed = (unsigned long)opt_int("--seed", optarg, 0,
			    4294967295LL);
			break;
		case 'g':	o->hw_name = optarg; break;
		case OPT_HWCONFIG: o->hw_config = optarg; break;
		case OPT_HWOUT:	o->hw_out = optarg; break;
		case OPT_RESOUT: o->res_out = optarg; break;
		case OPT_PLOT:	o->plot_dir = optarg; break;
		case 'o':	o->out = optarg; break;
		case OPT_PRETTY: o->pretty = 1; break;
		case OPT_SKIP_BAD: o->skip_bad = 1; break;
		case 'q':	o->quiet = 1; break;
		case 'h':	usage(); exit(0);
		case 'V':	print_version(); exit(0);
		default:	bad_option(c, argv);
		}
	}
	if (o->holdout > 0 && o->kfold > 0)
		usage_error("--holdout and --kfold: choose one");
	if (o->hw_out != NULL && o->hw_name == NULL)
		usage_error("--hardware-config-out needs --hardware NAME");
}

/* ---------------------------------------------------------------- input */

static enum excl
exclusion(const struct opts *o, const struct fit_rec *r)
{
	if (r->dummy && !o->keep_dummy)
		return EX_DUMMY;
	if (!r->has_dur)
		return EX_NO_DUR;
	if (r->estimated && o->exact_only)
		return EX_ESTIMATED;
	/* A step with nothing in it has no model time to compare. */
	if (r->kind == FIT_EMPTY ||
	    (r->st.compute_us == 0 && r->st.memory_us == 0))
		return EX_EMPTY;
	return EX_N;
}

static void
read_line(const struct opts *o, struct input *in, const char *file,
    long lineno, const char *line, size_t len)
{
	struct fit_rec r;
	struct jerr e;
	enum excl x;

	if (fit_rec_parse(line, len, &r, &e) < 0) {
		warnat(file, lineno, "%s", e.msg);
		if (!o->skip_bad)
			exit(EXIT_DATA);
		in->bad++;
		return;
	}
	in->read++;
	if ((x = exclusion(o, &r)) != EX_N)
		in->excl[x]++;
	else
		fit_data_add(&in->d, &r);
}

static void
read_file(const struct opts *o, struct input *in, const char *path)
{
	struct linereader lr;
	struct progress pg;
	long before = in->read + in->bad;
	size_t len;
	char *line;

	if (lr_open(&lr, path) < 0)
		die(EXIT_DATA, "%s: %s", path, strerror(errno));
	progress_start(&pg, lr.fp, lr.name, o->quiet);
	while ((line = lr_next(&lr, &len)) != NULL) {
		progress_update(&pg);
		fit_sha256_update(&in->sha, line, len);
		fit_sha256_update(&in->sha, "\n", 1);
		if (!lr_blank(line, len))
			read_line(o, in, lr.name, lr.lineno, line, len);
	}
	progress_done(&pg);
	if (lr_error(&lr))
		die(EXIT_DATA, "%s: read error: %s", lr.name, strerror(errno));
	if (in->read + in->bad == before)
		warnat(lr.name, 0, "no eval records");
	lr_close(&lr);
}

/* ----------------------------------------------------------- the fit */

static double
median_dur(const struct fit_data *d)
{
	double *t = xmalloc(d->n * sizeof(double)), m;

	memcpy(t, d->dur_us, d->n * sizeof(double));
	m = gsl_stats_median(t, 1, d->n);
	free(t);
	return m;
}

static void
problem_init(struct fit_problem *pb, const struct opts *o,
    const struct fit_data *d)
{
	memset(pb, 0, sizeof(*pb));
	pb->d = d;
	pb->n = d->n;
	memcpy(pb->want, o->want, sizeof(pb->want));
	pb->prior = o->prior;
	pb->resid = o->resid;
	pb->loss = o->loss;
	pb->max_iter = o->max_iter;
	pb->h_unit = median_dur(d);
}

/*
 * --outlier-cut: steps beyond K robust scales of the first fit leave the
 * problem; the caller refits without them.  Returns how many left.
 */
static long
cut_outliers(struct fit_problem *pb, const struct fit_solution *sol,
    double k, size_t **idx)
{
	double *r = xmalloc(pb->n * sizeof(double)), *t, scale;
	size_t i, n = 0;

	for (i = 0; i < pb->n; i++)
		r[i] = fit_residual(pb, i, &sol->est, NULL);
	t = xmalloc(pb->n * sizeof(double));
	for (i = 0; i < pb->n; i++)
		t[i] = fabs(r[i]);
	scale = gsl_stats_median(t, 1, pb->n) / 0.6744897501960817;
	free(t);
	*idx = xmalloc(pb->n * sizeof(size_t));
	for (i = 0; i < pb->n; i++)
		if (!(fabs(r[i]) > k * scale))
			(*idx)[n++] = i;
	free(r);
	pb->idx = *idx;
	pb->n = n;
	return (long)(pb->d->n - n);
}

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
		fit_data_step(pb->d, fit_pb_step(pb, k), &st);
		tmp[k] = fit_time(&f->r.sol.est, &st, NULL);
	}
	gsl_sort(tmp, 1, pb->n);
	p10 = gsl_stats_quantile_from_sorted_data(tmp, 1, pb->n, 0.1);
	p90 = gsl_stats_quantile_from_sorted_data(tmp, 1, pb->n, 0.9);
	for (k = 0; k < pb->n; k++) {
		i = fit_pb_step(pb, k);
		fit_data_step(pb->d, i, &st);
		pred = fit_time(&f->r.sol.est, &st, NULL);
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
	f->overhead_suspected = !f->r.sol.on[FIT_H] &&
	    f->short_resid - f->long_resid > 0.05;
}

static void
run_fit(struct fit_out *f, const struct opts *o, struct input *in)
{
	struct fit_par zero;
	char msg[256];
	double *tmp;

	problem_init(&f->pb, o, &in->d);
	if (fit_identified(&f->pb, &f->r, msg, sizeof(msg)) < 0)
		die(EXIT_DATA, "%s", msg);
	if (o->outlier_cut > 0) {
		in->excl[EX_OUTLIER] = cut_outliers(&f->pb, &f->r.sol,
		    o->outlier_cut, &f->idx);
		if (f->pb.n == 0)
			die(EXIT_DATA, "--outlier-cut %g left no steps",
			    o->outlier_cut);
		fit_result_free(&f->r);
		if (fit_identified(&f->pb, &f->r, msg, sizeof(msg)) < 0)
			die(EXIT_DATA, "%s", msg);
	}
	tmp = xmalloc(f->pb.n * sizeof(double));
	fit_par_zero(&zero);
	fit_metrics_groups(&f->pb, &zero, f->before, tmp);
	fit_metrics_groups(&f->pb, &f->r.sol.est, f->after, tmp);
	overhead_check(f, tmp);
	free(tmp);
}

/* -------------------------------------------------------------- report */

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
		jw_key(w, fit_group_names[g]);
		write_metrics(w, &m[g]);
	}
	jw_key(w, "mixed_by_minority_fraction");
	jw_arr(w);
	for (g = 0; g < FIT_NBIN; g++) {
		jw_obj(w);
		jw_key(w, "range");
		jw_arr(w);
		jw_num(w, fit_mf_edges[g]);
		jw_num(w, fit_mf_edges[g + 1]);
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
	jw_kstr(w, "status", fit_id_names[id->status[k]]);
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

	jw_key(w, fit_par_names[k]);
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
			jw_str(w, fit_par_names[i]);
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
write_steps(struct jw *w, const struct input *in, const struct fit_out *f)
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
			jw_knum(w, fit_par_names[k], v->folds[i].est.v[k]);
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
write_options(struct jw *w, const struct opts *o)
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
			    "%s%s", spec[0] ? "," : "", par_short[k]);
	jw_kstr(w, "fit", spec);
	jw_kstr(w, "loss", loss_name(o->loss));
	jw_kstr(w, "residual", resid_name(o->resid));
	jw_key(w, "prior");
	jw_obj(w);
	for (k = 0; k < FIT_NPAR; k++)
		jw_knum(w, fit_par_names[k], o->prior.v[k]);
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
write_provenance(struct jw *w, const struct opts *o, const struct input *in,
    int nfiles, char **files)
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

static void
write_report(FILE *fp, const struct opts *o, const struct input *in,
    const struct fit_out *f, const struct fit_validation *v, int nfiles,
    char **files)
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

/* ------------------------------------------------------- other outputs */

static void
write_residuals(const char *path, const struct fit_out *f)
{
	const struct fit_problem *pb = &f->pb;
	struct fit_par zero;
	struct fit_step st;
	struct jw w;
	FILE *fp = out_open(path);
	double meas, after;
	size_t k, i;

	fit_par_zero(&zero);
	jw_init(&w, fp);
	for (k = 0; k < pb->n; k++) {
		i = fit_pb_step(pb, k);
		fit_data_step(pb->d, i, &st);
		meas = pb->d->dur_us[i];
		after = fit_predict(&f->r.sol.est, &st);
		jw_obj(&w);
		if (pb->d->step[i] >= 0)
			jw_kint(&w, "step", pb->d->step[i]);
		else
			jw_knull(&w, "step");
		jw_knum(&w, "measured_us", meas);
		jw_knum(&w, "pred_before_us", fit_predict(&zero, &st));
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

/*
 * --plot: measured against predicted step time (log-log, by step kind)
 * and the residual against the minority fraction of mixed steps.
 */
static void
write_plots(const char *dir, const struct fit_out *f)
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
		i = fit_pb_step(pb, k);
		fit_data_step(pb->d, i, &st);
		pred[k] = fit_predict(&f->r.sol.est, &st);
		meas[k] = pb->d->dur_us[i];
		grp[k] = pb->d->kind[i] == FIT_PREFILL ? 0 :
		    pb->d->kind[i] == FIT_DECODE ? 1 : 2;
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

/* The hardware config to edit, loaded and checked before any fitting. */
static cJSON *
hw_load(const struct opts *o, char *path, size_t sz)
{
	struct hw_calib hw;
	char msg[1200];
	cJSON *doc;
	int rc;

	if (o->hw_config != NULL)
		snprintf(path, sz, "%s", o->hw_config);
	else
		share_path(path, sz, "hardware_config.json");
	if ((doc = hw_read(path, msg, sizeof(msg))) == NULL)
		die(EXIT_DATA, "%s", msg);
	if ((rc = hw_entry(doc, path, o->hw_name, &hw, msg, sizeof(msg))) < 0) {
		cJSON_Delete(doc);
		if (rc == -2)
			usage_error("%s", msg);
		die(EXIT_DATA, "%s", msg);
	}
	return doc;
}

static void
set_number(cJSON *obj, const char *key, double v)
{
	cJSON *n = cJSON_CreateNumber(v);

	if (n == NULL)
		die(EXIT_DATA, "out of memory");
	if (cJSON_GetObjectItemCaseSensitive(obj, key) != NULL)
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, n);
	else
		cJSON_AddItemToObject(obj, key, n);
}

/*
 * Everything as it was but the entry's two penalties.  A fitted scale or
 * overhead has no field there, so roofline-eval with this file gives the
 * "after" predictions only when neither was fitted: say so.
 */
static void
write_hw(const struct opts *o, cJSON *doc, const struct fit_out *f)
{
	cJSON *ent = cJSON_GetObjectItemCaseSensitive(doc, o->hw_name);
	struct jw w;
	FILE *fp;

	set_number(ent, "mixedBatchPenalty", f->r.sol.est.v[FIT_B]);
	set_number(ent, "overlapPenalty", f->r.sol.est.v[FIT_O]);
	if (f->r.sol.est.v[FIT_H] != 0 || f->r.sol.est.v[FIT_S] != 1)
		warnmsg("%s: holds the penalties only; the fitted overhead "
		    "and scale have no field in a hardware config", o->hw_out);
	fp = out_open(o->hw_out);
	jw_init(&w, fp);
	w.pretty = 1;
	jw_cjson(&w, doc);
	jw_endline(&w);
	jw_free(&w);
	out_close(fp);
}

int
main(int argc, char **argv)
{
	static struct input in;
	static struct fit_out f;
	struct fit_validation v;
	struct opts o;
	char hwpath[4096], msg[256];
	cJSON *hwdoc = NULL;
	FILE *out;
	int i, k, nwant = 0;

	err_setprog(argv[0]);
	gsl_set_error_handler_off();
	parse_opts(argc, argv, &o);
	if (o.hw_out != NULL)
		hwdoc = hw_load(&o, hwpath, sizeof(hwpath));
	fit_data_init(&in.d);
	fit_sha256_init(&in.sha);
	if (optind == argc)
		read_file(&o, &in, "-");
	for (i = optind; i < argc; i++)
		read_file(&o, &in, argv[i]);
	fit_sha256_hex(&in.sha, in.digest);
	if (in.bad > 0)
		warnmsg("skipped %ld bad record%s of %ld", in.bad,
		    in.bad == 1 ? "" : "s", in.bad + in.read);
	for (k = 0; k < FIT_NPAR; k++)
		nwant += o.want[k];
	if (in.d.n <= (size_t)nwant)
		die(EXIT_DATA, "%zu usable step%s (of %ld read; %ld without "
		    "dur_us): too few to fit %d parameter%s", in.d.n,
		    in.d.n == 1 ? "" : "s", in.read, in.excl[EX_NO_DUR], nwant,
		    nwant == 1 ? "" : "s");
	run_fit(&f, &o, &in);
	if (fit_validate(&f.pb, f.r.sol.on, o.holdout, o.kfold, o.seed, &v,
	    msg, sizeof(msg)) < 0)
		die(EXIT_DATA, "%s", msg);
	if (o.res_out != NULL)
		write_residuals(o.res_out, &f);
	if (o.plot_dir != NULL)
		write_plots(o.plot_dir, &f);
	if (hwdoc != NULL)
		write_hw(&o, hwdoc, &f);
	out = out_open(o.out);
	write_report(out, &o, &in, &f, &v, argc - optind, argv + optind);
	out_close(out);
	cJSON_Delete(hwdoc);
	fit_validation_free(&v);
	free(f.idx);
	fit_result_free(&f.r);
	fit_data_free(&in.d);
	return 0;
}

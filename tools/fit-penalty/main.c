/*
 * fit-penalty: fit BLIS's mixed-batch and overlap penalties (and, when
 * asked, the entry's MFUs and effective bandwidth, a per-step overhead
 * and a scale) to measured step times.
 * Reads eval records (roofline-eval output) with dur_us, writes one JSON
 * object: estimates with their uncertainty, what the data can and cannot
 * tell, the error before and after, and where the numbers came from.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "io/cli.h"
#include "io/err.h"
#include "io/input.h"
#include "io/outfile.h"
#include "io/progress.h"
#include "records/eval.h"
#include "fit.h"
#include "hwconfig.h"
#include "model/hardware.h"
#include "report.h"
#include "reqmain.h"
#include "sample.h"
#include "validate.h"

enum {
	OPT_FIT = 0x100, OPT_LOSS, OPT_RESID, OPT_PRIOR, OPT_EXACT,
	OPT_HOLDOUT, OPT_SEED, OPT_KFOLD, OPT_HWOUT, OPT_HWCONFIG, OPT_RESOUT,
	OPT_PLOT, OPT_PRETTY, OPT_KEEP_DUMMY, OPT_MAX_ITER, OPT_SUMMARY,
	OPT_KEEP_BELOW, OPT_SAMPLE, OPT_SOURCE_NAME
};

/* ------------------------------------------------------------ options */

static void
usage(void)
{
	char known[200], entry[200];

	param_names(known, sizeof(known), PARAM_ENTRY, 0);
	param_names(entry, sizeof(entry), PARAM_ENTRY, 1);
	printf("usage: fit-penalty [options] [FILE...]\n"
	    "Fit BLIS's roofline entry (mfuPrefill, mfuDecode, an effective "
	    "BwPeakTBs) and\nPR #951's mixed-batch and overlap penalties to "
	    "measured step times; write\nonly the fields the steps inform.\n"
	    "Input: eval records (roofline-eval output) with dur_us.\n\n"
	    "      --fit LIST                 parameters to fit, from %s\n"
	    "                                 and, with -g, %s\n"
	    "                                 (without --fit: b,o, the "
	    "penalties, which BLIS\n                                 main "
	    "ignores; an entry BLIS main reads: -g GPU\n"
	    "                                 --fit b,o,mfu-prefill,mfu-decode,"
	    "bandwidth);\n                                 client-offset is "
	    "fitted whenever steps are\n                                 "
	    "timed by a client's TTFT\n"
	    "      --prior NAME=X             value of a parameter not fitted "
	    "or not\n                                 informed (default: "
	    "penalties and overhead 0,\n                                 "
	    "scale 1, the entry's own fields)\n"
	    "      --loss ls|huber|cauchy     loss (default ls; huber, which "
	    "rooftrace-\n                                 calibrate uses, "
	    "resists outliers)\n", known, entry);
	printf("      --residual log|relative    residual form (default log)\n"
	    "      --exact-only               exclude steps marked estimated\n"
	    "      --keep-dummy               fit dummy steps too\n"
	    "      --keep-below-floor         fit steps far below the physical "
	    "floor too\n"
	    "      --source-name TEXT         the inputs' name in the entry's "
	    "provenance\n"
	    "      --max-iter N               solver iterations a start "
	    "(default 200)\n"
	    "      --outlier-cut K            drop steps beyond K robust "
	    "scales, refit\n"
	    "      --holdout FRACTION         hold out a random fraction for "
	    "testing\n"
	    "      --kfold K                  K-fold cross-validation (the "
	    "verdict's\n                                 own: 5-fold, or a "
	    "20 %% holdout from\n                                 1000 steps)\n"
	    "      --sample N                 fit a stratified random sample of"
	    "\n                                 at most N steps, weighted "
	    "(memory\n                                 bounded by N)\n"
	    "      --seed N                   seed for --holdout/--kfold/"
	    "--sample\n                                 (default 1)\n"
	    "  -g, --hardware NAME            the entry the eval records were "
	    "made\n                                 with (for the entry's "
	    "fields and\n                                 "
	    "--hardware-config-out)\n"
	    "      --hardware-config FILE     hardware_config.json to start "
	    "from\n"
	    "      --hardware-config-out FILE write it with the informed "
	    "fields\n"
	    "      --plot DIR                 plots of the fit (needs gnuplot)\n"
	    "      --residuals FILE           write per-step residuals "
	    "(NDJSON)\n"
	    "  -o, --output FILE              write the report to FILE "
	    "atomically\n"
	    "      --pretty                   indent the report\n"
	    "      --summary                  the report as a table\n"
	    "      --skip-bad                 skip and count malformed records\n"
	    "  -q, --quiet                    no progress display\n"
	    "  -h, --help                     show this help\n"
	    "  -V, --version                  show the version\n");
	reqmain_usage();
}

static void
opt_fit(struct fit_opts *o, const char *arg)
{
	const char *p = arg, *comma;
	char known[200], entry[200];
	size_t len;
	int k;

	memset(o->want, 0, sizeof(o->want));
	for (;;) {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if ((k = param_index(p, len)) >= 0)
			o->want[k] = 1;
		else {
			param_names(known, sizeof(known), PARAM_ENTRY, 0);
			param_names(entry, sizeof(entry), PARAM_ENTRY, 1);
			err_warn("--fit: unknown parameter '%.*s' (known: %s)",
			    (int)len, p, known);
			err_usage("--fit: and, given -g, the entry's fields %s",
			    entry);
		}
		if (comma == NULL)
			break;
		p = comma + 1;
	}
}

/* The words for row k's bounds in a --prior message. */
static void
prior_range(int k, char *buf, size_t sz)
{
	double lo, hi;

	param_bounds(k, &lo, &hi);
	if (isinf(hi))
		snprintf(buf, sz, param_is(k, PARAM_POSITIVE) ? "positive" :
		    "at least %g", lo);
	else
		snprintf(buf, sz, "in [%g, %g]", lo, hi);
}

static void
opt_prior(struct fit_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char known[200], entry[200], range[64];
	double v, lo, hi;
	int k = eq != NULL ? param_index(arg, (size_t)(eq - arg)) : -1;

	if (k < 0) {
		param_names(known, sizeof(known), PARAM_ENTRY, 0);
		param_names(entry, sizeof(entry), PARAM_ENTRY, 1);
		err_warn("--prior: expected NAME=VALUE with NAME one of %s, "
		    "got '%s'", known, arg);
		err_usage("--prior: or, given -g, one of the entry's fields %s",
		    entry);
		return;		/* not reached; for checkers */
	}
	if (param_is(k, PARAM_PENALTY))
		v = cli_opt_penalty("--prior", eq + 1);
	else
		v = cli_opt_double("--prior", eq + 1);
	param_bounds(k, &lo, &hi);
	if (!(param_is(k, PARAM_POSITIVE) ? v > lo : v >= lo) || !(v <= hi)) {
		prior_range(k, range, sizeof(range));
		err_usage("--prior: %s must be %s, got '%s'",
		    param_table[k].short_name, range, eq + 1);
	}
	o->prior.v[k] = v;
	o->prior_set[k] = 1;
}

static int
opt_choice(const char *opt, const char *arg, const char *const *names)
{
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(arg, names[i]) == 0)
			return i;
	err_usage("%s: unknown value '%s'", opt, arg);
}

static void
parse_opts(int argc, char **argv, struct fit_opts *o, struct common_opts *co)
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
		{ "sample", required_argument, NULL, OPT_SAMPLE },
		{ "hardware", required_argument, NULL, 'g' },
		{ "hardware-config", required_argument, NULL, OPT_HWCONFIG },
		{ "hardware-config-out", required_argument, NULL, OPT_HWOUT },
		{ "residuals", required_argument, NULL, OPT_RESOUT },
		{ "plot", required_argument, NULL, OPT_PLOT },
		{ "pretty", no_argument, NULL, OPT_PRETTY },
		{ "summary", no_argument, NULL, OPT_SUMMARY },
		{ "keep-below-floor", no_argument, NULL, OPT_KEEP_BELOW },
		{ "source-name", required_argument, NULL, OPT_SOURCE_NAME },
		COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	static const char *const losses[] = { "ls", "huber", "cauchy", NULL };
	static const char *const resids[] = { "log", "relative", NULL };
	int c;

	memset(o, 0, sizeof(*o));
	for (c = 0; c < FIT_NPAR; c++)
		o->want[c] = param_is(c, PARAM_DEFAULT);
	steptime_par_zero(&o->prior);
	o->seed = 1;
	while ((c = getopt_long(argc, argv, ":g:" COMMON_SHORTOPTS, longopts,
	    NULL)) != -1) {
		if (input_opts_take(co, c, optarg, usage))
			continue;
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
			o->max_iter = (int)cli_opt_int("--max-iter", optarg, 1,
			    100000);
			break;
		case 'x':
			o->outlier_cut = cli_opt_double("--outlier-cut", optarg);
			if (o->outlier_cut <= 0)
				err_usage("--outlier-cut: must be positive, "
				    "got '%s'", optarg);
			break;
		case OPT_HOLDOUT:
			o->holdout = cli_opt_double("--holdout", optarg);
			if (!(o->holdout > 0 && o->holdout < 1))
				err_usage("--holdout: must be between 0 and "
				    "1 (exclusive), got '%s'", optarg);
			break;
		case OPT_KFOLD:
			o->kfold = (long)cli_opt_int("--kfold", optarg, 2, 100);
			break;
		case OPT_SEED:
			o->seed = (unsigned long)cli_opt_int("--seed", optarg, 0,
			    4294967295LL);
			break;
		case OPT_SAMPLE:
			o->sample = (long)cli_opt_int("--sample", optarg, 2,
			    100000000);
			break;
		case 'g':	o->hw_name = optarg; break;
		case OPT_HWCONFIG: o->hw_config = optarg; break;
		case OPT_HWOUT:	o->hw_out = optarg; break;
		case OPT_RESOUT: o->res_out = optarg; break;
		case OPT_PLOT:	o->plot_dir = optarg; break;
		case OPT_PRETTY: o->pretty = 1; break;
		case OPT_SUMMARY: o->summary = 1; break;
		case OPT_KEEP_BELOW: o->keep_below_floor = 1; break;
		case OPT_SOURCE_NAME: o->source_name = optarg; break;
		default:	cli_bad_option(c, argv);
		}
	}
	if (o->holdout > 0 && o->kfold > 0)
		err_usage("--holdout and --kfold: choose one");
	if (o->hw_out != NULL && o->hw_name == NULL)
		err_usage("--hardware-config-out needs --hardware NAME");
	for (c = 0; c < FIT_NPAR; c++)
		if (param_is(c, PARAM_ENTRY) && (o->want[c] ||
		    o->prior_set[c]) && o->hw_name == NULL)
			err_usage("%s %s needs the hardware entry the eval "
			    "records were made with: give -g GPU "
			    "[--hardware-config FILE]", o->want[c] ? "--fit" :
			    "--prior", param_table[c].short_name);
}

/*
 * The entry's MFUs and bandwidth: the reference the eval records' times
 * were made with, and the prior of the fields not asked for.
 */
static void
take_entry(struct fit_opts *o, const struct hw_calib *hw)
{
	int k;

	o->has_entry = 1;
	o->bw_peak_tbs = hw->bw_peak_tbs;
	steptime_set_reference(hw->mfu_prefill, hw->mfu_decode);
	for (k = 0; k < FIT_NPAR; k++)
		if (param_is(k, PARAM_ENTRY) && !o->prior_set[k])
			o->prior.v[k] = steptime_reference(k);
}

/* --------------------------------------------------------------- read */

struct reader {
	const struct fit_opts *o;
	struct fit_steps *s;
	struct jsonin j;	/* records parsed into memory reused */
	struct eval_buf lean;	/* a record less its request lists */
};

static enum fit_excl
exclusion(const struct fit_opts *o, const struct eval_rec *r)
{
	if (r->dummy && !o->keep_dummy)
		return EX_DUMMY;
	if (!r->has_dur)
		return EX_NO_DUR;
	if (r->estimated && o->exact_only)
		return EX_ESTIMATED;
	/* A step with nothing in it has no model time to compare. */
	if (r->kind == EVAL_EMPTY || (r->compute_us == 0 && r->memory_us == 0))
		return EX_EMPTY;
	if (data_far_below(r) && !o->keep_below_floor)
		return EX_BELOW_FLOOR;
	return EX_N;
}

/* The first row of want[] that needs the compute split, or -1. */
static int
split_wanted(const int want[FIT_NPAR])
{
	int k;

	for (k = 0; k < FIT_NPAR; k++)
		if (want[k] && param_is(k, PARAM_SPLIT))
			return k;
	return -1;
}

/* The field the fit asked for that the record lacks, or NULL. */
static const char *
missing_split(const struct fit_opts *o, const struct eval_rec *r)
{
	if (split_wanted(o->want) < 0)
		return NULL;
	if (!r->has_compute_prefill)
		return "compute_prefill_us";
	return r->has_compute_decode ? NULL : "compute_decode_us";
}

static enum input_status
read_record(struct reader *rd, struct input *in, const char *line,
    size_t len)
{
	struct eval_rec r;
	struct errmsg e;
	enum fit_excl x;
	enum fit_src src = SRC_STEP;
	const char *miss;

	if (eval_parse_lean(&rd->j, &rd->lean, line, len, &r, &e) < 0) {
		err_warnat(in->lr.name, in->lr.lineno, "%s", e.msg);
		return INPUT_BAD;
	}
	/*
	 * The model's own time is no measurement: left out and counted
	 * (a token clock's untimed steps), or, when it is most of what
	 * was read, the run stops (model_time_check).
	 */
	if (r.has_dur && (src = data_source(&r)) == SRC_MODEL &&
	    !(r.dummy && !rd->o->keep_dummy)) {
		rd->s->excl[EX_MODEL_TIME]++;
		rd->s->timed++;
		return INPUT_OK;
	}
	if (r.engine_wait && r.has_dur) {
		rd->s->engine_wait++;
		rd->s->engine_wait_below += r.below_floor;
	}
	if (r.has_dur)
		rd->s->timed++;
	if (r.has_dur && r.below_floor && !data_far_below(&r))
		rd->s->near_floor++;
	if ((x = exclusion(rd->o, &r)) == EX_N &&
	    (miss = missing_split(rd->o, &r)) != NULL) {
		err_warnat(in->lr.name, in->lr.lineno, "missing field \"%s\" "
		    "(--fit %s needs the compute time of the prefill and of "
		    "the decode tokens apart: re-run roofline-eval, which "
		    "writes them)", miss,
		    param_table[split_wanted(rd->o->want)].short_name);
		return INPUT_BAD;
	}
	if (x != EX_N)
		rd->s->excl[x]++;
	else if (rd->s->smp != NULL)
		sample_add(rd->s->smp, &r, src == SRC_CLIENT);
	else
		data_add(&rd->s->d, &r, src == SRC_CLIENT);
	return INPUT_OK;
}

/*
 * A file handler, not a line one: the provenance digest covers every
 * line as read, blank ones too.
 */
static int
read_file(void *ctx, struct input *in)
{
	struct reader *rd = ctx;
	struct progress pg;
	size_t len;
	char *line;

	progress_start(&pg, in->lr.fp, in->lr.name, in->quiet);
	while ((line = linereader_next(&in->lr, &len)) != NULL) {
		progress_update(&pg);
		digest_update(&rd->s->sha, line, len);
		digest_update(&rd->s->sha, "\n", 1);
		if (!linereader_blank(line, len))
			input_count(in, read_record(rd, in, line, len));
	}
	progress_done(&pg);
	return 0;
}

static void
read_steps(const struct fit_opts *o, const struct common_opts *co,
    struct fit_steps *s, char *const *paths, int npaths)
{
	struct reader rd;
	struct input in;

	memset(&rd, 0, sizeof(rd));
	rd.o = o;
	rd.s = s;
	jsonin_init(&rd.j);

	/* The compute split only when the entry's MFUs may move. */
	data_init(&s->d, split_wanted(o->want) >= 0 ||
	    split_wanted(o->prior_set) >= 0, o->res_out != NULL);
	digest_init(&s->sha);
	input_init(&in, co);
	in.none_msg = "no eval records";
	if (o->sample > 0) {
		s->smp = err_malloc(sizeof(*s->smp));
		sample_init(s->smp, (size_t)o->sample, o->seed);
	}
	input_files(&in, paths, npaths, read_file, &rd);
	jsonin_free(&rd.j);
	free(rd.lean.buf);
	if (s->smp != NULL)
		sample_finish(s->smp, &s->d);
	digest_hex(&s->sha, s->digest);
	input_report(&in);
	s->read = in.records;
	s->bad = in.skipped;
}

/*
 * The rows fitted whenever a used step informs them (the client offset,
 * when steps are timed by a client's TTFT), unless --prior holds them.
 */
static void
auto_rows(struct fit_opts *o, const struct fit_data *d)
{
	struct fit_step st;
	size_t i;
	int k;

	for (k = 0; k < FIT_NPAR; k++) {
		if (!param_is(k, PARAM_AUTO) || o->prior_set[k] || o->want[k])
			continue;
		for (i = 0; i < d->n && !o->want[k]; i++) {
			data_step(d, i, &st);
			o->want[k] = param_table[k].part(&st) > 0;
		}
	}
}

/*
 * Times far below the physical floor for most timed steps: the source
 * does not time steps.  Refused, unless --keep-below-floor.
 */
static void
floor_check(const struct fit_opts *o, const struct fit_steps *s)
{
	long far = s->excl[EX_BELOW_FLOOR];

	/* None left: the message below says so. */
	if (o->keep_below_floor || far == 0 || 2 * far <= s->timed ||
	    s->d.n == 0)
		return;
	err_die(EXIT_DATA, "%ld of %ld timed steps are far below the physical "
	    "floor (under %g of it, beyond any timer's noise): their times "
	    "are not step times, and the fit stops; --keep-below-floor fits "
	    "them anyway", far, s->timed, FIT_FLOOR_NOISE);
}

/*
 * Most timed steps timed by the model itself (dur_source roofline or
 * step_us: a replay): fitting them would fit the model to itself.
 */
static void
model_time_check(const struct fit_steps *s)
{
	long model = s->excl[EX_MODEL_TIME];

	if (model == 0 || 2 * model <= s->timed)
		return;
	err_die(EXIT_DATA, "%ld of %ld timed steps have dur_source roofline "
	    "or step_us: their time is the model's own (a replay's clock), "
	    "not a measurement, and fitting it would fit the model to itself "
	    "(measured times come from batchify --mode timestamps or "
	    "expand)", model, s->timed);
}

/* ---------------------------------------------------------------- main */

int
main(int argc, char **argv)
{
	static struct fit_steps s;
	static struct fit_out f;
	struct common_opts co = { 0 };
	struct hw_calib hw;
	struct fit_validation v;
	struct fit_opts o;
	char hwpath[4096], msg[256];
	cJSON *hwdoc = NULL;
	FILE *out;
	int k, nwant = 0;

	err_setprog(argv[0]);
	if (reqmain_wanted(argc, argv))
		return reqmain(argc, argv);
	gsl_set_error_handler_off();
	parse_opts(argc, argv, &o, &co);
	hwconfig_check_outputs(co.output, o.res_out, o.hw_out, o.hw_config);
	if (o.hw_name != NULL) {
		hwdoc = hwconfig_load(o.hw_config, o.hw_name, hwpath,
		    sizeof(hwpath), &hw, &o.bw_physical_tbs);
		take_entry(&o, &hw);
	}

	outfile_refuse_inputs(co.output, argv + optind, argc - optind);
	outfile_refuse_inputs(o.res_out, argv + optind, argc - optind);
	o.files = argv + optind;
	o.nfiles = argc - optind;
	read_steps(&o, &co, &s, argv + optind, argc - optind);
	for (k = 0; k < FIT_NPAR; k++)
		nwant += o.want[k];
	if (s.engine_wait > 0 && 2 * s.engine_wait_below > s.engine_wait)
		err_warn("%ld of %ld steps (engine_wait times from a vLLM "
		    "iteration log) are below the physical floor: the log was "
		    "written with async scheduling, and its times are waits "
		    "for the GPU, not step times", s.engine_wait_below,
		    s.engine_wait);
	model_time_check(&s);
	floor_check(&o, &s);
	auto_rows(&o, &s.d);
	/* Too little to fit: the entry read for writing goes unwritten. */
	if (s.d.n <= (size_t)nwant)
		cJSON_Delete(hwdoc);
	if (s.d.n == 0 && s.excl[EX_BELOW_FLOOR] > 0)
		err_die(EXIT_DATA, "no usable steps (of %ld read): %ld are below "
		    "the physical floor (below_floor: true) and %ld have no "
		    "dur_us; --keep-below-floor fits them anyway",
		    s.read, s.excl[EX_BELOW_FLOOR], s.excl[EX_NO_DUR]);
	if (s.d.n == 0)
		err_die(EXIT_DATA, "no steps to fit (%ld records read; %ld "
		    "without dur_us)", s.read, s.excl[EX_NO_DUR]);
	if (s.d.n <= (size_t)nwant)
		err_die(EXIT_DATA, "%zu usable step%s (of %ld read; %ld without "
		    "dur_us): too few to fit %d parameter%s", s.d.n,
		    s.d.n == 1 ? "" : "s", s.read, s.excl[EX_NO_DUR], nwant,
		    nwant == 1 ? "" : "s");

	fit_run(&f, &o, &s);
	if (validate_run(&f.pb, f.r.sol.on, o.holdout, o.kfold, o.seed, &v,
	    msg, sizeof(msg)) < 0)
		err_die(EXIT_DATA, "%s", msg);
	fit_heldout(&f, &o, &v);

	outfile_hold();	/* -o, --residuals, --hardware-config-out: all or none */
	if (o.res_out != NULL)
		report_residuals(o.res_out, &f);
	if (o.plot_dir != NULL)
		report_plots(o.plot_dir, &f, &o);
	if (o.hw_out != NULL)
		hwconfig_write(hwpath, o.hw_name, o.hw_out, &o, &s, &f);
	out = outfile_open(co.output);
	if (o.summary)
		report_summary(out, &o, &s, &f, &v);
	else
		report_write(out, &o, &s, &f, &v, argc - optind,
		    argv + optind);
	outfile_close(out);
	outfile_commit();

	cJSON_Delete(hwdoc);
	validate_free(&v);
	fit_free(&f);
	data_free(&s.d);
	free(s.smp);
	return 0;
}

/*
 * fit-penalty -m MODEL -g GPU [-t TP] [scheduler options] --requests FILE
 * [STEP-FILES]: the entry, the request overheads and the prefix-cache hit
 * fraction fitted to the requests' measured latencies, with the steps'
 * measured times when eval records are named (or -).
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
#include "io/jsonin.h"
#include "io/outfile.h"
#include "io/progress.h"
#include "model/rlopts.h"
#include "records/eval.h"
#include "sched/schedopts.h"
#include "data.h"
#include "hwconfig.h"
#include "reqfit.h"
#include "reqmain.h"
#include "reqreport.h"

enum {
	RO_REQUESTS = SCHED_OPT_NEXT, RO_FIT, RO_LAG, RO_HIT, RO_HOLDOUT,
	RO_MAX_REPLAYS, RO_HWOUT, RO_SUMMARY, RO_PRETTY, RO_LOSS, RO_PRIOR,
	RO_SIMULATE, RO_SEED, RO_ALPHAS, RO_POST, RO_MAX_ITER, RO_SOURCE
};

void
reqmain_usage(void)
{
	printf("\nusage: fit-penalty -m MODEL -g GPU [-t TP] [scheduler options]"
	    " --requests FILE\n                   [STEP-FILE...]\n"
	    "Fit the entry, BLIS's request overheads and the prefix-cache hit "
	    "fraction\nto the requests' measured latencies (and the steps' "
	    "times, when eval\nrecords are named; - is standard input).\n\n"
	    "      --requests FILE            request records (NDJSON)\n"
	    "  -m, --model NAME, -t, --tp N   the model, as roofline-eval\n"
	    "      --max-num-seqs N, --max-num-batched-tokens N,\n"
	    "      --long-prefill-token-threshold N, --kv-blocks N,\n"
	    "      --block-size N, --prefix-cache none|blocks|F,\n"
	    "      --prefix-cache-cold N      the scheduler, as trace-replay\n"
	    "      --fit LIST                 the entry's fields to fit (b,o,"
	    "mfu-prefill,\n                                 mfu-decode,"
	    "bandwidth); alpha0,alpha1,hit\n"
	    "                                 (alpha2,post-decode with token "
	    "times or\n                                 decode spans) too "
	    "unless it names one\n"
	    "      --output-lag N             async scheduling's lag in steps "
	    "(default 1)\n"
	    "      --alpha-coeffs A0,A1,A2    the overheads, given: not fitted\n"
	    "      --post-decode-us X         the post-decode overhead, given\n"
	    "      --prefix-hit-fraction F    the hit fraction, given\n"
	    "      --request-holdout F        score, not fit, the requests of "
	    "the last\n                                 F of the run's time\n"
	    "      --max-replays N            replays before the fit stops "
	    "(default 12)\n"
	    "      --prior NAME=X             start, and value when not fitted\n"
	    "      --simulate SIGMA           write the requests as the priors "
	    "measure\n                                 them (lognormal noise), "
	    "no fit\n"
	    "      --source-name TEXT         the requests' name in the "
	    "provenance\n"
	    "  --loss, --max-iter, --summary, --hardware-config(-out), -o, -q:"
	    " as above\n");
}

static void
usage(void)
{
	reqmain_usage();
}

int
reqmain_wanted(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "--requests") == 0 ||
		    strncmp(argv[i], "--requests=", 11) == 0)
			return 1;
	}
	return 0;
}

static int
par_by_name(const char *name, size_t len)
{
	int k;

	for (k = 0; k < RP_N; k++)
		if ((strlen(rp_row(k)->short_name) == len &&
		    strncmp(name, rp_row(k)->short_name, len) == 0) ||
		    (strlen(rp_row(k)->name) == len &&
		    strncmp(name, rp_row(k)->name, len) == 0))
			return k;
	return -1;
}

static void
opt_fit(struct rq_opts *o, const char *arg)
{
	const char *p = arg, *comma;
	size_t len;
	int k;

	memset(o->want, 0, sizeof(o->want));
	o->fit_given = 1;
	for (;;) {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if ((k = par_by_name(p, len)) < 0) {
			err_usage("--fit: unknown parameter '%.*s' (known: b, o, "
			    "mfu-prefill, mfu-decode, bandwidth, alpha0, alpha1, "
			    "alpha2, post-decode, hit)", (int)len, p);
			return;		/* not reached; for checkers */
		}
		o->want[k] = 1;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
}

static void
opt_prior(struct rq_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	int k = eq != NULL ? par_by_name(arg, (size_t)(eq - arg)) : -1;
	double v;

	if (k < 0) {
		err_usage("--prior: expected NAME=VALUE with NAME one of b, o, "
		    "mfu-prefill, mfu-decode, bandwidth, alpha0, alpha1, "
		    "alpha2, post-decode, hit, got '%s'", arg);
		return;		/* not reached; for checkers */
	}
	v = cli_opt_double("--prior", eq + 1);
	if (!(v >= rp_row(k)->lo && v <= rp_row(k)->hi))
		err_usage("--prior: %s must be in [%g, %g], got '%s'",
		    rp_row(k)->short_name, rp_row(k)->lo, rp_row(k)->hi,
		    eq + 1);
	o->prior[k] = v;
	o->prior_set[k] = 1;
}

/* --alpha-coeffs A0,A1,A2: BLIS's roofline semantics, given. */
static void
opt_alphas(struct rq_opts *o, const char *arg)
{
	double v[3];
	char *end;
	const char *p = arg;
	int i;

	for (i = 0; i < 3; i++) {
		v[i] = strtod(p, &end);
		if (end == p || !(v[i] >= 0) || !isfinite(v[i]) ||
		    (i < 2 ? *end != ',' : *end != '\0'))
			err_usage("--alpha-coeffs: expected A0,A1,A2 (us, us a "
			    "prompt token, us a token; each at least 0), got "
			    "'%s'", arg);
		p = end + 1;
	}
	for (i = 0; i < 3; i++) {
		o->prior[RP_A0 + i] = v[i];
		o->prior_set[RP_A0 + i] = o->given[RP_A0 + i] = 1;
	}
}

static void
take(struct rq_opts *o, int c, const char *arg)
{
	switch (c) {
	case RO_REQUESTS:	o->requests = arg; break;
	case RO_FIT:		opt_fit(o, arg); break;
	case RO_LAG:
		o->lag = (int)cli_opt_int("--output-lag", arg, 0, 1);
		break;
	case RO_HIT:
		o->hit = cli_opt_double("--prefix-hit-fraction", arg);
		if (!(o->hit >= 0 && o->hit <= 1))
			err_usage("--prefix-hit-fraction: must be in [0, 1], "
			    "got '%s'", arg);
		o->hit_given = 1;
		break;
	case RO_HOLDOUT:
		o->holdout = cli_opt_double("--request-holdout", arg);
		if (!(o->holdout > 0 && o->holdout < 1))
			err_usage("--request-holdout: must be between 0 and 1 "
			    "(exclusive), got '%s'", arg);
		break;
	case RO_MAX_REPLAYS:
		o->max_replays = (int)cli_opt_int("--max-replays", arg, 1, 50);
		break;
	case RO_HWOUT:		o->hw_out = arg; break;
	case RO_SUMMARY:	o->summary = 1; break;
	case RO_PRETTY:		break;
	case RO_PRIOR:		opt_prior(o, arg); break;
	case RO_SIMULATE:
		o->simulate = cli_opt_double("--simulate", arg);
		if (!(o->simulate >= 0))
			err_usage("--simulate: must be at least 0, got '%s'", arg);
		o->simulating = 1;
		break;
	case RO_SEED:
		o->seed = (unsigned long)cli_opt_int("--seed", arg, 0,
		    4294967295LL);
		break;
	case RO_LOSS:
		/* cauchy: the request fit's robust loss is Huber's */
		if (strcmp(arg, "huber") != 0 && strcmp(arg, "ls") != 0 &&
		    strcmp(arg, "cauchy") != 0)
			err_usage("--loss: unknown loss '%s' (one of: ls, huber, "
			    "cauchy)", arg);
		o->ls = strcmp(arg, "ls") == 0;
		break;
	case RO_ALPHAS:		opt_alphas(o, arg); break;
	case RO_POST:
		o->prior[RP_POST] = cli_opt_double("--post-decode-us", arg);
		if (!(o->prior[RP_POST] >= 0))
			err_usage("--post-decode-us: must be at least 0, got "
			    "'%s'", arg);
		o->prior_set[RP_POST] = o->given[RP_POST] = 1;
		break;
	case RO_MAX_ITER:
		o->max_iter = (int)cli_opt_int("--max-iter", arg, 1, 100000);
		break;
	case RO_SOURCE:		o->source_name = arg; break;
	default:		break;	/* parse() took the rest */
	}
}

static void
parse(struct rq_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		RL_LONGOPTS,
		SCHED_LONGOPTS,
		{ "requests", required_argument, NULL, RO_REQUESTS },
		{ "fit", required_argument, NULL, RO_FIT },
		{ "output-lag", required_argument, NULL, RO_LAG },
		{ "prefix-hit-fraction", required_argument, NULL, RO_HIT },
		{ "request-holdout", required_argument, NULL, RO_HOLDOUT },
		{ "max-replays", required_argument, NULL, RO_MAX_REPLAYS },
		{ "hardware-config-out", required_argument, NULL, RO_HWOUT },
		{ "summary", no_argument, NULL, RO_SUMMARY },
		{ "pretty", no_argument, NULL, RO_PRETTY },
		{ "loss", required_argument, NULL, RO_LOSS },
		{ "prior", required_argument, NULL, RO_PRIOR },
		{ "simulate", required_argument, NULL, RO_SIMULATE },
		{ "seed", required_argument, NULL, RO_SEED },
		{ "alpha-coeffs", required_argument, NULL, RO_ALPHAS },
		{ "post-decode-us", required_argument, NULL, RO_POST },
		{ "max-iter", required_argument, NULL, RO_MAX_ITER },
		{ "source-name", required_argument, NULL, RO_SOURCE },
		COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	int c, k;

	memset(o, 0, sizeof(*o));
	rlopts_init(&o->ro);
	sched_config_default(&o->sc);
	o->lag = 1;
	o->max_replays = 12;
	o->seed = 1;
	for (k = 0; k < RP_N; k++)
		o->want[k] = 1;
	while ((c = getopt_long(argc, argv, ":" RL_SHORTOPTS COMMON_SHORTOPTS,
	    longopts, NULL)) != -1) {
		if (rlopts_take(&o->ro, c, optarg) ||
		    schedopts_take(&o->sc, c, optarg) ||
		    input_opts_take(&o->co, c, optarg, usage))
			continue;
		if (c == '?' || c == ':')
			cli_bad_option(c, argv);
		take(o, c, optarg);
	}
	if (o->ro.model == NULL || o->ro.hardware == NULL)
		err_usage("--requests needs -m MODEL and -g GPU (the replay "
		    "times the steps with the roofline)");
	if (o->sc.prefix_cache == SCHED_PREFIX_FRACTION && !o->hit_given) {
		/* --prefix-cache: an explicit override, not fitted */
		o->hit = o->sc.prefix_fraction;
		o->hit_given = 1;
	}
	o->files = argv + optind;
	o->nfiles = argc - optind;
}

/* --- measured steps (eval records) ------------------------------------ */

struct step_reader {
	struct rq_steps *st;
	struct jsonin j;
};

static enum input_status
step_line(void *ctx, struct input *in, const char *line, size_t len)
{
	struct step_reader *rd = ctx;
	struct eval_rec r;
	struct errmsg e;

	if (eval_parse_with(&rd->j, line, len, &r, &e) < 0) {
		err_warnat(in->lr.name, in->lr.lineno, "%s", e.msg);
		return INPUT_BAD;
	}
	if (r.has_dur && data_source(&r) == SRC_MODEL) {
		err_warnat(in->lr.name, in->lr.lineno, "dur_source \"%s\": the "
		    "time is the model's own, not a measurement", r.dur_source);
		return INPUT_BAD;
	}
	/* A client's TTFT is no step time: the requests carry it already. */
	if (r.dummy || !r.has_dur || r.kind == EVAL_EMPTY ||
	    (r.compute_us == 0 && r.memory_us == 0) || data_far_below(&r) ||
	    data_source(&r) == SRC_CLIENT) {
		rd->st->excluded++;
		return INPUT_OK;
	}
	if (!r.has_compute_prefill || !r.has_compute_decode) {
		err_warnat(in->lr.name, in->lr.lineno, "missing field "
		    "\"compute_prefill_us\" or \"compute_decode_us\" (re-run "
		    "roofline-eval, which writes them)");
		return INPUT_BAD;
	}
	data_add(&rd->st->d, &r, 0);
	return INPUT_OK;
}

static void
read_steps(struct rq_opts *o, struct rq_steps *st)
{
	struct step_reader rd;
	struct input in;

	memset(st, 0, sizeof(*st));
	data_init(&st->d, 1, 0);
	if (o->nfiles == 0)
		return;
	rd.st = st;
	jsonin_init(&rd.j);
	input_init(&in, &o->co);
	in.none_msg = "no eval records";
	input_lines(&in, o->files, o->nfiles, step_line, &rd);
	jsonin_free(&rd.j);
	input_report(&in);
	st->read = in.records;
	st->bad = in.skipped;
}

/* --- main ------------------------------------------------------------- */

/* Requests arriving before the last holdout share of the time span. */
static size_t
fitted_count(const struct rq_data *d, double holdout)
{
	double cut;
	size_t i;

	if (holdout <= 0 || d->n == 0)
		return d->n;
	cut = (double)d->r[0].arrival_us + (1 - holdout) *
	    (double)(d->r[d->n - 1].arrival_us - d->r[0].arrival_us);
	for (i = 0; i < d->n && (double)d->r[i].arrival_us < cut; i++)
		;
	return i;
}

/*
 * What is fitted: --fit's list; by default everything the records can
 * tell apart.  Without token times or decode spans, a per-token overhead
 * and a post-decode one are the step time's twins (an E2E is about the
 * output length times a step): held at 0 unless asked for.
 */
static void
set_on(struct rq_opts *o, const struct rq_data *d, struct rqfit_in *in)
{
	int k, named;

	memcpy(in->on, o->want, sizeof(in->on));
	/* --fit naming only the entry's fields: the requests' rows too. */
	for (named = 0, k = RP_A0; k < RP_N; k++)
		named |= o->want[k];
	if (o->fit_given && !named)
		for (k = RP_A0; k < RP_N; k++)
			in->on[k] = 1;
	for (k = 0; k < RP_N; k++)
		if (o->given[k])
			in->on[k] = 0;
	if ((!o->fit_given || !named) && 10 * (d->has[2] + d->has[5]) <
	    (long)d->n) {
		o->twins_held = in->on[RP_A2] || in->on[RP_POST];
		in->on[RP_A2] = in->on[RP_POST] = 0;
	}
	if (o->hit_given || d->has_cached == (long)d->n)
		in->on[RP_HIT] = 0;
	for (k = 0; k < RP_N; k++)
		if (in->on[k] && rp_row(k)->lo == rp_row(k)->hi)
			in->on[k] = 0;
}

static void
set_prior(struct rq_opts *o, const struct hw_calib *hw, struct rq_par *p)
{
	int k;

	memset(p, 0, sizeof(*p));
	steptime_set_reference(hw->mfu_prefill, hw->mfu_decode);
	steptime_par_zero(&p->f);
	p->f.v[FIT_B] = hw->mixed_batch_penalty;
	p->f.v[FIT_O] = hw->overlap_penalty;
	p->v[RQ_HIT] = o->hit_given ? o->hit : 0;
	p->lag = o->lag;
	for (k = 0; k < RP_N; k++)
		if (o->prior_set[k])
			rp_set(p, k, o->prior[k]);
}

int
reqmain(int argc, char **argv)
{
	static struct rq_opts o;
	static struct rq_data d;
	static struct rq_steps st;
	struct rqfit_in in;
	struct rqfit_out out;
	struct roofline rl;
	struct hw_calib hw;
	double bw_phys;
	char hwpath[4096], msg[256];
	char *req_path[1];
	cJSON *doc;
	int k;

	gsl_set_error_handler_off();
	parse(&o, argc, argv);
	hwconfig_check_outputs(o.co.output, NULL, o.hw_out, o.ro.hwconfig);
	rlopts_build(&o.ro, &rl);
	doc = hwconfig_load(o.ro.hwconfig, o.ro.hardware, hwpath,
	    sizeof(hwpath), &hw, &bw_phys);
	read_steps(&o, &st);
	req_path[0] = (char *)o.requests;
	rqdata_read(&d, &o.co, req_path, 1);
	if (d.n == 0)
		err_die(EXIT_DATA, "%s: no usable request records", o.requests);

	if (o.simulating) {
		struct rq_par p;

		set_prior(&o, &hw, &p);
		rqsim_write(&o, &d, &rl, &p);
		cJSON_Delete(doc);
		rqdata_free(&d);
		data_free(&st.d);
		return 0;
	}
	memset(&in, 0, sizeof(in));
	in.r = d.r;
	in.nfit = fitted_count(&d, o.holdout);
	in.nreq = in.nfit;
	in.steps = st.d.n > 0 ? &st.d : NULL;
	in.rl = &rl;
	in.sc = &o.sc;
	in.max_replays = o.max_replays;
	in.progress = progress_wanted(o.co.quiet, &in.tty);
	in.huber = !o.ls;
	in.max_iter = o.max_iter;
	set_on(&o, &d, &in);
	set_prior(&o, &hw, &in.prior);
	if (in.nfit < 10)
		err_die(EXIT_DATA, "%zu requests to fit (of %zu): too few",
		    in.nfit, d.n);
	if (rqfit_run(&in, &out, msg, sizeof(msg)) < 0)
		err_die(EXIT_DATA, "%s", msg);
	if (o.hit_given || !in.on[RP_HIT]) {
		out.status[RP_HIT] = RS_GIVEN;
		snprintf(out.why[RP_HIT], sizeof(out.why[RP_HIT]), "%s",
		    o.hit_given ? "given (--prefix-hit-fraction or "
		    "--prefix-cache)" : "every record gives cached_tokens");
	}
	for (k = RP_A0; k < RP_N; k++)
		if (o.given[k]) {
			out.status[k] = RS_GIVEN;
			snprintf(out.why[k], sizeof(out.why[k]), "given (%s)",
			    k == RP_POST ? "--post-decode-us" : "--alpha-coeffs");
		}
	if (o.twins_held)
		for (k = RP_A2; k <= RP_POST; k++)
			if (!o.given[k])
			snprintf(out.why[k], sizeof(out.why[k]), "not fitted: "
			    "no token times or decode spans to tell it from "
			    "the step time (--fit names it to fit it anyway)");
	rqreport_run(&o, &d, &st, &in, &out, &hw, doc, hwpath, bw_phys);
	cJSON_Delete(doc);
	rqdata_free(&d);
	data_free(&st.d);
	return 0;
}

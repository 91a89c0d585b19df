/*
 * batchify: rebuild per-step batches.  From request records it replays a
 * vLLM-style scheduler (replay mode); from request records with the time
 * of every output token it infers the steps that emitted them
 * (timestamps mode); from aggregate steps (counts) it estimates explicit
 * compositions (expand mode).  Writes step records.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expand.h"
#include "io/cli.h"
#include "io/csvout.h"
#include "io/err.h"
#include "io/input.h"
#include "io/jsonin.h"
#include "io/jsonout.h"
#include "io/numfmt.h"
#include "io/outfile.h"
#include "model/rlopts.h"
#include "model/roofline.h"
#include "records/request.h"
#include "records/step.h"
#include "sched/arrivals.h"
#include "sched/replay.h"
#include "sched/sched.h"
#include "sched/schedopts.h"
#include "timestamps.h"

/* MODE_NONE: auto mode found no request to batch. */
enum mode { MODE_AUTO, MODE_REPLAY, MODE_TIMESTAMPS, MODE_EXPAND, MODE_NONE };

enum {
	OPT_MODE = SCHED_OPT_NEXT, OPT_STEP_US, OPT_MERGE_US,
	OPT_SORT_WINDOW, OPT_STRICT, OPT_CSV, OPT_CONTEXT,
	OPT_REQUESTS
};

/* How long a step takes: the roofline, a constant, or unknown. */
struct clock {
	struct roofline rl;
	int	 have_rl;
	int64_t	 step_us;	/* 0: none */
};

struct out {
	struct jw jw;
	struct csvw csv;
	struct step_csv sc;
	int	 csv_mode;
	int64_t	 steps;
};

/* What the replay loop's hooks need. */
struct replay_ctx {
	struct clock *ck;
	struct out *out;
};

/* dur_source of a time the clock gave. */
static const char *
clock_source(const struct clock *c)
{
	return c->have_rl ? "roofline" : "step_us";
}

struct opts {
	enum mode mode;
	struct sched_config sc;
	struct rl_opts ro;
	int	 have_rl;
	int64_t	 step_us, merge_us, window, context;
	int	 strict, csv;
	struct common_opts co;
	char	*requests;	/* expand: the run's request trace */
};

static const char *const csv_columns[] = {
	"step", "ts_us", "dur_us", "n_prefill", "prefill_tokens", "n_decode",
	"decode_tokens", NULL
};

static void
usage(void)
{
	printf("usage: batchify [--mode replay|timestamps|expand] [options] "
	    "[FILE...]\n"
	    "Rebuild per-step batches from request records or aggregate "
	    "steps.\n\n"
	    "      --mode MODE                    replay, timestamps, expand "
	    "(default: from the records)\n"
	    "      --max-num-seqs N               running requests a step "
	    "(default 256)\n"
	    "      --max-num-batched-tokens N     tokens a step (default "
	    "2048)\n"
	    "      --long-prefill-token-threshold N  prefill chunk cap "
	    "(default none)\n"
	    "      --kv-blocks N                  KV cache size in blocks "
	    "(default unlimited)\n"
	    "      --block-size N                 tokens a KV block (default "
	    "16)\n"
	    "      --prefix-cache none|blocks|F   replay: prompt tokens assumed "
	    "cached (default none)\n"
	    "      --prefix-cache-cold N          replay: the first N requests "
	    "find none\n"
	    "      --step-us N                    every step takes N us\n"
	    "  -m, --model NAME|DIR|FILE          time steps by the roofline "
	    "(with --hardware)\n"
	    "  -g, --hardware NAME                GPU entry (see "
	    "--list-hardware)\n"
	    "      --hardware-config FILE         hardware_config.json to read\n"
	    "  -t, --tp N                         tensor parallelism (default "
	    "1)\n"
	    "      --mixed-batch-penalty X        override the entry's\n"
	    "      --overlap-penalty Y            override the entry's\n"
	    "      --merge-us N                   tokens this close end one "
	    "step (default 500)\n"
	    "      --initial-context N            expand: context of decoders "
	    "first seen (default 1024)\n"
	    "      --requests FILE                expand: the run's request "
	    "records\n"
	    "      --sort-window N                records sorted by arrival "
	    "(default 4096)\n"
	    "      --strict                       refuse out-of-order "
	    "arrivals\n"
	    "      --skip-bad                     skip and count bad records\n"
	    "      --csv                          write CSV (counts only)\n"
	    "  -o, --output FILE                  write FILE atomically\n"
	    "      --list-models                  list shipped models\n"
	    "      --list-hardware                list hardware entries\n"
	    "  -q, --quiet                        no progress display, no mode note\n"
	    "  -h, --help                         show this help\n"
	    "  -V, --version                      show the version\n");
}

/* --- output --------------------------------------------------------- */

static void
out_step(struct out *o, const struct step_out *so)
{
	if (o->csv_mode)
		step_write_csv(&o->sc, so);
	else
		step_write_json(&o->jw, so);
}

/*
 * One step record; hidden steps (no token seen) and steps whose time is a
 * share of a longer measured interval say so.  An unknown dur is null; a
 * known one says where it came from (source).
 */
static void
write_step(struct out *o, const struct step *st, int64_t ts, int64_t dur,
    const char *source, int hidden, int estimated)
{
	struct step_out so;

	/* A time past 2^53 is no longer exact: every reader refuses it. */
	if (ts >= RT_INT_EXACT_MAX)
		err_die(EXIT_DATA, "step %lld would start at %lld us, past "
		    "2^53 - 1, the largest time kept exact: arrival_us is too "
		    "near 2^53", (long long)o->steps, (long long)ts);
	step_out_init(&so);
	so.step = o->steps;
	so.ts_us = ts;
	so.dur_us = dur >= 0 ? dur : STEP_NULL;
	so.dur_source = dur >= 0 ? source : NULL;
	so.hidden = hidden;
	so.estimated = estimated;
	so.comp = st;
	out_step(o, &so);
	o->steps++;
}

/* --- time ----------------------------------------------------------- */

/* As BLIS: the clock advances at least 1 us a step. */
static int64_t
step_time(void *ctx, const struct step *st)
{
	const struct clock *c = ctx;
	struct roofline_result res;

	if (c->have_rl) {
		roofline_eval(&c->rl, st, &res);
		return res.pred_us > 1 ? res.pred_us : 1;
	}
	return c->step_us > 0 ? c->step_us : -1;
}

/* --- replay --------------------------------------------------------- */

static int64_t
replay_step_time(void *ctx, const struct step *st)
{
	return step_time(((struct replay_ctx *)ctx)->ck, st);
}

static void
replay_running(void *ctx, const struct step *st,
    const struct replay_entry *e, size_t n, int64_t start, int64_t dur)
{
	struct replay_ctx *rc = ctx;

	(void)e;
	(void)n;
	write_step(rc->out, st, start, dur, clock_source(rc->ck), 0, 0);
}

static void
replay_done(void *ctx, const struct replay_result *rr)
{
	(void)ctx;
	(void)rr;
}

/* Steps are what the engine runs: no output lag, no overheads. */
static void
run_replay(struct arrivals *src, const struct opts *o, struct clock *ck,
    struct out *out)
{
	struct replay_ctx rc = { ck, out };
	struct replay_hooks h = { .ctx = &rc, .step_time = replay_step_time,
	    .running = replay_running, .done = replay_done };
	struct replay_source rs;
	struct replay_model m;
	struct replay_stats st;
	char why[256];
	struct sched *s;
	int rc_;

	if ((s = sched_new(&o->sc, why, sizeof(why))) == NULL) {
		err_usage("%s", why);
		return;		/* not reached; for cppcheck */
	}
	memset(&m, 0, sizeof(m));
	arrivals_source(src, &rs);
	rc_ = replay_run(&rs, s, &m, &h, &st, why, sizeof(why));
	sched_free(s);
	if (rc_ < 0) {
		if (why[0] != '\0')
			err_warn("%s", why);
		exit(EXIT_DATA);
	}
}

/* --- timestamps ----------------------------------------------------- */

/* What timestamps mode saw of the arrivals, for its closing note. */
struct ts_seen {
	int64_t	 n, first;
	int	 same;		/* every request arrived at first */
};

/*
 * A request read in auto mode, before the mode was known, may lack its
 * token times: refused here as timestamps mode would have refused it.
 */
static int
has_times(struct arrivals *src, const struct arrivals_rec *rec)
{
	const char *what = rec->r.ttft_us == REQUEST_ABSENT ? "ttft_us" :
	    "itl_us";

	if (rec->r.token_us != NULL)
		return 1;
	if (rec->r.itl_chunked) {
		if (!src->in.skip_bad)
			err_dieat(EXIT_DATA, rec->file, rec->r.line, "itl_us: "
			    "fewer gaps than output_tokens %lld needs (%lld): "
			    "several tokens a chunk, but timestamps mode needs "
			    "the time of every output token",
			    (long long)rec->r.output_tokens,
			    (long long)rec->r.output_tokens - 1);
		err_warnat(rec->file, rec->r.line, "itl_us: fewer gaps than "
		    "output_tokens %lld needs (%lld): several tokens a chunk, "
		    "but timestamps mode needs the time of every output token",
		    (long long)rec->r.output_tokens,
		    (long long)rec->r.output_tokens - 1);
		arrivals_skipped(src);
		return 0;
	}
	if (!src->in.skip_bad)
		err_dieat(EXIT_DATA, rec->file, rec->r.line, "missing field "
		    "\"%s\" (timestamps mode needs the time of every output "
		    "token)", what);
	err_warnat(rec->file, rec->r.line, "missing field \"%s\" "
	    "(timestamps mode needs the time of every output token)", what);
	arrivals_skipped(src);
	return 0;
}

/* Add every request that could end the next step, or just arrive in it. */
static void
load(struct arrivals *src, struct timestamps *t, int64_t merge_us,
    struct ts_seen *seen)
{
	struct arrivals_rec *p, rec;

	while ((p = arrivals_peek(src)) != NULL) {
		if (timestamps_nactive(t) > 0 &&
		    p->r.arrival_us > timestamps_next_token(t) + merge_us)
			break;
		arrivals_pop(src, &rec);
		if (has_times(src, &rec)) {
			if (seen->n++ == 0)
				seen->first = rec.r.arrival_us;
			seen->same &= rec.r.arrival_us == seen->first;
			timestamps_add(t, &rec.r);
		}
		request_free(&rec.r);
	}
}

/* dur_source of a timestamps-mode step. */
static const char *
ts_source(const struct timestamps_out *v, const struct clock *ck)
{
	switch (v->source) {
	case TS_CLIENT_TTFT:	return "client_ttft";
	case TS_MODEL:		return clock_source(ck);
	case TS_TOKENS:		break;
	}
	return "token_times";
}

/*
 * Requests that all arrive at one instant: right when they were sent at
 * once, wrong when the source did not say when they were sent.
 */
static void
ts_note(const struct ts_seen *seen)
{
	if (seen->n < 2 || !seen->same)
		return;
	err_warn("all %lld requests arrive at %lld us: right if they were "
	    "sent at once; if the source gave no send times (vllm bench "
	    "serve without start_times), each request's token times count "
	    "from its own send and these steps are not the engine's",
	    (long long)seen->n, (long long)seen->first);
}

static void
run_timestamps(struct arrivals *src, const struct opts *o, struct clock *ck,
    struct out *out)
{
	const struct timestamps_out *v;
	struct ts_seen seen = { 0, 0, 1 };
	struct timestamps *t;
	size_t i;

	t = timestamps_new(&o->sc, o->merge_us, step_time, ck);
	for (;;) {
		size_t n;

		load(src, t, o->merge_us, &seen);
		if ((n = timestamps_step(t, &v)) == 0)
			break;
		for (i = 0; i < n; i++)
			write_step(out, &v[i].st, v[i].ts_us, v[i].dur_us,
			    ts_source(&v[i], ck), v[i].hidden,
			    v[i].estimated);
	}
	if (timestamps_anomalies(t) > 0)
		err_warn("%lld step%s not explained by the scheduler's rules "
		    "(first tokens needing more than one step's budget)",
		    (long long)timestamps_anomalies(t),
		    timestamps_anomalies(t) == 1 ? "" : "s");
	ts_note(&seen);
	timestamps_free(t);
}

/* --- expand -------------------------------------------------------- */

/*
 * The record's own fields, then "estimated" and the composition.  CSV
 * takes step, ts_us and dur_us from the record (a step it does not number
 * gets its place in the output, from 0; unknown times are empty).
 */
static void
write_expanded(struct out *o, const struct jsonin *jin, const cJSON *rec,
    const struct step *st, const char *how)
{
	struct step_out so;

	step_out_init(&so);
	so.comp = st;
	if (o->csv_mode) {
		const cJSON *ts = jsonin_field(rec, "ts_us");
		const cJSON *dur = jsonin_field(rec, "dur_us");
		const cJSON *n = jsonin_field(rec, "step");

		so.step = cJSON_IsNumber(n) ? (int64_t)n->valuedouble :
		    o->steps;
		o->steps++;
		so.ts_us = cJSON_IsNumber(ts) ? (int64_t)ts->valuedouble :
		    STEP_NULL;
		so.dur_us = cJSON_IsNumber(dur) ? (int64_t)dur->valuedouble :
		    STEP_NULL;
		out_step(o, &so);
		return;
	}
	so.pass = rec;
	so.pass_head = jsonin_object_head(jin, &so.pass_len,
	    &so.pass_members);
	so.estimated = 1;
	so.estimate = how;
	out_step(o, &so);
	o->steps++;
}

/* Both request lists: the composition is known, not to be estimated. */
static int
is_exact(const cJSON *rec)
{
	return cJSON_IsArray(jsonin_field(rec, "prefill_requests")) &&
	    cJSON_IsArray(jsonin_field(rec, "decode_requests"));
}

/*
 * An exact step goes out as it came in (its bytes; CSV: its counts), and
 * the estimator follows it.
 */
static enum input_status
pass_exact(struct arrivals *src, struct expand *x, struct out *out,
    const struct jsonin *jin, const cJSON *rec, const char *line, size_t len)
{
	struct step st;
	struct errmsg e;

	e.msg[0] = '\0';
	step_init(&st);
	if (step_from_json(rec, &st, &e) < 0) {
		err_warnat(src->in.lr.name, src->in.lr.lineno, "%s", e.msg);
		step_free(&st);
		return INPUT_BAD;
	}
	expand_observe(x, &st);
	if (out->csv_mode)
		write_expanded(out, jin, rec, &st, NULL);
	else {
		fwrite(line, 1, len, out->jw.fp);
		fputc('\n', out->jw.fp);
		out->steps++;
	}
	step_free(&st);
	return INPUT_OK;
}

/* One aggregate step in, its composition out. */
static enum input_status
expand_one(struct arrivals *src, struct expand *x, struct out *out,
    struct jsonin *jin, const char *line, size_t len)
{
	struct expand_agg a;
	const char *how;
	struct step st;
	struct errmsg e;
	cJSON *rec;

	/* rec lives in jin until the next record's parse: the estimator's
	 * --requests are parsed in arrivals' own. */
	e.msg[0] = '\0';
	if ((rec = jsonin_parse(jin, line, len, &e)) != NULL &&
	    cJSON_IsObject(rec) && is_exact(rec))
		return pass_exact(src, x, out, jin, rec, line, len);
	if (rec == NULL || expand_agg_from_json(rec, &a, &e) < 0) {
		err_warnat(src->in.lr.name, src->in.lr.lineno, "%s", e.msg);
		return INPUT_BAD;
	}
	step_init(&st);
	how = expand_method_name(expand_step(x, &a, &st));
	write_expanded(out, jin, rec, &st, how);
	step_free(&st);
	return INPUT_OK;
}

/* The next request of --requests, for expand. */
static int
next_request(void *ctx, int64_t *input_tokens, int64_t *output_tokens)
{
	struct arrivals *rs = ctx;
	struct arrivals_rec rec;

	if (arrivals_peek(rs) == NULL)
		return 0;
	arrivals_pop(rs, &rec);
	*input_tokens = rec.r.input_tokens;
	*output_tokens = rec.r.output_tokens;
	request_free(&rec.r);
	return 1;
}

static void
run_expand(struct arrivals *src, const struct opts *o, struct out *out)
{
	struct expand *x = expand_new(&o->sc, o->context);
	struct common_opts rco = o->co;
	struct arrivals rs;
	struct jsonin jin;
	size_t len;
	char *line;

	if (o->requests != NULL) {
		rco.quiet = 1;
		arrivals_init(&rs, &rco, (char *const *)&o->requests, 1,
		    (size_t)o->window);
		rs.strict = o->strict;
		expand_set_requests(x, next_request, &rs);
	}
	jsonin_init(&jin);
	while ((line = arrivals_line(src, &len)) != NULL)
		input_count(&src->in, expand_one(src, x, out, &jin, line,
		    len));
	jsonin_free(&jin);
	expand_free(x);
	if (o->requests != NULL) {
		arrivals_report(&rs);
		arrivals_close(&rs);
	}
}

/* --- options -------------------------------------------------------- */

static enum mode
parse_mode(const char *arg)
{
	if (strcmp(arg, "replay") == 0)
		return MODE_REPLAY;
	if (strcmp(arg, "timestamps") == 0)
		return MODE_TIMESTAMPS;
	if (strcmp(arg, "expand") == 0)
		return MODE_EXPAND;
	if (strcmp(arg, "auto") == 0)
		return MODE_AUTO;
	err_usage("--mode: must be replay, timestamps, expand or auto, "
	    "got '%s'", arg);
}

static void
take(struct opts *o, int c, const char *arg)
{
	const int64_t big = 1LL << 40;

	switch (c) {
	case OPT_MODE:	o->mode = parse_mode(arg); break;
	case OPT_STEP_US:
		o->step_us = cli_opt_int("--step-us", arg, 1, big);
		break;
	case OPT_MERGE_US:
		o->merge_us = cli_opt_int("--merge-us", arg, 0, big);
		break;
	case OPT_SORT_WINDOW:
		o->window = cli_opt_int("--sort-window", arg, 0, 1 << 26);
		break;
	case OPT_CONTEXT:
		o->context = cli_opt_int("--initial-context", arg, 0, big);
		break;
	case OPT_REQUESTS:	o->requests = (char *)arg; break;
	case OPT_STRICT:	o->strict = 1; break;
	case OPT_CSV:		o->csv = 1; break;
	}
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		RL_LONGOPTS,
		{ "mode", required_argument, NULL, OPT_MODE },
		SCHED_LONGOPTS,
		{ "step-us", required_argument, NULL, OPT_STEP_US },
		{ "merge-us", required_argument, NULL, OPT_MERGE_US },
		{ "sort-window", required_argument, NULL, OPT_SORT_WINDOW },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "initial-context", required_argument, NULL, OPT_CONTEXT },
		{ "requests", required_argument, NULL, OPT_REQUESTS },
		{ "csv", no_argument, NULL, OPT_CSV },
		COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof(*o));
	sched_config_default(&o->sc);
	rlopts_init(&o->ro);
	o->merge_us = 500;
	o->window = 4096;
	o->context = 1024;
	while ((c = getopt_long(argc, argv, ":" RL_SHORTOPTS COMMON_SHORTOPTS,
	    longopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			cli_bad_option(c, argv);
		if (!rlopts_take(&o->ro, c, optarg) &&
		    !schedopts_take(&o->sc, c, optarg) &&
		    !input_opts_take(&o->co, c, optarg, usage))
			take(o, c, optarg);
	}
	o->have_rl = o->ro.model != NULL || o->ro.hardware != NULL;
	if (o->requests != NULL && o->mode != MODE_EXPAND &&
	    o->mode != MODE_AUTO)
		err_usage("--requests goes with --mode expand");
	if (o->have_rl && o->step_us > 0)
		err_usage("--step-us and --model/--hardware exclude each "
		    "other");
}

/*
 * Auto mode on request records: timestamps when every request of the
 * sample (those in the sort window: the first --sort-window + 1, failed
 * ones aside) has a ttft_us, replay when none has; a mix is refused.
 */
static enum mode
pick_request_mode(struct arrivals *src, int quiet)
{
	const struct arrivals_rec *r, *untimed = NULL, *timed = NULL;
	size_t i, n, nt = 0;
	const char *of;

	arrivals_peek(src);
	n = src->n;
	for (i = 0; i < n; i++) {
		r = &src->heap[i];
		if (r->r.ttft_us == REQUEST_ABSENT) {
			if (untimed == NULL || r->seq < untimed->seq)
				untimed = r;
		} else if (timed == NULL || r->seq < timed->seq)
			timed = r;
		nt += r->r.ttft_us != REQUEST_ABSENT;
	}
	if (n == 0)
		return MODE_NONE;
	of = src->eof ? "" : " sampled (the first, by --sort-window)";
	if (nt > 0 && untimed != NULL)
		err_dieat(EXIT_DATA, untimed->file, untimed->r.line, "request "
		    "\"%s\" has no ttft_us, but %zu of the %zu requests%s do "
		    "(%s:%ld): give --mode timestamps (with --skip-bad to skip "
		    "the others) or --mode replay", untimed->r.id, nt, n, of,
		    timed->file, timed->r.line);
	if (nt == 0) {
		if (!quiet)
				err_warn("mode replay: %s %zu request%s%s %s token "
			    "times (ttft_us)", n > 1 ? "none of the" : "the",
			    n, n > 1 ? "s" : "", of, n > 1 ? "has" : "has no");
		return MODE_REPLAY;
	}
	if (!quiet)
		err_warn("mode timestamps: %s%zu request%s%s %s token times "
		    "(ttft_us)%s", n > 1 ? "all " : "", n, n > 1 ? "s" : "",
		    of, n > 1 ? "have" : "has", src->failed > 0 ?
		    ", failed ones aside" : "");
	return MODE_TIMESTAMPS;
}

/* The mode: as given, or from the records, said on standard error. */
static enum mode
pick_mode(const struct opts *o, struct arrivals *src)
{
	if (o->mode != MODE_AUTO)
		return o->mode;
	switch (arrivals_kind(src)) {
	case ARRIVALS_AGGREGATE:
		if (!o->co.quiet)
			err_warn("mode expand: the first record is a step "
			    "(n_prefill or prefill_requests)");
		return MODE_EXPAND;
	case ARRIVALS_UNKNOWN:
		return MODE_NONE;
	case ARRIVALS_REQUESTS:
	case ARRIVALS_TIMED:
		break;
	}
	return pick_request_mode(src, o->co.quiet);
}

int
main(int argc, char **argv)
{
	struct arrivals src;
	struct clock ck;
	struct opts o;
	struct out out;
	enum mode mode;
	FILE *fp;

	err_setprog(argv[0]);
	parse_opts(argc, argv, &o);
	if (rlopts_list(&o.ro, stdout)) {
		outfile_close(stdout);
		return 0;
	}
	memset(&ck, 0, sizeof(ck));
	if (o.have_rl) {
		rlopts_build(&o.ro, &ck.rl);
		ck.have_rl = 1;
	}
	ck.step_us = o.step_us;
	if (o.mode == MODE_REPLAY && !o.have_rl && o.step_us == 0)
		err_usage("replay needs a clock: --model and --hardware, "
		    "or --step-us");
	outfile_refuse_inputs(o.co.output, argv + optind, argc - optind);
	arrivals_init(&src, &o.co, argv + optind, argc - optind,
	    (size_t)o.window);
	src.strict = o.strict;
	/*
	 * Auto mode reads a sample before it knows the mode: with whatever
	 * times the records have, each optional.
	 */
	if (o.mode == MODE_TIMESTAMPS)
		src.flags = REQ_NEED_TIMES;
	if (o.mode == MODE_AUTO)
		src.flags = REQ_MEASURED;
	if (o.mode == MODE_EXPAND)
		src.in.none_msg = "no step records";
	src.auto_mode = o.mode == MODE_AUTO;
	/* Open before the sample is read: it may be a while on a pipe. */
	fp = outfile_open(o.co.output);
	mode = pick_mode(&o, &src);
	if (mode == MODE_REPLAY && !o.have_rl && o.step_us == 0)
		err_usage("replay needs a clock: --model and --hardware, "
		    "or --step-us");
	src.flags = mode == MODE_TIMESTAMPS ? REQ_NEED_TIMES : 0;

	memset(&out, 0, sizeof(out));
	jsonout_init(&out.jw, fp);
	csvout_init(&out.csv, fp);
	step_csv_init(&out.sc, &out.csv, csv_columns);
	out.csv_mode = o.csv;
	if (o.csv)
		step_csv_header(&out.sc);
	if (mode == MODE_TIMESTAMPS)
		run_timestamps(&src, &o, &ck, &out);
	else if (mode == MODE_EXPAND)
		run_expand(&src, &o, &out);
	else if (mode == MODE_REPLAY)
		run_replay(&src, &o, &ck, &out);
	arrivals_report(&src);
	arrivals_close(&src);
	outfile_close(fp);
	jsonout_free(&out.jw);
	return 0;
}

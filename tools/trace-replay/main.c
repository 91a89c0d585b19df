/*
 * trace-replay: replay a request trace through the scheduler with the
 * roofline model, and write what each request would have felt: queueing,
 * time to first token, inter-token latency, end to end, beside the
 * measured values where the trace has them.  --summary reports the
 * calibration instead: MAPE, percentiles and their errors, Pearson r.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/cli.h"
#include "io/err.h"
#include "io/input.h"
#include "io/jsonout.h"
#include "io/outfile.h"
#include "model/rlopts.h"
#include "model/roofline.h"
#include "records/request.h"
#include "records/step.h"
#include "sched/arrivals.h"
#include "sched/replay.h"
#include "sched/sched.h"
#include "sched/schedopts.h"

#include "extras.h"
#include "latency.h"
#include "life.h"
#include "prefixhits.h"
#include "reorder.h"
#include "report.h"
#include "run.h"
#include "ttftsteps.h"

const char *const metric_names[NMETRIC] = { "ttft", "itl", "e2e", "queue",
    "prefill", "decode" };

enum {
	OPT_SORT_WINDOW = SCHED_OPT_NEXT, OPT_STRICT, OPT_SUMMARY, OPT_JSON,
	OPT_TOKENS, OPT_PLOT, OPT_TTFT_STEPS, OPT_WARM_UP, OPT_RTT,
	OPT_MEASURE_HITS
};

static void
usage(void)
{
	printf("usage: trace-replay --model NAME --hardware NAME [options] "
	    "[FILE...]\n"
	    "Replay request records through the scheduler and the roofline;\n"
	    "write predicted (and measured) latencies a request.\n\n"
	    "  -m, --model NAME|DIR|FILE         model config\n"
	    "  -g, --hardware NAME               GPU entry\n"
	    "      --hardware-config FILE        hardware_config.json to read\n"
	    "                                    (with its \"rooftrace\" object)\n"
	    "  -t, --tp N                        tensor parallelism (default 1)\n"
	    "      --mixed-batch-penalty X       override the entry's\n"
	    "      --overlap-penalty Y           override the entry's\n"
	    "      --max-num-seqs N              running requests (default 256)\n"
	    "      --max-num-batched-tokens N    tokens a step (default 2048)\n"
	    "      --long-prefill-token-threshold N  prefill chunk cap\n"
	    "      --kv-blocks N                 KV cache size in blocks\n"
	    "      --block-size N                tokens a KV block (default 16)\n"
	    "      --output-lag N                steps a token waits to reach\n"
	    "                                    the client (default 1, async)\n"
	    "      --alpha-coeffs A0,A1,A2       BLIS's request overheads, us\n"
	    "      --post-decode-us X            added to every E2E (default 0)\n"
	    "      --prefix-hit-fraction F       prompt share the cache serves\n"
	    "      --prefix-cache none|blocks|F  override the hit fraction\n"
	    "      --prefix-cache-cold N         the first N requests: none\n"
	    "      --measure-prefix-hits STEPS   print the hit fraction of a\n"
	    "                                    step source and the requests\n"
	    "      --sort-window N               records sorted by arrival\n"
	    "      --strict                      refuse out-of-order arrivals\n"
	    "      --skip-bad                    skip and count bad records\n"
	    "      --tokens                      add ttft_us and itl_us: a trace\n"
	    "      --summary                     the calibration report instead\n"
	    "      --json                        the report as JSON\n"
	    "      --warmup-requests N           report without the first N\n"
	    "      --network-rtt-us N            add N to predicted TTFT, E2E\n"
	    "      --ttft-steps FILE             steps timed by measured TTFTs\n"
	    "      --plot DIR                    CDF plots (needs gnuplot)\n"
	    "  -o, --output FILE                 write FILE atomically\n"
	    "      --list-models                 list shipped models\n"
	    "      --list-hardware               list hardware entries\n"
	    "  -q, --quiet                       no progress display\n"
	    "  -h, --help                        show this help\n"
	    "  -V, --version                     show the version\n");
}

void
series_add(struct series *s, double pred, double meas)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->pred = err_realloc(s->pred, s->cap * sizeof(*s->pred));
		s->meas = err_realloc(s->meas, s->cap * sizeof(*s->meas));
	}
	s->pred[s->n] = pred;
	s->meas[s->n] = meas;
	s->n++;
}

/* --- a finished request ----------------------------------------------- */

static double
meas_or_nan(const struct lat *m, int bit, int64_t v)
{
	return (m->has & bit) ? (double)v : NAN;
}

/* Into the report's series; a request without output is not scored. */
static void
record_latencies(struct run *r, const struct replay_result *rr,
    const struct life *l, const struct lat *p, const struct lat *m)
{
	if ((int64_t)l->seq < r->o->warm_up || rr->output_tokens == 0)
		return;
	series_add(&r->m[M_TTFT], (double)p->ttft, meas_or_nan(m, LAT_TTFT,
	    m->ttft));
	if (rr->output_tokens > 1)
		series_add(&r->m[M_ITL], p->itl_mean, m->has & LAT_ITL ?
		    m->itl_mean : NAN);
	series_add(&r->m[M_E2E], (double)p->e2e, meas_or_nan(m, LAT_E2E,
	    m->e2e));
	series_add(&r->m[M_QUEUE], (double)p->queue, meas_or_nan(m,
	    LAT_QUEUE, m->queue));
	series_add(&r->m[M_PREFILL], (double)p->prefill, meas_or_nan(m,
	    LAT_PREFILL, m->prefill));
	series_add(&r->m[M_DECODE], (double)p->decode, meas_or_nan(m,
	    LAT_DECODE, m->decode));
}

/*
 * The record of a finished request, as one line of text: a request record
 * with the replay's fields after the request's own; predicted prefill and
 * decode times only beside measured ones.
 */
static char *
format_record(struct run *r, const struct replay_result *rr,
    const struct life *l, const struct lat *p, const struct lat *m)
{
	struct request_out head;
	char *line;
	size_t len;
	int64_t i;
	FILE *mem;

	if ((mem = open_memstream(&line, &len)) == NULL)
		err_die(EXIT_DATA, "out of memory");
	r->jw.fp = mem;
	request_out_init(&head);
	head.id = rr->id;
	head.arrival_us = rr->arrival_us;
	head.input_tokens = rr->input_tokens;
	head.output_tokens = rr->output_tokens;
	if (rr->cached_tokens > 0 || l->cached_given)
		head.cached_tokens = rr->cached_tokens;
	request_json_open(&r->jw, &head);
	jsonout_kint(&r->jw, "queue_us", p->queue);
	lat_write(&r->jw, "", p, m->has & (LAT_PREFILL | LAT_DECODE));
	jsonout_kint(&r->jw, "preemptions", rr->preemptions);
	if (r->o->tokens && rr->output_tokens > 0) {
		jsonout_key(&r->jw, "itl_us");
		jsonout_arr(&r->jw);
		for (i = 0; i + 1 < rr->output_tokens; i++)
			jsonout_int(&r->jw, l->gaps[i]);
		jsonout_arr_end(&r->jw);
	}
	lat_write(&r->jw, "measured_", m, LAT_QUEUE | LAT_PREFILL |
	    LAT_DECODE);
	request_json_close(&r->jw);
	if (fclose(mem) != 0)
		err_die(EXIT_DATA, "out of memory");
	return line;
}

static void
done(void *ctx, const struct replay_result *rr)
{
	struct run *r = ctx;
	struct life *l = rr->user;
	struct lat p, m;

	ttftsteps_done(&r->ts, rr, l);
	lat_predicted(&p, rr, l, r->o->rtt);
	lat_measured(&m, rr, l);
	if (rr->output_tokens == 0)
		r->no_output++;
	if (l->chunked)
		r->chunked++;
	if (rr->output_tokens > 0 && (m.has & LAT_TTFT))
		report_watch(&r->watch, (double)p.ttft, (double)m.ttft);
	/* Only a report keeps numbers per request; records stream. */
	if (r->o->summary || r->o->plotdir != NULL)
		record_latencies(r, rr, l, &p, &m);
	if (!r->o->summary) {
		reorder_put(&r->order, l->seq, format_record(r, rr, l, &p,
		    &m));
		reorder_flush(&r->order, r->out);
	}
	life_free(l);
}

/* --- the replay ------------------------------------------------------- */

/* The trace's requests, each with its life. */
struct trace_src {
	struct arrivals *a;
	struct replay_source inner;
	struct run *r;
};

static int
trace_next(void *ctx, struct replay_req *out)
{
	struct trace_src *t = ctx;
	int rc;

	if ((rc = t->inner.next(t->inner.ctx, out)) <= 0)
		return rc;
	out->user = life_new(&t->a->cur.r, t->r->admitted++);
	return 1;
}

static int
trace_never_fits(void *ctx, const struct replay_req *rq, int64_t need)
{
	struct trace_src *t = ctx;

	/* It was the last one given: its place in the output goes too. */
	life_free(rq->user);
	t->r->admitted--;
	return t->inner.never_fits(t->inner.ctx, rq, need);
}

static int64_t
step_time(void *ctx, const struct step *st)
{
	const struct run *r = ctx;
	struct roofline_result res;

	/* As BLIS's StepTime: at least 1 us, so the clock always moves. */
	roofline_eval(&r->rl, st, &res);
	return res.pred_us > 1 ? res.pred_us : 1;
}

static void
running(void *ctx, const struct step *st, const struct replay_entry *e,
    size_t n, int64_t start, int64_t dur)
{
	struct run *r = ctx;

	(void)dur;
	ttftsteps_running(&r->ts, st, e, n, start, r->steps++);
}

static void
token(void *ctx, const struct replay_result *rr, int64_t k, int64_t t)
{
	(void)ctx;
	life_token(rr->user, k, t);
}

static void
drop(void *ctx, void *user)
{
	(void)ctx;
	life_free(user);
}

static void
replay(struct run *r, struct arrivals *a)
{
	struct trace_src ts = { .a = a, .r = r };
	const struct replay_source src = { &ts, trace_next,
	    trace_never_fits };
	const struct replay_hooks h = { .ctx = r, .step_time = step_time,
	    .running = running, .token = token, .done = done, .drop = drop };
	struct replay_stats st;
	struct sched *s;
	char why[256];

	if ((s = sched_new(&r->o->so.sc, why, sizeof(why))) == NULL)
		err_usage("%s", why);
	arrivals_source(a, r->o->so.sc.kv_blocks, &ts.inner);
	if (replay_run(&src, s, &r->o->so.m, &h, &st, why, sizeof(why)) < 0) {
		if (why[0] != '\0')
			err_warn("%s", why);
		sched_free(s);
		exit(EXIT_DATA);
	}
	r->requests = (long)st.requests;
	sched_free(s);
}

/* --- options and main ------------------------------------------------- */

static void
take(struct opts *o, int c, const char *arg)
{
	switch (c) {
	case OPT_SORT_WINDOW:
		o->window = cli_opt_int("--sort-window", arg, 0, 1 << 26);
		break;
	case OPT_STRICT:	o->strict = 1; break;
	case OPT_SUMMARY:	o->summary = 1; break;
	case OPT_JSON:		o->json = 1; break;
	case OPT_TOKENS:	o->tokens = 1; break;
	case OPT_PLOT:		o->plotdir = arg; break;
	case OPT_TTFT_STEPS:	o->ttft_steps = arg; break;
	case OPT_MEASURE_HITS:	o->measure_hits = arg; break;
	case OPT_WARM_UP:
		o->warm_up = cli_opt_int("--warmup-requests", arg, 0,
		    1LL << 53);
		break;
	case OPT_RTT:
		o->rtt = cli_opt_int("--network-rtt-us", arg, 0, 1LL << 40);
		break;
	}
}

static void
parse_opts(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		RL_LONGOPTS,
		SCHED_LONGOPTS,
		SCHED_REPLAY_LONGOPTS,
		{ "sort-window", required_argument, NULL, OPT_SORT_WINDOW },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "summary", no_argument, NULL, OPT_SUMMARY },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "tokens", no_argument, NULL, OPT_TOKENS },
		{ "plot", required_argument, NULL, OPT_PLOT },
		{ "ttft-steps", required_argument, NULL, OPT_TTFT_STEPS },
		{ "warmup-requests", required_argument, NULL, OPT_WARM_UP },
		{ "network-rtt-us", required_argument, NULL, OPT_RTT },
		{ "measure-prefix-hits", required_argument, NULL,
		    OPT_MEASURE_HITS },
		COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof(*o));
	rlopts_init(&o->rl);
	schedopts_init(&o->so);
	o->window = 4096;
	while ((c = getopt_long(argc, argv, ":" RL_SHORTOPTS COMMON_SHORTOPTS,
	    longopts, NULL)) != -1) {
		if (rlopts_take(&o->rl, c, optarg) ||
		    schedopts_take_replay(&o->so, c, optarg) ||
		    input_opts_take(&o->co, c, optarg, usage))
			continue;
		if (c == '?' || c == ':')
			cli_bad_option(c, argv);
		take(o, c, optarg);
	}
	if (o->json && !o->summary)
		err_usage("--json goes with --summary");
}

static void
open_input(struct arrivals *a, struct opts *o, int argc, char **argv)
{
	outfile_refuse_inputs(o->co.output, argv + optind, argc - optind);
	arrivals_init(a, &o->co, argv + optind, argc - optind,
	    (size_t)o->window);
	a->strict = o->strict;
	a->auto_mode = 1;
	a->flags = REQ_MEASURED | REQ_ZERO_OUTPUT;
}

static void
run_free(struct run *r)
{
	int m;

	jsonout_free(&r->jw);
	reorder_free(&r->order);
	for (m = 0; m < NMETRIC; m++) {
		free(r->m[m].pred);
		free(r->m[m].meas);
	}
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct run r;
	struct arrivals src;
	FILE *out;

	err_setprog(argv[0]);
	parse_opts(&o, argc, argv);
	if (rlopts_list(&o.rl, stdout)) {
		outfile_close(stdout);
		return 0;
	}
	memset(&r, 0, sizeof(r));
	r.o = &o;
	open_input(&src, &o, argc, argv);
	if (o.measure_hits != NULL) {
		out = outfile_open(o.co.output);
		prefixhits_measure(o.measure_hits, &src, out);
		arrivals_report(&src);
		outfile_close(out);
		arrivals_close(&src);
		return 0;
	}
	rlopts_build(&o.rl, &r.rl);
	extras_apply(o.rl.hwconfig, o.rl.hardware, &o.so);
	schedopts_finish(&o.so);
	ttftsteps_open(&r.ts, o.ttft_steps, o.rtt);
	out = outfile_open(o.co.output);
	r.out = out;
	jsonout_init(&r.jw, out);
	replay(&r, &src);
	arrivals_report(&src);
	ttftsteps_close(&r.ts);
	r.failed = src.failed;
	r.skipped = src.in.skipped;
	report_counts(&r);
	if (o.summary && o.json)
		report_json(&r, out);
	else if (o.summary)
		report_table(&r, out);
	if (o.plotdir != NULL)
		report_plots(&r, o.plotdir);
	outfile_close(out);
	arrivals_close(&src);
	run_free(&r);
	return 0;
}

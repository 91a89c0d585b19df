/*
 * trace-replay: replay a request trace through the scheduler with the
 * roofline model, and write what each request would have felt: queueing,
 * time to first token, inter-token latency, end to end, beside the
 * measured values where the trace has them.  --summary reports the
 * calibration instead: MAPE, percentiles and their errors, Pearson r.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/cli.h"
#include "io/err.h"
#include "io/input.h"
#include "io/jsonout.h"
#include "io/outfile.h"
#include "model/rlopts.h"
#include "model/roofline.h"
#include "ptrmap.h"
#include "records/request.h"
#include "records/step.h"
#include "sched/arrivals.h"
#include "sched/replay.h"
#include "sched/sched.h"
#include "sched/schedopts.h"
#include "stats/stats.h"

#include "report.h"
#include "run.h"

const char *const metric_names[NMETRIC] = { "ttft", "itl", "e2e" };

enum {
	OPT_SORT_WINDOW = SCHED_OPT_NEXT, OPT_STRICT, OPT_SUMMARY, OPT_JSON,
	OPT_TOKENS, OPT_PLOT, OPT_TTFT_STEPS, OPT_WARM_UP, OPT_RTT
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
	    "  -t, --tp N                        tensor parallelism (default 1)\n"
	    "      --mixed-batch-penalty X       override the entry's\n"
	    "      --overlap-penalty Y           override the entry's\n"
	    "      --max-num-seqs N              running requests (default 256)\n"
	    "      --max-num-batched-tokens N    tokens a step (default 2048)\n"
	    "      --long-prefill-token-threshold N  prefill chunk cap\n"
	    "      --kv-blocks N                 KV cache size in blocks\n"
	    "      --block-size N                tokens a KV block (default 16)\n"
	    "      --prefix-cache none|blocks|F  prompt tokens assumed cached\n"
	    "                                    where a record has no\n"
	    "                                    cached_tokens (default none)\n"
	    "      --prefix-cache-cold N         the first N requests: none\n"
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

static void
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

/* --- a request's life ------------------------------------------------ */

static struct life *
life_new(const struct request *r, uint64_t seq)
{
	struct life *l = err_malloc(sizeof(*l));

	memset(l, 0, sizeof(*l));
	l->seq = seq;
	l->id = err_strdup(r->id);
	l->arrival_us = r->arrival_us;
	l->input_tokens = r->input_tokens;
	l->output_tokens = r->output_tokens;
	l->first_run_us = l->first_token_us = l->last_token_us = -1;
	l->meas_ttft = r->ttft_us;
	l->meas_e2e = r->e2e_us;
	l->gaps = err_malloc((size_t)r->output_tokens * sizeof(*l->gaps));
	if (r->token_us != NULL) {
		l->measured = err_malloc((size_t)r->output_tokens *
		    sizeof(*l->measured));
		memcpy(l->measured, r->token_us, (size_t)r->output_tokens *
		    sizeof(*l->measured));
	}
	return l;
}

static void
life_free(struct life *l)
{
	free(l->id);
	free(l->gaps);
	free(l->measured);
	free(l);
}

static void
life_token(struct life *l, int64_t t)
{
	if (l->seen == 0)
		l->first_token_us = t;
	else if (l->seen < l->output_tokens)
		l->gaps[l->seen - 1] = t - l->last_token_us;
	l->last_token_us = t;
	l->seen++;
}

/* Mean and P99 of a request's inter-token gaps; 0 with one token. */
static void
gap_stats(const int64_t *gaps, int64_t n, double *mean, double *p99)
{
	double *v;
	int64_t i;

	*mean = *p99 = 0;
	if (n <= 0)
		return;
	v = err_malloc((size_t)n * sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = (double)gaps[i];
	*mean = stats_mean(v, (size_t)n);
	*p99 = stats_percentile(v, (size_t)n, 99);
	free(v);
}

static void
measured_gaps(const struct life *l, int64_t *gaps)
{
	int64_t i;

	for (i = 1; i < l->output_tokens; i++)
		gaps[i - 1] = l->measured[i] - l->measured[i - 1];
}

/* --- output -------------------------------------------------------- */

static void
reorder_put(struct reorder *ro, uint64_t seq, char *line)
{
	size_t need = (size_t)(seq - ro->base) + 1;

	if (ro->head + need > ro->cap) {
		if (ro->head > 0) {
			memmove(ro->line, ro->line + ro->head,
			    (ro->cap - ro->head) * sizeof(*ro->line));
			memset(ro->line + ro->cap - ro->head, 0,
			    ro->head * sizeof(*ro->line));
			ro->head = 0;
		}
		while (need > ro->cap) {
			ro->line = err_realloc(ro->line, 2 * (ro->cap ?
			    ro->cap : 32) * sizeof(*ro->line));
			memset(ro->line + ro->cap, 0, (ro->cap ? ro->cap : 64) *
			    sizeof(*ro->line));
			ro->cap = ro->cap ? 2 * ro->cap : 64;
		}
	}
	ro->line[ro->head + need - 1] = line;
}

static void
reorder_flush(struct reorder *ro, FILE *fp)
{
	while (ro->head < ro->cap && ro->line[ro->head] != NULL) {
		fputs(ro->line[ro->head], fp);
		free(ro->line[ro->head]);
		ro->line[ro->head++] = NULL;
		ro->base++;
	}
}

/* A request's latencies, predicted or measured: those in has. */
enum { LAT_TTFT = 1, LAT_E2E = 2, LAT_ITL = 4, LAT_ALL = 7 };

struct lat {
	int	 has;
	int64_t	 ttft, e2e;
	double	 itl_mean, itl_p99;
};

/* Latencies from token times given as first, last and the gaps. */
static void
lat_from(struct lat *x, const struct life *l, int64_t first, int64_t last,
    const int64_t *gaps)
{
	x->has = LAT_ALL;
	x->ttft = first - l->arrival_us;
	x->e2e = last - l->arrival_us;
	gap_stats(gaps, l->output_tokens - 1, &x->itl_mean, &x->itl_p99);
}

/*
 * Predicted latencies (TTFT and E2E as the client sees them: plus rtt),
 * and measured ones when the trace has them (1): all three from token
 * times, else TTFT and E2E as given.
 */
static int
latencies(const struct life *l, int64_t rtt, struct lat *pred,
    struct lat *meas)
{
	int64_t *mg;

	lat_from(pred, l, l->first_token_us, l->last_token_us, l->gaps);
	pred->ttft += rtt;
	pred->e2e += rtt;
	memset(meas, 0, sizeof(*meas));
	if (l->measured == NULL) {
		if (l->meas_ttft != REQUEST_ABSENT) {
			meas->has |= LAT_TTFT;
			meas->ttft = l->meas_ttft;
		}
		if (l->meas_e2e != REQUEST_ABSENT) {
			meas->has |= LAT_E2E;
			meas->e2e = l->meas_e2e;
		}
		return meas->has != 0;
	}
	mg = err_malloc((size_t)l->output_tokens * sizeof(*mg));
	measured_gaps(l, mg);
	lat_from(meas, l, l->measured[0], l->measured[l->output_tokens - 1],
	    mg);
	free(mg);
	return 1;
}

static void
record_latencies(struct run *r, const struct life *l, const struct lat *p,
    const struct lat *m)
{
	if ((int64_t)l->seq < r->o->warm_up)
		return;
	series_add(&r->m[M_TTFT], (double)p->ttft, m->has & LAT_TTFT ?
	    (double)m->ttft : NAN);
	if (l->output_tokens > 1)
		series_add(&r->m[M_ITL], p->itl_mean, m->has & LAT_ITL ?
		    m->itl_mean : NAN);
	series_add(&r->m[M_E2E], (double)p->e2e, m->has & LAT_E2E ?
	    (double)m->e2e : NAN);
}

static void
write_lat(struct jw *w, const char *prefix, const struct lat *x)
{
	char key[64];

	if (x->has & LAT_TTFT) {
		snprintf(key, sizeof(key), "%sttft_us", prefix);
		jsonout_kint(w, key, x->ttft);
	}
	if (x->has & LAT_ITL) {
		snprintf(key, sizeof(key), "%sitl_mean_us", prefix);
		jsonout_knum(w, key, x->itl_mean);
		snprintf(key, sizeof(key), "%sitl_p99_us", prefix);
		jsonout_knum(w, key, x->itl_p99);
	}
	if (x->has & LAT_E2E) {
		snprintf(key, sizeof(key), "%se2e_us", prefix);
		jsonout_kint(w, key, x->e2e);
	}
}

/*
 * The record of a finished request, as one line of text: a request record
 * with the replay's fields after the request's own.
 */
static char *
format_life(struct run *r, const struct life *l, const struct sched_req *sr,
    const struct lat *p, const struct lat *m, int have)
{
	struct request_out ro;
	char *line;
	size_t len;
	int64_t i;
	FILE *mem;

	if ((mem = open_memstream(&line, &len)) == NULL)
		err_die(EXIT_DATA, "out of memory");
	r->jw.fp = mem;
	request_out_init(&ro);
	ro.id = l->id;
	ro.arrival_us = l->arrival_us;
	ro.input_tokens = l->input_tokens;
	ro.output_tokens = l->output_tokens;
	if (l->cached > 0 || l->cached_given)
		ro.cached_tokens = l->cached;
	request_json_open(&r->jw, &ro);
	jsonout_kint(&r->jw, "queue_us", l->first_run_us - l->arrival_us);
	write_lat(&r->jw, "", p);
	jsonout_kint(&r->jw, "preemptions", sr->preemptions);
	if (r->o->tokens) {
		jsonout_key(&r->jw, "itl_us");
		jsonout_arr(&r->jw);
		for (i = 0; i + 1 < l->output_tokens; i++)
			jsonout_int(&r->jw, l->gaps[i]);
		jsonout_arr_end(&r->jw);
	}
	if (have)
		write_lat(&r->jw, "measured_", m);
	request_json_close(&r->jw);
	if (fclose(mem) != 0)
		err_die(EXIT_DATA, "out of memory");
	return line;
}

static void
finish(struct run *r, const struct life *l, const struct sched_req *sr)
{
	struct lat p, m;
	int have = latencies(l, r->o->rtt, &p, &m);

	/* Only a report keeps numbers per request; records stream. */
	if (r->o->summary || r->o->plotdir != NULL)
		record_latencies(r, l, &p, &m);
	if (r->o->summary)
		return;
	reorder_put(&r->ro, l->seq, format_life(r, l, sr, &p, &m, have));
	reorder_flush(&r->ro, r->out);
}

/* --- the replay ---------------------------------------------------- */

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
queued(void *ctx, struct sched_req *sr, const struct request *rq)
{
	struct run *r = ctx;

	sr->user = life_new(rq, r->admitted++);
	((struct life *)sr->user)->cached = sr->cached;
	((struct life *)sr->user)->cached_given = rq->cached_tokens !=
	    REQUEST_ABSENT;
	ptrmap_put(&r->lives, sr->id, sr);
	r->requests++;
}

static struct sched_req *
running_req(const struct run *r, const struct step_req *e)
{
	struct sched_req *sr = ptrmap_get(&r->lives, e->request_id);

	if (sr == NULL)
		err_die(EXIT_DATA, "internal error: step names an unknown "
		    "request");
	return sr;
}

static void
mark_started(struct run *r, const struct step_req *e, size_t n, int64_t now)
{
	struct life *l;
	size_t i;

	for (i = 0; i < n; i++) {
		l = running_req(r, &e[i])->user;
		if (l->first_run_us < 0)
			l->first_run_us = now;
	}
}

/* Tokens the step emitted end at its end. */
static void
emit_tokens(struct run *r, const struct step_req *e, size_t n, int64_t end)
{
	struct sched_req *sr;
	size_t i;

	for (i = 0; i < n; i++) {
		sr = running_req(r, &e[i]);
		while (((struct life *)sr->user)->seen < sr->generated)
			life_token(sr->user, end);
	}
}

static void
retire(struct run *r)
{
	const struct sched_req *sr;
	size_t i;

	for (i = 0; i < sched_ndone(r->s); i++) {
		sr = sched_done(r->s, i);
		finish(r, sr->user, sr);
		ptrmap_del(&r->lives, sr->id);
		life_free(sr->user);
	}
}

/* The measured TTFT of a request, or -1 when it has none. */
static int64_t
measured_ttft(const struct life *l)
{
	if (l->measured != NULL)
		return l->measured[0] - l->arrival_us;
	return l->meas_ttft != REQUEST_ABSENT ? l->meas_ttft : -1;
}

/* One ttft-step: the step st, timed by the request's measured TTFT. */
static void
write_ttft_step(struct run *r, const struct step *st, const struct life *l,
    int64_t start, int64_t ttft)
{
	struct step_out so;
	cJSON *pass = cJSON_CreateObject();

	if (pass == NULL ||
	    cJSON_AddStringToObject(pass, "request_id", l->id) == NULL ||
	    cJSON_AddNumberToObject(pass, "ttft_wait_us",
	    (double)(start - l->arrival_us)) == NULL ||
	    cJSON_AddNumberToObject(pass, "measured_ttft_us",
	    (double)ttft) == NULL)
		err_die(EXIT_DATA, "out of memory");
	step_out_init(&so);
	so.pass = pass;
	so.step = r->steps;
	so.ts_us = start;
	so.dur_us = ttft - r->o->rtt - (start - l->arrival_us);
	so.dur_source = "ttft";
	so.comp = st;
	step_write_json(&r->ttft_jw, &so);
	cJSON_Delete(pass);
	r->ttft_written++;
}

/*
 * --ttft-steps: each request that arrived after the previous step began
 * (so it is admitted in the first step that starts after its arrival,
 * unqueued), is admitted in this step and finishes its prefill in it, and
 * has a measured TTFT: this step, timed by that TTFT less --network-rtt-us
 * and less the predicted wait from arrival to the step's start.  A TTFT
 * not longer than those gives no step (counted).
 */
static void
ttft_steps(struct run *r, const struct step *st, int64_t start)
{
	const struct sched_req *sr;
	const struct life *l;
	int64_t ttft;
	size_t i;

	for (i = 0; i < st->n_prefill; i++) {
		sr = running_req(r, &st->prefill[i]);
		l = sr->user;
		if (l->first_run_us >= 0 || l->arrival_us <= r->prev_start ||
		    st->prefill[i].progress_index + st->prefill[i].tokens !=
		    sr->prefill_len || (ttft = measured_ttft(l)) < 0)
			continue;
		r->ttft_timed++;
		if (ttft - r->o->rtt > start - l->arrival_us)
			write_ttft_step(r, st, l, start, ttft);
		else
			r->ttft_short++;
	}
}

static void
running(void *ctx, const struct step *st, int64_t start, int64_t dur)
{
	struct run *r = ctx;

	(void)dur;
	if (r->ttft_fp != NULL)
		ttft_steps(r, st, start);
	mark_started(r, st->prefill, st->n_prefill, start);
	mark_started(r, st->decode, st->n_decode, start);
	r->prev_start = start;
}

static void
ran(void *ctx, const struct step *st, int64_t end)
{
	struct run *r = ctx;

	emit_tokens(r, st->prefill, st->n_prefill, end);
	emit_tokens(r, st->decode, st->n_decode, end);
	retire(r);
	r->steps++;
}

static void
replay(struct run *r, struct arrivals *src)
{
	const struct replay_hooks h = { .ctx = r, .step_time = step_time,
	    .queued = queued, .running = running, .ran = ran };

	replay_run(src, r->s, &h);
}

/* --- --ttft-steps --------------------------------------------------- */

static void
ttft_open(struct run *r, const char *path)
{
	if ((r->ttft_fp = fopen(path, "w")) == NULL)
		err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
	jsonout_init(&r->ttft_jw, r->ttft_fp);
}

static void
ttft_close(struct run *r, const char *path)
{
	jsonout_free(&r->ttft_jw);
	if (ferror(r->ttft_fp) | (fclose(r->ttft_fp) != 0))
		err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
	err_warn("%s: %ld ttft-step%s, of %ld request%s with a measured TTFT "
	    "prefilled whole in the first step after arrival (%ld left out: "
	    "TTFT not longer than the predicted wait)", path,
	    r->ttft_written, r->ttft_written == 1 ? "" : "s", r->ttft_timed,
	    r->ttft_timed == 1 ? "" : "s", r->ttft_short);
}

/* --- options and main ---------------------------------------------- */

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
		{ "sort-window", required_argument, NULL, OPT_SORT_WINDOW },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "summary", no_argument, NULL, OPT_SUMMARY },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "tokens", no_argument, NULL, OPT_TOKENS },
		{ "plot", required_argument, NULL, OPT_PLOT },
		{ "ttft-steps", required_argument, NULL, OPT_TTFT_STEPS },
		{ "warmup-requests", required_argument, NULL, OPT_WARM_UP },
		{ "network-rtt-us", required_argument, NULL, OPT_RTT },
		COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof(*o));
	rlopts_init(&o->ro);
	sched_config_default(&o->sc);
	o->window = 4096;
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
	if (o->json && !o->summary)
		err_usage("--json goes with --summary");
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct run r;
	struct arrivals src;
	char why[256];
	FILE *out;
	int m;

	err_setprog(argv[0]);
	parse_opts(&o, argc, argv);
	if (rlopts_list(&o.ro, stdout)) {
		outfile_close(stdout);
		return 0;
	}
	memset(&r, 0, sizeof(r));
	r.o = &o;
	rlopts_build(&o.ro, &r.rl);
	if ((r.s = sched_new(&o.sc, why, sizeof(why))) == NULL)
		err_usage("%s", why);
	ptrmap_init(&r.lives);

	outfile_refuse_inputs(o.co.output, argv + optind, argc - optind);
	arrivals_init(&src, &o.co, argv + optind, argc - optind,
	    (size_t)o.window);
	src.strict = o.strict;
	src.auto_mode = 1;
	src.flags = REQ_MEASURED;
	r.prev_start = -1;
	if (o.ttft_steps != NULL)
		ttft_open(&r, o.ttft_steps);
	out = outfile_open(o.co.output);
	r.out = out;
	jsonout_init(&r.jw, out);
	replay(&r, &src);
	arrivals_report(&src);
	if (o.ttft_steps != NULL)
		ttft_close(&r, o.ttft_steps);
	r.failed = src.failed;
	r.skipped = src.in.skipped;
	if (o.summary && o.json)
		report_json(&r, out);
	else if (o.summary)
		report_table(&r, out);
	if (o.plotdir != NULL)
		report_plots(&r, o.plotdir);
	outfile_close(out);

	arrivals_close(&src);
	jsonout_free(&r.jw);
	free(r.ro.line);
	ptrmap_free(&r.lives);
	sched_free(r.s);
	for (m = 0; m < NMETRIC; m++) {
		free(r.m[m].pred);
		free(r.m[m].meas);
	}
	return 0;
}

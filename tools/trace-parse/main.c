/*
 * trace-parse: whatever trace a serving stack left behind, as canonical
 * records.  Request-level traces become request records; iteration logs
 * and measured step tables become step records.  The format is detected
 * from the first non-blank line unless --from names it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/cli.h"
#include "io/err.h"
#include "readers/azure.h"
#include "readers/benchserve.h"
#include "readers/blis.h"
#include "readers/burstgpt.h"
#include "readers/mooncake.h"
#include "readers/otel.h"
#include "readers/splitwise.h"
#include "readers/steptrace.h"
#include "readers/vllmlog.h"
#include "io/jsonin.h"
#include "io/linereader.h"
#include "io/outfile.h"
#include "io/progress.h"
#include "csvsplit.h"
#include "detect.h"
#include "idset.h"
#include "itlmap.h"
#include "record.h"

enum { OPT_CSV = 256, OPT_SKIP_BAD, OPT_LIST, OPT_KEEP_CLOCK, OPT_ITL };

/* A vLLM log clock has no year: a jump back of half a year is New Year. */
#define YEAR_S		(365 * 86400LL)

struct run {
	struct tp_out out;
	struct tp_idset ids;	/* ids the traces carried themselves */
	int	 from;		/* TP_UNKNOWN: detect per file */
	int	 keep_clock, skip_bad, quiet;
	long	 records, skipped, dummies;
	long	 other_lines;	/* log lines that are not iteration lines */
	long	 other_spans;	/* OTLP spans that are not vLLM requests */
	long	 next_id;	/* for traces without request ids */
	struct tp_itlmap itl;	/* --itl: BLIS chunk times by request */
	int64_t	*gaps;		/* a request's inter-chunk gaps */
	size_t	 cap_gaps;
	char	 blis_model[256];	/* server.model of the last header */
	struct steptrace_stats steps;	/* vllm-steps, over all files */
};

/* One input file, and the first line detection already read. */
struct src {
	struct linereader lr;
	struct progress pg;
	char	*pending;
	size_t	 pending_len;
	int	 have_origin;
	int64_t	 origin;	/* first record's time on the trace's clock */
	long	 records;
	int	 header_only;	/* a BLIS header: metadata, no records */
};

static void
usage(void)
{
	printf("usage: trace-parse [options] [FILE...]\n"
	    "Turn a serving trace into request or step records "
	    "(NDJSON).\n\n"
	    "  -f, --from FORMAT   read FORMAT, do not detect it\n"
	    "      --list-formats  list the formats and exit\n"
	    "      --keep-clock    times on the trace's own clock (default: "
	    "first = 0)\n"
	    "      --itl FILE      BLIS ITL CSV to join to a BLIS trace\n"
	    "      --csv           write CSV instead of NDJSON\n"
	    "  -o, --output FILE   write FILE atomically\n"
	    "      --skip-bad      skip and count malformed records\n"
	    "  -q, --quiet         no progress display\n"
	    "  -h, --help          show this help\n"
	    "  -V, --version       show the version\n");
}

static void
list_formats(void)
{
	int i;

	for (i = 0; i < TP_NFORMATS; i++)
		printf("%-12s %-8s %s\n", tp_formats[i].name,
		    tp_formats[i].record, tp_formats[i].what);
}

/* The next line to read: the one detection looked at, then the rest. */
static char *
src_next(struct src *s, size_t *len)
{
	char *line;

	if (s->pending != NULL) {
		line = s->pending;
		*len = s->pending_len;
		s->pending = NULL;
		return line;
	}
	if ((line = lr_next(&s->lr, len)) != NULL)
		progress_update(&s->pg);
	return line;
}

/* A malformed record: stop, or with --skip-bad count it and go on. */
static void
bad_record(struct run *r, const char *file, long line, const char *msg)
{
	warnat(file, line, "%s", msg);
	if (!r->skip_bad)
		exit(EXIT_DATA);
	r->skipped++;
}

static void
mixed_csv(void)
{
	die(EXIT_DATA, "--csv: cannot write request and step records into "
	    "one CSV; run once per kind");
}

/* Times relative to the first record of the file, unless --keep-clock. */
static int64_t
rebase(const struct run *r, struct src *s, int64_t t)
{
	if (!s->have_origin) {
		s->origin = t;
		s->have_origin = 1;
	}
	return r->keep_clock ? t : t - s->origin;
}

/*
 * Write a request: give it an id when the trace has none, refuse an id
 * seen before (a duplicate would double-count load downstream).
 */
static void
emit_request(struct run *r, struct src *s, long line, struct tp_request *q)
{
	char idbuf[32], msg[400];
	long first;

	if (q->id == NULL) {
		snprintf(idbuf, sizeof(idbuf), "%ld", r->next_id++);
		q->id = idbuf;
	} else if ((first = tp_idset_add(&r->ids, q->id, line)) != 0) {
		snprintf(msg, sizeof(msg), "duplicate request id \"%.200s\" "
		    "(first at line %ld)", q->id, first);
		bad_record(r, s->lr.name, line, msg);
		return;
	}
	if (tp_out_request(&r->out, q) < 0)
		mixed_csv();
	r->records++;
	s->records++;
}

static void
emit_step(struct run *r, struct src *s, const struct tp_step *st)
{
	if (tp_out_step(&r->out, st) < 0)
		mixed_csv();
	r->records++;
	s->records++;
}

/* A CSV trace starts with its header; --from skips detection, not this. */
static int
expect_header(struct src *s, const char *const *cols)
{
	char *line, msg[400], want[300] = "";
	size_t len, i;

	while ((line = src_next(s, &len)) != NULL && lr_blank(line, len))
		;
	if (line == NULL)
		return 0;
	if (tp_csv_is_header(line, cols))
		return 1;
	for (i = 0; cols[i] != NULL; i++) {
		if (i > 0)
			strncat(want, ",", sizeof(want) - strlen(want) - 1);
		strncat(want, cols[i], sizeof(want) - strlen(want) - 1);
	}
	snprintf(msg, sizeof(msg), "expected the header \"%s\"", want);
	/* No header, no meaning: fatal even with --skip-bad. */
	dieat(EXIT_DATA, s->lr.name, s->lr.lineno, "%s", msg);
	return 0;
}

static void
read_vllm_log(struct run *r, struct src *s)
{
	struct fmt_iter it;
	struct tp_step st;
	struct jerr e;
	char *line;
	size_t len;
	int64_t t;

	while ((line = src_next(s, &len)) != NULL) {
		switch (fmt_vllmlog_line(line, len, &it, e.msg,
		    sizeof(e.msg))) {
		case FMT_OTHER:
			if (!lr_blank(line, len))
				r->other_lines++;
			continue;
		case FMT_BAD:
			bad_record(r, s->lr.name, s->lr.lineno, e.msg);
			continue;
		}
		tp_step_init(&st);
		st.step = it.iter;
		if (it.engine >= 0)
			st.engine = it.engine;
		if (it.clock_s >= 0) {
			t = rebase(r, s, it.clock_s);
			if (!r->keep_clock && t < -YEAR_S / 2)
				t += YEAR_S;
			st.ts_us = t * 1000000;
		}
		st.dur_us = it.dur_us;
		st.n_prefill = it.ctx_reqs;
		st.prefill_tokens = it.ctx_tokens;
		st.n_decode = it.gen_reqs;
		st.decode_tokens = it.gen_tokens;
		st.kv_usage = it.kv_usage;
		st.dummy = it.dummy;
		r->dummies += it.dummy;
		emit_step(r, s, &st);
	}
}

static void
read_azure(struct run *r, struct src *s)
{
	struct fmt_azure a;
	struct tp_request q;
	struct jerr e;
	char *line;
	size_t len;

	if (!expect_header(s, fmt_azure_columns))
		return;
	while ((line = src_next(s, &len)) != NULL) {
		if (lr_blank(line, len))
			continue;
		if (fmt_azure_row(line, len, &a, &e) < 0) {
			bad_record(r, s->lr.name, s->lr.lineno, e.msg);
			continue;
		}
		tp_request_init(&q);
		q.arrival_us = rebase(r, s, a.ts_us);
		q.input_tokens = a.input_tokens;
		q.output_tokens = a.output_tokens;
		emit_request(r, s, s->lr.lineno, &q);
	}
}

static void
read_burstgpt(struct run *r, struct src *s)
{
	struct fmt_burstgpt b;
	struct tp_request q;
	struct jerr e;
	char *line;
	size_t len;

	if (!expect_header(s, fmt_burstgpt_columns))
		return;
	while ((line = src_next(s, &len)) != NULL) {
		if (lr_blank(line, len))
			continue;
		if (fmt_burstgpt_row(line, len, &b, &e) < 0) {
			bad_record(r, s->lr.name, s->lr.lineno, e.msg);
			continue;
		}
		tp_request_init(&q);
		q.arrival_us = rebase(r, s, b.ts_us);
		q.input_tokens = b.input_tokens;
		q.output_tokens = b.output_tokens;
		q.model = b.model;
		if (b.failed)
			q.error = "failed (0 response tokens)";
		emit_request(r, s, s->lr.lineno, &q);
	}
}

static void
read_mooncake(struct run *r, struct src *s)
{
	struct fmt_mooncake m;
	struct tp_request q;
	struct jerr e;
	char *line;
	size_t len;

	while ((line = src_next(s, &len)) != NULL) {
		if (lr_blank(line, len))
			continue;
		if (fmt_mooncake_line(line, len, &m, &e) < 0) {
			bad_record(r, s->lr.name, s->lr.lineno, e.msg);
			continue;
		}
		tp_request_init(&q);
		q.arrival_us = rebase(r, s, m.ts_us);
		q.input_tokens = m.input_tokens;
		q.output_tokens = m.output_tokens;
		emit_request(r, s, s->lr.lineno, &q);
	}
}

/*
 * A measured row is two steps: the batch's prefill, and one decode step
 * standing for the whole decode phase.  token_time is the mean over that
 * phase, so the decode step sits at the phase's mean context and is
 * marked estimated.  Decode k (1..token_size-1) starts with
 * prompt_size + k - 1 tokens in the cache; their mean is
 * prompt_size + (token_size - 2) / 2, rounded down.
 */
static void
emit_measured(struct run *r, struct src *s, const struct fmt_splitwise *w)
{
	struct tp_step st;

	tp_step_init(&st);
	st.step = (int64_t)s->records;
	st.dur_us = w->prompt_us;
	st.n_prefill = w->batch_size;
	st.prefill_tokens = w->batch_size * w->prompt_size;
	st.model = w->model;
	st.hardware = w->hardware;
	st.tp = w->tp;
	st.full = 1;
	st.prefill_len = w->prompt_size;
	emit_step(r, s, &st);
	if (w->token_size < 2)
		return;		/* the prefill made the only token */
	st.step = (int64_t)s->records;
	st.dur_us = w->token_us;
	st.n_prefill = st.prefill_tokens = 0;
	st.n_decode = st.decode_tokens = w->batch_size;
	st.decode_progress = w->prompt_size + (w->token_size - 2) / 2;
	st.estimated = 1;
	emit_step(r, s, &st);
}

static void
read_splitwise(struct run *r, struct src *s)
{
	struct fmt_splitwise w;
	struct jerr e;
	char *line;
	size_t len;

	if (!expect_header(s, fmt_splitwise_columns))
		return;
	while ((line = src_next(s, &len)) != NULL) {
		if (lr_blank(line, len))
			continue;
		if (fmt_splitwise_row(line, len, &w, &e) < 0) {
			bad_record(r, s->lr.name, s->lr.lineno, e.msg);
			continue;
		}
		emit_measured(r, s, &w);
	}
}

/* BLIS's header file: remember the model for the data that follows. */
static void
read_blis_header(struct run *r, struct src *s)
{
	struct fmt_blis_header h;
	struct jerr e;
	char *line;
	size_t len;

	/* A bad header spoils every record: fatal even with --skip-bad. */
	s->header_only = 1;
	fmt_blis_header_init(&h);
	while ((line = src_next(s, &len)) != NULL)
		if (fmt_blis_header_line(&h, line, &e) < 0)
			dieat(EXIT_DATA, s->lr.name, s->lr.lineno, "%s", e.msg);
	if (fmt_blis_header_end(&h, &e) < 0)
		dieat(EXIT_DATA, s->lr.name, 0, "%s", e.msg);
	memcpy(r->blis_model, h.model, sizeof(r->blis_model));
}

static void
push_gap(struct run *r, size_t n, int64_t gap)
{
	if (n == r->cap_gaps) {
		r->cap_gaps = r->cap_gaps > 0 ? 2 * r->cap_gaps : 256;
		r->gaps = xrealloc(r->gaps, r->cap_gaps * sizeof(*r->gaps));
	}
	r->gaps[n] = gap;
}

/*
 * The request's streamed chunks from --itl: gaps between them, and the
 * first and last chunk times when the trace row did not record them.
 */
static int
join_itl(struct run *r, const struct fmt_blis_req *b, int64_t base,
    struct tp_request *q, char *msg, size_t msgsz)
{
	struct tp_itlent *ent = tp_itlmap_get(&r->itl, b->id);
	size_t k;

	if (ent == NULL)
		return 0;
	ent->used = 1;
	for (k = 1; k < ent->n; k++) {
		if (ent->chunk[k].ts_us < ent->chunk[k - 1].ts_us) {
			snprintf(msg, msgsz, "--itl: request %.200s: chunk "
			    "%lld comes before chunk %lld", b->id,
			    (long long)ent->chunk[k].index,
			    (long long)ent->chunk[k - 1].index);
			return -1;
		}
		push_gap(r, k - 1, ent->chunk[k].ts_us - ent->chunk[k - 1].ts_us);
	}
	q->itl_us = r->gaps;
	q->n_itl = ent->n > 0 ? ent->n - 1 : 0;
	if (q->ttft_us == TP_ABSENT && ent->n > 0 && ent->chunk[0].ts_us >= base)
		q->ttft_us = ent->chunk[0].ts_us - base;
	if (q->e2e_us == TP_ABSENT && ent->n > 0 &&
	    ent->chunk[ent->n - 1].ts_us >= base)
		q->e2e_us = ent->chunk[ent->n - 1].ts_us - base;
	return 0;
}

/*
 * Latencies are the client's: from when the request was sent (its
 * arrival when no send time was recorded) to the first and last chunk.
 */
static int
blis_request(struct run *r, const struct fmt_blis_req *b,
    struct tp_request *q, char *msg, size_t msgsz)
{
	int64_t base = b->send_us >= 0 ? b->send_us : b->arrival_us;

	tp_request_init(q);
	q->id = b->id;
	q->input_tokens = b->input_tokens;
	q->output_tokens = b->output_tokens;
	if (b->first_us >= base)
		q->ttft_us = b->first_us - base;
	if (b->last_us >= base)
		q->e2e_us = b->last_us - base;
	if (*b->status != '\0' && strcmp(b->status, "ok") != 0)
		q->error = *b->error_message != '\0' ? b->error_message :
		    b->status;
	if (*b->model != '\0')
		q->model = b->model;
	else if (r->blis_model[0] != '\0')
		q->model = r->blis_model;
	if (q->error != NULL)
		return 0;
	return join_itl(r, b, base, q, msg, msgsz);
}

static void
read_blis_data(struct run *r, struct src *s)
{
	struct fmt_blis_cols cols;
	struct fmt_blis_req b;
	struct tp_request q;
	struct jerr e;
	char *line;
	size_t len;

	line = src_next(s, &len);
	if (fmt_blis_columns(line, len, &cols, &e) < 0) {
		dieat(EXIT_DATA, s->lr.name, s->lr.lineno, "%s", e.msg);
	}
	while ((line = src_next(s, &len)) != NULL) {
		if (lr_blank(line, len))
			continue;
		if (fmt_blis_row(line, len, &cols, &b, &e) < 0 ||
		    blis_request(r, &b, &q, e.msg, sizeof(e.msg)) < 0) {
			bad_record(r, s->lr.name, s->lr.lineno, e.msg);
			continue;
		}
		q.arrival_us = rebase(r, s, b.arrival_us);
		emit_request(r, s, s->lr.lineno, &q);
	}
}

static void
read_blis(struct run *r, struct src *s)
{
	if (s->pending != NULL && strncmp(s->pending, "trace_version:", 14) == 0)
		read_blis_header(r, s);
	else
		read_blis_data(r, s);
}

/* --itl: every chunk time, by request, before any trace is read. */
static void
load_itl(struct run *r, const char *path)
{
	struct linereader lr;
	const char *id;
	int64_t chunk, ts;
	struct jerr e;
	char *line;
	size_t len;

	if (lr_open(&lr, path) < 0)
		die(EXIT_DATA, "%s: %s", path, strerror(errno));
	line = lr_next(&lr, &len);
	if (line == NULL || !tp_csv_is_header(line, fmt_blis_itl_columns))
		dieat(EXIT_DATA, lr.name, 1, "expected the header "
		    "\"request_id,chunk_index,timestamp_us\"");
	while ((line = lr_next(&lr, &len)) != NULL) {
		if (lr_blank(line, len))
			continue;
		if (fmt_blis_itl_row(line, len, &id, &chunk, &ts, &e) < 0) {
			bad_record(r, lr.name, lr.lineno, e.msg);
			continue;
		}
		tp_itlmap_add(&r->itl, id, chunk, ts);
	}
	if (lr_error(&lr))
		die(EXIT_DATA, "%s: read error: %s", lr.name, strerror(errno));
	lr_close(&lr);
}

/* The rest of the input as one text, for the formats that are documents. */
static char *
slurp_rest(struct src *s, size_t *total)
{
	char *buf = NULL, *line;
	size_t len, cap = 0, n = 0;

	while ((line = src_next(s, &len)) != NULL) {
		if (n + len + 2 > cap) {
			cap = 2 * (n + len + 2);
			buf = xrealloc(buf, cap);
		}
		memcpy(buf + n, line, len);
		n += len;
		buf[n++] = '\n';
	}
	if (buf == NULL)
		buf = xstrdup("");
	else
		buf[n] = '\0';
	*total = n;
	return buf;
}

static void
bench_request(struct run *r, struct src *s, const struct fmt_bench *b,
    const struct fmt_bench_req *bq)
{
	struct tp_request q;
	int64_t none = 0;

	tp_request_init(&q);
	/* Without start_times the file does not say when requests came. */
	q.arrival_us = bq->start_us >= 0 ? rebase(r, s, bq->start_us) : 0;
	q.input_tokens = bq->input_tokens;
	q.output_tokens = bq->output_tokens;
	q.error = bq->error;
	q.model = b->model;
	if (bq->ttft_us >= 0) {
		q.ttft_us = bq->ttft_us;
		/* The file has no e2e: the first token, then every gap. */
		q.e2e_us = bq->ttft_us + bq->itl_sum;
	}
	if (b->itls != NULL && bq->error == NULL) {
		q.itl_us = bq->itl_us != NULL ? bq->itl_us : &none;
		q.n_itl = bq->n_itl;
	}
	emit_request(r, s, 0, &q);
}

static void
read_bench_doc(struct run *r, struct src *s, const cJSON *doc)
{
	struct fmt_bench b;
	struct fmt_bench_req bq;
	struct jerr e;
	size_t i;

	/* No arrays, no records: fatal even with --skip-bad. */
	if (fmt_bench_open(doc, &b, &e) < 0)
		dieat(EXIT_DATA, s->lr.name, 0, "%s", e.msg);
	if (b.start_times == NULL && b.n > 0)
		warnat(s->lr.name, 0, "no start_times: arrival_us is 0 for "
		    "every request");
	memset(&bq, 0, sizeof(bq));
	for (i = 0; i < b.n; i++) {
		if (fmt_bench_get(&b, i, &bq, &e) < 0)
			bad_record(r, s->lr.name, 0, e.msg);
		else
			bench_request(r, s, &b, &bq);
	}
	free(bq.itl_us);
}

/* vllm-steps: a step record out of the reader. */
struct steptrace_ctx {
	struct run *r;
	struct src *s;
};

static void
steptrace_emit(void *ctx, const struct steptrace_rec *rec)
{
	struct steptrace_ctx *c = ctx;
	struct tp_step st;

	if (!c->r->out.csv_mode) {
		steptrace_json(&c->r->out.jw, rec);
		c->r->records++;
		c->s->records++;
		return;
	}
	/* CSV has the step columns only: counts, no composition. */
	tp_step_init(&st);
	st.step = rec->step;
	st.ts_us = rec->ts_us;
	st.dur_us = rec->dur_us == STEPTRACE_NONE ? TP_ABSENT : rec->dur_us;
	st.n_prefill = rec->n_prefill;
	st.prefill_tokens = rec->prefill_tokens;
	st.n_decode = rec->n_decode;
	st.decode_tokens = rec->decode_tokens;
	st.kv_usage = rec->kv_usage;
	emit_step(c->r, c->s, &st);
}

static void
steptrace_bad(void *ctx, long line, const char *msg)
{
	struct steptrace_ctx *c = ctx;

	bad_record(c->r, c->s->lr.name, line, msg);
}

/*
 * Step traces: one export a line (streamed), or one document.  A file is
 * one stream: the cycle of its last step is unknown.
 */
static void
read_steptrace(struct run *r, struct src *s, const cJSON *doc)
{
	struct steptrace_ctx c = { r, s };
	struct steptrace t;
	struct jerr e;
	cJSON *d;
	char *line;
	size_t len;

	steptrace_init(&t, STEPTRACE_WINDOW, r->keep_clock, steptrace_emit,
	    steptrace_bad, &c);
	if (doc != NULL)
		steptrace_export(&t, doc, 0);
	else
		while ((line = src_next(s, &len)) != NULL) {
			if (lr_blank(line, len))
				continue;
			if ((d = json_parse_line(line, len, &e)) == NULL) {
				bad_record(r, s->lr.name, s->lr.lineno, e.msg);
				continue;
			}
			steptrace_export(&t, d, s->lr.lineno);
			cJSON_Delete(d);
		}
	steptrace_finish(&t);
	steptrace_stats_add(&r->steps, &t.st);
	steptrace_free(&t);
}

static void
otel_export(struct run *r, struct src *s, long line, const cJSON *doc)
{
	struct fmt_otel_iter it;
	struct fmt_otel_span sp;
	struct tp_request q;
	struct jerr e;
	int rc;

	fmt_otel_begin(&it, doc);
	while ((rc = fmt_otel_next(&it, doc, &sp, &r->other_spans, &e)) != 0) {
		if (rc < 0) {
			bad_record(r, s->lr.name, line, e.msg);
			continue;
		}
		tp_request_init(&q);
		q.id = sp.id;
		q.arrival_us = rebase(r, s, sp.start_us);
		q.input_tokens = sp.input_tokens;
		q.output_tokens = sp.output_tokens;
		q.ttft_us = sp.ttft_us < 0 ? TP_ABSENT : sp.ttft_us;
		q.e2e_us = sp.e2e_us < 0 ? TP_ABSENT : sp.e2e_us;
		q.queue_us = sp.queue_us < 0 ? TP_ABSENT : sp.queue_us;
		q.prefill_us = sp.prefill_us < 0 ? TP_ABSENT : sp.prefill_us;
		q.decode_us = sp.decode_us < 0 ? TP_ABSENT : sp.decode_us;
		q.error = sp.error;
		q.model = sp.model;
		emit_request(r, s, line, &q);
	}
}

/* One export per line: stream them. */
static void
read_otel_lines(struct run *r, struct src *s)
{
	struct jerr e;
	cJSON *doc;
	char *line;
	size_t len;

	while ((line = src_next(s, &len)) != NULL) {
		if (lr_blank(line, len))
			continue;
		if ((doc = json_parse_line(line, len, &e)) == NULL) {
			bad_record(r, s->lr.name, s->lr.lineno, e.msg);
			continue;
		}
		otel_export(r, s, s->lr.lineno, doc);
		cJSON_Delete(doc);
	}
}

/*
 * The line of a document's syntax error: where cJSON stopped, or the end
 * when the text ran out.  Columns in the message count from the start of
 * the document.
 */
static long
doc_error_line(const char *text, size_t len)
{
	const char *at = cJSON_GetErrorPtr(), *p;
	long line = 1;

	if (at == NULL || at < text || at > text + len)
		at = text + len;
	if (at == text + len && at > text && at[-1] == '\n')
		at--;
	for (p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

/*
 * A JSON document: a bench serve result, or an OTLP export spread over
 * many lines.  Which one, its keys say.
 */
static void
read_json_doc(struct run *r, struct src *s, int from)
{
	struct jerr e;
	cJSON *doc;
	char *text;
	size_t len;

	text = slurp_rest(s, &len);
	if ((doc = json_parse_doc(text, len, &e)) == NULL) {
		if (len > 0)
			die(EXIT_DATA, "%s:%ld: %s", s->lr.name,
			    doc_error_line(text, len), e.msg);
		free(text);
		return;
	}
	if (from == TP_JSON_DOC)
		from = steptrace_detect(doc) ? TP_STEPTRACE :
		    jfield(doc, "resourceSpans") != NULL ? TP_OTEL :
		    jfield(doc, "input_lens") != NULL ? TP_BENCH_SERVE :
		    TP_UNKNOWN;
	if (from == TP_STEPTRACE)
		read_steptrace(r, s, doc);
	else if (from == TP_OTEL)
		otel_export(r, s, 0, doc);
	else if (from == TP_BENCH_SERVE)
		read_bench_doc(r, s, doc);
	else
		die(EXIT_DATA, "%s: a JSON document with neither input_lens "
		    "(bench-serve) nor resourceSpans (otel); use --from",
		    s->lr.name);
	cJSON_Delete(doc);
	free(text);
}

/* OTLP: one export per line when the first line is a whole object. */
static void
read_otel(struct run *r, struct src *s)
{
	struct jerr e;
	cJSON *doc;

	if (s->pending != NULL &&
	    (doc = json_parse_line(s->pending, s->pending_len, &e)) != NULL) {
		cJSON_Delete(doc);
		read_otel_lines(r, s);
	} else
		read_json_doc(r, s, TP_OTEL);
}

/* Step traces, like OTLP: a stream when the first line is a whole object. */
static void
read_steptrace_file(struct run *r, struct src *s)
{
	struct jerr e;
	cJSON *doc;

	if (s->pending != NULL &&
	    (doc = json_parse_line(s->pending, s->pending_len, &e)) != NULL) {
		cJSON_Delete(doc);
		read_steptrace(r, s, NULL);
	} else
		read_json_doc(r, s, TP_STEPTRACE);
}

static void
read_format(struct run *r, struct src *s, int fmt)
{
	switch (fmt) {
	case TP_VLLM_LOG:	read_vllm_log(r, s); break;
	case TP_AZURE:		read_azure(r, s); break;
	case TP_MOONCAKE:	read_mooncake(r, s); break;
	case TP_BURSTGPT:	read_burstgpt(r, s); break;
	case TP_SPLITWISE:	read_splitwise(r, s); break;
	case TP_OTEL:		read_otel(r, s); break;
	case TP_BENCH_SERVE:	read_json_doc(r, s, TP_BENCH_SERVE); break;
	case TP_JSON_DOC:	read_json_doc(r, s, TP_JSON_DOC); break;
	case TP_BLIS:		read_blis(r, s); break;
	case TP_STEPTRACE:	read_steptrace_file(r, s); break;
	case TP_BLIS_ITL:
		die(EXIT_USAGE, "%s: a BLIS ITL CSV joins a trace: give it "
		    "with --itl", s->lr.name);
	default:
		die(EXIT_DATA, "%s:%ld: cannot tell the format from \"%.60s\""
		    "; use --from (one of: %s)", s->lr.name, s->lr.lineno,
		    s->pending, tp_format_names());
	}
}

/* Read ahead to the first non-blank line and keep it for the reader. */
static int
first_line(struct src *s)
{
	char *line;
	size_t len;

	while ((line = lr_next(&s->lr, &len)) != NULL)
		if (!lr_blank(line, len)) {
			s->pending = line;
			s->pending_len = len;
			return 1;
		}
	return 0;
}

static void
parse_file(struct run *r, const char *path)
{
	struct src s;
	long skipped = r->skipped;

	memset(&s, 0, sizeof(s));
	if (lr_open(&s.lr, path) < 0)
		die(EXIT_DATA, "%s: %s", path, strerror(errno));
	progress_start(&s.pg, s.lr.fp, s.lr.name, r->quiet);
	if (first_line(&s))
		read_format(r, &s, r->from != TP_UNKNOWN ? r->from :
		    tp_detect_line(s.pending));
	progress_done(&s.pg);
	if (lr_error(&s.lr))
		die(EXIT_DATA, "%s: read error: %s", s.lr.name,
		    strerror(errno));
	if (s.records == 0 && r->skipped == skipped && !s.header_only)
		warnat(s.lr.name, 0, "no records");
	lr_close(&s.lr);
}

static void
report(const struct run *r)
{
	if (r->other_lines > 0)
		warnmsg("ignored %ld log line%s without an iteration record",
		    r->other_lines, r->other_lines == 1 ? "" : "s");
	if (r->other_spans > 0)
		warnmsg("ignored %ld span%s without gen_ai.request.id",
		    r->other_spans, r->other_spans == 1 ? "" : "s");
	steptrace_report(&r->steps);
	if (r->dummies > 0)
		warnmsg("%ld dummy iteration%s kept, flagged \"dummy\": true",
		    r->dummies, r->dummies == 1 ? "" : "s");
	if (tp_itlmap_unused(&r->itl) > 0)
		warnmsg("--itl: %zu request id%s not in any trace",
		    tp_itlmap_unused(&r->itl),
		    tp_itlmap_unused(&r->itl) == 1 ? "" : "s");
	if (r->skipped > 0)
		warnmsg("skipped %ld bad record%s of %ld", r->skipped,
		    r->skipped == 1 ? "" : "s", r->skipped + r->records);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "list-formats", no_argument, NULL, OPT_LIST },
		{ "keep-clock", no_argument, NULL, OPT_KEEP_CLOCK },
		{ "itl", required_argument, NULL, OPT_ITL },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "output", required_argument, NULL, 'o' },
		{ "skip-bad", no_argument, NULL, OPT_SKIP_BAD },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct run r;
	const char *outpath = NULL, *itlpath = NULL;
	FILE *out;
	int c, i, csv = 0;

	err_setprog(argv[0]);
	memset(&r, 0, sizeof(r));
	r.from = TP_UNKNOWN;
	while ((c = getopt_long(argc, argv, ":f:o:qhV", longopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'f':
			if ((r.from = tp_format_by_name(optarg)) == TP_UNKNOWN)
				usage_error("--from: unknown format '%s' (one "
				    "of: %s)", optarg, tp_format_names());
			break;
		case OPT_LIST:	list_formats(); out_close(stdout); return 0;
		case OPT_KEEP_CLOCK: r.keep_clock = 1; break;
		case OPT_ITL:	itlpath = optarg; break;
		case OPT_CSV:	csv = 1; break;
		case 'o':	outpath = optarg; break;
		case OPT_SKIP_BAD: r.skip_bad = 1; break;
		case 'q':	r.quiet = 1; break;
		case 'h':	usage(); return 0;
		case 'V':	print_version(); return 0;
		default:	bad_option(c, argv);
		}
	}

	tp_itlmap_init(&r.itl);
	if (itlpath != NULL)
		load_itl(&r, itlpath);
	out = out_open(outpath);
	tp_out_init(&r.out, out, csv);
	tp_idset_init(&r.ids);
	if (optind == argc)
		parse_file(&r, "-");
	for (i = optind; i < argc; i++)
		parse_file(&r, argv[i]);
	report(&r);
	out_close(out);
	tp_out_free(&r.out);
	tp_idset_free(&r.ids);
	tp_itlmap_free(&r.itl);
	free(r.gaps);
	return 0;
}

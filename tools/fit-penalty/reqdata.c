#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "io/err.h"
#include "io/jsonin.h"
#include "records/request.h"
#include "reqdata.h"

struct rq_reader {
	struct rq_data *d;
	struct jsonin j;
};

static double
span(int64_t v)
{
	return v != REQUEST_ABSENT ? (double)v : RQ_NONE;
}

static void
take(const struct request *q, int no_output, struct rq_rec *x)
{
	memset(x, 0, sizeof(*x));
	x->arrival_us = q->arrival_us;
	x->input_tokens = q->input_tokens;
	x->output_tokens = q->output_tokens;
	x->no_output = no_output;
	x->cached = q->cached_tokens == REQUEST_ABSENT ? -1 : q->cached_tokens;
	x->ttft = span(q->ttft_us);
	x->e2e = span(q->e2e_us);
	x->itl = RQ_NONE;
	x->queue = span(q->queue_us);
	x->prefill = span(q->prefill_us);
	x->decode = span(q->decode_us);
	if (q->token_us != NULL) {
		x->ttft = (double)(q->token_us[0] - q->arrival_us);
		x->e2e = (double)(q->token_us[q->output_tokens - 1] -
		    q->arrival_us);
		if (q->output_tokens > 1)
			x->itl = (double)(q->token_us[q->output_tokens - 1] -
			    q->token_us[0]) / (double)(q->output_tokens - 1);
	}
}

int
rqdata_parse(struct jsonin *j, const char *line, size_t len,
    struct rq_rec *x, int *failed, struct errmsg *e)
{
	struct request q;
	cJSON *obj;

	*failed = 0;
	if ((obj = jsonin_parse(j, line, len, e)) == NULL ||
	    request_from_json(obj, REQ_MEASURED | REQ_ZERO_OUTPUT, &q, e) < 0)
		return -1;
	if (q.failed) {
		*failed = 1;
		request_free(&q);
		return 0;
	}
	/* output_tokens 0: a prefill that produced nothing, never scored. */
	take(&q, q.output_tokens == 0, x);
	request_free(&q);
	if (x->no_output)
		x->ttft = x->e2e = x->itl = x->decode = RQ_NONE;
	return 0;
}

static enum input_status
read_line(void *ctx, struct input *in, const char *line, size_t len)
{
	struct rq_reader *rd = ctx;
	struct rq_data *d = rd->d;
	struct rq_rec x;
	struct errmsg e;
	int failed;

	if (rqdata_parse(&rd->j, line, len, &x, &failed, &e) < 0) {
		err_warnat(in->lr.name, in->lr.lineno, "%s", e.msg);
		return INPUT_BAD;
	}
	if (failed) {
		d->failed++;
		return INPUT_OK;
	}
	d->has_cached += x.cached >= 0;
	d->no_output += x.no_output;
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 1024;
		d->r = err_realloc(d->r, d->cap * sizeof(*d->r));
	}
	x.seq = (long)d->n;
	d->r[d->n++] = x;
	return INPUT_OK;
}

static int
by_arrival(const void *a, const void *b)
{
	const struct rq_rec *x = a, *y = b;

	if (x->arrival_us != y->arrival_us)
		return x->arrival_us > y->arrival_us ? 1 : -1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

void
rqdata_read(struct rq_data *d, const struct common_opts *co,
    char *const *paths, int npaths)
{
	struct rq_reader rd;
	struct input in;
	size_t i;

	memset(d, 0, sizeof(*d));
	rd.d = d;
	jsonin_init(&rd.j);
	input_init(&in, co);
	in.none_msg = "no request records";
	in.noun = "request";
	input_lines(&in, paths, npaths, read_line, &rd);
	jsonin_free(&rd.j);
	input_report(&in);
	d->read = in.records;
	d->bad = in.skipped;
	qsort(d->r, d->n, sizeof(*d->r), by_arrival);
	for (i = 0; i < d->n; i++) {
		d->has[0] += d->r[i].ttft > 0;
		d->has[1] += d->r[i].e2e > 0;
		d->has[2] += d->r[i].itl > 0;
		d->has[3] += d->r[i].queue >= 0;
		d->has[4] += d->r[i].prefill > 0;
		d->has[5] += d->r[i].decode > 0;
	}
}

void
rqdata_free(struct rq_data *d)
{
	free(d->r);
	memset(d, 0, sizeof(*d));
}

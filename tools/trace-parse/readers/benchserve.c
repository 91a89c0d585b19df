#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "readers/benchserve.h"
#include "io/numfmt.h"
#include "seconds.h"

/* An optional per-request array must match input_lens in length. */
static int
same_length(const cJSON *a, const char *name, size_t n, struct errmsg *e)
{
	if (a == NULL)
		return 0;
	if (jsonin_array(a, name, e) < 0)
		return -1;
	if ((size_t)cJSON_GetArraySize(a) != n) {
		errmsg_set(e, "%s: %d entries, but input_lens has %zu", name,
		    cJSON_GetArraySize(a), n);
		return -1;
	}
	return 0;
}

int
benchserve_open(const cJSON *doc, struct benchserve *b, struct errmsg *e)
{
	const cJSON *m;

	if (jsonin_object(doc, "document", e) < 0 ||
	    (b->input_lens = jsonin_need(doc, "input_lens", e)) == NULL ||
	    jsonin_array(b->input_lens, "input_lens", e) < 0 ||
	    (b->output_lens = jsonin_need(doc, "output_lens", e)) == NULL)
		return -1;
	b->n = (size_t)cJSON_GetArraySize(b->input_lens);
	b->ttfts = jsonin_field(doc, "ttfts");
	b->itls = jsonin_field(doc, "itls");
	b->errors = jsonin_field(doc, "errors");
	b->start_times = jsonin_field(doc, "start_times");
	if (same_length(b->output_lens, "output_lens", b->n, e) < 0 ||
	    same_length(b->ttfts, "ttfts", b->n, e) < 0 ||
	    same_length(b->itls, "itls", b->n, e) < 0 ||
	    same_length(b->errors, "errors", b->n, e) < 0 ||
	    same_length(b->start_times, "start_times", b->n, e) < 0)
		return -1;
	m = jsonin_field(doc, "model_id");
	b->model = cJSON_IsString(m) ? m->valuestring : NULL;
	b->at_in = b->input_lens->child;
	b->at_out = b->output_lens->child;
	b->at_ttft = b->ttfts != NULL ? b->ttfts->child : NULL;
	b->at_itl = b->itls != NULL ? b->itls->child : NULL;
	b->at_err = b->errors != NULL ? b->errors->child : NULL;
	b->at_start = b->start_times != NULL ? b->start_times->child : NULL;
	b->next = 0;
	return 0;
}

/* The buffer is kept across requests: it grows to the longest one. */
static void
itl_push(struct benchserve_req *q, int64_t us)
{
	if (q->n_itl == q->cap_itl) {
		q->cap_itl = q->cap_itl > 0 ? 2 * q->cap_itl : 256;
		q->itl_us = err_realloc(q->itl_us, q->cap_itl * sizeof(*q->itl_us));
	}
	q->itl_us[q->n_itl++] = us;
}

static int
get_itls(const cJSON *list, size_t i, struct benchserve_req *q,
    struct errmsg *e)
{
	char path[64];
	const cJSON *v;
	size_t k = 0;

	snprintf(path, sizeof(path), "itls[%zu]", i);
	if (jsonin_array(list, path, e) < 0)
		return -1;
	q->n_itl = 0;
	q->itl_sum = 0;
	cJSON_ArrayForEach(v, list) {
		int64_t us;

		snprintf(path, sizeof(path), "itls[%zu][%zu]", i, k++);
		if (seconds_json_us(v, path, &us, e) < 0)
			return -1;
		/* Their sum gives e2e_us: keep it exact. */
		if (us > RT_INT_EXACT_MAX - q->itl_sum) {
			errmsg_set(e, "itls[%zu]: the gaps add up to more than "
			    "2^53 us", i);
			return -1;
		}
		q->itl_sum += us;
		itl_push(q, us);
	}
	return 0;
}

/* The entry at *at, and *at moved to the next one. */
static const cJSON *
benchserve_step(const cJSON **at)
{
	const cJSON *v = *at;

	if (v != NULL)
		*at = v->next;
	return v;
}

int
benchserve_get(struct benchserve *b, size_t i, struct benchserve_req *q,
    struct errmsg *e)
{
	const cJSON *in, *out, *ttft, *itl, *err, *start;
	char path[64];

	if (i != b->next) {
		errmsg_set(e, "internal error: bench-serve request %zu read out "
		    "of order (next is %zu)", i, b->next);
		return -1;
	}
	b->next++;
	in = benchserve_step(&b->at_in);
	out = benchserve_step(&b->at_out);
	ttft = benchserve_step(&b->at_ttft);
	itl = benchserve_step(&b->at_itl);
	err = benchserve_step(&b->at_err);
	start = benchserve_step(&b->at_start);
	snprintf(path, sizeof(path), "input_lens[%zu]", i);
	if (jsonin_int(in, path, 0, RT_INT_EXACT_MAX, &q->input_tokens, e) < 0)
		return -1;
	snprintf(path, sizeof(path), "output_lens[%zu]", i);
	if (jsonin_int(out, path, 0, RT_INT_EXACT_MAX, &q->output_tokens,
	    e) < 0)
		return -1;
	q->error = NULL;
	if (b->errors != NULL) {
		snprintf(path, sizeof(path), "errors[%zu]", i);
		if (!cJSON_IsNull(err) && jsonin_str(err, path, &q->error, e) < 0)
			return -1;
		if (q->error != NULL && q->error[0] == '\0')
			q->error = NULL;
	}
	q->start_us = q->ttft_us = -1;
	q->n_itl = 0;
	q->itl_sum = 0;
	if (b->start_times != NULL) {
		snprintf(path, sizeof(path), "start_times[%zu]", i);
		if (seconds_json_us(start, path, &q->start_us, e) < 0)
			return -1;
	}
	/* A failed request's latencies are placeholders (0, []): skip them. */
	if (q->error != NULL)
		return 0;
	if (b->ttfts != NULL) {
		snprintf(path, sizeof(path), "ttfts[%zu]", i);
		if (seconds_json_us(ttft, path, &q->ttft_us, e) < 0)
			return -1;
	}
	if (b->itls != NULL && get_itls(itl, i, q, e) < 0)
		return -1;
	return 0;
}

/*
 * A JSON document's first line: this format, unless another is sure.
 * The document's keys decide (see readers.h).
 */
static enum reader_detect
benchserve_detect(const char *line)
{
	return *line == '{' ? DETECT_FALLBACK : DETECT_NO;
}

/* Requests whose chunks held several tokens, for finish(). */
static long benchserve_chunked;

static void
benchserve_request(struct emit *em, const struct benchserve *b,
    const struct benchserve_req *bq)
{
	struct request_out q;
	int64_t none = 0;

	request_out_init(&q);
	/* Without start_times the file does not say when requests came. */
	q.arrival_us = bq->start_us >= 0 ? emit_rebase(em, bq->start_us) : 0;
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
		/*
		 * Fewer gaps than tokens: chunks of several tokens
		 * (speculative decoding, stream_interval).  No token's time
		 * is known, the first's and the last's are: keep the gaps
		 * under their own name, and ttft_us and e2e_us.
		 */
		if ((int64_t)bq->n_itl + 1 < bq->output_tokens) {
			q.chunk_itl_us = q.itl_us;
			q.n_chunk_itl = q.n_itl;
			q.itl_us = NULL;
			q.n_itl = 0;
			benchserve_chunked++;
		}
	}
	emit_request(em, 0, &q);
}

/*
 * vllm bench serve --save-result without --save-detailed: the run's
 * summary (completed, request_throughput, ...), no per-request arrays.
 */
static int
benchserve_summary(const cJSON *doc)
{
	return jsonin_field(doc, "input_lens") == NULL &&
	    jsonin_field(doc, "completed") != NULL &&
	    jsonin_field(doc, "request_throughput") != NULL;
}

/* More gaps than tokens is no stream at all. */
static int
benchserve_gaps(const struct benchserve_req *q, size_t i, struct errmsg *e)
{
	if (q->error == NULL && q->n_itl > 0 &&
	    (int64_t)q->n_itl >= q->output_tokens) {
		errmsg_set(e, "itls[%zu]: %zu gaps for %lld output tokens (at "
		    "most one fewer)", i, q->n_itl, (long long)q->output_tokens);
		return -1;
	}
	return 0;
}

static void
benchserve_finish(void)
{
	if (benchserve_chunked > 0)
		err_warn("bench-serve: %ld request%s streamed several tokens a "
		    "chunk (fewer itls than output tokens): gaps kept as "
		    "chunk_itl_us, no itl_us; ttft_us and e2e_us hold",
		    benchserve_chunked, benchserve_chunked == 1 ? "" : "s");
}

static int
benchserve_doc(struct emit *em, const cJSON *doc, struct errmsg *e)
{
	struct benchserve b;
	struct benchserve_req bq;
	size_t i;

	/* No arrays, no records: fatal even with --skip-bad. */
	if (benchserve_summary(doc)) {
		errmsg_set(e, "a vllm bench serve summary without per-request "
		    "data (input_lens, ttfts, itls): save the run with "
		    "--save-result --save-detailed");
		return READER_FATAL;
	}
	if (benchserve_open(doc, &b, e) < 0)
		return READER_FATAL;
	if (b.start_times == NULL && b.n > 0)
		err_warnat(emit_name(em), 0, "no start_times: arrival_us is 0 for "
		    "every request");
	memset(&bq, 0, sizeof(bq));
	for (i = 0; i < b.n; i++) {
		if (benchserve_get(&b, i, &bq, e) < 0 ||
		    benchserve_gaps(&bq, i, e) < 0)
			emit_bad(em, 0, e);
		else
			benchserve_request(em, &b, &bq);
	}
	free(bq.itl_us);
	return READER_OK;
}

const struct reader benchserve_reader = {
	.name = "bench-serve",
	.record = "request",
	.kind = "token-times",
	.what = "vllm bench serve --save-detailed result JSON",
	.detect = benchserve_detect,
	.mode = READ_DOC,
	.doc_key = "input_lens",
	.claim = benchserve_summary,
	.doc = benchserve_doc,
	.finish = benchserve_finish,
};

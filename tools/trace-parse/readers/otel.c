#include <stdio.h>
#include <string.h>

#include "readers/otel.h"
#include "io/err.h"
#include "io/numfmt.h"
#include "decimal.h"
#include "seconds.h"

static const cJSON *
first_of(const cJSON *obj, const char *key)
{
	const cJSON *a = jsonin_field(obj, key);

	return cJSON_IsArray(a) ? a->child : NULL;
}

/* Move to the next span in document order; NULL at the end. */
static const cJSON *
advance(struct otel_iter *it, const cJSON *doc)
{
	if (!it->started) {
		it->started = 1;
		it->rs = first_of(doc, "resourceSpans");
		it->ss = it->rs ? first_of(it->rs, "scopeSpans") : NULL;
		it->span = it->ss ? first_of(it->ss, "spans") : NULL;
	} else if (it->span != NULL) {
		it->span = it->span->next;
		it->k++;
	}
	while (it->span == NULL && it->rs != NULL) {
		if (it->ss != NULL) {
			it->ss = it->ss->next;
			it->j++;
		}
		if (it->ss == NULL) {
			it->rs = it->rs->next;
			it->i++;
			it->j = 0;
			it->ss = it->rs ? first_of(it->rs, "scopeSpans") :
			    NULL;
		}
		it->k = 0;
		it->span = it->ss ? first_of(it->ss, "spans") : NULL;
	}
	return it->span;
}

void
otel_begin(struct otel_iter *it, const cJSON *doc)
{
	(void)doc;
	memset(it, 0, sizeof(*it));
}

/* The attributes read, each found in one walk over a span's list. */
static const char *const otel_keys[] = {
	"gen_ai.request.id", "gen_ai.usage.prompt_tokens",
	"gen_ai.usage.completion_tokens", "gen_ai.response.model",
	"gen_ai.request.model", "gen_ai.latency.time_in_queue",
	"gen_ai.latency.time_to_first_token", "gen_ai.latency.e2e",
	"gen_ai.latency.time_in_model_prefill",
	"gen_ai.latency.time_in_model_decode",
	"gen_ai.latency.time_in_model_inference",
	"gen_ai.latency.time_in_scheduler",
	"gen_ai.latency.time_in_model_forward",
	"gen_ai.latency.time_in_model_execute"
};
enum { OTEL_NKEYS = sizeof(otel_keys) / sizeof(otel_keys[0]) };

/* The last span walked's attributes (the first of each key). */
static const cJSON *otel_vals[OTEL_NKEYS];

static void
attr_walk(const cJSON *span)
{
	const cJSON *a, *k;
	const char *s;
	size_t i;

	memset(otel_vals, 0, sizeof(otel_vals));
	cJSON_ArrayForEach(a, jsonin_field(span, "attributes")) {
		if (!cJSON_IsString(k = jsonin_field(a, "key")) ||
		    strncmp(s = k->valuestring, "gen_ai.", 7) != 0)
			continue;
		for (i = 0; i < OTEL_NKEYS; i++)
			if (otel_vals[i] == NULL && s[7] == otel_keys[i][7] &&
			    strcmp(s + 7, otel_keys[i] + 7) == 0) {
				otel_vals[i] = jsonin_field(a, "value");
				break;
			}
	}
}

/* The value object of attribute key of the span last walked, or NULL. */
static const cJSON *
attr(const cJSON *span, const char *key)
{
	size_t i;

	(void)span;
	for (i = 0; i < OTEL_NKEYS; i++)
		if (strcmp(otel_keys[i], key) == 0)
			return otel_vals[i];
	return NULL;
}

/* An intValue is a string in proto3 JSON, a number in some exporters. */
static int
int_text(const cJSON *v, const char *path, int64_t *out, struct errmsg *e)
{
	if (cJSON_IsString(v)) {
		if (decimal_uint(v->valuestring, out) < 0) {
			errmsg_set(e, "%s: expected a whole number, got \"%.40s\"",
			    path, v->valuestring);
			return -1;
		}
		return 0;
	}
	return jsonin_int(v, path, 0, RT_INT_EXACT_MAX, out, e);
}

static int
attr_int(const cJSON *span, const char *key, const char *base,
    int64_t *out, struct errmsg *e)
{
	const cJSON *v = attr(span, key);
	char path[200];

	snprintf(path, sizeof(path), "%s.attributes[%s]", base, key);
	if (v == NULL) {
		errmsg_set(e, "%s: missing", path);
		return -1;
	}
	if (jsonin_field(v, "intValue") != NULL)
		return int_text(jsonin_field(v, "intValue"), path, out, e);
	return int_text(jsonin_field(v, "doubleValue"), path, out, e);
}

/* A latency in seconds; absent attributes stay -1. */
static int
attr_seconds(const cJSON *span, const char *key, const char *base,
    int64_t *out, struct errmsg *e)
{
	const cJSON *v = attr(span, key), *n;
	char path[200];

	*out = -1;
	if (v == NULL)
		return 0;
	snprintf(path, sizeof(path), "%s.attributes[%s]", base, key);
	if ((n = jsonin_field(v, "doubleValue")) == NULL)
		n = jsonin_field(v, "intValue");
	if (cJSON_IsString(n)) {
		/* proto3 JSON may quote numbers; read the text exactly. */
		if (decimal_str(n->valuestring, 6, out) < 0) {
			errmsg_set(e, "%s: expected seconds, got \"%.40s\"",
			    path, n->valuestring);
			return -1;
		}
		return 0;
	}
	return seconds_json_us(n, path, out, e);
}

static const char *
attr_str(const cJSON *span, const char *key)
{
	const cJSON *v = attr(span, key);

	v = jsonin_field(v, "stringValue");
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int
span_times(const cJSON *span, const char *base, struct otel_span *sp,
    struct errmsg *e)
{
	const cJSON *t = jsonin_field(span, "startTimeUnixNano");
	char path[200];
	int64_t ns;

	snprintf(path, sizeof(path), "%s.startTimeUnixNano", base);
	if (cJSON_IsString(t)) {
		/* ns since 1970 pass 2^53: read the text as us, exactly. */
		size_t n = strlen(t->valuestring);
		char buf[40];

		if (n < 4 || n > 30) {
			errmsg_set(e, "%s: expected nanoseconds", path);
			return -1;
		}
		snprintf(buf, sizeof(buf), "%.*s.%s", (int)(n - 3),
		    t->valuestring, t->valuestring + n - 3);
		if (decimal_str(buf, 0, &sp->start_us) < 0) {
			errmsg_set(e, "%s: expected nanoseconds, got \"%.40s\"",
			    path, t->valuestring);
			return -1;
		}
		return 0;
	}
	if (jsonin_int(t, path, 0, RT_INT_EXACT_MAX, &ns, e) < 0)
		return -1;
	sp->start_us = (ns + 500) / 1000;
	return 0;
}

static void
span_error(const cJSON *span, struct otel_span *sp)
{
	const cJSON *st = jsonin_field(span, "status"), *c = jsonin_field(st, "code");
	const cJSON *m = jsonin_field(st, "message");

	sp->error = NULL;
	if ((cJSON_IsNumber(c) && c->valueint == 2) ||
	    (cJSON_IsString(c) && strcmp(c->valuestring,
	    "STATUS_CODE_ERROR") == 0))
		sp->error = cJSON_IsString(m) && m->valuestring[0] != '\0' ?
		    m->valuestring : "error";
}

const char *const otel_attrs[OTEL_NATTR] = {
	"gen_ai.latency.time_in_queue", "gen_ai.latency.time_to_first_token",
	"gen_ai.latency.e2e", "gen_ai.latency.time_in_model_prefill",
	"gen_ai.latency.time_in_model_decode",
	"gen_ai.latency.time_in_model_inference",
	"gen_ai.latency.time_in_scheduler",
	"gen_ai.latency.time_in_model_forward",
	"gen_ai.latency.time_in_model_execute"
};

/* Every latency attribute, in otel_attrs' order; absent ones stay -1. */
static int
span_latencies(const cJSON *span, const char *base, struct otel_span *sp,
    struct errmsg *e)
{
	int64_t *to[OTEL_NATTR] = { &sp->queue_us, &sp->ttft_us, &sp->e2e_us,
	    &sp->prefill_us, &sp->decode_us, &sp->inference_us,
	    &sp->scheduler_us, &sp->model_forward_us, &sp->model_execute_us };
	size_t i;

	sp->seen = 0;
	for (i = 0; i < OTEL_NATTR; i++) {
		if (attr_seconds(span, otel_attrs[i], base, to[i], e) < 0)
			return -1;
		if (*to[i] >= 0)
			sp->seen |= 1u << i;
	}
	return 0;
}

static int
span_fields(const cJSON *span, const char *base, struct otel_span *sp,
    struct errmsg *e)
{
	if (span_times(span, base, sp, e) < 0 ||
	    attr_int(span, "gen_ai.usage.prompt_tokens", base,
	    &sp->input_tokens, e) < 0 ||
	    attr_int(span, "gen_ai.usage.completion_tokens", base,
	    &sp->output_tokens, e) < 0 ||
	    span_latencies(span, base, sp, e) < 0)
		return -1;
	if ((sp->model = attr_str(span, "gen_ai.response.model")) == NULL)
		sp->model = attr_str(span, "gen_ai.request.model");
	span_error(span, sp);
	return 0;
}

int
otel_next(struct otel_iter *it, const cJSON *doc,
    struct otel_span *sp, long *other, struct errmsg *e)
{
	const cJSON *span;
	char base[120];

	if (it->done)
		return 0;
	if (!it->started && !cJSON_IsArray(jsonin_field(doc, "resourceSpans"))) {
		it->done = 1;
		errmsg_set(e, "resourceSpans: missing, or not an array");
		return -1;
	}
	while ((span = advance(it, doc)) != NULL) {
		snprintf(base, sizeof(base),
		    "resourceSpans[%zu].scopeSpans[%zu].spans[%zu]",
		    it->i, it->j, it->k);
		/* Walked afresh: a later document may reuse the address. */
		attr_walk(span);
		if ((sp->id = attr_str(span, "gen_ai.request.id")) == NULL) {
			(*other)++;	/* not a vLLM request span */
			continue;
		}
		return span_fields(span, base, sp, e) < 0 ? -1 : 1;
	}
	it->done = 1;
	return 0;
}

/* Spans that are not vLLM request spans, and the attributes seen. */
static long other_spans, otel_requests;
static unsigned otel_seen;

static enum reader_detect
otel_detect(const char *line)
{
	return *line == '{' && strstr(line, "\"resourceSpans\"") != NULL ?
	    DETECT_YES : DETECT_NO;
}

static int64_t
otel_opt(int64_t us)
{
	return us < 0 ? REQUEST_ABSENT : us;
}

static void
otel_export(struct emit *em, long line, const cJSON *doc)
{
	struct otel_iter it;
	struct otel_span sp;
	struct request_out q;
	struct errmsg e;
	int rc;

	otel_begin(&it, doc);
	while ((rc = otel_next(&it, doc, &sp, &other_spans, &e)) != 0) {
		if (rc < 0) {
			emit_bad(em, line, &e);
			continue;
		}
		request_out_init(&q);
		q.id = sp.id;
		q.arrival_us = emit_rebase(em, sp.start_us);
		q.input_tokens = sp.input_tokens;
		q.output_tokens = sp.output_tokens;
		q.ttft_us = sp.ttft_us < 0 ? REQUEST_ABSENT : sp.ttft_us;
		q.e2e_us = sp.e2e_us < 0 ? REQUEST_ABSENT : sp.e2e_us;
		q.queue_us = sp.queue_us < 0 ? REQUEST_ABSENT : sp.queue_us;
		q.prefill_us = sp.prefill_us < 0 ? REQUEST_ABSENT :
		    sp.prefill_us;
		q.decode_us = sp.decode_us < 0 ? REQUEST_ABSENT : sp.decode_us;
		q.inference_us = otel_opt(sp.inference_us);
		q.scheduler_us = otel_opt(sp.scheduler_us);
		q.model_forward_us = otel_opt(sp.model_forward_us);
		q.model_execute_us = otel_opt(sp.model_execute_us);
		otel_seen |= sp.seen;
		otel_requests++;
		q.error = sp.error;
		q.model = sp.model;
		emit_request(em, line, &q);
	}
}

static int
otel_line(struct emit *em, const char *line, size_t len, long lineno,
    struct errmsg *e)
{
	cJSON *doc;

	if ((doc = jsonin_parse_line(line, len, e)) == NULL)
		return READER_BAD;
	otel_export(em, lineno, doc);
	cJSON_Delete(doc);
	return READER_OK;
}

static int
otel_doc(struct emit *em, const cJSON *doc, struct errmsg *e)
{
	(void)e;
	otel_export(em, 0, doc);
	return READER_OK;
}

static void
otel_finish(void)
{
	char list[512];
	size_t i;

	list[0] = '\0';
	for (i = 0; i < OTEL_NATTR; i++)
		if (otel_seen & (1u << i)) {
			if (list[0] != '\0')
				strncat(list, ", ", sizeof(list) - strlen(list) - 1);
			strncat(list, otel_attrs[i] + strlen("gen_ai.latency."),
			    sizeof(list) - strlen(list) - 1);
		}
	if (otel_requests > 0)
		err_warn("otel: %ld request span%s; latency attributes seen: %s",
		    otel_requests, otel_requests == 1 ? "" : "s",
		    list[0] != '\0' ? list : "none");
	if (other_spans > 0)
		err_warn("ignored %ld span%s without gen_ai.request.id",
		    other_spans, other_spans == 1 ? "" : "s");
}

const struct reader otel_reader = {
	.name = "otel",
	.record = "request",
	.kind = "spans",
	.what = "OpenTelemetry OTLP JSON export of vLLM spans",
	.detect = otel_detect,
	.open = readers_jsonl_or_doc,
	.doc_key = "resourceSpans",
	.line = otel_line,
	.doc = otel_doc,
	.finish = otel_finish,
};

#include <string.h>

#include "readers/mooncake.h"
#include "io/numfmt.h"

/* Milliseconds times 1000 must stay an exact integer. */
#define MAX_MS (RT_INT_EXACT_MAX / 1000)

static int
mooncake_fields(const cJSON *obj, struct mooncake_rec *r, struct jerr *e)
{
	const cJSON *v, *h;
	int64_t ms;

	if (jsonin_object(obj, "record", e) < 0)
		return -1;
	if ((v = jsonin_need(obj, "timestamp", e)) == NULL ||
	    jsonin_int(v, "timestamp", 0, MAX_MS, &ms, e) < 0)
		return -1;
	r->ts_us = ms * 1000;
	if ((v = jsonin_need(obj, "input_length", e)) == NULL ||
	    jsonin_int(v, "input_length", 0, RT_INT_EXACT_MAX, &r->input_tokens,
	    e) < 0)
		return -1;
	if ((v = jsonin_need(obj, "output_length", e)) == NULL ||
	    jsonin_int(v, "output_length", 0, RT_INT_EXACT_MAX, &r->output_tokens,
	    e) < 0)
		return -1;
	r->n_hash_ids = -1;
	if ((h = jsonin_field(obj, "hash_ids")) != NULL) {
		if (jsonin_array(h, "hash_ids", e) < 0)
			return -1;
		r->n_hash_ids = cJSON_GetArraySize(h);
	}
	return 0;
}

int
mooncake_parse(const char *line, size_t len, struct mooncake_rec *r,
    struct jerr *e)
{
	cJSON *obj;
	int rc;

	if ((obj = jsonin_parse_line(line, len, e)) == NULL)
		return -1;
	rc = mooncake_fields(obj, r, e);
	cJSON_Delete(obj);
	return rc;
}

static enum reader_detect
mooncake_detect(const char *line)
{
	return *line == '{' && strstr(line, "\"input_length\"") != NULL ?
	    DETECT_YES : DETECT_NO;
}

static int
mooncake_line(struct emit *em, const char *line, size_t len, long lineno,
    struct jerr *e)
{
	struct mooncake_rec m;
	struct request_out q;

	if (mooncake_parse(line, len, &m, e) < 0)
		return READER_BAD;
	request_out_init(&q);
	q.arrival_us = emit_rebase(em, m.ts_us);
	q.input_tokens = m.input_tokens;
	q.output_tokens = m.output_tokens;
	emit_request(em, lineno, &q);
	return READER_OK;
}

const struct reader mooncake_reader = {
	.name = "mooncake",
	.record = "request",
	.what = "Mooncake trace JSONL",
	.detect = mooncake_detect,
	.mode = READ_LINES,
	.line = mooncake_line,
};

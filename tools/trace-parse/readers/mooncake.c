#include <stdlib.h>
#include <string.h>

#include "readers/mooncake.h"
#include "io/err.h"
#include "io/jsonin.h"
#include "io/numfmt.h"

/* Milliseconds times 1000 must stay an exact integer. */
#define MAX_MS (RT_INT_EXACT_MAX / 1000)

static int
mooncake_fields(const cJSON *obj, struct mooncake_rec *r, struct errmsg *e)
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
	if ((h = jsonin_field(obj, "hash_ids")) != NULL) {
		if (jsonin_array(h, "hash_ids", e) < 0)
			return -1;
		r->n_hash_ids = cJSON_GetArraySize(h);
	}
	return 0;
}

/*
 * hash_ids (the prompt's KV-block hashes) are not used, and cJSON makes
 * a 64-byte node of each: a line of 12.5 M of them took 1 GB.  So a
 * top-level "hash_ids" array of plain JSON numbers is counted and left
 * out before cJSON reads the record, which sees "[]" in its place.  Any
 * other spelling (nested values, strings, an escaped key) is parsed in
 * full, as before: what is left out is only ever what cJSON accepts.
 */
static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

static const char *
digits(const char *p, const char *end)
{
	if (p >= end || !isdig(*p))
		return NULL;
	while (p < end && isdig(*p))
		p++;
	return p;
}

/* Past the JSON number at p (RFC 8259's grammar), or NULL. */
static const char *
number_end(const char *p, const char *end)
{
	if (p < end && *p == '-')
		p++;
	if (p < end && *p == '0')
		p++;
	else if ((p = digits(p, end)) == NULL)
		return NULL;
	if (p < end && *p == '.' && (p = digits(p + 1, end)) == NULL)
		return NULL;
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if ((p = digits(p, end)) == NULL)
			return NULL;
	}
	return p;
}

/* Past the array of numbers at p (its '['), *n of them; or NULL. */
static const char *
numbers_end(const char *p, const char *end, int64_t *n)
{
	*n = 0;
	p = jsonin_skip_blanks(p + 1, end);
	if (p < end && *p == ']')
		return p + 1;
	for (;;) {
		if ((p = number_end(p, end)) == NULL)
			return NULL;
		++*n;
		p = jsonin_skip_blanks(p, end);
		if (p < end && *p == ']')
			return p + 1;
		if (p >= end || *p != ',')
			return NULL;
		p = jsonin_skip_blanks(p + 1, end);
	}
}

/*
 * The value of the record's "hash_ids" key, [*from, *to), when it is an
 * array of numbers; 0 when there is none such.  Strings are skipped as
 * cJSON reads them, so a key is only ever found where cJSON finds it.
 */
static int
find_hash_ids(const char *line, size_t len, const char **from,
    const char **to, int64_t *n)
{
	static const char key[] = "\"hash_ids\"";
	const char *p = jsonin_skip_blanks(line, line + len), *end = line + len, *q;
	int depth = 0;

	if (p >= end || *p != '{')
		return 0;
	for (; p < end; p++) {
		switch (*p) {
		case '"':
			q = p;
			if ((p = jsonin_skip_string(q, end, NULL)) == NULL)
				return 0;
			p--;	/* the closing quote */
			if (depth != 1 || (size_t)(p + 1 - q) != sizeof(key) - 1 ||
			    memcmp(q, key, sizeof(key) - 1) != 0)
				break;
			q = jsonin_skip_blanks(p + 1, end);
			if (q >= end || *q != ':')
				break;
			q = jsonin_skip_blanks(q + 1, end);
			if (q >= end || *q != '[' ||
			    (*to = numbers_end(q, end, n)) == NULL)
				return 0;
			*from = q;
			return 1;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (--depth <= 0)
				return 0;
			break;
		}
	}
	return 0;
}

int
mooncake_parse_full(const char *line, size_t len, struct mooncake_rec *r,
    struct errmsg *e)
{
	cJSON *obj;
	int rc;

	r->n_hash_ids = -1;
	if ((obj = jsonin_parse_line(line, len, e)) == NULL)
		return -1;
	rc = mooncake_fields(obj, r, e);
	cJSON_Delete(obj);
	return rc;
}

int
mooncake_parse(const char *line, size_t len, struct mooncake_rec *r,
    struct errmsg *e)
{
	const char *from, *to;
	size_t head, tail;
	int64_t n;
	char *text;
	int rc;

	if (!find_hash_ids(line, len, &from, &to, &n))
		return mooncake_parse_full(line, len, r, e);
	head = (size_t)(from - line);
	tail = len - (size_t)(to - line);
	text = err_malloc(head + 2 + tail);
	memcpy(text, line, head);
	memcpy(text + head, "[]", 2);
	memcpy(text + head + 2, to, tail);
	rc = mooncake_parse_full(text, head + 2 + tail, r, e);
	free(text);
	if (rc == 0) {
		r->n_hash_ids = n;
		return 0;
	}
	/*
	 * A message's column must be the line's: the array blanked out in
	 * place (the rare bad line costs a copy of its length).
	 */
	text = err_malloc(len);
	memcpy(text, line, len);
	memset(text + head + 1, ' ', (size_t)(to - from) - 2);
	rc = mooncake_parse_full(text, len, r, e);
	free(text);
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
    struct errmsg *e)
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
	.kind = "requests",
	.what = "Mooncake trace JSONL",
	.detect = mooncake_detect,
	.mode = READ_LINES,
	.line = mooncake_line,
};

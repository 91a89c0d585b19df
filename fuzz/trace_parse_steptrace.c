/*
 * libFuzzer: vLLM fork step traces, as one document or one export a line,
 * through a small reorder window.  No crash, no leak, and the promises of
 * a written record hold: step ids strictly increase, a cycle is positive,
 * a composition agrees with its counts and every decode is one token.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readers/steptrace.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct seen {
	int	 any;
	int64_t	 last;
	long	 bad;
};

static void
check(void *ctx, const struct steptrace_rec *r)
{
	struct seen *s = ctx;
	int64_t pt = 0;
	size_t i;

	if (s->any && r->step <= s->last)
		abort();
	s->any = 1;
	s->last = r->step;
	if (r->dur_us != STEPTRACE_NONE && r->dur_us <= 0)
		abort();
	if (r->kv_usage > 1)
		abort();
	if (!r->composed)
		return;
	if ((int64_t)r->n_prefill_reqs != r->n_prefill ||
	    (int64_t)r->n_decode_reqs != r->n_decode ||
	    (int64_t)r->n_decode_reqs != r->decode_tokens)
		abort();
	for (i = 0; i < r->n_prefill_reqs; i++)
		pt += r->prefill[i].tokens;
	for (i = 0; i < r->n_decode_reqs; i++)
		if (r->decode[i].tokens != 1 || r->decode[i].request_id == NULL)
			abort();
	if (pt != r->prefill_tokens)
		abort();
}

static void
bad(void *ctx, long line, const char *msg)
{
	struct seen *s = ctx;

	(void)line;
	if (msg == NULL || *msg == '\0')
		abort();
	s->bad++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct steptrace t;
	struct seen s;
	struct errmsg e;
	cJSON *doc;
	size_t start = 0, i;

	memset(&s, 0, sizeof(s));
	steptrace_init(&t, 4, 0, check, bad, &s);
	if ((doc = jsonin_parse_doc(text, size, &e)) != NULL) {
		(void)steptrace_detect(doc);
		steptrace_export(&t, doc, 0);
		cJSON_Delete(doc);
	} else
		for (i = 0; i <= size; i++) {
			if (i < size && text[i] != '\n')
				continue;
			if ((doc = jsonin_parse_line(text + start, i - start,
			    &e)) != NULL) {
				steptrace_export(&t, doc, 1);
				cJSON_Delete(doc);
			}
			start = i + 1;
		}
	steptrace_finish(&t);
	steptrace_free(&t);
	return 0;
}

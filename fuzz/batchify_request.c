/*
 * libFuzzer harness for batchify's readers: each line as a request record
 * (with and without per-token times) and as an aggregate step.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expand.h"
#include "io/jsonin.h"
#include "records/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_request(const cJSON *obj, int flags)
{
	struct request r;
	struct errmsg e = { "" };

	if (request_from_json(obj, flags, &r, &e) < 0) {
		if (e.msg[0] == '\0')
			abort();	/* every failure says why */
		return;
	}
	if (r.id == NULL)
		abort();
	if (!r.failed && (r.input_tokens < 1 || r.output_tokens < 1))
		abort();
	if (r.token_us != NULL)
		for (int64_t i = 1; i < r.output_tokens; i++)
			if (r.token_us[i] < r.token_us[i - 1])
				abort();
	request_free(&r);
}

/* An aggregate step expands to exactly its counts. */
static void
check_agg(const cJSON *obj, struct expand *x, struct step *st)
{
	struct expand_agg a;
	struct errmsg e = { "" };

	if (expand_agg_from_json(obj, &a, &e) < 0)
		return;
	if (a.prefill_tokens < a.n_prefill || a.n_decode < 0)
		abort();
	if (a.n_prefill > 4096 || a.n_decode > 4096)
		return;		/* keep runs short */
	expand_step(x, &a, st);
	if ((int64_t)st->n_prefill != a.n_prefill ||
	    (int64_t)st->n_decode != a.n_decode ||
	    step_prefill_tokens(st) != a.prefill_tokens)
		abort();
}

static void
one_line(const char *line, size_t len, struct expand *x, struct step *st)
{
	struct errmsg e = { "" };
	cJSON *obj;

	if ((obj = jsonin_parse_line(line, len, &e)) == NULL)
		return;
	check_request(obj, 0);
	check_request(obj, REQ_NEED_TIMES);
	check_agg(obj, x, st);
	cJSON_Delete(obj);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	struct sched_config c;
	struct expand *x;
	struct step st;

	sched_config_default(&c);
	c.kv_blocks = 100;
	x = expand_new(&c, 1024);
	step_init(&st);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		one_line(p, (size_t)(nl - p), x, &st);
		p = nl + 1;
	}
	step_free(&st);
	expand_free(x);
	return 0;
}

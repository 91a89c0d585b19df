#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "io/numfmt.h"
#include "records/request.h"

static int
read_id(const cJSON *obj, struct request *r, struct jerr *e)
{
	char num[NUMFMT_BUFSZ];
	const cJSON *v;
	int64_t n;

	if ((v = jneed(obj, "request_id", e)) == NULL)
		return -1;
	if (cJSON_IsNumber(v)) {
		/* Integer ids are common in traces; keep them as text. */
		if (jint(v, "request_id", INT64_MIN + 1, INT64_MAX, &n,
		    e) < 0)
			return -1;
		fmt_int(num, n);
		r->id = xstrdup(num);
		return 0;
	}
	if (!cJSON_IsString(v)) {
		jdescribe(v, num, sizeof(num));
		jerr_set(e, "request_id: expected a string, got %s", num);
		return -1;
	}
	if (strlen(v->valuestring) > REQUEST_ID_MAX) {
		jerr_set(e, "request_id: longer than %d bytes",
		    REQUEST_ID_MAX);
		return -1;
	}
	r->id = xstrdup(v->valuestring);
	return 0;
}

/* A token count: a whole number of at least 1. */
static int
read_count(const cJSON *obj, const char *key, int64_t *out, struct jerr *e)
{
	const cJSON *v;
	int64_t n;

	if ((v = jneed(obj, key, e)) == NULL ||
	    jint(v, key, -RT_INT_EXACT_MAX, RT_INT_EXACT_MAX, &n, e) < 0)
		return -1;
	if (n < 1) {
		jerr_set(e, "%s: must be at least 1, got %lld", key,
		    (long long)n);
		return -1;
	}
	*out = n;
	return 0;
}

/* A time in microseconds: a non-negative finite number, rounded. */
static int
read_us(const cJSON *v, const char *path, int64_t *out, struct jerr *e)
{
	double d;

	if (jnum(v, path, &d, e) < 0)
		return -1;
	if (d < 0) {
		jerr_set(e, "%s: must not be negative, got %.17g", path, d);
		return -1;
	}
	if (d > (double)RT_INT_EXACT_MAX) {
		jerr_set(e, "%s: too large (limit 2^53)", path);
		return -1;
	}
	*out = (int64_t)llround(d);
	return 0;
}

static int
read_times(const cJSON *obj, struct request *r, struct jerr *e)
{
	const cJSON *ttft, *itl, *it;
	char path[64];
	int64_t t, gap;
	size_t i, n;

	ttft = jfield(obj, "ttft_us");
	if (ttft == NULL || cJSON_IsNull(ttft)) {
		jerr_set(e, "missing field \"ttft_us\" (timestamps mode "
		    "needs the time of every output token)");
		return -1;
	}
	if (read_us(ttft, "ttft_us", &t, e) < 0)
		return -1;
	n = (size_t)r->output_tokens;
	if ((itl = jfield(obj, "itl_us")) == NULL || cJSON_IsNull(itl)) {
		if (n == 1)
			itl = NULL;
		else {
			jerr_set(e, "missing field \"itl_us\" (timestamps "
			    "mode needs the time of every output token)");
			return -1;
		}
	} else if (jarray(itl, "itl_us", e) < 0)
		return -1;
	if (itl != NULL && (size_t)cJSON_GetArraySize(itl) != n - 1) {
		jerr_set(e, "itl_us: has %d gaps, output_tokens %lld needs %lld",
		    cJSON_GetArraySize(itl), (long long)r->output_tokens,
		    (long long)r->output_tokens - 1);
		return -1;
	}
	r->token_us = xmalloc(n * sizeof(*r->token_us));
	t += r->arrival_us;
	r->token_us[0] = t;
	i = 1;
	cJSON_ArrayForEach(it, itl) {
		snprintf(path, sizeof(path), "itl_us[%zu]", i - 1);
		if (read_us(it, path, &gap, e) < 0)
			return -1;
		t += gap;
		if (t > RT_INT_EXACT_MAX) {
			jerr_set(e, "%s: token time exceeds 2^53", path);
			return -1;
		}
		r->token_us[i++] = t;
	}
	return 0;
}

static int
read_fields(const cJSON *obj, int flags, struct request *r, struct jerr *e)
{
	const cJSON *v;
	const char *dup;

	if (!cJSON_IsObject(obj)) {
		jerr_set(e, "expected a JSON object (a request record)");
		return -1;
	}
	if ((dup = jdup_key(obj)) != NULL) {
		jerr_set(e, "duplicate field \"%s\"", dup);
		return -1;
	}
	if (read_id(obj, r, e) < 0)
		return -1;
	if ((v = jneed(obj, "arrival_us", e)) == NULL ||
	    jint(v, "arrival_us", 0, RT_INT_EXACT_MAX, &r->arrival_us,
	    e) < 0)
		return -1;
	v = jfield(obj, "error");
	if (v != NULL && !cJSON_IsNull(v)) {
		r->failed = 1;
		return 0;
	}
	if (read_count(obj, "input_tokens", &r->input_tokens, e) < 0 ||
	    read_count(obj, "output_tokens", &r->output_tokens, e) < 0)
		return -1;
	if (r->input_tokens + r->output_tokens > RT_INT_EXACT_MAX) {
		jerr_set(e, "input_tokens + output_tokens exceeds 2^53");
		return -1;
	}
	if (flags & REQ_NEED_TIMES)
		return read_times(obj, r, e);
	return 0;
}

int
request_from_json(const cJSON *obj, int flags, struct request *r,
    struct jerr *e)
{
	memset(r, 0, sizeof(*r));
	e->msg[0] = '\0';
	if (read_fields(obj, flags, r, e) < 0) {
		request_free(r);
		return -1;
	}
	return 0;
}

void
request_free(struct request *r)
{
	free(r->id);
	free(r->token_us);
	r->id = NULL;
	r->token_us = NULL;
}

/* --- writing -------------------------------------------------------- */

static const char *const csv_columns[] = {
	"request_id", "arrival_us", "input_tokens", "output_tokens",
	"ttft_us", "e2e_us", "queue_us", "prefill_us", "decode_us", "error",
	"model", NULL
};

void
request_out_init(struct request_out *r)
{
	memset(r, 0, sizeof(*r));
	r->ttft_us = r->e2e_us = r->queue_us = REQUEST_ABSENT;
	r->prefill_us = r->decode_us = REQUEST_ABSENT;
}

static void
json_opt(struct jw *w, const char *key, int64_t v)
{
	if (v != REQUEST_ABSENT)
		jw_kint(w, key, v);
}

void
request_json_open(struct jw *w, const struct request_out *r)
{
	jw_obj(w);
	jw_kstr(w, "request_id", r->id);
	jw_kint(w, "arrival_us", r->arrival_us);
	jw_kint(w, "input_tokens", r->input_tokens);
	jw_kint(w, "output_tokens", r->output_tokens);
}

void
request_json_close(struct jw *w)
{
	jw_obj_end(w);
	jw_endline(w);
}

void
request_write_json(struct jw *w, const struct request_out *r)
{
	size_t i;

	request_json_open(w, r);
	json_opt(w, "ttft_us", r->ttft_us);
	json_opt(w, "e2e_us", r->e2e_us);
	if (r->itl_us != NULL) {
		jw_key(w, "itl_us");
		jw_arr(w);
		for (i = 0; i < r->n_itl; i++)
			jw_int(w, r->itl_us[i]);
		jw_arr_end(w);
	}
	json_opt(w, "queue_us", r->queue_us);
	json_opt(w, "prefill_us", r->prefill_us);
	json_opt(w, "decode_us", r->decode_us);
	if (r->error != NULL)
		jw_kstr(w, "error", r->error);
	if (r->model != NULL)
		jw_kstr(w, "model", r->model);
	request_json_close(w);
}

static void
csv_opt(struct csvw *c, int64_t v)
{
	if (v != REQUEST_ABSENT)
		csv_int(c, v);
	else
		csv_empty(c);
}

static void
csv_optstr(struct csvw *c, const char *s)
{
	if (s != NULL)
		csv_str(c, s);
	else
		csv_empty(c);
}

void
request_csv_header(struct csvw *c)
{
	csv_header(c, csv_columns);
}

void
request_write_csv(struct csvw *c, const struct request_out *r)
{
	csv_str(c, r->id);
	csv_int(c, r->arrival_us);
	csv_int(c, r->input_tokens);
	csv_int(c, r->output_tokens);
	csv_opt(c, r->ttft_us);
	csv_opt(c, r->e2e_us);
	csv_opt(c, r->queue_us);
	csv_opt(c, r->prefill_us);
	csv_opt(c, r->decode_us);
	csv_optstr(c, r->error);
	csv_optstr(c, r->model);
	csv_endrow(c);
}

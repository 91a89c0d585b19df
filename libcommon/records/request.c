#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "io/numfmt.h"
#include "records/request.h"

static int
read_id(const cJSON *obj, struct request *r, struct errmsg *e)
{
	char num[NUMFMT_BUFSZ];
	const cJSON *v;
	int64_t n;

	if ((v = jsonin_need(obj, "request_id", e)) == NULL)
		return -1;
	if (cJSON_IsNumber(v)) {
		/* Integer ids are common in traces; keep them as text. */
		if (jsonin_int(v, "request_id", INT64_MIN + 1, INT64_MAX, &n,
		    e) < 0)
			return -1;
		numfmt_int(num, n);
		r->id = err_strdup(num);
		return 0;
	}
	if (!cJSON_IsString(v)) {
		jsonin_describe(v, num, sizeof(num));
		errmsg_set(e, "request_id: expected a string, got %s", num);
		return -1;
	}
	if (strlen(v->valuestring) > REQUEST_ID_MAX) {
		errmsg_set(e, "request_id: longer than %d bytes",
		    REQUEST_ID_MAX);
		return -1;
	}
	r->id = err_strdup(v->valuestring);
	return 0;
}

/* A token count: a whole number of at least least. */
static int
read_count(const cJSON *obj, const char *key, int64_t least, int64_t *out,
    struct errmsg *e)
{
	const cJSON *v;
	int64_t n;

	if ((v = jsonin_need(obj, key, e)) == NULL ||
	    jsonin_int(v, key, -RT_INT_EXACT_MAX, RT_INT_EXACT_MAX, &n, e) < 0)
		return -1;
	if (n < least) {
		errmsg_set(e, "%s: must be at least %lld, got %lld", key,
		    (long long)least, (long long)n);
		return -1;
	}
	*out = n;
	return 0;
}

/* A time in microseconds: a non-negative finite number, rounded. */
static int
read_us(const cJSON *v, const char *path, int64_t *out, struct errmsg *e)
{
	char num[NUMFMT_BUFSZ];
	double d;

	if (jsonin_num(v, path, &d, e) < 0)
		return -1;
	if (d < 0) {
		numfmt_double(num, d);
		errmsg_set(e, "%s: must not be negative, got %s", path, num);
		return -1;
	}
	if (d >= (double)RT_INT_EXACT_MAX) {
		errmsg_set(e, "%s: too large (limit 2^53)", path);
		return -1;
	}
	*out = (int64_t)llround(d);
	return 0;
}

/* The token times: arrival + ttft (t), then the running sum of itl. */
static int
build_tokens(const cJSON *itl, int64_t t, struct request *r, struct errmsg *e)
{
	const cJSON *it;
	char path[64];
	int64_t gap;
	size_t i, n = (size_t)r->output_tokens;

	if (itl != NULL && (size_t)cJSON_GetArraySize(itl) != n - 1) {
		errmsg_set(e, "itl_us: has %d gaps, output_tokens %lld needs %lld",
		    cJSON_GetArraySize(itl), (long long)r->output_tokens,
		    (long long)r->output_tokens - 1);
		return -1;
	}
	r->token_us = err_malloc(n * sizeof(*r->token_us));
	t += r->arrival_us;
	r->token_us[0] = t;
	i = 1;
	cJSON_ArrayForEach(it, itl) {
		snprintf(path, sizeof(path), "itl_us[%zu]", i - 1);
		if (read_us(it, path, &gap, e) < 0)
			return -1;
		t += gap;
		if (t > RT_INT_EXACT_MAX) {
			errmsg_set(e, "%s: token time exceeds 2^53", path);
			return -1;
		}
		r->token_us[i++] = t;
	}
	return 0;
}

static int
read_times(const cJSON *obj, struct request *r, struct errmsg *e)
{
	const cJSON *ttft, *itl;
	int64_t t;

	ttft = jsonin_field(obj, "ttft_us");
	if (ttft == NULL || cJSON_IsNull(ttft)) {
		errmsg_set(e, "missing field \"ttft_us\" (timestamps mode "
		    "needs the time of every output token)");
		return -1;
	}
	if (read_us(ttft, "ttft_us", &t, e) < 0)
		return -1;
	if ((itl = jsonin_field(obj, "itl_us")) == NULL || cJSON_IsNull(itl)) {
		if (r->output_tokens == 1)
			itl = NULL;
		else {
			errmsg_set(e, "missing field \"itl_us\" (timestamps "
			    "mode needs the time of every output token)");
			return -1;
		}
	} else if (jsonin_array(itl, "itl_us", e) < 0)
		return -1;
	return build_tokens(itl, t, r, e);
}

/* An optional time: absent or null leaves *out REQUEST_ABSENT. */
static int
opt_us(const cJSON *obj, const char *key, int64_t *out, struct errmsg *e)
{
	const cJSON *v = jsonin_field(obj, key);

	*out = REQUEST_ABSENT;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	return read_us(v, key, out, e);
}

/*
 * Fewer gaps than tokens: several tokens a chunk (speculative decoding, a
 * stream interval).  No per-token times; the E2E, when not given, is the
 * last chunk's time.
 */
static int
read_chunked(const cJSON *itl, struct request *r, struct errmsg *e)
{
	const cJSON *it;
	char path[64];
	int64_t gap, t = r->ttft_us;
	size_t i = 0;

	cJSON_ArrayForEach(it, itl) {
		snprintf(path, sizeof(path), "itl_us[%zu]", i++);
		if (read_us(it, path, &gap, e) < 0)
			return -1;
		if ((t += gap) > RT_INT_EXACT_MAX) {
			errmsg_set(e, "%s: token time exceeds 2^53", path);
			return -1;
		}
	}
	if (r->e2e_us == REQUEST_ABSENT)
		r->e2e_us = t;
	r->itl_chunked = 1;
	return 0;
}

/*
 * Whatever the record measured: ttft_us and e2e_us each when present,
 * and the token times when it has them all (itl_us, or one token).
 */
static int
read_measured(const cJSON *obj, struct request *r, struct errmsg *e)
{
	const cJSON *itl;

	if (opt_us(obj, "ttft_us", &r->ttft_us, e) < 0 ||
	    opt_us(obj, "e2e_us", &r->e2e_us, e) < 0 ||
	    opt_us(obj, "queue_us", &r->queue_us, e) < 0 ||
	    opt_us(obj, "prefill_us", &r->prefill_us, e) < 0 ||
	    opt_us(obj, "decode_us", &r->decode_us, e) < 0)
		return -1;
	itl = jsonin_field(obj, "itl_us");
	if (itl != NULL && cJSON_IsNull(itl))
		itl = NULL;
	if (itl != NULL) {
		if (jsonin_array(itl, "itl_us", e) < 0)
			return -1;
		if (r->ttft_us == REQUEST_ABSENT) {
			errmsg_set(e, "itl_us without ttft_us (the gaps need "
			    "the first token's time)");
			return -1;
		}
		if (r->output_tokens > 0 && cJSON_GetArraySize(itl) <
		    r->output_tokens - 1)
			return read_chunked(itl, r, e);
	} else if (r->ttft_us == REQUEST_ABSENT || r->output_tokens != 1)
		return 0;
	if (r->output_tokens == 0)
		return 0;
	return build_tokens(itl, r->ttft_us, r, e);
}

/* cached_tokens, when given: 0 <= cached_tokens < input_tokens. */
static int
read_cached(const cJSON *obj, struct request *r, struct errmsg *e)
{
	const cJSON *v = jsonin_field(obj, "cached_tokens");
	int64_t n;

	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (jsonin_int(v, "cached_tokens", 0, RT_INT_EXACT_MAX, &n, e) < 0)
		return -1;
	if (n >= r->input_tokens) {
		errmsg_set(e, "cached_tokens %lld: must be less than "
		    "input_tokens %lld (the last prompt token is always "
		    "computed)", (long long)n, (long long)r->input_tokens);
		return -1;
	}
	r->cached_tokens = n;
	return 0;
}

static int
read_fields(const cJSON *obj, int flags, struct request *r, struct errmsg *e)
{
	const cJSON *v;
	const char *dup;

	if (!cJSON_IsObject(obj)) {
		errmsg_set(e, "expected a JSON object (a request record)");
		return -1;
	}
	if ((dup = jsonin_dup_key(obj)) != NULL) {
		errmsg_set(e, "duplicate field \"%s\"", dup);
		return -1;
	}
	if (read_id(obj, r, e) < 0)
		return -1;
	if ((v = jsonin_need(obj, "arrival_us", e)) == NULL ||
	    jsonin_int(v, "arrival_us", 0, RT_INT_EXACT_MAX, &r->arrival_us,
	    e) < 0)
		return -1;
	v = jsonin_field(obj, "error");
	if (v != NULL && !cJSON_IsNull(v)) {
		r->failed = 1;
		return 0;
	}
	if (read_count(obj, "input_tokens", 1, &r->input_tokens, e) < 0 ||
	    read_count(obj, "output_tokens", flags & REQ_ZERO_OUTPUT ? 0 : 1,
	    &r->output_tokens, e) < 0)
		return -1;
	if (r->input_tokens + r->output_tokens > RT_INT_EXACT_MAX) {
		errmsg_set(e, "input_tokens + output_tokens exceeds 2^53");
		return -1;
	}
	if (read_cached(obj, r, e) < 0)
		return -1;
	if (flags & REQ_MEASURED)
		return read_measured(obj, r, e);
	if (flags & REQ_NEED_TIMES)
		return read_times(obj, r, e);
	return 0;
}

int
request_from_json(const cJSON *obj, int flags, struct request *r,
    struct errmsg *e)
{
	memset(r, 0, sizeof(*r));
	r->ttft_us = r->e2e_us = r->cached_tokens = REQUEST_ABSENT;
	r->queue_us = r->prefill_us = r->decode_us = REQUEST_ABSENT;
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
	"model", "inference_us", "scheduler_us", "model_forward_us",
	"model_execute_us", NULL
};

void
request_out_init(struct request_out *r)
{
	memset(r, 0, sizeof(*r));
	r->ttft_us = r->e2e_us = r->queue_us = REQUEST_ABSENT;
	r->cached_tokens = REQUEST_ABSENT;
	r->prefill_us = r->decode_us = REQUEST_ABSENT;
	r->inference_us = r->scheduler_us = REQUEST_ABSENT;
	r->model_forward_us = r->model_execute_us = REQUEST_ABSENT;
}

static void
json_opt(struct jw *w, const char *key, int64_t v)
{
	if (v != REQUEST_ABSENT)
		jsonout_kint(w, key, v);
}

static void
json_ints(struct jw *w, const char *key, const int64_t *v, size_t n)
{
	size_t i;

	jsonout_key(w, key);
	jsonout_arr(w);
	for (i = 0; i < n; i++)
		jsonout_int(w, v[i]);
	jsonout_arr_end(w);
}

void
request_json_open(struct jw *w, const struct request_out *r)
{
	jsonout_obj(w);
	jsonout_kstr(w, "request_id", r->id);
	jsonout_kint(w, "arrival_us", r->arrival_us);
	jsonout_kint(w, "input_tokens", r->input_tokens);
	jsonout_kint(w, "output_tokens", r->output_tokens);
	json_opt(w, "cached_tokens", r->cached_tokens);
}

void
request_json_close(struct jw *w)
{
	jsonout_obj_end(w);
	jsonout_endline(w);
}

void
request_write_json(struct jw *w, const struct request_out *r)
{
	request_json_open(w, r);
	json_opt(w, "ttft_us", r->ttft_us);
	json_opt(w, "e2e_us", r->e2e_us);
	if (r->itl_us != NULL)
		json_ints(w, "itl_us", r->itl_us, r->n_itl);
	if (r->chunk_itl_us != NULL)
		json_ints(w, "chunk_itl_us", r->chunk_itl_us, r->n_chunk_itl);
	json_opt(w, "queue_us", r->queue_us);
	json_opt(w, "prefill_us", r->prefill_us);
	json_opt(w, "decode_us", r->decode_us);
	json_opt(w, "inference_us", r->inference_us);
	json_opt(w, "scheduler_us", r->scheduler_us);
	json_opt(w, "model_forward_us", r->model_forward_us);
	json_opt(w, "model_execute_us", r->model_execute_us);
	if (r->error != NULL)
		jsonout_kstr(w, "error", r->error);
	if (r->model != NULL)
		jsonout_kstr(w, "model", r->model);
	if (r->session_id != NULL)
		jsonout_kstr(w, "session_id", r->session_id);
	request_json_close(w);
}

static void
csv_opt(struct csvw *c, int64_t v)
{
	if (v != REQUEST_ABSENT)
		csvout_int(c, v);
	else
		csvout_empty(c);
}

void
request_csv_header(struct csvw *c)
{
	csvout_header(c, csv_columns);
}

void
request_write_csv(struct csvw *c, const struct request_out *r)
{
	csvout_str(c, r->id);
	csvout_int(c, r->arrival_us);
	csvout_int(c, r->input_tokens);
	csvout_int(c, r->output_tokens);
	csv_opt(c, r->ttft_us);
	csv_opt(c, r->e2e_us);
	csv_opt(c, r->queue_us);
	csv_opt(c, r->prefill_us);
	csv_opt(c, r->decode_us);
	csvout_optstr(c, r->error);
	csvout_optstr(c, r->model);
	csv_opt(c, r->inference_us);
	csv_opt(c, r->scheduler_us);
	csv_opt(c, r->model_forward_us);
	csv_opt(c, r->model_execute_us);
	csvout_endrow(c);
}

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "io/numfmt.h"
#include "records/step.h"

void
step_init(struct step *s)
{
	memset(s, 0, sizeof(*s));
}

void
step_clear(struct step *s)
{
	s->n_prefill = s->n_decode = 0;
}

void
step_free(struct step *s)
{
	free(s->prefill);
	free(s->decode);
	step_init(s);
}

static struct step_req *
grow(struct step_req **v, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	memset(&(*v)[*n], 0, sizeof(**v));
	return &(*v)[(*n)++];
}

struct step_req *
step_add_prefill(struct step *s)
{
	return grow(&s->prefill, &s->n_prefill, &s->cap_prefill);
}

struct step_req *
step_add_decode(struct step *s)
{
	return grow(&s->decode, &s->n_decode, &s->cap_decode);
}

/* A valid count needs no message; build the path only for a bad one. */
static int
entry_int(const cJSON *it, const char *list, size_t i, const char *key,
    int64_t *out, struct jerr *e)
{
	const cJSON *v = jfield(it, key);
	char path[128];

	if (cJSON_IsNumber(v) && v->valuedouble >= 0 &&
	    v->valuedouble <= (double)RT_INT_EXACT_MAX &&
	    v->valuedouble == (double)(int64_t)v->valuedouble) {
		*out = (int64_t)v->valuedouble;
		return 0;
	}
	snprintf(path, sizeof(path), "%s[%zu].%s", list, i, key);
	if (v == NULL) {
		jerr_set(e, "%s: missing", path);
		return -1;
	}
	return jint(v, path, 0, RT_INT_EXACT_MAX, out, e);
}

static int
read_entry(const cJSON *it, const char *list, size_t i, const char *tokkey,
    struct step_req *r, struct jerr *e)
{
	const cJSON *v;
	char path[128];

	if (!cJSON_IsObject(it)) {
		snprintf(path, sizeof(path), "%s[%zu]", list, i);
		return jobject(it, path, e);
	}
	if (entry_int(it, list, i, "progress_index", &r->progress_index,
	    e) < 0 || entry_int(it, list, i, tokkey, &r->tokens, e) < 0)
		return -1;
	v = jfield(it, "request_id");
	r->request_id = cJSON_IsString(v) ? v->valuestring : NULL;
	return 0;
}

static int
read_list(const cJSON *obj, const char *list, const char *tokkey,
    struct step *s, int decode, struct jerr *e)
{
	const cJSON *arr, *it;
	struct step_req *r;
	size_t i = 0;

	if ((arr = jfield(obj, list)) == NULL) {
		if (jfield(obj, decode ? "n_decode" : "n_prefill") != NULL)
			jerr_set(e, "aggregate step (counts only, no \"%s\"): "
			    "expand it first with 'batchify --mode expand'",
			    list);
		else
			jerr_set(e, "missing field \"%s\"", list);
		return -1;
	}
	if (jarray(arr, list, e) < 0)
		return -1;
	cJSON_ArrayForEach(it, arr) {
		r = decode ? step_add_decode(s) : step_add_prefill(s);
		if (read_entry(it, list, i, tokkey, r, e) < 0)
			return -1;
		if (decode && r->tokens != 1) {
			jerr_set(e, "%s[%zu].num_new_decode_tokens: must be 1 "
			    "(the roofline counts one token per decode), "
			    "got %lld", list, i, (long long)r->tokens);
			return -1;
		}
		i++;
	}
	return 0;
}

int
step_from_json(const cJSON *obj, struct step *s, struct jerr *e)
{
	const char *dup;

	step_clear(s);
	if (!cJSON_IsObject(obj)) {
		jerr_set(e, "expected a JSON object (a step record)");
		return -1;
	}
	if ((dup = jdup_key(obj)) != NULL) {
		jerr_set(e, "duplicate field \"%s\"", dup);
		return -1;
	}
	if (read_list(obj, "prefill_requests", "num_new_prefill_tokens", s, 0,
	    e) < 0)
		return -1;
	return read_list(obj, "decode_requests", "num_new_decode_tokens", s, 1,
	    e);
}

int64_t
step_prefill_tokens(const struct step *s)
{
	int64_t sum = 0;
	size_t i;

	for (i = 0; i < s->n_prefill; i++) {
		sum += s->prefill[i].tokens;
		if (sum > RT_INT_EXACT_MAX)
			return -1;
	}
	return sum;
}

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "io/jsonin.h"
#include "records/eval.h"

/* A non-negative finite time the model wrote. */
static int
model_time(const cJSON *rec, const char *key, double *out, struct jerr *e)
{
	const cJSON *v;

	if ((v = jneed(rec, key, e)) == NULL || jnum(v, key, out, e) < 0)
		return -1;
	if (*out < 0) {
		jerr_set(e, "%s: must not be negative, got %.17g", key, *out);
		return -1;
	}
	return 0;
}

/* Request counts from the lists, or from the aggregate form. */
static int
count(const cJSON *rec, const char *list, const char *agg, int64_t *n,
    struct jerr *e)
{
	const cJSON *v;

	if ((v = jfield(rec, list)) != NULL) {
		if (jarray(v, list, e) < 0)
			return -1;
		*n = cJSON_GetArraySize(v);
		return 0;
	}
	if ((v = jfield(rec, agg)) != NULL)
		return jint(v, agg, 0, INT64_MAX, n, e);
	jerr_set(e, "missing field \"%s\" (or \"%s\")", list, agg);
	return -1;
}

/* An optional boolean flag; absent or null is false. */
static int
flag(const cJSON *rec, const char *key, int *out, struct jerr *e)
{
	const cJSON *v = jfield(rec, key);
	char what[64];

	*out = 0;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsBool(v)) {
		jdescribe(v, what, sizeof(what));
		jerr_set(e, "%s: must be true or false, got %s", key, what);
		return -1;
	}
	*out = cJSON_IsTrue(v);
	return 0;
}

static int
duration(const cJSON *rec, struct eval_rec *r, struct jerr *e)
{
	const cJSON *v = jfield(rec, "dur_us");
	char what[64];

	r->has_dur = 0;
	r->dur_us = 0;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) ||
	    v->valuedouble <= 0) {
		jdescribe(v, what, sizeof(what));
		jerr_set(e, "dur_us: must be a positive number, got %s", what);
		return -1;
	}
	r->has_dur = 1;
	r->dur_us = v->valuedouble;
	return 0;
}

/* An optional non-negative model time; *has says whether it was there. */
static int
opt_time(const cJSON *rec, const char *key, double *out, int *has,
    struct jerr *e)
{
	const cJSON *v = jfield(rec, key);

	*has = 0;
	*out = 0;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	*has = 1;
	return model_time(rec, key, out, e);
}

/* dur_source "engine_wait": a vLLM iteration log's wait for the GPU. */
static int
engine_wait(const cJSON *rec, int *out, struct jerr *e)
{
	const cJSON *v = jfield(rec, "dur_source");
	char what[64];

	*out = 0;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v)) {
		jdescribe(v, what, sizeof(what));
		jerr_set(e, "dur_source: must be a string, got %s", what);
		return -1;
	}
	*out = strcmp(v->valuestring, "engine_wait") == 0;
	return 0;
}

static enum eval_kind
kind(int64_t np, int64_t nd)
{
	if (np > 0 && nd > 0)
		return EVAL_MIXED;
	if (np > 0)
		return EVAL_PREFILL;
	return nd > 0 ? EVAL_DECODE : EVAL_EMPTY;
}

static int
fields(const cJSON *rec, struct eval_rec *r, struct jerr *e)
{
	const cJSON *v;
	int64_t np, nd;

	if (!cJSON_IsObject(rec)) {
		jerr_set(e, "expected a JSON object");
		return -1;
	}
	if (model_time(rec, "compute_us", &r->compute_us, e) < 0 ||
	    model_time(rec, "memory_us", &r->memory_us, e) < 0 ||
	    model_time(rec, "minority_fraction", &r->minority_fraction,
	    e) < 0 ||
	    count(rec, "prefill_requests", "n_prefill", &np, e) < 0 ||
	    count(rec, "decode_requests", "n_decode", &nd, e) < 0 ||
	    duration(rec, r, e) < 0 ||
	    flag(rec, "dummy", &r->dummy, e) < 0 ||
	    flag(rec, "estimated", &r->estimated, e) < 0 ||
	    opt_time(rec, "compute_prefill_us", &r->compute_prefill_us,
	    &r->has_compute_prefill, e) < 0 ||
	    opt_time(rec, "compute_decode_us", &r->compute_decode_us,
	    &r->has_compute_decode, e) < 0 ||
	    opt_time(rec, "sched_us", &r->sched_us, &r->has_sched, e) < 0 ||
	    flag(rec, "below_floor", &r->below_floor, e) < 0 ||
	    engine_wait(rec, &r->engine_wait, e) < 0)
		return -1;
	if (r->minority_fraction > 0.5) {
		jerr_set(e, "minority_fraction: must be at most 0.5, got %.17g",
		    r->minority_fraction);
		return -1;
	}
	r->kind = kind(np, nd);
	r->step = -1;
	if ((v = jfield(rec, "step")) != NULL && !cJSON_IsNull(v) &&
	    jint(v, "step", 0, INT64_MAX, &r->step, e) < 0)
		return -1;
	return 0;
}

int
eval_parse(const char *line, size_t len, struct eval_rec *r,
    struct jerr *e)
{
	cJSON *rec;
	int rc;

	memset(r, 0, sizeof(*r));
	e->msg[0] = '\0';
	if ((rec = json_parse_line(line, len, e)) == NULL)
		return -1;
	rc = fields(rec, r, e);
	cJSON_Delete(rec);
	return rc;
}

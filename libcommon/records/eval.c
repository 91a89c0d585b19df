#include <math.h>
#include <stdint.h>
#include <string.h>

#include "io/jsonin.h"
#include "io/numfmt.h"
#include "records/eval.h"

/* A non-negative finite time the model wrote. */
static int
model_time(const cJSON *rec, const char *key, double *out, struct jerr *e)
{
	const cJSON *v;

	if ((v = jsonin_need(rec, key, e)) == NULL || jsonin_num(v, key, out, e) < 0)
		return -1;
	if (*out < 0) {
		jsonin_err(e, "%s: must not be negative, got %.17g", key, *out);
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

	if ((v = jsonin_field(rec, list)) != NULL) {
		if (jsonin_array(v, list, e) < 0)
			return -1;
		*n = cJSON_GetArraySize(v);
		return 0;
	}
	if ((v = jsonin_field(rec, agg)) != NULL)
		return jsonin_int(v, agg, 0, INT64_MAX, n, e);
	jsonin_err(e, "missing field \"%s\" (or \"%s\")", list, agg);
	return -1;
}

/* An optional boolean flag; absent or null is false. */
static int
flag(const cJSON *rec, const char *key, int *out, struct jerr *e)
{
	const cJSON *v = jsonin_field(rec, key);
	char what[64];

	*out = 0;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsBool(v)) {
		jsonin_describe(v, what, sizeof(what));
		jsonin_err(e, "%s: must be true or false, got %s", key, what);
		return -1;
	}
	*out = cJSON_IsTrue(v);
	return 0;
}

static int
duration(const cJSON *rec, struct eval_rec *r, struct jerr *e)
{
	const cJSON *v = jsonin_field(rec, "dur_us");
	char what[64];

	r->has_dur = 0;
	r->dur_us = 0;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) ||
	    v->valuedouble <= 0) {
		jsonin_describe(v, what, sizeof(what));
		jsonin_err(e, "dur_us: must be a positive number, got %s", what);
		return -1;
	}
	if (v->valuedouble >= (double)RT_INT_EXACT_MAX) {
		jsonin_err(e, "dur_us: too large (limit 2^53)");
		return -1;
	}
	r->has_dur = 1;
	r->dur_us = v->valuedouble;
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
		jsonin_err(e, "expected a JSON object");
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
	    flag(rec, "estimated", &r->estimated, e) < 0)
		return -1;
	if (r->minority_fraction > 0.5) {
		jsonin_err(e, "minority_fraction: must be at most 0.5, got %.17g",
		    r->minority_fraction);
		return -1;
	}
	r->kind = kind(np, nd);
	r->step = -1;
	if ((v = jsonin_field(rec, "step")) != NULL && !cJSON_IsNull(v) &&
	    jsonin_int(v, "step", 0, INT64_MAX, &r->step, e) < 0)
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
	if ((rec = jsonin_parse_line(line, len, e)) == NULL)
		return -1;
	rc = fields(rec, r, e);
	cJSON_Delete(rec);
	return rc;
}

#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "io/csvout.h"
#include "io/jsonin.h"
#include "io/jsonout.h"
#include "io/members.h"
#include "io/numfmt.h"
#include "records/eval.h"

/* A non-negative finite time the model wrote. */
static int
model_time(const cJSON *rec, const char *key, double *out, struct errmsg *e)
{
	char got[NUMFMT_BUFSZ];
	const cJSON *v;

	if ((v = jsonin_need(rec, key, e)) == NULL || jsonin_num(v, key, out, e) < 0)
		return -1;
	if (*out < 0) {
		numfmt_double(got, *out);
		errmsg_set(e, "%s: must not be negative, got %s", key, got);
		return -1;
	}
	return 0;
}

/* Request counts from the lists, or from the aggregate form. */
static int
count(const cJSON *rec, const char *list, const char *agg, int64_t *n,
    struct errmsg *e)
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
	errmsg_set(e, "missing field \"%s\" (or \"%s\")", list, agg);
	return -1;
}

/* An optional boolean flag; absent or null is false. */
static int
flag(const cJSON *rec, const char *key, int *out, struct errmsg *e)
{
	const cJSON *v = jsonin_field(rec, key);
	char what[64];

	*out = 0;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsBool(v)) {
		jsonin_describe(v, what, sizeof(what));
		errmsg_set(e, "%s: must be true or false, got %s", key, what);
		return -1;
	}
	*out = cJSON_IsTrue(v);
	return 0;
}

static int
duration(const cJSON *rec, struct eval_rec *r, struct errmsg *e)
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
		errmsg_set(e, "dur_us: must be a positive number, got %s", what);
		return -1;
	}
	if (v->valuedouble >= (double)RT_INT_EXACT_MAX) {
		errmsg_set(e, "dur_us: too large (limit 2^53)");
		return -1;
	}
	r->has_dur = 1;
	r->dur_us = v->valuedouble;
	return 0;
}

/* An optional non-negative model time; *has says whether it was there. */
static int
opt_time(const cJSON *rec, const char *key, double *out, int *has,
    struct errmsg *e)
{
	const cJSON *v = jsonin_field(rec, key);

	*has = 0;
	*out = 0;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	*has = 1;
	return model_time(rec, key, out, e);
}

/*
 * dur_source, kept; "engine_wait": a vLLM iteration log's wait for the
 * GPU.
 */
static int
dur_source(const cJSON *rec, struct eval_rec *r, struct errmsg *e)
{
	const cJSON *v = jsonin_field(rec, "dur_source");
	char what[64];

	r->engine_wait = 0;
	r->dur_source[0] = '\0';
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v)) {
		jsonin_describe(v, what, sizeof(what));
		errmsg_set(e, "dur_source: must be a string, got %s", what);
		return -1;
	}
	r->engine_wait = strcmp(v->valuestring, "engine_wait") == 0;
	snprintf(r->dur_source, sizeof(r->dur_source), "%s", v->valuestring);
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
fields(const cJSON *rec, struct eval_rec *r, struct errmsg *e)
{
	char got[NUMFMT_BUFSZ];
	const cJSON *v;
	int64_t np, nd;

	if (!cJSON_IsObject(rec)) {
		errmsg_set(e, "expected a JSON object");
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
	    opt_time(rec, "floor_us", &r->floor_us, &r->has_floor, e) < 0 ||
	    dur_source(rec, r, e) < 0)
		return -1;
	if (r->minority_fraction > 0.5) {
		numfmt_double(got, r->minority_fraction);
		errmsg_set(e, "minority_fraction: must be at most 0.5, got %s",
		    got);
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
    struct errmsg *e)
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

/*
 * A request list's value as the fit needs it: only whether it is empty
 * ("[]" or "[0]", a list of one), so cJSON never builds its entries.
 */
static int
is_list_member(const char *at, size_t len, const char **stub)
{
	static const char *const keys[] = { "\"prefill_requests\"",
	    "\"decode_requests\"" };
	const char *p, *end = at + len;
	size_t i, k;

	for (i = 0; i < 2; i++) {
		k = strlen(keys[i]);
		if (len > k && memcmp(at, keys[i], k) == 0)
			break;
	}
	if (i == 2)
		return 0;
	for (p = at + k; p < end && (*p == ':' || (unsigned char)*p <= ' '); p++)
		;
	if (p == end || *p != '[' || end[-1] != ']')
		return 0;	/* not a list: cJSON sees it and says so */
	for (p++; p < end && (unsigned char)*p <= ' '; p++)
		;
	*stub = *p == ']' ? "[]" : "[0]";
	return 1;
}

/*
 * The line with each request list cut to its stub, in buf (grown as
 * needed).  Other members are copied as they are, for cJSON to check.
 */
static int
compact(struct eval_buf *b, const char *line, size_t len, size_t *out)
{
	const char *at, *stub;
	struct members m;
	size_t n, k, keylen;
	char *p;

	if (b->cap < len + 8) {
		free(b->buf);
		b->cap = len + 64;
		if ((b->buf = malloc(b->cap)) == NULL) {
			b->cap = 0;
			return -1;
		}
	}
	p = b->buf;
	*p++ = '{';
	members_init(&m, line, len);
	for (k = 0; members_next(&m, &at, &n); k++) {
		if (k > 0)
			*p++ = ',';
		if (is_list_member(at, n, &stub)) {
			keylen = (size_t)(strchr(at + 1, '"') - at) + 1;
			memcpy(p, at, keylen);
			p += keylen;
			*p++ = ':';
			memcpy(p, stub, strlen(stub));
			p += strlen(stub);
		} else {
			memcpy(p, at, n);
			p += n;
		}
	}
	*p++ = '}';
	*out = (size_t)(p - b->buf);
	return 0;
}

int
eval_parse_with(struct jsonin *j, const char *line, size_t len,
    struct eval_rec *r, struct errmsg *e)
{
	cJSON *rec;

	memset(r, 0, sizeof(*r));
	e->msg[0] = '\0';
	if ((rec = jsonin_parse(j, line, len, e)) == NULL)
		return -1;
	return fields(rec, r, e);
}

int
eval_parse_lean(struct jsonin *j, struct eval_buf *b, const char *line,
    size_t len, struct eval_rec *r, struct errmsg *e)
{
	size_t n;

	/*
	 * Only a whole object is cut: anything else goes to cJSON as it
	 * is, so its message is cJSON's.
	 */
	while (len > 0 && (unsigned char)line[len - 1] <= ' ')
		len--;
	if (len < 2 || line[len - 1] != '}' || compact(b, line, len, &n) < 0)
		return eval_parse_with(j, line, len, r, e);
	if (eval_parse_with(j, b->buf, n, r, e) == 0)
		return 0;
	/* The message as the whole line would have it, column and all. */
	return eval_parse_with(j, line, len, r, e);
}

/* The writer side: what roofline-eval appends to each step record. */

const char *const eval_write_keys[] = {
	"pred_us", "compute_us", "memory_us", "minority_fraction", "regime",
	"compute_prefill_us", "compute_decode_us", "floor_us", "below_floor",
	NULL
};

int
eval_write_owns(const char *key)
{
	const char *const *k;

	for (k = eval_write_keys; *k != NULL; k++)
		if (strcmp(key, *k) == 0)
			return 1;
	return 0;
}

static const char *
regime(const struct eval_fields *f)
{
	return f->compute_bound ? "compute" : "memory";
}

static const char *
boolean(int v)
{
	return v ? "true" : "false";
}

/*
 * The tail being written.  numfmt_double is most of its cost, and a step's
 * parts often equal a whole (a decode-only step's compute_decode_us is its
 * compute_us, a memory-bound floor its memory_us): a value written before
 * in this tail is copied, not formatted again.
 */
struct tail {
	char	 buf[9 * NUMFMT_BUFSZ + 256], *p;
	double	 v[8];
	const char *at[8];
	size_t	 len[8];
	int	 n;
};

static void
put(struct tail *t, const char *s)
{
	size_t n = strlen(s);

	memcpy(t->p, s, n);
	t->p += n;
}

/* A number as jsonout_num writes it: shortest round trip, null if not finite. */
static void
num(struct tail *t, const char *key, double v)
{
	int i;

	put(t, key);
	if (!isfinite(v)) {
		put(t, "null");
		return;
	}
	for (i = 0; i < t->n; i++)
		if (t->v[i] == v) {	/* 0 and -0 both write "0" */
			memcpy(t->p, t->at[i], t->len[i]);
			t->p += t->len[i];
			return;
		}
	t->v[t->n] = v;
	t->at[t->n] = t->p;
	t->len[t->n] = numfmt_double(t->p, v);
	t->p += t->len[t->n++];
}

void
eval_write_tail(FILE *fp, const struct eval_fields *f, int members)
{
	struct tail t;

	t.p = t.buf;
	t.n = 0;
	put(&t, members ? ",\"pred_us\":" : "\"pred_us\":");
	t.p += numfmt_int(t.p, f->pred_us);
	num(&t, ",\"compute_us\":", f->compute_us);
	num(&t, ",\"memory_us\":", f->memory_us);
	num(&t, ",\"minority_fraction\":", f->minority_fraction);
	put(&t, f->compute_bound ? ",\"regime\":\"compute\"" :
	    ",\"regime\":\"memory\"");
	num(&t, ",\"compute_prefill_us\":", f->compute_prefill_us);
	num(&t, ",\"compute_decode_us\":", f->compute_decode_us);
	num(&t, ",\"floor_us\":", f->floor_us);
	if (f->below_floor >= 0)
		put(&t, f->below_floor ? ",\"below_floor\":true" :
		    ",\"below_floor\":false");
	put(&t, "}\n");
	fwrite(t.buf, 1, (size_t)(t.p - t.buf), fp);
}

void
eval_write_json(struct jw *w, const struct eval_fields *f)
{
	jsonout_kint(w, "pred_us", f->pred_us);
	jsonout_knum(w, "compute_us", f->compute_us);
	jsonout_knum(w, "memory_us", f->memory_us);
	jsonout_knum(w, "minority_fraction", f->minority_fraction);
	jsonout_kstr(w, "regime", regime(f));
	jsonout_knum(w, "compute_prefill_us", f->compute_prefill_us);
	jsonout_knum(w, "compute_decode_us", f->compute_decode_us);
	jsonout_knum(w, "floor_us", f->floor_us);
	if (f->below_floor >= 0) {
		jsonout_key(w, "below_floor");
		jsonout_bool(w, f->below_floor);
	}
}

void
eval_write_csv(struct csvw *c, const struct eval_fields *f)
{
	csvout_int(c, f->pred_us);
	csvout_num(c, f->compute_us);
	csvout_num(c, f->memory_us);
	csvout_num(c, f->minority_fraction);
	csvout_str(c, regime(f));
	csvout_num(c, f->compute_prefill_us);
	csvout_num(c, f->compute_decode_us);
	csvout_num(c, f->floor_us);
	if (f->below_floor >= 0)
		csvout_str(c, boolean(f->below_floor));
	else
		csvout_empty(c);
}

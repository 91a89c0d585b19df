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
		*v = err_realloc(*v, *cap * sizeof(**v));
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
    int64_t *out, struct errmsg *e)
{
	const cJSON *v = jsonin_field(it, key);
	char path[128];

	if (cJSON_IsNumber(v) && v->valuedouble >= 0 &&
	    v->valuedouble < (double)RT_INT_EXACT_MAX &&
	    v->valuedouble == (double)(int64_t)v->valuedouble) {
		*out = (int64_t)v->valuedouble;
		return 0;
	}
	snprintf(path, sizeof(path), "%s[%zu].%s", list, i, key);
	if (v == NULL) {
		errmsg_set(e, "%s: missing", path);
		return -1;
	}
	return jsonin_int(v, path, 0, RT_INT_EXACT_MAX, out, e);
}

static int
read_entry(const cJSON *it, const char *list, size_t i, const char *tokkey,
    struct step_req *r, struct errmsg *e)
{
	const cJSON *v;
	char path[128];

	if (!cJSON_IsObject(it)) {
		snprintf(path, sizeof(path), "%s[%zu]", list, i);
		return jsonin_object(it, path, e);
	}
	if (entry_int(it, list, i, "progress_index", &r->progress_index,
	    e) < 0 || entry_int(it, list, i, tokkey, &r->tokens, e) < 0)
		return -1;
	r->request_id = NULL;
	if ((v = jsonin_field(it, "request_id")) != NULL &&
	    !cJSON_IsString(v)) {
		snprintf(path, sizeof(path), "%s[%zu].request_id", list, i);
		return jsonin_str(v, path, &r->request_id, e);
	}
	if (v != NULL)
		r->request_id = v->valuestring;
	return 0;
}

static int
read_list(const cJSON *obj, const char *list, const char *tokkey,
    struct step *s, int decode, struct errmsg *e)
{
	const cJSON *arr, *it;
	struct step_req *r;
	size_t i = 0;

	if ((arr = jsonin_field(obj, list)) == NULL) {
		if (jsonin_field(obj, decode ? "n_decode" : "n_prefill") !=
		    NULL)
			errmsg_set(e, "aggregate step (counts only, no "
			    "\"%s\"): expand it first with 'batchify --mode "
			    "expand'", list);
		else
			errmsg_set(e, "missing field \"%s\"", list);
		return -1;
	}
	if (jsonin_array(arr, list, e) < 0)
		return -1;
	cJSON_ArrayForEach(it, arr) {
		r = decode ? step_add_decode(s) : step_add_prefill(s);
		if (read_entry(it, list, i, tokkey, r, e) < 0)
			return -1;
		if (decode && r->tokens != 1) {
			errmsg_set(e, "%s[%zu].num_new_decode_tokens: must "
			    "be 1 (the roofline counts one token per decode), "
			    "got %lld", list, i, (long long)r->tokens);
			return -1;
		}
		i++;
	}
	return 0;
}

int
step_times_from_json(const cJSON *obj, struct errmsg *e)
{
	const cJSON *v;
	int64_t n;

	if ((v = jsonin_field(obj, "step")) != NULL &&
	    jsonin_int(v, "step", 0, RT_INT_EXACT_MAX, &n, e) < 0)
		return -1;
	if ((v = jsonin_field(obj, "ts_us")) != NULL &&
	    jsonin_int(v, "ts_us", -RT_INT_EXACT_MAX, RT_INT_EXACT_MAX, &n,
	    e) < 0)
		return -1;
	if ((v = jsonin_field(obj, "dur_us")) == NULL || cJSON_IsNull(v))
		return 0;
	if (jsonin_int(v, "dur_us", 0, RT_INT_EXACT_MAX, &n, e) < 0)
		return -1;
	if (n == 0) {
		errmsg_set(e, "dur_us: must be positive (or null when "
		    "unknown), got 0");
		return -1;
	}
	return 0;
}

int
step_from_json(const cJSON *obj, struct step *s, struct errmsg *e)
{
	step_clear(s);
	if (!cJSON_IsObject(obj)) {
		errmsg_set(e, "expected a JSON object (a step record)");
		return -1;
	}
	/* Duplicate keys, at any depth, were refused by jsonin. */
	if (step_times_from_json(obj, e) < 0)
		return -1;
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

/* --- writing -------------------------------------------------------- */

enum col {
	COL_STEP, COL_ENGINE, COL_TS, COL_DUR, COL_DUR_SOURCE, COL_SCHED,
	COL_NPREFILL, COL_PTOKENS, COL_NDECODE, COL_DTOKENS, COL_PKV,
	COL_PVAR, COL_DKV, COL_DVAR, COL_KV,
	COL_KV_BLOCKS, COL_DUMMY, COL_HIDDEN, COL_ESTIMATED, COL_MODEL,
	COL_HARDWARE, COL_TP, NCOL
};

static const char *const col_names[NCOL] = {
	"step", "engine", "ts_us", "dur_us", "dur_source", "sched_us",
	"n_prefill", "prefill_tokens", "n_decode", "decode_tokens",
	"prefill_kv_tokens", "prefill_len_var", "decode_kv_tokens",
	"decode_kv_var", "kv_usage", "kv_blocks_total", "dummy", "hidden", "estimated",
	"model", "hardware", "tp"
};

void
step_out_init(struct step_out *s)
{
	memset(s, 0, sizeof(*s));
	s->step = s->engine = s->ts_us = s->dur_us = s->tp = STEP_ABSENT;
	s->n_prefill = s->prefill_tokens = STEP_ABSENT;
	s->n_decode = s->decode_tokens = STEP_ABSENT;
	s->sched_us = s->kv_blocks_total = STEP_ABSENT;
	s->prefill_kv_tokens = s->decode_kv_tokens = STEP_ABSENT;
	s->prefill_len_var = s->decode_kv_var = -1;
	s->kv_usage = -1;
}

static enum col
col_of(const char *name)
{
	size_t k;

	for (k = 0; k < NCOL; k++)
		if (strcmp(name, col_names[k]) == 0)
			break;
	return (enum col)k;
}

/* Whether field k is set: written in NDJSON. */
static int
is_set(const struct step_out *s, enum col k)
{
	switch (k) {
	case COL_STEP:		return s->step != STEP_ABSENT;
	case COL_ENGINE:
		return s->engine != STEP_ABSENT || s->engine_name != NULL;
	case COL_TS:		return s->ts_us != STEP_ABSENT;
	case COL_DUR:		return s->dur_us != STEP_ABSENT;
	case COL_DUR_SOURCE:	return s->dur_source != NULL;
	case COL_SCHED:		return s->sched_us != STEP_ABSENT;
	case COL_NPREFILL:	return s->n_prefill != STEP_ABSENT;
	case COL_PTOKENS:	return s->prefill_tokens != STEP_ABSENT;
	case COL_NDECODE:	return s->n_decode != STEP_ABSENT;
	case COL_DTOKENS:	return s->decode_tokens != STEP_ABSENT;
	case COL_PKV:		return s->prefill_kv_tokens != STEP_ABSENT;
	case COL_PVAR:		return s->prefill_len_var >= 0;
	case COL_DKV:		return s->decode_kv_tokens != STEP_ABSENT;
	case COL_DVAR:		return s->decode_kv_var >= 0;
	case COL_KV:		return s->kv_usage >= 0;
	case COL_KV_BLOCKS:	return s->kv_blocks_total != STEP_ABSENT;
	case COL_DUMMY:		return s->dummy;
	case COL_HIDDEN:	return s->hidden;
	case COL_ESTIMATED:	return s->estimated;
	case COL_MODEL:		return s->model != NULL;
	case COL_HARDWARE:	return s->hardware != NULL;
	case COL_TP:		return s->tp != STEP_ABSENT;
	case NCOL:		break;
	}
	return 0;
}

/* Whether s writes field key itself (a passed-through one then yields). */
static int
writes(const struct step_out *s, const char *key)
{
	if (strcmp(key, "prefill_requests") == 0 ||
	    strcmp(key, "decode_requests") == 0)
		return s->comp != NULL;
	if (strcmp(key, "dur_source") == 0)
		return s->dur_source != NULL;
	if (strcmp(key, "estimate") == 0)
		return s->estimate != NULL;
	return is_set(s, col_of(key));
}

/* Whether s writes any of pass's fields itself. */
static int
writes_any(const struct step_out *s)
{
	const cJSON *c;

	for (c = s->pass != NULL ? s->pass->child : NULL; c != NULL;
	    c = c->next)
		if (writes(s, c->string))
			return 1;
	return 0;
}

static void
json_opt(struct jw *w, const char *key, int64_t v)
{
	if (v == STEP_NULL) {
		jsonout_key(w, key);
		jsonout_null(w);
	} else if (v != STEP_ABSENT)
		jsonout_kint(w, key, v);
}

static void
json_flag(struct jw *w, const char *key, int v)
{
	if (v) {
		jsonout_key(w, key);
		jsonout_bool(w, 1);
	}
}

static void
json_list(struct jw *w, const char *key, const char *tokkey,
    const struct step_req *v, size_t n)
{
	size_t i;

	jsonout_key(w, key);
	jsonout_arr(w);
	for (i = 0; i < n; i++) {
		jsonout_obj(w);
		if (v[i].request_id != NULL)
			jsonout_kstr(w, "request_id", v[i].request_id);
		jsonout_kint(w, "progress_index", v[i].progress_index);
		jsonout_kint(w, tokkey, v[i].tokens);
		jsonout_obj_end(w);
	}
	jsonout_arr_end(w);
}

void
step_write_json(struct jw *w, const struct step_out *s)
{
	const cJSON *c;

	if (s->pass_head != NULL && !writes_any(s))
		jsonout_obj_resume(w, s->pass_head, s->pass_len,
		    s->pass_members);
	else {
		jsonout_obj(w);
		for (c = s->pass != NULL ? s->pass->child : NULL; c != NULL;
		    c = c->next) {
			if (writes(s, c->string))
				continue;
			jsonout_key(w, c->string);
			jsonout_cjson(w, c);
		}
	}
	json_opt(w, "step", s->step);
	if (s->engine_name != NULL)
		jsonout_kstr(w, "engine", s->engine_name);
	else
		json_opt(w, "engine", s->engine);
	json_opt(w, "ts_us", s->ts_us);
	json_opt(w, "dur_us", s->dur_us);
	if (s->dur_source != NULL)
		jsonout_kstr(w, "dur_source", s->dur_source);
	json_opt(w, "sched_us", s->sched_us);
	json_opt(w, "n_prefill", s->n_prefill);
	json_opt(w, "prefill_tokens", s->prefill_tokens);
	json_opt(w, "n_decode", s->n_decode);
	json_opt(w, "decode_tokens", s->decode_tokens);
	json_opt(w, "prefill_kv_tokens", s->prefill_kv_tokens);
	if (s->prefill_len_var >= 0)
		jsonout_knum(w, "prefill_len_var", s->prefill_len_var);
	json_opt(w, "decode_kv_tokens", s->decode_kv_tokens);
	if (s->decode_kv_var >= 0)
		jsonout_knum(w, "decode_kv_var", s->decode_kv_var);
	if (s->kv_usage >= 0)
		jsonout_knum(w, "kv_usage", s->kv_usage);
	json_opt(w, "kv_blocks_total", s->kv_blocks_total);
	json_flag(w, "dummy", s->dummy);
	json_flag(w, "hidden", s->hidden);
	json_flag(w, "estimated", s->estimated);
	if (s->estimate != NULL)
		jsonout_kstr(w, "estimate", s->estimate);
	if (s->model != NULL)
		jsonout_kstr(w, "model", s->model);
	if (s->hardware != NULL)
		jsonout_kstr(w, "hardware", s->hardware);
	json_opt(w, "tp", s->tp);
	if (s->comp != NULL) {
		json_list(w, "prefill_requests", "num_new_prefill_tokens",
		    s->comp->prefill, s->comp->n_prefill);
		json_list(w, "decode_requests", "num_new_decode_tokens",
		    s->comp->decode, s->comp->n_decode);
	}
	jsonout_obj_end(w);
	jsonout_endline(w);
}

void
step_csv_init(struct step_csv *sc, struct csvw *c,
    const char *const *columns)
{
	enum col k;

	memset(sc, 0, sizeof(*sc));
	sc->c = c;
	sc->names = columns;
	for (; *columns != NULL; columns++) {
		if ((k = col_of(*columns)) == NCOL ||
		    sc->ncol == STEP_CSV_MAXCOLS)
			err_die(EXIT_DATA, "internal error: step CSV column "
			    "\"%s\"", *columns);
		sc->col[sc->ncol++] = (unsigned char)k;
	}
}

void
step_csv_header(const struct step_csv *sc)
{
	csvout_header(sc->c, sc->names);
}

static void
csv_opt(struct csvw *c, int64_t v)
{
	if (v == STEP_ABSENT || v == STEP_NULL)
		csvout_empty(c);
	else
		csvout_int(c, v);
}

/* A variance when known (>= 0), else empty. */
static void
csv_var(struct csvw *c, double v)
{
	if (v >= 0)
		csvout_num(c, v);
	else
		csvout_empty(c);
}

/* A count as given, else from the composition, else empty. */
static void
csv_count(struct csvw *c, int64_t v, const struct step_out *s,
    enum col which)
{
	if (v == STEP_ABSENT && s->comp != NULL) {
		if (which == COL_NPREFILL)
			v = (int64_t)s->comp->n_prefill;
		else if (which == COL_PTOKENS)
			v = step_prefill_tokens(s->comp);
		else
			v = (int64_t)s->comp->n_decode;
	}
	csv_opt(c, v);
}

void
step_write_csv(const struct step_csv *sc, const struct step_out *s)
{
	struct csvw *c = sc->c;
	size_t i;

	for (i = 0; i < sc->ncol; i++)
		switch ((enum col)sc->col[i]) {
		case COL_STEP:		csv_opt(c, s->step); break;
		case COL_ENGINE:
			if (s->engine_name != NULL)
				csvout_str(c, s->engine_name);
			else
				csv_opt(c, s->engine);
			break;
		case COL_TS:		csv_opt(c, s->ts_us); break;
		case COL_DUR:		csv_opt(c, s->dur_us); break;
		case COL_DUR_SOURCE:	csvout_optstr(c, s->dur_source); break;
		case COL_SCHED:		csv_opt(c, s->sched_us); break;
		case COL_NPREFILL:
			csv_count(c, s->n_prefill, s, COL_NPREFILL);
			break;
		case COL_PTOKENS:
			csv_count(c, s->prefill_tokens, s, COL_PTOKENS);
			break;
		case COL_NDECODE:
			csv_count(c, s->n_decode, s, COL_NDECODE);
			break;
		case COL_DTOKENS:
			csv_count(c, s->decode_tokens, s, COL_DTOKENS);
			break;
		case COL_KV:
			if (s->kv_usage >= 0)
				csvout_num(c, s->kv_usage);
			else
				csvout_empty(c);
			break;
		case COL_PKV:	csv_opt(c, s->prefill_kv_tokens); break;
		case COL_DKV:	csv_opt(c, s->decode_kv_tokens); break;
		case COL_PVAR:
		case COL_DVAR:
			csv_var(c, sc->col[i] == COL_PVAR ? s->prefill_len_var :
			    s->decode_kv_var);
			break;
		case COL_KV_BLOCKS:	csv_opt(c, s->kv_blocks_total); break;
		case COL_DUMMY:		csvout_int(c, s->dummy); break;
		case COL_HIDDEN:	csvout_int(c, s->hidden); break;
		case COL_ESTIMATED:	csvout_int(c, s->estimated); break;
		case COL_MODEL:		csvout_optstr(c, s->model); break;
		case COL_HARDWARE:	csvout_optstr(c, s->hardware); break;
		case COL_TP:		csv_opt(c, s->tp); break;
		case NCOL:		break;
		}
	csvout_endrow(c);
}

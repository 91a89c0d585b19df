#include <string.h>

#include "record.h"

enum { KIND_NONE, KIND_REQUEST, KIND_STEP };

static const char *const request_columns[] = {
	"request_id", "arrival_us", "input_tokens", "output_tokens",
	"ttft_us", "e2e_us", "queue_us", "prefill_us", "decode_us", "error",
	"model", NULL
};

static const char *const step_columns[] = {
	"step", "engine", "ts_us", "dur_us", "n_prefill", "prefill_tokens",
	"n_decode", "decode_tokens", "kv_usage", "dummy", "estimated", "model",
	"hardware", "tp", NULL
};

void
record_request_init(struct record_request *r)
{
	memset(r, 0, sizeof(*r));
	r->ttft_us = r->e2e_us = r->queue_us = RECORD_ABSENT;
	r->prefill_us = r->decode_us = RECORD_ABSENT;
}

void
record_step_init(struct record_step *s)
{
	memset(s, 0, sizeof(*s));
	s->step = s->ts_us = s->dur_us = s->tp = s->engine = RECORD_ABSENT;
	s->kv_usage = -1;
}

void
record_out_init(struct record_out *o, FILE *fp, int csv_mode)
{
	memset(o, 0, sizeof(*o));
	jsonout_init(&o->jw, fp);
	csvout_init(&o->csv, fp);
	o->csv_mode = csv_mode;
}

void
record_out_free(struct record_out *o)
{
	jsonout_free(&o->jw);
}

/* The CSV header goes out with the first record, once its kind is known. */
static int
claim_kind(struct record_out *o, int kind)
{
	if (o->kind == kind)
		return 0;
	if (o->kind != KIND_NONE && o->csv_mode)
		return -1;
	if (o->kind == KIND_NONE && o->csv_mode)
		csvout_header(&o->csv, kind == KIND_REQUEST ?
		    request_columns : step_columns);
	o->kind = kind;
	return 0;
}

static void
put_json_opt(struct jw *w, const char *key, int64_t v)
{
	if (v != RECORD_ABSENT)
		jsonout_kint(w, key, v);
}

static void
put_csv_opt(struct csvw *c, int64_t v)
{
	if (v != RECORD_ABSENT)
		csvout_int(c, v);
	else
		csvout_empty(c);
}

static void
put_csv_optstr(struct csvw *c, const char *s)
{
	if (s != NULL)
		csvout_str(c, s);
	else
		csvout_empty(c);
}

static void
request_json(struct jw *w, const struct record_request *r)
{
	jsonout_obj(w);
	jsonout_kstr(w, "request_id", r->id);
	jsonout_kint(w, "arrival_us", r->arrival_us);
	jsonout_kint(w, "input_tokens", r->input_tokens);
	jsonout_kint(w, "output_tokens", r->output_tokens);
	put_json_opt(w, "ttft_us", r->ttft_us);
	put_json_opt(w, "e2e_us", r->e2e_us);
	if (r->itl_us != NULL) {
		size_t i;

		jsonout_key(w, "itl_us");
		jsonout_arr(w);
		for (i = 0; i < r->n_itl; i++)
			jsonout_int(w, r->itl_us[i]);
		jsonout_arr_end(w);
	}
	put_json_opt(w, "queue_us", r->queue_us);
	put_json_opt(w, "prefill_us", r->prefill_us);
	put_json_opt(w, "decode_us", r->decode_us);
	if (r->error != NULL)
		jsonout_kstr(w, "error", r->error);
	if (r->model != NULL)
		jsonout_kstr(w, "model", r->model);
	jsonout_obj_end(w);
	jsonout_endline(w);
}

static void
request_csv(struct csvw *c, const struct record_request *r)
{
	csvout_str(c, r->id);
	csvout_int(c, r->arrival_us);
	csvout_int(c, r->input_tokens);
	csvout_int(c, r->output_tokens);
	put_csv_opt(c, r->ttft_us);
	put_csv_opt(c, r->e2e_us);
	put_csv_opt(c, r->queue_us);
	put_csv_opt(c, r->prefill_us);
	put_csv_opt(c, r->decode_us);
	put_csv_optstr(c, r->error);
	put_csv_optstr(c, r->model);
	csvout_endrow(c);
}

int
record_out_request(struct record_out *o, const struct record_request *r)
{
	if (claim_kind(o, KIND_REQUEST) < 0)
		return -1;
	if (o->csv_mode)
		request_csv(&o->csv, r);
	else
		request_json(&o->jw, r);
	return 0;
}

/* BLIS StepConfig lists: n identical entries. */
static void
step_list(struct jw *w, const char *key, int64_t n, int64_t progress,
    const char *tokkey, int64_t tokens)
{
	int64_t i;

	jsonout_key(w, key);
	jsonout_arr(w);
	for (i = 0; i < n; i++) {
		jsonout_obj(w);
		jsonout_kint(w, "progress_index", progress);
		jsonout_kint(w, tokkey, tokens);
		jsonout_obj_end(w);
	}
	jsonout_arr_end(w);
}

static void
step_json(struct jw *w, const struct record_step *s)
{
	jsonout_obj(w);
	put_json_opt(w, "step", s->step);
	put_json_opt(w, "engine", s->engine);
	put_json_opt(w, "ts_us", s->ts_us);
	put_json_opt(w, "dur_us", s->dur_us);
	jsonout_kint(w, "n_prefill", s->n_prefill);
	jsonout_kint(w, "prefill_tokens", s->prefill_tokens);
	jsonout_kint(w, "n_decode", s->n_decode);
	jsonout_kint(w, "decode_tokens", s->decode_tokens);
	if (s->kv_usage >= 0)
		jsonout_knum(w, "kv_usage", s->kv_usage);
	if (s->dummy) {
		jsonout_key(w, "dummy");
		jsonout_bool(w, 1);
	}
	if (s->estimated) {
		jsonout_key(w, "estimated");
		jsonout_bool(w, 1);
	}
	if (s->model != NULL)
		jsonout_kstr(w, "model", s->model);
	if (s->hardware != NULL)
		jsonout_kstr(w, "hardware", s->hardware);
	put_json_opt(w, "tp", s->tp);
	if (s->full) {
		step_list(w, "prefill_requests", s->n_prefill, 0,
		    "num_new_prefill_tokens", s->prefill_len);
		step_list(w, "decode_requests", s->n_decode,
		    s->decode_progress, "num_new_decode_tokens", 1);
	}
	jsonout_obj_end(w);
	jsonout_endline(w);
}

static void
step_csv(struct csvw *c, const struct record_step *s)
{
	put_csv_opt(c, s->step);
	put_csv_opt(c, s->engine);
	put_csv_opt(c, s->ts_us);
	put_csv_opt(c, s->dur_us);
	csvout_int(c, s->n_prefill);
	csvout_int(c, s->prefill_tokens);
	csvout_int(c, s->n_decode);
	csvout_int(c, s->decode_tokens);
	if (s->kv_usage >= 0)
		csvout_num(c, s->kv_usage);
	else
		csvout_empty(c);
	csvout_int(c, s->dummy);
	csvout_int(c, s->estimated);
	put_csv_optstr(c, s->model);
	put_csv_optstr(c, s->hardware);
	put_csv_opt(c, s->tp);
	csvout_endrow(c);
}

int
record_out_step(struct record_out *o, const struct record_step *s)
{
	if (claim_kind(o, KIND_STEP) < 0)
		return -1;
	if (o->csv_mode)
		step_csv(&o->csv, s);
	else
		step_json(&o->jw, s);
	return 0;
}

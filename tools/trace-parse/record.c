#include <string.h>

#include "record.h"

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
tp_request_init(struct tp_request *r)
{
	memset(r, 0, sizeof(*r));
	r->ttft_us = r->e2e_us = r->queue_us = TP_ABSENT;
	r->prefill_us = r->decode_us = TP_ABSENT;
}

void
tp_step_init(struct tp_step *s)
{
	memset(s, 0, sizeof(*s));
	s->step = s->ts_us = s->dur_us = s->tp = s->engine = TP_ABSENT;
	s->kv_usage = -1;
}

void
tp_out_init(struct tp_out *o, FILE *fp, int csv_mode)
{
	memset(o, 0, sizeof(*o));
	jsonout_init(&o->jw, fp);
	csvout_init(&o->csv, fp);
	o->csv_mode = csv_mode;
}

void
tp_out_free(struct tp_out *o)
{
	jsonout_free(&o->jw);
}

/* The CSV header goes out with the first record, once its kind is known. */
static int
claim_kind(struct tp_out *o, enum tp_kind kind)
{
	if (o->kind == kind)
		return 0;
	if (o->kind != TP_KIND_NONE && o->csv_mode)
		return -1;
	if (o->kind == TP_KIND_NONE && o->csv_mode)
		csvout_header(&o->csv, kind == TP_KIND_REQUEST ?
		    request_columns : step_columns);
	o->kind = kind;
	return 0;
}

static void
jw_kopt(struct jw *w, const char *key, int64_t v)
{
	if (v != TP_ABSENT)
		jsonout_kint(w, key, v);
}

static void
csv_opt(struct csvw *c, int64_t v)
{
	if (v != TP_ABSENT)
		csvout_int(c, v);
	else
		csvout_empty(c);
}

static void
csv_optstr(struct csvw *c, const char *s)
{
	if (s != NULL)
		csvout_str(c, s);
	else
		csvout_empty(c);
}

static void
request_json(struct jw *w, const struct tp_request *r)
{
	jsonout_obj(w);
	jsonout_kstr(w, "request_id", r->id);
	jsonout_kint(w, "arrival_us", r->arrival_us);
	jsonout_kint(w, "input_tokens", r->input_tokens);
	jsonout_kint(w, "output_tokens", r->output_tokens);
	jw_kopt(w, "ttft_us", r->ttft_us);
	jw_kopt(w, "e2e_us", r->e2e_us);
	if (r->itl_us != NULL) {
		size_t i;

		jsonout_key(w, "itl_us");
		jsonout_arr(w);
		for (i = 0; i < r->n_itl; i++)
			jsonout_int(w, r->itl_us[i]);
		jsonout_arr_end(w);
	}
	jw_kopt(w, "queue_us", r->queue_us);
	jw_kopt(w, "prefill_us", r->prefill_us);
	jw_kopt(w, "decode_us", r->decode_us);
	if (r->error != NULL)
		jsonout_kstr(w, "error", r->error);
	if (r->model != NULL)
		jsonout_kstr(w, "model", r->model);
	jsonout_obj_end(w);
	jsonout_endline(w);
}

static void
request_csv(struct csvw *c, const struct tp_request *r)
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
	csv_optstr(c, r->error);
	csv_optstr(c, r->model);
	csvout_endrow(c);
}

int
tp_out_request(struct tp_out *o, const struct tp_request *r)
{
	if (claim_kind(o, TP_KIND_REQUEST) < 0)
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
step_json(struct jw *w, const struct tp_step *s)
{
	jsonout_obj(w);
	jw_kopt(w, "step", s->step);
	jw_kopt(w, "engine", s->engine);
	jw_kopt(w, "ts_us", s->ts_us);
	jw_kopt(w, "dur_us", s->dur_us);
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
	jw_kopt(w, "tp", s->tp);
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
step_csv(struct csvw *c, const struct tp_step *s)
{
	csv_opt(c, s->step);
	csv_opt(c, s->engine);
	csv_opt(c, s->ts_us);
	csv_opt(c, s->dur_us);
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
	csv_optstr(c, s->model);
	csv_optstr(c, s->hardware);
	csv_opt(c, s->tp);
	csvout_endrow(c);
}

int
tp_out_step(struct tp_out *o, const struct tp_step *s)
{
	if (claim_kind(o, TP_KIND_STEP) < 0)
		return -1;
	if (o->csv_mode)
		step_csv(&o->csv, s);
	else
		step_json(&o->jw, s);
	return 0;
}

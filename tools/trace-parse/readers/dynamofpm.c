#include <stdio.h>
#include <string.h>

#include "io/err.h"
#include "io/numfmt.h"
#include "readers/dynamofpm.h"
#include "seconds.h"

#define DYNAMOFPM_SCHEMA "dynamo.fpm.trace.v1"

/* Idle heartbeats skipped, and prefill variances left out, for finish(). */
static long dynamofpm_idles, dynamofpm_var_dropped;

/* The FPM object of a record of any shape, and its path; NULL if none. */
static const cJSON *
dynamofpm_body(const cJSON *rec, const char **path, int64_t *ts_ms,
    struct errmsg *e)
{
	const cJSON *ev, *s, *t;

	*ts_ms = -1;
	if ((ev = jsonin_field(rec, "event")) != NULL) {
		s = jsonin_field(ev, "schema");
		if (cJSON_IsString(s) && strcmp(s->valuestring,
		    DYNAMOFPM_SCHEMA) != 0) {
			errmsg_set(e, "event.schema: \"%.60s\", this reader knows "
			    "\"" DYNAMOFPM_SCHEMA "\"", s->valuestring);
			return NULL;
		}
		/* Wall clock when the file has it, else the writer's own. */
		if ((t = jsonin_field(ev, "observed_at_unix_ms")) == NULL)
			t = jsonin_field(rec, "timestamp");
		if (t != NULL && jsonin_int(t, "event.observed_at_unix_ms", 0,
		    RT_INT_EXACT_MAX / 1000, ts_ms, e) < 0)
			return NULL;
		*path = "event.fpm";
		if ((s = jsonin_field(ev, "fpm")) == NULL)
			errmsg_set(e, "event.fpm: missing");
		return s;
	}
	if ((s = jsonin_field(rec, "metrics")) != NULL) {
		t = jsonin_field(rec, "published_at_ms");
		if (t != NULL && jsonin_int(t, "published_at_ms", 0,
		    RT_INT_EXACT_MAX / 1000, ts_ms, e) < 0)
			return NULL;
		*path = "metrics";
		return s;
	}
	*path = "";
	return rec;
}

static int
dynamofpm_count(const cJSON *obj, const char *base, const char *key,
    int64_t *out, struct errmsg *e)
{
	char path[160];
	const cJSON *v;

	snprintf(path, sizeof(path), "%s.%s", base, key);
	if ((v = jsonin_field(obj, key)) == NULL) {
		errmsg_set(e, "%s: missing", path);
		return -1;
	}
	return jsonin_int(v, path, 0, RT_INT_EXACT_MAX, out, e);
}

/* A variance: absent or null leaves -1; else a finite number >= 0. */
static int
dynamofpm_var(const cJSON *obj, const char *base, const char *key,
    double *out, struct errmsg *e)
{
	const cJSON *v = jsonin_field(obj, key);
	char path[160];

	*out = -1;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	snprintf(path, sizeof(path), "%s.%s", base, key);
	if (jsonin_num(v, path, out, e) < 0)
		return -1;
	if (*out < 0) {
		errmsg_set(e, "%s: a variance cannot be negative, got %.17g",
		    path, *out);
		return -1;
	}
	return 0;
}

static int
dynamofpm_sched(const cJSON *fpm, const char *base, struct dynamofpm_pass *p,
    struct errmsg *e)
{
	const cJSON *s;
	char path[128];

	snprintf(path, sizeof(path), "%s%sscheduled_requests", base,
	    *base != '\0' ? "." : "");
	if ((s = jsonin_field(fpm, "scheduled_requests")) == NULL) {
		errmsg_set(e, "%s: missing (not a forward-pass record)", path);
		return -1;
	}
	if (jsonin_object(s, path, e) < 0 ||
	    dynamofpm_count(s, path, "num_prefill_requests", &p->n_prefill,
	    e) < 0 ||
	    dynamofpm_count(s, path, "sum_prefill_tokens", &p->prefill_tokens,
	    e) < 0 ||
	    dynamofpm_count(s, path, "sum_prefill_kv_tokens", &p->prefill_kv,
	    e) < 0 ||
	    dynamofpm_count(s, path, "num_decode_requests", &p->n_decode,
	    e) < 0 ||
	    dynamofpm_count(s, path, "sum_decode_kv_tokens", &p->decode_kv,
	    e) < 0 ||
	    dynamofpm_var(s, path, "var_prefill_length", &p->prefill_var,
	    e) < 0 ||
	    dynamofpm_var(s, path, "var_decode_kv_tokens", &p->decode_var,
	    e) < 0)
		return -1;
	if (p->n_prefill > p->prefill_tokens) {
		errmsg_set(e, "%s: %lld prefills but %lld prefill tokens (each "
		    "computes at least one)", path, (long long)p->n_prefill,
		    (long long)p->prefill_tokens);
		return -1;
	}
	if (p->n_decode > p->decode_kv) {
		errmsg_set(e, "%s: %lld decodes but a context of %lld tokens "
		    "(each has at least one)", path, (long long)p->n_decode,
		    (long long)p->decode_kv);
		return -1;
	}
	return 0;
}

/* An optional whole number: absent leaves -1. */
static int
dynamofpm_opt(const cJSON *fpm, const char *base, const char *key,
    int64_t *out, struct errmsg *e)
{
	const cJSON *v = jsonin_field(fpm, key);
	char path[128];

	*out = -1;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	snprintf(path, sizeof(path), "%s%s%s", base, *base != '\0' ? "." : "",
	    key);
	return jsonin_int(v, path, 0, RT_INT_EXACT_MAX, out, e);
}

static int
dynamofpm_head(const cJSON *fpm, const char *base, struct dynamofpm_pass *p,
    struct errmsg *e)
{
	const cJSON *v;
	char path[128];
	int64_t version;

	snprintf(path, sizeof(path), "%s%sversion", base,
	    *base != '\0' ? "." : "");
	if ((v = jsonin_field(fpm, "version")) != NULL) {
		if (jsonin_int(v, path, 0, RT_INT_EXACT_MAX, &version, e) < 0)
			return -1;
		if (version != 1) {
			errmsg_set(e, "%s: %lld, this reader knows version 1",
			    path, (long long)version);
			return -1;
		}
	}
	snprintf(path, sizeof(path), "%s%swall_time", base,
	    *base != '\0' ? "." : "");
	if ((v = jsonin_field(fpm, "wall_time")) == NULL) {
		errmsg_set(e, "%s: missing", path);
		return -1;
	}
	if (seconds_json_us(v, path, &p->wall_us, e) < 0)
		return -1;
	v = jsonin_field(fpm, "worker_id");
	p->worker = cJSON_IsString(v) ? v->valuestring : NULL;
	if (v != NULL && !cJSON_IsString(v) && !cJSON_IsNull(v)) {
		errmsg_set(e, "%s%sworker_id: expected a string", base,
		    *base != '\0' ? "." : "");
		return -1;
	}
	return dynamofpm_opt(fpm, base, "dp_rank", &p->dp_rank, e) < 0 ||
	    dynamofpm_opt(fpm, base, "counter_id", &p->counter, e) < 0 ? -1 : 0;
}

int
dynamofpm_pass(const cJSON *rec, struct dynamofpm_pass *p, struct errmsg *e)
{
	const cJSON *fpm;
	const char *base;

	memset(p, 0, sizeof(*p));
	e->msg[0] = '\0';
	if (!cJSON_IsObject(rec)) {
		errmsg_set(e, "expected a JSON object (a forward-pass record)");
		return -1;
	}
	if ((fpm = dynamofpm_body(rec, &base, &p->ts_ms, e)) == NULL)
		return -1;
	if (jsonin_object(fpm, *base != '\0' ? base : "record", e) < 0)
		return -1;
	return dynamofpm_head(fpm, base, p, e) < 0 ||
	    dynamofpm_sched(fpm, base, p, e) < 0 ? -1 : 0;
}

int
dynamofpm_idle(const struct dynamofpm_pass *p)
{
	return p->n_prefill == 0 && p->n_decode == 0;
}

static void
dynamofpm_emit(struct emit *em, const struct dynamofpm_pass *p)
{
	char engine[160];
	struct step_out st;

	step_out_init(&st);
	if (p->counter >= 0)
		st.step = p->counter;
	if (p->worker != NULL || p->dp_rank >= 0) {
		snprintf(engine, sizeof(engine), "%.100s/%lld",
		    p->worker != NULL ? p->worker : "",
		    (long long)(p->dp_rank >= 0 ? p->dp_rank : 0));
		st.engine_name = engine;
	}
	if (p->ts_ms >= 0)
		st.ts_us = emit_rebase(em, p->ts_ms * 1000);
	st.dur_us = p->wall_us;
	st.dur_source = "fpm_wall_time";
	st.n_prefill = p->n_prefill;
	st.prefill_tokens = p->prefill_tokens;
	st.n_decode = st.decode_tokens = p->n_decode;
	st.prefill_kv_tokens = p->prefill_kv;
	st.decode_kv_tokens = p->decode_kv;
	/*
	 * FPM's variance is over the prefills' full prompt lengths; the
	 * step record's over their new tokens.  They agree when nothing
	 * was in the cache before the pass (or there is one prefill).
	 */
	if (p->prefill_var >= 0 && (p->prefill_kv == 0 || p->n_prefill <= 1))
		st.prefill_len_var = p->n_prefill <= 1 ? 0 : p->prefill_var;
	else if (p->prefill_var >= 0)
		dynamofpm_var_dropped++;
	st.decode_kv_var = p->decode_var;
	emit_step(em, &st);
}

/* One record: a step, a skipped heartbeat, or a bad record. */
static int
dynamofpm_take(struct emit *em, const cJSON *rec, struct errmsg *e)
{
	struct dynamofpm_pass p;

	if (dynamofpm_pass(rec, &p, e) < 0)
		return READER_BAD;
	if (dynamofpm_idle(&p)) {
		dynamofpm_idles++;
		em->said_none = 1;
		return READER_OK;
	}
	dynamofpm_emit(em, &p);
	return READER_OK;
}

static enum reader_detect
dynamofpm_detect(const char *line)
{
	return *line == '{' && (strstr(line, "\"" DYNAMOFPM_SCHEMA "\"") !=
	    NULL || strstr(line, "\"scheduled_requests\"") != NULL) ?
	    DETECT_YES : DETECT_NO;
}

static int
dynamofpm_line(struct emit *em, const char *line, size_t len, long lineno,
    struct errmsg *e)
{
	static struct jsonin j;
	static int j_init;
	cJSON *rec;

	(void)lineno;
	/* Parsed into memory reused from line to line. */
	if (!j_init) {
		jsonin_init(&j);
		j_init = 1;
	}
	if ((rec = jsonin_parse(&j, line, len, e)) == NULL)
		return READER_BAD;
	return dynamofpm_take(em, rec, e);
}

/* Does v look like an FPM record of any shape? */
static int
dynamofpm_is_record(const cJSON *v)
{
	const cJSON *ev = jsonin_field(v, "event");

	return cJSON_IsObject(v) &&
	    (jsonin_field(jsonin_field(ev, "fpm"), "scheduled_requests") !=
	    NULL || jsonin_field(jsonin_field(v, "metrics"),
	    "scheduled_requests") != NULL ||
	    jsonin_field(v, "scheduled_requests") != NULL);
}

/* The array of records a document holds: itself, or a member. */
static const cJSON *
dynamofpm_records(const cJSON *doc)
{
	const cJSON *c;

	if (cJSON_IsArray(doc))
		return doc;
	cJSON_ArrayForEach(c, doc)
		if (cJSON_IsArray(c) && dynamofpm_is_record(c->child))
			return c;
	return NULL;
}

static int
dynamofpm_claim(const cJSON *doc)
{
	const cJSON *a;

	if (dynamofpm_is_record(doc))
		return 1;
	a = dynamofpm_records(doc);
	return a != NULL && dynamofpm_is_record(a->child);
}

static int
dynamofpm_doc(struct emit *em, const cJSON *doc, struct errmsg *e)
{
	const cJSON *a, *rec;
	struct errmsg be;
	size_t i = 0;

	if (cJSON_IsObject(doc) && dynamofpm_is_record(doc)) {
		if (dynamofpm_take(em, doc, &be) == READER_BAD)
			emit_bad(em, 0, &be);
		return READER_OK;
	}
	if ((a = dynamofpm_records(doc)) == NULL) {
		errmsg_set(e, "no forward-pass records: expected an array of "
		    "them, or an object holding one");
		return READER_FATAL;
	}
	cJSON_ArrayForEach(rec, a) {
		if (dynamofpm_take(em, rec, &be) == READER_BAD) {
			errmsg_set(e, "%s[%zu]: %s", a == doc ? "" :
			    a->string, i, be.msg);
			emit_bad(em, 0, e);
		}
		i++;
	}
	return READER_OK;
}

static void
dynamofpm_finish(void)
{
	if (dynamofpm_idles > 0)
		err_warn("dynamo-fpm: skipped %ld idle pass%s (heartbeats: "
		    "nothing scheduled)", dynamofpm_idles,
		    dynamofpm_idles == 1 ? "" : "es");
	if (dynamofpm_var_dropped > 0)
		err_warn("dynamo-fpm: %ld pass%s without prefill_len_var: FPM's "
		    "var_prefill_length is over full prompt lengths, which "
		    "differ from the new tokens when prefill_kv_tokens > 0",
		    dynamofpm_var_dropped,
		    dynamofpm_var_dropped == 1 ? "" : "es");
}

const struct reader dynamofpm_reader = {
	.name = "dynamo-fpm",
	.record = "step",
	.kind = "aggregate-steps",
	.what = "Dynamo/SGLang ForwardPassMetrics: --fpm-trace, exporter, "
	    "benchmark",
	.detect = dynamofpm_detect,
	.open = readers_jsonl_or_doc,
	.claim = dynamofpm_claim,
	.line = dynamofpm_line,
	.doc = dynamofpm_doc,
	.finish = dynamofpm_finish,
};

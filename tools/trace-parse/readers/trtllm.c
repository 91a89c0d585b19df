#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "io/numfmt.h"
#include "readers/trtllm.h"
#include "datetime.h"

/*
 * The iteration waiting for its successor, per attention-DP rank: its
 * GPU time is the successor's prevDeviceStepTimeMS.
 */
struct trtllm_slot {
	struct trtllm_iter it;
	long	 line;
	int	 valid;
};

static struct trtllm_slot *trtllm_slots;
static size_t trtllm_nslots;
/* For finish(): what had no time of its own, and what was skipped. */
static long trtllm_last, trtllm_gap, trtllm_idle;

static int
trtllm_ms(const cJSON *obj, const char *key, int64_t *out, struct errmsg *e)
{
	const cJSON *v = jsonin_field(obj, key);
	double ms;

	*out = -1;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (jsonin_num(v, key, &ms, e) < 0)
		return -1;
	if (ms < 0 || ms * 1e3 > (double)RT_INT_EXACT_MAX) {
		errmsg_set(e, "%s: expected milliseconds from 0 to 2^53 us, "
		    "got %.17g", key, ms);
		return -1;
	}
	/* 0 ms: not measured (a warm-up or an idle loop), not a time. */
	if ((*out = llround(ms * 1e3)) == 0)
		*out = -1;
	return 0;
}

/* A count in obj; absent or null: *out = -1 unless need. */
static int
trtllm_count(const cJSON *obj, const char *base, const char *key, int need,
    int64_t *out, struct errmsg *e)
{
	const cJSON *v = jsonin_field(obj, key);
	char path[96];

	*out = -1;
	snprintf(path, sizeof(path), "%s.%s", base, key);
	if (v == NULL || cJSON_IsNull(v)) {
		if (need)
			errmsg_set(e, "%s: %s", path, v == NULL ? "missing" :
			    "null");
		return need ? -1 : 0;
	}
	return jsonin_int(v, path, 0, RT_INT_EXACT_MAX, out, e);
}

/* "05-14-2026 10:21:07.118236" (newer builds) or "" (older). */
static int
trtllm_time(const cJSON *rec, int64_t *out, struct errmsg *e)
{
	const cJSON *v = jsonin_field(rec, "timestamp");
	const char *s;
	char iso[64];

	*out = -1;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (jsonin_str(v, "timestamp", &s, e) < 0)
		return -1;
	if (*s == '\0')
		return 0;
	if (strlen(s) < 19 || strlen(s) > 40 || s[2] != '-' || s[5] != '-' ||
	    s[10] != ' ') {
		errmsg_set(e, "timestamp: expected \"MM-DD-YYYY HH:MM:SS.ffffff\", "
		    "got \"%.40s\"", s);
		return -1;
	}
	snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2s%s", s + 6, s, s + 3, s + 10);
	if (datetime_us(iso, out) < 0) {
		errmsg_set(e, "timestamp: not a date and time: \"%.40s\"", s);
		return -1;
	}
	return 0;
}

static int
trtllm_batch(const cJSON *rec, struct trtllm_iter *it, struct errmsg *e)
{
	static const char *b = "inflightBatchingStats";
	const cJSON *s = jsonin_field(rec, b);

	if (s == NULL || cJSON_IsNull(s)) {
		errmsg_set(e, "%s: %s (no batch counts: the inflight batcher's "
		    "statistics are needed)", b, s == NULL ? "missing" : "null");
		return -1;
	}
	if (jsonin_object(s, b, e) < 0 ||
	    trtllm_count(s, b, "numContextRequests", 1, &it->n_ctx, e) < 0 ||
	    trtllm_count(s, b, "numCtxTokens", 1, &it->ctx_tokens, e) < 0 ||
	    trtllm_count(s, b, "numGenRequests", 1, &it->n_gen, e) < 0 ||
	    trtllm_count(s, b, "numCtxKvTokens", 0, &it->ctx_kv, e) < 0 ||
	    trtllm_count(s, b, "numGenKvTokens", 0, &it->gen_kv, e) < 0)
		return -1;
	if (it->n_ctx > it->ctx_tokens) {
		errmsg_set(e, "%s: %lld context requests but %lld context "
		    "tokens (each computes at least one)", b,
		    (long long)it->n_ctx, (long long)it->ctx_tokens);
		return -1;
	}
	return 0;
}

static int
trtllm_cache(const cJSON *rec, struct trtllm_iter *it, struct errmsg *e)
{
	const cJSON *s = jsonin_field(rec, "kvCacheStats");

	it->kv_max = it->kv_used = -1;
	if (s == NULL || cJSON_IsNull(s))
		return 0;
	if (jsonin_object(s, "kvCacheStats", e) < 0 ||
	    trtllm_count(s, "kvCacheStats", "maxNumBlocks", 0, &it->kv_max,
	    e) < 0 ||
	    trtllm_count(s, "kvCacheStats", "usedNumBlocks", 0, &it->kv_used,
	    e) < 0)
		return -1;
	if (it->kv_max == 0 || it->kv_used > it->kv_max)
		it->kv_max = it->kv_used = -1;
	return 0;
}

int
trtllm_parse(const cJSON *rec, struct trtllm_iter *it, struct errmsg *e)
{
	const cJSON *v;

	memset(it, 0, sizeof(*it));
	if (!cJSON_IsObject(rec)) {
		errmsg_set(e, "expected a JSON object (an iteration record)");
		return -1;
	}
	if ((v = jsonin_need(rec, "iter", e)) == NULL ||
	    jsonin_int(v, "iter", 0, RT_INT_EXACT_MAX, &it->iter, e) < 0 ||
	    trtllm_count(rec, "record", "attentionDpRank", 0, &it->rank,
	    e) < 0 ||
	    trtllm_ms(rec, "prevDeviceStepTimeMS", &it->prev_dev_us, e) < 0 ||
	    trtllm_ms(rec, "gpuForwardTimeMS", &it->gpu_fwd_us, e) < 0 ||
	    trtllm_time(rec, &it->ts_us, e) < 0 || trtllm_batch(rec, it, e) < 0 ||
	    trtllm_cache(rec, it, e) < 0)
		return -1;
	if (it->rank < 0)
		it->rank = 0;
	if (it->rank > 4096) {
		errmsg_set(e, "attentionDpRank: %lld, more ranks than this "
		    "reader keeps (4096)", (long long)it->rank);
		return -1;
	}
	v = jsonin_field(rec, "schedulerMode");
	it->overlap = cJSON_IsString(v) && strcmp(v->valuestring,
	    "overlap") == 0;
	return 0;
}

static void
trtllm_emit(struct emit *em, const struct trtllm_iter *it, int64_t dev_us,
    int gap)
{
	struct step_out st;

	if (it->n_ctx == 0 && it->n_gen == 0) {
		trtllm_idle++;
		return;
	}
	step_out_init(&st);
	st.step = it->iter;
	st.engine = it->rank;
	if (it->ts_us >= 0)
		st.ts_us = emit_rebase(em, it->ts_us);
	/*
	 * iterLatencyMS is never the step: about two loops under the
	 * overlap scheduler, CPU work included without it.
	 */
	if (it->gpu_fwd_us > 0) {
		st.dur_us = it->gpu_fwd_us;
		st.dur_source = "trtllm_gpu_forward";
	} else if (dev_us > 0) {
		st.dur_us = dev_us;
		st.dur_source = "trtllm_device_step";
	} else if (gap)
		trtllm_gap++;
	else
		trtllm_last++;
	st.n_prefill = it->n_ctx;
	st.prefill_tokens = it->ctx_tokens;
	st.n_decode = st.decode_tokens = it->n_gen;
	if (it->ctx_kv >= 0)
		st.prefill_kv_tokens = it->ctx_kv;
	if (it->gen_kv >= 0)
		st.decode_kv_tokens = it->gen_kv;
	if (it->kv_max > 0) {
		st.kv_usage = (double)it->kv_used / (double)it->kv_max;
		st.kv_blocks_total = it->kv_max;
	}
	emit_step(em, &st);
}

/* A record: the one before it on its rank gets its GPU time, and waits no more. */
static void
trtllm_take(struct emit *em, const cJSON *rec, long line)
{
	struct trtllm_iter it;
	struct trtllm_slot *s;
	struct errmsg e;
	size_t k;

	if (trtllm_parse(rec, &it, &e) < 0) {
		emit_bad(em, line, &e);
		return;
	}
	if ((size_t)it.rank >= trtllm_nslots) {
		k = trtllm_nslots;
		trtllm_nslots = (size_t)it.rank + 1;
		trtllm_slots = err_realloc(trtllm_slots, trtllm_nslots *
		    sizeof(*trtllm_slots));
		memset(trtllm_slots + k, 0, (trtllm_nslots - k) *
		    sizeof(*trtllm_slots));
	}
	s = &trtllm_slots[it.rank];
	if (s->valid) {
		if (it.iter == s->it.iter + 1)
			trtllm_emit(em, &s->it, it.prev_dev_us, 0);
		else
			trtllm_emit(em, &s->it, -1, 1);
	}
	s->it = it;
	s->line = line;
	s->valid = 1;
}

/* The value at p: an array of records, or one record. */
static void
trtllm_value(struct emit *em, const cJSON *v, long line)
{
	const cJSON *rec;

	if (cJSON_IsArray(v))
		for (rec = v->child; rec != NULL; rec = rec->next)
			trtllm_take(em, rec, line);
	else
		trtllm_take(em, v, line);
}

static int
trtllm_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Where the array or object starting at p ends (just past its closing
 * bracket); end when it does not close.  *lines counts the newlines
 * passed.  Only to split the values: each is then parsed, and checked,
 * by jsonin.
 */
static const char *
trtllm_value_end(const char *p, const char *end, long *lines)
{
	const char *q = jsonin_skip_value(p, end), *nl;

	if (q == NULL)
		q = end;
	for (nl = p; (nl = memchr(nl, '\n', (size_t)(q - nl))) != NULL; nl++)
		(*lines)++;
	return q;
}

/*
 * The file's text: JSON values one after another (each poll's array,
 * or a record a line), each parsed with the usual checks into memory
 * reused from value to value.
 */
static int
trtllm_text(struct emit *em, const char *text, size_t len, struct errmsg *e)
{
	static struct jsonin j;
	static int j_init;
	const char *p = text, *end = text + len, *vend;
	long line = 1, nl;
	cJSON *v;

	if (!j_init) {
		jsonin_init(&j);
		j_init = 1;
	}
	for (;;) {
		while (p < end && trtllm_blank(*p))
			line += *p++ == '\n';
		if (p == end)
			break;
		nl = 0;
		vend = *p == '[' || *p == '{' ? trtllm_value_end(p, end, &nl) :
		    end;
		if ((v = jsonin_parse(&j, p, (size_t)(vend - p), e)) == NULL)
			err_dieat(EXIT_DATA, emit_name(em), line, "%s", e->msg);
		trtllm_value(em, v, line);
		line += nl;
		p = vend;
	}
	return READER_OK;
}

/* The iterations still waiting: the last of each rank has no time. */
static int
trtllm_end(struct emit *em, struct errmsg *e)
{
	size_t k;

	(void)e;
	for (k = 0; k < trtllm_nslots; k++)
		if (trtllm_slots[k].valid) {
			trtllm_emit(em, &trtllm_slots[k].it, -1, 0);
			trtllm_slots[k].valid = 0;
		}
	return READER_OK;
}

static enum reader_detect
trtllm_detect(const char *line)
{
	if ((*line == '[' || *line == '{') &&
	    (strstr(line, "\"iterLatencyMS\"") != NULL ||
	    strstr(line, "\"inflightBatchingStats\"") != NULL ||
	    strstr(line, "\"prevDeviceStepTimeMS\"") != NULL))
		return DETECT_YES;
	if (*line != '[')
		return DETECT_NO;
	/* "[" alone (pretty-printed) or "[{": an array of records, maybe. */
	for (line++; *line == ' ' || *line == '\t'; line++)
		;
	return *line == '\0' || *line == '{' ? DETECT_FALLBACK : DETECT_NO;
}

static void
trtllm_finish(void)
{
	if (trtllm_last > 0)
		err_warn("trtllm-iterations: %ld iteration%s without dur_us: the "
		    "last of %s rank (its GPU time is in the next record, "
		    "prevDeviceStepTimeMS)", trtllm_last,
		    trtllm_last == 1 ? "" : "s", trtllm_last == 1 ? "its" :
		    "each");
	if (trtllm_gap > 0)
		err_warn("trtllm-iterations: %ld iteration%s without dur_us: the "
		    "next iteration is missing from the file", trtllm_gap,
		    trtllm_gap == 1 ? "" : "s");
	if (trtllm_idle > 0)
		err_warn("trtllm-iterations: skipped %ld idle iteration%s "
		    "(nothing scheduled)", trtllm_idle,
		    trtllm_idle == 1 ? "" : "s");
	free(trtllm_slots);
}

const struct reader trtllm_reader = {
	.name = "trtllm-iterations",
	.record = "step",
	.kind = "aggregate-steps",
	.what = "TensorRT-LLM iteration stats (trtllm-serve /metrics polls)",
	.detect = trtllm_detect,
	.mode = READ_DOC,
	.text = trtllm_text,
	.end = trtllm_end,
	.finish = trtllm_finish,
};

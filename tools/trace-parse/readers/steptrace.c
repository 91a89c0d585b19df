#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers/steptrace.h"
#include "io/err.h"
#include "io/numfmt.h"

/* Counts and tokens are bounded so that sums cannot overflow. */
#define COUNT_MAX	(1LL << 40)
/* Monotonic nanoseconds: full int64 range less room for arithmetic. */
#define NS_MAX		(1LL << 62)

struct snap {
	char	*id;
	int64_t	 prompt, computed, sched;
};

struct steptrace_step {
	struct steptrace_step *next_free;
	int64_t	 step;
	long	 line;			/* of the BATCH_SUMMARY */
	int	 summary;
	int64_t	 ts_ns, sched_us;
	int64_t	 n_prefill, prefill_tokens, n_decode, decode_tokens;
	int64_t	 scheduled;		/* batch.scheduled_tokens, or NONE */
	double	 kv_usage;
	int64_t	 kv_blocks_total;
	struct snap *snaps;
	size_t	 nsnap, capsnap;
};

enum {
	K_STEP_ID, K_TS_START, K_DURATION, K_NPREFILL, K_PREFILL_TOK,
	K_NDECODE, K_DECODE_TOK, K_SCHEDULED, K_KV_USAGE, K_KV_TOTAL,
	K_REQ_ID, K_PROMPT, K_COMPUTED, K_SCHED_TOK, K_NKEYS
};

static const char *const keys[K_NKEYS] = {
	"step.id", "step.ts_start_ns", "step.duration_us",
	"batch.num_prefill_reqs", "batch.prefill_tokens",
	"batch.num_decode_reqs", "batch.decode_tokens",
	"batch.scheduled_tokens", "kv.usage_gpu_ratio", "kv.blocks_total_gpu",
	"request.id", "request.num_prompt_tokens",
	"request.num_computed_tokens", "request.scheduled_tokens_this_step"
};

/* An event being read: its attribute values by key, and its path. */
struct ev {
	const cJSON *val[K_NKEYS];
	char	 path[160];
};

void
steptrace_init(struct steptrace *t, size_t window, int keep_clock,
    steptrace_emit_fn *emit, steptrace_bad_fn *bad, void *ctx)
{
	memset(t, 0, sizeof(*t));
	t->window = window > 0 ? window : 1;
	t->keep_clock = keep_clock;
	t->emit = emit;
	t->bad = bad;
	t->ctx = ctx;
	t->ring = err_malloc(t->window * sizeof(*t->ring));
}

static void
bad(struct steptrace *t, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
bad(struct steptrace *t, long line, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	t->bad(t->ctx, line, msg);
}

/* ---- the reorder buffer --------------------------------------------- */

static struct steptrace_step *
at(const struct steptrace *t, size_t i)
{
	return t->ring[(t->head + i) % t->window];
}

static void
release(struct steptrace *t, struct steptrace_step *s)
{
	size_t i;

	for (i = 0; i < s->nsnap; i++)
		free(s->snaps[i].id);
	s->nsnap = 0;
	s->next_free = t->spare;
	t->spare = s;
}

static struct steptrace_step *
fresh(struct steptrace *t, int64_t id)
{
	struct steptrace_step *s = t->spare;
	struct snap *snaps;
	size_t cap;

	if (s != NULL) {
		t->spare = s->next_free;
		snaps = s->snaps;
		cap = s->capsnap;
	} else {
		s = err_malloc(sizeof(*s));
		snaps = NULL;
		cap = 0;
	}
	memset(s, 0, sizeof(*s));
	s->snaps = snaps;
	s->capsnap = cap;
	s->step = id;
	s->scheduled = s->kv_blocks_total = STEPTRACE_NONE;
	s->kv_usage = -1;
	return s;
}

/* x / 1000 rounded half up (toward +inf on .5), for any sign. */
static int64_t
ns_to_us(int64_t x)
{
	int64_t q = (x + 500) / 1000, r = (x + 500) % 1000;

	return r < 0 ? q - 1 : q;
}

static void
ensure_reqs(struct steptrace *t, size_t n)
{
	if (n > t->cap_reqs) {
		t->cap_reqs = n > 2 * t->cap_reqs ? n : 2 * t->cap_reqs;
		t->reqs = err_realloc(t->reqs, t->cap_reqs * sizeof(*t->reqs));
	}
}

/*
 * The step's composition from its snapshots.  A request decodes when it
 * computes one token past its prompt; anything else is a chunk of new
 * tokens at its progress index (a prompt chunk, or a recomputation after
 * preemption).  The fork's own phase lags a step under async scheduling
 * and counts recomputations as decodes, so it is not used.  The lists
 * are used only when they add up to the summary's totals.
 */
static void
compose(struct steptrace *t, const struct steptrace_step *s,
    struct steptrace_rec *r)
{
	struct step_req *pf, *dc;
	size_t i, np = 0, nd = 0;
	int64_t pt = 0, dt = 0, want;

	if (s->nsnap == 0)
		return;
	ensure_reqs(t, 2 * s->nsnap);
	pf = t->reqs;
	dc = t->reqs + s->nsnap;
	for (i = 0; i < s->nsnap; i++) {
		const struct snap *q = &s->snaps[i];
		struct step_req *e;

		if (q->sched == 0) {
			t->st.unscheduled++;	/* running, not in this batch */
			continue;
		}
		if (q->sched == 1 && q->computed >= q->prompt) {
			e = &dc[nd++];
			dt++;
		} else {
			e = &pf[np++];
			pt += q->sched;
		}
		e->request_id = q->id;
		e->progress_index = q->computed;
		e->tokens = q->sched;
	}
	want = s->scheduled != STEPTRACE_NONE ? s->scheduled :
	    s->prefill_tokens + s->decode_tokens;
	if (pt + dt != want ||
	    (int64_t)(np + nd) != s->n_prefill + s->n_decode) {
		t->st.incomplete++;
		return;
	}
	r->composed = 1;
	r->prefill = pf;
	r->decode = dc;
	r->n_prefill_reqs = np;
	r->n_decode_reqs = nd;
	r->n_prefill = (int64_t)np;
	r->prefill_tokens = pt;
	r->n_decode = (int64_t)nd;
	r->decode_tokens = dt;
}

/* The cycle to the next step, when the next step is step + 1. */
static int64_t
cycle(struct steptrace *t, const struct steptrace_step *s)
{
	const struct steptrace_step *nx = t->n > 0 ? at(t, 0) : NULL;
	int64_t d;

	if (nx == NULL || nx->step != s->step + 1 || !nx->summary)
		return STEPTRACE_NONE;
	d = nx->ts_ns - s->ts_ns;
	if (d <= 0) {
		bad(t, nx->line, "step %lld: step.ts_start_ns %lld is not "
		    "after step %lld's %lld (the clock is monotonic)",
		    (long long)nx->step, (long long)nx->ts_ns,
		    (long long)s->step, (long long)s->ts_ns);
		return STEPTRACE_NONE;
	}
	if (ns_to_us(d) <= 0) {
		bad(t, nx->line, "step %lld: step.ts_start_ns %lld is only "
		    "%lld ns after step %lld's %lld: a cycle that rounds to "
		    "0 us is no step time", (long long)nx->step,
		    (long long)nx->ts_ns, (long long)d, (long long)s->step,
		    (long long)s->ts_ns);
		return STEPTRACE_NONE;
	}
	return ns_to_us(d);
}

/* Write the oldest step held, and forget it. */
static void
pop(struct steptrace *t)
{
	struct steptrace_step *s = at(t, 0);
	struct steptrace_rec r;

	t->head = (t->head + 1) % t->window;
	t->n--;
	if (t->last == s)
		t->last = NULL;
	t->have_emitted = 1;
	t->last_emitted = s->step;
	t->last_timed = s->summary;
	if (!s->summary) {
		t->st.orphan_steps++;
		t->st.orphan_events += (long)s->nsnap;
		release(t, s);
		return;
	}
	memset(&r, 0, sizeof(r));
	if (!t->have_origin) {
		t->origin_ns = s->ts_ns;
		t->have_origin = 1;
	}
	r.step = s->step;
	r.ts_us = ns_to_us(t->keep_clock ? s->ts_ns : s->ts_ns - t->origin_ns);
	r.dur_us = cycle(t, s);
	r.sched_us = s->sched_us;
	r.n_prefill = s->n_prefill;
	r.prefill_tokens = s->prefill_tokens;
	r.n_decode = s->n_decode;
	r.decode_tokens = s->decode_tokens;
	r.kv_usage = s->kv_usage;
	r.kv_blocks_total = s->kv_blocks_total;
	compose(t, s, &r);
	t->st.steps++;
	t->st.timed += r.dur_us != STEPTRACE_NONE;
	t->st.composed += r.composed;
	t->emit(t->ctx, &r);
	release(t, s);
}

/* First position whose step id is >= id. */
static size_t
lower_bound(const struct steptrace *t, int64_t id)
{
	size_t lo = 0, hi = t->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (at(t, mid)->step < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The pending step of this id, made when new; NULL when too late. */
static struct steptrace_step *
step_for(struct steptrace *t, int64_t id, long line)
{
	struct steptrace_step *s;
	size_t pos, i;

	if (t->last != NULL && t->last->step == id)
		return t->last;
	pos = lower_bound(t, id);
	if (pos < t->n && at(t, pos)->step == id)
		return t->last = at(t, pos);
	if (t->n == t->window) {
		pop(t);
		pos = pos > 0 ? pos - 1 : 0;
	}
	if (t->have_emitted && id <= t->last_emitted) {
		bad(t, line, "step %lld arrives after step %lld was written: "
		    "a duplicate, or out of order by more than the %zu-step "
		    "reorder window", (long long)id,
		    (long long)t->last_emitted, t->window);
		return NULL;
	}
	if (t->have_emitted && t->last_timed && id == t->last_emitted + 1)
		t->st.lost_cycles++;
	s = fresh(t, id);
	for (i = t->n; i > pos; i--)
		t->ring[(t->head + i) % t->window] = at(t, i - 1);
	t->ring[(t->head + pos) % t->window] = s;
	t->n++;
	return t->last = s;
}

/* ---- attribute values ----------------------------------------------- */

/* Decimal digits only, at most max. */
static int
digits(const char *p, int64_t max, int64_t *out)
{
	int64_t v = 0;

	if (*p == '\0')
		return -1;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || v > (max - (*p - '0')) / 10)
			return -1;
		v = 10 * v + (*p - '0');
	}
	*out = v;
	return 0;
}

/* {"intValue":"29"} (proto3 JSON) or {"intValue":29}. */
static int
int_attr(struct steptrace *t, const struct ev *ev, int k, int64_t max,
    long line, int64_t *out)
{
	const cJSON *v = jsonin_field(ev->val[k], "intValue");
	struct errmsg e;
	char path[300];

	snprintf(path, sizeof(path), "%s.attributes[%s]", ev->path, keys[k]);
	if (ev->val[k] == NULL) {
		bad(t, line, "%s: missing", path);
		return -1;
	}
	if (cJSON_IsString(v)) {
		if (digits(v->valuestring, max, out) == 0)
			return 0;
		bad(t, line, "%s: expected a whole number, got \"%.40s\"",
		    path, v->valuestring);
		return -1;
	}
	if (v == NULL) {
		bad(t, line, "%s: expected an intValue", path);
		return -1;
	}
	if (jsonin_int(v, path, 0, max < RT_INT_EXACT_MAX ? max : RT_INT_EXACT_MAX,
	    out, &e) < 0) {
		t->bad(t->ctx, line, e.msg);
		return -1;
	}
	return 0;
}

static int
ratio_attr(struct steptrace *t, const struct ev *ev, long line, double *out)
{
	const cJSON *o = ev->val[K_KV_USAGE], *v;

	if (o == NULL)
		return 0;	/* optional */
	if ((v = jsonin_field(o, "doubleValue")) == NULL)
		v = jsonin_field(o, "intValue");
	if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= 1) {
		*out = v->valuedouble;
		return 0;
	}
	bad(t, line, "%s.attributes[%s]: expected a fraction in [0, 1]",
	    ev->path, keys[K_KV_USAGE]);
	return -1;
}

static void
gather(const cJSON *event, struct ev *ev)
{
	const cJSON *a, *k;
	int i;

	memset(ev->val, 0, sizeof(ev->val));
	cJSON_ArrayForEach(a, jsonin_field(event, "attributes")) {
		k = jsonin_field(a, "key");
		if (!cJSON_IsString(k))
			continue;
		for (i = 0; i < K_NKEYS; i++)
			if (ev->val[i] == NULL &&
			    strcmp(k->valuestring, keys[i]) == 0)
				ev->val[i] = jsonin_field(a, "value");
	}
}

static void
summary(struct steptrace *t, const struct ev *ev, long line)
{
	struct steptrace_step *s, v;

	memset(&v, 0, sizeof(v));
	v.scheduled = v.kv_blocks_total = STEPTRACE_NONE;
	v.kv_usage = -1;
	if (int_attr(t, ev, K_STEP_ID, RT_INT_EXACT_MAX, line, &v.step) < 0 ||
	    int_attr(t, ev, K_TS_START, NS_MAX, line, &v.ts_ns) < 0 ||
	    int_attr(t, ev, K_DURATION, COUNT_MAX, line, &v.sched_us) < 0 ||
	    int_attr(t, ev, K_NPREFILL, COUNT_MAX, line, &v.n_prefill) < 0 ||
	    int_attr(t, ev, K_PREFILL_TOK, COUNT_MAX, line,
	    &v.prefill_tokens) < 0 ||
	    int_attr(t, ev, K_NDECODE, COUNT_MAX, line, &v.n_decode) < 0 ||
	    int_attr(t, ev, K_DECODE_TOK, COUNT_MAX, line,
	    &v.decode_tokens) < 0 ||
	    (ev->val[K_SCHEDULED] != NULL && int_attr(t, ev, K_SCHEDULED,
	    COUNT_MAX, line, &v.scheduled) < 0) ||
	    (ev->val[K_KV_TOTAL] != NULL && int_attr(t, ev, K_KV_TOTAL,
	    COUNT_MAX, line, &v.kv_blocks_total) < 0) ||
	    ratio_attr(t, ev, line, &v.kv_usage) < 0)
		return;
	if ((s = step_for(t, v.step, line)) == NULL)
		return;
	if (s->summary) {
		bad(t, line, "%s: step %lld has a second step.BATCH_SUMMARY",
		    ev->path, (long long)v.step);
		return;
	}
	s->summary = 1;
	s->line = line;
	s->ts_ns = v.ts_ns;
	s->sched_us = v.sched_us;
	s->n_prefill = v.n_prefill;
	s->prefill_tokens = v.prefill_tokens;
	s->n_decode = v.n_decode;
	s->decode_tokens = v.decode_tokens;
	s->scheduled = v.scheduled;
	s->kv_usage = v.kv_usage;
	s->kv_blocks_total = v.kv_blocks_total;
}

static void
snapshot(struct steptrace *t, const struct ev *ev, long line)
{
	struct steptrace_step *s;
	const cJSON *id = jsonin_field(ev->val[K_REQ_ID], "stringValue");
	struct snap q;
	int64_t step;

	if (int_attr(t, ev, K_STEP_ID, RT_INT_EXACT_MAX, line, &step) < 0)
		return;
	if (!cJSON_IsString(id)) {
		bad(t, line, "%s.attributes[%s]: %s", ev->path, keys[K_REQ_ID],
		    ev->val[K_REQ_ID] == NULL ? "missing" :
		    "expected a stringValue");
		return;
	}
	if (int_attr(t, ev, K_PROMPT, COUNT_MAX, line, &q.prompt) < 0 ||
	    int_attr(t, ev, K_COMPUTED, COUNT_MAX, line, &q.computed) < 0 ||
	    int_attr(t, ev, K_SCHED_TOK, COUNT_MAX, line, &q.sched) < 0)
		return;
	if ((s = step_for(t, step, line)) == NULL)
		return;
	if (s->nsnap == s->capsnap) {
		s->capsnap = s->capsnap > 0 ? 2 * s->capsnap : 16;
		s->snaps = err_realloc(s->snaps, s->capsnap * sizeof(*s->snaps));
	}
	q.id = err_strdup(id->valuestring);
	s->snaps[s->nsnap++] = q;
}

/* ---- the export ----------------------------------------------------- */

static int
is_step_scope(const cJSON *ss)
{
	const cJSON *n = jsonin_field(jsonin_field(ss, "scope"), "name");

	return cJSON_IsString(n) &&
	    strcmp(n->valuestring, "vllm.scheduler.step") == 0;
}

static int
event_kind(const cJSON *event)
{
	const cJSON *n = jsonin_field(event, "name");

	if (!cJSON_IsString(n))
		return 0;
	if (strcmp(n->valuestring, "step.BATCH_SUMMARY") == 0)
		return 1;
	if (strcmp(n->valuestring, "step.REQUEST_SNAPSHOT") == 0)
		return 2;
	return 0;
}

int
steptrace_detect(const cJSON *doc)
{
	const cJSON *rs, *ss, *sp, *ev;

	cJSON_ArrayForEach(rs, jsonin_field(doc, "resourceSpans")) {
		cJSON_ArrayForEach(ss, jsonin_field(rs, "scopeSpans")) {
			if (is_step_scope(ss))
				return 1;
			cJSON_ArrayForEach(sp, jsonin_field(ss, "spans")) {
				cJSON_ArrayForEach(ev, jsonin_field(sp, "events")) {
					if (event_kind(ev) == 1)
						return 1;
				}
			}
		}
	}
	return 0;
}

static void
span(struct steptrace *t, const cJSON *sp, const char *base, long line)
{
	const cJSON *event;
	struct ev ev;
	size_t m = 0;
	int kind, any = 0;

	cJSON_ArrayForEach(event, jsonin_field(sp, "events")) {
		if ((kind = event_kind(event)) != 0) {
			any = 1;
			snprintf(ev.path, sizeof(ev.path), "%s.events[%zu]",
			    base, m);
			gather(event, &ev);
			if (kind == 1)
				summary(t, &ev, line);
			else
				snapshot(t, &ev, line);
		}
		m++;
	}
	if (!any)
		t->st.other_spans++;
}

void
steptrace_export(struct steptrace *t, const cJSON *doc, long line)
{
	const cJSON *rs, *ss, *sp;
	char base[120];
	size_t i = 0, j, k;

	if (!cJSON_IsArray(jsonin_field(doc, "resourceSpans"))) {
		bad(t, line, "resourceSpans: missing, or not an array");
		return;
	}
	cJSON_ArrayForEach(rs, jsonin_field(doc, "resourceSpans")) {
		j = 0;
		cJSON_ArrayForEach(ss, jsonin_field(rs, "scopeSpans")) {
			k = 0;
			cJSON_ArrayForEach(sp, jsonin_field(ss, "spans")) {
				snprintf(base, sizeof(base), "resourceSpans[%zu]"
				    ".scopeSpans[%zu].spans[%zu]", i, j, k);
				span(t, sp, base, line);
				k++;
			}
			j++;
		}
		i++;
	}
}

void
steptrace_finish(struct steptrace *t)
{
	while (t->n > 0)
		pop(t);
	t->last = NULL;
}

void
steptrace_free(struct steptrace *t)
{
	struct steptrace_step *s;
	size_t i;

	for (i = 0; i < t->n; i++)
		release(t, at(t, i));
	while ((s = t->spare) != NULL) {
		t->spare = s->next_free;
		free(s->snaps);
		free(s);
	}
	free(t->ring);
	free(t->reqs);
	memset(t, 0, sizeof(*t));
}

void
steptrace_stats_add(struct steptrace_stats *sum,
    const struct steptrace_stats *st)
{
	sum->steps += st->steps;
	sum->timed += st->timed;
	sum->composed += st->composed;
	sum->orphan_steps += st->orphan_steps;
	sum->orphan_events += st->orphan_events;
	sum->incomplete += st->incomplete;
	sum->unscheduled += st->unscheduled;
	sum->lost_cycles += st->lost_cycles;
	sum->other_spans += st->other_spans;
}

static const char *
plural(long n)
{
	return n == 1 ? "" : "s";
}

void
steptrace_report(const struct steptrace_stats *st)
{
	if (st->steps > 0)
		err_warn("%ld of %ld steps timed: dur_us is the cycle to step "
		    "N+1, known only where N+1 was sampled too", st->timed,
		    st->steps);
	if (st->orphan_steps > 0)
		err_warn("left out %ld step%s with %ld step.REQUEST_SNAPSHOT "
		    "event%s but no step.BATCH_SUMMARY", st->orphan_steps,
		    plural(st->orphan_steps), st->orphan_events,
		    plural(st->orphan_events));
	if (st->incomplete > 0)
		err_warn("%ld step%s with snapshots that do not add up to the "
		    "summary: counts only, no composition", st->incomplete,
		    plural(st->incomplete));
	if (st->unscheduled > 0)
		err_warn("%ld running request%s with no tokens scheduled left "
		    "out of step compositions", st->unscheduled,
		    plural(st->unscheduled));
	if (st->lost_cycles > 0)
		err_warn("%ld cycle%s lost: step N+1 came after step N was "
		    "written (beyond the reorder window)", st->lost_cycles,
		    plural(st->lost_cycles));
	if (st->other_spans > 0)
		err_warn("ignored %ld span%s without step events",
		    st->other_spans, plural(st->other_spans));
}

/* ---- the reader --------------------------------------------------- */

/* The file being read (one stream), and the run's counts. */
static struct steptrace cur;
static int cur_open;
static struct steptrace_stats run_stats;

/* A record out of the stream: the step record, through emit. */
static void
reader_emit(void *ctx, const struct steptrace_rec *r)
{
	struct step_out so;
	struct step comp;

	step_out_init(&so);
	so.step = r->step;
	so.ts_us = r->ts_us;
	if (r->dur_us != STEPTRACE_NONE) {
		so.dur_us = r->dur_us;
		so.dur_source = "cycle";
	} else
		so.dur_us = STEP_NULL;
	so.sched_us = r->sched_us;
	so.n_prefill = r->n_prefill;
	so.prefill_tokens = r->prefill_tokens;
	so.n_decode = r->n_decode;
	so.decode_tokens = r->decode_tokens;
	so.kv_usage = r->kv_usage;
	if (r->kv_blocks_total != STEPTRACE_NONE)
		so.kv_blocks_total = r->kv_blocks_total;
	if (r->composed) {
		step_init(&comp);
		comp.prefill = r->prefill;
		comp.n_prefill = r->n_prefill_reqs;
		comp.decode = r->decode;
		comp.n_decode = r->n_decode_reqs;
		so.comp = &comp;
	}
	emit_step(ctx, &so);
}

static void
reader_bad(void *ctx, long line, const char *msg)
{
	struct errmsg e;

	errmsg_set(&e, "%s", msg);
	emit_bad(ctx, line, &e);
}

static struct steptrace *
stream(struct emit *em)
{
	if (!cur_open) {
		steptrace_init(&cur, STEPTRACE_WINDOW, em->keep_clock,
		    reader_emit, reader_bad, em);
		cur_open = 1;
	}
	return &cur;
}

static enum reader_detect
steptrace_detect_line(const char *line)
{
	return *line == '{' &&
	    (strstr(line, "\"vllm.scheduler.step\"") != NULL ||
	    strstr(line, "\"step.BATCH_SUMMARY\"") != NULL) ?
	    DETECT_YES : DETECT_NO;
}

static int
steptrace_line(struct emit *em, const char *line, size_t len, long lineno,
    struct errmsg *e)
{
	cJSON *doc;

	if ((doc = jsonin_parse_line(line, len, e)) == NULL)
		return READER_BAD;
	steptrace_export(stream(em), doc, lineno);
	cJSON_Delete(doc);
	return READER_OK;
}

static int
steptrace_doc(struct emit *em, const cJSON *doc, struct errmsg *e)
{
	(void)e;
	steptrace_export(stream(em), doc, 0);
	return READER_OK;
}

/* A file is one stream: its last step has no cycle. */
static int
steptrace_end(struct emit *em, struct errmsg *e)
{
	(void)e;
	steptrace_finish(stream(em));
	steptrace_stats_add(&run_stats, &cur.st);
	steptrace_free(&cur);
	cur_open = 0;
	return READER_OK;
}

static void
steptrace_run_report(void)
{
	steptrace_report(&run_stats);
}

const struct reader steptrace_reader = {
	.name = "vllm-steps",
	.record = "step",
	.kind = "steps",
	.what = "vLLM fork step traces (--step-tracing-enabled), OTLP JSON",
	.detect = steptrace_detect_line,
	.open = readers_jsonl_or_doc,
	.claim = steptrace_detect,
	.line = steptrace_line,
	.doc = steptrace_doc,
	.end = steptrace_end,
	.finish = steptrace_run_report,
};

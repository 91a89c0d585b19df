#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "io/jsonin.h"
#include "sched/arrivals.h"

void
arrivals_init(struct arrivals *a, const struct common_opts *o,
    char *const *paths, int npaths, size_t window)
{
	memset(a, 0, sizeof(*a));
	input_init(&a->in, o);
	a->in.none_msg = "no request records";
	input_start(&a->in, paths, npaths);
	a->window = window;
	a->last_read = a->last_out = -1;
	jsonin_init(&a->jin);
}

static int
before(const struct arrivals_rec *x, const struct arrivals_rec *y)
{
	if (x->r.arrival_us != y->r.arrival_us)
		return x->r.arrival_us < y->r.arrival_us;
	return x->seq < y->seq;
}

static void
swap(struct arrivals_rec *x, struct arrivals_rec *y)
{
	struct arrivals_rec t = *x;

	*x = *y;
	*y = t;
}

static void
heap_push(struct arrivals *a, const struct arrivals_rec *rec)
{
	size_t i, up;

	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->heap = err_realloc(a->heap, a->cap * sizeof(*a->heap));
	}
	i = a->n++;
	a->heap[i] = *rec;
	for (; i > 0; i = up) {
		up = (i - 1) / 2;
		if (!before(&a->heap[i], &a->heap[up]))
			break;
		swap(&a->heap[i], &a->heap[up]);
	}
}

static void
heap_pop(struct arrivals *a, struct arrivals_rec *out)
{
	size_t i = 0;

	*out = a->heap[0];
	a->heap[0] = a->heap[--a->n];
	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= a->n)
			break;
		if (c + 1 < a->n && before(&a->heap[c + 1], &a->heap[c]))
			c++;
		if (!before(&a->heap[c], &a->heap[i]))
			break;
		swap(&a->heap[i], &a->heap[c]);
		i = c;
	}
}

static enum arrivals_kind
kind_of(const cJSON *obj)
{
	const cJSON *v;

	if (jsonin_field(obj, "n_prefill") != NULL ||
	    jsonin_field(obj, "prefill_requests") != NULL)
		return ARRIVALS_AGGREGATE;
	v = jsonin_field(obj, "ttft_us");
	if (v != NULL && !cJSON_IsNull(v))
		return ARRIVALS_TIMED;
	return ARRIVALS_REQUESTS;
}

/*
 * 1 if rec may join the window; 0 if it is a bad record (said, and
 * counted: the input driver stops, or skips it with --skip-bad): out of
 * order with --strict, or earlier than a request already handed out.
 */
static int
check_order(struct arrivals *a, const struct arrivals_rec *rec)
{
	if (rec->r.arrival_us < a->last_out) {
		err_warnat(rec->file, rec->r.line, "arrival_us %lld is more "
		    "than --sort-window %zu records out of order",
		    (long long)rec->r.arrival_us, a->window);
		return 0;
	}
	if (rec->r.arrival_us >= a->last_read) {
		a->last_read = rec->r.arrival_us;
		return 1;
	}
	if (a->strict) {
		err_warnat(rec->file, rec->r.line, "arrival_us %lld is earlier "
		    "than the previous request's %lld (--strict)",
		    (long long)rec->r.arrival_us, (long long)a->last_read);
		return 0;
	}
	if (!a->warned)
		err_warnat(rec->file, rec->r.line, "arrival_us %lld is earlier "
		    "than the previous request's %lld; sorting by arrival",
		    (long long)rec->r.arrival_us, (long long)a->last_read);
	a->warned = 1;
	return 1;
}

/* The first record decides the kind; aggregate steps say so in messages. */
static void
set_kind(struct arrivals *a, const cJSON *obj)
{
	a->kind = kind_of(obj);
	if (a->kind == ARRIVALS_AGGREGATE)
		a->in.none_msg = "no step records";
	if (a->auto_mode && a->kind == ARRIVALS_TIMED)
		a->flags |= REQ_NEED_TIMES;
}

/*
 * Parse one line into rec: 1 a request, 0 not one (skipped, failed), -1
 * the input is aggregate steps, not requests (the line is kept for
 * arrivals_line).
 */
static int
parse(struct arrivals *a, const char *line, size_t len,
    struct arrivals_rec *rec)
{
	struct input *in = &a->in;
	struct errmsg e;
	cJSON *obj;
	int rc;

	e.msg[0] = '\0';
	/* obj lives in a->jin until the next line: request_from_json
	 * copies what the window keeps. */
	if ((obj = jsonin_parse(&a->jin, line, len, &e)) != NULL &&
	    a->kind == ARRIVALS_UNKNOWN && cJSON_IsObject(obj)) {
		set_kind(a, obj);
		if (a->auto_mode && a->kind == ARRIVALS_AGGREGATE) {
			a->pending = err_malloc(len + 1);
			memcpy(a->pending, line, len);
			a->pending[len] = '\0';
			a->pending_len = len;
			return -1;
		}
	}
	rc = obj != NULL ?
	    request_from_json(obj, a->flags, &rec->r, &e) : -1;
	if (rc < 0) {
		err_warnat(in->lr.name, in->lr.lineno, "%s", e.msg);
		input_count(in, INPUT_BAD);
		return 0;
	}
	rec->r.line = in->lr.lineno;
	rec->file = in->lr.name;
	rec->seq = a->seq++;
	if (rec->r.failed) {
		input_count(in, INPUT_OK);
		a->failed++;
		request_free(&rec->r);
		return 0;
	}
	if (!check_order(a, rec)) {
		request_free(&rec->r);
		input_count(in, INPUT_BAD);
		return 0;
	}
	input_count(in, INPUT_OK);
	return 1;
}

/* Read until one request is had; 0 at the end of all input. */
static int
read_one(struct arrivals *a, struct arrivals_rec *rec)
{
	size_t len;
	char *line;

	while ((line = input_next(&a->in, &len)) != NULL)
		switch (parse(a, line, len, rec)) {
		case 1:
			return 1;
		case -1:
			return 0;
		}
	return 0;
}

char *
arrivals_line(struct arrivals *a, size_t *len)
{
	if (a->pending != NULL && !a->pending_used) {
		a->pending_used = 1;
		*len = a->pending_len;
		return a->pending;
	}
	return input_next(&a->in, len);
}

/* Fill the window: until it holds more than window records, or the end. */
static void
fill(struct arrivals *a, size_t upto)
{
	struct arrivals_rec rec;

	while (!a->eof && a->n <= upto) {
		if (!read_one(a, &rec)) {
			a->eof = 1;
			break;
		}
		heap_push(a, &rec);
	}
}

enum arrivals_kind
arrivals_kind(struct arrivals *a)
{
	if (a->kind == ARRIVALS_UNKNOWN)
		fill(a, 0);
	return a->kind;
}

struct arrivals_rec *
arrivals_peek(struct arrivals *a)
{
	fill(a, a->window);
	return a->n > 0 ? &a->heap[0] : NULL;
}

void
arrivals_pop(struct arrivals *a, struct arrivals_rec *out)
{
	heap_pop(a, out);
	/* Records read later and earlier than this are refused (parse). */
	a->last_out = out->r.arrival_us;
}

void
arrivals_skipped(struct arrivals *a)
{
	a->in.records--;
	a->in.skipped++;
}

void
arrivals_close(struct arrivals *a)
{
	struct arrivals_rec rec;

	while (a->n > 0) {
		heap_pop(a, &rec);
		request_free(&rec.r);
	}
	if (a->cur_held)
		request_free(&a->cur.r);
	a->cur_held = 0;
	input_end(&a->in);
	jsonin_free(&a->jin);
	free(a->pending);
	free(a->heap);
	a->heap = NULL;
}

void
arrivals_report(const struct arrivals *a)
{
	if (a->failed > 0)
		err_warn("ignored %ld failed request%s (with \"error\")",
		    a->failed, a->failed == 1 ? "" : "s");
	input_report(&a->in);
}

/* --- the replay's source ------------------------------------------------ */

static int
source_next(void *ctx, struct replay_req *out)
{
	struct arrivals *a = ctx;

	if (a->cur_held)
		request_free(&a->cur.r);
	a->cur_held = 0;
	if (arrivals_peek(a) == NULL)
		return 0;
	arrivals_pop(a, &a->cur);
	a->cur_held = 1;
	out->id = a->cur.r.id;
	out->arrival_us = a->cur.r.arrival_us;
	out->input_tokens = a->cur.r.input_tokens;
	out->output_tokens = a->cur.r.output_tokens;
	out->cached_tokens = a->cur.r.cached_tokens == REQUEST_ABSENT ? -1 :
	    a->cur.r.cached_tokens;
	out->user = NULL;
	out->file = a->cur.file;
	out->line = a->cur.r.line;
	return 1;
}

static int
source_refuse(void *ctx, const struct replay_req *rq, const char *what)
{
	struct arrivals *a = ctx;

	err_warnat(rq->file, rq->line, "%s", what);
	if (!a->in.skip_bad)
		return -1;
	arrivals_skipped(a);
	return 0;
}

void
arrivals_source(struct arrivals *a, struct replay_source *src)
{
	src->ctx = a;
	src->next = source_next;
	src->refuse = source_refuse;
}

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/arrivals.h"
#include "io/err.h"
#include "io/jsonin.h"

void
bf_src_init(struct bf_src *s, char *const *paths, int npaths, size_t window)
{
	static char *const stdin_path[] = { "-" };

	memset(s, 0, sizeof(*s));
	s->paths = npaths > 0 ? paths : stdin_path;
	s->npaths = npaths > 0 ? npaths : 1;
	s->window = window;
	s->last_read = s->last_out = -1;
}

static int
before(const struct bf_rec *a, const struct bf_rec *b)
{
	if (a->r.arrival_us != b->r.arrival_us)
		return a->r.arrival_us < b->r.arrival_us;
	return a->seq < b->seq;
}

static void
swap(struct bf_rec *a, struct bf_rec *b)
{
	struct bf_rec t = *a;

	*a = *b;
	*b = t;
}

static void
heap_push(struct bf_src *s, const struct bf_rec *rec)
{
	size_t i, up;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->heap = xrealloc(s->heap, s->cap * sizeof(*s->heap));
	}
	i = s->n++;
	s->heap[i] = *rec;
	for (; i > 0; i = up) {
		up = (i - 1) / 2;
		if (!before(&s->heap[i], &s->heap[up]))
			break;
		swap(&s->heap[i], &s->heap[up]);
	}
}

static void
heap_pop(struct bf_src *s, struct bf_rec *out)
{
	size_t i = 0;

	*out = s->heap[0];
	s->heap[0] = s->heap[--s->n];
	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= s->n)
			break;
		if (c + 1 < s->n && before(&s->heap[c + 1], &s->heap[c]))
			c++;
		if (!before(&s->heap[c], &s->heap[i]))
			break;
		swap(&s->heap[i], &s->heap[c]);
		i = c;
	}
}

static enum bf_kind
kind_of(const cJSON *obj)
{
	const cJSON *v;

	if (jfield(obj, "n_prefill") != NULL ||
	    jfield(obj, "prefill_requests") != NULL)
		return BF_KIND_AGGREGATE;
	v = jfield(obj, "ttft_us");
	if (v != NULL && !cJSON_IsNull(v))
		return BF_KIND_TIMED;
	return BF_KIND_REQUESTS;
}

/* Open the next file; 0 when there is none. */
static int
open_next(struct bf_src *s)
{
	if (s->next >= s->npaths)
		return 0;
	if (lr_open(&s->lr, s->paths[s->next]) < 0)
		die(EXIT_DATA, "%s: %s", s->paths[s->next], strerror(errno));
	s->next++;
	s->open = 1;
	s->file_records = 0;
	progress_start(&s->pg, s->lr.fp, s->lr.name, s->quiet);
	return 1;
}

static void
close_file(struct bf_src *s)
{
	progress_done(&s->pg);
	if (lr_error(&s->lr))
		die(EXIT_DATA, "%s: read error: %s", s->lr.name,
		    strerror(errno));
	if (s->file_records == 0)
		warnat(s->lr.name, 0, "no %s records",
		    s->kind == BF_KIND_AGGREGATE ? "step" : "request");
	lr_close(&s->lr);
	s->open = 0;
}

static void
check_order(struct bf_src *s, const struct bf_rec *rec)
{
	if (rec->r.arrival_us >= s->last_read) {
		s->last_read = rec->r.arrival_us;
		return;
	}
	if (s->strict)
		dieat(EXIT_DATA, rec->file, rec->r.line, "arrival_us %lld is "
		    "earlier than the previous request's %lld (--strict)",
		    (long long)rec->r.arrival_us, (long long)s->last_read);
	if (!s->warned)
		warnat(rec->file, rec->r.line, "arrival_us %lld is earlier "
		    "than the previous request's %lld; sorting by arrival",
		    (long long)rec->r.arrival_us, (long long)s->last_read);
	s->warned = 1;
}

/*
 * Parse one line into rec: 1 a request, 0 not one (skipped, failed), -1
 * the input is aggregate steps, not requests.
 */
static int
parse(struct bf_src *s, const char *line, size_t len, struct bf_rec *rec)
{
	struct jerr e;
	cJSON *obj;
	int rc;

	e.msg[0] = '\0';
	if ((obj = json_parse_line(line, len, &e)) != NULL &&
	    s->kind == BF_KIND_UNKNOWN && cJSON_IsObject(obj)) {
		s->kind = kind_of(obj);
		if (s->auto_mode && s->kind == BF_KIND_TIMED)
			s->flags |= REQ_NEED_TIMES;
		if (s->auto_mode && s->kind == BF_KIND_AGGREGATE) {
			/* Not requests: keep the line for bf_src_line. */
			s->pending = xmalloc(len + 1);
			memcpy(s->pending, line, len);
			s->pending[len] = '\0';
			s->pending_len = len;
			s->file_records++;
			cJSON_Delete(obj);
			return -1;
		}
	}
	rc = obj != NULL ?
	    request_from_json(obj, s->flags, &rec->r, &e) : -1;
	cJSON_Delete(obj);
	s->file_records++;
	if (rc < 0) {
		warnat(s->lr.name, s->lr.lineno, "%s", e.msg);
		if (!s->skip_bad)
			exit(EXIT_DATA);
		s->skipped++;
		return 0;
	}
	rec->r.line = s->lr.lineno;
	rec->file = s->lr.name;
	rec->seq = s->seq++;
	if (rec->r.failed) {
		s->failed++;
		request_free(&rec->r);
		return 0;
	}
	s->records++;
	return 1;
}

/* The next non-blank line of any file; NULL at the end of them all. */
static char *
next_line(struct bf_src *s, size_t *len)
{
	for (;;) {
		char *line;

		if (!s->open && !open_next(s))
			return NULL;
		if ((line = lr_next(&s->lr, len)) == NULL) {
			close_file(s);
			continue;
		}
		progress_update(&s->pg);
		if (!lr_blank(line, *len))
			return line;
	}
}

/* Read until one request is had; 0 at the end of all input. */
static int
read_one(struct bf_src *s, struct bf_rec *rec)
{
	size_t len;
	char *line;

	while ((line = next_line(s, &len)) != NULL)
		switch (parse(s, line, len, rec)) {
		case 1:
			return 1;
		case -1:
			return 0;
		}
	return 0;
}

char *
bf_src_line(struct bf_src *s, size_t *len)
{
	char *line;

	if (s->pending != NULL && !s->pending_used) {
		s->pending_used = 1;
		*len = s->pending_len;
		return s->pending;
	}
	if ((line = next_line(s, len)) != NULL)
		s->file_records++;
	return line;
}

enum bf_kind
bf_src_kind(struct bf_src *s)
{
	struct bf_rec rec;

	while (s->kind == BF_KIND_UNKNOWN && !s->eof) {
		if (!read_one(s, &rec)) {
			s->eof = 1;
			break;
		}
		check_order(s, &rec);
		heap_push(s, &rec);
	}
	return s->kind;
}

struct bf_rec *
bf_src_peek(struct bf_src *s)
{
	struct bf_rec rec;

	while (!s->eof && s->n <= s->window) {
		if (!read_one(s, &rec)) {
			s->eof = 1;
			break;
		}
		check_order(s, &rec);
		heap_push(s, &rec);
	}
	return s->n > 0 ? &s->heap[0] : NULL;
}

void
bf_src_pop(struct bf_src *s, struct bf_rec *out)
{
	heap_pop(s, out);
	if (out->r.arrival_us < s->last_out)
		dieat(EXIT_DATA, out->file, out->r.line, "arrival_us %lld is "
		    "more than --sort-window %zu records out of order",
		    (long long)out->r.arrival_us, s->window);
	s->last_out = out->r.arrival_us;
}

void
bf_src_close(struct bf_src *s)
{
	struct bf_rec rec;

	while (s->n > 0) {
		heap_pop(s, &rec);
		request_free(&rec.r);
	}
	if (s->open)
		lr_close(&s->lr);
	free(s->pending);
	free(s->heap);
	s->heap = NULL;
}

void
bf_src_report(const struct bf_src *s)
{
	if (s->failed > 0)
		warnmsg("ignored %ld failed request%s (with \"error\")",
		    s->failed, s->failed == 1 ? "" : "s");
	if (s->skipped > 0)
		warnmsg("skipped %ld bad record%s of %ld", s->skipped,
		    s->skipped == 1 ? "" : "s",
		    s->skipped + s->records + s->failed);
}

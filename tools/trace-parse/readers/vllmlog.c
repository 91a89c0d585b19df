#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers/vllmlog.h"
#include "decimal.h"
#include "io/err.h"

static const char marker[] = "Iteration(";

enum { F_CTX_REQS, F_CTX_TOKENS, F_GEN_REQS, F_GEN_TOKENS, F_ELAPSED,
    F_NFIELDS };

static const char *const labels[F_ELAPSED] = {
	"context requests", "context tokens", "generation requests",
	"generation tokens"
};

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

static int
startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Digits at p as a whole number; the count of digits, 0 if none/too big. */
static size_t
whole(const char *p, int64_t *v)
{
	size_t n;

	for (n = 0; isdig(p[n]); n++)
		;
	if (n == 0 || n > 15 || decimal_scaled(p, n, 0, v, NULL) < 0)
		return 0;
	return n;
}

/* "MM-DD HH:MM:SS" at s, as seconds since Jan 1 (a 365-day year). */
static int64_t
clock_at(const char *s)
{
	static const int cum[] = { 0, 31, 59, 90, 120, 151, 181, 212, 243,
	    273, 304, 334 };
	static const char shape[] = "dd-dd dd:dd:dd";
	int mo, d, h, mi, sec;
	size_t i;

	for (i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? !isdig(s[i]) : s[i] != shape[i])
			return -1;
	mo = (s[0] - '0') * 10 + s[1] - '0';
	d = (s[3] - '0') * 10 + s[4] - '0';
	h = (s[6] - '0') * 10 + s[7] - '0';
	mi = (s[9] - '0') * 10 + s[10] - '0';
	sec = (s[12] - '0') * 10 + s[13] - '0';
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	return (((int64_t)(cum[mo - 1] + d - 1) * 24 + h) * 60 + mi) * 60 +
	    sec;
}

/* The log's own clock: the first "MM-DD HH:MM:SS" before the marker. */
static int64_t
find_clock(const char *line, const char *stop)
{
	const char *p;

	for (p = line; p + 14 <= stop; p++) {
		int64_t c;

		if (isdig(*p) && (p == line || p[-1] == ' ') &&
		    (c = clock_at(p)) >= 0)
			return c;
	}
	return -1;
}

/*
 * An item that does not start with a count: a field some later release
 * added, unless it carries one of our labels (then its count is bad).
 */
static int
labelled(const char *p, char *err, size_t errsz)
{
	const char *end = strstr(p, ", ");
	int i;

	for (i = 0; i < F_ELAPSED; i++) {
		const char *l = strstr(p, labels[i]);

		if (l != NULL && (end == NULL || l < end)) {
			snprintf(err, errsz, "%s: expected a whole count, got "
			    "\"%.*s\"", labels[i], (int)(l - p > 20 ? 20 :
			    l - p > 0 ? l - p - 1 : 0), p);
			return -1;
		}
	}
	return 0;
}

/*
 * Which engine logged the line: iteration numbers are per engine, so a
 * data-parallel log interleaves several sequences.  The "Engine NNN: "
 * prefix wins over the process tag "(EngineCore_DPn pid=...)".
 */
static int64_t
find_engine(const char *line, const char *stop)
{
	static const char *const tags[] = { "Engine ", "EngineCore_DP" };
	const char *p;
	int64_t v;
	size_t i, n;

	for (i = 0; i < 2; i++)
		for (p = line; (p = strstr(p, tags[i])) != NULL && p < stop;
		    p++) {
			n = whole(p + strlen(tags[i]), &v);
			if (n > 0 && (i == 1 || p[strlen(tags[i]) + n] == ':'))
				return v;
		}
	return -1;
}

/* One ", "-separated item after the colon; -1 if malformed. */
static int
parse_item(const char *p, struct vllmlog_iter *it, int *seen, char *err,
    size_t errsz)
{
	int64_t v;
	size_t used;
	int i;

	if (startswith(p, "iteration elapsed time: ")) {
		p += strlen("iteration elapsed time: ");
		if (decimal_scaled(p, strlen(p), 3, &v, &used) < 0 ||
		    strncmp(p + used, " ms", 3) != 0) {
			snprintf(err, errsz, "iteration elapsed time: "
			    "expected \"<number> ms\"");
			return -1;
		}
		it->dur_us = v;
		seen[F_ELAPSED] = 1;
		return 0;
	}
	if (startswith(p, "GPU KV cache usage: ")) {
		p += strlen("GPU KV cache usage: ");
		if (decimal_scaled(p, strlen(p), 6, &v, &used) < 0 ||
		    p[used] != '%' || v > 100000000) {
			snprintf(err, errsz, "GPU KV cache usage: expected a "
			    "percentage from 0 to 100");
			return -1;
		}
		it->kv_usage = (double)v / 1e8;	/* exact ratio, one rounding */
		return 0;
	}
	if (!isdig(*p))
		return labelled(p, err, errsz);
	if ((used = whole(p, &v)) == 0 || p[used] != ' ') {
		snprintf(err, errsz, "expected a whole count at \"%.20s\"", p);
		return -1;
	}
	for (i = 0; i < F_ELAPSED; i++)
		if (startswith(p + used + 1, labels[i]))
			break;
	switch (i) {
	case F_CTX_REQS:	it->ctx_reqs = v; break;
	case F_CTX_TOKENS:	it->ctx_tokens = v; break;
	case F_GEN_REQS:	it->gen_reqs = v; break;
	case F_GEN_TOKENS:	it->gen_tokens = v; break;
	default:		return 0;	/* a count we do not use */
	}
	seen[i] = 1;
	return 0;
}

static int
parse_items(const char *p, struct vllmlog_iter *it, char *err, size_t errsz)
{
	int seen[F_NFIELDS] = { 0 };
	int i;

	for (;;) {
		while (*p == ' ')
			p++;
		if (parse_item(p, it, seen, err, errsz) < 0)
			return -1;
		if ((p = strstr(p, ", ")) == NULL)
			break;
		p += 2;
	}
	for (i = 0; i < F_NFIELDS; i++)
		if (!seen[i]) {
			snprintf(err, errsz, "iteration line without \"%s\"",
			    i < F_ELAPSED ? labels[i] :
			    "iteration elapsed time");
			return -1;
		}
	return 0;
}

int
vllmlog_parse(const char *line, size_t len, struct vllmlog_iter *it,
    char *err, size_t errsz)
{
	const char *m, *p;
	size_t used;

	(void)len;
	if ((m = strstr(line, marker)) == NULL)
		return VLLMLOG_OTHER;
	memset(it, 0, sizeof(*it));
	it->kv_usage = -1;
	it->clock_s = find_clock(line, m);
	it->engine = find_engine(line, m);
	p = m + strlen(marker);
	if ((used = whole(p, &it->iter)) == 0 || p[used] != ')') {
		snprintf(err, errsz, "Iteration(: expected a whole number "
		    "and \")\"");
		return VLLMLOG_BAD;
	}
	p += used + 1;
	/* The dummy marker: "Iteration(7) (dummy):" or "(dummy)" later. */
	it->dummy = strstr(m, "(dummy)") != NULL;
	if (startswith(p, " (dummy)"))
		p += strlen(" (dummy)");
	else if (startswith(p, "(dummy)"))
		p += strlen("(dummy)");
	if (*p != ':') {
		snprintf(err, errsz, "Iteration(%lld): expected \":\"",
		    (long long)it->iter);
		return VLLMLOG_BAD;
	}
	if (parse_items(p + 1, it, err, errsz) < 0)
		return VLLMLOG_BAD;
	return VLLMLOG_RECORD;
}

/* A vLLM log clock has no year: a jump back of half a year is New Year. */
#define YEAR_S		(365 * 86400LL)

/* What the run saw besides iteration records, for the closing notes. */
static long other_lines, dummies;

/* A header-looking line: commas and no blanks around them. */
static int
looks_like_csv_header(const char *line)
{
	return strchr(line, ',') != NULL && strstr(line, ", ") == NULL &&
	    strchr(line, '[') == NULL;
}

/* Ordinary log text before the first iteration line is a log too. */
static enum reader_detect
vllmlog_detect(const char *line)
{
	if (*line == '{')
		return DETECT_NO;
	if (strstr(line, marker) != NULL)
		return DETECT_YES;
	if (*line == '[' || looks_like_csv_header(line))
		return DETECT_NO;
	return DETECT_FALLBACK;
}

/* Counts no batch can have, refused at their log line. */
static int
vllmlog_counts_bad(const struct vllmlog_iter *it, struct errmsg *e)
{
	if (it->ctx_reqs > it->ctx_tokens) {
		errmsg_set(e, "%lld context requests but %lld context tokens "
		    "(each computes at least one)", (long long)it->ctx_reqs,
		    (long long)it->ctx_tokens);
		return 1;
	}
	if (it->gen_tokens != it->gen_reqs) {
		errmsg_set(e, "%lld generation requests but %lld generation "
		    "tokens (a decode is one token; speculative decoding is "
		    "not modelled)", (long long)it->gen_reqs,
		    (long long)it->gen_tokens);
		return 1;
	}
	return 0;
}

static int
vllmlog_line(struct emit *em, const char *line, size_t len, long lineno,
    struct errmsg *e)
{
	struct vllmlog_iter it;
	struct step_out st;
	int64_t t;

	(void)lineno;
	switch (vllmlog_parse(line, len, &it, e->msg, sizeof(e->msg))) {
	case VLLMLOG_OTHER:
		other_lines++;
		return READER_OK;
	case VLLMLOG_BAD:
		return READER_BAD;
	}
	if (vllmlog_counts_bad(&it, e))
		return READER_BAD;
	step_out_init(&st);
	st.step = it.iter;
	if (it.engine >= 0)
		st.engine = it.engine;
	if (it.clock_s >= 0) {
		t = emit_rebase(em, it.clock_s);
		if (!em->keep_clock && t < -YEAR_S / 2)
			t += YEAR_S;
		st.ts_us = t * 1000000;
	}
	st.dur_us = it.dur_us;
	/* Only the wait for the batch's result: doc/steptrace.md. */
	st.dur_source = "engine_wait";
	st.n_prefill = it.ctx_reqs;
	st.prefill_tokens = it.ctx_tokens;
	st.n_decode = it.gen_reqs;
	st.decode_tokens = it.gen_tokens;
	st.kv_usage = it.kv_usage;
	st.dummy = it.dummy;
	dummies += it.dummy;
	emit_step(em, &st);
	return READER_OK;
}

/* A log with no iteration line: how many lines, and what writes them. */
static int
vllmlog_end(struct emit *em, struct errmsg *e)
{
	long n = em->in->lr.lineno;

	(void)e;
	if (em->in->records + em->in->skipped > em->in->file_start)
		return READER_OK;
	err_warnat(emit_name(em), 0, "no iteration lines in %ld line%s read; "
	    "vLLM writes them with --enable-logging-iteration-details", n,
	    n == 1 ? "" : "s");
	em->said_none = 1;
	return READER_OK;
}

static void
vllmlog_finish(void)
{
	if (other_lines > 0)
		err_warn("ignored %ld log line%s without an iteration record",
		    other_lines, other_lines == 1 ? "" : "s");
	if (dummies > 0)
		err_warn("%ld dummy iteration%s kept, flagged \"dummy\": true",
		    dummies, dummies == 1 ? "" : "s");
}

const struct reader vllmlog_reader = {
	.name = "vllm-log",
	.record = "step",
	.kind = "aggregate-steps",
	.what = "vLLM iteration log (--enable-logging-iteration-details)",
	.detect = vllmlog_detect,
	.mode = READ_LINES,
	.line = vllmlog_line,
	.end = vllmlog_end,
	.finish = vllmlog_finish,
};
